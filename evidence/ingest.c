/* Evidence ingestion: walking inputs, splitting mailboxes, the parse/write
 * pipeline.  See ingest.h.
 *
 * The pipeline.  The caller's thread (the walker) reads every input through
 * libarchive, splits it into message copies and appends their bytes to a
 * batch (up to BATCH_MAX copies or BATCH_BYTES bytes).  Every event is an
 * item with a sequence number: source rows (begin, end), batches, the
 * begin and commit of a top-level file.  Batches go to the parse workers
 * (hash, GMime parse, header fields, trap), everything else straight to the
 * writer; the writer puts items back in sequence order and is the only
 * thread that touches SQLite while a source is being read.  The walker
 * blocks when too much is in flight, so memory stays bounded whatever the
 * size of the input. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <gmime/gmime.h>
#include <openssl/evp.h>

#include "ingest.h"
#include "analyze.h"
#include "ingest-private.h"

#define BATCH_MAX 256
#define BATCH_BYTES (4u << 20)
#define INFLIGHT_MAX 4096          /* weight units: a batch weighs 512, other items 1 */
#define BATCH_WEIGHT 512
#define WRITEBACK_BATCHES 8        /* start the disk writing the case every 8 batches (32 MiB read) */
#define READ_CHUNK (64u << 10)

/* ---------------------------------------------------------------- types */

typedef struct {
	/* input, set by the walker */
	size_t at;               /* offset of the bytes in the batch's data */
	size_t len;
	int64_t source_id;
	uint64_t offset;         /* in the decompressed source */
	char *from_line;
	const char *split;       /* static */
	char *chain;             /* of the source (for trap matching by path) */
	const char *extra_warning;  /* static, e.g. "truncated" */
	/* output, set by a parse worker */
	char sha[65];
	char ident[65];          /* wb_copy_ident() */
	const char *status;      /* static */
	char *warnings;
	wb_fields_t f;
	int64_t trap_id;
	const char *trap_match;
	char *local_day;
	wb_analysis_t *analysis; /* evidence/analyze.h, stored by the writer */
	gpointer findings;       /* opts.findings' result, stored by the writer */
	void (*findings_free) (gpointer);
} msg_t;

typedef struct {
	GByteArray *data;
	GArray *msgs;            /* msg_t */
} batch_t;

enum { IT_BEGIN, IT_SOURCE_BEGIN, IT_SOURCE_END, IT_BATCH, IT_COMMIT, IT_ROLLBACK };

typedef struct {
	int kind;
	uint64_t seq;
	batch_t *batch;
	/* sources rows */
	int64_t id, parent_id;
	char *name, *chain;
	int depth;
	int64_t size;            /* -1: NULL */
	char sha[65];            /* "" -> NULL */
	const char *format;      /* static or interned */
	char *filters;
	const char *role;
	char *reason;
	int64_t messages;
	char *custody;           /* IT_COMMIT: custody detail */
} item_t;

/* A file or member being read. */
typedef struct src {
	int64_t id;
	struct src *parent;
	char *name, *chain;
	int depth;
	const char *format;
	char *filters;
	const char *role;
	char *reason;
	int64_t messages;
} src_t;

struct wb_ingest {
	wb_case_t *cs;
	int64_t run;
	wb_ingest_opts_t o;
	wb_ingest_stats_t st;
	GHashTable *traps;

	/* pipeline */
	GAsyncQueue *work_q;     /* batches for the parse workers */
	GAsyncQueue *done_q;     /* items for the writer */
	GThread **workers;
	int nworkers;
	GThread *writer;
	GMutex lock;
	GCond cond;
	int inflight;            /* weight of items pushed and not yet written */
	uint64_t seq_next;       /* walker */
	uint64_t seq_written;    /* writer: items handled */
	gboolean failed;         /* writer hit an error; message in errmsg */
	wb_status_t fail_status;
	char *errmsg;
	gint stored;             /* copies written (for progress) */
	gboolean committed_ok;
	int case_fd;             /* the case file, read-only: to start its writeback early */
	unsigned batches_written;
	gboolean pending_marked; /* writer: analysis_pending set in this transaction */
	int64_t cache_before;    /* the connection's cache_size before ingest raised it */
	/* writer: artifacts_value in the current transaction (see
	 * wb_ingest_opts_t.index_rebuild_min) */
	uint64_t art_before;     /* artifact rows in the case at BEGIN (max id) */
	uint64_t art_added;      /* artifact rows stored since */
	char *art_index_sql;     /* the index's CREATE statement while it is dropped */

	/* walker state for the current top-level file */
	batch_t *batch;
	int64_t next_source_id;
	uint64_t total_out;      /* bytes decompressed for this top-level file */
	uint64_t bytes_before;   /* bytes of top-level files finished */
	uint64_t top_size;       /* bytes of the top-level file being read */
	struct archive *top;
	unsigned progress_tick;
	gboolean fatal;          /* stop walking: interrupted or writer failed */
	struct stat top_sb;      /* the top-level file when it was opened for hashing */
};

static void
batch_free (batch_t *b)
{
	if (!b)
		return;
	for (guint i = 0; i < b->msgs->len; i++) {
		msg_t *m = &g_array_index (b->msgs, msg_t, i);
		g_free (m->from_line);
		g_free (m->chain);
		g_free (m->warnings);
		g_free (m->local_day);
		wb_analysis_free (m->analysis);
		if (m->findings)
			m->findings_free (m->findings);
		wb_fields_clear (&m->f);
	}
	g_array_free (b->msgs, TRUE);
	g_byte_array_free (b->data, TRUE);
	g_free (b);
}

static void
item_free (item_t *it)
{
	if (!it)
		return;
	batch_free (it->batch);
	g_free (it->name);
	g_free (it->chain);
	g_free (it->filters);
	g_free (it->reason);
	g_free (it->custody);
	g_free (it);
}

/* ------------------------------------------------------- parse workers */

typedef struct {
	wb_ingest_t *ing;
	GMimeParserOptions *popts;
	GMimeParser *parser;
	GString *warn;
} worker_t;

static void
parse_msg (worker_t *w, const char *data, msg_t *m)
{
	wb_sha256_hex (data, m->len, m->sha);
	wb_copy_ident (data, m->len, m->sha, m->ident);
	g_string_truncate (w->warn, 0);
	if (m->extra_warning)
		g_string_append (w->warn, m->extra_warning);
	wb_ingest_defects (data, m->len, w->warn);
	/* Content-Length placed the message's end: its From_ lines are body. */
	if (m->from_line && strcmp (m->split, "mboxcl-length") != 0)
		wb_ingest_check_merged (data, m->len, w->warn);
	GMimeMessage *msg = wb_ingest_parse (data, m->len, w->popts, w->warn, w->parser);
	const wb_trap_t *trap = NULL;
	if (!msg) {
		m->status = "unparsed";
		m->f.date_status = "absent";
		m->f.received_from = "none";
		trap = wb_traps_match (w->ing->traps, NULL, m->chain, &m->trap_match);
		wb_analyze_ctx_t actx = { trap ? trap->address : NULL, trap ? trap->hosts : NULL };
		if (!w->ing->o.no_analysis)
			m->analysis = wb_analyze (NULL, data, m->len, &actx);
	} else {
		wb_ingest_fields (msg, &m->f);
		trap = wb_traps_match (w->ing->traps, msg, m->chain, &m->trap_match);
		if (strcmp (m->f.date_status, "invalid") == 0) {
			if (w->warn->len)
				g_string_append (w->warn, "; ");
			g_string_append (w->warn, "invalid Date header");
		}
		m->status = w->warn->len ? "malformed" : "ok";

		/* Message analysis (evidence/analyze.h) is pure, so it runs here
		 * in the parse worker while the GMimeMessage is alive; the
		 * writer stores it with the new messages row. */
		wb_analyze_ctx_t actx = { trap ? trap->address : NULL, trap ? trap->hosts : NULL };
		if (!w->ing->o.no_analysis)
			m->analysis = wb_analyze (msg, data, m->len, &actx);

		g_object_unref (msg);
	}
	const wb_ingest_findings_t *fi = w->ing->o.findings;
	if (fi && m->analysis) {
		m->findings = fi->eval (fi->data, m->analysis);
		m->findings_free = fi->free;
	}
	m->trap_id = trap ? trap->id : 0;
	if (m->f.has_received)
		m->local_day = wb_local_day (trap, m->f.received_epoch);
	m->warnings = w->warn->len ? g_strdup (w->warn->str) : NULL;
}

static gpointer
worker_main (gpointer data)
{
	worker_t *w = data;
	for (;;) {
		item_t *it = g_async_queue_pop (w->ing->work_q);
		if (it->kind < 0) {
			item_free (it);
			break;
		}
		batch_t *b = it->batch;
		for (guint i = 0; i < b->msgs->len; i++) {
			msg_t *m = &g_array_index (b->msgs, msg_t, i);
			parse_msg (w, (const char *) b->data->data + m->at, m);
		}
		g_async_queue_push (w->ing->done_q, it);
	}
	g_mime_parser_options_free (w->popts);
	g_object_unref (w->parser);
	g_string_free (w->warn, TRUE);
	g_free (w);
	return NULL;
}

/* --------------------------------------------------------------- writer */

