/* chat.c - the terminal chat (chat.h): the session engine's callbacks
 * fill the scrollback model (scroll.h), keys go to the input line
 * (edit.h), and the screen (screen.h) is drawn from both after every
 * round of the loop. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chat.h"
#include "chatcmd.h"
#include "chatline.h"
#include "edit.h"
#include "fingerprint.h"
#include "screen.h"
#include "scroll.h"
#include "session.h"

/* A page of the scrollback read from the store at a time. */
#define TUI_PAGE 200
/* The part of a captured line kept before it is cut (a line of output). */
#define TUI_CAPTURE_LINE 4096
/* The capture pipe's size: what commands print between two reads. */
#define TUI_CAPTURE_PIPE (1024 * 1024)
/* While keys come without pause, the room is still stepped this often. */
#define TUI_STEP_EVERY_MS 1000
/* Lines of the per-profile history file before it is rewritten. */
#define TUI_HISTORY_FILE_MAX (2 * TUI_HISTORY_MAX)

struct tui {
	struct client *c;
	const char *room;
	struct tui_chat_options opt;
	struct session *session;
	struct tui_screen *scr;
	struct tui_scroll *sc;
	struct tui_edit *ed;
	struct tui_row *rows;
	int sigfd, winchfd, capfd, saved_out, saved_err;
	size_t up;            /* rows scrolled up from the newest */
	bool admitted, removed, quit, security, live, away, esc, full_told, notify_told;
	bool too_small; /* resized below the layout: the line mode takes over */
	int64_t seen_at_open;
	int64_t last_step_ms;
	uint64_t epoch, queued;
	size_t n_members, n_verified;
	size_t n_names;
	char names[E2E_ROOM_MEMBERS_MAX][E2E_MEMBER_NAME_MAX + 1];
	size_t cap_len;
	char cap[TUI_CAPTURE_LINE + 1];
	char history_path[4096];
	char line[E2E_TEXT_MAX + 1];
};

/* ---- the scrollback ---- */

static void add_entry(struct tui *t, enum tui_kind kind, const char *text)
{
	struct tui_entry_in e = {.kind = kind, .time_ms = client_now_ms(), .text = text,
				 .len = strlen(text)};

	(void)tui_scroll_add(t->sc, &e);
}

