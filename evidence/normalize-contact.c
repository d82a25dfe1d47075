/* Normalizers for contact data: phones, e-mail addresses, domains, US postal
 * addresses.  All are pure functions; the tables they read are loaded once
 * (wb_analysis_data) and never written again. */
#include <string.h>
#include <libpsl.h>
#include "normalize.h"
#include "analyze.h"

/* The letters of a telephone keypad (ITU E.161). */
static char
keypad (char c)
{
	static const char map[] = "22233344455566677778889999";
	c = g_ascii_toupper (c);
	return (c >= 'A' && c <= 'Z') ? map[c - 'A'] : 0;
}

char *
wb_norm_phone (const char *s)
{
	if (!s)
		return NULL;
	GString *d = g_string_new (NULL);
	char *res = NULL;
	gboolean plus = FALSE, letters = FALSE;
	int digits_before_letters = -1;
	const char *p = s;
	while (g_ascii_isspace (*p))
		p++;
	if (g_ascii_strncasecmp (p, "tel:", 4) == 0)
		p += 4;
	if (*p == '+') {
		plus = TRUE;
		p++;
	}
	for (; *p; p++) {
		char c = *p;
		if (g_ascii_isdigit (c)) {
			g_string_append_c (d, c);
		} else if (g_ascii_isalpha (c)) {
			/* An extension ends the number: "x123", "ext. 123". */
			if ((g_ascii_tolower (c) == 'x' || g_ascii_strncasecmp (p, "ext", 3) == 0)
			    && d->len >= 10) {
				const char *q = p + (g_ascii_tolower (c) == 'x' ? 1 : 3);
				while (*q == '.' || *q == ' ')
					q++;
				if (g_ascii_isdigit (*q))
					break;
			}
			if (!letters)
				digits_before_letters = d->len;
			letters = TRUE;
			g_string_append_c (d, keypad (c));
		} else if (strchr (" .-()/\t", c)) {
			continue;
		} else {
			goto done;
		}
	}
	if (plus && d->len > 0 && d->str[0] != '1') {
		/* International: E.164 allows 15 digits with the country code. */
		if (letters || d->len < 8 || d->len > 15)
			goto done;
		res = g_strconcat ("+", d->str, NULL);
		goto done;
	}
	if (d->len >= 11 && d->str[0] == '1')
		g_string_erase (d, 0, 1);
	else if (plus)
		goto done;
	/* Vanity numbers may have more letters than digits needed
	 * (1-800-FLOWERS-NOW): the extra letters are not dialled. */
	if (letters && d->len > 10 && digits_before_letters >= 0
	    && digits_before_letters <= 10)
		g_string_truncate (d, 10);
	if (d->len != 10)
		goto done;
	/* NANP: area code and exchange begin with 2-9. */
	if (d->str[0] < '2' || d->str[3] < '2')
		goto done;
	res = g_strconcat ("+1", d->str, NULL);
done:
	g_string_free (d, TRUE);
	return res;
}

/* g_utf8_strdown (S, -1), without its per-character Unicode lookups when S
 * is ASCII: then only A-Z change, to a-z, in every locale except for 'I'
 * (U+0131 in Turkish and Azeri) and 'J' (Lithuanian has rules for it), which
 * go to g_utf8_strdown as does every other byte above 0x7f. */
static char *
utf8_strdown (const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if ((guchar) s[n] >= 0x80 || s[n] == 'I' || s[n] == 'J')
			return g_utf8_strdown (s, -1);
	char *r = g_malloc (n + 1);
	for (size_t i = 0; i <= n; i++)
		r[i] = g_ascii_tolower (s[i]);
	return r;
}

