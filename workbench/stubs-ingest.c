/* Placeholder: replaced when this part lands.  Delete this file then. */
#include "wb.h"
#include "import.h"
int wb_cmd_ingest (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_cmd_verify (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
