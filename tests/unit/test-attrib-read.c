/* link's read of every artifact (WB_LINK_ARTIFACTS_SQL) asks SQLite to
 * order by copy only, and relies on the view artifacts giving each copy's
 * rows in position (idx) order: message_artifacts in rowid order, then
 * json_each over the copy's items in array order.  SQLite's documentation
 * does not promise the second, so these tests pin both on this SQLite:
 * the plan sorts nothing, and on a case whose copies were added in random
 * id order, with up to 1,500 artifacts a copy, written through the view
 * and directly into message_artifacts, with deletes through the view (which
 * leave null in the array) and copies emptied and refilled, the read gives
 * exactly the rows the test's own record of what it wrote says, in
 * (message, idx) order, and the same as the read sorted by (message, idx). */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include "case.h"
#include "case-tmp.h"
#include "attrib-private.h"

static char *tmp, *path;
static wb_case_t *cs;

static void
setup (void)
{
	cs = tmp_case_new ("wbattread-XXXXXX", "t", &tmp, &path);
}

static void
teardown (void)
{
	tmp_case_free (cs, tmp, path);
}

TestSuite (attrib_read, .init = setup, .fini = teardown);

/* The detail lines of EXPLAIN QUERY PLAN SQL, joined by newlines. */
static char *
plan (const char *sql)
{
	char *eqp = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
	sqlite3_stmt *st = NULL;
	cr_assert_eq (sqlite3_prepare_v2 (wb_case_db (cs), eqp, -1, &st, NULL), SQLITE_OK, "%s",
		      sqlite3_errmsg (wb_case_db (cs)));
	GString *s = g_string_new (NULL);
	while (sqlite3_step (st) == SQLITE_ROW)
		g_string_append_printf (s, "%s\n", (const char *) sqlite3_column_text (st, 3));
	sqlite3_finalize (st);
	g_free (eqp);
	return g_string_free (s, FALSE);
}

Test (attrib_read, plan_sorts_nothing)
{
	char *p = plan (WB_LINK_ARTIFACTS_SQL);
	cr_expect_null (strstr (p, "TEMP B-TREE"), "link's read sorts:\n%s", p);
	/* The outer loop is message_artifacts (the view's "a"), in rowid order. */
	cr_expect (g_str_has_prefix (p, "SCAN a\n"), "plan:\n%s", p);
	g_free (p);
	/* The check sees a sort where there is one: ordering by idx too sorts. */
	p = plan ("SELECT message, idx, kind, value, location FROM artifacts ORDER BY message, idx");
	cr_expect_not_null (strstr (p, "USE TEMP B-TREE FOR ORDER BY"), "plan:\n%s", p);
	g_free (p);
}

/* One artifact as the test wrote it; position = its index in the copy's array. */
typedef struct {
	char *kind, *value, *loc;
	gboolean alive;
} art_t;

#define MSGS 300
#define MAXID 100000

static const char *kinds[] = { "email", "phone", "url", "domain", "postal", "ip", "affiliate_id" };

/* A value from a small alphabet (so that values repeat across copies), now
 * and then with characters JSON escapes. */
static char *
value (GRand *r)
{
	static const char *odd[] = { "\"q\"", "b\\s", "t\tab", "\xc3\xa9t\xc3\xa9", "\x01", "" };
	if (g_rand_int_range (r, 0, 20) == 0)
		return g_strdup_printf ("v%s%d", odd[g_rand_int_range (r, 0, G_N_ELEMENTS (odd))],
					g_rand_int_range (r, 0, 5));
	return g_strdup_printf ("v%d", g_rand_int_range (r, 0, 400));
}

static void
json_str (GString *s, const char *t)
{
	g_string_append_c (s, '"');
	for (const unsigned char *p = (const unsigned char *) t; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf (s, "\\%c", *p);
		else if (*p < 0x20)
			g_string_append_printf (s, "\\u%04x", *p);
		else
			g_string_append_c (s, *p);
	}
	g_string_append_c (s, '"');
}

static void
exec_ok (sqlite3_stmt *st)
{
	cr_assert_eq (sqlite3_step (st), SQLITE_DONE, "%s", wb_case_errmsg (cs));
	sqlite3_reset (st);
}

static art_t *
art_new (GRand *r, GPtrArray *arts)
{
	art_t *a = g_new0 (art_t, 1);
	a->kind = g_strdup (kinds[g_rand_int_range (r, 0, G_N_ELEMENTS (kinds))]);
	a->value = value (r);
	a->loc = g_strdup_printf ("body:text%d", g_rand_int_range (r, 0, 3));
	a->alive = TRUE;
	g_ptr_array_add (arts, a);
	return a;
}

static void
art_free (gpointer p)
{
	art_t *a = p;
	g_free (a->kind);
	g_free (a->value);
	g_free (a->loc);
	g_free (a);
}

/* Write copy ID's whole array directly (as ingest and reanalyze do), with
 * N new artifacts; holes as null now and then. */
