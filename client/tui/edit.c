/* edit.c - the terminal chat's input line and its history (edit.h). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "edit.h"
#include "proto.h"

struct tui_edit {
	char line[E2E_TEXT_MAX + 1];
	size_t len, cur;
	char kill[E2E_TEXT_MAX + 1];
	size_t kill_len;
	char *hist[TUI_HISTORY_MAX]; /* oldest first */
	size_t n_hist;
	size_t browse;               /* n_hist: not browsing */
	char *saved;                 /* the line typed before browsing began */
};

struct tui_edit *tui_edit_new(void)
{
	struct tui_edit *e = calloc(1, sizeof *e);

	return e;
}

static void wipe_free(char *s)
{
	if (s)
		sodium_memzero(s, strlen(s));
	free(s);
}

void tui_edit_free(struct tui_edit *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_hist; i++)
		wipe_free(e->hist[i]);
	wipe_free(e->saved);
	sodium_memzero(e, sizeof *e);
	free(e);
}

static bool continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

static size_t prev_char(const struct tui_edit *e, size_t at)
{
	while (at > 0 && continuation((unsigned char)e->line[--at]))
		;
	return at;
}

static size_t next_char(const struct tui_edit *e, size_t at)
{
	if (at < e->len)
		at++;
	while (at < e->len && continuation((unsigned char)e->line[at]))
		at++;
	return at;
}

static size_t word_left(const struct tui_edit *e, size_t at)
{
	while (at > 0 && e->line[at - 1] == ' ')
		at--;
	while (at > 0 && e->line[at - 1] != ' ')
		at--;
	return at;
}

static size_t word_right(const struct tui_edit *e, size_t at)
{
	while (at < e->len && e->line[at] == ' ')
		at++;
	while (at < e->len && e->line[at] != ' ')
		at++;
	return at;
}

/* Remove [from, to); `keep`: into the kill buffer. */
static void cut(struct tui_edit *e, size_t from, size_t to, bool keep)
{
	if (to <= from)
		return;
	if (keep) {
		memcpy(e->kill, e->line + from, to - from);
		e->kill_len = to - from;
	}
	memmove(e->line + from, e->line + to, e->len - to);
	e->len -= to - from;
	e->line[e->len] = '\0';
	e->cur = from;
}

static void set_line(struct tui_edit *e, const char *s)
{
	size_t n = strlen(s);

	n = n > E2E_TEXT_MAX ? E2E_TEXT_MAX : n;
	memcpy(e->line, s, n);
	e->len = e->cur = n;
	e->line[n] = '\0';
}

static void history_move(struct tui_edit *e, bool up)
{
	if (up && e->browse == 0)
		return;
	if (!up && e->browse >= e->n_hist)
		return;
	if (e->browse == e->n_hist) {
		wipe_free(e->saved);
		e->saved = strdup(e->line);
	}
	e->browse = up ? e->browse - 1 : e->browse + 1;
	if (e->browse < e->n_hist)
		set_line(e, e->hist[e->browse]);
	else
		set_line(e, e->saved ? e->saved : "");
}

void tui_edit_key(struct tui_edit *e, enum tui_key k)
{
	switch (k) {
	case TUI_KEY_LEFT: e->cur = prev_char(e, e->cur); break;
	case TUI_KEY_RIGHT: e->cur = next_char(e, e->cur); break;
	case TUI_KEY_HOME: e->cur = 0; break;
	case TUI_KEY_END: e->cur = e->len; break;
	case TUI_KEY_WORD_LEFT: e->cur = word_left(e, e->cur); break;
	case TUI_KEY_WORD_RIGHT: e->cur = word_right(e, e->cur); break;
	case TUI_KEY_BACKSPACE: cut(e, prev_char(e, e->cur), e->cur, false); break;
	case TUI_KEY_DELETE: cut(e, e->cur, next_char(e, e->cur), false); break;
	case TUI_KEY_KILL_END: cut(e, e->cur, e->len, true); break;
	case TUI_KEY_KILL_START: cut(e, 0, e->cur, true); break;
	case TUI_KEY_KILL_WORD: cut(e, word_left(e, e->cur), e->cur, true); break;
	case TUI_KEY_YANK: (void)tui_edit_insert_bytes(e, e->kill, e->kill_len); break;
	case TUI_KEY_UP: history_move(e, true); break;
	case TUI_KEY_DOWN: history_move(e, false); break;
	}
}