char *
wb_norm_email (const char *s)
{
	if (!s)
		return NULL;
	char *t = g_strstrip (g_strdup (s));
	char *p = t;
	if (g_ascii_strncasecmp (p, "mailto:", 7) == 0)
		p += 7;
	if (*p == '<')
		p++;
	size_t n = strlen (p);
	while (n > 0 && (p[n - 1] == '>' || p[n - 1] == '.'))
		n--;
	/* mailto: URLs may carry ?subject=...: the address ends there. */
	char *addr = g_strndup (p, n);
	char *q = strchr (addr, '?');
	if (q && g_ascii_strncasecmp (s, "mailto:", 7) == 0)
		*q = 0;
	g_free (t);
	char *at = strrchr (addr, '@');
	gboolean ok = at && at != addr && strchr (at, '.') && at[1] != '.'
		&& addr[strlen (addr) - 1] != '.' && strchr (addr, '@') == at;
	for (char *c = addr; ok && *c; c++)
		if ((unsigned char) *c <= ' ' || strchr ("<>()[]\\,;:\"", *c))
			ok = FALSE;
	if (!ok) {
		g_free (addr);
		return NULL;
	}
	char *res = utf8_strdown (addr);
	g_free (addr);
	return res;
}

char *
wb_norm_domain (const char *host_or_url)
{
	if (!host_or_url)
		return NULL;
	char *host = NULL;
	if (strstr (host_or_url, "://") || g_ascii_strncasecmp (host_or_url, "www.", 4) == 0)
		host = wb_url_host (host_or_url);
	else {
		const char *at = strrchr (host_or_url, '@');
		host = g_strstrip (utf8_strdown (at ? at + 1 : host_or_url));
		size_t n = strlen (host);
		while (n > 0 && (host[n - 1] == '.' || host[n - 1] == '>'))
			host[--n] = 0;
	}
	if (!host || !*host || strchr (host, ' ') || strchr (host, '[')
	    || g_hostname_is_ip_address (host) || !strchr (host, '.')) {
		g_free (host);
		return NULL;
	}
	for (const char *c = host; *c; c++) {
		unsigned char u = *c;
		if (u < 0x80 && !g_ascii_isalnum (u) && u != '-' && u != '.' && u != '_') {
			g_free (host);
			return NULL;
		}
	}
	const char *reg = psl_registrable_domain (psl_builtin (), host);
	char *res = reg ? g_strdup (reg) : NULL;
	g_free (host);
	return res;
}

/* --- Postal addresses --- */

/* Tokens of an address in upper case: words, numbers, '#', and ',' for
 * each comma or line break. */
static GPtrArray *
postal_tokens (const char *s)
{
	GPtrArray *tok = g_ptr_array_new_with_free_func (g_free);
	GString *w = g_string_new (NULL);
	for (const char *p = s;; p++) {
		char c = *p;
		gboolean word = c && (g_ascii_isalnum (c) || c == '-' || c == '\'' || c == '/'
				      || (unsigned char) c >= 0x80);
		if (word) {
			g_string_append_c (w, g_ascii_toupper (c));
			continue;
		}
		if (c == '.' && w->len && p[1] && !g_ascii_isspace (p[1]) && p[1] != ','
		    && g_ascii_isalpha (p[1]) && w->len == 1)
			continue;   /* P.O. -> PO */
		if (w->len) {
			g_ptr_array_add (tok, g_strdup (w->str));
			g_string_truncate (w, 0);
		}
		if (!c)
			break;
		if (c == ',' || c == '\n' || c == ';')
			g_ptr_array_add (tok, g_strdup (","));
		else if (c == '#')
			g_ptr_array_add (tok, g_strdup ("#"));
	}
	g_string_free (w, TRUE);
	return tok;
}

#define TOK(i) ((const char *) g_ptr_array_index (tok, (i)))

