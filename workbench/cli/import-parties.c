/* 'import CASE parties FILE.csv': the roster counsel got in discovery. */
#include <inttypes.h>
#include <string.h>
#include "wb.h"
#include "import.h"
#include "attrib.h"
#include "csv.h"

static const char *const roles[] = { "sender", "affiliate", "advertiser", "other", NULL };

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
	int64_t parties = 0, values = 0, unnormalized = 0;
	wb_status_t st;

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
			 " country, payee, domain, affiliate_id");
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
	sqlite3_stmt *ip = wb_case_stmt (cs,
		"INSERT INTO parties (name, role, derived, source) VALUES (?, ?, 0, ?)");
	sqlite3_stmt *ia = wb_case_stmt (cs,
		"INSERT INTO party_attributes (party, kind, raw, value, source) VALUES (?, ?, ?, ?, ?)");
	if (!ip || !ia) {
		ret = wb_fail_case (ctx, WB_ERR_DB);
		goto done;
	}
	const GPtrArray *cols = wb_csv_columns (csv);
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
		char *src = g_strdup_printf ("%s:%d", base, line);
		sqlite3_bind_text (ip, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (ip, 2, lrole, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (ip, 3, src, -1, SQLITE_TRANSIENT);
		int rc = sqlite3_step (ip);
		sqlite3_reset (ip);
		g_free (lrole);
		if (rc != SQLITE_DONE) {
			g_free (src);
			ret = wb_fail_case (ctx, wb_case_fail_db (cs, "cannot add party"));
			goto done;
		}
		int64_t party = sqlite3_last_insert_rowid (wb_case_db (cs));
		parties++;
		/* The name is compared like any other value; every other column
		 * is kept, those attribution knows normalized. */
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
			char *asrc = g_strdup_printf ("roster %s %s", src, kind);
			for (char **v = vals; v && *v; v++) {
				char *norm = wb_attrib_norm_value (kind, *v);
				if (!norm && wb_attrib_kind_index (kind) >= 0) {
					/* Ten warnings show the pattern; the count says the rest. */
					if (++unnormalized <= 10)
						wb_warning ("%s:%d: %s '%s' is not understood; kept, not compared",
							    path, line, kind, *v);
				}
				sqlite3_bind_int64 (ia, 1, party);
				sqlite3_bind_text (ia, 2, kind, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text (ia, 3, *v, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text (ia, 4, norm, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text (ia, 5, asrc, -1, SQLITE_TRANSIENT);
				rc = sqlite3_step (ia);
				sqlite3_reset (ia);
				g_free (norm);
				values++;
				if (rc != SQLITE_DONE) {
					g_strfreev (vals);
					g_free (asrc);
					g_free (kind);
					g_free (src);
					ret = wb_fail_case (ctx, wb_case_fail_db (cs, "cannot add party attribute"));
					goto done;
				}
			}
			g_strfreev (vals);
			g_free (asrc);
			g_free (kind);
		}
		g_free (src);
	}
	char *detail = g_strdup_printf ("parties %s sha256 %s: %" PRId64 " parties, %" PRId64
					" values", path, sha, parties, values);
	st = wb_case_custody (cs, run, "import", detail);
	g_free (detail);
	if (!st) {
		char *end = g_strdup_printf ("%" PRId64 " parties", parties);
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
	fprintf (ctx->out, "Imported %" PRId64 " parties with %" PRId64 " values from '%s'%s\n",
		 parties, values, path, unnormalized ? " (some values kept but not compared)" : "");
	if (unnormalized > 10)
		wb_warning ("%s: %" PRId64 " values in all are not understood (kept, not compared)",
			    path, unnormalized);
	if (parties == 0)
		wb_note ("'%s' holds no parties", path);
	ret = wb_finish_output (ctx, WB_EXIT_OK);
done:
	if (in_tx)
		wb_case_rollback (cs);
	wb_csv_free (csv);
	g_free (bytes);
	g_free (err);
	g_free (base);
	return ret;
}
