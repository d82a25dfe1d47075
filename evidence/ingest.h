/* Evidence ingestion: files, folders, Maildirs, mboxes and archives into the
 * case (tables sources, raw, messages, locations of evidence/schema.sql).
 *
 * Inputs are recognised by content.  Archives are read as streams through
 * libarchive: nothing is extracted to disk and member names are never used
 * as paths.  Each top-level file is one transaction: a killed ingest leaves
 * the case as it was before that file, and a file whose SHA-256 and path
 * are already recorded as complete is skipped (the same bytes under another
 * path are read: they are another location, maybe another trap's copy).
 *
 * Threads: the caller's thread walks and splits the inputs; parse workers
 * hash and parse messages with GMime in batches; one writer thread owns the
 * SQLite connection while a source is being ingested.  The library never
 * prints: outcomes are counted in wb_ingest_stats_t and recorded as rows. */
#ifndef WB_INGEST_H
#define WB_INGEST_H

#include <stdint.h>
#include "case.h"
#include "analyze.h"

/* Defaults of the limits. */
#define WB_INGEST_MAX_MESSAGE  (100ULL << 20)  /* a message, or a member held in memory */
#define WB_INGEST_MAX_DEPTH    8               /* containers inside containers */
#define WB_INGEST_MAX_RATIO    200             /* decompressed / compressed bytes ... */
#define WB_INGEST_RATIO_FLOOR  (16ULL << 20)   /* ... checked once this much came out */
#define WB_INGEST_MAX_TOTAL    (64ULL << 30)   /* decompressed bytes per top-level file */
#define WB_INGEST_INDEX_REBUILD_MIN 1000000    /* artifact rows: see wb_ingest_opts_t */
#define WB_INGEST_GROUP_BYTES (32u << 20)     /* a group of files: see wb_ingest_opts_t */
#define WB_INGEST_GROUP_MS 3000
/* The page cache while ingest writes, in KiB: the least, what each copy
 * the case holds adds, and the most (wb_ingest_cache_kib). */
#define WB_INGEST_CACHE_MIN_KIB 16384
#define WB_INGEST_CACHE_KIB_PER_COPY 2
#define WB_INGEST_CACHE_MAX_KIB 114688

/* Findings made from each new copy's analysis as ingest goes (the rule
 * findings of workbench/engine/rules.c), so they need no pass over the facts
 * afterwards.  EVAL runs in a parse worker, on the analysis of a copy, and
 * returns a result (NULL: nothing to store); STORE runs in the writer, in
 * the copy's transaction, for a copy new to the case, with its id (in
 * reanalyze, for every copy, RESULT NULL included); FREE
 * frees a result, stored or not.  EVAL must be safe in several threads at
 * once. */
typedef struct {
	gpointer (*eval) (gpointer data, const wb_analysis_t *a);
	wb_status_t (*store) (gpointer data, wb_case_t *cs, int64_t message, gpointer result);
	void (*free) (gpointer result);
	gpointer data;
} wb_ingest_findings_t;

