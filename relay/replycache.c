/* replycache.c - see replycache.h. A small direct-mapped table (one
 * entry per slot, by room): a fan-out reuses the entry within
 * milliseconds, so there is nothing to gain from keeping more. */
#include "replycache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define REPLYCACHE_SLOTS 256 /* a power of two */
/* bodies above this are not worth a copy under the lock */
#define REPLYCACHE_BODY_MAX (64 * 1024)

struct replycache_entry {
	struct replycache_key key;
	char *body;
	size_t len;
	/* reading after empty.after found nothing at empty.room_version (its
	 * limit unused); empty.room_id 0: nothing known */
	struct replycache_key empty;
};

struct replycache {
	pthread_mutex_t lock;
	struct replycache_entry slot[REPLYCACHE_SLOTS];
};

static struct replycache_entry *replycache_slot(struct replycache *rc, int64_t room_id)
{
	return &rc->slot[(uint64_t)room_id & (REPLYCACHE_SLOTS - 1)];
}

static bool replycache_same(const struct replycache_key *a, const struct replycache_key *b)
{
	return a->room_id == b->room_id && a->after == b->after && a->limit == b->limit &&
	       a->room_version == b->room_version;
}

struct replycache *replycache_new(void)
{
	struct replycache *rc = calloc(1, sizeof(*rc));

	if (rc != NULL)
		pthread_mutex_init(&rc->lock, NULL);
	return rc;
}

void replycache_free(struct replycache *rc)
{
	if (rc == NULL)
		return;
	for (size_t i = 0; i < REPLYCACHE_SLOTS; i++)
		free(rc->slot[i].body);
	pthread_mutex_destroy(&rc->lock);
	free(rc);
}

char *replycache_get(struct replycache *rc, const struct replycache_key *key, size_t *len)
{
	struct replycache_entry *e = replycache_slot(rc, key->room_id);
	char *copy = NULL;

	pthread_mutex_lock(&rc->lock);
	if (e->body != NULL && replycache_same(&e->key, key) && (copy = malloc(e->len)) != NULL) {
		memcpy(copy, e->body, e->len);
		*len = e->len;
	}
	pthread_mutex_unlock(&rc->lock);
	return copy;
}

void replycache_put(struct replycache *rc, const struct replycache_key *key, const char *body,
		    size_t len)
{
	struct replycache_entry *e = replycache_slot(rc, key->room_id);
	char *copy = len <= REPLYCACHE_BODY_MAX ? malloc(len) : NULL;
	char *old;

	if (copy == NULL)
		return;
	memcpy(copy, body, len);
	pthread_mutex_lock(&rc->lock);
	old = e->body;
	e->key = *key;
	e->body = copy;
	e->len = len;
	pthread_mutex_unlock(&rc->lock);
	free(old);
}

void replycache_put_empty(struct replycache *rc, const struct replycache_key *key)
{
	struct replycache_entry *e = replycache_slot(rc, key->room_id);

	pthread_mutex_lock(&rc->lock);
	/* keep the lowest after= of the room version: it covers all above it */
	if (e->empty.room_id != key->room_id || e->empty.room_version != key->room_version ||
	    key->after < e->empty.after)
		e->empty = *key;
	pthread_mutex_unlock(&rc->lock);
}

bool replycache_empty(struct replycache *rc, const struct replycache_key *key)
{
	struct replycache_entry *e = replycache_slot(rc, key->room_id);
	bool empty;

	pthread_mutex_lock(&rc->lock);
	empty = e->empty.room_id == key->room_id && e->empty.room_version == key->room_version &&
		key->after >= e->empty.after;
	pthread_mutex_unlock(&rc->lock);
	return empty;
}
