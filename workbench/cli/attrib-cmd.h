/* Helpers shared by the attribution commands (cmd-link.c, cmd-links.c,
 * cmd-parties.c, cmd-clusters.c, cmd-explain.c, cmd-review.c). */
#ifndef WB_ATTRIB_CMD_H
#define WB_ATTRIB_CMD_H
#include "wb.h"
#include "attrib.h"

/* Print the rows of ST as a table in MODE; TYPES gives each column's type,
 * one letter a column: 't' text, 'i' integer, 'r' real (a number in JSON,
 * printed as the query formats it, e.g. with fixed decimals).  Returns an
 * exit code; the statement is reset. */
int wb_attrib_print (wb_ctx_t *ctx, sqlite3_stmt *st, wb_mode_t mode, const char *types);

/* The attribution rules (templates/attribution/attribution.ini, as
 * wb_attrib_conf_load() reads them), or NULL after printing the error. */
wb_attrib_conf_t *wb_attrib_conf_or_error (void);

/* TRUE if 'link' has run, with a warning if a parties import changed the
 * roster since (wb_attrib_warn_stale).  Else FALSE, after "error: no WHAT
 * yet" and a hint to run 'link': the command then exits 1. */
gboolean wb_attrib_require_link (wb_ctx_t *ctx, const char *what);
/* A warning when a parties import changed the roster after the last
 * 'link' (nothing if 'link' never ran, or on a read error). */
void wb_attrib_warn_stale (wb_ctx_t *ctx);

#endif
