/* fixture.c - see fixture.h. Keys come from names and the password by
 * hashing (not Argon2id: the relay cannot tell, and the harnesses stay
 * fast). Test code only: nothing here is secret. */
#include "fixture.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "sign.h"
#include "transcript.h"

/* ---- a deterministic randombytes: ChaCha20 with a fixed key ---- */

static uint8_t rng_key[crypto_stream_chacha20_KEYBYTES];
static uint64_t rng_block;

static const char *rng_name(void)
{
	return "e2e-fuzz-fixed";
}

static void rng_buf(void *const out, const size_t size)
{
	uint8_t nonce[crypto_stream_chacha20_NONCEBYTES];

	for (size_t i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)(rng_block >> (8 * i));
	rng_block++;
	crypto_stream_chacha20(out, size, nonce, rng_key);
}

static uint32_t rng_random(void)
{
	uint32_t r;

	rng_buf(&r, sizeof(r));
	return r;
}

static randombytes_implementation rng_impl = {
	.implementation_name = rng_name,
	.random = rng_random,
	.buf = rng_buf,
};

bool fixture_init(void)
{
	memset(rng_key, 0x5a, sizeof(rng_key));
	rng_block = 0;
	return randombytes_set_implementation(&rng_impl) == 0 && sodium_init() >= 0;
}

void fixture_rng_reset(void)
{
	rng_block = 0;
}

/* ---- keys ---- */

static void fixture_seed(uint8_t out[32], const char *label, const char *a)
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const uint8_t *)label, strlen(label) + 1);
	crypto_generichash_update(&h, (const uint8_t *)a, strlen(a) + 1);
	crypto_generichash_final(&h, out, 32);
}

void fixture_identity(const char *name, struct fixture_id *id)
{
	uint8_t seed[32];

	fixture_seed(seed, "fuzz/sign", name);
	crypto_sign_seed_keypair(id->sign_pk, id->sign_sk, seed);
	fixture_seed(seed, "fuzz/box", name);
	crypto_box_seed_keypair(id->box_pk, id->box_sk, seed);
}

static void fixture_room_keys(uint8_t access_pk[32], uint8_t access_sk[64],
			      uint8_t admission[32])
{
	uint8_t seed[32];

	fixture_seed(seed, "fuzz/access", FIXTURE_PASSWORD);
	crypto_sign_seed_keypair(access_pk, access_sk, seed);
	fixture_seed(admission, "fuzz/admission", FIXTURE_PASSWORD);
}

void fixture_room_id(const char *room, uint8_t id[E2E_ROOM_ID_BYTES])
{
	uint8_t seed[32];

	fixture_seed(seed, "fuzz/room-id", room);
	memcpy(id, seed, E2E_ROOM_ID_BYTES);
}

/* The admission key's MAC over `c` (freed). */
static void fixture_mac(uint8_t mac[E2E_MAC_BYTES], struct canon *c)
{
	uint8_t access_pk[32], access_sk[64], admission[32];
	size_t len = 0;
	const uint8_t *data = c != NULL ? canon_data(c, &len) : NULL;

	fixture_room_keys(access_pk, access_sk, admission);
	if (data != NULL)
		crypto_auth(mac, data, len, admission);
	canon_free(c);
}

void fixture_member(const char *room, const char *name, struct wire_member *m)
{
	struct fixture_id id;
	uint8_t room_id[E2E_ROOM_ID_BYTES];
	const struct wire_roomref ref = {room, room_id};

	fixture_identity(name, &id);
	fixture_room_id(room, room_id);
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	memcpy(m->sign_pk, id.sign_pk, sizeof(m->sign_pk));
	memcpy(m->box_pk, id.box_pk, sizeof(m->box_pk));
	fixture_mac(m->mac, transcript_member(&ref, m));
}

static json_t *fixture_b64(const uint8_t *bin, size_t len)
{
	char *s = b64_encode(bin, len);
	json_t *j = s != NULL ? json_string(s) : NULL;

	free(s);
	return j;
}

/* ---- bodies ---- */

/* The room's access block: the password's salt (per room), the floor
 * limits and the access key. */
static void fixture_access(const char *room, struct wire_access *a)
{
	uint8_t access_sk[64], admission[32], salt[32];

	fixture_room_keys(a->access_pk, access_sk, admission);
	fixture_seed(salt, "fuzz/salt", room); /* the first E2E_SALT_BYTES used */
	memcpy(a->salt, salt, sizeof(a->salt));
	a->opslimit = E2E_KDF_OPS_MIN;
	a->memlimit = E2E_KDF_MEM_MIN;
}

json_t *fixture_signed_state(const char *room, const char *const *names, size_t n,
			     uint64_t revision, uint64_t epoch)
{
	struct wire_member *members = calloc(n, sizeof(*members));
	struct wire_state s = {.revision = revision, .epoch = epoch, .members = members,
			       .n_members = n};
	struct wire_signed out_s = {.payload = NULL};
	struct fixture_id admin;
	json_t *out = NULL;

	if (members == NULL)
		return NULL;
	snprintf(s.room, sizeof(s.room), "%s", room);
	fixture_room_id(room, s.id);
	snprintf(s.by, sizeof(s.by), "%s", names[0]);
	fixture_access(room, &s.access);
	for (size_t i = 0; i < n; i++) {
		fixture_member(room, names[i], &members[i]);
		memset(members[i].mac, 0, sizeof(members[i].mac));
		members[i].since = 1;
		members[i].admin = i == 0;
	}
	fixture_identity(names[0], &admin);
	out_s.payload = wire_state_build(&s, &out_s.len);
	if (out_s.payload != NULL &&
	    sign_transcript(out_s.sig, admin.sign_sk, transcript_state(out_s.payload, out_s.len))) {
		fixture_mac(out_s.mac, transcript_state(out_s.payload, out_s.len));
		out = wire_signed_pack(&out_s);
	}
	wire_signed_clear(&out_s);
	free(members);
	return out;
}

