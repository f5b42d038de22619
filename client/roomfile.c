/* roomfile.c - loading and saving a room's local state (see roomfile.h).
 * Secrets are base64 strings inside Jansson values; main installs a JSON
 * allocator that wipes every block on free, and the raw file bytes are
 * read into and written from buffers that are wiped too. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "b64.h"
#include "roomfile.h"

/* A JSON string of base64 `bin`, encoded through a stack buffer that is
 * wiped after: right for the secrets, harmless for the public values. */
static json_t *b64_json(const uint8_t *bin, size_t len)
{
	char buf[128];
	json_t *j = NULL;

	if (b64_encode_into(buf, sizeof buf, bin, len))
		j = json_string(buf);
	sodium_memzero(buf, sizeof buf);
	return j;
}

static json_t *pack_keys(const struct room_secrets *sec)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < sec->n_keys; i++) {
		json_t *k = json_pack("{s:I, s:o}", "epoch", (json_int_t)sec->keys[i].epoch,
				      "key", b64_json(sec->keys[i].key, E2E_KEY_BYTES));
		if (json_array_append_new(arr, k) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *pack_senders(const struct roomfile *rf)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < rf->n_senders; i++) {
		const struct sender_mark *s = &rf->senders[i];
		json_t *m = json_pack("{s:s, s:o, s:o, s:I}", "name", s->name,
				      "sign_pk", b64_json(s->sign_pk, sizeof s->sign_pk),
				      "hash", b64_json(s->chain.hash, sizeof s->chain.hash),
				      "counter", (json_int_t)s->chain.counter);
		if (json_array_append_new(arr, m) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *pack_known(const struct roomfile *rf)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < rf->n_known; i++) {
		const struct known_keys *k = &rf->known[i];
		json_t *j = wire_member_pack(&k->m, false);

		if (!j || json_object_set_new(j, "verified", json_boolean(k->verified)) ||
		    json_object_set_new(j, "changed", json_boolean(k->changed)) ||
		    json_array_append_new(arr, j)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *pack_departed(const struct roomfile *rf)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < rf->n_departed; i++)
		if (json_array_append_new(arr, json_pack("{s:s, s:o, s:b}", "name",
							 rf->departed[i].name, "sign_pk",
							 b64_json(rf->departed[i].sign_pk,
								  E2E_SIGN_PK_BYTES),
							 "ban", rf->departed[i].ban)) != 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static json_t *pack_settings(const struct creator_settings *s)
{
	return json_pack("{s:b, s:I, s:I, s:I, s:I}", "approve", s->approve,
			 "rotate_messages", (json_int_t)s->rotate_messages,
			 "rotate_seconds", (json_int_t)s->rotate_seconds,
			 "epoch_started", (json_int_t)s->epoch_started_ms,
			 "epoch_messages", (json_int_t)s->epoch_messages);
}

/* The secrets, as they sit in a file that is not sealed. */
static json_t *pack_secrets(const struct room_secrets *sec)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "token", b64_json(sec->token, E2E_TOKEN_BYTES),
			 "access_seed", b64_json(sec->access_seed, E2E_KEY_BYTES),
			 "admission", b64_json(sec->admission, E2E_KEY_BYTES), "keys",
			 pack_keys(sec));
}

/* base64(nonce || crypto_secretbox(the secrets' JSON text)). */
static json_t *seal_secrets(const struct roomfile *rf, const json_t *secrets)
{
	size_t len = 0, box_len, b64_len;
	char *text = wire_dump(secrets, &len), *b64 = NULL;
	uint8_t *box = NULL;
	json_t *j = NULL;

	box_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	b64_len = sodium_base64_ENCODED_LEN(box_len, E2E_B64_VARIANT);
	if (text && (box = malloc(box_len)) && (b64 = malloc(b64_len))) {
		randombytes_buf(box, crypto_secretbox_NONCEBYTES);
		crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const uint8_t *)text,
				      len, box, rf->seal_key);
		sodium_bin2base64(b64, b64_len, box, box_len, E2E_B64_VARIANT);
		j = json_string(b64);
	}
	if (text)
		sodium_memzero(text, len);
	free(text);
	free(box);
	free(b64);
	return j;
}

