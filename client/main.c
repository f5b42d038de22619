/* main.c - e2e-chat's entry point: options, the verb table (which also
 * prints --help), process-wide setup (libsodium, libcurl, a JSON
 * allocator that wipes what it frees) and the exit code. */
#include <curl/curl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "roomfile.h"
#include "names.h"
#include "profile.h"

#define DEFAULT_RELAY "http://127.0.0.1:8000"
#define DEFAULT_INTERVAL_MS 1000
/* The room files' sealing key: crypto_kdf from the identity's X25519
 * secret key, beside the store's (id 1, store.c). */
#define ROOM_KEY_KDF_CONTEXT "e2estore"
#define ROOM_KEY_KDF_ID 2
/* --tail's largest N. */
#define READ_TAIL_MAX 100000

static const struct {
	const char *name;
	enum status (*run)(struct client *c, int argc, char **argv);
	const char *args;
	const char *description;
} verbs[] = {
	{"join", cmd_join, "ROOM", "create or join ROOM and chat (lines from a pipe are sent)"},
	{"send", cmd_send, "ROOM [TEXT|-]", "send one message (TEXT, or standard input)"},
	{"read", cmd_read, "ROOM [--follow]", "print the room's messages (--tail N: the last N)"},
	{"admit", cmd_admit, "ROOM [NAME...]", "admit waiting members now (creator only)"},
	{"members", cmd_members, "ROOM", "list the room's members and their status"},
	{"verify", cmd_verify, "ROOM NAME [--accept]", "NAME's fingerprint; --accept: mark verified"},
	{"kick", cmd_kick, "ROOM NAME", "remove NAME and start a new epoch (creator only)"},
	{"rotate", cmd_rotate, "ROOM", "start a new epoch now (creator only)"},
	{"leave", cmd_leave, "ROOM", "give up your membership of ROOM"},
	{"rooms", cmd_rooms, "", "this profile's rooms: relay, role, unread, queued"},
	{"passphrase", cmd_passphrase, "[--remove]", "protect your identity with a passphrase"},
};

static void usage(FILE *out)
{
	fputs("Usage: e2e-chat VERB [OPTIONS] ...\n\n"
	      "End-to-end encrypted room chat over a blind relay.\n\nVerbs:\n", out);
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		fprintf(out, "  %-10s %-21s %s\n", verbs[i].name, verbs[i].args,
			verbs[i].description);
	fputs("\nOptions:\n"
	      "  -r, --relay URL          relay to use (env E2E_CHAT_RELAY; default " DEFAULT_RELAY ")\n"
	      "  -n, --name NAME          your name in a room you join (default: login name)\n"
	      "  -p, --profile NAME       identity to use (default: default)\n"
	      "      --home DIR           keep the identity and rooms in DIR (env E2E_CHAT_HOME)\n"
	      "      --password-file FILE read the room password from FILE's first line\n"
	      "                           (or env E2E_CHAT_PASSWORD; else it is asked for)\n"
	      "      --passphrase-file F  your identity's passphrase, if it has one\n"
	      "                           (or env E2E_CHAT_PASSPHRASE; else it is asked for)\n"
	      "      --new-passphrase-file F  passphrase: the new one (or E2E_CHAT_NEW_PASSPHRASE)\n"
	      "      --remove             passphrase: remove the protection\n"
	      "      --after SEQ          read: only messages after relay sequence SEQ\n"
	      "                           (a filter: what the chat has seen is unchanged)\n"
	      "      --tail N             read: only the last N messages (at most 100000)\n"
	      "      --follow             read: then print new messages as they arrive,\n"
	      "                           until interrupted (exit 0)\n"
	      "      --json               read, members, rooms: one JSON object per line\n"
	      "      --interval MS        join, read --follow: how often a creator polls the\n"
	      "                           relay, and the first pause after a failure (1000)\n"
	      "      --no-wait            join: exit with code 3 instead of waiting for admission\n"
	      "      --plain              join: the line mode, not the full-screen chat (also\n"
	      "                           when TERM is dumb or input or output is no terminal)\n"
	      "      --no-bell            join: no terminal bell on a message that names you\n"
	      "      --notify             join: a desktop notification (notify-send) on a\n"
	      "                           message that names you, without its text\n"
	      "      --notify-text        join: the same, with the message's text (visible to\n"
	      "                           other local users in notify-send's command line)\n"
	      "      --accept             verify: accept NAME's current keys as verified\n"
	      "Creating a room (and the creator's client):\n"
	      "      --history POLICY     joined (default): newcomers read only what is sent\n"
	      "                           after they join; shared: they get the past keys too\n"
	      "      --approve            ask the creator before admitting anyone\n"
	      "      --rotate-messages N  new epoch after N messages (default 1000; 0: never)\n"
	      "      --rotate-seconds S   new epoch after S seconds (default 86400; 0: never)\n"
	      "      --cacert FILE        trust the CAs in FILE (PEM) for an https:// relay\n"
	      "      --pin SHA256         accept only this relay public key (base64 SHA-256\n"
	      "                           of its SubjectPublicKeyInfo, as curl --pinnedpubkey)\n"
	      "      --insecure-transport allow http:// to a relay on another machine\n"
	      "  -h, --help               this help\n"
	      "  -V, --version            print the version\n\n"
	      "Exit codes: 0 ok, 1 error, 2 usage, 3 not admitted yet, 4 wrong password,\n"
	      "5 not a member / no such room / name taken, 6 relay unreachable,\n"
	      "7 a security check failed.\n", out);
}

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

