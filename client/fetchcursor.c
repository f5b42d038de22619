/* fetchcursor.c - the fetch cursor's rules (fetchcursor.h). */
#include "fetchcursor.h"

uint64_t fetch_cursor_ask(const struct fetch_cursor *cur, bool dry, int64_t now_ms, bool *probe)
{
	/* a clock that went back counts as the interval passed */
	bool due = now_ms - cur->probed_ms >= FETCH_PROBE_INTERVAL_MS || now_ms < cur->probed_ms;

	*probe = dry && due && cur->probe_after < cur->fetched;
	return *probe ? cur->probe_after : cur->fetched;
}

enum fetch_event fetch_cursor_page(struct fetch_cursor *cur, uint64_t after, bool probe,
				   int64_t now_ms, const uint64_t *seqs, size_t n, size_t fresh)
{
	uint64_t was = cur->fetched;

	if (probe)
		cur->probed_ms = now_ms;
	if (n == 0 || (probe && fresh == 0))
		return FETCH_STEADY; /* nothing, or the same again: nothing changes */
	if (fresh > 0)
		cur->probe_after = after;
	if (!probe) {
		cur->fetched = seqs[n - 1];
		return FETCH_STEADY;
	}
	/* the probe found messages not kept yet: follow its numbering */
	cur->fetched = seqs[n - 1];
	return seqs[n - 1] < was ? FETCH_RESUMED : FETCH_STEADY;
}
