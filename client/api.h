/* api.h - the relay's HTTP API as seen from the client: one libcurl easy
 * handle (connections are reused), JSON bodies in and out, every response
 * bounded in size and time. A relay error body is mapped back to its
 * enum e2e_err through common/error.c's table. */
#ifndef E2E_API_H
#define E2E_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "proto.h"

/* Largest response body the client accepts (a page of messages fits). */
#define API_RESPONSE_MAX (4 * 1024 * 1024)

struct api;

struct api_reply {
	long http_status;     /* 0 if the relay could not be reached */
	enum e2e_err err;     /* E2E_OK on 2xx; E2E_ERR__COUNT for an unknown code */
	json_t *body;         /* the parsed object on 2xx, else NULL */
	char detail[512];     /* why, for messages: curl's, the relay's or ours */
};

/* How to trust an https:// relay, beyond the system's CAs; all optional. */
struct api_tls {
	const char *cacert; /* a PEM file of CAs to trust instead of the system's */
	const char *pin;    /* the relay's public key: sha256//BASE64, or just BASE64 */
};

/* `tls` may be NULL. NULL if memory runs out. */
struct api *api_new(const char *relay_url, const struct api_tls *tls);

/* Is the URL's host this machine (localhost, 127.0.0.0/8, ::1)? */
bool api_url_is_loopback(const char *url);
void api_free(struct api *a);

/* The member token for later requests (copied; NULL to clear). */
void api_set_token(struct api *a, const uint8_t token[E2E_TOKEN_BYTES]);

/* Perform METHOD on PATH (starting with /v1/) with an optional JSON body.
 * Returns 0 when the relay answered (any status, see r), -1 when it could
 * not be reached or answered garbage (r->detail says why). */
int api_call(struct api *a, const char *method, const char *path, json_t *body,
	     struct api_reply *r);
void api_reply_clear(struct api_reply *r);

/* How many requests this handle has made (benchmarks count them). */
unsigned long api_requests(const struct api *a);

/* A long-poll GET of PATH, which asks the relay to wait up to `wait_s`
 * seconds: the transfer may take that long plus a margin. While it waits,
 * the descriptors `wake_fds` (at most 4; e.g. standard input and a
 * signalfd) are watched: if one becomes readable, 1 is returned (r holds
 * nothing) and the request stays under way: the next api_call_wait for
 * the same PATH takes it up (ordinary calls in between do not end it; a
 * wait for another PATH, a new token, or its own time running out do).
 * Otherwise as api_call. */
int api_call_wait(struct api *a, const char *path, unsigned wait_s, const int *wake_fds,
		  size_t n_wake, struct api_reply *r);

#endif
