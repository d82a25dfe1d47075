/* Message analysis on whole messages.  Expected values are worked out by
 * hand from the message text (comments say how). */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

static wb_analysis_t *
run (const char *raw, const char *trap)
{
	return analyze_raw (raw, trap);
}

static void
fact_is (wb_analysis_t *a, const char *name, const char *want)
{
	const char *v = wb_analysis_fact (a, name, NULL);
	cr_expect_str_eq (v ? v : "(none)", want, "fact %s", name);
}

Test (html, visible_text)
{
	wb_analysis_data ();
	static const char html[] =
		"<html><head><title>T</title><style>p{color:red}</style>"
		"<script>var x='<p>no</p>';</script></head><body>"
		"<p>Hello&nbsp;&amp; welcome</p><!-- a hidden comment -->"
		"<div style=\"display: none\">secret</div><span hidden>also hidden</span>"
		"<font style=\"visibility:hidden\">invisible</font>"
		"Caf&eacute; &#8364;5<br>Line <a href=\"http://Example.COM/x?aff=42\">link</a>"
		"<img src=\"http://img.example.net/p.gif\"><table><tr><td>a</td></tr><tr><td>b</td></tr></table>"
		"</body></html>";
	GPtrArray *links = g_ptr_array_new_with_free_func (g_free);
	char *t = wb_html_to_text (html, strlen (html), links);
	/* p, br, tr are blocks; &nbsp; is U+00A0, &eacute; U+00E9, &#8364; U+20AC */
	cr_expect_str_eq (t, "Hello\xc2\xa0& welcome\nCaf\xc3\xa9 \xe2\x82\xac" "5\nLine link\na\nb");
	cr_assert_eq (links->len, 2);
	cr_expect_str_eq (g_ptr_array_index (links, 0), "href http://Example.COM/x?aff=42");
	cr_expect_str_eq (g_ptr_array_index (links, 1), "src http://img.example.net/p.gif");
	g_free (t);
	g_ptr_array_unref (links);
	/* Broken markup is recovered, not rejected. */
	t = wb_html_to_text ("<p>one<p>two &lt;b&gt; <b>bold", 30, NULL);
	cr_expect_str_eq (t, "one\ntwo <b> bold");
	g_free (t);
}

#define HDR "From: Sender <sender@example.com>\nTo: trap@example.org\nDate: Tue, 24 Nov 2026 10:00:00 +0000\n"

