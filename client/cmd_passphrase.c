/* cmd_passphrase.c - `e2e-chat passphrase [--remove]`: protect this
 * profile's identity with a passphrase (Argon2id + XChaCha20-Poly1305),
 * change it, or remove it. The current passphrase, if any, was already
 * needed to load the identity; the new one is typed twice, or read from
 * --new-passphrase-file or E2E_CHAT_NEW_PASSPHRASE. With a passphrase,
 * the room files' keys are sealed too (roomfile.h); without, they are
 * written in the clear again. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "password.h"
#include "profile.h"
#include "roomfile.h"

/* Save one room file again, its secrets sealed (`seal`) or not. */
static enum status reseal_file(struct client *c, const char *path, bool seal)
{
	struct roomfile *rf = NULL;
	enum status st = roomfile_open_sealed(&rf, path, c->room_key, seal, c->err, sizeof c->err);

	if (st == ST_OK && rf->exists)
		st = roomfile_save(rf, c->err, sizeof c->err);
	roomfile_close(rf);
	return st;
}

/* Every room file of the profile (rooms/RELAY/ROOM.json), so that their
 * keys are sealed as soon as the identity is (or opened when it is not). */
static enum status reseal_rooms(struct client *c, bool seal)
{
	/* a directory path, and two names of at most 255 bytes each */
	char dir[4096], path[sizeof dir + 2 * 256 + 2];
	DIR *relays, *rooms;
	struct dirent *r, *f;
	size_t n;
	enum status st = ST_OK;

	snprintf(dir, sizeof dir, "%s/rooms", c->home);
	relays = opendir(dir);
	while (relays && st == ST_OK && (r = readdir(relays)) != NULL) {
		if (r->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, r->d_name);
		rooms = opendir(path);
		while (rooms && st == ST_OK && (f = readdir(rooms)) != NULL) {
			n = strlen(f->d_name);
			if (n < 6 || strcmp(f->d_name + n - 5, ".json") != 0)
				continue;
			snprintf(path, sizeof path, "%s/%s/%s", dir, r->d_name, f->d_name);
			st = reseal_file(c, path, seal);
		}
		if (rooms)
			closedir(rooms);
	}
	if (relays)
		closedir(relays);
	return st;
}

enum status cmd_passphrase(struct client *c, int argc, char **argv)
{
	struct password *pw = NULL;
	enum status st;

	if (argc != 1)
		return client_fail(c, ST_USAGE, "usage: e2e-chat passphrase [--remove]");
	if (!c->remove &&
	    (st = password_get(&pw, NEW_PASSPHRASE_ENV, c->new_passphrase_file,
			       "New passphrase for your identity: ", 1, c->err,
			       sizeof c->err)) != ST_OK)
		return st;
	st = profile_rewrite_identity(c->home, c->id, pw, c->err, sizeof c->err);
	if (st == ST_OK)
		st = reseal_rooms(c, pw != NULL);
	if (st == ST_OK)
		printf("%s/identity is %s\n", c->home,
		       pw ? "protected by the new passphrase" : "no longer protected by a passphrase");
	password_free(pw);
	return st;
}
