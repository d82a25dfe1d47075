#include <getopt.h>
#include <string.h>
#include "wb.h"
#include "rules.h"

const wb_option_t wb_options_finding[] = {
	WB_STRING ('n', "note", "TEXT", "Why: kept with the finding, shown by why and in the "
		   "exhibits"),
	WB_STRING ('t', "trap", "ADDR", "Only the copies in this trap, when COPY is a "
		   "Message-ID several traps received"),
	WB_OPTIONS_END
};

/* 'finding CASE MESSAGE STATUTE PROVISION violation|no-violation': one
 * analyst finding, for every copy the message names (or the trap's). */
int
wb_cmd_finding (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *note = NULL, *trap = NULL;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_finding)) != -1) {
		switch (c) {
		case 'n': note = optarg; break;
		case 't': trap = optarg; break;
		default: return wb_usage_error ("finding", "bad option");
		}
	}
	if (argc - optind != 4)
		return wb_usage_error ("finding", "give MESSAGE STATUTE PROVISION and violation or no-violation");
	const char *msg = argv[optind], *statute = argv[optind + 1], *prov = argv[optind + 2],
		   *finding = argv[optind + 3];
	if (strcmp (finding, "violation") != 0 && strcmp (finding, "no-violation") != 0)
		return wb_usage_error ("finding", "'%s' is not violation or no-violation", finding);
	if (trap && !wb_check_value (ctx, "trap", trap, NULL,
				     "SELECT address FROM traps ORDER BY address", TRUE))
		return WB_EXIT_USAGE;

	wb_statute_set_t *set = NULL;
	wb_status_t st = wb_statutes_load_case (ctx->cs, &set);
	int64_t run = 0, n = 0;
	if (st)
		return wb_fail_case (ctx, st);
	if ((st = wb_case_run_begin (ctx->cs, "finding", ctx->command_line, &run)))
		goto fail;
	if ((st = wb_case_begin (ctx->cs)))
		goto fail;
	st = wb_finding_record (ctx->cs, set, run, msg, trap, statute, prov, finding, note,
				"finding command", &n);
	if (st) {
		wb_case_rollback (ctx->cs);
		goto fail;
	}
	if ((st = wb_case_commit (ctx->cs)))
		goto fail;
	char *detail = g_strdup_printf ("%lld copies", (long long) n);
	st = wb_case_run_end (ctx->cs, run, detail);
	g_free (detail);
	if (st)
		goto fail;
	fprintf (ctx->out, "Recorded %s of %s %s for %lld %s\n", finding, statute, prov, (long long) n,
		 n == 1 ? "copy" : "copies");
	wb_statute_set_free (set);
	return WB_EXIT_OK;
fail:
	wb_statute_set_free (set);
	if (run)
		wb_case_run_end (ctx->cs, run, "failed");
	return wb_fail_case (ctx, st);
}
