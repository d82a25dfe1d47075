#include <string.h>
#include <inttypes.h>
#include "output.h"

typedef struct {
	char *name;
	wb_col_type_t type;
} column_t;

struct wb_table {
	FILE *out;
	wb_mode_t mode;
	int max_width;
	GArray *cols;          /* column_t */
	GPtrArray *cells;      /* text mode: every cell (char*, NULL for null) */
	GPtrArray *row;        /* streaming modes: the current row */
	int64_t rows;
	GString *buf;
};

wb_table_t *
wb_table_new (FILE *out, wb_mode_t mode, int max_width)
{
	wb_table_t *t = g_new0 (wb_table_t, 1);
	t->out = out;
	t->mode = mode;
	t->max_width = max_width;
	t->cols = g_array_new (FALSE, TRUE, sizeof (column_t));
	t->cells = g_ptr_array_new_with_free_func (g_free);
	t->row = g_ptr_array_new_with_free_func (g_free);
	t->buf = g_string_new (NULL);
	return t;
}

void
wb_table_column (wb_table_t *t, const char *name, wb_col_type_t type)
{
	column_t c = { g_strdup (name), type };
	g_array_append_val (t->cols, c);
}

int64_t
wb_table_rows (wb_table_t *t)
{
	return t->rows;
}

static column_t *
col (wb_table_t *t, guint i)
{
	return &g_array_index (t->cols, column_t, i);
}

/* Bidirectional marks, embeddings, overrides and isolates: escaped in
 * text and JSON output, so a name cannot disguise itself on a screen. */
static gboolean
is_bidi_control (gunichar c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200e || c == 0x200f || c == 0x061c;
}

void
wb_json_string (GString *out, const char *s)
{
	g_string_append_c (out, '"');
	const char *p = s, *end = s + strlen (s);
	while (p < end) {
		gunichar c = g_utf8_get_char_validated (p, end - p);
		if (c == (gunichar) -1 || c == (gunichar) -2) {
			g_string_append (out, "\\ufffd");
			p++;
			continue;
		}
		switch (c) {
		case '"': g_string_append (out, "\\\""); break;
		case '\\': g_string_append (out, "\\\\"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\r': g_string_append (out, "\\r"); break;
		case '\t': g_string_append (out, "\\t"); break;
		default:
			/* Controls, the line separators JavaScript chokes on, and
			 * the bidirectional marks, embeddings, overrides and
			 * isolates that would let a subject or a name disguise
			 * itself wherever the JSON is shown: escaped (the same
			 * string to any JSON reader). */
			if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029 || is_bidi_control (c))
				g_string_append_printf (out, "\\u%04x", c);
			else
				g_string_append_len (out, p, g_utf8_next_char (p) - p);
		}
		p = g_utf8_next_char (p);
	}
	g_string_append_c (out, '"');
}

void
wb_csv_field (GString *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk (s, ",\"\r\n")) {
		g_string_append (out, s);
		return;
	}
	g_string_append_c (out, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			g_string_append_c (out, '"');
		g_string_append_c (out, *p);
	}
	g_string_append_c (out, '"');
}

char *
wb_text_safe (const char *s)
{
	GString *o = g_string_sized_new (strlen (s) + 8);
	const char *p = s, *end = s + strlen (s);
	while (p < end) {
		gunichar c = g_utf8_get_char_validated (p, end - p);
		if (c == (gunichar) -1 || c == (gunichar) -2) {
			g_string_append_printf (o, "\\x%02x", (unsigned char) *p);
			p++;
			continue;
		}
		if (c == '\n')
			g_string_append (o, "\\n");
		else if (c == '\t')
			g_string_append_c (o, ' ');
		else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			g_string_append_printf (o, "\\x%02x", c);
		else if (is_bidi_control (c))
			g_string_append_printf (o, "\\u%04x", c);
		else
			g_string_append_len (o, p, g_utf8_next_char (p) - p);
		p = g_utf8_next_char (p);
	}
	return g_string_free (o, FALSE);
}

int
wb_text_width (const char *s)
{
	int w = 0;
	for (const char *p = s; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (g_unichar_iszerowidth (c))
			continue;
		w += g_unichar_iswide (c) ? 2 : 1;
	}
	return w;
}

/* The longest prefix of S that fits in WIDTH columns, with an ellipsis. */
static char *
truncate_to (const char *s, int width)
{
	if (wb_text_width (s) <= width)
		return g_strdup (s);
	GString *o = g_string_new (NULL);
	int w = 0;
	for (const char *p = s; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		int cw = g_unichar_iswide (c) ? 2 : 1;
		if (w + cw > width - 1)
			break;
		g_string_append_len (o, p, g_utf8_next_char (p) - p);
		w += cw;
	}
	g_string_append (o, "\u2026");
	return g_string_free (o, FALSE);
}

