/* profile.c - profile directories and the identity file. The identity
 * file is 8 bytes of magic, then either (version 1) the Ed25519 secret key
 * (64) and the X25519 secret key (32), or (version 2) those two sealed
 * under a passphrase (identity.h, IDENTITY_SEALED_BYTES). It is read
 * straight into guarded memory and written atomically, mode 0600. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "password.h"
#include "profile.h"

static const uint8_t magic[8] = {'E', '2', 'E', 'I', 'D', 0, 0, 1};
static const uint8_t magic_sealed[8] = {'E', '2', 'E', 'I', 'D', 0, 0, 2};
#define ID_FILE_BYTES (sizeof magic + E2E_SIGN_SK_BYTES + E2E_BOX_SK_BYTES)
#define ID_SEALED_FILE_BYTES (sizeof magic_sealed + IDENTITY_SEALED_BYTES)
#define ID_FILE_MAX ID_SEALED_FILE_BYTES

int profile_mkdirs(const char *path)
{
	char *p = strdup(path);
	int ret = -1;

	if (!p)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			goto out;
		*s = '/';
	}
	ret = (mkdir(p, 0700) == 0 || errno == EEXIST) ? 0 : -1;
out:
	free(p);
	return ret;
}

enum status profile_dir(char **dir, const char *home_opt, const char *profile,
			char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	const char *env_home = getenv("E2E_CHAT_HOME");
	int n = -1;

	*dir = NULL;
	if (!name_member_valid(profile)) {
		snprintf(err, errlen, "profile name '%s' not allowed ([A-Za-z0-9._-])", profile);
		return ST_USAGE;
	}
	if (!home_opt)
		home_opt = env_home;
	if (home_opt)
		n = asprintf(dir, "%s", home_opt);
	else if (xdg && xdg[0] == '/')
		n = asprintf(dir, "%s/e2e-chat/%s", xdg, profile);
	else if (home && home[0] == '/')
		n = asprintf(dir, "%s/.local/share/e2e-chat/%s", home, profile);
	else {
		snprintf(err, errlen, "no home directory: set HOME or use --home DIR");
		return ST_USAGE;
	}
	if (n < 0) {
		*dir = NULL;
		snprintf(err, errlen, "out of memory");
		return ST_ERROR;
	}
	if (profile_mkdirs(*dir) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", *dir, strerror(errno));
		free(*dir);
		*dir = NULL;
		return ST_ERROR;
	}
	return ST_OK;
}

/* A sealed identity: the passphrase is asked for (or read) only now. */
static enum status open_sealed(struct identity **id, const uint8_t *sealed, const char *path,
			       const char *passphrase_file, char *err, size_t errlen)
{
	struct password *pw = NULL;
	char prompt[4200];
	enum status st;

	snprintf(prompt, sizeof prompt, "Passphrase for %s: ", path);
	if ((st = password_get(&pw, PASSPHRASE_ENV, passphrase_file, prompt, 0, err,
			       errlen)) != ST_OK)
		return st;
	*id = identity_open(sealed, pw->text, pw->len);
	password_free(pw);
	if (*id)
		return ST_OK;
	snprintf(err, errlen, "wrong passphrase for %s (or the file is damaged)", path);
	return ST_WRONG_PASSWORD;
}

static enum status load(struct identity **id, const char *path, const char *passphrase_file,
			char *err, size_t errlen)
{
	uint8_t *buf = sodium_malloc(ID_FILE_MAX + 1);
	struct stat st;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	enum status ret = ST_ERROR;

	if (fd < 0 || !buf || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s is accessible by other users; run: chmod 600 %s", path,
			 path);
		goto out;
	}
	n = read(fd, buf, ID_FILE_MAX + 1);
	if (n == (ssize_t)ID_SEALED_FILE_BYTES && !memcmp(buf, magic_sealed, sizeof magic_sealed)) {
		ret = open_sealed(id, buf + sizeof magic_sealed, path, passphrase_file, err, errlen);
		goto out;
	}
	if (n != (ssize_t)ID_FILE_BYTES || memcmp(buf, magic, sizeof magic) != 0) {
		snprintf(err, errlen, "%s is not an e2e-chat identity file", path);
		goto out;
	}
	*id = identity_from_secrets(buf + sizeof magic, buf + sizeof magic + E2E_SIGN_SK_BYTES);
	ret = *id ? ST_OK : ST_ERROR;
	if (!*id)
		snprintf(err, errlen, "%s holds an inconsistent key; it cannot be used", path);
out:
	if (fd >= 0)
		close(fd);
	sodium_free(buf);
	return ret;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write a new identity to a temporary file, then link it into place:
 * link() fails if another process created the identity meanwhile, and a
 * crash never leaves a half-written identity behind. */
