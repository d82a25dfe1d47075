/* exhibits.xlsx: the workbook counsel files.  Totals are live formulas
 * over the Messages, Incidents and Days sheets (COUNTIFS, SUMIFS, MIN/MAX)
 * in integer cents, shown in dollars by a /100 formula, so a recalculation
 * by Excel or LibreOffice is exact and equals the engine to the cent.
 *
 * The workbook is written in constant_memory mode: each sheet's rows are
 * written once, in order, so 100,000 copies cost no memory.  Text from a
 * message only ever goes through worksheet_write_string(). */
#include <errno.h>
#include <string.h>
#include <xlsxwriter.h>
#include "report-private.h"

#define MAX_COLS 24
#define WIDTH_SAMPLE 2000        /* rows looked at to fit the column widths */

typedef struct {
	lxw_worksheet *ws;
	lxw_row_t row;               /* next row to write */
	double width[MAX_COLS];
	double sum[MAX_COLS];        /* of the numbers written, for the total row's cached value */
} sheet_t;

typedef struct {
	wb_report_t *r;
	lxw_workbook *wb;
	lxw_format *tcents, *tmoney;  /* total rows: bold, ruled, in cents or dollars */
	lxw_format *hdr, *title, *bold, *money, *cents, *num, *when, *date, *text, *wrap;
	GPtrArray *msheets;          /* char*: names of the Messages sheets */
	GArray *mlast;               /* lxw_row_t: last row (1-based) of each */
	unsigned nstatutes;          /* rows of the Statutes sheet */
	unsigned nprov;              /* rows of the Provision amounts sheet */
	GHashTable *pamounts;        /* provision amounts: key -> row (provision_amounts_index) */
	GPtrArray *plist;            /* pairs: wb_provision_t*, statute index */
	size_t max_rows;
	gboolean own_defendants;     /* the defendant sheets are written as formulas */
} xl_t;

static void
fit (sheet_t *s, int col, double w)
{
	if (col < MAX_COLS && s->row < WIDTH_SAMPLE && w > s->width[col])
		s->width[col] = w;
}

static void
put_str (sheet_t *s, int col, const char *text, lxw_format *f)
{
	/* Every string goes through the cell-text filter: control characters
	 * escaped, cut at Excel's limit with a marker. */
	char *t = wb_report_cell_text (text ? text : "", WB_XLSX_MAX_CELL);
	worksheet_write_string (s->ws, s->row, col, t, f);
	fit (s, col, g_utf8_strlen (t, -1));
	g_free (t);
}

static void
put_num (sheet_t *s, int col, double v, lxw_format *f, double w)
{
	worksheet_write_number (s->ws, s->row, col, v, f);
	fit (s, col, w);
	if (col < MAX_COLS)
		s->sum[col] += v;
}

static void
put_formula (sheet_t *s, int col, const char *formula, lxw_format *f, double cached, double w)
{
	worksheet_write_formula_num (s->ws, s->row, col, formula, f, cached);
	fit (s, col, w);
	if (col < MAX_COLS)
		s->sum[col] += cached;
}

/* Height of a row whose wrapped cells hold TEXTS in columns WIDTHS wide
 * (constant_memory mode cannot fit row heights afterwards). */
static void
wrap_height (sheet_t *s, int n, const char *const *texts, const double *widths)
{
	long lines = 1;
	for (int i = 0; i < n; i++) {
		long l = 0;
		if (!texts[i])
			continue;
		char **parts = g_strsplit (texts[i], "\n", -1);
		for (char **p = parts; *p; p++)
			l += 1 + (long) (MIN (g_utf8_strlen (*p, -1), WB_XLSX_MAX_CELL) / (widths[i] * 1.1));
		g_strfreev (parts);
		lines = MAX (lines, l);
	}
	if (lines > 1)
		worksheet_set_row (s->ws, s->row, MIN (15.0 * lines, 409), NULL);
}

static double
digits (int64_t v)
{
	char b[32];
	int n = g_snprintf (b, sizeof b, "%" G_GINT64_FORMAT, v);
	/* digits, thousands separators, a dollar sign and cents, and room */
	return n + n / 3 + 5;
}

/* Lines NAME takes wrapped at word boundaries in WIDTH characters. */
static int
wrapped_lines (const char *name, size_t width)
{
	int lines = 1;
	size_t used = 0;
	char **words = g_strsplit (name, " ", -1);
	for (char **w = words; *w; w++) {
		size_t l = strlen (*w);
		if (used && used + 1 + l > width) {
			lines++;
			used = l;
		} else
			used += (used ? 1 : 0) + l;
	}
	g_strfreev (words);
	return lines;
}

static void
header (sheet_t *s, xl_t *x, const char *const *names, int n)
{
	/* Headers wrap: a column need only be as wide as its longest word or
	 * half its title, whichever is wider; the row is as tall as the
	 * title that wraps most needs. */
	int lines = 2;
	for (int i = 0; i < n; i++) {
		size_t word = 0;
		char **words = g_strsplit (names[i], " ", -1);
		for (char **w = words; *w; w++)
			word = MAX (word, strlen (*w));
		g_strfreev (words);
		lines = MAX (lines, wrapped_lines (names[i], MAX (word, strlen (names[i]) / 2 + 1)));
	}
	worksheet_set_row (s->ws, s->row, 15.0 * lines, NULL);
	for (int i = 0; i < n; i++) {
		worksheet_write_string (s->ws, s->row, i, names[i], x->hdr);
		size_t word = 0, w = 0;
		for (const char *c = names[i]; ; c++) {
			if (!*c || *c == ' ') {
				word = MAX (word, w);
				w = 0;
				if (!*c)
					break;
			} else
				w++;
		}
		fit (s, i, MAX (word + 2, strlen (names[i]) / 2 + 2));
	}
	s->row++;
}

/* Landscape, letter, one page wide, header row repeated, footer with the
 * exhibit name, the sheet and the page. */
static void
page_setup (sheet_t *s, gboolean repeat)
{
	worksheet_set_landscape (s->ws);
	worksheet_set_paper (s->ws, 1);
	worksheet_set_margins (s->ws, 0.5, 0.5, 0.6, 0.6);
	if (repeat)
		worksheet_repeat_rows (s->ws, 0, 0);
	worksheet_set_footer (s->ws, "&Lexhibits.xlsx: &A&RPage &P of &N");
}

/* Columns C0 to C1 W characters wide, in format F. */
static void
columns (sheet_t *s, int c0, int c1, double w, lxw_format *f)
{
	for (int i = c0; i <= c1 && i < MAX_COLS; i++)
		s->width[i] = w;
	worksheet_set_column (s->ws, c0, c1, w, f);
}

/* Print legibly: the sheet's 11-point text must print at 8 points or more.
 * A column W characters wide is about 7 W + 5 pixels, 0.75 point each;
 * landscape letter less its margins is 10 inches, 720 points.  Fit to the
 * page's width only when that keeps the scale at 75% or more; else print at
 * 75% (8.25 points) on as many pages across as the columns need, with the
 * first column repeated on each. */
static void
print_fit (sheet_t *s, int ncols)
{
	double pt = 0;
	for (int i = 0; i < ncols && i < MAX_COLS; i++)
		pt += (s->width[i] * 7 + 5) * 0.75;
	if (pt * 0.75 <= 720)
		worksheet_fit_to_pages (s->ws, 1, 0);
	else {
		worksheet_set_print_scale (s->ws, 75);
		worksheet_repeat_columns (s->ws, 0, 0);
	}
}

static void
finish_sheet (sheet_t *s, int ncols, gboolean table)
{
	for (int i = 0; i < ncols && i < MAX_COLS; i++) {
		double w = s->width[i] < 8 ? 8 : s->width[i] > 60 ? 60 : s->width[i];
		s->width[i] = w;
		worksheet_set_column (s->ws, i, i, w, NULL);
	}
	if (table) {
		worksheet_freeze_panes (s->ws, 1, 0);
		worksheet_autofilter (s->ws, 0, 0, s->row > 1 ? s->row - 1 : 1, ncols - 1);
	}
	print_fit (s, ncols);
}

/* A total row under a table's rows 2 to S->row: "Total" in column A and
 * =SUM over each column in COLS, in dollars for those in MONEY (both
 * strings of column indexes as letters 'A' + i), in cents or counts else. */
static void
total_row (sheet_t *s, lxw_format *label, lxw_format *cents, lxw_format *money, const char *cols,
	   const char *money_cols)
{
	unsigned last = s->row < 2 ? 2 : (unsigned) s->row;
	worksheet_write_string (s->ws, s->row, 0, "Total", label);
	for (const char *c = cols; *c; c++) {
		char f[64];
		g_snprintf (f, sizeof f, "=SUM(%c2:%c%u)", *c, *c, last);
		gboolean m = strchr (money_cols, *c) != NULL;
		worksheet_write_formula_num (s->ws, s->row, *c - 'A', f, m ? money : cents, s->sum[*c - 'A']);
	}
	s->row++;
}

static sheet_t
new_sheet (xl_t *x, const char *name)
{
	sheet_t s = { .ws = workbook_add_worksheet (x->wb, name) };
	return s;
}

/* "'Sheet'!$C$2:$C$N" for column C of Messages sheet K. */
static void
mrange (GString *f, xl_t *x, guint k, char col)
{
	lxw_row_t last = g_array_index (x->mlast, lxw_row_t, k);
	g_string_append_printf (f, "'%s'!$%c$2:$%c$%u", (char *) g_ptr_array_index (x->msheets, k),
				col, col, (unsigned) (last < 2 ? 2 : last));
}

/* FN over every Messages sheet: COUNTIFS (SUMCOL 0) or SUMIFS (SUMCOL set),
 * with criteria pairs (column, cell reference). */
static char *
mformula (xl_t *x, char sumcol, int n, const char *cols, const char *const *crit)
{
	GString *f = g_string_new ("=");
	for (guint k = 0; k < x->msheets->len; k++) {
		if (k)
			g_string_append_c (f, '+');
		g_string_append (f, sumcol ? "SUMIFS(" : "COUNTIFS(");
		if (sumcol) {
			mrange (f, x, k, sumcol);
			g_string_append_c (f, ',');
		}
		for (int i = 0; i < n; i++) {
			if (i)
				g_string_append_c (f, ',');
			mrange (f, x, k, cols[i]);
			g_string_append_printf (f, ",%s", crit[i]);
		}
		g_string_append_c (f, ')');
	}
	return g_string_free (f, FALSE);
}

static const char *
statute_id (wb_report_t *r, int s)
{
	if (s < 0 || !r->d->statutes || (guint) s >= r->d->statutes->len)
		return "";
	return ((wb_damages_statute_t *) g_ptr_array_index (r->d->statutes, s))->id;
}

