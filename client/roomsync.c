/* roomsync.c - trusted state, epoch keys and admission (see roomsync.h);
 * the requests go through relay.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "messages.h"
#include "relay.h"
#include "roomkey.h"
#include "roomsync.h"
#include "sign.h"
#include "store.h"
#include "transcript.h"
#include "verify.h"
#include "wrap.h"

static bool same_keys(const struct wire_member *a, const struct wire_member *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       memcmp(a->sign_pk, b->sign_pk, sizeof a->sign_pk) == 0 &&
	       memcmp(a->box_pk, b->box_pk, sizeof a->box_pk) == 0;
}

static bool in_state(const struct roomfile *rf, const struct wire_member *m)
{
	const struct wire_member *s = wire_state_find(&rf->state, m->name);

	return s && same_keys(s, m);
}

const struct listed_member *roomsync_listed(const struct listed_member *list, size_t n,
					    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].rec.name, name) == 0)
			return &list[i];
	return NULL;
}

enum status roomsync_members(struct client *c, struct roomfile *rf,
			     struct listed_member **list, size_t *n)
{
	struct relay_reply r;
	struct roomkey *k = roomkey_from_subkeys(rf->sec->access_seed, rf->sec->admission);
	struct wire_roomref ref = roomfile_ref(rf);
	json_t *arr = NULL;
	json_error_t jerr;
	enum status st;

	*list = NULL;
	*n = 0;
	st = relay_members_get(c, rf->room, &arr, &r);
	if (st != ST_OK)
		goto out;
	st = client_fail(c, ST_ERROR, "the relay sent an invalid member list");
	*list = calloc(json_array_size(arr) + 1, sizeof **list);
	if (!*list)
		goto out;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		struct listed_member *m = &(*list)[i];

		if (wire_listed_member_unpack(json_array_get(arr, i), &m->rec,
					      &m->relay_status, &jerr) != E2E_OK)
			goto out;
		m->mac_ok = k && roomkey_member_mac_ok(k, &ref, &m->rec);
		m->in_state = in_state(rf, &m->rec);
		/* Keys of the signed state were checked when it was accepted
		 * (state_refusal): only the others cost an X25519 here. */
		m->keys_ok = m->in_state || verify_member_keys(&m->rec);
		*n = i + 1;
	}
	st = ST_OK;
out:
	if (st != ST_OK) {
		free(*list);
		*list = NULL;
		*n = 0;
	}
	relay_reply_clear(&r);
	roomkey_free(k);
	return st;
}

static bool same_former(const struct wire_former *a, const struct wire_former *b)
{
	return same_keys(&a->m, &b->m) && a->last_epoch == b->last_epoch;
}

/* `m` among s->former[from..]: moved there by s. */
static bool former_from(const struct wire_state *s, size_t from, const struct wire_member *m)
{
	for (size_t i = from; i < s->n_former; i++)
		if (same_keys(&s->former[i].m, m))
			return true;
	return false;
}

/* Whether `s` was made from `cur`, as an admin's client makes the next
 * state (admin.c): `former` grows only at its end; a member of `cur` is
 * kept (same keys, same `since`) or moved there; a member not in `cur`
 * is admitted by `s` (`since` its epoch). A state signed on top of
 * another state of cur's revision (a relay that kept two admins' states
 * of one revision and shows each to some members) fails this, so a
 * removal, or an admission, cannot come undone by a state that never
 * saw it. */
static bool made_from(const struct wire_state *cur, const struct wire_state *s)
{
	if (s->n_former < cur->n_former)
		return false;
	for (size_t i = 0; i < cur->n_former; i++)
		if (!same_former(&cur->former[i], &s->former[i]))
			return false;
	for (size_t i = 0; i < s->n_members; i++) {
		const struct wire_member *was = wire_state_find(cur, s->members[i].name);

		if (was ? !same_keys(was, &s->members[i]) || was->since != s->members[i].since
			: s->members[i].since != s->epoch)
			return false;
	}
	for (size_t i = 0; i < cur->n_members; i++)
		if (!wire_state_find(s, cur->members[i].name) &&
		    !former_from(s, cur->n_former, &cur->members[i]))
			return false;
	return true;
}

/* Who signed `s`, and whether the signature holds. A member that holds a
 * state accepts only the next revision, signed by an admin of the state
 * it holds (with the keys that state gives). A joiner, which holds none,
 * takes the newest state on its admission MAC (only a holder of the
 * current password makes it) and the signature of an admin it lists. */
