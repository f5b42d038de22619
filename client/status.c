/* status.c - exit codes and default messages for the client's outcomes. */
#include "status.h"

static const struct {
	int exit_code;
	const char *message;
} table[ST__COUNT] = {
	[ST_OK] = {0, "ok"},
	[ST_ERROR] = {1, "failed"},
	[ST_USAGE] = {2, "bad usage (see --help)"},
	[ST_PENDING] = {3, "not admitted to the room yet"},
	[ST_WRONG_PASSWORD] = {4, "wrong room password"},
	[ST_NOT_MEMBER] = {5, "not a member of this room"},
	[ST_UNREACHABLE] = {6, "cannot reach the relay"},
	[ST_SECURITY] = {7, "a security check failed"},
};

int status_exit_code(enum status st)
{
	return (unsigned)st < ST__COUNT ? table[st].exit_code : 1;
}

const char *status_message(enum status st)
{
	return (unsigned)st < ST__COUNT ? table[st].message : "failed";
}
