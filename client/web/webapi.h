/* webapi.h - the local JSON API of `e2e-chat web`, run on the engine thread
 * (cmd_web.c): one session of the session engine (session.h) per room
 * the page opened, driven like `join` drives its one; what the sessions
 * tell is published as events through the hub (hub.h).
 *
 * Calls are POST /api/NAME with a JSON object (server.c routes them,
 * webapi_known), answered with a JSON object: {"error": CODE,
 * "message": TEXT} and a 4xx/5xx status on failure. The table of calls
 * is in api.c; an admin call is one row and one function, so protocol
 * v2's ban, password and admins calls are added beside kick.
 *   state                         rooms with unread counts, who I am
 *   join {room,password?,approve?,history?}  create or join, then open
 *   open {room}                   start the room's session; the last
 *                                 WEBAPI_HISTORY_MAX messages
 *   send {room,text}              seal and send (queued if the relay is away)
 *   members {room}                the list, checked against the signed state
 *   verify {room,name,accept?}    fingerprint; accept marks it verified
 *   admit, rotate {room}; approve, deny, kick {room,name}   the creator's
 *   leave {room}
 * Events (GET /api/events): {"type":"message"|"member"|"creator"|
 * "notice"|"room"|"ended"|"security", "room", ...}.
 * Invariants: every call runs on the engine thread; at most
 * WEBAPI_ROOMS_MAX sessions; each room's history holds what its session
 * showed, so a page that reopens a room gets each message once. */
#ifndef E2E_WEB_WEBAPI_H
#define E2E_WEB_WEBAPI_H

#include <stdbool.h>
#include <stddef.h>

#include "client.h"
#include "hub.h"

#define WEBAPI_ROOMS_MAX 32
#define WEBAPI_HISTORY_MAX 200

struct webapi;

struct webapi *webapi_new(struct client *c, struct hub *hub);
void webapi_free(struct webapi *a);

/* Is NAME a call of the table? (pure: the HTTP threads ask) */
bool webapi_known(const char *name);

/* Run one call and finish it (hub_finish). */
void webapi_run(struct webapi *a, struct hub_call *call);

/* Wait for the next room step, a readable `fds` or news: one open room
 * long-polls its relay (session_wait); several are stepped every
 * interval. *woken: a descriptor is readable. */
void webapi_wait(struct webapi *a, const int *fds, size_t n, bool *woken);

/* Step every room that is due. */
void webapi_step(struct webapi *a);

#endif