static const char *signer_refusal(const struct roomfile *rf, const struct wire_signed *sg,
				  const struct wire_state *s)
{
	const struct wire_member *by;
	struct roomkey *k;
	bool mac_ok;

	if (rf->state.revision) {
		if (s->revision != rf->state.revision + 1)
			return "it does not follow the state already accepted";
		by = wire_state_admin(&rf->state, s->by);
		if (!by)
			return "its signer is not an admin of the room state you hold";
	} else {
		k = roomkey_from_subkeys(rf->sec->access_seed, rf->sec->admission);
		mac_ok = k && roomkey_state_mac_ok(k, sg);
		roomkey_free(k);
		if (!mac_ok)
			return "it carries no valid admission MAC (not made with the room password)";
		by = wire_state_admin(s, s->by);
	}
	if (!verify_state(sg, by->sign_pk))
		return "the admin's signature does not verify";
	if (rf->state.revision && !made_from(&rf->state, s))
		return "it was not made from the room state you hold (the relay shows members "
		       "different states)";
	return NULL;
}

/* Why a state the relay served is not acceptable, or NULL if it is. */
static const char *state_refusal(const struct roomfile *rf, const struct wire_signed *sg,
				 const struct wire_state *s)
{
	if (strcmp(s->room, rf->room) != 0 ||
	    sodium_memcmp(s->id, rf->room_id, sizeof s->id) != 0)
		return "it is for another room (another room id: the room was created again under "
		       "its name, or the relay lies)";
	for (size_t i = 0; i < s->n_members; i++)
		if (!verify_member_keys(&s->members[i]))
			return "it lists a member with unusable keys";
	if (s->revision < rf->state.revision || s->epoch < rf->state.epoch)
		return "it is older than the state already accepted (rollback)";
	if (s->revision == rf->state.revision)
		return sg->len == rf->signed_state.len &&
				       memcmp(sg->payload, rf->signed_state.payload, sg->len) == 0
			       ? NULL
			       : "it differs from the accepted state of the same revision";
	return signer_refusal(rf, sg, s);
}

/* Trust on first use: remember each member's keys the first time a
 * signed state shows them; when a later state shows other keys for the
 * name, say so loudly and mark the member until the user accepts. */
static void remember_keys(struct roomfile *rf, const struct wire_state *s)
{
	char old_fp[FINGERPRINT_LEN], new_fp[FINGERPRINT_LEN];

	for (size_t i = 0; i < s->n_members; i++) {
		const struct wire_member *m = &s->members[i];
		struct known_keys *k = roomfile_known(rf, m->name);

		if (!k) {
			roomfile_know(rf, m);
			continue;
		}
		if (!memcmp(k->m.sign_pk, m->sign_pk, sizeof m->sign_pk) &&
		    !memcmp(k->m.box_pk, m->box_pk, sizeof m->box_pk))
			continue;
		if (fingerprint_member(old_fp, &k->m) && fingerprint_member(new_fp, m))
			security_warn("room %s: %s's KEYS CHANGED (fingerprint was %s, is now %s). "
				      "Their messages are marked unverified until you compare the new "
				      "fingerprint and run: e2e-chat verify %s %s --accept",
				      rf->room, m->name, old_fp, new_fp, rf->room, m->name);
		k->m = *m;
		memset(k->m.mac, 0, sizeof k->m.mac);
		k->changed = true;
		k->verified = false;
	}
}

/* A password change: the room's parameters are now those signed. */
static void take_access(struct roomfile *rf, const struct wire_state *s)
{
	memcpy(rf->salt, s->access.salt, sizeof rf->salt);
	rf->opslimit = s->access.opslimit;
	rf->memlimit = s->access.memlimit;
}

/* After a password change, the admission key of the new password comes
 * sealed under an epoch key (admins check newcomers' MACs with it and MAC
 * their own states). Opened on every sync once that key is held: it may
 * arrive after the state. */
static void take_admission(struct roomfile *rf)
{
	const struct wire_admission *a = &rf->state.admission;
	const uint8_t *key = a->present ? roomfile_epoch_key(rf, a->epoch) : NULL;
	uint8_t *admission = key ? sodium_malloc(E2E_KEY_BYTES) : NULL;

	if (admission && roomkey_admission_open(admission, a, key))
		memcpy(rf->sec->admission, admission, E2E_KEY_BYTES);
	sodium_free(admission);
}

/* A removal this admin recorded is done once the trusted state no longer
 * lists that membership: signed by this client (its answer lost), by
 * another admin, or a signed leave. Kept, it would refuse the name's next
 * identity for ever and hold this admin's messages once another admin
 * admits it (outbox.c). */
