/* fingerprint.c - safety numbers (see fingerprint.h). */
#include <stdio.h>

#include "canon.h"
#include "fingerprint.h"

#define FINGERPRINT_BYTES 20

bool fingerprint_member(char out[FINGERPRINT_LEN], const struct wire_member *m)
{
	struct canon *c = canon_new("e2e-chat/v1/fingerprint", 256);
	uint8_t digest[FINGERPRINT_BYTES];
	const uint8_t *data;
	size_t len, pos = 0;
	bool ok = false;

	if (c) {
		canon_bytes(c, m->sign_pk, sizeof m->sign_pk);
		canon_bytes(c, m->box_pk, sizeof m->box_pk);
	}
	if (c && (data = canon_data(c, &len)) &&
	    crypto_generichash(digest, sizeof digest, data, len, NULL, 0) == 0) {
		for (size_t i = 0; i < sizeof digest; i += 2)
			pos += (size_t)snprintf(out + pos, FINGERPRINT_LEN - pos, "%s%02x%02x",
						i ? " " : "", digest[i], digest[i + 1]);
		ok = true;
	}
	canon_free(c);
	return ok;
}
