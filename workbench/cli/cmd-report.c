/* workbench report CASE --out DIR [damages options]: the exhibits. */
#include <getopt.h>
#include <string.h>
#include "wb.h"
#include "attrib-cmd.h"
#include "damages.h"
#include "report.h"
#include "statute.h"

static const char *incident_name[] = { "campaign-day", "campaign", "message" };

static char *
options_text (const wb_damages_opts_t *o)
{
	GString *s = g_string_new ("");
	g_string_append_printf (s, "plaintiff %s; incident %s; Arkansas day rule %s%s%s",
				o->plaintiff == WB_PLAINTIFF_PROVIDER ? "provider" : "recipient",
				incident_name[o->incident], o->ar_day_rule == WB_AR_AGGREGATE ? "aggregate" : "per-day",
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

int
wb_cmd_report (wb_ctx_t *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "statute", required_argument, NULL, 's' },
		{ "plaintiff", required_argument, NULL, 'p' },
		{ "due-care", no_argument, NULL, 'd' },
		{ "incident", required_argument, NULL, 'i' },
		{ "ar-day-rule", required_argument, NULL, 'a' },
		{ "include-indicators", no_argument, NULL, 'n' },
		{ "statutes", required_argument, NULL, 'D' },
		{ "aggravated", no_argument, NULL, 'g' },
		{ "incident-scope", required_argument, NULL, 'c' },
		{ "preemption", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL;
	wb_damages_opts_t opts;
	wb_damages_opts_init (&opts);
	GPtrArray *statutes = g_ptr_array_new ();
	int c, rc = WB_EXIT_FAIL;
	wb_damages_t *d = NULL;
	wb_damages_t *alt[6] = { NULL };
	wb_statute_set_t *set = NULL;
	char *text = NULL, *manifest = NULL;
	while ((c = wb_getopt_long (argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 's': g_ptr_array_add (statutes, optarg); break;
		case 'd': opts.due_care = TRUE; break;
		case 'n': opts.include_indicators = TRUE; break;
		case 'g': opts.aggravated = TRUE; break;
		case 'D': opts.statutes_dir = optarg; break;
		case 'P':
			if (!wb_preemption_parse (optarg, &opts.preemption)) {
				rc = wb_usage_error ("report", "--preemption '%s': expected apply or ignore", optarg);
				goto done;
			}
			break;
		case 'c': {
			wb_incident_scope_t sc;
			if (!wb_incident_scope_parse (optarg, &sc)) {
				rc = wb_usage_error ("report", "--incident-scope '%s': expected shared or each", optarg);
				goto done;
			}
			opts.incident_scope = sc;
			break;
		}
		case 'p':
			if (!strcmp (optarg, "recipient"))
				opts.plaintiff = WB_PLAINTIFF_RECIPIENT;
			else if (!strcmp (optarg, "provider"))
				opts.plaintiff = WB_PLAINTIFF_PROVIDER;
			else {
				rc = wb_usage_error ("report", "--plaintiff '%s': expected recipient or provider", optarg);
				goto done;
			}
			break;
		case 'i': {
			int k = -1;
			for (int j = 0; j < 3; j++)
				if (!strcmp (optarg, incident_name[j]))
					k = j;
			if (k < 0) {
				rc = wb_usage_error ("report", "--incident '%s': expected campaign-day, campaign or message", optarg);
				goto done;
			}
			opts.incident = k;
			break;
		}
		case 'a':
			if (!strcmp (optarg, "per-day"))
				opts.ar_day_rule = WB_AR_PER_DAY;
			else if (!strcmp (optarg, "aggregate"))
				opts.ar_day_rule = WB_AR_AGGREGATE;
			else {
				rc = wb_usage_error ("report", "--ar-day-rule '%s': expected per-day or aggregate", optarg);
				goto done;
			}
			break;
		default:
			rc = WB_EXIT_USAGE;
			goto done;
		}
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
	/* The scenarios table: every incident rule, the other Arkansas day
	 * rule, and the other reading of an incident several plaintiffs
	 * share, all else as chosen. */
	wb_report_scenario_t sc[6];
	char *labels[6] = { NULL };
	size_t nsc = 0;
	for (int k = 0; k < 6; k++) {
		wb_damages_opts_t o = opts;
		o.summary_only = TRUE;
		if (k < 3)
			o.incident = k;
		else if (k == 3)
			o.ar_day_rule = opts.ar_day_rule == WB_AR_AGGREGATE ? WB_AR_PER_DAY : WB_AR_AGGREGATE;
		else if (k == 4)
			o.incident_scope = opts.incident_scope == WB_SCOPE_EACH ? WB_SCOPE_SHARED : WB_SCOPE_EACH;
		else
			o.preemption = opts.preemption == WB_PREEMPT_APPLY ? WB_PREEMPT_IGNORE : WB_PREEMPT_APPLY;
		if ((st = wb_damages_compute (ctx->cs, &o, &alt[k]))) {
			rc = wb_fail_case (ctx, st);
			goto done;
		}
		labels[k] = k < 3 ? g_strdup_printf ("incident: %s", incident_name[k])
			  : k == 3 ? g_strdup_printf ("AR days: %s", o.ar_day_rule == WB_AR_AGGREGATE ? "aggregate" : "per-day")
			  : k == 4 ? g_strdup_printf ("shared incident: %s", o.incident_scope == WB_SCOPE_EACH
						      ? "a cap per plaintiff" : "one cap shared")
			  : g_strdup_printf ("preemption: %s", o.preemption == WB_PREEMPT_APPLY ? "applied" : "ignored");
		sc[nsc].label = labels[k];
		sc[nsc].d = alt[k];
		nsc++;
	}
	if ((st = wb_statutes_for (ctx->cs, opts.statutes_dir, &set))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	text = options_text (&opts);
	wb_report_opts_t ro = { .out_dir = out, .command_line = ctx->command_line, .options_text = text,
				.scenarios = sc, .n_scenarios = nsc, .statutes = set };
	st = wb_report_write (ctx->cs, d, &ro, &manifest);
	for (int k = 0; k < 6; k++)
		g_free (labels[k]);
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
	for (int k = 0; k < 6; k++)
		if (alt[k])
			wb_damages_free (alt[k]);
	wb_statute_set_free (set);
	g_free (text);
	g_free (manifest);
	g_ptr_array_free (statutes, TRUE);
	return rc;
}
