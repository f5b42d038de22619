/* messages.h - reading chat messages through the profile's store
 * (store.h): what is fetched is checked and kept, and front ends show
 * from the store (sending is outbox.h's). Reading checks, for
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
	int64_t id;        /* the store's local order */
};

typedef void (*messages_show_fn)(const struct shown_msg *m, void *user);

/* The room's id in the profile's store (store.h), created on first use. */
enum status messages_room(struct client *c, const struct roomfile *rf, int64_t *room_id);

/* A new membership of the room: what the store kept of an earlier one
 * (messages, outbox, cursor) is dropped, since its counters start again. */
enum status messages_forget(struct client *c, const struct roomfile *rf);

/* Ask the relay for what is newer than the store (fetchcursor.h), check
 * every message (room.h) and keep it, with its verdict, in the store: a
 * bounded number of pages, one transaction each. A message the store
 * already holds is compared with it: served again as it was, it is
 * skipped; changed, it is a SECURITY: line and the stored record stands;
 * at another number, a SECURITY: line too (among news: a replay, refused;
 * in a probe: told once, and the kept record takes the number). *fresh
 * (may be NULL): how many were new. Saves the room file. */
/* How long (by the sender's clock) after this client first held a state
 * with a newer epoch a message under an older one is a stale view rather
 * than a race: two long-polls, plus room for clocks that disagree. */
#define MESSAGES_STALE_GRACE_MS (120 * 1000)

#define MESSAGES_FETCH_PAGES_MAX 1000
/* A probe's pages in one fetch (halvings and the walk over kept pages). */
#define MESSAGES_PROBE_PAGES_MAX 128
enum status messages_fetch(struct client *c, struct roomfile *rf, uint64_t *fresh);
/* The same, starting with `page` (a "messages" array the relay answered
 * to after=page_after, e.g. messages_wait's), which is used instead of
 * asking again if the cursor is still page_after; NULL: as messages_fetch. */
enum status messages_fetch_given(struct client *c, struct roomfile *rf, json_t *page,
				 uint64_t page_after, uint64_t *fresh);

/* Which kept messages to show: after a local id (a front end's own
 * mark), the last `tail` only, and/or only those the relay numbered
 * above `after_seq` (read --after: a filter, never a skip). */
struct messages_view {
	int64_t after_id;
	size_t tail;
	bool seq_filter;
	uint64_t after_seq;
};

/* Call `show` for each kept message of the view, oldest first; *last_id
 * (may be NULL): the highest local id passed over. Marks them seen. */
enum status messages_show(struct client *c, struct roomfile *rf, const struct messages_view *v,
			  messages_show_fn show, void *user, int64_t *last_id);

/* A page of the scrollback: `show` for the last `limit` kept messages
 * with a local id below before_id (0: the newest), oldest first; nothing
 * is marked seen. *seen (may be NULL): the highest local id the user
 * was shown (store.h), for an unread marker. */
enum status messages_page(struct client *c, struct roomfile *rf, int64_t before_id, size_t limit,
			  messages_show_fn show, void *user, int64_t *seen);

/* Did the member with this signing key leave (its newest kept message is
 * its signed leave)? */
enum status messages_left(struct client *c, const struct roomfile *rf, const char *name,
			  const uint8_t sign_pk[E2E_SIGN_PK_BYTES], bool *left);

/* The highest local id kept for the room (a new front end starts there). */
enum status messages_last_id(struct client *c, const struct roomfile *rf, int64_t *last_id);

/* The relay seq a long-poll should wait after (the fetch cursor). */
enum status messages_cursor(struct client *c, const struct roomfile *rf, uint64_t *after);

/* Long-poll the relay for up to `wait_s` seconds (1..E2E_WAIT_MAX) until
 * ROOM has messages with seq > after; *page (NULL if none) is the page
 * the relay answered, the caller's to pass to messages_fetch_given and
 * then json_decref: news is processed once, not fetched twice. Takes no
 * lock and reads no room file: the member token must already be set on
 * c->api (membership_enter does), so a chat can wait here without
 * blocking other commands. Returns early, *page NULL, when one of
 * `wake_fds` (at most 4) becomes readable. If the relay cannot be reached
 * it retries with backoff (0.1 s, doubling, at most 5 s) until the wait
 * is over, and then returns ST_UNREACHABLE. */
enum status messages_wait(struct client *c, const char *room, uint64_t after, unsigned wait_s,
			  const int *wake_fds, size_t n_wake, json_t **page);

#endif
