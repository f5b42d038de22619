/* routes.h - the relay's route table and dispatcher: which handler serves
 * which method and path. 404 no_route, 405 method_not_allowed (with
 * Allow), 400 bad_name for the :room segment and 429 for the request
 * limits are answered here, and a handler's result is turned into the
 * reply here, in one place. */
#ifndef RELAY_ROUTES_H
#define RELAY_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

struct routes;
struct storepool;
struct waiters;
struct metrics;
struct committer;

/* Request limits (token buckets, 429 with Retry-After); 0: no limit. */
struct routes_limits {
	double per_addr;      /* requests per second per client address (burst 2x) */
	double per_member;    /* message posts per second per member (burst 2x) */
	double join_failures; /* wrong join proofs per minute, per room and per address */
};

/* The dispatcher's context: handlers get a store from `pool`, park in
 * `w`, count in `m` (whose routes it names), group-commit posts through
 * `c` (NULL: inline). NULL if out of memory. */
struct routes *routes_new(struct storepool *pool, struct waiters *w, struct metrics *m,
			  struct committer *c, const struct routes_limits *lim);
void routes_free(struct routes *rt);
/* How many routes the table has (for metrics_new). */
size_t routes_count(void);

/* An http_handler_fn; ctx is the struct routes. */
bool routes_dispatch(void *ctx, struct http_req *rq);

#endif
