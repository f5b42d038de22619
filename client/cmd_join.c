/* cmd_join.c - `e2e-chat join ROOM`: create or join the room, wait to be
 * admitted, then chat: each line of standard input is sent, /help /list
 * /quit work, and the command exits at the end of input. On a terminal,
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

#include "commands.h"
#include "display.h"
#include "membership.h"
#include "names.h"
#include "roomsync.h"
#include "session.h"

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

/* The relay's list against the signed state brought up to date first, as
 * `members` does: a state older than the list made every admission and
 * removal since the chat's last step look like a lie of the relay. */
static enum status chat_list(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	bool admitted;
	enum status st = roomsync_sync(session_client(s), rf, &admitted);

	return st == ST_OK ? members_show(session_client(s), rf) : st;
}

static enum status chat_verify(struct session *s, struct roomfile *rf, const char *arg,
			       void *ctx)
{
	return verify_member(session_client(s), rf, arg, false);
}

static enum status chat_accept(struct session *s, struct roomfile *rf, const char *arg,
			       void *ctx)
{
	return verify_member(session_client(s), rf, arg, true);
}

/* /kick bans (the person may not come back under any name until an
 * admin runs unban); /deny turns a pending member away. Either ends an
 * approval of the name. */
static enum status chat_remove(struct session *s, struct roomfile *rf, const char *arg,
			       bool ban)
{
	enum status st = admin_remove(session_client(s), rf, arg, ban);

	session_forget_approval(s, arg);
	return st == ST_OK ? session_creator(s, rf, false) : st;
}

static enum status chat_kick(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return chat_remove(s, rf, arg, true);
}

static enum status chat_deny(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return chat_remove(s, rf, arg, false);
}

static enum status chat_approve(struct session *s, struct roomfile *rf, const char *arg,
				void *ctx)
{
	if (!session_approve(s, arg))
		return client_fail(session_client(s), ST_USAGE, "too many approvals pending");
	return session_creator(s, rf, false);
}

static enum status chat_rotate(struct session *s, struct roomfile *rf, const char *arg,
			       void *ctx)
{
	return session_creator(s, rf, true);
}

static enum status chat_leave(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	struct chat *ch = ctx;
	enum status st = membership_leave(session_client(s), rf);

	if (st == ST_OK) {
		fprintf(stderr, "You left %s.\n", ch->room);
		ch->quit = true;
	}
	return st;
}

static const struct {
	const char *name;
	bool takes_name;
	session_room_fn run;
	const char *help;
} chat_commands[] = {
	{"/list", false, chat_list, "members, their status and whether you verified them"},
	{"/verify", true, chat_verify, "NAME's fingerprint, to compare out of band"},
	{"/accept", true, chat_accept, "mark NAME's current keys verified (after comparing)"},
	{"/kick", true, chat_kick, "remove and ban NAME; a new epoch starts without them (admin)"},
	{"/approve", true, chat_approve, "admit NAME in an --approve room (admin)"},
	{"/deny", true, chat_deny, "turn NAME away in an --approve room (admin)"},
	{"/rotate", false, chat_rotate, "start a new epoch now (admin)"},
	{"/leave", false, chat_leave, "give up your membership and quit"},
};

static void chat_help(void)
{
	fputs("/help             this list\n", stderr);
	for (size_t i = 0; i < sizeof chat_commands / sizeof chat_commands[0]; i++)
		fprintf(stderr, "%-8s %-8s %s\n", chat_commands[i].name,
			chat_commands[i].takes_name ? "NAME" : "", chat_commands[i].help);
	fputs("/quit             leave the chat (you stay a member)\n"
	      "Any other line is sent to the room; start it with // to send a leading /.\n",
	      stderr);
}

/* Run a chat command with the room file open. Its failure is reported
 * and the chat goes on, unless the membership itself is gone. */
static enum status command(struct chat *ch, char *line)
{
	char *arg = strchr(line, ' ');
	enum status st;

	if (arg)
		*arg++ = '\0';
	if (strcmp(line, "/quit") == 0 || strcmp(line, "/exit") == 0) {
		ch->quit = true;
		return ST_OK;
	}
	for (size_t i = 0; i < sizeof chat_commands / sizeof chat_commands[0]; i++) {
		if (strcmp(line, chat_commands[i].name) != 0)
			continue;
		if (chat_commands[i].takes_name != (arg && name_member_valid(arg))) {
			fprintf(stderr, "Usage: %s%s\n", line, chat_commands[i].takes_name ? " NAME" : "");
			return ST_OK;
		}
		st = session_with_room(ch->session, chat_commands[i].run, arg, ch);
		if (st != ST_OK && st != ST_NOT_MEMBER && st != ST_UNREACHABLE) {
			fprintf(stderr, "%s\n", ch->c->err);
			st = ST_OK;
		}
		return st;
	}
	if (strcmp(line, "/help") != 0)
		fprintf(stderr, "Unknown command %s.\n", line);
	chat_help();
	return ST_OK;
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
	const char *text = ch->line;
	enum status st;

	if (got == 0) {
		ch->quit = true;
		return ST_OK;
	}
	if (got < 0) {
		fprintf(stderr, "Line longer than %d bytes: not sent.\n", E2E_TEXT_MAX);
		return ST_OK;
	}
	if (len == 0)
		return ST_OK;
	if (text[0] == '/' && text[1] != '/')
		return command(ch, ch->line);
	if (text[0] == '/')
		text++, len--;
	st = session_send(ch->session, text, len);
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

enum status cmd_join(struct client *c, int argc, char **argv)
{
	struct chat ch = {.c = c, .sigfd = -1, .tty = isatty(STDIN_FILENO) == 1};
	struct session_front front = {on_message, on_event, on_notice, on_creator, &ch};
	struct session_options opt = {.show = ch.tty, .interval_ms = c->interval_ms};
	struct roomfile *rf = NULL;
	sigset_t sigs;
	enum status st = command_room(c, argc, argv, 2, &ch.room);

	if (st != ST_OK)
		return st;
	/* Entering may prompt for the password: Ctrl-C must still work there. */
	st = membership_enter(c, ch.room, true, &rf);
	roomfile_close(rf);
	if (st == ST_OK)
		st = session_open(&ch.session, c, ch.room, &opt, &front);
	if (st != ST_OK)
		return st;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) == 0)
		ch.sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (ch.sigfd < 0) {
		st = client_fail(c, ST_ERROR, "cannot set up signals: %s", strerror(errno));
		goto out;
	}
	st = wait_admitted(&ch);
	if (st == ST_OK)
		st = chat_loop(&ch);
out:
	session_close(ch.session);
	if (ch.sigfd >= 0)
		close(ch.sigfd);
	return st;
}
