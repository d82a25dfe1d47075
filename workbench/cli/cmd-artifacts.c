#include <getopt.h>
#include <string.h>
#include "wb.h"

/* 'artifacts CASE [--kind K]': each normalized value with the number of
 * copies it was found in and the number of distinct senders (From
 * addresses) of those copies. */
int
wb_cmd_artifacts (wb_ctx_t *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL }
	};
	static const char *kinds[] = { "email", "phone", "url", "domain", "postal", "ip",
				       "affiliate_id", NULL };
	const char *format = NULL, *kind = NULL;
	int c;
	while ((c = wb_getopt_long (argc, argv, "", opts, NULL)) != -1) {
		if (c == 'F')
			format = optarg;
		else if (c == 'k')
			kind = optarg;
		else
			return wb_usage_error ("artifacts", "bad option");
	}
	if (optind < argc)
		return wb_usage_error ("artifacts", "unexpected argument '%s'", argv[optind]);
	if (kind) {
		gboolean ok = FALSE;
		for (int i = 0; kinds[i]; i++)
			ok |= strcmp (kinds[i], kind) == 0;
		if (!ok)
			return wb_usage_error ("artifacts", "unknown kind '%s' (email, phone, url, domain,"
					       " postal, ip or affiliate_id)", kind);
	}
	wb_mode_t mode;
	if (!wb_ctx_mode (ctx, format, WB_MODE_TEXT, &mode))
		return WB_EXIT_USAGE;
	sqlite3_stmt *st = wb_case_stmt (ctx->cs,
		"SELECT a.kind, a.value, count(DISTINCT a.message) AS copies,"
		" count(DISTINCT lower(m.from_addr)) AS senders"
		" FROM artifacts a JOIN messages m ON m.id = a.message"
		" WHERE ?1 IS NULL OR a.kind = ?1"
		" GROUP BY a.kind, a.value ORDER BY a.kind, copies DESC, a.value");
	if (!st)
		return wb_fail_case (ctx, WB_ERR_DB);
	if (kind)
		sqlite3_bind_text (st, 1, kind, -1, SQLITE_STATIC);
	int rc = wb_print_stmt (st, ctx->out, mode, ctx->term_width);
	sqlite3_reset (st);
	sqlite3_clear_bindings (st);
	if (rc != SQLITE_DONE)
		return wb_fail_case (ctx, wb_case_fail_db (ctx->cs, "cannot read artifacts"));
	return wb_finish_output (ctx, WB_EXIT_OK);
}
