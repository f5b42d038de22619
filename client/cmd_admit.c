/* cmd_admit.c - `e2e-chat admit ROOM [NAME...]`: the creator admits, once,
 * every pending member whose admission MAC verifies (in an --approve
 * room: only the NAMEs given; the others are listed with their
 * fingerprints), drops members who left, rotates if that is due. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "creator.h"
#include "display.h"

static void notice(void *ctx, enum creator_event ev, const struct wire_member *m)
{
	const struct roomfile *rf = ctx;

	if (ev == CREATOR_ADMITTED) {
		fputs("admitted ", stdout);
		display_safe(stdout, m->name, strlen(m->name));
		fputc('\n', stdout);
	} else {
		display_creator_event(rf->room, ev, m, false);
	}
}

enum status cmd_admit(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	struct creator_request req = {.approved = (const char *const *)argv + 2,
				      .n_approved = argc > 2 ? (size_t)argc - 2 : 0,
				      .notice = notice};
	uint64_t revision;
	bool rotated;
	enum status st = command_enter(c, argc > 2 ? 2 : argc, argv, 2, false, &rf);

	if (st != ST_OK)
		return st;
	req.ctx = rf;
	revision = rf->state.revision;
	st = creator_step(c, rf, &req, &rotated);
	if (st == ST_OK && rf->state.revision == revision)
		fprintf(stderr, "Nobody to admit to %s.\n", rf->room);
	roomfile_close(rf);
	return st;
}
