/* routes.c - the static route table and the dispatcher (see routes.h). */
#include "routes.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "names.h"

#define ROUTES_ROOM_PARAM ":room"
#define ROUTES_ALLOW_MAX 32

struct route {
	const char *method;
	const char *pattern; /* ":room" matches one path segment */
	api_fn fn;
};

static const struct route route_table[] = {
	{"POST", "/v1/rooms", api_rooms_create},
	{"GET", "/v1/rooms/:room", api_rooms_get},
	{"POST", "/v1/rooms/:room/challenges", api_challenges_create},
	{"POST", "/v1/rooms/:room/members", api_members_join},
	{"GET", "/v1/rooms/:room/members", api_members_list},
	{"GET", "/v1/rooms/:room/state", api_state_get},
	{"POST", "/v1/rooms/:room/state", api_state_post},
	{"GET", "/v1/rooms/:room/wraps", api_wraps_get},
	{"POST", "/v1/rooms/:room/messages", api_messages_post},
	{"GET", "/v1/rooms/:room/messages", api_messages_list},
};

#define ROUTES_N (sizeof(route_table) / sizeof(route_table[0]))

/* Does `path` match `pattern`? The :room segment is copied into `room`
 * (cap bytes); one too long for it is left empty, an invalid name. */
static bool route_match(const char *pattern, const char *path, char *room, size_t cap)
{
	const size_t plen = strlen(ROUTES_ROOM_PARAM);
	bool ok = true;

	while (ok && *pattern != '\0') {
		if (strncmp(pattern, ROUTES_ROOM_PARAM, plen) == 0) {
			size_t n = strcspn(path, "/");

			snprintf(room, cap, "%.*s", n < cap ? (int)n : 0, path);
			path += n;
			pattern += plen;
		} else {
			ok = *pattern++ == *path++;
		}
	}
	return ok && *path == '\0';
}

/* Add `method` to the comma-separated list `allow` unless present. */
static void route_allow(char *allow, size_t cap, const char *method)
{
	size_t len = strlen(allow);

	if (strstr(allow, method) != NULL)
		return;
	snprintf(allow + len, cap - len, "%s%s", len > 0 ? ", " : "", method);
}

/* Run the handler and answer with its reply or its error. */
static bool route_run(const struct route *r, struct store *st, struct http_req *rq,
		      const char *room)
{
	struct api_res res;
	enum e2e_err err;
	bool ok;

	memset(&res, 0, sizeof(res));
	err = r->fn(st, rq, room, &res);
	if (err == E2E_OK)
		ok = http_reply_json(rq, res.status, res.body);
	else
		ok = http_reply_error(rq, err, res.jerr.text, NULL);
	json_decref(res.body);
	return ok;
}

bool routes_dispatch(void *ctx, struct http_req *rq)
{
	const char *path = http_path(rq);
	const char *method = http_method(rq);
	const struct route *hit = NULL;
	char room[E2E_ROOM_NAME_MAX + 2] = "";
	char allow[ROUTES_ALLOW_MAX] = "";
	bool has_room = false;
	bool ok;

	for (size_t i = 0; i < ROUTES_N; i++) {
		const struct route *r = &route_table[i];

		if (!route_match(r->pattern, path, room, sizeof(room)))
			continue;
		route_allow(allow, sizeof(allow), r->method);
		if (strcmp(method, r->method) == 0)
			hit = r;
	}
	if (hit != NULL)
		has_room = strstr(hit->pattern, ROUTES_ROOM_PARAM) != NULL;
	if (allow[0] == '\0')
		ok = http_reply_error(rq, E2E_ERR_NO_ROUTE, NULL, NULL);
	else if (hit == NULL)
		ok = http_reply_error(rq, E2E_ERR_METHOD, NULL, allow);
	else if (has_room && !name_room_valid(room))
		ok = http_reply_error(rq, E2E_ERR_BAD_NAME, "room", NULL);
	else
		ok = route_run(hit, ctx, rq, has_room ? room : NULL);
	return ok;
}
