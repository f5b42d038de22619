/* client.c - failure details and security warnings for a command. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client.h"

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

void security_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("SECURITY: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
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
