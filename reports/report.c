/* The report writer: gathers what every exhibit needs from the case and the
 * damages result, writes each file under a temporary name, then renames
 * them all into place, writes the manifest and logs custody. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "report-private.h"
#include "manifest.h"
#include "output.h"

#include "templates.h"

const char *const wb_report_files[] = {
	"exhibits.xlsx",
	"chart-timeline.png", "chart-timeline.svg", "chart-timeline.pdf",
	"chart-senders.png", "chart-senders.svg", "chart-senders.pdf",
	"chart-attribution.png", "chart-attribution.svg", "chart-attribution.pdf",
	"report.pdf",
	NULL
};

char *
wb_report_cell_text (const char *s, size_t max_chars)
{
	char *safe = wb_text_safe (s ? s : "");
	glong n = g_utf8_strlen (safe, -1);
	if ((size_t) n <= max_chars)
		return safe;
	/* Keep room for the marker, so the cell stays within the limit. */
	char marker[96];
	int mlen = g_snprintf (marker, sizeof marker, " [... cut: %ld of %ld characters shown; full text in the case]",
			       (long) (max_chars - 80), (long) n);
	(void) mlen;
	const char *cut = g_utf8_offset_to_pointer (safe, (glong) (max_chars - 80));
	GString *o = g_string_new_len (safe, cut - safe);
	g_string_append (o, marker);
	g_free (safe);
	return g_string_free (o, FALSE);
}

const char *
wb_report_money (int64_t cents, char buf[40])
{
	char tmp[32];
	wb_format_cents (cents, tmp);
	g_strlcpy (buf, tmp, 40);
	return buf;
}

gboolean
wb_report_table_exists (wb_case_t *cs, const char *table)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?1");
	if (!st)
		return FALSE;
	sqlite3_bind_text (st, 1, table, -1, SQLITE_TRANSIENT);
	gboolean yes = sqlite3_step (st) == SQLITE_ROW;
	sqlite3_reset (st);
	return yes;
}

const char *
wb_report_tpl (wb_report_t *r, const char *group, const char *key, const char *fallback)
{
	/* Template strings are interned, so callers need not free them. */
	if (!r->tpl)
		return fallback;
	char *v = g_key_file_get_locale_string (r->tpl, group, key, NULL, NULL);
	if (!v)
		return fallback;
	const char *interned = g_intern_string (v);
	g_free (v);
	return interned;
}

static GKeyFile *
load_template (void)
{
	size_t size = 0;
	const char *text = wb_template_text ("templates/reports/report.ini", &size);
	GKeyFile *kf = g_key_file_new ();
	if (text && g_key_file_load_from_data (kf, text, size, G_KEY_FILE_NONE, NULL))
		return kf;
	g_key_file_free (kf);
	return NULL;
}

static void
rcount_free (gpointer p)
{
	wb_rcount_t *c = p;
	g_free (c->key);
	g_free (c);
}

static wb_rcount_t *
rcount_new (const char *key, int64_t n)
{
	wb_rcount_t *c = g_new (wb_rcount_t, 1);
	c->key = g_strdup (key ? key : "");
	c->n = n;
	return c;
}

static wb_status_t
sha256_file (wb_case_t *cs, const char *path, char out[65], int64_t *size)
{
	GError *err = NULL;
	if (wb_sha256_file (path, out, size, &err))
		return WB_OK;
	wb_status_t st = wb_case_fail (cs, WB_ERR_IO, "%s", err->message);
	g_error_free (err);
	return st;
}

static int
cmp_group (gconstpointer a, gconstpointer b)
{
	const wb_rgroup_t *x = a, *y = b;
	if (x->statute != y->statute)
		return x->statute < y->statute ? -1 : 1;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	int c = strcmp (x->day, y->day);
	if (c)
		return c;
	return x->plaintiff - y->plaintiff;
}

