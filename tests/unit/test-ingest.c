/* Unit tests of evidence/ingest*.c: From_ lines, sniffing, trap matching,
 * receipt time and local day, and wb_ingest_assign_traps(). */
#include <criterion/criterion.h>
#include <link.h>
#include <iconv.h>
#include <gmime/gmime.h>
#include <glib/gstdio.h>
#include <string.h>
#include "case.h"
#include "ingest.h"
#include "ingest-private.h"
#include "analyze.h"
#include "wb.h"
#include "attrib.h"

static char *tmp;
static wb_case_t *cs;

static void
setup (void)
{
	g_mime_init ();
	tmp = g_dir_make_tmp ("wbingest-XXXXXX", NULL);
	char *path = g_build_filename (tmp, "t.case", NULL);
	char *err = NULL;
	cr_assert_eq (wb_case_create (path, "t", NULL, &cs, &err), WB_OK, "%s", err ? err : "");
	g_free (path);
}

static void
rm_rf (const char *p)
{
	GDir *d = g_dir_open (p, 0, NULL);
	if (d) {
		const char *e;
		while ((e = g_dir_read_name (d))) {
			char *c = g_build_filename (p, e, NULL);
			rm_rf (c);
			g_free (c);
		}
		g_dir_close (d);
	}
	g_remove (p);
}

static void
teardown (void)
{
	wb_case_free (cs);
	rm_rf (tmp);
	g_free (tmp);
}

static void
put (const char *rel, const char *data)
{
	char *p = g_build_filename (tmp, rel, NULL);
	char *dir = g_path_get_dirname (p);
	g_mkdir_with_parents (dir, 0755);
	cr_assert (g_file_set_contents (p, data, -1, NULL));
	g_free (dir);
	g_free (p);
}

static void
exec (const char *sql)
{
	char *err = NULL;
	cr_assert_eq (sqlite3_exec (wb_case_db (cs), sql, NULL, NULL, &err), SQLITE_OK, "%s", err);
}

/* The text of the first column of the first row of SQL, or "(null)". */
static char *
one (const char *sql)
{
	sqlite3_stmt *st;
	cr_assert_eq (sqlite3_prepare_v2 (wb_case_db (cs), sql, -1, &st, NULL), SQLITE_OK, "%s",
		      sqlite3_errmsg (wb_case_db (cs)));
	char *r = g_strdup ("(none)");
	if (sqlite3_step (st) == SQLITE_ROW) {
		g_free (r);
		const char *t = (const char *) sqlite3_column_text (st, 0);
		r = g_strdup (t ? t : "(null)");
	}
	sqlite3_finalize (st);
	return r;
}

#define ASSERT_SQL(sql, want) do { char *_g = one (sql); \
	cr_assert_str_eq (_g, want, "%s", sql); g_free (_g); } while (0)

/* Ingest REL with index_rebuild_min MIN (0: the default); the status, and
 * the sources that built artifact_copies again. */
static wb_status_t
ingest_min (const char *rel, uint64_t min, uint64_t *rebuilds)
{
	int64_t run;
	cr_assert_eq (wb_case_run_begin (cs, "ingest", "test", &run), WB_OK);
	wb_ingest_opts_t o = { .index_rebuild_min = min };
	wb_ingest_t *ing = wb_ingest_new (cs, run, &o);
	cr_assert_not_null (ing);
	char *p = g_build_filename (tmp, rel, NULL);
	wb_status_t st = wb_ingest_path (ing, p);
	g_free (p);
	*rebuilds = wb_ingest_stats (ing)->index_rebuilds;
	wb_ingest_free (ing);
	cr_assert_eq (wb_case_run_end (cs, run, NULL), WB_OK);
	return st;
}

static void
ingest (const char *rel)
{
	uint64_t rebuilds;
	cr_assert_eq (ingest_min (rel, 0, &rebuilds), WB_OK, "%s", wb_case_errmsg (cs));
}


Test (from_line, real_envelopes)
{
	const char *yes[] = {
		"From 12a1mailbot1@web.de  Thu Aug 22 13:17:22 2002",
		"From zvfjenphuq@[1086695621] [ufa]  Sun Aug  5 09:51:15 2001",
		"From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
		"From a@b Sat Jan  3 01:05:34 PST 1996",
		"From a@b Mon Jan 1 00:00 2001",
	};
	const char *no[] = {
		"From the desk of the president",
		"From: a@b.example",
		"From a@b",
		"From a@b Thu Aug 22",
		"From Monday to Friday, Jan 22 we are open",
		"from a@b Thu Aug 22 13:17:22 2002",
	};
	for (size_t i = 0; i < G_N_ELEMENTS (yes); i++)
		cr_assert (wb_ingest_is_from_line (yes[i], strlen (yes[i])), "%s", yes[i]);
	for (size_t i = 0; i < G_N_ELEMENTS (no); i++)
		cr_assert (!wb_ingest_is_from_line (no[i], strlen (no[i])), "%s", no[i]);
}

/* The date forms a From_ line may have; a mailbox splits at its first
 * line's form. */
