/* URL helpers for extraction. */
#include <string.h>
#include "analyze.h"

/* Split URL into scheme (*SCHEME, *SCHEME_LEN bytes; NULL for "www."),
 * authority and rest. */
static gboolean
url_split (const char *url, const char **scheme, size_t *scheme_len, const char **auth,
	   size_t *auth_len, const char **rest)
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
		*scheme = p;
		*scheme_len = colon - p;
		p = colon + 3;
	} else if (g_ascii_strncasecmp (p, "www.", 4) == 0) {
		*scheme = NULL;
		*scheme_len = 0;
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
	const char *scheme, *auth, *rest;
	size_t slen, alen;
	if (!url || !url_split (url, &scheme, &slen, &auth, &alen, &rest) || alen == 0)
		return NULL;
	/* The scheme (lower case; "http" when there is none), "://", any user
	 * info as it is, the host in lower case, the rest as it is: one
	 * allocation of the known length. */
	if (!scheme) {
		scheme = "http";
		slen = 4;
	}
	const char *at = NULL;
	for (const char *q = auth; q < auth + alen; q++)
		if (*q == '@')
			at = q;
	size_t rlen = strlen (rest);
	char *out = g_malloc (slen + 3 + alen + rlen + 1), *o = out;
	for (size_t i = 0; i < slen; i++)
		*o++ = g_ascii_tolower (scheme[i]);
	memcpy (o, "://", 3);
	o += 3;
	const char *h = auth;
	if (at) {
		memcpy (o, auth, at + 1 - auth);
		o += at + 1 - auth;
		h = at + 1;
	}
	for (; h < auth + alen; h++)
		*o++ = g_ascii_tolower (*h);
	memcpy (o, rest, rlen + 1);
	return out;
}

char *
wb_url_host (const char *url)
{
	const char *scheme, *auth, *rest;
	size_t slen, alen;
	if (!url || !url_split (url, &scheme, &slen, &auth, &alen, &rest) || alen == 0)
		return NULL;
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
