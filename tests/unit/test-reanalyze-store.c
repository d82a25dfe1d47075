/* reanalyze's store: it turns SQLite's secure_delete off while it
 * replaces the copies' analysis rows and puts it back as it was after,
 * on success and on failure; the rows it stores are the ones ingest
 * stored (every table the analysis fills), either way. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>
#include "ingest.h"
#include "case-tmp.h"

static char *tmp, *path;
static wb_case_t *cs;

static void
setup (void)
{
	g_mime_init ();
	cs = tmp_case_new ("wbreana-XXXXXX", "t", &tmp, &path);
}

static void
teardown (void)
{
	char *m = g_build_filename (tmp, "a.mbox", NULL);
	g_remove (m);
	g_free (m);
	tmp_case_free (cs, tmp, path);
}

TestSuite (reanalyze_store, .init = setup, .fini = teardown);

static char *
one (const char *sql)
{
	sqlite3_stmt *st;
	cr_assert_eq (sqlite3_prepare_v2 (wb_case_db (cs), sql, -1, &st, NULL), SQLITE_OK, "%s",
		      sqlite3_errmsg (wb_case_db (cs)));
	char *r = NULL;
	if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0))
		r = g_strdup ((const char *) sqlite3_column_text (st, 0));
	sqlite3_finalize (st);
	return r ? r : g_strdup ("(null)");
}

/* Every analysis row as one text, ids included, and artifact_copies as
 * its triggers keep it. */
static char *
rows (void)
{
	return one ("SELECT (SELECT group_concat(message || ',' || items, ';') FROM (SELECT * FROM"
		    " message_artifacts ORDER BY message)) || '|' || (SELECT group_concat(value || ',' || message,"
		    " ';') FROM artifact_copies) || '|' || (SELECT group_concat(id || kind || value,"
		    " ';') FROM artifact_values) || '|' || (SELECT group_concat(message || ',' || idx || ','"
		    " || raw || ',' || quote(from_host) || ',' || quote(by_host) || ',' || time_status, ';')"
		    " FROM message_hops) || '|' || (SELECT group_concat(id || name, ';') FROM hop_names) || '|'"
		    " || (SELECT group_concat(message || ',' || name || ',' || value, ';') FROM message_facts)"
		    " || '|' || (SELECT group_concat(id || ',' || name || ',' || value || ',' || confidence,"
		    " ';') FROM fact_values) || '|' || (SELECT group_concat(id || ',' || quote(body) || ','"
		    " || category || ',' || quote(fingerprint), ';') FROM messages)");
}

static int
secure_delete (void)
{
	char *v = one ("PRAGMA secure_delete");
	int n = atoi (v);
	g_free (v);
	return n;
}

static void
ingest_some (void)
{
	GString *s = g_string_new ("");
	for (int i = 0; i < 300; i++)
		g_string_append_printf (s, "From s%d@example.com Thu Aug 22 13:17:22 2002\n"
					"Received: from h%d.example.com (h%d.example.com [198.51.100.%d]) by mx.example.net;"
					" Thu, 22 Aug 2002 13:17:22 +0000\n"
					"From: s%d@example.com\nTo: t@example.net\nSubject: m%d\nMessage-ID: <%d@x>\n"
					"Date: Thu, 22 Aug 2002 13:17:20 +0000\n\n"
					"Visit http://shop%d.example.com/ now or call 415-555-01%02d\n\n",
					i, i % 7, i % 7, i % 200, i, i, i, i % 11, i % 100);
	char *p = g_build_filename (tmp, "a.mbox", NULL);
	cr_assert (g_file_set_contents (p, s->str, -1, NULL));
	g_string_free (s, TRUE);
	int64_t run;
	cr_assert_eq (wb_case_run_begin (cs, "ingest", "test", &run), WB_OK);
	wb_ingest_opts_t o = { 0 };
	wb_ingest_t *ing = wb_ingest_new (cs, run, &o);
	cr_assert_not_null (ing);
	cr_assert_eq (wb_ingest_path (ing, p), WB_OK, "%s", wb_case_errmsg (cs));
	wb_ingest_free (ing);
	cr_assert_eq (wb_case_run_end (cs, run, NULL), WB_OK);
	g_free (p);
}

static wb_status_t
reanalyze (void)
{
	int64_t run;
	uint64_t done = 0;
	cr_assert_eq (wb_case_run_begin (cs, "reanalyze", "test", &run), WB_OK);
	wb_ingest_opts_t o = { 0 };
	wb_ingest_t *ing = wb_ingest_new (cs, run, &o);
	cr_assert_not_null (ing);
	wb_status_t st = wb_ingest_reanalyze (ing, &done);
	wb_ingest_free (ing);
	return st;
}

Test (reanalyze_store, same_rows_and_setting_put_back)
{
	ingest_some ();
	char *before = rows ();
	for (int on = 1; on >= 0; on--) {
		char *set = g_strdup_printf ("PRAGMA secure_delete=%d", on);
		cr_assert_eq (wb_case_exec (cs, set, "set"), WB_OK);
		g_free (set);
		cr_assert_eq (secure_delete (), on);
		cr_assert_eq (reanalyze (), WB_OK, "%s", wb_case_errmsg (cs));
		cr_assert_eq (secure_delete (), on, "secure_delete put back as it was");
		char *after = rows ();
		cr_assert_str_eq (after, before);
		g_free (after);
	}
	g_free (before);
}

Test (reanalyze_store, setting_put_back_after_a_failure)
{
	ingest_some ();
	cr_assert_eq (wb_case_exec (cs, "PRAGMA secure_delete=1", "set"), WB_OK);
	/* A trigger that fails the first copy's store: its hops, edited, are
	 * deleted to be written again (hops that are the same stay). */
	cr_assert_eq (wb_case_exec (cs, "UPDATE message_hops SET raw = 'edited' WHERE message = 1 AND idx = 0;"
				    "CREATE TEMP TRIGGER no_hops BEFORE DELETE ON message_hops"
				    " BEGIN SELECT RAISE(FAIL, 'hops kept'); END", "trigger"), WB_OK);
	cr_assert_neq (reanalyze (), WB_OK);
	cr_assert_eq (secure_delete (), 1);
}

/* A copy whose stored body, category or fingerprint differs from what its
 * analysis gives again gets the new value; the others keep theirs. */
Test (reanalyze_store, changed_columns_written_back)
{
	ingest_some ();
	char *before = rows ();
	cr_assert_eq (wb_case_exec (cs, "UPDATE messages SET category = 'other-x' WHERE id = 1;"
				    "UPDATE messages SET body = NULL WHERE id = 2;"
				    "UPDATE messages SET fingerprint = NULL WHERE id = 3;"
				    "UPDATE messages SET fingerprint = fingerprint + 1 WHERE id = 4",
				    "change"), WB_OK, "%s", wb_case_errmsg (cs));
	char *changed = rows ();
	cr_assert_str_neq (changed, before);
	cr_assert_eq (reanalyze (), WB_OK, "%s", wb_case_errmsg (cs));
	char *after = rows ();
	cr_assert_str_eq (after, before);
	g_free (before);
	g_free (changed);
	g_free (after);
}
