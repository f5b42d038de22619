/* mkcorpus.c - writes the fuzz harnesses' seed corpora (the files under
 * tests/fuzz/corpus/): records and requests made by the project's own code
 * (common/wire.c, client/roomfile.c, fixture.c), each valid, plus a few
 * malformed ones. For the relay harness it also runs each request and
 * checks the status it gets, so the corpus keeps reaching past validation.
 *
 *   mkcorpus DIR    writes DIR/wire, DIR/relay, DIR/routes and DIR/client
 *                   (which exist)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "fixture.h"
#include "fuzz_relay.h"
#include "roomfile.h"

static const char *out_dir;
static int failures;

static void put(const char *sub, const char *name, const void *data, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", out_dir, sub, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "mkcorpus: cannot write %s\n", path);
		exit(1);
	}
}

static void put_str(const char *sub, const char *name, const char *s)
{
	put(sub, name, s, strlen(s));
}

/* Write `j` (taken) as compact JSON, with `prefix` bytes before it. */
static void put_json(const char *sub, const char *name, const uint8_t *prefix, size_t plen,
		     json_t *j)
{
	size_t len = 0;
	char *text = fixture_dump(j, &len);
	uint8_t *buf = text != NULL ? malloc(plen + len) : NULL;

	if (buf == NULL) {
		fprintf(stderr, "mkcorpus: cannot make %s/%s\n", sub, name);
		exit(1);
	}
	if (plen > 0)
		memcpy(buf, prefix, plen);
	memcpy(buf + plen, text, len);
	put(sub, name, buf, plen + len);
	free(buf);
	free(text);
}

/* ---- records ---- */

static void fill_member(struct wire_member *m, const char *room, const char *name)
{
	fixture_member(room, name, m);
}

static json_t *stored_msg(uint64_t seq, const char *sender, uint64_t counter)
{
	struct wire_msg *m = calloc(1, sizeof(*m));
	json_t *j;

	m->seq = seq;
	snprintf(m->sender, sizeof(m->sender), "%s", sender);
	m->epoch = 1;
	m->counter = counter;
	m->received_at = 1795301459;
	m->ct_len = 40;
	randombytes_buf(m->nonce, sizeof(m->nonce));
	randombytes_buf(m->sig, sizeof(m->sig));
	randombytes_buf(m->ct, m->ct_len);
	j = wire_msg_pack(m, true);
	free(m);
	return j;
}

/* A state with every part: two admins (the second signs), former
 * members, a ban, shared history, a changed password's access block and
 * admission box. */
static json_t *signed_state_former(size_t *payload_len, uint8_t **payload_out)
{
	struct wire_member members[3], banned[1];
	struct wire_former former[1];
	struct wire_state s = {.revision = 4, .epoch = 3, .history = WIRE_HISTORY_SHARED,
			       .members = members, .n_members = 3, .former = former,
			       .n_former = 1, .banned = banned, .n_banned = 1};
	struct wire_signed out = {.payload = NULL};
	json_t *j;

	snprintf(s.room, sizeof(s.room), "lobby");
	fixture_room_id("lobby", s.id);
	snprintf(s.by, sizeof(s.by), "carol");
	randombytes_buf(s.access.salt, sizeof(s.access.salt));
	s.access.opslimit = E2E_KDF_OPS_MIN + 1;
	s.access.memlimit = E2E_KDF_MEM_MIN;
	randombytes_buf(s.access.access_pk, sizeof(s.access.access_pk));
	s.admission.present = true;
	s.admission.epoch = 3;
	randombytes_buf(s.admission.nonce, sizeof(s.admission.nonce));
	randombytes_buf(s.admission.box, sizeof(s.admission.box));
	fill_member(&members[0], "lobby", "alice");
	fill_member(&members[1], "lobby", "bob");
	fill_member(&members[2], "lobby", "carol");
	for (size_t i = 0; i < 3; i++) {
		memset(members[i].mac, 0, sizeof(members[i].mac));
		members[i].since = i + 1;
		members[i].admin = i != 1;
	}
	fill_member(&former[0].m, "lobby", "dave");
	former[0].last_epoch = 2;
	fill_member(&banned[0], "lobby", "mallory");
	out.payload = wire_state_build(&s, &out.len);
	randombytes_buf(out.sig, sizeof(out.sig));
	randombytes_buf(out.mac, sizeof(out.mac));
	j = wire_signed_pack(&out);
	*payload_len = out.len;
	*payload_out = out.payload;
	return j;
}

