/* fuzz_relay.c - libFuzzer harness for the relay's request validation:
 * every endpoint handler of relay/api_*.c, on a real store (SQLite,
 * ":memory:") seeded with two rooms and their members, through the
 * struct http_req and relay/http.h of fakehttp.c instead of
 * libmicrohttpd (relay/http.c is not linked). Each input names its
 * route (fuzz_routes.c fuzzes the routing itself); see fuzz_relay.h for
 * the input format.
 *
 * The oracles, beyond the sanitizers: every request gets exactly one
 * reply or is parked; every reply can be sent (its JSON dumps, as
 * http.c would); nothing a client sends makes a 5xx. The store is
 * re-seeded after any request that may have changed it, and the random
 * source restarts each time, so every input replays the same way. */
#include "fuzz_relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "fakehttp.h"
#include "fixture.h"

/* the store's inside, for store_total_changes */
#include "store_db.h"

/* ---- the routes ---- */

struct fuzz_route_def {
	const char *method;
	const char *suffix; /* after /v1/rooms/ROOM; NULL: the path is `suffix`-less */
	api_fn fn;
	api_env_fn efn;
	api_env_fn then; /* a parked request's next step, as in relay/routes.c */
};

static const struct fuzz_route_def fuzz_routes[FUZZ_R__COUNT] = {
	[FUZZ_R_ROOMS_CREATE] = {"POST", NULL, api_rooms_create, NULL, NULL},
	[FUZZ_R_ROOMS_GET] = {"GET", "", api_rooms_get, NULL, NULL},
	[FUZZ_R_CHALLENGES] = {"POST", "/challenges", api_challenges_create, NULL, NULL},
	[FUZZ_R_MEMBERS_JOIN] = {"POST", "/members", api_members_join, NULL, NULL},
	[FUZZ_R_MEMBERS_LIST] = {"GET", "/members", api_members_list, NULL, NULL},
	[FUZZ_R_MEMBERS_REMOVE] = {"DELETE", "/members/", api_members_remove, NULL, NULL},
	[FUZZ_R_STATE_GET] = {"GET", "/state", api_state_get, NULL, NULL},
	[FUZZ_R_STATE_POST] = {"POST", "/state", api_state_post, NULL, NULL},
	[FUZZ_R_WRAPS_GET] = {"GET", "/wraps", api_wraps_get, NULL, NULL},
	[FUZZ_R_MESSAGES_POST] = {"POST", "/messages", NULL, api_messages_post,
				   api_messages_posted},
	[FUZZ_R_MESSAGES_LIST] = {"GET", "/messages", NULL, api_messages_list,
				   api_messages_woken},
	[FUZZ_R_HEALTH] = {"GET", NULL, NULL, api_health_get, NULL},
	[FUZZ_R_METRICS] = {"GET", NULL, NULL, api_metrics_get, NULL},
};

static const char *const fuzz_rooms[] = {"lobby", "den", "nosuchroom", "attic"};

/* ---- the relay: store, registry, counters, seeded rooms ---- */

struct fuzz_relay {
	struct store *st;
	struct waiters *w;
	struct metrics *m;
	struct replycache *rc;
	struct authcache *ac;
	char tokens[FUZZ_T_UNKNOWN + 1][API_TOKEN_B64_LEN];
	char spare_nonce[64];
	bool dirty;   /* re-seed before the next input */
	bool verbose; /* FUZZ_RELAY_VERBOSE=1: print each error reply */
};

static struct fuzz_relay relay;

static struct api_env fuzz_env(void)
{
	/* no group committer: posts commit inline, as with one connection */
	return (struct api_env){.st = relay.st, .w = relay.w, .m = relay.m, .rc = relay.rc,
				.ac = relay.ac};
}

