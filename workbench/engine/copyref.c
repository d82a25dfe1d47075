#include <string.h>
#include "copyref.h"

/* Shortest prefix a SHA-256 may be given by: 8 hex digits (32 bits) are
 * unique among a few thousand messages, and refused with the candidates
 * when they are not. */
#define MIN_PREFIX 8
/* Candidates listed for an ambiguous prefix. */
#define MAX_LISTED 10

#define SQL_TRAP " AND (?2 IS NULL OR m.trap_id = (SELECT id FROM traps WHERE address = lower(?2)))"

static wb_status_t
collect (wb_case_t *cs, const char *sql, const char *key, const char *trap, GArray *ids)
{
	sqlite3_stmt *q = wb_case_stmt (cs, sql);
	if (!q)
		return WB_ERR_DB;
	sqlite3_bind_text (q, 1, key, -1, SQLITE_TRANSIENT);
	if (trap && *trap)
		sqlite3_bind_text (q, 2, trap, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null (q, 2);
	int rc;
	while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64 (q, 0);
		g_array_append_val (ids, id);
	}
	sqlite3_reset (q);
	sqlite3_clear_bindings (q);
	return rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (cs, "cannot look up message copies");
}

/* The distinct messages (SHA-256) whose hash starts with PREFIX (lower-case
 * hex), as "sha256 ids" strings, at most MAX_LISTED + 1 of them. */
static wb_status_t
prefix_matches (wb_case_t *cs, const char *prefix, const char *trap, GPtrArray *out)
{
	sqlite3_stmt *q = wb_case_stmt (cs,
		"SELECT m.sha256, group_concat(m.id, ', ') FROM messages m"
		" WHERE m.sha256 >= ?1 AND m.sha256 < ?1 || 'g'" SQL_TRAP
		" GROUP BY m.sha256 ORDER BY m.sha256 LIMIT " G_STRINGIFY (MAX_LISTED) " + 1");
	if (!q)
		return WB_ERR_DB;
	sqlite3_bind_text (q, 1, prefix, -1, SQLITE_TRANSIENT);
	if (trap && *trap)
		sqlite3_bind_text (q, 2, trap, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null (q, 2);
	int rc;
	while ((rc = sqlite3_step (q)) == SQLITE_ROW)
		g_ptr_array_add (out, g_strdup_printf ("%s (copy %s)", sqlite3_column_text (q, 0),
						       sqlite3_column_text (q, 1)));
	sqlite3_reset (q);
	sqlite3_clear_bindings (q);
	return rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (cs, "cannot look up message copies");
}

static int
cmp_id (gconstpointer a, gconstpointer b)
{
	int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
	return x < y ? -1 : x > y;
}

wb_status_t
wb_copy_resolve (wb_case_t *cs, const char *arg, const char *trap, GArray *ids)
{
	wb_status_t s = WB_OK;
	char *key = g_strstrip (g_strdup (arg));
	gsize n = strlen (key);
	/* <...> is a Message-ID whatever it holds. */
	gboolean bracketed = n >= 2 && key[0] == '<' && key[n - 1] == '>';
	if (bracketed) {
		memmove (key, key + 1, n - 2);
		key[n - 2] = 0;
		n -= 2;
	}
	const char *num = key[0] == '#' ? key + 1 : key;
	gboolean digits = !bracketed && *num && strspn (num, "0123456789") == strlen (num) &&
		strlen (num) < 19;
	gboolean hex = !bracketed && n >= MIN_PREFIX && n <= 64 &&
		strspn (key, "0123456789abcdefABCDEF") == n;
	guint before = ids->len;
	GPtrArray *cands = g_ptr_array_new_with_free_func (g_free);

	if (digits)
		s = collect (cs, "SELECT m.id FROM messages m WHERE m.id = CAST(?1 AS INTEGER)" SQL_TRAP,
			     num, trap, ids);
	if (!s && hex && key[0] != '#') {
		char *low = g_ascii_strdown (key, -1);
		if (n == 64)
			s = collect (cs, "SELECT m.id FROM messages m WHERE m.sha256 = ?1" SQL_TRAP
				     " ORDER BY m.id", low, trap, ids);
		else if (!(s = prefix_matches (cs, low, trap, cands)) && cands->len) {
			if (cands->len > 1 || ids->len > before) {
				GString *m = g_string_new (NULL);
				g_string_printf (m, "'%s' is ambiguous: it names", arg);
				if (ids->len > before)
					g_string_append_printf (m, "\n  copy %s", num);
				for (guint i = 0; i < cands->len && i < MAX_LISTED; i++)
					g_string_append_printf (m, "\n  %s", (char *) cands->pdata[i]);
				if (cands->len > MAX_LISTED)
					g_string_append (m, "\n  and more");
				g_string_append (m, "\nhint: give more digits of the SHA-256, or the copy id");
				s = wb_case_fail (cs, WB_ERR_NOT_FOUND, "%s", m->str);
				g_string_free (m, TRUE);
			} else {
				s = collect (cs, "SELECT m.id FROM messages m WHERE m.sha256 >= ?1"
					     " AND m.sha256 < ?1 || 'g'" SQL_TRAP " ORDER BY m.id", low, trap, ids);
			}
		}
		g_free (low);
	}
	if (!s && ids->len == before && key[0] != '#' && !digits)
		s = collect (cs, "SELECT m.id FROM messages m WHERE m.message_id = ?1" SQL_TRAP
			     " ORDER BY m.id", key, trap, ids);
	if (!s && ids->len == before) {
		gboolean t = trap && *trap;
		s = wb_case_fail (cs, WB_ERR_NOT_FOUND, "no message copy '%s'%s%s%s", arg,
				  t ? " in trap '" : "", t ? trap : "", t ? "'" : "");
	}
	if (!s)
		g_array_sort (ids, cmp_id);
	else
		g_array_set_size (ids, before);     /* nothing half-resolved */
	g_ptr_array_unref (cands);
	g_free (key);
	return s;
}
