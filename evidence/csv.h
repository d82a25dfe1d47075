/* RFC 4180 CSV files with a header row; columns are found by name, in any
 * order.  Used by every 'import'. */
#ifndef WB_CSV_H
#define WB_CSV_H

#include <glib.h>
#include "status.h"

typedef struct wb_csv wb_csv_t;

/* Open PATH and read its header row.  On failure returns NULL with a newly
 * allocated message in *ERRMSG naming the file and what is wrong. */
wb_csv_t *wb_csv_open (const char *path, char **errmsg);
/* The same over LEN bytes at DATA (copied); NAME stands for the file in
 * messages. */
wb_csv_t *wb_csv_open_data (const char *name, const char *data, size_t len, char **errmsg);
void wb_csv_free (wb_csv_t *csv);

/* TRUE if the header has column NAME (matched without regard to case and
 * surrounding blanks). */
gboolean wb_csv_has (wb_csv_t *csv, const char *name);
/* The header's column names, in file order (owned by CSV). */
const GPtrArray *wb_csv_columns (wb_csv_t *csv);

/* Read the next record.  Returns WB_OK with *MORE TRUE for a record, *MORE
 * FALSE at the end; WB_ERR_FORMAT for a malformed record (unterminated
 * quote, invalid UTF-8) with the message from wb_csv_error().  Blank lines
 * are skipped. */
wb_status_t wb_csv_next (wb_csv_t *csv, gboolean *more);
/* The current record's value of column NAME, trimmed; NULL if the column is
 * absent, "" if empty.  Owned by CSV until the next wb_csv_next(). */
const char *wb_csv_get (wb_csv_t *csv, const char *name);
/* The values of column NAME split on ';', trimmed, empty ones dropped.
 * Free with g_strfreev(). */
char **wb_csv_get_list (wb_csv_t *csv, const char *name);
/* Line number where the current record starts (1 is the header). */
int wb_csv_line (wb_csv_t *csv);
/* "FILE:LINE: what" for the last error (owned by CSV). */
const char *wb_csv_error (wb_csv_t *csv);

#endif
