/* chatcmd.h - the chat's /commands (/list, /verify, /kick, ...), run
 * against a session (session.h) by either chat front end: the line
 * mode of cmd_join.c and the terminal chat (tui/). What a command prints
 * goes to stdout and stderr, which the terminal chat shows in its
 * scrollback. A line that is a command is never sent as a message, an
 * unknown one included. */
#ifndef E2E_CHATCMD_H
#define E2E_CHATCMD_H

#include <stdbool.h>
#include <stddef.h>

#include "chatline.h"
#include "session.h"

/* Run the command of `cl` (kind CHATLINE_COMMAND). A failure is told on
 * stderr and ST_OK returned, unless the membership itself is gone
 * (ST_NOT_MEMBER) or the relay is (ST_UNREACHABLE). *quit: /quit, /exit
 * or /leave ended the chat. */
enum status chatcmd_run(struct session *s, const char *room, const struct chatline *cl,
			bool *quit);

/* The commands' names ("/help", "/list", ...), for completion: returns
 * how many were put in names (at most max). */
size_t chatcmd_names(const char **names, size_t max);

#endif