/* The secrets of a sealed file, opened into a JSON object (NULL if the
 * key is missing or wrong, or the box damaged). */
static json_t *open_secrets(const struct roomfile *rf, const char *b64, json_error_t *err)
{
	size_t b64_len = strlen(b64), box_len = 0;
	uint8_t *box = malloc(b64_len + 1), *text = NULL;
	json_t *j = NULL;

	if (!rf->seal_key || !box ||
	    sodium_base642bin(box, b64_len + 1, b64, b64_len, NULL, &box_len, NULL,
			      E2E_B64_VARIANT) != 0 ||
	    box_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES ||
	    !(text = sodium_malloc(box_len)))
		goto out;
	if (crypto_secretbox_open_easy(text, box + crypto_secretbox_NONCEBYTES,
				       box_len - crypto_secretbox_NONCEBYTES, box,
				       rf->seal_key) == 0)
		j = json_loadb((const char *)text,
			       box_len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES,
			       JSON_REJECT_DUPLICATES, err);
out:
	sodium_free(text);
	free(box);
	return j;
}

static json_t *pack(const struct roomfile *rf)
{
	json_t *state = rf->state.revision ? wire_signed_pack(&rf->signed_state) : json_null();
	json_t *secrets = pack_secrets(rf->sec), *sealed = json_null(), *root;

	if (secrets && rf->seal) {
		sealed = seal_secrets(rf, secrets);
		json_decref(secrets);
		secrets = json_pack("{s:s, s:s, s:s, s:[]}", "token", "", "access_seed", "",
				    "admission", "", "keys");
	}
	if (!secrets || !sealed) {
		json_decref(secrets);
		json_decref(sealed);
		json_decref(state);
		return NULL;
	}
	root = json_pack("{s:i, s:s, s:o, s:s, s:O, s:O, s:O, s:o, s:I, s:I, s:s, s:o, s:O,"
			 " s:I, s:o, s:I, s:I, s:o, s:o, s:o, s:o, s:o}",
			 "v", E2E_PROTO_VERSION, "room", rf->room,
			 "id", b64_json(rf->room_id, sizeof rf->room_id), "me", rf->me,
			 "token", json_object_get(secrets, "token"),
			 "access_seed", json_object_get(secrets, "access_seed"),
			 "admission", json_object_get(secrets, "admission"),
			 "salt", b64_json(rf->salt, sizeof rf->salt),
			 "opslimit", (json_int_t)rf->opslimit, "memlimit", (json_int_t)rf->memlimit,
			 "creator", rf->creator, "state", state,
			 "keys", json_object_get(secrets, "keys"), "counter", (json_int_t)rf->counter,
			 "chain", b64_json(rf->chain, sizeof rf->chain),
			 "last_seq", (json_int_t)rf->last_seq,
			 "earlier_told", (json_int_t)rf->earlier_told, "senders", pack_senders(rf),
			 "known", pack_known(rf), "settings", pack_settings(&rf->settings),
			 "departed", pack_departed(rf), "sealed", sealed);
	json_decref(secrets);
	return root;
}

static int write_file(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	int fd;
	int ret = -1;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (len) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		data += w;
		len -= (size_t)w;
	}
	if (fsync(fd) == 0 && rename(tmp, path) == 0)
		ret = 0;
out:
	close(fd);
	if (ret)
		unlink(tmp);
	return ret;
}

enum status roomfile_save(struct roomfile *rf, char *err, size_t errlen)
{
	json_t *j = pack(rf);
	size_t len = 0;
	char *text = j ? wire_dump(j, &len) : NULL;
	enum status st = ST_OK;

	uint8_t hash[E2E_HASH_BYTES];

	if (text)
		crypto_generichash(hash, sizeof hash, (const uint8_t *)text, len, NULL, 0);
	if (text && rf->exists && sodium_memcmp(hash, rf->on_disk, sizeof hash) == 0 &&
	    access(rf->path, F_OK) == 0) {
		st = ST_OK; /* the same bytes are on disk */
	} else if (!text || write_file(rf->path, text, len) != 0) {
		snprintf(err, errlen, "cannot save %s: %s", rf->path,
			 text ? strerror(errno) : "out of memory");
		st = ST_ERROR;
	} else {
		rf->exists = true;
		memcpy(rf->on_disk, hash, sizeof hash);
	}
	if (text)
		sodium_memzero(text, len);
	free(text);
	json_decref(j);
	return st;
}

