/* profile.c - profile directories and the identity file. The identity
 * file is 8 bytes of magic, the Ed25519 secret key (64) and the X25519
 * secret key (32); it is read straight into guarded memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "profile.h"

static const uint8_t magic[8] = {'E', '2', 'E', 'I', 'D', 0, 0, 1};
#define ID_FILE_BYTES (sizeof magic + E2E_SIGN_SK_BYTES + E2E_BOX_SK_BYTES)

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

static enum status load(struct identity **id, const char *path, char *err, size_t errlen)
{
	uint8_t *buf = sodium_malloc(ID_FILE_BYTES + 1);
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
	n = read(fd, buf, ID_FILE_BYTES + 1);
	if (n != (ssize_t)ID_FILE_BYTES || memcmp(buf, magic, sizeof magic) != 0) {
		snprintf(err, errlen, "%s is not an e2e-chat identity file", path);
		goto out;
	}
	*id = identity_from_secrets(buf + sizeof magic, buf + sizeof magic + E2E_SIGN_SK_BYTES);
	ret = *id ? ST_OK : ST_ERROR;
	if (!*id)
		snprintf(err, errlen, "cannot load %s", path);
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

enum status profile_identity(struct identity **id, const char *dir, char *err, size_t errlen)
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
	return load(id, path, err, errlen);
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