static double
excel_day (const char *day)
{
	int y, m, d;
	if (!day || sscanf (day, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
		return 0;
	GDate a, b;
	g_date_clear (&a, 1);
	g_date_clear (&b, 1);
	g_date_set_dmy (&a, 30, 12, 1899);
	g_date_set_dmy (&b, d, m, y);
	return g_date_days_between (&a, &b);
}

/* An ISO 8601 time (custody, ingest) written as a date and time in UTC, or
 * as the text it is when it does not parse. */
static void
put_iso (sheet_t *s, xl_t *x, int col, const char *iso)
{
	GDateTime *dt = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
	if (!dt) {
		put_str (s, col, iso, x->text);
		return;
	}
	put_num (s, col, (double) g_date_time_to_unix (dt) / 86400.0 + 25569.0, x->when, 20);
	g_date_time_unref (dt);
}

/* Column C of the Statutes sheet for the statute named in cell KEY, as an
 * expression: INDEX/MATCH, so that every row of a column has the same
 * formula with only its row number changed (it can be checked by filling
 * down). */
static char *
st_ref (xl_t *x, char col, const char *key)
{
	unsigned last = x->nstatutes + 1 < 2 ? 2 : x->nstatutes + 1;
	return g_strdup_printf ("INDEX(Statutes!$%c$2:$%c$%u,MATCH(%s,Statutes!$A$2:$A$%u,0))",
				col, col, last, key, last);
}

/* ---------------------------------------------------------------- */

/* The provisions with an amount of their own or outside the cap, for the
 * Provision amounts sheet: "statute-index\tlabel" -> its row there
 * (1-based, as a pointer). */
static void
provision_amounts_index (xl_t *x)
{
	wb_report_t *r = x->r;
	const wb_statute_set_t *set = r->o->statutes;
	x->pamounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	x->plist = g_ptr_array_new ();
	guint ns = r->d->statutes ? r->d->statutes->len : 0;
	for (guint i = 0; set && i < ns; i++) {
		const wb_damages_statute_t *st = g_ptr_array_index (r->d->statutes, i);
		const wb_statute_t *rule = wb_statute_set_find (set, st->id);
		for (guint k = 0; rule && k < rule->provisions->len; k++) {
			const wb_provision_t *pr = g_ptr_array_index (rule->provisions, k);
			if (pr->per_message_cents < 0 && !pr->uncapped)
				continue;
			g_ptr_array_add (x->plist, (gpointer) pr);
			g_ptr_array_add (x->plist, GUINT_TO_POINTER (i));
			g_hash_table_insert (x->pamounts, g_strdup_printf ("%u\t%s", i, pr->label),
					     GUINT_TO_POINTER (x->plist->len / 2 + 1));
			x->nprov++;
		}
	}
}

/* The provision of statute S labelled LABEL on the Provision amounts
 * sheet, or NULL. */
static const wb_provision_t *
provision_listed (xl_t *x, int s, const char *label)
{
	char key[96];
	g_snprintf (key, sizeof key, "%d\t%s", s, label);
	guint j = GPOINTER_TO_UINT (g_hash_table_lookup (x->pamounts, key));
	return j ? g_ptr_array_index (x->plist, 2 * (j - 2)) : NULL;
}

/* What a row's provision column names, so that its amount and whether it
 * is outside the cap follow from the Provision amounts sheet: the
 * provision outside the cap that gave the copy its amount, or one with an
 * amount of its own equal to the row's, or "" (the statute's amount, under
 * the cap).  *FORMULA tells whether the amount is that provision's (or the
 * statute's) per-copy cell; when not (a due-care reduction below it), the
 * amount is written as the engine's value. */
static const char *
amount_basis (xl_t *x, const wb_damages_row_t *row, char *buf, size_t size, gboolean *formula)
{
	const wb_rparams_t *p = &x->r->params[row->statute];
	const char *found = NULL;
	*formula = FALSE;
	if (!row->uncapped && row->per_message_cents == p->per_message_cents) {
		*formula = TRUE;
		return "";
	}
	char **parts = g_strsplit (row->provisions ? row->provisions : "", ";", -1);
	for (char **q = parts; *q && !found; q++) {
		const wb_provision_t *pr = provision_listed (x, row->statute, g_strstrip (*q));
		if (!pr || !pr->uncapped != !row->uncapped)
			continue;
		int64_t own = pr->per_message_cents >= 0 ? pr->per_message_cents : p->per_message_cents;
		if (row->uncapped || own == row->per_message_cents) {
			g_strlcpy (buf, *q, size);
			found = buf;
			*formula = own == row->per_message_cents;
		}
	}
	g_strfreev (parts);
	return found ? found : "";
}

/* Row N's amount per copy (column ACOL) and whether it is outside the cap
 * (OCOL), as formulas over the Statutes and Provision amounts sheets keyed
 * by its statute (column SCOL) and the provision named in column PCOL; the
 * provision's name is written there too. */
static void
amount_cells (xl_t *x, sheet_t *s, const wb_damages_row_t *row, char scol, char pcol, int acol, int ocol)
{
	char pbuf[64];
	gboolean formula;
	const char *basis = amount_basis (x, row, pbuf, sizeof pbuf, &formula);
	unsigned n = s->row + 1, pl = x->nprov + 1 < 2 ? 2 : x->nprov + 1;
	if (formula) {
		char key[16];
		g_snprintf (key, sizeof key, "$%c%u", scol, n);
		char *sr = st_ref (x, 'C', key);
		char *f = g_strdup_printf ("=IF($%c%u=\"\",%s,SUMIFS('Provision amounts'!$C$2:$C$%u,"
					   "'Provision amounts'!$A$2:$A$%u,$%c%u,'Provision amounts'!$B$2:$B$%u,$%c%u))",
					   pcol, n, sr, pl, pl, scol, n, pl, pcol, n);
		put_formula (s, acol, f, x->cents, row->per_message_cents, digits (row->per_message_cents));
		g_free (sr);
		g_free (f);
	} else
		put_num (s, acol, row->per_message_cents, x->cents, digits (row->per_message_cents));
	if (*basis)
		put_str (s, pcol - 'A', basis, x->text);
	char *f = g_strdup_printf ("=IF($%c%u=\"\",0,SUMIFS('Provision amounts'!$D$2:$D$%u,"
				   "'Provision amounts'!$A$2:$A$%u,$%c%u,'Provision amounts'!$B$2:$B$%u,$%c%u))",
				   pcol, n, pl, pl, scol, n, pl, pcol, n);
	put_formula (s, ocol, f, x->num, row->uncapped ? 1 : 0, 4);
	g_free (f);
}

static void
write_provision_amounts (xl_t *x)
{
	wb_report_t *r = x->r;
	static const char *const cols[] = {
		"Statute", "Provision", "Per copy (cents)", "Outside the cap (1 = yes)", "Provision (quoted)"
	};
	sheet_t s = new_sheet (x, "Provision amounts");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	for (guint j = 0; j + 1 < x->plist->len; j += 2) {
		const wb_provision_t *pr = g_ptr_array_index (x->plist, j);
		guint si = GPOINTER_TO_UINT (g_ptr_array_index (x->plist, j + 1));
		{
			/* Tall enough for the quoted provision, wrapped in 60. */
			const char *t[] = { pr->text };
			const double w[] = { 60 };
			wrap_height (&s, 1, t, w);
		}
		put_str (&s, 0, statute_id (r, si), x->text);
		put_str (&s, 1, pr->label, x->text);
		if (pr->per_message_cents >= 0)
			put_num (&s, 2, pr->per_message_cents, x->cents, digits (pr->per_message_cents));
		else {
			/* Outside the cap at the statute's own amount. */
			char key[16];
			g_snprintf (key, sizeof key, "$A%u", (unsigned) s.row + 1);
			char *sr = st_ref (x, 'C', key), *f = g_strdup_printf ("=%s", sr);
			put_formula (&s, 2, f, x->cents, r->params[si].per_message_cents,
				     digits (r->params[si].per_message_cents));
			g_free (sr);
			g_free (f);
		}
		put_num (&s, 3, pr->uncapped ? 1 : 0, x->num, 4);
		put_str (&s, 4, pr->text ? pr->text : "", x->wrap);
		s.row++;
	}
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
	columns (&s, 4, 4, 60, x->wrap);
	print_fit (&s, G_N_ELEMENTS (cols));
}

static wb_status_t
write_messages (xl_t *x)
{
	wb_report_t *r = x->r;
	/* Columns J to P are named by the formulas of the other sheets: new
	 * columns go after them. */
	static const char *const cols[] = {
		"Copy id (as the case names it)", "Trap", "Received (trap's local time)", "From", "Subject", "Message-ID",
		"SHA-256", "Source (first location)", "Provisions violated", "Statute", "Incident", "Day",
		"Amount (cents)", "Amount ($)", "Outside the cap (1 = yes)", "Plaintiff (no.)",
		"Trap's time zone", "Received (UTC)", "Date header (as written)", "Locations",
		"Offset in the source (bytes)", "Provision giving the amount or outside the cap (Provision amounts; empty: the statute's)"
	};
	sqlite3_stmt *q = wb_case_stmt (r->cs,
		"SELECT coalesce(t.address, ''), m.received_epoch, coalesce(t.timezone, 'UTC'),"
		" m.from_addr, m.from_name, m.subject, m.message_id, m.sha256,"
		" (SELECT s.chain FROM locations l JOIN sources s ON s.id = l.source_id"
		"  WHERE l.message = m.id ORDER BY l.id LIMIT 1),"
		" m.date_header, (SELECT count(*) FROM locations l WHERE l.message = m.id),"
		" (SELECT l.offset FROM locations l WHERE l.message = m.id ORDER BY l.id LIMIT 1)"
		" FROM messages m LEFT JOIN traps t ON t.id = m.trap_id WHERE m.id = ?1");
	if (!q)
		return WB_ERR_DB;
	GHashTable *zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
						   (GDestroyNotify) g_time_zone_unref);
	guint n = r->d->rows ? r->d->rows->len : 0;
	guint i = 0;
	int sheetno = 1;
	wb_status_t st = WB_OK;
	do {
		char *name = sheetno == 1 ? g_strdup ("Messages") : g_strdup_printf ("Messages (%d)", sheetno);
		sheet_t s = new_sheet (x, name);
		g_ptr_array_add (x->msheets, name);
		page_setup (&s, TRUE);
		header (&s, x, cols, G_N_ELEMENTS (cols));
		for (; i < n && (size_t) s.row <= x->max_rows; i++) {
			if ((i & 1023) == 0 && wb_interrupted) {
				st = wb_case_fail (r->cs, WB_ERR_INTERRUPTED, "interrupted");
				break;
			}
			const wb_damages_row_t *row = &g_array_index (r->d->rows, wb_damages_row_t, i);
			sqlite3_bind_int64 (q, 1, row->message);
			int rc = sqlite3_step (q);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
				st = wb_case_fail_db (r->cs, "cannot read messages for the workbook");
				sqlite3_reset (q);
				break;
			}
			gboolean have = rc == SQLITE_ROW;
			put_num (&s, 0, row->message, x->num, digits (row->message));
			if (have) {
				put_str (&s, 1, (const char *) sqlite3_column_text (q, 0), x->text);
				if (sqlite3_column_type (q, 1) != SQLITE_NULL) {
					int64_t ep = sqlite3_column_int64 (q, 1);
					const char *zn = (const char *) sqlite3_column_text (q, 2);
					GTimeZone *tz = g_hash_table_lookup (zones, zn);
					if (!tz) {
						tz = g_time_zone_new_identifier (zn);
						if (!tz)
							tz = g_time_zone_new_utc ();
						g_hash_table_insert (zones, g_strdup (zn), tz);
					}
					int iv = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, ep);
					int off = iv >= 0 ? g_time_zone_get_offset (tz, iv) : 0;
					/* Excel serial days: 1970-01-01 is 25569. */
					put_num (&s, 2, (double) (ep + off) / 86400.0 + 25569.0, x->when, 20);
					put_num (&s, 17, (double) ep / 86400.0 + 25569.0, x->when, 20);
				}
				put_str (&s, 16, (const char *) sqlite3_column_text (q, 2), x->text);
				put_str (&s, 18, (const char *) sqlite3_column_text (q, 9), x->text);
				put_num (&s, 19, sqlite3_column_int64 (q, 10), x->num, 6);
				if (sqlite3_column_type (q, 11) != SQLITE_NULL)
					put_num (&s, 20, sqlite3_column_int64 (q, 11), x->num,
						 digits (sqlite3_column_int64 (q, 11)));
				const char *fa = (const char *) sqlite3_column_text (q, 3);
				const char *fn = (const char *) sqlite3_column_text (q, 4);
				char *from = fn && *fn ? g_strdup_printf ("%s <%s>", fn, fa ? fa : "")
						      : g_strdup (fa ? fa : "");
				put_str (&s, 3, from, x->text);
				g_free (from);
				put_str (&s, 4, (const char *) sqlite3_column_text (q, 5), x->text);
				put_str (&s, 5, (const char *) sqlite3_column_text (q, 6), x->text);
				put_str (&s, 6, (const char *) sqlite3_column_text (q, 7), x->text);
				put_str (&s, 7, (const char *) sqlite3_column_text (q, 8), x->text);
			} else {
				put_str (&s, 1, "(message not in the case)", x->text);
			}
			sqlite3_reset (q);
			put_str (&s, 8, row->provisions, x->text);
			put_str (&s, 9, statute_id (r, row->statute), x->text);
			put_num (&s, 10, row->incident, x->num, digits (row->incident));
			put_num (&s, 11, excel_day (row->local_day), x->date, 11);
			/* The amount is the Statutes sheet's per-copy cell, or the
			 * Provision amounts sheet's for the provision named in
			 * column V, and so is whether it is outside the cap:
			 * changing either there recalculates everything. */
			amount_cells (x, &s, row, 'J', 'V', 12, 14);
			char f[32];
			g_snprintf (f, sizeof f, "=M%u/100", (unsigned) s.row + 1);
			put_formula (&s, 13, f, x->money, row->per_message_cents / 100.0,
				     digits (row->per_message_cents) + 2);
			put_num (&s, 15, row->plaintiff + 1, x->num, 4);
			s.row++;
		}
		g_array_append_val (x->mlast, s.row);
		finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
		sheetno++;
	} while (!st && i < n);
	g_hash_table_destroy (zones);
	return st;
}

