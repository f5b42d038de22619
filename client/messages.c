/* messages.c - fetching into the store (checking every message with
 * the room model, room.h), showing from the store, and long-polling for
 * news. Sending is outbox.c's. */
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "fetchcursor.h"
#include "messages.h"
#include "msg.h"
#include "relay.h"
#include "room.h"
#include "roomsync.h"
#include "store.h"

enum status messages_room(struct client *c, const struct roomfile *rf, int64_t *room_id)
{
	return store_room(c->store, c->relay_url, rf->room, room_id) ? ST_OK : client_store_fail(c);
}

enum status messages_forget(struct client *c, const struct roomfile *rf)
{
	int64_t id;
	enum status st = messages_room(c, rf, &id);

	if (st == ST_OK && !store_room_reset(c->store, id))
		st = client_store_fail(c);
	return st;
}

/* ---- fetching into the store ---- */

/* The SECURITY: or plain line for a verdict (room.h); false if the
 * message must not be shown. */
static bool report(const char *room, const struct wire_msg *m, const struct room_result *r)
{
	switch (r->verdict) {
	case ROOM_SHOWN:
	case ROOM_LEAVE:
	case ROOM_EARLIER: /* told once, in one line (tell_earlier) */
		return true;
	case ROOM_NO_KEY:
		fprintf(stderr, "e2e-chat: room %s: message %" PRIu64 " is for epoch %" PRIu64
			", whose key you were not given; not shown\n", room, m->seq, m->epoch);
		return true;
	case ROOM_NOT_MEMBER:
		security_warn("room %s: message %" PRIu64 " claims to be from %s, who was not a "
			      "member at epoch %" PRIu64 " in the signed room state; not "
			      "shown", room, m->seq, m->sender, m->epoch);
		return false;
	case ROOM_FORGED:
		security_warn("room %s: message %" PRIu64 " from %s: %s; not shown", room, m->seq,
			      m->sender, msg_result_str(r->why));
		return false;
	case ROOM_REPLAY:
		security_warn("room %s: message %" PRIu64 " from %s repeats or reorders counter %"
			      PRIu64 " (replayed or reordered); not shown", room, m->seq, m->sender,
			      m->counter);
		return false;
	case ROOM_BAD_EPOCH:
		security_warn("room %s: message %" PRIu64 " from %s claims epoch %" PRIu64 ", after "
			      "the newest an admin signed; not shown", room, m->seq, m->sender,
			      m->epoch);
		return false;
	case ROOM_GAP:
		security_warn("room %s: %" PRIu64 " message(s) from %s are missing before message %"
			      PRIu64 " (counter %" PRIu64 "): the relay dropped or withheld them",
			      room, r->missing, m->sender, m->seq, m->counter);
		return true;
	case ROOM_FORK:
		security_warn("room %s: message %" PRIu64 " from %s does not follow the last one "
			      "seen from them (reordered or replaced history)", room, m->seq,
			      m->sender);
		return true;
	}
	return false;
}

struct reader {
	struct client *c;
	struct roomfile *rf;
	int64_t room_id;
	bool resynced; /* state and keys refreshed once during this fetch */
	bool history;  /* re-reading what the room file's marks accepted
			* (chain.h): only while the store keeps nothing */
	bool probing;         /* this page is a probe's (fetchcursor.h) */
	uint64_t moved;       /* kept records a probe found under other numbers */
	json_t *given;        /* a page the caller already has (messages_wait's) */
	uint64_t given_after; /* the seq it was asked after */
	struct msg_plain plain;
	struct store_msg kept;
};

/* room_open, after refreshing the state once if the sender or the key is
 * missing (a member admitted or a key given since the last sync). */
static bool open_record(struct reader *rd, const struct wire_msg *m, struct room_result *res)
{
	bool admitted;

	if (room_open(rd->rf, m, rd->c->id->sign_pk, &rd->plain, res))
		return true;
	if (rd->resynced || (res->verdict != ROOM_NOT_MEMBER && res->verdict != ROOM_NO_KEY &&
			     res->verdict != ROOM_BAD_EPOCH))
		return false;
	rd->resynced = true;
	if (roomsync_sync(rd->c, rd->rf, &admitted) != ST_OK)
		return false;
	return room_open(rd->rf, m, rd->c->id->sign_pk, &rd->plain, res);
}

