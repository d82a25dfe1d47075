/* Message analysis: the store part (wb_analysis_store, wb_analysis_insert),
 * writing an analysis into the case.  See analyze.h. */
#include <string.h>
#include "analyze.h"
#include "analyze-private.h"

/* The id of the row FIND (a SELECT of its id) finds, else of the row ADD
 * (an INSERT) adds; both take the same parameters, bound by BIND from ARG.
 * *ADDED (when not NULL) says whether it was added.  Each distinct value
 * is stored once this way: hop names, artifact values, body texts. */
static wb_status_t
intern (wb_case_t *cs, const char *find, const char *add, void (*bind) (sqlite3_stmt *, gconstpointer),
	gconstpointer arg, const char *what, int64_t *id, gboolean *added)
{
	if (added)
		*added = FALSE;
	sqlite3_stmt *st = wb_case_stmt (cs, find);
	if (!st)
		return WB_ERR_DB;
	bind (st, arg);
	int rc = sqlite3_step (st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	if (rc == SQLITE_ROW)
		return WB_OK;
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (cs, what);
	if (!(st = wb_case_stmt (cs, add)))
		return WB_ERR_DB;
	bind (st, arg);
	wb_status_t rs = wb_case_step (cs, st, what);
	if (rs)
		return rs;
	*id = sqlite3_last_insert_rowid (wb_case_db (cs));
	if (added)
		*added = TRUE;
	return WB_OK;
}

/* The id of hop_names row NAME, added if no hop had it; the ids are kept
 * for the transaction (wb_case_intern): a copy's hops name about 25 of
 * them and nearly all were met before. */
static wb_status_t
name_id (wb_case_t *cs, const char *name, int64_t *id)
{
	const char *v[] = { name };
	return wb_case_intern (cs, "SELECT id FROM hop_names WHERE name = ?1",
			       "INSERT INTO hop_names (name) VALUES (?1)", v, 1, "cannot store hops", id);
}

static void
bind_value (sqlite3_stmt *st, gconstpointer arg)
{
	const char *const *kv = arg;
	wb_case_bind_text (st, 1, kv[0]);
	wb_case_bind_text (st, 2, kv[1]);
}

/* The id of artifact_values row KIND, VALUE, added if no copy had it (kept
 * for the transaction, as name_id's).  A NULL value, which no SELECT finds,
 * is added each time, as it always was, not kept. */
static gboolean
value_id (wb_case_t *cs, const char *kind, const char *value, int64_t *id)
{
	const char *kv[] = { kind, value };
	if (value)
		return wb_case_intern (cs, "SELECT id FROM artifact_values WHERE kind = ?1 AND value = ?2",
				       "INSERT INTO artifact_values (kind, value) VALUES (?1, ?2)", kv, 2,
				       "cannot store analysis", id) == WB_OK;
	return intern (cs, "SELECT id FROM artifact_values WHERE kind = ? AND value = ?",
		       "INSERT INTO artifact_values (kind, value) VALUES (?, ?)", bind_value, kv,
		       "cannot store analysis", id, NULL) == WB_OK;
}

typedef struct {
	const char *text;
	size_t len;
	int64_t key;
} body_t;

static void
bind_body (sqlite3_stmt *st, gconstpointer arg)
{
	const body_t *b = arg;
	sqlite3_bind_int64 (st, 1, b->key);
	sqlite3_bind_text (st, 2, b->text, (int) b->len, SQLITE_STATIC);
}

wb_status_t
wb_analysis_body_id (wb_case_t *cs, const wb_analysis_t *a, int64_t *id, gboolean *added)
{
	body_t b = { a->body_text, strlen (a->body_text), a->body_key };
	return intern (cs, "SELECT id FROM body_texts WHERE key = ? AND text = ?",
		       "INSERT INTO body_texts (key, text) VALUES (?, ?)", bind_body, &b, "cannot store body text", id,
		       added);
}

/* The SQL of an INSERT of 1 to 8 rows R after HEAD: A[k - 1] has k rows.
 * A copy's rows go in as few statements as they fill (see store). */
#define ROWS1(R) R
#define ROWS2(R) R "," R
#define ROWS3(R) ROWS2 (R) "," R
#define ROWS4(R) ROWS3 (R) "," R
#define ROWS5(R) ROWS4 (R) "," R
#define ROWS6(R) ROWS5 (R) "," R
#define ROWS7(R) ROWS6 (R) "," R
#define ROWS8(R) ROWS7 (R) "," R
#define ROWS_SQL(HEAD, R) { HEAD ROWS1 (R), HEAD ROWS2 (R), HEAD ROWS3 (R), HEAD ROWS4 (R), \
	HEAD ROWS5 (R), HEAD ROWS6 (R), HEAD ROWS7 (R), HEAD ROWS8 (R) }