static enum status create(const char *path, char *err, size_t errlen)
{
	struct identity *id = identity_generate();
	uint8_t *buf = sodium_malloc(ID_FILE_BYTES);
	char tmp[4096];
	int fd = -1;
	enum status ret = ST_ERROR;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= sizeof tmp ||
	    !id || !buf)
		goto out;
	memcpy(buf, magic, sizeof magic);
	memcpy(buf + sizeof magic, id->sign_sk, E2E_SIGN_SK_BYTES);
	memcpy(buf + sizeof magic + E2E_SIGN_SK_BYTES, id->box_sk, E2E_BOX_SK_BYTES);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, buf, ID_FILE_BYTES) != 0 || fsync(fd) != 0 ||
	    (link(tmp, path) != 0 && errno != EEXIST)) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	ret = ST_OK;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	sodium_free(buf);
	identity_free(id);
	return ret;
}

bool profile_identity_sealed(const char *dir)
{
	char path[4096];
	uint8_t head[sizeof magic_sealed];
	int fd;
	bool sealed = false;

	snprintf(path, sizeof path, "%s/identity", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, head, sizeof head) == (ssize_t)sizeof head)
		sealed = memcmp(head, magic_sealed, sizeof head) == 0;
	if (fd >= 0)
		close(fd);
	return sealed;
}

enum status profile_identity(struct identity **id, const char *dir, const char *passphrase_file,
			     char *err, size_t errlen)
{
	char path[4096];
	enum status st;

	*id = NULL;
	if ((size_t)snprintf(path, sizeof path, "%s/identity", dir) >= sizeof path) {
		snprintf(err, errlen, "profile path too long");
		return ST_ERROR;
	}
	if (access(path, F_OK) != 0 && (st = create(path, err, errlen)) != ST_OK)
		return st;
	return load(id, path, passphrase_file, err, errlen);
}

/* The identity file's bytes: sealed under `pass`, or plain without. */
static size_t identity_bytes(uint8_t *buf, const struct identity *id,
			     const struct password *pass)
{
	if (pass) {
		memcpy(buf, magic_sealed, sizeof magic_sealed);
		return identity_seal(buf + sizeof magic_sealed, id, pass->text, pass->len)
			       ? ID_SEALED_FILE_BYTES
			       : 0;
	}
	memcpy(buf, magic, sizeof magic);
	memcpy(buf + sizeof magic, id->sign_sk, E2E_SIGN_SK_BYTES);
	memcpy(buf + sizeof magic + E2E_SIGN_SK_BYTES, id->box_sk, E2E_BOX_SK_BYTES);
	return ID_FILE_BYTES;
}

enum status profile_rewrite_identity(const char *dir, const struct identity *id,
				     const struct password *pass, char *err, size_t errlen)
{
	uint8_t *buf = sodium_malloc(ID_FILE_MAX);
	char path[4096], tmp[4200];
	size_t len = buf ? identity_bytes(buf, id, pass) : 0;
	int fd = -1;
	enum status st = ST_ERROR;

	snprintf(path, sizeof path, "%s/identity", dir);
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	if (!len) {
		snprintf(err, errlen, "cannot seal the identity (out of memory?)");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, buf, len) != 0 || fsync(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		goto out;
	}
	st = ST_OK;
out:
	if (fd >= 0)
		close(fd);
	sodium_free(buf);
	return st;
}

/* The relay URL as a directory name: [A-Za-z0-9.-] kept, the rest '_'. */
static void relay_slug(char *out, size_t cap, const char *url)
{
	size_t i = 0;

	for (; url[i] && i + 1 < cap; i++) {
		char c = url[i];
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.' || c == '-';
		out[i] = keep ? c : '_';
	}
	out[i] = '\0';
}

void profile_adopt_relay(const char *dir, const char *old_url, const char *url)
{
	char old_slug[160], slug[160], *from = NULL, *to = NULL;
	struct stat st;

	relay_slug(old_slug, sizeof old_slug, old_url);
	relay_slug(slug, sizeof slug, url);
	if (strcmp(old_slug, slug) == 0)
		return;
	if (asprintf(&from, "%s/rooms/%s", dir, old_slug) < 0) {
		from = NULL;
		goto out;
	}
	if (asprintf(&to, "%s/rooms/%s", dir, slug) < 0) {
		to = NULL;
		goto out;
	}
	if (stat(from, &st) == 0 && S_ISDIR(st.st_mode) && lstat(to, &st) != 0 && errno == ENOENT)
		(void)rename(from, to);
out:
	free(from);
	free(to);
}

enum status profile_room_path(char **path, const char *dir, const char *relay_url,
			      const char *room, char *err, size_t errlen)
{
	char slug[160], *sub = NULL;

	*path = NULL;
	relay_slug(slug, sizeof slug, relay_url);
	if (asprintf(&sub, "%s/rooms/%s", dir, slug) < 0) {
		snprintf(err, errlen, "out of memory");
		return ST_ERROR;
	}
	if (profile_mkdirs(sub) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", sub, strerror(errno));
		free(sub);
		return ST_ERROR;
	}
	if (asprintf(path, "%s/%s.json", sub, room) < 0)
		*path = NULL;
	free(sub);
	if (!*path) {
		snprintf(err, errlen, "out of memory");
		return ST_ERROR;
	}
	return ST_OK;
}
