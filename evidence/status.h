/* One status enum for the whole project.  Libraries (evidence/,
 * workbench/engine/, reports/) return one of these and keep the detail on
 * their handle; only the program (workbench/cli/) turns them into messages
 * for the user. */
#ifndef WB_STATUS_H
#define WB_STATUS_H

#include <signal.h>

typedef enum {
	WB_OK = 0,            /* success */
	WB_ERR_USAGE,         /* a caller passed bad arguments or options */
	WB_ERR_IO,            /* reading or writing a file failed (errno kept) */
	WB_ERR_NOMEM,         /* out of memory */
	WB_ERR_DB,            /* SQLite reported an error */
	WB_ERR_READONLY,      /* the case file (or its folder) is not writable */
	WB_ERR_BUSY,          /* another process holds the case's writer lock */
	WB_ERR_NOT_CASE,      /* the file is not a workbench case file */
	WB_ERR_VERSION,       /* the case file's schema is newer than this tool */
	WB_ERR_EXISTS,        /* refusing to overwrite something that exists */
	WB_ERR_NOT_FOUND,     /* a named item (message, party, statute) is absent */
	WB_ERR_FORMAT,        /* input is malformed (CSV, INI, archive, message) */
	WB_ERR_LIMIT,         /* a size, depth or decompression limit was hit */
	WB_ERR_INTERRUPTED,   /* the user interrupted the operation (Ctrl-C) */
	WB_ERR_OVERFLOW,      /* an amount of money does not fit in 64 bits */
	WB_ERR_INTEGRITY,     /* stored evidence does not match its hash */
	WB_ERR_OLD_SCHEMA,    /* the case file's schema is older: opening it for writing upgrades it */
	WB_STATUS_LAST
} wb_status_t;

/* A short English description of STATUS; a static string, never NULL. */
const char *wb_status_str (wb_status_t status);

/* Set by the program's SIGINT handler.  Long loops in the libraries check it,
 * roll back what is unfinished and return WB_ERR_INTERRUPTED. */
extern volatile sig_atomic_t wb_interrupted;

#endif
