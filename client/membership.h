/* membership.h - becoming and staying a member of a room: use the saved
 * membership, or create the room (first member), or join it (password,
 * challenge, access proof). See docs/PROTOCOL.md, "Flows". */
#ifndef E2E_MEMBERSHIP_H
#define E2E_MEMBERSHIP_H

#include <stdbool.h>

#include "client.h"
#include "roomfile.h"

/* Open the locked room file for `room` with a valid membership. With
 * `may_join` false a missing membership is ST_NOT_MEMBER; with it true
 * the room is created or joined (the password is asked for here). */
enum status membership_enter(struct client *c, const char *room, bool may_join,
			     struct roomfile **rf);

/* Leave the room: the relay removes the membership, then the room file
 * is deleted. The creator cannot leave. */
enum status membership_leave(struct client *c, struct roomfile *rf);

/* The creator's options given on this command line (--approve,
 * --rotate-*) into the room's settings. */
void membership_apply_options(const struct client *c, struct roomfile *rf);

#endif
