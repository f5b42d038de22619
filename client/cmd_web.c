/* cmd_web.c - `e2e-chat web [--port N] [--bind ADDR] [--open]`: a local
 * browser UI on the session engine. It serves the page and its JSON API
 * on 127.0.0.1 (and ::1) only, prints the link to open (the per-launch
 * token travels in its fragment) and, with --open, hands it to xdg-open.
 *
 * Threads, and why: libmicrohttpd runs its own threads, one per
 * connection (client/web/server.c), because a page's event long-poll
 * and an API call both wait, and one waiting connection must not stall
 * the others. All session work (the session engine, the store, room
 * files, the relay) happens on this command's thread, the engine thread,
 * as in `join`: the HTTP threads hand each API call over through the hub
 * (client/web/hub.h: a queue, an eventfd that wakes this thread's poll or
 * the session's long-poll, and a condition variable the caller waits on)
 * and read the events it publishes. The session engine and its store
 * are not made thread-safe: they are never entered from two threads.
 * A third thread forwards standard error: the engine writes its
 * SECURITY: lines there (security_warn), and they must also reach the
 * page, prominently; every line still goes to the real standard error.
 * SIGINT and SIGTERM arrive through a signalfd, so every exit goes
 * through the same cleanup. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "web/webapi.h"
#include "web/hub.h"
#include "web/server.h"

#define WEB_LINE_MAX 1024 /* a forwarded stderr line; longer ones go in pieces */
#define WEB_URL_MAX 160

extern char **environ;

struct web {
	struct client *c;
	struct hub *hub;
	struct webapi *api;
	struct web_server *srv;
	int sigfd;
	int real_stderr;  /* the process's standard error, while fd 2 is the pipe */
	int pipe_read;
	pthread_t forwarder;
	bool forwarding;
	pid_t opener;
	char token[WEB_TOKEN_HEX + 1];
	char url[WEB_URL_MAX];
};

/* One line of standard error: to the real one, and to the page if it is
 * a SECURITY: line. */
static void forward_line(struct web *w, const char *line, size_t len)
{
	json_t *ev;

	(void)!write(w->real_stderr, line, len);
	if (len < 10 || strncmp(line, "SECURITY: ", 10) != 0)
		return;
	ev = json_pack("{s:s, s:n, s:s%}", "type", "security", "room", "text", line,
		       line[len - 1] == '\n' ? len - 1 : len);
	if (ev)
		hub_publish(w->hub, ev);
}

