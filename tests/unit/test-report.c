/* The report writer on a hand-made damages result.
 *
 * The case: six copies (tests/gen/report-case.py), days 2008-04-01 (copies
 * 1, 2, 3), 2008-04-02 (4, 5), 2008-04-03 (6).  The damages, by hand:
 *   ca-17529.5  $1,000 a copy, cap $2,500 per incident (a cap made small
 *               so the test reaches it): incident 1 = copies 1-3,
 *               $3,000 capped to $2,500; incident 2 = copies 4-5, $2,000.
 *               Amount 450,000 cents.
 *   ar-4-88     $10 a copy, $25 per day: day 1 $30 -> $25, day 2 $20,
 *               day 3 $10.  Amount 5,500 cents.
 *   az-44-1372  $10 a copy for all six ($60), the lesser of that and $40
 *               per action.  Amount 4,000 cents.
 *   co-6-2.5    $10 a copy, copies 1 and 6, no cap.  Amount 2,000 cents.
 *   Total 461,500 cents. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "report.h"

static char *tmp;

static void
setup (void)
{
	tmp = g_dir_make_tmp ("wbreport.XXXXXX", NULL);
	cr_assert (tmp);
	g_setenv ("SOURCE_DATE_EPOCH", "1209600000", TRUE);   /* 2008-05-01T00:00:00Z */
}

static void
teardown (void)
{
	if (!g_getenv ("KEEP")) {
		char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
		cr_assert_eq (system (cmd), 0);
		g_free (cmd);
	}
	g_free (tmp);
}

static wb_case_t *
make_case (const char *name)
{
	char *path = g_build_filename (tmp, name, NULL);
	wb_case_t *cs = NULL;
	char *err = NULL;
	cr_assert_eq (wb_case_create (path, "Doe v. Spam & Co", "2008-05-01", &cs, &err), WB_OK, "%s", err);
	int64_t run;
	cr_assert_eq (wb_case_run_begin (cs, "init", "init", &run), WB_OK);
	cr_assert_eq (wb_case_run_end (cs, run, NULL), WB_OK);
	wb_case_free (cs);
	char *cmd = g_strdup_printf ("python3 tests/gen/report-case.py '%s'", path);
	cr_assert_eq (system (cmd), 0);
	g_free (cmd);
	cr_assert_eq (wb_case_open (path, WB_OPEN_WRITE, &cs, &err), WB_OK, "%s", err);
	g_free (path);
	return cs;
}

/* A statute's result and the parameters the engine would say it applied
 * (wb_damages_statute_t.applied): per copy, cap kind and cap, the lesser
 * of the sum and the cap, no multiplier, a recipient may sue. */
static wb_damages_statute_t *
statute (const char *id, const char *cit, int64_t msgs, int64_t viol, int64_t inc, int64_t days,
	 int64_t unc, int64_t amt, int64_t per_copy, wb_cap_kind_t cap, int64_t cap_cents)
{
	wb_damages_statute_t *s = g_new0 (wb_damages_statute_t, 1);
	s->id = g_strdup (id);
	s->citation = g_strdup (cit);
	s->messages = msgs;
	s->violating_messages = viol;
	s->incidents = inc;
	s->days = days;
	s->uncapped_cents = unc;
	s->amount_cents = amt;
	s->method = g_strdup_printf ("Hand-made result for %s.", id);
	s->applied = (wb_damages_params_t) { .cap = cap, .per_message_cents = per_copy, .cap_cents = cap_cents,
					     .election = WB_ELECT_LESSER, .multiplier = 1, .may_sue = TRUE };
	return s;
}

static void
row (wb_damages_t *d, int64_t msg, int st, int64_t inc, const char *day, const char *prov, int64_t cents)
{
	wb_damages_row_t r = { .message = msg, .statute = st, .incident = inc, .per_message_cents = cents };
	g_strlcpy (r.local_day, day, sizeof r.local_day);
	r.provisions = g_strdup (prov);
	g_array_append_val (d->rows, r);
}

static void
group (GArray *a, int st, int64_t num, const char *day, int64_t copies, int64_t unc, int64_t amt)
{
	wb_damages_group_t g = { .statute = st, .number = num, .copies = copies, .uncapped_cents = unc,
				 .amount_cents = amt };
	g_strlcpy (g.local_day, day, sizeof g.local_day);
	g_array_append_val (a, g);
}

static const char *days6[] = { "", "2008-04-01", "2008-04-01", "2008-04-01", "2008-04-02", "2008-04-02", "2008-04-03" };

