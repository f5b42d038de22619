/* test_fetchcursor.c - the fetch cursor (client/fetchcursor.c), driven by
 * a model relay: a room's messages at relay-wide numbers, served after a
 * number, a page at a time, honestly or with false numbers. An honest
 * relay's pages move the cursor and a probe changes nothing; false huge
 * numbers, however many, are undone by the first probe once the relay is
 * honest again; probes come at most once per interval and only when the
 * cursor is dry; a relay that keeps lying costs a bounded number of
 * requests per interval, never a loop. */
#include <string.h>

#include "check.h"
#include "fetchcursor.h"

#define T0 1000000 /* a clock, ms */
#define PAGE 4     /* the model relay's page */
#define ROOM_MAX 64

/* The model: the room's true numbers, what the client keeps. */
struct model {
	uint64_t seq[ROOM_MAX];
	size_t n;
	bool kept[ROOM_MAX];
	uint64_t lie; /* > 0: messages are served numbered lie, lie + 1, ... */
	unsigned requests;
};

/* One fetch as messages.c runs it: pages at the cursor, then (dry) the
 * probe; returns the events seen, RESUMED if any. */
static enum fetch_event fetch(struct model *m, struct fetch_cursor *c, int64_t now)
{
	enum fetch_event ev = FETCH_STEADY, seen = FETCH_STEADY;
	bool probe = false, dry = false, full;
	uint64_t after, seqs[PAGE];
	size_t n, fresh;

	for (int pages = 0; pages < 200; pages++) {
		after = ev == FETCH_PROBE_ON ? c->probe_next : fetch_cursor_ask(c, dry, now, &probe);
		if (dry && !probe)
			break;
		m->requests++;
		n = fresh = 0;
		for (size_t i = 0; i < m->n && n < PAGE; i++) {
			uint64_t served = m->lie ? m->lie + i : m->seq[i];

			if (served <= after)
				continue;
			seqs[n++] = served;
			fresh += !m->kept[i];
			m->kept[i] = true;
		}
		full = n == PAGE;
		ev = fetch_cursor_page(c, after, probe, seqs, n, fresh, full);
		if (ev == FETCH_RESUMED)
			seen = ev;
		if (ev == FETCH_PROBE_ON)
			continue;
		if (probe && ev == FETCH_RESUMED)
			probe = dry = false;
		else if (full)
			dry = false;
		else if (probe || fresh > 0)
			break;
		else
			dry = true;
	}
	return seen;
}

static void post(struct model *m, uint64_t seq)
{
	m->seq[m->n++] = seq;
}

static bool all_kept(const struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (!m->kept[i])
			return false;
	return true;
}

static void test_honest(void)
{
	struct model m = {0};
	struct fetch_cursor c = {0};
	bool probe;

	post(&m, 3);
	post(&m, 7);
	post(&m, 9);
	CHECK(fetch(&m, &c, T0) == FETCH_STEADY && all_kept(&m));
	CHECK(c.fetched == 9 && c.probe_after == 0);
	post(&m, 12);
	CHECK(fetch(&m, &c, T0 + 1) == FETCH_STEADY && c.fetched == 12 && c.probe_after == 9);
	/* dry, a probe due: one more request, which finds what is kept */
	m.requests = 0;
	CHECK(fetch(&m, &c, T0 + FETCH_PROBE_INTERVAL_MS) == FETCH_STEADY);
	CHECKF(m.requests == 2, "%u requests", m.requests);
	CHECK(c.fetched == 12 && c.probe_after == 9);
	/* not again within the interval */
	m.requests = 0;
	CHECK(fetch(&m, &c, T0 + FETCH_PROBE_INTERVAL_MS + 1) == FETCH_STEADY && m.requests == 1);
	/* not dry: never a probe; a clock that went back does not stop them */
	CHECK(fetch_cursor_ask(&c, false, T0 + 10 * FETCH_PROBE_INTERVAL_MS, &probe) == 12 &&
	      !probe);
	CHECK(fetch_cursor_ask(&c, true, T0 - 5, &probe) == 9 && probe);
}

