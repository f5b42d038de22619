/* store.c - the profile's local store (store.h): schema, sealing of
 * texts at rest, and one function per question the client asks it.
 * Every statement is prepared with its parameters bound; `exec` runs one
 * that returns no row. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "transcript.h"

/* How long a process waits for another's write transaction. */
#define STORE_BUSY_MS 15000

/* The at-rest key: crypto_kdf from the identity's X25519 secret, which
 * the identity's passphrase (if any) protects. */
#define STORE_KDF_CONTEXT "e2estore"
#define STORE_KDF_ID 1

#define SEALED_MAX(n) (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + (n))

struct store {
	sqlite3 *db;
	uint8_t *key; /* sodium_malloc'd, crypto_secretbox_KEYBYTES */
	struct store_msg row; /* store_each's buffer */
	char err[512];
};

/* Version 2: when each state was accepted (stale views, messages.c). */
static const char *const schema_v2[] = {
	"ALTER TABLE states ADD COLUMN accepted_ms INTEGER NOT NULL DEFAULT 0",
};

static const char *const schema[] = {
	"CREATE TABLE IF NOT EXISTS rooms("
	" id INTEGER PRIMARY KEY, relay TEXT NOT NULL, room TEXT NOT NULL,"
	" fetched INTEGER NOT NULL DEFAULT 0, probe_after INTEGER NOT NULL DEFAULT 0,"
	" probed_ms INTEGER NOT NULL DEFAULT 0,"
	" seen INTEGER NOT NULL DEFAULT 0, UNIQUE(relay, room))",
	"CREATE TABLE IF NOT EXISTS messages("
	" id INTEGER PRIMARY KEY, room_id INTEGER NOT NULL REFERENCES rooms(id),"
	" seq INTEGER NOT NULL, sender TEXT NOT NULL, sign_pk BLOB, epoch INTEGER NOT NULL,"
	" counter INTEGER NOT NULL, time_ms INTEGER NOT NULL, kind INTEGER NOT NULL,"
	" mine INTEGER NOT NULL, record BLOB NOT NULL, body BLOB NOT NULL)",
	"CREATE UNIQUE INDEX IF NOT EXISTS messages_chain"
	" ON messages(room_id, sender, sign_pk, counter) WHERE sign_pk IS NOT NULL",
	"CREATE INDEX IF NOT EXISTS messages_room ON messages(room_id, id)",
	"CREATE INDEX IF NOT EXISTS messages_seq ON messages(room_id, seq)",
	"CREATE INDEX IF NOT EXISTS messages_kind ON messages(room_id, kind, id)",
	"CREATE TABLE IF NOT EXISTS states("
	" room_id INTEGER NOT NULL REFERENCES rooms(id), revision INTEGER NOT NULL,"
	" epoch INTEGER NOT NULL, payload BLOB NOT NULL, sig BLOB NOT NULL,"
	" PRIMARY KEY(room_id, revision))",
	"CREATE TABLE IF NOT EXISTS outbox("
	" room_id INTEGER NOT NULL REFERENCES rooms(id), counter INTEGER NOT NULL,"
	" leave INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, record BLOB NOT NULL,"
	" prev BLOB NOT NULL, body BLOB NOT NULL, text BLOB NOT NULL,"
	" PRIMARY KEY(room_id, counter))",
};

static bool fail(struct store *s, const char *what)
{
	snprintf(s->err, sizeof s->err, "local store: %.200s: %s", what,
		 s->db ? sqlite3_errmsg(s->db) : "cannot open");
	return false;
}

const char *store_error(const struct store *s)
{
	return s->err;
}

static sqlite3_stmt *prepare(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(s, "prepare");
		return NULL;
	}
	return st;
}

/* Step a statement to its end (a PRAGMA's row is ignored), then
 * finalize it. */
