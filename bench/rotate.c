/* rotate.c - what a rotation costs the room's admin, measured through
 * the client's own code against a real relay (bench/rotate.sh starts
 * one). For rooms of 10, 100 and 1,000 members (the creator, its one
 * admin, and N-1 others, registered with real join proofs and admission
 * MACs bound to the room's id): the CPU and wall time of one admin step
 * that starts a new epoch (median of
 * ROUNDS), and the HTTP requests it makes.
 *
 *   bench-rotate RELAY_URL
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "admin.h"
#include "membership.h"
#include "roomkey.h"
#include "roomsync.h"

#define ROUNDS 7

static double now_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Register one member the way a client would: challenge, proof, MAC. */
static int register_member(struct api *api, const struct roomkey *k,
			   const struct wire_roomref *room, const char *name)
{
	struct identity *id = identity_generate();
	struct wire_member m = {0};
	uint8_t nonce[E2E_NONCE_BYTES], proof[E2E_SIG_BYTES];
	char path[128], *nonce64 = NULL, *proof64 = NULL;
	struct api_reply r;
	json_t *empty = json_object(), *req = NULL;
	int ret = -1;

	snprintf(m.name, sizeof m.name, "%s", name);
	memcpy(m.sign_pk, id->sign_pk, sizeof m.sign_pk);
	memcpy(m.box_pk, id->box_pk, sizeof m.box_pk);
	snprintf(path, sizeof path, "/v1/rooms/%s/challenges", room->name);
	if (api_call(api, "POST", path, empty, &r) != 0 || r.err != E2E_OK ||
	    !b64_decode_exact(nonce, sizeof nonce,
			      json_string_value(json_object_get(r.body, "nonce"))))
		goto out;
	api_reply_clear(&r);
	if (!roomkey_member_mac(k, room, &m) || !roomkey_join_proof(k, proof, room, nonce, &m) ||
	    !(nonce64 = b64_encode(nonce, sizeof nonce)) ||
	    !(proof64 = b64_encode(proof, sizeof proof)) || !(req = wire_member_pack(&m, true)) ||
	    json_object_set_new(req, "nonce", json_string(nonce64)) ||
	    json_object_set_new(req, "proof", json_string(proof64)))
		goto out;
	snprintf(path, sizeof path, "/v1/rooms/%s/members", room->name);
	ret = api_call(api, "POST", path, req, &r) == 0 && r.err == E2E_OK ? 0 : -1;
out:
	api_reply_clear(&r);
	json_decref(req);
	json_decref(empty);
	free(nonce64);
	free(proof64);
	identity_free(id);
	return ret;
}

static int room_of(struct client *c, struct roomfile **rf, const char *room, size_t members)
{
	struct api *plain = api_new(c->relay_url, NULL);
	struct roomkey *k = NULL;
	struct admin_request req = {0};
	struct wire_roomref ref;
	char name[32];
	bool admitted, changed, rotated;
	int ret = -1;

	if (!plain || membership_enter(c, room, true, rf) != ST_OK)
		goto out;
	ref = roomfile_ref(*rf);
	(*rf)->settings.rotate_messages = 0; /* time the rotation alone */
	k = roomkey_from_subkeys((*rf)->sec->access_seed, (*rf)->sec->admission);
	for (size_t i = 1; k && i < members; i++) {
		snprintf(name, sizeof name, "m%zu", i);
		if (register_member(plain, k, &ref, name) != 0)
			goto out;
	}
	if (k && roomsync_sync(c, *rf, &admitted) == ST_OK &&
	    admin_step(c, *rf, &req, &changed, &rotated) == ST_OK &&
	    (*rf)->state.n_members == members)
		ret = 0;
out:
	roomkey_free(k);
	api_free(plain);
	return ret;
}

static int measure(struct client *c, size_t members)
{
	struct roomfile *rf = NULL;
	struct admin_request req = {.rotate = true};
	double cpu[ROUNDS], wall[ROUNDS];
	unsigned long requests = 0;
	char room[64];
	bool changed, rotated;
	int ret = -1;

	snprintf(room, sizeof room, "rotate-%zu-%ld", members, (long)getpid());
	if (room_of(c, &rf, room, members) != 0) {
		fprintf(stderr, "bench-rotate: cannot set up a room of %zu: %s\n", members, c->err);
		goto out;
	}
	for (int i = 0; i < ROUNDS; i++) {
		double c0 = now_s(CLOCK_PROCESS_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
		unsigned long r0 = api_requests(c->api);

		if (admin_step(c, rf, &req, &changed, &rotated) != ST_OK || !rotated)
			goto out;
		cpu[i] = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		wall[i] = now_s(CLOCK_MONOTONIC) - w0;
		requests = api_requests(c->api) - r0;
	}
	qsort(cpu, ROUNDS, sizeof cpu[0], cmp_double);
	qsort(wall, ROUNDS, sizeof wall[0], cmp_double);
	printf("%7zu %12.1f %12.1f %9lu %8llu\n", members, cpu[ROUNDS / 2] * 1e3,
	       wall[ROUNDS / 2] * 1e3, requests, (unsigned long long)rf->state.epoch);
	ret = 0;
out:
	roomfile_close(rf);
	return ret;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = {10, 100, 1000};
	char home[] = "/tmp/bench-rotate.XXXXXX";
	struct client c = {.profile = "bench", .interval_ms = 1000};
	int ret = 0;

	if (argc != 2 || sodium_init() < 0 || !mkdtemp(home)) {
		fputs("usage: bench-rotate RELAY_URL\n", stderr);
		return 2;
	}
	setenv("E2E_CHAT_PASSWORD", "benchmark password", 1);
	c.relay_url = argv[1];
	c.home = home;
	snprintf(c.name, sizeof c.name, "creator");
	c.id = identity_generate();
	c.api = api_new(argv[1], NULL);
	printf("members  cpu_ms/rot  wall_ms/rot  requests    epoch  (median of %d)\n", ROUNDS);
	for (size_t i = 0; c.id && c.api && i < sizeof sizes / sizeof sizes[0]; i++)
		ret |= measure(&c, sizes[i]);
	api_free(c.api);
	identity_free(c.id);
	return ret;
}
