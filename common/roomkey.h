/* roomkey.h - the keys a room password gives (docs/PROTOCOL.md, "Room
 * keys"): Argon2id over the password with the room's salt, then two
 * crypto_kdf subkeys: the access key pair's seed (whose public half the
 * relay checks join proofs with) and the admission MAC key. Kept in
 * sodium_malloc memory; the client saves the two 32-byte subkeys so later
 * commands need no password. */
#ifndef E2E_ROOMKEY_H
#define E2E_ROOMKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct roomkey {
	uint8_t access_seed[E2E_KEY_BYTES];
	uint8_t admission[E2E_KEY_BYTES];
	uint8_t access_pk[E2E_SIGN_PK_BYTES];
	uint8_t access_sk[E2E_SIGN_SK_BYTES];
};

/* Stretch `password` (the caller checks its length). NULL if the
 * parameters are outside the allowed bounds or memory runs out. */
struct roomkey *roomkey_derive(const char *password, size_t len,
			       const uint8_t salt[E2E_SALT_BYTES], uint64_t opslimit,
			       uint64_t memlimit);
/* Rebuild from the two saved subkeys. */
struct roomkey *roomkey_from_subkeys(const uint8_t access_seed[E2E_KEY_BYTES],
				     const uint8_t admission[E2E_KEY_BYTES]);
void roomkey_free(struct roomkey *k);

/* Set m->mac over (room, m's name and keys). */
bool roomkey_member_mac(const struct roomkey *k, const struct wire_roomref *room,
			struct wire_member *m);
bool roomkey_member_mac_ok(const struct roomkey *k, const struct wire_roomref *room,
			   const struct wire_member *m);

/* A signed state's admission MAC (over the state transcript, the bytes
 * the admin signed): set s->mac, or check it. */
bool roomkey_state_mac(const struct roomkey *k, struct wire_signed *s);
bool roomkey_state_mac_ok(const struct roomkey *k, const struct wire_signed *s);

/* A changed password's admission key for the admins who did not type it:
 * crypto_secretbox under the session key of `epoch`. Open fails (and
 * wipes `admission`) unless the box opens. */
bool roomkey_admission_seal(const struct roomkey *k, struct wire_admission *a, uint64_t epoch,
			    const uint8_t session_key[E2E_KEY_BYTES]);
bool roomkey_admission_open(uint8_t admission[E2E_KEY_BYTES], const struct wire_admission *a,
			    const uint8_t session_key[E2E_KEY_BYTES]);

/* The join proof: a signature with the access key over the join transcript. */
bool roomkey_join_proof(const struct roomkey *k, uint8_t proof[E2E_SIG_BYTES],
			const struct wire_roomref *room, const uint8_t nonce[E2E_NONCE_BYTES],
			const struct wire_member *m);

#endif
