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
