/* cmd_roomadmin.c - an admin's verbs on the signed state besides kick
 * and rotate: `unban ROOM NAME|FINGERPRINT`, `admin ROOM NAME [--remove]`
 * and `password ROOM` (a new room password: new salt, Argon2id limits
 * and access key, signed; the old password stops working for new joins
 * at once, admitted members are not affected). Each is one admin step
 * (admin.h) whose new state must be served back by the relay. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "commands.h"
#include "fingerprint.h"
#include "names.h"
#include "password.h"
#include "roomsync.h"

/* The user's change on top of the newest state (another admin may have
 * signed one since this room file was read: a chat or a web page runs
 * long). */
static enum status one_step(struct client *c, struct roomfile *rf,
			    const struct admin_request *req)
{
	bool admitted = false, changed = false, rotated = false;
	enum status st = roomsync_sync(c, rf, &admitted);

	if (st == ST_OK)
		st = admin_step(c, rf, req, &changed, &rotated);

	if (st == ST_OK && !changed)
		st = client_fail(c, ST_ERROR, "room %s did not change: another admin's state came "
				 "first; try again", rf->room);
	return st;
}

/* A fingerprint as printed (groups of hex digits, spaces optional) equals
 * m's. */
static bool fingerprint_is(const struct wire_member *m, const char *arg)
{
	char fp[FINGERPRINT_LEN];
	size_t j = 0;

	if (!fingerprint_member(fp, m))
		return false;
	for (size_t i = 0; fp[i]; i++) {
		if (fp[i] == ' ')
			continue;
		while (arg[j] == ' ')
			j++;
		if (tolower((unsigned char)arg[j]) != fp[i])
			return false;
		j++;
	}
	while (arg[j] == ' ')
		j++;
	return arg[j] == '\0';
}

static const struct wire_member *banned_entry(const struct roomfile *rf, const char *arg)
{
	for (size_t i = 0; i < rf->state.n_banned; i++)
		if (strcmp(rf->state.banned[i].name, arg) == 0 ||
		    fingerprint_is(&rf->state.banned[i], arg))
			return &rf->state.banned[i];
	return NULL;
}

enum status roomadmin_unban(struct client *c, struct roomfile *rf, const char *who)
{
	struct admin_request req = {.unban = banned_entry(rf, who)};

	if (!req.unban)
		return client_fail(c, ST_USAGE, "nobody banned from %s is named %s or has that "
				   "fingerprint", rf->room, who);
	return one_step(c, rf, &req);
}

enum status roomadmin_admin(struct client *c, struct roomfile *rf, const char *name, bool remove)
{
	struct admin_request req = {.admin_name = name, .admin_remove = remove};

	return one_step(c, rf, &req);
}

enum status roomadmin_password(struct client *c, struct roomfile *rf, const char *password,
			       size_t len)
{
	struct admin_request req = {0};
	struct admin_password *np = NULL;
	enum status st = ST_OK;

	if (!admin_is_me(c, rf))
		return client_fail(c, ST_USAGE, "only an admin of room %s changes its password",
				   rf->room);
	if (len < E2E_PASSWORD_MIN || len > E2E_PASSWORD_MAX)
		return client_fail(c, ST_USAGE, "a room password has %d to %d bytes",
				   E2E_PASSWORD_MIN, E2E_PASSWORD_MAX);
	np = admin_new_password(password, len);
	if (!np)
		st = client_fail(c, ST_ERROR, "cannot derive the new room keys (out of memory?)");
	req.password = np;
	if (st == ST_OK)
		st = one_step(c, rf, &req);
	admin_password_free(np);
	return st;
}

enum status cmd_unban(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	enum status st;

	if (argc != 3)
		return client_fail(c, ST_USAGE, "usage: e2e-chat unban ROOM NAME|FINGERPRINT");
	st = command_enter(c, 2, argv, 2, false, &rf);
	if (st == ST_OK)
		st = roomadmin_unban(c, rf, argv[2]);
	if (st == ST_OK)
		printf("unbanned %s in %s: they may join again\n", argv[2], rf->room);
	roomfile_close(rf);
	return st;
}

enum status cmd_admin(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	enum status st;

	if (argc != 3 || !name_member_valid(argv[2]))
		return client_fail(c, ST_USAGE, "usage: e2e-chat admin ROOM NAME [--remove]");
	st = command_enter(c, 2, argv, 2, false, &rf);
	if (st == ST_OK)
		st = roomadmin_admin(c, rf, argv[2], c->remove);
	if (st == ST_OK)
		printf("%s is %s an admin of %s\n", argv[2], c->remove ? "no longer" : "now",
		       rf->room);
	roomfile_close(rf);
	return st;
}

enum status cmd_password(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	struct password *pw = NULL;
	char prompt[160];
	enum status st = command_enter(c, argc, argv, 2, false, &rf);

	if (st == ST_OK && !admin_is_me(c, rf))
		st = client_fail(c, ST_USAGE, "only an admin of room %s changes its password",
				 rf->room);
	if (st == ST_OK) {
		snprintf(prompt, sizeof prompt, "New room password for %s: ", rf->room);
		st = password_get(&pw, PASSWORD_ENV, c->password_file, prompt, true, c->err,
				  sizeof c->err);
	}
	if (st == ST_OK)
		st = roomadmin_password(c, rf, pw->text, pw->len);
	password_free(pw);
	if (st == ST_OK)
		printf("the password of %s changed: new members need the new one; members already "
		       "in the room are not affected\n", rf->room);
	roomfile_close(rf);
	return st;
}
