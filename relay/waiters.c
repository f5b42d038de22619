/* waiters.c - the long-poll registry (see waiters.h).
 *
 * Every parked reader is on two intrusive lists: its room's bucket (so a
 * post wakes its room's readers without looking at the others) and one
 * list ordered by deadline (so the timer thread only ever looks at the
 * head). Deadlines are "now + wait", so a new entry almost always goes at
 * the tail; the insertion walks from the tail. */
#include "waiters.h"

#include <pthread.h>
#include <stdlib.h>

/* A power of two; rooms share a bucket (and a version) by room_id. */
#define WAITERS_BUCKETS 4096
/* With nobody parked the timer thread still looks this often (seconds),
 * which costs nothing and bounds any missed signal. */
#define WAITERS_IDLE_S 1

struct waiter {
	int64_t room_id;
	uint64_t after;
	struct timespec deadline;
	waiters_wake_fn wake;
	void *arg;
	struct waiter *room_prev, *room_next;
	struct waiter *time_prev, *time_next;
};

struct waiters_bucket {
	uint64_t room_version;
	struct waiter *head;
};

struct waiters {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* the deadline head changed, or stop */
	pthread_t timer;
	bool timer_started;
	bool closing;
	bool stop;
	size_t count;
	uint64_t forgotten; /* waiters_forget: part of every room version */
	struct waiter *time_head, *time_tail;
	struct waiters_bucket bucket[WAITERS_BUCKETS];
};

