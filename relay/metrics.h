/* metrics.h - the relay's counters and their Prometheus text rendering
 * (GET /metrics): requests by route and status, messages stored since
 * start, retention sweep slices run, waiting clients (a gauge the caller supplies at render time) and
 * a latency histogram of requests that did not wait. Counting is lock-free
 * (relaxed atomics), so every HTTP thread counts without contention. */
#ifndef RELAY_METRICS_H
#define RELAY_METRICS_H

#include <stdbool.h>
#include <stddef.h>

struct metrics;

/* Routes are numbered 0..n_routes-1 by the caller; the route n_routes is
 * "no route matched". NULL if out of memory. */
struct metrics *metrics_new(size_t n_routes);
void metrics_free(struct metrics *m);

/* Name route `i` for the labels (static strings, kept by pointer). */
void metrics_route_name(struct metrics *m, size_t i, const char *method, const char *pattern);

/* One answered request. `parked`: it waited (long-poll), so its duration
 * is the wait and stays out of the latency histogram. */
void metrics_request(struct metrics *m, size_t route, unsigned status, double seconds,
		     bool parked);
/* One message committed. */
void metrics_message(struct metrics *m);
/* One slice of the retention sweep done (tests wait for it instead of
 * guessing how long the next one takes). */
void metrics_sweep(struct metrics *m);

/* What is true now, read from other modules when /metrics is asked. */
struct metrics_gauges {
	size_t waiting;    /* readers parked in a long-poll */
	size_t committing; /* posts waiting for their group commit */
};

/* The exposition text (malloc'd, *len bytes), or NULL. */
char *metrics_render(struct metrics *m, const struct metrics_gauges *g, size_t *len);

#endif
