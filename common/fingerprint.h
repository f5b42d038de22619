/* fingerprint.h - a member's safety number: a short digest of its two
 * public keys that both ends compute alike and compare out of band.
 * BLAKE2b over the transcript ("e2e-chat/v1/fingerprint", sign_pk,
 * box_pk), the first 20 bytes shown as ten groups of four hex digits. */
#ifndef E2E_FINGERPRINT_H
#define E2E_FINGERPRINT_H

#include <stdbool.h>

#include "wire.h"

/* "xxxx xxxx ... xxxx": 10 groups of 4, 9 spaces, NUL. */
#define FINGERPRINT_LEN 50

bool fingerprint_member(char out[FINGERPRINT_LEN], const struct wire_member *m);

#endif
