/* Exhibits for counsel: the xlsx workbook, the charts and the PDF report.
 *
 * A library: it never prints and never exits.  On failure it returns a
 * wb_status_t and leaves the message on the case (wb_case_errmsg()).
 *
 * Every file is written under a temporary name in the output folder and
 * renamed into place only when all of them are complete, so an interrupted
 * or failed run leaves no half-written exhibit under a final name.  Same
 * case and options give the same bytes: every date inside the exhibits is
 * the case clock (wb_case_clock(): SOURCE_DATE_EPOCH, else the last change
 * to the evidence), never the wall clock. */
#ifndef WB_REPORT_H
#define WB_REPORT_H

#include <stdint.h>
#include <glib.h>
#include "case.h"
#include "damages.h"
#include "statute.h"

typedef struct {
	const char *out_dir;             /* created if missing */
	const char *command_line;        /* for the custody log; may be NULL */
	const char *options_text;        /* the damages options in words; may be NULL */
	const wb_statute_set_t *statutes;  /* the set D was computed with (rule
					    parameters and quotes), or NULL */
	size_t max_sheet_rows;           /* data rows per Messages sheet; 0 = Excel's
					    limit (1,048,575); tests use fewer */
} wb_report_opts_t;

/* The files one run writes, in manifest order (names inside out_dir). */
extern const char *const wb_report_files[];

/* Write exhibits.xlsx, the charts (PNG at 300 dpi, SVG, PDF), report.pdf
 * and manifest.txt for damages D into OPTS->out_dir, then log a custody run
 * ('report': begin, one 'exhibit' row holding the manifest, end).  The case
 * must be open for writing.  On success *MANIFEST (if not NULL) receives
 * the manifest text, newly allocated (g_free).  On failure nothing is left
 * under a final name that was not there before. */
wb_status_t wb_report_write (wb_case_t *cs, const wb_damages_t *d,
			     const wb_report_opts_t *opts, char **manifest);

/* Text from a message made safe for a cell or a label: control characters
 * and bidirectional overrides escaped (as wb_text_safe()), and cut to at most
 * MAX_CHARS characters with a visible marker saying how much was cut.
 * Newly allocated. */
char *wb_report_cell_text (const char *s, size_t max_chars);

#endif
