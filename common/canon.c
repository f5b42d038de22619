/* canon.c - length-prefixed transcripts for signatures and MACs. A
 * transcript holds only public data (names, public keys, nonces,
 * ciphertext), so plain heap memory is right: it is on the message path. */
#include <stdlib.h>
#include <string.h>

#include "canon.h"

struct canon {
	size_t len;
	size_t cap;
	bool failed;
	uint8_t *buf;
};

static bool put(struct canon *c, const uint8_t *p, size_t n)
{
	if (c->failed || n > c->cap - c->len) {
		c->failed = true;
		return false;
	}
	if (n)
		memcpy(c->buf + c->len, p, n);
	c->len += n;
	return true;
}

bool canon_bytes(struct canon *c, const uint8_t *p, size_t n)
{
	uint8_t be[4];

	if (n > UINT32_MAX) {
		c->failed = true;
		return false;
	}
	be[0] = (uint8_t)(n >> 24);
	be[1] = (uint8_t)(n >> 16);
	be[2] = (uint8_t)(n >> 8);
	be[3] = (uint8_t)n;
	return put(c, be, sizeof be) && put(c, p, n);
}

bool canon_str(struct canon *c, const char *s)
{
	return canon_bytes(c, (const uint8_t *)s, strlen(s));
}

bool canon_u64(struct canon *c, uint64_t v)
{
	uint8_t be[8];

	for (int i = 7; i >= 0; i--, v >>= 8)
		be[i] = (uint8_t)v;
	return canon_bytes(c, be, sizeof be);
}

struct canon *canon_new(const char *label, size_t cap)
{
	struct canon *c = malloc(sizeof *c);

	if (!c)
		return NULL;
	c->len = 0;
	c->cap = cap;
	c->failed = false;
	c->buf = malloc(cap ? cap : 1);
	if (!c->buf) {
		free(c);
		return NULL;
	}
	canon_str(c, label);
	return c;
}

void canon_free(struct canon *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c);
}

const uint8_t *canon_data(const struct canon *c, size_t *len)
{
	if (!c || c->failed)
		return NULL;
	*len = c->len;
	return c->buf;
}
