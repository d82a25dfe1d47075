/* Importers for 'workbench import CASE KIND FILE.csv'.  Each reads the CSV
 * with evidence/csv.h, writes in one transaction with a custody row naming
 * the file and its SHA-256, and leaves the case unchanged on any error. */
#ifndef WB_IMPORT_H
#define WB_IMPORT_H
#include "wb.h"

int wb_import_traps (wb_ctx_t *ctx, const char *path);     /* import-traps.c */
int wb_import_parties (wb_ctx_t *ctx, const char *path);   /* import-parties.c */
int wb_import_findings (wb_ctx_t *ctx, const char *path);  /* import-findings.c */

#endif
