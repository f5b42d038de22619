/* scroll.c - the terminal chat's scrollback model and layout (scroll.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "proto.h"
#include "scroll.h"

struct entry {
	enum tui_kind kind;
	int64_t id;
	int64_t time_ms;
	int day;
	bool mention;
	bool keys_changed;
	bool unread; /* the unread row comes before it */
	char sender[E2E_MEMBER_NAME_MAX + 1];
	size_t len;
	char *text;
};

struct tui_scroll {
	struct entry *e; /* a window [first, first + n) of cap slots */
	size_t first, n, cap;
	/* an older page being put in front: it goes in at front_at */
	size_t front_at;
	bool front_open;
};

struct tui_scroll *tui_scroll_new(void)
{
	return calloc(1, sizeof(struct tui_scroll));
}

void tui_scroll_free(struct tui_scroll *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->n; i++)
		free(sc->e[sc->first + i].text);
	free(sc->e);
	free(sc);
}

int tui_scroll_day(int64_t time_ms)
{
	time_t t = (time_t)(time_ms / 1000);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static bool fill(struct entry *d, const struct tui_entry_in *e)
{
	*d = (struct entry){.kind = e->kind, .id = e->id, .time_ms = e->time_ms,
			    .day = tui_scroll_day(e->time_ms), .mention = e->mention,
			    .keys_changed = e->keys_changed, .len = e->len};
	snprintf(d->sender, sizeof d->sender, "%s", e->sender ? e->sender : "");
	d->text = malloc(e->len + 1);
	if (!d->text)
		return false;
	memcpy(d->text, e->text, e->len);
	d->text[e->len] = '\0';
	return true;
}

/* Room for one more entry at the end: grow, or drop the oldest. */
static bool room_at_end(struct tui_scroll *sc)
{
	struct entry *grown;
	size_t cap;

	if (sc->n == TUI_SCROLL_MAX) {
		free(sc->e[sc->first].text);
		sc->first++;
		sc->n--;
	}
	if (sc->first + sc->n < sc->cap)
		return true;
	if (sc->first > 0) { /* slide down over the dropped ones */
		memmove(sc->e, sc->e + sc->first, sc->n * sizeof *sc->e);
		sc->first = 0;
		return true;
	}
	cap = sc->cap ? sc->cap * 2 : 64;
	grown = realloc(sc->e, cap * sizeof *grown);
	if (!grown)
		return false;
	sc->e = grown;
	sc->cap = cap;
	return true;
}

bool tui_scroll_add(struct tui_scroll *sc, const struct tui_entry_in *e)
{
	if (!room_at_end(sc) || !fill(&sc->e[sc->first + sc->n], e))
		return false;
	sc->n++;
	return true;
}

void tui_scroll_front_begin(struct tui_scroll *sc)
{
	sc->front_open = true;
	sc->front_at = 0;
}

bool tui_scroll_front_add(struct tui_scroll *sc, const struct tui_entry_in *e)
{
	struct entry *slot;

	if (!sc->front_open || sc->n == TUI_SCROLL_MAX || !room_at_end(sc))
		return false;
	slot = &sc->e[sc->first + sc->front_at];
	memmove(slot + 1, slot, (sc->n - sc->front_at) * sizeof *slot);
	if (!fill(slot, e)) {
		memmove(slot, slot + 1, (sc->n - sc->front_at) * sizeof *slot);
		return false;
	}
	sc->n++;
	sc->front_at++;
	return true;
}

void tui_scroll_front_end(struct tui_scroll *sc)
{
	sc->front_open = false;
}

size_t tui_scroll_count(const struct tui_scroll *sc)
{
	return sc->n;
}

int64_t tui_scroll_oldest_id(const struct tui_scroll *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		if (sc->e[sc->first + i].id > 0)
			return sc->e[sc->first + i].id;
	return 0;
}

void tui_scroll_mark_unread(struct tui_scroll *sc, int64_t seen)
{
	bool marked = false;

	for (size_t i = 0; i < sc->n; i++) {
		struct entry *x = &sc->e[sc->first + i];

		x->unread = !marked && x->kind == TUI_MESSAGE && x->id > seen;
		marked = marked || x->unread;
	}
}

/* ---- layout ---- */

/* Rows of one entry go to `put` one by one; index: the row's number in
 * the entry. */
struct rowsink {
	void (*put)(struct rowsink *k, size_t index, enum tui_style style, const char *text);
	size_t count;
	/* the emitting pass: where the entry's rows go */
	struct tui_row *rows;
	size_t n_rows;
	size_t entry_bottom; /* rows below the entry (from the newest) */
	size_t entry_rows;
	size_t up;
};

static void count_row(struct rowsink *k, size_t index, enum tui_style style, const char *text)
{
	k->count++;
}

static void place_row(struct rowsink *k, size_t index, enum tui_style style, const char *text)
{
	size_t from_bottom = k->entry_bottom + (k->entry_rows - 1 - index);
	struct tui_row *r;

	k->count++;
	if (from_bottom < k->up || from_bottom >= k->up + k->n_rows)
		return;
	r = &k->rows[k->n_rows - 1 - (from_bottom - k->up)];
	r->style = style;
	snprintf(r->text, sizeof r->text, "%s", text);
}

struct rowbuild {
	struct rowsink *sink;
	enum tui_style style;
	int width, indent, cols;
	size_t bytes;
	size_t space_byte; /* the last space after the indent (0: none) */
	int space_col;
	char text[TUI_ROW_BYTES];
};

static void row_start(struct rowbuild *b)
{
	memset(b->text, ' ', (size_t)b->indent);
	b->bytes = (size_t)b->indent;
	b->cols = b->indent;
	b->space_byte = 0;
	b->text[b->bytes] = '\0';
}

static void row_emit(struct rowbuild *b)
{
	b->text[b->bytes] = '\0';
	b->sink->put(b->sink, b->sink->count, b->style, b->text);
	row_start(b);
}

/* Decode one UTF-8 character of untrusted text: its length, *cp; an
 * invalid sequence is one byte and cp 0xFFFD. */
static size_t utf8_next(const unsigned char *p, size_t len, uint32_t *cp)
{
	size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
		 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
	uint32_t v = n == 1 ? p[0] : n == 2 ? p[0] & 0x1Fu : n == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;

	*cp = 0xFFFD;
	if (n == 0 || n > len)
		return 1;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 1;
		v = v << 6 | (p[i] & 0x3Fu);
	}
	if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
	    v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 1;
	*cp = v;
	return n;
}

