#include <errno.h>
#include <string.h>
#include "csv.h"

struct wb_csv {
	char *path;
	char *data;
	gsize len, pos;
	int line, record_line;
	GPtrArray *header;     /* normalized names */
	GPtrArray *fields;     /* current record */
	char *error;
};

static char *
norm_name (const char *s)
{
	char *t = g_strstrip (g_strdup (s));
	char *l = g_ascii_strdown (t, -1);
	g_free (t);
	return l;
}

/* Parse one record at the current position into CSV->fields.  Returns 1 for
 * a record, 0 at the end, -1 on error. */
static int
parse_record (wb_csv_t *csv)
{
	g_ptr_array_set_size (csv->fields, 0);
	/* Skip blank lines. */
	while (csv->pos < csv->len && (csv->data[csv->pos] == '\n' || csv->data[csv->pos] == '\r')) {
		if (csv->data[csv->pos] == '\n')
			csv->line++;
		csv->pos++;
	}
	if (csv->pos >= csv->len)
		return 0;
	csv->record_line = csv->line;
	GString *f = g_string_new (NULL);
	for (;;) {
		gboolean quoted = FALSE;
		g_string_truncate (f, 0);
		if (csv->pos < csv->len && csv->data[csv->pos] == '"') {
			quoted = TRUE;
			csv->pos++;
			for (;;) {
				if (csv->pos >= csv->len) {
					g_free (csv->error);
					csv->error = g_strdup_printf ("%s:%d: unterminated quoted field",
								      csv->path, csv->record_line);
					g_string_free (f, TRUE);
					return -1;
				}
				char c = csv->data[csv->pos++];
				if (c == '"') {
					if (csv->pos < csv->len && csv->data[csv->pos] == '"') {
						g_string_append_c (f, '"');
						csv->pos++;
						continue;
					}
					break;
				}
				if (c == '\n')
					csv->line++;
				g_string_append_c (f, c);
			}
		}
		/* Unquoted text (or text after a closing quote, taken leniently). */
		while (csv->pos < csv->len) {
			char c = csv->data[csv->pos];
			if (c == ',' || c == '\n' || c == '\r')
				break;
			if (!quoted || c != ' ')
				g_string_append_c (f, c);
			csv->pos++;
		}
		g_ptr_array_add (csv->fields, g_strdup (f->str));
		if (csv->pos < csv->len && csv->data[csv->pos] == ',') {
			csv->pos++;
			continue;
		}
		if (csv->pos < csv->len && csv->data[csv->pos] == '\r')
			csv->pos++;
		if (csv->pos < csv->len && csv->data[csv->pos] == '\n') {
			csv->pos++;
			csv->line++;
		}
		break;
	}
	g_string_free (f, TRUE);
	return 1;
}

static wb_csv_t *
csv_start (wb_csv_t *csv, char **errmsg)
{
	const char *path = csv->path;
	if (!g_utf8_validate (csv->data, csv->len, NULL)) {
		*errmsg = g_strdup_printf ("'%s' is not UTF-8 text", path);
		wb_csv_free (csv);
		return NULL;
	}
	/* A UTF-8 byte order mark, as spreadsheet programs write. */
	if (csv->len >= 3 && memcmp (csv->data, "\xef\xbb\xbf", 3) == 0)
		csv->pos = 3;
	int r = parse_record (csv);
	if (r <= 0) {
		*errmsg = r < 0 ? g_strdup (csv->error) : g_strdup_printf ("'%s' is empty: a header row is needed", path);
		wb_csv_free (csv);
		return NULL;
	}
	for (guint i = 0; i < csv->fields->len; i++)
		g_ptr_array_add (csv->header, norm_name (g_ptr_array_index (csv->fields, i)));
	g_ptr_array_set_size (csv->fields, 0);
	return csv;
}

static wb_csv_t *
csv_new (const char *path)
{
	wb_csv_t *csv = g_new0 (wb_csv_t, 1);
	csv->path = g_strdup (path);
	csv->line = 1;
	csv->fields = g_ptr_array_new_with_free_func (g_free);
	csv->header = g_ptr_array_new_with_free_func (g_free);
	return csv;
}

wb_csv_t *
wb_csv_open (const char *path, char **errmsg)
{
	GError *err = NULL;
	wb_csv_t *csv = csv_new (path);
	if (!g_file_get_contents (path, &csv->data, &csv->len, &err)) {
		*errmsg = g_strdup_printf ("cannot read '%s': %s", path, err->message);
		g_error_free (err);
		wb_csv_free (csv);
		return NULL;
	}
	return csv_start (csv, errmsg);
}

wb_csv_t *
wb_csv_open_data (const char *name, const char *data, size_t len, char **errmsg)
{
	wb_csv_t *csv = csv_new (name);
	csv->data = g_malloc (len + 1);
	memcpy (csv->data, data, len);
	csv->data[len] = 0;
	csv->len = len;
	return csv_start (csv, errmsg);
}

void
wb_csv_free (wb_csv_t *csv)
{
	if (!csv)
		return;
	g_free (csv->path);
	g_free (csv->data);
	g_free (csv->error);
	g_ptr_array_free (csv->fields, TRUE);
	g_ptr_array_free (csv->header, TRUE);
	g_free (csv);
}

static int
column_index (wb_csv_t *csv, const char *name)
{
	char *n = norm_name (name);
	int idx = -1;
	for (guint i = 0; i < csv->header->len; i++)
		if (strcmp (g_ptr_array_index (csv->header, i), n) == 0) {
			idx = i;
			break;
		}
	g_free (n);
	return idx;
}

gboolean
wb_csv_has (wb_csv_t *csv, const char *name)
{
	return column_index (csv, name) >= 0;
}

const GPtrArray *
wb_csv_columns (wb_csv_t *csv)
{
	return csv->header;
}

wb_status_t
wb_csv_next (wb_csv_t *csv, gboolean *more)
{
	int r = parse_record (csv);
	*more = r > 0;
	if (r < 0)
		return WB_ERR_FORMAT;
	if (r > 0 && csv->fields->len > csv->header->len) {
		g_free (csv->error);
		csv->error = g_strdup_printf ("%s:%d: %u fields, but the header has %u", csv->path,
					      csv->record_line, csv->fields->len, csv->header->len);
		return WB_ERR_FORMAT;
	}
	return WB_OK;
}

const char *
wb_csv_get (wb_csv_t *csv, const char *name)
{
	int i = column_index (csv, name);
	if (i < 0)
		return NULL;
	if ((guint) i >= csv->fields->len)
		return "";
	return g_strstrip ((char *) g_ptr_array_index (csv->fields, i));
}

char **
wb_csv_get_list (wb_csv_t *csv, const char *name)
{
	const char *v = wb_csv_get (csv, name);
	GPtrArray *out = g_ptr_array_new ();
	if (v) {
		char **parts = g_strsplit (v, ";", -1);
		for (char **p = parts; *p; p++) {
			g_strstrip (*p);
			if (**p)
				g_ptr_array_add (out, g_strdup (*p));
		}
		g_strfreev (parts);
	}
	g_ptr_array_add (out, NULL);
	return (char **) g_ptr_array_free (out, FALSE);
}

int
wb_csv_line (wb_csv_t *csv)
{
	return csv->record_line;
}

const char *
wb_csv_error (wb_csv_t *csv)
{
	return csv->error ? csv->error : "";
}
