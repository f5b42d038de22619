/* cmd_kick.c - `e2e-chat kick ROOM NAME`: the creator removes a member.
 * The relay refuses the member's token at once; then a new epoch starts
 * whose key is wrapped for the remaining members only. */
#include <stdio.h>

#include "commands.h"
#include "creator.h"
#include "names.h"

enum status cmd_kick(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	struct creator_request req = {0};
	bool rotated = false;
	enum status st;

	if (argc != 3 || !name_member_valid(argv[2]))
		return client_fail(c, ST_USAGE, "usage: e2e-chat kick ROOM NAME");
	if ((st = command_enter(c, 2, argv, 2, false, &rf)) != ST_OK)
		return st;
	if ((st = creator_remove(c, rf, argv[2])) == ST_OK &&
		 (st = creator_step(c, rf, &req, &rotated)) == ST_OK)
		printf("removed %s from %s; epoch %llu began without them\n", argv[2], rf->room,
		       (unsigned long long)rf->state.epoch);
	roomfile_close(rf);
	return st;
}