enum verdict {
	V_NEW,     /* kept: shown, or refused with its reason */
	V_AGAIN,   /* the store holds it already, the same at the same place */
	V_REFUSED, /* kept as refused, or not kept at all (a SECURITY: line) */
	V_FAILED,  /* the store failed (store_error says why) */
};

/* A message of a trusted sender that the store may hold already. */
static enum verdict compare_kept(struct reader *rd, const struct wire_msg *m,
				 const uint8_t sign_pk[E2E_SIGN_PK_BYTES],
				 const uint8_t hash[E2E_HASH_BYTES], bool *kept)
{
	uint8_t rec[E2E_HASH_BYTES];
	uint64_t seq;

	*kept = false;
	if (!store_lookup(rd->c->store, rd->room_id, m->sender, sign_pk, m->counter, kept, &seq,
			  rec)) {
		*kept = true;
		return V_FAILED;
	}
	if (!*kept)
		return V_NEW;
	if (sodium_memcmp(rec, hash, E2E_HASH_BYTES) != 0) {
		security_warn("room %s: the relay served message %" PRIu64 " of %s (their number %"
			      PRIu64 ") changed from the one kept; the kept one stands", rd->rf->room,
			      m->seq, m->sender, m->counter);
		return V_REFUSED;
	}
	if (seq != m->seq && !rd->probing) { /* a copy among news: a replay */
		security_warn("room %s: message %" PRIu64 " from %s repeats or reorders counter %"
			      PRIu64 " (replayed or reordered); not shown (kept as message %" PRIu64
			      ")", rd->rf->room, m->seq, m->sender, m->counter, seq);
		return V_REFUSED;
	}
	if (seq != m->seq) {
		/* a probe re-reading under other numbers: counted and told in
		 * one line (messages_fetch_given), and the kept record takes
		 * the number, so the next probe is quiet */
		rd->moved++;
		return store_move(rd->c->store, rd->room_id, m->sender, sign_pk, m->counter, m->seq)
			       ? V_AGAIN
			       : V_FAILED;
	}
	return V_AGAIN;
}

/* The record kept for `m` before its checks: refused until they pass. */
static void kept_init(struct reader *rd, const struct wire_msg *m)
{
	struct store_msg *k = &rd->kept;

	memset(k, 0, offsetof(struct store_msg, text));
	k->seq = m->seq;
	k->epoch = m->epoch;
	k->counter = m->counter;
	k->time_ms = m->received_at;
	k->kind = STORE_REFUSED;
	snprintf(k->sender, sizeof k->sender, "%s", m->sender);
	k->text_len = 0;
	k->text[0] = '\0';
}

static void kept_reason(struct reader *rd, enum store_kind kind, const char *why)
{
	rd->kept.kind = kind;
	rd->kept.text_len = (size_t)snprintf(rd->kept.text, sizeof rd->kept.text, "%s", why);
}

static const char *const reasons[] = {
	[ROOM_EARLIER] = "sent before you joined",
	[ROOM_NO_KEY] = "no key for its epoch",
	[ROOM_NOT_MEMBER] = "sender not a member at its epoch",
	[ROOM_REPLAY] = "replayed or reordered",
	[ROOM_BAD_EPOCH] = "an epoch not begun",
};

/* A message room_open did not open: refused, or from an epoch this
 * member holds no key of. Such a one is still signed by its sender, so it
 * is kept under its counter like any other, and copies are caught. */
static enum verdict not_opened(struct reader *rd, const struct wire_msg *m,
			       const struct room_result *res)
{
	enum verdict v;
	bool kept, shown;

	if (!room_refused(res->verdict) && res->sender) {
		v = compare_kept(rd, m, res->sender->sign_pk, rd->kept.record, &kept);
		if (kept)
			return v;
		rd->kept.trusted = true;
		memcpy(rd->kept.sign_pk, res->sender->sign_pk, E2E_SIGN_PK_BYTES);
	}
	shown = report(rd->rf->room, m, res);
	kept_reason(rd, res->verdict == ROOM_EARLIER ? STORE_EARLIER
			: shown                      ? STORE_UNREADABLE
						     : STORE_REFUSED,
		    res->verdict == ROOM_FORGED ? msg_result_str(res->why) : reasons[res->verdict]);
	return shown ? V_NEW : V_REFUSED;
}