static bool exec(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = SQLITE_ROW;
	bool ok;

	while (st && rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	ok = st && rc == SQLITE_DONE;

	if (st && !ok)
		fail(s, what);
	sqlite3_finalize(st);
	return ok;
}

static bool exec_sql(struct store *s, const char *sql)
{
	return exec(s, prepare(s, sql), sql);
}

/* A query of one number about one room (?1), with an optional second
 * parameter (?2, when `has_arg`): the number, or false. */
static bool room_number(struct store *s, const char *sql, int64_t room_id, bool has_arg,
			int64_t arg, int64_t *out, const char *what)
{
	sqlite3_stmt *st = prepare(s, sql);
	bool ok = false;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	if (has_arg)
		sqlite3_bind_int64(st, 2, arg);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		ok = true;
	}
	sqlite3_finalize(st);
	return ok || fail(s, what);
}

/* A change to one room's row (?1) and a number (?2). */
static bool room_change(struct store *s, const char *sql, int64_t room_id, int64_t arg,
			const char *what)
{
	sqlite3_stmt *st = prepare(s, sql);

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, arg);
	return exec(s, st, what);
}

/* nonce || secretbox(plain): `out` holds SEALED_MAX(len). */
static void seal(const struct store *s, uint8_t *out, const void *plain, size_t len)
{
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, len, out, s->key);
}

/* Open a sealed column into `out` (room for max bytes and a NUL). */
static bool unseal(const struct store *s, const uint8_t *in, size_t in_len, char *out,
		   size_t max, size_t *len)
{
	if (in_len < SEALED_MAX(0) || in_len - SEALED_MAX(0) > max)
		return false;
	*len = in_len - SEALED_MAX(0);
	if (crypto_secretbox_open_easy((uint8_t *)out, in + crypto_secretbox_NONCEBYTES,
				       in_len - crypto_secretbox_NONCEBYTES, in, s->key) != 0)
		return false;
	out[*len] = '\0';
	return true;
}

/* Bind a sealed copy of `plain` (freed by SQLite). */
static int bind_sealed(const struct store *s, sqlite3_stmt *st, int i, const void *plain,
		       size_t len)
{
	uint8_t *box = sqlite3_malloc64(SEALED_MAX(len));

	if (!box)
		return SQLITE_NOMEM;
	seal(s, box, plain, len);
	return sqlite3_bind_blob64(st, i, box, SEALED_MAX(len), sqlite3_free);
}

static bool create_file(struct store *s, const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(s->err, sizeof s->err, "local store: cannot open %.300s: %s", path,
			 strerror(errno));
		return false;
	}
	close(fd);
	return true;
}

/* The schema's version: SQLite's user_version (0 in a new file). */
static bool schema_version(struct store *s, int64_t *version)
{
	sqlite3_stmt *st = prepare(s, "PRAGMA user_version");
	bool ok = st && sqlite3_step(st) == SQLITE_ROW;

	if (ok)
		*version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return ok || fail(s, "reading the schema version");
}

static bool newer(struct store *s, int64_t version)
{
	if (version <= STORE_SCHEMA_VERSION)
		return false;
	snprintf(s->err, sizeof s->err, "local store: written by a newer e2e-chat (schema %lld, "
		 "this one knows %d); upgrade e2e-chat", (long long)version, STORE_SCHEMA_VERSION);
	return true;
}

/* A store at this version is opened without writing anything (every
 * command opens it); an older one is brought up to date in one write
 * transaction, checked again inside it (another process may have). */