static void *forward(void *arg)
{
	struct web *w = arg;
	char line[WEB_LINE_MAX];
	size_t len = 0;
	ssize_t n;
	char ch;

	while ((n = read(w->pipe_read, &ch, 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		line[len++] = ch;
		if (ch == '\n' || len == sizeof line) {
			forward_line(w, line, len);
			len = 0;
		}
	}
	if (len)
		forward_line(w, line, len);
	return NULL;
}

static enum status start_forwarding(struct web *w)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		return client_fail(w->c, ST_ERROR, "cannot make a pipe: %s", strerror(errno));
	fflush(stderr);
	w->real_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (w->real_stderr < 0 || dup2(p[1], STDERR_FILENO) < 0) {
		close(p[0]);
		close(p[1]);
		return client_fail(w->c, ST_ERROR, "cannot redirect standard error");
	}
	close(p[1]);
	w->pipe_read = p[0];
	if (pthread_create(&w->forwarder, NULL, forward, w) != 0) {
		dup2(w->real_stderr, STDERR_FILENO);
		return client_fail(w->c, ST_ERROR, "cannot start a thread");
	}
	w->forwarding = true;
	return ST_OK;
}

static void stop_forwarding(struct web *w)
{
	if (!w->forwarding)
		return;
	fflush(stderr);
	dup2(w->real_stderr, STDERR_FILENO); /* the pipe's last writer goes */
	pthread_join(w->forwarder, NULL);
	close(w->pipe_read);
	close(w->real_stderr);
	w->forwarding = false;
}

static void make_token(char out[static WEB_TOKEN_HEX + 1])
{
	unsigned char raw[WEB_TOKEN_HEX / 2];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, WEB_TOKEN_HEX + 1, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

/* --open: the link goes on xdg-open's command line (and the browser's),
 * which other local users can read; README.md says so. */
static void open_link(struct web *w)
{
	char *argv[] = {"xdg-open", w->url, NULL};

	if (posix_spawnp(&w->opener, "xdg-open", NULL, NULL, argv, environ) != 0) {
		w->opener = 0;
		fprintf(stderr, "* cannot run xdg-open: open the link yourself\n");
	}
}

static enum status serve(struct web *w)
{
	const int fds[2] = {w->sigfd, hub_wake_fd(w->hub)};
	struct pollfd sig = {w->sigfd, POLLIN, 0};
	struct hub_call *call;
	bool woken = false;

	for (;;) {
		while ((call = hub_take(w->hub)) != NULL)
			webapi_run(w->api, call);
		webapi_step(w->api);
		webapi_wait(w->api, fds, 2, &woken);
		if (woken && poll(&sig, 1, 0) > 0)
			break;
	}
	fprintf(stderr, "* stopping the web UI\n");
	return ST_OK;
}

static enum status setup_signals(struct web *w)
{
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) == 0)
		w->sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (w->sigfd < 0)
		return client_fail(w->c, ST_ERROR, "cannot set up signals: %s", strerror(errno));
	return ST_OK;
}

enum status cmd_web(struct client *c, int argc, char **argv)
{
	struct web w = {.c = c, .sigfd = -1, .real_stderr = -1, .pipe_read = -1};
	char err[256];
	enum status st;

	(void)argv;
	if (argc != 1)
		return client_fail(c, ST_USAGE, "usage: e2e-chat web [--port N] [--bind ADDR] "
				   "[--open]");
	if (!web_bind_ok(c->web_bind))
		return client_fail(c, ST_USAGE, "the web UI listens on loopback only (127.0.0.1 "
				   "or ::1), not %s: it holds your rooms", c->web_bind);
	st = setup_signals(&w);
	if (st != ST_OK)
		return st;
	make_token(w.token);
	w.hub = hub_new();
	w.api = w.hub ? webapi_new(c, w.hub) : NULL;
	if (!w.api) {
		st = client_fail(c, ST_ERROR, "out of memory");
		goto out;
	}
	w.srv = web_server_start(c->web_bind, c->web_port, w.token, w.hub, err, sizeof err);
	if (!w.srv) {
		st = client_fail(c, ST_ERROR, "%s", err);
		goto out;
	}
	snprintf(w.url, sizeof w.url, "http://%s:%u/#%s",
		 strcmp(c->web_bind, "::1") == 0 ? "[::1]" : "127.0.0.1",
		 web_server_port(w.srv), w.token);
	printf("%s\n", w.url);
	fflush(stdout);
	fprintf(stderr, "e2e-chat web: %s on %s, port %u%s; open the link above (it holds this "
		"launch's key to the UI); Ctrl-C stops.\n", c->name, c->relay,
		web_server_port(w.srv),
		web_server_ipv6(w.srv) && strcmp(c->web_bind, "::1") != 0 ? " (and [::1])" : "");
	if (c->web_open)
		open_link(&w);
	st = start_forwarding(&w);
	if (st == ST_OK)
		st = serve(&w);
out:
	if (w.hub)
		hub_close(w.hub);
	web_server_stop(w.srv);
	webapi_free(w.api);
	stop_forwarding(&w);
	hub_free(w.hub);
	if (w.opener > 0)
		(void)waitpid(w.opener, NULL, WNOHANG);
	if (w.sigfd >= 0)
		close(w.sigfd);
	sodium_memzero(w.token, sizeof w.token);
	sodium_memzero(w.url, sizeof w.url);
	return st;
}
