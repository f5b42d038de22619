/* roomfeed.c - see roomfeed.h. The thread waits on the feed at most
 * ROOMFEED_WAIT_MS at a time, so that it sees its stop flag and its
 * re-check time without a signal of its own. */
#include "roomfeed.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROOMFEED_WAIT_MS 250
/* rooms looked at by one re-check (the rest at the next: waiters_parked
 * goes on where it stopped) */
#define ROOMFEED_ROOMS_MAX 4096

struct roomfeed {
	struct store_feed *feed;
	struct store *st; /* for the re-checks */
	struct storepool *pool;
	struct waiters *w;
	pthread_t thread;
	bool started;
	bool stop; /* atomic */
	time_t next_recheck; /* CLOCK_MONOTONIC s */
	size_t cursor;       /* waiters_parked's */
	unsigned recheck_s;
	struct waiters_room rooms[ROOMFEED_ROOMS_MAX];
};

static time_t roomfeed_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* A commit through another relay (this relay's own woke its readers). */
static void roomfeed_heard(void *ctx, int64_t room_id, uint64_t seq, int session)
{
	struct roomfeed *rf = ctx;

	if (!storepool_owns_session(rf->pool, session))
		waiters_room_changed(rf->w, room_id);
}

/* Without notifications: nothing cached is trusted any more, and each
 * room with parked readers is woken if the database holds a message
 * beyond what its readers have. A failed query (the database away)
 * wakes the room: its readers ask again themselves. */
static void roomfeed_recheck(struct roomfeed *rf)
{
	size_t n;
	uint64_t newest;

	waiters_forget(rf->w);
	n = waiters_parked(rf->w, &rf->cursor, rf->rooms, ROOMFEED_ROOMS_MAX);
	for (size_t i = 0; i < n; i++) {
		newest = 0;
		if (store_room_max_seq(rf->st, rf->rooms[i].room_id, &newest) != E2E_OK ||
		    newest > rf->rooms[i].after)
			waiters_room_changed(rf->w, rf->rooms[i].room_id);
	}
	rf->next_recheck = roomfeed_now() + rf->recheck_s;
}

static void *roomfeed_thread(void *arg)
{
	struct roomfeed *rf = arg;
	int heard;

	while (!__atomic_load_n(&rf->stop, __ATOMIC_ACQUIRE)) {
		heard = store_feed_wait(rf->feed, ROOMFEED_WAIT_MS, roomfeed_heard, rf);
		/* reconnected: what was said meanwhile is lost, so look now */
		if (heard == 1 || roomfeed_now() >= rf->next_recheck)
			roomfeed_recheck(rf);
	}
	return NULL;
}

struct roomfeed *roomfeed_new(const char *where, struct storepool *pool, struct waiters *w,
			      unsigned recheck_s, char *why, size_t why_len)
{
	struct roomfeed *rf = calloc(1, sizeof(*rf));
	bool ok = false;

	if (rf == NULL) {
		snprintf(why, why_len, "out of memory");
		goto done;
	}
	rf->pool = pool;
	rf->w = w;
	rf->recheck_s = recheck_s;
	rf->next_recheck = roomfeed_now() + recheck_s;
	rf->feed = store_feed_open(where, why, why_len);
	if (rf->feed != NULL)
		rf->st = store_open(where, why, why_len);
	if (rf->st != NULL)
		rf->started = pthread_create(&rf->thread, NULL, roomfeed_thread, rf) == 0;
	ok = rf->started;
	if (rf->st != NULL && !ok)
		snprintf(why, why_len, "cannot start a thread");
done:
	if (!ok) {
		roomfeed_free(rf);
		rf = NULL;
	}
	return rf;
}

void roomfeed_free(struct roomfeed *rf)
{
	if (rf == NULL)
		return;
	if (rf->started) {
		__atomic_store_n(&rf->stop, true, __ATOMIC_RELEASE);
		pthread_join(rf->thread, NULL);
	}
	store_close(rf->st);
	store_feed_close(rf->feed);
	free(rf);
}
