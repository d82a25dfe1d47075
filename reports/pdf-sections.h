/* report.pdf's content sections (sections.h) and the drawing pdf.c lends
 * them: the page state is pdf.c's, opaque here. */
#ifndef WB_PDF_SECTIONS_H
#define WB_PDF_SECTIONS_H

#include "report-private.h"

typedef struct wb_pdf wb_pdf_t;

/* pdf.c: a new page; a page break unless H points fit; a section heading;
 * a paragraph (wrapped, broken across pages); a table of ROWS (each
 * const char *const * of N cells) whose header row repeats on each page,
 * numbered and captioned "Table N. CAPTION" above when CAPTION is not
 * NULL (tables are numbered in the order they are drawn). */
void wb_pdf_new_page (wb_pdf_t *p);
void wb_pdf_need (wb_pdf_t *p, double h);
void wb_pdf_heading (wb_pdf_t *p, const char *text);
void wb_pdf_para (wb_pdf_t *p, const char *text, double size, gboolean bold, double gap);
void wb_pdf_table (wb_pdf_t *p, int n, const char *const *titles, const double *rel, const char *align, double size,
		   const char *caption, const GPtrArray *rows);
cairo_t *wb_pdf_cairo (wb_pdf_t *p);
double *wb_pdf_y (wb_pdf_t *p);          /* the pen's height on the page */
void wb_pdf_frame (double *left, double *width, double *bottom);

/* pdf-sections.c: the tables of PART, in order; the sample messages, each
 * an exhibit page. */
void wb_report_pdf_part (wb_report_t *r, wb_pdf_t *p, wb_part_t part);
void wb_report_pdf_samples (wb_report_t *r, wb_pdf_t *p);

#endif
