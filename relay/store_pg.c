/* store_pg.c - the PostgreSQL backend (store_db.h): a connection to a
 * server that any number of relays share; its schema and version
 * (table relay_schema, created or upgraded under an advisory lock so
 * that relays starting together do it once), and the SQL of every
 * statement, prepared on a connection's first use of it with the types
 * of its parameters. Values always travel as parameters, integers and
 * bytes in binary; results come back in binary.
 *
 * A server that goes away (a restart) is STORE_RC_DOWN: the request in
 * progress fails (503, nothing half-written: it was one transaction), a
 * transaction the loss broke is never continued on a new connection,
 * and the next use outside a transaction reconnects (at most once a
 * second), then prepares its statements again.
 *
 * The schema keys every query by room (the rooms table by name once, to
 * find the id): docs/OPERATING.md says how it maps onto a sharded
 * PostgreSQL (Citus, room_id the distribution column). */
#include <endian.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_db.h"

#define PG_SCHEMA_VERSION 4
/* the advisory lock key of schema changes ("e2e-sch" in ASCII) */
#define PG_SCHEMA_LOCK 0x6532652d736368LL
/* the sweep's advisory lock key ("e2e-swp") */
#define PG_SWEEP_LOCK "28484382783403888"
/* where commits that change a room's messages are announced */
#define PG_CHANNEL "e2e_rooms"
#define PG_RECONNECT_S 1
#define PG_CONNECT_TIMEOUT "5"
/* parameter types (pg_type.h) */
#define PG_INT8 20
#define PG_TEXT 25
#define PG_BYTEA 17

/* Version 4, as the SQLite schema's version 4, for PostgreSQL: members
 * get a registration order (pos, SQLite's rowid) and the unique keys all
 * hold room_id (a distributed table may only enforce those). */
static const char *const pg_schema[] = {
	"CREATE TABLE rooms ("
	" id BIGSERIAL PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" v BIGINT NOT NULL,"
	" salt BYTEA NOT NULL,"
	" opslimit BIGINT NOT NULL,"
	" memlimit BIGINT NOT NULL,"
	" access_pk BYTEA NOT NULL,"
	" creator TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" n_messages BIGINT NOT NULL DEFAULT 0,"
	" members_version BIGINT NOT NULL DEFAULT 0,"
	" room_key BYTEA)",
	"CREATE TABLE members ("
	" room_id BIGINT NOT NULL REFERENCES rooms (id),"
	" name TEXT NOT NULL,"
	" pos BIGSERIAL,"
	" v BIGINT NOT NULL,"
	" sign_pk BYTEA NOT NULL,"
	" box_pk BYTEA NOT NULL,"
	" mac BYTEA NOT NULL,"
	" status TEXT NOT NULL CHECK (status IN ('pending', 'admitted')),"
	" token_hash BYTEA NOT NULL,"
	" joined_at BIGINT NOT NULL,"
	" last_counter BIGINT NOT NULL DEFAULT 0,"
	" removed_at BIGINT,"
	" PRIMARY KEY (room_id, name),"
	" UNIQUE (room_id, token_hash))",
	"CREATE TABLE challenges ("
	" room_id BIGINT NOT NULL REFERENCES rooms (id),"
	" nonce BYTEA NOT NULL,"
	" expires_at BIGINT NOT NULL,"
	" PRIMARY KEY (room_id, nonce))",
	"CREATE INDEX challenges_expiry ON challenges (room_id, expires_at)",
	"CREATE TABLE states ("
	" room_id BIGINT NOT NULL REFERENCES rooms (id),"
	" revision BIGINT NOT NULL,"
	" epoch BIGINT NOT NULL,"
	" payload BYTEA NOT NULL,"
	" sig BYTEA NOT NULL,"
	" mac BYTEA,"
	" PRIMARY KEY (room_id, revision))",
	"CREATE TABLE wraps ("
	" room_id BIGINT NOT NULL,"
	" member TEXT NOT NULL,"
	" epoch BIGINT NOT NULL,"
	" nonce BYTEA NOT NULL,"
	" box BYTEA NOT NULL,"
	" sig BYTEA NOT NULL,"
	" made_by TEXT,"
	" PRIMARY KEY (room_id, member, epoch),"
	" FOREIGN KEY (room_id, member) REFERENCES members (room_id, name))",
	"CREATE TABLE messages ("
	" room_id BIGINT NOT NULL,"
	" seq BIGSERIAL,"
	" v BIGINT NOT NULL,"
	" sender TEXT NOT NULL,"
	" epoch BIGINT NOT NULL,"
	" counter BIGINT NOT NULL,"
	" nonce BYTEA NOT NULL,"
	" ct BYTEA NOT NULL,"
	" sig BYTEA NOT NULL,"
	" received_at BIGINT NOT NULL,"
	" PRIMARY KEY (room_id, seq),"
	" FOREIGN KEY (room_id, sender) REFERENCES members (room_id, name))",
	"CREATE INDEX messages_room_time ON messages (room_id, received_at)",
};

