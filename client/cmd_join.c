/* cmd_join.c - `e2e-chat join ROOM`: create or join the room, wait to be
 * admitted, then chat. On a terminal that can take it the chat is full
 * screen (tui/chat.h); otherwise (--plain, TERM=dumb, a pipe) it is the
 * line mode here: each line of standard input is sent, the /commands
 * (chatcmd.h) work, and the command exits at the end of input. On a terminal,
 * new messages and membership events appear as they arrive; from a pipe
 * only sending happens (`e2e-chat read` prints). A creator's client
 * admits pending members on every step, whether its input is a terminal
 * or a pipe. The line chat is a front end of the session engine
 * (session.h): it prints what the engine tells and feeds it lines.
 * SIGINT and SIGTERM arrive through a signalfd, so every exit goes
 * through the same cleanup. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "chatcmd.h"
#include "commands.h"
#include "display.h"
#include "membership.h"
#include "names.h"
#include "roomsync.h"
#include "session.h"
#include "tui/chat.h"

struct chat {
	struct client *c;
	const char *room;
	struct session *session;
	int sigfd;
	bool tty;
	bool quit;
	char line[E2E_TEXT_MAX + 2];
};

static void on_message(void *ctx, const struct shown_msg *m)
{
	(void)ctx;
	display_message(stdout, DISPLAY_CHAT, m);
}

static void on_event(void *ctx, enum room_event ev, const char *name, uint64_t epoch, bool left)
{
	(void)ctx;
	display_room_event(ev, name, epoch, left);
}

static void on_notice(void *ctx, enum session_notice n, uint64_t value, const char *detail)
{
	const struct chat *ch = ctx;

	switch (n) {
	case SESSION_RELAY_AWAY:
		fprintf(stderr, "* %s; retrying with backoff\n", detail);
		break;
	case SESSION_RELAY_BACK:
		fprintf(stderr, "* the relay answers again\n");
		break;
	case SESSION_QUEUED:
		fprintf(stderr, "* %llu line%s queued: sent once the relay answers\n",
			(unsigned long long)value, value == 1 ? "" : "s");
		break;
	case SESSION_QUEUE_SENT:
		fprintf(stderr, "* queued lines sent\n");
		break;
	case SESSION_ADMIN_FAILED:
		fprintf(stderr, "* the room state you signed did not take: %s (signed again on "
			"every step)\n", detail);
		break;
	case SESSION_SEND_FAILED:
		fprintf(stderr, "* %s\n", detail);
		break;
	case SESSION_EPOCH_BEGAN:
		fprintf(stderr, "* %s: epoch %llu began\n", ch->room, (unsigned long long)value);
		break;
	}
}

static void on_creator(void *ctx, enum admin_event ev, const struct wire_member *m)
{
	const struct chat *ch = ctx;

	display_creator_event(ch->room, ev, m, true);
}

static enum status wait_admitted(struct chat *ch)
{
	bool admitted = false, told = false, woken;
	enum status st;
	enum wire_history history;

	for (st = session_step(ch->session, &admitted); st == ST_OK && !admitted;
	     st = session_step(ch->session, &admitted)) {
		if (ch->c->no_wait)
			return client_fail(ch->c, ST_PENDING, "not admitted to room %s yet", ch->room);
		if (!told) {
			fprintf(stderr, "Waiting for an admin of %s to admit you (the room "
				"creator or another admin: their e2e-chat must be running)...\n",
				ch->room);
			told = true;
		}
		session_wait(ch->session, false, &ch->sigfd, 1, &woken);
		if (woken)
			return client_fail(ch->c, ST_PENDING, "interrupted while waiting to be "
					   "admitted to %s", ch->room);
	}
	history = session_history(ch->session);
	if (st == ST_OK && ch->tty)
		fprintf(stderr, "%s keeps %s history: %s\n", ch->room, wire_history_name(history),
			history == WIRE_HISTORY_SHARED
				? "members read the messages sent before they joined"
				: "members read only what is sent after they were admitted");
	return st;
}

/* Read one line from stdin into ch->line. 1: a line, 0: end of input,
 * -1: the line was too long (its rest was discarded). */
