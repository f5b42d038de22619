/* hub.c - the handoff between HTTP threads and the engine (hub.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <sodium.h>
#include <unistd.h>

#include "hub.h"

struct hub_event {
	uint64_t id;
	char *text;
	size_t len;
};

struct hub {
	pthread_mutex_t lock;
	pthread_cond_t changed; /* a call finished, an event was published, closing */
	int wake_fd;
	bool closing;
	struct hub_call *head, *tail;
	uint64_t last;                       /* the newest event's number */
	struct hub_event ring[HUB_EVENTS_MAX]; /* event n at ring[n % MAX] */
};

struct hub *hub_new(void)
{
	struct hub *h = calloc(1, sizeof *h);
	pthread_condattr_t attr;

	if (!h)
		return NULL;
	h->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->wake_fd < 0) {
		free(h);
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&h->changed, &attr);
	pthread_condattr_destroy(&attr);
	return h;
}

void hub_free(struct hub *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < HUB_EVENTS_MAX; i++)
		hub_text_free(h->ring[i].text);
	close(h->wake_fd);
	pthread_cond_destroy(&h->changed);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

int hub_wake_fd(const struct hub *h)
{
	return h->wake_fd;
}

/* JSON text in plain malloc memory (Jansson's allocator may be the
 * process's own, main.c's): every body and event is freed with
 * hub_text_free. */
static char *dump(const json_t *j)
{
	void *(*jmalloc)(size_t);
	void (*jfree)(void *);
	char *text = json_dumps(j, JSON_COMPACT);
	char *copy = text ? strdup(text) : NULL;

	json_get_alloc_funcs(&jmalloc, &jfree);
	if (text) {
		sodium_memzero(text, strlen(text));
		jfree(text);
	}
	return copy;
}

void hub_text_free(char *text)
{
	if (!text)
		return;
	sodium_memzero(text, strlen(text));
	free(text);
}

static void wake_engine(struct hub *h)
{
	uint64_t one = 1;

	/* EAGAIN: the counter is already far from zero, which is enough */
	(void)!write(h->wake_fd, &one, sizeof one);
}

static void finish_locked(struct hub_call *call, unsigned status, json_t *result)
{
	call->status = status;
	call->body = result ? dump(result) : strdup("{}");
	call->done = true;
}

void hub_call(struct hub *h, struct hub_call *call)
{
	call->done = false;
	call->body = NULL;
	call->next = NULL;
	pthread_mutex_lock(&h->lock);
	if (h->closing) {
		finish_locked(call, 503, NULL);
		pthread_mutex_unlock(&h->lock);
		return;
	}
	if (h->tail)
		h->tail->next = call;
	else
		h->head = call;
	h->tail = call;
	wake_engine(h);
	while (!call->done)
		pthread_cond_wait(&h->changed, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

struct hub_call *hub_take(struct hub *h)
{
	struct hub_call *call;
	uint64_t count;

	pthread_mutex_lock(&h->lock);
	call = h->head;
	if (call) {
		h->head = call->next;
		if (!h->head)
			h->tail = NULL;
	} else {
		(void)!read(h->wake_fd, &count, sizeof count); /* nothing left: quiet */
	}
	pthread_mutex_unlock(&h->lock);
	return call;
}

void hub_finish(struct hub *h, struct hub_call *call, unsigned status, json_t *result)
{
	pthread_mutex_lock(&h->lock);
	finish_locked(call, status, result);
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
	json_decref(result);
}

uint64_t hub_publish(struct hub *h, json_t *ev)
{
	struct hub_event *slot;
	uint64_t id;
	char *text;

	pthread_mutex_lock(&h->lock);
	id = h->last + 1;
	json_object_set_new(ev, "id", json_integer((json_int_t)id));
	text = dump(ev);
	if (text) {
		slot = &h->ring[id % HUB_EVENTS_MAX];
		hub_text_free(slot->text);
		*slot = (struct hub_event){id, text, strlen(text)};
		h->last = id;
		pthread_cond_broadcast(&h->changed);
	}
	pthread_mutex_unlock(&h->lock);
	json_decref(ev);
	return text ? id : 0;
}

uint64_t hub_last(struct hub *h)
{
	uint64_t last;

	pthread_mutex_lock(&h->lock);
	last = h->last;
	pthread_mutex_unlock(&h->lock);
	return last;
}

static struct timespec deadline_in(unsigned ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* The events above `after` as one body; the lock is held. */
static char *render_locked(const struct hub *h, uint64_t after, bool reset)
{
	uint64_t first = reset ? h->last + 1 : after + 1;
	size_t size = 96;
	char *body, *p;

	for (uint64_t id = first; id <= h->last; id++)
		size += h->ring[id % HUB_EVENTS_MAX].len + 1;
	body = malloc(size);
	if (!body)
		return NULL;
	p = body + sprintf(body, "{\"events\":[");
	for (uint64_t id = first; id <= h->last; id++) {
		const struct hub_event *e = &h->ring[id % HUB_EVENTS_MAX];

		if (id > first)
			*p++ = ',';
		memcpy(p, e->text, e->len);
		p += e->len;
	}
	/* "stopping": this server is going away; the page stops asking
	 * (whatever listens on the port next must get nothing from it) */
	sprintf(p, "],\"last\":%llu,\"reset\":%s%s}", (unsigned long long)h->last,
		reset ? "true" : "false", h->closing ? ",\"stopping\":true" : "");
	return body;
}

char *hub_events(struct hub *h, uint64_t after, unsigned wait_ms)
{
	struct timespec until = deadline_in(wait_ms < HUB_WAIT_MAX_MS ? wait_ms : HUB_WAIT_MAX_MS);
	bool reset;
	char *body;
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	while (h->last <= after && !h->closing && rc != ETIMEDOUT && after <= h->last)
		rc = pthread_cond_timedwait(&h->changed, &h->lock, &until);
	/* behind the ring, or ahead of this launch (an old page): start again */
	reset = after > h->last || (h->last > HUB_EVENTS_MAX && after < h->last - HUB_EVENTS_MAX);
	body = render_locked(h, after, reset);
	pthread_mutex_unlock(&h->lock);
	return body;
}

void hub_close(struct hub *h)
{
	struct hub_call *call;

	pthread_mutex_lock(&h->lock);
	h->closing = true;
	while (h->head) {
		call = h->head;
		h->head = call->next;
		finish_locked(call, 503, NULL);
	}
	h->tail = NULL;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}
