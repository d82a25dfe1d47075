/* A token of the fingerprint is the word "<url>" when it begins with
 * "http://", "https://", "www.", "ftp://" or "mailto:" in any ASCII case
 * (analyze-simhash.c's header), and words otherwise.  Every case spelling
 * of each scheme is tried, and each scheme cut short by one byte or more,
 * or with one byte changed: a text holding the token has the fingerprint
 * of the same text with another URL exactly when the token is a URL. */
#include <criterion/criterion.h>
#include <string.h>
#include "analyze.h"

static uint64_t
fp (const char *text)
{
	uint64_t f = 0;
	cr_assert (wb_simhash (text, NULL, &f), "no fingerprint for '%s'", text);
	return f;
}

/* Whether TOKEN is read as a URL. */
static gboolean
is_url (const char *token)
{
	static uint64_t want;
	if (!want)
		want = fp ("see the offer http://a.example/x today only");
	char *t = g_strdup_printf ("see the offer %sz.example today only", token);
	gboolean same = fp (t) == want;
	g_free (t);
	return same;
}

Test (simhash, scheme_spellings)
{
	static const char *schemes[] = { "http://", "https://", "www.", "ftp://", "mailto:" };
	guint urls = 0, words = 0;
	for (gsize i = 0; i < G_N_ELEMENTS (schemes); i++) {
		const char *s = schemes[i];
		size_t n = strlen (s);
		/* Every case spelling of the scheme's letters. */
		for (guint mask = 0; mask < (1u << n); mask++) {
			char t[16];
			gboolean each = TRUE;   /* a bit only for a letter */
			for (size_t k = 0; k < n; k++) {
				each &= !(mask & (1u << k)) || g_ascii_isalpha (s[k]);
				t[k] = mask & (1u << k) ? g_ascii_toupper (s[k]) : s[k];
			}
			t[n] = 0;
			if (!each)
				continue;
			cr_expect (is_url (t), "'%s'", t);
			urls++;
		}
		/* Cut short, or one byte changed to a near one. */
		for (size_t k = 1; k < n; k++) {
			char t[16];
			memcpy (t, s, k);
			t[k] = 0;
			cr_expect (!is_url (t), "'%s'", t);
			words++;
		}
		for (size_t k = 0; k < n; k++) {
			char t[16];
			memcpy (t, s, n + 1);
			t[k] = s[k] == '/' ? '\\' : s[k] == ':' ? ';' : s[k] == '.' ? ',' : s[k] + 1;
			cr_expect (!is_url (t), "'%s'", t);
			words++;
		}
	}
	/* 2^letters spellings: 16 + 32 + 8 + 8 + 64; cut short: 6 + 7 + 3 +
	 * 5 + 6, changed: 7 + 8 + 4 + 6 + 7. */
	cr_expect_eq (urls, 128);
	cr_expect_eq (words, 59);
}