static void add_fmt(struct tui *t, enum tui_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_fmt(struct tui *t, enum tui_kind kind, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	add_entry(t, kind, text);
}

/* The notification's text: what a notification server would take for
 * markup (<, >, &) is escaped, control characters are dropped. */
static void notify_body(char *out, size_t max, const struct shown_msg *m)
{
	size_t used = (size_t)snprintf(out, max, "%s: ", m->sender);

	for (size_t i = 0; i < m->text_len && used + 6 < max; i++) {
		const char *esc = m->text[i] == '<' ? "&lt;" : m->text[i] == '>' ? "&gt;"
				: m->text[i] == '&' ? "&amp;" : NULL;

		if (esc) {
			memcpy(out + used, esc, strlen(esc));
			used += strlen(esc);
		} else {
			out[used++] = m->text[i];
		}
	}
	out[used] = '\0';
	(void)chatline_clean(out, used);
}

static void notify(struct tui *t, const struct shown_msg *m)
{
	char title[128], body[5 * E2E_TEXT_MAX + 64];
	char *argv[] = {"notify-send", "--app-name=e2e-chat", "--", title, body, NULL};
	pid_t pid;
	int rc;

	snprintf(title, sizeof title, "e2e-chat: %s", t->room);
	if (t->opt.notify_text)
		notify_body(body, sizeof body, m);
	else
		snprintf(body, sizeof body, "%s named you", m->sender);
	rc = posix_spawnp(&pid, "notify-send", NULL, NULL, argv, environ);
	sodium_memzero(body, sizeof body);
	if (rc != 0 && !t->notify_told) {
		add_fmt(t, TUI_NOTICE, "--notify: cannot run notify-send (%s); install libnotify-bin",
			strerror(rc));
		t->notify_told = true;
	}
}

/* The scrollback row of a message, live or paged in; a signed leave is
 * an event row, its text written into `left`. */
struct message_row {
	struct tui_entry_in e;
	char left[E2E_MEMBER_NAME_MAX + 32];
};

static void message_entry(const struct tui *t, const struct shown_msg *m, struct message_row *r)
{
	if (m->leave) {
		snprintf(r->left, sizeof r->left, "%s left the room", m->sender);
		r->e = (struct tui_entry_in){.kind = TUI_EVENT, .id = m->id,
					     .time_ms = m->time_ms, .text = r->left,
					     .len = strlen(r->left)};
		return;
	}
	r->e = (struct tui_entry_in){
		.kind = m->mine ? TUI_MINE : TUI_MESSAGE, .id = m->id, .time_ms = m->time_ms,
		.sender = m->sender, .text = m->text, .len = m->text_len,
		.mention = !m->mine && chatline_mentions(m->text, m->text_len, t->c->name),
		.keys_changed = m->keys_changed};
}

static void on_message(void *ctx, const struct shown_msg *m)
{
	struct tui *t = ctx;
	struct message_row r;
	const struct tui_entry_in *e = &r.e;

	message_entry(t, m, &r);
	(void)tui_scroll_add(t->sc, e);
	if (!t->live || !e->mention)
		return;
	if (t->opt.bell)
		tui_screen_bell(t->scr);
	if (t->opt.notify)
		notify(t, m);
}

static void on_event(void *ctx, enum room_event ev, const char *name, uint64_t epoch, bool left)
{
	struct tui *t = ctx;

	switch (ev) {
	case ROOM_JOINED: add_fmt(t, TUI_EVENT, "%s joined", name); break;
	case ROOM_DEPARTED:
		add_fmt(t, TUI_EVENT, "%s %s", name, left ? "left the room" : "was removed");
		break;
	case ROOM_REKEYED:
		add_fmt(t, TUI_SECURITY, "%s has new keys: compare fingerprints (/verify %s)", name,
			name);
		break;
	case ROOM_EPOCH: add_fmt(t, TUI_EVENT, "new epoch %llu", (unsigned long long)epoch); break;
	}
}

static void on_notice(void *ctx, enum session_notice n, uint64_t value, const char *detail)
{
	struct tui *t = ctx;

	switch (n) {
	case SESSION_RELAY_AWAY:
		t->away = true;
		add_fmt(t, TUI_NOTICE, "%s; retrying with backoff", detail);
		break;
	case SESSION_RELAY_BACK:
		t->away = false;
		add_entry(t, TUI_NOTICE, "the relay answers again");
		break;
	case SESSION_QUEUED: t->queued = value; break;
	case SESSION_QUEUE_SENT:
		t->queued = 0;
		add_entry(t, TUI_NOTICE, "queued lines sent");
		break;
	case SESSION_SEND_FAILED: add_entry(t, TUI_NOTICE, detail); break;
	case SESSION_ADMIN_FAILED:
		add_fmt(t, TUI_NOTICE, "the room state you signed did not take: %s (signed again "
			"on every step)", detail);
		break;
	case SESSION_EPOCH_BEGAN:
		add_fmt(t, TUI_EVENT, "epoch %llu began", (unsigned long long)value);
		break;
	}
}

static void on_creator(void *ctx, enum admin_event ev, const struct wire_member *m)
{
	struct tui *t = ctx;
	char fp[FINGERPRINT_LEN] = "?";

	fingerprint_member(fp, m);
	switch (ev) {
	case ADMIN_ADMITTED:
		add_fmt(t, TUI_EVENT, "admitted %s (fingerprint %s)", m->name, fp);
		break;
	case ADMIN_DROPPED:
		add_fmt(t, TUI_EVENT, "%s left or was removed: new epoch, without them", m->name);
		break;
	case ADMIN_WAITING:
		add_fmt(t, TUI_EVENT, "%s asks to join (fingerprint %s): /approve %s or /deny %s",
			m->name, fp, m->name, m->name);
		break;
	}
}

/* ---- what is printed: captured and shown ---- */

static void captured_line(struct tui *t, const char *line)
{
	static const char security[] = "SECURITY: ";

	if (strncmp(line, security, sizeof security - 1) == 0) {
		t->security = true;
		add_entry(t, TUI_SECURITY, line);
	} else if (line[0]) {
		add_entry(t, TUI_NOTICE, line);
	}
}

static void drain_capture(struct tui *t)
{
	char buf[4096];
	ssize_t got;

	fflush(stdout);
	fflush(stderr);
	for (got = read(t->capfd, buf, sizeof buf); got > 0; got = read(t->capfd, buf, sizeof buf)) {
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] == '\n' || t->cap_len == TUI_CAPTURE_LINE) {
				t->cap[t->cap_len] = '\0';
				captured_line(t, t->cap);
				t->cap_len = 0;
			}
			if (buf[i] != '\n')
				t->cap[t->cap_len++] = buf[i];
		}
	}
}