enum {
	OPT_HOME = 256, OPT_PASSWORD_FILE, OPT_AFTER, OPT_JSON, OPT_INTERVAL, OPT_NO_WAIT,
	OPT_ACCEPT, OPT_HISTORY, OPT_APPROVE, OPT_ROTATE_MESSAGES, OPT_ROTATE_SECONDS,
	OPT_PASSPHRASE_FILE, OPT_NEW_PASSPHRASE_FILE, OPT_REMOVE, OPT_CACERT, OPT_PIN,
	OPT_INSECURE_TRANSPORT, OPT_TAIL, OPT_FOLLOW, OPT_PLAIN, OPT_NO_BELL, OPT_NOTIFY,
	OPT_NOTIFY_TEXT,
};

static const struct option options[] = {
	{"relay", required_argument, NULL, 'r'},
	{"name", required_argument, NULL, 'n'},
	{"profile", required_argument, NULL, 'p'},
	{"home", required_argument, NULL, OPT_HOME},
	{"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	{"after", required_argument, NULL, OPT_AFTER},
	{"json", no_argument, NULL, OPT_JSON},
	{"tail", required_argument, NULL, OPT_TAIL},
	{"follow", no_argument, NULL, OPT_FOLLOW},
	{"interval", required_argument, NULL, OPT_INTERVAL},
	{"no-wait", no_argument, NULL, OPT_NO_WAIT},
	{"accept", no_argument, NULL, OPT_ACCEPT},
	{"plain", no_argument, NULL, OPT_PLAIN},
	{"no-bell", no_argument, NULL, OPT_NO_BELL},
	{"notify", no_argument, NULL, OPT_NOTIFY},
	{"notify-text", no_argument, NULL, OPT_NOTIFY_TEXT},
	{"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
	{"new-passphrase-file", required_argument, NULL, OPT_NEW_PASSPHRASE_FILE},
	{"remove", no_argument, NULL, OPT_REMOVE},
	{"cacert", required_argument, NULL, OPT_CACERT},
	{"pin", required_argument, NULL, OPT_PIN},
	{"insecure-transport", no_argument, NULL, OPT_INSECURE_TRANSPORT},
	{"history", required_argument, NULL, OPT_HISTORY},
	{"approve", no_argument, NULL, OPT_APPROVE},
	{"rotate-messages", required_argument, NULL, OPT_ROTATE_MESSAGES},
	{"rotate-seconds", required_argument, NULL, OPT_ROTATE_SECONDS},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* 0: go on; 1: done (help/version printed); -1: usage error in c->err. */
static int parse_options(struct client *c, int argc, char **argv)
{
	uint64_t v;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "r:n:p:hV", options, NULL)) != -1) {
		switch (opt) {
		case 'r': c->relay_url = optarg; break;
		case 'n': c->name_opt = optarg; break;
		case 'p': c->profile = optarg; break;
		case OPT_HOME: c->home_opt = optarg; break;
		case OPT_PASSWORD_FILE: c->password_file = optarg; break;
		case OPT_JSON: c->json = true; break;
		case OPT_NO_WAIT: c->no_wait = true; break;
		case OPT_ACCEPT: c->accept = true; break;
		case OPT_PLAIN: c->plain = true; break;
		case OPT_NO_BELL: c->no_bell = true; break;
		case OPT_NOTIFY: c->notify = true; break;
		case OPT_NOTIFY_TEXT: c->notify = c->notify_text = true; break;
		case OPT_PASSPHRASE_FILE: c->passphrase_file = optarg; break;
		case OPT_NEW_PASSPHRASE_FILE: c->new_passphrase_file = optarg; break;
		case OPT_REMOVE: c->remove_passphrase = true; break;
		case OPT_CACERT: c->tls.cacert = optarg; break;
		case OPT_PIN: c->tls.pin = optarg; break;
		case OPT_INSECURE_TRANSPORT: c->insecure_transport = true; break;
		case OPT_APPROVE: c->approve = true; break;
		case OPT_HISTORY:
			if (!wire_history_parse(optarg, &c->history))
				return client_fail(c, ST_USAGE, "--history is joined or shared"), -1;
			break;
		case OPT_ROTATE_MESSAGES:
			if (!parse_u64(optarg, &c->rotate_messages))
				return client_fail(c, ST_USAGE, "--rotate-messages takes a count"), -1;
			c->rotate_messages_set = true;
			break;
		case OPT_ROTATE_SECONDS:
			if (!parse_u64(optarg, &c->rotate_seconds))
				return client_fail(c, ST_USAGE, "--rotate-seconds takes seconds"), -1;
			c->rotate_seconds_set = true;
			break;
		case OPT_AFTER:
			if (!parse_u64(optarg, &c->after))
				return client_fail(c, ST_USAGE, "--after takes a sequence number"), -1;
			c->after_set = true;
			break;
		case OPT_TAIL:
			if (!parse_u64(optarg, &v) || v == 0 || v > READ_TAIL_MAX)
				return client_fail(c, ST_USAGE, "--tail takes 1 to %d messages",
						   READ_TAIL_MAX), -1;
			c->tail = (size_t)v;
			break;
		case OPT_FOLLOW: c->follow = true; break;
		case OPT_INTERVAL:
			if (!parse_u64(optarg, &v) || v < 10 || v > 60000)
				return client_fail(c, ST_USAGE, "--interval takes 10 to 60000 ms"), -1;
			c->interval_ms = (unsigned)v;
			break;
		case 'h': usage(stdout); return 1;
		case 'V': printf("e2e-chat %s\n", E2E_VERSION); return 1;
		default:
			return client_fail(c, ST_USAGE, "unknown or incomplete option %s",
					   argv[optind - 1]), -1;
		}
	}
	return 0;
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

static enum status run(struct client *c, int argc, char **argv)
{
	int done = parse_options(c, argc, argv);
	int rest = argc - optind;
	char **args = argv + optind;
	enum status st;

	if (done != 0)
		return done > 0 ? ST_OK : ST_USAGE;
	if (rest == 0 || strcmp(args[0], "help") == 0) {
		usage(rest == 0 ? stderr : stdout);
		return rest == 0 ? client_fail(c, ST_USAGE, "no verb given") : ST_OK;
	}
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (strcmp(args[0], verbs[i].name) != 0)
			continue;
		if ((st = setup(c)) != ST_OK)
			return st;
		return verbs[i].run(c, rest, args);
	}
	return client_fail(c, ST_USAGE, "unknown verb '%s' (see e2e-chat --help)", args[0]);
}

int main(int argc, char **argv)
{
	struct client c = {
		.relay_url = getenv("E2E_CHAT_RELAY") ? getenv("E2E_CHAT_RELAY") : DEFAULT_RELAY,
		.profile = "default",
		.interval_ms = DEFAULT_INTERVAL_MS,
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