static wb_status_t
write_source_begin (wb_ingest_t *ing, item_t *it)
{
	sqlite3_stmt *st = wb_case_stmt (ing->cs,
		"INSERT INTO sources(id, run, parent_id, name, chain, depth, size, sha256, format,"
		" filters, role, reason, messages, complete, ingested_at)"
		" VALUES (:id, :run, :parent_id, :name, :chain, :depth, :size, :sha256, :format,"
		" :filters, :role, :reason, 0, 0, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
	if (!st)
		return WB_ERR_DB;
#define P(name) sqlite3_bind_parameter_index (st, ":" name)
	sqlite3_bind_int64 (st, P ("id"), it->id);
	sqlite3_bind_int64 (st, P ("run"), ing->run);
	if (it->parent_id)
		sqlite3_bind_int64 (st, P ("parent_id"), it->parent_id);
	wb_case_bind_text (st, P ("name"), it->name);
	wb_case_bind_text (st, P ("chain"), it->chain);
	sqlite3_bind_int (st, P ("depth"), it->depth);
	if (it->size >= 0)
		sqlite3_bind_int64 (st, P ("size"), it->size);
	wb_case_bind_text (st, P ("sha256"), it->sha[0] ? it->sha : NULL);
	wb_case_bind_text (st, P ("format"), it->format ? it->format : "unknown");
	wb_case_bind_text (st, P ("filters"), it->filters);
	wb_case_bind_text (st, P ("role"), it->role ? it->role : "pending");
	wb_case_bind_text (st, P ("reason"), it->reason);
#undef P
	return wb_case_step (ing->cs, st, "cannot record source");
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
	sqlite3_stmt *st = wb_case_stmt (cs, "INSERT INTO raw(sha256, size, bytes) VALUES (?, ?, ?)"
				       " ON CONFLICT(sha256) DO NOTHING");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_text (st, 1, m->sha, 64, SQLITE_STATIC);
	sqlite3_bind_int64 (st, 2, m->len);
	sqlite3_bind_blob64 (st, 3, data, m->len, SQLITE_STATIC);
	if ((rs = wb_case_step (ing->cs, st, "cannot store message bytes")))
		return rs;
	*raw_id = 0;
	if (sqlite3_changes (wb_case_db (cs)) == 1) {
		*raw_id = sqlite3_last_insert_rowid (wb_case_db (cs));
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
	sqlite3_stmt *st = wb_case_stmt (cs,
		"INSERT INTO messages(sha256, raw_id, trap_id, trap_match, status, warnings,"
		" message_id, date_header, date_parsed, date_status, from_addr, from_name,"
		" reply_to, return_path, sender, to_addrs, cc_addrs, subject, received_at,"
		" received_epoch, received_from, local_day, body_text, category, fingerprint, ident)"
		" VALUES (:sha256, :raw_id, :trap_id, :trap_match, :status, :warnings,"
		" :message_id, :date_header, :date_parsed, :date_status, :from_addr, :from_name,"
		" :reply_to, :return_path, :sender, :to_addrs, :cc_addrs, :subject, :received_at,"
		" :received_epoch, :received_from, :local_day, :body_text, :category, :fingerprint, :ident)"
		" ON CONFLICT DO NOTHING");
	if (!st)
		return WB_ERR_DB;
#define P(name) sqlite3_bind_parameter_index (st, ":" name)
	wb_fields_t *f = &m->f;
	sqlite3_bind_text (st, P ("sha256"), m->sha, 64, SQLITE_STATIC);
	sqlite3_bind_int64 (st, P ("raw_id"), raw_id);
	sqlite3_bind_int64 (st, P ("trap_id"), m->trap_id);
	wb_case_bind_text (st, P ("trap_match"), m->trap_match);
	wb_case_bind_text (st, P ("status"), m->status);
	wb_case_bind_text (st, P ("warnings"), m->warnings);
	wb_case_bind_text (st, P ("message_id"), f->message_id);
	wb_case_bind_text (st, P ("date_header"), f->date_header);
	wb_case_bind_text (st, P ("date_parsed"), f->date_parsed);
	wb_case_bind_text (st, P ("date_status"), f->date_status);
	wb_case_bind_text (st, P ("from_addr"), f->from_addr);
	wb_case_bind_text (st, P ("from_name"), f->from_name);
	wb_case_bind_text (st, P ("reply_to"), f->reply_to);
	wb_case_bind_text (st, P ("return_path"), f->return_path);
	wb_case_bind_text (st, P ("sender"), f->sender);
	wb_case_bind_text (st, P ("to_addrs"), f->to_addrs);
	wb_case_bind_text (st, P ("cc_addrs"), f->cc_addrs);
	wb_case_bind_text (st, P ("subject"), f->subject);
	wb_case_bind_text (st, P ("received_at"), f->received_at);
	if (f->has_received)
		sqlite3_bind_int64 (st, P ("received_epoch"), f->received_epoch);
	wb_case_bind_text (st, P ("received_from"), f->received_from);
	wb_case_bind_text (st, P ("local_day"), m->local_day);
	if (m->analysis) {
		int64_t fp;
		wb_case_bind_text (st, P ("body_text"), wb_analysis_body_text (m->analysis));
		wb_case_bind_text (st, P ("category"), wb_analysis_category (m->analysis));
		if (wb_analysis_fingerprint (m->analysis, &fp))
			sqlite3_bind_int64 (st, P ("fingerprint"), fp);
	}
	sqlite3_bind_text (st, P ("ident"), m->ident, 64, SQLITE_STATIC);
#undef P
	rs = wb_case_step (ing->cs, st, "cannot record message");
	if (rs)
		return rs;
	if (sqlite3_changes (wb_case_db (cs)) == 1) {
		mid = sqlite3_last_insert_rowid (wb_case_db (cs));
		is_new = TRUE;
	} else {
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
#ifdef SYNC_FILE_RANGE_WRITE
	if (ing->case_fd >= 0)
		sync_file_range (ing->case_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void) ing;
#endif
}

/* artifacts_value during one source's transaction.  Its keys come in no
 * order: once the index outgrows the page cache nearly every artifact row
 * reads one page and writes another back (200,000 copies with analysis:
 * 5.9 GB written for a 3.3 GB case; 1,000,000 copies: 99 GB for 16.5 GB).
 * A source that adds more rows than the threshold and than the case held
 * drops it, and builds it again, sorted, before its commit: in the same
 * transaction, so a kill or a failure rolls the drop back with the rest.
 * Nothing reads the index while ingest writes. */
static wb_status_t
art_index_begin (wb_ingest_t *ing)
{
	sqlite3_stmt *st = wb_case_stmt (ing->cs, "SELECT coalesce(max(id), 0) FROM message_artifacts");
	if (!st)
		return WB_ERR_DB;
	ing->art_before = sqlite3_step (st) == SQLITE_ROW ? (uint64_t) sqlite3_column_int64 (st, 0) : 0;
	sqlite3_reset (st);
	ing->art_added = 0;
	g_clear_pointer (&ing->art_index_sql, g_free);
	return WB_OK;
}

static wb_status_t
art_index_check (wb_ingest_t *ing)
{
	if (ing->art_index_sql || ing->art_added <= ing->o.index_rebuild_min ||
	    ing->art_added <= ing->art_before)
		return WB_OK;
	sqlite3_stmt *st = wb_case_stmt (ing->cs, "SELECT sql FROM sqlite_schema"
				       " WHERE type = 'index' AND name = 'artifacts_value'");
	if (!st)
		return WB_ERR_DB;
	char *sql = sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0)
		? g_strdup ((const char *) sqlite3_column_text (st, 0)) : NULL;
	sqlite3_reset (st);
	if (!sql)
		return WB_OK;   /* not there: nothing to keep up */
	if (sqlite3_exec (wb_case_db (ing->cs), "DROP INDEX artifacts_value", NULL, NULL, NULL) != SQLITE_OK) {
		g_free (sql);
		return wb_case_fail_db (ing->cs, "cannot drop artifacts_value for the bulk load");
	}
	ing->art_index_sql = sql;
	return WB_OK;
}

static wb_status_t
art_index_end (wb_ingest_t *ing)
{
	if (!ing->art_index_sql)
		return WB_OK;
	/* SQLite sorts with as much memory as the page cache may hold, on top
	 * of the cache: with ingest's 128 MiB the build took the peak RSS
	 * from 250 to 394 MiB.  16 MiB for the build (the pages it drops were
	 * to be written at the commit anyway), then ingest's cache again. */
	int64_t cache = wb_case_cache_set (ing->cs, 16384);
	int rc = sqlite3_exec (wb_case_db (ing->cs), ing->art_index_sql, NULL, NULL, NULL);
	wb_case_cache_restore (ing->cs, cache);
	g_clear_pointer (&ing->art_index_sql, g_free);
	if (rc != SQLITE_OK)
		return wb_case_fail_db (ing->cs, "cannot build artifacts_value again");
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
			rs = write_msg (ing, (const char *) it->batch->data->data + m->at, m);
			g_atomic_int_inc (&ing->stored);
		}
		if (++ing->batches_written % WRITEBACK_BATCHES == 0)
			start_writeback (ing);
		if (!rs)
			rs = art_index_check (ing);
		break;
	case IT_COMMIT: {
		if ((rs = art_index_end (ing)))
			return rs;
		sqlite3_stmt *st = wb_case_stmt (ing->cs, "UPDATE sources SET complete = 1 WHERE id = ?");
		if (!st)
			return WB_ERR_DB;
		sqlite3_bind_int64 (st, 1, it->id);
		if ((rs = wb_case_step (ing->cs, st, "cannot mark source complete")))
			return rs;
		if ((rs = wb_case_custody (ing->cs, ing->run, "source", it->custody)))
			return rs;
		rs = wb_case_commit (ing->cs);
		if (!rs)
			ing->committed_ok = TRUE;
		break;
	}
	case IT_ROLLBACK:
		wb_case_rollback (ing->cs);   /* the index too, if it was dropped */
		g_clear_pointer (&ing->art_index_sql, g_free);
		break;
	}
	return rs;
}

static gpointer
writer_main (gpointer data)
{
	wb_ingest_t *ing = data;
	GHashTable *pending = g_hash_table_new (g_int64_hash, g_int64_equal);
	uint64_t want = 0;
	for (;;) {
		item_t *it = g_hash_table_lookup (pending, &want);
		if (it) {
			g_hash_table_remove (pending, &want);
		} else {
			it = g_async_queue_pop (ing->done_q);
			if (it->kind < 0) {
				item_free (it);
				break;
			}
			if (it->seq != want) {
				g_hash_table_insert (pending, &it->seq, it);
				continue;
			}
		}
		int weight = it->kind == IT_BATCH ? BATCH_WEIGHT : 1;
		if (it->kind == IT_ROLLBACK || !ing->failed) {
			wb_status_t rs = write_item (ing, it);
			if (rs && !ing->failed) {
				g_mutex_lock (&ing->lock);
				ing->failed = TRUE;
				ing->fail_status = rs;
				ing->errmsg = g_strdup (wb_case_errmsg (ing->cs));
				g_mutex_unlock (&ing->lock);
			}
		}
		item_free (it);
		want++;
		g_mutex_lock (&ing->lock);
		ing->inflight -= weight;
		ing->seq_written = want;
		g_cond_broadcast (&ing->cond);
		g_mutex_unlock (&ing->lock);
	}
	g_hash_table_destroy (pending);
	return NULL;
}

/* ------------------------------------------------------ walker helpers */

static void
push (wb_ingest_t *ing, item_t *it)
{
	int weight = it->kind == IT_BATCH ? BATCH_WEIGHT : 1;
	g_mutex_lock (&ing->lock);
	while (ing->inflight + weight > INFLIGHT_MAX && ing->inflight > 0)
		g_cond_wait (&ing->cond, &ing->lock);
	ing->inflight += weight;
	if (ing->failed)
		ing->fatal = TRUE;
	g_mutex_unlock (&ing->lock);
	it->seq = ing->seq_next++;
	if (it->kind == IT_BATCH)
		g_async_queue_push (ing->work_q, it);
	else
		g_async_queue_push (ing->done_q, it);
}

/* Wait until the writer has handled everything pushed so far (at the end
 * of a top-level file, read through: its last copies, the commit, an index
 * built again).  The progress callback goes on being called meanwhile, from
 * this thread as always, with the copies stored so far. */
static void
drain (wb_ingest_t *ing)
{
	g_mutex_lock (&ing->lock);
	while (ing->seq_written < ing->seq_next) {
		if (!ing->o.progress) {
			g_cond_wait (&ing->cond, &ing->lock);
			continue;
		}
		gint64 until = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;
		if (!g_cond_wait_until (&ing->cond, &ing->lock, until)) {
			g_mutex_unlock (&ing->lock);
			ing->o.progress (ing->o.progress_data, ing->bytes_before + ing->top_size,
					 (uint64_t) g_atomic_int_get (&ing->stored));
			g_mutex_lock (&ing->lock);
		}
	}
	g_mutex_unlock (&ing->lock);
}

static void
flush_batch (wb_ingest_t *ing)
{
	if (!ing->batch || ing->batch->msgs->len == 0)
		return;
	item_t *it = g_new0 (item_t, 1);
	it->kind = IT_BATCH;
	it->batch = ing->batch;
	ing->batch = NULL;
	push (ing, it);
}

