/* test_wire.c - the JSON records of common/wire.h: every pack/unpack pair
 * round trips through JSON text, and every unpack refuses what
 * docs/PROTOCOL.md says is not a valid record (unknown, missing or
 * mistyped fields, bad base64, wrong lengths, bad names, other versions
 * -- v1 records of every kind give bad_version --, out-of-range numbers,
 * oversized lists and payloads, and a state without a valid admin
 * signing it).
 *
 * The refusals are driven by a `struct record`: one valid object of a kind
 * and a function that unpacks it. Each case changes one field of a copy of
 * the valid object and states the error it must give. */
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "check.h"
#include "wire.h"

static const char *code(enum e2e_err e)
{
	return e2e_err_info(e)->code;
}

/* ---- sample records ---- */

static void sample_member(struct wire_member *m, const char *name)
{
	memset(m, 0, sizeof *m);
	snprintf(m->name, sizeof m->name, "%s", name);
	randombytes_buf(m->sign_pk, sizeof m->sign_pk);
	randombytes_buf(m->box_pk, sizeof m->box_pk);
	randombytes_buf(m->mac, sizeof m->mac);
}

static void sample_room(struct wire_room *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->room, sizeof r->room, "room-1.test_x");
	snprintf(r->creator, sizeof r->creator, "alice");
	randombytes_buf(r->id, sizeof r->id);
	randombytes_buf(r->salt, sizeof r->salt);
	r->opslimit = E2E_KDF_OPS_MIN;
	r->memlimit = E2E_KDF_MEM_MAX;
	r->created_at = 1700000000;
}

static void sample_wrap(struct wire_wrap *w)
{
	memset(w, 0, sizeof *w);
	snprintf(w->member, sizeof w->member, "bob");
	snprintf(w->by, sizeof w->by, "alice");
	w->epoch = 3;
	randombytes_buf(w->nonce, sizeof w->nonce);
	randombytes_buf(w->box, sizeof w->box);
	randombytes_buf(w->sig, sizeof w->sig);
}

/* Messages are large (the ciphertext buffer): callers allocate them. */
static void sample_msg(struct wire_msg *m, size_t ct_len)
{
	memset(m, 0, sizeof *m);
	m->seq = 42;
	snprintf(m->sender, sizeof m->sender, "carol");
	m->epoch = 2;
	m->counter = 7;
	m->received_at = 1700000001;
	randombytes_buf(m->nonce, sizeof m->nonce);
	randombytes_buf(m->sig, sizeof m->sig);
	m->ct_len = ct_len;
	randombytes_buf(m->ct, ct_len);
}

static void sample_access(struct wire_access *a)
{
	randombytes_buf(a->salt, sizeof a->salt);
	a->opslimit = E2E_KDF_OPS_MIN;
	a->memlimit = E2E_KDF_MEM_MIN;
	randombytes_buf(a->access_pk, sizeof a->access_pk);
}

/* A state of `n` members named m0, m1, ... signed by m0, its one admin;
 * member i's membership began at epoch 1 + i % 2 (members is malloc'd). */
static bool sample_state(struct wire_state *s, size_t n)
{
	char name[24]; /* "m" and any size_t */

	memset(s, 0, sizeof *s);
	snprintf(s->room, sizeof s->room, "room");
	randombytes_buf(s->id, sizeof s->id);
	snprintf(s->by, sizeof s->by, "m0");
	s->revision = 5;
	s->epoch = 2;
	sample_access(&s->access);
	s->members = calloc(n ? n : 1, sizeof *s->members);
	if (!s->members)
		return false;
	s->n_members = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof name, "m%zu", i);
		sample_member(&s->members[i], name);
		memset(s->members[i].mac, 0, sizeof s->members[i].mac);
		s->members[i].since = 1 + i % 2;
		s->members[i].admin = i == 0;
	}
	return true;
}

static bool member_equal(const struct wire_member *a, const struct wire_member *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       memcmp(a->sign_pk, b->sign_pk, sizeof a->sign_pk) == 0 &&
	       memcmp(a->box_pk, b->box_pk, sizeof a->box_pk) == 0 &&
	       memcmp(a->mac, b->mac, sizeof a->mac) == 0 && a->since == b->since &&
	       a->admin == b->admin;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* Base64 of `len` bytes of `fill`, as a JSON string. */
static json_t *b64_value(size_t len, uint8_t fill)
{
	uint8_t *bin = malloc(len ? len : 1);
	char *s = bin ? b64_encode(memset(bin, fill, len), len) : NULL;
	json_t *j = s ? json_string(s) : NULL;

	free(bin);
	free(s);
	return j;
}

/* Pack -> compact JSON text -> wire_parse_body: what the peer receives.
 * Takes `obj`; NULL if any step fails. */
static json_t *through_text(json_t *obj)
{
	json_error_t err;
	size_t len = 0;
	char *text = obj ? wire_dump(obj, &len) : NULL;
	json_t *back = text ? wire_parse_body(text, len, &err) : NULL;

	if (text && strlen(text) != len) {
		json_decref(back);
		back = NULL;
	}
	free(text);
	json_decref(obj);
	return back;
}

/* `obj` has exactly the comma-separated keys of `keys`. */
static bool has_keys(const json_t *obj, const char *keys)
{
	char buf[256], *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof buf, "%s", keys);
	for (char *k = strtok_r(buf, ",", &save); k; k = strtok_r(NULL, ",", &save), n++)
		if (!json_object_get(obj, k))
			return false;
	return json_object_size(obj) == n;
}

/* ---- the record table driver ---- */

typedef enum e2e_err (*unpack_fn)(json_t *obj, json_error_t *err);

struct record {
	const char *name;
	json_t *valid; /* owned */
	unpack_fn unpack;
};

/* Unpack a copy of r->valid with `key` set to `value` (taken), or removed
 * if `value` is NULL; `key` NULL: the valid object unchanged. */
static enum e2e_err unpack_changed(const struct record *r, const char *key, json_t *value,
				   json_error_t *err)
{
	json_t *obj = json_deep_copy(r->valid);
	enum e2e_err e = E2E_ERR__COUNT; /* the test itself failed */
	int changed = 0;

	memset(err, 0, sizeof *err);
	if (!obj) {
		json_decref(value);
		return e;
	}
	if (key && value)
		changed = json_object_set_new(obj, key, value);
	else if (key)
		changed = json_object_del(obj, key);
	if (changed == 0)
		e = r->unpack(obj, err);
	json_decref(obj);
	return e;
}

static bool expect(const struct record *r, const char *key, json_t *value, enum e2e_err want,
		   const char *what)
{
	json_error_t err;
	enum e2e_err got = unpack_changed(r, key, value, &err);

	return CHECKF(got == want, "%s, %s %s: got %s, want %s (%s)", r->name,
		      key ? key : "(unchanged)", what, got == E2E_ERR__COUNT ? "test error" : code(got),
		      code(want), err.text);
}

/* `json` is the new value as JSON text. */
static void expect_json(const struct record *r, const char *key, const char *json,
			enum e2e_err want)
{
	json_error_t err;
	json_t *value = json_loads(json, JSON_DECODE_ANY, &err);

	if (CHECKF(value != NULL, "test value %s", json))
		expect(r, key, value, want, json);
}

static void expect_str(const struct record *r, const char *key, const char *s, enum e2e_err want,
		       const char *what)
{
	expect(r, key, json_string(s), want, what);
}

/* Unknown, missing, null and mistyped fields: all bad_field. */
static void check_strict(const struct record *r)
{
	const char *key;
	json_t *value;

	expect(r, NULL, NULL, E2E_OK, "");
	expect(r, "extra", json_integer(1), E2E_ERR_BAD_FIELD, "added");
	expect(r, "V", json_integer(1), E2E_ERR_BAD_FIELD, "added");
	json_object_foreach(r->valid, key, value) {
		bool is_int = json_is_integer(value);

		expect(r, key, NULL, E2E_ERR_BAD_FIELD, "removed");
		expect(r, key, json_null(), E2E_ERR_BAD_FIELD, "null");
		if (!json_is_boolean(value))
			expect(r, key, json_true(), E2E_ERR_BAD_FIELD, "true");
		else
			expect(r, key, json_string("true"), E2E_ERR_BAD_FIELD, "\"true\"");
		expect(r, key, json_object(), E2E_ERR_BAD_FIELD, "{}");
		expect(r, key, is_int ? json_string("1") : json_integer(1), E2E_ERR_BAD_FIELD,
		       "of another type");
		if (is_int)
			expect(r, key, json_real(1.0), E2E_ERR_BAD_FIELD, "a real");
		else if (!json_is_array(value)) /* arrays: their own tests */
			expect(r, key, json_array(), E2E_ERR_BAD_FIELD, "[]");
	}
}

