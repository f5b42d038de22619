/* messages.h - sending and reading chat messages. Reading checks, for
 * every message, that its sender is in the creator-signed state, that
 * the sender's signature and the AEAD verify under the epoch's key, and
 * that the sender's counter increases with the relay's sequence (a
 * repeated or older counter is a replay). Refused messages are never
 * shown; each one gives a SECURITY: line on stderr. */
#ifndef E2E_MESSAGES_H
#define E2E_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "roomfile.h"

struct shown_msg {
	uint64_t seq;
	const char *sender;
	int64_t time_ms;   /* the sender's clock, authenticated */
	const char *text;  /* NUL-terminated; may hold any character */
	size_t text_len;
	bool mine;
};

typedef void (*messages_show_fn)(const struct shown_msg *m, void *user);

/* Encrypt, sign and post one message. The caller has synced and found
 * the member admitted. */
enum status messages_send(struct client *c, struct roomfile *rf, const char *text, size_t len);

/* Read every message with seq > after, oldest first, calling `show` for
 * each authentic one. Saves the room file. */
enum status messages_read(struct client *c, struct roomfile *rf, uint64_t after,
			  messages_show_fn show, void *user);

#endif
