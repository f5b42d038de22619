/* chain.c - one message against its sender's chain (see chain.h). */
#include <string.h>

#include "chain.h"

static bool same_hash(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, E2E_HASH_BYTES) == 0; /* public values: no timing concern */
}

/* A message with a counter above the newest seen. */
static struct chain_result chain_new(struct chain_mark *mark, const struct chain_msg *m)
{
	static const uint8_t zero[E2E_HASH_BYTES];
	struct chain_result r = {CHAIN_OK, 0, mark->counter && m->seq <= mark->seq};

	if (mark->counter && m->counter > mark->counter + 1) {
		r.verdict = CHAIN_GAP;
		r.missing = m->counter - mark->counter - 1;
	} else if ((mark->counter && !same_hash(m->prev, mark->hash)) ||
		   (!mark->counter && m->counter == 1 && !same_hash(m->prev, zero))) {
		r.verdict = CHAIN_FORK;
	}
	mark->counter = m->counter;
	mark->seq = m->seq;
	memcpy(mark->hash, m->hash, E2E_HASH_BYTES);
	return r;
}

struct chain_result chain_check(struct chain_mark *mark, const struct chain_msg *m)
{
	struct chain_result r = {CHAIN_OK, 0, false};

	if (m->counter > mark->counter)
		return chain_new(mark, m);
	if (m->counter < mark->counter) {
		/* history again: it must come before the newest in the relay's order */
		r.verdict = m->seq < mark->seq ? CHAIN_OK : CHAIN_REPLAY;
		return r;
	}
	/* the newest seen, again: the very same message at the same place, or
	 * at a lower seq when the one it had was false (then it takes this one) */
	if (!same_hash(m->hash, mark->hash) || m->seq > mark->seq) {
		r.verdict = CHAIN_REPLAY;
	} else if (m->seq < mark->seq) {
		r.seq_back = true;
		mark->seq = m->seq;
	}
	return r;
}