static void forget_done_departures(struct roomfile *rf)
{
	size_t i = 0;

	while (i < rf->n_departed) {
		const struct departure *d = &rf->departed[i];
		const struct wire_member *m = wire_state_find(&rf->state, d->name);

		if (m && memcmp(m->sign_pk, d->sign_pk, sizeof d->sign_pk) == 0)
			i++;
		else
			roomfile_forget_departure(rf, d->name);
	}
}

enum status roomsync_accept_state(struct client *c, struct roomfile *rf, struct wire_signed *sg,
				  struct wire_state *s)
{
	int64_t room_id;
	enum status st = messages_room(c, rf, &room_id);
	bool access_changed = rf->state.revision &&
			      memcmp(&s->access, &rf->state.access, sizeof s->access) != 0;

	if (st == ST_OK && !store_add_state(c->store, room_id, s->revision, s->epoch, sg->payload,
					    sg->len, sg->sig, client_now_ms()))
		st = client_store_fail(c);
	remember_keys(rf, s);
	roomfile_set_state(rf, sg, s);
	forget_done_departures(rf);
	if (access_changed)
		take_access(rf, &rf->state);
	return st;
}

/* Check and accept one signed state of the relay's answer; false (after
 * saying why, once) when it is refused: the walk stops there. */
static bool take_state(struct client *c, struct roomfile *rf, json_t *obj, enum status *st)
{
	struct wire_signed sg = {0};
	struct wire_state s = {0};
	json_error_t jerr;
	const char *why = NULL;
	bool taken = false;

	if (wire_signed_unpack(obj, &sg, &jerr) != E2E_OK)
		why = "it is malformed";
	else if (wire_state_parse(sg.payload, sg.len, &s, &jerr) != E2E_OK)
		why = "its payload is malformed";
	else
		why = state_refusal(rf, &sg, &s);
	if (why) {
		if (client_first_warning(c, "state-refused"))
			security_warn("room %s: ignoring the room state the relay sent: %s", rf->room,
				      why);
	} else if (s.revision > rf->state.revision) {
		*st = roomsync_accept_state(c, rf, &sg, &s);
		taken = *st == ST_OK;
	}
	wire_state_clear(&s);
	wire_signed_clear(&sg);
	return taken;
}

/* A joiner starts from the newest state; a member walks the history from
 * the revision it holds, one signed step at a time, so that each state
 * is signed by an admin of the one before. */
static enum status update_state(struct client *c, struct roomfile *rf)
{
	struct relay_reply r;
	json_t *arr = NULL;
	enum status st;
	bool more = true;

	if (!rf->state.revision) {
		st = relay_state_get(c, rf->room, &r);
		if (st == ST_OK)
			take_state(c, rf, r.body, &st);
		relay_reply_clear(&r);
		if (st != ST_OK || !rf->state.revision)
			return st;
	}
	/* Each page moves the revision on or ends the walk: bounded by what
	 * the admins signed, whatever the relay serves. */
	while (more) {
		uint64_t before = rf->state.revision;

		st = relay_states_get(c, rf->room, before, &arr, &r);
		for (size_t i = 0; st == ST_OK && i < json_array_size(arr); i++)
			if (!take_state(c, rf, json_array_get(arr, i), &st))
				break;
		more = st == ST_OK && rf->state.revision > before &&
		       json_array_size(arr) == E2E_STATES_READ_MAX;
		relay_reply_clear(&r);
	}
	return st;
}

static void open_wrap(struct client *c, struct roomfile *rf, const struct wire_wrap *w)
{
	uint8_t *key = sodium_malloc(E2E_KEY_BYTES);
	struct wire_roomref ref = roomfile_ref(rf);
	const struct wire_member *admin;

	if (!key)
		return;
	if (strcmp(w->member, rf->me) != 0 || roomfile_epoch_key(rf, w->epoch))
		goto out;
	admin = wire_state_admin(&rf->state, w->by);
	if (!admin || !wrap_open(key, w, &ref, c->id, admin))
		security_warn("room %s: the key wrap for epoch %llu is not from an admin or was "
			      "altered; ignored", rf->room, (unsigned long long)w->epoch);
	else if (!roomfile_add_epoch_key(rf, w->epoch, key))
		security_warn("room %s: too many epoch keys held; epoch %llu ignored", rf->room,
			      (unsigned long long)w->epoch);
out:
	sodium_free(key);
}

