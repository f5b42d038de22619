/* webapi.c - the local JSON API on the engine thread (webapi.h). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webapi.h"
#include "commands.h"
#include "admin.h"
#include "fingerprint.h"
#include "membership.h"
#include "names.h"
#include "roomsync.h"
#include "session.h"

struct webapi;

struct webroom {
	char name[E2E_ROOM_NAME_MAX + 1];
	struct webapi *api;
	struct session *s;
	bool admitted, admin, ended, away;
	uint64_t queued;
	int64_t next_ms;  /* the next step is due */
	json_t *history;  /* what the session showed: the last WEBAPI_HISTORY_MAX */
};

struct webapi {
	struct client *c;
	struct hub *hub;
	size_t n;
	struct webroom *rooms[WEBAPI_ROOMS_MAX];
};

/* A call's outcome: a status (the client's) and, on success, a result. */
struct outcome {
	unsigned http;
	json_t *result;
};

static const struct {
	unsigned http;
	const char *code;
} status_http[ST__COUNT] = {
	[ST_OK] = {200, "ok"},
	[ST_ERROR] = {500, "failed"},
	[ST_USAGE] = {400, "bad_request"},
	[ST_PENDING] = {409, "pending"},
	[ST_WRONG_PASSWORD] = {403, "wrong_password"},
	[ST_NOT_MEMBER] = {404, "not_member"},
	[ST_UNREACHABLE] = {502, "relay_unreachable"},
	[ST_SECURITY] = {502, "security"},
};

json_t *webapi_text_json(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	char *copy = j ? NULL : malloc(len + 1);

	if (!copy)
		return j;
	for (size_t i = 0; i < len; i++)
		copy[i] = (unsigned char)s[i] < 0x80 && s[i] ? s[i] : '?';
	j = json_stringn(copy, len);
	sodium_memzero(copy, len);
	free(copy);
	return j;
}

/* A message for the page: c->err may quote the relay (its error message,
 * cut at the buffer's size wherever that falls). */
static json_t *message_text(const char *s)
{
	return webapi_text_json(s, strlen(s));
}

static struct outcome failed(struct webapi *a, enum status st)
{
	unsigned i = (unsigned)st < ST__COUNT ? (unsigned)st : ST_ERROR;

	return (struct outcome){status_http[i].http,
				json_pack("{s:s, s:o}", "error", status_http[i].code, "message",
					  message_text(a->c->err[0] ? a->c->err : status_message(st)))};
}

static struct outcome ok(json_t *result)
{
	return (struct outcome){200, result ? result : json_object()};
}

static void publish(struct webroom *r, const char *type, json_t *ev)
{
	if (!ev)
		return;
	json_object_set_new(ev, "type", json_string(type));
	json_object_set_new(ev, "room", json_string(r->name));
	hub_publish(r->api->hub, ev);
}

static void publish_room(struct webroom *r)
{
	publish(r, "room", json_pack("{s:b, s:b, s:b, s:b, s:I}", "admitted", r->admitted,
				     "admin", r->admin, "ended", r->ended, "away", r->away,
				     "queued", (json_int_t)r->queued));
}

/* --- what the session engine tells (struct session_front) --- */

static json_t *message_json(const struct shown_msg *m)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:I, s:b, s:b, s:b, s:b}", "seq",
			      (json_int_t)m->seq, "epoch", (json_int_t)m->epoch, "sender", m->sender,
			      "time", (json_int_t)m->time_ms, "mine", m->mine, "leave", m->leave,
			      "verified", m->verified, "keys_changed", m->keys_changed);

	if (j)
		json_object_set_new(j, "text", webapi_text_json(m->text, m->text_len));
	return j;
}

static void keep(struct webroom *r, const struct shown_msg *m)
{
	json_t *j = message_json(m);

	if (!j)
		return;
	json_array_append(r->history, j);
	if (json_array_size(r->history) > WEBAPI_HISTORY_MAX)
		json_array_remove(r->history, 0);
	json_decref(j);
}

static void on_message(void *ctx, const struct shown_msg *m)
{
	struct webroom *r = ctx;

	keep(r, m);
	publish(r, "message", message_json(m));
}

