/* forge.c - a helper for the API tests: prints the JSON request bodies a
 * shell script cannot make because they carry real signatures, MACs and
 * wraps (create, join, state post), plus message bodies, each valid or
 * deliberately altered by options.
 *
 * Keys come from names and passwords by hashing, so every run agrees:
 * identity keys from the member name, room keys from the password, the
 * room's salt and 16-byte id from its name. (Not Argon2id: the relay
 * cannot tell, and the tests stay fast.) Links only libsodium, jansson
 * and the shared protocol library, never the client's cryptography.
 *
 *   forge create ROOM CREATOR PASSWORD
 *   forge join ROOM NAME PASSWORD NONCE
 *   forge state ROOM BY REVISION EPOCH [MEMBER...]
 *                      revision REVISION of ROOM's state, made and signed
 *                      by the admin BY, listing BY and the MEMBERs (since
 *                      epoch 1); its access block and MAC are those of
 *                      --password (default pw-one, the API catalogue's)
 *   forge msg EPOCH COUNTER [CT_BYTES]
 *   forge get PATH     print a field of the JSON on stdin (strings raw,
 *                      a base64 "payload" decoded with PATH payload:...)
 *   forge len PATH     print the length of an array on stdin
 * options:
 *   --set PATH=JSON    set a field of the body (PATH: a.b.0.c)
 *   --del PATH         remove a field of the body
 *   --pset PATH=JSON   set a field of the state payload before signing
 *   --pdel PATH        remove a field of the state payload before signing
 *   --signer NAME      sign the state with NAME's key, not BY's
 *   --admins A,B       the state's admins (default: BY alone)
 *   --password PW      the room password of the state's access and MAC
 *   --wraps A,B        wrap for these members only ("" for none)
 *   --wrap-epoch N     wrap for epoch N, not the state's
 *   --wrap-by NAME     wraps made by NAME (its keys, its name in "by"),
 *                      not by BY
 *   --id B64           the room id every transcript binds (default: made
 *                      from the room name, as create sends it)
 */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "transcript.h"
#include "wire.h"

#define FORGE_EDITS_MAX 16
#define FORGE_NAMES_MAX E2E_ROOM_MEMBERS_MAX /* bench/setup.sh admits hundreds */
#define FORGE_CT_DEFAULT 40
#define FORGE_PASSWORD_DEFAULT "pw-one"

struct forge_edit {
	const char *path;
	const char *value; /* NULL: delete */
};

struct forge_opts {
	struct forge_edit body[FORGE_EDITS_MAX];
	size_t n_body;
	struct forge_edit payload[FORGE_EDITS_MAX];
	size_t n_payload;
	const char *signer;
	const char *admins;   /* NULL: BY alone */
	const char *password; /* NULL: FORGE_PASSWORD_DEFAULT */
	const char *wraps;    /* NULL: every listed member */
	long long wrap_epoch; /* 0: the state's */
	const char *wrap_by;  /* NULL: BY */
	const char *room_id;  /* base64; NULL: from the room name */
};

struct forge_id {
	uint8_t sign_pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sign_sk[crypto_sign_SECRETKEYBYTES];
	uint8_t box_pk[crypto_box_PUBLICKEYBYTES];
	uint8_t box_sk[crypto_box_SECRETKEYBYTES];
};

/* ---- keys ---- */

/* BLAKE2b of label, a and b (each with its terminating NUL), `len`
 * bytes (16..64). */
static void forge_hash(uint8_t *out, size_t len, const char *label, const char *a,
		       const char *b)
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, len);
	crypto_generichash_update(&h, (const uint8_t *)label, strlen(label) + 1);
	crypto_generichash_update(&h, (const uint8_t *)a, strlen(a) + 1);
	crypto_generichash_update(&h, (const uint8_t *)b, strlen(b) + 1);
	crypto_generichash_final(&h, out, len);
}

static void forge_seed(uint8_t out[32], const char *label, const char *a, const char *b)
{
	forge_hash(out, 32, label, a, b);
}

