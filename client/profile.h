/* profile.h - where a client identity lives on disk and the identity
 * file itself. A profile is a directory, mode 0700:
 *   --home DIR or $E2E_CHAT_HOME            the profile directory itself, or
 *   $XDG_DATA_HOME/e2e-chat/PROFILE         (~/.local/share/... by default)
 * holding `identity` (mode 0600: the two secret keys) and
 * rooms/RELAY/ROOM.json (mode 0600, see roomfile.h). */
#ifndef E2E_PROFILE_H
#define E2E_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "identity.h"
#include "status.h"

/* Resolve and create the profile directory; *dir is malloc'd. */
enum status profile_dir(char **dir, const char *home_opt, const char *profile,
			char *err, size_t errlen);

/* Load the identity, creating it on first use. A passphrase-protected
 * one asks for its passphrase (E2E_CHAT_PASSPHRASE, `passphrase_file`,
 * or the terminal); a wrong one is ST_WRONG_PASSWORD. */
enum status profile_identity(struct identity **id, const char *dir, const char *passphrase_file,
			     char *err, size_t errlen);

/* Is the identity file in `dir` sealed under a passphrase? */
bool profile_identity_sealed(const char *dir);

/* Write the identity again, sealed under `pass`, or plain if NULL
 * (atomically: the old file stays whole until the new one is complete). */
struct password;
enum status profile_rewrite_identity(const char *dir, const struct identity *id,
				     const struct password *pass, char *err, size_t errlen);

/* The room file for (relay URL, room), its directory created; malloc'd. */
enum status profile_room_path(char **path, const char *dir, const char *relay_url,
			      const char *room, char *err, size_t errlen);

/* Room files kept under `old_url`, another spelling of the relay whose
 * normal form is `url` (relayurl.h), move to `url`'s directory unless it
 * exists already. Best effort: a failure leaves them where they were. */
void profile_adopt_relay(const char *dir, const char *old_url, const char *url);

/* mkdir -p with mode 0700. */
int profile_mkdirs(const char *path);

#endif
