/* routes.c - the static route table and the dispatcher (see routes.h). */
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "names.h"
#include "ratelimit.h"
#include "storepool.h"

#define ROUTES_ROOM_PARAM ":room"
#define ROUTES_NAME_PARAM ":name" /* one segment; the handler reads it */
#define ROUTES_ALLOW_MAX 32
/* Retry-After of a 503 (the database away): a PostgreSQL restart takes
 * about a second, and each connection tries again at most once a second. */
#define ROUTES_RETRY_DOWN_S 1

/* One route. The row a request matched is kept with it (http_keep_route),
 * so a parked request, once resumed, goes straight to its route's `then`:
 * no matching, no limits, no handler run again from the top. */
struct route {
	const char *method;
	const char *pattern; /* ":room" and ":name" match one path segment */
	api_fn fn;           /* a handler of the store alone, or */
	api_env_fn efn;      /* one that needs more (api_env) */
	api_env_fn then;     /* a parked request's next step (NULL: never parks) */
};

struct routes {
	struct storepool *pool;
	struct waiters *w;
	struct metrics *m;
	struct committer *c;
	struct replycache *rc;
	struct authcache *ac;
	struct ratelimit *per_addr;
	struct ratelimit *per_member;
	struct ratelimit *join_failures; /* keyed "room:NAME" and "addr:ADDRESS" */
};

/* The messages first: they come by the thousand. The index also names a
 * route in the metrics. */
static const struct route route_table[] = {
	{"POST", "/v1/rooms/:room/messages", NULL, api_messages_post, api_messages_posted},
	{"GET", "/v1/rooms/:room/messages", NULL, api_messages_list, api_messages_woken},
	{"POST", "/v1/rooms", api_rooms_create, NULL, NULL},
	{"GET", "/v1/rooms/:room", api_rooms_get, NULL, NULL},
	{"POST", "/v1/rooms/:room/challenges", api_challenges_create, NULL, NULL},
	{"POST", "/v1/rooms/:room/members", api_members_join, NULL, NULL},
	{"GET", "/v1/rooms/:room/members", api_members_list, NULL, NULL},
	{"GET", "/v1/rooms/:room/state", api_state_get, NULL, NULL},
	{"GET", "/v1/rooms/:room/states", api_states_list, NULL, NULL},
	{"POST", "/v1/rooms/:room/state", api_state_post, NULL, NULL},
	{"GET", "/v1/rooms/:room/wraps", api_wraps_get, NULL, NULL},
	{"DELETE", "/v1/rooms/:room/members/:name", api_members_remove, NULL, NULL},
	{"GET", "/healthz", NULL, api_health_get, NULL},
	{"GET", "/metrics", NULL, api_metrics_get, NULL},
};

#define ROUTES_ALL (sizeof(route_table) / sizeof(route_table[0]))

/* Does `path` match `pattern`? The :room segment is copied into `room`
 * (cap bytes); one too long for it is left empty, an invalid name. Runs
 * for every route on every request: literal runs are compared whole. */
static bool route_match(const char *pattern, const char *path, char *room, size_t cap)
{
	bool ok = true;

	while (ok && *pattern != '\0') {
		size_t lit = strcspn(pattern, ":"), n;

		ok = strncmp(pattern, path, lit) == 0;
		pattern += lit;
		path += ok ? lit : 0;
		if (!ok || *pattern == '\0')
			break;
		n = strcspn(path, "/");
		if (strncmp(pattern, ROUTES_ROOM_PARAM, strlen(ROUTES_ROOM_PARAM)) == 0) {
			n = n < cap ? n : 0;
			memcpy(room, path, n);
			room[n] = '\0';
			pattern += strlen(ROUTES_ROOM_PARAM);
		} else { /* ROUTES_NAME_PARAM */
			ok = n > 0;
			pattern += strlen(ROUTES_NAME_PARAM);
		}
		path += strcspn(path, "/");
	}
	return ok && *path == '\0';
}

/* Add `method` to the comma-separated list `allow` unless present. */
static void route_allow(char *allow, size_t cap, const char *method)
{
	size_t len = strlen(allow);

	if (strstr(allow, method) != NULL)
		return;
	snprintf(allow + len, cap - len, "%s%s", len > 0 ? ", " : "", method);
}

