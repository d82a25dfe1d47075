/* The report's content sections (sections.h), gathered as tables of text
 * from the case, the statute files and the damages engine.  Alternatives
 * are the engine's own results for other options; nothing here computes
 * an amount. */
#include <string.h>
#include "report-private.h"
#include "output.h"
#include "jurisdiction.h"

static wb_rtable_t *
table_new (wb_report_t *r, wb_part_t part, const char *sheet, const char *title, const char *intro_key,
	   int ncols, const char *const *cols, const char *kinds, const double *rel)
{
	wb_rtable_t *t = g_new0 (wb_rtable_t, 1);
	t->part = part;
	t->sheet = g_strdup (sheet);
	t->title = g_strdup (title);
	if (intro_key)
		t->intro = g_strdup (wb_report_tpl (r, "sections", intro_key, ""));
	t->ncols = ncols;
	t->cols = g_new0 (char *, ncols + 1);
	t->rel = g_new (double, ncols);
	for (int i = 0; i < ncols; i++) {
		t->cols[i] = g_strdup (cols[i]);
		t->rel[i] = rel[i];
	}
	t->kinds = g_strdup (kinds);
	t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	g_ptr_array_add (r->sec->tables, t);
	return t;
}

static void
table_free (gpointer p)
{
	wb_rtable_t *t = p;
	g_free (t->sheet);
	g_free (t->title);
	g_free (t->subtitle);
	g_free (t->intro);
	g_free (t->after);
	g_strfreev (t->cols);
	g_free (t->kinds);
	g_free (t->rel);
	g_ptr_array_free (t->rows, TRUE);
	g_free (t);
}

/* Add a row of T->ncols cells; each argument is taken (newly allocated). */
static void
row_add (wb_rtable_t *t, ...)
{
	va_list ap;
	char **cells = g_new0 (char *, t->ncols + 1);
	va_start (ap, t);
	for (int i = 0; i < t->ncols; i++) {
		char *c = va_arg (ap, char *);
		cells[i] = c ? c : g_strdup ("");
	}
	va_end (ap);
	g_ptr_array_add (t->rows, cells);
}

static char *
i64 (int64_t v)
{
	return g_strdup_printf ("%" G_GINT64_FORMAT, v);
}

static const wb_damages_statute_t *
find_statute (const wb_damages_t *d, const char *id)
{
	for (guint i = 0; d && d->statutes && i < d->statutes->len; i++) {
		const wb_damages_statute_t *s = g_ptr_array_index (d->statutes, i);
		if (!strcmp (s->id, id))
			return s;
	}
	return NULL;
}

static const wb_statute_t *
rule_of (wb_report_t *r, const char *id)
{
	return r->o->statutes ? wb_statute_set_find (r->o->statutes, id) : NULL;
}

static int64_t
query_i64 (wb_report_t *r, const char *sql, const char *arg)
{
	sqlite3_stmt *q;
	int64_t v = 0;
	if (sqlite3_prepare_v2 (wb_case_db (r->cs), sql, -1, &q, NULL) != SQLITE_OK)
		return 0;
	if (arg)
		sqlite3_bind_text (q, 1, arg, -1, SQLITE_TRANSIENT);
	if (sqlite3_step (q) == SQLITE_ROW)
		v = sqlite3_column_int64 (q, 0);
	sqlite3_finalize (q);
	return v;
}

/* ---- Assumptions ---- */

/* A note counsel must confirm: the statute file says so, or says the
 * seed text does not settle it. */
static gboolean
needs_confirming (const char *note)
{
	return strstr (note, "Counsel confirm") || strstr (note, "counsel to confirm") || strstr (note, "Not stated in")
	       || strstr (note, "not settled");
}

static void
assumptions (wb_report_t *r)
{
	const wb_damages_t *d = r->d;
	static const char *const cols[] = { "No.", "Presumption or assumption", "Where it comes from", "Counsel confirm" };
	static const double rel[] = { 0.4, 5, 2, 0.9 };
	wb_rtable_t *t = table_new (r, WB_PART_FRONT, "Assumptions", "Assumptions counsel must confirm", "assumptions",
				    4, cols, "nwtt", rel);
	int n = 0;

	/* The trap presumption: the provisions whose check is "always". */
	GString *always = g_string_new ("");
	for (guint i = 0; d->statutes && i < d->statutes->len; i++) {
		const wb_damages_statute_t *ds = g_ptr_array_index (d->statutes, i);
		const wb_statute_t *st = rule_of (r, ds->id);
		for (guint k = 0; st && k < st->provisions->len; k++) {
			const wb_provision_t *pv = g_ptr_array_index (st->provisions, k);
			if (pv->kind == WB_CHECK_ALWAYS)
				g_string_append_printf (always, "%s%s %s", always->len ? "; " : "", st->citation, pv->label);
		}
	}
	int64_t presumed = query_i64 (r, "SELECT count(DISTINCT message) FROM findings WHERE source = 'rule'"
				      " AND finding = 'violation' AND instr(evidence, '(presumed:') > 0", NULL);
	char *txt = g_strdup_printf ("%s Provisions checked this way: %s. Copies with a finding that rests on it: %" G_GINT64_FORMAT ".",
				     wb_report_tpl (r, "assumptions", "trap", ""), always->len ? always->str : "none",
				     presumed);
	row_add (t, i64 (++n), txt, g_strdup ("rule checks 'always' in the statute files"), g_strdup ("yes"));
	g_string_free (always, TRUE);

	row_add (t, i64 (++n),
		 g_strdup (wb_report_tpl (r, "assumptions", d->opts.include_indicators ? "indicators_on" : "indicators_off", "")),
		 g_strdup (d->opts.include_indicators ? "--include-indicators" : "damages options (default)"),
		 g_strdup (d->opts.include_indicators ? "yes" : ""));

	if (d->preempted_by)
		txt = g_strdup_printf ("CAN-SPAM preemption applied: under a state statute a copy received on or after %s counts"
				       " only for provisions that prohibit falsity or deception (15 U.S.C. 7707(b)(1), in %s).",
				       d->preempted_from, d->preempted_by);
	else
		txt = g_strdup_printf ("CAN-SPAM preemption ignored: state provisions count whether or not they prohibit"
				       " falsity or deception%s.", d->opts.preemption == WB_PREEMPT_IGNORE
				       ? " (--preemption ignore)" : " (no statute of the set preempts)");
	row_add (t, i64 (++n), txt, g_strdup (d->preempted_by ? "damages options (default)" : "--preemption ignore"),
		 g_strdup ("yes"));

	if (d->filed)
		txt = g_strdup_printf ("%s %s.", wb_report_tpl (r, "assumptions", "filed", ""), d->filed);
	else
		txt = g_strdup (wb_report_tpl (r, "assumptions", "no_filed", ""));
	row_add (t, i64 (++n), txt, g_strdup (d->filed ? (d->opts.filed ? "--filed" : "case: filed") : "case: filed"),
		 g_strdup (""));

	/* Every note of the statute files ([statute] and [damages] keys
	 * ending in _note), read from the files in use; a note several
	 * files share is listed once, with each file. */
	GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
	GHashTable *where = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);  /* text -> GString */
	for (guint i = 0; d->statutes && i < d->statutes->len; i++) {
		const wb_damages_statute_t *ds = g_ptr_array_index (d->statutes, i);
		const wb_statute_t *st = rule_of (r, ds->id);
		if (!st || !st->content)
			continue;
		GKeyFile *kf = g_key_file_new ();
		if (g_key_file_load_from_data (kf, st->content, strlen (st->content), G_KEY_FILE_NONE, NULL)) {
			static const char *const groups[] = { "statute", "damages" };
			for (size_t g = 0; g < G_N_ELEMENTS (groups); g++) {
				char **keys = g_key_file_get_keys (kf, groups[g], NULL, NULL);
				for (char **k = keys; k && *k; k++) {
					if (!g_str_has_suffix (*k, "_note"))
						continue;
					char *v = g_key_file_get_string (kf, groups[g], *k, NULL);
					if (!v || !*v) {
						g_free (v);
						continue;
					}
					GString *w = g_hash_table_lookup (where, v);
					if (!w) {
						w = g_string_new ("");
						g_ptr_array_add (texts, g_strdup (v));
						g_hash_table_insert (where, v, w);
					} else
						g_free (v);
					g_string_append_printf (w, "%s%s [%s] %s", w->len ? "; " : "", st->file, groups[g], *k);
				}
				g_strfreev (keys);
			}
		}
		g_key_file_free (kf);
	}
	for (guint i = 0; i < texts->len; i++) {
		const char *v = g_ptr_array_index (texts, i);
		GString *w = g_hash_table_lookup (where, v);
		row_add (t, i64 (++n), g_strdup (v), g_strdup (w->str), g_strdup (needs_confirming (v) ? "yes" : ""));
		g_string_free (w, TRUE);
	}
	g_ptr_array_free (texts, TRUE);
	g_hash_table_destroy (where);
	if (!r->o->statutes)
		t->after = g_strdup ("The statute files were not given to the report: their notes are not listed.");
}

