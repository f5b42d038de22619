/* options.c - the relay's options (options.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "relay_opts.h"
#include "roomfeed.h"

/* Options an options file may not hold. */
#define FILE_REFUSED ((UINT64_C(1) << RELAY_OPT_CONFIG) | (UINT64_C(1) << RELAY_OPT_HELP) | \
		      (UINT64_C(1) << RELAY_OPT_VERSION))

static bool bad(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool bad(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return false;
}

static bool parse_port(const char *s, uint16_t *out)
{
	char *end = NULL;
	unsigned long v;
	bool ok;

	errno = 0;
	v = strtoul(s, &end, 10);
	ok = errno == 0 && end != s && *end == '\0' && s[0] >= '0' && s[0] <= '9' && v <= 65535;
	if (ok)
		*out = (uint16_t)v;
	return ok;
}

/* A decimal count in 1..max. */
static bool parse_count(const char *s, unsigned max, unsigned *out)
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
static bool parse_limit(const char *s, unsigned max, unsigned *out)
{
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return true;
	}
	return parse_count(s, max, out);
}

static bool addr_valid(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* The request limits. */
static bool limit_option(enum relay_opt opt, const char *arg, struct relay_opts *o, char *why,
			 size_t cap)
{
	unsigned v = 0;

	if (!parse_limit(arg, 1000000, &v))
		return bad(why, cap, "--%s wants 0..1000000: %s", relay_spec.opts[opt].name, arg);
	if (opt == RELAY_OPT_RATE_IP)
		o->limits.per_addr = v;
	else if (opt == RELAY_OPT_RATE_MEMBER)
		o->limits.per_member = v;
	else if (opt == RELAY_OPT_JOIN_FAILURES)
		o->limits.join_failures = v;
	else
		o->max_per_addr = v;
	return true;
}

/* The storage limits. */
static bool store_option(enum relay_opt opt, const char *arg, struct store_limits *l,
			 char *why, size_t cap)
{
	unsigned v = 0;

	if (opt == RELAY_OPT_RETENTION_DAYS) {
		if (!parse_limit(arg, RELAY_RETENTION_DAYS_MAX, &v))
			return bad(why, cap, "--retention-days wants 0..36500: %s", arg);
		l->retention_s = (int64_t)v * RELAY_DAY_S;
		return true;
	}
	if (!parse_count(arg, 1000000000, &v))
		return bad(why, cap, "--%s wants 1..1000000000: %s", relay_spec.opts[opt].name,
			   arg);
	if (opt == RELAY_OPT_MAX_ROOMS)
		l->max_rooms = v;
	else
		l->max_messages = v;
	return true;
}

/* One option's value into *o: true, or false saying why. */
static bool apply(const struct cmdline_item *it, struct relay_opts *o, char *why, size_t cap)
{
	enum relay_opt opt = (enum relay_opt)it->opt;
	const char *arg = it->arg;

	switch (opt) {
	case RELAY_OPT_PORT:
		return parse_port(arg, &o->port) || bad(why, cap, "--port wants 0..65535: %s", arg);
	case RELAY_OPT_BIND:
		o->bind = arg;
		return addr_valid(arg) ||
		       bad(why, cap, "--bind wants an IPv4 or IPv6 address: %s", arg);
	case RELAY_OPT_DB:
		o->db = arg;
		return true;
	case RELAY_OPT_QUIET:
		o->quiet = true;
		return true;
	case RELAY_OPT_THREADS:
		return parse_count(arg, RELAY_THREADS_MAX, &o->threads) ||
		       bad(why, cap, "--threads wants 1..64: %s", arg);
	case RELAY_OPT_MAX_CONNECTIONS:
		return parse_count(arg, 1000000, &o->max_conns) ||
		       bad(why, cap, "--max-connections wants 1..1000000: %s", arg);
	case RELAY_OPT_TLS_CERT:
		o->tls_cert = arg;
		return true;
	case RELAY_OPT_TLS_KEY:
		o->tls_key = arg;
		return true;
	case RELAY_OPT_RECHECK_SECONDS:
		return parse_count(arg, RELAY_RECHECK_MAX_S, &o->recheck_s) ||
		       bad(why, cap, "--recheck-seconds wants 1..3600: %s", arg);
	case RELAY_OPT_RATE_IP:
	case RELAY_OPT_RATE_MEMBER:
	case RELAY_OPT_JOIN_FAILURES:
	case RELAY_OPT_MAX_CONNS_PER_IP:
		return limit_option(opt, arg, o, why, cap);
	case RELAY_OPT_MAX_ROOMS:
	case RELAY_OPT_MAX_MESSAGES:
	case RELAY_OPT_RETENTION_DAYS:
		return store_option(opt, arg, &o->store, why, cap);
	case RELAY_OPT_CONFIG: /* read before the rest */
	case RELAY_OPT_HELP:
	case RELAY_OPT_VERSION:
	case RELAY_OPT_COUNT:
		break;
	}
	return true;
}

/* The text of the options file at `path` (malloc'd), or NULL with a line
 * on stderr. A file others may read is named in a warning: it may hold
 * a database password. */
static char *read_config(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *text = NULL;
	ssize_t n = 0;

	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "relay: cannot read --config %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CMDLINE_FILE_MAX) {
		fprintf(stderr, "relay: --config %s: not a regular file of at most %d bytes\n",
			path, CMDLINE_FILE_MAX);
		goto out;
	}
	if (st.st_mode & S_IROTH)
		fprintf(stderr, "relay: WARNING: %s is readable by every user; if it holds a "
			"secret (a database password), chmod 600 or 640 it\n", path);
	text = malloc((size_t)st.st_size + 1);
	if (text != NULL)
		n = read(fd, text, (size_t)st.st_size);
	if (text != NULL && (n < 0 || memchr(text, '\0', (size_t)n) != NULL)) {
		fprintf(stderr, "relay: --config %s: %s\n", path,
			n < 0 ? strerror(errno) : "not a text file");
		explicit_bzero(text, (size_t)st.st_size + 1);
		free(text);
		text = NULL;
	} else if (text != NULL) {
		text[n] = '\0';
		*len = (size_t)n + 1;
	}
out:
	if (fd >= 0)
		close(fd);
	return text;
}

