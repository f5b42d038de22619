/* outbox.h - sending: a message is sealed once, under this member's next
 * counter, kept in the profile's store (store.h) with its exact POST body,
 * and posted verbatim until the relay is seen to hold it. The relay's
 * answers are not trusted: anything but a plain yes is checked by reading
 * the room back (messages.h). Invariant: a counter is never sealed twice;
 * once its body may have reached the relay it stays spent. */
#ifndef E2E_OUTBOX_H
#define E2E_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "roomfile.h"

/* Seal one message once, under the next counter, and queue it in the
 * outbox (the counter is spent there and then), then send what is queued
 * (outbox_flush). ST_UNREACHABLE: it stays queued and goes out with the
 * next command or chat step of this profile in the room. The caller has
 * synced and found the member admitted. */
enum status outbox_send(struct client *c, struct roomfile *rf, const char *text, size_t len);

/* A signed "I leave": the creator drops a member from the room state only
 * on its own removal or on this, never on the relay's word alone. OK only
 * once the relay holds it. */
enum status outbox_send_leave(struct client *c, struct roomfile *rf);

/* Send the queued messages, oldest first, each as it was first sealed.
 * Any answer but a plain yes is checked by reading the room
 * (messages_fetch): the message is there (the answer was lost or a lie:
 * done), or another copy of this profile used the counter (the text is
 * sealed again under a new counter; the user is told), or neither: a 409
 * is posted again (after OUTBOX_ATTEMPTS_MAX of them it is only looked
 * for, on every later flush), a 5xx, 429, garbage or no answer keeps it
 * queued, and any other refusal drops it with a line on stderr. A counter
 * is never sealed twice: a dropped message's stays spent. *queued (may be
 * NULL): how many still wait. */
#define OUTBOX_ATTEMPTS_MAX 3
enum status outbox_flush(struct client *c, struct roomfile *rf, uint64_t *queued);

#endif
