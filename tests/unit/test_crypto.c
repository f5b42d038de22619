/* test_crypto.c - the client's cryptography (identity, room keys, member
 * MACs, join proofs, state signatures and MACs, admission boxes, key
 * wraps, messages): everything that should verify does, and every single
 * changed bit of what is MAC'd, signed or encrypted is refused. Every
 * transcript binds the room's id: the same room name with another id
 * (a room made again under that name) verifies nothing.
 *
 * The tamper loops are driven by a table of {name, pointer, length}
 * targets and a `refused` function that tries the operation on the current
 * (tampered) inputs and says whether it was refused the right way. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fingerprint.h"
#include "identity.h"
#include "msg.h"
#include "roomkey.h"
#include "sign.h"
#include "transcript.h"
#include "verify.h"
#include "wrap.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

struct target {
	const char *name;
	void *p;
	size_t len;
};

typedef bool (*refused_fn)(void *ctx);

/* Flip each bit of each byte of each target in turn: every flip must be
 * refused, the untouched inputs accepted before and after. */
static void check_tampering(const char *what, const struct target *t, size_t n,
			    refused_fn refused, void *ctx)
{
	CHECKF(!refused(ctx), "%s: the untouched inputs are refused", what);
	for (size_t k = 0; k < n; k++) {
		uint8_t *p = t[k].p;

		for (size_t i = 0; i < t[k].len; i++) {
			int accepted = -1;

			for (int bit = 0; bit < 8; bit++) {
				p[i] ^= (uint8_t)(1u << bit);
				if (!refused(ctx) && accepted < 0)
					accepted = bit;
				p[i] ^= (uint8_t)(1u << bit);
			}
			CHECKF(accepted < 0, "%s: %s byte %zu with bit %d flipped is accepted", what,
			       t[k].name, i, accepted);
		}
	}
	CHECKF(!refused(ctx), "%s: the restored inputs are refused", what);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* A member record for identity `id` (no MAC yet). */
static void member_of(struct wire_member *m, const char *name, const struct identity *id)
{
	memset(m, 0, sizeof *m);
	snprintf(m->name, sizeof m->name, "%s", name);
	memcpy(m->sign_pk, id->sign_pk, sizeof m->sign_pk);
	memcpy(m->box_pk, id->box_pk, sizeof m->box_pk);
}

static struct roomkey *random_roomkey(void)
{
	uint8_t seed[E2E_KEY_BYTES], admission[E2E_KEY_BYTES];
	struct roomkey *k;

	randombytes_buf(seed, sizeof seed);
	randombytes_buf(admission, sizeof admission);
	k = roomkey_from_subkeys(seed, admission);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(admission, sizeof admission);
	return k;
}

/* The people of these tests: alice creates the room (an admin), bob
 * joins it, carol is anyone else. `id` is room-1's id; `other_id` the id
 * of another room-1 (made again under the same name). */
struct cast {
	struct identity *alice, *bob, *carol;
	struct wire_member alice_m, bob_m, carol_m;
	struct roomkey *key, *other_key;
	uint8_t id[E2E_ROOM_ID_BYTES], other_id[E2E_ROOM_ID_BYTES];
};

/* ---- identity ---- */

static void test_identity(const struct cast *c)
{
	struct identity *re = identity_from_secrets(c->alice->sign_sk, c->alice->box_sk);
	uint8_t sign_sk[E2E_SIGN_SK_BYTES];
	struct identity *bad;

	if (!CHECK(re != NULL))
		return;
	CHECK(memcmp(re->sign_pk, c->alice->sign_pk, E2E_SIGN_PK_BYTES) == 0);
	CHECK(memcmp(re->box_pk, c->alice->box_pk, E2E_BOX_PK_BYTES) == 0);
	CHECK(sodium_memcmp(re->sign_sk, c->alice->sign_sk, E2E_SIGN_SK_BYTES) == 0);
	CHECK(sodium_memcmp(re->box_sk, c->alice->box_sk, E2E_BOX_SK_BYTES) == 0);
	identity_free(re);
	/* Two identities share nothing. */
	CHECK(memcmp(c->alice->sign_pk, c->bob->sign_pk, E2E_SIGN_PK_BYTES) != 0);
	CHECK(memcmp(c->alice->box_pk, c->bob->box_pk, E2E_BOX_PK_BYTES) != 0);

	/* An Ed25519 secret key is seed || public key. If its public half is
	 * damaged (say, in the identity file), the public key must still be
	 * the one derived from the seed, or the rebuild must fail: an identity
	 * whose sign_pk does not match its secret signs nothing verifiable. */
	memcpy(sign_sk, c->alice->sign_sk, sizeof sign_sk);
	sign_sk[E2E_SIGN_SK_BYTES - 1] ^= 1;
	bad = identity_from_secrets(sign_sk, c->alice->box_sk);
	CHECK(bad == NULL || memcmp(bad->sign_pk, c->alice->sign_pk, E2E_SIGN_PK_BYTES) == 0);
	identity_free(bad);
	sodium_memzero(sign_sk, sizeof sign_sk);
	identity_free(NULL); /* NULL-safe */
}

/* ---- room keys ---- */

static const char password[] = "correct horse battery staple";

static struct roomkey *derive_min(size_t len, const uint8_t salt[E2E_SALT_BYTES])
{
	return roomkey_derive(password, len, salt, E2E_KDF_OPS_MIN, E2E_KDF_MEM_MIN);
}

static bool roomkeys_equal(const struct roomkey *a, const struct roomkey *b)
{
	return sodium_memcmp(a->access_seed, b->access_seed, sizeof a->access_seed) == 0 &&
	       sodium_memcmp(a->admission, b->admission, sizeof a->admission) == 0 &&
	       memcmp(a->access_pk, b->access_pk, sizeof a->access_pk) == 0 &&
	       sodium_memcmp(a->access_sk, b->access_sk, sizeof a->access_sk) == 0;
}

/* No two subkeys or public keys of a and b are alike. */
static bool roomkeys_unrelated(const struct roomkey *a, const struct roomkey *b)
{
	return sodium_memcmp(a->access_seed, b->access_seed, sizeof a->access_seed) != 0 &&
	       sodium_memcmp(a->admission, b->admission, sizeof a->admission) != 0 &&
	       memcmp(a->access_pk, b->access_pk, sizeof a->access_pk) != 0;
}

/* docs/PROTOCOL.md, "Room keys", computed here step by step. */
static bool derived_as_documented(const struct roomkey *k, const uint8_t salt[E2E_SALT_BYTES])
{
	uint8_t *master = sodium_malloc(crypto_kdf_KEYBYTES);
	uint8_t *seed = sodium_malloc(E2E_KEY_BYTES), *admission = sodium_malloc(E2E_KEY_BYTES);
	uint8_t *sk = sodium_malloc(E2E_SIGN_SK_BYTES), pk[E2E_SIGN_PK_BYTES];
	bool same = false;

	if (master && seed && admission && sk &&
	    crypto_pwhash(master, crypto_kdf_KEYBYTES, password, strlen(password), salt,
			  E2E_KDF_OPS_MIN, E2E_KDF_MEM_MIN, crypto_pwhash_ALG_ARGON2ID13) == 0) {
		crypto_kdf_derive_from_key(seed, E2E_KEY_BYTES, 1, "e2eroom1", master);
		crypto_kdf_derive_from_key(admission, E2E_KEY_BYTES, 2, "e2eroom1", master);
		crypto_sign_seed_keypair(pk, sk, seed);
		same = sodium_memcmp(k->access_seed, seed, E2E_KEY_BYTES) == 0 &&
		       sodium_memcmp(k->admission, admission, E2E_KEY_BYTES) == 0 &&
		       memcmp(k->access_pk, pk, sizeof pk) == 0 &&
		       sodium_memcmp(k->access_sk, sk, E2E_SIGN_SK_BYTES) == 0;
	}
	sodium_free(master);
	sodium_free(seed);
	sodium_free(admission);
	sodium_free(sk);
	return same;
}

/* Five Argon2id derivations at the floor parameters (~100 ms each). */
static void test_roomkey_derive(void)
{
	const size_t len = strlen(password);
	uint8_t salt[E2E_SALT_BYTES], salt2[E2E_SALT_BYTES];
	struct roomkey *a, *again, *shorter, *salted, *rebuilt;

	randombytes_buf(salt, sizeof salt);
	memcpy(salt2, salt, sizeof salt);
	salt2[0] ^= 1;
	a = derive_min(len, salt);
	again = derive_min(len, salt);
	shorter = derive_min(len - 1, salt); /* another password, and `len` counts */
	salted = derive_min(len, salt2);
	if (!CHECK(a && again && shorter && salted))
		goto out;
	CHECK(roomkeys_equal(a, again));
	CHECK(roomkeys_unrelated(a, shorter));
	CHECK(roomkeys_unrelated(a, salted));
	CHECK(sodium_memcmp(a->access_seed, a->admission, E2E_KEY_BYTES) != 0);
	CHECK(derived_as_documented(a, salt));

	rebuilt = roomkey_from_subkeys(a->access_seed, a->admission);
	CHECK(rebuilt && roomkeys_equal(a, rebuilt));
	roomkey_free(rebuilt);
out:
	roomkey_free(a);
	roomkey_free(again);
	roomkey_free(shorter);
	roomkey_free(salted);
}

/* Refused before any work is done, so these cost nothing. */
static void test_roomkey_bounds(void)
{
	static const struct {
		uint64_t ops, mem;
	} bad[] = {
		{E2E_KDF_OPS_MIN - 1, E2E_KDF_MEM_MIN},
		{E2E_KDF_OPS_MAX + 1, E2E_KDF_MEM_MIN},
		{E2E_KDF_OPS_MIN, E2E_KDF_MEM_MIN - 1},
		{E2E_KDF_OPS_MIN, E2E_KDF_MEM_MAX + 1},
		{0, 0},
	};
	uint8_t salt[E2E_SALT_BYTES] = {0};

	for (size_t i = 0; i < N_OF(bad); i++) {
		struct roomkey *k = roomkey_derive(password, strlen(password), salt, bad[i].ops,
						   bad[i].mem);

		CHECKF(k == NULL, "ops %llu mem %llu", (unsigned long long)bad[i].ops,
		       (unsigned long long)bad[i].mem);
		roomkey_free(k);
	}
}

/* ---- member MAC ---- */

struct mac_case {
	const struct roomkey *key;
	const char *room;
	const uint8_t *id;
	struct wire_member *m;
};

static bool mac_refused(void *ctx)
{
	const struct mac_case *c = ctx;
	const struct wire_roomref room = {c->room, c->id};

	return !roomkey_member_mac_ok(c->key, &room, c->m);
}

static void test_member_mac(const struct cast *c)
{
	char room[] = "room-1";
	uint8_t id[E2E_ROOM_ID_BYTES];
	const struct wire_roomref ref = {room, id}, other_id = {room, c->other_id};
	struct wire_member m = c->bob_m, other;
	struct mac_case mc = {c->key, room, id, &m};
	const struct target targets[] = {
		{"mac", m.mac, sizeof m.mac},
		{"sign_pk", m.sign_pk, sizeof m.sign_pk},
		{"box_pk", m.box_pk, sizeof m.box_pk},
		{"name", m.name, strlen(m.name)},
		{"room", room, strlen(room)},
		{"room id", id, sizeof id},
	};
	static const char *other_rooms[] = {"room-", "room-12", "ROOM-1", ""};
	static const char *other_names[] = {"bo", "bobb", "alice", ""};

	memcpy(id, c->id, sizeof id);
	if (!CHECK(roomkey_member_mac(c->key, &ref, &m)))
		return;
	CHECK(!all_zero(m.mac, sizeof m.mac));
	check_tampering("member MAC", targets, N_OF(targets), mac_refused, &mc);

	for (size_t i = 0; i < N_OF(other_rooms); i++) {
		const struct wire_roomref o = {other_rooms[i], id};

		CHECKF(!roomkey_member_mac_ok(c->key, &o, &m), "room \"%s\"", other_rooms[i]);
	}
	CHECKF(!roomkey_member_mac_ok(c->key, &other_id, &m), "same name, another room id");
	for (size_t i = 0; i < N_OF(other_names); i++) {
		other = m;
		snprintf(other.name, sizeof other.name, "%s", other_names[i]);
		CHECKF(!roomkey_member_mac_ok(c->key, &ref, &other), "name \"%s\"", other_names[i]);
	}
	CHECK(!roomkey_member_mac_ok(c->other_key, &ref, &m));
	/* Keys swapped between the two fields. */
	other = m;
	memcpy(other.sign_pk, m.box_pk, sizeof other.sign_pk);
	memcpy(other.box_pk, m.sign_pk, sizeof other.box_pk);
	CHECK(!roomkey_member_mac_ok(c->key, &ref, &other));
	/* Field boundaries: room "ab" + name "c" is not room "a" + name "bc". */
	other = m;
	snprintf(other.name, sizeof other.name, "c");
	if (CHECK(roomkey_member_mac(c->key, &(struct wire_roomref){"ab", id}, &other))) {
		snprintf(other.name, sizeof other.name, "bc");
		CHECK(!roomkey_member_mac_ok(c->key, &(struct wire_roomref){"a", id}, &other));
	}
}

/* ---- join proof ---- */

struct join_case {
	uint8_t proof[E2E_SIG_BYTES];
	uint8_t access_pk[E2E_SIGN_PK_BYTES];
	uint8_t nonce[E2E_NONCE_BYTES];
	char room[16];
	uint8_t id[E2E_ROOM_ID_BYTES];
	struct wire_member m;
};

static bool join_refused(void *ctx)
{
	const struct join_case *j = ctx;
	const struct wire_roomref room = {j->room, j->id};

	return !verify_join_proof(j->proof, j->access_pk, &room, j->nonce, &j->m);
}

static void test_join_proof(const struct cast *c)
{
	struct join_case j;
	const struct target targets[] = {
		{"proof", j.proof, sizeof j.proof},
		{"nonce", j.nonce, sizeof j.nonce},
		{"access_pk", j.access_pk, sizeof j.access_pk},
		{"sign_pk", j.m.sign_pk, sizeof j.m.sign_pk},
		{"box_pk", j.m.box_pk, sizeof j.m.box_pk},
		{"name", j.m.name, strlen(c->bob_m.name)},
		{"room", j.room, strlen("room-1")},
		{"room id", j.id, sizeof j.id},
	};
	const struct wire_roomref ref = {j.room, j.id}, room2 = {"room-2", j.id};
	const struct wire_roomref other_id = {j.room, c->other_id};
	uint8_t proof[E2E_SIG_BYTES];

	memset(&j, 0, sizeof j);
	snprintf(j.room, sizeof j.room, "room-1");
	memcpy(j.id, c->id, sizeof j.id);
	j.m = c->bob_m;
	memcpy(j.access_pk, c->key->access_pk, sizeof j.access_pk);
	randombytes_buf(j.nonce, sizeof j.nonce);
	if (!CHECK(roomkey_join_proof(c->key, j.proof, &ref, j.nonce, &j.m)))
		return;
	check_tampering("join proof", targets, N_OF(targets), join_refused, &j);

	CHECK(!verify_join_proof(j.proof, j.access_pk, &room2, j.nonce, &j.m));
	CHECKF(!verify_join_proof(j.proof, j.access_pk, &other_id, j.nonce, &j.m),
	       "same name, another room id");
	CHECK(!verify_join_proof(j.proof, j.access_pk, &ref, j.nonce, &c->carol_m));
	CHECK(!verify_join_proof(j.proof, c->other_key->access_pk, &ref, j.nonce, &j.m));
	/* A proof made with another password's key. */
	if (CHECK(roomkey_join_proof(c->other_key, proof, &ref, j.nonce, &j.m)))
		CHECK(!verify_join_proof(proof, j.access_pk, &ref, j.nonce, &j.m));
	/* The MAC is not part of the join transcript (PROTOCOL.md). */
	j.m.mac[0] ^= 1;
	CHECK(!join_refused(&j));
}

/* ---- state signature and admission MAC ---- */

struct state_case {
	struct wire_signed s;
	uint8_t pk[E2E_SIGN_PK_BYTES];   /* the admin's, for the signature */
	const struct roomkey *key;       /* the password's, for the MAC */
};

static bool state_refused(void *ctx)
{
	const struct state_case *s = ctx;

	return !verify_state(&s->s, s->pk);
}

static bool state_mac_refused(void *ctx)
{
	const struct state_case *s = ctx;

	return !roomkey_state_mac_ok(s->key, &s->s);
}

/* Revision 2 of room-1: alice (admin) and bob, signed by alice. */
static uint8_t *sample_payload(const struct cast *c, size_t *len)
{
	struct wire_member members[2] = {c->alice_m, c->bob_m};
	struct wire_state s = {.revision = 2, .epoch = 1, .n_members = 2, .members = members};

	members[0].since = members[1].since = 1;
	members[0].admin = true;
	snprintf(s.room, sizeof s.room, "room-1");
	memcpy(s.id, c->id, sizeof s.id);
	snprintf(s.by, sizeof s.by, "alice");
	s.access.opslimit = E2E_KDF_OPS_MIN;
	s.access.memlimit = E2E_KDF_MEM_MIN;
	memcpy(s.access.access_pk, c->key->access_pk, sizeof s.access.access_pk);
	return wire_state_build(&s, len);
}

static void test_state_signature(const struct cast *c)
{
	size_t len = 0;
	uint8_t *payload = sample_payload(c, &len);
	struct state_case s = {.s = {.payload = payload, .len = len}, .key = c->key};
	struct wire_signed shorter;
	const struct target targets[] = {
		{"payload", s.s.payload, s.s.len},
		{"sig", s.s.sig, sizeof s.s.sig},
		{"admin key", s.pk, sizeof s.pk},
	};

	if (!CHECK(s.s.payload != NULL))
		return;
	memcpy(s.pk, c->alice->sign_pk, sizeof s.pk);
	if (!CHECK(sign_transcript(s.s.sig, c->alice->sign_sk,
				   transcript_state(s.s.payload, s.s.len))))
		goto out;
	check_tampering("state signature", targets, N_OF(targets), state_refused, &s);
	CHECK(!verify_state(&s.s, c->bob->sign_pk));
	shorter = s.s;
	shorter.len--;
	CHECK(!verify_state(&shorter, s.pk));
	CHECK(!sign_transcript(s.s.sig, c->alice->sign_sk, NULL)); /* a failed transcript */
	CHECK(!verify_transcript(s.s.sig, s.pk, NULL));
out:
	free(payload);
}

/* The admission MAC over the state transcript: made with the admission
 * key of the room's password; any other key, or any changed byte of the
 * payload or the MAC, fails. The signature is not under it. */
static void test_state_mac(const struct cast *c)
{
	size_t len = 0;
	uint8_t *payload = sample_payload(c, &len);
	struct state_case s = {.s = {.payload = payload, .len = len}, .key = c->key};
	struct wire_signed shorter;
	const struct target targets[] = {
		{"payload", s.s.payload, s.s.len},
		{"mac", s.s.mac, sizeof s.s.mac},
	};
	uint8_t mac[E2E_MAC_BYTES];

	if (!CHECK(s.s.payload != NULL))
		return;
	randombytes_buf(s.s.sig, sizeof s.s.sig);
	if (!CHECK(roomkey_state_mac(c->key, &s.s)))
		goto out;
	CHECK(!all_zero(s.s.mac, sizeof s.s.mac));
	check_tampering("state MAC", targets, N_OF(targets), state_mac_refused, &s);
	CHECK(!roomkey_state_mac_ok(c->other_key, &s.s));
	shorter = s.s;
	shorter.len--;
	CHECK(!roomkey_state_mac_ok(c->key, &shorter));
	randombytes_buf(s.s.sig, sizeof s.s.sig);
	CHECK(roomkey_state_mac_ok(c->key, &s.s)); /* another signature: the same MAC */
	/* The same bytes MAC'd again give the same tag (it is a MAC, not a seal). */
	memcpy(mac, s.s.mac, sizeof mac);
	CHECK(roomkey_state_mac(c->key, &s.s) && memcmp(mac, s.s.mac, sizeof mac) == 0);
	/* Another password's key makes another tag. */
	CHECK(roomkey_state_mac(c->other_key, &s.s) && memcmp(mac, s.s.mac, sizeof mac) != 0);
	CHECK(!roomkey_state_mac_ok(c->key, &s.s));
out:
	free(payload);
}

/* ---- admission box (a changed password's admission key) ---- */

struct admission_case {
	struct wire_admission a;
	uint8_t session[E2E_KEY_BYTES];
	uint8_t out[E2E_KEY_BYTES]; /* what roomkey_admission_open writes */
};

/* Refused, and the output left all zero. */
static bool admission_refused(void *ctx)
{
	struct admission_case *c = ctx;
	bool opened;

	memset(c->out, 0xaa, sizeof c->out);
	opened = roomkey_admission_open(c->out, &c->a, c->session);
	return !opened && all_zero(c->out, sizeof c->out);
}

static void test_admission_box(const struct cast *c)
{
	struct admission_case ac, other;
	const struct target targets[] = {
		{"nonce", ac.a.nonce, sizeof ac.a.nonce},
		{"box", ac.a.box, sizeof ac.a.box},
		{"session key", ac.session, sizeof ac.session},
	};

	memset(&ac, 0, sizeof ac);
	randombytes_buf(ac.session, sizeof ac.session);
	if (!CHECK(roomkey_admission_seal(c->key, &ac.a, 4, ac.session)))
		return;
	CHECK(ac.a.present && ac.a.epoch == 4);
	CHECK(!admission_refused(&ac) &&
	      sodium_memcmp(ac.out, c->key->admission, sizeof ac.out) == 0);
	CHECK(memmem(ac.a.box, sizeof ac.a.box, c->key->admission, E2E_KEY_BYTES) == NULL);
	check_tampering("admission box", targets, N_OF(targets), admission_refused, &ac);

	other = ac;
	randombytes_buf(other.session, sizeof other.session);
	CHECKF(admission_refused(&other), "another session key");
	other = ac;
	other.a.present = false;
	CHECKF(admission_refused(&other), "no admission block");
	/* Two seals differ (random nonce) and both open. */
	other = ac;
	if (CHECK(roomkey_admission_seal(c->key, &other.a, 4, other.session))) {
		CHECK(memcmp(other.a.nonce, ac.a.nonce, sizeof ac.a.nonce) != 0);
		CHECK(!admission_refused(&other));
	}
	/* Another password's admission key is another box. */
	other = ac;
	if (CHECK(roomkey_admission_seal(c->other_key, &other.a, 4, other.session)) &&
	    CHECK(!admission_refused(&other)))
		CHECK(sodium_memcmp(other.out, c->key->admission, sizeof other.out) != 0);
	sodium_memzero(&ac, sizeof ac);
	sodium_memzero(&other, sizeof other);
}

/* ---- wraps ---- */

struct wrap_case {
	uint8_t key[E2E_KEY_BYTES]; /* what wrap_open writes */
	struct wire_wrap w;
	char room[16];
	uint8_t id[E2E_ROOM_ID_BYTES];
	const struct identity *me;
	struct wire_member admin; /* the keys the reader trusts for w.by */
};

/* Refused, and the output key left all zero. */
static bool wrap_refused(void *ctx)
{
	struct wrap_case *c = ctx;
	const struct wire_roomref room = {c->room, c->id};
	bool opened;

	memset(c->key, 0xaa, sizeof c->key);
	opened = wrap_open(c->key, &c->w, &room, c->me, &c->admin);
	return !opened && all_zero(c->key, sizeof c->key);
}

static void test_wrap(const struct cast *c)
{
	uint8_t session[E2E_KEY_BYTES];
	/* A copy of bob whose public key can be changed: the box opens with
	 * his secret key alone, so only the signature can notice. */
	struct identity *me = identity_from_secrets(c->bob->sign_sk, c->bob->box_sk);
	struct wrap_case wc = {.me = me, .admin = c->alice_m};
	const struct target targets[] = {
		{"nonce", wc.w.nonce, sizeof wc.w.nonce},
		{"box", wc.w.box, sizeof wc.w.box},
		{"sig", wc.w.sig, sizeof wc.w.sig},
		{"epoch", &wc.w.epoch, sizeof wc.w.epoch},
		{"member", wc.w.member, strlen(c->bob_m.name)},
		{"by", wc.w.by, strlen("alice")},
		{"room", wc.room, strlen("room-1")},
		{"room id", wc.id, sizeof wc.id},
		{"admin sign_pk", wc.admin.sign_pk, sizeof wc.admin.sign_pk},
		{"recipient box_pk", me ? me->box_pk : NULL, me ? sizeof me->box_pk : 0},
		/* Not the admin's box_pk: X25519 ignores the top bit of a public
		 * key (RFC 7748), so one of its flips opens the box legitimately.
		 * Another box key is tried below. */
	};
	const struct wire_roomref ref = {wc.room, wc.id};
	struct wrap_case other;

	randombytes_buf(session, sizeof session);
	snprintf(wc.room, sizeof wc.room, "room-1");
	memcpy(wc.id, c->id, sizeof wc.id);
	if (!CHECK(me != NULL) ||
	    !CHECK(wrap_seal(&wc.w, &ref, 1, session, &c->bob_m, "alice", c->alice)))
		goto out;
	CHECK(strcmp(wc.w.member, "bob") == 0 && strcmp(wc.w.by, "alice") == 0 &&
	      wc.w.epoch == 1);
	CHECK(!wrap_refused(&wc) && memcmp(wc.key, session, sizeof session) == 0);
	check_tampering("wrap", targets, N_OF(targets), wrap_refused, &wc);

	other = wc;
	other.w.epoch = 2;
	CHECKF(wrap_refused(&other), "another epoch");
	other = wc;
	snprintf(other.w.member, sizeof other.w.member, "carol");
	CHECKF(wrap_refused(&other), "another member name");
	other = wc;
	snprintf(other.w.by, sizeof other.w.by, "carol");
	CHECKF(wrap_refused(&other), "another admin's name, alice's signature");
	other = wc;
	other.me = c->carol;
	CHECKF(wrap_refused(&other), "another recipient");
	other.me = c->alice;
	CHECKF(wrap_refused(&other), "the admin as recipient");
	other = wc;
	snprintf(other.room, sizeof other.room, "room-2");
	CHECKF(wrap_refused(&other), "another room");
	other = wc;
	memcpy(other.id, c->other_id, sizeof other.id);
	CHECKF(wrap_refused(&other), "same name, another room id");
	other = wc;
	other.admin = c->carol_m;
	CHECKF(wrap_refused(&other), "opened with another admin's keys");
	memcpy(other.admin.sign_pk, c->alice->sign_pk, E2E_SIGN_PK_BYTES);
	CHECKF(wrap_refused(&other), "the admin's signing key, another box key");
	other.admin = c->alice_m;
	memcpy(other.admin.sign_pk, c->carol->sign_pk, E2E_SIGN_PK_BYTES);
	CHECKF(wrap_refused(&other), "the admin's box key, another signing key");

	/* carol wraps as "carol": opens with carol's keys, not with alice's. */
	other = wc;
	other.admin = c->carol_m;
	if (CHECK(wrap_seal(&other.w, &ref, 1, session, &c->bob_m, "carol", c->carol))) {
		CHECK(strcmp(other.w.by, "carol") == 0);
		CHECK(!wrap_refused(&other) && memcmp(other.key, session, sizeof session) == 0);
		other.admin = c->alice_m;
		CHECKF(wrap_refused(&other), "carol's wrap with alice as the admin");
		/* ... nor when it claims to be alice's */
		snprintf(other.w.by, sizeof other.w.by, "alice");
		CHECKF(wrap_refused(&other), "carol's wrap renamed to alice's");
	}

	/* Two wraps of one key differ (random nonce). */
	other = wc;
	if (CHECK(wrap_seal(&other.w, &ref, 1, session, &c->bob_m, "alice", c->alice)))
		CHECK(memcmp(other.w.nonce, wc.w.nonce, sizeof wc.w.nonce) != 0);
out:
	sodium_memzero(session, sizeof session);
	identity_free(me);
}

/* ---- messages ---- */

struct msg_case {
	struct wire_msg m;
	char room[16];
	uint8_t id[E2E_ROOM_ID_BYTES];
	uint8_t sender_pk[E2E_SIGN_PK_BYTES];
	uint8_t key[E2E_KEY_BYTES];
	enum msg_result want; /* what a tampered message must give */
	struct msg_plain in;  /* what was sealed */
	struct msg_plain out;
};

static enum msg_result open_case(struct msg_case *c)
{
	const struct wire_roomref room = {c->room, c->id};

	return msg_open(&c->out, &c->m, &room, c->sender_pk, c->key);
}

static bool msg_refused(void *ctx)
{
	struct msg_case *c = ctx;

	return open_case(c) == c->want;
}

static enum msg_result seal_case(struct msg_case *mc, const struct identity *id,
				 const char *sender, uint64_t epoch, uint64_t counter)
{
	const struct wire_roomref room = {mc->room, mc->id};

	return msg_seal(&mc->m, &room, sender, epoch, counter, mc->key, id, &mc->in);
}

/* An empty case in room-1: a random key, a plaintext without text whose
 * sender held state revision 4 (random hash and prev). */
static struct msg_case *new_case(const struct cast *c)
{
	struct msg_case *mc = calloc(1, sizeof *mc);

	if (!mc)
		return NULL;
	snprintf(mc->room, sizeof mc->room, "room-1");
	memcpy(mc->id, c->id, sizeof mc->id);
	memcpy(mc->sender_pk, c->alice->sign_pk, sizeof mc->sender_pk);
	randombytes_buf(mc->key, sizeof mc->key);
	randombytes_buf(mc->in.prev, sizeof mc->in.prev);
	randombytes_buf(mc->in.state_hash, sizeof mc->in.state_hash);
	mc->in.state_revision = 4;
	mc->in.time_ms = 1700000000123LL;
	return mc;
}

/* A message case for alice in room-1, epoch 3, counter 9, as the relay
 * serves it (sender set). NULL if out of memory or the text is longer
 * than a plaintext holds. */
static struct msg_case *sealed_case(const struct cast *c, const char *text, size_t len,
				    enum msg_result *sealed)
{
	struct msg_case *mc = len <= sizeof mc->in.text ? new_case(c) : NULL;

	if (!mc)
		return NULL;
	memcpy(mc->in.text, text, len);
	mc->in.text_len = len;
	*sealed = seal_case(mc, c->alice, "alice", 3, 9);
	snprintf(mc->m.sender, sizeof mc->m.sender, "alice");
	return mc;
}

/* Seal, open, compare. */
static void check_msg_round_trip(const struct cast *c, const char *what, const char *text,
				 size_t len)
{
	enum msg_result sealed = MSG_FAILED, opened = MSG_FAILED;
	struct msg_case *mc = sealed_case(c, text, len, &sealed);

	if (!CHECK(mc != NULL))
		return;
	if (CHECKF(sealed == MSG_OK, "%s: msg_seal says \"%s\"", what, msg_result_str(sealed))) {
		CHECKF(mc->m.epoch == 3 && mc->m.counter == 9, "%s", what);
		CHECKF(mc->m.ct_len >= len + E2E_AEAD_TAG_BYTES && mc->m.ct_len <= E2E_CT_MAX, "%s",
		       what);
		opened = open_case(mc);
		CHECKF(opened == MSG_OK, "%s: msg_open says \"%s\"", what, msg_result_str(opened));
		CHECKF(memcmp(mc->out.prev, mc->in.prev, sizeof mc->in.prev) == 0, "%s: prev", what);
		CHECKF(mc->out.state_revision == 4 &&
			       memcmp(mc->out.state_hash, mc->in.state_hash,
				      sizeof mc->in.state_hash) == 0,
		       "%s: state revision and hash", what);
		CHECKF(opened == MSG_OK && mc->out.text_len == len &&
			       memcmp(mc->out.text, text, len) == 0 && mc->out.text[len] == '\0' &&
			       mc->out.time_ms == 1700000000123LL,
		       "%s", what);
	}
	free(mc);
}

/* `len` bytes of `unit` repeated (unit_len must divide len). */
static char *repeated(const char *unit, size_t unit_len, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		for (size_t i = 0; i < len; i += unit_len)
			memcpy(s + i, unit, unit_len);
		s[len] = '\0';
	}
	return s;
}

