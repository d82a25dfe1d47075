/* An ISO-8859-1 part is read eight bytes at a time while it is ASCII: a
 * byte of 0x80 or above at any place in the text, and at any text length
 * around the eight-byte steps, must still be converted as GMime's
 * g_mime_text_part_get_text() converts it (the oracle). */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

#define HDR "From: s@example.com\nTo: t@example.org\nSubject: x\nMIME-Version: 1.0\n" \
	"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\n"

/* GMime's text of the single part of RAW. */
static char *
oracle (const char *raw)
{
	g_mime_init ();
	GMimeStream *st = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
	GMimeParser *ps = g_mime_parser_new_with_stream (st);
	GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
	cr_assert_not_null (m);
	GMimeObject *part = g_mime_message_get_mime_part (m);
	cr_assert (GMIME_IS_TEXT_PART (part));
	char *t = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
	g_object_unref (m);
	g_object_unref (ps);
	g_object_unref (st);
	return t;
}

Test (latin1, high_byte_at_every_place)
{
	guint checked = 0;
	for (int len = 1; len <= 40; len++) {
		for (int at = -1; at < len; at++) {   /* -1: no high byte */
			for (int second = 0; second < 2; second++) {
				if (second && (at < 0 || at + 3 >= len))
					continue;
				guchar text[48];
				for (int i = 0; i < len; i++)
					text[i] = 'a' + i % 26;
				if (at >= 0)
					text[at] = 0xe9;   /* e-acute */
				if (second)
					text[at + 3] = 0xff;   /* y-umlaut, after it */
				char *b64 = g_base64_encode (text, len);
				char *raw = g_strconcat (HDR, b64, "\n", NULL);
				char *want = oracle (raw);
				/* The oracle converts: two bytes for each high one. */
				cr_assert_eq (strlen (want), (size_t) len + (at >= 0) + second);
				wb_analysis_t *a = analyze_raw (raw, NULL);
				cr_expect_str_eq (wb_analysis_body_text (a), want, "length %d, high byte at %d%s",
						  len, at, second ? " and 3 after" : "");
				checked++;
				wb_analysis_free (a);
				g_free (want);
				g_free (raw);
				g_free (b64);
			}
		}
	}
	/* 40 lengths with no high byte, 820 places for one, 703 for two. */
	cr_expect_eq (checked, 40 + 820 + 703);
}
