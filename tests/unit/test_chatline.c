/* test_chatline.c - typed chat lines (client/chatline.c): control
 * characters dropped, commands with extra spaces, "//", completion of
 * names and /commands, and whether a text names the user. */
#include <string.h>

#include "chatline.h"
#include "check.h"

static struct chatline parse(char *buf, const char *typed)
{
	struct chatline cl;
	size_t len;

	strcpy(buf, typed);
	len = chatline_clean(buf, strlen(buf));
	chatline_parse(buf, len, &cl);
	return cl;
}

static bool arg_is(const struct chatline *cl, const char *want)
{
	return cl->arg && cl->arg_len == strlen(want) && memcmp(cl->arg, want, cl->arg_len) == 0;
}

static void test_parse(void)
{
	char buf[128];
	struct chatline cl;

	cl = parse(buf, "\x0c/kick carol"); /* a stray Ctrl-L */
	CHECK(cl.kind == CHATLINE_COMMAND && strcmp(cl.name, "/kick") == 0 && arg_is(&cl, "carol"));
	cl = parse(buf, "/verify ivy ");
	CHECK(cl.kind == CHATLINE_COMMAND && strcmp(cl.name, "/verify") == 0 && arg_is(&cl, "ivy") &&
	      cl.arg_one_word);
	cl = parse(buf, "  /verify   ivy   ");
	CHECK(cl.kind == CHATLINE_COMMAND && strcmp(cl.name, "/verify") == 0 && arg_is(&cl, "ivy"));
	cl = parse(buf, "/verify ivy bob");
	CHECK(arg_is(&cl, "ivy bob") && !cl.arg_one_word);
	cl = parse(buf, "/list  ");
	CHECK(cl.kind == CHATLINE_COMMAND && strcmp(cl.name, "/list") == 0 && cl.arg == NULL);
	cl = parse(buf, "/nosuchcommandatallreally x");
	CHECK(cl.kind == CHATLINE_COMMAND && strlen(cl.name) == CHATLINE_NAME_MAX);
	cl = parse(buf, "//etc/passwd is a path");
	CHECK(cl.kind == CHATLINE_TEXT && cl.len == 21 && memcmp(cl.text, "/etc/passwd is a path", 21) == 0);
	cl = parse(buf, "  hello  ");
	CHECK(cl.kind == CHATLINE_TEXT && cl.len == 9); /* a text is sent as typed */
	cl = parse(buf, "   ");
	CHECK(cl.kind == CHATLINE_EMPTY);
	cl = parse(buf, "\x1b[D\x1b[D");
	CHECK(cl.kind == CHATLINE_TEXT && cl.len == 4 && memcmp(cl.text, "[D[D", 4) == 0);
	strcpy(buf, "a\tb\x7f" "c\xc2\x9b" "d\xc3\xa9");
	CHECK(chatline_clean(buf, strlen(buf)) == 7 && strcmp(buf, "a bcd\xc3\xa9") == 0);
}

static void test_complete(void)
{
	const char *words[] = {"/help", "/kick", "/list", "/leave", "carol", "caroline", "bob"};
	char ins[64];

	CHECK(chatline_complete("/ki", 3, words, 7, ins, sizeof ins) == 1 && strcmp(ins, "ck ") == 0);
	CHECK(chatline_complete("/l", 2, words, 7, ins, sizeof ins) == 2 && strcmp(ins, "") == 0);
	CHECK(chatline_complete("/le", 3, words, 7, ins, sizeof ins) == 1 && strcmp(ins, "ave ") == 0);
	CHECK(chatline_complete("/kick ca", 8, words, 7, ins, sizeof ins) == 2 &&
	      strcmp(ins, "rol") == 0);
	CHECK(chatline_complete("hi b", 4, words, 7, ins, sizeof ins) == 1 && strcmp(ins, "ob ") == 0);
	/* a /command only as the first word; a name never as a command */
	CHECK(chatline_complete("say /ki", 7, words, 7, ins, sizeof ins) == 0);
	CHECK(chatline_complete("/b", 2, words, 7, ins, sizeof ins) == 0);
	CHECK(chatline_complete("x", 1, words, 7, ins, sizeof ins) == 0 && ins[0] == '\0');
	CHECK(chatline_complete("caroline", 8, words, 7, ins, 1) == 1 && ins[0] == '\0');
}

static void test_mentions(void)
{
	CHECK(chatline_mentions("hi bob", 6, "bob"));
	CHECK(chatline_mentions("Bob, look", 9, "bob"));
	CHECK(chatline_mentions("ask bob.", 8, "bob"));
	CHECK(!chatline_mentions("bobby is here", 13, "bob"));
	CHECK(!chatline_mentions("jimbob", 6, "bob"));
	CHECK(!chatline_mentions("bob.k is here", 13, "bob"));
	CHECK(!chatline_mentions("bo", 2, "bob"));
}

int main(void)
{
	test_parse();
	test_complete();
	test_mentions();
	return check_summary("test_chatline");
}