/* Once per sender and kind of finding (a key like ">bob" never clashes
 * with a name, which starts with a letter or digit). */
static bool view_first(struct reader *rd, char kind, const char *sender)
{
	char key[E2E_MEMBER_NAME_MAX + 2];

	snprintf(key, sizeof key, "%c%s", kind, sender);
	return client_first_warning(rd->c, key);
}

/* The room state the sender held (authenticated inside the message)
 * against this client's history:
 * - newer than any state the relay served here, even after a fresh
 *   look: the relay withholds the room state from this member;
 * - the same revision with another hash: the relay shows members
 *   different states (a fork);
 * - older than a state with a newer epoch that this client has held for
 *   MESSAGES_STALE_GRACE_MS by the sender's clock: the sender is being
 *   shown an old state (what it sends is readable by whoever the newer
 *   states removed). The grace lets a state posted a moment ago reach
 *   everyone first. */
static void check_view(struct reader *rd, const struct wire_msg *m)
{
	const struct msg_plain *p = &rd->plain;
	uint8_t hash[E2E_HASH_BYTES];
	int64_t since = 0;
	bool found = false, admitted;

	if (p->state_revision > rd->rf->state.revision && !rd->resynced) {
		rd->resynced = true;
		roomsync_sync(rd->c, rd->rf, &admitted);
	}
	if (p->state_revision > rd->rf->state.revision) {
		if (view_first(rd, '>', m->sender))
			security_warn("room %s: %s sent under room state revision %llu, newer than any "
				      "the relay serves you (%llu): the relay is withholding the room "
				      "state from you", rd->rf->room, m->sender,
				      (unsigned long long)p->state_revision,
				      (unsigned long long)rd->rf->state.revision);
		return;
	}
	if (store_state_hash(rd->c->store, rd->room_id, p->state_revision, hash, &found) &&
	    found && sodium_memcmp(hash, p->state_hash, sizeof hash) != 0) {
		if (view_first(rd, '=', m->sender))
			security_warn("room %s: %s was shown another room state of revision %llu than "
				      "you were: the relay shows members different states", rd->rf->room,
				      m->sender, (unsigned long long)p->state_revision);
		return;
	}
	if (store_newer_epoch_since(rd->c->store, rd->room_id, p->state_revision, m->epoch,
				    &since, &found) &&
	    found && p->time_ms > since + MESSAGES_STALE_GRACE_MS && view_first(rd, '<', m->sender))
		security_warn("room %s: %s is being shown an old room state (revision %llu, epoch "
			      "%llu; yours is %llu, epoch %llu): the relay may be withholding the newer "
			      "one from them, and what they send is readable by anyone it removed",
			      rd->rf->room, m->sender, (unsigned long long)p->state_revision,
			      (unsigned long long)m->epoch, (unsigned long long)rd->rf->state.revision,
			      (unsigned long long)rd->rf->state.epoch);
}

/* Check `m` (room.h) and fill rd->kept, or find it kept already. */
static enum verdict check(struct reader *rd, const struct wire_msg *m)
{
	struct room_result res;
	enum verdict v;
	bool kept;

	kept_init(rd, m);
	/* The record's chain hash names its signed bytes: the same record at
	 * the same place was processed before (a probe, another process). */
	if (!msg_chain_hash(rd->kept.record, m))
		return V_REFUSED;
	if (!store_has_record(rd->c->store, rd->room_id, m->seq, rd->kept.record, &kept))
		return V_FAILED;
	if (kept)
		return V_AGAIN;
	if (!open_record(rd, m, &res))
		return not_opened(rd, m, &res);
	v = compare_kept(rd, m, res.sender->sign_pk, res.record, &kept);
	if (kept)
		return v;
	if (!room_chain(rd->rf, m, &rd->plain, rd->history, &res)) {
		kept_reason(rd, STORE_UNREADABLE, "too many senders to track");
		return V_NEW;
	}
	if (!report(rd->rf->room, m, &res)) {
		kept_reason(rd, STORE_REFUSED, reasons[res.verdict]);
		return V_REFUSED;
	}
	if (!res.mine)
		check_view(rd, m);
	rd->kept.trusted = true;
	memcpy(rd->kept.sign_pk, res.sender->sign_pk, E2E_SIGN_PK_BYTES);
	rd->kept.mine = res.mine;
	rd->kept.kind = rd->plain.leave ? STORE_LEAVE : STORE_SHOWN;
	rd->kept.time_ms = rd->plain.time_ms;
	rd->kept.text_len = rd->plain.text_len;
	memcpy(rd->kept.text, rd->plain.text, rd->plain.text_len + 1);
	return V_NEW;
}

