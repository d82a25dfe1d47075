/* workbench verify CASE [--exhibits DIR]...: re-hash every stored message,
 * then the exhibits the custody log says 'report' wrote. */
#include <getopt.h>
#include <string.h>
#include "wb.h"
#include "output.h"
#include "ingest.h"
#include "manifest.h"

/* One report's exhibits, as its custody row recorded them: "out=FOLDER"
 * then the manifest, a line "SHA256  SIZE  NAME" a file. */
typedef struct {
	int64_t id, run;
	char *at;
	char *dir;               /* NULL: the row is not understood */
	char *manifest;          /* the lines after out=, as written to manifest.txt */
	GArray *files;           /* wb_manifest_file_t */
} exhibit_set_t;

/* One line of the verification: folder and file names come from the case
 * file and the disk, so they are shown safe for a terminal (control and
 * bidi characters escaped). */
static void G_GNUC_PRINTF (2, 3)
say (wb_ctx_t *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	char *line = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	char *safe = wb_text_safe (line);
	fprintf (ctx->out, "%s\n", safe);
	g_free (safe);
	g_free (line);
}

static void
set_free (gpointer p)
{
	exhibit_set_t *s = p;
	g_free (s->at);
	g_free (s->dir);
	g_free (s->manifest);
	if (s->files)
		g_array_unref (s->files);
	g_free (s);
}

/* Every 'exhibit' row of the custody log, oldest first. */
static wb_status_t
read_sets (wb_case_t *cs, GPtrArray *sets)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT id, run, at, detail FROM custody"
				       " WHERE action = 'exhibit' ORDER BY id");
	if (!st)
		return WB_ERR_DB;
	int rc;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		exhibit_set_t *s = g_new0 (exhibit_set_t, 1);
		s->id = sqlite3_column_int64 (st, 0);
		s->run = sqlite3_column_int64 (st, 1);
		s->at = g_strdup ((const char *) sqlite3_column_text (st, 2));
		const char *d = (const char *) sqlite3_column_text (st, 3);
		char *dir = NULL;
		if (wb_manifest_custody_split (d, &dir, &s->manifest) &&
		    (s->files = wb_manifest_parse (s->manifest))) {
			/* A folder recorded relative (by an older version) is
			 * taken from where verify runs. */
			s->dir = g_canonicalize_filename (dir, NULL);
		}
		g_free (dir);
		g_ptr_array_add (sets, s);
	}
	sqlite3_reset (st);
	return rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (cs, "cannot read the custody log");
}

/* A manifest.txt as read from a folder: its text and length (TEXT NULL:
 * none could be read). */
typedef struct {
	char *text;
	gsize len;
} manifest_t;

static manifest_t
read_manifest (const char *dir)
{
	manifest_t m = { NULL, 0 };
	char *mpath = g_build_filename (dir, "manifest.txt", NULL);
	if (!g_file_get_contents (mpath, &m.text, &m.len, NULL))
		m.text = NULL;
	g_free (mpath);
	return m;
}

/* M is byte for byte the manifest RECORDED (a NUL byte inside M, with
 * anything after it, is a difference). */
static gboolean
same_manifest (const manifest_t *m, const char *recorded)
{
	return m->text && m->len == strlen (recorded) && memcmp (m->text, recorded, m->len) == 0;
}

/* Case digests found changed by this verification. */
static uint64_t digests_changed;

/* The case digest S's manifest records, recomputed (reports/README.md):
 * the case still holds the evidence the exhibits were made from, or what
 * ran since to change it is named.  Returns 1 if it changed. */
static uint64_t
check_digest (wb_ctx_t *ctx, const exhibit_set_t *s)
{
	char want[65], got[65];
	int64_t run = 0;
	if (!wb_manifest_digest (s->manifest, want, &run)) {
		say (ctx, "NOT CHECKED: report run %" G_GINT64_FORMAT " recorded no case digest"
			 " (written by an older version)", s->run);
		return 0;
	}
	if (wb_case_digest (ctx->cs, run, got)) {
		say (ctx, "NOT CHECKED: case digest: %s", wb_case_errmsg (ctx->cs));
		digests_changed++;
		return 0;
	}
	if (!strcmp (want, got)) {
		say (ctx, "OK: case digest %s before run %" G_GINT64_FORMAT " still matches the exhibits",
		     got, run);
		return 0;
	}
	say (ctx, "MISMATCH case digest: the exhibits of report run %" G_GINT64_FORMAT " show %s,"
	     " the case now gives %s", s->run, want, got);
	/* What changed it: the runs since, other than reports and
	 * verifications (the case clock's rule). */
	sqlite3_stmt *q = wb_case_stmt (ctx->cs, "SELECT run, min(at), command, max(detail) FILTER"
					" (WHERE action = 'begin') FROM custody WHERE run > ?1 AND command"
					" NOT IN ('report', 'verify', '') GROUP BY run ORDER BY run");
	uint64_t n = 0;
	if (q) {
		sqlite3_bind_int64 (q, 1, run);
		while (sqlite3_step (q) == SQLITE_ROW) {
			const char *line = (const char *) sqlite3_column_text (q, 3);
			say (ctx, "  changed since by run %" G_GINT64_FORMAT " at %s: %s%s%s",
			     (int64_t) sqlite3_column_int64 (q, 0), sqlite3_column_text (q, 1),
			     sqlite3_column_text (q, 2), line ? ": " : "", line ? line : "");
			n++;
		}
		sqlite3_reset (q);
	}
	if (!n)
		say (ctx, "  no run since is logged as changing it: the case file was changed"
			 " outside workbench, or is not the one the exhibits were made from");
	digests_changed++;
	return 0;
}

