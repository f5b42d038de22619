/* api_members.c - the member resource: POST /v1/rooms/ROOM/members joins
 * a room with a member record, a challenge nonce and the access proof;
 * GET lists the room's members to its members; DELETE .../members/NAME
 * removes one: a member leaving (not an admin: an admin leaves when
 * another admin signs a state without it), or an admin of the current
 * state declining a pending member (an admitted one goes with a signed
 * state). */
#include <string.h>

#include "api.h"
#include "names.h"
#include "verify.h"

/* A join request, once validated. */
struct join_req {
	struct wire_member m;
	uint8_t nonce[E2E_NONCE_BYTES];
	uint8_t proof[E2E_SIG_BYTES];
};

/* The body is a member record plus "nonce" and "proof". Those two are
 * decoded and removed, then the rest must be exactly a member record. */
static enum e2e_err join_unpack(json_t *root, struct join_req *j, struct api_res *res)
{
	const char *nonce = NULL;
	const char *proof = NULL;
	enum e2e_err err = api_version(root, res);

	if (err == E2E_OK && json_unpack_ex(root, &res->jerr, 0, "{s:s, s:s}", "nonce", &nonce,
					    "proof", &proof) != 0)
		err = E2E_ERR_BAD_FIELD;
	if (err == E2E_OK)
		err = wire_bin(j->nonce, sizeof(j->nonce), nonce, "nonce", &res->jerr);
	if (err == E2E_OK)
		err = wire_bin(j->proof, sizeof(j->proof), proof, "proof", &res->jerr);
	if (err == E2E_OK) {
		json_object_del(root, "nonce");
		json_object_del(root, "proof");
		err = wire_member_unpack(root, &j->m, true, &res->jerr);
	}
	if (err == E2E_OK && !verify_member_keys(&j->m))
		err = api_fail(res, E2E_ERR_BAD_FIELD, "sign_pk/box_pk: not usable public keys");
	return err;
}

/* Take the challenge (gone whatever the outcome), check the proof,
 * register the member. */
static enum e2e_err join_act(struct store *st, const struct store_room *r,
			     const struct join_req *j, const uint8_t hash[E2E_TOKEN_BYTES],
			     struct api_res *res)
{
	int64_t now = api_now();
	struct wire_roomref ref = api_roomref(r);
	enum e2e_err err = store_challenge_take(st, r->id, j->nonce, now);

	if (err == E2E_OK && !verify_join_proof(j->proof, r->access_pk, &ref, j->nonce, &j->m))
		err = E2E_ERR_BAD_PROOF;
	if (err == E2E_OK)
		err = store_member_add(st, r->id, &j->m, hash, now);
	if (err == E2E_ERR_BUSY)
		api_fail(res, err, "the room holds %d members", E2E_ROOM_MEMBERS_MAX);
	return err;
}

enum e2e_err api_members_join(struct store *st, struct http_req *rq, const char *room,
			      struct api_res *res)
{
	struct join_req j;
	struct store_room r;
	char token[API_TOKEN_B64_LEN];
	uint8_t hash[E2E_TOKEN_BYTES];
	json_t *root = NULL;
	enum e2e_err err;

	memset(&j, 0, sizeof(j));
	err = api_body(rq, &root, res);
	if (err == E2E_OK)
		err = join_unpack(root, &j, res);
	if (err == E2E_OK)
		err = store_room_get(st, room, &r);
	if (err == E2E_OK)
		err = api_room_writable(&r, res);
	if (err != E2E_OK)
		goto done;
	api_token_new(token, hash);
	err = join_act(st, &r, &j, hash, res);
	if (err == E2E_OK)
		err = api_ok(res, 201, json_pack("{s:s, s:s, s:s, s:s}", "room", r.pub.room,
						 "member", j.m.name, "token", token,
						 "status", "pending"));
	sodium_memzero(token, sizeof(token));
done:
	json_decref(root);
	return err;
}

/* One member: its record (with MAC), status and join time. */
static enum e2e_err members_add(void *ctx, const struct store_member *m)
{
	json_t *list = ctx;
	json_t *rec = wire_member_pack(&m->rec, true);
	enum wire_status status = m->removed	? WIRE_REMOVED :
				  m->admitted ? WIRE_ADMITTED :
						WIRE_PENDING;
	bool ok = rec != NULL &&
		  json_object_set_new(rec, "status", json_string(wire_status_name(status))) == 0 &&
		  json_object_set_new(rec, "joined_at", json_integer(m->joined_at)) == 0;

	/* the array takes the reference, also when appending fails */
	if (ok)
		ok = json_array_append_new(list, rec) == 0;
	else
		json_decref(rec);
	return ok ? E2E_OK : E2E_ERR_INTERNAL;
}

enum e2e_err api_members_list(struct store *st, struct http_req *rq, const char *room,
			      struct api_res *res)
{
	struct store_room r;
	struct store_member me;
	json_t *list = json_array();
	enum e2e_err err = api_member(st, rq, room, &r, &me);

	if (err == E2E_OK)
		err = list != NULL ? store_members_each(st, r.id, members_add, list)
				   : E2E_ERR_INTERNAL;
	if (err == E2E_OK)
		err = api_ok(res, 200, json_pack("{s:O}", "members", list));
	json_decref(list);
	return err;
}

/* Whether `me` may remove `name` by a DELETE, given the current state:
 * itself unless an admin; a pending member if an admin. */
static enum e2e_err remove_allowed(struct store *st, const struct store_room *r,
				   const struct store_member *me, const char *name,
				   const struct wire_state *cur, struct api_res *res)
{
	struct store_member target;
	enum e2e_err err = E2E_OK;

	if (strcmp(name, me->rec.name) == 0)
		return wire_state_admin(cur, name) == NULL
			       ? E2E_OK
			       : api_fail(res, E2E_ERR_ADMIN_STAYS, "an admin leaves when another "
					  "admin signs a state without it");
	if (!api_is_admin(cur, &me->rec))
		return api_fail(res, E2E_ERR_NOT_ADMIN, "only an admin may decline a member; "
				"anyone may leave");
	err = store_member_get(st, r->id, name, &target);
	if (err == E2E_OK && target.removed)
		err = E2E_ERR_NO_MEMBER;
	if (err == E2E_OK && (target.admitted || wire_state_find(cur, name) != NULL))
		err = api_fail(res, E2E_ERR_IN_STATE, "%s is admitted: remove it with a signed "
			       "state", name);
	return err;
}

enum e2e_err api_members_remove(struct store *st, struct http_req *rq, const char *room,
				struct api_res *res)
{
	const char *name = strrchr(http_path(rq), '/') + 1; /* the route ends in /:name */
	struct store_room r;
	struct store_member me;
	struct wire_state cur = {0};
	enum e2e_err err = api_member(st, rq, room, &r, &me);

	if (err == E2E_OK)
		err = api_room_writable(&r, res);
	if (err == E2E_OK && !name_member_valid(name))
		err = api_fail(res, E2E_ERR_BAD_NAME, "member");
	if (err == E2E_OK)
		err = api_state_current(st, r.id, &cur);
	if (err == E2E_OK)
		err = remove_allowed(st, &r, &me, name, &cur, res);
	/* a decline removes only a member still pending at the commit */
	if (err == E2E_OK && strcmp(name, me.rec.name) == 0)
		err = store_member_remove(st, r.id, name, api_now());
	else if (err == E2E_OK)
		err = store_member_decline(st, r.id, name, api_now());
	if (err == E2E_OK)
		err = api_ok(res, 200, json_pack("{s:s, s:s}", "member", name, "status", "removed"));
	wire_state_clear(&cur);
	return err;
}
