/* The case file: one SQLite database per case (schema: evidence/schema.sql).
 *
 * A wb_case_t is an open case.  Libraries take it and never print; on
 * failure they return a wb_status_t and leave a message on the case that
 * wb_case_errmsg() returns. */
#ifndef WB_CASE_H
#define WB_CASE_H

#include <stdint.h>
#include <sqlite3.h>
#include <openssl/types.h>
#include <glib.h>
#include "status.h"

typedef struct wb_case wb_case_t;

typedef enum {
	WB_OPEN_READ,     /* read-only (SQLITE_OPEN_READONLY) */
	WB_OPEN_WRITE,    /* read-write; take the writer lock with wb_case_lock() */
} wb_open_mode_t;

/* Current schema version (PRAGMA user_version of a new case). */
#define WB_SCHEMA_VERSION 8

/* The index the campaigns pass reads (schema.sql, word for word): made by
 * the upgrade from version 7 (with sources_run), and built again by the
 * pass when it changes most rows. */
#define WB_CAMPAIGN_INDEX "CREATE INDEX messages_campaign ON messages(fingerprint, campaign)"

/* The case_info key that says copies carry campaign numbers an ingest
 * gave as it stored a new case's copies (wb_campaign_live_t), not yet
 * confirmed by wb_analyze_campaigns(): set in their transaction, deleted
 * by the pass. */
#define WB_CAMPAIGNS_PENDING "campaigns_pending"

/* Create a new case file at PATH; fails with WB_ERR_EXISTS if PATH exists.
 * NAME and FILED (YYYY-MM-DD) may be NULL.  On success *OUT owns the case,
 * opened for writing and locked; free it with wb_case_free().  On failure
 * *OUT is NULL and *ERRMSG (if given) receives a newly allocated message.
 * The first case created or opened in the process turns SQLite's memory
 * statistics off (SQLITE_CONFIG_MEMSTATUS): sqlite3_memory_used() stays 0. */
wb_status_t wb_case_create (const char *path, const char *name, const char *filed,
			    wb_case_t **out, char **errmsg);

/* Open an existing case file.  WB_OPEN_WRITE refuses a read-only file or
 * folder (WB_ERR_READONLY) before any work, and upgrades an older schema
 * in one transaction; WB_OPEN_READ refuses an older schema with
 * WB_ERR_OLD_SCHEMA.  Errors as for wb_case_create(). */
wb_status_t wb_case_open (const char *path, wb_open_mode_t mode, wb_case_t **out,
			  char **errmsg);

/* The schema version the case had when wb_case_open() upgraded it, or 0
 * if it was current. */
int wb_case_upgraded_from (wb_case_t *cs);

/* Close the case and release its lock.  wb_case_free(NULL) does nothing. */
void wb_case_free (wb_case_t *cs);

/* Take the writer lock (a lock on PATH.lock beside the case, which exists
 * only while a writer holds it or after one was killed).  A second writer
 * gets WB_ERR_BUSY with "case in use by pid N".  Idempotent.  Unlock
 * removes the file. */
wb_status_t wb_case_lock (wb_case_t *cs);
void wb_case_unlock (wb_case_t *cs);

/* The SQLite connection, owned by the case. */
sqlite3 *wb_case_db (wb_case_t *cs);
const char *wb_case_path (wb_case_t *cs);
gboolean wb_case_writable (wb_case_t *cs);

/* The last error message; owned by the case, valid until the next call. */
const char *wb_case_errmsg (wb_case_t *cs);
/* Set the error message (printf-style) and return STATUS; for library code. */
wb_status_t wb_case_fail (wb_case_t *cs, wb_status_t status, const char *fmt, ...)
	G_GNUC_PRINTF (3, 4);
/* Record SQLite's current error as the case error: "WHAT: sqlite message". */
wb_status_t wb_case_fail_db (wb_case_t *cs, const char *what);

/* A value from case_info, newly allocated, or NULL. */
char *wb_case_info (wb_case_t *cs, const char *key);
/* Set case_info KEY to VALUE; a NULL VALUE removes KEY. */
wb_status_t wb_case_set_info (wb_case_t *cs, const char *key, const char *value);

/* The connection's page cache, for a bulk job: wb_case_cache_set sets it
 * to KIB kibibytes and returns the setting it had; wb_case_cache_restore
 * puts that back.  Both give the pages a smaller cache drops back to the
 * system (the allocator would keep them).  SQLite sorts with up to
 * the cache size of memory besides the cache: left raised, a GROUP BY
 * after a big ingest grew the peak RSS with the corpus. */
