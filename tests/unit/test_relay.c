/* test_relay.c - the typed relay API's decisions (client/relay.c), with
 * no network: each endpoint's mapping from an answer (HTTP status and
 * relay error code) to a status, the shared rules that client_reply_fail
 * applies for modules still on api.c, and the refusal of names that
 * would make a bad path before anything is sent. */
#include <string.h>

#include "check.h"
#include "relay.h"

/* Every endpoint: what each answer means when no row of its own says
 * otherwise. */
static void test_shared(void)
{
	for (int ep = 0; ep < RELAY__COUNT; ep++) {
		CHECKF(relay_status_of(ep, 0, E2E_ERR__COUNT) == ST_UNREACHABLE, "ep %d", ep);
		CHECKF(relay_status_of(ep, 200, E2E_OK) == ST_OK, "ep %d", ep);
		CHECKF(relay_status_of(ep, 201, E2E_OK) == ST_OK, "ep %d", ep);
		/* a 2xx whose body was garbage */
		CHECKF(relay_status_of(ep, 200, E2E_ERR__COUNT) == ST_ERROR, "ep %d", ep);
		CHECKF(relay_status_of(ep, 500, E2E_ERR_INTERNAL) == ST_ERROR, "ep %d", ep);
		CHECKF(relay_status_of(ep, 400, E2E_ERR_BAD_FIELD) == ST_ERROR, "ep %d", ep);
		CHECKF(relay_status_of(ep, 418, E2E_ERR__COUNT) == ST_ERROR, "ep %d", ep);
		/* an error body that claims "ok" is still a refusal */
		CHECKF(relay_status_of(ep, 400, E2E_OK) == ST_ERROR, "ep %d", ep);
		CHECKF(relay_status_of(ep, 429, E2E_ERR_BUSY) == ST_ERROR, "ep %d", ep);
		if (ep != RELAY_LEAVE)
			CHECKF(relay_status_of(ep, 403, E2E_ERR_REMOVED) == ST_NOT_MEMBER, "ep %d",
			       ep);
	}
}

static const struct {
	enum relay_endpoint ep;
	long http;
	enum e2e_err err;
	enum status want;
} rows[] = {
	{RELAY_ROOM_CREATE, 409, E2E_ERR_ROOM_EXISTS, ST_NOT_MEMBER},
	{RELAY_ROOM_CREATE, 403, E2E_ERR_LIMIT, ST_ERROR},
	{RELAY_ROOM_GET, 404, E2E_ERR_NO_ROOM, ST_NOT_MEMBER},
	{RELAY_CHALLENGE, 404, E2E_ERR_NO_ROOM, ST_ERROR},
	{RELAY_CHALLENGE, 429, E2E_ERR_BUSY, ST_ERROR},
	{RELAY_JOIN, 403, E2E_ERR_BAD_PROOF, ST_WRONG_PASSWORD},
	{RELAY_JOIN, 409, E2E_ERR_NAME_TAKEN, ST_NOT_MEMBER},
	{RELAY_JOIN, 401, E2E_ERR_BAD_CHALLENGE, ST_ERROR},
	{RELAY_MEMBERS_GET, 401, E2E_ERR_UNAUTHORIZED, ST_NOT_MEMBER},
	{RELAY_STATE_GET, 401, E2E_ERR_UNAUTHORIZED, ST_NOT_MEMBER},
	{RELAY_WRAPS_GET, 401, E2E_ERR_UNAUTHORIZED, ST_NOT_MEMBER},
	{RELAY_MEMBER_REMOVE, 404, E2E_ERR_NO_MEMBER, ST_USAGE},
	{RELAY_MEMBER_REMOVE, 409, E2E_ERR_CREATOR_STAYS, ST_USAGE},
	{RELAY_MEMBER_REMOVE, 403, E2E_ERR_NOT_CREATOR, ST_ERROR},
	{RELAY_LEAVE, 403, E2E_ERR_REMOVED, ST_OK},
	{RELAY_LEAVE, 404, E2E_ERR_NO_MEMBER, ST_ERROR},
	{RELAY_STATE_POST, 409, E2E_ERR_STALE, ST_ERROR},
	{RELAY_STATE_POST, 401, E2E_ERR_UNAUTHORIZED, ST_ERROR},
	{RELAY_MESSAGE_POST, 403, E2E_ERR_NOT_ADMITTED, ST_PENDING},
	{RELAY_MESSAGE_POST, 409, E2E_ERR_COUNTER, ST_ERROR},
	{RELAY_MESSAGES_GET, 403, E2E_ERR_NOT_ADMITTED, ST_PENDING},
	{RELAY_MESSAGES_GET, 401, E2E_ERR_UNAUTHORIZED, ST_ERROR},
	{RELAY_MESSAGES_WAIT, 403, E2E_ERR_NOT_ADMITTED, ST_PENDING},
	/* rows are per endpoint: another endpoint's row does not apply */
	{RELAY_ROOM_GET, 403, E2E_ERR_BAD_PROOF, ST_ERROR},
	{RELAY_JOIN, 404, E2E_ERR_NO_ROOM, ST_ERROR},
	{RELAY_STATE_POST, 403, E2E_ERR_NOT_ADMITTED, ST_ERROR},
};

static void test_endpoints(void)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		CHECKF(relay_status_of(rows[i].ep, rows[i].http, rows[i].err) == rows[i].want,
		       "row %zu", i);
}

/* Bad names are refused before a path is built or a request made (the
 * client has no relay handle here: a request would crash). */
static void test_names(void)
{
	struct client c;
	struct relay_reply r;
	json_t *arr = NULL;
	const char *bad[] = {"", "../x", "a/b", "-a", "a b", "a?after=0",
			     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};

	memset(&c, 0, sizeof c);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECKF(relay_room_get(&c, bad[i], &r) == ST_USAGE, "room %zu", i);
		CHECKF(r.http_status == 0 && !r.body, "room %zu", i);
		CHECKF(relay_members_get(&c, bad[i], &arr, &r) == ST_USAGE && !arr, "room %zu",
		       i);
		CHECKF(relay_messages_get(&c, bad[i], 0, 10, &arr, &r) == ST_USAGE, "room %zu", i);
		CHECKF(relay_member_remove(&c, "room", bad[i], &r) == ST_USAGE, "name %zu", i);
		CHECKF(relay_leave(&c, "room", bad[i], &r) == ST_USAGE, "name %zu", i);
	}
	/* a name that is not valid is not repeated: it may hold anything */
	CHECK(relay_room_get(&c, "a?after=0", &r) == ST_USAGE && !strstr(c.err, "after"));
}

int main(void)
{
	test_shared();
	test_endpoints();
	test_names();
	return check_summary("test_relay");
}