static struct waiters_bucket *waiters_bucket_of(struct waiters *w, int64_t room_id)
{
	return &w->bucket[(uint64_t)room_id & (WAITERS_BUCKETS - 1)];
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* ---- the two lists ---- */

static void time_insert(struct waiters *w, struct waiter *e)
{
	struct waiter *after = w->time_tail;

	while (after != NULL && ts_before(&e->deadline, &after->deadline))
		after = after->time_prev;
	e->time_prev = after;
	e->time_next = after != NULL ? after->time_next : w->time_head;
	if (e->time_next != NULL)
		e->time_next->time_prev = e;
	else
		w->time_tail = e;
	if (after != NULL)
		after->time_next = e;
	else
		w->time_head = e;
}

static void time_remove(struct waiters *w, struct waiter *e)
{
	if (e->time_prev != NULL)
		e->time_prev->time_next = e->time_next;
	else
		w->time_head = e->time_next;
	if (e->time_next != NULL)
		e->time_next->time_prev = e->time_prev;
	else
		w->time_tail = e->time_prev;
}

static void room_insert(struct waiters_bucket *b, struct waiter *e)
{
	e->room_prev = NULL;
	e->room_next = b->head;
	if (b->head != NULL)
		b->head->room_prev = e;
	b->head = e;
}

static void room_remove(struct waiters_bucket *b, struct waiter *e)
{
	if (e->room_prev != NULL)
		e->room_prev->room_next = e->room_next;
	else
		b->head = e->room_next;
	if (e->room_next != NULL)
		e->room_next->room_prev = e->room_prev;
}

/* Unlink, wake and free one entry (lock held). */
static void waiter_wake(struct waiters *w, struct waiter *e)
{
	room_remove(waiters_bucket_of(w, e->room_id), e);
	time_remove(w, e);
	w->count--;
	e->wake(e->arg);
	free(e);
}

/* ---- the timer thread ---- */

static void *waiters_timer(void *arg)
{
	struct waiters *w = arg;
	struct timespec now, until;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		while (w->time_head != NULL && !ts_before(&now, &w->time_head->deadline))
			waiter_wake(w, w->time_head);
		until = now;
		until.tv_sec += WAITERS_IDLE_S;
		if (w->time_head != NULL && ts_before(&w->time_head->deadline, &until))
			until = w->time_head->deadline;
		pthread_cond_timedwait(&w->cond, &w->lock, &until);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* ---- the interface ---- */

struct waiters *waiters_new(void)
{
	struct waiters *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;
	bool ok = false;

	if (w == NULL)
		goto done;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	/* deadlines are monotonic: a clock step must not expire a wait */
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	w->timer_started = pthread_create(&w->timer, NULL, waiters_timer, w) == 0;
	ok = w->timer_started;
done:
	if (!ok) {
		waiters_free(w);
		w = NULL;
	}
	return w;
}

void waiters_free(struct waiters *w)
{
	if (w == NULL)
		return;
	waiters_shutdown(w);
	if (w->timer_started) {
		pthread_mutex_lock(&w->lock);
		w->stop = true;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->timer, NULL);
	}
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

uint64_t waiters_room_version(struct waiters *w, int64_t room_id)
{
	uint64_t version;

	pthread_mutex_lock(&w->lock);
	version = waiters_bucket_of(w, room_id)->room_version + w->forgotten;
	pthread_mutex_unlock(&w->lock);
	return version;
}

bool waiters_park(struct waiters *w, int64_t room_id, uint64_t room_version, uint64_t after,
		  const struct timespec *deadline, waiters_wake_fn wake, void *arg)
{
	struct waiter *e = malloc(sizeof(*e));
	struct waiters_bucket *b = waiters_bucket_of(w, room_id);
	bool parked = false;

	if (e == NULL)
		return false; /* the caller queries again, then answers */
	*e = (struct waiter){.room_id = room_id, .after = after, .deadline = *deadline,
			     .wake = wake, .arg = arg};
	pthread_mutex_lock(&w->lock);
	if (!w->closing && b->room_version + w->forgotten == room_version) {
		room_insert(b, e);
		time_insert(w, e);
		w->count++;
		if (w->time_head == e)
			pthread_cond_signal(&w->cond);
		parked = true;
	}
	pthread_mutex_unlock(&w->lock);
	if (!parked)
		free(e);
	return parked;
}

void waiters_room_changed(void *waiters, int64_t room_id)
{
	struct waiters *w = waiters;
	struct waiters_bucket *b = waiters_bucket_of(w, room_id);
	struct waiter *e, *next;

	pthread_mutex_lock(&w->lock);
	b->room_version++;
	for (e = b->head; e != NULL; e = next) {
		next = e->room_next;
		if (e->room_id == room_id)
			waiter_wake(w, e);
	}
	pthread_mutex_unlock(&w->lock);
}

void waiters_forget(struct waiters *w)
{
	pthread_mutex_lock(&w->lock);
	w->forgotten++;
	pthread_mutex_unlock(&w->lock);
}

/* One bucket's rooms appended to out[*n..max); false (nothing added) if
 * they do not all fit. A bucket holds few rooms (rooms share one by id),
 * so the search for a room already listed stays within the bucket's. */
static bool waiters_bucket_rooms(const struct waiters_bucket *b, struct waiters_room *out,
				 size_t *n, size_t max)
{
	size_t first = *n, i, end = *n;
	bool fits = true;

	for (const struct waiter *e = b->head; fits && e != NULL; e = e->room_next) {
		for (i = first; i < end && out[i].room_id != e->room_id; i++)
			;
		if (i < end && e->after < out[i].after)
			out[i].after = e->after;
		else if (i == end && end < max)
			out[end++] = (struct waiters_room){e->room_id, e->after};
		else if (i == end)
			fits = false;
	}
	if (fits)
		*n = end;
	return fits;
}

size_t waiters_parked(struct waiters *w, size_t *cursor, struct waiters_room *out, size_t max)
{
	size_t n = 0, b = *cursor < WAITERS_BUCKETS ? *cursor : 0;

	pthread_mutex_lock(&w->lock);
	while (b < WAITERS_BUCKETS && waiters_bucket_rooms(&w->bucket[b], out, &n, max))
		b++;
	pthread_mutex_unlock(&w->lock);
	*cursor = b < WAITERS_BUCKETS ? b : 0;
	return n;
}

void waiters_shutdown(struct waiters *w)
{
	pthread_mutex_lock(&w->lock);
	w->closing = true;
	while (w->time_head != NULL)
		waiter_wake(w, w->time_head);
	pthread_mutex_unlock(&w->lock);
}

bool waiters_closing(struct waiters *w)
{
	bool closing;

	pthread_mutex_lock(&w->lock);
	closing = w->closing;
	pthread_mutex_unlock(&w->lock);
	return closing;
}

size_t waiters_count(struct waiters *w)
{
	size_t n;

	pthread_mutex_lock(&w->lock);
	n = w->count;
	pthread_mutex_unlock(&w->lock);
	return n;
}
