/* committer.c - group commit (see committer.h). The queue is a FIFO
 * list under one mutex; the thread takes the whole queue at once (up to
 * COMMITTER_BATCH_MAX), so the batch grows with the load by itself: at
 * rest a post waits for no one, under load each fsync covers everything
 * that arrived while the previous one ran. */
#include "committer.h"

#include <pthread.h>
#include <stdlib.h>

#define COMMITTER_BATCH_MAX 512

struct committer {
	struct store *st;
	struct waiters *w;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool started;
	bool stop;
	struct committer_job *head, *tail;
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

/* Store one batch, wake the readers of every room that got a message,
 * then hand each job its outcome. */
static void committer_run(struct committer *c, struct committer_job *jobs, size_t n)
{
	struct committer_job *j, *next;
	size_t i = 0;

	for (j = jobs; j != NULL; j = j->next, i++)
		c->batch[i] = (struct store_msg_job){j->room_id, j->m};
	store_msgs_add(c->st, c->batch, n, c->errs);
	/* committed (or not) for good: now readers may see it */
	for (i = 0, j = jobs; j != NULL; j = j->next, i++) {
		j->err = c->errs[i];
		if (j->err == E2E_OK && (i == 0 || c->batch[i - 1].room_id != j->room_id))
			waiters_notify(c->w, j->room_id);
	}
	for (j = jobs; j != NULL; j = next) {
		next = j->next; /* after done() the job is its owner's again */
		j->done(j->arg);
	}
}

static void *committer_thread(void *arg)
{
	struct committer *c = arg;
	struct committer_job *jobs;
	size_t n;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (c->head == NULL && !c->stop)
			pthread_cond_wait(&c->cond, &c->lock);
		if (c->head == NULL)
			break; /* stopping, and nothing left to commit */
		jobs = committer_take(c, &n);
		pthread_mutex_unlock(&c->lock);
		committer_run(c, jobs, n);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

struct committer *committer_new(struct store *st, struct waiters *w)
{
	struct committer *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->st = st;
	c->w = w;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
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
		pthread_cond_signal(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}
