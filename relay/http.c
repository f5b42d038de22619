/* http.c - libmicrohttpd glue (see http.h): per-request state, body
 * gathering with a hard cap, JSON and error replies, the request log.
 *
 * Threading: the daemon runs a pool of `threads` internal polling threads
 * (epoll each, never a thread per connection); a connection stays on one
 * of them for its life, so a handler and the request's state are only
 * ever touched by that thread. A parked (suspended) request holds no
 * thread: it is a socket and this struct until http_resume, which any
 * thread may call. */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "proto.h"
#include "wire.h"

#define HTTP_PATH_MAX 1024
#define HTTP_TIMEOUT_S 30
#define HTTP_BODY_START 4096
#define HTTP_BODY_HINT_MAX (64 * 1024)
#define HTTP_LOG_METHOD_MAX 16
/* Retry-After of the 503 a request gets while the relay shuts down: a
 * restart takes about a second */
#define HTTP_RETRY_STOPPING_S 1
/* MHD's per-connection pool (request line, headers, reply headers, read
 * and write buffers; bodies are gathered here, not in it), which MHD
 * zeroes for every request: 8 KiB (MHD's default is 32 KiB) takes 10 %
 * off the relay's CPU in bench/fanout and still leaves about 7 KiB for
 * the request line and headers (beyond: 431, documented). */
#define HTTP_CONN_MEMORY (8 * 1024)

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_config cfg;
	uint16_t port;
	unsigned suspended; /* requests ever parked and not yet fully answered (atomic) */
	unsigned parked_now; /* suspended and not yet back in a handler (atomic) */
	unsigned in_handler; /* handler calls under way (atomic) */
	bool draining;       /* http_drain began: new requests get 503 (atomic) */
};

struct http_req {
	struct http_server *srv;
	struct MHD_Connection *conn;
	const char *method; /* MHD's, valid until the request completes */
	const char *path;
	time_t started;
	struct timespec t0;
	char *body;
	size_t len;
	size_t cap;
	enum e2e_err body_err; /* E2E_ERR_TOO_LARGE once past the cap */
	unsigned status;    /* 0 until a reply is queued */
	bool parked;        /* suspended at least once */
	bool counted;       /* in srv->suspended */
	bool parked_now;    /* in srv->parked_now */
	const void *route;  /* the dispatcher's, across runs */
	void *state;        /* the handler's, across runs */
	void (*state_free)(void *);
	/* "METHOD PATH" for the log line, cleaned (http_log_copy); NULL with
	 * --quiet: a parked long-poll is this struct for as long as it waits,
	 * and the two fixed buffers it had (1 KiB) were a sixth of a waiting
	 * reader's memory (bench/idle.sh, issue 16) */
	char *log_line;
};

static enum MHD_Result http_result(bool ok)
{
	return ok ? MHD_YES : MHD_NO;
}

/* ---- accessors ---- */

const char *http_method(const struct http_req *rq)
{
	return rq->method;
}

const char *http_path(const struct http_req *rq)
{
	return rq->path;
}

const char *http_body(const struct http_req *rq, size_t *len)
{
	*len = rq->len;
	return rq->body != NULL ? rq->body : "";
}

const char *http_query(const struct http_req *rq, const char *key)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_bearer(const struct http_req *rq)
{
	const char *v = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *token = NULL;

	if (v != NULL && strncasecmp(v, "Bearer ", 7) == 0) {
		token = v + 7;
		while (*token == ' ')
			token++;
		if (*token == '\0')
			token = NULL;
	}
	return token;
}

const struct timespec *http_started(const struct http_req *rq)
{
	return &rq->t0;
}

double http_elapsed(const struct http_req *rq)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - rq->t0.tv_sec) + (double)(t1.tv_nsec - rq->t0.tv_nsec) / 1e9;
}

unsigned http_status(const struct http_req *rq)
{
	return rq->status;
}

bool http_parked(const struct http_req *rq)
{
	return rq->parked;
}

const void *http_route(const struct http_req *rq)
{
	return rq->route;
}

void http_keep_route(struct http_req *rq, const void *route)
{
	rq->route = route;
}

/* ---- parking ---- */

