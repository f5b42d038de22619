/* cmd_verify.c - `e2e-chat verify ROOM NAME [--accept]`: print NAME's
 * safety number (the same on every member's screen, NAME's own included)
 * to compare out of band; --accept records that you did, and accepts keys
 * that changed since you first saw them. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "fingerprint.h"
#include "names.h"

/* NAME's fingerprint into fp, accepting its keys first if asked; *k
 * the trust record. Shared by every front end. */
enum status verify_keys(struct client *c, struct roomfile *rf, const char *name, bool accept,
			char fp[FINGERPRINT_LEN], const struct known_keys **known)
{
	const struct wire_member *m = wire_state_find(&rf->state, name);
	struct known_keys *k = roomfile_known(rf, name);

	if (!m || !k)
		return client_fail(c, ST_USAGE, "%s is not an admitted member of %s", name,
				   rf->room);
	if (!fingerprint_member(fp, m))
		return client_fail(c, ST_ERROR, "cannot compute the fingerprint");
	if (accept) {
		k->verified = true;
		k->changed = false;
		if (roomfile_save(rf, c->err, sizeof c->err) != ST_OK)
			return ST_ERROR;
	}
	*known = k;
	return ST_OK;
}

/* Shared with /verify and /accept in the chat. */
enum status verify_member(struct client *c, struct roomfile *rf, const char *name, bool accept)
{
	const struct known_keys *k = NULL;
	char fp[FINGERPRINT_LEN];
	enum status st = verify_keys(c, rf, name, accept, fp, &k);

	if (st != ST_OK)
		return st;
	printf("%s\t%s\t%s\n", name, fp,
	       k->changed ? "KEYS CHANGED, not verified" : k->verified ? "verified" : "not verified");
	fflush(stdout);
	return ST_OK;
}

enum status cmd_verify(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	enum status st;

	if (argc != 3 || !name_member_valid(argv[2]))
		return client_fail(c, ST_USAGE, "usage: e2e-chat verify ROOM NAME [--accept]");
	if ((st = command_enter(c, 2, argv, 2, false, &rf)) == ST_OK)
		st = verify_member(c, rf, argv[2], c->accept);
	roomfile_close(rf);
	return st;
}
