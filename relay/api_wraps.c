/* api_wraps.c - the key wrap resource: GET /v1/rooms/ROOM/wraps serves a
 * member the session keys wrapped for it (and only those), oldest epoch
 * first. Wraps are stored with the state that lists their recipients. */
#include "api.h"

static enum e2e_err wraps_add(void *ctx, const struct wire_wrap *w)
{
	json_t *list = ctx;
	json_t *rec = wire_wrap_pack(w);

	/* a wrap of protocol v1 had no "by" */
	if (rec != NULL && w->by[0] == '\0')
		json_object_del(rec, "by");
	/* the array takes the reference, also when appending fails */
	return rec != NULL && json_array_append_new(list, rec) == 0 ? E2E_OK
								 : E2E_ERR_INTERNAL;
}

enum e2e_err api_wraps_get(struct store *st, struct http_req *rq, const char *room,
			   struct api_res *res)
{
	struct store_room r;
	struct store_member me;
	json_t *list = json_array();
	enum e2e_err err = api_member(st, rq, room, &r, &me);

	if (err == E2E_OK)
		err = list != NULL ? store_wraps_each(st, r.id, me.rec.name, wraps_add, list)
				   : E2E_ERR_INTERNAL;
	if (err == E2E_OK)
		err = api_ok(res, 200, json_pack("{s:O}", "wraps", list));
	json_decref(list);
	return err;
}
