/* store_db.h - inside the store (relay/store*.c only): the statements,
 * the one helper that runs them, and what a database backend provides.
 *
 * The table-family files (store_rooms.c, store_members.c,
 * store_states.c, store_messages.c) are written once, against statement
 * ids; each backend (store_sqlite.c, store_pg.c) holds its own schema,
 * the SQL text of every id, and runs them with bound parameters only.
 * So both backends have the same semantics by construction: the same
 * sequence of statements in the same transactions.
 *
 * Invariants the backends keep:
 * - a statement's parameters come from store_run's format, in order
 *   ('i' int64_t, 't' NUL-terminated text, 'b' bytes then size_t);
 * - a constraint violation (unique, primary or foreign key, check) is
 *   STORE_RC_CONFLICT and nothing else is;
 * - STORE_RC_DOWN means the database could not be reached (the request
 *   is answered 503; the backend reconnects on a later use);
 * - rows are handed over one at a time, valid only during the call. */
#ifndef RELAY_STORE_DB_H
#define RELAY_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	/* rooms (store_rooms.c) */
	ST_ROOM_INSERT, /* returns the new id */
	ST_ROOM_GET,
	ST_ROOM_COUNT,
	ST_ROOM_IDS,
	ST_ROOM_LOCK, /* returns n_messages; holds the room's row until the end */
	ST_ROOM_MSGS_SET,
	ST_ROOM_ACCESS_SET,
	/* challenges and members (store_members.c) */
	ST_CHAL_PURGE,
	ST_CHAL_COUNT,
	ST_CHAL_INSERT,
	ST_CHAL_TAKE,
	ST_MEMBER_INSERT, /* changes nothing if the name is taken */
	ST_MEMBER_COUNT,
	ST_MEMBER_BY_TOKEN,
	ST_MEMBER_GET,
	ST_MEMBERS_LIST,
	ST_MEMBER_ADMIT,
	ST_MEMBER_REMOVE,
	ST_MEMBER_DECLINE,
	ST_MEMBERS_DECLINE_PENDING,
	ST_MEMBER_REJOIN,
	ST_WRAPS_DROP,
	/* states and wraps (store_states.c) */
	ST_STATE_INSERT,
	ST_STATE_HEAD,
	ST_STATE_GET,
	ST_STATES_AFTER,
	ST_WRAP_PUT,
	ST_WRAPS_LIST,
	/* messages (store_messages.c) */
	ST_COUNTER_RAISE,
	ST_MSG_INSERT, /* returns the new seq */
	ST_MSGS_LIST,
	ST_MSGS_EXPIRE,
	ST_MSGS_TRIM,
	/* several relays on one database (run only when the backend is
	 * shared; a backend that is not gives a harmless statement) */
	ST_ROOM_NOTIFY,          /* tell the other relays: payload "ROOM SEQ" */
	ST_SWEEP_LOCK,           /* 1 if this transaction may sweep, else 0 */
	ST_ROOM_MEMBERS_VERSION, /* the room's membership version */
	ST_ROOM_MEMBERS_BUMP,    /* move it on */
	ST_ROOM_MAX_SEQ,         /* the room's newest seq, 0 if none */
	ST__COUNT
};

/* The member columns every member query returns, in this order. */
#define STORE_MEMBER_COLS \
	"name, v, sign_pk, box_pk, mac, status, joined_at, last_counter, removed_at"

#define STORE_PARAMS_MAX 12

struct store_param {
	char type; /* 'i', 't' or 'b' */
	int64_t i;
	const void *p; /* 't': the text; 'b': the bytes */
	size_t len;    /* 'b' only */
};

enum store_rc {
	STORE_RC_OK,
	STORE_RC_CONFLICT,
	STORE_RC_DOWN,
	STORE_RC_FAIL,
};

/* The current row of a query (a backend's cursor). */
struct store_row {
	const struct store_backend *be;
	void *impl;
	int index;
};

/* Called per row; false stops the query (the caller keeps why). */
typedef bool (*store_row_cb)(void *ctx, const struct store_row *row);

struct store_backend {
	const char *name; /* "sqlite", "postgresql" */
	bool shared;      /* several relays may use one database at once */
	/* Connect to `where` and bring its schema to the current version;
	 * NULL with a reason on failure. */
	void *(*open)(const char *where, char *why, size_t why_len);
	void (*close)(void *db);
	enum store_rc (*run)(void *db, enum store_stmt id, const struct store_param *params,
			     size_t n_params, store_row_cb row, void *ctx, int64_t *changes);
	bool (*in_txn)(void *db);
	bool (*down)(void *db);
	const char *(*errmsg)(void *db);
	int64_t (*col_int)(const struct store_row *r, int col);
	bool (*col_null)(const struct store_row *r, int col);
	/* NULL for NULL; *len bytes (text: without a NUL) */
	const void *(*col_bytes)(const struct store_row *r, int col, size_t *len);
	/* the server's id of this connection (0: none), for store_feed */
	int (*session)(void *db);
	/* shared backends: the notification feed (store.h, store_feed_*) */
	void *(*feed_open)(const char *where, char *why, size_t why_len);
	void (*feed_close)(void *feed);
	int (*feed_wait)(void *feed, int timeout_ms, store_feed_fn fn, void *ctx);
};

