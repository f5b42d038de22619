/* store.c - the store's core (see store.h, store_db.h): which backend a
 * database name means, the one helper that runs a statement, the
 * transactions (the relay's write lock, the membership version) and the
 * room version rule. The table families are in store_rooms.c,
 * store_members.c, store_states.c and store_messages.c; the SQL of each
 * backend in store_sqlite.c and store_pg.c. */
#include "store.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_db.h"

struct store {
	const struct store_backend *be;
	void *db;
	/* Shared by the connections of one relay (see store_share):
	 * writers queue here instead of in the database. NULL: a lone
	 * connection. */
	pthread_mutex_t *write_lock;
	/* Commits that changed rooms, members or states
	 * (store_membership_version): the shared count, or own_membership
	 * for a lone connection. */
	uint64_t *membership_version;
	uint64_t own_membership;
	/* told when a room's version moves on (store_watch_rooms) */
	store_room_fn room_changed;
	void *room_changed_ctx;
	struct store_limits limits;
	uint64_t total_changes; /* store_total_changes */
	/* what the open transaction asked for once it commits: the rooms
	 * whose version moves on (store_room_changed; grown as needed, at
	 * most one entry per room and run) and a membership change */
	int64_t *changed_rooms;
	size_t n_changed, cap_changed;
	bool members_changed;
};

static const char *const store_stmt_name[ST__COUNT] = {
	[ST_BEGIN] = "begin",
	[ST_COMMIT] = "commit",
	[ST_ROLLBACK] = "rollback",
	[ST_ROOM_INSERT] = "room insert",
	[ST_ROOM_GET] = "room get",
	[ST_ROOM_COUNT] = "room count",
	[ST_ROOM_IDS] = "room ids",
	[ST_ROOM_LOCK] = "room lock",
	[ST_ROOM_MSGS_SET] = "room messages set",
	[ST_ROOM_ACCESS_SET] = "room access set",
	[ST_CHAL_PURGE] = "challenge purge",
	[ST_CHAL_COUNT] = "challenge count",
	[ST_CHAL_INSERT] = "challenge insert",
	[ST_CHAL_TAKE] = "challenge take",
	[ST_MEMBER_INSERT] = "member insert",
	[ST_MEMBER_COUNT] = "member count",
	[ST_MEMBER_BY_TOKEN] = "member by token",
	[ST_MEMBER_GET] = "member get",
	[ST_MEMBERS_LIST] = "members list",
	[ST_MEMBER_ADMIT] = "member admit",
	[ST_MEMBER_REMOVE] = "member remove",
	[ST_MEMBER_DECLINE] = "member decline",
	[ST_MEMBERS_DECLINE_PENDING] = "members decline pending",
	[ST_MEMBER_REJOIN] = "member rejoin",
	[ST_WRAPS_DROP] = "wraps drop",
	[ST_STATE_INSERT] = "state insert",
	[ST_STATE_HEAD] = "state head",
	[ST_STATE_GET] = "state get",
	[ST_WRAP_PUT] = "wrap put",
	[ST_WRAPS_LIST] = "wraps list",
	[ST_COUNTER_RAISE] = "counter raise",
	[ST_MSG_INSERT] = "message insert",
	[ST_MSGS_LIST] = "messages list",
	[ST_MSGS_EXPIRE] = "messages expire",
	[ST_MSGS_TRIM] = "messages trim",
	[ST_ROOM_NOTIFY] = "room notify",
	[ST_SWEEP_LOCK] = "sweep lock",
	[ST_ROOM_MEMBERS_VERSION] = "room members version",
	[ST_ROOM_MEMBERS_BUMP] = "room members bump",
	[ST_ROOM_MAX_SEQ] = "room max seq",
};

/* ---- open and close ---- */

/* A PostgreSQL connection URI; anything else is an SQLite file name. */
static bool store_is_pg(const char *where)
{
	return strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0;
}

bool store_name_is_server(const char *where)
{
	return store_is_pg(where);
}

struct store *store_open(const char *where, char *why, size_t why_len)
{
	struct store *st = calloc(1, sizeof(*st));
	bool ok = false;

	if (st == NULL) {
		snprintf(why, why_len, "out of memory");
		goto done;
	}
	st->be = store_is_pg(where) ? &store_pg_backend : &store_sqlite_backend;
	st->membership_version = &st->own_membership;
	st->limits = (struct store_limits){.max_rooms = STORE_MAX_ROOMS,
					   .max_messages = STORE_MAX_MESSAGES,
					   .retention_s = STORE_RETENTION_S};
	st->db = st->be->open(where, why, why_len);
	ok = st->db != NULL;
done:
	if (!ok) {
		store_close(st);
		st = NULL;
	}
	return st;
}

void store_close(struct store *st)
{
	if (st != NULL && st->db != NULL)
		st->be->close(st->db);
	if (st != NULL)
		free(st->changed_rooms);
	free(st);
}

/* ---- running statements ---- */

/* The backend's row callback: the caller's row function, its error kept. */
struct store_rows {
	struct store_q *q;
	enum e2e_err err;
};

