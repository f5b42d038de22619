/* client.c - failure details and security warnings for a command. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "display.h"

enum status client_fail(struct client *c, enum status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	return st;
}

enum status client_store_fail(struct client *c)
{
	return client_fail(c, ST_ERROR, "%s", store_error(c->store));
}

int64_t client_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The line may quote the relay (a field name in Jansson's error text):
 * its control characters are shown as '?' (display_safe), so the relay
 * cannot drive the terminal or start a line of its own. */
void security_warn(const char *fmt, ...)
{
	char line[CLIENT_WARN_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fputs("SECURITY: ", stderr);
	display_safe(stderr, line, strlen(line));
	fputc('\n', stderr);
}

bool client_first_warning(struct client *c, const char *name)
{
	for (size_t i = 0; i < c->n_warned; i++)
		if (strcmp(c->warned[i], name) == 0)
			return false;
	if (c->n_warned < CLIENT_WARNED_MAX)
		snprintf(c->warned[c->n_warned++], sizeof c->warned[0], "%s", name);
	return true;
}
