/* api.c - libcurl transport with a bounded response buffer. Ordinary
 * calls block in curl_easy_perform; long-polls (api_call_wait) run an
 * easy handle of their own through a multi handle, so that the wait can
 * also watch the caller's descriptors (terminal, signals) and return to
 * the caller when one is readable. The long-poll stays under way then:
 * the next api_call_wait for the same path takes it up again, ordinary
 * calls in between notwithstanding (a terminal chat waits again after
 * every keystroke; a new request each time left one abandoned request
 * parked on the relay per keystroke, for the whole wait). A wait for
 * another path, or a new token, ends it. */
#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
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

/* One transfer's handle and what its reply gathers. */
struct xfer {
	CURL *curl;
	char *buf;
	size_t len;
	bool overflow;
	char curl_err[CURL_ERROR_SIZE]; /* libcurl's own words on a failure */
	unsigned retry_after;           /* the last reply's Retry-After, seconds */
};

struct api {
	struct xfer call; /* ordinary calls */
	struct xfer wait; /* long-polls, through the multi handle */
	CURLM *multi;     /* made on the first long-poll */
	char *base;
	char *cacert; /* NULL: the system's CAs */
	char *pin;    /* NULL: no pinning; else "sha256//BASE64" */
	/* The header line with the token; sodium_malloc'd so it is wiped. */
	char *auth;
	unsigned long requests; /* made so far: benchmarks count them */
	/* A long-poll left under way by a wake-up (a->wait's handle is in the
	 * multi handle): its path and request headers. */
	char *wait_path;
	struct curl_slist *wait_headers;
	struct timespec wait_stale; /* CLOCK_MONOTONIC: from then on, start anew */
};

/* End the long-poll left under way, if any. */
static void wait_drop(struct api *a)
{
	if (!a->wait_path)
		return;
	curl_multi_remove_handle(a->multi, a->wait.curl);
	curl_slist_free_all(a->wait_headers);
	free(a->wait_path);
	a->wait_headers = NULL;
	a->wait_path = NULL;
}

/* Reply headers: only Retry-After matters (429 from a rate limit). */
static size_t on_header(char *data, size_t size, size_t n, void *user)
{
	struct xfer *x = user;
	size_t len = size * n;
	static const char name[] = "retry-after:";

	if (len > sizeof name && strncasecmp(data, name, sizeof name - 1) == 0) {
		unsigned long v = strtoul(data + sizeof name - 1, NULL, 10);

		x->retry_after = v > 3600 ? 3600 : (unsigned)v;
	}
	return len;
}

static size_t on_data(char *data, size_t size, size_t n, void *user)
{
	struct xfer *x = user;
	size_t chunk = size * n;

	if (chunk > API_RESPONSE_MAX - x->len) {
		x->overflow = true;
		return 0; /* makes curl fail with CURLE_WRITE_ERROR */
	}
	memcpy(x->buf + x->len, data, chunk);
	x->len += chunk;
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
	a->call.buf = malloc(API_RESPONSE_MAX);
	a->call.curl = curl_easy_init();
	a->wait.buf = malloc(API_RESPONSE_MAX);
	a->wait.curl = curl_easy_init();
	ok = a->base && a->call.buf && a->call.curl && a->wait.buf && a->wait.curl;
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
	wait_drop(a);
	if (a->call.curl)
		curl_easy_cleanup(a->call.curl);
	if (a->wait.curl)
		curl_easy_cleanup(a->wait.curl);
	if (a->multi)
		curl_multi_cleanup(a->multi);
	sodium_free(a->auth);
	free(a->cacert);
	free(a->pin);
	free(a->base);
	free(a->call.buf);
	free(a->wait.buf);
	free(a);
}

void api_set_token(struct api *a, const uint8_t token[E2E_TOKEN_BYTES])
{
	size_t cap = sizeof AUTH_PREFIX + b64_encoded_len(E2E_TOKEN_BYTES);
	char *auth = token ? sodium_malloc(cap) : NULL;

	if (auth) {
		memcpy(auth, AUTH_PREFIX, sizeof AUTH_PREFIX - 1);
		b64_encode_into(auth + sizeof AUTH_PREFIX - 1, cap - (sizeof AUTH_PREFIX - 1),
				token, E2E_TOKEN_BYTES);
	}
	/* the same token again (every step sets it): the long-poll under
	 * way goes on; another one's ends, it carries the old token */
	if (auth && a->auth && sodium_memcmp(auth, a->auth, cap) == 0) {
		sodium_free(auth);
		return;
	}
	wait_drop(a);
	sodium_free(a->auth);
	a->auth = auth;
}

void api_reply_clear(struct api_reply *r)
{
	json_decref(r->body);
	memset(r, 0, sizeof *r);
}

