/* Rule findings from facts. */
#include <string.h>
#include "rules.h"
#include "copyref.h"

static gboolean
cond_holds (const wb_cond_t *c, const wb_fact_t facts[])
{
	const wb_fact_t *f = &facts[c->fact];
	if (!f->value)
		return FALSE;
	gboolean eq = f->value[0] == c->value[0] && strcmp (f->value, c->value) == 0;
	return c->negate ? !eq : eq;
}

wb_rule_result_t
wb_rule_eval (const wb_provision_t *p, const wb_fact_t facts[WB_FACT_COUNT], GString *evidence)
{
	if (p->kind == WB_CHECK_ALWAYS) {
		if (evidence)
			g_string_append (evidence, "always (presumed: every copy in a trap is unsolicited commercial mail)");
		return WB_RULE_CERTAIN;
	}
	if (p->kind == WB_CHECK_ANALYST)
		return WB_RULE_NONE;
	int best = -1;
	wb_rule_result_t res = WB_RULE_NONE;
	for (guint a = 0; a < p->alternatives->len; a++) {
		GArray *conds = p->alternatives->pdata[a];
		gboolean all = TRUE, ind = FALSE;
		for (guint i = 0; i < conds->len && all; i++) {
			const wb_cond_t *c = &g_array_index (conds, wb_cond_t, i);
			all = cond_holds (c, facts);
			ind |= facts[c->fact].indicator;
		}
		if (!all)
			continue;
		if (res == WB_RULE_NONE || (res == WB_RULE_INDICATOR && !ind)) {
			res = ind ? WB_RULE_INDICATOR : WB_RULE_CERTAIN;
			best = a;
		}
		if (res == WB_RULE_CERTAIN)
			break;
	}
	if (evidence && best >= 0) {
		GArray *conds = p->alternatives->pdata[best];
		for (guint i = 0; i < conds->len; i++) {
			const wb_cond_t *c = &g_array_index (conds, wb_cond_t, i);
			const wb_fact_t *f = &facts[c->fact];
			/* "NAME=VALUE (CONFIDENCE): EVIDENCE", "; " between,
			 * without printf (some 20 times a copy). */
			if (i)
				g_string_append (evidence, "; ");
			g_string_append (evidence, wb_fact_name (c->fact));
			g_string_append_c (evidence, '=');
			g_string_append (evidence, f->value ? f->value : "(null)");
			g_string_append (evidence, f->indicator ? " (indicator)" : " (certain)");
			if (f->evidence && *f->evidence) {
				g_string_append (evidence, ": ");
				g_string_append (evidence, f->evidence);
			}
		}
	}
	return res;
}

/* Whether the stored findings were made with SET and no reanalyze (nor,
 * with INGEST_TOO, any ingest) began after the run that made them. */
static gboolean
made_with_since (wb_case_t *cs, const wb_statute_set_t *set, gboolean ingest_too)
{
	char *digest = wb_case_info (cs, "rules_statutes");
	char *run = wb_case_info (cs, "rules_run");
	gboolean ok = digest && run && strcmp (digest, set->digest) == 0;
	if (ok) {
		sqlite3_stmt *q = wb_case_stmt (cs, ingest_too ?
			"SELECT count(*) FROM custody WHERE id > ?1 AND action = 'begin'"
			" AND command IN ('ingest', 'reanalyze')" :
			"SELECT count(*) FROM custody WHERE id > ?1 AND action = 'begin'"
			" AND command = 'reanalyze'");
		ok = q != NULL;
		if (q) {
			sqlite3_bind_int64 (q, 1, g_ascii_strtoll (run, NULL, 10));
			ok = sqlite3_step (q) == SQLITE_ROW && sqlite3_column_int64 (q, 0) == 0;
			sqlite3_reset (q);
		}
	}
	g_free (digest);
	g_free (run);
	return ok;
}

gboolean
wb_rules_current (wb_case_t *cs, const wb_statute_set_t *set)
{
	return made_with_since (cs, set, TRUE);
}

/* The ids of a finding's statute and provision (finding_provisions) and
 * of its finding, confidence and evidence (finding_texts), each stored once
 * and added if no finding had it.  Their ids are cached on the case: the
 * rule findings of a campaign's copies repeat them. */