static int read_line(struct chat *ch, size_t *len)
{
	bool too_long = false;

	for (;;) {
		if (!fgets(ch->line, sizeof ch->line, stdin))
			return too_long ? -1 : 0;
		*len = strlen(ch->line);
		if (*len && ch->line[*len - 1] == '\n') {
			ch->line[--(*len)] = '\0';
			return too_long ? -1 : 1;
		}
		if (*len <= E2E_TEXT_MAX && feof(stdin))
			return too_long ? -1 : 1;
		too_long = true;
	}
}

static enum status handle_input(struct chat *ch)
{
	size_t len = 0;
	int got = read_line(ch, &len);
	struct chatline cl;
	bool quit = false;
	enum status st = ST_OK;

	if (got == 0) {
		ch->quit = true;
		return ST_OK;
	}
	if (got < 0) {
		fprintf(stderr, "Line longer than %d bytes: not sent.\n", E2E_TEXT_MAX);
		return ST_OK;
	}
	len = chatline_clean(ch->line, len);
	chatline_parse(ch->line, len, &cl);
	if (cl.kind == CHATLINE_COMMAND) {
		st = chatcmd_run(ch->session, ch->room, &cl, &quit);
		ch->quit = quit;
	} else if (cl.kind == CHATLINE_TEXT) {
		st = session_send(ch->session, cl.text, cl.len);
	}
	if (st == ST_USAGE) { /* e.g. not UTF-8: say so, keep chatting */
		fprintf(stderr, "%s\n", ch->c->err);
		st = ST_OK;
	}
	return st;
}

/* Terminal or pipe alike: lines are sent as they come, and between them
 * the room is stepped every interval (or on news), so a creator's client
 * admits members even while it waits for input. End of input ends the
 * chat. */
static enum status chat_loop(struct chat *ch)
{
	const int fds[2] = {ch->sigfd, STDIN_FILENO};
	struct pollfd ready[2] = {{ch->sigfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
	bool admitted = true, woken; /* wait_admitted came first */
	enum status st = ST_OK;

	/* Unbuffered: poll() then sees every line that has not been read. */
	setvbuf(stdin, NULL, _IONBF, 0);
	if (ch->tty)
		fprintf(stderr, "You are in %s as %s. /help lists the commands.\n", ch->room,
			ch->c->name);
	while (st == ST_OK && !ch->quit) {
		session_wait(ch->session, admitted, fds, 2, &woken);
		if (woken && poll(ready, 2, 0) > 0 && (ready[0].revents & POLLIN))
			break;
		if (woken && (ready[1].revents & (POLLIN | POLLHUP)))
			st = handle_input(ch);
		if (st == ST_OK && !ch->quit)
			st = session_step(ch->session, &admitted);
	}
	return st;
}

/* The line mode: --plain, a dumb terminal, a pipe. */
static enum status line_chat(struct chat *ch)
{
	struct session_front front = {on_message, on_event, on_notice, on_creator, ch};
	struct session_options opt = {.show = ch->tty, .interval_ms = ch->c->interval_ms};
	enum status st = session_open(&ch->session, ch->c, ch->room, &opt, &front);

	if (st == ST_OK)
		st = wait_admitted(ch);
	if (st == ST_OK)
		st = chat_loop(ch);
	session_close(ch->session);
	return st;
}

enum status cmd_join(struct client *c, int argc, char **argv)
{
	struct chat ch = {.c = c, .sigfd = -1, .tty = isatty(STDIN_FILENO) == 1};
	struct tui_chat_options topt = {.bell = !c->no_bell, .notify = c->notify,
					.notify_text = c->notify_text};
	struct roomfile *rf = NULL;
	sigset_t sigs;
	bool full, too_small = false;
	enum status st = command_room(c, argc, argv, 2, &ch.room);

	if (st != ST_OK)
		return st;
	/* Entering may prompt for the password: Ctrl-C must still work there. */
	st = membership_enter(c, ch.room, true, &rf);
	roomfile_close(rf);
	if (st != ST_OK)
		return st;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) == 0)
		ch.sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (ch.sigfd < 0)
		return client_fail(c, ST_ERROR, "cannot set up signals: %s", strerror(errno));
	full = !c->plain && tui_chat_possible();
	if (full)
		st = tui_chat_run(c, ch.room, ch.sigfd, &topt, &too_small);
	if (too_small)
		fprintf(stderr, "* the terminal is too small for the full screen: line mode from "
			"here\n");
	if (!full || too_small)
		st = line_chat(&ch);
	close(ch.sigfd);
	return st;
}