int64_t wb_case_cache_set (wb_case_t *cs, int64_t kib);
void wb_case_cache_restore (wb_case_t *cs, int64_t before);

/* Under tcmalloc (the program's allocator), give the free spans of its page
 * heap back to the system, as they are never given back of themselves;
 * nothing under the C library's malloc.  Thread-safe.  This, and the
 * release wb_case_cache_set and _restore make, happen only while the
 * process holds WB_MALLOC_RELEASE_RSS or more: each free span is a system
 * call, and each makes the kernel flush the other cores' TLBs.  At the end
 * of a 6,046-file folder's ingest that was 822 calls and 48-66 ms, 3-4%
 * of its time, to trim a process of 160 MiB; the peaks these releases
 * keep down (200,000 and 1,000,000 copies) are 250 MiB and more. */
#define WB_MALLOC_RELEASE_RSS (192u << 20)
void wb_malloc_release (void);
/* Under tcmalloc, bound what its threads' caches keep free to
 * WB_MALLOC_THREAD_CACHE bytes in all (tcmalloc's own bound is 32 MiB);
 * nothing under the C library's malloc.  Once, at the start. */
#define WB_MALLOC_THREAD_CACHE (8u << 20)
void wb_malloc_limit_caches (void);

/* Transactions.  begin is BEGIN IMMEDIATE. */
wb_status_t wb_case_begin (wb_case_t *cs);
wb_status_t wb_case_commit (wb_case_t *cs);
void wb_case_rollback (wb_case_t *cs);

/* Run SQL (one or more statements, no parameters, no rows read).  On
 * failure the case error is "WHAT: sqlite message". */
wb_status_t wb_case_exec (wb_case_t *cs, const char *sql, const char *what);
/* Step ST once, for its effect (a row it gives is not read), then reset it
 * and clear its bindings, so that the next use binds afresh.  WB_OK when
 * it is done or gave a row; else the case error is "WHAT: sqlite message"
 * and its status is returned. */
wb_status_t wb_case_step (wb_case_t *cs, sqlite3_stmt *st, const char *what);
/* Bind S to parameter I of ST, or NULL when S is NULL.  S is not copied:
 * it must stay valid until ST is stepped (and reset, as wb_case_step
 * does).  Returns SQLite's result code. */
int wb_case_bind_text (sqlite3_stmt *st, int i, const char *s);

/* The key of a body text (body_texts.key): the first 8 bytes of the
 * SHA-256 of its LEN bytes, big-endian, as a signed 64-bit integer.  Two
 * texts may share a key: a lookup compares the text too. */
int64_t wb_text_key (const char *text, size_t len);
/* The same key from the text's SHA-256, made already. */
int64_t wb_text_key_of (const unsigned char sha256[32]);

/* Prepare SQL (cached on the case for its lifetime; reset before return).
 * Returns NULL and sets the case error on failure.  The statement is owned by
 * the case: do not finalize it. */
sqlite3_stmt *wb_case_stmt (wb_case_t *cs, const char *sql);

/* The id of the row of a table of distinct values that FIND (a SELECT of
 * its id) finds for the N texts V, else of the row ADD (an INSERT of them)
 * adds.  V[i] is bound to parameter i+1 of both; a NULL binds NULL, so FIND
 * compares with IS where a text may be NULL.  Ids are remembered on the
 * case, keyed by FIND and V, so a writer that meets a value again asks
 * SQLite nothing; they are keyed by FIND's address, so FIND must be a
 * string that lives as long as the case (a literal), as its text is not
 * compared.  They outlive a commit; all are forgotten at a rollback (the
 * rows it took may come back under the same ids with other values), when
 * another connection has written the case since this one's last
 * transaction (PRAGMA data_version), when SQL on this connection changes
 * or deletes a row of a table FIND reads, and when more than
 * WB_CASE_IDS_MAX are held.
 *
 * When FIND is "SELECT id FROM T WHERE ..." and ADD "INSERT INTO T ...",
 * and T was empty when wb_case_intern first met it, FIND does not run
 * while every row of T is one it added and kept: a value not kept is then
 * a new one.  A row added to T any other way (SQL or a trigger on this
 * connection, another FIND of T) ends that.  No DELETE without WHERE on
 * such a table, on this connection: SQLite does not report it.
 * On failure the case error is "WHAT: sqlite message". */
wb_status_t wb_case_intern (wb_case_t *cs, const char *find, const char *add, const char *const *v,
			    int n, const char *what, int64_t *id);