static wb_damages_t *
hand_damages (void)
{
	wb_damages_t *d = g_new0 (wb_damages_t, 1);
	d->statutes = g_ptr_array_new ();
	d->rows = g_array_new (FALSE, TRUE, sizeof (wb_damages_row_t));
	d->incidents = g_array_new (FALSE, TRUE, sizeof (wb_damages_group_t));
	d->days = g_array_new (FALSE, TRUE, sizeof (wb_damages_group_t));
	g_ptr_array_add (d->statutes, statute ("ar-4-88", "Ark. Code Ann. § 4-88-606", 6, 6, 6, 3, 6000, 5500,
							     1000, WB_CAP_DAY, 2500));
	g_ptr_array_add (d->statutes, statute ("az-44-1372", "Ariz. Rev. Stat. § 44-1372", 6, 6, 6, 3, 6000, 4000,
							     1000, WB_CAP_ACTION, 4000));
	g_ptr_array_add (d->statutes, statute ("ca-17529.5", "Cal. Bus. & Prof. Code § 17529.5", 6, 5, 2, 2, 500000, 450000,
							     100000, WB_CAP_INCIDENT, 250000));
	g_ptr_array_add (d->statutes, statute ("co-6-2.5", "Colo. Rev. Stat. § 6-1-702.5", 6, 2, 2, 2, 2000, 2000,
							     1000, WB_CAP_NONE, 0));
	for (int m = 1; m <= 6; m++)
		row (d, m, 0, m, days6[m], "falsified header", 1000);
	for (int m = 1; m <= 6; m++)
		row (d, m, 1, m, days6[m], "misleading subject", 1000);
	for (int m = 1; m <= 5; m++)
		row (d, m, 2, m <= 3 ? 1 : 2, days6[m], "(a)(2) falsified header; (a)(3) misleading subject", 100000);
	row (d, 1, 3, 1, days6[1], "ADV label missing", 1000);
	row (d, 6, 3, 2, days6[6], "ADV label missing", 1000);
	group (d->days, 0, 0, "2008-04-01", 3, 3000, 2500);
	group (d->days, 0, 0, "2008-04-02", 2, 2000, 2000);
	group (d->days, 0, 0, "2008-04-03", 1, 1000, 1000);
	group (d->incidents, 2, 1, "2008-04-01", 3, 300000, 250000);
	group (d->incidents, 2, 2, "2008-04-02", 2, 200000, 200000);
	d->total_cents = 461500;
	return d;
}

static void
free_damages (wb_damages_t *d)
{
	for (guint i = 0; i < d->statutes->len; i++) {
		wb_damages_statute_t *s = g_ptr_array_index (d->statutes, i);
		g_free (s->id);
		g_free (s->citation);
		g_free (s->method);
		g_free (s);
	}
	for (guint i = 0; i < d->rows->len; i++)
		g_free (g_array_index (d->rows, wb_damages_row_t, i).provisions);
	g_ptr_array_free (d->statutes, TRUE);
	g_array_free (d->rows, TRUE);
	g_array_free (d->incidents, TRUE);
	g_array_free (d->days, TRUE);
	g_free (d);
}

static const char expected_json[] =
	"{\"plaintiff\": \"recipient\", \"due_care\": false, \"incident\": \"campaign-day\", \"statutes\": ["
	"{\"id\": \"ar-4-88\", \"messages\": 6, \"violating_messages\": 6, \"incidents\": 6, \"days\": 3, \"uncapped_cents\": 6000, \"amount_cents\": 5500},"
	"{\"id\": \"az-44-1372\", \"messages\": 6, \"violating_messages\": 6, \"incidents\": 6, \"days\": 3, \"uncapped_cents\": 6000, \"amount_cents\": 4000},"
	"{\"id\": \"ca-17529.5\", \"messages\": 6, \"violating_messages\": 5, \"incidents\": 2, \"days\": 2, \"uncapped_cents\": 500000, \"amount_cents\": 450000},"
	"{\"id\": \"co-6-2.5\", \"messages\": 6, \"violating_messages\": 2, \"incidents\": 2, \"days\": 2, \"uncapped_cents\": 2000, \"amount_cents\": 2000}"
	"], \"total_cents\": 461500}";

static char *
write_report (const char *casename, const char *out, size_t max_rows, char **manifest)
{
	char *cp = g_build_filename (tmp, casename, NULL);
	wb_case_t *cs = NULL;
	if (g_file_test (cp, G_FILE_TEST_EXISTS))
		cr_assert_eq (wb_case_open (cp, WB_OPEN_WRITE, &cs, NULL), WB_OK);
	else
		cs = make_case (casename);
	g_free (cp);
	wb_damages_t *d = hand_damages ();
	char *dir = g_build_filename (tmp, out, NULL);
	wb_report_opts_t o = { .out_dir = dir, .command_line = "report test", .options_text = "defaults",
			       .max_sheet_rows = max_rows };
	wb_status_t st = wb_report_write (cs, d, &o, manifest);
	cr_assert_eq (st, WB_OK, "%s", wb_case_errmsg (cs));
	free_damages (d);
	wb_case_free (cs);
	return dir;
}

