/* error.c - the one table that maps protocol errors to HTTP status,
 * stable code string and default message. */
#include <string.h>

#include "error.h"

static const struct e2e_err_info table[E2E_ERR__COUNT] = {
	[E2E_OK] = {"ok", 200, "ok"},
	[E2E_ERR_BAD_JSON] = {"bad_json", 400, "the body is not one valid JSON object"},
	[E2E_ERR_BAD_FIELD] = {"bad_field", 400, "a field is missing, unknown or invalid"},
	[E2E_ERR_BAD_VERSION] = {"bad_version", 400, "unsupported protocol version"},
	[E2E_ERR_BAD_NAME] = {"bad_name", 400, "room or member name not allowed"},
	[E2E_ERR_BAD_SIGNATURE] = {"bad_signature", 400, "a signature does not verify"},
	[E2E_ERR_UNAUTHORIZED] = {"unauthorized", 401, "missing or unknown member token"},
	[E2E_ERR_BAD_CHALLENGE] = {"bad_challenge", 401, "join challenge unknown, used or expired"},
	[E2E_ERR_BAD_PROOF] = {"bad_proof", 403, "wrong room password"},
	[E2E_ERR_NOT_ADMITTED] = {"not_admitted", 403, "not admitted to the room yet"},
	[E2E_ERR_NOT_CREATOR] = {"not_creator", 403, "only the room creator may do this"},
	[E2E_ERR_NOT_ADMIN] = {"not_admin", 403, "only an admin of the room may do this"},
	[E2E_ERR_REMOVED] = {"removed", 403, "you left or were removed from this room"},
	[E2E_ERR_LIMIT] = {"limit_reached", 403, "a limit of this relay is reached"},
	[E2E_ERR_NO_ROUTE] = {"no_route", 404, "no such endpoint"},
	[E2E_ERR_NO_ROOM] = {"no_room", 404, "no such room"},
	[E2E_ERR_NO_MEMBER] = {"no_member", 404, "no such member"},
	[E2E_ERR_METHOD] = {"method_not_allowed", 405, "method not allowed on this endpoint"},
	[E2E_ERR_ROOM_EXISTS] = {"room_exists", 409, "the room already exists"},
	[E2E_ERR_NAME_TAKEN] = {"name_taken", 409, "the member name is taken in this room"},
	[E2E_ERR_STALE] = {"stale_revision", 409, "the state revision is not the next one"},
	[E2E_ERR_COUNTER] = {"counter_reused", 409, "the message counter is not above the last one"},
	[E2E_ERR_CREATOR_STAYS] = {"creator_stays", 409, "the room's creator cannot leave or be removed"},
	[E2E_ERR_ADMIN_STAYS] = {"admin_stays", 409, "an admin leaves when another admin signs a state without it"},
	[E2E_ERR_IN_STATE] = {"in_state", 409, "an admitted member is removed with a signed state"},
	[E2E_ERR_TOO_LARGE] = {"body_too_large", 413, "the request body is too large"},
	[E2E_ERR_URI_TOO_LONG] = {"uri_too_long", 414, "the request path is too long"},
	[E2E_ERR_BUSY] = {"busy", 429, "too many outstanding requests, try again later"},
	[E2E_ERR_INTERNAL] = {"internal", 500, "internal relay error"},
};

const struct e2e_err_info *e2e_err_info(enum e2e_err err)
{
	if ((unsigned)err >= E2E_ERR__COUNT)
		err = E2E_ERR_INTERNAL;
	return &table[err];
}

enum e2e_err e2e_err_from_code(const char *code)
{
	for (unsigned i = 0; i < E2E_ERR__COUNT; i++)
		if (code && strcmp(table[i].code, code) == 0)
			return (enum e2e_err)i;
	return E2E_ERR__COUNT;
}