static void
add_copy (wb_ingest_t *ing, src_t *s, const char *data, size_t len, uint64_t offset,
	  const char *from_line, size_t from_len, const char *split, const char *extra_warning)
{
	if (!ing->batch) {
		ing->batch = g_new0 (batch_t, 1);
		/* Room for a whole batch of typical copies: growing it by
		 * doubling would copy every byte about once more. */
		ing->batch->data = g_byte_array_sized_new (MAX (len, 2u << 20));
		ing->batch->msgs = g_array_sized_new (FALSE, TRUE, sizeof (msg_t), BATCH_MAX);
	}
	msg_t m = { 0 };
	m.at = ing->batch->data->len;
	m.len = len;
	m.source_id = s->id;
	m.offset = offset;
	m.from_line = from_line ? g_strndup (from_line, from_len) : NULL;
	m.split = split;
	m.chain = g_strdup (s->chain);
	m.extra_warning = extra_warning;
	g_byte_array_append (ing->batch->data, (const guint8 *) data, len);
	g_array_append_val (ing->batch->msgs, m);
	s->messages++;
	ing->st.copies++;
	if (ing->batch->msgs->len >= BATCH_MAX || ing->batch->data->len >= BATCH_BYTES)
		flush_batch (ing);
}

static src_t *
src_new (wb_ingest_t *ing, src_t *parent, const char *name, const char *chain)
{
	src_t *s = g_new0 (src_t, 1);
	s->id = ing->next_source_id++;
	s->parent = parent;
	s->name = g_strdup (name);
	s->chain = g_strdup (chain);
	s->depth = parent ? parent->depth + 1 : 0;
	ing->st.members++;
	return s;
}

static void
src_free (src_t *s)
{
	if (!s)
		return;
	g_free (s->name);
	g_free (s->chain);
	g_free (s->filters);
	g_free (s->reason);
	g_free (s);
}

static void
src_push (wb_ingest_t *ing, src_t *s, int kind, int64_t size, const char *sha)
{
	item_t *it = g_new0 (item_t, 1);
	it->kind = kind;
	it->id = s->id;
	it->parent_id = s->parent ? s->parent->id : 0;
	it->name = g_strdup (s->name);
	it->chain = g_strdup (s->chain);
	it->depth = s->depth;
	it->size = size;
	if (sha)
		memcpy (it->sha, sha, 65);
	it->format = s->format;
	it->filters = g_strdup (s->filters);
	it->role = s->role;
	it->reason = g_strdup (s->reason);
	it->messages = s->messages;
	push (ing, it);
}

/* Mark S with ROLE and REASON (the first reason given wins). */
static void
src_mark (wb_ingest_t *ing, src_t *s, const char *role, const char *fmt, ...) G_GNUC_PRINTF (4, 5);
static void
src_mark (wb_ingest_t *ing, src_t *s, const char *role, const char *fmt, ...)
{
	if (s->role && strcmp (s->role, "flagged") == 0)
		return;
	s->role = role;
	g_free (s->reason);
	va_list ap;
	va_start (ap, fmt);
	s->reason = g_strdup_vprintf (fmt, ap);
	va_end (ap);
}

/* Member names may be any bytes: keep valid UTF-8, escape the rest as \xNN. */
static char *
escape_name (const char *name)
{
	if (g_utf8_validate (name, -1, NULL))
		return g_strdup (name);
	GString *s = g_string_new (NULL);
	const char *p = name;
	while (*p) {
		const char *end;
		if (g_utf8_validate (p, -1, &end))
			end = p + strlen (p);
		g_string_append_len (s, p, end - p);
		p = end;
		if (*p) {
			g_string_append_printf (s, "\\x%02X", (unsigned char) *p);
			p++;
		}
	}
	return g_string_free (s, FALSE);
}

static void
progress (wb_ingest_t *ing)
{
	if (!ing->o.progress || (ing->progress_tick++ & 15))
		return;
	uint64_t b = ing->bytes_before + (ing->top ? (uint64_t) archive_filter_bytes (ing->top, -1) : 0);
	ing->o.progress (ing->o.progress_data, b, (uint64_t) g_atomic_int_get (&ing->stored));
}

/* ------------------------------------------------ guarded stream reads */

/* One libarchive reader and what came out of it. */
typedef struct {
	struct archive *a;
	uint64_t out;
	const char *guard;       /* set when the decompression guard tripped */
} arch_t;

/* Read data of the current entry of AS.  Returns bytes read, 0 at the end,
 * -1 on a read error (archive_error_string), -2 when the guard trips
 * (AS->guard says which). */
static ssize_t
rd (wb_ingest_t *ing, arch_t *as, void *buf, size_t n)
{
	if (wb_interrupted) {
		ing->fatal = TRUE;
		return -1;
	}
	la_ssize_t r = archive_read_data (as->a, buf, n);
	if (r < 0)
		return -1;
	as->out += r;
	ing->total_out += r;
	int64_t in = archive_filter_bytes (as->a, -1);
	if (as->out > WB_INGEST_RATIO_FLOOR && in > 0 && as->out / (uint64_t) in > ing->o.max_ratio) {
		as->guard = "decompression bomb (ratio over limit)";
		return -2;
	}
	if (ing->total_out > ing->o.max_total) {
		as->guard = "decompression budget exceeded";
		return -2;
	}
	progress (ing);
	return r;
}

static const char *
read_error (arch_t *as)
{
	const char *e = archive_error_string (as->a);
	return e ? e : "read error";
}

/* "truncated" or "corrupt" from a libarchive message. */
static const char *
damage_kind (const char *err)
{
	if (!err)
		return "corrupt";
	char *low = g_ascii_strdown (err, -1);
	gboolean t = strstr (low, "truncat") || strstr (low, "unexpected end") ||
		strstr (low, "premature") || strstr (low, "eof");
	g_free (low);
	return t ? "truncated" : "corrupt";
}

/* A member read from its parent archive, hashed as it goes. */
typedef struct {
	wb_ingest_t *ing;
	arch_t *parent;
	EVP_MD_CTX *ctx;
	uint64_t size;
	char *buf;
	size_t replay;           /* bytes of buf to hand out first (peeked) */
	int err;                 /* 0, -1, -2 as rd() */
} member_t;

static ssize_t
member_read (member_t *m, void *buf, size_t n)
{
	if (m->err)
		return m->err;
	ssize_t r = rd (m->ing, m->parent, buf, n);
	if (r < 0) {
		m->err = (int) r;
		return r;
	}
	EVP_DigestUpdate (m->ctx, buf, r);
	m->size += r;
	return r;
}

/* ------------------------------------------------------ mbox splitting */

typedef struct {
	wb_ingest_t *ing;
	arch_t *as;
	src_t *s;
	GByteArray *buf;
	uint64_t base;           /* stream offset of buf->data[0] */
	gboolean eof;
	int err;                 /* 0, -1 read error, -2 guard */
	member_t *m;             /* read the member through M (hashed) instead of AS */
} rdbuf_t;

/* Read more into RB; FALSE at the end or on error. */
static gboolean
fill (rdbuf_t *rb)
{
	if (rb->eof || rb->err)
		return FALSE;
	guint old = rb->buf->len;
	g_byte_array_set_size (rb->buf, old + READ_CHUNK);
	ssize_t r = rb->m ? member_read (rb->m, rb->buf->data + old, READ_CHUNK)
		: rd (rb->ing, rb->as, rb->buf->data + old, READ_CHUNK);
	g_byte_array_set_size (rb->buf, old + (r > 0 ? r : 0));
	if (r == 0)
		rb->eof = TRUE;
	else if (r < 0) {
		rb->err = (int) r;
		rb->eof = TRUE;
	}
	return r > 0;
}

static gboolean
is_blank_before (const guint8 *d, size_t from, size_t pos, size_t *seplen)
{
	/* The line ending just before POS is an empty line. */
	if (pos >= from + 1 && d[pos - 1] == '\n') {
		if (pos == from + 1) {
			*seplen = 1;
			return TRUE;
		}
		if (d[pos - 2] == '\n') {
			*seplen = 1;
			return TRUE;
		}
		if (d[pos - 2] == '\r' && (pos == from + 2 || d[pos - 3] == '\n')) {
			*seplen = 2;
			return TRUE;
		}
	}
	return FALSE;
}

static int64_t
header_content_length (const guint8 *d, size_t from, size_t to)
{
	size_t p = from;
	while (p < to) {
		const guint8 *q = memchr (d + p, '\n', to - p);
		size_t e = q ? (size_t) (q - d) : to;
		if (e - p > 15 && g_ascii_strncasecmp ((const char *) d + p, "Content-Length:", 15) == 0) {
			const char *v = (const char *) d + p + 15;
			while (*v == ' ' || *v == '\t')
				v++;
			if (!g_ascii_isdigit (*v))
				return -1;
			char *end;
			guint64 n = g_ascii_strtoull (v, &end, 10);
			return n > (1ULL << 40) ? -1 : (int64_t) n;
		}
		p = e + 1;
	}
	return -1;
}

/* Emit the copy [start, end) of RB, or the flagged record of an oversized one. */
static void
emit (rdbuf_t *rb, size_t start, size_t end, size_t from_at, size_t from_len, gboolean mbox,
      const char *split, const char *warn)
{
	wb_ingest_t *ing = rb->ing;
	if (end < start)
		end = start;
	add_copy (ing, rb->s, (const char *) rb->buf->data + start, end - start, rb->base + start,
		  mbox ? (const char *) rb->buf->data + from_at : NULL, from_len,
		  mbox ? split : "whole", warn);
}

static void
flag_oversize (rdbuf_t *rb, uint64_t offset, uint64_t size, EVP_MD_CTX *ctx)
{
	wb_ingest_t *ing = rb->ing;
	unsigned char md[32];
	char hex[65];
	EVP_DigestFinal_ex (ctx, md, NULL);
	wb_digest_hex (md, hex);
	char *name = g_strdup_printf ("message at offset %" G_GUINT64_FORMAT, offset);
	char *chain = g_strdup_printf ("%s@%" G_GUINT64_FORMAT, rb->s->chain, offset);
	src_t *f = src_new (ing, rb->s, name, chain);
	f->format = "message";
	src_mark (ing, f, "flagged", "message over size limit (%" G_GUINT64_FORMAT " bytes, limit %"
		  G_GUINT64_FORMAT ")", size, ing->o.max_message);
	src_push (ing, f, IT_SOURCE_BEGIN, size, hex);
	ing->st.flagged++;
	src_free (f);
	g_free (name);
	g_free (chain);
}

/* Split a plain stream (already started in RB) into copies.  MBOX: the
 * stream begins with a From_ line; else it is one message. */