/* Call the handler with this thread's store; a resumed request (`resumed`)
 * its route's next step instead. */
static enum e2e_err route_call(const struct route *r, bool resumed, struct routes *rt,
			       struct http_req *rq, const char *room, struct api_res *res)
{
	struct api_env env = {.st = storepool_acquire(rt->pool), .w = rt->w, .m = rt->m,
			      .c = rt->c, .rc = rt->rc, .ac = rt->ac};
	enum e2e_err err = E2E_ERR_INTERNAL;

	if (env.st != NULL && resumed && r->then != NULL)
		err = r->then(&env, rq, room, res);
	else if (resumed) /* parked by a route that says it never parks */
		err = E2E_ERR_INTERNAL;
	else if (env.st != NULL)
		err = r->efn != NULL ? r->efn(&env, rq, room, res) : r->fn(env.st, rq, room, res);
	if (err == E2E_ERR_INTERNAL && env.st != NULL && store_unavailable(env.st))
		res->unavailable = true;
	storepool_release(rt->pool, env.st);
	return err;
}

/* Run the handler and answer with its reply or its error (or nothing,
 * if it parked the request). */
static bool route_run(const struct route *r, bool resumed, struct routes *rt,
		      struct http_req *rq, const char *room, enum e2e_err *result)
{
	struct api_res res;
	enum e2e_err err;
	bool ok = true;

	memset(&res, 0, sizeof(res));
	err = route_call(r, resumed, rt, rq, room, &res);
	if (err == E2E_OK && res.text != NULL)
		ok = http_reply_text(rq, res.status,
				     res.text_type != NULL ? res.text_type
							   : "text/plain; version=0.0.4",
				     res.text, res.text_len); /* takes res.text */
	else if (err == E2E_OK && !res.parked)
		ok = http_reply_json(rq, res.status, res.body);
	else if (err == E2E_ERR_INTERNAL && res.unavailable)
		ok = http_reply_unavailable(rq, ROUTES_RETRY_DOWN_S,
					    "the database is unavailable; nothing was stored, "
					    "try again");
	else if (err != E2E_OK)
		ok = http_reply_error(rq, err, res.jerr.text, NULL);
	if (err != E2E_OK)
		free(res.text);
	json_decref(res.body);
	*result = err;
	return ok;
}

struct routes *routes_new(struct storepool *pool, struct waiters *w, struct metrics *m,
			  struct committer *c, const struct routes_limits *lim)
{
	struct routes *rt = calloc(1, sizeof(*rt));

	if (rt != NULL) {
		*rt = (struct routes){
			.pool = pool, .w = w, .m = m, .c = c, .rc = replycache_new(),
			.ac = authcache_new(),
			.per_addr = ratelimit_new(lim->per_addr, 2 * lim->per_addr),
			.per_member = ratelimit_new(lim->per_member, 2 * lim->per_member),
			.join_failures = ratelimit_new(lim->join_failures / 60, lim->join_failures),
		};
		if (!rt->rc || !rt->ac || !rt->per_addr || !rt->per_member || !rt->join_failures) {
			routes_free(rt);
			return NULL;
		}
		for (size_t i = 0; i < ROUTES_ALL; i++)
			metrics_route_name(m, i, route_table[i].method, route_table[i].pattern);
	}
	return rt;
}

void routes_free(struct routes *rt)
{
	if (rt != NULL) {
		replycache_free(rt->rc);
		authcache_free(rt->ac);
		ratelimit_free(rt->per_addr);
		ratelimit_free(rt->per_member);
		ratelimit_free(rt->join_failures);
	}
	free(rt);
}

/* Before a handler runs: may this request go on? Every request costs its
 * address a token; a message post costs its member one; a join may only
 * be tried while its room and its address have wrong-password tokens
 * left (they are spent after a wrong proof, below). */