/* From version 3 (protocol v1) to 4: the room id (NULL in the rooms of
 * protocol v1, which stay readable but take no write), the states'
 * admission MAC and the admin who made each wrap (NULL in v1). */
static const char *const pg_upgrade_v4[] = {
	"ALTER TABLE rooms ADD COLUMN room_key BYTEA",
	"ALTER TABLE states ADD COLUMN mac BYTEA",
	"ALTER TABLE wraps ADD COLUMN made_by TEXT",
	"UPDATE relay_schema SET version = 4",
};

static const char *const pg_sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_ROOM_INSERT] = "INSERT INTO rooms (name, v, salt, opslimit, memlimit, access_pk,"
			   " creator, created_at, room_key)"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
	[ST_ROOM_GET] = "SELECT id, name, salt, opslimit, memlimit, access_pk, creator,"
			" created_at, members_version, v, room_key FROM rooms WHERE name = $1",
	[ST_ROOM_COUNT] = "SELECT count(*) FROM rooms",
	[ST_ROOM_IDS] = "SELECT id FROM rooms WHERE id > $1 ORDER BY id LIMIT $2",
	[ST_ROOM_LOCK] = "SELECT n_messages FROM rooms WHERE id = $1 FOR UPDATE",
	[ST_ROOM_MSGS_SET] = "UPDATE rooms SET n_messages = $1 WHERE id = $2",
	[ST_ROOM_ACCESS_SET] = "UPDATE rooms SET salt = $1, opslimit = $2, memlimit = $3,"
			       " access_pk = $4 WHERE id = $5",
	/* by room: a sharded table is never swept whole */
	[ST_CHAL_PURGE] = "DELETE FROM challenges WHERE room_id = $1 AND expires_at <= $2",
	[ST_CHAL_COUNT] = "SELECT count(*) FROM challenges WHERE room_id = $1",
	[ST_CHAL_INSERT] = "INSERT INTO challenges (room_id, nonce, expires_at)"
			   " VALUES ($1, $2, $3)",
	[ST_CHAL_TAKE] = "DELETE FROM challenges WHERE room_id = $1 AND nonce = $2",
	[ST_MEMBER_INSERT] = "INSERT INTO members (room_id, name, v, sign_pk, box_pk, mac,"
			     " status, token_hash, joined_at)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
			     " ON CONFLICT (room_id, name) DO NOTHING",
	[ST_MEMBER_COUNT] = "SELECT count(*) FROM members WHERE room_id = $1",
	[ST_MEMBER_BY_TOKEN] = "SELECT " STORE_MEMBER_COLS " FROM members"
			       " WHERE token_hash = $1 AND room_id = $2",
	[ST_MEMBER_GET] = "SELECT " STORE_MEMBER_COLS " FROM members"
			  " WHERE room_id = $1 AND name = $2",
	[ST_MEMBERS_LIST] = "SELECT " STORE_MEMBER_COLS " FROM members WHERE room_id = $1"
			    " ORDER BY pos",
	[ST_MEMBER_ADMIT] = "UPDATE members SET status = 'admitted'"
			    " WHERE room_id = $1 AND name = $2 AND removed_at IS NULL",
	[ST_MEMBER_REMOVE] = "UPDATE members SET removed_at = $1"
			     " WHERE room_id = $2 AND name = $3 AND removed_at IS NULL",
	[ST_MEMBER_DECLINE] = "UPDATE members SET removed_at = $1"
			      " WHERE room_id = $2 AND name = $3 AND removed_at IS NULL"
			      " AND status = 'pending'",
	[ST_MEMBERS_DECLINE_PENDING] = "UPDATE members SET removed_at = $1"
				       " WHERE room_id = $2 AND removed_at IS NULL"
				       " AND status = 'pending'",
	[ST_MEMBER_REJOIN] = "UPDATE members SET v = $1, sign_pk = $2, box_pk = $3, mac = $4,"
			     " status = 'pending', token_hash = $5, joined_at = $6,"
			     " last_counter = 0, removed_at = NULL"
			     " WHERE room_id = $7 AND name = $8 AND removed_at IS NOT NULL",
	[ST_WRAPS_DROP] = "DELETE FROM wraps WHERE room_id = $1 AND member = $2",
	[ST_STATE_INSERT] = "INSERT INTO states (room_id, revision, epoch, payload, sig, mac)"
			    " VALUES ($1, $2, $3, $4, $5, $6)",
	[ST_STATE_HEAD] = "SELECT revision, epoch FROM states WHERE room_id = $1"
			  " ORDER BY revision DESC LIMIT 1",
	[ST_STATE_GET] = "SELECT revision, epoch, payload, sig, mac FROM states WHERE room_id = $1"
			 " ORDER BY revision DESC LIMIT 1",
	[ST_STATES_AFTER] = "SELECT revision, epoch, payload, sig, mac FROM states"
			    " WHERE room_id = $1 AND revision > $2 ORDER BY revision LIMIT $3",
	[ST_WRAP_PUT] = "INSERT INTO wraps (room_id, member, epoch, nonce, box, sig, made_by)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (room_id, member, epoch)"
			" DO UPDATE SET nonce = EXCLUDED.nonce, box = EXCLUDED.box,"
			" sig = EXCLUDED.sig, made_by = EXCLUDED.made_by",
	[ST_WRAPS_LIST] = "SELECT member, epoch, nonce, box, sig, made_by FROM wraps"
			  " WHERE room_id = $1 AND member = $2 ORDER BY epoch",
	[ST_COUNTER_RAISE] = "UPDATE members SET last_counter = $1"
			     " WHERE room_id = $2 AND name = $3 AND last_counter < $4",
	[ST_MSG_INSERT] = "INSERT INTO messages (room_id, v, sender, epoch, counter, nonce,"
			  " ct, sig, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
			  " RETURNING seq",
	[ST_MSGS_LIST] = "SELECT seq, sender, epoch, counter, nonce, ct, sig, received_at"
			 " FROM messages WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
	[ST_MSGS_EXPIRE] = "DELETE FROM messages WHERE room_id = $1 AND seq IN"
			   " (SELECT seq FROM messages WHERE room_id = $1 AND received_at < $2"
			   " ORDER BY received_at LIMIT $3)",
	[ST_MSGS_TRIM] = "DELETE FROM messages WHERE room_id = $1 AND seq IN"
			 " (SELECT seq FROM messages WHERE room_id = $1 ORDER BY seq LIMIT $2)",
	/* delivered to every listening relay when (and only if) the
	 * transaction commits, in commit order */
	[ST_ROOM_NOTIFY] = "SELECT pg_notify('" PG_CHANNEL "', $1)",
	/* released at the end of the transaction: one sweep slice at a time */
	[ST_SWEEP_LOCK] = "SELECT pg_try_advisory_xact_lock(" PG_SWEEP_LOCK ")::int",
	[ST_ROOM_MEMBERS_VERSION] = "SELECT members_version FROM rooms WHERE id = $1",
	[ST_ROOM_MEMBERS_BUMP] = "UPDATE rooms SET members_version = members_version + 1"
				 " WHERE id = $1",
	[ST_ROOM_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM messages WHERE room_id = $1",
};

