/* server.c - the local HTTP server (server.h).
 *
 * Threads: libmicrohttpd's own, one per connection
 * (MHD_USE_THREAD_PER_CONNECTION), because a browser's event long-poll
 * may wait HUB_WAIT_MAX_MS and an API call waits for the engine thread:
 * a blocked connection must not hold up the others. These threads never
 * touch the session engine: they check the request, then hand it to the
 * engine through the hub (hub.h) and wait for its answer. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webapi.h"
#include "assets.h"
#include "server.h"

#define WEB_OP_MAX 32

struct web_server {
	struct MHD_Daemon *v4, *v6;
	unsigned port;
	char token[WEB_TOKEN_HEX + 1];
	struct hub *hub;
};

/* One request's state, made on its first callback. */
struct web_request {
	bool too_big;
	size_t len;
	char body[WEB_BODY_MAX + 1];
};

bool web_bind_ok(const char *addr)
{
	return addr && (strcmp(addr, "127.0.0.1") == 0 || strcmp(addr, "::1") == 0);
}

static bool same_port(const char *s, unsigned port)
{
	char want[12]; /* a 32-bit number */

	snprintf(want, sizeof want, "%u", port);
	return strcmp(s, want) == 0;
}

/* "127.0.0.1:PORT" or "[::1]:PORT", exactly. */
bool web_host_ok(const char *host, unsigned port)
{
	if (!host || port == 0)
		return false;
	if (strncmp(host, "127.0.0.1:", 10) == 0)
		return same_port(host + 10, port);
	if (strncmp(host, "[::1]:", 6) == 0)
		return same_port(host + 6, port);
	return false;
}

bool web_origin_ok(const char *origin, unsigned port)
{
	if (!origin)
		return true; /* same-origin GETs carry none */
	if (strncmp(origin, "http://", 7) != 0)
		return false;
	return web_host_ok(origin + 7, port);
}

bool web_token_ok(const char *given, const char token[static WEB_TOKEN_HEX + 1])
{
	if (!given || strlen(given) != WEB_TOKEN_HEX)
		return false;
	return sodium_memcmp(given, token, WEB_TOKEN_HEX) == 0;
}

static void free_body(void *body)
{
	hub_text_free(body);
}

