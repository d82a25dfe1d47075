/* The text of an ISO-8859-1 part, which the analysis converts itself
 * rather than through GMime's charset filter: it must be what
 * g_mime_text_part_get_text() gives for every byte value, whatever the
 * transfer encoding and however the charset is spelled. */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"

/* The message RAW parsed; *PART its single text part (a new reference). */
static GMimeMessage *
parse (const char *raw, GMimePart **part)
{
	g_mime_init ();
	GMimeStream *st = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
	GMimeParser *ps = g_mime_parser_new_with_stream (st);
	GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
	g_object_unref (ps);
	g_object_unref (st);
	cr_assert_not_null (m);
	*part = GMIME_PART (g_mime_message_get_mime_part (m));
	return m;
}

/* The body text of RAW from the analysis equals GMime's own conversion. */
static void
same_as_gmime (const char *raw, const char *want)
{
	GMimePart *part;
	GMimeMessage *m = parse (raw, &part);
	cr_assert (GMIME_IS_TEXT_PART (part));
	char *oracle = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
	wb_analyze_ctx_t ctx = { NULL, NULL };
	wb_analysis_t *a = wb_analyze (m, raw, strlen (raw), &ctx);
	cr_expect_str_eq (wb_analysis_body_text (a), oracle);
	if (want)
		cr_expect_str_eq (wb_analysis_body_text (a), want);
	wb_analysis_free (a);
	g_free (oracle);
	g_object_unref (m);
}

#define HDR "From: s@example.com\nTo: t@example.org\nSubject: x\nMIME-Version: 1.0\n"

Test (latin1, every_byte_value)
{
	/* Bytes 1..255 in base64, so that CR, LF and the rest arrive as they
	 * are; under each spelling of the charset GMime accepts. */
	guchar bytes[255];
	for (int i = 0; i < 255; i++)
		bytes[i] = i + 1;
	char *b64 = g_base64_encode (bytes, sizeof bytes);
	static const char *names[] = { "iso-8859-1", "ISO-8859-1", "\"Iso-8859-1\"" };
	for (gsize k = 0; k < G_N_ELEMENTS (names); k++) {
		char *raw = g_strdup_printf (HDR "Content-Type: text/plain; charset=%s\n"
					     "Content-Transfer-Encoding: base64\n\n%s\n", names[k], b64);
		same_as_gmime (raw, NULL);
		g_free (raw);
	}
	g_free (b64);
}

Test (latin1, worked_by_hand)
{
	/* =E9 is e-acute, U+00E9, C3 A9 in UTF-8; =A0 is U+00A0, C2 A0; =FF
	 * is U+00FF, C3 BF. */
	same_as_gmime (HDR "Content-Type: text/plain; charset=iso-8859-1\n"
		       "Content-Transfer-Encoding: quoted-printable\n\nCaf=E9=A0=FF ok\n",
		       "Caf\xc3\xa9\xc2\xa0\xc3\xbf ok\n");
	/* Raw 8-bit bytes; pure ASCII comes back as it is. */
	same_as_gmime (HDR "Content-Type: text/plain; charset=iso-8859-1\n\nna\xefve\n",
		       "na\xc3\xafve\n");
	same_as_gmime (HDR "Content-Type: text/plain; charset=iso-8859-1\n\nplain\n", "plain\n");
	/* A NUL byte ends the text in both ("ab", NUL, e-acute, "cd" in
	 * base64). */
	same_as_gmime (HDR "Content-Type: text/plain; charset=iso-8859-1\n"
		       "Content-Transfer-Encoding: base64\n\nYWIA6WNk\n", "ab");
}

/* Bytes that are not what the charset says: the text is GMime's, with
 * each invalid sequence then replaced by U+FFFD (g_utf8_make_valid). */
Test (charset, invalid_bytes_made_valid)
{
	static const char *raws[] = {
		HDR "Content-Type: text/plain\n\nab\xff" "cd\n",
		HDR "Content-Type: text/plain; charset=utf-8\n\nab\xff" "cd\n",
		HDR "Content-Type: text/plain; charset=us-ascii\n\ncaf\xe9\n",
		HDR "Content-Type: text/plain; charset=utf-8\n\nok \xc3\xa9\n",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (raws); i++) {
		GMimePart *part;
		GMimeMessage *m = parse (raws[i], &part);
		char *g = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
		char *want = g_utf8_make_valid (g, -1);
		wb_analyze_ctx_t ctx = { NULL, NULL };
		wb_analysis_t *a = wb_analyze (m, raws[i], strlen (raws[i]), &ctx);
		cr_expect_str_eq (wb_analysis_body_text (a), want, "case %zu", i);
		cr_expect (g_utf8_validate (wb_analysis_body_text (a), -1, NULL), "case %zu", i);
		wb_analysis_free (a);
		g_free (want);
		g_free (g);
		g_object_unref (m);
	}
	/* No charset: the content as it is, 0xFF replaced (EF BF BD). */
	GMimePart *part;
	GMimeMessage *m = parse (raws[0], &part);
	wb_analyze_ctx_t ctx = { NULL, NULL };
	wb_analysis_t *a = wb_analyze (m, raws[0], strlen (raws[0]), &ctx);
	cr_expect_str_eq (wb_analysis_body_text (a), "ab\xef\xbf\xbd" "cd\n");
	wb_analysis_free (a);
	g_object_unref (m);
}

/* Header bytes that are not UTF-8 reach the artifacts and facts as
 * g_utf8_make_valid() gives them (each invalid byte U+FFFD, EF BF BD);
 * ASCII and valid UTF-8 as they are.  Worked by hand from the header. */
Test (charset, header_values_made_valid)
{
	static const char raw[] = HDR "DKIM-Signature: v=1; d=ex\xff" "ample.com; s=caf\xc3\xa9\n"
		"Content-Type: text/plain\n\nsee http://plain.example/x\n";
	GMimePart *part;
	GMimeMessage *m = parse (raw, &part);
	wb_analyze_ctx_t ctx = { NULL, NULL };
	wb_analysis_t *a = wb_analyze (m, raw, strlen (raw), &ctx);
	gboolean dkim = FALSE, url = FALSE;
	for (guint i = 0; i < wb_analysis_n_artifacts (a); i++) {
		const char *kind, *r, *v, *loc;
		wb_analysis_artifact (a, i, &kind, &r, &v, &loc);
		cr_expect (g_utf8_validate (r, -1, NULL) && g_utf8_validate (v, -1, NULL));
		if (!strcmp (loc, "header:DKIM-Signature")) {
			cr_expect_str_eq (r, "ex\xef\xbf\xbd" "ample.com");
			dkim = TRUE;
		}
		if (!strcmp (kind, "url")) {
			cr_expect_str_eq (r, "http://plain.example/x");
			cr_expect_str_eq (v, "http://plain.example/x");
			url = TRUE;
		}
	}
	cr_expect (dkim && url);
	const char *ev = NULL;
	cr_expect_str_eq (wb_analysis_fact (a, "dkim_domain", &ev), "ex\xff" "ample.com");
	cr_expect_not_null (strstr (ev, "d=ex\xef\xbf\xbd" "ample.com; s=caf\xc3\xa9"));
	cr_expect (g_utf8_validate (ev, -1, NULL));
	wb_analysis_free (a);
	g_object_unref (m);
}
