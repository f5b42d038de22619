/* chatline.h - what a line typed into the chat is, decided without I/O
 * (both chat front ends: the line mode and the terminal chat, tui/).
 *
 * A line is cleaned first: control characters (C0, DEL, and the C1
 * range U+0080..U+009F) are never sent; a tab becomes a space and the
 * others are dropped, so a stray Ctrl-L before "/kick carol" leaves
 * "/kick carol". A cleaned line that starts with '/' (after spaces) is
 * a command: its name, and its argument with the spaces around it
 * trimmed ("/verify  ivy " is /verify with "ivy"). "//" sends a text
 * starting with '/'. Anything else is a text, sent as typed. */
#ifndef E2E_CHATLINE_H
#define E2E_CHATLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CHATLINE_NAME_MAX 15 /* a command's name, with its '/' */

enum chatline_kind {
	CHATLINE_EMPTY,   /* nothing but spaces: nothing to do */
	CHATLINE_TEXT,    /* text/len: send it */
	CHATLINE_COMMAND, /* name (and arg): run it, never send it */
};

struct chatline {
	enum chatline_kind kind;
	const char *text; /* TEXT: points into the line */
	size_t len;
	char name[CHATLINE_NAME_MAX + 1]; /* COMMAND: "/kick"; longer names are cut (unknown) */
	const char *arg;  /* COMMAND: the argument, trimmed; NULL if none */
	size_t arg_len;
	bool arg_one_word; /* the argument has no space inside */
};

/* Drop control characters from line[0..len) in place (a tab becomes a
 * space); returns the new length and NUL-terminates. */
size_t chatline_clean(char *line, size_t len);

/* Parse a cleaned line; `out` points into `line`, which must outlive it. */
void chatline_parse(const char *line, size_t len, struct chatline *out);

/* Tab completion: the word that ends at `cursor` in line[0..cursor) is
 * completed against `words` (n of them): a /command only as the line's
 * first word, a name anywhere. *insert receives what to add at the
 * cursor (the common rest of every match, and a space when only one
 * matches), NUL-terminated, at most insert_max - 1 bytes; returns how many
 * words matched. */
size_t chatline_complete(const char *line, size_t cursor, const char *const *words, size_t n,
			 char *insert, size_t insert_max);

/* Does `text` name `name` as a word of its own (letters, digits, '.',
 * '_' and '-' around it do not count), ignoring ASCII case? For the bell
 * on a message that names the user. */
bool chatline_mentions(const char *text, size_t len, const char *name);

#endif
