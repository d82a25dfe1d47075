#include <getopt.h>
#include "wb.h"

/* Run one read-only statement and print its rows.  The case is opened with
 * SQLITE_OPEN_READONLY by main(); sqlite3_stmt_readonly() gives a clear
 * message before SQLite would refuse the write itself. */
int
wb_cmd_sql (wb_ctx_t *ctx, int argc, char **argv)
{
	wb_mode_t mode;
	int rc = wb_getopt_format (ctx, argc, argv, wb_options_format_all, WB_MODE_TEXT, &mode);
	if (rc >= 0)
		return rc;
	if (optind != argc - 1)
		return wb_usage_error ("sql", "give one SQL statement, quoted");

	sqlite3 *db = wb_case_db (ctx->cs);
	const char *sql = argv[optind], *tail = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2 (db, sql, -1, &st, &tail) != SQLITE_OK) {
		wb_error ("%s", sqlite3_errmsg (db));
		return WB_EXIT_FAIL;
	}
	if (!st) {
		wb_error ("empty SQL statement");
		return WB_EXIT_USAGE;
	}
	if (!sqlite3_stmt_readonly (st)) {
		sqlite3_finalize (st);
		wb_error ("refusing to run a statement that writes: the case is changed only by workbench commands");
		return WB_EXIT_FAIL;
	}
	while (tail && g_ascii_isspace (*tail))
		tail++;
	if (tail && *tail && *tail != ';') {
		sqlite3_finalize (st);
		wb_error ("give one statement at a time");
		return WB_EXIT_USAGE;
	}
	rc = wb_print_stmt (st, ctx->out, mode, ctx->term_width);
	sqlite3_finalize (st);
	if (rc != SQLITE_DONE) {
		wb_error ("%s", sqlite3_errmsg (db));
		return WB_EXIT_FAIL;
	}
	return WB_EXIT_OK;
}
