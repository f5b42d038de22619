/* identity.c - generating, rebuilding and sealing identity key pairs. */
#include <string.h>

#include "identity.h"
#include "wire.h"

#define SEAL_SALT 0
#define SEAL_OPS 16
#define SEAL_MEM 24
#define SEAL_NONCE 32
#define SEAL_BOX 56
#define SEAL_SECRETS (E2E_SIGN_SK_BYTES + E2E_BOX_SK_BYTES)
#define SEAL_KEYBYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES

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

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The sealing key from the passphrase and the header's salt and limits. */
static uint8_t *seal_key(const uint8_t *header, const char *pass, size_t pass_len)
{
	uint64_t ops = get_be64(header + SEAL_OPS), mem = get_be64(header + SEAL_MEM);
	uint8_t *key = NULL;

	if (!wire_kdf_params_ok(ops, mem) || !(key = sodium_malloc(SEAL_KEYBYTES)))
		return NULL;
	if (crypto_pwhash(key, SEAL_KEYBYTES, pass, pass_len, header + SEAL_SALT,
			  ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_free(key);
		return NULL;
	}
	return key;
}

bool identity_seal(uint8_t out[IDENTITY_SEALED_BYTES], const struct identity *id,
		   const char *pass, size_t pass_len)
{
	uint8_t *secrets = sodium_malloc(SEAL_SECRETS), *key = NULL;
	bool ok = false;

	randombytes_buf(out + SEAL_SALT, crypto_pwhash_SALTBYTES);
	put_be64(out + SEAL_OPS, E2E_KDF_OPS_MIN);
	put_be64(out + SEAL_MEM, E2E_KDF_MEM_MIN);
	randombytes_buf(out + SEAL_NONCE, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	if (secrets && (key = seal_key(out, pass, pass_len))) {
		memcpy(secrets, id->sign_sk, E2E_SIGN_SK_BYTES);
		memcpy(secrets + E2E_SIGN_SK_BYTES, id->box_sk, E2E_BOX_SK_BYTES);
		ok = crypto_aead_xchacha20poly1305_ietf_encrypt(out + SEAL_BOX, NULL, secrets,
								SEAL_SECRETS, out, SEAL_NONCE,
								NULL, out + SEAL_NONCE, key) == 0;
	}
	sodium_free(secrets);
	sodium_free(key);
	return ok;
}

struct identity *identity_open(const uint8_t in[IDENTITY_SEALED_BYTES], const char *pass,
			       size_t pass_len)
{
	uint8_t *secrets = sodium_malloc(SEAL_SECRETS), *key = seal_key(in, pass, pass_len);
	struct identity *id = NULL;

	if (secrets && key &&
	    crypto_aead_xchacha20poly1305_ietf_decrypt(
		    secrets, NULL, NULL, in + SEAL_BOX,
		    SEAL_SECRETS + crypto_aead_xchacha20poly1305_ietf_ABYTES, in, SEAL_NONCE,
		    in + SEAL_NONCE, key) == 0)
		id = identity_from_secrets(secrets, secrets + E2E_SIGN_SK_BYTES);
	sodium_free(secrets);
	sodium_free(key);
	return id;
}
