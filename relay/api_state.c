/* api_state.c - the signed room state: GET /v1/rooms/ROOM/state serves the
 * newest to members; POST (creator only) adds the next revision, admits
 * the members it lists and stores their wraps, in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

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
		err = api_ok(res, 200, wire_signed_pack(s.payload, s.len, s.sig));
	store_state_clear(&s);
	return err;
}

/* A state post, once validated. */
struct post_req {
	struct store_state state;
	struct wire_state payload;
	struct wire_wrap *wraps;
	size_t n_wraps;
};

static void post_clear(struct post_req *p)
{
	store_state_clear(&p->state);
	wire_state_clear(&p->payload);
	free(p->wraps);
}

/* Each listed member is registered with the same keys, not removed,
 * listed once. */
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
		else if (err == E2E_OK && wire_state_find(s, m->name) != m)
			err = api_fail(res, E2E_ERR_BAD_FIELD, "members[%zu]: %s listed twice",
				       i, m->name);
	}
	return err;
}

/* No member of the current signed state may vanish from the next one
 * unless it was removed (a DELETE of its own, which revokes its token at
 * once). The relay's own "admitted" flag does not count here: only what
 * the creator signed. */
static enum e2e_err post_check_unlisted(struct store *st, const struct store_room *r,
					const struct wire_state *next, struct api_res *res)
{
	struct store_state cur_raw;
	struct wire_state cur = {0};
	struct store_member reg;
	enum e2e_err err = store_state_get(st, r->id, &cur_raw);

	if (err == E2E_OK && wire_state_parse(cur_raw.payload, cur_raw.len, &cur, &res->jerr))
		err = E2E_ERR_INTERNAL;
	for (size_t i = 0; err == E2E_OK && i < cur.n_members; i++) {
		const char *name = cur.members[i].name;

		if (wire_state_find(next, name))
			continue;
		err = store_member_get(st, r->id, name, &reg);
		if (err == E2E_OK && !reg.removed)
			err = api_fail(res, E2E_ERR_BAD_FIELD, "members: %s is a member but not "
				       "listed (remove it first)", name);
	}
	wire_state_clear(&cur);
	store_state_clear(&cur_raw);
	return err;
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

/* Names this room and creator, is the next revision, does not go back
 * an epoch, lists the creator and only registered members. */
static enum e2e_err post_check_state(struct store *st, const struct store_room *r,
				     const struct wire_state *s, struct api_res *res)
{
	uint64_t revision = 0;
	uint64_t epoch = 0;
	enum e2e_err err = E2E_OK;

	if (strcmp(s->room, r->pub.room) != 0)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: names room %s", s->room);
	else if (strcmp(s->creator, r->pub.creator) != 0)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: names creator %s", s->creator);
	else if (wire_state_find(s, r->pub.creator) == NULL)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: does not list the creator");
	else
		err = store_state_head(st, r->id, &revision, &epoch);
	if (err == E2E_OK && s->revision != revision + 1)
		err = api_fail(res, E2E_ERR_STALE, "the next revision is %llu",
			       (unsigned long long)revision + 1);
	else if (err == E2E_OK && s->epoch < epoch)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "state: epoch below the current %llu",
			       (unsigned long long)epoch);
	if (err == E2E_OK)
		err = post_check_members(st, r, s, res);
	return err;
}

static enum e2e_err post_unpack(struct store *st, const struct store_room *r,
				const struct store_member *creator, json_t *root,
				struct post_req *p, struct api_res *res)
{
	json_t *state = NULL;
	json_t *wraps = NULL;
	uint64_t revision = 0, epoch = 0;
	enum e2e_err err = E2E_OK;

	if (json_unpack_ex(root, &res->jerr, JSON_STRICT, "{s:o, s:o}", "state", &state,
			   "wraps", &wraps) != 0)
		err = E2E_ERR_BAD_FIELD;
	if (err == E2E_OK)
		err = api_state_unpack(state, creator->rec.sign_pk, &p->state, &p->payload, res);
	if (err == E2E_OK)
		err = post_check_state(st, r, &p->payload, res);
	if (err == E2E_OK)
		err = api_wraps_unpack(wraps, &p->payload, &p->wraps, &p->n_wraps, res);
	if (err == E2E_OK)
		err = post_check_unlisted(st, r, &p->payload, res);
	if (err == E2E_OK)
		err = store_state_head(st, r->id, &revision, &epoch);
	if (err == E2E_OK)
		err = post_check_rotation(&p->payload, epoch, p->wraps, p->n_wraps, res);
	return err;
}

enum e2e_err api_state_post(struct store *st, struct http_req *rq, const char *room,
			    struct api_res *res)
{
	struct store_room r;
	struct store_member me;
	struct post_req p;
	json_t *root = NULL;
	enum e2e_err err;

	memset(&p, 0, sizeof(p));
	err = api_member(st, rq, room, &r, &me);
	if (err == E2E_OK && strcmp(me.rec.name, r.pub.creator) != 0)
		err = E2E_ERR_NOT_CREATOR;
	if (err == E2E_OK)
		err = api_body(rq, &root, res);
	if (err == E2E_OK)
		err = post_unpack(st, &r, &me, root, &p, res);
	if (err == E2E_OK)
		err = store_state_post(st, r.id, &p.state, &p.payload, p.wraps, p.n_wraps);
	if (err == E2E_OK)
		err = api_ok(res, 200, json_pack("{s:I}", "revision",
						 (json_int_t)p.state.revision));
	post_clear(&p);
	json_decref(root);
	return err;
}