typedef struct {
	uint64_t max_message;    /* 0: WB_INGEST_MAX_MESSAGE */
	int max_depth;           /* 0: WB_INGEST_MAX_DEPTH */
	uint64_t max_ratio;      /* 0: WB_INGEST_MAX_RATIO */
	uint64_t max_total;      /* 0: WB_INGEST_MAX_TOTAL */
	int threads;             /* parse threads; 0: 2 */
	/* Store the copies without their analysis (evidence/analyze.h); the
	 * case is marked: case_info analysis_pending = 1, which 'reanalyze'
	 * clears. */
	gboolean no_analysis;
	/* Findings made as copies are analysed; NULL: none (and never with
	 * no_analysis). */
	const wb_ingest_findings_t *findings;
	/* A source that adds more artifacts than this, and more copies than
	 * the case held before it, stops adding artifact_copies rows copy by
	 * copy for the rest of its transaction and adds them (sorted) before
	 * it commits: past the page cache, random keys cost a page read and a
	 * page write for nearly every row.  0: WB_INGEST_INDEX_REBUILD_MIN. */
	uint64_t index_rebuild_min;
	/* The files of a folder are stored in groups, one transaction each: a
	 * group is committed once its files hold GROUP_BYTES bytes or it has
	 * been open GROUP_MS milliseconds (and as long since the commit of
	 * the group before it ended), and a file of GROUP_BYTES or more is a
	 * group of its own.  Each file keeps its own sources row, hash and
	 * custody row.  0: WB_INGEST_GROUP_BYTES, WB_INGEST_GROUP_MS. */
	uint64_t group_bytes;
	unsigned group_ms;
	/* Called from the caller's thread at most every 64 KiB read, with the
	 * bytes of the top-level inputs read so far and the copies stored so far. */
	void (*progress) (void *data, uint64_t bytes, uint64_t messages);
	void *progress_data;
} wb_ingest_opts_t;

/* Counts over one wb_ingest_t (all the paths given to it). */
typedef struct {
	uint64_t sources;        /* top-level files ingested */
	uint64_t skipped;        /* top-level files already complete in the case */
	uint64_t members;        /* files and members looked at (top level included) */
	uint64_t copies;         /* message copies found */
	uint64_t added;          /* new message rows (new sha256+trap) */
	uint64_t duplicates;     /* copies already known: a location was added */
	uint64_t not_mail;       /* files or members that hold no mail */
	uint64_t flagged;        /* files, members or messages flagged (see sources.reason) */
	uint64_t skipped_members;/* Maildir tmp/ entries, links, devices */
	uint64_t bytes;          /* bytes of the top-level files read */
	uint64_t index_rebuilds; /* sources that built artifact_copies again (index_rebuild_min) */
	uint64_t commits;        /* transactions committed (groups of files, see group_bytes) */
	uint64_t batches;        /* batches of copies handed to the parse workers (a group's
				  * files share them) */
	uint64_t raw_refused;    /* new raw rows whose frame did not give the bytes back,
				  * stored as they are instead (wb_raw_encode) */
	uint64_t cache_gets;     /* the analysis's look-ups in its body cache (analyze.h) */
	uint64_t cache_hits;     /* those it answered */
} wb_ingest_stats_t;

typedef struct wb_ingest wb_ingest_t;

/* The page cache ingest gives a case of COPIES copies, in KiB:
 * WB_INGEST_CACHE_MIN_KIB and WB_INGEST_CACHE_KIB_PER_COPY a copy, at
 * most WB_INGEST_CACHE_MAX_KIB.  Set when ingest starts, and raised as
 * copies are added. */
int64_t wb_ingest_cache_kib (uint64_t copies);

/* Start an ingestion into CS (opened for writing, writer lock held) under
 * custody run RUN.  OPTS may be NULL.  Loads the traps table.  Returns NULL
 * and sets the case error on failure.  Free with wb_ingest_free(). */
wb_ingest_t *wb_ingest_new (wb_case_t *cs, int64_t run, const wb_ingest_opts_t *opts);

/* Ingest PATH: a file (one source, one transaction) or a folder (walked in
 * name order; every regular file in it is one source, and the files are
 * committed in groups: see group_bytes).  A missing PATH is
 * WB_ERR_NOT_FOUND.  Bad members do not fail the call: they are recorded as
 * flagged sources.  Fatal errors (the case cannot be written, interrupt,
 * a file changed while read) roll back the current source, commit the
 * files of its group read before it (unless the case cannot be written:
 * then the whole group is rolled back) and return non-zero with the case
 * error set.  A process killed mid-group leaves the case as it was before
 * the group; the next run skips the files complete in the case and reads
 * the group again. */
wb_status_t wb_ingest_path (wb_ingest_t *ing, const char *path);

