/* identity.h - a member's long-term key pairs: Ed25519 for signing,
 * X25519 for receiving wrapped session keys. Always in sodium_malloc
 * memory (guard pages, wiped on free). Loading and saving the identity
 * file is the client's business (client/profile.c). */
#ifndef E2E_IDENTITY_H
#define E2E_IDENTITY_H

#include <stdint.h>

#include "proto.h"

struct identity {
	uint8_t sign_pk[E2E_SIGN_PK_BYTES];
	uint8_t sign_sk[E2E_SIGN_SK_BYTES];
	uint8_t box_pk[E2E_BOX_PK_BYTES];
	uint8_t box_sk[E2E_BOX_SK_BYTES];
};

/* A fresh random identity, or NULL on allocation failure. */
struct identity *identity_generate(void);
/* Rebuild an identity from its two secret keys (public halves derived);
 * NULL if the Ed25519 key is not a consistent seed || public key. */
struct identity *identity_from_secrets(const uint8_t sign_sk[E2E_SIGN_SK_BYTES],
				       const uint8_t box_sk[E2E_BOX_SK_BYTES]);
void identity_free(struct identity *id);

#endif
