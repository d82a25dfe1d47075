/* reports/manifest.c: the manifest report writes and verify reads back.
 * The fixtures are written by hand: SHA-256("abc") and SHA-256("") are the
 * FIPS 180-2 and sha256sum values. */
#include <criterion/criterion.h>
#include <string.h>
#include "manifest.h"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

Test (manifest, append_writes_sha256sum_like_lines)
{
	GString *m = g_string_new ("");
	wb_manifest_append (m, SHA_ABC, 3, "exhibits.xlsx");
	wb_manifest_append (m, SHA_EMPTY, 0, "report.pdf");
	cr_assert_str_eq (m->str, SHA_ABC "  3  exhibits.xlsx\n" SHA_EMPTY "  0  report.pdf\n");
	g_string_free (m, TRUE);
}

Test (manifest, parse_reads_what_append_wrote)
{
	GString *m = g_string_new ("");
	wb_manifest_append (m, SHA_ABC, 3, "exhibits.xlsx");
	wb_manifest_append (m, SHA_EMPTY, 1234567890123, "chart-timeline.png");
	GArray *files = wb_manifest_parse (m->str);
	cr_assert_not_null (files);
	cr_assert_eq (files->len, 2);
	const wb_manifest_file_t *a = &g_array_index (files, wb_manifest_file_t, 0);
	const wb_manifest_file_t *b = &g_array_index (files, wb_manifest_file_t, 1);
	cr_assert_str_eq (a->sha, SHA_ABC);
	cr_assert_eq (a->size, 3);
	cr_assert_str_eq (a->name, "exhibits.xlsx");
	cr_assert_str_eq (b->sha, SHA_EMPTY);
	cr_assert_eq (b->size, 1234567890123LL);
	cr_assert_str_eq (b->name, "chart-timeline.png");
	g_array_unref (files);
	g_string_free (m, TRUE);
	/* Empty lines are skipped; the last line needs no newline. */
	files = wb_manifest_parse ("\n" SHA_ABC "  3  a_b-c.txt");
	cr_assert_not_null (files);
	cr_assert_eq (files->len, 1);
	cr_assert_str_eq (g_array_index (files, wb_manifest_file_t, 0).name, "a_b-c.txt");
	g_array_unref (files);
}

Test (manifest, parse_refuses_what_report_never_writes)
{
	const char *bad[] = {
		"",                                          /* no file */
		"\n\n",
		SHA_ABC " 3  x.pdf",                         /* one space */
		SHA_ABC "  3 x.pdf",
		SHA_ABC "  -3  x.pdf",                       /* a sign */
		SHA_ABC "  3  ",                             /* no name */
		SHA_ABC "  3  .hidden",                      /* a dot first */
		SHA_ABC "  3  ../x.pdf",                     /* a path */
		SHA_ABC "  3  sub/x.pdf",
		SHA_ABC "  3  x\x1b[2J.pdf",                 /* a control character */
		SHA_ABC "  3  x .pdf",                       /* a space */
		"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD  3  x.pdf",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a  3  x.pdf",  /* 63 digits */
		SHA_ABC "  3  x.pdf\nnot a line",            /* one bad line spoils all */
	};
	for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
		cr_assert_null (wb_manifest_parse (bad[i]), "accepted [%s]", bad[i]);
}

Test (manifest, custody_detail_round_trip)
{
	char *d = wb_manifest_custody_detail ("/cases/x/exhibits", SHA_ABC "  3  report.pdf\n");
	cr_assert_str_eq (d, "out=/cases/x/exhibits\n" SHA_ABC "  3  report.pdf\n");
	char *dir = NULL, *man = NULL;
	cr_assert (wb_manifest_custody_split (d, &dir, &man));
	cr_assert_str_eq (dir, "/cases/x/exhibits");
	cr_assert_str_eq (man, SHA_ABC "  3  report.pdf\n");
	g_free (dir);
	g_free (man);
	g_free (d);
	/* Not a report's row: nothing is set. */
	const char *bad[] = { "out=\n" SHA_ABC "  3  x.pdf", "out=/x", "dir=/x\n", "" };
	for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
		dir = man = NULL;
		cr_assert (!wb_manifest_custody_split (bad[i], &dir, &man), "accepted [%s]", bad[i]);
		cr_assert_null (dir);
		cr_assert_null (man);
	}
	cr_assert (!wb_manifest_custody_split (NULL, &dir, &man));
}

Test (manifest, digest_line_written_read_and_skipped)
{
	GString *m = g_string_new ("");
	wb_manifest_append_digest (m, SHA_ABC, 42);
	wb_manifest_append (m, SHA_EMPTY, 0, "report.pdf");
	cr_assert_str_eq (m->str, "# case digest " SHA_ABC " before run 42\n" SHA_EMPTY "  0  report.pdf\n");
	char d[65] = "";
	int64_t run = 0;
	cr_assert (wb_manifest_digest (m->str, d, &run));
	cr_assert_str_eq (d, SHA_ABC);
	cr_assert_eq (run, 42);
	GArray *files = wb_manifest_parse (m->str);
	cr_assert_not_null (files, "the digest line is not a file, nor an error");
	cr_assert_eq (files->len, 1);
	g_array_unref (files);
	g_string_free (m, TRUE);
	/* None, or one not as written, is no digest. */
	cr_assert_not (wb_manifest_digest (SHA_EMPTY "  0  report.pdf\n", d, &run));
	cr_assert_not (wb_manifest_digest ("# case digest " SHA_ABC " before run x\n", d, &run));
	cr_assert_not (wb_manifest_digest ("# case digest abc before run 4\n", d, &run));
	cr_assert_not (wb_manifest_digest ("x# case digest " SHA_ABC " before run 4\n", d, &run));
	cr_assert_not (wb_manifest_digest ("# case digest " SHA_ABC " before run 4 and more\n", d, &run));
}