static void on_event(void *ctx, enum room_event ev, const char *name, uint64_t epoch, bool left)
{
	static const char *const names[] = {"joined", "departed", "rekeyed", "epoch"};

	publish(ctx, "member", json_pack("{s:s, s:s?, s:I, s:b}", "event", names[ev], "name", name,
					 "epoch", (json_int_t)epoch, "left", left));
}

static void on_notice(void *ctx, enum session_notice n, uint64_t value, const char *detail)
{
	/* one name per notice: a notice added to session.h without one here
	 * fails to build (the size check), not at run time */
	static const char *const names[] = {
		[SESSION_RELAY_AWAY] = "relay_away",   [SESSION_RELAY_BACK] = "relay_back",
		[SESSION_QUEUED] = "queued",           [SESSION_QUEUE_SENT] = "queue_sent",
		[SESSION_EPOCH_BEGAN] = "epoch_began", [SESSION_SEND_FAILED] = "send_failed",
		[SESSION_ADMIN_FAILED] = "admin_failed",
	};
	struct webroom *r = ctx;

	_Static_assert(sizeof names / sizeof names[0] == SESSION_ADMIN_FAILED + 1,
		       "a name for every session notice");

	if (n == SESSION_RELAY_AWAY || n == SESSION_RELAY_BACK)
		r->away = n == SESSION_RELAY_AWAY;
	if (n == SESSION_QUEUED || n == SESSION_QUEUE_SENT)
		r->queued = n == SESSION_QUEUED ? value : 0;
	publish(r, "notice", json_pack("{s:s, s:I, s:o?}", "notice", names[n], "value",
				       (json_int_t)value, "detail",
				       detail ? message_text(detail) : NULL));
	publish_room(r);
}

static void on_creator(void *ctx, enum admin_event ev, const struct wire_member *m)
{
	static const char *const names[] = {"admitted", "dropped", "waiting"};

	publish(ctx, "creator", json_pack("{s:s, s:s}", "event", names[ev], "name", m->name));
}

/* --- rooms --- */

static int64_t now_ms(void)
{
	return client_now_ms();
}

static struct webroom *find_room(struct webapi *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->rooms[i]->name, name) == 0)
			return a->rooms[i];
	return NULL;
}

static void room_free(struct webroom *r)
{
	if (!r)
		return;
	session_close(r->s);
	json_decref(r->history);
	free(r);
}

static void drop_room(struct webapi *a, struct webroom *r)
{
	for (size_t i = 0; i < a->n; i++) {
		if (a->rooms[i] != r)
			continue;
		a->rooms[i] = a->rooms[--a->n];
		room_free(r);
		return;
	}
}

static void history_add(const struct shown_msg *m, void *ctx)
{
	keep(ctx, m);
}

/* The room's session, started with its kept history (messages_show: the
 * last WEBAPI_HISTORY_MAX, marked seen) and showing what comes after. */
static enum status open_room(struct webapi *a, const char *name, struct webroom **out)
{
	struct webroom *r = find_room(a, name);
	struct session_front front = {on_message, on_event, on_notice, on_creator, NULL};
	struct messages_view view = {.tail = WEBAPI_HISTORY_MAX};
	struct session_options opt = {.show = true, .interval_ms = a->c->interval_ms,
				      .from_id = true};
	struct roomfile *rf = NULL;
	enum status st;

	*out = r;
	if (r)
		return ST_OK;
	if (a->n == WEBAPI_ROOMS_MAX)
		return client_fail(a->c, ST_USAGE, "at most %d rooms open at once",
				   WEBAPI_ROOMS_MAX);
	r = calloc(1, sizeof *r);
	if (r)
		r->history = json_array();
	if (!r || !r->history) {
		free(r);
		return client_fail(a->c, ST_ERROR, "out of memory");
	}
	snprintf(r->name, sizeof r->name, "%s", name);
	r->api = a;
	front.ctx = r;
	st = membership_enter(a->c, name, false, &rf);
	if (st == ST_OK)
		st = messages_show(a->c, rf, &view, history_add, r, &opt.start_id);
	if (st == ST_OK)
		r->admin = admin_is_me(a->c, rf);
	roomfile_close(rf);
	if (st == ST_OK)
		st = session_open(&r->s, a->c, name, &opt, &front);
	if (st != ST_OK) {
		room_free(r);
		return st;
	}
	a->rooms[a->n++] = r;
	*out = r;
	return ST_OK;
}

