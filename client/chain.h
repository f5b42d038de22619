/* chain.h - the verdict on one message against what was seen of its
 * sender: a pure function, no I/O, no clock (tests/unit/test_chain.c).
 *
 * Each sender numbers its messages 1, 2, 3... (the counter) and names the
 * chain hash of its previous one (prev), both under its signature; the
 * relay numbers what it stores (seq), and only that orders an answer. So
 * the sender's word decides, and nothing of the relay's numbering is kept
 * from one answer to the next: a false seq (huge, or low) given once
 * cannot make later messages look old. Two marks per sender:
 *  - `mark`, kept: the newest counter accepted and its chain hash;
 *  - `in_answer`, zeroed before each answer (each read): the last counter
 *    of that sender in it. Within one answer counters must rise, so a
 *    message again or an older one after a newer is a replay.
 * A counter at or below `mark` is history: accepted only when the caller
 * reads history again (the `read` verb), never among news (a chat's read
 * after the last seq it processed); at `mark` itself it must be the very
 * message accepted (same chain hash). */
#ifndef E2E_CHAIN_H
#define E2E_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "proto.h"

/* A sender's position: a counter and that message's chain hash; all zero
 * before the first message. */
struct chain_mark {
	uint64_t counter;
	uint8_t hash[E2E_HASH_BYTES];
};

/* One message, as far as the chain is concerned. */
struct chain_msg {
	uint64_t counter;
	const uint8_t *prev; /* E2E_HASH_BYTES: the sender's previous message's hash */
	const uint8_t *hash; /* E2E_HASH_BYTES: this message's chain hash */
};

enum chain_verdict {
	CHAIN_OK,     /* new and in order, or history again where history is read */
	CHAIN_REPLAY, /* again, out of order, or old among news: not shown */
	CHAIN_GAP,    /* new, but counters were skipped: messages are missing */
	CHAIN_FORK,   /* the next counter, but not chained to the one before */
};

struct chain_result {
	enum chain_verdict verdict;
	uint64_t missing; /* CHAIN_GAP: how many counters were skipped */
};

/* The verdict on `m`, the next message of its sender in an answer;
 * `history`: this answer re-reads what may have been accepted before.
 * Moves `in_answer` to every message it does not call a replay, and
 * `mark` to every new one. The first message ever seen of a sender starts
 * its chain unchecked unless its counter is 1 (then prev must be zero). */
struct chain_result chain_check(struct chain_mark *mark, struct chain_mark *in_answer,
				bool history, const struct chain_msg *m);

#endif