static void forge_identity(const char *name, struct forge_id *id)
{
	uint8_t seed[32];

	forge_seed(seed, "forge/sign", name, "");
	crypto_sign_seed_keypair(id->sign_pk, id->sign_sk, seed);
	forge_seed(seed, "forge/box", name, "");
	crypto_box_seed_keypair(id->box_pk, id->box_sk, seed);
}

/* The room access key pair and the admission key, from the password. */
static void forge_room_keys(const char *password, uint8_t access_pk[32],
			    uint8_t access_sk[64], uint8_t admission[32])
{
	uint8_t seed[32];

	forge_seed(seed, "forge/access", password, "");
	crypto_sign_seed_keypair(access_pk, access_sk, seed);
	forge_seed(admission, "forge/admission", password, "");
}

/* The room's salt, from its name and password (a new password, a new
 * salt). */
static void forge_room_salt(const char *room, const char *password,
			    uint8_t salt[E2E_SALT_BYTES])
{
	forge_hash(salt, E2E_SALT_BYTES, "forge/salt", room, password);
}

/* The room id: --id, or made from the room name. */
static void forge_room_id(const char *room, const struct forge_opts *o,
			  uint8_t id[E2E_ROOM_ID_BYTES])
{
	if (o->room_id == NULL || !b64_decode_exact(id, E2E_ROOM_ID_BYTES, o->room_id))
		forge_hash(id, E2E_ROOM_ID_BYTES, "forge/id", room, "");
}

/* Sign (or MAC, if `mac`) a transcript; false if it could not be made. */
static bool forge_sign(struct canon *c, const uint8_t *key, uint8_t *out, bool mac)
{
	size_t len = 0;
	const uint8_t *data = c != NULL ? canon_data(c, &len) : NULL;

	if (data != NULL) {
		if (mac)
			crypto_auth(out, data, len, key);
		else
			crypto_sign_detached(out, NULL, data, len, key);
	}
	canon_free(c);
	return data != NULL;
}

/* NAME's member record with the MAC of the room password. */
static bool forge_member(const struct wire_roomref *room, const char *name,
			 const char *password, struct wire_member *m)
{
	struct forge_id id;
	uint8_t access_pk[32], access_sk[64], admission[32];

	forge_identity(name, &id);
	forge_room_keys(password, access_pk, access_sk, admission);
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	memcpy(m->sign_pk, id.sign_pk, sizeof(m->sign_pk));
	memcpy(m->box_pk, id.box_pk, sizeof(m->box_pk));
	return forge_sign(transcript_member(room, m), admission, m->mac, true);
}

/* Whether `name` is in the comma-separated `list`. */
static bool forge_in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p != NULL) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return false;
}

static json_t *forge_b64(const uint8_t *bin, size_t len)
{
	char *s = b64_encode(bin, len);
	json_t *j = s != NULL ? json_string(s) : NULL;

	free(s);
	return j;
}

/* ---- edits: --set, --del, --pset, --pdel ---- */

/* The container holding the last component of `path`, and that key. */
static json_t *forge_walk(json_t *root, char *path, const char **last)
{
	char *save = NULL;
	char *key = strtok_r(path, ".", &save);
	char *next;

	while (root != NULL && key != NULL && (next = strtok_r(NULL, ".", &save)) != NULL) {
		root = json_is_array(root) ? json_array_get(root, strtoul(key, NULL, 10))
					   : json_object_get(root, key);
		key = next;
	}
	*last = key;
	return root;
}

static bool forge_edit(json_t *root, const struct forge_edit *e)
{
	char path[256];
	const char *key = NULL;
	json_t *parent;
	json_t *value = NULL;
	size_t idx;

	snprintf(path, sizeof(path), "%s", e->path);
	parent = forge_walk(root, path, &key);
	if (parent == NULL || key == NULL)
		return false;
	if (e->value != NULL && (value = json_loads(e->value, JSON_DECODE_ANY, NULL)) == NULL)
		return false;
	if (json_is_object(parent))
		return value != NULL ? json_object_set_new(parent, key, value) == 0
				     : json_object_del(parent, key) == 0;
	idx = strtoul(key, NULL, 10);
	if (value == NULL)
		return json_array_remove(parent, idx) == 0;
	if (idx == json_array_size(parent))
		return json_array_append_new(parent, value) == 0;
	return json_array_set_new(parent, idx, value) == 0;
}

