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
		"excluded_analyst", "excluded_by_statute", "excluded_preempted", "excluded_undated",
		"not_violating" };
	const char *const *cols = people ? brief : full;
	gsize ncols = people ? G_N_ELEMENTS (brief) : G_N_ELEMENTS (full);
	for (gsize i = 0; i < ncols; i++)
		wb_table_column (t, cols[i], i ? WB_COL_INT : WB_COL_TEXT);
	money_header (t, mode, "uncapped");
	money_header (t, mode, "amount");
	if (people)
		wb_table_column (t, "note", WB_COL_TEXT);
	gboolean excluded = FALSE;
	for (guint i = 0; i < d->statutes->len; i++) {
		wb_damages_statute_t *s = d->statutes->pdata[i];
		const int64_t ex[] = { s->excluded_nexus, s->excluded_effective, s->excluded_limitations,
				       s->excluded_analyst, s->excluded_by_statute, s->excluded_preempted,
				       s->excluded_undated, s->not_violating };
		wb_table_text (t, s->id);
		wb_table_int (t, s->messages);
		wb_table_int (t, s->violating_messages);
		wb_table_int (t, s->incidents);
		wb_table_int (t, s->days);
		for (gsize k = 0; k < G_N_ELEMENTS (ex); k++) {
			if (!people)
				wb_table_int (t, ex[k]);
			excluded |= ex[k] != 0 && k < G_N_ELEMENTS (ex) - 1;
		}
		money_col (t, mode, s->uncapped_cents);
		money_col (t, mode, s->amount_cents);
		if (people)
			wb_table_text (t, s->note);
	}
	if (people) {
		wb_table_text (t, "total");
		for (gsize i = 1; i < ncols + 1; i++)
			wb_table_null (t);
		money_col (t, mode, d->total_cents);
		wb_table_null (t);
	}
	wb_table_end (t);
	if (!people || !excluded)
		return;
	/* "copies" is the copies in scope (damages.h): those the statute
	 * reaches.  The first four columns are outside it; the rest are in it
	 * and not counted. */
	fprintf (ctx->out, "\nCopies left out of each statute, and why (the first four out of scope, the rest in it):\n");
	t = wb_table_new (ctx->out, WB_MODE_TEXT, ctx->term_width);
	static const char *const why[] = { "statute", "no nexus", "undated", "before effective", "limitations",
		"analyst", "preempted", "other statute", "not violating" };
	for (gsize i = 0; i < G_N_ELEMENTS (why); i++)
		wb_table_column (t, why[i], i ? WB_COL_INT : WB_COL_TEXT);
	for (guint i = 0; i < d->statutes->len; i++) {
		wb_damages_statute_t *s = d->statutes->pdata[i];
		wb_table_text (t, s->id);
		wb_table_int (t, s->excluded_nexus);
		wb_table_int (t, s->excluded_undated);
		wb_table_int (t, s->excluded_effective);
		wb_table_int (t, s->excluded_limitations);
		wb_table_int (t, s->excluded_analyst);
		wb_table_int (t, s->excluded_preempted);
		wb_table_int (t, s->excluded_by_statute);
		wb_table_int (t, s->not_violating);
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

static const char *
roles_of (unsigned roles, char buf[40])
{
	static const char *const w[] = { "sender", "affiliate", "advertiser" };
	buf[0] = 0;
	for (int b = 0; b < 3; b++)
		if (roles & (1u << b)) {
			if (buf[0])
				strcat (buf, ", ");
			strcat (buf, w[b]);
		}
	return buf;
}

/* Each defendant's exposure under each statute; for people a summary per
 * defendant (copies per role, the weakest link, first and last copies,
 * after filing) and the case total counting each copy once. */
static void
print_defendants (wb_ctx_t *ctx, wb_mode_t mode, const wb_defendants_t *d)
{
	char rb[40];
	gboolean people = mode == WB_MODE_TEXT;
	if (mode == WB_MODE_JSON) {
		char *j = wb_defendants_json (d);
		fprintf (ctx->out, "%s\n", j);
		g_free (j);
		return;
	}
	if (people)
		fprintf (ctx->out, "Defendants: each roster party, and each group of parties joined by strong or "
			 "confirmed links.\nPlaintiff: %s; each plaintiff's caps apply to the copies attributed to the "
			 "defendant; a statute counts a copy only in a role it reaches.\n",
			 wb_plaintiff_name (d->opts.plaintiff));
	wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
	wb_table_column (t, "defendant", WB_COL_TEXT);
	if (!people) {
		wb_table_column (t, "party_ids", WB_COL_TEXT);
		wb_table_column (t, "roles", WB_COL_TEXT);
	}
	wb_table_column (t, "statute", WB_COL_TEXT);
	wb_table_column (t, "copies", WB_COL_INT);
	money_header (t, mode, "uncapped");
	money_header (t, mode, "amount");
	wb_table_column (t, people ? "note" : "reason", WB_COL_TEXT);
	if (!people) {
		wb_table_column (t, "weakest_link", WB_COL_TEXT);
		wb_table_column (t, "weakest_strength", WB_COL_TEXT);
	}
	for (guint i = 0; i < d->defendants->len; i++) {
		const wb_defendant_t *x = d->defendants->pdata[i];
		GString *ids = g_string_new (NULL);
		for (guint k = 0; k < x->party_ids->len; k++)
			g_string_append_printf (ids, "%s%lld", k ? " " : "",
						(long long) g_array_index (x->party_ids, int64_t, k));
		for (guint k = 0; k < x->statutes->len; k++) {
			const wb_defendant_statute_t *s = x->statutes->pdata[k];
			wb_table_text (t, x->name);
			if (!people) {
				wb_table_text (t, ids->str);
				wb_table_text (t, roles_of (x->roles, rb));
			}
			wb_table_text (t, s->id);
			wb_table_int (t, s->copies);
			money_col (t, mode, s->uncapped_cents);
			money_col (t, mode, s->amount_cents);
			if (people && !s->reason && s->amount_cents > s->uncapped_cents) {
				char a[32];
				char *m = g_strdup_printf ("the greater of %s per copy and the statute's amount",
							   wb_format_cents (s->uncapped_cents, a));
				wb_table_text (t, m);
				g_free (m);
			} else
				wb_table_text (t, s->reason);
			if (!people) {
				wb_table_text (t, x->weakest_text);
				wb_table_text (t, x->weakest_strength);
			}
		}
		if (people) {
			wb_table_text (t, x->name);
			wb_table_text (t, "all");
			wb_table_int (t, x->violating);
			wb_table_null (t);
			money_col (t, mode, x->amount_cents);
			wb_table_null (t);
		}
		g_string_free (ids, TRUE);
	}
	wb_table_end (t);
	if (!people)
		return;
	fprintf (ctx->out, "\nTotal, each copy counted once: %s (%lld copies).  The exposures above add up to %s:"
		 " a copy claimed against several defendants is recovered once.\n",
		 wb_format_cents (d->total_cents, rb), (long long) d->copies,
		 wb_format_cents (d->exposure_sum_cents, (char[32]) { 0 }));
	if (d->case_cents != d->total_cents)
		fprintf (ctx->out, "The case's damages, attributed or not: %s.\n", wb_format_cents (d->case_cents, rb));
	fprintf (ctx->out, "\nWho, as what, and when (filed: %s):\n", d->filed ? d->filed : "none");
	t = wb_table_new (ctx->out, WB_MODE_TEXT, ctx->term_width);
	static const char *const cols[] = { "defendant", "sender", "affiliate", "advertiser", "violating",
		"first", "last", "after filing", "weakest link" };
	for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
		wb_table_column (t, cols[i], i && i < 5 ? WB_COL_INT : i == 7 ? WB_COL_INT : WB_COL_TEXT);
	for (guint i = 0; i < d->defendants->len; i++) {
		const wb_defendant_t *x = d->defendants->pdata[i];
		wb_table_text (t, x->name);
		for (int b = 0; b < 3; b++)
			wb_table_int (t, x->role_copies[b]);
		wb_table_int (t, x->violating);
		char f[40], l[40];
		g_snprintf (f, sizeof f, "%s #%lld", x->first_day, (long long) x->first_copy);
		g_snprintf (l, sizeof l, "%s #%lld", x->last_day, (long long) x->last_copy);
		wb_table_text (t, x->first_copy ? f : NULL);
		wb_table_text (t, x->last_copy ? l : NULL);
		wb_table_int (t, x->after_filing);
		char *w = x->weakest_link ? g_strdup_printf ("%s%s", x->weak ? "WEAK: " : "", x->weakest_text)
			: g_strdup ("none (its own messages)");
		wb_table_text (t, w);
		g_free (w);
	}
	wb_table_end (t);
	gboolean any = FALSE;
	for (guint i = 0; i < d->defendants->len; i++) {
		const wb_defendant_t *x = d->defendants->pdata[i];
		if (!x->weak_links)
			continue;
		if (!any)
			fprintf (ctx->out, "\nLinks not relied on (weak or moderate, not confirmed; --format json lists all):\n");
		any = TRUE;
		char **parts = g_strsplit (x->weak_links, "; ", -1);
		guint np = g_strv_length (parts);
		fprintf (ctx->out, "  %s:", x->name);
		for (guint k = 0; k < np && k < 3; k++)
			fprintf (ctx->out, "%s %s", k ? ";" : "", parts[k]);
		if (np > 3)
			fprintf (ctx->out, "; and %u more", np - 3);
		fputc ('\n', ctx->out);
		g_strfreev (parts);
	}
	for (guint i = 0; i < d->defendants->len; i++) {
		const wb_defendant_t *x = d->defendants->pdata[i];
		if (!x->copy_list)
			continue;
		fprintf (ctx->out, "\nCopies of %s:\n", x->name);
		t = wb_table_new (ctx->out, WB_MODE_TEXT, ctx->term_width);
		wb_table_column (t, "copy", WB_COL_INT);
		wb_table_column (t, "local_day", WB_COL_TEXT);
		wb_table_column (t, "roles", WB_COL_TEXT);
		wb_table_column (t, "counted under", WB_COL_TEXT);
		wb_table_column (t, "after filing", WB_COL_TEXT);
		for (guint k = 0; k < x->copy_list->len; k++) {
			const wb_defendant_copy_t *c = &g_array_index (x->copy_list, wb_defendant_copy_t, k);
			GString *st = g_string_new (NULL);
			for (guint b = 0; b < x->statutes->len && b < 32; b++)
				if (c->statutes & (1u << b))
					g_string_append_printf (st, "%s%s", st->len ? ", " : "",
								((wb_defendant_statute_t *) x->statutes->pdata[b])->id);
			wb_table_int (t, c->message);
			wb_table_text (t, c->local_day);
			wb_table_text (t, roles_of (c->roles, rb));
			wb_table_text (t, st->len ? st->str : "(none)");
			wb_table_text (t, c->after_filing ? "yes" : "no");
			g_string_free (st, TRUE);
		}
		wb_table_end (t);
	}
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
		/* trap or provision: counts and per-message sums.  Caps apply
		 * to incidents, days or a plaintiff's action, not to a trap: a
		 * trap's amount is its share of its plaintiff's action under the
		 * statute, in proportion to its per-copy sum (rounded down, the
		 * cents left to the trap with the largest part), so that a
		 * statute's traps add up to its amount.  A copy violating
		 * several provisions is listed under each: provisions have no
		 * amount of their own, and their total is the statute's. */
		gboolean trap = strcmp (by, "trap") == 0;
		wb_table_column (t, trap ? "trap" : "provision", WB_COL_TEXT);
		wb_table_column (t, "copies", WB_COL_INT);
		money_header (t, mode, "uncapped");
		/* A provision's amount exists only as its statute's total. */
		gboolean amounts = trap || mode == WB_MODE_TEXT;
		if (amounts)
			money_header (t, mode, "amount");
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
					v = g_new0 (int64_t, 5);   /* copies, uncapped, statute, plaintiff, amount */
					v[2] = r->statute;
					v[3] = r->plaintiff;
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
		if (trap) {
			/* Each action's amount shared among its traps. */
			for (guint a = 0; a < d->actions->len; a++) {
				const wb_damages_action_t *x = &g_array_index (d->actions, wb_damages_action_t, a);
				int64_t given = 0, *best = NULL;
				for (guint i = 0; i < order->len; i++) {
					int64_t *v = g_hash_table_lookup (h, order->pdata[i]);
					if (v[2] != x->statute || v[3] != x->plaintiff || !x->uncapped_cents)
						continue;
					v[4] = (int64_t) ((__int128) x->amount_cents * v[1] / x->uncapped_cents);
					given += v[4];
					if (!best || v[1] > best[1])
						best = v;
				}
				if (best)
					best[4] += x->amount_cents - given;
			}
		}
		for (guint i = 0; i <= order->len; i++) {
			const char *key = i < order->len ? order->pdata[i] : NULL;
			int64_t *v = key ? g_hash_table_lookup (h, key) : NULL;
			int st = v ? (int) v[2] : -1;
			/* After each statute's last row, its total. */
			if (i > 0 && mode == WB_MODE_TEXT) {
				int prev = (int) ((int64_t *) g_hash_table_lookup (h, order->pdata[i - 1]))[2];
				if (prev != st) {
					const wb_damages_statute_t *ds = d->statutes->pdata[prev];
					wb_table_text (t, ds->id);
					wb_table_text (t, "total");
					wb_table_int (t, ds->violating_messages);
					money_col (t, mode, ds->uncapped_cents);
					money_col (t, mode, ds->amount_cents);
				}
			}
			if (!key)
				break;
			char **kv = g_strsplit (key, "\t", 2);
			wb_table_text (t, kv[0]);
			const char *a = trap ? g_hash_table_lookup (addr, kv[1]) : NULL;
			wb_table_text (t, a ? a : trap && strcmp (kv[1], "0") == 0 ? "(no trap)" : kv[1]);
			wb_table_int (t, v[0]);
			money_col (t, mode, v[1]);
			if (trap)
				money_col (t, mode, v[4]);
			else if (amounts)
				wb_table_null (t);
			g_strfreev (kv);
		}
		g_ptr_array_unref (order);
		g_hash_table_destroy (h);
		if (mode == WB_MODE_TEXT) {
			wb_table_text (t, "total");
			for (int k = 0; k < 3; k++)
				wb_table_null (t);
			money_col (t, mode, d->total_cents);
		}
	}
	wb_table_end (t);
	g_hash_table_destroy (addr);
	if (mode == WB_MODE_TEXT && strcmp (by, "provision") == 0)
		fprintf (ctx->out, "A copy that violates several provisions is listed under each; a provision has no "
			 "amount of its own: the statute's total is its amount.\n");
	else if (mode == WB_MODE_TEXT && strcmp (by, "trap") == 0)
		fprintf (ctx->out, "A trap's amount is its share of its plaintiff's action, in proportion to its "
			 "per-copy sum.\n");
}

