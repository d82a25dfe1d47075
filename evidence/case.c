#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "case.h"

extern const char wb_schema_sql[];

/* A cached statement and the stmts table's copy of its text. */
typedef struct {
	const char *key;
	sqlite3_stmt *st;
} stmt_ref_t;

struct wb_case {
	sqlite3 *db;
	char *path;
	char *lock_path;
	int lock_fd;
	gboolean writable;
	char *errmsg;
	char *command;
	char *operator_name;
	GHashTable *stmts;     /* SQL text -> sqlite3_stmt* */
	/* The statements asked for, by the address of their SQL text
	 * (stmt_ref_t): a hit costs a pointer's hash and one strcmp, where
	 * stmts hashes the whole text (a copy's INSERT is 400 bytes), and a
	 * copy's store asks for about 40 statements.  The text is compared
	 * too, as a freed string's address may come back with other SQL. */
	GHashTable *by_addr;
	int upgraded_from;     /* schema version before wb_case_open upgraded it, or 0 */
	GHashTable *ids;       /* of wb_case_intern: a set of id_key_t */
	GHashTable *kept;      /* of wb_case_keep, for the transaction: a set of id_key_t */
	GHashTable *tables;    /* of wb_case_intern: name -> intern_table_t */
	GHashTable *tag_tables;   /* FIND's address -> its intern_table_t, or NULL */
	const struct intern_table *adding;   /* the table wb_case_intern's ADD adds to */
	gboolean ended;        /* a transaction ended since the ids were checked */
	GPtrArray *deferred;   /* of wb_case_defer_index: deferred_t, each index dropped */
	int64_t data_version;  /* PRAGMA data_version when they were, or -1 */
};

/* An index wb_case_defer_index() dropped: its table and the SQL that
 * made it. */
typedef struct {
	char *table, *create;
} deferred_t;

static void
deferred_free (gpointer p)
{
	deferred_t *d = p;
	g_free (d->table);
	g_free (d->create);
	g_free (d);
}

/* A table of distinct values wb_case_intern adds to: the table a FIND
 * reads ("SELECT id FROM NAME WHERE ...") and its ADD inserts into
 * ("INSERT INTO NAME ...").  It is COMPLETE while each of its rows is a
 * key in cs->ids under TAG, the one FIND that adds to it: a value then
 * not kept is not in the table, and its FIND need not run (in a new case
 * most values are new, and a FIND that finds nothing cost a B-tree
 * descent per value beside the INSERT's own).  A table is complete when
 * wb_case_intern first meets it empty; it stops being so when a row
 * reaches it another way (another statement or trigger on this
 * connection, seen by the update hook, or another FIND), when the kept
 * ids are dropped at their limit, and its state is dropped with the ids
 * at a rollback or when another connection has written the case. */
typedef struct intern_table {
	char *name;
	const char *tag;
	gboolean complete;
} intern_table_t;

static void
intern_table_free (gpointer p)
{
	intern_table_t *t = p;
	g_free (t->name);
	g_free (t);
}

/* A value stored once and its row's id (wb_case_intern), under the
 * address of the FIND statement's text (TAG) and its N texts.  A key kept
 * in cs->ids is followed by LEN bytes holding the texts, each a text as 1,
 * its bytes and a NUL, a NULL as one NUL (a text holds no NUL, so two keys
 * are equal only for the same statement and texts).  A key looked up is
 * the K of a probe, which points at the caller's texts instead, so that a
 * value met again costs no copy. */
#define ID_KEY_MAX_N 8
typedef struct id_probe id_probe_t;
typedef struct {
	guint hash;
	int n;
	const char *tag;
	int64_t id;
	const id_probe_t *probe;   /* a probe's texts; NULL in a kept key */
	gsize len;                 /* a kept key's bytes, which follow the struct */
} id_key_t;
struct id_probe {
	id_key_t k;
	const char *const *v;
	size_t vlen[ID_KEY_MAX_N];
};

static guint
id_key_hash (gconstpointer p)
{
	return ((const id_key_t *) p)->hash;
}

/* Does the kept key K hold the probe P's texts? */
static gboolean
id_key_holds (const id_key_t *k, const id_probe_t *p)
{
	const char *b = (const char *) (k + 1), *end = b + k->len;
	for (int i = 0; i < p->k.n; i++) {
		if (b >= end || *b++ != (p->v[i] != NULL))
			return FALSE;
		if (p->v[i]) {
			if ((gsize) (end - b) < p->vlen[i] + 1 || memcmp (b, p->v[i], p->vlen[i] + 1))
				return FALSE;
			b += p->vlen[i] + 1;
		}
	}
	return b == end;
}

static gboolean
id_key_equal (gconstpointer a, gconstpointer b)
{
	const id_key_t *x = a, *y = b;
	if (x->hash != y->hash || x->tag != y->tag || x->n != y->n)
		return FALSE;
	if (x->probe)
		return !y->probe && id_key_holds (y, x->probe);
	if (y->probe)
		return id_key_holds (x, y->probe);
	return x->len == y->len && memcmp (x + 1, y + 1, x->len) == 0;
}

/* Make P the probe of TAG's address and the N texts V, its hash over the
 * address, each text's length (a NULL apart) and bytes: eight bytes at a
 * time, each word mixed by a multiply and a shift (the step of splitmix64),
 * a text's tail zero-padded. */
static void
id_key_probe (id_probe_t *p, const char *tag, const char *const *v, int n)
{
	g_assert (n >= 0 && n <= ID_KEY_MAX_N);
	p->k.tag = tag;
	p->k.n = n;
	p->k.probe = p;
	p->v = v;
	guint64 h = ((guint64) (uintptr_t) tag ^ (guint64) n) * 0x9e3779b97f4a7c15u;
	h ^= h >> 32;
	for (int i = 0; i < n; i++) {
		size_t len = v[i] ? strlen (v[i]) : 0;
		p->vlen[i] = len;
		for (size_t j = 0; j < len; j += 8) {
			guint64 w = 0;
			memcpy (&w, v[i] + j, MIN (8, len - j));
			h = (h ^ w) * 0x9e3779b97f4a7c15u;
			h ^= h >> 32;
		}
		h = (h ^ (v[i] ? len + 1 : 0)) * 0x9e3779b97f4a7c15u;
		h ^= h >> 32;
	}
	p->k.hash = (guint) h;
}

/* The ids wb_case_intern keeps outlive a commit: rows of its tables are
 * never deleted or changed by the workbench.  At a rollback the rows a
 * transaction added are gone (and SQLite may give their ids to other
 * rows): all are forgotten.  Another connection (an analyst's own SQL)
 * may change the tables between two of this one's transactions: the
 * first wb_case_intern after a transaction ends asks SQLite whether one
 * has (PRAGMA data_version), and forgets them all if so.  What
 * wb_case_keep keeps is forgotten at the end of every transaction. */
static void
forget_ids (wb_case_t *cs)
{
	g_hash_table_remove_all (cs->ids);
	g_hash_table_remove_all (cs->tag_tables);
	g_hash_table_remove_all (cs->tables);
}

void
wb_case_forget_ids (wb_case_t *cs)
{
	forget_ids (cs);
}

static void
forget_all_at_rollback (void *p)
{
	wb_case_t *cs = p;
	g_ptr_array_set_size (cs->deferred, 0);   /* the DROP INDEX is rolled back too */
	forget_ids (cs);
	g_hash_table_remove_all (cs->kept);
	cs->ended = TRUE;
}

static int
forget_kept_at_commit (void *p)
{
	wb_case_t *cs = p;
	g_hash_table_remove_all (cs->kept);
	cs->ended = TRUE;
	return 0;   /* the commit goes on */
}

/* No table of wb_case_intern's is complete any more. */
static void
tables_incomplete (wb_case_t *cs)
{
	GHashTableIter it;
	gpointer t;
	g_hash_table_iter_init (&it, cs->tables);
	while (g_hash_table_iter_next (&it, NULL, &t))
		((intern_table_t *) t)->complete = FALSE;
}

/* The update hook: a row that reaches a table of wb_case_intern's other
 * than by its ADD leaves the table incomplete; a row changed or deleted
 * (which the workbench never does, but SQL on this connection may) makes
 * every id kept suspect: all are forgotten.  SQLite does not call the
 * hook for a DELETE without WHERE (its truncate optimization). */
static void
row_changed (void *p, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
	(void) db;
	(void) rowid;
	wb_case_t *cs = p;
	intern_table_t *t = g_hash_table_size (cs->tables) ? g_hash_table_lookup (cs->tables, table) : NULL;
	if (!t || (op == SQLITE_INSERT && t == cs->adding))
		return;
	if (op != SQLITE_INSERT) {
		g_hash_table_remove_all (cs->ids);
		tables_incomplete (cs);
	}
	t->complete = FALSE;
}

/* Finalize every cached statement (before the connection closes). */
static void
forget_stmts (wb_case_t *cs)
{
	g_hash_table_remove_all (cs->by_addr);
	g_hash_table_remove_all (cs->stmts);
}

wb_status_t
wb_case_fail (wb_case_t *cs, wb_status_t status, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_free (cs->errmsg);
	cs->errmsg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	return status;
}

wb_status_t
wb_case_fail_db (wb_case_t *cs, const char *what)
{
	int code = sqlite3_errcode (cs->db);
	wb_status_t st = WB_ERR_DB;
	if (code == SQLITE_READONLY)
		st = WB_ERR_READONLY;
	else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		st = WB_ERR_BUSY;
	else if (code == SQLITE_NOTADB)
		st = WB_ERR_NOT_CASE;
	else if (code == SQLITE_FULL || code == SQLITE_IOERR)
		st = WB_ERR_IO;
	else if (code == SQLITE_INTERRUPT)
		st = WB_ERR_INTERRUPTED;
	return wb_case_fail (cs, st, "%s: %s", what, sqlite3_errmsg (cs->db));
}

const char *
wb_case_errmsg (wb_case_t *cs)
{
	return cs && cs->errmsg ? cs->errmsg : "";
}

sqlite3 *wb_case_db (wb_case_t *cs) { return cs->db; }
int wb_case_upgraded_from (wb_case_t *cs) { return cs->upgraded_from; }
const char *wb_case_path (wb_case_t *cs) { return cs->path; }
gboolean wb_case_writable (wb_case_t *cs) { return cs->writable; }

static void
stmt_finalize (gpointer p)
{
	sqlite3_finalize (p);
}

