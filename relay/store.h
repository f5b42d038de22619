/* store.h - the relay's database: rooms, members, join challenges, signed
 * states, key wraps and messages. One interface, two backends with the
 * same semantics: an SQLite file (WAL, synchronous=FULL; the default) or
 * a PostgreSQL server that several relays may share (relay/store_db.h
 * says how: the table-family code is written once, each backend gives
 * its SQL). Every write that touches more than one row runs in one
 * transaction, so a caller that gets E2E_OK knows the change is
 * committed and one that gets an error knows nothing changed. A store
 * (one connection) is used from one thread at a time; several stores on
 * one database may serve several threads if they share a write lock.
 * Every query is keyed by room (docs/OPERATING.md: sharding). */
#ifndef RELAY_STORE_H
#define RELAY_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "wire.h"

struct store;

/* A room as stored: its public parameters (pub.id: the room id its
 * creator picked, zero for a room of protocol v1) and the access key that
 * checks join proofs (never served). */
struct store_room {
	int64_t id;
	/* the protocol version the room was made with: E2E_PROTO_VERSION, or
	 * 1 for a room left from before (read only: every write refused) */
	int64_t v;
	/* on a shared database, moves with every commit that changes the
	 * room's members or states, through whichever relay (0 otherwise) */
	uint64_t members_version;
	struct wire_room pub;
	uint8_t access_pk[E2E_SIGN_PK_BYTES];
};

/* A registered member of one room. */
struct store_member {
	struct wire_member rec;
	bool admitted;
	bool removed; /* left or was removed: its token no longer works */
	int64_t joined_at;
	uint64_t last_counter;
};

/* A signed state: payload bytes (owned, malloc'd), the signature and
 * the admission MAC (none in a state of protocol v1). */
struct store_state {
	uint64_t revision;
	uint64_t epoch;
	uint8_t *payload;
	size_t len;
	uint8_t sig[E2E_SIG_BYTES];
	bool has_mac;
	uint8_t mac[E2E_MAC_BYTES];
};

/* What a signed state changes beside itself and its wraps, in its
 * transaction. */
struct store_state_change {
	/* members of the current state the new one drops: marked removed
	 * (their tokens stop at once; one removed already stays so) */
	const char *const *dropped;
	size_t n_dropped;
	/* the room's new salt, limits and access key (a password change);
	 * NULL: unchanged */
	const struct wire_access *access;
	int64_t now;
};

/* What the relay keeps (relay --max-rooms, --max-messages,
 * --retention-days); store_open starts with the defaults. */
struct store_limits {
	int64_t max_rooms;    /* rooms per relay */
	int64_t max_messages; /* per room: beyond it, the oldest expire */
	int64_t retention_s;  /* messages received longer ago expire; 0: never */
};
#define STORE_MAX_ROOMS 10000
#define STORE_MAX_MESSAGES 100000
#define STORE_RETENTION_S (30 * 86400)

/* Open (creating if needed) the database `where`: a PostgreSQL
 * connection URI (postgresql://USER@HOST:PORT/DB, or postgres://), else
 * an SQLite file name (":memory:" works). The schema is created or
 * brought to the current version. NULL on failure, with a reason in
 * `why` (at least 128 bytes). */
struct store *store_open(const char *where, char *why, size_t why_len);
void store_close(struct store *st);
/* Whether `where` names a database server (PostgreSQL) rather than a file. */
bool store_name_is_server(const char *where);
/* Whether the last failure of `st` was its database being unreachable
 * (a server restarting): the request is answered 503 with Retry-After,
 * and the store reconnects on a later use. */
bool store_unavailable(struct store *st);
/* Make every transaction of `st` hold `lock` from BEGIN to COMMIT or
 * ROLLBACK, and count its membership changes in `*membership_version`:
 * both shared by all the stores of one relay process. */
void store_share(struct store *st, pthread_mutex_t *lock, uint64_t *membership_version);

/* The membership version: how many commits have changed rooms, members
 * or states (joins, signed states, removals; not messages or
 * challenges). It moves on right after such a commit, so something read
 * from the store after taking the version is current for as long as the
 * version stays the same (relay/authcache.h relies on it). */
uint64_t store_membership_version(struct store *st);

