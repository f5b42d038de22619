/* chain.h - the verdict on one message against what was seen of its
 * sender: a pure function, no I/O, no clock (tests/unit/test_chain.c).
 *
 * Each sender numbers its messages 1, 2, 3... (the counter) and names the
 * chain hash of its previous one (prev), both inside the signature; the
 * relay numbers every stored message (seq). Counters and hashes are the
 * sender's word and decide; seq is the relay's word and only orders what
 * one read returns. So a message with a counter above the newest seen is
 * new whatever its seq, and a false seq once given (a huge one, say)
 * cannot make a sender's later messages look old for good: it is reported
 * (seq_back) when the truth comes, and the mark takes the true seq. */
#ifndef E2E_CHAIN_H
#define E2E_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "proto.h"

/* What was seen of one sender: the newest counter, the seq it came with
 * and its chain hash; all zero before the first message. */
struct chain_mark {
	uint64_t counter;
	uint64_t seq;
	uint8_t hash[E2E_HASH_BYTES];
};

/* One message, as far as the chain is concerned. */
struct chain_msg {
	uint64_t counter;
	uint64_t seq;
	const uint8_t *prev; /* E2E_HASH_BYTES: the sender's previous message's hash */
	const uint8_t *hash; /* E2E_HASH_BYTES: this message's chain hash */
};

enum chain_verdict {
	CHAIN_OK,     /* new and in order, or an older one seen again consistently */
	CHAIN_REPLAY, /* a counter again, or an older one after a newer: not shown */
	CHAIN_GAP,    /* new, but counters were skipped: messages are missing */
	CHAIN_FORK,   /* the next counter, but not chained to the last one seen */
};

struct chain_result {
	enum chain_verdict verdict;
	uint64_t missing; /* CHAIN_GAP: how many counters were skipped */
	bool seq_back;    /* the relay's seq for this sender went below one it
			   * gave before: one of the two was false */
};

/* The verdict on `m`; a new message (OK, GAP, FORK) moves `mark` to it, and
 * a seq found false is corrected in `mark`. The first message seen of a
 * sender starts its chain unchecked unless its counter is 1 (then prev
 * must be all zero). */
struct chain_result chain_check(struct chain_mark *mark, const struct chain_msg *m);

#endif
