/* creator.c - admission, removal and epochs (see creator.h); the
 * requests go through relay.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "creator.h"
#include "fingerprint.h"
#include "messages.h"
#include "relay.h"
#include "roomsync.h"
#include "sign.h"
#include "transcript.h"
#include "wrap.h"

/* The next state and what changed from the current one. */
struct plan {
	struct wire_state next; /* members and former are malloc'd */
	size_t first_new;       /* next.members[first_new..]: admitted now */
	size_t first_dropped;   /* next.former[first_dropped..]: dropped now */
	bool rotate;
};

bool creator_is_me(const struct roomfile *rf)
{
	return strcmp(rf->creator.name, rf->me) == 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool is_approved(const struct creator_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_approved; i++)
		if (strcmp(req->approved[i], name) == 0)
			return true;
	return false;
}

/* Once per process and member: a key like "?bob" never clashes with a
 * name, since names start with a letter or digit. */
static bool first_time(struct client *c, const char *prefix, const char *name)
{
	char key[E2E_MEMBER_NAME_MAX + 2];

	snprintf(key, sizeof key, "%s%s", prefix, name);
	return client_first_warning(c, key);
}

/* The relay lists a member of the signed state with other keys. */
static void warn_replaced(const struct roomfile *rf, const struct wire_member *trusted,
			  const struct wire_member *listed)
{
	char old_fp[FINGERPRINT_LEN] = "?", new_fp[FINGERPRINT_LEN] = "?";

	fingerprint_member(old_fp, trusted);
	fingerprint_member(new_fp, listed);
	security_warn("room %s: the relay lists %s with keys other than the admitted ones "
		      "(fingerprint %s, listed %s); refused, the admitted keys stay", rf->room,
		      listed->name, old_fp, new_fp);
}

static bool admissible(struct client *c, const struct roomfile *rf,
		       const struct creator_request *req, const struct listed_member *m)
{
	/* Whatever the relay calls the others (pending, or "admitted" without
	 * being in the signed state), only the admission MAC counts. */
	if (m->in_state || m->relay_status == WIRE_REMOVED)
		return false;
	if (wire_state_find(&rf->state, m->rec.name)) { /* a member, other keys listed */
		if (first_time(c, "!", m->rec.name))
			warn_replaced(rf, wire_state_find(&rf->state, m->rec.name), &m->rec);
		return false;
	}
	if (!m->keys_ok) {
		if (first_time(c, "!", m->rec.name))
			security_warn("room %s: %s's public keys are unusable (all zero or of small "
				      "order); not admitted", rf->room, m->rec.name);
		return false;
	}
	if (!m->mac_ok) {
		if (first_time(c, "!", m->rec.name))
			security_warn("room %s: %s's keys carry no valid admission MAC (not made "
				      "with the room password); not admitted", rf->room, m->rec.name);
		return false;
	}
	if (rf->settings.approve && !is_approved(req, m->rec.name)) {
		if (req->notice && first_time(c, "?", m->rec.name))
			req->notice(req->ctx, CREATOR_WAITING, &m->rec);
		return false;
	}
	return true;
}

static const struct listed_member *listed(const struct listed_member *list, size_t n,
					  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].rec.name, name) == 0)
			return &list[i];
	return NULL;
}

static bool schedule_due(const struct creator_settings *s)
{
	return (s->rotate_messages && s->epoch_messages >= s->rotate_messages) ||
	       (s->rotate_seconds && s->epoch_started_ms &&
		now_ms() - s->epoch_started_ms >= (int64_t)s->rotate_seconds * 1000);
}

/* A member the relay calls removed leaves the signed state only if this
 * creator removed it or it signed a leave: the relay's word alone could
 * be a lie to push members out. */
static bool departure_vouched(struct client *c, const struct roomfile *rf, const char *name)
{
	if (roomfile_departed(rf, name))
		return true;
	if (first_time(c, "-", name))
		security_warn("room %s: the relay says %s left or was removed, but %s signed no leave "
			      "and you did not remove them; %s stays in the room", rf->room, name,
			      name, name);
	return false;
}