/* The room version (not the membership version above): every commit
 * that adds or removes messages in a room moves that room's version on.
 * The store keeps this rule in ONE place (store_room_changed in
 * store_db.h, called inside every such transaction: posts, group
 * commits, expiry and the sweep; it acts once the commit is done) and
 * tells `changed`; the relay wires it to the long-poll registry
 * (waiters_room_changed), which keeps the versions, wakes the room's
 * readers, and keys the reply cache. Without a watcher nothing is told. */
typedef void (*store_room_fn)(void *ctx, int64_t room_id);
void store_watch_rooms(struct store *st, store_room_fn changed, void *ctx);

/* ---- several relays on one database (PostgreSQL) ---- */

/* Whether other relays may write to this database too: then what a
 * relay remembers (relay/authcache.h) must be checked against it. */
bool store_shared(const struct store *st);
/* The room's membership version as stored now (0 unless shared). */
enum e2e_err store_room_members_version(struct store *st, int64_t room_id, uint64_t *out);
/* The room's newest seq as stored now, 0 if none. */
enum e2e_err store_room_max_seq(struct store *st, int64_t room_id, uint64_t *out);
/* The server's id of this store's connection (0: none or not shared). */
int store_session(struct store *st);

/* The notification feed: a connection of its own that hears every
 * commit of every relay that added or removed messages (room id and
 * newest seq, 0 for removals; `session` is the committing connection,
 * store_session). NULL, with a reason, if `where` is not shared. */
struct store_feed;
typedef void (*store_feed_fn)(void *ctx, int64_t room_id, uint64_t seq, int session);
struct store_feed *store_feed_open(const char *where, char *why, size_t why_len);
void store_feed_close(struct store_feed *f);
/* Wait up to timeout_ms, handing each notification to fn: 1 if the feed
 * (re)connected during the call (notifications before it may be lost:
 * the caller re-checks), 0 if it heard all there was, -1 if the server
 * is unreachable (it tries again on a later call, at most once a second). */
int store_feed_wait(struct store_feed *f, int timeout_ms, store_feed_fn fn, void *ctx);

void store_set_limits(struct store *st, const struct store_limits *limits);

/* Room, its creator (admitted, with the token hash), state revision and
 * the creator's wraps, in one transaction. E2E_ERR_ROOM_EXISTS if taken,
 * E2E_ERR_LIMIT if the relay holds max_rooms rooms already.
 * Sets room->id. */
enum e2e_err store_room_create(struct store *st, struct store_room *room,
			       const struct wire_member *creator,
			       const uint8_t token_hash[E2E_TOKEN_BYTES],
			       const struct store_state *state,
			       const struct wire_wrap *wraps, size_t n_wraps);
/* E2E_ERR_NO_ROOM if there is no room `name`. */
enum e2e_err store_room_get(struct store *st, const char *name, struct store_room *out);

/* Purge expired challenges, then add one expiring at `expires_at`.
 * E2E_ERR_BUSY if the room already has E2E_CHALLENGES_MAX outstanding. */
enum e2e_err store_challenge_add(struct store *st, int64_t room_id,
				 const uint8_t nonce[E2E_NONCE_BYTES], int64_t now,
				 int64_t expires_at);
/* Delete the challenge; E2E_OK only if it existed and had not expired. */
enum e2e_err store_challenge_take(struct store *st, int64_t room_id,
				  const uint8_t nonce[E2E_NONCE_BYTES], int64_t now);

/* Register a pending member. E2E_ERR_NAME_TAKEN if the name is used
 * by a member who was not removed (a removed member's name is taken
 * over, its old wraps dropped), E2E_ERR_BUSY if the room holds
 * E2E_ROOM_MEMBERS_MAX members. */
enum e2e_err store_member_add(struct store *st, int64_t room_id,
			      const struct wire_member *m,
			      const uint8_t token_hash[E2E_TOKEN_BYTES], int64_t now);
/* E2E_ERR_UNAUTHORIZED if no member of the room has this token hash. */
enum e2e_err store_member_by_token(struct store *st, int64_t room_id,
				   const uint8_t token_hash[E2E_TOKEN_BYTES],
				   struct store_member *out);
/* E2E_ERR_NO_MEMBER if the room has no member `name`. */
enum e2e_err store_member_get(struct store *st, int64_t room_id, const char *name,
			      struct store_member *out);

