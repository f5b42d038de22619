/* room.h - the room model: the verdict on one message record the relay
 * served, against what this member trusts (the creator-signed state, the
 * epoch keys it was given, what it has accepted of each sender). Pure:
 * no network, no files, no clock; the in-memory room is the loaded room
 * file (roomfile.h), whose per-sender marks a verdict moves. Unit-tested
 * with a verdict test for every SECURITY: outcome (tests/unit/test_room.c).
 *
 * Two steps, so that the caller can compare an authentic record with the
 * one it keeps (store.h) before any mark moves:
 *  - room_open: who sent it (a member at its epoch, with the keys the
 *    signed state gives that name then), the signature (also when this
 *    member holds no key for the epoch: who sent it and under which
 *    counter is known even then), whether this member may read that epoch,
 *    and the AEAD;
 *  - room_chain: the sender's chain (chain.h): in order, a replay, a gap
 *    or a fork. */
#ifndef E2E_ROOM_H
#define E2E_ROOM_H

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"
#include "roomfile.h"

enum room_verdict {
	ROOM_SHOWN,      /* authentic, in order: show it */
	ROOM_LEAVE,      /* authentic: the sender's signed departure */
	ROOM_GAP,        /* authentic and shown, but earlier ones are missing */
	ROOM_FORK,       /* authentic and shown, but not chained to the last one */
	ROOM_EARLIER,    /* from an epoch before this member's first key (told once) */
	ROOM_NO_KEY,     /* an epoch this member was not given a key for */
	ROOM_NOT_MEMBER, /* SECURITY: the sender was not a member at that epoch */
	ROOM_FORGED,     /* SECURITY: signature, ciphertext or plaintext bad (why) */
	ROOM_REPLAY,     /* SECURITY: again, or out of order */
	ROOM_BAD_EPOCH,  /* SECURITY: an epoch after the room's newest signed one */
};

struct room_result {
	enum room_verdict verdict;
	enum msg_result why;               /* ROOM_FORGED */
	uint64_t missing;                  /* ROOM_GAP: how many */
	const struct wire_member *sender;  /* the trusted keys (after room_open succeeds) */
	uint8_t record[E2E_HASH_BYTES];    /* the record's chain hash (msg.h) */
	bool mine;                         /* sent under this member's name and key */
};

/* The first step. True if the message is authentic and readable (go on
 * to room_chain); false with the verdict otherwise. `plain` receives the
 * opened plaintext. */
bool room_open(const struct roomfile *rf, const struct wire_msg *m,
	       const uint8_t my_sign_pk[E2E_SIGN_PK_BYTES], struct msg_plain *plain,
	       struct room_result *res);

/* The second step, on an authentic message: its place in its sender's
 * chain; `history`: the caller re-reads what may have been accepted
 * (chain.h). Moves the sender's marks. False: no room to track the sender
 * (ROOM_NO_KEY). */
bool room_chain(struct roomfile *rf, const struct wire_msg *m, const struct msg_plain *plain,
		bool history, struct room_result *res);

/* A SECURITY: verdict (the message is not shown)? */
bool room_refused(enum room_verdict v);

#endif
