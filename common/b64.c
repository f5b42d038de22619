/* b64.c - bounded base64 over libsodium (one variant: E2E_B64_VARIANT). */
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "proto.h"

bool b64_decode(uint8_t *out, size_t cap, size_t *len, const char *b64)
{
	const char *end = NULL;
	size_t b64_len;

	if (!b64)
		return false;
	b64_len = strlen(b64);
	if (sodium_base642bin(out, cap, b64, b64_len, NULL, len, &end, E2E_B64_VARIANT) != 0)
		return false;
	return end == b64 + b64_len; /* nothing may trail the encoding */
}

bool b64_decode_exact(uint8_t *out, size_t len, const char *b64)
{
	size_t got = 0;

	/* Decoding into exactly `len` bytes fails on longer input, and the
	 * length check refuses shorter input. */
	return b64_decode(out, len, &got, b64) && got == len;
}

size_t b64_encoded_len(size_t bin_len)
{
	return sodium_base64_ENCODED_LEN(bin_len, E2E_B64_VARIANT);
}

bool b64_encode_into(char *out, size_t cap, const uint8_t *bin, size_t len)
{
	if (cap < b64_encoded_len(len))
		return false;
	sodium_bin2base64(out, cap, bin, len, E2E_B64_VARIANT);
	return true;
}

char *b64_encode(const uint8_t *bin, size_t len)
{
	size_t cap = b64_encoded_len(len);
	char *out = malloc(cap);

	if (out)
		sodium_bin2base64(out, cap, bin, len, E2E_B64_VARIANT);
	return out;
}
