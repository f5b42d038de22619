/* names.c - the name alphabet check (see names.h for why it is small). */
#include <string.h>

#include "names.h"
#include "proto.h"

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool name_valid(const char *name, size_t max)
{
	size_t len;

	if (!name)
		return false;
	len = strnlen(name, max + 1);
	if (len == 0 || len > max || !is_alnum(name[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_alnum(name[i]) && name[i] != '.' && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

bool name_room_valid(const char *name)
{
	return name_valid(name, E2E_ROOM_NAME_MAX);
}

bool name_member_valid(const char *name)
{
	return name_valid(name, E2E_MEMBER_NAME_MAX);
}