/* The last --config given on the command line, or NULL. */
static const char *config_path(const struct cmdline *cl)
{
	const char *path = NULL;

	for (size_t i = 0; i < cl->n; i++)
		if (cl->items[i].opt == RELAY_OPT_CONFIG)
			path = cl->items[i].arg;
	return path;
}

/* The --config file's options into *o: RELAY_RUN or RELAY_USAGE. */
static enum relay_parsed apply_file(struct relay_opts *o, const char *path, struct cmdline *fl)
{
	char why[512];

	o->config_text = read_config(path, &o->config_len);
	if (o->config_text == NULL)
		return RELAY_USAGE;
	if (!cmdline_file_parse(&relay_spec, path, o->config_text, FILE_REFUSED, fl, why,
				sizeof why)) {
		fprintf(stderr, "relay: %s\n", why);
		return RELAY_USAGE;
	}
	for (size_t i = 0; i < fl->n; i++) {
		if (!apply(&fl->items[i], o, why, sizeof why)) {
			fprintf(stderr, "relay: %s:%u: %s\n", path, fl->items[i].line, why);
			return RELAY_USAGE;
		}
	}
	return RELAY_RUN;
}

static enum relay_parsed usage_error(const char *why)
{
	fprintf(stderr, "relay: %s (see relay --help)\n", why);
	return RELAY_USAGE;
}

enum relay_parsed relay_options_parse(struct relay_opts *o, int argc, char **argv)
{
	struct cmdline *cl = malloc(2 * sizeof *cl); /* the command line's, the file's */
	const char *path;
	enum relay_parsed ret = RELAY_USAGE;
	char why[512];

