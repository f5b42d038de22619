/* wire.h - the protocol's JSON records and their validation, shared by
 * relay and client: room parameters, member records, the signed room
 * state and its payload, key wraps and messages. Unpacking validates every
 * field (type, base64, length, name alphabet, version) with
 * json_unpack_ex in strict mode and names the bad field in err->text. */
#ifndef E2E_WIRE_H
#define E2E_WIRE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "proto.h"

/* A room as every transcript names it: its name and the identifier its
 * creator picked (both borrowed). */
struct wire_roomref {
	const char *name;
	const uint8_t *id; /* E2E_ROOM_ID_BYTES */
};

/* Public room parameters (GET /v1/rooms/ROOM). The salt and limits are
 * the newest an admin signed (a password change replaces them). */
struct wire_room {
	char room[E2E_ROOM_NAME_MAX + 1];
	uint8_t id[E2E_ROOM_ID_BYTES];
	char creator[E2E_MEMBER_NAME_MAX + 1];
	uint8_t salt[E2E_SALT_BYTES];
	uint64_t opslimit;
	uint64_t memlimit;
	int64_t created_at;
};

/* A member's public keys. `mac` is the admission MAC over (room, name,
 * sign_pk, box_pk); records inside the signed state carry no MAC but
 * `since` (the epoch its membership began) and `admin`. */
struct wire_member {
	char name[E2E_MEMBER_NAME_MAX + 1];
	uint8_t sign_pk[E2E_SIGN_PK_BYTES];
	uint8_t box_pk[E2E_BOX_PK_BYTES];
	uint8_t mac[E2E_MAC_BYTES];
	uint64_t since; /* signed state only */
	bool admin;     /* signed state only */
};

/* Who may read the room's past: "joined" (a newcomer gets a fresh epoch
 * and no older keys) or "shared" (the creator also wraps past keys). */
enum wire_history {
	WIRE_HISTORY_JOINED = 0,
	WIRE_HISTORY_SHARED,
};

/* A member who left or was removed, with the last epoch it belonged to:
 * its keys still verify the messages it sent up to that epoch. */
struct wire_former {
	struct wire_member m; /* mac unused */
	uint64_t last_epoch;
};

/* What the room password gives the relay and a joiner: the Argon2id
 * salt and limits, and the access key the relay checks join proofs with.
 * Signed into every state, so a password change is an admin's act. */
struct wire_access {
	uint8_t salt[E2E_SALT_BYTES];
	uint64_t opslimit;
	uint64_t memlimit;
	uint8_t access_pk[E2E_SIGN_PK_BYTES];
};

/* The admission key of a changed password, for the admins who did not
 * type it: crypto_secretbox under the session key of `epoch`. */
struct wire_admission {
	bool present;
	uint64_t epoch;
	uint8_t nonce[crypto_secretbox_NONCEBYTES];
	uint8_t box[E2E_KEY_BYTES + crypto_secretbox_MACBYTES];
};

/* The parsed payload of a signed room state. */
struct wire_state {
	char room[E2E_ROOM_NAME_MAX + 1];
	uint8_t id[E2E_ROOM_ID_BYTES];
	char by[E2E_MEMBER_NAME_MAX + 1]; /* the admin who signed it */
	uint64_t revision;
	uint64_t epoch;
	enum wire_history history;
	struct wire_access access;
	struct wire_admission admission;
	size_t n_members;
	struct wire_member *members; /* n_members entries, mac unused */
	size_t n_former;
	struct wire_former *former;  /* n_former entries, oldest first */
	size_t n_banned;
	struct wire_member *banned;  /* identities never admitted again; mac unused */
};

/* A session key wrapped for one member by the admin `by`. */
struct wire_wrap {
	char member[E2E_MEMBER_NAME_MAX + 1];
	char by[E2E_MEMBER_NAME_MAX + 1];
	uint64_t epoch;
	uint8_t nonce[E2E_BOX_NONCE_BYTES];
	uint8_t box[E2E_WRAP_BYTES];
	uint8_t sig[E2E_SIG_BYTES];
};

