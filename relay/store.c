/* store.c - the relay's SQLite database (see store.h): schema, prepared
 * statements, transactions, and one function per stored operation.
 * SQL is only ever the constant text below; values are always bound. */
#include "store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE_SCHEMA_VERSION 3
#define STORE_BUSY_MS 5000
/* Most messages one trim deletes in one room: expiring a backlog (after
 * a restart with a lower limit, or a long pause) is spread over several
 * commits instead of holding the write lock for one long one. */
#define STORE_TRIM_MAX 2000
/* Most rooms one store_sweep visits. */
#define STORE_SWEEP_MAX 256

static const char store_pragmas[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA foreign_keys=ON;";

static const char store_schema[] =
	"CREATE TABLE rooms ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" v INTEGER NOT NULL,"
	" salt BLOB NOT NULL,"
	" opslimit INTEGER NOT NULL,"
	" memlimit INTEGER NOT NULL,"
	" access_pk BLOB NOT NULL,"
	" creator TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" n_messages INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE members ("
	" room_id INTEGER NOT NULL REFERENCES rooms (id),"
	" name TEXT NOT NULL,"
	" v INTEGER NOT NULL,"
	" sign_pk BLOB NOT NULL,"
	" box_pk BLOB NOT NULL,"
	" mac BLOB NOT NULL,"
	" status TEXT NOT NULL CHECK (status IN ('pending', 'admitted')),"
	" token_hash BLOB NOT NULL UNIQUE,"
	" joined_at INTEGER NOT NULL,"
	" last_counter INTEGER NOT NULL DEFAULT 0,"
	" removed_at INTEGER,"
	" PRIMARY KEY (room_id, name));"
	"CREATE TABLE challenges ("
	" room_id INTEGER NOT NULL REFERENCES rooms (id),"
	" nonce BLOB NOT NULL,"
	" expires_at INTEGER NOT NULL,"
	" PRIMARY KEY (room_id, nonce));"
	"CREATE INDEX challenges_expiry ON challenges (expires_at);"
	"CREATE TABLE states ("
	" room_id INTEGER NOT NULL REFERENCES rooms (id),"
	" revision INTEGER NOT NULL,"
	" epoch INTEGER NOT NULL,"
	" payload BLOB NOT NULL,"
	" sig BLOB NOT NULL,"
	" PRIMARY KEY (room_id, revision));"
	"CREATE TABLE wraps ("
	" room_id INTEGER NOT NULL,"
	" member TEXT NOT NULL,"
	" epoch INTEGER NOT NULL,"
	" nonce BLOB NOT NULL,"
	" box BLOB NOT NULL,"
	" sig BLOB NOT NULL,"
	" PRIMARY KEY (room_id, member, epoch),"
	" FOREIGN KEY (room_id, member) REFERENCES members (room_id, name));"
	"CREATE TABLE messages ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" room_id INTEGER NOT NULL,"
	" v INTEGER NOT NULL,"
	" sender TEXT NOT NULL,"
	" epoch INTEGER NOT NULL,"
	" counter INTEGER NOT NULL,"
	" nonce BLOB NOT NULL,"
	" ct BLOB NOT NULL,"
	" sig BLOB NOT NULL,"
	" received_at INTEGER NOT NULL,"
	" FOREIGN KEY (room_id, sender) REFERENCES members (room_id, name));"
	"CREATE INDEX messages_room_seq ON messages (room_id, seq);"
	"CREATE INDEX messages_room_time ON messages (room_id, received_at);";

/* v3: rooms.n_messages (so trimming a room to --max-messages needs no
 * count(*) over its messages) and the index retention uses. */
static const char store_v3[] =
	"ALTER TABLE rooms ADD COLUMN n_messages INTEGER NOT NULL DEFAULT 0;"
	"UPDATE rooms SET n_messages ="
	" (SELECT count(*) FROM messages WHERE messages.room_id = rooms.id);"
	"CREATE INDEX messages_room_time ON messages (room_id, received_at);";

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_ROOM_INSERT,
	ST_ROOM_GET,
	ST_ROOM_COUNT,
	ST_ROOM_IDS,
	ST_ROOM_MSGS_GET,
	ST_ROOM_MSGS_SET,
	ST_CHAL_PURGE,
	ST_CHAL_COUNT,
	ST_CHAL_INSERT,
	ST_CHAL_TAKE,
	ST_MEMBER_INSERT,
	ST_MEMBER_COUNT,
	ST_MEMBER_BY_TOKEN,
	ST_MEMBER_GET,
	ST_MEMBERS_LIST,
	ST_MEMBER_ADMIT,
	ST_MEMBER_REMOVE,
	ST_MEMBER_REJOIN,
	ST_WRAPS_DROP,
	ST_STATE_INSERT,
	ST_STATE_HEAD,
	ST_STATE_GET,
	ST_WRAP_PUT,
	ST_WRAPS_LIST,
	ST_COUNTER_RAISE,
	ST_MSG_INSERT,
	ST_MSGS_LIST,
	ST_MSGS_EXPIRE,
	ST_MSGS_TRIM,
	ST__COUNT
};

#define MEMBER_COLS "name, v, sign_pk, box_pk, mac, status, joined_at, last_counter, removed_at"

static const char *const stmt_sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_ROOM_INSERT] = "INSERT INTO rooms (name, v, salt, opslimit, memlimit, access_pk,"
			   " creator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_ROOM_GET] = "SELECT id, name, salt, opslimit, memlimit, access_pk, creator,"
			" created_at FROM rooms WHERE name = ?",
	[ST_ROOM_COUNT] = "SELECT count(*) FROM rooms",
	[ST_ROOM_IDS] = "SELECT id FROM rooms WHERE id > ? ORDER BY id LIMIT ?",
	[ST_ROOM_MSGS_GET] = "SELECT n_messages FROM rooms WHERE id = ?",
	[ST_ROOM_MSGS_SET] = "UPDATE rooms SET n_messages = ? WHERE id = ?",
	[ST_CHAL_PURGE] = "DELETE FROM challenges WHERE expires_at <= ?",
	[ST_CHAL_COUNT] = "SELECT count(*) FROM challenges WHERE room_id = ?",
	[ST_CHAL_INSERT] = "INSERT INTO challenges (room_id, nonce, expires_at) VALUES (?, ?, ?)",
	[ST_CHAL_TAKE] = "DELETE FROM challenges WHERE room_id = ? AND nonce = ?",
	[ST_MEMBER_INSERT] = "INSERT INTO members (room_id, name, v, sign_pk, box_pk, mac,"
			     " status, token_hash, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_MEMBER_COUNT] = "SELECT count(*) FROM members WHERE room_id = ?",
	[ST_MEMBER_BY_TOKEN] = "SELECT " MEMBER_COLS " FROM members"
			       " WHERE token_hash = ? AND room_id = ?",
	[ST_MEMBER_GET] = "SELECT " MEMBER_COLS " FROM members WHERE room_id = ? AND name = ?",
	[ST_MEMBERS_LIST] = "SELECT " MEMBER_COLS " FROM members WHERE room_id = ?"
			    " ORDER BY rowid",
	[ST_MEMBER_ADMIT] = "UPDATE members SET status = 'admitted'"
			    " WHERE room_id = ? AND name = ? AND removed_at IS NULL",
	[ST_MEMBER_REMOVE] = "UPDATE members SET removed_at = ?"
			     " WHERE room_id = ? AND name = ? AND removed_at IS NULL",
	/* A removed name registered again (new keys, new token): a member
	 * who lost its identity comes back; clients see its keys change. */
	[ST_MEMBER_REJOIN] = "UPDATE members SET v = ?, sign_pk = ?, box_pk = ?, mac = ?,"
			     " status = 'pending', token_hash = ?, joined_at = ?,"
			     " last_counter = 0, removed_at = NULL"
			     " WHERE room_id = ? AND name = ? AND removed_at IS NOT NULL",
	[ST_WRAPS_DROP] = "DELETE FROM wraps WHERE room_id = ? AND member = ?",
	[ST_STATE_INSERT] = "INSERT INTO states (room_id, revision, epoch, payload, sig)"
			    " VALUES (?, ?, ?, ?, ?)",
	[ST_STATE_HEAD] = "SELECT revision, epoch FROM states WHERE room_id = ?"
			  " ORDER BY revision DESC LIMIT 1",
	[ST_STATE_GET] = "SELECT revision, epoch, payload, sig FROM states WHERE room_id = ?"
			 " ORDER BY revision DESC LIMIT 1",
	[ST_WRAP_PUT] = "INSERT INTO wraps (room_id, member, epoch, nonce, box, sig)"
			" VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, member, epoch)"
			" DO UPDATE SET nonce = excluded.nonce, box = excluded.box,"
			" sig = excluded.sig",
	[ST_WRAPS_LIST] = "SELECT member, epoch, nonce, box, sig FROM wraps"
			  " WHERE room_id = ? AND member = ? ORDER BY epoch",
	[ST_COUNTER_RAISE] = "UPDATE members SET last_counter = ?"
			     " WHERE room_id = ? AND name = ? AND last_counter < ?",
	[ST_MSG_INSERT] = "INSERT INTO messages (room_id, v, sender, epoch, counter, nonce,"
			  " ct, sig, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_MSGS_LIST] = "SELECT seq, sender, epoch, counter, nonce, ct, sig, received_at"
			 " FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?",
	/* both walk one index from the oldest end: (room_id, received_at)
	 * and (room_id, seq) */
	[ST_MSGS_EXPIRE] = "DELETE FROM messages WHERE seq IN (SELECT seq FROM messages"
			   " WHERE room_id = ?1 AND received_at < ?2 LIMIT ?3)",
	[ST_MSGS_TRIM] = "DELETE FROM messages WHERE seq IN (SELECT seq FROM messages"
			 " WHERE room_id = ?1 ORDER BY seq LIMIT ?2)",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST__COUNT];
	/* Shared by the connections of one relay (see store_share):
	 * writers queue here instead of in SQLite's busy handler, which
	 * sleeps in whole milliseconds. NULL: a lone connection. */
	pthread_mutex_t *write_lock;
	/* Commits that changed rooms, members or states
	 * (store_membership_version): the shared count, or own_membership for
	 * a lone connection. */
	uint64_t *membership_version;
	uint64_t own_membership;
	/* told when a room's version moves on (store_watch_rooms) */
	store_room_fn room_changed;
	void *room_changed_ctx;
	struct store_limits limits;
};

