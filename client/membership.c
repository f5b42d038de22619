/* membership.c - creating and joining rooms (see membership.h); every
 * request goes through relay.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "b64.h"
#include "membership.h"
#include "messages.h"
#include "outbox.h"
#include "password.h"
#include "profile.h"
#include "relay.h"
#include "roomkey.h"
#include "roomsync.h"
#include "sign.h"
#include "transcript.h"
#include "wrap.h"

static void own_record(const struct client *c, struct wire_member *m)
{
	memset(m, 0, sizeof *m);
	snprintf(m->name, sizeof m->name, "%s", c->name);
	memcpy(m->sign_pk, c->id->sign_pk, sizeof m->sign_pk);
	memcpy(m->box_pk, c->id->box_pk, sizeof m->box_pk);
}

static enum status ask_password(struct client *c, struct password **pw, const char *room,
				bool create)
{
	char prompt[160];

	if (c->given_password)
		return password_from(pw, c->given_password, c->given_password_len, c->err,
				     sizeof c->err);
	snprintf(prompt, sizeof prompt, "%s room password for %s: ",
		 create ? "New" : "The", room);
	return password_get(pw, PASSWORD_ENV, c->password_file, prompt, create, c->err,
			    sizeof c->err);
}

/* The relay gave this membership its token: use it, and keep it. */
static enum status keep_token(struct client *c, struct roomfile *rf)
{
	api_set_token(c->api, rf->sec->token);
	return roomfile_save(rf, c->err, sizeof c->err);
}

static void keep_room_keys(struct roomfile *rf, const struct roomkey *k)
{
	memcpy(rf->sec->access_seed, k->access_seed, E2E_KEY_BYTES);
	memcpy(rf->sec->admission, k->admission, E2E_KEY_BYTES);
}

/* The creator's first state (revision 1, epoch 1, itself only and its
 * admin), signed and MAC'd, and the epoch key wrapped for itself, as the
 * create request's fields. */
static enum status first_state(struct client *c, struct roomfile *rf, const struct roomkey *k,
			       struct wire_member *me, json_t *req)
{
	struct wire_state s = {.revision = 1, .epoch = 1, .history = c->history,
			       .n_members = 1, .members = me};
	struct wire_roomref ref = roomfile_ref(rf);
	struct wire_signed sg = {0};
	struct wire_wrap w;
	struct wire_state parsed;
	json_error_t jerr;

	me->since = 1;
	me->admin = true;
	snprintf(s.room, sizeof s.room, "%s", rf->room);
	memcpy(s.id, rf->room_id, sizeof s.id);
	snprintf(s.by, sizeof s.by, "%s", rf->me);
	memcpy(s.access.salt, rf->salt, sizeof s.access.salt);
	s.access.opslimit = rf->opslimit;
	s.access.memlimit = rf->memlimit;
	memcpy(s.access.access_pk, k->access_pk, sizeof s.access.access_pk);
	sg.payload = wire_state_build(&s, &sg.len);
	if (!sg.payload ||
	    !sign_transcript(sg.sig, c->id->sign_sk, transcript_state(sg.payload, sg.len)) ||
	    !roomkey_state_mac(k, &sg) ||
	    !wrap_seal(&w, &ref, 1, roomfile_epoch_key(rf, 1), me, rf->me, c->id) ||
	    json_object_set_new(req, "state", wire_signed_pack(&sg)) ||
	    json_object_set_new(req, "wraps", json_pack("[o]", wire_wrap_pack(&w))) ||
	    wire_state_parse(sg.payload, sg.len, &parsed, &jerr) != E2E_OK) {
		wire_signed_clear(&sg);
		return client_fail(c, ST_ERROR, "cannot build the room's first state");
	}
	return roomsync_accept_state(c, rf, &sg, &parsed);
}