static void test_msg_round_trips(const struct cast *c)
{
	static const char utf8[] = "h\xc3\xa9llo\nw\xc3\xb6rld \xf0\x9f\x91\x8b\n\ttab \"quote\" \\";
	static const struct {
		const char *what, *unit;
		size_t unit_len;
	} full[] = {
		{"E2E_TEXT_MAX ASCII bytes", "a", 1},
		{"E2E_TEXT_MAX bytes of 4-byte UTF-8", "\xf0\x9f\x91\x8b", 4},
		{"E2E_TEXT_MAX newlines", "\n", 1},
	};

	check_msg_round_trip(c, "UTF-8 and newlines", utf8, strlen(utf8));
	check_msg_round_trip(c, "empty text", "", 0);
	check_msg_round_trip(c, "one byte", "x", 1);
	for (size_t i = 0; i < N_OF(full); i++) {
		char *text = repeated(full[i].unit, full[i].unit_len, E2E_TEXT_MAX);

		if (CHECK(text != NULL))
			check_msg_round_trip(c, full[i].what, text, E2E_TEXT_MAX);
		free(text);
	}
}

static void test_msg_seal_refusals(const struct cast *c)
{
	static const char *not_utf8[] = {
		"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80",
	};
	char *long_text = repeated("a", 1, E2E_TEXT_MAX + 1);
	enum msg_result r = MSG_FAILED;
	struct msg_case *mc;

	if (CHECK(long_text != NULL)) {
		mc = sealed_case(c, long_text, E2E_TEXT_MAX + 1, &r);
		CHECKF(mc && r == MSG_TOO_LONG, "E2E_TEXT_MAX + 1 bytes: %s", msg_result_str(r));
		free(mc);
	}
	free(long_text);
	for (size_t i = 0; i < N_OF(not_utf8); i++) {
		mc = sealed_case(c, not_utf8[i], strlen(not_utf8[i]), &r);
		CHECKF(mc && r == MSG_BAD_TEXT, "invalid UTF-8 #%zu: %s", i, msg_result_str(r));
		free(mc);
	}
	/* A NUL byte is valid UTF-8 but cannot be in a NUL-terminated text:
	 * sealing must refuse it, or the message must open again. */
	mc = sealed_case(c, "a\0b", 3, &r);
	if (CHECK(mc != NULL)) {
		enum msg_result opened = r == MSG_OK ? open_case(mc) : MSG_FAILED;

		CHECKF(r == MSG_BAD_TEXT || opened == MSG_OK,
		       "text with a NUL: msg_seal \"%s\", msg_open \"%s\"", msg_result_str(r),
		       msg_result_str(opened));
	}
	free(mc);
}