/* Whether column C of ST's row holds what binding V (a string or NULL, as
 * wb_case_bind_text binds it) stores: the same type and bytes.  A stored
 * value of another type, even one SQL would call equal, is not the same:
 * such a copy is written again. */
static gboolean
same_text (sqlite3_stmt *st, int c, const char *v)
{
	if (!v)
		return sqlite3_column_type (st, c) == SQLITE_NULL;
	if (sqlite3_column_type (st, c) != SQLITE_TEXT)
		return FALSE;
	const unsigned char *t = sqlite3_column_text (st, c);
	size_t n = strlen (v);
	return t && (size_t) sqlite3_column_bytes (st, c) == n && memcmp (t, v, n) == 0;
}

/* Whether column C holds the integer V (HAS) or NULL (!HAS). */
static gboolean
same_int (sqlite3_stmt *st, int c, gboolean has, int64_t v)
{
	if (!has)
		return sqlite3_column_type (st, c) == SQLITE_NULL;
	return sqlite3_column_type (st, c) == SQLITE_INTEGER && sqlite3_column_int64 (st, c) == v;
}

/* Step ST, a SELECT of a copy's stored rows, to its next row: 1 a row, 0
 * none left, -1 a failure, which the case's error then says. */
static int
next_row (wb_case_t *cs, sqlite3_stmt *st)
{
	int rc = sqlite3_step (st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	wb_case_fail_db (cs, "cannot read the stored analysis");
	return -1;
}

/* Delete copy ID's rows with SQL (a DELETE of ?1), to be written again. */
static wb_status_t
delete_rows (wb_case_t *cs, const char *sql, int64_t id)
{
	sqlite3_stmt *st = wb_case_stmt (cs, sql);
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, id);
	return wb_case_step (cs, st, "cannot replace analysis");
}

void
wb_json_quote (GString *out, const char *s)
{
	/* As SQLite's json_quote() writes a string: '"' and '\\' and the
	 * controls with a short escape take it, the other controls \u00xx,
	 * every other byte is copied (UTF-8 as it is). */
	static const char hex[] = "0123456789abcdef";
	static const char short_esc[32] = { ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n',
					    ['\f'] = 'f', ['\r'] = 'r' };
	g_string_append_c (out, '"');
	const char *run = s;
	for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		g_string_append_len (out, run, (const char *) p - run);
		run = (const char *) p + 1;
		g_string_append_c (out, '\\');
		if (*p == '"' || *p == '\\')
			g_string_append_c (out, (char) *p);
		else if (short_esc[*p])
			g_string_append_c (out, short_esc[*p]);
		else {
			g_string_append (out, "u00");
			g_string_append_c (out, hex[*p >> 4]);
			g_string_append_c (out, hex[*p & 15]);
		}
	}
	g_string_append (out, run);
	g_string_append_c (out, '"');
}

const char wb_analysis_copies_deferred[] = "artifact_copies deferred";

/* The artifact_copies rows of message ID, one per distinct value id of the
 * K in VID, up to sixteen a statement; while ingest fills the table at its
 * commit (wb_analysis_copies_deferred), in temp.artifact_copies_pending for
 * it, an append. */
