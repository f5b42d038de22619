/* test_encoding.c - base64, canonical transcripts (canon.c and the six
 * transcripts of docs/PROTOCOL.md), names and the error table: the
 * encodings every signed byte string and every reply rests on. */
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "canon.h"
#include "check.h"
#include "error.h"
#include "names.h"
#include "proto.h"
#include "transcript.h"

/* ---- base64 ---- */

/* RFC 4648 section 10, plus bytes that need '+' and '/'. */
static const struct {
	const char *bin;
	size_t len;
	const char *b64;
} b64_vectors[] = {
	{"", 0, ""},
	{"f", 1, "Zg=="},
	{"fo", 2, "Zm8="},
	{"foo", 3, "Zm9v"},
	{"foob", 4, "Zm9vYg=="},
	{"fooba", 5, "Zm9vYmE="},
	{"foobar", 6, "Zm9vYmFy"},
	{"\xfb\xff", 2, "+/8="},
};

static void test_b64_vectors(void)
{
	for (size_t i = 0; i < sizeof b64_vectors / sizeof b64_vectors[0]; i++) {
		const char *want = b64_vectors[i].b64;
		size_t len = b64_vectors[i].len;
		uint8_t bin[8];
		char *got = b64_encode((const uint8_t *)b64_vectors[i].bin, len);

		CHECKF(got && strcmp(got, want) == 0, "encode \"%s\": got \"%s\"", want,
		       got ? got : "(null)");
		CHECKF(b64_encoded_len(len) == strlen(want) + 1, "encoded_len(%zu)", len);
		memset(bin, 0xee, sizeof bin);
		CHECKF(b64_decode_exact(bin, len, want) &&
			       memcmp(bin, b64_vectors[i].bin, len) == 0,
		       "decode \"%s\"", want);
		free(got);
	}
}

/* Encode `len` random bytes both ways and decode them back. */
static void check_b64_round_trip(size_t len)
{
	uint8_t *bin = malloc(len + 1), *back = malloc(len + 1);
	size_t cap = b64_encoded_len(len), got_len = 0;
	char *enc = NULL, *into = malloc(cap);

	if (!CHECK(bin && back && into))
		goto out;
	randombytes_buf(bin, len);
	enc = b64_encode(bin, len);
	if (!CHECK(enc != NULL))
		goto out;
	CHECKF(strlen(enc) == cap - 1, "len %zu", len);
	CHECKF(b64_encode_into(into, cap, bin, len) && strcmp(into, enc) == 0, "len %zu", len);
	memset(back, 0, len + 1);
	CHECKF(b64_decode_exact(back, len, enc) && memcmp(back, bin, len) == 0, "len %zu", len);
	/* The bounded decoder reports the length when given room to spare. */
	CHECKF(b64_decode(back, len + 1, &got_len, enc) && got_len == len, "len %zu", len);
out:
	free(bin);
	free(back);
	free(enc);
	free(into);
}

static void test_b64_round_trips(void)
{
	static const size_t lengths[] = {0, 1, 2, 3, 4, 5, 16, 31, 32, 33, 48, 64, 1000};

	for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
		check_b64_round_trip(lengths[i]);
}

static void test_b64_refusals(void)
{
	static const struct {
		const char *b64;
		size_t len; /* what the caller asks for */
		const char *why;
	} bad[] = {
		{"Zm9v", 2, "decodes to more than asked"},
		{"Zm9v", 4, "decodes to less than asked"},
		{"Zm9vYg==", 3, "decodes to more than asked"},
		{"", 1, "empty for one byte"},
		{"Zm9v!", 3, "trailing garbage"},
		{"Zm9v\n", 3, "trailing newline"},
		{"Zm9v ", 3, "trailing space"},
		{"Zm9vYg==Zg==", 5, "a second encoding after the padding"},
		{" Zm9v", 3, "leading space"},
		{"-_8=", 2, "URL-safe alphabet"},
		{"Zm8", 2, "missing padding"},
		{"Zg", 1, "missing padding"},
		{"Zg=", 1, "half the padding"},
		{"Zh==", 1, "non-zero trailing bits"},
		{"Zm9v====", 3, "extra padding"},
	};
	uint8_t out[8];
	size_t len;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECKF(!b64_decode_exact(out, bad[i].len, bad[i].b64), "\"%s\" for %zu bytes: %s",
		       bad[i].b64, bad[i].len, bad[i].why);
	CHECK(!b64_decode_exact(out, 3, NULL));
	CHECK(!b64_decode(out, sizeof out, &len, NULL));
	CHECK(!b64_decode(out, 5, &len, "Zm9vYmFy")); /* 6 bytes into 5 */
}

