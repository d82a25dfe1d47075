/* The ids wb_case_intern keeps stand for SQLite's own answer: over
 * thousands of lookups of values that differ by a byte, by where a text
 * ends (NULL, empty, "ab" then "c" against "a" then "bc"), by length
 * across eight-byte words, and by statement, each id equals the one the
 * FIND statement gives when asked directly.  A table filled from empty is
 * not searched for a new value (FIND never runs), until a row reaches it
 * another way: SQL or a trigger on the connection, another FIND, another
 * connection (which does not take what the transaction kept with
 * wb_case_keep).  And wb_case_keep/wb_case_kept keep one number per tag and
 * texts; and wb_case_stmt gives each text its own statement. */
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
	cs = tmp_case_new ("wbids-XXXXXX", "t", &tmp, &path);
	cr_assert_eq (wb_case_exec (cs, "CREATE TABLE u (id INTEGER PRIMARY KEY, a TEXT, b TEXT); CREATE INDEX u_ab ON u (a, b);"
				    "CREATE TABLE w (id INTEGER PRIMARY KEY, a TEXT, b TEXT); CREATE INDEX w_ab ON w (a, b)", "tables"),
		      WB_OK, "%s", wb_case_errmsg (cs));
}

static void
teardown (void)
{
	tmp_case_free (cs, tmp, path);
}

TestSuite (case_ids, .init = setup, .fini = teardown);

static const char find_u[] = "SELECT id FROM u WHERE a IS ?1 AND b IS ?2";
static const char find_w[] = "SELECT id FROM w WHERE a IS ?1 AND b IS ?2";

/* The id SQL gives for A, B in table T, without the kept ids. */
static int64_t
direct (const char *t, const char *a, const char *b)
{
	char *sql = g_strdup_printf ("SELECT id FROM %s WHERE a IS ?1 AND b IS ?2", t);
	sqlite3_stmt *st = NULL;
	cr_assert_eq (sqlite3_prepare_v2 (wb_case_db (cs), sql, -1, &st, NULL), SQLITE_OK);
	wb_case_bind_text (st, 1, a);
	wb_case_bind_text (st, 2, b);
	int64_t id = sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : -1;
	sqlite3_finalize (st);
	g_free (sql);
	return id;
}

/* A text from a few letters, 0 to 19 bytes (so that lengths cross the
 * eight-byte words the keys are hashed by), or NULL. */
static char *
text (GRand *r)
{
	int len = g_rand_int_range (r, -1, 20);
	if (len < 0)
		return NULL;
	char *s = g_malloc (len + 1);
	for (int i = 0; i < len; i++)
		s[i] = "abc"[g_rand_int_range (r, 0, 3)];
	s[len] = 0;
	return s;
}

Test (case_ids, intern_gives_what_sql_gives)
{
	GRand *r = g_rand_new_with_seed (18);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	for (int i = 0; i < 10000; i++) {
		char *a = text (r), *b = text (r);
		gboolean in_w = g_rand_boolean (r);
		const char *v[] = { a, b };
		int64_t id = -1;
		cr_assert_eq (wb_case_intern (cs, in_w ? find_w : find_u,
					      in_w ? "INSERT INTO w (a, b) VALUES (?1, ?2)"
						   : "INSERT INTO u (a, b) VALUES (?1, ?2)",
					      v, 2, "cannot intern", &id), WB_OK, "%s", wb_case_errmsg (cs));
		cr_assert_eq (id, direct (in_w ? "w" : "u", a, b), "'%s' '%s' in %s", a ? a : "NULL",
			      b ? b : "NULL", in_w ? "w" : "u");
		g_free (a);
		g_free (b);
	}
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	/* Each pair stored once. */
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT (SELECT count(*) - count(DISTINCT quote(a) || quote(b))"
					 " FROM u) + (SELECT count(*) - count(DISTINCT quote(a) || quote(b)) FROM w)");
	cr_assert_eq (sqlite3_step (st), SQLITE_ROW);
	cr_assert_eq (sqlite3_column_int64 (st, 0), 0);
	sqlite3_reset (st);
	g_rand_free (r);
}