struct pg_db {
	PGconn *conn;
	bool prepared[ST__COUNT]; /* on this connection */
	bool txn;                 /* a BEGIN succeeded, no COMMIT or ROLLBACK yet */
	time_t next_try;          /* no reconnection before (CLOCK_MONOTONIC s) */
	int session;              /* the server's id of the connection (atomic) */
	char error[256];
};

/* The server process of the connection, read by other threads (the
 * feed's, to recognise this relay's own notifications). */
static void pg_session_update(struct pg_db *d)
{
	__atomic_store_n(&d->session, PQbackendPID(d->conn), __ATOMIC_RELAXED);
}

static time_t pg_now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

static void pg_error(struct pg_db *d, const char *what)
{
	snprintf(d->error, sizeof(d->error), "%s%s%s", what, what[0] ? ": " : "",
		 d->conn != NULL ? PQerrorMessage(d->conn) : "out of memory");
	/* libpq's messages end with a newline */
	d->error[strcspn(d->error, "\n")] = '\0';
}

/* Server notices (NOTICE: relation ... already exists) are not worth a
 * log line. */
static void pg_notice_quiet(void *arg, const char *message)
{
}

static PGconn *pg_connect(const char *uri)
{
	/* the URI's own settings come last and win */
	const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *const values[] = {PG_CONNECT_TIMEOUT, "e2e-relay", uri, NULL};

	PGconn *conn = PQconnectdbParams(keys, values, 1);

	if (conn != NULL)
		PQsetNoticeProcessor(conn, pg_notice_quiet, NULL);
	return conn;
}

