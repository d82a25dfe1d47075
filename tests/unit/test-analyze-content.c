/* A part's decoded content as the analysis reads it (the text of text
 * parts, the size and SHA-256 of attachments) against GMime's own
 * g_mime_data_wrapper_write_to_stream(), which the analysis reads around
 * for memory streams in base64, quoted-printable and the identity
 * encodings: bodies past GMime's 4 KiB chunks, CRLF and LF, base64 with
 * line breaks, junk and missing padding, quoted-printable with soft
 * breaks, bad escapes and a trailing '=', uuencode (which still goes
 * through GMime), generated at random. */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-private.h"

/* GMime's decoded content of PART. */
static GByteArray *
gmime_content (GMimePart *part)
{
	GByteArray *b = g_byte_array_new ();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (b);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
	g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (part), mem);
	g_object_unref (mem);
	return b;
}

static const char *encodings[] = { "base64", "quoted-printable", "7bit", "8bit", "binary",
				   NULL, "x-uuencode" };

static char *
body (GRand *r, const char *enc)
{
	GString *s = g_string_new (NULL);
	int n = g_rand_int_range (r, 0, 12000);
	const char *eol = g_rand_boolean (r) ? "\r\n" : "\n";
	if (enc && !strcmp (enc, "base64")) {
		guint8 *raw = g_malloc (n + 1);
		for (int i = 0; i < n; i++)
			raw[i] = g_rand_int_range (r, 0, 256);
		char *b = g_base64_encode (raw, n);
		size_t bl = strlen (b);
		if (g_rand_int_range (r, 0, 4) == 0 && bl)
			b[bl - 1] = 0;   /* padding cut */
		for (size_t i = 0; i < strlen (b); i++) {
			g_string_append_c (s, b[i]);
			if (i % 76 == 75)
				g_string_append (s, eol);
			if (g_rand_int_range (r, 0, 500) == 0)
				g_string_append (s, "*!");   /* junk */
		}
		g_free (b);
		g_free (raw);
	} else if (enc && !strcmp (enc, "quoted-printable")) {
		static const char *bits[] = { "a", "b c", "=3D", "=C3=A9", "=\n", "=\r\n", "=ZZ", "= ",
					      "=4", "\t", " ", "x", "=0A" };
		for (int i = 0; i < n / 3; i++) {
			g_string_append (s, bits[g_rand_int_range (r, 0, G_N_ELEMENTS (bits))]);
			if (g_rand_int_range (r, 0, 60) == 0)
				g_string_append (s, eol);
		}
		if (g_rand_boolean (r))
			g_string_append_c (s, '=');
	} else if (enc && !strcmp (enc, "x-uuencode")) {
		const char *lines[] = { "begin 644 f.bin", "M86)C9&5F9VAI:FML;6YO<'%R<W1U=G=X>7HP,3(S-#4V-S@Y86)C9&5F9VAI",
					"`", "end" };
		for (gsize i = 0; i < G_N_ELEMENTS (lines); i++) {
			g_string_append (s, lines[i]);
			g_string_append (s, eol);
		}
	} else {
		for (int i = 0; i < n; i++) {
			char c = g_rand_int_range (r, 32, 127);
			g_string_append_c (s, c);
			if (g_rand_int_range (r, 0, 70) == 0)
				g_string_append (s, eol);
		}
	}
	return g_string_free (s, FALSE);
}

Test (content, as_gmime_decodes_it)
{
	g_mime_init ();
	GRand *r = g_rand_new_with_seed (1);
	for (int k = 0; k < 400; k++) {
		const char *enc = encodings[k % G_N_ELEMENTS (encodings)];
		char *text = body (r, enc);
		char *att = body (r, enc);
		char *cte = enc ? g_strdup_printf ("Content-Transfer-Encoding: %s\n", enc) : g_strdup ("");
		char *raw = g_strdup_printf (
			"From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"
			"Content-Type: multipart/mixed; boundary=\"BB\"\n\n--BB\n"
			"Content-Type: text/plain; charset=%s\n%s\n%s\n--BB\n"
			"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=x.bin\n%s\n%s\n--BB--\n",
			k % 3 ? "us-ascii" : "utf-8", cte, text, cte, att);
		GMimeStream *st = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
		GMimeParser *ps = g_mime_parser_new_with_stream (st);
		GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
		cr_assert_not_null (m);
		GMimeMultipart *mp = GMIME_MULTIPART (g_mime_message_get_mime_part (m));
		cr_assert_eq (g_mime_multipart_get_count (mp), 2);
		GMimePart *tp = GMIME_PART (g_mime_multipart_get_part (mp, 0));
		GMimePart *ap = GMIME_PART (g_mime_multipart_get_part (mp, 1));
		wb_analyze_ctx_t ctx = { NULL, NULL };
		wb_analysis_t *a = wb_analyze (m, raw, strlen (raw), &ctx);
		/* The text part: GMime's text made valid, as part_text() does. */
		char *gt = g_mime_text_part_get_text (GMIME_TEXT_PART (tp));
		char *want = g_utf8_make_valid (gt ? gt : "", -1);
		cr_assert_str_eq (wb_analysis_body_text (a), want, "text %d (%s)", k, enc ? enc : "none");
		/* The attachment: GMime's bytes. */
		GByteArray *gb = gmime_content (ap);
		cr_assert_eq (a->attachments->len, 1, "message %d", k);
		attachment_t *at = g_ptr_array_index (a->attachments, 0);
		char hex[65];
		wb_sha256_hex (gb->data, gb->len, hex);
		cr_assert_eq (at->size, (int64_t) gb->len, "size of attachment %d (%s)", k, enc ? enc : "none");
		cr_assert_str_eq (at->sha256, hex, "attachment %d (%s)", k, enc ? enc : "none");
		g_byte_array_unref (gb);
		g_free (want);
		g_free (gt);
		wb_analysis_free (a);
		g_object_unref (m);
		g_object_unref (ps);
		g_object_unref (st);
		g_free (raw);
		g_free (cte);
		g_free (att);
		g_free (text);
	}
	g_rand_free (r);
}
