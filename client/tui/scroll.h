/* scroll.h - the terminal chat's scrollback, without a terminal: what was
 * said and told (messages, membership events, notices, security
 * warnings), and its layout as screen rows for a given width.
 *
 * Layout: a message is "[HH:MM] name: text"; a text longer than the
 * width wraps (at a space where the row has one) and every further row,
 * and every line of a multi-line text, is indented under the text's
 * start. Events, notices and security warnings carry a prefix no message
 * can have ("[HH:MM] * ", "[HH:MM] - ", "[HH:MM] !! ": a member's name
 * starts with a letter or digit, names.h), so none is mistaken for a
 * message where the terminal has no colour. A date row comes before the first
 * entry of each day (and before the oldest entry unless it is of
 * `today`); an unread row before the first message from others that was
 * not seen when the chat opened. Untrusted text is shown safely: control
 * characters and invalid UTF-8 become '?', a tab a space.
 * Invariants: at most TUI_SCROLL_MAX entries (the oldest are dropped
 * when live entries arrive beyond it, and older pages are refused);
 * entries are kept in the store's order (older pages go in front). */
#ifndef E2E_TUI_SCROLL_H
#define E2E_TUI_SCROLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TUI_SCROLL_MAX 20000
#define TUI_WIDTH_MAX 512               /* wider terminals are laid out at this */
#define TUI_ROW_BYTES (TUI_WIDTH_MAX * 4 + 1)

enum tui_kind {
	TUI_MESSAGE,  /* from another member */
	TUI_MINE,     /* from this member */
	TUI_EVENT,    /* membership: joined, removed, left, new epoch */
	TUI_NOTICE,   /* what the client says (command output, connection) */
	TUI_SECURITY, /* a SECURITY: warning */
};

enum tui_style {
	TUI_STYLE_MESSAGE, TUI_STYLE_MINE, TUI_STYLE_MENTION, TUI_STYLE_EVENT,
	TUI_STYLE_NOTICE, TUI_STYLE_SECURITY, TUI_STYLE_DATE, TUI_STYLE_UNREAD,
};

struct tui_entry_in {
	enum tui_kind kind;
	int64_t id;       /* the store's local order; 0: not from the store */
	int64_t time_ms;
	const char *sender; /* TUI_MESSAGE, TUI_MINE */
	const char *text;
	size_t len;
	bool mention;      /* names the user */
	bool keys_changed; /* shown as a warning beside the name */
};

struct tui_row {
	enum tui_style style;
	char text[TUI_ROW_BYTES]; /* safe UTF-8, at most `width` columns */
};

struct tui_scroll;

struct tui_scroll *tui_scroll_new(void);
void tui_scroll_free(struct tui_scroll *sc);

/* Add at the end (live), or in front (an older page, oldest first:
 * call for each, newest last, between begin/end). False: out of memory
 * or (in front) full. */
bool tui_scroll_add(struct tui_scroll *sc, const struct tui_entry_in *e);
void tui_scroll_front_begin(struct tui_scroll *sc);
bool tui_scroll_front_add(struct tui_scroll *sc, const struct tui_entry_in *e);
void tui_scroll_front_end(struct tui_scroll *sc);

size_t tui_scroll_count(const struct tui_scroll *sc);
/* The oldest entry's store id (0: none or not from the store). */
int64_t tui_scroll_oldest_id(const struct tui_scroll *sc);

/* Put the unread row before the first message from others with a store
 * id above `seen` (none if there is none). */
void tui_scroll_mark_unread(struct tui_scroll *sc, int64_t seen);

/* Lay out the rows that end *up rows above the newest, at most n_rows,
 * into rows[] top to bottom; returns how many (fewer when the scrollback
 * is shorter: rows then start at rows[0]). Past the top, *up is lowered
 * to the oldest full screen. *at_top: the oldest row is shown. `today`:
 * a day number (tui_scroll_day). */
size_t tui_scroll_layout(const struct tui_scroll *sc, int width, int today, size_t *up,
			 struct tui_row *rows, size_t n_rows, bool *at_top);

/* The local day of a time in ms, as yyyymmdd. */
int tui_scroll_day(int64_t time_ms);

#endif
