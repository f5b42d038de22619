/* fanout.c - delivery latency and idle load for the relay, with libcurl
 * multi (one thread, one event loop, every reader its own connection).
 * The loop is epoll and curl_multi_socket_action, so that a wake-up costs
 * the client the sockets that have data, not a walk over every reader,
 * and a delivery is timed when its last byte arrives.
 *
 *   bench-fanout fanout URL ROOM READER_TOKEN SENDER_TOKEN TEMPLATE N ROUNDS [POST_URL]
 *       N readers long-poll ROOM on URL (posts go to POST_URL if given:
 *       another relay on the same database, for cross-relay delivery); each round one message is posted (the
 *       body is TEMPLATE, a forged message, with its counter replaced by
 *       the round number plus the counter already used) and the time from
 *       starting the post to each reader's reply is recorded. Prints
 *       min/p50/p99/max over N * ROUNDS deliveries (min: the commit and
 *       the first wake-up, which every reader waits for), and this
 *       client's own CPU time per reply while rounds were timed, and
 *       the relay's (its process_cpu_seconds_total from before each post
 *       to after the last reply: the post, the wake-ups and the replies).
 *       On a machine they share, the median reply cannot come before
 *       min + N/2 times their sum, divided by the cores.
 *   bench-fanout nchan URL CHANNEL TEMPLATE N ROUNDS
 *       the same against nginx + nchan (bench/peers/nchan.conf.in): the
 *       readers long-poll URL/sub/CHANNEL (CHANNEL fresh, so that they
 *       wait for its first message), the sender posts TEMPLATE to
 *       URL/pub/CHANNEL, and a reader re-arms with the Last-Modified and
 *       Etag of the message it got as If-Modified-Since and If-None-Match
 *       (nchan's cursor); waiting readers are counted on URL/status. The
 *       server's CPU is read from /proc for the pids in FANOUT_PIDS
 *       (nginx's master and workers), when given.
 *   bench-fanout hold URL ROOM TOKEN N
 *       keeps N long-polls parked on ROOM (after= the largest seq, so
 *       nothing ever answers them but their deadline; then they re-arm),
 *       prints "holding N" once the relay's /metrics shows them all
 *       waiting, and runs until SIGTERM or SIGINT.
 *   bench-fanout nchan-hold URL CHANNEL N
 *       the same on nchan: N readers of CHANNEL, which nobody posts to.
 *
 * All readers may share one member's token: the relay authenticates each
 * request the same way whoever sends it. */
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define FANOUT_BUF 16384 /* a reply, or the whole of /metrics */
#define FANOUT_WAIT_S 30
#define FANOUT_URL_MAX 512
#define FANOUT_EVENTS 256
#define FANOUT_CURSOR 80 /* an HTTP date or an nchan Etag */
#define FANOUT_PIDS 16

struct reader {
	CURL *easy;
	struct curl_slist *hdr;
	char buf[FANOUT_BUF];
	size_t len;
	bool done;
	bool attached; /* in the multi handle */
	double last_byte_ms; /* when its reply's last data arrived */
	/* nchan: the cursor of the last message got, and its headers */
	char last_modified[FANOUT_CURSOR], etag[FANOUT_CURSOR];
	struct curl_slist *cursor_hdr;
};

struct bench {
	bool nchan; /* the peer: nginx + nchan, not the relay */
	int pids[FANOUT_PIDS]; /* nchan: the server's processes (FANOUT_PIDS) */
	size_t npids;
	const char *url, *room, *reader_token, *sender_token;
	const char *post_url; /* where posts go: url, or another relay */
	char *tmpl;
	size_t n;
	CURLM *multi;
	int epfd;
	long timer_ms; /* libcurl's next timeout; -1: none */
	struct reader *readers;
	/* the round being timed (fanout) */
	double t0;
	double round_cpu_ms; /* this client's CPU while rounds were timed */
	double relay_cpu_ms; /* the relay's, from before each post to after
				all replies; < 0: not known */
	double *lat;
	size_t got;
	uint64_t after;
	uint64_t counter_base;
	volatile sig_atomic_t *stop;
};

