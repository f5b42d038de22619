/* api_rooms.c - the room resource: POST /v1/rooms creates a room with its
 * id, creator, first signed state (revision 1: the creator alone, admin)
 * and the creator's wraps; GET /v1/rooms/ROOM hands out its id and
 * public KDF parameters (the newest an admin signed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "names.h"
#include "verify.h"

/* A create request, once validated. */
struct create_req {
	struct store_room room;
	struct wire_member creator;
	struct store_state state;
	struct wire_state payload;
	struct wire_wrap *wraps;
	size_t n_wraps;
};

static void create_clear(struct create_req *c)
{
	store_state_clear(&c->state);
	wire_state_clear(&c->payload);
	free(c->wraps);
}

/* The top-level fields; json objects are checked by the steps after. */
struct create_fields {
	json_int_t v;
	json_int_t opslimit;
	json_int_t memlimit;
	const char *room;
	const char *id;
	const char *salt;
	const char *access_pk;
	json_t *member;
	json_t *state;
	json_t *wraps;
};

static enum e2e_err create_fields(json_t *root, struct create_fields *f,
				  struct api_res *res)
{
	enum e2e_err err = E2E_OK;

	if (json_unpack_ex(root, &res->jerr, JSON_STRICT,
			   "{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:o, s:o, s:o}",
			   "v", &f->v, "room", &f->room, "id", &f->id, "salt", &f->salt,
			   "opslimit", &f->opslimit, "memlimit", &f->memlimit,
			   "access_pk", &f->access_pk, "member", &f->member,
			   "state", &f->state, "wraps", &f->wraps) != 0)
		err = E2E_ERR_BAD_FIELD;
	else if (!name_room_valid(f->room))
		err = api_fail(res, E2E_ERR_BAD_NAME, "room");
	/* a negative value becomes a huge one: refused as well */
	else if (!wire_kdf_params_ok((uint64_t)f->opslimit, (uint64_t)f->memlimit))
		err = api_fail(res, E2E_ERR_BAD_FIELD,
			       "opslimit, memlimit: outside %llu..%llu, %llu..%llu",
			       E2E_KDF_OPS_MIN, E2E_KDF_OPS_MAX, E2E_KDF_MEM_MIN, E2E_KDF_MEM_MAX);
	return err;
}

/* The state's access block is the body's: the room's parameters. */
static bool create_access_same(const struct create_req *c)
{
	const struct wire_access *a = &c->payload.access;
	const struct wire_room *r = &c->room.pub;

	return memcmp(a->salt, r->salt, sizeof(a->salt)) == 0 && a->opslimit == r->opslimit &&
	       a->memlimit == r->memlimit &&
	       memcmp(a->access_pk, c->room.access_pk, sizeof(a->access_pk)) == 0;
}

/* The signed state must be revision 1 of this room (name and id) by
 * its creator, listing the creator alone (admin: the parser checks that
 * `by` is one; since 1: the only epoch) with the keys of its member
 * record, and give the body's access. */
static enum e2e_err create_check_state(const struct create_req *c, struct api_res *res)
{
	const struct wire_state *s = &c->payload;
	const struct wire_member *listed = wire_state_find(s, c->creator.name);
	enum e2e_err err = E2E_OK;

	if (strcmp(s->room, c->room.pub.room) != 0)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: names room %s", s->room);
	else if (memcmp(s->id, c->room.pub.id, sizeof(s->id)) != 0)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: id differs from the body's");
	else if (strcmp(s->by, c->creator.name) != 0)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: by %s, not the creator", s->by);
	else if (s->revision != 1)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: revision must be 1");
	else if (s->epoch != 1)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: epoch must be 1");
	else if (listed == NULL || s->n_members != 1)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: must list the creator alone");
	else if (memcmp(listed->sign_pk, c->creator.sign_pk, E2E_SIGN_PK_BYTES) != 0 ||
		 memcmp(listed->box_pk, c->creator.box_pk, E2E_BOX_PK_BYTES) != 0)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: creator's keys differ from member");
	else if (!create_access_same(c))
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: access differs from the body's "
			       "salt, opslimit, memlimit and access_pk");
	return err;
}

static enum e2e_err create_unpack(json_t *root, struct create_req *c, struct api_res *res)
{
	struct create_fields f = {0};
	struct wire_room *r = &c->room.pub;
	enum e2e_err err = api_version(root, res);

	if (err == E2E_OK)
		err = create_fields(root, &f, res);
	if (err == E2E_OK)
		err = wire_bin(r->id, sizeof(r->id), f.id, "id", &res->jerr);
	if (err == E2E_OK)
		err = wire_bin(r->salt, sizeof(r->salt), f.salt, "salt", &res->jerr);
	if (err == E2E_OK)
		err = wire_bin(c->room.access_pk, sizeof(c->room.access_pk), f.access_pk,
			       "access_pk", &res->jerr);
	if (err == E2E_OK)
		err = wire_member_unpack(f.member, &c->creator, true, &res->jerr);
	if (err == E2E_OK && !verify_member_keys(&c->creator))
		err = api_fail(res, E2E_ERR_BAD_FIELD,
			       "member.sign_pk/box_pk: not usable public keys");
	if (err == E2E_OK) {
		snprintf(r->room, sizeof(r->room), "%s", f.room);
		snprintf(r->creator, sizeof(r->creator), "%s", c->creator.name);
		r->opslimit = (uint64_t)f.opslimit;
		r->memlimit = (uint64_t)f.memlimit;
		r->created_at = api_now();
		err = api_state_unpack(f.state, c->creator.sign_pk, &c->state, &c->payload, res);
	}
	if (err == E2E_OK)
		err = create_check_state(c, res);
	if (err == E2E_OK)
		err = api_wraps_unpack(f.wraps, &c->payload, &c->wraps, &c->n_wraps, res);
	return err;
}

enum e2e_err api_rooms_create(struct store *st, struct http_req *rq, const char *room,
			      struct api_res *res)
{
	struct create_req c;
	char token[API_TOKEN_B64_LEN];
	uint8_t hash[E2E_TOKEN_BYTES];
	json_t *root = NULL;
	enum e2e_err err;

	memset(&c, 0, sizeof(c));
	err = api_body(rq, &root, res);
	if (err == E2E_OK)
		err = create_unpack(root, &c, res);
	if (err != E2E_OK)
		goto done;
	api_token_new(token, hash);
	err = store_room_create(st, &c.room, &c.creator, hash, &c.state, c.wraps, c.n_wraps);
	if (err == E2E_OK)
		err = api_ok(res, 201, json_pack("{s:s, s:s, s:s}", "room", c.room.pub.room,
						 "member", c.creator.name, "token", token));
	sodium_memzero(token, sizeof(token));
done:
	create_clear(&c);
	json_decref(root);
	return err;
}

enum e2e_err api_rooms_get(struct store *st, struct http_req *rq, const char *room,
			   struct api_res *res)
{
	struct store_room r;
	json_t *body = NULL;
	enum e2e_err err = store_room_get(st, room, &r);

	if (err == E2E_OK)
		body = wire_room_pack(&r.pub);
	/* a room of protocol v1 (left from before): v1's record, no id */
	if (body != NULL && r.v != E2E_PROTO_VERSION &&
	    (json_object_set_new(body, "v", json_integer(r.v)) != 0 ||
	     json_object_del(body, "id") != 0)) {
		json_decref(body);
		body = NULL;
	}
	if (err == E2E_OK)
		err = api_ok(res, 200, body);
	return err;
}