TestSuite (report, .init = setup, .fini = teardown, .timeout = 120);

Test (report, files_manifest_custody)
{
	char *man = NULL;
	char *dir = write_report ("a.case", "out", 0, &man);
	/* Every file is there, no temporary file is left, and the manifest
	 * gives each one's SHA-256 and size as sha256sum and stat see them. */
	for (size_t i = 0; wb_report_files[i]; i++) {
		char *f = g_build_filename (dir, wb_report_files[i], NULL);
		gchar *data;
		gsize len;
		cr_assert (g_file_get_contents (f, &data, &len, NULL), "missing %s", f);
		char sha[65];
		wb_sha256_hex (data, len, sha);
		char *line = g_strdup_printf ("%s  %zu  %s\n", sha, len, wb_report_files[i]);
		cr_assert (strstr (man, line), "manifest lacks %s", line);
		g_free (line);
		g_free (data);
		g_free (f);
	}
	GDir *dd = g_dir_open (dir, 0, NULL);
	const char *n;
	int count = 0;
	while ((n = g_dir_read_name (dd))) {
		cr_assert (n[0] != '.', "temporary file left: %s", n);
		count++;
	}
	g_dir_close (dd);
	/* The workbook, three charts in three formats, the PDF, the manifest. */
	cr_assert_eq (count, 12);
	char *mf = g_build_filename (dir, "manifest.txt", NULL);
	gchar *mt;
	cr_assert (g_file_get_contents (mf, &mt, NULL, NULL));
	cr_assert_str_eq (mt, man);
	/* The custody log holds the manifest. */
	char *path = g_build_filename (tmp, "a.case", NULL);
	wb_case_t *cs;
	cr_assert_eq (wb_case_open (path, WB_OPEN_READ, &cs, NULL), WB_OK);
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT detail FROM custody WHERE command = 'report' AND action = 'exhibit'");
	cr_assert_eq (sqlite3_step (q), SQLITE_ROW);
	cr_assert (strstr ((const char *) sqlite3_column_text (q, 0), man));
	sqlite3_reset (q);
	wb_case_free (cs);
	g_free (path);
	g_free (mt);
	g_free (mf);
	g_free (man);
	g_free (dir);
}

Test (report, same_case_same_bytes)
{
	char *m1 = NULL, *m2 = NULL;
	/* Two copies of one case file: a report logs custody, so the copy
	 * reported second is still the case the first report saw. */
	wb_case_free (make_case ("a.case"));
	char *a = g_build_filename (tmp, "a.case", NULL), *b = g_build_filename (tmp, "b.case", NULL);
	gchar *bytes;
	gsize blen;
	cr_assert (g_file_get_contents (a, &bytes, &blen, NULL));
	cr_assert (g_file_set_contents (b, bytes, blen, NULL));
	g_free (bytes);
	g_free (a);
	g_free (b);
	char *d1 = write_report ("a.case", "o1", 0, &m1);
	char *d2 = write_report ("b.case", "o2", 0, &m2);
	/* The manifests hold every file's hash; cmp checks the bytes too. */
	cr_assert_str_eq (m1, m2);
	char *cmd = g_strdup_printf ("for f in '%s'/*; do cmp \"$f\" '%s'/\"$(basename \"$f\")\" || exit 1; done", d1, d2);
	cr_assert_eq (system (cmd), 0);
	g_free (cmd);
	/* PNG: 300 dpi recorded (pHYs 11811 px/m), no time chunk. */
	char *png = g_build_filename (d1, "chart-timeline.png", NULL);
	gchar *data;
	gsize len;
	cr_assert (g_file_get_contents (png, &data, &len, NULL));
	cr_assert (memmem (data, len, "pHYs\0\0\x2e\x23\0\0\x2e\x23\x01", 13));
	cr_assert (!memmem (data, len, "tIME", 4));
	cr_assert_eq (data[16] * 16777216 + (guchar) data[17] * 65536 + (guchar) data[18] * 256 + (guchar) data[19], 3000);
	g_free (data);
	g_free (png);
	/* PDF dates are the case clock (SOURCE_DATE_EPOCH 2008-05-01). */
	char *pdf = g_build_filename (d1, "report.pdf", NULL);
	cr_assert (g_file_get_contents (pdf, &data, &len, NULL));
	/* (cairo 1.16 writes the date without the "D:" prefix; readers such as
	 * pdfinfo accept it.) */
	const char *cd = memmem (data, len, "/CreationDate (", 15);
	cr_assert (cd);
	cr_assert (!strncmp (cd + 15, "D:20080501000000", 16) || !strncmp (cd + 15, "20080501000000", 14));
	g_free (data);
	g_free (pdf);
	g_free (m1);
	g_free (m2);
	g_free (d1);
	g_free (d2);
}