static bool forge_edits(json_t *root, const struct forge_edit *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!forge_edit(root, &e[i])) {
			fprintf(stderr, "forge: cannot apply edit to %s\n", e[i].path);
			return false;
		}
	}
	return true;
}

/* ---- state and wraps ---- */

/* The payload bytes for the state, with the payload edits applied. */
static uint8_t *forge_payload(const struct wire_state *s, const struct forge_opts *o,
			      size_t *len)
{
	uint8_t *bytes = wire_state_build(s, len);
	json_t *root = NULL;
	char *out = NULL;

	if (bytes == NULL || o->n_payload == 0)
		return bytes;
	root = json_loadb((const char *)bytes, *len, 0, NULL);
	if (root != NULL && forge_edits(root, o->payload, o->n_payload))
		out = wire_dump(root, len);
	json_decref(root);
	free(bytes);
	return (uint8_t *)out;
}

static const char *forge_password(const struct forge_opts *o)
{
	return o->password != NULL ? o->password : FORGE_PASSWORD_DEFAULT;
}

/* The access block of the room password. */
static void forge_access(const char *room, const char *password, struct wire_access *a)
{
	uint8_t access_sk[64], admission[32];

	forge_room_salt(room, password, a->salt);
	a->opslimit = E2E_KDF_OPS_MIN;
	a->memlimit = E2E_KDF_MEM_MIN;
	forge_room_keys(password, a->access_pk, access_sk, admission);
}

/* {"payload","sig","mac"} for a state by names[0] listing `names`. */
static json_t *forge_state(const char *room, char **names, size_t n, uint64_t revision,
			   uint64_t epoch, const struct forge_opts *o)
{
	struct wire_member members[FORGE_NAMES_MAX];
	struct wire_state s = {.revision = revision, .epoch = epoch, .members = members,
			       .n_members = n};
	struct wire_roomref ref = {.name = room, .id = s.id};
	struct wire_signed w = {0};
	struct forge_id signer;
	uint8_t access_pk[32], access_sk[64], admission[32];
	json_t *out = NULL;

	snprintf(s.room, sizeof(s.room), "%s", room);
	snprintf(s.by, sizeof(s.by), "%s", names[0]);
	forge_room_id(room, o, s.id);
	forge_access(room, forge_password(o), &s.access);
	for (size_t i = 0; i < n; i++) {
		forge_member(&ref, names[i], "", &members[i]);
		members[i].since = 1;
		members[i].admin = o->admins != NULL ? forge_in_list(o->admins, names[i]) : i == 0;
	}
	w.payload = forge_payload(&s, o, &w.len);
	forge_identity(o->signer != NULL ? o->signer : names[0], &signer);
	forge_room_keys(forge_password(o), access_pk, access_sk, admission);
	if (w.payload != NULL &&
	    forge_sign(transcript_state(w.payload, w.len), signer.sign_sk, w.sig, false) &&
	    forge_sign(transcript_state(w.payload, w.len), admission, w.mac, true))
		out = wire_signed_pack(&w);
	wire_signed_clear(&w);
	return out;
}

/* The session key of an epoch is a test constant: only its form matters.
 * The wrap is made by the admin `by`. */
static json_t *forge_wrap(const struct wire_roomref *ref, const char *by, const char *member,
			  uint64_t epoch)
{
	struct forge_id to, admin;
	struct wire_wrap w = {.epoch = epoch};
	uint8_t key[32];
	char e[24];

	forge_identity(member, &to);
	forge_identity(by, &admin);
	snprintf(w.member, sizeof(w.member), "%s", member);
	snprintf(w.by, sizeof(w.by), "%s", by);
	snprintf(e, sizeof(e), "%llu", (unsigned long long)epoch);
	forge_seed(key, "forge/session", ref->name, e);
	randombytes_buf(w.nonce, sizeof(w.nonce));
	if (crypto_box_easy(w.box, key, sizeof(key), w.nonce, to.box_pk, admin.box_sk) != 0 ||
	    !forge_sign(transcript_wrap(ref, &w, to.box_pk), admin.sign_sk, w.sig, false))
		return NULL;
	return wire_wrap_pack(&w);
}

