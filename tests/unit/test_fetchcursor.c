/* test_fetchcursor.c - the fetch cursor (client/fetchcursor.c): an honest
 * relay's pages move it and the probe changes nothing; a false huge seq is
 * undone by the first probe after the relay is honest again; probes come
 * at most once per interval and only when the cursor is dry; a relay
 * that keeps lying costs a request per interval, never a loop. Pages are
 * lists of relay seqs and how many of them were new to the store. */
#include <string.h>

#include "check.h"
#include "fetchcursor.h"

#define T0 1000000 /* a clock, ms */

/* Ask, and account for the answer `seqs` (n of them, `fresh` new). */
static enum fetch_event page(struct fetch_cursor *c, bool dry, int64_t now, bool want_probe,
			     const uint64_t *seqs, size_t n, size_t fresh)
{
	bool probe;
	uint64_t after = fetch_cursor_ask(c, dry, now, &probe);

	CHECKF(probe == want_probe, "probe %d, want %d", probe, want_probe);
	return fetch_cursor_page(c, after, probe, now, seqs, n, fresh);
}

static void test_honest(void)
{
	struct fetch_cursor c = {0};
	bool probe;

	CHECK(page(&c, false, T0, false, (uint64_t[]){3, 7, 9}, 3, 3) == FETCH_STEADY);
	CHECK(c.fetched == 9 && c.probe_after == 0);
	CHECK(page(&c, false, T0, false, (uint64_t[]){12}, 1, 1) == FETCH_STEADY);
	CHECK(c.fetched == 12 && c.probe_after == 9);
	/* nothing new: the cursor stays */
	CHECK(page(&c, false, T0, false, NULL, 0, 0) == FETCH_STEADY);
	CHECK(c.fetched == 12);
	/* dry: the probe asks after where the last new page began, and the
	 * same message again changes nothing */
	CHECK(fetch_cursor_ask(&c, true, T0, &probe) == 9 && probe);
	CHECK(page(&c, true, T0, true, (uint64_t[]){12}, 1, 0) == FETCH_STEADY);
	CHECK(c.fetched == 12 && c.probe_after == 9 && c.probed_ms == T0);
	/* not again within the interval; then again */
	CHECK(fetch_cursor_ask(&c, true, T0 + FETCH_PROBE_INTERVAL_MS - 1, &probe) == 12 && !probe);
	CHECK(fetch_cursor_ask(&c, true, T0 + FETCH_PROBE_INTERVAL_MS, &probe) == 9 && probe);
	/* not dry: never a probe */
	CHECK(fetch_cursor_ask(&c, false, T0 + 10 * FETCH_PROBE_INTERVAL_MS, &probe) == 12 &&
	      !probe);
	/* a clock that went back does not stop probes */
	CHECK(fetch_cursor_ask(&c, true, T0 - 5, &probe) == 9 && probe);
}

static void test_false_huge_seq(void)
{
	struct fetch_cursor c = {0};

	CHECK(page(&c, false, T0, false, (uint64_t[]){4, 5}, 2, 2) == FETCH_STEADY);
	/* one lying page: the cursor follows it */
	CHECK(page(&c, false, T0, false, (uint64_t[]){4000000000u}, 1, 1) == FETCH_STEADY);
	CHECK(c.fetched == 4000000000u && c.probe_after == 5);
	/* honest again: nothing after the false number; the probe finds the
	 * message again (kept) and the next one (new): the cursor goes back */
	CHECK(page(&c, false, T0 + 1, false, NULL, 0, 0) == FETCH_STEADY);
	CHECK(page(&c, true, T0 + 1, true, (uint64_t[]){6, 8}, 2, 1) == FETCH_RESUMED);
	CHECK(c.fetched == 8 && c.probe_after == 5);
	CHECK(page(&c, false, T0 + 2, false, (uint64_t[]){9}, 1, 1) == FETCH_STEADY);
	CHECK(c.fetched == 9 && c.probe_after == 8);
}

static void test_relay_keeps_lying(void)
{
	struct fetch_cursor c = {0};
	int probes = 0;
	bool probe;

	CHECK(page(&c, false, T0, false, (uint64_t[]){2000000000u}, 1, 1) == FETCH_STEADY);
	/* a day of dry asks, one every second: probes at most once per interval */
	for (int64_t t = T0; t < T0 + 86400 * 1000LL; t += 1000) {
		(void)fetch_cursor_ask(&c, true, t, &probe);
		if (probe) {
			probes++;
			(void)fetch_cursor_page(&c, 0, true, t, (uint64_t[]){2000000000u}, 1, 0);
		}
	}
	CHECKF(probes <= 86400 / (FETCH_PROBE_INTERVAL_MS / 1000) + 1, "%d probes", probes);
	CHECK(c.fetched == 2000000000u);
	/* a probe served only kept messages leaves the cursor alone */
	CHECK(c.probe_after == 0);
}

static void test_probe_at_start(void)
{
	struct fetch_cursor c = {0};
	bool probe;

	/* nothing fetched yet: nothing to probe */
	CHECK(fetch_cursor_ask(&c, true, T0, &probe) == 0 && !probe);
	/* a probe page that is new but above the cursor is no step back */
	CHECK(page(&c, false, T0, false, (uint64_t[]){10}, 1, 1) == FETCH_STEADY);
	CHECK(page(&c, false, T0, false, (uint64_t[]){20}, 1, 1) == FETCH_STEADY);
	CHECK(page(&c, true, T0, true, (uint64_t[]){20, 30}, 2, 1) == FETCH_STEADY);
	CHECK(c.fetched == 30);
}

int main(void)
{
	test_honest();
	test_false_huge_seq();
	test_relay_keeps_lying();
	test_probe_at_start();
	return check_summary("test_fetchcursor");
}
