/* admin.c - an admin's duties (see admin.h); the requests go through
 * relay.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "fingerprint.h"
#include "messages.h"
#include "relay.h"
#include "roomkey.h"
#include "roomsync.h"
#include "sign.h"
#include "transcript.h"
#include "wrap.h"

struct admin_password {
	struct wire_access access;
	struct roomkey *key; /* sodium_malloc'd: the new admission key */
};

/* The next state and what changed from the current one. */
struct plan {
	struct wire_state next; /* members, former and banned are malloc'd */
	size_t first_new;       /* next.members[first_new..]: admitted now */
	size_t first_dropped;   /* next.former[first_dropped..]: dropped now */
	bool rotate;
	bool changed;           /* anything besides members: bans, admins, access */
};

static bool same_keys(const struct wire_member *a, const struct wire_member *b)
{
	return memcmp(a->sign_pk, b->sign_pk, sizeof a->sign_pk) == 0 &&
	       memcmp(a->box_pk, b->box_pk, sizeof a->box_pk) == 0;
}

bool admin_is_me(const struct client *c, const struct roomfile *rf)
{
	const struct wire_member *me = wire_state_admin(&rf->state, rf->me);

	return me && memcmp(me->sign_pk, c->id->sign_pk, sizeof me->sign_pk) == 0 &&
	       memcmp(me->box_pk, c->id->box_pk, sizeof me->box_pk) == 0;
}

static bool is_approved(const struct admin_request *req, const char *name)
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

/* Once per process and identity (name and keys): someone who comes back
 * under a name with new keys is told about again. */
static bool first_time_keys(struct client *c, const char *prefix, const struct wire_member *m)
{
	char key[E2E_MEMBER_NAME_MAX + 24];

	snprintf(key, sizeof key, "%s%s/%02x%02x%02x%02x%02x%02x%02x%02x", prefix, m->name,
		 m->sign_pk[0], m->sign_pk[1], m->sign_pk[2], m->sign_pk[3], m->sign_pk[4],
		 m->sign_pk[5], m->sign_pk[6], m->sign_pk[7]);
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

/* A pending member with a valid MAC that is not admitted now: banned
 * (told once), or removed by this client and not yet signed out. */
static bool refused_quietly(struct client *c, const struct roomfile *rf,
			    const struct listed_member *m)
{
	const struct wire_member *ban = wire_state_banned(&rf->state, &m->rec);
	char fp[FINGERPRINT_LEN] = "?";

	if (ban) {
		fingerprint_member(fp, &m->rec);
		if (first_time_keys(c, "#", &m->rec))
			fprintf(stderr, "room %s: %s (fingerprint %s) is banned (as %s); not "
				"admitted. To let them back: e2e-chat unban %s %s\n", rf->room,
				m->rec.name, fp, ban->name, rf->room, ban->name);
		return true;
	}
	/* a kick this client recorded: the person stays out under that name
	 * until the removal is signed (then the ban, or nothing, decides) */
	return roomfile_departed(rf, m->rec.name) != NULL;
}

static bool admissible(struct client *c, const struct roomfile *rf,
		       const struct admin_request *req, const struct listed_member *m)
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
	if (refused_quietly(c, rf, m))
		return false;
	if (rf->settings.approve && !is_approved(req, m->rec.name)) {
		if (req->notice && first_time_keys(c, "?", &m->rec))
			req->notice(req->ctx, ADMIN_WAITING, &m->rec);
		return false;
	}
	return true;
}

static bool schedule_due(const struct creator_settings *s)
{
	return (s->rotate_messages && s->epoch_messages >= s->rotate_messages) ||
	       (s->rotate_seconds && s->epoch_started_ms &&
		client_now_ms() - s->epoch_started_ms >= (int64_t)s->rotate_seconds * 1000);
}

/* The recorded departure of this very membership (same signing key), or
 * NULL. The relay's "removed" alone is never one: it could be a lie to
 * push members out, so it is reported and the member stays. */
static const struct departure *departure_of(struct client *c, const struct roomfile *rf,
					    const struct wire_member *m,
					    const struct listed_member *l)
{
	const struct departure *d = roomfile_departed(rf, m->name);

	if (d && memcmp(d->sign_pk, m->sign_pk, sizeof d->sign_pk) == 0)
		return d;
	if (l && l->relay_status == WIRE_REMOVED && first_time(c, "-", m->name))
		security_warn("room %s: the relay says %s left or was removed, but %s signed no leave "
			      "and no admin's client here removed them; %s stays in the room",
			      rf->room, m->name, m->name, m->name);
	return NULL;
}

