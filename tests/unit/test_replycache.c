/* test_replycache.c - the relay's reply cache (relay/replycache.c): a
 * cached body answers only the exact (room, after, limit, room version) it
 * was read for; a "nothing after A" record answers every after >= A of
 * its room and room version, and nothing once the version moves (a
 * commit in the room). tests/longpoll and the api suite cover the same
 * through a relay. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "replycache.h"

static struct replycache_key key(int64_t room, uint64_t after, uint64_t limit, uint64_t gen)
{
	return (struct replycache_key){room, after, limit, gen};
}

/* Whether the cache answers `k` with exactly `want`. */
static bool body_is(struct replycache *rc, struct replycache_key k, const char *want)
{
	size_t len = 0;
	char *got = replycache_get(rc, &k, &len);
	bool same = got != NULL && len == strlen(want) && memcmp(got, want, len) == 0;

	free(got);
	return same;
}

static bool missing(struct replycache *rc, struct replycache_key k)
{
	size_t len = 0;
	char *got = replycache_get(rc, &k, &len);

	free(got);
	return got == NULL;
}

static void test_body_exact_key(struct replycache *rc)
{
	const char *body = "{\"messages\":[1]}\n";

	CHECK(missing(rc, key(5, 10, 1, 3)));
	replycache_put(rc, &(struct replycache_key){5, 10, 1, 3}, body, strlen(body));
	CHECK(body_is(rc, key(5, 10, 1, 3), body));
	CHECK(missing(rc, key(5, 10, 1, 4))); /* the room had a commit since */
	CHECK(missing(rc, key(5, 11, 1, 3)));
	CHECK(missing(rc, key(5, 9, 1, 3)));
	CHECK(missing(rc, key(5, 10, 2, 3)));
	CHECK(missing(rc, key(5 + 256, 10, 1, 3))); /* the same slot, another room */
}

static void test_empty_covers_above(struct replycache *rc)
{
	replycache_put_empty(rc, &(struct replycache_key){7, 100, 1, 9});
	CHECK(replycache_empty(rc, &(struct replycache_key){7, 100, 1, 9}));
	CHECK(replycache_empty(rc, &(struct replycache_key){7, 150, 50, 9})); /* any limit */
	CHECK(!replycache_empty(rc, &(struct replycache_key){7, 99, 1, 9}));
	CHECK(!replycache_empty(rc, &(struct replycache_key){7, 100, 1, 10}));
	CHECK(!replycache_empty(rc, &(struct replycache_key){7 + 256, 100, 1, 9}));
	CHECK(!replycache_empty(rc, &(struct replycache_key){8, 100, 1, 9}));
	/* a lower after= of the same room version widens the record; a higher
	 * one does not narrow it */
	replycache_put_empty(rc, &(struct replycache_key){7, 90, 1, 9});
	replycache_put_empty(rc, &(struct replycache_key){7, 120, 1, 9});
	CHECK(replycache_empty(rc, &(struct replycache_key){7, 95, 1, 9}));
	/* a new room version starts over */
	replycache_put_empty(rc, &(struct replycache_key){7, 130, 1, 10});
	CHECK(!replycache_empty(rc, &(struct replycache_key){7, 95, 1, 10}));
	CHECK(replycache_empty(rc, &(struct replycache_key){7, 130, 1, 10}));
	CHECK(!replycache_empty(rc, &(struct replycache_key){7, 130, 1, 9}));
}

static void test_empty_and_body_side_by_side(struct replycache *rc)
{
	const char *body = "{\"messages\":[2]}\n";

	/* the readers still being woken for seq 41 and those re-arming after
	 * 41 share the room's slot: neither evicts the other */
	replycache_put(rc, &(struct replycache_key){12, 40, 1, 2}, body, strlen(body));
	replycache_put_empty(rc, &(struct replycache_key){12, 41, 1, 2});
	CHECK(body_is(rc, key(12, 40, 1, 2), body));
	CHECK(replycache_empty(rc, &(struct replycache_key){12, 41, 1, 2}));
	CHECK(!replycache_empty(rc, &(struct replycache_key){12, 40, 1, 2}));
}

int main(void)
{
	struct replycache *rc = replycache_new();

	if (!CHECK(rc != NULL))
		return check_summary("test_replycache");
	test_body_exact_key(rc);
	test_empty_covers_above(rc);
	test_empty_and_body_side_by_side(rc);
	replycache_free(rc);
	return check_summary("test_replycache");
}