/* Run `rq` through route `r` as relay/routes.c would, for `room`. */
static void fuzz_call(const struct fuzz_route_def *r, struct http_req *rq, const char *room)
{
	struct api_env env = fuzz_env();
	struct api_res res;
	enum e2e_err err;

	/* a parked request goes on with its route's next step once resumed,
	 * as in routes.c */
	for (int run = 0; run < 2; run++) {
		memset(&res, 0, sizeof(res));
		rq->suspended = false;
		if (run > 0)
			err = r->then != NULL ? r->then(&env, rq, NULL, &res) : E2E_ERR_INTERNAL;
		else if (r->efn != NULL)
			err = r->efn(&env, rq, room, &res);
		else
			err = r->fn(relay.st, rq, room, &res);
		if (err == E2E_OK && res.text != NULL)
			http_reply_text(rq, res.status, "text/plain", res.text, res.text_len);
		else if (err == E2E_OK && !res.parked)
			http_reply_json(rq, res.status, res.body);
		else if (err != E2E_OK)
			http_reply_error(rq, err, res.jerr.text, NULL);
		if (err != E2E_OK)
			free(res.text);
		json_decref(res.body);
		if (!(err == E2E_OK && res.parked && !rq->suspended))
			break;
	}
	if (rq->suspended) {
		/* still waiting (a long-poll): end it, as the relay's shutdown
		 * does; the registry is made anew for the next input */
		waiters_shutdown(relay.w);
		relay.dirty = true;
	}
	fakehttp_end(rq);
}

/* One request on the seeded relay: its status; *failed if the reply broke
 * the contract of http.h. */
static unsigned fuzz_request(enum fuzz_route route, const char *room, const char *token,
			     const char *extra, size_t extra_len, const char *body,
			     size_t len, bool *failed)
{
	const struct fuzz_route_def *r = &fuzz_routes[route];
	struct http_req rq;
	uint64_t changes;

	memset(&rq, 0, sizeof(rq));
	rq.method = r->method;
	rq.bearer = token;
	rq.body = body;
	rq.len = len;
	rq.verbose = relay.verbose;
	clock_gettime(CLOCK_MONOTONIC, &rq.t0);
	if (route == FUZZ_R_HEALTH)
		snprintf(rq.path, sizeof(rq.path), "/healthz");
	else if (route == FUZZ_R_METRICS)
		snprintf(rq.path, sizeof(rq.path), "/metrics");
	else if (r->suffix == NULL)
		snprintf(rq.path, sizeof(rq.path), "/v1/rooms");
	else if (route == FUZZ_R_MEMBERS_REMOVE)
		snprintf(rq.path, sizeof(rq.path), "/v1/rooms/%s%s%.*s", room, r->suffix,
			 (int)extra_len, extra);
	else
		snprintf(rq.path, sizeof(rq.path), "/v1/rooms/%s%s", room, r->suffix);
	if (route == FUZZ_R_MESSAGES_LIST)
		fakehttp_query_parse(&rq, extra, extra_len);
	changes = store_total_changes(relay.st);
	fuzz_call(r, &rq, r->suffix != NULL ? room : NULL);
	if (store_total_changes(relay.st) != changes)
		relay.dirty = true;
	*failed = rq.reply_failed || rq.replies > 1 || (rq.replies == 0 && !rq.parked);
	metrics_request(relay.m, route, rq.status, http_elapsed(&rq), rq.parked);
	return rq.status;
}

/* ---- seeding ---- */

static json_t *seed_reply; /* the last seeding reply, parsed */

/* http_reply_json keeps nothing; the seeding needs the bodies. So the
 * seeding calls the handlers itself. */
