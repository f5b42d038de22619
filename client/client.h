/* client.h - one command's context: the options it was given, the
 * identity and relay connection it uses, and the detail of its last
 * failure. Built in main, passed down; nothing here is global. */
#ifndef E2E_CLIENT_H
#define E2E_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "identity.h"
#include "proto.h"
#include "relayurl.h"
#include "status.h"
#include "store.h"
#include "wire.h"

#define CLIENT_WARNED_MAX 64
/* A warning key: a prefix, a member name and a short key id (admin.c). */
#define CLIENT_WARNED_KEY_MAX 64
/* Defaults and limits of options, as docs/options/e2e-chat.opts states
 * them (test_cmdline compares the two). */
#define CLIENT_DEFAULT_RELAY "http://127.0.0.1:8000"
#define CLIENT_DEFAULT_INTERVAL_MS 1000
#define CLIENT_TAIL_MAX 100000 /* --tail's largest N */
#define CLIENT_DEFAULT_WEB_BIND "127.0.0.1"

struct client {
	/* options */
	const char *relay_url;
	const char *profile;
	const char *home_opt;
	const char *name_opt;
	const char *password_file;
	const char *passphrase_file;
	const char *new_passphrase_file;
	bool remove; /* passphrase --remove, admin --remove */
	bool no_ban; /* kick --no-ban */
	struct api_tls tls;
	bool insecure_transport;
	bool json;
	bool no_wait;
	bool after_set;
	uint64_t after;
	size_t tail;  /* read: the last N only (0: all) */
	bool follow;  /* read: then wait for new messages */
	unsigned interval_ms;
	bool accept; /* verify: accept the member's current keys */
	bool plain;       /* join: the line mode, not the full screen */
	bool no_bell;     /* join: no bell on a message that names you */
	bool notify;      /* join: notify-send on a message that names you */
	bool notify_text; /* ... with the message's text */
	unsigned web_port;    /* web: 0, the kernel picks */
	bool web_open;        /* web: xdg-open the link */
	const char *web_bind; /* web: 127.0.0.1 (or ::1) */

	/* A room password a front end got from its user (the web UI): used
	 * once by membership_enter instead of asking; not owned. */
	const char *given_password;
	size_t given_password_len;

	/* creating a room, and the creator's client */
	enum wire_history history;
	bool approve;
	bool rotate_messages_set;
	bool rotate_seconds_set;
	uint64_t rotate_messages;
	uint64_t rotate_seconds;

	/* resolved at start */
	char relay[RELAYURL_MAX]; /* relay_url in its normal form (relayurl.h) */
	char *home;
	char name[E2E_MEMBER_NAME_MAX + 1];
	struct identity *id;
	struct api *api;
	struct store *store; /* the profile's local store (store.h) */
	uint8_t *room_key;   /* sodium_malloc'd: opens and seals room files' secrets */
	bool seal_rooms;     /* the identity has a passphrase: seal them */

	bool params_checked; /* the room's KDF parameters compared this run */

	/* members already reported as refused, so a loop warns once */
	size_t n_warned;
	char warned[CLIENT_WARNED_MAX][CLIENT_WARNED_KEY_MAX];

	char err[512];
};

/* Record why a command fails; returns st for `return client_fail(...)`. */
enum status client_fail(struct client *c, enum status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));


/* The local store's failure (store_error) as the command's: ST_ERROR. */
enum status client_store_fail(struct client *c);

/* The wall clock in ms (a message's time, the fetch cursor's probes). */
int64_t client_now_ms(void);

/* A line on stderr starting with "SECURITY: ": something was refused.
 * Control characters in it are shown as '?' (it may quote the relay);
 * it is cut at CLIENT_WARN_MAX bytes. */
#define CLIENT_WARN_MAX 1024
void security_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True the first time `name` is passed (per process). */
bool client_first_warning(struct client *c, const char *name);

#endif
