/* main.c - the relay program: options, the database path, the open-file
 * limit, signals. It opens the store connections, the long-poll registry
 * and the counters, starts the HTTP server with the route dispatcher, and
 * waits for SIGINT or SIGTERM to stop them all. */
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "committer.h"
#include "http.h"
#include "metrics.h"
#include "roomfeed.h"
#include "routes.h"
#include "storepool.h"
#include "tlsfiles.h"
#include "waiters.h"

#define RELAY_DEFAULT_PORT 8000
#define RELAY_DEFAULT_BIND "127.0.0.1"
#define RELAY_DATA_DIR "e2e-chat"
#define RELAY_DB_NAME "relay.db"
#define RELAY_DEFAULT_MAX_CONNS 16384
/* Request limits (README.md): generous for people, tight for scripts. */
#define RELAY_DEFAULT_RATE_ADDR 100      /* requests per second per address */
#define RELAY_DEFAULT_RATE_MEMBER 10     /* message posts per second per member */
#define RELAY_DEFAULT_JOIN_FAILURES 10   /* wrong passwords per minute */
#define RELAY_DEFAULT_MAX_PER_ADDR 256   /* connections per address */
#define RELAY_THREADS_MAX 64
#define RELAY_DAY_S 86400
#define RELAY_RETENTION_DAYS_MAX 36500
#define RELAY_RECHECK_MAX_S 3600
/* at shutdown, how long parked readers get to be answered */
#define RELAY_DRAIN_MS 1000
/* descriptors kept back from --max-connections: the database, its WAL
 * and shm files per connection, the listening socket, stdio, the ITCs */
#define RELAY_FD_RESERVE (32 + 4 * RELAY_THREADS_MAX)

struct relay_opts {
	const char *bind;
	const char *db;   /* from --db, or NULL for the default */
	uint16_t port;
	bool quiet;
	unsigned threads;   /* 0: one per CPU */
	unsigned max_conns;
	const char *tls_cert; /* both or neither: HTTPS */
	const char *tls_key;
	struct store_limits store; /* --max-rooms, --max-messages, --retention-days */
	struct routes_limits limits;
	unsigned max_per_addr;
	unsigned recheck_s; /* --recheck-seconds: roomfeed.h */
};