/* What the creator's client will do on its own, from the options. */
static void creator_settings(const struct client *c, struct roomfile *rf)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	rf->settings = (struct creator_settings){
		.approve = c->approve,
		.rotate_messages = ROOMFILE_ROTATE_MESSAGES,
		.rotate_seconds = ROOMFILE_ROTATE_SECONDS,
		.epoch_started_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
	};
	membership_apply_options(c, rf);
}

void membership_apply_options(const struct client *c, struct roomfile *rf)
{
	if (c->rotate_messages_set)
		rf->settings.rotate_messages = c->rotate_messages;
	if (c->rotate_seconds_set)
		rf->settings.rotate_seconds = c->rotate_seconds;
	if (c->approve)
		rf->settings.approve = true;
}

static json_t *create_request(struct client *c, struct roomfile *rf, const struct roomkey *k,
			      struct wire_member *me)
{
	char *salt = b64_encode(rf->salt, sizeof rf->salt);
	char *access_pk = b64_encode(k->access_pk, sizeof k->access_pk);
	char *id = b64_encode(rf->room_id, sizeof rf->room_id);
	json_t *req = NULL;

	if (salt && access_pk && id)
		req = json_pack("{s:i, s:s, s:s, s:s, s:I, s:I, s:s, s:o}", "v", E2E_PROTO_VERSION,
				"room", rf->room, "id", id, "salt", salt,
				"opslimit", (json_int_t)rf->opslimit,
				"memlimit", (json_int_t)rf->memlimit, "access_pk", access_pk,
				"member", wire_member_pack(me, true));
	if (req && first_state(c, rf, k, me, req) != ST_OK) {
		json_decref(req);
		req = NULL;
	}
	free(salt);
	free(access_pk);
	free(id);
	return req;
}

/* *taken: another client created the room first (the relay said
 * room_exists), so the caller joins instead. */
static enum status create_room(struct client *c, struct roomfile *rf, bool *taken)
{
	struct password *pw = NULL;
	struct roomkey *k = NULL;
	json_t *req = NULL;
	struct relay_reply r = {.err = E2E_ERR__COUNT};
	struct wire_roomref ref = roomfile_ref(rf);
	struct wire_member me;
	uint8_t session_key[E2E_KEY_BYTES];
	enum status st;

	*taken = false;
	fprintf(stderr, "Room %s does not exist yet: creating it, with you as its creator.\n",
		rf->room);
	if ((st = ask_password(c, &pw, rf->room, true)) != ST_OK)
		return st;
	randombytes_buf(rf->salt, sizeof rf->salt);
	randombytes_buf(rf->room_id, sizeof rf->room_id);
	rf->opslimit = E2E_KDF_OPS_MIN;
	rf->memlimit = E2E_KDF_MEM_MIN;
	st = client_fail(c, ST_ERROR, "cannot derive the room keys (out of memory?)");
	if (!(k = roomkey_derive(pw->text, pw->len, rf->salt, rf->opslimit, rf->memlimit)))
		goto out;
	keep_room_keys(rf, k);
	own_record(c, &me);
	snprintf(rf->creator, sizeof rf->creator, "%s", rf->me);
	creator_settings(c, rf);
	randombytes_buf(session_key, sizeof session_key);
	roomfile_add_epoch_key(rf, 1, session_key);
	sodium_memzero(session_key, sizeof session_key);
	if (!roomkey_member_mac(k, &ref, &me))
		goto out;
	req = create_request(c, rf, k, &me);
	if (!req)
		goto out;
	st = relay_room_create(c, rf->room, req, rf->sec->token, &r);
	*taken = r.err == E2E_ERR_ROOM_EXISTS;
	if (st == ST_OK)
		st = keep_token(c, rf);
out:
	relay_reply_clear(&r);
	json_decref(req);
	roomkey_free(k);
	password_free(pw);
	return st;
}

