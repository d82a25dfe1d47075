/* workbench/engine/output.c: tables, escaping, money. */
#include <criterion/criterion.h>
#include <stdio.h>
#include "output.h"

static char *
render (wb_mode_t mode, int width, void (*fill) (wb_table_t *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream (&buf, &len);
	wb_table_t *t = wb_table_new (f, mode, width);
	fill (t);
	wb_table_end (t);
	fclose (f);
	return buf;
}

static void
fill_two (wb_table_t *t)
{
	wb_table_column (t, "id", WB_COL_INT);
	wb_table_column (t, "statute", WB_COL_TEXT);
	wb_table_column (t, "subject", WB_COL_TEXT);
	wb_table_int (t, 7);
	wb_table_text (t, "ca-17529.8");
	wb_table_text (t, "A subject line that is much longer than the terminal allows");
}

Test (output, text_fits_width_without_cutting_short_ids)
{
	/* id (2) + 2 + statute (10) + 2 + subject cut to 20 = 36 columns:
	 * only the long column shrinks, to 19 characters and an ellipsis. */
	char *s = render (WB_MODE_TEXT, 36, fill_two);
	cr_assert_str_eq (s, "id  statute     subject\n"
			     "--  ----------  --------------------\n"
			     " 7  ca-17529.8  A subject line that\u2026\n");
	free (s);
}

Test (output, never_cuts_an_identifier_to_fit)
{
	/* 20 columns cannot hold the table: the long text column stops at 16
	 * (15 characters and an ellipsis) and the statute id stays whole; the
	 * line is longer than the terminal and wraps.  (Regression: the id was
	 * cut to "ca-1752…", which reads as another statute.) */
	char *s = render (WB_MODE_TEXT, 20, fill_two);
	cr_assert_str_eq (s, "id  statute     subject\n"
			     "--  ----------  ----------------\n"
			     " 7  ca-17529.8  A subject line \u2026\n");
	free (s);
}

Test (output, csv_and_json)
{
	char *s = render (WB_MODE_CSV, 0, fill_two);
	cr_assert_str_eq (s, "id,statute,subject\n7,ca-17529.8,A subject line that is much longer than the terminal allows\n");
	free (s);
	s = render (WB_MODE_JSON, 0, fill_two);
	cr_assert_str_eq (s, "[\n  {\"id\": 7, \"statute\": \"ca-17529.8\", \"subject\": \"A subject line that is much longer than the terminal allows\"}\n]\n");
	free (s);
}

Test (output, escaping)
{
	GString *g = g_string_new (NULL);
	wb_json_string (g, "a\"b\\c\n\x01\xff");
	cr_assert_str_eq (g->str, "\"a\\\"b\\\\c\\n\\u0001\\ufffd\"");
	/* Bidirectional controls are escaped in JSON too (the same string to
	 * a JSON reader, harmless on a screen); other non-ASCII stays as is. */
	g_string_truncate (g, 0);
	wb_json_string (g, "evil\u202etxt.exe \u2066x\u2069 \u200f \u061c caf\u00e9");
	cr_assert_str_eq (g->str, "\"evil\\u202etxt.exe \\u2066x\\u2069 \\u200f \\u061c caf\u00e9\"");
	g_string_truncate (g, 0);
	wb_csv_field (g, "say \"hi\", then\nleave");
	cr_assert_str_eq (g->str, "\"say \"\"hi\"\", then\nleave\"");
	g_string_free (g, TRUE);
	/* A right-to-left override, an escape and a raw 8-bit byte are shown
	 * escaped, so a name cannot disguise itself on a terminal. */
	char *safe = wb_text_safe ("evil\u202etxt.exe \x1b[31m \xe9");
	cr_assert_str_eq (safe, "evil\\u202etxt.exe \\x1b[31m \\xe9");
	g_free (safe);
	cr_assert_eq (wb_text_width ("\u4e2d\u6587ab"), 6);
}

Test (output, cents)
{
	char buf[32];
	cr_assert_str_eq (wb_format_cents (0, buf), "$0.00");
	cr_assert_str_eq (wb_format_cents (5, buf), "$0.05");
	cr_assert_str_eq (wb_format_cents (123456789, buf), "$1,234,567.89");
	cr_assert_str_eq (wb_format_cents (-2500000, buf), "-$25,000.00");
	cr_assert_str_eq (wb_format_cents (INT64_MIN, buf), "-$92,233,720,368,547,758.08");
}
