/* api.c - the checks the endpoint handlers share: body parsing, version,
 * token authentication, new tokens, signed states and wrap lists. */
#include "api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64.h"
#include "verify.h"

enum e2e_err api_ok(struct api_res *res, unsigned status, json_t *body)
{
	res->status = status;
	res->body = body;
	return body != NULL ? E2E_OK : E2E_ERR_INTERNAL;
}

enum e2e_err api_fail(struct api_res *res, enum e2e_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->jerr.text, sizeof(res->jerr.text), fmt, ap);
	va_end(ap);
	return err;
}

enum e2e_err api_body(struct http_req *rq, json_t **out, struct api_res *res)
{
	size_t len;
	const char *data = http_body(rq, &len);

	*out = wire_parse_body(data, len, &res->jerr);
	return *out != NULL ? E2E_OK : E2E_ERR_BAD_JSON;
}

enum e2e_err api_version(json_t *obj, struct api_res *res)
{
	json_t *v = json_object_get(obj, "v");
	enum e2e_err err = E2E_OK;

	if (v == NULL || !json_is_integer(v))
		err = api_fail(res, E2E_ERR_BAD_FIELD, "v: missing or not an integer");
	else if (json_integer_value(v) != E2E_PROTO_VERSION)
		err = api_fail(res, E2E_ERR_BAD_VERSION, "v: %lld, this relay speaks %d",
			       (long long)json_integer_value(v), E2E_PROTO_VERSION);
	return err;
}

/* The hash the store keeps of the request's bearer token; false if there
 * is no well-formed one. */