/* ---- statements ---- */

static void store_log(struct store *st, const char *what)
{
	fprintf(stderr, "relay: store: %s: %s\n", what, sqlite3_errmsg(st->db));
}

/* The statement `id`, ready to bind. Every use ends with stmt_done. */
static sqlite3_stmt *stmt_get(struct store *st, enum stmt_id id)
{
	return st->stmt[id];
}

/* Reset (releasing any read snapshot) and clear the bindings. */
static void stmt_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Bind parameters 1.. from `fmt`: 'i' int64_t, 't' const char *,
 * 'b' const void * then size_t. SQLITE_OK or the first failure. */
static int stmt_bind(sqlite3_stmt *s, const char *fmt, ...)
{
	va_list ap;
	int rc = SQLITE_OK;
	int idx = 1;

	va_start(ap, fmt);
	for (const char *f = fmt; *f != '\0' && rc == SQLITE_OK; f++, idx++) {
		if (*f == 'i') {
			rc = sqlite3_bind_int64(s, idx, va_arg(ap, int64_t));
		} else if (*f == 't') {
			rc = sqlite3_bind_text(s, idx, va_arg(ap, const char *), -1,
					       SQLITE_STATIC);
		} else {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = sqlite3_bind_blob(s, idx, p, (int)n, SQLITE_STATIC);
		}
	}
	va_end(ap);
	return rc;
}

/* Run a statement that returns no rows. */
static int stmt_exec(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	stmt_done(s);
	return rc;
}

/* Copy a blob column of exactly `len` bytes. */
static bool col_blob(sqlite3_stmt *s, int col, uint8_t *out, size_t len)
{
	const void *p = sqlite3_column_blob(s, col);
	bool ok = p != NULL && (size_t)sqlite3_column_bytes(s, col) == len;

	if (ok)
		memcpy(out, p, len);
	return ok;
}

/* Copy a text column into `out` of `cap` bytes. */
static bool col_text(sqlite3_stmt *s, int col, char *out, size_t cap)
{
	const unsigned char *p = sqlite3_column_text(s, col);
	size_t n = (size_t)sqlite3_column_bytes(s, col);
	bool ok = p != NULL && n < cap;

	if (ok)
		memcpy(out, p, n + 1);
	return ok;
}

