/* server.h - the local HTTP server of `e2e-chat web`: libmicrohttpd on
 * loopback only, serving the page's embedded assets (assets.h) and the
 * local JSON API (api.h, through the hub to the engine thread).
 *
 * The rules of a server on 127.0.0.1 that any web page the user opens
 * could try to reach (docs/SECURITY.md, "The local web UI"):
 *  - it listens on 127.0.0.1 (and ::1 when the machine has it), never on
 *    another address (web_bind_ok);
 *  - the Host header must be exactly the address and port it serves, or
 *    421: a DNS name rebound to 127.0.0.1 does not get in
 *    (web_host_ok);
 *  - every /api/ request carries the per-launch token in the
 *    WEB_TOKEN_HEADER header, or 401 (web_token_ok, constant time); the
 *    token reaches the page in the URL's fragment, which no browser
 *    sends to any server, and is never a cookie, so another site's page
 *    cannot make the browser present it;
 *  - an Origin header, when present, must be this server's, or 403
 *    (web_origin_ok);
 *  - every answer carries a strict Content-Security-Policy (scripts and
 *    styles from this server only: no inline script, no eval, nothing
 *    external), X-Content-Type-Options: nosniff, Referrer-Policy:
 *    no-referrer, Cache-Control: no-store, X-Frame-Options: DENY.
 * Request bodies are read up to WEB_BODY_MAX (413 beyond) and wiped
 * after use (they may hold a room password). */
#ifndef E2E_WEB_SERVER_H
#define E2E_WEB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "hub.h"

#define WEB_TOKEN_HEADER "X-E2E-Token"
#define WEB_TOKEN_HEX 64       /* 32 random bytes, in hex */
#define WEB_BODY_MAX (64 * 1024)
#define WEB_CONNECTIONS_MAX 32 /* a browser opens 6 per host; a few tabs */
#define WEB_CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " \
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; " \
	"frame-ancestors 'none'"

/* The checks, pure (tests/unit/test_web.c). `port` is the bound port. */
bool web_bind_ok(const char *addr);
bool web_host_ok(const char *host, unsigned port);
bool web_origin_ok(const char *origin, unsigned port);
bool web_token_ok(const char *given, const char token[static WEB_TOKEN_HEX + 1]);

struct web_server;

/* Listen on `bind_addr` (web_bind_ok) and `port` (0: the kernel picks),
 * and also on ::1 at the same port when bind_addr is 127.0.0.1 and the
 * machine has IPv6. NULL with `err` set if it cannot. */
struct web_server *web_server_start(const char *bind_addr, unsigned port,
				    const char token[static WEB_TOKEN_HEX + 1], struct hub *hub,
				    char *err, size_t errlen);
unsigned web_server_port(const struct web_server *w);
/* Whether ::1 is served too. */
bool web_server_ipv6(const struct web_server *w);
/* Stops the threads (after hub_close, so none waits on the engine). */
void web_server_stop(struct web_server *w);

#endif
