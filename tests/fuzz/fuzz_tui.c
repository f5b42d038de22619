/* fuzz_tui.c - the terminal chat's handling of untrusted text (issue 13):
 * a member's message laid out at any width (client/tui/scroll.c), and
 * the same bytes as a typed line: cleaned, parsed, completed, typed into
 * the input line (client/chatline.c, client/tui/edit.c). Input: byte 0
 * picks the width (8..263), byte 1 the entry's kind, the rest is the text.
 * Every row must fit the width in bytes and hold no control character. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "chatline.h"
#include "edit.h"
#include "scroll.h"

#define FUZZ_ROWS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rows(const struct tui_row *rows, size_t n, int width)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(rows[i].text);

		if (len > (size_t)width * 4)
			abort();
		for (size_t k = 0; k < len; k++)
			if ((unsigned char)rows[i].text[k] < 0x20 || rows[i].text[k] == 0x7F)
				abort();
	}
}

static void typed(const char *text, size_t len)
{
	static const char *const words[] = {"/kick", "/list", "carol", "caroline"};
	char *line = malloc(len + 1), insert[64];
	struct chatline cl;
	struct tui_edit *e = tui_edit_new();
	size_t n;

	if (!line || !e)
		goto out;
	memcpy(line, text, len);
	n = chatline_clean(line, len);
	chatline_parse(line, n, &cl);
	if (cl.kind == CHATLINE_COMMAND && cl.arg && cl.arg + cl.arg_len > line + n)
		abort();
	(void)chatline_complete(line, n, words, 4, insert, sizeof insert);
	(void)chatline_mentions(text, len, "bob");
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)text[i] < 14)
			tui_edit_key(e, (enum tui_key)((unsigned char)text[i]));
		else
			(void)tui_edit_insert(e, (unsigned char)text[i]);
	}
	if (tui_edit_cursor(e) > (size_t)-1 / 2)
		abort();
out:
	tui_edit_free(e);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tui_row rows[FUZZ_ROWS];
	struct tui_scroll *sc;
	struct tui_entry_in e = {.id = 1, .time_ms = 1795682400000LL, .sender = "eve"};
	size_t up = 0, n;
	int width;
	bool top;

	if (size < 2)
		return 0;
	setlocale(LC_CTYPE, "C.UTF-8");
	width = 8 + data[0];
	e.kind = (enum tui_kind)(data[1] % 5);
	e.text = (const char *)data + 2;
	e.len = size - 2;
	sc = tui_scroll_new();
	if (!sc || !tui_scroll_add(sc, &e) || !tui_scroll_add(sc, &e)) {
		tui_scroll_free(sc);
		return 0;
	}
	tui_scroll_mark_unread(sc, 0);
	n = tui_scroll_layout(sc, width, 20261127, &up, rows, FUZZ_ROWS, &top);
	check_rows(rows, n, width);
	up = 7;
	n = tui_scroll_layout(sc, width, 20261127, &up, rows, 5, &top);
	check_rows(rows, n, width);
	tui_scroll_free(sc);
	typed(e.text, e.len);
	return 0;
}
