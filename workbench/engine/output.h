/* Tables of results in the four output modes: aligned text for people,
 * CSV and JSON for machines, and 'line' (one "column = value" per line).
 *
 * A table streams its rows in CSV, JSON and line modes, so a million rows
 * cost no memory; text mode keeps the rows to align them. */
#ifndef WB_OUTPUT_H
#define WB_OUTPUT_H

#include <stdio.h>
#include <stdint.h>
#include <glib.h>
#include <sqlite3.h>

typedef enum { WB_MODE_TEXT, WB_MODE_CSV, WB_MODE_JSON, WB_MODE_LINE } wb_mode_t;

typedef enum {
	WB_COL_TEXT,     /* left-aligned; a JSON string */
	WB_COL_INT,      /* right-aligned; a JSON number */
	WB_COL_REAL,     /* right-aligned; a JSON number */
} wb_col_type_t;

typedef struct wb_table wb_table_t;

/* A table writing to OUT in MODE.  MAX_WIDTH (text mode) is the terminal
 * width the table must fit by shortening its widest text columns, 0 for no
 * limit.  Free with wb_table_end(). */
wb_table_t *wb_table_new (FILE *out, wb_mode_t mode, int max_width);
void wb_table_column (wb_table_t *t, const char *name, wb_col_type_t type);
/* Cells of the current row, in column order; a row is complete when every
 * column has a cell.  NULL text is SQL NULL (empty in text and CSV). */
void wb_table_text (wb_table_t *t, const char *s);
void wb_table_int (wb_table_t *t, int64_t v);
void wb_table_real (wb_table_t *t, double v);
void wb_table_null (wb_table_t *t);
/* Columns from STMT's result columns (if none were declared) and one row
 * from its current result row. */
void wb_table_stmt_row (wb_table_t *t, sqlite3_stmt *stmt);
/* Rows written so far. */
int64_t wb_table_rows (wb_table_t *t);
/* Finish (print the text table, close the JSON array) and free. */
void wb_table_end (wb_table_t *t);

/* Step STMT to the end, printing every row as a table.  Returns the SQLite
 * code of the last step (SQLITE_DONE on success). */
int wb_print_stmt (sqlite3_stmt *stmt, FILE *out, wb_mode_t mode, int max_width);

/* Append S to OUT as a JSON string literal (quotes included).  Invalid UTF-8
 * bytes become U+FFFD; control characters are escaped. */
void wb_json_string (GString *out, const char *s);
/* Append S to OUT as one CSV field (RFC 4180 quoting when needed). */
void wb_csv_field (GString *out, const char *s);
/* Make S safe to show on a terminal: control characters, bidirectional
 * overrides and invalid UTF-8 are shown escaped (\x1b, \u202e, \xff).
 * Newly allocated. */
char *wb_text_safe (const char *s);
/* Columns S takes on a terminal (wide characters count two). */
int wb_text_width (const char *s);

/* CENTS as "$1,234,567.89" (negative: "-$5.00") into BUF. */
const char *wb_format_cents (int64_t cents, char buf[32]);

#endif
