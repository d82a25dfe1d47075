/* Rule findings as ingest's writer stores them (wb_rules_ingest_hook), and
 * the time of a run (finding_runs) kept on the case for a transaction:
 * what a rollback takes from the case it must take from the case's memory
 * too. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>
#include "analyze.h"
#include "rules.h"

static char *tmp, *path;
static wb_case_t *cs;

static void
setup (void)
{
	char *err = NULL;
	g_mime_init ();
	tmp = g_dir_make_tmp ("wbrules-XXXXXX", NULL);
	path = g_build_filename (tmp, "t.case", NULL);
	cr_assert_eq (wb_case_create (path, "t", NULL, &cs, &err), WB_OK, "%s", err ? err : "");
}

static void
teardown (void)
{
	wb_case_free (cs);
	char *lock = g_strconcat (path, ".lock", NULL);
	g_remove (lock);
	g_remove (path);
	g_rmdir (tmp);
	g_free (lock);
	g_free (path);
	g_free (tmp);
}

TestSuite (rules_store, .init = setup, .fini = teardown);

static int64_t
num (const char *sql)
{
	sqlite3_stmt *q = wb_case_stmt (cs, sql);
	cr_assert_not_null (q, "%s", wb_case_errmsg (cs));
	cr_assert_eq (sqlite3_step (q), SQLITE_ROW, "%s", sql);
	int64_t v = sqlite3_column_int64 (q, 0);
	sqlite3_reset (q);
	return v;
}

static wb_analysis_t *
analyse (const char *text)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer (text, strlen (text));
	GMimeParser *ps = g_mime_parser_new_with_stream (st);
	GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
	cr_assert_not_null (m);
	wb_analyze_ctx_t actx = { "trap@example.net", NULL };
	wb_analysis_t *a = wb_analyze (m, text, strlen (text), &actx);
	g_object_unref (m);
	g_object_unref (ps);
	g_object_unref (st);
	return a;
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
	cr_assert_eq (num ("SELECT count(*) FROM finding_runs"), 1);
	int64_t n = num ("SELECT count(*) FROM finding_rows WHERE message = 1");
	cr_assert_gt (n, 0, "the statutes' 'always' provisions find something");
	wb_case_rollback (cs);
	cr_assert_eq (num ("SELECT count(*) FROM finding_runs"), 0);

	/* Copy 2, by the same run at the same time in a new transaction: its
	 * findings must have a time, so the run's row is written again (a time
	 * kept past the rollback would say it was there). */
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (h->store (h->data, cs, 2, r), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_assert_eq (num ("SELECT count(*) FROM finding_runs WHERE run = 7"), 1);
	cr_assert_eq (num ("SELECT count(*) FROM findings WHERE message = 2 AND run = 7"), n);
	cr_assert_eq (num ("SELECT count(*) FROM findings WHERE message = 2 AND at IS NULL"), 0);
	/* And each row names the run's time rather than holding its own. */
	cr_assert_eq (num ("SELECT count(*) FROM finding_rows WHERE at IS NOT NULL"), 0);

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
	cr_assert_eq (num ("SELECT count(*) FROM finding_runs"), 1);
	cr_assert_eq (num ("SELECT count(*) FROM findings WHERE at IS NULL"), 0);
	cr_assert_eq (num ("SELECT count(DISTINCT at) FROM findings"), 1);
	cr_assert_eq (num ("SELECT count(*) FROM finding_rows WHERE at IS NOT NULL"), 0);
	h->free (r);
	wb_analysis_free (a);
	wb_rules_ingest_free (ri);
}
