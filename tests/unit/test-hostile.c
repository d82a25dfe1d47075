/* Regression tests for what the hardening work (issue 8) found: each test
 * names the fuzz harness or hostile fixture that found the fault and the
 * fix (see the comment at the fix). */
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
