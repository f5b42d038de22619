/* storepool.h - the relay's store connections, one per HTTP thread: their
 * reads run in parallel (SQLite's WAL; PostgreSQL's connections are
 * independent), and one write lock shared by all of them (store_share)
 * queues this relay's writers (on PostgreSQL other relays' writers meet
 * them only at the rows they share). With one connection (one thread,
 * or a ":memory:" database, which another connection could not see)
 * every use holds the pool's lock instead. */
#ifndef RELAY_STOREPOOL_H
#define RELAY_STOREPOOL_H

#include <stddef.h>

#include "store.h"

struct storepool;

/* `n` connections to `path` (n >= 1). NULL on failure, with a reason in
 * `why`. */
struct storepool *storepool_open(const char *path, unsigned n, char *why, size_t why_len);
void storepool_close(struct storepool *p);

/* Give every connection these limits (before any use). */
void storepool_set_limits(struct storepool *p, const struct store_limits *limits);

/* Tell `changed` of every room version move (store_watch_rooms), from
 * every connection (before any use). */
void storepool_watch_rooms(struct storepool *p, store_room_fn changed, void *ctx);

/* Whether `session` (store_session) is one of this pool's connections:
 * a notification from it is this relay's own commit. */
bool storepool_owns_session(struct storepool *p, int session);

/* The calling thread's store: a thread's first call binds it to a free
 * connection for good. NULL if there are more threads than connections.
 * Every successful acquire is followed by storepool_release. */
struct store *storepool_acquire(struct storepool *p);
void storepool_release(struct storepool *p, struct store *st);

/* The store the group committer's thread (relay/committer.h) writes
 * with: with a connection per thread, one more of its own; with a single
 * shared connection, that one, held (like storepool_acquire) until
 * storepool_writer_release. */
struct store *storepool_writer_acquire(struct storepool *p);
void storepool_writer_release(struct storepool *p, struct store *st);

#endif
