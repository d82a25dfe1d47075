#include "attrib-cmd.h"

int
wb_attrib_print (wb_ctx_t *ctx, sqlite3_stmt *st, wb_mode_t mode, const char *types)
{
	wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
	int n = sqlite3_column_count (st);
	/* One letter a column: a letter off by one printed a count as a
	 * JSON string. */
	g_assert (strlen (types) == (size_t) n);
	for (int i = 0; i < n; i++)
		wb_table_column (t, sqlite3_column_name (st, i),
				 types[i] == 'i' ? WB_COL_INT : types[i] == 'r' ? WB_COL_REAL
				 : WB_COL_TEXT);
	int rc;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW)
		wb_table_stmt_row (t, st);
	wb_table_end (t);
	sqlite3_reset (st);
	if (rc != SQLITE_DONE)
		return wb_fail_case (ctx, wb_case_fail_db (ctx->cs, "cannot read case"));
	return WB_EXIT_OK;
}

wb_attrib_conf_t *
wb_attrib_conf_or_error (void)
{
	char *err = NULL;
	wb_attrib_conf_t *conf = wb_attrib_conf_load (&err);
	if (!conf) {
		wb_error ("%s", err);
		g_free (err);
	}
	return conf;
}

gboolean
wb_attrib_require_link (wb_ctx_t *ctx, const char *what)
{
	int64_t run;
	gboolean stale = FALSE;
	wb_status_t st = wb_attrib_link_run (ctx->cs, &run, &stale);
	if (st) {
		wb_fail_case (ctx, st);
		return FALSE;
	}
	if (run == 0) {
		wb_error ("no %s yet: 'link' has not run on this case", what);
		wb_hint ("run 'workbench link %s' first", ctx->case_path);
		return FALSE;
	}
	if (stale)
		wb_attrib_warn_stale (ctx);
	return TRUE;
}

void
wb_attrib_warn_stale (wb_ctx_t *ctx)
{
	int64_t run;
	gboolean stale = FALSE;
	if (wb_attrib_link_run (ctx->cs, &run, &stale) == WB_OK && run && stale)
		wb_warning ("parties were imported after the last 'link': links, clusters and attribution"
			    " may not match the roster; run 'workbench link %s' again", ctx->case_path);
}
