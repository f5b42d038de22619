/* ratelimit.c - bounded token buckets (see ratelimit.h). */
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ratelimit.h"

#define RATELIMIT_SLOTS 65536 /* a power of two */
#define RATELIMIT_PROBE 16

struct bucket {
	uint64_t key; /* 0: free */
	double tokens;
	double last;  /* seconds, CLOCK_MONOTONIC */
};

struct ratelimit {
	double rate;
	double burst;
	uint8_t hash_key[crypto_shorthash_KEYBYTES]; /* random: no chosen collisions */
	pthread_mutex_t lock;
	struct bucket *slots;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct ratelimit *ratelimit_new(double rate, double burst)
{
	struct ratelimit *rl = calloc(1, sizeof(*rl));

	if (rl == NULL)
		return NULL;
	rl->rate = rate;
	rl->burst = burst < 1 ? 1 : burst;
	randombytes_buf(rl->hash_key, sizeof(rl->hash_key));
	rl->slots = rate > 0 ? calloc(RATELIMIT_SLOTS, sizeof(*rl->slots)) : NULL;
	if ((rate > 0 && rl->slots == NULL) || pthread_mutex_init(&rl->lock, NULL) != 0) {
		free(rl->slots);
		free(rl);
		return NULL;
	}
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->slots);
	free(rl);
}

/* The key's bucket, refilled to `now`: found, or a free or least recently
 * used slot of its probe window made new (full). */
static struct bucket *bucket_of(struct ratelimit *rl, const char *key, double now)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t k;
	struct bucket *b, *victim = NULL;

	crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->hash_key);
	memcpy(&k, h, sizeof(k));
	k |= 1; /* never 0, the free mark */
	for (size_t i = 0; i < RATELIMIT_PROBE; i++) {
		b = &rl->slots[(k + i) & (RATELIMIT_SLOTS - 1)];
		if (b->key == k) {
			b->tokens = fmin(rl->burst, b->tokens + (now - b->last) * rl->rate);
			b->last = now;
			return b;
		}
		if (victim == NULL || b->key == 0 || (victim->key != 0 && b->last < victim->last))
			victim = b;
	}
	*victim = (struct bucket){.key = k, .tokens = rl->burst, .last = now};
	return victim;
}

static bool use(struct ratelimit *rl, const char *key, bool take, unsigned *retry_after_s)
{
	struct bucket *b;
	bool ok;

	*retry_after_s = 0;
	if (rl->rate <= 0)
		return true;
	pthread_mutex_lock(&rl->lock);
	b = bucket_of(rl, key, now_s());
	ok = b->tokens >= 1;
	if (ok && take)
		b->tokens -= 1;
	if (!ok)
		*retry_after_s = (unsigned)ceil((1 - b->tokens) / rl->rate);
	pthread_mutex_unlock(&rl->lock);
	if (!ok && *retry_after_s == 0)
		*retry_after_s = 1;
	return ok;
}

bool ratelimit_take(struct ratelimit *rl, const char *key, unsigned *retry_after_s)
{
	return use(rl, key, true, retry_after_s);
}

bool ratelimit_peek(struct ratelimit *rl, const char *key, unsigned *retry_after_s)
{
	return use(rl, key, false, retry_after_s);
}