/* ---- Findings, certain and indicator apart ---- */

static void
findings (wb_report_t *r, const wb_damages_t *other)
{
	const wb_damages_t *d = r->d;
	gboolean ind = d->opts.include_indicators;
	const char *cols[] = { "Statute", "Certain rule violation", "Indicator only",
			       "Analyst: violation", "Analyst: none", "Counted", "Amount",
			       ind ? "Without indicators: counted" : "If indicators confirmed: counted",
			       ind ? "Without indicators: amount" : "If indicators confirmed: amount",
			       ind ? "Indicators add" : "Confirming would add" };
	static const double rel[] = { 1.5, 0.95, 0.95, 0.95, 0.95, 0.9, 1.1, 1.15, 1.2, 1.1 };
	wb_rtable_t *t = table_new (r, WB_PART_FRONT, "Findings", "Findings: certain and indicator", "findings",
				    10, cols, "tnnnnnmnmm", rel);
	static const char *sql[] = {
		"SELECT count(DISTINCT message) FROM findings WHERE statute = ?1 AND source = 'rule'"
		" AND finding = 'violation' AND confidence = 'certain'",
		/* Two scans, not a NOT EXISTS per row: through the view findings
		 * that subquery ran for every rule row (17x slower on 25,000
		 * copies), before the statute and confidence were known. */
		"SELECT count(*) FROM (SELECT message FROM findings WHERE statute = ?1 AND source = 'rule'"
		" AND finding = 'violation' AND confidence = 'indicator' EXCEPT SELECT message FROM findings"
		" WHERE statute = ?1 AND source = 'rule' AND finding = 'violation' AND confidence = 'certain')",
		"SELECT count(DISTINCT message) FROM findings WHERE statute IN (?1, '*') AND source = 'analyst'"
		" AND finding = 'violation'",
		"SELECT count(DISTINCT message) FROM findings WHERE statute IN (?1, '*') AND source = 'analyst'"
		" AND finding = 'no-violation'",
	};
	for (guint i = 0; d->statutes && i < d->statutes->len; i++) {
		const wb_damages_statute_t *s = g_ptr_array_index (d->statutes, i);
		const wb_damages_statute_t *o = find_statute (other, s->id);
		int64_t v[4];
		for (int k = 0; k < 4; k++)
			v[k] = query_i64 (r, sql[k], s->id);
		int64_t oa = o ? o->amount_cents : 0;
		row_add (t, g_strdup (s->citation ? s->citation : s->id), i64 (v[0]), i64 (v[1]), i64 (v[2]), i64 (v[3]),
			 i64 (s->violating_messages), i64 (s->amount_cents), o ? i64 (o->violating_messages) : NULL,
			 o ? i64 (oa) : NULL, o ? i64 (oa - s->amount_cents) : NULL);
	}
	row_add (t, g_strdup ("Total"), NULL, NULL, NULL, NULL, NULL, i64 (d->total_cents), NULL,
		 other ? i64 (other->total_cents) : NULL, other ? i64 (other->total_cents - d->total_cents) : NULL);
}

/* ---- Scenarios: one change at a time, computed by the engine ---- */

typedef struct {
	char *label;
	wb_damages_t *d;                 /* owned */
} alt_t;

static void
alt_free (gpointer p)
{
	alt_t *a = p;
	g_free (a->label);
	wb_damages_free (a->d);
	g_free (a);
}

static wb_status_t
alt_add (wb_report_t *r, GPtrArray *alts, const wb_damages_opts_t *o, char *label)
{
	wb_damages_t *x = NULL;
	wb_status_t st = wb_damages_compute (r->cs, o, &x);
	if (st) {
		g_free (label);
		return st;
	}
	alt_t *a = g_new0 (alt_t, 1);
	a->label = label;
	a->d = x;
	g_ptr_array_add (alts, a);
	return WB_OK;
}

static const char *
cite (const wb_damages_statute_t *s)
{
	return s->citation && *s->citation ? s->citation : s->id;
}

