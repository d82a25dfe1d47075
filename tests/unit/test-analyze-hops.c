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