static gboolean
insert_copies (wb_case_t *cs, int64_t id, const int64_t *vid, guint k)
{
	/* Up to sixteen rows a statement: a copy has about 23 values. */
#define COPY "(?,?)"
#define SQL16(H) { H ROWS1 (COPY), H ROWS2 (COPY), H ROWS3 (COPY), H ROWS4 (COPY), \
	H ROWS5 (COPY), H ROWS6 (COPY), H ROWS7 (COPY), H ROWS8 (COPY), H ROWS8 (COPY) "," ROWS1 (COPY), \
	H ROWS8 (COPY) "," ROWS2 (COPY), H ROWS8 (COPY) "," ROWS3 (COPY), H ROWS8 (COPY) "," ROWS4 (COPY), \
	H ROWS8 (COPY) "," ROWS5 (COPY), H ROWS8 (COPY) "," ROWS6 (COPY), H ROWS8 (COPY) "," ROWS7 (COPY), \
	H ROWS8 (COPY) "," ROWS8 (COPY) }
	static const char *const now[16] = SQL16 ("INSERT OR FAIL INTO artifact_copies (value, message) VALUES ");
	static const char *const later[16] = SQL16 ("INSERT INTO temp.artifact_copies_pending (value, message) VALUES ");
#undef SQL16
#undef COPY
	int64_t deferred = 0;
	const char *const *sql = wb_case_kept (cs, wb_analysis_copies_deferred, NULL, 0, &deferred) && deferred
		? later : now;
	int64_t uniq[16];
	guint n = 0;
	for (guint i = 0; i <= k; i++) {
		if (n == 16 || (i == k && n)) {
			sqlite3_stmt *st = wb_case_stmt (cs, sql[n - 1]);
			if (!st)
				return FALSE;
			for (guint r = 0; r < n; r++) {
				sqlite3_bind_int64 (st, 2 * r + 1, uniq[r]);
				sqlite3_bind_int64 (st, 2 * r + 2, id);
			}
			if (wb_case_step (cs, st, "cannot store analysis"))
				return FALSE;
			n = 0;
		}
		if (i == k)
			break;
		/* A copy names a value again at another place: once here. */
		gboolean seen = FALSE;
		for (guint j = 0; j < i && !seen; j++)
			seen = vid[j] == vid[i];
		if (!seen)
			uniq[n++] = vid[i];
	}
	return TRUE;
}

/* The artifacts of message ID: one message_artifacts row, items the JSON
 * array of [value id, raw, location] in the order found, raw null where
 * it is the normalized value, as the view artifacts reads it; and its
 * artifact_copies rows.  A copy with none has no row.  REPLACE: the copy
 * may have a row already, left as it is when it holds the same (most
 * copies analysed again give what they gave), else updated (its trigger
 * keeping artifact_copies) or deleted. */
static gboolean
insert_artifacts (wb_case_t *cs, int64_t id, GPtrArray *rows, gboolean replace)
{
	sqlite3_stmt *st;
	if (!rows->len) {
		if (!replace)
			return TRUE;
		if (!(st = wb_case_stmt (cs, "DELETE FROM message_artifacts WHERE message = ?")))
			return FALSE;
		sqlite3_bind_int64 (st, 1, id);
		return wb_case_step (cs, st, "cannot replace analysis") == WB_OK;
	}
	GString *items = g_string_sized_new (2048);   /* about 1 KB a copy */
	int64_t *vid = g_new (int64_t, rows->len);
	char num[24];   /* an id and ',' */
	g_string_append_c (items, '[');
	gboolean ok = TRUE;
	for (guint i = 0; i < rows->len && ok; i++) {
		const artifact_t *ar = g_ptr_array_index (rows, i);
		if (!(ok = value_id (cs, ar->kind, ar->value, &vid[i])))
			break;
		/* The id in decimal (ids are positive), then ','. */
		char *e = num + sizeof num, *d = e;
		*--d = ',';
		uint64_t v = (uint64_t) vid[i];
		do
			*--d = (char) ('0' + v % 10);
		while ((v /= 10));
		g_string_append (items, i ? ",[" : "[");
		g_string_append_len (items, d, e - d);
		if (ar->raw && !(ar->value && !strcmp (ar->raw, ar->value)))
			wb_json_quote (items, ar->raw);
		else
			g_string_append (items, "null");
		g_string_append_c (items, ',');
		if (ar->location)
			wb_json_quote (items, ar->location);
		else
			g_string_append (items, "null");
		g_string_append_c (items, ']');
	}
	g_string_append_c (items, ']');
	/* Analysed again: the row there, if any. */
	int have = 0;   /* 0 none, 1 the same, 2 another */
	if (ok && replace) {
		ok = (st = wb_case_stmt (cs, "SELECT items = ?2 FROM message_artifacts WHERE message = ?1")) != NULL;
		if (ok) {
			sqlite3_bind_int64 (st, 1, id);
			sqlite3_bind_text (st, 2, items->str, (int) items->len, SQLITE_STATIC);
			int rc = sqlite3_step (st);
			if (rc == SQLITE_ROW)
				have = sqlite3_column_int (st, 0) ? 1 : 2;
			sqlite3_reset (st);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
				wb_case_fail_db (cs, "cannot replace analysis");
				ok = FALSE;
			}
		}
	}
	/* OR FAIL, as store() says. */
	if (ok && have != 1)
		ok = (st = wb_case_stmt (cs, have
			? "UPDATE message_artifacts SET items = ?2, first_id = NULL WHERE message = ?1"
			: "INSERT OR FAIL INTO message_artifacts (message, items) VALUES (?1, ?2)")) != NULL;
	if (ok && have != 1) {
		sqlite3_bind_int64 (st, 1, id);
		sqlite3_bind_text (st, 2, items->str, (int) items->len, SQLITE_STATIC);
		ok = wb_case_step (cs, st, "cannot store analysis") == WB_OK;
	}
	if (ok && !have)
		ok = insert_copies (cs, id, vid, rows->len);
	g_free (vid);
	g_string_free (items, TRUE);
	return ok;
}

