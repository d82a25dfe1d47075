/* Evidence ingestion: a top-level file, and the public functions.
 * See ingest.h; the pipeline is described in ingest-pipeline.c. */
#include <fcntl.h>
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
	size_t preload;          /* BUF holds the file's first PRELOAD bytes, not handed out yet */
	uint64_t end;            /* the file's size when opened: no read past it (0: read to EOF) */
} topfile_t;

static la_ssize_t
top_read (struct archive *a, void *data, const void **out)
{
	topfile_t *t = data;
	ssize_t r;
	if (t->preload && t->pos == 0) {
		/* The first bytes, read already to see what the file is. */
		r = (ssize_t) t->preload;
		t->preload = 0;
	} else if (t->end && t->pos >= t->end) {
		/* The whole file as its size said: a read more would only see
		 * its end (a file that grew meanwhile is caught after reading). */
		r = 0;
	} else {
		t->preload = 0;
		do
			r = read (t->fd, t->buf, READ_CHUNK);
		while (r < 0 && errno == EINTR);
	}
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
	t->preload = 0;   /* the file offset is no longer at its end */
	return r;
}

/* Make T for FD (the file, opened already; T takes it), of SIZE bytes
 * when opened, and read its first bytes (T->preload of them, at most
 * READ_CHUNK) into T->buf.  Returns the bytes read, -1 on an error (errno). */
static ssize_t
top_preload (topfile_t *t, int fd, uint64_t size)
{
	memset (t, 0, sizeof *t);
	t->fd = fd;
	t->end = size;
	t->buf = g_malloc (READ_CHUNK);
	ssize_t r;
	do
		r = read (fd, t->buf, MIN ((uint64_t) READ_CHUNK, size));
	while (r < 0 && errno == EINTR);
	t->preload = r > 0 ? (size_t) r : 0;
	return r;
}

/* Open T on FD (the file, opened already; T takes it) or, with FD -1, on
 * PATH, and hand it to libarchive.  T may hold the file's first bytes
 * (top_preload), or be empty. */
