/* replycache.h - the last read replies, so that the readers a post wakes
 * (hundreds in one room, all asking for the same after= and limit=) share
 * one query and one JSON encoding instead of repeating them. An entry is
 * valid for its room's version (store.h, "the room version";
 * waiters_room_version reads it): every commit that adds or removes
 * messages in the room moves it on, so a reply is never older than the
 * newest committed message a reader could have been woken for. It also
 * remembers, per room, the lowest after= that found nothing at the
 * current room version, so that readers re-arming their long-poll park
 * without a query.
 * Thread-safe. */
#ifndef RELAY_REPLYCACHE_H
#define RELAY_REPLYCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct replycache;

struct replycache_key {
	int64_t room_id;
	uint64_t after;
	uint64_t limit;
	uint64_t room_version;
};

struct replycache *replycache_new(void);
void replycache_free(struct replycache *rc);

/* A malloc'd copy of the cached body for `key` (*len bytes), or NULL. */
char *replycache_get(struct replycache *rc, const struct replycache_key *key, size_t *len);
/* Remember `body` (copied) for `key`. */
void replycache_put(struct replycache *rc, const struct replycache_key *key, const char *body,
		    size_t len);
/* Remember that reading `key` found no message: nothing committed after
 * key->after in that room while its version stays key->room_version. */
void replycache_put_empty(struct replycache *rc, const struct replycache_key *key);
/* Whether a read of `key` is known to find no message (any limit). */
bool replycache_empty(struct replycache *rc, const struct replycache_key *key);

#endif