static void relay_usage(FILE *out)
{
	fprintf(out,
		"usage: relay [options]\n"
		"  --port N      listen on port N (default %d; 0 picks a free port)\n"
		"  --bind ADDR   listen on this IPv4 or IPv6 address (default %s)\n"
		"  --db PATH     SQLite database file (default $XDG_DATA_HOME/%s/%s,\n"
		"                else ~/.local/share/%s/%s); :memory: keeps nothing.\n"
		"                One relay process per file.\n"
		"  --db postgresql://USER@HOST:PORT/DB\n"
		"                a PostgreSQL database instead, which any number of\n"
		"                relays may share (docs/OPERATING.md): posts wake\n"
		"                long-polls on every relay, membership changes are in\n"
		"                force on every relay, one relay at a time sweeps; rate\n"
		"                limits stay per relay. While the server is away,\n"
		"                requests get 503 with Retry-After and the relay\n"
		"                reconnects\n"
		"  --recheck-seconds N  with PostgreSQL: how often the relay asks the\n"
		"                database for news of the rooms it has readers waiting\n"
		"                on, in case a notification was lost (default %d; 1..3600)\n"
		"  --quiet       no per-request log lines\n"
		"  --threads N   HTTP threads, each with its own database connection\n"
		"                (default: one per CPU; 1..%d)\n"
		"  --max-connections N  concurrent connections, waiting readers\n"
		"                included (default %d, lowered to fit the open-file limit)\n"
		"  --tls-cert FILE, --tls-key FILE  serve HTTPS (TLS 1.2+, PEM files;\n"
		"                the key file must not be readable by others)\n"
		"  --rate-ip N   requests per second per client address, burst 2N\n"
		"                (default %d; 0: no limit)\n"
		"  --rate-member N  message posts per second per member, burst 2N\n"
		"                (default %d; 0: no limit)\n"
		"  --join-failures N  wrong room passwords per minute, per room and per\n"
		"                address (default %d; 0: no limit)\n"
		"  --max-conns-per-ip N  connections per client address (default %d; 0: none)\n"
		"  --max-rooms N  rooms this relay holds (default %d)\n"
		"  --max-messages N  messages kept per room; beyond, the oldest expire,\n"
		"                down to 1 %% below N (at once, not one per post)\n"
		"                (default %d)\n"
		"  --retention-days D  messages older than D days expire (default %d;\n"
		"                0: kept until --max-messages)\n"
		"  --help        this text\n"
		"  --version     print the version\n",
		RELAY_DEFAULT_PORT, RELAY_DEFAULT_BIND, RELAY_DATA_DIR, RELAY_DB_NAME,
		RELAY_DATA_DIR, RELAY_DB_NAME, ROOMFEED_RECHECK_S, RELAY_THREADS_MAX, RELAY_DEFAULT_MAX_CONNS,
		RELAY_DEFAULT_RATE_ADDR, RELAY_DEFAULT_RATE_MEMBER, RELAY_DEFAULT_JOIN_FAILURES,
		RELAY_DEFAULT_MAX_PER_ADDR, STORE_MAX_ROOMS, STORE_MAX_MESSAGES,
		STORE_RETENTION_S / RELAY_DAY_S);
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

/* A decimal count in 1..max. */
static bool relay_parse_count(const char *s, unsigned max, unsigned *out)
{
	char *end = NULL;
	unsigned long v;
	bool ok;

	errno = 0;
	v = strtoul(s, &end, 10);
	ok = errno == 0 && end != s && *end == '\0' && s[0] >= '0' && s[0] <= '9' && v >= 1 &&
	     v <= max;
	if (ok)
		*out = (unsigned)v;
	return ok;
}

/* A decimal limit in 0..max (0: no limit). */
static bool relay_parse_limit(const char *s, unsigned max, unsigned *out)
{
	return strcmp(s, "0") == 0 ? (*out = 0, true) : relay_parse_count(s, max, out);
}

static bool relay_addr_valid(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

enum { OPT_PORT = 256, OPT_BIND, OPT_DB, OPT_QUIET, OPT_THREADS, OPT_MAX_CONNS, OPT_HELP,
       OPT_VERSION, OPT_TLS_CERT, OPT_TLS_KEY, OPT_RATE_IP, OPT_RATE_MEMBER,
       OPT_JOIN_FAILURES, OPT_MAX_PER_IP, OPT_RECHECK };

/* What the relay stores (relay/store.h), after the options above. */
enum { OPT_MAX_ROOMS = 512, OPT_MAX_MESSAGES, OPT_RETENTION_DAYS };

/* An option getopt did not take: "--name" or "-c". */
static int relay_unknown(const char *what, char **argv)
{
	char shortopt[3] = {'-', (char)optopt, '\0'};
	bool is_short = optopt > 0 && optopt < OPT_PORT; /* long ones have no char */

	return relay_bad_option(what, is_short ? shortopt : argv[optind - 1]);
}

/* The request limits: 0 to go on, 2 on bad usage. */
static int relay_limit_option(int c, const char *arg, struct relay_opts *o)
{
	unsigned v = 0;

	if (!relay_parse_limit(arg, 1000000, &v))
		return relay_bad_option("a limit wants 0..1000000", arg);
	if (c == OPT_RATE_IP)
		o->limits.per_addr = v;
	else if (c == OPT_RATE_MEMBER)
		o->limits.per_member = v;
	else if (c == OPT_JOIN_FAILURES)
		o->limits.join_failures = v;
	else
		o->max_per_addr = v;
	return 0;
}

/* The storage limits: 0 to go on, 2 on bad usage. */
static int relay_store_option(int c, const char *arg, struct store_limits *l)
{
	unsigned v = 0;
	int ret = 0;

	if (c == OPT_RETENTION_DAYS) {
		if (strcmp(arg, "0") == 0 || relay_parse_count(arg, RELAY_RETENTION_DAYS_MAX, &v))
			l->retention_s = (int64_t)v * RELAY_DAY_S;
		else
			ret = relay_bad_option("--retention-days wants 0..36500", arg);
	} else if (!relay_parse_count(arg, 1000000000, &v)) {
		ret = relay_bad_option(c == OPT_MAX_ROOMS ? "--max-rooms wants 1..1000000000"
							  : "--max-messages wants 1..1000000000",
				       arg);
	} else if (c == OPT_MAX_ROOMS) {
		l->max_rooms = v;
	} else {
		l->max_messages = v;
	}
	return ret;
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
	case OPT_THREADS:
		if (!relay_parse_count(optarg, RELAY_THREADS_MAX, &o->threads))
			ret = relay_bad_option("--threads wants 1..64", optarg);
		break;
	case OPT_MAX_CONNS:
		if (!relay_parse_count(optarg, 1000000, &o->max_conns))
			ret = relay_bad_option("--max-connections wants 1..1000000", optarg);
		break;
	case OPT_TLS_CERT:
		o->tls_cert = optarg;
		break;
	case OPT_RATE_IP:
	case OPT_RATE_MEMBER:
	case OPT_JOIN_FAILURES:
	case OPT_MAX_PER_IP:
		ret = relay_limit_option(c, optarg, o);
		break;
	case OPT_TLS_KEY:
		o->tls_key = optarg;
		break;
	case OPT_RECHECK:
		if (!relay_parse_count(optarg, RELAY_RECHECK_MAX_S, &o->recheck_s))
			ret = relay_bad_option("--recheck-seconds wants 1..3600", optarg);
		break;
	case OPT_MAX_ROOMS:
	case OPT_MAX_MESSAGES:
	case OPT_RETENTION_DAYS:
		ret = relay_store_option(c, optarg, &o->store);
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
		{"recheck-seconds", required_argument, NULL, OPT_RECHECK},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"max-connections", required_argument, NULL, OPT_MAX_CONNS},
		{"tls-cert", required_argument, NULL, OPT_TLS_CERT},
		{"tls-key", required_argument, NULL, OPT_TLS_KEY},
		{"rate-ip", required_argument, NULL, OPT_RATE_IP},
		{"rate-member", required_argument, NULL, OPT_RATE_MEMBER},
		{"join-failures", required_argument, NULL, OPT_JOIN_FAILURES},
		{"max-conns-per-ip", required_argument, NULL, OPT_MAX_PER_IP},
		{"max-rooms", required_argument, NULL, OPT_MAX_ROOMS},
		{"max-messages", required_argument, NULL, OPT_MAX_MESSAGES},
		{"retention-days", required_argument, NULL, OPT_RETENTION_DAYS},
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
	if (ret == 0 && (o->tls_cert == NULL) != (o->tls_key == NULL))
		ret = relay_bad_option("--tls-cert and --tls-key go together", NULL);
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

static bool relay_loopback(const char *bind)
{
	return strncmp(bind, "127.", 4) == 0 || strcmp(bind, "::1") == 0;
}

/* The database name as logged: a password in a server URI
 * (scheme://user:password@host) is not repeated. */
static void relay_db_shown(const char *db, char *out, size_t cap)
{
	const char *auth = strstr(db, "://");
	const char *at = auth != NULL ? strchr(auth + 3, '@') : NULL;
	const char *colon = auth != NULL ? strchr(auth + 3, ':') : NULL;

	if (store_name_is_server(db) && at != NULL && colon != NULL && colon < at)
		snprintf(out, cap, "%.*s:***%s", (int)(colon - db), db, at);
	else
		snprintf(out, cap, "%s", db);
}

static void relay_announce(const char *bind, uint16_t port, const char *db, bool tls)
{
	bool v6 = strchr(bind, ':') != NULL;
	char shown[512];

	relay_db_shown(db, shown, sizeof(shown));
	fprintf(stderr, "relay: listening on %s://%s%s%s:%u (db %s)\n", tls ? "https" : "http",
		v6 ? "[" : "", bind, v6 ? "]" : "", (unsigned)port, shown);
	if (!tls && !relay_loopback(bind))
		fprintf(stderr, "relay: WARNING: plain HTTP on %s, not a loopback address: member "
			"tokens and join proofs cross the network in clear (messages stay "
			"end-to-end encrypted); use --tls-cert/--tls-key or a TLS-terminating "
			"proxy\n", bind);
}

/* Raise the soft open-file limit to the hard one (every waiting reader
 * is a socket), say what we got, and fit --max-connections under it. */
static void relay_nofile(struct relay_opts *o)
{
	struct rlimit rl;
	unsigned long long room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		fprintf(stderr, "relay: cannot read the open-file limit: %s\n", strerror(errno));
		return;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0 && getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return;
	}
	room = rl.rlim_cur > RELAY_FD_RESERVE ? rl.rlim_cur - RELAY_FD_RESERVE : 1;
	if (o->max_conns > room) {
		fprintf(stderr, "relay: --max-connections lowered from %u to %llu\n", o->max_conns,
			room);
		o->max_conns = (unsigned)room;
	}
	fprintf(stderr, "relay: open-file limit %llu; up to %u connections, %u HTTP thread%s\n",
		(unsigned long long)rl.rlim_cur, o->max_conns, o->threads,
		o->threads == 1 ? "" : "s");
}

/* Threads: as asked, else one per CPU. */
static unsigned relay_threads(unsigned asked)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (asked != 0)
		return asked;
	return cpus < 1 ? 1 : cpus > RELAY_THREADS_MAX ? RELAY_THREADS_MAX : (unsigned)cpus;
}