/* A fixed-length base64 field of `len` bytes. */
static void check_bin_field(const struct record *r, const char *key, size_t len)
{
	json_t *valid = b64_value(len, 0xff); /* "////...": has '/' */
	const char *s = json_string_value(valid);
	char *text = s ? malloc(strlen(s) + 2) : NULL;
	size_t n;

	if (!CHECK(text != NULL))
		goto out;
	expect(r, key, json_incref(valid), E2E_OK, "all ones");
	expect(r, key, b64_value(len, 0), E2E_OK, "all zero");
	expect(r, key, b64_value(len - 1, 1), E2E_ERR_BAD_FIELD, "one byte short");
	expect(r, key, b64_value(len + 1, 1), E2E_ERR_BAD_FIELD, "one byte long");
	expect(r, key, b64_value(2 * len, 1), E2E_ERR_BAD_FIELD, "twice as long");
	expect_str(r, key, "", E2E_ERR_BAD_FIELD, "empty");
	expect_str(r, key, "!!!!", E2E_ERR_BAD_FIELD, "not base64");

	strcpy(text, s);
	for (char *p = text; *p; p++) /* the URL-safe alphabet */
		if (*p == '/')
			*p = '_';
	expect_str(r, key, text, E2E_ERR_BAD_FIELD, "URL-safe");

	strcpy(text, s);
	strcat(text, "A");
	expect_str(r, key, text, E2E_ERR_BAD_FIELD, "with trailing garbage");

	strcpy(text, s);
	text[0] = ' ';
	expect_str(r, key, text, E2E_ERR_BAD_FIELD, "with a space");

	strcpy(text, s);
	n = strlen(text);
	if (text[n - 1] == '=') { /* every protocol length but 24 and 48 pads */
		while (n > 0 && text[n - 1] == '=')
			text[--n] = '\0';
		expect_str(r, key, text, E2E_ERR_BAD_FIELD, "without padding");
	}
out:
	free(text);
	json_decref(valid);
}

/* A name field: room (max 64) or member (max 32) alphabet and length. */
static void check_name_field(const struct record *r, const char *key, size_t max)
{
	static const char *bad[] = {
		"", ".a", "-a", "_a", "..", "../x", "a/b", "a b", "a\n", "a\\b", "\xc3\xa9", "a\xc3\xa9",
	};
	char name[E2E_ROOM_NAME_MAX + 2];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_str(r, key, bad[i], E2E_ERR_BAD_NAME, bad[i]);
	memset(name, 'a', max + 1);
	name[max + 1] = '\0';
	expect_str(r, key, name, E2E_ERR_BAD_NAME, "over the maximum length");
	name[max] = '\0';
	expect_str(r, key, name, E2E_OK, "of the maximum length");
	expect_str(r, key, "Z9.-_", E2E_OK, "of the whole alphabet");
}

/* An integer field from 1 to `max`. */
static void check_uint_field_max(const struct record *r, const char *key, int max)
{
	char num[16];

	expect_json(r, key, "-1", E2E_ERR_BAD_FIELD);
	expect_json(r, key, "0", E2E_ERR_BAD_FIELD);
	expect_json(r, key, "1", E2E_OK);
	snprintf(num, sizeof num, "%d", max);
	expect_json(r, key, num, E2E_OK);
	snprintf(num, sizeof num, "%d", max + 1);
	expect_json(r, key, num, E2E_ERR_BAD_FIELD);
	expect_json(r, key, "9223372036854775807", E2E_ERR_BAD_FIELD);
}

/* An integer field that starts at `min` (0 or 1). */
static void check_uint_field(const struct record *r, const char *key, int min)
{
	expect_json(r, key, "-1", E2E_ERR_BAD_FIELD);
	expect_json(r, key, "-9223372036854775808", E2E_ERR_BAD_FIELD);
	if (min == 1)
		expect_json(r, key, "0", E2E_ERR_BAD_FIELD);
	else
		expect_json(r, key, "0", E2E_OK);
	expect_json(r, key, "1", E2E_OK);
	expect_json(r, key, "9223372036854775807", E2E_OK);
}

static void check_version_field(const struct record *r)
{
	expect_json(r, "v", "1", E2E_ERR_BAD_VERSION);
	expect_json(r, "v", "3", E2E_ERR_BAD_VERSION);
	expect_json(r, "v", "0", E2E_ERR_BAD_VERSION);
	expect_json(r, "v", "-1", E2E_ERR_BAD_VERSION);
	expect_json(r, "v", "2", E2E_OK);
}

/* ---- unpack adapters: one signature for the driver ---- */

static enum e2e_err unpack_room(json_t *obj, json_error_t *err)
{
	struct wire_room r;

	return wire_room_unpack(obj, &r, err);
}

static enum e2e_err unpack_member_mac(json_t *obj, json_error_t *err)
{
	struct wire_member m;

	return wire_member_unpack(obj, &m, true, err);
}

static enum e2e_err unpack_member_plain(json_t *obj, json_error_t *err)
{
	struct wire_member m;

	return wire_member_unpack(obj, &m, false, err);
}

static enum e2e_err unpack_listed(json_t *obj, json_error_t *err)
{
	struct wire_member m;
	enum wire_status status;

	return wire_listed_member_unpack(obj, &m, &status, err);
}

static enum e2e_err unpack_wrap(json_t *obj, json_error_t *err)
{
	struct wire_wrap w;

	return wire_wrap_unpack(obj, &w, err);
}

static enum e2e_err unpack_msg(json_t *obj, bool stored, json_error_t *err)
{
	struct wire_msg *m = malloc(sizeof *m);
	enum e2e_err e = m ? wire_msg_unpack(obj, m, stored, err) : E2E_ERR__COUNT;

	free(m);
	return e;
}

static enum e2e_err unpack_msg_posted(json_t *obj, json_error_t *err)
{
	return unpack_msg(obj, false, err);
}

static enum e2e_err unpack_msg_stored(json_t *obj, json_error_t *err)
{
	return unpack_msg(obj, true, err);
}

static enum e2e_err unpack_signed(json_t *obj, json_error_t *err)
{
	struct wire_signed s;
	enum e2e_err e = wire_signed_unpack(obj, &s, err);

	if (e != E2E_OK && (s.payload || s.len))
		e = E2E_ERR__COUNT; /* a refusal must not hand out a payload */
	wire_signed_clear(&s);
	return e;
}

static enum e2e_err parse_state_bytes(const uint8_t *payload, size_t len, json_error_t *err)
{
	struct wire_state s;
	enum e2e_err e = wire_state_parse(payload, len, &s, err);

	if (e != E2E_OK && (s.members || s.n_members || s.former || s.n_former || s.banned ||
			    s.n_banned || s.admission.present))
		e = E2E_ERR__COUNT; /* a refusal leaves nothing behind */
	wire_state_clear(&s);
	return e;
}

/* The state payload is signed bytes, not an object of a body: dump it. */
static enum e2e_err unpack_state(json_t *obj, json_error_t *err)
{
	size_t len = 0;
	char *text = wire_dump(obj, &len);
	enum e2e_err e = text ? parse_state_bytes((uint8_t *)text, len, err) : E2E_ERR__COUNT;

	free(text);
	return e;
}

/* A valid state payload (epoch 5, signed by its one admin "zed") as an
 * object, with the member `entry` (taken; NULL: none) added to its list
 * `list` ("members", "former" or "banned"). */
static json_t *state_with(const char *list, json_t *entry)
{
	json_t *zed = json_pack("{s:s, s:o, s:o, s:i, s:b}", "name", "zed",
				"sign_pk", b64_value(E2E_SIGN_PK_BYTES, 7),
				"box_pk", b64_value(E2E_BOX_PK_BYTES, 8), "since", 1, "admin", 1);
	json_t *access = json_pack("{s:o, s:I, s:I, s:o}", "salt", b64_value(E2E_SALT_BYTES, 9),
				   "opslimit", (json_int_t)E2E_KDF_OPS_MIN,
				   "memlimit", (json_int_t)E2E_KDF_MEM_MIN,
				   "access_pk", b64_value(E2E_SIGN_PK_BYTES, 10));
	json_t *state = json_pack("{s:i, s:s, s:o, s:s, s:i, s:i, s:s, s:o, s:[o], s:[], s:[]}",
				  "v", E2E_PROTO_VERSION, "room", "r",
				  "id", b64_value(E2E_ROOM_ID_BYTES, 11), "by", "zed",
				  "revision", 3, "epoch", 5, "history", "joined", "access", access,
				  "members", zed, "former", "banned");

	if (state && entry && json_array_append(json_object_get(state, list), entry) != 0) {
		json_decref(state);
		state = NULL;
	}
	json_decref(entry);
	return state;
}

/* The state above with its field `key` set to `value` (taken). */
static enum e2e_err unpack_state_set(const char *list, json_t *entry, const char *key,
				     json_t *value, json_error_t *err)
{
	json_t *state = state_with(list, entry);
	enum e2e_err e = E2E_ERR__COUNT;

	if (state && (!key || json_object_set(state, key, value) == 0))
		e = unpack_state(state, err);
	json_decref(state);
	json_decref(value);
	return e;
}

/* One entry of a state's member list, inside an otherwise valid state. */
static enum e2e_err unpack_state_entry(json_t *entry, json_error_t *err)
{
	return unpack_state_set("members", json_incref(entry), NULL, NULL, err);
}

static enum e2e_err unpack_former_entry(json_t *entry, json_error_t *err)
{
	return unpack_state_set("former", json_incref(entry), NULL, NULL, err);
}

static enum e2e_err unpack_banned_entry(json_t *entry, json_error_t *err)
{
	return unpack_state_set("banned", json_incref(entry), NULL, NULL, err);
}

static enum e2e_err unpack_access(json_t *access, json_error_t *err)
{
	return unpack_state_set("members", NULL, "access", json_incref(access), err);
}

static enum e2e_err unpack_admission(json_t *admission, json_error_t *err)
{
	return unpack_state_set("members", NULL, "admission", json_incref(admission), err);
}

/* ---- round trips ---- */

