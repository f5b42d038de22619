/* api.h - the relay's endpoint handlers (one resource per api_*.c file)
 * and the few checks they share (api.c). A handler validates the whole
 * request, then acts; it returns E2E_OK with a reply in `res`, or an
 * error value (with an optional detail in res->jerr.text) that the
 * dispatcher turns into the error reply. */
#ifndef RELAY_API_H
#define RELAY_API_H

#include <jansson.h>
#include <sodium.h>

#include "authcache.h"
#include "error.h"
#include "http.h"
#include "committer.h"
#include "metrics.h"
#include "replycache.h"
#include "store.h"
#include "waiters.h"
#include "wire.h"

/* What a handler answers on success; jerr.text details an error. */
struct api_res {
	unsigned status;
	json_t *body; /* owned; freed by the dispatcher */
	char *text;   /* instead of body: malloc'd, taken over */
	size_t text_len;
	const char *text_type; /* its Content-Type; NULL: Prometheus text */
	bool parked;  /* no reply now: the request is parked (long-poll) */
	/* with an error: the database could not be reached (503; set by the
	 * dispatcher from store_unavailable, or by a handler that learnt it
	 * from the group committer) */
	bool unavailable;
	json_error_t jerr;
};

/* What the handlers that need more than the store get: this thread's
 * store, the long-poll registry and the counters. */
struct api_env {
	struct store *st;
	struct waiters *w;
	struct metrics *m;
	struct committer *c; /* group commit for posts; NULL: commit inline */
	struct replycache *rc;
	struct authcache *ac;
};

/* `room` is the validated :room path segment, or NULL if the route has
 * none. */
typedef enum e2e_err (*api_fn)(struct store *st, struct http_req *rq, const char *room,
			       struct api_res *res);

typedef enum e2e_err (*api_env_fn)(const struct api_env *env, struct http_req *rq,
				   const char *room, struct api_res *res);

/* api_rooms.c */
enum e2e_err api_rooms_create(struct store *st, struct http_req *rq, const char *room,
			      struct api_res *res);
enum e2e_err api_rooms_get(struct store *st, struct http_req *rq, const char *room,
			   struct api_res *res);
/* api_challenges.c */
enum e2e_err api_challenges_create(struct store *st, struct http_req *rq, const char *room,
				   struct api_res *res);
/* api_members.c */
enum e2e_err api_members_join(struct store *st, struct http_req *rq, const char *room,
			      struct api_res *res);
enum e2e_err api_members_list(struct store *st, struct http_req *rq, const char *room,
			      struct api_res *res);
enum e2e_err api_members_remove(struct store *st, struct http_req *rq, const char *room,
				struct api_res *res);
/* api_state.c */
enum e2e_err api_state_get(struct store *st, struct http_req *rq, const char *room,
			   struct api_res *res);
enum e2e_err api_states_list(struct store *st, struct http_req *rq, const char *room,
			     struct api_res *res);
enum e2e_err api_state_post(struct store *st, struct http_req *rq, const char *room,
			    struct api_res *res);
/* api_wraps.c */
enum e2e_err api_wraps_get(struct store *st, struct http_req *rq, const char *room,
			   struct api_res *res);
/* api_messages.c (the list may park the request: long-poll) */
enum e2e_err api_messages_post(const struct api_env *env, struct http_req *rq,
			       const char *room, struct api_res *res);
/* The next steps of a parked post (its commit is done) and of a parked
 * long-poll (woken: a commit in its room, its deadline, or shutdown),
 * called instead of the handlers above (routes.c). */
enum e2e_err api_messages_posted(const struct api_env *env, struct http_req *rq,
				 const char *room, struct api_res *res);
enum e2e_err api_messages_woken(const struct api_env *env, struct http_req *rq,
				const char *room, struct api_res *res);
enum e2e_err api_messages_list(const struct api_env *env, struct http_req *rq,
			       const char *room, struct api_res *res);
/* api_health.c: GET /healthz and GET /metrics */
enum e2e_err api_health_get(const struct api_env *env, struct http_req *rq,
			    const char *room, struct api_res *res);
enum e2e_err api_metrics_get(const struct api_env *env, struct http_req *rq,
			     const char *room, struct api_res *res);

