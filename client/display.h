/* display.h - how messages and members appear on a terminal or in a
 * pipe. Text from other members is untrusted: control characters
 * (including C1 and ESC, which could drive the terminal) are shown as
 * '?', and each message stays on one line. */
#ifndef E2E_DISPLAY_H
#define E2E_DISPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "messages.h"

enum display_style {
	DISPLAY_CHAT,  /* [HH:MM:SS] name: text */
	DISPLAY_LOG,   /* [YYYY-MM-DD HH:MM:SS] name: text */
	DISPLAY_JSON,  /* {"seq":..,"sender":..,"time":ms,"text":..} */
};

void display_message(FILE *out, enum display_style style, const struct shown_msg *m);

/* Write `s` with control characters replaced; for names and notices too. */
void display_safe(FILE *out, const char *s, size_t len);

#endif