static void test_room_round_trip(void)
{
	struct wire_room in, out;
	json_error_t err;
	json_t *obj;

	sample_room(&in);
	obj = through_text(wire_room_pack(&in));
	if (!CHECK(obj != NULL))
		return;
	CHECK(has_keys(obj, "v,room,id,salt,opslimit,memlimit,creator,created_at"));
	CHECK(json_integer_value(json_object_get(obj, "v")) == 2 && E2E_PROTO_VERSION == 2);
	memset(&out, 0x55, sizeof out);
	CHECK(wire_room_unpack(obj, &out, &err) == E2E_OK);
	CHECK(strcmp(out.room, in.room) == 0 && strcmp(out.creator, in.creator) == 0);
	CHECK(memcmp(out.id, in.id, sizeof in.id) == 0);
	CHECK(memcmp(out.salt, in.salt, sizeof in.salt) == 0);
	CHECK(out.opslimit == in.opslimit && out.memlimit == in.memlimit);
	CHECK(out.created_at == in.created_at);
	json_decref(obj);
}

static void test_member_round_trips(void)
{
	struct wire_member in, out;
	json_error_t err;
	json_t *with, *without;

	sample_member(&in, "alice");
	with = through_text(wire_member_pack(&in, true));
	without = through_text(wire_member_pack(&in, false));
	if (!CHECK(with && without))
		goto out;
	CHECK(has_keys(with, "v,name,sign_pk,box_pk,mac"));
	CHECK(has_keys(without, "name,sign_pk,box_pk"));
	memset(&out, 0x55, sizeof out);
	CHECK(wire_member_unpack(with, &out, true, &err) == E2E_OK && member_equal(&in, &out));
	memset(&out, 0x55, sizeof out);
	CHECK(wire_member_unpack(without, &out, false, &err) == E2E_OK);
	CHECK(all_zero(out.mac, sizeof out.mac)); /* no MAC: zeroed, not left over */
	memcpy(out.mac, in.mac, sizeof in.mac);
	CHECK(member_equal(&in, &out));
	/* Each form is refused where the other is expected. */
	CHECK(wire_member_unpack(with, &out, false, &err) == E2E_ERR_BAD_FIELD);
	CHECK(wire_member_unpack(without, &out, true, &err) == E2E_ERR_BAD_FIELD);
out:
	json_decref(with);
	json_decref(without);
}

/* The relay's member list entry: a member record plus status and time. */
static json_t *listed_member(const struct wire_member *m, const char *status)
{
	json_t *obj = wire_member_pack(m, true);

	if (obj && (json_object_set_new(obj, "status", json_string(status)) ||
		    json_object_set_new(obj, "joined_at", json_integer(1700000002)))) {
		json_decref(obj);
		return NULL;
	}
	return through_text(obj);
}

static void test_listed_member_round_trip(void)
{
	static const struct {
		const char *status;
		enum wire_status want;
	} cases[] = {{"admitted", WIRE_ADMITTED}, {"pending", WIRE_PENDING},
		     {"removed", WIRE_REMOVED}};
	struct wire_member in, out;
	json_error_t err;

	sample_member(&in, "bob");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *obj = listed_member(&in, cases[i].status);
		enum wire_status got = (cases[i].want + 1) % 3;

		memset(&out, 0x55, sizeof out);
		CHECKF(obj && wire_listed_member_unpack(obj, &out, &got, &err) == E2E_OK,
		       "%s", cases[i].status);
		CHECKF(got == cases[i].want && member_equal(&in, &out), "%s", cases[i].status);
		CHECK(strcmp(wire_status_name(cases[i].want), cases[i].status) == 0);
		json_decref(obj);
	}
}

static void test_wrap_round_trip(void)
{
	struct wire_wrap in, out;
	json_error_t err;
	json_t *obj;

	sample_wrap(&in);
	obj = through_text(wire_wrap_pack(&in));
	if (!CHECK(obj != NULL))
		return;
	CHECK(has_keys(obj, "member,by,epoch,nonce,box,sig"));
	memset(&out, 0x55, sizeof out);
	CHECK(wire_wrap_unpack(obj, &out, &err) == E2E_OK);
	CHECK(strcmp(out.member, in.member) == 0 && out.epoch == in.epoch);
	CHECK(strcmp(out.by, "alice") == 0);
	CHECK(memcmp(out.nonce, in.nonce, sizeof in.nonce) == 0);
	CHECK(memcmp(out.box, in.box, sizeof in.box) == 0);
	CHECK(memcmp(out.sig, in.sig, sizeof in.sig) == 0);
	json_decref(obj);
}

static bool msg_equal(const struct wire_msg *a, const struct wire_msg *b, bool stored)
{
	bool relay_fields = stored ? a->seq == b->seq && strcmp(a->sender, b->sender) == 0 &&
					     a->received_at == b->received_at
				   : b->seq == 0 && b->sender[0] == '\0' && b->received_at == 0;

	return relay_fields && a->epoch == b->epoch && a->counter == b->counter &&
	       memcmp(a->nonce, b->nonce, sizeof a->nonce) == 0 &&
	       memcmp(a->sig, b->sig, sizeof a->sig) == 0 && a->ct_len == b->ct_len &&
	       memcmp(a->ct, b->ct, a->ct_len) == 0;
}

static void check_msg_round_trip(struct wire_msg *in, struct wire_msg *out, size_t ct_len,
				 bool stored)
{
	json_error_t err;
	json_t *obj;

	sample_msg(in, ct_len);
	obj = through_text(wire_msg_pack(in, stored));
	if (!CHECKF(obj != NULL, "ct %zu, stored %d", ct_len, stored))
		return;
	CHECKF(has_keys(obj, stored ? "v,epoch,counter,nonce,ct,sig,seq,sender,received_at"
				    : "v,epoch,counter,nonce,ct,sig"),
	       "stored %d", stored);
	memset(out, 0x55, sizeof *out);
	CHECKF(wire_msg_unpack(obj, out, stored, &err) == E2E_OK, "ct %zu, stored %d: %s", ct_len,
	       stored, err.text);
	CHECKF(msg_equal(in, out, stored), "ct %zu, stored %d", ct_len, stored);
	json_decref(obj);
}

static void test_msg_round_trips(void)
{
	static const size_t ct_lengths[] = {E2E_AEAD_TAG_BYTES, 100, E2E_CT_MAX};
	struct wire_msg *in = malloc(sizeof *in), *out = malloc(sizeof *out);

	if (CHECK(in && out))
		for (size_t i = 0; i < sizeof ct_lengths / sizeof ct_lengths[0]; i++) {
			check_msg_round_trip(in, out, ct_lengths[i], false);
			check_msg_round_trip(in, out, ct_lengths[i], true);
		}
	free(in);
	free(out);
}

static void check_signed_round_trip(size_t len)
{
	struct wire_signed in = {.payload = malloc(len), .len = len}, out;
	json_error_t err;
	json_t *obj = NULL;

	if (!CHECK(in.payload != NULL))
		return;
	randombytes_buf(in.payload, len);
	randombytes_buf(in.sig, sizeof in.sig);
	randombytes_buf(in.mac, sizeof in.mac);
	obj = through_text(wire_signed_pack(&in));
	if (CHECKF(obj != NULL, "payload %zu", len) && CHECK(has_keys(obj, "payload,sig,mac"))) {
		if (CHECKF(wire_signed_unpack(obj, &out, &err) == E2E_OK,
			   "payload of %zu bytes: %s", len, err.text)) {
			CHECKF(out.payload && out.len == len && memcmp(out.payload, in.payload, len) == 0,
			       "payload %zu", len);
			CHECK(memcmp(out.sig, in.sig, sizeof in.sig) == 0);
			CHECK(memcmp(out.mac, in.mac, sizeof in.mac) == 0);
			wire_signed_clear(&out);
			CHECK(out.payload == NULL && out.len == 0);
		}
	}
	wire_signed_clear(&in);
	json_decref(obj);
}

static void test_signed_round_trips(void)
{
	static const size_t lengths[] = {
		1, 2, 3, 100, E2E_STATE_MAX - 2, E2E_STATE_MAX - 1, E2E_STATE_MAX,
	};

	for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
		check_signed_round_trip(lengths[i]);
}

static bool access_equal(const struct wire_access *a, const struct wire_access *b)
{
	return memcmp(a->salt, b->salt, sizeof a->salt) == 0 && a->opslimit == b->opslimit &&
	       a->memlimit == b->memlimit &&
	       memcmp(a->access_pk, b->access_pk, sizeof a->access_pk) == 0;
}

static bool admission_equal(const struct wire_admission *a, const struct wire_admission *b)
{
	return a->present == b->present && a->epoch == b->epoch &&
	       memcmp(a->nonce, b->nonce, sizeof a->nonce) == 0 &&
	       memcmp(a->box, b->box, sizeof a->box) == 0;
}

