#include <string.h>
#include "wb.h"
#include "csv.h"
#include "import.h"
#include "ingest.h"
#include "statute.h"

/* import CASE traps FILE.csv: address,holder,state,provider,provider_state,
 * timezone[,hosts].  Rows are matched by address: a known address is
 * updated, a new one added.  The whole file is one transaction.  A trap's
 * state and time zone decide which statutes reach its copies and on which
 * day each was received, so nothing is guessed: an unknown column, a state
 * that is not a US state code and a missing or unknown time zone are
 * refused, and a trap no state statute reaches is said. */

static const char *const columns[] = { "address", "holder", "state", "provider", "provider_state",
				       "timezone", "hosts", NULL };

/* The two-letter codes of the states, the District of Columbia and the
 * territories (USPS). */
static const char *const us_states[] = {
	"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
	"KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
	"NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
	"VA", "WA", "WV", "WI", "WY", "DC", "PR", "GU", "VI", "AS", "MP", NULL
};

static gboolean
valid_state (const char *s)
{
	if (!*s)
		return TRUE;
	char *up = g_ascii_strup (s, -1);
	gboolean ok = g_strv_contains ((const char *const *) us_states, up);
	g_free (up);
	return ok;
}

/* An IANA time zone name the system knows ("America/Los_Angeles", "UTC"),
 * not an offset ("+01:00") or a local abbreviation ("PST"). */
static gboolean
valid_zone (const char *tz)
{
	if (!g_ascii_isalpha (tz[0]) || strspn (tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					    "0123456789/_+-") != strlen (tz) || strstr (tz, ".."))
		return FALSE;
	char *file = g_build_filename ("/usr/share/zoneinfo", tz, NULL);
	gboolean in_db = g_file_test (file, G_FILE_TEST_IS_REGULAR);
	g_free (file);
	if (!in_db)
		return FALSE;
	GTimeZone *z = g_time_zone_new_identifier (tz);
	if (z)
		g_time_zone_unref (z);
	return z != NULL;
}

/* The 1-based position of column NAME in the header, for messages. */
static guint
column_number (wb_csv_t *csv, const char *name)
{
	const GPtrArray *cols = wb_csv_columns (csv);
	for (guint i = 0; i < cols->len; i++) {
		char *c = g_strstrip (g_strdup (g_ptr_array_index (cols, i)));
		gboolean hit = g_ascii_strcasecmp (c, name) == 0;
		g_free (c);
		if (hit)
			return i + 1;
	}
	return 0;
}

static char *
check_row (wb_csv_t *csv, const char *path)
{
	const char *addr = wb_csv_get (csv, "address");
	const char *tz = wb_csv_get (csv, "timezone");
	const char *cols[] = { "state", "provider_state" };
	int line = wb_csv_line (csv);
	if (!addr || !*addr || !strchr (addr, '@') || strchr (addr, ' '))
		return g_strdup_printf ("%s:%d: '%s' is not an e-mail address", path, line,
					addr ? addr : "");
	for (gsize i = 0; i < G_N_ELEMENTS (cols); i++) {
		const char *v = wb_csv_get (csv, cols[i]);
		if (v && !valid_state (v))
			return g_strdup_printf ("%s:%d: column %u (%s): '%s' is not a US state code"
						" (two letters, such as CA)", path, line,
						column_number (csv, cols[i]), cols[i], v);
	}
	if (!tz || !*tz)
		return g_strdup_printf ("%s:%d: column %u (timezone) is empty: the trap's time zone"
					" decides the day each copy was received (an IANA name such as"
					" America/Los_Angeles)", path, line, column_number (csv, "timezone"));
	if (!valid_zone (tz))
		return g_strdup_printf ("%s:%d: column %u (timezone): unknown time zone '%s'"
					" (an IANA name such as America/Los_Angeles)",
					path, line, column_number (csv, "timezone"), tz);
	return NULL;
}

/* The state statutes of SET that reach a trap with holder in STATE and
 * provider in PSTATE (either may be empty), as "id, id"; "" if none. */
static char *
reaching (const wb_statute_set_t *set, const char *state, const char *pstate)
{
	GString *s = g_string_new (NULL);
	for (guint i = 0; set && i < set->statutes->len; i++) {
		const wb_statute_t *st = set->statutes->pdata[i];
		if (st->nexus == 0)
			continue;
		unsigned have = 0;
		if (state && g_ascii_strcasecmp (state, st->jurisdiction) == 0)
			have |= WB_NEXUS_RESIDENT;
		if (pstate && g_ascii_strcasecmp (pstate, st->jurisdiction) == 0)
			have |= WB_NEXUS_PROVIDER;
		gboolean ok = st->nexus_all ? (have & st->nexus) == st->nexus : (have & st->nexus) != 0;
		if (ok)
			g_string_append_printf (s, "%s%s", s->len ? ", " : "", st->id);
	}
	return g_string_free (s, FALSE);
}