static void
emit_row (wb_table_t *t)
{
	GString *b = t->buf;
	guint n = t->cols->len;
	g_string_truncate (b, 0);
	if (t->mode == WB_MODE_CSV) {
		if (t->rows == 0) {
			for (guint i = 0; i < n; i++) {
				if (i)
					g_string_append_c (b, ',');
				wb_csv_field (b, col (t, i)->name);
			}
			g_string_append_c (b, '\n');
		}
		for (guint i = 0; i < n; i++) {
			if (i)
				g_string_append_c (b, ',');
			wb_csv_field (b, g_ptr_array_index (t->row, i));
		}
		g_string_append_c (b, '\n');
	} else if (t->mode == WB_MODE_JSON) {
		g_string_append (b, t->rows == 0 ? "[\n  {" : ",\n  {");
		for (guint i = 0; i < n; i++) {
			const char *v = g_ptr_array_index (t->row, i);
			if (i)
				g_string_append (b, ", ");
			wb_json_string (b, col (t, i)->name);
			g_string_append (b, ": ");
			if (!v)
				g_string_append (b, "null");
			else if (col (t, i)->type != WB_COL_TEXT)
				g_string_append (b, v);
			else
				wb_json_string (b, v);
		}
		g_string_append_c (b, '}');
	} else { /* line */
		int w = 0;
		for (guint i = 0; i < n; i++)
			w = MAX (w, wb_text_width (col (t, i)->name));
		if (t->rows)
			g_string_append_c (b, '\n');
		for (guint i = 0; i < n; i++) {
			const char *v = g_ptr_array_index (t->row, i);
			char *safe = wb_text_safe (v ? v : "");
			g_string_append_printf (b, "%*s = %s\n", w, col (t, i)->name, safe);
			g_free (safe);
		}
	}
	fwrite (b->str, 1, b->len, t->out);
	g_ptr_array_set_size (t->row, 0);
}

static void
add_cell (wb_table_t *t, char *owned)
{
	if (t->cols->len == 0) {
		g_free (owned);
		return;
	}
	if (t->mode == WB_MODE_TEXT) {
		g_ptr_array_add (t->cells, owned);
		if (t->cells->len % t->cols->len == 0)
			t->rows++;
		return;
	}
	g_ptr_array_add (t->row, owned);
	if (t->row->len == t->cols->len) {
		emit_row (t);
		t->rows++;
	}
}

void
wb_table_text (wb_table_t *t, const char *s)
{
	add_cell (t, s ? g_strdup (s) : NULL);
}

void
wb_table_int (wb_table_t *t, int64_t v)
{
	add_cell (t, g_strdup_printf ("%" PRId64, v));
}

