/* password.h - getting a secret (a room password, an identity
 * passphrase) without it touching argv or a log: from an environment
 * variable, from a file, or typed at the terminal (/dev/tty, echo off).
 * Always in sodium_malloc memory. */
#ifndef E2E_PASSWORD_H
#define E2E_PASSWORD_H

#include <stddef.h>

#include "status.h"

struct password {
	size_t len;
	char text[]; /* NUL-terminated */
};

/* Environment variables the secrets may come from. */
#define PASSWORD_ENV "E2E_CHAT_PASSWORD"
#define PASSPHRASE_ENV "E2E_CHAT_PASSPHRASE"
#define NEW_PASSPHRASE_ENV "E2E_CHAT_NEW_PASSPHRASE"

/* From `file` if not NULL, else the variable `env`, else the terminal.
 * `confirm`: ask twice when typed. Length E2E_PASSWORD_MIN to _MAX.
 * On failure *out is NULL and err holds the reason. */
enum status password_get(struct password **out, const char *env, const char *file,
			 const char *prompt, int confirm, char *err, size_t errlen);
void password_free(struct password *pw);

/* A copy of `text` (a secret a front end was given), checked like
 * password_get's. */
enum status password_from(struct password **out, const char *text, size_t len, char *err,
			  size_t errlen);

#endif