/* One constant statement without parameters, outside the statement
 * table (the schema); false with the reason kept. */
static bool pg_exec(struct pg_db *d, const char *sql)
{
	PGresult *res = PQexecParams(d->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(res);
	bool ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;

	if (!ok)
		snprintf(d->error, sizeof(d->error), "%s", PQresultErrorMessage(res));
	PQclear(res);
	return ok;
}

/* The schema's version, -1 if unknown; 0 if there is none yet. */
static int pg_version(struct pg_db *d)
{
	PGresult *res = PQexecParams(d->conn, "SELECT version FROM relay_schema", 0, NULL,
				     NULL, NULL, NULL, 0);
	int version = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 0)
		version = 0;
	else if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		version = atoi(PQgetvalue(res, 0, 0)); /* text: digits from our own column */
	PQclear(res);
	return version;
}

/* Create the schema in an empty database, or upgrade one of version 3;
 * accept only our version. One transaction under an advisory lock:
 * relays starting together wait for the first, then find its schema. */
static bool pg_migrate(struct pg_db *d, char *why, size_t why_len)
{
	char lock[80];
	int version = -1;
	bool ok;

	snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%lld)", PG_SCHEMA_LOCK);
	ok = pg_exec(d, "BEGIN") && pg_exec(d, lock) &&
	     pg_exec(d, "CREATE TABLE IF NOT EXISTS relay_schema (version INTEGER NOT NULL)");
	if (ok)
		version = pg_version(d);
	for (size_t i = 0; ok && version == 0 && i < sizeof(pg_schema) / sizeof(*pg_schema); i++)
		ok = pg_exec(d, pg_schema[i]);
	if (ok && version == 0) {
		ok = pg_exec(d, "INSERT INTO relay_schema (version) VALUES (4)");
		version = PG_SCHEMA_VERSION;
	}
	for (size_t i = 0; ok && version == 3 && i < sizeof(pg_upgrade_v4) / sizeof(*pg_upgrade_v4);
	     i++)
		ok = pg_exec(d, pg_upgrade_v4[i]);
	if (ok && version == 3)
		version = 4;
	ok = ok && pg_exec(d, "COMMIT");
	if (!ok)
		snprintf(why, why_len, "schema: %s", d->error);
	else if (version != PG_SCHEMA_VERSION)
		snprintf(why, why_len, "unsupported schema version %d", version);
	if (!ok)
		pg_exec(d, "ROLLBACK");
	return ok && version == PG_SCHEMA_VERSION;
}

static void pg_close(void *impl)
{
	struct pg_db *d = impl;

	if (d != NULL)
		PQfinish(d->conn);
	free(d);
}

