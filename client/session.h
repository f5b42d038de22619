/* session.h - the session engine: one member's running session in one
 * room, which every long-running front end drives (join's line chat,
 * read --follow; the terminal and web front ends of later issues).
 *
 * A front end alternates session_wait and session_step. session_wait
 * takes no lock: it long-polls the relay after the store's cursor (or,
 * while the session cannot long-poll, sleeps its interval) and keeps the
 * page the relay answered. session_step takes the room file's lock for
 * one round: sync the signed state (membership events), send the outbox,
 * feed the kept page and whatever follows it into the store
 * (messages_fetch_given: the page is not fetched twice), show what is new
 * to this front end from the store, run the creator's duties, and unlock.
 * The lock is per step, not per session, so that several processes on
 * one profile (two chats, a chat and a bot) take turns and each shows
 * every message (each front end keeps its own mark in the store's order).
 * A step that fails for a reason that may pass (the relay away, a 5xx, a
 * garbled answer) is retried after a pause that doubles up to
 * SESSION_BACKOFF_MAX_MS; anything else ends the session.
 * Everything the user should see goes through `struct session_front`. */
#ifndef E2E_SESSION_H
#define E2E_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "admin.h"
#include "messages.h"
#include "roomevents.h"
#include "roomfile.h"

#define SESSION_WAIT_S 30          /* a member's long-poll */
#define SESSION_BACKOFF_MAX_MS 30000
#define SESSION_QUIET_MIN_MS 500   /* see session.c, quiet_ms */
#define SESSION_APPROVED_MAX 64

enum session_notice {
	SESSION_RELAY_AWAY,  /* detail: why; retrying with backoff */
	SESSION_RELAY_BACK,
	SESSION_QUEUED,      /* value: lines waiting in the outbox */
	SESSION_QUEUE_SENT,  /* the outbox is empty again */
	SESSION_EPOCH_BEGAN, /* value: the epoch the creator's client began */
	SESSION_SEND_FAILED, /* detail: why the outbox did not go out (told once) */
	SESSION_ADMIN_FAILED, /* detail: why the admin's new state did not take (once) */
};

struct session_front {
	void (*message)(void *ctx, const struct shown_msg *m);
	/* from the signed state; `left`: a departure the member signed */
	void (*event)(void *ctx, enum room_event ev, const char *name, uint64_t epoch, bool left);
	void (*notice)(void *ctx, enum session_notice n, uint64_t value, const char *detail);
	/* the creator's client: admitted, dropped, waiting for approval */
	void (*creator)(void *ctx, enum admin_event ev, const struct wire_member *m);
	void *ctx;
};

struct session_options {
	bool show;            /* fetch and show messages (a terminal, a bot) */
	unsigned interval_ms; /* the pause when not long-polling */
	bool from_id;         /* show what is kept after start_id (not only */
	int64_t start_id;     /* what arrives from now on): read --follow */
};

struct session;

/* The membership must exist (membership_enter with may_join first). The
 * front end shows what arrives from now on. */
enum status session_open(struct session **out, struct client *c, const char *room,
			 const struct session_options *opt, const struct session_front *front);
void session_close(struct session *s);

/* One round (see above). *admitted: in the signed state with a key. A
 * failure that may pass is ST_OK here (told through the front end, and
 * the next wait pauses); the status is for what ends the session. */
enum status session_step(struct session *s, bool *admitted);

/* One round for a one-shot command (admit): as session_step, but any
 * failure is returned as it is, not retried. */
enum status session_step_once(struct session *s, bool *admitted);

/* Wait for news, a readable `wake_fds` (at most 4), or the interval.
 * *woken: a wake descriptor is readable. */
void session_wait(struct session *s, bool admitted, const int *wake_fds, size_t n_wake,
		  bool *woken);

/* Seal and queue one line, then send the outbox. The line is kept when
 * the relay does not take it now (told as SESSION_QUEUED): ST_OK. */
enum status session_send(struct session *s, const char *text, size_t len);

/* Run `fn` with the room file locked (a front end's commands). */
typedef enum status (*session_room_fn)(struct session *s, struct roomfile *rf, const char *arg,
				       void *ctx);
enum status session_with_room(struct session *s, session_room_fn fn, const char *arg, void *ctx);

/* An approval ends with a kick or a deny of the name. */
void session_forget_approval(struct session *s, const char *name);

/* The creator's part now (after /kick, /approve, /rotate). */
enum status session_creator(struct session *s, struct roomfile *rf, bool rotate);
/* --approve rooms: a name the user approved. */
bool session_approve(struct session *s, const char *name);

/* What the session knows from the last step. */
bool session_is_creator(const struct session *s);
enum wire_history session_history(const struct session *s);
struct client *session_client(const struct session *s);
/* The newest kept message this front end was shown (its local id). */
int64_t session_shown_id(const struct session *s);
/* The last wait brought a page from the relay: step now to show it. */
bool session_has_news(const struct session *s);
/* The pause before the next try after a failed step (0: none). */
unsigned session_retry_ms(const struct session *s);

#endif