static void
split_stream (rdbuf_t *rb, gboolean mbox)
{
	wb_ingest_t *ing = rb->ing;
	GByteArray *b = rb->buf;
	size_t mstart = 0;           /* From_ line of the current message */
	size_t body = 0;             /* first byte of the message */
	size_t from_len = 0;         /* From_ line without its line end */
	size_t pos = 0;              /* next line to look at */
	gboolean hdr_done = FALSE;
	int64_t cl_end = -1;         /* stream offset where Content-Length says the body ends */
	const char *split = "mbox-from";
	wb_from_style_t style = WB_FROM_NONE;  /* the form of the file's first From_ line */
	/* oversize: bytes are hashed and dropped instead of kept */
	gboolean over = FALSE;
	EVP_MD_CTX *ctx = NULL;
	uint64_t over_off = 0, over_size = 0;
	size_t hashed = 0;           /* index up to which an oversized copy was hashed */
	/* Bytes before this index (from pos on) are known to hold no '\n': a
	 * long line is searched once, not again after every fill.  Without it
	 * a line of N bytes cost N^2 / 64 KiB (a 10 MB header took 45 s under
	 * ASan: gen-hostile.py bigheader.eml). */
	size_t no_nl = 0;

	if (mbox) {
		for (;;) {
			const guint8 *q = memchr (b->data, '\n', b->len);
			if (q || !fill (rb)) {
				size_t e = q ? (size_t) (q - b->data) : b->len;
				from_len = e;
				if (from_len && b->data[from_len - 1] == '\r')
					from_len--;
				body = pos = q ? e + 1 : e;
				break;
			}
		}
		style = wb_ingest_from_style ((const char *) b->data, from_len);
	}

	for (;;) {
		if (ing->fatal)
			break;
		size_t from = MAX (pos, no_nl);
		const guint8 *q = from < b->len ? memchr (b->data + from, '\n', b->len - from) : NULL;
		size_t eol;
		if (q) {
			eol = (size_t) (q - b->data) + 1;
		} else if (!rb->eof) {
			no_nl = b->len;
			/* Compact: drop what is before the current message. */
			size_t keep = over ? MIN (pos, hashed) : mstart;
			if (over && pos > hashed + 2) {
				EVP_DigestUpdate (ctx, b->data + hashed, pos - 2 - hashed);
				hashed = pos - 2;
				keep = hashed;
			}
			if (keep > (1u << 20) && keep > b->len / 2) {
				g_byte_array_remove_range (b, 0, keep);
				rb->base += keep;
				mstart -= MIN (mstart, keep);
				body -= MIN (body, keep);
				pos -= keep;
				hashed -= MIN (hashed, keep);
				no_nl -= MIN (no_nl, keep);
			}
			fill (rb);
			continue;
		} else {
			eol = b->len;
			if (pos >= eol)
				break;
		}
		size_t llen = eol - pos;
		size_t sep = 0;
		if (mbox && pos > body && llen >= 5 && memcmp (b->data + pos, "From ", 5) == 0) {
			size_t fl = llen;
			while (fl && (b->data[pos + fl - 1] == '\n' || b->data[pos + fl - 1] == '\r'))
				fl--;
			wb_from_style_t ls = wb_ingest_from_style ((const char *) b->data + pos, fl);
			if (!is_blank_before (b->data, body, pos, &sep))
				sep = 0;
			gboolean boundary = FALSE;
			if (ls != WB_FROM_NONE && !over && cl_end >= 0 &&
			    (int64_t) (rb->base + pos) == cl_end) {
				/* The Content-Length ends the body right here: mboxcl2
				 * writers need no blank line before the next From_, and
				 * an empty line before it is the body's own. */
				boundary = TRUE;
				sep = 0;
				split = "mboxcl-length";
			} else if (style != WB_FROM_NONE ? ls == style : sep && ls == WB_FROM_CTIME) {
				/* A From_ line of the file's own form starts a message,
				 * after a blank line or not (RFC 4155 asks for one; not
				 * every writer adds it).  A file whose first line has no
				 * date splits as before: ctime's form after a blank line. */
				boundary = TRUE;
				if (cl_end >= 0 && (int64_t) (rb->base + pos) < cl_end && !over) {
					/* Content-Length says the body goes on.  Believe it only if
					 * it ends where a next message (or the file) begins. */
					size_t ce = (size_t) (cl_end - (int64_t) rb->base);
					while (b->len < ce + 2048 && fill (rb))
						;
					gboolean ok = FALSE;
					if (ce >= b->len) {
						ok = ce == b->len && rb->eof && !rb->err;
					} else {
						size_t s2 = ce;
						while (s2 < b->len && (b->data[s2] == '\n' || b->data[s2] == '\r') && s2 < ce + 2)
							s2++;
						const guint8 *e2 = memchr (b->data + s2, '\n', b->len - s2);
						size_t l2 = e2 ? (size_t) (e2 - b->data) - s2 : b->len - s2;
						if (l2 && b->data[s2 + l2 - 1] == '\r')
							l2--;
						ok = (s2 > ce || (ce > 0 && b->data[ce - 1] == '\n')) &&
							wb_ingest_is_from_line ((const char *) b->data + s2, l2);
						if (s2 == b->len && rb->eof && !rb->err)
							ok = TRUE;
					}
					if (ok) {
						/* The next From_ line at or after cl_end ends it. */
						split = "mboxcl-length";
						pos = ce;
						continue;
					}
				}
			}
			if (boundary) {
				if (over) {
					if (pos - sep > hashed)
						EVP_DigestUpdate (ctx, b->data + hashed, pos - sep - hashed);
					over_size = rb->base + pos - sep - over_off;
					flag_oversize (rb, over_off, over_size, ctx);
					EVP_MD_CTX_free (ctx);
					ctx = NULL;
					over = FALSE;
				} else {
					emit (rb, body, pos - sep, mstart, from_len, TRUE, split, NULL);
				}
				mstart = pos;
				from_len = fl;
				body = pos = eol;
				hdr_done = FALSE;
				cl_end = -1;
				split = "mbox-from";
				continue;
			}
		}
		if (!hdr_done && ((llen == 1 && b->data[pos] == '\n') ||
				  (llen == 2 && b->data[pos] == '\r' && b->data[pos + 1] == '\n'))) {
			hdr_done = TRUE;
			if (mbox) {
				int64_t n = header_content_length (b->data, body, pos);
				if (n >= 0)
					cl_end = (int64_t) (rb->base + eol) + n;
			}
		}
		pos = eol;
		if (!over && pos - body > ing->o.max_message) {
			over = TRUE;
			over_off = rb->base + body;
			ctx = EVP_MD_CTX_new ();
			EVP_DigestInit_ex (ctx, wb_sha256_md (), NULL);
			hashed = body;
		}
	}

	if (!ing->fatal) {
		const char *warn = rb->err ? "truncated" : NULL;
		/* RFC 4155: every message of an mbox, the last one too, is ended
		 * by an empty line that is not part of it (Python's mailbox drops
		 * it as well), unless a Content-Length ending at the end of the
		 * file says the message holds it. */
		size_t end = b->len, sep;
		if (mbox && !rb->err && end > body && is_blank_before (b->data, body, end, &sep) &&
		    !(cl_end >= 0 && (int64_t) (rb->base + end) == cl_end))
			end -= sep;
		if (over) {
			if (end > hashed)
				EVP_DigestUpdate (ctx, b->data + hashed, end - hashed);
			flag_oversize (rb, over_off, rb->base + end - over_off, ctx);
		} else {
			emit (rb, body, end, mstart, from_len, mbox, split, warn);
		}
	}
	if (ctx)
		EVP_MD_CTX_free (ctx);
}

/* A plain (non-archive) stream: sniff, split or count as not mail.  Reads
 * the whole stream so that the guard sees every byte. */
static void
handle_plain (wb_ingest_t *ing, arch_t *as, src_t *s, member_t *m, const void *prefix, size_t plen)
{
	/* Without AS and M, PREFIX is the whole stream (a member held in memory). */
	rdbuf_t rb = { ing, as, s, g_byte_array_sized_new (MAX (plen, 2 * READ_CHUNK)), 0, !as && !m, 0, m };
	if (plen)
		g_byte_array_append (rb.buf, prefix, plen);
	while (rb.buf->len < 8192 && fill (&rb))
		;
	int kind = wb_ingest_sniff_part ((const char *) rb.buf->data, rb.buf->len, rb.eof);
	if (rb.err == -1 && !ing->fatal)
		src_mark (ing, s, "flagged", "%s: %s", damage_kind (read_error (as)), read_error (as));
	if (kind == 0) {
		if (!s->format)
			s->format = rb.buf->len == 0 ? "empty"
				: memchr (rb.buf->data, 0, MIN (rb.buf->len, 8192)) ? "binary" : "text";
		if (!s->role || strcmp (s->role, "flagged") != 0)
			src_mark (ing, s, "not-mail", "%s", rb.buf->len == 0 ? "empty"
				  : strcmp (s->format, "binary") == 0 ? "binary data"
				  : "no mail headers");
		/* Read through to the end (the guard watches it). */
		while (!rb.err && !rb.eof) {
			g_byte_array_set_size (rb.buf, 0);
			fill (&rb);
		}
	} else {
		s->format = kind == 2 ? "mbox" : "message";
		s->role = kind == 2 ? "mailbox" : "message";
		split_stream (&rb, kind == 2);
		if (s->messages > 0 && strcmp (s->role, "mailbox") == 0 && s->messages == 1)
			s->role = "message";
	}
	if (rb.err == -2)
		src_mark (ing, s, "flagged", "%s", as->guard);
	else if (rb.err == -1 && !ing->fatal)
		src_mark (ing, s, "flagged", "%s: %s", damage_kind (read_error (as)), read_error (as));
	g_byte_array_free (rb.buf, TRUE);
}

/* ---------------------------------------------------------- archives */

static struct archive *
archive_new (gboolean raw_only)
{
	struct archive *a = archive_read_new ();
	archive_read_support_filter_all (a);
	if (!raw_only) {
		archive_read_support_format_tar (a);
		archive_read_support_format_zip (a);
		archive_read_support_format_7zip (a);
		archive_read_support_format_cpio (a);
	}
	archive_read_support_format_raw (a);
	return a;
}

static char *
filter_names (struct archive *a)
{
	int n = archive_filter_count (a);
	GString *s = g_string_new (NULL);
	/* Filter 0 is the innermost; list outermost first, without "none". */
	for (int i = n - 1; i >= 0; i--) {
		const char *name = archive_filter_name (a, i);
		if (!name || strcmp (name, "none") == 0)
			continue;
		if (s->len)
			g_string_append_c (s, ',');
		g_string_append (s, name);
	}
	return g_string_free (s, s->len == 0);
}

static const char *
format_name (struct archive *a)
{
	switch (archive_format (a) & ARCHIVE_FORMAT_BASE_MASK) {
	case ARCHIVE_FORMAT_TAR: return "tar";
	case ARCHIVE_FORMAT_ZIP: return "zip";
	case ARCHIVE_FORMAT_7ZIP: return "7z";
	case ARCHIVE_FORMAT_CPIO: return "cpio";
	default: return "archive";
	}
}

static void process_archive (wb_ingest_t *ing, arch_t *as, src_t *s);

/* Whether data starts like something libarchive must unpack: a compressed
 * stream or an archive.  Anything else is read as plain data. */
