/* display.h - how messages and members appear on a terminal or in a
 * pipe. Text from other members is untrusted: control characters
 * (including C1 and ESC, which could drive the terminal) are shown as
 * '?', and each message stays on one line. */
#ifndef E2E_DISPLAY_H
#define E2E_DISPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "admin.h"
#include "messages.h"
#include "roomevents.h"

enum display_style {
	DISPLAY_CHAT,  /* [HH:MM:SS] name: text */
	DISPLAY_LOG,   /* [YYYY-MM-DD HH:MM:SS] name: text */
	DISPLAY_JSON,  /* {"seq","epoch","sender","time","text","mine","leave",
		        *  "verified","keys_changed"} */
};

void display_message(FILE *out, enum display_style style, const struct shown_msg *m);

/* What the creator's client did or waits for, as one line on stderr.
 * `chat`: phrased for the chat (/approve) rather than the command line. */
void display_creator_event(const char *room, enum admin_event ev,
			   const struct wire_member *m, bool chat);

/* A membership event (roomevents.h) as one line on stderr: "* carol
 * joined", "* carol was removed" or "left the room", "* new epoch 5". */
void display_room_event(enum room_event ev, const char *name, uint64_t epoch, bool left);

/* Write `s` with control characters replaced; for names and notices too. */
void display_safe(FILE *out, const char *s, size_t len);

#endif
