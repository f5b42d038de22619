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
 *
 * Several relays on one database (store_shared): an entry also holds
 * only while the room's membership version as stored (rooms.
 * members_version) is the one it was read with, which costs a round
 * trip per request. Requests that come together (the re-runs of woken
 * long-polls, a hundred at once when a post wakes a hundred readers, and
 * their next long-polls) share one: a room's stored version is
 * remembered with the room version (waiters.h) and the time, both taken
 * BEFORE the query, and answers for a request only while the room
 * version is the same (it was read after the room's latest wake-up) and
 * if it was read at or after the request arrived (http_started): a
 * removal committed, through any relay, before a request arrives is
 * refused to that request.
 * Thread-safe. */
#ifndef RELAY_AUTHCACHE_H
#define RELAY_AUTHCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

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

/* A room's membership version as stored, read by a query started at
 * `read_at` (CLOCK_MONOTONIC) under room version `room_version`: false
 * if not remembered under that room version or read before `not_before`. */
bool authcache_room_get(struct authcache *ac, int64_t room_id, uint64_t room_version,
			const struct timespec *not_before, uint64_t *members_version);
/* Remember it; `room_version` and `read_at` were taken before the query. */
void authcache_room_put(struct authcache *ac, int64_t room_id, uint64_t room_version,
			const struct timespec *read_at, uint64_t members_version);

#endif
