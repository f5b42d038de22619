/* test_room.c - the room model (client/room.c): a verdict for every
 * outcome, on messages really sealed and signed (msg.h) by fixed
 * identities, against an in-memory room: the signed state lists alice
 * (this member) and bob at epoch 3; this member holds the key of epoch 2
 * only (3's has not reached it). Every SECURITY: verdict (not a member,
 * forged signature, wrong key, replay, an epoch not begun, another room
 * under the same name) and every shown one with a warning (gap, fork). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "room.h"

/* The room "den" and another den: the same name, made again (another id). */
static const uint8_t den_id[E2E_ROOM_ID_BYTES] = {0xde, 0x4e, 1, 2, 3, 4, 5, 6,
						  7, 8, 9, 10, 11, 12, 13, 14};
static const uint8_t other_den_id[E2E_ROOM_ID_BYTES] = {0xde, 0x4e, 1, 2, 3, 4, 5, 6,
							7, 8, 9, 10, 11, 12, 13, 15};
static const struct wire_roomref den = {"den", den_id};
static const struct wire_roomref other_den = {"den", other_den_id};

static struct identity *person(uint8_t fill)
{
	uint8_t seed[32], pk[E2E_SIGN_PK_BYTES], sk[E2E_SIGN_SK_BYTES], box_sk[E2E_BOX_SK_BYTES];

	memset(seed, fill, sizeof seed);
	memset(box_sk, fill + 1, sizeof box_sk);
	crypto_sign_seed_keypair(pk, sk, seed);
	return identity_from_secrets(sk, box_sk);
}

static struct wire_member member_of(const char *name, const struct identity *id)
{
	struct wire_member m = {0};

	strcpy(m.name, name);
	memcpy(m.sign_pk, id->sign_pk, sizeof m.sign_pk);
	memcpy(m.box_pk, id->box_pk, sizeof m.box_pk);
	return m;
}

static struct roomfile *room(const struct identity *alice, const struct identity *bob,
			     const uint8_t key[E2E_KEY_BYTES])
{
	struct roomfile *rf = calloc(1, sizeof *rf);

	rf->lock_fd = -1;
	rf->sec = sodium_malloc(sizeof *rf->sec);
	memset(rf->sec, 0, sizeof *rf->sec);
	strcpy(rf->room, "den");
	memcpy(rf->room_id, den_id, sizeof rf->room_id);
	strcpy(rf->me, "alice");
	rf->state = (struct wire_state){.revision = 3, .epoch = 3, .n_members = 2};
	strcpy(rf->state.room, "den");
	memcpy(rf->state.id, den_id, sizeof rf->state.id);
	strcpy(rf->state.by, "alice");
	rf->state.members = calloc(2, sizeof *rf->state.members);
	rf->state.members[0] = member_of("alice", alice);
	rf->state.members[0].admin = true;
	rf->state.members[0].since = 1;
	rf->state.members[1] = member_of("bob", bob);
	rf->state.members[1].since = 2;
	roomfile_add_epoch_key(rf, 2, key);
	return rf;
}

struct sealed {
	struct wire_msg m;
	uint8_t hash[E2E_HASH_BYTES];
};

/* `who` seals text in `room` under (sender, epoch, counter), chained to
 * `prev`, holding state revision 3. */
static void seal_in(struct sealed *s, const struct wire_roomref *room,
		    const struct identity *who, const char *sender, uint64_t epoch,
		    uint64_t counter, const uint8_t *prev, const uint8_t *key, bool leave,
		    uint64_t seq)
{
	struct msg_plain *p = calloc(1, sizeof *p);

	memset(s, 0, sizeof *s);
	if (!CHECK(p != NULL))
		return;
	p->time_ms = 1795000000000;
	p->state_revision = 3;
	memset(p->state_hash, 0x33, sizeof p->state_hash);
	p->leave = leave;
	if (prev)
		memcpy(p->prev, prev, sizeof p->prev);
	if (!leave) {
		strcpy(p->text, "hello");
		p->text_len = 5;
	}
	CHECK(msg_seal(&s->m, room, sender, epoch, counter, key, who, p) == MSG_OK);
	strcpy(s->m.sender, sender);
	s->m.seq = seq;
	CHECK(msg_chain_hash(s->hash, &s->m));
	free(p);
}

static void seal(struct sealed *s, const struct identity *who, const char *sender,
		 uint64_t epoch, uint64_t counter, const uint8_t *prev, const uint8_t *key,
		 bool leave, uint64_t seq)
{
	seal_in(s, &den, who, sender, epoch, counter, prev, key, leave, seq);
}

/* Both steps, as messages.c runs them; the final verdict. */
static enum room_verdict verdict(struct roomfile *rf, const struct identity *me,
				 const struct sealed *s, struct room_result *res)
{
	struct msg_plain *plain = malloc(sizeof *plain);
	enum room_verdict v;

	if (room_open(rf, &s->m, me->sign_pk, plain, res))
		(void)room_chain(rf, &s->m, plain, false, res);
	v = res->verdict;
	free(plain);
	return v;
}