typedef enum e2e_err (*store_member_fn)(void *ctx, const struct store_member *m);
/* Calls fn for each member in order of registration; stops at an error. */
enum e2e_err store_members_each(struct store *st, int64_t room_id,
				store_member_fn fn, void *ctx);

/* The newest state's revision and epoch, without its payload. */
enum e2e_err store_state_head(struct store *st, int64_t room_id, uint64_t *revision,
			      uint64_t *epoch);
/* The newest state; E2E_ERR_INTERNAL if the room has none (it always has).
 * Free with store_state_clear. */
enum e2e_err store_state_get(struct store *st, int64_t room_id, struct store_state *out);
void store_state_clear(struct store_state *s);
/* The states of revisions above `after`, oldest first, at most `max`
 * (E2E_STATES_READ_MAX): each handed to `fn`, whose error stops. */
enum e2e_err store_states_after(struct store *st, int64_t room_id, uint64_t after,
				unsigned max,
				enum e2e_err (*fn)(void *ctx, const struct store_state *s),
				void *ctx);

/* New state, admitted members, wraps, and what `change` says (dropped
 * members removed, new access), in one transaction.
 * E2E_ERR_STALE unless state->revision is the stored one plus one. */
enum e2e_err store_state_post(struct store *st, int64_t room_id,
			      const struct store_state *state,
			      const struct wire_state *payload,
			      const struct wire_wrap *wraps, size_t n_wraps,
			      const struct store_state_change *change);

typedef enum e2e_err (*store_wrap_fn)(void *ctx, const struct wire_wrap *w);
/* Calls fn for each wrap for `member`, oldest epoch first. */
enum e2e_err store_wraps_each(struct store *st, int64_t room_id, const char *member,
			      store_wrap_fn fn, void *ctx);

/* Store a message (m->sender and m->received_at set by the caller) and
 * raise the sender's last counter, in one transaction; sets m->seq.
 * The same transaction expires the room's messages beyond the limits
 * (older than the retention, counting from m->received_at; the oldest
 * beyond max_messages).
 * E2E_ERR_COUNTER unless m->counter is above the sender's last. The
 * room's version moves on after the commit (store_watch_rooms). */
enum e2e_err store_msg_add(struct store *st, int64_t room_id, struct wire_msg *m);

/* One message of a group commit. */
struct store_msg_job {
	int64_t room_id;
	struct wire_msg *m;
};
/* Group commit: store_msg_add for each of `n` messages, in order, in ONE
 * transaction (one fsync). errs[i] is each one's outcome (E2E_ERR_COUNTER
 * skips that message only); if the transaction fails nothing is stored,
 * every errs[i] is the failure, and so is the result. After the commit
 * the version of every room that got a message moves on, whichever job
 * of the batch it was (store_watch_rooms). */
enum e2e_err store_msgs_add(struct store *st, const struct store_msg_job *jobs, size_t n,
			    enum e2e_err *errs);

/* Expire messages (as store_msg_add does) in up to `n_rooms` rooms with
 * ids above *cursor, in one transaction: rooms nobody posts to expire
 * too. *cursor moves on, and back to 0 after the last room. After the
 * commit the version of each room that lost messages moves on, so that
 * no reply cached before is served again. */
enum e2e_err store_sweep(struct store *st, int64_t now, int64_t *cursor, unsigned n_rooms);

typedef enum e2e_err (*store_msg_fn)(void *ctx, const struct wire_msg *m);
/* Calls fn for at most `limit` messages with seq > after, oldest first. */
enum e2e_err store_msgs_each(struct store *st, int64_t room_id, uint64_t after,
			     unsigned limit, store_msg_fn fn, void *ctx);

/* Mark a member removed (it left): its token stops working at once.
 * E2E_ERR_NO_MEMBER if unknown or removed already. */
enum e2e_err store_member_remove(struct store *st, int64_t room_id, const char *name,
				 int64_t now);
/* The same for a member still pending (an admin declined it);
 * E2E_ERR_NO_MEMBER also if a state admitted it meanwhile. */
enum e2e_err store_member_decline(struct store *st, int64_t room_id, const char *name,
				  int64_t now);

#endif
