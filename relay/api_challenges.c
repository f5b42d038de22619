/* api_challenges.c - the join challenge resource: POST
 * /v1/rooms/ROOM/challenges hands out a single-use random nonce, valid
 * E2E_CHALLENGE_TTL seconds, at most E2E_CHALLENGES_MAX outstanding per
 * room. */
#include "api.h"

/* The body is empty or {}. */
static enum e2e_err challenge_body(struct http_req *rq, struct api_res *res)
{
	size_t len;
	json_t *root = NULL;
	enum e2e_err err = E2E_OK;

	http_body(rq, &len);
	if (len > 0)
		err = api_body(rq, &root, res);
	if (err == E2E_OK && len > 0 && json_object_size(root) != 0)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "the body takes no fields");
	json_decref(root);
	return err;
}

enum e2e_err api_challenges_create(struct store *st, struct http_req *rq, const char *room,
				   struct api_res *res)
{
	uint8_t nonce[E2E_NONCE_BYTES];
	char b64[sodium_base64_ENCODED_LEN(E2E_NONCE_BYTES, E2E_B64_VARIANT)];
	struct store_room r;
	int64_t now = api_now();
	enum e2e_err err = challenge_body(rq, res);

	if (err == E2E_OK)
		err = store_room_get(st, room, &r);
	if (err == E2E_OK)
		err = api_room_writable(&r, res);
	randombytes_buf(nonce, sizeof(nonce));
	if (err == E2E_OK)
		err = store_challenge_add(st, r.id, nonce, now, now + E2E_CHALLENGE_TTL);
	sodium_bin2base64(b64, sizeof(b64), nonce, sizeof(nonce), E2E_B64_VARIANT);
	if (err == E2E_OK)
		err = api_ok(res, 201, json_pack("{s:s, s:i}", "nonce", b64, "expires_in",
						 E2E_CHALLENGE_TTL));
	return err;
}
