#include <getopt.h>
#include <string.h>
#include "wb.h"
#include "copyref.h"

/* 'show CASE ID|SHA256|MESSAGE-ID [--raw] [--format text|json]': one copy as
 * an analyst reads it.  --raw writes the bytes as received, exactly (from
 * their zstd frame when stored so). */

/* The messages.id for ARG, or 0 (with the error printed), or -1 for a
 * database error. */
static int64_t
resolve (wb_ctx_t *ctx, const char *arg)
{
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (int64_t));
	wb_status_t s = wb_copy_resolve (ctx->cs, arg, NULL, ids);
	int64_t id = 0;
	if (s == WB_ERR_DB)
		id = -1;
	else if (s) {
		wb_error ("%s", wb_case_errmsg (ctx->cs));
		if (s == WB_ERR_NOT_FOUND)
			wb_hint ("list copies with 'workbench messages %s'", ctx->case_path);
	} else {
		id = g_array_index (ids, int64_t, 0);
		if (ids->len > 1)
			wb_note ("%u copies match '%s'; showing copy %" G_GINT64_FORMAT, ids->len, arg, id);
	}
	g_array_unref (ids);
	return id;
}

/* The bytes of copy ID as found (decoded: evidence/case.h), into *OUT. */
static wb_status_t
copy_bytes (wb_case_t *cs, int64_t id, GBytes **out)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT raw_id FROM messages WHERE id = ?1");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, id);
	int64_t raw_id = sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
	sqlite3_reset (st);
	wb_status_t s = wb_case_raw_bytes (cs, raw_id, out);
	if (s && s != WB_ERR_DB) {
		char *why = g_strdup (wb_case_errmsg (cs));
		s = wb_case_fail (cs, s, "copy %" G_GINT64_FORMAT ": %s", id, why);
		g_free (why);
	}
	return s;
}

static void
kv (FILE *out, const char *k, const char *v)
{
	if (!v || !*v)
		return;
	char *s = wb_text_safe (v);
	fprintf (out, "%-12s %s\n", k, s);
	g_free (s);
}

/* Each row of SQL (bound to ID) as a table under HEADING. */
static gboolean
section (wb_ctx_t *ctx, const char *heading, const char *sql, int64_t id)
{
	sqlite3_stmt *st = wb_case_stmt (ctx->cs, sql);
	if (!st)
		return FALSE;
	sqlite3_bind_int64 (st, 1, id);
	fprintf (ctx->out, "\n== %s\n", heading);
	int rc = wb_print_stmt (st, ctx->out, WB_MODE_TEXT, ctx->term_width);
	sqlite3_reset (st);
	return rc == SQLITE_DONE;
}

/* Rows of SQL as a JSON array of objects into J. */
static gboolean
json_rows (wb_ctx_t *ctx, GString *j, const char *name, const char *sql, int64_t id)
{
	sqlite3_stmt *st = wb_case_stmt (ctx->cs, sql);
	if (!st)
		return FALSE;
	sqlite3_bind_int64 (st, 1, id);
	g_string_append_printf (j, ", \"%s\": [", name);
	int rc, row = 0;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		g_string_append (j, row++ ? ", {" : "{");
		for (int c = 0; c < sqlite3_column_count (st); c++) {
			if (c)
				g_string_append (j, ", ");
			wb_json_string (j, sqlite3_column_name (st, c));
			g_string_append (j, ": ");
			switch (sqlite3_column_type (st, c)) {
			case SQLITE_NULL: g_string_append (j, "null"); break;
			case SQLITE_INTEGER:
				g_string_append_printf (j, "%" G_GINT64_FORMAT,
							(gint64) sqlite3_column_int64 (st, c));
				break;
			default: wb_json_string (j, (const char *) sqlite3_column_text (st, c));
			}
		}
		g_string_append (j, "}");
	}
	sqlite3_reset (st);
	g_string_append (j, "]");
	return rc == SQLITE_DONE;
}

#define SQL_MSG "SELECT m.id, m.sha256, m.message_id, m.from_addr AS \"from\", m.from_name," \
	" m.reply_to, m.return_path, m.sender, m.to_addrs AS \"to\", m.cc_addrs AS cc, m.subject," \
	" m.date_header AS date, m.received_at, m.received_from, m.local_day, t.address AS trap," \
	" m.status, m.warnings, m.category, m.fingerprint, m.campaign, r.size, b.text AS body_text" \
	" FROM messages m JOIN raw r ON r.id = m.raw_id LEFT JOIN traps t ON t.id = m.trap_id" \
	" LEFT JOIN body_texts b ON b.id = m.body" \
	" WHERE m.id = ?1"
