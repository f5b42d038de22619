/* api_state.c - the signed room state: GET /v1/rooms/ROOM/state serves the
 * newest to members; POST adds the next revision, made by an admin of the
 * current one and posted by an admin of it, in one transaction with what
 * it does: it admits the members it lists, removes those it drops,
 * replaces the room's access if it changed, and stores its wraps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static json_t *signed_json(const struct store_state *s)
{
	struct wire_signed w = {.payload = s->payload, .len = s->len};
	json_t *body;

	memcpy(w.sig, s->sig, sizeof(w.sig));
	memcpy(w.mac, s->mac, sizeof(w.mac));
	body = wire_signed_pack(&w);
	/* a state of protocol v1 had no MAC */
	if (body != NULL && !s->has_mac)
		json_object_del(body, "mac");
	return body;
}

static enum e2e_err states_add(void *ctx, const struct store_state *s)
{
	return json_array_append_new(ctx, signed_json(s)) == 0 ? E2E_OK : E2E_ERR_INTERNAL;
}

/* GET .../states?after=N: the history a member walks, one revision at a
 * time (each signed by an admin of the one before: the clients check). */
enum e2e_err api_states_list(struct store *st, struct http_req *rq, const char *room,
			     struct api_res *res)
{
	struct store_room r;
	struct store_member me;
	uint64_t after = 0;
	json_t *arr = json_array();
	enum e2e_err err = arr ? api_member(st, rq, room, &r, &me) : E2E_ERR_INTERNAL;

	if (err == E2E_OK)
		err = api_query_uint(rq, "after", 0, 0, INT64_MAX, &after, res);
	if (err == E2E_OK)
		err = store_states_after(st, r.id, after, E2E_STATES_READ_MAX, states_add, arr);
	if (err == E2E_OK) {
		err = api_ok(res, 200, json_pack("{s:O}", "states", arr));
	}
	json_decref(arr);
	return err;
}

enum e2e_err api_state_get(struct store *st, struct http_req *rq, const char *room,
			   struct api_res *res)
{
	struct store_room r;
	struct store_member me;
	struct store_state s = {0};
	enum e2e_err err = api_member(st, rq, room, &r, &me);

	if (err == E2E_OK)
		err = store_state_get(st, r.id, &s);
	if (err == E2E_OK)
		err = api_ok(res, 200, signed_json(&s));
	store_state_clear(&s);
	return err;
}

/* A state post, once validated. */
struct post_req {
	struct wire_state cur; /* the room's newest state */
	struct store_state state;
	struct wire_state payload;
	struct wire_wrap *wraps;
	size_t n_wraps;
	const char **dropped; /* names in cur, not in payload (borrowed from cur) */
	size_t n_dropped;
	bool access_changed;
};

static void post_clear(struct post_req *p)
{
	wire_state_clear(&p->cur);
	store_state_clear(&p->state);
	wire_state_clear(&p->payload);
	free(p->wraps);
	free(p->dropped);
}

/* Each listed member is registered with the same keys and not removed. */
static enum e2e_err post_check_members(struct store *st, const struct store_room *r,
				       const struct wire_state *s, struct api_res *res)
{
	struct store_member reg;
	enum e2e_err err = E2E_OK;

	for (size_t i = 0; i < s->n_members && err == E2E_OK; i++) {
		const struct wire_member *m = &s->members[i];

		err = store_member_get(st, r->id, m->name, &reg);
		if (err == E2E_ERR_NO_MEMBER)
			err = api_fail(res, E2E_ERR_BAD_FIELD, "members[%zu]: %s is not registered",
				       i, m->name);
		else if (err == E2E_OK &&
			 (memcmp(reg.rec.sign_pk, m->sign_pk, E2E_SIGN_PK_BYTES) != 0 ||
			  memcmp(reg.rec.box_pk, m->box_pk, E2E_BOX_PK_BYTES) != 0))
			err = api_fail(res, E2E_ERR_BAD_FIELD,
				       "members[%zu]: %s's keys differ from its record", i, m->name);
		else if (err == E2E_OK && reg.removed)
			err = api_fail(res, E2E_ERR_BAD_FIELD, "members[%zu]: %s was removed", i,
				       m->name);
	}
	return err;
}

/* The members of the current state the next one drops: the relay
 * removes them with it. */
static enum e2e_err post_dropped(struct post_req *p)
{
	p->dropped = p->cur.n_members > 0 ? calloc(p->cur.n_members, sizeof(*p->dropped)) : NULL;
	if (p->dropped == NULL)
		return E2E_ERR_INTERNAL;
	for (size_t i = 0; i < p->cur.n_members; i++)
		if (wire_state_find(&p->payload, p->cur.members[i].name) == NULL)
			p->dropped[p->n_dropped++] = p->cur.members[i].name;
	return E2E_OK;
}