static int
cmp_action (gconstpointer a, gconstpointer b)
{
	const wb_raction_t *x = a, *y = b;
	if (x->statute != y->statute)
		return x->statute < y->statute ? -1 : 1;
	return x->plaintiff - y->plaintiff;
}

/* Group the rows by (statute, incident), (statute, plaintiff, day) and
 * (statute, plaintiff), as the workbook's SUMIFS do.  Incident numbers are
 * the engine's: one per plaintiff's incident, or one for an incident whose
 * cap its plaintiffs share. */
static void
build_groups (wb_report_t *r)
{
	const wb_damages_t *d = r->d;
	GHashTable *inc = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *day = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *act = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	r->incidents = g_array_new (FALSE, TRUE, sizeof (wb_rgroup_t));
	r->days = g_array_new (FALSE, TRUE, sizeof (wb_rgroup_t));
	r->actions = g_array_new (FALSE, TRUE, sizeof (wb_raction_t));
	for (guint i = 0; d->rows && i < d->rows->len; i++) {
		const wb_damages_row_t *row = &g_array_index (d->rows, wb_damages_row_t, i);
		char key[64];
		g_snprintf (key, sizeof key, "%d\t%" G_GINT64_FORMAT, row->statute, row->incident);
		gpointer idx;
		wb_rgroup_t *g;
		if (g_hash_table_lookup_extended (inc, key, NULL, &idx)) {
			g = &g_array_index (r->incidents, wb_rgroup_t, GPOINTER_TO_UINT (idx));
		} else {
			wb_rgroup_t ng = { .statute = row->statute, .number = row->incident, .plaintiff = row->plaintiff };
			g_strlcpy (ng.day, row->local_day, sizeof ng.day);
			g_strlcpy (ng.last_day, row->local_day, sizeof ng.last_day);
			g_array_append_val (r->incidents, ng);
			g_hash_table_insert (inc, g_strdup (key), GUINT_TO_POINTER (r->incidents->len - 1));
			g = &g_array_index (r->incidents, wb_rgroup_t, r->incidents->len - 1);
		}
		g->copies++;
		g->uncapped_cents += row->per_message_cents;
		if (row->uncapped)
			g->free_cents += row->per_message_cents;
		if (g->plaintiff != row->plaintiff)
			g->plaintiff = -1;
		if (strcmp (row->local_day, g->day) < 0)
			g_strlcpy (g->day, row->local_day, sizeof g->day);
		if (strcmp (row->local_day, g->last_day) > 0)
			g_strlcpy (g->last_day, row->local_day, sizeof g->last_day);

		g_snprintf (key, sizeof key, "%d\t%d\t%s", row->statute, row->plaintiff, row->local_day);
		if (g_hash_table_lookup_extended (day, key, NULL, &idx)) {
			g = &g_array_index (r->days, wb_rgroup_t, GPOINTER_TO_UINT (idx));
		} else {
			wb_rgroup_t ng = { .statute = row->statute, .plaintiff = row->plaintiff };
			g_strlcpy (ng.day, row->local_day, sizeof ng.day);
			g_array_append_val (r->days, ng);
			g_hash_table_insert (day, g_strdup (key), GUINT_TO_POINTER (r->days->len - 1));
			g = &g_array_index (r->days, wb_rgroup_t, r->days->len - 1);
		}
		g->copies++;
		g->uncapped_cents += row->per_message_cents;
		if (row->uncapped)
			g->free_cents += row->per_message_cents;

		g_snprintf (key, sizeof key, "%d\t%d", row->statute, row->plaintiff);
		wb_raction_t *a;
		if (g_hash_table_lookup_extended (act, key, NULL, &idx)) {
			a = &g_array_index (r->actions, wb_raction_t, GPOINTER_TO_UINT (idx));
		} else {
			wb_raction_t na = { .statute = row->statute, .plaintiff = row->plaintiff };
			g_array_append_val (r->actions, na);
			g_hash_table_insert (act, g_strdup (key), GUINT_TO_POINTER (r->actions->len - 1));
			a = &g_array_index (r->actions, wb_raction_t, r->actions->len - 1);
		}
		a->copies++;
		a->uncapped_cents += row->per_message_cents;
		if (row->uncapped)
			a->free_cents += row->per_message_cents;
	}
	g_array_sort (r->incidents, cmp_group);
	g_array_sort (r->days, cmp_group);
	g_array_sort (r->actions, cmp_action);
	/* Each action: its days with capped copies, whether it shares an
	 * incident's cap, and the engine's amount. */
	for (guint i = 0; i < r->actions->len; i++) {
		wb_raction_t *a = &g_array_index (r->actions, wb_raction_t, i);
		for (guint j = 0; j < r->days->len; j++) {
			const wb_rgroup_t *g = &g_array_index (r->days, wb_rgroup_t, j);
			a->days_capped += g->statute == a->statute && g->plaintiff == a->plaintiff &&
					  g->uncapped_cents > g->free_cents;
		}
		for (guint j = 0; d->actions && j < d->actions->len; j++) {
			const wb_damages_action_t *x = &g_array_index (d->actions, wb_damages_action_t, j);
			if (x->statute == a->statute && x->plaintiff == a->plaintiff)
				a->engine_cents = x->amount_cents;
		}
	}
	GHashTable *spanning = g_hash_table_new (g_direct_hash, g_direct_equal);
	for (guint j = 0; j < r->incidents->len; j++) {
		const wb_rgroup_t *g = &g_array_index (r->incidents, wb_rgroup_t, j);
		if (g->plaintiff < 0)
			g_hash_table_add (spanning, GSIZE_TO_POINTER (((gsize) g->statute << 40) | (gsize) g->number));
	}
	for (guint i = 0; g_hash_table_size (spanning) && d->rows && i < d->rows->len; i++) {
		const wb_damages_row_t *row = &g_array_index (d->rows, wb_damages_row_t, i);
		if (!g_hash_table_contains (spanning, GSIZE_TO_POINTER (((gsize) row->statute << 40) | (gsize) row->incident)))
			continue;
		for (guint k = 0; k < r->actions->len; k++) {
			wb_raction_t *a = &g_array_index (r->actions, wb_raction_t, k);
			if (a->statute == row->statute && a->plaintiff == row->plaintiff)
				a->in_shared = TRUE;
		}
	}
	g_hash_table_destroy (spanning);
	g_hash_table_destroy (inc);
	g_hash_table_destroy (day);
	g_hash_table_destroy (act);
}

