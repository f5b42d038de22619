/* names.h - which room and member names are valid. Names appear in URL
 * paths, file names and terminal output, so the alphabet is small:
 * [A-Za-z0-9._-], first character alphanumeric. */
#ifndef E2E_NAMES_H
#define E2E_NAMES_H

#include <stdbool.h>

bool name_room_valid(const char *name);
bool name_member_valid(const char *name);

#endif