/* Build `in`, parse it back, compare every field. */
static void check_state_round_trip(const struct wire_state *in, const char *what)
{
	struct wire_state out;
	uint8_t *payload = NULL;
	size_t len = 0;
	json_error_t err;
	json_t *obj;
	bool same;

	payload = wire_state_build(in, &len);
	if (!CHECKF(payload != NULL && len > 0, "%s", what))
		return;
	CHECKF(memchr(payload, '\n', len) == NULL && memchr(payload, ' ', len) == NULL, "%s",
	       what); /* compact */
	obj = json_loadb((const char *)payload, len, 0, &err);
	CHECKF(obj && has_keys(obj, in->admission.present
				    ? "v,room,id,by,revision,epoch,history,access,members,former,"
				      "banned,admission"
				    : "v,room,id,by,revision,epoch,history,access,members,former,"
				      "banned"),
	       "%s: keys", what);
	json_decref(obj);
	if (!CHECKF(wire_state_parse(payload, len, &out, &err) == E2E_OK, "%s: %s", what,
		    err.text))
		goto out;
	CHECKF(strcmp(out.room, in->room) == 0 && memcmp(out.id, in->id, sizeof in->id) == 0 &&
		       strcmp(out.by, in->by) == 0, "%s: room, id, by", what);
	CHECKF(out.revision == in->revision && out.epoch == in->epoch &&
		       out.history == in->history, "%s", what);
	CHECKF(access_equal(&out.access, &in->access), "%s: access", what);
	CHECKF(admission_equal(&out.admission, &in->admission), "%s: admission", what);
	same = out.n_members == in->n_members && out.n_former == in->n_former &&
	       out.n_banned == in->n_banned;
	for (size_t i = 0; same && i < in->n_members; i++)
		same = member_equal(&out.members[i], &in->members[i]);
	for (size_t i = 0; same && i < in->n_former; i++)
		same = member_equal(&out.former[i].m, &in->former[i].m) &&
		       out.former[i].last_epoch == in->former[i].last_epoch;
	for (size_t i = 0; same && i < in->n_banned; i++)
		same = member_equal(&out.banned[i], &in->banned[i]);
	CHECKF(same, "%s: members, former, banned", what);
	wire_state_clear(&out);
	CHECK(out.members == NULL && out.n_members == 0 && out.banned == NULL &&
	      out.n_banned == 0 && out.former == NULL && !out.admission.present);
out:
	free(payload);
}

static void test_state_round_trip(void)
{
	static const char *names[] = {"carol", "alice", "bob"}; /* not sorted */
	struct wire_state in, out;
	struct wire_member banned[2];
	struct wire_former former[1];
	uint8_t *payload = NULL;
	size_t len = 0;
	json_error_t err;

	if (!CHECK(sample_state(&in, 3)))
		return;
	for (size_t i = 0; i < 3; i++)
		snprintf(in.members[i].name, sizeof in.members[i].name, "%s", names[i]);
	snprintf(in.by, sizeof in.by, "carol");
	in.history = WIRE_HISTORY_SHARED;
	check_state_round_trip(&in, "three members");

	/* every optional part: two admins, the signer not the first, bans,
	 * a former member, the admission box, limits at their maxima */
	in.epoch = 9;
	in.members[1].admin = true;
	in.members[1].since = 9;
	snprintf(in.by, sizeof in.by, "alice");
	in.access.opslimit = E2E_KDF_OPS_MAX;
	in.access.memlimit = E2E_KDF_MEM_MAX;
	sample_member(&banned[0], "mallory");
	sample_member(&banned[1], "carol"); /* an earlier carol's keys */
	sample_member(&former[0].m, "dave");
	for (size_t i = 0; i < 2; i++)
		memset(banned[i].mac, 0, sizeof banned[i].mac);
	memset(former[0].m.mac, 0, sizeof former[0].m.mac);
	former[0].last_epoch = 8;
	in.banned = banned;
	in.n_banned = 2;
	in.former = former;
	in.n_former = 1;
	in.admission.present = true;
	in.admission.epoch = 8;
	randombytes_buf(in.admission.nonce, sizeof in.admission.nonce);
	randombytes_buf(in.admission.box, sizeof in.admission.box);
	check_state_round_trip(&in, "every part");
	in.admission.epoch = 9; /* the state's own epoch */
	check_state_round_trip(&in, "admission of the state's epoch");

	payload = wire_state_build(&in, &len);
	if (CHECKF(payload && wire_state_parse(payload, len, &out, &err) == E2E_OK, "%s",
		   err.text)) {
		for (size_t i = 0; i < 3; i++)
			CHECKF(wire_state_find(&out, names[i]) == &out.members[i], "%s", names[i]);
		CHECK(wire_state_find(&out, "dave") == NULL); /* former: not a member */
		CHECK(wire_state_find(&out, "mallory") == NULL); /* banned: not a member */
		CHECK(wire_state_find(&out, "ali") == NULL);
		wire_state_clear(&out);
	}
	free(payload);
	free(in.members);
}

/* ---- strict refusals, record by record ---- */

static void test_room_refusals(struct record *r)
{
	check_strict(r);
	check_version_field(r);
	check_name_field(r, "room", E2E_ROOM_NAME_MAX);
	check_name_field(r, "creator", E2E_MEMBER_NAME_MAX);
	check_bin_field(r, "id", E2E_ROOM_ID_BYTES);
	check_bin_field(r, "salt", E2E_SALT_BYTES);
	check_uint_field(r, "opslimit", 0);
	check_uint_field(r, "memlimit", 0);
}

static void check_member_bins(struct record *r)
{
	check_name_field(r, "name", E2E_MEMBER_NAME_MAX);
	check_bin_field(r, "sign_pk", E2E_SIGN_PK_BYTES);
	check_bin_field(r, "box_pk", E2E_BOX_PK_BYTES);
}

static void test_member_refusals(struct record *with_mac, struct record *plain)
{
	check_strict(with_mac);
	check_version_field(with_mac);
	check_member_bins(with_mac);
	check_bin_field(with_mac, "mac", E2E_MAC_BYTES);

	check_strict(plain);
	check_member_bins(plain);
	expect_json(plain, "v", "1", E2E_ERR_BAD_FIELD); /* state entries carry no v */
}

static void test_listed_refusals(struct record *r)
{
	check_strict(r);
	check_version_field(r);
	check_member_bins(r);
	check_bin_field(r, "mac", E2E_MAC_BYTES);
	expect_str(r, "status", "pending", E2E_OK, "pending");
	expect_str(r, "status", "banned", E2E_ERR_BAD_FIELD, "unknown");
	expect_str(r, "status", "Admitted", E2E_ERR_BAD_FIELD, "capitalised");
	expect_str(r, "status", "", E2E_ERR_BAD_FIELD, "empty");
}

static void test_wrap_refusals(struct record *r)
{
	check_strict(r);
	check_name_field(r, "member", E2E_MEMBER_NAME_MAX);
	check_name_field(r, "by", E2E_MEMBER_NAME_MAX);
	check_uint_field(r, "epoch", 1);
	check_bin_field(r, "nonce", E2E_BOX_NONCE_BYTES);
	check_bin_field(r, "box", E2E_WRAP_BYTES);
	check_bin_field(r, "sig", E2E_SIG_BYTES);
}

static void check_msg_common(struct record *r)
{
	check_strict(r);
	check_version_field(r);
	check_uint_field(r, "epoch", 1);
	check_uint_field(r, "counter", 1);
	check_bin_field(r, "nonce", E2E_AEAD_NONCE_BYTES);
	check_bin_field(r, "sig", E2E_SIG_BYTES);
	/* ct: from the bare AEAD tag to E2E_CT_MAX bytes. */
	expect(r, "ct", b64_value(0, 1), E2E_ERR_BAD_FIELD, "empty");
	expect(r, "ct", b64_value(E2E_AEAD_TAG_BYTES - 1, 1), E2E_ERR_BAD_FIELD, "under the tag");
	expect(r, "ct", b64_value(E2E_AEAD_TAG_BYTES, 1), E2E_OK, "of the tag");
	expect(r, "ct", b64_value(E2E_CT_MAX, 1), E2E_OK, "of E2E_CT_MAX");
	expect(r, "ct", b64_value(E2E_CT_MAX + 1, 1), E2E_ERR_BAD_FIELD, "over E2E_CT_MAX");
	expect(r, "ct", b64_value(4 * E2E_CT_MAX, 1), E2E_ERR_BAD_FIELD, "far over E2E_CT_MAX");
	expect_str(r, "ct", "!!!!!!!!!!!!!!!!!!!!!!!!", E2E_ERR_BAD_FIELD, "not base64");
	expect_str(r, "ct", "AAAAAAAAAAAAAAAAAAAAAA", E2E_ERR_BAD_FIELD, "unpadded");
}

static void test_msg_refusals(struct record *posted, struct record *stored)
{
	check_msg_common(posted);
	/* The relay's fields are not the client's to send. */
	expect_str(posted, "sender", "carol", E2E_ERR_BAD_FIELD, "added");
	expect_json(posted, "seq", "1", E2E_ERR_BAD_FIELD);
	expect_json(posted, "received_at", "1", E2E_ERR_BAD_FIELD);

	check_msg_common(stored);
	check_name_field(stored, "sender", E2E_MEMBER_NAME_MAX);
	check_uint_field(stored, "seq", 1);
}

static void test_signed_refusals(struct record *r)
{
	check_strict(r);
	check_bin_field(r, "sig", E2E_SIG_BYTES);
	check_bin_field(r, "mac", E2E_MAC_BYTES);
	expect_str(r, "payload", "", E2E_ERR_BAD_FIELD, "empty");
	expect_str(r, "payload", "!!!!", E2E_ERR_BAD_FIELD, "not base64");
	expect_str(r, "payload", "e30", E2E_ERR_BAD_FIELD, "unpadded");
	expect_str(r, "payload", "e30=x", E2E_ERR_BAD_FIELD, "with trailing garbage");
	expect(r, "payload", b64_value(E2E_STATE_MAX + 1, '{'), E2E_ERR_BAD_FIELD,
	       "over E2E_STATE_MAX");
	expect(r, "payload", b64_value(E2E_STATE_MAX + 3, '{'), E2E_ERR_BAD_FIELD,
	       "3 over E2E_STATE_MAX");
	expect(r, "payload", b64_value(2 * E2E_STATE_MAX, '{'), E2E_ERR_BAD_FIELD,
	       "twice E2E_STATE_MAX");
}

