/* The opt-out notice and the category lexicon, at their edges: case, word
 * boundaries, the end of the text, 8-bit bytes next to a word, phrases
 * that are a prefix of a longer word.  The scans that find them are
 * tuned by hand (a prefilter before the opt-out regex, a filter in front
 * of the word table, phrases compared by length); these cases pin what
 * the plain definitions give.  The opt-out lines are checked against the
 * definition itself, the regex of regexes_init() matched line by line
 * here, and against an answer worked by hand from that regex. */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

static wb_analysis_t *
run (const char *raw)
{
	return analyze_raw (raw, NULL);
}

#define HDR "From: Sender <sender@example.com>\nTo: trap@example.org\nDate: Tue, 24 Nov 2026 10:00:00 +0000\n"

/* The opt-out pattern as analyze.c defines it (caseless, bytes). */
#define OPTOUT "unsubscrib|\\bremov(?:e|al)\\b|\\bopt[ \\-]?out\\b|stop receiving|" \
	"no longer (?:wish|want|like) to receive|taken off|\\boff (?:of )?(?:our|this|the) (?:mailing )?list"

Test (optout, each_alternative_and_its_near_misses)
{
	static const struct {
		const char *line;
		gboolean hit;   /* worked by hand from OPTOUT */
	} cases[] = {
		{ "Click to unsubscribe", TRUE },
		{ "UNSUBSCRIBE NOW", TRUE },           /* caseless */
		{ "Reply with REMOVE", TRUE },
		{ "removal requests honoured", TRUE },
		{ "we removed it", FALSE },             /* "remove" then a letter: no \b */
		{ "removing", FALSE },
		{ "xremove", FALSE },                   /* a letter before: no \b */
		{ "caf\xc3\xa9remove", TRUE },          /* a byte >= 0x80 is no word character */
		{ "opt out here", TRUE },
		{ "opt-out", TRUE },
		{ "OptOut", TRUE },
		{ "opt  out", FALSE },                  /* at most one separator */
		{ "an option", FALSE },
		{ "opt in", FALSE },
		{ "to stop receiving mail", TRUE },
		{ "if you no longer want to receive this", TRUE },
		{ "no longer wish to receive", TRUE },
		{ "no longer like to receive", TRUE },
		{ "no longer need to receive", FALSE },
		{ "be taken off", TRUE },
		{ "off our list", TRUE },
		{ "off of the mailing list", TRUE },
		{ "off this list", TRUE },
		{ "off my list", FALSE },
		{ "nothing here", FALSE },
	};
	GRegex *re = g_regex_new (OPTOUT, G_REGEX_RAW | G_REGEX_CASELESS, 0, NULL);
	cr_assert_not_null (re);
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		/* The definition agrees with the hand-worked answer. */
		cr_expect_eq (g_regex_match (re, cases[i].line, 0, NULL), cases[i].hit,
			      "regex on '%s'", cases[i].line);
		/* In the middle of a text and at its very end (no newline). */
		for (int end = 0; end < 2; end++) {
			char *raw = end ? g_strdup_printf (HDR "Subject: s\n\nHello.\n%s", cases[i].line)
				: g_strdup_printf (HDR "Subject: s\n\nHello.\n%s\nBye.\n", cases[i].line);
			wb_analysis_t *a = run (raw);
			const char *ev = NULL;
			const char *v = wb_analysis_fact (a, "opt_out", &ev);
			const char *kinds = wb_analysis_fact (a, "opt_out_kinds", NULL);
			cr_expect_str_eq (v, cases[i].hit ? "1" : "0", "opt_out on '%s' (end %d)",
					  cases[i].line, end);
			cr_expect_eq (strstr (kinds, "instruction") != NULL, cases[i].hit,
				      "kinds '%s' on '%s'", kinds, cases[i].line);
			if (cases[i].hit)
				cr_expect_str_eq (ev, cases[i].line, "notice of '%s'", cases[i].line);
			wb_analysis_free (a);
			g_free (raw);
		}
	}
	g_regex_unref (re);
}

