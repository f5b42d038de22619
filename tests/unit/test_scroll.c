/* test_scroll.c - the terminal chat's scrollback (client/tui/scroll.c):
 * rows of messages, wrapping and indentation, multi-line texts, untrusted
 * characters, date rows, the unread row, events' prefixes, scrolling up
 * and older pages put in front. Times are UTC. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "scroll.h"

#define DAY_MS (86400LL * 1000)
/* 2026-11-26 08:40 UTC, and a day later */
#define T1 1795682400000LL
#define T2 (T1 + DAY_MS)

static struct tui_row rows[64];

static void add(struct tui_scroll *sc, enum tui_kind kind, int64_t id, int64_t t,
		const char *sender, const char *text)
{
	struct tui_entry_in e = {.kind = kind, .id = id, .time_ms = t, .sender = sender,
				 .text = text, .len = strlen(text)};

	CHECK(tui_scroll_add(sc, &e));
}

static size_t layout(const struct tui_scroll *sc, int width, size_t up, size_t n, bool *top)
{
	return tui_scroll_layout(sc, width, tui_scroll_day(T2), &up, rows, n, top);
}

static void test_rows(void)
{
	struct tui_scroll *sc = tui_scroll_new();
	bool top;
	size_t n, up;

	add(sc, TUI_MESSAGE, 1, T2, "bob", "hello there");
	n = layout(sc, 40, 0, 10, &top);
	CHECK(n == 1 && top && strcmp(rows[0].text, "[08:40] bob: hello there") == 0);
	CHECK(rows[0].style == TUI_STYLE_MESSAGE);
	/* wrapped at a space, indented under the text */
	add(sc, TUI_MINE, 2, T2, "alice", "one two three four five six");
	n = layout(sc, 30, 0, 10, &top);
	CHECKF(n == 3 && strcmp(rows[1].text, "[08:40] alice: one two three") == 0 &&
	       strcmp(rows[2].text, "               four five six") == 0, "%zu [%s] [%s]", n,
	       rows[1].text, rows[2].text);
	CHECK(rows[1].style == TUI_STYLE_MINE);
	/* lines of a multi-line text, indented; a word longer than a row is cut */
	add(sc, TUI_MESSAGE, 3, T2, "carol", "line1\nline2\nabcdefghijklmnopqrstuvwxyz");
	n = layout(sc, 30, 0, 4, &top);
	CHECKF(n == 4 && !top && strcmp(rows[0].text, "[08:40] carol: line1") == 0 &&
	       strcmp(rows[1].text, "               line2") == 0 &&
	       strcmp(rows[2].text, "               abcdefghijklmno") == 0 &&
	       strcmp(rows[3].text, "               pqrstuvwxyz") == 0, "[%s] [%s] [%s]",
	       rows[0].text, rows[2].text, rows[3].text);
	/* scrolled up two rows: the two rows above come into view */
	n = layout(sc, 30, 2, 4, &top);
	CHECK(n == 4 && strcmp(rows[3].text, "               line2") == 0);
	/* scrolled past the top: the oldest rows, from the top, and the
	 * offset lowered to theirs (7 rows, 4 shown: 3 up) */
	up = 100;
	n = tui_scroll_layout(sc, 30, tui_scroll_day(T2), &up, rows, 4, &top);
	CHECK(n == 4 && top && up == 3 && strcmp(rows[0].text, "[08:40] bob: hello there") == 0);
	tui_scroll_free(sc);
}

static void test_untrusted(void)
{
	struct tui_scroll *sc = tui_scroll_new();
	bool top;

	add(sc, TUI_MESSAGE, 1, T2, "eve", "\x1b[2J\x07tab\there\xc2\x9b\xff\xc3\xa9");
	CHECK(layout(sc, 60, 0, 10, &top) == 1);
	CHECKF(strcmp(rows[0].text, "[08:40] eve: ?[2J?tab here??\xc3\xa9") == 0, "%s", rows[0].text);
	tui_scroll_free(sc);
}

