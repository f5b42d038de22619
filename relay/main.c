/* main.c - the relay program: options, the database path, signals. It
 * opens the store, starts the HTTP server with the route dispatcher, and
 * waits for SIGINT or SIGTERM to stop both. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "routes.h"
#include "store.h"

#define RELAY_DEFAULT_PORT 8000
#define RELAY_DEFAULT_BIND "127.0.0.1"
#define RELAY_DATA_DIR "e2e-chat"
#define RELAY_DB_NAME "relay.db"

struct relay_opts {
	const char *bind;
	const char *db;   /* from --db, or NULL for the default */
	uint16_t port;
	bool quiet;
};

static void relay_usage(FILE *out)
{
	fprintf(out,
		"usage: relay [options]\n"
		"  --port N      listen on port N (default %d; 0 picks a free port)\n"
		"  --bind ADDR   listen on this IPv4 or IPv6 address (default %s)\n"
		"  --db PATH     database file (default $XDG_DATA_HOME/%s/%s, else\n"
		"                ~/.local/share/%s/%s); :memory: keeps nothing\n"
		"  --quiet       no per-request log lines\n"
		"  --help        this text\n"
		"  --version     print the version\n",
		RELAY_DEFAULT_PORT, RELAY_DEFAULT_BIND, RELAY_DATA_DIR, RELAY_DB_NAME,
		RELAY_DATA_DIR, RELAY_DB_NAME);
}

static int relay_bad_option(const char *what, const char *arg)
{
	fprintf(stderr, "relay: %s%s%s (see relay --help)\n", what, arg ? ": " : "",
		arg ? arg : "");
	return 2;
}

static bool relay_parse_port(const char *s, uint16_t *out)
{
	char *end = NULL;
	unsigned long v;

	bool ok;

	errno = 0;
	v = strtoul(s, &end, 10);
	ok = errno == 0 && end != s && *end == '\0' && s[0] != '-' && s[0] != '+' &&
	     v <= 65535;
	if (ok)
		*out = (uint16_t)v;
	return ok;
}

