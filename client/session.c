/* session.c - the session engine (session.h). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "membership.h"
#include "outbox.h"
#include "roomsync.h"
#include "session.h"
#include "store.h"

struct session {
	struct client *c;
	char room[E2E_ROOM_NAME_MAX + 1];
	struct session_options opt;
	struct session_front front;
	bool creator;
	enum wire_history history;
	unsigned backoff_ms;     /* after a failed step: the next pause, doubling */
	unsigned quiet_ms;       /* after a long-poll that said "news" and brought
				  * none: the next pause, doubling (a relay that
				  * answers at once with nothing new) */
	uint64_t after;          /* the fetch cursor, for the long-poll */
	json_t *page;            /* what the last long-poll answered, for the next step */
	uint64_t page_after;
	int64_t shown_id;        /* the newest kept message this front end showed */
	struct wire_state state; /* the signed state the front end was told about */
	uint64_t queued;         /* lines waiting in the outbox, as last told */
	bool send_failing;       /* the outbox's failure was told (once per spell) */
	bool admin_failing;      /* the admin's state failure was told (once per spell) */
	size_t n_approved;
	char approved[SESSION_APPROVED_MAX][E2E_MEMBER_NAME_MAX + 1];
	const char *approved_names[SESSION_APPROVED_MAX];
};

enum status session_open(struct session **out, struct client *c, const char *room,
			 const struct session_options *opt, const struct session_front *front)
{
	struct session *s = calloc(1, sizeof *s);
	struct roomfile *rf = NULL;
	enum status st;

	*out = NULL;
	if (!s)
		return client_fail(c, ST_ERROR, "out of memory");
	*s = (struct session){.c = c, .opt = *opt, .front = *front};
	snprintf(s->room, sizeof s->room, "%s", room);
	st = membership_enter(c, room, false, &rf);
	if (st == ST_OK && opt->from_id)
		s->shown_id = opt->start_id;
	else if (st == ST_OK)
		st = messages_last_id(c, rf, &s->shown_id);
	if (st == ST_OK)
		st = messages_cursor(c, rf, &s->after);
	roomfile_close(rf);
	if (st != ST_OK) {
		free(s);
		return st;
	}
	*out = s;
	return ST_OK;
}

void session_close(struct session *s)
{
	if (!s)
		return;
	json_decref(s->page);
	wire_state_clear(&s->state);
	free(s);
}

struct client *session_client(const struct session *s)
{
	return s->c;
}

int64_t session_shown_id(const struct session *s)
{
	return s->shown_id;
}

bool session_has_news(const struct session *s)
{
	return s->page != NULL;
}

unsigned session_retry_ms(const struct session *s)
{
	return s->backoff_ms;
}

bool session_is_creator(const struct session *s)
{
	return s->creator;
}

enum wire_history session_history(const struct session *s)
{
	return s->history;
}

void session_forget_approval(struct session *s, const char *name)
{
	for (size_t i = 0; i < s->n_approved; i++)
		if (strcmp(s->approved[i], name) == 0) {
			s->n_approved--;
			memmove(&s->approved[i], &s->approved[i + 1],
				(s->n_approved - i) * sizeof s->approved[0]);
			for (size_t k = 0; k < s->n_approved; k++)
				s->approved_names[k] = s->approved[k];
			return;
		}
}

bool session_approve(struct session *s, const char *name)
{
	if (s->n_approved == SESSION_APPROVED_MAX)
		return false;
	snprintf(s->approved[s->n_approved], sizeof s->approved[0], "%s", name);
	s->approved_names[s->n_approved] = s->approved[s->n_approved];
	s->n_approved++;
	return true;
}

static void creator_notice(void *ctx, enum admin_event ev, const struct wire_member *m)
{
	struct session *s = ctx;

	/* An approval admits once: if the name leaves or is removed by
	 * anyone (another admin, a `kick` of another process), the next
	 * identity under it is asked about again. */
	if (ev == ADMIN_ADMITTED)
		session_forget_approval(s, m->name);
	if (s->front.creator)
		s->front.creator(s->front.ctx, ev, m);
}

