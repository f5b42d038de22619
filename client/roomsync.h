/* roomsync.h - keeping a member's trusted view of a room current:
 * pin the creator's keys (only with a valid admission MAC), accept a
 * room state only if the pinned creator signed it and it is not older
 * than the one held (remembering every member's keys on first sight and
 * warning when they change), and open the wraps of epoch keys. What only
 * the creator does is in creator.h. */
#ifndef E2E_ROOMSYNC_H
#define E2E_ROOMSYNC_H

#include <stdbool.h>

#include "client.h"
#include "roomfile.h"

/* A room member as the relay lists it, checked against the trusted state. */
struct listed_member {
	struct wire_member rec;
	enum wire_status relay_status; /* the relay's word: informational only */
	bool in_state;          /* in the creator-signed state with these keys */
	bool mac_ok;            /* admission MAC verifies */
	bool keys_ok;           /* usable keys: not all zero, not of small order */
};

/* Make `s` (already verified and checked) the trusted state, remembering
 * its members' keys on first sight and warning when they changed, and
 * keep it in the store's state history. Takes ownership of payload and s,
 * like roomfile_set_state, whatever it returns. */
enum status roomsync_accept_state(struct client *c, struct roomfile *rf, uint8_t *payload,
				  size_t len, const uint8_t sig[E2E_SIG_BYTES], struct wire_state *s);

/* Update state and keys. *admitted: in the signed state with a key for
 * its epoch. Saves the room file. */
enum status roomsync_sync(struct client *c, struct roomfile *rf, bool *admitted);

/* The relay's member list, each entry checked. *list is malloc'd. */
enum status roomsync_members(struct client *c, struct roomfile *rf,
			     struct listed_member **list, size_t *n);

#endif
