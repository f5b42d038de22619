/* store_members.c - the members and challenges table family: join
 * challenges (single use, expiring), registration (a removed name taken
 * over), lookups by token and by name, the list, and removal
 * (store.h). */
#include <string.h>

#include "store_db.h"

/* ---- challenges ---- */

/* The room's expired challenges go (by room: every query is keyed by
 * room; a room's own purge runs before each of its challenges is added
 * or taken, so none outlives its room's next use). */
static enum e2e_err challenge_purge(struct store *st, int64_t room_id, int64_t now)
{
	return store_run(st, ST_CHAL_PURGE, NULL, "ii", room_id, now);
}

enum e2e_err store_challenge_add(struct store *st, int64_t room_id,
				 const uint8_t nonce[E2E_NONCE_BYTES], int64_t now,
				 int64_t expires_at)
{
	enum e2e_err err = store_txn_begin(st);
	int64_t count = 0;

	if (err == E2E_OK)
		err = challenge_purge(st, room_id, now);
	if (err == E2E_OK)
		err = store_one_int(st, ST_CHAL_COUNT, &count, "i", room_id);
	if (err == E2E_OK && count >= E2E_CHALLENGES_MAX)
		err = E2E_ERR_BUSY;
	if (err == E2E_OK)
		err = store_run(st, ST_CHAL_INSERT, NULL, "ibi", room_id, nonce,
				(size_t)E2E_NONCE_BYTES, expires_at);
	return store_txn_end(st, err);
}

enum e2e_err store_challenge_take(struct store *st, int64_t room_id,
				  const uint8_t nonce[E2E_NONCE_BYTES], int64_t now)
{
	struct store_q q = {0};
	enum e2e_err err = challenge_purge(st, room_id, now);

	if (err == E2E_OK)
		err = store_run(st, ST_CHAL_TAKE, &q, "ib", room_id, nonce,
				(size_t)E2E_NONCE_BYTES);
	if (err == E2E_OK && q.changes != 1)
		err = E2E_ERR_BAD_CHALLENGE;
	return err;
}

/* ---- registration ---- */

/* Insert a member; E2E_ERR_NAME_TAKEN if the room has one of that name
 * (the insert then changes nothing, so the transaction goes on). */
enum e2e_err store_member_insert(struct store *st, int64_t room_id,
				 const struct wire_member *m, bool admitted,
				 const uint8_t token_hash[E2E_TOKEN_BYTES], int64_t now)
{
	struct store_q q = {0};
	enum e2e_err err = store_run(st, ST_MEMBER_INSERT, &q, "itibbbtbi", room_id, m->name,
				     (int64_t)E2E_PROTO_VERSION, m->sign_pk, sizeof(m->sign_pk),
				     m->box_pk, sizeof(m->box_pk), m->mac, sizeof(m->mac),
				     admitted ? "admitted" : "pending", token_hash,
				     (size_t)E2E_TOKEN_BYTES, now);

	if (err == E2E_OK && q.changes != 1)
		err = E2E_ERR_NAME_TAKEN;
	return err;
}

/* Take over the row of a removed member of that name, dropping the old
 * wraps (made for keys that are gone); E2E_ERR_NAME_TAKEN if the name
 * belongs to a member who was not removed. */
static enum e2e_err member_rejoin(struct store *st, int64_t room_id,
				  const struct wire_member *m,
				  const uint8_t token_hash[E2E_TOKEN_BYTES], int64_t now)
{
	struct store_q q = {0};
	enum e2e_err err = store_run(st, ST_MEMBER_REJOIN, &q, "ibbbbiit",
				     (int64_t)E2E_PROTO_VERSION, m->sign_pk, sizeof(m->sign_pk),
				     m->box_pk, sizeof(m->box_pk), m->mac, sizeof(m->mac),
				     token_hash, (size_t)E2E_TOKEN_BYTES, now, room_id, m->name);

	if (err == E2E_OK && q.changes != 1)
		err = E2E_ERR_NAME_TAKEN;
	if (err == E2E_OK)
		err = store_run(st, ST_WRAPS_DROP, NULL, "it", room_id, m->name);
	return err;
}

enum e2e_err store_member_add(struct store *st, int64_t room_id,
			      const struct wire_member *m,
			      const uint8_t token_hash[E2E_TOKEN_BYTES], int64_t now)
{
	enum e2e_err err = store_txn_begin(st);
	int64_t count = 0;

	if (err == E2E_OK)
		err = store_one_int(st, ST_MEMBER_COUNT, &count, "i", room_id);
	if (err == E2E_OK && count >= E2E_ROOM_MEMBERS_MAX)
		err = E2E_ERR_BUSY;
	if (err == E2E_OK)
		err = store_member_insert(st, room_id, m, false, token_hash, now);
	if (err == E2E_ERR_NAME_TAKEN)
		err = member_rejoin(st, room_id, m, token_hash, now);
	if (err == E2E_OK)
		err = store_members_changed(st, room_id);
	return store_txn_end(st, err);
}

/* ---- lookups ---- */