static void test_state_refusals(struct record *r)
{
	static const char *bad_names[] = {"", ".a", "a/b", "a b"};

	check_strict(r);
	check_version_field(r);
	check_name_field(r, "room", E2E_ROOM_NAME_MAX);
	check_bin_field(r, "id", E2E_ROOM_ID_BYTES);
	check_uint_field(r, "revision", 1);
	/* epoch: from 1, and not before a member's `since` (m1's is 2) */
	expect_json(r, "epoch", "-1", E2E_ERR_BAD_FIELD);
	expect_json(r, "epoch", "0", E2E_ERR_BAD_FIELD);
	expect_json(r, "epoch", "1", E2E_ERR_BAD_FIELD);
	expect_json(r, "epoch", "2", E2E_OK);
	expect_json(r, "epoch", "9223372036854775807", E2E_OK);
	expect_json(r, "members", "[]", E2E_ERR_BAD_FIELD);
	expect_json(r, "members", "[1]", E2E_ERR_BAD_FIELD);
	expect_json(r, "members", "[[]]", E2E_ERR_BAD_FIELD);
	expect_json(r, "members", "\"alice\"", E2E_ERR_BAD_FIELD);

	/* by: a valid name, of a member of this state who is an admin (m0) */
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
		expect_str(r, "by", bad_names[i], E2E_ERR_BAD_NAME, bad_names[i]);
	expect_str(r, "by", "m1", E2E_ERR_BAD_FIELD, "a member, not an admin");
	expect_str(r, "by", "nobody", E2E_ERR_BAD_FIELD, "not a member");
	expect_str(r, "by", "M0", E2E_ERR_BAD_FIELD, "the admin's name in capitals");
	expect_str(r, "by", "m0", E2E_OK, "the admin");

	expect_str(r, "history", "everything", E2E_ERR_BAD_FIELD, "unknown policy");
	expect_str(r, "history", "shared", E2E_OK, "shared");
	expect_json(r, "former", "[1]", E2E_ERR_BAD_FIELD);
	expect_json(r, "former", "{}", E2E_ERR_BAD_FIELD);
	expect_json(r, "banned", "[1]", E2E_ERR_BAD_FIELD);
	expect_json(r, "banned", "{}", E2E_ERR_BAD_FIELD);
	expect_json(r, "banned", "[[]]", E2E_ERR_BAD_FIELD);
	expect_json(r, "access", "[]", E2E_ERR_BAD_FIELD);
	expect_json(r, "admission", "null", E2E_ERR_BAD_FIELD);
	expect_json(r, "admission", "[]", E2E_ERR_BAD_FIELD);
	expect_json(r, "admission", "1", E2E_ERR_BAD_FIELD);
	expect_json(r, "admission", "{}", E2E_ERR_BAD_FIELD);
}

/* One entry of the member list: a member's keys, since, admin. */
static void test_state_entry_refusals(struct record *entry)
{
	check_strict(entry);
	check_member_bins(entry);
	expect(entry, "mac", b64_value(E2E_MAC_BYTES, 1), E2E_ERR_BAD_FIELD, "added");
	expect_json(entry, "v", "2", E2E_ERR_BAD_FIELD);
	expect_json(entry, "last_epoch", "1", E2E_ERR_BAD_FIELD);
	/* since: the epoch its membership began, 1 to the state's (5) */
	expect_json(entry, "since", "0", E2E_ERR_BAD_FIELD);
	expect_json(entry, "since", "-1", E2E_ERR_BAD_FIELD);
	expect_json(entry, "since", "1", E2E_OK);
	expect_json(entry, "since", "5", E2E_OK);
	expect_json(entry, "since", "6", E2E_ERR_BAD_FIELD);
	expect_json(entry, "since", "9223372036854775807", E2E_ERR_BAD_FIELD);
	expect_json(entry, "admin", "true", E2E_OK);
	expect_json(entry, "admin", "false", E2E_OK);
	expect_json(entry, "admin", "1", E2E_ERR_BAD_FIELD);
	expect_json(entry, "admin", "\"true\"", E2E_ERR_BAD_FIELD);
}

/* A former member: keys and the last epoch it held (1 to the state's, 5). */
static void test_former_entry_refusals(struct record *entry)
{
	check_strict(entry);
	check_member_bins(entry);
	expect_json(entry, "since", "1", E2E_ERR_BAD_FIELD);
	expect_json(entry, "admin", "true", E2E_ERR_BAD_FIELD);
	expect_json(entry, "last_epoch", "0", E2E_ERR_BAD_FIELD);
	expect_json(entry, "last_epoch", "1", E2E_OK);
	expect_json(entry, "last_epoch", "5", E2E_OK);
	expect_json(entry, "last_epoch", "6", E2E_ERR_BAD_FIELD);
}

/* A banned identity: a name and its keys, nothing else. */
static void test_banned_entry_refusals(struct record *entry)
{
	check_strict(entry);
	check_member_bins(entry);
	expect(entry, "mac", b64_value(E2E_MAC_BYTES, 1), E2E_ERR_BAD_FIELD, "added");
	expect_json(entry, "since", "1", E2E_ERR_BAD_FIELD);
	expect_json(entry, "admin", "false", E2E_ERR_BAD_FIELD);
	expect_json(entry, "last_epoch", "1", E2E_ERR_BAD_FIELD);
	expect_json(entry, "v", "2", E2E_ERR_BAD_FIELD);
}

/* The access block: salt, Argon2id limits within the protocol's bounds,
 * the access key. */
static void test_access_refusals(struct record *r)
{
	char num[32];

	check_strict(r);
	check_bin_field(r, "salt", E2E_SALT_BYTES);
	check_bin_field(r, "access_pk", E2E_SIGN_PK_BYTES);
	expect_json(r, "opslimit", "-1", E2E_ERR_BAD_FIELD);
	expect_json(r, "opslimit", "0", E2E_ERR_BAD_FIELD);
	expect_json(r, "memlimit", "-1", E2E_ERR_BAD_FIELD);
	expect_json(r, "memlimit", "0", E2E_ERR_BAD_FIELD);
	expect_json(r, "memlimit", "-9223372036854775808", E2E_ERR_BAD_FIELD);
	expect_json(r, "opslimit", "9223372036854775807", E2E_ERR_BAD_FIELD);
	snprintf(num, sizeof num, "%llu", (unsigned long long)E2E_KDF_OPS_MIN - 1);
	expect_json(r, "opslimit", num, E2E_ERR_BAD_FIELD);
	snprintf(num, sizeof num, "%llu", (unsigned long long)E2E_KDF_OPS_MIN);
	expect_json(r, "opslimit", num, E2E_OK);
	snprintf(num, sizeof num, "%llu", (unsigned long long)E2E_KDF_OPS_MAX);
	expect_json(r, "opslimit", num, E2E_OK);
	snprintf(num, sizeof num, "%llu", (unsigned long long)E2E_KDF_OPS_MAX + 1);
	expect_json(r, "opslimit", num, E2E_ERR_BAD_FIELD);
	snprintf(num, sizeof num, "%llu", (unsigned long long)E2E_KDF_MEM_MIN - 1);
	expect_json(r, "memlimit", num, E2E_ERR_BAD_FIELD);
	snprintf(num, sizeof num, "%llu", (unsigned long long)E2E_KDF_MEM_MIN);
	expect_json(r, "memlimit", num, E2E_OK);
	snprintf(num, sizeof num, "%llu", (unsigned long long)E2E_KDF_MEM_MAX);
	expect_json(r, "memlimit", num, E2E_OK);
	snprintf(num, sizeof num, "%llu", (unsigned long long)E2E_KDF_MEM_MAX + 1);
	expect_json(r, "memlimit", num, E2E_ERR_BAD_FIELD);
}

/* The admission block: epoch 1 to the state's (5), a secretbox nonce and
 * a box of one key. */
static void test_admission_refusals(struct record *r)
{
	check_strict(r);
	check_uint_field_max(r, "epoch", 5);
	check_bin_field(r, "nonce", crypto_secretbox_NONCEBYTES);
	check_bin_field(r, "box", E2E_KEY_BYTES + crypto_secretbox_MACBYTES);
}

/* Members m0..m(n-1); `dup` >= 0: member `dup` renamed to m0. */
static enum e2e_err parse_state_of(size_t n, long dup, size_t *payload_len, json_error_t *err)
{
	struct wire_state s;
	uint8_t *payload = NULL;
	enum e2e_err e = E2E_ERR__COUNT;

	*payload_len = 0;
	if (!sample_state(&s, n))
		return e;
	if (dup >= 0)
		snprintf(s.members[dup].name, sizeof s.members[dup].name, "m0");
	payload = wire_state_build(&s, payload_len);
	if (payload)
		e = parse_state_bytes(payload, *payload_len, err);
	free(payload);
	free(s.members);
	return e;
}

