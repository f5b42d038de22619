/* cmd_join.c - `e2e-chat join ROOM`: create or join the room, wait to be
 * admitted, then chat: each line of standard input is sent, /help /list
 * /quit work, and the command exits at the end of input. On a terminal,
 * new messages appear as they arrive; from a pipe only sending happens
 * (`e2e-chat read` prints). A creator's client admits pending members on
 * every step, whether its input is a terminal or a pipe. SIGINT and SIGTERM arrive through
 * a signalfd, so every exit goes through the same cleanup. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "commands.h"
#include "creator.h"
#include "display.h"
#include "membership.h"
#include "messages.h"
#include "names.h"
#include "roomevents.h"
#include "roomsync.h"

#define CHAT_APPROVED_MAX 64

struct chat {
	struct client *c;
	const char *room;
	int sigfd;
	bool tty;
	bool quit;
	enum wire_history history; /* from the signed state, told once admitted */
	unsigned backoff_ms;       /* after a failed step: the next pause, doubling */
	uint64_t after;            /* the fetch cursor, for the long-poll */
	int64_t shown_id;          /* the newest kept message this chat showed */
	struct wire_state state;   /* the signed state this chat told about */
	uint64_t queued;           /* lines waiting in the outbox */
	bool creator;
	/* members the user approved with /approve (--approve rooms) */
	size_t n_approved;
	char approved[CHAT_APPROVED_MAX][E2E_MEMBER_NAME_MAX + 1];
	const char *approved_names[CHAT_APPROVED_MAX];
	char line[E2E_TEXT_MAX + 2];
};

static void show(const struct shown_msg *m, void *user)
{
	(void)user;
	display_message(stdout, DISPLAY_CHAT, m);
}

static void notice(void *ctx, enum creator_event ev, const struct wire_member *m)
{
	const struct chat *ch = ctx;

	display_creator_event(ch->room, ev, m, true);
}

/* The creator's part of a step: admit, drop, rotate (creator.h);
 * `messages_read`: the step has just read the new messages. */
static enum status creator_part(struct chat *ch, struct roomfile *rf, bool rotate,
				bool messages_read)
{
	struct creator_request req = {.rotate = rotate, .messages_read = messages_read,
				      .approved = ch->approved_names, .n_approved = ch->n_approved,
				      .notice = notice, .ctx = ch};
	bool rotated = false;
	enum status st = creator_step(ch->c, rf, &req, &rotated);

	if (st == ST_OK && rotated)
		fprintf(stderr, "* %s: epoch %llu began\n", ch->room,
			(unsigned long long)rf->state.epoch);
	return st;
}

struct event_ctx {
	struct chat *ch;
	const struct roomfile *rf;
};

static void tell_event(void *ctx, enum room_event ev, const char *name, uint64_t epoch)
{
	struct event_ctx *e = ctx;
	const struct wire_member *was = name ? wire_state_find(&e->ch->state, name) : NULL;
	bool left = false;

	switch (ev) {
	case ROOM_JOINED:
		fprintf(stderr, "* %s joined\n", name);
		break;
	case ROOM_DEPARTED:
		if (was)
			(void)messages_left(e->ch->c, e->rf, name, was->sign_pk, &left);
		fprintf(stderr, "* %s %s\n", name, left ? "left the room" : "was removed");
		break;
	case ROOM_REKEYED:
		fprintf(stderr, "* %s has new keys (see /verify %s)\n", name, name);
		break;
	case ROOM_EPOCH:
		fprintf(stderr, "* new epoch %llu\n", (unsigned long long)epoch);
		break;
	}
}

/* Membership events from the signed state (roomevents.h): every member's
 * chat tells them; the creator's tells its own actions (creator_part). */
static void tell_state(struct chat *ch, const struct roomfile *rf)
{
	struct event_ctx e = {ch, rf};
	struct wire_state now = {0};
	json_error_t jerr;

	if (rf->state.revision == ch->state.revision || !rf->state_payload ||
	    wire_state_parse(rf->state_payload, rf->state_len, &now, &jerr) != E2E_OK)
		return;
	if (ch->tty && !ch->creator)
		roomevents_diff(&ch->state, &now, tell_event, &e);
	wire_state_clear(&ch->state);
	ch->state = now;
}

