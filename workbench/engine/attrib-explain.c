/* Attribution: finding a party by name or id, and explaining why two
 * parties are (not) linked (see attrib.h). */
#include <inttypes.h>
#include <string.h>
#include "attrib-private.h"

wb_status_t
wb_attrib_find_party (wb_case_t *cs, const char *text, int64_t *id)
{
	sqlite3_stmt *st = wb_case_stmt (cs,
		"SELECT id FROM parties WHERE name = ?1 COLLATE NOCASE"
		" OR (CAST(CAST(?1 AS INTEGER) AS TEXT) = ?1 AND id = CAST(?1 AS INTEGER))"
		" ORDER BY id LIMIT 3");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_text (st, 1, text, -1, SQLITE_TRANSIENT);
	int64_t ids[3];
	int n = 0, rc;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW && n < 3)
		ids[n++] = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return wb_case_fail_db (cs, "cannot read parties");
	if (n == 0)
		return wb_case_fail (cs, WB_ERR_NOT_FOUND, "no party named '%s'", text);
	if (n > 1)
		return wb_case_fail (cs, WB_ERR_NOT_FOUND,
				     "'%s' names %s parties (ids %" PRId64 ", %" PRId64 "%s); give an id",
				     text, n > 2 ? "several" : "two", ids[0], ids[1], n > 2 ? ", ..." : "");
	*id = ids[0];
	return WB_OK;
}

static void
shared_free (gpointer p)
{
	wb_attrib_shared_t *s = p;
	g_free (s->kind);
	g_free (s->value);
	g_ptr_array_free (s->a_sources, TRUE);
	g_ptr_array_free (s->b_sources, TRUE);
	g_free (s);
}

static void
differ_free (gpointer p)
{
	wb_attrib_differ_t *d = p;
	g_free (d->kind);
	g_ptr_array_free (d->a_values, TRUE);
	g_ptr_array_free (d->b_values, TRUE);
	g_free (d);
}

void
wb_attrib_cmp_free (wb_attrib_cmp_t *cmp)
{
	if (!cmp)
		return;
	g_free (cmp->a_name);
	g_free (cmp->b_name);
	g_ptr_array_free (cmp->shared, TRUE);
	g_ptr_array_free (cmp->differing, TRUE);
	g_array_free (cmp->messages, TRUE);
	g_free (cmp->review);
	g_free (cmp->note);
	g_free (cmp);
}

/* Source text of an attribute row: "roster FILE:LINE column" or
 * "message N LOCATION; also messages ..." (written by 'link'). */
static char *
source_text (sqlite3_stmt *st)
{
	return g_strdup (col (st, 2));
}

/* kind\x1fvalue -> GPtrArray of source texts, for one party; also the
 * values per kind in *BYKIND (kind -> GPtrArray of values). */
static wb_status_t
party_values (wb_case_t *cs, int64_t party, int64_t peer, GHashTable *values, GHashTable *bykind)
{
	/* Its own values, and those it shares with PEER through messages. */
	sqlite3_stmt *st = wb_case_stmt (cs,
		"SELECT kind, value, source, messages, peer FROM party_attributes WHERE party = ?"
		" AND value IS NOT NULL AND (peer IS NULL OR peer = ?) ORDER BY kind, value, peer IS NOT NULL, id");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, party);
	sqlite3_bind_int64 (st, 2, peer);
	int rc;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		const char *kind = col (st, 0), *value = col (st, 1);
		if (wb_attrib_kind_index (kind) < 0)
			continue;
		char *k = key2 (kind, value);
		GPtrArray *srcs = g_hash_table_lookup (values, k);
		gboolean fresh = !srcs;
		if (!srcs) {
			srcs = g_ptr_array_new_with_free_func (g_free);
			g_hash_table_insert (values, g_strdup (k), srcs);
		}
		if (fresh && sqlite3_column_type (st, 4) == SQLITE_NULL) {
			/* Fields the party has (for "differing"): its own values. */
			GPtrArray *vals = g_hash_table_lookup (bykind, kind);
			if (!vals) {
				vals = g_ptr_array_new_with_free_func (g_free);
				g_hash_table_insert (bykind, g_strdup (kind), vals);
			}
			g_ptr_array_add (vals, g_strdup (value));
		}
		g_free (k);
		char *text = source_text (st);
		gboolean dup = FALSE;
		for (guint i = 0; i < srcs->len; i++)
			dup |= strcmp (g_ptr_array_index (srcs, i), text) == 0;
		if (dup)
			g_free (text);
		else
			g_ptr_array_add (srcs, text);
	}
	sqlite3_reset (st);
	return rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (cs, "cannot read party attributes");
}