static enum e2e_err unpack_keys(struct roomfile *rf, json_t *arr, json_error_t *err)
{
	size_t i;
	json_t *k;

	if (json_array_size(arr) > ROOMFILE_EPOCHS_MAX)
		return E2E_ERR_BAD_FIELD;
	json_array_foreach(arr, i, k) {
		const char *key;
		json_int_t epoch;
		struct epoch_key *ek = &rf->sec->keys[i];

		if (json_unpack_ex(k, err, JSON_STRICT, "{s:I, s:s}", "epoch", &epoch, "key", &key) ||
		    epoch < 1 || wire_bin(ek->key, sizeof ek->key, key, "key", err))
			return E2E_ERR_BAD_FIELD;
		ek->epoch = (uint64_t)epoch;
		rf->sec->n_keys = i + 1;
	}
	return E2E_OK;
}

static enum e2e_err unpack_senders(struct roomfile *rf, json_t *arr, json_error_t *err)
{
	size_t i;
	json_t *s;

	json_array_foreach(arr, i, s) {
		const char *name, *sign_pk64, *hash64;
		uint8_t sign_pk[E2E_SIGN_PK_BYTES];
		json_int_t counter, seq = 0; /* seq: files of before chain.h; not used */
		struct sender_mark *m;

		if (json_unpack_ex(s, err, JSON_STRICT, "{s:s, s:s, s:s, s:I, s?I}", "name", &name,
				   "sign_pk", &sign_pk64, "hash", &hash64, "counter", &counter,
				   "seq", &seq) ||
		    wire_bin(sign_pk, sizeof sign_pk, sign_pk64, "sign_pk", err) ||
		    !(m = roomfile_sender(rf, name, sign_pk)) ||
		    wire_bin(m->chain.hash, sizeof m->chain.hash, hash64, "hash", err))
			return E2E_ERR_BAD_FIELD;
		m->chain.counter = (uint64_t)counter;
	}
	return E2E_OK;
}

static enum e2e_err unpack_known(struct roomfile *rf, json_t *arr, json_error_t *err)
{
	size_t i;
	json_t *k;

	json_array_foreach(arr, i, k) {
		int verified, changed;
		struct wire_member m;
		struct known_keys *known;

		if (json_unpack_ex(k, err, 0, "{s:b, s:b}", "verified", &verified,
				   "changed", &changed))
			return E2E_ERR_BAD_FIELD;
		json_object_del(k, "verified");
		json_object_del(k, "changed");
		if (wire_member_unpack(k, &m, false, err) != E2E_OK ||
		    !(known = roomfile_know(rf, &m)))
			return E2E_ERR_BAD_FIELD;
		known->verified = verified;
		known->changed = changed;
	}
	return E2E_OK;
}

static enum e2e_err unpack_departed(struct roomfile *rf, json_t *arr, json_error_t *err)
{
	size_t i;
	json_t *entry;
	const char *name, *sign_pk;
	int ban;
	struct departure d;

	json_array_foreach(arr, i, entry) {
		if (json_unpack_ex(entry, err, JSON_STRICT, "{s:s, s:s, s:b}", "name", &name,
				   "sign_pk", &sign_pk, "ban", &ban) ||
		    strlen(name) >= sizeof d.name ||
		    wire_bin(d.sign_pk, sizeof d.sign_pk, sign_pk, "sign_pk", err))
			return E2E_ERR_BAD_FIELD;
		snprintf(d.name, sizeof d.name, "%s", name);
		d.ban = ban;
		if (!roomfile_depart(rf, &d))
			return E2E_ERR_BAD_FIELD;
	}
	return E2E_OK;
}

static enum e2e_err unpack_settings(struct creator_settings *s, json_t *obj,
				    json_error_t *err)
{
	int approve;
	json_int_t messages, seconds, started, count;

	if (json_unpack_ex(obj, err, JSON_STRICT, "{s:b, s:I, s:I, s:I, s:I}", "approve",
			   &approve, "rotate_messages", &messages, "rotate_seconds", &seconds,
			   "epoch_started", &started, "epoch_messages", &count) ||
	    messages < 0 || seconds < 0 || count < 0)
		return E2E_ERR_BAD_FIELD;
	*s = (struct creator_settings){(bool)approve, (uint64_t)messages, (uint64_t)seconds,
				       (int64_t)started, (uint64_t)count};
	return E2E_OK;
}

