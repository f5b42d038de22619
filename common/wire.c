/* wire.c - strict unpacking and packing of the protocol's JSON records.
 * Every unpack refuses unknown fields (JSON_STRICT), wrong types, bad
 * base64, wrong lengths, bad names and other versions, and leaves a
 * message naming the field in err->text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "names.h"
#include "wire.h"

static enum e2e_err fail(json_error_t *err, enum e2e_err e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->text, sizeof err->text, fmt, ap);
	va_end(ap);
	return e;
}

/* Each record's unpack format and its keys in the same order (for
 * naming a mistyped field). */
#define ROOM_FMT "{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:I}"
static const char *const room_keys[] = {"v", "room", "id", "salt", "opslimit", "memlimit",
					"creator", "created_at", NULL};
#define PUBKEYS_FMT "{s:s, s:s, s:s}"
static const char *const pubkeys_keys[] = {"name", "sign_pk", "box_pk", NULL};
#define MEMBER_FMT "{s:I, s:s, s:s, s:s, s:s}"
static const char *const member_keys[] = {"v", "name", "sign_pk", "box_pk", "mac", NULL};
#define LISTED_FMT "{s:I, s:s, s:s, s:s, s:s, s:s, s:I}"
static const char *const listed_keys[] = {"v", "name", "sign_pk", "box_pk", "mac",
					  "status", "joined_at", NULL};
#define WRAP_FMT "{s:s, s:s, s:I, s:s, s:s, s:s}"
static const char *const wrap_keys[] = {"member", "by", "epoch", "nonce", "box", "sig", NULL};
#define POSTED_FMT "{s:I, s:I, s:I, s:s, s:s, s:s}"
static const char *const posted_keys[] = {"v", "epoch", "counter", "nonce", "ct", "sig",
					  NULL};
#define STORED_FMT "{s:I, s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:I}"
static const char *const stored_keys[] = {"seq", "v", "sender", "epoch", "counter", "nonce",
					  "ct", "sig", "received_at", NULL};
#define SIGNED_FMT "{s:s, s:s, s:s}"
static const char *const signed_keys[] = {"payload", "sig", "mac", NULL};
#define STATE_FMT "{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s?o}"
static const char *const state_keys[] = {"v", "room", "id", "by", "revision", "epoch",
					 "history", "access", "members", "former", "banned",
					 "admission", NULL};
#define STATE_MEMBER_FMT "{s:s, s:s, s:s, s:I, s:b}"
static const char *const state_member_keys[] = {"name", "sign_pk", "box_pk", "since",
						"admin", NULL};
#define ACCESS_FMT "{s:s, s:I, s:I, s:s}"
static const char *const access_keys[] = {"salt", "opslimit", "memlimit", "access_pk", NULL};
#define ADMISSION_FMT "{s:I, s:s, s:s}"
static const char *const admission_keys[] = {"epoch", "nonce", "box", NULL};
#define FORMER_FMT "{s:s, s:s, s:s, s:I}"
static const char *const former_keys[] = {"name", "sign_pk", "box_pk", "last_epoch", NULL};

static bool type_ok(char want, const json_t *v)
{
	switch (want) {
	case 'I': return json_is_integer(v);
	case 's': return json_is_string(v);
	case 'b': return json_is_boolean(v);
	default: return true; /* 'o': any value */
	}
}

static const char *type_name(char want)
{
	return want == 'I' ? "an integer" : want == 's' ? "a string" : "a boolean";
}

/* An unpack of `obj` with `fmt` failed. Jansson's text names a missing
 * or unknown key but not a mistyped one; for that, walk `fmt` ("{s:I,
 * s:s, ...}") with `keys` (the same keys, in order) and name it. */
static enum e2e_err unpack_failed(json_t *obj, const char *fmt, const char *const keys[],
				  json_error_t *err)
{
	const char *p = fmt;

	if (json_error_code(err) != json_error_wrong_type || !json_is_object(obj))
		return E2E_ERR_BAD_FIELD;
	for (size_t i = 0; keys[i] && (p = strstr(p, "s:")); i++) {
		const json_t *v = json_object_get(obj, keys[i]);

		p += 2;
		if (v && !type_ok(*p, v))
			return fail(err, E2E_ERR_BAD_FIELD, "field '%s': expected %s", keys[i],
				    type_name(*p));
	}
	return E2E_ERR_BAD_FIELD;
}

