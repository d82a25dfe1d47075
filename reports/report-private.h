/* Internals shared by the parts of the report writer (reports/). */
#ifndef WB_REPORT_PRIVATE_H
#define WB_REPORT_PRIVATE_H

#include <errno.h>
#include <glib.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include "report.h"
#include "sections.h"

/* Excel's limits. */
#define WB_XLSX_MAX_ROWS 1048576
#define WB_XLSX_MAX_CELL 32767

/* How a statute's amount follows from its rows: the parameters the
 * workbook's formulas use (Statutes sheet), as the engine applied them
 * (wb_damages_statute_t.applied). */
typedef struct {
	wb_cap_kind_t cap_kind;
	int64_t cap_cents;               /* per incident, day or action; 0 = none */
	gboolean greater;                /* election: the greater of sum and cap */
	gboolean aggregate;              /* day cap: min(sum, cap x days), not per day */
	int multiplier;                  /* aggravated damages multiplier, 1 = none */
	int may_sue;                     /* 1, or 0: this plaintiff has no action */
	const char *basis;               /* where the parameters came from */
	int64_t per_message_cents;       /* the statute's per-copy amount */
	int64_t uncapped_cents;          /* sum of the rows */
	int64_t free_cents;              /* of which outside the cap */
	int64_t amount_cents;            /* the engine's amount, what the formulas give */
	char *provisions;                /* distinct provisions used, '; '-separated */
	char *quoted;                    /* those provisions quoted from the statute, or NULL */
	char *damages_text;              /* the statute's damages words, or NULL */
	char *rule_sha256, *rule_file;   /* or NULL */
} wb_rparams_t;

/* One group of rows under one statute: an incident or a day. */
typedef struct {
	int statute;
	int64_t number;                  /* incident number; 0 for a day */
	char day[11];                    /* the day, or the incident's first day */
	char last_day[11];               /* the incident's last day */
	int64_t copies;
	int64_t uncapped_cents;          /* all its rows */
	int64_t free_cents;              /* rows outside the cap */
	int64_t amount_cents;            /* after the cap, as the formulas give it */
	int plaintiff;                   /* index into the damages' plaintiffs; -1: an
					    incident whose cap several plaintiffs share */
} wb_rgroup_t;

/* One plaintiff's action under one statute, as the Plaintiffs sheet
 * computes it: caps per action and per day apply within it. */
typedef struct {
	int statute, plaintiff;
	int64_t copies;
	int64_t uncapped_cents, free_cents;
	int64_t days_capped;             /* its days with copies under the cap */
	int64_t shared_cents;            /* its part of incidents whose cap it shares
					    with other plaintiffs, as the engine split it */
	int64_t base_cents;              /* before the multiplier */
	int64_t amount_cents;            /* what the formulas give */
	int64_t engine_cents;            /* the engine's amount for the action */
	gboolean in_shared;              /* has copies in a shared incident */
} wb_raction_t;

typedef struct { char *key; int64_t n; } wb_rcount_t;

typedef struct {
	wb_case_t *cs;
	const wb_damages_t *d;
	const wb_report_opts_t *o;
	int64_t clock;                   /* case clock, Unix seconds */
	char *generated_at;              /* the clock as "YYYY-MM-DD HH:MM:SS UTC" */
	char *pdf_date;                  /* the clock as "YYYY-MM-DDTHH:MM:SS" */
	char *case_name, *filed;
	char *case_sha256;       /* the case digest (wb_case_digest) before run */
	int64_t run;             /* the custody run this report is logged as */
	GKeyFile *tpl;                   /* templates/reports/report.ini */
	wb_rparams_t *params;            /* one per statute */
	GArray *incidents;               /* wb_rgroup_t, by statute then number */
	GArray *days;                    /* wb_rgroup_t, by statute, day, plaintiff */
	GArray *actions;                 /* wb_raction_t, by statute then plaintiff */
	GPtrArray *day_copies;           /* wb_rcount_t: distinct counted copies per day */
	GPtrArray *senders;              /* wb_rcount_t: top From addresses */
	GPtrArray *advertisers;          /* wb_rcount_t: top advertisers (message_parties) */
	GPtrArray *traps;                /* char*: every trap of the case, by counted copies */
	GHashTable *trap_day;            /* "trap\tday" -> int64 copies */
	int64_t distinct_copies;
	int64_t n_senders;               /* distinct From addresses of counted copies */
	gboolean has_attrib;             /* parties and links tables exist */
	wb_rsections_t *sec;             /* the content sections (sections.c) */
} wb_report_t;