static bool migrate(struct store *s)
{
	char set[64];
	int64_t version = 0;
	bool ok = false;

	if (!schema_version(s, &version) || newer(s, version))
		return false;
	if (version == STORE_SCHEMA_VERSION)
		return true;
	if (!exec_sql(s, "BEGIN IMMEDIATE"))
		return false;
	if (!schema_version(s, &version) || newer(s, version))
		goto out;
	for (size_t i = 0; version < 1 && i < sizeof schema / sizeof schema[0]; i++)
		if (!exec_sql(s, schema[i]))
			goto out;
	for (size_t i = 0; version < 2 && i < sizeof schema_v2 / sizeof schema_v2[0]; i++)
		if (!exec_sql(s, schema_v2[i]))
			goto out;
	snprintf(set, sizeof set, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	ok = exec_sql(s, set) && exec_sql(s, "COMMIT");
out:
	if (!ok)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ok;
}

struct store *store_open(const char *dir, const struct identity *id, char *err, size_t errlen)
{
	struct store *s = calloc(1, sizeof *s);
	char path[4096];
	bool ok = false;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(path, sizeof path, "%s/store.db", dir);
	if (!(s->key = sodium_malloc(crypto_secretbox_KEYBYTES))) {
		snprintf(s->err, sizeof s->err, "out of memory");
		goto out;
	}
	crypto_kdf_derive_from_key(s->key, crypto_secretbox_KEYBYTES, STORE_KDF_ID,
				   STORE_KDF_CONTEXT, id->box_sk);
	if (!create_file(s, path))
		goto out;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		fail(s, path);
		goto out;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	ok = exec_sql(s, "PRAGMA journal_mode = WAL") &&
	     exec_sql(s, "PRAGMA synchronous = NORMAL") &&
	     exec_sql(s, "PRAGMA foreign_keys = ON") && migrate(s);
out:
	if (!ok) {
		snprintf(err, errlen, "%s", s->err);
		store_close(s);
		return NULL;
	}
	return s;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	sodium_free(s->key);
	sodium_memzero(&s->row, sizeof s->row);
	free(s);
}

bool store_room(struct store *s, const char *relay, const char *room, int64_t *room_id)
{
	sqlite3_stmt *st = prepare(s, "INSERT INTO rooms(relay, room) VALUES (?1, ?2)"
				      " ON CONFLICT(relay, room) DO UPDATE SET relay = relay"
				      " RETURNING id");
	bool ok = false;

	if (!st)
		return false;
	sqlite3_bind_text(st, 1, relay, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, room, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*room_id = sqlite3_column_int64(st, 0);
		ok = sqlite3_step(st) == SQLITE_DONE;
	}
	if (!ok)
		fail(s, "room");
	sqlite3_finalize(st);
	return ok;
}

bool store_begin(struct store *s)
{
	return exec_sql(s, "BEGIN IMMEDIATE");
}

bool store_commit(struct store *s)
{
	return exec_sql(s, "COMMIT");
}

void store_rollback(struct store *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ?1 ?2 ?3: a sender of a room, by name and signing key. */
static void bind_sender(sqlite3_stmt *st, int64_t room_id, const char *sender,
			const uint8_t sign_pk[E2E_SIGN_PK_BYTES])
{
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_text(st, 2, sender, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, sign_pk, E2E_SIGN_PK_BYTES, SQLITE_STATIC);
}

bool store_lookup(struct store *s, int64_t room_id, const char *sender,
		  const uint8_t sign_pk[E2E_SIGN_PK_BYTES], uint64_t counter, bool *found,
		  uint64_t *seq, uint8_t record[E2E_HASH_BYTES])
{
	sqlite3_stmt *st = prepare(s, "SELECT seq, record FROM messages WHERE room_id = ?1"
				      " AND sender = ?2 AND sign_pk = ?3 AND counter = ?4");
	int rc;

	*found = false;
	if (!st)
		return false;
	bind_sender(st, room_id, sender, sign_pk);
	sqlite3_bind_int64(st, 4, (int64_t)counter);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == E2E_HASH_BYTES) {
		*found = true;
		*seq = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(record, sqlite3_column_blob(st, 1), E2E_HASH_BYTES);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE || fail(s, "lookup");
}

bool store_last_of(struct store *s, int64_t room_id, const char *sender,
		   const uint8_t sign_pk[E2E_SIGN_PK_BYTES], bool *found, uint64_t *counter,
		   uint8_t record[E2E_HASH_BYTES], enum store_kind *kind)
{
	sqlite3_stmt *st = prepare(s, "SELECT counter, record, kind FROM messages WHERE room_id = ?1"
				      " AND sender = ?2 AND sign_pk = ?3 ORDER BY counter DESC LIMIT 1");
	int rc;

	*found = false;
	if (!st)
		return false;
	bind_sender(st, room_id, sender, sign_pk);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == E2E_HASH_BYTES) {
		*found = true;
		*counter = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(record, sqlite3_column_blob(st, 1), E2E_HASH_BYTES);
		if (kind)
			*kind = (enum store_kind)sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE || fail(s, "reading a sender's last message");
}

bool store_has_record(struct store *s, int64_t room_id, uint64_t seq,
		      const uint8_t record[E2E_HASH_BYTES], bool *found)
{
	sqlite3_stmt *st = prepare(s, "SELECT 1 FROM messages WHERE room_id = ?1 AND seq = ?2"
				      " AND record = ?3");
	int rc;

	*found = false;
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, (int64_t)seq);
	sqlite3_bind_blob(st, 3, record, E2E_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE || fail(s, "looking up a record");
}

bool store_move(struct store *s, int64_t room_id, const char *sender,
		const uint8_t sign_pk[E2E_SIGN_PK_BYTES], uint64_t counter, uint64_t seq)
{
	sqlite3_stmt *st = prepare(s, "UPDATE messages SET seq = ?5 WHERE room_id = ?1"
				      " AND sender = ?2 AND sign_pk = ?3 AND counter = ?4");

	if (!st)
		return false;
	bind_sender(st, room_id, sender, sign_pk);
	sqlite3_bind_int64(st, 4, (int64_t)counter);
	sqlite3_bind_int64(st, 5, (int64_t)seq);
	return exec(s, st, "renumbering a message");
}

bool store_add(struct store *s, int64_t room_id, struct store_msg *m)
{
	sqlite3_stmt *st = prepare(s, "INSERT INTO messages(room_id, seq, sender, sign_pk, epoch,"
				      " counter, time_ms, kind, mine, record, body)"
				      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	bool ok;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, (int64_t)m->seq);
	sqlite3_bind_text(st, 3, m->sender, -1, SQLITE_STATIC);
	if (m->trusted)
		sqlite3_bind_blob(st, 4, m->sign_pk, E2E_SIGN_PK_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)m->epoch);
	sqlite3_bind_int64(st, 6, (int64_t)m->counter);
	sqlite3_bind_int64(st, 7, m->time_ms);
	sqlite3_bind_int(st, 8, (int)m->kind);
	sqlite3_bind_int(st, 9, m->mine);
	sqlite3_bind_blob(st, 10, m->record, E2E_HASH_BYTES, SQLITE_STATIC);
	bind_sealed(s, st, 11, m->text, m->text_len);
	ok = exec(s, st, "keeping a message");
	if (ok)
		m->id = sqlite3_last_insert_rowid(s->db);
	return ok;
}

/* One row of `SELECT id, seq, sender, sign_pk, epoch, counter, time_ms,
 * kind, mine, record, body` into s->row; false if it is damaged. */
static bool read_row(struct store *s, sqlite3_stmt *st)
{
	struct store_msg *m = &s->row;
	const void *pk = sqlite3_column_blob(st, 3);
	const unsigned char *sender = sqlite3_column_text(st, 2);

	memset(m, 0, offsetof(struct store_msg, text));
	m->id = sqlite3_column_int64(st, 0);
	m->seq = (uint64_t)sqlite3_column_int64(st, 1);
	snprintf(m->sender, sizeof m->sender, "%s", sender ? (const char *)sender : "");
	m->trusted = pk && sqlite3_column_bytes(st, 3) == E2E_SIGN_PK_BYTES;
	if (m->trusted)
		memcpy(m->sign_pk, pk, E2E_SIGN_PK_BYTES);
	m->epoch = (uint64_t)sqlite3_column_int64(st, 4);
	m->counter = (uint64_t)sqlite3_column_int64(st, 5);
	m->time_ms = sqlite3_column_int64(st, 6);
	m->kind = (enum store_kind)sqlite3_column_int(st, 7);
	m->mine = sqlite3_column_int(st, 8) != 0;
	if (sqlite3_column_bytes(st, 9) == E2E_HASH_BYTES)
		memcpy(m->record, sqlite3_column_blob(st, 9), E2E_HASH_BYTES);
	return unseal(s, sqlite3_column_blob(st, 10), (size_t)sqlite3_column_bytes(st, 10),
		      m->text, E2E_TEXT_MAX, &m->text_len);
}

/* The last `tail` rows (0: all) with after_id < id < before_id (0: no
 * bound), then in order. */
static bool each_between(struct store *s, int64_t room_id, unsigned kinds, int64_t after_id,
			 int64_t before_id, size_t tail, store_each_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(s, "SELECT * FROM (SELECT id, seq, sender, sign_pk, epoch,"
				      " counter, time_ms, kind, mine, record, body FROM messages"
				      " WHERE room_id = ?1 AND id > ?2 AND id < ?5"
				      " AND ((1 << kind) & ?3) != 0"
				      " ORDER BY id DESC LIMIT ?4) ORDER BY id");
	bool ok = true;
	int rc;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int64(st, 3, kinds);
	sqlite3_bind_int64(st, 4, tail ? (int64_t)tail : -1);
	sqlite3_bind_int64(st, 5, before_id > 0 ? before_id : INT64_MAX);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		if (read_row(s, st))
			fn(&s->row, ctx);
		else /* one damaged row does not hide the others */
			fprintf(stderr, "e2e-chat: message %lld of the local store cannot be opened "
				"(damaged, or another identity's); skipped\n",
				(long long)sqlite3_column_int64(st, 0));
	}
	if (rc != SQLITE_DONE)
		ok = fail(s, "reading messages");
	sqlite3_finalize(st);
	sodium_memzero(s->row.text, sizeof s->row.text);
	return ok;
}

