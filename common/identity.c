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
	/* An Ed25519 secret key is seed || public key: rebuild the pair from
	 * the seed and refuse a key whose stored public half does not match,
	 * rather than sign with keys nobody can verify. */
	crypto_sign_ed25519_sk_to_seed(id->box_sk, sign_sk); /* box_sk as scratch */
	crypto_sign_seed_keypair(id->sign_pk, id->sign_sk, id->box_sk);
	memcpy(id->box_sk, box_sk, sizeof id->box_sk);
	if (sodium_memcmp(id->sign_sk, sign_sk, sizeof id->sign_sk) != 0 ||
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