static void step_room(struct webapi *a, struct webroom *r)
{
	bool admitted = false, was = r->admitted, was_admin = r->admin;
	enum status st = session_step(r->s, &admitted);

	r->next_ms = now_ms() + a->c->interval_ms;
	if (st != ST_OK) {
		r->ended = true;
		r->admitted = false;
		publish(r, "ended", json_pack("{s:s, s:o}", "error", status_http[st].code, "message",
					      message_text(a->c->err[0] ? a->c->err
									: status_message(st))));
		publish_room(r);
		return;
	}
	if (!r->away) /* a step that could not reach the relay says nothing of it */
		r->admitted = admitted;
	r->admin = session_is_creator(r->s);
	if (admitted != was || r->admin != was_admin)
		publish_room(r);
}

void webapi_step(struct webapi *a)
{
	int64_t now = now_ms();

	for (size_t i = 0; i < a->n; i++)
		if (!a->rooms[i]->ended && a->rooms[i]->next_ms <= now)
			step_room(a, a->rooms[i]);
}

void webapi_wait(struct webapi *a, const int *fds, size_t n, bool *woken)
{
	struct webroom *only = NULL, *live[WEBAPI_ROOMS_MAX];
	struct pollfd p[4];
	size_t n_live = 0, k = n < 4 ? n : 4;
	int64_t due = now_ms() + 60000, now;

	for (size_t i = 0; i < a->n; i++)
		if (!a->rooms[i]->ended)
			live[n_live++] = a->rooms[i];
	if (n_live == 1 && live[0]->admitted && !live[0]->admin) {
		only = live[0];
		session_wait(only->s, true, fds, n, woken);
		if (!*woken)
			only->next_ms = 0; /* news, or the long-poll's end: step now */
		return;
	}
	for (size_t i = 0; i < n_live; i++)
		if (live[i]->next_ms < due)
			due = live[i]->next_ms;
	now = now_ms();
	for (size_t i = 0; i < k; i++)
		p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	*woken = poll(p, (nfds_t)k, due > now ? (int)(due - now) : 0) > 0;
}

/* --- the calls --- */

struct call_ctx {
	struct webapi *a;
	struct webroom *r;
	json_t *result;
};

typedef enum status (*room_fn)(struct session *s, struct roomfile *rf, const char *arg,
			       void *ctx);

static enum status creator_only(struct client *c, const struct roomfile *rf)
{
	return admin_is_me(c, rf) ? ST_OK
				  : client_fail(c, ST_USAGE, "only an admin of room %s can do this",
						rf->room);
}

/* kick bans (as `kick` does), deny turns a pending member away; either
 * ends an approval of the name */
static enum status remove_member(struct session *s, struct roomfile *rf, const char *arg,
				 bool ban)
{
	struct client *c = session_client(s);
	enum status st = creator_only(c, rf);

	if (st == ST_OK)
		st = admin_remove(c, rf, arg, ban);
	session_forget_approval(s, arg);
	return st == ST_OK ? session_creator(s, rf, false) : st;
}

static enum status do_kick(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return remove_member(s, rf, arg, true);
}

static enum status do_deny(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return remove_member(s, rf, arg, false);
}

static enum status do_approve(struct session *s, struct roomfile *rf, const char *arg,
			      void *ctx)
{
	struct client *c = session_client(s);
	enum status st = creator_only(c, rf);

	if (st == ST_OK && !session_approve(s, arg))
		st = client_fail(c, ST_USAGE, "too many approvals pending");
	return st == ST_OK ? session_creator(s, rf, false) : st;
}

static enum status do_admit(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	struct client *c = session_client(s);
	bool admitted;
	enum status st = creator_only(c, rf);

	if (st == ST_OK)
		st = roomsync_sync(c, rf, &admitted);
	return st == ST_OK ? session_creator(s, rf, false) : st;
}

static enum status do_rotate(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	enum status st = creator_only(session_client(s), rf);

	return st == ST_OK ? session_creator(s, rf, true) : st;
}