/* What the outbox holds, told when it changes. */
static void tell_queue(struct chat *ch, uint64_t queued)
{
	if (queued > 0 && queued != ch->queued)
		fprintf(stderr, "* %llu line%s queued: sent once the relay answers\n",
			(unsigned long long)queued, queued == 1 ? "" : "s");
	else if (queued == 0 && ch->queued > 0)
		fprintf(stderr, "* queued lines sent\n");
	ch->queued = queued;
}

/* One round with the room file locked: sync, the outbox, what is new
 * (kept in the store, shown on a terminal), and the creator's duties. */
static enum status step(struct chat *ch, bool *admitted)
{
	struct roomfile *rf = NULL;
	struct messages_view view = {0};
	uint64_t queued = 0;
	bool creator, fetched;
	enum status st;

	if ((st = membership_enter(ch->c, ch->room, false, &rf)) != ST_OK ||
	    (st = roomsync_sync(ch->c, rf, admitted)) != ST_OK)
		goto out;
	creator = creator_is_me(rf);
	ch->creator = creator;
	ch->history = rf->state.history;
	tell_state(ch, rf);
	if (*admitted) {
		st = messages_flush(ch->c, rf, &queued);
		tell_queue(ch, queued);
		if (st != ST_OK)
			goto out;
	}
	/* Fetched first; that read also serves the creator's part. */
	fetched = *admitted && (ch->tty || creator);
	if (fetched && (st = messages_fetch(ch->c, rf, NULL)) != ST_OK)
		goto out;
	view.after_id = ch->shown_id;
	if (fetched && ch->tty &&
	    (st = messages_show(ch->c, rf, &view, show, NULL, &ch->shown_id)) != ST_OK)
		goto out;
	if (creator)
		st = creator_part(ch, rf, false, fetched);
	if (st == ST_OK)
		tell_state(ch, rf);
out:
	if (rf != NULL)
		(void)messages_cursor(ch->c, rf, &ch->after);
	roomfile_close(rf);
	return st;
}