/* A non-2xx reply: {"error": {"code", "message"}}. */
static void parse_error(const struct xfer *x, struct api_reply *r)
{
	json_error_t jerr;
	json_t *root = json_loadb(x->buf, x->len, 0, &jerr);
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

static int finish(const struct xfer *x, struct api_reply *r)
{
	json_error_t jerr;

	if (r->http_status < 200 || r->http_status > 299) {
		parse_error(x, r);
		return 0;
	}
	r->err = E2E_OK;
	r->body = json_loadb(x->buf, x->len, JSON_REJECT_DUPLICATES, &jerr);
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
static bool setup(const struct api *a, struct xfer *x, const char *method, const char *path,
		  const char *payload, struct curl_slist *h, long timeout_s, struct api_reply *r)
{
	char url[2048];

	if ((size_t)snprintf(url, sizeof url, "%s%s", a->base, path) >= sizeof url) {
		snprintf(r->detail, sizeof r->detail, "relay URL too long");
		return false;
	}
	x->len = 0;
	x->overflow = false;
	x->curl_err[0] = '\0';
	x->retry_after = 0;
	curl_easy_reset(x->curl);
	curl_easy_setopt(x->curl, CURLOPT_ERRORBUFFER, x->curl_err);
	curl_easy_setopt(x->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(x->curl, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->curl, CURLOPT_URL, url); /* curl copies it */
	curl_easy_setopt(x->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(x->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(x->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(x->curl, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(x->curl, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(x->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Certificates are always verified (libcurl's default); these narrow
	 * whom to trust further. */
	if (a->cacert)
		curl_easy_setopt(x->curl, CURLOPT_CAINFO, a->cacert);
	if (a->pin)
		curl_easy_setopt(x->curl, CURLOPT_PINNEDPUBLICKEY, a->pin);
	if (payload)
		curl_easy_setopt(x->curl, CURLOPT_POSTFIELDS, payload);
	return true;
}

/* After the transfer: 0 when the relay answered, -1 if not. */
static int complete(const struct api *a, const struct xfer *x, CURLcode rc,
		    struct api_reply *r)
{
	if (rc != CURLE_OK) {
		snprintf(r->detail, sizeof r->detail, "%.200s: %.255s", a->base,
			 x->overflow	       ? "response too large" :
			 x->curl_err[0] ? x->curl_err :
					  curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &r->http_status);
	return finish(x, r);
}

/* One attempt of api_call. */
static int call_once(struct api *a, const char *method, const char *path, const char *payload,
		     struct api_reply *r)
{
	struct curl_slist *h = headers(a, payload != NULL);
	int ret = -1;

	memset(r, 0, sizeof *r);
	a->requests++;
	if (setup(a, &a->call, method, path, payload, h, API_TIMEOUT_S, r)) {
		/* Not a long-poll: a relay that sends nothing for API_STALL_S is
		 * stuck; one that is merely slow keeps going up to API_TIMEOUT_S. */
		curl_easy_setopt(a->call.curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(a->call.curl, CURLOPT_LOW_SPEED_TIME, (long)API_STALL_S);
		ret = complete(a, &a->call, curl_easy_perform(a->call.curl), r);
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
		    a->call.retry_after == 0 || a->call.retry_after > API_BUSY_WAIT_MAX_S)
			break;
		api_reply_clear(r);
		sleep(a->call.retry_after);
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

/* Has the long-poll under way reached its stale time? (Its transfer
 * limit is near: libcurl would fail it before reading an answer that is
 * already there, and the caller would take the relay for gone.) */
static bool wait_stale(const struct api *a)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > a->wait_stale.tv_sec ||
	       (now.tv_sec == a->wait_stale.tv_sec && now.tv_nsec >= a->wait_stale.tv_nsec);
}

/* Start the long-poll of `path` (a->wait_path set), unless the one under
 * way is that very request, not stale; false (r->detail says why) if it
 * cannot. */
static bool wait_start(struct api *a, const char *path, unsigned wait_s, struct api_reply *r)
{
	if (a->wait_path && strcmp(a->wait_path, path) == 0 && !wait_stale(a))
		return true; /* taken up again: same question, same answer */
	wait_drop(a);
	/* a second before libcurl's limit for it */
	clock_gettime(CLOCK_MONOTONIC, &a->wait_stale);
	a->wait_stale.tv_sec += (time_t)wait_s + API_WAIT_SLACK_S - 1;
	a->requests++;
	if (!a->multi && !(a->multi = curl_multi_init())) {
		snprintf(r->detail, sizeof r->detail, "out of memory");
		return false;
	}
	a->wait_headers = headers(a, false);
	a->wait_path = strdup(path);
	if (!a->wait_path) {
		snprintf(r->detail, sizeof r->detail, "out of memory");
	} else if (setup(a, &a->wait, "GET", path, NULL, a->wait_headers,
			 (long)wait_s + API_WAIT_SLACK_S, r)) {
		if (curl_multi_add_handle(a->multi, a->wait.curl) == CURLM_OK)
			return true;
		snprintf(r->detail, sizeof r->detail, "cannot start the request");
	}
	/* not in the multi handle: nothing to remove */
	curl_slist_free_all(a->wait_headers);
	free(a->wait_path);
	a->wait_headers = NULL;
	a->wait_path = NULL;
	return false;
}

int api_call_wait(struct api *a, const char *path, unsigned wait_s, const int *wake_fds,
		  size_t n_wake, struct api_reply *r)
{
	CURLcode rc = CURLE_FAILED_INIT;
	int ret = -1;

	memset(r, 0, sizeof *r);
	if (!wait_start(a, path, wait_s, r))
		return -1;
	if (run_multi(a, wake_fds, n_wake, &rc)) {
		ret = complete(a, &a->wait, rc, r);
		wait_drop(a);
	} else {
		ret = 1; /* woken: the long-poll stays under way */
	}
	return ret;
}

unsigned long api_requests(const struct api *a)
{
	return a->requests;
}
