/* roomevents.h - what changed between two creator-signed room states, as
 * events every member's front end shows ("* carol joined", "* carol left
 * the room" or "was removed", "* new epoch 5"). A pure function: no I/O
 * (tests/unit/test_roomevents.c). Only states the client has verified
 * and accepted are compared, so no event rests on the relay's word. */
#ifndef E2E_ROOMEVENTS_H
#define E2E_ROOMEVENTS_H

#include "wire.h"

enum room_event {
	ROOM_JOINED,   /* in `now`, not in `before` */
	ROOM_DEPARTED, /* in `before`, not in `now`: left or removed */
	ROOM_REKEYED,  /* in both, with other keys (a new device or identity) */
	ROOM_EPOCH,    /* a new epoch began (name NULL) */
};

typedef void (*roomevents_fn)(void *ctx, enum room_event ev, const char *name, uint64_t epoch);

/* Call `fn` for each difference from `before` to `now`: departures, then
 * arrivals, then the epoch. Nothing when `before` has revision 0 (no
 * state held yet: the first one is the starting point, not news). */
void roomevents_diff(const struct wire_state *before, const struct wire_state *now,
		     roomevents_fn fn, void *ctx);

#endif
