/* api_health.c - the operator's endpoints: GET /healthz (the relay
 * answers and its database reads) and GET /metrics (Prometheus text). */
#include "api.h"

enum e2e_err api_health_get(const struct api_env *env, struct http_req *rq,
			    const char *room, struct api_res *res)
{
	struct store_room r;
	/* a lookup that reads the database: "-" is never a room's name, so
	 * anything but "no such room" means the database is in trouble */
	enum e2e_err err = store_room_get(env->st, "-", &r);

	if (err == E2E_ERR_NO_ROOM || err == E2E_OK)
		err = api_ok(res, 200, json_pack("{s:s}", "status", "ok"));
	else
		err = E2E_ERR_INTERNAL;
	return err;
}

enum e2e_err api_metrics_get(const struct api_env *env, struct http_req *rq,
			     const char *room, struct api_res *res)
{
	size_t len = 0;
	struct metrics_gauges g = {.waiting = waiters_count(env->w),
				   .committing = env->c != NULL ? committer_pending(env->c) : 0};
	char *text = metrics_render(env->m, &g, &len);

	res->status = 200;
	res->text = text;
	res->text_len = len;
	return text != NULL ? E2E_OK : E2E_ERR_INTERNAL;
}
