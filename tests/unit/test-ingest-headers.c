/* Unit tests of wb_ingest_parse()'s headers: a header GMime need not read
 * as it is added is decoded only when asked for, and every value and
 * warning is the one GMime's own parse gives (the reference: the parser
 * with a warning callback, which decodes every header as it adds it). */
#include <criterion/criterion.h>
#include <gmime/gmime.h>
#include <string.h>
#include "case.h"
#include "ingest.h"
#include "ingest-private.h"
#include "lean-ref.h"

/* The reference's warnings are kept by wb_ingest_parse()'s own callback,
 * wb_ingest_on_warning(): what is compared is which warnings GMime reports. */
static GMimeMessage *
ref_parse (const char *raw, GMimeParserOptions *opts, GString *warn)
{
	g_mime_parser_options_set_warning_callback (opts, wb_ingest_on_warning, warn);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
	GMimeParser *p = g_mime_parser_new_with_stream (s);
	g_mime_parser_set_format (p, GMIME_FORMAT_MESSAGE);
	GMimeMessage *m = g_mime_parser_construct_message (p, opts);
	g_object_unref (p);
	g_object_unref (s);
	return m;
}

/* Every header of OBJ and of the parts and messages inside it, decoded
 * (name: value), then the message fields GMime keeps. */
static void
describe (GMimeObject *obj, GString *out)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list (obj);
	for (int i = 0; i < g_mime_header_list_get_count (hl); i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
		const char *v = g_mime_header_get_value (h);
		g_string_append_printf (out, "%s: %s\n", g_mime_header_get_name (h), v ? v : "(null)");
	}
	if (GMIME_IS_MESSAGE (obj)) {
		GMimeMessage *m = GMIME_MESSAGE (obj);
		const char *s = g_mime_message_get_subject (m);
		const char *id = g_mime_message_get_message_id (m);
		GDateTime *d = g_mime_message_get_date (m);
		char *ds = d ? g_date_time_format_iso8601 (d) : NULL;
		g_string_append_printf (out, "subject=%s id=%s date=%s\n", s ? s : "(null)",
					id ? id : "(null)", ds ? ds : "(null)");
		g_free (ds);
		for (int t = GMIME_ADDRESS_TYPE_SENDER; t <= GMIME_ADDRESS_TYPE_BCC; t++) {
			char *a = internet_address_list_to_string (g_mime_message_get_addresses (m, t),
								   NULL, FALSE);
			g_string_append_printf (out, "addresses %d=%s\n", t, a ? a : "(null)");
			g_free (a);
		}
		GMimeObject *body = g_mime_message_get_mime_part (m);
		if (body)
			describe (body, out);
	} else if (GMIME_IS_MULTIPART (obj)) {
		for (int i = 0; i < g_mime_multipart_get_count (GMIME_MULTIPART (obj)); i++)
			describe (g_mime_multipart_get_part (GMIME_MULTIPART (obj), i), out);
	} else if (GMIME_IS_MESSAGE_PART (obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
		if (inner)
			describe (GMIME_OBJECT (inner), out);
	}
}

/* Messages whose headers exercise every way adding a header may report
 * something: encoded words valid and not, in headers GMime reads and in
 * others, address lists, duplicates, 8-bit bytes, a message inside. */
