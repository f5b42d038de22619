/* fixture.h - what the fuzz harnesses and mkcorpus share: a deterministic
 * random source (so that a run and its crash inputs can be replayed),
 * member identities and room keys derived from names and passwords (as
 * tests/api/forge.c does), and the request bodies that need real
 * signatures: create, join, state post and message. */
#ifndef E2E_FUZZ_FIXTURE_H
#define E2E_FUZZ_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define FIXTURE_PASSWORD "correct horse battery staple"

struct fixture_id {
	uint8_t sign_pk[E2E_SIGN_PK_BYTES];
	uint8_t sign_sk[E2E_SIGN_SK_BYTES];
	uint8_t box_pk[E2E_BOX_PK_BYTES];
	uint8_t box_sk[E2E_BOX_SK_BYTES];
};

/* Install the deterministic random source and call sodium_init; false
 * if libsodium cannot start. Call once, before anything else. */
bool fixture_init(void);
/* Restart the random stream from its seed. */
void fixture_rng_reset(void);

void fixture_identity(const char *name, struct fixture_id *id);
/* ROOM's identifier (every transcript binds it): derived from its name,
 * so a room made again by the fixture is the same room. */
void fixture_room_id(const char *room, uint8_t id[E2E_ROOM_ID_BYTES]);
/* NAME's member record in ROOM, with the admission MAC of the password. */
void fixture_member(const char *room, const char *name, struct wire_member *m);

/* POST /v1/rooms: ROOM created by CREATOR (state revision 1, epoch 1),
 * with its id and access block. */
json_t *fixture_create_body(const char *room, const char *creator);
/* POST /v1/rooms/ROOM/members with the challenge `nonce_b64`. */
json_t *fixture_join_body(const char *room, const char *name, const char *nonce_b64);
/* POST /v1/rooms/ROOM/state: `names` (the admin who signs first, the
 * others plain members, all since epoch 1) at REVISION and EPOCH, with a
 * wrap from that admin for each at EPOCH. */
json_t *fixture_state_body(const char *room, const char *const *names, size_t n,
			   uint64_t revision, uint64_t epoch);
/* POST /v1/rooms/ROOM/messages (random ciphertext of `ct_len` bytes). */
json_t *fixture_msg_body(uint64_t epoch, uint64_t counter, size_t ct_len);

/* The signed state as {"payload","sig","mac"} (what GET .../state
 * serves): signed by names[0], MAC'd with the password's admission key. */
json_t *fixture_signed_state(const char *room, const char *const *names, size_t n,
			     uint64_t revision, uint64_t epoch);
/* A wrap of epoch's session key from the admin `admin` to `member`. */
json_t *fixture_wrap(const char *room, const char *admin, const char *member,
		     uint64_t epoch);

/* Compact JSON text of `j` (malloc'd, *len bytes); takes `j`. */
char *fixture_dump(json_t *j, size_t *len);

#endif
