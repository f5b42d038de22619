/* cmd_read.c - `e2e-chat read ROOM [--after N] [--json]`: print the
 * room's authentic messages, one per line, oldest first. */
#include <stdio.h>

#include "commands.h"
#include "display.h"
#include "membership.h"
#include "messages.h"
#include "roomsync.h"

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
	const char *room;
	struct roomfile *rf = NULL;
	bool admitted = false;
	enum status st = command_room(c, argc, argv, 2, &room);

	if (st != ST_OK)
		return st;
	if ((st = membership_enter(c, room, false, &rf)) != ST_OK ||
	    (st = roomsync_sync(c, rf, &admitted)) != ST_OK)
		goto out;
	if (!admitted)
		st = client_fail(c, ST_PENDING, "not admitted to room %s yet", room);
	else
		st = messages_read(c, rf, c->after_set ? c->after : 0, show, c);
out:
	roomfile_close(rf);
	return st;
}