static wb_status_t
scenarios (wb_report_t *r, GPtrArray *alts)
{
	const wb_damages_t *d = r->d;
	wb_damages_opts_t base = d->opts, o;
	base.summary_only = TRUE;
	wb_status_t st = WB_OK;
	static const char *const inc_words[] = { "one campaign on one day", "the whole campaign", "each message" };

	o = base;
	o.include_indicators = !base.include_indicators;
	if ((st = alt_add (r, alts, &o, g_strdup (o.include_indicators ? "Indicator findings confirmed"
						  : "Indicator findings not counted"))))
		return st;
	o = base;
	o.due_care = !base.due_care;
	if ((st = alt_add (r, alts, &o, g_strdup (o.due_care ? "The defendant shows due care"
						  : "No due care shown"))))
		return st;
	o = base;
	o.plaintiff = base.plaintiff == WB_PLAINTIFF_PROVIDER ? WB_PLAINTIFF_RECIPIENT : WB_PLAINTIFF_PROVIDER;
	if ((st = alt_add (r, alts, &o, g_strdup (o.plaintiff == WB_PLAINTIFF_PROVIDER ? "The providers sue (provider plaintiffs)"
						  : "The trap holders sue (recipient plaintiffs)"))))
		return st;
	o = base;
	o.preemption = base.preemption == WB_PREEMPT_APPLY ? WB_PREEMPT_IGNORE : WB_PREEMPT_APPLY;
	if ((st = alt_add (r, alts, &o, g_strdup (o.preemption == WB_PREEMPT_IGNORE ? "CAN-SPAM preemption not applied"
						  : "CAN-SPAM preemption applied"))))
		return st;
	for (int k = 0; k < 3; k++) {
		if (k == (int) base.incident)
			continue;
		o = base;
		o.incident = k;
		if ((st = alt_add (r, alts, &o, g_strdup_printf ("An incident is %s", inc_words[k]))))
			return st;
	}
	o = base;
	o.ar_day_rule = base.ar_day_rule == WB_AR_AGGREGATE ? WB_AR_PER_DAY : WB_AR_AGGREGATE;
	if ((st = alt_add (r, alts, &o, g_strdup (o.ar_day_rule == WB_AR_AGGREGATE
						  ? "Arkansas: one cap of $25,000 times the days, over the action"
						  : "Arkansas: a cap on each day"))))
		return st;
	o = base;
	o.incident_scope = base.incident_scope == WB_SCOPE_EACH ? WB_SCOPE_SHARED : WB_SCOPE_EACH;
	if ((st = alt_add (r, alts, &o, g_strdup (o.incident_scope == WB_SCOPE_EACH
						  ? "An incident several plaintiffs received: a cap in each action"
						  : "An incident several plaintiffs received: one cap they share"))))
		return st;
	/* The election between statutes that exclude each other: claim one,
	 * not the other. */
	guint n = d->statutes ? d->statutes->len : 0;
	for (guint a = 0; a < n; a++) {
		const wb_damages_statute_t *sa = g_ptr_array_index (d->statutes, a);
		const wb_statute_t *ra = rule_of (r, sa->id);
		for (guint b = 0; ra && b < n; b++) {
			const wb_damages_statute_t *sb = g_ptr_array_index (d->statutes, b);
			if (a == b || !g_strv_contains ((const char *const *) ra->excludes, sb->id))
				continue;
			/* Claim SA only: every statute but SB. */
			GPtrArray *ids = g_ptr_array_new ();
			for (guint k = 0; k < n; k++)
				if (k != b)
					g_ptr_array_add (ids, ((wb_damages_statute_t *) g_ptr_array_index (d->statutes, k))->id);
			g_ptr_array_add (ids, NULL);
			o = base;
			o.statutes = (char **) ids->pdata;
			st = alt_add (r, alts, &o, g_strdup_printf ("Claim %s, not %s", cite (sa), cite (sb)));
			g_ptr_array_free (ids, TRUE);
			if (st)
				return st;
		}
	}

	/* The table: the options chosen, then each alternative that changes
	 * an amount; columns: the statutes whose amount changes, and the
	 * total. */
	GArray *show = g_array_new (FALSE, FALSE, sizeof (guint));
	GString *same = g_string_new ("");
	gboolean *col = g_new0 (gboolean, n + 1);
	for (guint k = 0; k < alts->len; k++) {
		const alt_t *x = g_ptr_array_index (alts, k);
		gboolean differs = x->d->total_cents != d->total_cents;
		for (guint i = 0; i < n; i++) {
			const wb_damages_statute_t *s = g_ptr_array_index (d->statutes, i);
			const wb_damages_statute_t *xs = find_statute (x->d, s->id);
			if (!xs || xs->amount_cents != s->amount_cents) {
				col[i] = TRUE;
				differs = TRUE;
			}
		}
		if (differs)
			g_array_append_val (show, k);
		else
			g_string_append_printf (same, "%s%s", same->len ? "; " : "", x->label);
	}
	const char *cols[12] = { "Alternative" };
	double rel[12] = { 2.6 };
	char kinds[13] = "t";
	int nc = 1;
	int idx[12];
	for (guint i = 0; i < n && nc < 10; i++) {
		if (!col[i])
			continue;
		idx[nc] = (int) i;
		cols[nc] = cite (g_ptr_array_index (d->statutes, i));
		rel[nc] = 1.2;
		kinds[nc++] = 'm';
	}
	cols[nc] = "Total";
	rel[nc] = 1.3;
	kinds[nc++] = 'm';
	kinds[nc] = 0;
	wb_rtable_t *t = table_new (r, WB_PART_FRONT, "Scenarios", "Scenarios that change the answer", "scenarios",
				    nc, cols, kinds, rel);
	for (guint k = 0; k <= show->len; k++) {
		const wb_damages_t *x = k ? ((alt_t *) g_ptr_array_index (alts, g_array_index (show, guint, k - 1)))->d : d;
		char **cells = g_new0 (char *, nc + 1);
		cells[0] = k ? g_strdup (((alt_t *) g_ptr_array_index (alts, g_array_index (show, guint, k - 1)))->label)
			     : g_strdup_printf ("As chosen: %s", r->o->options_text ? r->o->options_text : "the defaults");
		for (int c = 1; c < nc - 1; c++) {
			const wb_damages_statute_t *s = g_ptr_array_index (d->statutes, idx[c]);
			const wb_damages_statute_t *xs = find_statute (x, s->id);
			cells[c] = xs ? i64 (xs->amount_cents) : g_strdup ("not claimed");
		}
		cells[nc - 1] = i64 (x->total_cents);
		g_ptr_array_add (t->rows, cells);
	}
	if (same->len)
		t->after = g_strdup_printf ("These alternatives change no amount: %s.", same->str);
	else
		t->after = g_strdup ("Every alternative changes an amount.");
	g_string_free (same, TRUE);
	g_free (col);
	g_array_free (show, TRUE);
	return WB_OK;
}

/* ---- Reconciliation ---- */

/* The copies counted under some statute, per traps.id (copies in no trap
 * of the roster under 0), from the report's table of counted copies: one
 * pass, however many traps. */
