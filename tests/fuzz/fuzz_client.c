/* fuzz_client.c - libFuzzer harness for what the client parses beyond
 * common/wire.c (fuzz_wire covers that):
 *   byte 0 = 0: the room file (client/roomfile.c) - the rest of the input
 *     is ROOM.json; what loads must save and load again to the same bytes.
 *   byte 0 = 1: a relay reply as client/api.c takes it (its static
 *     finish() and parse_error(), included below as wireguard-tools'
 *     fuzzers include their modules): byte 1 picks the HTTP status, the
 *     rest is the body.
 *   byte 0 = 2: a message plaintext from another member
 *     (common/msg.c): the rest is sealed and signed as that member would,
 *     then opened as a reader does.
 * Other values of byte 0 are taken modulo 3. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "msg.h"
#include "roomfile.h"
#include "sign.h"
#include "transcript.h"

/* client/api.c, static functions and all */
#include "api.c"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_client: %s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                                \
			abort();                                                       \
		}                                                                      \
	} while (0)

static char fuzz_dir[256];
static struct api *fuzz_api;
static struct fixture_id fuzz_sender;
static uint8_t fuzz_key[E2E_KEY_BYTES];

static void fuzz_cleanup(void)
{
	static const char *const files[] = {"a.json", "a.json.lock", "b.json", "b.json.lock",
					    "c.json", "c.json.lock", "b.json.tmp", "c.json.tmp"};
	char path[512];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, files[i]);
		unlink(path);
	}
	rmdir(fuzz_dir);
	api_free(fuzz_api);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* tmpfs if there is one: roomfile_save fsyncs */
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	(void)argc;
	(void)argv;
	CHECK(fixture_init());
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/e2e-fuzz-client-XXXXXX", base);
	CHECK(mkdtemp(fuzz_dir) != NULL);
	fuzz_api = api_new("http://127.0.0.1:1", NULL);
	CHECK(fuzz_api != NULL);
	fixture_identity("bob", &fuzz_sender);
	memset(fuzz_key, 0x42, sizeof(fuzz_key));
	atexit(fuzz_cleanup);
	return 0;
}

/* ---- the room file ---- */

static bool fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, data, size) == (ssize_t)size;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The whole file (malloc'd, *len bytes). */
static uint8_t *fuzz_read(const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t *buf = NULL;

	if (fd >= 0 && fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1)) != NULL &&
	    read(fd, buf, (size_t)st.st_size) == st.st_size) {
		*len = (size_t)st.st_size;
	} else {
		free(buf);
		buf = NULL;
	}
	if (fd >= 0)
		close(fd);
	return buf;
}

/* Load `from`, save it as `to`: the bytes saved, or NULL if it did not
 * load. */
static uint8_t *fuzz_resave(const char *from, const char *to, size_t *len)
{
	struct roomfile *rf = NULL;
	char err[512];
	uint8_t *bytes = NULL;

	if (roomfile_open(&rf, from, err, sizeof(err)) != ST_OK)
		return NULL;
	CHECK(rf != NULL);
	free(rf->path);
	rf->path = strdup(to);
	CHECK(rf->path != NULL);
	memset(rf->on_disk, 0, sizeof(rf->on_disk)); /* what is on disk is another file's */
	CHECK(roomfile_save(rf, err, sizeof(err)) == ST_OK);
	/* what the verbs look up in it stays in bounds */
	for (size_t i = 0; i < rf->state.n_members; i++)
		(void)roomfile_known(rf, rf->state.members[i].name);
	(void)roomfile_epoch_key(rf, rf->state.epoch);
	roomfile_close(rf);
	bytes = fuzz_read(to, len);
	CHECK(bytes != NULL);
	return bytes;
}