/* Members stay unless they departed (above; the creator stays always);
 * the admissible pending ones join them. */
static bool plan_members(struct client *c, const struct roomfile *rf,
			 const struct creator_request *req, const struct listed_member *list,
			 size_t n, struct plan *p)
{
	const struct wire_state *cur = &rf->state;
	struct wire_state *next = &p->next;

	*next = *cur;
	next->members = calloc(cur->n_members + n + 1, sizeof *next->members);
	next->former = calloc(cur->n_former + cur->n_members + 1, sizeof *next->former);
	next->n_members = 0;
	if (!next->members || !next->former)
		return false;
	if (cur->n_former) /* memcpy from NULL is undefined, even for 0 bytes */
		memcpy(next->former, cur->former, cur->n_former * sizeof *next->former);
	p->first_dropped = cur->n_former;
	for (size_t i = 0; i < cur->n_members; i++) {
		const struct wire_member *m = &cur->members[i];
		const struct listed_member *l = listed(list, n, m->name);

		if (l && l->relay_status == WIRE_REMOVED && strcmp(m->name, cur->creator) != 0 &&
		    departure_vouched(c, rf, m->name))
			next->former[next->n_former++] = (struct wire_former){*m, cur->epoch};
		else
			next->members[next->n_members++] = *m;
	}
	p->first_new = next->n_members;
	for (size_t i = 0; i < n && next->n_members < E2E_ROOM_MEMBERS_MAX; i++)
		if (admissible(c, rf, req, &list[i]))
			next->members[next->n_members++] = list[i].rec;
	return true;
}

static bool add_wrap(json_t *wraps, const struct roomfile *rf, uint64_t epoch,
		     const struct wire_member *to, const struct identity *id)
{
	const uint8_t *key = roomfile_epoch_key(rf, epoch);
	struct wire_wrap w;

	return key && wrap_seal(&w, rf->room, epoch, key, to, id) &&
	       json_array_append_new(wraps, wire_wrap_pack(&w)) == 0;
}

/* Every member gets the new epoch's key when it rotates; a newcomer in a
 * "shared" room also gets every older key. ("joined" rooms always rotate
 * on admission, so a newcomer there never needs an older key.) */
static json_t *plan_wraps(struct client *c, const struct roomfile *rf, const struct plan *p)
{
	const struct wire_state *next = &p->next;
	json_t *wraps = json_array();
	bool ok = wraps != NULL;

	for (size_t i = 0; ok && i < next->n_members; i++) {
		const struct wire_member *m = &next->members[i];

		if (p->rotate)
			ok = add_wrap(wraps, rf, next->epoch, m, c->id);
		for (size_t k = 0; ok && i >= p->first_new && next->history == WIRE_HISTORY_SHARED &&
				   k < rf->sec->n_keys; k++)
			if (rf->sec->keys[k].epoch <= rf->state.epoch)
				ok = add_wrap(wraps, rf, rf->sec->keys[k].epoch, m, c->id);
	}
	if (!ok) {
		json_decref(wraps);
		wraps = NULL;
	}
	return wraps;
}

static bool new_epoch_key(struct roomfile *rf, uint64_t epoch)
{
	uint8_t *key = sodium_malloc(E2E_KEY_BYTES);
	bool ok = key != NULL;

	if (ok) {
		randombytes_buf(key, E2E_KEY_BYTES);
		ok = roomfile_add_epoch_key(rf, epoch, key);
	}
	sodium_free(key);
	return ok;
}

/* Sign, post, and on success make the plan the trusted state. */
static enum status post_plan(struct client *c, struct roomfile *rf, struct plan *p)
{
	uint8_t *payload = NULL, sig[E2E_SIG_BYTES];
	size_t len = 0;
	json_t *wraps = NULL, *req = NULL;
	struct relay_reply r = {.err = E2E_ERR__COUNT};
	struct wire_state accepted = {0};
	json_error_t jerr;
	enum status st = client_fail(c, ST_ERROR, "cannot build the new room state");

