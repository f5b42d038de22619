/* test_edit.c - the terminal chat's input line (client/tui/edit.c):
 * editing keys, the limit, history, and the part shown in a width. */
#include <locale.h>
#include <string.h>

#include "check.h"
#include "edit.h"
#include "proto.h"

static void type(struct tui_edit *e, const char *s)
{
	for (; *s; s++)
		tui_edit_insert(e, (unsigned char)*s);
}

static bool is(const struct tui_edit *e, const char *want)
{
	size_t len;
	const char *text = tui_edit_text(e, &len);

	return len == strlen(want) && memcmp(text, want, len) == 0;
}

static void test_keys(void)
{
	struct tui_edit *e = tui_edit_new();
	char out[E2E_TEXT_MAX + 1];

	type(e, "abcdef");
	tui_edit_key(e, TUI_KEY_LEFT);
	tui_edit_key(e, TUI_KEY_LEFT);
	type(e, "X");
	CHECK(is(e, "abcdXef") && tui_edit_cursor(e) == 5);
	tui_edit_key(e, TUI_KEY_HOME);
	tui_edit_key(e, TUI_KEY_DELETE);
	CHECK(is(e, "bcdXef") && tui_edit_cursor(e) == 0);
	tui_edit_key(e, TUI_KEY_END);
	tui_edit_key(e, TUI_KEY_BACKSPACE);
	CHECK(is(e, "bcdXe"));
	CHECK(!tui_edit_insert(e, 0x1b) && !tui_edit_insert(e, 0x0c) && !tui_edit_insert(e, 0x85));
	CHECK(is(e, "bcdXe"));
	tui_edit_key(e, TUI_KEY_HOME);
	tui_edit_key(e, TUI_KEY_RIGHT);
	tui_edit_key(e, TUI_KEY_KILL_END);
	CHECK(is(e, "b"));
	tui_edit_key(e, TUI_KEY_YANK);
	CHECK(is(e, "bcdXe"));
	tui_edit_key(e, TUI_KEY_KILL_START);
	CHECK(is(e, ""));
	type(e, "one two  three");
	tui_edit_key(e, TUI_KEY_KILL_WORD);
	CHECK(is(e, "one two  "));
	tui_edit_key(e, TUI_KEY_WORD_LEFT);
	CHECK(tui_edit_cursor(e) == 4);
	/* UTF-8: the cursor moves over whole characters */
	tui_edit_key(e, TUI_KEY_KILL_START);
	tui_edit_key(e, TUI_KEY_KILL_END);
	CHECK(tui_edit_insert(e, 0xE9) && tui_edit_insert(e, 0x1F600));
	tui_edit_key(e, TUI_KEY_LEFT);
	CHECK(tui_edit_cursor(e) == 2);
	tui_edit_key(e, TUI_KEY_BACKSPACE);
	CHECK(is(e, "\xf0\x9f\x98\x80") && tui_edit_cursor(e) == 0);
	CHECK(tui_edit_take(e, out, sizeof out) == 4 && is(e, ""));
	tui_edit_free(e);
}

static void test_limit(void)
{
	struct tui_edit *e = tui_edit_new();
	size_t taken = 0;

	for (int i = 0; i < 5000; i++)
		taken += tui_edit_insert(e, 'a');
	CHECK(taken == E2E_TEXT_MAX);
	CHECK(!tui_edit_insert_bytes(e, "b", 1));
	tui_edit_key(e, TUI_KEY_BACKSPACE);
	CHECK(!tui_edit_insert(e, 0xE9) && tui_edit_insert(e, 'b'));
	tui_edit_free(e);
}

static void test_history(void)
{
	struct tui_edit *e = tui_edit_new();
	char out[64];

	type(e, "first");
	tui_edit_take(e, out, sizeof out);
	type(e, "second");
	tui_edit_take(e, out, sizeof out);
	type(e, "second");
	tui_edit_take(e, out, sizeof out);
	CHECK(tui_edit_history_count(e) == 2);
	type(e, "draft");
	tui_edit_key(e, TUI_KEY_UP);
	CHECK(is(e, "second"));
	tui_edit_key(e, TUI_KEY_UP);
	CHECK(is(e, "first"));
	tui_edit_key(e, TUI_KEY_UP);
	CHECK(is(e, "first"));
	tui_edit_key(e, TUI_KEY_DOWN);
	tui_edit_key(e, TUI_KEY_DOWN);
	CHECK(is(e, "draft"));
	for (int i = 0; i < TUI_HISTORY_MAX + 10; i++) {
		snprintf(out, sizeof out, "line %d", i);
		tui_edit_history_add(e, out, strlen(out));
	}
	CHECK(tui_edit_history_count(e) == TUI_HISTORY_MAX);
	CHECK(strcmp(tui_edit_history_at(e, 0), "line 10") == 0);
	tui_edit_free(e);
}

static void test_view(void)
{
	struct tui_edit *e = tui_edit_new();
	size_t start;
	int col;

	type(e, "short");
	tui_edit_view(e, 20, &start, &col);
	CHECK(start == 0 && col == 5);
	tui_edit_key(e, TUI_KEY_KILL_START);
	for (int i = 0; i < 100; i++)
		tui_edit_insert(e, 'a' + i % 26);
	tui_edit_view(e, 30, &start, &col);
	CHECK(start == 80 && col == 20); /* the cursor two thirds across */
	tui_edit_key(e, TUI_KEY_HOME);
	tui_edit_view(e, 30, &start, &col);
	CHECK(start == 0 && col == 0);
	/* wide characters count two columns */
	tui_edit_key(e, TUI_KEY_KILL_END);
	CHECK(tui_edit_insert(e, 0x4E2D) && tui_edit_insert(e, 0x6587));
	tui_edit_view(e, 30, &start, &col);
	CHECK(col == 4 && tui_edit_width("\xe4\xb8\xad", 3) == 2);
	tui_edit_free(e);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	test_keys();
	test_limit();
	test_history();
	test_view();
	return check_summary("test_edit");
}
