/* committer.h - group commit for message posts. Handlers hand validated
 * messages to one committer thread and park their request; the thread
 * stores everything queued in ONE transaction (one fsync, on its own
 * store connection, or taking turns on a single shared one); the store
 * then moves the version of every room that got a message on (which
 * wakes its long-polling readers: store_watch_rooms) and, last, the
 * committer wakes each posting request with its own outcome. So a 2xx is still
 * only ever sent after the commit (and fsync) that covers it, while a
 * slow fsync no longer holds an HTTP thread and one fsync covers every
 * post that arrived during the previous one. */
#ifndef RELAY_COMMITTER_H
#define RELAY_COMMITTER_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "metrics.h"
#include "storepool.h"
#include "wire.h"

struct committer;

/* One post. The submitter owns it and must not touch it between
 * committer_submit and the call of done(arg), the committer's last use. */
struct committer_job {
	int64_t room_id;
	struct wire_msg *m;  /* in; m->seq set when stored */
	enum e2e_err err;    /* out */
	bool unavailable;    /* out: with err, the database could not be reached */
	void (*done)(void *arg);
	void *arg;
	struct committer_job *next; /* the committer's */
};

/* The committer writes with storepool_writer_acquire(pool) (whose
 * stores tell the room versions: storepool_watch_rooms); each sweep
 * slice is counted in `m` (may be NULL). NULL if the thread cannot be
 * started. */
struct committer *committer_new(struct storepool *pool, struct metrics *m);
/* Commits what is queued, stops the thread, frees. */
void committer_free(struct committer *c);

/* Queue a post; false (nothing queued) once the committer is stopping. */
bool committer_submit(struct committer *c, struct committer_job *job);
/* Posts queued or in the commit under way, not yet handed back (for
 * /metrics: a commit that takes long shows as a backlog). From any thread. */
size_t committer_pending(const struct committer *c);

#endif
