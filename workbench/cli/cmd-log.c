#include <getopt.h>
#include <string.h>
#include "wb.h"

/* 'log CASE [--verbose]': the custody log as the history of the case, one
 * line a command (run): when, who, the command line and its result.  With
 * --verbose every row of each run follows its command, indented (text), or
 * is a row of its own (CSV, JSON). */

typedef struct {
	int64_t run;
	char *at, *operator, *command, *line, *result;
	gboolean ended;
} run_t;

static void
run_clear (gpointer p)
{
	run_t *r = p;
	g_free (r->at);
	g_free (r->operator);
	g_free (r->command);
	g_free (r->line);
	g_free (r->result);
}

static char *
col (sqlite3_stmt *q, int i)
{
	return g_strdup ((const char *) sqlite3_column_text (q, i));
}

static const char *
result_of (const run_t *r)
{
	if (!r->ended)
		return "unfinished: no end row (interrupted, or still running)";
	return r->result && *r->result ? r->result : "done";
}

const wb_option_t wb_options_log[] = {
	{ .kind = WB_OPT_FLAG, .key = 'v', .name = "verbose", .short_name = 'v',
	  .help = "Add every row each command wrote: sources, statute files, imports with old "
		  "-> new values, findings, exhibits" },
	WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON),
	WB_OPTIONS_END
};

int
wb_cmd_log (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *format = NULL;
	gboolean verbose = FALSE;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_log)) != -1) {
		switch (c) {
		case 'v': verbose = TRUE; break;
		case 'F': format = optarg; break;
		default: return wb_usage_error ("log", "bad option");
		}
	}
	if (optind < argc)
		return wb_usage_error ("log", "unexpected argument '%s'", argv[optind]);
	wb_mode_t mode;
	if (!wb_ctx_mode (ctx, format, WB_MODE_TEXT, &mode))
		return WB_EXIT_USAGE;
	sqlite3_stmt *q = wb_case_stmt (ctx->cs, "SELECT id, run, at, action, command, operator, detail"
					" FROM custody ORDER BY id");
	if (!q)
		return wb_fail_case (ctx, WB_ERR_DB);

	if (verbose && mode != WB_MODE_TEXT) {
		/* For machines, the log as it is stored. */
		int rc = wb_print_stmt (q, ctx->out, mode, ctx->term_width);
		sqlite3_reset (q);
		if (rc != SQLITE_DONE)
			return wb_fail_case (ctx, wb_case_fail_db (ctx->cs, "cannot read the custody log"));
		return WB_EXIT_OK;
	}

	GArray *runs = g_array_new (FALSE, TRUE, sizeof (run_t));
	g_array_set_clear_func (runs, run_clear);
	GHashTable *index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	int rc;
	gboolean first = TRUE;
	while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
		int64_t run = sqlite3_column_int64 (q, 1);
		const char *action = (const char *) sqlite3_column_text (q, 3);
		if (verbose) {
			/* Rows of one run are consecutive: the writer lock lets
			 * one command change the case at a time. */
			char *d = wb_text_safe (sqlite3_column_text (q, 6) ? (const char *) sqlite3_column_text (q, 6) : "");
			if (g_strcmp0 (action, "begin") == 0) {
				char *who = wb_text_safe ((const char *) sqlite3_column_text (q, 5));
				fprintf (ctx->out, "%srun %" G_GINT64_FORMAT "  %s  %s  %s\n", first ? "" : "\n",
					 run, sqlite3_column_text (q, 2), who, d);
				g_free (who);
				first = FALSE;
			} else
				fprintf (ctx->out, "    %-8s %s\n", action, *d || g_strcmp0 (action, "end") != 0 ? d : "done");
			g_free (d);
			continue;
		}
		gpointer k = g_hash_table_lookup (index, &run);
		if (g_strcmp0 (action, "begin") == 0 || !k) {
			run_t r = { run, col (q, 2), col (q, 5), col (q, 4), col (q, 6), NULL, FALSE };
			g_array_append_val (runs, r);
			int64_t *key = g_new (int64_t, 1);
			*key = run;
			g_hash_table_replace (index, key, GUINT_TO_POINTER (runs->len));
			continue;
		}
		run_t *r = &g_array_index (runs, run_t, GPOINTER_TO_UINT (k) - 1);
		if (g_strcmp0 (action, "end") == 0) {
			r->ended = TRUE;
			g_free (r->result);
			r->result = col (q, 6);
		}
	}
	sqlite3_reset (q);
	int ret = WB_EXIT_OK;
	if (rc != SQLITE_DONE)
		ret = wb_fail_case (ctx, wb_case_fail_db (ctx->cs, "cannot read the custody log"));
	else if (!verbose) {
		wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
		static const char *const cols[] = { "run", "at", "operator", "command", "result" };
		for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
			wb_table_column (t, cols[i], i ? WB_COL_TEXT : WB_COL_INT);
		for (guint i = 0; i < runs->len; i++) {
			const run_t *r = &g_array_index (runs, run_t, i);
			wb_table_int (t, r->run);
			wb_table_text (t, r->at);
			wb_table_text (t, r->operator);
			wb_table_text (t, r->line);
			wb_table_text (t, result_of (r));
		}
		wb_table_end (t);
	}
	g_hash_table_destroy (index);
	g_array_unref (runs);
	return ret;
}
