/* commands.c - what the verbs share: the room argument, and entering a
 * saved membership synced with the relay. */
#include "commands.h"
#include "membership.h"
#include "names.h"
#include "roomsync.h"

enum status command_room(struct client *c, int argc, char **argv, int max_args,
			 const char **room)
{
	if (argc < 2 || argc > max_args)
		return client_fail(c, ST_USAGE, "usage: e2e-chat %s ROOM%s", argv[0],
				   max_args > 2 ? " [TEXT|-]" : "");
	if (!name_room_valid(argv[1]))
		return client_fail(c, ST_USAGE, "room names are 1-%d characters of "
				   "[A-Za-z0-9._-], starting with a letter or digit",
				   E2E_ROOM_NAME_MAX);
	*room = argv[1];
	return ST_OK;
}

enum status command_enter(struct client *c, int argc, char **argv, int max_args,
			  bool need_admitted, struct roomfile **rf)
{
	const char *room;
	bool admitted = false;
	enum status st;

	*rf = NULL;
	if ((st = command_room(c, argc, argv, max_args, &room)) != ST_OK ||
	    (st = membership_enter(c, room, false, rf)) != ST_OK ||
	    (st = roomsync_sync(c, *rf, &admitted)) != ST_OK)
		goto fail;
	if (need_admitted && !admitted) {
		st = client_fail(c, ST_PENDING, "not admitted to room %s yet: an admin (the "
				 "creator: %s) must run e2e-chat first", room, (*rf)->creator);
		goto fail;
	}
	return ST_OK;
fail:
	roomfile_close(*rf);
	*rf = NULL;
	return st;
}
