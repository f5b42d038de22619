/* sign.h - Ed25519 signatures over transcripts. Client only: the relay
 * verifies (verify.h) but never signs. */
#ifndef E2E_SIGN_H
#define E2E_SIGN_H

#include <stdbool.h>

#include "canon.h"
#include "proto.h"

/* Sign transcript `c` with `sk`; frees `c` (NULL-safe: false). */
bool sign_transcript(uint8_t sig[E2E_SIG_BYTES], const uint8_t sk[E2E_SIGN_SK_BYTES],
		     struct canon *c);

#endif
