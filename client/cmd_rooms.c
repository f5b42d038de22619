/* cmd_rooms.c - `e2e-chat rooms [--json]`: the rooms this profile keeps
 * in its store, with the relay, this member's role (from the room file),
 * unread messages (from others, not yet shown by read or a chat) and
 * queued ones. Reads local files only: no relay is asked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "display.h"
#include "profile.h"
#include "roomfile.h"

struct lister {
	struct client *c;
	size_t n;
};

const char *rooms_role(struct client *c, const char *relay, const char *room)
{
	char *path = NULL;
	char err[256];
	struct roomfile *rf = NULL;
	const char *role = "gone";

	if (profile_room_path(&path, c->home, relay, room, err, sizeof err) == ST_OK &&
	    roomfile_open_sealed(&rf, path, c->room_key, c->seal_rooms, err, sizeof err) ==
		    ST_OK &&
	    rf->exists)
		role = wire_state_admin(&rf->state, rf->me) ? "admin"
		       : wire_state_find(&rf->state, rf->me) ? "member"
							     : "waiting";
	roomfile_close(rf);
	free(path);
	return role;
}

static void list_room(const struct store_room_info *r, void *ctx)
{
	struct lister *l = ctx;
	const char *role = rooms_role(l->c, r->relay, r->room);
	json_t *j;
	char *line;
	size_t len;

	l->n++;
	if (!l->c->json) {
		printf("%-20s %-8s %6llu unread %4llu queued  ", r->room, role,
		       (unsigned long long)r->unread, (unsigned long long)r->queued);
		display_safe(stdout, r->relay, strlen(r->relay));
		putchar('\n');
		return;
	}
	j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "room", r->room, "relay", r->relay,
		      "role", role, "unread", (json_int_t)r->unread, "queued",
		      (json_int_t)r->queued, "kept", (json_int_t)r->kept);
	line = j ? wire_dump(j, &len) : NULL;
	if (line)
		puts(line);
	free(line);
	json_decref(j);
}

enum status cmd_rooms(struct client *c, int argc, char **argv)
{
	struct lister l = {c, 0};

	(void)argv;
	if (argc != 1)
		return client_fail(c, ST_USAGE, "usage: e2e-chat rooms [--json]");
	if (!store_each_room(c->store, list_room, &l))
		return client_store_fail(c);
	if (l.n == 0 && !c->json)
		fprintf(stderr, "No rooms yet: e2e-chat join ROOM creates or joins one.\n");
	return ST_OK;
}