bool tui_edit_insert_bytes(struct tui_edit *e, const char *s, size_t n)
{
	if (n > E2E_TEXT_MAX - e->len)
		return false;
	memmove(e->line + e->cur + n, e->line + e->cur, e->len - e->cur);
	memcpy(e->line + e->cur, s, n);
	e->len += n;
	e->cur += n;
	e->line[e->len] = '\0';
	return true;
}

bool tui_edit_insert(struct tui_edit *e, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return false;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return tui_edit_insert_bytes(e, b, n);
}

const char *tui_edit_text(const struct tui_edit *e, size_t *len)
{
	*len = e->len;
	return e->line;
}

size_t tui_edit_cursor(const struct tui_edit *e)
{
	return e->cur;
}

void tui_edit_history_add(struct tui_edit *e, const char *line, size_t len)
{
	char *copy;

	if (len == 0 || (e->n_hist > 0 && strlen(e->hist[e->n_hist - 1]) == len &&
			 memcmp(e->hist[e->n_hist - 1], line, len) == 0))
		goto out;
	copy = malloc(len + 1);
	if (!copy)
		goto out;
	memcpy(copy, line, len);
	copy[len] = '\0';
	if (e->n_hist == TUI_HISTORY_MAX) {
		wipe_free(e->hist[0]);
		memmove(e->hist, e->hist + 1, (TUI_HISTORY_MAX - 1) * sizeof e->hist[0]);
		e->n_hist--;
	}
	e->hist[e->n_hist++] = copy;
out:
	e->browse = e->n_hist;
}

size_t tui_edit_history_count(const struct tui_edit *e)
{
	return e->n_hist;
}

const char *tui_edit_history_at(const struct tui_edit *e, size_t i)
{
	return i < e->n_hist ? e->hist[i] : NULL;
}

size_t tui_edit_take(struct tui_edit *e, char *out, size_t out_max)
{
	size_t n = e->len < out_max - 1 ? e->len : out_max - 1;

	memcpy(out, e->line, n);
	out[n] = '\0';
	tui_edit_history_add(e, e->line, e->len);
	sodium_memzero(e->line, e->len);
	e->len = e->cur = 0;
	wipe_free(e->saved);
	e->saved = NULL;
	return n;
}

int tui_edit_width(const char *s, size_t n)
{
	mbstate_t ps;
	size_t i = 0, got;
	wchar_t wc;
	int w = 0, cw;

	memset(&ps, 0, sizeof ps);
	while (i < n) {
		got = mbrtowc(&wc, s + i, n - i, &ps);
		if (got == (size_t)-1 || got == (size_t)-2 || got == 0) {
			memset(&ps, 0, sizeof ps);
			w++;
			i++;
			continue;
		}
		cw = wcwidth(wc);
		w += cw < 0 ? 1 : cw;
		i += got;
	}
	return w;
}

void tui_edit_view(const struct tui_edit *e, int width, size_t *start, int *cursor_col)
{
	size_t s = e->cur, p;
	int w = 0, cw;

	if (width < 2)
		width = 2;
	if (tui_edit_width(e->line, e->cur) < width) {
		*start = 0;
		*cursor_col = tui_edit_width(e->line, e->cur);
		return;
	}
	/* the cursor two thirds across: what was typed last stays seen */
	while (s > 0) {
		p = prev_char(e, s);
		cw = tui_edit_width(e->line + p, s - p);
		if (w + cw > width * 2 / 3)
			break;
		w += cw;
		s = p;
	}
	*start = s;
	*cursor_col = w;
}
