/* proxy.c - the hostile relay's front: an HTTP proxy between e2e-chat
 * and a real relay that forwards every request and returns the relay's
 * answer, unless a rule in the rules file says to change it.
 *
 *   proxy RELAY_URL RULES_FILE
 *
 * Listens on 127.0.0.1, a free port, printed as
 * "proxy: listening on http://127.0.0.1:PORT". The rules file is read
 * again for every request, so a test changes the proxy's behaviour
 * between client steps by rewriting it. One rule per line, the first one
 * that matches wins; '#' starts a comment:
 *
 *   METHOD PATH-PREFIX ACTION [ARG]     (METHOD may be '*')
 *
 *   status N           answer N with the relay's body
 *   fake N TEXT        answer N with TEXT without forwarding the request:
 *                      the relay never sees it (a relay that says yes and
 *                      does nothing)
 *   body TEXT          answer the relay's status with TEXT as the body
 *   empty              200 with an empty body
 *   truncate N         only the first N bytes of the relay's body
 *   hang               never answer (until the client gives up; capped)
 *   drop-field KEY     remove KEY from every JSON object, at any depth
 *   set-field KEY JSON set KEY to JSON in every object that has it
 *   add-field KEY JSON add KEY to every object of the top-level arrays,
 *                      or to the top object if it holds no array
 *   replay-first       append a copy of the first message, with a new seq
 *   endless            a message page that never ends: the relay is asked
 *                      from after=0, and its first message is answered
 *                      as `limit` copies (default 100) numbered from the
 *                      client's after + 1, so every page is full and new
 *   swap I J           swap entries I and J of the top-level array; each
 *                      position keeps its "seq", as if the relay had
 *                      stored the two in the other order
 *
 * A JSON action on a body that is not JSON leaves it unchanged. Request
 * and response bodies are capped; a hang ends after HANG_MAX_S or at
 * shutdown (SIGINT/SIGTERM), so the proxy never leaks a connection. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BODY_MAX (8u * 1024 * 1024)
#define URI_MAX 2048
#define LINE_MAX_LEN 4096
#define HANG_MAX_S 150
/* The relay holds a long-poll for up to 60 s. */
#define FORWARD_TIMEOUT_S 90L

struct proxy {
	const char *relay;
	const char *rules;
	pthread_mutex_t lock;
	pthread_cond_t stop_cond;
	bool stopping;
};

struct rule {
	char method[16];
	char prefix[URI_MAX];
	char action[32];
	char arg[LINE_MAX_LEN];
};

struct request {
	char *uri; /* path and query, as the client sent them */
	char *body;
	size_t len;
	bool overflow;
	bool started;
};

struct reply {
	long status;
	char *body;
	size_t len;
	bool overflow;
};

static bool stopping(struct proxy *p)
{
	bool s;

	pthread_mutex_lock(&p->lock);
	s = p->stopping;
	pthread_mutex_unlock(&p->lock);
	return s;
}

/* The first rule matching METHOD and URI; false if none. */
static bool find_rule(const char *path, const char *method, const char *uri, struct rule *out)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_LEN];
	bool found = false;
	int used;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		memset(out, 0, sizeof *out);
		used = 0;
		if (line[0] == '#' ||
		    sscanf(line, "%15s %2047s %31s %n", out->method, out->prefix, out->action,
			   &used) < 3)
			continue;
		if (used > 0)
			snprintf(out->arg, sizeof out->arg, "%s", line + used);
		found = (strcmp(out->method, "*") == 0 || strcmp(out->method, method) == 0) &&
			strncmp(uri, out->prefix, strlen(out->prefix)) == 0;
	}
	fclose(f);
	return found;
}

static size_t on_data(char *data, size_t size, size_t n, void *user)
{
	struct reply *r = user;
	size_t chunk = size * n;
	char *grown;

	if (chunk > BODY_MAX - r->len) {
		r->overflow = true;
		return 0;
	}
	if (!(grown = realloc(r->body, r->len + chunk + 1)))
		return 0;
	r->body = grown;
	memcpy(r->body + r->len, data, chunk);
	r->len += chunk;
	r->body[r->len] = '\0';
	return chunk;
}

/* Abort a forwarded request when the proxy shuts down. */
static int on_progress(void *user, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	return stopping(user) ? 1 : 0;
}