static void *pg_open(const char *uri, char *why, size_t why_len)
{
	struct pg_db *d = calloc(1, sizeof(*d));
	bool ok = false;

	if (d == NULL) {
		snprintf(why, why_len, "out of memory");
		goto done;
	}
	d->conn = pg_connect(uri);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		pg_error(d, "");
		snprintf(why, why_len, "%s", d->error);
		goto done;
	}
	ok = pg_migrate(d, why, why_len);
	pg_session_update(d);
done:
	if (!ok) {
		pg_close(d);
		d = NULL;
	}
	return d;
}

/* The connection, reconnected if it was lost and no transaction of ours
 * was open on it; false: unreachable now. */
static bool pg_ready(struct pg_db *d)
{
	if (PQstatus(d->conn) == CONNECTION_OK)
		return true;
	if (d->txn || pg_now_s() < d->next_try)
		return false;
	PQreset(d->conn);
	memset(d->prepared, 0, sizeof(d->prepared));
	pg_session_update(d);
	if (PQstatus(d->conn) == CONNECTION_OK)
		return true;
	d->next_try = pg_now_s() + PG_RECONNECT_S;
	pg_error(d, "reconnect");
	return false;
}

/* Prepare statement `id` with these parameter types (first use on this
 * connection). */
static bool pg_prepare(struct pg_db *d, enum store_stmt id, const struct store_param *p,
		       size_t n)
{
	Oid types[STORE_PARAMS_MAX];
	char name[16];
	PGresult *res;

	for (size_t i = 0; i < n; i++)
		types[i] = p[i].type == 'i' ? PG_INT8 : p[i].type == 't' ? PG_TEXT : PG_BYTEA;
	snprintf(name, sizeof(name), "s%d", (int)id);
	res = PQprepare(d->conn, name, pg_sql[id], (int)n, types);
	d->prepared[id] = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!d->prepared[id])
		snprintf(d->error, sizeof(d->error), "prepare: %s", PQresultErrorMessage(res));
	PQclear(res);
	return d->prepared[id];
}

/* What a failed statement means: a constraint (SQLSTATE class 23), the
 * server gone (the connection, class 08, or 57P01..57P03: shutting down,
 * crashed, starting), or anything else. */
static enum store_rc pg_failure(struct pg_db *d, const PGresult *res)
{
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	bool gone = PQstatus(d->conn) != CONNECTION_OK ||
		    (state != NULL && (strncmp(state, "08", 2) == 0 ||
				       strncmp(state, "57P0", 4) == 0));

	snprintf(d->error, sizeof(d->error), "%s",
		 res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(d->conn));
	d->error[strcspn(d->error, "\n")] = '\0';
	if (gone)
		return STORE_RC_DOWN;
	return state != NULL && strncmp(state, "23", 2) == 0 ? STORE_RC_CONFLICT : STORE_RC_FAIL;
}

static enum store_rc pg_rows(PGresult *res, store_row_cb row, void *ctx)
{
	struct store_row r = {.be = &store_pg_backend, .impl = res};
	int n = PQntuples(res);

	for (int i = 0; row != NULL && i < n; i++) {
		r.index = i;
		if (!row(ctx, &r))
			break;
	}
	return STORE_RC_OK;
}

/* The statements that change nothing: after a restart of the server,
 * the first use of each connection finds it dead; such a statement,
 * outside a transaction (a BEGIN starts one only if it succeeds), is run
 * again once on a new connection instead of failing its request (a
 * write is not: it may have been done). */
static bool pg_reads_only(enum store_stmt id)
{
	switch (id) {
	case ST_BEGIN:
	case ST_ROOM_GET:
	case ST_MEMBER_BY_TOKEN:
	case ST_MEMBER_GET:
	case ST_MEMBERS_LIST:
	case ST_STATE_HEAD:
	case ST_STATE_GET:
	case ST_STATES_AFTER:
	case ST_WRAPS_LIST:
	case ST_MSGS_LIST:
	case ST_ROOM_MEMBERS_VERSION:
	case ST_ROOM_MAX_SEQ:
		return true;
	default:
		return false;
	}
}

static enum store_rc pg_run_once(struct pg_db *d, enum store_stmt id,
				 const struct store_param *params, size_t n_params,
				 store_row_cb row, void *ctx, int64_t *changes);

