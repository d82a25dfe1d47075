#include <string.h>
#include "wb.h"
#include "csv.h"
#include "import.h"
#include "rules.h"

/* 'import CASE findings FILE.csv': columns message, statute, provision,
 * finding, note and optionally trap.  The whole file in one transaction:
 * any bad line leaves the case as it was. */
int
wb_import_findings (wb_ctx_t *ctx, const char *path)
{
	char *err = NULL;
	wb_csv_t *csv = wb_csv_open (path, &err);
	if (!csv) {
		wb_error ("%s", err);
		g_free (err);
		return WB_EXIT_FAIL;
	}
	static const char *const known[] = { "message", "statute", "provision", "finding", "note", "trap", NULL };
	const GPtrArray *cols = wb_csv_columns (csv);
	for (guint i = 0; i < cols->len; i++) {
		char *c = g_strstrip (g_strdup (g_ptr_array_index (cols, i)));
		char *low = g_ascii_strdown (c, -1);
		gboolean ok = g_strv_contains ((const char *const *) known, low);
		if (!ok) {
			wb_error ("%s:1: unknown column '%s' (column %u)", path, c, i + 1);
			wb_hint ("the columns of a findings file are message, statute, provision, finding, note, trap");
		}
		g_free (low);
		g_free (c);
		if (!ok) {
			wb_csv_free (csv);
			return WB_EXIT_FAIL;
		}
	}
	static const char *const need[] = { "message", "statute", "provision", "finding" };
	for (gsize i = 0; i < G_N_ELEMENTS (need); i++)
		if (!wb_csv_has (csv, need[i])) {
			wb_error ("%s: no column '%s' (message, statute, provision, finding, note[, trap])",
				  path, need[i]);
			wb_csv_free (csv);
			return WB_EXIT_FAIL;
		}
	/* The file's SHA-256 for custody. */
	char *data = NULL;
	gsize len = 0;
	char sha[65] = "";
	if (g_file_get_contents (path, &data, &len, NULL))
		wb_sha256_hex (data, len, sha);
	g_free (data);

	wb_statute_set_t *set = NULL;
	wb_status_t st = wb_statutes_load_case (ctx->cs, &set);
	int64_t run = 0, lines = 0, copies = 0;
	int rc = WB_EXIT_FAIL;
	if (st) {
		wb_fail_case (ctx, st);
		goto out;
	}
	st = wb_case_run_begin (ctx->cs, "import", ctx->command_line, &run);
	if (st || (st = wb_case_begin (ctx->cs))) {
		wb_fail_case (ctx, st);
		goto out;
	}
	char *detail = g_strdup_printf ("import findings '%s' sha256 %s", path, sha);
	st = wb_case_custody (ctx->cs, run, "import", detail);
	g_free (detail);
	if (st) {
		wb_fail_case (ctx, st);
		goto rollback;
	}
	for (;;) {
		gboolean more = FALSE;
		if (wb_csv_next (csv, &more)) {
			wb_error ("%s", wb_csv_error (csv));
			goto rollback;
		}
		if (!more)
			break;
		const char *m = wb_csv_get (csv, "message"), *s = wb_csv_get (csv, "statute"),
			   *p = wb_csv_get (csv, "provision"), *f = wb_csv_get (csv, "finding"),
			   *note = wb_csv_get (csv, "note"), *trap = wb_csv_get (csv, "trap");
		int line = wb_csv_line (csv);
		if (!*m || !*s || !*p || !*f) {
			wb_error ("%s:%d: message, statute, provision and finding are all needed", path, line);
			goto rollback;
		}
		char *ev = g_strdup_printf ("%s:%d", path, line);
		int64_t n = 0;
		st = wb_finding_record (ctx->cs, set, run, m, trap, s, p, f, note, ev, &n);
		g_free (ev);
		if (st) {
			wb_error ("%s:%d: %s", path, line, wb_case_errmsg (ctx->cs));
			goto rollback;
		}
		lines++;
		copies += n;
	}
	if ((st = wb_case_commit (ctx->cs))) {
		wb_fail_case (ctx, st);
		goto rollback;
	}
	detail = g_strdup_printf ("%lld findings, %lld copies", (long long) lines, (long long) copies);
	wb_case_run_end (ctx->cs, run, detail);
	g_free (detail);
	fprintf (ctx->out, "Imported %lld findings (%lld copies) from '%s'\n", (long long) lines,
		 (long long) copies, path);
	rc = WB_EXIT_OK;
	goto out;
rollback:
	wb_case_rollback (ctx->cs);
	if (run)
		wb_case_run_end (ctx->cs, run, "failed: nothing imported");
out:
	wb_statute_set_free (set);
	wb_csv_free (csv);
	return rc;
}
