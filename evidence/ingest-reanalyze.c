/* reanalyze: the analysis of every stored copy made again from its raw
 * bytes, on ingest's pipeline.  The walker (this thread) reads the copies
 * in id order, a chunk at a time between two of the writer's items, into
 * batches, their bytes as stored; the parse workers decode, parse and
 * analyse them as ingest does; the writer replaces each copy's stored
 * analysis, in order, a transaction per group (group_bytes, group_ms),
 * which the walker does not wait for but at the end.  See ingest.h. */
#include <string.h>
#include <gmime/gmime.h>

#include "ingest-pipeline.h"

#define CHUNK 256                /* copies read per query: a batch */

/* Push the open group's commit, not waited for, and append to KEPT the
 * copies pushed so far (PUSHED): the writer's Nth commit that succeeds
 * keeps the first KEPT[N-1] copies. */
static void
push_commit (wb_ingest_t *ing, GArray *kept, uint64_t pushed)
{
	ing->group_open = FALSE;
	wb_ingest_flush_batch (ing);
	wb_ingest_push_simple (ing, IT_COMMIT);
	g_array_append_val (kept, pushed);
}

/* The copies committed, once the writer is drained: its commits succeed
 * in the order pushed and none after a failure, so they are the first
 * (commits made since COMMITS0) of KEPT. */
static uint64_t
committed (wb_ingest_t *ing, GArray *kept, uint64_t commits0)
{
	uint64_t c = MIN (ing->st.commits - commits0, (uint64_t) kept->len);
	return c ? g_array_index (kept, uint64_t, c - 1) : 0;
}

/* Commit the open group, if any, and wait for the writer to have done
 * every commit pushed; roll back on its failure. */
static wb_status_t
commit (wb_ingest_t *ing, GArray *kept, uint64_t pushed)
{
	if (ing->group_open)
		push_commit (ing, kept, pushed);
	wb_ingest_drain (ing);
	if (!ing->failed)
		return WB_OK;
	wb_ingest_push_simple (ing, IT_ROLLBACK);
	wb_ingest_drain (ing);
	wb_case_fail (ing->cs, ing->fail_status, "%s", ing->errmsg ? ing->errmsg : "cannot write case");
	return ing->fail_status ? ing->fail_status : WB_ERR_DB;
}

/* Append a stored copy to the walker's batch (wb_ingest_add_copy's part
 * for a copy read from the case); a full batch goes to READY, to be handed
 * on once the chunk is read. */
static void
add_stored (wb_ingest_t *ing, GPtrArray *ready, int64_t id, const void *data, size_t len,
	    const char *codec, int64_t size, int64_t raw_id, const char *trap, const char *hosts)
{
	if (!ing->batch) {
		ing->batch = g_new0 (batch_t, 1);
		ing->batch->data = g_byte_array_sized_new (MAX (len, 2u << 20));
		ing->batch->msgs = g_array_sized_new (FALSE, TRUE, sizeof (msg_t), BATCH_MAX);
	}
	msg_t m = { 0 };
	m.at = ing->batch->data->len;
	m.len = len;
	m.reanalyze_id = id;
	m.raw_codec = codec;
	m.raw_size = size;
	m.raw_id = raw_id;
	m.trap_addr = g_strdup (trap);
	m.trap_hosts = g_strdup (hosts);
	g_byte_array_append (ing->batch->data, data, len);
	g_array_append_val (ing->batch->msgs, m);
	if (ing->batch->msgs->len >= BATCH_MAX || ing->batch->data->len >= BATCH_BYTES) {
		g_ptr_array_add (ready, ing->batch);
		ing->batch = NULL;
	}
}