static const char *const msgs[] = {
	/* Plain: nothing to report. */
	"Received: from a.example (a.example [192.0.2.1]) by b.example; Mon, 1 Jul 2002 10:00:00 +0000\n"
	"Received: from c.example by a.example; Mon, 1 Jul 2002 09:59:00 +0000\n"
	"From: A <a@example.com>\nTo: b@example.com\nSubject: hello\n"
	"Date: Mon, 1 Jul 2002 10:00:00 +0000\nMessage-Id: <1@example.com>\n\nbody\n",
	/* An invalid encoded word in a header GMime does not read on add,
	 * after a duplicated Subject and before a bad address list. */
	"Received: from a.example by b.example; Mon, 1 Jul 2002 10:00:00 +0000\n"
	"Subject: one\nSubject: one\n"
	"X-Mailer: =?iso-8859-1?q?bad word?= tail\n"
	"To: foo bar\n"
	"From: a@example.com\n\nbody\n",
	/* The same warnings the other way round: the bad address first. */
	"To: foo bar\nX-Note: =?utf-8?q?a b?=\nSubject: one\nSubject: one\nFrom: a@example.com\n\nbody\n",
	/* Valid encoded words in read and unread headers; 8-bit bytes. */
	"Received: from x by y; Tue, 2 Jul 2002 11:00:00 -0700\n"
	"X-Encoded: =?utf-8?B?w6lsw6h2ZQ==?= and =?iso-8859-1?q?caf=E9?=\n"
	"X-Raw8: caf\xc3\xa9 cr\xe8me\n"
	"Subject: =?utf-8?q?r=C3=A9sum=C3=A9?=\nFrom: =?utf-8?q?Ren=C3=A9?= <r@example.com>\n\nbody\n",
	/* An encoded word split by a fold right after its '=' (unfolded, it
	 * is whole again), and one at the end of a folded Received line. */
	"Received: from a.example\n\tby b.example =?utf-8?q?x y?=\n\t; Mon, 1 Jul 2002 10:00:00 +0000\n"
	"X-Folded: start =\n ?utf-8?q?a b?= end\n"
	"From: a@example.com\n\nbody\n",
	/* A message inside a message: its headers are parsed the same way. */
	"From: a@example.com\nTo: b@example.com\nSubject: fwd\nMIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"XX\"\n\n"
	"--XX\nContent-Type: text/plain\n\nhi\n"
	"--XX\nContent-Type: message/rfc822\n\n"
	"Received: from in.example by out.example; Mon, 1 Jul 2002 10:00:00 +0000\n"
	"X-Inner: =?us-ascii?q?broken word?=\n"
	"From: inner@example.com\nSubject: inner\n\ninner body\n"
	"--XX--\n",
	/* Bad Content-Type and a duplicated parameter. */
	"From: a@example.com\nX-Spam: yes\nContent-Type: text/plain; charset=a; charset=b\n\nbody\n",
};

Test (ingest_headers, same_values_and_warnings_as_gmime)
{
	g_mime_init ();
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	GMimeParserOptions *ref_opts = g_mime_parser_options_new ();
	GMimeParser *parser = g_mime_parser_new ();
	for (size_t i = 0; i < G_N_ELEMENTS (msgs); i++) {
		GString *w = g_string_new (NULL), *rw = g_string_new (NULL);
		GMimeMessage *m = wb_ingest_parse (msgs[i], strlen (msgs[i]), opts, w, parser);
		GMimeMessage *r = ref_parse (msgs[i], ref_opts, rw);
		cr_assert (m && r, "message %zu", i);
		GString *d = g_string_new (NULL), *rd = g_string_new (NULL);
		describe (GMIME_OBJECT (m), d);
		describe (GMIME_OBJECT (r), rd);
		cr_assert_str_eq (d->str, rd->str, "message %zu", i);
		/* Asking for the values decoded the rest: still nothing new. */
		cr_assert_str_eq (w->str, rw->str, "message %zu", i);
		g_string_free (d, TRUE);
		g_string_free (rd, TRUE);
		g_object_unref (m);
		g_object_unref (r);
		g_string_free (w, TRUE);
		g_string_free (rw, TRUE);
	}
	g_object_unref (parser);
	g_mime_parser_options_free (opts);
	g_mime_parser_options_free (ref_opts);
}

/* The warnings of the reference (written out independently, from what
 * the messages hold) are what wb_ingest_parse() reports. */
Test (ingest_headers, warnings_expected)
{
	g_mime_init ();
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	GString *w = g_string_new (NULL);
	GMimeMessage *m = wb_ingest_parse (msgs[1], strlen (msgs[1]), opts, w, NULL);
	cr_assert_str_eq (w->str, "duplicated header (Subject); invalid RFC 2047 encoded word "
			  "(=?iso-8859-1?q?bad word?= tail); invalid address list (foo bar)");
	g_object_unref (m);
	g_string_truncate (w, 0);
	m = wb_ingest_parse (msgs[2], strlen (msgs[2]), opts, w, NULL);
	cr_assert_str_eq (w->str, "invalid address list (foo bar); invalid RFC 2047 encoded word "
			  "(=?utf-8?q?a b?=); duplicated header (Subject)");
	g_object_unref (m);
	g_string_free (w, TRUE);
	g_mime_parser_options_free (opts);
}

/* The point of it: a header no one reads is not decoded by the parse
 * (GMime's own parse, with a callback, has decoded it). */