static enum status get_challenge(struct client *c, const char *room,
				 uint8_t nonce[E2E_NONCE_BYTES])
{
	struct relay_reply r;
	enum status st = relay_challenge(c, room, nonce, &r);

	relay_reply_clear(&r);
	return st;
}

static enum status register_member(struct client *c, struct roomfile *rf,
				   const struct roomkey *k)
{
	struct wire_member me;
	uint8_t nonce[E2E_NONCE_BYTES], proof[E2E_SIG_BYTES];
	char *nonce64 = NULL, *proof64 = NULL;
	json_t *req = NULL;
	struct relay_reply r = {.err = E2E_ERR__COUNT};
	struct wire_roomref ref = roomfile_ref(rf);
	enum status st;

	own_record(c, &me);
	if ((st = get_challenge(c, rf->room, nonce)) != ST_OK)
		return st;
	st = client_fail(c, ST_ERROR, "cannot build the join request");
	if (!roomkey_member_mac(k, &ref, &me) ||
	    !roomkey_join_proof(k, proof, &ref, nonce, &me) ||
	    !(nonce64 = b64_encode(nonce, sizeof nonce)) ||
	    !(proof64 = b64_encode(proof, sizeof proof)) ||
	    !(req = wire_member_pack(&me, true)) ||
	    json_object_set_new(req, "nonce", json_string(nonce64)) ||
	    json_object_set_new(req, "proof", json_string(proof64)))
		goto out;
	st = relay_join(c, rf->room, rf->me, req, rf->sec->token, &r);
	if (st == ST_OK)
		st = keep_token(c, rf);
out:
	relay_reply_clear(&r);
	json_decref(req);
	free(nonce64);
	free(proof64);
	return st;
}

static enum status join_room(struct client *c, struct roomfile *rf, const struct wire_room *p)
{
	struct password *pw = NULL;
	struct roomkey *k = NULL;
	enum status st;

	if (!wire_kdf_params_ok(p->opslimit, p->memlimit)) {
		security_warn("room %s asks for password hashing parameters outside the allowed "
			      "bounds (opslimit %llu, memlimit %llu); refusing to derive keys",
			      p->room, (unsigned long long)p->opslimit,
			      (unsigned long long)p->memlimit);
		return client_fail(c, ST_SECURITY, "room parameters refused");
	}
	memcpy(rf->salt, p->salt, sizeof rf->salt);
	rf->opslimit = p->opslimit;
	rf->memlimit = p->memlimit;
	memcpy(rf->room_id, p->id, sizeof rf->room_id);
	snprintf(rf->creator, sizeof rf->creator, "%s", p->creator);
	if ((st = ask_password(c, &pw, rf->room, false)) != ST_OK)
		return st;
	k = roomkey_derive(pw->text, pw->len, rf->salt, rf->opslimit, rf->memlimit);
	password_free(pw);
	if (!k)
		return client_fail(c, ST_ERROR, "cannot derive the room keys (out of memory?)");
	keep_room_keys(rf, k);
	st = register_member(c, rf, k);
	roomkey_free(k);
	return st;
}

/* GET the room's public parameters; ST_NOT_MEMBER if it does not exist. */
static enum status fetch_room(struct client *c, const char *room, struct wire_room *p)
{
	struct relay_reply r;
	json_error_t jerr = {0};
	enum e2e_err e;
	enum status st = relay_room_get(c, room, &r);

	e = st == ST_OK ? wire_room_unpack(r.body, p, &jerr) : E2E_OK;
	if (e == E2E_ERR_BAD_VERSION)
		st = client_fail(c, ST_ERROR, "room %s on the relay was made with another protocol "
				 "version (%s); this e2e-chat speaks v%d: its creator must create it "
				 "again", room, jerr.text, E2E_PROTO_VERSION);
	else if (st == ST_OK && (e != E2E_OK || strcmp(p->room, room) != 0))
		st = client_fail(c, ST_ERROR, "the relay sent invalid room parameters: %s",
				 jerr.text);
	relay_reply_clear(&r);
	return st;
}