/* A signed leave ends the membership that signed it: the member's keys,
 * and an epoch not before its admission (`since`). An old leave served
 * again never ends a later membership of the same name. */
static void leave_noted(struct reader *rd, const struct wire_msg *m)
{
	const struct wire_member *now = wire_state_find(&rd->rf->state, m->sender);
	struct departure d = {.ban = false};

	if (!now || memcmp(now->sign_pk, rd->kept.sign_pk, sizeof now->sign_pk) != 0 ||
	    m->epoch < now->since)
		return;
	snprintf(d.name, sizeof d.name, "%s", m->sender);
	memcpy(d.sign_pk, now->sign_pk, sizeof d.sign_pk);
	roomfile_depart(rd->rf, &d); /* signed: an admin may drop them */
}

/* What a new authentic message means to an admin's client. */
static void creator_notes(struct reader *rd, const struct wire_msg *m)
{
	if (rd->kept.kind != STORE_SHOWN && rd->kept.kind != STORE_LEAVE)
		return;
	if (m->epoch == rd->rf->state.epoch)
		rd->rf->settings.epoch_messages++; /* the admin's rotation schedule */
	if (rd->kept.kind == STORE_LEAVE && admin_is_me(rd->c, rd->rf))
		leave_noted(rd, m);
}

/* One message of a page: checked, kept (untrusted records too, so that a
 * refusal is told once), counted. */
static enum status take(struct reader *rd, const struct wire_msg *m, size_t *fresh,
			size_t *refused)
{
	enum verdict v = check(rd, m);

	if (v == V_FAILED)
		return client_store_fail(rd->c);
	if (v == V_AGAIN)
		return ST_OK;
	if (v == V_REFUSED)
		(*refused)++;
	if (rd->kept.kind == STORE_REFUSED && rd->kept.trusted)
		rd->kept.trusted = false;
	if (v == V_REFUSED && rd->kept.text_len == 0)
		return ST_OK; /* nothing to keep: the stored record stands */
	if (!store_add(rd->c->store, rd->room_id, &rd->kept))
		return client_store_fail(rd->c);
	(*fresh)++;
	creator_notes(rd, m);
	return ST_OK;
}

struct page {
	size_t served;  /* records in the answer */
	size_t count;   /* well-formed messages served */
	size_t fresh;   /* new to the store */
	size_t refused; /* failed their checks */
	uint64_t seqs[E2E_READ_DEFAULT];
};

static enum status get_page(struct reader *rd, uint64_t after, json_t **arr,
			    struct relay_reply *r)
{
	return relay_messages_get(rd->c, rd->rf->room, after, E2E_READ_DEFAULT, arr, r);
}

/* One page after `after`, kept in one transaction. */
static enum status read_page(struct reader *rd, uint64_t after, struct page *pg)
{
	struct relay_reply r = {0};
	json_t *arr = NULL;
	json_error_t jerr;
	struct wire_msg *m = malloc(sizeof *m);
	enum status st = client_fail(rd->c, ST_ERROR, "out of memory");