static uint64_t col_u64(sqlite3_stmt *s, int col)
{
	return (uint64_t)sqlite3_column_int64(s, col);
}

/* ---- transactions ---- */

/* Every txn_begin is paired with a txn_end, which releases the lock. */
static enum e2e_err txn_begin(struct store *st)
{
	enum e2e_err err = E2E_OK;

	if (st->write_lock != NULL)
		pthread_mutex_lock(st->write_lock);
	if (stmt_exec(stmt_get(st, ST_BEGIN)) != SQLITE_DONE) {
		store_log(st, "begin");
		err = E2E_ERR_INTERNAL;
	}
	return err;
}

/* Commit if err is E2E_OK, else roll back (if a transaction is open: a
 * failed BEGIN leaves none); returns the outcome. A commit that may have
 * changed rooms, members or states moves the membership version on, after
 * the commit: a reader who took the old one re-reads (see
 * store_membership_version). */
static enum e2e_err txn_finish(struct store *st, enum e2e_err err, bool changes_members)
{
	if (err == E2E_OK && stmt_exec(stmt_get(st, ST_COMMIT)) != SQLITE_DONE) {
		store_log(st, "commit");
		err = E2E_ERR_INTERNAL;
	}
	if (err != E2E_OK && sqlite3_get_autocommit(st->db) == 0)
		stmt_exec(stmt_get(st, ST_ROLLBACK));
	if (err == E2E_OK && changes_members)
		__atomic_fetch_add(st->membership_version, 1, __ATOMIC_RELEASE);
	if (st->write_lock != NULL)
		pthread_mutex_unlock(st->write_lock);
	return err;
}

/* The end of a transaction that may change anything. */
static enum e2e_err txn_end(struct store *st, enum e2e_err err)
{
	return txn_finish(st, err, true);
}

/* The end of one that writes only messages or join challenges. */
static enum e2e_err txn_end_msgs(struct store *st, enum e2e_err err)
{
	return txn_finish(st, err, false);
}

/* Map a failed write: a constraint violation is `conflict`. */
static enum e2e_err write_err(struct store *st, int rc, enum e2e_err conflict,
			      const char *what)
{
	enum e2e_err err = E2E_OK;

	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		err = conflict;
	} else if (rc != SQLITE_DONE) {
		store_log(st, what);
		err = E2E_ERR_INTERNAL;
	}
	return err;
}

/* ---- open and close ---- */

static bool store_prepare(struct store *st)
{
	bool ok = true;

	for (int i = 0; i < ST__COUNT && ok; i++)
		ok = sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					&st->stmt[i], NULL) == SQLITE_OK;
	return ok;
}

static int store_version(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int version = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return version;
}

/* Create the schema in an empty database; accept only our version.
 * Runs before the statements are prepared (they need the tables). */
