#include <getopt.h>
#include "attrib-cmd.h"

/* 'clusters CASE': groups of parties joined by moderate or stronger (or
 * confirmed) links, rejected links left out; one row per member. */
int
wb_cmd_clusters (wb_ctx_t *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ NULL }
	};
	const char *format = NULL;
	int c;
	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		if (c == 'F')
			format = optarg;
		else
			return wb_usage_error ("clusters", "bad option");
	}
	if (optind < argc)
		return wb_usage_error ("clusters", "unexpected argument '%s'", argv[optind]);
	wb_mode_t mode = wb_ctx_mode (ctx, format, WB_MODE_TEXT);
	sqlite3_stmt *st = wb_case_stmt (ctx->cs,
		"SELECT c.id AS cluster, c.size, p.id AS party, p.name, p.role,"
		" CASE p.derived WHEN 1 THEN 'evidence' ELSE 'roster' END AS origin"
		" FROM clusters c JOIN cluster_members m ON m.cluster = c.id"
		" JOIN parties p ON p.id = m.party ORDER BY c.id, p.id");
	if (!st)
		return wb_fail_case (ctx, WB_ERR_DB);
	int rc = wb_attrib_print (ctx, st, mode, "iiittt");
	return wb_finish_output (ctx, rc);
}