json_t *wire_parse_body(const char *data, size_t len, json_error_t *err)
{
	json_t *root;

	if (len > E2E_BODY_MAX) {
		fail(err, E2E_ERR_TOO_LARGE, "body over %d bytes", E2E_BODY_MAX);
		return NULL;
	}
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, err);
	if (root && !json_is_object(root)) {
		json_decref(root);
		fail(err, E2E_ERR_BAD_JSON, "the body must be a JSON object");
		return NULL;
	}
	return root;
}

char *wire_dump(const json_t *j, size_t *len)
{
	size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT);
	char *out = n ? malloc(n + 1) : NULL;

	if (out && json_dumpb(j, out, n, JSON_COMPACT) != n) {
		free(out);
		return NULL;
	}
	if (out) {
		out[n] = '\0';
		*len = n;
	}
	return out;
}

enum e2e_err wire_bin(uint8_t *out, size_t len, const char *b64, const char *field,
		      json_error_t *err)
{
	if (!b64_decode_exact(out, len, b64))
		return fail(err, E2E_ERR_BAD_FIELD, "field '%s': expected base64 of %zu bytes",
			    field, len);
	return E2E_OK;
}

static enum e2e_err copy_name(char *out, size_t cap, const char *name, bool room,
			      const char *field, json_error_t *err)
{
	if (!(room ? name_room_valid(name) : name_member_valid(name)))
		return fail(err, E2E_ERR_BAD_NAME, "field '%s': name not allowed", field);
	snprintf(out, cap, "%s", name);
	return E2E_OK;
}

static enum e2e_err check_version(json_int_t v, json_error_t *err)
{
	if (v != E2E_PROTO_VERSION)
		return fail(err, E2E_ERR_BAD_VERSION, "field 'v': version %lld not supported",
			    (long long)v);
	return E2E_OK;
}

/* A record whose "v" is another version is refused as that, whatever
 * its fields: a v1 record lacks v2's fields and has others, and its
 * sender should hear "bad_version", not about a field. */
static enum e2e_err other_version(const json_t *obj, json_error_t *err)
{
	const json_t *v = json_object_get(obj, "v");

	return json_is_integer(v) ? check_version(json_integer_value(v), err) : E2E_OK;
}

static enum e2e_err check_uint(json_int_t v, const char *field, json_error_t *err)
{
	if (v < 0)
		return fail(err, E2E_ERR_BAD_FIELD, "field '%s': must not be negative", field);
	return E2E_OK;
}

bool wire_kdf_params_ok(uint64_t opslimit, uint64_t memlimit)
{
	return opslimit >= E2E_KDF_OPS_MIN && opslimit <= E2E_KDF_OPS_MAX &&
	       memlimit >= E2E_KDF_MEM_MIN && memlimit <= E2E_KDF_MEM_MAX;
}

enum e2e_err wire_room_unpack(json_t *obj, struct wire_room *r, json_error_t *err)
{
	const char *room, *id, *creator, *salt;
	json_int_t v, ops, mem, created;
	enum e2e_err e = other_version(obj, err);

	if (e)
		return e;
	if (json_unpack_ex(obj, err, JSON_STRICT, ROOM_FMT,
			   "v", &v, "room", &room, "id", &id, "salt", &salt, "opslimit", &ops,
			   "memlimit", &mem, "creator", &creator, "created_at", &created))
		return unpack_failed(obj, ROOM_FMT, room_keys, err);
	if ((e = check_version(v, err)) || (e = check_uint(ops, "opslimit", err)) ||
	    (e = check_uint(mem, "memlimit", err)) ||
	    (e = copy_name(r->room, sizeof r->room, room, true, "room", err)) ||
	    (e = copy_name(r->creator, sizeof r->creator, creator, false, "creator", err)) ||
	    (e = wire_bin(r->id, sizeof r->id, id, "id", err)) ||
	    (e = wire_bin(r->salt, sizeof r->salt, salt, "salt", err)))
		return e;
	r->opslimit = (uint64_t)ops;
	r->memlimit = (uint64_t)mem;
	r->created_at = (int64_t)created;
	return E2E_OK;
}

/* json_pack's "o" refuses NULL, so a failed encode fails the whole pack. */
static json_t *pack_b64(const uint8_t *bin, size_t len)
{
	char *s = b64_encode(bin, len);
	json_t *j = s ? json_string(s) : NULL;

	free(s);
	return j;
}