/* Standard output and error into a pipe; the terminal stays on saved_out. */
static bool capture_start(struct tui *t)
{
	int p[2];

	fflush(stdout);
	fflush(stderr);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return false;
	(void)fcntl(p[1], F_SETPIPE_SZ, TUI_CAPTURE_PIPE);
	/* the writing end blocks: output is never lost, and the pipe is
	 * read after every command and step */
	(void)fcntl(p[1], F_SETFL, 0);
	t->capfd = p[0];
	t->saved_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	t->saved_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (t->saved_out < 0 || t->saved_err < 0 || dup2(p[1], STDOUT_FILENO) < 0 ||
	    dup2(p[1], STDERR_FILENO) < 0) {
		close(p[1]);
		return false;
	}
	close(p[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	return true;
}

static void capture_stop(struct tui *t)
{
	char buf[4096];
	ssize_t got;

	fflush(stdout);
	fflush(stderr);
	if (t->saved_out >= 0)
		dup2(t->saved_out, STDOUT_FILENO);
	if (t->saved_err >= 0)
		dup2(t->saved_err, STDERR_FILENO);
	if (t->capfd >= 0) { /* what was printed last goes to the terminal */
		if (t->cap_len)
			fprintf(stderr, "%.*s\n", (int)t->cap_len, t->cap);
		for (got = read(t->capfd, buf, sizeof buf); got > 0;
		     got = read(t->capfd, buf, sizeof buf))
			fwrite(buf, 1, (size_t)got, stderr);
		close(t->capfd);
	}
	if (t->saved_out >= 0)
		close(t->saved_out);
	if (t->saved_err >= 0)
		close(t->saved_err);
}

/* ---- the room's state, for the status line and completion ---- */

static enum status read_state(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	struct tui *t = ctx;

	t->epoch = rf->state.epoch;
	t->n_members = rf->state.n_members;
	t->n_verified = 0;
	t->n_names = 0;
	for (size_t i = 0; i < rf->state.n_members && i < E2E_ROOM_MEMBERS_MAX; i++) {
		const char *name = rf->state.members[i].name;
		const struct known_keys *k = roomfile_known(rf, name);

		snprintf(t->names[t->n_names++], sizeof t->names[0], "%s", name);
		if (strcmp(name, rf->me) != 0 && k && k->verified && !k->changed)
			t->n_verified++;
	}
	return ST_OK;
}

static void status_text(const struct tui *t, char *out, size_t max)
{
	size_t others = t->n_members > 0 ? t->n_members - 1 : 0;
	int64_t retry = t->last_step_ms + (int64_t)session_retry_ms(t->session) - client_now_ms();
	char conn[64];

	if (t->removed)
		snprintf(conn, sizeof conn, "REMOVED from the room");
	else if (!t->admitted)
		snprintf(conn, sizeof conn, "waiting for admission");
	else if (t->away)
		snprintf(conn, sizeof conn, "reconnecting in %lld s",
			 (long long)(retry > 0 ? (retry + 999) / 1000 : 0));
	else
		snprintf(conn, sizeof conn, "connected");
	if (t->queued) {
		size_t used = strlen(conn);

		snprintf(conn + used, sizeof conn - used, ", %llu queued",
			 (unsigned long long)t->queued);
	}
	/* what must not be cut off by a narrow terminal comes first */
	snprintf(out, max, " %s | %s |%s %s |%s epoch %llu | %zu member%s, %zu/%zu verified",
		 t->room, t->c->name, t->security ? " SECURITY |" : "", conn,
		 t->up > 0 ? " more below |" : "", (unsigned long long)t->epoch, t->n_members,
		 t->n_members == 1 ? "" : "s", t->n_verified, others);
}

/* ---- the scrollback from the store ---- */

static void page_entry(const struct shown_msg *m, void *ctx)
{
	struct tui *t = ctx;
	struct message_row r;

	message_entry(t, m, &r);
	if (m->mine && !m->leave)
		tui_edit_history_add(t->ed, m->text, m->text_len);
	(void)tui_scroll_front_add(t->sc, &r.e);
}

struct page_req {
	struct tui *t;
	int64_t before;
	int64_t seen;
};

static enum status read_page(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	struct page_req *r = ctx;

	return messages_page(session_client(s), rf, r->before, TUI_PAGE, page_entry, r->t,
			     &r->seen);
}

/* An older page in front of what is shown (`first`: the newest, at the
 * start, which also reads what the user had seen). */
static void load_page(struct tui *t, int64_t before, bool first)
{
	struct page_req r = {t, before, 0};

	tui_scroll_front_begin(t->sc);
	if (session_with_room(t->session, read_page, NULL, &r) != ST_OK)
		add_fmt(t, TUI_NOTICE, "cannot read the scrollback: %s", t->c->err);
	tui_scroll_front_end(t->sc);
	if (first)
		t->seen_at_open = r.seen;
	tui_scroll_mark_unread(t->sc, t->seen_at_open);
}

/* ---- the history file: the /commands typed (messages are in the store) ---- */

static void history_load(struct tui *t)
{
	FILE *f = fopen(t->history_path, "r");
	size_t n = 0, len;

	if (!f)
		return;
	while (fgets(t->line, sizeof t->line, f)) {
		len = strcspn(t->line, "\n");
		tui_edit_history_add(t->ed, t->line, len);
		n++;
	}
	fclose(f);
	if (n <= TUI_HISTORY_FILE_MAX)
		return;
	f = fopen(t->history_path, "w");
	for (size_t i = 0; f && i < tui_edit_history_count(t->ed); i++)
		fprintf(f, "%s\n", tui_edit_history_at(t->ed, i));
	if (f)
		fclose(f);
}

static void history_save(struct tui *t, const char *line)
{
	int fd = open(t->history_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0)
		return;
	if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0)
		add_fmt(t, TUI_NOTICE, "cannot keep the history: %s", strerror(errno));
	close(fd);
}

/* ---- input ---- */

static bool may_act(struct tui *t)
{
	if (!t->removed && t->admitted)
		return true;
	add_entry(t, TUI_NOTICE, t->removed ? "you are not a member of the room any more: "
		  "/quit or Ctrl-D leaves the chat" : "not admitted yet: wait for the creator");
	return false;
}

static enum status enter(struct tui *t, bool *acted)
{
	size_t len = tui_edit_take(t->ed, t->line, sizeof t->line);
	struct chatline cl;
	bool quit = false;
	enum status st = ST_OK;

	t->up = 0;
	len = chatline_clean(t->line, len);
	chatline_parse(t->line, len, &cl);
	if (cl.kind == CHATLINE_COMMAND) {
		history_save(t, t->line);
		if (strcmp(cl.name, "/quit") == 0 || strcmp(cl.name, "/exit") == 0 || may_act(t))
			st = chatcmd_run(t->session, t->room, &cl, &quit);
		t->quit = quit;
		*acted = true;
	} else if (cl.kind == CHATLINE_TEXT && may_act(t)) {
		st = session_send(t->session, cl.text, cl.len);
		*acted = true;
	}
	if (st == ST_USAGE || st == ST_UNREACHABLE) { /* not UTF-8, the relay away: */
		add_entry(t, TUI_NOTICE, t->c->err);       /* say so, keep chatting */
		st = ST_OK;
	} else if (st == ST_NOT_MEMBER) {
		t->removed = true;
		add_fmt(t, TUI_SECURITY, "you are not a member of %s any more (removed, or the room "
			"is gone); /quit or Ctrl-D leaves the chat", t->room);
		st = ST_OK;
	}
	sodium_memzero(t->line, sizeof t->line);
	drain_capture(t);
	return st;
}

static void complete(struct tui *t)
{
	const char *words[E2E_ROOM_MEMBERS_MAX + 16];
	size_t n = chatcmd_names(words, 16), len;
	const char *text = tui_edit_text(t->ed, &len);
	char insert[E2E_MEMBER_NAME_MAX + CHATLINE_NAME_MAX + 2];

	for (size_t i = 0; i < t->n_names; i++)
		words[n++] = t->names[i];
	if (chatline_complete(text, tui_edit_cursor(t->ed), words, n, insert, sizeof insert) == 0)
		return;
	(void)tui_edit_insert_bytes(t->ed, insert, strlen(insert));
}

static void page(struct tui *t, bool up)
{
	size_t step = (size_t)(tui_screen_rows(t->scr) > 2 ? tui_screen_rows(t->scr) - 1 : 1);
	bool at_top = false;
	int64_t oldest;

	if (!up) {
		t->up = t->up > step ? t->up - step : 0;
		return;
	}
	t->up += step;
	(void)tui_scroll_layout(t->sc, tui_screen_cols(t->scr), tui_scroll_day(client_now_ms()),
				&t->up, t->rows, (size_t)tui_screen_rows(t->scr), &at_top);
	oldest = tui_scroll_oldest_id(t->sc);
	if (at_top && oldest > 1)
		load_page(t, oldest, false);
}

static void insert(struct tui *t, uint32_t cp)
{
	if (tui_edit_insert(t->ed, cp)) {
		t->full_told = false;
		return;
	}
	if (cp >= 0x20 && !t->full_told) {
		add_fmt(t, TUI_NOTICE, "the line is full: a message is at most %d bytes (the rest "
			"was not taken)", E2E_TEXT_MAX);
		t->full_told = true;
	}
}

static enum tui_key key_of(int code, bool *known)
{
	*known = true;
	switch (code) {
	case KEY_LEFT: return TUI_KEY_LEFT;
	case KEY_RIGHT: return TUI_KEY_RIGHT;
	case KEY_HOME: return TUI_KEY_HOME;
	case KEY_END: return TUI_KEY_END;
	case KEY_UP: return TUI_KEY_UP;
	case KEY_DOWN: return TUI_KEY_DOWN;
	case KEY_BACKSPACE: return TUI_KEY_BACKSPACE;
	case KEY_DC: return TUI_KEY_DELETE;
	default: *known = false; return TUI_KEY_LEFT;
	}
}

/* A control character typed: an editing key, never text. */
static enum status control(struct tui *t, uint32_t cp, bool *acted)
{
	static const struct { uint32_t cp; enum tui_key key; } keys[] = {
		{1, TUI_KEY_HOME}, {2, TUI_KEY_LEFT}, {5, TUI_KEY_END}, {6, TUI_KEY_RIGHT},
		{8, TUI_KEY_BACKSPACE}, {11, TUI_KEY_KILL_END}, {14, TUI_KEY_DOWN},
		{16, TUI_KEY_UP}, {21, TUI_KEY_KILL_START}, {23, TUI_KEY_KILL_WORD},
		{25, TUI_KEY_YANK}, {127, TUI_KEY_BACKSPACE}};
	size_t len;
	bool empty = tui_edit_text(t->ed, &len) && len == 0;

	if (cp == '\r' || cp == '\n')
		return enter(t, acted);
	if (cp == 3) /* Ctrl-C */
		t->quit = true;
	else if (cp == 4 && empty) /* Ctrl-D */
		t->quit = true;
	else if (cp == 4)
		tui_edit_key(t->ed, TUI_KEY_DELETE);
	else if (cp == '\t')
		complete(t);
	else if (cp == 12)
		tui_screen_clear(t->scr);
	else if (cp == 27)
		t->esc = true;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (keys[i].cp == cp)
			tui_edit_key(t->ed, keys[i].key);
	return ST_OK;
}

static enum status one_key(struct tui *t, enum tui_input in, uint32_t cp, bool *acted)
{
	bool known = false, esc = t->esc;
	enum tui_key key = in == TUI_IN_KEY ? key_of((int)cp, &known) : TUI_KEY_LEFT;

	t->esc = false;
	if (in == TUI_IN_KEY && (cp == KEY_PPAGE || cp == KEY_NPAGE))
		page(t, cp == KEY_PPAGE);
	else if (in == TUI_IN_KEY && cp == KEY_ENTER)
		return enter(t, acted);
	else if (in == TUI_IN_KEY && known)
		tui_edit_key(t->ed, key);
	else if (in == TUI_IN_CHAR && esc && (cp == 'b' || cp == 'f')) /* Alt-b, Alt-f */
		tui_edit_key(t->ed, cp == 'b' ? TUI_KEY_WORD_LEFT : TUI_KEY_WORD_RIGHT);
	else if (in == TUI_IN_CHAR && (cp < 0x20 || cp == 0x7F))
		return control(t, cp, acted);
	else if (in == TUI_IN_CHAR)
		insert(t, cp);
	return ST_OK;
}

/* Every key waiting (a paste is many). */
static enum status read_keys(struct tui *t, bool *acted)
{
	enum status st = ST_OK;
	uint32_t cp = 0;
	enum tui_input in = tui_screen_key(t->scr, &cp);

	while (st == ST_OK && !t->quit && in != TUI_IN_NONE) {
		st = one_key(t, in, cp, acted);
		in = tui_screen_key(t->scr, &cp);
	}
	return st;
}

/* ---- the loop ---- */

static void draw(struct tui *t)
{
	char status[512];
	struct tui_status s = {status, t->security || t->removed};
	size_t n = 0, len, start;
	bool at_top;
	int col;
	const char *text = tui_edit_text(t->ed, &len);

	if (!tui_screen_too_small(t->scr))
		n = tui_scroll_layout(t->sc, tui_screen_cols(t->scr), tui_scroll_day(client_now_ms()),
				      &t->up, t->rows, (size_t)tui_screen_rows(t->scr), &at_top);
	status_text(t, status, sizeof status);
	tui_edit_view(t->ed, tui_screen_cols(t->scr) - 3, &start, &col);
	tui_screen_draw(t->scr, t->rows, n, &s, text + start, len - start, col);
}

static enum status step(struct tui *t)
{
	bool admitted = false, was = t->admitted;
	enum status st = session_step(t->session, &admitted);

	t->last_step_ms = client_now_ms();
	if (st == ST_NOT_MEMBER) {
		t->removed = true;
		add_fmt(t, TUI_SECURITY, "you are not a member of %s any more (removed, or the room "
			"is gone); /quit or Ctrl-D leaves the chat", t->room);
		return ST_OK;
	}
	if (st != ST_OK)
		return st;
	t->admitted = t->admitted || admitted;
	if (!was && t->admitted) {
		add_fmt(t, TUI_NOTICE, "You are in %s as %s. /help lists the commands.", t->room,
			t->c->name);
		tui_scroll_mark_unread(t->sc, t->seen_at_open);
		t->live = true;
	} else if (!t->admitted && t->c->no_wait) {
		return client_fail(t->c, ST_PENDING, "not admitted to room %s yet", t->room);
	}
	(void)session_with_room(t->session, read_state, NULL, t);
	drain_capture(t);
	return ST_OK;
}

static bool readable(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP));
}

