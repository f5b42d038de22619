/* store.h - the profile's local store: PROFILE/store.db, SQLite in WAL
 * mode, mode 0600, shared by every e2e-chat process of the profile.
 *
 * What it keeps, per (relay, room):
 *  - every message the client has processed from the relay, in the order
 *    it processed them (the local id): the relay's seq, the sender (and
 *    its signing key once trusted), epoch, counter, the sender's time, the
 *    text or the reason it was refused, and the record's chain hash
 *    (msg.h), which names the exact bytes the sender signed;
 *  - the fetch cursor: the relay seq the next request asks after, and
 *    where the last page with new messages began (fetchcursor.h);
 *  - the outbox: messages sealed once, with their counter, kept verbatim
 *    until the relay is seen to hold them;
 *  - the trusted state history: every creator-signed state accepted;
 *  - what the user has seen (the highest local id shown), for unread counts.
 * Invariants: one row per (room, sender, signing key, counter) among
 * trusted messages, so a record the relay serves again is compared with
 * the one kept and never replaces it; texts (and the outbox's bodies) are
 * sealed at rest with crypto_secretbox under a key derived from the
 * identity (store_open), so the file alone reads as well as the relay's
 * disk; a passphrase on the identity protects them too. Writes that
 * belong together run in one transaction (store_begin/store_commit).
 * The room's membership itself (keys, signed state, counters) is still in
 * its room file (roomfile.h). */
#ifndef E2E_STORE_H
#define E2E_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "identity.h"
#include "proto.h"

/* The schema this code writes (SQLite's user_version); an older one is
 * migrated on open, a newer one refused. */
#define STORE_SCHEMA_VERSION 2

/* The largest message POST body kept in the outbox (a sealed text of
 * E2E_TEXT_MAX bytes, in base64, with its fields, is under 40 KiB). */
#define STORE_BODY_MAX (48 * 1024)

struct store;

enum store_kind {
	STORE_SHOWN = 1,  /* authentic: the text */
	STORE_LEAVE,      /* the sender's signed departure */
	STORE_REFUSED,    /* failed a check: the reason, never shown as a message */
	STORE_UNREADABLE, /* authentic sender unknown yet or no key for its epoch */
	STORE_EARLIER,    /* sent before this member's first key (history: joined) */
};

struct store_msg {
	int64_t id; /* local order, set by the store */
	uint64_t seq;
	uint64_t epoch;
	uint64_t counter;
	int64_t time_ms;
	char sender[E2E_MEMBER_NAME_MAX + 1];
	bool trusted; /* sign_pk holds the sender's key from the signed state */
	bool mine;    /* sent by this member (from this or another process) */
	uint8_t sign_pk[E2E_SIGN_PK_BYTES];
	enum store_kind kind;
	uint8_t record[E2E_HASH_BYTES];
	size_t text_len;
	char text[E2E_TEXT_MAX + 1]; /* NUL-terminated: the text, or why refused */
};

/* A message sealed and waiting for the relay (messages.c's outbox). */
struct store_out {
	uint64_t counter;
	bool leave;
	unsigned attempts;                /* posts answered without it stored */
	bool damaged;                     /* its sealed columns do not open */
	uint8_t record[E2E_HASH_BYTES];   /* its chain hash */
	uint8_t prev[E2E_HASH_BYTES];     /* the chain hash before it */
	char body[STORE_BODY_MAX + 1];    /* the POST body, exactly as first sent */
	size_t text_len;
	char text[E2E_TEXT_MAX + 1];
};

struct store_cursor {
	uint64_t fetched;     /* ask the relay for what comes after this seq */
	uint64_t probe_after; /* fetchcursor.h */
	int64_t probed_ms;
	int64_t seen;         /* the highest local id the user was shown */
};

/* Open (creating) DIR/store.db for identity `id`. NULL-safe close. */
struct store *store_open(const char *dir, const struct identity *id, char *err, size_t errlen);
void store_close(struct store *s);

/* Why the last call failed, in plain words. */
const char *store_error(const struct store *s);

/* The room's id, created on first use. */
bool store_room(struct store *s, const char *relay, const char *room, int64_t *room_id);

/* A write transaction (taken at once, so processes queue up). */
bool store_begin(struct store *s);
bool store_commit(struct store *s);
void store_rollback(struct store *s);

/* The trusted message (sender, key, counter), if kept: *found, and its
 * seq and record. */
bool store_lookup(struct store *s, int64_t room_id, const char *sender,
		  const uint8_t sign_pk[E2E_SIGN_PK_BYTES], uint64_t counter, bool *found,
		  uint64_t *seq, uint8_t record[E2E_HASH_BYTES]);
/* The highest counter kept of (sender, key), its record and kind (may be
 * NULL) (*found). */
bool store_last_of(struct store *s, int64_t room_id, const char *sender,
		   const uint8_t sign_pk[E2E_SIGN_PK_BYTES], bool *found, uint64_t *counter,
		   uint8_t record[E2E_HASH_BYTES], enum store_kind *kind);
