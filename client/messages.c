/* messages.c - posting, fetching (and long-polling for) and verifying
 * messages. */
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "messages.h"
#include "msg.h"
#include "roomsync.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum status post(struct client *c, struct roomfile *rf, bool leave, const char *text,
			size_t len)
{
	const uint8_t *key = roomfile_epoch_key(rf, rf->state.epoch);
	struct wire_msg *m = calloc(1, sizeof *m);
	json_t *req = NULL;
	struct api_reply r = {0};
	char path[160];
	enum msg_result mr;
	uint8_t chain[E2E_HASH_BYTES]; /* the previous one, to take the message back */
	enum status st = client_fail(c, ST_ERROR, "out of memory");
	int rc;

	if (!m)
		return st;
	if (!key) {
		st = client_fail(c, ST_PENDING, "no key for the room's current epoch yet");
		goto out;
	}
	memcpy(chain, rf->chain, sizeof chain);
	mr = msg_seal(m, rf->room, rf->me, rf->state.epoch, rf->counter + 1, chain, key, c->id,
		      now_ms(), leave, text, len);
	if (mr != MSG_OK) {
		st = client_fail(c, mr == MSG_TOO_LONG || mr == MSG_BAD_TEXT ? ST_USAGE : ST_ERROR,
				 "cannot send: %s (at most %d bytes of UTF-8)", msg_result_str(mr),
				 E2E_TEXT_MAX);
		goto out;
	}
	/* From here the message counts as sent: its counter and chain hash
	 * are saved before posting, so that neither is used twice if this
	 * process dies or the answer is lost (if the relay never stored it,
	 * readers see one message missing, which is what happened). Only a
	 * definite refusal (4xx) takes it back. */
	st = client_fail(c, ST_ERROR, "out of memory");
	if (!(req = wire_msg_pack(m, false)) || !msg_chain_hash(rf->chain, m))
		goto out;
	rf->counter++;
	if ((st = roomfile_save(rf, c->err, sizeof c->err)) != ST_OK)
		goto out;
	snprintf(path, sizeof path, "/v1/rooms/%s/messages", rf->room);
	rc = api_call(c->api, "POST", path, req, &r);
	if (rc == 0 && r.err == E2E_ERR_NOT_ADMITTED)
		st = client_fail(c, ST_PENDING, "not admitted to room %s yet", rf->room);
	else if (rc != 0 || r.err != E2E_OK)
		st = client_reply_fail(c, rc, &r);
	if (st != ST_OK && rc == 0 && r.http_status >= 400 && r.http_status < 500) {
		char ignored[64]; /* c->err keeps the reason the post failed */

		rf->counter--;
		memcpy(rf->chain, chain, sizeof chain);
		roomfile_save(rf, ignored, sizeof ignored);
	}
out:
	api_reply_clear(&r);
	json_decref(req);
	free(m);
	return st;
}

enum status messages_send(struct client *c, struct roomfile *rf, const char *text, size_t len)
{
	return post(c, rf, false, text, len);
}

enum status messages_send_leave(struct client *c, struct roomfile *rf)
{
	return post(c, rf, true, "", 0);
}

/* Report what the chain says (chain.h); false if the message must not be
 * shown. */
