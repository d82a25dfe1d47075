/* 'html-diff DIR': each file of DIR one HTML document; wb_html_to_text()
 * against the reference that gives libxml2 the document whole
 * (tests/unit/html-ref.h), on the document and on the document cut short
 * at eight lengths (unfinished constructs).  Prints "documents N, differ M"
 * and each file that differs; exits 1 if any does
 * (tests/cli/t-html-differential.sh). */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "analyze.h"
#include "../unit/html-ref.h"

int
main (int argc, char **argv)
{
	if (argc != 2) {
		fprintf (stderr, "usage: html-diff DIR\n");
		return 2;
	}
	wb_analysis_data ();
	GError *err = NULL;
	GDir *dir = g_dir_open (argv[1], 0, &err);
	if (!dir) {
		fprintf (stderr, "html-diff: %s\n", err->message);
		return 2;
	}
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	for (const char *n; (n = g_dir_read_name (dir)); )
		g_ptr_array_add (names, g_build_filename (argv[1], n, NULL));
	g_dir_close (dir);
	int docs = 0, differ = 0;
	for (guint i = 0; i < names->len; i++) {
		const char *path = g_ptr_array_index (names, i);
		char *html;
		gsize len;
		if (!g_file_get_contents (path, &html, &len, &err)) {
			fprintf (stderr, "html-diff: %s\n", err->message);
			return 2;
		}
		docs++;
		gboolean ok = ref_html_same (html, len);
		for (int k = 1; ok && k <= 8; k++)
			ok = ref_html_same (html, len * k / 9);
		if (!ok) {
			differ++;
			printf ("differs: %s\n", path);
		}
		g_free (html);
	}
	g_ptr_array_unref (names);
	printf ("documents %d, differ %d\n", docs, differ);
	return differ ? 1 : 0;
}
