/* waiters.h - the long-poll registry: readers parked on a room until a
 * message for that room is committed, their deadline passes, or the relay
 * shuts down. It owns the parked entries and one timer thread that wakes
 * the expired ones; it knows nothing of HTTP (a parked reader is a wake
 * callback and its argument). Safe to use from any thread.
 *
 * It keeps each room's version (store.h, "the room version"): the store
 * calls waiters_room_changed after every commit that adds or removes
 * messages in a room, which moves the version on and wakes the room's
 * readers; the reply cache is keyed by the same version.
 *
 * The race it closes: a reader queries the store, finds nothing new and
 * parks; a post committed between that query and the park must not be
 * missed. So a reader takes its room's version BEFORE the query, and the
 * park is refused if the version moved since; the version moves after the
 * commit, under the same lock that parks. A refused park means "query
 * again". */
#ifndef RELAY_WAITERS_H
#define RELAY_WAITERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct waiters;

/* Called exactly once per successful park, with the registry's lock
 * held: it must only signal (e.g. MHD_resume_connection), never call back
 * into the registry. */
typedef void (*waiters_wake_fn)(void *arg);

/* NULL if memory or the timer thread cannot be had. */
struct waiters *waiters_new(void);
/* Wakes whatever is still parked, stops the timer thread, frees. */
void waiters_free(struct waiters *w);

/* The room's current version, to take before querying the store. Rooms
 * may share a version (by id): a move of another room's only costs a
 * query. Every version also moves with waiters_forget. */
uint64_t waiters_room_version(struct waiters *w, int64_t room_id);

/* Park a reader of `room_id` who found nothing after message `after`
 * until `deadline` (CLOCK_MONOTONIC). False, and nothing registered, if
 * the room's version is no longer `room_version` or the registry is
 * shutting down: the caller queries again. */
bool waiters_park(struct waiters *w, int64_t room_id, uint64_t room_version, uint64_t after,
		  const struct timespec *deadline, waiters_wake_fn wake, void *arg);

/* Several relays on one database (relay/roomfeed.h): commits of other
 * relays are learnt from notifications, which may be lost (a dropped
 * connection). Two checks that need none:
 * waiters_forget moves every room's version on at once, without waking
 * anyone, so that nothing cached under an older version (a reply, a
 * "nothing after N") is used again; waiters_parked lists rooms with
 * parked readers, each with the lowest `after` they wait beyond, so that
 * the caller can wake (waiters_room_changed) those whose room has a
 * newer message. It walks the registry's buckets from *cursor (0 at
 * first), lists up to `max` rooms, and leaves *cursor where the next
 * call goes on (back to 0 after the last bucket), so that however many
 * rooms wait, each is listed in turn; a room is listed whole (the
 * lowest `after` of all its readers) or not at all. */
void waiters_forget(struct waiters *w);
struct waiters_room {
	int64_t room_id;
	uint64_t after;
};
size_t waiters_parked(struct waiters *w, size_t *cursor, struct waiters_room *out, size_t max);

/* A commit added or removed messages in `room_id` (called by the store,
 * after the commit: store_watch_rooms): the room's version moves on and
 * its readers are woken. `waiters` is the struct waiters; the argument
 * is untyped so that this is a store_room_fn. */
void waiters_room_changed(void *waiters, int64_t room_id);

/* Wake everyone and refuse new parks from now on. */
void waiters_shutdown(struct waiters *w);
bool waiters_closing(struct waiters *w);

/* How many readers are parked now. */
size_t waiters_count(struct waiters *w);

#endif