static int
top_open (struct archive *a, topfile_t *t, const char *path, int fd, gboolean hash)
{
	if (t->fd < 0) {
		uint64_t end = t->end;
		memset (t, 0, sizeof *t);
		t->end = end;
		t->fd = fd >= 0 ? fd : open (path, O_RDONLY | O_CLOEXEC);
	}
	if (t->fd < 0) {
		archive_set_error (a, errno, "cannot open '%s': %s", path, g_strerror (errno));
		return ARCHIVE_FATAL;
	}
	if (!t->buf)
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

wb_status_t
wb_ingest_next_ids (wb_ingest_t *ing)
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

void
wb_ingest_push_simple (wb_ingest_t *ing, int kind)
{
	item_t *it = g_new0 (item_t, 1);
	it->kind = kind;
	wb_ingest_push (ing, it);
}

/* Back to the counts BEFORE after a rollback.  The writer's own counts
 * (copies added, duplicates, commits) it keeps right itself, as it rolls
 * back; the rest are the walker's. */
static void
restore_counts (wb_ingest_t *ing, const wb_ingest_stats_t *before)
{
	wb_ingest_stats_t w = ing->st;
	ing->st = *before;
	ing->st.added = w.added;
	ing->st.duplicates = w.duplicates;
	ing->st.index_rebuilds = w.index_rebuilds;
	ing->st.commits = w.commits;
}

static wb_status_t
writer_failed (wb_ingest_t *ing)
{
	wb_case_fail (ing->cs, ing->fail_status, "%s", ing->errmsg ? ing->errmsg : "cannot write case");
	return ing->fail_status ? ing->fail_status : WB_ERR_DB;
}

/* Roll back what the case does not hold yet, once the writer failed or
 * the walk stops: the open group, and the groups committed without waiting
 * from the first whose commit did not happen.  GROUP_LOST says how many
 * files went with them. */
static void
group_rollback (wb_ingest_t *ing)
{
	wb_ingest_flush_batch (ing);
	wb_ingest_drain (ing);
	wb_ingest_push_simple (ing, IT_ROLLBACK);
	wb_ingest_drain (ing);
	wb_ingest_stats_t before = ing->group_before;
	ing->group_lost = ing->group_open ? ing->group_files : 0;
	for (guint i = 0; ing->commits && i < ing->commits->len; i++) {
		const commit_t *c = &g_array_index (ing->commits, commit_t, i);
		if (c->seq < ing->commit_done_seq)
			continue;   /* committed */
		before = c->before;
		for (guint j = i; j < ing->commits->len; j++)
			ing->group_lost += g_array_index (ing->commits, commit_t, j).files;
		break;
	}
	if (ing->commits)
		g_array_set_size (ing->commits, 0);
	ing->group_open = FALSE;
	restore_counts (ing, &before);
}

wb_status_t
wb_ingest_group_end (wb_ingest_t *ing, gboolean wait)
{
	if (ing->group_open) {
		wb_ingest_flush_batch (ing);
		ing->committed_ok = FALSE;
		wb_ingest_push_simple (ing, IT_COMMIT);
		if (!ing->commits)
			ing->commits = g_array_new (FALSE, FALSE, sizeof (commit_t));
		commit_t c = { ing->seq_next - 1, ing->group_files, ing->group_before };
		g_array_append_val (ing->commits, c);
		ing->group_open = FALSE;
	}
	if (!wait) {
		/* The writer commits while the walker reads the next group: a
		 * drain here left the parse workers idle while the writer
		 * caught up with the batches in flight, then committed. */
		wb_ingest_flush_items (ing);
		return WB_OK;
	}
	if (!ing->commits || ing->commits->len == 0)
		return WB_OK;
	wb_ingest_drain (ing);
	if (!ing->failed) {
		g_array_set_size (ing->commits, 0);
		return WB_OK;
	}
	group_rollback (ing);
	return writer_failed (ing);
}

wb_status_t
wb_ingest_group_join (wb_ingest_t *ing, uint64_t size)
{
	wb_status_t rs;
	if (ing->group_open && size >= ing->o.group_bytes && (rs = wb_ingest_group_end (ing, !ing->grouping)))
		return rs;
	if (ing->group_open)
		return WB_OK;
	/* The ids of the case's next sources.  With groups committed without
	 * waiting, they follow the ids the walker gave them (the writer may be
	 * busy, and the case may not be asked); else the writer is idle. */
	if ((!ing->commits || ing->commits->len == 0) && (rs = wb_ingest_next_ids (ing)))
		return rs;
	ing->group_open = TRUE;
	ing->group_files = 0;
	ing->group_size = 0;
	ing->group_t0 = g_get_monotonic_time ();
	ing->group_before = ing->st;
	wb_ingest_push_simple (ing, IT_BEGIN);
	return WB_OK;
}

/* Whether the open group has been open GROUP_MS: since it began, and
 * since the commit of the group before it ended.  The walker does not
 * wait for that commit (wb_ingest_group_end); counted from the group's
 * beginning alone, the commits came more often than when it did (three
 * instead of two over the 6,046 files of the benchmark Maildir, each
 * writing the pages the groups share again). */
static gboolean
group_aged (wb_ingest_t *ing)
{
	gint64 now = g_get_monotonic_time (), age = (gint64) ing->o.group_ms * 1000;
	if (now - ing->group_t0 < age)
		return FALSE;
	if (!ing->commits || ing->commits->len == 0)
		return TRUE;
	uint64_t last = g_array_index (ing->commits, commit_t, ing->commits->len - 1).seq;
	g_mutex_lock (&ing->lock);
	gboolean ended = ing->seq_written > last;
	gint64 at = ing->commit_done_at;
	g_mutex_unlock (&ing->lock);
	return ended && now - at >= age;
}

/* A file of a group cannot be rolled back alone: a savepoint per file made
 * SQLite copy every page a file changed again into its statement journal
 * (4 GB written for the 6,046 files of a 42 MB Maildir).  The whole group
 * goes, and the next run reads it again. */
wb_status_t
wb_ingest_finish_source (wb_ingest_t *ing, src_t *top, const char *custody, int64_t size)
{
	if (ing->fatal || ing->failed || wb_interrupted) {
		group_rollback (ing);
		if (ing->failed)
			return writer_failed (ing);
		if (wb_interrupted)
			return wb_case_fail (ing->cs, WB_ERR_INTERRUPTED, "interrupted: '%s' was not ingested%s",
					     top->chain, ing->group_lost ? " (nor the files read before it since"
					     " the last commit: run the command again)" : "");
		return WB_OK;
	}
	/* A group's files share batches: a batch of one small file each kept
	 * 8 files in flight (INFLIGHT_MAX) and woke a parse worker per file.
	 * The batch may follow the file's end and custody row; the group's
	 * commit flushes it first (wb_ingest_group_end). */
	if (!ing->grouping)
		wb_ingest_flush_batch (ing);
	/* Its row not yet with the writer: written complete, at once. */
	item_t *it = wb_ingest_held_source (ing, top->id);
	if (it) {
		it->complete = TRUE;
		it->custody = g_strdup (custody);
	} else {
		it = g_new0 (item_t, 1);
		it->kind = IT_FILE_DONE;
		it->id = top->id;
		it->custody = g_strdup (custody);
		wb_ingest_push (ing, it);
	}
	if (size >= 0) {
		ing->st.sources++;
		ing->st.bytes += size;
		ing->group_size += size;
	}
	ing->group_files++;
	if (!ing->grouping || ing->group_size >= ing->o.group_bytes || group_aged (ing))
		return wb_ingest_group_end (ing, !ing->grouping);
	return WB_OK;
}

/* Whether "NAME\nVALUE" is in the complete sources of a folder walk. */
static gboolean
complete_has (wb_ingest_t *ing, const char *name, const char *value)
{
	char *k = g_strconcat (name, "\n", value, NULL);
	gboolean r = g_hash_table_contains (ing->complete, k);
	g_free (k);
	return r;
}

wb_status_t
wb_ingest_file (wb_ingest_t *ing, const char *path)
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
	gboolean hashed;
	int rc;
	char sizes[24];
	g_snprintf (sizes, sizeof sizes, "%" G_GINT64_FORMAT, (gint64) sb.st_size);
	sqlite3_stmt *st;
	if (ing->complete) {
		hashed = complete_has (ing, path, sizes);
	} else {
		st = wb_case_stmt (ing->cs,
			"SELECT 1 FROM sources WHERE parent_id IS NULL AND complete = 1 AND name = ?"
			" AND size = ? LIMIT 1");
		if (!st)
			return close (fd), WB_ERR_DB;
		sqlite3_bind_text (st, 1, path, -1, SQLITE_STATIC);
		sqlite3_bind_int64 (st, 2, sb.st_size);
		rc = sqlite3_step (st);
		sqlite3_reset (st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return close (fd), wb_case_fail_db (ing->cs, "cannot read sources");
		hashed = rc == SQLITE_ROW;
	}
	if (hashed) {
		if ((rs = hash_file (ing, path, hex, &size)))
			return close (fd), rs;
		gboolean done;
		if (ing->complete) {
			done = complete_has (ing, path, hex);
		} else {
			st = wb_case_stmt (ing->cs,
				"SELECT 1 FROM sources WHERE parent_id IS NULL AND complete = 1 AND sha256 = ?"
				" AND name = ? LIMIT 1");
			if (!st)
				return close (fd), WB_ERR_DB;
			sqlite3_bind_text (st, 1, hex, 64, SQLITE_STATIC);
			sqlite3_bind_text (st, 2, path, -1, SQLITE_STATIC);
			done = sqlite3_step (st) == SQLITE_ROW;
			sqlite3_reset (st);
		}
		if (done) {
			ing->st.skipped++;
			ing->bytes_before += size;
			return close (fd), WB_OK;
		}
	} else {
		ing->top_sb = sb;
		size = sb.st_size;
	}
	if ((rs = wb_ingest_group_join (ing, size))) {
		close (fd);
		return rs;
	}

	ing->total_out = 0;
	ing->fatal = FALSE;
	src_t *top = wb_src_new (ing, NULL, path, path);
	uint64_t copies_before = ing->st.copies;
	wb_src_push (ing, top, IT_SOURCE_BEGIN, (int64_t) size, hashed ? hex : NULL);

	/* A file that does not start like an archive or a compressed stream
	 * (a message, an mbox) is read as it is, as a member in an archive
	 * is.  Every format and filter of libarchive bidding on each file of
	 * a Maildir cost four seeks and a read more per file (strace, 6,046
	 * files), and the uu filter took a message quoting a uuencoded file
	 * for that file.  The first bytes looked at are the first read of the
	 * file (a message is one read, and no read at its end). */
	topfile_t tf = { .fd = -1 }, tf2 = { .fd = -1 };
	ssize_t np = size ? top_preload (&tf, fd, size) : 0;
	struct archive *a = wb_ingest_archive_for (tf.buf, np > 0 ? MIN ((size_t) np, 512u) : 0);
	ing->top = a;
	ing->top_size = size;
	if (size == 0) {
		close (fd);
		top->format = "empty";
		wb_src_mark (ing, top, "not-mail", "empty");
	} else if (top_open (a, &tf, path, fd, !hashed) != ARCHIVE_OK) {
		const char *err = archive_error_string (a);
		top->format = "unknown";
		wb_src_mark (ing, top, "flagged", "%s", err ? err : "cannot open");
	} else {
		arch_t as = { a, 0, NULL };
		wb_ingest_process_archive (ing, &as, top);
		if (top->filters && top->format && strcmp (top->format, "binary") == 0) {
			/* Compressed zeros read as an empty tar: read the file again
			 * as a plain stream so that the decompression guard sees it. */
			archive_read_free (a);
			ing->top = a = wb_ingest_archive_new (TRUE);
			ing->total_out = 0;
			top->role = NULL;
			top->format = NULL;
			g_clear_pointer (&top->reason, g_free);
			arch_t as2 = { a, 0, NULL };
			tf2.end = size;
			if (top_open (a, &tf2, path, -1, FALSE) == ARCHIVE_OK)
				wb_ingest_process_archive (ing, &as2, top);
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
	wb_src_push (ing, top, IT_SOURCE_END, (int64_t) size, hex);

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
	rs = wb_ingest_finish_source (ing, top, custody, (int64_t) size);
	if (!rs && hash_rs)
		rs = wb_case_fail (ing->cs, hash_rs, "%s", hash_err);
	g_free (hash_err);
	if (!rs && changed)
		rs = wb_case_fail (ing->cs, WB_ERR_IO, "'%s' changed while it was read: not ingested%s "
				   "(ingest it again once nothing writes to it)", path,
				   ing->group_lost ? ", nor the files read before it since the last commit" : "");
	g_free (custody);
	ing->bytes_before += size;
	ing->top_size = 0;
	wb_src_free (top);
	return rs;
}
/* ------------------------------------------------------------ public */

/* A page cache as large as the indexes ingest writes into at random
 * places (the sha256 keys, the values' keys, artifact_copies): with
 * SQLite's default 2 MiB they spill pages to the file over and over.
 * 128 MiB: 200,000 copies with analysis wrote 9.8 GB for a 3.3 GB case
 * with 64 MiB, 5.9 GB with 128 MiB (4.6 GB since the value index is built
 * again after a large source).  The cache is the largest part of the peak
 * RSS: 112 MiB since the parse workers keep a body cache (analyze.h),
 * 1,000,000 copies peaked at 310 MiB with 128, 297 with 120, 278 with 112.
 *
 * But most of what a copy adds is appended and not read again while
 * ingest writes (its raw bytes, texts, hops, its rows), and what it adds
 * to the indexes is about 1.6 KB (dbstat: 9.6 MB of the 6,046-copy
 * benchmark Maildir's 68 MB case).  112 MiB from the start held the whole
 * of a small case in memory until its commit wrote it at once, the other
 * core idle, and every page of it was memory the process touched for the
 * first time (faults that cost this machine's guest 4-8 us a page).  So
 * the cache starts at 16 MiB and takes 2 KiB a copy the case holds,
 * raised every WRITEBACK_BATCHES batches, up to 112 MiB at 49,152 copies.
 * Alternated pairs against 112 MiB throughout: the benchmark Maildir
 * 0.898 (12 pairs), 25,000 copies of the bench mbox 0.887 (6), 200,000
 * copies 0.918 and 0.964 (2); a fixed 16 MiB was as good below 25,000
 * copies (0.886, 0.874) but 1.04-1.19 at 200,000, 48 MiB 1.05 at 25,000.
 * 1,000,000 copies: peak RSS 290 MiB against 283, in as long (191 and
 * 189 s). */
int64_t
wb_ingest_cache_kib (uint64_t copies)
{
	uint64_t room = WB_INGEST_CACHE_MAX_KIB - WB_INGEST_CACHE_MIN_KIB;
	uint64_t more = copies < room / WB_INGEST_CACHE_KIB_PER_COPY ? copies * WB_INGEST_CACHE_KIB_PER_COPY : room;
	return WB_INGEST_CACHE_MIN_KIB + (int64_t) more;
}

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
	if (!ing->o.group_bytes)
		ing->o.group_bytes = WB_INGEST_GROUP_BYTES;
	if (!ing->o.group_ms)
		ing->o.group_ms = WB_INGEST_GROUP_MS;
	char *codec = wb_case_info (cs, "raw_codec");
	if (codec && !wb_raw_codec_parse (codec, &ing->raw_codec)) {
		wb_case_fail (cs, WB_ERR_FORMAT, "case_info raw_codec is '%s', not 'zstd' or 'none'", codec);
		g_free (codec);
		g_hash_table_destroy (traps);
		g_free (ing);
		return NULL;
	}
	g_free (codec);
	ing->traps = traps;
	/* A case with no copy yet: the writer numbers the new ones'
	 * campaigns as it goes (wb_campaign_live_t), so that the pass after
	 * the ingest need not write every row again. */
	if (!ing->o.no_analysis) {
		sqlite3_stmt *st = wb_case_stmt (cs, "SELECT 1 FROM messages LIMIT 1");
		if (st && sqlite3_step (st) == SQLITE_DONE)
			ing->camp = wb_campaign_live_new (TRUE);
		if (st)
			sqlite3_reset (st);
	}
	if (!ing->o.no_analysis)
		ing->body_cache = wb_body_cache_new (WB_BODY_CACHE_BYTES);
	ing->case_fd = open (wb_case_path (cs), O_RDONLY | O_CLOEXEC);
	/* The page cache follows the case's size (wb_ingest_cache_kib). */
	sqlite3_stmt *mx = wb_case_stmt (cs, "SELECT coalesce(max(id), 0) FROM messages");
	if (mx && sqlite3_step (mx) == SQLITE_ROW)
		ing->copies_before = (uint64_t) sqlite3_column_int64 (mx, 0);
	if (mx)
		sqlite3_reset (mx);
	ing->cache_kib = wb_ingest_cache_kib (ing->copies_before);
	ing->cache_before = wb_case_cache_set (cs, ing->cache_kib);
	/* The writer inserts each copy's analysis rows right after the copy's
	 * own row, with its new id: the foreign-key look-up of every hop,
	 * artifact and fact row can only succeed.  Off while ingesting (it
	 * cannot change inside a transaction: none is open here), on again in
	 * wb_ingest_free(). */
	sqlite3_exec (wb_case_db (cs), "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	g_mutex_init (&ing->lock);
	g_mutex_init (&ing->db_lock);
	g_cond_init (&ing->cond);
	g_cond_init (&ing->gate);
	ing->parse_behind = MAX (1, (int) g_get_num_processors () - 1);
	ing->work_q = g_async_queue_new ();
	ing->done_q = g_async_queue_new ();
	ing->nworkers = ing->o.threads;
	ing->workers = g_new0 (GThread *, ing->nworkers);
	ing->worker_free_q = g_new0 (GAsyncQueue *, ing->nworkers);
	for (int i = 0; i < ing->nworkers; i++) {
		worker_t *w = g_new0 (worker_t, 1);
		w->ing = ing;
		w->free_q = ing->worker_free_q[i] = g_async_queue_new_full ((GDestroyNotify) wb_ingest_item_free);
		w->popts = g_mime_parser_options_new ();
		w->parser = g_mime_parser_new ();
		w->warn = g_string_new (NULL);
		ing->workers[i] = g_thread_new ("wb-parse", wb_ingest_worker_main, w);
	}
	ing->writer = g_thread_new ("wb-write", wb_ingest_writer_main, ing);
	return ing;
}

wb_status_t
wb_ingest_path (wb_ingest_t *ing, const char *path)
{
	struct stat sb;
	if (stat (path, &sb) != 0)
		return wb_case_fail (ing->cs, errno == ENOENT ? WB_ERR_NOT_FOUND : WB_ERR_IO,
				     "cannot read '%s': %s", path, g_strerror (errno));
	if (!S_ISDIR (sb.st_mode))
		return wb_ingest_file (ing, path);
	/* The sources complete in the case, for the resume check: while a
	 * group is stored the walker cannot ask the case (the writer's thread
	 * uses it).  No group is open here, so the writer is idle. */
	sqlite3_stmt *st = wb_case_stmt (ing->cs, "SELECT name, size, sha256 FROM sources"
				       " WHERE parent_id IS NULL AND complete = 1 AND substr(name, 1, ?) = ?");
	if (!st)
		return WB_ERR_DB;
	ing->complete = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	sqlite3_bind_int64 (st, 1, (int64_t) strlen (path));
	sqlite3_bind_text (st, 2, path, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		const char *name = (const char *) sqlite3_column_text (st, 0);
		const char *sha = (const char *) sqlite3_column_text (st, 2);
		if (!name)
			continue;
		g_hash_table_add (ing->complete, g_strdup_printf ("%s\n%" G_GINT64_FORMAT, name,
								 (gint64) sqlite3_column_int64 (st, 1)));
		if (sha)
			g_hash_table_add (ing->complete, g_strconcat (name, "\n", sha, NULL));
	}
	sqlite3_reset (st);
	wb_status_t rs = rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (ing->cs, "cannot read sources");
	/* A Maildir given directly: its tmp/ is skipped like any other. */
	ing->grouping = TRUE;
	if (!rs)
		rs = wb_ingest_dir (ing, path, 0);
	/* The files of the last group (or those before a failure) are complete. */
	wb_status_t end = wb_ingest_group_end (ing, TRUE);
	ing->grouping = FALSE;
	g_clear_pointer (&ing->complete, g_hash_table_destroy);
	return rs ? rs : end;
}

const wb_ingest_stats_t *
wb_ingest_stats (wb_ingest_t *ing)
{
	if (ing->body_cache)
		wb_body_cache_stats (ing->body_cache, &ing->st.cache_gets, &ing->st.cache_hits, NULL, NULL);
	return &ing->st;
}

void
wb_ingest_free (wb_ingest_t *ing)
{
	if (!ing)
		return;
	wb_ingest_flush_items (ing);   /* none after a drain; the writer frees what is left */
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
	wb_case_forget_ids (ing->cs);
	wb_case_cache_restore (ing->cs, ing->cache_before);
	if (ing->case_fd >= 0)
		close (ing->case_fd);
	wb_ingest_batch_free (ing->batch);
	if (ing->held_items)
		g_ptr_array_free (ing->held_items, TRUE);
	if (ing->complete)
		g_hash_table_destroy (ing->complete);
	if (ing->commits)
		g_array_free (ing->commits, TRUE);
	g_async_queue_unref (ing->work_q);
	g_async_queue_unref (ing->done_q);
	for (int i = 0; i < ing->nworkers; i++)
		g_async_queue_unref (ing->worker_free_q[i]);   /* frees the batches left in it */
	g_free (ing->worker_free_q);
	g_free (ing->workers);
	g_hash_table_destroy (ing->traps);
	wb_campaign_live_free (ing->camp);
	wb_body_cache_free (ing->body_cache);
	g_mutex_clear (&ing->lock);
	g_mutex_clear (&ing->db_lock);
	g_cond_clear (&ing->cond);
	g_cond_clear (&ing->gate);
	g_free (ing->errmsg);
	g_free (ing);
}
