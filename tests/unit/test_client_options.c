/* test_client_options.c - e2e-chat's generated option table: the defaults
 * and limits docs/options/e2e-chat.opts states are the client's own, and
 * every verb has its function (test_cmdline does the relay's). */
#include <string.h>

#include "check.h"
#include "client.h"
#include "e2e_chat_opts.h"
#include "roomfile.h"

/* e2e-chat's table: the defaults and limits it states are the client's. */
static void test_client(void)
{
	const struct cmdline_opt *o = e2e_chat_spec.opts;
	char want[64];

	CHECK(strstr(o[E2E_CHAT_OPT_RELAY].default_text, CLIENT_DEFAULT_RELAY) != NULL);
	snprintf(want, sizeof want, "%d", CLIENT_DEFAULT_INTERVAL_MS);
	CHECK(strcmp(o[E2E_CHAT_OPT_INTERVAL].default_text, want) == 0);
	snprintf(want, sizeof want, "%d", ROOMFILE_ROTATE_MESSAGES);
	CHECK(strcmp(o[E2E_CHAT_OPT_ROTATE_MESSAGES].default_text, want) == 0);
	snprintf(want, sizeof want, "%d", ROOMFILE_ROTATE_SECONDS);
	CHECK(strcmp(o[E2E_CHAT_OPT_ROTATE_SECONDS].default_text, want) == 0);
	snprintf(want, sizeof want, "(1..%d)", CLIENT_TAIL_MAX);
	CHECK(strstr(o[E2E_CHAT_OPT_TAIL].help, want) != NULL);
	CHECK(strstr(o[E2E_CHAT_OPT_BIND].default_text, CLIENT_DEFAULT_WEB_BIND) ==
	      o[E2E_CHAT_OPT_BIND].default_text);
	CHECK(e2e_chat_spec.n_verbs == E2E_CHAT_VERB_COUNT);
	for (size_t v = 0; v < e2e_chat_spec.n_verbs; v++)
		CHECKF(e2e_chat_verb_run[v] != NULL, "verb %zu", v);
}

int main(void)
{
	test_client();
	return check_summary("test_client_options");
}