#define WB_CASE_IDS_MAX 200000
/* Drop index NAME (of a table wb_case_intern() adds to) for the rest of
 * the transaction: a table that takes many new values then grows without
 * the index, which is built again, sorted, by wb_case_restore_indexes(),
 * by wb_case_commit() before it commits, and by the first
 * wb_case_intern() that must ask SQLite about that table (its FIND reads
 * the index).  A rollback takes the drop back with the rest.  Nothing else
 * may read the table by the index's keys meanwhile.  An index that is not
 * there is left so. */
wb_status_t wb_case_defer_index (wb_case_t *cs, const char *name);
wb_status_t wb_case_restore_indexes (wb_case_t *cs);
/* Forget every id wb_case_intern() remembers (they are asked of SQLite
 * again when met): their memory goes back, tens of MiB after a large
 * ingest. */
void wb_case_forget_ids (wb_case_t *cs);
/* Any other number a writer learns once a transaction: kept on the case
 * under the address of TAG (a string that lives as long as the case, not
 * compared: a statement's SQL, as for wb_case_intern) and the N texts V,
 * and forgotten when the transaction commits or rolls back.
 * wb_case_kept() gives TRUE and *VALUE if it is kept; wb_case_keep() keeps
 * VALUE, in place of one kept before. */
gboolean wb_case_kept (wb_case_t *cs, const char *tag, const char *const *v, int n, int64_t *value);
void wb_case_keep (wb_case_t *cs, const char *tag, const char *const *v, int n, int64_t value);

/* Custody.  wb_case_run_begin() appends a 'begin' row for COMMAND with
 * DETAIL (the command line, say) in its own transaction and returns the run
 * number; wb_case_custody() appends a row to run RUN inside the caller's
 * transaction; wb_case_run_end() appends the 'end' row with DETAIL (counts). */
wb_status_t wb_case_run_begin (wb_case_t *cs, const char *command, const char *detail,
			       int64_t *run);
wb_status_t wb_case_custody (wb_case_t *cs, int64_t run, const char *action,
			     const char *detail);
wb_status_t wb_case_run_end (wb_case_t *cs, int64_t run, const char *detail);
/* The command and operator the case's custody rows carry.  Defaults: no
 * command, operator from $WB_OPERATOR, else the login name. */
void wb_case_set_command (wb_case_t *cs, const char *command);

/* UTC now as "YYYY-MM-DDTHH:MM:SSZ", newly allocated. */
char *wb_now_iso (void);

/* The case clock for reproducible outputs: $SOURCE_DATE_EPOCH when set,
 * else the time of the last custody row that changed the evidence or the
 * findings (rows of reports and verification do not count), else the
 * case's creation time.  Unix seconds. */
int64_t wb_case_clock (wb_case_t *cs);

/* SHA-256 (OpenSSL) of LEN bytes at DATA as 64 hex digits into OUT[65]. */
void wb_sha256_hex (const void *data, size_t len, char out[65]);
/* SHA-256 and size of the file at PATH (mapped, not copied).  FALSE with
 * ERR set (naming the file) when it cannot be read. */
gboolean wb_sha256_file (const char *path, char out[65], int64_t *size, GError **err);
/* OpenSSL's SHA-256, fetched once for the process: EVP_sha256() makes each
 * EVP_DigestInit_ex look it up again in the provider store. */
const EVP_MD *wb_sha256_md (void);
/* The 32 bytes of a SHA-256 digest MD as 64 lower-case hex digits. */
void wb_digest_hex (const unsigned char md[32], char out[65]);

/* The identity of a copy (messages.ident): the SHA-256 of its LEN bytes at
 * DATA after every leading '>' is removed from each line that matches
 * ^>+From (the quoting that mboxo and mboxrd writers add, and that a
 * Maildir or .eml copy of the same delivery lacks).  SHA, when not NULL,
 * is the SHA-256 of the bytes themselves: when no line is quoted the
 * identity is that hash, and no second hash is computed.  Two copies of
 * one trap with the same identity are one message with two locations;
 * each location keeps its own bytes (locations.raw_id). */
void wb_copy_ident (const void *data, size_t len, const char *sha, char out[65]);

/* The case digest: the SHA-256, as 64 hex digits into OUT[65], of the
 * lines wb_case_digest_sql gives with :run bound to RUN (each line and a
 * newline), as `sqlite3 -readonly CASE ".parameter set :run RUN"
 * ".read digest.sql" | sha256sum` gives it (reports/README.md).  It covers
 * the evidence, the findings, the statutes, the parties and the custody
 * rows before run RUN, so the runs that follow (a report's own rows, a
 * verification) leave it as it was. */
extern const char wb_case_digest_sql[];
wb_status_t wb_case_digest (wb_case_t *cs, int64_t run, char out[65]);

