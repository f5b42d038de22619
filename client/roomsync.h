/* roomsync.h - keeping a member's trusted view of a room current: a
 * joiner takes the newest signed state on its admission MAC and an
 * admin's signature; a member then walks the state history one revision
 * at a time, each signed by an admin of the state before (remembering
 * every member's keys on first sight and warning when they change); and
 * opens the wraps of epoch keys an admin made. What only an admin's
 * client does is in admin.h. */
#ifndef E2E_ROOMSYNC_H
#define E2E_ROOMSYNC_H

#include <stdbool.h>

#include "client.h"
#include "roomfile.h"

/* A room member as the relay lists it, checked against the trusted state. */
struct listed_member {
	struct wire_member rec;
	enum wire_status relay_status; /* the relay's word: informational only */
	bool in_state;          /* in the signed state with these keys */
	bool mac_ok;            /* admission MAC verifies */
	bool keys_ok;           /* usable keys: not all zero, not of small order */
};

/* Make `s` (already verified and checked) the trusted state, remembering
 * its members' keys on first sight and warning when they changed, and
 * keep it in the store's state history. Takes ownership of payload and s,
 * like roomfile_set_state, whatever it returns. */
enum status roomsync_accept_state(struct client *c, struct roomfile *rf, struct wire_signed *sg,
				  struct wire_state *s);

/* Update state and keys. *admitted: in the signed state with a key for
 * its epoch. Saves the room file. */
enum status roomsync_sync(struct client *c, struct roomfile *rf, bool *admitted);

/* The relay's member list, each entry checked. *list is malloc'd. */
enum status roomsync_members(struct client *c, struct roomfile *rf,
			     struct listed_member **list, size_t *n);

#endif
