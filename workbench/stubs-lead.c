/* Placeholder: replaced when the lead's part lands.  Delete this file then. */
#include "wb.h"
#include "import.h"
int wb_cmd_messages (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_import_traps (wb_ctx_t *ctx, const char *path) { wb_error ("not available yet"); return 1; }
