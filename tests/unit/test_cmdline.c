/* test_cmdline.c - common/cmdline.c on a small table of its own: the
 * command line (options anywhere, values, refusals), the options file
 * (forms, comments, and each error naming its line), the verb check; and
 * the relay's generated table: the defaults docs/options/relay.opts states
 * are the ones in force (relay/options.c). test_client_options does the
 * same for the client's. */
#include <string.h>

#include "check.h"
#include "cmdline.h"
#include "options.h"
#include "relay_opts.h"

enum { V_GO, V_STOP };
enum { O_FAST, O_NAME, O_COUNT, O_HELP, O_FASTEST, O_N };

static const struct cmdline_opt opts[O_N] = {
	[O_FAST] = {"fast", 'f', NULL, CMDLINE_VERB(V_GO), "go fast", NULL},
	[O_NAME] = {"name", 'n', "NAME", CMDLINE_ALL_VERBS, "a name", "x"},
	[O_COUNT] = {"count", 0, "N", CMDLINE_VERB(V_STOP), "a count", NULL},
	[O_HELP] = {"help", 'h', NULL, CMDLINE_ALL_VERBS, "help", NULL},
	[O_FASTEST] = {"fastest", 0, NULL, CMDLINE_VERB(V_GO), "go faster", NULL},
};
static const struct cmdline_verb verbs[] = {
	{"go", "WHERE", "go somewhere"},
	{"stop", "", "stop"},
};
static const struct cmdline_spec spec = {"prog", "prog VERB", "A test.", NULL, opts, O_N,
					 verbs, 2};

static bool parse(struct cmdline *cl, char *why, char *a0, char *a1, char *a2, char *a3,
		  char *a4)
{
	static char *argv[7]; /* the operands point into it */
	int argc = 1;

	memcpy(argv, (char *[]){"prog", a0, a1, a2, a3, a4, NULL}, sizeof argv);
	while (argc < 6 && argv[argc] != NULL)
		argc++;
	return cmdline_parse(&spec, argc, argv, cl, why, 256);
}

static void test_command_line(void)
{
	static struct cmdline cl;
	char why[256];

	CHECK(parse(&cl, why, "go", "home", "--fast", "-n", "bob"));
	CHECK(cl.argc == 2 && strcmp(cl.argv[0], "go") == 0 && strcmp(cl.argv[1], "home") == 0);
	CHECK(cl.n == 2 && cl.items[0].opt == O_FAST && cl.items[0].arg == NULL);
	CHECK(cl.items[1].opt == O_NAME && strcmp(cl.items[1].arg, "bob") == 0);
	CHECK(cmdline_verb_check(&spec, &cl, V_GO, why, sizeof why));
	CHECK(!cmdline_verb_check(&spec, &cl, V_STOP, why, sizeof why));
	CHECK(strstr(why, "stop does not take --fast") != NULL);
	CHECK(cmdline_has(&cl, O_NAME) && !cmdline_has(&cl, O_COUNT));

	CHECK(parse(&cl, why, "--count=3", "stop", NULL, NULL, NULL));
	CHECK(cl.n == 1 && strcmp(cl.items[0].arg, "3") == 0 && cl.argc == 1);
	CHECK(parse(&cl, why, "go", "--", "--fast", NULL, NULL)); /* an operand */
	CHECK(cl.n == 0 && cl.argc == 2 && strcmp(cl.argv[1], "--fast") == 0);

	CHECK(!parse(&cl, why, "go", "--slow", NULL, NULL, NULL));
	CHECK(strcmp(why, "unknown option --slow") == 0);
	CHECK(!parse(&cl, why, "go", "-x", NULL, NULL, NULL));
	CHECK(strcmp(why, "unknown option -x") == 0);
	CHECK(!parse(&cl, why, "go", "--name", NULL, NULL, NULL));
	CHECK(strcmp(why, "--name needs a value (NAME)") == 0);
	CHECK(!parse(&cl, why, "go", "-n", NULL, NULL, NULL));
	CHECK(strcmp(why, "--name needs a value (NAME)") == 0);
	CHECK(!parse(&cl, why, "go", "--fast=yes", NULL, NULL, NULL));
	CHECK(strcmp(why, "--fast takes no value") == 0);
	CHECK(parse(&cl, why, "go", "--co", "1", NULL, NULL)); /* a unique prefix */
	CHECK(cl.n == 1 && cl.items[0].opt == O_COUNT);
	CHECK(parse(&cl, why, "go", "--fast", NULL, NULL, NULL)); /* exact, though a prefix */
	CHECK(cl.n == 1 && cl.items[0].opt == O_FAST);
	CHECK(!parse(&cl, why, "go", "--fa", NULL, NULL, NULL));
	CHECK(strcmp(why, "ambiguous option --fa (the start of several)") == 0);
	CHECK(cmdline_verb_find(&spec, "stop") == V_STOP && cmdline_verb_find(&spec, "st") < 0);
}