Test (ingest_headers, unread_header_not_decoded)
{
	g_mime_init ();
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	GString *w = g_string_new (NULL);
	GMimeMessage *m = wb_ingest_parse (msgs[0], strlen (msgs[0]), opts, w, NULL);
	GMimeHeaderList *hl = g_mime_object_get_header_list (GMIME_OBJECT (m));
	GMimeHeader *h = g_mime_header_list_get_header_at (hl, 1);
	cr_assert_str_eq (g_mime_header_get_name (h), "Received");
	cr_assert_null (h->value);
	cr_assert_str_eq (g_mime_header_get_value (h),
			  "from c.example by a.example; Mon, 1 Jul 2002 09:59:00 +0000");
	/* GMime's own reads, on add: the Subject. */
	cr_assert_str_eq (g_mime_message_get_subject (m), "hello");
	g_object_unref (m);

	GString *rw = g_string_new (NULL);
	GMimeMessage *r = ref_parse (msgs[0], opts, rw);
	hl = g_mime_object_get_header_list (GMIME_OBJECT (r));
	cr_assert_not_null (g_mime_header_list_get_header_at (hl, 1)->value);
	g_object_unref (r);
	g_string_free (w, TRUE);
	g_string_free (rw, TRUE);
	g_mime_parser_options_free (opts);
}

/* The receipt time read from the topmost Received header without
 * decoding it is the one its decoded value gives (the reference: GMime's
 * decoded value, its text after the last ';', GLib's ISO 8601). */
static const char *const received[] = {
	"from a by b; Mon, 1 Jul 2002 10:00:00 +0000",
	"from a by b;\n\tMon, 1 Jul 2002 10:00:00 -0700 (PDT)",
	"from a by b\r\n\t; Mon, 1 Jul\r\n 2002 10:00:00 +0200  ",
	"from a by b;Mon, 1 Jul 2002 10:00:00",
	"from a by b; \v Mon, 1 Jul 2002 10:00:00 EST\t",
	"from a by b; 1 Jul 02 10:00 GMT",
	"from a by b; not a date",
	"from a by b;",
	"from a by b (no date)",
	"from a by b; =?utf-8?q?x?= Mon, 1 Jul 2002 10:00:00 +0000",
	"from a =?utf-8?q?by=3B?= b; Mon, 1 Jul 2002 10:00:00 +0000",
	"from a by b =\n ?utf-8?q?=3B?= Mon, 1 Jul 2002 10:00:00 +0000",
	"from caf\xc3\xa9 by b; Mon, 1 Jul 2002 10:00:00 +0100",
	"from a by b; Mon, 1 Jul 2002 10:00:00 +0100 caf\xe9",
};

Test (ingest_headers, received_time_as_decoded)
{
	g_mime_init ();
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	for (size_t i = 0; i < G_N_ELEMENTS (received); i++) {
		char *raw = g_strdup_printf ("Received: %s\nFrom: a@example.com\n\nbody\n", received[i]);
		GString *w = g_string_new (NULL);
		GMimeMessage *m = wb_ingest_parse (raw, strlen (raw), opts, w, NULL);
		wb_fields_t f = { 0 };
		wb_ingest_fields (m, &f);
		GMimeHeader *h = g_mime_header_list_get_header_at (
			g_mime_object_get_header_list (GMIME_OBJECT (m)), 0);
		gboolean decoded = h->value != NULL;
		const char *v = g_mime_header_get_value (h);
		const char *semi = strrchr (v, ';');
		GDateTime *dt = NULL;
		const char *st = semi ? wb_ingest_date (semi + 1, &dt) : NULL;
		if (dt) {
			char *iso = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
			cr_assert_str_eq (f.received_from, "received", "header %zu", i);
			cr_assert_str_eq (f.received_at, iso, "header %zu", i);
			cr_assert_eq (f.received_epoch, g_date_time_to_unix (dt), "header %zu", i);
			cr_assert_eq (f.received_no_zone, strcmp (st, "ok") != 0, "header %zu", i);
			g_free (iso);
			g_date_time_unref (dt);
		} else {
			cr_assert_str_eq (f.received_from, "none", "header %zu", i);
			cr_assert_null (f.received_at, "header %zu", i);
		}
		/* A header of ASCII bytes without "=?" was not decoded. */
		GString *unfolded = g_string_new (NULL);
		gboolean plain = TRUE;
		for (const char *p = received[i]; *p; p++) {
			plain = plain && (unsigned char) *p < 0x80;
			if (*p != '\r' && *p != '\n')
				g_string_append_c (unfolded, *p);
		}
		plain = plain && !strstr (unfolded->str, "=?");
		g_string_free (unfolded, TRUE);
		if (plain)
			cr_assert (!decoded, "header %zu", i);
		wb_fields_clear (&f);
		g_object_unref (m);
		g_string_free (w, TRUE);
		g_free (raw);
	}
	g_mime_parser_options_free (opts);
}