static double clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static size_t on_data(char *data, size_t size, size_t n, void *user)
{
	struct reader *r = user;
	size_t chunk = size * n;
	size_t keep = chunk < FANOUT_BUF - 1 - r->len ? chunk : FANOUT_BUF - 1 - r->len;

	memcpy(r->buf + r->len, data, keep);
	r->len += keep;
	r->buf[r->len] = '\0';
	r->last_byte_ms = now_ms();
	return chunk;
}

/* nchan's cursor headers of a reply, kept in the reader. */
static size_t on_header(char *data, size_t size, size_t n, void *user)
{
	struct reader *r = user;
	size_t len = size * n;
	char *dst = NULL;
	size_t skip = 0;

	if (len > 14 && strncasecmp(data, "Last-Modified:", 14) == 0) {
		dst = r->last_modified;
		skip = 14;
	} else if (len > 5 && strncasecmp(data, "Etag:", 5) == 0) {
		dst = r->etag;
		skip = 5;
	}
	if (dst != NULL) {
		while (skip < len && data[skip] == ' ')
			skip++;
		while (len > skip && (data[len - 1] == '\r' || data[len - 1] == '\n'))
			len--;
		snprintf(dst, FANOUT_CURSOR, "%.*s", (int)(len - skip), data + skip);
	}
	return size * n;
}

/* The largest "seq": in a reply body, or 0. */
static uint64_t last_seq(const char *body)
{
	uint64_t seq = 0;

	for (const char *p = strstr(body, "\"seq\":"); p != NULL; p = strstr(p + 1, "\"seq\":"))
		seq = strtoull(p + 6, NULL, 10);
	return seq;
}

/* A blocking GET (metrics, the room's last seq) into r->buf. */
static bool get_once(struct reader *r, const char *url, const char *token)
{
	char auth[256];
	struct curl_slist *h = NULL;
	bool ok;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	h = curl_slist_append(NULL, auth);
	r->len = 0;
	r->buf[0] = '\0';
	curl_easy_reset(r->easy);
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	ok = curl_easy_perform(r->easy) == CURLE_OK;
	curl_slist_free_all(h);
	return ok;
}

/* The relay's /metrics into probe->buf. */
static bool metrics_get(struct bench *b, struct reader *probe)
{
	char url[FANOUT_URL_MAX];

	snprintf(url, sizeof(url), "%s/metrics", b->url);
	return get_once(probe, url, "-");
}

/* The value of the unlabelled metric `name` in a /metrics text, or -1. */
static double metric_value(const char *text, const char *name)
{
	char needle[128];
	const char *p;

	snprintf(needle, sizeof(needle), "\n%s ", name);
	p = strstr(text, needle);
	return p != NULL ? strtod(p + strlen(needle), NULL) : -1;
}

static long waiting_now(struct bench *b, struct reader *probe)
{
	char url[FANOUT_URL_MAX];

	if (!b->nchan)
		return metrics_get(b, probe)
			       ? (long)metric_value(probe->buf, "e2e_waiting_clients")
			       : -1;
	snprintf(url, sizeof(url), "%s/status", b->url);
	return get_once(probe, url, "-") ? (long)metric_value(probe->buf, "subscribers:") : -1;
}

/* nchan's processes' CPU seconds (user + system, from /proc), or -1. */
static double pids_cpu_s(const struct bench *b)
{
	char path[64], stat[1024];
	unsigned long long utime, stime, ticks = 0;
	const char *after;
	size_t n;
	FILE *f;

	for (size_t i = 0; i < b->npids; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", b->pids[i]);
		f = fopen(path, "r");
		n = f != NULL ? fread(stat, 1, sizeof(stat) - 1, f) : 0;
		if (f != NULL)
			fclose(f);
		stat[n] = '\0';
		after = strrchr(stat, ')'); /* the name may hold spaces */
		if (after == NULL ||
		    sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			   &utime, &stime) != 2)
			return -1;
		ticks += utime + stime;
	}
	return b->npids > 0 ? (double)ticks / (double)sysconf(_SC_CLK_TCK) : -1;
}

/* The server's CPU seconds: the relay's in the last /metrics read (-1:
 * a relay older than the metric), or nchan's processes' now. */
