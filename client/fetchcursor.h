/* fetchcursor.h - where the next request for messages starts: a pure
 * decision over the relay's sequence numbers and a clock the caller
 * passes in, no I/O (tests/unit/test_fetchcursor.c).
 *
 * The relay numbers messages relay-wide (a room's numbers have holes:
 * other rooms' messages), so the numbers of one room cannot be checked
 * for continuity. The cursor follows the newest number served; a false
 * huge one would then make every later request ask after it and see
 * nothing, for good. So the cursor also keeps where the last page that
 * brought new messages began (probe_after), and when asking at the
 * cursor brings nothing (dry), the client asks once more after
 * probe_after (the probe), at most once per FETCH_PROBE_INTERVAL_MS. An
 * honest relay serves the same messages again there (kept already: the
 * probe changes nothing); a relay that had numbered falsely and is honest
 * again serves messages not kept yet, and the cursor goes back to its
 * numbering (reported). One answer can cost a request per interval; it
 * can never silence a room for good. */
#ifndef E2E_FETCHCURSOR_H
#define E2E_FETCHCURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FETCH_PROBE_INTERVAL_MS 20000

struct fetch_cursor {
	uint64_t fetched;     /* ask after this */
	uint64_t probe_after; /* where the last page with new messages began */
	int64_t probed_ms;    /* when the last probe was made (caller's clock) */
};

enum fetch_event {
	FETCH_STEADY,  /* nothing worth telling */
	FETCH_RESUMED, /* the probe found messages not kept, numbered below the
			* cursor: the relay had numbered falsely; the cursor went back */
};

/* Where to ask after: the cursor, or (*probe) probe_after when the last
 * request at the cursor was `dry` and the interval has passed. */
uint64_t fetch_cursor_ask(const struct fetch_cursor *cur, bool dry, int64_t now_ms, bool *probe);

/* Account for one page answered to `after` (from fetch_cursor_ask):
 * `seqs` in the order served (already checked to rise above `after`),
 * `fresh` how many of them were new to the store. */
enum fetch_event fetch_cursor_page(struct fetch_cursor *cur, uint64_t after, bool probe,
				   int64_t now_ms, const uint64_t *seqs, size_t n, size_t fresh);

#endif
