/* fakehttp.c - see fakehttp.h. */
#include "fakehttp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	for (size_t i = 0; i < rq->n_query; i++)
		if (strcmp(rq->query[i].key, key) == 0)
			return rq->query[i].value;
	return NULL;
}

const char *http_bearer(const struct http_req *rq)
{
	return rq->bearer;
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

void http_suspend(struct http_req *rq, bool wait)
{
	(void)wait;
	rq->parked = true;
	rq->suspended = true;
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

void http_resume(void *arg)
{
	struct http_req *rq = arg;

	rq->suspended = false;
}

/* What http.c does with a JSON reply: dump it; a failure closes the
 * connection without a reply. */
static bool fakehttp_reply(struct http_req *rq, unsigned status, const json_t *body)
{
	char *buf = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;

	rq->replies++;
	if (buf == NULL) {
		rq->reply_failed = true;
		return false;
	}
	free(buf);
	rq->status = status;
	return true;
}

bool http_reply_json(struct http_req *rq, unsigned status, const json_t *body)
{
	return fakehttp_reply(rq, status, body);
}

bool http_reply_text(struct http_req *rq, unsigned status, const char *type, char *text,
		     size_t len)
{
	(void)type;
	(void)len;
	free(text);
	rq->replies++;
	rq->status = status;
	return true;
}

/* The same message as http.c's, so a detail that cannot be sent (not
 * UTF-8, say) shows here as a failed reply. */
bool http_reply_error(struct http_req *rq, enum e2e_err err, const char *detail,
		      const char *allow)
{
	const struct e2e_err_info *info = e2e_err_info(err);
	char msg[512];
	json_t *body;
	bool ok;

	(void)allow;
	if (detail != NULL && detail[0] != '\0')
		snprintf(msg, sizeof(msg), "%s: %s", info->message, detail);
	else
		snprintf(msg, sizeof(msg), "%s", info->message);
	body = json_pack("{s:{s:s, s:s}}", "error", "code", info->code, "message", msg);
	if (body == NULL) {
		rq->replies++;
		rq->reply_failed = true;
		fprintf(stderr, "fakehttp: error reply cannot be built: %s\n", msg);
		return false;
	}
	ok = fakehttp_reply(rq, info->http_status, body);
	if (rq->verbose)
		fprintf(stderr, "fakehttp: %s %s: %u %s\n", rq->method, rq->path,
			info->http_status, msg);
	json_decref(body);
	return ok;
}

const void *http_route(const struct http_req *rq)
{
	return rq->route;
}

void http_keep_route(struct http_req *rq, const void *route)
{
	rq->route = route;
}

bool http_reply_busy(struct http_req *rq, const char *detail, unsigned retry_after_s)
{
	(void)retry_after_s;
	return http_reply_error(rq, E2E_ERR_BUSY, detail, NULL);
}

bool http_reply_unavailable(struct http_req *rq, unsigned retry_after_s, const char *message)
{
	json_t *body = json_pack("{s:{s:s, s:s}}", "error", "code", HTTP_UNAVAILABLE, "message",
				 message);
	bool ok;

	(void)retry_after_s;
	if (body == NULL) {
		rq->replies++;
		rq->reply_failed = true;
		return false;
	}
	ok = fakehttp_reply(rq, 503, body);
	json_decref(body);
	return ok;
}

bool http_client_addr(const struct http_req *rq, char *out, size_t cap)
{
	(void)rq;
	snprintf(out, cap, "127.0.0.1");
	return true;
}

void fakehttp_query_parse(struct http_req *rq, const char *q, size_t len)
{
	char *save = NULL;

	rq->query_buf = strndup(q, len);
	for (char *t = rq->query_buf != NULL ? strtok_r(rq->query_buf, "&", &save) : NULL;
	     t != NULL && rq->n_query < FAKEHTTP_QUERY_MAX; t = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(t, '=');

		if (eq != NULL)
			*eq++ = '\0';
		rq->query[rq->n_query++] = (struct fakehttp_query){t, eq};
	}
}

void fakehttp_end(struct http_req *rq)
{
	if (rq->state_free != NULL)
		rq->state_free(rq->state);
	rq->state = NULL;
	rq->state_free = NULL;
	free(rq->query_buf);
	rq->query_buf = NULL;
}
