#include "wb.h"
#include "import.h"

/* 'import CASE KIND FILE.csv': one dispatcher, one importer per kind. */
static const struct {
	const char *kind;
	int (*fn) (wb_ctx_t *ctx, const char *path);
} importers[] = {
	{ "traps", wb_import_traps },
	{ "parties", wb_import_parties },
	{ "findings", wb_import_findings },
};

int
wb_cmd_import (wb_ctx_t *ctx, int argc, char **argv)
{
	if (argc != 3)
		return wb_usage_error ("import", "give what to import and the CSV file");
	for (gsize i = 0; i < G_N_ELEMENTS (importers); i++)
		if (g_strcmp0 (argv[1], importers[i].kind) == 0)
			return importers[i].fn (ctx, argv[2]);
	return wb_usage_error ("import", "cannot import '%s' (traps, parties or findings)", argv[1]);
}