static bool ban(struct plan *p, const struct wire_member *m)
{
	struct wire_state *next = &p->next;

	if (wire_state_banned(next, m))
		return true;
	if (next->n_banned >= E2E_BANS_MAX)
		return false;
	next->banned[next->n_banned] = *m;
	next->banned[next->n_banned].admin = false;
	next->banned[next->n_banned++].since = 0;
	p->changed = true;
	return true;
}

static bool plan_alloc(struct plan *p, const struct wire_state *cur, size_t n_listed)
{
	struct wire_state *next = &p->next;

	*next = *cur;
	next->members = calloc(cur->n_members + n_listed + 1, sizeof *next->members);
	next->former = calloc(cur->n_former + cur->n_members + 1, sizeof *next->former);
	next->banned = calloc(E2E_BANS_MAX, sizeof *next->banned);
	next->n_members = 0;
	if (!next->members || !next->former || !next->banned)
		return false;
	/* memcpy from NULL is undefined, even for 0 bytes */
	if (cur->n_former)
		memcpy(next->former, cur->former, cur->n_former * sizeof *next->former);
	if (cur->n_banned)
		memcpy(next->banned, cur->banned, cur->n_banned * sizeof *next->banned);
	return true;
}

/* Members stay unless their membership departed (an admin never drops
 * itself here: it leaves through membership_leave); the admissible
 * pending ones join them. */
static bool plan_members(struct client *c, const struct roomfile *rf,
			 const struct admin_request *req, const struct listed_member *list,
			 size_t n, struct plan *p)
{
	const struct wire_state *cur = &rf->state;
	struct wire_state *next = &p->next;

	if (!plan_alloc(p, cur, n))
		return false;
	p->first_dropped = cur->n_former;
	for (size_t i = 0; i < cur->n_members; i++) {
		const struct wire_member *m = &cur->members[i];
		const struct departure *d = strcmp(m->name, rf->me) == 0
						    ? NULL
						    : departure_of(c, rf, m, roomsync_listed(list, n, m->name));

		if (!d) {
			next->members[next->n_members++] = *m;
			continue;
		}
		next->former[next->n_former++] = (struct wire_former){*m, cur->epoch};
		if (d->ban && !ban(p, m))
			return false;
	}
	p->first_new = next->n_members;
	for (size_t i = 0; i < n && next->n_members < E2E_ROOM_MEMBERS_MAX; i++)
		if (admissible(c, rf, req, &list[i])) {
			next->members[next->n_members] = list[i].rec;
			next->members[next->n_members].admin = false;
			memset(next->members[next->n_members++].mac, 0, E2E_MAC_BYTES);
		}
	return true;
}

static bool plan_unban(struct plan *p, const struct wire_member *keys)
{
	struct wire_state *next = &p->next;

	for (size_t i = 0; i < next->n_banned; i++)
		if (same_keys(&next->banned[i], keys)) {
			memmove(&next->banned[i], &next->banned[i + 1],
				(next->n_banned - i - 1) * sizeof next->banned[0]);
			next->n_banned--;
			p->changed = true;
			return true;
		}
	return false;
}

/* The user's own changes on top of the members: unban, admins, password. */
static enum status plan_changes(struct client *c, const struct roomfile *rf,
				const struct admin_request *req, struct plan *p)
{
	struct wire_member *m = NULL;

	if (req->unban && !plan_unban(p, req->unban))
		return client_fail(c, ST_USAGE, "%s is not banned", req->unban->name);
	for (size_t i = 0; req->admin_name && i < p->next.n_members; i++)
		if (strcmp(p->next.members[i].name, req->admin_name) == 0)
			m = &p->next.members[i];
	if (req->admin_name && !m)
		return client_fail(c, ST_USAGE, "%s is not a member of the room", req->admin_name);
	if (m && strcmp(m->name, rf->me) == 0 && req->admin_remove)
		return client_fail(c, ST_USAGE, "you cannot drop yourself as an admin; another "
				   "admin can, or you can leave the room");
	if (m && m->admin != !req->admin_remove) {
		m->admin = !req->admin_remove;
		p->changed = true;
	}
	if (req->password) {
		p->next.access = req->password->access;
		p->changed = true;
	}
	return ST_OK;
}

