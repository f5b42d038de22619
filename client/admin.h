/* admin.h - what an admin's client does (protocol v2: the signed state
 * lists the admins, the creator first; any admin's running client does
 * all of this, so a room keeps working while its creator is away):
 * admit pending members whose admission MAC verifies and whose keys are
 * not banned (after the user's approval in an --approve room), drop the
 * memberships it can vouch for (its own kicks, signed leaves), ban,
 * unban, name or drop admins, change the room password, and start new
 * epochs (on removal, on admission under the "joined" history policy, on
 * request, and on the schedule).
 *
 * Invariants:
 * - Each step is at most one new signed state, revision + 1 of the
 *   trusted one, posted with all its key wraps: one request, however
 *   many members. It becomes the trusted state only once the relay
 *   serves it back; until then every departure stays recorded in the
 *   room file and the next step signs it again, whatever the relay said.
 * - A member dropped from the state never gets a key of a later epoch:
 *   every state that drops one starts a new epoch wrapped for the others.
 * - While a departure is recorded but not yet in a served state, this
 *   client sends nothing (outbox.c holds it), so nothing it sends after
 *   a kick is readable by the one kicked. */
#ifndef E2E_ADMIN_H
#define E2E_ADMIN_H

#include <stdbool.h>

#include "client.h"
#include "roomfile.h"

enum admin_event {
	ADMIN_ADMITTED,  /* now in the signed state */
	ADMIN_DROPPED,   /* left or removed: moved to the former members */
	ADMIN_WAITING,   /* pending, MAC valid, waiting for the user's approval */
};

/* A password change, prepared by admin_new_password. */
struct admin_password;

struct admin_request {
	bool rotate;                  /* start a new epoch now */
	bool messages_read;           /* the caller has just read what is new */
	const char *const *approved;  /* --approve rooms: names the user approved */
	size_t n_approved;
	const struct wire_member *unban; /* take these keys off the ban list */
	const char *admin_name;       /* make this member an admin ... */
	bool admin_remove;            /* ... or no longer one */
	const struct admin_password *password; /* a new room password */
	/* Told about each admission, drop and waiting member. */
	void (*notice)(void *ctx, enum admin_event ev, const struct wire_member *m);
	void *ctx;
};

/* One step: sync is the caller's (roomsync_sync first). *changed: a new
 * state was signed and the relay serves it; *rotated: it began a new
 * epoch. A state the relay refused or does not serve is ST_ERROR with
 * c->err saying so, except a revision another admin took first (that is
 * ST_OK: the next step signs on top of it). Saves the room file. */
enum status admin_step(struct client *c, struct roomfile *rf, const struct admin_request *req,
		       bool *changed, bool *rotated);

/* Record the removal of member `name` (ban: its keys go on the ban
 * list); the next admin_step drops it. A pending member (not in the
 * signed state) is declined on the relay at once instead. */
enum status admin_remove(struct client *c, struct roomfile *rf, const char *name, bool ban);

/* This client's identity is an admin of the trusted state. */
bool admin_is_me(const struct client *c, const struct roomfile *rf);

/* Derive the keys of `password` under a fresh salt (Argon2id at the
 * room's floor limits); NULL on failure. Freed with admin_password_free. */
struct admin_password *admin_new_password(const char *password, size_t len);
void admin_password_free(struct admin_password *p);

#endif