static GHashTable *
counted_per_trap (wb_report_t *r)
{
	GHashTable *h = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2 (wb_case_db (r->cs), "SELECT coalesce(t.id, 0), count(*) FROM temp.wb_report_counted c"
				" JOIN messages m ON m.id = c.id LEFT JOIN traps t ON t.id = m.trap_id GROUP BY 1",
				-1, &q, NULL) != SQLITE_OK)
		return h;
	while (sqlite3_step (q) == SQLITE_ROW) {
		int64_t *k = g_new (int64_t, 1), *v = g_new (int64_t, 1);
		*k = sqlite3_column_int64 (q, 0);
		*v = sqlite3_column_int64 (q, 1);
		g_hash_table_insert (h, k, v);
	}
	sqlite3_finalize (q);
	return h;
}

/* The engine's reconciliation (wb_damages_t.traps and trap_statutes): per
 * trap from the copies found to the distinct copies; per statute, and per
 * trap and statute, each copy once, from out of scope (no nexus, undated,
 * before the effective date, limitations) through taken out (analyst,
 * preempted, the other statute) and not violating to counted. */
static void
reconciliation (wb_report_t *r)
{
	const wb_damages_t *d = r->d;
	static const char *const cols[] = { "Trap", "Found (locations)", "Distinct copies", "Duplicate locations",
					    "Malformed", "Undated", "Possible duplicates", "Counted under a statute" };
	static const double rel[] = { 1.9, 1, 1, 1.1, 1.1, 1, 1.1, 1.1 };
	wb_rtable_t *t = table_new (r, WB_PART_FRONT, "Reconciliation", "Reconciliation: from copies found to copies counted",
				    "reconciliation", 8, cols, "tnnnnnnn", rel);
	t->subtitle = g_strdup ("Per trap");
	int64_t tot[7] = { 0 };
	GHashTable *counted = counted_per_trap (r);
	for (guint i = 0; d->traps && i < d->traps->len; i++) {
		const wb_damages_trap_t *x = g_ptr_array_index (d->traps, i);
		const int64_t *c = g_hash_table_lookup (counted, &x->id);
		int64_t v[7] = { x->found, x->copies, x->duplicate_locations, x->malformed, x->undated,
				 x->possible_duplicates, c ? *c : 0 };
		row_add (t, g_strdup (x->address ? x->address : "(no trap)"), i64 (v[0]), i64 (v[1]), i64 (v[2]), i64 (v[3]),
			 i64 (v[4]), i64 (v[5]), i64 (v[6]));
		for (int k = 0; k < 7; k++)
			tot[k] += v[k];
	}
	g_hash_table_destroy (counted);
	row_add (t, g_strdup ("Total"), i64 (tot[0]), i64 (tot[1]), i64 (tot[2]), i64 (tot[3]), i64 (tot[4]),
		 i64 (tot[5]), i64 (tot[6]));

	/* Per statute, and per trap and statute, a statute a column: twelve
	 * reasons across would not fit a page. */
	static const char *const reasons[] = {
		"Copies", "Out of scope: no nexus", "Out of scope: undated", "Out of scope: before the effective date",
		"Out of scope: outside limitations", "In scope", "In scope, taken out: analyst",
		"In scope, taken out: preempted", "In scope, taken out: other statute", "In scope, not violating",
		"In scope, counted"
	};
	enum { NREASONS = G_N_ELEMENTS (reasons) };
	guint ns = d->statutes ? d->statutes->len : 0;
	const char **tcols = g_new0 (const char *, ns + 3);
	double *trel = g_new0 (double, ns + 2);
	char *tkinds = g_new0 (char, ns + 3);
	tcols[0] = "Copies";
	trel[0] = 2.4;
	tkinds[0] = 't';
	for (guint k = 0; k < ns; k++) {
		tcols[k + 1] = cite (g_ptr_array_index (d->statutes, k));
		trel[k + 1] = 1;
		tkinds[k + 1] = 'n';
	}
	t = table_new (r, WB_PART_FRONT, "Reconciliation by statute", NULL, "statute_reconciliation", ns + 1, tcols,
		       tkinds, trel);
	t->subtitle = g_strdup ("Per statute");
	for (int k = 0; k < NREASONS; k++) {
		char **cells = g_new0 (char *, ns + 2);
		cells[0] = g_strdup (k ? reasons[k] : "Copies in the case");
		for (guint c = 0; c < ns; c++) {
			const wb_damages_statute_t *x = g_ptr_array_index (d->statutes, c);
			const int64_t v[NREASONS] = { d->copies, x->excluded_nexus, x->excluded_undated, x->excluded_effective,
						      x->excluded_limitations, x->messages, x->excluded_analyst,
						      x->excluded_preempted, x->excluded_by_statute, x->not_violating,
						      x->violating_messages };
			cells[c + 1] = i64 (v[k]);
		}
		g_ptr_array_add (t->rows, cells);
	}

	/* Per trap and statute: each trap a block of rows, from its distinct
	 * copies down to those counted. */
	memmove (tcols + 1, tcols, (ns + 1) * sizeof *tcols);
	memmove (trel + 1, trel, (ns + 1) * sizeof *trel);
	memmove (tkinds + 1, tkinds, (ns + 1) * sizeof *tkinds);
	tcols[0] = "Trap";
	trel[0] = 0.6;
	trel[1] = 3;
	tkinds[0] = 't';
	t = table_new (r, WB_PART_FRONT, "Reconciliation by trap", NULL, "trap_reconciliation", ns + 2, tcols,
		       tkinds, trel);
	t->subtitle = g_strdup ("Per trap and statute");
	t->pdf_group = TRUE;
	g_free (tcols);
	g_free (trel);
	g_free (tkinds);
	for (guint i = 0; d->traps && i < d->traps->len; i++) {
		const wb_damages_trap_t *tr = g_ptr_array_index (d->traps, i);
		for (int k = 0; k < NREASONS; k++) {
			char **cells = g_new0 (char *, ns + 3);
			cells[0] = g_strdup (tr->address ? tr->address : "(no trap)");
			cells[1] = g_strdup (k ? reasons[k] : "Distinct copies");
			for (guint c = 0; c < ns; c++) {
				const wb_damages_trap_statute_t *x = &g_array_index (d->trap_statutes, wb_damages_trap_statute_t,
										     i * ns + c);
				const int64_t v[NREASONS] = { x->copies, x->excluded_nexus, x->excluded_undated,
							      x->excluded_effective, x->excluded_limitations, x->in_scope,
							      x->excluded_analyst, x->excluded_preempted,
							      x->excluded_by_statute, x->not_violating, x->counted };
				cells[c + 2] = i64 (v[k]);
			}
			g_ptr_array_add (t->rows, cells);
		}
	}
	/* The PDF shows the first traps; the workbook has them all. */
	enum { PDF_TRAPS = 20 };
	if (d->traps && d->traps->len > PDF_TRAPS) {
		t->pdf_max = PDF_TRAPS * NREASONS;
		t->after = g_strdup_printf ("The first %d of %u traps; every trap is on the Reconciliation by trap sheet of"
					    " exhibits.xlsx.", PDF_TRAPS, d->traps->len);
	}

	/* Per plaintiff (each trap holder, or each provider): the engine's
	 * copies in scope and counted in each action. */
	static const char *const pcols[] = { "Plaintiff", "Traps", "Statute", "In scope", "Counted", "Amount" };
	static const double prel[] = { 1.4, 2.2, 2, 0.8, 0.8, 1.1 };
	t = table_new (r, WB_PART_FRONT, "Reconciliation by plaintiff", NULL, NULL, 6, pcols, "tttnnm", prel);
	t->subtitle = g_strdup ("Per plaintiff (the traps of each action)");
	for (guint i = 0; d->actions && i < d->actions->len; i++) {
		const wb_damages_action_t *a = &g_array_index (d->actions, wb_damages_action_t, i);
		const wb_damages_plaintiff_t *pl = g_ptr_array_index (d->plaintiffs, a->plaintiff);
		const wb_damages_statute_t *s = g_ptr_array_index (d->statutes, a->statute);
		row_add (t, g_strdup (pl->name), g_strdup (pl->traps), g_strdup (cite (s)), i64 (a->messages),
			 i64 (a->violating_messages), i64 (a->amount_cents));
	}

	static const char *const dcols[] = { "Message-ID", "Copy", "Trap", "Bytes", "SHA-256", "Day", "Counted" };
	static const double drel[] = { 2.2, 0.6, 1.5, 0.7, 3.3, 1.1, 0.9 };
	t = table_new (r, WB_PART_FRONT, "Possible duplicates", NULL, "duplicates", 7, dcols, "tntnttt", drel);
	t->subtitle = g_strdup ("Possible duplicates (one Message-ID, different bytes), side by side");
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2 (wb_case_db (r->cs),
				"SELECT coalesce(m.message_id, ''), m.id, coalesce(t.address, '(no trap)'), w.size, m.sha256,"
				" coalesce(m.local_day, '(undated)'), EXISTS (SELECT 1 FROM temp.wb_report_counted c WHERE c.id = m.id)"
				" FROM messages m JOIN raw w ON w.id = m.raw_id LEFT JOIN traps t ON t.id = m.trap_id"
				" WHERE m.possible_duplicate <> 0 ORDER BY m.message_id, m.id", -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step (q) == SQLITE_ROW)
			row_add (t, g_strdup ((const char *) sqlite3_column_text (q, 0)), i64 (sqlite3_column_int64 (q, 1)),
				 g_strdup ((const char *) sqlite3_column_text (q, 2)), i64 (sqlite3_column_int64 (q, 3)),
				 g_strdup ((const char *) sqlite3_column_text (q, 4)),
				 g_strdup ((const char *) sqlite3_column_text (q, 5)),
				 g_strdup (sqlite3_column_int (q, 6) ? "yes" : "no"));
		sqlite3_finalize (q);
	}
	if (!t->rows->len)
		t->after = g_strdup ("None: no two copies share a Message-ID with different bytes.");
}

