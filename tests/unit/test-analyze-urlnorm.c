/* wb_url_normalize() writes its result in one allocation of the known
 * length; the reference is the code it replaces (GString appends, the
 * scheme lowered by g_ascii_strdown), copied here as it was.  Both must
 * give the same string, or both none, on URLs built of pieces at the
 * edges: schemes in any case or none, user info, ports, '@' in the path,
 * a backslash, white space before, bytes above 0x7f. */
#include <criterion/criterion.h>
#include <string.h>
#include "analyze.h"

static gboolean
ref_split (const char *url, char **scheme, const char **auth, size_t *auth_len, const char **rest)
{
	const char *p = url;
	while (*p && g_ascii_isspace (*p))
		p++;
	const char *colon = strstr (p, "://");
	if (colon) {
		for (const char *q = p; q < colon; q++)
			if (!g_ascii_isalnum (*q) && *q != '+' && *q != '-' && *q != '.')
				return FALSE;
		if (colon == p)
			return FALSE;
		*scheme = g_ascii_strdown (p, colon - p);
		p = colon + 3;
	} else if (g_ascii_strncasecmp (p, "www.", 4) == 0) {
		*scheme = NULL;
	} else {
		return FALSE;
	}
	const char *e = p;
	while (*e && *e != '/' && *e != '?' && *e != '#' && *e != '\\')
		e++;
	*auth = p;
	*auth_len = e - p;
	*rest = e;
	return TRUE;
}

static char *
ref_normalize (const char *url)
{
	char *scheme = NULL;
	const char *auth, *rest;
	size_t alen;
	if (!url || !ref_split (url, &scheme, &auth, &alen, &rest) || alen == 0) {
		g_free (scheme);
		return NULL;
	}
	const char *at = NULL;
	for (const char *q = auth; q < auth + alen; q++)
		if (*q == '@')
			at = q;
	GString *out = g_string_new (scheme ? scheme : "http");
	g_string_append (out, "://");
	if (at)
		g_string_append_len (out, auth, at + 1 - auth);
	const char *h = at ? at + 1 : auth;
	for (; h < auth + alen; h++)
		g_string_append_c (out, g_ascii_tolower (*h));
	g_string_append (out, rest);
	g_free (scheme);
	return g_string_free (out, FALSE);
}

static guint
compare (const char *url)
{
	char *got = wb_url_normalize (url), *want = ref_normalize (url);
	if (!want)
		cr_assert_null (got, "\"%s\": \"%s\", want none", url, got);
	else
		cr_assert_str_eq (got, want, "\"%s\"", url);
	g_free (got);
	g_free (want);
	return want != NULL;
}

Test (urlnorm, hand_cases)
{
	static const struct {
		const char *url, *want;   /* worked by hand */
	} cases[] = {
		{ "HTTP://User:PW@Www.Example.COM:8080/A/B?Q=1#F", "http://User:PW@www.example.com:8080/A/B?Q=1#F" },
		{ "www.Example.com", "http://www.example.com" },
		{ "  Ftp://X.Example\\Path", "ftp://x.example\\Path" },
		{ "https://a.example/p@q/R", "https://a.example/p@q/R" },
		{ "://x.example", NULL },
		{ "ht tp://x.example", NULL },
		{ "http:///path", NULL },
		{ "mailto:a@b.example", NULL },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		compare (cases[i].url);
		char *got = wb_url_normalize (cases[i].url);
		if (cases[i].want)
			cr_expect_str_eq (got, cases[i].want, "\"%s\"", cases[i].url);
		else
			cr_expect_null (got, "\"%s\"", cases[i].url);
		g_free (got);
	}
}

Test (urlnorm, generated)
{
	static const char *pieces[] = {
		"http", "HTTPS", "Ftp", "svn+ssh", "x-y.z", "://", ":/", "www.", "WWW.", " ", "\t",
		"User", "@", ":", "8080", "Example", ".COM", ".", "/", "?", "#", "\\", "Q=1", "&",
		"%41", "a", "Z", "\xc3\xa9", "\xff", "[::1]", "-",
	};
	GRand *r = g_rand_new_with_seed (18);
	guint some = 0;
	for (int t = 0; t < 50000; t++) {
		GString *s = g_string_new (NULL);
		int n = g_rand_int_range (r, 1, 12);
		for (int i = 0; i < n; i++)
			g_string_append (s, pieces[g_rand_int_range (r, 0, G_N_ELEMENTS (pieces))]);
		some += compare (s->str);
		g_string_free (s, TRUE);
	}
	g_rand_free (r);
	cr_assert_gt (some, 2000, "%u URLs normalised", some);
}
