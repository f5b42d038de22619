/* cmd_leave.c - `e2e-chat leave ROOM`: give up the membership. The relay
 * stops accepting this member's token and the creator's client starts a
 * new epoch without it; the local room file is deleted. */
#include <stdio.h>

#include "commands.h"
#include "membership.h"

enum status cmd_leave(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	enum status st = command_enter(c, argc, argv, 2, false, &rf);

	if (st == ST_OK && (st = membership_leave(c, rf)) == ST_OK)
		printf("left %s\n", rf->room);
	roomfile_close(rf);
	return st;
}