Test (case_ids, where_texts_end_matters)
{
	/* Pairs with the same bytes end to end, told apart by where the first
	 * text ends or whether it is there at all. */
	const char *pairs[][2] = { { "abc", "" }, { "ab", "c" }, { "a", "bc" }, { "", "abc" },
				   { NULL, "abc" }, { "abc", NULL }, { NULL, NULL }, { "", "" },
				   { "", NULL }, { NULL, "" }, { "abcdefgh", "" }, { "abcdefg", "h" },
				   { "abcdefghabcdefgh", NULL }, { "abcdefghabcdefg", "h" } };
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < G_N_ELEMENTS (pairs); i++) {
			int64_t id = -1;
			cr_assert_eq (wb_case_intern (cs, find_u, "INSERT INTO u (a, b) VALUES (?1, ?2)", pairs[i],
						      2, "cannot intern", &id), WB_OK);
			cr_assert_eq (id, (int64_t) i + 1, "pair %zu, round %d", i, round);
		}
	wb_case_rollback (cs);
}

Test (case_ids, keep_replaces_and_kept_finds)
{
	static const char tag[] = "run time";
	const char *k1[] = { "7", "x" }, *k2[] = { "7", "xx" }, *k3[] = { "7", NULL };
	int64_t v = 0;
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert (!wb_case_kept (cs, tag, k1, 2, &v));
	wb_case_keep (cs, tag, k1, 2, 10);
	wb_case_keep (cs, tag, k3, 2, 30);
	cr_assert (wb_case_kept (cs, tag, k1, 2, &v));
	cr_assert_eq (v, 10);
	cr_assert (!wb_case_kept (cs, tag, k2, 2, &v));
	cr_assert (!wb_case_kept (cs, find_u, k1, 2, &v), "another tag");
	cr_assert (!wb_case_kept (cs, tag, k1, 1, &v), "fewer texts");
	wb_case_keep (cs, tag, k1, 2, 11);
	cr_assert (wb_case_kept (cs, tag, k1, 2, &v));
	cr_assert_eq (v, 11);
	cr_assert (wb_case_kept (cs, tag, k3, 2, &v));
	cr_assert_eq (v, 30);
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_assert (!wb_case_kept (cs, tag, k1, 2, &v), "forgotten at the commit");
}

/* How many times the case's statement of SQL has run. */
static int
runs (const char *sql)
{
	return sqlite3_stmt_status (wb_case_stmt (cs, sql), SQLITE_STMTSTATUS_RUN, 0);
}

static const char add_u[] = "INSERT INTO u (a, b) VALUES (?1, ?2)";
static const char add_w[] = "INSERT INTO w (a, b) VALUES (?1, ?2)";

/* wb_case_intern's id for A, B (b NULL) by FIND and ADD. */
static int64_t
intern_a (const char *find, const char *add, const char *a)
{
	const char *v[] = { a, NULL };
	int64_t id = -1;
	cr_assert_eq (wb_case_intern (cs, find, add, v, 2, "cannot intern", &id), WB_OK, "%s",
		      wb_case_errmsg (cs));
	return id;
}

/* Rows of T whose a is A. */
static int64_t
count_a (const char *t, const char *a)
{
	char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE a = '%s'", t, a);
	int64_t n = tmp_case_int (cs, sql);
	g_free (sql);
	return n;
}

/* u starts empty: 1,500 values over three transactions, a third of each
 * met again after its commit, and FIND never runs; each id is still the
 * one SQL gives, each value stored once. */