static bool store_row_cb_of(void *ctx, const struct store_row *row)
{
	struct store_rows *rows = ctx;

	rows->q->rows++;
	rows->err = rows->q->row(rows->q->ctx, row);
	return rows->err == E2E_OK;
}

/* Parameters from `fmt` into p (at most STORE_PARAMS_MAX); their number,
 * or -1 for a format the store never writes. */
static int store_params(const char *fmt, va_list ap, struct store_param *p)
{
	int n = 0;

	for (const char *f = fmt; *f != '\0'; f++, n++) {
		if (n == STORE_PARAMS_MAX)
			return -1;
		p[n] = (struct store_param){.type = *f};
		if (*f == 'i') {
			p[n].i = va_arg(ap, int64_t);
		} else if (*f == 't') {
			p[n].p = va_arg(ap, const char *);
		} else if (*f == 'b') {
			p[n].p = va_arg(ap, const void *);
			p[n].len = va_arg(ap, size_t);
		} else {
			return -1;
		}
	}
	return n;
}

static enum e2e_err store_vrun(struct store *st, enum store_stmt id, struct store_q *q,
			       const char *fmt, va_list ap)
{
	struct store_param params[STORE_PARAMS_MAX];
	struct store_q none = {0};
	struct store_rows rows;
	int n = store_params(fmt, ap, params);
	enum store_rc rc = STORE_RC_FAIL;
	enum e2e_err err = E2E_ERR_INTERNAL;

	if (q == NULL)
		q = &none;
	rows = (struct store_rows){.q = q, .err = E2E_OK};
	q->changes = 0;
	q->rows = 0;
	if (n >= 0)
		rc = st->be->run(st->db, id, params, (size_t)n, q->row != NULL ? store_row_cb_of : NULL,
				 &rows, &q->changes);
	st->total_changes += (uint64_t)q->changes;
	if (rc == STORE_RC_OK)
		err = rows.err;
	else if (rc == STORE_RC_CONFLICT && q->conflict != E2E_OK)
		err = q->conflict;
	if (err == E2E_ERR_INTERNAL && rows.err == E2E_OK)
		fprintf(stderr, "relay: store: %s: %s\n", store_stmt_name[id],
			st->be->errmsg(st->db));
	return err;
}

enum e2e_err store_run(struct store *st, enum store_stmt id, struct store_q *q,
		       const char *fmt, ...)
{
	va_list ap;
	enum e2e_err err;

	va_start(ap, fmt);
	err = store_vrun(st, id, q, fmt, ap);
	va_end(ap);
	return err;
}

static enum e2e_err store_int_row(void *ctx, const struct store_row *row)
{
	*(int64_t *)ctx = store_col_int(row, 0);
	return E2E_OK;
}

enum e2e_err store_one_int(struct store *st, enum store_stmt id, int64_t *out,
			   const char *fmt, ...)
{
	struct store_q q = {.row = store_int_row, .ctx = out};
	va_list ap;
	enum e2e_err err;

	va_start(ap, fmt);
	err = store_vrun(st, id, &q, fmt, ap);
	va_end(ap);
	if (err == E2E_OK && q.rows != 1) {
		fprintf(stderr, "relay: store: %s: no row\n", store_stmt_name[id]);
		err = E2E_ERR_INTERNAL;
	}
	return err;
}

/* ---- columns ---- */

int64_t store_col_int(const struct store_row *r, int col)
{
	return r->be->col_int(r, col);
}

uint64_t store_col_u64(const struct store_row *r, int col)
{
	return (uint64_t)r->be->col_int(r, col);
}

bool store_col_null(const struct store_row *r, int col)
{
	return r->be->col_null(r, col);
}

const void *store_col_bytes(const struct store_row *r, int col, size_t *len)
{
	*len = 0;
	return r->be->col_bytes(r, col, len);
}

bool store_col_blob(const struct store_row *r, int col, uint8_t *out, size_t len)
{
	size_t n = 0;
	const void *p = store_col_bytes(r, col, &n);
	bool ok = p != NULL && n == len;

	if (ok)
		memcpy(out, p, len);
	return ok;
}

bool store_col_text(const struct store_row *r, int col, char *out, size_t cap)
{
	size_t n = 0;
	const void *p = store_col_bytes(r, col, &n);
	bool ok = p != NULL && n < cap && memchr(p, '\0', n) == NULL;

	if (ok) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
	return ok;
}

/* ---- transactions ---- */

enum e2e_err store_txn_begin(struct store *st)
{
	if (st->write_lock != NULL)
		pthread_mutex_lock(st->write_lock);
	st->n_changed = 0;
	st->members_changed = false;
	return store_run(st, ST_BEGIN, NULL, "");
}

/* After the commit (never before: a woken reader must find what woke
 * it, and a reader who took the old membership version re-reads). A
 * failed BEGIN leaves no transaction to roll back. */
