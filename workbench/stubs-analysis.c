/* Placeholder: replaced when this part lands.  Delete this file then. */
#include "wb.h"
#include "import.h"
int wb_cmd_show (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_cmd_artifacts (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_cmd_reanalyze (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
