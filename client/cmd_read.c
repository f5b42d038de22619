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
#include "roomsync.h"

/* How long a follower long-polls at a time. */
#define FOLLOW_WAIT_S 30
/* After a failed step (relay away): first pause, doubling up to the cap. */
#define FOLLOW_BACKOFF_MIN_MS 500
#define FOLLOW_BACKOFF_MAX_MS 30000

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
	enum status st = messages_flush(c, rf, NULL);

	if (st != ST_OK && st != ST_UNREACHABLE && st != ST_NOT_MEMBER)
		fprintf(stderr, "e2e-chat: %s\n", c->err);
	return messages_fetch(c, rf, NULL);
}

/* One step of --follow, with the room file locked. */
static enum status follow_step(struct client *c, const char *room, int64_t *shown,
			       uint64_t *after)
{
	struct roomfile *rf = NULL;
	struct messages_view view = {.after_id = *shown};
	bool admitted;
	enum status st = membership_enter(c, room, false, &rf);

	if (st == ST_OK)
		st = roomsync_sync(c, rf, &admitted);
	if (st == ST_OK)
		st = fetch(c, rf);
	if (st == ST_OK)
		st = messages_show(c, rf, &view, show, c, shown);
	if (rf)
		(void)messages_cursor(c, rf, after);
	roomfile_close(rf);
	return st;
}

static enum status follow(struct client *c, const char *room, int64_t shown, uint64_t after)
{
	sigset_t sigs;
	int sigfd;
	unsigned backoff = 0;
	bool news, told = false;
	enum status st = ST_OK;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) != 0 ||
	    (sigfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0)
		return client_fail(c, ST_ERROR, "cannot set up signals: %s", strerror(errno));
	for (;;) {
		struct pollfd p = {sigfd, POLLIN, 0};

		if (backoff)
			(void)poll(&p, 1, (int)backoff);
		else
			(void)messages_wait(c, room, after, FOLLOW_WAIT_S, &sigfd, 1, &news);
		if (poll(&p, 1, 0) > 0)
			break; /* interrupted: the normal end of --follow */
		st = follow_step(c, room, &shown, &after);
		if (st != ST_UNREACHABLE && st != ST_ERROR) {
			if (st != ST_OK)
				break;
			if (told)
				fprintf(stderr, "e2e-chat: the relay answers again\n");
			backoff = 0;
			told = false;
			continue;
		}
		if (!told)
			fprintf(stderr, "e2e-chat: %s; retrying with backoff\n", c->err);
		told = true;
		backoff = backoff ? backoff * 2 : FOLLOW_BACKOFF_MIN_MS;
		if (backoff > FOLLOW_BACKOFF_MAX_MS)
			backoff = FOLLOW_BACKOFF_MAX_MS;
		st = ST_OK;
	}
	close(sigfd);
	return st;
}

enum status cmd_read(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	struct messages_view view = {.tail = c->tail, .seq_filter = c->after_set,
				     .after_seq = c->after};
	int64_t shown = 0;
	uint64_t after = 0;
	enum status st = command_enter(c, argc, argv, 2, true, &rf);

	if (st == ST_OK)
		st = fetch(c, rf);
	if (st == ST_OK)
		st = messages_show(c, rf, &view, show, c, &shown);
	if (st == ST_OK && c->follow)
		st = messages_last_id(c, rf, &shown);
	if (st == ST_OK)
		st = messages_cursor(c, rf, &after);
	roomfile_close(rf);
	if (st == ST_OK && c->follow)
		st = follow(c, argv[1], shown, after);
	return st;
}