static enum status fetch_keys(struct client *c, struct roomfile *rf)
{
	struct relay_reply r;
	json_t *arr = NULL;
	json_error_t jerr;
	struct wire_wrap w;
	enum status st = relay_wraps_get(c, rf->room, &arr, &r);

	for (size_t i = 0; st == ST_OK && i < json_array_size(arr); i++) {
		if (wire_wrap_unpack(json_array_get(arr, i), &w, &jerr) != E2E_OK)
			security_warn("room %s: malformed key wrap ignored: %s", rf->room, jerr.text);
		else
			open_wrap(c, rf, &w);
	}
	relay_reply_clear(&r);
	return st;
}

static bool me_admitted(const struct client *c, const struct roomfile *rf)
{
	const struct wire_member *me = wire_state_find(&rf->state, rf->me);

	return me && memcmp(me->sign_pk, c->id->sign_pk, sizeof me->sign_pk) == 0 &&
	       memcmp(me->box_pk, c->id->box_pk, sizeof me->box_pk) == 0 &&
	       roomfile_epoch_key(rf, rf->state.epoch);
}

/* Once per run, before anything of the room is taken: the room the
 * relay describes must be the one joined. Another room id is another
 * room (deleted and created again under its name, or a lie): nothing of
 * it is accepted. Another protocol version is never a silent downgrade.
 * *p: the parameters, for compare_params after the state walk. */
static enum status check_room(struct client *c, struct roomfile *rf, struct wire_room *p,
			      bool *have)
{
	struct relay_reply r;
	json_error_t jerr;
	enum e2e_err e;
	enum status st;

	c->params_checked = true;
	*have = false;
	st = relay_room_get(c, rf->room, &r);
	if (st != ST_OK)
		goto out;
	e = wire_room_unpack(r.body, p, &jerr);
	if (e == E2E_ERR_BAD_VERSION) {
		st = client_fail(c, ST_SECURITY, "room %s on the relay now says it is of another "
				 "protocol version (%s); refused", rf->room, jerr.text);
	} else if (e != E2E_OK) {
		security_warn("room %s: the relay sent invalid room parameters (%s)", rf->room,
			      jerr.text);
	} else if (sodium_memcmp(p->id, rf->room_id, sizeof p->id) != 0) {
		security_warn("room %s on the relay is not the room you joined: its room id "
			      "changed (the room was deleted and created again under its name, or "
			      "the relay lies); nothing of it is accepted. To join the new room, "
			      "move %s away and join again", rf->room, rf->path);
		st = client_fail(c, ST_SECURITY, "room %s was replaced on the relay", rf->room);
	} else {
		*have = true;
	}
out:
	relay_reply_clear(&r);
	return st;
}

/* The salt and limits the relay gives against the newest signed ones
 * (after the walk: a password change since the last run is signed by
 * then). A difference means the relay (or its disk) was tampered with;
 * the keys are already derived, so nothing is derived again. */
static void compare_params(const struct roomfile *rf, const struct wire_room *p)
{
	if (sodium_memcmp(p->salt, rf->salt, sizeof p->salt) == 0 &&
	    p->opslimit == rf->opslimit && p->memlimit == rf->memlimit)
		return;
	security_warn("room %s: the room parameters on the relay differ from the signed ones "
		      "(salt or Argon2id limits now %llu/%llu, signed %llu/%llu)%s; nothing is "
		      "derived from them, your keys stay", rf->room,
		      (unsigned long long)p->opslimit, (unsigned long long)p->memlimit,
		      (unsigned long long)rf->opslimit, (unsigned long long)rf->memlimit,
		      wire_kdf_params_ok(p->opslimit, p->memlimit) ? "" : ", below the floor");
}

enum status roomsync_sync(struct client *c, struct roomfile *rf, bool *admitted)
{
	struct wire_room params;
	bool have_params = false;
	enum status st = ST_OK;

	*admitted = false;
	if (!c->params_checked && rf->opslimit)
		st = check_room(c, rf, &params, &have_params);
	if (st == ST_OK)
		st = update_state(c, rf);
	if (st == ST_OK && have_params)
		compare_params(rf, &params);
	if (st == ST_OK && wire_state_find(&rf->state, rf->me) &&
	    !roomfile_epoch_key(rf, rf->state.epoch))
		st = fetch_keys(c, rf);
	if (st == ST_OK)
		take_admission(rf);
	if (st == ST_OK)
		st = roomfile_save(rf, c->err, sizeof c->err);
	*admitted = st == ST_OK && me_admitted(c, rf);
	return st;
}