	*pg = (struct page){0};
	if (!m)
		return st;
	if (rd->given && after == rd->given_after) {
		arr = rd->given; /* the long-poll's answer, not asked for again */
		st = ST_OK;
	} else {
		st = get_page(rd, after, &arr, &r);
	}
	rd->given = NULL;
	if (st != ST_OK)
		goto out;
	pg->served = json_array_size(arr);
	if (!store_begin(rd->c->store)) {
		st = client_store_fail(rd->c);
		goto out;
	}
	for (size_t i = 0; st == ST_OK && i < json_array_size(arr); i++) {
		if (wire_msg_unpack(json_array_get(arr, i), m, true, &jerr) != E2E_OK ||
		    m->seq <= after) {
			security_warn("room %s: malformed or out-of-order message from the relay "
				      "ignored", rd->rf->room);
			pg->refused++;
			continue;
		}
		after = pg->seqs[pg->count++] = m->seq;
		st = take(rd, m, &pg->fresh, &pg->refused);
	}
	if (st == ST_OK && !store_commit(rd->c->store))
		st = client_store_fail(rd->c);
	if (st != ST_OK)
		store_rollback(rd->c->store);
out:
	relay_reply_clear(&r);
	free(m);
	return st;
}

static void tell_cursor(const char *room, enum fetch_event ev, uint64_t was, uint64_t now)
{
	if (ev == FETCH_RESUMED)
		security_warn("room %s: the relay's numbering went back from %" PRIu64 " to %" PRIu64
			      ": it had numbered messages falsely", room, was, now);
}

/* The newcomer's one line: how much came before its first key. */
static enum status tell_earlier(struct reader *rd)
{
	uint64_t earlier = 0;

	if (!store_count_kind(rd->c->store, rd->room_id, STORE_EARLIER, &earlier))
		return client_store_fail(rd->c);
	if (earlier > rd->rf->earlier_told) {
		fprintf(stderr, "%" PRIu64 " earlier message%s %s sent before you joined "
			"(history: %s)\n", earlier, earlier == 1 ? "" : "s",
			earlier == 1 ? "was" : "were", wire_history_name(rd->rf->state.history));
		rd->rf->earlier_told = earlier;
	}
	return ST_OK;
}

/* Pages until one is not full, then (nothing new at the cursor) maybe
 * one probe (fetchcursor.h), which may take several pages. Bounded: a
 * full page of messages that all failed their checks ends it (an honest
 * relay never serves one), and so does the page limit. */
static enum status fetch_pages(struct reader *rd, struct fetch_cursor *cur, uint64_t *fresh)
{
	struct page *pg = malloc(sizeof *pg);
	enum fetch_event ev = FETCH_STEADY;
	enum status st = ST_OK;
	bool probe = false, dry = false, full;
	uint64_t after, was;
	size_t probe_pages = 0;

	if (!pg)
		return client_fail(rd->c, ST_ERROR, "out of memory");
	for (size_t pages = 0; pages < MESSAGES_FETCH_PAGES_MAX; pages++) {
		if (ev == FETCH_PROBE_ON && ++probe_pages > MESSAGES_PROBE_PAGES_MAX) {
			fetch_cursor_pause(cur); /* the next probe goes on from here */
			break;
		}
		if (ev == FETCH_PROBE_ON)
			after = cur->probe_next; /* the probe goes on */
		else
			after = fetch_cursor_ask(cur, dry, client_now_ms(), &probe);
		if (dry && !probe)
			break; /* nothing new, and no probe due */
		rd->probing = probe;
		st = read_page(rd, after, pg);
		if (st != ST_OK)
			break;
		*fresh += pg->fresh;
		was = cur->fetched;
		full = pg->served == E2E_READ_DEFAULT;
		ev = fetch_cursor_page(cur, after, probe, pg->seqs, pg->count, pg->fresh, full);
		tell_cursor(rd->rf->room, ev, was, cur->fetched);
		if (full && pg->refused == pg->served) {
			st = client_fail(rd->c, ST_SECURITY, "room %s: the relay sent a whole page of "
					 "messages that failed their checks; stopped reading",
					 rd->rf->room);
			break;
		}
		if (ev == FETCH_PROBE_ON)
			continue;
		if (probe && ev == FETCH_RESUMED)
			probe = dry = false; /* fetching goes on at the cursor */
		else if (full)
			dry = false; /* more at the cursor */
		else if (probe || pg->fresh > 0)
			break;
		else
			dry = true; /* nothing new at the cursor: a probe, if one is due */
	}
	rd->probing = false;
	free(pg);
	return st;
}

