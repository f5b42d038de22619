/* test_authcache.c - the relay's token cache (relay/authcache.c): an entry
 * answers only for its room name, its exact token hash and the store
 * membership version it was read at; a colliding token takes the slot over;
 * a room's stored membership version, remembered for woken re-runs,
 * answers only under the room version it was read at and for requests
 * that arrived before it was read. The
 * cache has no I/O, so it is tested here rather than through a relay
 * (tests/api/caches.sh, "the token cache", covers the versions end to
 * end). */
#include <string.h>

#include "authcache.h"
#include "check.h"

static struct authcache_who sample_who(int64_t room_id, const char *member, uint64_t epoch)
{
	struct authcache_who who;

	memset(&who, 0, sizeof who);
	who.r.id = room_id;
	strcpy(who.r.pub.room, "lobby");
	strcpy(who.m.rec.name, member);
	who.m.admitted = true;
	who.epoch = epoch;
	return who;
}

static void test_hit_and_misses(struct authcache *ac)
{
	uint8_t hash[E2E_TOKEN_BYTES], other[E2E_TOKEN_BYTES];
	struct authcache_who in = sample_who(7, "bob", 3), out;

	memset(hash, 0xab, sizeof hash);
	CHECK(!authcache_get(ac, "lobby", hash, 5, &out)); /* empty */
	authcache_put(ac, "lobby", hash, 5, &in);
	memset(&out, 0, sizeof out);
	CHECK(authcache_get(ac, "lobby", hash, 5, &out));
	CHECK(out.r.id == 7 && strcmp(out.m.rec.name, "bob") == 0 && out.m.admitted &&
	      out.epoch == 3);
	CHECK(!authcache_get(ac, "lobby", hash, 6, &out)); /* the store changed since */
	CHECK(!authcache_get(ac, "lobby", hash, 4, &out));
	CHECK(!authcache_get(ac, "lobby2", hash, 5, &out)); /* another room */
	CHECK(!authcache_get(ac, "lobb", hash, 5, &out));
	/* every single-byte change of the hash misses, also in the bytes
	 * that do not choose the slot */
	for (size_t i = 0; i < sizeof hash; i++) {
		memcpy(other, hash, sizeof hash);
		other[i] ^= 0x01;
		CHECKF(!authcache_get(ac, "lobby", other, 5, &out), "byte %zu", i);
	}
}

static void test_collision_replaces(struct authcache *ac)
{
	uint8_t a[E2E_TOKEN_BYTES], b[E2E_TOKEN_BYTES];
	struct authcache_who wa = sample_who(1, "alice", 1), wb = sample_who(2, "carol", 1);
	struct authcache_who out;

	memset(a, 0x11, sizeof a);
	memcpy(b, a, sizeof b);
	b[E2E_TOKEN_BYTES - 1] = 0x22; /* same first bytes: the same slot */
	authcache_put(ac, "hall", a, 9, &wa);
	authcache_put(ac, "hall", b, 9, &wb);
	CHECK(!authcache_get(ac, "hall", a, 9, &out)); /* evicted, not confused */
	CHECK(authcache_get(ac, "hall", b, 9, &out) && strcmp(out.m.rec.name, "carol") == 0);
}

static void test_stale_put_is_stale(struct authcache *ac)
{
	uint8_t h[E2E_TOKEN_BYTES];
	struct authcache_who w = sample_who(3, "dave", 2), out;

	/* a reader that took membership version 10, read, and puts after a change
	 * moved it to 11: its entry never answers at 11 */
	memset(h, 0x33, sizeof h);
	authcache_put(ac, "hall", h, 10, &w);
	CHECK(!authcache_get(ac, "hall", h, 11, &out));
}

static void test_long_room_not_kept(struct authcache *ac)
{
	char room[E2E_ROOM_NAME_MAX + 2];
	uint8_t h[E2E_TOKEN_BYTES];
	struct authcache_who w = sample_who(4, "erin", 1), out;

	memset(room, 'r', sizeof room - 1);
	room[sizeof room - 1] = '\0';
	memset(h, 0x44, sizeof h);
	authcache_put(ac, room, h, 1, &w);
	CHECK(!authcache_get(ac, room, h, 1, &out));
}

static void test_room_version(struct authcache *ac)
{
	struct timespec read_at = {.tv_sec = 100, .tv_nsec = 500};
	struct timespec before = {.tv_sec = 100, .tv_nsec = 499};
	struct timespec after = {.tv_sec = 100, .tv_nsec = 501};
	uint64_t v = 0;

	CHECK(!authcache_room_get(ac, 5, 1, &before, &v)); /* empty */
	authcache_room_put(ac, 5, 1, &read_at, 42);
	CHECK(authcache_room_get(ac, 5, 1, &before, &v) && v == 42);
	CHECK(authcache_room_get(ac, 5, 1, &read_at, &v) && v == 42);
	/* a request that arrived after the read checks the database itself */
	CHECK(!authcache_room_get(ac, 5, 1, &after, &v));
	/* read before the room's latest wake-up: not for its re-runs */
	CHECK(!authcache_room_get(ac, 5, 2, &before, &v));
	CHECK(!authcache_room_get(ac, 6, 1, &before, &v)); /* another room */
	CHECK(!authcache_room_get(ac, 5 + 1024, 1, &before, &v)); /* same slot */
	authcache_room_put(ac, 5 + 1024, 1, &read_at, 7); /* takes the slot over */
	CHECK(!authcache_room_get(ac, 5, 1, &before, &v));
}

int main(void)
{
	struct authcache *ac = authcache_new();

	if (!CHECK(ac != NULL))
		return check_summary("test_authcache");
	test_hit_and_misses(ac);
	test_collision_replaces(ac);
	test_stale_put_is_stale(ac);
	test_long_room_not_kept(ac);
	test_room_version(ac);
	authcache_free(ac);
	return check_summary("test_authcache");
}