static bool relay_addr_valid(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

enum { OPT_PORT = 256, OPT_BIND, OPT_DB, OPT_QUIET, OPT_HELP, OPT_VERSION };

/* An option getopt did not take: "--name" or "-c". */
static int relay_unknown(const char *what, char **argv)
{
	char shortopt[3] = {'-', (char)optopt, '\0'};
	bool is_short = optopt > 0 && optopt < OPT_PORT; /* long ones have no char */

	return relay_bad_option(what, is_short ? shortopt : argv[optind - 1]);
}

/* One option: 0 to go on, 1 when done (help, version), 2 on bad usage. */
static int relay_option(int c, char **argv, struct relay_opts *o)
{
	int ret = 0;

	switch (c) {
	case OPT_PORT:
		if (!relay_parse_port(optarg, &o->port))
			ret = relay_bad_option("--port wants 0..65535", optarg);
		break;
	case OPT_BIND:
		if (!relay_addr_valid(optarg))
			ret = relay_bad_option("--bind wants an IPv4 or IPv6 address", optarg);
		o->bind = optarg;
		break;
	case OPT_DB:
		o->db = optarg;
		break;
	case OPT_QUIET:
		o->quiet = true;
		break;
	case OPT_HELP:
		relay_usage(stdout);
		ret = 1;
		break;
	case OPT_VERSION:
		printf("relay %s\n", E2E_VERSION);
		ret = 1;
		break;
	case ':':
		ret = relay_unknown("missing value for", argv);
		break;
	default:
		ret = relay_unknown("unknown option", argv);
		break;
	}
	return ret;
}

/* 0: run; 1: done (help, version), exit 0; 2: bad usage. */
static int relay_parse(int argc, char **argv, struct relay_opts *o)
{
	static const struct option longopts[] = {
		{"port", required_argument, NULL, OPT_PORT},
		{"bind", required_argument, NULL, OPT_BIND},
		{"db", required_argument, NULL, OPT_DB},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{"help", no_argument, NULL, OPT_HELP},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	int ret = 0;
	int c;

	opterr = 0;
	while (ret == 0 && (c = getopt_long(argc, argv, ":", longopts, NULL)) != -1)
		ret = relay_option(c, argv, o);
	if (ret == 0 && optind < argc)
		ret = relay_bad_option("unexpected argument", argv[optind]);
	return ret;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static bool relay_mkdirs(char *path)
{
	bool ok = true;

	for (char *p = path + 1; ok && *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		ok = mkdir(path, 0700) == 0 || errno == EEXIST;
		*p = '/';
	}
	return ok && (mkdir(path, 0700) == 0 || errno == EEXIST);
}

/* The default database path (malloc'd), its directory created 0700. */
static char *relay_default_db(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *dir = NULL;
	char *db = NULL;

	if (xdg != NULL && xdg[0] == '/') {
		if (asprintf(&dir, "%s/%s", xdg, RELAY_DATA_DIR) < 0)
			dir = NULL;
	} else if (home != NULL && home[0] == '/') {
		if (asprintf(&dir, "%s/.local/share/%s", home, RELAY_DATA_DIR) < 0)
			dir = NULL;
	} else {
		fprintf(stderr, "relay: neither XDG_DATA_HOME nor HOME is set; use --db\n");
	}
	if (dir != NULL && !relay_mkdirs(dir))
		fprintf(stderr, "relay: cannot create %s: %s\n", dir, strerror(errno));
	else if (dir != NULL && asprintf(&db, "%s/%s", dir, RELAY_DB_NAME) < 0)
		db = NULL;
	free(dir);
	return db;
}

/* Block SIGINT and SIGTERM (inherited by every thread started after)
 * so that main alone takes them, with sigwait. */
static void relay_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void relay_announce(const char *bind, uint16_t port, const char *db)
{
	bool v6 = strchr(bind, ':') != NULL;

	fprintf(stderr, "relay: listening on http://%s%s%s:%u (db %s)\n", v6 ? "[" : "",
		bind, v6 ? "]" : "", (unsigned)port, db);
}

/* Open the store, serve until SIGINT or SIGTERM, stop: 0, or 1 on a
 * failure to start. */
static int relay_run(const struct relay_opts *o, const char *db)
{
	struct http_server *srv = NULL;
	struct store *st;
	char why[256];
	sigset_t set;
	int sig = 0;
	int ret = 1;

	st = store_open(db, why, sizeof(why));
	if (st == NULL) {
		fprintf(stderr, "relay: cannot open database %s: %s\n", db, why);
		goto done;
	}
	relay_signals(&set);
	srv = http_start(&(struct http_config){.bind = o->bind, .port = o->port,
					       .quiet = o->quiet, .handler = routes_dispatch,
					       .ctx = st});
	if (srv == NULL)
		goto done;
	relay_announce(o->bind, http_port(srv), db);
	if (sigwait(&set, &sig) == 0) {
		fprintf(stderr, "relay: shutting down\n");
		ret = 0;
	}
done:
	http_stop(srv);
	store_close(st);
	return ret;
}

int main(int argc, char **argv)
{
	struct relay_opts o = {.bind = RELAY_DEFAULT_BIND, .port = RELAY_DEFAULT_PORT};
	char *db_default = NULL;
	const char *db = NULL;
	int parsed = relay_parse(argc, argv, &o);
	int ret = parsed == 1 ? 0 : 2;

	if (parsed != 0)
		goto done;
	ret = 1;
	umask(077); /* the database, its WAL and shm files: owner only */
	if (sodium_init() < 0) {
		fprintf(stderr, "relay: libsodium failed to initialise\n");
		goto done;
	}
	db = o.db != NULL ? o.db : (db_default = relay_default_db());
	if (db != NULL)
		ret = relay_run(&o, db);
done:
	free(db_default);
	return ret;
}