json_t *wire_room_pack(const struct wire_room *r)
{
	return json_pack("{s:i, s:s, s:o, s:s, s:o, s:I, s:I, s:I}", "v", E2E_PROTO_VERSION,
			 "room", r->room, "id", pack_b64(r->id, sizeof r->id), "creator", r->creator,
			 "salt", pack_b64(r->salt, sizeof r->salt),
			 "opslimit", (json_int_t)r->opslimit, "memlimit", (json_int_t)r->memlimit,
			 "created_at", (json_int_t)r->created_at);
}

static enum e2e_err member_fields(struct wire_member *m, const char *name, const char *sign_pk,
				  const char *box_pk, const char *mac, json_error_t *err)
{
	enum e2e_err e;

	if ((e = copy_name(m->name, sizeof m->name, name, false, "name", err)) ||
	    (e = wire_bin(m->sign_pk, sizeof m->sign_pk, sign_pk, "sign_pk", err)) ||
	    (e = wire_bin(m->box_pk, sizeof m->box_pk, box_pk, "box_pk", err)))
		return e;
	m->since = 0;
	m->admin = false;
	if (mac)
		return wire_bin(m->mac, sizeof m->mac, mac, "mac", err);
	memset(m->mac, 0, sizeof m->mac);
	return E2E_OK;
}

enum e2e_err wire_member_unpack(json_t *obj, struct wire_member *m, bool with_mac,
				json_error_t *err)
{
	const char *name, *sign_pk, *box_pk, *mac = NULL;
	json_int_t v;
	enum e2e_err e;

	if (!with_mac) {
		if (json_unpack_ex(obj, err, JSON_STRICT, PUBKEYS_FMT, "name", &name,
				   "sign_pk", &sign_pk, "box_pk", &box_pk))
			return unpack_failed(obj, PUBKEYS_FMT, pubkeys_keys, err);
		return member_fields(m, name, sign_pk, box_pk, NULL, err);
	}
	if ((e = other_version(obj, err)))
		return e;
	if (json_unpack_ex(obj, err, JSON_STRICT, MEMBER_FMT, "v", &v,
			   "name", &name, "sign_pk", &sign_pk, "box_pk", &box_pk, "mac", &mac))
		return unpack_failed(obj, MEMBER_FMT, member_keys, err);
	if ((e = check_version(v, err)))
		return e;
	return member_fields(m, name, sign_pk, box_pk, mac, err);
}

const char *wire_status_name(enum wire_status st)
{
	return st == WIRE_ADMITTED ? "admitted" : st == WIRE_REMOVED ? "removed" : "pending";
}

static bool status_parse(const char *name, enum wire_status *st)
{
	for (enum wire_status s = WIRE_PENDING; s <= WIRE_REMOVED; s++)
		if (strcmp(name, wire_status_name(s)) == 0) {
			*st = s;
			return true;
		}
	return false;
}

enum e2e_err wire_listed_member_unpack(json_t *obj, struct wire_member *m,
				       enum wire_status *status, json_error_t *err)
{
	const char *name, *sign_pk, *box_pk, *mac, *status_text;
	json_int_t v, joined_at;
	enum e2e_err e = other_version(obj, err);

	if (e)
		return e;
	if (json_unpack_ex(obj, err, JSON_STRICT, LISTED_FMT,
			   "v", &v, "name", &name, "sign_pk", &sign_pk, "box_pk", &box_pk,
			   "mac", &mac, "status", &status_text, "joined_at", &joined_at))
		return unpack_failed(obj, LISTED_FMT, listed_keys, err);
	if ((e = check_version(v, err)))
		return e;
	if (!status_parse(status_text, status))
		return fail(err, E2E_ERR_BAD_FIELD, "field 'status': unknown value");
	return member_fields(m, name, sign_pk, box_pk, mac, err);
}

json_t *wire_member_pack(const struct wire_member *m, bool with_mac)
{
	if (!with_mac)
		return json_pack("{s:s, s:o, s:o}", "name", m->name,
				 "sign_pk", pack_b64(m->sign_pk, sizeof m->sign_pk),
				 "box_pk", pack_b64(m->box_pk, sizeof m->box_pk));
	return json_pack("{s:i, s:s, s:o, s:o, s:o}", "v", E2E_PROTO_VERSION, "name", m->name,
			 "sign_pk", pack_b64(m->sign_pk, sizeof m->sign_pk),
			 "box_pk", pack_b64(m->box_pk, sizeof m->box_pk),
			 "mac", pack_b64(m->mac, sizeof m->mac));
}

