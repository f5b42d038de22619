/* relayurl.c - the normal form of a relay URL (see relayurl.h), parsed by
 * libcurl's URL API so that it reads a URL exactly as the requests will. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "relayurl.h"

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* The parts that have no place in a relay URL, or NULL if none is there. */
static const char *unwanted_part(CURLU *u)
{
	static const struct {
		CURLUPart part;
		const char *what;
	} parts[] = {
		{CURLUPART_USER, "a user name"},     {CURLUPART_PASSWORD, "a password"},
		{CURLUPART_OPTIONS, "login options"}, {CURLUPART_QUERY, "a query (?...)"},
		{CURLUPART_FRAGMENT, "a fragment (#...)"},
	};
	char *value = NULL;
	const char *found = NULL;

	for (size_t i = 0; !found && i < sizeof parts / sizeof parts[0]; i++) {
		if (curl_url_get(u, parts[i].part, &value, 0) == CURLUE_OK)
			found = parts[i].what;
		curl_free(value);
		value = NULL;
	}
	return found;
}

bool relayurl_normalise(char out[static RELAYURL_MAX], const char *url, char *err,
			size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	const char *unwanted;
	size_t plen;
	bool ok = false;
	int n;

	out[0] = '\0';
	if (!u) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* without CURLU_GUESS_SCHEME: "example.org" is not taken for http:// */
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		/* not repeated: what failed to parse may hold a password */
		snprintf(err, errlen, "the relay URL is not a URL such as http://127.0.0.1:8000");
		goto out;
	}
	lower_ascii(scheme);
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		snprintf(err, errlen, "the relay URL must start with http:// or https:// (not %s://)",
			 scheme);
		goto out;
	}
	unwanted = unwanted_part(u);
	if (unwanted) {
		/* not repeated: it may hold a password */
		snprintf(err, errlen, "the relay URL has %s, which a relay URL cannot have",
			 unwanted);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) != CURLUE_OK)
		port = NULL; /* none given, or the scheme's default */
	lower_ascii(host);
	plen = strlen(path);
	while (plen > 0 && path[plen - 1] == '/')
		plen--;
	n = snprintf(out, RELAYURL_MAX, "%s://%s%s%s%.*s", scheme, host, port ? ":" : "",
		     port ? port : "", (int)plen, path);
	if (n < 0 || n >= RELAYURL_MAX) {
		out[0] = '\0';
		snprintf(err, errlen, "the relay URL is longer than %d characters", RELAYURL_MAX - 1);
		goto out;
	}
	ok = true;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return ok;
}