/* Wraps by names[0] (or o->wrap_by) for the listed names, or for those
 * in o->wraps. */
static json_t *forge_wraps(const char *room, char **names, size_t n, uint64_t epoch,
			   const struct forge_opts *o)
{
	const char *by = o->wrap_by != NULL ? o->wrap_by : names[0];
	uint8_t id[E2E_ROOM_ID_BYTES];
	struct wire_roomref ref = {.name = room, .id = id};
	json_t *arr = json_array();
	char list[1024];
	char *save = NULL;

	forge_room_id(room, o, id);
	if (o->wrap_epoch > 0)
		epoch = (uint64_t)o->wrap_epoch;
	if (o->wraps == NULL) {
		for (size_t i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, forge_wrap(&ref, by, names[i], epoch));
		return arr;
	}
	snprintf(list, sizeof(list), "%s", o->wraps);
	for (char *t = strtok_r(list, ",", &save); arr != NULL && t != NULL;
	     t = strtok_r(NULL, ",", &save))
		json_array_append_new(arr, forge_wrap(&ref, by, t, epoch));
	return arr;
}

/* ---- commands ---- */

static json_t *cmd_create(char **argv, const struct forge_opts *o)
{
	const char *room = argv[0], *creator = argv[1];
	char *names[1] = {argv[1]};
	struct forge_opts so = *o;
	struct wire_member m;
	struct wire_access a;
	uint8_t id[E2E_ROOM_ID_BYTES];
	struct wire_roomref ref = {.name = room, .id = id};

	if (so.password == NULL)
		so.password = argv[2];
	forge_room_id(room, o, id);
	forge_access(room, argv[2], &a);
	if (!forge_member(&ref, creator, argv[2], &m))
		return NULL;
	return json_pack("{s:i, s:s, s:o, s:o, s:I, s:I, s:o, s:o, s:o, s:o}", "v", 2,
			 "room", room, "id", forge_b64(id, sizeof(id)),
			 "salt", forge_b64(a.salt, sizeof(a.salt)),
			 "opslimit", (json_int_t)a.opslimit, "memlimit", (json_int_t)a.memlimit,
			 "access_pk", forge_b64(a.access_pk, sizeof(a.access_pk)),
			 "member", wire_member_pack(&m, true),
			 "state", forge_state(room, names, 1, 1, 1, &so),
			 "wraps", forge_wraps(room, names, 1, 1, &so));
}

static json_t *cmd_join(char **argv, const struct forge_opts *o)
{
	const char *room = argv[0], *name = argv[1], *password = argv[2];
	struct wire_member m;
	uint8_t access_pk[32], access_sk[64], admission[32];
	uint8_t nonce[E2E_NONCE_BYTES], proof[crypto_sign_BYTES];
	uint8_t id[E2E_ROOM_ID_BYTES];
	struct wire_roomref ref = {.name = room, .id = id};
	json_t *out;

	forge_room_id(room, o, id);
	forge_room_keys(password, access_pk, access_sk, admission);
	if (!b64_decode_exact(nonce, sizeof(nonce), argv[3]) ||
	    !forge_member(&ref, name, password, &m) ||
	    !forge_sign(transcript_join(&ref, nonce, &m), access_sk, proof, false))
		return NULL;
	out = wire_member_pack(&m, true);
	if (out != NULL && (json_object_set_new(out, "nonce", json_string(argv[3])) != 0 ||
			    json_object_set_new(out, "proof", forge_b64(proof, sizeof(proof))) != 0)) {
		json_decref(out);
		out = NULL;
	}
	return out;
}

