/* The ingest pipeline, shared by evidence/ingest*.c only (its types are
 * not for the program or the tests: see ingest-private.h for those).
 * How the pipeline works is told at the top of ingest-pipeline.c. */
#ifndef WB_INGEST_PIPELINE_H
#define WB_INGEST_PIPELINE_H

#include <sys/stat.h>
#include <archive.h>
#include <gmime/gmime.h>
#include <openssl/evp.h>

#include "case.h"
#include "ingest.h"
#include "analyze.h"
#include "ingest-private.h"

#define BATCH_MAX 256
#define BATCH_BYTES (4u << 20)
#define INFLIGHT_MAX 4096          /* weight units: a batch weighs 512, other items 1 */
#define BATCH_WEIGHT 512
#define WRITEBACK_BATCHES 8        /* start the disk writing the case, and size the cache, every 8 batches */
#define READ_CHUNK (64u << 10)
#define HELD_ITEMS_MAX 64          /* items for the writer the walker holds at most (wb_ingest_push) */
#define WB_BODY_CACHE_BYTES (16u << 20)   /* the body cache (analyze-cache.c) */
#define WRITER_BEHIND 1            /* batches parsed and not yet written: the writer is behind (worker_gate) */

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
	/* reanalyze (wb_ingest_reanalyze): the stored copy, and its trap's
	 * address and provider hosts; 0 when ingesting */
	int64_t reanalyze_id;
	char *trap_addr, *trap_hosts;
	/* reanalyze: the bytes at AT are raw.bytes as stored, to be decoded
	 * by a parse worker (wb_raw_decode) when RAW_CODEC is set (static or
	 * interned; NULL: the bytes as they are) */
	const char *raw_codec;
	int64_t raw_size, raw_id;
	char *read_error;        /* output: why they cannot be read, the run's error */
	/* output, set by a parse worker */
	char sha[65];
	char ident[65];          /* wb_copy_ident() */
	wb_raw_codec_t codec;    /* how raw.bytes holds the copy: frame when WB_RAW_ZSTD */
	void *frame;             /* the checked zstd frame (g_free), or NULL */
	size_t frame_len;
	gboolean frame_refused;  /* a frame did not give the bytes back: stored as they are */
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
	/* The free queue of the worker that parsed it (wb_ingest_t's
	 * worker_free_q), where the writer hands it once written; set when a
	 * worker takes it. */
	GAsyncQueue *home;
} batch_t;

/* What the writer is asked to do.  A transaction (IT_BEGIN .. IT_COMMIT or
 * IT_ROLLBACK) holds a group of top-level files; IT_FILE_DONE marks one
 * complete and writes its custody row. */
enum { IT_BEGIN, IT_SOURCE_BEGIN, IT_SOURCE_END, IT_BATCH, IT_COMMIT, IT_ROLLBACK, IT_FILE_DONE };

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
	char *custody;           /* IT_FILE_DONE: custody detail */
	/* IT_SOURCE_BEGIN holding its source's end (wb_src_push): the row
	 * written once, with the end's columns; COMPLETE, its IT_FILE_DONE
	 * too (complete = 1, and the custody row). */
	gboolean ended, complete;
} item_t;