static json_t *member_json(const struct roomfile *rf, const struct listed_member *m)
{
	char fp[FINGERPRINT_LEN];

	if (!fingerprint_member(fp, &m->rec))
		snprintf(fp, sizeof fp, "?");
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "name", m->rec.name,
			 "status", members_status(rf, m), "trust", members_trust(rf, m),
			 "fingerprint", fp, "admin",
			 m->in_state && wire_state_admin(&rf->state, m->rec.name) != NULL, "you",
			 strcmp(m->rec.name, rf->me) == 0);
}

/* As `members`: the signed state's members first (one the relay leaves
 * out is still listed), then what the relay adds (pending joiners). */
static enum status do_members(struct session *s, struct roomfile *rf, const char *arg,
			      void *ctx)
{
	struct call_ctx *cc = ctx;
	struct client *c = session_client(s);
	struct listed_member *list = NULL;
	size_t n = 0;
	bool admitted;
	json_t *arr;
	enum status st = roomsync_sync(c, rf, &admitted);

	if (st == ST_OK)
		st = roomsync_members(c, rf, &list, &n);
	cc->result = json_pack("{s:[], s:[], s:s, s:b}", "members", "banned", "creator",
			       rf->creator, "approve", rf->settings.approve);
	arr = cc->result ? json_object_get(cc->result, "members") : NULL;
	for (size_t i = 0; st == ST_OK && arr && i < rf->state.n_members; i++) {
		struct listed_member own = {.rec = rf->state.members[i],
					    .relay_status = WIRE_ADMITTED, .in_state = true,
					    .mac_ok = true, .keys_ok = true};

		json_array_append_new(arr, member_json(rf, &own));
	}
	for (size_t i = 0; st == ST_OK && cc->result && i < rf->state.n_banned; i++) {
		char fp[FINGERPRINT_LEN];

		if (!fingerprint_member(fp, &rf->state.banned[i]))
			snprintf(fp, sizeof fp, "?");
		json_array_append_new(json_object_get(cc->result, "banned"),
				      json_pack("{s:s, s:s}", "name", rf->state.banned[i].name,
						"fingerprint", fp));
	}
	for (size_t i = 0; st == ST_OK && arr && i < n; i++) {
		members_check(rf, &list[i]);
		if (!wire_state_find(&rf->state, list[i].rec.name))
			json_array_append_new(arr, member_json(rf, &list[i]));
	}
	free(list);
	return st;
}

static enum status verify(struct session *s, struct roomfile *rf, const char *name,
			  struct call_ctx *cc, bool accept)
{
	const struct known_keys *k = NULL;
	char fp[FINGERPRINT_LEN];
	enum status st = verify_keys(session_client(s), rf, name, accept, fp, &k);

	if (st == ST_OK)
		cc->result = json_pack("{s:s, s:s, s:s}", "name", name, "fingerprint", fp, "trust",
				       k->changed ? "KEYS-CHANGED" : k->verified ? "verified"
										 : "unverified");
	return st;
}

static enum status do_verify(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return verify(s, rf, arg, ctx, false);
}

static enum status do_accept(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return verify(s, rf, arg, ctx, true);
}

static enum status do_leave(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return membership_leave(session_client(s), rf);
}

static struct outcome run_on_room(struct webapi *a, const char *room, room_fn fn,
				  const char *arg);

/* A call on an open room, with its room file locked. */
static struct outcome with_room(struct webapi *a, json_t *args, room_fn fn, bool takes_name)
{
	const char *room = NULL, *name = NULL;
	json_error_t jerr;
	int bad = takes_name ? json_unpack_ex(args, &jerr, JSON_STRICT, "{s:s, s:s}", "room",
					      &room, "name", &name)
			     : json_unpack_ex(args, &jerr, JSON_STRICT, "{s:s}", "room", &room);

	if (bad || !name_room_valid(room) || (takes_name && !name_member_valid(name)))
		return failed(a, client_fail(a->c, ST_USAGE, "bad arguments: %s", bad ? jerr.text :
					     "not a valid room or member name"));
	return run_on_room(a, room, fn, name);
}