char *
wb_norm_postal (const char *s)
{
	if (!s)
		return NULL;
	const wb_analysis_data_t *D = wb_analysis_data ();
	GPtrArray *tok = postal_tokens (s);
	char *res = NULL;
	GString *street = g_string_new (NULL), *city = g_string_new (NULL);
	int n = tok->len;
	while (n > 0 && strcmp (TOK (n - 1), ",") == 0)
		n--;
	/* ZIP: 5 digits, or ZIP+4 (one token "12345-6789"). */
	if (n < 4)
		goto done;
	const char *z = TOK (n - 1);
	if (!(strlen (z) == 5 || (strlen (z) == 10 && z[5] == '-')))
		goto done;
	for (int i = 0; z[i]; i++)
		if (i != 5 && !g_ascii_isdigit (z[i]))
			goto done;
	char zip[6];
	memcpy (zip, z, 5);
	zip[5] = 0;
	n--;
	if (n > 0 && strcmp (TOK (n - 1), ",") == 0)
		n--;
	/* State: a code, or a name of one to four words. */
	const char *state = NULL;
	for (int k = 4; k >= 1 && !state; k--) {
		if (n - k < 1)
			continue;
		GString *nm = g_string_new (NULL);
		for (int i = n - k; i < n; i++) {
			if (nm->len)
				g_string_append_c (nm, ' ');
			g_string_append (nm, TOK (i));
		}
		const char *code = g_hash_table_lookup (D->state_code, nm->str);
		g_string_free (nm, TRUE);
		if (code) {
			state = code;
			n -= k;
		}
	}
	if (!state)
		goto done;
	if (n > 0 && strcmp (TOK (n - 1), ",") == 0)
		n--;
	/* The street: a P.O. Box, or a number and words up to a suffix,
	 * then an optional unit; the city is what follows. */
	int i = 0;
	while (i < n && strcmp (TOK (i), ",") == 0)
		i++;
	int city_start = -1;
	if (i + 2 < n && (strcmp (TOK (i), "PO") == 0 || strcmp (TOK (i), "POB") == 0
			  || (strcmp (TOK (i), "POST") == 0 && strcmp (TOK (i + 1), "OFFICE") == 0))) {
		int j = i + (strcmp (TOK (i), "POST") == 0 ? 2 : 1);
		if (j < n && strcmp (TOK (j), "BOX") == 0)
			j++;
		if (j >= n || !g_ascii_isalnum (TOK (j)[0]))
			goto done;
		g_string_printf (street, "PO BOX %s", TOK (j));
		city_start = j + 1;
	} else {
		if (i >= n || !g_ascii_isdigit (TOK (i)[0]))
			goto done;
		/* The last suffix word before the first comma that is followed
		 * by the city (or before the city when there are no commas). */
		int last_suffix = -1, first_comma = -1;
		for (int j = i + 1; j < n; j++) {
			if (strcmp (TOK (j), ",") == 0) {
				if (first_comma < 0)
					first_comma = j;
				if (last_suffix >= 0)
					break;
				continue;
			}
			if (g_hash_table_lookup (D->suffix, TOK (j)))
				last_suffix = j;
		}
		if (last_suffix < 0)
			goto done;
		g_string_append (street, TOK (i));
		for (int j = i + 1; j <= last_suffix; j++) {
			if (strcmp (TOK (j), ",") == 0)
				continue;
			const char *w = TOK (j);
			const char *ab = NULL;
			if (j == last_suffix)
				ab = g_hash_table_lookup (D->suffix, w);
			else if (j == i + 1)
				ab = g_hash_table_lookup (D->dir, w);
			g_string_append_c (street, ' ');
			g_string_append (street, ab ? ab : w);
		}
		int j = last_suffix + 1;
		/* A post-directional: "Main St NW". */
		if (j < n && g_hash_table_lookup (D->dir, TOK (j)) && j + 1 < n
		    && strcmp (TOK (j + 1), ",") == 0) {
			g_string_append_printf (street, " %s",
				(const char *) g_hash_table_lookup (D->dir, TOK (j)));
			j++;
		}
		/* Units: "Suite 4", "Ste. 200", "# 12", "#12", "Apt 3B". */
		for (;;) {
			int k = j;
			while (k < n && strcmp (TOK (k), ",") == 0)
				k++;
			if (k >= n)
				break;
			const char *u = g_hash_table_lookup (D->unit, TOK (k));
			if (!u || k + 1 >= n || strcmp (TOK (k + 1), ",") == 0)
				break;
			if (strcmp (TOK (k + 1), "#") == 0 && k + 2 < n)
				k++;
			g_string_append_printf (street, " %s %s", u, TOK (k + 1));
			j = k + 2;
		}
		city_start = j;
	}
	for (int j = city_start; j < n; j++) {
		if (strcmp (TOK (j), ",") == 0)
			continue;
		if (city->len)
			g_string_append_c (city, ' ');
		g_string_append (city, TOK (j));
	}
	if (!city->len || city->len > 40)
		goto done;
	res = g_strdup_printf ("%s, %s, %s %s", street->str, city->str, state, zip);
done:
	g_string_free (street, TRUE);
	g_string_free (city, TRUE);
	g_ptr_array_unref (tok);
	return res;
}
