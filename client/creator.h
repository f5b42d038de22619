/* creator.h - what only a room creator's client does: admit pending
 * members whose admission MAC verifies (after the user's approval in an
 * --approve room), drop members who left or were removed, and start new
 * epochs (on removal, on admission under the "joined" history policy, on
 * request, and on the schedule). Each step is at most one new signed
 * state posted with all its key wraps: one request, however many members. */
#ifndef E2E_CREATOR_H
#define E2E_CREATOR_H

#include <stdbool.h>

#include "client.h"
#include "roomfile.h"

enum creator_event {
	CREATOR_ADMITTED,  /* now in the signed state */
	CREATOR_DROPPED,   /* left or removed: moved to the former members */
	CREATOR_WAITING,   /* pending, MAC valid, waiting for the user's approval */
};

struct creator_request {
	bool rotate;                  /* start a new epoch now */
	bool messages_read;           /* the caller has just read what is new */
	const char *const *approved;  /* --approve rooms: names the user approved */
	size_t n_approved;
	/* Told about each admission, drop and waiting member. */
	void (*notice)(void *ctx, enum creator_event ev, const struct wire_member *m);
	void *ctx;
};

/* One step: sync is the caller's (roomsync_sync first). *rotated: a new
 * epoch began. Saves the room file when it posted a state. */
enum status creator_step(struct client *c, struct roomfile *rf,
			 const struct creator_request *req, bool *rotated);

/* Remove `name` from the room on the relay at once (its token stops
 * working); the next creator_step drops it from the state and rotates.
 * Also declines a pending member. */
enum status creator_remove(struct client *c, struct roomfile *rf, const char *name);

bool creator_is_me(const struct roomfile *rf);

#endif