/* "IF(capped>0 and a cap, elect(capped, cap), capped) + outside", the
 * engine's rule for one group, with the election read from the Statutes
 * sheet so counsel can change it. */
static char *
group_formula_key (xl_t *x, unsigned n, char kcol, char unc, char fre, char cap)
{
	char key[16];
	g_snprintf (key, sizeof key, "$%c%u", kcol, n);
	char *el = st_ref (x, 'F', key);
	char *f = g_strdup_printf ("=IF(AND(%c%u>0,%c%u-%c%u>0),IF(%s=\"greater\",MAX(%c%u-%c%u,%c%u),"
				   "MIN(%c%u-%c%u,%c%u)),%c%u-%c%u)+%c%u",
				   cap, n, unc, n, fre, n, el, unc, n, fre, n, cap, n, unc, n, fre, n, cap, n,
				   unc, n, fre, n, fre, n);
	g_free (el);
	return f;
}

static char *
group_formula (xl_t *x, unsigned n, char unc, char fre, char cap)
{
	return group_formula_key (x, n, 'A', unc, fre, cap);
}

static void
write_groups (xl_t *x, gboolean days)
{
	wb_report_t *r = x->r;
	static const char *const icols[] = {
		"Statute", "Incident", "First day", "Last day", "Copies", "Uncapped (cents)",
		"Outside the cap (cents)", "Cap per incident (cents; 0 = none)", "Amount (cents)", "Amount ($)",
		"Plaintiff (no.; 0 = several sharing the cap)"
	};
	static const char *const dcols[] = {
		"Statute", "Day", "Copies", "Uncapped (cents)", "Outside the cap (cents)",
		"Cap per day (cents; 0 = none)", "Amount (cents)", "Amount ($)", "Plaintiff (no.)"
	};
	const char *const *cols = days ? dcols : icols;
	int ncols = days ? G_N_ELEMENTS (dcols) : G_N_ELEMENTS (icols);
	GArray *groups = days ? r->days : r->incidents;
	sheet_t s = new_sheet (x, days ? "Days" : "Incidents");
	page_setup (&s, TRUE);
	header (&s, x, cols, ncols);
	/* Column letters of copies, uncapped, outside, cap, amount, dollars. */
	const char *L = days ? "CDEFGH" : "EFGHIJ";
	int c0 = days ? 2 : 4;
	for (guint i = 0; i < groups->len; i++) {
		const wb_rgroup_t *g = &g_array_index (groups, wb_rgroup_t, i);
		const wb_rparams_t *p = &r->params[g->statute];
		unsigned n = s.row + 1;
		char a[16], b[16], pc[16], o1[8] = "1";
		g_snprintf (a, sizeof a, "$A%u", n);
		g_snprintf (b, sizeof b, "$B%u", n);
		g_snprintf (pc, sizeof pc, "$I%u", n);
		/* A day is the plaintiff's day: the Messages rows of its
		 * statute, day and plaintiff. */
		const char *dcrit[] = { a, b, pc, o1 }, *icrit[] = { a, b, o1 };
		const char *const *crit = days ? dcrit : icrit;
		int nk = days ? 3 : 2;
		put_str (&s, 0, statute_id (r, g->statute), x->text);
		if (days) {
			/* A date (serial day number), as on the Messages sheet,
			 * so COUNTIFS matches the number exactly. */
			put_num (&s, 1, excel_day (g->day), x->date, 11);
		} else {
			put_num (&s, 1, g->number, x->num, digits (g->number));
			put_num (&s, 2, excel_day (g->day), x->date, 11);
			put_num (&s, 3, excel_day (g->last_day), x->date, 11);
		}
		put_num (&s, ncols - 1, g->plaintiff + 1, x->num, 4);
		const char *keys = days ? "JLPO" : "JKO";
		char *f = mformula (x, 0, nk, keys, crit);
		put_formula (&s, c0, f, x->num, g->copies, digits (g->copies));
		g_free (f);
		f = mformula (x, 'M', nk, keys, crit);
		put_formula (&s, c0 + 1, f, x->cents, g->uncapped_cents, digits (g->uncapped_cents));
		g_free (f);
		f = mformula (x, 'M', nk + 1, keys, crit);
		put_formula (&s, c0 + 2, f, x->cents, g->free_cents, digits (g->free_cents));
		g_free (f);
		gboolean capped = days ? p->cap_kind == WB_CAP_DAY && !p->aggregate : p->cap_kind == WB_CAP_INCIDENT;
		{
			/* The cap from the Statutes sheet when its kind is this
			 * sheet's, else 0: one formula for the column. */
			char *kind = st_ref (x, 'D', a), *rule = st_ref (x, 'I', a), *cap = st_ref (x, 'E', a);
			f = days ? g_strdup_printf ("=IF(AND(%s=\"per day\",%s<>\"aggregate\"),%s,0)", kind, rule, cap)
				 : g_strdup_printf ("=IF(%s=\"per incident\",%s,0)", kind, cap);
			int64_t v = capped ? p->cap_cents : 0;
			put_formula (&s, c0 + 3, f, x->cents, v, digits (v));
			g_free (kind);
			g_free (rule);
			g_free (cap);
			g_free (f);
		}
		f = group_formula (x, n, L[1], L[2], L[3]);
		put_formula (&s, c0 + 4, f, x->cents, g->amount_cents, digits (g->amount_cents));
		g_free (f);
		f = g_strdup_printf ("=%c%u/100", L[4], n);
		put_formula (&s, c0 + 5, f, x->money, g->amount_cents / 100.0, digits (g->amount_cents) + 2);
		g_free (f);
		s.row++;
	}
	finish_sheet (&s, ncols, TRUE);
	if (days)
		total_row (&s, x->tcents, x->tcents, x->tmoney, "CDEGH", "H");
	else
		total_row (&s, x->tcents, x->tcents, x->tmoney, "EFGIJ", "J");
}

static const char *
plaintiff_name (wb_report_t *r, int p)
{
	if (p < 0 || !r->d->plaintiffs || (guint) p >= r->d->plaintiffs->len)
		return "";
	return ((wb_damages_plaintiff_t *) g_ptr_array_index (r->d->plaintiffs, p))->name;
}

/* One row per plaintiff's action under a statute: each trap holder (or
 * provider) sues on their own, so caps per action and per day apply
 * within the action; the Damages sheet adds the actions up. */
static void
write_plaintiffs (xl_t *x)
{
	wb_report_t *r = x->r;
	static const char *const cols[] = {
		"Statute", "Plaintiff (no.)", "Plaintiff", "Traps", "Copies", "Uncapped (cents)",
		"Outside the cap (cents)", "Days with capped copies", "Cap (cents; 0 = none)",
		"Part of incidents sharing a cap (cents, as the engine split them)",
		"Before the multiplier (cents)", "Amount (cents)", "Amount ($)", "Engine amount (cents)", "Check"
	};
	sheet_t s = new_sheet (x, "Plaintiffs");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	unsigned ilast = r->incidents->len + 1 < 2 ? 2 : r->incidents->len + 1;
	unsigned dlast = r->days->len + 1 < 2 ? 2 : r->days->len + 1;
	for (guint i = 0; i < r->actions->len; i++) {
		const wb_raction_t *a = &g_array_index (r->actions, wb_raction_t, i);
		const wb_rparams_t *p = &r->params[a->statute];
		unsigned n = s.row + 1;
		char ca[16], cb[16], o1[8] = "1";
		g_snprintf (ca, sizeof ca, "$A%u", n);
		g_snprintf (cb, sizeof cb, "$B%u", n);
		const char *crit[] = { ca, cb, o1 };
		const wb_damages_plaintiff_t *pl = r->d->plaintiffs && (guint) a->plaintiff < r->d->plaintiffs->len
			? g_ptr_array_index (r->d->plaintiffs, a->plaintiff) : NULL;
		put_str (&s, 0, statute_id (r, a->statute), x->text);
		put_num (&s, 1, a->plaintiff + 1, x->num, 4);
		put_str (&s, 2, plaintiff_name (r, a->plaintiff), x->text);
		put_str (&s, 3, pl ? pl->traps : "", x->text);
		char *f = mformula (x, 0, 2, "JP", crit);
		put_formula (&s, 4, f, x->num, a->copies, digits (a->copies));
		g_free (f);
		f = mformula (x, 'M', 2, "JP", crit);
		put_formula (&s, 5, f, x->cents, a->uncapped_cents, digits (a->uncapped_cents));
		g_free (f);
		f = mformula (x, 'M', 3, "JPO", crit);
		put_formula (&s, 6, f, x->cents, a->free_cents, digits (a->free_cents));
		g_free (f);
		f = g_strdup_printf ("=SUMPRODUCT((Days!$A$2:$A$%u=$A%u)*(Days!$I$2:$I$%u=$B%u)*((Days!$D$2:$D$%u-Days!$E$2:$E$%u)>0))",
				     dlast, n, dlast, n, dlast, dlast);
		put_formula (&s, 7, f, x->num, a->days_capped, digits (a->days_capped));
		g_free (f);
		{
			/* One formula per column, driven by the Statutes sheet:
			 * cap kind (D), cap (E), election (F), multiplier (G),
			 * may sue (H), day rule (I). */
			char *kind = st_ref (x, 'D', ca), *cap = st_ref (x, 'E', ca), *el = st_ref (x, 'F', ca);
			char *mul = st_ref (x, 'G', ca), *sue = st_ref (x, 'H', ca), *rule = st_ref (x, 'I', ca);
			f = g_strdup_printf ("=%s", cap);
			put_formula (&s, 8, f, x->cents, p->cap_cents, digits (p->cap_cents));
			g_free (f);
			put_num (&s, 9, a->shared_cents, x->cents, digits (a->shared_cents));
			/* none: the sum; per incident: its incidents plus its part
			 * of shared ones; per day: its days; per action, or per day
			 * under the aggregate rule: elect(sum, cap [x days]). */
			f = g_strdup_printf ("=IF(%s=\"none\",F%u,"
					     "IF(%s=\"per incident\",SUMIFS(Incidents!$I$2:$I$%u,Incidents!$A$2:$A$%u,$A%u,"
					     "Incidents!$K$2:$K$%u,$B%u)+J%u,"
					     "IF(AND(%s=\"per day\",%s<>\"aggregate\"),SUMIFS(Days!$G$2:$G$%u,Days!$A$2:$A$%u,$A%u,"
					     "Days!$I$2:$I$%u,$B%u),"
					     "IF(F%u-G%u>0,IF(%s=\"greater\",MAX(F%u-G%u,%s*IF(%s=\"per day\",H%u,1)),"
					     "MIN(F%u-G%u,%s*IF(%s=\"per day\",H%u,1))),0)+G%u)))",
					     kind, n,
					     kind, ilast, ilast, n, ilast, n, n,
					     kind, rule, dlast, dlast, n, dlast, n,
					     n, n, el, n, n, cap, kind, n,
					     n, n, cap, kind, n, n);
			put_formula (&s, 10, f, x->cents, a->base_cents, digits (a->base_cents));
			g_free (f);
			f = g_strdup_printf ("=K%u*%s*%s", n, mul, sue);
			put_formula (&s, 11, f, x->cents, a->amount_cents, digits (a->amount_cents));
			g_free (f);
			g_free (kind);
			g_free (cap);
			g_free (el);
			g_free (mul);
			g_free (sue);
			g_free (rule);
		}
		f = g_strdup_printf ("=L%u/100", n);
		put_formula (&s, 12, f, x->money, a->amount_cents / 100.0, digits (a->amount_cents) + 2);
		g_free (f);
		put_num (&s, 13, a->engine_cents, x->cents, digits (a->engine_cents));
		f = g_strdup_printf ("=IF(L%u=N%u,\"agrees\",\"DIFFERS\")", n, n);
		worksheet_write_formula_str (s.ws, s.row, 14, f, x->text,
					     a->amount_cents == a->engine_cents ? "agrees" : "DIFFERS");
		fit (&s, 14, 9);
		g_free (f);
		s.row++;
	}
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
	total_row (&s, x->tcents, x->tcents, x->tmoney, "EFGHJKLMN", "M");
}

