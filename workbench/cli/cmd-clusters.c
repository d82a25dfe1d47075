#include <getopt.h>
#include "attrib-cmd.h"

/* 'clusters CASE': groups of parties joined by moderate or stronger (or
 * confirmed) links, rejected links left out; one row per member. */
int
wb_cmd_clusters (wb_ctx_t *ctx, int argc, char **argv)
{
	wb_mode_t mode;
	int rc = wb_getopt_format (ctx, argc, argv, wb_options_format, WB_MODE_TEXT, &mode);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return wb_usage_error ("clusters", "unexpected argument '%s'", argv[optind]);
	if (!wb_attrib_require_link (ctx, "clusters"))
		return WB_EXIT_FAIL;
	sqlite3_stmt *st = wb_case_stmt (ctx->cs,
		"SELECT c.id AS cluster, c.size, p.id AS party, p.name, p.role,"
		" CASE p.derived WHEN 1 THEN 'evidence' ELSE 'roster' END AS origin"
		" FROM clusters c JOIN cluster_members m ON m.cluster = c.id"
		" JOIN parties p ON p.id = m.party ORDER BY c.id, p.id");
	if (!st)
		return wb_fail_case (ctx, WB_ERR_DB);
	rc = wb_attrib_print (ctx, st, mode, "iiittt");
	return wb_finish_output (ctx, rc);
}
