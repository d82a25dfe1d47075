/* report.pdf: the written report, on US letter pages, with Cairo's PDF
 * surface and Pango.  Tables repeat their header row on every page they
 * run onto; every page but the cover carries the case and its number. */
#include <string.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include "report-private.h"
#include "pdf-sections.h"

#define PW 612.0
#define PH 792.0
#define M 54.0
#define BOTTOM (PH - 60.0)
#define FONT "DejaVu Sans"

/* A section heading: its title and where it falls. */
typedef struct {
	char *title;
	int page;
	double y;
} head_t;

/* The report is laid out twice: a first pass counts the pages and finds
 * the page of each heading (for "page x of N", the contents and the
 * outline), the second writes the file. */
typedef struct {
	wb_report_t *r;
	cairo_t *cr;
	cairo_surface_t *sf;
	int page;
	double y;
	int pages;                       /* total, from the first pass; 0 in it */
	GArray *heads;                   /* head_t, in order, from the first pass */
	GArray *seen;                    /* head_t of this pass */
	int tables;                      /* tables numbered so far */
	int toc_pages;                   /* pages the contents take (at least 1) */
	int toc_rows;                    /* entries that fit on a contents page */
} doc_t;

static PangoLayout *
mk (doc_t *p, const char *text, double size, gboolean bold, double width)
{
	return wb_report_layout (p->cr, text, size, bold, width, 4000);
}

static double
lheight (PangoLayout *l)
{
	int w, h;
	pango_layout_get_size (l, &w, &h);
	return (double) h / PANGO_SCALE;
}

static void
footer (doc_t *p)
{
	if (p->page > 1) {
		cairo_set_source_rgb (p->cr, 0.35, 0.35, 0.35);
		char *t = g_strdup_printf ("%s  |  report.pdf", p->r->case_name && *p->r->case_name ? p->r->case_name
										   : "(unnamed case)");
		wb_chart_text (p->cr, M, PH - 36, t, 8, FALSE, 0, 0, PW / 2);
		g_free (t);
		t = p->pages ? g_strdup_printf ("Page %d of %d", p->page, p->pages) : g_strdup_printf ("Page %d", p->page);
		wb_chart_text (p->cr, PW - M, PH - 36, t, 8, FALSE, 1, 0, 0);
		g_free (t);
	}
}

static void
new_page (doc_t *p)
{
	if (p->page > 0) {
		footer (p);
		cairo_show_page (p->cr);
	}
	p->page++;
	p->y = M;
}

static void
need (doc_t *p, double h)
{
	if (p->y + h > BOTTOM)
		new_page (p);
}

static void
para (doc_t *p, const char *text, double size, gboolean bold, double gap)
{
	PangoLayout *l = mk (p, text, size, bold, PW - 2 * M);
	double h = lheight (l);
	if (h > BOTTOM - M) {
		/* A paragraph longer than a page: line by line. */
		PangoLayoutIter *it = pango_layout_get_iter (l);
		do {
			PangoLayoutLine *ln = pango_layout_iter_get_line_readonly (it);
			PangoRectangle lr;
			pango_layout_iter_get_line_extents (it, NULL, &lr);
			double lh = (double) lr.height / PANGO_SCALE;
			need (p, lh);
			cairo_set_source_rgb (p->cr, 0, 0, 0);
			cairo_move_to (p->cr, M, p->y + (double) pango_layout_iter_get_baseline (it) / PANGO_SCALE
				       - (double) lr.y / PANGO_SCALE);
			pango_cairo_show_layout_line (p->cr, ln);
			p->y += lh;
		} while (pango_layout_iter_next_line (it));
		pango_layout_iter_free (it);
	} else {
		need (p, h);
		cairo_set_source_rgb (p->cr, 0, 0, 0);
		cairo_move_to (p->cr, M, p->y);
		pango_cairo_show_layout (p->cr, l);
		p->y += h;
	}
	p->y += gap;
	g_object_unref (l);
}

