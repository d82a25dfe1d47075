#include <inttypes.h>
#include "attrib-cmd.h"

/* 'link CASE': rebuild derived parties, message attribution, links and
 * clusters in one transaction, keeping analysts' reviews. */
int
wb_cmd_link (wb_ctx_t *ctx, int argc, char **argv)
{
	if (argc > 1)
		return wb_usage_error ("link", "unexpected argument '%s'", argv[1]);
	if (!wb_require_analysis (ctx, "link"))
		return WB_EXIT_FAIL;
	wb_case_t *cs = ctx->cs;
	wb_attrib_conf_t *conf = wb_attrib_conf_or_error ();
	if (!conf)
		return WB_EXIT_FAIL;
	wb_attrib_stats_t s;
	int64_t run;
	wb_status_t st = wb_case_begin (cs);
	if (!st)
		st = wb_case_run_begin (cs, "link", ctx->command_line, &run);
	if (!st)
		st = wb_attrib_link (cs, conf, &s);
	if (!st) {
		char *detail = g_strdup_printf (
			"%" PRId64 " messages, %" PRId64 " attributed, %" PRId64 " parties (%" PRId64
			" derived), %" PRId64 " links (%" PRId64 " strong, %" PRId64 " moderate, %" PRId64
			" weak), %" PRId64 " clusters, %" PRId64 " reviews kept",
			s.messages, s.attributed, s.parties, s.derived, s.links, s.strong, s.moderate,
			s.weak, s.clusters, s.reviews_kept);
		st = wb_case_run_end (cs, run, detail);
		if (!st)
			st = wb_case_commit (cs);
		if (!st)
			fprintf (ctx->out, "%s\n", detail);
		g_free (detail);
		if (!st && s.values_capped)
			wb_note ("%" PRId64 " values shared by too many parties to mean anything were not"
				 " paired (see templates/attribution/attribution.ini)", s.values_capped);
	}
	wb_attrib_conf_free (conf);
	if (st) {
		wb_case_rollback (cs);
		return wb_fail_case (ctx, st);
	}
	return wb_finish_output (ctx, WB_EXIT_OK);
}
