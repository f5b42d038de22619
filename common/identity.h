/* identity.h - a member's long-term key pairs: Ed25519 for signing,
 * X25519 for receiving wrapped session keys. Always in sodium_malloc
 * memory (guard pages, wiped on free). Loading and saving the identity
 * file is the client's business (client/profile.c). */
#ifndef E2E_IDENTITY_H
#define E2E_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct identity {
	uint8_t sign_pk[E2E_SIGN_PK_BYTES];
	uint8_t sign_sk[E2E_SIGN_SK_BYTES];
	uint8_t box_pk[E2E_BOX_PK_BYTES];
	uint8_t box_sk[E2E_BOX_SK_BYTES];
};

/* A passphrase-protected identity: Argon2id (random 16-byte salt, the
 * INTERACTIVE limits, both stored) stretches the passphrase into a key for
 * XChaCha20-Poly1305 over the two secret keys, random 24-byte nonce, with
 * salt and limits as associated data (so no header byte can be changed,
 * not even a low bit of memlimit that Argon2id would round away):
 * salt(16) || opslimit(8, BE) || memlimit(8, BE) || nonce(24) || box(96+16). */
#define IDENTITY_SEALED_BYTES (16 + 8 + 8 + 24 + E2E_SIGN_SK_BYTES + E2E_BOX_SK_BYTES + 16)

/* A fresh random identity, or NULL on allocation failure. */
struct identity *identity_generate(void);
/* Rebuild an identity from its two secret keys (public halves derived);
 * NULL if the Ed25519 key is not a consistent seed || public key. */
struct identity *identity_from_secrets(const uint8_t sign_sk[E2E_SIGN_SK_BYTES],
				       const uint8_t box_sk[E2E_BOX_SK_BYTES]);
void identity_free(struct identity *id);

/* Seal `id` under `pass`; false if memory runs out. */
bool identity_seal(uint8_t out[IDENTITY_SEALED_BYTES], const struct identity *id,
		   const char *pass, size_t pass_len);
/* NULL if the passphrase is wrong, the data was altered, or its Argon2id
 * limits are outside [E2E_KDF_*_MIN, E2E_KDF_*_MAX]. */
struct identity *identity_open(const uint8_t in[IDENTITY_SEALED_BYTES], const char *pass,
			       size_t pass_len);

#endif