static void
write_damages (xl_t *x)
{
	wb_report_t *r = x->r;
	static const char *const cols[] = {
		"Statute", "Citation", "Copies considered", "Violating copies", "Incidents", "Days",
		"Uncapped (cents)", "Outside the cap (cents)", "Amount (cents)", "Amount ($)", "Excluded: no nexus",
		"Excluded: before effective date", "Excluded: limitations", "Excluded: other statute",
		"Excluded: analyst", "Engine amount (cents)", "Check", "Method", "Excluded: preempted (CAN-SPAM)",
		"Excluded: undated", "In scope, not violating"
	};
	sheet_t s = new_sheet (x, "Damages");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	unsigned ilast = r->incidents->len + 1 < 2 ? 2 : r->incidents->len + 1;
	unsigned dlast = r->days->len + 1 < 2 ? 2 : r->days->len + 1;
	unsigned plast = r->actions->len + 1 < 2 ? 2 : r->actions->len + 1;
	guint ns = r->d->statutes ? r->d->statutes->len : 0;
	for (guint i = 0; i < ns; i++) {
		const wb_damages_statute_t *st = g_ptr_array_index (r->d->statutes, i);
		const wb_rparams_t *p = &r->params[i];
		unsigned n = s.row + 1;
		char a[16], o1[8] = "1";
		g_snprintf (a, sizeof a, "$A%u", n);
		const char *crit[] = { a, o1 };
		int64_t incs = 0, days = 0, viol = 0;
		for (guint j = 0; j < r->incidents->len; j++)
			if (g_array_index (r->incidents, wb_rgroup_t, j).statute == (int) i) {
				incs++;
				viol += g_array_index (r->incidents, wb_rgroup_t, j).copies;
			}
		for (guint j = 0; j < r->days->len; j++)
			days += g_array_index (r->days, wb_rgroup_t, j).statute == (int) i;
		{
			const char *t[] = { st->method };
			const double w[] = { 60 };
			wrap_height (&s, 1, t, w);
		}
		put_str (&s, 0, st->id, x->text);
		put_str (&s, 1, st->citation, x->text);
		put_num (&s, 2, st->messages, x->num, digits (st->messages));
		char *f = mformula (x, 0, 1, "J", crit);
		put_formula (&s, 3, f, x->num, viol, digits (viol));
		g_free (f);
		f = g_strdup_printf ("=COUNTIF(Incidents!$A$2:$A$%u,$A%u)", ilast, n);
		put_formula (&s, 4, f, x->num, incs, digits (incs));
		g_free (f);
		f = g_strdup_printf ("=COUNTIF(Days!$A$2:$A$%u,$A%u)", dlast, n);
		put_formula (&s, 5, f, x->num, days, digits (days));
		g_free (f);
		f = mformula (x, 'M', 1, "J", crit);
		put_formula (&s, 6, f, x->cents, p->uncapped_cents, digits (p->uncapped_cents));
		g_free (f);
		f = mformula (x, 'M', 2, "JO", crit);
		put_formula (&s, 7, f, x->cents, p->free_cents, digits (p->free_cents));
		g_free (f);
		/* The amount: the incidents' amounts under a cap per incident
		 * (a cap several plaintiffs share counts once), else the
		 * plaintiffs' actions; times the multiplier and whether this
		 * plaintiff may sue. */
		{
			char *kind = st_ref (x, 'D', a), *mul = st_ref (x, 'G', a), *sue = st_ref (x, 'H', a);
			f = g_strdup_printf ("=IF(%s=\"per incident\",SUMIFS(Incidents!$I$2:$I$%u,Incidents!$A$2:$A$%u,$A%u),"
					     "SUMIFS(Plaintiffs!$K$2:$K$%u,Plaintiffs!$A$2:$A$%u,$A%u))*%s*%s",
					     kind, ilast, ilast, n, plast, plast, n, mul, sue);
			g_free (kind);
			g_free (mul);
			g_free (sue);
		}
		put_formula (&s, 8, f, x->cents, p->amount_cents, digits (p->amount_cents));
		g_free (f);
		f = g_strdup_printf ("=I%u/100", n);
		put_formula (&s, 9, f, x->money, p->amount_cents / 100.0, digits (p->amount_cents) + 2);
		g_free (f);
		put_num (&s, 10, st->excluded_nexus, x->num, 6);
		put_num (&s, 11, st->excluded_effective, x->num, 6);
		put_num (&s, 12, st->excluded_limitations, x->num, 6);
		put_num (&s, 13, st->excluded_by_statute, x->num, 6);
		put_num (&s, 14, st->excluded_analyst, x->num, 6);
		put_num (&s, 15, st->amount_cents, x->cents, digits (st->amount_cents));
		f = g_strdup_printf ("=IF(I%u=P%u,\"agrees\",\"DIFFERS\")", n, n);
		worksheet_write_formula_str (s.ws, s.row, 16, f, x->text, "agrees");
		fit (&s, 16, 9);
		g_free (f);
		put_str (&s, 17, st->method, x->wrap);
		put_num (&s, 18, st->excluded_preempted, x->num, 6);
		put_num (&s, 19, st->excluded_undated, x->num, 6);
		put_num (&s, 20, st->not_violating, x->num, 6);
		s.row++;
	}
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
	total_row (&s, x->tcents, x->tcents, x->tmoney, "DGHIJP", "J");
	columns (&s, 17, 17, 60, x->wrap);
	print_fit (&s, G_N_ELEMENTS (cols));
}

static void
write_statutes (xl_t *x)
{
	wb_report_t *r = x->r;
	static const char *const cols[] = {
		"Statute", "Citation", "Per copy (cents)", "Cap kind", "Cap (cents; 0 = none)", "Election",
		"Multiplier", "Plaintiff may sue (1/0)",
		"Day rule (per day: each day's sum against the cap; aggregate: the sum against the cap x days)", "Where the parameters come from",
		"Provisions violated (used)", "Provisions quoted", "Damages (quoted)", "Rule file", "Rule file SHA-256"
	};
	static const char *const kinds[] = { "none", "per incident", "per day", "per action" };
	sheet_t s = new_sheet (x, "Statutes");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	guint ns = r->d->statutes ? r->d->statutes->len : 0;
	for (guint i = 0; i < ns; i++) {
		const wb_damages_statute_t *st = g_ptr_array_index (r->d->statutes, i);
		const wb_rparams_t *p = &r->params[i];
		{
			const char *t[] = { p->basis, p->provisions, p->quoted, p->damages_text };
			const double w[] = { 50, 50, 50, 50 };
			wrap_height (&s, 4, t, w);
		}
		put_str (&s, 0, st->id, x->text);
		put_str (&s, 1, st->citation, x->text);
		put_num (&s, 2, p->per_message_cents, x->cents, digits (p->per_message_cents));
		put_str (&s, 3, kinds[p->cap_kind], x->text);
		put_num (&s, 4, p->cap_cents, x->cents, digits (p->cap_cents));
		put_str (&s, 5, p->greater ? "greater" : "lesser", x->text);
		put_num (&s, 6, p->multiplier, x->num, 4);
		put_num (&s, 7, p->may_sue, x->num, 4);
		put_str (&s, 8, p->cap_kind != WB_CAP_DAY ? "" : p->aggregate ? "aggregate" : "per day", x->text);
		put_str (&s, 9, p->basis, x->wrap);
		put_str (&s, 10, p->provisions, x->wrap);
		put_str (&s, 11, p->quoted ? p->quoted : "", x->wrap);
		put_str (&s, 12, p->damages_text ? p->damages_text : "", x->wrap);
		put_str (&s, 13, p->rule_file ? p->rule_file : "", x->text);
		put_str (&s, 14, p->rule_sha256 ? p->rule_sha256 : "", x->text);
		s.row++;
	}
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
	columns (&s, 9, 12, 50, x->wrap);
	print_fit (&s, G_N_ELEMENTS (cols));
}

static void
write_attribution (xl_t *x)
{
	wb_report_t *r = x->r;
	static const char *const cols[] = {
		"Party A", "Role A", "Party B", "Role B", "Score", "Strength", "Review", "Note", "Evidence"
	};
	sheet_t s = new_sheet (x, "Attribution");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	sqlite3_stmt *q = NULL;
	if (r->has_attrib && sqlite3_prepare_v2 (wb_case_db (r->cs),
		"SELECT pa.name, pa.role, pb.name, pb.role, l.score, l.strength, l.review, l.note, l.summary"
		" FROM links l JOIN parties pa ON pa.id = l.party_a JOIN parties pb ON pb.id = l.party_b"
		" ORDER BY l.score DESC, l.id", -1, &q, NULL) != SQLITE_OK)
		q = NULL;
	while (q && sqlite3_step (q) == SQLITE_ROW) {
		for (int c = 0; c < 9; c++) {
			if (c == 4)
				put_num (&s, c, sqlite3_column_double (q, c), x->num, 8);
			else
				put_str (&s, c, (const char *) sqlite3_column_text (q, c), c == 8 ? x->wrap : x->text);
		}
		s.row++;
	}
	if (q)
		sqlite3_finalize (q);
	else {
		put_str (&s, 0, r->has_attrib ? "The links could not be read from the case"
			 : "No attribution in the case (run 'workbench link')", x->text);
		s.row++;
	}
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
}

/* Custody: the sources (one row per archive or file ingested) and the
 * custody log, each a sheet of its own with a filter. */
