/* test_golden.c - golden vectors: fixed inputs, and the exact bytes that
 * docs/PROTOCOL.md says they give, written here as hex. The transcripts,
 * the fingerprint and the chain hash were computed independently of this
 * code from the document's description (a Python script with
 * hashlib.blake2b and the canon rule: a 4-byte big-endian length before
 * the label and every field). The room key (Argon2id at the floor
 * parameters, then crypto_kdf) is pinned from this implementation: there
 * is no second Argon2id to check it against. A change of any byte of
 * what is signed, MAC'd or derived fails here. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fingerprint.h"
#include "msg.h"
#include "roomkey.h"
#include "transcript.h"

static const char *hex(const uint8_t *p, size_t n)
{
	static char out[1024];

	sodium_bin2hex(out, sizeof out, p, n < 500 ? n : 500);
	return out;
}

static const char *blake(const uint8_t *p, size_t n)
{
	uint8_t h[32];

	crypto_generichash(h, sizeof h, p, n, NULL, 0);
	return hex(h, sizeof h);
}

/* The transcript's bytes, in full (`full`) or as their BLAKE2b-256. */
static void expect(const char *what, struct canon *c, bool full, const char *want)
{
	size_t len = 0;
	const uint8_t *data = c ? canon_data(c, &len) : NULL;
	const char *got = !data ? "(none)" : full ? hex(data, len) : blake(data, len);

	CHECKF(strcmp(got, want) == 0, "%s: got %s", what, got);
	canon_free(c);
}

int main(void)
{
	struct wire_member m = {.name = "bob"};
	struct wire_wrap w = {.member = "bob", .epoch = 3};
	struct wire_msg msg = {0};
	uint8_t nonce[E2E_NONCE_BYTES], aead_nonce[E2E_AEAD_NONCE_BYTES], salt[E2E_SALT_BYTES];
	uint8_t chain[E2E_HASH_BYTES];
	char fp[FINGERPRINT_LEN];
	struct canon *ad;
	struct roomkey *k;

	if (sodium_init() < 0)
		return 1;
	for (int i = 0; i < 32; i++) {
		m.sign_pk[i] = (uint8_t)i;
		m.box_pk[i] = (uint8_t)(32 + i);
	}
	memset(nonce, 0xa5, sizeof nonce);
	memset(aead_nonce, 0x11, sizeof aead_nonce);
	memset(w.nonce, 0x22, sizeof w.nonce);
	memset(w.box, 0x33, sizeof w.box);

	expect("member", transcript_member("den", &m), true,
	       "000000126532652d636861742f76312f6d656d6265720000000364656e00000003626f6200000020"
	       "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0000002020212223"
	       "2425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
	expect("join", transcript_join("den", nonce, &m), false,
	       "91e9d3f7038f288a774639886e1084c69e05f9044f8b7e82849faf20ba742661");
	expect("state", transcript_state((const uint8_t *)"{\"v\":1}", 7), false,
	       "5a17c9ae6646363227d281965e4fc9d7fa64a2c1204259d5d81083c452619c35");
	expect("wrap", transcript_wrap("den", &w, m.box_pk), false,
	       "fcb36ed6ca8a3c73afa2236dadff52c29485ffe5be03424381c699248d4fd186");
	ad = transcript_msg_ad("den", "bob", 3, 7);
	expect("message signature", transcript_msg_sig(ad, aead_nonce, (const uint8_t *)"ciphertext",
						       10), false,
	       "262d232a77e9870e820a9490f4fa424e7af4fa7f4705e6fe868d39776eb94599");
	expect("message associated data", ad, true,
	       "0000000f6532652d636861742f76312f6d73670000000364656e00000003626f620000000800000000"
	       "00000003000000080000000000000007");

	CHECK(fingerprint_member(fp, &m));
	CHECKF(strcmp(fp, "3aaa 3028 7bde e12d 825c 381e 91dd c8df e46f dde6") == 0, "got %s", fp);

	memset(msg.sig, 0x44, sizeof msg.sig);
	CHECK(msg_chain_hash(chain, &msg));
	CHECKF(strcmp(hex(chain, sizeof chain),
		      "e9af80e451aca9d2528d4fe228c5d3270f84902c426c8ad4cef14143b8e93c28") == 0,
	       "chain: got %s", hex(chain, sizeof chain));

	/* the room key: Argon2id at the floor parameters, then crypto_kdf */
	memset(salt, 0x01, sizeof salt);
	k = roomkey_derive("correct horse battery staple", 28, salt, E2E_KDF_OPS_MIN,
			   E2E_KDF_MEM_MIN);
	if (CHECK(k != NULL)) {
		CHECKF(strcmp(hex(k->access_seed, 32), "c5b7cced4d471cbc5498da3ac8fe52cd5f830e25e1c103a6f55292c223f600ea") == 0, "access seed: got %s",
		       hex(k->access_seed, 32));
		CHECKF(strcmp(hex(k->admission, 32), "5732cfb51b1fc101f7db181e809bb60b2d5f609b3b403fbee0a50a9ae662ef65") == 0, "admission: got %s",
		       hex(k->admission, 32));
	}
	roomkey_free(k);
	return check_summary("test_golden");
}
