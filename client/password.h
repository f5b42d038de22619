/* password.h - getting a room password without it touching argv or a
 * log: from E2E_CHAT_PASSWORD, from a file (--password-file), or typed at
 * the terminal (/dev/tty, echo off). Always in sodium_malloc memory. */
#ifndef E2E_PASSWORD_H
#define E2E_PASSWORD_H

#include <stddef.h>

#include "status.h"

struct password {
	size_t len;
	char text[]; /* NUL-terminated */
};

/* `file` may be NULL. `confirm`: ask twice when typed (room creation).
 * On failure *out is NULL and err holds the reason. */
enum status password_get(struct password **out, const char *file, const char *prompt,
			 int confirm, char *err, size_t errlen);
void password_free(struct password *pw);

#endif
