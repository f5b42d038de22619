/* identity.c - generating and rebuilding identity key pairs. */
#include <string.h>

#include "identity.h"

struct identity *identity_generate(void)
{
	struct identity *id = sodium_malloc(sizeof *id);

	if (!id)
		return NULL;
	crypto_sign_keypair(id->sign_pk, id->sign_sk);
	crypto_box_keypair(id->box_pk, id->box_sk);
	return id;
}

struct identity *identity_from_secrets(const uint8_t sign_sk[E2E_SIGN_SK_BYTES],
				       const uint8_t box_sk[E2E_BOX_SK_BYTES])
{
	struct identity *id = sodium_malloc(sizeof *id);

	if (!id)
		return NULL;
	memcpy(id->sign_sk, sign_sk, sizeof id->sign_sk);
	memcpy(id->box_sk, box_sk, sizeof id->box_sk);
	if (crypto_sign_ed25519_sk_to_pk(id->sign_pk, id->sign_sk) != 0 ||
	    crypto_scalarmult_base(id->box_pk, id->box_sk) != 0) {
		identity_free(id);
		return NULL;
	}
	return id;
}

void identity_free(struct identity *id)
{
	sodium_free(id); /* wipes; NULL-safe */
}
