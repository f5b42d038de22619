/* http.h - the relay's HTTP server (libmicrohttpd glue): it gathers each
 * request body into a capped buffer, hands complete requests to one
 * handler, sends JSON and error replies, and logs one line per request.
 * Handlers see a request only through the accessors below. */
#ifndef RELAY_HTTP_H
#define RELAY_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

struct http_server;
struct http_req;

/* Called once per complete request (body gathered, within limits), and
 * again each time a parked request is resumed. It must either send
 * exactly one reply (http_reply_json, http_reply_text, http_reply_error)
 * or park the request (http_suspend); false if that failed (the
 * connection is then closed). Handlers run on the daemon's threads. */
typedef bool (*http_handler_fn)(void *ctx, struct http_req *rq);

struct http_config {
	const char *bind;  /* IPv4 or IPv6 literal */
	uint16_t port;     /* 0: any free port */
	bool quiet;        /* no per-request log line */
	unsigned threads;  /* HTTP threads (1: one polling thread) */
	unsigned max_conns; /* concurrent connections, parked ones included */
	unsigned max_per_ip; /* concurrent connections per client address, 0: no limit */
	const char *tls_cert; /* PEM text of the certificate chain, or NULL: plain HTTP */
	const char *tls_key;  /* PEM text of its private key */
	http_handler_fn handler;
	void *ctx;
};

/* NULL if the address is not a literal or the daemon fails to start; a
 * reason goes to stderr. */
struct http_server *http_start(const struct http_config *cfg);
/* The port actually bound. */
uint16_t http_port(const struct http_server *srv);
/* Stop taking new requests (each gets 503 `unavailable`, its connection
 * kept) and give the ones that were ever parked up to `ms` to be answered
 * and their replies sent (call after resuming every parked long-poll).
 * True if none is still parked or in its handler: only then may
 * http_stop run (libmicrohttpd aborts the process when stopped with a
 * request parked); a reply still being sent is then cut. */
bool http_drain(struct http_server *srv, unsigned ms);
void http_stop(struct http_server *srv);

/* ---- for handlers ---- */

const char *http_method(const struct http_req *rq);
/* The path, percent-decoded, without the query string. */
const char *http_path(const struct http_req *rq);
/* The body (not NUL-terminated; may be empty). */
const char *http_body(const struct http_req *rq, size_t *len);
/* A query argument's value, or NULL if absent. */
const char *http_query(const struct http_req *rq, const char *key);
/* The token of "Authorization: Bearer <token>", or NULL. */
const char *http_bearer(const struct http_req *rq);
/* When the request arrived (CLOCK_MONOTONIC). */
const struct timespec *http_started(const struct http_req *rq);
/* Seconds since the request arrived. */
double http_elapsed(const struct http_req *rq);
/* The status of the reply queued, 0 if none yet. */
unsigned http_status(const struct http_req *rq);
/* Was the request ever parked? */
bool http_parked(const struct http_req *rq);
/* The dispatcher's route for this request, kept across runs: NULL on the
 * first run; set, the call is a resumed request's (after a long-poll or a
 * group commit), and it goes to that route's next step. */
const void *http_route(const struct http_req *rq);
void http_keep_route(struct http_req *rq, const void *route);

/* Park the request: no reply now, no thread held; the handler is called
 * again after http_resume. Only from a handler. `wait`: a long-poll wait
 * (its time stays out of the latency histogram), not a wait for a commit. */
void http_suspend(struct http_req *rq, bool wait);
/* The handler's state for this request, kept across runs (NULL at
 * first); `free_fn` frees it when the request ends. */
void *http_state(const struct http_req *rq);
void http_set_state(struct http_req *rq, void *state, void (*free_fn)(void *));
/* Resume a parked request (a struct http_req *, as void * so that it can
 * be a wake callback). From any thread. */
void http_resume(void *rq);

/* Reply with `body` as compact JSON (body is not consumed). */
bool http_reply_json(struct http_req *rq, unsigned status, const json_t *body);
/* Reply with `len` bytes of `text` (malloc'd, taken over) as `type`. */
bool http_reply_text(struct http_req *rq, unsigned status, const char *type, char *text,
		     size_t len);
/* Reply {"error":{"code","message"}} for `err` (status and code from
 * e2e_err_info); `detail`, if not NULL or empty, is added to the message;
 * `allow`, if not NULL, is sent as the Allow header. */
bool http_reply_error(struct http_req *rq, enum e2e_err err, const char *detail,
		      const char *allow);
/* 429 busy with "Retry-After: SECONDS" (a rate limit). */
bool http_reply_busy(struct http_req *rq, const char *detail, unsigned retry_after_s);
/* 503 with "Retry-After: SECONDS", the error code HTTP_UNAVAILABLE and
 * `message`: the database could not be reached (a PostgreSQL restart),
 * or the relay is shutting down; nothing of the request was stored. The
 * code is the relay's own: the common error table (common/error.c) has
 * no value for it yet. */
#define HTTP_UNAVAILABLE "unavailable"
bool http_reply_unavailable(struct http_req *rq, unsigned retry_after_s, const char *message);

/* The client's address as text (for per-address limits); "?" if unknown. */
bool http_client_addr(const struct http_req *rq, char *out, size_t cap);

#endif