	if ((p->rotate && !new_epoch_key(rf, p->next.epoch)) ||
	    !(payload = wire_state_build(&p->next, &len)) ||
	    !sign_transcript(sig, c->id->sign_sk, transcript_state(payload, len)) ||
	    !(wraps = plan_wraps(c, rf, p)) ||
	    !(req = json_pack("{s:o, s:O}", "state", wire_signed_pack(payload, len, sig),
			      "wraps", wraps)) ||
	    wire_state_parse(payload, len, &accepted, &jerr) != E2E_OK)
		goto out;
	st = relay_state_post(c, rf->room, req, &r);
	if (st != ST_OK)
		goto out;
	st = roomsync_accept_state(c, rf, payload, len, sig, &accepted);
	payload = NULL;
	if (st != ST_OK)
		goto out;
	for (size_t i = p->first_dropped; i < p->next.n_former; i++)
		roomfile_forget_departure(rf, p->next.former[i].m.name);
	if (p->rotate) {
		rf->settings.epoch_started_ms = now_ms();
		rf->settings.epoch_messages = 0;
	}
	st = roomfile_save(rf, c->err, sizeof c->err);
out:
	wire_state_clear(&accepted);
	relay_reply_clear(&r);
	json_decref(req);
	json_decref(wraps);
	free(payload);
	return st;
}

static void tell(const struct creator_request *req, const struct plan *p)
{
	for (size_t i = p->first_dropped; req->notice && i < p->next.n_former; i++)
		req->notice(req->ctx, CREATOR_DROPPED, &p->next.former[i].m);
	for (size_t i = p->first_new; req->notice && i < p->next.n_members; i++)
		req->notice(req->ctx, CREATOR_ADMITTED, &p->next.members[i]);
}

enum status creator_step(struct client *c, struct roomfile *rf,
			 const struct creator_request *req, bool *rotated)
{
	struct listed_member *list = NULL;
	struct plan p = {0};
	size_t n = 0;
	bool added, dropped;
	enum status st;

	*rotated = false;
	if (!creator_is_me(rf))
		return client_fail(c, ST_USAGE, "only the room's creator (%s) can do this",
				   rf->creator.name);
	/* New messages: signed leaves, and the count for the schedule (the
	 * caller's read, if it made one, has counted them already). */
	if (!req->messages_read &&
	    (st = messages_fetch(c, rf, NULL)) != ST_OK)
		return st;
	if ((st = roomsync_members(c, rf, &list, &n)) != ST_OK)
		return st;
	if (!plan_members(c, rf, req, list, n, &p)) {
		st = client_fail(c, ST_ERROR, "out of memory");
		goto out;
	}
	added = p.next.n_members > p.first_new;
	dropped = p.next.n_former > p.first_dropped;
	p.rotate = req->rotate || dropped || (added && p.next.history == WIRE_HISTORY_JOINED) ||
		   schedule_due(&rf->settings);
	if (!added && !dropped && !p.rotate)
		goto out;
	p.next.revision++;
	p.next.epoch += p.rotate;
	if ((st = post_plan(c, rf, &p)) == ST_OK) {
		*rotated = p.rotate;
		tell(req, &p);
	}
out:
	free(p.next.members);
	free(p.next.former);
	free(list);
	return st;
}

enum status creator_remove(struct client *c, struct roomfile *rf, const char *name)
{
	struct relay_reply r;
	enum status st;

	/* here, so that `kick` and the chat's /kick and /deny say the same */
	if (!creator_is_me(rf))
		return client_fail(c, ST_USAGE, "only the room's creator (%s) removes members",
				   rf->creator.name);
	/* Recorded first, so the next step drops the member even if this
	 * process dies right after the relay removed it. */
	if (!roomfile_depart(rf, name) || roomfile_save(rf, c->err, sizeof c->err) != ST_OK)
		return client_fail(c, ST_ERROR, "cannot record the removal of %s", name);
	st = relay_member_remove(c, rf->room, name, &r);
	relay_reply_clear(&r);
	return st;
}
