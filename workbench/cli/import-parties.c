/* 'import CASE parties FILE.csv': the roster counsel got in discovery.
 * A party is known by its name: importing a roster again updates each
 * named party in place (its id, and so the links and notes that cite it,
 * stay), says what changed, and logs the old and new values in custody. */
#include <inttypes.h>
#include <string.h>
#include "wb.h"
#include "import.h"
#include "attrib.h"
#include "csv.h"

static const char *const roles[] = { "sender", "affiliate", "advertiser", "other", NULL };

/* Columns besides the kinds attribution compares (wb_attrib_kinds): 'role',
 * and 'notes', kept with the party but not compared. */
static const char *const other_columns[] = { "role", "notes", NULL };

static gboolean
known_column (const char *kind)
{
	return wb_attrib_kind_index (kind) >= 0 || g_strv_contains ((const char *const *) other_columns, kind);
}

static char *
column_list (void)
{
	GString *s = g_string_new (NULL);
	for (int i = 0; wb_attrib_kinds[i]; i++)
		g_string_append_printf (s, "%s, ", wb_attrib_kinds[i]);
	for (int i = 0; other_columns[i]; i++)
		g_string_append_printf (s, "%s%s", other_columns[i], other_columns[i + 1] ? ", " : "");
	return g_string_free (s, FALSE);
}

/* One value of a roster row. */
typedef struct {
	char *kind, *raw;
} value_t;

static void
value_clear (gpointer p)
{
	value_t *v = p;
	g_free (v->kind);
	g_free (v->raw);
}

/* "kind: old -> new" for each kind whose values differ between OLD and
 * NEW (arrays of value_t), appended to OUT; returns the number of kinds. */
static int
diff_values (GArray *old, GArray *new, GString *out)
{
	GPtrArray *kinds = g_ptr_array_new ();
	GArray *both[] = { old, new };
	for (int b = 0; b < 2; b++)
		for (guint i = 0; i < both[b]->len; i++) {
			const char *k = g_array_index (both[b], value_t, i).kind;
			gboolean seen = FALSE;
			for (guint j = 0; j < kinds->len && !seen; j++)
				seen = strcmp (kinds->pdata[j], k) == 0;
			if (!seen)
				g_ptr_array_add (kinds, (gpointer) k);
		}
	int n = 0;
	for (guint j = 0; j < kinds->len; j++) {
		GString *vals[2] = { g_string_new (NULL), g_string_new (NULL) };
		for (int b = 0; b < 2; b++)
			for (guint i = 0; i < both[b]->len; i++) {
				const value_t *v = &g_array_index (both[b], value_t, i);
				if (strcmp (v->kind, kinds->pdata[j]) == 0)
					g_string_append_printf (vals[b], "%s%s", vals[b]->len ? "; " : "", v->raw);
			}
		if (strcmp (vals[0]->str, vals[1]->str) != 0) {
			g_string_append_printf (out, "%s%s '%s' -> '%s'", n++ ? ", " : "",
						(char *) kinds->pdata[j], vals[0]->str, vals[1]->str);
		}
		g_string_free (vals[0], TRUE);
		g_string_free (vals[1], TRUE);
	}
	g_ptr_array_unref (kinds);
	return n;
}