/* A text from the report template (section, key), or FALLBACK. */
const char *wb_report_tpl (wb_report_t *r, const char *group, const char *key,
			   const char *fallback);
gboolean wb_report_table_exists (wb_case_t *cs, const char *table);
/* Cents as "$1,234.56" into BUF. */
const char *wb_report_money (int64_t cents, char buf[40]);

/* sections.c: gather the content sections into R->sec (inside the
 * report's read transaction); free them (NULL: nothing). */
wb_status_t wb_report_sections (wb_report_t *r);
void wb_report_sections_free (wb_rsections_t *s);
/* xlsx-sheets.c: the sections' sheets, added to WB after the others.
 * OWN (may be NULL), given a sheet's name, may write it itself (xlsx.c:
 * the defendants, as formulas) and return TRUE; the table is then left
 * out. */
struct lxw_workbook;
void wb_report_xlsx_sheets (wb_report_t *r, struct lxw_workbook *wb,
			    gboolean (*own) (void *ctx, const char *sheet), void *ctx);

/* The parts; each writes one file at PATH (a temporary name). */
wb_status_t wb_report_xlsx (wb_report_t *r, const char *path);
wb_status_t wb_report_pdf (wb_report_t *r, const char *path);

/* Charts.  Each draws itself into a W x H point area of CR. */
typedef void (*wb_chart_fn) (wb_report_t *r, cairo_t *cr, double w, double h);
typedef struct {
	const char *name;                /* file stem: chart-NAME.png/.svg/.pdf */
	const char *title;
	wb_chart_fn draw;
} wb_chart_t;
extern const wb_chart_t wb_report_charts[];
/* Write chart C as PNG (300 dpi), SVG or PDF (by EXT) at PATH. */
wb_status_t wb_report_chart_file (wb_report_t *r, const wb_chart_t *c, const char *ext,
				  const char *path);
/* Text with Pango: width of TEXT at SIZE points; and TEXT drawn with its
 * anchor (AX, AY as fractions of its box) at X, Y, ellipsized to MAXW when
 * MAXW > 0.  Returns the width drawn. */
/* A Pango layout of TEXT (made safe and cut at MAX_CHARS characters by
 * wb_report_cell_text) in the report font at SIZE points, wrapped at WIDTH
 * (0: no wrapping), unhinted.  The caller unrefs it. */
PangoLayout *wb_report_layout (cairo_t *cr, const char *text, double size, gboolean bold,
			       double width, size_t max_chars);
double wb_chart_text_width (cairo_t *cr, const char *text, double size, gboolean bold);
double wb_chart_text (cairo_t *cr, double x, double y, const char *text, double size,
		      gboolean bold, double ax, double ay, double maxw);
/* The text for a failed cairo surface: for CAIRO_STATUS_WRITE_ERROR with
 * errno left at a file-system-full or I/O error, that error's text ("No
 * space left on device"), else cairo's own ("error while writing to output
 * stream" does not say why).  Static or GLib-owned string. */
static inline const char *
wb_report_write_error (cairo_status_t status)
{
	int e = errno;
	if (status == CAIRO_STATUS_WRITE_ERROR && (e == ENOSPC || e == EDQUOT || e == EFBIG || e == EIO))
		return g_strerror (e);
	return cairo_status_to_string (status);
}

#define WB_CHART_W 720.0
#define WB_CHART_H 432.0

#endif