/* The amounts after the caps, as the engine computed them: each group's
 * from the engine's incidents and days, each action's from its actions.
 * The workbook's formulas compute the same from the parameters
 * (wb_damages_params_t); these are only their cached values. */
static void
engine_amounts (wb_report_t *r)
{
	const wb_damages_t *d = r->d;
	GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	char key[64];
	for (guint i = 0; d->incidents && i < d->incidents->len; i++) {
		const wb_damages_group_t *g = &g_array_index (d->incidents, wb_damages_group_t, i);
		g_snprintf (key, sizeof key, "%d\t%" G_GINT64_FORMAT, g->statute, g->number);
		g_hash_table_insert (h, g_strdup (key), (gpointer) g);
	}
	for (guint i = 0; i < r->incidents->len; i++) {
		wb_rgroup_t *g = &g_array_index (r->incidents, wb_rgroup_t, i);
		g_snprintf (key, sizeof key, "%d\t%" G_GINT64_FORMAT, g->statute, g->number);
		const wb_damages_group_t *e = g_hash_table_lookup (h, key);
		g->amount_cents = e ? e->amount_cents : g->uncapped_cents;
	}
	g_hash_table_remove_all (h);
	for (guint i = 0; d->days && i < d->days->len; i++) {
		const wb_damages_group_t *g = &g_array_index (d->days, wb_damages_group_t, i);
		g_snprintf (key, sizeof key, "%d\t%d\t%s", g->statute, g->plaintiff, g->local_day);
		g_hash_table_insert (h, g_strdup (key), (gpointer) g);
	}
	for (guint i = 0; i < r->days->len; i++) {
		wb_rgroup_t *g = &g_array_index (r->days, wb_rgroup_t, i);
		g_snprintf (key, sizeof key, "%d\t%d\t%s", g->statute, g->plaintiff, g->day);
		const wb_damages_group_t *e = g_hash_table_lookup (h, key);
		g->amount_cents = e ? e->amount_cents : g->uncapped_cents;
	}
	g_hash_table_destroy (h);
	for (guint i = 0; i < r->actions->len; i++) {
		wb_raction_t *a = &g_array_index (r->actions, wb_raction_t, i);
		for (guint j = 0; d->actions && j < d->actions->len; j++) {
			const wb_damages_action_t *x = &g_array_index (d->actions, wb_damages_action_t, j);
			if (x->statute == a->statute && x->plaintiff == a->plaintiff) {
				a->base_cents = x->base_cents;
				a->amount_cents = x->amount_cents;
			}
		}
		/* Its part of incidents whose cap it shares: what the engine
		 * gave the action beyond its own incidents. */
		int64_t own = 0;
		for (guint j = 0; a->in_shared && j < r->incidents->len; j++) {
			const wb_rgroup_t *g = &g_array_index (r->incidents, wb_rgroup_t, j);
			if (g->statute == a->statute && g->plaintiff == a->plaintiff)
				own += g->amount_cents;
		}
		a->shared_cents = a->in_shared ? a->base_cents - own : 0;
	}
}