static json_t *seed_call(enum fuzz_route route, const char *room, const char *token,
			 const char *extra, json_t *body)
{
	const struct fuzz_route_def *r = &fuzz_routes[route];
	struct api_env env = fuzz_env();
	struct http_req rq;
	struct api_res res;
	size_t len = 0;
	char *text = fixture_dump(body, &len);
	enum e2e_err err;

	memset(&rq, 0, sizeof(rq));
	memset(&res, 0, sizeof(res));
	rq.method = r->method;
	rq.bearer = token;
	rq.body = text;
	rq.len = len;
	clock_gettime(CLOCK_MONOTONIC, &rq.t0);
	snprintf(rq.path, sizeof(rq.path), "/v1/rooms/%s%s%s", room,
		 r->suffix != NULL ? r->suffix : "", extra != NULL ? extra : "");
	err = r->efn != NULL ? r->efn(&env, &rq, r->suffix != NULL ? room : NULL, &res)
			     : r->fn(relay.st, &rq, r->suffix != NULL ? room : NULL, &res);
	free(text);
	if (rq.state_free != NULL)
		rq.state_free(rq.state);
	json_decref(seed_reply);
	seed_reply = res.body;
	if (err != E2E_OK) {
		fprintf(stderr, "fuzz_relay: seeding %s %s failed: %s (%s)\n", r->method, rq.path,
			e2e_err_info(err)->code, res.jerr.text);
		abort();
	}
	return res.body;
}

static void seed_string(char *out, size_t cap, const char *key)
{
	const char *v = json_string_value(json_object_get(seed_reply, key));

	if (v == NULL || (size_t)snprintf(out, cap, "%s", v) >= cap) {
		fprintf(stderr, "fuzz_relay: seeding: no %s in the reply\n", key);
		abort();
	}
}

static void seed_join(const char *name, enum fuzz_token t)
{
	char nonce[64];

	seed_call(FUZZ_R_CHALLENGES, "lobby", NULL, NULL, NULL);
	seed_string(nonce, sizeof(nonce), "nonce");
	seed_call(FUZZ_R_MEMBERS_JOIN, "lobby", NULL, NULL,
		  fixture_join_body("lobby", name, nonce));
	seed_string(relay.tokens[t], sizeof(relay.tokens[t]), "token");
}

static void relay_teardown(void)
{
	store_close(relay.st);
	waiters_free(relay.w);
	metrics_free(relay.m);
	replycache_free(relay.rc);
	relay.rc = NULL;
	authcache_free(relay.ac);
	relay.ac = NULL;
	json_decref(seed_reply);
	seed_reply = NULL;
	relay.st = NULL;
	relay.w = NULL;
	relay.m = NULL;
}

static void relay_seed(void)
{
	static const char *const lobby[] = {"alice", "bob", "dave"};
	static const char *const kicked[] = {"alice", "bob"};
	char why[256];

	relay_teardown();
	fixture_rng_reset();
	relay.st = store_open(":memory:", why, sizeof(why));
	relay.w = waiters_new();
	relay.m = metrics_new(FUZZ_R__COUNT);
	relay.rc = replycache_new();
	relay.ac = authcache_new();
	if (relay.st == NULL || relay.w == NULL || relay.m == NULL || relay.rc == NULL ||
	    relay.ac == NULL) {
		fprintf(stderr, "fuzz_relay: cannot start: %s\n", why);
		abort();
	}
	store_watch_rooms(relay.st, waiters_room_changed, relay.w); /* as relay/main.c */
	for (size_t i = 0; i < FUZZ_R__COUNT; i++)
		metrics_route_name(relay.m, i, fuzz_routes[i].method,
				   fuzz_routes[i].suffix != NULL ? fuzz_routes[i].suffix : "/");
	seed_call(FUZZ_R_ROOMS_CREATE, "", NULL, NULL, fixture_create_body("lobby", "alice"));
	seed_string(relay.tokens[FUZZ_T_ALICE], sizeof(relay.tokens[0]), "token");
	seed_call(FUZZ_R_ROOMS_CREATE, "", NULL, NULL, fixture_create_body("den", "erin"));
	seed_string(relay.tokens[FUZZ_T_ERIN], sizeof(relay.tokens[0]), "token");
	seed_join("bob", FUZZ_T_BOB);
	seed_join("carol", FUZZ_T_CAROL);
	seed_join("dave", FUZZ_T_DAVE);
	seed_call(FUZZ_R_STATE_POST, "lobby", relay.tokens[FUZZ_T_ALICE], NULL,
		  fixture_state_body("lobby", lobby, 3, FUZZ_LOBBY_REVISION - 1, FUZZ_LOBBY_EPOCH));
	/* dave is removed the v2 way: a signed state without him */
	seed_call(FUZZ_R_STATE_POST, "lobby", relay.tokens[FUZZ_T_ALICE], NULL,
		  fixture_state_body("lobby", kicked, 2, FUZZ_LOBBY_REVISION, FUZZ_LOBBY_EPOCH));
	seed_call(FUZZ_R_MESSAGES_POST, "lobby", relay.tokens[FUZZ_T_BOB], NULL,
		  fixture_msg_body(FUZZ_LOBBY_EPOCH, 1, 40));
	seed_call(FUZZ_R_MESSAGES_POST, "lobby", relay.tokens[FUZZ_T_ALICE], NULL,
		  fixture_msg_body(FUZZ_LOBBY_EPOCH, 1, 60));
	seed_call(FUZZ_R_CHALLENGES, "lobby", NULL, NULL, NULL);
	seed_string(relay.spare_nonce, sizeof(relay.spare_nonce), "nonce");
	json_decref(seed_reply);
	seed_reply = NULL;
	relay.dirty = false;
}