bool store_each(struct store *s, int64_t room_id, unsigned kinds, int64_t after_id,
		size_t tail, store_each_fn fn, void *ctx)
{
	return each_between(s, room_id, kinds, after_id, 0, tail, fn, ctx);
}

bool store_each_before(struct store *s, int64_t room_id, unsigned kinds, int64_t before_id,
		       size_t limit, store_each_fn fn, void *ctx)
{
	return each_between(s, room_id, kinds, 0, before_id, limit, fn, ctx);
}

bool store_count_kind(struct store *s, int64_t room_id, enum store_kind kind, uint64_t *count)
{
	int64_t n = 0;
	bool ok = room_number(s, "SELECT count(*) FROM messages WHERE room_id = ?1 AND kind = ?2",
			      room_id, true, kind, &n, "counting messages");

	*count = (uint64_t)n;
	return ok;
}

bool store_last_id(struct store *s, int64_t room_id, int64_t *last_id)
{
	return room_number(s, "SELECT coalesce(max(id), 0) FROM messages WHERE room_id = ?1",
			   room_id, false, 0, last_id, "reading the last message");
}

bool store_count(struct store *s, int64_t room_id, unsigned kinds, int64_t after_id,
		 uint64_t *count, int64_t *last_id)
{
	sqlite3_stmt *st = prepare(s, "SELECT count(*), coalesce(max(id), 0) FROM messages"
				      " WHERE room_id = ?1 AND id > ?2 AND ((1 << kind) & ?3) != 0");
	bool ok = false;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int64(st, 3, kinds);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*count = (uint64_t)sqlite3_column_int64(st, 0);
		*last_id = sqlite3_column_int64(st, 1);
		ok = true;
	}
	sqlite3_finalize(st);
	return ok || fail(s, "counting messages");
}