static bool store_migrate(struct store *st, char *why, size_t why_len)
{
	int version = store_version(st);
	bool ok = version == STORE_SCHEMA_VERSION;

	if (version == 1 || version == 2) {
		/* v2 adds members.removed_at (leaving and removal); v3
		 * rooms.n_messages and the retention index. One transaction:
		 * a failed upgrade leaves the database as it was. */
		ok = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
		     (version >= 2 ||
		      sqlite3_exec(st->db, "ALTER TABLE members ADD COLUMN removed_at INTEGER",
				   NULL, NULL, NULL) == SQLITE_OK) &&
		     sqlite3_exec(st->db, store_v3, NULL, NULL, NULL) == SQLITE_OK &&
		     sqlite3_exec(st->db, "PRAGMA user_version = 3; COMMIT", NULL, NULL,
				  NULL) == SQLITE_OK;
		if (!ok)
			snprintf(why, why_len, "schema upgrade: %s", sqlite3_errmsg(st->db));
		if (!ok && sqlite3_get_autocommit(st->db) == 0)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else if (version != STORE_SCHEMA_VERSION && version != 0) {
		snprintf(why, why_len, "unsupported schema version %d", version);
	} else if (version == 0) {
		ok = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
		     sqlite3_exec(st->db, store_schema, NULL, NULL, NULL) == SQLITE_OK &&
		     sqlite3_exec(st->db, "PRAGMA user_version = 3", NULL, NULL, NULL) ==
			     SQLITE_OK &&
		     sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
		if (!ok)
			snprintf(why, why_len, "schema: %s", sqlite3_errmsg(st->db));
		if (!ok && sqlite3_get_autocommit(st->db) == 0)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return ok;
}

struct store *store_open(const char *path, char *why, size_t why_len)
{
	struct store *st = calloc(1, sizeof(*st));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	bool ok = false;

	if (st == NULL) {
		snprintf(why, why_len, "out of memory");
		goto done;
	}
	st->membership_version = &st->own_membership;
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(st->db, STORE_BUSY_MS) != SQLITE_OK ||
	    sqlite3_exec(st->db, store_pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(why, why_len, "%s",
			 st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		goto done;
	}
	st->limits = (struct store_limits){.max_rooms = STORE_MAX_ROOMS,
					   .max_messages = STORE_MAX_MESSAGES,
					   .retention_s = STORE_RETENTION_S};
	if (!store_migrate(st, why, why_len))
		goto done;
	ok = store_prepare(st);
	if (!ok)
		snprintf(why, why_len, "prepare: %s", sqlite3_errmsg(st->db));
done:
	if (!ok) {
		store_close(st);
		st = NULL;
	}
	return st;
}

void store_close(struct store *st)
{
	for (int i = 0; st != NULL && i < ST__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (st != NULL)
		sqlite3_close(st->db);
	free(st);
}

/* ---- rooms ---- */

static enum e2e_err room_insert(struct store *st, struct store_room *room)
{
	const struct wire_room *r = &room->pub;
	sqlite3_stmt *s = stmt_get(st, ST_ROOM_INSERT);
	int rc = stmt_bind(s, "tibiibti", r->room, (int64_t)E2E_PROTO_VERSION,
			   r->salt, sizeof(r->salt), (int64_t)r->opslimit,
			   (int64_t)r->memlimit, room->access_pk, sizeof(room->access_pk),
			   r->creator, r->created_at);

	if (rc == SQLITE_OK)
		rc = stmt_exec(s);
	else
		stmt_done(s);
	room->id = sqlite3_last_insert_rowid(st->db);
	return write_err(st, rc, E2E_ERR_ROOM_EXISTS, "room insert");
}

static enum e2e_err member_insert(struct store *st, int64_t room_id,
				  const struct wire_member *m, bool admitted,
				  const uint8_t token_hash[E2E_TOKEN_BYTES], int64_t now)
{
	sqlite3_stmt *s = stmt_get(st, ST_MEMBER_INSERT);
	int rc = stmt_bind(s, "itibbbtbi", room_id, m->name, (int64_t)E2E_PROTO_VERSION,
			   m->sign_pk, sizeof(m->sign_pk), m->box_pk, sizeof(m->box_pk),
			   m->mac, sizeof(m->mac), admitted ? "admitted" : "pending",
			   token_hash, (size_t)E2E_TOKEN_BYTES, now);

	if (rc == SQLITE_OK)
		rc = stmt_exec(s);
	else
		stmt_done(s);
	return write_err(st, rc, E2E_ERR_NAME_TAKEN, "member insert");
}

static enum e2e_err state_insert(struct store *st, int64_t room_id,
				 const struct store_state *state)
{
	sqlite3_stmt *s = stmt_get(st, ST_STATE_INSERT);
	int rc = stmt_bind(s, "iiibb", room_id, (int64_t)state->revision,
			   (int64_t)state->epoch, state->payload, state->len,
			   state->sig, sizeof(state->sig));

	if (rc == SQLITE_OK)
		rc = stmt_exec(s);
	else
		stmt_done(s);
	return write_err(st, rc, E2E_ERR_STALE, "state insert");
}

static enum e2e_err wraps_put(struct store *st, int64_t room_id,
			      const struct wire_wrap *wraps, size_t n)
{
	sqlite3_stmt *s = stmt_get(st, ST_WRAP_PUT);
	enum e2e_err err = E2E_OK;

	for (size_t i = 0; i < n && err == E2E_OK; i++) {
		const struct wire_wrap *w = &wraps[i];
		int rc = stmt_bind(s, "itibbb", room_id, w->member, (int64_t)w->epoch,
				   w->nonce, sizeof(w->nonce), w->box, sizeof(w->box),
				   w->sig, sizeof(w->sig));

		if (rc == SQLITE_OK)
			rc = stmt_exec(s);
		else
			stmt_done(s);
		/* a wrap for someone not registered breaks the foreign key */
		err = write_err(st, rc, E2E_ERR_BAD_FIELD, "wrap insert");
	}
	return err;
}

/* E2E_ERR_LIMIT if the relay holds more than max_rooms rooms (the new
 * one counted: the caller rolls it back). */
static enum e2e_err rooms_within_limit(struct store *st)
{
	sqlite3_stmt *s = stmt_get(st, ST_ROOM_COUNT);
	enum e2e_err err = E2E_ERR_INTERNAL;

	if (sqlite3_step(s) == SQLITE_ROW)
		err = sqlite3_column_int64(s, 0) > st->limits.max_rooms ? E2E_ERR_LIMIT : E2E_OK;
	else
		store_log(st, "room count");
	stmt_done(s);
	return err;
}

enum e2e_err store_room_create(struct store *st, struct store_room *room,
			       const struct wire_member *creator,
			       const uint8_t token_hash[E2E_TOKEN_BYTES],
			       const struct store_state *state,
			       const struct wire_wrap *wraps, size_t n_wraps)
{
	enum e2e_err err = txn_begin(st);

	/* inserted first, so that a taken name is room_exists at any count */
	if (err == E2E_OK)
		err = room_insert(st, room);
	if (err == E2E_OK)
		err = rooms_within_limit(st);
	if (err == E2E_OK)
		err = member_insert(st, room->id, creator, true, token_hash,
				    room->pub.created_at);
	if (err == E2E_OK)
		err = state_insert(st, room->id, state);
	if (err == E2E_OK)
		err = wraps_put(st, room->id, wraps, n_wraps);
	return txn_end(st, err);
}

static bool room_row(sqlite3_stmt *s, struct store_room *out)
{
	struct wire_room *r = &out->pub;

	out->id = sqlite3_column_int64(s, 0);
	r->opslimit = col_u64(s, 3);
	r->memlimit = col_u64(s, 4);
	r->created_at = sqlite3_column_int64(s, 7);
	return col_text(s, 1, r->room, sizeof(r->room)) &&
	       col_blob(s, 2, r->salt, sizeof(r->salt)) &&
	       col_blob(s, 5, out->access_pk, sizeof(out->access_pk)) &&
	       col_text(s, 6, r->creator, sizeof(r->creator));
}

enum e2e_err store_room_get(struct store *st, const char *name, struct store_room *out)
{
	sqlite3_stmt *s = stmt_get(st, ST_ROOM_GET);
	enum e2e_err err = E2E_ERR_INTERNAL;
	int rc = SQLITE_DONE;

	memset(out, 0, sizeof(*out));
	if (stmt_bind(s, "t", name) != SQLITE_OK)
		goto done;
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		err = E2E_ERR_NO_ROOM;
	else if (rc == SQLITE_ROW && room_row(s, out))
		err = E2E_OK;
	else
		store_log(st, "room get");
done:
	stmt_done(s);
	return err;
}

/* ---- counting ---- */

/* The single integer a SELECT count(*) ... WHERE room_id = ? returns. */
static enum e2e_err count_rows(struct store *st, enum stmt_id id, int64_t room_id,
			       int64_t *count)
{
	sqlite3_stmt *s = stmt_get(st, id);
	enum e2e_err err = E2E_ERR_INTERNAL;

	if (stmt_bind(s, "i", room_id) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		*count = sqlite3_column_int64(s, 0);
		err = E2E_OK;
	} else {
		store_log(st, "count");
	}
	stmt_done(s);
	return err;
}

/* ---- challenges ---- */

static enum e2e_err challenge_purge(struct store *st, int64_t now)
{
	sqlite3_stmt *s = stmt_get(st, ST_CHAL_PURGE);
	int rc = stmt_bind(s, "i", now);

	if (rc == SQLITE_OK)
		rc = stmt_exec(s);
	else
		stmt_done(s);
	return write_err(st, rc, E2E_ERR_INTERNAL, "challenge purge");
}

static enum e2e_err challenge_insert(struct store *st, int64_t room_id,
				     const uint8_t nonce[E2E_NONCE_BYTES], int64_t expires_at)
{
	sqlite3_stmt *s = stmt_get(st, ST_CHAL_INSERT);
	int rc = stmt_bind(s, "ibi", room_id, nonce, (size_t)E2E_NONCE_BYTES, expires_at);

	if (rc == SQLITE_OK)
		rc = stmt_exec(s);
	else
		stmt_done(s);
	return write_err(st, rc, E2E_ERR_INTERNAL, "challenge insert");
}

enum e2e_err store_challenge_add(struct store *st, int64_t room_id,
				 const uint8_t nonce[E2E_NONCE_BYTES], int64_t now,
				 int64_t expires_at)
{
	enum e2e_err err = txn_begin(st);
	int64_t count = 0;

	if (err == E2E_OK)
		err = challenge_purge(st, now);
	if (err == E2E_OK)
		err = count_rows(st, ST_CHAL_COUNT, room_id, &count);
	if (err == E2E_OK && count >= E2E_CHALLENGES_MAX)
		err = E2E_ERR_BUSY;
	if (err == E2E_OK)
		err = challenge_insert(st, room_id, nonce, expires_at);
	return txn_end_msgs(st, err);
}

enum e2e_err store_challenge_take(struct store *st, int64_t room_id,
				  const uint8_t nonce[E2E_NONCE_BYTES], int64_t now)
{
	sqlite3_stmt *s = stmt_get(st, ST_CHAL_TAKE);
	enum e2e_err err = challenge_purge(st, now);
	int rc = SQLITE_DONE;

	if (err == E2E_OK)
		rc = stmt_bind(s, "ib", room_id, nonce, (size_t)E2E_NONCE_BYTES);
	if (err == E2E_OK && rc == SQLITE_OK)
		rc = stmt_exec(s);
	else
		stmt_done(s);
	if (err == E2E_OK)
		err = write_err(st, rc, E2E_ERR_INTERNAL, "challenge take");
	if (err == E2E_OK && sqlite3_changes(st->db) != 1)
		err = E2E_ERR_BAD_CHALLENGE;
	return err;
}

/* ---- members ---- */

/* Take over the row of a removed member of that name, dropping the old
 * wraps (made for keys that are gone); E2E_ERR_NAME_TAKEN if the name
 * belongs to a member who was not removed. */
static enum e2e_err member_rejoin(struct store *st, int64_t room_id,
				  const struct wire_member *m,
				  const uint8_t token_hash[E2E_TOKEN_BYTES], int64_t now)
{
	sqlite3_stmt *s = stmt_get(st, ST_MEMBER_REJOIN);
	int rc = stmt_bind(s, "ibbbbiit", (int64_t)E2E_PROTO_VERSION, m->sign_pk,
			   sizeof(m->sign_pk), m->box_pk, sizeof(m->box_pk), m->mac,
			   sizeof(m->mac), token_hash, (size_t)E2E_TOKEN_BYTES, now, room_id,
			   m->name);
	enum e2e_err err;

	rc = rc == SQLITE_OK ? stmt_exec(s) : (stmt_done(s), rc);
	err = write_err(st, rc, E2E_ERR_INTERNAL, "member rejoin");
	if (err == E2E_OK && sqlite3_changes(st->db) != 1)
		return E2E_ERR_NAME_TAKEN;
	s = stmt_get(st, ST_WRAPS_DROP);
	rc = stmt_bind(s, "it", room_id, m->name);
	rc = rc == SQLITE_OK ? stmt_exec(s) : (stmt_done(s), rc);
	return err == E2E_OK ? write_err(st, rc, E2E_ERR_INTERNAL, "wraps drop") : err;
}

enum e2e_err store_member_add(struct store *st, int64_t room_id,
			      const struct wire_member *m,
			      const uint8_t token_hash[E2E_TOKEN_BYTES], int64_t now)
{
	enum e2e_err err = txn_begin(st);
	int64_t count = 0;

	if (err == E2E_OK)
		err = count_rows(st, ST_MEMBER_COUNT, room_id, &count);
	if (err == E2E_OK && count >= E2E_ROOM_MEMBERS_MAX)
		err = E2E_ERR_BUSY;
	if (err == E2E_OK)
		err = member_insert(st, room_id, m, false, token_hash, now);
	if (err == E2E_ERR_NAME_TAKEN)
		err = member_rejoin(st, room_id, m, token_hash, now);
	return txn_end(st, err);
}

static bool member_row(sqlite3_stmt *s, struct store_member *out)
{
	const unsigned char *status = sqlite3_column_text(s, 5);

	out->admitted = status != NULL && strcmp((const char *)status, "admitted") == 0;
	out->joined_at = sqlite3_column_int64(s, 6);
	out->last_counter = col_u64(s, 7);
	out->removed = sqlite3_column_type(s, 8) != SQLITE_NULL;
	return col_text(s, 0, out->rec.name, sizeof(out->rec.name)) &&
	       sqlite3_column_int64(s, 1) == E2E_PROTO_VERSION &&
	       col_blob(s, 2, out->rec.sign_pk, sizeof(out->rec.sign_pk)) &&
	       col_blob(s, 3, out->rec.box_pk, sizeof(out->rec.box_pk)) &&
	       col_blob(s, 4, out->rec.mac, sizeof(out->rec.mac));
}

/* One member row from a bound statement; `none` if there is no row. */
static enum e2e_err member_one(struct store *st, sqlite3_stmt *s, enum e2e_err none,
			       struct store_member *out)
{
	int rc = sqlite3_step(s);
	enum e2e_err err = E2E_ERR_INTERNAL;

	if (rc == SQLITE_DONE)
		err = none;
	else if (rc == SQLITE_ROW && member_row(s, out))
		err = E2E_OK;
	else
		store_log(st, "member get");
	stmt_done(s);
	return err;
}

enum e2e_err store_member_by_token(struct store *st, int64_t room_id,
				   const uint8_t token_hash[E2E_TOKEN_BYTES],
				   struct store_member *out)
{
	sqlite3_stmt *s = stmt_get(st, ST_MEMBER_BY_TOKEN);

	memset(out, 0, sizeof(*out));
	/* a failed bind leaves a parameter NULL: no row, never a wrong one */
	stmt_bind(s, "bi", token_hash, (size_t)E2E_TOKEN_BYTES, room_id);
	return member_one(st, s, E2E_ERR_UNAUTHORIZED, out);
}

enum e2e_err store_member_get(struct store *st, int64_t room_id, const char *name,
			      struct store_member *out)
{
	sqlite3_stmt *s = stmt_get(st, ST_MEMBER_GET);

	memset(out, 0, sizeof(*out));
	/* a failed bind leaves a parameter NULL: no row, never a wrong one */
	stmt_bind(s, "it", room_id, name);
	return member_one(st, s, E2E_ERR_NO_MEMBER, out);
}

enum e2e_err store_members_each(struct store *st, int64_t room_id,
				store_member_fn fn, void *ctx)
{
	sqlite3_stmt *s = stmt_get(st, ST_MEMBERS_LIST);
	struct store_member m;
	enum e2e_err err = E2E_ERR_INTERNAL;
	int rc = SQLITE_DONE;

	if (stmt_bind(s, "i", room_id) != SQLITE_OK)
		goto done;
	err = E2E_OK;
	while (err == E2E_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&m, 0, sizeof(m));
		err = member_row(s, &m) ? fn(ctx, &m) : E2E_ERR_INTERNAL;
	}
	if (err == E2E_OK && rc != SQLITE_DONE)
		err = E2E_ERR_INTERNAL;
done:
	if (err == E2E_ERR_INTERNAL)
		store_log(st, "members list");
	stmt_done(s);
	return err;
}

/* ---- states and wraps ---- */

enum e2e_err store_state_head(struct store *st, int64_t room_id, uint64_t *revision,
			      uint64_t *epoch)
{
	sqlite3_stmt *s = stmt_get(st, ST_STATE_HEAD);
	enum e2e_err err = E2E_ERR_INTERNAL;

	if (stmt_bind(s, "i", room_id) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		*revision = col_u64(s, 0);
		*epoch = col_u64(s, 1);
		err = E2E_OK;
	} else {
		store_log(st, "state head");
	}
	stmt_done(s);
	return err;
}

static bool state_row(sqlite3_stmt *s, struct store_state *out)
{
	const void *p = sqlite3_column_blob(s, 2);
	size_t n = (size_t)sqlite3_column_bytes(s, 2);

	out->revision = col_u64(s, 0);
	out->epoch = col_u64(s, 1);
	out->payload = (p != NULL && n > 0) ? malloc(n) : NULL;
	if (out->payload != NULL) {
		memcpy(out->payload, p, n);
		out->len = n;
	}
	return out->payload != NULL && col_blob(s, 3, out->sig, sizeof(out->sig));
}

enum e2e_err store_state_get(struct store *st, int64_t room_id, struct store_state *out)
{
	sqlite3_stmt *s = stmt_get(st, ST_STATE_GET);
	enum e2e_err err = E2E_ERR_INTERNAL;

	memset(out, 0, sizeof(*out));
	if (stmt_bind(s, "i", room_id) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
	    state_row(s, out))
		err = E2E_OK;
	else
		store_log(st, "state get");
	stmt_done(s);
	if (err != E2E_OK)
		store_state_clear(out);
	return err;
}

void store_state_clear(struct store_state *s)
{
	free(s->payload);
	memset(s, 0, sizeof(*s));
}

static enum e2e_err members_admit(struct store *st, int64_t room_id,
				  const struct wire_state *payload)
{
	sqlite3_stmt *s = stmt_get(st, ST_MEMBER_ADMIT);
	enum e2e_err err = E2E_OK;

	for (size_t i = 0; i < payload->n_members && err == E2E_OK; i++) {
		int rc = stmt_bind(s, "it", room_id, payload->members[i].name);

		if (rc == SQLITE_OK)
			rc = stmt_exec(s);
		else
			stmt_done(s);
		err = write_err(st, rc, E2E_ERR_INTERNAL, "member admit");
		if (err == E2E_OK && sqlite3_changes(st->db) != 1)
			err = E2E_ERR_BAD_FIELD;
	}
	return err;
}

enum e2e_err store_state_post(struct store *st, int64_t room_id,
			      const struct store_state *state,
			      const struct wire_state *payload,
			      const struct wire_wrap *wraps, size_t n_wraps)
{
	enum e2e_err err = txn_begin(st);
	uint64_t revision = 0;
	uint64_t epoch = 0;

	if (err == E2E_OK)
		err = store_state_head(st, room_id, &revision, &epoch);
	if (err == E2E_OK && state->revision != revision + 1)
		err = E2E_ERR_STALE;
	if (err == E2E_OK)
		err = state_insert(st, room_id, state);
	if (err == E2E_OK)
		err = members_admit(st, room_id, payload);
	if (err == E2E_OK)
		err = wraps_put(st, room_id, wraps, n_wraps);
	return txn_end(st, err);
}

static bool wrap_row(sqlite3_stmt *s, struct wire_wrap *w)
{
	w->epoch = col_u64(s, 1);
	return col_text(s, 0, w->member, sizeof(w->member)) &&
	       col_blob(s, 2, w->nonce, sizeof(w->nonce)) &&
	       col_blob(s, 3, w->box, sizeof(w->box)) &&
	       col_blob(s, 4, w->sig, sizeof(w->sig));
}

enum e2e_err store_wraps_each(struct store *st, int64_t room_id, const char *member,
			      store_wrap_fn fn, void *ctx)
{
	sqlite3_stmt *s = stmt_get(st, ST_WRAPS_LIST);
	struct wire_wrap w;
	enum e2e_err err = E2E_ERR_INTERNAL;
	int rc = SQLITE_DONE;

	if (stmt_bind(s, "it", room_id, member) != SQLITE_OK)
		goto done;
	err = E2E_OK;
	while (err == E2E_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&w, 0, sizeof(w));
		err = wrap_row(s, &w) ? fn(ctx, &w) : E2E_ERR_INTERNAL;
	}
	if (err == E2E_OK && rc != SQLITE_DONE)
		err = E2E_ERR_INTERNAL;
done:
	if (err == E2E_ERR_INTERNAL)
		store_log(st, "wraps list");
	stmt_done(s);
	return err;
}

/* ---- messages ---- */

/* THE rule of the room version (store.h): a commit that added or removed
 * messages in `room_id` moves that room's version on. Called after the
 * commit (never before: a woken reader must find what woke it), by every
 * write that changes messages. */
static void store_room_bump(struct store *st, int64_t room_id)
{
	if (st->room_changed != NULL)
		st->room_changed(st->room_changed_ctx, room_id);
}

/* After a committed group: bump each run of one room's jobs in which
 * any message was stored (the jobs come in arrival order; a room whose
 * posts interleave with another's is bumped once per run, which costs a
 * query, never a missed wake-up). */
static void store_runs_bump(struct store *st, const struct store_msg_job *jobs, size_t n,
			    const enum e2e_err *errs)
{
	bool stored = false;

	for (size_t i = 0; i < n; i++) {
		stored = stored || errs[i] == E2E_OK;
		if (i + 1 < n && jobs[i + 1].room_id == jobs[i].room_id)
			continue;
		if (stored)
			store_room_bump(st, jobs[i].room_id);
		stored = false;
	}
}

/* Raise the sender's last counter; E2E_ERR_COUNTER if not above it. */
static enum e2e_err counter_raise(struct store *st, int64_t room_id,
				  const struct wire_msg *m)
{
	sqlite3_stmt *s = stmt_get(st, ST_COUNTER_RAISE);
	int rc = stmt_bind(s, "iiti", (int64_t)m->counter, room_id, m->sender,
			   (int64_t)m->counter);
	enum e2e_err err;

	if (rc == SQLITE_OK)
		rc = stmt_exec(s);
	else
		stmt_done(s);
	err = write_err(st, rc, E2E_ERR_INTERNAL, "counter raise");
	if (err == E2E_OK && sqlite3_changes(st->db) != 1)
		err = E2E_ERR_COUNTER;
	return err;
}

static enum e2e_err msg_insert(struct store *st, int64_t room_id, struct wire_msg *m)
{
	sqlite3_stmt *s = stmt_get(st, ST_MSG_INSERT);
	int rc = stmt_bind(s, "iitiibbbi", room_id, (int64_t)E2E_PROTO_VERSION, m->sender,
			   (int64_t)m->epoch, (int64_t)m->counter, m->nonce,
			   sizeof(m->nonce), m->ct, m->ct_len, m->sig, sizeof(m->sig),
			   m->received_at);

	if (rc == SQLITE_OK)
		rc = stmt_exec(s);
	else
		stmt_done(s);
	m->seq = (uint64_t)sqlite3_last_insert_rowid(st->db);
	return write_err(st, rc, E2E_ERR_INTERNAL, "message insert");
}

/* Run a DELETE of `id` bound to (room_id, a, b) or (room_id, a);
 * *deleted gets the number of rows. */
static enum e2e_err msgs_delete(struct store *st, enum stmt_id id, int64_t room_id,
				int64_t a, int64_t b, int64_t *deleted, const char *what)
{
	sqlite3_stmt *s = stmt_get(st, id);
	int rc = id == ST_MSGS_EXPIRE ? stmt_bind(s, "iii", room_id, a, b)
				      : stmt_bind(s, "ii", room_id, a);
	enum e2e_err err;

	rc = rc == SQLITE_OK ? stmt_exec(s) : (stmt_done(s), rc);
	err = write_err(st, rc, E2E_ERR_INTERNAL, what);
	*deleted = err == E2E_OK ? sqlite3_changes(st->db) : 0;
	return err;
}

static enum e2e_err room_msgs_get(struct store *st, int64_t room_id, int64_t *n)
{
	sqlite3_stmt *s = stmt_get(st, ST_ROOM_MSGS_GET);
	enum e2e_err err = E2E_ERR_INTERNAL;

	if (stmt_bind(s, "i", room_id) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		*n = sqlite3_column_int64(s, 0);
		err = E2E_OK;
	} else {
		store_log(st, "room messages");
	}
	stmt_done(s);
	return err;
}

static enum e2e_err room_msgs_set(struct store *st, int64_t room_id, int64_t n)
{
	sqlite3_stmt *s = stmt_get(st, ST_ROOM_MSGS_SET);
	int rc = stmt_bind(s, "ii", n, room_id);

	rc = rc == SQLITE_OK ? stmt_exec(s) : (stmt_done(s), rc);
	return write_err(st, rc, E2E_ERR_INTERNAL, "room messages set");
}

/* A room that just got `added` messages (0: a sweep): expire the ones
 * received before now - retention, then the oldest beyond max_messages,
 * at most STORE_TRIM_MAX rows each, and keep rooms.n_messages right.
 * Two index walks from the oldest end: cheap however full the room.
 * *changed (if not NULL): whether any message went. */
static enum e2e_err room_trim(struct store *st, int64_t room_id, int64_t added, int64_t now,
			      bool *changed)
{
	const struct store_limits *l = &st->limits;
	int64_t stored = 0, n, gone = 0, excess;
	enum e2e_err err = room_msgs_get(st, room_id, &stored);

	n = stored + added;
	if (err == E2E_OK && l->retention_s > 0) {
		err = msgs_delete(st, ST_MSGS_EXPIRE, room_id, now - l->retention_s,
				  STORE_TRIM_MAX, &gone, "messages expire");
		n -= gone;
	}
	excess = n - l->max_messages;
	if (err == E2E_OK && excess > 0) {
		err = msgs_delete(st, ST_MSGS_TRIM, room_id,
				  excess < STORE_TRIM_MAX ? excess : STORE_TRIM_MAX, 0, &gone,
				  "messages trim");
		n -= gone;
	}
	if (n < 0) /* rows deleted behind the relay's back */
		n = 0;
	if (err == E2E_OK && n != stored)
		err = room_msgs_set(st, room_id, n);
	if (changed != NULL)
		*changed = n != stored + added;
	return err;
}

enum e2e_err store_msg_add(struct store *st, int64_t room_id, struct wire_msg *m)
{
	enum e2e_err err = txn_begin(st);

	if (err == E2E_OK)
		err = counter_raise(st, room_id, m);
	if (err == E2E_OK)
		err = msg_insert(st, room_id, m);
	if (err == E2E_OK)
		err = room_trim(st, room_id, 1, m->received_at, NULL);
	err = txn_end_msgs(st, err);
	if (err == E2E_OK)
		store_room_bump(st, room_id);
	return err;
}

enum e2e_err store_msgs_add(struct store *st, const struct store_msg_job *jobs, size_t n,
			    enum e2e_err *errs)
{
	enum e2e_err err = txn_begin(st);
	int64_t added = 0;

	/* a refused counter skips that message only; anything else undoes
	 * the whole batch (and every message gets that error). Each run of
	 * one room's messages is trimmed after its last, in this same
	 * transaction: the limits hold at every commit. */
	for (size_t i = 0; i < n && err == E2E_OK; i++) {
		errs[i] = counter_raise(st, jobs[i].room_id, jobs[i].m);
		if (errs[i] == E2E_OK)
			errs[i] = msg_insert(st, jobs[i].room_id, jobs[i].m);
		added += errs[i] == E2E_OK;
		if (errs[i] != E2E_OK && errs[i] != E2E_ERR_COUNTER)
			err = errs[i];
		if (err == E2E_OK && added > 0 &&
		    (i + 1 == n || jobs[i + 1].room_id != jobs[i].room_id)) {
			err = room_trim(st, jobs[i].room_id, added, jobs[i].m->received_at, NULL);
			added = 0;
		}
	}
	err = txn_end_msgs(st, err);
	for (size_t i = 0; i < n && err != E2E_OK; i++)
		errs[i] = err;
	if (err == E2E_OK)
		store_runs_bump(st, jobs, n, errs);
	return err;
}

/* Up to `max` room ids above `after` into ids; their number in *n. */
static enum e2e_err room_ids(struct store *st, int64_t after, int64_t *ids, unsigned max,
			     unsigned *n)
{
	sqlite3_stmt *s = stmt_get(st, ST_ROOM_IDS);
	enum e2e_err err = E2E_ERR_INTERNAL;
	int rc = SQLITE_DONE;

	*n = 0;
	if (stmt_bind(s, "ii", after, (int64_t)max) == SQLITE_OK) {
		while (*n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
			ids[(*n)++] = sqlite3_column_int64(s, 0);
		err = rc == SQLITE_ROW || rc == SQLITE_DONE ? E2E_OK : E2E_ERR_INTERNAL;
	}
	if (err != E2E_OK)
		store_log(st, "room ids");
	stmt_done(s);
	return err;
}

enum e2e_err store_sweep(struct store *st, int64_t now, int64_t *cursor, unsigned n_rooms)
{
	int64_t ids[STORE_SWEEP_MAX];
	bool trimmed[STORE_SWEEP_MAX];
	unsigned n = 0;
	enum e2e_err err;

	if (n_rooms > STORE_SWEEP_MAX)
		n_rooms = STORE_SWEEP_MAX;
	/* the ids first: no statement reads rooms while room_trim writes it */
	err = txn_begin(st);
	if (err == E2E_OK)
		err = room_ids(st, *cursor, ids, n_rooms, &n);
	for (unsigned i = 0; i < n && err == E2E_OK; i++)
		err = room_trim(st, ids[i], 0, now, &trimmed[i]);
	err = txn_end_msgs(st, err);
	if (err != E2E_OK)
		return err;
	*cursor = n > 0 && n == n_rooms ? ids[n - 1] : 0;
	for (unsigned i = 0; i < n; i++) /* committed: now readers may see it */
		if (trimmed[i])
			store_room_bump(st, ids[i]);
	return E2E_OK;
}

static bool msg_row(sqlite3_stmt *s, struct wire_msg *m)
{
	const void *ct = sqlite3_column_blob(s, 5);
	size_t ct_len = (size_t)sqlite3_column_bytes(s, 5);
	bool ok;

	m->seq = col_u64(s, 0);
	m->epoch = col_u64(s, 2);
	m->counter = col_u64(s, 3);
	m->received_at = sqlite3_column_int64(s, 7);
	ok = ct != NULL && ct_len > 0 && ct_len <= sizeof(m->ct);
	if (ok) {
		memcpy(m->ct, ct, ct_len);
		m->ct_len = ct_len;
	}
	return ok && col_text(s, 1, m->sender, sizeof(m->sender)) &&
	       col_blob(s, 4, m->nonce, sizeof(m->nonce)) &&
	       col_blob(s, 6, m->sig, sizeof(m->sig));
}

enum e2e_err store_msgs_each(struct store *st, int64_t room_id, uint64_t after,
			     unsigned limit, store_msg_fn fn, void *ctx)
{
	sqlite3_stmt *s = stmt_get(st, ST_MSGS_LIST);
	struct wire_msg *m = malloc(sizeof(*m)); /* 8 KiB: not on the stack */
	enum e2e_err err = E2E_ERR_INTERNAL;
	int rc = SQLITE_DONE;

	if (m == NULL ||
	    stmt_bind(s, "iii", room_id, (int64_t)after, (int64_t)limit) != SQLITE_OK)
		goto done;
	err = E2E_OK;
	while (err == E2E_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		m->ct_len = 0; /* msg_row sets every field; no 25 KiB memset a row */
		err = msg_row(s, m) ? fn(ctx, m) : E2E_ERR_INTERNAL;
	}
	if (err == E2E_OK && rc != SQLITE_DONE)
		err = E2E_ERR_INTERNAL;
done:
	if (err == E2E_ERR_INTERNAL)
		store_log(st, "messages list");
	stmt_done(s);
	free(m);
	return err;
}

/* ---- sharing one database between threads ---- */

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

/* ---- leaving and removal ---- */

enum e2e_err store_member_remove(struct store *st, int64_t room_id, const char *name,
				 int64_t now)
{
	sqlite3_stmt *s = stmt_get(st, ST_MEMBER_REMOVE);
	enum e2e_err err = txn_begin(st);
	int rc = err == E2E_OK ? stmt_bind(s, "iit", now, room_id, name) : SQLITE_MISUSE;

	rc = rc == SQLITE_OK ? stmt_exec(s) : (stmt_done(s), rc);
	if (err == E2E_OK)
		err = write_err(st, rc, E2E_ERR_INTERNAL, "member remove");
	if (err == E2E_OK && sqlite3_changes(st->db) != 1)
		err = E2E_ERR_NO_MEMBER; /* unknown, or removed already */
	return txn_end(st, err);
}
