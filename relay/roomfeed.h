/* roomfeed.h - what other relays commit, for the long-polls parked here
 * (several relays on one PostgreSQL database). One thread and one
 * database connection of its own that only listens (store_feed): a
 * notification of a commit made through another relay (room id and
 * newest seq) moves that room's version on and wakes its readers here,
 * as a local commit does (waiters_room_changed).
 *
 * Correctness never depends on a notification: when the feed
 * reconnects, and every `recheck_s` seconds (relay --recheck-seconds,
 * default ROOMFEED_RECHECK_S), the thread forgets
 * every cached reply (waiters_forget) and asks the database for the
 * newest seq of each room that has parked readers, waking those whose
 * readers wait below it. A lost notification delays a reader by at most
 * that period; it never loses a message. */
#ifndef RELAY_ROOMFEED_H
#define RELAY_ROOMFEED_H

#include "storepool.h"
#include "waiters.h"

#define ROOMFEED_RECHECK_S 2

struct roomfeed;

/* For the database `where` (a server: store_name_is_server), whose
 * relay's own connections are `pool`'s (their notifications are
 * skipped: the relay woke its readers at its own commit). NULL, with a
 * reason in `why`, if the connections or the thread cannot be had. */
struct roomfeed *roomfeed_new(const char *where, struct storepool *pool, struct waiters *w,
			      unsigned recheck_s, char *why, size_t why_len);
/* Stops the thread (within a second), closes, frees. */
void roomfeed_free(struct roomfeed *rf);

#endif