enum status messages_fetch_given(struct client *c, struct roomfile *rf, json_t *page,
				uint64_t page_after, uint64_t *fresh)
{
	struct reader *rd = calloc(1, sizeof *rd);
	struct store_cursor sc;
	struct fetch_cursor cur;
	uint64_t got = 0;
	int64_t last = 0;
	enum status st = client_fail(c, ST_ERROR, "out of memory");

	if (!rd)
		return st;
	*rd = (struct reader){.c = c, .rf = rf, .given = page, .given_after = page_after};
	st = messages_room(c, rf, &rd->room_id);
	if (st != ST_OK)
		goto out;
	if (!store_cursor_get(c->store, rd->room_id, &sc) ||
	    !store_last_id(c->store, rd->room_id, &last)) {
		st = client_store_fail(c);
		goto out;
	}
	/* Nothing kept for the room (a room file from before the store, or a
	 * store deleted): what the room file's marks accepted is fetched again
	 * into the store as history (chain.h); the store then catches copies. */
	rd->history = last == 0;
	cur = (struct fetch_cursor){.fetched = sc.fetched, .probe_after = sc.probe_after,
				    .probed_ms = sc.probed_ms};
	for (size_t i = 0; i < rf->n_senders; i++)
		rf->senders[i].in_answer = (struct chain_mark){0};
	st = fetch_pages(rd, &cur, &got);
	if (rd->moved > 0)
		security_warn("room %s: the relay served %" PRIu64 " kept message(s) under other "
			      "numbers than before (renumbered or reordered); not shown again",
			      rf->room, rd->moved);
	sc.fetched = cur.fetched;
	sc.probe_after = cur.probe_after;
	sc.probed_ms = cur.probed_ms;
	if (!store_cursor_set(c->store, rd->room_id, &sc) && st == ST_OK)
		st = client_store_fail(c);
	if (st == ST_OK)
		st = tell_earlier(rd);
	if (st == ST_OK)
		st = roomfile_save(rf, c->err, sizeof c->err);
	if (fresh)
		*fresh = got;
out:
	sodium_memzero(rd, sizeof *rd);
	free(rd);
	return st;
}

enum status messages_fetch(struct client *c, struct roomfile *rf, uint64_t *fresh)
{
	return messages_fetch_given(c, rf, NULL, 0, fresh);
}

/* ---- showing from the store ---- */

struct viewer {
	const struct roomfile *rf;
	const struct messages_view *v;
	messages_show_fn show;
	void *user;
	int64_t last_id;
};

static void show_kept(const struct store_msg *m, void *ctx)
{
	struct viewer *vw = ctx;
	const struct known_keys *known = roomfile_known(vw->rf, m->sender);
	struct shown_msg shown = {m->seq, m->epoch, m->sender, m->time_ms, m->text, m->text_len,
				  m->mine, m->kind == STORE_LEAVE, known && known->verified,
				  known && known->changed, m->id};

	vw->last_id = m->id;
	if (vw->v->seq_filter && m->seq <= vw->v->after_seq)
		return;
	vw->show(&shown, vw->user);
}

enum status messages_show(struct client *c, struct roomfile *rf, const struct messages_view *v,
			  messages_show_fn show, void *user, int64_t *last_id)
{
	struct viewer vw = {rf, v, show, user, v->after_id};
	int64_t room_id;
	enum status st = messages_room(c, rf, &room_id);

	if (st != ST_OK)
		return st;
	if (!store_each(c->store, room_id, STORE_VISIBLE, v->after_id, v->tail, show_kept, &vw) ||
	    !store_mark_seen(c->store, room_id, vw.last_id))
		return client_store_fail(c);
	if (last_id)
		*last_id = vw.last_id;
	return ST_OK;
}

enum status messages_page(struct client *c, struct roomfile *rf, int64_t before_id, size_t limit,
			  messages_show_fn show, void *user, int64_t *seen)
{
	struct messages_view v = {0};
	struct viewer vw = {rf, &v, show, user, 0};
	struct store_cursor cur;
	int64_t room_id;
	enum status st = messages_room(c, rf, &room_id);

	if (st != ST_OK)
		return st;
	if (!store_each_before(c->store, room_id, STORE_VISIBLE, before_id, limit, show_kept, &vw) ||
	    (seen && !store_cursor_get(c->store, room_id, &cur)))
		return client_store_fail(c);
	if (seen)
		*seen = cur.seen;
	return ST_OK;
}

