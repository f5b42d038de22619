/* fuzz_wire.c - libFuzzer harness for common/wire.c and common/b64.c,
 * the parsers both sides run on every body the other side sends: the
 * relay on requests, the client on every reply (room, member list,
 * wraps, messages, the signed state).
 *
 * Each input is a body: it goes through wire_parse_body and then every
 * record's unpack (and the arrays a reply carries, element by element);
 * the raw bytes also go through wire_state_parse and b64_decode. What
 * unpacks must pack and unpack again to the same record (the relay
 * stores what it accepted and serves it back). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz_wire: %s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                              \
			abort();                                                     \
		}                                                                    \
	} while (0)

static void fuzz_room(json_t *obj)
{
	struct wire_room a, b;
	json_error_t err;
	json_t *j;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (wire_room_unpack(obj, &a, &err) != E2E_OK)
		return;
	j = wire_room_pack(&a);
	CHECK(j != NULL);
	CHECK(wire_room_unpack(j, &b, &err) == E2E_OK);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	json_decref(j);
}

static void fuzz_member(json_t *obj, bool with_mac)
{
	struct wire_member a, b;
	json_error_t err;
	json_t *j;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (wire_member_unpack(obj, &a, with_mac, &err) != E2E_OK)
		return;
	j = wire_member_pack(&a, with_mac);
	CHECK(j != NULL);
	CHECK(wire_member_unpack(j, &b, with_mac, &err) == E2E_OK);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	json_decref(j);
}

static void fuzz_listed(json_t *obj)
{
	struct wire_member a, b;
	enum wire_status st = WIRE_PENDING, st2 = WIRE_PENDING;
	json_error_t err;
	json_t *j;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (wire_listed_member_unpack(obj, &a, &st, &err) != E2E_OK)
		return;
	/* the relay's list entry: the record plus status and joined_at */
	j = wire_member_pack(&a, true);
	CHECK(j != NULL);
	CHECK(json_object_set_new(j, "status", json_string(wire_status_name(st))) == 0);
	CHECK(json_object_set_new(j, "joined_at", json_integer(1)) == 0);
	CHECK(wire_listed_member_unpack(j, &b, &st2, &err) == E2E_OK);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0 && st == st2);
	json_decref(j);
}

static void fuzz_wrap(json_t *obj)
{
	struct wire_wrap a, b;
	json_error_t err;
	json_t *j;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (wire_wrap_unpack(obj, &a, &err) != E2E_OK)
		return;
	j = wire_wrap_pack(&a);
	CHECK(j != NULL);
	CHECK(wire_wrap_unpack(j, &b, &err) == E2E_OK);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	json_decref(j);
}

static void fuzz_msg(json_t *obj, bool stored)
{
	struct wire_msg *a = calloc(1, sizeof(*a)); /* 25 KiB each */
	struct wire_msg *b = calloc(1, sizeof(*b));
	json_error_t err;
	json_t *j = NULL;

	CHECK(a != NULL && b != NULL);
	if (wire_msg_unpack(obj, a, stored, &err) == E2E_OK) {
		j = wire_msg_pack(a, stored);
		CHECK(j != NULL);
		CHECK(wire_msg_unpack(j, b, stored, &err) == E2E_OK);
		CHECK(a->ct_len == b->ct_len && memcmp(a->ct, b->ct, a->ct_len) == 0);
		/* compare the rest with the ciphertext bytes beyond ct_len equal */
		memset(a->ct, 0, sizeof(a->ct));
		memset(b->ct, 0, sizeof(b->ct));
		CHECK(memcmp(a, b, sizeof(*a)) == 0);
	}
	json_decref(j);
	free(a);
	free(b);
}