/* A new epoch is useless to a member who does not get its key. */
static enum e2e_err post_check_rotation(const struct wire_state *s, uint64_t epoch,
					const struct wire_wrap *w, size_t n,
					struct api_res *res)
{
	for (size_t i = 0; s->epoch > epoch && i < s->n_members; i++) {
		size_t j = 0;

		while (j < n && (w[j].epoch != s->epoch || strcmp(w[j].member, s->members[i].name)))
			j++;
		if (j == n)
			return api_fail(res, E2E_ERR_BAD_FIELD, "wraps: none for %s at the new "
					"epoch %llu", s->members[i].name,
					(unsigned long long)s->epoch);
	}
	return E2E_OK;
}

/* Whether the state's access block differs from the room's. */
static bool post_access_changed(const struct store_room *r, const struct wire_access *a)
{
	return memcmp(a->salt, r->pub.salt, sizeof(a->salt)) != 0 ||
	       a->opslimit != r->pub.opslimit || a->memlimit != r->pub.memlimit ||
	       memcmp(a->access_pk, r->access_pk, sizeof(a->access_pk)) != 0;
}

/* Names this room (name and id), is the next revision, does not go back
 * an epoch, and is made by an admin of the current state, whose keys
 * there check its signature. */
static enum e2e_err post_check_state(const struct store_room *r, struct post_req *p,
				     struct api_res *res)
{
	const struct wire_state *s = &p->payload;
	const struct wire_member *by = wire_state_admin(&p->cur, s->by);

	if (strcmp(s->room, r->pub.room) != 0)
		return api_fail(res, E2E_ERR_BAD_FIELD, "state: names room %s", s->room);
	if (memcmp(s->id, r->pub.id, sizeof(s->id)) != 0)
		return api_fail(res, E2E_ERR_BAD_FIELD, "state: names another room id");
	if (s->revision != p->cur.revision + 1)
		return api_fail(res, E2E_ERR_STALE, "the next revision is %llu",
				(unsigned long long)p->cur.revision + 1);
	if (s->epoch < p->cur.epoch)
		return api_fail(res, E2E_ERR_BAD_FIELD, "state: epoch below the current %llu",
				(unsigned long long)p->cur.epoch);
	if (by == NULL)
		return api_fail(res, E2E_ERR_NOT_ADMIN, "state: by %s, not an admin of revision "
				"%llu", s->by, (unsigned long long)p->cur.revision);
	return api_state_verify(&p->state, by->sign_pk, res);
}

static enum e2e_err post_unpack(struct store *st, const struct store_room *r, json_t *root,
				struct post_req *p, struct api_res *res)
{
	json_t *state = NULL;
	json_t *wraps = NULL;
	enum e2e_err err = E2E_OK;

	if (json_unpack_ex(root, &res->jerr, JSON_STRICT, "{s:o, s:o}", "state", &state,
			   "wraps", &wraps) != 0)
		err = E2E_ERR_BAD_FIELD;
	if (err == E2E_OK)
		err = api_state_unpack(state, NULL, &p->state, &p->payload, res);
	if (err == E2E_OK)
		err = post_check_state(r, p, res);
	if (err == E2E_OK)
		err = post_check_members(st, r, &p->payload, res);
	if (err == E2E_OK)
		err = api_wraps_unpack(wraps, &p->payload, &p->wraps, &p->n_wraps, res);
	if (err == E2E_OK)
		err = post_check_rotation(&p->payload, p->cur.epoch, p->wraps, p->n_wraps, res);
	if (err == E2E_OK)
		err = post_dropped(p);
	p->access_changed = err == E2E_OK && post_access_changed(r, &p->payload.access);
	return err;
}

/* The poster: a member admitted as an admin of the current state. */
static enum e2e_err post_admin(struct store *st, struct http_req *rq, const char *room,
			       struct store_room *r, struct post_req *p, struct api_res *res)
{
	struct store_member me;
	enum e2e_err err = api_member(st, rq, room, r, &me);

	if (err == E2E_OK)
		err = api_room_writable(r, res);
	if (err == E2E_OK)
		err = api_state_current(st, r->id, &p->cur);
	if (err == E2E_OK && !api_is_admin(&p->cur, &me.rec))
		err = api_fail(res, E2E_ERR_NOT_ADMIN, "%s is not an admin of revision %llu",
			       me.rec.name, (unsigned long long)p->cur.revision);
	return err;
}

enum e2e_err api_state_post(struct store *st, struct http_req *rq, const char *room,
			    struct api_res *res)
{
	struct store_room r;
	struct post_req p;
	struct store_state_change change = {0};
	json_t *root = NULL;
	enum e2e_err err;

	memset(&p, 0, sizeof(p));
	err = post_admin(st, rq, room, &r, &p, res);
	if (err == E2E_OK)
		err = api_body(rq, &root, res);
	if (err == E2E_OK)
		err = post_unpack(st, &r, root, &p, res);
	if (err == E2E_OK) {
		change = (struct store_state_change){
			.dropped = p.dropped, .n_dropped = p.n_dropped,
			.access = p.access_changed ? &p.payload.access : NULL, .now = api_now()};
		err = store_state_post(st, r.id, &p.state, &p.payload, p.wraps, p.n_wraps,
				       &change);
	}
	if (err == E2E_OK)
		err = api_ok(res, 200, json_pack("{s:I}", "revision",
						 (json_int_t)p.state.revision));
	post_clear(&p);
	json_decref(root);
	return err;
}
