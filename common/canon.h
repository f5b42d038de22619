/* canon.h - the canonical byte strings that are signed or MAC'd.
 * A canon is a domain label followed by fields, each written as a
 * 4-byte big-endian length and the bytes; integers are 8-byte big-endian
 * fields. Two different field lists can never give the same bytes, and
 * the label keeps a signature for one purpose from being valid for another.
 * The buffer is bounded at creation; transcripts hold public data only. */
#ifndef E2E_CANON_H
#define E2E_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct canon;

/* NULL on allocation failure. `cap` bounds the total size. */
struct canon *canon_new(const char *label, size_t cap);
void canon_free(struct canon *c);

/* Appending fails (returns false, and every later call fails) once the
 * capacity would be exceeded, so callers check only at the end. */
bool canon_bytes(struct canon *c, const uint8_t *p, size_t n);
bool canon_str(struct canon *c, const char *s);
bool canon_u64(struct canon *c, uint64_t v);

/* NULL if any append failed. */
const uint8_t *canon_data(const struct canon *c, size_t *len);

#endif
