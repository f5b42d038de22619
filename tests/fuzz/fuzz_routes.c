/* fuzz_routes.c - libFuzzer harness for the relay's router
 * (relay/routes.c): any method, path, query string and token, through
 * the real route table and dispatcher and on to the real handlers, on a
 * fresh store (SQLite, ":memory:", no rooms), with fakehttp.c in place of
 * libmicrohttpd. fuzz_relay.c goes deep into each handler on a seeded
 * store; this one covers what comes before: route matching, the :room
 * and :name segments, 404 and 405 with Allow, and the limits' bookkeeping.
 *
 * An input is four fields separated by '\n': METHOD, PATH (with an
 * optional "?QUERY"), TOKEN (empty: none), then the body (the rest).
 * The path and the query are cut at a NUL, as libmicrohttpd hands over C
 * strings. The oracles, beyond the sanitizers: exactly one reply or a
 * parked request, and no 5xx for anything a client sends. The store is
 * made anew after any input that changed it, so each input replays the
 * same way. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehttp.h"
#include "metrics.h"
#include "routes.h"
#include "storepool.h"
#include "waiters.h"

/* the store's inside, for store_total_changes */
#include "store_db.h"

/* a longer path is cut: fakehttp's path holds FAKEHTTP_PATH_MAX bytes */
#define ROUTES_FIELD_MAX FAKEHTTP_PATH_MAX

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct routes_relay {
	struct storepool *pool;
	struct waiters *w;
	struct metrics *m;
	struct routes *rt;
	bool dirty; /* made anew before the next input */
};

static struct routes_relay relay;
static bool verbose; /* FUZZ_RELAY_VERBOSE=1: print each error reply */

static void relay_close(void)
{
	routes_free(relay.rt);
	waiters_free(relay.w);
	metrics_free(relay.m);
	storepool_close(relay.pool);
	relay = (struct routes_relay){0};
}

static void relay_open(void)
{
	static const struct routes_limits no_limits = {0};
	char why[256] = "";

	relay_close();
	relay.pool = storepool_open(":memory:", 1, why, sizeof(why));
	relay.w = waiters_new();
	if (relay.pool != NULL && relay.w != NULL) /* as relay/main.c */
		storepool_watch_rooms(relay.pool, waiters_room_changed, relay.w);
	relay.m = metrics_new(routes_count());
	relay.rt = relay.pool != NULL && relay.w != NULL && relay.m != NULL
			   ? routes_new(relay.pool, relay.w, relay.m, NULL, &no_limits)
			   : NULL;
	if (relay.rt == NULL) {
		fprintf(stderr, "fuzz_routes: cannot start: %s\n", why);
		abort();
	}
}

/* How many rows the store's connection has changed since it opened. */
static uint64_t store_changes(void)
{
	struct store *st = storepool_acquire(relay.pool);
	uint64_t n = st != NULL ? store_total_changes(st) : 0;

	storepool_release(relay.pool, st);
	return n;
}

/* The next '\n'-ended field of data[*at..size), cut at a NUL, copied
 * into out (cap bytes). */
static void field(const uint8_t *data, size_t size, size_t *at, char *out, size_t cap)
{
	size_t n = 0;
	bool cut = false;

	for (; *at < size && data[*at] != '\n'; (*at)++) {
		cut = cut || data[*at] == '\0';
		if (!cut && n + 1 < cap)
			out[n++] = (char)data[*at];
	}
	*at += *at < size; /* the '\n' */
	out[n] = '\0';
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = getenv("FUZZ_RELAY_VERBOSE") != NULL;
	relay_open();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char method[64], path[ROUTES_FIELD_MAX], token[ROUTES_FIELD_MAX];
	struct http_req rq;
	size_t at = 0;
	char *query;
	uint64_t changes;

	if (relay.dirty)
		relay_open();
	memset(&rq, 0, sizeof(rq));
	field(data, size, &at, method, sizeof(method));
	field(data, size, &at, path, sizeof(path));
	field(data, size, &at, token, sizeof(token));
	query = strchr(path, '?');
	if (query != NULL) {
		*query++ = '\0';
		fakehttp_query_parse(&rq, query, strlen(query));
	}
	snprintf(rq.path, sizeof(rq.path), "%s", path);
	rq.method = method;
	rq.bearer = token[0] != '\0' ? token : NULL;
	rq.body = (const char *)data + at;
	rq.len = size - at;
	rq.verbose = verbose;
	clock_gettime(CLOCK_MONOTONIC, &rq.t0);
	changes = store_changes();
	routes_dispatch(relay.rt, &rq);
	/* a parked request comes back through its kept route, as http.c
	 * brings it: at once after a refused park, or woken by the shutdown
	 * of the long-poll registry (then the next input gets a new one);
	 * either way it must end with one reply */
	for (int run = 0; run < 2 && rq.parked && rq.replies == 0; run++) {
		if (rq.suspended) {
			waiters_shutdown(relay.w);
			relay.dirty = true;
		}
		if (!rq.suspended)
			routes_dispatch(relay.rt, &rq);
	}
	if (rq.reply_failed || rq.replies != 1) {
		fprintf(stderr, "fuzz_routes: %s %s: no reply, or more than one\n", method, path);
		abort();
	}
	if (rq.status >= 500) {
		fprintf(stderr, "fuzz_routes: %s %s answered %u\n", method, path, rq.status);
		abort();
	}
	relay.dirty = relay.dirty || store_changes() != changes;
	fakehttp_end(&rq);
	return 0;
}
