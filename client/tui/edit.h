/* edit.h - the terminal chat's input line, without a terminal: a UTF-8
 * line of at most E2E_TEXT_MAX bytes with a cursor, the editing keys
 * (emacs-style, as readline's defaults), a kill buffer, and the history
 * that Up and Down walk (the newest TUI_HISTORY_MAX lines, a line equal
 * to the one before it kept once).
 * Invariants: the cursor is always on a character boundary of the line;
 * the line never holds more than E2E_TEXT_MAX bytes (an insert that
 * would pass it is refused whole, and said so: tui_edit_insert). */
#ifndef E2E_TUI_EDIT_H
#define E2E_TUI_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TUI_HISTORY_MAX 500

enum tui_key {
	TUI_KEY_LEFT, TUI_KEY_RIGHT, TUI_KEY_HOME, TUI_KEY_END,
	TUI_KEY_WORD_LEFT, TUI_KEY_WORD_RIGHT,
	TUI_KEY_BACKSPACE, TUI_KEY_DELETE,
	TUI_KEY_KILL_END,   /* Ctrl-K */
	TUI_KEY_KILL_START, /* Ctrl-U */
	TUI_KEY_KILL_WORD,  /* Ctrl-W: the word before the cursor */
	TUI_KEY_YANK,       /* Ctrl-Y: what was killed last */
	TUI_KEY_UP, TUI_KEY_DOWN, /* history */
};

struct tui_edit;

struct tui_edit *tui_edit_new(void);
void tui_edit_free(struct tui_edit *e); /* wipes the line and the history */

void tui_edit_key(struct tui_edit *e, enum tui_key k);
/* Insert one character (a code point); false if the line is full or cp
 * is not one to type (a control character). */
bool tui_edit_insert(struct tui_edit *e, uint32_t cp);
/* Insert bytes (a completion); false if they do not fit. */
bool tui_edit_insert_bytes(struct tui_edit *e, const char *s, size_t n);

const char *tui_edit_text(const struct tui_edit *e, size_t *len);
size_t tui_edit_cursor(const struct tui_edit *e); /* in bytes */

/* The line is done (Enter): copy it out (NUL-terminated, at most
 * out_max - 1 bytes), keep it in the history, and empty the line. */
size_t tui_edit_take(struct tui_edit *e, char *out, size_t out_max);
/* Put a line in the history (as from the history file), newest last. */
void tui_edit_history_add(struct tui_edit *e, const char *line, size_t len);
size_t tui_edit_history_count(const struct tui_edit *e);
const char *tui_edit_history_at(const struct tui_edit *e, size_t i); /* 0: oldest */

/* What to show of the line in `width` columns so the cursor is seen:
 * *start: the first byte to show, *cursor_col: the cursor's column. */
void tui_edit_view(const struct tui_edit *e, int width, size_t *start, int *cursor_col);

/* Display width of the UTF-8 text s[0..n) (an invalid byte counts 1). */
int tui_edit_width(const char *s, size_t n);

#endif
