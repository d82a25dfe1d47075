#include <string.h>
#include "wb.h"
#include "csv.h"
#include "import.h"
#include "ingest.h"

/* import CASE traps FILE.csv: address,holder,state,provider,provider_state,
 * timezone[,hosts].  Rows are matched by address: a known address is
 * updated, a new one added.  The whole file is one transaction. */

static gboolean
valid_state (const char *s)
{
	return !*s || (strlen (s) == 2 && g_ascii_isalpha (s[0]) && g_ascii_isalpha (s[1]));
}

static char *
check_row (wb_csv_t *csv, const char *path)
{
	const char *addr = wb_csv_get (csv, "address");
	const char *tz = wb_csv_get (csv, "timezone");
	const char *cols[] = { "state", "provider_state" };
	int line = wb_csv_line (csv);
	if (!addr || !*addr || !strchr (addr, '@') || strchr (addr, ' '))
		return g_strdup_printf ("%s:%d: '%s' is not an e-mail address", path, line,
					addr ? addr : "");
	for (gsize i = 0; i < G_N_ELEMENTS (cols); i++) {
		const char *v = wb_csv_get (csv, cols[i]);
		if (v && !valid_state (v))
			return g_strdup_printf ("%s:%d: %s '%s' is not a two-letter state code", path,
						line, cols[i], v);
	}
	if (tz && *tz) {
		GTimeZone *z = g_time_zone_new_identifier (tz);
		if (!z)
			return g_strdup_printf ("%s:%d: unknown time zone '%s' (an IANA name such as America/Los_Angeles)",
						path, line, tz);
		g_time_zone_unref (z);
	}
	return NULL;
}

int
wb_import_traps (wb_ctx_t *ctx, const char *path)
{
	wb_case_t *cs = ctx->cs;
	char *err = NULL, *detail = NULL;
	int rc = WB_EXIT_FAIL, added = 0, updated = 0;
	gboolean moved = FALSE;
	int64_t run = 0;
	wb_status_t st;
	gboolean in_tx = FALSE;

	wb_csv_t *csv = wb_csv_open (path, &err);
	if (!csv) {
		wb_error ("%s", err);
		g_free (err);
		return WB_EXIT_FAIL;
	}
	if (!wb_csv_has (csv, "address")) {
		wb_error ("'%s' has no 'address' column", path);
		wb_hint ("columns: address,holder,state,provider,provider_state,timezone[,hosts]");
		goto done;
	}
	gchar *data = NULL;
	gsize len = 0;
	char sha[65];
	if (!g_file_get_contents (path, &data, &len, NULL)) {
		wb_error ("cannot read '%s'", path);
		goto done;
	}
	wb_sha256_hex (data, len, sha);
	g_free (data);

	/* The run's begin and end rows go in the same transaction as the
	 * traps, so a failed import leaves the case exactly as it was. */
	if ((st = wb_case_begin (cs))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	in_tx = TRUE;
	if ((st = wb_case_run_begin (cs, "import", ctx->command_line, &run))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	sqlite3_stmt *find = wb_case_stmt (cs, "SELECT id FROM traps WHERE address = ?");
	sqlite3_stmt *ins = wb_case_stmt (cs,
		"INSERT INTO traps(address, holder, state, provider, provider_state, timezone, hosts)"
		" VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, 'UTC'), ?7)");
	sqlite3_stmt *upd = wb_case_stmt (cs,
		"UPDATE traps SET holder = ?2, state = ?3, provider = ?4, provider_state = ?5,"
		" timezone = coalesce(?6, 'UTC'), hosts = ?7 WHERE address = ?1");
	if (!find || !ins || !upd) {
		rc = wb_fail_case (ctx, WB_ERR_DB);
		goto done;
	}
	gboolean more;
	GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (;;) {
		if (wb_csv_next (csv, &more)) {
			wb_error ("%s", wb_csv_error (csv));
			g_hash_table_destroy (seen);
			goto done;
		}
		if (!more)
			break;
		char *bad = check_row (csv, path);
		if (bad) {
			wb_error ("%s", bad);
			g_free (bad);
			g_hash_table_destroy (seen);
			goto done;
		}
		char *addr = g_ascii_strdown (wb_csv_get (csv, "address"), -1);
		if (!g_hash_table_add (seen, g_strdup (addr))) {
			wb_error ("%s:%d: trap '%s' is listed twice", path, wb_csv_line (csv), addr);
			g_free (addr);
			g_hash_table_destroy (seen);
			goto done;
		}
		sqlite3_bind_text (find, 1, addr, -1, SQLITE_TRANSIENT);
		gboolean exists = sqlite3_step (find) == SQLITE_ROW;
		sqlite3_reset (find);
		sqlite3_stmt *w = exists ? upd : ins;
		const char *fields[] = { "holder", "state", "provider", "provider_state", "timezone", "hosts" };
		sqlite3_bind_text (w, 1, addr, -1, g_free);
		for (int i = 0; i < 6; i++) {
			const char *v = wb_csv_get (csv, fields[i]);
			if (v && *v) {
				char *val = (i == 1 || i == 3) ? g_ascii_strup (v, -1) : g_strdup (v);
				sqlite3_bind_text (w, i + 2, val, -1, g_free);
			} else
				sqlite3_bind_null (w, i + 2);
		}
		int r = sqlite3_step (w);
		sqlite3_reset (w);
		if (r != SQLITE_DONE) {
			rc = wb_fail_case (ctx, wb_case_fail_db (cs, "cannot store trap"));
			g_hash_table_destroy (seen);
			goto done;
		}
		exists ? updated++ : added++;
	}
	g_hash_table_destroy (seen);
	detail = g_strdup_printf ("traps file '%s' sha256 %s size %zu: %d added, %d updated", path,
				  sha, len, added, updated);
	/* Copies already ingested are matched again against the new roster
	 * (and their local days recomputed in the traps' zones), in the same
	 * transaction. */
	if ((st = wb_case_custody (cs, run, "import", detail)) ||
	    (st = wb_ingest_assign_traps (cs, &moved)) ||
	    (st = wb_case_run_end (cs, run, NULL)) || (st = wb_case_commit (cs))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	in_tx = FALSE;
	fprintf (ctx->out, "%d traps added, %d updated\n", added, updated);
	if (moved)
		fprintf (ctx->out, "copies ingested earlier changed trap: run 'workbench reanalyze %s'"
			 " before damages, link or report\n", ctx->case_path ? ctx->case_path : "CASE");
	rc = WB_EXIT_OK;
done:
	if (in_tx)
		wb_case_rollback (cs);
	g_free (detail);
	wb_csv_free (csv);
	return rc;
}
