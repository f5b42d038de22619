/* storepool.c - one store per HTTP thread (see storepool.h).
 *
 * Measured on the 2-core benchmark VM (bench/compare.sh, medians of 3,
 * relay/floor ratios; bench/RESULTS.md): a connection per thread (plus
 * the committer's) against one connection behind a mutex, both with two
 * HTTP threads: reads of one new message 0.49 against 0.40, pages of 100
 * 0.28 against 0.27; posts 0.18 against 0.04 (that build committed posts
 * inline). So a connection per thread is the default; one shared
 * connection remains for ":memory:" and --threads 1, where the group
 * committer takes turns with the HTTP thread on it. */
#include "storepool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct storepool {
	unsigned n;
	unsigned next;            /* connections handed out to threads */
	pthread_key_t key;        /* thread -> its store */
	bool key_made;
	pthread_mutex_t lock;     /* write lock; with n == 1, the whole store */
	uint64_t membership_version; /* see store_membership_version */
	struct store **stores;
};

struct storepool *storepool_open(const char *path, unsigned n, char *why, size_t why_len)
{
	struct storepool *p = calloc(1, sizeof(*p));
	bool ok = false;

	if (p == NULL || n == 0 || (p->stores = calloc(n + 1, sizeof(*p->stores))) == NULL) {
		snprintf(why, why_len, "out of memory");
		goto done;
	}
	p->n = n;
	pthread_mutex_init(&p->lock, NULL);
	p->key_made = pthread_key_create(&p->key, NULL) == 0;
	ok = p->key_made;
	/* one at a time: the first creates the schema the others need; with
	 * several, one more for the committer (storepool_writer) */
	for (unsigned i = 0; ok && i < n + (n > 1); i++) {
		p->stores[i] = store_open(path, why, why_len);
		ok = p->stores[i] != NULL;
		if (ok && n > 1)
			store_share(p->stores[i], &p->lock, &p->membership_version);
	}
done:
	if (!ok) {
		storepool_close(p);
		p = NULL;
	}
	return p;
}

void storepool_close(struct storepool *p)
{
	if (p == NULL)
		return;
	for (unsigned i = 0; p->stores != NULL && i <= p->n; i++)
		store_close(p->stores[i]);
	if (p->key_made) {
		pthread_key_delete(p->key);
		pthread_mutex_destroy(&p->lock);
	}
	free(p->stores);
	free(p);
}

struct store *storepool_acquire(struct storepool *p)
{
	struct store *st = NULL;
	unsigned i;

	if (p->n == 1) {
		pthread_mutex_lock(&p->lock);
		return p->stores[0];
	}
	st = pthread_getspecific(p->key);
	if (st == NULL) {
		i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		if (i < p->n) {
			st = p->stores[i];
			pthread_setspecific(p->key, st);
		}
	}
	return st;
}

void storepool_set_limits(struct storepool *p, const struct store_limits *limits)
{
	for (unsigned i = 0; i <= p->n; i++)
		if (p->stores[i] != NULL)
			store_set_limits(p->stores[i], limits);
}

void storepool_watch_rooms(struct storepool *p, store_room_fn changed, void *ctx)
{
	for (unsigned i = 0; i <= p->n; i++)
		if (p->stores[i] != NULL)
			store_watch_rooms(p->stores[i], changed, ctx);
}

bool storepool_owns_session(struct storepool *p, int session)
{
	bool owns = false;

	for (unsigned i = 0; !owns && session != 0 && i <= p->n; i++)
		owns = p->stores[i] != NULL && store_session(p->stores[i]) == session;
	return owns;
}

struct store *storepool_writer_acquire(struct storepool *p)
{
	if (p->n == 1) {
		pthread_mutex_lock(&p->lock);
		return p->stores[0];
	}
	return p->stores[p->n];
}

void storepool_writer_release(struct storepool *p, struct store *st)
{
	storepool_release(p, st);
}

void storepool_release(struct storepool *p, struct store *st)
{
	if (p->n == 1 && st != NULL)
		pthread_mutex_unlock(&p->lock);
}
