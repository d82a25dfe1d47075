/* Regression tests for faults that fuzzing and hostile fixtures found: each
 * test names the fuzz harness or hostile fixture that found the fault and
 * the fix (see the comment at the fix). */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "ingest.h"
#include "ingest-private.h"
#include "analyze.h"

/* gen-hostile.py mixed.eml: a header block ended by a blank line that is a
 * lone CR (CRLF, LF and CR mixed) was sniffed as not mail. */
Test (hostile, sniff_mixed_line_ends)
{
	static const char m[] = "From: a@spam.example\r\nTo: trap1@example.org\nSubject: x\r"
				"Date: Tue, 1 Jul 2008 20:00:00 -0700\r\nMessage-ID: <x@y>\n\rBuy now.\r\n";
	cr_assert_eq (wb_ingest_sniff (m, sizeof m - 1), 1);
	/* Still not mail: a text whose second line is not a field. */
	static const char t[] = "From: a@spam.example\nthis is prose\n";
	cr_assert_eq (wb_ingest_sniff (t, sizeof t - 1), 0);
}

/* fuzz-statute: a value with an invalid escape made g_key_file_get_string
 * return a string and an error; the string leaked.  The file is refused
 * with the key named (run with ASAN_OPTIONS=detect_leaks=1 to see a leak). */
#include "wb.h"
#include "statute.h"
Test (hostile, statute_bad_escape)
{
	size_t n = 0;
	const char *ar = wb_template_text ("templates/statutes/ar-4-88.ini", &n);
	cr_assert_not_null (ar);
	/* The built-in file parses; with "\\q" in its nexus value it is refused. */
	wb_statute_t *st = NULL;
	char *err = NULL;
	cr_assert_eq (wb_statute_parse ("ar.ini", ar, n, &st, &err), WB_OK, "%s", err ? err : "");
	wb_statute_free (st);
	st = NULL;
	GString *bad = g_string_new_len (ar, n);
	char *at = strstr (bad->str, "nexus=provider_in_state");
	cr_assert_not_null (at);
	g_string_insert (bad, at - bad->str + 6, "\\q");
	cr_assert_eq (wb_statute_parse ("bad.ini", bad->str, bad->len, &st, &err), WB_ERR_FORMAT);
	cr_assert_null (st);
	cr_assert (err && strstr (err, "bad.ini: [statute] nexus") != NULL, "error names file and key: %s", err);
	g_free (err);
	g_string_free (bad, TRUE);
}
