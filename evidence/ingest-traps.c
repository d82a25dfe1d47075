/* wb_ingest_assign_traps(): match every stored copy against the traps
 * table again (after 'import traps'), merging copies that become one. */
#include <string.h>
#include <gmime/gmime.h>

#include "ingest.h"
#include "ingest-private.h"

typedef struct {
	int64_t msg, loc;
	char ident[65];          /* messages.ident */
	int64_t trap;
	const char *how;         /* static */
	gboolean has_epoch;
	int64_t epoch;
} plan_t;

/* Build the plan: one row per location with the trap it belongs to now. */
static wb_status_t
make_plan (wb_case_t *cs, GHashTable *traps, GArray *plan)
{
	sqlite3_stmt *mst = wb_case_stmt (cs, "SELECT m.id, m.ident, m.received_epoch, wb_raw(r.codec, r.bytes, r.size, r.id) FROM messages m"
					  " JOIN raw r ON r.id = m.raw_id ORDER BY m.id");
	if (!mst)
		return WB_ERR_DB;
	GMimeParserOptions *po = g_mime_parser_options_new ();
	GString *warn = g_string_new (NULL);
	wb_status_t rs = WB_OK;
	int rc;
	while ((rc = sqlite3_step (mst)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64 (mst, 0);
		const char *ident = (const char *) sqlite3_column_text (mst, 1);
		gboolean has_epoch = sqlite3_column_type (mst, 2) != SQLITE_NULL;
		int64_t epoch = sqlite3_column_int64 (mst, 2);
		const void *bytes = sqlite3_column_blob (mst, 3);
		int len = sqlite3_column_bytes (mst, 3);
		g_string_truncate (warn, 0);
		GMimeMessage *msg = bytes ? wb_ingest_parse (bytes, len, po, warn, NULL) : NULL;
		const char *hhow;
		const wb_trap_t *ht = wb_traps_match (traps, msg, NULL, &hhow);
		if (msg)
			g_object_unref (msg);

		sqlite3_stmt *lst = wb_case_stmt (cs,
			"SELECT l.id, s.chain FROM locations l JOIN sources s ON s.id = l.source_id"
			" WHERE l.message = ? ORDER BY l.id");
		if (!lst) {
			rs = WB_ERR_DB;
			break;
		}
		sqlite3_bind_int64 (lst, 1, id);
		while (sqlite3_step (lst) == SQLITE_ROW) {
			plan_t p = { 0 };
			p.msg = id;
			p.loc = sqlite3_column_int64 (lst, 0);
			g_strlcpy (p.ident, ident ? ident : "", sizeof p.ident);
			const wb_trap_t *t = ht;
			p.how = hhow;
			if (!t)
				t = wb_traps_match (traps, NULL, (const char *) sqlite3_column_text (lst, 1), &p.how);
			p.trap = t ? t->id : 0;
			p.has_epoch = has_epoch;
			p.epoch = epoch;
			g_array_append_val (plan, p);
		}
		sqlite3_reset (lst);
	}
	if (!rs && rc != SQLITE_DONE)
		rs = wb_case_fail_db (cs, "cannot read messages");
	sqlite3_reset (mst);
	g_mime_parser_options_free (po);
	g_string_free (warn, TRUE);
	return rs;
}

static wb_status_t
find_msg (wb_case_t *cs, const char *ident, int64_t trap, int64_t *id)
{
	*id = 0;
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT id FROM messages WHERE ident = ? AND trap_id = ?");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_text (st, 1, ident, -1, SQLITE_STATIC);
	sqlite3_bind_int64 (st, 2, trap);
	int rc = sqlite3_step (st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (cs, "cannot look up message");
}

static char *
day_for (GHashTable *traps, const plan_t *p)
{
	if (!p->has_epoch)
		return NULL;
	const wb_trap_t *t = NULL;
	if (p->trap) {
		GHashTableIter it;
		gpointer v;
		g_hash_table_iter_init (&it, traps);
		while (!t && g_hash_table_iter_next (&it, NULL, &v))
			if (((const wb_trap_t *) v)->id == p->trap)
				t = v;
	}
	return wb_local_day (t, p->epoch);
}

static wb_status_t
apply_plan (wb_case_t *cs, GHashTable *traps, GArray *plan, gboolean *moved)
{
	wb_status_t rs = WB_OK;
	for (guint i = 0; i < plan->len && !rs;) {
		/* All locations of one message. */
		guint j = i;
		int64_t m = g_array_index (plan, plan_t, i).msg;
		while (j < plan->len && g_array_index (plan, plan_t, j).msg == m)
			j++;
		gboolean claimed = FALSE;
		for (guint k = i; k < j && !rs; k++) {
			plan_t *p = &g_array_index (plan, plan_t, k);
			int64_t target;
			if ((rs = find_msg (cs, p->ident, p->trap, &target)))
				break;
			char *day = day_for (traps, p);
			if (target == m) {
				claimed = TRUE;
				sqlite3_stmt *st = wb_case_stmt (cs,
					"UPDATE messages SET trap_match = ?, local_day = ? WHERE id = ?");
				if (!st) { rs = WB_ERR_DB; g_free (day); break; }
				sqlite3_bind_text (st, 1, p->how, -1, SQLITE_STATIC);
				if (day) sqlite3_bind_text (st, 2, day, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64 (st, 3, m);
				rs = wb_case_step (cs, st, "cannot update message");
			} else if (!target && !claimed) {
				claimed = TRUE;
				target = m;
				*moved = TRUE;
				sqlite3_stmt *st = wb_case_stmt (cs,
					"UPDATE messages SET trap_id = ?, trap_match = ?, local_day = ? WHERE id = ?");
				if (!st) { rs = WB_ERR_DB; g_free (day); break; }
				sqlite3_bind_int64 (st, 1, p->trap);
				sqlite3_bind_text (st, 2, p->how, -1, SQLITE_STATIC);
				if (day) sqlite3_bind_text (st, 3, day, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64 (st, 4, m);
				rs = wb_case_step (cs, st, "cannot update message");
			} else if (!target) {
				/* Another location of the same bytes now belongs to another trap. */
				*moved = TRUE;
				sqlite3_stmt *st = wb_case_stmt (cs,
					"INSERT INTO messages(sha256, raw_id, trap_id, trap_match, status, warnings,"
					" message_id, possible_duplicate, date_header, date_parsed, date_status,"
					" from_addr, from_name, reply_to, return_path, sender, to_addrs, cc_addrs,"
					" subject, received_at, received_epoch, received_from, local_day, body,"
					" category, fingerprint, campaign, ident)"
					" SELECT sha256, raw_id, ?, ?, status, warnings, message_id, possible_duplicate,"
					" date_header, date_parsed, date_status, from_addr, from_name, reply_to,"
					" return_path, sender, to_addrs, cc_addrs, subject, received_at, received_epoch,"
					" received_from, ?, body, category, fingerprint, campaign, ident"
					" FROM messages WHERE id = ?");
				if (!st) { rs = WB_ERR_DB; g_free (day); break; }
				sqlite3_bind_int64 (st, 1, p->trap);
				sqlite3_bind_text (st, 2, p->how, -1, SQLITE_STATIC);
				if (day) sqlite3_bind_text (st, 3, day, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64 (st, 4, m);
				rs = wb_case_step (cs, st, "cannot split message");
				target = sqlite3_last_insert_rowid (wb_case_db (cs));
			}
			g_free (day);
			if (!rs && target != m) {
				sqlite3_stmt *st = wb_case_stmt (cs,
					"UPDATE OR IGNORE locations SET message = ? WHERE id = ?");
				if (!st) { rs = WB_ERR_DB; break; }
				sqlite3_bind_int64 (st, 1, target);
				sqlite3_bind_int64 (st, 2, p->loc);
				if ((rs = wb_case_step (cs, st, "cannot move location")))
					break;
				/* Already recorded at the target (same source and offset). */
				st = wb_case_stmt (cs, "DELETE FROM locations WHERE id = ? AND message = ?");
				if (!st) { rs = WB_ERR_DB; break; }
				sqlite3_bind_int64 (st, 1, p->loc);
				sqlite3_bind_int64 (st, 2, m);
				rs = wb_case_step (cs, st, "cannot move location");
			}
		}
		if (!rs && !claimed) {
			/* Every location moved elsewhere: the row is merged away. */
			static const char *const del[] = {
				"DELETE FROM message_hops WHERE message = ?", "DELETE FROM message_artifacts WHERE message = ?",
				"DELETE FROM message_facts WHERE message = ?", "DELETE FROM attachments WHERE message = ?",
				"DELETE FROM finding_rows WHERE message = ? AND source = 'rule'",
				"DELETE FROM rule_masks WHERE message = ?",
				"DELETE FROM messages WHERE id = ?", NULL
			};
			*moved = TRUE;
			for (int d = 0; del[d] && !rs; d++) {
				sqlite3_stmt *st = wb_case_stmt (cs, del[d]);
				if (!st) { rs = WB_ERR_DB; break; }
				sqlite3_bind_int64 (st, 1, m);
				rs = wb_case_step (cs, st, "cannot merge message");
			}
		}
		i = j;
	}
	return rs;
}

wb_status_t
wb_ingest_assign_traps (wb_case_t *cs, gboolean *moved_out)
{
	wb_status_t rs;
	GHashTable *traps = wb_traps_load (cs, &rs);
	if (!traps)
		return rs;
	gboolean own = sqlite3_get_autocommit (wb_case_db (cs));
	if (own && (rs = wb_case_begin (cs))) {
		g_hash_table_destroy (traps);
		return rs;
	}
	GArray *plan = g_array_new (FALSE, TRUE, sizeof (plan_t));
	rs = make_plan (cs, traps, plan);
	gboolean moved = FALSE;
	if (!rs)
		rs = apply_plan (cs, traps, plan, &moved);
	/* A copy that changed trap was analysed for its old one (the trap's
	 * provider hosts set the trust boundary; its address is masked in
	 * the fingerprint), and a copy split off has no analysis rows: the
	 * case is marked until 'reanalyze' (damages, link, report refuse). */
	if (!rs && moved)
		rs = wb_case_set_info (cs, "analysis_pending", "1");
	if (moved_out)
		*moved_out = moved;
	if (own) {
		if (rs)
			wb_case_rollback (cs);
		else
			rs = wb_case_commit (cs);
	}
	g_array_free (plan, TRUE);
	g_hash_table_destroy (traps);
	return rs;
}
