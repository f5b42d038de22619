/* fakehttp.h - relay/http.h without libmicrohttpd, for the relay's fuzz
 * harnesses (relay/http.c is not linked). A request is this struct, filled
 * in by the harness; a reply is not sent but counted, and checked the way
 * http.c would send it (its JSON must dump), so that a harness can tell
 * "exactly one reply, or parked" from anything else. */
#ifndef E2E_FUZZ_FAKEHTTP_H
#define E2E_FUZZ_FAKEHTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "http.h"

#define FAKEHTTP_QUERY_MAX 8
#define FAKEHTTP_PATH_MAX 512

struct fakehttp_query {
	char *key;
	char *value; /* NULL: the key had no '=' */
};

struct http_req {
	const char *method;
	char path[FAKEHTTP_PATH_MAX];
	const char *bearer;
	const char *body;
	size_t len;
	struct fakehttp_query query[FAKEHTTP_QUERY_MAX];
	size_t n_query;
	char *query_buf;
	struct timespec t0;
	unsigned status;   /* 0 until a reply */
	unsigned replies;  /* how many were attempted */
	bool reply_failed; /* one could not be sent: http.c closes the connection */
	bool parked;       /* suspended at least once */
	bool suspended;    /* now */
	bool verbose;      /* print each error reply on stderr */
	const void *route; /* the dispatcher's (relay/routes.c), across runs */
	void *state;
	void (*state_free)(void *);
};

/* Split `len` bytes of a query string ("a=1&b") into rq->query. */
void fakehttp_query_parse(struct http_req *rq, const char *q, size_t len);
/* The request is over: free its handler state and query. */
void fakehttp_end(struct http_req *rq);

#endif
