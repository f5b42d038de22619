/* cmd_kick.c - `e2e-chat kick ROOM NAME [--no-ban]`: an admin removes a
 * member. The admin's client signs a new state without the member (and,
 * unless --no-ban, with its keys on the ban list) and starts a new epoch
 * wrapped for the others only, whatever the relay answers; it says the
 * removal is done only once the relay serves that state. Until then the
 * removal stays recorded and every later step of this profile signs it
 * again (admin.h). */
#include <stdio.h>

#include "admin.h"
#include "commands.h"
#include "names.h"

enum status cmd_kick(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	struct admin_request req = {0};
	bool changed = false, rotated = false;
	enum status st;

	if (argc != 3 || !name_member_valid(argv[2]))
		return client_fail(c, ST_USAGE, "usage: e2e-chat kick ROOM NAME [--no-ban]");
	st = command_enter(c, 2, argv, 2, false, &rf);
	if (st == ST_OK)
		st = admin_remove(c, rf, argv[2], !c->no_ban);
	if (st == ST_OK)
		st = admin_step(c, rf, &req, &changed, &rotated);
	if (st == ST_OK && wire_state_find(&rf->state, argv[2]))
		st = client_fail(c, ST_ERROR, "%s is still in room %s: the removal is recorded and "
				 "signed again by your next e2e-chat run in this room", argv[2],
				 rf->room);
	if (st == ST_OK)
		printf("removed %s from %s%s; epoch %llu began without them\n", argv[2], rf->room,
		       c->no_ban ? "" : " and banned their keys", (unsigned long long)rf->state.epoch);
	roomfile_close(rf);
	return st;
}