/* Forward the request; false if the relay did not answer. */
static bool forward(struct proxy *p, struct MHD_Connection *con, const char *method,
		    const struct request *rq, struct reply *r)
{
	CURL *curl = curl_easy_init();
	struct curl_slist *h = NULL, *h2;
	const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
	char url[URI_MAX + 512], header[1024];
	bool ok = false;

	if (!curl || (size_t)snprintf(url, sizeof url, "%s%s", p->relay, rq->uri) >= sizeof url)
		goto out;
	if (auth && (size_t)snprintf(header, sizeof header, "Authorization: %s", auth) <
			    sizeof header) {
		if (!(h2 = curl_slist_append(h, header)))
			goto out;
		h = h2;
	}
	if (rq->len > 0) {
		if (!(h2 = curl_slist_append(h, "Content-Type: application/json")))
			goto out;
		h = h2;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, FORWARD_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, p);
	if (rq->len > 0 || strcmp(method, "POST") == 0) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)rq->len);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
	}
	if (curl_easy_perform(curl) != CURLE_OK)
		goto out;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
	ok = true;
out:
	curl_slist_free_all(h);
	if (curl)
		curl_easy_cleanup(curl);
	return ok;
}

/* Apply fn to every object in the tree. */
static void each_object(json_t *j, void (*fn)(json_t *obj, const struct rule *), const struct rule *r)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		fn(j, r);
		json_object_foreach(j, key, v)
			each_object(v, fn, r);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			each_object(v, fn, r);
	}
}

static void drop_field(json_t *obj, const struct rule *r)
{
	json_object_del(obj, r->arg);
}

/* The rule's argument "KEY JSON" split; NULL if the JSON does not parse. */
static json_t *field_value(const struct rule *r, char *key, size_t key_len)
{
	size_t n = strcspn(r->arg, " \t");

	if (n == 0 || n >= key_len || r->arg[n] == '\0')
		return NULL;
	memcpy(key, r->arg, n);
	key[n] = '\0';
	return json_loads(r->arg + n + 1, JSON_DECODE_ANY, NULL);
}

static void set_field(json_t *obj, const struct rule *r)
{
	char key[256];
	json_t *v = field_value(r, key, sizeof key);

	if (v && json_object_get(obj, key))
		json_object_set(obj, key, v);
	json_decref(v);
}

static void add_field(json_t *obj, const struct rule *r)
{
	char key[256];
	json_t *v = field_value(r, key, sizeof key);

	if (v && json_is_object(obj))
		json_object_set(obj, key, v);
	json_decref(v);
}

/* The first array among the top object's members (messages, wraps,
 * members), or the top value itself if it is an array. */
static json_t *top_array(json_t *root)
{
	const char *key;
	json_t *v;

	if (json_is_array(root))
		return root;
	json_object_foreach(root, key, v)
		if (json_is_array(v))
			return v;
	return NULL;
}

static void replay_first(json_t *arr)
{
	json_t *copy, *last;
	json_int_t seq;

	if (!arr || json_array_size(arr) == 0)
		return;
	last = json_array_get(arr, json_array_size(arr) - 1);
	seq = json_integer_value(json_object_get(last, "seq")) + 1;
	copy = json_deep_copy(json_array_get(arr, 0));
	if (copy && json_object_set_new(copy, "seq", json_integer(seq)) == 0)
		json_array_append(arr, copy);
	json_decref(copy);
}

static void swap_entries(json_t *arr, const char *arg)
{
	unsigned long i, j;
	json_t *a, *b, *seq_a, *seq_b;

	if (!arr || sscanf(arg, "%lu %lu", &i, &j) != 2 || i >= json_array_size(arr) ||
	    j >= json_array_size(arr) || i == j)
		return;
	a = json_incref(json_array_get(arr, i));
	b = json_incref(json_array_get(arr, j));
	seq_a = json_incref(json_object_get(a, "seq"));
	seq_b = json_incref(json_object_get(b, "seq"));
	if (seq_a && seq_b) {
		json_object_set(a, "seq", seq_b);
		json_object_set(b, "seq", seq_a);
	}
	json_array_set(arr, i, b);
	json_array_set(arr, j, a);
	json_decref(seq_a);
	json_decref(seq_b);
	json_decref(a);
	json_decref(b);
}

/* The number after `key=` in the query of `uri`, or `dflt`. */
static unsigned long long query_number(const char *uri, const char *key,
				       unsigned long long dflt)
{
	const char *q = strchr(uri, '?');
	size_t klen = strlen(key);
	unsigned long long n;

	while (q != NULL) {
		q++;
		if (strncmp(q, key, klen) == 0 && q[klen] == '=' &&
		    sscanf(q + klen + 1, "%llu", &n) == 1)
			return n;
		q = strchr(q, '&');
	}
	return dflt;
}