static double relay_cpu_s(const struct bench *b, const struct reader *probe)
{
	return b->nchan ? pids_cpu_s(b) : metric_value(probe->buf, "process_cpu_seconds_total");
}

static void detach(struct bench *b, struct reader *r)
{
	if (r->attached)
		curl_multi_remove_handle(b->multi, r->easy);
	r->attached = false;
}

/* Start reader i's long-poll from b->after. */
static void arm(struct bench *b, size_t i, unsigned wait_s)
{
	struct reader *r = &b->readers[i];
	char url[FANOUT_URL_MAX];

	detach(b, r);

	if (b->nchan) {
		/* nchan keeps no deadline per request: its own
		 * nchan_subscriber_timeout answers 304 or 408 */
		snprintf(url, sizeof(url), "%s/sub/%s", b->url, b->room);
		curl_slist_free_all(r->cursor_hdr);
		r->cursor_hdr = NULL;
		if (r->last_modified[0] != '\0') {
			char h[FANOUT_CURSOR + 32];

			snprintf(h, sizeof(h), "If-Modified-Since: %s", r->last_modified);
			r->cursor_hdr = curl_slist_append(r->cursor_hdr, h);
			snprintf(h, sizeof(h), "If-None-Match: %s", r->etag);
			r->cursor_hdr = curl_slist_append(r->cursor_hdr, h);
		}
		curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->cursor_hdr);
		curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	} else {
		snprintf(url, sizeof(url),
			 "%s/v1/rooms/%s/messages?after=%" PRIu64 "&limit=1&wait=%u", b->url,
			 b->room, b->after, wait_s);
		curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdr);
	}
	r->len = 0;
	r->done = false;
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT, (long)wait_s + 30);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L); /* SIGPIPE is ignored */
	r->attached = curl_multi_add_handle(b->multi, r->easy) == CURLM_OK;
}

/* libcurl's socket callback: keep the epoll set in step. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *user, void *sockp)
{
	struct bench *b = user;
	struct epoll_event ev = {.data.fd = fd};

	(void)easy;
	(void)sockp;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(b->epfd, EPOLL_CTL_DEL, fd, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
	if (epoll_ctl(b->epfd, EPOLL_CTL_MOD, fd, &ev) != 0)
		epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev);
	return 0;
}

/* libcurl's timer callback. */
static int on_timer(CURLM *multi, long timeout_ms, void *user)
{
	struct bench *b = user;

	(void)multi;
	b->timer_ms = timeout_ms;
	return 0;
}

