/* store_fill.c - bench/client.sh's helper: put N visible messages into a
 * profile's store for (relay, room), as if fetched, so that `read --tail`
 * can be timed against a large history without posting N messages first.
 *   bench-store-fill HOME RELAY_URL ROOM N
 * The profile's identity must exist (a member of the room); its store
 * key seals the texts as the client's own would. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "store.h"

int main(int argc, char **argv)
{
	struct identity *id = NULL;
	struct store *s = NULL;
	struct store_msg *m = calloc(1, sizeof *m);
	char err[512];
	int64_t room_id;
	long n = argc == 5 ? strtol(argv[4], NULL, 10) : 0;
	int ret = 1;

	if (argc != 5 || n <= 0 || !m || sodium_init() < 0) {
		fprintf(stderr, "usage: bench-store-fill HOME RELAY_URL ROOM N\n");
		goto out;
	}
	if (profile_identity(&id, argv[1], NULL, err, sizeof err) != ST_OK ||
	    !(s = store_open(argv[1], id, err, sizeof err)) ||
	    !store_room(s, argv[2], argv[3], &room_id) || !store_begin(s)) {
		fprintf(stderr, "bench-store-fill: %s\n", s ? store_error(s) : err);
		goto out;
	}
	for (long i = 1; i <= n; i++) {
		memset(m, 0, sizeof *m);
		m->seq = (uint64_t)i;
		m->epoch = 1;
		m->counter = (uint64_t)i;
		m->time_ms = 1795000000000 + i;
		m->kind = STORE_SHOWN;
		m->trusted = true;
		snprintf(m->sender, sizeof m->sender, "filler");
		memset(m->sign_pk, 0x7f, sizeof m->sign_pk);
		randombytes_buf(m->record, sizeof m->record);
		m->text_len = (size_t)snprintf(m->text, sizeof m->text,
					       "stored message %ld, about as long as a chat line", i);
		if (!store_add(s, room_id, m)) {
			fprintf(stderr, "bench-store-fill: %s\n", store_error(s));
			goto out;
		}
	}
	if (!store_commit(s)) {
		fprintf(stderr, "bench-store-fill: %s\n", store_error(s));
		goto out;
	}
	ret = 0;
out:
	store_close(s);
	identity_free(id);
	free(m);
	return ret;
}