static json_t *cmd_state(int argc, char **argv, const struct forge_opts *o)
{
	const char *room = argv[0];
	char **names = &argv[1]; /* the admin who makes it, then the members */
	size_t n = (size_t)argc - 3;
	uint64_t revision = strtoull(argv[2], NULL, 10);
	uint64_t epoch = strtoull(argv[3], NULL, 10);
	char *list[FORGE_NAMES_MAX];

	if (n > FORGE_NAMES_MAX)
		return NULL;
	list[0] = names[0];
	for (size_t i = 1; i < n; i++)
		list[i] = argv[3 + i];
	return json_pack("{s:o, s:o}", "state", forge_state(room, list, n, revision, epoch, o),
			 "wraps", forge_wraps(room, list, n, epoch, o));
}

static json_t *cmd_msg(int argc, char **argv)
{
	uint8_t nonce[E2E_AEAD_NONCE_BYTES], sig[crypto_sign_BYTES];
	size_t ct_len = argc > 2 ? strtoul(argv[2], NULL, 10) : FORGE_CT_DEFAULT;
	uint8_t *ct = malloc(ct_len + 1);
	json_t *out = NULL;

	if (ct == NULL)
		return NULL;
	randombytes_buf(nonce, sizeof(nonce));
	randombytes_buf(sig, sizeof(sig));
	randombytes_buf(ct, ct_len);
	out = json_pack("{s:i, s:I, s:I, s:o, s:o, s:o}", "v", 2,
			"epoch", (json_int_t)strtoll(argv[0], NULL, 10),
			"counter", (json_int_t)strtoll(argv[1], NULL, 10),
			"nonce", forge_b64(nonce, sizeof(nonce)), "ct", forge_b64(ct, ct_len),
			"sig", forge_b64(sig, sizeof(sig)));
	free(ct);
	return out;
}

/* ---- reading replies: get, len ---- */

/* The value at `path` ("." for the whole) in `root`, or NULL. */
static json_t *forge_lookup(json_t *root, const char *path)
{
	char buf[256];
	const char *key = NULL;
	json_t *parent;

	if (strcmp(path, ".") == 0)
		return root;
	snprintf(buf, sizeof(buf), "%s", path);
	parent = forge_walk(root, buf, &key);
	if (parent == NULL || key == NULL)
		return NULL;
	return json_is_array(parent) ? json_array_get(parent, strtoul(key, NULL, 10))
				     : json_object_get(parent, key);
}

/* The state payload (base64 in root's "payload") as JSON, or NULL. */
static json_t *forge_payload_json(json_t *root)
{
	json_t *p = json_object_get(root, "payload");
	uint8_t *bytes = malloc(E2E_STATE_MAX + 3);
	json_t *out = NULL;
	size_t len = 0;

	if (bytes != NULL && json_is_string(p) &&
	    b64_decode(bytes, E2E_STATE_MAX + 3, &len, json_string_value(p)))
		out = json_loadb((const char *)bytes, len, 0, NULL);
	free(bytes);
	return out;
}

/* Print the value at `path` of the JSON on stdin; "payload:PATH" looks
 * inside the decoded state payload. With `len`, an array's length. */