/* Whether message ID's stored facts are ROWS, in *SAME: one row for each
 * and no other, the same name, value, confidence and evidence, the value
 * a value of that name (message_facts keeps them in name id order, not in
 * the order set, so the order does not count).  Read by their text, not
 * by interned ids: a copy's facts (about 15) would cost an index lookup
 * each in fact_values to intern. */
static wb_status_t
same_facts (wb_case_t *cs, int64_t id, GPtrArray *rows, gboolean *same)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT n.name, v.value, v.confidence, v.evidence,"
		" v.name IS f.name FROM message_facts f LEFT JOIN fact_names n ON n.id = f.name"
		" LEFT JOIN fact_values v ON v.id = f.value WHERE f.message = ?1");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, id);
	guint8 *used = g_newa (guint8, rows->len + 1);
	memset (used, 0, rows->len + 1);
	guint n = 0;
	int r = 0;
	*same = TRUE;
	while (*same && (r = next_row (cs, st)) == 1) {
		const char *name = (const char *) sqlite3_column_text (st, 0);
		guint i = 0;
		for (; name && i < rows->len; i++) {
			const fact_t *f = g_ptr_array_index (rows, i);
			if (!used[i] && strcmp (f->name, name) == 0)
				break;
		}
		if (!name || i == rows->len) {
			*same = FALSE;
			break;
		}
		const fact_t *f = g_ptr_array_index (rows, i);
		used[i] = 1;
		n++;
		*same = same_text (st, 1, f->value) && same_text (st, 2, f->confidence)
			&& same_text (st, 3, f->evidence) && sqlite3_column_int (st, 4) == 1;
	}
	sqlite3_reset (st);
	if (*same && r < 0)
		return WB_ERR_DB;
	*same = *same && n == rows->len;
	return WB_OK;
}

/* The facts of message ID: message_facts rows naming each fact's name
 * and value, stored once in fact_names and fact_values (their ids kept
 * for the transaction: a campaign's copies repeat them), up to eight rows
 * per statement. */
