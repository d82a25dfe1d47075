#include <getopt.h>
#include <string.h>
#include "wb.h"
#include "damages.h"

static void
money_col (wb_table_t *t, wb_mode_t mode, int64_t cents)
{
	char buf[32];
	if (mode == WB_MODE_TEXT)
		wb_table_text (t, wb_format_cents (cents, buf));
	else
		wb_table_int (t, cents);
}

static void
money_header (wb_table_t *t, wb_mode_t mode, const char *name)
{
	char *n = mode == WB_MODE_TEXT ? g_strdup (name) : g_strconcat (name, "_cents", NULL);
	wb_table_column (t, n, mode == WB_MODE_TEXT ? WB_COL_INT : WB_COL_INT);
	g_free (n);
}

/* One row a statute.  For people (text) the figures that make the amount,
 * a total, then the copies left out and why in a second table when there
 * are any; for machines (CSV, line) every figure in one row. */
static void
print_statutes (wb_ctx_t *ctx, wb_mode_t mode, const wb_damages_t *d)
{
	gboolean people = mode == WB_MODE_TEXT;
	wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
	static const char *const brief[] = { "statute", "copies", "violating", "incidents", "days" };
	static const char *const full[] = { "statute", "messages", "violating_messages", "incidents",
		"days", "excluded_nexus", "excluded_effective", "excluded_limitations",
		"excluded_analyst", "excluded_by_statute", "excluded_preempted" };
	const char *const *cols = people ? brief : full;
	gsize ncols = people ? G_N_ELEMENTS (brief) : G_N_ELEMENTS (full);
	for (gsize i = 0; i < ncols; i++)
		wb_table_column (t, cols[i], i ? WB_COL_INT : WB_COL_TEXT);
	money_header (t, mode, "uncapped");
	money_header (t, mode, "amount");
	gboolean excluded = FALSE;
	for (guint i = 0; i < d->statutes->len; i++) {
		wb_damages_statute_t *s = d->statutes->pdata[i];
		const int64_t ex[] = { s->excluded_nexus, s->excluded_effective, s->excluded_limitations,
				       s->excluded_analyst, s->excluded_by_statute, s->excluded_preempted };
		wb_table_text (t, s->id);
		wb_table_int (t, s->messages);
		wb_table_int (t, s->violating_messages);
		wb_table_int (t, s->incidents);
		wb_table_int (t, s->days);
		for (gsize k = 0; k < G_N_ELEMENTS (ex); k++) {
			if (!people)
				wb_table_int (t, ex[k]);
			excluded |= ex[k] != 0;
		}
		money_col (t, mode, s->uncapped_cents);
		money_col (t, mode, s->amount_cents);
	}
	if (people) {
		wb_table_text (t, "total");
		for (gsize i = 1; i < ncols + 1; i++)
			wb_table_null (t);
		money_col (t, mode, d->total_cents);
	}
	wb_table_end (t);
	if (!people || !excluded)
		return;
	fprintf (ctx->out, "\nCopies left out of each statute, and why:\n");
	t = wb_table_new (ctx->out, WB_MODE_TEXT, ctx->term_width);
	static const char *const why[] = { "statute", "no nexus", "before effective", "limitations",
		"analyst", "other statute", "preempted" };
	for (gsize i = 0; i < G_N_ELEMENTS (why); i++)
		wb_table_column (t, why[i], i ? WB_COL_INT : WB_COL_TEXT);
	for (guint i = 0; i < d->statutes->len; i++) {
		wb_damages_statute_t *s = d->statutes->pdata[i];
		wb_table_text (t, s->id);
		wb_table_int (t, s->excluded_nexus);
		wb_table_int (t, s->excluded_effective);
		wb_table_int (t, s->excluded_limitations);
		wb_table_int (t, s->excluded_analyst);
		wb_table_int (t, s->excluded_by_statute);
		wb_table_int (t, s->excluded_preempted);
	}
	wb_table_end (t);
}