/* Re-hash the files of S found in DIR, whose manifest.txt is M.  Returns the number that do not match (a
 * missing file, or manifest.txt not as recorded, counts). */
static uint64_t
check_set (wb_ctx_t *ctx, const exhibit_set_t *s, const char *dir, const manifest_t *m)
{
	uint64_t bad = 0;
	for (guint i = 0; i < s->files->len; i++) {
		const wb_manifest_file_t *f = &g_array_index (s->files, wb_manifest_file_t, i);
		char *path = g_build_filename (dir, f->name, NULL);
		char got[65];
		int64_t size = 0;
		GError *err = NULL;
		if (!wb_sha256_file (path, got, &size, &err)) {
			bad++;
			if (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
				say (ctx, "MISSING exhibit '%s': recorded sha256 %s size %" G_GINT64_FORMAT
				     " (report run %" G_GINT64_FORMAT ")", path, f->sha, f->size, s->run);
			else
				say (ctx, "MISMATCH exhibit: %s (report run %" G_GINT64_FORMAT ")", err->message, s->run);
			g_error_free (err);
		} else if (strcmp (got, f->sha) != 0 || size != f->size) {
			bad++;
			say (ctx, "MISMATCH exhibit '%s': recorded sha256 %s size %" G_GINT64_FORMAT
			     " (report run %" G_GINT64_FORMAT "), file hashes to %s size %" G_GINT64_FORMAT,
			     path, f->sha, f->size, s->run, got, size);
		}
		g_free (path);
	}
	/* The manifest handed over with the exhibits must say what the case
	 * recorded. */
	char *mpath = g_build_filename (dir, "manifest.txt", NULL);
	if (!m->text) {
		bad++;
		say (ctx, "MISSING exhibit '%s': the manifest of report run %" G_GINT64_FORMAT, mpath, s->run);
	} else if (!same_manifest (m, s->manifest)) {
		bad++;
		say (ctx, "MISMATCH exhibit '%s': not the manifest recorded for report run %" G_GINT64_FORMAT,
		     mpath, s->run);
	}
	g_free (mpath);
	if (!bad)
		say (ctx, "OK: %u exhibit files in '%s' match report run %" G_GINT64_FORMAT " (%s)",
		     s->files->len, dir, s->run, s->at);
	return bad + check_digest (ctx, s);
}

/* The folder DIR handed over as exhibits: its manifest.txt must be one the
 * custody log recorded (the latest such report is taken), and its files
 * must hash as that manifest says. */
static uint64_t
check_folder (wb_ctx_t *ctx, GPtrArray *sets, const char *arg)
{
	char *dir = g_canonicalize_filename (arg, NULL);
	manifest_t m = { NULL, 0 };
	uint64_t bad = 1;
	if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
		say (ctx, "MISMATCH exhibits in '%s': folder not found", dir);
		goto done;
	}
	if (!(m = read_manifest (dir)).text) {
		say (ctx, "MISMATCH exhibits in '%s': no manifest.txt can be read there", dir);
		goto done;
	}
	const exhibit_set_t *match = NULL;
	for (guint i = sets->len; i-- > 0 && !match;) {
		const exhibit_set_t *s = g_ptr_array_index (sets, i);
		if (s->files && same_manifest (&m, s->manifest))
			match = s;
	}
	if (!match) {
		say (ctx, "MISMATCH exhibits in '%s': manifest.txt is not the manifest of any report"
			 " in the custody log", dir);
		goto done;
	}
	bad = check_set (ctx, match, dir, &m);
done:
	g_free (m.text);
	g_free (dir);
	return bad;
}