bool store_room_reset(struct store *s, int64_t room_id)
{
	static const char *const sql[] = {
		"DELETE FROM messages WHERE room_id = ?1",
		"DELETE FROM outbox WHERE room_id = ?1",
		"DELETE FROM states WHERE room_id = ?1",
		"UPDATE rooms SET fetched = 0, probe_after = 0, probed_ms = 0, seen = 0"
		" WHERE id = ?1",
	};
	sqlite3_stmt *st;
	bool ok = store_begin(s);

	for (size_t i = 0; ok && i < sizeof sql / sizeof sql[0]; i++) {
		st = prepare(s, sql[i]);
		if (st)
			sqlite3_bind_int64(st, 1, room_id);
		ok = exec(s, st, "forgetting a room");
	}
	if (ok)
		return store_commit(s);
	store_rollback(s);
	return false;
}

bool store_add_state(struct store *s, int64_t room_id, uint64_t revision, uint64_t epoch,
		     const uint8_t *payload, size_t len, const uint8_t sig[E2E_SIG_BYTES],
		     int64_t accepted_ms)
{
	sqlite3_stmt *st = prepare(s, "INSERT OR IGNORE INTO states(room_id, revision, epoch,"
				      " payload, sig, accepted_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

	if (!st)
		return false;
	sqlite3_bind_int64(st, 6, accepted_ms);
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, (int64_t)revision);
	sqlite3_bind_int64(st, 3, (int64_t)epoch);
	sqlite3_bind_blob64(st, 4, payload, len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, sig, E2E_SIG_BYTES, SQLITE_STATIC);
	return exec(s, st, "keeping a room state");
}