static int cmd_get(const char *path, bool len)
{
	json_t *root = json_loadf(stdin, 0, NULL);
	json_t *doc = root;
	json_t *v = NULL;
	char *text = NULL;
	int ret = 1;

	if (root != NULL && strncmp(path, "payload:", 8) == 0) {
		doc = forge_payload_json(root);
		path += 8;
	}
	if (doc != NULL)
		v = forge_lookup(doc, path);
	if (v == NULL)
		goto done;
	if (len && json_is_array(v))
		printf("%zu\n", json_array_size(v));
	else if (!len && json_is_string(v))
		printf("%s\n", json_string_value(v));
	else if (!len && (text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL)
		printf("%s\n", text);
	else
		goto done;
	ret = 0;
done:
	free(text);
	if (doc != root)
		json_decref(doc);
	json_decref(root);
	return ret;
}

/* ---- main ---- */

static int forge_usage(void)
{
	fprintf(stderr, "usage: forge create ROOM CREATOR PASSWORD | join ROOM NAME PASSWORD "
			"NONCE | state ROOM BY REVISION EPOCH [MEMBER...] | msg EPOCH "
			"COUNTER [CT_BYTES] | get PATH | len PATH  [--set P=J] [--del P] [--pset P=J] [--pdel P] "
			"[--signer NAME] [--admins A,B] [--password PW] [--wraps A,B] "
			"[--wrap-epoch N] [--wrap-by NAME] [--id B64]\n");
	return 2;
}

/* Record an edit "PATH=JSON" (or a deletion of PATH). */
static bool forge_add_edit(struct forge_edit *e, size_t *n, char *arg, bool del)
{
	char *eq = del ? NULL : strchr(arg, '=');

	if (*n == FORGE_EDITS_MAX || (!del && eq == NULL))
		return false;
	if (eq != NULL)
		*eq = '\0';
	e[*n].path = arg;
	e[*n].value = eq != NULL ? eq + 1 : NULL;
	(*n)++;
	return true;
}

static bool forge_options(int argc, char **argv, struct forge_opts *o)
{
	static const struct option longopts[] = {
		{"set", required_argument, NULL, 's'}, {"del", required_argument, NULL, 'd'},
		{"pset", required_argument, NULL, 'S'}, {"pdel", required_argument, NULL, 'D'},
		{"signer", required_argument, NULL, 'k'}, {"wraps", required_argument, NULL, 'w'},
		{"wrap-epoch", required_argument, NULL, 'e'}, {"admins", required_argument, NULL, 'a'},
		{"password", required_argument, NULL, 'p'}, {"wrap-by", required_argument, NULL, 'b'},
		{"id", required_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	int c;
	bool ok = true;

	while (ok && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 's' || c == 'd')
			ok = forge_add_edit(o->body, &o->n_body, optarg, c == 'd');
		else if (c == 'S' || c == 'D')
			ok = forge_add_edit(o->payload, &o->n_payload, optarg, c == 'D');
		else if (c == 'k')
			o->signer = optarg;
		else if (c == 'w')
			o->wraps = optarg;
		else if (c == 'e')
			o->wrap_epoch = strtoll(optarg, NULL, 10);
		else if (c == 'a')
			o->admins = optarg;
		else if (c == 'p')
			o->password = optarg;
		else if (c == 'b')
			o->wrap_by = optarg;
		else if (c == 'i')
			o->room_id = optarg;
		else
			ok = false;
	}
	return ok;
}

static json_t *forge_run(int argc, char **argv, const struct forge_opts *o)
{
	const char *cmd = argv[0];

	if (strcmp(cmd, "create") == 0 && argc == 4)
		return cmd_create(argv + 1, o);
	if (strcmp(cmd, "join") == 0 && argc == 5)
		return cmd_join(argv + 1, o);
	if (strcmp(cmd, "state") == 0 && argc >= 5)
		return cmd_state(argc - 1, argv + 1, o);
	if (strcmp(cmd, "msg") == 0 && (argc == 3 || argc == 4))
		return cmd_msg(argc - 1, argv + 1);
	return NULL;
}

int main(int argc, char **argv)
{
	struct forge_opts o;
	json_t *body = NULL;
	char *text = NULL;
	size_t len = 0;
	int ret = 1;

	memset(&o, 0, sizeof(o));
	if (sodium_init() < 0)
		return 1;
	if (!forge_options(argc, argv, &o) || optind >= argc)
		return forge_usage();
	if (argc - optind == 2 && (strcmp(argv[optind], "get") == 0 ||
				   strcmp(argv[optind], "len") == 0))
		return cmd_get(argv[optind + 1], strcmp(argv[optind], "len") == 0);
	body = forge_run(argc - optind, argv + optind, &o);
	if (body == NULL) {
		ret = forge_usage();
		goto done;
	}
	if (!forge_edits(body, o.body, o.n_body))
		goto done;
	text = wire_dump(body, &len);
	if (text == NULL)
		goto done;
	printf("%s\n", text);
	ret = 0;
done:
	free(text);
	json_decref(body);
	return ret;
}
