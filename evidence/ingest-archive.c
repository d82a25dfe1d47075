/* Archives and compressed streams, read through libarchive, members
 * within members; the guard on decompressed bytes. */
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

/* ------------------------------------------------ guarded stream reads */

/* Read data of the current entry of AS.  Returns bytes read, 0 at the end,
 * -1 on a read error (archive_error_string), -2 when the guard trips
 * (AS->guard says which). */
ssize_t
wb_ingest_rd (wb_ingest_t *ing, arch_t *as, void *buf, size_t n)
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
	wb_ingest_progress (ing);
	return r;
}

const char *
wb_ingest_read_error (arch_t *as)
{
	const char *e = archive_error_string (as->a);
	return e ? e : "read error";
}

/* "truncated" or "corrupt" from a libarchive message. */
const char *
wb_ingest_damage_kind (const char *err)
{
	if (!err)
		return "corrupt";
	char *low = g_ascii_strdown (err, -1);
	gboolean t = strstr (low, "truncat") || strstr (low, "unexpected end") ||
		strstr (low, "premature") || strstr (low, "eof");
	g_free (low);
	return t ? "truncated" : "corrupt";
}

ssize_t
wb_ingest_member_read (member_t *m, void *buf, size_t n)
{
	if (m->err)
		return m->err;
	ssize_t r = wb_ingest_rd (m->ing, m->parent, buf, n);
	if (r < 0) {
		m->err = (int) r;
		return r;
	}
	EVP_DigestUpdate (m->ctx, buf, r);
	m->size += r;
	return r;
}

/* ---------------------------------------------------------- archives */

/* Every filter but uu: libarchive's uu filter bids on a "begin " line
 * anywhere in a stream's first bytes, so a message (or a whole mbox) that
 * quotes a uuencoded file would be read as that file alone.  A stream that
 * starts with one is a uuencoded file (wb_ingest_archive_for). */
static void
support_filters (struct archive *a)
{
	archive_read_support_filter_bzip2 (a);
	archive_read_support_filter_compress (a);
	archive_read_support_filter_gzip (a);
	archive_read_support_filter_grzip (a);
	archive_read_support_filter_lrzip (a);
	archive_read_support_filter_lz4 (a);
	archive_read_support_filter_lzip (a);
	archive_read_support_filter_lzma (a);
	archive_read_support_filter_lzop (a);
	archive_read_support_filter_rpm (a);
	archive_read_support_filter_xz (a);
	archive_read_support_filter_zstd (a);
}

struct archive *
wb_ingest_archive_new (gboolean raw_only)
{
	struct archive *a = archive_read_new ();
	support_filters (a);
	if (!raw_only) {
		archive_read_support_format_tar (a);
		archive_read_support_format_zip (a);
		archive_read_support_format_7zip (a);
		archive_read_support_format_cpio (a);
	}
	archive_read_support_format_raw (a);
	return a;
}