const char *fuzz_relay_spare_nonce(void)
{
	return relay.spare_nonce;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!fixture_init())
		abort();
	relay.verbose = getenv("FUZZ_RELAY_VERBOSE") != NULL;
	snprintf(relay.tokens[FUZZ_T_GARBAGE], sizeof(relay.tokens[0]), "not*base64");
	/* base64 of 32 bytes 0xff */
	snprintf(relay.tokens[FUZZ_T_UNKNOWN], sizeof(relay.tokens[0]), "%s",
		 "//////////////////////////////////////////8=");
	relay_seed();
	/* the registry's timer thread and the store live until exit */
	return 0;
}

unsigned fuzz_relay_run(const uint8_t *data, size_t size)
{
	enum fuzz_route route;
	const char *room, *token, *extra = "", *body;
	size_t extra_len = 0, len;
	unsigned status;
	bool failed = false;

	if (size < 2)
		return 0;
	if (relay.dirty)
		relay_seed();
	fixture_rng_reset();
	route = (enum fuzz_route)(data[0] % FUZZ_R__COUNT);
	token = relay.tokens[data[1] & 7][0] != '\0' ? relay.tokens[data[1] & 7] : NULL;
	room = fuzz_rooms[(data[1] >> 3) & 3];
	body = (const char *)data + 2;
	len = size - 2;
	if (route == FUZZ_R_MESSAGES_LIST || route == FUZZ_R_MEMBERS_REMOVE) {
		const char *nl = memchr(body, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - body) : len;

		/* a decoded path or query string holds no NUL, and the
		 * :name segment no '/' (else the route does not match) */
		extra = body;
		while (extra_len < n && body[extra_len] != '\0' &&
		       (route != FUZZ_R_MEMBERS_REMOVE || body[extra_len] != '/'))
			extra_len++;
		if (route == FUZZ_R_MEMBERS_REMOVE && extra_len == 0)
			return 0; /* the route needs a segment: a 404 */
		body += n + (nl != NULL);
		len -= n + (nl != NULL);
	}
	status = fuzz_request(route, room, token, extra, extra_len, body, len, &failed);
	if (failed) {
		fprintf(stderr, "fuzz_relay: route %d: no reply, or more than one\n", (int)route);
		abort();
	}
	if (status >= 500) {
		fprintf(stderr, "fuzz_relay: route %d answered %u to a client's request\n",
			(int)route, status);
		abort();
	}
	return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_relay_run(data, size);
	return 0;
}