const struct wire_member *wire_state_find(const struct wire_state *s, const char *name)
{
	for (size_t i = 0; i < s->n_members; i++)
		if (strcmp(s->members[i].name, name) == 0)
			return &s->members[i];
	return NULL;
}

const struct wire_member *wire_state_admin(const struct wire_state *s, const char *name)
{
	const struct wire_member *m = wire_state_find(s, name);

	return m && m->admin ? m : NULL;
}

const struct wire_member *wire_state_banned(const struct wire_state *s,
					    const struct wire_member *m)
{
	for (size_t i = 0; i < s->n_banned; i++)
		if (memcmp(s->banned[i].sign_pk, m->sign_pk, sizeof m->sign_pk) == 0 ||
		    memcmp(s->banned[i].box_pk, m->box_pk, sizeof m->box_pk) == 0)
			return &s->banned[i];
	return NULL;
}

const struct wire_member *wire_state_keys_at(const struct wire_state *s, const char *name,
					     uint64_t epoch)
{
	const struct wire_former *best = NULL;

	for (size_t i = 0; i < s->n_former; i++) {
		const struct wire_former *f = &s->former[i];

		if (strcmp(f->m.name, name) == 0 && f->last_epoch >= epoch &&
		    (!best || f->last_epoch < best->last_epoch))
			best = f;
	}
	return best ? &best->m : wire_state_find(s, name);
}

const char *wire_history_name(enum wire_history h)
{
	return h == WIRE_HISTORY_SHARED ? "shared" : "joined";
}

bool wire_history_parse(const char *name, enum wire_history *h)
{
	if (strcmp(name, "joined") == 0)
		*h = WIRE_HISTORY_JOINED;
	else if (strcmp(name, "shared") == 0)
		*h = WIRE_HISTORY_SHARED;
	else
		return false;
	return true;
}

static enum e2e_err state_former(struct wire_state *s, json_t *arr, json_error_t *err)
{
	size_t n = json_array_size(arr);
	const char *name, *sign_pk, *box_pk;
	json_int_t last;
	enum e2e_err e;

	if (!json_is_array(arr) || n > E2E_ROOM_MEMBERS_MAX)
		return fail(err, E2E_ERR_BAD_FIELD, "field 'former': an array of at most %d",
			    E2E_ROOM_MEMBERS_MAX);
	s->former = n ? calloc(n, sizeof *s->former) : NULL;
	if (n && !s->former)
		return fail(err, E2E_ERR_INTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_array_get(arr, i);

		if (json_unpack_ex(f, err, JSON_STRICT, FORMER_FMT, "name", &name, "sign_pk",
				   &sign_pk, "box_pk", &box_pk, "last_epoch", &last))
			return unpack_failed(f, FORMER_FMT, former_keys, err);
		if (last < 1 || (uint64_t)last > s->epoch)
			return fail(err, E2E_ERR_BAD_FIELD, "field 'former': last_epoch from 1 to "
				    "the state's epoch");
		e = member_fields(&s->former[i].m, name, sign_pk, box_pk, NULL, err);
		if (e)
			return e;
		s->former[i].last_epoch = (uint64_t)last;
		s->n_former = i + 1;
	}
	return E2E_OK;
}

static enum e2e_err state_member(struct wire_state *s, json_t *obj, struct wire_member *m,
				 json_error_t *err)
{
	const char *name, *sign_pk, *box_pk;
	json_int_t since;
	int admin = 0;
	enum e2e_err e;

	if (json_unpack_ex(obj, err, JSON_STRICT, STATE_MEMBER_FMT, "name", &name,
			   "sign_pk", &sign_pk, "box_pk", &box_pk, "since", &since,
			   "admin", &admin))
		return unpack_failed(obj, STATE_MEMBER_FMT, state_member_keys, err);
	if (since < 1 || (uint64_t)since > s->epoch)
		return fail(err, E2E_ERR_BAD_FIELD, "field 'members': since from 1 to the "
			    "state's epoch");
	e = member_fields(m, name, sign_pk, box_pk, NULL, err);
	m->since = (uint64_t)since;
	m->admin = admin != 0;
	return e;
}

