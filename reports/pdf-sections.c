/* report.pdf's content sections: the tables sections.c gathered, drawn
 * with pdf.c's page, paragraph and table, and one exhibit page per sample
 * message. */
#include <string.h>
#include "pdf-sections.h"

/* V with thousands separators, whatever the locale. */
static char *
grouped (const char *v)
{
	const char *digits = v[0] == '-' ? v + 1 : v;
	size_t n = strlen (digits);
	GString *o = g_string_new (v[0] == '-' ? "-" : "");
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			g_string_append_c (o, ',');
		g_string_append_c (o, digits[i]);
	}
	return g_string_free (o, FALSE);
}

static char *
cell (char kind, const char *v)
{
	if (!v || !*v)
		return g_strdup ("");
	if (!g_ascii_isdigit (v[0]) && v[0] != '-')
		return g_strdup (v);
	if (kind == 'n')
		return grouped (v);
	if (kind == 'm') {
		char b[40];
		return g_strdup (wb_report_money (g_ascii_strtoll (v, NULL, 10), b));
	}
	return g_strdup (v);
}

static void
draw_table (wb_pdf_t *p, const wb_rtable_t *t)
{
	const char *titles[16];
	double rel[16];
	char align[17];
	int map[16], n = 0;
	for (int i = 0; i < t->ncols && n < 12; i++) {
		if (t->kinds[i] == 'c')
			continue;
		map[n] = i;
		titles[n] = t->cols[i];
		rel[n] = t->rel[i];
		align[n] = t->kinds[i] == 'n' || t->kinds[i] == 'm' ? 'r' : 'l';
		n++;
	}
	align[n] = 0;
	double size = n > 8 ? 8 : 8.5;
	GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	guint max = t->pdf_max ? MIN (t->pdf_max, t->rows->len) : t->rows->len;
	/* Each column at least as wide as the longest word of its title and
	 * its widest number (hard), so that no word of a title or figure is
	 * broken; text columns would like their longest word too (soft).
	 * What is left goes to the text columns by their relative widths. */
	cairo_t *cr = wb_pdf_cairo (p);
	double hard[16], soft[16], left, width, bottom, sum_hard = 0, sum_soft = 0, sum_rel = 0;
	wb_pdf_frame (&left, &width, &bottom);
	for (int k = 0; k < n; k++) {
		hard[k] = 0;
		char **words = g_strsplit (titles[k], " ", -1);
		for (char **w = words; *w; w++)
			hard[k] = MAX (hard[k], wb_chart_text_width (cr, *w, size, TRUE));
		g_strfreev (words);
		soft[k] = hard[k];
	}
	for (guint r = 0; r < max; r++) {
		char **src = g_ptr_array_index (t->rows, r);
		char **c = g_new0 (char *, n + 1);
		char **above = r ? g_ptr_array_index (t->rows, r - 1) : NULL;
		for (int k = 0; k < n; k++) {
			if (k == 0 && t->pdf_group && above && g_strcmp0 (src[map[0]], above[map[0]]) == 0)
				c[k] = g_strdup ("");
			else
				c[k] = cell (t->kinds[map[k]], src[map[k]]);
			if (align[k] == 'r')
				hard[k] = soft[k] = MAX (hard[k], wb_chart_text_width (cr, c[k], size, FALSE));
			else if (r < 200) {
				char **words = g_strsplit (c[k], " ", -1);
				for (char **w = words; *w; w++) {
					double ww = wb_chart_text_width (cr, *w, size, FALSE);
					soft[k] = MAX (soft[k], MIN (ww, 110));
					/* A short word (a day, a state) is never broken. */
					if (g_utf8_strlen (*w, -1) <= 10)
						hard[k] = MAX (hard[k], ww);
				}
				g_strfreev (words);
			}
		}
		g_ptr_array_add (rows, c);
	}
	gboolean has_text = FALSE;
	for (int k = 0; k < n; k++) {
		has_text |= align[k] == 'l';
		hard[k] += 8;
		soft[k] = MAX (soft[k] + 8, hard[k]);
		sum_hard += hard[k];
		sum_soft += soft[k];
	}
	for (int k = 0; k < n; k++)
		sum_rel += has_text && align[k] == 'r' ? 0 : rel[k];
	if (sum_soft <= width)
		for (int k = 0; k < n; k++)
			rel[k] = soft[k] + (width - sum_soft) * (has_text && align[k] == 'r' ? 0 : rel[k]) / sum_rel;
	else if (sum_hard < width)
		for (int k = 0; k < n; k++)
			rel[k] = hard[k] + (width - sum_hard) * (has_text && align[k] == 'r' ? 0 : rel[k]) / sum_rel;
	else
		for (int k = 0; k < n; k++)
			rel[k] = hard[k];
	/* The caption: the table's own line, or its section's title, and
	 * where the workbook has it in full. */
	const char *what = t->subtitle ? t->subtitle : t->title ? t->title : t->sheet;
	char *cap = t->sheet ? g_strdup_printf ("%s; also the sheet \u201c%s\u201d of exhibits.xlsx", what, t->sheet)
			     : g_strdup (what);
	wb_pdf_table (p, n, titles, rel, align, size, cap, rows);
	g_free (cap);
	g_ptr_array_free (rows, TRUE);
}

