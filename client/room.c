/* room.c - the room model's verdicts (room.h). */
#include <sodium.h>
#include <string.h>

#include "room.h"

bool room_refused(enum room_verdict v)
{
	return v == ROOM_NOT_MEMBER || v == ROOM_FORGED || v == ROOM_REPLAY || v == ROOM_BAD_EPOCH;
}

bool room_open(const struct roomfile *rf, const struct wire_msg *m,
	       const uint8_t my_sign_pk[E2E_SIGN_PK_BYTES], struct msg_plain *plain,
	       struct room_result *res)
{
	const uint8_t *key = roomfile_epoch_key(rf, m->epoch);
	struct wire_roomref ref = roomfile_ref(rf);

	memset(res, 0, sizeof *res);
	if (!msg_chain_hash(res->record, m)) {
		res->verdict = ROOM_FORGED;
		res->why = MSG_FAILED;
		return false;
	}
	res->sender = wire_state_keys_at(&rf->state, m->sender, m->epoch);
	if (!res->sender) {
		res->verdict = ROOM_NOT_MEMBER;
		return false;
	}
	if (!key && m->epoch > rf->state.epoch) {
		res->verdict = ROOM_BAD_EPOCH;
		return false;
	}
	if (!key) {
		res->why = msg_verify(m, &ref, res->sender->sign_pk);
		res->verdict = res->why != MSG_OK                       ? ROOM_FORGED
			       : m->epoch < roomfile_first_epoch(rf) ? ROOM_EARLIER
								     : ROOM_NO_KEY;
		return false;
	}
	res->why = msg_open(plain, m, &ref, res->sender->sign_pk, key);
	if (res->why != MSG_OK) {
		res->verdict = ROOM_FORGED;
		return false;
	}
	res->mine = strcmp(m->sender, rf->me) == 0 &&
		    memcmp(res->sender->sign_pk, my_sign_pk, E2E_SIGN_PK_BYTES) == 0;
	res->verdict = plain->leave ? ROOM_LEAVE : ROOM_SHOWN;
	return true;
}

bool room_chain(struct roomfile *rf, const struct wire_msg *m, const struct msg_plain *plain,
		bool history, struct room_result *res)
{
	struct sender_mark *mark = roomfile_sender(rf, m->sender, res->sender->sign_pk);
	struct chain_result r;

	if (!mark) {
		res->verdict = ROOM_NO_KEY;
		return false;
	}
	r = chain_check(&mark->chain, &mark->in_answer, history,
			&(struct chain_msg){m->counter, plain->prev, res->record});
	switch (r.verdict) {
	case CHAIN_OK:
		break;
	case CHAIN_REPLAY:
		res->verdict = ROOM_REPLAY;
		break;
	case CHAIN_GAP:
		res->verdict = ROOM_GAP;
		res->missing = r.missing;
		break;
	case CHAIN_FORK:
		res->verdict = ROOM_FORK;
		break;
	}
	return true;
}
