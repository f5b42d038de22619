/* cmdline.h - a program's verbs and options as one table, and what is
 * done with it: parsing a command line or an options file, refusing an
 * option the chosen verb does not take, and printing --help.
 *
 * The tables are generated from docs/options/PROGRAM.opts by
 * tools/optgen.py (the man page and README.md come from the same file), so
 * a program never spells an option's name, argument or help itself.
 *
 * Invariants: parsing only collects (which option, its value, where it
 * was given); the program applies the values, in the order given, so that
 * a later one overrides an earlier one (an options file comes first, the
 * command line after it). Values point into argv or into the text given
 * to cmdline_file_parse, never copied. No function here exits, prints an
 * error, or keeps state between calls (getopt's is reset on each parse);
 * a failure is false with a one-line reason in `why`. */
#ifndef E2E_CMDLINE_H
#define E2E_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A set of verbs (bit i: verb i); a program has at most 32. */
#define CMDLINE_VERB(i) (UINT32_C(1) << (i))
#define CMDLINE_ALL_VERBS UINT32_MAX
/* Options in one table: getopt's table is built on the stack. */
#define CMDLINE_OPTS_MAX 64
/* Options on one command line or in one file; more is an error. */
#define CMDLINE_ITEMS_MAX 256
/* An options file's size (cmdline_file_parse's text). */
#define CMDLINE_FILE_MAX (64 * 1024)

struct cmdline_opt {
	const char *name;    /* the long name, without "--" */
	char short_name;     /* 0: none */
	const char *arg;     /* the value's name in help (NULL: a flag) */
	uint32_t verbs;      /* the verbs that take it (programs with verbs) */
	const char *help;
	const char *default_text; /* NULL: none shown */
};

struct cmdline_verb {
	const char *name;
	const char *args; /* synopsis of its arguments */
	const char *help;
};

struct cmdline_spec {
	const char *program;
	const char *usage;
	const char *summary;
	const char *footer; /* NULL: none */
	const struct cmdline_opt *opts;
	size_t n_opts;
	const struct cmdline_verb *verbs; /* NULL, n_verbs 0: no verbs */
	size_t n_verbs;
};

struct cmdline_item {
	unsigned opt;     /* index into spec->opts */
	const char *arg;  /* NULL for a flag */
	unsigned line;    /* in an options file; 0 on the command line */
};

struct cmdline {
	struct cmdline_item items[CMDLINE_ITEMS_MAX];
	size_t n;
	int argc;    /* the operands (not options), in order; with verbs, */
	char **argv; /* argv[0] is the verb */
};

/* Parse a command line (argv[0] the program): options may come anywhere
 * among the operands, "--" ends them. False on an unknown option, a
 * missing value, a value given to a flag, or too many options. */
bool cmdline_parse(const struct cmdline_spec *s, int argc, char **argv, struct cmdline *out,
		   char *why, size_t cap);

/* Parse an options file's text (NUL-terminated; changed in place, and the
 * values point into it): one long name a line without "--", "name value"
 * or "name=value" (a flag alone); blank lines and lines whose first
 * non-blank is '#' are skipped. Options whose bit is set in `refused`
 * (bit i: spec->opts[i]) may not be given in a file. False, with
 * "PATH:LINE: reason" in `why`, on an unknown name, a missing value, a
 * value given to a flag, a name given twice, or too long a text. */
bool cmdline_file_parse(const struct cmdline_spec *s, const char *path, char *text,
			uint64_t refused, struct cmdline *out, char *why, size_t cap);

/* The index of the verb called `name`, or -1. */
int cmdline_verb_find(const struct cmdline_spec *s, const char *name);

/* True when verb `verb` takes every option in `cl`; else false with
 * "VERB does not take --OPTION ..." in `why`. */
bool cmdline_verb_check(const struct cmdline_spec *s, const struct cmdline *cl, unsigned verb,
			char *why, size_t cap);

/* True when option `opt` was given. */
bool cmdline_has(const struct cmdline *cl, unsigned opt);

/* --help: the whole program's, or (verb >= 0) one verb's and the options
 * it takes. Lines wrapped to 79 columns. */
void cmdline_help(const struct cmdline_spec *s, int verb, FILE *out);

#endif
