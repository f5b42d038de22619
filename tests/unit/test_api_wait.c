/* test_api_wait.c - the client's long-poll across wake-ups (client/api.c),
 * against a tiny HTTP server on loopback that counts the requests it
 * reads, tells the test of each through a pipe (the wake descriptor of
 * the waits: a wait is woken just after its request reached the server),
 * and answers a /wait 300 ms later, anything else at once:
 *  - a long-poll woken by a readable descriptor stays under way, and the
 *    next wait for the same path takes it up: one request, not two (each
 *    keystroke of the terminal chat made a new one, and the relay kept
 *    every abandoned one parked for its whole wait);
 *  - an ordinary call in between does not end it;
 *  - a wait for another path is a new request;
 *  - one taken up after its transfer limit starts anew instead of failing
 *    (libcurl fails a transfer past its limit before reading an answer
 *    already there). This case waits out the limit: about 11 s.
 * The server is one thread; the test's tally stays in the main thread. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "check.h"

#define SERVER_CONNS_MAX 8
#define SERVER_REQUEST_MAX 4096

struct server {
	int listen_fd;
	uint16_t port;
	int told; /* write end: a byte per request read */
	atomic_uint requests; /* read in full */
};

/* Read one request's head ("...\r\n\r\n"; no bodies here) into buf;
 * false at the connection's end. */
static bool read_request(int fd, char *buf)
{
	size_t len = 0;
	ssize_t n;

	while (len < SERVER_REQUEST_MAX - 1) {
		n = read(fd, buf + len, 1);
		if (n <= 0)
			return false;
		len += (size_t)n;
		buf[len] = '\0';
		if (len >= 4 && memcmp(buf + len - 4, "\r\n\r\n", 4) == 0)
			return true;
	}
	return false;
}

struct conn {
	struct server *s;
	int fd;
};

static void *conn_loop(void *arg)
{
	static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				    "Content-Length: 16\r\n\r\n{\"messages\":[]}\n";
	const struct timespec later = {0, 300 * 1000 * 1000};
	struct conn *c = arg;
	char buf[SERVER_REQUEST_MAX];

	while (read_request(c->fd, buf)) {
		atomic_fetch_add(&c->s->requests, 1);
		if (write(c->s->told, "r", 1) != 1)
			break;
		if (strncmp(buf, "GET /wait", 9) == 0)
			nanosleep(&later, NULL); /* a relay's long-poll, answered a little later */
		if (write(c->fd, reply, sizeof reply - 1) != (ssize_t)(sizeof reply - 1))
			break;
	}
	close(c->fd);
	free(c);
	return NULL;
}

static void *serve(void *arg)
{
	struct server *s = arg;

	for (int i = 0; i < SERVER_CONNS_MAX; i++) {
		struct conn *c = malloc(sizeof *c);
		pthread_t t;

		if (!c)
			break;
		c->s = s;
		c->fd = accept(s->listen_fd, NULL, NULL);
		if (c->fd < 0 || pthread_create(&t, NULL, conn_loop, c) != 0) {
			free(c);
			break;
		}
		pthread_detach(t);
	}
	return NULL;
}

static bool server_start(struct server *s)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	pthread_t t;

	s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(s->listen_fd, 8) != 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&sa, &len) != 0)
		return false;
	s->port = ntohs(sa.sin_port);
	if (pthread_create(&t, NULL, serve, s) != 0)
		return false;
	pthread_detach(t);
	return true;
}

/* A wait woken as soon as the server has read its request (`told`
 * becomes readable), the byte then taken. */
static int wait_woken(struct api *a, const char *path, unsigned wait_s, int told)
{
	struct api_reply r;
	char byte;
	int rc = api_call_wait(a, path, wait_s, &told, 1, &r);

	api_reply_clear(&r);
	if (read(told, &byte, 1) != 1)
		rc = -3;
	return rc;
}

/* A wait to its end (nothing to wake it): 0 and the server's answer. */
static int wait_done(struct api *a, const char *path, unsigned wait_s)
{
	struct api_reply r;
	int rc = api_call_wait(a, path, wait_s, NULL, 0, &r);

	if (rc == 0 && !CHECK(r.http_status == 200 && r.body != NULL))
		rc = -2;
	api_reply_clear(&r);
	return rc;
}

int main(void)
{
	struct server s = {0};
	char url[64], byte;
	int told[2];
	struct api *a = NULL;
	struct api_reply r;

	if (!CHECK(pipe(told) == 0))
		return check_summary("test_api_wait");
	s.told = told[1];
	if (!CHECK(server_start(&s)))
		return check_summary("test_api_wait");
	snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)s.port);
	a = api_new(url, NULL);
	if (!CHECK(a != NULL))
		return check_summary("test_api_wait");

	/* woken once its request is at the server, an ordinary call between,
	 * then taken up: the wait's one request and /other's */
	CHECK(wait_woken(a, "/wait?after=1", 30, told[0]) == 1);
	CHECK(api_call(a, "GET", "/other", NULL, &r) == 0 && r.http_status == 200);
	api_reply_clear(&r);
	CHECK(read(told[0], &byte, 1) == 1);
	CHECK(wait_done(a, "/wait?after=1", 30) == 0);
	CHECKF(atomic_load(&s.requests) == 2, "requests %u, not 2", atomic_load(&s.requests));

	/* another path: a new request */
	CHECK(wait_woken(a, "/wait?after=1", 30, told[0]) == 1);
	CHECK(wait_done(a, "/wait?after=2", 30) == 0);
	CHECK(read(told[0], &byte, 1) == 1);
	CHECKF(atomic_load(&s.requests) == 4, "requests %u, not 4", atomic_load(&s.requests));

	/* taken up past its transfer limit (wait 0 + the 10 s margin):
	 * started anew, and answered */
	CHECK(wait_woken(a, "/wait?after=3", 0, told[0]) == 1);
	sleep(11);
	if (CHECK(wait_done(a, "/wait?after=3", 0) == 0) && CHECK(read(told[0], &byte, 1) == 1))
		CHECKF(atomic_load(&s.requests) == 6, "requests %u, not 6",
		       atomic_load(&s.requests));

	api_free(a);
	close(told[0]);
	close(told[1]);
	return check_summary("test_api_wait");
}
