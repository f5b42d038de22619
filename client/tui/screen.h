/* screen.h - the terminal chat's one door to ncurses: the screen opened
 * on the terminal's own descriptor (standard output and error are the
 * chat's to capture, tui/chat.c), drawn whole from what the chat hands
 * over (scrollback rows, the status line, the input line), and keys read
 * without waiting. Nothing else calls curses.
 * Layout, top to bottom: the scrollback (every row but the last two),
 * the status line, the input line. TUI_SCREEN_MIN_ROWS x
 * TUI_SCREEN_MIN_COLS is the least that layout needs. */
#ifndef E2E_TUI_SCREEN_H
#define E2E_TUI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scroll.h"

#define TUI_SCREEN_MIN_ROWS 4
#define TUI_SCREEN_MIN_COLS 20
#define TUI_SCREEN_ROWS_MAX 1000

struct tui_screen;

/* Can the full screen work on this terminal (terminfo for $TERM, not
 * dumb, at least the least size)? */
bool tui_screen_possible(int tty_fd);

/* Open on tty_fd for output and standard input for keys. NULL: failed. */
struct tui_screen *tui_screen_open(int tty_fd);
void tui_screen_close(struct tui_screen *s);

/* The terminal's size changed: take its new size. */
void tui_screen_resize(struct tui_screen *s);
int tui_screen_rows(const struct tui_screen *s); /* of the scrollback */
int tui_screen_cols(const struct tui_screen *s);
/* Too small for the layout: a one-line message is drawn instead. */
bool tui_screen_too_small(const struct tui_screen *s);

struct tui_status {
	const char *text;
	bool alert; /* SECURITY or removed: drawn to stand out */
};

/* Draw everything: n rows of the scrollback (top first), the status
 * line, and the input line's visible part (input[0..len)) with the
 * cursor at column cursor_col of it. */
void tui_screen_draw(struct tui_screen *s, const struct tui_row *rows, size_t n,
		     const struct tui_status *status, const char *input, size_t len,
		     int cursor_col);
/* Redraw from scratch at the next draw (Ctrl-L). */
void tui_screen_clear(struct tui_screen *s);
void tui_screen_bell(struct tui_screen *s);

/* Keys. */
enum tui_input {
	TUI_IN_NONE,  /* nothing waiting */
	TUI_IN_CHAR,  /* *cp: a character or a control code */
	TUI_IN_KEY,   /* *cp: a curses KEY_* code */
};
enum tui_input tui_screen_key(struct tui_screen *s, uint32_t *cp);

#endif
