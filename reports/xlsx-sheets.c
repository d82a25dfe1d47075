/* exhibits.xlsx: a sheet for each content section (sections.h), after
 * the others: the same tables as report.pdf, every row, numbers as
 * numbers.  Amounts are the engine's, in dollars to the cent. */
#include <string.h>
#include <xlsxwriter.h>
#include "report-private.h"

/* Column widths (characters): text wraps past these, so that a sheet is
 * as narrow as its content allows. */
#define MAX_TEXT 32.0
#define MAX_LONG 60.0
/* A landscape letter page holds about this many characters of column
 * width at 100 % (measured on LibreOffice's print); a sheet is fitted to
 * the page's width only when that keeps the print at 8 pt or more (the
 * default 11 pt x 0.75), else printed at 75 % across pages, its first
 * column repeated. */
#define PAGE_W 100.0

void
wb_report_xlsx_sheets (wb_report_t *r, lxw_workbook *wb, gboolean (*own) (void *ctx, const char *sheet),
		       void *ctx)
{
	if (!r->sec)
		return;
	lxw_format *hdr = workbook_add_format (wb);
	format_set_bold (hdr);
	format_set_bg_color (hdr, 0xDDE4EE);
	format_set_bottom (hdr, LXW_BORDER_THIN);
	format_set_text_wrap (hdr);
	format_set_align (hdr, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *num = workbook_add_format (wb);
	format_set_num_format (num, "#,##0");
	format_set_align (num, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *money = workbook_add_format (wb);
	format_set_num_format (money, "$#,##0.00");
	format_set_align (money, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *text = workbook_add_format (wb);
	format_set_align (text, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *wrap = workbook_add_format (wb);
	format_set_text_wrap (wrap);
	format_set_align (wrap, LXW_ALIGN_VERTICAL_TOP);
	for (guint i = 0; i < r->sec->tables->len; i++) {
		const wb_rtable_t *t = g_ptr_array_index (r->sec->tables, i);
		if (!t->sheet || (own && own (ctx, t->sheet)))
			continue;
		lxw_worksheet *ws = workbook_add_worksheet (wb, t->sheet);
		if (!ws)
			continue;
		double width[32] = { 0 };
		int n = MIN (t->ncols, 32);
		/* Widths first (constant_memory mode writes each row once): a
		 * column is as wide as the longest word of its title, its
		 * numbers, and its text up to a cap past which the text wraps. */
		for (int c = 0; c < n; c++) {
			char **words = g_strsplit (t->cols[c], " ", -1);
			for (char **w = words; *w; w++)
				width[c] = MAX (width[c], g_utf8_strlen (*w, -1) + 3);
			g_strfreev (words);
			width[c] = MAX (width[c], 8);
		}
		for (guint k = 0; k < t->rows->len; k++) {
			char **row = g_ptr_array_index (t->rows, k);
			for (int c = 0; c < n; c++) {
				const char *v = row[c] ? row[c] : "";
				char kind = t->kinds[c];
				double cap = kind == 'w' || kind == 'c' || t->prose ? MAX_LONG : MAX_TEXT;
				if ((kind == 'n' || kind == 'm') && (g_ascii_isdigit (*v) || *v == '-'))
					width[c] = MAX (width[c], strlen (v) * 1.3 + 3);
				else
					width[c] = MAX (width[c], MIN (g_utf8_strlen (v, -1) + 2, cap));
			}
		}
		double total = 0;
		long hlines = 1;
		for (int c = 0; c < n; c++) {
			worksheet_set_column (ws, c, c, width[c], NULL);
			total += width[c];
			hlines = MAX (hlines, (long) (g_utf8_strlen (t->cols[c], -1) * 1.2 / width[c]) + 1);
		}
		worksheet_set_row (ws, 0, 15.0 * hlines, NULL);
		for (int c = 0; c < n; c++)
			worksheet_write_string (ws, 0, c, t->cols[c], hdr);
		for (guint k = 0; k < t->rows->len; k++) {
			char **row = g_ptr_array_index (t->rows, k);
			lxw_row_t y = (lxw_row_t) k + 1;
			long lines = 1;
			for (int c = 0; c < n; c++) {
				const char *v = row[c] ? row[c] : "";
				if ((t->kinds[c] == 'n' || t->kinds[c] == 'm') && (g_ascii_isdigit (*v) || *v == '-'))
					continue;
				lines = MAX (lines, (long) (g_utf8_strlen (v, -1) * 1.15 / width[c]) + 1);
			}
			if (lines > 1)
				worksheet_set_row (ws, y, MIN (15.0 * lines, 409), NULL);
			for (int c = 0; c < n; c++) {
				const char *v = row[c] ? row[c] : "";
				char kind = t->kinds[c];
				if ((kind == 'n' || kind == 'm') && (g_ascii_isdigit (*v) || *v == '-')) {
					int64_t x = g_ascii_strtoll (v, NULL, 10);
					worksheet_write_number (ws, y, c, kind == 'm' ? (double) x / 100.0 : (double) x,
								kind == 'm' ? money : num);
				} else {
					char *s = wb_report_cell_text (v, WB_XLSX_MAX_CELL);
					worksheet_write_string (ws, y, c, s, g_utf8_strlen (s, -1) + 2 > width[c] ? wrap : text);
					g_free (s);
				}
			}
		}
		/* The scenarios are the engine run again with other options: no
		 * formula could give them, and the sheet says so under the
		 * table, with the alternatives that change nothing. */
		if (strcmp (t->sheet, "Scenarios") == 0) {
			/* Merged across the table and wrapped, so that the
			 * text does not run past it (and shrink the print). */
			char *notes[] = {
				g_strdup ("Note: each figure above is the damages engine's own result "
					  "('workbench damages --format json' with the options the row names), written "
					  "as a value: it does not recalculate when an amount on the Statutes sheet "
					  "changes."),
				t->after ? wb_report_cell_text (t->after, WB_XLSX_MAX_CELL) : NULL
			};
			lxw_row_t y = (lxw_row_t) t->rows->len + 2;
			for (int k = 0; k < 2 && notes[k]; k++, y++) {
				long l = (long) (g_utf8_strlen (notes[k], -1) * 1.15 / MAX (total, 1)) + 1;
				worksheet_set_row (ws, y, MIN (15.0 * l, 409), NULL);
				if (n > 1)
					worksheet_merge_range (ws, y, 0, y, n - 1, notes[k], wrap);
				else
					worksheet_write_string (ws, y, 0, notes[k], wrap);
			}
			g_free (notes[0]);
			g_free (notes[1]);
		}
		worksheet_freeze_panes (ws, 1, 0);
		worksheet_autofilter (ws, 0, 0, t->rows->len ? t->rows->len : 1, n - 1);
		worksheet_set_landscape (ws);
		worksheet_set_paper (ws, 1);
		worksheet_set_margins (ws, 0.5, 0.5, 0.6, 0.6);
		if (total <= PAGE_W / 0.75)
			worksheet_fit_to_pages (ws, 1, 0);
		else {
			worksheet_set_print_scale (ws, 75);
			worksheet_repeat_columns (ws, 0, 0);
		}
		worksheet_repeat_rows (ws, 0, 0);
		worksheet_set_footer (ws, "&Lexhibits.xlsx: &A&RPage &P of &N");
	}
}
