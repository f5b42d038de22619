/* metrics.c - counters and the Prometheus text format (see metrics.h).
 * Statuses are counted in a fixed list of the codes the relay answers
 * (anything else lands in "other"), so the table is allocated once. */
#include "metrics.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define METRICS_TEXT_MAX (256 * 1024)

static const unsigned metrics_statuses[] = {200, 201, 400, 401, 403, 404, 405,
					    409, 413, 414, 429, 500, 503};
#define METRICS_N_STATUS (sizeof(metrics_statuses) / sizeof(metrics_statuses[0]))
/* the last column counts every other status */
#define METRICS_COLS (METRICS_N_STATUS + 1)

/* Upper bounds in seconds; a final +Inf bucket follows. */
static const double metrics_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
					0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define METRICS_N_BOUNDS (sizeof(metrics_bounds) / sizeof(metrics_bounds[0]))

struct metrics_name {
	const char *method;
	const char *pattern;
};

struct metrics {
	size_t n_routes; /* plus one row for "no route" */
	struct metrics_name *names;
	uint64_t *requests; /* (n_routes + 1) * METRICS_COLS */
	uint64_t buckets[METRICS_N_BOUNDS + 1];
	uint64_t sum_us;
	uint64_t messages;
	uint64_t sweeps;
};

static void metrics_add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static uint64_t metrics_load(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

struct metrics *metrics_new(size_t n_routes)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->n_routes = n_routes;
	m->names = calloc(n_routes + 1, sizeof(*m->names));
	m->requests = calloc((n_routes + 1) * METRICS_COLS, sizeof(*m->requests));
	if (m->names == NULL || m->requests == NULL) {
		metrics_free(m);
		return NULL;
	}
	m->names[n_routes] = (struct metrics_name){"-", "none"};
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m != NULL) {
		free(m->names);
		free(m->requests);
	}
	free(m);
}

void metrics_route_name(struct metrics *m, size_t i, const char *method, const char *pattern)
{
	if (i < m->n_routes)
		m->names[i] = (struct metrics_name){method, pattern};
}

static size_t metrics_col(unsigned status)
{
	size_t i = 0;

	while (i < METRICS_N_STATUS && metrics_statuses[i] != status)
		i++;
	return i;
}

void metrics_request(struct metrics *m, size_t route, unsigned status, double seconds,
		     bool parked)
{
	size_t b = 0;

	if (route > m->n_routes)
		route = m->n_routes;
	metrics_add(&m->requests[route * METRICS_COLS + metrics_col(status)], 1);
	if (parked)
		return;
	while (b < METRICS_N_BOUNDS && seconds > metrics_bounds[b])
		b++;
	metrics_add(&m->buckets[b], 1);
	metrics_add(&m->sum_us, (uint64_t)(seconds * 1e6));
}

void metrics_message(struct metrics *m)
{
	metrics_add(&m->messages, 1);
}

void metrics_sweep(struct metrics *m)
{
	metrics_add(&m->sweeps, 1);
}

/* ---- rendering ---- */

struct metrics_out {
	char *buf;
	size_t len;
	bool full;
};

static void __attribute__((format(printf, 2, 3))) out_printf(struct metrics_out *o,
							       const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, METRICS_TEXT_MAX - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= METRICS_TEXT_MAX - o->len)
		o->full = true;
	else
		o->len += (size_t)n;
}

static void render_requests(struct metrics *m, struct metrics_out *o)
{
	out_printf(o, "# HELP e2e_http_requests_total Requests answered, by route and status.\n"
		      "# TYPE e2e_http_requests_total counter\n");
	for (size_t r = 0; r <= m->n_routes; r++) {
		for (size_t c = 0; c < METRICS_COLS; c++) {
			uint64_t n = metrics_load(&m->requests[r * METRICS_COLS + c]);
			char status[16];

			if (n == 0)
				continue;
			if (c < METRICS_N_STATUS)
				snprintf(status, sizeof(status), "%u", metrics_statuses[c]);
			else
				snprintf(status, sizeof(status), "other");
			out_printf(o,
				   "e2e_http_requests_total{method=\"%s\",route=\"%s\","
				   "status=\"%s\"} %llu\n",
				   m->names[r].method ? m->names[r].method : "-",
				   m->names[r].pattern ? m->names[r].pattern : "-", status,
				   (unsigned long long)n);
		}
	}
}

static void render_latency(struct metrics *m, struct metrics_out *o)
{
	uint64_t cum = 0;

	out_printf(o, "# HELP e2e_http_request_duration_seconds Time from request to reply, "
		      "for requests that did not wait.\n"
		      "# TYPE e2e_http_request_duration_seconds histogram\n");
	for (size_t b = 0; b <= METRICS_N_BOUNDS; b++) {
		cum += metrics_load(&m->buckets[b]);
		if (b < METRICS_N_BOUNDS)
			out_printf(o, "e2e_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
				   metrics_bounds[b], (unsigned long long)cum);
		else
			out_printf(o, "e2e_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
				   (unsigned long long)cum);
	}
	out_printf(o, "e2e_http_request_duration_seconds_sum %.6f\n"
		      "e2e_http_request_duration_seconds_count %llu\n",
		   (double)metrics_load(&m->sum_us) / 1e6, (unsigned long long)cum);
}

/* The process's CPU time, user and system, under its customary name. */
static void render_cpu(struct metrics_out *o)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return;
	out_printf(o, "# HELP process_cpu_seconds_total User and system CPU time spent.\n"
		      "# TYPE process_cpu_seconds_total counter\n"
		      "process_cpu_seconds_total %.6f\n",
		   (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
}

char *metrics_render(struct metrics *m, const struct metrics_gauges *g, size_t *len)
{
	struct metrics_out o = {.buf = malloc(METRICS_TEXT_MAX)};

	if (o.buf == NULL)
		return NULL;
	render_requests(m, &o);
	render_latency(m, &o);
	out_printf(&o, "# HELP e2e_messages_stored_total Messages committed since start.\n"
		       "# TYPE e2e_messages_stored_total counter\n"
		       "e2e_messages_stored_total %llu\n"
		       "# HELP e2e_retention_sweeps_total Slices of the retention sweep run since start.\n"
		       "# TYPE e2e_retention_sweeps_total counter\n"
		       "e2e_retention_sweeps_total %llu\n"
		       "# HELP e2e_waiting_clients Readers parked in a long-poll now.\n"
		       "# TYPE e2e_waiting_clients gauge\n"
		       "e2e_waiting_clients %zu\n"
		       "# HELP e2e_posts_committing Message posts waiting for their group commit now.\n"
		       "# TYPE e2e_posts_committing gauge\n"
		       "e2e_posts_committing %zu\n",
		   (unsigned long long)metrics_load(&m->messages),
		   (unsigned long long)metrics_load(&m->sweeps), g->waiting, g->committing);
	render_cpu(&o);
	if (o.full) {
		free(o.buf);
		return NULL;
	}
	*len = o.len;
	return o.buf;
}
