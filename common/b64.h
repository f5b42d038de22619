/* b64.h - base64 (libsodium, E2E_B64_VARIANT) for fixed-size protocol
 * fields and bounded variable-size ones. Decoding never writes past the
 * caller's buffer and refuses trailing garbage or a wrong length. */
#ifndef E2E_B64_H
#define E2E_B64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode `b64` into exactly `len` bytes; false on any mismatch. */
bool b64_decode_exact(uint8_t *out, size_t len, const char *b64);

/* Decode into at most `cap` bytes; *len receives the decoded length. */
bool b64_decode(uint8_t *out, size_t cap, size_t *len, const char *b64);

/* Encode into a new malloc'd string, NULL on allocation failure.
 * Not for secrets: use b64_encode_into with wiped memory for those. */
char *b64_encode(const uint8_t *bin, size_t len);

/* Encode into `out` of `cap` bytes (needs b64_encoded_len(len)). */
bool b64_encode_into(char *out, size_t cap, const uint8_t *bin, size_t len);
size_t b64_encoded_len(size_t bin_len);

#endif
