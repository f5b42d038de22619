/* relay.h - the relay's API, typed: one function per endpoint the client
 * uses (docs/PROTOCOL.md, "The relay's API"). This module owns every
 * /v1/... path the client sends and the mapping from a reply to an
 * enum status, in one table (relay.c); no other module builds a path or
 * reads a reply's status.
 *
 * Invariants:
 * - A path is built only from names that name_room_valid /
 *   name_member_valid accept (nothing is URL-escaped because nothing
 *   needs it), into a buffer of RELAY_PATH_MAX bytes that always fits.
 * - Every function returns a status with c->err set when it is not
 *   ST_OK (client_fail), and fills `r` (never NULL) so that the caller
 *   decides on values (r->err, r->http_status), never on message text.
 * - ST_UNREACHABLE means exactly "the relay did not answer": retrying
 *   later may help. A relay that answered garbage is ST_ERROR. */
#ifndef E2E_RELAY_H
#define E2E_RELAY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "error.h"
#include "proto.h"

/* The longest path is ".../messages?after=N&limit=N&wait=N" with the
 * longest room name and the longest numbers: 143 bytes (relay.c checks
 * this at compile time). */
#define RELAY_PATH_MAX 256

/* The endpoints the client calls; each has its row(s) in relay.c's table. */
enum relay_endpoint {
	RELAY_ROOM_CREATE,   /* POST /v1/rooms */
	RELAY_ROOM_GET,      /* GET /v1/rooms/R */
	RELAY_CHALLENGE,     /* POST /v1/rooms/R/challenges */
	RELAY_JOIN,          /* POST /v1/rooms/R/members */
	RELAY_MEMBERS_GET,   /* GET /v1/rooms/R/members */
	RELAY_MEMBER_REMOVE, /* DELETE /v1/rooms/R/members/NAME by the creator */
	RELAY_LEAVE,         /* DELETE /v1/rooms/R/members/ME */
	RELAY_STATE_GET,     /* GET /v1/rooms/R/state */
	RELAY_STATE_POST,    /* POST /v1/rooms/R/state */
	RELAY_STATES_GET,    /* GET /v1/rooms/R/states?after= */
	RELAY_WRAPS_GET,     /* GET /v1/rooms/R/wraps */
	RELAY_MESSAGE_POST,  /* POST /v1/rooms/R/messages */
	RELAY_MESSAGES_GET,  /* GET /v1/rooms/R/messages?after=&limit= */
	RELAY_MESSAGES_WAIT, /* the same with &wait=: a long-poll */
	RELAY__COUNT
};

/* What a call leaves besides its status. */
struct relay_reply {
	long http_status; /* 0: the relay was not reached */
	/* E2E_OK on success; the relay's code on a refusal; E2E_ERR__COUNT
	 * when the code is unknown, the 2xx body was garbage, or no answer. */
	enum e2e_err err;
	json_t *body; /* on ST_OK: the reply's object (owned), else NULL */
};

void relay_reply_clear(struct relay_reply *r);

/* The status an endpoint's reply means: http_status 0 is ST_UNREACHABLE,
 * a 2xx with E2E_OK is ST_OK, a 2xx with anything else (garbage) is
 * ST_ERROR, and a refusal is looked up in the table (ST_ERROR unless a
 * row says otherwise). Pure: tests/unit/test_relay.c. */
enum status relay_status_of(enum relay_endpoint ep, long http_status, enum e2e_err err);

/* POST /v1/rooms with the create body `req`. E2E_ERR_ROOM_EXISTS in
 * r->err (ST_NOT_MEMBER) says another client created it first. On ST_OK
 * `token` holds the creator's member token. */
enum status relay_room_create(struct client *c, const char *room, json_t *req,
			      uint8_t token[static E2E_TOKEN_BYTES], struct relay_reply *r);

/* GET /v1/rooms/R: the public parameters in r->body (the caller unpacks
 * them: a joiner refuses bad ones, a member only warns). No such room:
 * ST_NOT_MEMBER. */
enum status relay_room_get(struct client *c, const char *room, struct relay_reply *r);

/* POST /v1/rooms/R/challenges: a join nonce. */
enum status relay_challenge(struct client *c, const char *room,
			    uint8_t nonce[static E2E_NONCE_BYTES], struct relay_reply *r);

/* POST /v1/rooms/R/members with the join body `req` for member `name`.
 * Wrong password: ST_WRONG_PASSWORD; name taken: ST_NOT_MEMBER. On ST_OK
 * `token` holds the new member's token. */
enum status relay_join(struct client *c, const char *room, const char *name, json_t *req,
		       uint8_t token[static E2E_TOKEN_BYTES], struct relay_reply *r);

/* GET /v1/rooms/R/members: *members (borrowed from r->body) is an array
 * of at most E2E_ROOM_MEMBERS_MAX entries, unpacked by the caller. */
enum status relay_members_get(struct client *c, const char *room, json_t **members,
			      struct relay_reply *r);

/* DELETE /v1/rooms/R/members/NAME by an admin: declining a pending
 * member. Not a member, or one the signed state lists: ST_USAGE. */
enum status relay_member_remove(struct client *c, const char *room, const char *name,
				struct relay_reply *r);

/* DELETE /v1/rooms/R/members/ME: leaving. Already removed counts as done. */
enum status relay_leave(struct client *c, const char *room, const char *me,
			struct relay_reply *r);

/* GET /v1/rooms/R/state: the signed state's object in r->body (the
 * caller checks it and warns, rather than fails, when it is bad). */
enum status relay_state_get(struct client *c, const char *room, struct relay_reply *r);

/* GET /v1/rooms/R/states?after=N: *states (borrowed from r->body) is
 * an array of at most E2E_STATES_READ_MAX signed states, oldest first,
 * each of a revision above N (the caller checks every one). */
enum status relay_states_get(struct client *c, const char *room, uint64_t after,
			     json_t **states, struct relay_reply *r);

/* POST /v1/rooms/R/state with `req` ({"state", "wraps"}). */
enum status relay_state_post(struct client *c, const char *room, json_t *req,
			     struct relay_reply *r);

/* GET /v1/rooms/R/wraps: *wraps (borrowed from r->body) is an array. */
enum status relay_wraps_get(struct client *c, const char *room, json_t **wraps,
			    struct relay_reply *r);

/* POST /v1/rooms/R/messages with the message `req`; *seq (may be NULL)
 * is the relay's number for it. Not admitted: ST_PENDING. A refusal
 * leaves r->http_status and r->err for the caller to tell a counter
 * already used (409) or a passing trouble (5xx, 429, 408) from the rest. */
enum status relay_message_post(struct client *c, const char *room, json_t *req, uint64_t *seq,
			       struct relay_reply *r);

/* GET /v1/rooms/R/messages?after=AFTER&limit=LIMIT: *messages (borrowed
 * from r->body) is an array of at most `limit`. Not admitted: ST_PENDING. */
enum status relay_messages_get(struct client *c, const char *room, uint64_t after,
			       unsigned limit, json_t **messages, struct relay_reply *r);

/* The same as a long-poll of up to `wait_s` seconds (at most E2E_WAIT_MAX),
 * abandoned when one of `wake_fds` (at most 4) becomes readable: then
 * ST_OK, *woken true and *messages NULL. ST_UNREACHABLE: the relay went
 * away (a restart); the caller may ask again with the same `after`. */
enum status relay_messages_wait(struct client *c, const char *room, uint64_t after,
				unsigned limit, unsigned wait_s, const int *wake_fds,
				size_t n_wake, bool *woken, json_t **messages,
				struct relay_reply *r);


#endif
