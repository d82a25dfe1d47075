/* Rule findings as ingest's writer stores them (wb_rules_ingest_hook), and
 * the time of a run (finding_runs) kept on the case for a transaction:
 * what a rollback takes from the case it must take from the case's memory
 * too. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>
#include "analyze.h"
#include "analyze-run.h"
#include "rules.h"
#include "case-tmp.h"

static char *tmp, *path;
static wb_case_t *cs;

static void
setup (void)
{
	g_mime_init ();
	cs = tmp_case_new ("wbrules-XXXXXX", "t", &tmp, &path);
}

static void
teardown (void)
{
	tmp_case_free (cs, tmp, path);
}

TestSuite (rules_store, .init = setup, .fini = teardown);

static wb_analysis_t *
analyse (const char *text)
{
	return analyze_raw (text, "trap@example.net");
}

static const char mail[] =
	"From: Offers <offers@lowrate-loans.test>\r\n"
	"To: trap@example.net\r\n"
	"Subject: Refinance at 3.1% today\r\n"
	"Date: Fri, 29 Feb 2008 10:00:00 +0000\r\n"
	"Message-ID: <1@lowrate-loans.test>\r\n"
	"\r\n"
	"Refinance now at 3.1%. Call 415-555-0100.\r\n";

/* Copies 1 and 2, with raw bytes of their own. */
static void
add_copies (void)
{
	cr_assert_eq (wb_case_exec (cs,
		"INSERT INTO raw (id, sha256, size, bytes) VALUES (1, 'a', 1, x'61'), (2, 'b', 1, x'62');"
		"INSERT INTO messages (id, sha256, raw_id, status, ident) VALUES (1, 'a', 1, 'ok', 'a'),"
		" (2, 'b', 2, 'ok', 'b')", "cannot add copies"), WB_OK, "%s", wb_case_errmsg (cs));
}

Test (rules_store, run_time_forgotten_at_rollback)
{
	int64_t run = 7;
	wb_rules_ingest_t *ri = wb_rules_ingest_new (cs, run);
	cr_assert_not_null (ri, "%s", wb_case_errmsg (cs));
	const wb_ingest_findings_t *h = wb_rules_ingest_hook (ri);
	add_copies ();
	wb_analysis_t *a = analyse (mail);
	gpointer r = h->eval (h->data, a);
	cr_assert_not_null (r, "the copy has facts");

	/* Copy 1 stored, then rolled back: no finding and no run time stay. */
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (h->store (h->data, cs, 1, r), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM finding_runs"), 1);
	int64_t n = tmp_case_int (cs, "SELECT count(*) FROM finding_rows WHERE message = 1");
	cr_assert_gt (n, 0, "the statutes' 'always' provisions find something");
	wb_case_rollback (cs);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM finding_runs"), 0);

	/* Copy 2, by the same run at the same time in a new transaction: its
	 * findings must have a time, so the run's row is written again (a time
	 * kept past the rollback would say it was there). */
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (h->store (h->data, cs, 2, r), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM finding_runs WHERE run = 7"), 1);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM findings WHERE message = 2 AND run = 7"), n);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM findings WHERE message = 2 AND at IS NULL"), 0);
	/* And each row names the run's time rather than holding its own. */
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM finding_rows WHERE at IS NOT NULL"), 0);

	h->free (r);
	wb_analysis_free (a);
	wb_rules_ingest_free (ri);
}

Test (rules_store, run_time_kept_within_a_transaction)
{
	/* Two copies in one transaction: one finding_runs row, and both
	 * copies' findings carry its time through the view. */
	wb_rules_ingest_t *ri = wb_rules_ingest_new (cs, 9);
	cr_assert_not_null (ri, "%s", wb_case_errmsg (cs));
	const wb_ingest_findings_t *h = wb_rules_ingest_hook (ri);
	add_copies ();
	wb_analysis_t *a = analyse (mail);
	gpointer r = h->eval (h->data, a);
	cr_assert_not_null (r);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (h->store (h->data, cs, 1, r), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (h->store (h->data, cs, 2, r), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM finding_runs"), 1);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM findings WHERE at IS NULL"), 0);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(DISTINCT at) FROM findings"), 1);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM finding_rows WHERE at IS NOT NULL"), 0);
	h->free (r);
	wb_analysis_free (a);
	wb_rules_ingest_free (ri);
}