static void
heading (doc_t *p, const char *text)
{
	need (p, 60);
	p->y += 6;
	head_t h = { g_strdup (text), p->page, p->y };
	g_array_append_val (p->seen, h);
	if (p->pages) {
		/* The outline (bookmarks) entry and the destination the
		 * contents page links to. */
		char *dest = g_strdup_printf ("page=%d pos=[%.1f %.1f]", p->page, M, p->y);
		cairo_pdf_surface_add_outline (p->sf, CAIRO_PDF_OUTLINE_ROOT, text, dest, 0);
		g_free (dest);
	}
	para (p, text, 15, TRUE, 4);
	cairo_set_source_rgb (p->cr, 0.2, 0.3, 0.5);
	cairo_set_line_width (p->cr, 1);
	cairo_move_to (p->cr, M, p->y);
	cairo_line_to (p->cr, PW - M, p->y);
	cairo_stroke (p->cr);
	p->y += 8;
}

/* A table: column titles, relative widths, alignment ('l' or 'r'). */
typedef struct {
	doc_t *p;
	int n;
	const char *const *titles;
	double w[12];
	const char *align;
	double size;
} table_t;

static double
row_height (table_t *t, const char *const *cells, gboolean bold)
{
	double h = 0;
	for (int i = 0; i < t->n; i++) {
		PangoLayout *l = mk (t->p, cells[i], t->size, bold, t->w[i] - 6);
		h = MAX (h, lheight (l));
		g_object_unref (l);
	}
	return h + 5;
}

static void
draw_row (table_t *t, const char *const *cells, gboolean head)
{
	doc_t *p = t->p;
	double h = row_height (t, cells, head);
	if (head) {
		cairo_set_source_rgb (p->cr, 0.87, 0.9, 0.94);
		cairo_rectangle (p->cr, M, p->y, PW - 2 * M, h);
		cairo_fill (p->cr);
	}
	double x = M;
	for (int i = 0; i < t->n; i++) {
		PangoLayout *l = mk (p, cells[i], t->size, head, t->w[i] - 6);
		if (t->align[i] == 'r')
			pango_layout_set_alignment (l, PANGO_ALIGN_RIGHT);
		cairo_set_source_rgb (p->cr, 0, 0, 0);
		cairo_move_to (p->cr, x + 3, p->y + 2.5);
		pango_cairo_show_layout (p->cr, l);
		g_object_unref (l);
		x += t->w[i];
	}
	cairo_set_source_rgb (p->cr, 0.75, 0.75, 0.75);
	cairo_set_line_width (p->cr, 0.4);
	cairo_move_to (p->cr, M, p->y + h);
	cairo_line_to (p->cr, PW - M, p->y + h);
	cairo_stroke (p->cr);
	p->y += h;
}

/* A table, numbered in order and captioned above when CAPTION is not NULL
 * ("Table N. CAPTION"), kept on the page of its first rows. */
static void
table_start (table_t *t, doc_t *p, int n, const char *const *titles, const double *rel, const char *align,
	     double size, const char *caption)
{
	double sum = 0;
	t->p = p;
	t->n = n;
	t->titles = titles;
	t->align = align;
	t->size = size;
	for (int i = 0; i < n; i++)
		sum += rel[i];
	for (int i = 0; i < n; i++)
		t->w[i] = (PW - 2 * M) * rel[i] / sum;
	double ch = 0;
	char *cap = caption ? g_strdup_printf ("Table %d. %s", ++p->tables, caption) : NULL;
	if (cap) {
		PangoLayout *l = mk (p, cap, 10, TRUE, PW - 2 * M);
		ch = lheight (l) + 3;
		g_object_unref (l);
	}
	need (p, ch + row_height (t, titles, TRUE) + 30);
	if (cap)
		para (p, cap, 10, TRUE, 3);
	g_free (cap);
	if (titles[0][0])
		draw_row (t, titles, TRUE);
}

static void
table_row (table_t *t, const char *const *cells)
{
	double h = row_height (t, cells, FALSE);
	if (t->p->y + h > BOTTOM) {
		new_page (t->p);
		if (t->titles[0][0])
			draw_row (t, t->titles, TRUE);
	}
	draw_row (t, cells, FALSE);
}