/* The page `endless` answers (see the top): `limit` copies of the first
 * message of the relay's page, numbered from the client's after + 1. */
static void endless_page(json_t *root, const char *client_uri)
{
	json_t *arr = top_array(root), *first, *copy;
	unsigned long long after = query_number(client_uri, "after", 0);
	unsigned long long limit = query_number(client_uri, "limit", 100);

	if (!arr || json_array_size(arr) == 0 || limit > 1000)
		return;
	first = json_incref(json_array_get(arr, 0));
	json_array_clear(arr);
	for (unsigned long long i = 1; i <= limit; i++) {
		copy = json_deep_copy(first);
		if (copy && json_object_set_new(copy, "seq", json_integer((json_int_t)(after + i))) == 0)
			json_array_append(arr, copy);
		json_decref(copy);
	}
	json_decref(first);
}

/* A JSON action on the reply's body; the body stays as it was if it is
 * not JSON or cannot be rewritten. */
static void edit_json(struct reply *rp, const struct rule *r, const char *client_uri)
{
	json_t *root = json_loadb(rp->body ? rp->body : "", rp->len, 0, NULL);
	char *out = NULL;
	json_t *arr;
	size_t i;

	if (!root)
		return;
	if (strcmp(r->action, "drop-field") == 0) {
		each_object(root, drop_field, r);
	} else if (strcmp(r->action, "set-field") == 0) {
		each_object(root, set_field, r);
	} else if (strcmp(r->action, "add-field") == 0) {
		if ((arr = top_array(root)) != NULL)
			for (i = 0; i < json_array_size(arr); i++)
				add_field(json_array_get(arr, i), r);
		else
			add_field(root, r);
	} else if (strcmp(r->action, "replay-first") == 0) {
		replay_first(top_array(root));
	} else if (strcmp(r->action, "swap") == 0) {
		swap_entries(top_array(root), r->arg);
	} else if (strcmp(r->action, "endless") == 0) {
		endless_page(root, client_uri);
	}
	if ((out = json_dumps(root, JSON_COMPACT)) != NULL) {
		free(rp->body);
		rp->body = out;
		rp->len = strlen(out);
	}
	json_decref(root);
}

/* Change the relay's reply as the rule says. */
static void apply(struct reply *rp, const struct rule *r, const char *client_uri)
{
	unsigned long n;
	char *text;

	if (strcmp(r->action, "status") == 0 && sscanf(r->arg, "%lu", &n) == 1 && n >= 100 &&
	    n <= 999) {
		rp->status = (long)n;
	} else if (strcmp(r->action, "body") == 0 && (text = strdup(r->arg)) != NULL) {
		free(rp->body);
		rp->body = text;
		rp->len = strlen(text);
	} else if (strcmp(r->action, "empty") == 0) {
		rp->status = 200;
		rp->len = 0;
	} else if (strcmp(r->action, "truncate") == 0 && sscanf(r->arg, "%lu", &n) == 1) {
		if (n < rp->len)
			rp->len = n;
	} else {
		edit_json(rp, r, client_uri);
	}
}

/* Hold the connection without answering, until the cap or shutdown. */
static void hang(struct proxy *p)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HANG_MAX_S;
	pthread_mutex_lock(&p->lock);
	while (!p->stopping)
		if (pthread_cond_timedwait(&p->stop_cond, &p->lock, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&p->lock);
}

