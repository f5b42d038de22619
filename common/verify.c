/* verify.c - the two signature checks shared by relay and client. */
#include <sodium.h>

#include "transcript.h"
#include "verify.h"

bool verify_transcript(const uint8_t sig[E2E_SIG_BYTES], const uint8_t pk[E2E_SIGN_PK_BYTES],
		       struct canon *c)
{
	size_t len;
	const uint8_t *data;
	bool ok = false;

	if (!c)
		return false;
	data = canon_data(c, &len);
	ok = data && crypto_sign_verify_detached(sig, data, len, pk) == 0;
	canon_free(c);
	return ok;
}

bool verify_join_proof(const uint8_t proof[E2E_SIG_BYTES],
		       const uint8_t access_pk[E2E_SIGN_PK_BYTES], const struct wire_roomref *room,
		       const uint8_t nonce[E2E_NONCE_BYTES], const struct wire_member *m)
{
	return verify_transcript(proof, access_pk, transcript_join(room, nonce, m));
}

bool verify_state(const struct wire_signed *s, const uint8_t admin_sign_pk[E2E_SIGN_PK_BYTES])
{
	return verify_transcript(s->sig, admin_sign_pk, transcript_state(s->payload, s->len));
}

bool verify_member_keys(const struct wire_member *m)
{
	/* Any scalar will do: libsodium clamps it to a multiple of the
	 * cofactor, so a small-order point always gives the all-zero result,
	 * which crypto_scalarmult refuses. */
	static const uint8_t scalar[crypto_scalarmult_SCALARBYTES] = {9};
	uint8_t out[crypto_scalarmult_BYTES];
	bool ok = crypto_core_ed25519_is_valid_point(m->sign_pk) == 1 &&
		  crypto_scalarmult(out, scalar, m->box_pk) == 0;

	sodium_memzero(out, sizeof out);
	return ok;
}