static int
print_scenarios (wb_ctx_t *ctx, wb_mode_t mode, const wb_damages_scenarios_t *r)
{
	if (mode == WB_MODE_TEXT)
		fprintf (ctx->out, "Statute set: %s.  'any': the option does not change that statute's amount.\n",
			 r->statute_source);
	wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
	wb_table_column (t, "statute", WB_COL_TEXT);
	wb_table_column (t, "plaintiff", WB_COL_TEXT);
	wb_table_column (t, "incident", WB_COL_TEXT);
	wb_table_column (t, "due_care", WB_COL_TEXT);
	wb_table_column (t, "ar_day_rule", WB_COL_TEXT);
	gboolean scope = FALSE, pre = FALSE;
	for (guint i = 0; i < r->rows->len; i++) {
		scope |= g_array_index (r->rows, wb_damages_scenario_t, i).incident_scope >= 0;
		pre |= g_array_index (r->rows, wb_damages_scenario_t, i).preemption >= 0;
	}
	if (scope)
		wb_table_column (t, "incident_scope", WB_COL_TEXT);
	if (pre)
		wb_table_column (t, "preemption", WB_COL_TEXT);
	wb_table_column (t, "violating_messages", WB_COL_INT);
	money_header (t, mode, "amount");
	for (guint i = 0; i < r->rows->len; i++) {
		wb_damages_scenario_t *s = &g_array_index (r->rows, wb_damages_scenario_t, i);
		wb_table_text (t, s->statute < 0 ? "total" : (const char *) r->ids->pdata[s->statute]);
		wb_table_text (t, s->plaintiff < 0 ? "any" : wb_plaintiff_name (s->plaintiff));
		wb_table_text (t, s->incident < 0 ? "any" : wb_incident_rule_name (s->incident));
		wb_table_text (t, s->due_care < 0 ? "any" : s->due_care ? "yes" : "no");
		wb_table_text (t, s->ar_day_rule < 0 ? "any" : wb_ar_day_rule_name (s->ar_day_rule));
		if (scope)
			wb_table_text (t, s->incident_scope < 0 ? "any" : wb_incident_scope_name (s->incident_scope));
		if (pre)
			wb_table_text (t, s->preemption < 0 ? "any" : wb_preemption_name (s->preemption));
		wb_table_int (t, s->violating_messages);
		money_col (t, mode, s->amount_cents);
	}
	wb_table_end (t);
	return WB_EXIT_OK;
}

static const char *
statute_id (const wb_damages_t *d, int i)
{
	return ((wb_damages_statute_t *) d->statutes->pdata[i])->id;
}

/* Each plaintiff's action under each statute: the plaintiffs of the kind
 * asked for (--plaintiff), with a line per plaintiff summing its statutes
 * for people; the total is the sum of the actions. */
static void
print_plaintiffs (wb_ctx_t *ctx, wb_mode_t mode, const wb_damages_t *d)
{
	gboolean people = mode == WB_MODE_TEXT;
	if (mode == WB_MODE_JSON) {
		char *j = wb_damages_plaintiffs_json (d);
		fprintf (ctx->out, "%s\n", j);
		g_free (j);
		return;
	}
	if (people)
		fprintf (ctx->out, "Plaintiffs: %s (%s), each with an action of their own\n",
			 wb_plaintiff_name (d->opts.plaintiff),
			 d->opts.plaintiff == WB_PLAINTIFF_RECIPIENT ? "each trap holder" : "each provider");
	wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
	wb_table_column (t, "plaintiff", WB_COL_TEXT);
	wb_table_column (t, "traps", WB_COL_TEXT);
	wb_table_column (t, "statute", WB_COL_TEXT);
	wb_table_column (t, people ? "copies" : "messages", WB_COL_INT);
	wb_table_column (t, people ? "violating" : "violating_messages", WB_COL_INT);
	wb_table_column (t, "incidents", WB_COL_INT);
	wb_table_column (t, "days", WB_COL_INT);
	money_header (t, mode, "uncapped");
	money_header (t, mode, "amount");
	for (guint i = 0; i < d->actions->len; i++) {
		const wb_damages_action_t *a = &g_array_index (d->actions, wb_damages_action_t, i);
		const wb_damages_plaintiff_t *p = d->plaintiffs->pdata[a->plaintiff];
		wb_table_text (t, p->name);
		wb_table_text (t, p->traps);
		wb_table_text (t, statute_id (d, a->statute));
		wb_table_int (t, a->messages);
		wb_table_int (t, a->violating_messages);
		wb_table_int (t, a->incidents);
		wb_table_int (t, a->days);
		money_col (t, mode, a->uncapped_cents);
		money_col (t, mode, a->amount_cents);
		gboolean last = i + 1 == d->actions->len ||
			g_array_index (d->actions, wb_damages_action_t, i + 1).plaintiff != a->plaintiff;
		if (people && last) {
			wb_table_text (t, p->name);
			wb_table_null (t);
			wb_table_text (t, "all");
			for (int k = 0; k < 5; k++)
				wb_table_null (t);
			money_col (t, mode, p->amount_cents);
		}
	}
	if (people) {
		wb_table_text (t, "total");
		for (int k = 0; k < 7; k++)
			wb_table_null (t);
		money_col (t, mode, d->total_cents);
	}
	wb_table_end (t);
}

