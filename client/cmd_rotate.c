/* cmd_rotate.c - `e2e-chat rotate ROOM`: the creator starts a new epoch
 * now (one request for the whole room). The creator's client also
 * rotates on its own: see --rotate-messages and --rotate-seconds. */
#include <stdio.h>

#include "commands.h"
#include "creator.h"

enum status cmd_rotate(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	struct creator_request req = {.rotate = true};
	bool rotated = false;
	enum status st = command_enter(c, argc, argv, 2, false, &rf);

	if (st == ST_OK && (st = creator_step(c, rf, &req, &rotated)) == ST_OK)
		printf("%s: epoch %llu\n", rf->room, (unsigned long long)rf->state.epoch);
	roomfile_close(rf);
	return st;
}
