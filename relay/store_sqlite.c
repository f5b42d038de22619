/* store_sqlite.c - the embedded backend (store_db.h): one SQLite file in
 * WAL mode with synchronous=FULL, so that a commit is on disk when it
 * returns; its schema, the migrations from older versions
 * (PRAGMA user_version), and the SQL of every statement, each prepared
 * once at open. SQL is only ever the constant text below; values are
 * always bound. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_db.h"

#define SQLITE_SCHEMA_VERSION 4
#define SQLITE_BUSY_MS 5000

static const char sqlite_pragmas[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA foreign_keys=ON;";

static const char sqlite_schema[] =
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
	" n_messages INTEGER NOT NULL DEFAULT 0,"
	" room_key BLOB);"
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
	" mac BLOB,"
	" PRIMARY KEY (room_id, revision));"
	"CREATE TABLE wraps ("
	" room_id INTEGER NOT NULL,"
	" member TEXT NOT NULL,"
	" epoch INTEGER NOT NULL,"
	" nonce BLOB NOT NULL,"
	" box BLOB NOT NULL,"
	" sig BLOB NOT NULL,"
	" made_by TEXT,"
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

/* v2: members.removed_at (leaving and removal). */
#define SQLITE_V2 "ALTER TABLE members ADD COLUMN removed_at INTEGER;"
/* v3: rooms.n_messages (so trimming a room to --max-messages needs no
 * count(*) over its messages) and the index retention uses. */
#define SQLITE_V3                                                              \
	"ALTER TABLE rooms ADD COLUMN n_messages INTEGER NOT NULL DEFAULT 0;" \
	"UPDATE rooms SET n_messages ="                                        \
	" (SELECT count(*) FROM messages WHERE messages.room_id = rooms.id);"  \
	"CREATE INDEX messages_room_time ON messages (room_id, received_at);"

/* v4 (protocol v2): rooms.room_key, the 16-byte room id its creator
 * picked (NULL in a room of protocol v1, which stays readable but takes
 * no write), states.mac, a state's admission MAC, and wraps.made_by,
 * the admin who made a wrap (both NULL in v1). */
#define SQLITE_V4                                   \
	"ALTER TABLE rooms ADD COLUMN room_key BLOB;" \
	"ALTER TABLE states ADD COLUMN mac BLOB;"     \
	"ALTER TABLE wraps ADD COLUMN made_by TEXT;"
/* the end of every upgrade: the version the statements below need */
#define SQLITE_UPGRADED "PRAGMA user_version = 4; COMMIT"

