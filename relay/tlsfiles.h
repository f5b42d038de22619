/* tlsfiles.h - the relay's certificate and private key, read from PEM
 * files for libmicrohttpd (which takes them as text). The key lives in
 * sodium_malloc memory, wiped when freed, and its file must not be
 * readable by other users. */
#ifndef RELAY_TLSFILES_H
#define RELAY_TLSFILES_H

#include <stdbool.h>

struct tlsfiles {
	char *cert; /* NUL-terminated PEM */
	char *key;  /* NUL-terminated PEM, sodium_malloc'd */
};

/* false with a reason on stderr. */
bool tlsfiles_load(struct tlsfiles *t, const char *cert_path, const char *key_path);
void tlsfiles_free(struct tlsfiles *t);

#endif
