/* relayurl.h - one spelling for each relay. A membership belongs to the
 * relay's URL (profile.h: rooms/RELAY/ROOM.json), so two spellings of one
 * relay must not become two memberships: the scheme and host are taken in
 * lower case, a default port (80 for http, 443 for https) is dropped, and
 * so are trailing slashes. What the URL cannot be is refused here, once,
 * in plain words: another scheme, credentials, a query or a fragment. */
#ifndef E2E_RELAYURL_H
#define E2E_RELAYURL_H

#include <stdbool.h>
#include <stddef.h>

/* Longest normalised URL (a host name of 253, a port, a short path). */
#define RELAYURL_MAX 512

/* The normal form of `url` in out[RELAYURL_MAX]; false with a reason in
 * err if it is not a relay URL. No I/O. */
bool relayurl_normalise(char out[static RELAYURL_MAX], const char *url, char *err,
			size_t errlen) __attribute__((warn_unused_result));

#endif