/* wb_ingest_parse_copy() is wb_ingest_defects(), wb_ingest_check_merged()
 * and wb_ingest_parse() one after the other, each defect as they give it. */
#define BYTES(s) { s, sizeof s - 1 }
static const struct {
	const char *data;
	size_t len;
} defective[] = {
	BYTES ("From: a@example.com\nSubject: plain\n\nbody\n"),
	BYTES ("\xEF\xBB\xBF" "From: a@example.com\nSubject: bom\n\nbody\n"),
	BYTES ("\n\nFrom: a@example.com\nSubject: blank lines first\n\nbody\n"),
	BYTES ("From: a@example.com\nSubject: no blank line\nthis is the body\nmore\n"),
	BYTES ("From: a@example.com\nbad line without colon\nX-Later: header\n\nbody\n"),
	BYTES ("From: a@example.com\nSubject : obsolete\n\nbody\n"),
	BYTES ("From: a@example.com\r\nSubject: crlf\r\n\r\nbody\r\nFrom someone Mon Jul  1 10:00:00 2002\r\n"),
	BYTES ("From: a@example.com\nSubject: merged\n\nbody\nFrom x@y Mon Jul  1 10:00:00 2002\nFrom: b\n\nb2\n"),
	BYTES ("From: a@example.com\nSubject: nul\n\nbo\0dy\n"),
	BYTES ("\xEF\xBB\xBF\nFrom: a@example.com\nno colon\n\nbody\n"),
};

Test (ingest_headers, parse_copy_is_defects_merged_parse)
{
	g_mime_init ();
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	GMimeParser *parser = g_mime_parser_new ();
	for (size_t i = 0; i < G_N_ELEMENTS (defective); i++) {
		const char *data = defective[i].data;
		size_t len = defective[i].len;
		for (int merged = 0; merged < 2; merged++) {
			GString *w = g_string_new ("earlier"), *rw = g_string_new ("earlier");
			GMimeMessage *m = wb_ingest_parse_copy (data, len, merged, FALSE, opts, w, parser);
			wb_ingest_defects (data, len, rw);
			if (merged)
				wb_ingest_check_merged (data, len, rw);
			GMimeMessage *r = wb_ingest_parse (data, len, opts, rw, NULL);
			cr_assert_str_eq (w->str, rw->str, "message %zu", i);
			cr_assert_eq (!m, !r, "message %zu", i);
			if (m) {
				GString *d = g_string_new (NULL), *rd = g_string_new (NULL);
				describe (GMIME_OBJECT (m), d);
				describe (GMIME_OBJECT (r), rd);
				cr_assert_str_eq (d->str, rd->str, "message %zu", i);
				g_string_free (d, TRUE);
				g_string_free (rd, TRUE);
				g_object_unref (m);
				g_object_unref (r);
			}
			g_string_free (w, TRUE);
			g_string_free (rw, TRUE);
		}
	}
	/* What the defects are, written out. */
	GString *w = g_string_new (NULL);
	GMimeMessage *m = wb_ingest_parse_copy (defective[9].data, defective[9].len, TRUE, FALSE, opts, w, parser);
	cr_assert_str_eq (w->str, "leading byte-order mark; leading blank line; no blank line after header");
	g_object_unref (m);
	g_string_truncate (w, 0);
	m = wb_ingest_parse_copy (defective[7].data, defective[7].len, TRUE, FALSE, opts, w, parser);
	cr_assert_str_eq (w->str, "possibly merged: From_ line at line 5 of the copy");
	g_object_unref (m);
	g_string_free (w, TRUE);
	g_object_unref (parser);
	g_mime_parser_options_free (opts);
}

/* The Date header's parse, taken from GMime's message where it parsed the
 * very same text, is what wb_ingest_date() gives on the header's trimmed
 * value (the reference: that call, and GLib's ISO 8601). */