/* The parts the dispatcher shares; all NULL-safe to free. */
struct relay_parts {
	struct storepool *pool;
	struct waiters *w;
	struct metrics *m;
	struct committer *c;
	struct roomfeed *feed; /* several relays on one database: theirs */
	struct routes *rt;
};

static bool relay_parts_open(struct relay_parts *p, const struct relay_opts *o,
			     const char *db)
{
	/* another connection to ":memory:" would be another, empty database */
	unsigned conns = strcmp(db, ":memory:") == 0 ? 1 : o->threads;
	char why[256];
	char shown[512];

	relay_db_shown(db, shown, sizeof(shown));
	p->pool = storepool_open(db, conns, why, sizeof(why));
	if (p->pool == NULL) {
		fprintf(stderr, "relay: cannot open database %s: %s\n", shown, why);
		return false;
	}
	storepool_set_limits(p->pool, &o->store);
	p->w = waiters_new();
	if (p->w != NULL) /* the room versions: store.h */
		storepool_watch_rooms(p->pool, waiters_room_changed, p->w);
	if (p->w != NULL && store_name_is_server(db)) {
		p->feed = roomfeed_new(db, p->pool, p->w, o->recheck_s, why, sizeof(why));
		if (p->feed == NULL) {
			fprintf(stderr, "relay: cannot listen to %s: %s\n", shown, why);
			return false;
		}
	}
	p->m = metrics_new(routes_count());
	/* group commit and the retention sweep, also with one shared
	 * connection (--threads 1, ":memory:", a one-CPU machine) */
	if (p->w != NULL && (p->c = committer_new(p->pool, p->m)) == NULL)
		return false;
	p->rt = p->w != NULL && p->m != NULL ? routes_new(p->pool, p->w, p->m, p->c, &o->limits)
					       : NULL;
	if (p->rt == NULL)
		fprintf(stderr, "relay: out of memory or threads\n");
	return p->rt != NULL;
}