/* `fetched`: this step has just read the room (creator.h). */
static enum status creator_part(struct session *s, struct roomfile *rf, bool rotate,
				bool fetched, bool asked)
{
	struct admin_request req = {.rotate = rotate, .messages_read = fetched,
				      .approved = s->approved_names, .n_approved = s->n_approved,
				      .notice = creator_notice, .ctx = s};
	bool changed = false, rotated = false;
	enum status st = admin_step(s->c, rf, &req, &changed, &rotated);

	if (st == ST_OK && rotated && s->front.notice)
		s->front.notice(s->front.ctx, SESSION_EPOCH_BEGAN, rf->state.epoch, NULL);
	/* A state the relay refused or does not serve is told once and
	 * signed again on the next step (admin.h); it does not end the chat. */
	if (st != ST_OK && st != ST_NOT_MEMBER && st != ST_USAGE && !asked) {
		if (!s->admin_failing && s->front.notice)
			s->front.notice(s->front.ctx, SESSION_ADMIN_FAILED, 0, s->c->err);
		s->admin_failing = true;
		return ST_OK;
	}
	s->admin_failing = s->admin_failing && st != ST_OK;
	return st;
}

/* Asked by the user (/kick, /approve, /rotate, the web page): on top of
 * the newest state, which another admin may have signed since the last
 * step. */
enum status session_creator(struct session *s, struct roomfile *rf, bool rotate)
{
	bool admitted = false;
	enum status st = roomsync_sync(s->c, rf, &admitted);

	return st == ST_OK ? creator_part(s, rf, rotate, false, true) : st;
}

struct event_ctx {
	struct session *s;
	const struct roomfile *rf;
};

static void tell_event(void *ctx, enum room_event ev, const char *name, uint64_t epoch)
{
	struct event_ctx *e = ctx;
	const struct wire_member *was = name ? wire_state_find(&e->s->state, name) : NULL;
	bool left = false;

	if (ev == ROOM_DEPARTED && was)
		(void)messages_left(e->s->c, e->rf, name, was->sign_pk, &left);
	e->s->front.event(e->s->front.ctx, ev, name, epoch, left);
}

/* Membership events from the signed state (roomevents.h): every member's
 * front end is told; the creator's client tells its own actions. */
static void tell_state(struct session *s, const struct roomfile *rf)
{
	struct event_ctx e = {s, rf};
	struct wire_state now = {0};
	json_error_t jerr;

	if (rf->state.revision == s->state.revision || !rf->signed_state.payload ||
	    wire_state_parse(rf->signed_state.payload, rf->signed_state.len, &now, &jerr) !=
		    E2E_OK)
		return;
	if (s->front.event && !s->creator)
		roomevents_diff(&s->state, &now, tell_event, &e);
	wire_state_clear(&s->state);
	s->state = now;
}

static void tell_queue(struct session *s, uint64_t queued)
{
	if (s->front.notice && queued > 0 && queued != s->queued)
		s->front.notice(s->front.ctx, SESSION_QUEUED, queued, NULL);
	else if (s->front.notice && queued == 0 && s->queued > 0)
		s->front.notice(s->front.ctx, SESSION_QUEUE_SENT, 0, NULL);
	s->queued = queued;
}

static void show(const struct shown_msg *m, void *ctx)
{
	struct session *s = ctx;

	s->front.message(s->front.ctx, m);
}

/* The step's work with the room file locked. */
static enum status locked_step(struct session *s, struct roomfile *rf, bool *admitted)
{
	struct messages_view view = {.after_id = s->shown_id};
	uint64_t queued = 0, fresh = 0;
	bool fetched;
	enum status st = ST_OK;

	/* A member's page in hand is news to show now: the state is synced
	 * on the steps without one (at least every long-poll), and at once
	 * if a message needs it (an unknown sender or epoch, messages.c). */
	*admitted = s->page && !s->creator;
	if (!*admitted)
		st = roomsync_sync(s->c, rf, admitted);
	if (st != ST_OK)
		return st;
	s->creator = admin_is_me(s->c, rf);
	s->history = rf->state.history;
	tell_state(s, rf);
	if (*admitted) {
		/* A relay that will not take the outbox (lies about it) delays
		 * what is queued; it does not stop what is read. */
		st = outbox_flush(s->c, rf, &queued);
		tell_queue(s, queued);
		if (st == ST_UNREACHABLE || st == ST_NOT_MEMBER || st == ST_PENDING)
			return st;
		if (st != ST_OK && !s->send_failing && s->front.notice)
			s->front.notice(s->front.ctx, SESSION_SEND_FAILED, queued, s->c->err);
		s->send_failing = st != ST_OK;
		st = ST_OK;
	}
	/* fetched for the front end, or for the creator's duties */
	fetched = *admitted && (s->opt.show || s->creator);
	if (fetched)
		st = messages_fetch_given(s->c, rf, s->page, s->page_after, &fresh);
	if (s->page && fresh == 0)
		s->quiet_ms = s->quiet_ms ? s->quiet_ms * 2 : SESSION_QUIET_MIN_MS;
	else
		s->quiet_ms = 0;
	if (s->quiet_ms > SESSION_BACKOFF_MAX_MS)
		s->quiet_ms = SESSION_BACKOFF_MAX_MS;
	if (st == ST_OK && fetched && s->opt.show)
		st = messages_show(s->c, rf, &view, show, s, &s->shown_id);
	if (st == ST_OK && s->creator)
		st = creator_part(s, rf, false, fetched, false);
	if (st == ST_OK)
		tell_state(s, rf);
	return st;
}

