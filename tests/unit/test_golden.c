/* test_golden.c - golden vectors: fixed inputs, and the exact bytes that
 * docs/PROTOCOL.md says they give, written here as hex. The transcripts,
 * the state hash, the fingerprint, the chain hash and the two admission
 * MACs were computed independently of this code from the document's
 * description by tests/unit/golden.py (hashlib.blake2b, hmac with
 * SHA-512 truncated to 32 bytes, and the canon rule: a 4-byte big-endian
 * length before the label and every field; v2 transcripts start with the
 * room's name and 16-byte id). The room key (Argon2id at the floor
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
	static const uint8_t zero_seed[E2E_KEY_BYTES];
	uint8_t id[E2E_ROOM_ID_BYTES], admission[E2E_KEY_BYTES];
	const struct wire_roomref room = {"den", id};
	struct wire_member m = {.name = "bob"};
	struct wire_wrap w = {.member = "bob", .by = "alice", .epoch = 3};
	uint8_t state_payload[] = "{\"v\":2}";
	struct wire_signed st = {.payload = state_payload, .len = sizeof state_payload - 1};
	struct wire_msg msg = {0};
	uint8_t nonce[E2E_NONCE_BYTES], aead_nonce[E2E_AEAD_NONCE_BYTES], salt[E2E_SALT_BYTES];
	uint8_t chain[E2E_HASH_BYTES], state_hash[E2E_HASH_BYTES];
	char fp[FINGERPRINT_LEN];
	struct canon *ad;
	struct roomkey *k;

	if (sodium_init() < 0)
		return 1;
	for (int i = 0; i < 32; i++) {
		m.sign_pk[i] = (uint8_t)i;
		m.box_pk[i] = (uint8_t)(32 + i);
	}
	for (int i = 0; i < E2E_ROOM_ID_BYTES; i++)
		id[i] = (uint8_t)(0xc0 + i);
	memset(nonce, 0xa5, sizeof nonce);
	memset(aead_nonce, 0x11, sizeof aead_nonce);
	memset(w.nonce, 0x22, sizeof w.nonce);
	memset(w.box, 0x33, sizeof w.box);
	memset(admission, 0x5a, sizeof admission);

	expect("member", transcript_member(&room, &m), true,
	       "000000126532652d636861742f76322f6d656d6265720000000364656e00000010c0c1c2c3c4c5c6c7"
	       "c8c9cacbcccdcecf00000003626f6200000020000102030405060708090a0b0c0d0e0f101112131415"
	       "161718191a1b1c1d1e1f00000020202122232425262728292a2b2c2d2e2f303132333435363738393a"
	       "3b3c3d3e3f");
	expect("join", transcript_join(&room, nonce, &m), false,
	       "9079112504d1bbe86a282089d31fd5df4de9bae0bb1ee805fb241b096fcb5018");
	expect("state", transcript_state(st.payload, st.len), false,
	       "cf955eea1ba56a5b7b2c0d33c5d46dd9d782daca8d87adbb2ecae95dd45e5f3b");
	CHECK(transcript_state_hash(state_hash, st.payload, st.len));
	CHECKF(strcmp(hex(state_hash, sizeof state_hash),
		      "cf955eea1ba56a5b7b2c0d33c5d46dd9d782daca8d87adbb2ecae95dd45e5f3b") == 0,
	       "state hash: got %s", hex(state_hash, sizeof state_hash));
	expect("wrap", transcript_wrap(&room, &w, m.box_pk), false,
	       "93a74e419c42dfbb3c3e114280ea3b97069cf988d15ebc3a39e06eab74737e89");
	ad = transcript_msg_ad(&room, "bob", 3, 7);
	expect("message signature", transcript_msg_sig(ad, aead_nonce, (const uint8_t *)"ciphertext",
						       10), false,
	       "b053704c4d88899cc101cce61107c787c9019c469c6a8b13c963a150775c4da9");
	expect("message associated data", ad, true,
	       "0000000f6532652d636861742f76322f6d73670000000364656e00000010c0c1c2c3c4c5c6c7c8c9ca"
	       "cbcccdcecf00000003626f62000000080000000000000003000000080000000000000007");

	CHECK(fingerprint_member(fp, &m));
	CHECKF(strcmp(fp, "3aaa 3028 7bde e12d 825c 381e 91dd c8df e46f dde6") == 0, "got %s", fp);

	memset(msg.sig, 0x44, sizeof msg.sig);
	CHECK(msg_chain_hash(chain, &msg));
	CHECKF(strcmp(hex(chain, sizeof chain),
		      "e9af80e451aca9d2528d4fe228c5d3270f84902c426c8ad4cef14143b8e93c28") == 0,
	       "chain: got %s", hex(chain, sizeof chain));

	/* the admission MACs (crypto_auth) under a given admission key */
	k = roomkey_from_subkeys(zero_seed, admission);
	if (CHECK(k != NULL) && CHECK(roomkey_member_mac(k, &room, &m)) &&
	    CHECK(roomkey_state_mac(k, &st))) {
		CHECKF(strcmp(hex(m.mac, sizeof m.mac), "7e7297761fb2af690aa6abee750aa28889cb2b3329d4559495db0ee483262ce6") == 0,
		       "member MAC: got %s", hex(m.mac, sizeof m.mac));
		CHECKF(strcmp(hex(st.mac, sizeof st.mac), "001359337b8726b9ba88c21ae3c85203050c8a42d94224945d7f5963183770fb") == 0,
		       "state MAC: got %s", hex(st.mac, sizeof st.mac));
	}
	roomkey_free(k);

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