static wb_status_t
finding_ids (wb_case_t *cs, const char *statute, const char *provision, const char *finding,
	     const char *confidence, const char *evidence, int64_t *prov, int64_t *text)
{
	const char *p[] = { statute, provision }, *t[] = { finding, confidence, evidence };
	wb_status_t s = wb_case_intern (cs, "SELECT id FROM finding_provisions WHERE statute = ?1 AND provision = ?2",
					"INSERT INTO finding_provisions (statute, provision) VALUES (?1, ?2)", p, 2,
					"cannot store finding", prov);
	if (!s)
		s = wb_case_intern (cs, "SELECT id FROM finding_texts WHERE finding = ?1 AND confidence = ?2"
				    " AND evidence IS ?3",
				    "INSERT INTO finding_texts (finding, confidence, evidence) VALUES (?1, ?2, ?3)", t, 3,
				    "cannot store finding", text);
	return s;
}

/* What a finding of run RUN made at NOW stores as its time, in *AT: NULL
 * when NOW is the time finding_runs holds for the run (all the rule
 * findings of a run share one), which it becomes if the run has none; the
 * view findings gives that time.  The answer is kept for the transaction
 * (wb_case_keep): a run's row, once there, is never changed (the view's
 * trigger only adds rows), and a rollback, which takes the row with it,
 * forgets the answer too. */
static wb_status_t
finding_at (wb_case_t *cs, int64_t run, const char *now, const char **at)
{
	static const char sql[] = "INSERT INTO finding_runs (run, at) VALUES (?1, ?2)"
				  " ON CONFLICT (run) DO UPDATE SET at = at RETURNING at = ?2";
	char runs[24];
	g_snprintf (runs, sizeof runs, "%" G_GINT64_FORMAT, run);
	const char *key[] = { runs, now };
	int64_t same;
	if (wb_case_kept (cs, sql, key, 2, &same)) {
		*at = same ? NULL : now;
		return WB_OK;
	}
	sqlite3_stmt *st = wb_case_stmt (cs, sql);
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, run);
	sqlite3_bind_text (st, 2, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step (st);
	same = rc == SQLITE_ROW && sqlite3_column_int (st, 0);
	*at = same ? NULL : now;
	sqlite3_reset (st);
	if (rc != SQLITE_ROW)
		return wb_case_fail_db (cs, "cannot store finding");
	wb_case_keep (cs, sql, key, 2, same);
	return WB_OK;
}

/* A copy's rule findings and its masks, as apply() and ingest store them.
 * A copy's findings (about eight) go in one statement of up to eight rows:
 * a statement's start and end cost about what a row does.  OR FAIL, not
 * ABORT, as evidence/analyze-store.c's: a statement of several rows that
 * may abort has SQLite journal every page it touches first, and a
 * failure rolls the caller's whole transaction back anyway. */
#define FHEAD "INSERT OR FAIL INTO finding_rows (message, provision, source, text, run, at) VALUES "
#define FR1 "(?,?,'rule',?,?,?)"
#define FR2 FR1 "," FR1
#define FR3 FR2 "," FR1
#define FR4 FR3 "," FR1
#define FR5 FR4 "," FR1
#define FR6 FR5 "," FR1
#define FR7 FR6 "," FR1
#define FR8 FR7 "," FR1
static const char *const finding_sql[8] = {
	FHEAD FR1, FHEAD FR2, FHEAD FR3, FHEAD FR4, FHEAD FR5, FHEAD FR6, FHEAD FR7, FHEAD FR8,
};
#undef FHEAD
#undef FR1
#undef FR2
#undef FR3
#undef FR4
#undef FR5
#undef FR6
#undef FR7
#undef FR8
static const char mask_sql[] = "INSERT INTO rule_masks (message, masks) VALUES (?1, ?2)";

/* The rule findings of one copy: its violation rows, in statute and
 * provision order, and its masks (8 bytes a statute: certain, indicator). */
typedef struct {
	const char *statute, *provision;   /* the set's */
	gboolean certain;
	char *evidence;
} finding_row_t;

/* One block: the struct, its rows, its masks and the rows' evidence.  In
 * ingest a copy's findings wait with its batch for the writer, which
 * reads them once; in pieces they were a dozen blocks a copy, freed
 * long after, out of the cache. */
typedef struct {
	guint n_rows;
	finding_row_t *rows;
	guint8 *masks;
} copy_findings_t;

static void
copy_findings_free (gpointer p)
{
	g_free (p);
}