static gboolean
insert_facts (wb_case_t *cs, int64_t id, GPtrArray *rows)
{
	static const char *const sql[8] = ROWS_SQL (
		"INSERT OR FAIL INTO message_facts (message, name, value) VALUES ", "(?,?,?)");
	for (guint i = 0; i < rows->len;) {
		guint k = MIN (rows->len - i, 8);
		int64_t ids[8][2];
		for (guint r = 0; r < k; r++) {
			const fact_t *f = g_ptr_array_index (rows, i + r);
			const char *v[] = { f->name, f->value, f->confidence, f->evidence };
			if (wb_case_intern (cs, "SELECT id FROM fact_names WHERE name = ?1",
					    "INSERT INTO fact_names (name) VALUES (?1)", v, 1,
					    "cannot store facts", &ids[r][0])
			    || wb_case_intern (cs, "SELECT id FROM fact_values WHERE name = (SELECT id FROM"
					       " fact_names WHERE name = ?1) AND value = ?2 AND confidence = ?3"
					       " AND evidence IS ?4",
					       "INSERT INTO fact_values (name, value, confidence, evidence)"
					       " VALUES ((SELECT id FROM fact_names WHERE name = ?1), ?2, ?3, ?4)",
					       v, 4, "cannot store facts", &ids[r][1]))
				return FALSE;
		}
		sqlite3_stmt *st = wb_case_stmt (cs, sql[k - 1]);
		if (!st)
			return FALSE;
		for (guint r = 0; r < k; r++, i++) {
			sqlite3_bind_int64 (st, 3 * r + 1, id);
			sqlite3_bind_int64 (st, 3 * r + 2, ids[r][0]);
			sqlite3_bind_int64 (st, 3 * r + 3, ids[r][1]);
		}
		if (wb_case_step (cs, st, "cannot store facts"))
			return FALSE;
	}
	return TRUE;
}

/* Columns 3 to 11 of message_hops (raw to time_text); those named are
 * stored once in hop_names, by id, in this order for a hop, as the upgrade
 * to version 4 numbers them. */
static const gboolean hop_is_name[] = { 0, 1, 1, 1, 1, 1, 0, 1, 0 };

/* Hop text is as the sender wrote it: made valid UTF-8 only when it is
 * not.  TEXT[c] is column 3 + c's, FIXED[c] what to free, NAME[c] the
 * hop_names id of a named column that is not NULL. */
static wb_status_t
hop_columns (wb_case_t *cs, const wb_hop_t *h, char *fixed[9], const char *text[9], int64_t name[9])
{
	const char *v[] = { h->raw, h->from_host, h->from_rdns, h->from_ip, h->by_host, h->protocol,
			    h->smtp_id, h->for_addr, h->time_text };
	wb_status_t rs = WB_OK;
	for (int c = 0; c < 9 && !rs; c++) {
		if (v[c] && !g_utf8_validate (v[c], -1, NULL))
			fixed[c] = g_utf8_make_valid (v[c], -1);
		text[c] = fixed[c] ? fixed[c] : v[c];
		if (hop_is_name[c] && text[c])
			rs = name_id (cs, text[c], &name[c]);
	}
	return rs;
}

static gboolean
hop_has_epoch (const wb_hop_t *h)
{
	return !strcmp (h->time_status, "ok") || !strcmp (h->time_status, "no-zone");
}

/* Whether message ID's stored hops are HOPS, in *SAME: the same number,
 * idx 0 up, every column what insert_hops would bind. */
static wb_status_t
same_hops (wb_case_t *cs, int64_t id, GPtrArray *hops, gboolean *same)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT idx, raw, from_host, from_rdns, from_ip, by_host,"
		" protocol, smtp_id, for_addr, time_text, time_epoch, time_status, trusted, origin, notes"
		" FROM message_hops WHERE message = ?1 ORDER BY idx");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, id);
	wb_status_t rs = WB_OK;
	int r = 0;
	guint i = 0;
	*same = TRUE;
	for (; *same && !rs && (r = next_row (cs, st)) == 1; i++) {
		if (i == hops->len) {
			*same = FALSE;
			break;
		}
		const wb_hop_t *h = g_ptr_array_index (hops, i);
		char *fixed[9] = { NULL };
		const char *text[9];
		int64_t name[9];
		rs = hop_columns (cs, h, fixed, text, name);
		*same = !rs && same_int (st, 0, TRUE, i) && same_text (st, 1, text[0] ? text[0] : "");
		for (int c = 1; c < 9 && *same; c++)
			*same = hop_is_name[c] ? same_int (st, 1 + c, text[c] != NULL, text[c] ? name[c] : 0)
				: same_text (st, 1 + c, text[c]);
		*same = *same && same_int (st, 10, hop_has_epoch (h), h->time_epoch)
			&& same_text (st, 11, h->time_status) && same_int (st, 12, TRUE, h->trusted)
			&& same_int (st, 13, TRUE, h->origin)
			&& same_text (st, 14, h->notes->len ? h->notes->str : NULL);
		for (int c = 0; c < 9; c++)
			g_free (fixed[c]);
	}
	sqlite3_reset (st);
	if (!rs && r < 0)
		rs = WB_ERR_DB;
	*same = *same && i == hops->len;
	return rs;
}