static void test_b64_encode_into_bounds(void)
{
	static const uint8_t bin[] = {'f', 'o', 'o', 'b'};
	char out[16];

	memset(out, 'X', sizeof out);
	CHECK(!b64_encode_into(out, b64_encoded_len(sizeof bin) - 1, bin, sizeof bin));
	CHECK(out[0] == 'X'); /* nothing written on refusal */
	CHECK(!b64_encode_into(out, 0, bin, sizeof bin));
	CHECK(b64_encode_into(out, b64_encoded_len(sizeof bin), bin, sizeof bin));
	CHECK(strcmp(out, "Zm9vYg==") == 0);
}

/* ---- canonical transcripts ---- */

static bool canon_equals(const struct canon *c, const uint8_t *want, size_t want_len)
{
	size_t len = 0;
	const uint8_t *data = canon_data(c, &len);

	return data && len == want_len && memcmp(data, want, len) == 0;
}

static void test_canon_bytes(void)
{
	static const uint8_t want[] = {
		0, 0, 0, 3, 'l', 'b', 'l',                    /* label */
		0, 0, 0, 2, 'a', 'b',                         /* canon_str */
		0, 0, 0, 0,                                   /* empty string */
		0, 0, 0, 8, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* u64 */
		0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0,           /* u64 zero */
		0, 0, 0, 2, 0x00, 0xff,                       /* raw bytes */
	};
	static const uint8_t raw[] = {0x00, 0xff};
	struct canon *c = canon_new("lbl", 128);

	if (!CHECK(c != NULL))
		return;
	CHECK(canon_str(c, "ab"));
	CHECK(canon_str(c, ""));
	CHECK(canon_u64(c, 0x0102030405060708ULL));
	CHECK(canon_u64(c, 0));
	CHECK(canon_bytes(c, raw, sizeof raw));
	CHECK(canon_equals(c, want, sizeof want));
	canon_free(c);
}

/* A canon of `label` and up to two string fields (NULL: none). */
static struct canon *canon_of(const char *label, const char *f1, const char *f2)
{
	struct canon *c = canon_new(label, 64);

	if (c && f1)
		canon_str(c, f1);
	if (c && f2)
		canon_str(c, f2);
	return c;
}

/* 1 if both canons hold the same bytes, 0 if not, -1 if one failed. */
static int canon_cmp_of(struct canon *a, struct canon *b)
{
	size_t alen = 0, blen = 0;
	const uint8_t *ad = canon_data(a, &alen), *bd = canon_data(b, &blen);
	int same = -1;

	if (ad && bd)
		same = alen == blen && memcmp(ad, bd, alen) == 0;
	canon_free(a);
	canon_free(b);
	return same;
}

static void test_canon_lengths_separate_fields(void)
{
	CHECK(canon_cmp_of(canon_of("l", "ab", "c"), canon_of("l", "ab", "c")) == 1);
	CHECK(canon_cmp_of(canon_of("l", "ab", "c"), canon_of("l", "a", "bc")) == 0);
	CHECK(canon_cmp_of(canon_of("l", "ab", ""), canon_of("l", "a", "b")) == 0);
	CHECK(canon_cmp_of(canon_of("l", "", NULL), canon_of("l", NULL, NULL)) == 0);
	/* Nor can a label run into the first field, or one label into another. */
	CHECK(canon_cmp_of(canon_of("la", "b", NULL), canon_of("l", "ab", NULL)) == 0);
	CHECK(canon_cmp_of(canon_of("l1", "x", NULL), canon_of("l2", "x", NULL)) == 0);
}

static void test_canon_capacity(void)
{
	/* "l" takes 5 bytes, "ab" 6: 11 fit exactly. */
	struct canon *c = canon_new("l", 11), *tiny = canon_new("label", 4);
	size_t len = 0;

	if (!CHECK(c && tiny))
		goto out;
	CHECK(canon_str(c, "ab"));
	CHECK(canon_data(c, &len) != NULL && len == 11);
	CHECK(!canon_str(c, "")); /* even 4 more bytes are too many */
	CHECK(canon_data(c, &len) == NULL);
	CHECK(!canon_bytes(c, NULL, 0)); /* every later call fails too */
	CHECK(!canon_u64(c, 1));
	CHECK(canon_data(c, &len) == NULL);
	/* One byte short of room for a field. */
	canon_free(c);
	c = canon_new("l", 10);
	CHECK(c && !canon_str(c, "ab") && canon_data(c, &len) == NULL);
	/* A label larger than the capacity fails the canon from the start. */
	CHECK(canon_data(tiny, &len) == NULL);
	CHECK(canon_data(NULL, &len) == NULL);
out:
	canon_free(c);
	canon_free(tiny);
	canon_free(NULL); /* NULL-safe */
}