Test (case_ids, empty_table_is_not_searched)
{
	for (int tx = 0; tx < 3; tx++) {
		cr_assert_eq (wb_case_begin (cs), WB_OK);
		for (int i = 0; i < 500; i++) {
			char a[16];
			g_snprintf (a, sizeof a, "v%d", tx * 500 + i);
			int64_t id = intern_a (find_u, add_u, a);
			cr_assert_eq (id, direct ("u", a, NULL), "%s", a);
			if (tx && i % 3 == 0) {
				g_snprintf (a, sizeof a, "v%d", (tx - 1) * 500 + i);
				cr_assert_eq (intern_a (find_u, add_u, a), direct ("u", a, NULL), "%s again", a);
			}
		}
		cr_assert_eq (wb_case_commit (cs), WB_OK);
	}
	cr_expect_eq (runs (find_u), 0, "FIND ran %d times", runs (find_u));
	cr_expect_eq (tmp_case_int (cs, "SELECT count(*) FROM u"), 1500);
	cr_expect_eq (tmp_case_int (cs, "SELECT count(DISTINCT a) FROM u"), 1500);
}

/* More values than WB_CASE_IDS_MAX: the ids are dropped, and a value
 * whose id went with them is found in the table, not added again. */
Test (case_ids, dropped_ids_are_found_again)
{
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	char a[24];
	for (int i = 0; i <= WB_CASE_IDS_MAX; i++) {
		g_snprintf (a, sizeof a, "d%d", i);
		cr_assert_eq (intern_a (find_u, add_u, a), i + 1, "%s", a);
	}
	cr_expect_eq (intern_a (find_u, add_u, "d0"), 1);
	cr_expect_eq (intern_a (find_u, add_u, "d1"), 2);
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_expect_eq (tmp_case_int (cs, "SELECT count(*) FROM u"), WB_CASE_IDS_MAX + 1);
}

/* wb_case_forget_ids (ingest calls it at its end, to give the memory
 * back): the ids are asked of SQLite again, so FIND runs for each value,
 * and each is still the row it was, none added twice. */
Test (case_ids, forgotten_ids_are_asked_again)
{
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	char a[16];
	for (int i = 0; i < 100; i++) {
		g_snprintf (a, sizeof a, "f%d", i);
		cr_assert_eq (intern_a (find_u, add_u, a), i + 1, "%s", a);
	}
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_assert_eq (runs (find_u), 0);
	wb_case_forget_ids (cs);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	for (int i = 0; i < 100; i += 10) {
		g_snprintf (a, sizeof a, "f%d", i);
		cr_expect_eq (intern_a (find_u, add_u, a), i + 1, "%s", a);
	}
	cr_expect_eq (intern_a (find_u, add_u, "new"), 101);
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_expect_eq (runs (find_u), 11, "FIND ran %d times", runs (find_u));
	cr_expect_eq (tmp_case_int (cs, "SELECT count(*) FROM u"), 101);
}

/* A table that had a row is searched for each value not kept. */
Test (case_ids, table_with_rows_is_searched)
{
	cr_assert_eq (wb_case_exec (cs, "INSERT INTO u (a) VALUES ('there')", "u"), WB_OK);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	for (int i = 0; i < 10; i++) {
		char a[16];
		g_snprintf (a, sizeof a, "n%d", i);
		intern_a (find_u, add_u, a);
	}
	cr_expect_eq (intern_a (find_u, add_u, "there"), 1);
	cr_expect_eq (runs (find_u), 11);
	wb_case_rollback (cs);
}

/* Rows that reach a filled-from-empty table another way are found, not
 * added again: an INSERT on the connection, a view's trigger, another
 * FIND of the table. */