static wb_status_t
write_custody (xl_t *x)
{
	wb_report_t *r = x->r;
	static const char *const cols[] = {
		"Source", "Container chain", "Format", "Role", "Size (bytes)", "SHA-256", "Copies", "Ingested at (UTC)"
	};
	static const char *const ccols[] = {
		"Row", "Run", "At (UTC)", "Action", "Command", "Operator", "Tool version", "Detail"
	};
	sheet_t s = new_sheet (x, "Sources");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	sqlite3 *db = wb_case_db (r->cs);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2 (db, "SELECT id, chain, format, role, size, sha256, messages, ingested_at"
				" FROM sources ORDER BY id", -1, &q, NULL) != SQLITE_OK)
		return wb_case_fail_db (r->cs, "cannot read sources");
	while (sqlite3_step (q) == SQLITE_ROW) {
		for (int c = 0; c < 8; c++) {
			if (c == 0 || c == 4 || c == 6) {
				if (sqlite3_column_type (q, c) != SQLITE_NULL)
					put_num (&s, c, sqlite3_column_int64 (q, c), x->num, digits (sqlite3_column_int64 (q, c)));
			} else if (c == 7)
				put_iso (&s, x, c, (const char *) sqlite3_column_text (q, c));
			else
				put_str (&s, c, (const char *) sqlite3_column_text (q, c), c == 1 || c == 5 ? x->wrap : x->text);
		}
		s.row++;
	}
	sqlite3_finalize (q);
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);

	sheet_t c = new_sheet (x, "Custody log");
	page_setup (&c, TRUE);
	header (&c, x, ccols, G_N_ELEMENTS (ccols));
	/* Rows of earlier reports and verifications are left out, as the case
	 * clock leaves them out: they change nothing in the evidence, and a
	 * second report of the same case must give the same bytes. */
	if (sqlite3_prepare_v2 (db, "SELECT id, run, at, action, command, operator, tool_version, detail"
				" FROM custody WHERE command NOT IN ('report', 'verify') ORDER BY id",
				-1, &q, NULL) != SQLITE_OK)
		return wb_case_fail_db (r->cs, "cannot read the custody log");
	while (sqlite3_step (q) == SQLITE_ROW) {
		for (int k = 0; k < 8; k++) {
			if (k < 2)
				put_num (&c, k, sqlite3_column_int64 (q, k), x->num, 6);
			else if (k == 2)
				put_iso (&c, x, k, (const char *) sqlite3_column_text (q, k));
			else
				put_str (&c, k, (const char *) sqlite3_column_text (q, k), k == 7 || k == 4 ? x->wrap : x->text);
		}
		c.row++;
	}
	sqlite3_finalize (q);
	finish_sheet (&c, G_N_ELEMENTS (ccols), TRUE);
	return WB_OK;
}