/* Every provision of SET on one copy's FACTS. */
static copy_findings_t *
eval_copy (const wb_statute_set_t *set, const wb_fact_t facts[WB_FACT_COUNT])
{
	guint nst = set->statutes->len;
	/* The rows with their evidence's offset in EVS, then packed. */
	GArray *rows = g_array_new (FALSE, FALSE, sizeof (finding_row_t));
	GArray *at = g_array_new (FALSE, FALSE, sizeof (gsize));
	GString *evs = g_string_new (NULL), *ev = g_string_new (NULL);
	guint8 *masks = g_alloca (nst * 8 + 1);
	memset (masks, 0, nst * 8 + 1);
	for (guint i = 0; i < nst; i++) {
		const wb_statute_t *st = set->statutes->pdata[i];
		guint32 cert = 0, ind = 0;
		for (guint j = 0; j < st->provisions->len; j++) {
			const wb_provision_t *p = st->provisions->pdata[j];
			g_string_truncate (ev, 0);
			wb_rule_result_t res = wb_rule_eval (p, facts, ev);
			if (res == WB_RULE_NONE)
				continue;
			if (res == WB_RULE_CERTAIN)
				cert |= 1u << j;
			else
				ind |= 1u << j;
			finding_row_t row = { st->id, p->id, res == WB_RULE_CERTAIN, NULL };
			g_array_append_val (rows, row);
			g_array_append_val (at, evs->len);
			g_string_append_len (evs, ev->str, ev->len);
			g_string_append_c (evs, 0);
		}
		guint32 le[2] = { GUINT32_TO_LE (cert), GUINT32_TO_LE (ind) };
		memcpy (masks + i * 8, le, 8);
	}
	gsize head = sizeof (copy_findings_t) + rows->len * sizeof (finding_row_t);
	copy_findings_t *r = g_malloc (head + nst * 8 + 1 + evs->len);
	r->n_rows = rows->len;
	r->rows = (finding_row_t *) (r + 1);
	r->masks = (guint8 *) r + head;
	memcpy (r->masks, masks, nst * 8 + 1);
	char *e = (char *) r->masks + nst * 8 + 1;
	memcpy (e, evs->str, evs->len);
	for (guint i = 0; i < rows->len; i++) {
		r->rows[i] = g_array_index (rows, finding_row_t, i);
		r->rows[i].evidence = e + g_array_index (at, gsize, i);
	}
	g_array_free (rows, TRUE);
	g_array_free (at, TRUE);
	g_string_free (evs, TRUE);
	g_string_free (ev, TRUE);
	return r;
}

/* Store R's rows as copy MESSAGE's rule findings, made by run RUN at time
 * NOW. */
static wb_status_t
store_rows (wb_case_t *cs, int64_t message, const copy_findings_t *r, int64_t run, const char *now)
{
	const char *at = now;
	wb_status_t s0 = r->n_rows ? finding_at (cs, run, now, &at) : WB_OK;
	if (s0)
		return s0;
	for (guint i = 0; i < r->n_rows;) {
		guint k = MIN (r->n_rows - i, 8);
		int64_t prov[8], text[8];
		for (guint j = 0; j < k; j++) {
			const finding_row_t *row = &r->rows[i + j];
			wb_status_t s = finding_ids (cs, row->statute, row->provision, "violation",
						     row->certain ? "certain" : "indicator", row->evidence, &prov[j],
						     &text[j]);
			if (s)
				return s;
		}
		sqlite3_stmt *ins = wb_case_stmt (cs, finding_sql[k - 1]);
		if (!ins)
			return WB_ERR_DB;
		for (guint j = 0; j < k; j++) {
			sqlite3_bind_int64 (ins, 5 * j + 1, message);
			sqlite3_bind_int64 (ins, 5 * j + 2, prov[j]);
			sqlite3_bind_int64 (ins, 5 * j + 3, text[j]);
			sqlite3_bind_int64 (ins, 5 * j + 4, run);
			wb_case_bind_text (ins, 5 * j + 5, at);
		}
		int rc = sqlite3_step (ins);
		sqlite3_reset (ins);
		if (rc != SQLITE_DONE)
			return wb_case_fail_db (cs, "cannot store rule finding");
		i += k;
	}
	return WB_OK;
}

/* Store R's masks (NST statutes) as copy MESSAGE's. */
static wb_status_t
store_mask (wb_case_t *cs, int64_t message, const copy_findings_t *r, guint nst)
{
	sqlite3_stmt *mins = wb_case_stmt (cs, mask_sql);
	if (!mins)
		return WB_ERR_DB;
	sqlite3_bind_int64 (mins, 1, message);
	sqlite3_bind_blob (mins, 2, r->masks, (int) nst * 8, SQLITE_STATIC);
	int rc = sqlite3_step (mins);
	sqlite3_reset (mins);
	return rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (cs, "cannot store rule findings");
}