static void
print_by (wb_ctx_t *ctx, wb_mode_t mode, const wb_damages_t *d, const char *by)
{
	/* Trap ids to addresses for --by trap. */
	GHashTable *addr = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	sqlite3_stmt *q = wb_case_stmt (ctx->cs, "SELECT id, address FROM traps");
	while (q && sqlite3_step (q) == SQLITE_ROW)
		g_hash_table_insert (addr, g_strdup_printf ("%lld", (long long) sqlite3_column_int64 (q, 0)),
				     g_strdup ((const char *) sqlite3_column_text (q, 1)));
	if (q)
		sqlite3_reset (q);
	wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
	wb_table_column (t, "statute", WB_COL_TEXT);
	if (strcmp (by, "day") == 0 || strcmp (by, "incident") == 0) {
		gboolean inc = by[0] == 'i';
		GArray *a = inc ? d->incidents : d->days;
		if (inc)
			wb_table_column (t, "incident", WB_COL_INT);
		wb_table_column (t, "local_day", WB_COL_TEXT);
		wb_table_column (t, "copies", WB_COL_INT);
		money_header (t, mode, "uncapped");
		money_header (t, mode, "amount");
		for (guint i = 0; i < a->len; i++) {
			wb_damages_group_t *g = &g_array_index (a, wb_damages_group_t, i);
			wb_table_text (t, statute_id (d, g->statute));
			if (inc)
				wb_table_int (t, g->number);
			wb_table_text (t, g->local_day[0] ? g->local_day : NULL);
			wb_table_int (t, g->copies);
			money_col (t, mode, g->uncapped_cents);
			money_col (t, mode, g->amount_cents);
		}
	} else {
		/* trap or provision: counts and per-message sums (caps apply to
		 * incidents, days or the action, not to traps or provisions). */
		gboolean trap = strcmp (by, "trap") == 0;
		wb_table_column (t, trap ? "trap" : "provision", WB_COL_TEXT);
		wb_table_column (t, "copies", WB_COL_INT);
		money_header (t, mode, "uncapped");
		GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
		GPtrArray *order = g_ptr_array_new ();
		for (guint i = 0; i < d->rows->len; i++) {
			wb_damages_row_t *r = &g_array_index (d->rows, wb_damages_row_t, i);
			char **keys = trap ? NULL : g_strsplit (r->provisions, "; ", -1);
			char *one[2] = { g_strdup_printf ("%lld", (long long) r->trap), NULL };
			for (char **k = trap ? one : keys; *k; k++) {
				char *key = g_strdup_printf ("%s\t%s", statute_id (d, r->statute), *k);
				int64_t *v = g_hash_table_lookup (h, key);
				if (!v) {
					v = g_new0 (int64_t, 2);
					g_hash_table_insert (h, key, v);
					g_ptr_array_add (order, key);
				} else
					g_free (key);
				v[0]++;
				v[1] += r->per_message_cents;
			}
			g_free (one[0]);
			g_strfreev (keys);
		}
		for (guint i = 0; i < order->len; i++) {
			char *key = order->pdata[i];
			int64_t *v = g_hash_table_lookup (h, key);
			char **kv = g_strsplit (key, "\t", 2);
			wb_table_text (t, kv[0]);
			const char *a = trap ? g_hash_table_lookup (addr, kv[1]) : NULL;
			wb_table_text (t, a ? a : trap && strcmp (kv[1], "0") == 0 ? "(no trap)" : kv[1]);
			wb_table_int (t, v[0]);
			money_col (t, mode, v[1]);
			g_strfreev (kv);
		}
		g_ptr_array_unref (order);
		g_hash_table_destroy (h);
	}
	wb_table_end (t);
	g_hash_table_destroy (addr);
}

static const char *const by_values[] = { "statute", "plaintiff", "day", "incident", "trap",
					 "provision", NULL };

const wb_option_t wb_options_damages_cmd[] = {
	WB_GROUP (wb_options_damages),
	WB_ENUM ('b', "by", by_values,
		 "What the table adds up by: per statute (the default); per plaintiff's action; "
		 "per local day or per incident under each statute; per trap; per provision "
		 "violated"),
	WB_FLAG ('S', "scenarios", "Every statute's amount under each reading the options "
		 "choose between (incident definition, due care, Arkansas day rule, plaintiff, "
		 "shared incident cap, preemption), where the reading changes it"),
	WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON),
	WB_OPTIONS_END
};