/* One member row (STORE_MEMBER_COLS). */
static bool member_row(const struct store_row *s, struct store_member *out)
{
	char status[16];

	out->admitted = store_col_text(s, 5, status, sizeof(status)) &&
			strcmp(status, "admitted") == 0;
	out->joined_at = store_col_int(s, 6);
	out->last_counter = store_col_u64(s, 7);
	out->removed = !store_col_null(s, 8);
	return store_col_text(s, 0, out->rec.name, sizeof(out->rec.name)) &&
	       store_col_int(s, 1) >= 1 && store_col_int(s, 1) <= E2E_PROTO_VERSION &&
	       store_col_blob(s, 2, out->rec.sign_pk, sizeof(out->rec.sign_pk)) &&
	       store_col_blob(s, 3, out->rec.box_pk, sizeof(out->rec.box_pk)) &&
	       store_col_blob(s, 4, out->rec.mac, sizeof(out->rec.mac));
}

static enum e2e_err member_one_row(void *ctx, const struct store_row *row)
{
	return member_row(row, ctx) ? E2E_OK : E2E_ERR_INTERNAL;
}

enum e2e_err store_member_by_token(struct store *st, int64_t room_id,
				   const uint8_t token_hash[E2E_TOKEN_BYTES],
				   struct store_member *out)
{
	struct store_q q = {.row = member_one_row, .ctx = out};
	enum e2e_err err;

	memset(out, 0, sizeof(*out));
	err = store_run(st, ST_MEMBER_BY_TOKEN, &q, "bi", token_hash, (size_t)E2E_TOKEN_BYTES,
			room_id);
	if (err == E2E_OK && q.rows == 0)
		err = E2E_ERR_UNAUTHORIZED;
	return err;
}

enum e2e_err store_member_get(struct store *st, int64_t room_id, const char *name,
			      struct store_member *out)
{
	struct store_q q = {.row = member_one_row, .ctx = out};
	enum e2e_err err;

	memset(out, 0, sizeof(*out));
	err = store_run(st, ST_MEMBER_GET, &q, "it", room_id, name);
	if (err == E2E_OK && q.rows == 0)
		err = E2E_ERR_NO_MEMBER;
	return err;
}

struct members_each {
	store_member_fn fn;
	void *ctx;
};

static enum e2e_err members_each_row(void *ctx, const struct store_row *row)
{
	struct members_each *e = ctx;
	struct store_member m;

	memset(&m, 0, sizeof(m));
	return member_row(row, &m) ? e->fn(e->ctx, &m) : E2E_ERR_INTERNAL;
}

enum e2e_err store_members_each(struct store *st, int64_t room_id,
				store_member_fn fn, void *ctx)
{
	struct members_each e = {fn, ctx};
	struct store_q q = {.row = members_each_row, .ctx = &e};

	return store_run(st, ST_MEMBERS_LIST, &q, "i", room_id);
}

/* ---- admission, leaving and removal ---- */

/* Admit every member a new state lists (inside its transaction);
 * E2E_ERR_BAD_FIELD if one is not registered or was removed. */
enum e2e_err store_members_admit(struct store *st, int64_t room_id,
				 const struct wire_state *payload)
{
	struct store_q q = {0};
	enum e2e_err err = E2E_OK;

	for (size_t i = 0; i < payload->n_members && err == E2E_OK; i++) {
		err = store_run(st, ST_MEMBER_ADMIT, &q, "it", room_id, payload->members[i].name);
		if (err == E2E_OK && q.changes != 1)
			err = E2E_ERR_BAD_FIELD;
	}
	return err;
}

enum e2e_err store_member_drop(struct store *st, int64_t room_id, const char *name,
			       int64_t now)
{
	return store_run(st, ST_MEMBER_REMOVE, NULL, "iit", now, room_id, name);
}

/* A new password: whoever asked to join with the old one and is not
 * admitted by now is declined (the old password stops working for new
 * joins, pending ones included). Inside the state's transaction. */
enum e2e_err store_members_decline_pending(struct store *st, int64_t room_id, int64_t now)
{
	return store_run(st, ST_MEMBERS_DECLINE_PENDING, NULL, "ii", now, room_id);
}

/* ST_MEMBER_REMOVE or ST_MEMBER_DECLINE, and the membership change. */
static enum e2e_err member_end(struct store *st, enum store_stmt id, int64_t room_id,
			       const char *name, int64_t now)
{
	struct store_q q = {0};
	enum e2e_err err = store_txn_begin(st);

	if (err == E2E_OK)
		err = store_run(st, id, &q, "iit", now, room_id, name);
	if (err == E2E_OK && q.changes != 1)
		err = E2E_ERR_NO_MEMBER; /* unknown, or removed already */
	if (err == E2E_OK)
		err = store_members_changed(st, room_id);
	return store_txn_end(st, err);
}

enum e2e_err store_member_remove(struct store *st, int64_t room_id, const char *name,
				 int64_t now)
{
	return member_end(st, ST_MEMBER_REMOVE, room_id, name, now);
}

enum e2e_err store_member_decline(struct store *st, int64_t room_id, const char *name,
				  int64_t now)
{
	return member_end(st, ST_MEMBER_DECLINE, room_id, name, now);
}