static void
write_direct (GRand *r, int64_t id, GPtrArray *arts, int n, gboolean update)
{
	sqlite3_stmt *vi = wb_case_stmt (cs, "INSERT OR IGNORE INTO artifact_values (kind, value) VALUES (?1, ?2)");
	sqlite3_stmt *vf = wb_case_stmt (cs, "SELECT id FROM artifact_values WHERE kind = ?1 AND value = ?2");
	sqlite3_stmt *w = wb_case_stmt (cs, update ? "UPDATE message_artifacts SET items = ?2 WHERE message = ?1"
					    : "INSERT INTO message_artifacts (message, items) VALUES (?1, ?2)");
	cr_assert (vi && vf && w, "%s", wb_case_errmsg (cs));
	g_ptr_array_set_size (arts, 0);
	GString *js = g_string_new ("[");
	for (int i = 0; i < n; i++) {
		if (i)
			g_string_append_c (js, ',');
		art_t *a = art_new (r, arts);
		if (g_rand_int_range (r, 0, 10) == 0) {
			a->alive = FALSE;
			g_string_append (js, "null");
			continue;
		}
		sqlite3_bind_text (vi, 1, a->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text (vi, 2, a->value, -1, SQLITE_STATIC);
		exec_ok (vi);
		sqlite3_bind_text (vf, 1, a->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text (vf, 2, a->value, -1, SQLITE_STATIC);
		cr_assert_eq (sqlite3_step (vf), SQLITE_ROW);
		g_string_append_printf (js, "[%lld,", (long long) sqlite3_column_int64 (vf, 0));
		sqlite3_reset (vf);
		if (g_rand_boolean (r))
			g_string_append (js, "null");
		else
			json_str (js, "RAW");
		g_string_append_c (js, ',');
		json_str (js, a->loc);
		g_string_append_c (js, ']');
	}
	g_string_append_c (js, ']');
	sqlite3_bind_int64 (w, 1, id);
	sqlite3_bind_text (w, 2, js->str, -1, SQLITE_STATIC);
	exec_ok (w);
	g_string_free (js, TRUE);
}

/* Append one artifact to copy ID through the view. */
static void
insert_view (GRand *r, int64_t id, GPtrArray *arts)
{
	sqlite3_stmt *ins = wb_case_stmt (cs, "INSERT INTO artifacts (message, kind, raw, value, location)"
					      " VALUES (?1, ?2, ?3, ?4, ?5)");
	cr_assert_not_null (ins, "%s", wb_case_errmsg (cs));
	art_t *a = art_new (r, arts);
	sqlite3_bind_int64 (ins, 1, id);
	sqlite3_bind_text (ins, 2, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text (ins, 3, g_rand_boolean (r) ? a->value : "RAW", -1, SQLITE_STATIC);
	sqlite3_bind_text (ins, 4, a->value, -1, SQLITE_STATIC);
	sqlite3_bind_text (ins, 5, a->loc, -1, SQLITE_STATIC);
	exec_ok (ins);
}

/* Delete copy ID's artifact at IDX through the view; the last one alive
 * takes the copy's row with it, and the next insert starts at 0. */
static void
delete_view (int64_t id, GPtrArray *arts, guint idx)
{
	sqlite3_stmt *del = wb_case_stmt (cs, "DELETE FROM artifacts WHERE message = ?1 AND idx = ?2");
	cr_assert_not_null (del, "%s", wb_case_errmsg (cs));
	sqlite3_bind_int64 (del, 1, id);
	sqlite3_bind_int64 (del, 2, idx);
	exec_ok (del);
	((art_t *) g_ptr_array_index (arts, idx))->alive = FALSE;
	for (guint i = 0; i < arts->len; i++)
		if (((art_t *) g_ptr_array_index (arts, i))->alive)
			return;
	g_ptr_array_set_size (arts, 0);
}

static gint
cmp_id (gconstpointer x, gconstpointer y)
{
	int64_t a = *(const int64_t *) x, b = *(const int64_t *) y;
	return a < b ? -1 : a > b;
}

/* The rows SQL gives, one line each: "message idx kind value location". */
static GPtrArray *
rows (const char *sql)
{
	sqlite3_stmt *st = NULL;
	cr_assert_eq (sqlite3_prepare_v2 (wb_case_db (cs), sql, -1, &st, NULL), SQLITE_OK);
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	int rc;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW)
		g_ptr_array_add (out, g_strdup_printf ("%lld %lld %s %s %s", (long long) sqlite3_column_int64 (st, 0),
						       (long long) sqlite3_column_int64 (st, 1),
						       (const char *) sqlite3_column_text (st, 2),
						       (const char *) sqlite3_column_text (st, 3),
						       (const char *) sqlite3_column_text (st, 4)));
	cr_assert_eq (rc, SQLITE_DONE);
	sqlite3_finalize (st);
	return out;
}

Test (attrib_read, view_order_is_message_then_idx, .timeout = 120)
{
	GRand *r = g_rand_new_with_seed (494);
	GHashTable *copies = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
						    (GDestroyNotify) g_ptr_array_unref);
	int64_t ids[MSGS];
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (wb_case_exec (cs, "INSERT INTO raw (id, sha256, size, bytes) VALUES (1, 'x', 1, x'00')", "raw"),
		      WB_OK, "%s", wb_case_errmsg (cs));
	sqlite3_stmt *im = wb_case_stmt (cs, "INSERT INTO messages (id, sha256, raw_id, status)"
					     " VALUES (?1, printf('%064d', ?1), 1, 'ok')");
	cr_assert_not_null (im, "%s", wb_case_errmsg (cs));
	/* Distinct ids in random order, each its copy's rows added in that
	 * order: rowid order is not insertion order. */
	for (int i = 0; i < MSGS; i++) {
		int64_t id;
		do
			id = g_rand_int_range (r, 1, MAXID);
		while (g_hash_table_contains (copies, &id));
		ids[i] = id;
		g_hash_table_insert (copies, g_memdup2 (&id, sizeof id), g_ptr_array_new_with_free_func (art_free));
		sqlite3_bind_int64 (im, 1, id);
		exec_ok (im);
	}
	/* A third written whole, some long (up to 1,500 artifacts). */
	for (int i = 0; i < MSGS; i += 3) {
		int n = i % 30 == 0 ? g_rand_int_range (r, 500, 1500) : g_rand_int_range (r, 1, 60);
		write_direct (r, ids[i], g_hash_table_lookup (copies, &ids[i]), n, FALSE);
	}
	/* Appends through the view, to random copies in turn. */
	for (int k = 0; k < 12000; k++) {
		int i = g_rand_int_range (r, 0, MSGS);
		insert_view (r, ids[i], g_hash_table_lookup (copies, &ids[i]));
	}
	/* Deletes through the view: about one in six (one in sixty of a long
	 * copy, where each rewrites the whole array), and every artifact of
	 * one copy in ten, first, last or in between. */
	for (int i = 0; i < MSGS; i++) {
		GPtrArray *arts = g_hash_table_lookup (copies, &ids[i]);
		gboolean all = i % 10 == 7;
		int odds = arts->len > 300 ? 60 : 6;
		for (guint j = 0; j < arts->len; j++) {
			art_t *a = g_ptr_array_index (arts, j);
			if (a->alive && (all || g_rand_int_range (r, 0, odds) == 0))
				delete_view (ids[i], arts, j);
		}
	}
	/* More appends, after holes and into emptied copies; and some copies
	 * replaced whole, as reanalyze does. */
	for (int k = 0; k < 3000; k++) {
		int i = g_rand_int_range (r, 0, MSGS);
		insert_view (r, ids[i], g_hash_table_lookup (copies, &ids[i]));
	}
	for (int i = 1; i < MSGS; i += 17) {
		GPtrArray *arts = g_hash_table_lookup (copies, &ids[i]);
		if (arts->len)
			write_direct (r, ids[i], arts, g_rand_int_range (r, 1, 200), TRUE);
	}
	cr_assert_eq (wb_case_commit (cs), WB_OK, "%s", wb_case_errmsg (cs));

	/* What the test wrote, in (message, idx) order. */
	qsort (ids, MSGS, sizeof ids[0], cmp_id);
	GPtrArray *want = g_ptr_array_new_with_free_func (g_free);
	guint holes = 0, longest = 0;
	for (int i = 0; i < MSGS; i++) {
		GPtrArray *arts = g_hash_table_lookup (copies, &ids[i]);
		longest = MAX (longest, arts->len);
		for (guint j = 0; j < arts->len; j++) {
			art_t *a = g_ptr_array_index (arts, j);
			if (a->alive)
				g_ptr_array_add (want, g_strdup_printf ("%lld %u %s %s %s", (long long) ids[i], j, a->kind,
									a->value, a->loc));
			else
				holes++;
		}
	}
	/* The case is what the test meant it to be. */
	cr_assert_gt (holes, 2000);
	cr_assert_gt (longest, 1000);
	cr_assert_gt (want->len, 20000);

	GPtrArray *got = rows (WB_LINK_ARTIFACTS_SQL);
	GPtrArray *sorted = rows ("SELECT message, idx, kind, value, location FROM artifacts ORDER BY message, idx");
	cr_assert_eq (got->len, want->len);
	cr_assert_eq (sorted->len, want->len);
	for (guint i = 0; i < want->len; i++) {
		cr_assert_str_eq (g_ptr_array_index (got, i), g_ptr_array_index (want, i), "row %u", i);
		cr_assert_str_eq (g_ptr_array_index (sorted, i), g_ptr_array_index (want, i), "row %u", i);
	}
	g_ptr_array_unref (got);
	g_ptr_array_unref (sorted);
	g_ptr_array_unref (want);
	g_hash_table_unref (copies);
	g_rand_free (r);
}
