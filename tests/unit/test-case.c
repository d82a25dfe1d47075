/* Unit tests of the SQL helpers of evidence/case.h: wb_case_exec,
 * wb_case_step, wb_case_bind_text and wb_case_intern. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include "case.h"
#include "case-tmp.h"

static char *tmp, *path;
static wb_case_t *cs;

static void
setup (void)
{
	cs = tmp_case_new ("wbcase-XXXXXX", "t", &tmp, &path);
	cr_assert_eq (wb_case_exec (cs, "CREATE TABLE t (a TEXT, b INTEGER UNIQUE)", "cannot make t"),
		      WB_OK);
}

static void
teardown (void)
{
	tmp_case_free (cs, tmp, path);
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

/* wb_case_intern on a table of distinct values (u), NULL texts included. */
static int64_t
intern (const char *a, const char *b)
{
	const char *v[] = { a, b };
	int64_t id = -1;
	cr_assert_eq (wb_case_intern (cs, "SELECT id FROM u WHERE a = ?1 AND b IS ?2",
				      "INSERT INTO u (a, b) VALUES (?1, ?2)", v, 2, "cannot intern", &id),
		      WB_OK, "%s", wb_case_errmsg (cs));
	return id;
}

Test (case_sql, intern_finds_or_adds_once)
{
	cr_assert_eq (wb_case_exec (cs, "CREATE TABLE u (id INTEGER PRIMARY KEY, a TEXT, b TEXT)", "u"), WB_OK);
	int64_t x = intern ("x", NULL), y = intern ("x", "y"), z = intern ("xy", NULL);
	/* Three values, three rows: "x" then NULL is not "x" then "y", nor "xy". */
	cr_expect_eq (x, 1);
	cr_expect_eq (y, 2);
	cr_expect_eq (z, 3);
	cr_expect_eq (intern ("x", NULL), 1);
	cr_expect_eq (intern ("x", "y"), 2);
	/* A row added by someone else is found, not added again. */
	cr_assert_eq (wb_case_exec (cs, "INSERT INTO u (id, a, b) VALUES (7, 'w', 'v')", "u"), WB_OK);
	cr_expect_eq (intern ("w", "v"), 7);
	char *n = one ("SELECT count(*) FROM u");
	cr_expect_str_eq (n, "4");
	g_free (n);
}

Test (case_sql, intern_forgets_rolled_back_ids)
{
	/* An id cached in a transaction that rolls back names no row after
	 * it; SQLite gives the same id to the next row, here another value's. */
	cr_assert_eq (wb_case_exec (cs, "CREATE TABLE u (id INTEGER PRIMARY KEY, a TEXT, b TEXT)", "u"), WB_OK);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_expect_eq (intern ("gone", NULL), 1);
	wb_case_rollback (cs);
	cr_assert_eq (wb_case_exec (cs, "INSERT INTO u (a, b) VALUES ('other', NULL)", "u"), WB_OK);
	cr_expect_eq (intern ("gone", NULL), 2);
	char *v = one ("SELECT group_concat(id || ':' || a, ' ') FROM u");
	cr_expect_str_eq (v, "1:other 2:gone");
	g_free (v);
}

/* The ids kept are the open transaction's: after a commit the tables may
 * change under another writer or an analyst's SQL, so a value met again
 * is looked up again, not named by a stale id; a rollback by SQL's own
 * ROLLBACK (not wb_case_rollback) forgets them too. */
Test (case_sql, intern_forgets_at_commit_and_any_rollback)
{
	cr_assert_eq (wb_case_exec (cs, "CREATE TABLE u (id INTEGER PRIMARY KEY, a TEXT, b TEXT)", "u"), WB_OK);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_expect_eq (intern ("kept", NULL), 1);
	cr_expect_eq (intern ("kept", NULL), 1);
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_assert_eq (wb_case_exec (cs, "UPDATE u SET a = 'changed' WHERE id = 1", "u"), WB_OK);
	cr_expect_eq (intern ("kept", NULL), 2, "a stale id after the commit");

	cr_assert_eq (wb_case_exec (cs, "BEGIN", "cannot begin"), WB_OK);
	cr_expect_eq (intern ("rolled", NULL), 3);
	cr_assert_eq (wb_case_exec (cs, "ROLLBACK", "cannot roll back"), WB_OK);
	cr_assert_eq (wb_case_exec (cs, "INSERT INTO u (a, b) VALUES ('other', NULL)", "u"), WB_OK);
	cr_expect_eq (intern ("rolled", NULL), 4, "a stale id after SQL's ROLLBACK");
	char *v = one ("SELECT group_concat(id || ':' || a, ' ') FROM u");
	cr_expect_str_eq (v, "1:changed 2:kept 3:other 4:rolled");
	g_free (v);
}
