/* outbox.c - sealing once, posting until the relay holds it, and reading
 * back whatever else it answers (outbox.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "messages.h"
#include "msg.h"
#include "outbox.h"
#include "relay.h"
#include "store.h"
#include "transcript.h"

/* Where my next message goes: after the newest of my counter, the outbox
 * and what the store holds under my key (another copy of this profile may
 * have sent since). */
static enum status next_position(struct client *c, struct roomfile *rf, int64_t room_id,
				 uint64_t *counter, uint8_t prev[E2E_HASH_BYTES])
{
	uint64_t n;
	uint8_t rec[E2E_HASH_BYTES];
	bool found;

	*counter = rf->counter;
	memcpy(prev, rf->chain, E2E_HASH_BYTES);
	if (!store_outbox_last(c->store, room_id, &found, &n, rec))
		return client_store_fail(c);
	if (found && n > *counter) {
		*counter = n;
		memcpy(prev, rec, E2E_HASH_BYTES);
	}
	if (!store_last_of(c->store, room_id, rf->me, c->id->sign_pk, &found, &n, rec, NULL))
		return client_store_fail(c);
	if (found && n > *counter) {
		*counter = n;
		memcpy(prev, rec, E2E_HASH_BYTES);
	}
	return ST_OK;
}

/* The member this admin removed that the trusted state still lists. */
static const char *pending_removal(const struct client *c, const struct roomfile *rf)
{
	for (size_t i = 0; admin_is_me(c, rf) && i < rf->n_departed; i++)
		if (wire_state_find(&rf->state, rf->departed[i].name))
			return rf->departed[i].name;
	return NULL;
}

/* Seal `text` under the next counter and queue it; the counter is spent
 * in the same step (outbox first, so a crash in between only skips). */
static enum status queue(struct client *c, struct roomfile *rf, int64_t room_id, bool leave,
			 const char *text, size_t len)
{
	const uint8_t *key = roomfile_epoch_key(rf, rf->state.epoch);
	struct wire_roomref ref = roomfile_ref(rf);
	struct wire_msg *m = calloc(1, sizeof *m);
	struct store_out *o = calloc(1, sizeof *o);
	struct msg_plain *plain = calloc(1, sizeof *plain);
	json_t *req = NULL;
	char *body = NULL;
	size_t body_len = 0;
	uint64_t last;
	enum msg_result mr;
	enum status st = client_fail(c, ST_ERROR, "out of memory");

	if (!m || !o || !plain || len > E2E_TEXT_MAX ||
	    !transcript_state_hash(plain->state_hash, rf->signed_state.payload,
				   rf->signed_state.len))
		goto out;
	if (!key) {
		st = client_fail(c, ST_PENDING, "no key for the room's current epoch yet");
		goto out;
	}
	/* A removal this admin made is not signed out yet: the current epoch
	 * is one the removed member holds, so nothing is sealed under it. */
	if (pending_removal(c, rf)) {
		st = client_fail(c, ST_ERROR, "not sent: your removal of %s has not reached the "
				 "relay yet (it is signed again on every step; try again then)",
				 pending_removal(c, rf));
		goto out;
	}
	st = next_position(c, rf, room_id, &last, o->prev);
	if (st != ST_OK)
		goto out;
	plain->time_ms = client_now_ms();
	plain->state_revision = rf->state.revision;
	plain->leave = leave;
	memcpy(plain->prev, o->prev, sizeof plain->prev);
	memcpy(plain->text, text, len);
	plain->text_len = len;
	mr = msg_seal(m, &ref, rf->me, rf->state.epoch, last + 1, key, c->id, plain);
	if (mr != MSG_OK) {
		st = client_fail(c, mr == MSG_TOO_LONG || mr == MSG_BAD_TEXT ? ST_USAGE : ST_ERROR,
				 "cannot send: %s (at most %d bytes of UTF-8)", msg_result_str(mr),
				 E2E_TEXT_MAX);
		goto out;
	}
	st = client_fail(c, ST_ERROR, "out of memory");
	if (!(req = wire_msg_pack(m, false)) || !msg_chain_hash(o->record, m) ||
	    !(body = wire_dump(req, &body_len)) || body_len > STORE_BODY_MAX)
		goto out;
	o->counter = last + 1;
	o->leave = leave;
	memcpy(o->body, body, body_len + 1);
	memcpy(o->text, text, len);
	o->text_len = len;
	if (!store_outbox_add(c->store, room_id, o)) {
		st = client_store_fail(c);
		goto out;
	}
	rf->counter = o->counter;
	memcpy(rf->chain, o->record, E2E_HASH_BYTES);
	st = roomfile_save(rf, c->err, sizeof c->err);
out:
	if (body)
		sodium_memzero(body, body_len);
	free(body);
	json_decref(req);
	if (o)
		sodium_memzero(o, sizeof *o);
	free(o);
	free(m);
	if (plain)
		sodium_memzero(plain, sizeof *plain);
	free(plain);
	return st;
}