/* Every folder the custody log says a report was written to, each with the
 * latest report written there; a folder no longer there is said, not
 * counted (exhibits are moved when they are filed). */
static uint64_t
check_recorded (wb_ctx_t *ctx, GPtrArray *sets)
{
	GHashTable *latest = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint i = 0; i < sets->len; i++) {
		exhibit_set_t *s = g_ptr_array_index (sets, i);
		if (s->dir)
			g_hash_table_insert (latest, s->dir, s);
	}
	uint64_t bad = 0;
	for (guint i = 0; i < sets->len; i++) {
		exhibit_set_t *s = g_ptr_array_index (sets, i);
		if (!s->dir) {
			say (ctx, "NOT CHECKED: custody row %" G_GINT64_FORMAT
				 " (report run %" G_GINT64_FORMAT "): its list of exhibits is not understood",
				 s->id, s->run);
			continue;
		}
		if (g_hash_table_lookup (latest, s->dir) != s)
			continue;   /* a later report replaced these files */
		if (!g_file_test (s->dir, G_FILE_TEST_IS_DIR)) {
			say (ctx, "NOT CHECKED: exhibits of report run %" G_GINT64_FORMAT
				 " in '%s': folder not found (check a copy with --exhibits DIR)", s->run, s->dir);
			continue;
		}
		manifest_t m = read_manifest (s->dir);
		bad += check_set (ctx, s, s->dir, &m);
		g_free (m.text);
	}
	g_hash_table_destroy (latest);
	return bad;
}

/* " (copy N)" or " (copies N, M, ...)": the copies found with the bytes of
 * raw row RID, newly allocated. */
static char *
copies_of (wb_case_t *cs, int64_t rid)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT id FROM messages WHERE raw_id = ?1"
				       " UNION SELECT message FROM locations WHERE raw_id = ?1 ORDER BY 1");
	GString *s = g_string_new (NULL);
	unsigned k = 0;
	if (st) {
		sqlite3_bind_int64 (st, 1, rid);
		while (sqlite3_step (st) == SQLITE_ROW) {
			if (k < 10)
				g_string_append_printf (s, "%s%" G_GINT64_FORMAT, k ? ", " : "",
							(int64_t) sqlite3_column_int64 (st, 0));
			k++;
		}
		sqlite3_reset (st);
	}
	char *r = k ? g_strdup_printf (" (%s %s%s)", k == 1 ? "copy" : "copies", s->str, k > 10 ? " and more" : "")
		    : g_strdup ("");
	g_string_free (s, TRUE);
	return r;
}

/* Re-hash every stored message (the bytes its frame gives, for a zstd
 * row) and check that each copy points at the bytes its sha256 names; BAD
 * counts what does not match. */
static wb_status_t
check_messages (wb_ctx_t *ctx, uint64_t *bad)
{
	wb_case_t *cs = ctx->cs;
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT id, sha256, size, bytes, codec FROM raw ORDER BY id");
	if (!st)
		return WB_ERR_DB;
	uint64_t n = 0, raw_bad = 0, copies_bad = 0;
	int rc;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		int64_t rid = sqlite3_column_int64 (st, 0);
		const char *want = (const char *) sqlite3_column_text (st, 1);
		int64_t size = sqlite3_column_int64 (st, 2);
		const void *blob = sqlite3_column_blob (st, 3);
		const char *codec = (const char *) sqlite3_column_text (st, 4);
		char *why = NULL;
		GBytes *g = wb_raw_decode (codec, blob ? blob : "", (size_t) sqlite3_column_bytes (st, 3), size,
					   &why);
		n++;
		if (!g) {
			raw_bad++;
			char *copies = copies_of (cs, rid);
			fprintf (ctx->out, "MISMATCH raw %" G_GINT64_FORMAT "%s: recorded sha256 %s size %"
				 G_GINT64_FORMAT ", its %s frame does not give the bytes back: %s\n", rid, copies,
				 want ? want : "(none)", size, codec ? codec : "(none)", why);
			g_free (copies);
			g_free (why);
			continue;
		}
		gsize len;
		const void *bytes = g_bytes_get_data (g, &len);
		char got[65];
		wb_sha256_hex (bytes ? bytes : "", len, got);
		if (!want || strcmp (want, got) != 0 || size != (int64_t) len) {
			raw_bad++;
			char *copies = copies_of (cs, rid);
			fprintf (ctx->out, "MISMATCH raw %" G_GINT64_FORMAT "%s: recorded sha256 %s size %"
				 G_GINT64_FORMAT ", bytes hash to %s size %" G_GSIZE_FORMAT "\n", rid, copies,
				 want ? want : "(none)", size, got, len);
			g_free (copies);
		}
		g_bytes_unref (g);
	}
	sqlite3_reset (st);
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (cs, "cannot read stored messages");
	/* Each copy must point at the bytes its own sha256 names. */
	st = wb_case_stmt (cs, "SELECT m.id, m.sha256, r.sha256 FROM messages m"
			       " LEFT JOIN raw r ON r.id = m.raw_id"
			       " WHERE r.sha256 IS NULL OR r.sha256 <> m.sha256 ORDER BY m.id");
	if (!st)
		return WB_ERR_DB;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		copies_bad++;
		fprintf (ctx->out, "MISMATCH message %" G_GINT64_FORMAT ": sha256 %s, stored bytes %s\n",
			 (int64_t) sqlite3_column_int64 (st, 0), sqlite3_column_text (st, 1),
			 sqlite3_column_text (st, 2) ? (const char *) sqlite3_column_text (st, 2) : "(missing)");
	}
	sqlite3_reset (st);
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (cs, "cannot read messages");
	if (raw_bad || copies_bad)
		wb_error ("%" G_GUINT64_FORMAT " stored message(s) and %" G_GUINT64_FORMAT
			  " copies do not match their SHA-256", raw_bad, copies_bad);
	else
		fprintf (ctx->out, "OK: %" G_GUINT64_FORMAT " stored messages match their SHA-256\n", n);
	*bad = raw_bad + copies_bad;
	return WB_OK;
}

