/* The fingerprint's tokens (analyze-simhash.c's header): a token that
 * begins with a URL scheme, in any case, is the one word "<url>"; a word
 * is hashed in lower case.  So texts that differ only there have one
 * fingerprint, and a token that only resembles a scheme is words. */
#include <criterion/criterion.h>
#include "analyze.h"

static uint64_t
fp (const char *text)
{
	uint64_t f = 0;
	cr_assert (wb_simhash (text, NULL, &f), "no fingerprint for '%s'", text);
	return f;
}

Test (simhash, url_tokens_in_any_case)
{
	uint64_t want = fp ("see the offer http://a.example/x today only");
	static const char *same[] = {
		"see the offer HTTP://b.example/y today only",
		"see the offer Https://c.example today only",
		"see the offer WWW.d.example today only",
		"see the offer ftp://e.example/f today only",
		"see the offer FTP://e.example/f today only",
		"see the offer mailto:x@example.com today only",
		"see the offer MAILTO:x today only",
		"See The OFFER http://a.example/x Today ONLY",   /* words in lower case */
	};
	for (gsize i = 0; i < G_N_ELEMENTS (same); i++)
		cr_expect_eq (fp (same[i]), want, "'%s'", same[i]);
	/* Not schemes: "hxxp" and "wwwx" are words, "ftp:" has no "//". */
	static const char *differ[] = {
		"see the offer hxxp://a.example/x today only",
		"see the offer wwwx.example today only",
		"see the offer ftp:e.example today only",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (differ); i++)
		cr_expect_neq (fp (differ[i]), want, "'%s'", differ[i]);
}

/* An address token (an '@' with a byte before and after it in the token)
 * is the one word "<email>", wherever its first '@' stands and however
 * many follow; an '@' at a token's start or end leaves the token's words
 * (the '@' itself is no letter). */
Test (simhash, email_tokens)
{
	uint64_t want = fp ("write to joe@example.com for the offer");
	static const char *same[] = {
		"write to x@y for the offer",
		"write to a@b@c for the offer",
		"write to a@@ for the offer",
		"write to JOE@EXAMPLE.COM for the offer",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (same); i++)
		cr_expect_eq (fp (same[i]), want, "'%s'", same[i]);
	cr_expect_eq (fp ("write to @joe for the offer"), fp ("write to joe for the offer"));
	cr_expect_eq (fp ("write to joe@ for the offer"), fp ("write to joe for the offer"));
	cr_expect_eq (fp ("write to @ for the offer"), fp ("write to for the offer"));
}
