/* test_chain.c - a sender's chain (client/chain.c): every verdict, and the
 * attacks of a relay that picks which stored messages to serve, in which
 * order and under which numbers. An answer is a list of counters as the
 * relay orders it; message N is chained to N - 1 (prev = h[N - 1]) and
 * its hash is h[N], stand-ins of one byte value each: the verdicts depend
 * only on which are equal. */
#include <stdarg.h>
#include <string.h>

#include "chain.h"
#include "check.h"

#define C_MAX 16
static uint8_t h[C_MAX + 2][E2E_HASH_BYTES]; /* h[0]: all zero; h[i]: all i */

enum { O = CHAIN_OK, R = CHAIN_REPLAY, G = CHAIN_GAP, F = CHAIN_FORK };

/* One answer of n messages (counters in the relay's order; a counter above
 * 100 is message counter - 100 with other content), against `mark`; true
 * if the verdicts are the n expected ones, which follow the counters. */
static bool answer(struct chain_mark *mark, bool history, int n, ...)
{
	struct chain_mark in_answer = {0};
	int counters[C_MAX], want[C_MAX];
	bool ok = true;
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		counters[i] = va_arg(ap, int);
	for (int i = 0; i < n; i++)
		want[i] = va_arg(ap, int);
	va_end(ap);
	for (int i = 0; i < n; i++) {
		int c = counters[i] > 100 ? counters[i] - 100 : counters[i];
		const uint8_t *hash = counters[i] > 100 ? h[C_MAX + 1] : h[c];
		struct chain_result r = chain_check(mark, &in_answer, history,
						    &(struct chain_msg){(uint64_t)c, h[c - 1], hash});

		ok = CHECKF((int)r.verdict == want[i], "message %d of the answer: counter %d, verdict "
			    "%d, want %d", i + 1, counters[i], (int)r.verdict, want[i]) && ok;
	}
	return ok;
}

static bool at(const struct chain_mark *mark, uint64_t counter)
{
	return mark->counter == counter && memcmp(mark->hash, h[counter], E2E_HASH_BYTES) == 0;
}

static void test_honest(void)
{
	struct chain_mark m = {0};

	answer(&m, true, 3, 1, 2, 3, O, O, O);
	CHECK(at(&m, 3));
	answer(&m, true, 4, 1, 2, 3, 4, O, O, O, O); /* `read` again: history, then news */
	CHECK(at(&m, 4));
	answer(&m, false, 2, 5, 6, O, O); /* a chat's news */
	CHECK(at(&m, 6));
	answer(&m, false, 0); /* nothing new */
	CHECK(at(&m, 6));
}

static void test_first_seen(void)
{
	struct chain_mark m = {0};
	struct chain_result r;
	struct chain_mark in_answer = {0};

	/* counter 1 must start from nothing */
	r = chain_check(&m, &in_answer, true, &(struct chain_msg){1, h[3], h[1]});
	CHECK(r.verdict == CHAIN_FORK && at(&m, 1));
	/* joined late: the first one seen is taken as it comes */
	m = (struct chain_mark){0};
	answer(&m, true, 2, 5, 6, O, O);
	CHECK(at(&m, 6));
}

static void test_gap_and_fork(void)
{
	struct chain_mark m = {0};
	struct chain_mark in_answer = {0};
	struct chain_result r;

	answer(&m, false, 1, 1, O);
	r = chain_check(&m, &in_answer, false, &(struct chain_msg){4, h[3], h[4]});
	CHECK(r.verdict == CHAIN_GAP && r.missing == 2 && at(&m, 4));
	r = chain_check(&m, &in_answer, false, &(struct chain_msg){5, h[9], h[5]});
	CHECK(r.verdict == CHAIN_FORK && at(&m, 5));
}

static void test_replays(void)
{
	struct chain_mark m = {0};

	answer(&m, true, 2, 1, 2, O, O);
	/* served again in one answer: the copies are not shown */
	answer(&m, true, 4, 1, 1, 1, 2, O, R, R, O);
	answer(&m, true, 3, 1, 2, 2, O, O, R);
	/* the newest again with other content */
	answer(&m, true, 2, 1, 102, O, R);
	/* an old one among a chat's news */
	answer(&m, false, 1, 1, R);
	answer(&m, false, 1, 2, R);
	CHECK(at(&m, 2));
}

static void test_reordered(void)
{
	struct chain_mark m = {0};

	/* hostile/case07: 1, 3, 2 to a reader who has seen none */
	answer(&m, true, 3, 1, 3, 2, O, G, R);
	CHECK(at(&m, 3));
	/* history shuffled: 2 before 1 */
	answer(&m, true, 3, 2, 1, 3, O, R, O);
	CHECK(at(&m, 3));
}

static void test_false_numbers_leave_no_trace(void)
{
	struct chain_mark m = {0};

	/* whatever seq a lying answer gave (huge or low), nothing of it is
	 * kept: the honest answers after it are read as before */
	answer(&m, true, 5, 1, 2, 3, 4, 5, O, O, O, O, O);
	answer(&m, true, 1, 5, O);                          /* the lie: 5 alone */
	answer(&m, true, 5, 1, 2, 3, 4, 5, O, O, O, O, O); /* honest again */
	answer(&m, true, 6, 1, 2, 3, 4, 5, 6, O, O, O, O, O, O);
	CHECK(at(&m, 6));
	/* a sender's unseen next message served early, alone */
	answer(&m, false, 1, 7, O);
	answer(&m, true, 7, 1, 2, 3, 4, 5, 6, 7, O, O, O, O, O, O, O);
	CHECK(at(&m, 7));
}

int main(void)
{
	for (int i = 0; i < C_MAX + 2; i++)
		memset(h[i], i, E2E_HASH_BYTES);
	test_honest();
	test_first_seen();
	test_gap_and_fork();
	test_replays();
	test_reordered();
	test_false_numbers_leave_no_trace();
	return check_summary("test_chain");
}
