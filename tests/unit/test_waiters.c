/* test_waiters.c - the relay's long-poll registry (relay/waiters.c) on its
 * own: a park succeeds only with the room's current version, a room change
 * wakes exactly its room's readers once and moves the version on, the
 * timer thread wakes readers at their deadlines in deadline order, and
 * shutdown wakes everyone and refuses new parks. tests/longpoll drives
 * the same through a relay. */
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "waiters.h"

/* Readers that share one wake-up log (the registry calls wake under its
 * lock, so the log needs no lock of its own). */
struct log {
	unsigned next; /* the order of the next wake-up */
};

struct reader {
	struct log *log;
	unsigned woken; /* how many times */
	unsigned order; /* 1 + the log's count when woken */
};

static void reader_wake(void *arg)
{
	struct reader *r = arg;

	r->woken++;
	r->order = ++r->log->next;
}

static struct timespec in_ms(long ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Wait (up to 5 s) until nobody is parked. */
static bool drained(struct waiters *w)
{
	struct timespec step = {0, 5 * 1000000L};

	/* up to 20 s: the deadlines are at most 4.5 s away */
	for (int i = 0; i < 4000 && waiters_count(w) > 0; i++)
		nanosleep(&step, NULL);
	return waiters_count(w) == 0;
}

static void test_version_and_change(struct waiters *w)
{
	struct log log = {0};
	struct reader a = {&log, 0, 0}, other = {&log, 0, 0};
	struct timespec later = in_ms(60000);
	uint64_t t = waiters_room_version(w, 1), t_other = waiters_room_version(w, 2);

	CHECK(waiters_room_version(w, 1) == t); /* stable until a commit */
	CHECK(waiters_park(w, 1, t, 0, &later, reader_wake, &a));
	CHECK(waiters_park(w, 2, t_other, 0, &later, reader_wake, &other));
	CHECK(waiters_count(w) == 2);
	waiters_room_changed(w, 1);
	CHECK(a.woken == 1 && other.woken == 0); /* only room 1's reader */
	CHECK(waiters_count(w) == 1);
	CHECK(waiters_room_version(w, 1) != t); /* the version moved on */
	CHECK(waiters_room_version(w, 2) == t_other);
	waiters_room_changed(w, 1); /* nobody left in room 1: nothing woken twice */
	CHECK(a.woken == 1);
	waiters_room_changed(w, 2);
	CHECK(other.woken == 1 && waiters_count(w) == 0);
}

static void test_stale_version_refused(struct waiters *w)
{
	struct log log = {0};
	struct reader r = {&log, 0, 0};
	struct timespec later = in_ms(60000);
	uint64_t t = waiters_room_version(w, 3);

	/* a post committed between the reader's ticket and its park */
	waiters_room_changed(w, 3);
	CHECK(!waiters_park(w, 3, t, 0, &later, reader_wake, &r));
	CHECK(waiters_count(w) == 0 && r.woken == 0);
	CHECK(waiters_park(w, 3, waiters_room_version(w, 3), 0, &later, reader_wake, &r));
	waiters_room_changed(w, 3);
	CHECK(r.woken == 1);
}

static void test_shared_bucket(struct waiters *w)
{
	struct log log = {0};
	struct reader a = {&log, 0, 0}, b = {&log, 0, 0};
	struct timespec later = in_ms(60000);
	int64_t ra = 5, rb = 5 + 4096; /* the same bucket (WAITERS_BUCKETS) */
	uint64_t tb = waiters_room_version(w, rb);

	CHECK(waiters_park(w, ra, waiters_room_version(w, ra), 0, &later, reader_wake, &a));
	CHECK(waiters_park(w, rb, tb, 0, &later, reader_wake, &b));
	waiters_room_changed(w, ra);
	CHECK(a.woken == 1 && b.woken == 0); /* the other room's reader stays */
	/* the shared version moved: a park with the old one queries again,
	 * which costs a query and can never miss a message */
	CHECK(!waiters_park(w, rb, tb, 0, &later, reader_wake, &a));
	waiters_room_changed(w, rb);
	CHECK(b.woken == 1 && a.woken == 1 && waiters_count(w) == 0);
}

static void test_deadlines_in_order(struct waiters *w)
{
	struct log log = {0};
	struct reader r[3] = {{&log, 0, 0}, {&log, 0, 0}, {&log, 0, 0}};
	/* 1.5 s apart: "not before" must hold even if this thread stalls for a
	 * second on a busy machine */
	long ms[3] = {4500, 1500, 3000};
	struct timespec d[3];

	for (int i = 0; i < 3; i++) {
		d[i] = in_ms(ms[i]);
		CHECK(waiters_park(w, 9, waiters_room_version(w, 9), 0, &d[i], reader_wake, &r[i]));
	}
	CHECK(r[0].woken + r[1].woken + r[2].woken == 0); /* not before */
	CHECK(drained(w));
	CHECK(r[0].woken == 1 && r[1].woken == 1 && r[2].woken == 1);
	CHECK(r[1].order == 1 && r[2].order == 2 && r[0].order == 3);
}

static void test_shutdown(void)
{
	struct waiters *w = waiters_new();
	struct log log = {0};
	struct reader a = {&log, 0, 0}, b = {&log, 0, 0}, c = {&log, 0, 0};
	struct timespec later = in_ms(60000);

	if (!CHECK(w != NULL))
		return;
	CHECK(!waiters_closing(w));
	CHECK(waiters_park(w, 1, waiters_room_version(w, 1), 0, &later, reader_wake, &a));
	CHECK(waiters_park(w, 2, waiters_room_version(w, 2), 0, &later, reader_wake, &b));
	waiters_shutdown(w);
	CHECK(waiters_closing(w));
	CHECK(a.woken == 1 && b.woken == 1 && waiters_count(w) == 0);
	CHECK(!waiters_park(w, 1, waiters_room_version(w, 1), 0, &later, reader_wake, &c));
	CHECK(c.woken == 0);
	waiters_free(w);
	/* freeing a registry that still holds readers wakes them */
	w = waiters_new();
	if (!CHECK(w != NULL))
		return;
	CHECK(waiters_park(w, 1, waiters_room_version(w, 1), 0, &later, reader_wake, &c));
	waiters_free(w);
	CHECK(c.woken == 1);
}

/* waiters_forget moves every room's version without waking anyone;
 * waiters_parked lists each room once with its readers' lowest after. */
static void test_forget_and_parked(void)
{
	struct waiters *w = waiters_new();
	struct log log = {0};
	struct reader a = {&log, 0, 0}, b = {&log, 0, 0}, c = {&log, 0, 0};
	struct timespec later = in_ms(60000);
	struct waiters_room rooms[4];
	uint64_t t1, t2;
	size_t n, cursor = 0;

	if (!CHECK(w != NULL))
		return;
	t1 = waiters_room_version(w, 1);
	t2 = waiters_room_version(w, 2);
	CHECK(waiters_park(w, 1, t1, 7, &later, reader_wake, &a));
	CHECK(waiters_park(w, 1, t1, 5, &later, reader_wake, &b));
	CHECK(waiters_park(w, 2, t2, 9, &later, reader_wake, &c));
	n = waiters_parked(w, &cursor, rooms, 4);
	CHECK(n == 2 && cursor == 0); /* all of them: from the start again */
	for (size_t i = 0; i < n; i++)
		CHECKF(rooms[i].after == (rooms[i].room_id == 1 ? 5u : 9u), "room %lld after %llu",
		       (long long)rooms[i].room_id, (unsigned long long)rooms[i].after);
	/* one at a time: room 1 (the first call stops before room 2's
	 * bucket), then room 2, where it stopped, to the end (the walk
	 * starts over), then room 1 again */
	CHECK(waiters_parked(w, &cursor, rooms, 1) == 1 && rooms[0].room_id == 1 &&
	      rooms[0].after == 5 && cursor != 0);
	CHECK(waiters_parked(w, &cursor, rooms, 1) == 1 && rooms[0].room_id == 2 &&
	      rooms[0].after == 9 && cursor == 0);
	CHECK(waiters_parked(w, &cursor, rooms, 1) == 1 && rooms[0].room_id == 1);
	waiters_forget(w);
	CHECK(waiters_room_version(w, 1) != t1 && waiters_room_version(w, 2) != t2);
	CHECK(a.woken == 0 && b.woken == 0 && c.woken == 0 && waiters_count(w) == 3);
	/* a park with a version taken before the forget queries again */
	CHECK(!waiters_park(w, 2, t2, 9, &later, reader_wake, &c));
	waiters_free(w); /* wakes the three */
	CHECK(a.woken == 1 && b.woken == 1 && c.woken == 1);
}

int main(void)
{
	struct waiters *w = waiters_new();

	if (!CHECK(w != NULL))
		return check_summary("test_waiters");
	test_version_and_change(w);
	test_stale_version_refused(w);
	test_shared_bucket(w);
	test_deadlines_in_order(w);
	waiters_free(w);
	test_shutdown();
	test_forget_and_parked();
	return check_summary("test_waiters");
}