/* Former members: round trip, bounds, and which keys an epoch gets. */
static void test_state_former(void)
{
	struct wire_state s, out;
	struct wire_former f[3];
	uint8_t *payload = NULL;
	size_t len = 0;
	json_error_t err;

	if (!CHECK(sample_state(&s, 2)))
		return;
	s.epoch = 7;
	s.history = WIRE_HISTORY_SHARED;
	sample_member(&f[0].m, "m1");  /* an earlier m1, left after epoch 2 */
	f[0].last_epoch = 2;
	sample_member(&f[1].m, "gone"); /* left after epoch 5 */
	f[1].last_epoch = 5;
	sample_member(&f[2].m, "m1");  /* another earlier m1, left after epoch 4 */
	f[2].last_epoch = 4;
	for (size_t i = 0; i < 3; i++)
		memset(f[i].m.mac, 0, sizeof f[i].m.mac); /* states carry no MACs */
	s.former = f;
	s.n_former = 3;
	payload = wire_state_build(&s, &len);
	if (CHECKF(payload && wire_state_parse(payload, len, &out, &err) == E2E_OK, "%s",
		   err.text)) {
		CHECK(out.history == WIRE_HISTORY_SHARED && out.n_former == 3);
		CHECK(out.n_former == 3 && out.former[1].last_epoch == 5 &&
		      member_equal(&out.former[1].m, &f[1].m));
		/* m1 in epoch 1 or 2: the first former m1; 3-4: the second; 5+: current. */
		CHECK(wire_state_keys_at(&out, "m1", 1) == &out.former[0].m);
		CHECK(wire_state_keys_at(&out, "m1", 2) == &out.former[0].m);
		CHECK(wire_state_keys_at(&out, "m1", 3) == &out.former[2].m);
		CHECK(wire_state_keys_at(&out, "m1", 5) == &out.members[1]);
		CHECK(wire_state_keys_at(&out, "gone", 5) == &out.former[1].m);
		CHECK(wire_state_keys_at(&out, "gone", 6) == NULL);
		CHECK(wire_state_keys_at(&out, "nobody", 1) == NULL);
		wire_state_clear(&out);
	}
	free(payload);
	f[1].last_epoch = 8; /* after the state's own epoch */
	payload = wire_state_build(&s, &len);
	CHECK(payload && wire_state_parse(payload, len, &out, &err) == E2E_ERR_BAD_FIELD);
	free(payload);
	f[1].last_epoch = 0;
	payload = wire_state_build(&s, &len);
	CHECK(payload && wire_state_parse(payload, len, &out, &err) == E2E_ERR_BAD_FIELD);
	free(payload);
	free(s.members);
}

static void test_state_member_lists(void)
{
	json_error_t err;
	size_t len;

	CHECK(parse_state_of(1, -1, &len, &err) == E2E_OK);
	CHECK(parse_state_of(2, 1, &len, &err) == E2E_ERR_BAD_FIELD);   /* m0, m0 */
	CHECK(parse_state_of(10, 9, &len, &err) == E2E_ERR_BAD_FIELD);  /* m0 ... m0 */
	CHECK(parse_state_of(10, -1, &len, &err) == E2E_OK);
	CHECK(parse_state_of(E2E_ROOM_MEMBERS_MAX, -1, &len, &err) == E2E_OK);
	CHECK(parse_state_of(E2E_ROOM_MEMBERS_MAX + 1, -1, &len, &err) == E2E_ERR_BAD_FIELD);
	CHECK(len <= E2E_STATE_MAX); /* refused for the count, not the size */
	CHECK(parse_state_of(0, -1, &len, &err) == E2E_ERR_BAD_FIELD);
}

/* A valid payload padded with trailing spaces (valid JSON) to `size`. */
static enum e2e_err parse_padded_state(size_t size, json_error_t *err)
{
	struct wire_state s;
	size_t len = 0;
	uint8_t *payload = sample_state(&s, 2) ? wire_state_build(&s, &len) : NULL;
	uint8_t *padded = malloc(size);
	enum e2e_err e = E2E_ERR__COUNT;

	if (payload && padded && len <= size) {
		memcpy(padded, payload, len);
		memset(padded + len, ' ', size - len);
		e = parse_state_bytes(padded, size, err);
	}
	free(padded);
	free(payload);
	free(s.members);
	return e;
}

/* A minimal valid state payload as text, around its "epoch" field. */
#define ZERO16_B64 "\"AAAAAAAAAAAAAAAAAAAAAA==\""
#define ZERO32_B64 "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\""
#define STATE_TEXT_HEAD                                                                    \
	"{\"v\":2,\"room\":\"r\",\"id\":" ZERO16_B64 ",\"by\":\"a\",\"revision\":1,"
#define STATE_TEXT_TAIL                                                                    \
	"\"history\":\"joined\",\"access\":{\"salt\":" ZERO16_B64 ",\"opslimit\":2,"          \
	"\"memlimit\":67108864,\"access_pk\":" ZERO32_B64 "},\"former\":[],\"banned\":[],"    \
	"\"members\":[{\"name\":\"a\",\"sign_pk\":" ZERO32_B64 ",\"box_pk\":" ZERO32_B64        \
	",\"since\":1,\"admin\":true}]}"

static enum e2e_err parse_state_text(const char *text, json_error_t *err)
{
	return parse_state_bytes((const uint8_t *)text, strlen(text), err);
}

static void test_state_payload_bytes(void)
{
	json_error_t err;

	CHECK(parse_padded_state(E2E_STATE_MAX, &err) == E2E_OK);
	CHECK(parse_padded_state(E2E_STATE_MAX + 1, &err) == E2E_ERR_BAD_FIELD);
	CHECK(parse_state_text("", &err) == E2E_ERR_BAD_FIELD);
	CHECK(parse_state_text("not json", &err) == E2E_ERR_BAD_FIELD);
	CHECK(parse_state_text("[]", &err) == E2E_ERR_BAD_FIELD);
	CHECK(parse_state_text(STATE_TEXT_HEAD "\"epoch\":1," STATE_TEXT_TAIL, &err) == E2E_OK);
	/* The same with "epoch" twice: duplicate keys are refused. */
	CHECK(parse_state_text(STATE_TEXT_HEAD "\"epoch\":1,\"epoch\":2," STATE_TEXT_TAIL, &err) ==
	      E2E_ERR_BAD_FIELD);
	/* ... and truncated. */
	CHECK(parse_state_text(STATE_TEXT_HEAD, &err) == E2E_ERR_BAD_FIELD);
}

/* The error text names the field that is wrong (wire.h promises it, and
 * the relay sends it back in the 400 reply). */
