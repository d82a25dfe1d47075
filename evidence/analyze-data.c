/* The data tables analysis reads from templates/analysis/ (compiled into the
 * binary by the Makefile).  They are parsed once, under a GOnce, into
 * read-only tables that every thread may then use without locks. */
#include <iconv.h>
#include <string.h>
#include <libxml/parser.h>
#include "analyze.h"

static wb_analysis_data_t data;

/* Lines of a data file without comments and blank lines. */
static char **
data_lines (const char *path)
{
	size_t size = 0;
	const char *text = wb_template_text (path, &size);
	GPtrArray *out = g_ptr_array_new ();
	if (text) {
		char **lines = g_strsplit (text, "\n", -1);
		for (char **l = lines; *l; l++) {
			char *s = g_strstrip (*l);
			if (*s && *s != '#')
				g_ptr_array_add (out, g_strdup (s));
		}
		g_strfreev (lines);
	}
	g_ptr_array_add (out, NULL);
	return (char **) g_ptr_array_free (out, FALSE);
}

/* glibc loads the module of a character set at iconv_open() and may drop it
 * again once no descriptor uses it, to load it again (dlopen) at the next
 * iconv_open(): GMime opens one descriptor per text part, which made this
 * 2% of an ingest's time.  One descriptor of each common set, open for the
 * life of the process, keeps its module loaded. */
static const char *const pinned_sets[] = { "ISO-8859-1", "WINDOWS-1252", "ISO-8859-15", "ISO-8859-2",
					   "WINDOWS-1251", "KOI8-R", "BIG5", "GB2312", "GBK", "EUC-KR",
					   "EUC-JP", "SHIFT_JIS", "ISO-2022-JP" };
static iconv_t pinned[G_N_ELEMENTS (pinned_sets)];

static void
pin_charsets (void)
{
	for (size_t i = 0; i < G_N_ELEMENTS (pinned_sets); i++)
		pinned[i] = iconv_open ("UTF-8", pinned_sets[i]);
}

static gpointer
data_init (gpointer unused)
{
	xmlInitParser ();
	pin_charsets ();

	data.affiliate = g_hash_table_new (g_str_hash, g_str_equal);
	char **lines = data_lines ("templates/analysis/affiliate-params.txt");
	for (char **l = lines; *l; l++)
		g_hash_table_add (data.affiliate, g_ascii_strdown (*l, -1));
	g_strfreev (lines);

	data.suffix = g_hash_table_new (g_str_hash, g_str_equal);
	data.unit = g_hash_table_new (g_str_hash, g_str_equal);
	data.dir = g_hash_table_new (g_str_hash, g_str_equal);
	lines = data_lines ("templates/analysis/usps.txt");
	for (char **l = lines; *l; l++) {
		char **f = g_strsplit_set (*l, " \t", -1);
		if (g_strv_length (f) >= 3) {
			GHashTable *h = strcmp (f[0], "suffix") == 0 ? data.suffix
				: strcmp (f[0], "unit") == 0 ? data.unit : data.dir;
			g_hash_table_insert (h, g_strdup (f[1]), g_strdup (f[2]));
		}
		g_strfreev (f);
	}
	g_strfreev (lines);

	data.state_code = g_hash_table_new (g_str_hash, g_str_equal);
	data.state_names = g_ptr_array_new ();
	lines = data_lines ("templates/analysis/us-states.txt");
	for (char **l = lines; *l; l++) {
		if (strlen (*l) < 4)
			continue;
		char *code = g_strndup (*l, 2);
		char *name = g_strdup (*l + 3);
		g_hash_table_insert (data.state_code, g_strdup (code), code);
		g_hash_table_insert (data.state_code, name, code);
		g_ptr_array_add (data.state_names, name);
	}
	g_strfreev (lines);

	/* Categories, in file order. */
	data.categories = g_ptr_array_new ();
	data.cat_words = g_hash_table_new (g_str_hash, g_str_equal);
	size_t size = 0;
	const char *text = wb_template_text ("templates/analysis/categories.ini", &size);
	GKeyFile *kf = g_key_file_new ();
	if (text && g_key_file_load_from_data (kf, text, size, G_KEY_FILE_NONE, NULL)) {
		char **groups = g_key_file_get_groups (kf, NULL);
		for (char **g = groups; *g; g++) {
			wb_category_t *c = g_new0 (wb_category_t, 1);
			c->name = g_strdup (*g);
			c->words = g_hash_table_new (g_str_hash, g_str_equal);
			char **w = g_key_file_get_string_list (kf, *g, "words", NULL, NULL);
			guint bit = data.categories->len < 32 ? 1u << data.categories->len : 0;
			for (char **p = w; p && *p && data.categories->len < 32; p++) {
				char *s = g_strstrip (g_ascii_strdown (*p, -1));
				if (*s) {
					g_hash_table_add (c->words, s);
					guint mask = GPOINTER_TO_UINT (g_hash_table_lookup (data.cat_words, s));
					g_hash_table_insert (data.cat_words, s, GUINT_TO_POINTER (mask | bit));
				}
			}
			g_strfreev (w);
			c->phrases = g_key_file_get_string_list (kf, *g, "phrases", NULL, NULL);
			if (!c->phrases)
				c->phrases = g_new0 (char *, 1);
			for (char **p = c->phrases; *p; p++) {
				char *s = g_ascii_strdown (*p, -1);
				g_free (*p);
				*p = g_strstrip (s);
				guint mask = GPOINTER_TO_UINT (g_hash_table_lookup (data.cat_words, *p));
				g_hash_table_insert (data.cat_words, *p, GUINT_TO_POINTER (mask | bit));
				/* Empty phrases are left out (the templates have none;
				 * they would match the empty string anywhere). */
				if (**p) {
					guchar b = (guchar) **p;
					wb_phrase_t ph = { *p, strlen (*p) };
					if (!data.phrases_by_byte[b])
						data.phrases_by_byte[b] = g_array_new (FALSE, FALSE, sizeof ph);
					g_array_append_val (data.phrases_by_byte[b], ph);
					if (ph.len < 2)
						memset (data.phrase_second[b], 0xff, sizeof data.phrase_second[b]);
					else
						data.phrase_second[b][(guchar) (*p)[1] >> 3] |= 1u << ((guchar) (*p)[1] & 7);
				}
			}
			GError *err = NULL;
			c->min = g_key_file_get_integer (kf, *g, "min", &err);
			if (err) {
				c->min = 2;
				g_error_free (err);
			}
			g_ptr_array_add (data.categories, c);
		}
		g_strfreev (groups);
	}
	g_key_file_free (kf);
	GHashTableIter it;
	gpointer k;
	g_hash_table_iter_init (&it, data.cat_words);
	while (g_hash_table_iter_next (&it, &k, NULL)) {
		const char *w = k;
		size_t n = strlen (w);
		if (n) {
			guint bit = wb_word_filter_bit (n, w[0], w[n - 1]);
			data.word_filter[bit >> 3] |= 1u << (bit & 7);
		}
	}
	return &data;
}

const wb_analysis_data_t *
wb_analysis_data (void)
{
	static GOnce once = G_ONCE_INIT;
	return g_once (&once, data_init, NULL);
}