static const char *const dates[] = {
	"Date: Mon, 1 Jul 2002 10:00:00 +0000\n",
	"Date: Mon, 1 Jul 2002 10:00:00 -0730\n",
	"Date: Mon, 1 Jul 2002 10:00:00\n",
	"Date: Mon, 1 Jul 02 10:00:00 EDT\n",
	"Date: 1 Jul 2002 10:00 (GMT)\n",
	"Date: not a date at all\n",
	"Date: \n",
	"Date:\v Mon, 1 Jul 2002 10:00:00 +0100\f\n",
	"Date: Mon, 1 Jul 2002\n\t10:00:00 +0000\n",
	"Date: Mon, 1 Jul 2002 10:00:00 +0000\nDate: Tue, 2 Jul 2002 11:00:00 +0200\n",
	"Date: garbage\nDate: Tue, 2 Jul 2002 11:00:00 +0200\n",
	"Date: =?us-ascii?q?Mon=2C_1_Jul_2002_10=3A00=3A00_+0000?=\n",
};

Test (ingest_headers, date_as_wb_ingest_date)
{
	g_mime_init ();
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	for (size_t i = 0; i < G_N_ELEMENTS (dates); i++) {
		char *raw = g_strdup_printf ("From: a@example.com\n%s\nbody\n", dates[i]);
		GString *w = g_string_new (NULL);
		GMimeMessage *m = wb_ingest_parse (raw, strlen (raw), opts, w, NULL);
		wb_fields_t f = { 0 };
		wb_ingest_fields (m, &f);
		const char *v = g_mime_object_get_header (GMIME_OBJECT (m), "Date");
		char *text = v ? g_strstrip (g_strdup (v)) : NULL;
		GDateTime *dt = NULL;
		const char *st = wb_ingest_date (text, &dt);
		cr_assert_str_eq (f.date_status, st, "date %zu", i);
		cr_assert_str_eq (f.date_header ? f.date_header : "(null)", text ? text : "(null)",
				  "date %zu", i);
		if (dt) {
			char *iso = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
			cr_assert_str_eq (f.date_parsed, iso, "date %zu", i);
			/* Without a Received header the receipt is the date. */
			cr_assert_str_eq (f.received_from, "date", "date %zu", i);
			cr_assert_eq (f.received_epoch, g_date_time_to_unix (dt), "date %zu", i);
			g_free (iso);
			g_date_time_unref (dt);
		} else {
			cr_assert_null (f.date_parsed, "date %zu", i);
			cr_assert_str_eq (f.received_from, "none", "date %zu", i);
		}
		g_free (text);
		wb_fields_clear (&f);
		g_object_unref (m);
		g_string_free (w, TRUE);
		g_free (raw);
	}
	g_mime_parser_options_free (opts);
}

/* wb_ingest_parse_lean(): what the readers get and the warnings are
 * wb_ingest_parse()'s (lean_compare(), tests/unit/lean-ref.h), for
 * headers of every kind its split must take as GMime takes them, and
 * for each kind whether it keeps the Received fields aside (ASIDE) and
 * gives GMime fewer fields (FEWER).  Over the whole SpamAssassin corpus:
 * tests/cli/t-lean-headers.sh. */
#define R1 "Received: from a.example (a.example [192.0.2.1]) by mx.example.net with ESMTP id 1;\n" \
	"\tMon, 1 Jul 2002 10:00:00 +0000\n"
#define R2 "Received: from b.example ([198.51.100.7]) by a.example; Mon, 1 Jul 2002 09:59:00 +0100\n"
#define TAIL "From: A <a@example.com>\nTo: x@example.org, t@example.org\nSubject: hello\n" \
	"Date: Mon, 1 Jul 2002 10:00:00 +0000\nMessage-Id: <1@example.com>\n\nbody http://b.example/x\n"
