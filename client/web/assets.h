/* assets.h - the page's files (client/web/assets/), embedded in the
 * binary at build time by client/web/embed.py into assets.c: no file is
 * read at run time and nothing is fetched from the network. */
#ifndef E2E_WEB_ASSETS_H
#define E2E_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path; /* "/index.html" */
	const char *type; /* its Content-Type */
	const unsigned char *data;
	size_t len;
};

/* The asset served at `path` ("/" is "/index.html"); NULL if none. */
const struct web_asset *web_asset_find(const char *path);

#endif
