/* committer.c - group commit (see committer.h). The queue is a FIFO
 * list under one mutex; the thread takes the whole queue at once (up to
 * COMMITTER_BATCH_MAX), so the batch grows with the load by itself: at
 * rest a post waits for no one, under load each fsync covers everything
 * that arrived while the previous one ran.
 *
 * The same thread sweeps the rooms for expired messages (store_sweep),
 * a slice of rooms every COMMITTER_SWEEP_S seconds, the first at start:
 * posting trims the room posted to, the sweep the rooms nobody posts
 * to, and neither ever waits for the other's write lock long. */
#include "committer.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define COMMITTER_BATCH_MAX 512
#define COMMITTER_SWEEP_S 1
#define COMMITTER_SWEEP_ROOMS 256

struct committer {
	struct storepool *pool;
	struct metrics *m; /* or NULL */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool started;
	bool stop;
	struct committer_job *head, *tail;
	size_t pending;             /* submitted, done() not yet called (atomic) */
	struct timespec next_sweep; /* CLOCK_MONOTONIC */
	int64_t sweep_cursor;       /* the last room swept */
	struct store_msg_job batch[COMMITTER_BATCH_MAX];
	enum e2e_err errs[COMMITTER_BATCH_MAX];
};

/* Take up to COMMITTER_BATCH_MAX jobs (lock held); their list. */
static struct committer_job *committer_take(struct committer *c, size_t *n)
{
	struct committer_job *first = c->head, *last = NULL, *j = c->head;

	*n = 0;
	while (j != NULL && *n < COMMITTER_BATCH_MAX) {
		last = j;
		j = j->next;
		(*n)++;
	}
	c->head = j;
	if (j == NULL)
		c->tail = NULL;
	if (last != NULL)
		last->next = NULL;
	return first;
}

/* Store one batch (the store moves on the version of every room that got
 * a message, which wakes its readers), then hand each job its outcome. */
static void committer_run(struct committer *c, struct committer_job *jobs, size_t n)
{
	struct committer_job *j, *next;
	struct store *st;
	size_t i = 0;
	bool down;

	for (j = jobs; j != NULL; j = j->next, i++)
		c->batch[i] = (struct store_msg_job){j->room_id, j->m};
	st = storepool_writer_acquire(c->pool);
	down = store_msgs_add(st, c->batch, n, c->errs) != E2E_OK && store_unavailable(st);
	storepool_writer_release(c->pool, st);
	for (i = 0, j = jobs; j != NULL; j = j->next, i++) {
		j->err = c->errs[i];
		j->unavailable = down;
	}
	for (j = jobs; j != NULL; j = next) {
		next = j->next; /* after done() the job is its owner's again */
		__atomic_fetch_sub(&c->pending, 1, __ATOMIC_RELAXED);
		j->done(j->arg);
	}
}

static bool committer_sweep_due(const struct committer *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > c->next_sweep.tv_sec ||
	       (now.tv_sec == c->next_sweep.tv_sec && now.tv_nsec >= c->next_sweep.tv_nsec);
}

/* One slice of the sweep (lock not held), and when the next is due. */
static void committer_sweep(struct committer *c)
{
	struct store *st = storepool_writer_acquire(c->pool);

	/* a room that loses messages gets a new version (the store's rule),
	 * so no cached reply shows them again */
	store_sweep(st, (int64_t)time(NULL), &c->sweep_cursor, COMMITTER_SWEEP_ROOMS);
	storepool_writer_release(c->pool, st);
	if (c->m != NULL)
		metrics_sweep(c->m);
	clock_gettime(CLOCK_MONOTONIC, &c->next_sweep);
	c->next_sweep.tv_sec += COMMITTER_SWEEP_S;
}

static void *committer_thread(void *arg)
{
	struct committer *c = arg;
	struct committer_job *jobs;
	size_t n;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (c->head == NULL && !c->stop && !committer_sweep_due(c))
			pthread_cond_timedwait(&c->cond, &c->lock, &c->next_sweep);
		if (c->head == NULL && c->stop)
			break; /* stopping, and nothing left to commit */
		if (committer_sweep_due(c)) {
			pthread_mutex_unlock(&c->lock);
			committer_sweep(c);
			pthread_mutex_lock(&c->lock);
			continue;
		}
		jobs = committer_take(c, &n);
		pthread_mutex_unlock(&c->lock);
		committer_run(c, jobs, n);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

struct committer *committer_new(struct storepool *pool, struct metrics *m)
{
	struct committer *c = calloc(1, sizeof(*c));
	pthread_condattr_t attr;

	if (c == NULL)
		return NULL;
	c->pool = pool;
	c->m = m;
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* for next_sweep */
	pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
	clock_gettime(CLOCK_MONOTONIC, &c->next_sweep); /* the first: at once */
	c->started = pthread_create(&c->thread, NULL, committer_thread, c) == 0;
	if (!c->started) {
		committer_free(c);
		c = NULL;
	}
	return c;
}

void committer_free(struct committer *c)
{
	if (c == NULL)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_signal(&c->cond);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
	}
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

bool committer_submit(struct committer *c, struct committer_job *job)
{
	bool ok;

	job->next = NULL;
	pthread_mutex_lock(&c->lock);
	ok = !c->stop;
	if (ok) {
		if (c->tail != NULL)
			c->tail->next = job;
		else
			c->head = job;
		c->tail = job;
		__atomic_fetch_add(&c->pending, 1, __ATOMIC_RELAXED);
		pthread_cond_signal(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

size_t committer_pending(const struct committer *c)
{
	return __atomic_load_n(&c->pending, __ATOMIC_RELAXED);
}
