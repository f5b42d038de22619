/* authcache.c - see authcache.h. A direct-mapped table indexed by the
 * token hash (uniform already: a BLAKE2b output), with a lock per stripe
 * of slots so that the HTTP threads rarely wait on each other; beside it
 * a smaller direct-mapped table of rooms' stored membership versions,
 * indexed by room id, under the same stripe locks. */
#include "authcache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define AUTHCACHE_SLOTS 4096 /* a power of two; ~1.8 MiB when all are used */
#define AUTHCACHE_STRIPES 16 /* a power of two, at most AUTHCACHE_SLOTS */
#define AUTHCACHE_ROOMS 1024 /* a power of two, at least AUTHCACHE_STRIPES */

struct authcache_entry {
	bool used;
	uint64_t membership_version;
	char room[E2E_ROOM_NAME_MAX + 1];
	uint8_t token_hash[E2E_TOKEN_BYTES];
	struct authcache_who who;
};

/* A room's stored membership version as a request read it (authcache.h). */
struct authcache_room {
	bool used;
	int64_t room_id;
	uint64_t room_version;
	struct timespec read_at;
	uint64_t members_version;
};

struct authcache {
	pthread_mutex_t lock[AUTHCACHE_STRIPES];
	struct authcache_entry slot[AUTHCACHE_SLOTS];
	struct authcache_room room[AUTHCACHE_ROOMS];
};

static size_t authcache_index(const uint8_t token_hash[E2E_TOKEN_BYTES])
{
	uint32_t v;

	memcpy(&v, token_hash, sizeof(v));
	return v & (AUTHCACHE_SLOTS - 1);
}

static pthread_mutex_t *authcache_lock(struct authcache *ac, size_t i)
{
	return &ac->lock[i & (AUTHCACHE_STRIPES - 1)];
}

struct authcache *authcache_new(void)
{
	struct authcache *ac = calloc(1, sizeof(*ac));

	for (size_t i = 0; ac != NULL && i < AUTHCACHE_STRIPES; i++)
		pthread_mutex_init(&ac->lock[i], NULL);
	return ac;
}

void authcache_free(struct authcache *ac)
{
	if (ac == NULL)
		return;
	for (size_t i = 0; i < AUTHCACHE_STRIPES; i++)
		pthread_mutex_destroy(&ac->lock[i]);
	free(ac);
}

bool authcache_get(struct authcache *ac, const char *room,
		   const uint8_t token_hash[E2E_TOKEN_BYTES], uint64_t membership_version,
		   struct authcache_who *who)
{
	size_t i = authcache_index(token_hash);
	const struct authcache_entry *e = &ac->slot[i];
	bool hit;

	pthread_mutex_lock(authcache_lock(ac, i));
	hit = e->used && e->membership_version == membership_version &&
	      strcmp(e->room, room) == 0 &&
	      sodium_memcmp(e->token_hash, token_hash, E2E_TOKEN_BYTES) == 0;
	if (hit)
		*who = e->who;
	pthread_mutex_unlock(authcache_lock(ac, i));
	return hit;
}

void authcache_put(struct authcache *ac, const char *room,
		   const uint8_t token_hash[E2E_TOKEN_BYTES], uint64_t membership_version,
		   const struct authcache_who *who)
{
	size_t i = authcache_index(token_hash);
	struct authcache_entry *e = &ac->slot[i];

	if (strlen(room) > E2E_ROOM_NAME_MAX)
		return;
	pthread_mutex_lock(authcache_lock(ac, i));
	e->used = true;
	e->membership_version = membership_version;
	strcpy(e->room, room);
	memcpy(e->token_hash, token_hash, E2E_TOKEN_BYTES);
	e->who = *who;
	pthread_mutex_unlock(authcache_lock(ac, i));
}

static size_t authcache_room_index(int64_t room_id)
{
	return (size_t)((uint64_t)room_id & (AUTHCACHE_ROOMS - 1));
}

static bool authcache_not_before(const struct timespec *t, const struct timespec *limit)
{
	return t->tv_sec > limit->tv_sec ||
	       (t->tv_sec == limit->tv_sec && t->tv_nsec >= limit->tv_nsec);
}

bool authcache_room_get(struct authcache *ac, int64_t room_id, uint64_t room_version,
			const struct timespec *not_before, uint64_t *members_version)
{
	size_t i = authcache_room_index(room_id);
	const struct authcache_room *e = &ac->room[i];
	bool hit;

	pthread_mutex_lock(authcache_lock(ac, i));
	hit = e->used && e->room_id == room_id && e->room_version == room_version &&
	      authcache_not_before(&e->read_at, not_before);
	if (hit)
		*members_version = e->members_version;
	pthread_mutex_unlock(authcache_lock(ac, i));
	return hit;
}

void authcache_room_put(struct authcache *ac, int64_t room_id, uint64_t room_version,
			const struct timespec *read_at, uint64_t members_version)
{
	size_t i = authcache_room_index(room_id);

	pthread_mutex_lock(authcache_lock(ac, i));
	ac->room[i] = (struct authcache_room){.used = true, .room_id = room_id,
					      .room_version = room_version,
					      .read_at = *read_at,
					      .members_version = members_version};
	pthread_mutex_unlock(authcache_lock(ac, i));
}