/* Up to ten copy ids of ST's first column, then "and N more". */
static void
list_ids (wb_ctx_t *ctx, sqlite3_stmt *st, const char *what, const char *hint, uint64_t *n)
{
	GString *ids = g_string_new (NULL);
	uint64_t k = 0;
	while (sqlite3_step (st) == SQLITE_ROW) {
		if (k < 10) {
			g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, k ? ", " : "",
						(int64_t) sqlite3_column_int64 (st, 0));
			if (sqlite3_column_count (st) > 1 && sqlite3_column_type (st, 1) != SQLITE_NULL)
				g_string_append_printf (ids, " (as %" G_GINT64_FORMAT ")",
							(int64_t) sqlite3_column_int64 (st, 1));
		}
		k++;
	}
	sqlite3_reset (st);
	if (k)
		fprintf (ctx->out, "  %" G_GUINT64_FORMAT " %s %s: %s%s\n    (%s)\n", k,
			 k == 1 ? "copy" : "copies", what, ids->str, k > 10 ? " and more" : "", hint);
	*n += k;
	g_string_free (ids, TRUE);
}

/* Copies ingested before schema version 2 were read by rules it changed
 * (evidence/VIOLATIONS.md): the empty line that ends an mbox was kept in
 * its last message; copies differing only by >From quoting were two; an
 * mbox split only at ctime-dated From_ lines after an empty line.  Their
 * bytes are what was found and still match; what they are is listed, with
 * how to count them by today's rules.  An upgrade never changes them. */
