/* verify.h - the signature checks the relay performs as well as the
 * clients: the join proof (made with the room access key) and the
 * creator's signature on a room state. The relay links nothing else of
 * the protocol's cryptography. */
#ifndef E2E_VERIFY_H
#define E2E_VERIFY_H

#include <stdbool.h>

#include "canon.h"
#include "wire.h"

/* Check `sig` over the transcript `c` with `pk`; frees `c` (NULL-safe, so
 * a failed transcript_*() call can be passed straight in). */
bool verify_transcript(const uint8_t sig[E2E_SIG_BYTES], const uint8_t pk[E2E_SIGN_PK_BYTES],
		       struct canon *c);

bool verify_join_proof(const uint8_t proof[E2E_SIG_BYTES],
		       const uint8_t access_pk[E2E_SIGN_PK_BYTES], const struct wire_roomref *room,
		       const uint8_t nonce[E2E_NONCE_BYTES], const struct wire_member *m);

/* Both public keys usable: sign_pk a canonical Ed25519 point of large
 * order (crypto_core_ed25519_is_valid_point), box_pk not of small order
 * (X25519 with it gives a non-zero result) and not all zero. */
bool verify_member_keys(const struct wire_member *m);

/* The signature of the admin the payload names (`by`), with the keys
 * the verifier trusts for it. */
bool verify_state(const struct wire_signed *s, const uint8_t admin_sign_pk[E2E_SIGN_PK_BYTES]);

#endif
