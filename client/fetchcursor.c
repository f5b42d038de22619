/* fetchcursor.c - the fetch cursor's rules (fetchcursor.h). */
#include "fetchcursor.h"

uint64_t fetch_cursor_ask(struct fetch_cursor *cur, bool dry, int64_t now_ms, bool *probe)
{
	/* a clock that went back counts as the interval passed */
	bool due = now_ms - cur->probed_ms >= FETCH_PROBE_INTERVAL_MS || now_ms < cur->probed_ms;

	*probe = dry && due && cur->probe_after < cur->fetched;
	if (*probe)
		cur->probed_ms = now_ms;
	return *probe ? cur->probe_after : cur->fetched;
}

/* A probe's page (see the header's list). */
static enum fetch_event probe_page(struct fetch_cursor *cur, uint64_t after,
				   const uint64_t *seqs, size_t n, size_t fresh, bool full)
{
	uint64_t was = cur->fetched;

	if (n == 0 && after == 0) {
		cur->probe_after = cur->fetched; /* the relay has nothing: no more probes */
		return FETCH_STEADY;
	}
	if (n == 0) {
		cur->probe_next = after / 2;
		return FETCH_PROBE_ON;
	}
	if (fresh == 0 && full) {
		cur->probe_next = seqs[n - 1];
		return FETCH_PROBE_ON;
	}
	if (fresh == 0)
		return FETCH_STEADY;
	cur->probe_after = after;
	cur->fetched = seqs[n - 1];
	return seqs[n - 1] < was ? FETCH_RESUMED : FETCH_STEADY;
}

enum fetch_event fetch_cursor_page(struct fetch_cursor *cur, uint64_t after, bool probe,
				   const uint64_t *seqs, size_t n, size_t fresh, bool full)
{
	if (probe)
		return probe_page(cur, after, seqs, n, fresh, full);
	if (n == 0)
		return FETCH_STEADY;
	if (fresh > 0)
		cur->probe_after = after;
	cur->fetched = seqs[n - 1];
	return FETCH_STEADY;
}

void fetch_cursor_pause(struct fetch_cursor *cur)
{
	if (cur->probe_next < cur->fetched)
		cur->probe_after = cur->probe_next;
}