int
wb_cmd_damages (wb_ctx_t *ctx, int argc, char **argv)
{
	wb_damages_opts_t o;
	wb_damages_opts_init (&o);
	GPtrArray *ids = g_ptr_array_new ();
	const char *by = NULL, *format = NULL;
	gboolean scenarios = FALSE;
	int c, rc = WB_EXIT_OK;
	while ((c = wb_options_next (argc, argv, wb_options_damages_cmd)) != -1) {
		int done = wb_damages_option ("damages", c, optarg, &o, ids);
		if (done < 0) {
			g_ptr_array_unref (ids);
			return WB_EXIT_USAGE;
		}
		if (done)
			continue;
		switch (c) {
		case 'b': by = optarg; break;
		case 'S': scenarios = TRUE; break;
		case 'F': format = optarg; break;
		default:
			g_ptr_array_unref (ids);
			return wb_usage_error ("damages", "bad option");
		}
	}
	if (optind < argc) {
		g_ptr_array_unref (ids);
		return wb_usage_error ("damages", "unexpected argument '%s'", argv[optind]);
	}
	if (!wb_require_analysis (ctx, "damages")) {
		g_ptr_array_unref (ids);
		return WB_EXIT_FAIL;
	}
	wb_mode_t mode = WB_MODE_TEXT;
	if (format && !wb_parse_mode (format, &mode)) {
		g_ptr_array_unref (ids);
		return WB_EXIT_USAGE;
	}
	if (!format)
		wb_ctx_mode (ctx, NULL, WB_MODE_TEXT, &mode);
	g_ptr_array_add (ids, NULL);
	o.statutes = ids->len > 1 ? (char **) ids->pdata : NULL;
	if (by && strcmp (by, "statute") == 0)
		by = NULL;
	o.summary_only = by == NULL || strcmp (by, "plaintiff") == 0;

	if (scenarios) {
		wb_damages_scenarios_t *r = NULL;
		wb_status_t st = wb_damages_scenarios (ctx->cs, &o, &r);
		g_ptr_array_unref (ids);
		if (st)
			return wb_fail_case (ctx, st);
		rc = print_scenarios (ctx, mode, r);
		wb_damages_scenarios_free (r);
		return rc;
	}
	wb_damages_t *d = NULL;
	wb_status_t st = wb_damages_compute (ctx->cs, &o, &d);
	g_ptr_array_unref (ids);
	if (st) {
		rc = wb_fail_case (ctx, st);
		if (st == WB_ERR_NOT_FOUND)
			wb_hint ("'workbench statutes %s' lists the statute ids", ctx->case_path);
		return rc;
	}
	if (by && strcmp (by, "plaintiff") == 0)
		print_plaintiffs (ctx, mode, d);
	else if (by)
		print_by (ctx, mode, d, by);
	else if (mode == WB_MODE_JSON) {
		char *j = wb_damages_json (d);
		fprintf (ctx->out, "%s\n", j);
		g_free (j);
	} else {
		if (mode == WB_MODE_TEXT) {
			fprintf (ctx->out, "Plaintiff: %s   incident: %s%s%s   due care: %s   Arkansas day rule: %s%s%s\n",
				 wb_plaintiff_name (d->opts.plaintiff), wb_incident_rule_name (d->opts.incident),
				 d->opts.incident_scope >= 0 ? ", cap " : "",
				 d->opts.incident_scope >= 0 ? wb_incident_scope_name (d->opts.incident_scope) : "",
				 d->opts.due_care ? "yes" : "no", wb_ar_day_rule_name (d->opts.ar_day_rule),
				 d->opts.include_indicators ? "   indicators counted" : "",
				 d->opts.aggravated ? "   aggravated" : "");
			fprintf (ctx->out, "Statute set: %s   rules: %s   filed: %s%s\n", d->statute_source,
				 d->rules_source, d->filed ? d->filed : "(none: no limitations applied)",
				 o.filed ? " (--filed: what if the action were filed then)" : "");
			if (d->preempted_by)
				fprintf (ctx->out, "Preemption: applied (%s, from %s): a state provision counts only "
					 "if it prohibits falsity or deception\n", d->preempted_by, d->preempted_from);
			else
				fprintf (ctx->out, "Preemption: %s\n", d->opts.preemption == WB_PREEMPT_APPLY
					 ? "none (no statute in the set says preempts_from)" : "ignored (--preemption ignore)");
		}
		print_statutes (ctx, mode, d);
	}
	wb_damages_free (d);
	return rc;
}
