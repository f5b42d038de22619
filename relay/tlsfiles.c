/* tlsfiles.c - reading the PEM files (see tlsfiles.h). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlsfiles.h"

/* A certificate chain or key is a few KiB; more is not a PEM file. */
#define TLSFILES_MAX (256 * 1024)

/* The whole file, NUL-terminated, in memory from `alloc`; NULL on failure. */
static char *read_pem(const char *path, bool secret)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "relay: cannot read %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (secret && (st.st_mode & 077)) {
		fprintf(stderr, "relay: %s is readable by other users; run: chmod 600 %s\n", path,
			path);
		goto out;
	}
	if (st.st_size <= 0 || st.st_size > TLSFILES_MAX) {
		fprintf(stderr, "relay: %s is not a PEM file of at most %d bytes\n", path,
			TLSFILES_MAX);
		goto out;
	}
	buf = secret ? sodium_malloc((size_t)st.st_size + 1) : malloc((size_t)st.st_size + 1);
	if (buf && (n = read(fd, buf, (size_t)st.st_size)) == st.st_size) {
		buf[n] = '\0';
	} else {
		fprintf(stderr, "relay: cannot read %s\n", path);
		if (secret)
			sodium_free(buf);
		else
			free(buf);
		buf = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

bool tlsfiles_load(struct tlsfiles *t, const char *cert_path, const char *key_path)
{
	t->cert = read_pem(cert_path, false);
	t->key = t->cert ? read_pem(key_path, true) : NULL;
	if (!t->key) {
		tlsfiles_free(t);
		return false;
	}
	return true;
}

void tlsfiles_free(struct tlsfiles *t)
{
	free(t->cert);
	sodium_free(t->key);
	t->cert = NULL;
	t->key = NULL;
}