/* Store R as copy MESSAGE's rule findings and masks (NST statutes), made
 * by run RUN at time NOW. */
static wb_status_t
store_copy (wb_case_t *cs, int64_t message, const copy_findings_t *r, guint nst, int64_t run,
	    const char *now)
{
	wb_status_t s = store_rows (cs, message, r, run, now);
	return s ? s : store_mask (cs, message, r, nst);
}

/* Whether copy MESSAGE's stored rule findings are R's rows, in *SAME: the
 * same number, in id order the same provision and text (finding, confidence,
 * evidence) as store_rows would write in its order, and no note.  Their run
 * and time are not compared: rows left alone keep the run that made them. */
static wb_status_t
same_rows (wb_case_t *cs, int64_t message, const copy_findings_t *r, gboolean *same)
{
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT provision, text, note IS NULL FROM finding_rows"
		" WHERE message = ?1 AND source = 'rule' ORDER BY id");
	if (!q)
		return WB_ERR_DB;
	sqlite3_bind_int64 (q, 1, message);
	wb_status_t s = WB_OK;
	guint i = 0;
	int rc;
	*same = TRUE;
	while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
		if (i == r->n_rows) {
			*same = FALSE;
			break;
		}
		const finding_row_t *row = &r->rows[i++];
		int64_t prov, text;
		if ((s = finding_ids (cs, row->statute, row->provision, "violation",
				      row->certain ? "certain" : "indicator", row->evidence, &prov, &text)))
			break;
		if (sqlite3_column_int64 (q, 0) != prov || sqlite3_column_int64 (q, 1) != text
		    || sqlite3_column_type (q, 0) != SQLITE_INTEGER || sqlite3_column_type (q, 1) != SQLITE_INTEGER
		    || sqlite3_column_int (q, 2) != 1) {
			*same = FALSE;
			break;
		}
	}
	sqlite3_reset (q);
	if (!s && rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = wb_case_fail_db (cs, "cannot read rule findings");
	*same = *same && i == r->n_rows;
	return s;
}

/* Whether copy MESSAGE's stored masks are R's (NST statutes), in *SAME. */
static wb_status_t
same_mask (wb_case_t *cs, int64_t message, const copy_findings_t *r, guint nst, gboolean *same)
{
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT masks = ?2 FROM rule_masks"
		" WHERE message = ?1");
	if (!q)
		return WB_ERR_DB;
	sqlite3_bind_int64 (q, 1, message);
	sqlite3_bind_blob (q, 2, r->masks, (int) nst * 8, SQLITE_STATIC);
	int rc = sqlite3_step (q);
	*same = rc == SQLITE_ROW && sqlite3_column_int (q, 0) == 1;
	sqlite3_reset (q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (cs, "cannot read rule findings");
}

/* FROM > 0: only copies with id > FROM and no rule_masks row yet; the
 * stored findings of the others are kept. */