static void fuzz_roomfile(const uint8_t *data, size_t size)
{
	char a[512], b[512], c[512];
	uint8_t *first, *second;
	size_t first_len = 0, second_len = 0;

	snprintf(a, sizeof(a), "%s/a.json", fuzz_dir);
	snprintf(b, sizeof(b), "%s/b.json", fuzz_dir);
	snprintf(c, sizeof(c), "%s/c.json", fuzz_dir);
	CHECK(fuzz_write(a, data, size));
	first = fuzz_resave(a, b, &first_len);
	if (first == NULL)
		return;
	second = fuzz_resave(b, c, &second_len);
	CHECK(second != NULL);
	if (first_len != second_len || memcmp(first, second, first_len) != 0) {
		fprintf(stderr, "fuzz_client: a room file saved, loaded and saved again changed:\n"
				"%.*s\n%.*s\n", (int)first_len, (const char *)first,
			(int)second_len, (const char *)second);
		abort();
	}
	free(first);
	free(second);
}

/* ---- a relay reply ---- */

static void fuzz_reply(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 201, 204, 299, 300, 400, 401, 403, 404, 405,
					409, 413, 429, 500, 502, 503, 100, 0};
	struct api_reply r;

	if (size < 1 || size - 1 > API_RESPONSE_MAX)
		return;
	memset(&r, 0, sizeof(r));
	r.http_status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
	memcpy(fuzz_api->call.buf, data + 1, size - 1);
	fuzz_api->call.len = size - 1;
	if (finish(&fuzz_api->call, &r) == 0 && r.err == E2E_OK)
		CHECK(json_is_object(r.body));
	else
		CHECK(r.body == NULL);
	CHECK(memchr(r.detail, '\0', sizeof(r.detail)) != NULL);
	CHECK(r.err <= E2E_ERR__COUNT);
	(void)e2e_err_info(r.err);
	api_reply_clear(&r);
}

/* ---- a message plaintext ---- */

static void fuzz_plaintext(const uint8_t *data, size_t size)
{
	struct wire_msg *m = calloc(1, sizeof(*m));
	struct msg_plain *out = calloc(1, sizeof(*out));
	struct canon *ad = NULL;
	const uint8_t *ad_bytes;
	size_t ad_len = 0;
	unsigned long long ct_len = 0;
	uint8_t hash[E2E_HASH_BYTES], room_id[E2E_ROOM_ID_BYTES];
	const struct wire_roomref room = {"lobby", room_id};

	CHECK(m != NULL && out != NULL);
	fixture_room_id("lobby", room_id);
	if (size + E2E_AEAD_TAG_BYTES > E2E_CT_MAX)
		goto done;
	snprintf(m->sender, sizeof(m->sender), "bob");
	m->seq = 1;
	m->epoch = 1;
	m->counter = 1;
	ad = transcript_msg_ad(&room, m->sender, m->epoch, m->counter);
	CHECK(ad != NULL && (ad_bytes = canon_data(ad, &ad_len)) != NULL);
	randombytes_buf(m->nonce, sizeof(m->nonce));
	crypto_aead_xchacha20poly1305_ietf_encrypt(m->ct, &ct_len, data, size, ad_bytes, ad_len,
						   NULL, m->nonce, fuzz_key);
	m->ct_len = (size_t)ct_len;
	CHECK(sign_transcript(m->sig, fuzz_sender.sign_sk,
			      transcript_msg_sig(ad, m->nonce, m->ct, m->ct_len)));
	if (msg_open(out, m, &room, fuzz_sender.sign_pk, fuzz_key) == MSG_OK) {
		CHECK(out->text_len <= E2E_TEXT_MAX && out->text[out->text_len] == '\0');
		CHECK(out->state_revision >= 1);
		CHECK(msg_chain_hash(hash, m));
	}
done:
	canon_free(ad);
	free(m);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fixture_rng_reset();
	switch (data[0] % 3) {
	case 0: fuzz_roomfile(data + 1, size - 1); break;
	case 1: fuzz_reply(data + 1, size - 1); break;
	default: fuzz_plaintext(data + 1, size - 1); break;
	}
	return 0;
}