/* `mode` MHD_RESPMEM_MUST_FREE: `data` is a hub text (wiped when freed). */
static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
			     const void *data, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r =
		mode == MHD_RESPMEM_MUST_FREE
			? MHD_create_response_from_buffer_with_free_callback(len, (void *)data,
									    free_body)
			: MHD_create_response_from_buffer(len, (void *)data, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			hub_text_free((void *)data);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy", WEB_CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_error(struct MHD_Connection *conn, unsigned status,
				   const char *code, const char *hint)
{
	char body[256];
	int n = snprintf(body, sizeof body, "{\"error\":\"%s\",\"hint\":\"%s\"}", code, hint);

	return reply(conn, status, "application/json", body, (size_t)n, MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result reply_taken(struct MHD_Connection *conn, unsigned status, char *body)
{
	if (!body)
		return reply_error(conn, 500, "out_of_memory", "the local process ran out of memory");
	return reply(conn, status, "application/json", body, strlen(body), MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result serve_asset(struct MHD_Connection *conn, const char *url,
				   const char *method)
{
	const struct web_asset *a;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply_error(conn, 405, "method", "the page's files are read with GET");
	a = web_asset_find(url);
	if (!a)
		return reply_error(conn, 404, "not_found", "no such file");
	return reply(conn, 200, a->type, a->data, a->len, MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result serve_events(struct web_server *w, struct MHD_Connection *conn)
{
	const char *after = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "after");
	const char *wait = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "wait");
	unsigned long long a = 0, ms = HUB_WAIT_MAX_MS;
	char *end;

	if (after) {
		a = strtoull(after, &end, 10);
		if (*after < '0' || *after > '9' || *end)
			return reply_error(conn, 400, "after", "after is an event number");
	}
	if (wait) {
		ms = strtoull(wait, &end, 10);
		if (*wait < '0' || *wait > '9' || *end)
			return reply_error(conn, 400, "wait", "wait is milliseconds");
	}
	return reply_taken(conn, 200, hub_events(w->hub, a, (unsigned)(ms < HUB_WAIT_MAX_MS ?
								       ms : HUB_WAIT_MAX_MS)));
}

/* POST /api/OP with a JSON object: handed to the engine. */
static enum MHD_Result serve_call(struct web_server *w, struct MHD_Connection *conn,
				  const char *op, struct web_request *req)
{
	struct hub_call call = {.op = op};
	json_error_t jerr;
	enum MHD_Result ret;

	call.args = json_loadb(req->body, req->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(call.args)) {
		json_decref(call.args);
		return reply_error(conn, 400, "json", "the body is a JSON object");
	}
	hub_call(w->hub, &call);
	json_decref(call.args);
	ret = reply_taken(conn, call.status, call.body);
	return ret;
}

static enum MHD_Result serve_api(struct web_server *w, struct MHD_Connection *conn,
				 const char *url, const char *method, struct web_request *req)
{
	const char *op = url + strlen("/api/");

	if (strcmp(op, "events") == 0)
		return strcmp(method, "GET") == 0
			       ? serve_events(w, conn)
			       : reply_error(conn, 405, "method", "events are read with GET");
	if (strlen(op) > WEB_OP_MAX || !webapi_known(op))
		return reply_error(conn, 404, "no_such_call", "no such API call");
	if (strcmp(method, "POST") != 0)
		return reply_error(conn, 405, "method", "API calls are POST");
	if (req->too_big)
		return reply_error(conn, 413, "too_large", "the body is over 64 KiB");
	return serve_call(w, conn, op, req);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct web_server *w = cls;
	struct web_request *req = *con_cls;
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, WEB_TOKEN_HEADER);
	bool api = strncmp(url, "/api/", 5) == 0;

	if (!req) {
		req = api ? malloc(sizeof *req) : NULL;
		if (api && !req)
			return MHD_NO;
		if (req) {
			req->too_big = false;
			req->len = 0;
		}
		*con_cls = req ? (void *)req : (void *)w; /* non-NULL: seen */
		return MHD_YES;
	}
	if (*upload_size) {
		if (api && !req->too_big && *upload_size <= WEB_BODY_MAX - req->len) {
			memcpy(req->body + req->len, upload_data, *upload_size);
			req->len += *upload_size;
		} else if (api) {
			req->too_big = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (!web_host_ok(host, w->port))
		return reply_error(conn, 421, "host", "the Host header must name this server "
				   "(127.0.0.1 or [::1] and its port)");
	if (!web_origin_ok(origin, w->port))
		return reply_error(conn, 403, "origin", "a request from another origin");
	if (!api)
		return serve_asset(conn, url, method);
	if (!web_token_ok(token, w->token))
		return reply_error(conn, 401, "token", "the " WEB_TOKEN_HEADER " header must carry "
				   "this launch's token (open the link e2e-chat web printed)");
	return serve_api(w, conn, url, method, req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct web_server *w = cls;
	struct web_request *req = *con_cls;

	if (req && (void *)req != (void *)w) {
		sodium_memzero(req->body, req->len); /* a room password, maybe */
		free(req);
	}
	*con_cls = NULL;
}

static struct MHD_Daemon *listen_on(struct web_server *w, const struct sockaddr *addr,
				    bool ipv6)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 (ipv6 ? MHD_USE_IPv6 : 0);

	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, w,
				MHD_OPTION_SOCK_ADDR, addr,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONNECTIONS_MAX,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, w,
				MHD_OPTION_END);
}

struct web_server *web_server_start(const char *bind_addr, unsigned port,
				    const char token[static WEB_TOKEN_HEX + 1], struct hub *hub,
				    char *err, size_t errlen)
{
	struct web_server *w = calloc(1, sizeof *w);
	struct sockaddr_in a4 = {.sin_family = AF_INET};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	const union MHD_DaemonInfo *info;
	bool v6_only = bind_addr && strcmp(bind_addr, "::1") == 0;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!web_bind_ok(bind_addr)) {
		snprintf(err, errlen, "the web UI listens on 127.0.0.1 or ::1 only, not %s",
			 bind_addr ? bind_addr : "(none)");
		free(w);
		return NULL;
	}
	memcpy(w->token, token, WEB_TOKEN_HEX + 1);
	w->hub = hub;
	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a4.sin_port = htons((uint16_t)port);
	a6.sin6_port = htons((uint16_t)port);
	if (v6_only)
		w->v6 = listen_on(w, (const struct sockaddr *)&a6, true);
	else
		w->v4 = listen_on(w, (const struct sockaddr *)&a4, false);
	if (!w->v4 && !w->v6) {
		snprintf(err, errlen, "cannot listen on %s port %u (in use?)", bind_addr, port);
		free(w);
		return NULL;
	}
	info = MHD_get_daemon_info(w->v4 ? w->v4 : w->v6, MHD_DAEMON_INFO_BIND_PORT);
	w->port = info ? info->port : port;
	if (!v6_only) { /* ::1 too, at the same port, when there is IPv6 */
		a6.sin6_port = htons((uint16_t)w->port);
		w->v6 = listen_on(w, (const struct sockaddr *)&a6, true);
	}
	return w;
}

unsigned web_server_port(const struct web_server *w)
{
	return w->port;
}

bool web_server_ipv6(const struct web_server *w)
{
	return w->v6 != NULL;
}

void web_server_stop(struct web_server *w)
{
	if (!w)
		return;
	if (w->v4)
		MHD_stop_daemon(w->v4);
	if (w->v6)
		MHD_stop_daemon(w->v6);
	sodium_memzero(w->token, sizeof w->token);
	free(w);
}