static void row_put(struct rowbuild *b, const char *bytes, size_t n, int w)
{
	char rest[TUI_ROW_BYTES];
	size_t rest_len;
	int rest_cols;

	if (b->cols + w > b->width && b->cols > b->indent) {
		if (b->space_byte > 0 && bytes[0] != ' ') {
			rest_len = b->bytes - b->space_byte - 1;
			rest_cols = b->cols - b->space_col - 1;
			memcpy(rest, b->text + b->space_byte + 1, rest_len);
			b->bytes = b->space_byte;
			row_emit(b);
			memcpy(b->text + b->bytes, rest, rest_len);
			b->bytes += rest_len;
			b->cols += rest_cols;
		} else {
			row_emit(b);
			if (bytes[0] == ' ')
				return; /* a row does not start with the space it broke at */
		}
	}
	if (bytes[0] == ' ' && b->cols > b->indent) {
		b->space_byte = b->bytes;
		b->space_col = b->cols;
	}
	memcpy(b->text + b->bytes, bytes, n);
	b->bytes += n;
	b->cols += w;
}

/* Append untrusted text, safely; '\n' starts an indented row when
 * `lines` (a message's text), else shows as '?'. */
static void row_text(struct rowbuild *b, const char *s, size_t len, bool lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;
	int w;

	while (i < len) {
		n = utf8_next(p + i, len - i, &cp);
		if (cp == '\n' && lines) {
			row_emit(b);
		} else if (cp == '\t') {
			row_put(b, " ", 1, 1);
		} else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFD ||
			   (w = wcwidth((wchar_t)cp)) < 0 || w > 2) {
			row_put(b, "?", 1, 1);
		} else {
			row_put(b, s + i, n, w);
		}
		i += n;
	}
}

static enum tui_style entry_style(const struct entry *x)
{
	switch (x->kind) {
	case TUI_MESSAGE: return x->mention ? TUI_STYLE_MENTION : TUI_STYLE_MESSAGE;
	case TUI_MINE: return TUI_STYLE_MINE;
	case TUI_EVENT: return TUI_STYLE_EVENT;
	case TUI_NOTICE: return TUI_STYLE_NOTICE;
	case TUI_SECURITY: return TUI_STYLE_SECURITY;
	}
	return TUI_STYLE_NOTICE;
}