int
wb_import_traps (wb_ctx_t *ctx, const char *path)
{
	wb_case_t *cs = ctx->cs;
	char *err = NULL, *detail = NULL, *counts = NULL;
	int rc = WB_EXIT_FAIL, added = 0, updated = 0, unchanged = 0;
	GPtrArray *changed = g_ptr_array_new_with_free_func (g_free);   /* "'addr': field 'old' -> 'new'" */
	gboolean moved = FALSE;
	int64_t run = 0;
	wb_status_t st;
	gboolean in_tx = FALSE;
	wb_statute_set_t *set = NULL;
	GPtrArray *unreached = NULL;

	wb_csv_t *csv = wb_csv_open (path, &err);
	if (!csv) {
		wb_error ("%s", err);
		g_free (err);
		return WB_EXIT_FAIL;
	}
	const GPtrArray *header = wb_csv_columns (csv);
	for (guint i = 0; i < header->len; i++) {
		char *c = g_strstrip (g_strdup (g_ptr_array_index (header, i)));
		char *low = g_ascii_strdown (c, -1);
		gboolean known = g_strv_contains ((const char *const *) columns, low);
		if (!known) {
			wb_error ("%s:1: unknown column '%s' (column %u)", path, c, i + 1);
			wb_hint ("columns: address,holder,state,provider,provider_state,timezone[,hosts]");
		}
		g_free (low);
		g_free (c);
		if (!known)
			goto done;
	}
	static const char *const needed[] = { "address", "timezone" };
	for (gsize i = 0; i < G_N_ELEMENTS (needed); i++)
		if (!wb_csv_has (csv, needed[i])) {
			wb_error ("%s:1: no '%s' column%s", path, needed[i], i ? ": each trap needs its"
				  " time zone (an IANA name such as America/Los_Angeles)" : "");
			wb_hint ("columns: address,holder,state,provider,provider_state,timezone[,hosts]");
			goto done;
		}
	if (wb_statutes_load_case (cs, &set))
		set = NULL;     /* no warnings about reach without a statute set */
	unreached = g_ptr_array_new_with_free_func (g_free);
	gchar *data = NULL;
	gsize len = 0;
	char sha[65];
	if (!g_file_get_contents (path, &data, &len, NULL)) {
		wb_error ("cannot read '%s'", path);
		goto done;
	}
	wb_sha256_hex (data, len, sha);
	g_free (data);

	/* The run's begin and end rows go in the same transaction as the
	 * traps, so a failed import leaves the case exactly as it was. */
	if ((st = wb_case_begin (cs))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	in_tx = TRUE;
	if ((st = wb_case_run_begin (cs, "import", ctx->command_line, &run))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	sqlite3_stmt *find = wb_case_stmt (cs, "SELECT holder, state, provider, provider_state, timezone,"
					   " hosts FROM traps WHERE address = ?");
	sqlite3_stmt *ins = wb_case_stmt (cs,
		"INSERT INTO traps(address, holder, state, provider, provider_state, timezone, hosts)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_stmt *upd = wb_case_stmt (cs,
		"UPDATE traps SET holder = ?2, state = ?3, provider = ?4, provider_state = ?5,"
		" timezone = ?6, hosts = ?7 WHERE address = ?1");
	if (!find || !ins || !upd) {
		rc = wb_fail_case (ctx, WB_ERR_DB);
		goto done;
	}
	gboolean more;
	GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (;;) {
		if (wb_csv_next (csv, &more)) {
			wb_error ("%s", wb_csv_error (csv));
			g_hash_table_destroy (seen);
			goto done;
		}
		if (!more)
			break;
		char *bad = check_row (csv, path);
		if (bad) {
			wb_error ("%s", bad);
			g_free (bad);
			g_hash_table_destroy (seen);
			goto done;
		}
		char *addr = g_ascii_strdown (wb_csv_get (csv, "address"), -1);
		if (!g_hash_table_add (seen, g_strdup (addr))) {
			wb_error ("%s:%d: trap '%s' is listed twice", path, wb_csv_line (csv), addr);
			g_free (addr);
			g_hash_table_destroy (seen);
			goto done;
		}
		const char *fields[] = { "holder", "state", "provider", "provider_state", "timezone", "hosts" };
		char *was[6] = { NULL }, *now[6] = { NULL };
		sqlite3_bind_text (find, 1, addr, -1, SQLITE_TRANSIENT);
		gboolean exists = sqlite3_step (find) == SQLITE_ROW;
		for (int i = 0; exists && i < 6; i++)
			was[i] = g_strdup ((const char *) sqlite3_column_text (find, i));
		sqlite3_reset (find);
		sqlite3_stmt *w = exists ? upd : ins;
		GString *diff = g_string_new (NULL);
		for (int i = 0; i < 6; i++) {
			const char *v = wb_csv_get (csv, fields[i]);
			if (v && *v)
				now[i] = (i == 1 || i == 3) ? g_ascii_strup (v, -1) : g_strdup (v);
			if (exists && g_strcmp0 (was[i], now[i]) != 0)
				g_string_append_printf (diff, "%s%s '%s' -> '%s'", diff->len ? ", " : "", fields[i],
							was[i] ? was[i] : "", now[i] ? now[i] : "");
		}
		if (diff->len) {
			g_ptr_array_add (changed, g_strdup_printf ("'%s': %s", addr, diff->str));
			updated++;
		} else if (exists)
			unchanged++;
		else
			added++;
		g_string_free (diff, TRUE);
		sqlite3_bind_text (w, 1, addr, -1, g_free);
		for (int i = 0; i < 6; i++) {
			if (now[i])
				sqlite3_bind_text (w, i + 2, now[i], -1, g_free);
			else
				sqlite3_bind_null (w, i + 2);
			g_free (was[i]);
		}
		int r = sqlite3_step (w);
		sqlite3_reset (w);
		if (r != SQLITE_DONE) {
			rc = wb_fail_case (ctx, wb_case_fail_db (cs, "cannot store trap"));
			g_hash_table_destroy (seen);
			goto done;
		}
		const char *state = wb_csv_get (csv, "state"), *pstate = wb_csv_get (csv, "provider_state");
		char *reach = set ? reaching (set, state, pstate) : NULL;
		if (reach && !*reach)
			g_ptr_array_add (unreached, g_strdup_printf (
				"%s:%d: no state statute reaches trap '%s' (holder in %s, provider in %s):"
				" only federal law counts its copies", path, wb_csv_line (csv),
				wb_csv_get (csv, "address"), state && *state ? state : "no state given",
				pstate && *pstate ? pstate : "no state given"));
		g_free (reach);
	}
	g_hash_table_destroy (seen);
	counts = g_strdup_printf ("%d added, %d updated, %d unchanged", added, updated, unchanged);
	GString *d = g_string_new (NULL);
	g_string_printf (d, "traps file '%s' sha256 %s size %zu: %s", path, sha, len, counts);
	for (guint i = 0; i < changed->len; i++)
		g_string_append_printf (d, "; %s", (char *) changed->pdata[i]);
	detail = g_string_free (d, FALSE);
	/* Copies already ingested are matched again against the new roster
	 * (and their local days recomputed in the traps' zones), in the same
	 * transaction. */
	if ((st = wb_case_custody (cs, run, "import", detail)) ||
	    (st = wb_ingest_assign_traps (cs, &moved)) ||
	    (st = wb_case_run_end (cs, run, counts)) || (st = wb_case_commit (cs))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	in_tx = FALSE;
	fprintf (ctx->out, "%d traps added, %d updated", added, updated);
	if (unchanged)
		fprintf (ctx->out, ", %d unchanged", unchanged);
	fputc ('\n', ctx->out);
	for (guint i = 0; i < changed->len; i++) {
		char *safe = wb_text_safe (changed->pdata[i]);
		fprintf (ctx->out, "  updated %s\n", safe);
		g_free (safe);
	}
	for (guint i = 0; i < unreached->len; i++)
		wb_warning ("%s", (char *) unreached->pdata[i]);
	if (moved)
		fprintf (ctx->out, "copies ingested earlier changed trap: run 'workbench reanalyze %s'"
			 " before damages, link or report\n", ctx->case_path ? ctx->case_path : "CASE");
	rc = WB_EXIT_OK;
done:
	if (in_tx)
		wb_case_rollback (cs);
	if (unreached)
		g_ptr_array_unref (unreached);
	wb_statute_set_free (set);
	g_ptr_array_unref (changed);
	g_free (counts);
	g_free (detail);
	wb_csv_free (csv);
	return rc;
}