bool store_state_hash(struct store *s, int64_t room_id, uint64_t revision,
		      uint8_t hash[E2E_HASH_BYTES], bool *found)
{
	sqlite3_stmt *st = prepare(s, "SELECT payload FROM states WHERE room_id = ?1"
				      " AND revision = ?2");
	int rc;
	bool ok = false;

	*found = false;
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, (int64_t)revision);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ok = *found = transcript_state_hash(hash, sqlite3_column_blob(st, 0),
						    (size_t)sqlite3_column_bytes(st, 0));
	else
		ok = rc == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok || fail(s, "reading a room state");
}

bool store_newer_epoch_since(struct store *s, int64_t room_id, uint64_t revision,
			     uint64_t epoch, int64_t *accepted_ms, bool *found)
{
	sqlite3_stmt *st = prepare(s, "SELECT min(accepted_ms) FROM states WHERE room_id = ?1"
				      " AND revision > ?2 AND epoch > ?3");
	bool ok = false;

	*found = false;
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, (int64_t)revision);
	sqlite3_bind_int64(st, 3, (int64_t)epoch);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*found = sqlite3_column_type(st, 0) != SQLITE_NULL;
		*accepted_ms = sqlite3_column_int64(st, 0);
		ok = true;
	}
	sqlite3_finalize(st);
	return ok || fail(s, "reading the room state history");
}

bool store_count_states(struct store *s, int64_t room_id, uint64_t *count)
{
	int64_t n = 0;
	bool ok = room_number(s, "SELECT count(*) FROM states WHERE room_id = ?1", room_id, false,
			      0, &n, "counting room states");

	*count = (uint64_t)n;
	return ok;
}

bool store_cursor_get(struct store *s, int64_t room_id, struct store_cursor *cur)
{
	sqlite3_stmt *st = prepare(s, "SELECT fetched, probe_after, probed_ms, seen FROM rooms"
				      " WHERE id = ?1");
	bool ok = false;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		cur->fetched = (uint64_t)sqlite3_column_int64(st, 0);
		cur->probe_after = (uint64_t)sqlite3_column_int64(st, 1);
		cur->probed_ms = sqlite3_column_int64(st, 2);
		cur->seen = sqlite3_column_int64(st, 3);
		ok = true;
	}
	sqlite3_finalize(st);
	return ok || fail(s, "reading the cursor");
}

bool store_cursor_set(struct store *s, int64_t room_id, const struct store_cursor *cur)
{
	sqlite3_stmt *st = prepare(s, "UPDATE rooms SET fetched = ?2, probe_after = ?3,"
				      " probed_ms = ?4 WHERE id = ?1");

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, (int64_t)cur->fetched);
	sqlite3_bind_int64(st, 3, (int64_t)cur->probe_after);
	sqlite3_bind_int64(st, 4, cur->probed_ms);
	return exec(s, st, "saving the cursor");
}

bool store_mark_seen(struct store *s, int64_t room_id, int64_t id)
{
	return room_change(s, "UPDATE rooms SET seen = max(seen, ?2) WHERE id = ?1", room_id, id,
			   "marking messages seen");
}