/* The hops of message ID, up to eight rows per statement: sixteen
 * parameters a row, numbered in the order of the columns. */
static wb_status_t
insert_hops (wb_case_t *cs, int64_t id, GPtrArray *hops)
{
	static const char *const sql[8] = ROWS_SQL (
		"INSERT OR FAIL INTO message_hops (message, idx, raw, from_host, from_rdns, from_ip, by_host,"
		" protocol, smtp_id, for_addr, time_text, time_epoch, time_status, trusted, origin, notes)"
		" VALUES ", "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	wb_status_t rs = WB_OK;
	for (guint i = 0; i < hops->len && !rs;) {
		guint k = MIN (hops->len - i, 8);
		/* What is bound must live until the step. */
		char *fixed[8][9] = { { NULL } };
		const char *text[8][9];
		int64_t name[8][9];
		for (guint r = 0; r < k && !rs; r++)
			rs = hop_columns (cs, g_ptr_array_index (hops, i + r), fixed[r], text[r], name[r]);
		sqlite3_stmt *st = rs ? NULL : wb_case_stmt (cs, sql[k - 1]);
		if (!rs && !st)
			rs = WB_ERR_DB;
		for (guint r = 0; r < k && !rs; r++) {
			wb_hop_t *h = g_ptr_array_index (hops, i + r);
			int p = 16 * (int) r;
			sqlite3_bind_int64 (st, p + 1, id);
			sqlite3_bind_int64 (st, p + 2, i + r);
			for (int c = 0; c < 9; c++) {
				if (!hop_is_name[c])
					wb_case_bind_text (st, p + 3 + c,
							   text[r][c] ? text[r][c] : (c == 0 ? "" : NULL));
				else if (text[r][c])
					sqlite3_bind_int64 (st, p + 3 + c, name[r][c]);
			}
			if (hop_has_epoch (h))
				sqlite3_bind_int64 (st, p + 12, h->time_epoch);
			wb_case_bind_text (st, p + 13, h->time_status);
			sqlite3_bind_int64 (st, p + 14, h->trusted);
			sqlite3_bind_int64 (st, p + 15, h->origin);
			wb_case_bind_text (st, p + 16, h->notes->len ? h->notes->str : NULL);
		}
		if (!rs)
			rs = wb_case_step (cs, st, "cannot store hops");
		for (guint r = 0; r < k; r++)
			for (int c = 0; c < 9; c++)
				g_free (fixed[r][c]);
		i += k;
	}
	return rs;
}

/* Whether message ID's stored attachments are ROWS, in *SAME: the same
 * number, idx 0 up, every column what store() would bind. */
static wb_status_t
same_attachments (wb_case_t *cs, int64_t id, GPtrArray *rows, gboolean *same)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT idx, filename, declared_type, sniffed_type, size,"
		" sha256 FROM attachments WHERE message = ?1 ORDER BY idx");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, id);
	guint i = 0;
	int r = 0;
	*same = TRUE;
	for (; *same && (r = next_row (cs, st)) == 1; i++) {
		if (i == rows->len) {
			*same = FALSE;
			break;
		}
		const attachment_t *x = g_ptr_array_index (rows, i);
		*same = same_int (st, 0, TRUE, i) && same_text (st, 1, x->filename)
			&& same_text (st, 2, x->declared) && same_text (st, 3, x->sniffed)
			&& same_int (st, 4, TRUE, x->size) && same_text (st, 5, x->sha256);
	}
	sqlite3_reset (st);
	if (*same && r < 0)
		return WB_ERR_DB;
	*same = *same && i == rows->len;
	return WB_OK;
}

