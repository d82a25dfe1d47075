/* Folders: walked in name order, each file its own source, the files
 * stored in groups of one transaction each (wb_ingest_opts_t.group_bytes). */
#include <dirent.h>
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

/* A name in a folder, and its type as readdir() gave it. */
typedef struct {
	unsigned char type;      /* DT_REG, DT_DIR, ...; DT_UNKNOWN: lstat() says */
	char name[];
} entry_t;

static int
cmp_entry (const void *a, const void *b)
{
	return strcmp ((*(entry_t *const *) a)->name, (*(entry_t *const *) b)->name);
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

wb_status_t
wb_ingest_record_skipped_dir (wb_ingest_t *ing, const char *path, const char *reason)
{
	wb_status_t rs;
	if ((rs = wb_ingest_group_join (ing, 0)))
		return rs;
	src_t *s = wb_src_new (ing, NULL, path, path);
	ing->st.members--;
	s->format = "maildir";
	s->role = "skipped";
	s->reason = g_strdup (reason);
	wb_src_push (ing, s, IT_SOURCE_BEGIN, -1, NULL);
	ing->st.skipped_members++;
	char *custody = g_strdup_printf ("path=%s skipped: %s", path, reason);
	rs = wb_ingest_finish_source (ing, s, custody, -1);
	g_free (custody);
	wb_src_free (s);
	return rs;
}

wb_status_t
wb_ingest_dir (wb_ingest_t *ing, const char *path, int level)
{
	DIR *d = opendir (path);
	if (!d)
		return wb_case_fail (ing->cs, WB_ERR_IO, "cannot read folder '%s': %s", path,
				     g_strerror (errno));
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	struct dirent *de;
	while ((de = readdir (d)))
		if (strcmp (de->d_name, ".") && strcmp (de->d_name, "..")) {
			size_t len = strlen (de->d_name);
			entry_t *e = g_malloc (sizeof *e + len + 1);
			e->type = de->d_type;
			memcpy (e->name, de->d_name, len + 1);
			g_ptr_array_add (names, e);
		}
	closedir (d);
	g_ptr_array_sort (names, cmp_entry);
	wb_status_t rs = WB_OK;
	for (guint i = 0; i < names->len && !rs; i++) {
		const entry_t *e = names->pdata[i];
		const char *n = e->name;
		char *p = g_build_filename (path, n, NULL);
		/* A regular file as readdir() says (most file systems say) needs
		 * no lstat() of its own: wb_ingest_file() opens it and reads its
		 * fstat(), and checks it again after reading. */
		struct stat sb = { .st_mode = S_IFREG };
		if (e->type != DT_REG && lstat (p, &sb) != 0) {
			rs = wb_case_fail (ing->cs, WB_ERR_IO, "cannot read '%s': %s", p, g_strerror (errno));
		} else if (S_ISDIR (sb.st_mode)) {
			if (dir_is_maildir_tmp (path, n))
				rs = wb_ingest_record_skipped_dir (ing, p, "Maildir tmp/ (deliveries in progress)");
			else if (level < 64)
				rs = wb_ingest_dir (ing, p, level + 1);
		} else if (S_ISREG (sb.st_mode)) {
			rs = wb_ingest_file (ing, p);
		} else {
			rs = wb_ingest_record_skipped_dir (ing, p, "not a regular file");
		}
		g_free (p);
		if (wb_interrupted && !rs)
			rs = wb_case_fail (ing->cs, WB_ERR_INTERRUPTED, "interrupted");
	}
	g_ptr_array_free (names, TRUE);
	return rs;
}
