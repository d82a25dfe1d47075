#include <getopt.h>
#include <gmime/gmime.h>
#include "wb.h"
#include "analyze.h"
#include "rules.h"

/* 'reanalyze CASE': run analysis again over every stored copy, from its raw
 * bytes, in transactions of a few hundred copies, then regroup campaigns.
 * The evidence (raw bytes, messages' ingest fields) is never touched. */
#define BATCH 500

int
wb_cmd_reanalyze (wb_ctx_t *ctx, int argc, char **argv)
{
	if (argc > 1)
		return wb_usage_error ("reanalyze", "unexpected argument '%s'", argv[1]);
	wb_case_t *cs = ctx->cs;
	int rc = WB_EXIT_FAIL;
	wb_status_t st = WB_ERR_DB;
	int64_t run = 0, done = 0;
	uint64_t bytes_done = 0;
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (int64_t));
	wb_progress_t *prog = NULL;
	gboolean in_tx = FALSE;

	sqlite3_stmt *sel = wb_case_stmt (cs, "SELECT id FROM messages ORDER BY id");
	if (!sel)
		goto fail;
	int src;
	while ((src = sqlite3_step (sel)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64 (sel, 0);
		g_array_append_val (ids, id);
	}
	sqlite3_reset (sel);
	if (src != SQLITE_DONE) {
		st = wb_case_fail_db (cs, "cannot list messages");
		goto fail;
	}
	sqlite3_stmt *total = wb_case_stmt (cs, "SELECT coalesce(sum(r.size), 0) FROM messages m"
					    " JOIN raw r ON r.id = m.raw_id");
	uint64_t total_bytes = 0;
	if (total && sqlite3_step (total) == SQLITE_ROW)
		total_bytes = sqlite3_column_int64 (total, 0);
	if (total)
		sqlite3_reset (total);
	if ((st = wb_case_run_begin (cs, "reanalyze", ctx->command_line, &run)))
		goto fail;
	prog = wb_progress_new (ctx, "analysing", total_bytes);
	sqlite3_stmt *get = wb_case_stmt (cs,
		"SELECT r.bytes, t.address, t.hosts FROM messages m JOIN raw r ON r.id = m.raw_id"
		" LEFT JOIN traps t ON t.id = m.trap_id WHERE m.id = ?");
	if (!get)
		goto fail;
	for (guint i = 0; i < ids->len; i++) {
		if (wb_interrupted) {
			wb_case_rollback (cs);
			in_tx = FALSE;
			wb_error ("interrupted: %" G_GINT64_FORMAT " of %u copies analysed", done, ids->len);
			goto out;
		}
		if (!in_tx) {
			if ((st = wb_case_begin (cs)))
				goto fail;
			in_tx = TRUE;
		}
		int64_t id = g_array_index (ids, int64_t, i);
		sqlite3_bind_int64 (get, 1, id);
		if (sqlite3_step (get) != SQLITE_ROW) {
			sqlite3_reset (get);
			st = wb_case_fail_db (cs, "cannot read raw bytes");
			goto fail;
		}
		const char *raw = sqlite3_column_blob (get, 0);
		size_t len = sqlite3_column_bytes (get, 0);
		char *trap = g_strdup ((const char *) sqlite3_column_text (get, 1));
		char *hosts = g_strdup ((const char *) sqlite3_column_text (get, 2));
		GMimeStream *stream = g_mime_stream_mem_new_with_buffer (raw ? raw : "", len);
		GMimeParser *parser = g_mime_parser_new_with_stream (stream);
		GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
		wb_analyze_ctx_t actx = { trap, hosts };
		wb_analysis_t *a = wb_analyze (msg, raw, len, &actx);
		sqlite3_reset (get);
		if (msg)
			g_object_unref (msg);
		g_object_unref (parser);
		g_object_unref (stream);
		g_free (trap);
		g_free (hosts);
		st = wb_analysis_store (cs, id, a);
		wb_analysis_free (a);
		if (st)
			goto fail;
		done++;
		bytes_done += len;
		wb_progress_update (prog, bytes_done, done);
		if (done % BATCH == 0) {
			if ((st = wb_case_commit (cs)))
				goto fail;
			in_tx = FALSE;
		}
	}
	if (in_tx) {
		if ((st = wb_case_commit (cs)))
			goto fail;
		in_tx = FALSE;
	}
	/* New facts: the statutes' rule findings are made again from them. */
	if ((st = wb_analyze_campaigns (cs)) || (st = wb_rules_apply (cs, NULL, run, NULL)))
		goto fail;
	sqlite3_stmt *nc = wb_case_stmt (cs, "SELECT count(DISTINCT campaign) FROM messages");
	int64_t campaigns = 0;
	if (nc && sqlite3_step (nc) == SQLITE_ROW)
		campaigns = sqlite3_column_int64 (nc, 0);
	if (nc)
		sqlite3_reset (nc);
	char *detail = g_strdup_printf ("analysed %" G_GINT64_FORMAT " copies; %" G_GINT64_FORMAT
					" campaigns", done, campaigns);
	st = wb_case_run_end (cs, run, detail);
	wb_progress_free (prog);
	prog = NULL;
	fprintf (ctx->out, "%s\n", detail);
	g_free (detail);
	if (st)
		goto fail;
	rc = WB_EXIT_OK;
	goto out;
fail:
	if (in_tx)
		wb_case_rollback (cs);
	rc = wb_fail_case (ctx, st ? st : WB_ERR_DB);
out:
	wb_progress_free (prog);
	g_array_unref (ids);
	return wb_finish_output (ctx, rc);
}