static wb_status_t
store (wb_case_t *cs, int64_t id, const wb_analysis_t *a, gboolean replace)
{
	sqlite3_stmt *st;
	wb_status_t rs;
	/* Analysed again (REPLACE), most copies give what they gave: each
	 * table's rows of the copy are then left as they are, and only a
	 * table whose rows differ in any column, in number or in order has
	 * them deleted and written again.  A copy just inserted has no rows
	 * to compare or delete (wb_analysis_insert).  Its artifacts' row is
	 * compared and replaced by insert_artifacts.
	 * Hops and facts (about 6 and 15 a copy) go in up to eight rows per
	 * statement: a statement's start and end cost about as much as a row;
	 * artifacts (about 20) in one row.
	 * OR FAIL, not the default ABORT: a statement of several rows that may
	 * abort makes SQLite copy every page it touches to a statement journal
	 * first (16 KiB a page, several pages a statement), to undo its earlier
	 * rows.  Ingest rolls the whole source back on any failure, so no
	 * statement needs undoing on its own. */
	gboolean same = FALSE;
	if (replace && (rs = same_hops (cs, id, a->hops, &same)))
		return rs;
	if (!same && replace && (rs = delete_rows (cs, "DELETE FROM message_hops WHERE message = ?1", id)))
		return rs;
	if (!same && (rs = insert_hops (cs, id, a->hops)))
		return rs;
	if (!insert_artifacts (cs, id, a->artifacts, replace))
		return WB_ERR_DB;   /* the case's error says which */
	same = FALSE;
	if (replace && (rs = same_facts (cs, id, a->facts, &same)))
		return rs;
	if (!same && replace && (rs = delete_rows (cs, "DELETE FROM message_facts WHERE message = ?1", id)))
		return rs;
	if (!same && !insert_facts (cs, id, a->facts))
		return WB_ERR_DB;
	same = FALSE;
	if (replace && (rs = same_attachments (cs, id, a->attachments, &same)))
		return rs;
	if (!same && replace && (rs = delete_rows (cs, "DELETE FROM attachments WHERE message = ?1", id)))
		return rs;
	st = same ? NULL : wb_case_stmt (cs, "INSERT INTO attachments (message, idx, filename, declared_type,"
		" sniffed_type, size, sha256) VALUES (?,?,?,?,?,?,?)");
	if (!same && !st)
		return WB_ERR_DB;
	for (guint i = 0; !same && i < a->attachments->len; i++) {
		attachment_t *x = g_ptr_array_index (a->attachments, i);
		sqlite3_bind_int64 (st, 1, id);
		sqlite3_bind_int (st, 2, i);
		wb_case_bind_text (st, 3, x->filename);
		wb_case_bind_text (st, 4, x->declared);
		wb_case_bind_text (st, 5, x->sniffed);
		sqlite3_bind_int64 (st, 6, x->size);
		wb_case_bind_text (st, 7, x->sha256);
		if ((rs = wb_case_step (cs, st, "cannot store attachments")))
			return rs;
	}
	/* A row just inserted got these in its INSERT (ingest's writer). */
	if (!replace)
		return WB_OK;
	int64_t body;
	if ((rs = wb_analysis_body_id (cs, a, &body, NULL)))
		return rs;
	/* Most copies analysed again give what they gave: their row is then
	 * left as it is, not written again. */
	st = wb_case_stmt (cs, "UPDATE messages SET body = ?2, category = ?3, fingerprint = ?4"
		" WHERE id = ?1 AND (body IS NOT ?2 OR category IS NOT ?3 OR fingerprint IS NOT ?4)");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, id);
	if (body)
		sqlite3_bind_int64 (st, 2, body);
	wb_case_bind_text (st, 3, wb_analysis_category (a));
	if (a->has_fp)
		sqlite3_bind_int64 (st, 4, (int64_t) a->fp);
	return wb_case_step (cs, st, "cannot store analysis");
}

wb_status_t
wb_analysis_store (wb_case_t *cs, int64_t id, const wb_analysis_t *a)
{
	return store (cs, id, a, TRUE);
}

wb_status_t
wb_analysis_insert (wb_case_t *cs, int64_t id, const wb_analysis_t *a)
{
	return store (cs, id, a, FALSE);
}
