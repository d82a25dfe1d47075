/* Contact data in a body whose text only just holds what each pattern
 * needs: a vanity number whose longest digit run is three, a NANP number
 * of runs of three and four, a ZIP code as the only five-digit run, URL
 * starts in any case. */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

static wb_analysis_t *
run (const char *body)
{
	char *raw = g_strdup_printf ("From: a@example.com\nTo: t@example.org\nSubject: x\n\n%s", body);
	wb_analysis_t *a = analyze_raw (raw, NULL);
	g_free (raw);
	return a;
}

Test (extract, at_the_edges)
{
	static const struct {
		const char *body, *kind, *value;
	} cases[] = {
		/* The longest digit run is "800", three: a vanity number all
		 * the same.  F L O W E R S on a keypad: 3 5 6 9 3 7 7. */
		{ "Call 1-800-FLOWERS now\n", "phone", "+18003569377" },
		/* Runs of 3, 3 and 4 digits: the NANP pattern's minimum. */
		{ "Call (212) 736-5000\n", "phone", "+12127365000" },
		/* A '+' and nothing longer than four digits. */
		{ "Ring +44 20 7946 0958\n", "phone", "+442079460958" },
		/* A ZIP code is the only five-digit run. */
		{ "Write: 12 Oak Street, Springfield, IL 62701\n", "postal", "12 OAK ST, SPRINGFIELD, IL 62701" },
		/* URL starts in upper and mixed case, at the very start. */
		{ "WWW.Example.COM/offer today\n", "domain", "example.com" },
		{ "see FTP://Files.Example.org/x\n", "domain", "example.org" },
		{ "HtTpS://a.example.net\n", "domain", "example.net" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		wb_analysis_t *a = run (cases[i].body);
		cr_expect (wb_analysis_has_artifact (a, cases[i].kind, cases[i].value), "%s %s in '%s'",
			   cases[i].kind, cases[i].value, cases[i].body);
		wb_analysis_free (a);
	}
}
