/* api.c - libcurl transport with a bounded response buffer. Ordinary
 * calls block in curl_easy_perform; long-polls (api_call_wait) run the
 * same easy handle through a multi handle, so that the wait can also
 * watch the caller's descriptors (terminal, signals) and be abandoned. */
#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api.h"
#include "b64.h"
#include "wire.h"

#define AUTH_PREFIX "Authorization: Bearer "
#define API_BUSY_RETRIES 3     /* retries after a 429 */
#define API_STALL_S 15         /* an ordinary request silent this long is given up */
#define API_BUSY_WAIT_MAX_S 30 /* longest Retry-After the client waits out */
/* An ordinary call's whole-transfer limit (seconds). */
#define API_TIMEOUT_S 60L
/* A long-poll's limit is its wait plus this: the relay answers at the
 * deadline, so only a relay that went away ever hits it. */
#define API_WAIT_SLACK_S 10L
#define API_WAKE_MAX 4

struct api {
	CURL *curl;
	CURLM *multi; /* made on the first long-poll */
	char *base;
	char *cacert; /* NULL: the system's CAs */
	char *pin;    /* NULL: no pinning; else "sha256//BASE64" */
	/* The header line with the token; sodium_malloc'd so it is wiped. */
	char *auth;
	char *buf;
	size_t len;
	bool overflow;
	unsigned long requests; /* made so far: benchmarks count them */
	char curl_err[CURL_ERROR_SIZE]; /* libcurl's own words on a failure */
	unsigned retry_after;           /* the last reply's Retry-After, seconds */
};

/* Reply headers: only Retry-After matters (429 from a rate limit). */
static size_t on_header(char *data, size_t size, size_t n, void *user)
{
	struct api *a = user;
	size_t len = size * n;
	static const char name[] = "retry-after:";

	if (len > sizeof name && strncasecmp(data, name, sizeof name - 1) == 0) {
		unsigned long v = strtoul(data + sizeof name - 1, NULL, 10);

		a->retry_after = v > 3600 ? 3600 : (unsigned)v;
	}
	return len;
}

static size_t on_data(char *data, size_t size, size_t n, void *user)
{
	struct api *a = user;
	size_t chunk = size * n;

	if (chunk > API_RESPONSE_MAX - a->len) {
		a->overflow = true;
		return 0; /* makes curl fail with CURLE_WRITE_ERROR */
	}
	memcpy(a->buf + a->len, data, chunk);
	a->len += chunk;
	return chunk;
}

/* libcurl wants "sha256//BASE64"; accept the bare base64 too. */
static char *pin_option(const char *pin)
{
	char *out = NULL;

	if (strncmp(pin, "sha256//", 8) == 0)
		return strdup(pin);
	return asprintf(&out, "sha256//%s", pin) < 0 ? NULL : out;
}

struct api *api_new(const char *relay_url, const struct api_tls *tls)
{
	struct api *a = calloc(1, sizeof *a);
	size_t n = strlen(relay_url);
	bool ok;

	if (!a)
		return NULL;
	while (n && relay_url[n - 1] == '/')
		n--;
	a->base = strndup(relay_url, n);
	a->buf = malloc(API_RESPONSE_MAX);
	a->curl = curl_easy_init();
	ok = a->base && a->buf && a->curl;
	if (ok && tls && tls->cacert)
		ok = (a->cacert = strdup(tls->cacert)) != NULL;
	if (ok && tls && tls->pin)
		ok = (a->pin = pin_option(tls->pin)) != NULL;
	if (!ok) {
		api_free(a);
		return NULL;
	}
	return a;
}

bool api_url_is_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	bool loopback = false;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		loopback = strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
			   strcmp(host, "[::1]") == 0;
	curl_free(host);
	curl_url_cleanup(u);
	return loopback;
}

void api_free(struct api *a)
{
	if (!a)
		return;
	if (a->curl)
		curl_easy_cleanup(a->curl);
	if (a->multi)
		curl_multi_cleanup(a->multi);
	sodium_free(a->auth);
	free(a->cacert);
	free(a->pin);
	free(a->base);
	free(a->buf);
	free(a);
}