/* LibreOffice recalculates every formula (tests/exhibits/check-xlsx.py
 * forces it) and the totals must be the hand-computed ones; an
 * independent reader (python's zipfile) checks the formulas are there and
 * that message text is only ever a string.  Messages continue on a second
 * sheet after 7 rows here (19 rows: three sheets) (a small limit stands for Excel's 1,048,575). */
Test (report, xlsx_recalculated_by_libreoffice)
{
	if (g_getenv ("WB_NO_SOFFICE") && *g_getenv ("WB_NO_SOFFICE"))
		cr_skip_test ("WB_NO_SOFFICE is set (the plain 'make check' runs it)");
	if (!g_find_program_in_path ("soffice")) {
		cr_skip_test ("LibreOffice is not installed");
	}
	char *dir = write_report ("a.case", "out", 7, NULL);
	char *json = g_build_filename (tmp, "expected.json", NULL);
	cr_assert (g_file_set_contents (json, expected_json, -1, NULL));
	char *cmd = g_strdup_printf ("python3 tests/exhibits/check-xlsx.py '%s/exhibits.xlsx' '%s' --sheets 3 --hostile >&2", dir, json);
	cr_assert_eq (system (cmd), 0, "check-xlsx.py failed");
	g_free (cmd);
	g_free (json);
	g_free (dir);
}

Test (report, pdf_pages_have_ink)
{
	if (!g_find_program_in_path ("pdftoppm")) {
		cr_skip_test ("pdftoppm is not installed");
	}
	char *dir = write_report ("a.case", "out", 0, NULL);
	char *cmd = g_strdup_printf ("python3 tests/exhibits/check-pdf.py '%s/report.pdf' 7 >&2", dir);
	cr_assert_eq (system (cmd), 0, "check-pdf.py failed");
	g_free (cmd);
	g_free (dir);
}

Test (report, cell_text)
{
	char *s = wb_report_cell_text ("=1+2\x1b[31m\xe2\x80\xae", 100);
	cr_assert_str_eq (s, "=1+2\\x1b[31m\\u202e");
	g_free (s);
	GString *big = g_string_new ("");
	for (int i = 0; i < 40000; i++)
		g_string_append (big, "\xc3\xa9");   /* é: two bytes, one character */
	s = wb_report_cell_text (big->str, 32767);
	cr_assert_leq (g_utf8_strlen (s, -1), 32767);
	cr_assert (strstr (s, "cut: 32687 of 40000 characters"));
	cr_assert (g_utf8_validate (s, -1, NULL));
	g_free (s);
	g_string_free (big, TRUE);
}

Test (report, failure_leaves_no_file)
{
	wb_case_t *cs = make_case ("a.case");
	wb_damages_t *d = hand_damages ();
	/* Interrupted: nothing under a final name, no part left. */
	char *d2 = g_build_filename (tmp, "int", NULL);
	wb_report_opts_t o = { .out_dir = d2 };
	wb_interrupted = 1;
	cr_assert_eq (wb_report_write (cs, d, &o, NULL), WB_ERR_INTERRUPTED);
	wb_interrupted = 0;
	GDir *dd = g_dir_open (d2, 0, NULL);
	cr_assert_null (g_dir_read_name (dd));
	g_dir_close (dd);
	/* The output folder is a file: a clear error naming it. */
	char *f = g_build_filename (tmp, "afile", NULL);
	cr_assert (g_file_set_contents (f, "", 0, NULL));
	char *sub = g_build_filename (f, "x", NULL);
	o.out_dir = sub;
	cr_assert_eq (wb_report_write (cs, d, &o, NULL), WB_ERR_IO);
	cr_assert (strstr (wb_case_errmsg (cs), "afile"), "%s", wb_case_errmsg (cs));
	/* No custody row for a report that was not written. */
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT count(*) FROM custody WHERE command = 'report'");
	cr_assert_eq (sqlite3_step (q), SQLITE_ROW);
	cr_assert_eq (sqlite3_column_int (q, 0), 0);
	sqlite3_reset (q);
	free_damages (d);
	wb_case_free (cs);
	g_free (d2);
	g_free (f);
	g_free (sub);
}