static void test_errors_name_the_field(struct record *wrap)
{
	static const struct {
		const char *key, *value, *what;
	} cases[] = {
		{"nonce", NULL, "removed"},
		{"box", "\"!!!!\"", "bad base64"},
		{"sig", "\"AAAA\"", "wrong length"},
		{"member", "\"../x\"", "bad name"},
		{"epoch", "0", "out of range"},
		{"epoch", "\"1\"", "mistyped"},
		{"member", "7", "mistyped"},
		{"extra", "1", "unknown"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_error_t err, jerr;
		json_t *value = cases[i].value ? json_loads(cases[i].value, JSON_DECODE_ANY, &jerr)
					       : NULL;

		CHECKF(unpack_changed(wrap, cases[i].key, value, &err) != E2E_OK &&
			       strstr(err.text, cases[i].key) != NULL,
		       "%s %s: error text \"%s\"", cases[i].key, cases[i].what, err.text);
	}
}

/* ---- admins, bans, versions ---- */

/* sample_state(3) changed by `edit`, built and parsed. */
static enum e2e_err parse_edited(void (*edit)(struct wire_state *s), json_error_t *err)
{
	struct wire_state s;
	size_t len = 0;
	uint8_t *payload = NULL;
	enum e2e_err e = E2E_ERR__COUNT;

	if (sample_state(&s, 3)) {
		edit(&s);
		payload = wire_state_build(&s, &len);
	}
	if (payload)
		e = parse_state_bytes(payload, len, err);
	free(payload);
	free(s.members);
	return e;
}

static void edit_none(struct wire_state *s)
{
	(void)s;
}

static void edit_no_admin(struct wire_state *s)
{
	s->members[0].admin = false;
}

static void edit_by_member(struct wire_state *s)
{
	snprintf(s->by, sizeof s->by, "m1");
}

static void edit_by_stranger(struct wire_state *s)
{
	snprintf(s->by, sizeof s->by, "m3");
}

static void edit_second_admin_signs(struct wire_state *s)
{
	s->members[2].admin = true;
	snprintf(s->by, sizeof s->by, "m2");
}

static void edit_all_admins(struct wire_state *s)
{
	for (size_t i = 0; i < s->n_members; i++)
		s->members[i].admin = true;
	snprintf(s->by, sizeof s->by, "m1");
}

static void edit_since_zero(struct wire_state *s)
{
	s->members[1].since = 0;
}

static void edit_since_epoch(struct wire_state *s)
{
	s->members[1].since = s->epoch;
}

static void edit_since_after(struct wire_state *s)
{
	s->members[1].since = s->epoch + 1;
}

static void edit_admission_epoch_after(struct wire_state *s)
{
	s->admission.present = true;
	s->admission.epoch = s->epoch + 1;
}

static void edit_admission_epoch_zero(struct wire_state *s)
{
	s->admission.present = true;
	s->admission.epoch = 0;
}

static void edit_ops_below(struct wire_state *s)
{
	s->access.opslimit = E2E_KDF_OPS_MIN - 1;
}

static void edit_mem_above(struct wire_state *s)
{
	s->access.memlimit = E2E_KDF_MEM_MAX + 1;
}

/* A state must name at least one admin, and be signed (`by`) by one. */
static void test_state_admins(void)
{
	static const struct {
		const char *what;
		void (*edit)(struct wire_state *s);
		enum e2e_err want;
	} cases[] = {
		{"valid", edit_none, E2E_OK},
		{"no admin", edit_no_admin, E2E_ERR_BAD_FIELD},
		{"by a member who is not an admin", edit_by_member, E2E_ERR_BAD_FIELD},
		{"by a name not in the state", edit_by_stranger, E2E_ERR_BAD_FIELD},
		{"by the second admin", edit_second_admin_signs, E2E_OK},
		{"every member an admin", edit_all_admins, E2E_OK},
		{"since 0", edit_since_zero, E2E_ERR_BAD_FIELD},
		{"since the state's epoch", edit_since_epoch, E2E_OK},
		{"since after the state's epoch", edit_since_after, E2E_ERR_BAD_FIELD},
		{"admission after the state's epoch", edit_admission_epoch_after,
		 E2E_ERR_BAD_FIELD},
		{"admission of epoch 0", edit_admission_epoch_zero, E2E_ERR_BAD_FIELD},
		{"opslimit under the floor", edit_ops_below, E2E_ERR_BAD_FIELD},
		{"memlimit over the ceiling", edit_mem_above, E2E_ERR_BAD_FIELD},
	};
	struct wire_state s, out;
	uint8_t *payload = NULL;
	size_t len = 0;
	json_error_t err;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum e2e_err got = parse_edited(cases[i].edit, &err);

		CHECKF(got == cases[i].want, "%s: got %s (%s)", cases[i].what,
		       got == E2E_ERR__COUNT ? "test error" : code(got), err.text);
	}
	/* Each refusal names its field: a state with no admin at all is the
	 * member list's fault (its `by` can be no admin either). */
	CHECK(parse_edited(edit_by_member, &err) == E2E_ERR_BAD_FIELD &&
	      strstr(err.text, "'by'") != NULL);
	CHECK(parse_edited(edit_no_admin, &err) == E2E_ERR_BAD_FIELD &&
	      strstr(err.text, "'members'") != NULL);

	/* wire_state_admin: members with admin true only */
	if (!CHECK(sample_state(&s, 3)))
		return;
	s.members[2].admin = true;
	payload = wire_state_build(&s, &len);
	if (CHECK(payload && wire_state_parse(payload, len, &out, &err) == E2E_OK)) {
		CHECK(wire_state_admin(&out, "m0") == &out.members[0]);
		CHECK(wire_state_admin(&out, "m2") == &out.members[2]);
		CHECK(wire_state_admin(&out, "m1") == NULL);
		CHECK(wire_state_find(&out, "m1") == &out.members[1]);
		CHECK(wire_state_admin(&out, "m3") == NULL);
		CHECK(wire_state_admin(&out, "") == NULL);
		wire_state_clear(&out);
	}
	free(payload);
	free(s.members);
}

/* A state banning `n` identities, all named "banned" (a ban is of an
 * identity, its keys: names may repeat). */
static enum e2e_err parse_bans(size_t n, json_error_t *err)
{
	struct wire_state s;
	struct wire_member *bans = calloc(n ? n : 1, sizeof *bans);
	size_t len = 0;
	uint8_t *payload = NULL;
	enum e2e_err e = E2E_ERR__COUNT;

	if (bans && sample_state(&s, 1)) {
		for (size_t i = 0; i < n; i++)
			sample_member(&bans[i], "banned");
		s.banned = bans;
		s.n_banned = n;
		payload = wire_state_build(&s, &len);
		free(s.members);
	}
	if (payload)
		e = parse_state_bytes(payload, len, err);
	free(payload);
	free(bans);
	return e;
}

static void test_state_bans(void)
{
	struct wire_state s, out;
	struct wire_member ban, probe;
	uint8_t *payload = NULL;
	size_t len = 0;
	json_error_t err;

	CHECK(parse_bans(0, &err) == E2E_OK);
	CHECK(parse_bans(2, &err) == E2E_OK);
	CHECK(parse_bans(E2E_BANS_MAX, &err) == E2E_OK);
	CHECK(parse_bans(E2E_BANS_MAX + 1, &err) == E2E_ERR_BAD_FIELD);
	CHECK(strstr(err.text, "banned") != NULL);

	/* wire_state_banned: either key of a banned identity matches */
	if (!CHECK(sample_state(&s, 2)))
		return;
	sample_member(&ban, "mallory");
	s.banned = &ban;
	s.n_banned = 1;
	payload = wire_state_build(&s, &len);
	if (CHECK(payload && wire_state_parse(payload, len, &out, &err) == E2E_OK)) {
		CHECK(out.n_banned == 1 && strcmp(out.banned[0].name, "mallory") == 0);
		probe = ban;
		CHECK(wire_state_banned(&out, &probe) == &out.banned[0]);
		randombytes_buf(probe.box_pk, sizeof probe.box_pk);
		CHECKF(wire_state_banned(&out, &probe) == &out.banned[0], "the same sign_pk");
		probe = ban;
		randombytes_buf(probe.sign_pk, sizeof probe.sign_pk);
		CHECKF(wire_state_banned(&out, &probe) == &out.banned[0], "the same box_pk");
		randombytes_buf(probe.box_pk, sizeof probe.box_pk);
		CHECKF(wire_state_banned(&out, &probe) == NULL, "other keys, the same name");
		CHECKF(wire_state_banned(&out, &s.members[1]) == NULL, "a member");
		probe = ban;
		snprintf(probe.name, sizeof probe.name, "innocent");
		CHECKF(wire_state_banned(&out, &probe) == &out.banned[0], "the keys, another name");
		wire_state_clear(&out);
	}
	free(payload);
	free(s.members);
}

/* A record as protocol v1 wrote it, as JSON text. */
static enum e2e_err v1_record(unpack_fn unpack, const char *text, json_error_t *err)
{
	json_t *obj = json_loads(text, 0, err);
	enum e2e_err e = obj ? unpack(obj, err) : E2E_ERR__COUNT;

	json_decref(obj);
	return e;
}

/* Records of protocol v1, as a v1 relay or client sends them: refused as
 * another version (not as a missing or unknown field). Wraps and signed
 * states carry no "v": a v1 one lacks `by` or `mac` (bad_field). */
static void test_v1_records(void)
{
	static const struct {
		const char *what;
		unpack_fn unpack;
		const char *text;
		enum e2e_err want;
	} cases[] = {
		{"room", unpack_room, "{\"v\":1,\"room\":\"den\",\"salt\":" ZERO16_B64
		 ",\"opslimit\":2,\"memlimit\":67108864,\"creator\":\"alice\",\"created_at\":1}",
		 E2E_ERR_BAD_VERSION},
		{"member", unpack_member_mac, "{\"v\":1,\"name\":\"bob\",\"sign_pk\":" ZERO32_B64
		 ",\"box_pk\":" ZERO32_B64 ",\"mac\":" ZERO32_B64 "}", E2E_ERR_BAD_VERSION},
		{"listed member", unpack_listed, "{\"v\":1,\"name\":\"bob\",\"sign_pk\":"
		 ZERO32_B64 ",\"box_pk\":" ZERO32_B64 ",\"mac\":" ZERO32_B64
		 ",\"status\":\"admitted\",\"joined_at\":1}", E2E_ERR_BAD_VERSION},
		{"posted message", unpack_msg_posted, "{\"v\":1,\"epoch\":1,\"counter\":1,"
		 "\"nonce\":" ZERO32_B64 ",\"ct\":" ZERO32_B64 ",\"sig\":" ZERO32_B64 "}",
		 E2E_ERR_BAD_VERSION},
		{"stored message", unpack_msg_stored, "{\"seq\":1,\"v\":1,\"sender\":\"bob\","
		 "\"epoch\":1,\"counter\":1,\"nonce\":" ZERO32_B64 ",\"ct\":" ZERO32_B64
		 ",\"sig\":" ZERO32_B64 ",\"received_at\":1}", E2E_ERR_BAD_VERSION},
		{"state payload", unpack_state, "{\"v\":1,\"room\":\"r\",\"creator\":\"a\","
		 "\"revision\":1,\"epoch\":1,\"history\":\"joined\",\"former\":[],"
		 "\"members\":[{\"name\":\"a\",\"sign_pk\":" ZERO32_B64 ",\"box_pk\":"
		 ZERO32_B64 "}]}", E2E_ERR_BAD_VERSION},
		{"wrap", unpack_wrap, "{\"member\":\"bob\",\"epoch\":1,\"nonce\":" ZERO32_B64
		 ",\"box\":" ZERO32_B64 ",\"sig\":" ZERO32_B64 "}", E2E_ERR_BAD_FIELD},
		{"signed state", unpack_signed, "{\"payload\":\"e30=\",\"sig\":" ZERO32_B64 "}",
		 E2E_ERR_BAD_FIELD},
	};
	json_error_t err;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum e2e_err got = v1_record(cases[i].unpack, cases[i].text, &err);

		CHECKF(got == cases[i].want, "v1 %s: got %s (%s)", cases[i].what,
		       got == E2E_ERR__COUNT ? "test error" : code(got), err.text);
	}
}

/* ---- request bodies, KDF bounds, wire_bin ---- */

