/* fetchcursor.h - where the next request for messages starts: a pure
 * decision over the relay's sequence numbers and a clock the caller
 * passes in, no I/O (tests/unit/test_fetchcursor.c).
 *
 * The relay numbers messages relay-wide (a room's numbers have holes:
 * other rooms' messages), so one room's numbers cannot be checked for
 * continuity. The cursor follows the newest number served; false huge
 * numbers would then make every later request ask after them and see
 * nothing, for good. So the cursor also keeps where the last page that
 * brought new messages began (probe_after), and when asking at the cursor
 * brings nothing (dry), the client probes, at most once per
 * FETCH_PROBE_INTERVAL_MS:
 *  - it asks after probe_after; an answer with nothing in it means the
 *    relay numbers below that now: it asks again after half the number,
 *    and so on down to 0 (at most 64 requests);
 *  - a full page of messages all kept already: it goes on after its last;
 *  - messages not kept yet: the relay's numbering is below the cursor
 *    (it had numbered falsely): the cursor follows it (reported);
 *  - a page of messages all kept, not full: all is as it should be.
 * However many false numbers came before, an honest relay is found again
 * in one probe; a relay that keeps lying costs those requests once per
 * interval, and cannot silence a room for good. */
#ifndef E2E_FETCHCURSOR_H
#define E2E_FETCHCURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FETCH_PROBE_INTERVAL_MS 20000

struct fetch_cursor {
	uint64_t fetched;     /* ask after this */
	uint64_t probe_after; /* where the last page with new messages began */
	int64_t probed_ms;    /* when the last probe began (caller's clock) */
	uint64_t probe_next;  /* FETCH_PROBE_ON: where the probe asks next */
};

enum fetch_event {
	FETCH_STEADY,   /* nothing worth telling; the probe, if any, is over */
	FETCH_RESUMED,  /* the probe found messages not kept, numbered below the
			 * cursor: the relay had numbered falsely; the cursor went
			 * back (a probe ends here; fetching goes on at the cursor) */
	FETCH_PROBE_ON, /* the probe goes on after probe_next */
};

/* Where to ask after: the cursor, or (*probe) probe_after when the last
 * request at the cursor was `dry` and the interval has passed. */
uint64_t fetch_cursor_ask(struct fetch_cursor *cur, bool dry, int64_t now_ms, bool *probe);

/* Account for one page answered to `after`: `seqs` in the order served
 * (already checked to rise above `after`), `fresh` how many of them were
 * new to the store, `full` whether the page was a full one. */
enum fetch_event fetch_cursor_page(struct fetch_cursor *cur, uint64_t after, bool probe,
				   const uint64_t *seqs, size_t n, size_t fresh, bool full);

/* A probe stopped before its end (the caller's page limit): the next one
 * starts where it would have gone on. */
void fetch_cursor_pause(struct fetch_cursor *cur);

#endif