enum status messages_left(struct client *c, const struct roomfile *rf, const char *name,
			  const uint8_t sign_pk[E2E_SIGN_PK_BYTES], bool *left)
{
	uint8_t rec[E2E_HASH_BYTES];
	uint64_t counter;
	enum store_kind kind = STORE_SHOWN;
	int64_t room_id;
	bool found = false;
	enum status st = messages_room(c, rf, &room_id);

	if (st == ST_OK &&
	    !store_last_of(c->store, room_id, name, sign_pk, &found, &counter, rec, &kind))
		st = client_store_fail(c);
	*left = found && kind == STORE_LEAVE;
	return st;
}

enum status messages_last_id(struct client *c, const struct roomfile *rf, int64_t *last_id)
{
	int64_t room_id;
	enum status st = messages_room(c, rf, &room_id);

	if (st == ST_OK && !store_last_id(c->store, room_id, last_id))
		st = client_store_fail(c);
	return st;
}

enum status messages_cursor(struct client *c, const struct roomfile *rf, uint64_t *after)
{
	struct store_cursor sc;
	int64_t room_id;
	enum status st = messages_room(c, rf, &room_id);

	if (st == ST_OK && !store_cursor_get(c->store, room_id, &sc))
		st = client_store_fail(c);
	if (st == ST_OK)
		*after = sc.fetched;
	return st;
}

/* Reconnecting after the relay went away: first retry after this, then
 * doubling up to the cap (ms). */
#define MESSAGES_BACKOFF_MIN_MS 100
#define MESSAGES_BACKOFF_MAX_MS 5000

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep `ms`, or less if a wake descriptor becomes readable (true). */
static bool backoff_sleep(int64_t ms, const int *wake_fds, size_t n_wake)
{
	struct pollfd p[4];
	size_t n = n_wake < 4 ? n_wake : 4;

	for (size_t i = 0; i < n; i++)
		p[i] = (struct pollfd){.fd = wake_fds[i], .events = POLLIN};
	return poll(p, (nfds_t)n, (int)ms) > 0;
}

/* One long-poll; 1: woken by a descriptor, 0: answered, -1: unreachable.
 * An answer with messages is kept in *page (the caller's). */
static int wait_once(struct client *c, const char *room, uint64_t after, unsigned wait_s,
		     const int *wake_fds, size_t n_wake, json_t **page, enum status *st)
{
	struct relay_reply r = {0};
	json_t *arr = NULL;
	bool woken = false;

	*st = relay_messages_wait(c, room, after, E2E_READ_DEFAULT, wait_s, wake_fds, n_wake,
				  &woken, &arr, &r);
	if (*st == ST_OK && arr && json_array_size(arr) > 0)
		*page = json_incref(arr);
	relay_reply_clear(&r);
	if (woken)
		return 1;
	return *st == ST_UNREACHABLE ? -1 : 0;
}

enum status messages_wait(struct client *c, const char *room, uint64_t after, unsigned wait_s,
			  const int *wake_fds, size_t n_wake, json_t **page)
{
	int64_t deadline = mono_ms() + (int64_t)wait_s * 1000, left;
	int64_t backoff = MESSAGES_BACKOFF_MIN_MS;
	enum status st = ST_OK;
	unsigned wait = wait_s;

	*page = NULL;
	for (;;) {
		if (wait_once(c, room, after, wait, wake_fds, n_wake, page, &st) >= 0)
			break;
		/* the relay went away (restart, network): retry, not too often */
		left = deadline - mono_ms();
		if (left <= 0)
			break;
		if (backoff_sleep(backoff < left ? backoff : left, wake_fds, n_wake)) {
			st = ST_OK; /* woken: the caller has something to do */
			break;
		}
		backoff = backoff * 2 > MESSAGES_BACKOFF_MAX_MS ? MESSAGES_BACKOFF_MAX_MS
							      : backoff * 2;
		/* the rest of the wait, at least one second */
		left = (deadline - mono_ms()) / 1000;
		wait = (unsigned)(left > 0 ? left : 1);
	}
	return st;
}
