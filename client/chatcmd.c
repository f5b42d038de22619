/* chatcmd.c - the chat's /commands (chatcmd.h). */
#include <stdio.h>
#include <string.h>

#include "chatcmd.h"
#include "commands.h"
#include "membership.h"
#include "names.h"
#include "roomsync.h"

struct cmd_ctx {
	const char *room;
	bool quit;
};

/* The relay's list against the signed state brought up to date first, as
 * `members` does: a state older than the list made every admission and
 * removal since the chat's last step look like a lie of the relay. */
static enum status chat_list(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	bool admitted;
	enum status st = roomsync_sync(session_client(s), rf, &admitted);

	return st == ST_OK ? members_show(session_client(s), rf) : st;
}

static enum status chat_verify(struct session *s, struct roomfile *rf, const char *arg,
			       void *ctx)
{
	return verify_member(session_client(s), rf, arg, false);
}

static enum status chat_accept(struct session *s, struct roomfile *rf, const char *arg,
			       void *ctx)
{
	return verify_member(session_client(s), rf, arg, true);
}

/* /kick bans (the person may not come back under any name until an
 * admin runs unban); /deny turns a pending member away. Either ends an
 * approval of the name. */
static enum status chat_remove(struct session *s, struct roomfile *rf, const char *arg,
			       bool ban)
{
	enum status st = admin_remove(session_client(s), rf, arg, ban);

	session_forget_approval(s, arg);
	return st == ST_OK ? session_creator(s, rf, false) : st;
}

static enum status chat_kick(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return chat_remove(s, rf, arg, true);
}

static enum status chat_deny(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	return chat_remove(s, rf, arg, false);
}

static enum status chat_approve(struct session *s, struct roomfile *rf, const char *arg,
				void *ctx)
{
	if (!session_approve(s, arg))
		return client_fail(session_client(s), ST_USAGE, "too many approvals pending");
	return session_creator(s, rf, false);
}

static enum status chat_rotate(struct session *s, struct roomfile *rf, const char *arg,
			       void *ctx)
{
	return session_creator(s, rf, true);
}

static enum status chat_leave(struct session *s, struct roomfile *rf, const char *arg, void *ctx)
{
	struct cmd_ctx *cc = ctx;
	enum status st = membership_leave(session_client(s), rf);

	if (st == ST_OK) {
		fprintf(stderr, "You left %s.\n", cc->room);
		cc->quit = true;
	}
	return st;
}

static const struct {
	const char *name;
	bool takes_name;
	session_room_fn run;
	const char *help;
} chat_commands[] = {
	{"/list", false, chat_list, "members, their status and whether you verified them"},
	{"/verify", true, chat_verify, "NAME's fingerprint, to compare out of band"},
	{"/accept", true, chat_accept, "mark NAME's current keys verified (after comparing)"},
	{"/kick", true, chat_kick, "remove and ban NAME; a new epoch starts without them (admin)"},
	{"/approve", true, chat_approve, "admit NAME in an --approve room (admin)"},
	{"/deny", true, chat_deny, "turn NAME away in an --approve room (admin)"},
	{"/rotate", false, chat_rotate, "start a new epoch now (admin)"},
	{"/leave", false, chat_leave, "give up your membership and quit"},
};
#define N_COMMANDS (sizeof chat_commands / sizeof chat_commands[0])

static void chat_help(void)
{
	fputs("/help             this list\n", stderr);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(stderr, "%-8s %-8s %s\n", chat_commands[i].name,
			chat_commands[i].takes_name ? "NAME" : "", chat_commands[i].help);
	fputs("/quit             leave the chat (you stay a member)\n"
	      "Any other line is sent to the room; start it with // to send a leading /.\n",
	      stderr);
}

size_t chatcmd_names(const char **names, size_t max)
{
	static const char *const extra[] = {"/help", "/quit"};
	size_t n = 0;

	for (size_t i = 0; i < 2 && n < max; i++)
		names[n++] = extra[i];
	for (size_t i = 0; i < N_COMMANDS && n < max; i++)
		names[n++] = chat_commands[i].name;
	return n;
}

/* The argument as a member name, if it is one. */
static bool arg_name(const struct chatline *cl, char name[static E2E_MEMBER_NAME_MAX + 1])
{
	if (!cl->arg || !cl->arg_one_word || cl->arg_len > E2E_MEMBER_NAME_MAX)
		return false;
	memcpy(name, cl->arg, cl->arg_len);
	name[cl->arg_len] = '\0';
	return name_member_valid(name);
}

enum status chatcmd_run(struct session *s, const char *room, const struct chatline *cl,
			bool *quit)
{
	struct cmd_ctx cc = {room, false};
	char name[E2E_MEMBER_NAME_MAX + 1] = "";
	bool named;
	enum status st;

	*quit = false;
	if (strcmp(cl->name, "/quit") == 0 || strcmp(cl->name, "/exit") == 0) {
		*quit = true;
		return ST_OK;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(cl->name, chat_commands[i].name) != 0)
			continue;
		named = arg_name(cl, name);
		if (chat_commands[i].takes_name ? !named : cl->arg != NULL) {
			fprintf(stderr, "Usage: %s%s\n", cl->name,
				chat_commands[i].takes_name ? " NAME" : "");
			return ST_OK;
		}
		st = session_with_room(s, chat_commands[i].run, named ? name : NULL, &cc);
		if (st != ST_OK && st != ST_NOT_MEMBER && st != ST_UNREACHABLE) {
			fprintf(stderr, "%s\n", session_client(s)->err);
			st = ST_OK;
		}
		*quit = cc.quit;
		return st;
	}
	if (strcmp(cl->name, "/help") != 0)
		fprintf(stderr, "Unknown command %s: not sent (/help lists the commands; "
			"// sends a line starting with /).\n", cl->name);
	chat_help();
	return ST_OK;
}