static enum e2e_err unpack_state(struct roomfile *rf, json_t *state, json_error_t *err)
{
	struct wire_signed s;
	struct wire_state parsed;
	enum e2e_err e;

	if (json_is_null(state))
		return E2E_OK;
	e = wire_signed_unpack(state, &s, err);
	if (e == E2E_OK)
		e = wire_state_parse(s.payload, s.len, &parsed, err);
	if (e != E2E_OK) {
		wire_signed_clear(&s);
		return e;
	}
	roomfile_set_state(rf, &s, &parsed);
	return E2E_OK;
}

static enum e2e_err unpack(struct roomfile *rf, json_t *root, json_error_t *err);

/* A sealed file: its secrets opened and put in place of the empty ones,
 * then read as a file that is not sealed. */
static enum e2e_err unpack_sealed(struct roomfile *rf, json_t *root, json_t *sealed,
				  json_error_t *err)
{
	json_t *secrets = json_is_string(sealed) ? open_secrets(rf, json_string_value(sealed), err)
						 : NULL;
	json_t *plain = secrets ? json_deep_copy(root) : NULL;
	enum e2e_err e = E2E_ERR_BAD_FIELD;

	if (!secrets)
		snprintf(err->text, sizeof err->text, "its keys are sealed, and %s",
			 rf->seal_key ? "do not open with this identity" : "no identity key was given");
	if (plain && json_object_update_existing(plain, secrets) == 0 &&
	    json_object_set_new(plain, "sealed", json_null()) == 0)
		e = unpack(rf, plain, err);
	json_decref(plain);
	json_decref(secrets);
	return e;
}

static enum e2e_err unpack(struct roomfile *rf, json_t *root, json_error_t *err)
{
	const char *room, *id, *me, *token, *seed, *admission, *salt, *creator, *chain;
	json_t *state, *keys, *senders, *known, *settings, *departed, *sealed = NULL;
	json_int_t v, ops, mem, counter, last_seq, earlier_told = 0;
	enum e2e_err e;

	/* A file of protocol v1 has other fields: named for what it is. */
	if (json_unpack_ex(root, err, 0, "{s:I}", "v", &v) == 0 && v != E2E_PROTO_VERSION) {
		snprintf(err->text, sizeof err->text, "it was written for protocol v%lld, and this "
			 "e2e-chat speaks v%d: the room must be joined again (a v1 room must be "
			 "created again by its creator)", (long long)v, E2E_PROTO_VERSION);
		return E2E_ERR_BAD_VERSION;
	}
	/* earlier_told and sealed are optional: files written before them */
	if (json_unpack_ex(root, err, JSON_STRICT,
			   "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:o,"
			   " s:o, s:I, s:s, s:I, s?I, s:o, s:o, s:o, s:o, s?o}",
			   "v", &v, "room", &room, "id", &id, "me", &me, "token", &token,
			   "access_seed", &seed,
			   "admission", &admission, "salt", &salt, "opslimit", &ops, "memlimit", &mem,
			   "creator", &creator, "state", &state,
			   "keys", &keys, "counter", &counter, "chain", &chain, "last_seq", &last_seq,
			   "earlier_told", &earlier_told, "senders", &senders, "known", &known,
			   "settings", &settings, "departed", &departed, "sealed", &sealed))
		return E2E_ERR_BAD_FIELD;
	if (sealed && !json_is_null(sealed))
		return unpack_sealed(rf, root, sealed, err);
	if (v != E2E_PROTO_VERSION || ops < 0 || mem < 0 || counter < 0 || last_seq < 0 ||
	    earlier_told < 0 ||
	    strlen(room) >= sizeof rf->room || strlen(me) >= sizeof rf->me ||
	    strlen(creator) >= sizeof rf->creator)
		return E2E_ERR_BAD_FIELD;
	snprintf(rf->room, sizeof rf->room, "%s", room);
	snprintf(rf->me, sizeof rf->me, "%s", me);
	snprintf(rf->creator, sizeof rf->creator, "%s", creator);
	rf->opslimit = (uint64_t)ops;
	rf->memlimit = (uint64_t)mem;
	rf->counter = (uint64_t)counter;
	rf->last_seq = (uint64_t)last_seq;
	rf->earlier_told = (uint64_t)earlier_told;
	if ((e = wire_bin(rf->room_id, sizeof rf->room_id, id, "id", err)) ||
	    (e = wire_bin(rf->sec->token, E2E_TOKEN_BYTES, token, "token", err)) ||
	    (e = wire_bin(rf->sec->access_seed, E2E_KEY_BYTES, seed, "access_seed", err)) ||
	    (e = wire_bin(rf->sec->admission, E2E_KEY_BYTES, admission, "admission", err)) ||
	    (e = wire_bin(rf->salt, sizeof rf->salt, salt, "salt", err)) ||
	    (e = wire_bin(rf->chain, sizeof rf->chain, chain, "chain", err)) ||
	    (e = unpack_keys(rf, keys, err)) || (e = unpack_senders(rf, senders, err)) ||
	    (e = unpack_state(rf, state, err)) || (e = unpack_known(rf, known, err)) ||
	    (e = unpack_settings(&rf->settings, settings, err)) ||
	    (e = unpack_departed(rf, departed, err)))
		return e;
	return E2E_OK;
}

