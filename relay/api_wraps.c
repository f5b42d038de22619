/* api_wraps.c - the key wrap resource: GET /v1/rooms/ROOM/wraps serves a
 * member the session keys wrapped for it (and only those), oldest epoch
 * first. Wraps are stored with the state that lists their recipients. */
#include "api.h"

static enum e2e_err wraps_add(void *ctx, const struct wire_wrap *w)
{
	json_t *list = ctx;
	json_t *rec = wire_wrap_pack(w);

	if (rec == NULL)
		return E2E_ERR_INTERNAL;
	/* the array takes the reference, also when appending fails */
	return json_array_append_new(list, rec) == 0 ? E2E_OK : E2E_ERR_INTERNAL;
}

enum e2e_err api_wraps_get(struct store *st, struct http_req *rq, const char *room,
			   struct api_res *res)
{
	struct store_room r;
	struct store_member me;
	json_t *list = NULL;
	enum e2e_err err = api_member(st, rq, room, &r, &me);

	if (err != E2E_OK)
		return err;
	list = json_array();
	if (list == NULL)
		return E2E_ERR_INTERNAL;
	err = store_wraps_each(st, r.id, me.rec.name, wraps_add, list);
	if (err != E2E_OK) {
		json_decref(list);
		return err;
	}
	return api_ok(res, 200, json_pack("{s:o}", "wraps", list));
}
