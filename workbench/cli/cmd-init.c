#include <getopt.h>
#include <string.h>
#include "wb.h"
#include "statute.h"

static const char *const raw_codecs[] = { "zstd", "none", NULL };

const wb_option_t wb_options_init[] = {
	WB_STRING ('n', "name", "TEXT", "The case's name, as the exhibits' cover shows it "
		   "(People v. Spam Senders)"),
	WB_STRING ('f', "filed", "YYYY-MM-DD",
		   "The day the complaint was filed: limitations periods count back from it.  "
		   "'case CASE set filed=' changes it later"),
	WB_ENUM ('r', "raw-codec", raw_codecs,
		 "How ingest stores each copy's bytes: zstd (the default), as one standard zstd frame "
		 "when that saves a sixteenth or more, checked to give the bytes back, else as they are; "
		 "none, always as they are.  Either way the SHA-256 and size are those of the bytes "
		 "found, and 'show --raw' or 'zstd -d' gives them back exactly"),
	WB_OPTIONS_END
};

int
wb_cmd_init (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *name = NULL, *filed = NULL;
	wb_raw_codec_t codec = WB_RAW_ZSTD;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_init)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'f': filed = optarg; break;
		case 'r':
			if (!wb_raw_codec_parse (optarg, &codec))
				return wb_usage_error ("init", "--raw-codec '%s' is not zstd or none", optarg);
			break;
		default: return wb_usage_error ("init", "bad option");
		}
	}
	if (optind < argc)
		return wb_usage_error ("init", "unexpected argument '%s'", argv[optind]);
	if (filed && !wb_valid_day (filed))
		return wb_usage_error ("init", "--filed '%s' is not a date (YYYY-MM-DD)", filed);

	/* The folder the case goes in must be there: say which one is not,
	 * rather than the lock file that could not be made in it. */
	char *dir = g_path_get_dirname (ctx->case_path);
	gboolean is_dir = g_file_test (dir, G_FILE_TEST_IS_DIR);
	if (!is_dir)
		wb_error ("cannot create case '%s': %s '%s' %s", ctx->case_path, "folder", dir,
			  g_file_test (dir, G_FILE_TEST_EXISTS) ? "is not a folder" : "does not exist");
	g_free (dir);
	if (!is_dir)
		return WB_EXIT_FAIL;

	wb_case_t *cs = NULL;
	char *err = NULL;
	wb_status_t st = wb_case_create (ctx->case_path, name, filed, &cs, &err);
	if (st) {
		wb_error ("cannot create case: %s", err);
		g_free (err);
		return WB_EXIT_FAIL;
	}
	int64_t run;
	wb_case_set_command (cs, "init");
	/* The case carries its law: the built-in statute files are stored in
	 * it with their SHA-256, in the same transaction as the init run. */
	st = wb_case_begin (cs);
	if (!st)
		st = wb_case_run_begin (cs, "init", ctx->command_line, &run);
	if (!st)
		st = wb_case_set_info (cs, "raw_codec", wb_raw_codec_name (codec));
	if (!st)
		st = wb_statutes_install (cs, NULL, run);
	if (!st)
		st = wb_case_run_end (cs, run, NULL);
	if (!st)
		st = wb_case_commit (cs);
	else
		wb_case_rollback (cs);
	if (st) {
		wb_error ("%s", wb_case_errmsg (cs));
		wb_case_free (cs);
		return WB_EXIT_FAIL;
	}
	wb_case_free (cs);
	fprintf (ctx->out, "Created case '%s'%s%s%s%s\n", ctx->case_path, name ? " (" : "",
		 name ? name : "", name ? ")" : "", "");
	return WB_EXIT_OK;
}