int
wb_import_parties (wb_ctx_t *ctx, const char *path)
{
	wb_case_t *cs = ctx->cs;
	int ret = WB_EXIT_FAIL;
	char *err = NULL, *bytes = NULL, *base = g_path_get_basename (path);
	gsize len = 0;
	GError *gerr = NULL;
	wb_csv_t *csv = NULL;
	gboolean in_tx = FALSE;
	int64_t parties = 0, values = 0, unnormalized = 0, added = 0, updated = 0, unchanged = 0;
	wb_status_t st;
	GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	GString *changes = g_string_new (NULL);      /* for custody */
	GPtrArray *said = g_ptr_array_new_with_free_func (g_free);  /* for the user */
	GArray *old = g_array_new (FALSE, FALSE, sizeof (value_t)), *new = g_array_new (FALSE, FALSE, sizeof (value_t));
	g_array_set_clear_func (old, value_clear);
	g_array_set_clear_func (new, value_clear);

	if (!g_file_get_contents (path, &bytes, &len, &gerr)) {
		wb_error ("cannot read '%s': %s", path, gerr->message);
		g_error_free (gerr);
		goto done;
	}
	char sha[65];
	wb_sha256_hex (bytes, len, sha);
	if (!(csv = wb_csv_open (path, &err))) {
		wb_error ("%s", err);
		goto done;
	}
	if (!wb_csv_has (csv, "name")) {
		wb_error ("%s: no 'name' column", path);
		wb_hint ("the header needs name, role and any of contact, email, phone, address,"
			 " country, payee, domain, affiliate_id, ip, notes");
		goto done;
	}
	const GPtrArray *cols = wb_csv_columns (csv);
	for (guint c = 0; c < cols->len; c++) {
		char *trimmed = g_strstrip (g_strdup (g_ptr_array_index (cols, c)));
		char *kind = g_ascii_strdown (trimmed, -1);
		gboolean ok = known_column (kind);
		if (!ok) {
			char *list = column_list ();
			wb_error ("%s:1: unknown column '%s' (column %u)", path, trimmed, c + 1);
			wb_hint ("the columns of a parties roster are %s", list);
			g_free (list);
		}
		g_free (kind);
		g_free (trimmed);
		if (!ok)
			goto done;
	}
	if ((st = wb_case_begin (cs))) {
		ret = wb_fail_case (ctx, st);
		goto done;
	}
	in_tx = TRUE;
	int64_t run;
	if ((st = wb_case_run_begin (cs, "import", ctx->command_line, &run))) {
		ret = wb_fail_case (ctx, st);
		goto done;
	}
	sqlite3_stmt *find = wb_case_stmt (cs,
		"SELECT id, role, (SELECT count(*) FROM parties WHERE derived = 0 AND name = ?1 COLLATE NOCASE)"
		" FROM parties WHERE derived = 0 AND name = ?1 COLLATE NOCASE ORDER BY id LIMIT 1");
	sqlite3_stmt *ip = wb_case_stmt (cs,
		"INSERT INTO parties (id, name, role, derived, source) VALUES"
		" ((SELECT max(coalesce((SELECT max(id) FROM parties), 0), coalesce((SELECT CAST(value AS INTEGER)"
		" FROM case_info WHERE key = 'party_id_max'), 0)) + 1), ?, ?, 0, ?)");
	sqlite3_stmt *up = wb_case_stmt (cs, "UPDATE parties SET name = ?2, role = ?3, source = ?4 WHERE id = ?1");
	sqlite3_stmt *oldv = wb_case_stmt (cs,
		"SELECT kind, raw FROM party_attributes WHERE party = ?1 AND message IS NULL ORDER BY id");
	sqlite3_stmt *del = wb_case_stmt (cs, "DELETE FROM party_attributes WHERE party = ?1 AND message IS NULL");
	sqlite3_stmt *ia = wb_case_stmt (cs,
		"INSERT INTO party_attributes (party, kind, raw, value, source) VALUES (?, ?, ?, ?, ?)");
	if (!find || !ip || !up || !oldv || !del || !ia) {
		ret = wb_fail_case (ctx, WB_ERR_DB);
		goto done;
	}
	gboolean more;
	for (;;) {
		if ((st = wb_csv_next (csv, &more))) {
			wb_error ("%s", wb_csv_error (csv));
			goto done;
		}
		if (!more)
			break;
		int line = wb_csv_line (csv);
		const char *name = wb_csv_get (csv, "name");
		if (!name || !*name) {
			wb_error ("%s:%d: empty name", path, line);
			goto done;
		}
		char *key = g_utf8_casefold (name, -1);
		gpointer first = g_hash_table_lookup (seen, key);
		if (first) {
			wb_error ("%s:%d: party '%s' is listed twice (first on line %d)", path, line, name,
				  GPOINTER_TO_INT (first));
			g_free (key);
			goto done;
		}
		g_hash_table_insert (seen, key, GINT_TO_POINTER (line));
		const char *role = wb_csv_get (csv, "role");
		char *lrole = g_ascii_strdown (role && *role ? role : "other", -1);
		gboolean ok = FALSE;
		for (int i = 0; roles[i]; i++)
			ok |= strcmp (lrole, roles[i]) == 0;
		if (!ok) {
			wb_error ("%s:%d: role '%s' is not sender, affiliate, advertiser or other",
				  path, line, role);
			g_free (lrole);
			goto done;
		}
		/* The row's values: the name is compared like any other value;
		 * every other column is kept, those attribution knows normalized. */
		g_array_set_size (new, 0);
		for (guint c = 0; c < cols->len; c++) {
			const char *cname = g_ptr_array_index (cols, c);
			char *trimmed = g_strstrip (g_strdup (cname));
			char *kind = g_ascii_strdown (trimmed, -1);
			g_free (trimmed);
			if (!strcmp (kind, "role") || !*kind) {
				g_free (kind);
				continue;
			}
			char **vals;
			if (!strcmp (kind, "name")) {
				vals = g_new0 (char *, 2);
				vals[0] = g_strdup (name);
			} else {
				vals = wb_csv_get_list (csv, cname);
			}
			for (char **v = vals; v && *v; v++) {
				value_t nv = { g_strdup (kind), g_strdup (*v) };
				g_array_append_val (new, nv);
			}
			g_strfreev (vals);
			g_free (kind);
		}

		/* The party of that name imported before, if any. */
		int64_t party = 0, same_name = 0;
		char *was_role = NULL;
		sqlite3_bind_text (find, 1, name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step (find) == SQLITE_ROW) {
			party = sqlite3_column_int64 (find, 0);
			was_role = g_strdup ((const char *) sqlite3_column_text (find, 1));
			same_name = sqlite3_column_int64 (find, 2);
		}
		sqlite3_reset (find);
		char *src = g_strdup_printf ("%s:%d", base, line);
		int rc;
		if (party) {
			if (same_name > 1)
				wb_warning ("%s:%d: the case holds %" PRId64 " parties named '%s'; updating party %" PRId64,
					    path, line, same_name, name, party);
			g_array_set_size (old, 0);
			sqlite3_bind_int64 (oldv, 1, party);
			while (sqlite3_step (oldv) == SQLITE_ROW) {
				value_t ov = { g_strdup ((const char *) sqlite3_column_text (oldv, 0)),
					       g_strdup ((const char *) sqlite3_column_text (oldv, 1)) };
				g_array_append_val (old, ov);
			}
			sqlite3_reset (oldv);
			GString *d = g_string_new (NULL);
			int n = 0;
			if (g_strcmp0 (was_role, lrole) != 0)
				g_string_append_printf (d, "role '%s' -> '%s'", was_role ? was_role : "", lrole), n++;
			if (n)
				g_string_append (d, ", ");
			int nv = diff_values (old, new, d);
			if (!nv && n)
				g_string_truncate (d, d->len - 2);
			n += nv;
			if (n) {
				updated++;
				g_ptr_array_add (said, g_strdup_printf ("updated '%s' (party %" PRId64 "): %s",
									name, party, d->str));
				g_string_append_printf (changes, "; party %" PRId64 " '%s': %s", party, name, d->str);
			} else
				unchanged++;
			g_string_free (d, TRUE);
			sqlite3_bind_int64 (up, 1, party);
			sqlite3_bind_text (up, 2, name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text (up, 3, lrole, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text (up, 4, src, -1, SQLITE_TRANSIENT);
			rc = sqlite3_step (up);
			sqlite3_reset (up);
			if (rc == SQLITE_DONE) {
				sqlite3_bind_int64 (del, 1, party);
				rc = sqlite3_step (del);
				sqlite3_reset (del);
			}
		} else {
			sqlite3_bind_text (ip, 1, name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text (ip, 2, lrole, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text (ip, 3, src, -1, SQLITE_TRANSIENT);
			rc = sqlite3_step (ip);
			sqlite3_reset (ip);
			party = sqlite3_last_insert_rowid (wb_case_db (cs));
			added++;
		}
		g_free (was_role);
		g_free (lrole);
		if (rc != SQLITE_DONE) {
			g_free (src);
			ret = wb_fail_case (ctx, wb_case_fail_db (cs, "cannot store party"));
			goto done;
		}
		parties++;
		for (guint i = 0; i < new->len; i++) {
			const value_t *v = &g_array_index (new, value_t, i);
			char *norm = wb_attrib_norm_value (v->kind, v->raw);
			if (!norm && wb_attrib_kind_index (v->kind) >= 0) {
				/* Ten warnings show the pattern; the count says the rest. */
				if (++unnormalized <= 10)
					wb_warning ("%s:%d: %s '%s' is not understood; kept, not compared",
						    path, line, v->kind, v->raw);
			}
			char *asrc = g_strdup_printf ("roster %s %s", src, v->kind);
			sqlite3_bind_int64 (ia, 1, party);
			sqlite3_bind_text (ia, 2, v->kind, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text (ia, 3, v->raw, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text (ia, 4, norm, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text (ia, 5, asrc, -1, SQLITE_TRANSIENT);
			rc = sqlite3_step (ia);
			sqlite3_reset (ia);
			g_free (norm);
			g_free (asrc);
			values++;
			if (rc != SQLITE_DONE) {
				g_free (src);
				ret = wb_fail_case (ctx, wb_case_fail_db (cs, "cannot add party attribute"));
				goto done;
			}
		}
		g_free (src);
	}
	char *detail = g_strdup_printf ("parties %s sha256 %s: %" PRId64 " parties, %" PRId64
					" values; %" PRId64 " added, %" PRId64 " updated, %" PRId64
					" unchanged%s", path, sha, parties, values, added, updated, unchanged,
					changes->str);
	st = wb_case_custody (cs, run, "import", detail);
	g_free (detail);
	if (!st) {
		char *end = g_strdup_printf ("%" PRId64 " parties: %" PRId64 " added, %" PRId64 " updated, %"
					     PRId64 " unchanged", parties, added, updated, unchanged);
		st = wb_case_run_end (cs, run, end);
		g_free (end);
	}
	if (!st)
		st = wb_case_commit (cs);
	if (st) {
		ret = wb_fail_case (ctx, st);
		goto done;
	}
	in_tx = FALSE;
	fprintf (ctx->out, "Imported %" PRId64 " parties with %" PRId64 " values from '%s'%s: %" PRId64
		 " added, %" PRId64 " updated, %" PRId64 " unchanged\n", parties, values, path,
		 unnormalized ? " (some values kept but not compared)" : "", added, updated, unchanged);
	for (guint i = 0; i < said->len; i++) {
		char *s = wb_text_safe (said->pdata[i]);
		fprintf (ctx->out, "  %s\n", s);
		g_free (s);
	}
	if (unnormalized > 10)
		wb_warning ("%s: %" PRId64 " values in all are not understood (kept, not compared)",
			    path, unnormalized);
	if (parties == 0)
		wb_note ("'%s' holds no parties", path);
	if (updated)
		wb_hint ("run 'workbench link %s' to rebuild the links from the updated roster",
			 ctx->case_path ? ctx->case_path : "CASE");
	ret = wb_finish_output (ctx, WB_EXIT_OK);
done:
	if (in_tx)
		wb_case_rollback (cs);
	wb_csv_free (csv);
	g_free (bytes);
	g_free (err);
	g_free (base);
	g_hash_table_destroy (seen);
	g_string_free (changes, TRUE);
	g_ptr_array_unref (said);
	g_array_unref (old);
	g_array_unref (new);
	return ret;
}
