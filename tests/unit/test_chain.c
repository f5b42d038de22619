/* test_chain.c - a sender's chain (client/chain.c): every verdict, and the
 * relay's seq as a word that may be false once without lasting harm. The
 * hashes are stand-ins (bytes of one value each): the verdicts depend only
 * on which are equal. */
#include <string.h>

#include "chain.h"
#include "check.h"

static uint8_t h[8][E2E_HASH_BYTES]; /* h[0]: all zero; h[i]: all i */

static struct chain_result see(struct chain_mark *mark, uint64_t counter, uint64_t seq,
			       int prev, int hash)
{
	return chain_check(mark, &(struct chain_msg){counter, seq, h[prev], h[hash]});
}

static bool is(struct chain_result r, enum chain_verdict v, uint64_t missing, bool seq_back)
{
	return r.verdict == v && r.missing == missing && r.seq_back == seq_back;
}

static bool at(const struct chain_mark *mark, uint64_t counter, uint64_t seq, int hash)
{
	return mark->counter == counter && mark->seq == seq &&
	       memcmp(mark->hash, h[hash], E2E_HASH_BYTES) == 0;
}

static void test_in_order(void)
{
	struct chain_mark m = {0};

	CHECK(is(see(&m, 1, 10, 0, 1), CHAIN_OK, 0, false) && at(&m, 1, 10, 1));
	CHECK(is(see(&m, 2, 12, 1, 2), CHAIN_OK, 0, false) && at(&m, 2, 12, 2));
	/* read again from the start: consistent, nothing moves */
	CHECK(is(see(&m, 1, 10, 0, 1), CHAIN_OK, 0, false) && at(&m, 2, 12, 2));
	CHECK(is(see(&m, 2, 12, 1, 2), CHAIN_OK, 0, false) && at(&m, 2, 12, 2));
}

static void test_first_seen(void)
{
	struct chain_mark m = {0};

	/* counter 1 must start from nothing */
	CHECK(is(see(&m, 1, 10, 3, 1), CHAIN_FORK, 0, false) && at(&m, 1, 10, 1));
	/* joined late: the first seen is taken as it is */
	m = (struct chain_mark){0};
	CHECK(is(see(&m, 5, 50, 4, 5), CHAIN_OK, 0, false) && at(&m, 5, 50, 5));
}

static void test_gap_and_fork(void)
{
	struct chain_mark m = {0};

	see(&m, 1, 10, 0, 1);
	CHECK(is(see(&m, 4, 20, 3, 4), CHAIN_GAP, 2, false) && at(&m, 4, 20, 4));
	CHECK(is(see(&m, 5, 21, 6, 5), CHAIN_FORK, 0, false) && at(&m, 5, 21, 5));
}

static void test_replays(void)
{
	struct chain_mark m = {0};

	see(&m, 1, 10, 0, 1);
	see(&m, 2, 11, 1, 2);
	/* the newest again under a new seq, or with other content */
	CHECK(is(see(&m, 2, 15, 1, 2), CHAIN_REPLAY, 0, false) && at(&m, 2, 11, 2));
	CHECK(is(see(&m, 2, 11, 1, 6), CHAIN_REPLAY, 0, false) && at(&m, 2, 11, 2));
	/* an older one after the newest in the relay's order */
	CHECK(is(see(&m, 1, 16, 0, 1), CHAIN_REPLAY, 0, false) && at(&m, 2, 11, 2));
}

static void test_swapped(void)
{
	struct chain_mark m = {0};

	/* hostile/case07: counters 1, 3, 2 in the relay's order */
	CHECK(is(see(&m, 1, 10, 0, 1), CHAIN_OK, 0, false));
	CHECK(is(see(&m, 3, 11, 2, 3), CHAIN_GAP, 1, false) && at(&m, 3, 11, 3));
	CHECK(is(see(&m, 2, 12, 1, 2), CHAIN_REPLAY, 0, false) && at(&m, 3, 11, 3));
}

static void test_false_seq_heals(void)
{
	struct chain_mark m = {0};

	/* one page said message 1 was at a huge seq */
	CHECK(is(see(&m, 1, 4000000000u, 0, 1), CHAIN_OK, 0, false));
	/* the truth: shown, the lie reported, the mark corrected */
	CHECK(is(see(&m, 1, 10, 0, 1), CHAIN_OK, 0, true) && at(&m, 1, 10, 1));
	CHECK(is(see(&m, 2, 11, 1, 2), CHAIN_OK, 0, false) && at(&m, 2, 11, 2));

	/* or the sender's next message comes first: new by its counter */
	m = (struct chain_mark){0};
	see(&m, 1, 4000000000u, 0, 1);
	CHECK(is(see(&m, 2, 11, 1, 2), CHAIN_OK, 0, true) && at(&m, 2, 11, 2));
	CHECK(is(see(&m, 1, 10, 0, 1), CHAIN_OK, 0, false) && at(&m, 2, 11, 2));
}

int main(void)
{
	for (int i = 0; i < 8; i++)
		memset(h[i], i, E2E_HASH_BYTES);
	test_in_order();
	test_first_seen();
	test_gap_and_fork();
	test_replays();
	test_swapped();
	test_false_seq_heals();
	return check_summary("test_chain");
}
