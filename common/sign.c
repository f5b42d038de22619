/* sign.c - signing transcripts. */
#include "sign.h"

bool sign_transcript(uint8_t sig[E2E_SIG_BYTES], const uint8_t sk[E2E_SIGN_SK_BYTES],
		     struct canon *c)
{
	const uint8_t *data;
	size_t len;
	bool ok = false;

	if (c && (data = canon_data(c, &len)))
		ok = crypto_sign_detached(sig, NULL, data, len, sk) == 0;
	canon_free(c);
	return ok;
}