enum outcome {
	OUT_STORED,    /* the relay holds it: off the outbox */
	OUT_KEEP,      /* keep it and stop for now (st says why) */
	OUT_RETRY,     /* post it again */
	OUT_RESEALED,  /* another copy used the counter: sealed again, queued */
	OUT_DROPPED,   /* refused for good (st says why) */
};

/* The relay did not say plainly that it holds the message: read the
 * room and look, since any answer may be a lie. */
static enum outcome read_back(struct client *c, struct roomfile *rf, int64_t room_id,
			     const struct store_out *o, enum status *st)
{
	uint8_t rec[E2E_HASH_BYTES];
	uint64_t seq;
	bool found;

	*st = messages_fetch(c, rf, NULL);
	if (*st != ST_OK)
		return OUT_KEEP;
	if (!store_lookup(c->store, room_id, rf->me, c->id->sign_pk, o->counter, &found, &seq,
			  rec)) {
		*st = client_store_fail(c);
		return OUT_KEEP;
	}
	if (found && sodium_memcmp(rec, o->record, E2E_HASH_BYTES) == 0)
		return OUT_STORED;
	if (!found)
		return OUT_RETRY;
	/* signed with my key, not by this process: a copy of this profile */
	fprintf(stderr, "e2e-chat: room %s: another copy of this profile (on another machine, or "
		"a copied directory) sent as %s; your message goes out after it\n", rf->room,
		rf->me);
	if (!store_outbox_remove(c->store, room_id, o->counter)) {
		*st = client_store_fail(c);
		return OUT_KEEP;
	}
	*st = queue(c, rf, room_id, o->leave, o->text, o->text_len);
	return *st == ST_OK ? OUT_RESEALED : OUT_KEEP;
}

/* An answer that is not a plain yes (`why`, c->err saying so): what it
 * means once read back. */
static enum outcome not_stored(struct client *c, struct roomfile *rf, int64_t room_id,
			       const struct store_out *o, long http_status, enum status why,
			       enum status *st)
{
	char detail[sizeof c->err];
	enum outcome out;

	snprintf(detail, sizeof detail, "%s", c->err);
	out = read_back(c, rf, room_id, o, st);
	if (out != OUT_RETRY)
		return out;
	if (http_status == 409) /* "sent already", yet not there: post it again */
		return OUT_RETRY;
	*st = client_fail(c, why, "%s", detail);
	/* A 4xx refusal is for good; a 5xx, 429 or 408 may pass, and so may a
	 * 2xx whose body was garbage (it may have been stored). */
	return http_status >= 400 && http_status < 500 && http_status != 429 &&
			       http_status != 408
		       ? OUT_DROPPED
		       : OUT_KEEP;
}

static enum outcome post_one(struct client *c, struct roomfile *rf, int64_t room_id,
			     const struct store_out *o, enum status *st)
{
	struct relay_reply r = {0};
	json_error_t jerr;
	json_t *req = wire_parse_body(o->body, strlen(o->body), &jerr);
	enum outcome out = OUT_KEEP;
	enum status posted;

	*st = client_fail(c, ST_ERROR, "a queued message is damaged");
	if (!req)
		return OUT_DROPPED;
	posted = relay_message_post(c, rf->room, req, NULL, &r);
	*st = ST_OK;
	if (posted == ST_OK)
		out = OUT_STORED;
	else if (r.http_status == 0 || posted == ST_PENDING || posted == ST_NOT_MEMBER)
		*st = posted; /* not reached, not admitted yet, or removed: kept */
	else
		out = not_stored(c, rf, room_id, o, r.http_status, posted, st);
	relay_reply_clear(&r);
	json_decref(req);
	return out;
}