/* Is the record `record` kept as relay message `seq` (*found)? */
bool store_has_record(struct store *s, int64_t room_id, uint64_t seq,
		      const uint8_t record[E2E_HASH_BYTES], bool *found);
/* The relay serves the trusted message (sender, key, counter) as `seq`
 * now: its number in the store follows (its content never changes). */
bool store_move(struct store *s, int64_t room_id, const char *sender,
		const uint8_t sign_pk[E2E_SIGN_PK_BYTES], uint64_t counter, uint64_t seq);
/* Keep `m` (its id is set). */
bool store_add(struct store *s, int64_t room_id, struct store_msg *m);

/* Call `fn` for the room's messages of the given kinds mask (1 << kind)
 * with id > after_id, oldest first; `tail` > 0: only the last `tail` of
 * them. `m` is the store's buffer, valid during the call. */
typedef void (*store_each_fn)(const struct store_msg *m, void *ctx);
bool store_each(struct store *s, int64_t room_id, unsigned kinds, int64_t after_id,
		size_t tail, store_each_fn fn, void *ctx);
/* The same for a page of the scrollback: the last `limit` (> 0) of the
 * room's messages of `kinds` with id < before_id (0: the newest),
 * oldest first. */
bool store_each_before(struct store *s, int64_t room_id, unsigned kinds, int64_t before_id,
		       size_t limit, store_each_fn fn, void *ctx);
/* How many messages of one kind the room keeps: an index lookup. */
bool store_count_kind(struct store *s, int64_t room_id, enum store_kind kind, uint64_t *count);
/* The highest local id of the room (0 if none): an index lookup. */
bool store_last_id(struct store *s, int64_t room_id, int64_t *last_id);
/* How many messages of `kinds` with id > after_id, and the highest id
 * among them (a scan of what matches: for small counts). */
bool store_count(struct store *s, int64_t room_id, unsigned kinds, int64_t after_id,
		 uint64_t *count, int64_t *last_id);

#define STORE_KIND(k) (1u << (k))
#define STORE_VISIBLE (STORE_KIND(STORE_SHOWN) | STORE_KIND(STORE_LEAVE))

/* Forget the room's messages, outbox and cursor (a new membership). */
bool store_room_reset(struct store *s, int64_t room_id);

/* The trusted state history: every signed state the client accepted,
 * as signed (public: the relay holds them too), and when (this client's
 * clock: how long it has known a state, to tell a stale view from a
 * race). */
bool store_add_state(struct store *s, int64_t room_id, uint64_t revision, uint64_t epoch,
		     const uint8_t *payload, size_t len, const uint8_t sig[E2E_SIG_BYTES],
		     int64_t accepted_ms);
/* The state of `revision` as kept: its hash (transcript_state_hash).
 * *found false if this client never accepted that revision. */
bool store_state_hash(struct store *s, int64_t room_id, uint64_t revision,
		      uint8_t hash[E2E_HASH_BYTES], bool *found);
/* When this client first held a state newer than `revision` with an
 * epoch above `epoch`; *found false if it holds none. */
bool store_newer_epoch_since(struct store *s, int64_t room_id, uint64_t revision,
			     uint64_t epoch, int64_t *accepted_ms, bool *found);
bool store_count_states(struct store *s, int64_t room_id, uint64_t *count);

bool store_cursor_get(struct store *s, int64_t room_id, struct store_cursor *cur);
bool store_cursor_set(struct store *s, int64_t room_id, const struct store_cursor *cur);
/* Raise `seen` to `id` (never lowers it: several front ends). */
bool store_mark_seen(struct store *s, int64_t room_id, int64_t id);

bool store_outbox_add(struct store *s, int64_t room_id, const struct store_out *o);
/* The oldest waiting message: *found false if none; o->damaged if its
 * sealed columns do not open (the caller drops it). */
bool store_outbox_first(struct store *s, int64_t room_id, struct store_out *o, bool *found);
bool store_outbox_remove(struct store *s, int64_t room_id, uint64_t counter);
bool store_outbox_attempted(struct store *s, int64_t room_id, uint64_t counter);
bool store_outbox_count(struct store *s, int64_t room_id, uint64_t *count);
/* The newest waiting message's counter and record (*found false if none). */
bool store_outbox_last(struct store *s, int64_t room_id, bool *found, uint64_t *counter,
		       uint8_t record[E2E_HASH_BYTES]);

/* Every room of the store, with its unread count (visible messages from
 * others above `seen`) and outbox size. */
struct store_room_info {
	const char *relay;
	const char *room;
	uint64_t unread;
	uint64_t queued;
	uint64_t kept;
};
typedef void (*store_room_fn)(const struct store_room_info *r, void *ctx);
bool store_each_room(struct store *s, store_room_fn fn, void *ctx);

#endif