/* A parsed state rebuilt must parse to the same state. */
static void fuzz_state_roundtrip(const struct wire_state *a)
{
	struct wire_state b;
	json_error_t err;
	size_t len = 0;
	uint8_t *bytes = wire_state_build(a, &len);

	CHECK(bytes != NULL);
	CHECK(wire_state_parse(bytes, len, &b, &err) == E2E_OK);
	CHECK(strcmp(a->room, b.room) == 0 && memcmp(a->id, b.id, sizeof(a->id)) == 0 &&
	      strcmp(a->by, b.by) == 0);
	CHECK(a->revision == b.revision && a->epoch == b.epoch && a->history == b.history);
	CHECK(memcmp(&a->access, &b.access, sizeof(a->access)) == 0);
	CHECK(memcmp(&a->admission, &b.admission, sizeof(a->admission)) == 0);
	CHECK(a->n_members == b.n_members && a->n_former == b.n_former &&
	      a->n_banned == b.n_banned);
	for (size_t i = 0; i < a->n_members; i++)
		CHECK(memcmp(&a->members[i], &b.members[i], sizeof(b.members[i])) == 0);
	for (size_t i = 0; i < a->n_former; i++)
		CHECK(memcmp(&a->former[i], &b.former[i], sizeof(b.former[i])) == 0);
	for (size_t i = 0; i < a->n_banned; i++)
		CHECK(memcmp(&a->banned[i], &b.banned[i], sizeof(b.banned[i])) == 0);
	/* and the lookups the client makes on it stay in bounds; a parsed
	 * state is signed by one of its admins */
	CHECK(wire_state_admin(a, a->by) != NULL);
	for (size_t i = 0; i < a->n_members; i++) {
		CHECK(wire_state_find(a, a->members[i].name) == &a->members[i]);
		CHECK(a->members[i].since >= 1 && a->members[i].since <= a->epoch);
		(void)wire_state_banned(a, &a->members[i]);
	}
	for (size_t i = 0; i < a->n_former; i++)
		CHECK(wire_state_keys_at(a, a->former[i].m.name, a->former[i].last_epoch) != NULL);
	for (size_t i = 0; i < a->n_banned; i++)
		CHECK(wire_state_banned(a, &a->banned[i]) != NULL);
	wire_state_clear(&b);
	free(bytes);
}

static void fuzz_state(const uint8_t *payload, size_t len)
{
	struct wire_state s;
	json_error_t err;

	if (wire_state_parse(payload, len, &s, &err) == E2E_OK)
		fuzz_state_roundtrip(&s);
	wire_state_clear(&s);
}

static void fuzz_signed(json_t *obj)
{
	struct wire_signed a, b;
	json_error_t err;
	json_t *j;

	if (wire_signed_unpack(obj, &a, &err) != E2E_OK) {
		CHECK(a.payload == NULL && a.len == 0);
		return;
	}
	CHECK(a.payload != NULL && a.len > 0 && a.len <= E2E_STATE_MAX);
	fuzz_state(a.payload, a.len);
	j = wire_signed_pack(&a);
	CHECK(j != NULL);
	CHECK(wire_signed_unpack(j, &b, &err) == E2E_OK);
	CHECK(b.len == a.len && memcmp(a.payload, b.payload, a.len) == 0);
	CHECK(memcmp(a.sig, b.sig, sizeof(a.sig)) == 0 && memcmp(a.mac, b.mac, sizeof(a.mac)) == 0);
	json_decref(j);
	wire_signed_clear(&a);
	wire_signed_clear(&b);
}

/* Every record parser on one JSON value. */
static void fuzz_record(json_t *obj)
{
	fuzz_room(obj);
	fuzz_member(obj, true);
	fuzz_member(obj, false);
	fuzz_listed(obj);
	fuzz_wrap(obj);
	fuzz_msg(obj, false);
	fuzz_msg(obj, true);
	fuzz_signed(obj);
}

static void fuzz_b64(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	uint8_t out[64];
	size_t len = 0;

	if (s == NULL)
		return;
	for (size_t cap = 0; cap <= sizeof(out); cap += 16) {
		if (b64_decode(out, cap, &len, s))
			CHECK(len <= cap);
	}
	(void)b64_decode_exact(out, 32, s);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *root = wire_parse_body((const char *)data, size, &err);
	static const char *const arrays[] = {"members", "wraps", "messages"};

	fuzz_state(data, size);
	fuzz_b64(data, size);
	if (root == NULL)
		return 0;
	fuzz_record(root);
	/* the client's replies: {"members": [...]}, {"wraps": [...]},
	 * {"messages": [...]}; the state post {"state": {...}, ...} and the
	 * create request's "member" and "state" */
	for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
		json_t *arr = json_object_get(root, arrays[k]);
		size_t i;
		json_t *v;

		json_array_foreach(arr, i, v)
			fuzz_record(v);
	}
	if (json_is_object(json_object_get(root, "state")))
		fuzz_signed(json_object_get(root, "state"));
	if (json_is_object(json_object_get(root, "member")))
		fuzz_member(json_object_get(root, "member"), true);
	json_decref(root);
	return 0;
}