static wb_status_t
apply (wb_case_t *cs, const wb_statute_set_t *set, int64_t run, int64_t *count, int64_t from)
{
	wb_statute_set_t *own_set = NULL;
	wb_status_t s = WB_OK;
	int64_t n = 0, copies = 0;
	char *now = wb_now_iso ();
	/* Strings of the current copy's facts, freed when the copy changes. */
	GPtrArray *strs = g_ptr_array_new_with_free_func (g_free);
	wb_fact_t facts[WB_FACT_COUNT];
	gboolean own = sqlite3_get_autocommit (wb_case_db (cs));

	if (!set) {
		if ((s = wb_statutes_load_case (cs, &own_set)))
			goto done;
		set = own_set;
	}
	if (own && (s = wb_case_begin (cs)))
		goto done;
	sqlite3_stmt *del = from ? NULL : wb_case_stmt (cs, "DELETE FROM finding_rows WHERE source = 'rule'");
	if (!from && (!del || sqlite3_step (del) != SQLITE_DONE)) {
		s = wb_case_fail_db (cs, "cannot replace rule findings");
		goto done;
	}
	del = from ? NULL : wb_case_stmt (cs, "DELETE FROM rule_masks");
	if (!from && (!del || sqlite3_step (del) != SQLITE_DONE)) {
		s = wb_case_fail_db (cs, "cannot replace rule findings");
		goto done;
	}
	sqlite3_stmt *q = wb_case_stmt (cs, from ?
		"SELECT f.message, f.name, f.value, f.confidence, f.evidence FROM facts f"
		" WHERE f.message > ?1 AND NOT EXISTS (SELECT 1 FROM rule_masks r"
		" WHERE r.message = f.message) ORDER BY f.message" :
		"SELECT message, name, value, confidence, evidence FROM facts ORDER BY message");
	if (!q) {
		s = WB_ERR_DB;
		goto done;
	}
	if (from)
		sqlite3_bind_int64 (q, 1, from);
	int64_t cur = -1;
	memset (facts, 0, sizeof facts);
	for (;;) {
		int rc = sqlite3_step (q);
		int64_t m = rc == SQLITE_ROW ? sqlite3_column_int64 (q, 0) : -2;
		if (m != cur && cur >= 0) {
			copies++;
			copy_findings_t *r = eval_copy (set, facts);
			n += r->n_rows;
			s = store_copy (cs, cur, r, set->statutes->len, run, now);
			copy_findings_free (r);
			memset (facts, 0, sizeof facts);
			g_ptr_array_set_size (strs, 0);
		}
		if (s || rc != SQLITE_ROW) {
			if (!s && rc != SQLITE_DONE)
				s = wb_case_fail_db (cs, "cannot read facts");
			break;
		}
		if (wb_interrupted) {
			s = wb_case_fail (cs, WB_ERR_INTERRUPTED, "interrupted");
			break;
		}
		cur = m;
		int f = wb_fact_index ((const char *) sqlite3_column_text (q, 1));
		if (f < 0)
			continue;
		char *v = g_strdup ((const char *) sqlite3_column_text (q, 2));
		char *e = g_strdup ((const char *) sqlite3_column_text (q, 4));
		g_ptr_array_add (strs, v);
		g_ptr_array_add (strs, e);
		facts[f].value = v;
		facts[f].evidence = e;
		facts[f].indicator = g_strcmp0 ((const char *) sqlite3_column_text (q, 3), "indicator") == 0;
	}
	sqlite3_reset (q);
	if (s)
		goto done;
	char *runs = g_strdup_printf ("%lld", (long long) run);
	char *detail = g_strdup_printf ("rule findings: %lld violations over %lld %scopies with facts, statute set %s (%s)",
					(long long) n, (long long) copies, from ? "new " : "", set->source,
					set->digest);
	if (!(s = wb_case_set_info (cs, "rules_run", runs)) &&
	    !(s = wb_case_set_info (cs, "rules_statutes", set->digest)))
		s = wb_case_custody (cs, run, "rules", detail);
	g_free (runs);
	g_free (detail);
	if (!s && own)
		s = wb_case_commit (cs);
	if (count)
		*count = n;
done:
	if (s && own)
		wb_case_rollback (cs);
	wb_statute_set_free (own_set);
	g_ptr_array_unref (strs);
	g_free (now);
	return s;
}