static gboolean
looks_packed (const char *d, size_t n)
{
	static const struct { const char *magic; size_t len; size_t at; } magics[] = {
		{ "\x1f\x8b", 2, 0 }, { "\x1f\x9d", 2, 0 }, { "BZh", 3, 0 },
		{ "\xfd" "7zXZ\0", 6, 0 }, { "\x28\xb5\x2f\xfd", 4, 0 }, { "\x5d\0\0", 3, 0 },
		{ "\x04\x22\x4d\x18", 4, 0 }, { "LZIP", 4, 0 }, { "\x89LZO", 4, 0 },
		{ "PK\x03\x04", 4, 0 }, { "PK\x05\x06", 4, 0 }, { "PK\x07\x08", 4, 0 },
		{ "7z\xbc\xaf\x27\x1c", 6, 0 }, { "070707", 6, 0 }, { "070701", 6, 0 },
		{ "070702", 6, 0 }, { "\xc7\x71", 2, 0 }, { "\x71\xc7", 2, 0 },
		{ "ustar", 5, 257 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (magics); i++)
		if (n >= magics[i].at + magics[i].len &&
		    memcmp (d + magics[i].at, magics[i].magic, magics[i].len) == 0)
			return TRUE;
	/* An old (v7) tar header has no magic: a valid checksum says tar. */
	if (n >= 512 && memchr (d, '\n', 100) == NULL) {
		unsigned sum = 0;
		for (int i = 0; i < 512; i++)
			sum += (i >= 148 && i < 156) ? ' ' : (unsigned char) d[i];
		char field[9];
		memcpy (field, d + 148, 8);
		field[8] = 0;
		char *end;
		unsigned long want = strtoul (field, &end, 8);
		if (end != field && want == sum)
			return TRUE;
	}
	return FALSE;
}

static la_ssize_t
member_cb (struct archive *a, void *data, const void **out)
{
	member_t *m = data;
	*out = m->buf;
	if (m->replay) {
		size_t n = m->replay;
		m->replay = 0;
		return n;
	}
	ssize_t r = member_read (m, m->buf, READ_CHUNK);
	if (r < 0) {
		archive_set_error (a, EIO, "%s", r == -2 ? m->parent->guard : read_error (m->parent));
		return -1;
	}
	return r;
}

/* ------------------------------------------- what a container remembers */

/* Bytes of Maildir tmp/ members held per container until a cur/ or new/
 * beside them, or the container's end, says what they are. */
#define TMP_HOLD_MAX (16u << 20)

/* A member whose outcome waits for a later member: a tmp/ file (HELD_TMP),
 * or a hard link whose data comes later or never (HELD_LINK). */
enum { HELD_TMP, HELD_LINK };
typedef struct {
	int kind;
	src_t *s;
	char *key;               /* HELD_TMP: the folder X of X/tmp/F; HELD_LINK: the name
				  * of the file it is a link of */
	GByteArray *data;        /* HELD_TMP: the member's bytes */
	char hex[65];
	int64_t size;
} held_t;

/* A member read, for the hard links that name it: by the 64-bit hash of
 * its name (the name itself is checked in the case when a link names it),
 * so a container of a million members costs some 70 MB with the table. */
typedef struct {
	guint64 key;
	int64_t id;
	const char *role, *format;
} named_t;

typedef struct {
	GHashTable *maildirs;    /* X (owned) -> itself: X/cur/ or X/new/ seen */
	GQueue held;             /* held_t *, in member order */
	size_t held_bytes;
	GHashTable *names;       /* &named_t.key -> named_t */
	gboolean cpio;
} cont_t;

static guint64
name_key (const char *name)
{
	guint64 h = 14695981039346656037ULL;   /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *) name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

/* maildir(5): X/tmp/F is a delivery in progress only if X has cur/ or
 * new/ too; the folder walker and archives read it alike.  X of a member
 * named X/tmp/F (X may be empty: an archive made inside the Maildir), or
 * NULL. */
static char *
maildir_tmp_folder (const char *name)
{
	const char *slash = strrchr (name, '/');
	if (!slash || !slash[1])
		return NULL;
	size_t dl = (size_t) (slash - name);
	if (dl < 3 || memcmp (slash - 3, "tmp", 3) != 0 || (dl > 3 && slash[-4] != '/'))
		return NULL;
	return g_strndup (name, dl >= 4 ? dl - 4 : 0);
}

static void held_free (held_t *h);
static void member_end (wb_ingest_t *ing, cont_t *c, src_t *s, const char *hex, int64_t size,
			const char *alias);

static void
held_skip_tmp (wb_ingest_t *ing, cont_t *c, held_t *h)
{
	h->s->format = "maildir";
	src_mark (ing, h->s, "skipped", "Maildir tmp/ (delivery in progress)");
	ing->st.skipped_members++;
	member_end (ing, c, h->s, h->hex, h->size, NULL);
}

/* NAME (a member or a folder, DIR) is in the container: a cur/ or new/
 * makes its parent a Maildir, and decides the tmp/ members held for it. */
static void
cont_note (wb_ingest_t *ing, cont_t *c, const char *name, gboolean dir)
{
	size_t n = strlen (name);
	while (n && name[n - 1] == '/')
		n--;
	/* The folder holding NAME, or NAME itself for a folder. */
	size_t end = n;
	if (!dir) {
		while (end && name[end - 1] != '/')
			end--;
		if (!end)
			return;
		end--;
	}
	if (end < 3)
		return;
	const char *last = name + end - 3;
	if ((memcmp (last, "cur", 3) && memcmp (last, "new", 3)) || (end > 3 && last[-1] != '/'))
		return;
	char *x = g_strndup (name, end > 3 ? end - 4 : 0);
	if (g_hash_table_contains (c->maildirs, x)) {
		g_free (x);
		return;
	}
	g_hash_table_add (c->maildirs, x);
	for (GList *l = c->held.head; l;) {
		GList *next = l->next;
		held_t *h = l->data;
		if (h->kind == HELD_TMP && strcmp (h->key, x) == 0) {
			g_queue_delete_link (&c->held, l);
			c->held_bytes -= h->data->len;
			held_skip_tmp (ing, c, h);
			held_free (h);
			next = c->held.head;   /* member_end may have changed the queue */
		}
		l = next;
	}
}

/* Copy the copies stored for source FROM (a member read before) to S, a
 * hard link of it: each name is a location, and a copy for the trap its
 * path names.  The bytes are read back from the case, one copy at a time,
 * with the writer idle (drained) and so on the same open transaction. */
static void
copy_from_source (wb_ingest_t *ing, src_t *s, int64_t from)
{
	typedef struct { int64_t raw; uint64_t offset; char *from_line; const char *split; } loc_t;
	flush_batch (ing);
	drain (ing);
	if (ing->failed || ing->fatal)
		return;
	GArray *locs = g_array_new (FALSE, FALSE, sizeof (loc_t));
	sqlite3_stmt *st = wb_case_stmt (ing->cs,
		"SELECT l.raw_id, l.offset, l.from_line, l.split FROM locations l"
		" WHERE l.source_id = ? ORDER BY l.offset");
	int rc = SQLITE_ERROR;
	if (st) {
		sqlite3_bind_int64 (st, 1, from);
		while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
			const char *fl = (const char *) sqlite3_column_text (st, 2);
			const char *sp = (const char *) sqlite3_column_text (st, 3);
			loc_t l = { sqlite3_column_int64 (st, 0), (uint64_t) sqlite3_column_int64 (st, 1),
				    fl ? g_strdup (fl) : NULL, g_intern_string (sp ? sp : "whole") };
			g_array_append_val (locs, l);
		}
		sqlite3_reset (st);
	}
	for (guint i = 0; i < locs->len && rc == SQLITE_DONE && !ing->fatal; i++) {
		loc_t *l = &g_array_index (locs, loc_t, i);
		drain (ing);   /* add_copy may have handed a batch to the writer */
		st = wb_case_stmt (ing->cs, "SELECT bytes FROM raw WHERE id = ?");
		if (!st) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_bind_int64 (st, 1, l->raw);
		char *buf = NULL;
		size_t len = 0;
		if ((rc = sqlite3_step (st)) == SQLITE_ROW) {
			len = sqlite3_column_bytes (st, 0);
			buf = g_malloc (len + 1);
			if (len)
				memcpy (buf, sqlite3_column_blob (st, 0), len);
			rc = SQLITE_DONE;
		} else {
			rc = SQLITE_ERROR;
		}
		sqlite3_reset (st);
		if (buf)
			add_copy (ing, s, buf, len, l->offset, l->from_line,
				  l->from_line ? strlen (l->from_line) : 0, l->split, NULL);
		g_free (buf);
	}
	if (rc != SQLITE_DONE && !ing->fatal)
		src_mark (ing, s, "flagged", "hard link: cannot read its copies back from the case: %s",
			  sqlite3_errmsg (wb_case_db (ing->cs)));
	for (guint i = 0; i < locs->len; i++)
		g_free (g_array_index (locs, loc_t, i).from_line);
	g_array_free (locs, TRUE);
}

/* S is a hard link of the member named TARGET, whose copies are in
 * source T: take them, or say why there are none. */
static void
link_resolve (wb_ingest_t *ing, src_t *s, const named_t *t, const char *target, const char *data_name)
{
	const char *what = data_name ? data_name : target;
	s->format = t->format;
	if (strcmp (t->role, "message") && strcmp (t->role, "mailbox")) {
		/* Not mail, or a container whose members are recorded under the
		 * name that held its data: nothing to copy. */
		ing->st.skipped_members += strcmp (t->role, "not-mail") != 0;
		src_mark (ing, s, strcmp (t->role, "not-mail") ? "skipped" : "not-mail",
			  "hard link to '%s' (%s): read under that name", what, t->role);
		return;
	}
	copy_from_source (ing, s, t->id);
	if (s->role && strcmp (s->role, "flagged") == 0)
		return;
	s->role = t->role;
	g_free (s->reason);
	s->reason = data_name ? g_strdup_printf ("hard link: its data came with '%s'", data_name)
		: g_strdup_printf ("hard link to '%s'", target);
}

/* The member named NAME whose source row is ID: in the case, so that
 * a 64-bit hash that matched is checked against the name. */
static gboolean
source_named (wb_ingest_t *ing, int64_t id, const char *name)
{
	sqlite3_stmt *st = wb_case_stmt (ing->cs, "SELECT name = ? FROM sources WHERE id = ?");
	if (!st)
		return FALSE;
	sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64 (st, 2, id);
	gboolean ok = sqlite3_step (st) == SQLITE_ROW && sqlite3_column_int (st, 0);
	sqlite3_reset (st);
	return ok;
}

static const named_t *
cont_lookup (wb_ingest_t *ing, cont_t *c, const char *name)
{
	guint64 k = name_key (name);
	const named_t *t = g_hash_table_lookup (c->names, &k);
	if (!t)
		return NULL;
	flush_batch (ing);
	drain (ing);   /* its source row is written */
	return source_named (ing, t->id, name) ? t : NULL;
}

/* S (finished, with copies) is known by NAME from now on; hard links held
 * for NAME take its copies.  DATA_NAME: S's own name when NAME is another
 * name of it (cpio gives the data with a file's last name). */
static void
cont_name (wb_ingest_t *ing, cont_t *c, src_t *s, const char *name, const char *data_name)
{
	named_t *t = g_new (named_t, 1);
	t->key = name_key (name);
	t->id = s->id;
	t->role = s->role;
	t->format = s->format;
	g_hash_table_replace (c->names, &t->key, t);
	for (GList *l = c->held.head; l;) {
		GList *next = l->next;
		held_t *h = l->data;
		if (h->kind == HELD_LINK && strcmp (h->key, name) == 0) {
			g_queue_delete_link (&c->held, l);
			link_resolve (ing, h->s, t, name,
				      data_name && strcmp (h->s->name, name) == 0 ? data_name : NULL);
			member_end (ing, c, h->s, NULL, -1, NULL);
			held_free (h);
			next = c->held.head;   /* member_end may have changed the queue */
		}
		l = next;
	}
}

/* The end of member S: counts, its source row, and its name for hard
 * links (and ALIAS, the name it is a hard link of, if any). */