static wb_status_t
reanalyze (wb_ingest_t *ing, uint64_t *done)
{
	wb_case_t *cs = ing->cs;
	wb_status_t rs = WB_OK;
	uint64_t pushed = 0, bytes = 0;
	uint64_t commits0 = ing->st.commits;   /* the writer is idle */
	int64_t last = 0;
	*done = 0;
	/* The connection is shared with the writer (case.c opens it NOMUTEX):
	 * the walker reads a chunk through while it holds db_lock, which the
	 * writer holds while it writes an item, and hands the chunk on only
	 * after (a batch handed on mid-chunk was written while the chunk was
	 * read, and the read went wrong).  So the walker reads the next chunk
	 * while the parse workers and the writer work on the last: waiting for
	 * the writer to finish before each read left the two cores idle in
	 * turn.  It reads raw.bytes as stored, and the parse workers decode
	 * them (wb_raw_decode, as wb_raw() in SQL did under the lock).  The
	 * walker's own statement: not the case's cache, which the writer's
	 * thread changes. */
	sqlite3_stmt *get = NULL;
	if (sqlite3_prepare_v2 (wb_case_db (cs),
				"SELECT m.id, r.codec, r.bytes, r.size, r.id, t.address, t.hosts FROM messages m"
				" JOIN raw r ON r.id = m.raw_id LEFT JOIN traps t ON t.id = m.trap_id"
				" WHERE m.id > ? ORDER BY m.id LIMIT " G_STRINGIFY (CHUNK), -1, &get,
				NULL) != SQLITE_OK)
		return wb_case_fail_db (cs, "cannot read the stored copies");
	GArray *kept = g_array_new (FALSE, FALSE, sizeof (uint64_t));   /* see push_commit */
	GPtrArray *ready = g_ptr_array_new ();
	for (;;) {
		int n = 0, rc;
		wb_ingest_flush_batch (ing);
		if (ing->failed)
			break;
		g_mutex_lock (&ing->db_lock);
		sqlite3_bind_int64 (get, 1, last);
		gboolean begin = FALSE;   /* pushed after the read: a push may wait for the writer */
		while ((rc = sqlite3_step (get)) == SQLITE_ROW) {
			if (!ing->group_open) {
				ing->group_open = TRUE;
				ing->group_size = 0;
				ing->group_t0 = g_get_monotonic_time ();
				ing->group_files = 0;
				begin = TRUE;
			}
			last = sqlite3_column_int64 (get, 0);
			/* As wb_raw(): NULL bytes are an empty copy, bytes in
			 * codec 'none' (or NULL) are the copy as they are. */
			const char *codec = (const char *) sqlite3_column_text (get, 1);
			gboolean as_is = sqlite3_column_type (get, 2) == SQLITE_NULL || !codec || strcmp (codec, "none") == 0;
			size_t flen = (size_t) sqlite3_column_bytes (get, 2);
			const void *data = sqlite3_column_blob (get, 2);
			int64_t size = sqlite3_column_int64 (get, 3);
			/* The copy's length once decoded (a frame that does not
			 * give it fails the run before the group commits). */
			size_t len = as_is ? flen : (size_t) MAX (size, 0);
			add_stored (ing, ready, last, data ? data : "", flen,
				    as_is ? NULL : strcmp (codec, "zstd") == 0 ? "zstd" : g_intern_string (codec), size,
				    sqlite3_column_int64 (get, 4), (const char *) sqlite3_column_text (get, 5),
				    (const char *) sqlite3_column_text (get, 6));
			ing->group_size += len;
			ing->group_files++;
			bytes += len;
			n++;
		}
		if (rc != SQLITE_DONE)
			rs = wb_case_fail_db (cs, "cannot read the stored copies");
		sqlite3_reset (get);
		g_mutex_unlock (&ing->db_lock);
		if (begin)
			wb_ingest_push_simple (ing, IT_BEGIN);
		for (guint i = 0; i < ready->len; i++) {
			item_t *it = g_new0 (item_t, 1);
			it->kind = IT_BATCH;
			it->batch = ready->pdata[i];
			wb_ingest_push (ing, it);
		}
		g_ptr_array_set_size (ready, 0);
		if (rs)
			break;
		if (wb_interrupted || ing->fatal || ing->failed || n == 0)
			break;
		pushed += n;
		if (ing->o.progress)
			ing->o.progress (ing->o.progress_data, bytes, (uint64_t) g_atomic_int_get (&ing->stored));
		if (ing->group_size >= ing->o.group_bytes ||
		    g_get_monotonic_time () - ing->group_t0 >= (gint64) ing->o.group_ms * 1000) {
			/* Committed without waiting for the writer: the workers
			 * go on with the next chunks while it commits.  A commit
			 * that fails stops the loop at its top, and the group
			 * open then is rolled back below, as the writer skips
			 * all but the rollback after a failure. */
			push_commit (ing, kept, pushed);
		}
	}
	g_mutex_lock (&ing->db_lock);
	sqlite3_finalize (get);
	g_mutex_unlock (&ing->db_lock);
	g_ptr_array_free (ready, TRUE);
	if (!rs && !wb_interrupted && !ing->fatal && !ing->failed) {
		rs = commit (ing, kept, pushed);
		*done = committed (ing, kept, commits0);
		g_array_free (kept, TRUE);
		return rs;
	}
	/* Interrupted, or the case could not be read or written: the open
	 * transaction goes.  After a failed write the writer's transaction
	 * is open even when the walker's group is not (it had pushed the
	 * group's commit, which the writer then skipped). */
	if (ing->group_open || ing->failed) {
		ing->group_open = FALSE;
		wb_ingest_flush_batch (ing);
		wb_ingest_push_simple (ing, IT_ROLLBACK);
	}
	wb_ingest_drain (ing);
	*done = committed (ing, kept, commits0);
	g_array_free (kept, TRUE);
	if (rs)
		return rs;
	if (ing->failed) {
		wb_case_fail (cs, ing->fail_status, "%s", ing->errmsg ? ing->errmsg : "cannot write case");
		return ing->fail_status ? ing->fail_status : WB_ERR_DB;
	}
	return wb_case_fail (cs, WB_ERR_INTERRUPTED, "interrupted: %" G_GUINT64_FORMAT " copies analysed"
			     " and kept; the rest was rolled back", *done);
}

/* secure_delete (on in some builds of SQLite, Debian's among them) has
 * SQLite zero the bytes of every row it deletes, in the page.  reanalyze
 * deletes a copy's analysis rows (hops, artifacts, facts, about forty) to
 * insert the new ones when they differ: the zeroing was 8% of its writer's
 * work when it replaced every copy's.  Those
 * rows are made from the copy's bytes, which stay in the case; so while
 * it runs the setting is off, and it is put back as it was after. */
wb_status_t
wb_ingest_reanalyze (wb_ingest_t *ing, uint64_t *done)
{
	sqlite3 *db = wb_case_db (ing->cs);
	int secure = -1;
	sqlite3_stmt *st = NULL;
	g_mutex_lock (&ing->db_lock);
	if (sqlite3_prepare_v2 (db, "PRAGMA secure_delete", -1, &st, NULL) == SQLITE_OK
	    && sqlite3_step (st) == SQLITE_ROW)
		secure = sqlite3_column_int (st, 0);
	sqlite3_finalize (st);
	if (secure > 0)
		sqlite3_exec (db, "PRAGMA secure_delete=OFF", NULL, NULL, NULL);
	g_mutex_unlock (&ing->db_lock);
	wb_status_t rs = reanalyze (ing, done);
	if (secure > 0) {
		g_mutex_lock (&ing->db_lock);
		sqlite3_exec (db, "PRAGMA secure_delete=ON", NULL, NULL, NULL);
		g_mutex_unlock (&ing->db_lock);
	}
	return rs;
}