wb_status_t
wb_finding_record (wb_case_t *cs, const wb_statute_set_t *set, int64_t run, const char *message,
		   const char *trap, const char *statute, const char *provision, const char *finding,
		   const char *note, const char *evidence, int64_t *matched)
{
	wb_status_t s = WB_OK;
	const char *prov_id = provision;
	if (matched)
		*matched = 0;
	if (strcmp (finding, "violation") != 0 && strcmp (finding, "no-violation") != 0)
		return wb_case_fail (cs, WB_ERR_USAGE, "finding '%s' is not violation or no-violation", finding);
	if (strcmp (statute, "*") == 0) {
		if (strcmp (provision, "commercial") != 0)
			return wb_case_fail (cs, WB_ERR_USAGE, "statute '*' takes only provision 'commercial', not '%s'",
					     provision);
	} else {
		wb_statute_t *st = wb_statute_set_find (set, statute);
		if (!st)
			return wb_case_fail (cs, WB_ERR_NOT_FOUND, "unknown statute '%s'", statute);
		if (strcmp (provision, "*") != 0 && strcmp (provision, "commercial") != 0 &&
		    strcmp (provision, "nexus") != 0) {
			wb_provision_t *p = wb_statute_provision (st, provision);
			if (!p) {
				char *valid = wb_statute_provision_list (st);
				s = wb_case_fail (cs, WB_ERR_NOT_FOUND, "statute '%s' has no provision '%s'"
						  " (its provisions: %s; or *, commercial, nexus)",
						  statute, provision, valid);
				g_free (valid);
				return s;
			}
			prov_id = p->id;
		}
	}
	/* The copies MESSAGE names. */
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (int64_t));
	if ((s = wb_copy_resolve (cs, message, trap, ids)))
		goto done;
	char *now = wb_now_iso ();
	GString *detail = g_string_new (NULL);
	g_string_append_printf (detail, "finding %s %s %s for '%s'%s%s:", statute, prov_id, finding, message,
				trap && *trap ? " trap " : "", trap && *trap ? trap : "");
	for (guint i = 0; i < ids->len && !s; i++) {
		int64_t id = g_array_index (ids, int64_t, i);
		sqlite3_stmt *old = wb_case_stmt (cs, "SELECT finding FROM findings WHERE message = ?1 AND statute = ?2"
						      " AND provision = ?3 AND source = 'analyst'");
		if (!old) {
			s = WB_ERR_DB;
			break;
		}
		sqlite3_bind_int64 (old, 1, id);
		sqlite3_bind_text (old, 2, statute, -1, SQLITE_STATIC);
		sqlite3_bind_text (old, 3, prov_id, -1, SQLITE_STATIC);
		char *was = sqlite3_step (old) == SQLITE_ROW ? g_strdup ((const char *) sqlite3_column_text (old, 0)) : NULL;
		sqlite3_reset (old);
		g_string_append_printf (detail, " #%lld%s%s", (long long) id, was ? " was " : "", was ? was : "");
		g_free (was);
		int64_t prov, text;
		const char *at;
		if ((s = finding_ids (cs, statute, prov_id, finding, "certain", evidence, &prov, &text)) ||
		    (s = finding_at (cs, run, now, &at)))
			break;
		sqlite3_stmt *ins = wb_case_stmt (cs,
			"INSERT INTO finding_rows (message, provision, source, text, note, run, at)"
			" VALUES (?1, ?2, 'analyst', ?3, ?4, ?5, ?6)"
			" ON CONFLICT (message, provision) WHERE source = 'analyst' DO UPDATE SET text = excluded.text,"
			" note = excluded.note, run = excluded.run, at = excluded.at");
		if (!ins) {
			s = WB_ERR_DB;
			break;
		}
		sqlite3_bind_int64 (ins, 1, id);
		sqlite3_bind_int64 (ins, 2, prov);
		sqlite3_bind_int64 (ins, 3, text);
		sqlite3_bind_text (ins, 4, note && *note ? note : NULL, -1, SQLITE_STATIC);
		sqlite3_bind_int64 (ins, 5, run);
		wb_case_bind_text (ins, 6, at);
		if (sqlite3_step (ins) != SQLITE_DONE)
			s = wb_case_fail_db (cs, "cannot store finding");
	}
	if (!s) {
		if (evidence)
			g_string_append_printf (detail, "; from %s", evidence);
		if (note && *note)
			g_string_append_printf (detail, "; note: %s", note);
		s = wb_case_custody (cs, run, "finding", detail->str);
	}
	if (!s && matched)
		*matched = ids->len;
	g_string_free (detail, TRUE);
	g_free (now);
done:
	g_array_unref (ids);
	return s;
}

int
wb_rules_evidence (wb_case_t *cs, const wb_statute_t *st, int64_t message, GString *out)
{
	wb_fact_t facts[WB_FACT_COUNT];
	GPtrArray *strs = g_ptr_array_new_with_free_func (g_free);
	memset (facts, 0, sizeof facts);
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT name, value, confidence, evidence FROM facts WHERE message = ?1");
	if (!q) {
		g_ptr_array_unref (strs);
		return -1;
	}
	sqlite3_bind_int64 (q, 1, message);
	int rc;
	while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
		int f = wb_fact_index ((const char *) sqlite3_column_text (q, 0));
		if (f < 0 || !sqlite3_column_text (q, 1))
			continue;
		char *v = g_strdup ((const char *) sqlite3_column_text (q, 1));
		char *e = g_strdup ((const char *) sqlite3_column_text (q, 3));
		g_ptr_array_add (strs, v);
		g_ptr_array_add (strs, e);
		facts[f].value = v;
		facts[f].evidence = e;
		facts[f].indicator = g_strcmp0 ((const char *) sqlite3_column_text (q, 2), "indicator") == 0;
	}
	sqlite3_reset (q);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref (strs);
		wb_case_fail_db (cs, "cannot read facts");
		return -1;
	}
	int n = 0;
	GString *ev = g_string_new (NULL);
	for (guint i = 0; i < st->provisions->len; i++) {
		wb_provision_t *p = st->provisions->pdata[i];
		g_string_truncate (ev, 0);
		wb_rule_result_t r = wb_rule_eval (p, facts, ev);
		if (r == WB_RULE_NONE)
			continue;
		g_string_append_printf (out, "%s [%s]: %s\n", p->label, r == WB_RULE_CERTAIN ? "certain" : "indicator",
					ev->str);
		n++;
	}
	g_string_free (ev, TRUE);
	g_ptr_array_unref (strs);
	return n;
}

