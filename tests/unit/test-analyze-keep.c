/* An analysis keeps its artifacts, facts and hops in an arena of blocks
 * (keep_alloc() in evidence/analyze.c: 6 kB, then 4 kB at a time, a
 * longer string in a block of its own).  A copy with hundreds of links
 * and a Received field longer than a block spans many blocks: every value
 * must come back whole, each where it was found, after the analysis that
 * made them is done.  The expected values are the message's own text, as
 * written here. */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

#define LINKS 400
#define HOPS 20
#define LONG_COMMENT 7000

Test (keep, a_copy_larger_than_a_block_comes_back_whole)
{
	GString *raw = g_string_new (NULL);
	/* Hop I's field, unfolded as written (one line each); hop 7 carries a
	 * comment longer than any block. */
	char *hop_text[HOPS];
	for (int i = 0; i < HOPS; i++) {
		GString *h = g_string_new (NULL);
		g_string_append_printf (h, "from h%d.sender.example ([192.0.2.%d]) by h%d.relay.example with SMTP",
					i + 1, i + 1, i);
		if (i == 7) {
			g_string_append (h, " (");
			for (int k = 0; k < LONG_COMMENT; k++)
				g_string_append_c (h, 'a' + k % 26);
			g_string_append (h, ")");
		}
		g_string_append_printf (h, " id k%d; Tue, 24 Nov 2026 10:%02d:00 +0000", i, 59 - i);
		hop_text[i] = g_string_free (h, FALSE);
		g_string_append_printf (raw, "Received: %s\n", hop_text[i]);
	}
	g_string_append (raw, "From: Sender <sender@example.com>\nTo: trap@example.org\nSubject: offer\n"
			 "Date: Tue, 24 Nov 2026 10:00:00 +0000\nContent-Type: text/plain\n\n");
	for (int i = 0; i < LINKS; i++)
		g_string_append_printf (raw, "see http://www.site%d.example/page%d now\n", i, i);
	wb_analysis_t *a = analyze_raw (raw->str, NULL);

	/* Every link and its domain, found in the text. */
	int missing = 0;
	for (int i = 0; i < LINKS; i++) {
		char url[64], dom[64];
		g_snprintf (url, sizeof url, "http://www.site%d.example/page%d", i, i);
		g_snprintf (dom, sizeof dom, "site%d.example", i);
		missing += !has_at (a, "url", url, "body:text") + !has_at (a, "domain", dom, "body:text");
	}
	cr_expect_eq (missing, 0, "%d of %d link artifacts missing or altered", missing, 2 * LINKS);
	cr_expect (has_at (a, "email", "sender@example.com", "header:From"));

	/* Every hop, its text and the parts read from it. */
	GPtrArray *hops = wb_analysis_hops (a);
	cr_assert_eq (hops->len, HOPS);
	for (int i = 0; i < HOPS; i++) {
		const wb_hop_t *h = g_ptr_array_index (hops, i);
		char host[32], by[32], ip[32], id[16];
		g_snprintf (host, sizeof host, "h%d.sender.example", i + 1);
		g_snprintf (by, sizeof by, "h%d.relay.example", i);
		g_snprintf (ip, sizeof ip, "192.0.2.%d", i + 1);
		g_snprintf (id, sizeof id, "k%d", i);
		cr_expect_str_eq (h->raw, hop_text[i], "hop %d's text", i);
		cr_expect_str_eq (h->from_host, host, "hop %d", i);
		cr_expect_str_eq (h->from_ip, ip, "hop %d", i);
		cr_expect_str_eq (h->by_host, by, "hop %d", i);
		cr_expect_str_eq (h->smtp_id, id, "hop %d", i);
		cr_expect_str_eq (h->time_status, "ok", "hop %d", i);
		cr_expect (h->notes != NULL && strlen (h->notes->str) == h->notes->len, "hop %d's notes", i);
	}
	cr_expect_eq (strlen (((const wb_hop_t *) g_ptr_array_index (hops, 7))->raw), strlen (hop_text[7]));

	/* The facts, each with its value. */
	cr_expect_gt (wb_analysis_n_facts (a), 10);
	for (guint i = 0; i < wb_analysis_n_facts (a); i++) {
		const char *name, *value, *conf, *evidence;
		wb_analysis_fact_at (a, i, &name, &value, &conf, &evidence);
		cr_expect (name && value && (!strcmp (conf, "certain") || !strcmp (conf, "indicator")),
			   "fact %u", i);
	}
	const char *ev = NULL;
	cr_expect_str_eq (wb_analysis_fact (a, "opt_out", &ev), "0");

	wb_analysis_free (a);
	for (int i = 0; i < HOPS; i++)
		g_free (hop_text[i]);
	g_string_free (raw, TRUE);
}