static wb_status_t
check_old_rules (wb_ctx_t *ctx)
{
	wb_case_t *cs = ctx->cs;
	char *v = wb_case_info (cs, "v1_last_run");
	if (!v)
		return WB_OK;
	int64_t last = g_ascii_strtoll (v, NULL, 10);
	g_free (v);
	uint64_t n = 0;
	fprintf (ctx->out, "NOTE: copies ingested before schema version 2 (custody runs up to %"
		 G_GINT64_FORMAT ") by rules since changed:\n", last);
	sqlite3_stmt *st = wb_case_stmt (cs,
		"SELECT l.message FROM locations l JOIN sources s ON s.id = l.source_id"
		" JOIN raw r ON r.id = l.raw_id WHERE s.run <= ?1 AND l.split <> 'whole'"
		" AND l.offset = (SELECT max(offset) FROM locations l2 WHERE l2.source_id = l.source_id)"
		" AND (substr(wb_raw(r.codec, r.bytes, r.size, r.id), -2) = x'0a0a'"
		"  OR substr(wb_raw(r.codec, r.bytes, r.size, r.id), -4) = x'0d0a0d0a')"
		" ORDER BY l.message");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, last);
	list_ids (ctx, st, "last in an mbox, stored with the empty line that ends it",
		  "RFC 4155: that line is not part of the message; today's copy is one byte shorter"
		  " (two with CRLF), with another SHA-256", &n);
	st = wb_case_stmt (cs,
		"SELECT m.id, (SELECT o.id FROM messages o"
		"  WHERE o.ident = wb_copy_ident(wb_raw(r.codec, r.bytes, r.size, r.id), r.sha256)"
		"  AND o.trap_id = m.trap_id) FROM messages m JOIN raw r ON r.id = m.raw_id"
		" WHERE m.ident <> wb_copy_ident(wb_raw(r.codec, r.bytes, r.size, r.id), r.sha256) ORDER BY m.id");
	if (!st)
		return WB_ERR_DB;
	list_ids (ctx, st, "counted apart from another copy of the same trap that differs only by"
		  " >From quoting", "today they are one copy with two locations", &n);
	/* Split under the old rule: a dated From_ line left inside. */
	st = wb_case_stmt (cs,
		"SELECT DISTINCT x.message, x.b FROM (SELECT l.message, wb_raw(r.codec, r.bytes, r.size, r.id) AS b"
		"  FROM locations l JOIN sources s ON s.id = l.source_id"
		"  JOIN raw r ON r.id = l.raw_id WHERE s.run <= ?1 AND l.split = 'mbox-from') x"
		" WHERE instr(x.b, x'0a46726f6d20') > 0 ORDER BY x.message");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, last);
	GString *ids = g_string_new (NULL), *warn = g_string_new (NULL);
	uint64_t k = 0;
	while (sqlite3_step (st) == SQLITE_ROW) {
		g_string_truncate (warn, 0);
		if (!wb_ingest_check_merged (sqlite3_column_blob (st, 1), sqlite3_column_bytes (st, 1), warn))
			continue;
		if (k < 10)
			g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, k ? ", " : "",
						(int64_t) sqlite3_column_int64 (st, 0));
		k++;
	}
	sqlite3_reset (st);
	if (k)
		fprintf (ctx->out, "  %" G_GUINT64_FORMAT " %s from an mbox holding a dated From_ line: %s%s\n"
			 "    (possibly merged messages: today a line of the file's own form splits, and"
			 " any other is flagged)\n", k, k == 1 ? "copy" : "copies", ids->str,
			 k > 10 ? " and more" : "");
	n += k;
	g_string_free (ids, TRUE);
	g_string_free (warn, TRUE);
	if (!n)
		fprintf (ctx->out, "  none: every copy reads the same today\n");
	else
		wb_hint ("to count them by today's rules, ingest the same files into a new case ('workbench"
			 " init NEW.case', then 'workbench ingest NEW.case FILE...'); ingesting them into this"
			 " case again skips them, as each file is recorded complete by path and SHA-256");
	return WB_OK;
}

const wb_option_t wb_options_verify[] = {
	{ .kind = WB_OPT_STRING, .key = 'e', .name = "exhibits", .arg = "DIR",
	  .flags = WB_OPT_REPEAT,
	  .help = "Check the exhibits in DIR against its manifest (SHA-256 of each file).  "
		  "Without it, the folders the custody log records report writing" },
	WB_OPTIONS_END
};

int
wb_cmd_verify (wb_ctx_t *ctx, int argc, char **argv)
{
	GPtrArray *folders = g_ptr_array_new ();
	int c, rc = WB_EXIT_USAGE;
	while ((c = wb_options_next (argc, argv, wb_options_verify)) != -1) {
		if (c != 'e')
			goto done;
		g_ptr_array_add (folders, optarg);
	}
	if (optind < argc) {
		rc = wb_usage_error ("verify", "unexpected argument '%s'", argv[optind]);
		goto done;
	}
	uint64_t messages_bad = 0, exhibits_bad = 0;
	digests_changed = 0;
	wb_status_t st = check_messages (ctx, &messages_bad);
	if (!st)
		st = check_old_rules (ctx);
	/* The exhibits: the folders named, else those the custody log records. */
	GPtrArray *sets = g_ptr_array_new_with_free_func (set_free);
	if (!st && !(st = read_sets (ctx->cs, sets))) {
		for (guint i = 0; i < folders->len; i++)
			exhibits_bad += check_folder (ctx, sets, g_ptr_array_index (folders, i));
		if (!folders->len)
			exhibits_bad = check_recorded (ctx, sets);
	}
	g_ptr_array_free (sets, TRUE);
	if (st) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	if (exhibits_bad)
		wb_error ("%" G_GUINT64_FORMAT " exhibit file(s) missing or not as the custody log records them",
			  exhibits_bad);
	if (digests_changed)
		wb_error ("the case no longer holds what the exhibits of %" G_GUINT64_FORMAT " report(s) were"
			  " made from: its case digest changed", digests_changed);
	rc = messages_bad || exhibits_bad || digests_changed ? WB_EXIT_FAIL : WB_EXIT_OK;
done:
	g_ptr_array_free (folders, TRUE);
	return rc;
}