static const struct {
	const char *what;
	const char *data;
	size_t len;
	gboolean aside, fewer;
} lean_cases[] = {
#define C(w, s, a, f) { w, s, sizeof s - 1, a, f }
	C ("plain", R1 R2 "X-Mailer: m 1.0\nX-Spam: yes\n" TAIL, TRUE, TRUE),
	C ("folded other fields", R1 "X-Long: one\n two\n\tthree\n" R2 TAIL, TRUE, TRUE),
	C ("CRLF line ends", "Received: from a by b;\r\n Mon, 1 Jul 2002 10:00:00 +0000\r\n"
	   "X-A: 1\r\nFrom: a@example.com\r\nSubject: s\r\n\r\nbody\r\n", TRUE, TRUE),
	C ("a bare CR inside a value", R1 "X-Cr: a\rb\n" TAIL, TRUE, TRUE),
	C ("obsolete space before the colon", "Received : from a by b; Mon, 1 Jul 2002 10:00:00 +0000\n"
	   "X-B \t: 2\n" TAIL, TRUE, TRUE),
	C ("a Received field with an 8-bit byte keeps them all", R1 "Received: from caf\xc3\xa9 by a;"
	   " Mon, 1 Jul 2002 09:00:00 +0000\n" R2 "X-C: 3\n" TAIL, FALSE, TRUE),
	C ("a Received field with an encoded word keeps them all", R1
	   "Received: from =?utf-8?q?x?= by a; Mon, 1 Jul 2002 09:00:00 +0000\n" TAIL, FALSE, FALSE),
	C ("other fields not plain stay", R1 "X-8: caf\xc3\xa9\nX-Ew: =?utf-8?q?a_b?=\nX-Del: a\x7f\n"
	   "X-Ctl: a\x01b\n" TAIL, TRUE, TRUE),
	C ("an encoded word split at a word's end", R1 "X-Sp: abcdefg=\n ?utf-8?q?a?=\n" TAIL, TRUE, TRUE),
	C ("repeated In-Reply-To still reported", R1 "In-Reply-To: <a@b>\nIn-Reply-To: <c@d>\n"
	   "References: <a@b>\nReferences: <a@b>\n" TAIL, TRUE, TRUE),
	C ("only fields readers ask for", TAIL, FALSE, FALSE),
	C ("a field name GMime does not take", R1 "Bad Name: x\n" TAIL, FALSE, FALSE),
	C ("a line without a colon", R1 "no colon here\n" TAIL, FALSE, FALSE),
	C ("a fold before any field", " folded\n" R1 TAIL, FALSE, FALSE),
	C ("a From_ line first", "From a@example.com Mon Jul  1 10:00:00 2002\n" R1 TAIL, FALSE, FALSE),
	C ("a NUL in the header", R1 "X-Nul: a\0b\n" TAIL, FALSE, FALSE),
	C ("a NUL in the body", R1 "X-D: 4\n" "From: a@example.com\n\nbo\0dy\n", FALSE, FALSE),
	C ("no blank line after the header", R1 "X-E: 5\nFrom: a@example.com", FALSE, FALSE),
	C ("the header ends the message", R1 "X-F: 6\nFrom: a@example.com\n\n", TRUE, TRUE),
	C ("a multipart body", R1 "X-G: 7\nFrom: a@example.com\nMIME-Version: 1.0\n"
	   "Content-Type: multipart/alternative; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
	   "call 555-123-4567\n--b\nContent-Type: text/html\n\n<a href=\"http://c.example/\">c</a>\n--b--\n",
	   TRUE, TRUE),
#undef C
};

Test (ingest_headers, lean_parse_gives_the_readers_the_same)
{
	g_mime_init ();
	wb_analysis_data ();
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	GMimeParser *parser = g_mime_parser_new ();
	GString *diff = g_string_new (NULL);
	for (size_t i = 0; i < G_N_ELEMENTS (lean_cases); i++) {
		gboolean aside, fewer;
		lean_compare (lean_cases[i].data, lean_cases[i].len, opts, parser, diff, &aside, &fewer);
		cr_expect_str_empty (diff->str, "%s: %s", lean_cases[i].what, diff->str);
		cr_expect_eq (aside, lean_cases[i].aside, "%s: aside %d", lean_cases[i].what, aside);
		cr_expect_eq (fewer, lean_cases[i].fewer, "%s: fewer %d", lean_cases[i].what, fewer);
	}
	g_string_free (diff, TRUE);
	g_object_unref (parser);
	g_mime_parser_options_free (opts);
}

/* A header of more fields than lean_view() takes goes to GMime whole; one
 * just within takes the lean path. */
Test (ingest_headers, lean_parse_many_fields)
{
	g_mime_init ();
	wb_analysis_data ();
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	GString *diff = g_string_new (NULL);
	for (int n = 120; n <= 140; n += 20) {
		GString *m = g_string_new (R1);
		for (int i = 0; i < n; i++)
			g_string_append_printf (m, "X-Field-%d: %d\n", i, i);
		g_string_append (m, TAIL);
		gboolean aside, fewer;
		lean_compare (m->str, m->len, opts, NULL, diff, &aside, &fewer);
		cr_expect_str_empty (diff->str, "%d fields: %s", n, diff->str);
		cr_expect_eq (aside, n < 128, "%d fields: aside %d", n, aside);
		cr_expect_eq (fewer, n < 128, "%d fields: fewer %d", n, fewer);
		g_string_free (m, TRUE);
	}
	g_string_free (diff, TRUE);
	g_mime_parser_options_free (opts);
}
