/* waiters.h - the long-poll registry: readers parked on a room until a
 * message for that room is committed, their deadline passes, or the relay
 * shuts down. It owns the parked entries and one timer thread that wakes
 * the expired ones; it knows nothing of HTTP (a parked reader is a wake
 * callback and its argument). Safe to use from any thread.
 *
 * The race it closes: a reader queries the store, finds nothing new and
 * parks; a post committed between that query and the park must not be
 * missed. So a reader takes a ticket (its room's generation) BEFORE the
 * query, and the park is refused if the generation moved since; the
 * poster bumps the generation after its commit, under the same lock that
 * parks. A refused park means "query again". */
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

/* The room's current generation, to take before querying the store. */
uint64_t waiters_ticket(struct waiters *w, int64_t room_id);

/* Park a reader of `room_id` until `deadline` (CLOCK_MONOTONIC). False,
 * and nothing registered, if the room's generation is no longer `ticket`
 * or the registry is shutting down: the caller queries again. */
bool waiters_park(struct waiters *w, int64_t room_id, uint64_t ticket,
		  const struct timespec *deadline, waiters_wake_fn wake, void *arg);

/* A message for `room_id` is committed: wake its readers. */
void waiters_notify(struct waiters *w, int64_t room_id);

/* Wake everyone and refuse new parks from now on. */
void waiters_shutdown(struct waiters *w);
bool waiters_closing(struct waiters *w);

/* How many readers are parked now. */
size_t waiters_count(struct waiters *w);

#endif