static void
write_summary (xl_t *x, sheet_t *s)
{
	wb_report_t *r = x->r;
	char buf[64];
	page_setup (s, FALSE);
	char *title = g_strdup_printf ("%s: %s", wb_report_tpl (r, "titles", "workbook", "Exhibits"),
				       r->case_name ? r->case_name : "(unnamed case)");
	put_str (s, 0, title, x->title);
	g_free (title);
	worksheet_set_row (s->ws, s->row, 24, NULL);
	s->row += 2;
	struct { const char *k; const char *v; } info[] = {
		{ "Case", r->case_name ? r->case_name : "" },
		{ "Generated at (case clock)", r->generated_at },
		{ "Tool", "workbench " WB_VERSION },
		{ "Case digest", r->case_sha256 },
		{ "Damages options", r->o->options_text ? r->o->options_text : "" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (info); i++) {
		worksheet_write_string (s->ws, s->row, 0, info[i].k, x->bold);
		put_str (s, 1, info[i].v, x->text);
		s->row++;
	}
	worksheet_write_string (s->ws, s->row, 0, "Filed", x->bold);
	if (r->filed && excel_day (r->filed) > 0)
		put_num (s, 1, excel_day (r->filed), x->date, 12);
	else
		put_str (s, 1, "(not set: 'workbench case CASE set filed=YYYY-MM-DD')", x->text);
	s->row++;
	worksheet_write_string (s->ws, s->row, 0, "Counted copies (distinct)", x->bold);
	put_num (s, 1, r->distinct_copies, x->num, 10);
	s->row += 2;
	static const char *const cols[] = { "Statute", "Citation", "Amount (cents)", "Amount ($)" };
	for (int i = 0; i < 4; i++)
		worksheet_write_string (s->ws, s->row, i, cols[i], x->hdr);
	s->row++;
	guint ns = r->d->statutes ? r->d->statutes->len : 0;
	unsigned first = s->row + 1;
	int64_t total = 0;
	for (guint i = 0; i < ns; i++) {
		const wb_damages_statute_t *st = g_ptr_array_index (r->d->statutes, i);
		put_str (s, 0, st->id, x->text);
		put_str (s, 1, st->citation, x->text);
		g_snprintf (buf, sizeof buf, "=Damages!I%u", i + 2);
		put_formula (s, 2, buf, x->cents, r->params[i].amount_cents, 14);
		g_snprintf (buf, sizeof buf, "=C%u/100", (unsigned) s->row + 1);
		put_formula (s, 3, buf, x->money, r->params[i].amount_cents / 100.0, 16);
		total += r->params[i].amount_cents;
		s->row++;
	}
	worksheet_write_string (s->ws, s->row, 0, "Total", x->hdr);
	worksheet_write_string (s->ws, s->row, 1, "", x->hdr);
	g_snprintf (buf, sizeof buf, "=SUM(Damages!$I$2:$I$%u)", ns + 1 < 2 ? 2 : ns + 1);
	worksheet_write_formula_num (s->ws, s->row, 2, buf, x->tcents, total);
	g_snprintf (buf, sizeof buf, "=C%u/100", (unsigned) s->row + 1);
	worksheet_write_formula_num (s->ws, s->row, 3, buf, x->tmoney, total / 100.0);
	(void) first;
	s->row += 2;
	worksheet_write_string (s->ws, s->row, 0, "Copies per day", x->bold);
	s->row++;
	worksheet_write_string (s->ws, s->row, 0, "Day", x->hdr);
	worksheet_write_string (s->ws, s->row, 1, "Copies", x->hdr);
	s->row++;
	unsigned d0 = s->row + 1;
	for (guint i = 0; i < r->day_copies->len; i++) {
		wb_rcount_t *c = g_ptr_array_index (r->day_copies, i);
		put_num (s, 0, excel_day (c->key), x->date, 12);
		put_num (s, 1, c->n, x->num, 8);
		s->row++;
	}
	unsigned d1 = s->row;
	columns (s, 0, 0, 28, NULL);
	columns (s, 1, 1, 44, NULL);
	columns (s, 2, 3, 18, NULL);
	print_fit (s, 4);
	if (r->day_copies->len) {
		lxw_chart *ch = workbook_add_chart (x->wb, LXW_CHART_COLUMN);
		char cats[64], vals[64];
		g_snprintf (cats, sizeof cats, "=Summary!$A$%u:$A$%u", d0, d1);
		g_snprintf (vals, sizeof vals, "=Summary!$B$%u:$B$%u", d0, d1);
		lxw_chart_series *se = chart_add_series (ch, cats, vals);
		chart_series_set_name (se, "Copies");
		chart_title_set_name (ch, "Counted copies per day");
		chart_axis_set_name (ch->x_axis, "Day of receipt (trap's time zone)");
		chart_axis_set_name (ch->y_axis, "Copies");
		chart_axis_set_num_format (ch->x_axis, "yyyy-mm-dd");
		chart_legend_set_position (ch, LXW_CHART_LEGEND_NONE);
		lxw_chart_options co = { .x_scale = 1.6, .y_scale = 1.4 };
		/* Below the tables, within their width: the sheet prints one page wide. */
		worksheet_insert_chart_opt (s->ws, d1 + 1, 0, ch, &co);
	}
}

/* ---- Defendants: formulas over an attribution sheet ----
 *
 * Each defendant's exposure is recomputed from its copies, so that an
 * amount changed on the Statutes or Provision amounts sheet changes it:
 *   Defendant copies   one row per defendant, copy and statute it counts
 *                      under (the engine's wb_damages_defendants() lists
 *                      them), its amount from the Statutes sheet as on
 *                      Messages, and its group: the incident under a cap
 *                      per incident, else the plaintiff's day;
 *   Defendant groups   each group's sums, and its cap per incident or per
 *                      day (the engine's rule, as on Incidents and Days);
 *   Defendant actions  each plaintiff's action: the groups added up, or
 *                      its cap per action (or per day, aggregate);
 *   Defendants by statute, Defendants: the actions added up.
 * A pseudo-defendant, "(any defendant, each copy once)", holds every copy
 * attributed to some defendant once: the total row of Defendants.  The
 * engine's own amounts stand beside, with a check. */

#define ANY_DEFENDANT "(any defendant, each copy once)"

typedef struct {
	int def;                         /* index into defendants; ndef: any */
	int statute;                     /* report statute index */
	const wb_damages_row_t *row;     /* its Messages row */
	int group;                       /* within (def, statute), from 1 */
	guint gidx;                      /* index into the groups */
	int plaintiff;                   /* its group's plaintiff + 1; 0: several */
	gboolean first;                  /* the first row of this copy for this defendant */
} dcopy_t;

typedef struct {
	int def, statute, number, plaintiff;   /* plaintiff + 1, 0: several */
	int64_t incident;                /* 0: a day's group */
	const char *day;
	int64_t copies, uncapped, outside, cap, amount;
} dgroup_t;

typedef struct {
	int def, statute, plaintiff;
	int64_t copies, uncapped, outside, days, cap, base, amount;
} daction_t;

static int
int64_cmp (gconstpointer a, gconstpointer b)
{
	int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
	return x < y ? -1 : x > y;
}

static int
dcopy_cmp (gconstpointer a, gconstpointer b)
{
	const dcopy_t *x = a, *y = b;
	if (x->def != y->def)
		return x->def < y->def ? -1 : 1;
	if (x->statute != y->statute)
		return x->statute < y->statute ? -1 : 1;
	return x->row->message < y->row->message ? -1 : x->row->message > y->row->message;
}

/* The Messages row of MESSAGE under statute S (rows are by statute, then
 * message), or NULL. */
static const wb_damages_row_t *
case_row (wb_report_t *r, int s, int64_t message)
{
	GArray *rows = r->d->rows;
	guint lo = 0, hi = rows ? rows->len : 0;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		const wb_damages_row_t *x = &g_array_index (rows, wb_damages_row_t, mid);
		if (x->statute < s || (x->statute == s && x->message < message))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (rows && lo < rows->len) {
		const wb_damages_row_t *x = &g_array_index (rows, wb_damages_row_t, lo);
		if (x->statute == s && x->message == message)
			return x;
	}
	return NULL;
}

static int
report_statute (wb_report_t *r, const char *id)
{
	for (guint i = 0; r->d->statutes && i < r->d->statutes->len; i++)
		if (strcmp (((wb_damages_statute_t *) g_ptr_array_index (r->d->statutes, i))->id, id) == 0)
			return (int) i;
	return -1;
}

typedef struct {
	wb_defendants_t *dd;
	GArray *copies, *groups, *actions;   /* dcopy_t, dgroup_t, daction_t */
	int ndef;
	GHashTable *missing;             /* defendant index -> TRUE: a copy not on Messages */
} dwork_t;

/* Group the copies and compute what the formulas give (the cached values). */
static void
defendant_groups (xl_t *x, dwork_t *w)
{
	wb_report_t *r = x->r;
	GHashTable *gi = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	int ldef = -1, lst = -1, number = 0;
	for (guint i = 0; i < w->copies->len; i++) {
		dcopy_t *c = &g_array_index (w->copies, dcopy_t, i);
		const wb_rparams_t *p = &r->params[c->statute];
		gboolean by_incident = p->cap_kind == WB_CAP_INCIDENT;
		char *key = by_incident
			? g_strdup_printf ("%d\t%d\ti%" G_GINT64_FORMAT, c->def, c->statute, c->row->incident)
			: g_strdup_printf ("%d\t%d\td%d\t%s", c->def, c->statute, c->row->plaintiff, c->row->local_day);
		guint k = GPOINTER_TO_UINT (g_hash_table_lookup (gi, key));
		if (!k) {
			dgroup_t g = { c->def, c->statute, 0, c->row->plaintiff + 1, by_incident ? c->row->incident : 0,
				       by_incident ? NULL : c->row->local_day, 0, 0, 0, 0, 0 };
			if (c->def != ldef || c->statute != lst)
				number = 0;
			ldef = c->def;
			lst = c->statute;
			g.number = ++number;
			g_array_append_val (w->groups, g);
			k = w->groups->len;
			g_hash_table_insert (gi, key, GUINT_TO_POINTER (k));
		} else
			g_free (key);
		dgroup_t *g = &g_array_index (w->groups, dgroup_t, k - 1);
		if (g->plaintiff != c->row->plaintiff + 1)
			g->plaintiff = 0;
		if (!by_incident || !g->day)
			g->day = c->row->local_day;
		if (by_incident && strcmp (g->day, c->row->local_day) != 0)
			g->day = "";
		c->group = g->number;
		c->gidx = k - 1;
		g->copies++;
		g->uncapped += c->row->per_message_cents;
		if (c->row->uncapped)
			g->outside += c->row->per_message_cents;
	}
	g_hash_table_destroy (gi);
	/* A copy's plaintiff is its group's (0: several share an incident). */
	for (guint i = 0; i < w->copies->len; i++) {
		dcopy_t *c = &g_array_index (w->copies, dcopy_t, i);
		c->plaintiff = g_array_index (w->groups, dgroup_t, c->gidx).plaintiff;
	}
	GHashTable *ai = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (guint j = 0; j < w->groups->len; j++) {
		dgroup_t *g = &g_array_index (w->groups, dgroup_t, j);
		const wb_rparams_t *p = &r->params[g->statute];
		int64_t under = g->uncapped - g->outside;
		gboolean capped = p->cap_kind == WB_CAP_INCIDENT || (p->cap_kind == WB_CAP_DAY && !p->aggregate);
		g->cap = capped ? p->cap_cents : 0;
		g->amount = (g->cap > 0 && under > 0 ? (p->greater ? MAX (under, g->cap) : MIN (under, g->cap)) : under)
			    + g->outside;
		char *key = g_strdup_printf ("%d\t%d\t%d", g->def, g->statute, g->plaintiff);
		guint k = GPOINTER_TO_UINT (g_hash_table_lookup (ai, key));
		if (!k) {
			daction_t a = { g->def, g->statute, g->plaintiff, 0, 0, 0, 0, p->cap_cents, 0, 0 };
			g_array_append_val (w->actions, a);
			k = w->actions->len;
			g_hash_table_insert (ai, key, GUINT_TO_POINTER (k));
		} else
			g_free (key);
		daction_t *a = &g_array_index (w->actions, daction_t, k - 1);
		a->copies += g->copies;
		a->uncapped += g->uncapped;
		a->outside += g->outside;
		a->days += under > 0;
		a->base += g->amount;
	}
	g_hash_table_destroy (ai);
	for (guint j = 0; j < w->actions->len; j++) {
		daction_t *a = &g_array_index (w->actions, daction_t, j);
		const wb_rparams_t *p = &r->params[a->statute];
		int64_t under = a->uncapped - a->outside;
		if (p->cap_kind == WB_CAP_NONE)
			a->base = a->uncapped;
		else if (p->cap_kind == WB_CAP_ACTION || (p->cap_kind == WB_CAP_DAY && p->aggregate)) {
			int64_t cap = p->cap_cents * (p->cap_kind == WB_CAP_DAY ? a->days : 1);
			a->base = (under > 0 ? (p->greater ? MAX (under, cap) : MIN (under, cap)) : 0) + a->outside;
		}
		a->amount = a->base * p->multiplier * p->may_sue;
	}
}

static const char *
defendant_name (dwork_t *w, int k)
{
	return k < w->ndef ? ((wb_defendant_t *) g_ptr_array_index (w->dd->defendants, k))->name : ANY_DEFENDANT;
}

/* A formula's "Sheet!$C$2:$C$N". */
static char *
drange (const char *sheet, char col, unsigned last)
{
	return g_strdup_printf ("'%s'!$%c$2:$%c$%u", sheet, col, col, last < 2 ? 2 : last);
}

static void
write_defendant_copies (xl_t *x, dwork_t *w)
{
	static const char *const cols[] = {
		"Defendant", "Statute", "Copy id (as the case names it)", "Plaintiff (no.; 0 = several sharing an incident's cap)",
		"Incident", "Day", "Group (no., within the defendant and statute)", "Amount (cents)",
		"Outside the cap (1 = yes)", "Provision giving the amount or outside the cap (Provision amounts; empty: the statute's)",
		"First row of the copy for the defendant (1 = yes)"
	};
	sheet_t s = new_sheet (x, "Defendant copies");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	for (guint i = 0; i < w->copies->len; i++) {
		const dcopy_t *c = &g_array_index (w->copies, dcopy_t, i);
		put_str (&s, 0, defendant_name (w, c->def), x->text);
		put_str (&s, 1, statute_id (x->r, c->statute), x->text);
		put_num (&s, 2, c->row->message, x->num, digits (c->row->message));
		put_num (&s, 3, c->plaintiff, x->num, 4);
		put_num (&s, 4, c->row->incident, x->num, digits (c->row->incident));
		put_num (&s, 5, excel_day (c->row->local_day), x->date, 11);
		put_num (&s, 6, c->group, x->num, digits (c->group));
		amount_cells (x, &s, c->row, 'B', 'J', 7, 8);
		put_num (&s, 10, c->first ? 1 : 0, x->num, 4);
		s.row++;
	}
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
	total_row (&s, x->tcents, x->tcents, x->tmoney, "HK", "");
}

static void
write_defendant_groups (xl_t *x, dwork_t *w)
{
	static const char *const cols[] = {
		"Defendant", "Statute", "Group (no.)", "Plaintiff (no.; 0 = several sharing the cap)", "Incident (0: a day)",
		"Day", "Copies", "Uncapped (cents)", "Outside the cap (cents)", "Under the cap (cents)",
		"Cap per incident or per day (cents; 0 = none)", "Amount (cents)"
	};
	sheet_t s = new_sheet (x, "Defendant groups");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	unsigned cl = w->copies->len + 1;
	char *ca = drange ("Defendant copies", 'A', cl), *cb = drange ("Defendant copies", 'B', cl);
	char *cg = drange ("Defendant copies", 'G', cl), *ch = drange ("Defendant copies", 'H', cl);
	char *ci = drange ("Defendant copies", 'I', cl);
	for (guint j = 0; j < w->groups->len; j++) {
		const dgroup_t *g = &g_array_index (w->groups, dgroup_t, j);
		unsigned n = s.row + 1;
		put_str (&s, 0, defendant_name (w, g->def), x->text);
		put_str (&s, 1, statute_id (x->r, g->statute), x->text);
		put_num (&s, 2, g->number, x->num, digits (g->number));
		put_num (&s, 3, g->plaintiff, x->num, 4);
		put_num (&s, 4, g->incident, x->num, digits (g->incident));
		if (g->day && *g->day)
			put_num (&s, 5, excel_day (g->day), x->date, 11);
		char *f = g_strdup_printf ("=COUNTIFS(%s,$A%u,%s,$B%u,%s,$C%u)", ca, n, cb, n, cg, n);
		put_formula (&s, 6, f, x->num, g->copies, digits (g->copies));
		g_free (f);
		f = g_strdup_printf ("=SUMIFS(%s,%s,$A%u,%s,$B%u,%s,$C%u)", ch, ca, n, cb, n, cg, n);
		put_formula (&s, 7, f, x->cents, g->uncapped, digits (g->uncapped));
		g_free (f);
		f = g_strdup_printf ("=SUMIFS(%s,%s,$A%u,%s,$B%u,%s,$C%u,%s,1)", ch, ca, n, cb, n, cg, n, ci);
		put_formula (&s, 8, f, x->cents, g->outside, digits (g->outside));
		g_free (f);
		f = g_strdup_printf ("=H%u-I%u", n, n);
		put_formula (&s, 9, f, x->cents, g->uncapped - g->outside, digits (g->uncapped));
		g_free (f);
		{
			char key[16];
			g_snprintf (key, sizeof key, "$B%u", n);
			char *kind = st_ref (x, 'D', key), *rule = st_ref (x, 'I', key), *cap = st_ref (x, 'E', key);
			f = g_strdup_printf ("=IF(OR(%s=\"per incident\",AND(%s=\"per day\",%s<>\"aggregate\")),%s,0)",
					     kind, kind, rule, cap);
			put_formula (&s, 10, f, x->cents, g->cap, digits (g->cap));
			g_free (kind);
			g_free (rule);
			g_free (cap);
			g_free (f);
		}
		f = group_formula_key (x, n, 'B', 'H', 'I', 'K');
		put_formula (&s, 11, f, x->cents, g->amount, digits (g->amount));
		g_free (f);
		s.row++;
	}
	g_free (ca);
	g_free (cb);
	g_free (cg);
	g_free (ch);
	g_free (ci);
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
	total_row (&s, x->tcents, x->tcents, x->tcents, "GHIJL", "");
}

static void
write_defendant_actions (xl_t *x, dwork_t *w)
{
	static const char *const cols[] = {
		"Defendant", "Statute", "Plaintiff (no.; 0 = several sharing an incident's cap)", "Copies",
		"Uncapped (cents)", "Outside the cap (cents)", "Groups under the cap (days, under a cap per day)",
		"Cap (cents; 0 = none)", "Before the multiplier (cents)", "Amount (cents)", "Amount ($)"
	};
	sheet_t s = new_sheet (x, "Defendant actions");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	unsigned cl = w->copies->len + 1, gl = w->groups->len + 1;
	char *ca = drange ("Defendant copies", 'A', cl), *cb = drange ("Defendant copies", 'B', cl);
	char *cd = drange ("Defendant copies", 'D', cl), *ch = drange ("Defendant copies", 'H', cl);
	char *ci = drange ("Defendant copies", 'I', cl);
	char *ga = drange ("Defendant groups", 'A', gl), *gb = drange ("Defendant groups", 'B', gl);
	char *gd = drange ("Defendant groups", 'D', gl), *gj = drange ("Defendant groups", 'J', gl);
	char *glr = drange ("Defendant groups", 'L', gl);
	for (guint j = 0; j < w->actions->len; j++) {
		const daction_t *a = &g_array_index (w->actions, daction_t, j);
		unsigned n = s.row + 1;
		put_str (&s, 0, defendant_name (w, a->def), x->text);
		put_str (&s, 1, statute_id (x->r, a->statute), x->text);
		put_num (&s, 2, a->plaintiff, x->num, 4);
		char *f = g_strdup_printf ("=COUNTIFS(%s,$A%u,%s,$B%u,%s,$C%u)", ca, n, cb, n, cd, n);
		put_formula (&s, 3, f, x->num, a->copies, digits (a->copies));
		g_free (f);
		f = g_strdup_printf ("=SUMIFS(%s,%s,$A%u,%s,$B%u,%s,$C%u)", ch, ca, n, cb, n, cd, n);
		put_formula (&s, 4, f, x->cents, a->uncapped, digits (a->uncapped));
		g_free (f);
		f = g_strdup_printf ("=SUMIFS(%s,%s,$A%u,%s,$B%u,%s,$C%u,%s,1)", ch, ca, n, cb, n, cd, n, ci);
		put_formula (&s, 5, f, x->cents, a->outside, digits (a->outside));
		g_free (f);
		f = g_strdup_printf ("=COUNTIFS(%s,$A%u,%s,$B%u,%s,$C%u,%s,\">0\")", ga, n, gb, n, gd, n, gj);
		put_formula (&s, 6, f, x->num, a->days, digits (a->days));
		g_free (f);
		{
			char key[16];
			g_snprintf (key, sizeof key, "$B%u", n);
			char *kind = st_ref (x, 'D', key), *cap = st_ref (x, 'E', key), *el = st_ref (x, 'F', key);
			char *mul = st_ref (x, 'G', key), *sue = st_ref (x, 'H', key), *rule = st_ref (x, 'I', key);
			f = g_strdup_printf ("=%s", cap);
			put_formula (&s, 7, f, x->cents, a->cap, digits (a->cap));
			g_free (f);
			/* none: the sum; a cap per incident, or per day: the
			 * groups' amounts; per action, or per day aggregate:
			 * elect(sum under the cap, cap [x days]) plus the rest. */
			f = g_strdup_printf ("=IF(%s=\"none\",E%u,"
					     "IF(OR(%s=\"per incident\",AND(%s=\"per day\",%s<>\"aggregate\")),"
					     "SUMIFS(%s,%s,$A%u,%s,$B%u,%s,$C%u),"
					     "IF(E%u-F%u>0,IF(%s=\"greater\",MAX(E%u-F%u,H%u*IF(%s=\"per day\",G%u,1)),"
					     "MIN(E%u-F%u,H%u*IF(%s=\"per day\",G%u,1))),0)+F%u))",
					     kind, n,
					     kind, kind, rule,
					     glr, ga, n, gb, n, gd, n,
					     n, n, el, n, n, n, kind, n,
					     n, n, n, kind, n, n);
			put_formula (&s, 8, f, x->cents, a->base, digits (a->base));
			g_free (f);
			f = g_strdup_printf ("=I%u*%s*%s", n, mul, sue);
			put_formula (&s, 9, f, x->cents, a->amount, digits (a->amount));
			g_free (f);
			g_free (kind);
			g_free (cap);
			g_free (el);
			g_free (mul);
			g_free (sue);
			g_free (rule);
		}
		f = g_strdup_printf ("=J%u/100", n);
		put_formula (&s, 10, f, x->money, a->amount / 100.0, digits (a->amount) + 2);
		g_free (f);
		s.row++;
	}
	g_free (ca);
	g_free (cb);
	g_free (cd);
	g_free (ch);
	g_free (ci);
	g_free (ga);
	g_free (gb);
	g_free (gd);
	g_free (gj);
	g_free (glr);
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
	total_row (&s, x->tcents, x->tcents, x->tmoney, "DEFIJK", "K");
}

/* Defendants by statute: the actions added up, with the engine's amount
 * and the reason for a $0. */
static void
write_defendant_statutes (xl_t *x, dwork_t *w)
{
	static const char *const cols[] = {
		"Defendant", "Statute", "Citation", "Violating copies", "Uncapped (cents)", "Amount (cents)",
		"Amount ($)", "Engine amount (cents)", "Check", "Why $0"
	};
	sheet_t s = new_sheet (x, "Defendants by statute");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	unsigned cl = w->copies->len + 1, al = w->actions->len + 1;
	char *ca = drange ("Defendant copies", 'A', cl), *cb = drange ("Defendant copies", 'B', cl);
	char *ch = drange ("Defendant copies", 'H', cl);
	char *aa = drange ("Defendant actions", 'A', al), *ab = drange ("Defendant actions", 'B', al);
	char *aj = drange ("Defendant actions", 'J', al);
	guint ns = x->r->d->statutes ? x->r->d->statutes->len : 0;
	for (int k = 0; k <= w->ndef; k++) {
		const wb_defendant_t *d = k < w->ndef ? g_ptr_array_index (w->dd->defendants, k) : NULL;
		for (guint i = 0; i < ns; i++) {
			const wb_damages_statute_t *st = g_ptr_array_index (x->r->d->statutes, i);
			const wb_defendant_statute_t *ds = NULL;
			for (guint j = 0; d && d->statutes && j < d->statutes->len; j++)
				if (strcmp (((wb_defendant_statute_t *) g_ptr_array_index (d->statutes, j))->id, st->id) == 0)
					ds = g_ptr_array_index (d->statutes, j);
			int64_t copies = 0, unc = 0, amt = 0;
			for (guint j = 0; j < w->actions->len; j++) {
				const daction_t *a = &g_array_index (w->actions, daction_t, j);
				if (a->def == k && a->statute == (int) i) {
					copies += a->copies;
					unc += a->uncapped;
					amt += a->amount;
				}
			}
			unsigned n = s.row + 1;
			put_str (&s, 0, defendant_name (w, k), x->text);
			put_str (&s, 1, st->id, x->text);
			put_str (&s, 2, st->citation, x->text);
			char *f = g_strdup_printf ("=COUNTIFS(%s,$A%u,%s,$B%u)", ca, n, cb, n);
			put_formula (&s, 3, f, x->num, copies, digits (copies));
			g_free (f);
			f = g_strdup_printf ("=SUMIFS(%s,%s,$A%u,%s,$B%u)", ch, ca, n, cb, n);
			put_formula (&s, 4, f, x->cents, unc, digits (unc));
			g_free (f);
			f = g_strdup_printf ("=SUMIFS(%s,%s,$A%u,%s,$B%u)", aj, aa, n, ab, n);
			put_formula (&s, 5, f, x->cents, amt, digits (amt));
			g_free (f);
			f = g_strdup_printf ("=F%u/100", n);
			put_formula (&s, 6, f, x->money, amt / 100.0, digits (amt) + 2);
			g_free (f);
			if (ds)
				put_num (&s, 7, ds->amount_cents, x->cents, digits (ds->amount_cents));
			f = g_strdup_printf ("=IF(H%u=\"\",\"\",IF(F%u=H%u,\"agrees\",\"DIFFERS\"))", n, n, n);
			worksheet_write_formula_str (s.ws, s.row, 8, f, x->text,
						     !ds ? "" : ds->amount_cents == amt ? "agrees" : "DIFFERS");
			fit (&s, 8, 9);
			g_free (f);
			put_str (&s, 9, ds && !ds->amount_cents && ds->reason ? ds->reason
				 : d ? "" : "the engine gives this share's total only (Defendants)", x->wrap);
			s.row++;
		}
	}
	g_free (ca);
	g_free (cb);
	g_free (ch);
	g_free (aa);
	g_free (ab);
	g_free (aj);
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
	columns (&s, 9, 9, 40, x->wrap);
	print_fit (&s, G_N_ELEMENTS (cols));
}

static void
write_defendant_list (xl_t *x, dwork_t *w)
{
	static const char *const cols[] = {
		"Defendant", "Parties (case ids)", "As sender", "As affiliate", "As advertiser", "Violating copies",
		"Exposure (cents)", "Exposure ($)", "Engine exposure (cents)", "Check", "Weakest link",
		"First violating copy", "Last violating copy", "After filing", "Links not relied on"
	};
	sheet_t s = new_sheet (x, "Defendants");
	page_setup (&s, TRUE);
	header (&s, x, cols, G_N_ELEMENTS (cols));
	unsigned cl = w->copies->len + 1;
	unsigned sl = (unsigned) (w->ndef + 1) * (x->r->d->statutes ? x->r->d->statutes->len : 0) + 1;
	char *ca = drange ("Defendant copies", 'A', cl), *ck = drange ("Defendant copies", 'K', cl);
	char *sa = drange ("Defendants by statute", 'A', sl), *sf = drange ("Defendants by statute", 'F', sl);
	int64_t *viol = g_new0 (int64_t, w->ndef + 2), *amt = g_new0 (int64_t, w->ndef + 2);
	for (guint i = 0; i < w->copies->len; i++) {
		const dcopy_t *c = &g_array_index (w->copies, dcopy_t, i);
		viol[c->def] += c->first;
	}
	for (guint j = 0; j < w->actions->len; j++) {
		const daction_t *a = &g_array_index (w->actions, daction_t, j);
		amt[a->def] += a->amount;
	}
	int64_t sum = 0;
	for (int k = 0; k < w->ndef; k++) {
		const wb_defendant_t *f = g_ptr_array_index (w->dd->defendants, k);
		unsigned n = s.row + 1;
		{
			const char *t[] = { f->name, f->weakest_text, f->weak_links };
			const double wd[] = { 32, 40, 40 };
			wrap_height (&s, 3, t, wd);
		}
		put_str (&s, 0, f->name, x->wrap);
		GString *ids = g_string_new ("");
		for (guint j = 0; j < f->party_ids->len; j++)
			g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, j ? " " : "",
						g_array_index (f->party_ids, int64_t, j));
		put_str (&s, 1, ids->str, x->text);
		g_string_free (ids, TRUE);
		for (int b = 0; b < 3; b++)
			put_num (&s, 2 + b, f->role_copies[b], x->num, digits (f->role_copies[b]));
		char *fm = g_strdup_printf ("=SUMIFS(%s,%s,$A%u)", ck, ca, n);
		put_formula (&s, 5, fm, x->num, viol[k], digits (viol[k]));
		g_free (fm);
		fm = g_strdup_printf ("=SUMIFS(%s,%s,$A%u)", sf, sa, n);
		put_formula (&s, 6, fm, x->cents, amt[k], digits (amt[k]));
		g_free (fm);
		fm = g_strdup_printf ("=G%u/100", n);
		put_formula (&s, 7, fm, x->money, amt[k] / 100.0, digits (amt[k]) + 2);
		g_free (fm);
		put_num (&s, 8, f->amount_cents, x->cents, digits (f->amount_cents));
		fm = g_strdup_printf ("=IF(G%u=I%u,\"agrees\",\"DIFFERS\")", n, n);
		worksheet_write_formula_str (s.ws, s.row, 9, fm, x->text, f->amount_cents == amt[k] ? "agrees" : "DIFFERS");
		fit (&s, 9, 9);
		g_free (fm);
		char *weakest = !f->group ? g_strdup ("single party")
				: f->weak ? g_strdup_printf ("WEAK: %s", f->weakest_text ? f->weakest_text : "no link")
				: g_strdup (f->weakest_text ? f->weakest_text : "");
		put_str (&s, 10, weakest, x->wrap);
		g_free (weakest);
		char b[48];
		if (f->first_copy) {
			g_snprintf (b, sizeof b, "%" G_GINT64_FORMAT ", %s", f->first_copy, f->first_day);
			put_str (&s, 11, b, x->text);
			g_snprintf (b, sizeof b, "%" G_GINT64_FORMAT ", %s", f->last_copy, f->last_day);
			put_str (&s, 12, b, x->text);
		}
		put_num (&s, 13, f->after_filing, x->num, digits (f->after_filing));
		put_str (&s, 14, f->weak_links ? f->weak_links : "", x->wrap);
		sum += amt[k];
		s.row++;
	}
	unsigned last = s.row < 2 ? 2 : s.row;
	finish_sheet (&s, G_N_ELEMENTS (cols), TRUE);
	columns (&s, 0, 0, 32, x->wrap);
	columns (&s, 10, 10, 40, x->wrap);
	columns (&s, 14, 14, 40, x->wrap);
	print_fit (&s, G_N_ELEMENTS (cols));
	/* Two totals: the exposures added up count a copy claimed against
	 * several defendants in each; the case recovers it once. */
	char f[160];
	worksheet_write_string (s.ws, s.row, 0, "Exposures added up", x->tcents);
	g_snprintf (f, sizeof f, "=SUM(G2:G%u)", last);
	worksheet_write_formula_num (s.ws, s.row, 6, f, x->tcents, sum);
	g_snprintf (f, sizeof f, "=G%u/100", (unsigned) s.row + 1);
	worksheet_write_formula_num (s.ws, s.row, 7, f, x->tmoney, sum / 100.0);
	worksheet_write_number (s.ws, s.row, 8, w->dd->exposure_sum_cents, x->tcents);
	s.row++;
	worksheet_write_string (s.ws, s.row, 0, "Total, each copy once", x->tcents);
	unsigned n = s.row + 1;
	g_snprintf (f, sizeof f, "=SUMIFS(%s,%s,\"%s\")", ck, ca, ANY_DEFENDANT);
	worksheet_write_formula_num (s.ws, s.row, 5, f, x->tcents, viol[w->ndef]);
	g_snprintf (f, sizeof f, "=SUMIFS(%s,%s,\"%s\")", sf, sa, ANY_DEFENDANT);
	worksheet_write_formula_num (s.ws, s.row, 6, f, x->tcents, amt[w->ndef]);
	g_snprintf (f, sizeof f, "=G%u/100", n);
	worksheet_write_formula_num (s.ws, s.row, 7, f, x->tmoney, amt[w->ndef] / 100.0);
	worksheet_write_number (s.ws, s.row, 8, w->dd->total_cents, x->tcents);
	g_snprintf (f, sizeof f, "=IF(G%u=I%u,\"agrees\",\"DIFFERS\")", n, n);
	worksheet_write_formula_str (s.ws, s.row, 9, f, x->tcents, w->dd->total_cents == amt[w->ndef] ? "agrees" : "DIFFERS");
	s.row++;
	g_free (viol);
	g_free (amt);
	g_free (ca);
	g_free (ck);
	g_free (sa);
	g_free (sf);
}

