/* cmd_admit.c - `e2e-chat admit ROOM [NAME...]`: one step of the session
 * engine (session.h) for an admin, then exit: admit every pending
 * member whose admission MAC verifies (in an --approve room: only the
 * NAMEs given; the others are listed with their fingerprints), drop
 * members who left, rotate if that is due, send what the outbox holds. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "display.h"
#include "membership.h"
#include "names.h"
#include "roomsync.h"
#include "session.h"

struct admit {
	const char *room;
	unsigned changes; /* admissions, drops, new epochs */
};

static void on_creator(void *ctx, enum admin_event ev, const struct wire_member *m)
{
	struct admit *a = ctx;

	if (ev == ADMIN_ADMITTED) {
		fputs("admitted ", stdout);
		display_safe(stdout, m->name, strlen(m->name));
		fputc('\n', stdout);
	} else {
		display_creator_event(a->room, ev, m, false);
	}
	if (ev != ADMIN_WAITING)
		a->changes++;
}

static void on_notice(void *ctx, enum session_notice n, uint64_t value, const char *detail)
{
	struct admit *a = ctx;

	(void)detail;
	if (n == SESSION_EPOCH_BEGAN) {
		fprintf(stderr, "* %s: epoch %llu began\n", a->room, (unsigned long long)value);
		a->changes++;
	}
}

/* Only an admin admits: said before anything else is asked of the relay
 * (after the signed state is brought up to date: it may have just made
 * this member an admin). */
static enum status creator_only(struct client *c, const char *room)
{
	struct roomfile *rf = NULL;
	bool admitted = false;
	enum status st = membership_enter(c, room, false, &rf);

	if (st == ST_OK)
		st = roomsync_sync(c, rf, &admitted);
	if (st == ST_OK && !admin_is_me(c, rf))
		st = client_fail(c, ST_USAGE, "only an admin of room %s can do this", rf->room);
	roomfile_close(rf);
	return st;
}

enum status cmd_admit(struct client *c, int argc, char **argv)
{
	struct admit a = {0};
	struct session_front front = {.creator = on_creator, .notice = on_notice, .ctx = &a};
	struct session_options opt = {.show = false, .interval_ms = c->interval_ms};
	struct session *s = NULL;
	bool admitted = false;
	enum status st = command_room(c, argc > 2 ? 2 : argc, argv, 2, &a.room);

	for (int i = 2; st == ST_OK && i < argc; i++)
		if (!name_member_valid(argv[i]))
			st = client_fail(c, ST_USAGE, "'%s' is not a member name", argv[i]);
	if (st == ST_OK)
		st = creator_only(c, a.room);
	if (st == ST_OK)
		st = session_open(&s, c, a.room, &opt, &front);
	for (int i = 2; st == ST_OK && i < argc; i++)
		if (!session_approve(s, argv[i]))
			st = client_fail(c, ST_USAGE, "too many names (at most %d)",
					 SESSION_APPROVED_MAX);
	if (st == ST_OK)
		st = session_step_once(s, &admitted);
	if (st == ST_OK && a.changes == 0)
		fprintf(stderr, "Nobody to admit to %s.\n", a.room);
	session_close(s);
	return st;
}
