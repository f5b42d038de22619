/* main.c - e2e-chat's entry point: what each option sets, the verb's
 * dispatch (the option and verb tables, and --help, are generated from
 * docs/options/e2e-chat.opts: e2e_chat_opts.h), process-wide setup (libsodium, libcurl, a JSON
 * allocator that wipes what it frees) and the exit code. */
#include <curl/curl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "e2e_chat_opts.h"
#include "roomfile.h"
#include "names.h"
#include "profile.h"

/* The room files' sealing key: crypto_kdf from the identity's X25519
 * secret key, beside the store's (id 1, store.c). */
#define ROOM_KEY_KDF_CONTEXT "e2estore"
#define ROOM_KEY_KDF_ID 2

/* Jansson holds secrets (base64 keys and tokens) while files are read and
 * written: every block it frees is wiped first. */
struct json_block {
	size_t size;
	max_align_t align[];
};

static void *json_wiping_malloc(size_t n)
{
	struct json_block *b = malloc(sizeof *b + n);

	if (!b)
		return NULL;
	b->size = n;
	return b->align;
}

static void json_wiping_free(void *p)
{
	struct json_block *b;

	if (!p)
		return;
	b = (struct json_block *)((char *)p - offsetof(struct json_block, align));
	sodium_memzero(p, b->size);
	free(b);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	v = strtoull(s, &end, 10);
	*out = v;
	return *end == '\0' && v < (1ULL << 62);
}

/* One option's value into c: ST_OK, or ST_USAGE saying why. */
static enum status apply_option(struct client *c, const struct cmdline_item *it)
{
	const char *arg = it->arg;
	uint64_t v;

	switch ((enum e2e_chat_opt)it->opt) {
	case E2E_CHAT_OPT_RELAY: c->relay_url = arg; break;
	case E2E_CHAT_OPT_NAME: c->name_opt = arg; break;
	case E2E_CHAT_OPT_PROFILE: c->profile = arg; break;
	case E2E_CHAT_OPT_HOME: c->home_opt = arg; break;
	case E2E_CHAT_OPT_PASSWORD_FILE: c->password_file = arg; break;
	case E2E_CHAT_OPT_JSON: c->json = true; break;
	case E2E_CHAT_OPT_NO_WAIT: c->no_wait = true; break;
	case E2E_CHAT_OPT_PLAIN: c->plain = true; break;
	case E2E_CHAT_OPT_NO_BELL: c->no_bell = true; break;
	case E2E_CHAT_OPT_NOTIFY: c->notify = true; break;
	case E2E_CHAT_OPT_NOTIFY_TEXT: c->notify = c->notify_text = true; break;
	case E2E_CHAT_OPT_ACCEPT: c->accept = true; break;
	case E2E_CHAT_OPT_PASSPHRASE_FILE: c->passphrase_file = arg; break;
	case E2E_CHAT_OPT_NEW_PASSPHRASE_FILE: c->new_passphrase_file = arg; break;
	case E2E_CHAT_OPT_REMOVE: c->remove = true; break;
	case E2E_CHAT_OPT_NO_BAN: c->no_ban = true; break;
	case E2E_CHAT_OPT_CACERT: c->tls.cacert = arg; break;
	case E2E_CHAT_OPT_PIN: c->tls.pin = arg; break;
	case E2E_CHAT_OPT_INSECURE_TRANSPORT: c->insecure_transport = true; break;
	case E2E_CHAT_OPT_APPROVE: c->approve = true; break;
	case E2E_CHAT_OPT_FOLLOW: c->follow = true; break;
	case E2E_CHAT_OPT_OPEN: c->web_open = true; break;
	case E2E_CHAT_OPT_BIND: c->web_bind = arg; break;
	case E2E_CHAT_OPT_PORT:
		if (!parse_u64(arg, &v) || v > 65535)
			return client_fail(c, ST_USAGE, "--port takes 0 to 65535");
		c->web_port = (unsigned)v;
		break;
	case E2E_CHAT_OPT_HISTORY:
		if (!wire_history_parse(arg, &c->history))
			return client_fail(c, ST_USAGE, "--history is joined or shared");
		break;
	case E2E_CHAT_OPT_ROTATE_MESSAGES:
		if (!parse_u64(arg, &c->rotate_messages))
			return client_fail(c, ST_USAGE, "--rotate-messages takes a count");
		c->rotate_messages_set = true;
		break;
	case E2E_CHAT_OPT_ROTATE_SECONDS:
		if (!parse_u64(arg, &c->rotate_seconds))
			return client_fail(c, ST_USAGE, "--rotate-seconds takes seconds");
		c->rotate_seconds_set = true;
		break;
	case E2E_CHAT_OPT_AFTER:
		if (!parse_u64(arg, &c->after))
			return client_fail(c, ST_USAGE, "--after takes a sequence number");
		c->after_set = true;
		break;
	case E2E_CHAT_OPT_TAIL:
		if (!parse_u64(arg, &v) || v == 0 || v > CLIENT_TAIL_MAX)
			return client_fail(c, ST_USAGE, "--tail takes 1 to %d messages",
					   CLIENT_TAIL_MAX);
		c->tail = (size_t)v;
		break;
	case E2E_CHAT_OPT_INTERVAL:
		if (!parse_u64(arg, &v) || v < 10 || v > 60000)
			return client_fail(c, ST_USAGE, "--interval takes 10 to 60000 ms");
		c->interval_ms = (unsigned)v;
		break;
	case E2E_CHAT_OPT_HELP:
	case E2E_CHAT_OPT_VERSION:
	case E2E_CHAT_OPT_COUNT:
		break;
	}
	return ST_OK;
}