static enum store_rc pg_run(void *impl, enum store_stmt id, const struct store_param *params,
			    size_t n_params, store_row_cb row, void *ctx, int64_t *changes)
{
	struct pg_db *d = impl;
	enum store_rc rc = pg_run_once(d, id, params, n_params, row, ctx, changes);

	if (rc == STORE_RC_DOWN && !d->txn && pg_reads_only(id))
		rc = pg_run_once(d, id, params, n_params, row, ctx, changes);
	return rc;
}

static enum store_rc pg_run_once(struct pg_db *d, enum store_stmt id,
				 const struct store_param *params, size_t n_params,
				 store_row_cb row, void *ctx, int64_t *changes)
{
	const char *values[STORE_PARAMS_MAX];
	int lengths[STORE_PARAMS_MAX], formats[STORE_PARAMS_MAX];
	uint64_t ints[STORE_PARAMS_MAX];
	char name[16];
	PGresult *res = NULL;
	ExecStatusType s;
	enum store_rc rc = STORE_RC_DOWN;

	*changes = 0;
	if (id == ST_ROLLBACK && d->txn && PQstatus(d->conn) != CONNECTION_OK) {
		rc = STORE_RC_OK; /* the server ended it with the connection */
		goto done;
	}
	if (!pg_ready(d))
		goto done;
	rc = STORE_RC_FAIL;
	if (!d->prepared[id] && !pg_prepare(d, id, params, n_params)) {
		rc = pg_failure(d, NULL);
		goto done;
	}
	for (size_t i = 0; i < n_params; i++) {
		formats[i] = params[i].type == 't' ? 0 : 1;
		lengths[i] = (int)params[i].len;
		values[i] = params[i].p;
		if (params[i].type == 'i') {
			ints[i] = htobe64((uint64_t)params[i].i);
			values[i] = (const char *)&ints[i];
			lengths[i] = sizeof(ints[i]);
		}
	}
	snprintf(name, sizeof(name), "s%d", (int)id);
	res = PQexecPrepared(d->conn, name, (int)n_params, values, lengths, formats, 1);
	s = PQresultStatus(res);
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
		*changes = strtoll(PQcmdTuples(res), NULL, 10);
		rc = pg_rows(res, row, ctx);
	} else {
		rc = pg_failure(d, res);
	}
done:
	/* a transaction broken by a lost server stays open for us until
	 * its ROLLBACK: nothing else runs (pg_ready) on a new connection */
	if (id == ST_BEGIN)
		d->txn = rc == STORE_RC_OK;
	else if (id == ST_COMMIT || id == ST_ROLLBACK)
		d->txn = false;
	if (rc == STORE_RC_DOWN && d->error[0] == '\0')
		snprintf(d->error, sizeof(d->error), "the database is unreachable");
	PQclear(res);
	return rc;
}

static bool pg_in_txn(void *impl)
{
	const struct pg_db *d = impl;

	return d->txn;
}

static bool pg_down(void *impl)
{
	const struct pg_db *d = impl;

	return PQstatus(d->conn) != CONNECTION_OK;
}

static const char *pg_errmsg(void *impl)
{
	const struct pg_db *d = impl;

	return d->error;
}

/* Integers come as int8 (every column of ours), int4 or int2. */
static int64_t pg_col_int(const struct store_row *r, int col)
{
	const char *p = PQgetvalue(r->impl, r->index, col);
	int len = PQgetlength(r->impl, r->index, col);
	uint64_t v8 = 0;
	uint32_t v4 = 0;
	uint16_t v2 = 0;
	int64_t v = 0;

	if (len == 8) {
		memcpy(&v8, p, 8);
		v = (int64_t)be64toh(v8);
	} else if (len == 4) {
		memcpy(&v4, p, 4);
		v = (int32_t)be32toh(v4);
	} else if (len == 2) {
		memcpy(&v2, p, 2);
		v = (int16_t)be16toh(v2);
	}
	return v;
}

static bool pg_col_null(const struct store_row *r, int col)
{
	return PQgetisnull(r->impl, r->index, col) != 0;
}