static void test_kinds(void)
{
	struct tui_scroll *sc = tui_scroll_new();
	bool top;

	add(sc, TUI_EVENT, 0, T2, NULL, "carol was removed");
	add(sc, TUI_SECURITY, 0, T2, NULL, "SECURITY: a lie");
	add(sc, TUI_NOTICE, 0, T2, NULL, "queued lines sent");
	CHECK(layout(sc, 60, 0, 10, &top) == 3);
	CHECK(strcmp(rows[0].text, "[08:40] * carol was removed") == 0 &&
	      rows[0].style == TUI_STYLE_EVENT);
	CHECK(strcmp(rows[1].text, "[08:40] !! SECURITY: a lie") == 0 &&
	      rows[1].style == TUI_STYLE_SECURITY);
	CHECK(strcmp(rows[2].text, "[08:40] - queued lines sent") == 0);
	tui_scroll_free(sc);
}

static void test_dates_and_unread(void)
{
	struct tui_scroll *sc = tui_scroll_new();
	bool top;
	size_t n;

	add(sc, TUI_MESSAGE, 5, T1, "bob", "yesterday");
	add(sc, TUI_MINE, 6, T2, "alice", "mine today");
	add(sc, TUI_MESSAGE, 7, T2, "bob", "new");
	add(sc, TUI_MESSAGE, 8, T2, "bob", "newer");
	tui_scroll_mark_unread(sc, 5); /* 6 is mine: the row comes before 7 */
	n = layout(sc, 60, 0, 20, &top);
	CHECKF(n == 7, "%zu", n);
	CHECK(rows[0].style == TUI_STYLE_DATE &&
	      strcmp(rows[0].text, "--- Thursday 26 November 2026 ---") == 0);
	CHECK(strcmp(rows[1].text, "[08:40] bob: yesterday") == 0);
	CHECK(rows[2].style == TUI_STYLE_DATE && strstr(rows[2].text, "Friday 27 November"));
	CHECK(strcmp(rows[3].text, "[08:40] alice: mine today") == 0);
	CHECK(rows[4].style == TUI_STYLE_UNREAD && strcmp(rows[4].text, "--- new messages ---") == 0);
	CHECK(strcmp(rows[5].text, "[08:40] bob: new") == 0);
	/* a narrow terminal: the date and unread rows wrap like any text */
	n = layout(sc, 12, 0, 40, &top);
	for (size_t i = 0; i < n; i++)
		CHECKF(strlen(rows[i].text) <= 12, "row %zu: [%s]", i, rows[i].text);
	tui_scroll_mark_unread(sc, 8);
	CHECK(layout(sc, 60, 0, 20, &top) == 6);
	tui_scroll_free(sc);

	/* all of today: no date row */
	sc = tui_scroll_new();
	add(sc, TUI_MESSAGE, 1, T2, "bob", "hi");
	CHECK(layout(sc, 60, 0, 20, &top) == 1);
	tui_scroll_free(sc);
}

static void test_front(void)
{
	struct tui_scroll *sc = tui_scroll_new();
	struct tui_entry_in e = {.kind = TUI_MESSAGE, .time_ms = T2, .sender = "bob", .len = 1};
	bool top;

	add(sc, TUI_MESSAGE, 10, T2, "bob", "c");
	tui_scroll_front_begin(sc);
	e.id = 8, e.text = "a";
	CHECK(tui_scroll_front_add(sc, &e));
	e.id = 9, e.text = "b";
	CHECK(tui_scroll_front_add(sc, &e));
	tui_scroll_front_end(sc);
	CHECK(tui_scroll_count(sc) == 3 && tui_scroll_oldest_id(sc) == 8);
	CHECK(layout(sc, 60, 0, 20, &top) == 3);
	CHECK(strcmp(rows[0].text, "[08:40] bob: a") == 0 && strcmp(rows[2].text, "[08:40] bob: c") == 0);
	CHECK(!tui_scroll_front_add(sc, &e)); /* only between begin and end */
	/* the cap: live entries push the oldest out */
	for (int i = 0; i < TUI_SCROLL_MAX; i++)
		add(sc, TUI_NOTICE, 0, T2, NULL, "x");
	CHECK(tui_scroll_count(sc) == TUI_SCROLL_MAX && tui_scroll_oldest_id(sc) == 0);
	tui_scroll_front_begin(sc);
	CHECK(!tui_scroll_front_add(sc, &e));
	tui_scroll_front_end(sc);
	tui_scroll_free(sc);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	setlocale(LC_CTYPE, "C.UTF-8");
	test_rows();
	test_untrusted();
	test_kinds();
	test_dates_and_unread();
	test_front();
	return check_summary("test_scroll");
}