/* The defendant sheets, in place of the sections' tables of values; FALSE
 * (the values are shown) when the engine cannot list the copies or a
 * defendant's copy is counted under a statute the case's own rows do not
 * count it under (the election between statutes resolved otherwise for
 * it), or the copies would not fit one sheet. */
static gboolean
write_defendants (xl_t *x)
{
	wb_report_t *r = x->r;
	dwork_t w = { 0 };
	gboolean ok = FALSE;
	if (!r->has_attrib || !r->d->statutes || r->d->statutes->len > 64 ||
	    wb_damages_defendants (r->cs, &r->d->opts, "*", &w.dd) != WB_OK)
		return FALSE;
	w.ndef = w.dd->defendants->len;
	w.copies = g_array_new (FALSE, FALSE, sizeof (dcopy_t));
	w.groups = g_array_new (FALSE, FALSE, sizeof (dgroup_t));
	w.actions = g_array_new (FALSE, FALSE, sizeof (daction_t));
	GHashTable *any = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);  /* message -> bits */
	gboolean fits = TRUE;
	for (int k = 0; k < w.ndef && fits; k++) {
		const wb_defendant_t *d = g_ptr_array_index (w.dd->defendants, k);
		for (guint i = 0; d->copy_list && i < d->copy_list->len && fits; i++) {
			const wb_defendant_copy_t *c = &g_array_index (d->copy_list, wb_defendant_copy_t, i);
			for (guint b = 0; b < d->statutes->len && b < 32; b++) {
				if (!(c->statutes & (1u << b)))
					continue;
				int si = report_statute (r, ((wb_defendant_statute_t *) g_ptr_array_index (d->statutes, b))->id);
				const wb_damages_row_t *row = si >= 0 ? case_row (r, si, c->message) : NULL;
				if (!row) {
					fits = FALSE;
					break;
				}
				dcopy_t dc = { k, si, row, 0, 0, 0, FALSE };
				g_array_append_val (w.copies, dc);
				guint32 *bits = g_hash_table_lookup (any, &c->message);
				if (!bits) {
					bits = g_new0 (guint32, 2);
					g_hash_table_insert (any, g_memdup2 (&c->message, sizeof c->message), bits);
				}
				bits[si / 32] |= 1u << (si % 32);
			}
		}
	}
	/* The share of all the defendants together: each copy once, under
	 * each statute some defendant has it counted under. */
	ok = fits;
	if (ok) {
		guint ns = r->d->statutes->len;
		for (guint si = 0; si < ns; si++) {
			GArray *ms = g_array_new (FALSE, FALSE, sizeof (int64_t));
			GHashTableIter it;
			gpointer key, val;
			g_hash_table_iter_init (&it, any);
			while (g_hash_table_iter_next (&it, &key, &val))
				if (((guint32 *) val)[si / 32] & (1u << (si % 32)))
					g_array_append_val (ms, *(int64_t *) key);
			g_array_sort (ms, int64_cmp);
			for (guint i = 0; i < ms->len; i++) {
				dcopy_t dc = { w.ndef, (int) si, case_row (r, si, g_array_index (ms, int64_t, i)), 0, 0, 0, FALSE };
				g_array_append_val (w.copies, dc);
			}
			g_array_free (ms, TRUE);
		}
		g_array_sort (w.copies, dcopy_cmp);
		/* The first row of each copy for each defendant. */
		GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
		for (guint i = 0; i < w.copies->len; i++) {
			dcopy_t *c = &g_array_index (w.copies, dcopy_t, i);
			char *k = g_strdup_printf ("%d\t%" G_GINT64_FORMAT, c->def, c->row->message);
			c->first = !g_hash_table_contains (seen, k);
			g_hash_table_add (seen, k);
		}
		g_hash_table_destroy (seen);
		ok = w.copies->len < x->max_rows;
	}
	if (ok) {
		defendant_groups (x, &w);
		write_defendant_list (x, &w);
		write_defendant_statutes (x, &w);
		write_defendant_actions (x, &w);
		write_defendant_groups (x, &w);
		write_defendant_copies (x, &w);
	}
	g_hash_table_destroy (any);
	g_array_free (w.copies, TRUE);
	g_array_free (w.groups, TRUE);
	g_array_free (w.actions, TRUE);
	wb_defendants_free (w.dd);
	return ok;
}

