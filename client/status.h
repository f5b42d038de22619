/* status.h - the client's outcomes and their exit codes, in one table
 * (status.c). Functions return a status; main prints the detail once and
 * exits with the code. README.md lists the codes. */
#ifndef E2E_STATUS_H
#define E2E_STATUS_H

enum status {
	ST_OK = 0,          /* 0 */
	ST_ERROR,           /* 1 anything else: I/O, bad response, relay refused */
	ST_USAGE,           /* 2 bad command line */
	ST_PENDING,         /* 3 not admitted to the room yet */
	ST_WRONG_PASSWORD,  /* 4 the room password is wrong */
	ST_NOT_MEMBER,      /* 5 no such room, or not a member of it, or name taken */
	ST_UNREACHABLE,     /* 6 the relay cannot be reached */
	ST_SECURITY,        /* 7 a security check failed; nothing was trusted */
	ST__COUNT
};

int status_exit_code(enum status st);
const char *status_message(enum status st);

#endif
