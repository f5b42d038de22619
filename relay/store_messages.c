/* store_messages.c - the messages table family: a post (the sender's
 * counter raised, the message stored, the room trimmed to its limits) in
 * one transaction, a group of posts in one transaction, the expiry
 * sweep, and reads in seq order (store.h).
 *
 * Every write here locks the rooms it writes first, in ascending id
 * order (store_room_lock): on PostgreSQL, where several relays commit
 * at once, a room's messages are thus committed in seq order (a reader
 * that saw seq N never misses a smaller one committed later) and two
 * writers never wait for each other in a cycle. Each room whose messages
 * change is named to store_room_changed inside the transaction: its
 * version moves on once the transaction commits. */
#include <stdlib.h>
#include <string.h>

#include "store_db.h"

/* Most messages one trim deletes in one room: expiring a backlog (after
 * a restart with a lower limit, or a long pause) is spread over several
 * commits instead of holding the write lock for one long one. */
#define STORE_TRIM_MAX 2000
/* A room over its max_messages is trimmed to max_messages minus
 * max_messages / STORE_TRIM_SLACK_DIV (1 %: 1,000 of the default
 * 100,000), so that a full room pays for a delete once every that many
 * posts instead of on every post: a lone DELETE at the oldest end of the
 * room's rows and its two indexes dirtied pages of its own in each
 * commit (bench/RESULTS.md, issue 16: a post into a full room at about
 * 0.5-0.8 of one into an uncapped room). A full room thus keeps between
 * 99 % and 100 % of max_messages, never more; below 100 messages the
 * slack is 0 and the cap is exact. */
#define STORE_TRIM_SLACK_DIV 100
/* Most rooms one store_sweep visits. */
#define STORE_SWEEP_MAX 256

/* Raise the sender's last counter; E2E_ERR_COUNTER if not above it. */
static enum e2e_err counter_raise(struct store *st, int64_t room_id, const struct wire_msg *m)
{
	struct store_q q = {0};
	enum e2e_err err = store_run(st, ST_COUNTER_RAISE, &q, "iiti", (int64_t)m->counter,
				     room_id, m->sender, (int64_t)m->counter);

	if (err == E2E_OK && q.changes != 1)
		err = E2E_ERR_COUNTER;
	return err;
}

static enum e2e_err seq_row(void *ctx, const struct store_row *row)
{
	*(uint64_t *)ctx = store_col_u64(row, 0);
	return E2E_OK;
}

static enum e2e_err msg_insert(struct store *st, int64_t room_id, struct wire_msg *m)
{
	struct store_q q = {.row = seq_row, .ctx = &m->seq};

	return store_run(st, ST_MSG_INSERT, &q, "iitiibbbi", room_id, (int64_t)E2E_PROTO_VERSION,
			 m->sender, (int64_t)m->epoch, (int64_t)m->counter, m->nonce,
			 sizeof(m->nonce), m->ct, m->ct_len, m->sig, sizeof(m->sig),
			 m->received_at);
}

/* A room that just got `added` messages (0: a sweep): expire the ones
 * received before now - retention, then, if it holds more than
 * max_messages, the oldest down to max_messages less the slack
 * (STORE_TRIM_SLACK_DIV), at most STORE_TRIM_MAX rows each, and keep
 * rooms.n_messages right.
 * Two index walks from the oldest end: cheap however full the room.
 * *changed (if not NULL): whether any message went. */
static enum e2e_err room_trim(struct store *st, int64_t room_id, int64_t added, int64_t now,
			      bool *changed)
{
	const struct store_limits *l = store_limits_of(st);
	struct store_q q = {0};
	int64_t stored = 0, n, excess;
	enum e2e_err err = store_room_lock(st, room_id, &stored);

	n = stored + added;
	if (err == E2E_OK && l->retention_s > 0) {
		err = store_run(st, ST_MSGS_EXPIRE, &q, "iii", room_id, now - l->retention_s,
				(int64_t)STORE_TRIM_MAX);
		n -= q.changes;
	}
	excess = n - l->max_messages;
	if (excess > 0)
		excess += (int64_t)l->max_messages / STORE_TRIM_SLACK_DIV;
	if (err == E2E_OK && excess > 0) {
		err = store_run(st, ST_MSGS_TRIM, &q, "ii", room_id,
				excess < STORE_TRIM_MAX ? excess : (int64_t)STORE_TRIM_MAX);
		n -= q.changes;
	}
	if (n < 0) /* rows deleted behind the relay's back */
		n = 0;
	if (err == E2E_OK && n != stored)
		err = store_room_msgs_set(st, room_id, n);
	if (changed != NULL)
		*changed = n != stored + added;
	return err;
}

enum e2e_err store_msg_add(struct store *st, int64_t room_id, struct wire_msg *m)
{
	int64_t stored = 0;
	enum e2e_err err = store_txn_begin(st);

	if (err == E2E_OK)
		err = store_room_lock(st, room_id, &stored);
	if (err == E2E_OK)
		err = counter_raise(st, room_id, m);
	if (err == E2E_OK)
		err = msg_insert(st, room_id, m);
	if (err == E2E_OK)
		err = room_trim(st, room_id, 1, m->received_at, NULL);
	if (err == E2E_OK)
		err = store_room_changed(st, room_id, m->seq);
	return store_txn_end(st, err);
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Lock the rooms of a group, each once, in ascending id order. */
static enum e2e_err rooms_lock(struct store *st, const struct store_msg_job *jobs, size_t n)
{
	int64_t *ids = malloc(n * sizeof(*ids));
	int64_t stored;
	enum e2e_err err = ids != NULL ? E2E_OK : E2E_ERR_INTERNAL;

