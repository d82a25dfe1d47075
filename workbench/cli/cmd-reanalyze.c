#include <getopt.h>
#include "wb.h"
#include "analyze.h"
#include "ingest.h"
#include "rules.h"

/* 'reanalyze CASE': run analysis again over every stored copy, from its raw
 * bytes, on ingest's pipeline (wb_ingest_reanalyze), making each copy's
 * rule findings again as it is stored, then regroup campaigns.  The
 * evidence (raw bytes, the fields ingest filled) is never touched. */

static void
on_progress (void *data, uint64_t bytes, uint64_t messages)
{
	wb_progress_update (data, bytes, messages);
}

int
wb_cmd_reanalyze (wb_ctx_t *ctx, int argc, char **argv)
{
	if (argc > 1)
		return wb_usage_error ("reanalyze", "unexpected argument '%s'", argv[1]);
	wb_case_t *cs = ctx->cs;
	int rc = WB_EXIT_FAIL;
	wb_status_t st;
	int64_t run = 0;
	uint64_t done = 0;
	wb_progress_t *prog = NULL;
	wb_rules_ingest_t *ri = NULL;

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
	wb_ingest_opts_t o = { 0 };
	/* Parse and analysis threads: one per processor. */
	o.threads = MAX (1, (int) g_get_num_processors ());
	if (prog) {
		o.progress = on_progress;
		o.progress_data = prog;
	}
	/* WB_INGEST_GROUP_BYTES=N, WB_INGEST_GROUP_MS=N: when a transaction
	 * is committed, as for ingest (cmd-ingest.c), for tests that need
	 * several with a few copies. */
	const char *gb = g_getenv ("WB_INGEST_GROUP_BYTES"), *gm = g_getenv ("WB_INGEST_GROUP_MS");
	if (gb)
		o.group_bytes = g_ascii_strtoull (gb, NULL, 10);
	if (gm)
		o.group_ms = (unsigned) g_ascii_strtoull (gm, NULL, 10);
	/* The rule findings are made again from the new facts as each copy is
	 * stored, in its transaction (workbench/engine/rules.h); without the
	 * statute set, wb_rules_apply() below says why. */
	ri = wb_rules_reanalyze_new (cs, run);
	o.findings = wb_rules_ingest_hook (ri);
	wb_ingest_t *ing = wb_ingest_new (cs, run, &o);
	if (!ing) {
		st = WB_ERR_DB;
		goto fail;
	}
	gint64 t0 = g_get_monotonic_time ();
	st = wb_ingest_reanalyze (ing, &done);
	wb_ingest_stats_t counts = *wb_ingest_stats (ing);
	wb_ingest_free (ing);
	/* WB_TIMING=1: the time and the transactions on stderr (tests/bench). */
	if (g_getenv ("WB_TIMING"))
		fprintf (stderr, "timing: read, analyse and store %.2f s, %" G_GUINT64_FORMAT " commit(s)\n",
			 (g_get_monotonic_time () - t0) / 1e6, counts.commits);
	if (st == WB_ERR_INTERRUPTED) {
		wb_error ("%s", wb_case_errmsg (cs));
		goto out;
	}
	if (st)
		goto fail;
	/* New facts: the statutes' rule findings are made again from them. */
	wb_progress_phase (prog, "grouping near-duplicate copies into campaigns");
	if ((st = wb_analyze_campaigns (cs)))
		goto fail;
	if (!ri)
		wb_progress_phase (prog, "rule findings");
	if ((st = ri ? wb_rules_ingest_finish (ri, cs, NULL) : wb_rules_apply (cs, NULL, run, NULL)))
		goto fail;
	/* Every copy has its analysis now (ingest --no-analysis). */
	if ((st = wb_case_set_info (cs, "analysis_pending", "0")))
		goto fail;
	sqlite3_stmt *nc = wb_case_stmt (cs, "SELECT count(DISTINCT campaign) FROM messages");
	int64_t campaigns = 0;
	if (nc && sqlite3_step (nc) == SQLITE_ROW)
		campaigns = sqlite3_column_int64 (nc, 0);
	if (nc)
		sqlite3_reset (nc);
	char *detail = g_strdup_printf ("analysed %" G_GUINT64_FORMAT " copies; %" G_GINT64_FORMAT
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
	rc = wb_fail_case (ctx, st ? st : WB_ERR_DB);
out:
	wb_progress_free (prog);
	wb_rules_ingest_free (ri);
	return wb_finish_output (ctx, rc);
}
