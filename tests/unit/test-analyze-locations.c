/* Where each artifact was found, read after the analysis is done: the
 * locations made on the way (a hop's number, a redirect inside a link)
 * are kept by the analysis, not borrowed from the code that found them. */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

Test (artifacts, locations_outlive_their_making)
{
	/* Two hops: the provider's (hop 0) received it from 93.184.216.34
	 * (hop 1, the origin, a public address).  The link carries a second
	 * URL in its query, found "inside" it. */
	static const char raw[] =
		"Received: from relay.sender.example ([93.184.216.34]) by mx.example.org with ESMTP; Tue, 24 Nov 2026 10:00:05 +0000\n"
		"Received: from pc.sender.example ([93.184.216.34]) by relay.sender.example with SMTP; Tue, 24 Nov 2026 10:00:01 +0000\n"
		"From: Sender <sender@example.com>\nTo: trap@example.org\nSubject: offer\n"
		"Date: Tue, 24 Nov 2026 10:00:00 +0000\nContent-Type: text/html\n\n"
		"<a href=\"http://r.example.com/go?u=http%3A%2F%2Fshop.example.net%2F\">go</a>\n"
		"<a href=\"http://r.example.com/go?u=http%3A%2F%2Ft.example.org%2Fc%2Fhttp%3A%2F%2Fshop2.example.info%2F\">two</a>\n";
	wb_analysis_t *a = analyze_raw (raw, NULL);
	cr_expect (has_at (a, "ip", "93.184.216.34", "origin"));
	cr_expect (has_at (a, "url", "http://r.example.com/go?u=http%3A%2F%2Fshop.example.net%2F", "body:href"));
	cr_expect (has_at (a, "url", "http://shop.example.net/", "body:href>redirect"));
	cr_expect (has_at (a, "domain", "example.net", "body:href>redirect"));
	/* The second link's query holds t.example.org/c/http://shop2...,
	 * whose path holds a URL in turn: two levels down. */
	cr_expect (has_at (a, "domain", "example.org", "body:href>redirect"));
	cr_expect (has_at (a, "domain", "example.info", "body:href>redirect>redirect"));
	cr_expect (has_at (a, "email", "sender@example.com", "header:From"));
	gboolean hop = FALSE;
	for (guint i = 0; i < wb_analysis_n_artifacts (a); i++) {
		const char *k, *l;
		wb_analysis_artifact (a, i, &k, NULL, NULL, &l);
		hop |= !strcmp (k, "ip") && g_str_has_prefix (l, "hop:");
	}
	cr_expect (hop, "an ip found at a hop, located there");
	wb_analysis_free (a);
}

/* An artifact found twice at one location is one row; at two locations,
 * two.  The body's text repeats a link that is also an href; the From
 * address is in the text too. */
Test (artifacts, each_once_per_location)
{
	static const char raw[] =
		"From: Sender <sender@example.com>\nTo: trap@example.org\nSubject: offer\n"
		"Content-Type: text/html\n\n"
		"<p>http://shop.example.net/a and http://shop.example.net/a again, "
		"sender@example.com</p><a href=\"http://shop.example.net/a\">x</a>\n";
	wb_analysis_t *a = analyze_raw (raw, NULL);
	int url_text = 0, url_href = 0, email_text = 0, email_from = 0;
	for (guint i = 0; i < wb_analysis_n_artifacts (a); i++) {
		const char *k, *v, *l;
		wb_analysis_artifact (a, i, &k, NULL, &v, &l);
		if (!strcmp (k, "url") && !strcmp (v, "http://shop.example.net/a")) {
			url_text += !strcmp (l, "body:text");
			url_href += !strcmp (l, "body:href");
		}
		if (!strcmp (k, "email") && !strcmp (v, "sender@example.com")) {
			email_text += !strcmp (l, "body:text");
			email_from += !strcmp (l, "header:From");
		}
	}
	cr_expect_eq (url_text, 1);
	cr_expect_eq (url_href, 1);
	cr_expect_eq (email_text, 1);
	cr_expect_eq (email_from, 1);
	wb_analysis_free (a);
}