static wb_case_t *
case_new (const char *path)
{
	wb_case_t *cs = g_new0 (wb_case_t, 1);
	cs->path = g_strdup (path);
	cs->lock_path = g_strconcat (path, ".lock", NULL);
	cs->lock_fd = -1;
	cs->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stmt_finalize);
	cs->by_addr = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
	cs->ids = g_hash_table_new_full (id_key_hash, id_key_equal, g_free, NULL);
	cs->kept = g_hash_table_new_full (id_key_hash, id_key_equal, g_free, NULL);
	cs->tables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, intern_table_free);
	cs->tag_tables = g_hash_table_new (g_direct_hash, g_direct_equal);
	cs->deferred = g_ptr_array_new_with_free_func (deferred_free);
	cs->ended = TRUE;
	cs->data_version = -1;
	const char *op = g_getenv ("WB_OPERATOR");
	if (!op || !*op) {
		struct passwd *pw = getpwuid (getuid ());
		op = pw ? pw->pw_name : g_get_user_name ();
	}
	cs->operator_name = g_strdup (op);
	return cs;
}

void
wb_case_free (wb_case_t *cs)
{
	if (!cs)
		return;
	if (cs->stmts)
		g_hash_table_destroy (cs->stmts);
	g_hash_table_destroy (cs->by_addr);
	g_hash_table_destroy (cs->ids);
	g_hash_table_destroy (cs->kept);
	g_hash_table_destroy (cs->tag_tables);
	g_hash_table_destroy (cs->tables);
	g_ptr_array_unref (cs->deferred);
	if (cs->db)
		sqlite3_close_v2 (cs->db);
	wb_case_unlock (cs);
	g_free (cs->path);
	g_free (cs->lock_path);
	g_free (cs->errmsg);
	g_free (cs->command);
	g_free (cs->operator_name);
	g_free (cs);
}

void
wb_case_set_command (wb_case_t *cs, const char *command)
{
	g_free (cs->command);
	cs->command = g_strdup (command);
}

wb_status_t
wb_case_exec (wb_case_t *cs, const char *sql, const char *what)
{
	char *err = NULL;
	if (sqlite3_exec (cs->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		wb_status_t st = wb_case_fail_db (cs, what);
		sqlite3_free (err);
		return st;
	}
	return WB_OK;
}

wb_status_t
wb_case_step (wb_case_t *cs, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step (st);
	wb_status_t s = WB_OK;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		s = wb_case_fail_db (cs, what);
	sqlite3_reset (st);
	sqlite3_clear_bindings (st);
	return s;
}

int
wb_case_bind_text (sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text (st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null (st, i);
}

int64_t
wb_text_key (const char *text, size_t len)
{
	unsigned char md[32];
	unsigned int n = 0;
	if (!EVP_Digest (text, len, md, &n, wb_sha256_md (), NULL))
		g_error ("SHA-256 failed");
	return wb_text_key_of (md);
}

int64_t
wb_text_key_of (const unsigned char sha256[32])
{
	uint64_t k = 0;
	for (int i = 0; i < 8; i++)
		k = k << 8 | sha256[i];
	return (int64_t) k;
}

sqlite3_stmt *
wb_case_stmt (wb_case_t *cs, const char *sql)
{
	stmt_ref_t *ref = g_hash_table_lookup (cs->by_addr, sql);
	sqlite3_stmt *st = ref && strcmp (ref->key, sql) == 0 ? ref->st : NULL;
	if (!st) {
		gpointer key;
		if (!g_hash_table_lookup_extended (cs->stmts, sql, &key, (gpointer *) &st)) {
			if (sqlite3_prepare_v3 (cs->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)
			    != SQLITE_OK) {
				wb_case_fail_db (cs, "cannot prepare query");
				return NULL;
			}
			key = g_strdup (sql);
			g_hash_table_insert (cs->stmts, key, st);
		}
		/* Addresses of SQL made at run time come and go: start again
		 * rather than grow. */
		if (g_hash_table_size (cs->by_addr) >= 1024)
			g_hash_table_remove_all (cs->by_addr);
		ref = g_new (stmt_ref_t, 1);
		ref->key = key;
		ref->st = st;
		g_hash_table_replace (cs->by_addr, (gpointer) sql, ref);
	}
	sqlite3_reset (st);
	sqlite3_clear_bindings (st);
	return st;
}

/* Keep the probe P's key with VALUE in SET (cs->ids or cs->kept): a copy
 * of its texts, in place of a key equal to it kept before. */
static void
keep_key (wb_case_t *cs, GHashTable *set, const id_probe_t *p, int64_t value)
{
	if (g_hash_table_size (set) >= WB_CASE_IDS_MAX) {
		g_hash_table_remove_all (set);
		if (set == cs->ids)
			tables_incomplete (cs);   /* their rows are no longer all kept */
	}
	gsize len = 0;
	for (int i = 0; i < p->k.n; i++)
		len += p->v[i] ? p->vlen[i] + 2 : 1;
	id_key_t *own = g_malloc (sizeof (id_key_t) + len);
	*own = p->k;
	own->id = value;
	own->probe = NULL;
	own->len = len;
	char *b = (char *) (own + 1);
	for (int i = 0; i < p->k.n; i++) {
		*b++ = p->v[i] != NULL;
		if (p->v[i]) {
			memcpy (b, p->v[i], p->vlen[i] + 1);
			b += p->vlen[i] + 1;
		}
	}
	g_hash_table_replace (set, own, own);
}

gboolean
wb_case_kept (wb_case_t *cs, const char *tag, const char *const *v, int n, int64_t *value)
{
	id_probe_t p;
	id_key_probe (&p, tag, v, n);
	const id_key_t *hit = g_hash_table_lookup (cs->kept, &p.k);
	if (hit)
		*value = hit->id;
	return hit != NULL;
}

void
wb_case_keep (wb_case_t *cs, const char *tag, const char *const *v, int n, int64_t value)
{
	id_probe_t p;
	id_key_probe (&p, tag, v, n);
	keep_key (cs, cs->kept, &p, value);
}

/* The name of the table SQL names after HEAD ("SELECT id FROM ", say),
 * up to a space, or NULL. */
static char *
sql_table (const char *sql, const char *head)
{
	if (!g_str_has_prefix (sql, head))
		return NULL;
	sql += strlen (head);
	size_t n = 0;
	while (g_ascii_isalnum (sql[n]) || sql[n] == '_')
		n++;
	return n && sql[n] == ' ' ? g_strndup (sql, n) : NULL;
}

/* The table FIND reads and ADD adds to, or NULL (then every FIND runs). */
static intern_table_t *
intern_table (wb_case_t *cs, const char *find, const char *add)
{
	intern_table_t *t;
	if (g_hash_table_lookup_extended (cs->tag_tables, find, NULL, (gpointer *) &t))
		return t;
	char *name = sql_table (find, "SELECT id FROM "), *into = sql_table (add, "INSERT INTO ");
	t = NULL;
	if (name && into && !strcmp (name, into)) {
		t = g_hash_table_lookup (cs->tables, name);
		if (t)
			t->complete = FALSE;   /* a second FIND of the table */
		else {
			t = g_new0 (intern_table_t, 1);
			t->name = g_steal_pointer (&name);
			t->tag = find;
			char *sql = sqlite3_mprintf ("SELECT 1 FROM \"%w\" LIMIT 1", t->name);
			sqlite3_stmt *st = NULL;
			t->complete = sqlite3_prepare_v2 (cs->db, sql, -1, &st, NULL) == SQLITE_OK
				&& sqlite3_step (st) == SQLITE_DONE;
			sqlite3_finalize (st);
			sqlite3_free (sql);
			g_hash_table_insert (cs->tables, t->name, t);
		}
	}
	g_free (name);
	g_free (into);
	g_hash_table_insert (cs->tag_tables, (gpointer) find, t);
	return t;
}

/* After a transaction has ended: forget every id if another connection
 * has written the case since they were kept. */
static void
check_ids (wb_case_t *cs)
{
	cs->ended = FALSE;
	int64_t v = -1;
	sqlite3_stmt *st = wb_case_stmt (cs, "PRAGMA data_version");
	if (st && sqlite3_step (st) == SQLITE_ROW)
		v = sqlite3_column_int64 (st, 0);
	if (st)
		sqlite3_reset (st);
	if (v < 0 || v != cs->data_version)
		forget_ids (cs);   /* not what wb_case_keep kept in this transaction */
	cs->data_version = v;
}

static wb_status_t restore_indexes (wb_case_t *cs, const char *table);

wb_status_t
wb_case_intern (wb_case_t *cs, const char *find, const char *add, const char *const *v, int n,
		const char *what, int64_t *id)
{
	if (cs->ended)
		check_ids (cs);
	id_probe_t p;
	id_key_probe (&p, find, v, n);
	const id_key_t *hit = g_hash_table_lookup (cs->ids, &p.k);
	if (hit) {
		*id = hit->id;
		return WB_OK;
	}
	intern_table_t *t = intern_table (cs, find, add);
	const char *sql[2] = { find, add };
	int rc = SQLITE_DONE;
	int first = t && t->complete && t->tag == find;
	/* FIND must not run without the indexes of its table (all of them
	 * when its table is not known). */
	if (!first && cs->deferred->len) {
		wb_status_t st = restore_indexes (cs, t ? t->name : NULL);
		if (st)
			return st;
	}
	for (int s = first; s < 2 && rc == SQLITE_DONE; s++) {
		sqlite3_stmt *st = wb_case_stmt (cs, sql[s]);
		if (!st)
			return WB_ERR_DB;
		for (int i = 0; i < n; i++)
			if (v[i])
				sqlite3_bind_text (st, i + 1, v[i], (int) p.vlen[i], SQLITE_STATIC);
		cs->adding = s == 1 ? t : NULL;
		rc = sqlite3_step (st);
		cs->adding = NULL;
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64 (st, 0);
		else if (s == 1 && rc == SQLITE_DONE)
			*id = sqlite3_last_insert_rowid (cs->db);
		sqlite3_reset (st);
		if (s == 1 && rc == SQLITE_DONE)
			rc = SQLITE_ROW;
	}
	if (rc != SQLITE_ROW)
		return wb_case_fail_db (cs, what);
	keep_key (cs, cs->ids, &p, *id);
	return WB_OK;
}

wb_status_t
wb_case_begin (wb_case_t *cs)
{
	return wb_case_exec (cs, "BEGIN IMMEDIATE", "cannot start a transaction");
}

wb_status_t
wb_case_commit (wb_case_t *cs)
{
	wb_status_t st = wb_case_restore_indexes (cs);
	return st ? st : wb_case_exec (cs, "COMMIT", "cannot commit");
}

wb_status_t
wb_case_defer_index (wb_case_t *cs, const char *name)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index'"
					 " AND name = ?");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
	deferred_t *d = NULL;
	if (sqlite3_step (st) == SQLITE_ROW) {
		d = g_new (deferred_t, 1);
		d->table = g_strdup ((const char *) sqlite3_column_text (st, 0));
		d->create = g_strdup ((const char *) sqlite3_column_text (st, 1));
	}
	sqlite3_reset (st);
	if (!d)
		return WB_OK;   /* not there (or dropped already): nothing to put back */
	char *drop = sqlite3_mprintf ("DROP INDEX \"%w\"", name);
	wb_status_t rs = wb_case_exec (cs, drop, "cannot defer an index");
	sqlite3_free (drop);
	if (rs) {
		deferred_free (d);
		return rs;
	}
	g_ptr_array_add (cs->deferred, d);
	return WB_OK;
}

