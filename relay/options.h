/* options.h - the relay's options: their defaults, the command line and
 * the --config file (relay_opts.h, generated from docs/options/relay.opts,
 * names them and holds their help). Values are applied in order, the
 * file's first, so that the command line overrides the file; each value
 * is checked as it is applied, and a bad one is a usage error naming
 * where it was given (the file and line, for the file's). */
#ifndef E2E_RELAY_OPTIONS_H
#define E2E_RELAY_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routes.h"
#include "store.h"

#define RELAY_DEFAULT_PORT 8000
#define RELAY_DEFAULT_BIND "127.0.0.1"
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

	char *config_text;  /* the --config file's text: values point into it; */
	size_t config_len;  /* wiped when freed (it may hold a database password) */
};

enum relay_parsed {
	RELAY_RUN,   /* go on */
	RELAY_DONE,  /* --help or --version printed: exit 0 */
	RELAY_USAGE, /* a line on stderr said why: exit 2 */
};

/* The defaults, then --config's file, then the command line, into *o.
 * relay_options_free releases what it holds (after a failure too). */
enum relay_parsed relay_options_parse(struct relay_opts *o, int argc, char **argv);
void relay_options_free(struct relay_opts *o);

/* The defaults docs/options/relay.opts states are the ones in force:
 * true, or false naming the first option whose Default differs. */
bool relay_options_defaults_match(char *why, size_t cap);

#endif