static enum status create_or_join(struct client *c, struct roomfile *rf)
{
	struct wire_room params;
	bool taken = false;
	enum status st;

	for (int attempt = 0; attempt < 2; attempt++) {
		st = fetch_room(c, rf->room, &params);
		if (st == ST_OK)
			return join_room(c, rf, &params);
		if (st != ST_NOT_MEMBER)
			return st;
		st = create_room(c, rf, &taken);
		if (!taken)
			return st;
		/* Someone created it between our GET and POST: join instead. */
		roomfile_forget(rf);
	}
	return client_fail(c, ST_ERROR, "room %s keeps changing; try again", rf->room);
}

enum status membership_enter(struct client *c, const char *room, bool may_join,
			     struct roomfile **out)
{
	char *path = NULL;
	struct roomfile *rf = NULL;
	enum status st;

	*out = NULL;
	if ((st = profile_room_path(&path, c->home, c->relay_url, room, c->err,
				    sizeof c->err)) != ST_OK ||
	    (st = roomfile_open_sealed(&rf, path, c->room_key, c->seal_rooms, c->err,
					sizeof c->err)) != ST_OK)
		goto out;
	if (rf->exists) {
		if (c->name_opt && strcmp(c->name_opt, rf->me) != 0) {
			st = client_fail(c, ST_USAGE, "you are %s in room %s, not %s", rf->me, room,
					 c->name_opt);
			goto out;
		}
		snprintf(c->name, sizeof c->name, "%s", rf->me);
		api_set_token(c->api, rf->sec->token);
		if (admin_is_me(c, rf))
			membership_apply_options(c, rf); /* saved with the next change */
	} else if (!may_join) {
		st = client_fail(c, ST_NOT_MEMBER, "you are not a member of room %s on %s; run: "
				 "e2e-chat join %s", room, c->relay_url, room);
		goto out;
	} else {
		snprintf(rf->room, sizeof rf->room, "%s", room);
		snprintf(rf->me, sizeof rf->me, "%s", c->name);
		/* what the store kept of an earlier membership goes first */
		if ((st = messages_forget(c, rf)) != ST_OK || (st = create_or_join(c, rf)) != ST_OK)
			goto out;
	}
	*out = rf;
	rf = NULL;
out:
	roomfile_close(rf);
	free(path);
	return st;
}

static bool other_admin(const struct roomfile *rf)
{
	for (size_t i = 0; i < rf->state.n_members; i++)
		if (rf->state.members[i].admin && strcmp(rf->state.members[i].name, rf->me) != 0)
			return true;
	return false;
}

enum status membership_leave(struct client *c, struct roomfile *rf)
{
	struct relay_reply r;
	enum status st = ST_OK;

	bool admin = admin_is_me(c, rf);

	if (admin && !other_admin(rf))
		return client_fail(c, ST_USAGE, "you are the only admin of room %s: make another "
				   "member an admin first (e2e-chat admin %s NAME)", rf->room, rf->room);
	/* An admitted member signs its departure into the room first: an
	 * admin's client drops members from the state only on such a word. */
	if (wire_state_find(&rf->state, rf->me) && roomfile_epoch_key(rf, rf->state.epoch)) {
		st = outbox_send_leave(c, rf);
		if (st != ST_OK)
			return st;
	}
	/* An admin's token ends when another admin signs it out (the relay
	 * refuses an admin's own DELETE: the state must say it first). */
	if (!admin) {
		st = relay_leave(c, rf->room, rf->me, &r);
		relay_reply_clear(&r);
	}
	/* Gone from the relay: the membership file has nothing left to do. */
	if (st == ST_OK && unlink(rf->path) != 0)
		st = client_fail(c, ST_ERROR, "left room %s, but cannot delete %s: %s", rf->room,
				 rf->path, strerror(errno));
	return st;
}
