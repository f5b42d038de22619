/* chatline.c - a typed chat line, cleaned and parsed (chatline.h). */
#include <string.h>

#include "chatline.h"

size_t chatline_clean(char *line, size_t len)
{
	unsigned char *p = (unsigned char *)line;
	size_t out = 0;

	for (size_t i = 0; i < len; i++) {
		/* U+0080..U+009F (C1 controls) are 0xC2 0x80..0x9F in UTF-8. */
		if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
			i++;
		else if (p[i] == '\t')
			p[out++] = ' ';
		else if (p[i] >= 0x20 && p[i] != 0x7F)
			p[out++] = p[i];
	}
	p[out] = '\0';
	return out;
}

static size_t skip_spaces(const char *s, size_t i, size_t len)
{
	while (i < len && s[i] == ' ')
		i++;
	return i;
}

static void parse_command(const char *line, size_t at, size_t len, struct chatline *out)
{
	size_t end = at, n, a;

	while (end < len && line[end] != ' ')
		end++;
	n = end - at < CHATLINE_NAME_MAX ? end - at : CHATLINE_NAME_MAX;
	memcpy(out->name, line + at, n);
	out->name[n] = '\0';
	a = skip_spaces(line, end, len);
	while (len > a && line[len - 1] == ' ')
		len--;
	if (a < len) {
		out->arg = line + a;
		out->arg_len = len - a;
		out->arg_one_word = memchr(out->arg, ' ', out->arg_len) == NULL;
	}
}

void chatline_parse(const char *line, size_t len, struct chatline *out)
{
	size_t at = skip_spaces(line, 0, len);

	*out = (struct chatline){.kind = CHATLINE_EMPTY};
	if (at == len)
		return;
	if (line[at] == '/' && (at + 1 == len || line[at + 1] != '/')) {
		out->kind = CHATLINE_COMMAND;
		parse_command(line, at, len, out);
		return;
	}
	out->kind = CHATLINE_TEXT;
	out->text = line;
	out->len = len;
	if (line[at] == '/') { /* "//": the text starts with one '/' */
		out->text = line + at + 1;
		out->len = len - at - 1;
	}
}

size_t chatline_complete(const char *line, size_t cursor, const char *const *words, size_t n,
			 char *insert, size_t insert_max)
{
	size_t start = cursor, plen, common = 0, matched = 0;
	const char *first = NULL;
	bool command;

	insert[0] = '\0';
	while (start > 0 && line[start - 1] != ' ')
		start--;
	plen = cursor - start;
	command = skip_spaces(line, 0, cursor) == start && plen > 0 && line[start] == '/';
	for (size_t i = 0; i < n; i++) {
		size_t k;

		if ((words[i][0] == '/') != command || strncmp(words[i], line + start, plen) != 0)
			continue;
		if (!first) {
			first = words[i];
			common = strlen(first);
		}
		for (k = plen; k < common && words[i][k] == first[k]; k++)
			;
		common = k;
		matched++;
	}
	if (!first || common - plen + 2 > insert_max)
		return matched;
	memcpy(insert, first + plen, common - plen);
	insert[common - plen] = '\0';
	if (matched == 1)
		strcat(insert, " ");
	return matched;
}

static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

bool chatline_mentions(const char *text, size_t len, const char *name)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t n = strlen(name);

	if (n == 0 || n > len)
		return false;
	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;

		if (i > 0 && name_char(t[i - 1]))
			continue;
		while (k < n && lower(t[i + k]) == lower((unsigned char)name[k]))
			k++;
		/* "bob." ends a sentence; "bob.k" is another name */
		if (k == n && (i + n == len || !name_char(t[i + n]) ||
			       (t[i + n] == '.' && (i + n + 1 == len || !name_char(t[i + n + 1])))))
			return true;
	}
	return false;
}