static bool file(struct cmdline *cl, char *why, const char *text)
{
	static char buf[4096];

	snprintf(buf, sizeof buf, "%s", text);
	return cmdline_file_parse(&spec, "F", buf, UINT64_C(1) << O_HELP, cl, why, 256);
}

static void test_file(void)
{
	static struct cmdline cl;
	char why[256];

	CHECK(file(&cl, why, "# a comment\n\n  fast  \nname=  two words \r\n\tcount = 7\n"));
	CHECK(cl.n == 3 && cl.argc == 0);
	CHECK(cl.items[0].opt == O_FAST && cl.items[0].arg == NULL && cl.items[0].line == 3);
	CHECK(cl.items[1].opt == O_NAME && strcmp(cl.items[1].arg, "two words") == 0);
	CHECK(cl.items[1].line == 4);
	CHECK(cl.items[2].opt == O_COUNT && strcmp(cl.items[2].arg, "7") == 0);
	CHECK(file(&cl, why, "") && cl.n == 0);
	CHECK(file(&cl, why, "name a=b") && strcmp(cl.items[0].arg, "a=b") == 0);

	CHECK(!file(&cl, why, "fast\nslow\n"));
	CHECK(strcmp(why, "F:2: unknown option 'slow'") == 0);
	CHECK(!file(&cl, why, "\n\nname\n"));
	CHECK(strcmp(why, "F:3: name needs a value (NAME)") == 0);
	CHECK(!file(&cl, why, "name=\n"));
	CHECK(strcmp(why, "F:1: name needs a value (NAME)") == 0);
	CHECK(!file(&cl, why, "fast yes\n"));
	CHECK(strcmp(why, "F:1: fast takes no value") == 0);
	CHECK(!file(&cl, why, "count 1\n# again\ncount 2\n"));
	CHECK(strcmp(why, "F:3: count given twice (first on line 1)") == 0);
	CHECK(!file(&cl, why, "help\n"));
	CHECK(strcmp(why, "F:1: help cannot be given in a file") == 0);
	CHECK(!file(&cl, why, "--fast\n")); /* the names go without dashes */
	CHECK(strncmp(why, "F:1: unknown option", 19) == 0);
	CHECK(!file(&cl, why, "fas\n")); /* no abbreviations in a file */
}

static void test_relay(void)
{
	char why[256] = "";
	bool ok = relay_options_defaults_match(why, sizeof why);

	CHECKF(ok, "%s", why);
	CHECK(relay_spec.n_verbs == 0 && relay_spec.n_opts == RELAY_OPT_COUNT);
	CHECK(strcmp(relay_spec.opts[RELAY_OPT_MAX_CONNS_PER_IP].name, "max-conns-per-ip") == 0);
}

int main(void)
{
	test_command_line();
	test_file();
	test_relay();
	return check_summary("test_cmdline");
}