static enum e2e_err state_members(struct wire_state *s, json_t *arr, json_error_t *err)
{
	size_t n = json_array_size(arr);
	bool any_admin = false;
	enum e2e_err e;

	if (!json_is_array(arr) || n == 0 || n > E2E_ROOM_MEMBERS_MAX)
		return fail(err, E2E_ERR_BAD_FIELD, "field 'members': 1 to %d entries",
			    E2E_ROOM_MEMBERS_MAX);
	s->members = calloc(n, sizeof *s->members);
	if (!s->members)
		return fail(err, E2E_ERR_INTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		e = state_member(s, json_array_get(arr, i), &s->members[i], err);
		if (e)
			return e;
		if (wire_state_find(s, s->members[i].name))
			return fail(err, E2E_ERR_BAD_FIELD, "field 'members': duplicate name");
		any_admin = any_admin || s->members[i].admin;
		s->n_members = i + 1;
	}
	if (!any_admin)
		return fail(err, E2E_ERR_BAD_FIELD, "field 'members': no admin");
	return E2E_OK;
}

static enum e2e_err state_banned(struct wire_state *s, json_t *arr, json_error_t *err)
{
	size_t n = json_array_size(arr);
	enum e2e_err e;

	if (!json_is_array(arr) || n > E2E_BANS_MAX)
		return fail(err, E2E_ERR_BAD_FIELD, "field 'banned': an array of at most %d",
			    E2E_BANS_MAX);
	s->banned = n ? calloc(n, sizeof *s->banned) : NULL;
	if (n && !s->banned)
		return fail(err, E2E_ERR_INTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		e = wire_member_unpack(json_array_get(arr, i), &s->banned[i], false, err);
		if (e)
			return e;
		s->n_banned = i + 1;
	}
	return E2E_OK;
}

static enum e2e_err state_access(struct wire_access *a, json_t *obj, json_error_t *err)
{
	const char *salt, *access_pk;
	json_int_t ops, mem;
	enum e2e_err e;

	if (json_unpack_ex(obj, err, JSON_STRICT, ACCESS_FMT, "salt", &salt, "opslimit", &ops,
			   "memlimit", &mem, "access_pk", &access_pk))
		return unpack_failed(obj, ACCESS_FMT, access_keys, err);
	if (ops < 0 || mem < 0 || !wire_kdf_params_ok((uint64_t)ops, (uint64_t)mem))
		return fail(err, E2E_ERR_BAD_FIELD, "field 'access': Argon2id limits out of "
			    "bounds");
	e = wire_bin(a->salt, sizeof a->salt, salt, "access.salt", err);
	if (e == E2E_OK)
		e = wire_bin(a->access_pk, sizeof a->access_pk, access_pk, "access.access_pk", err);
	a->opslimit = (uint64_t)ops;
	a->memlimit = (uint64_t)mem;
	return e;
}

static enum e2e_err state_admission(struct wire_state *s, json_t *obj, json_error_t *err)
{
	struct wire_admission *a = &s->admission;
	const char *nonce, *box;
	json_int_t epoch;
	enum e2e_err e;

	if (!obj)
		return E2E_OK;
	if (json_unpack_ex(obj, err, JSON_STRICT, ADMISSION_FMT, "epoch", &epoch,
			   "nonce", &nonce, "box", &box))
		return unpack_failed(obj, ADMISSION_FMT, admission_keys, err);
	if (epoch < 1 || (uint64_t)epoch > s->epoch)
		return fail(err, E2E_ERR_BAD_FIELD, "field 'admission': epoch from 1 to the "
			    "state's epoch");
	e = wire_bin(a->nonce, sizeof a->nonce, nonce, "admission.nonce", err);
	if (e == E2E_OK)
		e = wire_bin(a->box, sizeof a->box, box, "admission.box", err);
	a->epoch = (uint64_t)epoch;
	a->present = e == E2E_OK;
	return e;
}

struct state_json {
	json_int_t v, revision, epoch;
	const char *room, *id, *by, *history;
	json_t *access, *members, *former, *banned, *admission;
};

static enum e2e_err state_fields(struct wire_state *s, struct state_json *j, json_error_t *err)
{
	enum e2e_err e = check_version(j->v, err);