static void
member_end (wb_ingest_t *ing, cont_t *c, src_t *s, const char *hex, int64_t size, const char *alias)
{
	if (s->role && strcmp (s->role, "flagged") == 0)
		ing->st.flagged++;
	else if (s->role && strcmp (s->role, "not-mail") == 0)
		ing->st.not_mail++;
	if (!s->format)
		s->format = "unknown";
	if (!s->role)
		s->role = "not-mail";
	src_push (ing, s, IT_SOURCE_END, size, hex);
	/* A link of a link names the first: links are never targets. */
	if (c && !ing->fatal && strcmp (s->format, "hardlink") != 0 && (!s->reason ||
	    strncmp (s->reason, "hard link", 9) != 0)) {
		cont_name (ing, c, s, s->name, NULL);
		if (alias)
			cont_name (ing, c, s, alias, s->name);
	}
}

static void
held_free (held_t *h)
{
	if (!h)
		return;
	src_free (h->s);
	g_free (h->key);
	if (h->data)
		g_byte_array_free (h->data, TRUE);
	g_free (h);
}

/* A tmp/ member held to the container's end with no cur/ or new/ beside
 * it: not a Maildir's tmp/, so a file like any other. */
static void
held_read_tmp (wb_ingest_t *ing, cont_t *c, held_t *h)
{
	src_t *s = h->s;
	const char *d = (const char *) h->data->data;
	size_t n = h->data->len;
	if (n == 0) {
		s->format = "empty";
		src_mark (ing, s, "not-mail", "empty");
	} else if (looks_packed (d, n)) {
		struct archive *b = archive_new (FALSE);
		archive_read_open_memory (b, d, n);
		arch_t child = { b, 0, NULL };
		process_archive (ing, &child, s);
		archive_read_free (b);
	} else {
		handle_plain (ing, NULL, s, NULL, d, n);
	}
	if (s->role && (!strcmp (s->role, "message") || !strcmp (s->role, "mailbox") ||
			!strcmp (s->role, "container"))) {
		g_free (s->reason);
		s->reason = g_strdup ("read: no cur/ or new/ beside tmp/ (not a Maildir)");
	}
	member_end (ing, c, s, h->hex, h->size, NULL);
}

/* The container's end: what is still held is decided. */
static void
cont_end (wb_ingest_t *ing, cont_t *c)
{
	held_t *h;
	while ((h = g_queue_pop_head (&c->held))) {
		if (ing->fatal) {
			held_free (h);
			continue;
		}
		if (h->kind == HELD_TMP) {
			c->held_bytes -= h->data->len;
			held_read_tmp (ing, c, h);
		} else if (strcmp (h->s->name, h->key) == 0) {
			/* cpio's first name of a hard-linked file, size 0: no later
			 * name brought the data, so the file was empty. */
			h->s->format = "empty";
			src_mark (ing, h->s, "not-mail", "empty (hard-linked: no other name of it holds data)");
			member_end (ing, c, h->s, NULL, -1, NULL);
		} else {
			h->s->format = "hardlink";
			src_mark (ing, h->s, "flagged", "hard link to '%s': no member of the archive holds its data",
				  h->key);
			member_end (ing, c, h->s, NULL, -1, NULL);
		}
		held_free (h);
	}
	g_hash_table_destroy (c->maildirs);
	g_hash_table_destroy (c->names);
}

/* Read the current entry E of the archive AS as the member source. */
static void
handle_member (wb_ingest_t *ing, arch_t *as, struct archive_entry *e, src_t *parent, cont_t *c)
{
	const char *raw_name = archive_entry_pathname_utf8 (e);
	if (!raw_name)
		raw_name = archive_entry_pathname (e);
	char *name = escape_name (raw_name ? raw_name : "");
	char *chain = g_strdup_printf ("%s!%s", parent->chain, name);
	src_t *s = src_new (ing, parent, name, chain);
	mode_t type = archive_entry_filetype (e);
	member_t m = { ing, as, EVP_MD_CTX_new (), 0, g_malloc (READ_CHUNK), 0, 0 };
	EVP_DigestInit_ex (m.ctx, wb_sha256_md (), NULL);
	gboolean hashed = FALSE;
	struct archive *b = NULL;
	GByteArray *mem = NULL;
	char *tmp_x = NULL;
	const char *raw_link = archive_entry_hardlink_utf8 (e);
	if (!raw_link)
		raw_link = archive_entry_hardlink (e);
	char *link = raw_link ? escape_name (raw_link) : NULL;
	gboolean has_data = archive_entry_size_is_set (e) && archive_entry_size (e) > 0;

	src_push (ing, s, IT_SOURCE_BEGIN, -1, NULL);
	cont_note (ing, c, name, FALSE);
	/* A hard link: another name of a file.  In a tar its data came with
	 * the first name; in a cpio (newc) with the last, and the names before
	 * it are size 0 (the first without a link name).  Links wait for the
	 * name that holds the data when it is still to come. */
	if (link && !has_data) {
		const named_t *t = cont_lookup (ing, c, link);
		if (t) {
			link_resolve (ing, s, t, link, NULL);
		} else {
			held_t *h = g_new0 (held_t, 1);
			h->kind = HELD_LINK;
			h->s = s;
			h->key = g_strdup (link);
			g_queue_push_tail (&c->held, h);
			s = NULL;
		}
		goto done;
	}
	if (c->cpio && type == AE_IFREG && !link && !has_data && archive_entry_nlink (e) > 1) {
		held_t *h = g_new0 (held_t, 1);
		h->kind = HELD_LINK;
		h->s = s;
		h->key = g_strdup (name);
		g_queue_push_tail (&c->held, h);
		s = NULL;
		goto done;
	}
	if (type != AE_IFREG) {
		s->format = "special";
		src_mark (ing, s, "skipped", "not a regular file");
		ing->st.skipped_members++;
		goto done;
	}
	if (archive_entry_is_encrypted (e)) {
		s->format = "encrypted";
		src_mark (ing, s, "flagged", "encrypted member");
		goto done;
	}
	tmp_x = maildir_tmp_folder (name);
	if (tmp_x && g_hash_table_contains (c->maildirs, tmp_x)) {
		s->format = "maildir";
		src_mark (ing, s, "skipped", "Maildir tmp/ (delivery in progress)");
		ing->st.skipped_members++;
		hashed = TRUE;
		goto drain;
	}
	hashed = TRUE;
	if (tmp_x) {
		/* X/tmp/F before any X/cur/ or X/new/: held (up to TMP_HOLD_MAX
		 * for the container) until one shows up or the container ends. */
		mem = g_byte_array_new ();
		ssize_t r = 1;
		while (c->held_bytes + mem->len <= TMP_HOLD_MAX && (r = member_read (&m, m.buf, READ_CHUNK)) > 0)
			g_byte_array_append (mem, (guint8 *) m.buf, r);
		if (r < 0)
			goto drain;
		if (r == 0) {
			held_t *h = g_new0 (held_t, 1);
			h->kind = HELD_TMP;
			h->s = s;
			h->key = tmp_x;
			h->data = mem;
			h->size = (int64_t) m.size;
			unsigned char md[32];
			EVP_DigestFinal_ex (m.ctx, md, NULL);
			wb_digest_hex (md, h->hex);
			c->held_bytes += mem->len;
			g_queue_push_tail (&c->held, h);
			s = NULL;
			tmp_x = NULL;
			mem = NULL;
			goto done;
		}
		/* Too much held: read it now, as if no cur/ or new/ were to come,
		 * and say so. */
		handle_plain (ing, as, s, &m, mem->data, mem->len);
		src_mark (ing, s, "flagged", "Maildir tmp/ not decided (over %u MiB of tmp/ held before"
			  " a cur/ or new/ beside it): read as delivered", TMP_HOLD_MAX >> 20);
		goto drain;
	}
	/* Peek: a 7z inside a container needs seeking, so it is held in memory. */
	ssize_t r = member_read (&m, m.buf, READ_CHUNK);
	if (r < 0)
		goto drain;
	if (r == 0) {
		s->format = "empty";
		src_mark (ing, s, "not-mail", "empty");
		goto drain;
	}
	if (!looks_packed (m.buf, r)) {
		/* Plain data (most members: a Maildir file, an mbox): read it
		 * straight from the container, without a reader of its own. */
		handle_plain (ing, as, s, &m, m.buf, r);
		goto drain;
	}
	m.replay = r;
	b = archive_new (FALSE);
	if (r >= 6 && memcmp (m.buf, "7z\xBC\xAF\x27\x1C", 6) == 0) {
		mem = g_byte_array_new ();
		g_byte_array_append (mem, (guint8 *) m.buf, r);
		m.replay = 0;
		while ((r = member_read (&m, m.buf, READ_CHUNK)) > 0 && mem->len <= ing->o.max_message)
			g_byte_array_append (mem, (guint8 *) m.buf, r);
		if (r < 0)
			goto drain;
		if (mem->len > ing->o.max_message) {
			s->format = "7z";
			src_mark (ing, s, "flagged", "7z member over size limit (held in memory to be read)");
			goto drain;
		}
		archive_read_open_memory (b, mem->data, mem->len);
	} else {
		archive_read_open2 (b, &m, NULL, member_cb, NULL, NULL);
	}
	arch_t child = { b, 0, NULL };
	process_archive (ing, &child, s);

drain:
	/* The rest of the member, for its hash and size (and the guard). */
	while (!ing->fatal && member_read (&m, m.buf, READ_CHUNK) > 0)
		;
	if (m.err == -2 && !ing->fatal) {
		src_mark (ing, s, "flagged", "%s", as->guard);
		src_mark (ing, parent, "flagged", "%s", as->guard);
	} else if (m.err == -1 && !ing->fatal) {
		/* The member's data is damaged; if the container is too, its
		 * next header fails and flags it. */
		const char *err = read_error (as);
		src_mark (ing, s, "flagged", "%s: %s", damage_kind (err), err);
	}

done:
	if (s) {
		char hex[65] = "";
		if (hashed && !m.err) {
			unsigned char md[32];
			EVP_DigestFinal_ex (m.ctx, md, NULL);
			wb_digest_hex (md, hex);
		}
		member_end (ing, c, s, hex, hashed && !m.err ? (int64_t) m.size : -1, has_data ? link : NULL);
	}
	g_free (tmp_x);
	g_free (link);
	if (b)
		archive_read_free (b);
	if (mem)
		g_byte_array_free (mem, TRUE);
	EVP_MD_CTX_free (m.ctx);
	g_free (m.buf);
	src_free (s);
	g_free (name);
	g_free (chain);
}

/* AS is opened on the bytes of S: a container or a plain (maybe
 * compressed) stream. */
