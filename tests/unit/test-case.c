/* Unit tests of the SQL helpers of evidence/case.h: wb_case_exec,
 * wb_case_step, wb_case_bind_text, and the ids kept for a transaction. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include "case.h"

static char *tmp, *path;
static wb_case_t *cs;

static void
setup (void)
{
	char *err = NULL;
	tmp = g_dir_make_tmp ("wbcase-XXXXXX", NULL);
	path = g_build_filename (tmp, "t.case", NULL);
	cr_assert_eq (wb_case_create (path, "t", NULL, &cs, &err), WB_OK, "%s", err ? err : "");
	cr_assert_eq (wb_case_exec (cs, "CREATE TABLE t (a TEXT, b INTEGER UNIQUE)", "cannot make t"),
		      WB_OK);
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

TestSuite (case_sql, .init = setup, .fini = teardown);

static char *
one (const char *sql)
{
	sqlite3_stmt *q = wb_case_stmt (cs, sql);
	cr_assert_not_null (q);
	char *v = NULL;
	if (sqlite3_step (q) == SQLITE_ROW)
		v = g_strdup ((const char *) sqlite3_column_text (q, 0));
	sqlite3_reset (q);
	return v;
}

Test (case_sql, step_clears_bindings)
{
	/* A statement used twice without wb_case_stmt between: what the first
	 * use bound and the second did not is NULL in the second row. */
	sqlite3_stmt *st = wb_case_stmt (cs, "INSERT INTO t (a, b) VALUES (?, ?)");
	cr_assert_not_null (st);
	wb_case_bind_text (st, 1, "x");
	sqlite3_bind_int (st, 2, 7);
	cr_assert_eq (wb_case_step (cs, st, "cannot insert"), WB_OK);
	wb_case_bind_text (st, 1, NULL);
	cr_assert_eq (wb_case_step (cs, st, "cannot insert"), WB_OK);
	char *v = one ("SELECT group_concat(quote(a) || ':' || quote(b), ' ') FROM t");
	cr_expect_str_eq (v, "'x':7 NULL:NULL");
	g_free (v);
}

Test (case_sql, step_failure_names_what)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "INSERT INTO t (b) VALUES (?)");
	sqlite3_bind_int (st, 1, 1);
	cr_assert_eq (wb_case_step (cs, st, "cannot insert"), WB_OK);
	sqlite3_bind_int (st, 1, 1);
	cr_expect_eq (wb_case_step (cs, st, "cannot insert"), WB_ERR_DB);
	cr_expect_str_eq (wb_case_errmsg (cs), "cannot insert: UNIQUE constraint failed: t.b");
	/* Reset by the failed step: it runs again. */
	sqlite3_bind_int (st, 1, 2);
	cr_expect_eq (wb_case_step (cs, st, "cannot insert"), WB_OK);
}

Test (case_sql, exec_failure_names_what)
{
	cr_expect_eq (wb_case_exec (cs, "INSERT INTO t (b) VALUES (1); INSERT INTO nosuch VALUES (1)",
				    "cannot fill t"), WB_ERR_DB);
	cr_expect_str_eq (wb_case_errmsg (cs), "cannot fill t: no such table: nosuch");
	char *v = one ("SELECT count(*) FROM t");
	cr_expect_str_eq (v, "1");   /* the statements before the failing one ran */
	g_free (v);
}

/* The ids kept for a transaction (wb_case_id_keep) are its own: a commit
 * or a rollback, however it comes, forgets them, and outside a transaction
 * none is kept.  A stale id would name a row a rollback took away. */
Test (case_sql, ids_kept_for_the_transaction_only)
{
	wb_case_id_keep (cs, "k", 5);
	cr_expect_eq (wb_case_id_find (cs, "k"), 0, "kept outside a transaction");

	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_expect_eq (wb_case_id_find (cs, "k"), 0);
	wb_case_id_keep (cs, "k", 5);
	wb_case_id_keep (cs, "k2", 6);
	cr_expect_eq (wb_case_id_find (cs, "k"), 5);
	cr_expect_eq (wb_case_id_find (cs, "k2"), 6);
	cr_expect_eq (wb_case_id_find (cs, "k3"), 0);
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_expect_eq (wb_case_id_find (cs, "k"), 0, "kept after the commit");

	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_expect_eq (wb_case_id_find (cs, "k"), 0, "a commit's ids in the next transaction");
	wb_case_id_keep (cs, "k", 7);
	wb_case_rollback (cs);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_expect_eq (wb_case_id_find (cs, "k"), 0, "kept after wb_case_rollback");

	/* A rollback not through wb_case_rollback: SQL's own. */
	wb_case_id_keep (cs, "k", 8);
	cr_assert_eq (wb_case_exec (cs, "ROLLBACK", "cannot roll back"), WB_OK);
	cr_assert_eq (wb_case_exec (cs, "BEGIN", "cannot begin"), WB_OK);
	cr_expect_eq (wb_case_id_find (cs, "k"), 0, "kept after SQL's ROLLBACK");
	wb_case_rollback (cs);
}