/* ---- The trap roster ---- */

/* ---- Defendants: the engine's result per defendant ---- */

static char *
copy_day (int64_t id, const char *day)
{
	return id ? g_strdup_printf ("%" G_GINT64_FORMAT ", %s", id, day) : g_strdup ("");
}

/* Who is liable for what: each roster party and each group of linked
 * parties, under the report's options (wb_damages_defendants()). */
static wb_status_t
defendants (wb_report_t *r)
{
	wb_defendants_t *x = NULL;
	wb_status_t st = wb_damages_defendants (r->cs, &r->d->opts, NULL, &x);
	if (st)
		return st;
	static const char *const cols[] = { "Defendant", "Parties (case ids)", "As sender", "As affiliate",
					    "As advertiser", "Violating copies", "Exposure", "Weakest link",
					    "First violating copy", "Last violating copy", "After filing",
					    "Links not relied on" };
	static const double rel[] = { 2.2, 0.8, 0.8, 0.8, 0.8, 0.8, 1, 2.8, 1.1, 1.1, 0.7, 0 };
	wb_rtable_t *t = table_new (r, WB_PART_FRONT, "Defendants", "Defendants", "defendants", 12, cols,
				    "tcnnnnmtttnc", rel);
	t->subtitle = g_strdup ("Per defendant");
	for (guint i = 0; i < x->defendants->len; i++) {
		const wb_defendant_t *f = g_ptr_array_index (x->defendants, i);
		GString *ids = g_string_new ("");
		for (guint k = 0; k < f->party_ids->len; k++)
			g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, k ? " " : "",
						g_array_index (f->party_ids, int64_t, k));
		char *weakest = !f->group ? g_strdup ("single party")
				: f->weak ? g_strdup_printf ("WEAK: %s", f->weakest_text ? f->weakest_text : "no link")
				: g_strdup (f->weakest_text ? f->weakest_text : "");
		row_add (t, g_strdup (f->name), g_string_free (ids, FALSE), i64 (f->role_copies[0]), i64 (f->role_copies[1]),
			 i64 (f->role_copies[2]), i64 (f->violating), i64 (f->amount_cents), weakest,
			 copy_day (f->first_copy, f->first_day), copy_day (f->last_copy, f->last_day), i64 (f->after_filing),
			 g_strdup (f->weak_links));
	}
	row_add (t, g_strdup ("Total, each copy once"), NULL, NULL, NULL, NULL, i64 (x->copies), i64 (x->total_cents),
		 NULL, NULL, NULL, NULL, NULL);
	char b1[40], b2[40], b3[40];
	t->after = g_strdup_printf ("Each violating copy attributed to some defendant is recovered once, whichever "
				    "defendants it is claimed against: %" G_GINT64_FORMAT " copies, %s in all. "
				    "The exposures added up come to %s, because a copy claimed against several defendants "
				    "appears in each of their exposures. The case's damages, attributed or not, are %s.",
				    x->copies, wb_report_money (x->total_cents, b1),
				    wb_report_money (x->exposure_sum_cents, b2), wb_report_money (x->case_cents, b3));

	static const char *const scols[] = { "Defendant", "Statute", "Violating copies", "Uncapped", "Amount",
					     "Why $0" };
	static const double srel[] = { 2.4, 2.2, 0.9, 1, 1, 2.6 };
	t = table_new (r, WB_PART_FRONT, "Defendants by statute", NULL, NULL, 6, scols, "ttnmmt", srel);
	t->subtitle = g_strdup ("Per defendant and statute");
	for (guint i = 0; i < x->defendants->len; i++) {
		const wb_defendant_t *f = g_ptr_array_index (x->defendants, i);
		for (guint k = 0; k < f->statutes->len; k++) {
			const wb_defendant_statute_t *ds = g_ptr_array_index (f->statutes, k);
			const wb_damages_statute_t *s = find_statute (r->d, ds->id);
			row_add (t, g_strdup (f->name), g_strdup (s ? cite (s) : ds->id), i64 (ds->copies),
				 i64 (ds->uncapped_cents), i64 (ds->amount_cents),
				 g_strdup (ds->amount_cents ? "" : ds->reason ? ds->reason : ""));
		}
	}
	wb_defendants_free (x);
	return WB_OK;
}

