/* screen.c - the terminal chat's drawing and keys on ncursesw (screen.h). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <unistd.h>

#include "edit.h"
#include "screen.h"

struct tui_screen {
	SCREEN *scr;
	FILE *out;
	int rows, cols;
	bool colour;
};

enum { PAIR_MINE = 1, PAIR_MENTION, PAIR_EVENT, PAIR_NOTICE, PAIR_SECURITY, PAIR_DATE,
       PAIR_UNREAD, PAIR_STATUS, PAIR_ALERT };

static bool window_size(int fd, int *rows, int *cols)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return false;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return true;
}

bool tui_screen_possible(int tty_fd)
{
	const char *term = getenv("TERM");
	int err = 0, rows, cols;

	if (!term || !*term || strcmp(term, "dumb") == 0 ||
	    setupterm(NULL, tty_fd, &err) != OK)
		return false;
	/* cursor addressing, or there is no full screen to have */
	if (!tigetstr("cup") || tigetstr("cup") == (char *)-1) {
		del_curterm(cur_term);
		return false;
	}
	del_curterm(cur_term);
	return window_size(tty_fd, &rows, &cols) && rows >= TUI_SCREEN_MIN_ROWS &&
	       cols >= TUI_SCREEN_MIN_COLS;
}

static void colours(struct tui_screen *s)
{
	s->colour = has_colors() && start_color() == OK;
	if (!s->colour)
		return;
	use_default_colors();
	init_pair(PAIR_MINE, COLOR_CYAN, -1);
	init_pair(PAIR_MENTION, COLOR_YELLOW, -1);
	init_pair(PAIR_EVENT, COLOR_GREEN, -1);
	init_pair(PAIR_NOTICE, COLOR_BLUE, -1);
	init_pair(PAIR_SECURITY, COLOR_WHITE, COLOR_RED);
	init_pair(PAIR_DATE, COLOR_MAGENTA, -1);
	init_pair(PAIR_UNREAD, COLOR_RED, -1);
	init_pair(PAIR_STATUS, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_ALERT, COLOR_WHITE, COLOR_RED);
}

struct tui_screen *tui_screen_open(int tty_fd)
{
	struct tui_screen *s = calloc(1, sizeof *s);
	int fd = dup(tty_fd);

	if (!s || fd < 0 || !(s->out = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		free(s);
		return NULL;
	}
	s->scr = newterm(NULL, s->out, stdin);
	if (!s->scr) {
		fclose(s->out);
		free(s);
		return NULL;
	}
	set_term(s->scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	colours(s);
	tui_screen_resize(s);
	return s;
}

void tui_screen_close(struct tui_screen *s)
{
	if (!s)
		return;
	endwin();
	delscreen(s->scr);
	fclose(s->out);
	free(s);
}

void tui_screen_resize(struct tui_screen *s)
{
	int rows = LINES, cols = COLS;

	if (window_size(fileno(s->out), &rows, &cols))
		resizeterm(rows, cols);
	s->rows = LINES;
	s->cols = COLS;
	clearok(curscr, TRUE);
}

int tui_screen_rows(const struct tui_screen *s)
{
	int n = s->rows - 2;

	return n < 0 ? 0 : n > TUI_SCREEN_ROWS_MAX ? TUI_SCREEN_ROWS_MAX : n;
}

int tui_screen_cols(const struct tui_screen *s)
{
	return s->cols;
}

bool tui_screen_too_small(const struct tui_screen *s)
{
	return s->rows < TUI_SCREEN_MIN_ROWS || s->cols < TUI_SCREEN_MIN_COLS;
}

static attr_t style_attr(const struct tui_screen *s, enum tui_style st)
{
	static const short pairs[] = {
		[TUI_STYLE_MESSAGE] = 0, [TUI_STYLE_MINE] = PAIR_MINE,
		[TUI_STYLE_MENTION] = PAIR_MENTION, [TUI_STYLE_EVENT] = PAIR_EVENT,
		[TUI_STYLE_NOTICE] = PAIR_NOTICE, [TUI_STYLE_SECURITY] = PAIR_SECURITY,
		[TUI_STYLE_DATE] = PAIR_DATE, [TUI_STYLE_UNREAD] = PAIR_UNREAD};
	attr_t a = st == TUI_STYLE_SECURITY || st == TUI_STYLE_MENTION || st == TUI_STYLE_UNREAD
		? A_BOLD : A_NORMAL;

	if (s->colour && pairs[st])
		a |= COLOR_PAIR(pairs[st]);
	else if (st == TUI_STYLE_EVENT || st == TUI_STYLE_NOTICE || st == TUI_STYLE_DATE)
		a |= A_DIM;
	return a;
}

/* How many bytes of s[0..len) fit in `cols` columns. */
static size_t fit(const char *s, size_t len, int cols)
{
	size_t n = 0, next;

	while (n < len) {
		next = n + 1;
		while (next < len && ((unsigned char)s[next] & 0xC0) == 0x80)
			next++;
		if (tui_edit_width(s, next) > cols)
			break;
		n = next;
	}
	return n;
}

static void draw_status(struct tui_screen *s, int y, const struct tui_status *status)
{
	attr_t a = A_REVERSE;

	if (s->colour)
		a = COLOR_PAIR(status->alert ? PAIR_ALERT : PAIR_STATUS) | (status->alert ? A_BOLD : 0);
	else if (status->alert)
		a |= A_BOLD;
	attrset(a);
	move(y, 0);
	for (int x = 0; x < s->cols; x++)
		addch(' ');
	mvaddnstr(y, 0, status->text, (int)fit(status->text, strlen(status->text), s->cols));
	attrset(A_NORMAL);
}

void tui_screen_draw(struct tui_screen *s, const struct tui_row *rows, size_t n,
		     const struct tui_status *status, const char *input, size_t len,
		     int cursor_col)
{
	int area = tui_screen_rows(s), top = area - (int)n;
	size_t shown;

	erase();
	if (tui_screen_too_small(s)) {
		mvaddnstr(0, 0, "terminal too small", s->cols);
		refresh();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		attrset(style_attr(s, rows[i].style));
		mvaddstr(top + (int)i, 0, rows[i].text);
	}
	attrset(A_NORMAL);
	draw_status(s, s->rows - 2, status);
	mvaddstr(s->rows - 1, 0, "> ");
	shown = fit(input, len, s->cols - 3);
	addnstr(input, (int)shown);
	move(s->rows - 1, 2 + cursor_col);
	refresh();
}

void tui_screen_clear(struct tui_screen *s)
{
	clearok(curscr, TRUE);
}

void tui_screen_bell(struct tui_screen *s)
{
	beep();
}

enum tui_input tui_screen_key(struct tui_screen *s, uint32_t *cp)
{
	wint_t wc = 0;
	int got = get_wch(&wc);

	*cp = (uint32_t)wc;
	if (got == KEY_CODE_YES)
		return TUI_IN_KEY;
	return got == OK ? TUI_IN_CHAR : TUI_IN_NONE;
}
