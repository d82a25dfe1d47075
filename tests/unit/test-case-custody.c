/* The custody log's ids and runs: wb_case_run_begin() and
 * wb_case_custody() give each row the id the INSERT ... SELECT max(id) + 1
 * statement gives (the reference below, run on a second case the same
 * way), through runs, rows of a transaction rolled back, and a row added
 * by another program. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include "case.h"
#include "case-tmp.h"

static char *tmp[2], *path[2];
static wb_case_t *cs[2];

static void
setup (void)
{
	for (int i = 0; i < 2; i++)
		cs[i] = tmp_case_new ("wbcustody-XXXXXX", "t", &tmp[i], &path[i]);
}

static void
teardown (void)
{
	for (int i = 0; i < 2; i++)
		tmp_case_free (cs[i], tmp[i], path[i]);
}

TestSuite (case_custody, .init = setup, .fini = teardown);

/* The reference: one custody row as the statement that numbered them did. */
static int64_t
ref_insert (wb_case_t *c, int64_t run, const char *action, const char *detail)
{
	sqlite3_stmt *st = wb_case_stmt (c,
		"INSERT INTO custody(id, run, at, action, command, operator, tool_version, detail)"
		" SELECT n, CASE WHEN ?1 = 0 THEN n ELSE ?1 END, 'now', ?2, 'test', 'op', 'v', ?3"
		" FROM (SELECT coalesce(max(id), 0) + 1 AS n FROM custody)");
	cr_assert_not_null (st);
	sqlite3_bind_int64 (st, 1, run);
	sqlite3_bind_text (st, 2, action, -1, SQLITE_STATIC);
	sqlite3_bind_text (st, 3, detail, -1, SQLITE_STATIC);
	cr_assert_eq (sqlite3_step (st), SQLITE_DONE);
	sqlite3_reset (st);
	return sqlite3_last_insert_rowid (wb_case_db (c));
}

static char *
rows (wb_case_t *c)
{
	GString *s = g_string_new (NULL);
	sqlite3_stmt *st = wb_case_stmt (c, "SELECT id, run, action, detail FROM custody ORDER BY id");
	cr_assert_not_null (st);
	while (sqlite3_step (st) == SQLITE_ROW)
		g_string_append_printf (s, "%lld %lld %s %s\n", (long long) sqlite3_column_int64 (st, 0),
					(long long) sqlite3_column_int64 (st, 1),
					(const char *) sqlite3_column_text (st, 2),
					(const char *) sqlite3_column_text (st, 3));
	sqlite3_reset (st);
	return g_string_free (s, FALSE);
}

/* The same story on both cases: [0] through the library, [1] by the
 * reference statement. */
static void
story (int i)
{
	wb_case_t *c = cs[i];
	int64_t run = 0;
	if (i == 0)
		cr_assert_eq (wb_case_run_begin (c, "test", "first run", &run), WB_OK);
	else
		run = ref_insert (c, 0, "begin", "first run");
	cr_assert_eq (wb_case_begin (c), WB_OK);
	for (int k = 0; k < 3; k++) {
		char *d = g_strdup_printf ("file %d", k);
		if (i == 0)
			cr_assert_eq (wb_case_custody (c, run, "source", d), WB_OK);
		else
			ref_insert (c, run, "source", d);
		g_free (d);
	}
	cr_assert_eq (wb_case_commit (c), WB_OK);
	/* A group rolled back: its ids are given again. */
	cr_assert_eq (wb_case_begin (c), WB_OK);
	for (int k = 0; k < 2; k++) {
		if (i == 0)
			cr_assert_eq (wb_case_custody (c, run, "source", "lost"), WB_OK);
		else
			ref_insert (c, run, "source", "lost");
	}
	wb_case_rollback (c);
	cr_assert_eq (wb_case_begin (c), WB_OK);
	if (i == 0)
		cr_assert_eq (wb_case_custody (c, run, "source", "after the rollback"), WB_OK);
	else
		ref_insert (c, run, "source", "after the rollback");
	cr_assert_eq (wb_case_commit (c), WB_OK);
	/* Another program's row with an id of its own past the end. */
	cr_assert_eq (wb_case_exec (c, "INSERT INTO custody(id, run, at, action, command, operator,"
				    " tool_version, detail) VALUES (100, 100, 'now', 'begin', 'x', 'op', 'v',"
				    " 'elsewhere')", "cannot add a row"), WB_OK);
	if (i == 0) {
		cr_assert_eq (wb_case_custody (c, 100, "end", "its end"), WB_OK);
		cr_assert_eq (wb_case_run_begin (c, "test", "second run", &run), WB_OK);
		cr_assert_eq (wb_case_custody (c, run, "source", "in the second run"), WB_OK);
	} else {
		ref_insert (c, 100, "end", "its end");
		run = ref_insert (c, 0, "begin", "second run");
		ref_insert (c, run, "source", "in the second run");
	}
}

Test (case_custody, ids_and_runs_as_the_reference_statement_gives)
{
	/* Each case starts with its own init rows (statutes): the same. */
	char *before0 = rows (cs[0]), *before1 = rows (cs[1]);
	cr_assert_str_eq (before0, before1);
	story (0);
	story (1);
	char *a = rows (cs[0]), *b = rows (cs[1]);
	cr_assert_str_eq (a, b);
	cr_assert_not_null (strstr (a, "\n101 100 end its end\n102 102 begin second run\n"
				    "103 102 source in the second run\n"), "%s", a);
	g_free (a);
	g_free (b);
	g_free (before0);
	g_free (before1);
}