extern const struct store_backend store_sqlite_backend;
extern const struct store_backend store_pg_backend;

/* What one run gives back (all optional: a NULL struct store_q runs a
 * statement for its effect only). */
typedef enum e2e_err (*store_row_fn)(void *ctx, const struct store_row *row);
struct store_q {
	enum e2e_err conflict; /* a constraint violation means this (0: internal) */
	store_row_fn row;      /* each row; an error stops and is the result */
	void *ctx;
	int64_t changes; /* out: rows inserted, updated or deleted */
	size_t rows;     /* out: rows handed to `row` */
};

/* THE bind/step/reset sequence: run statement `id` with parameters from
 * `fmt` (see above). E2E_OK; q->conflict on a constraint violation; the
 * row function's error; else E2E_ERR_INTERNAL, logged with the
 * statement's name (a database that is down is remembered:
 * store_unavailable). */
enum e2e_err store_run(struct store *st, enum store_stmt id, struct store_q *q,
		       const char *fmt, ...);

/* Transactions: every store_txn_begin is paired with one store_txn_end,
 * which commits if err is E2E_OK (else rolls back) and returns the
 * outcome; after a commit it does what store_room_changed and
 * store_members_changed asked for. */
enum e2e_err store_txn_begin(struct store *st);
enum e2e_err store_txn_end(struct store *st, enum e2e_err err);

/* THE room version rule (store.h), inside the transaction that adds or
 * removes messages in `room_id` (`seq`: the newest added, 0 for a
 * removal): once it commits, the room's version moves on (the watcher
 * is told), and on a shared database the other relays are told in the
 * same commit (a notification, delivered only if it commits). */
enum e2e_err store_room_changed(struct store *st, int64_t room_id, uint64_t seq);
/* Inside a transaction that changes the room's members or states: once
 * it commits, the membership version moves on (and on a shared
 * database, the room's own, which every relay checks). */
enum e2e_err store_members_changed(struct store *st, int64_t room_id);
/* Whether this transaction may sweep (on a shared database, one relay at
 * a time: an advisory lock until the transaction ends). */
enum e2e_err store_sweep_turn(struct store *st, bool *mine);

/* The limits of `st` (store_set_limits). */
const struct store_limits *store_limits_of(const struct store *st);

/* Column readers over any backend's row. */
int64_t store_col_int(const struct store_row *r, int col);
uint64_t store_col_u64(const struct store_row *r, int col);
bool store_col_null(const struct store_row *r, int col);
/* A blob of exactly `len` bytes into out. */
bool store_col_blob(const struct store_row *r, int col, uint8_t *out, size_t len);
/* A text into out (cap bytes with its NUL). */
bool store_col_text(const struct store_row *r, int col, char *out, size_t cap);
const void *store_col_bytes(const struct store_row *r, int col, size_t *len);

/* ---- statements one family runs for another ---- */

/* store_members.c: E2E_ERR_NAME_TAKEN if the room has that name. */
enum e2e_err store_member_insert(struct store *st, int64_t room_id,
				 const struct wire_member *m, bool admitted,
				 const uint8_t token_hash[E2E_TOKEN_BYTES], int64_t now);
/* store_members.c: admit every member `payload` lists; E2E_ERR_BAD_FIELD
 * if one is not registered or was removed. */
enum e2e_err store_members_admit(struct store *st, int64_t room_id,
				 const struct wire_state *payload);
/* store_members.c: mark every pending member removed inside the caller's
 * transaction (a state that changes the room's password). */
enum e2e_err store_members_decline_pending(struct store *st, int64_t room_id, int64_t now);
/* store_members.c: mark `name` removed inside the caller's transaction
 * (a member a signed state drops); one removed already stays so. */
enum e2e_err store_member_drop(struct store *st, int64_t room_id, const char *name,
			       int64_t now);
/* store_states.c: E2E_ERR_STALE if the revision is taken. */
enum e2e_err store_state_insert(struct store *st, int64_t room_id,
				const struct store_state *state);
/* store_states.c: E2E_ERR_BAD_FIELD for a wrap of someone unregistered. */
enum e2e_err store_wraps_put(struct store *st, int64_t room_id, const struct wire_wrap *wraps,
			     size_t n);
/* store_rooms.c: up to `max` room ids above `after`, ascending. */
enum e2e_err store_room_ids(struct store *st, int64_t after, int64_t *ids, unsigned max,
			    unsigned *n);
/* store_rooms.c: the room's message count, its row locked until the
 * transaction ends. */
enum e2e_err store_room_lock(struct store *st, int64_t room_id, int64_t *n_messages);
enum e2e_err store_room_msgs_set(struct store *st, int64_t room_id, int64_t n);
/* store_rooms.c: the room's salt, limits and access key from now on (a
 * signed state changed them). */
enum e2e_err store_room_access_set(struct store *st, int64_t room_id,
				   const struct wire_access *a);

/* Rows changed through `st` since it opened (writes rolled back
 * included): the fuzz harnesses re-seed after an input that wrote. */
uint64_t store_total_changes(const struct store *st);

/* One integer (the first column of the first row) of a query. */
enum e2e_err store_one_int(struct store *st, enum store_stmt id, int64_t *out,
			   const char *fmt, ...);

#endif
