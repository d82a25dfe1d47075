/* The ingest pipeline: parse workers, and the walker's side of it.  See
 * ingest.h.
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
 * size of the input.  The threads wake each other seldom: the walker gives
 * the writer its items HELD_ITEMS_MAX at a time (and before each batch,
 * and before it waits), and the writer wakes the walker only once what it
 * waits for is there (room for HELD_ITEMS_MAX items, or a drain's end). */
#include <errno.h>
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

void
wb_ingest_batch_free (batch_t *b)
{
	if (!b)
		return;
	for (guint i = 0; i < b->msgs->len; i++) {
		msg_t *m = &g_array_index (b->msgs, msg_t, i);
		g_free (m->from_line);
		g_free (m->chain);
		g_free (m->warnings);
		g_free (m->local_day);
		g_free (m->trap_addr);
		g_free (m->trap_hosts);
		g_free (m->frame);
		g_free (m->read_error);
		wb_analysis_free (m->analysis);
		if (m->findings)
			m->findings_free (m->findings);
		wb_fields_clear (&m->f);
	}
	g_array_free (b->msgs, TRUE);
	g_byte_array_free (b->data, TRUE);
	g_free (b);
	/* Batches come and go 4 MiB at a time, and tcmalloc's page heap
	 * keeps the free spans: 17 MiB midway through 200,000 copies, and
	 * the peak at 1,000,000 was 299 MiB.  Every 64 batches (about 256 MiB
	 * of mail), they go back to the system if the process holds
	 * WB_MALLOC_RELEASE_RSS or more (wb_malloc_release); a few thousand
	 * page faults then bring back the ones needed. */
	static gint freed;
	if (g_atomic_int_add (&freed, 1) % 64 == 63)
		wb_malloc_release ();
}

void
wb_ingest_item_free (item_t *it)
{
	if (!it)
		return;
	wb_ingest_batch_free (it->batch);
	g_free (it->name);
	g_free (it->chain);
	g_free (it->filters);
	g_free (it->reason);
	g_free (it->custody);
	g_free (it);
}

/* ------------------------------------------------------- parse workers */

