/* workbench upgrade CASE: opening a case for writing upgrades its schema
 * (evidence/case.c, in one transaction with its custody rows); this
 * command does only that, and says what it did. */
#include "wb.h"

int
wb_cmd_upgrade (wb_ctx_t *ctx, int argc, char **argv)
{
	if (argc > 1)
		return wb_usage_error ("upgrade", "unexpected argument '%s'", argv[1]);
	int from = wb_case_upgraded_from (ctx->cs);
	if (from)
		fprintf (ctx->out, "Upgraded '%s' from schema version %d to %d\n", ctx->case_path, from,
			 WB_SCHEMA_VERSION);
	else
		fprintf (ctx->out, "'%s' is current (schema version %d)\n", ctx->case_path,
			 WB_SCHEMA_VERSION);
	/* Only version 1 read copies by rules that changed since. */
	if (from == 1)
		wb_hint ("'workbench verify %s' lists what this version reads differently in the copies"
			 " ingested before", ctx->case_path);
	return WB_EXIT_OK;
}
