/* relay.c - the typed relay API (see relay.h): paths from validated
 * names, one table from (endpoint, relay error) to a status and its
 * message, and the checks on the shape of each success reply. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "b64.h"
#include "names.h"
#include "relay.h"

/* The words for a status, chosen by the table; the text itself is in
 * say(), where printf can check each format against its arguments. */
enum relay_text {
	TEXT_DETAIL,        /* the relay's own words, or curl's (api_reply.detail) */
	TEXT_NONE,          /* a refusal that means success: nothing to say */
	TEXT_REMOVED,       /* this member's token no longer works */
	TEXT_ROOM_EXISTS,   /* creating: someone else was first */
	TEXT_NO_ROOM,       /* no room of that name */
	TEXT_BAD_PROOF,     /* joining: the password was wrong */
	TEXT_NAME_TAKEN,    /* joining: another member has the name */
	TEXT_UNKNOWN_ME,    /* the relay does not know this member's token */
	TEXT_NO_MEMBER,     /* removing: no such member */
	TEXT_CREATOR_STAYS, /* removing: the creator cannot be */
	TEXT_NOT_ADMITTED,  /* messages: the creator has not admitted us yet */
};

/* A row applies to one endpoint, or with RELAY_ANY to all of them; the
 * first row that matches decides. A refusal without a row is ST_ERROR
 * with the relay's words. */
#define RELAY_ANY RELAY__COUNT

static const struct rule {
	enum relay_endpoint ep;
	enum e2e_err err;
	enum status st;
	enum relay_text text;
} rules[] = {
	/* Lost a race: the caller joins the room instead. */
	{RELAY_ROOM_CREATE, E2E_ERR_ROOM_EXISTS, ST_NOT_MEMBER, TEXT_ROOM_EXISTS},
	{RELAY_ROOM_GET, E2E_ERR_NO_ROOM, ST_NOT_MEMBER, TEXT_NO_ROOM},
	{RELAY_JOIN, E2E_ERR_BAD_PROOF, ST_WRONG_PASSWORD, TEXT_BAD_PROOF},
	{RELAY_JOIN, E2E_ERR_NAME_TAKEN, ST_NOT_MEMBER, TEXT_NAME_TAKEN},
	{RELAY_MEMBERS_GET, E2E_ERR_UNAUTHORIZED, ST_NOT_MEMBER, TEXT_UNKNOWN_ME},
	{RELAY_STATE_GET, E2E_ERR_UNAUTHORIZED, ST_NOT_MEMBER, TEXT_UNKNOWN_ME},
	{RELAY_STATES_GET, E2E_ERR_UNAUTHORIZED, ST_NOT_MEMBER, TEXT_UNKNOWN_ME},
	{RELAY_WRAPS_GET, E2E_ERR_UNAUTHORIZED, ST_NOT_MEMBER, TEXT_UNKNOWN_ME},
	{RELAY_MEMBER_REMOVE, E2E_ERR_NO_MEMBER, ST_USAGE, TEXT_NO_MEMBER},
	{RELAY_MEMBER_REMOVE, E2E_ERR_CREATOR_STAYS, ST_USAGE, TEXT_CREATOR_STAYS},
	/* Leaving twice (a lost answer, a second try) is leaving. */
	{RELAY_LEAVE, E2E_ERR_REMOVED, ST_OK, TEXT_NONE},
	{RELAY_MESSAGE_POST, E2E_ERR_NOT_ADMITTED, ST_PENDING, TEXT_NOT_ADMITTED},
	{RELAY_MESSAGES_GET, E2E_ERR_NOT_ADMITTED, ST_PENDING, TEXT_NOT_ADMITTED},
	{RELAY_MESSAGES_WAIT, E2E_ERR_NOT_ADMITTED, ST_PENDING, TEXT_NOT_ADMITTED},
	{RELAY_ANY, E2E_ERR_REMOVED, ST_NOT_MEMBER, TEXT_REMOVED},
};

static const struct rule no_rule = {RELAY_ANY, E2E_ERR__COUNT, ST_ERROR, TEXT_DETAIL};

static const struct rule *rule_of(enum relay_endpoint ep, enum e2e_err err)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if ((rules[i].ep == ep || rules[i].ep == RELAY_ANY) && rules[i].err == err)
			return &rules[i];
	return &no_rule;
}

static bool http_ok(long http_status)
{
	return http_status >= 200 && http_status <= 299;
}

enum status relay_status_of(enum relay_endpoint ep, long http_status, enum e2e_err err)
{
	if (http_status == 0)
		return ST_UNREACHABLE;
	if (http_ok(http_status))
		return err == E2E_OK ? ST_OK : ST_ERROR;
	return rule_of(ep, err)->st;
}

