/* msg.c - message encryption, signatures and the plaintext record. */
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "msg.h"
#include "sign.h"
#include "transcript.h"
#include "verify.h"

/* The plaintext record, compact JSON; NULL if text is not UTF-8. */
static char *plain_build(const struct msg_plain *p, size_t *out_len)
{
	char prev64[64], hash64[64];
	json_t *j = NULL;
	char *out = NULL;

	if (b64_encode_into(prev64, sizeof prev64, p->prev, E2E_HASH_BYTES) &&
	    b64_encode_into(hash64, sizeof hash64, p->state_hash, E2E_HASH_BYTES))
		j = json_pack("{s:I, s:s%, s:s, s:{s:I, s:s}}", "time", (json_int_t)p->time_ms,
			      "text", p->text, p->text_len, "prev", prev64, "state",
			      "revision", (json_int_t)p->state_revision, "hash", hash64);
	if (j && p->leave && json_object_set_new(j, "leave", json_true()) != 0) {
		json_decref(j);
		j = NULL;
	}
	out = j ? wire_dump(j, out_len) : NULL;
	json_decref(j);
	return out;
}

bool msg_chain_hash(uint8_t out[E2E_HASH_BYTES], const struct wire_msg *m)
{
	struct canon *c = canon_new("e2e-chat/v1/chain", 128);
	const uint8_t *data;
	size_t len;
	bool ok = false;

	if (c && canon_bytes(c, m->sig, sizeof m->sig) && (data = canon_data(c, &len)))
		ok = crypto_generichash(out, E2E_HASH_BYTES, data, len, NULL, 0) == 0;
	canon_free(c);
	return ok;
}

enum msg_result msg_seal(struct wire_msg *m, const struct wire_roomref *room, const char *sender,
			 uint64_t epoch, uint64_t counter, const uint8_t key[E2E_KEY_BYTES],
			 const struct identity *id, const struct msg_plain *p)
{
	struct canon *ad = NULL;
	const uint8_t *ad_bytes;
	size_t ad_len, plain_len = 0;
	char *plain = NULL;
	unsigned long long ct_len;
	enum msg_result r = MSG_TOO_LONG;

	if (p->text_len > E2E_TEXT_MAX)
		goto out;
	/* Readers refuse NUL in the plaintext (JSON text without
	 * JSON_ALLOW_NUL), so never seal one; plain_build refuses bad UTF-8. */
	r = MSG_BAD_TEXT;
	if (memchr(p->text, 0, p->text_len))
		goto out;
	/* Nor a state revision readers refuse: 0 is no state, and JSON's
	 * integers stop at INT64_MAX. A caller's mistake, not the user's. */
	r = MSG_FAILED;
	if (p->state_revision < 1 || p->state_revision > INT64_MAX)
		goto out;
	r = MSG_BAD_TEXT;
	plain = plain_build(p, &plain_len);
	if (!plain)
		goto out;
	r = MSG_FAILED; /* E2E_CT_MAX leaves room for the worst escaping */
	if (plain_len + E2E_AEAD_TAG_BYTES > E2E_CT_MAX)
		goto out;
	ad = transcript_msg_ad(room, sender, epoch, counter);
	ad_bytes = ad ? canon_data(ad, &ad_len) : NULL;
	if (!ad_bytes)
		goto out;
	m->epoch = epoch;
	m->counter = counter;
	randombytes_buf(m->nonce, sizeof m->nonce);
	crypto_aead_xchacha20poly1305_ietf_encrypt(m->ct, &ct_len, (const uint8_t *)plain, plain_len,
						   ad_bytes, ad_len, NULL, m->nonce, key);
	m->ct_len = (size_t)ct_len;
	if (sign_transcript(m->sig, id->sign_sk, transcript_msg_sig(ad, m->nonce, m->ct, m->ct_len)))
		r = MSG_OK;
out:
	canon_free(ad);
	if (plain)
		sodium_memzero(plain, plain_len);
	free(plain);
	return r;
}

static enum msg_result plain_parse(struct msg_plain *out, const uint8_t *plain, size_t len)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)plain, len, JSON_REJECT_DUPLICATES, &err);
	json_int_t time_ms, revision;
	const char *text, *prev, *hash;
	size_t text_len;
	int leave = 0;
	enum msg_result r = MSG_BAD_PLAINTEXT;

	if (j && json_unpack_ex(j, &err, JSON_STRICT, "{s:I, s:s%, s:s, s:{s:I, s:s}, s?b}",
				"time", &time_ms, "text", &text, &text_len, "prev", &prev,
				"state", "revision", &revision, "hash", &hash, "leave", &leave) == 0 &&
	    text_len <= E2E_TEXT_MAX && revision >= 1 &&
	    b64_decode_exact(out->prev, E2E_HASH_BYTES, prev) &&
	    b64_decode_exact(out->state_hash, E2E_HASH_BYTES, hash)) {
		out->time_ms = (int64_t)time_ms;
		out->state_revision = (uint64_t)revision;
		out->leave = leave;
		out->text_len = text_len;
		memcpy(out->text, text, text_len);
		out->text[text_len] = '\0';
		r = MSG_OK;
	}
	json_decref(j);
	return r;
}

enum msg_result msg_verify(const struct wire_msg *m, const struct wire_roomref *room,
			   const uint8_t sender_sign_pk[E2E_SIGN_PK_BYTES])
{
	struct canon *ad = transcript_msg_ad(room, m->sender, m->epoch, m->counter);
	enum msg_result r = MSG_FAILED;

	if (ad && canon_data(ad, &(size_t){0}))
		r = verify_transcript(m->sig, sender_sign_pk,
				      transcript_msg_sig(ad, m->nonce, m->ct, m->ct_len))
			    ? MSG_OK
			    : MSG_BAD_SIGNATURE;
	canon_free(ad);
	return r;
}

enum msg_result msg_open(struct msg_plain *out, const struct wire_msg *m,
			 const struct wire_roomref *room,
			 const uint8_t sender_sign_pk[E2E_SIGN_PK_BYTES],
			 const uint8_t key[E2E_KEY_BYTES])
{
	struct canon *ad = transcript_msg_ad(room, m->sender, m->epoch, m->counter);
	const uint8_t *ad_bytes;
	size_t ad_len;
	uint8_t plain[E2E_CT_MAX];
	unsigned long long plain_len;
	enum msg_result r = MSG_FAILED;

	if (!ad || !(ad_bytes = canon_data(ad, &ad_len)))
		goto out;
	r = MSG_BAD_SIGNATURE;
	if (!verify_transcript(m->sig, sender_sign_pk,
			       transcript_msg_sig(ad, m->nonce, m->ct, m->ct_len)))
		goto out;
	r = MSG_BAD_CIPHERTEXT;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plain_len, NULL, m->ct, m->ct_len,
						       ad_bytes, ad_len, m->nonce, key) != 0)
		goto out;
	r = plain_parse(out, plain, (size_t)plain_len);
	sodium_memzero(plain, sizeof plain);
out:
	canon_free(ad);
	return r;
}

const char *msg_result_str(enum msg_result r)
{
	switch (r) {
	case MSG_OK: return "ok";
	case MSG_BAD_SIGNATURE: return "signature does not verify";
	case MSG_BAD_CIPHERTEXT: return "does not decrypt";
	case MSG_BAD_PLAINTEXT: return "malformed plaintext";
	case MSG_TOO_LONG: return "message too long";
	case MSG_BAD_TEXT: return "message is not UTF-8 text without NUL bytes";
	case MSG_FAILED: break;
	}
	return "internal failure";
}