static void
parse_msg (worker_t *w, const char *data, msg_t *m)
{
	if (m->reanalyze_id) {
		/* A stored copy, parsed and analysed as ingest did: its other
		 * columns are the evidence, and stay.  Its frame is decoded
		 * here, where the work is spread over the workers, not by the
		 * walker under db_lock; one that does not decode fails the run
		 * when the writer reaches it, in order. */
		size_t len = m->len;
		if (m->raw_codec) {
			char *why = NULL;
			data = wb_raw_decode_scratch (m->raw_codec, data, m->len, m->raw_size, &len, &why);
			if (!data) {
				char *e = wb_raw_error (m->raw_id, why);
				m->read_error = g_strconcat ("cannot read the stored copies: ", e, NULL);
				g_free (e);
				g_free (why);
				return;
			}
		}
		g_string_truncate (w->warn, 0);
		GMimeMessage *msg = wb_ingest_parse_lean (data, len, w->popts, w->warn, w->parser);
		wb_analyze_ctx_t actx = { m->trap_addr, m->trap_hosts, w->ing->body_cache };
		m->analysis = wb_analyze (msg, data, len, &actx);
		if (msg)
			g_object_unref (msg);
		const wb_ingest_findings_t *fi = w->ing->o.findings;
		if (fi && m->analysis) {
			m->findings = fi->eval (fi->data, m->analysis);
			m->findings_free = fi->free;
		}
		return;
	}
	wb_sha256_hex (data, m->len, m->sha);
	wb_copy_ident (data, m->len, m->sha, m->ident);
	/* The bytes as the writer stores them, compressed and checked here,
	 * where the work is spread over the workers (evidence/case.h). */
	if (w->ing->raw_codec == WB_RAW_ZSTD)
		m->codec = wb_raw_encode (data, m->len, WB_RAW_ZSTD_LEVEL, &m->frame, &m->frame_len,
					  &m->frame_refused);
	g_string_truncate (w->warn, 0);
	if (m->extra_warning)
		g_string_append (w->warn, m->extra_warning);
	/* Content-Length placed the message's end: its From_ lines are body. */
	gboolean merged = m->from_line && strcmp (m->split, "mboxcl-length") != 0;
	GMimeMessage *msg = wb_ingest_parse_copy (data, m->len, merged, TRUE, w->popts, w->warn,
						  w->parser);
	const wb_trap_t *trap = NULL;
	if (!msg) {
		m->status = "unparsed";
		m->f.date_status = "absent";
		m->f.received_from = "none";
		trap = wb_traps_match (w->ing->traps, NULL, m->chain, &m->trap_match);
		wb_analyze_ctx_t actx = { trap ? trap->address : NULL, trap ? trap->hosts : NULL,
					   w->ing->body_cache };
		if (!w->ing->o.no_analysis)
			m->analysis = wb_analyze (NULL, data, m->len, &actx);
	} else {
		wb_ingest_fields (msg, &m->f);
		wb_fields_pack (&m->f);
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
		wb_analyze_ctx_t actx = { trap ? trap->address : NULL, trap ? trap->hosts : NULL,
					   w->ing->body_cache };
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

/* Take a batch to parse, once the writer is not behind.  The writer is
 * one thread, and every copy goes through it: with two parse workers,
 * the walker and the writer all runnable on two cores, the writer had a
 * fair share of a core and fell behind.  The batches in flight
 * (INFLIGHT_MAX) filled with copies parsed and waiting for it, the walker
 * and the workers stopped, and the writer wrote them alone, one core idle
 * (a fifth of the cores' time over the benchmark Maildir); at the end of
 * the input, the whole backlog was written so.  While WRITER_BEHIND
 * batches (one) wait for it, only PARSE_BEHIND workers parse (one, on two
 * cores), so the writer keeps a core, and what waits for it stays short:
 * at the end of the input, a batch and the one it is writing.  While the
 * writer waits for the item it writes next (a batch still being parsed),
 * the gate is open (writer_wait in ingest-writer.c): what is parsed then
 * waits for that batch, not for the writer.  A worker passes the gate
 * before it takes a batch: batches are taken in order, so the batch the
 * writer waits for is always one a worker past the gate is parsing. */
static item_t *
worker_gate (wb_ingest_t *ing)
{
	g_mutex_lock (&ing->lock);
	while (ing->unwritten >= WRITER_BEHIND && !ing->writer_waiting && ing->parsing >= ing->parse_behind) {
		ing->gate_waiting++;
		g_cond_wait (&ing->gate, &ing->lock);
		ing->gate_waiting--;
	}
	ing->parsing++;
	g_mutex_unlock (&ing->lock);
	return g_async_queue_pop (ing->work_q);
}

gpointer
wb_ingest_worker_main (gpointer data)
{
	worker_t *w = data;
	wb_ingest_t *ing = w->ing;
	wb_ingest_pin_charsets ();
	for (;;) {
		item_t *it = worker_gate (ing);
		/* The batches this worker parsed and the writer has written,
		 * freed here, where their allocations were made: a copy's
		 * analysis is some hundred allocations.  Freed by the writer
		 * they were 5% of its instructions, the thread the others wait
		 * for; freed by the walker, tcmalloc moved every one through
		 * its central free list and back (FetchFromOneSpans alone 2.4%
		 * of the samples).  Freed here, 25,000 copies took 2.7% less
		 * CPU. */
		item_t *done;
		while ((done = g_async_queue_try_pop (w->free_q)))
			wb_ingest_item_free (done);
		if (it->kind < 0) {
			wb_ingest_item_free (it);
			g_mutex_lock (&ing->lock);
			ing->parsing--;
			g_cond_broadcast (&ing->gate);
			g_mutex_unlock (&ing->lock);
			break;
		}
		batch_t *b = it->batch;
		b->home = w->free_q;
		for (guint i = 0; i < b->msgs->len; i++) {
			msg_t *m = &g_array_index (b->msgs, msg_t, i);
			parse_msg (w, (const char *) b->data->data + m->at, m);
		}
		g_mutex_lock (&ing->lock);
		ing->parsing--;
		ing->unwritten++;
		g_mutex_unlock (&ing->lock);
		g_async_queue_push (ing->done_q, it);
	}
	g_mime_parser_options_free (w->popts);
	g_object_unref (w->parser);
	g_string_free (w->warn, TRUE);
	g_free (w);
	return NULL;
}

/* ------------------------------------------------------ walker helpers */

/* Give the writer the items held for it, at once: pushed one by one, a
 * folder's three items a file woke the writer (waiting for work) three
 * times a file. */
void
wb_ingest_flush_items (wb_ingest_t *ing)
{
	if (!ing->held_items || ing->held_items->len == 0)
		return;
	g_async_queue_lock (ing->done_q);
	for (guint i = 0; i < ing->held_items->len; i++)
		g_async_queue_push_unlocked (ing->done_q, ing->held_items->pdata[i]);
	g_async_queue_unlock (ing->done_q);
	g_ptr_array_set_size (ing->held_items, 0);
}

void
wb_ingest_push (wb_ingest_t *ing, item_t *it)
{
	int weight = it->kind == IT_BATCH ? BATCH_WEIGHT : 1;
	g_mutex_lock (&ing->lock);
	if (ing->inflight + weight > INFLIGHT_MAX && ing->inflight > 0) {
		g_mutex_unlock (&ing->lock);
		wb_ingest_flush_items (ing);   /* what the writer waits for, maybe */
		g_mutex_lock (&ing->lock);
	}
	if (ing->inflight + weight > INFLIGHT_MAX && ing->inflight > 0) {
		/* Full: wait until HELD_ITEMS_MAX are written, not only this
		 * item.  Woken for each item written, the walker pushed one
		 * item at a time, and it and the writer woke each other for
		 * every item (a folder: 9 futex calls a file).  Not more: a
		 * folder's items weigh as much as its batches, and waiting for
		 * a batch's weight left the parse workers short of batches. */
		int low = INFLIGHT_MAX - MAX (weight, HELD_ITEMS_MAX);
		ing->waiting = TRUE;
		ing->wake_inflight = low;
		ing->wake_seq = G_MAXUINT64;
		while (ing->inflight > low && ing->inflight > 0)
			g_cond_wait (&ing->cond, &ing->lock);
		ing->waiting = FALSE;
	}
	ing->inflight += weight;
	if (ing->failed)
		ing->fatal = TRUE;
	g_mutex_unlock (&ing->lock);
	it->seq = ing->seq_next++;
	if (it->kind == IT_BATCH) {
		/* The items before the batch, for the writer to store while
		 * the batch is parsed. */
		wb_ingest_flush_items (ing);
		g_async_queue_push (ing->work_q, it);
		return;
	}
	if (!ing->held_items)
		ing->held_items = g_ptr_array_new ();
	g_ptr_array_add (ing->held_items, it);
	if (ing->held_items->len >= HELD_ITEMS_MAX)
		wb_ingest_flush_items (ing);
}

/* Wait until the writer has handled everything pushed so far (at the end
 * of a top-level file, read through: its last copies, the commit, an index
 * built again).  The progress callback goes on being called meanwhile, from
 * this thread as always, with the copies stored so far. */
void
wb_ingest_drain (wb_ingest_t *ing)
{
	wb_ingest_flush_items (ing);
	g_mutex_lock (&ing->lock);
	ing->waiting = TRUE;
	ing->wake_inflight = -1;
	ing->wake_seq = ing->seq_next;
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
	ing->waiting = FALSE;
	g_mutex_unlock (&ing->lock);
}

void
wb_ingest_flush_batch (wb_ingest_t *ing)
{
	if (!ing->batch || ing->batch->msgs->len == 0)
		return;
	item_t *it = g_new0 (item_t, 1);
	it->kind = IT_BATCH;
	it->batch = ing->batch;
	ing->batch = NULL;
	ing->st.batches++;
	wb_ingest_push (ing, it);
}

void
wb_ingest_add_copy (wb_ingest_t *ing, src_t *s, const char *data, size_t len, uint64_t offset,
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
	/* The first batches are smaller (16, 32, ... copies): the writer
	 * starts when the first is parsed, and a first batch of BATCH_MAX
	 * copies kept it waiting a tenth of a second. */
	guint max = ing->st.batches < 4 ? 16u << ing->st.batches : BATCH_MAX;
	if (ing->batch->msgs->len >= max || ing->batch->data->len >= BATCH_BYTES)
		wb_ingest_flush_batch (ing);
}

src_t *
wb_src_new (wb_ingest_t *ing, src_t *parent, const char *name, const char *chain)
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

void
wb_src_free (src_t *s)
{
	if (!s)
		return;
	g_free (s->name);
	g_free (s->chain);
	g_free (s->filters);
	g_free (s->reason);
	g_free (s);
}

/* The IT_SOURCE_BEGIN of source ID, when it is the last item held for the
 * writer (nothing pushed since: a file of a folder, one message, its
 * batch not yet full), else NULL. */
item_t *
wb_ingest_held_source (wb_ingest_t *ing, int64_t id)
{
	if (!ing->held_items || ing->held_items->len == 0)
		return NULL;
	item_t *it = g_ptr_array_index (ing->held_items, ing->held_items->len - 1);
	return it->kind == IT_SOURCE_BEGIN && it->id == id && !it->complete ? it : NULL;
}

void
wb_src_push (wb_ingest_t *ing, src_t *s, int kind, int64_t size, const char *sha)
{
	/* A source that ends right after it began, its row not yet with the
	 * writer, is written once with what its end says: the insert and an
	 * update of each file of a folder (and its sha256 index twice) were
	 * a twentieth of the writer's work there. */
	item_t *it = kind == IT_SOURCE_END ? wb_ingest_held_source (ing, s->id) : NULL;
	gboolean held = it != NULL;
	if (!held) {
		it = g_new0 (item_t, 1);
		it->kind = kind;
		it->id = s->id;
		it->parent_id = s->parent ? s->parent->id : 0;
		it->name = g_strdup (s->name);
		it->chain = g_strdup (s->chain);
		it->depth = s->depth;
	}
	/* The columns as S has them now; a held beginning keeps its size
	 * and hash where the end has none (write_source_end's coalesce). */
	if (size >= 0 || !held)
		it->size = size;
	if (sha && (sha[0] || !held))
		memcpy (it->sha, sha, 65);
	it->format = s->format;
	g_free (it->filters);
	it->filters = g_strdup (s->filters);
	it->role = s->role;
	g_free (it->reason);
	it->reason = g_strdup (s->reason);
	it->messages = s->messages;
	if (held) {
		it->ended = TRUE;
		return;
	}
	wb_ingest_push (ing, it);
}

/* Mark S with ROLE and REASON (the first reason given wins). */
void
wb_src_mark (wb_ingest_t *ing, src_t *s, const char *role, const char *fmt, ...)
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
char *
wb_ingest_escape_name (const char *name)
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

void
wb_ingest_progress (wb_ingest_t *ing)
{
	if (!ing->o.progress || (ing->progress_tick++ & 15))
		return;
	uint64_t b = ing->bytes_before + (ing->top ? (uint64_t) archive_filter_bytes (ing->top, -1) : 0);
	ing->o.progress (ing->o.progress_data, b, (uint64_t) g_atomic_int_get (&ing->stored));
}