static bool api_token_hash(struct http_req *rq, uint8_t hash[E2E_TOKEN_BYTES])
{
	const char *token = http_bearer(rq);
	uint8_t raw[E2E_TOKEN_BYTES];
	bool ok = token != NULL && b64_decode_exact(raw, sizeof(raw), token);

	if (ok)
		crypto_generichash(hash, E2E_TOKEN_BYTES, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return ok;
}

/* The store lookups of api_member; `hashed` is false without a token. */
static enum e2e_err api_member_lookup(struct store *st, const char *room, bool hashed,
				      const uint8_t hash[E2E_TOKEN_BYTES],
				      struct store_room *r, struct store_member *m)
{
	enum e2e_err err = store_room_get(st, room, r);

	if (err == E2E_OK && !hashed)
		err = E2E_ERR_UNAUTHORIZED;
	if (err == E2E_OK)
		err = store_member_by_token(st, r->id, hash, m);
	if (err == E2E_OK && m->removed)
		err = E2E_ERR_REMOVED;
	return err;
}

enum e2e_err api_member(struct store *st, struct http_req *rq, const char *room,
			struct store_room *r, struct store_member *m)
{
	uint8_t hash[E2E_TOKEN_BYTES];
	bool hashed = api_token_hash(rq, hash);

	return api_member_lookup(st, room, hashed, hash, r, m);
}

/* The room's membership version as stored now, or as another request
 * read it after this one arrived and after the room's latest wake-up
 * (authcache.h: the woken re-runs of one post share one query). The room
 * version and the time are taken before the query. */
static enum e2e_err api_members_version(const struct api_env *env, struct http_req *rq,
					int64_t room_id, uint64_t *stored)
{
	uint64_t room_version = waiters_room_version(env->w, room_id);
	struct timespec now;
	enum e2e_err err;

	if (authcache_room_get(env->ac, room_id, room_version, http_started(rq), stored))
		return E2E_OK;
	clock_gettime(CLOCK_MONOTONIC, &now);
	err = store_room_members_version(env->st, room_id, stored);
	if (err == E2E_OK)
		authcache_room_put(env->ac, room_id, room_version, &now, *stored);
	return err;
}

/* A remembered entry still holds: on a database other relays share,
 * only if the room's membership version there is the one it was read
 * with (a removal through another relay is in force here at once: one
 * indexed read instead of the three lookups). */
static bool api_member_current(const struct api_env *env, struct http_req *rq,
			       const struct authcache_who *who, enum e2e_err *err)
{
	uint64_t stored = 0;

	if (!store_shared(env->st))
		return true;
	*err = api_members_version(env, rq, who->r.id, &stored);
	return *err == E2E_OK && stored == who->r.members_version;
}

enum e2e_err api_member_cached(const struct api_env *env, struct http_req *rq,
			       const char *room, struct authcache_who *who)
{
	struct api_token t;

	api_token_read(rq, &t);
	return api_member_cached_token(env, rq, room, &t, who);
}

void api_token_read(struct http_req *rq, struct api_token *t)
{
	t->hashed = api_token_hash(rq, t->hash);
}

enum e2e_err api_member_cached_token(const struct api_env *env, struct http_req *rq,
				     const char *room, const struct api_token *t,
				     struct authcache_who *who)
{
	uint64_t version = store_membership_version(env->st); /* before the lookups */
	uint64_t revision;
	const uint8_t *hash = t->hash;
	bool hashed = t->hashed;
	enum e2e_err err = E2E_OK;

	if (hashed && authcache_get(env->ac, room, hash, version, who) &&
	    api_member_current(env, rq, who, &err))
		return E2E_OK;
	if (err != E2E_OK) /* the database is away */
		return err;
	err = api_member_lookup(env->st, room, hashed, hash, &who->r, &who->m);
	if (err == E2E_OK)
		err = store_state_head(env->st, who->r.id, &revision, &who->epoch);
	if (err == E2E_OK)
		authcache_put(env->ac, room, hash, version, who);
	return err;
}

void api_token_new(char b64[API_TOKEN_B64_LEN], uint8_t hash[E2E_TOKEN_BYTES])
{
	uint8_t raw[E2E_TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(b64, API_TOKEN_B64_LEN, raw, sizeof(raw), E2E_B64_VARIANT);
	crypto_generichash(hash, E2E_TOKEN_BYTES, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
}

enum e2e_err api_room_writable(const struct store_room *r, struct api_res *res)
{
	if (r->v == E2E_PROTO_VERSION)
		return E2E_OK;
	return api_fail(res, E2E_ERR_BAD_VERSION, "room made with protocol v%lld: create it "
			"again", (long long)r->v);
}

struct wire_roomref api_roomref(const struct store_room *r)
{
	return (struct wire_roomref){.name = r->pub.room, .id = r->pub.id};
}

enum e2e_err api_state_unpack(json_t *obj, const uint8_t *sign_pk, struct store_state *out,
			      struct wire_state *s, struct api_res *res)
{
	struct wire_signed sig;
	enum e2e_err err;

	memset(out, 0, sizeof(*out));
	memset(s, 0, sizeof(*s));
	err = wire_signed_unpack(obj, &sig, &res->jerr);
	if (err != E2E_OK)
		return err;
	/* the payload taken over */
	out->payload = sig.payload;
	out->len = sig.len;
	memcpy(out->sig, sig.sig, sizeof(out->sig));
	memcpy(out->mac, sig.mac, sizeof(out->mac));
	out->has_mac = true;
	if (sign_pk != NULL)
		err = api_state_verify(out, sign_pk, res);
	if (err == E2E_OK)
		err = wire_state_parse(out->payload, out->len, s, &res->jerr);
	out->revision = s->revision;
	out->epoch = s->epoch;
	return err;
}

enum e2e_err api_state_verify(const struct store_state *state,
			      const uint8_t sign_pk[E2E_SIGN_PK_BYTES], struct api_res *res)
{
	struct wire_signed s = {.payload = state->payload, .len = state->len};

	memcpy(s.sig, state->sig, sizeof(s.sig));
	if (verify_state(&s, sign_pk))
		return E2E_OK;
	return api_fail(res, E2E_ERR_BAD_SIGNATURE, "state.sig");
}

enum e2e_err api_state_current(struct store *st, int64_t room_id, struct wire_state *cur)
{
	struct store_state raw;
	json_error_t jerr;
	enum e2e_err err = store_state_get(st, room_id, &raw);

	memset(cur, 0, sizeof(*cur));
	/* every stored state of a room of ours passed the same parser */
	if (err == E2E_OK && wire_state_parse(raw.payload, raw.len, cur, &jerr) != E2E_OK) {
		fprintf(stderr, "relay: room %lld: its newest state does not parse: %s\n",
			(long long)room_id, jerr.text);
		err = E2E_ERR_INTERNAL;
	}
	store_state_clear(&raw);
	return err;
}

bool api_is_admin(const struct wire_state *s, const struct wire_member *m)
{
	const struct wire_member *a = wire_state_admin(s, m->name);

	return a != NULL && memcmp(a->sign_pk, m->sign_pk, sizeof(a->sign_pk)) == 0 &&
	       memcmp(a->box_pk, m->box_pk, sizeof(a->box_pk)) == 0;
}

/* Refuse a wrap for a member not listed, an epoch after the state's, one
 * made by another admin than the state's, or a second wrap for the same
 * member and epoch. (Older epochs: a newcomer to a room with shared
 * history gets the past keys too.) */
static enum e2e_err api_wrap_check(const struct wire_state *s, const struct wire_wrap *w,
				   size_t i, struct api_res *res)
{
	enum e2e_err err = E2E_OK;

	if (wire_state_find(s, w[i].member) == NULL)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "wraps[%zu]: %s is not listed in the state",
			       i, w[i].member);
	else if (w[i].epoch > s->epoch)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "wraps[%zu]: epoch after the state's", i);
	else if (strcmp(w[i].by, s->by) != 0)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "wraps[%zu]: by %s, the state's is %s", i,
			       w[i].by, s->by);
	for (size_t j = 0; j < i && err == E2E_OK; j++) {
		if (strcmp(w[j].member, w[i].member) == 0 && w[j].epoch == w[i].epoch)
			err = api_fail(res, E2E_ERR_BAD_FIELD, "wraps[%zu]: a second wrap for %s "
				       "at epoch %llu", i, w[i].member,
				       (unsigned long long)w[i].epoch);
	}
	return err;
}

