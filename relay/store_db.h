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
	ST_MEMBER_REJOIN,
	ST_WRAPS_DROP,
	/* states and wraps (store_states.c) */
	ST_STATE_INSERT,
	ST_STATE_HEAD,
	ST_STATE_GET,
	ST_WRAP_PUT,
	ST_WRAPS_LIST,
	/* messages (store_messages.c) */
	ST_COUNTER_RAISE,
	ST_MSG_INSERT, /* returns the new seq */
	ST_MSGS_LIST,
	ST_MSGS_EXPIRE,
	ST_MSGS_TRIM,
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
 * outcome. `membership` says the transaction may have changed rooms,
 * members or states (store_membership_version moves on after it). */
enum e2e_err store_txn_begin(struct store *st);
enum e2e_err store_txn_end(struct store *st, enum e2e_err err, bool membership);

/* The limits of `st` (store_set_limits). */
const struct store_limits *store_limits_of(const struct store *st);
/* THE room version rule (store.h): after a commit that added or removed
 * messages in room_id. */
void store_room_bump(struct store *st, int64_t room_id);

/* Column readers over any backend's row. */
int64_t store_col_int(const struct store_row *r, int col);
uint64_t store_col_u64(const struct store_row *r, int col);
bool store_col_null(const struct store_row *r, int col);
/* A blob of exactly `len` bytes into out. */
bool store_col_blob(const struct store_row *r, int col, uint8_t *out, size_t len);
/* A text into out (cap bytes with its NUL). */
bool store_col_text(const struct store_row *r, int col, char *out, size_t cap);
const void *store_col_bytes(const struct store_row *r, int col, size_t *len);

/* One integer (the first column of the first row) of a query. */
enum e2e_err store_one_int(struct store *st, enum store_stmt id, int64_t *out,
			   const char *fmt, ...);

#endif