/* Drive the loop for up to `ms`; on each finished transfer call fn. */
static void drive(struct bench *b, double ms, void (*fn)(struct bench *, CURL *, CURLcode))
{
	double end = now_ms() + ms, left_ms;
	struct epoll_event ev[FANOUT_EVENTS];
	int running = 0, left = 0, n, wait_ms;
	sigset_t pending;
	CURLMsg *m;

	while ((left_ms = end - now_ms()) > 0 && !*b->stop) {
		/* SIGINT and SIGTERM are blocked: look for them here */
		if (sigpending(&pending) == 0 &&
		    (sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1))
			*b->stop = 1;
		wait_ms = (int)left_ms + 1;
		if (b->timer_ms >= 0 && b->timer_ms < wait_ms)
			wait_ms = (int)b->timer_ms;
		n = epoll_wait(b->epfd, ev, FANOUT_EVENTS, wait_ms);
		for (int i = 0; i < n; i++)
			curl_multi_socket_action(b->multi, ev[i].data.fd,
						 (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
							 (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
							 (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0),
						 &running);
		if (n <= 0 && b->timer_ms >= 0) {
			b->timer_ms = -1;
			curl_multi_socket_action(b->multi, CURL_SOCKET_TIMEOUT, 0, &running);
		}
		while ((m = curl_multi_info_read(b->multi, &left)) != NULL)
			if (m->msg == CURLMSG_DONE)
				fn(b, m->easy_handle, m->data.result);
	}
}

/* Arm every reader and wait until the relay counts `want` waiting. */
static bool arm_all(struct bench *b, unsigned wait_s, long want, struct reader *probe,
		    void (*fn)(struct bench *, CURL *, CURLcode))
{
	double give_up = now_ms() + 60000;

	for (size_t i = 0; i < b->n; i++)
		arm(b, i, wait_s);
	while (now_ms() < give_up && !*b->stop) {
		drive(b, 50, fn);
		if (waiting_now(b, probe) >= want)
			return true;
	}
	return false;
}

/* A transfer is over: a reader's, timed from the round's post (b->lat
 * is NULL for the sender's and between rounds), or the sender's. A
 * reader's handle stays attached until it is armed again, after the
 * round: detaching it (libcurl's bookkeeping and an epoll_ctl) is the
 * client's work, and done while replies still arrive it would delay the
 * timing of the rest. */
static void on_fanout_done(struct bench *b, CURL *easy, CURLcode rc)
{
	struct reader *r = NULL;
	bool timed;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
	if (r == NULL)
		return;
	r->done = true;
	timed = b->lat != NULL && r >= b->readers && r < b->readers + b->n;
	if (!timed)
		detach(b, r);
	if (rc != CURLE_OK)
		fprintf(stderr, "fanout: transfer failed: %s\n", curl_easy_strerror(rc));
	else if (timed)
		b->lat[b->got++] = r->last_byte_ms - b->t0;
}

/* ---- fanout ---- */

struct sender {
	struct reader r;
	char body[65536];
	struct curl_slist *hdr;
};

static bool post_start(struct bench *b, struct sender *s, uint64_t counter)
{
	char url[FANOUT_URL_MAX];
	const char *at = strstr(b->tmpl, "\"counter\":1,");

	if (at == NULL && !b->nchan)
		return false;
	if (at == NULL) /* nchan takes any body */
		snprintf(s->body, sizeof(s->body), "%s", b->tmpl);
	else
		snprintf(s->body, sizeof(s->body), "%.*s\"counter\":%" PRIu64 ",%s",
			 (int)(at - b->tmpl), b->tmpl, counter, at + strlen("\"counter\":1,"));
	if (b->nchan)
		snprintf(url, sizeof(url), "%s/pub/%s", b->post_url, b->room);
	else
		snprintf(url, sizeof(url), "%s/v1/rooms/%s/messages", b->post_url, b->room);
	s->r.len = 0;
	s->r.done = false;
	curl_easy_setopt(s->r.easy, CURLOPT_URL, url);
	curl_easy_setopt(s->r.easy, CURLOPT_HTTPHEADER, s->hdr);
	curl_easy_setopt(s->r.easy, CURLOPT_POSTFIELDS, s->body);
	curl_easy_setopt(s->r.easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(s->r.easy, CURLOPT_WRITEDATA, &s->r);
	curl_easy_setopt(s->r.easy, CURLOPT_PRIVATE, &s->r);
	s->r.attached = curl_multi_add_handle(b->multi, s->r.easy) == CURLM_OK;
	return s->r.attached;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One round: post, then collect every reader's reply into lat. */
static bool fanout_round(struct bench *b, struct sender *s, uint64_t counter, double *lat)
{
	double give_up, cpu0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	bool all;

	b->t0 = now_ms();
	give_up = b->t0 + 30000;
	b->lat = lat;
	b->got = 0;
	if (!post_start(b, s, b->counter_base + counter))
		return false;
	while (b->got < b->n && now_ms() < give_up && !*b->stop)
		drive(b, 1, on_fanout_done);
	all = b->got == b->n;
	b->round_cpu_ms += clock_ms(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	b->lat = NULL;
	while (!s->r.done && now_ms() < give_up)
		drive(b, 1, on_fanout_done);
	if (b->nchan) /* its reply to a publisher counts the channel's messages */
		return all && strstr(s->r.buf, "queued messages:") != NULL;
	b->after = last_seq(s->r.buf);
	return all && b->after > 0;
}

static int run_fanout(struct bench *b, unsigned rounds)
{
	struct sender *s = calloc(1, sizeof(*s));
	struct reader probe = {.easy = curl_easy_init()};
	double *lat = calloc(b->n * rounds, sizeof(double));
	size_t total = 0;
	double cpu0, cpu1;
	char auth[256];
	int ret = 1;

	if (s == NULL || lat == NULL || probe.easy == NULL || (s->r.easy = curl_easy_init()) == NULL)
		goto done;
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", b->sender_token);
	s->hdr = curl_slist_append(NULL, auth);
	/* a first post tells the room's newest seq, for the readers' after=
	 * (nchan's readers start on an empty channel, with no cursor) */
	if (!b->nchan && !post_start(b, s, b->counter_base))
		goto done;
	while (!b->nchan && !s->r.done && !*b->stop)
		drive(b, 1, on_fanout_done);
	if (!b->nchan && (b->after = last_seq(s->r.buf)) == 0) {
		fprintf(stderr, "fanout: the first post failed: %s\n", s->r.buf);
		goto done;
	}
	for (unsigned k = 0; k < rounds && !*b->stop; k++) {
		if (!arm_all(b, FANOUT_WAIT_S, (long)b->n, &probe, on_fanout_done)) {
			fprintf(stderr, "fanout: the readers never all parked\n");
			goto done;
		}
		cpu0 = relay_cpu_s(b, &probe); /* arm_all's last read */
		if (!fanout_round(b, s, k + 1, lat + total)) {
			fprintf(stderr, "fanout: round %u incomplete: %s\n", k, s->r.buf);
			goto done;
		}
		cpu1 = b->nchan || metrics_get(b, &probe) ? relay_cpu_s(b, &probe) : -1;
		if (cpu0 < 0 || cpu1 < 0)
			b->relay_cpu_ms = -1;
		else if (b->relay_cpu_ms >= 0)
			b->relay_cpu_ms += (cpu1 - cpu0) * 1000.0;
		total += b->n;
	}
	qsort(lat, total, sizeof(double), cmp_double);
	printf("fanout N=%zu rounds=%u deliveries=%zu min=%.2f ms p50=%.2f ms p99=%.2f ms "
	       "max=%.2f ms client=%.1f us/reply",
	       b->n, rounds, total, lat[0], lat[total / 2], lat[(total * 99) / 100], lat[total - 1],
	       b->round_cpu_ms * 1000.0 / (double)total);
	if (b->relay_cpu_ms >= 0)
		printf(" %s=%.1f us/reply", b->nchan ? "nchan" : "relay",
		       b->relay_cpu_ms * 1000.0 / (double)total);
	printf("\n");
	ret = 0;
done:
	if (s != NULL) {
		curl_slist_free_all(s->hdr);
		curl_slist_free_all(s->r.cursor_hdr);
		if (s->r.easy != NULL)
			curl_easy_cleanup(s->r.easy);
	}
	if (probe.easy != NULL)
		curl_easy_cleanup(probe.easy);
	free(s);
	free(lat);
	return ret;
}

/* ---- hold ---- */

static void on_hold_done(struct bench *b, CURL *easy, CURLcode rc)
{
	struct reader *r = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
	if (r != NULL)
		detach(b, r);
	if (r != NULL && !*b->stop) /* its deadline passed: wait again */
		arm(b, (size_t)(r - b->readers), 60);
}

static int run_hold(struct bench *b)
{
	struct reader probe = {.easy = curl_easy_init()};

	b->after = (uint64_t)INT64_MAX;
	if (probe.easy == NULL || !arm_all(b, 60, (long)b->n, &probe, on_hold_done)) {
		fprintf(stderr, "hold: the readers never all parked\n");
		return 1;
	}
	printf("holding %zu\n", b->n);
	fflush(stdout);
	while (!*b->stop)
		drive(b, 1000, on_hold_done);
	curl_easy_cleanup(probe.easy);
	return 0;
}

/* ---- main ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = f != NULL ? calloc(1, 65536) : NULL;
	size_t n = buf != NULL ? fread(buf, 1, 65535, f) : 0;

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (f != NULL)
		fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	volatile sig_atomic_t stop = 0;
	struct bench b = {.stop = &stop};
	struct rlimit rl;
	bool nchan_hold = argc == 5 && strcmp(argv[1], "nchan-hold") == 0;
	bool nchan_fan = argc == 7 && strcmp(argv[1], "nchan") == 0;
	bool hold = nchan_hold || (argc == 6 && strcmp(argv[1], "hold") == 0);
	bool fan = nchan_fan || ((argc == 9 || argc == 10) && strcmp(argv[1], "fanout") == 0);
	unsigned rounds = 0;
	const char *pids = getenv("FANOUT_PIDS");
	char auth[256], *end;
	struct timespec now;
	sigset_t set;
	int ret = 1;

	if (!hold && !fan) {
		fprintf(stderr, "usage: bench-fanout fanout URL ROOM READER_TOKEN SENDER_TOKEN "
				"TEMPLATE N ROUNDS [POST_URL]\n"
				"       bench-fanout nchan URL CHANNEL TEMPLATE N ROUNDS\n"
				"       bench-fanout hold URL ROOM TOKEN N\n"
				"       bench-fanout nchan-hold URL CHANNEL N\n");
		return 2;
	}
	b.nchan = nchan_hold || nchan_fan;
	for (const char *p = pids; p != NULL && *p != '\0' && b.npids < FANOUT_PIDS; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		b.pids[b.npids++] = (int)pid;
	}
	/* every reader is a socket */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	b.url = argv[2];
	b.post_url = fan && argc == 10 ? argv[9] : argv[2];
	b.room = argv[3];
	if (b.nchan) { /* no tokens: nchan does no authentication */
		b.reader_token = b.sender_token = "-";
		b.tmpl = nchan_fan ? slurp(argv[4]) : NULL;
		b.n = (size_t)strtoul(argv[nchan_fan ? 5 : 4], NULL, 10);
		rounds = nchan_fan ? (unsigned)strtoul(argv[6], NULL, 10) : 0;
	} else {
		b.reader_token = argv[4];
		b.sender_token = fan ? argv[5] : argv[4];
		b.tmpl = fan ? slurp(argv[6]) : NULL;
		b.n = (size_t)strtoul(argv[hold ? 5 : 7], NULL, 10);
		rounds = fan ? (unsigned)strtoul(argv[8], NULL, 10) : 0;
	}
	/* the sender's counters must rise across runs too: start from the
	 * clock in microseconds (a run of R rounds uses base..base+R and
	 * lasts far longer than R microseconds) */
	clock_gettime(CLOCK_REALTIME, &now);
	b.counter_base = (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	b.multi = curl_multi_init();
	b.epfd = epoll_create1(EPOLL_CLOEXEC);
	b.timer_ms = -1;
	b.readers = calloc(b.n, sizeof(*b.readers));
	if (b.multi == NULL || b.epfd < 0 || b.readers == NULL || b.n == 0 ||
	    (fan && b.tmpl == NULL))
		goto done;
	curl_multi_setopt(b.multi, CURLMOPT_MAXCONNECTS, (long)b.n + 16);
	curl_multi_setopt(b.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(b.multi, CURLMOPT_SOCKETDATA, &b);
	curl_multi_setopt(b.multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(b.multi, CURLMOPT_TIMERDATA, &b);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", b.reader_token);
	for (size_t i = 0; i < b.n; i++) {
		b.readers[i].easy = curl_easy_init();
		b.readers[i].hdr = curl_slist_append(NULL, auth);
		if (b.readers[i].easy == NULL || b.readers[i].hdr == NULL)
			goto done;
	}
	/* a reset socket is an error return, not a signal; libcurl then need
	 * not swap SIGPIPE handlers around every transfer (CURLOPT_NOSIGNAL) */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	ret = hold ? run_hold(&b) : run_fanout(&b, rounds);
done:
	for (size_t i = 0; b.readers != NULL && i < b.n; i++) {
		if (b.readers[i].easy != NULL) {
			detach(&b, &b.readers[i]);
			curl_easy_cleanup(b.readers[i].easy);
		}
		curl_slist_free_all(b.readers[i].hdr);
		curl_slist_free_all(b.readers[i].cursor_hdr);
	}
	free(b.readers);
	free(b.tmpl);
	if (b.multi != NULL)
		curl_multi_cleanup(b.multi);
	if (b.epfd >= 0)
		close(b.epfd);
	curl_global_cleanup();
	return ret;
}