/* The sections' sheets this file writes as formulas: the defendants'. */
static gboolean
own_sheet (void *ctx, const char *sheet)
{
	xl_t *x = ctx;
	if (strcmp (sheet, "Defendants") == 0)
		x->own_defendants = write_defendants (x);
	return x->own_defendants && (strcmp (sheet, "Defendants") == 0 || strcmp (sheet, "Defendants by statute") == 0);
}

wb_status_t
wb_report_xlsx (wb_report_t *r, const char *path)
{
	wb_status_t st = WB_OK;
	xl_t x = { .r = r };
	size_t nrows = r->d->rows ? r->d->rows->len : 0;
	x.max_rows = r->o->max_sheet_rows && r->o->max_sheet_rows < WB_XLSX_MAX_ROWS - 1
		     ? r->o->max_sheet_rows : WB_XLSX_MAX_ROWS - 1;
	lxw_workbook_options wo = { .constant_memory = LXW_TRUE, .use_zip64 = nrows > 300000 };
	x.wb = workbook_new_opt (path, &wo);
	if (!x.wb)
		return wb_case_fail (r->cs, WB_ERR_IO, "cannot create '%s'", path);
	x.msheets = g_ptr_array_new_with_free_func (g_free);
	x.nstatutes = r->d->statutes ? r->d->statutes->len : 0;
	x.mlast = g_array_new (FALSE, FALSE, sizeof (lxw_row_t));

	x.hdr = workbook_add_format (x.wb);
	format_set_bold (x.hdr);
	format_set_bg_color (x.hdr, 0xDDE4EE);
	format_set_bottom (x.hdr, LXW_BORDER_THIN);
	format_set_text_wrap (x.hdr);
	format_set_align (x.hdr, LXW_ALIGN_VERTICAL_TOP);
	x.tcents = workbook_add_format (x.wb);
	format_set_bold (x.tcents);
	format_set_top (x.tcents, LXW_BORDER_THIN);
	format_set_num_format (x.tcents, "#,##0");
	x.tmoney = workbook_add_format (x.wb);
	format_set_bold (x.tmoney);
	format_set_top (x.tmoney, LXW_BORDER_THIN);
	format_set_num_format (x.tmoney, "$#,##0.00");
	x.title = workbook_add_format (x.wb);
	format_set_bold (x.title);
	format_set_font_size (x.title, 16);
	x.bold = workbook_add_format (x.wb);
	format_set_bold (x.bold);
	x.money = workbook_add_format (x.wb);
	format_set_num_format (x.money, "$#,##0.00");
	x.cents = workbook_add_format (x.wb);
	format_set_num_format (x.cents, "#,##0");
	x.num = workbook_add_format (x.wb);
	format_set_num_format (x.num, "#,##0");
	x.when = workbook_add_format (x.wb);
	format_set_num_format (x.when, "yyyy-mm-dd hh:mm:ss");
	x.date = workbook_add_format (x.wb);
	format_set_num_format (x.date, "yyyy-mm-dd");
	/* Cells sit at the top of a row that wrapped text makes taller, on
	 * the line of the text they go with. */
	x.text = workbook_add_format (x.wb);
	lxw_format *top[] = { x.money, x.cents, x.num, x.when, x.date, x.text, x.tcents, x.tmoney, x.bold };
	for (size_t i = 0; i < G_N_ELEMENTS (top); i++)
		format_set_align (top[i], LXW_ALIGN_VERTICAL_TOP);
	x.wrap = workbook_add_format (x.wb);
	format_set_text_wrap (x.wrap);
	format_set_align (x.wrap, LXW_ALIGN_VERTICAL_TOP);

	char *title = g_strdup_printf ("%s: %s", wb_report_tpl (r, "titles", "workbook", "Exhibits"),
				       r->case_name ? r->case_name : "(unnamed case)");
	char *comments = g_strdup_printf ("Case digest %s before run %" G_GINT64_FORMAT, r->case_sha256, r->run);
	lxw_doc_properties props = {
		.title = title, .subject = r->case_name ? r->case_name : "", .author = "workbench " WB_VERSION,
		.comments = comments, .created = (time_t) r->clock,
	};
	workbook_set_properties (x.wb, &props);
	workbook_set_custom_property_string (x.wb, "Case", r->case_name ? r->case_name : "");
	workbook_set_custom_property_string (x.wb, "Generator", "workbench " WB_VERSION);

	/* Sheets are added in the order counsel reads them; the formulas of
	 * the first sheets name the Messages sheets, whose count is known
	 * from the row count before any row is written. */
	size_t nms = nrows ? (nrows + x.max_rows - 1) / x.max_rows : 1;
	for (size_t k = 0; k < nms; k++) {
		size_t rows_k = nrows ? MIN (x.max_rows, nrows - k * x.max_rows) : 0;
		lxw_row_t last = rows_k + 1;
		g_array_append_val (x.mlast, last);
		g_ptr_array_add (x.msheets, k ? g_strdup_printf ("Messages (%zu)", k + 1) : g_strdup ("Messages"));
	}
	provision_amounts_index (&x);
	sheet_t sum = new_sheet (&x, "Summary");
	write_summary (&x, &sum);
	write_damages (&x);
	write_plaintiffs (&x);
	write_groups (&x, FALSE);
	write_groups (&x, TRUE);
	g_ptr_array_set_size (x.msheets, 0);
	g_array_set_size (x.mlast, 0);
	st = write_messages (&x);
	if (!st) {
		write_attribution (&x);
		st = write_custody (&x);
	}
	if (!st) {
		write_statutes (&x);
		write_provision_amounts (&x);
	}
	if (!st)
		wb_report_xlsx_sheets (r, x.wb, own_sheet, &x);
	workbook_set_custom_property_string (x.wb, "Exhibit", "exhibits.xlsx");
	errno = 0;
	lxw_error e = workbook_close (x.wb);
	/* A file-system error (disk full) is named as such: libxlsxwriter's own
	 * text for it is "Zip generic error ZIP_ERRNO while creating the xlsx
	 * file", which does not say what went wrong. */
	int zerr = errno;
	if (!st && e != LXW_NO_ERROR)
		st = wb_case_fail (r->cs, WB_ERR_IO, "cannot write '%s': %s", path,
				   e == LXW_ERROR_ZIP_FILE_OPERATION && zerr ? g_strerror (zerr) : lxw_strerror (e));
	g_free (title);
	g_free (comments);
	g_ptr_array_free (x.msheets, TRUE);
	g_array_free (x.mlast, TRUE);
	g_hash_table_destroy (x.pamounts);
	g_ptr_array_free (x.plist, TRUE);
	return st;
}
