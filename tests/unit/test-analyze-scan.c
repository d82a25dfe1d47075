/* The contact and legal-name patterns are tried only where a match can
 * begin (wb_analyze_matches); the reference is the plain scan they
 * replace: g_regex_match() over the whole text, then g_match_info_next()
 * (the first match only for the legal name), with the same compiled
 * pattern.  Both must give the same matches, in the same order, on texts
 * built to sit at the patterns' edges: lookbehinds and lookaheads next to
 * each kind of byte, digit runs of every length, schemes in mixed case,
 * suffixes inside words, 8-bit bytes.  WB_SCAN_TEXTS names a file of
 * texts separated by NUL bytes to compare as well (for instance every
 * body text of a case: sqlite3 CASE "SELECT text || char(0) FROM
 * body_texts"). */
#include <criterion/criterion.h>
#include <string.h>
#include <stdio.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-private.h"

static const wb_pattern_t all[] = { WB_PAT_URL, WB_PAT_EMAIL, WB_PAT_PHONE_NANP, WB_PAT_PHONE_VANITY,
				    WB_PAT_PHONE_INTL, WB_PAT_ZIP, WB_PAT_LEGAL };

/* The plain scan, as the analysis ran it before. */
static GArray *
reference (wb_pattern_t k, const char *text)
{
	GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
	GMatchInfo *m = NULL;
	g_regex_match (wb_analyze_regex (k), text, 0, &m);
	while (g_match_info_matches (m)) {
		int se[2];
		g_match_info_fetch_pos (m, 0, &se[0], &se[1]);
		g_array_append_vals (out, se, 2);
		if (k == WB_PAT_LEGAL)
			break;
		g_match_info_next (m, NULL);
	}
	g_match_info_free (m);
	return out;
}

/* Compares every pattern on TEXT; returns the number of matches. */
static guint
compare (const char *text)
{
	guint n = 0;
	for (gsize i = 0; i < G_N_ELEMENTS (all); i++) {
		GArray *want = reference (all[i], text);
		GArray *got = g_array_new (FALSE, FALSE, sizeof (int));
		wb_analyze_matches (all[i], text, got);
		cr_assert_eq (got->len, want->len, "pattern %d on \"%s\": %u offsets, want %u",
			      (int) all[i], text, got->len, want->len);
		for (guint j = 0; j < got->len; j++)
			cr_assert_eq (g_array_index (got, int, j), g_array_index (want, int, j),
				      "pattern %d on \"%s\": offset %u", (int) all[i], text, j);
		n += want->len / 2;
		g_array_free (want, TRUE);
		g_array_free (got, TRUE);
	}
	return n;
}

Test (scan, hand_cases)
{
	static const struct {
		const char *text;
		guint matches;   /* worked by hand from the patterns */
	} cases[] = {
		{ "", 0 },
		{ "call 212-555-1234 now", 1 },
		{ "call (212) 555-1234 or +1 212 555 1234", 2 },
		{ "x212-555-1234 _212-555-1234 /212-555-1234", 0 },   /* lookbehind */
		{ "212-555-12345", 1 },       /* the ZIP 12345 only: a digit follows the number */
		{ "1-800-FLOWERS today", 1 },   /* vanity only: seven digits are no NANP */
		{ "(888) GET-CASH", 1 },
		{ "+44 20 7946 0958", 1 },
		{ "a+44 20 7946 0958 ++44 1 2", 0 },
		{ "Beverly Hills, CA 90210", 1 },
		{ "90210-1234 123456 1234", 1 },
		{ "see http://a.example/x and WWW.B.EXAMPLE, Https://c.example ftp://d.example", 4 },
		{ "http:/x www x.www.y", 1 },   /* www. after a dot still begins a match */
		{ "mail a.b@x.example, c@y.example.", 2 },
		{ "x@y @x.com a@@b.com", 0 },   /* no dot after y; no local part; "@" after a */
		{ "Acme Widgets, Inc. of Ohio", 1 },
		{ "Incredible Corpus", 0 },
		{ "by The Big Company of America LLC", 1 },
		{ "foo_Acme Inc", 0 },          /* '_' is a word character: no \b */
		{ "caf\xc3\xa9 Acme Inc", 1 },
		{ "\xff""Acme Inc \xff""Big Co Ltd", 1 },   /* 0xff is a letter (y-umlaut) to PCRE */
		{ "Acme S.A\nBeta GmbH", 1 },   /* the first only */
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		cr_expect_eq (compare (cases[i].text), cases[i].matches, "\"%s\"", cases[i].text);
}

/* Texts of random pieces, with a fixed seed: the same texts every run. */
Test (scan, generated_texts)
{
	static const char *pieces[] = {
		"0", "1", "2", "5", "8", "9", "00", "88", "77", "33", "12", "800", "888", "866", "555",
		"1234", "12345", "123456", "2125551234", "90210", "-", ".", " ", "  ", "\t", "\n", "\r\n",
		"(", ")", "+", "+1", "+44", "/", "_", ",", ":", "//", "&", "'", "\"", "<", ">",
		"http", "http://", "HTTPS://", "hTtP://", "ftp://", "FTP:", "www.", "WwW.", "ww.",
		"example.com", "a.b", "x", "Z", "A", "of", "and", "Acme", "ACME", "Big", "Co",
		"Inc", "Inc.", "Incorporated", "LLC", "L.L.C", "Ltd", "Limited", "Corp", "Corporation",
		"LLP", "PLC", "GmbH", "S.A", "S.A.", "CA", "New York", "NY", "Suite", "Box",
		"\xc3\xa9", "\xe2\x80\x94", "\xff", "GET", "CASH", "FLOWERS", "@", "e@x.com",
	};
	GRand *r = g_rand_new_with_seed (18);
	guint matched = 0;
	for (int t = 0; t < 30000; t++) {
		GString *s = g_string_new (NULL);
		int n = g_rand_int_range (r, 1, 40);
		for (int i = 0; i < n; i++)
			g_string_append (s, pieces[g_rand_int_range (r, 0, G_N_ELEMENTS (pieces))]);
		matched += compare (s->str) > 0;
		g_string_free (s, TRUE);
	}
	g_rand_free (r);
	/* Most texts hold some match: the comparison is not of empty lists. */
	cr_assert_gt (matched, 15000, "%u texts with a match", matched);
}

Test (scan, texts_from_a_file)
{
	const char *path = g_getenv ("WB_SCAN_TEXTS");
	if (!path || !*path)
		cr_skip_test ("WB_SCAN_TEXTS not set");
	char *data;
	gsize len;
	cr_assert (g_file_get_contents (path, &data, &len, NULL), "cannot read %s", path);
	guint texts = 0, matches = 0;
	for (const char *p = data; p < data + len; p += strlen (p) + 1, texts++)
		matches += compare (p);
	fprintf (stderr, "scan: %u texts, %u matches, the same\n", texts, matches);
	g_free (data);
}