/* Counts the finding_rows INSERT statements run (sqlite3_trace_v2). */
static int
count_inserts (unsigned type, void *ctx, void *p, void *x)
{
	(void) type;
	(void) x;
	const char *sql = sqlite3_sql (p);
	if (sql && g_str_has_prefix (sql, "INSERT OR FAIL INTO finding_rows"))
		++*(int *) ctx;
	return 0;
}

/* The findings of a copy, as wb_rule_eval gives them over the case's
 * statutes in statute and provision order: "statute provision confidence
 * evidence" lines. */
static GString *
expected (const wb_analysis_t *a)
{
	wb_statute_set_t *set = NULL;
	cr_assert_eq (wb_statutes_load_case (cs, &set), WB_OK, "%s", wb_case_errmsg (cs));
	wb_fact_t facts[WB_FACT_COUNT];
	memset (facts, 0, sizeof facts);
	for (guint i = 0; i < wb_analysis_n_facts (a); i++) {
		const char *name, *value, *conf, *ev;
		wb_analysis_fact_at (a, i, &name, &value, &conf, &ev);
		int f = wb_fact_index (name);
		if (f < 0)
			continue;
		facts[f].value = value;
		facts[f].evidence = ev;
		facts[f].indicator = g_strcmp0 (conf, "indicator") == 0;
	}
	GString *out = g_string_new (NULL), *ev = g_string_new (NULL);
	for (guint i = 0; i < set->statutes->len; i++) {
		const wb_statute_t *st = set->statutes->pdata[i];
		for (guint j = 0; j < st->provisions->len; j++) {
			const wb_provision_t *p = st->provisions->pdata[j];
			g_string_truncate (ev, 0);
			wb_rule_result_t r = wb_rule_eval (p, facts, ev);
			if (r != WB_RULE_NONE)
				g_string_append_printf (out, "%s %s %s %s\n", st->id, p->id,
							r == WB_RULE_CERTAIN ? "certain" : "indicator", ev->str);
		}
	}
	g_string_free (ev, TRUE);
	wb_statute_set_free (set);
	return out;
}

static GString *
stored (int64_t message)
{
	GString *out = g_string_new (NULL);
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT statute, provision, confidence, evidence FROM findings"
				       " WHERE message = ?1 ORDER BY id");
	cr_assert_not_null (q);
	sqlite3_bind_int64 (q, 1, message);
	while (sqlite3_step (q) == SQLITE_ROW)
		g_string_append_printf (out, "%s %s %s %s\n", sqlite3_column_text (q, 0), sqlite3_column_text (q, 1),
					sqlite3_column_text (q, 2), sqlite3_column_text (q, 3));
	sqlite3_reset (q);
	return out;
}

/* Rows in eights: a copy's findings in one statement when they are eight
 * or fewer, and in statute and provision order, each its own. */
Test (rules_store, a_copys_findings_in_one_statement)
{
	wb_rules_ingest_t *ri = wb_rules_ingest_new (cs, 3);
	cr_assert_not_null (ri, "%s", wb_case_errmsg (cs));
	const wb_ingest_findings_t *h = wb_rules_ingest_hook (ri);
	add_copies ();
	wb_analysis_t *a = analyse (mail);
	gpointer r = h->eval (h->data, a);
	cr_assert_not_null (r);
	GString *want = expected (a);
	guint n = 0;
	for (const char *c = want->str; *c; c++)
		n += *c == '\n';
	cr_assert_gt (n, 8, "more than one statement's worth: %s", want->str);
	int inserts = 0;
	sqlite3_trace_v2 (wb_case_db (cs), SQLITE_TRACE_STMT, count_inserts, &inserts);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (h->store (h->data, cs, 1, r), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	sqlite3_trace_v2 (wb_case_db (cs), 0, NULL, NULL);
	cr_expect_eq (inserts, (int) (n + 7) / 8, "%u findings in %d statements", n, inserts);
	GString *got = stored (1);
	cr_expect_str_eq (got->str, want->str);
	g_string_free (got, TRUE);
	g_string_free (want, TRUE);
	h->free (r);
	wb_analysis_free (a);
	wb_rules_ingest_free (ri);
}
