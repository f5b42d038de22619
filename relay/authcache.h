/* authcache.h - who a bearer token belongs to, remembered: (room name,
 * token hash) -> the room, its member and the room's current epoch, for
 * the requests that come by the thousand (message posts and reads, and
 * the re-runs of woken long-polls), which would otherwise cost two or
 * three SQLite lookups each.
 *
 * An entry is only good for the membership version it was read at
 * (store_membership_version): every commit that changes rooms, members
 * or states (a join, a signed state, a removal) moves that version on, so
 * a removed member's token stops working as soon as the removal commits.
 * The caller takes the version BEFORE it queries the store, and puts
 * what it read with that version: a change committed in between makes
 * the entry stale at once. Only successful lookups are kept. A member's
 * last_counter is as it was when read (it moves with every post).
 * Thread-safe. */
#ifndef RELAY_AUTHCACHE_H
#define RELAY_AUTHCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "proto.h"
#include "store.h"

struct authcache;

struct authcache *authcache_new(void);
void authcache_free(struct authcache *ac);

/* What is remembered of one token. */
struct authcache_who {
	struct store_room r;
	struct store_member m;
	uint64_t epoch; /* the room's, from its newest signed state */
};

/* What is remembered for (room, token_hash) at `membership_version`; false if
 * nothing. */
bool authcache_get(struct authcache *ac, const char *room,
		   const uint8_t token_hash[E2E_TOKEN_BYTES], uint64_t membership_version,
		   struct authcache_who *who);
/* Remember it, read from the store after taking `membership_version`. */
void authcache_put(struct authcache *ac, const char *room,
		   const uint8_t token_hash[E2E_TOKEN_BYTES], uint64_t membership_version,
		   const struct authcache_who *who);

#endif