/* The text (after the subject and a newline) in lower case with white
 * space collapsed; words are runs of [a-z0-9$'-], phrases whole strings
 * with no letter or digit either side; words first, then phrases, each
 * once, in the order met (templates/analysis/categories.ini lists them). */
Test (category, words_and_phrases)
{
	static const struct {
		const char *raw, *category, *evidence, *sexual;
	} cases[] = {
		/* "cheap meds viagra, cialis & pills! lose weight now: no
		 * prescriptions needed. vxxxxa generic viagra": pharmacy words
		 * meds viagra cialis pills weight prescriptions (viagra once;
		 * "vxxxxa" has viagra's length and ends but is no word of the
		 * list); phrases "lose weight" (three spaces collapsed) and
		 * "generic viagra" (at the very end); "no prescription" is
		 * followed by an "s", so it is not whole. */
		{ HDR "Subject: Cheap meds\n\nVIAGRA, Cialis & pills!\nLose   weight now: "
		  "no prescriptions needed. vxxxxa Generic viagra",
		  "pharmacy", "meds;viagra;cialis;pills;weight;prescriptions;lose weight;generic viagra", "0" },
		/* "hi hot girls sex\xc3\xa9 and xxx-rated teen's nude.": "sex"
		 * ends at the 8-bit byte; "xxx-rated" and "teen's" are words of
		 * their own (hyphen and apostrophe join), in no list; the
		 * phrase "hot girls" spans a newline. */
		{ HDR "Subject: hi\n\nHot\nGIRLS sex\xc3\xa9 and xxx-rated teen's NUDE.\n",
		  "adult", "sex;nude;hot girls", "1" },
		/* No subject: the text starts the lexicon's input; the phrase
		 * at its first byte counts.  jobs: word earn; phrases make money,
		 * earn money. */
		{ HDR "\nmake money fast, earn money\n", "jobs", "earn;make money;earn money", "0" },
		/* One word is under min (2): other, no evidence. */
		{ HDR "Subject: x\n\nviagra\n", "other", NULL, "0" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		wb_analysis_t *a = run (cases[i].raw);
		const char *ev = NULL;
		const char *v = wb_analysis_fact (a, "category", &ev);
		cr_expect_str_eq (v, cases[i].category, "case %zu", i);
		if (cases[i].evidence)
			cr_expect_str_eq (ev ? ev : "(none)", cases[i].evidence, "case %zu", i);
		else
			cr_expect_null (ev, "case %zu", i);
		cr_expect_str_eq (wb_analysis_fact (a, "sexual_content", NULL), cases[i].sexual,
				  "case %zu", i);
		wb_analysis_free (a);
	}
}

/* A link or address that is itself the opt-out: its value holds "unsub",
 * "remove", "optout", "opt-out" or "opt_out" in any case (a URL: link; an
 * address: reply), though no line of the text says so. */
Test (optout, mechanism_in_links)
{
	static const struct {
		const char *html, *kinds, *opt_out;
	} cases[] = {
		{ "<a href=\"http://x.example/OPT_OUT?id=1\">here</a>", "link", "1" },
		{ "<a href=\"http://x.example/Un-Sub\">here</a><a href=\"mailto:ReMove@x.example\">m</a>", "reply", "1" },
		{ "<a href=\"http://x.example/UnSub\">here</a><a href=\"mailto:Remove@x.example\">m</a>", "link;reply", "1" },
		{ "<a href=\"http://x.example/opt.out\">here</a><a href=\"mailto:rem@x.example\">m</a>", "", "0" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *raw = g_strdup_printf (HDR "Subject: s\nContent-Type: text/html\n\n<p>%s</p>\n", cases[i].html);
		wb_analysis_t *a = run (raw);
		cr_expect_str_eq (wb_analysis_fact (a, "opt_out_kinds", NULL), cases[i].kinds, "case %zu", i);
		cr_expect_str_eq (wb_analysis_fact (a, "opt_out", NULL), cases[i].opt_out, "case %zu", i);
		wb_analysis_free (a);
		g_free (raw);
	}
}
