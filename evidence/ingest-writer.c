/* The writer: the one thread that writes the case while ingest runs.
 * See ingest-pipeline.c for the pipeline it ends. */
#include <errno.h>
#include <fcntl.h>   /* sync_file_range */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <gmime/gmime.h>
#include <openssl/evp.h>

#include "ingest.h"
#include "analyze.h"
#include "ingest-pipeline.h"

/* --------------------------------------------------------------- writer */

static wb_status_t
write_source_begin (wb_ingest_t *ing, item_t *it)
{
	/* Bound by position (?N is the Nth column named): SQLite finds a
	 * named parameter by comparing names, which cost a tenth of the
	 * writer's work per copy in write_msg and store. */
	sqlite3_stmt *st = wb_case_stmt (ing->cs,
		"INSERT INTO sources(id, run, parent_id, name, chain, depth, size, sha256, format,"
		" filters, role, reason, messages, complete, ingested_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11, ?12, ?13, ?14, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, it->id);
	sqlite3_bind_int64 (st, 2, ing->run);
	if (it->parent_id)
		sqlite3_bind_int64 (st, 3, it->parent_id);
	wb_case_bind_text (st, 4, it->name);
	wb_case_bind_text (st, 5, it->chain);
	sqlite3_bind_int64 (st, 6, it->depth);
	if (it->size >= 0)
		sqlite3_bind_int64 (st, 7, it->size);
	wb_case_bind_text (st, 8, it->sha[0] ? it->sha : NULL);
	wb_case_bind_text (st, 9, it->format ? it->format : "unknown");
	wb_case_bind_text (st, 10, it->filters);
	/* Held with its end (item_t.ended): as write_source_end() and
	 * IT_FILE_DONE would leave the row. */
	wb_case_bind_text (st, 11, it->role ? it->role : it->ended ? "not-mail" : "pending");
	wb_case_bind_text (st, 12, it->reason);
	sqlite3_bind_int64 (st, 13, it->ended ? it->messages : 0);
	sqlite3_bind_int (st, 14, it->complete ? 1 : 0);
	wb_status_t rs = wb_case_step (ing->cs, st, "cannot record source");
	if (!rs && it->complete)
		rs = wb_case_custody (ing->cs, ing->run, "source", it->custody);
	return rs;
}

static wb_status_t
write_source_end (wb_ingest_t *ing, item_t *it)
{
	sqlite3_stmt *st = wb_case_stmt (ing->cs,
		"UPDATE sources SET size = coalesce(?, size), sha256 = coalesce(?, sha256), format = ?,"
		" filters = ?, role = ?, reason = ?, messages = ? WHERE id = ?");
	if (!st)
		return WB_ERR_DB;
	if (it->size >= 0)
		sqlite3_bind_int64 (st, 1, it->size);
	wb_case_bind_text (st, 2, it->sha[0] ? it->sha : NULL);
	wb_case_bind_text (st, 3, it->format ? it->format : "unknown");
	wb_case_bind_text (st, 4, it->filters);
	wb_case_bind_text (st, 5, it->role ? it->role : "not-mail");
	wb_case_bind_text (st, 6, it->reason);
	sqlite3_bind_int64 (st, 7, it->messages);
	sqlite3_bind_int64 (st, 8, it->id);
	return wb_case_step (ing->cs, st, "cannot record source");
}

/* The raw bytes of M: stored once whatever the trap (raw.sha256 is unique). */
static wb_status_t
raw_row (wb_ingest_t *ing, const char *data, msg_t *m, int64_t *raw_id)
{
	wb_case_t *cs = ing->cs;
	wb_status_t rs;
	sqlite3_stmt *st = wb_case_stmt (cs, "INSERT INTO raw(sha256, size, bytes, codec) VALUES (?, ?, ?, ?)"
				       " ON CONFLICT(sha256) DO NOTHING");
	if (!st)
		return WB_ERR_DB;
	/* The worker made and checked the frame (wb_raw_encode): bound as given. */
	gboolean z = m->codec == WB_RAW_ZSTD && m->frame;
	sqlite3_bind_text (st, 1, m->sha, 64, SQLITE_STATIC);
	sqlite3_bind_int64 (st, 2, m->len);
	sqlite3_bind_blob64 (st, 3, z ? m->frame : data, z ? m->frame_len : m->len, SQLITE_STATIC);
	sqlite3_bind_text (st, 4, wb_raw_codec_name (z ? WB_RAW_ZSTD : WB_RAW_NONE), -1, SQLITE_STATIC);
	if ((rs = wb_case_step (ing->cs, st, "cannot store message bytes")))
		return rs;
	*raw_id = 0;
	if (sqlite3_changes (wb_case_db (cs)) == 1) {
		*raw_id = sqlite3_last_insert_rowid (wb_case_db (cs));
		if (m->frame_refused)
			ing->st.raw_refused++;
		return WB_OK;
	}
	st = wb_case_stmt (cs, "SELECT id FROM raw WHERE sha256 = ?");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_text (st, 1, m->sha, 64, SQLITE_STATIC);
	if (sqlite3_step (st) == SQLITE_ROW)
		*raw_id = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	return *raw_id ? WB_OK : wb_case_fail_db (cs, "cannot find stored message bytes");
}

static wb_status_t
write_msg (wb_ingest_t *ing, const char *data, msg_t *m)
{
	wb_case_t *cs = ing->cs;
	wb_status_t rs;
	int64_t mid = 0, raw_id = 0;
	gboolean is_new = FALSE;

	/* Identity is (ident, trap): the INSERT does nothing for a copy
	 * already in the case, which then only gains a location (with its
	 * own bytes, the same or differing only by >From quoting).  Its
	 * analysis columns go in with it (no UPDATE after). */
	if ((rs = raw_row (ing, data, m, &raw_id)))
		return rs;
	int64_t body = 0;
	gboolean body_added = FALSE;
	if (m->analysis && (rs = wb_analysis_body_id (cs, m->analysis, &body, &body_added)))
		return rs;
	/* Bound by position, as in write_source_begin: ?N is the Nth column. */
	sqlite3_stmt *st = wb_case_stmt (cs,
		"INSERT INTO messages(sha256, raw_id, trap_id, trap_match, status, warnings,"
		" message_id, date_header, date_parsed, date_status, from_addr, from_name,"
		" reply_to, return_path, sender, to_addrs, cc_addrs, subject, received_at,"
		" received_epoch, received_from, local_day, body, category, fingerprint, ident,"
		" campaign)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		" ?7, ?8, ?9, ?10, ?11, ?12,"
		" ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
		" ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)"
		" ON CONFLICT DO NOTHING");
	if (!st)
		return WB_ERR_DB;
	wb_fields_t *f = &m->f;
	const char *text[] = { [1] = m->sha, [4] = m->trap_match, [5] = m->status, [6] = m->warnings,
			       [7] = f->message_id, [8] = f->date_header, [9] = f->date_parsed,
			       [10] = f->date_status, [11] = f->from_addr, [12] = f->from_name,
			       [13] = f->reply_to, [14] = f->return_path, [15] = f->sender,
			       [16] = f->to_addrs, [17] = f->cc_addrs, [18] = f->subject,
			       [19] = f->received_at, [21] = f->received_from, [22] = m->local_day,
			       [26] = m->ident };
	for (int i = 1; i < (int) G_N_ELEMENTS (text); i++)
		if (text[i])
			sqlite3_bind_text (st, i, text[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64 (st, 2, raw_id);
	sqlite3_bind_int64 (st, 3, m->trap_id);
	if (f->has_received)
		sqlite3_bind_int64 (st, 20, f->received_epoch);
	gboolean numbered = FALSE;
	if (m->analysis) {
		int64_t fp = 0, campaign;
		sqlite3_bind_int64 (st, 23, body);
		wb_case_bind_text (st, 24, wb_analysis_category (m->analysis));
		gboolean has_fp = wb_analysis_fingerprint (m->analysis, &fp);
		if (has_fp)
			sqlite3_bind_int64 (st, 25, fp);
		/* A new case's copy: the campaign the pass would give it now
		 * (wb_campaign_live_t), which the pass after the ingest
		 * confirms or mends; the case says so until then. */
		if (ing->camp && (numbered = wb_campaign_live_peek (ing->camp, has_fp, (uint64_t) fp, &campaign))) {
			sqlite3_bind_int64 (st, 27, campaign);
			if (!ing->camp_marked) {
				if ((rs = wb_case_set_info (cs, WB_CAMPAIGNS_PENDING, "1")))
					return rs;
				ing->camp_marked = TRUE;
			}
		}
	}
	rs = wb_case_step (ing->cs, st, "cannot record message");
	if (rs)
		return rs;
	if (sqlite3_changes (wb_case_db (cs)) == 1) {
		mid = sqlite3_last_insert_rowid (wb_case_db (cs));
		is_new = TRUE;
		if (numbered)
			wb_campaign_live_take (ing->camp);
	} else {
		/* A copy already in the case keeps its own text: one just added
		 * for this one is no copy's. */
		if (body_added) {
			if (!(st = wb_case_stmt (cs, "DELETE FROM body_texts WHERE id = ?")))
				return WB_ERR_DB;
			sqlite3_bind_int64 (st, 1, body);
			if ((rs = wb_case_step (ing->cs, st, "cannot store body text")))
				return rs;
		}
		st = wb_case_stmt (cs, "SELECT id FROM messages WHERE ident = ? AND trap_id = ?");
		if (!st)
			return WB_ERR_DB;
		sqlite3_bind_text (st, 1, m->ident, 64, SQLITE_STATIC);
		sqlite3_bind_int64 (st, 2, m->trap_id);
		if (sqlite3_step (st) == SQLITE_ROW)
			mid = sqlite3_column_int64 (st, 0);
		sqlite3_reset (st);
		if (!mid)
			return wb_case_fail_db (cs, "cannot look up message");
	}

	if (is_new) {
		/* Different bytes under one Message-ID: flag every copy of it. */
		if (f->message_id) {
			st = wb_case_stmt (cs, "SELECT 1 FROM messages WHERE message_id = ? AND ident <> ? LIMIT 1");
			if (!st)
				return WB_ERR_DB;
			wb_case_bind_text (st, 1, f->message_id);
			sqlite3_bind_text (st, 2, m->ident, 64, SQLITE_STATIC);
			int rc = sqlite3_step (st);
			sqlite3_reset (st);
			if (rc == SQLITE_ROW) {
				st = wb_case_stmt (cs, "UPDATE messages SET possible_duplicate = 1"
						       " WHERE message_id = ? AND possible_duplicate = 0");
				if (!st)
					return WB_ERR_DB;
				wb_case_bind_text (st, 1, f->message_id);
				if ((rs = wb_case_step (ing->cs, st, "cannot flag duplicate")))
					return rs;
			}
		}

		/* A new row: store its analysis (no rows to replace).  A
		 * duplicate copy is the same bytes in the same trap, analysed
		 * already. */
		if (m->analysis && (rs = wb_analysis_insert (cs, mid, m->analysis)))
			return rs;
		if (m->analysis)
			ing->art_added += wb_analysis_n_artifacts (m->analysis);
		/* Its findings (rule findings), made in the parse worker. */
		if (m->findings && (rs = ing->o.findings->store (ing->o.findings->data, cs, mid, m->findings)))
			return rs;
		/* Stored without analysis (--no-analysis): the case says so in
		 * the same transaction, until 'reanalyze' has run. */
		if (!m->analysis && !ing->pending_marked) {
			if ((rs = wb_case_set_info (cs, "analysis_pending", "1")))
				return rs;
			ing->pending_marked = TRUE;
		}
	}

	st = wb_case_stmt (cs, "INSERT OR IGNORE INTO locations(message, source_id, offset, length,"
			       " from_line, split, raw_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, mid);
	sqlite3_bind_int64 (st, 2, m->source_id);
	sqlite3_bind_int64 (st, 3, m->offset);
	sqlite3_bind_int64 (st, 4, m->len);
	wb_case_bind_text (st, 5, m->from_line);
	wb_case_bind_text (st, 6, m->split);
	sqlite3_bind_int64 (st, 7, raw_id);
	if ((rs = wb_case_step (ing->cs, st, "cannot record location")))
		return rs;
	if (is_new)
		ing->st.added++;
	else
		ing->st.duplicates++;
	return WB_OK;
}

/* SQLite writes the pages its cache cannot hold as a transaction grows,
 * and the rest at COMMIT, then waits for the disk (synchronous=FULL).
 * Left alone, the kernel holds those written pages until the commit's
 * fdatasync, which then waits for all of them: 0.37 s of a 2.8 s ingest of
 * 20,000 copies.  Asking for their writeback now (without waiting) lets the
 * disk work while parsing goes on; the commit still waits for every page. */
static void
start_writeback (wb_ingest_t *ing)
{
	/* Not #ifdef SYNC_FILE_RANGE_WRITE: when ingest.c was split, this
	 * file did not include <fcntl.h>, the macro was not defined here, and
	 * the call was compiled out without a word (t-ingest-writeback). */
#ifdef __linux__
	if (ing->case_fd >= 0)
		sync_file_range (ing->case_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void) ing;
#endif
}

/* Raise the page cache to what the copies the case holds now call for
 * (wb_ingest_cache_kib): it never shrinks while ingest writes. */
static void
grow_cache (wb_ingest_t *ing)
{
	int64_t kib = wb_ingest_cache_kib (ing->copies_before + ing->st.added);
	if (kib <= ing->cache_kib)
		return;
	char *sql = g_strdup_printf ("PRAGMA cache_size = -%" G_GINT64_FORMAT, kib);
	sqlite3_exec (wb_case_db (ing->cs), sql, NULL, NULL, NULL);
	g_free (sql);
	ing->cache_kib = kib;
}

/* artifact_copies during one source's transaction.  Its keys (value,
 * copy) come in no order: once the table outgrows the page cache nearly
 * every copy's rows read pages and write others back (200,000 copies with
 * analysis: 5.9 GB written for a 3.3 GB case; 1,000,000 copies: 99 GB for
 * 16.5 GB).  A source that adds more artifacts than the threshold and more
 * copies than the case held has the writer put them in a temporary table
 * instead, copy by copy (wb_analysis_copies_deferred: an append), and adds
 * them, sorted, before its commit: in the same transaction, so a kill or a failure rolls them
 * back with the rest.  Nothing reads the table while ingest writes. */
static wb_status_t
art_index_begin (wb_ingest_t *ing)
{
	sqlite3_stmt *st = wb_case_stmt (ing->cs, "SELECT coalesce(max(message), 0) FROM message_artifacts");
	if (!st)
		return WB_ERR_DB;
	ing->art_before = sqlite3_step (st) == SQLITE_ROW ? (uint64_t) sqlite3_column_int64 (st, 0) : 0;
	sqlite3_reset (st);
	ing->art_added = 0;
	ing->art_deferred = FALSE;
	/* A case's first facts and findings: nearly every one a new value,
	 * each an insert into an index keyed by its whole text (evidence
	 * included) that nothing reads while wb_case_intern() knows every
	 * row.  While the table is empty at the transaction's start, its
	 * index waits for the commit (wb_case_commit() builds it, sorted),
	 * or for the first value wb_case_intern() must look up. */
	static const char *const keyed[][2] = {
		{ "SELECT 1 FROM fact_values LIMIT 1", "fact_values_key" },
		{ "SELECT 1 FROM finding_texts LIMIT 1", "finding_texts_key" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (keyed) && !ing->o.no_analysis; i++) {
		if (!(st = wb_case_stmt (ing->cs, keyed[i][0])))
			return WB_ERR_DB;
		int rc = sqlite3_step (st);
		sqlite3_reset (st);
		wb_status_t rs;
		if (rc == SQLITE_DONE && (rs = wb_case_defer_index (ing->cs, keyed[i][1])))
			return rs;
	}
	return WB_OK;
}

static wb_status_t
art_index_check (wb_ingest_t *ing)
{
	if (!ing->art_deferred && (ing->art_added <= ing->o.index_rebuild_min ||
				   ing->st.added - ing->tx_added <= ing->art_before))
		return WB_OK;
	if (!ing->art_deferred && sqlite3_exec (wb_case_db (ing->cs), "CREATE TEMP TABLE IF NOT EXISTS"
						" artifact_copies_pending (value INTEGER, message INTEGER)",
						NULL, NULL, NULL) != SQLITE_OK)
		return wb_case_fail_db (ing->cs, "cannot defer artifact_copies");
	ing->art_deferred = TRUE;
	/* Again after each batch: the case forgets what it keeps when its
	 * cache of ids overflows (the copies' rows added meanwhile are kept,
	 * the fill ignoring them). */
	wb_case_keep (ing->cs, wb_analysis_copies_deferred, NULL, 0, 1);
	return WB_OK;
}

static wb_status_t
art_index_end (wb_ingest_t *ing)
{
	if (!ing->art_deferred)
		return WB_OK;
	ing->art_deferred = FALSE;
	/* SQLite sorts with as much memory as the page cache may hold, on top
	 * of the cache: with ingest's 128 MiB the build took the peak RSS
	 * from 250 to 394 MiB.  16 MiB for the build (the pages it drops were
	 * to be written at the commit anyway), then ingest's cache again.
	 * OR IGNORE: rows added copy by copy when the case forgot the tag. */
	int64_t cache = wb_case_cache_set (ing->cs, 16384);
	int rc = sqlite3_exec (wb_case_db (ing->cs), "INSERT OR IGNORE INTO artifact_copies (value, message)"
			       " SELECT value, message FROM temp.artifact_copies_pending ORDER BY 1, 2;"
			       "DELETE FROM temp.artifact_copies_pending", NULL, NULL, NULL);
	wb_case_cache_restore (ing->cs, cache);
	if (rc != SQLITE_OK)
		return wb_case_fail_db (ing->cs, "cannot build artifact_copies again");
	ing->st.index_rebuilds++;
	return WB_OK;
}

static wb_status_t
write_item (wb_ingest_t *ing, item_t *it)
{
	wb_status_t rs = WB_OK;
	switch (it->kind) {
	case IT_BEGIN:
		ing->pending_marked = FALSE;
		ing->camp_marked = FALSE;
		ing->tx_added = ing->st.added;
		ing->tx_duplicates = ing->st.duplicates;
		if (!(rs = wb_case_begin (ing->cs)))
			rs = art_index_begin (ing);
		break;
	case IT_SOURCE_BEGIN:
		rs = write_source_begin (ing, it);
		break;
	case IT_SOURCE_END:
		rs = write_source_end (ing, it);
		break;
	case IT_BATCH:
		for (guint i = 0; i < it->batch->msgs->len && !rs; i++) {
			msg_t *m = &g_array_index (it->batch->msgs, msg_t, i);
			if (m->read_error)   /* a stored copy a parse worker could not read */
				rs = wb_case_fail (ing->cs, WB_ERR_DB, "%s", m->read_error);
			else if (m->reanalyze_id) {
				/* The copy's analysis replaced, and with it its
				 * findings (a NULL result too: no facts, none). */
				rs = wb_analysis_store (ing->cs, m->reanalyze_id, m->analysis);
				if (!rs && ing->o.findings)
					rs = ing->o.findings->store (ing->o.findings->data, ing->cs, m->reanalyze_id,
								     m->findings);
			} else {
				rs = write_msg (ing, (const char *) it->batch->data->data + m->at, m);
			}
			g_atomic_int_inc (&ing->stored);
		}
		if (++ing->batches_written % WRITEBACK_BATCHES == 0) {
			start_writeback (ing);
			grow_cache (ing);
		}
		if (!rs)
			rs = art_index_check (ing);
		break;
	case IT_FILE_DONE: {
		sqlite3_stmt *st = wb_case_stmt (ing->cs, "UPDATE sources SET complete = 1 WHERE id = ?");
		if (!st)
			return WB_ERR_DB;
		sqlite3_bind_int64 (st, 1, it->id);
		if ((rs = wb_case_step (ing->cs, st, "cannot mark source complete")))
			return rs;
		if ((rs = wb_case_custody (ing->cs, ing->run, "source", it->custody)))
			return rs;
		break;
	}
	case IT_COMMIT:
		if ((rs = art_index_end (ing)))
			return rs;
		rs = wb_case_commit (ing->cs);
		if (!rs) {
			ing->committed_ok = TRUE;
			ing->commit_done_seq = it->seq + 1;
			ing->st.commits++;
		}
		break;
	case IT_ROLLBACK:
		wb_case_rollback (ing->cs);   /* the index too, if it was dropped */
		/* Its copies are gone, and with them the campaigns they began:
		 * the copies after get none until the pass. */
		g_clear_pointer (&ing->camp, wb_campaign_live_free);
		ing->st.added = ing->tx_added;
		ing->st.duplicates = ing->tx_duplicates;
		ing->art_deferred = FALSE;
		break;
	}
	return rs;
}

/* The next item from the queue, when none is there yet.  Until the writer
 * has the item it writes next, the parsed batches wait for a batch still
 * being parsed, not for it: the parse workers' gate opens (worker_gate).
 * Counted by batches parsed and not written alone, the gate stayed shut
 * while the writer waited: with a batch parsed ahead of the one it
 * wanted, one worker parsed and a core was idle: ingest alone of the
 * 200,000 bench copies used 1.55 of the two cores.  With the gate open
 * meanwhile, ingest alone of 50,000 bench copies takes 0.88 of the time
 * (alternated pairs; 0.84 and 0.97 over the 200,000), the benchmark
 * Maildir 0.98, and ingest with analysis of 25,000 copies 0.94. */
static item_t *
writer_wait (wb_ingest_t *ing)
{
	g_mutex_lock (&ing->lock);
	ing->writer_waiting = TRUE;
	if (ing->gate_waiting)
		g_cond_broadcast (&ing->gate);
	g_mutex_unlock (&ing->lock);
	return g_async_queue_pop (ing->done_q);
}

gpointer
wb_ingest_writer_main (gpointer data)
{
	wb_ingest_t *ing = data;
	GHashTable *pending = g_hash_table_new (g_int64_hash, g_int64_equal);
	uint64_t want = 0;
	for (;;) {
		item_t *it = g_hash_table_lookup (pending, &want);
		if (it) {
			g_hash_table_remove (pending, &want);
		} else {
			if (!(it = g_async_queue_try_pop (ing->done_q)))
				it = writer_wait (ing);
			if (it->kind < 0) {
				wb_ingest_item_free (it);
				break;
			}
			if (it->seq != want) {
				g_hash_table_insert (pending, &it->seq, it);
				continue;
			}
		}
		if (ing->writer_waiting) {
			g_mutex_lock (&ing->lock);
			ing->writer_waiting = FALSE;
			g_mutex_unlock (&ing->lock);
		}
		int weight = it->kind == IT_BATCH ? BATCH_WEIGHT : 1;
		gboolean committed = FALSE;
		if (it->kind == IT_ROLLBACK || !ing->failed) {
			g_mutex_lock (&ing->db_lock);
			wb_status_t rs = write_item (ing, it);
			g_mutex_unlock (&ing->db_lock);
			committed = it->kind == IT_COMMIT && !rs;
			if (rs && !ing->failed) {
				g_mutex_lock (&ing->lock);
				ing->failed = TRUE;
				ing->fail_status = rs;
				ing->errmsg = g_strdup (wb_case_errmsg (ing->cs));
				g_mutex_unlock (&ing->lock);
			}
		}
		if (weight == BATCH_WEIGHT)
			g_async_queue_push (it->batch->home, it);   /* freed by the worker that parsed it */
		else
			wb_ingest_item_free (it);
		want++;
		g_mutex_lock (&ing->lock);
		ing->inflight -= weight;
		ing->seq_written = want;
		if (committed)
			ing->commit_done_at = g_get_monotonic_time ();
		if (weight == BATCH_WEIGHT && --ing->unwritten < WRITER_BEHIND && ing->gate_waiting)
			g_cond_broadcast (&ing->gate);
		if (ing->waiting && (ing->inflight <= ing->wake_inflight || want >= ing->wake_seq))
			g_cond_broadcast (&ing->cond);
		g_mutex_unlock (&ing->lock);
	}
	g_hash_table_destroy (pending);
	return NULL;
}