/* The height TEXT takes as a paragraph of the frame's width; 0 for none. */
static double
text_height (wb_pdf_t *p, const char *text, double size, gboolean bold)
{
	if (!text || !*text)
		return 0;
	double left, width, bottom;
	wb_pdf_frame (&left, &width, &bottom);
	PangoLayout *l = wb_report_layout (wb_pdf_cairo (p), text, size, bold, width, 4000);
	int w, h;
	pango_layout_get_size (l, &w, &h);
	g_object_unref (l);
	return (double) h / PANGO_SCALE;
}

void
wb_report_pdf_part (wb_report_t *r, wb_pdf_t *p, wb_part_t part)
{
	if (!r->sec)
		return;
	for (guint i = 0; i < r->sec->tables->len; i++) {
		const wb_rtable_t *t = g_ptr_array_index (r->sec->tables, i);
		if (t->part != part)
			continue;
		if (t->title) {
			if (part != WB_PART_METHOD)
				wb_pdf_new_page (p);
			wb_pdf_heading (p, t->title);
		} else {
			*wb_pdf_y (p) += 10;
			/* A subtitle and its intro stay with the table's
			 * caption, header and first rows (up to about 130 pt),
			 * never alone at the foot of a page. */
			wb_pdf_need (p, text_height (p, t->subtitle, 11.5, TRUE) + 3 + text_height (p, t->intro, 10, FALSE)
					   + 8 + (t->prose ? 40 : 130));
		}
		if (t->subtitle)
			wb_pdf_para (p, t->subtitle, 11.5, TRUE, 3);
		if (t->intro && *t->intro)
			wb_pdf_para (p, t->intro, 10, FALSE, 8);
		if (t->prose) {
			for (guint k = 0; k < t->rows->len; k++) {
				char **row = g_ptr_array_index (t->rows, k);
				wb_pdf_need (p, 40);
				wb_pdf_para (p, row[0], 11.5, TRUE, 3);
				wb_pdf_para (p, row[1], 10, FALSE, 10);
			}
		} else if (t->rows->len)
			draw_table (p, t);
		if (t->after && *t->after) {
			*wb_pdf_y (p) += 6;
			wb_pdf_para (p, t->after, 9.5, FALSE, 6);
		}
	}
}

/* TEXT in a monospaced font, line by line across pages: a message's
 * header as received. */
static void
mono (wb_pdf_t *p, const char *text, double size)
{
	double left, width, bottom;
	wb_pdf_frame (&left, &width, &bottom);
	cairo_t *cr = wb_pdf_cairo (p);
	PangoLayout *l = pango_cairo_create_layout (cr);
	PangoFontDescription *fd = pango_font_description_from_string ("DejaVu Sans Mono");
	pango_font_description_set_size (fd, (int) (size * PANGO_SCALE));
	pango_layout_set_font_description (l, fd);
	pango_font_description_free (fd);
	pango_layout_set_width (l, (int) (width * PANGO_SCALE));
	pango_layout_set_wrap (l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text (l, text, -1);
	PangoLayoutIter *it = pango_layout_get_iter (l);
	do {
		PangoLayoutLine *ln = pango_layout_iter_get_line_readonly (it);
		PangoRectangle lr;
		pango_layout_iter_get_line_extents (it, NULL, &lr);
		double lh = (double) lr.height / PANGO_SCALE;
		wb_pdf_need (p, lh);
		double *y = wb_pdf_y (p);
		cairo_set_source_rgb (cr, 0, 0, 0);
		cairo_move_to (cr, left, *y + (double) pango_layout_iter_get_baseline (it) / PANGO_SCALE
			       - (double) lr.y / PANGO_SCALE);
		pango_cairo_show_layout_line (cr, ln);
		*y += lh;
	} while (pango_layout_iter_next_line (it));
	pango_layout_iter_free (it);
	g_object_unref (l);
}

void
wb_report_pdf_samples (wb_report_t *r, wb_pdf_t *p)
{
	if (!r->sec || !r->sec->samples->len)
		return;
	for (guint i = 0; i < r->sec->samples->len; i++) {
		const wb_rsample_t *s = g_ptr_array_index (r->sec->samples, i);
		wb_pdf_new_page (p);
		char *h = g_strdup_printf ("Exhibit: %s", s->title);
		wb_pdf_heading (p, h);
		g_free (h);
		if (i == 0)
			wb_pdf_para (p, wb_report_tpl (r, "sections", "samples", ""), 10, FALSE, 6);
		wb_pdf_para (p, s->about, 9.5, FALSE, 8);
		wb_pdf_para (p, "Header as received", 11.5, TRUE, 3);
		mono (p, s->headers, 8);
		*wb_pdf_y (p) += 10;
		wb_pdf_need (p, 60);
		static const char *const cols[] = { "Hop", "From (HELO)", "Reverse DNS", "IP", "By", "Time", "Notes" };
		static const double rel[] = { 0.5, 1.5, 1.5, 1, 1.5, 1.7, 1.6 };
		char *cap = g_strdup_printf ("Received chain of copy %" G_GINT64_FORMAT, s->copy);
		wb_pdf_table (p, 7, cols, rel, "rllllll", 8, cap, s->hops);
		g_free (cap);
	}
}