bool store_outbox_add(struct store *s, int64_t room_id, const struct store_out *o)
{
	sqlite3_stmt *st = prepare(s, "INSERT INTO outbox(room_id, counter, leave, record, prev,"
				      " body, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, (int64_t)o->counter);
	sqlite3_bind_int(st, 3, o->leave);
	sqlite3_bind_blob(st, 4, o->record, E2E_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, o->prev, E2E_HASH_BYTES, SQLITE_STATIC);
	bind_sealed(s, st, 6, o->body, strlen(o->body));
	bind_sealed(s, st, 7, o->text, o->text_len);
	return exec(s, st, "queueing a message");
}

bool store_outbox_first(struct store *s, int64_t room_id, struct store_out *o, bool *found)
{
	sqlite3_stmt *st = prepare(s, "SELECT counter, leave, attempts, record, prev, body, text"
				      " FROM outbox WHERE room_id = ?1 ORDER BY counter LIMIT 1");
	size_t body_len;
	int rc;

	*found = false;
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		o->counter = (uint64_t)sqlite3_column_int64(st, 0);
		o->leave = sqlite3_column_int(st, 1) != 0;
		o->attempts = (unsigned)sqlite3_column_int(st, 2);
		o->damaged = sqlite3_column_bytes(st, 3) != E2E_HASH_BYTES ||
			     sqlite3_column_bytes(st, 4) != E2E_HASH_BYTES ||
			     !unseal(s, sqlite3_column_blob(st, 5), (size_t)sqlite3_column_bytes(st, 5),
				     o->body, STORE_BODY_MAX, &body_len) ||
			     !unseal(s, sqlite3_column_blob(st, 6), (size_t)sqlite3_column_bytes(st, 6),
				     o->text, E2E_TEXT_MAX, &o->text_len);
		if (!o->damaged) {
			memcpy(o->record, sqlite3_column_blob(st, 3), E2E_HASH_BYTES);
			memcpy(o->prev, sqlite3_column_blob(st, 4), E2E_HASH_BYTES);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE || fail(s, "reading the outbox");
}

bool store_outbox_remove(struct store *s, int64_t room_id, uint64_t counter)
{
	return room_change(s, "DELETE FROM outbox WHERE room_id = ?1 AND counter = ?2", room_id,
			   (int64_t)counter, "removing a sent message");
}

bool store_outbox_attempted(struct store *s, int64_t room_id, uint64_t counter)
{
	return room_change(s, "UPDATE outbox SET attempts = attempts + 1 WHERE room_id = ?1"
			      " AND counter = ?2", room_id, (int64_t)counter, "counting an attempt");
}

bool store_outbox_count(struct store *s, int64_t room_id, uint64_t *count)
{
	int64_t n = 0;
	bool ok = room_number(s, "SELECT count(*) FROM outbox WHERE room_id = ?1", room_id, false,
			      0, &n, "counting the outbox");

	*count = (uint64_t)n;
	return ok;
}

bool store_outbox_last(struct store *s, int64_t room_id, bool *found, uint64_t *counter,
		       uint8_t record[E2E_HASH_BYTES])
{
	sqlite3_stmt *st = prepare(s, "SELECT counter, record FROM outbox WHERE room_id = ?1"
				      " ORDER BY counter DESC LIMIT 1");
	int rc;

	*found = false;
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, room_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == E2E_HASH_BYTES) {
		*found = true;
		*counter = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(record, sqlite3_column_blob(st, 1), E2E_HASH_BYTES);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE || fail(s, "reading the outbox");
}

bool store_each_room(struct store *s, store_room_fn fn, void *ctx)
{
	sqlite3_stmt *st = prepare(
		s, "SELECT r.relay, r.room,"
		   " (SELECT count(*) FROM messages m WHERE m.room_id = r.id AND m.id > r.seen"
		   "  AND m.mine = 0 AND ((1 << m.kind) & ?1) != 0),"
		   " (SELECT count(*) FROM outbox o WHERE o.room_id = r.id),"
		   " (SELECT count(*) FROM messages m WHERE m.room_id = r.id"
		   "  AND ((1 << m.kind) & ?1) != 0)"
		   " FROM rooms r ORDER BY r.relay, r.room");
	struct store_room_info r;
	int rc;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, STORE_VISIBLE);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		r = (struct store_room_info){(const char *)sqlite3_column_text(st, 0),
					     (const char *)sqlite3_column_text(st, 1),
					     (uint64_t)sqlite3_column_int64(st, 2),
					     (uint64_t)sqlite3_column_int64(st, 3),
					     (uint64_t)sqlite3_column_int64(st, 4)};
		if (r.relay && r.room)
			fn(&r, ctx);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || fail(s, "listing rooms");
}