/* The stored bytes of a copy.  raw.bytes holds them as found (raw.codec
 * 'none') or as one standard zstd frame of them ('zstd'; `zstd -d` gives
 * them back); raw.size is their length and raw.sha256 their hash either
 * way.  case_info 'raw_codec' says how ingest stores new bytes: 'zstd' in
 * a case made by 'init' unless --raw-codec none, 'none' in a case upgraded
 * from version 4 (its rows stay as they were). */
typedef enum {
	WB_RAW_NONE,     /* the bytes as they are */
	WB_RAW_ZSTD,     /* one zstd frame, with its content size and checksum */
} wb_raw_codec_t;

/* The level ingest compresses at, its literals (the bytes no match
 * covers) stored as they are, not Huffman-coded.  On mail, level 1 costs a
 * quarter less CPU than zstd's default 3 (21.5 against 28.4 us a copy)
 * for frames 2% larger (0.409 of the bytes against 0.401).  Coding the
 * literals is most of the rest: over the first 50,000 copies of the
 * benchmark mbox, compressing and checking each frame took 0.57 of the
 * time without it (19.8 against 34.4 us a copy), for frames of 0.54 of
 * the bytes against 0.42; level -1 took 0.66 for 0.54. */
#define WB_RAW_ZSTD_LEVEL 1

/* "none" or "zstd" (static). */
const char *wb_raw_codec_name (wb_raw_codec_t codec);
/* NAME as a codec; FALSE if it names none. */
gboolean wb_raw_codec_parse (const char *name, wb_raw_codec_t *codec);

/* Compress the LEN bytes at DATA into one zstd frame at LEVEL and check
 * it: WB_RAW_ZSTD with *FRAME (g_free) and *FLEN when the frame is at
 * most 15/16 of LEN and decompresses to exactly these bytes; else
 * WB_RAW_NONE, *FRAME NULL, and the bytes are to be stored as they are.
 * *REFUSED (if given) is set when a frame was made but did not give the
 * bytes back (a fault of the compressor or of memory).  Thread-safe: each
 * thread keeps its own zstd contexts. */
wb_raw_codec_t wb_raw_encode (const void *data, size_t len, int level, void **frame,
			      size_t *flen, gboolean *refused);
/* Whether the FLEN-byte zstd frame at FRAME decompresses to exactly the
 * LEN bytes at DATA. */
gboolean wb_raw_check (const void *frame, size_t flen, const void *data, size_t len);

/* The bytes a raw row stands for, from its CODEC, its LEN stored bytes at
 * BLOB and SIZE (raw.size): the one decoder every reader uses.  'none'
 * gives the stored bytes as they are, whatever their length ('verify'
 * compares them with size and sha256); 'zstd' must decompress to exactly
 * SIZE bytes.  NULL with *WHY (if given; g_free) saying why when the
 * frame does not decode or the codec is unknown.  Thread-safe. */
GBytes *wb_raw_decode (const char *codec, const void *blob, size_t len, int64_t size, char **why);

/* wb_raw_decode() for a thread that decodes row after row (reanalyze's
 * parse workers): a frame's bytes go into a room the thread keeps and
 * reuses (freed when the thread ends), not a new allocation each.  The
 * *OUT_LEN bytes returned are BLOB itself for 'none', else the room's,
 * valid until the thread's next call.  NULL with *WHY (if given; g_free)
 * as wb_raw_decode() says it. */
const void *wb_raw_decode_scratch (const char *codec, const void *blob, size_t len, int64_t size,
				   size_t *out_len, char **why);

/* The bytes of raw row RAW_ID, decoded, into *OUT (the caller unrefs).
 * WB_ERR_NOT_FOUND when there is no such row; WB_ERR_INTEGRITY with
 * "stored bytes N cannot be read: WHY" when its frame does not decode. */
wb_status_t wb_case_raw_bytes (wb_case_t *cs, int64_t raw_id, GBytes **out);

/* "stored bytes ID cannot be read: WHY ('workbench verify' names its
 * copies)" (g_free): the error wb_raw() in SQL gives for raw row ID, for a
 * reader that decodes the row with wb_raw_decode() outside SQL. */
char *wb_raw_error (int64_t id, const char *why);

/* wb_raw(CODEC, BYTES, SIZE [, ID]) in SQL, on every connection
 * wb_case_open() makes: wb_raw_decode() for queries that read raw.bytes.
 * A frame that does not decode is the query's error, "stored bytes ID
 * cannot be read: WHY" when the row's ID is given (our queries give it, so
 * the error names the row 'verify' lists with its copies). */
void wb_raw_sql (sqlite3_context *ctx, int argc, sqlite3_value **argv);

#endif
