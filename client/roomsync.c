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

enum status roomsync_members(struct client *c, struct roomfile *rf,
			     struct listed_member **list, size_t *n)
{
	struct relay_reply r;
	struct roomkey *k = roomkey_from_subkeys(rf->sec->access_seed, rf->sec->admission);
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
		m->mac_ok = k && roomkey_member_mac_ok(k, rf->room, &m->rec);
		/* Keys of the signed state were checked when it was accepted
		 * (state_refusal): only the others cost an X25519 here. */
		m->keys_ok = m->in_state || verify_member_keys(&m->rec);
		m->in_state = in_state(rf, &m->rec);
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

/* Members accept the creator's keys only with a valid admission MAC: a
 * relay without the password cannot substitute its own. */
static enum status pin_creator(struct client *c, struct roomfile *rf)
{
	struct listed_member *list = NULL;
	size_t n = 0;
	enum status st = roomsync_members(c, rf, &list, &n);

	for (size_t i = 0; st == ST_OK && i < n; i++) {
		if (strcmp(list[i].rec.name, rf->creator.name) != 0)
			continue;
		if (!list[i].mac_ok || !list[i].keys_ok) {
			security_warn("the keys the relay lists for room creator %s carry no valid "
				      "admission MAC or are unusable; not trusting them",
				      rf->creator.name);
			st = client_fail(c, ST_SECURITY, "cannot verify the room creator");
			break;
		}
		rf->creator = list[i].rec;
		rf->creator_pinned = true;
	}
	free(list);
	if (st == ST_OK && !rf->creator_pinned)
		st = client_fail(c, ST_ERROR, "the relay does not list the room creator %s",
				 rf->creator.name);
	return st;
}

/* Why a state the relay served is not acceptable, or NULL if it is. */
static const char *state_refusal(const struct roomfile *rf, const struct wire_state *s,
				 const uint8_t *payload, size_t len)
{
	const struct wire_member *creator = wire_state_find(s, rf->creator.name);

	if (strcmp(s->room, rf->room) != 0 || strcmp(s->creator, rf->creator.name) != 0)
		return "it is for another room or creator";
	if (!creator || !same_keys(creator, &rf->creator))
		return "it does not list the creator's pinned keys";
	for (size_t i = 0; i < s->n_members; i++)
		if (!verify_member_keys(&s->members[i]))
			return "it lists a member with unusable keys";
	if (s->revision < rf->state.revision || s->epoch < rf->state.epoch)
		return "it is older than the state already accepted (rollback)";
	if (s->revision == rf->state.revision &&
	    (len != rf->state_len || memcmp(payload, rf->state_payload, len) != 0))
		return "it differs from the accepted state of the same revision";
	return NULL;
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

enum status roomsync_accept_state(struct client *c, struct roomfile *rf, uint8_t *payload,
				  size_t len, const uint8_t sig[E2E_SIG_BYTES], struct wire_state *s)
{
	int64_t room_id;
	enum status st = messages_room(c, rf, &room_id);

	if (st == ST_OK &&
	    !store_add_state(c->store, room_id, s->revision, s->epoch, payload, len, sig))
		st = client_store_fail(c);
	remember_keys(rf, s);
	roomfile_set_state(rf, payload, len, sig, s);
	return st;
}

static enum status update_state(struct client *c, struct roomfile *rf)
{
	struct relay_reply r;
	uint8_t *payload = NULL, sig[E2E_SIG_BYTES];
	size_t len = 0;
	struct wire_state s = {0};
	json_error_t jerr;
	const char *why = NULL;
	enum status st = relay_state_get(c, rf->room, &r);

	if (st != ST_OK)
		goto out;
	if (wire_signed_unpack(r.body, &payload, &len, sig, &jerr) != E2E_OK)
		why = "it is malformed";
	else if (!verify_state(sig, rf->creator.sign_pk, payload, len))
		why = "the creator's signature does not verify";
	else if (wire_state_parse(payload, len, &s, &jerr) != E2E_OK)
		why = "its payload is malformed";
	else
		why = state_refusal(rf, &s, payload, len);
	if (why) {
		security_warn("room %s: ignoring the room state the relay sent: %s", rf->room, why);
	} else if (s.revision > rf->state.revision) {
		st = roomsync_accept_state(c, rf, payload, len, sig, &s);
		payload = NULL;
	}
out:
	wire_state_clear(&s);
	free(payload);
	relay_reply_clear(&r);
	return st;
}

static void open_wrap(struct client *c, struct roomfile *rf, const struct wire_wrap *w)
{
	uint8_t *key = sodium_malloc(E2E_KEY_BYTES);

	if (!key)
		return;
	if (strcmp(w->member, rf->me) != 0 || roomfile_epoch_key(rf, w->epoch))
		goto out;
	if (!wrap_open(key, w, rf->room, c->id, &rf->creator))
		security_warn("room %s: the key wrap for epoch %llu is not from the creator or was "
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

/* The salt and Argon2id limits the relay gives now against those this
 * member joined with. The keys are already derived, so nothing is derived
 * again; a change means the relay (or its disk) was tampered with. */
static enum status check_params(struct client *c, struct roomfile *rf)
{
	struct relay_reply r;
	struct wire_room p = {0};
	json_error_t jerr;
	enum status st;

	c->params_checked = true;
	st = relay_room_get(c, rf->room, &r);
	if (st != ST_OK)
		goto out;
	if (wire_room_unpack(r.body, &p, &jerr) != E2E_OK ||
	    sodium_memcmp(p.salt, rf->salt, sizeof p.salt) != 0 || p.opslimit != rf->opslimit ||
	    p.memlimit != rf->memlimit)
		security_warn("room %s: the room parameters changed on the relay (salt or Argon2id "
			      "limits now %llu/%llu, joined with %llu/%llu)%s; nothing is derived from "
			      "them, your keys stay", rf->room, (unsigned long long)p.opslimit,
			      (unsigned long long)p.memlimit, (unsigned long long)rf->opslimit,
			      (unsigned long long)rf->memlimit,
			      wire_kdf_params_ok(p.opslimit, p.memlimit) ? "" : ", below the floor");
out:
	relay_reply_clear(&r);
	return st;
}

enum status roomsync_sync(struct client *c, struct roomfile *rf, bool *admitted)
{
	enum status st = ST_OK;

	*admitted = false;
	if (!c->params_checked && rf->opslimit)
		st = check_params(c, rf);
	if (st == ST_OK && !rf->creator_pinned)
		st = pin_creator(c, rf);
	if (st == ST_OK)
		st = update_state(c, rf);
	if (st == ST_OK && wire_state_find(&rf->state, rf->me) &&
	    !roomfile_epoch_key(rf, rf->state.epoch))
		st = fetch_keys(c, rf);
	if (st == ST_OK)
		st = roomfile_save(rf, c->err, sizeof c->err);
	*admitted = st == ST_OK && me_admitted(c, rf);
	return st;
}