/* ---- rule findings made in ingest (wb_rules_ingest_t) ---- */

struct wb_rules_ingest {
	wb_ingest_findings_t hook;
	wb_statute_set_t *set;
	int64_t run;
	char *now;
	gboolean fresh;        /* every copy's findings made here: apply() would have said "copies" */
	int64_t findings, copies;   /* stored so far (the writer's) */
};

/* In a parse worker: what apply() computes for a copy from its facts rows,
 * from the same facts before they are stored. */
static gpointer
ingest_eval (gpointer data, const wb_analysis_t *a)
{
	const wb_rules_ingest_t *ri = data;
	guint nf = wb_analysis_n_facts (a);
	if (nf == 0)   /* apply() meets a copy only through its facts */
		return NULL;
	wb_fact_t facts[WB_FACT_COUNT];
	memset (facts, 0, sizeof facts);
	for (guint i = 0; i < nf; i++) {
		const char *name, *value, *conf, *evidence;
		wb_analysis_fact_at (a, i, &name, &value, &conf, &evidence);
		int f = wb_fact_index (name);
		if (f < 0)
			continue;
		facts[f].value = value;
		facts[f].evidence = evidence;
		facts[f].indicator = g_strcmp0 (conf, "indicator") == 0;
	}
	return eval_copy (ri->set, facts);
}

/* In ingest's writer, for a new copy: the rows apply() would insert. */
static wb_status_t
ingest_store (gpointer data, wb_case_t *cs, int64_t message, gpointer result)
{
	wb_rules_ingest_t *ri = data;
	const copy_findings_t *r = result;
	wb_status_t s = store_copy (cs, message, r, ri->set->statutes->len, ri->run, ri->now);
	if (s)
		return s;
	ri->findings += r->n_rows;
	ri->copies++;
	return WB_OK;
}

/* In reanalyze's writer, for a copy whose analysis it has just replaced:
 * what its new facts give (RESULT; NULL when it has no facts) takes the
 * place of the copy's rule findings and masks, as apply() does for every
 * copy at once.  Most copies analysed again give what they gave: their
 * rule rows (with the run that made them) and masks, when the same, are
 * left as they are, and each is deleted and written again only when it
 * differs.  Analyst findings stay. */
static wb_status_t
reanalyze_store (gpointer data, wb_case_t *cs, int64_t message, gpointer result)
{
	static const char *const del[] = {
		"DELETE FROM finding_rows WHERE message = ?1 AND source = 'rule'",
		"DELETE FROM rule_masks WHERE message = ?1",
	};
	wb_rules_ingest_t *ri = data;
	const copy_findings_t *r = result;
	guint nst = ri->set->statutes->len;
	gboolean same[2] = { FALSE, FALSE };
	wb_status_t s = WB_OK;
	if (r && !(s = same_rows (cs, message, r, &same[0])))
		s = same_mask (cs, message, r, nst, &same[1]);
	for (guint i = 0; i < G_N_ELEMENTS (del) && !s; i++) {
		if (same[i])
			continue;
		sqlite3_stmt *d = wb_case_stmt (cs, del[i]);
		if (!d)
			return WB_ERR_DB;
		sqlite3_bind_int64 (d, 1, message);
		s = wb_case_step (cs, d, "cannot replace rule findings");
	}
	if (s || !r)
		return s;
	if (!same[0] && (s = store_rows (cs, message, r, ri->run, ri->now)))
		return s;
	if (!same[1] && (s = store_mask (cs, message, r, nst)))
		return s;
	ri->findings += r->n_rows;
	ri->copies++;
	return WB_OK;
}

static int64_t
query_int (wb_case_t *cs, const char *sql)
{
	sqlite3_stmt *q = wb_case_stmt (cs, sql);
	int64_t v = -1;
	if (q && sqlite3_step (q) == SQLITE_ROW)
		v = sqlite3_column_int64 (q, 0);
	if (q)
		sqlite3_reset (q);
	return v;
}

/* A hook that evaluates in the parse workers and stores with STORE; SET is
 * the hook's to free. */