void http_suspend(struct http_req *rq, bool wait)
{
	rq->parked = rq->parked || wait;
	if (!rq->counted) /* until the reply is sent: see http_drain */
		__atomic_fetch_add(&rq->srv->suspended, 1, __ATOMIC_RELAXED);
	rq->counted = true;
	rq->parked_now = true;
	__atomic_fetch_add(&rq->srv->parked_now, 1, __ATOMIC_SEQ_CST);
	MHD_suspend_connection(rq->conn);
}

void http_resume(void *arg)
{
	struct http_req *rq = arg;

	MHD_resume_connection(rq->conn);
}

void *http_state(const struct http_req *rq)
{
	return rq->state;
}

void http_set_state(struct http_req *rq, void *state, void (*free_fn)(void *))
{
	rq->state = state;
	rq->state_free = free_fn;
}

/* ---- replies ---- */

/* Queue `buf` (malloc'd, taken over) as the reply. */
/* One extra header (Allow, Retry-After), or none. */
struct http_header {
	const char *name;
	const char *value;
};

static bool http_send(struct http_req *rq, unsigned status, char *buf, size_t len,
		      const char *type, const struct http_header *extra)
{
	struct MHD_Response *resp;
	bool ok = false;

	resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(buf);
		goto done;
	}
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES ||
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES)
		goto done;
	if (extra != NULL && extra->value != NULL &&
	    MHD_add_response_header(resp, extra->name, extra->value) != MHD_YES)
		goto done;
	if (MHD_queue_response(rq->conn, status, resp) != MHD_YES)
		goto done;
	rq->status = status;
	ok = true;
done:
	if (resp != NULL)
		MHD_destroy_response(resp);
	return ok;
}

static bool http_reply(struct http_req *rq, unsigned status, const json_t *body,
		       const struct http_header *extra)
{
	/* one pass (wire_dump sizes first, then writes: twice the escaping
	 * work, which showed in profiles of message reads) */
	char *buf = json_dumps(body, JSON_COMPACT);
	size_t n = buf != NULL ? strlen(buf) : 0;
	bool ok = buf != NULL;

	if (ok) {
		buf[n] = '\n'; /* over the NUL: the reply is n + 1 bytes */
		ok = http_send(rq, status, buf, n + 1, "application/json", extra); /* takes buf */
	}
	return ok;
}

bool http_reply_json(struct http_req *rq, unsigned status, const json_t *body)
{
	return http_reply(rq, status, body, NULL);
}

bool http_reply_text(struct http_req *rq, unsigned status, const char *type, char *text,
		     size_t len)
{
	return http_send(rq, status, text, len, type, NULL);
}

static bool http_error(struct http_req *rq, enum e2e_err err, const char *detail,
		       const struct http_header *extra)
{
	const struct e2e_err_info *info = e2e_err_info(err);
	char msg[512];
	json_t *body;
	bool ok;

	if (detail != NULL && detail[0] != '\0')
		snprintf(msg, sizeof(msg), "%s: %s", info->message, detail);
	else
		snprintf(msg, sizeof(msg), "%s", info->message);
	body = json_pack("{s:{s:s, s:s}}", "error", "code", info->code, "message", msg);
	ok = body != NULL && http_reply(rq, info->http_status, body, extra);
	json_decref(body);
	return ok;
}

bool http_reply_error(struct http_req *rq, enum e2e_err err, const char *detail,
		      const char *allow)
{
	return http_error(rq, err, detail, &(struct http_header){MHD_HTTP_HEADER_ALLOW, allow});
}

bool http_reply_busy(struct http_req *rq, const char *detail, unsigned retry_after_s)
{
	char seconds[16];

	snprintf(seconds, sizeof(seconds), "%u", retry_after_s);
	return http_error(rq, E2E_ERR_BUSY, detail,
			  &(struct http_header){MHD_HTTP_HEADER_RETRY_AFTER, seconds});
}

bool http_reply_unavailable(struct http_req *rq, unsigned retry_after_s, const char *message)
{
	char seconds[16];
	json_t *body = json_pack("{s:{s:s, s:s}}", "error", "code", HTTP_UNAVAILABLE, "message",
				 message);
	bool ok;

	snprintf(seconds, sizeof(seconds), "%u", retry_after_s);
	ok = body != NULL &&
	     http_reply(rq, MHD_HTTP_SERVICE_UNAVAILABLE, body,
			&(struct http_header){MHD_HTTP_HEADER_RETRY_AFTER, seconds});
	json_decref(body);
	return ok;
}

