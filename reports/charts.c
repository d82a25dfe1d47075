/* Charts drawn with Cairo, text laid out with Pango.  Each chart draws
 * itself into an area of points, so the same code makes the 300 dpi PNG,
 * the SVG, the PDF and the pages of report.pdf. */
#include <math.h>
#include <string.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include "report-private.h"

#define FONT "DejaVu Sans"

static const double palette[][3] = {
	{ 0.12, 0.47, 0.71 }, { 1.00, 0.50, 0.05 }, { 0.17, 0.63, 0.17 }, { 0.84, 0.15, 0.16 },
	{ 0.58, 0.40, 0.74 }, { 0.55, 0.34, 0.29 }, { 0.89, 0.47, 0.76 }, { 0.50, 0.50, 0.50 },
};

/* A layout whose metrics do not depend on the surface (no hinting), so the
 * PNG, the SVG and the PDF place every label at the same spot. */
PangoLayout *
wb_report_layout (cairo_t *cr, const char *text, double size, gboolean bold, double width,
		  size_t max_chars)
{
	PangoLayout *l = pango_cairo_create_layout (cr);
	/* No hinting: glyph positions then do not depend on the surface, so
	 * the PNG, SVG and PDF of a chart set text alike. */
	cairo_font_options_t *fo = cairo_font_options_create ();
	cairo_font_options_set_hint_metrics (fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style (fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias (fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options (pango_layout_get_context (l), fo);
	cairo_font_options_destroy (fo);
	pango_layout_context_changed (l);
	PangoFontDescription *fd = pango_font_description_from_string (FONT);
	pango_font_description_set_absolute_size (fd, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight (fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description (l, fd);
	pango_font_description_free (fd);
	if (width > 0) {
		pango_layout_set_width (l, (int) (width * PANGO_SCALE));
		pango_layout_set_wrap (l, PANGO_WRAP_WORD_CHAR);
	}
	char *safe = wb_report_cell_text (text ? text : "", max_chars);
	pango_layout_set_text (l, safe, -1);
	g_free (safe);
	return l;
}

static PangoLayout *
layout (cairo_t *cr, const char *text, double size, gboolean bold)
{
	return wb_report_layout (cr, text, size, bold, 0, 400);
}

double
wb_chart_text_width (cairo_t *cr, const char *text, double size, gboolean bold)
{
	PangoLayout *l = layout (cr, text, size, bold);
	int w, h;
	pango_layout_get_size (l, &w, &h);
	g_object_unref (l);
	return (double) w / PANGO_SCALE;
}

/* Draw TEXT with its anchor (AX, AY in 0..1 of its box) at X, Y; a MAXW > 0
 * ellipsizes it to that width.  Returns the width drawn. */
double
wb_chart_text (cairo_t *cr, double x, double y, const char *text, double size, gboolean bold,
	       double ax, double ay, double maxw)
{
	PangoLayout *l = layout (cr, text, size, bold);
	if (maxw > 0) {
		pango_layout_set_width (l, (int) (maxw * PANGO_SCALE));
		/* Cut in the middle: names that share a prefix stay apart. */
		pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_MIDDLE);
	}
	PangoRectangle ink, log;
	pango_layout_get_extents (l, &ink, &log);
	double w = (double) log.width / PANGO_SCALE, h = (double) log.height / PANGO_SCALE;
	cairo_move_to (cr, x - ax * w, y - ay * h);
	pango_cairo_show_layout (cr, l);
	g_object_unref (l);
	return w;
}

/* A round step for about N ticks up to MAX. */
static double
nice_step (double max, int n)
{
	if (max <= 0)
		return 1;
	double raw = max / n, p = pow (10, floor (log10 (raw))), f = raw / p;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

static void
title (cairo_t *cr, double w, const char *t, const char *sub)
{
	cairo_set_source_rgb (cr, 0, 0, 0);
	wb_chart_text (cr, w / 2, 12, t, 16, TRUE, 0.5, 0, w - 40);
	if (sub) {
		cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
		wb_chart_text (cr, w / 2, 34, sub, 10, FALSE, 0.5, 0, w - 40);
	}
}

static void
background (cairo_t *cr, double w, double h)
{
	cairo_set_source_rgb (cr, 1, 1, 1);
	cairo_rectangle (cr, 0, 0, w, h);
	cairo_fill (cr);
}

static void
no_data (cairo_t *cr, double w, double h, const char *msg)
{
	cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
	wb_chart_text (cr, w / 2, h / 2, msg, 12, FALSE, 0.5, 0.5, w - 80);
}

static char *
fmt_int (double v)
{
	char b[32];
	g_snprintf (b, sizeof b, "%.0f", v);
	GString *o = g_string_new ("");
	size_t n = strlen (b);
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0 && b[i - 1] != '-')
			g_string_append_c (o, ',');
		g_string_append_c (o, b[i]);
	}
	return g_string_free (o, FALSE);
}

/* The value axis of a horizontal bar chart, with grid lines. */
static void
x_value_axis (cairo_t *cr, double x0, double x1, double y0, double y1, double max, const char *name,
	      double *scale)
{
	double step = nice_step (max, 5);
	if (step < 1)
		step = 1;
	double top = ceil (max / step) * step;
	if (top <= 0)
		top = step;
	*scale = (x1 - x0) / top;
	for (double v = 0; v <= top + step / 2; v += step) {
		double x = x0 + (x1 - x0) * v / top;
		cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
		cairo_set_line_width (cr, 0.5);
		cairo_move_to (cr, x, y0);
		cairo_line_to (cr, x, y1);
		cairo_stroke (cr);
		char *t = fmt_int (v);
		cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
		wb_chart_text (cr, x, y1 + 4, t, 10, FALSE, 0.5, 0, 0);
		g_free (t);
	}
	cairo_set_source_rgb (cr, 0, 0, 0);
	wb_chart_text (cr, (x0 + x1) / 2, y1 + 20, name, 10, TRUE, 0.5, 0, 0);
}

typedef struct { const char *label; double v; char *shown; } bar_t;

/* Horizontal bars in the area from OX, W wide: labels left, values right. */
static void
hbars (cairo_t *cr, double ox, double w, double h, bar_t *bars, int n, const char *axis, const char *cat_axis)
{
	double labw = 0;
	for (int i = 0; i < n; i++)
		labw = MAX (labw, wb_chart_text_width (cr, bars[i].label, 10, FALSE));
	labw = MIN (labw, w * 0.38);
	double vw = 0;
	for (int i = 0; i < n; i++)
		vw = MAX (vw, wb_chart_text_width (cr, bars[i].shown, 10, FALSE));
	double x0 = ox + 30 + labw + 8, x1 = ox + w - MAX (vw + 12, 30), y0 = 60, y1 = h - 50, max = 0;
	for (int i = 0; i < n; i++)
		max = MAX (max, bars[i].v);
	double scale;
	x_value_axis (cr, x0, x1, y0, y1, max, axis, &scale);
	double band = (y1 - y0) / MAX (n, 1), bh = MIN (band * 0.7, 28);
	for (int i = 0; i < n; i++) {
		double y = y0 + band * i + (band - bh) / 2;
		cairo_set_source_rgb (cr, palette[0][0], palette[0][1], palette[0][2]);
		cairo_rectangle (cr, x0, y, MAX (bars[i].v * scale, 0.5), bh);
		cairo_fill (cr);
		cairo_set_source_rgb (cr, 0, 0, 0);
		wb_chart_text (cr, x0 - 6, y + bh / 2, bars[i].label, 10, FALSE, 1, 0.5, labw);
		wb_chart_text (cr, x0 + bars[i].v * scale + 4, y + bh / 2, bars[i].shown, 10, FALSE, 0, 0.5, 0);
	}
	cairo_set_source_rgb (cr, 0, 0, 0);
	cairo_set_line_width (cr, 1);
	cairo_move_to (cr, x0, y0);
	cairo_line_to (cr, x0, y1);
	cairo_line_to (cr, x1, y1);
	cairo_stroke (cr);
	cairo_save (cr);
	cairo_translate (cr, ox + 14, (y0 + y1) / 2);
	cairo_rotate (cr, -G_PI / 2);
	wb_chart_text (cr, 0, 0, cat_axis, 10, TRUE, 0.5, 0.5, 0);
	cairo_restore (cr);
}

static void
count_panel (cairo_t *cr, double ox, double w, double h, GPtrArray *counts, const char *title_text,
	     const char *cat, const char *empty)
{
	cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
	wb_chart_text (cr, ox + w / 2, 44, title_text, 11, TRUE, 0.5, 0, w - 20);
	guint n = counts->len;
	if (!n) {
		cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
		wb_chart_text (cr, ox + w / 2, h / 2, empty, 10, FALSE, 0.5, 0.5, w - 40);
		return;
	}
	bar_t *bars = g_new0 (bar_t, n);
	for (guint i = 0; i < n; i++) {
		wb_rcount_t *c = g_ptr_array_index (counts, i);
		bars[i].label = c->key;
		bars[i].v = c->n;
		bars[i].shown = fmt_int (c->n);
	}
	hbars (cr, ox, w, h, bars, n, "Counted copies", cat);
	for (guint i = 0; i < n; i++)
		g_free (bars[i].shown);
	g_free (bars);
}

static void
chart_senders (wb_report_t *r, cairo_t *cr, double w, double h)
{
	background (cr, w, h);
	/* Nothing counted: the panels say so, and "the 0 with the most" would
	 * say nothing. */
	char *sub = !r->senders->len && !r->advertisers->len ? NULL
		: g_strdup_printf ("Senders: the %u with the most counted copies, of %" G_GINT64_FORMAT
				   "; advertisers: the %u with the most", r->senders->len, r->n_senders,
				   r->advertisers->len);
	title (cr, w, "Top senders and advertisers by counted copies", sub);
	g_free (sub);
	count_panel (cr, 0, w / 2, h, r->senders, "Senders (From address)", "Sender", "No counted copies");
	count_panel (cr, w / 2, w / 2, h, r->advertisers, "Advertisers (attributed by 'link')", "Advertiser",
		     r->has_attrib ? "No copy is attributed to an advertiser" : "No attribution in the case");
	cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
	cairo_set_line_width (cr, 0.6);
	cairo_move_to (cr, w / 2, 60);
	cairo_line_to (cr, w / 2, h - 20);
	cairo_stroke (cr);
}

static gboolean
parse_day (const char *s, GDate *d)
{
	int y, m, dd;
	g_date_clear (d, 1);
	if (!s || sscanf (s, "%4d-%2d-%2d", &y, &m, &dd) != 3 || !g_date_valid_dmy (dd, m, y))
		return FALSE;
	g_date_set_dmy (d, dd, m, y);
	return TRUE;
}

#define MAX_SERIES 6

/* A filled rectangle for series S: its palette colour, outlined, and a
 * hatching of its own (none, /, \\, -, |, x) that greyscale keeps. */
static void
swatch (cairo_t *cr, double x, double y, double w, double h, int s)
{
	const double *c = palette[s % G_N_ELEMENTS (palette)];
	cairo_save (cr);
	cairo_rectangle (cr, x, y, w, h);
	cairo_set_source_rgb (cr, c[0], c[1], c[2]);
	cairo_fill_preserve (cr);
	cairo_set_source_rgb (cr, 0, 0, 0);
	cairo_set_line_width (cr, 0.6);
	cairo_stroke_preserve (cr);
	cairo_clip (cr);
	cairo_set_source_rgb (cr, 1, 1, 1);
	cairo_set_line_width (cr, 1.2);
	int kind = s % 6;
	for (double t = -h - w; kind && t < w + h; t += 5) {
		switch (kind) {
		case 1: cairo_move_to (cr, x + t, y + h); cairo_line_to (cr, x + t + h, y); break;
		case 2: cairo_move_to (cr, x + t, y); cairo_line_to (cr, x + t + h, y + h); break;
		case 3: if (t >= 0 && t <= h) { cairo_move_to (cr, x, y + t); cairo_line_to (cr, x + w, y + t); } break;
		case 4: if (t >= 0 && t <= w) { cairo_move_to (cr, x + t, y); cairo_line_to (cr, x + t, y + h); } break;
		case 5:
			cairo_move_to (cr, x + t, y + h); cairo_line_to (cr, x + t + h, y);
			cairo_move_to (cr, x + t, y); cairo_line_to (cr, x + t + h, y + h);
			break;
		}
	}
	cairo_stroke (cr);
	cairo_restore (cr);
}

static void
chart_timeline (wb_report_t *r, cairo_t *cr, double w, double h)
{
	background (cr, w, h);
	title (cr, w, "Counted copies per day, by trap account", "Day of receipt in each trap's time zone");
	GDate first, last, d;
	gboolean any = FALSE;
	for (guint i = 0; i < r->day_copies->len; i++) {
		wb_rcount_t *c = g_ptr_array_index (r->day_copies, i);
		if (!parse_day (c->key, &d))
			continue;
		if (!any || g_date_compare (&d, &first) < 0)
			first = d;
		if (!any || g_date_compare (&d, &last) > 0)
			last = d;
		any = TRUE;
	}
	if (!any) {
		no_data (cr, w, h, "No counted copies with a day of receipt");
		return;
	}
	int ndays = g_date_days_between (&first, &last) + 1;
	int nser = MIN ((int) r->traps->len, MAX_SERIES);
	gboolean other = r->traps->len > MAX_SERIES;
	int nlines = nser + (other ? 1 : 0);
	double *val = g_new0 (double, (size_t) ndays * nlines);
	double max = 0;
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, r->trap_day);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		char **kv = g_strsplit (k, "\t", 2);
		if (kv[0] && kv[1] && parse_day (kv[1], &d)) {
			int s = nlines - 1;
			for (int i = 0; i < nser; i++)
				if (!strcmp (g_ptr_array_index (r->traps, i), kv[0]))
					s = i;
			int di = g_date_days_between (&first, &d);
			val[(size_t) s * ndays + di] += *(int64_t *) v;
		}
		g_strfreev (kv);
	}
	for (int i = 0; i < ndays * nlines; i++)
		max = MAX (max, val[i]);

	/* Legend on the right: its width sets the plot's right edge. */
	double legw = 0;
	for (int s = 0; s < nlines; s++)
		legw = MAX (legw, wb_chart_text_width (cr, s < nser ? g_ptr_array_index (r->traps, s) : "other traps", 10, FALSE));
	legw = MIN (legw, 170) + 26;
	double x0 = 70, x1 = w - legw - 36, y0 = 60, y1 = h - 62;
	double step = nice_step (max, 5);
	if (step < 1)
		step = 1;
	double top = MAX (ceil (max / step) * step, step);
	for (double t = 0; t <= top + step / 2; t += step) {
		double y = y1 - (y1 - y0) * t / top;
		cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
		cairo_set_line_width (cr, 0.5);
		cairo_move_to (cr, x0, y);
		cairo_line_to (cr, x1, y);
		cairo_stroke (cr);
		char *s = fmt_int (t);
		cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
		wb_chart_text (cr, x0 - 5, y, s, 10, FALSE, 1, 0.5, 0);
		g_free (s);
	}
	/* Day positions: the centre of each day's slot. */
	double slot = (x1 - x0) / ndays;
	double labw = wb_chart_text_width (cr, "0000-00-00", 10, FALSE) + 10;
	int every = MAX (1, (int) ceil (labw / slot));
	static const int nice_every[] = { 1, 2, 7, 14, 28, 56, 91, 182, 364, 728 };
	for (size_t i = 0; i < G_N_ELEMENTS (nice_every); i++)
		if (nice_every[i] >= every) {
			every = nice_every[i];
			break;
		}
	for (int di = 0; di < ndays; di += every) {
		GDate dd = first;
		g_date_add_days (&dd, di);
		char b[16];
		g_date_strftime (b, sizeof b, "%Y-%m-%d", &dd);
		double x = x0 + slot * (di + 0.5);
		cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
		cairo_set_line_width (cr, 0.8);
		cairo_move_to (cr, x, y1);
		cairo_line_to (cr, x, y1 + 4);
		cairo_stroke (cr);
		wb_chart_text (cr, x, y1 + 6, b, 10, FALSE, 0.5, 0, 0);
	}
	/* Daily bars, one per trap side by side in each day's slot, a trap
	 * with no copy that day at zero (a tick on the axis); each trap's fill
	 * has a hatching of its own, so the series stay apart in greyscale. */
	double bw = slot * 0.8 / nlines;
	for (int s = 0; s < nlines; s++) {
		for (int di = 0; di < ndays; di++) {
			double v = val[(size_t) s * ndays + di];
			double x = x0 + slot * di + slot * 0.1 + bw * s, y = y1 - (y1 - y0) * v / top;
			if (v > 0)
				swatch (cr, x, y, bw, y1 - y, s);
			else {
				cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
				cairo_set_line_width (cr, 0.8);
				cairo_move_to (cr, x, y1 - 1);
				cairo_line_to (cr, x + bw, y1 - 1);
				cairo_stroke (cr);
			}
		}
		double ly = y0 + 6 + s * 18;
		swatch (cr, x1 + 20, ly - 6, 14, 12, s);
		cairo_set_source_rgb (cr, 0, 0, 0);
		wb_chart_text (cr, x1 + 40, ly, s < nser ? g_ptr_array_index (r->traps, s) : "other traps", 10, FALSE,
			       0, 0.5, legw - 26);
	}
	if (other) {
		char *note = g_strdup_printf ("The %d traps with the most counted copies; the other %u together.",
					      nser, r->traps->len - nser);
		cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
		wb_chart_text (cr, x1 + 20, y0 + 6 + nlines * 18 + 8, note, 10, FALSE, 0, 0.5, legw);
		g_free (note);
	}
	cairo_set_source_rgb (cr, 0, 0, 0);
	cairo_set_line_width (cr, 1);
	cairo_move_to (cr, x0, y0);
	cairo_line_to (cr, x0, y1);
	cairo_line_to (cr, x1, y1);
	cairo_stroke (cr);
	wb_chart_text (cr, (x0 + x1) / 2, y1 + 24, "Day of receipt", 10, TRUE, 0.5, 0, 0);
	cairo_save (cr);
	cairo_translate (cr, 16, (y0 + y1) / 2);
	cairo_rotate (cr, -G_PI / 2);
	wb_chart_text (cr, 0, 0, "Copies", 10, TRUE, 0.5, 0.5, 0);
	cairo_restore (cr);
	g_free (val);
}

#define MAX_NODES 30

/* A role's node: its palette colour and a shape of its own (circle,
 * square, diamond, triangle), so greyscale keeps the roles apart. */
static void
role_mark (cairo_t *cr, double x, double y, const char *role)
{
	int k = !g_strcmp0 (role, "sender") ? 0 : !g_strcmp0 (role, "affiliate") ? 1
		: !g_strcmp0 (role, "advertiser") ? 2 : 3;
	static const int colour[] = { 0, 2, 3, 7 };
	const double *c = palette[colour[k]];
	cairo_new_path (cr);
	switch (k) {
	case 0: cairo_arc (cr, x, y, 5, 0, 2 * G_PI); break;
	case 1: cairo_rectangle (cr, x - 4.5, y - 4.5, 9, 9); break;
	case 2:
		cairo_move_to (cr, x, y - 6.5); cairo_line_to (cr, x + 6.5, y);
		cairo_line_to (cr, x, y + 6.5); cairo_line_to (cr, x - 6.5, y);
		cairo_close_path (cr);
		break;
	default:
		cairo_move_to (cr, x, y - 6); cairo_line_to (cr, x + 5.5, y + 4);
		cairo_line_to (cr, x - 5.5, y + 4);
		cairo_close_path (cr);
		break;
	}
	cairo_set_source_rgb (cr, c[0], c[1], c[2]);
	cairo_fill_preserve (cr);
	cairo_set_source_rgb (cr, 0, 0, 0);
	cairo_set_line_width (cr, 0.7);
	cairo_set_dash (cr, NULL, 0, 0);
	cairo_stroke (cr);
}

/* A link's line: strong solid and thick, moderate dashed, weak dotted, a
 * link of no strength a faint hairline; the pattern, not the colour, tells
 * them apart in greyscale. */
static void
link_style (cairo_t *cr, const char *strength)
{
	static const double dash_m[] = { 6, 3 }, dash_w[] = { 1, 3 }, dash_n[] = { 1, 5 };
	cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
	if (!g_strcmp0 (strength, "strong")) {
		cairo_set_source_rgb (cr, 0.1, 0.15, 0.3);
		cairo_set_line_width (cr, 2.6);
		cairo_set_dash (cr, NULL, 0, 0);
	} else if (!g_strcmp0 (strength, "moderate")) {
		cairo_set_source_rgb (cr, 0.2, 0.25, 0.4);
		cairo_set_line_width (cr, 1.5);
		cairo_set_dash (cr, dash_m, 2, 0);
	} else if (!g_strcmp0 (strength, "weak")) {
		cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
		cairo_set_line_width (cr, 1.2);
		cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
		cairo_set_dash (cr, dash_w, 2, 0);
	} else {
		cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
		cairo_set_line_width (cr, 0.5);
		cairo_set_dash (cr, dash_n, 2, 0);
	}
}

typedef struct {
	gint64 id, cluster, anchor;
	char *name, *role;
	gboolean derived, right;
	double x, y, ux, uy, best, lh, ly;
	int slot;
} gnode_t;

typedef struct { gint64 a, b; double score; char *strength; } glink_t;

/* A label's box on the chart. */
typedef struct { double x0, y0, x1, y1; } box_t;

static gboolean
box_clear (const box_t *b, const box_t *placed, int np, const gnode_t *const *nodes, int nn)
{
	for (int i = 0; i < np; i++)
		if (b->x0 < placed[i].x1 + 1 && placed[i].x0 < b->x1 + 1 && b->y0 < placed[i].y1 + 1
		    && placed[i].y0 < b->y1 + 1)
			return FALSE;
	/* A node's mark is at most 6.5 from its centre. */
	for (int i = 0; i < nn; i++) {
		double dx = MAX (MAX (b->x0 - nodes[i]->x, 0), nodes[i]->x - b->x1);
		double dy = MAX (MAX (b->y0 - nodes[i]->y, 0), nodes[i]->y - b->y1);
		if (dx * dx + dy * dy < 8.5 * 8.5)
			return FALSE;
	}
	return TRUE;
}

/* Each link's score, on the link, in a white box: at the middle when it
 * is clear of the nodes and of the labels placed before it, else at the
 * point nearest the middle that is.  A link with no such point (short
 * chords between close neighbours on a crowded arc) goes without: a label
 * over another would be read as the wrong one's; the Attribution table
 * has every score.  The strongest links are placed first. */
static void
score_labels (cairo_t *cr, GPtrArray *drawn, gnode_t **ends, const gnode_t *const *nodes, int nn)
{
	/* From the middle out, both ways, to 0.1 of the link from a node. */
	double at[41];
	for (int i = 0; i < 41; i++)
		at[i] = 0.5 + (i % 2 ? 1 : -1) * 0.02 * ((i + 1) / 2);
	box_t *placed = g_new (box_t, drawn->len);
	int np = 0;
	for (int k = (int) drawn->len - 1; k >= 0; k--) {
		const glink_t *l = g_ptr_array_index (drawn, k);
		const gnode_t *na = ends[2 * k], *nb = ends[2 * k + 1];
		char t[32];
		g_snprintf (t, sizeof t, "%.2f", l->score);
		double tw = wb_chart_text_width (cr, t, 10, FALSE), bw = tw + 3, bh = 12;
		box_t best = { 0 };
		gboolean found = FALSE;
		for (size_t i = 0; i < G_N_ELEMENTS (at) && !found; i++) {
			double x = na->x + (nb->x - na->x) * at[i], y = na->y + (nb->y - na->y) * at[i];
			best = (box_t) { x - bw / 2, y - bh / 2, x + bw / 2, y + bh / 2 };
			found = box_clear (&best, placed, np, nodes, nn);
		}
		if (!found)
			continue;
		placed[np++] = best;
		cairo_set_dash (cr, NULL, 0, 0);
		cairo_set_source_rgb (cr, 1, 1, 1);
		cairo_rectangle (cr, best.x0, best.y0, bw, bh);
		cairo_fill_preserve (cr);
		cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
		cairo_set_line_width (cr, 0.4);
		cairo_stroke (cr);
		cairo_set_source_rgb (cr, 0, 0, 0);
		wb_chart_text (cr, (best.x0 + best.x1) / 2, (best.y0 + best.y1) / 2, t, 10, FALSE, 0.5, 0.5, 0);
	}
	g_free (placed);
}

static gint64
group_key (const gnode_t *n)
{
	/* Clusters in their order; a party in no cluster (weak links only)
	 * is a group of its own, after them. */
	return n->cluster > 0 ? n->cluster : ((gint64) 1 << 40) + n->id;
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int
node_cmp (const void *pa, const void *pb)
{
	const gnode_t *a = pa, *b = pb;
	int c = CMP (group_key (a), group_key (b));
	if (!c)
		c = CMP (a->anchor, b->anchor);
	if (!c)
		c = CMP (a->derived, b->derived);
	return c ? c : CMP (a->id, b->id);
}

static int
label_cmp (const void *pa, const void *pb)
{
	const gnode_t *a = *(gnode_t *const *) pa, *b = *(gnode_t *const *) pb;
	int c = CMP (a->y, b->y);
	return c ? c : CMP (a->id, b->id);
}

/* Stack the labels of one side of the circle so none overlaps the next:
 * each as near its node's height as the others allow, all between TOP
 * and BOTTOM. */
static void
stack_labels (gnode_t **side, int m, double top, double bottom)
{
	qsort (side, m, sizeof *side, label_cmp);
	for (int i = 0; i < m; i++) {
		side[i]->ly = side[i]->y - side[i]->lh / 2;
		if (i)
			side[i]->ly = MAX (side[i]->ly, side[i - 1]->ly + side[i - 1]->lh + 1);
		side[i]->ly = MAX (side[i]->ly, top);
	}
	for (int i = m - 1; i >= 0; i--) {
		if (i == m - 1)
			side[i]->ly = MIN (side[i]->ly, bottom - side[i]->lh);
		else
			side[i]->ly = MIN (side[i]->ly, side[i + 1]->ly - side[i]->lh - 1);
	}
}

static void
chart_attribution (wb_report_t *r, cairo_t *cr, double w, double h)
{
	background (cr, w, h);
	sqlite3 *db = wb_case_db (r->cs);
	int64_t nparties = 0;
	if (r->has_attrib) {
		sqlite3_stmt *c;
		if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM (SELECT party_a FROM links"
					" UNION SELECT party_b FROM links)", -1, &c, NULL) == SQLITE_OK) {
			if (sqlite3_step (c) == SQLITE_ROW)
				nparties = sqlite3_column_int64 (c, 0);
			sqlite3_finalize (c);
		}
	}
	char *sub = nparties > MAX_NODES
		? g_strdup_printf ("The %d parties with the strongest links, of %" G_GINT64_FORMAT " (all are on the"
				   " Attribution sheet); each cluster on an arc of its own; the figure on a link is its"
				   " score (where there is room)", MAX_NODES, nparties)
		: g_strdup ("Each cluster on an arc of its own, derived parties beside their roster party;"
			    " the figure on a link is its score (where there is room)");
	title (cr, w, "Attribution: parties and the links between them", sub);
	g_free (sub);
	gboolean clusters = wb_report_table_exists (r->cs, "cluster_members");
	GArray *nodes = g_array_new (FALSE, TRUE, sizeof (gnode_t));
	GArray *links = g_array_new (FALSE, TRUE, sizeof (glink_t));
	sqlite3_stmt *q = NULL;
	char *sql = g_strdup_printf (
		"SELECT p.id, p.name, coalesce(p.role, ''), p.derived, %s FROM parties p WHERE p.id IN"
		" (SELECT party_a FROM links UNION SELECT party_b FROM links)"
		" ORDER BY (SELECT max(score) FROM links WHERE party_a = p.id OR party_b = p.id) DESC, p.id"
		" LIMIT " G_STRINGIFY (MAX_NODES),
		clusters ? "coalesce((SELECT min(cluster) FROM cluster_members WHERE party = p.id), 0)" : "0");
	if (r->has_attrib && sqlite3_prepare_v2 (db, sql, -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step (q) == SQLITE_ROW) {
			gnode_t nd = { 0 };
			nd.id = sqlite3_column_int64 (q, 0);
			nd.name = g_strdup ((const char *) sqlite3_column_text (q, 1));
			nd.role = g_strdup ((const char *) sqlite3_column_text (q, 2));
			nd.derived = sqlite3_column_int (q, 3) != 0;
			nd.cluster = sqlite3_column_int64 (q, 4);
			nd.anchor = nd.id;
			g_array_append_val (nodes, nd);
		}
		sqlite3_finalize (q);
		q = NULL;
	}
	g_free (sql);
	guint n = nodes->len;
	if (!n) {
		no_data (cr, w, h, r->has_attrib ? "No links between parties in the case"
			 : "No attribution in the case");
		goto done;
	}
	if (sqlite3_prepare_v2 (db, "SELECT party_a, party_b, coalesce(score, 0), coalesce(strength, '')"
				" FROM links ORDER BY score, id", -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step (q) == SQLITE_ROW) {
			glink_t l = { sqlite3_column_int64 (q, 0), sqlite3_column_int64 (q, 1),
				      sqlite3_column_double (q, 2),
				      g_strdup ((const char *) sqlite3_column_text (q, 3)) };
			g_array_append_val (links, l);
		}
		sqlite3_finalize (q);
	}
	/* A derived party sits beside the roster party of its cluster it is
	 * most strongly linked to (the smaller id on a tie). */
	for (guint i = 0; i < links->len; i++) {
		glink_t *l = &g_array_index (links, glink_t, i);
		for (int side = 0; side < 2; side++) {
			gint64 d = side ? l->b : l->a, o = side ? l->a : l->b;
			gnode_t *dn = NULL, *on = NULL;
			for (guint k = 0; k < n; k++) {
				gnode_t *x = &g_array_index (nodes, gnode_t, k);
				if (x->id == d)
					dn = x;
				if (x->id == o)
					on = x;
			}
			if (!dn || !on || !dn->derived || on->derived || on->cluster != dn->cluster)
				continue;
			if (dn->anchor == dn->id || l->score > dn->best || (l->score == dn->best && o < dn->anchor)) {
				dn->anchor = o;
				dn->best = l->score;
			}
		}
	}
	/* A derived party with no roster party in its cluster goes after the
	 * roster parties of its group. */
	for (guint k = 0; k < n; k++) {
		gnode_t *x = &g_array_index (nodes, gnode_t, k);
		if (x->derived && x->anchor == x->id)
			x->anchor = G_MAXINT64;
	}
	g_array_sort (nodes, node_cmp);
	/* Slots round the circle in that order, one left empty between two
	 * groups: the links of a group are chords of its own arc, and chords
	 * of arcs that do not overlap never cross. */
	int slots = 0;
	for (guint k = 0; k < n; k++) {
		gnode_t *x = &g_array_index (nodes, gnode_t, k);
		if (k && group_key (x) != group_key (&g_array_index (nodes, gnode_t, k - 1)))
			slots++;
		x->slot = slots++;
	}
	if (slots > (int) n)
		slots++;
	double top = 56, bottom = h - 30;
	double rad = MIN (150, (bottom - top) / 2 - 12), cx = w / 2, cy = (top + bottom) / 2;
	double labx = rad + 16, colw = w / 2 - labx - 10;
	gnode_t **left = g_new (gnode_t *, n), **right = g_new (gnode_t *, n);
	int nl = 0, nr = 0;
	for (guint k = 0; k < n; k++) {
		gnode_t *x = &g_array_index (nodes, gnode_t, k);
		double a = -G_PI / 2 + 2 * G_PI * (x->slot + 0.5) / slots;
		x->ux = cos (a);
		x->uy = sin (a);
		x->x = cx + rad * x->ux;
		x->y = cy + rad * x->uy;
		x->right = x->ux >= 0;
		PangoLayout *l = wb_report_layout (cr, x->name, 10, FALSE, colw, 400);
		int lw, lh;
		pango_layout_get_size (l, &lw, &lh);
		x->lh = (double) lh / PANGO_SCALE;
		g_object_unref (l);
		if (x->right)
			right[nr++] = x;
		else
			left[nl++] = x;
	}
	stack_labels (right, nr, top, bottom);
	stack_labels (left, nl, top, bottom);

	GPtrArray *drawn = g_ptr_array_new ();
	GPtrArray *ends = g_ptr_array_new ();
	for (guint i = 0; i < links->len; i++) {
		glink_t *l = &g_array_index (links, glink_t, i);
		gnode_t *na = NULL, *nb = NULL;
		for (guint k = 0; k < n; k++) {
			gnode_t *x = &g_array_index (nodes, gnode_t, k);
			if (x->id == l->a)
				na = x;
			if (x->id == l->b)
				nb = x;
		}
		if (!na || !nb)
			continue;
		link_style (cr, l->strength);
		cairo_move_to (cr, na->x, na->y);
		cairo_line_to (cr, nb->x, nb->y);
		cairo_stroke (cr);
		g_ptr_array_add (drawn, l);
		g_ptr_array_add (ends, na);
		g_ptr_array_add (ends, nb);
	}
	cairo_set_dash (cr, NULL, 0, 0);
	cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
	for (guint k = 0; k < n; k++) {
		gnode_t *x = &g_array_index (nodes, gnode_t, k);
		/* The label starts outside the circle at the height of its line
		 * nearest the centre, with a leader from the node. */
		double near = x->ly + x->lh < cy ? x->ly + x->lh : x->ly > cy ? x->ly : cy;
		double dy = near - cy, reach = rad + 10;
		double off = dy * dy < reach * reach ? sqrt (reach * reach - dy * dy) : 0;
		double lx = x->right ? cx + MAX (off, 4) + 4 : cx - MAX (off, 4) - 4;
		double ey = x->ly + MIN (x->lh, 12) / 2;
		cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
		cairo_set_line_width (cr, 0.5);
		cairo_move_to (cr, x->x + x->ux * 7, x->y + x->uy * 7);
		cairo_line_to (cr, lx + (x->right ? -2 : 2), ey);
		cairo_stroke (cr);
		role_mark (cr, x->x, x->y, x->role);
		double lw = x->right ? MIN (w - 8 - lx, colw + labx - off) : MIN (lx - 8, colw + labx - off);
		lw = MAX (lw, colw);
		PangoLayout *l = wb_report_layout (cr, x->name, 10, FALSE, lw, 400);
		pango_layout_set_alignment (l, x->right ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
		cairo_set_source_rgb (cr, 0, 0, 0);
		cairo_move_to (cr, x->right ? lx : lx - lw, x->ly);
		pango_cairo_show_layout (cr, l);
		g_object_unref (l);
	}
	{
		gnode_t **all = g_new (gnode_t *, n);
		for (guint k = 0; k < n; k++)
			all[k] = &g_array_index (nodes, gnode_t, k);
		score_labels (cr, drawn, (gnode_t **) ends->pdata, (const gnode_t *const *) all, (int) n);
		g_free (all);
	}
	g_ptr_array_free (drawn, TRUE);
	g_ptr_array_free (ends, TRUE);
	/* The legend, one row along the foot. */
	{
		static const char *const st[] = { "strong", "moderate", "weak" };
		static const char *const rl[] = { "sender", "affiliate", "advertiser", "other" };
		double ly = h - 12, lx = 20;
		cairo_set_source_rgb (cr, 0, 0, 0);
		lx += wb_chart_text (cr, lx, ly, "Link:", 10, TRUE, 0, 0.5, 0) + 8;
		for (size_t i = 0; i < G_N_ELEMENTS (st); i++) {
			link_style (cr, st[i]);
			cairo_move_to (cr, lx, ly);
			cairo_line_to (cr, lx + 32, ly);
			cairo_stroke (cr);
			cairo_set_dash (cr, NULL, 0, 0);
			cairo_set_source_rgb (cr, 0, 0, 0);
			lx += 36 + wb_chart_text (cr, lx + 36, ly, st[i], 10, FALSE, 0, 0.5, 0) + 14;
		}
		lx += 16;
		lx += wb_chart_text (cr, lx, ly, "Role:", 10, TRUE, 0, 0.5, 0) + 12;
		for (size_t i = 0; i < G_N_ELEMENTS (rl); i++) {
			role_mark (cr, lx, ly, rl[i]);
			cairo_set_source_rgb (cr, 0, 0, 0);
			lx += 10 + wb_chart_text (cr, lx + 10, ly, rl[i], 10, FALSE, 0, 0.5, 0) + 14;
		}
	}
	g_free (left);
	g_free (right);
done:
	for (guint k = 0; k < nodes->len; k++) {
		g_free (g_array_index (nodes, gnode_t, k).name);
		g_free (g_array_index (nodes, gnode_t, k).role);
	}
	for (guint i = 0; i < links->len; i++)
		g_free (g_array_index (links, glink_t, i).strength);
	g_array_free (nodes, TRUE);
	g_array_free (links, TRUE);
}

const wb_chart_t wb_report_charts[] = {
	{ "timeline", "Counted copies per day, by trap account", chart_timeline },
	{ "senders", "Top senders by counted copies", chart_senders },
	{ "attribution", "Attribution graph", chart_attribution },
	{ NULL, NULL, NULL }
};

/* PNG chunks carry a CRC-32 (ISO 3309); the pHYs chunk that records 300
 * dpi is added after cairo writes the image. */
static guint32
crc32_png (const guchar *p, size_t n)
{
	guint32 c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

static cairo_status_t
to_bytes (void *closure, const unsigned char *data, unsigned int len)
{
	g_byte_array_append (closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void
put32 (guchar *p, guint32 v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* Cairo numbers SVG surfaces with a counter that lives as long as the
 * process; number them from 1 in order of appearance, so the same chart
 * gives the same bytes however many were drawn before it. */
static gboolean
renumber_cb (const GMatchInfo *mi, GString *res, gpointer data)
{
	GHashTable *map = data;
	char *num = g_match_info_fetch (mi, 1);
	gpointer v = g_hash_table_lookup (map, num);
	if (!v) {
		v = GUINT_TO_POINTER (g_hash_table_size (map) + 1);
		g_hash_table_insert (map, num, v);
	} else
		g_free (num);
	g_string_append_printf (res, "surface%u", GPOINTER_TO_UINT (v));
	return FALSE;
}

static char *
renumber_svg (GByteArray *svg)
{
	char *text = g_strndup ((const char *) svg->data, svg->len);
	GRegex *re = g_regex_new ("surface([0-9]+)", 0, 0, NULL);
	GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	char *out = g_regex_replace_eval (re, text, -1, 0, 0, renumber_cb, map, NULL);
	g_hash_table_destroy (map);
	g_regex_unref (re);
	g_free (text);
	return out;
}

wb_status_t
wb_report_chart_file (wb_report_t *r, const wb_chart_t *c, const char *ext, const char *path)
{
	double w = WB_CHART_W, h = WB_CHART_H;
	cairo_surface_t *sf;
	GByteArray *svg = NULL;
	gboolean png = !strcmp (ext, "png");
	if (png)
		sf = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (w * 300 / 72), (int) (h * 300 / 72));
	else if (!strcmp (ext, "svg"))
		sf = cairo_svg_surface_create_for_stream (to_bytes, svg = g_byte_array_new (), w, h);
	else {
		sf = cairo_pdf_surface_create (path, w, h);
		cairo_pdf_surface_set_metadata (sf, CAIRO_PDF_METADATA_TITLE, c->title);
		cairo_pdf_surface_set_metadata (sf, CAIRO_PDF_METADATA_CREATOR, "workbench " WB_VERSION);
		cairo_pdf_surface_set_metadata (sf, CAIRO_PDF_METADATA_CREATE_DATE, r->pdf_date);
		cairo_pdf_surface_set_metadata (sf, CAIRO_PDF_METADATA_MOD_DATE, r->pdf_date);
	}
	cairo_t *cr = cairo_create (sf);
	if (png)
		cairo_scale (cr, 300.0 / 72, 300.0 / 72);
	c->draw (r, cr, w, h);
	cairo_show_page (cr);
	cairo_destroy (cr);
	wb_status_t st = WB_OK;
	if (png) {
		GByteArray *b = g_byte_array_new ();
		cairo_status_t cs = cairo_surface_write_to_png_stream (sf, to_bytes, b);
		if (cs == CAIRO_STATUS_SUCCESS && b->len > 33) {
			/* signature (8) + IHDR (25), then pHYs: 300 dpi = 11811 px/m. */
			guchar ph[21];
			put32 (ph, 9);
			memcpy (ph + 4, "pHYs", 4);
			put32 (ph + 8, 11811);
			put32 (ph + 12, 11811);
			ph[16] = 1;
			put32 (ph + 17, crc32_png (ph + 4, 13));
			GByteArray *o = g_byte_array_sized_new (b->len + sizeof ph);
			g_byte_array_append (o, b->data, 33);
			g_byte_array_append (o, ph, sizeof ph);
			g_byte_array_append (o, b->data + 33, b->len - 33);
			GError *err = NULL;
			gboolean ok = g_file_set_contents (path, (const char *) o->data, o->len, &err);
			g_byte_array_free (o, TRUE);
			if (!ok) {
				st = wb_case_fail (r->cs, WB_ERR_IO, "cannot write '%s': %s", path, err->message);
				g_error_free (err);
			}
		} else
			st = wb_case_fail (r->cs, WB_ERR_IO, "cannot write '%s': %s", path, cairo_status_to_string (cs));
		g_byte_array_free (b, TRUE);
	}
	cairo_surface_finish (sf);
	if (!st && cairo_surface_status (sf) != CAIRO_STATUS_SUCCESS)
		st = wb_case_fail (r->cs, WB_ERR_IO, "cannot write '%s': %s", path,
				   wb_report_write_error (cairo_surface_status (sf)));
	cairo_surface_destroy (sf);
	if (svg) {
		if (!st) {
			char *text = renumber_svg (svg);
			GError *err = NULL;
			if (!g_file_set_contents (path, text, -1, &err)) {
				st = wb_case_fail (r->cs, WB_ERR_IO, "cannot write '%s': %s", path, err->message);
				g_error_free (err);
			}
			g_free (text);
		}
		g_byte_array_free (svg, TRUE);
	}
	return st;
}
