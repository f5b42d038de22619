/* cmd_passphrase.c - `e2e-chat passphrase [--remove]`: protect this
 * profile's identity with a passphrase (Argon2id + XChaCha20-Poly1305),
 * change it, or remove it. The current passphrase, if any, was already
 * needed to load the identity; the new one is typed twice, or read from
 * --new-passphrase-file or E2E_CHAT_NEW_PASSPHRASE. */
#include <stdio.h>

#include "commands.h"
#include "password.h"
#include "profile.h"

enum status cmd_passphrase(struct client *c, int argc, char **argv)
{
	struct password *pw = NULL;
	enum status st;

	if (argc != 1)
		return client_fail(c, ST_USAGE, "usage: e2e-chat passphrase [--remove]");
	if (!c->remove_passphrase &&
	    (st = password_get(&pw, NEW_PASSPHRASE_ENV, c->new_passphrase_file,
			       "New passphrase for your identity: ", 1, c->err,
			       sizeof c->err)) != ST_OK)
		return st;
	st = profile_rewrite_identity(c->home, c->id, pw, c->err, sizeof c->err);
	if (st == ST_OK)
		printf("%s/identity is %s\n", c->home,
		       pw ? "protected by the new passphrase" : "no longer protected by a passphrase");
	password_free(pw);
	return st;
}