static const void *pg_col_bytes(const struct store_row *r, int col, size_t *len)
{
	if (PQgetisnull(r->impl, r->index, col))
		return NULL;
	*len = (size_t)PQgetlength(r->impl, r->index, col);
	return PQgetvalue(r->impl, r->index, col);
}

static int pg_session(void *impl)
{
	struct pg_db *d = impl;

	return __atomic_load_n(&d->session, __ATOMIC_RELAXED);
}

/* ---- the notification feed: one connection that only listens ---- */

struct pg_feed {
	PGconn *conn;
	bool listening;
	time_t next_try;
	char uri[]; /* for reconnections */
};

/* Connect (again) and LISTEN: 1, or -1 with next_try set. */
static int pg_feed_listen(struct pg_feed *f)
{
	PGresult *res;

	f->listening = false;
	if (f->conn == NULL)
		f->conn = pg_connect(f->uri);
	else
		PQreset(f->conn);
	if (PQstatus(f->conn) == CONNECTION_OK) {
		res = PQexecParams(f->conn, "LISTEN " PG_CHANNEL, 0, NULL, NULL, NULL, NULL, 0);
		f->listening = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
	}
	if (!f->listening)
		f->next_try = pg_now_s() + PG_RECONNECT_S;
	return f->listening ? 1 : -1;
}

static void pg_feed_close(void *impl)
{
	struct pg_feed *f = impl;

	if (f != NULL)
		PQfinish(f->conn);
	free(f);
}

static void *pg_feed_open(const char *uri, char *why, size_t why_len)
{
	size_t n = strlen(uri);
	struct pg_feed *f = calloc(1, sizeof(*f) + n + 1);

	if (f == NULL) {
		snprintf(why, why_len, "out of memory");
		goto done;
	}
	memcpy(f->uri, uri, n + 1);
	if (pg_feed_listen(f) < 0) {
		snprintf(why, why_len, "listen: %s",
			 f->conn != NULL ? PQerrorMessage(f->conn) : "out of memory");
		why[strcspn(why, "\n")] = '\0';
		pg_feed_close(f);
		f = NULL;
	}
done:
	return f;
}

/* One notification: "ROOM SEQ", as store_room_changed writes it. */
static void pg_feed_one(const PGnotify *n, store_feed_fn fn, void *ctx)
{
	char *end = NULL;
	long long room = strtoll(n->extra, &end, 10);
	unsigned long long seq = 0;

	if (end != n->extra && *end == ' ')
		seq = strtoull(end + 1, &end, 10);
	if (room > 0 && *end == '\0')
		fn(ctx, (int64_t)room, (uint64_t)seq, n->be_pid);
}

static int pg_feed_wait(void *impl, int timeout_ms, store_feed_fn fn, void *ctx)
{
	struct pg_feed *f = impl;
	struct pollfd pfd = {.events = POLLIN};
	PGnotify *n;
	int ret = 0;

	if (!f->listening || PQstatus(f->conn) != CONNECTION_OK)
		ret = pg_now_s() >= f->next_try ? pg_feed_listen(f) : -1;
	if (ret < 0) {
		poll(NULL, 0, timeout_ms); /* the server is away: wait here */
		goto done;
	}
	pfd.fd = PQsocket(f->conn);
	poll(&pfd, 1, timeout_ms);
	if (PQconsumeInput(f->conn) == 0) {
		f->listening = false;
		ret = -1;
		goto done;
	}
	for (n = PQnotifies(f->conn); n != NULL; n = PQnotifies(f->conn)) {
		pg_feed_one(n, fn, ctx);
		PQfreemem(n);
	}
done:
	return ret;
}

const struct store_backend store_pg_backend = {
	.name = "postgresql",
	.shared = true,
	.session = pg_session,
	.feed_open = pg_feed_open,
	.feed_close = pg_feed_close,
	.feed_wait = pg_feed_wait,
	.open = pg_open,
	.close = pg_close,
	.run = pg_run,
	.in_txn = pg_in_txn,
	.down = pg_down,
	.errmsg = pg_errmsg,
	.col_int = pg_col_int,
	.col_null = pg_col_null,
	.col_bytes = pg_col_bytes,
};