/* `fn` on room (valid, open or opened now) with `arg`. */
static struct outcome run_on_room(struct webapi *a, const char *room, room_fn fn,
				  const char *arg)
{
	struct call_ctx cc = {.a = a};
	const char *name = arg;
	enum status st;

	st = open_room(a, room, &cc.r);
	if (st == ST_OK && cc.r->ended)
		st = client_fail(a->c, ST_NOT_MEMBER, "the session of %s has ended", room);
	if (st == ST_OK)
		st = session_with_room(cc.r->s, fn, name, &cc);
	if (st != ST_OK) {
		json_decref(cc.result);
		return failed(a, st);
	}
	cc.r->next_ms = 0; /* show the action's effect at once */
	return ok(cc.result);
}

static struct outcome call_kick(struct webapi *a, json_t *args)
{
	return with_room(a, args, do_kick, true);
}

static struct outcome call_deny(struct webapi *a, json_t *args)
{
	return with_room(a, args, do_deny, true);
}

/* Protocol v2's admin actions, as the verbs unban, admin and password. */
static enum status do_unban(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return roomadmin_unban(session_client(s), rf, arg);
}

static enum status do_make_admin(struct session *s, struct roomfile *rf, const char *arg,
				 void *ctx)
{
	return roomadmin_admin(session_client(s), rf, arg, false);
}

static enum status do_drop_admin(struct session *s, struct roomfile *rf, const char *arg,
				 void *ctx)
{
	return roomadmin_admin(session_client(s), rf, arg, true);
}

static enum status do_password(struct session *s, struct roomfile *rf, const char *arg,
			       void *ctx)
{
	return roomadmin_password(session_client(s), rf, arg, strlen(arg));
}

static struct outcome call_admin(struct webapi *a, json_t *args)
{
	const char *room, *name;
	int remove = 0;
	json_error_t jerr;

	if (json_unpack_ex(args, &jerr, JSON_STRICT, "{s:s, s:s, s?b}", "room", &room, "name",
			   &name, "remove", &remove))
		return failed(a, client_fail(a->c, ST_USAGE, "bad arguments: %s", jerr.text));
	if (!name_room_valid(room) || !name_member_valid(name))
		return failed(a, client_fail(a->c, ST_USAGE, "not a valid room or member name"));
	return run_on_room(a, room, remove ? do_drop_admin : do_make_admin, name);
}

/* unban takes a name or a fingerprint (hex digits and spaces). */
static struct outcome call_unban(struct webapi *a, json_t *args)
{
	const char *room, *who;
	json_error_t jerr;

	if (json_unpack_ex(args, &jerr, JSON_STRICT, "{s:s, s:s}", "room", &room, "who", &who))
		return failed(a, client_fail(a->c, ST_USAGE, "bad arguments: %s", jerr.text));
	if (!name_room_valid(room) || strlen(who) >= FINGERPRINT_LEN + E2E_MEMBER_NAME_MAX)
		return failed(a, client_fail(a->c, ST_USAGE, "not a valid room, name or fingerprint"));
	return run_on_room(a, room, do_unban, who);
}

/* The new password crosses once, in this body (wiped by the server). */
static struct outcome call_password(struct webapi *a, json_t *args)
{
	const char *room, *password;
	json_error_t jerr;

	if (json_unpack_ex(args, &jerr, JSON_STRICT, "{s:s, s:s}", "room", &room, "password",
			   &password))
		return failed(a, client_fail(a->c, ST_USAGE, "bad arguments: %s", jerr.text));
	if (!name_room_valid(room))
		return failed(a, client_fail(a->c, ST_USAGE, "'%s' is not a valid room name", room));
	return run_on_room(a, room, do_password, password);
}

static struct outcome call_approve(struct webapi *a, json_t *args)
{
	return with_room(a, args, do_approve, true);
}

static struct outcome call_admit(struct webapi *a, json_t *args)
{
	return with_room(a, args, do_admit, false);
}

static struct outcome call_rotate(struct webapi *a, json_t *args)
{
	return with_room(a, args, do_rotate, false);
}

static struct outcome call_members(struct webapi *a, json_t *args)
{
	return with_room(a, args, do_members, false);
}

static struct outcome call_verify(struct webapi *a, json_t *args)
{
	const char *room, *name;
	int accept = 0;
	json_error_t jerr;
	json_t *rest;
	struct outcome o;