static char *
money (int64_t c)
{
	char b[40];
	return g_strdup (wb_report_money (c, b));
}

/* V with thousands separators, whatever the locale (same bytes everywhere). */
static char *
num (int64_t v)
{
	char b[32];
	int n = g_snprintf (b, sizeof b, "%" G_GINT64_FORMAT, v < 0 ? -v : v);
	GString *o = g_string_new (v < 0 ? "-" : "");
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			g_string_append_c (o, ',');
		g_string_append_c (o, b[i]);
	}
	return g_string_free (o, FALSE);
}

/* A case_info value for the cover, or a marker saying it is unset and how
 * to set it.  Newly allocated. */
static char *
meta (wb_report_t *r, const char *key, gboolean *unset)
{
	char *v = wb_case_info (r->cs, key);
	if (v && *v)
		return v;
	g_free (v);
	*unset = TRUE;
	return g_strdup_printf ("[NOT SET: workbench case CASE set %s=...]", key);
}

static void
cover (doc_t *p)
{
	wb_report_t *r = p->r;
	gboolean unset = FALSE;
	char *court = meta (r, "court", &unset), *number = meta (r, "number", &unset);
	char *caption = meta (r, "caption", &unset), *expert = meta (r, "expert", &unset);
	new_page (p);
	p->y = 72;
	para (p, court, 12, TRUE, 14);
	para (p, caption, 13, FALSE, 4);
	char *t = g_strdup_printf ("Case No. %s", number);
	para (p, t, 12, FALSE, 36);
	g_free (t);
	para (p, wb_report_tpl (r, "titles", "report", "Statutory damages report"), 24, TRUE, 6);
	para (p, r->case_name ? r->case_name : "(unnamed case)", 15, FALSE, 6);
	para (p, "Exhibit: [designation to be assigned by counsel]", 11, FALSE, 24);
	char total[40], date[11];
	wb_report_money (r->d->total_cents, total);
	g_strlcpy (date, r->generated_at, sizeof date);
	char *filed = r->filed ? g_strdup (r->filed) : g_strdup ("[NOT SET: workbench case CASE set filed=YYYY-MM-DD]");
	char *hash = g_strdup_printf ("%s (SHA-256 of the evidence, findings, statutes, parties and custody"
				      " before run %" G_GINT64_FORMAT ", the run that logs this report; recompute it"
				      " with sqlite3 and sha256sum as the method says, or workbench verify)",
				      r->case_sha256, r->run);
	struct { const char *k, *v; } kv[] = {
		{ "Prepared by", expert },
		{ "Report date (case clock)", date },
		{ "Filing date", filed },
		{ "Generated at (case clock)", r->generated_at },
		{ "Tool version", "workbench " WB_VERSION },
		{ "Case digest", hash },
		{ "Damages options", r->o->options_text ? r->o->options_text : "defaults" },
		{ "Total damages", total },
	};
	static const char *const th[] = { "", "" };
	table_t tb;
	static const double rel[] = { 1.2, 3 };
	table_start (&tb, p, 2, th, rel, "ll", 10, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS (kv); i++) {
		const char *c[] = { kv[i].k, kv[i].v };
		table_row (&tb, c);
	}
	p->y += 14;
	para (p, wb_report_tpl (r, "text", "cover", ""), 10, FALSE, 6);
	if (unset)
		para (p, "Marked [NOT SET]: case details this report was made without; set them with "
		      "'workbench case CASE set KEY=VALUE' and run the report again.", 10, TRUE, 6);
	/* The signature block. */
	need (p, 90);
	p->y = MAX (p->y + 24, BOTTOM - 90);
	cairo_set_source_rgb (p->cr, 0, 0, 0);
	cairo_set_line_width (p->cr, 0.8);
	cairo_move_to (p->cr, M, p->y);
	cairo_line_to (p->cr, M + 250, p->y);
	cairo_move_to (p->cr, M + 320, p->y);
	cairo_line_to (p->cr, PW - M, p->y);
	cairo_stroke (p->cr);
	p->y += 4;
	wb_chart_text (p->cr, M, p->y, expert, 10, FALSE, 0, 0, 250);
	wb_chart_text (p->cr, M + 320, p->y, "Date", 10, FALSE, 0, 0, 0);
	g_free (court);
	g_free (number);
	g_free (caption);
	g_free (expert);
	g_free (filed);
	g_free (hash);
}

