/* What opening a case sets up in SQLite for the whole process: its
 * memory statistics are off (case.c, sqlite_setup), so that its mallocs
 * and frees take no process-wide mutex; SQL runs as before. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include "case.h"
#include "case-tmp.h"

Test (case_setup, memory_statistics_off)
{
	char *tmp, *path;
	wb_case_t *cs = tmp_case_new ("wbsetup-XXXXXX", "t", &tmp, &path);
	cr_assert_eq (wb_case_exec (cs, "CREATE TABLE t (a TEXT); INSERT INTO t SELECT hex(randomblob(500))"
				    " FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
				    " WHERE i < 1000) SELECT i FROM n)", "fill"), WB_OK, "%s", wb_case_errmsg (cs));
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT count(*), sum(length(a)) FROM t");
	cr_assert_eq (sqlite3_step (st), SQLITE_ROW);
	cr_assert_eq (sqlite3_column_int (st, 0), 1000);
	cr_assert_eq (sqlite3_column_int (st, 1), 1000000);
	sqlite3_reset (st);
	/* Counted, SQLite would hold megabytes of page cache by now. */
	cr_assert_eq (sqlite3_memory_used (), 0);
	cr_assert_eq (sqlite3_memory_highwater (0), 0);
	tmp_case_free (cs, tmp, path);
}