/* The terminal went away (its window closed): nothing more will come. */
static bool hung_up(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static enum status loop(struct tui *t)
{
	const int fds[4] = {t->sigfd, t->winchfd, STDIN_FILENO, t->capfd};
	struct signalfd_siginfo si;
	bool woken, acted;
	enum status st = step(t);

	if (st == ST_OK && !t->admitted)
		add_fmt(t, TUI_NOTICE, "Waiting for an admin of %s to admit you (the room creator "
			"or another admin: their e2e-chat must be running)...", t->room);
	while (st == ST_OK && !t->quit) {
		draw(t);
		session_wait(t->session, t->admitted && !t->removed, fds, 4, &woken);
		acted = false;
		if (readable(t->sigfd))
			break;
		if (readable(t->winchfd) && read(t->winchfd, &si, sizeof si) > 0) {
			tui_screen_resize(t->scr);
			t->too_small = tui_screen_too_small(t->scr);
			t->quit = t->quit || t->too_small;
		}
		if (hung_up(STDIN_FILENO))
			t->quit = true;
		else if (readable(STDIN_FILENO))
			st = read_keys(t, &acted);
		drain_capture(t);
		while (waitpid(-1, NULL, WNOHANG) > 0) /* notify-send's */
			;
		if (st != ST_OK || t->quit || t->removed)
			continue;
		if (!woken || acted || session_has_news(t->session) ||
		    client_now_ms() - t->last_step_ms >= TUI_STEP_EVERY_MS)
			st = step(t);
	}
	return st;
}

/* A UTF-8 locale for the terminal's characters, if the user's is not. */
static void utf8_locale(void)
{
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	if (!cs || strcmp(cs, "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

bool tui_chat_possible(void)
{
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && tui_screen_possible(STDOUT_FILENO);
}

static void tui_close(struct tui *t)
{
	tui_screen_close(t->scr);
	capture_stop(t);
	session_close(t->session);
	if (t->winchfd >= 0)
		close(t->winchfd);
	tui_scroll_free(t->sc);
	tui_edit_free(t->ed);
	free(t->rows);
	sodium_memzero(t, sizeof *t);
	free(t);
}

enum status tui_chat_run(struct client *c, const char *room, int sigfd,
			 const struct tui_chat_options *opt, bool *too_small)
{
	struct tui *t = calloc(1, sizeof *t);
	struct session_front front = {on_message, on_event, on_notice, on_creator, t};
	struct session_options so = {.show = true, .interval_ms = c->interval_ms};
	sigset_t winch;
	enum status st;

	*too_small = false;
	if (!t)
		return client_fail(c, ST_ERROR, "out of memory");
	*t = (struct tui){.c = c, .room = room, .opt = *opt, .sigfd = sigfd, .winchfd = -1,
			  .capfd = -1, .saved_out = -1, .saved_err = -1};
	snprintf(t->history_path, sizeof t->history_path, "%s/chat-history", c->home);
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	utf8_locale();
	t->sc = tui_scroll_new();
	t->ed = tui_edit_new();
	t->rows = calloc(TUI_SCREEN_ROWS_MAX, sizeof *t->rows);
	if (!t->sc || !t->ed || !t->rows) {
		st = client_fail(c, ST_ERROR, "out of memory");
		goto out;
	}
	if (sigprocmask(SIG_BLOCK, &winch, NULL) != 0 ||
	    (t->winchfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		st = client_fail(c, ST_ERROR, "cannot set up signals: %s", strerror(errno));
		goto out;
	}
	st = session_open(&t->session, c, room, &so, &front);
	if (st != ST_OK)
		goto out;
	history_load(t);
	load_page(t, session_shown_id(t->session) + 1, true);
	if (!capture_start(t) || !(t->scr = tui_screen_open(t->saved_out))) {
		st = client_fail(c, ST_ERROR, "cannot take the terminal's screen");
		goto out;
	}
	st = loop(t);
	*too_small = st == ST_OK && t->too_small;
	if (st == ST_OK && t->removed) /* as the line mode: the chat ended by a removal */
		st = client_fail(c, ST_NOT_MEMBER, "you are not a member of %s any more", room);
out:
	tui_close(t);
	return st;
}