	if (e == E2E_OK)
		e = copy_name(s->room, sizeof s->room, j->room, true, "room", err);
	if (e == E2E_OK)
		e = copy_name(s->by, sizeof s->by, j->by, false, "by", err);
	if (e == E2E_OK)
		e = wire_bin(s->id, sizeof s->id, j->id, "id", err);
	if (e != E2E_OK)
		return e;
	if (j->revision < 1 || j->epoch < 1)
		return fail(err, E2E_ERR_BAD_FIELD, "state: revision and epoch start at 1");
	if (!wire_history_parse(j->history, &s->history))
		return fail(err, E2E_ERR_BAD_FIELD, "field 'history': \"joined\" or \"shared\"");
	s->revision = (uint64_t)j->revision;
	s->epoch = (uint64_t)j->epoch;
	e = state_access(&s->access, j->access, err);
	if (e == E2E_OK)
		e = state_members(s, j->members, err);
	if (e == E2E_OK)
		e = state_former(s, j->former, err);
	if (e == E2E_OK)
		e = state_banned(s, j->banned, err);
	if (e == E2E_OK)
		e = state_admission(s, j->admission, err);
	if (e == E2E_OK && !wire_state_admin(s, s->by))
		e = fail(err, E2E_ERR_BAD_FIELD, "field 'by': not an admin of this state");
	return e;
}

static enum e2e_err state_unpack(json_t *root, struct wire_state *s, json_error_t *err)
{
	struct state_json j = {0};
	enum e2e_err e = other_version(root, err);

	if (e)
		return e;
	if (json_unpack_ex(root, err, JSON_STRICT, STATE_FMT, "v", &j.v, "room", &j.room,
			   "id", &j.id, "by", &j.by, "revision", &j.revision, "epoch", &j.epoch,
			   "history", &j.history, "access", &j.access, "members", &j.members,
			   "former", &j.former, "banned", &j.banned, "admission", &j.admission))
		return unpack_failed(root, STATE_FMT, state_keys, err);
	return state_fields(s, &j, err);
}

enum e2e_err wire_state_parse(const uint8_t *payload, size_t len, struct wire_state *s,
			      json_error_t *err)
{
	json_t *root;
	enum e2e_err e;

	memset(s, 0, sizeof *s);
	if (len > E2E_STATE_MAX)
		return fail(err, E2E_ERR_BAD_FIELD, "state payload over %d bytes", E2E_STATE_MAX);
	root = json_loadb((const char *)payload, len, JSON_REJECT_DUPLICATES, err);
	if (!root)
		return E2E_ERR_BAD_FIELD;
	e = state_unpack(root, s, err);
	json_decref(root);
	if (e)
		wire_state_clear(s);
	return e;
}

