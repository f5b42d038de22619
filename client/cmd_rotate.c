/* cmd_rotate.c - `e2e-chat rotate ROOM`: an admin starts a new epoch now
 * (one request for the whole room). An admin's client also rotates on
 * its own: see --rotate-messages and --rotate-seconds. */
#include <stdio.h>

#include "admin.h"
#include "commands.h"

enum status cmd_rotate(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	struct admin_request req = {.rotate = true};
	bool changed = false, rotated = false;
	enum status st = command_enter(c, argc, argv, 2, false, &rf);

	if (st == ST_OK)
		st = admin_step(c, rf, &req, &changed, &rotated);
	if (st == ST_OK && !rotated)
		st = client_fail(c, ST_ERROR, "no new epoch began: another admin's state came "
				 "first; try again");
	if (st == ST_OK)
		printf("%s: epoch %llu\n", rf->room, (unsigned long long)rf->state.epoch);
	roomfile_close(rf);
	return st;
}