enum e2e_err api_wraps_unpack(json_t *arr, const struct wire_state *s,
			      struct wire_wrap **out, size_t *n, struct api_res *res)
{
	size_t count = json_array_size(arr);
	enum e2e_err err = E2E_OK;

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr))
		err = api_fail(res, E2E_ERR_BAD_FIELD, "wraps: not an array");
	else if (count > E2E_WRAPS_MAX)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "wraps: more than %d", E2E_WRAPS_MAX);
	else if (count > 0 && (*out = calloc(count, sizeof(**out))) == NULL)
		err = E2E_ERR_INTERNAL;
	for (size_t i = 0; i < count && err == E2E_OK; i++) {
		err = wire_wrap_unpack(json_array_get(arr, i), &(*out)[i], &res->jerr);
		if (err == E2E_OK)
			err = api_wrap_check(s, *out, i, res);
		*n = i + 1;
	}
	return err;
}

int64_t api_now(void)
{
	return (int64_t)time(NULL);
}

/* A query argument: absent gives `def`; else decimal digits only, in
 * min..max. */
enum e2e_err api_query_uint(struct http_req *rq, const char *key, uint64_t def, uint64_t min,
			    uint64_t max, uint64_t *out, struct api_res *res)
{
	const char *v = http_query(rq, key);
	uint64_t n = 0;
	size_t i = 0;
	bool ok = true;
	enum e2e_err err = E2E_OK;

	for (; v != NULL && ok && v[i] >= '0' && v[i] <= '9'; i++) {
		ok = n <= (max - (uint64_t)(v[i] - '0')) / 10; /* n * 10 + digit <= max */
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (v != NULL && (!ok || i == 0 || v[i] != '\0' || n < min))
		err = api_fail(res, E2E_ERR_BAD_FIELD, "%s: not an integer in %llu..%llu", key,
			       (unsigned long long)min, (unsigned long long)max);
	else
		*out = v != NULL ? n : def;
	return err;
}
