/* workbench verify CASE: re-hash every stored message. */
#include <string.h>
#include "wb.h"

int
wb_cmd_verify (wb_ctx_t *ctx, int argc, char **argv)
{
	if (argc > 1)
		return wb_usage_error ("verify", "unexpected argument '%s'", argv[1]);
	wb_case_t *cs = ctx->cs;
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT id, sha256, size, bytes FROM raw ORDER BY id");
	if (!st)
		return wb_fail_case (ctx, WB_ERR_DB);
	uint64_t n = 0, bad = 0;
	int rc;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		const char *want = (const char *) sqlite3_column_text (st, 1);
		int64_t size = sqlite3_column_int64 (st, 2);
		const void *bytes = sqlite3_column_blob (st, 3);
		int len = sqlite3_column_bytes (st, 3);
		char got[65];
		wb_sha256_hex (bytes ? bytes : "", len, got);
		n++;
		if (!want || strcmp (want, got) != 0 || size != len) {
			bad++;
			fprintf (ctx->out, "MISMATCH raw %" G_GINT64_FORMAT ": recorded sha256 %s size %"
				 G_GINT64_FORMAT ", bytes hash to %s size %d\n", (int64_t) sqlite3_column_int64 (st, 0),
				 want ? want : "(none)", size, got, len);
		}
	}
	sqlite3_reset (st);
	if (rc != SQLITE_DONE)
		return wb_fail_case (ctx, wb_case_fail_db (cs, "cannot read stored messages"));
	/* Each copy must point at the bytes its own sha256 names. */
	st = wb_case_stmt (cs, "SELECT m.id, m.sha256, r.sha256 FROM messages m"
			       " LEFT JOIN raw r ON r.id = m.raw_id"
			       " WHERE r.sha256 IS NULL OR r.sha256 <> m.sha256 ORDER BY m.id");
	if (!st)
		return wb_fail_case (ctx, WB_ERR_DB);
	uint64_t copies_bad = 0;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		copies_bad++;
		fprintf (ctx->out, "MISMATCH message %" G_GINT64_FORMAT ": sha256 %s, stored bytes %s\n",
			 (int64_t) sqlite3_column_int64 (st, 0), sqlite3_column_text (st, 1),
			 sqlite3_column_text (st, 2) ? (const char *) sqlite3_column_text (st, 2) : "(missing)");
	}
	sqlite3_reset (st);
	if (rc != SQLITE_DONE)
		return wb_fail_case (ctx, wb_case_fail_db (cs, "cannot read messages"));
	if (bad || copies_bad) {
		wb_error ("%" G_GUINT64_FORMAT " stored message(s) and %" G_GUINT64_FORMAT
			  " copies do not match their SHA-256", bad, copies_bad);
		return WB_EXIT_FAIL;
	}
	fprintf (ctx->out, "OK: %" G_GUINT64_FORMAT " stored messages match their SHA-256\n", n);
	return WB_EXIT_OK;
}