static enum status load(struct roomfile *rf, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	json_error_t jerr;
	json_t *root = NULL;
	ssize_t n = 0;
	enum e2e_err e;
	int fd = open(rf->path, O_RDONLY | O_CLOEXEC);
	enum status ret = ST_ERROR;

	if (fd < 0 && errno == ENOENT)
		return ST_OK;
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size > ROOMFILE_BYTES_MAX ||
	    !(buf = sodium_malloc((size_t)st.st_size + 1)) ||
	    (n = read(fd, buf, (size_t)st.st_size + 1)) != st.st_size) {
		snprintf(err, errlen, "cannot read %s", rf->path);
		goto out;
	}
	root = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
	e = root ? unpack(rf, root, &jerr) : E2E_ERR_BAD_JSON;
	if (e == E2E_ERR_BAD_VERSION) {
		snprintf(err, errlen, "%s: %s; move it away to join again", rf->path, jerr.text);
		goto out;
	}
	if (e != E2E_OK) {
		snprintf(err, errlen, "%s is damaged (%s); move it away to join again", rf->path,
			 jerr.text);
		goto out;
	}
	rf->exists = true;
	crypto_generichash(rf->on_disk, sizeof rf->on_disk, (const uint8_t *)buf, (size_t)n, NULL,
			   0);
	ret = ST_OK;
out:
	json_decref(root);
	sodium_free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}

#define ROOMFILE_PATH_MAX 4096

