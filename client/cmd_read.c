/* cmd_read.c - `e2e-chat read ROOM [--after N] [--json]`: print the
 * room's authentic messages, one per line, oldest first. */
#include <stdio.h>

#include "commands.h"
#include "display.h"
#include "messages.h"

static void show(const struct shown_msg *m, void *user)
{
	const struct client *c = user;

	if (c->json)
		display_message(stdout, DISPLAY_JSON, m);
	else
		display_message(stdout, DISPLAY_LOG, m);
}

enum status cmd_read(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	enum status st = command_enter(c, argc, argv, 2, true, &rf);

	if (st == ST_OK)
		st = messages_read(c, rf, c->after_set ? c->after : 0, show, c);
	roomfile_close(rf);
	return st;
}
