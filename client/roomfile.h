/* roomfile.h - what a client remembers about one room on one relay, in
 * PROFILE/rooms/RELAY/ROOM.json (mode 0600, written atomically):
 * the member token, the two room subkeys and the epoch session keys
 * (secrets: guarded memory while loaded, wiped by the JSON allocator on
 * free), and the trusted state: the creator's pinned keys, the newest
 * signed room state, this member's message counter and, per sender, the
 * highest counter seen (replay detection). While a roomfile is open its
 * ROOM.json.lock is held (flock), so concurrent commands take turns. */
#ifndef E2E_ROOMFILE_H
#define E2E_ROOMFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"
#include "status.h"
#include "wire.h"

#define ROOMFILE_EPOCHS_MAX 1024
#define ROOMFILE_BYTES_MAX (4 * 1024 * 1024)

struct epoch_key {
	uint64_t epoch;
	uint8_t key[E2E_KEY_BYTES];
};

struct room_secrets {
	uint8_t token[E2E_TOKEN_BYTES];
	uint8_t access_seed[E2E_KEY_BYTES];
	uint8_t admission[E2E_KEY_BYTES];
	size_t n_keys;
	struct epoch_key keys[ROOMFILE_EPOCHS_MAX];
};

/* A member's keys as this client first saw them (trust on first use):
 * `changed` once the signed state shows other keys for the name, until
 * the user accepts them; `verified` once the user compared fingerprints. */
struct known_keys {
	struct wire_member m; /* mac unused */
	bool verified;
	bool changed;
};

/* What the creator's client does on its own (creator only). */
struct creator_settings {
	bool approve;             /* ask before admitting anyone */
	uint64_t rotate_messages; /* new epoch after this many messages */
	uint64_t rotate_seconds;  /* ... or after this long */
	int64_t epoch_started_ms; /* when the current epoch began */
	uint64_t epoch_messages;  /* messages seen in the current epoch */
};

#define ROOMFILE_ROTATE_MESSAGES 1000
#define ROOMFILE_ROTATE_SECONDS (24 * 3600)

/* A membership this admin's client will drop from the signed state: it
 * removed the member (a kick), or the member signed a leave. `sign_pk`
 * names the membership: a later one under the same name stays. */
struct departure {
	char name[E2E_MEMBER_NAME_MAX + 1];
	uint8_t sign_pk[E2E_SIGN_PK_BYTES];
	bool ban; /* a kick: its keys go on the ban list */
};

/* What was seen of a sender (chain.h). A sender is a name with its
 * signing key: a new identity under a known name (see roomsync's trust on
 * first use) counts from 1 again. */
struct sender_mark {
	char name[E2E_MEMBER_NAME_MAX + 1];
	uint8_t sign_pk[E2E_SIGN_PK_BYTES];
	struct chain_mark chain;     /* the newest message accepted (saved) */
	struct chain_mark in_answer; /* during one read only (never saved) */
};

struct roomfile {
	char *path;
	int lock_fd;
	bool exists; /* false: a new membership, not saved yet */
	/* BLAKE2b of the file's bytes as last read or written: a save that
	 * would write the same bytes is skipped (no write, no fsync) */
	uint8_t on_disk[E2E_HASH_BYTES];
	const uint8_t *seal_key; /* NULL: secrets neither sealed nor openable */
	bool seal;               /* save the secrets sealed */

	char room[E2E_ROOM_NAME_MAX + 1];
	uint8_t room_id[E2E_ROOM_ID_BYTES]; /* fixed at the room's creation */
	char me[E2E_MEMBER_NAME_MAX + 1];
	struct room_secrets *sec; /* sodium_malloc */
	/* the password parameters: those joined with, then the newest an
	 * admin signed (a password change) */
	uint8_t salt[E2E_SALT_BYTES];
	uint64_t opslimit;
	uint64_t memlimit;

	char creator[E2E_MEMBER_NAME_MAX + 1]; /* who created the room (shown) */

	struct wire_signed signed_state; /* newest trusted state, as signed */
	struct wire_state state; /* parsed; revision 0 = none yet */

	uint64_t counter;  /* my last message counter */
	uint8_t chain[E2E_HASH_BYTES]; /* chain hash of my last message */
	uint64_t last_seq; /* from before the store (messages.c keeps the cursor
			    * in store.db): kept in the file, not used */
	uint64_t earlier_told; /* messages from before this member's first key,
				* already counted for the user (one line, once) */
	size_t n_senders;
	struct sender_mark *senders;

	size_t n_known;
	struct known_keys *known;
	struct creator_settings settings;

	/* An admin's client: memberships whose departure it can vouch for.
	 * Only these leave the signed state. */
	size_t n_departed;
	struct departure *departed;
};

/* The key that seals a room file's secrets at rest (roomfile_open_sealed):
 * the token, the two password subkeys and the epoch keys, as one
 * crypto_secretbox under a key derived from the identity. */
#define ROOMFILE_SEAL_KEY_BYTES 32

/* Lock and load `path`; a missing file gives an empty roomfile with
 * exists == false. A file whose secrets are sealed does not load. */
enum status roomfile_open(struct roomfile **out, const char *path, char *err, size_t errlen);
/* The same with `seal_key` (borrowed, kept while open): a sealed file is
 * opened with it, and with `seal` the secrets are saved sealed (an
 * identity with a passphrase); without, they are saved as before. */
enum status roomfile_open_sealed(struct roomfile **out, const char *path,
				 const uint8_t seal_key[ROOMFILE_SEAL_KEY_BYTES], bool seal,
				 char *err, size_t errlen);
enum status roomfile_save(struct roomfile *rf, char *err, size_t errlen);
/* Unlock and free (wiping the secrets). NULL-safe. */
void roomfile_close(struct roomfile *rf);

/* Drop everything learnt about the room but its name and mine. */
void roomfile_forget(struct roomfile *rf);

const uint8_t *roomfile_epoch_key(const struct roomfile *rf, uint64_t epoch);
/* The lowest epoch this member holds a key of; 0 if none. */
uint64_t roomfile_first_epoch(const struct roomfile *rf);
bool roomfile_add_epoch_key(struct roomfile *rf, uint64_t epoch, const uint8_t key[E2E_KEY_BYTES]);
/* Forget (and wipe) the key of `epoch`: an admin's new epoch whose state
 * the relay did not take never existed. */
void roomfile_drop_epoch_key(struct roomfile *rf, uint64_t epoch);

/* Replace the trusted state; takes ownership of s's payload and of state. */
void roomfile_set_state(struct roomfile *rf, struct wire_signed *s, struct wire_state *state);
/* The room as transcripts name it. */
struct wire_roomref roomfile_ref(const struct roomfile *rf);

/* The mark for (name, sign_pk), created at zero; NULL if the table is full. */
struct sender_mark *roomfile_sender(struct roomfile *rf, const char *name,
				    const uint8_t sign_pk[E2E_SIGN_PK_BYTES]);

/* Departures (see struct departure): add (a second one for the same
 * membership only adds its ban), find (NULL if none), forget. */
bool roomfile_depart(struct roomfile *rf, const struct departure *d);
const struct departure *roomfile_departed(const struct roomfile *rf, const char *name);
void roomfile_forget_departure(struct roomfile *rf, const char *name);

/* The keys first seen for `name`, or NULL. */
struct known_keys *roomfile_known(const struct roomfile *rf, const char *name);
/* Remember `m`'s keys as first seen; NULL if the table is full. */
struct known_keys *roomfile_know(struct roomfile *rf, const struct wire_member *m);

#endif
