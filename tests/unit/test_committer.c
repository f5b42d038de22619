/* test_committer.c - the relay's group committer (relay/committer.c) on
 * a real in-memory store: every job of a batch gets its own outcome, and
 * a batch that stores a message in a room moves that room's version on
 * and wakes its parked readers, whichever job of the batch it was. The
 * case that guards the review's bug: in one batch, a refused post
 * (counter_reused) first, then a stored one for the same room; the
 * readers must be woken and the version must move, else the reply
 * cache's "nothing after N" memo (keyed by that version) keeps
 * answering [] until the room's next post. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "committer.h"
#include "storepool.h"
#include "waiters.h"

/* A post waited for: done() signals under the lock. */
struct post {
	struct committer_job job;
	struct wire_msg m;
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	bool done;
};

static void post_done(void *arg)
{
	struct post *p = arg;

	pthread_mutex_lock(p->lock);
	p->done = true;
	pthread_cond_broadcast(p->cond);
	pthread_mutex_unlock(p->lock);
}

/* A parked reader: woken by the registry under its lock. */
struct reader {
	unsigned woken;
};

static void reader_wake(void *arg)
{
	struct reader *r = arg;

	r->woken++;
}

static struct timespec in_s(long s)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += s;
	return t;
}

/* A room "lobby" with one member "alice" (no signatures: the store
 * checks none); its id. */
static int64_t make_room(struct storepool *pool)
{
	struct store *st = storepool_acquire(pool);
	struct store_room room = {0};
	struct wire_member alice = {0};
	uint8_t token_hash[E2E_TOKEN_BYTES] = {1};
	uint8_t payload[4] = {'{', '}', 0, 0};
	struct store_state state = {.revision = 1, .epoch = 1, .payload = payload, .len = 2};
	enum e2e_err err;

	strcpy(room.pub.room, "lobby");
	strcpy(room.pub.creator, "alice");
	room.pub.opslimit = 2;
	room.pub.memlimit = 1;
	strcpy(alice.name, "alice");
	err = store_room_create(st, &room, &alice, token_hash, &state, NULL, 0);
	storepool_release(pool, st);
	CHECK(err == E2E_OK);
	return room.id;
}

static void post_init(struct post *p, int64_t room_id, uint64_t counter,
		      pthread_mutex_t *lock, pthread_cond_t *cond)
{
	memset(p, 0, sizeof(*p));
	strcpy(p->m.sender, "alice");
	p->m.epoch = 1;
	p->m.counter = counter;
	p->m.received_at = (int64_t)time(NULL);
	p->m.ct_len = 1;
	p->lock = lock;
	p->cond = cond;
	p->job = (struct committer_job){.room_id = room_id, .m = &p->m, .done = post_done,
					.arg = p};
}

static void post_wait(struct post *p)
{
	pthread_mutex_lock(p->lock);
	while (!p->done)
		pthread_cond_wait(p->cond, p->lock);
	pthread_mutex_unlock(p->lock);
}

/* In ONE batch: counter 0 (refused: not above the last, 0), then
 * counter 1 (stored). `st` is the pool's single connection, held by the
 * caller since before the committer started: its first act, a sweep,
 * waits for it, and meanwhile both posts are queued; then it takes the
 * whole queue at once. */
static void test_refused_then_stored(struct storepool *pool, struct store *st,
				     struct committer *c, struct waiters *w, int64_t room_id,
				     pthread_mutex_t *lock, pthread_cond_t *cond)
{
	struct post refused, stored;
	struct reader r = {0};
	struct timespec deadline = in_s(30);
	uint64_t version = waiters_room_version(w, room_id);

	CHECK(waiters_park(w, room_id, version, 0, &deadline, reader_wake, &r));
	post_init(&refused, room_id, 0, lock, cond);
	post_init(&stored, room_id, 1, lock, cond);
	CHECK(committer_submit(c, &refused.job));
	CHECK(committer_submit(c, &stored.job));
	storepool_release(pool, st);
	post_wait(&refused);
	post_wait(&stored);
	CHECK(refused.job.err == E2E_ERR_COUNTER);
	CHECK(stored.job.err == E2E_OK);
	CHECK(stored.m.seq == 1);
	/* the readers are woken (under the registry's lock, before done) */
	CHECKF(r.woken == 1, "woken %u times", r.woken);
	CHECK(waiters_room_version(w, room_id) != version);
	CHECK(waiters_count(w) == 0);
}

/* One post on its own, after: stored, and its room's readers woken. */
static void test_single(struct committer *c, struct waiters *w, int64_t room_id,
			pthread_mutex_t *lock, pthread_cond_t *cond)
{
	struct post p;
	struct reader r = {0};
	struct timespec deadline = in_s(30);
	uint64_t version = waiters_room_version(w, room_id);

	CHECK(waiters_park(w, room_id, version, 0, &deadline, reader_wake, &r));
	post_init(&p, room_id, 2, lock, cond);
	CHECK(committer_submit(c, &p.job));
	post_wait(&p);
	CHECK(p.job.err == E2E_OK);
	CHECK(p.m.seq == 2);
	CHECK(r.woken == 1);
	CHECK(waiters_room_version(w, room_id) != version);
}

int main(void)
{
	char why[256] = "";
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	/* one connection: the committer and the test take turns on it */
	struct storepool *pool = storepool_open(":memory:", 1, why, sizeof why);
	struct waiters *w = waiters_new();
	struct committer *c = NULL;
	struct store *st;
	int64_t room_id;

	if (!CHECKF(pool != NULL && w != NULL, "%s", why))
		return check_summary("test_committer");
	storepool_watch_rooms(pool, waiters_room_changed, w);
	room_id = make_room(pool);
	st = storepool_acquire(pool); /* released by the first test */
	c = committer_new(pool, NULL);
	if (CHECK(c != NULL)) {
		test_refused_then_stored(pool, st, c, w, room_id, &lock, &cond);
		test_single(c, w, room_id, &lock, &cond);
	} else {
		storepool_release(pool, st);
	}
	committer_free(c);
	waiters_free(w);
	storepool_close(pool);
	return check_summary("test_committer");
}