	if (json_unpack_ex(args, &jerr, JSON_STRICT, "{s:s, s:s, s?b}", "room", &room, "name",
			   &name, "accept", &accept))
		return failed(a, client_fail(a->c, ST_USAGE, "bad arguments: %s", jerr.text));
	rest = json_pack("{s:s, s:s}", "room", room, "name", name);
	o = with_room(a, rest, accept ? do_accept : do_verify, true);
	json_decref(rest);
	return o;
}

static struct outcome call_leave(struct webapi *a, json_t *args)
{
	const char *room = NULL;
	struct outcome o = with_room(a, args, do_leave, false);
	struct webroom *r = NULL;

	if (o.http == 200 && !json_unpack(args, "{s:s}", "room", &room))
		r = find_room(a, room);
	if (r) {
		r->ended = true;
		publish(r, "ended", json_pack("{s:s, s:s}", "error", "left", "message",
					      "you left the room"));
		drop_room(a, r);
	}
	return o;
}

static json_t *room_json(struct webapi *a, struct webroom *r)
{
	json_t *j = json_pack("{s:s, s:b, s:b, s:b, s:b, s:I, s:O, s:I}", "room", r->name,
			      "admitted", r->admitted, "admin", r->admin, "ended", r->ended,
			      "away", r->away, "queued", (json_int_t)r->queued, "messages",
			      r->history, "last", (json_int_t)hub_last(a->hub));

	return j;
}

static struct outcome call_open(struct webapi *a, json_t *args)
{
	const char *room;
	struct webroom *r;
	json_error_t jerr;
	enum status st;

	if (json_unpack_ex(args, &jerr, JSON_STRICT, "{s:s}", "room", &room) ||
	    !name_room_valid(room))
		return failed(a, client_fail(a->c, ST_USAGE, "bad arguments: %s",
					     "room: a valid room name"));
	st = open_room(a, room, &r);
	if (st != ST_OK)
		return failed(a, st);
	if (r->next_ms == 0 && !r->ended)
		step_room(a, r); /* new: the answer says whether it is admitted */
	if (r->ended) { /* opened again after it ended (a new membership?) */
		drop_room(a, r);
		st = open_room(a, room, &r);
		if (st != ST_OK)
			return failed(a, st);
	}
	r->next_ms = 0;
	return ok(room_json(a, r));
}

/* Create or join: the password goes to membership_enter once, as if
 * typed, and is wiped with the request. */
static struct outcome call_join(struct webapi *a, json_t *args)
{
	const char *room, *password = NULL, *history = NULL;
	size_t password_len = 0;
	int approve = 0;
	json_error_t jerr;
	struct roomfile *rf = NULL;
	bool saved_approve = a->c->approve;
	enum wire_history saved_history = a->c->history;
	json_t *only_room;
	struct outcome o;
	enum status st;

	if (json_unpack_ex(args, &jerr, JSON_STRICT, "{s:s, s?s%, s?b, s?s}", "room", &room,
			   "password", &password, &password_len, "approve", &approve, "history",
			   &history))
		return failed(a, client_fail(a->c, ST_USAGE, "bad arguments: %s", jerr.text));
	if (!name_room_valid(room))
		return failed(a, client_fail(a->c, ST_USAGE, "'%s' is not a valid room name", room));
	if (history && !wire_history_parse(history, &a->c->history))
		return failed(a, client_fail(a->c, ST_USAGE, "history is joined or shared"));
	a->c->approve = approve;
	a->c->given_password = password ? password : ""; /* never asked on a terminal */
	a->c->given_password_len = password_len;
	/* without a password: only a membership this profile already has */
	st = membership_enter(a->c, room, password != NULL, &rf);
	if (st == ST_NOT_MEMBER && !password)
		st = client_fail(a->c, ST_USAGE, "type the password of %s to create or join it",
				 room);
	roomfile_close(rf);
	a->c->given_password = NULL;
	a->c->given_password_len = 0;
	a->c->approve = saved_approve;
	a->c->history = saved_history;
	if (st != ST_OK)
		return failed(a, st);
	only_room = json_pack("{s:s}", "room", room);
	o = call_open(a, only_room);
	json_decref(only_room);
	return o;
}

