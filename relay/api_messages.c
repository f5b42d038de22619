/* api_messages.c - the message resource: POST /v1/rooms/ROOM/messages
 * stores an admitted member's ciphertext (sender from the token, counter
 * above its last, epoch not above the current); GET reads them in seq
 * order with `after` and `limit`. */
#include <stdlib.h>
#include <string.h>

#include "api.h"

/* The room and the admitted member the token belongs to. */
static enum e2e_err messages_member(struct store *st, struct http_req *rq, const char *room,
				    struct store_room *r, struct store_member *me)
{
	enum e2e_err err = api_member(st, rq, room, r, me);

	if (err == E2E_OK && !me->admitted)
		err = E2E_ERR_NOT_ADMITTED;
	return err;
}

static enum e2e_err messages_unpack(struct store *st, const struct store_room *r,
				    struct http_req *rq, struct wire_msg *m,
				    struct api_res *res)
{
	uint64_t revision = 0;
	uint64_t epoch = 0;
	json_t *root = NULL;
	enum e2e_err err = api_body(rq, &root, res);

	if (err == E2E_OK)
		err = api_version(root, res);
	if (err == E2E_OK)
		err = wire_msg_unpack(root, m, false, &res->jerr);
	if (err == E2E_OK)
		err = store_state_head(st, r->id, &revision, &epoch);
	if (err == E2E_OK && m->epoch > epoch)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "epoch: above the current %llu",
			       (unsigned long long)epoch);
	json_decref(root);
	return err;
}

enum e2e_err api_messages_post(struct store *st, struct http_req *rq, const char *room,
			       struct api_res *res)
{
	struct store_room r;
	struct store_member me;
	struct wire_msg *m = calloc(1, sizeof(*m)); /* 8 KiB: not on the stack */
	enum e2e_err err = m != NULL ? E2E_OK : E2E_ERR_INTERNAL;

	if (err == E2E_OK)
		err = messages_member(st, rq, room, &r, &me);
	if (err == E2E_OK)
		err = messages_unpack(st, &r, rq, m, res);
	if (err != E2E_OK)
		goto done;
	memcpy(m->sender, me.rec.name, sizeof(m->sender));
	m->received_at = api_now();
	err = store_msg_add(st, r.id, m);
	if (err == E2E_ERR_COUNTER)
		api_fail(res, err, "counter: must be above %llu",
			 (unsigned long long)me.last_counter);
	if (err == E2E_OK)
		err = api_ok(res, 201, json_pack("{s:I}", "seq", (json_int_t)m->seq));
done:
	free(m);
	return err;
}

/* A query argument: absent gives `def`; else decimal digits only, in
 * min..max. */
static enum e2e_err messages_arg(struct http_req *rq, const char *key, uint64_t def,
				 uint64_t min, uint64_t max, uint64_t *out,
				 struct api_res *res)
{
	const char *v = http_query(rq, key);
	uint64_t n = 0;
	size_t i = 0;
	bool ok = true;
	enum e2e_err err = E2E_OK;

	for (; v != NULL && ok && v[i] >= '0' && v[i] <= '9'; i++) {
		ok = n <= (max - (uint64_t)(v[i] - '0')) / 10; /* n * 10 + digit <= max */
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (v != NULL && (!ok || i == 0 || v[i] != '\0' || n < min))
		err = api_fail(res, E2E_ERR_BAD_FIELD, "%s: not an integer in %llu..%llu", key,
			       (unsigned long long)min, (unsigned long long)max);
	else
		*out = v != NULL ? n : def;
	return err;
}

static enum e2e_err messages_add(void *ctx, const struct wire_msg *m)
{
	json_t *list = ctx;
	json_t *rec = wire_msg_pack(m, true);

	/* the array takes the reference, also when appending fails */
	return rec != NULL && json_array_append_new(list, rec) == 0 ? E2E_OK
								 : E2E_ERR_INTERNAL;
}

enum e2e_err api_messages_list(struct store *st, struct http_req *rq, const char *room,
			       struct api_res *res)
{
	struct store_room r;
	struct store_member me;
	uint64_t after = 0;
	uint64_t limit = 0;
	json_t *list = json_array();
	enum e2e_err err = messages_member(st, rq, room, &r, &me);

	if (err == E2E_OK)
		err = messages_arg(rq, "after", 0, 0, INT64_MAX, &after, res);
	if (err == E2E_OK)
		err = messages_arg(rq, "limit", E2E_READ_DEFAULT, 1, E2E_READ_MAX, &limit, res);
	if (err == E2E_OK)
		err = list != NULL ? store_msgs_each(st, r.id, after, (unsigned)limit,
						     messages_add, list)
				   : E2E_ERR_INTERNAL;
	if (err == E2E_OK)
		err = api_ok(res, 200, json_pack("{s:O}", "messages", list));
	json_decref(list);
	return err;
}
