/* Placeholder: replaced when this part lands.  Delete this file then. */
#include "wb.h"
#include "import.h"
int wb_cmd_link (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_cmd_parties (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_cmd_links (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_cmd_clusters (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_cmd_explain (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_cmd_review (wb_ctx_t *ctx, int argc, char **argv) { wb_error ("not available yet"); return 1; }
int wb_import_parties (wb_ctx_t *ctx, const char *path) { wb_error ("not available yet"); return 1; }
