/* api.c - libcurl transport with a bounded response buffer. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "b64.h"
#include "wire.h"

#define AUTH_PREFIX "Authorization: Bearer "

struct api {
	CURL *curl;
	char *base;
	/* The header line with the token; sodium_malloc'd so it is wiped. */
	char *auth;
	char *buf;
	size_t len;
	bool overflow;
};

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

struct api *api_new(const char *relay_url)
{
	struct api *a = calloc(1, sizeof *a);
	size_t n = strlen(relay_url);

	if (!a)
		return NULL;
	while (n && relay_url[n - 1] == '/')
		n--;
	a->base = strndup(relay_url, n);
	a->buf = malloc(API_RESPONSE_MAX);
	a->curl = curl_easy_init();
	if (!a->base || !a->buf || !a->curl) {
		api_free(a);
		return NULL;
	}
	return a;
}

void api_free(struct api *a)
{
	if (!a)
		return;
	if (a->curl)
		curl_easy_cleanup(a->curl);
	sodium_free(a->auth);
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

int api_call(struct api *a, const char *method, const char *path, json_t *body,
	     struct api_reply *r)
{
	char url[2048];
	char *payload = NULL;
	size_t payload_len = 0;
	struct curl_slist *h = NULL;
	CURLcode rc;
	int ret = -1;

	memset(r, 0, sizeof *r);
	if ((size_t)snprintf(url, sizeof url, "%s%s", a->base, path) >= sizeof url) {
		snprintf(r->detail, sizeof r->detail, "relay URL too long");
		return -1;
	}
	if (body && !(payload = wire_dump(body, &payload_len))) {
		snprintf(r->detail, sizeof r->detail, "out of memory");
		return -1;
	}
	h = headers(a, payload != NULL);
	a->len = 0;
	a->overflow = false;
	curl_easy_reset(a->curl);
	curl_easy_setopt(a->curl, CURLOPT_URL, url);
	curl_easy_setopt(a->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(a->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(a->curl, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(a->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(a->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(a->curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(a->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (payload)
		curl_easy_setopt(a->curl, CURLOPT_POSTFIELDS, payload);
	rc = curl_easy_perform(a->curl);
	if (rc != CURLE_OK) {
		snprintf(r->detail, sizeof r->detail, "%s: %s", a->base,
			 a->overflow ? "response too large" : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &r->http_status);
	ret = finish(a, r);
out:
	curl_slist_free_all(h);
	free(payload);
	return ret;
}