/* A row of the scrollback's own (a date, the unread mark), wrapped to the
 * width like any text (a long month name on a narrow terminal). */
static void own_rows(struct rowsink *k, struct rowbuild *b, int width, enum tui_style style,
		     const char *text)
{
	*b = (struct rowbuild){.sink = k, .style = style, .width = width};
	row_start(b);
	row_text(b, text, strlen(text), false);
	if (b->cols > 0)
		row_emit(b);
}

static void entry_rows(const struct tui_scroll *sc, size_t i, int width, int today,
		       struct rowsink *k, struct rowbuild *b)
{
	const struct entry *x = &sc->e[sc->first + i];
	const struct entry *prev = i > 0 ? &sc->e[sc->first + i - 1] : NULL;
	time_t t = (time_t)(x->time_ms / 1000);
	struct tm tm;
	char line[128] = "?", when[8] = "??:??";
	size_t before;
	static const char *const marks[] = {
		[TUI_EVENT] = "* ", [TUI_NOTICE] = "- ", [TUI_SECURITY] = "!! "};

	k->count = 0;
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	else
		strftime(when, sizeof when, "%H:%M", &tm);
	if (prev ? prev->day != x->day : x->day != today) {
		strftime(line, sizeof line, "--- %A %d %B %Y ---", &tm);
		own_rows(k, b, width, TUI_STYLE_DATE, line);
	}
	if (x->unread)
		own_rows(k, b, width, TUI_STYLE_UNREAD, "--- new messages ---");
	*b = (struct rowbuild){.sink = k, .style = entry_style(x), .width = width};
	row_start(b);
	row_text(b, "[", 1, false);
	row_text(b, when, strlen(when), false);
	row_text(b, "] ", 2, false);
	if (x->kind == TUI_MESSAGE || x->kind == TUI_MINE) {
		row_text(b, x->sender, strlen(x->sender), false);
		if (x->keys_changed)
			row_text(b, " [UNVERIFIED: keys changed]", 27, false);
		row_text(b, ": ", 2, false);
	} else {
		row_text(b, marks[x->kind], strlen(marks[x->kind]), false);
	}
	b->indent = b->cols < width / 2 ? b->cols : width / 2;
	b->space_byte = 0;
	before = k->count;
	row_text(b, x->text, x->len, true);
	if (b->cols > b->indent || k->count == before)
		row_emit(b);
}

size_t tui_scroll_layout(const struct tui_scroll *sc, int width, int today, size_t *up_io,
			 struct tui_row *rows, size_t n_rows, bool *at_top)
{
	struct rowsink k = {.put = count_row};
	struct rowbuild *b = malloc(sizeof *b);
	size_t up = *up_io, below = 0, shown, i, counts_to = up + n_rows;

	*at_top = true;
	if (!b || n_rows == 0) {
		free(b);
		return 0;
	}
	width = width > TUI_WIDTH_MAX ? TUI_WIDTH_MAX : width < 8 ? 8 : width;
	/* counting pass: how far up the scrollback reaches (clamps `up`) */
	for (i = sc->n; i > 0 && below < counts_to; i--) {
		entry_rows(sc, i - 1, width, today, &k, b);
		below += k.count;
	}
	*at_top = i == 0 && below <= counts_to;
	if (*at_top)
		up = below > n_rows ? below - n_rows : 0;
	*up_io = up;
	k = (struct rowsink){.put = place_row, .rows = rows, .n_rows = n_rows, .up = up};
	for (i = sc->n; i > 0 && k.entry_bottom < up + n_rows; i--) {
		struct rowsink c = {.put = count_row};

		entry_rows(sc, i - 1, width, today, &c, b);
		k.entry_rows = c.count;
		if (k.entry_bottom + c.count > up)
			entry_rows(sc, i - 1, width, today, &k, b);
		k.entry_bottom += c.count;
	}
	shown = k.entry_bottom > up ? k.entry_bottom - up : 0;
	shown = shown < n_rows ? shown : n_rows;
	if (shown < n_rows)
		memmove(rows, rows + (n_rows - shown), shown * sizeof *rows);
	free(b);
	return shown;
}
