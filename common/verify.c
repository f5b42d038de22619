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
		       const uint8_t access_pk[E2E_SIGN_PK_BYTES], const char *room,
		       const uint8_t nonce[E2E_NONCE_BYTES], const struct wire_member *m)
{
	return verify_transcript(proof, access_pk, transcript_join(room, nonce, m));
}

bool verify_state(const uint8_t sig[E2E_SIG_BYTES],
		  const uint8_t creator_sign_pk[E2E_SIGN_PK_BYTES],
		  const uint8_t *payload, size_t len)
{
	return verify_transcript(sig, creator_sign_pk, transcript_state(payload, len));
}
