/* reanalyze's writer deletes a batch's old analysis rows a statement per
 * table (wb_analysis_clear): only when the batch is every copy of its id
 * range, never a row of a copy outside it, and message_artifacts' new rows
 * numbered as deleting copy by copy numbers them. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>
#include "analyze.h"

static char *tmp, *path;
static wb_case_t *cs;
static wb_analysis_t *an;

static const char mail[] =
	"Received: from relay.example.com (relay.example.com [192.0.2.7])\r\n"
	"\tby mx.example.net with ESMTP id 1; Fri, 29 Feb 2008 10:00:05 +0000\r\n"
	"From: Offers <offers@lowrate-loans.test>\r\n"
	"To: trap@example.net\r\n"
	"Subject: Refinance at 3.1% today\r\n"
	"Date: Fri, 29 Feb 2008 10:00:00 +0000\r\n"
	"Message-ID: <1@lowrate-loans.test>\r\n"
	"\r\n"
	"Refinance now at 3.1%. Call 415-555-0100 or see http://lowrate-loans.test/apply\r\n";

static void
setup (void)
{
	char *err = NULL;
	g_mime_init ();
	tmp = g_dir_make_tmp ("wbclear-XXXXXX", NULL);
	path = g_build_filename (tmp, "t.case", NULL);
	cr_assert_eq (wb_case_create (path, "t", NULL, &cs, &err), WB_OK, "%s", err ? err : "");
	GMimeStream *st = g_mime_stream_mem_new_with_buffer (mail, strlen (mail));
	GMimeParser *ps = g_mime_parser_new_with_stream (st);
	GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
	cr_assert_not_null (m);
	wb_analyze_ctx_t actx = { "trap@example.net", "mx.example.net" };
	an = wb_analyze (m, mail, strlen (mail), &actx);
	g_object_unref (m);
	g_object_unref (ps);
	g_object_unref (st);
	/* Copies 1 to 6 (4 left out: a gap), each with the analysis stored. */
	cr_assert_eq (wb_case_exec (cs, "BEGIN", "begin"), WB_OK);
	for (int i = 1; i <= 6; i++) {
		if (i == 4)
			continue;
		char *sql = g_strdup_printf ("INSERT INTO raw (id, sha256, size, bytes) VALUES (%d, '%d', 1, x'61');"
					     "INSERT INTO messages (id, sha256, raw_id, status, ident)"
					     " VALUES (%d, '%d', %d, 'ok', '%d')", i, i, i, i, i, i);
		cr_assert_eq (wb_case_exec (cs, sql, "add copy"), WB_OK, "%s", wb_case_errmsg (cs));
		g_free (sql);
		cr_assert_eq (wb_analysis_insert (cs, i, an), WB_OK, "%s", wb_case_errmsg (cs));
	}
	cr_assert_eq (wb_case_exec (cs, "COMMIT", "commit"), WB_OK);
}

static void
teardown (void)
{
	wb_analysis_free (an);
	wb_case_free (cs);
	char *lock = g_strconcat (path, ".lock", NULL);
	g_remove (lock);
	g_remove (path);
	g_rmdir (tmp);
	g_free (lock);
	g_free (path);
	g_free (tmp);
}

TestSuite (analysis_clear, .init = setup, .fini = teardown);

/* The rows of copy M in the four tables, as "hops,artifacts,facts,attachments". */
static char *
rows (int m)
{
	char *sql = g_strdup_printf ("SELECT (SELECT count(*) FROM message_hops WHERE message = %d) || ','"
				     " || (SELECT count(*) FROM message_artifacts WHERE message = %d) || ','"
				     " || (SELECT count(*) FROM message_facts WHERE message = %d) || ','"
				     " || (SELECT count(*) FROM attachments WHERE message = %d)", m, m, m, m);
	sqlite3_stmt *q = wb_case_stmt (cs, sql);
	cr_assert_not_null (q);
	cr_assert_eq (sqlite3_step (q), SQLITE_ROW);
	char *v = g_strdup ((const char *) sqlite3_column_text (q, 0));
	sqlite3_reset (q);
	g_free (sql);
	return v;
}

static int64_t
num (const char *sql)
{
	sqlite3_stmt *q = wb_case_stmt (cs, sql);
	cr_assert_not_null (q, "%s", wb_case_errmsg (cs));
	cr_assert_eq (sqlite3_step (q), SQLITE_ROW);
	int64_t v = sqlite3_column_int64 (q, 0);
	sqlite3_reset (q);
	return v;
}

