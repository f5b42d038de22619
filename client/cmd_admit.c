/* cmd_admit.c - `e2e-chat admit ROOM`: the creator admits every pending
 * member whose admission MAC verifies, once, then exits. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "display.h"
#include "roomsync.h"

enum status cmd_admit(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	size_t before, n = 0;
	enum status st = command_enter(c, argc, argv, 2, false, &rf);

	if (st != ST_OK)
		return st;
	before = rf->state.n_members;
	if ((st = roomsync_admit(c, rf, &n)) != ST_OK)
		goto out;
	for (size_t i = before; i < rf->state.n_members; i++) {
		fputs("admitted ", stdout);
		display_safe(stdout, rf->state.members[i].name, strlen(rf->state.members[i].name));
		fputc('\n', stdout);
	}
	if (n == 0)
		fprintf(stderr, "No member is waiting to be admitted to %s.\n", rf->room);
out:
	roomfile_close(rf);
	return st;
}
