/* cmd_send.c - `e2e-chat send ROOM [TEXT|-]`: one message, from the
 * argument or (without one, or with -) from standard input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "messages.h"
#include "outbox.h"

/* All of standard input, at most E2E_TEXT_MAX bytes, one final newline dropped. */
static enum status read_stdin(struct client *c, char *buf, size_t *len)
{
	*len = fread(buf, 1, E2E_TEXT_MAX + 1, stdin);
	if (ferror(stdin))
		return client_fail(c, ST_ERROR, "cannot read standard input");
	if (*len > E2E_TEXT_MAX)
		return client_fail(c, ST_USAGE, "message over %d bytes", E2E_TEXT_MAX);
	if (*len && buf[*len - 1] == '\n')
		(*len)--;
	buf[*len] = '\0';
	return ST_OK;
}

enum status cmd_send(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	char *buf = NULL;
	const char *text, *room;
	size_t len;
	enum status st = command_room(c, argc, argv, 3, &room); /* before reading stdin */

	if (st != ST_OK)
		return st;
	if (argc == 3 && strcmp(argv[2], "-") != 0) {
		text = argv[2];
		len = strlen(text);
	} else {
		if (!(buf = malloc(E2E_TEXT_MAX + 2)))
			return client_fail(c, ST_ERROR, "out of memory");
		if ((st = read_stdin(c, buf, &len)) != ST_OK)
			goto out;
		text = buf;
	}
	if (len == 0) {
		st = client_fail(c, ST_USAGE, "empty message not sent");
		goto out;
	}
	if ((st = command_enter(c, argc, argv, 3, true, &rf)) == ST_OK)
		st = outbox_send(c, rf, text, len);
out:
	roomfile_close(rf);
	free(buf);
	return st;
}