static enum status resolve_name(struct client *c)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *name = c->name_opt ? c->name_opt : getenv("USER");

	if (!name && pw)
		name = pw->pw_name;
	if (!name || !name_member_valid(name))
		return client_fail(c, ST_USAGE, "'%s' is not a valid member name (1-%d characters "
				   "of [A-Za-z0-9._-]); choose one with --name NAME",
				   name ? name : "", E2E_MEMBER_NAME_MAX);
	snprintf(c->name, sizeof c->name, "%s", name);
	return ST_OK;
}

static enum status setup(struct client *c)
{
	char why[256];
	enum status st;

	if (!relayurl_normalise(c->relay, c->relay_url, why, sizeof why))
		return client_fail(c, ST_USAGE, "%s", why);
	if ((st = resolve_name(c)) != ST_OK ||
	    (st = profile_dir(&c->home, c->home_opt, c->profile, c->err, sizeof c->err)) != ST_OK ||
	    (st = profile_identity(&c->id, c->home, c->passphrase_file, c->err,
				   sizeof c->err)) != ST_OK)
		return st;
	/* memberships made under another spelling of this relay move over */
	profile_adopt_relay(c->home, c->relay_url, c->relay);
	c->relay_url = c->relay;
	if (strncmp(c->relay_url, "http://", 7) == 0 && !api_url_is_loopback(c->relay_url) &&
	    !c->insecure_transport)
		return client_fail(c, ST_USAGE, "%s is plain HTTP to another machine: the member "
				   "token and join proof would cross the network in clear (messages "
				   "stay end-to-end encrypted); use https://, or --insecure-transport "
				   "to accept that", c->relay_url);
	if (!(c->store = store_open(c->home, c->id, c->err, sizeof c->err)))
		return ST_ERROR;
	if (!(c->room_key = sodium_malloc(ROOMFILE_SEAL_KEY_BYTES)))
		return client_fail(c, ST_ERROR, "out of memory");
	crypto_kdf_derive_from_key(c->room_key, ROOMFILE_SEAL_KEY_BYTES, ROOM_KEY_KDF_ID,
				   ROOM_KEY_KDF_CONTEXT, c->id->box_sk);
	c->seal_rooms = profile_identity_sealed(c->home);
	if (!(c->api = api_new(c->relay_url, &c->tls)))
		return client_fail(c, ST_ERROR, "cannot set up HTTP (out of memory)");
	return ST_OK;
}

/* The verb named after "help" (e2e-chat help VERB), or -1. */
static int help_verb(const struct cmdline *cl)
{
	return cl->argc > 1 ? cmdline_verb_find(&e2e_chat_spec, cl->argv[1]) : -1;
}

/* The command line: options checked against the verb (cmdline.h), then
 * applied in order, then the verb run. */
static enum status run(struct client *c, int argc, char **argv)
{
	struct cmdline cl;
	char why[256];
	int verb;
	enum status st = ST_OK;

	if (!cmdline_parse(&e2e_chat_spec, argc, argv, &cl, why, sizeof why))
		return client_fail(c, ST_USAGE, "%s (see e2e-chat --help)", why);
	verb = cl.argc > 0 ? cmdline_verb_find(&e2e_chat_spec, cl.argv[0]) : -1;
	if (cmdline_has(&cl, E2E_CHAT_OPT_HELP)) {
		cmdline_help(&e2e_chat_spec, verb, stdout);
		return ST_OK;
	}
	if (cmdline_has(&cl, E2E_CHAT_OPT_VERSION)) {
		printf("e2e-chat %s\n", E2E_VERSION);
		return ST_OK;
	}
	if (cl.argc == 0) {
		cmdline_help(&e2e_chat_spec, -1, stderr);
		return client_fail(c, ST_USAGE, "no verb given");
	}
	if (strcmp(cl.argv[0], "help") == 0 && verb < 0) {
		cmdline_help(&e2e_chat_spec, help_verb(&cl), stdout);
		return ST_OK;
	}
	if (verb < 0)
		return client_fail(c, ST_USAGE, "unknown verb '%s' (see e2e-chat --help)",
				   cl.argv[0]);
	if (!cmdline_verb_check(&e2e_chat_spec, &cl, (unsigned)verb, why, sizeof why))
		return client_fail(c, ST_USAGE, "%s", why);
	for (size_t i = 0; st == ST_OK && i < cl.n; i++)
		st = apply_option(c, &cl.items[i]);
	if (st == ST_OK)
		st = setup(c);
	if (st == ST_OK)
		st = e2e_chat_verb_run[verb](c, cl.argc, cl.argv);
	return st;
}

int main(int argc, char **argv)
{
	struct client c = {
		.relay_url = getenv("E2E_CHAT_RELAY") ? getenv("E2E_CHAT_RELAY") : CLIENT_DEFAULT_RELAY,
		.profile = "default",
		.interval_ms = CLIENT_DEFAULT_INTERVAL_MS,
		.web_bind = CLIENT_DEFAULT_WEB_BIND,
	};
	enum status st;

	json_set_alloc_funcs(json_wiping_malloc, json_wiping_free);
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fputs("e2e-chat: cannot initialise libsodium or libcurl\n", stderr);
		return 1;
	}
	st = run(&c, argc, argv);
	if (st != ST_OK)
		fprintf(stderr, "e2e-chat: %s\n", c.err[0] ? c.err : status_message(st));
	api_free(c.api);
	store_close(c.store);
	sodium_free(c.room_key);
	identity_free(c.id);
	free(c.home);
	curl_global_cleanup();
	return status_exit_code(st);
}