static bool body_refused(const char *data, size_t len)
{
	json_error_t err;
	json_t *j;

	memset(&err, 0, sizeof err);
	j = wire_parse_body(data, len, &err);
	json_decref(j);
	return j == NULL && err.text[0] != '\0';
}

static void test_parse_body(void)
{
	static const char *refused[] = {
		"", " ", "[]", "[{}]", "1", "\"s\"", "null", "true",
		"{", "{\"a\":", "{\"a\":1", "{\"a\":1,}", "{'a':1}", "{a:1}",
		"{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":[{\"c\":1,\"c\":2}]}",
		"{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}", "{\"\xed\xa0\x80\":1}", "{\"a\":\"\xc0\xaf\"}",
		"{\"name\":\"a\\u0000b\"}", "{} {}", "{}x", "{\"a\":1}]",
	};
	static const char nul_inside[] = "{\"a\":1}\0";
	static const char spaced[] = " {\"a\": [1, {\"b\": \"\xc3\xa9\"}]}\n";
	char *big = malloc(E2E_BODY_MAX + 1);
	json_error_t err;
	json_t *j;

	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		CHECKF(body_refused(refused[i], strlen(refused[i])), "body '%s'", refused[i]);
	CHECK(body_refused(nul_inside, sizeof nul_inside - 1));
	j = wire_parse_body("{\"a\":1}xyz", 7, &err); /* only `len` bytes count */
	CHECK(j && json_is_object(j));
	json_decref(j);
	j = wire_parse_body(spaced, strlen(spaced), &err);
	CHECK(j && json_is_object(j));
	json_decref(j);

	if (!CHECK(big != NULL))
		return;
	/* {} padded with spaces: accepted up to E2E_BODY_MAX bytes. */
	memset(big, ' ', E2E_BODY_MAX + 1);
	big[0] = '{';
	big[E2E_BODY_MAX - 1] = '}';
	j = wire_parse_body(big, E2E_BODY_MAX, &err);
	CHECK(j != NULL);
	json_decref(j);
	CHECK(body_refused(big, E2E_BODY_MAX + 1));
	free(big);
}

static void test_kdf_params(void)
{
	static const struct {
		uint64_t ops, mem;
		bool ok;
	} cases[] = {
		{E2E_KDF_OPS_MIN, E2E_KDF_MEM_MIN, true},
		{E2E_KDF_OPS_MAX, E2E_KDF_MEM_MAX, true},
		{E2E_KDF_OPS_MIN, E2E_KDF_MEM_MAX, true},
		{E2E_KDF_OPS_MAX, E2E_KDF_MEM_MIN, true},
		{E2E_KDF_OPS_MIN - 1, E2E_KDF_MEM_MIN, false},
		{E2E_KDF_OPS_MAX + 1, E2E_KDF_MEM_MIN, false},
		{E2E_KDF_OPS_MIN, E2E_KDF_MEM_MIN - 1, false},
		{E2E_KDF_OPS_MIN, E2E_KDF_MEM_MAX + 1, false},
		{0, 0, false},
		{UINT64_MAX, UINT64_MAX, false},
		{E2E_KDF_OPS_MIN, UINT64_MAX, false},
	};

	CHECK(E2E_KDF_OPS_MIN == 2 && E2E_KDF_MEM_MIN == 64ULL * 1024 * 1024); /* PROTOCOL.md */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECKF(wire_kdf_params_ok(cases[i].ops, cases[i].mem) == cases[i].ok,
		       "ops %llu mem %llu", (unsigned long long)cases[i].ops,
		       (unsigned long long)cases[i].mem);
}

static void test_wire_bin(void)
{
	uint8_t out[4];
	json_error_t err;

	memset(&err, 0, sizeof err);
	CHECK(wire_bin(out, 3, "Zm9v", "f", &err) == E2E_OK && memcmp(out, "foo", 3) == 0);
	CHECK(wire_bin(out, 4, "Zm9v", "field_x", &err) == E2E_ERR_BAD_FIELD);
	CHECK(strstr(err.text, "field_x") != NULL);
	CHECK(wire_bin(out, 2, "Zm9v", "f", &err) == E2E_ERR_BAD_FIELD);
}

/* ---- the records under test ---- */

static json_t *valid_msg(bool stored)
{
	struct wire_msg *m = malloc(sizeof *m);
	json_t *obj = NULL;

	if (m) {
		sample_msg(m, 60);
		obj = wire_msg_pack(m, stored);
	}
	free(m);
	return obj;
}

static json_t *valid_signed(void)
{
	uint8_t payload[100];
	struct wire_signed s = {.payload = payload, .len = sizeof payload};

	randombytes_buf(payload, sizeof payload);
	randombytes_buf(s.sig, sizeof s.sig);
	randombytes_buf(s.mac, sizeof s.mac);
	return wire_signed_pack(&s);
}

/* A state entry as the member list holds it (not an admin). */
static json_t *valid_state_entry(const struct wire_member *m)
{
	json_t *obj = wire_member_pack(m, false);

	if (obj && (json_object_set_new(obj, "since", json_integer(2)) ||
		    json_object_set_new(obj, "admin", json_false()))) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *valid_former_entry(const struct wire_member *m)
{
	json_t *obj = wire_member_pack(m, false);

	if (obj && json_object_set_new(obj, "last_epoch", json_integer(3))) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *valid_access(void)
{
	return json_pack("{s:o, s:I, s:I, s:o}", "salt", b64_value(E2E_SALT_BYTES, 3),
			 "opslimit", (json_int_t)E2E_KDF_OPS_MIN, "memlimit",
			 (json_int_t)E2E_KDF_MEM_MIN, "access_pk", b64_value(E2E_SIGN_PK_BYTES, 4));
}

static json_t *valid_admission(void)
{
	return json_pack("{s:i, s:o, s:o}", "epoch", 4,
			 "nonce", b64_value(crypto_secretbox_NONCEBYTES, 5),
			 "box", b64_value(E2E_KEY_BYTES + crypto_secretbox_MACBYTES, 6));
}

static json_t *valid_state(void)
{
	struct wire_state s;
	size_t len = 0;
	uint8_t *payload = sample_state(&s, 3) ? wire_state_build(&s, &len) : NULL;
	json_error_t err;
	json_t *obj = payload ? json_loadb((const char *)payload, len, 0, &err) : NULL;

	free(payload);
	free(s.members);
	return obj;
}

int main(void)
{
	struct wire_room room;
	struct wire_member member;
	struct wire_wrap wrap;
	struct record rec[] = {
		{"room", NULL, unpack_room},
		{"member", NULL, unpack_member_mac},
		{"state member", NULL, unpack_member_plain},
		{"listed member", NULL, unpack_listed},
		{"wrap", NULL, unpack_wrap},
		{"posted message", NULL, unpack_msg_posted},
		{"stored message", NULL, unpack_msg_stored},
		{"signed state", NULL, unpack_signed},
		{"state payload", NULL, unpack_state},
		{"state entry", NULL, unpack_state_entry},
		{"former entry", NULL, unpack_former_entry},
		{"banned entry", NULL, unpack_banned_entry},
		{"access", NULL, unpack_access},
		{"admission", NULL, unpack_admission},
	};
	const size_t n_rec = sizeof rec / sizeof rec[0];
	bool ready = true;

	if (sodium_init() < 0)
		return 1;
	sample_room(&room);
	sample_member(&member, "dave");
	sample_wrap(&wrap);
	rec[0].valid = wire_room_pack(&room);
	rec[1].valid = wire_member_pack(&member, true);
	rec[2].valid = wire_member_pack(&member, false);
	rec[3].valid = listed_member(&member, "admitted");
	rec[4].valid = wire_wrap_pack(&wrap);
	rec[5].valid = valid_msg(false);
	rec[6].valid = valid_msg(true);
	rec[7].valid = valid_signed();
	rec[8].valid = valid_state();
	rec[9].valid = valid_state_entry(&member);
	rec[10].valid = valid_former_entry(&member);
	rec[11].valid = wire_member_pack(&member, false);
	rec[12].valid = valid_access();
	rec[13].valid = valid_admission();
	for (size_t i = 0; i < n_rec; i++)
		ready &= CHECKF(rec[i].valid != NULL, "%s", rec[i].name);

	test_room_round_trip();
	test_member_round_trips();
	test_listed_member_round_trip();
	test_wrap_round_trip();
	test_msg_round_trips();
	test_signed_round_trips();
	test_state_round_trip();
	if (ready) {
		test_room_refusals(&rec[0]);
		test_member_refusals(&rec[1], &rec[2]);
		test_listed_refusals(&rec[3]);
		test_wrap_refusals(&rec[4]);
		test_msg_refusals(&rec[5], &rec[6]);
		test_signed_refusals(&rec[7]);
		test_state_refusals(&rec[8]);
		test_state_entry_refusals(&rec[9]);
		test_former_entry_refusals(&rec[10]);
		test_banned_entry_refusals(&rec[11]);
		test_access_refusals(&rec[12]);
		test_admission_refusals(&rec[13]);
		test_errors_name_the_field(&rec[4]);
	}
	test_state_member_lists();
	test_state_admins();
	test_state_bans();
	test_v1_records();
	test_state_former();
	test_state_payload_bytes();
	test_parse_body();
	test_kdf_params();
	test_wire_bin();

	for (size_t i = 0; i < n_rec; i++)
		json_decref(rec[i].valid);
	return check_summary("test_wire");
}
