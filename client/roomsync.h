/* roomsync.h - keeping a member's trusted view of a room current:
 * pin the creator's keys (only with a valid admission MAC), accept a
 * room state only if the pinned creator signed it and it is not older
 * than the one held, open the wraps of epoch keys; and, for the creator,
 * admit pending members whose admission MAC verifies. */
#ifndef E2E_ROOMSYNC_H
#define E2E_ROOMSYNC_H

#include <stdbool.h>

#include "client.h"
#include "roomfile.h"

/* A room member as the relay lists it, checked against the trusted state. */
struct listed_member {
	struct wire_member rec;
	bool admitted_on_relay; /* the relay's word: informational only */
	bool in_state;          /* in the creator-signed state with these keys */
	bool mac_ok;            /* admission MAC verifies */
};

/* Update state and keys. *admitted: in the signed state with a key for
 * its epoch. Saves the room file. */
enum status roomsync_sync(struct client *c, struct roomfile *rf, bool *admitted);

/* Creator only: admit every pending member with a valid MAC in one new
 * state revision. *n_admitted counts them. Saves the room file. */
enum status roomsync_admit(struct client *c, struct roomfile *rf, size_t *n_admitted);

/* The relay's member list, each entry checked. *list is malloc'd. */
enum status roomsync_members(struct client *c, struct roomfile *rf,
			     struct listed_member **list, size_t *n);

#endif