/* The directory of `path` in dir; false if it has none. */
static bool parent_dir(char dir[static ROOMFILE_PATH_MAX], const char *path)
{
	char *slash;

	snprintf(dir, ROOMFILE_PATH_MAX, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return false;
	*slash = '\0';
	return true;
}

/* The directory of `path` again (mode 0700), if it is gone; its parent
 * (the profile's rooms/) stays. */
static bool make_parent(const char *path)
{
	char dir[ROOMFILE_PATH_MAX];

	return parent_dir(dir, path) && (mkdir(dir, 0700) == 0 || errno == EEXIST);
}

/* How often a lock is taken again after its file was removed under us. */
#define ROOMFILE_LOCK_TRIES 100

/* Take the lock on `lock`, a file that roomfile_close removes when no
 * room file is left to guard: a lock taken on a file that was removed (or
 * replaced) meanwhile guards nothing, so it is taken again. */
static bool lock_room(struct roomfile *rf, const char *lock)
{
	struct stat held, now;

	for (int i = 0; i < ROOMFILE_LOCK_TRIES; i++) {
		rf->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (rf->lock_fd < 0 && errno == ENOENT && make_parent(lock))
			continue; /* another client removed the emptied directory */
		if (rf->lock_fd < 0 || flock(rf->lock_fd, LOCK_EX) != 0)
			return false;
		if (fstat(rf->lock_fd, &held) == 0 && stat(lock, &now) == 0 &&
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino)
			return true;
		close(rf->lock_fd);
		rf->lock_fd = -1;
	}
	errno = EAGAIN;
	return false;
}

enum status roomfile_open(struct roomfile **out, const char *path, char *err, size_t errlen)
{
	return roomfile_open_sealed(out, path, NULL, false, err, errlen);
}

enum status roomfile_open_sealed(struct roomfile **out, const char *path,
				 const uint8_t seal_key[ROOMFILE_SEAL_KEY_BYTES], bool seal,
				 char *err, size_t errlen)
{
	struct roomfile *rf = calloc(1, sizeof *rf);
	char lock[ROOMFILE_PATH_MAX];
	enum status st = ST_ERROR;

	*out = NULL;
	if (!rf || !(rf->path = strdup(path)) || !(rf->sec = sodium_malloc(sizeof *rf->sec))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	rf->lock_fd = -1;
	rf->seal_key = seal_key;
	rf->seal = seal && seal_key;
	memset(rf->sec, 0, sizeof *rf->sec);
	snprintf(lock, sizeof lock, "%s.lock", path);
	if (!lock_room(rf, lock)) {
		snprintf(err, errlen, "cannot lock %s: %s", lock, strerror(errno));
		goto fail;
	}
	if ((st = load(rf, err, errlen)) != ST_OK)
		goto fail;
	*out = rf;
	return ST_OK;
fail:
	roomfile_close(rf);
	return st;
}

static void remove_lock(const char *path)
{
	char lock[ROOMFILE_PATH_MAX], dir[ROOMFILE_PATH_MAX];

	snprintf(lock, sizeof lock, "%s.lock", path);
	(void)unlink(lock);
	if (parent_dir(dir, path))
		(void)rmdir(dir); /* fails, as it should, while other rooms are there */
}

void roomfile_close(struct roomfile *rf)
{
	if (!rf)
		return;
	if (rf->lock_fd >= 0) {
		/* No room file to guard (a failed join, a membership given up):
		 * the lock goes too, and the relay's directory if now empty.
		 * Removed while held, so that a waiter notices (lock_room). */
		if (rf->path && access(rf->path, F_OK) != 0 && errno == ENOENT)
			remove_lock(rf->path);
		close(rf->lock_fd); /* releases the flock */
	}
	sodium_free(rf->sec);
	wire_state_clear(&rf->state);
	wire_signed_clear(&rf->signed_state);
	free(rf->senders);
	free(rf->known);
	free(rf->departed);
	free(rf->path);
	free(rf);
}

void roomfile_forget(struct roomfile *rf)
{
	sodium_memzero(rf->sec, sizeof *rf->sec);
	memset(rf->creator, 0, sizeof rf->creator);
	memset(rf->room_id, 0, sizeof rf->room_id);
	wire_signed_clear(&rf->signed_state);
	wire_state_clear(&rf->state);
	rf->counter = rf->last_seq = rf->earlier_told = 0;
	memset(rf->chain, 0, sizeof rf->chain);
	rf->n_senders = 0;
	rf->n_known = 0;
	rf->n_departed = 0;
	memset(&rf->settings, 0, sizeof rf->settings);
}

const uint8_t *roomfile_epoch_key(const struct roomfile *rf, uint64_t epoch)
{
	for (size_t i = 0; i < rf->sec->n_keys; i++)
		if (rf->sec->keys[i].epoch == epoch)
			return rf->sec->keys[i].key;
	return NULL;
}

uint64_t roomfile_first_epoch(const struct roomfile *rf)
{
	uint64_t first = 0;

	for (size_t i = 0; i < rf->sec->n_keys; i++)
		if (first == 0 || rf->sec->keys[i].epoch < first)
			first = rf->sec->keys[i].epoch;
	return first;
}

bool roomfile_add_epoch_key(struct roomfile *rf, uint64_t epoch, const uint8_t key[E2E_KEY_BYTES])
{
	struct epoch_key *k;

	if (roomfile_epoch_key(rf, epoch))
		return true;
	if (rf->sec->n_keys >= ROOMFILE_EPOCHS_MAX)
		return false;
	k = &rf->sec->keys[rf->sec->n_keys++];
	k->epoch = epoch;
	memcpy(k->key, key, E2E_KEY_BYTES);
	return true;
}

void roomfile_drop_epoch_key(struct roomfile *rf, uint64_t epoch)
{
	for (size_t i = 0; i < rf->sec->n_keys; i++)
		if (rf->sec->keys[i].epoch == epoch) {
			rf->sec->keys[i] = rf->sec->keys[--rf->sec->n_keys];
			sodium_memzero(&rf->sec->keys[rf->sec->n_keys], sizeof rf->sec->keys[0]);
			return;
		}
}

void roomfile_set_state(struct roomfile *rf, struct wire_signed *s, struct wire_state *state)
{
	if (s != &rf->signed_state) {
		wire_signed_clear(&rf->signed_state);
		rf->signed_state = *s;
		memset(s, 0, sizeof *s);
	}
	wire_state_clear(&rf->state);
	rf->state = *state;
	memset(state, 0, sizeof *state);
}

struct wire_roomref roomfile_ref(const struct roomfile *rf)
{
	return (struct wire_roomref){rf->room, rf->room_id};
}

struct sender_mark *roomfile_sender(struct roomfile *rf, const char *name,
				    const uint8_t sign_pk[E2E_SIGN_PK_BYTES])
{
	struct sender_mark *grown;

	for (size_t i = 0; i < rf->n_senders; i++)
		if (strcmp(rf->senders[i].name, name) == 0 &&
		    memcmp(rf->senders[i].sign_pk, sign_pk, E2E_SIGN_PK_BYTES) == 0)
			return &rf->senders[i];
	if (rf->n_senders >= 2 * E2E_ROOM_MEMBERS_MAX || strlen(name) > E2E_MEMBER_NAME_MAX)
		return NULL;
	grown = realloc(rf->senders, (rf->n_senders + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	rf->senders = grown;
	grown = &rf->senders[rf->n_senders++];
	memset(grown, 0, sizeof *grown);
	snprintf(grown->name, sizeof grown->name, "%s", name);
	memcpy(grown->sign_pk, sign_pk, E2E_SIGN_PK_BYTES);
	return grown;
}

struct known_keys *roomfile_known(const struct roomfile *rf, const char *name)
{
	for (size_t i = 0; i < rf->n_known; i++)
		if (strcmp(rf->known[i].m.name, name) == 0)
			return &rf->known[i];
	return NULL;
}

struct known_keys *roomfile_know(struct roomfile *rf, const struct wire_member *m)
{
	struct known_keys *grown;

	if (rf->n_known >= E2E_ROOM_MEMBERS_MAX)
		return NULL;
	grown = realloc(rf->known, (rf->n_known + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	rf->known = grown;
	grown = &rf->known[rf->n_known++];
	memset(grown, 0, sizeof *grown);
	grown->m = *m;
	memset(grown->m.mac, 0, sizeof grown->m.mac);
	return grown;
}

const struct departure *roomfile_departed(const struct roomfile *rf, const char *name)
{
	for (size_t i = 0; i < rf->n_departed; i++)
		if (strcmp(rf->departed[i].name, name) == 0)
			return &rf->departed[i];
	return NULL;
}

bool roomfile_depart(struct roomfile *rf, const struct departure *d)
{
	struct departure *grown;

	for (size_t i = 0; i < rf->n_departed; i++)
		if (strcmp(rf->departed[i].name, d->name) == 0) {
			/* the newest word on the name counts; a ban is never lost */
			bool ban = rf->departed[i].ban || d->ban;

			rf->departed[i] = *d;
			rf->departed[i].ban = ban;
			return true;
		}
	if (rf->n_departed >= E2E_ROOM_MEMBERS_MAX)
		return false;
	grown = realloc(rf->departed, (rf->n_departed + 1) * sizeof *grown);
	if (!grown)
		return false;
	rf->departed = grown;
	rf->departed[rf->n_departed++] = *d;
	return true;
}

void roomfile_forget_departure(struct roomfile *rf, const char *name)
{
	for (size_t i = 0; i < rf->n_departed; i++)
		if (strcmp(rf->departed[i].name, name) == 0) {
			memmove(&rf->departed[i], &rf->departed[i + 1],
				(rf->n_departed - i - 1) * sizeof rf->departed[0]);
			rf->n_departed--;
			return;
		}
}