void api_set_token(struct api *a, const uint8_t token[E2E_TOKEN_BYTES])
{
	size_t cap = sizeof AUTH_PREFIX + b64_encoded_len(E2E_TOKEN_BYTES);

	sodium_free(a->auth);
	a->auth = NULL;
	if (!token || !(a->auth = sodium_malloc(cap)))
		return;
	memcpy(a->auth, AUTH_PREFIX, sizeof AUTH_PREFIX - 1);
	b64_encode_into(a->auth + sizeof AUTH_PREFIX - 1, cap - (sizeof AUTH_PREFIX - 1), token,
			E2E_TOKEN_BYTES);
}

void api_reply_clear(struct api_reply *r)
{
	json_decref(r->body);
	memset(r, 0, sizeof *r);
}

/* A non-2xx reply: {"error": {"code", "message"}}. */
static void parse_error(struct api *a, struct api_reply *r)
{
	json_error_t jerr;
	json_t *root = json_loadb(a->buf, a->len, 0, &jerr);
	const char *code = NULL, *message = NULL;

	r->err = E2E_ERR__COUNT;
	if (root && json_unpack(root, "{s:{s:s, s:s}}", "error", "code", &code,
				"message", &message) == 0) {
		r->err = e2e_err_from_code(code);
		snprintf(r->detail, sizeof r->detail, "relay: %s (%s, HTTP %ld)", message, code,
			 r->http_status);
	} else {
		snprintf(r->detail, sizeof r->detail, "relay answered HTTP %ld", r->http_status);
	}
	json_decref(root);
}

static int finish(struct api *a, struct api_reply *r)
{
	json_error_t jerr;

	if (r->http_status < 200 || r->http_status > 299) {
		parse_error(a, r);
		return 0;
	}
	r->err = E2E_OK;
	r->body = json_loadb(a->buf, a->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!r->body || !json_is_object(r->body)) {
		json_decref(r->body);
		r->body = NULL;
		snprintf(r->detail, sizeof r->detail, "relay sent an invalid response: %s",
			 jerr.text);
		return -1;
	}
	return 0;
}

static struct curl_slist *headers(struct api *a, bool has_body)
{
	struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");

	if (h && has_body)
		h = curl_slist_append(h, "Content-Type: application/json");
	if (h && a->auth)
		h = curl_slist_append(h, a->auth);
	return h;
}

/* Set the easy handle up for one request; false (r->detail says why)
 * if the URL is too long. */
static bool setup(struct api *a, const char *method, const char *path, const char *payload,
		  struct curl_slist *h, long timeout_s, struct api_reply *r)
{
	char url[2048];