#define SQL_HOPS "SELECT idx, CASE WHEN origin THEN 'origin' WHEN trusted THEN 'trusted'" \
	" ELSE 'outside' END AS boundary, from_host, from_rdns, from_ip, by_host, protocol," \
	" time_text, time_status, notes FROM hops WHERE message = ?1 ORDER BY idx"
#define SQL_HOPS_JSON "SELECT idx, raw, from_host, from_rdns, from_ip, by_host, protocol, smtp_id," \
	" for_addr, time_text, time_epoch, time_status, trusted, origin, notes FROM hops" \
	" WHERE message = ?1 ORDER BY idx"
#define SQL_LINKS "SELECT value AS url, location FROM artifacts WHERE message = ?1" \
	" AND kind = 'url' ORDER BY idx"
#define SQL_ART "SELECT kind, value, raw, location FROM artifacts WHERE message = ?1" \
	" AND kind <> 'url' ORDER BY kind, idx"
#define SQL_ART_JSON "SELECT kind, raw, value, location FROM artifacts WHERE message = ?1 ORDER BY idx"
/* A yes/no fact's value is '1' or '0' (evidence/schema.sql): a number in
 * JSON.  The text facts stay text, even when they read as a number (a
 * DKIM selector '1', the category '419'). */
#define SQL_FACTS "SELECT name, CASE WHEN name IN ('category', 'opt_out_kinds', 'dkim_domain'," \
	" 'dkim_selector', 'x_mailer') OR value NOT IN ('0', '1') THEN value" \
	" ELSE CAST(value AS INTEGER) END AS value, confidence, evidence FROM facts" \
	" WHERE message = ?1 ORDER BY name"
#define SQL_ATT "SELECT idx, filename, declared_type, sniffed_type, size, sha256 FROM attachments" \
	" WHERE message = ?1 ORDER BY idx"

const wb_option_t wb_options_show[] = {
	WB_FLAG ('r', "raw", "The bytes exactly as received, nothing decoded (a copy stored as a "
		 "zstd frame is given back as the bytes it holds)"),
	WB_FORMAT (wb_formats_text_json, WB_FORMAT_HELP_TEXT_JSON),
	WB_OPTIONS_END
};

