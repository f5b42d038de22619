/* ratelimit.h - token buckets keyed by a string (a client address, a
 * member token, a room), for the relay's request limits. Each key gets
 * `burst` tokens that refill at `rate` per second. The table has a fixed
 * size: keys are stored as 64-bit keyed hashes, and when a probe window
 * is full the least recently used bucket there is reused, so memory stays
 * bounded whatever the traffic. Safe to share between threads. */
#ifndef RELAY_RATELIMIT_H
#define RELAY_RATELIMIT_H

#include <stdbool.h>

struct ratelimit;

/* NULL if memory runs out. rate <= 0 makes every call allow. */
struct ratelimit *ratelimit_new(double rate, double burst);
void ratelimit_free(struct ratelimit *rl);

/* Take one token for `key`: true if there was one; else false and
 * *retry_after_s is when the next one will be (whole seconds, >= 1). */
bool ratelimit_take(struct ratelimit *rl, const char *key, unsigned *retry_after_s);

/* Like take, without taking: is a token there? */
bool ratelimit_peek(struct ratelimit *rl, const char *key, unsigned *retry_after_s);

#endif
