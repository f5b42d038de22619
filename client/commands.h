/* commands.h - the client's verbs, one file each (cmd_*.c). Their names,
 * argument synopses, descriptions and options are defined once in
 * docs/options/e2e-chat.opts; the table generated from it dispatches and
 * prints --help. Each verb gets the command line left
 * after the options (argv[0] is the verb) and returns a status. */
#ifndef E2E_COMMANDS_H
#define E2E_COMMANDS_H

#include "client.h"
#include "fingerprint.h"
#include "roomfile.h"
#include "roomsync.h"

/* A verb: the table of them is generated from docs/options/e2e-chat.opts
 * (tools/optgen.py), each calling cmd_NAME. */
typedef enum status (*e2e_chat_verb_fn)(struct client *c, int argc, char **argv);

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
/* What unban, admin and password do (cmd_roomadmin.c), for every front
 * end: one admin step whose state the relay must serve back. */
enum status roomadmin_unban(struct client *c, struct roomfile *rf, const char *who);
enum status roomadmin_admin(struct client *c, struct roomfile *rf, const char *name, bool remove);
enum status roomadmin_password(struct client *c, struct roomfile *rf, const char *password,
			       size_t len);
enum status cmd_admin(struct client *c, int argc, char **argv);
enum status cmd_password(struct client *c, int argc, char **argv);
enum status cmd_web(struct client *c, int argc, char **argv);

/* Print the member list of an open room (the members verb and /list). */
enum status members_show(struct client *c, struct roomfile *rf);

/* A listed member's status ("admitted", "pending", "removed", "refused")
 * and trust ("verified", "unverified", "KEYS-CHANGED", "-"), and the
 * SECURITY: lines where the relay's word contradicts the signed state
 * (members, /list, the web UI's list). */
const char *members_status(const struct roomfile *rf, const struct listed_member *m);
const char *members_trust(const struct roomfile *rf, const struct listed_member *m);
void members_check(const struct roomfile *rf, const struct listed_member *m);

/* This member's role in a room of the store, from its room file:
 * "creator", "member", "waiting" or "gone" (rooms, the web UI). */
const char *rooms_role(struct client *c, const char *relay, const char *room);

/* Print NAME's fingerprint and trust; `accept` marks it verified (the
 * verify verb, /verify and /accept). */
enum status verify_member(struct client *c, struct roomfile *rf, const char *name, bool accept);
enum status verify_keys(struct client *c, struct roomfile *rf, const char *name, bool accept,
			char fp[FINGERPRINT_LEN], const struct known_keys **known);

/* For the verbs: the room argument, validated. */
enum status command_room(struct client *c, int argc, char **argv, int max_args,
			 const char **room);

/* For the verbs after join: the room argument, the saved membership
 * (locked), synced. With `need_admitted`, not being admitted yet is
 * ST_PENDING. On success *rf is open; close it with roomfile_close. */
enum status command_enter(struct client *c, int argc, char **argv, int max_args,
			  bool need_admitted, struct roomfile **rf);

#endif
