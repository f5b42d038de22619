/* store_rooms.c - the rooms table family: a room with its creator, first
 * state and wraps in one transaction, a room by name, its access
 * replaced by a signed state, and the room ids and message counts the
 * retention sweep walks (store.h). */
#include <string.h>

#include "store_db.h"

static enum e2e_err room_id_row(void *ctx, const struct store_row *row)
{
	*(int64_t *)ctx = store_col_int(row, 0);
	return E2E_OK;
}

static enum e2e_err room_insert(struct store *st, struct store_room *room)
{
	const struct wire_room *r = &room->pub;
	struct store_q q = {.conflict = E2E_ERR_ROOM_EXISTS, .row = room_id_row, .ctx = &room->id};

	room->v = E2E_PROTO_VERSION;
	return store_run(st, ST_ROOM_INSERT, &q, "tibiibtib", r->room, room->v,
			 r->salt, sizeof(r->salt), (int64_t)r->opslimit, (int64_t)r->memlimit,
			 room->access_pk, sizeof(room->access_pk), r->creator, r->created_at,
			 r->id, sizeof(r->id));
}

/* E2E_ERR_LIMIT if the relay holds more than max_rooms rooms (the new
 * one counted: the caller rolls it back). */
static enum e2e_err rooms_within_limit(struct store *st)
{
	int64_t n = 0;
	enum e2e_err err = store_one_int(st, ST_ROOM_COUNT, &n, "");

	if (err == E2E_OK && n > store_limits_of(st)->max_rooms)
		err = E2E_ERR_LIMIT;
	return err;
}

enum e2e_err store_room_create(struct store *st, struct store_room *room,
			       const struct wire_member *creator,
			       const uint8_t token_hash[E2E_TOKEN_BYTES],
			       const struct store_state *state,
			       const struct wire_wrap *wraps, size_t n_wraps)
{
	enum e2e_err err = store_txn_begin(st);

	/* inserted first, so that a taken name is room_exists at any count */
	if (err == E2E_OK)
		err = room_insert(st, room);
	if (err == E2E_OK)
		err = rooms_within_limit(st);
	if (err == E2E_OK)
		err = store_member_insert(st, room->id, creator, true, token_hash,
					  room->pub.created_at);
	if (err == E2E_OK)
		err = store_state_insert(st, room->id, state);
	if (err == E2E_OK)
		err = store_wraps_put(st, room->id, wraps, n_wraps);
	if (err == E2E_OK)
		err = store_members_changed(st, room->id);
	return store_txn_end(st, err);
}

/* A room of protocol v1 has no id (NULL); one of ours has 16 bytes. */
static bool room_id_of(const struct store_row *s, struct store_room *out)
{
	if (out->v == 1)
		return store_col_null(s, 10);
	return out->v == E2E_PROTO_VERSION &&
	       store_col_blob(s, 10, out->pub.id, sizeof(out->pub.id));
}

static enum e2e_err room_row(void *ctx, const struct store_row *s)
{
	struct store_room *out = ctx;
	struct wire_room *r = &out->pub;

	out->id = store_col_int(s, 0);
	r->opslimit = store_col_u64(s, 3);
	r->memlimit = store_col_u64(s, 4);
	r->created_at = store_col_int(s, 7);
	out->members_version = store_col_u64(s, 8);
	out->v = store_col_int(s, 9);
	return room_id_of(s, out) && store_col_text(s, 1, r->room, sizeof(r->room)) &&
			       store_col_blob(s, 2, r->salt, sizeof(r->salt)) &&
			       store_col_blob(s, 5, out->access_pk, sizeof(out->access_pk)) &&
			       store_col_text(s, 6, r->creator, sizeof(r->creator))
		       ? E2E_OK
		       : E2E_ERR_INTERNAL;
}

enum e2e_err store_room_get(struct store *st, const char *name, struct store_room *out)
{
	struct store_q q = {.row = room_row, .ctx = out};
	enum e2e_err err;

	memset(out, 0, sizeof(*out));
	err = store_run(st, ST_ROOM_GET, &q, "t", name);
	if (err == E2E_OK && q.rows == 0)
		err = E2E_ERR_NO_ROOM;
	return err;
}

enum e2e_err store_room_access_set(struct store *st, int64_t room_id,
				   const struct wire_access *a)
{
	return store_run(st, ST_ROOM_ACCESS_SET, NULL, "biibi", a->salt, sizeof(a->salt),
			 (int64_t)a->opslimit, (int64_t)a->memlimit, a->access_pk,
			 sizeof(a->access_pk), room_id);
}

/* ---- what the sweep walks ---- */

struct room_ids {
	int64_t *ids;
	unsigned max;
	unsigned n;
};

static enum e2e_err room_ids_row(void *ctx, const struct store_row *row)
{
	struct room_ids *r = ctx;

	if (r->n < r->max)
		r->ids[r->n++] = store_col_int(row, 0);
	return E2E_OK;
}

enum e2e_err store_room_ids(struct store *st, int64_t after, int64_t *ids, unsigned max,
			    unsigned *n)
{
	struct room_ids r = {ids, max, 0};
	struct store_q q = {.row = room_ids_row, .ctx = &r};
	enum e2e_err err = store_run(st, ST_ROOM_IDS, &q, "ii", after, (int64_t)max);

	*n = r.n;
	return err;
}

/* The room's message count, its row held by this transaction until the
 * end: two writers of one room's messages take turns from here, so a
 * room's seq numbers are committed in increasing order (on PostgreSQL,
 * where several relays write at once; SQLite holds the whole database). */
enum e2e_err store_room_lock(struct store *st, int64_t room_id, int64_t *n_messages)
{
	return store_one_int(st, ST_ROOM_LOCK, n_messages, "i", room_id);
}

enum e2e_err store_room_msgs_set(struct store *st, int64_t room_id, int64_t n)
{
	return store_run(st, ST_ROOM_MSGS_SET, NULL, "ii", n, room_id);
}