static bool add_wrap(json_t *wraps, const struct roomfile *rf, uint64_t epoch,
		     const struct wire_member *to, const struct identity *id)
{
	const uint8_t *key = roomfile_epoch_key(rf, epoch);
	struct wire_roomref ref = roomfile_ref(rf);
	struct wire_wrap w;

	return key && wrap_seal(&w, &ref, epoch, key, to, rf->me, id) &&
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

/* Sign the plan: the admin's signature, and the admission MAC under the
 * room's current admission key (the new one on a password change, whose
 * box lets the other admins learn it). */
static bool sign_plan(struct client *c, struct roomfile *rf, struct plan *p,
		      const struct admin_request *req, struct wire_signed *sg)
{
	const struct roomkey *mac_key = req->password ? req->password->key : NULL;
	struct roomkey *own = NULL;
	const uint8_t *session = roomfile_epoch_key(rf, rf->state.epoch);
	bool ok;

	if (req->password && (!session || !roomkey_admission_seal(mac_key, &p->next.admission,
								  rf->state.epoch, session)))
		return false;
	if (!mac_key) {
		own = roomkey_from_subkeys(rf->sec->access_seed, rf->sec->admission);
		mac_key = own;
	}
	sg->payload = wire_state_build(&p->next, &sg->len);
	ok = mac_key && sg->payload &&
	     sign_transcript(sg->sig, c->id->sign_sk, transcript_state(sg->payload, sg->len)) &&
	     roomkey_state_mac(mac_key, sg);
	roomkey_free(own);
	return ok;
}

/* The relay took the state: does it serve it? A relay that says yes and
 * goes on serving the old state has not removed anyone. (Read as the
 * history after the revision before it, so that another admin's state
 * right after it is no false alarm.) */
static enum status check_served(struct client *c, struct roomfile *rf,
				const struct wire_signed *sg, uint64_t revision)
{
	struct relay_reply r;
	struct wire_signed served = {0};
	json_t *arr = NULL;
	json_error_t jerr;
	enum status st = relay_states_get(c, rf->room, revision - 1, &arr, &r);

	if (st == ST_OK &&
	    (json_array_size(arr) == 0 ||
	     wire_signed_unpack(json_array_get(arr, 0), &served, &jerr) != E2E_OK ||
	     served.len != sg->len || memcmp(served.payload, sg->payload, sg->len) != 0))
		st = client_fail(c, ST_SECURITY, "the relay took room state revision %llu but "
				 "does not serve it", (unsigned long long)revision);
	wire_signed_clear(&served);
	relay_reply_clear(&r);
	return st;
}

/* Sign, post, check that the relay serves it, and only then make the
 * plan the trusted state. */
static enum status post_plan(struct client *c, struct roomfile *rf, struct plan *p,
			     const struct admin_request *req)
{
	struct wire_signed sg = {0};
	json_t *wraps = NULL, *body = NULL;
	struct relay_reply r = {.err = E2E_ERR__COUNT};
	struct wire_state accepted = {0};
	json_error_t jerr;
	enum status st = client_fail(c, ST_ERROR, "cannot build the new room state");

	/* a key of this epoch held already is one this client made for a
	 * state that never took: not reused (dropped below on failure) */
	if (p->rotate && roomfile_epoch_key(rf, p->next.epoch))
		roomfile_drop_epoch_key(rf, p->next.epoch);
	if (p->rotate && !new_epoch_key(rf, p->next.epoch))
		goto out;
	if (!sign_plan(c, rf, p, req, &sg))
		goto out;
	wraps = plan_wraps(c, rf, p);
	body = wraps ? json_pack("{s:o, s:O}", "state", wire_signed_pack(&sg), "wraps", wraps)
		     : NULL;
	if (!body || wire_state_parse(sg.payload, sg.len, &accepted, &jerr) != E2E_OK)
		goto out;
	st = relay_state_post(c, rf->room, body, &r);
	if (st == ST_OK)
		st = check_served(c, rf, &sg, p->next.revision);
	if (st != ST_OK)
		goto out;
	st = roomsync_accept_state(c, rf, &sg, &accepted);
	if (st != ST_OK)
		goto out;
	for (size_t i = p->first_dropped; i < p->next.n_former; i++)
		roomfile_forget_departure(rf, p->next.former[i].m.name);
	if (req->password)
		memcpy(rf->sec->admission, req->password->key->admission, E2E_KEY_BYTES);
	if (p->rotate) {
		rf->settings.epoch_started_ms = client_now_ms();
		rf->settings.epoch_messages = 0;
	}
	st = roomfile_save(rf, c->err, sizeof c->err);
out:
	if (st != ST_OK && p->rotate && rf->state.epoch < p->next.epoch)
		roomfile_drop_epoch_key(rf, p->next.epoch);
	wire_state_clear(&accepted);
	wire_signed_clear(&sg);
	relay_reply_clear(&r);
	json_decref(body);
	json_decref(wraps);
	if (st != ST_OK && r.err == E2E_ERR_STALE)
		st = ST_OK; /* another admin's state came first: sign on top of it next step */
	return st;
}

static void tell(const struct admin_request *req, const struct plan *p)
{
	for (size_t i = p->first_dropped; req->notice && i < p->next.n_former; i++)
		req->notice(req->ctx, ADMIN_DROPPED, &p->next.former[i].m);
	for (size_t i = p->first_new; req->notice && i < p->next.n_members; i++)
		req->notice(req->ctx, ADMIN_ADMITTED, &p->next.members[i]);
}

static void plan_clear(struct plan *p)
{
	free(p->next.members);
	free(p->next.former);
	free(p->next.banned);
	memset(p, 0, sizeof *p);
}

enum status admin_step(struct client *c, struct roomfile *rf, const struct admin_request *req,
		       bool *changed, bool *rotated)
{
	struct listed_member *list = NULL;
	struct plan p = {0};
	size_t n = 0;
	bool added, dropped;
	enum status st = ST_OK;

	*changed = *rotated = false;
	if (!admin_is_me(c, rf))
		return client_fail(c, ST_USAGE, "only an admin of room %s can do this", rf->room);
	/* New messages: signed leaves, and the count for the schedule (the
	 * caller's read, if it made one, has counted them already). */
	if (!req->messages_read)
		st = messages_fetch(c, rf, NULL);
	if (st == ST_OK)
		st = roomsync_members(c, rf, &list, &n);
	if (st != ST_OK)
		return st;
	st = plan_members(c, rf, req, list, n, &p) ? plan_changes(c, rf, req, &p)
						   : client_fail(c, ST_ERROR, "out of memory");
	if (st != ST_OK)
		goto out;
	added = p.next.n_members > p.first_new;
	dropped = p.next.n_former > p.first_dropped;
	p.rotate = req->rotate || dropped || (added && p.next.history == WIRE_HISTORY_JOINED) ||
		   schedule_due(&rf->settings);
	if (!added && !dropped && !p.rotate && !p.changed)
		goto out;
	p.next.revision++;
	p.next.epoch += p.rotate;
	snprintf(p.next.by, sizeof p.next.by, "%s", rf->me);
	for (size_t i = p.first_new; i < p.next.n_members; i++)
		p.next.members[i].since = p.next.epoch;
	st = post_plan(c, rf, &p, req);
	if (st == ST_OK && rf->state.revision == p.next.revision) {
		*changed = true;
		*rotated = p.rotate;
		tell(req, &p);
	}
out:
	plan_clear(&p);
	free(list);
	return st;
}

enum status admin_remove(struct client *c, struct roomfile *rf, const char *name, bool ban)
{
	const struct wire_member *m = wire_state_find(&rf->state, name);
	struct departure d = {.ban = ban};
	struct relay_reply r;
	enum status st;

	/* here, so that `kick` and the chat's /kick and /deny say the same */
	if (!admin_is_me(c, rf))
		return client_fail(c, ST_USAGE, "only an admin of room %s removes members",
				   rf->room);
	if (strcmp(name, rf->me) == 0)
		return client_fail(c, ST_USAGE, "to remove yourself, leave the room");
	if (!m) { /* pending: decline it on the relay, nothing to sign */
		st = relay_member_remove(c, rf->room, name, &r);
		relay_reply_clear(&r);
		return st;
	}
	/* Recorded first: every later step drops the member until a served
	 * state does, whatever the relay answers meanwhile. */
	snprintf(d.name, sizeof d.name, "%s", name);
	memcpy(d.sign_pk, m->sign_pk, sizeof d.sign_pk);
	if (!roomfile_depart(rf, &d) || roomfile_save(rf, c->err, sizeof c->err) != ST_OK)
		return client_fail(c, ST_ERROR, "cannot record the removal of %s", name);
	return ST_OK;
}

struct admin_password *admin_new_password(const char *password, size_t len)
{
	struct admin_password *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	randombytes_buf(p->access.salt, sizeof p->access.salt);
	p->access.opslimit = E2E_KDF_OPS_MIN;
	p->access.memlimit = E2E_KDF_MEM_MIN;
	p->key = roomkey_derive(password, len, p->access.salt, p->access.opslimit,
				p->access.memlimit);
	if (!p->key) {
		free(p);
		return NULL;
	}
	memcpy(p->access.access_pk, p->key->access_pk, sizeof p->access.access_pk);
	return p;
}

void admin_password_free(struct admin_password *p)
{
	if (!p)
		return;
	roomkey_free(p->key);
	free(p);
}