/* A message. seq, sender and received_at are set by the relay. */
struct wire_msg {
	uint64_t seq;
	char sender[E2E_MEMBER_NAME_MAX + 1];
	uint64_t epoch;
	uint64_t counter;
	int64_t received_at;
	uint8_t nonce[E2E_AEAD_NONCE_BYTES];
	uint8_t sig[E2E_SIG_BYTES];
	size_t ct_len;
	uint8_t ct[E2E_CT_MAX];
};

/* Parse a request/response body: one JSON object, duplicate keys refused,
 * at most E2E_BODY_MAX bytes. NULL with err filled on failure. */
json_t *wire_parse_body(const char *data, size_t len, json_error_t *err);

/* Compact JSON text of `j`, malloc'd and NUL-terminated; *len excludes
 * the NUL. (Not json_dumps: its result belongs to Jansson's allocator.) */
char *wire_dump(const json_t *j, size_t *len);

/* Decode base64 field `field` into exactly `len` bytes. */
enum e2e_err wire_bin(uint8_t *out, size_t len, const char *b64,
		      const char *field, json_error_t *err);

/* Argon2id parameters within [E2E_KDF_*_MIN, E2E_KDF_*_MAX]. */
bool wire_kdf_params_ok(uint64_t opslimit, uint64_t memlimit);

enum e2e_err wire_room_unpack(json_t *obj, struct wire_room *r, json_error_t *err);
json_t *wire_room_pack(const struct wire_room *r);

/* with_mac: the record must (true) or must not (false) carry "mac". */
enum e2e_err wire_member_unpack(json_t *obj, struct wire_member *m, bool with_mac,
				json_error_t *err);
/* A member's standing on the relay (its word only: clients trust the
 * creator-signed state). */
enum wire_status {
	WIRE_PENDING = 0,
	WIRE_ADMITTED,
	WIRE_REMOVED,
};
const char *wire_status_name(enum wire_status st);

/* A member list entry: the record (with mac) plus "status" and "joined_at". */
enum e2e_err wire_listed_member_unpack(json_t *obj, struct wire_member *m,
				       enum wire_status *status, json_error_t *err);
json_t *wire_member_pack(const struct wire_member *m, bool with_mac);

/* State payload bytes <-> struct. Build returns malloc'd compact JSON. */
enum e2e_err wire_state_parse(const uint8_t *payload, size_t len,
			      struct wire_state *s, json_error_t *err);
uint8_t *wire_state_build(const struct wire_state *s, size_t *len);
void wire_state_clear(struct wire_state *s);
/* The member named `name`, or NULL. */
const struct wire_member *wire_state_find(const struct wire_state *s, const char *name);
/* The admin named `name`, or NULL. */
const struct wire_member *wire_state_admin(const struct wire_state *s, const char *name);
/* The ban entry with either of m's keys, or NULL. */
const struct wire_member *wire_state_banned(const struct wire_state *s,
					    const struct wire_member *m);
/* The keys `name` had in `epoch`: a former member's if it left at or
 * after that epoch, else the current member's; NULL if neither. */
const struct wire_member *wire_state_keys_at(const struct wire_state *s, const char *name,
					     uint64_t epoch);
const char *wire_history_name(enum wire_history h);
bool wire_history_parse(const char *name, enum wire_history *h);

/* A signed state on the wire: the payload as signed, the signature of
 * the admin the payload names (`by`), and the admission MAC that shows a
 * joiner it was made by someone who knows the room password. */
struct wire_signed {
	uint8_t *payload; /* malloc'd */
	size_t len;
	uint8_t sig[E2E_SIG_BYTES];
	uint8_t mac[E2E_MAC_BYTES];
};

/* {"payload": b64, "sig": b64, "mac": b64}. */
enum e2e_err wire_signed_unpack(json_t *obj, struct wire_signed *s, json_error_t *err);
json_t *wire_signed_pack(const struct wire_signed *s);
void wire_signed_clear(struct wire_signed *s);

enum e2e_err wire_wrap_unpack(json_t *obj, struct wire_wrap *w, json_error_t *err);
json_t *wire_wrap_pack(const struct wire_wrap *w);

/* stored: the relay's form with seq, sender and received_at (true), or the
 * form a client posts (false). */
enum e2e_err wire_msg_unpack(json_t *obj, struct wire_msg *m, bool stored, json_error_t *err);
json_t *wire_msg_pack(const struct wire_msg *m, bool stored);

#endif