static char *
party_name (wb_case_t *cs, int64_t id)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT name FROM parties WHERE id = ?");
	if (!st)
		return NULL;
	sqlite3_bind_int64 (st, 1, id);
	char *name = sqlite3_step (st) == SQLITE_ROW ? g_strdup (col (st, 0)) : NULL;
	sqlite3_reset (st);
	return name;
}

wb_status_t
wb_attrib_compare (wb_case_t *cs, const wb_attrib_conf_t *conf, int64_t a, int64_t b,
		   wb_attrib_cmp_t **out)
{
	wb_status_t st = WB_OK;
	wb_attrib_cmp_t *cmp = g_new0 (wb_attrib_cmp_t, 1);
	GHashTable *va = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
						(GDestroyNotify) g_ptr_array_unref);
	GHashTable *vb = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
						(GDestroyNotify) g_ptr_array_unref);
	GHashTable *ka = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
						(GDestroyNotify) g_ptr_array_unref);
	GHashTable *kb = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
						(GDestroyNotify) g_ptr_array_unref);
	cmp->a = a;
	cmp->b = b;
	cmp->a_name = party_name (cs, a);
	cmp->b_name = party_name (cs, b);
	cmp->shared = g_ptr_array_new_with_free_func (shared_free);
	cmp->differing = g_ptr_array_new_with_free_func (differ_free);
	cmp->messages = g_array_new (FALSE, FALSE, sizeof (int64_t));
	cmp->all_unspecific = TRUE;
	if (!cmp->a_name || !cmp->b_name) {
		st = wb_case_fail (cs, WB_ERR_NOT_FOUND, "no such party");
		goto done;
	}
	char *relink = wb_case_info (cs, "relink");
	g_free (relink);
	if (relink) {
		st = wb_case_fail (cs, WB_ERR_NOT_FOUND,
				   "the links of this case were built by an older version; run 'link' again");
		goto done;
	}
	if ((st = party_values (cs, a, b, va, ka)) || (st = party_values (cs, b, a, vb, kb)))
		goto done;

	sqlite3_stmt *sn = wb_case_stmt (cs, "SELECT count(*) FROM parties");
	sqlite3_stmt *sd = wb_case_stmt (cs,
		"SELECT count(DISTINCT party) FROM party_attributes WHERE kind = ? AND value = ?"
		" AND peer IS NULL");
	if (!sn || !sd) {
		st = WB_ERR_DB;
		goto done;
	}
	int64_t n = sqlite3_step (sn) == SQLITE_ROW ? sqlite3_column_int64 (sn, 0) : 0;
	sqlite3_reset (sn);

	/* Shared values, in the order 'link' adds them up (kind, value). */
	GList *keys = g_list_sort (g_hash_table_get_keys (va), (GCompareFunc) strcmp);
	for (GList *l = keys; l; l = l->next) {
		const char *k = l->data;
		GPtrArray *sb = g_hash_table_lookup (vb, k);
		if (!sb)
			continue;
		const char *sep = strchr (k, '\x1f');
		wb_attrib_shared_t *s = g_new0 (wb_attrib_shared_t, 1);
		s->kind = g_strndup (k, sep - k);
		s->value = g_strdup (sep + 1);
		s->a_sources = g_ptr_array_ref (g_hash_table_lookup (va, k));
		s->b_sources = g_ptr_array_ref (sb);
		sqlite3_bind_text (sd, 1, s->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text (sd, 2, s->value, -1, SQLITE_STATIC);
		s->df = sqlite3_step (sd) == SQLITE_ROW ? sqlite3_column_int64 (sd, 0) : 0;
		sqlite3_reset (sd);
		/* As 'link' counts: one owner, shared through messages, is 2. */
		if (s->df < 2)
			s->df = 2;
		s->weight = wb_attrib_weight (conf, s->kind, n, s->df, &s->spec);
		cmp->score += s->weight;
		if (s->weight > 0)
			cmp->all_unspecific &= wb_attrib_unspecific (conf, s->kind, s->spec);
		g_ptr_array_add (cmp->shared, s);
	}
	g_list_free (keys);
	/* 'link' counts only values that weigh something. */
	gboolean any = FALSE;
	for (guint i = 0; i < cmp->shared->len; i++)
		any |= ((wb_attrib_shared_t *) g_ptr_array_index (cmp->shared, i))->weight > 0;
	if (!any)
		cmp->all_unspecific = FALSE;
	cmp->strength = wb_attrib_strength (conf, cmp->score, cmp->all_unspecific && any);

	/* Kinds both have with no value in common. */
	for (int i = 0; wb_attrib_kinds[i]; i++) {
		GPtrArray *xa = g_hash_table_lookup (ka, wb_attrib_kinds[i]);
		GPtrArray *xb = g_hash_table_lookup (kb, wb_attrib_kinds[i]);
		if (!xa || !xb)
			continue;
		gboolean common = FALSE;
		for (guint j = 0; j < cmp->shared->len; j++)
			common |= !strcmp (((wb_attrib_shared_t *) g_ptr_array_index (cmp->shared, j))->kind,
					   wb_attrib_kinds[i]);
		if (common)
			continue;
		wb_attrib_differ_t *d = g_new0 (wb_attrib_differ_t, 1);
		d->kind = g_strdup (wb_attrib_kinds[i]);
		d->a_values = g_ptr_array_ref (xa);
		d->b_values = g_ptr_array_ref (xb);
		g_ptr_array_add (cmp->differing, d);
	}

	/* The messages that connect them: both named, one attributed (rule 2). */
	sqlite3_stmt *sm = wb_case_stmt (cs,
		"SELECT DISTINCT x.message FROM message_parties x JOIN message_parties y"
		" ON y.message = x.message AND y.party = ?2 WHERE x.party = ?1"
		" AND (x.role <> 'mentioned' OR y.role <> 'mentioned') ORDER BY 1");
	sqlite3_stmt *sl = wb_case_stmt (cs,
		"SELECT review, note FROM links WHERE party_a = ? AND party_b = ?");
	if (!sm || !sl) {
		st = WB_ERR_DB;
		goto done;
	}
	sqlite3_bind_int64 (sm, 1, a);
	sqlite3_bind_int64 (sm, 2, b);
	while (sqlite3_step (sm) == SQLITE_ROW) {
		int64_t m = sqlite3_column_int64 (sm, 0);
		g_array_append_val (cmp->messages, m);
	}
	sqlite3_reset (sm);
	sqlite3_bind_int64 (sl, 1, MIN (a, b));
	sqlite3_bind_int64 (sl, 2, MAX (a, b));
	if (sqlite3_step (sl) == SQLITE_ROW) {
		cmp->review = g_strdup (col (sl, 0));
		cmp->note = g_strdup (col (sl, 1));
	}
	sqlite3_reset (sl);
done:
	g_hash_table_destroy (va);
	g_hash_table_destroy (vb);
	g_hash_table_destroy (ka);
	g_hash_table_destroy (kb);
	if (st) {
		wb_attrib_cmp_free (cmp);
		cmp = NULL;
	}
	*out = cmp;
	return st;
}