static void
process_archive (wb_ingest_t *ing, arch_t *as, src_t *s)
{
	struct archive_entry *e;
	int r = archive_read_next_header (as->a, &e);
	g_free (s->filters);
	s->filters = filter_names (as->a);
	if (r == ARCHIVE_EOF) {
		/* Nothing, or blocks of zeros that read as an empty tar. */
		gboolean zeros = archive_filter_bytes (as->a, -1) > 0;
		s->format = zeros ? "binary" : "empty";
		src_mark (ing, s, "not-mail", zeros ? "binary data" : "empty");
		return;
	}
	if (r < ARCHIVE_WARN) {
		const char *err = archive_error_string (as->a);
		if (!err)
			err = "unreadable";
		s->format = "unknown";
		src_mark (ing, s, "flagged", "%s: %s", damage_kind (err), err);
		return;
	}
	if ((archive_format (as->a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW) {
		handle_plain (ing, as, s, NULL, NULL, 0);
		return;
	}
	s->format = format_name (as->a);
	s->role = "container";
	if (s->depth >= ing->o.max_depth) {
		src_mark (ing, s, "flagged", "too deep: container nested more than %d levels",
			  ing->o.max_depth);
		return;
	}
	cont_t c = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), G_QUEUE_INIT, 0,
		     g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free),
		     strcmp (s->format, "cpio") == 0 };
	for (;;) {
		if (ing->fatal)
			break;
		if (archive_entry_filetype (e) != AE_IFDIR)
			handle_member (ing, as, e, s, &c);
		else {
			const char *dn = archive_entry_pathname (e);
			char *d = escape_name (dn ? dn : "");
			cont_note (ing, &c, d, TRUE);
			g_free (d);
		}
		if (ing->fatal || (s->reason && strcmp (s->role, "flagged") == 0 && as->guard))
			break;
		r = archive_read_next_header (as->a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			const char *err = archive_error_string (as->a);
			if (!err)
				err = "unreadable";
			src_mark (ing, s, "flagged", "%s: %s", damage_kind (err), err);
			break;
		}
	}
	cont_end (ing, &c);
}

/* --------------------------------------------------------- top level */

static wb_status_t
hash_file (wb_ingest_t *ing, const char *path, char hex[65], uint64_t *size)
{
	int fd = open (path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wb_case_fail (ing->cs, errno == ENOENT ? WB_ERR_NOT_FOUND : WB_ERR_IO,
				     "cannot open '%s': %s", path, g_strerror (errno));
	if (fstat (fd, &ing->top_sb) != 0)
		memset (&ing->top_sb, 0, sizeof ing->top_sb);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
	EVP_DigestInit_ex (ctx, wb_sha256_md (), NULL);
	char *buf = g_malloc (1 << 20);
	ssize_t r;
	*size = 0;
	while ((r = read (fd, buf, 1 << 20)) > 0) {
		EVP_DigestUpdate (ctx, buf, r);
		*size += r;
		if (wb_interrupted)
			break;
	}
	int err = errno;
	close (fd);
	g_free (buf);
	unsigned char md[32];
	EVP_DigestFinal_ex (ctx, md, NULL);
	EVP_MD_CTX_free (ctx);
	if (wb_interrupted)
		return wb_case_fail (ing->cs, WB_ERR_INTERRUPTED, "interrupted");
	if (r < 0)
		return wb_case_fail (ing->cs, WB_ERR_IO, "cannot read '%s': %s", path, g_strerror (err));
	wb_digest_hex (md, hex);
	return WB_OK;
}

/* A top-level file as libarchive reads it, hashed on the way: the file is
 * read once instead of twice.  When the reads did not cover it in order
 * (zip and 7z read their directory at the end, and may skip), the file is
 * hashed on its own afterwards. */
typedef struct {
	int fd;
	char *buf;
	EVP_MD_CTX *md;          /* NULL: no hashing */
	uint64_t hashed;         /* the file's first bytes hashed so far */
	uint64_t pos;            /* the file offset of the next read */
} topfile_t;

static la_ssize_t
top_read (struct archive *a, void *data, const void **out)
{
	topfile_t *t = data;
	ssize_t r;
	do
		r = read (t->fd, t->buf, READ_CHUNK);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		archive_set_error (a, errno, "%s", g_strerror (errno));
		return -1;
	}
	/* The hash covers the file's first HASHED bytes; a read that extends
	 * them is added.  libarchive's bidders look at the end of the file and
	 * read the start again: bytes hashed already are not hashed twice (a
	 * file changed meanwhile is caught by the check after reading), and a
	 * read past the hashed part adds nothing (it is read again in order,
	 * or the file is hashed on its own at the end). */
	if (t->md && t->pos <= t->hashed && t->pos + r > t->hashed) {
		size_t done = t->hashed - t->pos;
		EVP_DigestUpdate (t->md, t->buf + done, r - done);
		t->hashed = t->pos + r;
	}
	t->pos += r;
	*out = t->buf;
	return r;
}

static la_int64_t
top_seek (struct archive *a, void *data, la_int64_t offset, int whence)
{
	topfile_t *t = data;
	off_t r = lseek (t->fd, offset, whence);
	if (r < 0) {
		archive_set_error (a, errno, "%s", g_strerror (errno));
		return ARCHIVE_FATAL;
	}
	t->pos = r;
	return r;
}

/* Open T on FD (the file, opened already; T takes it) or, with FD -1, on
 * PATH, and hand it to libarchive. */
static int
top_open (struct archive *a, topfile_t *t, const char *path, int fd, gboolean hash)
{
	memset (t, 0, sizeof *t);
	t->fd = fd >= 0 ? fd : open (path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		archive_set_error (a, errno, "cannot open '%s': %s", path, g_strerror (errno));
		return ARCHIVE_FATAL;
	}
	t->buf = g_malloc (READ_CHUNK);
	if (hash) {
		t->md = EVP_MD_CTX_new ();
		EVP_DigestInit_ex (t->md, wb_sha256_md (), NULL);
	}
	archive_read_set_read_callback (a, top_read);
	archive_read_set_seek_callback (a, top_seek);
	archive_read_set_callback_data (a, t);
	return archive_read_open1 (a);
}

/* The hash of what T read, if it read the whole file in order, into HEX. */
static gboolean
top_close (topfile_t *t, uint64_t size, char hex[65])
{
	gboolean ok = FALSE;
	if (t->md) {
		unsigned char md[32];
		EVP_DigestFinal_ex (t->md, md, NULL);
		EVP_MD_CTX_free (t->md);
		ok = hex && t->hashed == size;
		if (ok)
			wb_digest_hex (md, hex);
	}
	if (t->fd >= 0)
		close (t->fd);
	g_free (t->buf);
	memset (t, 0, sizeof *t);
	t->fd = -1;
	return ok;
}

static wb_status_t
next_ids (wb_ingest_t *ing)
{
	sqlite3_stmt *st = wb_case_stmt (ing->cs, "SELECT coalesce(max(id), 0) + 1 FROM sources");
	if (!st)
		return WB_ERR_DB;
	if (sqlite3_step (st) != SQLITE_ROW) {
		sqlite3_reset (st);
		return wb_case_fail_db (ing->cs, "cannot read sources");
	}
	ing->next_source_id = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	return WB_OK;
}

static void
push_simple (wb_ingest_t *ing, int kind)
{
	item_t *it = g_new0 (item_t, 1);
	it->kind = kind;
	push (ing, it);
}

/* Wait for the writer; on its failure or an interrupt roll back. */
static wb_status_t
finish_source (wb_ingest_t *ing, src_t *top, const char *custody)
{
	flush_batch (ing);
	if (ing->fatal || wb_interrupted) {
		push_simple (ing, IT_ROLLBACK);
		drain (ing);
	} else {
		item_t *it = g_new0 (item_t, 1);
		it->kind = IT_COMMIT;
		it->id = top->id;
		it->custody = g_strdup (custody);
		ing->committed_ok = FALSE;
		push (ing, it);
		drain (ing);
		if (ing->failed) {
			push_simple (ing, IT_ROLLBACK);
			drain (ing);
		}
	}
	if (ing->failed) {
		wb_case_fail (ing->cs, ing->fail_status, "%s", ing->errmsg ? ing->errmsg : "cannot write case");
		return ing->fail_status ? ing->fail_status : WB_ERR_DB;
	}
	if (wb_interrupted)
		return wb_case_fail (ing->cs, WB_ERR_INTERRUPTED, "interrupted: '%s' was not ingested",
				     top->chain);
	return WB_OK;
}

