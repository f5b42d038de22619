/* messages.h - sending and reading chat messages. Reading checks, for
 * every message, that its sender was a member at the message's epoch in
 * the creator-signed state (current or former members), that
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
	uint64_t epoch;
	const char *sender;
	int64_t time_ms;   /* the sender's clock, authenticated */
	const char *text;  /* NUL-terminated; may hold any character */
	size_t text_len;
	bool mine;
	bool leave;        /* the sender's signed departure (text empty) */
	bool verified;     /* the user compared this sender's fingerprint */
	bool keys_changed; /* the sender's keys changed since first seen */
};

typedef void (*messages_show_fn)(const struct shown_msg *m, void *user);

/* Encrypt, sign and post one message. The caller has synced and found
 * the member admitted. */
enum status messages_send(struct client *c, struct roomfile *rf, const char *text, size_t len);

/* A signed "I leave": the creator drops a member from the room state only
 * on its own removal or on this, never on the relay's word alone. */
enum status messages_send_leave(struct client *c, struct roomfile *rf);

/* Read every message with seq > after, oldest first, calling `show` (if
 * not NULL) for each authentic one. Saves the room file. */
enum status messages_read(struct client *c, struct roomfile *rf, uint64_t after,
			  messages_show_fn show, void *user);

/* Long-poll the relay for up to `wait_s` seconds (1..E2E_WAIT_MAX) until
 * ROOM has a message with seq > after; sets *news if it has (read it with
 * messages_read). Takes no lock and reads no room file: the member token
 * must already be set on c->api (membership_enter does), so a chat can
 * wait here without blocking other commands. Returns early, *news false,
 * when one of `wake_fds` (at most 4) becomes readable. If the relay
 * cannot be reached it retries with backoff (0.1 s, doubling, at most
 * 5 s) until the wait is over, and then returns ST_UNREACHABLE. */
enum status messages_wait(struct client *c, const char *room, uint64_t after, unsigned wait_s,
			  const int *wake_fds, size_t n_wake, bool *news);

#endif
