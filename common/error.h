/* error.h - the protocol's error values. Each has a stable code string
 * (sent in relay error bodies), an HTTP status and a default message, all
 * in one table in error.c: the relay maps errors to replies there and the
 * client maps reply codes back to values there. */
#ifndef E2E_ERROR_H
#define E2E_ERROR_H

enum e2e_err {
	E2E_OK = 0,
	E2E_ERR_BAD_JSON,        /* 400 body is not one JSON object */
	E2E_ERR_BAD_FIELD,       /* 400 field missing, mistyped, bad base64, out of range */
	E2E_ERR_BAD_VERSION,     /* 400 unsupported protocol version */
	E2E_ERR_BAD_NAME,        /* 400 room or member name not allowed */
	E2E_ERR_BAD_SIGNATURE,   /* 400 a signature in the request does not verify */
	E2E_ERR_UNAUTHORIZED,    /* 401 missing or unknown member token */
	E2E_ERR_BAD_CHALLENGE,   /* 401 join nonce unknown, used or expired */
	E2E_ERR_BAD_PROOF,       /* 403 access proof wrong: wrong room password */
	E2E_ERR_NOT_ADMITTED,    /* 403 member not admitted yet */
	E2E_ERR_NOT_CREATOR,     /* 403 protocol v1: only the room creator (a v2 relay: not_admin) */
	E2E_ERR_NOT_ADMIN,       /* 403 only an admin of the room's current state may do this */
	E2E_ERR_REMOVED,         /* 403 the member left or was removed */
	E2E_ERR_LIMIT,           /* 403 a limit of this relay is reached (rooms) */
	E2E_ERR_NO_ROUTE,        /* 404 no such endpoint */
	E2E_ERR_NO_ROOM,         /* 404 no such room */
	E2E_ERR_NO_MEMBER,       /* 404 no such member */
	E2E_ERR_METHOD,          /* 405 method not allowed on this endpoint */
	E2E_ERR_ROOM_EXISTS,     /* 409 room name already taken */
	E2E_ERR_NAME_TAKEN,      /* 409 member name already taken in the room */
	E2E_ERR_STALE,           /* 409 state revision not the next one */
	E2E_ERR_COUNTER,         /* 409 message counter not above the last one */
	E2E_ERR_CREATOR_STAYS,   /* 409 protocol v1: the creator stays (a v2 relay: admin_stays) */
	E2E_ERR_ADMIN_STAYS,     /* 409 an admin leaves by another admin's state, not a DELETE */
	E2E_ERR_IN_STATE,        /* 409 an admitted member is removed by a signed state */
	E2E_ERR_TOO_LARGE,       /* 413 body over E2E_BODY_MAX */
	E2E_ERR_URI_TOO_LONG,    /* 414 request path too long */
	E2E_ERR_BUSY,            /* 429 too many outstanding challenges */
	E2E_ERR_INTERNAL,        /* 500 storage or internal failure */
	E2E_ERR__COUNT
};

struct e2e_err_info {
	const char *code;     /* stable, e.g. "bad_field" */
	unsigned http_status; /* e.g. 400 */
	const char *message;  /* default human message */
};

/* Never NULL: out-of-range values map to E2E_ERR_INTERNAL's entry. */
const struct e2e_err_info *e2e_err_info(enum e2e_err err);

/* The value whose code string is `code`; E2E_ERR__COUNT if unknown. */
enum e2e_err e2e_err_from_code(const char *code);

#endif