static const char *const sqlite_sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_ROOM_INSERT] = "INSERT INTO rooms (name, v, salt, opslimit, memlimit, access_pk,"
			   " creator, created_at, room_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			   " RETURNING id",
	[ST_ROOM_GET] = "SELECT id, name, salt, opslimit, memlimit, access_pk, creator,"
			" created_at, 0, v, room_key FROM rooms WHERE name = ?",
	[ST_ROOM_COUNT] = "SELECT count(*) FROM rooms",
	[ST_ROOM_IDS] = "SELECT id FROM rooms WHERE id > ? ORDER BY id LIMIT ?",
	/* BEGIN IMMEDIATE holds the whole database already */
	[ST_ROOM_LOCK] = "SELECT n_messages FROM rooms WHERE id = ?",
	[ST_ROOM_MSGS_SET] = "UPDATE rooms SET n_messages = ? WHERE id = ?",
	[ST_ROOM_ACCESS_SET] = "UPDATE rooms SET salt = ?, opslimit = ?, memlimit = ?,"
			       " access_pk = ? WHERE id = ?",
	[ST_CHAL_PURGE] = "DELETE FROM challenges WHERE room_id = ? AND expires_at <= ?",
	[ST_CHAL_COUNT] = "SELECT count(*) FROM challenges WHERE room_id = ?",
	[ST_CHAL_INSERT] = "INSERT INTO challenges (room_id, nonce, expires_at) VALUES (?, ?, ?)",
	[ST_CHAL_TAKE] = "DELETE FROM challenges WHERE room_id = ? AND nonce = ?",
	[ST_MEMBER_INSERT] = "INSERT INTO members (room_id, name, v, sign_pk, box_pk, mac,"
			     " status, token_hash, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     " ON CONFLICT (room_id, name) DO NOTHING",
	[ST_MEMBER_COUNT] = "SELECT count(*) FROM members WHERE room_id = ?",
	[ST_MEMBER_BY_TOKEN] = "SELECT " STORE_MEMBER_COLS " FROM members"
			       " WHERE token_hash = ? AND room_id = ?",
	[ST_MEMBER_GET] = "SELECT " STORE_MEMBER_COLS " FROM members"
			  " WHERE room_id = ? AND name = ?",
	[ST_MEMBERS_LIST] = "SELECT " STORE_MEMBER_COLS " FROM members WHERE room_id = ?"
			    " ORDER BY rowid",
	[ST_MEMBER_ADMIT] = "UPDATE members SET status = 'admitted'"
			    " WHERE room_id = ? AND name = ? AND removed_at IS NULL",
	[ST_MEMBER_REMOVE] = "UPDATE members SET removed_at = ?"
			     " WHERE room_id = ? AND name = ? AND removed_at IS NULL",
	[ST_MEMBER_DECLINE] = "UPDATE members SET removed_at = ?"
			      " WHERE room_id = ? AND name = ? AND removed_at IS NULL"
			      " AND status = 'pending'",
	[ST_MEMBERS_DECLINE_PENDING] = "UPDATE members SET removed_at = ?"
				       " WHERE room_id = ? AND removed_at IS NULL"
				       " AND status = 'pending'",
	/* A removed name registered again (new keys, new token): a member
	 * who lost its identity comes back; clients see its keys change. */
	[ST_MEMBER_REJOIN] = "UPDATE members SET v = ?, sign_pk = ?, box_pk = ?, mac = ?,"
			     " status = 'pending', token_hash = ?, joined_at = ?,"
			     " last_counter = 0, removed_at = NULL"
			     " WHERE room_id = ? AND name = ? AND removed_at IS NOT NULL",
	[ST_WRAPS_DROP] = "DELETE FROM wraps WHERE room_id = ? AND member = ?",
	[ST_STATE_INSERT] = "INSERT INTO states (room_id, revision, epoch, payload, sig, mac)"
			    " VALUES (?, ?, ?, ?, ?, ?)",
	[ST_STATE_HEAD] = "SELECT revision, epoch FROM states WHERE room_id = ?"
			  " ORDER BY revision DESC LIMIT 1",
	[ST_STATE_GET] = "SELECT revision, epoch, payload, sig, mac FROM states WHERE room_id = ?"
			 " ORDER BY revision DESC LIMIT 1",
	[ST_STATES_AFTER] = "SELECT revision, epoch, payload, sig, mac FROM states"
			    " WHERE room_id = ? AND revision > ? ORDER BY revision LIMIT ?",
	[ST_WRAP_PUT] = "INSERT INTO wraps (room_id, member, epoch, nonce, box, sig, made_by)"
			" VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, member, epoch)"
			" DO UPDATE SET nonce = excluded.nonce, box = excluded.box,"
			" sig = excluded.sig, made_by = excluded.made_by",
	[ST_WRAPS_LIST] = "SELECT member, epoch, nonce, box, sig, made_by FROM wraps"
			  " WHERE room_id = ? AND member = ? ORDER BY epoch",
	[ST_COUNTER_RAISE] = "UPDATE members SET last_counter = ?"
			     " WHERE room_id = ? AND name = ? AND last_counter < ?",
	[ST_MSG_INSERT] = "INSERT INTO messages (room_id, v, sender, epoch, counter, nonce,"
			  " ct, sig, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			  " RETURNING seq",
	[ST_MSGS_LIST] = "SELECT seq, sender, epoch, counter, nonce, ct, sig, received_at"
			 " FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?",
	/* both walk one index from the oldest end: (room_id, received_at)
	 * and (room_id, seq) */
	[ST_MSGS_EXPIRE] = "DELETE FROM messages WHERE seq IN (SELECT seq FROM messages"
			   " WHERE room_id = ?1 AND received_at < ?2 LIMIT ?3)",
	[ST_MSGS_TRIM] = "DELETE FROM messages WHERE seq IN (SELECT seq FROM messages"
			 " WHERE room_id = ?1 ORDER BY seq LIMIT ?2)",
	/* one relay per file: these few are never run (store_db.h), only
	 * prepared, so they are the cheapest statements that take their
	 * parameters */
	[ST_ROOM_NOTIFY] = "SELECT ?",
	[ST_SWEEP_LOCK] = "SELECT 1",
	[ST_ROOM_MEMBERS_VERSION] = "SELECT 0 FROM rooms WHERE id = ?",
	[ST_ROOM_MEMBERS_BUMP] = "SELECT ?",
	[ST_ROOM_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM messages WHERE room_id = ?",
};

struct sqlite_db {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST__COUNT];
	char error[256]; /* the last failure's message */
};

static int sqlite_version_of(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int version = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return version;
}

/* Run `sql` (constant text, several statements) in one transaction
 * with the new user_version: all or nothing. */
