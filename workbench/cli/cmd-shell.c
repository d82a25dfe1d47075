#include <getopt.h>
#include "wb.h"

/* 'workbench shell CASE [--bail] [--write]': the session itself is in
 * shell.c.  main() opens the case for writing when the file allows it;
 * --write insists on that. */
int
wb_cmd_shell (wb_ctx_t *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bail", no_argument, NULL, 'b' },
		{ "write", no_argument, NULL, 'w' },
		{ NULL }
	};
	gboolean bail = FALSE, write = FALSE;
	int c;
	while ((c = wb_getopt_long (argc, argv, "", opts, NULL)) != -1) {
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
