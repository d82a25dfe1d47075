#include <getopt.h>
#include "wb.h"

/* Counts of what the case holds; the same query backs the shell's banner. */
int
wb_cmd_summary (wb_ctx_t *ctx, int argc, char **argv)
{
	wb_mode_t mode;
	int rc = wb_getopt_format (ctx, argc, argv, WB_MODE_LINE, &mode);
	if (rc >= 0)
		return rc;
	sqlite3_stmt *st = wb_case_stmt (ctx->cs,
		"SELECT (SELECT value FROM case_info WHERE key = 'name') AS name,"
		" (SELECT value FROM case_info WHERE key = 'filed') AS filed,"
		" (SELECT count(*) FROM sources WHERE depth = 0) AS sources,"
		" (SELECT count(*) FROM messages) AS copies,"
		" (SELECT count(*) FROM raw) AS distinct_messages,"
		" (SELECT count(*) FROM locations) AS locations,"
		" (SELECT count(*) FROM messages WHERE trap_id = 0) AS unmatched_copies,"
		" (SELECT count(*) FROM messages WHERE status <> 'ok') AS flagged_copies,"
		" (SELECT count(*) FROM sources WHERE role = 'not-mail') AS not_mail,"
		" (SELECT count(*) FROM sources WHERE role = 'flagged') AS flagged_sources,"
		" (SELECT count(*) FROM traps) AS traps");
	if (!st)
		return wb_fail_case (ctx, WB_ERR_DB);
	rc = wb_print_stmt (st, ctx->out, mode, ctx->term_width);
	sqlite3_reset (st);
	if (rc != SQLITE_DONE)
		return wb_fail_case (ctx, wb_case_fail_db (ctx->cs, "cannot read case"));
	return WB_EXIT_OK;
}
