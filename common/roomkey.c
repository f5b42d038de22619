/* roomkey.c - password stretching and the two room subkeys. */
#include <string.h>

#include "roomkey.h"
#include "sign.h"
#include "transcript.h"

#define KDF_CONTEXT "e2eroom1"
#define KDF_ID_ACCESS 1
#define KDF_ID_ADMISSION 2

static struct roomkey *from_master(const uint8_t master[crypto_kdf_KEYBYTES])
{
	struct roomkey *k = sodium_malloc(sizeof *k);

	if (!k)
		return NULL;
	crypto_kdf_derive_from_key(k->access_seed, sizeof k->access_seed, KDF_ID_ACCESS,
				   KDF_CONTEXT, master);
	crypto_kdf_derive_from_key(k->admission, sizeof k->admission, KDF_ID_ADMISSION,
				   KDF_CONTEXT, master);
	crypto_sign_seed_keypair(k->access_pk, k->access_sk, k->access_seed);
	return k;
}

struct roomkey *roomkey_derive(const char *password, size_t len,
			       const uint8_t salt[E2E_SALT_BYTES], uint64_t opslimit,
			       uint64_t memlimit)
{
	uint8_t *master = NULL;
	struct roomkey *k = NULL;

	if (!wire_kdf_params_ok(opslimit, memlimit))
		return NULL;
	master = sodium_malloc(crypto_kdf_KEYBYTES);
	if (!master)
		return NULL;
	if (crypto_pwhash(master, crypto_kdf_KEYBYTES, password, len, salt, opslimit,
			  (size_t)memlimit, crypto_pwhash_ALG_ARGON2ID13) == 0)
		k = from_master(master);
	sodium_free(master);
	return k;
}

struct roomkey *roomkey_from_subkeys(const uint8_t access_seed[E2E_KEY_BYTES],
				     const uint8_t admission[E2E_KEY_BYTES])
{
	struct roomkey *k = sodium_malloc(sizeof *k);

	if (!k)
		return NULL;
	memcpy(k->access_seed, access_seed, sizeof k->access_seed);
	memcpy(k->admission, admission, sizeof k->admission);
	crypto_sign_seed_keypair(k->access_pk, k->access_sk, k->access_seed);
	return k;
}

void roomkey_free(struct roomkey *k)
{
	sodium_free(k);
}

static bool tag_of(const struct roomkey *k, struct canon *c, uint8_t tag[E2E_MAC_BYTES])
{
	const uint8_t *data;
	size_t len;
	bool ok = false;

	if (c && (data = canon_data(c, &len))) {
		crypto_auth(tag, data, len, k->admission);
		ok = true;
	}
	canon_free(c);
	return ok;
}

/* Frees c. */
static bool tag_ok(const struct roomkey *k, struct canon *c, const uint8_t mac[E2E_MAC_BYTES])
{
	uint8_t tag[E2E_MAC_BYTES];
	bool ok = tag_of(k, c, tag) && sodium_memcmp(tag, mac, sizeof tag) == 0;

	sodium_memzero(tag, sizeof tag);
	return ok;
}

bool roomkey_member_mac(const struct roomkey *k, const struct wire_roomref *room,
			struct wire_member *m)
{
	return tag_of(k, transcript_member(room, m), m->mac);
}

bool roomkey_member_mac_ok(const struct roomkey *k, const struct wire_roomref *room,
			   const struct wire_member *m)
{
	return tag_ok(k, transcript_member(room, m), m->mac);
}

bool roomkey_state_mac(const struct roomkey *k, struct wire_signed *s)
{
	return tag_of(k, transcript_state(s->payload, s->len), s->mac);
}

bool roomkey_state_mac_ok(const struct roomkey *k, const struct wire_signed *s)
{
	return tag_ok(k, transcript_state(s->payload, s->len), s->mac);
}

bool roomkey_admission_seal(const struct roomkey *k, struct wire_admission *a, uint64_t epoch,
			    const uint8_t session_key[E2E_KEY_BYTES])
{
	a->present = true;
	a->epoch = epoch;
	randombytes_buf(a->nonce, sizeof a->nonce);
	return crypto_secretbox_easy(a->box, k->admission, E2E_KEY_BYTES, a->nonce,
				     session_key) == 0;
}

bool roomkey_admission_open(uint8_t admission[E2E_KEY_BYTES], const struct wire_admission *a,
			    const uint8_t session_key[E2E_KEY_BYTES])
{
	if (a->present && crypto_secretbox_open_easy(admission, a->box, sizeof a->box, a->nonce,
						     session_key) == 0)
		return true;
	sodium_memzero(admission, E2E_KEY_BYTES);
	return false;
}

bool roomkey_join_proof(const struct roomkey *k, uint8_t proof[E2E_SIG_BYTES],
			const struct wire_roomref *room,
			const uint8_t nonce[E2E_NONCE_BYTES], const struct wire_member *m)
{
	return sign_transcript(proof, k->access_sk, transcript_join(room, nonce, m));
}
