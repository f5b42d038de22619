/* fuzz_relay.h - the relay harness's entry points beyond libFuzzer's,
 * for mkcorpus: the input format and a run that reports the status. */
#ifndef E2E_FUZZ_RELAY_H
#define E2E_FUZZ_RELAY_H

#include <stddef.h>
#include <stdint.h>

/* An input is: byte 0 the route (FUZZ_R_*), byte 1 the bearer token
 * (bits 0-2, FUZZ_T_*) and the room (bits 3-4, FUZZ_ROOM_*), then for
 * FUZZ_R_MESSAGES_LIST the query string and for FUZZ_R_MEMBERS_REMOVE
 * the member name, each up to the first '\n', then the body. */
enum fuzz_route {
	FUZZ_R_ROOMS_CREATE,
	FUZZ_R_ROOMS_GET,
	FUZZ_R_CHALLENGES,
	FUZZ_R_MEMBERS_JOIN,
	FUZZ_R_MEMBERS_LIST,
	FUZZ_R_MEMBERS_REMOVE,
	FUZZ_R_STATE_GET,
	FUZZ_R_STATE_POST,
	FUZZ_R_WRAPS_GET,
	FUZZ_R_MESSAGES_POST,
	FUZZ_R_MESSAGES_LIST,
	FUZZ_R_HEALTH,
	FUZZ_R_METRICS,
	FUZZ_R__COUNT
};

enum fuzz_token {
	FUZZ_T_NONE,
	FUZZ_T_ALICE,   /* lobby's creator */
	FUZZ_T_BOB,     /* admitted to lobby */
	FUZZ_T_CAROL,   /* registered in lobby, pending */
	FUZZ_T_DAVE,    /* was admitted to lobby, then removed */
	FUZZ_T_ERIN,    /* den's creator (not a member of lobby) */
	FUZZ_T_GARBAGE, /* not base64 of a token */
	FUZZ_T_UNKNOWN, /* base64 of 32 bytes nobody holds */
};

enum fuzz_room {
	FUZZ_ROOM_LOBBY, /* alice, bob, carol, dave; two messages */
	FUZZ_ROOM_DEN,   /* erin alone */
	FUZZ_ROOM_NONE,  /* a valid name, no such room */
	FUZZ_ROOM_NEW,   /* "attic": free, for create */
};

/* Seeded state mkcorpus needs: the state revision and epoch of lobby
 * (alice, bob and dave listed), and an outstanding challenge of lobby. */
#define FUZZ_LOBBY_REVISION 3
#define FUZZ_LOBBY_EPOCH 2
const char *fuzz_relay_spare_nonce(void);

/* Run one input; the reply's status (0 if the request was parked). */
unsigned fuzz_relay_run(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