/* ---- transcripts: docs/PROTOCOL.md's table, byte for byte ---- */

/* The expected bytes, written out independently of canon.c. */
struct expected {
	uint8_t buf[1024];
	size_t len;
};

static void put_field(struct expected *e, const void *p, size_t n)
{
	e->buf[e->len++] = (uint8_t)(n >> 24);
	e->buf[e->len++] = (uint8_t)(n >> 16);
	e->buf[e->len++] = (uint8_t)(n >> 8);
	e->buf[e->len++] = (uint8_t)n;
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static void put_str(struct expected *e, const char *s)
{
	put_field(e, s, strlen(s));
}

static void put_u64(struct expected *e, uint64_t v)
{
	uint8_t be[8];

	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)(v >> (56 - 8 * i));
	put_field(e, be, sizeof be);
}

/* Compares and frees `c`. */
static bool transcript_is(struct canon *c, const struct expected *e)
{
	bool same = c && canon_equals(c, e->buf, e->len);

	canon_free(c);
	return same;
}

static void put_room(struct expected *e, const struct wire_roomref *room)
{
	put_str(e, room->name);
	put_field(e, room->id, E2E_ROOM_ID_BYTES);
}

static void test_transcripts(void)
{
	struct wire_member m;
	struct wire_wrap w;
	uint8_t nonce[E2E_NONCE_BYTES], box_pk[E2E_BOX_PK_BYTES], payload[40];
	uint8_t aead_nonce[E2E_AEAD_NONCE_BYTES], ct[50], id[E2E_ROOM_ID_BYTES];
	uint8_t hash[E2E_HASH_BYTES], want_hash[E2E_HASH_BYTES];
	const struct wire_roomref room = {"room-1", id};
	struct expected e = {.len = 0}, ad = {.len = 0};
	struct canon *ad_canon;

	memset(&m, 0, sizeof m);
	snprintf(m.name, sizeof m.name, "bob");
	randombytes_buf(id, sizeof id);
	randombytes_buf(m.sign_pk, sizeof m.sign_pk);
	randombytes_buf(m.box_pk, sizeof m.box_pk);
	randombytes_buf(m.mac, sizeof m.mac); /* never part of a transcript */
	m.since = 4;   /* nor these: only the signed state's bytes carry them */
	m.admin = true;
	randombytes_buf(nonce, sizeof nonce);

	put_str(&e, "e2e-chat/v2/member");
	put_room(&e, &room);
	put_str(&e, "bob");
	put_field(&e, m.sign_pk, sizeof m.sign_pk);
	put_field(&e, m.box_pk, sizeof m.box_pk);
	CHECK(transcript_is(transcript_member(&room, &m), &e));

	e.len = 0;
	put_str(&e, "e2e-chat/v2/join");
	put_room(&e, &room);
	put_field(&e, nonce, sizeof nonce);
	put_str(&e, "bob");
	put_field(&e, m.sign_pk, sizeof m.sign_pk);
	put_field(&e, m.box_pk, sizeof m.box_pk);
	CHECK(transcript_is(transcript_join(&room, nonce, &m), &e));

	randombytes_buf(payload, sizeof payload);
	e.len = 0;
	put_str(&e, "e2e-chat/v2/state");
	put_field(&e, payload, sizeof payload);
	CHECK(transcript_is(transcript_state(payload, sizeof payload), &e));
	/* the state hash: BLAKE2b-256 of exactly those bytes */
	crypto_generichash(want_hash, sizeof want_hash, e.buf, e.len, NULL, 0);
	CHECK(transcript_state_hash(hash, payload, sizeof payload) &&
	      memcmp(hash, want_hash, sizeof hash) == 0);

	memset(&w, 0, sizeof w);
	snprintf(w.member, sizeof w.member, "bob");
	snprintf(w.by, sizeof w.by, "carol");
	w.epoch = 0x0102030405060708ULL;
	randombytes_buf(w.nonce, sizeof w.nonce);
	randombytes_buf(w.box, sizeof w.box);
	randombytes_buf(w.sig, sizeof w.sig); /* not signed over itself */
	randombytes_buf(box_pk, sizeof box_pk);
	e.len = 0;
	put_str(&e, "e2e-chat/v2/wrap");
	put_room(&e, &room);
	put_u64(&e, w.epoch);
	put_str(&e, "bob");
	put_str(&e, "carol");
	put_field(&e, box_pk, sizeof box_pk);
	put_field(&e, w.nonce, sizeof w.nonce);
	put_field(&e, w.box, sizeof w.box);
	CHECK(transcript_is(transcript_wrap(&room, &w, box_pk), &e));

	put_str(&ad, "e2e-chat/v2/msg");
	put_room(&ad, &room);
	put_str(&ad, "alice");
	put_u64(&ad, 3);
	put_u64(&ad, 0xffffffffffffffffULL);
	ad_canon = transcript_msg_ad(&room, "alice", 3, 0xffffffffffffffffULL);
	CHECK(ad_canon && canon_equals(ad_canon, ad.buf, ad.len));

	randombytes_buf(aead_nonce, sizeof aead_nonce);
	randombytes_buf(ct, sizeof ct);
	e.len = 0;
	put_str(&e, "e2e-chat/v2/msg-sig");
	put_field(&e, ad.buf, ad.len);
	put_field(&e, aead_nonce, sizeof aead_nonce);
	put_field(&e, ct, sizeof ct);
	CHECK(ad_canon && transcript_is(transcript_msg_sig(ad_canon, aead_nonce, ct, sizeof ct), &e));
	canon_free(ad_canon);
}