/* Set c->err for status `st`; the names are the ones the call was for. */
static enum status say(struct client *c, enum status st, enum relay_text text,
		       const char *room, const char *name, const char *detail)
{
	switch (text) {
	case TEXT_NONE:
		return st;
	case TEXT_REMOVED:
		return client_fail(c, st, "you left or were removed from this room, or your request "
				   "to join it was turned down (declined, or the room password changed "
				   "before you were admitted: join again with the new one)");
	case TEXT_ROOM_EXISTS:
		return client_fail(c, st, "room %s was created by someone else just now", room);
	case TEXT_NO_ROOM:
		return client_fail(c, st, "no room %s on %s", room, c->relay_url);
	case TEXT_BAD_PROOF:
		return client_fail(c, st, "wrong password for room %s", room);
	case TEXT_NAME_TAKEN:
		return client_fail(c, st, "the name %s is taken in room %s; choose another with "
				   "--name NAME", name, room);
	case TEXT_UNKNOWN_ME:
		return client_fail(c, st, "the relay no longer knows you in room %s", room);
	case TEXT_NO_MEMBER:
		return client_fail(c, st, "%s is not a member of room %s", name, room);
	case TEXT_CREATOR_STAYS:
		return client_fail(c, st, "the room's creator cannot be removed");
	case TEXT_NOT_ADMITTED:
		return client_fail(c, st, "not admitted to room %s yet", room);
	case TEXT_DETAIL:
		break;
	}
	return client_fail(c, st, "%s", detail);
}

void relay_reply_clear(struct relay_reply *r)
{
	json_decref(r->body);
	*r = (struct relay_reply){.err = E2E_ERR__COUNT};
}

/* api.c's result as a relay_reply and a status with its message. */
static enum status conclude(struct client *c, enum relay_endpoint ep, int rc,
			    struct api_reply *ar, const char *room, const char *name,
			    struct relay_reply *r)
{
	enum status st;

	r->http_status = ar->http_status;
	/* rc < 0 with a status: a 2xx whose body is not a JSON object */
	r->err = rc == 0 ? ar->err : E2E_ERR__COUNT;
	st = relay_status_of(ep, r->http_status, r->err);
	if (st == ST_OK) {
		r->body = ar->body;
		ar->body = NULL;
		return ST_OK;
	}
	if (http_ok(r->http_status) || r->http_status == 0)
		return say(c, st, TEXT_DETAIL, room, name, ar->detail);
	return say(c, st, rule_of(ep, r->err)->text, room, name, ar->detail);
}

/* A reply that is a 2xx but not of the endpoint's shape. */
static enum status malformed(struct client *c, struct relay_reply *r, const char *what)
{
	json_decref(r->body);
	r->body = NULL;
	r->err = E2E_ERR__COUNT;
	return client_fail(c, ST_ERROR, "%s", what);
}

static enum status bad_room(struct client *c)
{
	/* The name is not repeated: it may hold anything, terminal codes too. */
	return client_fail(c, ST_USAGE, "not a valid room name (1 to %d of A-Z a-z 0-9 . _ -, "
			   "starting with a letter or digit)", E2E_ROOM_NAME_MAX);
}

/* The longest query messages_path writes, and the longest path: a
 * path cut short would be another request, so it must never happen. */
#define RELAY_QUERY_MAX (sizeof "/messages?after=&limit=&wait=" - 1 + 20 + 10 + 10)
_Static_assert(sizeof "/v1/rooms/" - 1 + E2E_ROOM_NAME_MAX + RELAY_QUERY_MAX < RELAY_PATH_MAX,
	       "RELAY_PATH_MAX holds every path");
_Static_assert(sizeof "/v1/rooms//members/" - 1 + E2E_ROOM_NAME_MAX + E2E_MEMBER_NAME_MAX <
		       RELAY_PATH_MAX,
	       "RELAY_PATH_MAX holds every member path");

/* "/v1/rooms/ROOM" followed by `tail` (a literal of this file). */
static enum status room_path(struct client *c, char path[static RELAY_PATH_MAX],
			     const char *room, const char *tail)
{
	if (!name_room_valid(room))
		return bad_room(c);
	snprintf(path, RELAY_PATH_MAX, "/v1/rooms/%s%s", room, tail);
	return ST_OK;
}

static enum status member_path(struct client *c, char path[static RELAY_PATH_MAX],
			       const char *room, const char *name)
{
	if (!name_room_valid(room))
		return bad_room(c);
	if (!name_member_valid(name))
		return client_fail(c, ST_USAGE, "not a valid member name (1 to %d of A-Z a-z 0-9 "
				   ". _ -, starting with a letter or digit)", E2E_MEMBER_NAME_MAX);
	snprintf(path, RELAY_PATH_MAX, "/v1/rooms/%s/members/%s", room, name);
	return ST_OK;
}

