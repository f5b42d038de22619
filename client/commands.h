/* commands.h - the client's verbs, one file each (cmd_*.c). main.c holds
 * the table of names, argument synopses and descriptions that both
 * dispatches and prints --help. Each verb gets the command line left
 * after the options (argv[0] is the verb) and returns a status. */
#ifndef E2E_COMMANDS_H
#define E2E_COMMANDS_H

#include "client.h"
#include "roomfile.h"

enum status cmd_join(struct client *c, int argc, char **argv);
enum status cmd_send(struct client *c, int argc, char **argv);
enum status cmd_read(struct client *c, int argc, char **argv);
enum status cmd_admit(struct client *c, int argc, char **argv);
enum status cmd_members(struct client *c, int argc, char **argv);
enum status cmd_kick(struct client *c, int argc, char **argv);
enum status cmd_leave(struct client *c, int argc, char **argv);
enum status cmd_rotate(struct client *c, int argc, char **argv);
enum status cmd_verify(struct client *c, int argc, char **argv);
enum status cmd_rooms(struct client *c, int argc, char **argv);
enum status cmd_passphrase(struct client *c, int argc, char **argv);
enum status cmd_unban(struct client *c, int argc, char **argv);
enum status cmd_admin(struct client *c, int argc, char **argv);
enum status cmd_password(struct client *c, int argc, char **argv);

/* Print the member list of an open room (the members verb and /list). */
enum status members_show(struct client *c, struct roomfile *rf);

/* Print NAME's fingerprint and trust; `accept` marks it verified (the
 * verify verb, /verify and /accept). */
enum status verify_member(struct client *c, struct roomfile *rf, const char *name, bool accept);

/* For the verbs: the room argument, validated. */
enum status command_room(struct client *c, int argc, char **argv, int max_args,
			 const char **room);

/* For the verbs after join: the room argument, the saved membership
 * (locked), synced. With `need_admitted`, not being admitted yet is
 * ST_PENDING. On success *rf is open; close it with roomfile_close. */
enum status command_enter(struct client *c, int argc, char **argv, int max_args,
			  bool need_admitted, struct roomfile **rf);

#endif
