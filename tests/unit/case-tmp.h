/* For the unit tests that need a case file: a new case in a new
 * temporary folder, and its removal with its lock file.  Include after
 * <criterion/criterion.h> and "case.h". */
#ifndef WB_TEST_CASE_TMP_H
#define WB_TEST_CASE_TMP_H
#include <glib.h>
#include <glib/gstdio.h>

/* A new case named NAME (NULL: none) at *PATH, in the new folder *DIR
 * made from TEMPLATE (g_dir_make_tmp's); both strings are the caller's. */
static inline wb_case_t *
tmp_case_new (const char *template, const char *name, char **dir, char **path)
{
	char *err = NULL;
	wb_case_t *cs = NULL;
	*dir = g_dir_make_tmp (template, NULL);
	cr_assert_not_null (*dir, "cannot make a folder from %s", template);
	*path = g_build_filename (*dir, "c.case", NULL);
	cr_assert_eq (wb_case_create (*path, name, NULL, &cs, &err), WB_OK, "%s", err ? err : "");
	return cs;
}

/* Close CS, remove its file, its lock and the folder DIR, and free DIR
 * and PATH.  Returns g_rmdir's result: 0 when nothing else was left. */
static inline int
tmp_case_free (wb_case_t *cs, char *dir, char *path)
{
	wb_case_free (cs);
	char *lock = g_strconcat (path, ".lock", NULL);
	g_remove (lock);
	g_remove (path);
	int rc = g_rmdir (dir);
	g_free (lock);
	g_free (path);
	g_free (dir);
	return rc;
}
/* The integer the one-row query SQL gives in CS (a count, an id). */
static inline int64_t
tmp_case_int (wb_case_t *cs, const char *sql)
{
	sqlite3_stmt *q = wb_case_stmt (cs, sql);
	cr_assert_not_null (q, "%s", wb_case_errmsg (cs));
	cr_assert_eq (sqlite3_step (q), SQLITE_ROW, "%s", sql);
	int64_t v = sqlite3_column_int64 (q, 0);
	sqlite3_reset (q);
	return v;
}

#endif