struct archive *
wb_ingest_archive_for (const char *d, size_t n)
{
	struct archive *a;
	if (!wb_ingest_looks_packed (d, n)) {
		a = archive_read_new ();
		archive_read_support_format_raw (a);
		return a;
	}
	a = wb_ingest_archive_new (FALSE);
	if (n >= 6 && memcmp (d, "begin", 5) == 0)
		archive_read_support_filter_uu (a);
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


/* Whether data starts like something libarchive must unpack: a compressed
 * stream, an archive, a uuencoded file, or a program (a self-extracting
 * zip or 7z).  Anything else is read as plain data: a message that quotes
 * a uuencoded attachment is a message (libarchive's uu filter bids on a
 * "begin " line anywhere in its first bytes, and read such a file as the
 * attachment alone). */
gboolean
wb_ingest_looks_packed (const char *d, size_t n)
{
	static const struct { const char *magic; size_t len; size_t at; } magics[] = {
		{ "\x1f\x8b", 2, 0 }, { "\x1f\x9d", 2, 0 }, { "BZh", 3, 0 },
		{ "\xfd" "7zXZ\0", 6, 0 }, { "\x28\xb5\x2f\xfd", 4, 0 }, { "\x5d\0\0", 3, 0 },
		{ "\x04\x22\x4d\x18", 4, 0 }, { "LZIP", 4, 0 }, { "\x89LZO", 4, 0 },
		{ "LRZI", 4, 0 }, { "GRZipII", 7, 0 }, { "\xed\xab\xee\xdb", 4, 0 },
		{ "PK\x03\x04", 4, 0 }, { "PK\x05\x06", 4, 0 }, { "PK\x07\x08", 4, 0 },
		{ "7z\xbc\xaf\x27\x1c", 6, 0 }, { "070707", 6, 0 }, { "070701", 6, 0 },
		{ "070702", 6, 0 }, { "\xc7\x71", 2, 0 }, { "\x71\xc7", 2, 0 },
		{ "ustar", 5, 257 }, { "MZ", 2, 0 }, { "\x7f" "ELF", 4, 0 },
		{ "begin ", 6, 0 }, { "begin-base64 ", 13, 0 },
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
	ssize_t r = wb_ingest_member_read (m, m->buf, READ_CHUNK);
	if (r < 0) {
		archive_set_error (a, EIO, "%s", r == -2 ? m->parent->guard : wb_ingest_read_error (m->parent));
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
	wb_src_mark (ing, h->s, "skipped", "Maildir tmp/ (delivery in progress)");
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
	wb_ingest_flush_batch (ing);
	wb_ingest_drain (ing);
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
	char *why = rc == SQLITE_DONE ? NULL : g_strdup (sqlite3_errmsg (wb_case_db (ing->cs)));
	for (guint i = 0; i < locs->len && rc == SQLITE_DONE && !ing->fatal; i++) {
		loc_t *l = &g_array_index (locs, loc_t, i);
		wb_ingest_drain (ing);   /* add_copy may have handed a batch to the writer */
		GBytes *g = NULL;
		if (wb_case_raw_bytes (ing->cs, l->raw, &g)) {
			rc = SQLITE_ERROR;
			why = g_strdup (wb_case_errmsg (ing->cs));
			break;
		}
		gsize len;
		const char *buf = g_bytes_get_data (g, &len);
		wb_ingest_add_copy (ing, s, buf ? buf : "", len, l->offset, l->from_line,
				    l->from_line ? strlen (l->from_line) : 0, l->split, NULL);
		g_bytes_unref (g);
	}
	if (rc != SQLITE_DONE && !ing->fatal)
		wb_src_mark (ing, s, "flagged", "hard link: cannot read its copies back from the case: %s",
			  why ? why : "unknown error");
	g_free (why);
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
		wb_src_mark (ing, s, strcmp (t->role, "not-mail") ? "skipped" : "not-mail",
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
	wb_ingest_flush_batch (ing);
	wb_ingest_drain (ing);   /* its source row is written */
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
	wb_src_push (ing, s, IT_SOURCE_END, size, hex);
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
	wb_src_free (h->s);
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
		wb_src_mark (ing, s, "not-mail", "empty");
	} else if (wb_ingest_looks_packed (d, n)) {
		struct archive *b = wb_ingest_archive_for (d, n);
		archive_read_open_memory (b, d, n);
		arch_t child = { b, 0, NULL };
		wb_ingest_process_archive (ing, &child, s);
		archive_read_free (b);
	} else {
		wb_ingest_handle_plain (ing, NULL, s, NULL, d, n);
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
			wb_src_mark (ing, h->s, "not-mail", "empty (hard-linked: no other name of it holds data)");
			member_end (ing, c, h->s, NULL, -1, NULL);
		} else {
			h->s->format = "hardlink";
			wb_src_mark (ing, h->s, "flagged", "hard link to '%s': no member of the archive holds its data",
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
	char *name = wb_ingest_escape_name (raw_name ? raw_name : "");
	char *chain = g_strdup_printf ("%s!%s", parent->chain, name);
	src_t *s = wb_src_new (ing, parent, name, chain);
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
	char *link = raw_link ? wb_ingest_escape_name (raw_link) : NULL;
	gboolean has_data = archive_entry_size_is_set (e) && archive_entry_size (e) > 0;

	wb_src_push (ing, s, IT_SOURCE_BEGIN, -1, NULL);
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
		wb_src_mark (ing, s, "skipped", "not a regular file");
		ing->st.skipped_members++;
		goto done;
	}
	if (archive_entry_is_encrypted (e)) {
		s->format = "encrypted";
		wb_src_mark (ing, s, "flagged", "encrypted member");
		goto done;
	}
	tmp_x = maildir_tmp_folder (name);
	if (tmp_x && g_hash_table_contains (c->maildirs, tmp_x)) {
		s->format = "maildir";
		wb_src_mark (ing, s, "skipped", "Maildir tmp/ (delivery in progress)");
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
		while (c->held_bytes + mem->len <= TMP_HOLD_MAX && (r = wb_ingest_member_read (&m, m.buf, READ_CHUNK)) > 0)
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
		wb_ingest_handle_plain (ing, as, s, &m, mem->data, mem->len);
		wb_src_mark (ing, s, "flagged", "Maildir tmp/ not decided (over %u MiB of tmp/ held before"
			  " a cur/ or new/ beside it): read as delivered", TMP_HOLD_MAX >> 20);
		goto drain;
	}
	/* Peek: a 7z inside a container needs seeking, so it is held in memory. */
	ssize_t r = wb_ingest_member_read (&m, m.buf, READ_CHUNK);
	if (r < 0)
		goto drain;
	if (r == 0) {
		s->format = "empty";
		wb_src_mark (ing, s, "not-mail", "empty");
		goto drain;
	}
	if (!wb_ingest_looks_packed (m.buf, r)) {
		/* Plain data (most members: a Maildir file, an mbox): read it
		 * straight from the container, without a reader of its own. */
		wb_ingest_handle_plain (ing, as, s, &m, m.buf, r);
		goto drain;
	}
	m.replay = r;
	b = wb_ingest_archive_for (m.buf, r);
	if (r >= 6 && memcmp (m.buf, "7z\xBC\xAF\x27\x1C", 6) == 0) {
		mem = g_byte_array_new ();
		g_byte_array_append (mem, (guint8 *) m.buf, r);
		m.replay = 0;
		while ((r = wb_ingest_member_read (&m, m.buf, READ_CHUNK)) > 0 && mem->len <= ing->o.max_message)
			g_byte_array_append (mem, (guint8 *) m.buf, r);
		if (r < 0)
			goto drain;
		if (mem->len > ing->o.max_message) {
			s->format = "7z";
			wb_src_mark (ing, s, "flagged", "7z member over size limit (held in memory to be read)");
			goto drain;
		}
		archive_read_open_memory (b, mem->data, mem->len);
	} else {
		archive_read_open2 (b, &m, NULL, member_cb, NULL, NULL);
	}
	arch_t child = { b, 0, NULL };
	wb_ingest_process_archive (ing, &child, s);

drain:
	/* The rest of the member, for its hash and size (and the guard). */
	while (!ing->fatal && wb_ingest_member_read (&m, m.buf, READ_CHUNK) > 0)
		;
	if (m.err == -2 && !ing->fatal) {
		wb_src_mark (ing, s, "flagged", "%s", as->guard);
		wb_src_mark (ing, parent, "flagged", "%s", as->guard);
	} else if (m.err == -1 && !ing->fatal) {
		/* The member's data is damaged; if the container is too, its
		 * next header fails and flags it. */
		const char *err = wb_ingest_read_error (as);
		wb_src_mark (ing, s, "flagged", "%s: %s", wb_ingest_damage_kind (err), err);
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
	wb_src_free (s);
	g_free (name);
	g_free (chain);
}

/* AS is opened on the bytes of S: a container or a plain (maybe
 * compressed) stream. */
void
wb_ingest_process_archive (wb_ingest_t *ing, arch_t *as, src_t *s)
{
	struct archive_entry *e;
	int r = archive_read_next_header (as->a, &e);
	g_free (s->filters);
	s->filters = filter_names (as->a);
	if (r == ARCHIVE_EOF) {
		/* Nothing, or blocks of zeros that read as an empty tar. */
		gboolean zeros = archive_filter_bytes (as->a, -1) > 0;
		s->format = zeros ? "binary" : "empty";
		wb_src_mark (ing, s, "not-mail", zeros ? "binary data" : "empty");
		return;
	}
	if (r < ARCHIVE_WARN) {
		const char *err = archive_error_string (as->a);
		if (!err)
			err = "unreadable";
		s->format = "unknown";
		wb_src_mark (ing, s, "flagged", "%s: %s", wb_ingest_damage_kind (err), err);
		return;
	}
	if ((archive_format (as->a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW) {
		wb_ingest_handle_plain (ing, as, s, NULL, NULL, 0);
		return;
	}
	s->format = format_name (as->a);
	s->role = "container";
	if (s->depth >= ing->o.max_depth) {
		wb_src_mark (ing, s, "flagged", "too deep: container nested more than %d levels",
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
			char *d = wb_ingest_escape_name (dn ? dn : "");
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
			wb_src_mark (ing, s, "flagged", "%s: %s", wb_ingest_damage_kind (err), err);
			break;
		}
	}
	cont_end (ing, &c);
}