Test (subject, rfc2047)
{
	static const struct { const char *subject; const char *adv, *adult, *sx; } cases[] = {
		/* =3A is ':', _ is a space, =E9 is e-acute in Latin-1 */
		{ "=?ISO-8859-1?Q?ADV=3A_Caf=E9?=", "1", "0", "0" },
		/* base64 of "ADV:ADULT new" */
		{ "=?utf-8?B?QURWOkFEVUxUIG5ldw==?=", "1", "1", "0" },
		/* white space between adjacent encoded words is dropped (RFC 2047 6.2) */
		{ "=?utf-8?q?ADV:?= =?utf-8?q?_deal?=", "1", "0", "0" },
		/* not terminated: not an encoded word, shown as written */
		{ "=?iso-8859-1?q?ADV:_deal", "0", "0", "0" },
		/* the label is case-sensitive */
		{ "adv: lower case", "0", "0", "0" },
		{ "Re: ADV: not first", "0", "0", "0" },
		{ "SEXUALLY-EXPLICIT: x", "0", "0", "1" },
		/* raw 8-bit Latin-1 after the label */
		{ "ADV: caf\xe9", "1", "0", "0" },
		/* an encoded word naming an unknown charset: the label is ASCII */
		{ "=?x-unknown?q?ADV:_hi?=", "1", "0", "0" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *raw = g_strdup_printf (HDR "Subject: %s\n\nbody\n", cases[i].subject);
		wb_analysis_t *a = run (raw, NULL);
		cr_expect_str_eq (wb_analysis_fact (a, "subject_adv", NULL), cases[i].adv, "%s", cases[i].subject);
		cr_expect_str_eq (wb_analysis_fact (a, "subject_adv_adult", NULL), cases[i].adult, "%s", cases[i].subject);
		cr_expect_str_eq (wb_analysis_fact (a, "subject_sexually_explicit", NULL), cases[i].sx, "%s", cases[i].subject);
		wb_analysis_free (a);
		g_free (raw);
	}
	/* The evidence is the decoded subject. */
	wb_analysis_t *a = run (HDR "Subject: =?ISO-8859-1?Q?ADV=3A_Caf=E9?=\n\nbody\n", NULL);
	const char *ev = NULL;
	wb_analysis_fact (a, "subject_adv", &ev);
	cr_expect_str_eq (ev, "ADV: Caf\xc3\xa9");
	wb_analysis_free (a);
	/* Undeclared 8-bit: Latin-1 E9 is U+00E9 (UTF-8 C3 A9). */
	a = run (HDR "Subject: ADV: caf\xe9\n\nbody\n", NULL);
	wb_analysis_fact (a, "subject_adv", &ev);
	cr_expect_str_eq (ev, "ADV: caf\xc3\xa9");
	wb_analysis_free (a);
}

Test (links, affiliate_redirects)
{
	static const char raw[] = HDR "Subject: offer\nContent-Type: text/html\n\n"
		"<a href=\"http://r.clicks.example.com/redir?url=http%3A%2F%2Fwww.offers.example.net%2Flanding%3Faffid%3D777%26subid%3Dabc&amp;cid=55\">go</a>\n"
		"<a href=\"http://go.tracker.org/click/http://shop.example.org/?aff_id=X9&amp;color=red\">shop</a>\n";
	wb_analysis_t *a = run (raw, NULL);
	/* r.clicks.example.com -> example.com, its own cid */
	cr_expect (wb_analysis_has_artifact (a, "affiliate_id", "example.com cid=55"));
	/* the url parameter, decoded: www.offers.example.net/landing?affid=777&subid=abc */
	cr_expect (wb_analysis_has_artifact (a, "url", "http://www.offers.example.net/landing?affid=777&subid=abc"));
	cr_expect (wb_analysis_has_artifact (a, "affiliate_id", "example.net affid=777"));
	cr_expect (wb_analysis_has_artifact (a, "affiliate_id", "example.net subid=abc"));
	/* a target in the path */
	cr_expect (wb_analysis_has_artifact (a, "url", "http://shop.example.org/?aff_id=X9&color=red"));
	cr_expect (wb_analysis_has_artifact (a, "affiliate_id", "example.org aff_id=X9"));
	cr_expect (!wb_analysis_has_artifact (a, "affiliate_id", "example.org color=red"));
	cr_expect (wb_analysis_has_artifact (a, "domain", "tracker.org"));
	/* 'url' is not a tracking parameter */
	cr_expect (!wb_analysis_has_artifact (a, "affiliate_id", "example.com url=http%3A%2F%2Fwww.offers.example.net%2Flanding%3Faffid%3D777%26subid%3Dabc"));
	wb_analysis_free (a);
}

Test (body, contacts_and_facts)
{
	static const char raw[] =
		"Received: from mx.example.org (mx.example.org [203.0.113.9]) by mx.example.org with ESMTP; Tue, 24 Nov 2026 10:00:05 +0000\n"
		"Received: from bulk.sender.example ([198.51.100.20]) by mx.example.org with ESMTP; Tue, 24 Nov 2026 10:00:01 +0000\n"
		HDR "Subject: Lowest mortgage rates\nReply-To: Offers <Offers@Sender.Example.com>\n"
		"List-Unsubscribe: <mailto:remove@sender.example.com>, <http://sender.example.com/u?id=1>\n"
		"Message-ID: <abc@mail.sender.example.com>\n"
		"DKIM-Signature: v=1; a=rsa-sha256; d=sender.example.com; s=sel2026; h=from; b=xx\n"
		"X-Mailer: BulkMailer 3\n\n"
		"Refinance now! Low interest rate home loan, fixed rate mortgage.\n"
		"Call 1-800-FLOWERS or (212) 736-5000 today. International: +44 20 7946 0958.\n"
		"Write to trap@example.org? no: write to sales@sender.example.com\n"
		"Best Rates Lending, LLC\n"
		"123 Main Street, Suite 4\nSpringfield, IL 62701\n"
		"To stop receiving these mails call 888-555-0100 or reply with REMOVE.\n";
	wb_analysis_t *a = run (raw, "Trap@Example.org");
	cr_expect (wb_analysis_has_artifact (a, "phone", "+18003569377"));
	cr_expect (wb_analysis_has_artifact (a, "phone", "+12127365000"));
	cr_expect (wb_analysis_has_artifact (a, "phone", "+442079460958"));
	cr_expect (wb_analysis_has_artifact (a, "phone", "+18885550100"));
	cr_expect (wb_analysis_has_artifact (a, "postal", "123 MAIN ST STE 4, SPRINGFIELD, IL 62701"));
	cr_expect (wb_analysis_has_artifact (a, "email", "sales@sender.example.com"));
	cr_expect (wb_analysis_has_artifact (a, "email", "offers@sender.example.com"));
	cr_expect (wb_analysis_has_artifact (a, "email", "remove@sender.example.com"));
	cr_expect (!wb_analysis_has_artifact (a, "email", "trap@example.org"), "the trap is not contact data");
	cr_expect (wb_analysis_has_artifact (a, "domain", "example.com"));
	cr_expect (wb_analysis_has_artifact (a, "ip", "198.51.100.20"));
	/* the provider's own hop is not the sender's contact data */
	cr_expect (!wb_analysis_has_artifact (a, "ip", "203.0.113.9"));
	/* origin: the provider (mx.example.org) received it from 198.51.100.20 */
	gboolean origin = FALSE;
	for (guint i = 0; i < wb_analysis_n_artifacts (a); i++) {
		const char *k, *v, *l;
		wb_analysis_artifact (a, i, &k, NULL, &v, &l);
		origin |= !strcmp (k, "ip") && !strcmp (l, "origin") && !strcmp (v, "198.51.100.20");
	}
	cr_expect (origin);
	fact_is (a, "opt_out", "1");
	fact_is (a, "opt_out_kinds", "list-unsubscribe;reply;instruction");
	fact_is (a, "opt_out_toll_free", "1");
	fact_is (a, "sender_legal_name", "1");
	fact_is (a, "sender_street_address", "1");
	fact_is (a, "from_domain_valid", "1");
	fact_is (a, "category", "mortgage");
	fact_is (a, "sexual_content", "0");
	fact_is (a, "dkim_domain", "sender.example.com");
	fact_is (a, "dkim_selector", "sel2026");
	fact_is (a, "x_mailer", "BulkMailer 3");
	fact_is (a, "date_mismatch", "0");
	fact_is (a, "subject_adv", "0");
	const char *ev = NULL;
	wb_analysis_fact (a, "sender_legal_name", &ev);
	cr_expect_str_eq (ev, "Best Rates Lending, LLC");
	wb_analysis_free (a);
}

Test (facts, every_name)
{
	/* Every fact the statute rules read exists for any message, even
	 * one with nothing in it. */
	static const char *names[] = { "subject_adv", "subject_adv_adult",
		"subject_sexually_explicit", "opt_out", "opt_out_kinds", "opt_out_toll_free",
		"sender_legal_name", "sender_street_address", "from_domain_valid",
		"header_forged", "helo_mismatch", "date_mismatch", "category", "sexual_content" };
	const char *inputs[] = { "", "garbage\n", "Subject: x\n\n", HDR "\n" };
	for (gsize k = 0; k < G_N_ELEMENTS (inputs); k++) {
		wb_analysis_t *a = run (inputs[k], NULL);
		for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
			cr_expect_not_null (wb_analysis_fact (a, names[i], NULL), "%s on input %zu", names[i], k);
		wb_analysis_free (a);
	}
}

Test (simhash, near_duplicates)
{
	const char *a = "Dear friend, we have a special offer for you today only. Visit http://x.example.com/?id=123 "
		"and use code 4471 before Friday. Contact trap@example.org for details. Best regards, the team";
	const char *b = "Dear friend, we have a special offer for you today only. Visit http://y.example.net/?id=999 "
		"and use code 9902 before Friday. Contact other@example.net for details. Best regards, the team";
	const char *c = "Quarterly report attached: revenue grew in all regions, see the spreadsheet "
		"for the figures by product line and the notes on the forecast for next year";
	uint64_t fa, fb, fc;
	cr_assert (wb_simhash (a, "trap@example.org", &fa));
	cr_assert (wb_simhash (b, NULL, &fb));
	cr_assert (wb_simhash (c, NULL, &fc));
	/* URLs, numbers and addresses are masked: the same shingles. */
	cr_expect_eq (fa, fb);
	cr_expect_gt (wb_hamming (fa, fc), WB_SIMHASH_THRESHOLD);
	uint64_t fx;
	cr_expect (!wb_simhash ("  \n ", NULL, &fx));
	cr_expect_eq (wb_hamming (0, ~0ULL), 64);
}