Test (case_ids, rows_added_otherwise_are_found)
{
	cr_assert_eq (wb_case_exec (cs, "CREATE VIEW wv (a) AS SELECT a FROM w;"
				    "CREATE TRIGGER wv_insert INSTEAD OF INSERT ON wv BEGIN"
				    " INSERT INTO w (a) VALUES (NEW.a); END", "view"), WB_OK);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (intern_a (find_u, add_u, "a"), 1);
	cr_assert_eq (intern_a (find_w, add_w, "a"), 1);
	cr_assert_eq (wb_case_exec (cs, "INSERT INTO u (a) VALUES ('by sql')", "u"), WB_OK);
	cr_expect_eq (intern_a (find_u, add_u, "by sql"), 2);
	cr_assert_eq (wb_case_exec (cs, "INSERT INTO wv (a) VALUES ('by trigger')", "wv"), WB_OK);
	cr_expect_eq (intern_a (find_w, add_w, "by trigger"), 2);
	cr_assert_eq (wb_case_commit (cs), WB_OK);

	cr_expect_eq (count_a ("u", "by sql") + count_a ("w", "by trigger"), 2);

	/* z, filled from empty by one FIND, then by another. */
	static const char find_z[] = "SELECT id FROM z WHERE a IS ?1 AND b IS ?2";
	static const char find_z2[] = "SELECT id FROM z WHERE b IS ?2 AND a IS ?1";
	static const char add_z[] = "INSERT INTO z (a, b) VALUES (?1, ?2)";
	cr_assert_eq (wb_case_exec (cs, "CREATE TABLE z (id INTEGER PRIMARY KEY, a TEXT, b TEXT)", "z"), WB_OK);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (intern_a (find_z, add_z, "a"), 1);
	cr_assert_eq (intern_a (find_z2, add_z, "by other find"), 2);
	cr_expect_eq (intern_a (find_z, add_z, "by other find"), 2);
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_expect_eq (count_a ("z", "by other find"), 1);
}

/* Another connection's commit between two transactions: its rows are
 * found and its changes seen, not hidden by the ids kept. */