/* Build again the indexes dropped of TABLE (NULL: of every table). */
static wb_status_t
restore_indexes (wb_case_t *cs, const char *table)
{
	for (guint i = cs->deferred->len; i-- > 0; ) {
		const deferred_t *d = cs->deferred->pdata[i];
		if (table && strcmp (d->table, table) != 0)
			continue;
		wb_status_t st = wb_case_exec (cs, d->create, "cannot build an index again");
		if (st)
			return st;
		g_ptr_array_remove_index (cs->deferred, i);
	}
	return WB_OK;
}

wb_status_t
wb_case_restore_indexes (wb_case_t *cs)
{
	return restore_indexes (cs, NULL);
}

void
wb_case_rollback (wb_case_t *cs)
{
	if (!sqlite3_get_autocommit (cs->db))
		sqlite3_exec (cs->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The writer lock is a POSIX record lock on PATH.lock.  The kernel drops it
 * when the process dies, so a killed ingest never leaves the case locked.
 * The holder removes the file before it lets go, so none is left beside
 * the case.  A writer that opened the file just before it was removed
 * would then hold a lock on a name no longer there: after locking, it
 * checks that the path still names the inode it locked, and starts again
 * if not (the scheme of Debian's lockfile-progs and of flock(1) users). */
wb_status_t
wb_case_lock (wb_case_t *cs)
{
	if (cs->lock_fd >= 0)
		return WB_OK;
	for (;;) {
		int fd = open (cs->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return wb_case_fail (cs, errno == EACCES || errno == EROFS ? WB_ERR_READONLY : WB_ERR_IO,
					     "cannot create lock file '%s': %s", cs->lock_path,
					     g_strerror (errno));
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		if (fcntl (fd, F_SETLK, &fl) < 0) {
			struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
			long pid = fcntl (fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK ? (long) q.l_pid : 0;
			close (fd);
			if (pid)
				return wb_case_fail (cs, WB_ERR_BUSY, "case in use by pid %ld", pid);
			return wb_case_fail (cs, WB_ERR_BUSY, "case in use by another process");
		}
		struct stat locked, named;
		if (fstat (fd, &locked) == 0 && stat (cs->lock_path, &named) == 0 &&
		    locked.st_dev == named.st_dev && locked.st_ino == named.st_ino) {
			cs->lock_fd = fd;
			return WB_OK;
		}
		close (fd);     /* removed by the writer before us: again */
	}
}

void
wb_case_unlock (wb_case_t *cs)
{
	if (cs->lock_fd >= 0) {
		/* Removed while still held, so no one locks it after us. */
		unlink (cs->lock_path);
		close (cs->lock_fd);
		cs->lock_fd = -1;
	}
}

/* wb_copy_ident(BYTES, SHA256) in SQL: the migration to version 2 and
 * 'verify' compute it over stored rows. */
static void
sql_copy_ident (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const void *data = sqlite3_value_blob (argv[0]);
	int len = sqlite3_value_bytes (argv[0]);
	const char *sha = (const char *) sqlite3_value_text (argv[1]);
	char out[65];
	if (sha && strlen (sha) != 64)
		sha = NULL;
	wb_copy_ident (data ? data : "", (size_t) len, sha, out);
	sqlite3_result_text (ctx, out, 64, SQLITE_TRANSIENT);
}

/* wb_text_key(TEXT) in SQL: the migration to version 4 keys body_texts. */
static void
sql_text_key (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *t = (const char *) sqlite3_value_text (argv[0]);
	if (!t) {
		sqlite3_result_null (ctx);
		return;
	}
	sqlite3_result_int64 (ctx, wb_text_key (t, (size_t) sqlite3_value_bytes (argv[0])));
}

/* SQLite keeps counts of its memory (sqlite3_memory_used and the like)
 * under one process-wide mutex, taken at every malloc and free: about
 * 180 of them a copy in ingest's writer, 2.7% of its instructions.  No
 * one here reads those counts, so they are off; this must come before
 * SQLite initializes, which its first connection does (if something else
 * initialized it first, the call fails and changes nothing). */
static void
sqlite_setup (void)
{
	static gsize done;
	if (g_once_init_enter (&done)) {
		sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
		g_once_init_leave (&done, 1);
	}
}

static wb_status_t
open_db (wb_case_t *cs, int flags)
{
	sqlite_setup ();
	/* NOMUTEX: one thread at a time uses the connection (ingest hands it
	 * from the walker to the writer and back through its queue). */
	if (sqlite3_open_v2 (cs->path, &cs->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return wb_case_fail_db (cs, "cannot open case file");
	sqlite3_extended_result_codes (cs->db, 0);
	sqlite3_busy_timeout (cs->db, 5000);
	sqlite3_create_function (cs->db, "wb_copy_ident", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				 sql_copy_ident, NULL, NULL);
	sqlite3_create_function (cs->db, "wb_text_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				 sql_text_key, NULL, NULL);
	for (int n = 3; n <= 4; n++)
		sqlite3_create_function (cs->db, "wb_raw", n, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
					 wb_raw_sql, NULL, NULL);
	sqlite3_rollback_hook (cs->db, forget_all_at_rollback, cs);
	sqlite3_commit_hook (cs->db, forget_kept_at_commit, cs);
	sqlite3_update_hook (cs->db, row_changed, cs);
	/* A case file is handed on as one file: a rollback journal, not WAL,
	 * and every commit durable. */
	if (cs->writable) {
		wb_status_t st = wb_case_exec (cs, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
				       "PRAGMA foreign_keys=ON;", "cannot set up case file");
		if (st)
			return st;
	}
	return WB_OK;
}

/* TRUE if TABLE has COLUMN. */
static gboolean
has_column (wb_case_t *cs, const char *table, const char *column)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
	gboolean yes = FALSE;
	if (st) {
		sqlite3_bind_text (st, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text (st, 2, column, -1, SQLITE_STATIC);
		yes = sqlite3_step (st) == SQLITE_ROW;
		sqlite3_reset (st);
	}
	return yes;
}

/* party_attributes.peer: version 1 cases made from a schema.sql that had
 * it have it, older ones lack it (or got it from 'link', which added it
 * with this same statement).  Values a 'link' without it took from
 * messages name no peer: case_info 'relink' asks for 'link' again. */
static wb_status_t
add_peer (wb_case_t *cs)
{
	if (has_column (cs, "party_attributes", "peer"))
		return WB_OK;
	return wb_case_exec (cs, "ALTER TABLE party_attributes ADD COLUMN peer INTEGER;"
		     "INSERT INTO case_info(key, value) SELECT 'relink', 'peer'"
		     "  WHERE EXISTS (SELECT 1 FROM party_attributes WHERE message IS NOT NULL)",
		     "cannot upgrade case");
}

/* 5 -> 6: facts become the view over fact_names, fact_values (each
 * distinct name, value, confidence and evidence once) and message_facts,
 * and findings the view over finding_provisions, finding_texts (each
 * distinct finding, confidence and evidence once) and finding_rows, every
 * id kept (reports and the custody log cite findings by id).  A run's
 * time (finding_runs) is the one most of its findings have, the first met
 * among equals; a row's is NULL where it is its run's.  Values are numbered in
 * the order of the first copy or row that has them.  The rows wait in
 * temporary tables while the new tables take the pages the old ones freed,
 * as in 3 -> 4. */
static const char facts_findings_once[] =
		"CREATE TEMP TABLE old_facts AS SELECT * FROM facts;"
		"DROP TABLE facts;"
		"CREATE TABLE fact_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
		"INSERT INTO fact_names (name) SELECT name FROM temp.old_facts GROUP BY name ORDER BY"
		"  min(message), name;"
		"CREATE TABLE fact_values (id INTEGER PRIMARY KEY, name INTEGER NOT NULL, value TEXT"
		"  NOT NULL, confidence TEXT NOT NULL, evidence TEXT);"
		"INSERT INTO fact_values (name, value, confidence, evidence) SELECT n.id, o.value,"
		"  o.confidence, o.evidence FROM temp.old_facts o JOIN fact_names n ON n.name = o.name"
		"  GROUP BY n.id, o.value, o.confidence, o.evidence ORDER BY min(o.message), n.id;"
		"CREATE INDEX fact_values_key ON fact_values(name, value, confidence, evidence);"
		"CREATE TABLE message_facts (message INTEGER NOT NULL REFERENCES messages(id), name"
		"  INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (message, name)) WITHOUT"
		"  ROWID;"
		"INSERT INTO message_facts (message, name, value) SELECT o.message, n.id, v.id FROM"
		"  temp.old_facts o JOIN fact_names n ON n.name = o.name JOIN fact_values v ON v.name ="
		"  n.id AND v.value = o.value AND v.confidence = o.confidence AND v.evidence IS"
		"  o.evidence ORDER BY o.message, n.id;"
		"DROP TABLE temp.old_facts;"
		"CREATE VIEW facts (message, name, value, confidence, evidence) AS SELECT f.message,"
		"  n.name, v.value, v.confidence, v.evidence FROM message_facts f JOIN fact_names n ON"
		"  n.id = f.name JOIN fact_values v ON v.id = f.value;"
		"CREATE TRIGGER facts_insert INSTEAD OF INSERT ON facts BEGIN SELECT RAISE(ABORT,"
		"  'NOT NULL constraint failed: facts.name') WHERE NEW.name IS NULL; INSERT OR IGNORE"
		"  INTO fact_names (name) VALUES (NEW.name); INSERT INTO fact_values (name, value,"
		"  confidence, evidence) SELECT n.id, NEW.value, coalesce(NEW.confidence, 'certain'),"
		"  NEW.evidence FROM fact_names n WHERE n.name = NEW.name AND NOT EXISTS (SELECT 1 FROM"
		"  fact_values v WHERE v.name = n.id AND v.value = NEW.value AND v.confidence ="
		"  coalesce(NEW.confidence, 'certain') AND v.evidence IS NEW.evidence); INSERT INTO"
		"  message_facts (message, name, value) SELECT NEW.message, n.id, (SELECT v.id FROM"
		"  fact_values v WHERE v.name = n.id AND v.value = NEW.value AND v.confidence ="
		"  coalesce(NEW.confidence, 'certain') AND v.evidence IS NEW.evidence) FROM fact_names"
		"  n WHERE n.name = NEW.name; END;"
		"CREATE TRIGGER facts_delete INSTEAD OF DELETE ON facts BEGIN DELETE FROM"
		"  message_facts WHERE message = OLD.message AND name = (SELECT id FROM fact_names"
		"  WHERE name = OLD.name); END;"
		"CREATE TRIGGER facts_update INSTEAD OF UPDATE ON facts BEGIN DELETE FROM"
		"  message_facts WHERE message = OLD.message AND name = (SELECT id FROM fact_names"
		"  WHERE name = OLD.name); INSERT INTO facts (message, name, value, confidence,"
		"  evidence) VALUES (NEW.message, NEW.name, NEW.value, NEW.confidence, NEW.evidence);"
		"  END;"
		"CREATE TEMP TABLE old_findings AS SELECT * FROM findings;"
		"DROP TABLE findings;"
		"CREATE TABLE finding_provisions (id INTEGER PRIMARY KEY, statute TEXT NOT NULL,"
		"  provision TEXT NOT NULL, UNIQUE (statute, provision));"
		"INSERT INTO finding_provisions (statute, provision) SELECT statute, provision FROM"
		"  temp.old_findings GROUP BY statute, provision ORDER BY min(id);"
		"CREATE TABLE finding_texts (id INTEGER PRIMARY KEY, finding TEXT NOT NULL CHECK"
		"  (finding IN ('violation', 'no-violation')), confidence TEXT NOT NULL CHECK"
		"  (confidence IN ('certain', 'indicator')), evidence TEXT);"
		"INSERT INTO finding_texts (finding, confidence, evidence) SELECT finding,"
		"  confidence, evidence FROM temp.old_findings GROUP BY finding, confidence, evidence"
		"  ORDER BY min(id);"
		"CREATE INDEX finding_texts_key ON finding_texts(finding, confidence, evidence);"
		"CREATE TABLE finding_rows (id INTEGER PRIMARY KEY, message INTEGER NOT NULL"
		"  REFERENCES messages(id), provision INTEGER NOT NULL, source TEXT NOT NULL CHECK"
		"  (source IN ('rule', 'analyst')), text INTEGER NOT NULL, note TEXT, run INTEGER NOT"
		"  NULL, at TEXT);"
		"CREATE TABLE finding_runs (run INTEGER PRIMARY KEY, at TEXT NOT NULL);"
		"WITH c AS MATERIALIZED (SELECT run, at, count(*) AS n, min(id) AS first FROM"
		"  temp.old_findings GROUP BY run, at) INSERT INTO finding_runs (run, at) SELECT run,"
		"  at FROM c WHERE NOT EXISTS (SELECT 1 FROM c d WHERE d.run = c.run AND (d.n > c.n OR"
		"  (d.n = c.n AND d.first < c.first)));"
		"INSERT INTO finding_rows (id, message, provision, source, text, note, run, at)"
		"  SELECT o.id, o.message, p.id, o.source, t.id, o.note, o.run, nullif(o.at, (SELECT"
		"  r.at FROM finding_runs r WHERE r.run = o.run)) FROM temp.old_findings o JOIN"
		"  finding_provisions p ON p.statute = o.statute AND p.provision = o.provision JOIN"
		"  finding_texts t ON t.finding = o.finding AND t.confidence = o.confidence AND"
		"  t.evidence IS o.evidence ORDER BY o.id;"
		"DROP TABLE temp.old_findings;"
		"CREATE UNIQUE INDEX findings_analyst ON finding_rows(message, provision) WHERE"
		"  source = 'analyst';"
		"CREATE INDEX findings_message ON finding_rows(message);"
		"CREATE VIEW findings (id, message, statute, provision, finding, source, confidence,"
		"  evidence, note, run, at) AS SELECT f.id, f.message, p.statute, p.provision,"
		"  t.finding, f.source, t.confidence, t.evidence, f.note, f.run, coalesce(f.at, (SELECT"
		"  r.at FROM finding_runs r WHERE r.run = f.run)) FROM finding_rows f JOIN"
		"  finding_provisions p ON p.id = f.provision JOIN finding_texts t ON t.id = f.text;"
		"CREATE TRIGGER findings_insert INSTEAD OF INSERT ON findings BEGIN SELECT"
		"  RAISE(ABORT, 'NOT NULL constraint failed: findings.statute, provision or at') WHERE"
		"  NEW.statute IS NULL OR NEW.provision IS NULL OR NEW.at IS NULL; INSERT OR IGNORE"
		"  INTO finding_provisions (statute, provision) VALUES (NEW.statute, NEW.provision);"
		"  INSERT OR IGNORE INTO finding_runs (run, at) VALUES (NEW.run, NEW.at); INSERT INTO"
		"  finding_texts (finding, confidence, evidence) SELECT NEW.finding,"
		"  coalesce(NEW.confidence, 'certain'), NEW.evidence WHERE NOT EXISTS (SELECT 1 FROM"
		"  finding_texts WHERE finding = NEW.finding AND confidence = coalesce(NEW.confidence,"
		"  'certain') AND evidence IS NEW.evidence); INSERT INTO finding_rows (id, message,"
		"  provision, source, text, note, run, at) VALUES (NEW.id, NEW.message, (SELECT id FROM"
		"  finding_provisions WHERE statute = NEW.statute AND provision = NEW.provision),"
		"  NEW.source, (SELECT id FROM finding_texts WHERE finding = NEW.finding AND confidence"
		"  = coalesce(NEW.confidence, 'certain') AND evidence IS NEW.evidence), NEW.note,"
		"  NEW.run, nullif(NEW.at, (SELECT at FROM finding_runs WHERE run = NEW.run))); END;"
		"CREATE TRIGGER findings_delete INSTEAD OF DELETE ON findings BEGIN DELETE FROM"
		"  finding_rows WHERE id = OLD.id; END;"
		"CREATE TRIGGER findings_update INSTEAD OF UPDATE ON findings BEGIN DELETE FROM"
		"  finding_rows WHERE id = OLD.id; INSERT INTO findings (id, message, statute,"
		"  provision, finding, source, confidence, evidence, note, run, at) VALUES (NEW.id,"
		"  NEW.message, NEW.statute, NEW.provision, NEW.finding, NEW.source, NEW.confidence,"
		"  NEW.evidence, NEW.note, NEW.run, NEW.at); END;";

/* 6 -> 7: a copy's artifacts in one row of message_artifacts, items a
 * JSON array of [value, raw, location] in the order of their ids (the
 * order analysis found them); the view artifacts numbers them from 0
 * (idx), and message_parties.artifact, which named a row by its id, names
 * its position in its copy.  first_id keeps the id of each copy's first
 * artifact where its ids were one run (as ingest and reanalyze numbered
 * them), so that the case digest, which gives message_parties.artifact as
 * first_id + position, is the same before and after; a copy whose ids
 * were not (rows added through the view later) gives positions there.
 * artifact_copies, one row per value and copy,
 * takes the place of the index artifacts_value, built sorted.  The rows
 * wait in a temporary table, keyed by copy and id so that the grouping
 * reads each copy's rows in order, while the new tables take the pages the
 * old one freed, as in 3 -> 4.  An attribution naming no row of its own copy (none
 * does, as 'link' writes them) would name none after: NULL. */
static const char artifacts_one_row[] =
		"CREATE TEMP TABLE old_artifacts (message INTEGER NOT NULL, id INTEGER NOT NULL,"
		"  value INTEGER NOT NULL, raw TEXT, location TEXT, PRIMARY KEY (message, id))"
		"  WITHOUT ROWID;"
		"INSERT INTO temp.old_artifacts SELECT message, id, value, raw, location"
		"  FROM message_artifacts ORDER BY message, id;"
		"DROP VIEW artifacts;"
		"DROP TABLE message_artifacts;"
		"CREATE TABLE message_artifacts (message INTEGER PRIMARY KEY REFERENCES messages(id),"
		"  items TEXT NOT NULL, first_id INTEGER);"
		"CREATE TABLE artifact_copies (value INTEGER NOT NULL, message INTEGER NOT NULL,"
		"  PRIMARY KEY (value, message)) WITHOUT ROWID;"
		"INSERT INTO message_artifacts (message, items, first_id) SELECT message,"
		"  json_group_array(json_array(value, raw, location)),"
		"  CASE WHEN max(id) - min(id) + 1 = count(*) THEN min(id) END FROM temp.old_artifacts"
		"  GROUP BY message ORDER BY message;"
		"INSERT INTO artifact_copies (value, message) SELECT DISTINCT value, message"
		"  FROM temp.old_artifacts ORDER BY value, message;"
		"UPDATE message_parties SET artifact = CASE WHEN EXISTS (SELECT 1 FROM"
		"  temp.old_artifacts o WHERE o.message = message_parties.message AND o.id ="
		"  message_parties.artifact) THEN (SELECT count(*) FROM temp.old_artifacts o"
		"  WHERE o.message = message_parties.message AND o.id < message_parties.artifact) END"
		"  WHERE artifact IS NOT NULL;"
		"DROP TABLE temp.old_artifacts";

/* The rest of 6 -> 7: the triggers on message_artifacts, the view
 * artifacts and its triggers, as schema.sql makes them for a new case
 * (taken from it, so that an upgraded case and a new one cannot differ);
 * last, so that the fill above is not theirs to repeat. */
static wb_status_t
artifacts_one_row_view (wb_case_t *cs)
{
	const char *from = strstr (wb_schema_sql, "CREATE TRIGGER artifact_copies_delete ");
	const char *end = from ? strstr (from, "\n-- Facts the statutes") : NULL;
	if (!end)
		return wb_case_fail (cs, WB_ERR_DB, "cannot upgrade case: the schema has no view artifacts");
	char *sql = g_strndup (from, (gsize) (end - from));
	wb_status_t st = wb_case_exec (cs, sql, "cannot upgrade case");
	g_free (sql);
	return st;
}

/* Migrations from version N to N+1: the steps whose version is N, in
 * order, each SQL or a function (for what SQL cannot decide, such as
 * whether a column is there already).  A migration is appended here,
 * schema.sql is updated to the new whole schema, and WB_SCHEMA_VERSION is
 * raised.  tests/cli/t-upgrade.sh checks that an upgraded case has the
 * schema of a new one.
 *
 * 1 -> 2: copy identity (messages.ident, see wb_copy_ident) and the bytes
 * of each location (locations.raw_id).  An upgrade never merges: copies
 * that the identity rule would make one (the same delivery from an mbox
 * that quoted its "From " lines and from a Maildir) stay apart, their
 * ident set to their own SHA-256, and 'verify' lists them.  case_info
 * 'v1_last_run' is the last custody run made under version 1: 'verify'
 * checks the copies of those runs for what version 1 read differently.
 * party_attributes.peer, which some version 1 cases lack (add_peer).
 *
 * 2 -> 3: artifacts become the view over artifact_values (each distinct
 * kind and value once) and message_artifacts (each copy's rows), keeping
 * every row's id, so message_parties.artifact still names the same row.
 * Values are numbered in the order of their first row, as ingest numbers
 * them.  The old rows wait in a temporary table while the new tables take
 * the pages the old one freed: built beside it, the case grew by their
 * size (SpamAssassin corpus: 105.8 MB to 113.6 MB; now 105.8 MB, with 6.7 MB
 * free inside the file for what is ingested next).
 *
 * 3 -> 4: each distinct body text once, in body_texts, keyed by
 * wb_text_key; messages.body names it where messages.body_text held it.
 * messages is built again, every id kept: ALTER TABLE DROP COLUMN rewrites
 * the rows in place and frees no page, so body_texts grew the file by its
 * whole size.  The rows wait in a temporary table while the new tables
 * take the pages the old one freed.  Texts are numbered in the order of
 * the first copy that has them, as ingest numbers them.  Foreign keys are
 * off during an upgrade (SQLite's procedure for changing a table's
 * shape), so that dropping messages checks no row that refers to it.
 * Then hops becomes the view over hop_names (each distinct host name,
 * address, protocol and for-address once) and message_hops, the same way
 * as artifacts in 2 -> 3; names are numbered in the order ingest meets
 * them (copy, hop, then column).
 *
 * 4 -> 5: raw.codec, each row's bytes as found ('none') or a zstd frame
 * of them ('zstd').  The rows there are stay as they are, 'none': nothing
 * is rewritten.  case_info 'raw_codec' = 'none': the case goes on storing
 * new bytes as it did ('init' makes a new case 'zstd').
 *
 * 7 -> 8: messages_campaign, the index the campaigns pass reads every
 * copy's fingerprint and campaign from, and sources_run, by which ingest
 * finds what it reports of its own run (schema.sql).  No row changes. */
static const struct migration {
	int from;                               /* the version it upgrades */
	const char *sql;                        /* or NULL */
	wb_status_t (*fn) (wb_case_t *cs);      /* or NULL */
} migrations[] = {
	{ 1, "ALTER TABLE messages ADD COLUMN ident TEXT;"
	     "UPDATE messages SET ident = (SELECT wb_copy_ident(r.bytes, r.sha256) FROM raw r"
	     "  WHERE r.id = messages.raw_id);"
	     "UPDATE messages SET ident = sha256 WHERE EXISTS (SELECT 1 FROM messages o"
	     "  WHERE o.ident = messages.ident AND o.trap_id = messages.trap_id AND o.id < messages.id);"
	     "CREATE UNIQUE INDEX messages_ident ON messages(ident, trap_id);"
	     "ALTER TABLE locations ADD COLUMN raw_id INTEGER REFERENCES raw(id);"
	     "UPDATE locations SET raw_id = (SELECT raw_id FROM messages m WHERE m.id = locations.message);"
	     "INSERT OR REPLACE INTO case_info(key, value) SELECT 'v1_last_run', coalesce(max(run), 0)"
	     "  FROM custody", NULL },
	{ 1, NULL, add_peer },
	{ 2, "CREATE TEMP TABLE old_artifacts AS SELECT * FROM artifacts;"
	     "DROP TABLE artifacts;"
	     "CREATE TABLE artifact_values (id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
	     "  value TEXT NOT NULL, UNIQUE (kind, value));"
	     "CREATE TABLE message_artifacts (id INTEGER PRIMARY KEY,"
	     "  message INTEGER NOT NULL REFERENCES messages(id),"
	     "  value INTEGER NOT NULL, raw TEXT, location TEXT NOT NULL);"
	     "INSERT INTO artifact_values (kind, value) SELECT kind, value FROM old_artifacts"
	     "  GROUP BY kind, value ORDER BY min(id);"
	     "INSERT INTO message_artifacts (id, message, value, raw, location)"
	     "  SELECT a.id, a.message, v.id, nullif(a.raw, a.value), a.location FROM old_artifacts a"
	     "  JOIN artifact_values v ON v.kind = a.kind AND v.value = a.value ORDER BY a.id;"
	     "DROP TABLE temp.old_artifacts;"
	     "CREATE INDEX artifacts_message ON message_artifacts(message);"
	     "CREATE INDEX artifacts_value ON message_artifacts(value);"
	     "CREATE VIEW artifacts (id, message, kind, raw, value, location) AS"
	     "  SELECT a.id, a.message, v.kind, coalesce(a.raw, v.value), v.value, a.location"
	     "  FROM message_artifacts a JOIN artifact_values v ON v.id = a.value;"
	     "CREATE TRIGGER artifacts_insert INSTEAD OF INSERT ON artifacts BEGIN"
	     "  INSERT OR IGNORE INTO artifact_values (kind, value) VALUES (NEW.kind, NEW.value);"
	     "  INSERT INTO message_artifacts (id, message, value, raw, location)"
	     "  VALUES (NEW.id, NEW.message,"
	     "   (SELECT id FROM artifact_values WHERE kind = NEW.kind AND value = NEW.value),"
	     "   nullif(NEW.raw, NEW.value), NEW.location);"
	     "END;"
	     "CREATE TRIGGER artifacts_delete INSTEAD OF DELETE ON artifacts BEGIN"
	     "  DELETE FROM message_artifacts WHERE id = OLD.id;"
	     "END", NULL },
	{ 3, "CREATE TEMP TABLE old_messages AS SELECT * FROM messages;"
	     "DROP TABLE messages;"
	     "CREATE TABLE body_texts (id INTEGER PRIMARY KEY, key INTEGER NOT NULL, text TEXT NOT NULL);"
	     "INSERT INTO body_texts (key, text) SELECT wb_text_key(body_text), body_text"
	     "  FROM temp.old_messages WHERE body_text IS NOT NULL GROUP BY body_text ORDER BY min(id);"
	     "CREATE INDEX body_texts_key ON body_texts(key);"
	     "CREATE TABLE messages (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL,"
	     "  raw_id INTEGER NOT NULL REFERENCES raw(id), trap_id INTEGER NOT NULL DEFAULT 0,"
	     "  trap_match TEXT NOT NULL DEFAULT 'none', status TEXT NOT NULL, warnings TEXT,"
	     "  message_id TEXT, possible_duplicate INTEGER NOT NULL DEFAULT 0, date_header TEXT,"
	     "  date_parsed TEXT, date_status TEXT NOT NULL DEFAULT 'absent', from_addr TEXT,"
	     "  from_name TEXT, reply_to TEXT, return_path TEXT, sender TEXT, to_addrs TEXT,"
	     "  cc_addrs TEXT, subject TEXT, received_at TEXT, received_epoch INTEGER,"
	     "  received_from TEXT NOT NULL DEFAULT 'none', local_day TEXT,"
	     "  body INTEGER REFERENCES body_texts(id), category TEXT, fingerprint INTEGER,"
	     "  campaign INTEGER, ident TEXT, UNIQUE (sha256, trap_id));"
	     "INSERT INTO messages SELECT o.id, o.sha256, o.raw_id, o.trap_id, o.trap_match, o.status,"
	     "  o.warnings, o.message_id, o.possible_duplicate, o.date_header, o.date_parsed,"
	     "  o.date_status, o.from_addr, o.from_name, o.reply_to, o.return_path, o.sender,"
	     "  o.to_addrs, o.cc_addrs, o.subject, o.received_at, o.received_epoch, o.received_from,"
	     "  o.local_day, b.id, o.category, o.fingerprint, o.campaign, o.ident"
	     "  FROM temp.old_messages o LEFT JOIN body_texts b"
	     "  ON b.key = wb_text_key(o.body_text) AND b.text = o.body_text ORDER BY o.id;"
	     "DROP TABLE temp.old_messages;"
	     "CREATE UNIQUE INDEX messages_ident ON messages(ident, trap_id);"
	     "CREATE INDEX messages_msgid ON messages(message_id);"
	     "CREATE INDEX messages_trap ON messages(trap_id, received_epoch);"
	     "CREATE INDEX messages_damages ON messages(trap_id, local_day, campaign)", NULL },
	{ 3, "CREATE TEMP TABLE old_hops AS SELECT * FROM hops;"
	     "DROP TABLE hops;"
	     "CREATE TABLE hop_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	     "INSERT INTO hop_names (name) SELECT name FROM (SELECT name, min(ord) AS o FROM ("
	     "  SELECT from_host AS name, message << 20 | idx << 3 | 1 AS ord FROM temp.old_hops"
	     "  UNION ALL SELECT from_rdns, message << 20 | idx << 3 | 2 FROM temp.old_hops"
	     "  UNION ALL SELECT from_ip, message << 20 | idx << 3 | 3 FROM temp.old_hops"
	     "  UNION ALL SELECT by_host, message << 20 | idx << 3 | 4 FROM temp.old_hops"
	     "  UNION ALL SELECT protocol, message << 20 | idx << 3 | 5 FROM temp.old_hops"
	     "  UNION ALL SELECT for_addr, message << 20 | idx << 3 | 6 FROM temp.old_hops)"
	     "  WHERE name IS NOT NULL GROUP BY name) ORDER BY o;"
	     "CREATE TABLE message_hops (message INTEGER NOT NULL REFERENCES messages(id),"
	     "  idx INTEGER NOT NULL, raw TEXT NOT NULL, from_host INTEGER, from_rdns INTEGER,"
	     "  from_ip INTEGER, by_host INTEGER, protocol INTEGER, smtp_id TEXT, for_addr INTEGER,"
	     "  time_text TEXT, time_epoch INTEGER, time_status TEXT NOT NULL,"
	     "  trusted INTEGER NOT NULL DEFAULT 0, origin INTEGER NOT NULL DEFAULT 0, notes TEXT,"
	     "  PRIMARY KEY (message, idx)) WITHOUT ROWID;"
	     "INSERT INTO message_hops SELECT o.message, o.idx, o.raw,"
	     "  (SELECT id FROM hop_names WHERE name = o.from_host),"
	     "  (SELECT id FROM hop_names WHERE name = o.from_rdns),"
	     "  (SELECT id FROM hop_names WHERE name = o.from_ip),"
	     "  (SELECT id FROM hop_names WHERE name = o.by_host),"
	     "  (SELECT id FROM hop_names WHERE name = o.protocol), o.smtp_id,"
	     "  (SELECT id FROM hop_names WHERE name = o.for_addr), o.time_text, o.time_epoch,"
	     "  o.time_status, o.trusted, o.origin, o.notes FROM temp.old_hops o ORDER BY o.message, o.idx;"
	     "DROP TABLE temp.old_hops;"
	     "CREATE VIEW hops (message, idx, raw, from_host, from_rdns, from_ip, by_host, protocol,"
	     "  smtp_id, for_addr, time_text, time_epoch, time_status, trusted, origin, notes) AS"
	     "  SELECT h.message, h.idx, h.raw, n1.name, n2.name, n3.name, n4.name, n5.name, h.smtp_id,"
	     "  n6.name, h.time_text, h.time_epoch, h.time_status, h.trusted, h.origin, h.notes"
	     "  FROM message_hops h LEFT JOIN hop_names n1 ON n1.id = h.from_host"
	     "  LEFT JOIN hop_names n2 ON n2.id = h.from_rdns LEFT JOIN hop_names n3 ON n3.id = h.from_ip"
	     "  LEFT JOIN hop_names n4 ON n4.id = h.by_host LEFT JOIN hop_names n5 ON n5.id = h.protocol"
	     "  LEFT JOIN hop_names n6 ON n6.id = h.for_addr;"
	     "CREATE TRIGGER hops_insert INSTEAD OF INSERT ON hops BEGIN"
	     "  INSERT OR IGNORE INTO hop_names (name) SELECT v FROM (SELECT 1 AS k, NEW.from_host AS v"
	     "  UNION ALL SELECT 2, NEW.from_rdns UNION ALL SELECT 3, NEW.from_ip"
	     "  UNION ALL SELECT 4, NEW.by_host UNION ALL SELECT 5, NEW.protocol"
	     "  UNION ALL SELECT 6, NEW.for_addr) WHERE v IS NOT NULL ORDER BY k;"
	     "  INSERT INTO message_hops (message, idx, raw, from_host, from_rdns, from_ip, by_host,"
	     "  protocol, smtp_id, for_addr, time_text, time_epoch, time_status, trusted, origin, notes)"
	     "  VALUES (NEW.message, NEW.idx, NEW.raw,"
	     "  (SELECT id FROM hop_names WHERE name = NEW.from_host),"
	     "  (SELECT id FROM hop_names WHERE name = NEW.from_rdns),"
	     "  (SELECT id FROM hop_names WHERE name = NEW.from_ip),"
	     "  (SELECT id FROM hop_names WHERE name = NEW.by_host),"
	     "  (SELECT id FROM hop_names WHERE name = NEW.protocol), NEW.smtp_id,"
	     "  (SELECT id FROM hop_names WHERE name = NEW.for_addr), NEW.time_text, NEW.time_epoch,"
	     "  NEW.time_status, coalesce(NEW.trusted, 0), coalesce(NEW.origin, 0), NEW.notes);"
	     "END;"
	     "CREATE TRIGGER hops_delete INSTEAD OF DELETE ON hops BEGIN"
	     "  DELETE FROM message_hops WHERE message = OLD.message AND idx = OLD.idx;"
	     "END", NULL },
	{ 4, "ALTER TABLE raw ADD COLUMN codec TEXT NOT NULL DEFAULT 'none';"
	     "INSERT OR IGNORE INTO case_info(key, value) VALUES ('raw_codec', 'none')", NULL },
	{ 5, facts_findings_once, NULL },
	{ 6, artifacts_one_row, NULL },
	{ 6, NULL, artifacts_one_row_view },
	{ 7, WB_CAMPAIGN_INDEX "; CREATE INDEX sources_run ON sources(run)", NULL },
};

static int
user_version (wb_case_t *cs)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2 (cs->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step (st) == SQLITE_ROW)
			v = sqlite3_column_int (st, 0);
		sqlite3_finalize (st);
	}
	return v;
}

static wb_status_t
finish (wb_case_t *cs, wb_status_t st, wb_case_t **out, char **errmsg)
{
	if (st == WB_OK) {
		*out = cs;
		return WB_OK;
	}
	if (errmsg)
		*errmsg = g_strdup (wb_case_errmsg (cs));
	wb_case_free (cs);
	*out = NULL;
	return st;
}

wb_status_t
wb_case_create (const char *path, const char *name, const char *filed, wb_case_t **out,
		char **errmsg)
{
	wb_case_t *cs = case_new (path);
	wb_status_t st;
	char *now = NULL, *sql = NULL;
	struct stat sb;

	cs->writable = TRUE;
	if (stat (path, &sb) == 0) {
		st = wb_case_fail (cs, WB_ERR_EXISTS, "'%s' already exists", path);
		goto done;
	}
	if ((st = wb_case_lock (cs)))
		goto done;
	/* Build the case under a temporary name and rename it into place, so a
	 * failed init leaves nothing behind. */
	char *tmp = g_strconcat (path, ".tmp", NULL);
	unlink (tmp);
	g_free (cs->path);
	cs->path = tmp;
	if ((st = open_db (cs, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)))
		goto done;
	/* 16 KiB pages: a stored message (about 5 KiB of raw bytes) fits in
	 * one page instead of a chain of overflow pages; ingest does about a
	 * fifth less work and half the system time (tests/bench). */
	if ((st = wb_case_exec (cs, "PRAGMA page_size=16384", "cannot create case")) ||
	    (st = wb_case_exec (cs, "BEGIN", "cannot create case")) ||
	    (st = wb_case_exec (cs, wb_schema_sql, "cannot create schema")))
		goto done;
	now = wb_now_iso ();
	sql = g_strdup_printf ("PRAGMA user_version=%d", WB_SCHEMA_VERSION);
	if ((st = wb_case_exec (cs, sql, "cannot set schema version")) ||
	    (st = wb_case_set_info (cs, "created_at", now)) ||
	    (st = wb_case_set_info (cs, "created_by", cs->operator_name)) ||
	    (st = wb_case_set_info (cs, "tool_version", WB_VERSION)) ||
	    (st = wb_case_set_info (cs, "raw_codec", "zstd")) ||
	    (name && (st = wb_case_set_info (cs, "name", name))) ||
	    (filed && (st = wb_case_set_info (cs, "filed", filed))) ||
	    (st = wb_case_exec (cs, "COMMIT", "cannot create case")))
		goto done;
	forget_stmts (cs);
	sqlite3_close_v2 (cs->db);
	cs->db = NULL;
	if (rename (tmp, path) < 0) {
		st = wb_case_fail (cs, WB_ERR_IO, "cannot create '%s': %s", path, g_strerror (errno));
		unlink (tmp);
		goto done;
	}
	g_free (cs->path);
	cs->path = g_strdup (path);
	st = open_db (cs, SQLITE_OPEN_READWRITE);
done:
	if (st && cs->db) {
		forget_stmts (cs);
		sqlite3_close_v2 (cs->db);
		cs->db = NULL;
		unlink (cs->path);
	}
	g_free (now);
	g_free (sql);
	return finish (cs, st, out, errmsg);
}

wb_status_t
wb_case_open (const char *path, wb_open_mode_t mode, wb_case_t **out, char **errmsg)
{
	wb_case_t *cs = case_new (path);
	wb_status_t st = WB_OK;
	struct stat sb;

	if (stat (path, &sb) < 0) {
		st = wb_case_fail (cs, errno == ENOENT ? WB_ERR_NOT_FOUND : WB_ERR_IO,
				   "cannot open case '%s': %s", path, g_strerror (errno));
		goto done;
	}
	if (!S_ISREG (sb.st_mode)) {
		st = wb_case_fail (cs, WB_ERR_NOT_CASE, "'%s' is not a case file", path);
		goto done;
	}
	if (mode == WB_OPEN_WRITE) {
		char *dir = g_path_get_dirname (path);
		/* A case with no write permission bits is frozen, even for root
		 * (who passes access()): counsel mark a filed case that way. */
		gboolean ok = access (path, W_OK) == 0 && access (dir, W_OK) == 0 &&
			      (sb.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH));
		g_free (dir);
		if (!ok) {
			st = wb_case_fail (cs, WB_ERR_READONLY,
					   "case '%s' is read-only (the file or its folder cannot be written)",
					   path);
			goto done;
		}
		cs->writable = TRUE;
	}
	if ((st = open_db (cs, mode == WB_OPEN_WRITE ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY)))
		goto done;
	int v = user_version (cs);
	sqlite3_stmt *probe = NULL;
	if (v < 1 || sqlite3_prepare_v2 (cs->db, "SELECT value FROM case_info LIMIT 1", -1,
					  &probe, NULL) != SQLITE_OK) {
		sqlite3_finalize (probe);
		st = wb_case_fail (cs, WB_ERR_NOT_CASE, "'%s' is not a workbench case file", path);
		goto done;
	}
	sqlite3_finalize (probe);
	if (v > WB_SCHEMA_VERSION) {
		st = wb_case_fail (cs, WB_ERR_VERSION,
				   "case '%s' has schema version %d; this workbench knows %d", path, v,
				   WB_SCHEMA_VERSION);
		goto done;
	}
	if (v < WB_SCHEMA_VERSION) {
		if (mode != WB_OPEN_WRITE) {
			st = wb_case_fail (cs, WB_ERR_OLD_SCHEMA,
					   "case '%s' has schema version %d and must be upgraded to %d", path, v,
					   WB_SCHEMA_VERSION);
			goto done;
		}
		/* Not inside a transaction: SQLite ignores it there. */
		if ((st = wb_case_exec (cs, "PRAGMA foreign_keys=OFF", "cannot upgrade case")))
			goto done;
		if ((st = wb_case_begin (cs)))
			goto done;
		int v0 = v;
		for (; v < WB_SCHEMA_VERSION; v++) {
			for (size_t i = 0; i < G_N_ELEMENTS (migrations) && !st; i++) {
				const struct migration *m = &migrations[i];
				if (m->from == v)
					st = m->sql ? wb_case_exec (cs, m->sql, "cannot upgrade case") : m->fn (cs);
			}
			if (!st) {
				char *sql = g_strdup_printf ("PRAGMA user_version=%d", v + 1);
				st = wb_case_exec (cs, sql, "cannot upgrade case");
				g_free (sql);
			}
			if (st) {
				wb_case_rollback (cs);
				goto done;
			}
		}
		/* The upgrade is in the custody log, in its own transaction. */
		char *detail = g_strdup_printf ("schema version %d -> %d", v0, WB_SCHEMA_VERSION);
		int64_t run = 0;
		st = wb_case_run_begin (cs, "upgrade", detail, &run);
		if (!st)
			st = wb_case_run_end (cs, run, detail);
		g_free (detail);
		if (st) {
			wb_case_rollback (cs);
			goto done;
		}
		if ((st = wb_case_commit (cs)) ||
		    (st = wb_case_exec (cs, "PRAGMA foreign_keys=ON", "cannot upgrade case")))
			goto done;
		cs->upgraded_from = v0;
	}
done:
	return finish (cs, st, out, errmsg);
}

char *
wb_case_info (wb_case_t *cs, const char *key)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT value FROM case_info WHERE key = ?");
	char *v = NULL;
	if (!st)
		return NULL;
	sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step (st) == SQLITE_ROW)
		v = g_strdup ((const char *) sqlite3_column_text (st, 0));
	sqlite3_reset (st);
	return v;
}

wb_status_t
wb_case_set_info (wb_case_t *cs, const char *key, const char *value)
{
	sqlite3_stmt *st = wb_case_stmt (cs, value ? "INSERT OR REPLACE INTO case_info(key, value) VALUES (?, ?)"
					 : "DELETE FROM case_info WHERE key = ?");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text (st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step (st);
	sqlite3_reset (st);
	return rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (cs, "cannot write case info");
}

char *
wb_now_iso (void)
{
	GDateTime *now = g_date_time_new_now_utc ();
	char *s = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref (now);
	return s;
}

static wb_status_t
custody_insert (wb_case_t *cs, int64_t run, const char *action, const char *detail, int64_t *id)
{
	/* A 'begin' row (RUN 0) gets the next id and is its own run number.
	 * Any other row takes the next id as SQLite gives it, max(id) + 1 (the
	 * log is append-only, so that is the same id): an INSERT ... SELECT
	 * from custody itself went through a temporary table, 57,000
	 * instructions for each file of a folder. */
	sqlite3_stmt *st = run == 0 ? wb_case_stmt (cs,
		"INSERT INTO custody(id, run, at, action, command, operator, tool_version, detail)"
		" SELECT n, CASE WHEN ?1 = 0 THEN n ELSE ?1 END, ?2, ?3, ?4, ?5, ?6, ?7"
		" FROM (SELECT coalesce(max(id), 0) + 1 AS n FROM custody)")
		: wb_case_stmt (cs,
		"INSERT INTO custody(run, at, action, command, operator, tool_version, detail)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return WB_ERR_DB;
	char *now = wb_now_iso ();
	sqlite3_bind_int64 (st, 1, run);
	sqlite3_bind_text (st, 2, now, -1, g_free);
	sqlite3_bind_text (st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text (st, 4, cs->command ? cs->command : "", -1, SQLITE_STATIC);
	sqlite3_bind_text (st, 5, cs->operator_name, -1, SQLITE_STATIC);
	sqlite3_bind_text (st, 6, WB_VERSION, -1, SQLITE_STATIC);
	if (detail)
		sqlite3_bind_text (st, 7, detail, -1, SQLITE_STATIC);
	int rc = sqlite3_step (st);
	sqlite3_reset (st);
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (cs, "cannot write custody log");
	if (id)
		*id = sqlite3_last_insert_rowid (cs->db);
	return WB_OK;
}

wb_status_t
wb_case_run_begin (wb_case_t *cs, const char *command, const char *detail, int64_t *run)
{
	wb_status_t st;
	int64_t id = 0;
	gboolean own = sqlite3_get_autocommit (cs->db);
	if (command)
		wb_case_set_command (cs, command);
	if (own && (st = wb_case_begin (cs)))
		return st;
	if ((st = custody_insert (cs, 0, "begin", detail, &id)))
		goto fail;
	if (own && (st = wb_case_commit (cs)))
		goto fail;
	*run = id;
	return WB_OK;
fail:
	if (own)
		wb_case_rollback (cs);
	return st;
}

wb_status_t
wb_case_custody (wb_case_t *cs, int64_t run, const char *action, const char *detail)
{
	return custody_insert (cs, run, action, detail, NULL);
}

wb_status_t
wb_case_run_end (wb_case_t *cs, int64_t run, const char *detail)
{
	wb_status_t st;
	gboolean own = sqlite3_get_autocommit (cs->db);
	if (own && (st = wb_case_begin (cs)))
		return st;
	if ((st = custody_insert (cs, run, "end", detail, NULL))) {
		if (own)
			wb_case_rollback (cs);
		return st;
	}
	return own ? wb_case_commit (cs) : WB_OK;
}

int64_t
wb_case_clock (wb_case_t *cs)
{
	const char *sde = g_getenv ("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		gint64 v = g_ascii_strtoll (sde, &end, 10);
		if (!*end && v >= 0)
			return v;
	}
	char *at = NULL;
	sqlite3_stmt *st = wb_case_stmt (cs,
		"SELECT max(at) FROM custody WHERE command NOT IN ('report', 'verify', '')");
	if (st && sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0))
		at = g_strdup ((const char *) sqlite3_column_text (st, 0));
	if (st)
		sqlite3_reset (st);
	if (!at)
		at = wb_case_info (cs, "created_at");
	int64_t t = 0;
	if (at) {
		GDateTime *dt = g_date_time_new_from_iso8601 (at, NULL);
		if (dt) {
			t = g_date_time_to_unix (dt);
			g_date_time_unref (dt);
		}
		g_free (at);
	}
	return t;
}

/* The program's allocator, tcmalloc (Makefile, MALLOC_LIB), keeps what is
 * freed for the next allocation of its size; the C library's malloc keeps
 * it in the arena of the thread that freed it.  Either way the pages of a
 * page cache just made smaller stay in the process, and the next large
 * allocation of another size or thread (SQLite's sorter building
 * artifacts_value again, campaigns' cache in the main thread) comes on top:
 * without this, the peak RSS of 200,000 copies was 314 MiB under tcmalloc
 * (290 MiB with it), and 350 MiB under the C library's malloc (246 MiB
 * with it).  So give the freed pages back to the system.  The tcmalloc
 * entry point is weak: the unit tests and the sanitizers' build link no
 * tcmalloc, and it is NULL there. */
#pragma weak MallocExtension_ReleaseFreeMemory
extern void MallocExtension_ReleaseFreeMemory (void);

/* Is the process's resident memory WB_MALLOC_RELEASE_RSS or more?  Yes
 * when /proc does not say. */
static gboolean
resident_large (void)
{
	char buf[128];
	int fd = open ("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close (fd);
	unsigned long long size, resident;
	if (n <= 0)
		return TRUE;
	buf[n] = 0;
	if (sscanf (buf, "%llu %llu", &size, &resident) != 2)
		return TRUE;
	long page = sysconf (_SC_PAGESIZE);
	return resident * (unsigned long long) (page > 0 ? page : 4096) >= WB_MALLOC_RELEASE_RSS;
}

void
wb_malloc_release (void)
{
	if (MallocExtension_ReleaseFreeMemory && resident_large ())
		MallocExtension_ReleaseFreeMemory ();
}

/* What tcmalloc's threads keep free is theirs alone: ReleaseFreeMemory
 * does not reach it.  Over 1,000,000 copies the parse workers' and the
 * writer's caches grew to 20-27 MiB free, and the central lists to 10-19
 * MiB more, while the memory in use stayed at 202-221 MiB
 * (MallocExtension's counters every 64 batches): the run's peak RSS went
 * from 296 to 318 MiB with the moment it was taken.  Bounded to 8 MiB,
 * the main phase held 250 MiB instead of 265-285, at no CPU cost
 * measurable over 25,000 copies (six alternated pairs, twice). */
#pragma weak MallocExtension_SetNumericProperty
extern int MallocExtension_SetNumericProperty (const char *name, size_t value);

void
wb_malloc_limit_caches (void)
{
	if (MallocExtension_SetNumericProperty)
		MallocExtension_SetNumericProperty ("tcmalloc.max_total_thread_cache_bytes",
						    WB_MALLOC_THREAD_CACHE);
}

static void
release_free_memory (void)
{
	if (!resident_large ())
		return;
	if (MallocExtension_ReleaseFreeMemory)
		MallocExtension_ReleaseFreeMemory ();
#ifdef __GLIBC__
	malloc_trim (0);
#endif
}

int64_t
wb_case_cache_set (wb_case_t *cs, int64_t kib)
{
	int64_t before = -2000;   /* SQLite's default */
	sqlite3_stmt *st = wb_case_stmt (cs, "PRAGMA cache_size");
	if (st) {
		if (sqlite3_step (st) == SQLITE_ROW)
			before = sqlite3_column_int64 (st, 0);
		sqlite3_reset (st);
	}
	char *sql = g_strdup_printf ("PRAGMA cache_size = -%" G_GINT64_FORMAT, kib);
	sqlite3_exec (cs->db, sql, NULL, NULL, NULL);
	g_free (sql);
	release_free_memory ();   /* of the pages a smaller cache dropped */
	return before;
}

void
wb_case_cache_restore (wb_case_t *cs, int64_t before)
{
	char *sql = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, before);
	sqlite3_exec (cs->db, sql, NULL, NULL, NULL);
	g_free (sql);
	sqlite3_db_release_memory (cs->db);
	release_free_memory ();
}

const EVP_MD *
wb_sha256_md (void)
{
	static const EVP_MD *md;
	if (g_once_init_enter (&md)) {
		EVP_MD *m = EVP_MD_fetch (NULL, "SHA256", NULL);
		g_once_init_leave (&md, m ? m : EVP_sha256 ());
	}
	return md;
}

/* Each thread keeps one digest context (freed when it ends): a parse
 * worker hashes every copy, and a context made and freed per copy cost
 * two allocations of its own and two of the provider's. */
static GPrivate sha_ctx = G_PRIVATE_INIT ((GDestroyNotify) EVP_MD_CTX_free);

void
wb_sha256_hex (const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	EVP_MD_CTX *ctx = g_private_get (&sha_ctx);
	if (!ctx) {
		ctx = EVP_MD_CTX_new ();
		g_private_set (&sha_ctx, ctx);
	}
	if (!ctx || !EVP_DigestInit_ex2 (ctx, wb_sha256_md (), NULL) ||
	    !EVP_DigestUpdate (ctx, data, len) || !EVP_DigestFinal_ex (ctx, md, NULL)) {
		/* Out of memory in OpenSSL: the one-shot call, or abort. */
		unsigned int n = 0;
		if (!EVP_Digest (data, len, md, &n, wb_sha256_md (), NULL))
			g_error ("SHA-256 failed");
	}
	wb_digest_hex (md, out);
}

/* Whether the line at P (LEFT bytes to the end of the copy) is ^>+From . */
static gboolean
quoted_from (const char *p, size_t left)
{
	size_t q = 0;
	while (q < left && p[q] == '>')
		q++;
	return q > 0 && left - q >= 5 && memcmp (p + q, "From ", 5) == 0;
}

void
wb_copy_ident (const void *data, size_t len, const char *sha, char out[65])
{
	const char *d = data;
	/* Most copies quote nothing: find the first quoted line, if any. */
	size_t first = len;
	for (size_t p = 0; p < len;) {
		if (d[p] == '>' && quoted_from (d + p, len - p)) {
			first = p;
			break;
		}
		const char *nl = memchr (d + p, '\n', len - p);
		if (!nl)
			break;
		p = (size_t) (nl - d) + 1;
	}
	if (first == len) {
		if (sha)
			memcpy (out, sha, 65);
		else
			wb_sha256_hex (data, len, out);
		return;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
	if (!ctx || !EVP_DigestInit_ex (ctx, wb_sha256_md (), NULL))
		g_error ("SHA-256 failed");
	EVP_DigestUpdate (ctx, d, first);
	for (size_t p = first; p < len;) {
		const char *nl = memchr (d + p, '\n', len - p);
		size_t e = nl ? (size_t) (nl - d) + 1 : len;
		size_t skip = 0;
		if (d[p] == '>' && quoted_from (d + p, len - p))
			while (d[p + skip] == '>')
				skip++;
		EVP_DigestUpdate (ctx, d + p + skip, e - p - skip);
		p = e;
	}
	unsigned char md[32];
	EVP_DigestFinal_ex (ctx, md, NULL);
	EVP_MD_CTX_free (ctx);
	wb_digest_hex (md, out);
}

gboolean
wb_sha256_file (const char *path, char out[65], int64_t *size, GError **err)
{
	int fd = open (path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat (fd, &sb) != 0) {
		int e = errno;
		if (fd >= 0)
			close (fd);
		g_set_error (err, G_FILE_ERROR, g_file_error_from_errno (e), "cannot read '%s': %s",
			     path, g_strerror (e));
		return FALSE;
	}
	if (!S_ISREG (sb.st_mode)) {
		close (fd);
		g_set_error (err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "cannot read '%s': not a regular file", path);
		return FALSE;
	}
	GError *e = NULL;
	GMappedFile *mf = g_mapped_file_new_from_fd (fd, FALSE, &e);
	close (fd);   /* the mapping stays */
	if (!mf) {
		g_set_error (err, G_FILE_ERROR, e->code, "cannot read '%s': %s", path, e->message);
		g_error_free (e);
		return FALSE;
	}
	wb_sha256_hex (g_mapped_file_get_contents (mf), g_mapped_file_get_length (mf), out);
	if (size)
		*size = (int64_t) g_mapped_file_get_length (mf);
	g_mapped_file_unref (mf);
	return TRUE;
}

void
wb_digest_hex (const unsigned char md[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = 0;
}

/* The canonical dump of the evidence (reports/README.md quotes it, and
 * tests/cli/t-case-digest.sh runs that copy with the sqlite3 shell): one
 * line a row, "TABLE:" then the hex of its values quote()d and joined by
 * ','; raw stands for its bytes by their SHA-256 and length (for a zstd
 * frame, raw.size: the same line whichever way the bytes are stored);
 * custody only up to the run :run. */
const char wb_case_digest_sql[] =
	"SELECT 'sources:' || hex(quote(id) || ',' || quote(run) || ',' || quote(parent_id) || ',' || quote(name) || ',' || quote(chain) || ',' || quote(depth) || ',' || quote(size) || ',' || quote(sha256) || ',' || quote(format) || ',' || quote(filters) || ',' || quote(role) || ',' || quote(reason) || ',' || quote(messages) || ',' || quote(complete) || ',' || quote(ingested_at)) FROM sources ORDER BY id;\n"
	"SELECT 'raw:' || hex(quote(id) || ',' || quote(sha256) || ',' || quote(size) || ',' || quote(CASE codec WHEN 'none' THEN length(bytes) ELSE size END)) FROM raw ORDER BY id;\n"
	"SELECT 'traps:' || hex(quote(id) || ',' || quote(address) || ',' || quote(holder) || ',' || quote(state) || ',' || quote(provider) || ',' || quote(provider_state) || ',' || quote(timezone) || ',' || quote(hosts)) FROM traps ORDER BY id;\n"
	"SELECT 'messages:' || hex(quote(id) || ',' || quote(sha256) || ',' || quote(raw_id) || ',' || quote(trap_id) || ',' || quote(trap_match) || ',' || quote(status) || ',' || quote(warnings) || ',' || quote(message_id) || ',' || quote(possible_duplicate) || ',' || quote(date_header) || ',' || quote(date_parsed) || ',' || quote(date_status) || ',' || quote(from_addr) || ',' || quote(from_name) || ',' || quote(reply_to) || ',' || quote(return_path) || ',' || quote(sender) || ',' || quote(to_addrs) || ',' || quote(cc_addrs) || ',' || quote(subject) || ',' || quote(received_at) || ',' || quote(received_epoch) || ',' || quote(received_from) || ',' || quote(local_day) || ',' || quote((SELECT text FROM body_texts WHERE id = messages.body)) || ',' || quote(category) || ',' || quote(fingerprint) || ',' || quote(campaign) || ',' || quote(ident)) FROM messages ORDER BY id;\n"
	"SELECT 'locations:' || hex(quote(id) || ',' || quote(message) || ',' || quote(source_id) || ',' || quote(offset) || ',' || quote(length) || ',' || quote(from_line) || ',' || quote(split) || ',' || quote(raw_id)) FROM locations ORDER BY id;\n"
	"SELECT 'statutes:' || hex(quote(id) || ',' || quote(citation) || ',' || quote(jurisdiction) || ',' || quote(effective) || ',' || quote(file) || ',' || quote(origin) || ',' || quote(sha256) || ',' || quote(content) || ',' || quote(run) || ',' || quote(loaded_at)) FROM statutes ORDER BY id;\n"
	"SELECT 'findings:' || hex(quote(id) || ',' || quote(message) || ',' || quote(statute) || ',' || quote(provision) || ',' || quote(finding) || ',' || quote(source) || ',' || quote(confidence) || ',' || quote(evidence) || ',' || quote(note) || ',' || quote(run) || ',' || quote(at)) FROM findings ORDER BY id;\n"
	"SELECT 'rule_masks:' || hex(quote(message) || ',' || quote(masks)) FROM rule_masks ORDER BY message;\n"
	"SELECT 'parties:' || hex(quote(id) || ',' || quote(name) || ',' || quote(role) || ',' || quote(derived) || ',' || quote(source)) FROM parties ORDER BY id;\n"
	"SELECT 'party_attributes:' || hex(quote(id) || ',' || quote(party) || ',' || quote(kind) || ',' || quote(raw) || ',' || quote(value) || ',' || quote(source) || ',' || quote(message) || ',' || quote(messages) || ',' || quote(peer)) FROM party_attributes ORDER BY id;\n"
	"SELECT 'links:' || hex(quote(id) || ',' || quote(party_a) || ',' || quote(party_b) || ',' || quote(printf('%!.15g', score)) || ',' || quote(strength) || ',' || quote(review) || ',' || quote(note) || ',' || quote(summary)) FROM links ORDER BY id;\n"
	"SELECT 'link_evidence:' || hex(quote(link) || ',' || quote(kind) || ',' || quote(value) || ',' || quote(printf('%!.15g', weight)) || ',' || quote(parties)) FROM link_evidence ORDER BY link, kind, value;\n"
	"SELECT 'message_parties:' || hex(quote(message) || ',' || quote(party) || ',' || quote(role) || ',' || quote(kind) || ',' || quote(value) || ',' || quote(location) || ',' || quote(coalesce((SELECT a.first_id FROM message_artifacts a WHERE a.message = message_parties.message) + artifact, artifact))) FROM message_parties ORDER BY message, party, role, kind, value;\n"
	"SELECT 'custody:' || hex(quote(id) || ',' || quote(run) || ',' || quote(at) || ',' || quote(action) || ',' || quote(command) || ',' || quote(operator) || ',' || quote(tool_version) || ',' || quote(detail)) FROM custody WHERE id < :run ORDER BY id;\n";

wb_status_t
wb_case_digest (wb_case_t *cs, int64_t run, char out[65])
{
	sqlite3 *db = wb_case_db (cs);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
	wb_status_t st = WB_OK;
	const char *sql = wb_case_digest_sql;
	if (!ctx || !EVP_DigestInit_ex2 (ctx, wb_sha256_md (), NULL)) {
		st = wb_case_fail (cs, WB_ERR_NOMEM, "cannot start a SHA-256");
		goto done;
	}
	while (!st && *sql) {
		sqlite3_stmt *q = NULL;
		const char *tail = NULL;
		if (sqlite3_prepare_v2 (db, sql, -1, &q, &tail) != SQLITE_OK) {
			st = wb_case_fail_db (cs, "cannot read the case for its digest");
			break;
		}
		sql = tail;
		if (!q)
			continue;
		int i = sqlite3_bind_parameter_index (q, ":run");
		if (i)
			sqlite3_bind_int64 (q, i, run);
		int rc;
		while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text (q, 0);
			if (!EVP_DigestUpdate (ctx, t ? t : (const unsigned char *) "", sqlite3_column_bytes (q, 0)) ||
			    !EVP_DigestUpdate (ctx, "\n", 1)) {
				rc = SQLITE_NOMEM;
				break;
			}
		}
		if (rc != SQLITE_DONE)
			st = wb_case_fail_db (cs, "cannot read the case for its digest");
		sqlite3_finalize (q);
	}
	unsigned char md[32];
	if (!st && !EVP_DigestFinal_ex (ctx, md, NULL))
		st = wb_case_fail (cs, WB_ERR_NOMEM, "cannot finish a SHA-256");
	if (!st)
		wb_digest_hex (md, out);
done:
	EVP_MD_CTX_free (ctx);
	return st;
}