json_t *fixture_wrap(const char *room, const char *admin, const char *member, uint64_t epoch)
{
	struct fixture_id from, to;
	struct wire_wrap w = {.epoch = epoch};
	uint8_t key[32], room_id[E2E_ROOM_ID_BYTES];
	const struct wire_roomref ref = {room, room_id};
	char e[24];

	fixture_identity(admin, &from);
	fixture_identity(member, &to);
	fixture_room_id(room, room_id);
	snprintf(w.member, sizeof(w.member), "%s", member);
	snprintf(w.by, sizeof(w.by), "%s", admin);
	snprintf(e, sizeof(e), "fuzz/session/%llu", (unsigned long long)epoch);
	fixture_seed(key, e, room);
	randombytes_buf(w.nonce, sizeof(w.nonce));
	if (crypto_box_easy(w.box, key, sizeof(key), w.nonce, to.box_pk, from.box_sk) != 0 ||
	    !sign_transcript(w.sig, from.sign_sk, transcript_wrap(&ref, &w, to.box_pk)))
		return NULL;
	return wire_wrap_pack(&w);
}

static json_t *fixture_wraps(const char *room, const char *const *names, size_t n,
			     uint64_t epoch)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, fixture_wrap(room, names[0], names[i], epoch)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr;
}

json_t *fixture_create_body(const char *room, const char *creator)
{
	const char *names[1] = {creator};
	struct wire_member m;
	struct wire_access a;
	uint8_t room_id[E2E_ROOM_ID_BYTES];

	fixture_access(room, &a);
	fixture_room_id(room, room_id);
	fixture_member(room, creator, &m);
	return json_pack("{s:i, s:s, s:o, s:o, s:I, s:I, s:o, s:o, s:o, s:o}",
			 "v", E2E_PROTO_VERSION, "room", room,
			 "id", fixture_b64(room_id, sizeof(room_id)),
			 "salt", fixture_b64(a.salt, sizeof(a.salt)),
			 "opslimit", (json_int_t)a.opslimit, "memlimit", (json_int_t)a.memlimit,
			 "access_pk", fixture_b64(a.access_pk, sizeof(a.access_pk)),
			 "member", wire_member_pack(&m, true),
			 "state", fixture_signed_state(room, names, 1, 1, 1),
			 "wraps", fixture_wraps(room, names, 1, 1));
}

json_t *fixture_join_body(const char *room, const char *name, const char *nonce_b64)
{
	struct wire_member m;
	uint8_t access_pk[32], access_sk[64], admission[32], room_id[E2E_ROOM_ID_BYTES];
	uint8_t nonce[E2E_NONCE_BYTES], proof[E2E_SIG_BYTES];
	const struct wire_roomref ref = {room, room_id};
	json_t *out;

	fixture_room_keys(access_pk, access_sk, admission);
	fixture_room_id(room, room_id);
	fixture_member(room, name, &m);
	if (!b64_decode_exact(nonce, sizeof(nonce), nonce_b64) ||
	    !sign_transcript(proof, access_sk, transcript_join(&ref, nonce, &m)))
		return NULL;
	out = wire_member_pack(&m, true);
	if (out != NULL && (json_object_set_new(out, "nonce", json_string(nonce_b64)) != 0 ||
			    json_object_set_new(out, "proof", fixture_b64(proof, sizeof(proof))))) {
		json_decref(out);
		out = NULL;
	}
	return out;
}

json_t *fixture_state_body(const char *room, const char *const *names, size_t n,
			   uint64_t revision, uint64_t epoch)
{
	return json_pack("{s:o, s:o}", "state",
			 fixture_signed_state(room, names, n, revision, epoch),
			 "wraps", fixture_wraps(room, names, n, epoch));
}

json_t *fixture_msg_body(uint64_t epoch, uint64_t counter, size_t ct_len)
{
	uint8_t nonce[E2E_AEAD_NONCE_BYTES], sig[E2E_SIG_BYTES];
	uint8_t *ct = malloc(ct_len + 1);
	json_t *out = NULL;

	if (ct == NULL)
		return NULL;
	randombytes_buf(nonce, sizeof(nonce));
	randombytes_buf(sig, sizeof(sig));
	randombytes_buf(ct, ct_len);
	out = json_pack("{s:i, s:I, s:I, s:o, s:o, s:o}", "v", E2E_PROTO_VERSION,
			"epoch", (json_int_t)epoch, "counter", (json_int_t)counter,
			"nonce", fixture_b64(nonce, sizeof(nonce)), "ct", fixture_b64(ct, ct_len),
			"sig", fixture_b64(sig, sizeof(sig)));
	free(ct);
	return out;
}

char *fixture_dump(json_t *j, size_t *len)
{
	char *text = j != NULL ? wire_dump(j, len) : NULL;

	json_decref(j);
	return text;
}
