/* tryopen.c - a raw "patched client" for the tests: it takes a member's
 * room file and a relay's message list (stdin) and tries every epoch key
 * in the file on every ciphertext, whatever epoch the message claims,
 * printing each plaintext it can open. A removed member's keys must open
 * nothing sent after its removal. The room's id (which the associated
 * data binds) is the room file's "id".
 *
 *   tryopen ROOM_FILE ROOM < messages.json
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>

#include "b64.h"
#include "transcript.h"
#include "wire.h"

#define KEYS_MAX 1024

/* The file's epoch keys into `keys`, its room id into `id`: the number
 * of keys, or -1 without an id (nothing could open: that is no result). */
static long load_keys(const char *path, uint8_t keys[][E2E_KEY_BYTES],
		      uint8_t id[E2E_ROOM_ID_BYTES])
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err), *k;
	size_t i;
	long n = 0;

	if (!b64_decode_exact(id, E2E_ROOM_ID_BYTES,
			      json_string_value(json_object_get(root, "id")))) {
		json_decref(root);
		return -1;
	}
	json_array_foreach(json_object_get(root, "keys"), i, k)
		if (n < KEYS_MAX &&
		    b64_decode_exact(keys[n], E2E_KEY_BYTES,
				     json_string_value(json_object_get(k, "key"))))
			n++;
	json_decref(root);
	return n;
}

/* Print the plaintext if any key opens `m`. */
static void try_message(const struct wire_msg *m, const struct wire_roomref *room,
			uint8_t keys[][E2E_KEY_BYTES], size_t n_keys)
{
	struct canon *ad = transcript_msg_ad(room, m->sender, m->epoch, m->counter);
	uint8_t plain[E2E_CT_MAX];
	unsigned long long len;
	const uint8_t *ad_bytes;
	size_t ad_len;

	if (!ad || !(ad_bytes = canon_data(ad, &ad_len)))
		goto out;
	for (size_t k = 0; k < n_keys; k++)
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &len, NULL, m->ct, m->ct_len,
							       ad_bytes, ad_len, m->nonce,
							       keys[k]) == 0) {
			printf("opened %llu: %.*s\n", (unsigned long long)m->seq, (int)len, plain);
			break;
		}
out:
	canon_free(ad);
}

int main(int argc, char **argv)
{
	static uint8_t keys[KEYS_MAX][E2E_KEY_BYTES];
	static struct wire_msg m;
	uint8_t id[E2E_ROOM_ID_BYTES];
	struct wire_roomref room = {NULL, id};
	json_error_t err;
	json_t *root, *msg;
	long n_keys;
	size_t i;

	if (argc != 3 || sodium_init() < 0) {
		fputs("usage: tryopen ROOM_FILE ROOM < messages.json\n", stderr);
		return 2;
	}
	room.name = argv[2];
	n_keys = load_keys(argv[1], keys, id);
	if (n_keys < 0) {
		fprintf(stderr, "tryopen: no room id in %s\n", argv[1]);
		return 1;
	}
	root = json_loadf(stdin, 0, &err);
	fprintf(stderr, "tryopen: %ld keys\n", n_keys);
	json_array_foreach(json_object_get(root, "messages"), i, msg)
		if (wire_msg_unpack(msg, &m, true, &err) == E2E_OK)
			try_message(&m, &room, keys, (size_t)n_keys);
	json_decref(root);
	sodium_memzero(keys, sizeof keys);
	return root ? 0 : 1;
}