/* A group committed without waiting (wb_ingest_t.commits). */
typedef struct {
	uint64_t seq;            /* its COMMIT item */
	unsigned files;          /* its files */
	wb_ingest_stats_t before;  /* the counts before it */
} commit_t;

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
	wb_raw_codec_t raw_codec;  /* case_info raw_codec: how new bytes are stored */
	GHashTable *traps;

	/* pipeline */
	GAsyncQueue *work_q;     /* batches for the parse workers */
	GAsyncQueue *done_q;     /* items for the writer */
	/* Per worker: the batches it parsed, written, for it to free.  A
	 * copy's analysis is some hundred small allocations made by the
	 * worker; freed by another thread, each went through tcmalloc's
	 * central free list both ways. */
	GAsyncQueue **worker_free_q;
	GThread **workers;
	int nworkers;
	/* The parse workers' gate (worker_gate in ingest-pipeline.c), under
	 * LOCK: while the writer is behind, only PARSE_BEHIND workers parse. */
	GCond gate;
	int parsing;             /* workers past the gate, parsing or about to */
	int unwritten;           /* batches parsed and not yet written */
	/* The writer waits for the item it writes next (a batch still being
	 * parsed): what is parsed waits for that batch, not for the writer. */
	gboolean writer_waiting;
	int gate_waiting;        /* workers waiting at the gate */
	int parse_behind;        /* MAX (1, processors - 1) */
	GThread *writer;
	GMutex lock;
	GCond cond;
	/* The connection is NOMUTEX: the writer holds db_lock while it writes
	 * an item, and reanalyze's walker while it reads stored copies. */
	GMutex db_lock;
	int inflight;            /* weight of items pushed and not yet written */
	uint64_t seq_next;       /* walker */
	uint64_t seq_written;    /* writer: items handled */
	/* The walker waits on COND (under LOCK) for inflight <= wake_inflight
	 * or seq_written >= wake_seq, and the writer wakes it only then. */
	gboolean waiting;
	int wake_inflight;
	uint64_t wake_seq;
	/* Items for the writer held by the walker, given to it together
	 * (wb_ingest_push). */
	GPtrArray *held_items;
	gboolean failed;         /* writer hit an error; message in errmsg */
	wb_status_t fail_status;
	char *errmsg;
	gint stored;             /* copies written (for progress) */
	gboolean committed_ok;
	int case_fd;             /* the case file, read-only: to start its writeback early */
	unsigned batches_written;
	gboolean pending_marked; /* writer: analysis_pending set in this transaction */
	/* writer: the campaign numbers of a new case's copies as they are
	 * stored (wb_campaign_live_t), NULL when the case had copies at the
	 * start or a transaction was rolled back; and whether this
	 * transaction has set case_info campaigns_pending (WB_CAMPAIGNS_PENDING) */
	wb_campaign_live_t *camp;
	gboolean camp_marked;
	/* the parse workers': what analysis made of body parts met before
	 * (analyze.h); NULL without analysis */
	wb_body_cache_t *body_cache;
	int64_t cache_before;    /* the connection's cache_size before ingest set its own */
	uint64_t copies_before;  /* the case's copies when ingest began (max id of messages) */
	int64_t cache_kib;       /* writer: the page cache set (wb_ingest_cache_kib) */
	/* writer: artifact_copies in the current transaction (see
	 * wb_ingest_opts_t.index_rebuild_min) */
	uint64_t art_before;     /* copies with artifacts in the case at BEGIN (max id) */
	uint64_t art_added;      /* artifact rows stored since */
	gboolean art_deferred;   /* artifact_copies filled at the commit, not copy by copy */
	uint64_t tx_added, tx_duplicates;  /* writer: st's at BEGIN */

	/* walker: the group of top-level files in the open transaction */
	gboolean grouping;       /* walking a folder: files share transactions */
	gboolean group_open;
	unsigned group_files;    /* files done in it */
	unsigned group_lost;     /* files done in the group the last rollback undid */
	uint64_t group_size;     /* their bytes */
	gint64 group_t0;         /* when it began (monotonic) */
	wb_ingest_stats_t group_before;  /* the counts before it */
	/* walker: the groups whose COMMIT was pushed without waiting for it
	 * (wb_ingest_group_end), oldest first: the walker reads on while the
	 * writer commits them.  Emptied when the writer is waited for. */
	GArray *commits;         /* commit_t */
	uint64_t commit_done_seq;  /* writer: the last COMMIT item written, plus 1 (0: none) */
	gint64 commit_done_at;   /* writer, under LOCK: when it ended (monotonic) */
	/* walker, in a folder walk: "NAME\nSIZE" and "NAME\nSHA-256" of the
	 * top-level sources complete in the case when the walk began (the
	 * walker cannot ask the case while the writer stores a group) */
	GHashTable *complete;

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

/* One libarchive reader and what came out of it. */
typedef struct {
	struct archive *a;
	uint64_t out;
	const char *guard;       /* set when the decompression guard tripped */
} arch_t;

/* A member read from its parent archive, hashed as it goes. */
typedef struct {
	wb_ingest_t *ing;
	arch_t *parent;
	EVP_MD_CTX *ctx;
	uint64_t size;
	char *buf;
	size_t replay;           /* bytes of buf to hand out first (peeked) */
	int err;                 /* 0, -1, -2 as wb_ingest_rd() */
} member_t;

/* A parse worker. */
typedef struct {
	wb_ingest_t *ing;
	GMimeParserOptions *popts;
	GMimeParser *parser;
	GString *warn;
	GAsyncQueue *free_q;     /* its wb_ingest_t's worker_free_q entry */
} worker_t;

/* ingest-pipeline.c: the parse workers and what the walker pushes. */
void wb_ingest_batch_free (batch_t *b);
void wb_ingest_item_free (item_t *it);
/* A parse worker's thread; DATA is its worker_t, freed on its way out. */
gpointer wb_ingest_worker_main (gpointer data);
/* Hand IT (the pipeline owns it from now on) to the workers or the writer,
 * in sequence; blocks while too much is in flight. */