#define TOC_ROW 18.0

static void
contents_page (doc_t *p, gboolean continued)
{
	new_page (p);
	para (p, continued ? "Contents (continued)" : "Contents", 15, TRUE, 12);
}

/* The contents: each heading and its page, linked to it, continued on as
 * many pages as the headings need.  The first pass has no headings yet:
 * it leaves the pages the contents will take (toc_pages), so that the
 * headings after them fall on the pages the contents give. */
static void
contents (doc_t *p)
{
	int pages = 1;
	contents_page (p, FALSE);
	p->toc_rows = (int) ((BOTTOM - p->y) / TOC_ROW);
	for (guint i = 0; p->heads && i < p->heads->len; i++) {
		const head_t *h = &g_array_index (p->heads, head_t, i);
		if (p->y + TOC_ROW > BOTTOM) {
			contents_page (p, TRUE);
			pages++;
		}
		char num[16];
		g_snprintf (num, sizeof num, "%d", h->page);
		char *dest = g_strdup_printf ("page=%d pos=[%.1f %.1f]", h->page, M, h->y);
		if (p->pages)
			cairo_tag_begin (p->cr, CAIRO_TAG_LINK, dest);
		cairo_set_source_rgb (p->cr, 0, 0, 0);
		wb_chart_text (p->cr, M, p->y, h->title, 11, FALSE, 0, 0, PW - 2 * M - 40);
		wb_chart_text (p->cr, PW - M, p->y, num, 11, FALSE, 1, 0, 0);
		if (p->pages)
			cairo_tag_end (p->cr, CAIRO_TAG_LINK);
		g_free (dest);
		p->y += TOC_ROW;
	}
	for (; pages < p->toc_pages; pages++)
		contents_page (p, TRUE);
}

static void
summary (doc_t *p)
{
	wb_report_t *r = p->r;
	new_page (p);
	heading (p, "Summary of damages");
	para (p, wb_report_tpl (r, "text", "summary", ""), 10, FALSE, 8);
	static const char *const cols[] = { "Statute", "Violating copies", "Incidents", "Days",
					    "Uncapped", "Amount", "Note" };
	static const double rel[] = { 2.3, 1, 1.05, 0.7, 1.2, 1.2, 2.1 };
	table_t t;
	table_start (&t, p, 7, cols, rel, "lrrrrrl", 9, "Damages by statute");
	guint n = r->d->statutes ? r->d->statutes->len : 0;
	for (guint i = 0; i < n; i++) {
		const wb_damages_statute_t *st = g_ptr_array_index (r->d->statutes, i);
		char *c[] = { g_strdup (st->citation ? st->citation : st->id), num (st->violating_messages),
			      num (st->incidents), num (st->days), money (st->uncapped_cents), money (st->amount_cents),
			      g_strdup (st->note ? st->note : "") };
		table_row (&t, (const char *const *) c);
		for (int k = 0; k < 7; k++)
			g_free (c[k]);
	}
	char *tot = money (r->d->total_cents);
	const char *c[] = { "Total", "", "", "", "", tot, "" };
	table_row (&t, c);
	g_free (tot);
	p->y += 14;

	/* Each plaintiff's action under each statute it recovers under. */
	guint na = r->d->actions ? r->d->actions->len : 0, shown = 0;
	for (guint i = 0; i < na; i++)
		shown += g_array_index (r->d->actions, wb_damages_action_t, i).violating_messages > 0;
	if (shown) {
		heading (p, "Damages per plaintiff");
		para (p, wb_report_tpl (r, "text", "plaintiffs", ""), 10, FALSE, 8);
		static const char *const pcols[] = { "Plaintiff", "Traps", "Statute", "Violating copies", "Amount" };
		static const double prel[] = { 1.6, 2.4, 1.1, 1, 1.3 };
		table_start (&t, p, 5, pcols, prel, "lllrr", 9, "Damages per plaintiff and statute");
		for (guint i = 0; i < na; i++) {
			const wb_damages_action_t *a = &g_array_index (r->d->actions, wb_damages_action_t, i);
			if (!a->violating_messages)
				continue;
			const wb_damages_plaintiff_t *pl = g_ptr_array_index (r->d->plaintiffs, a->plaintiff);
			const wb_damages_statute_t *st = g_ptr_array_index (r->d->statutes, a->statute);
			char *pc[] = { g_strdup (pl->name), g_strdup (pl->traps), g_strdup (st->citation ? st->citation : st->id),
				       num (a->violating_messages), money (a->amount_cents) };
			table_row (&t, (const char *const *) pc);
			for (int k = 0; k < 5; k++)
				g_free (pc[k]);
		}
		p->y += 14;
	}
}

