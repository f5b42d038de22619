/* chain.c - one message against its sender's chain (see chain.h). */
#include <string.h>

#include "chain.h"

static bool same_hash(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, E2E_HASH_BYTES) == 0; /* public values: no timing concern */
}

static void move_to(struct chain_mark *to, const struct chain_msg *m)
{
	to->counter = m->counter;
	memcpy(to->hash, m->hash, E2E_HASH_BYTES);
}

/* A counter above the newest accepted: is it the next one, chained? */
static struct chain_result check_new(const struct chain_mark *mark, const struct chain_msg *m)
{
	static const uint8_t zero[E2E_HASH_BYTES];
	struct chain_result r = {CHAIN_OK, 0};

	if (mark->counter && m->counter > mark->counter + 1) {
		r.verdict = CHAIN_GAP;
		r.missing = m->counter - mark->counter - 1;
	} else if ((mark->counter && !same_hash(m->prev, mark->hash)) ||
		   (!mark->counter && m->counter == 1 && !same_hash(m->prev, zero))) {
		r.verdict = CHAIN_FORK;
	}
	return r;
}

struct chain_result chain_check(struct chain_mark *mark, struct chain_mark *in_answer,
				bool history, const struct chain_msg *m)
{
	struct chain_result r = {CHAIN_OK, 0};

	if (in_answer->counter && m->counter <= in_answer->counter) {
		r.verdict = CHAIN_REPLAY; /* again, or backwards, within one answer */
		return r;
	}
	if (m->counter > mark->counter) {
		r = check_new(mark, m);
		move_to(mark, m);
	} else if (!history || (m->counter == mark->counter && !same_hash(m->hash, mark->hash))) {
		r.verdict = CHAIN_REPLAY; /* old among news, or other content under a seen counter */
		return r;
	} else if (in_answer->counter && m->counter == in_answer->counter + 1 &&
		   !same_hash(m->prev, in_answer->hash)) {
		r.verdict = CHAIN_FORK; /* history that does not chain */
	}
	move_to(in_answer, m);
	return r;
}