void wb_ingest_push (wb_ingest_t *ing, item_t *it);
void wb_ingest_flush_items (wb_ingest_t *ing);
void wb_ingest_push_simple (wb_ingest_t *ing, int kind);
/* Wait until the writer has handled everything pushed so far. */
void wb_ingest_drain (wb_ingest_t *ing);
void wb_ingest_flush_batch (wb_ingest_t *ing);
void wb_ingest_add_copy (wb_ingest_t *ing, src_t *s, const char *data, size_t len, uint64_t offset,
			 const char *from_line, size_t from_len, const char *split,
			 const char *extra_warning);
src_t *wb_src_new (wb_ingest_t *ing, src_t *parent, const char *name, const char *chain);
void wb_src_free (src_t *s);
void wb_src_push (wb_ingest_t *ing, src_t *s, int kind, int64_t size, const char *sha);
item_t *wb_ingest_held_source (wb_ingest_t *ing, int64_t id);
/* Mark S with ROLE and REASON (the first reason given wins). */
void wb_src_mark (wb_ingest_t *ing, src_t *s, const char *role, const char *fmt, ...)
	G_GNUC_PRINTF (4, 5);
/* Member names may be any bytes: keep valid UTF-8, escape the rest as \xNN. */
char *wb_ingest_escape_name (const char *name);
void wb_ingest_progress (wb_ingest_t *ing);

/* ingest-writer.c: the writer's thread; DATA is the wb_ingest_t. */
gpointer wb_ingest_writer_main (gpointer data);

/* ingest-archive.c: guarded reads, archives. */
/* Read data of the current entry of AS.  Returns bytes read, 0 at the end,
 * -1 on a read error (archive_error_string), -2 when the guard trips
 * (AS->guard says which). */
ssize_t wb_ingest_rd (wb_ingest_t *ing, arch_t *as, void *buf, size_t n);
const char *wb_ingest_read_error (arch_t *as);
/* "truncated" or "corrupt" from a libarchive message. */
const char *wb_ingest_damage_kind (const char *err);
ssize_t wb_ingest_member_read (member_t *m, void *buf, size_t n);
/* A reader of the compressed streams and (unless RAW_ONLY) the archives
 * ingest reads. */
struct archive *wb_ingest_archive_new (gboolean raw_only);
/* The reader for a stream whose first bytes are the N at D (512, or all
 * there are): wb_ingest_archive_new (FALSE) if wb_ingest_looks_packed(),
 * with the uu filter too for a stream that starts with "begin"; else a
 * reader of the bytes as they are. */
struct archive *wb_ingest_archive_for (const char *d, size_t n);
/* Whether the first N bytes at D (512 or all there are) are those of
 * something to unpack (a compressed stream, an archive); if not, the
 * bytes are read as they are. */
gboolean wb_ingest_looks_packed (const char *d, size_t n);
void wb_ingest_process_archive (wb_ingest_t *ing, arch_t *as, src_t *s);

/* ingest-mbox.c: a plain (non-archive) stream: sniff, split or count as
 * not mail.  Without AS and M, PREFIX is the whole stream (a member held
 * in memory). */
void wb_ingest_handle_plain (wb_ingest_t *ing, arch_t *as, src_t *s, member_t *m,
			     const void *prefix, size_t plen);

/* ingest.c: a top-level file, in its own transaction. */
wb_status_t wb_ingest_next_ids (wb_ingest_t *ing);
/* Begin the top-level file of SIZE bytes: join the open group, or commit
 * it first (a file of group_bytes or more is a group of its own) and open
 * one. */
wb_status_t wb_ingest_group_join (wb_ingest_t *ing, uint64_t size);
/* End the top-level file TOP: mark it complete with its CUSTODY row, or on
 * a failure or an interrupt roll back its group (group_lost says how many
 * files done before it went too).  SIZE: the bytes read, or -1 for a
 * folder or device recorded as skipped.  Commits the group when it is full
 * or when not grouping. */
wb_status_t wb_ingest_finish_source (wb_ingest_t *ing, src_t *top, const char *custody,
				     int64_t size);
/* Commit the open group, if any.  With WAIT, wait for the writer to have
 * committed it (and the groups before it), and report a failure.  Without,
 * go on reading while the writer commits it: a failure is found at the
 * next file's end (wb_ingest_finish_source), or at the last group's end,
 * and every group from the failed one on is rolled back. */
wb_status_t wb_ingest_group_end (wb_ingest_t *ing, gboolean wait);
wb_status_t wb_ingest_file (wb_ingest_t *ing, const char *path);

/* ingest-folder.c: folders, walked in name order. */
wb_status_t wb_ingest_record_skipped_dir (wb_ingest_t *ing, const char *path, const char *reason);
wb_status_t wb_ingest_dir (wb_ingest_t *ing, const char *path, int level);

#endif