static void
method (doc_t *p)
{
	wb_report_t *r = p->r;
	new_page (p);
	heading (p, "Method");
	static const char *const keys[] = { "days", "incidents", "nexus", "findings", "formulas" };
	static const char *const names[] = { "Days", "Incidents", "Nexus", "Findings", "The workbook" };
	for (size_t i = 0; i < G_N_ELEMENTS (keys); i++) {
		const char *t = wb_report_tpl (r, "method", keys[i], NULL);
		if (!t)
			continue;
		para (p, names[i], 11.5, TRUE, 3);
		para (p, t, 10, FALSE, 10);
	}
	/* How the other side recomputes the cover's case digest: the
	 * command for this report's run, and the SQL it reads. */
	const char *dt = wb_report_tpl (r, "method", "digest", NULL);
	if (dt) {
		para (p, "The case digest", 11.5, TRUE, 3);
		para (p, dt, 10, FALSE, 4);
		char *cmd = g_strdup_printf ("sqlite3 -readonly CASE.case \".parameter set :run %" G_GINT64_FORMAT
					     "\" \".read digest.sql\" | sha256sum", r->run);
		para (p, cmd, 9, TRUE, 4);
		g_free (cmd);
		char **lines = g_strsplit (wb_case_digest_sql, "\n", -1);
		for (char **l = lines; *l; l++)
			if (**l)
				para (p, *l, 8, FALSE, 2);
		g_strfreev (lines);
		p->y += 8;
	}
	guint n = r->d->statutes ? r->d->statutes->len : 0;
	for (guint i = 0; i < n; i++) {
		const wb_damages_statute_t *st = g_ptr_array_index (r->d->statutes, i);
		char *h = g_strdup_printf ("%s (%s)", st->citation ? st->citation : st->id, st->id);
		para (p, h, 11.5, TRUE, 3);
		g_free (h);
		if (st->method && *st->method)
			para (p, st->method, 10, FALSE, 4);
		const wb_rparams_t *rp = &r->params[i];
		char *ex = g_strdup_printf ("Provisions violated by the counted copies: %s.",
					    *rp->provisions ? rp->provisions : "none");
		para (p, ex, 10, FALSE, 4);
		g_free (ex);
		if (rp->damages_text && *rp->damages_text)
			para (p, rp->damages_text, 10, FALSE, 4);
		if (rp->quoted && *rp->quoted)
			para (p, rp->quoted, 10, FALSE, 4);
		p->y += 6;
	}
}

