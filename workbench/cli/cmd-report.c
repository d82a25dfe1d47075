/* workbench report CASE --out DIR [damages options]: the exhibits. */
#include <getopt.h>
#include <string.h>
#include "wb.h"
#include "attrib-cmd.h"
#include "damages.h"
#include "report.h"
#include "statute.h"

static char *
options_text (const wb_damages_opts_t *o)
{
	GString *s = g_string_new ("");
	g_string_append_printf (s, "plaintiff %s; incident %s; Arkansas day rule %s%s%s",
				o->plaintiff == WB_PLAINTIFF_PROVIDER ? "provider" : "recipient",
				wb_incident_rule_name (o->incident), o->ar_day_rule == WB_AR_AGGREGATE ? "aggregate" : "per-day",
				o->due_care ? "; due care" : "", o->include_indicators ? "; indicators counted" : "");
	if (o->incident_scope >= 0)
		g_string_append_printf (s, "; a shared incident's cap: %s", wb_incident_scope_name (o->incident_scope));
	g_string_append_printf (s, "; CAN-SPAM preemption %s", o->preemption == WB_PREEMPT_APPLY ? "applied" : "ignored");
	if (o->aggravated)
		g_string_append (s, "; aggravated");
	if (o->statutes) {
		g_string_append (s, "; statutes ");
		for (char **p = o->statutes; *p; p++)
			g_string_append_printf (s, "%s%s", p == o->statutes ? "" : ", ", *p);
	}
	return g_string_free (s, FALSE);
}

const wb_option_t wb_options_report[] = {
	{ .kind = WB_OPT_STRING, .key = 'o', .name = "out", .short_name = 'o', .arg = "DIR",
	  .flags = WB_OPT_REQUIRED,
	  .help = "Write the exhibits into DIR (made if missing): the xlsx workbook, charts, "
		  "the PDF report and a manifest of their SHA-256" },
	WB_GROUP (wb_options_damages),
	WB_OPTIONS_END
};

int
wb_cmd_report (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *out = NULL;
	wb_damages_opts_t opts;
	wb_damages_opts_init (&opts);
	GPtrArray *statutes = g_ptr_array_new ();
	int c, rc = WB_EXIT_FAIL;
	wb_damages_t *d = NULL;
	wb_statute_set_t *set = NULL;
	char *text = NULL, *manifest = NULL;
	while ((c = wb_options_next (argc, argv, wb_options_report)) != -1) {
		int done = wb_damages_option ("report", c, optarg, &opts, statutes);
		if (done < 0) {
			rc = WB_EXIT_USAGE;
			goto done;
		}
		if (done)
			continue;
		if (c != 'o') {
			rc = wb_usage_error ("report", "bad option");
			goto done;
		}
		out = optarg;
	}
	if (optind < argc) {
		rc = wb_usage_error ("report", "unexpected argument '%s'", argv[optind]);
		goto done;
	}
	if (!out) {
		rc = wb_usage_error ("report", "--out DIR is required");
		goto done;
	}
	if (!wb_require_analysis (ctx, "report")) {
		rc = WB_EXIT_FAIL;
		goto done;
	}
	wb_attrib_warn_stale (ctx);
	if (statutes->len) {
		g_ptr_array_add (statutes, NULL);
		opts.statutes = (char **) statutes->pdata;
	}
	wb_status_t st = wb_damages_compute (ctx->cs, &opts, &d);
	if (st) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	if ((st = wb_statutes_for (ctx->cs, opts.statutes_dir, &set))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	text = options_text (&opts);
	wb_report_opts_t ro = { .out_dir = out, .command_line = ctx->command_line, .options_text = text,
				.statutes = set };
	st = wb_report_write (ctx->cs, d, &ro, &manifest);
	if (st) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	fprintf (ctx->out, "%s", manifest);
	fprintf (ctx->out, "Wrote the exhibits to '%s'\n", out);
	rc = WB_EXIT_OK;
done:
	if (d)
		wb_damages_free (d);
	wb_statute_set_free (set);
	g_free (text);
	g_free (manifest);
	g_ptr_array_free (statutes, TRUE);
	return rc;
}