/* Make the analysis of every copy stored in the case again, from its raw
 * bytes, on ING's pipeline (ING made without no_analysis): parsed and
 * analysed as ingest does, and stored in place of the copy's analysis
 * (wb_analysis_store), in id order, a transaction per group (group_bytes,
 * group_ms).  With findings, their STORE follows each copy's, also for a
 * copy whose EVAL gave NULL, so it can replace what the copy had.  The evidence (raw bytes, locations, header
 * fields) is not touched.  *DONE receives the copies analysed and
 * committed.  Interrupted, or on a failure, the open transaction is rolled
 * back and the call returns non-zero with the case error set. */
wb_status_t wb_ingest_reanalyze (wb_ingest_t *ing, uint64_t *done);

/* The counts so far; owned by ING. */
const wb_ingest_stats_t *wb_ingest_stats (wb_ingest_t *ing);

/* wb_ingest_free(NULL) does nothing. */
void wb_ingest_free (wb_ingest_t *ing);

/* Re-match every copy in CS against the current traps table (reading the
 * headers again from the stored raw bytes and the container chains of its
 * locations), and recompute trap_id, trap_match and local_day.  Copies that
 * become identical (same sha256 and trap) are merged: the locations move to
 * one message row and the other row (and its analysis rows) is deleted.
 * Runs inside the caller's transaction if one is open, else in its own.
 * When a copy changes trap (its analysis was made for the old one) the case
 * is marked analysis_pending, and *MOVED (if given) is set.
 * Returns WB_OK or the case error (nothing changed then). */
wb_status_t wb_ingest_assign_traps (wb_case_t *cs, gboolean *moved);

/* Whether the first LEN bytes of a stream look like mail: 2 for an mbox
 * (a From_ line), 1 for a single RFC 5322 message, 0 otherwise.  Exposed
 * for tests. */
int wb_ingest_sniff (const char *data, size_t len);

/* Append to WARN ('; '-separated) the defects of the message DATA (LEN
 * bytes) that ingest keeps as a copy with status malformed: "NUL byte at
 * offset N", "leading byte-order mark", "leading blank line", "obsolete
 * header syntax (line N)", "header line without colon (line N)", "no blank
 * line after header".  Exposed for tests. */
void wb_ingest_defects (const char *data, size_t len, GString *warn);

/* The date form of an mbox From_ line: "From ", a sender (which may hold
 * spaces) and a date, which ends the line (ctime's form with a weekday may
 * have more after its year).  An mbox splits at the lines whose form is its
 * first line's; a copy that still holds a dated From_ line of another form
 * is flagged "possibly merged". */
typedef enum {
	WB_FROM_NONE,               /* not a From_ line: no date ("From the desk of ...") */
	WB_FROM_CTIME,              /* Thu Aug 22 13:17:22 [PDT ]2002 (two-digit years too) */
	WB_FROM_CTIME_NO_WEEKDAY,   /* Aug 22 13:17:22 2002 */
	WB_FROM_RFC2822,            /* [Thu, ]22 Aug 2002 13:17:22 [+0000] */
	WB_FROM_ISO,                /* 2002-08-22T13:17:22Z, 2002-08-22 13:17:22 */
} wb_from_style_t;

/* LINE is LEN bytes without its line end.  Exposed for tests. */
wb_from_style_t wb_ingest_from_style (const char *line, size_t len);
/* Whether LINE is a From_ line of any form. */
gboolean wb_ingest_is_from_line (const char *line, size_t len);

/* Whether a copy split from an mbox (LEN bytes at DATA) still holds a
 * dated From_ line: one of another form than the file's separators, a body
 * line or a message those did not separate.  If so, appends to WARN
 * ("; "-separated) "possibly merged: From_ line at line N of the copy"
 * (the first ten lines named) and returns TRUE. */
gboolean wb_ingest_check_merged (const char *data, size_t len, GString *warn);

#endif
