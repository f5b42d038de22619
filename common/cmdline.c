/* cmdline.c - parsing and help from a program's option table (cmdline.h). */
#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "cmdline.h"

#define CMDLINE_LONG_BASE 256 /* getopt's value for option i: base + i */
#define HELP_WIDTH 79
#define HELP_COLUMN 28

static bool fail(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool fail(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return false;
}

static bool add_item(struct cmdline *out, unsigned opt, const char *arg, unsigned line)
{
	if (out->n >= CMDLINE_ITEMS_MAX)
		return false;
	out->items[out->n++] = (struct cmdline_item){.opt = opt, .arg = arg, .line = line};
	return true;
}

/* The option getopt returned `c` for: its index, or -1. */
static int option_of(const struct cmdline_spec *s, int c)
{
	if (c >= CMDLINE_LONG_BASE && (size_t)(c - CMDLINE_LONG_BASE) < s->n_opts)
		return c - CMDLINE_LONG_BASE;
	for (size_t i = 0; c > 0 && c < CMDLINE_LONG_BASE && i < s->n_opts; i++)
		if (s->opts[i].short_name == (char)c)
			return (int)i;
	return -1;
}

/* How many long options start with what "--given" names. */
static size_t prefix_matches(const struct cmdline_spec *s, const char *given)
{
	size_t n = 0;
	size_t len;

	if (strncmp(given, "--", 2) != 0)
		return 0;
	given += 2;
	len = strcspn(given, "=");
	for (size_t i = 0; len > 0 && i < s->n_opts; i++)
		if (strncmp(s->opts[i].name, given, len) == 0)
			n++;
	return n;
}

/* What getopt refused: '?' (unknown, or a value given to a flag) or ':'
 * (a missing value). */
static bool refused(const struct cmdline_spec *s, int c, char **argv, char *why, size_t cap)
{
	int i = option_of(s, optopt);
	const char *given = optind > 0 ? argv[optind - 1] : "";

	if (c == ':' && i >= 0)
		return fail(why, cap, "--%s needs a value (%s)", s->opts[i].name,
			    s->opts[i].arg);
	if (i >= 0 && optopt >= CMDLINE_LONG_BASE)
		return fail(why, cap, "--%s takes no value", s->opts[i].name);
	if (optopt > 0 && optopt < CMDLINE_LONG_BASE)
		return fail(why, cap, "unknown option -%c", (char)optopt);
	if (prefix_matches(s, given) > 1)
		return fail(why, cap, "ambiguous option %s (the start of several)", given);
	return fail(why, cap, "unknown option %s", given);
}

bool cmdline_parse(const struct cmdline_spec *s, int argc, char **argv, struct cmdline *out,
		   char *why, size_t cap)
{
	struct option longopts[CMDLINE_OPTS_MAX + 1];
	char shorts[1 + 2 * CMDLINE_OPTS_MAX + 1];
	size_t k = 0;
	int c;

	out->n = 0;
	if (s->n_opts > CMDLINE_OPTS_MAX)
		return fail(why, cap, "%s: too many options in its table", s->program);
	shorts[k++] = ':';
	for (size_t i = 0; i < s->n_opts; i++) {
		const struct cmdline_opt *o = &s->opts[i];

		longopts[i] = (struct option){o->name, o->arg ? required_argument : no_argument,
					      NULL, CMDLINE_LONG_BASE + (int)i};
		if (o->short_name) {
			shorts[k++] = o->short_name;
			if (o->arg)
				shorts[k++] = ':';
		}
	}
	longopts[s->n_opts] = (struct option){NULL, 0, NULL, 0};
	shorts[k] = '\0';
	optind = 0; /* glibc: start afresh, permutation state included */
	opterr = 0;
	for (c = getopt_long(argc, argv, shorts, longopts, NULL); c != -1;
	     c = getopt_long(argc, argv, shorts, longopts, NULL)) {
		int i = option_of(s, c);

		if (c == '?' || c == ':' || i < 0)
			return refused(s, c, argv, why, cap);
		if (!add_item(out, (unsigned)i, s->opts[i].arg ? optarg : NULL, 0))
			return fail(why, cap, "more than %d options", CMDLINE_ITEMS_MAX);
	}
	out->argc = argc - optind;
	out->argv = argv + optind;
	return true;
}

static int option_named(const struct cmdline_spec *s, const char *name)
{
	for (size_t i = 0; i < s->n_opts; i++)
		if (strcmp(s->opts[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Trim blanks on both ends, in place. */
static char *trim(char *p)
{
	char *end = p + strlen(p);

	while (is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		*--end = '\0';
	return p;
}

/* One line of an options file: true, with *opt -1 for a line with
 * nothing; else false with the reason (no "PATH:LINE: "). */
static bool file_line(const struct cmdline_spec *s, char *line, int *opt, const char **arg,
		      char *why, size_t cap)
{
	char *p = trim(line);
	char *value = NULL;
	size_t n = strcspn(p, " \t=");

	*opt = -1;
	*arg = NULL;
	if (*p == '\0' || *p == '#')
		return true;
	if (p[n] != '\0') {
		value = trim(p + n + (p[n] == '=' ? 1 : 0));
		if (p[n] != '=' && *value == '=') /* "name = value" */
			value = trim(value + 1);
		p[n] = '\0';
	}
	*opt = option_named(s, p);
	if (*opt < 0)
		return fail(why, cap, "unknown option '%.64s'", p);
	if (s->opts[*opt].arg && (value == NULL || *value == '\0'))
		return fail(why, cap, "%s needs a value (%s)", p, s->opts[*opt].arg);
	if (!s->opts[*opt].arg && value != NULL && *value != '\0')
		return fail(why, cap, "%s takes no value", p);
	*arg = s->opts[*opt].arg ? value : NULL;
	return true;
}

bool cmdline_file_parse(const struct cmdline_spec *s, const char *path, char *text,
			uint64_t refused_opts, struct cmdline *out, char *why, size_t cap)
{
	unsigned first[CMDLINE_OPTS_MAX] = {0};
	unsigned lineno = 0;
	char *line = text;
	char reason[256];

	out->n = 0;
	out->argc = 0;
	out->argv = NULL;
	if (strlen(text) > CMDLINE_FILE_MAX)
		return fail(why, cap, "%s: longer than %d bytes", path, CMDLINE_FILE_MAX);
	if (s->n_opts > CMDLINE_OPTS_MAX)
		return fail(why, cap, "%s: too many options in the table", path);
	while (line != NULL) {
		char *next = strchr(line, '\n');
		const char *arg;
		int opt;

		lineno++;
		if (next != NULL)
			*next++ = '\0';
		if (!file_line(s, line, &opt, &arg, reason, sizeof reason))
			return fail(why, cap, "%s:%u: %s", path, lineno, reason);
		line = next;
		if (opt < 0)
			continue;
		if (refused_opts & (UINT64_C(1) << opt))
			return fail(why, cap, "%s:%u: %s cannot be given in a file", path, lineno,
				    s->opts[opt].name);
		if (first[opt] != 0)
			return fail(why, cap, "%s:%u: %s given twice (first on line %u)", path,
				    lineno, s->opts[opt].name, first[opt]);
		first[opt] = lineno;
		if (!add_item(out, (unsigned)opt, arg, lineno))
			return fail(why, cap, "%s:%u: more than %d options", path, lineno,
				    CMDLINE_ITEMS_MAX);
	}
	return true;
}

int cmdline_verb_find(const struct cmdline_spec *s, const char *name)
{
	for (size_t i = 0; i < s->n_verbs; i++)
		if (strcmp(s->verbs[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool cmdline_verb_check(const struct cmdline_spec *s, const struct cmdline *cl, unsigned verb,
			char *why, size_t cap)
{
	for (size_t i = 0; i < cl->n; i++) {
		const struct cmdline_opt *o = &s->opts[cl->items[i].opt];

		if (!(o->verbs & CMDLINE_VERB(verb)))
			return fail(why, cap, "%s does not take --%s (%s %s --help lists its "
				    "options)", s->verbs[verb].name, o->name, s->program,
				    s->verbs[verb].name);
	}
	return true;
}

bool cmdline_has(const struct cmdline *cl, unsigned opt)
{
	for (size_t i = 0; i < cl->n; i++)
		if (cl->items[i].opt == opt)
			return true;
	return false;
}

/* Print `text` from column `col`, wrapped, continuation lines indented to
 * `indent`; ends the line. */
static void wrap(FILE *out, int col, int indent, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t word = strcspn(p, " ");

		if (col > indent && col + 1 + (int)word > HELP_WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)word, p);
		col += (int)word;
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

/* Start a help line with `head` at column 2; the text follows at
 * HELP_COLUMN (on the next line if the head is too long). */
static void help_line(FILE *out, const char *head, const char *text)
{
	int col = fprintf(out, "  %s", head);

	if (col > HELP_COLUMN - 2) {
		fputc('\n', out);
		col = 0;
	}
	fprintf(out, "%*s", HELP_COLUMN - col, "");
	wrap(out, HELP_COLUMN, HELP_COLUMN, text);
}

/* The verbs that take option `o`, "join, read: ", when not all. */
static void verbs_prefix(const struct cmdline_spec *s, const struct cmdline_opt *o, char *buf,
			 size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t v = 0; v < s->n_verbs && n < cap; v++)
		if (o->verbs & CMDLINE_VERB(v))
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? ", " : "",
					      s->verbs[v].name);
	if (n < cap)
		snprintf(buf + n, cap - n, ": ");
}

static void help_option(FILE *out, const struct cmdline_spec *s, const struct cmdline_opt *o,
			bool name_verbs)
{
	char head[128];
	char verbs[256] = "";
	char text[1024];

	if (o->short_name)
		snprintf(head, sizeof head, "-%c, --%s%s%s", o->short_name, o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
	else
		snprintf(head, sizeof head, "    --%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	if (name_verbs)
		verbs_prefix(s, o, verbs, sizeof verbs);
	snprintf(text, sizeof text, "%s%s%s%s%s", verbs, o->help,
		 o->default_text ? " (default: " : "", o->default_text ? o->default_text : "",
		 o->default_text ? ")" : "");
	help_line(out, head, text);
}

void cmdline_help(const struct cmdline_spec *s, int verb, FILE *out)
{
	bool one = verb >= 0 && (size_t)verb < s->n_verbs;
	const struct cmdline_verb *v = one ? &s->verbs[verb] : NULL;

	if (one) {
		fprintf(out, "Usage: %s %s%s%s [OPTIONS]\n\n", s->program, v->name,
			v->args[0] ? " " : "", v->args);
		wrap(out, 0, 0, v->help);
	} else {
		fprintf(out, "Usage: %s\n\n", s->usage);
		wrap(out, 0, 0, s->summary);
	}
	if (!one && s->n_verbs > 0) {
		fputs("\nVerbs:\n", out);
		for (size_t i = 0; i < s->n_verbs; i++) {
			char head[128];

			snprintf(head, sizeof head, "%s %s", s->verbs[i].name, s->verbs[i].args);
			help_line(out, head, s->verbs[i].help);
		}
	}
	fputs(one || s->n_verbs == 0 ? "\nOptions:\n" : "\nOptions of every verb:\n", out);
	for (size_t i = 0; i < s->n_opts; i++) {
		uint32_t vs = s->opts[i].verbs;

		if (one ? (vs & CMDLINE_VERB(verb)) != 0 : s->n_verbs == 0 || vs == CMDLINE_ALL_VERBS)
			help_option(out, s, &s->opts[i], false);
	}
	if (!one && s->n_verbs > 0) {
		fprintf(out, "\nOptions of some verbs (%s VERB --help: a verb's own):\n", s->program);
		for (size_t i = 0; i < s->n_opts; i++)
			if (s->opts[i].verbs != CMDLINE_ALL_VERBS)
				help_option(out, s, &s->opts[i], true);
	}
	if (s->footer) {
		fputc('\n', out);
		wrap(out, 0, 0, s->footer);
	}
}