bool http_client_addr(const struct http_req *rq, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info != NULL ? info->client_addr : NULL;

	if (sa != NULL && sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
				 (socklen_t)cap) != NULL;
	if (sa != NULL && sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
				 (socklen_t)cap) != NULL;
	snprintf(out, cap, "?");
	return false;
}

/* ---- the request log ---- */

/* Copy `s` for the log: printable ASCII only, so a decoded path cannot
 * carry control sequences or split the line; truncated with "...". */
static void http_log_copy(char *out, size_t cap, const char *s)
{
	size_t i = 0;

	for (; s[i] != '\0' && i + 4 < cap; i++)
		out[i] = (s[i] > ' ' && s[i] < 0x7f) ? s[i] : '?';
	if (s[i] != '\0' && i + 4 >= cap) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

static void http_log(const struct http_req *rq)
{
	struct timespec t1;
	struct tm tm;
	char when[32];
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (long long)(t1.tv_sec - rq->t0.tv_sec) * 1000 +
	     (t1.tv_nsec - rq->t0.tv_nsec) / 1000000;
	if (gmtime_r(&rq->started, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof(when), "-");
	fprintf(stderr, "%s %s %u %lldms\n", when, rq->log_line != NULL ? rq->log_line : "-",
		rq->status, ms);
}

/* ---- the request cycle ---- */

/* The declared Content-Length, or 0 if absent or unreadable. */
static unsigned long long http_content_length(struct MHD_Connection *conn)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end = NULL;
	unsigned long long n = 0;

	if (v != NULL) {
		n = strtoull(v, &end, 10);
		if (end == v || *end != '\0')
			n = 0;
	}
	return n;
}

/* The log's "METHOD PATH", cleaned and capped, in its own allocation
 * (NULL if that fails: the line then says "-"). */
static char *http_log_line(const char *method, const char *url)
{
	char m[HTTP_LOG_METHOD_MAX], p[HTTP_PATH_MAX + 4];
	size_t n;
	char *line;

	http_log_copy(m, sizeof(m), method);
	http_log_copy(p, sizeof(p), url);
	n = strlen(m) + 1 + strlen(p) + 1;
	line = malloc(n);
	if (line != NULL)
		snprintf(line, n, "%s %s", m, p);
	return line;
}

/* Per-request state for the first call, or NULL. */
static struct http_req *http_req_new(struct http_server *srv, struct MHD_Connection *conn,
				     const char *url, const char *method)
{
	struct http_req *rq = calloc(1, sizeof(*rq));

	if (rq != NULL) {
		rq->srv = srv;
		rq->conn = conn;
		rq->method = method;
		rq->path = url;
		rq->started = time(NULL);
		clock_gettime(CLOCK_MONOTONIC, &rq->t0);
		if (!srv->cfg.quiet)
			rq->log_line = http_log_line(method, url);
	}
	return rq;
}

/* The first call for a request: set up its state, refuse at once what is
 * too long to take (before any body is read). */
static enum MHD_Result http_begin(struct http_server *srv, struct MHD_Connection *conn,
				  const char *url, const char *method, void **con_cls)
{
	struct http_req *rq = http_req_new(srv, conn, url, method);
	unsigned long long declared = http_content_length(conn);
	enum e2e_err refuse = E2E_OK;
	enum MHD_Result ret = MHD_NO;

	*con_cls = rq;
	if (rq == NULL)
		goto done;
	if (strlen(url) > HTTP_PATH_MAX)
		refuse = E2E_ERR_URI_TOO_LONG;
	else if (declared > E2E_BODY_MAX)
		refuse = E2E_ERR_TOO_LARGE;
	/* a first allocation of the declared size, but not a large one on
	 * the client's word alone */
	rq->cap = declared < HTTP_BODY_HINT_MAX ? declared : HTTP_BODY_HINT_MAX;
	ret = refuse == E2E_OK ? MHD_YES : http_result(http_reply_error(rq, refuse, NULL, NULL));
done:
	return ret;
}

/* The next buffer size for `want` bytes: doubling, never past the cap. */
static size_t http_grow(size_t cap, size_t want)
{
	size_t next = cap < HTTP_BODY_START ? HTTP_BODY_START : cap;

	while (next < want)
		next = next > E2E_BODY_MAX / 2 ? E2E_BODY_MAX : next * 2;
	return next;
}

/* Make room for `want` (<= E2E_BODY_MAX) bytes in the body buffer. */
static void http_reserve(struct http_req *rq, size_t want)
{
	size_t cap = (rq->body == NULL && rq->cap >= want) ? rq->cap : http_grow(rq->cap, want);
	char *grown = realloc(rq->body, cap);

	if (grown == NULL) {
		rq->body_err = E2E_ERR_INTERNAL;
	} else {
		rq->body = grown;
		rq->cap = cap;
	}
}

/* Append upload data; past E2E_BODY_MAX drop everything and remember. */
static void http_gather(struct http_req *rq, const char *data, size_t n)
{
	size_t want = rq->len + n;

	if (rq->body_err == E2E_OK && n > E2E_BODY_MAX - rq->len)
		rq->body_err = E2E_ERR_TOO_LARGE;
	if (rq->body_err == E2E_OK && (rq->body == NULL || want > rq->cap))
		http_reserve(rq, want);
	if (rq->body_err == E2E_OK) {
		memcpy(rq->body + rq->len, data, n);
		rq->len = want;
	} else {
		free(rq->body);
		rq->body = NULL;
		rq->len = 0;
	}
}

/* A parked request is back (its handler about to run, or its connection
 * ending): libmicrohttpd has taken it off its suspended list. */
static void http_unpark(struct http_server *srv, struct http_req *rq)
{
	if (rq->parked_now) {
		rq->parked_now = false;
		__atomic_fetch_sub(&srv->parked_now, 1, __ATOMIC_SEQ_CST);
	}
}

/* Run the handler, unless the server is draining and the request is
 * new: then 503, so that no request parks after http_drain saw none
 * parked (in_handler first, draining second; http_drain the other way
 * round, both sequentially consistent). A resumed request goes on: its
 * answer is what the drain waits for. */
static bool http_handle(struct http_server *srv, struct http_req *rq)
{
	bool ok;

	__atomic_fetch_add(&srv->in_handler, 1, __ATOMIC_SEQ_CST);
	http_unpark(srv, rq); /* resumed: libmicrohttpd holds it suspended no more */
	if (!rq->counted && __atomic_load_n(&srv->draining, __ATOMIC_SEQ_CST)) {
		/* never parks: out of in_handler at once, so that a flood of
		 * these cannot keep the drain from seeing none under way */
		__atomic_fetch_sub(&srv->in_handler, 1, __ATOMIC_SEQ_CST);
		return http_reply_unavailable(rq, HTTP_RETRY_STOPPING_S,
					      "the relay is shutting down; nothing was stored, "
					      "try again");
	}
	ok = srv->cfg.handler(srv->cfg.ctx, rq);
	__atomic_fetch_sub(&srv->in_handler, 1, __ATOMIC_SEQ_CST);
	return ok;
}

static enum MHD_Result http_access(void *cls, struct MHD_Connection *conn,
				   const char *url, const char *method,
				   const char *version, const char *upload_data,
				   size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_req *rq = *con_cls;
	enum MHD_Result ret = MHD_YES;

	if (rq == NULL) {
		ret = http_begin(srv, conn, url, method, con_cls);
	} else if (*upload_data_size != 0) {
		/* MHD cannot queue a reply here: answer when the body ends */
		http_gather(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
	} else if (rq->body_err != E2E_OK) {
		ret = http_result(http_reply_error(rq, rq->body_err, NULL, NULL));
	} else {
		ret = http_result(http_handle(srv, rq));
	}
	return ret;
}

static void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_req *rq = *con_cls;

	if (rq != NULL && !srv->cfg.quiet)
		http_log(rq);
	if (rq != NULL && rq->counted)
		__atomic_fetch_sub(&srv->suspended, 1, __ATOMIC_RELAXED);
	if (rq != NULL)
		http_unpark(srv, rq);
	if (rq != NULL && rq->state_free != NULL)
		rq->state_free(rq->state);
	if (rq != NULL) {
		free(rq->body);
		free(rq->log_line);
	}
	free(rq);
	*con_cls = NULL;
}

/* ---- the daemon ---- */

/* libmicrohttpd's own messages (a refused connection, a request too
 * big for its memory), as one "relay: libmicrohttpd: ..." line each. */
static void http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strcspn(line, "\r\n");
	fprintf(stderr, "relay: libmicrohttpd: %.*s\n", (int)n, line);
}

