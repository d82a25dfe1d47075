/* The report's content sections: what counsel must confirm (assumptions),
 * the findings certain and indicator apart, the alternatives that change
 * the answer (scenarios), the reconciliation from copies found to copies
 * counted, the trap roster, the incidents described, the method, and one
 * sample message per campaign.
 *
 * sections.c gathers them once, as tables of text, from the case, the
 * statute files and the damages engine (alternatives are computed by the
 * engine, never by the report); pdf-sections.c and xlsx-sheets.c render
 * the same tables, so the PDF and the workbook cannot disagree. */
#ifndef WB_SECTIONS_H
#define WB_SECTIONS_H

#include <glib.h>

/* Where a table goes in report.pdf. */
typedef enum {
	WB_PART_FRONT = 1,               /* after the summary of damages */
	WB_PART_METHOD,                  /* after the method */
	WB_PART_INCIDENTS,               /* where the incidents are */
	WB_PART_NONE                     /* workbook only */
} wb_part_t;

/* One table.  Column kinds: 't' text, 'w' long text (wrapped), 'n' an
 * integer, 'm' cents (shown in dollars), 'c' text shown in the workbook
 * only.  Cells are text; 'n' and 'm' cells hold decimal integers, or ""
 * for none, or words ("not claimed") shown as they are. */
typedef struct {
	wb_part_t part;
	char *sheet;                     /* its sheet in exhibits.xlsx, or NULL */
	char *title;                     /* a heading in the PDF; NULL: under the previous one */
	char *subtitle;                  /* a bold line before the table, or NULL */
	char *intro, *after;             /* paragraphs before and after, or NULL */
	int ncols;
	char **cols;                     /* titles */
	char *kinds;
	double *rel;                     /* relative widths in the PDF */
	GPtrArray *rows;                 /* char** of ncols cells each */
	gboolean prose;                  /* rows are (heading, paragraph): the PDF prints text */
	guint pdf_max;                   /* rows the PDF shows (0: all); the workbook has all */
	gboolean pdf_group;              /* the PDF prints the first column only where it changes */
} wb_rtable_t;

/* One sample message: an exhibit page of its own in the PDF. */
typedef struct {
	int64_t copy;                    /* its case id */
	char *title;                     /* "Campaign 3: sample copy 122" */
	char *about;                     /* who, where found, SHA-256 */
	char *headers;                   /* the header block as received, lines made safe */
	GPtrArray *hops;                 /* char*[7]: hop, from (HELO), rDNS, IP, by, time, note */
} wb_rsample_t;

typedef struct wb_rsections {
	GPtrArray *tables;               /* wb_rtable_t* in reading order */
	GPtrArray *samples;              /* wb_rsample_t* by campaign */
} wb_rsections_t;

#endif