/* One ordinary request. `name` is the member the messages speak of. */
static enum status call(struct client *c, enum relay_endpoint ep, const char *method,
			const char *path, json_t *body, const char *room, const char *name,
			struct relay_reply *r)
{
	struct api_reply ar;
	int rc = api_call(c->api, method, path, body, &ar);
	enum status st = conclude(c, ep, rc, &ar, room, name, r);

	api_reply_clear(&ar);
	return st;
}

static void reply_init(struct relay_reply *r)
{
	*r = (struct relay_reply){.err = E2E_ERR__COUNT};
}

/* A member token from a create or join reply. */
static enum status take_token(struct client *c, struct relay_reply *r,
			      uint8_t token[static E2E_TOKEN_BYTES])
{
	const char *b64 = NULL;

	if (json_unpack(r->body, "{s:s}", "token", &b64) != 0 ||
	    !b64_decode_exact(token, E2E_TOKEN_BYTES, b64))
		return malformed(c, r, "the relay's reply has no valid token");
	return ST_OK;
}

enum status relay_room_create(struct client *c, const char *room, json_t *req,
			      uint8_t token[static E2E_TOKEN_BYTES], struct relay_reply *r)
{
	enum status st;

	reply_init(r);
	if (!name_room_valid(room))
		return bad_room(c);
	st = call(c, RELAY_ROOM_CREATE, "POST", "/v1/rooms", req, room, "", r);
	if (st == ST_OK)
		st = take_token(c, r, token);
	return st;
}

enum status relay_room_get(struct client *c, const char *room, struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	enum status st;

	reply_init(r);
	st = room_path(c, path, room, "");
	if (st == ST_OK)
		st = call(c, RELAY_ROOM_GET, "GET", path, NULL, room, "", r);
	return st;
}

enum status relay_challenge(struct client *c, const char *room,
			    uint8_t nonce[static E2E_NONCE_BYTES], struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	json_t *empty = json_object();
	const char *b64 = NULL;
	enum status st;

	reply_init(r);
	st = room_path(c, path, room, "/challenges");
	if (st == ST_OK)
		st = call(c, RELAY_CHALLENGE, "POST", path, empty, room, "", r);
	if (st == ST_OK && (json_unpack(r->body, "{s:s}", "nonce", &b64) != 0 ||
			    !b64_decode_exact(nonce, E2E_NONCE_BYTES, b64)))
		st = malformed(c, r, "the relay sent an invalid join challenge");
	json_decref(empty);
	return st;
}

enum status relay_join(struct client *c, const char *room, const char *name, json_t *req,
		       uint8_t token[static E2E_TOKEN_BYTES], struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	enum status st;

	reply_init(r);
	st = room_path(c, path, room, "/members");
	if (st == ST_OK)
		st = call(c, RELAY_JOIN, "POST", path, req, room, name, r);
	if (st == ST_OK)
		st = take_token(c, r, token);
	return st;
}

/* r->body's `key` as an array of at most `max` entries, or NULL. */
static json_t *array_of(const struct relay_reply *r, const char *key, size_t max)
{
	json_t *arr = json_object_get(r->body, key);

	return json_is_array(arr) && json_array_size(arr) <= max ? arr : NULL;
}

/* GET /v1/rooms/R/<what>, a member's view of the room. */
static enum status member_get(struct client *c, enum relay_endpoint ep, const char *room,
			      const char *tail, struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	enum status st;

	reply_init(r);
	st = room_path(c, path, room, tail);
	if (st == ST_OK)
		st = call(c, ep, "GET", path, NULL, room, "", r);
	return st;
}

enum status relay_members_get(struct client *c, const char *room, json_t **members,
			      struct relay_reply *r)
{
	enum status st = member_get(c, RELAY_MEMBERS_GET, room, "/members", r);

	*members = st == ST_OK ? array_of(r, "members", E2E_ROOM_MEMBERS_MAX) : NULL;
	if (st == ST_OK && !*members)
		st = malformed(c, r, "the relay sent an invalid member list");
	return st;
}

enum status relay_member_remove(struct client *c, const char *room, const char *name,
				struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	enum status st;

	reply_init(r);
	st = member_path(c, path, room, name);
	if (st == ST_OK)
		st = call(c, RELAY_MEMBER_REMOVE, "DELETE", path, NULL, room, name, r);
	return st;
}

enum status relay_leave(struct client *c, const char *room, const char *me,
			struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	enum status st;

	reply_init(r);
	st = member_path(c, path, room, me);
	if (st == ST_OK)
		st = call(c, RELAY_LEAVE, "DELETE", path, NULL, room, me, r);
	return st;
}