static bool sqlite_upgrade(sqlite3 *db, const char *sql, const char *what, char *why,
			   size_t why_len)
{
	bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
		  sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK &&
		  sqlite3_exec(db, SQLITE_UPGRADED, NULL, NULL, NULL) == SQLITE_OK;

	if (!ok)
		snprintf(why, why_len, "%s: %s", what, sqlite3_errmsg(db));
	if (!ok && sqlite3_get_autocommit(db) == 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return ok;
}

/* Create the schema in an empty database, or upgrade an older one;
 * accept only our version. Runs before the statements are prepared
 * (they need the tables). */
static bool sqlite_migrate(sqlite3 *db, char *why, size_t why_len)
{
	int version = sqlite_version_of(db);
	bool ok = version == SQLITE_SCHEMA_VERSION;

	if (version == 1)
		ok = sqlite_upgrade(db, SQLITE_V2 SQLITE_V3 SQLITE_V4, "schema upgrade", why,
				    why_len);
	else if (version == 2)
		ok = sqlite_upgrade(db, SQLITE_V3 SQLITE_V4, "schema upgrade", why, why_len);
	else if (version == 3)
		ok = sqlite_upgrade(db, SQLITE_V4, "schema upgrade", why, why_len);
	else if (version == 0)
		ok = sqlite_upgrade(db, sqlite_schema, "schema", why, why_len);
	else if (!ok)
		snprintf(why, why_len, "unsupported schema version %d", version);
	return ok;
}

static void sqlite_close(void *impl)
{
	struct sqlite_db *d = impl;

	for (int i = 0; d != NULL && i < ST__COUNT; i++)
		sqlite3_finalize(d->stmt[i]);
	if (d != NULL)
		sqlite3_close(d->db);
	free(d);
}

static void *sqlite_open(const char *path, char *why, size_t why_len)
{
	struct sqlite_db *d = calloc(1, sizeof(*d));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	bool ok = false;

	if (d == NULL) {
		snprintf(why, why_len, "out of memory");
		goto done;
	}
	if (sqlite3_open_v2(path, &d->db, flags, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(d->db, SQLITE_BUSY_MS) != SQLITE_OK ||
	    sqlite3_exec(d->db, sqlite_pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(why, why_len, "%s",
			 d->db != NULL ? sqlite3_errmsg(d->db) : "out of memory");
		goto done;
	}
	if (!sqlite_migrate(d->db, why, why_len))
		goto done;
	ok = true;
	for (int i = 0; i < ST__COUNT && ok; i++)
		ok = sqlite3_prepare_v3(d->db, sqlite_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					&d->stmt[i], NULL) == SQLITE_OK;
	if (!ok)
		snprintf(why, why_len, "prepare: %s", sqlite3_errmsg(d->db));
done:
	if (!ok) {
		sqlite_close(d);
		d = NULL;
	}
	return d;
}

static int sqlite_bind(sqlite3_stmt *s, const struct store_param *p, size_t n)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
		int idx = (int)i + 1;

		if (p[i].type == 'i')
			rc = sqlite3_bind_int64(s, idx, p[i].i);
		else if (p[i].type == 't')
			rc = sqlite3_bind_text(s, idx, p[i].p, -1, SQLITE_STATIC);
		else
			rc = sqlite3_bind_blob(s, idx, p[i].p, (int)p[i].len, SQLITE_STATIC);
	}
	return rc;
}

/* Bind, step through the rows, reset: the one place that does. */
static enum store_rc sqlite_run(void *impl, enum store_stmt id, const struct store_param *params,
				size_t n_params, store_row_cb row, void *ctx, int64_t *changes)
{
	struct sqlite_db *d = impl;
	sqlite3_stmt *s = d->stmt[id];
	struct store_row r = {.be = &store_sqlite_backend, .impl = s};
	int rc = sqlite_bind(s, params, n_params);
	bool more = true;
	enum store_rc out = STORE_RC_OK;

	while (rc == SQLITE_OK && more) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			more = row == NULL || row(ctx, &r);
			rc = SQLITE_OK;
		} else {
			more = false;
		}
	}
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		out = (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_RC_CONFLICT : STORE_RC_FAIL;
		snprintf(d->error, sizeof(d->error), "%s", sqlite3_errmsg(d->db));
	}
	/* a SELECT leaves the last write's count: only writes say */
	if (changes != NULL)
		*changes = out == STORE_RC_OK && !sqlite3_stmt_readonly(s) ? sqlite3_changes(d->db)
									     : 0;
	/* reset releases any read snapshot */
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return out;
}

static bool sqlite_in_txn(void *impl)
{
	const struct sqlite_db *d = impl;

	return sqlite3_get_autocommit(d->db) == 0;
}

static bool sqlite_down(void *impl)
{
	return false; /* a file is never away */
}

static const char *sqlite_errmsg(void *impl)
{
	const struct sqlite_db *d = impl;

	return d->error;
}

static int64_t sqlite_col_int(const struct store_row *r, int col)
{
	return sqlite3_column_int64(r->impl, col);
}

static bool sqlite_col_null(const struct store_row *r, int col)
{
	return sqlite3_column_type(r->impl, col) == SQLITE_NULL;
}

static const void *sqlite_col_bytes(const struct store_row *r, int col, size_t *len)
{
	sqlite3_stmt *s = r->impl;
	const void *p = NULL;

	if (sqlite3_column_type(s, col) == SQLITE_TEXT)
		p = sqlite3_column_text(s, col);
	else if (sqlite3_column_type(s, col) == SQLITE_BLOB)
		p = sqlite3_column_blob(s, col);
	*len = p != NULL ? (size_t)sqlite3_column_bytes(s, col) : 0;
	return p;
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	.shared = false,
	.open = sqlite_open,
	.close = sqlite_close,
	.run = sqlite_run,
	.in_txn = sqlite_in_txn,
	.down = sqlite_down,
	.errmsg = sqlite_errmsg,
	.col_int = sqlite_col_int,
	.col_null = sqlite_col_null,
	.col_bytes = sqlite_col_bytes,
};