/* ---- names ---- */

/* Names of 'a' around both maximum lengths. */
static void check_name_lengths(void)
{
	static const size_t lengths[] = {
		1, E2E_MEMBER_NAME_MAX - 1, E2E_MEMBER_NAME_MAX, E2E_MEMBER_NAME_MAX + 1,
		E2E_ROOM_NAME_MAX - 1, E2E_ROOM_NAME_MAX, E2E_ROOM_NAME_MAX + 1, 1000,
	};
	char name[1001];

	for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		size_t len = lengths[i];

		memset(name, 'a', len);
		name[len] = '\0';
		CHECKF(name_room_valid(name) == (len <= E2E_ROOM_NAME_MAX), "room of %zu", len);
		CHECKF(name_member_valid(name) == (len <= E2E_MEMBER_NAME_MAX), "member of %zu",
		       len);
		/* The last character may be any of the alphabet. */
		name[len - 1] = '-';
		CHECKF(name_member_valid(name) == (len > 1 && len <= E2E_MEMBER_NAME_MAX),
		       "member of %zu ending in '-'", len);
	}
}

static void test_names(void)
{
	static const struct {
		const char *name;
		bool room, member;
	} cases[] = {
		{"", false, false},
		{"a", true, true},
		{"Z", true, true},
		{"7", true, true},
		{"alice", true, true},
		{"a.b_c-d", true, true},
		{"a..", true, true},
		{"A0.-_", true, true},
		{".a", false, false},
		{"-a", false, false},
		{"_a", false, false},
		{".", false, false},
		{"..", false, false},
		{"a/b", false, false},
		{"/a", false, false},
		{"a\\b", false, false},
		{"a b", false, false},
		{" a", false, false},
		{"a ", false, false},
		{"a\n", false, false},
		{"a\t", false, false},
		{"a\x1b[0m", false, false},
		{"a:b", false, false},
		{"a%2e", false, false},
		{"a+b", false, false},
		{"\xc3\xa9", false, false},  /* é */
		{"a\xc3\xa9", false, false}, /* aé */
		{"\xff", false, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECKF(name_room_valid(cases[i].name) == cases[i].room, "room \"%s\"", cases[i].name);
		CHECKF(name_member_valid(cases[i].name) == cases[i].member, "member \"%s\"",
		       cases[i].name);
	}
	check_name_lengths();
	CHECK(!name_room_valid(NULL));
	CHECK(!name_member_valid(NULL));
}

/* A name one byte too long with no terminator at all: the check must stop
 * reading at max + 1 bytes (AddressSanitizer sees any further read). */
static void test_names_bounded_read(void)
{
	char *member = malloc(E2E_MEMBER_NAME_MAX + 1), *room = malloc(E2E_ROOM_NAME_MAX + 1);

	if (CHECK(member && room)) {
		memset(member, 'a', E2E_MEMBER_NAME_MAX + 1);
		memset(room, 'a', E2E_ROOM_NAME_MAX + 1);
		CHECK(!name_member_valid(member));
		CHECK(!name_room_valid(room));
	}
	free(member);
	free(room);
}

/* ---- the error table ---- */

/* docs/PROTOCOL.md, "Errors". */
static const struct {
	enum e2e_err err;
	const char *code;
	unsigned status;
} documented[] = {
	{E2E_OK, "ok", 200},
	{E2E_ERR_BAD_JSON, "bad_json", 400},
	{E2E_ERR_BAD_FIELD, "bad_field", 400},
	{E2E_ERR_BAD_VERSION, "bad_version", 400},
	{E2E_ERR_BAD_NAME, "bad_name", 400},
	{E2E_ERR_BAD_SIGNATURE, "bad_signature", 400},
	{E2E_ERR_UNAUTHORIZED, "unauthorized", 401},
	{E2E_ERR_BAD_CHALLENGE, "bad_challenge", 401},
	{E2E_ERR_BAD_PROOF, "bad_proof", 403},
	{E2E_ERR_NOT_ADMITTED, "not_admitted", 403},
	{E2E_ERR_NOT_CREATOR, "not_creator", 403},
	{E2E_ERR_NOT_ADMIN, "not_admin", 403},
	{E2E_ERR_REMOVED, "removed", 403},
	{E2E_ERR_LIMIT, "limit_reached", 403},
	{E2E_ERR_NO_ROUTE, "no_route", 404},
	{E2E_ERR_NO_ROOM, "no_room", 404},
	{E2E_ERR_NO_MEMBER, "no_member", 404},
	{E2E_ERR_METHOD, "method_not_allowed", 405},
	{E2E_ERR_ROOM_EXISTS, "room_exists", 409},
	{E2E_ERR_NAME_TAKEN, "name_taken", 409},
	{E2E_ERR_STALE, "stale_revision", 409},
	{E2E_ERR_COUNTER, "counter_reused", 409},
	{E2E_ERR_CREATOR_STAYS, "creator_stays", 409},
	{E2E_ERR_ADMIN_STAYS, "admin_stays", 409},
	{E2E_ERR_IN_STATE, "in_state", 409},
	{E2E_ERR_TOO_LARGE, "body_too_large", 413},
	{E2E_ERR_URI_TOO_LONG, "uri_too_long", 414},
	{E2E_ERR_BUSY, "busy", 429},
	{E2E_ERR_INTERNAL, "internal", 500},
};

static void test_error_table(void)
{
	const size_t n = sizeof documented / sizeof documented[0];

	CHECK(n == E2E_ERR__COUNT); /* every value is documented */
	for (unsigned i = 0; i < E2E_ERR__COUNT; i++) {
		const struct e2e_err_info *info = e2e_err_info((enum e2e_err)i);

		if (!CHECKF(info && info->code && info->message, "value %u", i))
			continue;
		CHECKF(info->code[0] && info->message[0], "value %u", i);
		CHECKF(info->http_status >= 200 && info->http_status <= 599, "value %u: %u", i,
		       info->http_status);
		CHECKF(e2e_err_from_code(info->code) == (enum e2e_err)i, "\"%s\"", info->code);
	}
	for (size_t i = 0; i < n; i++) {
		const struct e2e_err_info *info = e2e_err_info(documented[i].err);

		CHECKF(strcmp(info->code, documented[i].code) == 0 &&
			       info->http_status == documented[i].status,
		       "%s: table says %s %u", documented[i].code, info->code, info->http_status);
	}
}

static void test_error_lookups(void)
{
	static const char *unknown[] = {"", "nope", "BAD_JSON", "bad_json ", "bad", "ok\n"};
	const struct e2e_err_info *internal = e2e_err_info(E2E_ERR_INTERNAL);

	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
		CHECKF(e2e_err_from_code(unknown[i]) == E2E_ERR__COUNT, "\"%s\"", unknown[i]);
	CHECK(e2e_err_from_code(NULL) == E2E_ERR__COUNT);
	/* Out-of-range values fall back to "internal", never NULL. */
	CHECK(e2e_err_info(E2E_ERR__COUNT) == internal);
	CHECK(e2e_err_info((enum e2e_err)(E2E_ERR__COUNT + 100)) == internal);
	CHECK(e2e_err_info((enum e2e_err)-1) == internal);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_b64_vectors();
	test_b64_round_trips();
	test_b64_refusals();
	test_b64_encode_into_bounds();
	test_canon_bytes();
	test_canon_lengths_separate_fields();
	test_canon_capacity();
	test_transcripts();
	test_names();
	test_names_bounded_read();
	test_error_table();
	test_error_lookups();
	return check_summary("test_encoding");
}