static void wire_corpus(void)
{
	static const char *const names[] = {"alice", "bob", "carol"};
	struct wire_room room = {.opslimit = E2E_KDF_OPS_MIN, .memlimit = E2E_KDF_MEM_MIN,
				 .created_at = 1795301451};
	struct wire_member m;
	json_t *arr;
	uint8_t *payload = NULL;
	size_t len = 0;

	snprintf(room.room, sizeof(room.room), "lobby");
	fixture_room_id("lobby", room.id);
	snprintf(room.creator, sizeof(room.creator), "alice");
	randombytes_buf(room.salt, sizeof(room.salt));
	put_json("wire", "room", NULL, 0, wire_room_pack(&room));
	fill_member(&m, "lobby", "bob");
	put_json("wire", "member_mac", NULL, 0, wire_member_pack(&m, true));
	put_json("wire", "member_keys", NULL, 0, wire_member_pack(&m, false));
	arr = json_array();
	for (size_t i = 0; i < 3; i++) {
		json_t *rec;

		fill_member(&m, "lobby", names[i]);
		rec = wire_member_pack(&m, true);
		json_object_set_new(rec, "status", json_string(wire_status_name((enum wire_status)i)));
		json_object_set_new(rec, "joined_at", json_integer(1795301451 + (json_int_t)i));
		json_array_append_new(arr, rec);
	}
	put_json("wire", "reply_members", NULL, 0, json_pack("{s:o}", "members", arr));
	arr = json_array();
	json_array_append_new(arr, fixture_wrap("lobby", "alice", "bob", 1));
	json_array_append_new(arr, fixture_wrap("lobby", "alice", "bob", 2));
	put_json("wire", "reply_wraps", NULL, 0, json_pack("{s:o}", "wraps", arr));
	put_json("wire", "wrap", NULL, 0, fixture_wrap("lobby", "alice", "carol", 3));
	arr = json_array();
	json_array_append_new(arr, stored_msg(1, "bob", 1));
	json_array_append_new(arr, stored_msg(2, "alice", 1));
	put_json("wire", "reply_messages", NULL, 0, json_pack("{s:o}", "messages", arr));
	put_json("wire", "msg_stored", NULL, 0, stored_msg(7, "carol", 3));
	put_json("wire", "msg_posted", NULL, 0, fixture_msg_body(1, 1, 40));
	put_json("wire", "state_signed", NULL, 0, signed_state_former(&len, &payload));
	put("wire", "state_payload", payload, len);
	free(payload);
	put_json("wire", "req_create", NULL, 0, fixture_create_body("lobby", "alice"));
	put_json("wire", "req_state", NULL, 0, fixture_state_body("lobby", names, 3, 2, 2));
	put_json("wire", "req_join", NULL, 0,
		 fixture_join_body("lobby", "bob", "5UsEVO8A3MIG4Jr9NAjhsAAAAAAAAAAAAAAAAAAAAAA="));
	put_str("wire", "reply_error", "{\"error\":{\"code\":\"no_room\",\"message\":\"no such room\"}}");
	put_str("wire", "reply_token", "{\"room\":\"lobby\",\"member\":\"bob\",\"token\":"
		"\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\",\"status\":\"pending\"}");
	/* malformed */
	put_str("wire", "bad_truncated", "{\"v\":2,\"room\":\"lob");
	put_str("wire", "bad_duplicate", "{\"v\":2,\"v\":2}");
	put_str("wire", "bad_v1_room", "{\"v\":1,\"room\":\"lobby\",\"salt\":"
		"\"AAAAAAAAAAAAAAAAAAAAAA==\",\"opslimit\":2,\"memlimit\":67108864,"
		"\"creator\":\"alice\",\"created_at\":1}");
	put_str("wire", "bad_nesting", "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}");
	put_str("wire", "bad_number", "{\"v\":1e999999,\"epoch\":-9223372036854775809}");
	put_str("wire", "bad_types", "{\"v\":\"1\",\"name\":1,\"sign_pk\":null,\"box_pk\":[],\"mac\":{}}");
	put_str("wire", "bad_base64", "{\"payload\":\"AAA=A\",\"sig\":\"====\"}");
	put_str("wire", "bad_utf8", "{\"name\":\"\xc3\x28\",\"x\":\"\xff\"}");
	put_str("wire", "bad_array", "[1,2,3]");
	put_str("wire", "bad_nul", "{\"name\":\"a\\u0000b\"}");
	put("wire", "bad_empty", "", 0);
	put_str("wire", "b64_only", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
}

/* ---- relay requests ---- */

/* A request in fuzz_relay's format, run at once, expecting `status`. */
static void relay_req(const char *name, enum fuzz_route route, enum fuzz_token token,
		      enum fuzz_room room, const char *extra, json_t *body, const char *raw,
		      unsigned status)
{
	size_t len = 0, elen = extra != NULL ? strlen(extra) : 0;
	char *text = body != NULL ? fixture_dump(body, &len) : NULL;
	const char *b = text != NULL ? text : raw != NULL ? raw : "";
	size_t blen = text != NULL ? len : strlen(b);
	uint8_t *buf = malloc(2 + elen + 1 + blen);
	size_t n = 0;
	unsigned got;

	buf[n++] = (uint8_t)route;
	buf[n++] = (uint8_t)(token | (room << 3));
	if (extra != NULL) {
		memcpy(buf + n, extra, elen);
		n += elen;
		buf[n++] = '\n';
	}
	memcpy(buf + n, b, blen);
	n += blen;
	put("relay", name, buf, n);
	got = fuzz_relay_run(buf, n);
	if (got != status) {
		fprintf(stderr, "mkcorpus: relay/%s: status %u, expected %u\n", name, got, status);
		failures++;
	}
	free(buf);
	free(text);
}

static void relay_corpus(void)
{
	static const char *const next[] = {"alice", "bob", "carol"};
	static const char *const same[] = {"alice", "bob"}; /* dave was removed */
	char nonce[64];

	relay_req("create", FUZZ_R_ROOMS_CREATE, FUZZ_T_NONE, FUZZ_ROOM_NEW, NULL,
		  fixture_create_body("attic", "frank"), NULL, 201);
	relay_req("create_taken", FUZZ_R_ROOMS_CREATE, FUZZ_T_NONE, FUZZ_ROOM_NEW, NULL,
		  fixture_create_body("lobby", "frank"), NULL, 409);
	relay_req("create_bad", FUZZ_R_ROOMS_CREATE, FUZZ_T_NONE, FUZZ_ROOM_NEW, NULL, NULL,
		  "{\"v\":2,\"room\":\"attic\"}", 400);
	relay_req("room_get", FUZZ_R_ROOMS_GET, FUZZ_T_NONE, FUZZ_ROOM_LOBBY, NULL, NULL, "", 200);
	relay_req("room_get_none", FUZZ_R_ROOMS_GET, FUZZ_T_NONE, FUZZ_ROOM_NONE, NULL, NULL, "",
		  404);
	relay_req("challenge", FUZZ_R_CHALLENGES, FUZZ_T_NONE, FUZZ_ROOM_LOBBY, NULL, NULL, "",
		  201);
	relay_req("challenge_empty_obj", FUZZ_R_CHALLENGES, FUZZ_T_NONE, FUZZ_ROOM_DEN, NULL, NULL,
		  "{}", 201);
	relay_req("challenge_fields", FUZZ_R_CHALLENGES, FUZZ_T_NONE, FUZZ_ROOM_LOBBY, NULL, NULL,
		  "{\"x\":1}", 400);
	snprintf(nonce, sizeof(nonce), "%s", fuzz_relay_spare_nonce());
	relay_req("join", FUZZ_R_MEMBERS_JOIN, FUZZ_T_NONE, FUZZ_ROOM_LOBBY, NULL,
		  fixture_join_body("lobby", "eve", nonce), NULL, 201);
	relay_req("join_taken", FUZZ_R_MEMBERS_JOIN, FUZZ_T_NONE, FUZZ_ROOM_LOBBY, NULL,
		  fixture_join_body("lobby", "bob", nonce), NULL, 409);
	relay_req("join_other_room", FUZZ_R_MEMBERS_JOIN, FUZZ_T_NONE, FUZZ_ROOM_DEN, NULL,
		  fixture_join_body("lobby", "eve", nonce), NULL, 401);
	relay_req("members", FUZZ_R_MEMBERS_LIST, FUZZ_T_ALICE, FUZZ_ROOM_LOBBY, NULL, NULL, "",
		  200);
	relay_req("members_removed", FUZZ_R_MEMBERS_LIST, FUZZ_T_DAVE, FUZZ_ROOM_LOBBY, NULL, NULL,
		  "", 403);
	relay_req("members_no_token", FUZZ_R_MEMBERS_LIST, FUZZ_T_NONE, FUZZ_ROOM_LOBBY, NULL,
		  NULL, "", 401);
	relay_req("members_other_room", FUZZ_R_MEMBERS_LIST, FUZZ_T_ERIN, FUZZ_ROOM_LOBBY, NULL,
		  NULL, "", 401);
	/* v2: an admitted member is removed by a signed state, not a DELETE;
	 * an admin does not leave by DELETE either */
	relay_req("remove", FUZZ_R_MEMBERS_REMOVE, FUZZ_T_ALICE, FUZZ_ROOM_LOBBY, "bob", NULL, "",
		  409);
	relay_req("remove_admin_self", FUZZ_R_MEMBERS_REMOVE, FUZZ_T_ALICE, FUZZ_ROOM_LOBBY,
		  "alice", NULL, "", 409);
	relay_req("remove_self", FUZZ_R_MEMBERS_REMOVE, FUZZ_T_CAROL, FUZZ_ROOM_LOBBY, "carol",
		  NULL, "", 200);
	relay_req("remove_admin", FUZZ_R_MEMBERS_REMOVE, FUZZ_T_BOB, FUZZ_ROOM_LOBBY, "alice",
		  NULL, "", 403);
	relay_req("remove_other", FUZZ_R_MEMBERS_REMOVE, FUZZ_T_BOB, FUZZ_ROOM_LOBBY, "carol",
		  NULL, "", 403);
	relay_req("remove_bad_name", FUZZ_R_MEMBERS_REMOVE, FUZZ_T_ALICE, FUZZ_ROOM_LOBBY, "..",
		  NULL, "", 400);
	relay_req("state_get", FUZZ_R_STATE_GET, FUZZ_T_BOB, FUZZ_ROOM_LOBBY, NULL, NULL, "", 200);
	relay_req("state_post", FUZZ_R_STATE_POST, FUZZ_T_ALICE, FUZZ_ROOM_LOBBY, NULL,
		  fixture_state_body("lobby", next, 3, FUZZ_LOBBY_REVISION + 1,
				     FUZZ_LOBBY_EPOCH + 1), NULL, 200);
	relay_req("state_post_same_epoch", FUZZ_R_STATE_POST, FUZZ_T_ALICE, FUZZ_ROOM_LOBBY, NULL,
		  fixture_state_body("lobby", same, 2, FUZZ_LOBBY_REVISION + 1, FUZZ_LOBBY_EPOCH),
		  NULL, 200);
	relay_req("state_post_stale", FUZZ_R_STATE_POST, FUZZ_T_ALICE, FUZZ_ROOM_LOBBY, NULL,
		  fixture_state_body("lobby", next, 3, FUZZ_LOBBY_REVISION, FUZZ_LOBBY_EPOCH + 1),
		  NULL, 409);
	relay_req("state_post_not_admin", FUZZ_R_STATE_POST, FUZZ_T_BOB, FUZZ_ROOM_LOBBY, NULL,
		  fixture_state_body("lobby", next, 3, FUZZ_LOBBY_REVISION + 1,
				     FUZZ_LOBBY_EPOCH + 1), NULL, 403);
	relay_req("wraps", FUZZ_R_WRAPS_GET, FUZZ_T_BOB, FUZZ_ROOM_LOBBY, NULL, NULL, "", 200);
	relay_req("msg_post", FUZZ_R_MESSAGES_POST, FUZZ_T_BOB, FUZZ_ROOM_LOBBY, NULL,
		  fixture_msg_body(FUZZ_LOBBY_EPOCH, 2, 40), NULL, 201);
	relay_req("msg_post_counter", FUZZ_R_MESSAGES_POST, FUZZ_T_BOB, FUZZ_ROOM_LOBBY, NULL,
		  fixture_msg_body(FUZZ_LOBBY_EPOCH, 1, 40), NULL, 409);
	relay_req("msg_post_epoch", FUZZ_R_MESSAGES_POST, FUZZ_T_BOB, FUZZ_ROOM_LOBBY, NULL,
		  fixture_msg_body(FUZZ_LOBBY_EPOCH + 1, 2, 40), NULL, 400);
	relay_req("msg_post_pending", FUZZ_R_MESSAGES_POST, FUZZ_T_CAROL, FUZZ_ROOM_LOBBY, NULL,
		  fixture_msg_body(FUZZ_LOBBY_EPOCH, 1, 40), NULL, 403);
	relay_req("msg_list", FUZZ_R_MESSAGES_LIST, FUZZ_T_ALICE, FUZZ_ROOM_LOBBY,
		  "after=0&limit=100", NULL, "", 200);
	relay_req("msg_list_after", FUZZ_R_MESSAGES_LIST, FUZZ_T_BOB, FUZZ_ROOM_LOBBY,
		  "after=1&limit=1&wait=0", NULL, "", 200);
	relay_req("msg_list_wait", FUZZ_R_MESSAGES_LIST, FUZZ_T_BOB, FUZZ_ROOM_LOBBY,
		  "after=2&wait=1", NULL, "", 0);
	relay_req("msg_list_bad", FUZZ_R_MESSAGES_LIST, FUZZ_T_BOB, FUZZ_ROOM_LOBBY,
		  "after=18446744073709551616&limit=0", NULL, "", 400);
	relay_req("msg_list_garbage_token", FUZZ_R_MESSAGES_LIST, FUZZ_T_GARBAGE, FUZZ_ROOM_LOBBY,
		  "", NULL, "", 401);
	relay_req("msg_list_unknown_token", FUZZ_R_MESSAGES_LIST, FUZZ_T_UNKNOWN, FUZZ_ROOM_LOBBY,
		  "limit=1000", NULL, "", 401);
	relay_req("health", FUZZ_R_HEALTH, FUZZ_T_NONE, FUZZ_ROOM_LOBBY, NULL, NULL, "", 200);
	relay_req("metrics", FUZZ_R_METRICS, FUZZ_T_NONE, FUZZ_ROOM_LOBBY, NULL, NULL, "", 200);
	relay_req("bad_json", FUZZ_R_STATE_POST, FUZZ_T_ALICE, FUZZ_ROOM_LOBBY, NULL, NULL,
		  "{\"state\":", 400);
	relay_req("bad_dup", FUZZ_R_MESSAGES_POST, FUZZ_T_BOB, FUZZ_ROOM_LOBBY, NULL, NULL,
		  "{\"v\":2,\"v\":2}", 400);
}

/* ---- the client ---- */

static void client_roomfile(const char *dir)
{
	static const char *const names[] = {"alice", "bob"};
	struct roomfile *rf = NULL;
	char path[512], err[256];
	uint8_t key[E2E_KEY_BYTES], *bytes;
	json_t *signed_state = fixture_signed_state("lobby", names, 2, 2, 2);
	struct wire_signed ss;
	struct wire_state s;
	struct wire_member m;
	struct departure gone = {.name = "dave", .ban = true};
	json_error_t jerr;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/roomfile.json", dir);
	remove(path);
	if (roomfile_open(&rf, path, err, sizeof(err)) != ST_OK) {
		fprintf(stderr, "mkcorpus: %s\n", err);
		exit(1);
	}
	snprintf(rf->room, sizeof(rf->room), "lobby");
	fixture_room_id("lobby", rf->room_id);
	snprintf(rf->me, sizeof(rf->me), "bob");
	snprintf(rf->creator, sizeof(rf->creator), "alice");
	randombytes_buf(rf->sec->token, sizeof(rf->sec->token));
	randombytes_buf(rf->sec->access_seed, sizeof(rf->sec->access_seed));
	randombytes_buf(rf->sec->admission, sizeof(rf->sec->admission));
	randombytes_buf(rf->salt, sizeof(rf->salt));
	rf->opslimit = E2E_KDF_OPS_MIN;
	rf->memlimit = E2E_KDF_MEM_MIN;
	if (wire_signed_unpack(signed_state, &ss, &jerr) != E2E_OK ||
	    wire_state_parse(ss.payload, ss.len, &s, &jerr) != E2E_OK) {
		fprintf(stderr, "mkcorpus: the fixture's state: %s\n", jerr.text);
		exit(1);
	}
	roomfile_set_state(rf, &ss, &s);
	for (uint64_t e = 1; e <= 2; e++) {
		randombytes_buf(key, sizeof(key));
		roomfile_add_epoch_key(rf, e, key);
	}
	rf->counter = 3;
	rf->last_seq = 9;
	fill_member(&m, "lobby", "alice");
	roomfile_sender(rf, "alice", m.sign_pk)->chain.counter = 4;
	roomfile_know(rf, &m)->verified = true;
	fill_member(&m, "lobby", "bob");
	roomfile_know(rf, &m);
	fill_member(&m, "lobby", "dave");
	memcpy(gone.sign_pk, m.sign_pk, sizeof(gone.sign_pk));
	roomfile_depart(rf, &gone);
	rf->settings = (struct creator_settings){true, 1000, 86400, 1795301451000, 7};
	if (roomfile_save(rf, err, sizeof(err)) != ST_OK) {
		fprintf(stderr, "mkcorpus: %s\n", err);
		exit(1);
	}
	roomfile_close(rf);
	json_decref(signed_state);
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	bytes = malloc((size_t)n + 1);
	bytes[0] = 0; /* fuzz_client: the room file */
	if (fread(bytes + 1, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	fclose(f);
	remove(path);
	snprintf(path, sizeof(path), "%s/roomfile.json.lock", dir);
	remove(path);
	put("client", "roomfile", bytes, (size_t)n + 1);
	free(bytes);
}

static void client_corpus(const char *tmp)
{
	static const char roomfile_bad[] = "\x00{\"v\":2,\"room\":\"lobby\",\"me\":\"bob\"}";
	char prev[64], text[512];
	uint8_t zero[E2E_HASH_BYTES] = {0};

	client_roomfile(tmp);
	put("client", "roomfile_bad", roomfile_bad, sizeof(roomfile_bad) - 1);

	put("client", "roomfile_empty", "\x00", 1);
	/* replies: byte 0 = 1, byte 1 = the status index (0: 200, 8: 404, 13: 500) */
	put_str("client", "reply_ok", "\x01\x00{\"room\":\"lobby\",\"member\":\"bob\"}");
	put_str("client", "reply_error",
		"\x01\x08{\"error\":{\"code\":\"no_room\",\"message\":\"no such room\"}}");
	put_str("client", "reply_error_unknown",
		"\x01\x0d{\"error\":{\"code\":\"what\",\"message\":\"\\u001b[2J\"}}");
	put_str("client", "reply_not_object", "\x01\x01[1,2]");
	put_str("client", "reply_html", "\x01\x0e<html>bad gateway</html>");
	/* plaintexts: byte 0 = 2 */
	b64_encode_into(prev, sizeof(prev), zero, sizeof(zero));
	snprintf(text, sizeof(text), "\x02{\"time\":1795301459000,\"text\":\"hello\",\"prev\":\"%s\","
		 "\"state\":{\"revision\":3,\"hash\":\"%s\"}}", prev, prev);
	put_str("client", "plain", text);
	snprintf(text, sizeof(text), "\x02{\"time\":1,\"text\":\"\",\"prev\":\"%s\",\"leave\":true,"
		 "\"state\":{\"revision\":1,\"hash\":\"%s\"}}", prev, prev);
	put_str("client", "plain_leave", text);
	snprintf(text, sizeof(text),
		 "\x02{\"time\":-1,\"text\":\"\\u001b]0;x\\u0007\\u009b\",\"prev\":\"%s\","
		 "\"state\":{\"revision\":9223372036854775807,\"hash\":\"%s\"}}", prev, prev);
	put_str("client", "plain_controls", text);
	/* protocol v1's plaintext: no state */
	snprintf(text, sizeof(text), "\x02{\"time\":1,\"text\":\"hi\",\"prev\":\"%s\"}", prev);
	put_str("client", "plain_v1", text);
	put_str("client", "plain_bad", "\x02{\"time\":1,\"text\":1}");
}

/* The router's (fuzz_routes.c): METHOD, PATH?QUERY, TOKEN, then the
 * body, one per route and a few that no route takes. */
static void routes_corpus(void)
{
	static const char *const reqs[][2] = {
		{"healthz", "GET\n/healthz\n\n"},
		{"metrics", "GET\n/metrics\n\n"},
		{"rooms_create", "POST\n/v1/rooms\n\n{\"v\":2}"},
		{"room_get", "GET\n/v1/rooms/lobby\n\n"},
		{"challenges", "POST\n/v1/rooms/lobby/challenges\n\n"},
		{"messages_list", "GET\n/v1/rooms/lobby/messages?after=3&limit=2&wait=0\nAAAA\n"},
		{"messages_post", "POST\n/v1/rooms/lobby/messages\nAAAA\n{}"},
		{"member_remove", "DELETE\n/v1/rooms/lobby/members/bob\nAAAA\n"},
		{"member_remove_empty", "DELETE\n/v1/rooms/lobby/members/\nAAAA\n"},
		{"state_put", "PUT\n/v1/rooms/lobby/state\n\n"},
		{"room_empty", "GET\n/v1/rooms//members\n\n"},
		{"trailing_slash", "GET\n/v1/rooms/lobby/state/\n\n"},
		{"no_route", "GET\n/nope\n\n"},
	};
	char path[200];

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		put_str("routes", reqs[i][0], reqs[i][1]);
	/* a room name longer than any allowed */
	snprintf(path, sizeof(path), "GET\n/v1/rooms/%080d/wraps\n\n", 0);
	put_str("routes", "room_too_long", path);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR\n");
		return 2;
	}
	out_dir = argv[1];
	LLVMFuzzerInitialize(&argc, &argv);
	fixture_rng_reset();
	wire_corpus();
	client_corpus(out_dir);
	relay_corpus();
	routes_corpus();
	if (failures > 0)
		fprintf(stderr, "mkcorpus: %d relay requests did not get their status\n", failures);
	return failures > 0;
}