static json_t *former_pack(const struct wire_former *f)
{
	json_t *j = wire_member_pack(&f->m, false);

	if (j && json_object_set_new(j, "last_epoch", json_integer((json_int_t)f->last_epoch))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *state_member_pack(const struct wire_member *m)
{
	json_t *j = wire_member_pack(m, false);

	if (j && (json_object_set_new(j, "since", json_integer((json_int_t)m->since)) ||
		  json_object_set_new(j, "admin", json_boolean(m->admin)))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *access_pack(const struct wire_access *a)
{
	return json_pack("{s:o, s:I, s:I, s:o}", "salt", pack_b64(a->salt, sizeof a->salt),
			 "opslimit", (json_int_t)a->opslimit, "memlimit", (json_int_t)a->memlimit,
			 "access_pk", pack_b64(a->access_pk, sizeof a->access_pk));
}

static json_t *lists_pack(const struct wire_state *s)
{
	json_t *members = json_array(), *former = json_array(), *banned = json_array();
	json_t *root = NULL;
	bool ok = members && former && banned;

	for (size_t i = 0; ok && i < s->n_members; i++)
		ok = json_array_append_new(members, state_member_pack(&s->members[i])) == 0;
	for (size_t i = 0; ok && i < s->n_former; i++)
		ok = json_array_append_new(former, former_pack(&s->former[i])) == 0;
	for (size_t i = 0; ok && i < s->n_banned; i++)
		ok = json_array_append_new(banned, wire_member_pack(&s->banned[i], false)) == 0;
	if (ok)
		root = json_pack("{s:O, s:O, s:O}", "members", members, "former", former,
				 "banned", banned);
	json_decref(members);
	json_decref(former);
	json_decref(banned);
	return root;
}

uint8_t *wire_state_build(const struct wire_state *s, size_t *len)
{
	const struct wire_admission *a = &s->admission;
	json_t *root = lists_pack(s);
	char *out = NULL;
	int failed = !root;

	if (!failed)
		failed = json_object_update_new(root, json_pack(
			"{s:i, s:s, s:o, s:s, s:I, s:I, s:s, s:o}", "v", E2E_PROTO_VERSION,
			"room", s->room, "id", pack_b64(s->id, sizeof s->id), "by", s->by,
			"revision", (json_int_t)s->revision, "epoch", (json_int_t)s->epoch,
			"history", wire_history_name(s->history), "access", access_pack(&s->access)));
	if (!failed && a->present)
		failed = json_object_set_new(root, "admission", json_pack(
			"{s:I, s:o, s:o}", "epoch", (json_int_t)a->epoch,
			"nonce", pack_b64(a->nonce, sizeof a->nonce),
			"box", pack_b64(a->box, sizeof a->box)));
	if (!failed)
		out = wire_dump(root, len);
	json_decref(root);
	return (uint8_t *)out;
}

void wire_state_clear(struct wire_state *s)
{
	free(s->members);
	free(s->former);
	free(s->banned);
	memset(s, 0, sizeof *s);
}

enum e2e_err wire_signed_unpack(json_t *obj, struct wire_signed *s, json_error_t *err)
{
	const char *p64, *s64, *m64;
	size_t cap;
	enum e2e_err e;

	memset(s, 0, sizeof *s);
	if (json_unpack_ex(obj, err, JSON_STRICT, SIGNED_FMT, "payload", &p64, "sig", &s64,
			   "mac", &m64))
		return unpack_failed(obj, SIGNED_FMT, signed_keys, err);
	e = wire_bin(s->sig, E2E_SIG_BYTES, s64, "sig", err);
	if (e == E2E_OK)
		e = wire_bin(s->mac, E2E_MAC_BYTES, m64, "mac", err);
	if (e != E2E_OK)
		return e;
	if (strlen(p64) + 1 > b64_encoded_len(E2E_STATE_MAX))
		return fail(err, E2E_ERR_BAD_FIELD, "field 'payload': over %d bytes", E2E_STATE_MAX);
	cap = strlen(p64) / 4 * 3;
	s->payload = malloc(cap + 1);
	if (!s->payload)
		return fail(err, E2E_ERR_INTERNAL, "out of memory");
	/* The length check above is in base64 characters; a decoded payload
	 * can still be up to 2 bytes over. */
	if (!b64_decode(s->payload, cap, &s->len, p64) || s->len == 0 || s->len > E2E_STATE_MAX) {
		wire_signed_clear(s);
		return fail(err, E2E_ERR_BAD_FIELD, "field 'payload': bad base64 or over %d bytes",
			    E2E_STATE_MAX);
	}
	return E2E_OK;
}

json_t *wire_signed_pack(const struct wire_signed *s)
{
	return json_pack("{s:o, s:o, s:o}", "payload", pack_b64(s->payload, s->len),
			 "sig", pack_b64(s->sig, E2E_SIG_BYTES), "mac", pack_b64(s->mac, E2E_MAC_BYTES));
}

void wire_signed_clear(struct wire_signed *s)
{
	free(s->payload);
	memset(s, 0, sizeof *s);
}

enum e2e_err wire_wrap_unpack(json_t *obj, struct wire_wrap *w, json_error_t *err)
{
	const char *member, *by, *nonce, *box, *sig;
	json_int_t epoch;
	enum e2e_err e;

	if (json_unpack_ex(obj, err, JSON_STRICT, WRAP_FMT, "member", &member, "by", &by,
			   "epoch", &epoch, "nonce", &nonce, "box", &box, "sig", &sig))
		return unpack_failed(obj, WRAP_FMT, wrap_keys, err);
	if (epoch < 1)
		return fail(err, E2E_ERR_BAD_FIELD, "field 'epoch': starts at 1");
	e = copy_name(w->member, sizeof w->member, member, false, "member", err);
	if (e == E2E_OK)
		e = copy_name(w->by, sizeof w->by, by, false, "by", err);
	if (e == E2E_OK)
		e = wire_bin(w->nonce, sizeof w->nonce, nonce, "nonce", err);
	if (e == E2E_OK)
		e = wire_bin(w->box, sizeof w->box, box, "box", err);
	if (e == E2E_OK)
		e = wire_bin(w->sig, sizeof w->sig, sig, "sig", err);
	w->epoch = (uint64_t)epoch;
	return e;
}

json_t *wire_wrap_pack(const struct wire_wrap *w)
{
	return json_pack("{s:s, s:s, s:I, s:o, s:o, s:o}", "member", w->member, "by", w->by,
			 "epoch", (json_int_t)w->epoch, "nonce", pack_b64(w->nonce, sizeof w->nonce),
			 "box", pack_b64(w->box, sizeof w->box), "sig", pack_b64(w->sig, sizeof w->sig));
}

static enum e2e_err msg_fields(struct wire_msg *m, json_int_t v, json_int_t epoch,
			       json_int_t counter, const char *nonce, const char *ct,
			       const char *sig, json_error_t *err)
{
	enum e2e_err e;

	if ((e = check_version(v, err)))
		return e;
	if (epoch < 1 || counter < 1)
		return fail(err, E2E_ERR_BAD_FIELD, "fields 'epoch' and 'counter' start at 1");
	if ((e = wire_bin(m->nonce, sizeof m->nonce, nonce, "nonce", err)) ||
	    (e = wire_bin(m->sig, sizeof m->sig, sig, "sig", err)))
		return e;
	if (!b64_decode(m->ct, sizeof m->ct, &m->ct_len, ct) || m->ct_len < E2E_AEAD_TAG_BYTES)
		return fail(err, E2E_ERR_BAD_FIELD, "field 'ct': base64 of %d to %d bytes",
			    E2E_AEAD_TAG_BYTES, E2E_CT_MAX);
	m->epoch = (uint64_t)epoch;
	m->counter = (uint64_t)counter;
	return E2E_OK;
}

enum e2e_err wire_msg_unpack(json_t *obj, struct wire_msg *m, bool stored, json_error_t *err)
{
	const char *nonce, *ct, *sig, *sender;
	json_int_t v, epoch, counter, seq, received_at;
	enum e2e_err e;

	memset(m->sender, 0, sizeof m->sender);
	m->seq = 0;
	m->received_at = 0;
	if ((e = other_version(obj, err)))
		return e;
	if (!stored) {
		if (json_unpack_ex(obj, err, JSON_STRICT, POSTED_FMT, "v", &v,
				   "epoch", &epoch, "counter", &counter, "nonce", &nonce,
				   "ct", &ct, "sig", &sig))
			return unpack_failed(obj, POSTED_FMT, posted_keys, err);
		return msg_fields(m, v, epoch, counter, nonce, ct, sig, err);
	}
	if (json_unpack_ex(obj, err, JSON_STRICT, STORED_FMT, "seq", &seq, "v", &v,
			   "sender", &sender, "epoch", &epoch, "counter", &counter,
			   "nonce", &nonce, "ct", &ct, "sig", &sig, "received_at", &received_at))
		return unpack_failed(obj, STORED_FMT, stored_keys, err);
	if (seq < 1)
		return fail(err, E2E_ERR_BAD_FIELD, "field 'seq': starts at 1");
	if ((e = copy_name(m->sender, sizeof m->sender, sender, false, "sender", err)))
		return e;
	m->seq = (uint64_t)seq;
	m->received_at = (int64_t)received_at;
	return msg_fields(m, v, epoch, counter, nonce, ct, sig, err);
}

json_t *wire_msg_pack(const struct wire_msg *m, bool stored)
{
	json_t *j = json_pack("{s:i, s:I, s:I, s:o, s:o, s:o}", "v", E2E_PROTO_VERSION,
			      "epoch", (json_int_t)m->epoch, "counter", (json_int_t)m->counter,
			      "nonce", pack_b64(m->nonce, sizeof m->nonce),
			      "ct", pack_b64(m->ct, m->ct_len), "sig", pack_b64(m->sig, sizeof m->sig));

	if (j && stored &&
	    (json_object_set_new(j, "seq", json_integer((json_int_t)m->seq)) ||
	     json_object_set_new(j, "sender", json_string(m->sender)) ||
	     json_object_set_new(j, "received_at", json_integer(m->received_at)))) {
		json_decref(j);
		return NULL;
	}
	return j;
}
