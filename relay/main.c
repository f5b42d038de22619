/* main.c - the relay program: the database path, the open-file
 * limit, signals. It opens the store connections, the long-poll registry
 * and the counters, starts the HTTP server with the route dispatcher, and
 * waits for SIGINT or SIGTERM to stop them all. */
#include <arpa/inet.h>
#include <errno.h>
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
#include "options.h"
#include "roomfeed.h"
#include "routes.h"
#include "storepool.h"
#include "tlsfiles.h"
#include "waiters.h"

#define RELAY_DATA_DIR "e2e-chat"
#define RELAY_DB_NAME "relay.db"
/* at shutdown, how long parked readers and posts in a group commit get
 * to be answered (normally milliseconds) */
#define RELAY_DRAIN_MS 5000
/* descriptors kept back from --max-connections: the database, its WAL
 * and shm files per connection, the listening socket, stdio, the ITCs */
#define RELAY_FD_RESERVE (32 + 4 * RELAY_THREADS_MAX)

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
	if (!http_drain(srv, RELAY_DRAIN_MS)) {
		/* a commit that never ends (a database gone): what was
		 * acknowledged is committed, the rest is not, as after kill -9 */
		fprintf(stderr, "relay: requests still unanswered after %u ms; leaving without "
			"them\n", (unsigned)RELAY_DRAIN_MS);
		_exit(1);
	}
	http_stop(srv);
	relay_parts_close(&parts);
	tlsfiles_free(&tls);
	return ret;
}

int main(int argc, char **argv)
{
	struct relay_opts o;
	char *db_default = NULL;
	const char *db = NULL;
	enum relay_parsed parsed = relay_options_parse(&o, argc, argv);
	int ret = parsed == RELAY_DONE ? 0 : 2;

	if (parsed != RELAY_RUN)
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
	relay_options_free(&o);
	return ret;
}
