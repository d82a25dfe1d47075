#include <getopt.h>
#include <string.h>
#include "attrib-cmd.h"

static const char *const roles[] = { "sender", "affiliate", "advertiser", "other", NULL };

const wb_option_t wb_options_parties[] = {
	WB_ENUM ('r', "role", roles, "Only parties with this role"),
	WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON),
	WB_OPTIONS_END
};

/* 'parties CASE [--role R]': the roster and the parties found in evidence. */
int
wb_cmd_parties (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *format = NULL, *role = NULL;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_parties)) != -1) {
		if (c == 'F')
			format = optarg;
		else if (c == 'r')
			role = optarg;
		else
			return wb_usage_error ("parties", "bad option");
	}
	if (optind < argc)
		return wb_usage_error ("parties", "unexpected argument '%s'", argv[optind]);
	wb_mode_t mode;
	if (!wb_ctx_mode (ctx, format, WB_MODE_TEXT, &mode))
		return WB_EXIT_USAGE;
	sqlite3_stmt *st = wb_case_stmt (ctx->cs,
		"SELECT p.id, p.name, p.role, CASE p.derived WHEN 1 THEN 'evidence' ELSE 'roster' END AS origin,"
		" p.source,"
		" (SELECT count(DISTINCT message) FROM message_parties mp WHERE mp.party = p.id) AS messages,"
		" (SELECT count(*) FROM links l WHERE (l.party_a = p.id OR l.party_b = p.id)"
		"   AND l.strength <> 'none' AND coalesce(l.review, '') <> 'rejected') AS links,"
		" (SELECT cluster FROM cluster_members cm WHERE cm.party = p.id) AS cluster"
		" FROM parties p WHERE ?1 IS NULL OR p.role = ?1 ORDER BY p.id");
	if (!st)
		return wb_fail_case (ctx, WB_ERR_DB);
	sqlite3_bind_text (st, 1, role, -1, SQLITE_TRANSIENT);
	int rc = wb_attrib_print (ctx, st, mode, "ittttiii");
	return wb_finish_output (ctx, rc);
}