enum status relay_state_get(struct client *c, const char *room, struct relay_reply *r)
{
	return member_get(c, RELAY_STATE_GET, room, "/state", r);
}

enum status relay_states_get(struct client *c, const char *room, uint64_t after,
			     json_t **states, struct relay_reply *r)
{
	char tail[64];
	enum status st;

	snprintf(tail, sizeof tail, "/states?after=%llu", (unsigned long long)after);
	st = member_get(c, RELAY_STATES_GET, room, tail, r);
	*states = st == ST_OK ? array_of(r, "states", E2E_STATES_READ_MAX) : NULL;
	if (st == ST_OK && !*states)
		st = malformed(c, r, "the relay sent an invalid state history");
	return st;
}

enum status relay_state_post(struct client *c, const char *room, json_t *req,
			     struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	enum status st;

	reply_init(r);
	st = room_path(c, path, room, "/state");
	if (st == ST_OK)
		st = call(c, RELAY_STATE_POST, "POST", path, req, room, "", r);
	return st;
}

enum status relay_wraps_get(struct client *c, const char *room, json_t **wraps,
			    struct relay_reply *r)
{
	enum status st = member_get(c, RELAY_WRAPS_GET, room, "/wraps", r);

	/* No count of its own: one wrap per epoch the member was given, as
	 * many as the room has had; API_RESPONSE_MAX bounds the answer. */
	*wraps = st == ST_OK ? array_of(r, "wraps", SIZE_MAX) : NULL;
	if (st == ST_OK && !*wraps)
		st = malformed(c, r, "the relay sent an invalid wrap list");
	return st;
}

enum status relay_message_post(struct client *c, const char *room, json_t *req, uint64_t *seq,
			       struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	json_int_t n = 0;
	enum status st;

	reply_init(r);
	st = room_path(c, path, room, "/messages");
	if (st == ST_OK)
		st = call(c, RELAY_MESSAGE_POST, "POST", path, req, room, "", r);
	if (st == ST_OK && seq &&
	    (json_unpack(r->body, "{s:I}", "seq", &n) != 0 || n <= 0))
		st = malformed(c, r, "the relay sent an invalid answer to a message");
	if (st == ST_OK && seq)
		*seq = (uint64_t)n;
	return st;
}

static enum status messages_path(struct client *c, char path[static RELAY_PATH_MAX],
				 const char *room, uint64_t after, unsigned limit,
				 const unsigned *wait_s)
{
	char query[RELAY_QUERY_MAX + 1];

	if (wait_s)
		snprintf(query, sizeof query, "/messages?after=%" PRIu64 "&limit=%u&wait=%u",
			 after, limit, *wait_s);
	else
		snprintf(query, sizeof query, "/messages?after=%" PRIu64 "&limit=%u", after,
			 limit);
	return room_path(c, path, room, query);
}

/* The list of a 2xx messages reply, at most `limit` long. */
static enum status message_list(struct client *c, unsigned limit, json_t **messages,
				struct relay_reply *r)
{
	*messages = array_of(r, "messages", limit);
	if (!*messages)
		return malformed(c, r, "the relay sent an invalid message list");
	return ST_OK;
}

enum status relay_messages_get(struct client *c, const char *room, uint64_t after,
			       unsigned limit, json_t **messages, struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	enum status st;

	reply_init(r);
	*messages = NULL;
	st = messages_path(c, path, room, after, limit, NULL);
	if (st == ST_OK)
		st = call(c, RELAY_MESSAGES_GET, "GET", path, NULL, room, "", r);
	if (st == ST_OK)
		st = message_list(c, limit, messages, r);
	return st;
}

enum status relay_messages_wait(struct client *c, const char *room, uint64_t after,
				unsigned limit, unsigned wait_s, const int *wake_fds,
				size_t n_wake, bool *woken, json_t **messages,
				struct relay_reply *r)
{
	char path[RELAY_PATH_MAX];
	struct api_reply ar = {0};
	unsigned wait = wait_s < E2E_WAIT_MAX ? wait_s : E2E_WAIT_MAX;
	enum status st;
	int rc;

	reply_init(r);
	*woken = false;
	*messages = NULL;
	st = messages_path(c, path, room, after, limit, &wait);
	if (st != ST_OK)
		goto out;
	rc = api_call_wait(c->api, path, wait, wake_fds, n_wake, &ar);
	if (rc == 1) {
		*woken = true; /* abandoned: nothing was answered */
		goto out;
	}
	st = conclude(c, RELAY_MESSAGES_WAIT, rc, &ar, room, "", r);
	if (st == ST_OK)
		st = message_list(c, limit, messages, r);
out:
	api_reply_clear(&ar);
	return st;
}
