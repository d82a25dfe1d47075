#include <getopt.h>
#include <string.h>
#include "wb.h"

const char *const wb_artifact_kinds[] = { "email", "phone", "url", "domain", "postal", "ip",
					  "affiliate_id", NULL };

const wb_option_t wb_options_artifacts[] = {
	WB_ENUM ('k', "kind", wb_artifact_kinds, "Only contact data of this kind"),
	WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON),
	WB_OPTIONS_END
};

/* 'artifacts CASE [--kind K]': each normalized value with the number of
 * copies it was found in and the number of distinct senders (From
 * addresses) of those copies. */
int
wb_cmd_artifacts (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *format = NULL, *kind = NULL;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_artifacts)) != -1) {
		if (c == 'F')
			format = optarg;
		else if (c == 'k')
			kind = optarg;
		else
			return wb_usage_error ("artifacts", "bad option");
	}
	if (optind < argc)
		return wb_usage_error ("artifacts", "unexpected argument '%s'", argv[optind]);
	wb_mode_t mode;
	if (!wb_ctx_mode (ctx, format, WB_MODE_TEXT, &mode))
		return WB_EXIT_USAGE;
	sqlite3_stmt *st = wb_case_stmt (ctx->cs,
		"SELECT v.kind, v.value, count(*) AS copies,"
		" count(DISTINCT lower(m.from_addr)) AS senders"
		" FROM artifact_values v JOIN artifact_copies c ON c.value = v.id"
		" JOIN messages m ON m.id = c.message"
		" WHERE ?1 IS NULL OR v.kind = ?1"
		" GROUP BY v.id ORDER BY v.kind, copies DESC, v.value");
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