/* Sleep up to the poll interval; true if a signal asked us to stop. */
static bool pause_or_signal(struct chat *ch, bool watch_stdin, bool *stdin_ready)
{
	struct pollfd fds[2] = {{ch->sigfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
	int n = poll(fds, watch_stdin ? 2 : 1,
		     (int)(ch->backoff_ms ? ch->backoff_ms : ch->c->interval_ms));

	*stdin_ready = n > 0 && watch_stdin && (fds[1].revents & (POLLIN | POLLHUP));
	return n > 0 && (fds[0].revents & POLLIN);
}

/* How long an admitted member's terminal chat long-polls at a time. */
#define CHAT_WAIT_S 30

/* Between steps. On a terminal, once admitted and while the relay
 * answers: a long-poll (no room-file lock held) that ends as soon as a
 * message newer than the last one shown is committed, a line is typed or
 * a signal comes, so new messages appear at once and an idle chat costs
 * nothing. The creator waits at most its interval, to keep admitting
 * joiners. Otherwise, the poll interval as before. True if a signal
 * asked us to stop. */
static bool wait_event(struct chat *ch, bool admitted, bool *stdin_ready)
{
	const int fds[2] = {ch->sigfd, STDIN_FILENO};
	struct pollfd now[2] = {{ch->sigfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
	unsigned wait_s = ch->creator ? (ch->c->interval_ms + 999) / 1000 : CHAT_WAIT_S;
	bool news = false;

	if (!admitted || !ch->tty || ch->backoff_ms || (ch->creator && wait_s == 0) ||
	    (ch->creator && ch->c->interval_ms < 1000))
		return pause_or_signal(ch, true, stdin_ready);
	/* a relay that went away is retried inside (0.1 s doubling to 5 s);
	 * the step that follows says what is still wrong */
	(void)messages_wait(ch->c, ch->room, ch->after, wait_s, fds, 2, &news);
	poll(now, 2, 0);
	*stdin_ready = (now[1].revents & (POLLIN | POLLHUP)) != 0;
	return (now[0].revents & POLLIN) != 0;
}

#define BACKOFF_MAX_MS 30000

/* A step that failed for a reason that may pass (the relay unreachable,
 * an HTTP 5xx, a garbled reply) is retried after a pause that doubles up
 * to BACKOFF_MAX_MS; the chat says so once, and once when it recovers.
 * Removal, a security refusal or a usage error end the chat. */
static enum status step_retrying(struct chat *ch, bool *admitted)
{
	enum status st = step(ch, admitted);

	if (st != ST_UNREACHABLE && st != ST_ERROR) {
		if (st == ST_OK && ch->backoff_ms)
			fprintf(stderr, "* the relay answers again\n");
		if (st == ST_OK)
			ch->backoff_ms = 0;
		return st;
	}
	if (!ch->backoff_ms)
		fprintf(stderr, "* %s; retrying with backoff\n", ch->c->err);
	ch->backoff_ms = ch->backoff_ms ? ch->backoff_ms * 2 : ch->c->interval_ms;
	if (ch->backoff_ms > BACKOFF_MAX_MS)
		ch->backoff_ms = BACKOFF_MAX_MS;
	*admitted = false;
	return ST_OK;
}

static enum status wait_admitted(struct chat *ch)
{
	bool admitted = false, told = false, ready;
	enum status st;

	while ((st = step_retrying(ch, &admitted)) == ST_OK && !admitted) {
		if (ch->c->no_wait)
			return client_fail(ch->c, ST_PENDING, "not admitted to room %s yet", ch->room);
		if (!told) {
			fprintf(stderr, "Waiting for the room creator to admit you to %s "
				"(the creator's e2e-chat must be running)...\n", ch->room);
			told = true;
		}
		if (pause_or_signal(ch, false, &ready))
			return client_fail(ch->c, ST_PENDING, "interrupted while waiting to be "
					   "admitted to %s", ch->room);
	}
	if (st == ST_OK && ch->tty)
		fprintf(stderr, "%s keeps %s history: %s\n", ch->room,
			wire_history_name(ch->history),
			ch->history == WIRE_HISTORY_SHARED
				? "members read the messages sent before they joined"
				: "members read only what is sent after they were admitted");
	return st;
}

/* The line is sealed and queued at once; if the relay does not take it
 * now, the chat goes on and later steps send it (messages_flush). */
static enum status send_line(struct chat *ch, const char *text, size_t len)
{
	struct roomfile *rf = NULL;
	uint64_t queued = 0;
	int64_t room_id;
	enum status st = membership_enter(ch->c, ch->room, false, &rf);

	if (st == ST_OK)
		st = messages_send(ch->c, rf, text, len);
	if ((st == ST_UNREACHABLE || st == ST_ERROR) &&
	    messages_room(ch->c, rf, &room_id) == ST_OK &&
	    store_outbox_count(ch->c->store, room_id, &queued) && queued > 0) {
		tell_queue(ch, queued);
		st = ST_OK;
	}
	roomfile_close(rf);
	return st;
}

/* The relay's list against the signed state brought up to date first, as
 * `members` does: a state older than the list made every admission and
 * removal since the chat's last step look like a lie of the relay. */
static enum status chat_list(struct chat *ch, struct roomfile *rf, const char *arg)
{
	bool admitted;
	enum status st = roomsync_sync(ch->c, rf, &admitted);

	return st == ST_OK ? members_show(ch->c, rf) : st;
}

static enum status chat_verify(struct chat *ch, struct roomfile *rf, const char *arg)
{
	return verify_member(ch->c, rf, arg, false);
}

static enum status chat_accept(struct chat *ch, struct roomfile *rf, const char *arg)
{
	return verify_member(ch->c, rf, arg, true);
}

static enum status chat_kick(struct chat *ch, struct roomfile *rf, const char *arg)
{
	enum status st = creator_remove(ch->c, rf, arg);

	return st == ST_OK ? creator_part(ch, rf, false, false) : st;
}

static enum status chat_approve(struct chat *ch, struct roomfile *rf, const char *arg)
{
	if (ch->n_approved == CHAT_APPROVED_MAX)
		return client_fail(ch->c, ST_USAGE, "too many approvals pending");
	snprintf(ch->approved[ch->n_approved], sizeof ch->approved[0], "%s", arg);
	ch->approved_names[ch->n_approved] = ch->approved[ch->n_approved];
	ch->n_approved++;
	return creator_part(ch, rf, false, false);
}

static enum status chat_rotate(struct chat *ch, struct roomfile *rf, const char *arg)
{
	return creator_part(ch, rf, true, false);
}

static enum status chat_leave(struct chat *ch, struct roomfile *rf, const char *arg)
{
	enum status st = membership_leave(ch->c, rf);

	if (st == ST_OK) {
		fprintf(stderr, "You left %s.\n", ch->room);
		ch->quit = true;
	}
	return st;
}

static const struct {
	const char *name;
	bool takes_name;
	enum status (*run)(struct chat *ch, struct roomfile *rf, const char *arg);
	const char *help;
} chat_commands[] = {
	{"/list", false, chat_list, "members, their status and whether you verified them"},
	{"/verify", true, chat_verify, "NAME's fingerprint, to compare out of band"},
	{"/accept", true, chat_accept, "mark NAME's current keys verified (after comparing)"},
	{"/kick", true, chat_kick, "remove NAME; a new epoch starts without them (creator)"},
	{"/approve", true, chat_approve, "admit NAME in an --approve room (creator)"},
	{"/deny", true, chat_kick, "turn NAME away in an --approve room (creator)"},
	{"/rotate", false, chat_rotate, "start a new epoch now (creator)"},
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
	struct roomfile *rf = NULL;
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
		st = membership_enter(ch->c, ch->room, false, &rf);
		if (st == ST_OK)
			st = chat_commands[i].run(ch, rf, arg);
		roomfile_close(rf);
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
	st = send_line(ch, text, len);
	if (st == ST_USAGE) { /* e.g. not UTF-8: say so, keep chatting */
		fprintf(stderr, "%s\n", ch->c->err);
		st = ST_OK;
	}
	return st;
}

/* Terminal or pipe alike: lines are sent as they come, and between them
 * the room is stepped every interval, so a creator's client admits
 * members even while it waits for input. End of input ends the chat. */
static enum status chat_loop(struct chat *ch)
{
	bool admitted = true, ready = false; /* wait_admitted came first */
	enum status st = ST_OK;

	/* Unbuffered: poll() then sees every line that has not been read. */
	setvbuf(stdin, NULL, _IONBF, 0);
	if (ch->tty)
		fprintf(stderr, "You are in %s as %s. /help lists the commands.\n", ch->room,
			ch->c->name);
	while (st == ST_OK && !ch->quit) {
		if (wait_event(ch, admitted, &ready))
			break;
		if (ready)
			st = handle_input(ch);
		if (st == ST_OK && !ch->quit)
			st = step_retrying(ch, &admitted);
	}
	return st;
}

enum status cmd_join(struct client *c, int argc, char **argv)
{
	struct chat ch = {.c = c, .sigfd = -1, .tty = isatty(STDIN_FILENO) == 1};
	struct roomfile *rf = NULL;
	sigset_t sigs;
	enum status st = command_room(c, argc, argv, 2, &ch.room);

	if (st != ST_OK)
		return st;
	/* Entering may prompt for the password: Ctrl-C must still work there. */
	if ((st = membership_enter(c, ch.room, true, &rf)) != ST_OK)
		return st;
	/* this chat shows what arrives from now on */
	st = messages_last_id(c, rf, &ch.shown_id);
	roomfile_close(rf);
	if (st != ST_OK)
		return st;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) != 0 ||
	    (ch.sigfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0)
		return client_fail(c, ST_ERROR, "cannot set up signals: %s", strerror(errno));
	if ((st = wait_admitted(&ch)) != ST_OK)
		goto out;
	st = chat_loop(&ch);
out:
	wire_state_clear(&ch.state);
	close(ch.sigfd);
	return st;
}