/* Fill `ss` from an IPv4 or IPv6 literal; adds MHD_USE_IPv6 for v6. */
static bool http_addr(const char *bind, uint16_t port, struct sockaddr_storage *ss,
		      unsigned *flags)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	bool ok = true;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, bind, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		*flags |= MHD_USE_IPv6;
	} else {
		ok = false;
	}
	return ok;
}

/* GnuTLS priorities: TLS 1.2 and 1.3 only, AEAD ciphers only, forward
 * secret key exchange only (documented in README.md). */
#define HTTP_TLS_PRIORITIES                                                          \
	"SECURE:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:"        \
	"+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:"        \
	"+ECDHE-RSA:%SERVER_PRECEDENCE"

struct http_server *http_start(const struct http_config *cfg)
{
	struct MHD_OptionItem tls[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key},
		{MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)HTTP_TLS_PRIORITIES},
		{MHD_OPTION_END, 0, NULL},
	};
	struct MHD_OptionItem plain[] = {{MHD_OPTION_END, 0, NULL}};
	/* one thread is no pool at all (MHD warns on stderr if told "1") */
	struct MHD_OptionItem pool[] = {
		{cfg->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
		 (intptr_t)cfg->threads, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	struct http_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	bool ok = false;

	if (srv == NULL)
		goto done;
	srv->cfg = *cfg;
	if (cfg->tls_cert)
		flags |= MHD_USE_TLS;
	if (!http_addr(cfg->bind, cfg->port, &ss, &flags)) {
		fprintf(stderr, "relay: not an IPv4 or IPv6 address: %s\n", cfg->bind);
		goto done;
	}
	/* the logger first: libmicrohttpd warns (on its own stderr) otherwise */
	srv->daemon = MHD_start_daemon(flags, cfg->port, NULL, NULL, http_access, srv,
				       MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
				       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				       MHD_OPTION_NOTIFY_COMPLETED, http_completed, srv,
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT_S,
				       MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_conns,
				       MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->max_per_ip,
				       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
				       MHD_OPTION_ARRAY, pool,
				       MHD_OPTION_ARRAY, cfg->tls_cert ? tls : plain,
				       MHD_OPTION_END);
	if (srv->daemon == NULL) {
		fprintf(stderr, "relay: cannot listen on %s port %u\n", cfg->bind,
			(unsigned)cfg->port);
		goto done;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		fprintf(stderr, "relay: cannot read the bound port\n");
		goto done;
	}
	srv->port = info->port;
	ok = true;
done:
	if (!ok) {
		http_stop(srv);
		srv = NULL;
	}
	return srv;
}

uint16_t http_port(const struct http_server *srv)
{
	return srv->port;
}

bool http_drain(struct http_server *srv, unsigned ms)
{
	const struct timespec tick = {0, 10 * 1000 * 1000};
	bool idle = srv == NULL;

	if (srv != NULL)
		__atomic_store_n(&srv->draining, true, __ATOMIC_SEQ_CST);
	for (unsigned waited = 0; !idle; waited += 10) {
		idle = __atomic_load_n(&srv->in_handler, __ATOMIC_SEQ_CST) == 0 &&
		       __atomic_load_n(&srv->suspended, __ATOMIC_SEQ_CST) == 0;
		if (idle || waited >= ms)
			break;
		nanosleep(&tick, NULL);
	}
	/* what only waits for its reply to be sent (a reader that reads
	 * slowly, or not at all) may be cut: http_stop closes it; a request
	 * still parked may not */
	return idle || (__atomic_load_n(&srv->parked_now, __ATOMIC_SEQ_CST) == 0 &&
			__atomic_load_n(&srv->in_handler, __ATOMIC_SEQ_CST) == 0);
}

void http_stop(struct http_server *srv)
{
	if (srv != NULL && srv->daemon != NULL)
		MHD_stop_daemon(srv->daemon);
	free(srv);
}