static void relay_parts_close(struct relay_parts *p)
{
	routes_free(p->rt);
	roomfeed_free(p->feed);
	committer_free(p->c); /* commits what is queued */
	waiters_free(p->w);
	metrics_free(p->m);
	storepool_close(p->pool);
}

/* Open the store, serve until SIGINT or SIGTERM, stop: 0, or 1 on a
 * failure to start. */
static int relay_run(const struct relay_opts *o, const char *db)
{
	struct http_server *srv = NULL;
	struct relay_parts parts = {0};
	struct tlsfiles tls = {0};
	sigset_t set;
	int sig = 0;
	int ret = 1;

	/* blocked before any thread starts, so that all of them inherit it */
	relay_signals(&set);
	if (o->tls_cert && !tlsfiles_load(&tls, o->tls_cert, o->tls_key))
		goto done;
	if (!relay_parts_open(&parts, o, db))
		goto done;
	srv = http_start(&(struct http_config){.bind = o->bind, .port = o->port,
					       .quiet = o->quiet, .threads = o->threads,
					       .max_conns = o->max_conns,
					       .max_per_ip = o->max_per_addr, .tls_cert = tls.cert,
					       .tls_key = tls.key, .handler = routes_dispatch,
					       .ctx = parts.rt});
	if (srv == NULL)
		goto done;
	relay_announce(o->bind, http_port(srv), db, o->tls_cert != NULL);
	if (sigwait(&set, &sig) == 0) {
		fprintf(stderr, "relay: shutting down\n");
		ret = 0;
	}
done:
	/* MHD must not stop with parked requests: answer them first */
	if (parts.w != NULL)
		waiters_shutdown(parts.w);
	http_drain(srv, RELAY_DRAIN_MS);
	http_stop(srv);
	relay_parts_close(&parts);
	tlsfiles_free(&tls);
	return ret;
}

int main(int argc, char **argv)
{
	struct relay_opts o = {.bind = RELAY_DEFAULT_BIND, .port = RELAY_DEFAULT_PORT,
			       .max_conns = RELAY_DEFAULT_MAX_CONNS,
			       .store = {STORE_MAX_ROOMS, STORE_MAX_MESSAGES, STORE_RETENTION_S},
			       .limits = {RELAY_DEFAULT_RATE_ADDR, RELAY_DEFAULT_RATE_MEMBER,
					  RELAY_DEFAULT_JOIN_FAILURES},
			       .max_per_addr = RELAY_DEFAULT_MAX_PER_ADDR,
			       .recheck_s = ROOMFEED_RECHECK_S};
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
	o.threads = relay_threads(o.threads);
	relay_nofile(&o);
	db = o.db != NULL ? o.db : (db_default = relay_default_db());
	if (db != NULL)
		ret = relay_run(&o, db);
done:
	free(db_default);
	return ret;
}
