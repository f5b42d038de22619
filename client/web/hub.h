/* hub.h - the one handoff between the web server's threads and the
 * engine thread of `e2e-chat web` (cmd_web.c).
 *
 * libmicrohttpd runs its own threads (one per connection); everything
 * that touches the session engine, the store, room files or the relay
 * runs on the engine thread only. The two meet here, under one mutex:
 *  - calls: an HTTP thread queues a call (an API operation and its JSON
 *    arguments), wakes the engine through an eventfd (hub_wake_fd, which
 *    the engine's poll and the session engine's long-poll both watch)
 *    and blocks until the engine has finished it. The engine finishes
 *    every call it takes, and hub_close finishes those still queued, so
 *    a call on the caller's stack is never left behind.
 *  - events: the engine publishes what a browser should learn (a message,
 *    a membership event, the connection state) as JSON text numbered
 *    from 1; HTTP threads long-poll for the events after a number. The
 *    newest HUB_EVENTS_MAX are kept; a browser further behind is told to
 *    reload (reset).
 * Only strings cross between threads: no json_t is shared. */
#ifndef E2E_WEB_HUB_H
#define E2E_WEB_HUB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HUB_EVENTS_MAX 2048
#define HUB_WAIT_MAX_MS 25000 /* a long-poll's longest wait */

struct hub;

/* An operation handed to the engine. `args` belongs to the call until it
 * is finished; `status` and `body` (malloc'd JSON text) are the answer. */
struct hub_call {
	const char *op;
	json_t *args;
	unsigned status;
	char *body;
	bool done;
	struct hub_call *next;
};

/* Bodies and event texts are plain malloc'd strings, wiped when freed
 * (they hold messages): free them with this. */
void hub_text_free(char *text);

struct hub *hub_new(void);
void hub_free(struct hub *h);

/* Readable while calls wait for the engine. */
int hub_wake_fd(const struct hub *h);

/* HTTP thread: queue `call` and wait until it is finished (503 at once
 * once the hub is closing). */
void hub_call(struct hub *h, struct hub_call *call);

/* Engine thread: the oldest queued call (NULL: none); finish each with
 * hub_finish (which takes `result`, NULL meaning {}). */
struct hub_call *hub_take(struct hub *h);
void hub_finish(struct hub *h, struct hub_call *call, unsigned status, json_t *result);

/* Engine thread: publish an event. `ev` (taken) gets "id"; its number. */
uint64_t hub_publish(struct hub *h, json_t *ev);
/* The newest event's number (0: none yet). */
uint64_t hub_last(struct hub *h);

/* HTTP thread: wait up to `wait_ms` (at most HUB_WAIT_MAX_MS) for events
 * numbered above `after`; a malloc'd body {"events":[...],"last":N,
 * "reset":B}; NULL if out of memory. */
char *hub_events(struct hub *h, uint64_t after, unsigned wait_ms);

/* The engine stops: calls still queued get 503, waiters return, and new
 * calls are refused. */
void hub_close(struct hub *h);

#endif