static const char *const by_values[] = { "statute", "plaintiff", "defendant", "day", "incident",
					 "trap", "provision", NULL };

const wb_option_t wb_options_damages_cmd[] = {
	WB_GROUP (wb_options_damages),
	WB_ENUM ('b', "by", by_values,
		 "What the table adds up by: per statute (the default); per plaintiff's action; "
		 "per defendant (each roster party and each group joined by strong or confirmed "
		 "links: its exposure, and a total that counts each copy once); per local day or "
		 "per incident under each statute; per trap (its share of its plaintiff's "
		 "action); per provision violated"),
	WB_STRING ('N', "defendant", "NAME",
		   "Only this roster party and the groups that hold it, with its copies listed "
		   "(implies --by defendant)"),
	WB_STRING ('T', "trap", "ADDR",
		   "Only the copies of the trap of this address (one 'messages --trap' accepts)"),
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
	const char *by = NULL, *format = NULL, *defendant = NULL;
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
		case 'N': defendant = optarg; break;
		case 'T':
			if (!wb_check_value (ctx, "trap", optarg, NULL,
					     "SELECT address FROM traps ORDER BY address", TRUE)) {
				g_ptr_array_unref (ids);
				return WB_EXIT_USAGE;
			}
			o.trap = optarg;
			break;
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
	if (defendant && by && strcmp (by, "defendant") != 0) {
		g_ptr_array_unref (ids);
		return wb_usage_error ("damages", "--defendant goes with --by defendant, not --by %s", by);
	}
	if (defendant && scenarios) {
		g_ptr_array_unref (ids);
		return wb_usage_error ("damages", "--defendant and --scenarios do not go together");
	}
	if (defendant)
		by = "defendant";
	if (by && strcmp (by, "statute") == 0)
		by = NULL;
	if (by && strcmp (by, "defendant") == 0 && !scenarios) {
		wb_defendants_t *dd = NULL;
		wb_status_t st = wb_damages_defendants (ctx->cs, &o, defendant, &dd);
		g_ptr_array_unref (ids);
		if (st) {
			rc = wb_fail_case (ctx, st);
			if (st == WB_ERR_NOT_FOUND && defendant)
				wb_hint ("'workbench parties %s' lists the parties", ctx->case_path);
			else if (st == WB_ERR_NOT_FOUND)
				wb_hint ("'workbench statutes %s' lists the statute ids", ctx->case_path);
			return rc;
		}
		if (!dd->defendants->len && mode == WB_MODE_TEXT)
			wb_hint ("no parties: 'workbench import %s parties FILE.csv', then 'workbench link %s'",
				 ctx->case_path, ctx->case_path);
		print_defendants (ctx, mode, dd);
		wb_defendants_free (dd);
		return rc;
	}
	o.summary_only = by == NULL || strcmp (by, "plaintiff") == 0;
	/* The JSON carries the reconciliation per trap. */
	o.by_trap = by == NULL && mode == WB_MODE_JSON;

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