/* ---- Jurisdiction: each roster party's contacts with each forum that
 * has a long-arm file, provision by provision (wb_jurisdiction_compute()) ---- */

static wb_status_t
jurisdiction (wb_report_t *r)
{
	if (!r->has_attrib)
		return WB_OK;
	GPtrArray *longarms = NULL;
	char *err = NULL;
	if (wb_longarms_builtin (&longarms, &err)) {
		wb_status_t st = wb_case_fail (r->cs, WB_ERR_FORMAT, "%s", err);
		g_free (err);
		return st;
	}
	wb_jurisdiction_t *j = NULL;
	wb_status_t st = wb_jurisdiction_compute (r->cs, longarms, NULL, NULL, &j);
	g_ptr_array_unref (longarms);
	/* Not found: 'link' has not run or no party was imported; the
	 * section has nothing to say. */
	if (st == WB_ERR_NOT_FOUND)
		return WB_OK;
	if (st)
		return st;
	static const char *const cols[] = { "Defendant", "Long-arm statute", "Provision", "Copies", "First day",
					    "Last day", "Example copies", "What the messages cannot show", "Note" };
	static const double rel[] = { 1.8, 1.5, 0.7, 0.8, 1, 1, 1, 0, 0 };
	wb_rtable_t *t = table_new (r, WB_PART_FRONT, "Jurisdiction", "Jurisdiction", "jurisdiction", 9, cols,
				    "tttntttcc", rel);
	/* What an analyst must show, once per provision: in the PDF after
	 * the table, in the workbook on each row. */
	GString *after = g_string_new ("");
	GHashTable *said = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < j->defendants->len; i++) {
		const wb_defendant_contacts_t *dc = g_ptr_array_index (j->defendants, i);
		for (guint f = 0; f < dc->forums->len; f++) {
			const wb_forum_contacts_t *fc = &g_array_index (dc->forums, wb_forum_contacts_t, f);
			if (!fc->longarm)
				continue;
			for (guint k = 0; k < fc->longarm->provisions->len; k++) {
				const wb_longarm_provision_t *pv = g_ptr_array_index (fc->longarm->provisions, k);
				const wb_contact_stat_t *cs = &fc->provisions[k];
				if (pv->analyst && g_hash_table_add (said, g_strdup_printf ("%s %s", fc->longarm->citation,
											     pv->label)))
					g_string_append_printf (after, "%s%s %s: %s", after->len ? " " : "",
								fc->longarm->citation, pv->label, pv->analyst);
				GString *ex = g_string_new ("");
				for (int e = 0; e < cs->n_examples; e++)
					g_string_append_printf (ex, "%s%" G_GINT64_FORMAT, e ? " " : "", cs->examples[e]);
				row_add (t, g_strdup (dc->name), g_strdup (fc->longarm->citation), g_strdup (pv->label),
					 pv->contacts ? i64 (cs->copies) : g_strdup ("analyst only"), g_strdup (cs->first),
					 g_strdup (cs->last), g_string_free (ex, FALSE), g_strdup (pv->analyst),
					 g_strdup (pv->note));
			}
		}
	}
	if (after->len)
		t->after = g_strdup_printf ("What the messages cannot show, for an analyst to establish. %s", after->str);
	g_string_free (after, TRUE);
	g_hash_table_destroy (said);
	wb_jurisdiction_free (j);
	return WB_OK;
}

static void
traps (wb_report_t *r)
{
	static const char *const cols[] = { "Trap", "Holder", "Holder's state", "Provider", "Provider's state",
					    "Time zone", "Copies" };
	static const double rel[] = { 2, 1.3, 0.9, 1.2, 1, 1.8, 0.8 };
	wb_rtable_t *t = table_new (r, WB_PART_FRONT, "Traps", "Trap accounts", "traps", 7, cols, "ttttttn", rel);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2 (wb_case_db (r->cs),
				"SELECT address, coalesce(holder, ''), coalesce(state, ''), coalesce(provider, ''),"
				" coalesce(provider_state, ''), timezone, (SELECT count(*) FROM messages m WHERE m.trap_id = t.id)"
				" FROM traps t ORDER BY address", -1, &q, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step (q) == SQLITE_ROW) {
		char *c[6];
		for (int k = 0; k < 6; k++)
			c[k] = g_strdup ((const char *) sqlite3_column_text (q, k));
		row_add (t, c[0], c[1], c[2], c[3], c[4], c[5], i64 (sqlite3_column_int64 (q, 6)));
	}
	sqlite3_finalize (q);
}

/* ---- Incidents described ---- */

typedef struct {
	const wb_rgroup_t *g;
	int64_t key;                     /* statute and number, for the index */
	int64_t first;                   /* lowest copy id */
	GString *ids;                    /* its copies' ids */
	const char *day;                 /* its first copy's day */
	GHashTable *days;                /* its days, once it has a second (else NULL) */
} inc_t;

/* An incident's key: its statute and its number within the statute. */
static int64_t
inc_key (int statute, int64_t number)
{
	return ((int64_t) statute << 40) + number;
}

static int
cmp_inc (gconstpointer a, gconstpointer b)
{
	const inc_t *x = *(inc_t *const *) a, *y = *(inc_t *const *) b;
	if (x->g->amount_cents != y->g->amount_cents)
		return x->g->amount_cents > y->g->amount_cents ? -1 : 1;
	if (x->g->copies != y->g->copies)
		return x->g->copies > y->g->copies ? -1 : 1;
	if (x->g->statute != y->g->statute)
		return x->g->statute - y->g->statute;
	return x->g->number < y->g->number ? -1 : x->g->number > y->g->number;
}