Test (from_line, date_forms)
{
	static const struct { const char *line; wb_from_style_t want; } cases[] = {
		{ "From a@b Thu Aug 22 13:17:22 2002", WB_FROM_CTIME },
		{ "From a@b Sat Jan  3 01:05:34 PST 1996", WB_FROM_CTIME },
		{ "From a@b Thu Aug 22 13:17:22 02", WB_FROM_CTIME },
		{ "From - Thu Aug 22 13:17:22 2002", WB_FROM_CTIME },
		{ "From a@b Aug 22 13:17:22 2002", WB_FROM_CTIME_NO_WEEKDAY },
		{ "From a@b Thu, 22 Aug 2002 13:17:22 +0000", WB_FROM_RFC2822 },
		{ "From a@b 22 Aug 2002 13:17 GMT", WB_FROM_RFC2822 },
		{ "From a@b 2002-08-22T13:17:22Z", WB_FROM_ISO },
		{ "From a@b 2002-08-22 13:17:22", WB_FROM_ISO },
		{ "From a@b 2002-08-22T13:17:22.5+02:00", WB_FROM_ISO },
		{ "From the desk of the president", WB_FROM_NONE },
		{ "From a@b", WB_FROM_NONE },
		{ "From a@b 2002-08-22 and more", WB_FROM_NONE },
		{ "From a@b Thu, 22 Aug 2002 13:17:22 +0000 and then some", WB_FROM_NONE },
		{ ">From a@b Thu Aug 22 13:17:22 2002", WB_FROM_NONE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
		cr_assert_eq (wb_ingest_from_style (cases[i].line, strlen (cases[i].line)), cases[i].want,
			      "%s", cases[i].line);
}

/* Identity undoes mbox quoting: every leading '>' of a line matching
 * ^>+From goes; other '>' lines stay.  The expected hash is that of the
 * text written out by hand without the quoting. */
Test (ident, quoting_undone)
{
	const char *quoted = "Subject: x\n\n>From a\n>>From b\n> From c\n>Fromage\nFrom d\n";
	const char *plain = "Subject: x\n\nFrom a\nFrom b\n> From c\n>Fromage\nFrom d\n";
	char got[65], want[65], sha[65];
	wb_sha256_hex (plain, strlen (plain), want);
	wb_copy_ident (quoted, strlen (quoted), NULL, got);
	cr_assert_str_eq (got, want);
	/* Nothing quoted: the identity is the SHA-256 given, not hashed again. */
	wb_copy_ident (plain, strlen (plain), "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", got);
	cr_assert_str_eq (got, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	wb_copy_ident (plain, strlen (plain), NULL, sha);
	cr_assert_str_eq (sha, want);
	/* A quoted first line, and a last line without its newline. */
	wb_copy_ident (">From a", 7, NULL, got);
	wb_sha256_hex ("From a", 6, want);
	cr_assert_str_eq (got, want);
}

/* One parse: warnings, subject and header count of DATA, with PARSER (a
 * kept one) or a new one. */
static void
parse_one (const char *data, GMimeParser *parser, GString *warn, char **subject, int *headers)
{
	GMimeParserOptions *po = g_mime_parser_options_new ();
	g_string_truncate (warn, 0);
	GMimeMessage *msg = wb_ingest_parse (data, strlen (data), po, warn, parser);
	cr_assert_not_null (msg);
	*subject = g_strdup (g_mime_message_get_subject (msg));
	*headers = g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (msg)));
	g_object_unref (msg);
	g_mime_parser_options_free (po);
}

/* A parse worker keeps one GMimeParser for every copy it parses: nothing of
 * one copy (an open multipart, its warnings, its headers) may reach the
 * next.  Each message parsed after a malformed one with the kept parser
 * gives what a new parser gives. */
Test (parse, kept_parser_starts_clean)
{
	g_mime_init ();
	/* Truncated: the multipart's closing boundary never comes, and the
	 * subject's encoded word is broken. */
	const char *bad = "From: a@b.example\nSubject: =?iso-8859-1?q?a b?=\n"
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"XX\"\n\n"
		"--XX\nContent-Type: text/plain\n\npart one\n--XX\nContent-Type: text/html\n\n<p>two";
	const char *good = "From: c@d.example\nSubject: =?UTF-8?Q?caf=C3=A9?= ok\nDate: Mon, 1 Jul 2002 10:00:00 +0000\n"
		"\nplain body\n";
	GString *warn = g_string_new (NULL);
	char *fresh_bad_subj, *fresh_good_subj;
	int fresh_bad_n, fresh_good_n;
	parse_one (bad, NULL, warn, &fresh_bad_subj, &fresh_bad_n);
	char *fresh_bad_warn = g_strdup (warn->str);
	parse_one (good, NULL, warn, &fresh_good_subj, &fresh_good_n);
	cr_assert_str_eq (warn->str, "");
	cr_assert_str_eq (fresh_good_subj, "caf\xc3\xa9 ok");
	cr_assert_eq (fresh_good_n, 3);
	cr_assert (strstr (fresh_bad_warn, "truncated message"), "%s", fresh_bad_warn);
	cr_assert (strstr (fresh_bad_warn, "invalid RFC 2047 encoded word"), "%s", fresh_bad_warn);

	GMimeParser *kept = g_mime_parser_new ();
	for (int round = 0; round < 2; round++) {
		char *subj;
		int n;
		parse_one (bad, kept, warn, &subj, &n);
		cr_assert_str_eq (warn->str, fresh_bad_warn);
		cr_assert_str_eq (subj, fresh_bad_subj);
		cr_assert_eq (n, fresh_bad_n);
		g_free (subj);
		parse_one (good, kept, warn, &subj, &n);
		cr_assert_str_eq (warn->str, "");
		cr_assert_str_eq (subj, fresh_good_subj);
		cr_assert_eq (n, fresh_good_n);
		g_free (subj);
	}
	g_object_unref (kept);
	g_free (fresh_bad_warn);
	g_free (fresh_bad_subj);
	g_free (fresh_good_subj);
	g_string_free (warn, TRUE);
}

/* Receipt and Date times as ISO 8601 with the zone as written: offsets
 * with minutes, west and east (hand-written expectations). */
/* Whether a shared object whose path holds NAME is loaded. */
static int
holds_name (struct dl_phdr_info *info, size_t size, void *name)
{
	(void) size;
	return info->dlpi_name && strstr (info->dlpi_name, name) ? 1 : 0;
}

static gboolean
loaded (const char *name)
{
	return dl_iterate_phdr (holds_name, (void *) name) != 0;
}

/* glibc unloads a character set's module a few closes (of any set) after
 * its own last descriptor closed; GMime opens and closes one per header
 * in such a set.  Pinned sets stay loaded however the others come and go;
 * a set not pinned (ARMSCII-8) shows the unloading the pin prevents. */
Test (parse, charset_modules_stay_loaded)
{
	wb_ingest_pin_charsets ();
	const char *sets[] = { "CP1252", "ARMSCII-8", "GEORGIAN-PS", "CP1125", "IBM037" };
	for (int round = 0; round < 4; round++)
		for (size_t i = 0; i < G_N_ELEMENTS (sets); i++) {
			iconv_t cd = iconv_open ("UTF-8", sets[i]);
			cr_assert_neq (cd, (iconv_t) -1, "%s", sets[i]);
			iconv_close (cd);
		}
	cr_expect (!loaded ("ARMSCII-8.so"), "an unpinned set's module is unloaded after its close");
	cr_expect (loaded ("CP1252.so"), "a pinned set's module stays loaded");
}

Test (fields, iso_times_with_minute_offsets)
{
	g_mime_init ();
	const char *text = "Received: from a by mx.example; Tue, 2 Jul 2002 01:02:03 +0545\n"
		"Date: Mon, 1 Jul 2002 10:00:00 -0330\nFrom: a@b.example\nSubject: t\n\nbody\n";
	GMimeParserOptions *po = g_mime_parser_options_new ();
	GString *warn = g_string_new (NULL);
	GMimeMessage *msg = wb_ingest_parse (text, strlen (text), po, warn, NULL);
	cr_assert_not_null (msg);
	wb_fields_t f = { 0 };
	wb_ingest_fields (msg, &f);
	cr_assert_str_eq (f.date_parsed, "2002-07-01T10:00:00-03:30");
	cr_assert_str_eq (f.date_status, "ok");
	cr_assert_str_eq (f.received_at, "2002-07-02T01:02:03+05:45");
	cr_assert_str_eq (f.received_from, "received");
	/* 2002-07-01T19:17:03Z */
	cr_assert_eq (f.received_epoch, 1025551023);
	wb_fields_clear (&f);
	g_object_unref (msg);
	g_string_free (warn, TRUE);
	g_mime_parser_options_free (po);
}

Test (sniff, by_content)
{
	const char *mbox = "From a@b Thu Aug 22 13:17:22 2002\nSubject: x\n\nbody\n";
	const char *msg = "Received: from x by y; Thu, 22 Aug 2002 08:17:21 -0400\n\tcontinued\nSubject: x\n\nbody\n";
	const char *crlf = "Subject: x\r\nFrom: a@b\r\n\r\nbody\r\n";
	const char *json = "{\"text\": \"From: a@b\"}\n";
	const char *readme = "# Title\n\nSubject: not a header block\n";
	const char *http = "HTTP/1.1 200 OK\nContent-Type: text/html\n\n";
	const char *unknown_only = "X-Foo: 1\nX-Bar: 2\n\nbody\n";
	cr_assert_eq (wb_ingest_sniff (mbox, strlen (mbox)), 2);
	cr_assert_eq (wb_ingest_sniff (msg, strlen (msg)), 1);
	cr_assert_eq (wb_ingest_sniff (crlf, strlen (crlf)), 1);
	cr_assert_eq (wb_ingest_sniff (json, strlen (json)), 0);
	cr_assert_eq (wb_ingest_sniff (readme, strlen (readme)), 0);
	cr_assert_eq (wb_ingest_sniff (http, strlen (http)), 0);
	cr_assert_eq (wb_ingest_sniff (unknown_only, strlen (unknown_only)), 0);
	/* A header block is mail whatever bytes follow (a NUL in a body). */
	cr_assert_eq (wb_ingest_sniff ("Subject: x\0y", 12), 1);
	cr_assert_eq (wb_ingest_sniff ("\0\0\0\0", 4), 0);
	cr_assert_eq (wb_ingest_sniff ("", 0), 0);
}

/* Issue 14, item 3: messages with defects are mail; what is not mail stays so. */
Test (sniff, defects)
{
	const char *obs = "From: a@b\nX-Mailer : x\nSubject: s\n\nbody\n";
	const char *nocolon = "From: a@b\nno colon here\nSubject: s\n\nbody\n";
	const char *noblank = "From: a@b\nSubject: s\nbody text\n";
	const char *bom = "\xEF\xBB\xBF" "From: a@b\nSubject: s\n\nbody\n";
	const char *blank = "\r\n\r\nFrom: a@b\r\nSubject: s\r\n\r\nbody\r\n";
	const char *prose = "Subject: minutes\nWe met.\n";
	cr_assert_eq (wb_ingest_sniff (obs, strlen (obs)), 1);
	cr_assert_eq (wb_ingest_sniff (nocolon, strlen (nocolon)), 1);
	cr_assert_eq (wb_ingest_sniff (noblank, strlen (noblank)), 1);
	cr_assert_eq (wb_ingest_sniff (bom, strlen (bom)), 1);
	cr_assert_eq (wb_ingest_sniff (blank, strlen (blank)), 1);
	cr_assert_eq (wb_ingest_sniff (prose, strlen (prose)), 0);
	/* The first buffer of a longer stream ends inside a field name: the
	 * incomplete line is not judged. */
	const char *cut = "From: a@b\nX-Bounda";
	cr_assert_eq (wb_ingest_sniff_part (cut, strlen (cut), FALSE), 1);
	/* Its first line incomplete: nothing to judge by, not mail. */
	cr_assert_eq (wb_ingest_sniff_part ("X-Bounda", 8, FALSE), 0);
}

static char *
defects (const char *data, size_t len)
{
	GString *w = g_string_new (NULL);
	wb_ingest_defects (data, len, w);
	return g_string_free (w, FALSE);
}

Test (sniff, defect_warnings)
{
	char *w;
	static const char nul[] = "From: a@b\n\nab\0c\n";
	cr_assert_str_eq (w = defects (nul, sizeof nul - 1), "NUL byte at offset 13");
	g_free (w);
	cr_assert_str_eq (w = defects ("From: a@b\nX-Mailer : x\n\nb\n", 26), "obsolete header syntax (line 2)");
	g_free (w);
	cr_assert_str_eq (w = defects ("From: a@b\nzzz\nTo: c@d\n\nb\n", 25), "header line without colon (line 2)");
	g_free (w);
	cr_assert_str_eq (w = defects ("From: a@b\nSubject: s\nbody: text\nmore\n", 37), "no blank line after header");
	g_free (w);
	cr_assert_str_eq (w = defects ("\xEF\xBB\xBF\nFrom: a@b\n\nb\n", 17), "leading byte-order mark; leading blank line");
	g_free (w);
	/* Headers up to the end, no body: no defect. */
	cr_assert_str_eq (w = defects ("From: a@b\nSubject: s\n", 21), "");
	g_free (w);
	GString *g = g_string_new ("truncated");
	wb_ingest_defects (nul, sizeof nul - 1, g);
	cr_assert_str_eq (g->str, "truncated; NUL byte at offset 13");
	g_string_free (g, TRUE);
}

/* Five messages, each matched a different way. */
#define RCVD "Received: from relay.spam.example by mx.example.org; Tue, 1 Jul 2008 23:30:00 -0400\n"
static const char *const fixtures[][2] = {
	{ "mail/a.eml", "Delivered-To: trap1@example.org\n" RCVD "To: someone@else.example\n"
	  "Subject: a\nDate: Wed, 2 Jul 2008 10:00:00 +0000\n\nx\n" },
	{ "mail/b.eml", "X-Original-To: <TRAP2@Example.org>\n" RCVD "To: trap1@example.org\nSubject: b\n\nx\n" },
	{ "mail/c.eml", "To: Some One <someone@else.example>, trap1@example.org\nCc: trap2@example.org\n"
	  "Subject: c\nDate: Tue, 1 Jul 2008 20:00:00 -0700\n\nx\n" },
	{ "mail/d.eml", "To: undisclosed-recipients:;\nCc: friends: trap2@example.org;\nSubject: d\n"
	  "Date: Tue, 1 Jul 2008 20:00:00\n\nx\n" },
	{ "mail/trap3@example.org/cur/e.eml", "To: nobody@else.example\nSubject: e\n\nx\n" },
	{ "mail/other/cur/e.eml", "To: nobody@else.example\nSubject: e\n\nx\n" },
};

static void
write_fixtures (void)
{
	for (size_t i = 0; i < G_N_ELEMENTS (fixtures); i++)
		put (fixtures[i][0], fixtures[i][1]);
}

static void
insert_traps (void)
{
	exec ("INSERT INTO traps(id, address, timezone) VALUES"
	      " (1, 'trap1@example.org', 'America/Los_Angeles'),"
	      " (2, 'trap2@example.org', 'America/New_York'),"
	      " (3, 'trap3@example.org', 'Europe/Berlin')");
}

/* What the fixtures must give once the traps are known.
 * a: Delivered-To trap1.  Received 2008-07-01 23:30 -0400 = 2008-07-02 03:30Z;
 *    in Los Angeles (PDT, -0700) that is 2008-07-01 20:30: local day 2008-07-01.
 * b: X-Original-To (bare, upper case) trap2, before To trap1.  Same receipt;
 *    New York (EDT, -0400): 2008-07-01 23:30, day 2008-07-01.
 * c: To trap1 (second address).  No Received: Date 2008-07-01 20:00 -0700
 *    = 2008-07-02 03:00Z; Los Angeles: 2008-07-01.
 * d: Cc group member trap2.  Date without zone: read as UTC 20:00Z, status
 *    no-zone; New York: 16:00, 2008-07-01.
 * e: no header matches; the copy under trap3@example.org/ is trap3 by path,
 *    the same bytes under other/ stay unmatched (trap 0). */
static void
check_assigned (void)
{
	ASSERT_SQL ("SELECT group_concat(x, ' ') FROM (SELECT subject || ':' || trap_id || ':' || trap_match"
		    " || ':' || coalesce(local_day, '-') AS x FROM messages ORDER BY subject, trap_id)",
		    "a:1:delivered-to:2008-07-01 b:2:x-original-to:2008-07-01 c:1:to:2008-07-01"
		    " d:2:cc:2008-07-01 e:0:none:- e:3:path:-");
	ASSERT_SQL ("SELECT received_at || ' ' || received_from || ' ' || received_epoch FROM messages WHERE subject = 'a'",
		    "2008-07-01T23:30:00-04:00 received 1214969400");
	ASSERT_SQL ("SELECT received_at || ' ' || received_from || ' ' || date_status FROM messages WHERE subject = 'd'",
		    "2008-07-01T20:00:00+00:00 date no-zone");
	ASSERT_SQL ("SELECT count(*) FROM locations", "6");
	ASSERT_SQL ("SELECT count(*) FROM raw", "5");
}

Test (traps, matched_at_ingest, .init = setup, .fini = teardown)
{
	write_fixtures ();
	insert_traps ();
	ingest ("mail");
	check_assigned ();
}

Test (traps, assigned_after_ingest, .init = setup, .fini = teardown)
{
	write_fixtures ();
	ingest ("mail");
	/* No traps yet: every copy unmatched, local day in UTC; the two e
	 * copies are one message with two locations. */
	ASSERT_SQL ("SELECT count(*) || ' ' || sum(trap_id) FROM messages", "5 0");
	ASSERT_SQL ("SELECT local_day FROM messages WHERE subject = 'a'", "2008-07-02");
	ASSERT_SQL ("SELECT count(*) FROM case_info WHERE key = 'analysis_pending'", "0");
	gboolean moved = FALSE;
	cr_assert_eq (wb_ingest_assign_traps (cs, &moved), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert (!moved, "no traps: nothing changes trap");
	ASSERT_SQL ("SELECT count(*) FROM case_info WHERE key = 'analysis_pending'", "0");
	insert_traps ();
	cr_assert_eq (wb_ingest_assign_traps (cs, &moved), WB_OK, "%s", wb_case_errmsg (cs));
	check_assigned ();
	/* Copies analysed as unmatched now belong to traps: analysis is stale. */
	cr_assert (moved);
	ASSERT_SQL ("SELECT value FROM case_info WHERE key = 'analysis_pending'", "1");
	/* The traps go away: the two e copies become identical again and merge. */
	exec ("DELETE FROM traps");
	cr_assert_eq (wb_ingest_assign_traps (cs, NULL), WB_OK, "%s", wb_case_errmsg (cs));
	ASSERT_SQL ("SELECT count(*) || ' ' || sum(trap_id) FROM messages", "5 0");
	ASSERT_SQL ("SELECT count(*) FROM locations l JOIN messages m ON m.id = l.message WHERE m.subject = 'e'", "2");
	ASSERT_SQL ("SELECT count(DISTINCT message) FROM locations", "5");
	ASSERT_SQL ("SELECT local_day FROM messages WHERE subject = 'a'", "2008-07-02");
}

Test (duplicates, same_message_id_other_bytes, .init = setup, .fini = teardown)
{
	put ("d/1.eml", "Message-ID: <same@x>\nSubject: one\n\nx\n");
	put ("d/2.eml", "Message-ID: <same@x>\nSubject: two\n\nx\n");
	put ("d/3.eml", "Message-ID: <other@x>\nSubject: three\n\nx\n");
	put ("d/4.eml", "Message-ID: <other@x>\nSubject: three\n\nx\n");
	ingest ("d");
	ASSERT_SQL ("SELECT group_concat(subject || '=' || possible_duplicate, ' ') FROM"
		    " (SELECT * FROM messages ORDER BY subject)", "one=1 three=0 two=1");
	ASSERT_SQL ("SELECT message_id FROM messages WHERE subject = 'one'", "same@x");
	ASSERT_SQL ("SELECT count(*) FROM locations", "4");
}

Test (mbox, crlf_mbox, .init = setup, .fini = teardown)
{
	/* Two messages, CRLF throughout; the blank CRLF line is the separator.
	 * The From_ line is 41 characters + CRLF = 43: the first copy starts at
	 * 43 and is 17 bytes; then 2 (separator) + 43: the second starts at 105. */
	put ("c/box", "From a@b.example Thu Aug 22 13:17:22 2002\r\nSubject: 1\r\n\r\nx\r\n\r\n"
	     "From a@b.example Thu Aug 22 13:17:23 2002\r\nSubject: 2\r\n\r\ny\r\n");
	ingest ("c");
	char want1[65], want2[65];
	wb_sha256_hex ("Subject: 1\r\n\r\nx\r\n", 17, want1);
	wb_sha256_hex ("Subject: 2\r\n\r\ny\r\n", 17, want2);
	char *want = g_strdup_printf ("%s 43 17 From a@b.example Thu Aug 22 13:17:22 2002|"
				      "%s 105 17 From a@b.example Thu Aug 22 13:17:23 2002", want1, want2);
	ASSERT_SQL ("SELECT group_concat(x, '|') FROM (SELECT m.sha256 || ' ' || l.offset || ' ' || l.length"
		    " || ' ' || l.from_line AS x FROM locations l JOIN messages m ON m.id = l.message ORDER BY l.offset)",
		    want);
	g_free (want);
}

/* SHA-256 keeps one digest context per thread: the FIPS 180-2 vectors
 * ("abc", the empty string, a million 'a') come out right in every thread,
 * each hashing them over and over, interleaved with the other threads. */
static const struct { const char *in; size_t n; const char *hex; } sha_vectors[] = {
	{ "abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ NULL, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

static gpointer
sha_thread (gpointer data)
{
	const char *million = data;
	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < G_N_ELEMENTS (sha_vectors); i++) {
			char hex[65];
			wb_sha256_hex (sha_vectors[i].in ? sha_vectors[i].in : million, sha_vectors[i].n, hex);
			if (strcmp (hex, sha_vectors[i].hex) != 0)
				return GINT_TO_POINTER (1);
		}
	return NULL;
}

Test (sha256, known_vectors_in_threads)
{
	char *million = g_malloc (1000000);
	memset (million, 'a', 1000000);
	GThread *t[4];
	for (int i = 0; i < 4; i++)
		t[i] = g_thread_new ("sha", sha_thread, million);
	int bad = GPOINTER_TO_INT (sha_thread (million));
	for (int i = 0; i < 4; i++)
		bad += GPOINTER_TO_INT (g_thread_join (t[i]));
	g_free (million);
	cr_assert_eq (bad, 0, "%d threads got a wrong digest", bad);
}

/* Ingest and link raise the page cache for their bulk writes and put back
 * the connection's own setting after (a shell session keeps its connection
 * from one command to the next); campaigns, which run after ingest, see the
 * setting put back. */
Test (ingest, cache_size_put_back, .init = setup, .fini = teardown)
{
	exec ("PRAGMA cache_size = -4096");
	put ("in/a.eml", "From: a@example.com\nSubject: one\nMessage-ID: <1@x>\n\nbody one\n");
	put ("in/b.eml", "From: b@example.com\nSubject: two\nMessage-ID: <2@x>\n\nbody two\n");
	ingest ("in");
	ASSERT_SQL ("SELECT count(*) FROM messages", "2");
	ASSERT_SQL ("PRAGMA cache_size", "-4096");
	cr_assert_eq (wb_analyze_campaigns (cs), WB_OK);
	ASSERT_SQL ("PRAGMA cache_size", "-4096");
	ASSERT_SQL ("SELECT count(*) FROM messages WHERE campaign IS NULL", "0");
	char *err = NULL;
	wb_attrib_conf_t *conf = wb_attrib_conf_load (&err);
	cr_assert (conf, "%s", err ? err : "");
	wb_attrib_stats_t stats;
	cr_assert_eq (wb_attrib_link (cs, conf, &stats), WB_OK);
	wb_attrib_conf_free (conf);
	ASSERT_SQL ("PRAGMA cache_size", "-4096");
}

/* The steps of SQL's query plan that read a whole table or index (SQLite's
 * "SCAN ..."), each followed by ';'. */
static char *
plan_scans (const char *sql)
{
	char *q = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
	sqlite3_stmt *st;
	cr_assert_eq (sqlite3_prepare_v2 (wb_case_db (cs), q, -1, &st, NULL), SQLITE_OK, "%s",
		      sqlite3_errmsg (wb_case_db (cs)));
	GString *out = g_string_new (NULL);
	while (sqlite3_step (st) == SQLITE_ROW) {
		const char *d = (const char *) sqlite3_column_text (st, 3);
		if (g_str_has_prefix (d, "SCAN "))
			g_string_append_printf (out, "%s;", d);
	}
	sqlite3_finalize (st);
	g_free (q);
	return g_string_free (out, FALSE);
}

/* Campaign numbers, worked by hand from the rule in analyze-simhash.c:
 * copies within 3 bits of each other (chained) are one campaign, and in id
 * order a campaign is numbered when its first copy is met, a copy without
 * a fingerprint a campaign of its own.  The pass leaves a row whose number
 * is right as it is and mends every other: a new copy's NULL, a number a
 * merge of two campaigns changed, and one edited by hand. */
Test (ingest, campaigns_mend_only_what_changed, .init = setup, .fini = teardown)
{
	for (int i = 1; i <= 6; i++) {
		char name[32], body[160];
		g_snprintf (name, sizeof name, "in/%d.eml", i);
		g_snprintf (body, sizeof body, "From: s%d@example.com\nSubject: m%d\nMessage-ID: <%d@x>\n\n"
			    "body %d\n", i, i, i, i);
		put (name, body);
	}
	ingest ("in");
	ASSERT_SQL ("SELECT group_concat(id) FROM messages", "1,2,3,4,5,6");
	/* 1 and 4: 0; 2: 0x3f, 6 bits from 0; 3 and 5: 32 bits from all. */
	exec ("UPDATE messages SET fingerprint = CASE id WHEN 1 THEN 0 WHEN 2 THEN 63 WHEN 3 THEN 4294901760"
	      " WHEN 4 THEN 0 WHEN 5 THEN 281470681743360 ELSE NULL END, campaign = NULL");
	char *schema = one ("PRAGMA schema_version");
	cr_assert_eq (wb_analyze_campaigns (cs), WB_OK);
	/* Six rows change, under the 4,096 that make the pass build the index
	 * again: it is updated in place, the schema as it was. */
	ASSERT_SQL ("PRAGMA schema_version", schema);
	g_free (schema);
	/* 1 -> 1, 2 -> 2, 3 -> 3, 4 joins 1, 5 -> 4, 6 (no fingerprint) -> 5. */
	ASSERT_SQL ("SELECT group_concat(campaign) FROM (SELECT campaign FROM messages ORDER BY id)", "1,2,3,1,4,5");
	/* 3 becomes 0x7: 3 bits from 0 and from 0x3f, so 1, 2, 3 and 4 are one
	 * campaign; 5 and 6 move down to 2 and 3. */
	exec ("UPDATE messages SET fingerprint = 7 WHERE id = 3");
	cr_assert_eq (wb_analyze_campaigns (cs), WB_OK);
	ASSERT_SQL ("SELECT group_concat(campaign) FROM (SELECT campaign FROM messages ORDER BY id)", "1,1,1,1,2,3");
	/* Edited by hand, and emptied: put right. */
	exec ("UPDATE messages SET campaign = 99 WHERE id = 1");
	exec ("UPDATE messages SET campaign = NULL WHERE id = 5");
	exec ("UPDATE messages SET campaign = 'x' WHERE id = 6");
	cr_assert_eq (wb_analyze_campaigns (cs), WB_OK);
	ASSERT_SQL ("SELECT group_concat(campaign) FROM (SELECT campaign FROM messages ORDER BY id)", "1,1,1,1,2,3");
	ASSERT_SQL ("SELECT typeof(campaign) FROM messages WHERE id = 6", "integer");
	/* It reads the index that holds what it reads, not the rows. */
	char *scans = plan_scans (WB_CAMPAIGNS_READ);
	cr_assert_str_eq (scans, "SCAN messages USING COVERING INDEX messages_campaign;");
	g_free (scans);
}

/* What ingest reports of its own run reaches the run's sources by an
 * index, whatever the size of the case: SQLite's plan for each has no
 * SCAN (a whole table or index read).  The malformed count scanned
 * messages before sources_run: a 10-message ingest into 1,000,000 copies
 * read 567 MB. */
Test (ingest, run_report_reads_only_the_run, .init = setup, .fini = teardown)
{
	put ("in/a.eml", "From: a@example.com\nSubject: one\nMessage-ID: <1@x>\n\nbody one\n");
	ingest ("in");
	const char *sql[] = { WB_RUN_MALFORMED, WB_RUN_FLAGGED, WB_RUN_PER_TRAP, WB_RUN_NOTES };
	for (size_t i = 0; i < G_N_ELEMENTS (sql); i++) {
		char *scans = plan_scans (sql[i]);
		cr_assert_str_eq (scans, "", "%s: %s", sql[i], scans);
		g_free (scans);
	}
}

/* An mbox of N messages, each with a sender address and a link (artifacts). */
static void
put_mbox (const char *rel, int first, int n)
{
	GString *s = g_string_new ("");
	for (int i = first; i < first + n; i++)
		g_string_append_printf (s, "From s%d@example.com Thu Aug 22 13:17:22 2002\n"
					"From: s%d@example.com\nSubject: m%d\nMessage-ID: <%d@x>\n\n"
					"Visit http://shop%d.example.com/ now\n\n", i, i, i, i, i);
	put (rel, s->str);
	g_string_free (s, TRUE);
}

/* When most copies change campaign (a new case's first ingest), the pass
 * drops messages_campaign, updates the rows and builds the index again,
 * in its transaction: the numbers are those worked by hand, the index is
 * there again as schema.sql writes it, holds every row (integrity_check
 * compares them) and is the one the pass reads. */
Test (ingest, campaigns_index_built_again, .init = setup, .fini = teardown)
{
	put_mbox ("a.mbox", 0, 5000);
	ingest ("a.mbox");
	ASSERT_SQL ("SELECT count(*) FROM messages", "5000");
	/* The case was made from schema.sql: its index is the one the pass
	 * builds again, word for word. */
	ASSERT_SQL ("SELECT sql FROM sqlite_master WHERE name = 'messages_campaign'", WB_CAMPAIGN_INDEX);
	char *schema = one ("PRAGMA schema_version");
	/* Three fingerprints 16 or 32 bits apart: three campaigns, numbered
	 * in the order of their first copy (ids 1, 2, 3). */
	exec ("UPDATE messages SET campaign = NULL, fingerprint = CASE id % 3 WHEN 1 THEN 65535"
	      " WHEN 2 THEN 4294901760 ELSE 0 END");
	cr_assert_eq (wb_analyze_campaigns (cs), WB_OK);
	ASSERT_SQL ("SELECT count(*) FROM messages WHERE campaign IS NOT (id - 1) % 3 + 1", "0");
	/* Built again (every row changed, 5,000 of them): dropping and
	 * creating an index each change the schema's version. */
	char *schema2 = one ("PRAGMA schema_version");
	cr_assert_str_neq (schema, schema2, "the index was not built again (schema version %s)", schema);
	g_free (schema);
	g_free (schema2);
	ASSERT_SQL ("SELECT sql FROM sqlite_master WHERE name = 'messages_campaign'", WB_CAMPAIGN_INDEX);
	ASSERT_SQL ("PRAGMA integrity_check", "ok");
	ASSERT_SQL ("SELECT count(*) FROM messages INDEXED BY messages_campaign WHERE fingerprint = 65535"
		    " AND campaign = 1", "1667");
}

/* artifact_copies, and what it should hold, worked out from each copy's
 * items. */
#define BY_INDEX "SELECT group_concat(value || ':' || message) FROM (SELECT value, message" \
	" FROM artifact_copies ORDER BY value, message)"
#define BY_TABLE "SELECT group_concat(value || ':' || message) FROM (SELECT DISTINCT j.value->>0" \
	" AS value, a.message FROM message_artifacts a, json_each(a.items) j ORDER BY 1, 2)"

/* A source that adds more artifacts than the threshold and more copies
 * than the case held adds its copies' artifact_copies rows before its
 * commit, not copy by copy: the table holds every copy's values after; a
 * smaller source into the fuller case adds them copy by copy. */
Test (ingest, artifacts_index_built_again, .init = setup, .fini = teardown)
{
	uint64_t rebuilds = 9;
	put_mbox ("a.mbox", 0, 40);
	cr_assert_eq (ingest_min ("a.mbox", 5, &rebuilds), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (rebuilds, 1);
	ASSERT_SQL ("PRAGMA integrity_check", "ok");
	/* Every copy gave its e-mail address, its URL and their domains. */
	ASSERT_SQL ("SELECT count(*) FROM artifacts WHERE kind = 'email'", "40");
	ASSERT_SQL ("SELECT count(DISTINCT value) FROM artifacts WHERE kind = 'url'", "40");
	char *want = one (BY_TABLE);
	ASSERT_SQL (BY_INDEX, want);
	g_free (want);

	put_mbox ("b.mbox", 40, 10);
	cr_assert_eq (ingest_min ("b.mbox", 5, &rebuilds), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (rebuilds, 0, "fewer rows than the case held: kept");
	ASSERT_SQL ("SELECT count(*) FROM artifacts WHERE kind = 'email'", "50");
	want = one (BY_TABLE);
	ASSERT_SQL (BY_INDEX, want);
	g_free (want);
}

/* A source that fails after the index was dropped (in its second batch of
 * 256 copies) rolls the drop back with everything else. */
Test (ingest, artifacts_index_back_after_failure, .init = setup, .fini = teardown)
{
	uint64_t rebuilds = 9;
	exec ("CREATE TRIGGER t_fail BEFORE INSERT ON locations WHEN (SELECT count(*) FROM messages) > 280"
	      " BEGIN SELECT RAISE(ABORT, 'test failure'); END");
	put_mbox ("a.mbox", 0, 300);
	cr_assert_neq (ingest_min ("a.mbox", 5, &rebuilds), WB_OK);
	cr_assert_eq (rebuilds, 0);
	ASSERT_SQL ("SELECT count(*) FROM messages", "0");
	ASSERT_SQL ("SELECT count(*) FROM artifact_copies", "0");
	ASSERT_SQL ("PRAGMA integrity_check", "ok");
	exec ("DROP TRIGGER t_fail");
	cr_assert_eq (ingest_min ("a.mbox", 5, &rebuilds), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (rebuilds, 1);
	ASSERT_SQL ("SELECT count(*) FROM messages", "300");
	char *want = one (BY_TABLE);
	ASSERT_SQL (BY_INDEX, want);
	g_free (want);
}

/* reanalyze on the pipeline: every stored copy analysed again from its
 * bytes, in id order, a transaction per group.  With group_bytes 1 each
 * chunk of 256 copies read from the case is a group: 5,000 copies are 20
 * commits (19 chunks of 256 and one of 136).  A failure in the
 * seventeenth group (copy 4,101) keeps the sixteen before it: 4,096. */
static wb_status_t
reanalyze (uint64_t *done, uint64_t *commits)
{
	int64_t run;
	cr_assert_eq (wb_case_run_begin (cs, "reanalyze", "test", &run), WB_OK);
	wb_ingest_opts_t o = { .group_bytes = 1 };
	wb_ingest_t *ing = wb_ingest_new (cs, run, &o);
	cr_assert_not_null (ing);
	wb_status_t st = wb_ingest_reanalyze (ing, done);
	*commits = wb_ingest_stats (ing)->commits;
	wb_ingest_free (ing);
	return st;
}

Test (reanalyze, groups_in_id_order, .init = setup, .fini = teardown)
{
	uint64_t done = 9, commits = 9;
	put_mbox ("a.mbox", 0, 5000);
	ingest ("a.mbox");
	char *want = one ("SELECT group_concat(m.sha256 || a.kind || a.value) FROM (SELECT * FROM artifacts"
			  " ORDER BY message, kind, value) a JOIN messages m ON m.id = a.message");
	exec ("DELETE FROM artifacts; DELETE FROM facts; DELETE FROM hops");
	cr_assert_eq (reanalyze (&done, &commits), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (done, 5000, "done %" G_GUINT64_FORMAT ", commits %" G_GUINT64_FORMAT, done, commits);
	cr_assert_eq (commits, 20, "5,000 copies in chunks of 256, one group each");
	ASSERT_SQL ("SELECT count(*) FROM artifacts WHERE kind = 'email'", "5000");
	ASSERT_SQL ("SELECT group_concat(m.sha256 || a.kind || a.value) FROM (SELECT * FROM artifacts"
		    " ORDER BY message, kind, value) a JOIN messages m ON m.id = a.message", want);
	g_free (want);
	ASSERT_SQL ("SELECT count(*) FROM messages WHERE id NOT IN (SELECT message FROM facts)", "0");

	exec ("DELETE FROM artifacts; DELETE FROM facts; DELETE FROM hops");
	exec ("CREATE TRIGGER t_fail BEFORE INSERT ON message_artifacts WHEN NEW.message > 4100"
	      " BEGIN SELECT RAISE(ABORT, 'test failure'); END");
	cr_assert_neq (reanalyze (&done, &commits), WB_OK);
	cr_assert_eq (done, 4096, "the sixteen groups before the failure, not %" G_GUINT64_FORMAT ": %s", done,
		      wb_case_errmsg (cs));
	ASSERT_SQL ("SELECT count(DISTINCT message) FROM artifacts WHERE kind = 'email'", "4096");
	ASSERT_SQL ("SELECT max(message) FROM artifacts", "4096");
	ASSERT_SQL ("PRAGMA integrity_check", "ok");
}

/* The page cache ingest sets grows with the case: 16 MiB (16,384 KiB) and
 * 2 KiB a copy, at most 112 MiB (114,688 KiB), which 2 KiB a copy reaches
 * at (114,688 - 16,384) / 2 = 49,152 copies. */
Test (cache, follows_the_copies)
{
	cr_assert_eq (wb_ingest_cache_kib (0), 16384);
	cr_assert_eq (wb_ingest_cache_kib (1), 16386);
	/* The benchmark Maildir: 16,384 + 2 * 6,046 = 28,476. */
	cr_assert_eq (wb_ingest_cache_kib (6046), 28476);
	cr_assert_eq (wb_ingest_cache_kib (49151), 114686);
	cr_assert_eq (wb_ingest_cache_kib (49152), 114688);
	cr_assert_eq (wb_ingest_cache_kib (49153), 114688);
	cr_assert_eq (wb_ingest_cache_kib (1000000), 114688);
	cr_assert_eq (wb_ingest_cache_kib (UINT64_MAX), 114688);
}