static enum MHD_Result answer(struct MHD_Connection *con, long status, const char *body,
			      size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret = MHD_NO;

	if (!resp)
		return MHD_NO;
	if (MHD_add_response_header(resp, "Content-Type", "application/json") == MHD_YES)
		ret = MHD_queue_response(con, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* For `endless`: the relay is asked for its page from after=0 (the client
 * keeps its own URI in *client_uri); false if out of memory. */
static bool from_start(struct request *rq, char **client_uri)
{
	char *path_end = strchr(rq->uri, '?');
	size_t plen = path_end ? (size_t)(path_end - rq->uri) : strlen(rq->uri);
	char *uri = malloc(plen + sizeof "?after=0&limit=1");

	if (!uri)
		return false;
	memcpy(uri, rq->uri, plen);
	memcpy(uri + plen, "?after=0&limit=1", sizeof "?after=0&limit=1");
	*client_uri = rq->uri;
	rq->uri = uri;
	return true;
}

static enum MHD_Result handle(struct proxy *p, struct MHD_Connection *con, const char *method,
			      struct request *rq)
{
	static const char too_large[] = "{\"error\":{\"code\":\"body_too_large\","
					"\"message\":\"proxy: request body too large\"}}";
	static const char no_relay[] = "{\"error\":{\"code\":\"internal\","
				       "\"message\":\"proxy: the relay did not answer\"}}";
	struct reply rp = {0};
	struct rule r;
	bool ruled = find_rule(p->rules, method, rq->uri, &r);
	char *client_uri = NULL; /* as the client sent it, when forwarded otherwise */
	enum MHD_Result ret;

	fprintf(stderr, "proxy: %s %s%s%s%s\n", method, rq->uri, ruled ? " -> " : "",
		ruled ? r.action : "", ruled ? (r.arg[0] ? " ..." : "") : "");
	if (rq->overflow)
		return answer(con, 413, too_large, sizeof too_large - 1);
	if (ruled && strcmp(r.action, "hang") == 0) {
		hang(p);
		return MHD_NO; /* close the connection without an answer */
	}
	if (ruled && strcmp(r.action, "fake") == 0) {
		unsigned long n = 0;
		int used = 0;

		if (sscanf(r.arg, "%lu %n", &n, &used) >= 1 && n >= 100 && n <= 999)
			return answer(con, (long)n, r.arg + used, strlen(r.arg + used));
	}
	if (ruled && strcmp(r.action, "endless") == 0 && !from_start(rq, &client_uri)) {
		ret = MHD_NO;
		goto out;
	}
	if (!forward(p, con, method, rq, &rp)) {
		ret = answer(con, 502, no_relay, sizeof no_relay - 1);
		goto out;
	}
	if (rp.overflow) {
		ret = MHD_NO;
		goto out;
	}
	if (ruled)
		apply(&rp, &r, client_uri ? client_uri : rq->uri);
	ret = answer(con, rp.status, rp.body ? rp.body : "", rp.len);
out:
	free(client_uri);
	free(rp.body);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct request *rq = *con_cls;
	char *grown;

	if (!rq)
		return MHD_NO;
	if (!rq->started) {
		rq->started = true;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (*upload_data_size > BODY_MAX - rq->len) {
			rq->overflow = true;
		} else if ((grown = realloc(rq->body, rq->len + *upload_data_size + 1)) != NULL) {
			rq->body = grown;
			memcpy(rq->body + rq->len, upload_data, *upload_data_size);
			rq->len += *upload_data_size;
			rq->body[rq->len] = '\0';
		} else {
			rq->overflow = true;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	return handle(cls, con, method, rq);
}

/* Called before the URI is parsed: keeps it whole, query included, and
 * makes the per-request state. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct request *rq = calloc(1, sizeof *rq);

	if (rq && !(rq->uri = strndup(uri, URI_MAX - 1))) {
		free(rq);
		rq = NULL;
	}
	return rq;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	if (rq) {
		free(rq->uri);
		free(rq->body);
		free(rq);
	}
	*con_cls = NULL;
}

int main(int argc, char **argv)
{
	struct proxy p = {.lock = PTHREAD_MUTEX_INITIALIZER,
			  .stop_cond = PTHREAD_COND_INITIALIZER};
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	sigset_t sigs;
	int sig, ret = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: proxy RELAY_URL RULES_FILE\n");
		return 2;
	}
	p.relay = argv[1];
	p.rules = argv[2];
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Every thread inherits the mask; main takes the signals with sigwait. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
				     MHD_USE_POLL,
			     0, NULL, NULL, on_request, &p, MHD_OPTION_SOCK_ADDR, &addr,
			     MHD_OPTION_URI_LOG_CALLBACK, on_uri, &p,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &p,
			     MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_END);
	if (!d || !(info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT))) {
		fprintf(stderr, "proxy: cannot listen on 127.0.0.1\n");
		goto out;
	}
	fprintf(stderr, "proxy: listening on http://127.0.0.1:%u\n", (unsigned)info->port);
	fflush(stderr);
	if (sigwait(&sigs, &sig) != 0)
		goto out;
	ret = 0;
out:
	pthread_mutex_lock(&p.lock);
	p.stopping = true;
	pthread_cond_broadcast(&p.stop_cond);
	pthread_mutex_unlock(&p.lock);
	if (d)
		MHD_stop_daemon(d);
	curl_global_cleanup();
	return ret;
}