	for (size_t i = 0; ids != NULL && i < n; i++)
		ids[i] = jobs[i].room_id;
	if (ids != NULL)
		qsort(ids, n, sizeof(*ids), id_cmp);
	for (size_t i = 0; i < n && err == E2E_OK; i++)
		if (i == 0 || ids[i] != ids[i - 1])
			err = store_room_lock(st, ids[i], &stored);
	free(ids);
	return err;
}

enum e2e_err store_msgs_add(struct store *st, const struct store_msg_job *jobs, size_t n,
			    enum e2e_err *errs)
{
	enum e2e_err err = store_txn_begin(st);
	int64_t added = 0;
	uint64_t newest = 0;

	if (err == E2E_OK && n > 0)
		err = rooms_lock(st, jobs, n);
	/* a refused counter skips that message only; anything else undoes
	 * the whole batch (and every message gets that error). Each run of
	 * one room's messages is trimmed after its last, in this same
	 * transaction: the limits hold at every commit. A run that stored
	 * anything changed its room, whichever of its jobs it was (the
	 * review's case: a refused first job, a stored second). */
	for (size_t i = 0; i < n && err == E2E_OK; i++) {
		errs[i] = counter_raise(st, jobs[i].room_id, jobs[i].m);
		if (errs[i] == E2E_OK)
			errs[i] = msg_insert(st, jobs[i].room_id, jobs[i].m);
		if (errs[i] == E2E_OK)
			newest = jobs[i].m->seq;
		added += errs[i] == E2E_OK;
		if (errs[i] != E2E_OK && errs[i] != E2E_ERR_COUNTER)
			err = errs[i];
		if (err == E2E_OK && added > 0 &&
		    (i + 1 == n || jobs[i + 1].room_id != jobs[i].room_id)) {
			err = room_trim(st, jobs[i].room_id, added, jobs[i].m->received_at, NULL);
			if (err == E2E_OK)
				err = store_room_changed(st, jobs[i].room_id, newest);
			added = 0;
		}
	}
	err = store_txn_end(st, err);
	for (size_t i = 0; i < n && err != E2E_OK; i++)
		errs[i] = err;
	return err;
}

enum e2e_err store_sweep(struct store *st, int64_t now, int64_t *cursor, unsigned n_rooms)
{
	int64_t ids[STORE_SWEEP_MAX];
	bool trimmed = false, mine = false;
	unsigned n = 0;
	enum e2e_err err;

	if (n_rooms > STORE_SWEEP_MAX)
		n_rooms = STORE_SWEEP_MAX;
	/* one relay at a time on a shared database (the others skip their
	 * turn); the ids first: no statement reads rooms while room_trim
	 * writes it; they come in ascending order, as every writer locks them */
	err = store_txn_begin(st);
	if (err == E2E_OK)
		err = store_sweep_turn(st, &mine);
	if (err == E2E_OK && mine)
		err = store_room_ids(st, *cursor, ids, n_rooms, &n);
	for (unsigned i = 0; i < n && err == E2E_OK; i++) {
		err = room_trim(st, ids[i], 0, now, &trimmed);
		if (err == E2E_OK && trimmed)
			err = store_room_changed(st, ids[i], 0);
	}
	err = store_txn_end(st, err);
	if (err == E2E_OK && mine)
		*cursor = n > 0 && n == n_rooms ? ids[n - 1] : 0;
	return err;
}

/* ---- reads ---- */

struct msgs_each {
	store_msg_fn fn;
	void *ctx;
	struct wire_msg *m;
};

static enum e2e_err msgs_each_row(void *ctx, const struct store_row *s)
{
	struct msgs_each *e = ctx;
	struct wire_msg *m = e->m;
	size_t ct_len = 0;
	const void *ct = store_col_bytes(s, 5, &ct_len);
	bool ok;

	m->ct_len = 0; /* every field is set here; no 25 KiB memset a row */
	m->seq = store_col_u64(s, 0);
	m->epoch = store_col_u64(s, 2);
	m->counter = store_col_u64(s, 3);
	m->received_at = store_col_int(s, 7);
	ok = ct != NULL && ct_len > 0 && ct_len <= sizeof(m->ct);
	if (ok) {
		memcpy(m->ct, ct, ct_len);
		m->ct_len = ct_len;
	}
	ok = ok && store_col_text(s, 1, m->sender, sizeof(m->sender)) &&
	     store_col_blob(s, 4, m->nonce, sizeof(m->nonce)) &&
	     store_col_blob(s, 6, m->sig, sizeof(m->sig));
	return ok ? e->fn(e->ctx, m) : E2E_ERR_INTERNAL;
}

enum e2e_err store_msgs_each(struct store *st, int64_t room_id, uint64_t after,
			     unsigned limit, store_msg_fn fn, void *ctx)
{
	/* 25 KiB: not on the stack */
	struct msgs_each e = {fn, ctx, malloc(sizeof(struct wire_msg))};
	struct store_q q = {.row = msgs_each_row, .ctx = &e};
	enum e2e_err err = E2E_ERR_INTERNAL;

	if (e.m != NULL)
		err = store_run(st, ST_MSGS_LIST, &q, "iii", room_id, (int64_t)after,
				(int64_t)limit);
	free(e.m);
	return err;
}
