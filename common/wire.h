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

/* Public room parameters (GET /v1/rooms/ROOM). */
struct wire_room {
	char room[E2E_ROOM_NAME_MAX + 1];
	char creator[E2E_MEMBER_NAME_MAX + 1];
	uint8_t salt[E2E_SALT_BYTES];
	uint64_t opslimit;
	uint64_t memlimit;
	int64_t created_at;
};

/* A member's public keys. `mac` is the admission MAC over (room, name,
 * sign_pk, box_pk); records inside the signed state carry no MAC. */
struct wire_member {
	char name[E2E_MEMBER_NAME_MAX + 1];
	uint8_t sign_pk[E2E_SIGN_PK_BYTES];
	uint8_t box_pk[E2E_BOX_PK_BYTES];
	uint8_t mac[E2E_MAC_BYTES];
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

/* The parsed payload of a signed room state. */
struct wire_state {
	char room[E2E_ROOM_NAME_MAX + 1];
	char creator[E2E_MEMBER_NAME_MAX + 1];
	uint64_t revision;
	uint64_t epoch;
	enum wire_history history;
	size_t n_members;
	struct wire_member *members; /* n_members entries, mac unused */
	size_t n_former;
	struct wire_former *former;  /* n_former entries, oldest first */
};

/* A session key wrapped for one member. */
struct wire_wrap {
	char member[E2E_MEMBER_NAME_MAX + 1];
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
/* The keys `name` had in `epoch`: a former member's if it left at or
 * after that epoch, else the current member's; NULL if neither. */
const struct wire_member *wire_state_keys_at(const struct wire_state *s, const char *name,
					     uint64_t epoch);
const char *wire_history_name(enum wire_history h);
bool wire_history_parse(const char *name, enum wire_history *h);

/* {"payload": b64, "sig": b64}: *payload is malloc'd. */
enum e2e_err wire_signed_unpack(json_t *obj, uint8_t **payload, size_t *len,
				uint8_t sig[E2E_SIG_BYTES], json_error_t *err);
json_t *wire_signed_pack(const uint8_t *payload, size_t len, const uint8_t sig[E2E_SIG_BYTES]);

enum e2e_err wire_wrap_unpack(json_t *obj, struct wire_wrap *w, json_error_t *err);
json_t *wire_wrap_pack(const struct wire_wrap *w);

/* stored: the relay's form with seq, sender and received_at (true), or the
 * form a client posts (false). */
enum e2e_err wire_msg_unpack(json_t *obj, struct wire_msg *m, bool stored, json_error_t *err);
json_t *wire_msg_pack(const struct wire_msg *m, bool stored);

#endif
