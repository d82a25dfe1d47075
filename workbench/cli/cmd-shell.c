#include <getopt.h>
#include "wb.h"

const wb_option_t wb_options_shell[] = {
	WB_FLAG ('b', "bail", "Stop a script read from standard input at its first error, "
		 "with its status (as .bail on)"),
	WB_FLAG ('w', "write", "Fail unless the case can be opened for writing (without it, "
		 "a read-only case opens read-only and writing commands say why)"),
	WB_OPTIONS_END
};

/* 'workbench shell CASE [--bail] [--write]': the session itself is in
 * shell.c.  main() opens the case for writing when the file allows it;
 * --write insists on that. */
int
wb_cmd_shell (wb_ctx_t *ctx, int argc, char **argv)
{
	gboolean bail = FALSE, write = FALSE;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_shell)) != -1) {
		if (c == 'b')
			bail = TRUE;
		else if (c == 'w')
			write = TRUE;
		else
			return wb_usage_error ("shell", "bad option");
	}
	if (optind != argc)
		return wb_usage_error ("shell", "unexpected argument '%s'", argv[optind]);
	if (write && !wb_case_writable (ctx->cs)) {
		wb_error ("case '%s' is read-only", ctx->case_path);
		return WB_EXIT_FAIL;
	}
	char *sargv[] = { argv[0], bail ? (char *) "--bail" : NULL, NULL };
	return wb_shell_main (ctx, bail ? 2 : 1, sargv);
}
