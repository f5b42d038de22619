/* password.c - reading a password from env, file or terminal. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>

#include "password.h"
#include "proto.h"

/* The command-line option that names a file for each variable's secret. */
static const char *file_option(const char *env)
{
	if (strcmp(env, PASSPHRASE_ENV) == 0)
		return "--passphrase-file";
	if (strcmp(env, NEW_PASSPHRASE_ENV) == 0)
		return "--new-passphrase-file";
	return "--password-file";
}

/* sodium_malloc puts a block right against its guard page, so the block
 * is aligned only if its size is a multiple of the alignment. */
#define PASSWORD_ALLOC                                                            \
	((sizeof(struct password) + E2E_PASSWORD_MAX + 2 + _Alignof(struct password) - 1) / \
	 _Alignof(struct password) * _Alignof(struct password))

static struct password *password_alloc(void)
{
	struct password *pw = sodium_malloc(PASSWORD_ALLOC);

	if (pw)
		pw->len = 0;
	return pw;
}

void password_free(struct password *pw)
{
	sodium_free(pw);
}

/* Read one line (without its newline) from fd into pw. */
static int read_line(int fd, struct password *pw)
{
	char c;
	ssize_t n;

	pw->len = 0;
	while ((n = read(fd, &c, 1)) == 1 && c != '\n') {
		if (pw->len > E2E_PASSWORD_MAX)
			continue; /* keep draining; refused as too long below */
		pw->text[pw->len++] = c;
	}
	if (n < 0)
		return -1;
	if (pw->len && pw->text[pw->len - 1] == '\r')
		pw->len--;
	pw->text[pw->len] = '\0';
	return 0;
}

static int prompt_tty(struct password *pw, const char *prompt)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	int ret = -1;

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &old) != 0)
		goto out;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
		goto out;
	ret = read_line(fd, pw);
	tcsetattr(fd, TCSAFLUSH, &old);
out:
	close(fd);
	return ret;
}

static int from_file(struct password *pw, const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = read_line(fd, pw);
	close(fd);
	return ret;
}

static enum status typed(struct password **out, const char *env, const char *prompt,
			 int confirm, char *err, size_t errlen)
{
	struct password *again = NULL;
	enum status st = ST_ERROR;

	if (prompt_tty(*out, prompt) != 0) {
		snprintf(err, errlen, "no terminal to ask on: use %s FILE or set %s",
			 file_option(env), env);
		return ST_USAGE;
	}
	if (!confirm)
		return ST_OK;
	if (!(again = password_alloc()) || prompt_tty(again, "Repeat it: ") != 0)
		snprintf(err, errlen, "could not read the password again");
	else if (again->len != (*out)->len ||
		 sodium_memcmp(again->text, (*out)->text, again->len) != 0)
		snprintf(err, errlen, "the two entries differ");
	else
		st = ST_OK;
	password_free(again);
	return st;
}

enum status password_from(struct password **out, const char *text, size_t len, char *err,
			  size_t errlen)
{
	*out = NULL;
	if (len < E2E_PASSWORD_MIN || len > E2E_PASSWORD_MAX) {
		snprintf(err, errlen, "passwords and passphrases must be %d to %d bytes long",
			 E2E_PASSWORD_MIN, E2E_PASSWORD_MAX);
		return ST_USAGE;
	}
	if (!(*out = password_alloc())) {
		snprintf(err, errlen, "out of secure memory");
		return ST_ERROR;
	}
	memcpy((*out)->text, text, len);
	(*out)->text[len] = '\0';
	(*out)->len = len;
	return ST_OK;
}

enum status password_get(struct password **out, const char *env_name, const char *file,
			 const char *prompt, int confirm, char *err, size_t errlen)
{
	const char *env = getenv(env_name);
	enum status st = ST_OK;

	if (!(*out = password_alloc())) {
		snprintf(err, errlen, "out of secure memory");
		return ST_ERROR;
	}
	if (file) {
		if (from_file(*out, file) != 0) {
			snprintf(err, errlen, "cannot read password file %s: %s", file, strerror(errno));
			st = ST_ERROR;
		}
	} else if (env) {
		(*out)->len = strnlen(env, E2E_PASSWORD_MAX + 1);
		memcpy((*out)->text, env, (*out)->len);
		(*out)->text[(*out)->len] = '\0';
	} else {
		st = typed(out, env_name, prompt, confirm, err, errlen);
	}
	if (st == ST_OK && ((*out)->len < E2E_PASSWORD_MIN || (*out)->len > E2E_PASSWORD_MAX)) {
		snprintf(err, errlen, "passwords and passphrases must be %d to %d bytes long",
			 E2E_PASSWORD_MIN, E2E_PASSWORD_MAX);
		st = ST_USAGE;
	}
	if (st != ST_OK) {
		password_free(*out);
		*out = NULL;
	}
	return st;
}
