/* exhibits.xlsx: a sheet for each content section (sections.h), after
 * the others: the same tables as report.pdf, every row, numbers as
 * numbers.  Amounts are the engine's, in dollars to the cent. */
#include <string.h>
#include <xlsxwriter.h>
#include "report-private.h"

#define MAX_W 70.0

void
wb_report_xlsx_sheets (wb_report_t *r, lxw_workbook *wb)
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
		if (!t->sheet)
			continue;
		lxw_worksheet *ws = workbook_add_worksheet (wb, t->sheet);
		if (!ws)
			continue;
		double width[32] = { 0 };
		int n = MIN (t->ncols, 32);
		worksheet_set_row (ws, 0, 45, NULL);
		for (int c = 0; c < n; c++) {
			worksheet_write_string (ws, 0, c, t->cols[c], hdr);
			width[c] = MAX (10, strlen (t->cols[c]) / 2.0 + 2);
		}
		for (guint k = 0; k < t->rows->len; k++) {
			char **row = g_ptr_array_index (t->rows, k);
			lxw_row_t y = (lxw_row_t) k + 1;
			long lines = 1;
			for (int c = 0; c < n; c++) {
				const char *v = row[c] ? row[c] : "";
				char kind = t->kinds[c];
				if ((kind == 'n' || kind == 'm') && *v) {
					int64_t x = g_ascii_strtoll (v, NULL, 10);
					worksheet_write_number (ws, y, c, kind == 'm' ? (double) x / 100.0 : (double) x,
								kind == 'm' ? money : num);
					width[c] = MAX (width[c], strlen (v) * 1.3 + 3);
				} else {
					char *s = wb_report_cell_text (v, WB_XLSX_MAX_CELL);
					gboolean long_text = kind == 'w' || kind == 'c' || t->prose;
					worksheet_write_string (ws, y, c, s, long_text ? wrap : text);
					double w = g_utf8_strlen (s, -1) + 2;
					if (long_text && w > MAX_W) {
						lines = MAX (lines, (long) (w / MAX_W) + 1);
						w = MAX_W;
					}
					width[c] = MAX (width[c], w);
					g_free (s);
				}
			}
			if (lines > 1)
				worksheet_set_row (ws, y, MIN (15.0 * lines, 409), NULL);
		}
		double total = 0;
		for (int c = 0; c < n; c++) {
			worksheet_set_column (ws, c, c, MIN (width[c], MAX_W), NULL);
			total += MIN (width[c], MAX_W);
		}
		worksheet_freeze_panes (ws, 1, 0);
		worksheet_autofilter (ws, 0, 0, t->rows->len ? t->rows->len : 1, n - 1);
		worksheet_set_landscape (ws);
		worksheet_set_paper (ws, 1);
		worksheet_set_margins (ws, 0.5, 0.5, 0.6, 0.6);
		/* One page wide only where the columns fit at a legible size
		 * (about 180 characters across a landscape letter page at 8 pt). */
		if (total <= 180)
			worksheet_fit_to_pages (ws, 1, 0);
		worksheet_repeat_rows (ws, 0, 0);
		worksheet_set_footer (ws, "&Lexhibits.xlsx: &A&RPage &P of &N");
	}
}
