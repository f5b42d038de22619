/* store_states.c - the states and wraps table family: the signed room
 * states (revision by revision, each the previous plus one) and the key
 * wraps, one per member and epoch (store.h). */
#include <stdlib.h>
#include <string.h>

#include "store_db.h"

/* A state revision taken meanwhile is E2E_ERR_STALE. Every state stored
 * now has its MAC (only those of protocol v1 rooms have none). */
enum e2e_err store_state_insert(struct store *st, int64_t room_id,
				const struct store_state *state)
{
	struct store_q q = {.conflict = E2E_ERR_STALE};

	return store_run(st, ST_STATE_INSERT, &q, "iiibbb", room_id, (int64_t)state->revision,
			 (int64_t)state->epoch, state->payload, state->len, state->sig,
			 sizeof(state->sig), state->mac, sizeof(state->mac));
}

/* A wrap for someone not registered breaks the foreign key: bad_field. */
enum e2e_err store_wraps_put(struct store *st, int64_t room_id, const struct wire_wrap *wraps,
			     size_t n)
{
	struct store_q q = {.conflict = E2E_ERR_BAD_FIELD};
	enum e2e_err err = E2E_OK;

	for (size_t i = 0; i < n && err == E2E_OK; i++) {
		const struct wire_wrap *w = &wraps[i];

		err = store_run(st, ST_WRAP_PUT, &q, "itibbbt", room_id, w->member,
				(int64_t)w->epoch, w->nonce, sizeof(w->nonce), w->box,
				sizeof(w->box), w->sig, sizeof(w->sig), w->by);
	}
	return err;
}

struct state_head {
	uint64_t revision;
	uint64_t epoch;
};

static enum e2e_err state_head_row(void *ctx, const struct store_row *row)
{
	struct state_head *h = ctx;

	h->revision = store_col_u64(row, 0);
	h->epoch = store_col_u64(row, 1);
	return E2E_OK;
}

enum e2e_err store_state_head(struct store *st, int64_t room_id, uint64_t *revision,
			      uint64_t *epoch)
{
	struct state_head h = {0};
	struct store_q q = {.row = state_head_row, .ctx = &h};
	enum e2e_err err = store_run(st, ST_STATE_HEAD, &q, "i", room_id);

	if (err == E2E_OK && q.rows == 0) /* every room has one */
		err = E2E_ERR_INTERNAL;
	*revision = h.revision;
	*epoch = h.epoch;
	return err;
}

static enum e2e_err state_row(void *ctx, const struct store_row *s)
{
	struct store_state *out = ctx;
	size_t n = 0;
	const void *p = store_col_bytes(s, 2, &n);

	out->revision = store_col_u64(s, 0);
	out->epoch = store_col_u64(s, 1);
	out->payload = (p != NULL && n > 0) ? malloc(n) : NULL;
	if (out->payload != NULL) {
		memcpy(out->payload, p, n);
		out->len = n;
	}
	out->has_mac = !store_col_null(s, 4);
	return out->payload != NULL && store_col_blob(s, 3, out->sig, sizeof(out->sig)) &&
		       (!out->has_mac || store_col_blob(s, 4, out->mac, sizeof(out->mac)))
		       ? E2E_OK
		       : E2E_ERR_INTERNAL;
}

enum e2e_err store_state_get(struct store *st, int64_t room_id, struct store_state *out)
{
	struct store_q q = {.row = state_row, .ctx = out};
	enum e2e_err err;

	memset(out, 0, sizeof(*out));
	err = store_run(st, ST_STATE_GET, &q, "i", room_id);
	if (err == E2E_OK && q.rows == 0) /* every room has one */
		err = E2E_ERR_INTERNAL;
	if (err != E2E_OK)
		store_state_clear(out);
	return err;
}

void store_state_clear(struct store_state *s)
{
	free(s->payload);
	memset(s, 0, sizeof(*s));
}

struct states_walk {
	enum e2e_err (*fn)(void *ctx, const struct store_state *s);
	void *ctx;
};

static enum e2e_err states_row(void *ctx, const struct store_row *row)
{
	struct states_walk *w = ctx;
	struct store_state s = {0};
	enum e2e_err err = state_row(&s, row);

	if (err == E2E_OK)
		err = w->fn(w->ctx, &s);
	store_state_clear(&s);
	return err;
}

enum e2e_err store_states_after(struct store *st, int64_t room_id, uint64_t after,
				unsigned max,
				enum e2e_err (*fn)(void *ctx, const struct store_state *s),
				void *ctx)
{
	struct states_walk w = {fn, ctx};
	struct store_q q = {.row = states_row, .ctx = &w};

	return store_run(st, ST_STATES_AFTER, &q, "iii", room_id, (int64_t)after, (int64_t)max);
}

/* The members a state drops are removed; the room's access follows it. */
static enum e2e_err state_apply(struct store *st, int64_t room_id,
				const struct store_state_change *c)
{
	enum e2e_err err = E2E_OK;

	for (size_t i = 0; i < c->n_dropped && err == E2E_OK; i++)
		err = store_member_drop(st, room_id, c->dropped[i], c->now);
	if (err == E2E_OK && c->access != NULL)
		err = store_room_access_set(st, room_id, c->access);
	return err;
}

enum e2e_err store_state_post(struct store *st, int64_t room_id,
			      const struct store_state *state,
			      const struct wire_state *payload,
			      const struct wire_wrap *wraps, size_t n_wraps,
			      const struct store_state_change *change)
{
	enum e2e_err err = store_txn_begin(st);
	uint64_t revision = 0;
	uint64_t epoch = 0;

	if (err == E2E_OK)
		err = store_state_head(st, room_id, &revision, &epoch);
	if (err == E2E_OK && state->revision != revision + 1)
		err = E2E_ERR_STALE;
	if (err == E2E_OK)
		err = store_state_insert(st, room_id, state);
	if (err == E2E_OK)
		err = state_apply(st, room_id, change);
	if (err == E2E_OK)
		err = store_members_admit(st, room_id, payload);
	if (err == E2E_OK && change->access != NULL)
		err = store_members_decline_pending(st, room_id, change->now);
	if (err == E2E_OK)
		err = store_wraps_put(st, room_id, wraps, n_wraps);
	if (err == E2E_OK)
		err = store_members_changed(st, room_id);
	return store_txn_end(st, err);
}

/* ---- wraps ---- */

struct wraps_each {
	store_wrap_fn fn;
	void *ctx;
};

static enum e2e_err wraps_each_row(void *ctx, const struct store_row *s)
{
	struct wraps_each *e = ctx;
	struct wire_wrap w;

	memset(&w, 0, sizeof(w));
	w.epoch = store_col_u64(s, 1);
	/* a wrap of protocol v1 names no admin: by stays empty */
	return store_col_text(s, 0, w.member, sizeof(w.member)) &&
			       (store_col_null(s, 5) || store_col_text(s, 5, w.by, sizeof(w.by))) &&
			       store_col_blob(s, 2, w.nonce, sizeof(w.nonce)) &&
			       store_col_blob(s, 3, w.box, sizeof(w.box)) &&
			       store_col_blob(s, 4, w.sig, sizeof(w.sig))
		       ? e->fn(e->ctx, &w)
		       : E2E_ERR_INTERNAL;
}

enum e2e_err store_wraps_each(struct store *st, int64_t room_id, const char *member,
			      store_wrap_fn fn, void *ctx)
{
	struct wraps_each e = {fn, ctx};
	struct store_q q = {.row = wraps_each_row, .ctx = &e};

	return store_run(st, ST_WRAPS_LIST, &q, "it", room_id, member);
}