static wb_status_t
ingest_file (wb_ingest_t *ing, const char *path)
{
	char hex[65] = "";
	uint64_t size = 0;
	wb_status_t rs, hash_rs = WB_OK;
	struct stat sb;
	int fd = open (path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat (fd, &sb) != 0) {
		int err = errno;
		if (fd >= 0)
			close (fd);
		return wb_case_fail (ing->cs, err == ENOENT ? WB_ERR_NOT_FOUND : WB_ERR_IO,
				     "cannot open '%s': %s", path, g_strerror (err));
	}
	/* Resume: a source complete in the case under this name with these
	 * bytes is skipped.  Only a source of the same name and size can be
	 * one, so the file is hashed first only then; otherwise it is hashed
	 * while it is read. */
	sqlite3_stmt *st = wb_case_stmt (ing->cs,
		"SELECT 1 FROM sources WHERE parent_id IS NULL AND complete = 1 AND name = ?"
		" AND size = ? LIMIT 1");
	if (!st)
		return close (fd), WB_ERR_DB;
	sqlite3_bind_text (st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64 (st, 2, sb.st_size);
	int rc = sqlite3_step (st);
	sqlite3_reset (st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return close (fd), wb_case_fail_db (ing->cs, "cannot read sources");
	gboolean hashed = rc == SQLITE_ROW;
	if (hashed) {
		if ((rs = hash_file (ing, path, hex, &size)))
			return close (fd), rs;
		st = wb_case_stmt (ing->cs,
			"SELECT 1 FROM sources WHERE parent_id IS NULL AND complete = 1 AND sha256 = ?"
			" AND name = ? LIMIT 1");
		if (!st)
			return close (fd), WB_ERR_DB;
		sqlite3_bind_text (st, 1, hex, 64, SQLITE_STATIC);
		sqlite3_bind_text (st, 2, path, -1, SQLITE_STATIC);
		rc = sqlite3_step (st);
		sqlite3_reset (st);
		if (rc == SQLITE_ROW) {
			ing->st.skipped++;
			ing->bytes_before += size;
			return close (fd), WB_OK;
		}
	} else {
		ing->top_sb = sb;
		size = sb.st_size;
	}
	if ((rs = next_ids (ing))) {
		close (fd);
		return rs;
	}

	/* The counts as they were before this source: a source rolled back
	 * leaves nothing in the case, so it must leave nothing in the summary
	 * either.  The writer is idle here (the last source was drained). */
	const wb_ingest_stats_t before = ing->st;
	ing->total_out = 0;
	ing->fatal = FALSE;
	push_simple (ing, IT_BEGIN);
	src_t *top = src_new (ing, NULL, path, path);
	uint64_t copies_before = ing->st.copies;
	src_push (ing, top, IT_SOURCE_BEGIN, (int64_t) size, hashed ? hex : NULL);

	struct archive *a = archive_new (FALSE);
	topfile_t tf = { .fd = -1 }, tf2 = { .fd = -1 };
	ing->top = a;
	ing->top_size = size;
	if (size == 0) {
		close (fd);
		top->format = "empty";
		src_mark (ing, top, "not-mail", "empty");
	} else if (top_open (a, &tf, path, fd, !hashed) != ARCHIVE_OK) {
		const char *err = archive_error_string (a);
		top->format = "unknown";
		src_mark (ing, top, "flagged", "%s", err ? err : "cannot open");
	} else {
		arch_t as = { a, 0, NULL };
		process_archive (ing, &as, top);
		if (top->filters && top->format && strcmp (top->format, "binary") == 0) {
			/* Compressed zeros read as an empty tar: read the file again
			 * as a plain stream so that the decompression guard sees it. */
			archive_read_free (a);
			ing->top = a = archive_new (TRUE);
			ing->total_out = 0;
			top->role = NULL;
			top->format = NULL;
			g_clear_pointer (&top->reason, g_free);
			arch_t as2 = { a, 0, NULL };
			if (top_open (a, &tf2, path, -1, FALSE) == ARCHIVE_OK)
				process_archive (ing, &as2, top);
		}
	}
	ing->top = NULL;
	archive_read_free (a);
	top_close (&tf2, 0, NULL);
	gboolean read_hashed = top_close (&tf, size, hashed ? NULL : hex);
	if (!hashed && !read_hashed) {
		/* Not read through in order (or not read at all): hash it now.
		 * A file that changed meanwhile is caught below. */
		struct stat keep = ing->top_sb;
		uint64_t hsize = 0;
		if ((hash_rs = hash_file (ing, path, hex, &hsize))) {
			ing->fatal = TRUE;
			hex[0] = 0;
		}
		ing->top_sb = keep;
	}
	if (top->role && strcmp (top->role, "flagged") == 0)
		ing->st.flagged++;
	else if (top->role && strcmp (top->role, "not-mail") == 0)
		ing->st.not_mail++;
	if (!top->role)
		top->role = "not-mail";
	src_push (ing, top, IT_SOURCE_END, (int64_t) size, hex);

	/* A file written to while it was hashed and read (a mailbox still being
	 * delivered to, a copy in progress) would store copies that are not
	 * the bytes of the SHA-256 recorded for it: roll the source back and
	 * say so.  Any write changes ctime; size, mtime and the inode are
	 * compared too (tests/cli/t-ingest-change.sh). */
	struct stat now;
	gboolean changed = stat (path, &now) != 0 || now.st_ino != ing->top_sb.st_ino ||
		now.st_dev != ing->top_sb.st_dev || now.st_size != ing->top_sb.st_size ||
		now.st_mtim.tv_sec != ing->top_sb.st_mtim.tv_sec ||
		now.st_mtim.tv_nsec != ing->top_sb.st_mtim.tv_nsec ||
		now.st_ctim.tv_sec != ing->top_sb.st_ctim.tv_sec ||
		now.st_ctim.tv_nsec != ing->top_sb.st_ctim.tv_nsec ||
		(uint64_t) now.st_size != size;
	if (changed)
		ing->fatal = TRUE;
	/* messages= counts the copies found in the file and every member of it. */
	char *custody = g_strdup_printf ("path=%s sha256=%s size=%" G_GUINT64_FORMAT
					 " messages=%" G_GUINT64_FORMAT, path, hex, size,
					 ing->st.copies - copies_before);
	char *hash_err = hash_rs ? g_strdup (wb_case_errmsg (ing->cs)) : NULL;
	rs = finish_source (ing, top, custody);
	if (!rs && hash_rs)
		rs = wb_case_fail (ing->cs, hash_rs, "%s", hash_err);
	g_free (hash_err);
	if (!rs && changed)
		rs = wb_case_fail (ing->cs, WB_ERR_IO, "'%s' changed while it was read: not ingested "
				   "(ingest it again once nothing writes to it)", path);
	g_free (custody);
	ing->bytes_before += size;
	ing->top_size = 0;
	if (!rs) {
		ing->st.sources++;
		ing->st.bytes += size;
	} else
		ing->st = before;   /* finish_source drained the writer */
	src_free (top);
	return rs;
}

static int
cmp_str (const void *a, const void *b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A folder named tmp beside cur/ or new/ is a Maildir's tmp/. */
static gboolean
dir_is_maildir_tmp (const char *dir, const char *name)
{
	if (strcmp (name, "tmp") != 0)
		return FALSE;
	char *cur = g_build_filename (dir, "cur", NULL);
	char *nw = g_build_filename (dir, "new", NULL);
	gboolean r = g_file_test (cur, G_FILE_TEST_IS_DIR) || g_file_test (nw, G_FILE_TEST_IS_DIR);
	g_free (cur);
	g_free (nw);
	return r;
}

static wb_status_t
record_skipped_dir (wb_ingest_t *ing, const char *path, const char *reason)
{
	wb_status_t rs;
	if ((rs = next_ids (ing)))
		return rs;
	push_simple (ing, IT_BEGIN);
	src_t *s = src_new (ing, NULL, path, path);
	ing->st.members--;
	s->format = "maildir";
	s->role = "skipped";
	s->reason = g_strdup (reason);
	src_push (ing, s, IT_SOURCE_BEGIN, -1, NULL);
	ing->st.skipped_members++;
	char *custody = g_strdup_printf ("path=%s skipped: %s", path, reason);
	rs = finish_source (ing, s, custody);
	g_free (custody);
	src_free (s);
	return rs;
}

static wb_status_t
ingest_dir (wb_ingest_t *ing, const char *path, int level)
{
	DIR *d = opendir (path);
	if (!d)
		return wb_case_fail (ing->cs, WB_ERR_IO, "cannot read folder '%s': %s", path,
				     g_strerror (errno));
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	struct dirent *de;
	while ((de = readdir (d)))
		if (strcmp (de->d_name, ".") && strcmp (de->d_name, ".."))
			g_ptr_array_add (names, g_strdup (de->d_name));
	closedir (d);
	g_ptr_array_sort (names, cmp_str);
	wb_status_t rs = WB_OK;
	for (guint i = 0; i < names->len && !rs; i++) {
		const char *n = names->pdata[i];
		char *p = g_build_filename (path, n, NULL);
		struct stat sb;
		if (lstat (p, &sb) != 0) {
			rs = wb_case_fail (ing->cs, WB_ERR_IO, "cannot read '%s': %s", p, g_strerror (errno));
		} else if (S_ISDIR (sb.st_mode)) {
			if (dir_is_maildir_tmp (path, n))
				rs = record_skipped_dir (ing, p, "Maildir tmp/ (deliveries in progress)");
			else if (level < 64)
				rs = ingest_dir (ing, p, level + 1);
		} else if (S_ISREG (sb.st_mode)) {
			rs = ingest_file (ing, p);
		} else {
			rs = record_skipped_dir (ing, p, "not a regular file");
		}
		g_free (p);
		if (wb_interrupted && !rs)
			rs = wb_case_fail (ing->cs, WB_ERR_INTERRUPTED, "interrupted");
	}
	g_ptr_array_free (names, TRUE);
	return rs;
}

/* ------------------------------------------------------------ public */

wb_ingest_t *
wb_ingest_new (wb_case_t *cs, int64_t run, const wb_ingest_opts_t *opts)
{
	wb_status_t rs;
	GHashTable *traps = wb_traps_load (cs, &rs);
	if (!traps)
		return NULL;
	wb_ingest_t *ing = g_new0 (wb_ingest_t, 1);
	ing->cs = cs;
	ing->run = run;
	if (opts)
		ing->o = *opts;
	if (!ing->o.max_message)
		ing->o.max_message = WB_INGEST_MAX_MESSAGE;
	if (ing->o.max_depth <= 0)
		ing->o.max_depth = WB_INGEST_MAX_DEPTH;
	if (!ing->o.max_ratio)
		ing->o.max_ratio = WB_INGEST_MAX_RATIO;
	if (!ing->o.max_total)
		ing->o.max_total = WB_INGEST_MAX_TOTAL;
	if (ing->o.threads <= 0)
		ing->o.threads = 2;
	if (!ing->o.index_rebuild_min)
		ing->o.index_rebuild_min = WB_INGEST_INDEX_REBUILD_MIN;
	ing->traps = traps;
	ing->case_fd = open (wb_case_path (cs), O_RDONLY | O_CLOEXEC);
	/* A large page cache: with SQLite's default 2 MiB the random keys of the
	 * sha256 indexes and of artifacts_value make it spill pages to the file
	 * over and over.  128 MiB: 200,000 copies with analysis wrote 9.8 GB
	 * for a 3.3 GB case with 64 MiB, 5.9 GB with 128 MiB (4.6 GB since
	 * artifacts_value is built again after a large source).  The cache is
	 * the largest part of the peak RSS, and it is capped: 264 MiB at
	 * 200,000 copies with analysis, 266 MiB at 1,000,000. */
	ing->cache_before = wb_case_cache_set (cs, 131072);
	/* The writer inserts each copy's analysis rows right after the copy's
	 * own row, with its new id: the foreign-key look-up of every hop,
	 * artifact and fact row can only succeed.  Off while ingesting (it
	 * cannot change inside a transaction: none is open here), on again in
	 * wb_ingest_free(). */
	sqlite3_exec (wb_case_db (cs), "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	g_mutex_init (&ing->lock);
	g_cond_init (&ing->cond);
	ing->work_q = g_async_queue_new ();
	ing->done_q = g_async_queue_new ();
	ing->nworkers = ing->o.threads;
	ing->workers = g_new0 (GThread *, ing->nworkers);
	for (int i = 0; i < ing->nworkers; i++) {
		worker_t *w = g_new0 (worker_t, 1);
		w->ing = ing;
		w->popts = g_mime_parser_options_new ();
		w->parser = g_mime_parser_new ();
		w->warn = g_string_new (NULL);
		ing->workers[i] = g_thread_new ("wb-parse", worker_main, w);
	}
	ing->writer = g_thread_new ("wb-write", writer_main, ing);
	return ing;
}

wb_status_t
wb_ingest_path (wb_ingest_t *ing, const char *path)
{
	struct stat sb;
	if (stat (path, &sb) != 0)
		return wb_case_fail (ing->cs, errno == ENOENT ? WB_ERR_NOT_FOUND : WB_ERR_IO,
				     "cannot read '%s': %s", path, g_strerror (errno));
	if (S_ISDIR (sb.st_mode)) {
		/* A Maildir given directly: its tmp/ is skipped like any other. */
		return ingest_dir (ing, path, 0);
	}
	return ingest_file (ing, path);
}

const wb_ingest_stats_t *
wb_ingest_stats (wb_ingest_t *ing)
{
	return &ing->st;
}

void
wb_ingest_free (wb_ingest_t *ing)
{
	if (!ing)
		return;
	for (int i = 0; i < ing->nworkers; i++) {
		item_t *stop = g_new0 (item_t, 1);
		stop->kind = -1;
		g_async_queue_push (ing->work_q, stop);
	}
	for (int i = 0; i < ing->nworkers; i++)
		g_thread_join (ing->workers[i]);
	item_t *stop = g_new0 (item_t, 1);
	stop->kind = -1;
	g_async_queue_push (ing->done_q, stop);
	g_thread_join (ing->writer);
	sqlite3_exec (wb_case_db (ing->cs), "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	/* Back to the cache the connection had: with ingest's cache kept, the
	 * summary's GROUP BY after 1,000,000 copies took the peak RSS from
	 * 192 to 215 MiB, and it grows with the corpus. */
	wb_case_cache_restore (ing->cs, ing->cache_before);
	if (ing->case_fd >= 0)
		close (ing->case_fd);
	batch_free (ing->batch);
	g_free (ing->art_index_sql);
	g_async_queue_unref (ing->work_q);
	g_async_queue_unref (ing->done_q);
	g_free (ing->workers);
	g_hash_table_destroy (ing->traps);
	g_mutex_clear (&ing->lock);
	g_cond_clear (&ing->cond);
	g_free (ing->errmsg);
	g_free (ing);
}