int main(void)
{
	uint8_t key[E2E_KEY_BYTES], other_key[E2E_KEY_BYTES], junk[E2E_HASH_BYTES];
	struct identity *alice, *bob, *mallory;
	struct sealed *s = malloc(8 * sizeof *s);
	struct room_result r;
	struct roomfile *rf;

	if (sodium_init() < 0 || !s)
		return 1;
	alice = person(1);
	bob = person(3);
	mallory = person(5);
	memset(key, 0x42, sizeof key);
	memset(other_key, 0x43, sizeof other_key);
	memset(junk, 0x99, sizeof junk);
	rf = room(alice, bob, key);

	seal(&s[0], bob, "bob", 2, 1, NULL, key, false, 10);
	CHECK(verdict(rf, alice, &s[0], &r) == ROOM_SHOWN && !r.mine && !room_refused(r.verdict));
	CHECK(memcmp(r.record, s[0].hash, E2E_HASH_BYTES) == 0);
	seal(&s[1], bob, "bob", 2, 2, s[0].hash, key, false, 11);
	CHECK(verdict(rf, alice, &s[1], &r) == ROOM_SHOWN);
	/* the same again in this answer: a replay */
	CHECK(verdict(rf, alice, &s[1], &r) == ROOM_REPLAY && room_refused(r.verdict));
	/* counter 3 withheld: 4 is shown with a gap of one */
	seal(&s[2], bob, "bob", 2, 3, s[1].hash, key, false, 12);
	seal(&s[3], bob, "bob", 2, 4, s[2].hash, key, false, 13);
	CHECK(verdict(rf, alice, &s[3], &r) == ROOM_GAP && r.missing == 1 &&
	      !room_refused(r.verdict));
	/* 5 not chained to 4: a fork, shown */
	seal(&s[4], bob, "bob", 2, 5, junk, key, false, 14);
	CHECK(verdict(rf, alice, &s[4], &r) == ROOM_FORK && !room_refused(r.verdict));
	/* a signed leave */
	seal(&s[5], bob, "bob", 2, 6, s[4].hash, key, true, 15);
	CHECK(verdict(rf, alice, &s[5], &r) == ROOM_LEAVE);

	/* who is not in the signed state */
	seal(&s[6], mallory, "mallory", 2, 1, NULL, key, false, 16);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_NOT_MEMBER && room_refused(r.verdict));
	/* bob's name, mallory's signature */
	seal(&s[6], mallory, "bob", 2, 7, s[5].hash, key, false, 17);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_FORGED && r.why == MSG_BAD_SIGNATURE);
	/* bob's signature over a ciphertext under another key */
	seal(&s[6], bob, "bob", 2, 7, s[5].hash, other_key, false, 18);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_FORGED && r.why == MSG_BAD_CIPHERTEXT);
	/* one byte of the ciphertext changed: the signature no longer holds */
	seal(&s[6], bob, "bob", 2, 7, s[5].hash, key, false, 19);
	s[6].m.ct[0] ^= 1;
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_FORGED && r.why == MSG_BAD_SIGNATURE);
	/* epochs this member holds no key of: before its first, and after;
	 * the signature is checked all the same */
	seal(&s[6], bob, "bob", 1, 8, NULL, other_key, false, 20);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_EARLIER && !room_refused(r.verdict));
	seal(&s[6], bob, "bob", 3, 8, NULL, other_key, false, 21);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_NO_KEY && !room_refused(r.verdict));
	seal(&s[6], mallory, "bob", 3, 8, NULL, other_key, false, 21);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_FORGED && r.why == MSG_BAD_SIGNATURE);
	seal(&s[6], mallory, "bob", 1, 8, NULL, other_key, false, 21);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_FORGED && room_refused(r.verdict));
	/* bob's message in another room named den (made again): its id is
	 * signed, so it is a forgery here, in either epoch */
	seal_in(&s[6], &other_den, bob, "bob", 2, 7, s[5].hash, key, false, 24);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_FORGED && r.why == MSG_BAD_SIGNATURE);
	seal_in(&s[6], &other_den, bob, "bob", 3, 7, s[5].hash, other_key, false, 24);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_FORGED && r.why == MSG_BAD_SIGNATURE);
	/* an epoch no admin has begun */
	seal(&s[6], bob, "bob", 4, 8, NULL, other_key, false, 22);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_BAD_EPOCH && room_refused(r.verdict));
	/* this member's own */
	seal(&s[7], alice, "alice", 2, 1, NULL, key, false, 22);
	CHECK(verdict(rf, alice, &s[7], &r) == ROOM_SHOWN && r.mine);
	/* a verdict that fails opening moves no mark: bob's 7 is still next */
	seal(&s[6], bob, "bob", 2, 7, s[5].hash, key, false, 23);
	CHECK(verdict(rf, alice, &s[6], &r) == ROOM_SHOWN);

	roomfile_close(rf);
	identity_free(alice);
	identity_free(bob);
	identity_free(mallory);
	free(s);
	return check_summary("test_room");
}