static void
incidents (wb_report_t *r)
{
	const wb_damages_t *d = r->d;
	static const char *const cols[] = { "Statute", "Incident", "Subject (first copy)", "Sender (From)", "Advertiser",
					    "Copies", "Days", "First day", "Last day", "Amount", "Copies (case ids)" };
	static const double rel[] = { 1.3, 0.6, 2.4, 1.7, 1.2, 0.6, 0.5, 0.95, 0.95, 1.1, 1 };
	wb_rtable_t *t = table_new (r, WB_PART_INCIDENTS, "Incidents described", "Incidents", "incidents", 11, cols,
				    "tntttnnttmc", rel);
	t->pdf_max = 50;
	/* The copies of each incident, from the engine's rows. */
	/* Keyed by statute and number; an incident listed twice (once per
	 * plaintiff) gets its copies under the later entry.  Most incidents
	 * hold copies of one day: a set of days is made only for the others
	 * (a report of 100,000 copies has 175,000 incidents). */
	GHashTable *by = g_hash_table_new (g_int64_hash, g_int64_equal);
	GPtrArray *all = g_ptr_array_new ();
	for (guint i = 0; i < r->incidents->len; i++) {
		inc_t *x = g_new0 (inc_t, 1);
		x->g = &g_array_index (r->incidents, wb_rgroup_t, i);
		x->key = inc_key (x->g->statute, x->g->number);
		x->ids = g_string_new ("");
		g_hash_table_insert (by, &x->key, x);
		g_ptr_array_add (all, x);
	}
	for (guint i = 0; d->rows && i < d->rows->len; i++) {
		const wb_damages_row_t *row = &g_array_index (d->rows, wb_damages_row_t, i);
		int64_t k = inc_key (row->statute, row->incident);
		inc_t *x = g_hash_table_lookup (by, &k);
		if (!x)
			continue;
		if (!x->first || row->message < x->first)
			x->first = row->message;
		if (x->ids->len)
			g_string_append_len (x->ids, ", ", 2);
		char n[24];
		g_string_append_len (x->ids, n, g_snprintf (n, sizeof n, "%" G_GINT64_FORMAT, row->message));
		if (!x->day)
			x->day = row->local_day;
		else if (x->days || strcmp (x->day, row->local_day)) {
			if (!x->days) {
				x->days = g_hash_table_new (g_str_hash, g_str_equal);
				g_hash_table_add (x->days, (gpointer) x->day);
			}
			g_hash_table_add (x->days, (gpointer) row->local_day);
		}
	}
	g_ptr_array_sort (all, cmp_inc);
	sqlite3_stmt *q = NULL, *adv = NULL;
	sqlite3_prepare_v2 (wb_case_db (r->cs), "SELECT coalesce(subject, ''), coalesce(from_addr, '') FROM messages"
			    " WHERE id = ?1", -1, &q, NULL);
	if (r->has_attrib && wb_report_table_exists (r->cs, "message_parties"))
		sqlite3_prepare_v2 (wb_case_db (r->cs), "SELECT group_concat(name, '; ') FROM (SELECT DISTINCT p.name"
				    " FROM message_parties mp JOIN parties p ON p.id = mp.party WHERE mp.message = ?1"
				    " AND mp.role = 'advertiser' ORDER BY p.name)", -1, &adv, NULL);
	for (guint i = 0; i < all->len; i++) {
		inc_t *x = g_ptr_array_index (all, i);
		char *subj = g_strdup (""), *from = g_strdup (""), *ad = g_strdup ("");
		if (q) {
			sqlite3_bind_int64 (q, 1, x->first);
			if (sqlite3_step (q) == SQLITE_ROW) {
				g_free (subj);
				g_free (from);
				subj = g_strdup ((const char *) sqlite3_column_text (q, 0));
				from = g_strdup ((const char *) sqlite3_column_text (q, 1));
			}
			sqlite3_reset (q);
		}
		if (adv) {
			sqlite3_bind_int64 (adv, 1, x->first);
			if (sqlite3_step (adv) == SQLITE_ROW && sqlite3_column_type (adv, 0) != SQLITE_NULL) {
				g_free (ad);
				ad = g_strdup ((const char *) sqlite3_column_text (adv, 0));
			}
			sqlite3_reset (adv);
		}
		const wb_damages_statute_t *s = g_ptr_array_index (d->statutes, x->g->statute);
		row_add (t, g_strdup (cite (s)), i64 (x->g->number), subj, from, ad, i64 (x->g->copies),
			 i64 (x->days ? g_hash_table_size (x->days) : x->day ? 1 : 0), g_strdup (x->g->day),
			 g_strdup (x->g->last_day), i64 (x->g->amount_cents), g_string_free (x->ids, FALSE));
		if (x->days)
			g_hash_table_destroy (x->days);
		g_free (x);
	}
	if (q)
		sqlite3_finalize (q);
	if (adv)
		sqlite3_finalize (adv);
	if (!all->len)
		t->after = g_strdup ("No incidents: no copy was counted.");
	else if (all->len > t->pdf_max)
		t->after = g_strdup_printf ("The %u incidents with the largest amounts of %u; every incident is on the"
					    " Incidents described sheet of exhibits.xlsx.", t->pdf_max, all->len);
	g_ptr_array_free (all, TRUE);
	g_hash_table_destroy (by);
}

/* ---- Method: the rules of counting, in words, with this case's figures ---- */

static void
method (wb_report_t *r)
{
	const wb_damages_t *d = r->d;
	static const char *const cols[] = { "Topic", "How it is done" };
	static const double rel[] = { 1, 5 };
	wb_rtable_t *t = table_new (r, WB_PART_METHOD, "Method", NULL, NULL, 2, cols, "tw", rel);
	t->prose = TRUE;
	int64_t found = query_i64 (r, "SELECT count(*) FROM locations", NULL);
	int64_t undated = query_i64 (r, "SELECT count(*) FROM messages WHERE local_day IS NULL", NULL);
	int64_t malformed = query_i64 (r, "SELECT count(*) FROM messages WHERE status <> 'ok'", NULL);
	int64_t possible = query_i64 (r, "SELECT count(*) FROM messages WHERE possible_duplicate <> 0", NULL);
	struct { const char *key, *name; char *extra; } m[] = {
		{ "dedup", "Deduplication",
		  g_strdup_printf ("In this case: %" G_GINT64_FORMAT " locations, %" G_GINT64_FORMAT " distinct copies, %"
				   G_GINT64_FORMAT " possible duplicates.", found, d->copies, possible) },
		{ "undated", "Undated copies", g_strdup_printf ("In this case: %" G_GINT64_FORMAT ".", undated) },
		{ "malformed", "Malformed copies", g_strdup_printf ("In this case: %" G_GINT64_FORMAT ".", malformed) },
		{ "arkansas", "Arkansas's days", g_strdup_printf ("Chosen: %s.", wb_ar_day_rule_name (d->opts.ar_day_rule)) },
		{ "election", "California: § 17529.5 or § 17529.8", NULL },
		{ "certainty", "Certain against indicator",
		  g_strdup (d->opts.include_indicators ? "Chosen: indicators counted." : "Chosen: indicators not counted.") },
		{ "in_scope", "In scope", NULL },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (m); i++) {
		const char *text = wb_report_tpl (r, "method", m[i].key, NULL);
		if (text)
			row_add (t, g_strdup (m[i].name), m[i].extra ? g_strdup_printf ("%s %s", text, m[i].extra) : g_strdup (text));
		g_free (m[i].extra);
	}
}

