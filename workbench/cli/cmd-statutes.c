#include <getopt.h>
#include "wb.h"
#include "statute.h"

/* Statute S's provisions: for people a heading and each provision with its
 * words; for machines one row a provision. */
static void
provisions (wb_ctx_t *ctx, wb_mode_t mode, const wb_statute_t *s)
{
	FILE *out = ctx->out;
	if (mode == WB_MODE_TEXT) {
		fprintf (out, "%s  %s\n%s\n", s->id, s->citation, s->title ? s->title : "");
		fprintf (out, "Effective %s; limitations %d year%s; %d provisions\n\n", s->effective,
			 s->limitations_years, s->limitations_years == 1 ? "" : "s", s->provisions->len);
		for (guint i = 0; i < s->provisions->len; i++) {
			wb_provision_t *p = s->provisions->pdata[i];
			fprintf (out, "%-8s %-22s check: %s\n", p->id, p->label, p->check);
			char *w = wb_text_safe (p->text ? p->text : "");
			fprintf (out, "         %s\n", w);
			g_free (w);
			if (p->note) {
				char *n = wb_text_safe (p->note);
				fprintf (out, "         note: %s\n", n);
				g_free (n);
			}
			if (i + 1 < s->provisions->len)
				fputc ('\n', out);
		}
		return;
	}
	wb_table_t *t = wb_table_new (out, mode, ctx->term_width);
	static const char *const cols[] = { "statute", "provision", "label", "check", "text", "note" };
	for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
		wb_table_column (t, cols[i], WB_COL_TEXT);
	for (guint i = 0; i < s->provisions->len; i++) {
		wb_provision_t *p = s->provisions->pdata[i];
		wb_table_text (t, s->id);
		wb_table_text (t, p->id);
		wb_table_text (t, p->label);
		wb_table_text (t, p->check);
		wb_table_text (t, p->text);
		wb_table_text (t, p->note);
	}
	wb_table_end (t);
}

const wb_option_t wb_options_statutes[] = {
	WB_STRING ('s', "statutes", "DIR", "Read the statute files (.ini) from DIR instead of "
		   "those installed in the case"),
	WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON),
	WB_OPTIONS_END
};

/* 'statutes CASE [ID] [--statutes DIR]': the statute files in force, or
 * one statute's provisions. */
int
wb_cmd_statutes (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *dir = NULL, *format = NULL;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_statutes)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'F': format = optarg; break;
		default: return wb_usage_error ("statutes", "bad option");
		}
	}
	if (optind + 1 < argc)
		return wb_usage_error ("statutes", "unexpected argument '%s'", argv[optind + 1]);
	const char *one = optind < argc ? argv[optind] : NULL;
	wb_mode_t mode = WB_MODE_TEXT;
	if (format && !wb_parse_mode (format, &mode))
		return WB_EXIT_USAGE;
	if (!format)
		wb_ctx_mode (ctx, NULL, WB_MODE_TEXT, &mode);
	wb_statute_set_t *set = NULL;
	wb_status_t st = wb_statutes_for (ctx->cs, dir, &set);
	if (st)
		return wb_fail_case (ctx, st);
	if (one) {
		wb_statute_t *s = wb_statute_set_find (set, one);
		int rc = WB_EXIT_OK;
		if (!s) {
			wb_error ("unknown statute '%s'", one);
			wb_hint ("'workbench statutes %s' lists the statute ids", ctx->case_path);
			rc = WB_EXIT_USAGE;
		} else
			provisions (ctx, mode, s);
		wb_statute_set_free (set);
		return rc;
	}
	if (mode == WB_MODE_TEXT) {
		if (set->installed)
			fprintf (ctx->out, "Statute set: stored in the case (%s)\n", set->digest);
		else if (dir)
			fprintf (ctx->out, "Statute set: edited copy in '%s' (%s)\n", dir, set->digest);
		else
			fprintf (ctx->out, "Statute set: built-in, read-only: the case holds no statute files (%s)\n",
				 set->digest);
	}
	wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
	static const char *const cols[] = { "id", "citation", "jurisdiction", "effective",
		"limitations_years", "provisions", "sha256", "source" };
	for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
		wb_table_column (t, cols[i], i == 4 || i == 5 ? WB_COL_INT : WB_COL_TEXT);
	for (guint i = 0; i < set->statutes->len; i++) {
		wb_statute_t *s = set->statutes->pdata[i];
		wb_table_text (t, s->id);
		wb_table_text (t, s->citation);
		wb_table_text (t, s->jurisdiction);
		wb_table_text (t, s->effective);
		wb_table_int (t, s->limitations_years);
		wb_table_int (t, s->provisions->len);
		wb_table_text (t, s->sha256);
		wb_table_text (t, set->installed ? "case" : s->origin);
	}
	wb_table_end (t);
	wb_statute_set_free (set);
	return WB_EXIT_OK;
}
