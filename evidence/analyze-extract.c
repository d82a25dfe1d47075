/* URL helpers for extraction. */
#include <string.h>
#include "analyze.h"

/* Split URL into scheme (may be empty for "www."), authority and rest. */
static gboolean
url_split (const char *url, char **scheme, const char **auth, size_t *auth_len, const char **rest)
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

char *
wb_url_normalize (const char *url)
{
	char *scheme = NULL;
	const char *auth, *rest;
	size_t alen;
	if (!url || !url_split (url, &scheme, &auth, &alen, &rest) || alen == 0) {
		g_free (scheme);
		return NULL;
	}
	/* The host is after any user info; only it is folded. */
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

char *
wb_url_host (const char *url)
{
	char *scheme = NULL;
	const char *auth, *rest;
	size_t alen;
	if (!url || !url_split (url, &scheme, &auth, &alen, &rest) || alen == 0) {
		g_free (scheme);
		return NULL;
	}
	g_free (scheme);
	const char *h = auth, *end = auth + alen;
	for (const char *q = auth; q < end; q++)
		if (*q == '@')
			h = q + 1;
	const char *colon = NULL;
	if (h < end && *h == '[') {
		const char *rb = memchr (h, ']', end - h);
		return rb ? g_strndup (h + 1, rb - h - 1) : NULL;
	}
	for (const char *q = h; q < end; q++)
		if (*q == ':')
			colon = q;
	if (colon)
		end = colon;
	if (end == h)
		return NULL;
	char *host = g_ascii_strdown (h, end - h);
	size_t n = strlen (host);
	while (n && host[n - 1] == '.')
		host[--n] = 0;
	return host;
}