/* ---- One sample message per campaign ---- */

static char *
header_block (const char *bytes, int len)
{
	/* The header as received: up to the first empty line, each line made
	 * safe on its own so that the lines stay lines. */
	GString *o = g_string_new ("");
	const char *p = bytes, *end = bytes + len;
	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);
		const char *e = nl ? nl : end;
		const char *le = e > p && e[-1] == '\r' ? e - 1 : e;
		if (le == p)
			break;
		char *line = g_strndup (p, le - p);
		char *safe = wb_report_cell_text (line, 2000);
		g_string_append_printf (o, "%s\n", safe);
		g_free (safe);
		g_free (line);
		p = nl ? nl + 1 : end;
	}
	return g_string_free (o, FALSE);
}

/* Sample pages at most: the campaigns with the most counted copies. */
#define MAX_SAMPLES 25

static void
samples (wb_report_t *r)
{
	sqlite3 *db = wb_case_db (r->cs);
	sqlite3_stmt *q, *h;
	if (sqlite3_prepare_v2 (db,
				"SELECT m.campaign, m.id, coalesce(t.address, '(no trap)'), m.sha256, coalesce(m.subject, ''),"
				" coalesce(m.local_day, '(undated)'), wb_raw(w.codec, w.bytes, w.size, w.id), w.size,"
				" (SELECT s.chain || ' at byte ' || l.offset FROM locations l JOIN sources s ON s.id = l.source_id"
				"  WHERE l.message = m.id ORDER BY l.id LIMIT 1)"
				" FROM messages m JOIN raw w ON w.id = m.raw_id LEFT JOIN traps t ON t.id = m.trap_id"
				" JOIN (SELECT x.campaign AS campaign, min(c.id) AS counted, min(x.id) AS first FROM messages x"
				"  LEFT JOIN temp.wb_report_counted c ON c.id = x.id WHERE x.campaign IS NOT NULL GROUP BY x.campaign"
				"  ORDER BY count(c.id) DESC, count(*) DESC, x.campaign LIMIT " G_STRINGIFY (MAX_SAMPLES) ") k"
				"  ON m.id = coalesce(k.counted, k.first)"
				" ORDER BY m.campaign", -1, &q, NULL) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2 (db, "SELECT idx, coalesce(from_host, ''), coalesce(from_rdns, ''), coalesce(from_ip, ''),"
				" coalesce(by_host, ''), coalesce(time_text, ''), trim((CASE WHEN trusted THEN 'provider' ELSE '' END)"
				" || (CASE WHEN origin THEN ' origin' ELSE '' END) || coalesce(' ' || notes, ''))"
				" FROM hops WHERE message = ?1 ORDER BY idx", -1, &h, NULL) != SQLITE_OK) {
		sqlite3_finalize (q);
		return;
	}
	while (sqlite3_step (q) == SQLITE_ROW) {
		wb_rsample_t *s = g_new0 (wb_rsample_t, 1);
		int64_t id = sqlite3_column_int64 (q, 1);
		s->copy = id;
		s->title = g_strdup_printf ("Sample of campaign %" G_GINT64_FORMAT ": copy %" G_GINT64_FORMAT,
					    (int64_t) sqlite3_column_int64 (q, 0), id);
		char *subj = wb_report_cell_text ((const char *) sqlite3_column_text (q, 4), 300);
		s->about = g_strdup_printf ("Copy %" G_GINT64_FORMAT " in trap %s, received %s; subject \"%s\"; %"
					    G_GINT64_FORMAT " bytes, SHA-256 %s; found in %s.", id,
					    (const char *) sqlite3_column_text (q, 2), (const char *) sqlite3_column_text (q, 5),
					    subj, (int64_t) sqlite3_column_int64 (q, 7), (const char *) sqlite3_column_text (q, 3),
					    sqlite3_column_type (q, 8) == SQLITE_NULL ? "(no location)"
					    : (const char *) sqlite3_column_text (q, 8));
		g_free (subj);
		s->headers = header_block (sqlite3_column_blob (q, 6), sqlite3_column_bytes (q, 6));
		s->hops = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
		sqlite3_bind_int64 (h, 1, id);
		while (sqlite3_step (h) == SQLITE_ROW) {
			char **c = g_new0 (char *, 8);
			c[0] = i64 (sqlite3_column_int64 (h, 0) + 1);
			for (int k = 1; k < 7; k++)
				c[k] = wb_report_cell_text ((const char *) sqlite3_column_text (h, k), 200);
			g_ptr_array_add (s->hops, c);
		}
		sqlite3_reset (h);
		g_ptr_array_add (r->sec->samples, s);
	}
	sqlite3_finalize (h);
	sqlite3_finalize (q);
}

static void
sample_free (gpointer p)
{
	wb_rsample_t *s = p;
	g_free (s->title);
	g_free (s->about);
	g_free (s->headers);
	g_ptr_array_free (s->hops, TRUE);
	g_free (s);
}

wb_status_t
wb_report_sections (wb_report_t *r)
{
	r->sec = g_new0 (wb_rsections_t, 1);
	r->sec->tables = g_ptr_array_new_with_free_func (table_free);
	r->sec->samples = g_ptr_array_new_with_free_func (sample_free);
	GPtrArray *alts = g_ptr_array_new_with_free_func (alt_free);
	assumptions (r);
	wb_status_t st = scenarios (r, alts);
	if (!st) {
		/* The first alternative is the indicators' other choice. */
		findings (r, ((alt_t *) g_ptr_array_index (alts, 0))->d);
		/* Findings before scenarios in reading order. */
		GPtrArray *tb = r->sec->tables;
		gpointer sc = tb->pdata[tb->len - 2], fi = tb->pdata[tb->len - 1];
		tb->pdata[tb->len - 2] = fi;
		tb->pdata[tb->len - 1] = sc;
		reconciliation (r);
		if (!st)
			st = defendants (r);
		if (!st)
			st = jurisdiction (r);
		traps (r);
		incidents (r);
		method (r);
		samples (r);
	}
	g_ptr_array_free (alts, TRUE);
	return st;
}

void
wb_report_sections_free (wb_rsections_t *s)
{
	if (!s)
		return;
	g_ptr_array_free (s->tables, TRUE);
	g_ptr_array_free (s->samples, TRUE);
	g_free (s);
}