static struct outcome call_send(struct webapi *a, json_t *args)
{
	const char *room, *text;
	size_t len;
	struct webroom *r;
	json_error_t jerr;
	enum status st;

	if (json_unpack_ex(args, &jerr, JSON_STRICT, "{s:s, s:s%}", "room", &room, "text", &text,
			   &len))
		return failed(a, client_fail(a->c, ST_USAGE, "bad arguments: %s", jerr.text));
	if (!name_room_valid(room))
		return failed(a, client_fail(a->c, ST_USAGE, "'%s' is not a valid room name", room));
	if (len == 0 || len > E2E_TEXT_MAX)
		return failed(a, client_fail(a->c, ST_USAGE, "a message is 1 to %d bytes",
					     E2E_TEXT_MAX));
	st = open_room(a, room, &r);
	if (st == ST_OK && !r->admitted)
		st = client_fail(a->c, ST_PENDING, "not admitted to %s yet", room);
	if (st == ST_OK)
		st = session_send(r->s, text, len);
	if (st != ST_OK)
		return failed(a, st);
	r->next_ms = 0;
	return ok(NULL);
}

struct state_ctx {
	struct webapi *a;
	json_t *rooms;
};

static void state_room(const struct store_room_info *info, void *ctx)
{
	struct state_ctx *sc = ctx;
	struct webroom *r;

	if (strcmp(info->relay, sc->a->c->relay) != 0)
		return; /* another relay's: e2e-chat web --relay URL serves it */
	r = find_room(sc->a, info->room);
	json_array_append_new(sc->rooms,
		json_pack("{s:s, s:s, s:I, s:I, s:b, s:b}", "room", info->room, "role",
			  rooms_role(sc->a->c, info->relay, info->room), "unread",
			  (json_int_t)info->unread, "queued", (json_int_t)info->queued, "open",
			  r != NULL, "ended", r && r->ended));
}

static struct outcome call_state(struct webapi *a, json_t *args)
{
	struct state_ctx sc = {a, NULL};
	json_error_t jerr;

	if (json_unpack_ex(args, &jerr, JSON_STRICT, "{}"))
		return failed(a, client_fail(a->c, ST_USAGE, "bad arguments: %s", jerr.text));
	sc.rooms = json_array();
	if (!sc.rooms || !store_each_room(a->c->store, state_room, &sc)) {
		json_decref(sc.rooms);
		return failed(a, client_store_fail(a->c));
	}
	return ok(json_pack("{s:s, s:s, s:o, s:I}", "me", a->c->name, "relay", a->c->relay,
			    "rooms", sc.rooms, "last", (json_int_t)hub_last(a->hub)));
}

/* The table of calls. Protocol v2's admin calls (ban, password, admins)
 * go beside kick: a row here and a room_fn above. */
static const struct {
	const char *name;
	struct outcome (*run)(struct webapi *a, json_t *args);
} calls[] = {
	{"state", call_state},
	{"join", call_join},
	{"open", call_open},
	{"send", call_send},
	{"members", call_members},
	{"verify", call_verify},
	{"admit", call_admit},
	{"approve", call_approve},
	{"deny", call_deny},
	{"kick", call_kick},
	{"unban", call_unban},
	{"admin", call_admin},
	{"password", call_password},
	{"rotate", call_rotate},
	{"leave", call_leave},
};

bool webapi_known(const char *name)
{
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (strcmp(calls[i].name, name) == 0)
			return true;
	return false;
}

void webapi_run(struct webapi *a, struct hub_call *call)
{
	struct outcome o = {404, json_pack("{s:s, s:s}", "error", "no_such_call", "message",
					   "no such API call")};

	a->c->err[0] = '\0';
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		if (strcmp(calls[i].name, call->op) != 0)
			continue;
		json_decref(o.result);
		o = calls[i].run(a, call->args);
		break;
	}
	hub_finish(a->hub, call, o.http, o.result);
}

struct webapi *webapi_new(struct client *c, struct hub *hub)
{
	struct webapi *a = calloc(1, sizeof *a);

	if (a)
		*a = (struct webapi){.c = c, .hub = hub};
	return a;
}

void webapi_free(struct webapi *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		room_free(a->rooms[i]);
	free(a);
}