static void test_msg_tampering(const struct cast *c)
{
	static const char text[] = "the secret plan\n";
	enum msg_result r = MSG_FAILED;
	struct msg_case *mc = sealed_case(c, text, strlen(text), &r);

	if (!CHECK(mc && r == MSG_OK))
		goto out;
	CHECK(memmem(mc->m.ct, mc->m.ct_len, "secret", 6) == NULL);
	{
		struct wire_msg *m = &mc->m;
		const struct target signed_parts[] = {
			{"ct", m->ct, m->ct_len},
			{"nonce", m->nonce, sizeof m->nonce},
			{"sig", m->sig, sizeof m->sig},
			{"sender", m->sender, strlen(m->sender)},
			{"epoch", &m->epoch, sizeof m->epoch},
			{"counter", &m->counter, sizeof m->counter},
			{"room", mc->room, strlen(mc->room)},
			{"room id", mc->id, sizeof mc->id},
			{"sender key", mc->sender_pk, sizeof mc->sender_pk},
		};
		const struct target key[] = {{"session key", mc->key, sizeof mc->key}};

		mc->want = MSG_BAD_SIGNATURE;
		check_tampering("message signature", signed_parts, N_OF(signed_parts), msg_refused,
				mc);
		/* The signature is fine; only the key is wrong. */
		mc->want = MSG_BAD_CIPHERTEXT;
		check_tampering("message key", key, N_OF(key), msg_refused, mc);
	}

	mc->want = MSG_BAD_SIGNATURE;
	mc->m.ct_len--;
	CHECKF(msg_refused(mc), "ct one byte short");
	mc->m.ct_len++;
	snprintf(mc->m.sender, sizeof mc->m.sender, "bob");
	CHECKF(msg_refused(mc), "sender bob");
	snprintf(mc->m.sender, sizeof mc->m.sender, "alice");
	mc->m.epoch++;
	CHECKF(msg_refused(mc), "next epoch");
	mc->m.epoch--;
	mc->m.counter++;
	CHECKF(msg_refused(mc), "next counter");
	mc->m.counter--;
	snprintf(mc->room, sizeof mc->room, "room-2");
	CHECKF(msg_refused(mc), "another room");
	snprintf(mc->room, sizeof mc->room, "room-1");
	memcpy(mc->id, c->other_id, sizeof mc->id);
	CHECKF(msg_refused(mc), "same name, another room id");
	CHECKF(mc->want == MSG_BAD_SIGNATURE &&
		       msg_verify(&mc->m, &(struct wire_roomref){mc->room, mc->id}, mc->sender_pk) ==
			       MSG_BAD_SIGNATURE,
	       "msg_verify, same name, another room id");
	memcpy(mc->id, c->id, sizeof mc->id);
	CHECK(msg_verify(&mc->m, &(struct wire_roomref){mc->room, mc->id}, mc->sender_pk) ==
	      MSG_OK);
	memcpy(mc->sender_pk, c->bob->sign_pk, sizeof mc->sender_pk);
	CHECKF(msg_refused(mc), "bob's key");
	memcpy(mc->sender_pk, c->alice->sign_pk, sizeof mc->sender_pk);
	mc->want = MSG_BAD_CIPHERTEXT;
	randombytes_buf(mc->key, sizeof mc->key);
	CHECKF(msg_refused(mc), "another session key");
out:
	free(mc);
}