static wb_rules_ingest_t *
rules_ingest_new (wb_statute_set_t *set, int64_t run, gboolean fresh,
		  wb_status_t (*store) (gpointer, wb_case_t *, int64_t, gpointer))
{
	wb_rules_ingest_t *ri = g_new0 (wb_rules_ingest_t, 1);
	ri->set = set;
	ri->run = run;
	ri->now = wb_now_iso ();
	ri->fresh = fresh;
	ri->hook.eval = ingest_eval;
	ri->hook.store = store;
	ri->hook.free = copy_findings_free;
	ri->hook.data = ri;
	return ri;
}

wb_rules_ingest_t *
wb_rules_ingest_new (wb_case_t *cs, int64_t run)
{
	wb_statute_set_t *set = NULL;
	if (wb_statutes_load_case (cs, &set))
		return NULL;   /* wb_rules_apply_new() will say why */
	/* No copies and no rule findings: apply_new() would evaluate exactly
	 * this ingest's copies.  Findings current and no copy after the last
	 * with masks: apply_new() would evaluate exactly the copies after it,
	 * this ingest's. */
	gboolean fresh = query_int (cs, "SELECT EXISTS (SELECT 1 FROM messages)"
				   " OR EXISTS (SELECT 1 FROM rule_masks)"
				   " OR EXISTS (SELECT 1 FROM findings WHERE source = 'rule')") == 0;
	gboolean current = !fresh && made_with_since (cs, set, FALSE)
		&& query_int (cs, "SELECT (SELECT coalesce(max(id), 0) FROM messages)"
			      " = (SELECT coalesce(max(message), 0) FROM rule_masks)") == 1;
	if (!fresh && !current) {
		wb_statute_set_free (set);
		return NULL;
	}
	return rules_ingest_new (set, run, fresh, ingest_store);
}

wb_rules_ingest_t *
wb_rules_reanalyze_new (wb_case_t *cs, int64_t run)
{
	wb_statute_set_t *set = NULL;
	if (wb_statutes_load_case (cs, &set))
		return NULL;   /* wb_rules_apply() will say why */
	return rules_ingest_new (set, run, TRUE, reanalyze_store);
}

const wb_ingest_findings_t *
wb_rules_ingest_hook (wb_rules_ingest_t *ri)
{
	return ri ? &ri->hook : NULL;
}

wb_status_t
wb_rules_ingest_finish (wb_rules_ingest_t *ri, wb_case_t *cs, int64_t *count)
{
	wb_status_t s;
	if ((s = wb_case_begin (cs)))
		return s;
	char *runs = g_strdup_printf ("%lld", (long long) ri->run);
	char *detail = g_strdup_printf ("rule findings: %lld violations over %lld %scopies with facts, statute set %s (%s)",
					(long long) ri->findings, (long long) ri->copies, ri->fresh ? "" : "new ",
					ri->set->source, ri->set->digest);
	if (!(s = wb_case_set_info (cs, "rules_run", runs)) &&
	    !(s = wb_case_set_info (cs, "rules_statutes", ri->set->digest)) &&
	    !(s = wb_case_custody (cs, ri->run, "rules", detail)))
		s = wb_case_commit (cs);
	if (s)
		wb_case_rollback (cs);
	g_free (runs);
	g_free (detail);
	if (count)
		*count = ri->findings;
	return s;
}

void
wb_rules_ingest_free (wb_rules_ingest_t *ri)
{
	if (!ri)
		return;
	wb_statute_set_free (ri->set);
	g_free (ri->now);
	g_free (ri);
}

wb_status_t
wb_rules_apply (wb_case_t *cs, const wb_statute_set_t *set, int64_t run, int64_t *count)
{
	return apply (cs, set, run, count, 0);
}

wb_status_t
wb_rules_apply_new (wb_case_t *cs, int64_t run, int64_t *count)
{
	wb_statute_set_t *set = NULL;
	wb_status_t s = wb_statutes_load_case (cs, &set);
	if (s)
		return s;
	/* The stored findings hold for every copy up to the last one with
	 * masks when they were made with this statute set and no reanalyze
	 * has begun since (it changes existing copies' facts; an interrupted
	 * one leaves them half changed).  Ingest only adds copies, with
	 * higher ids.  Anything else: all of them again. */
	int64_t from = 0;
	if (made_with_since (cs, set, FALSE)) {
		sqlite3_stmt *q = wb_case_stmt (cs, "SELECT coalesce(max(message), 0) FROM rule_masks");
		if (q && sqlite3_step (q) == SQLITE_ROW)
			from = sqlite3_column_int64 (q, 0);
		if (q)
			sqlite3_reset (q);
	}
	s = apply (cs, set, run, count, from);
	wb_statute_set_free (set);
	return s;
}