Test (analysis_clear, a_whole_range_goes_in_one_statement_per_table)
{
	char *full = rows (1);
	cr_assert_str_neq (full, "0,0,0,0");
	cr_assert_neq (strncmp (full, "0,", 2), 0, "the message has a hop");
	/* 2, 3 and 5: 4 is no copy, so they are every copy from 2 to 5. */
	int64_t ids[] = { 2, 3, 5 };
	unsigned left = 99;
	cr_assert_eq (wb_case_exec (cs, "BEGIN", "begin"), WB_OK);
	cr_assert_eq (wb_analysis_clear (cs, ids, 3, &left), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (left, 0, "the last artifact row is copy 6's: nothing left per copy");
	for (int i = 0; i < 3; i++) {
		char *r = rows ((int) ids[i]);
		cr_expect_str_eq (r, "0,0,0,0", "copy %d cleared", (int) ids[i]);
		g_free (r);
	}
	char *r1 = rows (1), *r6 = rows (6);
	cr_expect_str_eq (r1, full, "copy 1 untouched");
	cr_expect_str_eq (r6, full, "copy 6 untouched");
	for (int i = 0; i < 3; i++)
		cr_assert_eq (wb_analysis_store_cleared (cs, ids[i], an, left), WB_OK, "%s", wb_case_errmsg (cs));
	for (int i = 0; i < 3; i++) {
		char *r = rows ((int) ids[i]);
		cr_expect_str_eq (r, full, "copy %d stored again, once", (int) ids[i]);
		g_free (r);
	}
	cr_assert_eq (wb_case_exec (cs, "COMMIT", "commit"), WB_OK);
	g_free (r1);
	g_free (r6);
	g_free (full);
}

Test (analysis_clear, not_a_whole_range_is_left_to_each_copy)
{
	char *full = rows (1);
	/* 1 and 3 leave out 2, which is a copy; 5, 3 is not in order. */
	int64_t gap[] = { 1, 3 }, order[] = { 5, 3 };
	unsigned left = 0;
	cr_assert_eq (wb_analysis_clear (cs, gap, 2, &left), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (left, 0xf);
	left = 0;
	cr_assert_eq (wb_analysis_clear (cs, order, 2, &left), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (left, 0xf);
	for (int i = 1; i <= 6; i++) {
		if (i == 4)
			continue;
		char *r = rows (i);
		cr_expect_str_eq (r, full, "copy %d untouched", i);
		g_free (r);
	}
	/* Stored with what was left: each copy's rows replaced, not doubled. */
	cr_assert_eq (wb_analysis_store_cleared (cs, 3, an, left), WB_OK, "%s", wb_case_errmsg (cs));
	char *r3 = rows (3);
	cr_expect_str_eq (r3, full);
	g_free (r3);
	g_free (full);
}

Test (analysis_clear, artifact_rows_numbered_as_copy_by_copy)
{
	/* Copies 5 and 6 hold the last artifact rows.  Copy by copy, copy 5's
	 * new rows come after copy 6's old ones; all deleted first, they would
	 * take copy 5's old numbers again. */
	int64_t per = num ("SELECT count(*) FROM message_artifacts WHERE message = 1");
	int64_t top = num ("SELECT max(id) FROM message_artifacts");
	cr_assert_eq (top, 5 * per, "five copies' rows, numbered from 1");
	int64_t ids[] = { 5, 6 };
	unsigned left = 0;
	cr_assert_eq (wb_case_exec (cs, "BEGIN", "begin"), WB_OK);
	cr_assert_eq (wb_analysis_clear (cs, ids, 2, &left), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (wb_analysis_store_cleared (cs, 5, an, left), WB_OK, "%s", wb_case_errmsg (cs));
	cr_expect_eq (num ("SELECT min(id) FROM message_artifacts WHERE message = 5"), top + 1);
	cr_assert_eq (wb_analysis_store_cleared (cs, 6, an, left), WB_OK, "%s", wb_case_errmsg (cs));
	/* Copy 6's old rows were the last until copy 5's came: its new rows
	 * follow copy 5's. */
	cr_expect_eq (num ("SELECT min(id) FROM message_artifacts WHERE message = 6"), top + per + 1);
	cr_expect_eq (num ("SELECT count(*) FROM message_artifacts"), 5 * per);
	cr_assert_eq (wb_case_exec (cs, "COMMIT", "commit"), WB_OK);
}
