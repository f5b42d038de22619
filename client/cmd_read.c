/* cmd_read.c - `e2e-chat read ROOM [--after SEQ] [--tail N] [--follow]
 * [--json]`: what is new on the relay is fetched into the profile's store
 * (messages_fetch), then the room's authentic messages are printed from
 * the store, one per line, oldest first. --follow then waits for new
 * ones and prints each as it arrives (flushed per line, for bots and
 * pipes) until SIGINT or SIGTERM, which end it with status 0. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "commands.h"
#include "display.h"
#include "membership.h"
#include "messages.h"
#include "outbox.h"
#include "roomsync.h"
#include "session.h"

static void show(const struct shown_msg *m, void *user)
{
	const struct client *c = user;

	display_message(stdout, c->json ? DISPLAY_JSON : DISPLAY_LOG, m);
	fflush(stdout);
}

/* The outbox first (a queued message goes out with any command), then
 * what is new; a failed send is told and does not stop the reading. */
static enum status fetch(struct client *c, struct roomfile *rf)
{
	enum status st = outbox_flush(c, rf, NULL);

	if (st != ST_OK && st != ST_UNREACHABLE && st != ST_NOT_MEMBER)
		fprintf(stderr, "e2e-chat: %s\n", c->err);
	return messages_fetch(c, rf, NULL);
}

static void on_message(void *ctx, const struct shown_msg *m)
{
	show(m, ctx);
}

/* Events and notices go to standard error: standard output holds
 * messages only, one per line (a bot's pipe). */
static void on_event(void *ctx, enum room_event ev, const char *name, uint64_t epoch, bool left)
{
	(void)ctx;
	display_room_event(ev, name, epoch, left);
}

static void on_notice(void *ctx, enum session_notice n, uint64_t value, const char *detail)
{
	(void)ctx;
	(void)value;
	if (n == SESSION_RELAY_AWAY)
		fprintf(stderr, "e2e-chat: %s; retrying with backoff\n", detail);
	else if (n == SESSION_RELAY_BACK)
		fprintf(stderr, "e2e-chat: the relay answers again\n");
}

/* --follow: the session engine's front end for bots and pipes, until a
 * signal (status 0) or an end of the membership (its status). */
static enum status follow(struct client *c, const char *room, int64_t shown)
{
	struct session_front front = {on_message, on_event, on_notice, NULL, c};
	struct session_options opt = {.show = true, .interval_ms = c->interval_ms,
				      .from_id = true, .start_id = shown};
	struct session *s = NULL;
	sigset_t sigs;
	int sigfd = -1;
	bool admitted = true, woken = false;
	enum status st;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) == 0)
		sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sigfd < 0)
		return client_fail(c, ST_ERROR, "cannot set up signals: %s", strerror(errno));
	st = session_open(&s, c, room, &opt, &front);
	while (st == ST_OK) {
		session_wait(s, admitted, &sigfd, 1, &woken);
		if (woken)
			break; /* interrupted: the normal end of --follow */
		st = session_step(s, &admitted);
	}
	session_close(s);
	close(sigfd);
	return st;
}

enum status cmd_read(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	struct messages_view view = {.tail = c->tail, .seq_filter = c->after_set,
				     .after_seq = c->after};
	int64_t shown = 0;
	enum status st = command_enter(c, argc, argv, 2, true, &rf);

	if (st == ST_OK)
		st = fetch(c, rf);
	if (st == ST_OK)
		st = messages_show(c, rf, &view, show, c, &shown);
	roomfile_close(rf);
	if (st == ST_OK && c->follow)
		st = follow(c, argv[1], shown);
	return st;
}
