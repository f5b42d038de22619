/* routes.h - the relay's route table and dispatcher: which handler serves
 * which method and path. 404 no_route, 405 method_not_allowed (with
 * Allow) and 400 bad_name for the :room segment are answered here, and
 * a handler's result is turned into the reply here, in one place. */
#ifndef RELAY_ROUTES_H
#define RELAY_ROUTES_H

#include <stdbool.h>

#include "http.h"

/* An http_handler_fn; ctx is the struct store. */
bool routes_dispatch(void *ctx, struct http_req *rq);

#endif