static enum status one_step(struct session *s, bool *admitted)
{
	struct roomfile *rf = NULL;
	enum status st = membership_enter(s->c, s->room, false, &rf);

	if (st == ST_OK)
		st = locked_step(s, rf, admitted);
	if (rf)
		(void)messages_cursor(s->c, rf, &s->after);
	json_decref(s->page);
	s->page = NULL;
	roomfile_close(rf);
	return st;
}

enum status session_step_once(struct session *s, bool *admitted)
{
	return one_step(s, admitted);
}

enum status session_step(struct session *s, bool *admitted)
{
	enum status st = one_step(s, admitted);

	if (st != ST_UNREACHABLE && st != ST_ERROR) {
		if (st == ST_OK && s->backoff_ms && s->front.notice)
			s->front.notice(s->front.ctx, SESSION_RELAY_BACK, 0, NULL);
		if (st == ST_OK)
			s->backoff_ms = 0;
		return st;
	}
	if (!s->backoff_ms && s->front.notice)
		s->front.notice(s->front.ctx, SESSION_RELAY_AWAY, 0, s->c->err);
	s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : s->opt.interval_ms;
	if (s->backoff_ms > SESSION_BACKOFF_MAX_MS)
		s->backoff_ms = SESSION_BACKOFF_MAX_MS;
	*admitted = false;
	return ST_OK;
}

/* Sleep the interval (or the backoff); *woken if a descriptor is ready. */
static void pause_for(struct session *s, const int *wake_fds, size_t n_wake, bool *woken)
{
	struct pollfd p[4];
	size_t n = n_wake < 4 ? n_wake : 4;
	unsigned ms = s->backoff_ms ? s->backoff_ms : s->quiet_ms ? s->quiet_ms : s->opt.interval_ms;

	for (size_t i = 0; i < n; i++)
		p[i] = (struct pollfd){.fd = wake_fds[i], .events = POLLIN};
	*woken = poll(p, (nfds_t)n, (int)ms) > 0;
}

void session_wait(struct session *s, bool admitted, const int *wake_fds, size_t n_wake,
		  bool *woken)
{
	struct pollfd p[4];
	size_t n = n_wake < 4 ? n_wake : 4;
	/* The creator's client waits at most its interval, to keep admitting
	 * joiners; a member's long-polls. */
	unsigned wait_s = s->creator ? (s->opt.interval_ms + 999) / 1000 : SESSION_WAIT_S;

	if (!admitted || !s->opt.show || s->backoff_ms || s->quiet_ms ||
	    (s->creator && s->opt.interval_ms < 1000)) {
		pause_for(s, wake_fds, n_wake, woken);
		return;
	}
	json_decref(s->page);
	s->page = NULL;
	s->page_after = s->after;
	/* a relay that went away is retried inside (0.1 s doubling to 5 s);
	 * the step that follows says what is still wrong */
	(void)messages_wait(s->c, s->room, s->after, wait_s, wake_fds, n_wake, &s->page);
	for (size_t i = 0; i < n; i++)
		p[i] = (struct pollfd){.fd = wake_fds[i], .events = POLLIN};
	*woken = poll(p, (nfds_t)n, 0) > 0;
}

enum status session_send(struct session *s, const char *text, size_t len)
{
	struct roomfile *rf = NULL;
	uint64_t queued = 0;
	int64_t room_id;
	enum status st = membership_enter(s->c, s->room, false, &rf);

	if (st == ST_OK)
		st = outbox_send(s->c, rf, text, len);
	/* not taken now, but kept: later steps send it */
	if ((st == ST_UNREACHABLE || st == ST_ERROR) && messages_room(s->c, rf, &room_id) == ST_OK &&
	    store_outbox_count(s->c->store, room_id, &queued) && queued > 0) {
		tell_queue(s, queued);
		st = ST_OK;
	}
	roomfile_close(rf);
	return st;
}

enum status session_with_room(struct session *s, session_room_fn fn, const char *arg, void *ctx)
{
	struct roomfile *rf = NULL;
	enum status st = membership_enter(s->c, s->room, false, &rf);

	if (st == ST_OK)
		st = fn(s, rf, arg, ctx);
	roomfile_close(rf);
	return st;
}
