#include <getopt.h>
#include "wb.h"

/* The one row of ST as one JSON object (not an array of rows): counts as
 * numbers, unset metadata as null. */
static int
print_object (sqlite3_stmt *st, FILE *out)
{
	int r = sqlite3_step (st);
	if (r != SQLITE_ROW)
		return r;
	GString *j = g_string_new ("{");
	for (int i = 0; i < sqlite3_column_count (st); i++) {
		g_string_append (j, i ? ", " : "");
		wb_json_string (j, sqlite3_column_name (st, i));
		g_string_append (j, ": ");
		switch (sqlite3_column_type (st, i)) {
		case SQLITE_NULL: g_string_append (j, "null"); break;
		case SQLITE_INTEGER:
			g_string_append_printf (j, "%lld", (long long) sqlite3_column_int64 (st, i));
			break;
		default: wb_json_string (j, (const char *) sqlite3_column_text (st, i)); break;
		}
	}
	g_string_append (j, "}\n");
	fputs (j->str, out);
	g_string_free (j, TRUE);
	return sqlite3_step (st);
}

/* Counts of what the case holds; the same query backs the shell's banner. */
int
wb_cmd_summary (wb_ctx_t *ctx, int argc, char **argv)
{
	wb_mode_t mode;
	int rc = wb_getopt_format (ctx, argc, argv, wb_options_format, WB_MODE_LINE, &mode);
	if (rc >= 0)
		return rc;
	sqlite3_stmt *st = wb_case_stmt (ctx->cs,
		"SELECT (SELECT value FROM case_info WHERE key = 'name') AS name,"
		" (SELECT value FROM case_info WHERE key = 'filed') AS filed,"
		" (SELECT value FROM case_info WHERE key = 'court') AS court,"
		" (SELECT value FROM case_info WHERE key = 'number') AS number,"
		" (SELECT value FROM case_info WHERE key = 'caption') AS caption,"
		" (SELECT value FROM case_info WHERE key = 'expert') AS expert,"
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
	if (mode == WB_MODE_JSON)
		rc = print_object (st, ctx->out);
	else
		rc = wb_print_stmt (st, ctx->out, mode, ctx->term_width);
	sqlite3_reset (st);
	if (rc != SQLITE_DONE)
		return wb_fail_case (ctx, wb_case_fail_db (ctx->cs, "cannot read case"));
	return WB_EXIT_OK;
}