	*o = (struct relay_opts){.bind = RELAY_DEFAULT_BIND, .port = RELAY_DEFAULT_PORT,
				 .max_conns = RELAY_DEFAULT_MAX_CONNS,
				 .store = {STORE_MAX_ROOMS, STORE_MAX_MESSAGES, STORE_RETENTION_S},
				 .limits = {RELAY_DEFAULT_RATE_ADDR, RELAY_DEFAULT_RATE_MEMBER,
					    RELAY_DEFAULT_JOIN_FAILURES},
				 .max_per_addr = RELAY_DEFAULT_MAX_PER_ADDR,
				 .recheck_s = ROOMFEED_RECHECK_S};
	if (cl == NULL) {
		fprintf(stderr, "relay: out of memory\n");
		goto out;
	}
	if (!cmdline_parse(&relay_spec, argc, argv, cl, why, sizeof why)) {
		ret = usage_error(why);
		goto out;
	}
	ret = RELAY_DONE;
	if (cmdline_has(cl, RELAY_OPT_HELP))
		cmdline_help(&relay_spec, -1, stdout);
	else if (cmdline_has(cl, RELAY_OPT_VERSION))
		printf("relay %s\n", E2E_VERSION);
	else
		ret = RELAY_RUN;
	if (ret == RELAY_RUN && cl->argc > 0) {
		snprintf(why, sizeof why, "unexpected argument: %s", cl->argv[0]);
		ret = usage_error(why);
	}
	path = config_path(cl);
	if (ret == RELAY_RUN && path != NULL)
		ret = apply_file(o, path, &cl[1]);
	for (size_t i = 0; ret == RELAY_RUN && i < cl->n; i++)
		if (!apply(&cl->items[i], o, why, sizeof why))
			ret = usage_error(why);
	if (ret == RELAY_RUN && (o->tls_cert == NULL) != (o->tls_key == NULL))
		ret = usage_error("--tls-cert and --tls-key go together");
out:
	free(cl);
	return ret;
}

void relay_options_free(struct relay_opts *o)
{
	if (o->config_text != NULL)
		explicit_bzero(o->config_text, o->config_len);
	free(o->config_text);
	o->config_text = NULL;
}

bool relay_options_defaults_match(char *why, size_t cap)
{
	static const struct {
		enum relay_opt opt;
		long long value;
	} numbers[] = {
		{RELAY_OPT_PORT, RELAY_DEFAULT_PORT},
		{RELAY_OPT_RECHECK_SECONDS, ROOMFEED_RECHECK_S},
		{RELAY_OPT_MAX_CONNECTIONS, RELAY_DEFAULT_MAX_CONNS},
		{RELAY_OPT_MAX_ROOMS, STORE_MAX_ROOMS},
		{RELAY_OPT_MAX_MESSAGES, STORE_MAX_MESSAGES},
		{RELAY_OPT_RETENTION_DAYS, STORE_RETENTION_S / RELAY_DAY_S},
		{RELAY_OPT_RATE_IP, RELAY_DEFAULT_RATE_ADDR},
		{RELAY_OPT_RATE_MEMBER, RELAY_DEFAULT_RATE_MEMBER},
		{RELAY_OPT_JOIN_FAILURES, RELAY_DEFAULT_JOIN_FAILURES},
		{RELAY_OPT_MAX_CONNS_PER_IP, RELAY_DEFAULT_MAX_PER_ADDR},
	};
	const char *bind = relay_spec.opts[RELAY_OPT_BIND].default_text;
	char want[32];

	if (bind == NULL || strcmp(bind, RELAY_DEFAULT_BIND) != 0)
		return bad(why, cap, "--bind: documented %s, in force %s", bind ? bind : "nothing",
			   RELAY_DEFAULT_BIND);
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		const char *doc = relay_spec.opts[numbers[i].opt].default_text;

		snprintf(want, sizeof want, "%lld", numbers[i].value);
		if (doc == NULL || strcmp(doc, want) != 0)
			return bad(why, cap, "--%s: documented %s, in force %s",
				   relay_spec.opts[numbers[i].opt].name, doc ? doc : "nothing", want);
	}
	return true;
}
