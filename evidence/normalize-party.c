/* Names and countries (attribution).  The data, legal-form words and
 * country names, are templates/attribution/ (.txt files), built into the program. */
#include <string.h>
#include "normalize.h"
#include "templates.h"

static const char *
template_text (const char *path)
{
	const char *text = wb_template_text (path, NULL);
	return text ? text : "";
}

/* Upper case, accents removed (NFKD without combining marks), dots and
 * apostrophes dropped, '&' read as AND, any other character that is not a
 * letter or digit a blank; blanks collapsed.  Newly allocated, never NULL
 * for valid UTF-8. */
static char *
fold (const char *s)
{
	if (!s || !g_utf8_validate (s, -1, NULL))
		return NULL;
	char *nfkd = g_utf8_normalize (s, -1, G_NORMALIZE_NFKD);
	if (!nfkd)
		return NULL;
	GString *out = g_string_new (NULL);
	gboolean blank = TRUE;
	for (const char *p = nfkd; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK)
			continue;
		if (c == '.' || c == '\'' || c == 0x2019)
			continue;
		if (c == '&') {
			g_string_append (out, blank ? "AND " : " AND ");
			blank = TRUE;
		} else if (g_unichar_isalnum (c)) {
			g_string_append_unichar (out, g_unichar_toupper (c));
			blank = FALSE;
		} else if (!blank) {
			g_string_append_c (out, ' ');
			blank = TRUE;
		}
	}
	g_free (nfkd);
	if (out->len && out->str[out->len - 1] == ' ')
		g_string_truncate (out, out->len - 1);
	return g_string_free (out, FALSE);
}

static GPtrArray *suffixes;     /* folded legal-form words, longest first */
static GHashTable *countries;   /* folded name or code -> alpha-2 */

static gint
by_length_desc (gconstpointer a, gconstpointer b)
{
	const char *x = *(const char **) a, *y = *(const char **) b;
	size_t lx = strlen (x), ly = strlen (y);
	return lx != ly ? (lx < ly ? 1 : -1) : strcmp (x, y);
}

static gpointer
load_data (gpointer unused)
{
	suffixes = g_ptr_array_new_with_free_func (g_free);
	char **lines = g_strsplit (template_text ("templates/attribution/legal-suffixes.txt"), "\n", -1);
	for (char **l = lines; *l; l++) {
		char *f = (**l && **l != '#') ? fold (*l) : NULL;
		if (f && *f)
			g_ptr_array_add (suffixes, f);
		else
			g_free (f);
	}
	g_strfreev (lines);
	g_ptr_array_sort (suffixes, by_length_desc);

	countries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	lines = g_strsplit (template_text ("templates/attribution/countries.txt"), "\n", -1);
	for (char **l = lines; *l; l++) {
		if (!**l || **l == '#')
			continue;
		char **f = g_strsplit (*l, "\t", -1);
		if (f[0] && strlen (f[0]) == 2) {
			for (char **n = f; *n; n++) {
				char *k = fold (*n);
				if (k && *k && !g_hash_table_contains (countries, k))
					g_hash_table_insert (countries, k, g_ascii_strup (f[0], -1));
				else
					g_free (k);
			}
		}
		g_strfreev (f);
	}
	g_strfreev (lines);
	return NULL;
}

static void
ensure_data (void)
{
	static GOnce once = G_ONCE_INIT;
	g_once (&once, load_data, NULL);
}

char *
wb_norm_name (const char *s)
{
	ensure_data ();
	char *f = fold (s);
	if (!f || !*f) {
		g_free (f);
		return NULL;
	}
	/* A leading "THE" is not part of the name. */
	if (g_str_has_prefix (f, "THE ") && f[4])
		memmove (f, f + 4, strlen (f + 4) + 1);
	/* Remove legal-form words from the end while something is left. */
	gboolean again = TRUE;
	while (again) {
		again = FALSE;
		size_t len = strlen (f);
		for (guint i = 0; i < suffixes->len; i++) {
			const char *sfx = g_ptr_array_index (suffixes, i);
			size_t sl = strlen (sfx);
			if (len > sl + 1 && f[len - sl - 1] == ' ' && strcmp (f + len - sl, sfx) == 0) {
				f[len - sl - 1] = '\0';
				again = TRUE;
				break;
			}
		}
	}
	return f;
}

char *
wb_norm_country (const char *s)
{
	ensure_data ();
	char *f = fold (s);
	if (!f)
		return NULL;
	const char *code = g_hash_table_lookup (countries, f);
	g_free (f);
	return code ? g_strdup (code) : NULL;
}
