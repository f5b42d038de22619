/* check.h - the unit tests' whole harness. CHECK(cond) counts a pass or a
 * failure; a failure is reported on stderr with file:line and the
 * expression. CHECKF adds a printf-style note for checks made in a loop
 * (which byte, which case). check_summary() prints the program's one line
 * on stdout, "NAME: N passed, M failed", and gives the exit status.
 *
 * The two counters are the only mutable state of a test program: one
 * program, one thread, one tally. */
#ifndef E2E_TEST_CHECK_H
#define E2E_TEST_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static unsigned check_passed;
static unsigned check_failed;

__attribute__((format(printf, 5, 6)))
static inline bool check_recordf(bool ok, const char *file, int line, const char *expr,
				 const char *fmt, ...)
{
	char note[256];
	va_list ap;

	if (ok) {
		check_passed++;
		return true;
	}
	check_failed++;
	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s:%d: CHECK(%s) failed%s%s%s\n", file, line, expr,
		note[0] ? " [" : "", note, note[0] ? "]" : "");
	return false;
}

/* Both evaluate to the result, so a test can stop early:
 * if (!CHECK(p != NULL)) return; */
#define CHECK(cond) check_recordf(!!(cond), __FILE__, __LINE__, #cond, "%s", "")
#define CHECKF(cond, ...) check_recordf(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

static inline int check_summary(const char *name)
{
	fflush(stderr);
	printf("%s: %u passed, %u failed\n", name, check_passed, check_failed);
	return check_failed > 0 ? 1 : 0;
}

#endif
