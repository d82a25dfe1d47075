#include <getopt.h>
#include <string.h>
#include "wb.h"

/* 'case CASE' shows the case's metadata; 'case CASE set KEY=VALUE...' sets
 * some of it, all or nothing, in one custody run that says each change
 * old -> new.  The filing date decides the limitations period, so it must
 * be a real day; an empty value ("court=") unsets a key. */

static const char *const KEYS[] = { "name", "filed", "court", "number", "caption", "expert",
				    "raw_codec", NULL };
static const char KEY_LIST[] = "name, filed, court, number, caption, expert, raw_codec";
/* KEYS' index of raw_codec: how ingest stores the bytes of the copies it
 * adds from now on (zstd or none; the copies stored keep their own). */
#define RAW_CODEC 6

/* VALUE quoted for the custody row and the user: "(not set)" for NULL. */
static char *
shown (const char *value)
{
	if (!value)
		return g_strdup ("(not set)");
	char *safe = wb_text_safe (value);
	char *s = g_strdup_printf ("'%s'", safe);
	g_free (safe);
	return s;
}

static int
case_show (wb_ctx_t *ctx, wb_mode_t mode)
{
	if (mode == WB_MODE_JSON) {
		/* One object, as summary's: unset keys are null. */
		GString *j = g_string_new ("{");
		for (int i = 0; KEYS[i]; i++) {
			char *v = wb_case_info (ctx->cs, KEYS[i]);
			g_string_append (j, i ? ", " : "");
			wb_json_string (j, KEYS[i]);
			g_string_append (j, ": ");
			if (v)
				wb_json_string (j, v);
			else
				g_string_append (j, "null");
			g_free (v);
		}
		g_string_append (j, "}\n");
		fputs (j->str, ctx->out);
		g_string_free (j, TRUE);
		return WB_EXIT_OK;
	}
	wb_table_t *t = wb_table_new (ctx->out, mode == WB_MODE_TEXT ? WB_MODE_LINE : mode,
				      ctx->term_width);
	for (int i = 0; KEYS[i]; i++)
		wb_table_column (t, KEYS[i], WB_COL_TEXT);
	for (int i = 0; KEYS[i]; i++) {
		char *v = wb_case_info (ctx->cs, KEYS[i]);
		if (v)
			wb_table_text (t, v);
		else
			wb_table_null (t);
		g_free (v);
	}
	wb_table_end (t);
	return WB_EXIT_OK;
}

static int
case_set (wb_ctx_t *ctx, int n, char **pairs)
{
	wb_case_t *cs = ctx->cs;
	if (n == 0)
		return wb_usage_error ("case", "'set' needs KEY=VALUE (keys: %s)", KEY_LIST);
	/* Check every pair before anything is written. */
	const char *val[G_N_ELEMENTS (KEYS)] = { 0 };
	gboolean given[G_N_ELEMENTS (KEYS)] = { 0 };
	for (int i = 0; i < n; i++) {
		const char *eq = strchr (pairs[i], '=');
		if (!eq) {
			wb_error ("'%s' is not KEY=VALUE", pairs[i]);
			wb_hint ("the keys are %s", KEY_LIST);
			return WB_EXIT_USAGE;
		}
		int k;
		for (k = 0; KEYS[k]; k++)
			if ((size_t) (eq - pairs[i]) == strlen (KEYS[k]) &&
			    strncmp (pairs[i], KEYS[k], eq - pairs[i]) == 0)
				break;
		if (!KEYS[k]) {
			char *key = g_strndup (pairs[i], eq - pairs[i]);
			wb_error ("unknown case key '%s'", key);
			wb_hint ("the keys are %s", KEY_LIST);
			g_free (key);
			return WB_EXIT_USAGE;
		}
		if (given[k]) {
			wb_error ("case key '%s' given twice", KEYS[k]);
			return WB_EXIT_USAGE;
		}
		given[k] = TRUE;
		val[k] = eq[1] ? eq + 1 : NULL;
		if (k == 1 && val[k] && !wb_valid_day (val[k])) {
			wb_error ("filed '%s' is not a date (YYYY-MM-DD)", val[k]);
			return WB_EXIT_USAGE;
		}
		wb_raw_codec_t codec;
		if (k == RAW_CODEC && !wb_raw_codec_parse (val[k], &codec)) {
			wb_error ("raw_codec '%s' is not zstd or none", val[k] ? val[k] : "");
			wb_hint ("it says how ingest stores the bytes of the copies it adds; it cannot be unset");
			return WB_EXIT_USAGE;
		}
	}

	GString *detail = g_string_new (NULL);
	GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
	for (int k = 0; KEYS[k]; k++) {
		if (!given[k])
			continue;
		char *was = wb_case_info (cs, KEYS[k]);
		if (g_strcmp0 (was, val[k]) != 0) {
			char *a = shown (was), *b = shown (val[k]);
			char *line = g_strdup_printf ("%s: %s -> %s", KEYS[k], a, b);
			g_string_append_printf (detail, "%s%s", detail->len ? "; " : "", line);
			g_ptr_array_add (lines, line);
			g_free (a);
			g_free (b);
		}
		g_free (was);
	}
	int rc = WB_EXIT_OK;
	if (lines->len == 0) {
		fprintf (ctx->out, "Nothing changed\n");
		goto done;
	}
	int64_t run;
	wb_status_t st;
	if ((st = wb_case_run_begin (cs, "case", ctx->command_line, &run)) ||
	    (st = wb_case_begin (cs))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	for (int k = 0; KEYS[k] && !st; k++)
		if (given[k])
			st = wb_case_set_info (cs, KEYS[k], val[k]);
	if (!st)
		st = wb_case_custody (cs, run, "case", detail->str);
	char *counts = g_strdup_printf ("%u changed", lines->len);
	if (!st)
		st = wb_case_run_end (cs, run, counts);
	g_free (counts);
	if (!st)
		st = wb_case_commit (cs);
	if (st) {
		wb_case_rollback (cs);
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	for (guint i = 0; i < lines->len; i++)
		fprintf (ctx->out, "%s\n", (char *) lines->pdata[i]);
done:
	g_ptr_array_unref (lines);
	g_string_free (detail, TRUE);
	return rc;
}

const wb_option_t wb_options_case[] = {
	WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON),
	WB_OPTIONS_END
};

int
wb_cmd_case (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *format = NULL;
	int c;
	/* '+': KEY=VALUE operands after 'set' are never options. */
	while ((c = wb_options_next (argc, argv, wb_options_case)) != -1) {
		if (c == 'F')
			format = optarg;
		else
			return wb_usage_error ("case", "bad option");
	}
	wb_mode_t mode;
	if (!wb_ctx_mode (ctx, format, WB_MODE_TEXT, &mode))
		return WB_EXIT_USAGE;
	if (optind == argc)
		return case_show (ctx, mode);
	if (strcmp (argv[optind], "set") != 0)
		return wb_usage_error ("case", "unknown action '%s' (only 'set')", argv[optind]);
	if (!wb_case_writable (ctx->cs)) {
		wb_error ("'case set' changes the case, which is open read-only");
		return WB_EXIT_FAIL;
	}
	return case_set (ctx, argc - optind - 1, argv + optind + 1);
}