static void
charts (doc_t *p)
{
	for (const wb_chart_t *c = wb_report_charts; c->name; c++) {
		/* The text width of the page: a chart's 10-point labels print
		 * at 7 points. */
		double s = (PW - 2 * M) / WB_CHART_W, h = WB_CHART_H * s, w = WB_CHART_W * s, x = (PW - w) / 2;
		if (p->page == 0 || p->y + h + 30 > BOTTOM || c == wb_report_charts)
			new_page (p);
		if (c == wb_report_charts)
			heading (p, "Charts");
		cairo_save (p->cr);
		cairo_translate (p->cr, x, p->y);
		cairo_scale (p->cr, s, s);
		c->draw (p->r, p->cr, WB_CHART_W, WB_CHART_H);
		cairo_restore (p->cr);
		cairo_set_source_rgb (p->cr, 0.7, 0.7, 0.7);
		cairo_set_line_width (p->cr, 0.5);
		cairo_rectangle (p->cr, x, p->y, w, h);
		cairo_stroke (p->cr);
		p->y += h + 4;
		char *cap = g_strdup_printf ("Figure %d. %s. Also filed as chart-%s.png (300 dpi), .svg and .pdf.",
					     (int) (c - wb_report_charts) + 1, c->title, c->name);
		para (p, cap, 10, FALSE, 18);
		g_free (cap);
	}
}

static void
attribution (doc_t *p)
{
	wb_report_t *r = p->r;
	p->y += 10;
	heading (p, "Attribution findings");
	sqlite3_stmt *q = NULL;
	if (!r->has_attrib || sqlite3_prepare_v2 (wb_case_db (r->cs),
		"SELECT pa.name, pb.name, coalesce(l.strength, ''), l.score, coalesce(l.summary, ''), coalesce(l.review, '')"
		" FROM links l JOIN parties pa ON pa.id = l.party_a JOIN parties pb ON pb.id = l.party_b"
		" WHERE l.strength IN ('strong', 'moderate') OR l.review = 'confirmed'"
		" ORDER BY l.score DESC, l.id LIMIT 50", -1, &q, NULL) != SQLITE_OK) {
		para (p, "The case holds no attribution links.", 10, FALSE, 6);
		return;
	}
	para (p, wb_report_tpl (r, "text", "attribution", ""), 10, FALSE, 4);
	sqlite3_stmt *c;
	if (sqlite3_prepare_v2 (wb_case_db (r->cs), "SELECT count(*), sum(strength IN ('strong', 'moderate')"
				" OR review = 'confirmed') FROM links", -1, &c, NULL) == SQLITE_OK) {
		if (sqlite3_step (c) == SQLITE_ROW) {
			char *all = num (sqlite3_column_int64 (c, 0)), *shown = num (sqlite3_column_int64 (c, 1));
			char *t = g_strdup_printf ("%s links in all; the %s moderate, strong or confirmed ones follow,"
						   " strongest first (at most 50). Every link, with its evidence, is on the"
						   " Attribution sheet of exhibits.xlsx.", all, shown);
			para (p, t, 10, FALSE, 8);
			g_free (t);
			g_free (all);
			g_free (shown);
		}
		sqlite3_finalize (c);
	}
	static const char *const cols[] = { "Party", "Party", "Strength", "Score", "Why (evidence)", "Review" };
	static const double rel[] = { 1.3, 1.3, 0.9, 0.7, 3, 0.9 };
	table_t t;
	table_start (&t, p, 6, cols, rel, "lllrll", 8.5, "Moderate, strong and confirmed links, strongest first");
	while (sqlite3_step (q) == SQLITE_ROW) {
		char *c[6];
		for (int k = 0; k < 6; k++)
			c[k] = k == 3 ? g_strdup_printf ("%.2f", sqlite3_column_double (q, 3))
				      : g_strdup ((const char *) sqlite3_column_text (q, k));
		table_row (&t, (const char *const *) c);
		for (int k = 0; k < 6; k++)
			g_free (c[k]);
	}
	sqlite3_finalize (q);
}

/* HEX as two halves of 32 digits, a space between, when it is a SHA-256
 * (the cell text shows a line break as "\\n", so the space is where the
 * line breaks); as it is otherwise. */
static char *
sha_halves (const char *hex)
{
	if (!hex || strlen (hex) != 64)
		return g_strdup (hex ? hex : "");
	return g_strdup_printf ("%.32s %s", hex, hex + 32);
}