static int
cmp_strp (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Each statute for the workbook: the parameters the engine applied (its
 * formulas are written from them), the provisions used, and, with the
 * statute set, their words and the rule file. */
static void
statute_params (wb_report_t *r)
{
	const wb_damages_t *d = r->d;
	const wb_statute_set_t *set = r->o->statutes;
	guint n = d->statutes ? d->statutes->len : 0;
	r->params = g_new0 (wb_rparams_t, n ? n : 1);
	for (guint s = 0; s < n; s++) {
		const wb_damages_statute_t *st = g_ptr_array_index (d->statutes, s);
		const wb_statute_t *rule = set ? wb_statute_set_find (set, st->id) : NULL;
		wb_rparams_t *p = &r->params[s];
		GHashTable *provs = g_hash_table_new (g_str_hash, g_str_equal);
		GPtrArray *plist = g_ptr_array_new_with_free_func (g_free);   /* owns the keys of provs */
		for (guint i = 0; d->rows && i < d->rows->len; i++) {
			wb_damages_row_t *row = &g_array_index (d->rows, wb_damages_row_t, i);
			if (row->statute != (int) s)
				continue;
			p->uncapped_cents += row->per_message_cents;
			if (row->uncapped)
				p->free_cents += row->per_message_cents;
			char **parts = g_strsplit (row->provisions ? row->provisions : "", ";", -1);
			for (char **q = parts; *q; q++) {
				char *t = g_strstrip (*q);
				if (*t && !g_hash_table_contains (provs, t)) {
					char *k = g_strdup (t);
					g_hash_table_add (provs, k);
					g_ptr_array_add (plist, k);
				}
			}
			g_strfreev (parts);
		}
		g_ptr_array_sort (plist, cmp_strp);
		GString *pv = g_string_new (""), *qt = g_string_new ("");
		for (guint i = 0; i < plist->len; i++) {
			const char *name = g_ptr_array_index (plist, i);
			g_string_append_printf (pv, "%s%s", i ? "; " : "", name);
			const wb_provision_t *pr = rule ? wb_statute_provision (rule, name) : NULL;
			if (pr)
				g_string_append_printf (qt, "%s%s, provision %s: \"%s\"", qt->len ? "\n" : "", rule->citation, pr->label,
							pr->text ? pr->text : "");
		}
		p->provisions = g_string_free (pv, FALSE);
		p->quoted = g_string_free (qt, FALSE);
		g_ptr_array_free (plist, TRUE);
		g_hash_table_destroy (provs);
		const wb_damages_params_t *ap = &st->applied;
		p->per_message_cents = ap->per_message_cents;
		p->cap_kind = ap->cap;
		p->cap_cents = ap->cap_cents;
		p->greater = ap->election == WB_ELECT_GREATER;
		p->aggregate = ap->day_aggregate;
		p->multiplier = ap->multiplier;
		p->may_sue = ap->may_sue ? 1 : 0;
		p->amount_cents = st->amount_cents;
		p->basis = "The parameters the damages engine applied (the statute's rule file under the damages options)";
		if (rule) {
			p->damages_text = g_strdup (rule->damages_text);
			p->rule_sha256 = g_strdup (rule->sha256);
			p->rule_file = g_strdup (rule->file);
		}
	}
}

static wb_status_t
collect_counts (wb_report_t *r)
{
	wb_case_t *cs = r->cs;
	sqlite3 *db = wb_case_db (cs);
	wb_status_t st = WB_OK;
	sqlite3_stmt *q = NULL;
	if (sqlite3_exec (db, "CREATE TEMP TABLE IF NOT EXISTS wb_report_counted(id INTEGER PRIMARY KEY);"
			  "DELETE FROM temp.wb_report_counted;", NULL, NULL, NULL) != SQLITE_OK)
		return wb_case_fail_db (cs, "cannot prepare the report");
	if (sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO temp.wb_report_counted(id) VALUES (?1)", -1, &q, NULL))
		return wb_case_fail_db (cs, "cannot prepare the report");
	for (guint i = 0; r->d->rows && i < r->d->rows->len; i++) {
		sqlite3_bind_int64 (q, 1, g_array_index (r->d->rows, wb_damages_row_t, i).message);
		if (sqlite3_step (q) != SQLITE_DONE) {
			st = wb_case_fail_db (cs, "cannot prepare the report");
			sqlite3_finalize (q);
			return st;
		}
		sqlite3_reset (q);
	}
	sqlite3_finalize (q);

	r->day_copies = g_ptr_array_new_with_free_func (rcount_free);
	r->senders = g_ptr_array_new_with_free_func (rcount_free);
	r->traps = g_ptr_array_new_with_free_func (g_free);
	r->trap_day = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	static const char *sql[] = {
		"SELECT count(*) FROM temp.wb_report_counted",
		"SELECT coalesce(m.local_day, ''), count(*) FROM temp.wb_report_counted c JOIN messages m ON m.id = c.id"
		" GROUP BY 1 ORDER BY 1",
		"SELECT coalesce(nullif(lower(m.from_addr), ''), '(no From)'), count(*) FROM temp.wb_report_counted c"
		" JOIN messages m ON m.id = c.id GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10",
		/* Every trap of the case, those without a counted copy too (the
		 * timeline shows them at zero). */
		"SELECT t.address, count(c.id) FROM traps t LEFT JOIN messages m ON m.trap_id = t.id"
		" LEFT JOIN temp.wb_report_counted c ON c.id = m.id GROUP BY t.id ORDER BY 2 DESC, 1",
		"SELECT coalesce(t.address, '(no trap)'), coalesce(m.local_day, ''), count(*) FROM temp.wb_report_counted c"
		" JOIN messages m ON m.id = c.id LEFT JOIN traps t ON t.id = m.trap_id GROUP BY 1, 2",
		"SELECT count(DISTINCT coalesce(nullif(lower(m.from_addr), ''), '(no From)')) FROM temp.wb_report_counted c"
		" JOIN messages m ON m.id = c.id",
	};
	for (size_t k = 0; k < G_N_ELEMENTS (sql); k++) {
		if (sqlite3_prepare_v2 (db, sql[k], -1, &q, NULL) != SQLITE_OK)
			return wb_case_fail_db (cs, "cannot read the case for the report");
		int rc;
		while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
			const char *a = (const char *) sqlite3_column_text (q, 0);
			switch (k) {
			case 0: r->distinct_copies = sqlite3_column_int64 (q, 0); break;
			case 1: g_ptr_array_add (r->day_copies, rcount_new (a, sqlite3_column_int64 (q, 1))); break;
			case 2: g_ptr_array_add (r->senders, rcount_new (a, sqlite3_column_int64 (q, 1))); break;
			case 3: g_ptr_array_add (r->traps, g_strdup (a)); break;
			case 5: r->n_senders = sqlite3_column_int64 (q, 0); break;
			case 4: {
				int64_t *n = g_new (int64_t, 1);
				*n = sqlite3_column_int64 (q, 2);
				g_hash_table_insert (r->trap_day, g_strdup_printf ("%s\t%s", a,
						     (const char *) sqlite3_column_text (q, 1)), n);
				break;
			}
			}
		}
		sqlite3_finalize (q);
		if (rc != SQLITE_DONE)
			return wb_case_fail_db (cs, "cannot read the case for the report");
	}
	r->has_attrib = wb_report_table_exists (cs, "parties") && wb_report_table_exists (cs, "links");
	r->advertisers = g_ptr_array_new_with_free_func (rcount_free);
	if (r->has_attrib && wb_report_table_exists (cs, "message_parties")
	    && sqlite3_prepare_v2 (db, "SELECT p.name, count(DISTINCT mp.message) FROM message_parties mp"
				   " JOIN temp.wb_report_counted c ON c.id = mp.message JOIN parties p ON p.id = mp.party"
				   " WHERE mp.role = 'advertiser' GROUP BY p.id ORDER BY 2 DESC, 1, p.id LIMIT 10",
				   -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step (q) == SQLITE_ROW)
			g_ptr_array_add (r->advertisers, rcount_new ((const char *) sqlite3_column_text (q, 0),
								     sqlite3_column_int64 (q, 1)));
		sqlite3_finalize (q);
	}
	return WB_OK;
}

static void
report_clear (wb_report_t *r)
{
	g_free (r->generated_at);
	g_free (r->pdf_date);
	g_free (r->case_name);
	g_free (r->filed);
	g_free (r->case_sha256);
	if (r->tpl)
		g_key_file_free (r->tpl);
	if (r->params) {
		guint n = r->d->statutes ? r->d->statutes->len : 0;
		for (guint i = 0; i < n; i++) {
			g_free (r->params[i].provisions);
			g_free (r->params[i].quoted);
			g_free (r->params[i].damages_text);
			g_free (r->params[i].rule_sha256);
			g_free (r->params[i].rule_file);
		}
		g_free (r->params);
	}
	if (r->incidents)
		g_array_free (r->incidents, TRUE);
	if (r->days)
		g_array_free (r->days, TRUE);
	if (r->actions)
		g_array_free (r->actions, TRUE);
	if (r->day_copies)
		g_ptr_array_free (r->day_copies, TRUE);
	if (r->senders)
		g_ptr_array_free (r->senders, TRUE);
	if (r->advertisers)
		g_ptr_array_free (r->advertisers, TRUE);
	if (r->traps)
		g_ptr_array_free (r->traps, TRUE);
	if (r->trap_day)
		g_hash_table_destroy (r->trap_day);
	wb_report_sections_free (r->sec);
	sqlite3_exec (wb_case_db (r->cs), "DROP TABLE IF EXISTS temp.wb_report_counted", NULL, NULL, NULL);
}

static char *
part_path (const char *dir, const char *name)
{
	char *base = g_strdup_printf (".%s.part", name);
	char *p = g_build_filename (dir, base, NULL);
	g_free (base);
	return p;
}

static void
remove_parts (const char *dir)
{
	for (size_t i = 0; wb_report_files[i]; i++) {
		char *p = part_path (dir, wb_report_files[i]);
		g_unlink (p);
		g_free (p);
	}
	char *p = part_path (dir, "manifest.txt");
	g_unlink (p);
	g_free (p);
}

wb_status_t
wb_report_write (wb_case_t *cs, const wb_damages_t *d, const wb_report_opts_t *opts, char **manifest)
{
	wb_status_t st = WB_OK;
	wb_report_t r = { .cs = cs, .d = d, .o = opts };
	GString *man = g_string_new ("");
	char sha[65];
	const char *dir = opts ? opts->out_dir : NULL;
	gboolean parts = FALSE, reading = FALSE;
	if (manifest)
		*manifest = NULL;
	if (!dir || !*dir) {
		st = wb_case_fail (cs, WB_ERR_USAGE, "no output folder given");
		goto done;
	}
	if (g_mkdir_with_parents (dir, 0777) != 0) {
		st = wb_case_fail (cs, WB_ERR_IO, "cannot create folder '%s': %s", dir, g_strerror (errno));
		goto done;
	}
	r.clock = wb_case_clock (cs);
	GDateTime *dt = g_date_time_new_from_unix_utc (r.clock);
	r.generated_at = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC");
	r.pdf_date = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
	g_date_time_unref (dt);
	r.case_name = wb_case_info (cs, "name");
	r.filed = wb_case_info (cs, "filed");
	r.tpl = load_template ();
	/* One read transaction for everything read from the case: a snapshot,
	 * and no lock taken and released per row. */
	if (sqlite3_exec (wb_case_db (cs), "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		st = wb_case_fail_db (cs, "cannot read the case");
		goto done;
	}
	reading = TRUE;
	/* The evidence the report was made from, as the case digest before
	 * the run it will be logged as: the custody log is append-only, so
	 * that run is the row after the last (checked when it is logged). */
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT coalesce(max(id), 0) + 1 FROM custody");
	if (!q) {
		st = WB_ERR_DB;
		goto done;
	}
	if (sqlite3_step (q) == SQLITE_ROW)
		r.run = sqlite3_column_int64 (q, 0);
	sqlite3_reset (q);
	if (!r.run) {
		st = wb_case_fail_db (cs, "cannot read the custody log");
		goto done;
	}
	if ((st = wb_case_digest (cs, r.run, sha)))
		goto done;
	r.case_sha256 = g_strdup (sha);
	wb_manifest_append_digest (man, r.case_sha256, r.run);
	build_groups (&r);
	statute_params (&r);
	engine_amounts (&r);
	if ((st = collect_counts (&r)) || (st = wb_report_sections (&r)))
		goto done;

	parts = TRUE;
	for (size_t i = 0; wb_report_files[i]; i++) {
		const char *name = wb_report_files[i];
		char *p = part_path (dir, name);
		if (wb_interrupted)
			st = wb_case_fail (cs, WB_ERR_INTERRUPTED, "interrupted");
		else if (!strcmp (name, "exhibits.xlsx"))
			st = wb_report_xlsx (&r, p);
		else if (!strcmp (name, "report.pdf"))
			st = wb_report_pdf (&r, p);
		else {
			const char *dot = strrchr (name, '.');
			st = WB_ERR_NOT_FOUND;
			for (const wb_chart_t *c = wb_report_charts; c->name; c++) {
				if (strlen (c->name) == (size_t) (dot - name - 6) && !strncmp (name + 6, c->name, dot - name - 6)) {
					st = wb_report_chart_file (&r, c, dot + 1, p);
					break;
				}
			}
			if (st == WB_ERR_NOT_FOUND)
				st = wb_case_fail (cs, st, "no chart for '%s'", name);
		}
		if (!st) {
			int64_t size = 0;
			st = sha256_file (cs, p, sha, &size);
			if (!st)
				wb_manifest_append (man, sha, size, name);
		}
		g_free (p);
		if (st)
			goto done;
	}
	sqlite3_exec (wb_case_db (cs), "DROP TABLE IF EXISTS temp.wb_report_counted; COMMIT", NULL, NULL, NULL);
	reading = FALSE;
	/* The manifest, under its temporary name with the others. */
	char *mp = part_path (dir, "manifest.txt");
	GError *err = NULL;
	if (!g_file_set_contents (mp, man->str, man->len, &err)) {
		st = wb_case_fail (cs, WB_ERR_IO, "cannot write '%s': %s", mp, err->message);
		g_error_free (err);
		g_free (mp);
		goto done;
	}
	g_free (mp);

	/* The custody rows and the renames succeed or fail together: the
	 * rows are written in a transaction that commits only once every file
	 * is in place, and a failure after the first rename takes the renamed
	 * files away again. */
	int64_t run = 0;
	/* The folder as an absolute path: 'verify' finds the exhibits again
	 * from wherever it is run. */
	char *abs_dir = g_canonicalize_filename (dir, NULL);
	char *detail = wb_manifest_custody_detail (abs_dir, man->str);
	g_free (abs_dir);
	size_t renamed = 0;
	gboolean in_tx = FALSE;
	if (!(st = wb_case_begin (cs))) {
		in_tx = TRUE;
		if (!(st = wb_case_run_begin (cs, "report", opts->command_line ? opts->command_line : "report", &run)) &&
		    run != r.run)
			st = wb_case_fail (cs, WB_ERR_BUSY, "the case changed while the report was written (run %"
					   G_GINT64_FORMAT " logged before it): run the report again", r.run);
		if (!st)
			st = wb_case_custody (cs, run, "exhibit", detail);
		if (!st) {
			/* The case digest the cover shows (reports/README.md). */
			char *end = g_strdup_printf ("%zu files, %" G_GINT64_FORMAT " counted copies, total %" G_GINT64_FORMAT
						     " cents, case digest %s",
						     (size_t) G_N_ELEMENTS (wb_report_files), r.distinct_copies, d->total_cents,
						     r.case_sha256);
			st = wb_case_run_end (cs, run, end);
			g_free (end);
		}
	}
	/* Everything is written and logged: move the files into place, the
	 * manifest last. */
	for (size_t i = 0; !st && wb_report_files[i]; i++) {
		char *p = part_path (dir, wb_report_files[i]);
		char *f = g_build_filename (dir, wb_report_files[i], NULL);
		if (g_rename (p, f) != 0)
			st = wb_case_fail (cs, WB_ERR_IO, "cannot rename '%s' to '%s': %s", p, f, g_strerror (errno));
		else
			renamed++;
		g_free (p);
		g_free (f);
	}
	if (!st) {
		char *p = part_path (dir, "manifest.txt");
		char *f = g_build_filename (dir, "manifest.txt", NULL);
		if (g_rename (p, f) != 0)
			st = wb_case_fail (cs, WB_ERR_IO, "cannot rename '%s' to '%s': %s", p, f, g_strerror (errno));
		g_free (p);
		g_free (f);
	}
	if (!st && (st = wb_case_commit (cs)))
		wb_case_rollback (cs);
	else if (st && in_tx)
		wb_case_rollback (cs);
	if (st) {
		for (size_t i = 0; i < renamed; i++) {
			char *f = g_build_filename (dir, wb_report_files[i], NULL);
			g_unlink (f);
			g_free (f);
		}
		char *f = g_build_filename (dir, "manifest.txt", NULL);
		if (renamed == G_N_ELEMENTS (wb_report_files) - 1)
			g_unlink (f);
		g_free (f);
	}
	g_free (detail);
	if (!st && manifest)
		*manifest = g_strdup (man->str);
done:
	if (reading)
		sqlite3_exec (wb_case_db (cs), "ROLLBACK", NULL, NULL, NULL);
	if (parts)
		remove_parts (dir);
	report_clear (&r);
	g_string_free (man, TRUE);
	return st;
}
