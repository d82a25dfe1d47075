/* An artifact is kept once per kind, value and location: the same address
 * in From, Reply-To, Return-Path and the text is four artifacts, the same
 * link twice in the text one, the same domain found by a link and by an
 * address in one place one.  The list below was worked out by hand from
 * that rule, in the order the analysis finds things (headers, then the
 * text's links, addresses and phones). */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

/* RAW's artifacts are WANT, N of them, each "kind value location". */
static void
expect_artifacts (const char *raw, const char *const *want, guint n)
{
	wb_analysis_t *a = analyze_raw (raw, NULL);
	cr_assert_eq (wb_analysis_n_artifacts (a), n, "%u artifacts", wb_analysis_n_artifacts (a));
	for (guint i = 0; i < n; i++) {
		const char *k, *v, *l;
		wb_analysis_artifact (a, i, &k, NULL, &v, &l);
		char *got = g_strdup_printf ("%s %s %s", k, v, l);
		cr_expect_str_eq (got, want[i], "artifact %u", i);
		g_free (got);
	}
	wb_analysis_free (a);
}

Test (artifacts, once_per_kind_value_and_location)
{
	static const char raw[] =
		"From: A <a@x.example>\nReply-To: a@x.example\nReturn-Path: <a@x.example>\n"
		"To: t@example.org\n"
		"List-Unsubscribe: <http://u.example/a>, <http://u.example/b>, <mailto:a@x.example>\n"
		"Message-ID: <1@x.example>\nSubject: s\n\n"
		"http://x.example/p x.example a@x.example http://93.184.216.34/\n"
		"212-555-1234 212.555.1234 http://x.example/p A@X.example\n";
	static const char *want[] = {
		"email a@x.example header:From", "domain x.example header:From",
		"email a@x.example header:Reply-To", "domain x.example header:Reply-To",
		"email a@x.example header:Return-Path", "domain x.example header:Return-Path",
		"domain x.example header:Message-ID",
		"url http://u.example/a header:List-Unsubscribe",
		"domain u.example header:List-Unsubscribe",
		"url http://u.example/b header:List-Unsubscribe",
		"email a@x.example header:List-Unsubscribe",
		"domain x.example header:List-Unsubscribe",
		"url http://x.example/p body:text", "domain x.example body:text",
		"url http://93.184.216.34/ body:text", "ip 93.184.216.34 body:text",
		"email a@x.example body:text",
		"phone +12125551234 body:text",
	};
	expect_artifacts (raw, want, G_N_ELEMENTS (want));
}

/* A link repeated in the text, as an href and as an image's src, with a
 * redirect inside it and an affiliate id ("aff", a parameter of the
 * affiliate table): each place (body:href, body:src, body:text) holds the
 * link, its domain, the URL inside it and that URL's domain (in
 * PLACE>redirect), then the affiliate id, once.  The links of the HTML
 * come first, in document order, then the text's. */
Test (artifacts, repeated_links_with_redirects)
{
	static const char raw[] =
		"From: A <a@x.example>\nTo: t@example.org\nSubject: s\nContent-Type: text/html\n\n"
		"<p>see http://r.example/go?u=http%3A%2F%2Ft.example%2F&aff=7 and "
		"http://r.example/go?u=http%3A%2F%2Ft.example%2F&aff=7</p>"
		"<a href=\"http://r.example/go?u=http%3A%2F%2Ft.example%2F&aff=7\">x</a>"
		"<img src=\"http://r.example/go?u=http%3A%2F%2Ft.example%2F&aff=7\">"
		"<a href=\"http://t.example/\">y</a>\n";
#define R "http://r.example/go?u=http%3A%2F%2Ft.example%2F&aff=7"
	static const char *want[] = {
		"email a@x.example header:From", "domain x.example header:From",
		"url " R " body:href", "domain r.example body:href",
		"url http://t.example/ body:href>redirect", "domain t.example body:href>redirect",
		"affiliate_id r.example aff=7 body:href",
		"url " R " body:src", "domain r.example body:src",
		"url http://t.example/ body:src>redirect", "domain t.example body:src>redirect",
		"affiliate_id r.example aff=7 body:src",
		"url http://t.example/ body:href", "domain t.example body:href",
		"url " R " body:text", "domain r.example body:text",
		"url http://t.example/ body:text>redirect", "domain t.example body:text>redirect",
		"affiliate_id r.example aff=7 body:text",
	};
#undef R
	expect_artifacts (raw, want, G_N_ELEMENTS (want));
}