static void
custody (doc_t *p)
{
	wb_report_t *r = p->r;
	new_page (p);
	heading (p, "Appendix: custody");
	para (p, wb_report_tpl (r, "text", "custody", ""), 10, FALSE, 8);
	sqlite3_stmt *q;
	static const char *const cols[] = { "Id", "Source (container chain)", "Format", "Size", "SHA-256, in two halves" };
	/* A SHA-256 does not fit one line of a portrait page at 8 pt beside its
	 * source: it is printed as two halves of 32 digits, one under the other,
	 * and the Format column is wide enough for its longest word. */
	static const double rel[] = { 0.35, 2.6, 0.8, 0.55, 2.4 };
	table_t t;
	table_start (&t, p, 5, cols, rel, "rllrl", 8, "Sources: every file read, with its place and SHA-256");
	if (sqlite3_prepare_v2 (wb_case_db (r->cs), "SELECT id, chain, format, size, coalesce(sha256, '')"
				" FROM sources ORDER BY id", -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step (q) == SQLITE_ROW) {
			char *c[] = { num (sqlite3_column_int64 (q, 0)), g_strdup ((const char *) sqlite3_column_text (q, 1)),
				      g_strdup ((const char *) sqlite3_column_text (q, 2)),
				      sqlite3_column_type (q, 3) == SQLITE_NULL ? g_strdup ("") : num (sqlite3_column_int64 (q, 3)),
				      sha_halves ((const char *) sqlite3_column_text (q, 4)) };
			table_row (&t, (const char *const *) c);
			for (int k = 0; k < 5; k++)
				g_free (c[k]);
		}
		sqlite3_finalize (q);
	}
	p->y += 12;
	static const char *const ccols[] = { "Run", "At (UTC)", "Command", "Operator", "Version", "Detail" };
	static const double crel[] = { 0.45, 1.8, 0.9, 0.9, 0.7, 3.3 };
	table_start (&t, p, 6, ccols, crel, "rlllll", 8, "Runs that changed the evidence or the findings");
	if (sqlite3_prepare_v2 (wb_case_db (r->cs),
				"SELECT b.run, b.at, b.command, b.operator, b.tool_version,"
				" coalesce(b.detail, '') || coalesce(' -> ' || (SELECT e.detail FROM custody e"
				"  WHERE e.run = b.run AND e.action = 'end'), '')"
				" FROM custody b WHERE b.action = 'begin' AND b.command NOT IN ('report', 'verify')"
				" ORDER BY b.id", -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step (q) == SQLITE_ROW) {
			char *c[6];
			for (int k = 0; k < 6; k++)
				c[k] = g_strdup ((const char *) sqlite3_column_text (q, k));
			table_row (&t, (const char *const *) c);
			for (int k = 0; k < 6; k++)
				g_free (c[k]);
		}
		sqlite3_finalize (q);
	}
}

/* The page state and drawing for pdf-sections.c (pdf-sections.h). */
void
wb_pdf_new_page (wb_pdf_t *p)
{
	new_page ((doc_t *) p);
}

void
wb_pdf_need (wb_pdf_t *p, double h)
{
	need ((doc_t *) p, h);
}

void
wb_pdf_heading (wb_pdf_t *p, const char *text)
{
	heading ((doc_t *) p, text);
}

void
wb_pdf_para (wb_pdf_t *p, const char *text, double size, gboolean bold, double gap)
{
	para ((doc_t *) p, text, size, bold, gap);
}

void
wb_pdf_table (wb_pdf_t *p, int n, const char *const *titles, const double *rel, const char *align, double size,
	      const char *caption, const GPtrArray *rows)
{
	table_t t;
	table_start (&t, (doc_t *) p, n, titles, rel, align, size, caption);
	for (guint i = 0; rows && i < rows->len; i++)
		table_row (&t, g_ptr_array_index (rows, i));
}

cairo_t *
wb_pdf_cairo (wb_pdf_t *p)
{
	return ((doc_t *) p)->cr;
}

double *
wb_pdf_y (wb_pdf_t *p)
{
	return &((doc_t *) p)->y;
}

void
wb_pdf_frame (double *left, double *width, double *bottom)
{
	*left = M;
	*width = PW - 2 * M;
	*bottom = BOTTOM;
}