/* Encrypt and sign `plain` as msg_seal would, without its checks. */
static bool seal_raw(struct msg_case *mc, const struct identity *id, const char *plain)
{
	struct wire_msg *m = &mc->m;
	const struct wire_roomref room = {mc->room, mc->id};
	struct canon *ad = transcript_msg_ad(&room, m->sender, m->epoch, m->counter);
	const uint8_t *ad_bytes;
	size_t ad_len, len = strlen(plain);
	unsigned long long ct_len;
	bool ok = false;

	if (ad && (ad_bytes = canon_data(ad, &ad_len)) && len + E2E_AEAD_TAG_BYTES <= E2E_CT_MAX) {
		randombytes_buf(m->nonce, sizeof m->nonce);
		crypto_aead_xchacha20poly1305_ietf_encrypt(m->ct, &ct_len, (const uint8_t *)plain, len,
							   ad_bytes, ad_len, NULL, m->nonce, mc->key);
		m->ct_len = (size_t)ct_len;
		ok = sign_transcript(m->sig, id->sign_sk,
				     transcript_msg_sig(ad, m->nonce, m->ct, m->ct_len));
	}
	canon_free(ad);
	return ok;
}

#define ZERO32_B64 "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\""
#define STATE_OK "\"state\":{\"revision\":1,\"hash\":" ZERO32_B64 "}"