/* ---- shared checks (api.c) ---- */

#define API_TOKEN_B64_LEN sodium_base64_ENCODED_LEN(E2E_TOKEN_BYTES, E2E_B64_VARIANT)

/* Set the reply; takes `body` (NULL: E2E_ERR_INTERNAL). */
enum e2e_err api_ok(struct api_res *res, unsigned status, json_t *body);
/* Write a detail for the error reply; returns err. */
enum e2e_err api_fail(struct api_res *res, enum e2e_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The body as one JSON object (E2E_ERR_BAD_JSON otherwise). */
enum e2e_err api_body(struct http_req *rq, json_t **out, struct api_res *res);

/* A query argument: absent gives `def`; else decimal digits only, in
 * min..max (else bad_field naming it). */
enum e2e_err api_query_uint(struct http_req *rq, const char *key, uint64_t def, uint64_t min,
			    uint64_t max, uint64_t *out, struct api_res *res);
/* "v" present, an integer, and E2E_PROTO_VERSION. */
enum e2e_err api_version(json_t *obj, struct api_res *res);

/* The room and the member the bearer token belongs to in it;
 * E2E_ERR_REMOVED if that member left or was removed. */
enum e2e_err api_member(struct store *st, struct http_req *rq, const char *room,
			struct store_room *r, struct store_member *m);
/* The same through the authentication cache (relay/authcache.h), for
 * the requests that come by the thousand, with the room's current epoch;
 * who->m.last_counter may be older. */
enum e2e_err api_member_cached(const struct api_env *env, struct http_req *rq,
			       const char *room, struct authcache_who *who);
/* The bearer token of a request as the store knows it: its hash. */
struct api_token {
	bool hashed; /* false: no token, or not one the relay could have made */
	uint8_t hash[E2E_TOKEN_BYTES];
};
/* The request's bearer token, hashed. */
void api_token_read(struct http_req *rq, struct api_token *t);
/* api_member_cached with the token hashed already (a woken long-poll
 * keeps it, and checks its member again without hashing again). */
enum e2e_err api_member_cached_token(const struct api_env *env, struct http_req *rq,
				     const char *room, const struct api_token *t,
				     struct authcache_who *who);

/* A fresh token: base64 into `b64`, its hash into `hash`. */
void api_token_new(char b64[API_TOKEN_B64_LEN], uint8_t hash[E2E_TOKEN_BYTES]);

/* E2E_ERR_BAD_VERSION for a room made with protocol v1 (left in the
 * database from before): it takes no write, only a new room does. */
enum e2e_err api_room_writable(const struct store_room *r, struct api_res *res);
/* The room as every transcript names it (its name and stored id). */
struct wire_roomref api_roomref(const struct store_room *r);

/* A signed state {"payload","sig","mac"}: its signature checked with
 * `sign_pk` if the caller knows the signer before the payload is read
 * (else NULL, and api_state_verify once it does), then parsed. Clear
 * both with store_state_clear and wire_state_clear, also on failure. */
enum e2e_err api_state_unpack(json_t *obj, const uint8_t *sign_pk, struct store_state *out,
			      struct wire_state *s, struct api_res *res);
/* The signature of `state` with `sign_pk` (E2E_ERR_BAD_SIGNATURE). */
enum e2e_err api_state_verify(const struct store_state *state,
			      const uint8_t sign_pk[E2E_SIGN_PK_BYTES], struct api_res *res);
/* The room's newest signed state, parsed; clear with wire_state_clear. */
enum e2e_err api_state_current(struct store *st, int64_t room_id, struct wire_state *cur);
/* Whether `m` (a registered member) is an admin of `s`, with the same keys. */
bool api_is_admin(const struct wire_state *s, const struct wire_member *m);
/* An array of wraps (malloc'd *out), each for a member listed in `s`, at
 * its epoch or an earlier one, at most one per member and epoch, each
 * made by the admin who signed `s`. */
enum e2e_err api_wraps_unpack(json_t *arr, const struct wire_state *s,
			      struct wire_wrap **out, size_t *n, struct api_res *res);

int64_t api_now(void);

#endif