int
wb_cmd_show (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *format = NULL;
	gboolean raw = FALSE;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_show)) != -1) {
		if (c == 'F')
			format = optarg;
		else if (c == 'r')
			raw = TRUE;
		else
			return wb_usage_error ("show", "bad option");
	}
	if (optind + 1 != argc)
		return wb_usage_error ("show", "give one message: ID, SHA-256 or Message-ID");
	const char *arg = argv[optind];
	wb_mode_t mode;
	if (!wb_ctx_mode (ctx, format, WB_MODE_TEXT, &mode))
		return WB_EXIT_USAGE;
	if (mode != WB_MODE_TEXT && mode != WB_MODE_JSON)
		return wb_usage_error ("show", "--format must be text or json");
	int64_t id = resolve (ctx, arg);
	if (id < 0)
		return wb_fail_case (ctx, WB_ERR_DB);
	if (id == 0)
		return WB_EXIT_FAIL;
	GBytes *bytes = NULL;
	wb_status_t bs = copy_bytes (ctx->cs, id, &bytes);
	if (bs)
		return wb_fail_case (ctx, bs);
	if (raw) {
		gsize n;
		const void *b = g_bytes_get_data (bytes, &n);
		fwrite (b, 1, n, ctx->out);
		g_bytes_unref (bytes);
		return wb_finish_output (ctx, WB_EXIT_OK);
	}
	sqlite3_stmt *st = wb_case_stmt (ctx->cs, SQL_MSG);
	if (!st)
		return wb_fail_case (ctx, WB_ERR_DB);
	sqlite3_bind_int64 (st, 1, id);
	if (sqlite3_step (st) != SQLITE_ROW) {
		sqlite3_reset (st);
		g_bytes_unref (bytes);
		return wb_fail_case (ctx, wb_case_fail_db (ctx->cs, "cannot read message"));
	}
	gboolean ok = TRUE;
	if (mode == WB_MODE_JSON) {
		GString *j = g_string_new ("{");
		int n = sqlite3_column_count (st);
		for (int i = 0; i < n; i++) {
			if (i)
				g_string_append (j, ", ");
			/* received_from holds what dated the copy: named so
			 * (dated_by), the old name kept after it. */
			if (strcmp (sqlite3_column_name (st, i), "received_from") == 0) {
				g_string_append (j, "\"dated_by\": ");
				wb_json_string (j, (const char *) sqlite3_column_text (st, i));
				g_string_append (j, ", ");
			}
			wb_json_string (j, sqlite3_column_name (st, i));
			g_string_append (j, ": ");
			if (sqlite3_column_type (st, i) == SQLITE_NULL)
				g_string_append (j, "null");
			else if (sqlite3_column_type (st, i) == SQLITE_INTEGER)
				g_string_append_printf (j, "%" G_GINT64_FORMAT,
							(gint64) sqlite3_column_int64 (st, i));
			else
				wb_json_string (j, (const char *) sqlite3_column_text (st, i));
		}
		sqlite3_reset (st);
		ok = json_rows (ctx, j, "hops", SQL_HOPS_JSON, id)
			&& json_rows (ctx, j, "artifacts", SQL_ART_JSON, id)
			&& json_rows (ctx, j, "facts", SQL_FACTS, id)
			&& json_rows (ctx, j, "attachments", SQL_ATT, id);
		g_string_append (j, "}\n");
		if (ok)
			fputs (j->str, ctx->out);
		g_string_free (j, TRUE);
	} else {
		static const char *labels[] = { "Copy", "SHA-256", "Message-ID", "From", "Name",
			"Reply-To", "Return-Path", "Sender", "To", "Cc", "Subject", "Date", "Received",
			"Dated by", "Local day", "Trap", "Status", "Warnings", "Category",
			"Fingerprint", "Campaign", "Size" };
		FILE *out = ctx->out;
		for (int i = 0; i < 22; i++) {
			const char *v = (const char *) sqlite3_column_text (st, i);
			if (i == 19 && sqlite3_column_type (st, i) != SQLITE_NULL) {
				char hex[32];
				g_snprintf (hex, sizeof hex, "%016" G_GINT64_MODIFIER "x",
					    (guint64) sqlite3_column_int64 (st, i));
				kv (out, labels[i], hex);
			} else {
				kv (out, labels[i], v);
			}
		}
		char *body = g_strdup ((const char *) sqlite3_column_text (st, 22));
		sqlite3_reset (st);
		/* The header block as stored, up to the first empty line. */
		gsize bn;
		const char *b = g_bytes_get_data (bytes, &bn);
		size_t n = bn;
		fprintf (out, "\n== Headers\n");
		for (size_t i = 0; b && i < n; ) {
			const char *e = memchr (b + i, '\n', n - i);
			size_t len = e ? (size_t) (e - (b + i)) : n - i;
			if (len > 0 && b[i + len - 1] == '\r')
				len--;
			if (len == 0)
				break;
			char *line = g_strndup (b + i, len);
			char *safe = wb_text_safe (line);
			fprintf (out, "%s\n", safe);
			g_free (safe);
			g_free (line);
			i = e ? (size_t) (e - b) + 1 : n;
		}
		ok = section (ctx, "Hops (topmost first; trusted = added by the trap's provider)", SQL_HOPS, id);
		fprintf (out, "\n== Text\n");
		if (body && *body) {
			char **lines = g_strsplit (body, "\n", -1);
			for (char **l = lines; *l; l++) {
				char *s = wb_text_safe (*l);
				fprintf (out, "%s\n", s);
				g_free (s);
			}
			g_strfreev (lines);
		} else {
			fprintf (out, "(no text)\n");
		}
		g_free (body);
		ok = ok && section (ctx, "Links", SQL_LINKS, id)
			&& section (ctx, "Artifacts", SQL_ART, id)
			&& section (ctx, "Facts", SQL_FACTS, id)
			&& section (ctx, "Attachments", SQL_ATT, id);
	}
	g_bytes_unref (bytes);
	if (!ok)
		return wb_fail_case (ctx, wb_case_fail_db (ctx->cs, "cannot read analysis"));
	return wb_finish_output (ctx, WB_EXIT_OK);
}
