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

#include "error.h"

struct http_server;
struct http_req;

/* Called once per complete request (body gathered, within limits). It
 * must send exactly one reply with http_reply_json or http_reply_error;
 * false if that failed (the connection is then closed). */
typedef bool (*http_handler_fn)(void *ctx, struct http_req *rq);

struct http_config {
	const char *bind;  /* IPv4 or IPv6 literal */
	uint16_t port;     /* 0: any free port */
	bool quiet;        /* no per-request log line */
	http_handler_fn handler;
	void *ctx;
};

/* NULL if the address is not a literal or the daemon fails to start; a
 * reason goes to stderr. */
struct http_server *http_start(const struct http_config *cfg);
/* The port actually bound. */
uint16_t http_port(const struct http_server *srv);
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

/* Reply with `body` as compact JSON (body is not consumed). */
bool http_reply_json(struct http_req *rq, unsigned status, const json_t *body);
/* Reply {"error":{"code","message"}} for `err` (status and code from
 * e2e_err_info); `detail`, if not NULL or empty, is added to the message;
 * `allow`, if not NULL, is sent as the Allow header. */
bool http_reply_error(struct http_req *rq, enum e2e_err err, const char *detail,
		      const char *allow);

#endif
