/* test_relayurl.c - the one spelling of a relay URL (client/relayurl.c):
 * spellings of one relay meet in one normal form, other relays stay
 * apart, and what is not a relay URL is refused with a reason. */
#include <curl/curl.h>
#include <string.h>

#include "check.h"
#include "relayurl.h"

static const struct {
	const char *in;
	const char *want;
} same[] = {
	{"http://127.0.0.1:8000", "http://127.0.0.1:8000"},
	{"http://127.0.0.1:8000/", "http://127.0.0.1:8000"},
	{"http://127.0.0.1:8000///", "http://127.0.0.1:8000"},
	{"HTTP://127.0.0.1:8000/", "http://127.0.0.1:8000"},
	{"http://LocalHost:8000", "http://localhost:8000"},
	{"https://Chat.Example.ORG/", "https://chat.example.org"},
	{"https://chat.example.org:443", "https://chat.example.org"},
	{"http://chat.example.org:80/", "http://chat.example.org"},
	{"http://chat.example.org:443", "http://chat.example.org:443"},
	{"https://chat.example.org:80", "https://chat.example.org:80"},
	{"https://example.org/e2e/", "https://example.org/e2e"},
	{"https://example.org/E2E", "https://example.org/E2E"}, /* paths keep their case */
	{"http://[::1]:8000/", "http://[::1]:8000"},
};

static const struct {
	const char *in;
	const char *reason; /* a word the refusal must contain */
} refused[] = {
	{"127.0.0.1:8000", "http"},
	{"example.org", "URL"},
	{"ftp://example.org", "http://"},
	{"http://user:secret@example.org", "user name"},
	{"http://example.org/?x=1", "query"},
	{"http://example.org/#top", "fragment"},
	{"", "URL"},
	{"http://", "URL"},
};

int main(void)
{
	char out[RELAYURL_MAX], err[256], longurl[RELAYURL_MAX + 64];

	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		err[0] = '\0';
		if (CHECKF(relayurl_normalise(out, same[i].in, err, sizeof err), "%s: %s",
			   same[i].in, err))
			CHECKF(strcmp(out, same[i].want) == 0, "%s gave %s, want %s", same[i].in, out,
			       same[i].want);
	}
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		err[0] = '\0';
		CHECKF(!relayurl_normalise(out, refused[i].in, err, sizeof err), "%s accepted as %s",
		       refused[i].in, out);
		CHECKF(strstr(err, refused[i].reason) != NULL, "%s: reason '%s' lacks '%s'",
		       refused[i].in, err, refused[i].reason);
		CHECKF(out[0] == '\0', "%s: output left set", refused[i].in);
	}
	/* a refusal never repeats a password */
	CHECK(!relayurl_normalise(out, "http://user:secret@example.org", err, sizeof err));
	CHECK(strstr(err, "secret") == NULL);
	CHECK(!relayurl_normalise(out, "http://user:secret@[::1", err, sizeof err)); /* unparsable */
	CHECK(strstr(err, "secret") == NULL);
	/* a URL longer than the normal form may be */
	memcpy(longurl, "http://example.org/", 19);
	memset(longurl + 19, 'a', sizeof longurl - 20);
	longurl[sizeof longurl - 1] = '\0';
	CHECK(!relayurl_normalise(out, longurl, err, sizeof err));
	CHECK(strstr(err, "longer") != NULL);
	curl_global_cleanup();
	return check_summary("test_relayurl");
}