/* A message the relay refused for good, or damaged in the store: off
 * the outbox, and the user told. Its counter stays spent: its body may
 * have reached the relay, so it is never sealed again under it (readers
 * see one message missing, which is what happened). */
static enum status drop(struct client *c, struct roomfile *rf, int64_t room_id,
			const struct store_out *o, const char *why)
{
	if (!store_outbox_remove(c->store, room_id, o->counter))
		return client_store_fail(c);
	fprintf(stderr, "e2e-chat: room %s: your message %" PRIu64 " was not sent: %s\n", rf->room,
		o->counter, why);
	return ST_OK;
}

/* One queued message: posted, or (after OUTBOX_ATTEMPTS_MAX answers that
 * it was sent but not there) only looked for again. */
static enum outcome flush_one(struct client *c, struct roomfile *rf, int64_t room_id,
			      const struct store_out *o, enum status *st)
{
	enum outcome out;

	if (o->attempts < OUTBOX_ATTEMPTS_MAX)
		return post_one(c, rf, room_id, o, st);
	out = read_back(c, rf, room_id, o, st);
	if (out == OUT_RETRY)
		*st = client_fail(c, ST_ERROR, "room %s: the relay answered %u times that message %"
				  PRIu64 " was sent already, but does not show it; it stays "
				  "queued", rf->room, o->attempts, o->counter);
	return out == OUT_RETRY ? OUT_KEEP : out;
}

enum status outbox_flush(struct client *c, struct roomfile *rf, uint64_t *queued)
{
	struct store_out *o = malloc(sizeof *o);
	int64_t room_id;
	enum outcome out = OUT_STORED;
	enum status st = messages_room(c, rf, &room_id), post_st = ST_OK;
	bool found = true;

	if (!o)
		return client_fail(c, ST_ERROR, "out of memory");
	while (st == ST_OK && post_st == ST_OK && found) {
		if (!store_outbox_first(c->store, room_id, o, &found)) {
			st = client_store_fail(c);
			break;
		}
		if (!found)
			break;
		if (o->damaged) {
			st = drop(c, rf, room_id, o, "it was damaged in the local store");
			continue;
		}
		out = flush_one(c, rf, room_id, o, &post_st);
		if (out == OUT_STORED && !store_outbox_remove(c->store, room_id, o->counter))
			st = client_store_fail(c);
		else if (out == OUT_RETRY && !store_outbox_attempted(c->store, room_id, o->counter))
			st = client_store_fail(c);
		else if (out == OUT_DROPPED)
			st = drop(c, rf, room_id, o, c->err);
	}
	if (st == ST_OK)
		st = post_st;
	if (queued && !store_outbox_count(c->store, room_id, queued) && st == ST_OK)
		st = client_store_fail(c);
	sodium_memzero(o, sizeof *o);
	free(o);
	return st;
}

static enum status send_queued(struct client *c, struct roomfile *rf, bool leave,
			       const char *text, size_t len)
{
	int64_t room_id;
	uint64_t queued = 0;
	enum status st = messages_room(c, rf, &room_id);

	if (st == ST_OK)
		st = queue(c, rf, room_id, leave, text, len);
	if (st == ST_OK)
		st = outbox_flush(c, rf, &queued);
	if ((st == ST_UNREACHABLE || st == ST_ERROR) && queued > 0) {
		char why[sizeof c->err];

		snprintf(why, sizeof why, "%s", c->err);
		client_fail(c, st, "%s; %" PRIu64 " message%s queued in room %s, sent with your next "
			    "e2e-chat command there", why, queued, queued == 1 ? "" : "s", rf->room);
	}
	return st;
}

enum status outbox_send(struct client *c, struct roomfile *rf, const char *text, size_t len)
{
	return send_queued(c, rf, false, text, len);
}

enum status outbox_send_leave(struct client *c, struct roomfile *rf)
{
	return send_queued(c, rf, true, "", 0);
}