enum e2e_err store_txn_end(struct store *st, enum e2e_err err)
{
	if (err == E2E_OK)
		err = store_run(st, ST_COMMIT, NULL, "");
	if (err != E2E_OK && st->be->in_txn(st->db))
		store_run(st, ST_ROLLBACK, NULL, "");
	if (err == E2E_OK && st->members_changed)
		__atomic_fetch_add(st->membership_version, 1, __ATOMIC_RELEASE);
	if (st->write_lock != NULL)
		pthread_mutex_unlock(st->write_lock);
	for (size_t i = 0; err == E2E_OK && st->room_changed != NULL && i < st->n_changed; i++)
		st->room_changed(st->room_changed_ctx, st->changed_rooms[i]);
	st->n_changed = 0;
	st->members_changed = false;
	return err;
}

/* Remember `room_id` for after the commit (the last entry again is
 * skipped: a run of one room's posts is one entry). */
static enum e2e_err store_changed_add(struct store *st, int64_t room_id)
{
	int64_t *grown;
	size_t cap;

	if (st->n_changed > 0 && st->changed_rooms[st->n_changed - 1] == room_id)
		return E2E_OK;
	if (st->n_changed == st->cap_changed) {
		cap = st->cap_changed > 0 ? 2 * st->cap_changed : 64;
		grown = realloc(st->changed_rooms, cap * sizeof(*grown));
		if (grown == NULL)
			return E2E_ERR_INTERNAL; /* the transaction is undone */
		st->changed_rooms = grown;
		st->cap_changed = cap;
	}
	st->changed_rooms[st->n_changed++] = room_id;
	return E2E_OK;
}

enum e2e_err store_room_changed(struct store *st, int64_t room_id, uint64_t seq)
{
	char payload[48];
	enum e2e_err err = store_changed_add(st, room_id);

	/* room id and seq only: nothing else of the room leaves the commit */
	snprintf(payload, sizeof(payload), "%lld %llu", (long long)room_id,
		 (unsigned long long)seq);
	if (err == E2E_OK && st->be->shared)
		err = store_run(st, ST_ROOM_NOTIFY, NULL, "t", payload);
	return err;
}

enum e2e_err store_members_changed(struct store *st, int64_t room_id)
{
	st->members_changed = true;
	return st->be->shared ? store_run(st, ST_ROOM_MEMBERS_BUMP, NULL, "i", room_id) : E2E_OK;
}

enum e2e_err store_sweep_turn(struct store *st, bool *mine)
{
	int64_t got = 1;
	enum e2e_err err = E2E_OK;

	if (st->be->shared)
		err = store_one_int(st, ST_SWEEP_LOCK, &got, "");
	*mine = err == E2E_OK && got == 1;
	return err;
}

/* ---- what the relay shares between connections ---- */

uint64_t store_membership_version(struct store *st)
{
	return __atomic_load_n(st->membership_version, __ATOMIC_ACQUIRE);
}

void store_share(struct store *st, pthread_mutex_t *lock, uint64_t *membership_version)
{
	st->write_lock = lock;
	st->membership_version = membership_version;
}

void store_watch_rooms(struct store *st, store_room_fn changed, void *ctx)
{
	st->room_changed = changed;
	st->room_changed_ctx = ctx;
}

void store_set_limits(struct store *st, const struct store_limits *limits)
{
	st->limits = *limits;
}

const struct store_limits *store_limits_of(const struct store *st)
{
	return &st->limits;
}

uint64_t store_total_changes(const struct store *st)
{
	return st->total_changes;
}

bool store_shared(const struct store *st)
{
	return st->be->shared;
}

enum e2e_err store_room_members_version(struct store *st, int64_t room_id, uint64_t *out)
{
	int64_t v = 0;
	enum e2e_err err = E2E_OK;

	if (st->be->shared)
		err = store_one_int(st, ST_ROOM_MEMBERS_VERSION, &v, "i", room_id);
	*out = (uint64_t)v;
	return err;
}

enum e2e_err store_room_max_seq(struct store *st, int64_t room_id, uint64_t *out)
{
	int64_t v = 0;
	enum e2e_err err = store_one_int(st, ST_ROOM_MAX_SEQ, &v, "i", room_id);

	*out = (uint64_t)v;
	return err;
}

int store_session(struct store *st)
{
	return st->be->shared ? st->be->session(st->db) : 0;
}

/* ---- the notification feed ---- */

struct store_feed {
	const struct store_backend *be;
	void *impl;
};

struct store_feed *store_feed_open(const char *where, char *why, size_t why_len)
{
	struct store_feed *f = store_is_pg(where) ? calloc(1, sizeof(*f)) : NULL;

	if (f == NULL) {
		snprintf(why, why_len, "%s",
			 store_is_pg(where) ? "out of memory" : "not a shared database");
		goto done;
	}
	f->be = &store_pg_backend;
	f->impl = f->be->feed_open(where, why, why_len);
	if (f->impl == NULL) {
		free(f);
		f = NULL;
	}
done:
	return f;
}

void store_feed_close(struct store_feed *f)
{
	if (f != NULL)
		f->be->feed_close(f->impl);
	free(f);
}

int store_feed_wait(struct store_feed *f, int timeout_ms, store_feed_fn fn, void *ctx)
{
	return f->be->feed_wait(f->impl, timeout_ms, fn, ctx);
}

bool store_unavailable(struct store *st)
{
	return st->be->down(st->db);
}