	if ((size_t)snprintf(url, sizeof url, "%s%s", a->base, path) >= sizeof url) {
		snprintf(r->detail, sizeof r->detail, "relay URL too long");
		return false;
	}
	a->len = 0;
	a->overflow = false;
	a->curl_err[0] = '\0';
	a->retry_after = 0;
	curl_easy_reset(a->curl);
	curl_easy_setopt(a->curl, CURLOPT_ERRORBUFFER, a->curl_err);
	curl_easy_setopt(a->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(a->curl, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(a->curl, CURLOPT_URL, url); /* curl copies it */
	curl_easy_setopt(a->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(a->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(a->curl, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(a->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(a->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(a->curl, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(a->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Certificates are always verified (libcurl's default); these narrow
	 * whom to trust further. */
	if (a->cacert)
		curl_easy_setopt(a->curl, CURLOPT_CAINFO, a->cacert);
	if (a->pin)
		curl_easy_setopt(a->curl, CURLOPT_PINNEDPUBLICKEY, a->pin);
	if (payload)
		curl_easy_setopt(a->curl, CURLOPT_POSTFIELDS, payload);
	return true;
}

/* After the transfer: 0 when the relay answered, -1 if not. */
static int complete(struct api *a, CURLcode rc, struct api_reply *r)
{
	if (rc != CURLE_OK) {
		snprintf(r->detail, sizeof r->detail, "%.200s: %.255s", a->base,
			 a->overflow	       ? "response too large" :
			 a->curl_err[0] ? a->curl_err :
					  curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &r->http_status);
	return finish(a, r);
}

/* One attempt of api_call. */
static int call_once(struct api *a, const char *method, const char *path, const char *payload,
		     struct api_reply *r)
{
	struct curl_slist *h = headers(a, payload != NULL);
	int ret = -1;

	memset(r, 0, sizeof *r);
	a->requests++;
	if (setup(a, method, path, payload, h, API_TIMEOUT_S, r)) {
		/* Not a long-poll: a relay that sends nothing for API_STALL_S is
		 * stuck; one that is merely slow keeps going up to API_TIMEOUT_S. */
		curl_easy_setopt(a->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(a->curl, CURLOPT_LOW_SPEED_TIME, (long)API_STALL_S);
		ret = complete(a, curl_easy_perform(a->curl), r);
	}
	curl_slist_free_all(h);
	return ret;
}

int api_call(struct api *a, const char *method, const char *path, json_t *body,
	     struct api_reply *r)
{
	char *payload = NULL;
	size_t payload_len = 0;
	int ret;

	memset(r, 0, sizeof *r);
	if (body && !(payload = wire_dump(body, &payload_len))) {
		snprintf(r->detail, sizeof r->detail, "out of memory");
		return -1;
	}
	/* A rate limit (429) means nothing was done: wait as the relay asks,
	 * a few times, then let the caller see the 429. */
	for (int tries = 0;; tries++) {
		ret = call_once(a, method, path, payload, r);
		if (ret != 0 || r->http_status != 429 || tries == API_BUSY_RETRIES ||
		    a->retry_after == 0 || a->retry_after > API_BUSY_WAIT_MAX_S)
			break;
		api_reply_clear(r);
		sleep(a->retry_after);
	}
	free(payload);
	return ret;
}

/* Is any of the descriptors readable or hung up? curl reports only
 * POLLIN in revents, and a pipe at its end gives POLLHUP alone. */
static bool any_ready(const int *fds, size_t n)
{
	struct pollfd p[API_WAKE_MAX];

	for (size_t i = 0; i < n; i++)
		p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	return n > 0 && poll(p, (nfds_t)n, 0) > 0;
}

/* Run the transfer in the multi handle until it ends (true, *rc set) or
 * a wake descriptor is readable (false). */
static bool run_multi(struct api *a, const int *wake_fds, size_t n_wake, CURLcode *rc)
{
	struct curl_waitfd extra[API_WAKE_MAX];
	size_t n = n_wake < API_WAKE_MAX ? n_wake : API_WAKE_MAX;
	int running = 1, left = 0;
	bool woken = false;
	CURLMsg *msg;

	*rc = CURLE_FAILED_INIT;
	while (running && !woken) {
		if (curl_multi_perform(a->multi, &running) != CURLM_OK)
			break;
		if (!running)
			break;
		for (size_t i = 0; i < n; i++)
			extra[i] = (struct curl_waitfd){.fd = wake_fds[i], .events = CURL_WAIT_POLLIN};
		if (curl_multi_poll(a->multi, extra, (unsigned)n, 5000, NULL) != CURLM_OK)
			break;
		woken = any_ready(wake_fds, n);
	}
	while (!woken && (msg = curl_multi_info_read(a->multi, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			*rc = msg->data.result;
	return !woken;
}

int api_call_wait(struct api *a, const char *path, unsigned wait_s, const int *wake_fds,
		  size_t n_wake, struct api_reply *r)
{
	struct curl_slist *h = NULL;
	CURLcode rc = CURLE_FAILED_INIT;
	int ret = -1;

	a->requests++;
	memset(r, 0, sizeof *r);
	if (!a->multi && !(a->multi = curl_multi_init())) {
		snprintf(r->detail, sizeof r->detail, "out of memory");
		return -1;
	}
	h = headers(a, false);
	if (!setup(a, "GET", path, NULL, h, (long)wait_s + API_WAIT_SLACK_S, r))
		goto out;
	if (curl_multi_add_handle(a->multi, a->curl) != CURLM_OK) {
		snprintf(r->detail, sizeof r->detail, "cannot start the request");
		goto out;
	}
	if (run_multi(a, wake_fds, n_wake, &rc))
		ret = complete(a, rc, r);
	else
		ret = 1;
	curl_multi_remove_handle(a->multi, a->curl);
out:
	curl_slist_free_all(h);
	return ret;
}

unsigned long api_requests(const struct api *a)
{
	return a->requests;
}