static cairo_status_t
discard (void *closure, const unsigned char *data, unsigned int length)
{
	(void) closure;
	(void) data;
	(void) length;
	return CAIRO_STATUS_SUCCESS;
}

static void
heads_free (GArray *a)
{
	for (guint i = 0; a && i < a->len; i++)
		g_free (g_array_index (a, head_t, i).title);
	if (a)
		g_array_free (a, TRUE);
}

/* One pass over the report onto SF. */
static void
layout (doc_t *p)
{
	cover (p);
	contents (p);
	summary (p);
	wb_report_pdf_part (p->r, (wb_pdf_t *) p, WB_PART_FRONT);
	method (p);
	wb_report_pdf_part (p->r, (wb_pdf_t *) p, WB_PART_METHOD);
	charts (p);
	wb_report_pdf_part (p->r, (wb_pdf_t *) p, WB_PART_INCIDENTS);
	attribution (p);
	wb_report_pdf_samples (p->r, (wb_pdf_t *) p);
	custody (p);
	footer (p);
	cairo_show_page (p->cr);
}

wb_status_t
wb_report_pdf (wb_report_t *r, const char *path)
{
	/* First pass: pages and headings, into nothing. */
	cairo_surface_t *dry = cairo_pdf_surface_create_for_stream (discard, NULL, PW, PH);
	doc_t d = { .r = r, .cr = cairo_create (dry), .sf = dry, .seen = g_array_new (FALSE, TRUE, sizeof (head_t)),
		    .toc_pages = 1 };
	layout (&d);
	cairo_destroy (d.cr);
	cairo_surface_finish (dry);
	cairo_surface_destroy (dry);
	/* More headings than one contents page holds: lay out again with
	 * the contents' pages kept, for the pages every heading falls on. */
	int toc_pages = d.toc_rows > 0 ? MAX (1, ((int) d.seen->len + d.toc_rows - 1) / d.toc_rows) : 1;
	if (toc_pages > 1) {
		dry = cairo_pdf_surface_create_for_stream (discard, NULL, PW, PH);
		doc_t d2 = { .r = r, .cr = cairo_create (dry), .sf = dry, .heads = d.seen,
			     .seen = g_array_new (FALSE, TRUE, sizeof (head_t)), .toc_pages = toc_pages };
		layout (&d2);
		cairo_destroy (d2.cr);
		cairo_surface_finish (dry);
		cairo_surface_destroy (dry);
		heads_free (d.seen);
		d = d2;
	}

	cairo_surface_t *sf = cairo_pdf_surface_create (path, PW, PH);
	char *title = g_strdup_printf ("%s: %s", wb_report_tpl (r, "titles", "report", "Statutory damages report"),
				       r->case_name ? r->case_name : "");
	cairo_pdf_surface_set_metadata (sf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata (sf, CAIRO_PDF_METADATA_SUBJECT, r->case_name ? r->case_name : "");
	cairo_pdf_surface_set_metadata (sf, CAIRO_PDF_METADATA_CREATOR, "workbench " WB_VERSION);
	cairo_pdf_surface_set_metadata (sf, CAIRO_PDF_METADATA_CREATE_DATE, r->pdf_date);
	cairo_pdf_surface_set_metadata (sf, CAIRO_PDF_METADATA_MOD_DATE, r->pdf_date);
	g_free (title);
	doc_t p = { .r = r, .cr = cairo_create (sf), .sf = sf, .pages = d.page, .heads = d.seen,
		    .seen = g_array_new (FALSE, TRUE, sizeof (head_t)), .toc_pages = toc_pages };
	layout (&p);
	cairo_destroy (p.cr);
	cairo_surface_finish (sf);
	heads_free (d.seen);
	heads_free (p.seen);
	wb_status_t st = WB_OK;
	if (cairo_surface_status (sf) != CAIRO_STATUS_SUCCESS)
		st = wb_case_fail (r->cs, WB_ERR_IO, "cannot write '%s': %s", path,
				   wb_report_write_error (cairo_surface_status (sf)));
	cairo_surface_destroy (sf);
	return st;
}