Test (case_ids, another_connection_is_seen)
{
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (intern_a (find_u, add_u, "x"), 1);
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	sqlite3 *other = NULL;
	cr_assert_eq (sqlite3_open (path, &other), SQLITE_OK);
	cr_assert_eq (sqlite3_exec (other, "INSERT INTO u (a) VALUES ('y'); UPDATE u SET a = 'x2' WHERE a = 'x'",
				    NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg (other));
	sqlite3_close (other);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	/* What this transaction keeps before its first lookup stays. */
	static const char tag[] = "this transaction's";
	int64_t kept = 0;
	wb_case_keep (cs, tag, NULL, 0, 7);
	cr_expect_eq (intern_a (find_u, add_u, "y"), 2);
	cr_expect_eq (intern_a (find_u, add_u, "x"), 3, "a stale id for x");
	cr_expect (wb_case_kept (cs, tag, NULL, 0, &kept) && kept == 7, "forgotten with the ids");
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_expect_eq (count_a ("u", "y"), 1);
}

/* wb_case_stmt, by the address of its SQL text: the same statement for the
 * same text wherever it lives, and the text's own statement when a buffer
 * is reused for other SQL (as a freed string's address comes back), over
 * more addresses than the cache holds before it starts again. */
Test (case_ids, statements_by_address_and_text)
{
	char buf[64];
	for (int i = 0; i < 3000; i++) {
		snprintf (buf, sizeof buf, "SELECT %d", i % 50);
		sqlite3_stmt *st = wb_case_stmt (cs, buf);
		cr_assert_not_null (st, "%s", wb_case_errmsg (cs));
		cr_assert_eq (sqlite3_step (st), SQLITE_ROW);
		cr_assert_eq (sqlite3_column_int (st, 0), i % 50, "'%s'", buf);
		sqlite3_reset (st);
		/* One statement per text, wherever the text is. */
		char *copy = g_strdup (buf);
		cr_assert_eq (wb_case_stmt (cs, copy), st);
		g_free (copy);
	}
	char *many[1500];
	for (int i = 0; i < 1500; i++) {
		many[i] = g_strdup_printf ("SELECT %d + 0", i);
		cr_assert_not_null (wb_case_stmt (cs, many[i]), "%s", wb_case_errmsg (cs));
	}
	for (int i = 0; i < 1500; i++) {
		sqlite3_stmt *st = wb_case_stmt (cs, many[i]);
		cr_assert_eq (sqlite3_step (st), SQLITE_ROW);
		cr_assert_eq (sqlite3_column_int (st, 0), i);
		sqlite3_reset (st);
		g_free (many[i]);
	}
}

/* The SQL of index NAME, or "(none)". */
static char *
index_sql (const char *name)
{
	sqlite3_stmt *st = NULL;
	cr_assert_eq (sqlite3_prepare_v2 (wb_case_db (cs), "SELECT sql FROM sqlite_master WHERE type = 'index'"
					  " AND name = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
	char *s = g_strdup (sqlite3_step (st) == SQLITE_ROW ? (const char *) sqlite3_column_text (st, 0) : "(none)");
	sqlite3_finalize (st);
	return s;
}

/* wb_case_defer_index: u's index is dropped for the transaction and
 * built again, as it was (its SQL as created in setup), by the commit; a
 * rollback takes the drop back; a FIND of u that must run (u has a row it
 * did not add, so is no longer complete) gets the index first, and a FIND
 * of another table does not build it.  Every id is
 * the one SQL gives, and integrity_check (which compares each index with
 * its table entry by entry) passes. */
Test (case_ids, deferred_index_is_built_again)
{
	static const char made[] = "CREATE INDEX u_ab ON u (a, b)";
	char *s;
	/* A commit. */
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (wb_case_defer_index (cs, "u_ab"), WB_OK, "%s", wb_case_errmsg (cs));
	cr_expect_str_eq (s = index_sql ("u_ab"), "(none)");
	g_free (s);
	for (int i = 0; i < 300; i++) {
		char a[16];
		g_snprintf (a, sizeof a, "c%d", i);
		cr_assert_eq (intern_a (find_u, add_u, a), i + 1);
	}
	cr_assert_eq (wb_case_commit (cs), WB_OK, "%s", wb_case_errmsg (cs));
	cr_expect_str_eq (s = index_sql ("u_ab"), made);
	g_free (s);
	cr_expect_eq (runs (find_u), 0);

	/* A rollback. */
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (wb_case_defer_index (cs, "u_ab"), WB_OK);
	intern_a (find_u, add_u, "gone");
	wb_case_rollback (cs);
	cr_expect_str_eq (s = index_sql ("u_ab"), made);
	g_free (s);

	/* A FIND of another table (w has a row it did not add, so is
	 * searched) leaves u's index dropped; then a FIND of u. */
	cr_assert_eq (wb_case_exec (cs, "INSERT INTO w (a) VALUES ('there')", "w"), WB_OK);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (wb_case_defer_index (cs, "u_ab"), WB_OK);
	cr_expect_eq (intern_a (find_w, add_w, "there"), 1);
	cr_expect_eq (runs (find_w), 1, "FIND of w ran %d times", runs (find_w));
	cr_expect_str_eq (s = index_sql ("u_ab"), "(none)", "a FIND of w built u's index");
	g_free (s);
	cr_assert_eq (wb_case_exec (cs, "INSERT INTO u (a) VALUES ('by sql')", "u"), WB_OK);
	cr_expect_str_eq (s = index_sql ("u_ab"), "(none)");
	g_free (s);
	cr_expect_eq (intern_a (find_u, add_u, "by sql"), direct ("u", "by sql", NULL));
	cr_expect_eq (runs (find_u), 1, "FIND ran %d times", runs (find_u));
	cr_expect_str_eq (s = index_sql ("u_ab"), made, "the FIND ran without its index");
	g_free (s);
	cr_expect_eq (intern_a (find_u, add_u, "c7"), 8);
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	cr_expect_eq (tmp_case_int (cs, "SELECT count(*) FROM u"), 301);
	sqlite3_stmt *st = NULL;
	cr_assert_eq (sqlite3_prepare_v2 (wb_case_db (cs), "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq (sqlite3_step (st), SQLITE_ROW);
	cr_expect_str_eq ((const char *) sqlite3_column_text (st, 0), "ok");
	sqlite3_finalize (st);
	/* An index not there is left so. */
	cr_expect_eq (wb_case_defer_index (cs, "no_such_index"), WB_OK);
}