static void test_false_numbers(void)
{
	struct model m = {0};
	struct fetch_cursor c = {0};

	post(&m, 4);
	post(&m, 5);
	CHECK(fetch(&m, &c, T0) == FETCH_STEADY);
	/* two lying answers, each with one new message at a false number */
	post(&m, 8);
	m.lie = 4000000000u - 2;
	CHECK(fetch(&m, &c, T0 + 1) == FETCH_STEADY && c.fetched == 4000000000u);
	post(&m, 11);
	CHECK(fetch(&m, &c, T0 + 2) == FETCH_STEADY && c.fetched == 4000000001u);
	CHECK(c.probe_after == 4000000000u);
	/* honest again: a new message at its true number */
	m.lie = 0;
	post(&m, 15);
	m.requests = 0;
	CHECK(fetch(&m, &c, T0 + FETCH_PROBE_INTERVAL_MS) == FETCH_RESUMED);
	CHECK(all_kept(&m) && c.fetched == 15);
	CHECKF(m.requests <= 40, "%u requests", m.requests);
	post(&m, 16);
	CHECK(fetch(&m, &c, T0 + FETCH_PROBE_INTERVAL_MS + 1) == FETCH_STEADY && all_kept(&m));
}

static void test_long_history_walked(void)
{
	struct model m = {0};
	struct fetch_cursor c = {0};

	for (uint64_t i = 1; i <= 20; i++)
		post(&m, 10 * i);
	CHECK(fetch(&m, &c, T0) == FETCH_STEADY && c.fetched == 200);
	m.lie = 3000000000u;
	post(&m, 210);
	CHECK(fetch(&m, &c, T0 + 1) == FETCH_STEADY && c.fetched > 3000000000u);
	m.lie = 0;
	post(&m, 220);
	/* the probe halves down below the room, then walks its full pages of
	 * kept messages until it meets the new one */
	CHECK(fetch(&m, &c, T0 + FETCH_PROBE_INTERVAL_MS) == FETCH_RESUMED);
	CHECK(all_kept(&m) && c.fetched == 220);
}

static void test_relay_keeps_lying(void)
{
	struct model m = {0};
	struct fetch_cursor c = {0};
	unsigned worst = 0;

	post(&m, 1);
	m.lie = 2000000000u;
	CHECK(fetch(&m, &c, T0) == FETCH_STEADY);
	/* a day of dry fetches, one a second, the relay lying throughout */
	for (int64_t t = T0 + 1000; t < T0 + 86400 * 1000LL; t += 1000) {
		m.requests = 0;
		(void)fetch(&m, &c, t);
		if (m.requests > worst)
			worst = m.requests;
	}
	CHECKF(worst <= 70, "a fetch made %u requests", worst);
	CHECK(c.fetched == 2000000000u);
}

static void test_empty_relay(void)
{
	struct model m = {0};
	struct fetch_cursor c = {0};

	post(&m, 100);
	CHECK(fetch(&m, &c, T0) == FETCH_STEADY);
	post(&m, 120);
	CHECK(fetch(&m, &c, T0 + 1) == FETCH_STEADY);
	/* every message expired on the relay: the probe halves to 0, finds
	 * nothing, and probing stops until new messages come */
	m.n = 0;
	m.requests = 0;
	CHECK(fetch(&m, &c, T0 + FETCH_PROBE_INTERVAL_MS) == FETCH_STEADY);
	CHECK(c.probe_after == c.fetched);
	m.requests = 0;
	CHECK(fetch(&m, &c, T0 + 3 * FETCH_PROBE_INTERVAL_MS) == FETCH_STEADY && m.requests == 1);
}

static void test_pause(void)
{
	struct fetch_cursor c = {.fetched = 100, .probe_after = 90, .probe_next = 40};

	/* a walk cut short: the next probe goes on where it stopped */
	fetch_cursor_pause(&c);
	CHECK(c.probe_after == 40);
	/* never at or past the cursor (nothing to probe there) */
	c.probe_next = 200;
	fetch_cursor_pause(&c);
	CHECK(c.probe_after == 40);
}

int main(void)
{
	test_honest();
	test_false_numbers();
	test_long_history_walked();
	test_relay_keeps_lying();
	test_empty_relay();
	test_pause();
	return check_summary("test_fetchcursor");
}