/* Authentic, decryptable messages whose plaintext is not a valid record. */
static void test_msg_bad_plaintext(const struct cast *c)
{
	static const char *bad[] = {
		"", "not json", "[]", "{}", "{\"time\":1}", "{\"text\":\"x\"}",
		"{\"time\":1,\"text\":\"x\",\"extra\":1}", "{\"time\":\"1\",\"text\":\"x\"}",
		"{\"time\":1,\"text\":2}", "{\"time\":1,\"text\":\"x\",\"text\":\"y\"}",
		"{\"time\":1,\"text\":\"a\\u0000b\"}", "{\"time\":1,\"text\":\"\xff\"}",
		"{\"time\":1,\"text\":\"x\"} trailing",
		"{\"time\":1,\"text\":\"x\",\"prev\":\"AAAA\"}",
		"{\"time\":1,\"text\":\"x\",\"prev\":7}",
		/* v1's record: no state */
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 "}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"leave\":true}",
		/* the sender's state: revision from 1, a 32-byte hash, nothing else */
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":{\"revision\":0,"
		"\"hash\":" ZERO32_B64 "}}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":{\"revision\":-1,"
		"\"hash\":" ZERO32_B64 "}}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":{\"revision\":\"1\","
		"\"hash\":" ZERO32_B64 "}}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":{\"revision\":1}}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":{\"hash\":" ZERO32_B64 "}}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":{\"revision\":1,"
		"\"hash\":\"AAAA\"}}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":{\"revision\":1,"
		"\"hash\":" ZERO32_B64 ",\"by\":\"alice\"}}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":1}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":null}",
		"{\"time\":1,\"text\":\"x\",\"prev\":" ZERO32_B64 ",\"state\":{}}",
	};
	enum msg_result r;
	struct msg_case *mc = sealed_case(c, "", 0, &r);
	char *long_plain = malloc(E2E_TEXT_MAX + 256);

	if (!CHECK(mc && long_plain))
		goto out;
	if (CHECK(seal_raw(mc, c->alice, "{\"time\":5,\"text\":\"hi\",\"prev\":" ZERO32_B64
				       ",\"state\":{\"revision\":7,\"hash\":" ZERO32_B64 "}}"))) {
		r = open_case(mc);
		CHECK(r == MSG_OK && mc->out.time_ms == 5 && strcmp(mc->out.text, "hi") == 0);
		CHECK(all_zero(mc->out.prev, sizeof mc->out.prev));
		CHECK(mc->out.state_revision == 7 &&
		      all_zero(mc->out.state_hash, sizeof mc->out.state_hash));
	}
	for (size_t i = 0; i < N_OF(bad); i++) {
		r = MSG_FAILED;
		if (seal_raw(mc, c->alice, bad[i]))
			r = open_case(mc);
		CHECKF(r == MSG_BAD_PLAINTEXT, "plaintext '%s': %s", bad[i], msg_result_str(r));
	}
	/* A text one byte over E2E_TEXT_MAX in an otherwise valid record. */
	snprintf(long_plain, E2E_TEXT_MAX + 256, "{\"time\":1,\"text\":\"%0*d\",\"prev\":"
		 ZERO32_B64 "," STATE_OK "}", E2E_TEXT_MAX + 1, 0);
	r = MSG_FAILED;
	if (CHECK(seal_raw(mc, c->alice, long_plain)))
		r = open_case(mc);
	CHECKF(r == MSG_BAD_PLAINTEXT, "text of E2E_TEXT_MAX + 1: %s", msg_result_str(r));
	/* ... and of E2E_TEXT_MAX: valid */
	snprintf(long_plain, E2E_TEXT_MAX + 256, "{\"time\":1,\"text\":\"%0*d\",\"prev\":"
		 ZERO32_B64 "," STATE_OK "}", E2E_TEXT_MAX, 0);
	r = MSG_FAILED;
	if (CHECK(seal_raw(mc, c->alice, long_plain)))
		r = open_case(mc);
	CHECKF(r == MSG_OK, "text of E2E_TEXT_MAX: %s", msg_result_str(r));
out:
	free(long_plain);
	free(mc);
}

/* A signed leave: the flag survives sealing, a text message has none. */
static void test_msg_leave(const struct cast *c)
{
	struct msg_case *mc = new_case(c);

	if (!CHECK(mc != NULL))
		return;
	mc->in.leave = true;
	if (CHECK(seal_case(mc, c->alice, "alice", 1, 4) == MSG_OK)) {
		snprintf(mc->m.sender, sizeof mc->m.sender, "alice");
		CHECK(open_case(mc) == MSG_OK && mc->out.leave && mc->out.text_len == 0 &&
		      mc->out.state_revision == 4);
	}
	mc->in.leave = false;
	memcpy(mc->in.text, "hi", 2);
	mc->in.text_len = 2;
	if (CHECK(seal_case(mc, c->alice, "alice", 1, 5) == MSG_OK))
		CHECK(open_case(mc) == MSG_OK && !mc->out.leave);
	free(mc);
}

/* The state the sender held: any revision from 1 to INT64_MAX round trips
 * with its hash. A revision readers refuse (0, or over INT64_MAX: JSON's
 * integers are signed) is never sealed: a caller's mistake, MSG_FAILED. */
static void test_msg_state(const struct cast *c)
{
	static const uint64_t revisions[] = {1, 2, 1000, INT64_MAX};
	static const uint64_t unsealable[] = {0, (uint64_t)INT64_MAX + 1, UINT64_MAX};
	struct msg_case *mc = new_case(c);
	enum msg_result r;

	if (!CHECK(mc != NULL))
		return;
	for (size_t i = 0; i < N_OF(revisions); i++) {
		mc->in.state_revision = revisions[i];
		randombytes_buf(mc->in.state_hash, sizeof mc->in.state_hash);
		r = seal_case(mc, c->alice, "alice", 1, i + 1);
		if (CHECKF(r == MSG_OK, "revision %llu: %s", (unsigned long long)revisions[i],
			   msg_result_str(r))) {
			snprintf(mc->m.sender, sizeof mc->m.sender, "alice");
			r = open_case(mc);
			CHECKF(r == MSG_OK && mc->out.state_revision == revisions[i] &&
				       memcmp(mc->out.state_hash, mc->in.state_hash,
					      sizeof mc->in.state_hash) == 0,
			       "revision %llu: %s", (unsigned long long)revisions[i],
			       msg_result_str(r));
		}
	}
	for (size_t i = 0; i < N_OF(unsealable); i++) {
		mc->in.state_revision = unsealable[i];
		r = seal_case(mc, c->alice, "alice", 1, 9);
		CHECKF(r == MSG_FAILED, "revision %llu sealed: %s",
		       (unsigned long long)unsealable[i], msg_result_str(r));
	}
	free(mc);
}

/* The chain hash: stable for a message, different for another one. */
static void test_msg_chain(const struct cast *c)
{
	enum msg_result r;
	struct msg_case *a = sealed_case(c, "one", 3, &r), *b = sealed_case(c, "one", 3, &r);
	uint8_t ha[E2E_HASH_BYTES], ha2[E2E_HASH_BYTES], hb[E2E_HASH_BYTES];

	if (CHECK(a && b && msg_chain_hash(ha, &a->m) && msg_chain_hash(ha2, &a->m) &&
		  msg_chain_hash(hb, &b->m))) {
		CHECK(memcmp(ha, ha2, sizeof ha) == 0);
		CHECK(memcmp(ha, hb, sizeof ha) != 0); /* same text, another message */
		a->m.sig[0] ^= 1;
		CHECK(msg_chain_hash(ha2, &a->m) && memcmp(ha, ha2, sizeof ha) != 0);
	}
	free(a);
	free(b);
}

static bool same_identity(const struct identity *a, const struct identity *b)
{
	return a && b && memcmp(a->sign_sk, b->sign_sk, sizeof a->sign_sk) == 0 &&
	       memcmp(a->box_sk, b->box_sk, sizeof a->box_sk) == 0 &&
	       memcmp(a->sign_pk, b->sign_pk, sizeof a->sign_pk) == 0 &&
	       memcmp(a->box_pk, b->box_pk, sizeof a->box_pk) == 0;
}

/* Sealing under a passphrase: round trip, wrong passphrase, one flipped
 * byte in each region (each open costs one Argon2id, so not every byte),
 * and limits outside the bounds refused before any work. */
static void test_identity_seal(const struct cast *c)
{
	static const char pass[] = "correct horse", wrong[] = "correct horsf";
	static const size_t flips[] = {0, 15, 16, 23, 24, 31, 32, 55, 56, 120,
				       IDENTITY_SEALED_BYTES - 1};
	uint8_t sealed[IDENTITY_SEALED_BYTES], copy[IDENTITY_SEALED_BYTES];
	struct identity *id;

	if (!CHECK(identity_seal(sealed, c->alice, pass, strlen(pass))))
		return;
	id = identity_open(sealed, pass, strlen(pass));
	CHECK(same_identity(id, c->alice));
	identity_free(id);
	CHECK(identity_open(sealed, wrong, strlen(wrong)) == NULL);
	CHECK(identity_open(sealed, pass, strlen(pass) - 1) == NULL);
	for (size_t i = 0; i < N_OF(flips); i++) {
		memcpy(copy, sealed, sizeof copy);
		copy[flips[i]] ^= 0x01;
		id = identity_open(copy, pass, strlen(pass));
		CHECKF(id == NULL, "sealed identity with byte %zu flipped opens", flips[i]);
		identity_free(id);
	}
	memcpy(copy, sealed, sizeof copy);
	copy[23] = 1; /* opslimit 1: below the floor */
	CHECK(identity_open(copy, pass, strlen(pass)) == NULL);
	memcpy(copy, sealed, sizeof copy);
	copy[24] = 0xff; /* memlimit far above the ceiling */
	CHECK(identity_open(copy, pass, strlen(pass)) == NULL);
	/* Two seals of the same identity differ (fresh salt and nonce). */
	CHECK(identity_seal(copy, c->alice, pass, strlen(pass)) &&
	      memcmp(copy, sealed, sizeof copy) != 0);
}

static void test_fingerprint(const struct cast *c)
{
	char a[FINGERPRINT_LEN], b[FINGERPRINT_LEN];
	struct wire_member m = c->bob_m;

	CHECK(fingerprint_member(a, &c->bob_m) && fingerprint_member(b, &c->bob_m));
	CHECK(strcmp(a, b) == 0 && strlen(a) == FINGERPRINT_LEN - 1);
	for (size_t i = 0; i < FINGERPRINT_LEN - 1; i++)
		CHECKF(i % 5 == 4 ? a[i] == ' ' : strchr("0123456789abcdef", a[i]) != NULL,
		       "fingerprint character %zu: '%c'", i, a[i]);
	CHECK(fingerprint_member(b, &c->carol_m) && strcmp(a, b) != 0);
	/* The name is not part of it (a fingerprint is of keys); each key byte is. */
	snprintf(m.name, sizeof m.name, "robert");
	CHECK(fingerprint_member(b, &m) && strcmp(a, b) == 0);
	for (size_t i = 0; i < sizeof m.sign_pk + sizeof m.box_pk; i++) {
		uint8_t *p = i < sizeof m.sign_pk ? &m.sign_pk[i] : &m.box_pk[i - sizeof m.sign_pk];

		*p ^= 0x80;
		CHECKF(fingerprint_member(b, &m) && strcmp(a, b) != 0, "key byte %zu", i);
		*p ^= 0x80;
	}
}

int main(void)
{
	struct cast c;
	int ret;

	if (sodium_init() < 0)
		return 1;
	memset(&c, 0, sizeof c);
	c.alice = identity_generate();
	c.bob = identity_generate();
	c.carol = identity_generate();
	c.key = random_roomkey();
	c.other_key = random_roomkey();
	randombytes_buf(c.id, sizeof c.id);
	memcpy(c.other_id, c.id, sizeof c.id);
	c.other_id[E2E_ROOM_ID_BYTES - 1] ^= 1;
	if (CHECK(c.alice && c.bob && c.carol && c.key && c.other_key)) {
		member_of(&c.alice_m, "alice", c.alice);
		member_of(&c.bob_m, "bob", c.bob);
		member_of(&c.carol_m, "carol", c.carol);
		test_identity(&c);
		test_identity_seal(&c);
		test_fingerprint(&c);
		test_roomkey_derive();
		test_roomkey_bounds();
		test_member_mac(&c);
		test_join_proof(&c);
		test_state_signature(&c);
		test_state_mac(&c);
		test_admission_box(&c);
		test_wrap(&c);
		test_msg_round_trips(&c);
		test_msg_seal_refusals(&c);
		test_msg_chain(&c);
		test_msg_leave(&c);
		test_msg_state(&c);
		test_msg_tampering(&c);
		test_msg_bad_plaintext(&c);
	}
	ret = check_summary("test_crypto");
	identity_free(c.alice);
	identity_free(c.bob);
	identity_free(c.carol);
	roomkey_free(c.key);
	roomkey_free(c.other_key);
	return ret;
}
