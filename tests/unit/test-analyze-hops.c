/* A Received line's clause keywords in any case, and the time zone test
 * (a numeric offset, or a zone word between spaces, tabs or parentheses)
 * that sets time_status "ok" rather than "no-zone". */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"

Test (hops, keywords_in_any_case)
{
	g_mime_init ();
	wb_hop_t *h = wb_hop_parse ("FROM a.example ([192.0.2.7]) BY b.example WITH SMTP ID q1 FOR <T@E.org>; "
				    "Tue, 24 Nov 2026 10:00:05 +0000");
	cr_expect_str_eq (h->from_host, "a.example");
	cr_expect_str_eq (h->from_ip, "192.0.2.7");
	cr_expect_str_eq (h->by_host, "b.example");
	cr_expect_str_eq (h->protocol, "SMTP");
	cr_expect_str_eq (h->smtp_id, "q1");
	cr_expect_str_eq (h->for_addr, "t@e.org");
	wb_hop_free (h);
	/* "Bypass", "width" and "identity" only begin with keywords. */
	h = wb_hop_parse ("from a.example Bypass by b.example width 3 identity x; Tue, 24 Nov 2026 10:00:05 +0000");
	cr_expect_str_eq (h->from_host, "a.example");
	cr_expect_str_eq (h->by_host, "b.example");
	cr_expect_null (h->protocol);
	cr_expect_null (h->smtp_id);
	wb_hop_free (h);
}

Test (hops, zone_words)
{
	static const struct {
		const char *date, *status;
	} cases[] = {
		{ "Tue, 24 Nov 2026 10:00:05 +0000", "ok" },
		{ "Tue, 24 Nov 2026 10:00:05 -0800 (PST)", "ok" },
		{ "Tue, 24 Nov 2026 10:00:05 gmt", "ok" },          /* any case */
		{ "Tue, 24 Nov 2026 10:00:05\tPDT", "ok" },         /* after a tab */
		{ "Tue, 24 Nov 2026 10:00:05 (EST)", "ok" },        /* in parentheses */
		{ "Tue, 24 Nov 2026 10:00:05", "no-zone" },
		{ "Tue, 24 Nov 2026 10:00:05 GMTX", "no-zone" },    /* not a whole word */
		{ "Tue, 24 Nov 2026 10:00:05 (ESTX)", "no-zone" },
	};
	g_mime_init ();
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *line = g_strdup_printf ("from a.example by b.example; %s", cases[i].date);
		wb_hop_t *h = wb_hop_parse (line);
		cr_expect_str_eq (h->time_status, cases[i].status, "'%s'", cases[i].date);
		wb_hop_free (h);
		g_free (line);
	}
}

/* A HELO name and a reverse name under one registrable domain agree;
 * under two they do not.  Asked for 9,000 different hosts on one thread
 * (past the size at which the lookups' cache is emptied): the same
 * answer each time.  mail.hN.example.co.uk and mx.hN.example.co.uk are
 * both under example.co.uk (co.uk is a public suffix); mail.hN.one.co.uk
 * and mx.hN.two.co.uk are under one.co.uk and two.co.uk. */
Test (hops, helo_against_reverse_name_many_hosts)
{
	g_mime_init ();
	for (int i = 0; i < 9000; i++) {
		gboolean differ = i % 500 == 0;
		char *line = differ
			? g_strdup_printf ("from mail.h%d.one.co.uk (mx.h%d.two.co.uk [192.0.2.1]) by mx.example.org; "
					   "Tue, 24 Nov 2026 10:00:05 +0000", i, i)
			: g_strdup_printf ("from mail.h%d.example.co.uk (mx.h%d.example.co.uk [192.0.2.1]) by mx.example.org; "
					   "Tue, 24 Nov 2026 10:00:05 +0000", i, i);
		GPtrArray *hops = g_ptr_array_new_with_free_func ((GDestroyNotify) wb_hop_free);
		g_ptr_array_add (hops, wb_hop_parse (line));
		wb_hops_mark (hops, NULL);
		wb_hop_t *h = g_ptr_array_index (hops, 0);
		gboolean mismatch = strstr (h->notes->str, "helo-mismatch") != NULL;
		if (mismatch != differ)
			cr_expect_eq (mismatch, differ, "hop %d: notes '%s'", i, h->notes->str);
		g_ptr_array_unref (hops);
		g_free (line);
	}
}