static bool limits_admit(struct routes *rt, struct http_req *rq, const struct route *r,
			 const char *room, unsigned *retry, const char **why)
{
	char addr[64], key[96];
	const char *token = http_bearer(rq);

	http_client_addr(rq, addr, sizeof(addr));
	*why = "too many requests from your address";
	if (!ratelimit_take(rt->per_addr, addr, retry))
		return false;
	*why = "too many messages from this member";
	if (r->efn == api_messages_post && token != NULL &&
	    !ratelimit_take(rt->per_member, token, retry))
		return false;
	if (r->fn != api_members_join)
		return true;
	*why = "too many wrong passwords for this room or from your address; wait";
	snprintf(key, sizeof(key), "room:%s", room != NULL ? room : "");
	if (!ratelimit_peek(rt->join_failures, key, retry))
		return false;
	snprintf(key, sizeof(key), "addr:%s", addr);
	return ratelimit_peek(rt->join_failures, key, retry);
}

/* After a handler: a wrong room password costs its room and address. */
static void limits_after(struct routes *rt, struct http_req *rq, const struct route *r,
			 const char *room, enum e2e_err err)
{
	char addr[64], key[96];
	unsigned retry;

	if (r->fn != api_members_join || err != E2E_ERR_BAD_PROOF)
		return;
	http_client_addr(rq, addr, sizeof(addr));
	snprintf(key, sizeof(key), "room:%s", room != NULL ? room : "");
	ratelimit_take(rt->join_failures, key, &retry);
	snprintf(key, sizeof(key), "addr:%s", addr);
	ratelimit_take(rt->join_failures, key, &retry);
}

size_t routes_count(void)
{
	return ROUTES_ALL;
}

/* A new request: match its route, check the name and the limits, run the
 * handler; the route is kept with the request in case it parks. */
static bool routes_first(struct routes *rt, struct http_req *rq, size_t *hit_i)
{
	const char *path = http_path(rq);
	const char *method = http_method(rq);
	const struct route *hit = NULL;
	char room[E2E_ROOM_NAME_MAX + 2] = "";
	char allow[ROUTES_ALLOW_MAX] = "";
	const char *why = NULL, *room_arg;
	unsigned retry = 0;
	enum e2e_err result = E2E_OK;
	bool ok;

	for (size_t i = 0; i < ROUTES_ALL; i++) {
		const struct route *r = &route_table[i];

		if (!route_match(r->pattern, path, room, sizeof(room)))
			continue;
		route_allow(allow, sizeof(allow), r->method);
		if (hit == NULL && strcmp(method, r->method) == 0) {
			hit = r;
			*hit_i = i;
		}
	}
	room_arg = hit != NULL && strstr(hit->pattern, ROUTES_ROOM_PARAM) != NULL ? room : NULL;
	if (allow[0] == '\0') {
		ok = http_reply_error(rq, E2E_ERR_NO_ROUTE, NULL, NULL);
	} else if (hit == NULL) {
		ok = http_reply_error(rq, E2E_ERR_METHOD, NULL, allow);
	} else if (room_arg != NULL && !name_room_valid(room)) {
		ok = http_reply_error(rq, E2E_ERR_BAD_NAME, "room", NULL);
	} else if (!limits_admit(rt, rq, hit, room_arg, &retry, &why)) {
		ok = http_reply_busy(rq, why, retry);
	} else {
		http_keep_route(rq, hit);
		ok = route_run(hit, false, rt, rq, room_arg, &result);
		limits_after(rt, rq, hit, room_arg, result);
	}
	return ok;
}

bool routes_dispatch(void *ctx, struct http_req *rq)
{
	struct routes *rt = ctx;
	const struct route *kept = http_route(rq);
	size_t hit_i = ROUTES_ALL; /* none */
	enum e2e_err result = E2E_OK;
	bool ok;

	/* a parked request comes back here when resumed: its route's next
	 * step, its cost (the limits) paid already */
	if (kept != NULL) {
		hit_i = (size_t)(kept - route_table);
		ok = route_run(kept, true, rt, rq, NULL, &result);
	} else {
		ok = routes_first(rt, rq, &hit_i);
	}
	/* counted once, when answered (a parked request is counted later) */
	if (http_status(rq) != 0)
		metrics_request(rt->m, hit_i, http_status(rq), http_elapsed(rq), http_parked(rq));
	return ok;
}