static bool chain_report(const char *room, const struct wire_msg *m,
			 const struct chain_result *r)
{
	switch (r->verdict) {
	case CHAIN_OK:
		return true;
	case CHAIN_REPLAY:
		security_warn("room %s: message %" PRIu64 " from %s repeats or reorders counter %"
			      PRIu64 " (replayed or reordered); not shown", room, m->seq, m->sender,
			      m->counter);
		return false;
	case CHAIN_GAP:
		security_warn("room %s: %" PRIu64 " message(s) from %s are missing before message %"
			      PRIu64 " (counter %" PRIu64 "): the relay dropped or withheld them",
			      room, r->missing, m->sender, m->seq, m->counter);
		return true;
	case CHAIN_FORK:
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
	bool resynced; /* state and keys refreshed once during this read */
	messages_show_fn show;
	void *user;
	uint64_t earlier; /* messages from before this member's first key */
	bool history;     /* re-reading what may have been accepted (chain.h) */
	struct msg_plain plain;
};

/* The sender's trusted record and the epoch key, refreshing the state
 * once if either is missing (a member admitted or a key given since). */
static const struct wire_member *sender_and_key(struct reader *rd, const struct wire_msg *m,
						const uint8_t **key)
{
	const struct wire_member *sender = wire_state_keys_at(&rd->rf->state, m->sender, m->epoch);
	bool admitted;

	*key = roomfile_epoch_key(rd->rf, m->epoch);
	if ((!sender || !*key) && !rd->resynced) {
		rd->resynced = true;
		if (roomsync_sync(rd->c, rd->rf, &admitted) == ST_OK) {
			sender = wire_state_keys_at(&rd->rf->state, m->sender, m->epoch);
			*key = roomfile_epoch_key(rd->rf, m->epoch);
		}
	}
	return sender;
}

/* Check and show one message; false if it was refused (a SECURITY:
 * line), true if it was shown or only cannot be read (no key). */
static bool process(struct reader *rd, const struct wire_msg *m)
{
	const char *room = rd->rf->room;
	const uint8_t *key = NULL;
	const struct wire_member *sender = sender_and_key(rd, m, &key);
	struct sender_mark *mark;
	uint8_t hash[E2E_HASH_BYTES];
	struct chain_result verdict;
	const struct known_keys *known;
	enum msg_result mr;
	struct shown_msg shown;

	if (!sender) {
		security_warn("room %s: message %" PRIu64 " claims to be from %s, who was not a "
			      "member at epoch %" PRIu64 " in the creator-signed room state; not "
			      "shown", room, m->seq, m->sender, m->epoch);
		return false;
	}
	if (!key && m->epoch < roomfile_first_epoch(rd->rf)) {
		rd->earlier++; /* sent before this member joined: told once, in one line */
		return true;
	}
	if (!key) {
		fprintf(stderr, "e2e-chat: room %s: message %" PRIu64 " is for epoch %" PRIu64
			", whose key you were not given; not shown\n", room, m->seq, m->epoch);
		return true;
	}
	mr = msg_open(&rd->plain, m, room, sender->sign_pk, key);
	if (mr != MSG_OK) {
		security_warn("room %s: message %" PRIu64 " from %s: %s; not shown", room, m->seq,
			      m->sender, msg_result_str(mr));
		return false;
	}
	mark = roomfile_sender(rd->rf, m->sender, sender->sign_pk);
	if (!mark || !msg_chain_hash(hash, m)) {
		fprintf(stderr, "e2e-chat: too many senders to track; message %" PRIu64 " not shown\n",
			m->seq);
		return true;
	}
	verdict = chain_check(&mark->chain, &mark->in_answer, rd->history,
			      &(struct chain_msg){m->counter, rd->plain.prev, hash});
	if (!chain_report(room, m, &verdict))
		return false;
	if (m->seq > rd->rf->last_seq && m->epoch == rd->rf->state.epoch)
		rd->rf->settings.epoch_messages++; /* the creator's rotation schedule */
	if (rd->plain.leave && strcmp(rd->rf->creator.name, rd->rf->me) == 0 &&
	    wire_state_find(&rd->rf->state, m->sender))
		roomfile_depart(rd->rf, m->sender); /* signed: the creator may drop them */
	known = roomfile_known(rd->rf, m->sender);
	shown = (struct shown_msg){m->seq, m->epoch, m->sender, rd->plain.time_ms, rd->plain.text,
				   rd->plain.text_len, strcmp(m->sender, rd->rf->me) == 0,
				   rd->plain.leave, known && known->verified,
				   known && known->changed};
	if (rd->show)
		rd->show(&shown, rd->user);
	return true;
}

/* One page; *last is the highest seq in it (unchanged if it holds none),
 * *count how many, *refused how many of them were refused. */
static enum status read_page(struct reader *rd, uint64_t after, uint64_t *last, size_t *count,
			     size_t *refused)
{
	char path[200];
	struct api_reply r;
	json_t *arr = NULL;
	json_error_t jerr;
	struct wire_msg *m = malloc(sizeof *m);
	enum status st = client_fail(rd->c, ST_ERROR, "out of memory");
	int rc;

	*count = 0;
	*refused = 0;
	if (!m)
		return st;
	snprintf(path, sizeof path, "/v1/rooms/%s/messages?after=%" PRIu64 "&limit=%d",
		 rd->rf->room, after, E2E_READ_DEFAULT);
	rc = api_call(rd->c->api, "GET", path, NULL, &r);
	if (rc == 0 && r.err == E2E_ERR_NOT_ADMITTED)
		st = client_fail(rd->c, ST_PENDING, "not admitted to room %s yet", rd->rf->room);
	else if (rc != 0 || r.err != E2E_OK)
		st = client_reply_fail(rd->c, rc, &r);
	else if (!json_is_array(arr = json_object_get(r.body, "messages")))
		st = client_fail(rd->c, ST_ERROR, "the relay sent an invalid message list");
	else
		st = ST_OK;
	*count = st == ST_OK ? json_array_size(arr) : 0;
	for (size_t i = 0; st == ST_OK && i < json_array_size(arr); i++) {
		if (wire_msg_unpack(json_array_get(arr, i), m, true, &jerr) != E2E_OK ||
		    m->seq <= after) {
			security_warn("room %s: malformed or out-of-order message from the relay "
				      "ignored", rd->rf->room);
			(*refused)++;
			continue;
		}
		after = *last = m->seq;
		if (!process(rd, m))
			(*refused)++;
		/* at once, not after the read: a resync within it saves the room
		 * file (sender_and_key), and what is saved must agree with the
		 * chain marks it holds (chain.h: history against news) */
		if (m->seq > rd->rf->last_seq)
			rd->rf->last_seq = m->seq;
	}
	api_reply_clear(&r);
	free(m);
	return st;
}

enum status messages_read(struct client *c, struct roomfile *rf, uint64_t after,
			  messages_show_fn show, void *user)
{
	struct reader *rd = calloc(1, sizeof *rd);
	uint64_t last = after, before, first_asked = after;
	size_t count = 0, refused = 0;
	enum status st = client_fail(c, ST_ERROR, "out of memory");

	if (!rd)
		return st;
	/* below the newest seq processed: history again, which `read` shows;
	 * from there on (a chat, the creator): news only */
	*rd = (struct reader){.c = c, .rf = rf, .show = show, .user = user,
			      .history = after < rf->last_seq};
	for (size_t i = 0; i < rf->n_senders; i++)
		rf->senders[i].in_answer = (struct chain_mark){0};
	/* Full pages continue; a page that does not advance ends the read, so
	 * a relay cannot keep us looping on the same messages, and so does a
	 * full page of messages that all failed their checks, so that it
	 * cannot keep us reading new ones for ever (an honest relay never
	 * serves one). */
	do {
		before = last;
		st = read_page(rd, last, &last, &count, &refused);
		if (st == ST_OK && count == E2E_READ_DEFAULT && refused == count)
			st = client_fail(c, ST_SECURITY, "room %s: the relay sent a whole page of "
					 "messages that failed their checks; stopped reading", rf->room);
	} while (st == ST_OK && count == E2E_READ_DEFAULT && last > before);
	/* Only what the relay sent moves the profile's last_seq (read_page),
	 * never the `after` a user asked for: `read --after 9999` filters, it
	 * does not skip. A newcomer is told once how much came before it, not
	 * per message; only a read of the whole history counts them all. */
	if (st == ST_OK && first_asked == 0 && rd->earlier > rf->earlier_told) {
		fprintf(stderr, "%" PRIu64 " earlier message%s %s sent before you joined "
			"(history: %s)\n", rd->earlier, rd->earlier == 1 ? "" : "s",
			rd->earlier == 1 ? "was" : "were", wire_history_name(rf->state.history));
		rf->earlier_told = rd->earlier;
	}
	if (st == ST_OK)
		st = roomfile_save(rf, c->err, sizeof c->err);
	sodium_memzero(&rd->plain, sizeof rd->plain);
	free(rd);
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

/* One long-poll; 1: woken by a descriptor, 0: answered, -1: unreachable. */
static int wait_once(struct client *c, const char *path, unsigned wait_s,
		     const int *wake_fds, size_t n_wake, bool *news, enum status *st)
{
	struct api_reply r;
	json_t *arr;
	int rc = api_call_wait(c->api, path, wait_s, wake_fds, n_wake, &r);

	if (rc == 0 && r.err == E2E_ERR_NOT_ADMITTED)
		*st = client_fail(c, ST_PENDING, "not admitted yet");
	else if (rc == 0 && r.err != E2E_OK)
		*st = client_reply_fail(c, rc, &r);
	else if (rc == 0 && !json_is_array(arr = json_object_get(r.body, "messages")))
		*st = client_fail(c, ST_ERROR, "the relay sent an invalid message list");
	else if (rc == 0)
		*news = json_array_size(arr) > 0;
	if (rc < 0)
		*st = client_reply_fail(c, rc, &r);
	if (rc < 0)
		rc = r.http_status == 0 ? -1 : 0; /* unreachable, or it answered garbage */
	api_reply_clear(&r);
	return rc;
}

enum status messages_wait(struct client *c, const char *room, uint64_t after, unsigned wait_s,
			  const int *wake_fds, size_t n_wake, bool *news)
{
	int64_t deadline = mono_ms() + (int64_t)wait_s * 1000, left;
	int64_t backoff = MESSAGES_BACKOFF_MIN_MS;
	enum status st = ST_OK;
	char path[200];
	int rc;

	*news = false;
	if (wait_s > E2E_WAIT_MAX)
		wait_s = E2E_WAIT_MAX;
	snprintf(path, sizeof path, "/v1/rooms/%s/messages?after=%" PRIu64 "&limit=1&wait=%u",
		 room, after, wait_s);
	for (;;) {
		st = ST_OK;
		rc = wait_once(c, path, wait_s, wake_fds, n_wake, news, &st);
		if (rc >= 0)
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
		snprintf(path, sizeof path,
			 "/v1/rooms/%s/messages?after=%" PRIu64 "&limit=1&wait=%u", room, after,
			 (unsigned)(left > 0 ? left : 1));
	}
	return st;
}
