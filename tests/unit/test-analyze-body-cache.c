/* The body cache (evidence/analyze-cache.c) keeps what analysis made of
 * an HTML part, of a text (its fingerprint) and of a text with its
 * subject (the opt-out lines, the legal name, the category), under the
 * SHA-256 of what each was made from.  An analysis that takes them from
 * the cache must give what an analysis without one gives, field for
 * field, whatever the cache held before: each message here is analysed
 * without a cache, then with one, twice (made, then taken), and the
 * three compared.  The categories are worked out by hand from
 * templates/analysis/categories.ini: [pharmacy] lists the words viagra,
 * cialis, pills, pharmacy and meds, [mortgage] the words refinance,
 * mortgage and rates and the phrase "low rates"; a category needs two of
 * them, and the one with the most wins. */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

static char *
analyse (const char *raw, const char *trap, wb_body_cache_t *cache)
{
	g_mime_init ();
	GMimeStream *st = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
	GMimeParser *ps = g_mime_parser_new_with_stream (st);
	GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
	wb_analyze_ctx_t ctx = { trap, NULL, cache };
	wb_analysis_t *a = wb_analyze (m, raw, strlen (raw), &ctx);
	char *d = analysis_describe (a);
	wb_analysis_free (a);
	if (m)
		g_object_unref (m);
	g_object_unref (ps);
	g_object_unref (st);
	return d;
}

static char *
message (const char *subject, const char *to, const char *type, const char *body)
{
	return g_strdup_printf ("Received: from mx.sender.example ([192.0.2.7]) by mx.provider.example"
				" with SMTP id a1; Tue, 24 Nov 2026 10:00:00 +0000\n"
				"From: Sender <offers@sender.example>\nTo: %s\nSubject: %s\n"
				"Date: Tue, 24 Nov 2026 09:59:00 +0000\nMIME-Version: 1.0\n"
				"Content-Type: %s\n\n%s", to, subject, type, body);
}

#define HTML_BODY                                                                          \
	"<html><body><p>Refinance your mortgage today at low rates.</p>"                   \
	"<p>Call 1-800-555-0199 or write to Acme Lending LLC, 12 Main St, Hartford, CT 06103.</p>" \
	"<p><a href=\"http://lend.example/apply?aff=77\">Apply</a> - to stop, "            \
	"<a href=\"http://lend.example/remove\">unsubscribe here</a> or reply "           \
	"<a href=\"mailto:remove@lend.example\">remove</a>.</p></body></html>\n"

#define PLAIN_BODY                                                                         \
	"Refinance your mortgage today at low rates.\n"                                    \
	"Visit http://lend.example/apply?aff=77 now.\n"                                    \
	"To opt out of future mailings call 1-888-555-0142.\n"

/* Each message without a cache, then twice with one: the same. */
static void
expect_same (const char *raw, const char *trap, wb_body_cache_t *cache, const char *what)
{
	char *plain = analyse (raw, trap, NULL);
	char *made = analyse (raw, trap, cache);
	char *taken = analyse (raw, trap, cache);
	cr_expect_str_eq (made, plain, "%s: made with the cache", what);
	cr_expect_str_eq (taken, plain, "%s: taken from the cache", what);
	g_free (plain);
	g_free (made);
	g_free (taken);
}

Test (body_cache, gives_what_analysis_gives)
{
	wb_body_cache_t *cache = wb_body_cache_new (16u << 20);
	char *html = message ("Lower your payment", "trap1@provider.example", "text/html; charset=us-ascii",
			      HTML_BODY);
	char *plain = message ("Lower your payment", "trap1@provider.example", "text/plain; charset=us-ascii",
			       PLAIN_BODY);
	expect_same (html, "trap1@provider.example", cache, "HTML");
	expect_same (plain, "trap1@provider.example", cache, "plain text");
	uint64_t gets = 0, hits = 0;
	wb_body_cache_stats (cache, &gets, &hits, NULL, NULL);
	/* HTML: its part, its fingerprint and its scan; plain: the last two.
	 * Each message's second analysis takes all of them. */
	cr_expect_eq (gets, 2 * 3 + 2 * 2, "look-ups %" G_GUINT64_FORMAT, gets);
	cr_expect_eq (hits, 3 + 2, "answered %" G_GUINT64_FORMAT, hits);

	/* Another trap's copy of the same campaign: its own To and trap, the
	 * body's results taken from the cache. */
	char *other = message ("Lower your payment", "trap2@provider.example", "text/html; charset=us-ascii",
			       HTML_BODY);
	char *alone = analyse (other, "trap2@provider.example", NULL);
	char *cached = analyse (other, "trap2@provider.example", cache);
	cr_expect_str_eq (cached, alone);
	wb_body_cache_stats (cache, &gets, &hits, NULL, NULL);
	cr_expect_eq (hits, 3 + 2 + 3, "the other trap's copy took the body's three results");
	g_free (alone);
	g_free (cached);
	g_free (other);
	g_free (html);
	g_free (plain);
	wb_body_cache_free (cache);
}

/* The scan depends on the subject too: the same body under two subjects,
 * the first one's results in the cache when the second comes. */
Test (body_cache, the_subject_is_part_of_the_key)
{
	wb_body_cache_t *cache = wb_body_cache_new (16u << 20);
	char *pills = message ("viagra cialis pills pharmacy meds", "trap1@provider.example", "text/plain", PLAIN_BODY);
	char *hello = message ("hello", "trap1@provider.example", "text/plain", PLAIN_BODY);
	char *first = analyse (pills, NULL, cache);
	char *second = analyse (hello, NULL, cache);
	/* pharmacy: viagra, cialis, pills, pharmacy, meds (5), in the
	 * subject; mortgage: refinance, mortgage, rates, low rates (4), in
	 * the body.  Under "hello", mortgage alone. */
	cr_expect (strstr (first, "category=pharmacy\n") != NULL, "%s", first);
	cr_expect (strstr (second, "category=mortgage\n") != NULL, "%s", second);
	char *alone = analyse (hello, NULL, NULL);
	cr_expect_str_eq (second, alone);
	g_free (alone);
	g_free (first);
	g_free (second);
	g_free (pills);
	g_free (hello);
	wb_body_cache_free (cache);
}

/* A cache too small for what it is given empties chunks of it at random
 * (and keeps no result larger than a chunk, a sixteenth of it): every
 * analysis still gives what one without a cache gives. */
Test (body_cache, a_full_cache_changes_no_result)
{
	wb_body_cache_t *cache = wb_body_cache_new (8u << 10);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 40; i++) {
			char *body = g_strdup_printf ("<html><body><p>Offer number %d: refinance your mortgage.</p>"
						      "<a href=\"http://o%d.example/x\">more</a></body></html>\n", i, i);
			char *subject = g_strdup_printf ("offer %d", i % 7);
			char *raw = message (subject, "trap@provider.example", "text/html", body);
			char *plain = analyse (raw, NULL, NULL);
			char *cached = analyse (raw, NULL, cache);
			cr_expect_str_eq (cached, plain, "round %d, message %d", round, i);
			g_free (plain);
			g_free (cached);
			g_free (raw);
			g_free (subject);
			g_free (body);
		}
	}
	uint64_t evicted = 0, hits = 0;
	size_t bytes = 0;
	wb_body_cache_stats (cache, NULL, &hits, &evicted, &bytes);
	cr_expect_gt (evicted, 0, "the cache dropped none");
	cr_expect_leq (bytes, 8u << 10);
	wb_body_cache_free (cache);
}