void
wb_table_real (wb_table_t *t, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	add_cell (t, g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6g", v)));
}

void
wb_table_null (wb_table_t *t)
{
	add_cell (t, NULL);
}

void
wb_table_stmt_row (wb_table_t *t, sqlite3_stmt *stmt)
{
	int n = sqlite3_column_count (stmt);
	if (t->cols->len == 0) {
		for (int i = 0; i < n; i++) {
			int ty = sqlite3_column_type (stmt, i);
			wb_table_column (t, sqlite3_column_name (stmt, i),
					 ty == SQLITE_INTEGER ? WB_COL_INT
					 : ty == SQLITE_FLOAT ? WB_COL_REAL : WB_COL_TEXT);
		}
	}
	for (int i = 0; i < n && i < (int) t->cols->len; i++) {
		int ty = sqlite3_column_type (stmt, i);
		if (ty == SQLITE_NULL)
			wb_table_null (t);
		else if (ty == SQLITE_BLOB && col (t, i)->type == WB_COL_TEXT) {
			int len = sqlite3_column_bytes (stmt, i);
			add_cell (t, g_strdup_printf ("<blob %d bytes>", len));
		} else if (col (t, i)->type == WB_COL_INT && ty != SQLITE_INTEGER)
			/* A column typed from its first row may hold other types
			 * further down; keep JSON valid by quoting those. */
			add_cell (t, g_strdup_printf ("%lld", (long long) sqlite3_column_int64 (stmt, i)));
		else
			wb_table_text (t, (const char *) sqlite3_column_text (stmt, i));
	}
}

static void
print_text (wb_table_t *t)
{
	guint n = t->cols->len;
	if (n == 0)
		return;
	guint nrows = t->cells->len / n;
	int *w = g_new0 (int, n);
	char **safe = g_new0 (char *, t->cells->len);
	for (guint i = 0; i < n; i++)
		w[i] = wb_text_width (col (t, i)->name);
	for (guint k = 0; k < t->cells->len; k++) {
		const char *v = g_ptr_array_index (t->cells, k);
		safe[k] = wb_text_safe (v ? v : "");
		w[k % n] = MAX (w[k % n], wb_text_width (safe[k]));
	}
	/* Fit the terminal: shorten the widest text column until the table
	 * fits or every text column is down to FIT_MIN.  Short columns (ids,
	 * dates, statute names) are never cut: a wrapped line is better than
	 * an identifier that reads as another one. */
	enum { FIT_MIN = 16 };
	if (t->max_width > 0) {
		for (;;) {
			int total = 0, widest = -1;
			for (guint i = 0; i < n; i++)
				total += w[i] + (i ? 2 : 0);
			if (total <= t->max_width)
				break;
			for (guint i = 0; i < n; i++)
				if (col (t, i)->type == WB_COL_TEXT && w[i] > FIT_MIN &&
				    (widest < 0 || w[i] > w[widest]))
					widest = i;
			if (widest < 0)
				break;
			w[widest] = MAX (FIT_MIN, w[widest] - (total - t->max_width));
		}
	}
	GString *b = t->buf;
	for (guint r = 0; r <= nrows + 1; r++) {
		g_string_truncate (b, 0);
		for (guint i = 0; i < n; i++) {
			char *cell;
			if (r == 0)
				cell = truncate_to (col (t, i)->name, w[i]);
			else if (r == 1) {
				cell = g_strnfill (w[i], '-');
			} else
				cell = truncate_to (safe[(r - 2) * n + i], w[i]);
			int pad = w[i] - wb_text_width (cell);
			gboolean right = col (t, i)->type != WB_COL_TEXT && r != 0;
			if (i)
				g_string_append (b, "  ");
			if (right)
				g_string_append_printf (b, "%*s", pad, "");
			g_string_append (b, cell);
			if (!right && i + 1 < n)
				g_string_append_printf (b, "%*s", pad, "");
			g_free (cell);
		}
		g_string_append_c (b, '\n');
		fwrite (b->str, 1, b->len, t->out);
	}
	for (guint k = 0; k < t->cells->len; k++)
		g_free (safe[k]);
	g_free (safe);
	g_free (w);
}

void
wb_table_end (wb_table_t *t)
{
	if (!t)
		return;
	if (t->mode == WB_MODE_TEXT)
		print_text (t);
	else if (t->mode == WB_MODE_JSON)
		fputs (t->rows ? "\n]\n" : "[]\n", t->out);
	else if (t->mode == WB_MODE_CSV && t->rows == 0 && t->cols->len) {
		/* The header alone, so a consumer still sees the columns. */
		GString *b = t->buf;
		g_string_truncate (b, 0);
		for (guint i = 0; i < t->cols->len; i++) {
			if (i)
				g_string_append_c (b, ',');
			wb_csv_field (b, col (t, i)->name);
		}
		g_string_append_c (b, '\n');
		fwrite (b->str, 1, b->len, t->out);
	}
	for (guint i = 0; i < t->cols->len; i++)
		g_free (col (t, i)->name);
	g_array_free (t->cols, TRUE);
	g_ptr_array_free (t->cells, TRUE);
	g_ptr_array_free (t->row, TRUE);
	g_string_free (t->buf, TRUE);
	g_free (t);
}

int
wb_print_stmt (sqlite3_stmt *stmt, FILE *out, wb_mode_t mode, int max_width)
{
	wb_table_t *t = wb_table_new (out, mode, max_width);
	int rc;
	while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
		wb_table_stmt_row (t, stmt);
	if (t->cols->len == 0)
		for (int i = 0; i < sqlite3_column_count (stmt); i++)
			wb_table_column (t, sqlite3_column_name (stmt, i), WB_COL_TEXT);
	wb_table_end (t);
	return rc;
}

const char *
wb_format_cents (int64_t cents, char buf[32])
{
	char digits[32];
	uint64_t v = cents < 0 ? (uint64_t) 0 - (uint64_t) cents : (uint64_t) cents;
	int n = snprintf (digits, sizeof digits, "%" PRIu64, v / 100);
	char *p = buf;
	if (cents < 0)
		*p++ = '-';
	*p++ = '$';
	for (int i = 0; i < n; i++) {
		*p++ = digits[i];
		if ((n - i - 1) % 3 == 0 && i + 1 < n)
			*p++ = ',';
	}
	snprintf (p, 8, ".%02u", (unsigned) (v % 100));
	return buf;
}
