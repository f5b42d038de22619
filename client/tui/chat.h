/* chat.h - the terminal chat: `e2e-chat join ROOM` on a terminal that
 * can take the full screen (cmd_join.c decides; --plain keeps the line
 * mode). A front end of the session engine (session.h) with one poll
 * loop over the terminal, the engine's long-poll, the signals and the
 * captured output; no other thread.
 * Standard output and error are a pipe while it runs: what the engine
 * and the commands print (SECURITY: warnings, /list, /verify) is read
 * back and shown in the scrollback, so nothing writes over the screen;
 * what is left at the end goes to the real stderr. */
#ifndef E2E_TUI_CHAT_H
#define E2E_TUI_CHAT_H

#include <stdbool.h>

#include "client.h"

struct tui_chat_options {
	bool bell;        /* a terminal bell on a message that names you */
	bool notify;      /* notify-send on a message that names you */
	bool notify_text; /* ... with the message's text */
};

/* Can the full screen work here (both standard input and output are a
 * terminal that can take it)? */
bool tui_chat_possible(void);

/* Run the chat until /quit, Ctrl-D on an empty line, Ctrl-C or a signal
 * on sigfd (readable: end), or until the terminal is made too small for
 * the layout: then *too_small, the screen is given back, and the caller
 * goes on in the line mode. The membership must exist (membership_enter
 * with may_join first). */
enum status tui_chat_run(struct client *c, const char *room, int sigfd,
			 const struct tui_chat_options *opt, bool *too_small);

#endif
