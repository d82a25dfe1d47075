/* The category facts against the plain definition, worked here without
 * the scan's shortcuts (the word filter, the byte class table, the phrase
 * index by first byte and its second-byte filter): the subject and text
 * in ASCII lower case, white space runs as one space; words (runs of
 * letters, digits, '$', '\'' and '-', under 64 bytes) looked up in every
 * category's words; phrases left to right, without overlap, each whole,
 * every phrase of every category tried in file order at each position.
 * Texts are drawn at random from the lexicon's own words and phrases,
 * their case changed, a byte of them changed (the second byte among
 * others), glued to letters or punctuation. */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

static void
add_hit (GPtrArray *hits, const char *w)
{
	for (guint k = 0; k < hits->len; k++)
		if (!strcmp (g_ptr_array_index (hits, k), w))
			return;
	g_ptr_array_add (hits, (gpointer) w);
}

/* Whether category C lists W, as a word or as a phrase: the lexicon is
 * one table of both, so a word of the text is looked up among the
 * phrases too, and a phrase found counts for a category listing it as a
 * word. */
static gboolean
listed (wb_category_t *c, const char *w)
{
	if (g_hash_table_contains (c->words, w))
		return TRUE;
	for (char **x = c->phrases; *x; x++)
		if (!strcmp (*x, w))
			return TRUE;
	return FALSE;
}

/* The category and its evidence (NULL: none), and sexual_content's. */
static void
reference (const char *subject, const char *text, char **cat, char **ev, char **adult_v,
	   char **adult_ev)
{
	const wb_analysis_data_t *D = wb_analysis_data ();
	char *low = g_ascii_strdown (subject, -1), *tl = g_ascii_strdown (text, -1);
	char *both = g_strconcat (low, "\n", tl, NULL);
	GString *flat = g_string_new (NULL);
	for (const char *p = both; *p; p++) {
		if (g_ascii_isspace (*p)) {
			if (flat->len && flat->str[flat->len - 1] != ' ')
				g_string_append_c (flat, ' ');
		} else {
			g_string_append_c (flat, *p);
		}
	}
	GStringChunk *keep = g_string_chunk_new (64);
	int ncat = D->categories->len;
	GPtrArray **hits = g_new0 (GPtrArray *, ncat);
	for (int c = 0; c < ncat; c++)
		hits[c] = g_ptr_array_new ();
	const char *f = flat->str;
	for (const char *p = f; *p; ) {
		const char *q = p;
		while (*q && (g_ascii_isalnum (*q) || *q == '$' || *q == '\'' || *q == '-'))
			q++;
		if (q > p && q - p < 64) {
			char *w = g_strndup (p, q - p);
			for (int c = 0; c < ncat; c++)
				if (listed (g_ptr_array_index (D->categories, c), w))
					add_hit (hits[c], w);
			for (int c = 0; c < ncat; c++)
				for (guint k = 0; k < hits[c]->len; k++)
					if (g_ptr_array_index (hits[c], k) == w)
						g_ptr_array_index (hits[c], k) = g_string_chunk_insert_const (keep, w);
			g_free (w);
		}
		p = *q ? q + 1 : q;
	}
	for (const char *p = f; *p; ) {
		gboolean boundary = p == f || !(g_ascii_islower (p[-1]) || g_ascii_isdigit (p[-1]));
		const char *ph = NULL;
		for (int c = 0; c < ncat && boundary && !ph; c++) {
			wb_category_t *cat = g_ptr_array_index (D->categories, c);
			for (char **x = cat->phrases; *x && !ph; x++) {
				size_t n = strlen (*x);
				char after = n <= strlen (p) ? p[n] : 0;
				if (n && !strncmp (p, *x, n) && !(g_ascii_islower (after) || g_ascii_isdigit (after)))
					ph = *x;
			}
		}
		if (!ph) {
			p++;
			continue;
		}
		for (int c = 0; c < ncat; c++)
			if (listed (g_ptr_array_index (D->categories, c), ph))
				add_hit (hits[c], ph);
		p += strlen (ph);
	}
	int best = -1;
	guint best_n = 0;
	for (int c = 0; c < ncat; c++) {
		wb_category_t *cat = g_ptr_array_index (D->categories, c);
		if (hits[c]->len >= (guint) cat->min && hits[c]->len > best_n) {
			best = c;
			best_n = hits[c]->len;
		}
	}
	*cat = g_strdup (best >= 0 ? ((wb_category_t *) g_ptr_array_index (D->categories, best))->name
			 : "other");
	*ev = NULL;
	*adult_v = *adult_ev = NULL;
	for (int c = 0; c < ncat; c++) {
		wb_category_t *k = g_ptr_array_index (D->categories, c);
		char *joined = NULL;
		if (hits[c]->len) {
			g_ptr_array_add (hits[c], NULL);
			joined = g_strjoinv (";", (char **) hits[c]->pdata);
			g_ptr_array_set_size (hits[c], hits[c]->len - 1);
		}
		if (c == best)
			*ev = g_strdup (joined);
		if (!strcmp (k->name, "adult")) {
			*adult_v = g_strdup (hits[c]->len >= (guint) k->min ? "1" : "0");
			*adult_ev = g_strdup (joined);
		}
		g_free (joined);
		g_ptr_array_unref (hits[c]);
	}
	g_free (hits);
	g_string_chunk_free (keep);
	g_string_free (flat, TRUE);
	g_free (both);
	g_free (tl);
	g_free (low);
}

Test (category_ref, random_texts)
{
	const wb_analysis_data_t *D = wb_analysis_data ();
	GPtrArray *pieces = g_ptr_array_new ();
	for (guint c = 0; c < D->categories->len; c++) {
		wb_category_t *cat = g_ptr_array_index (D->categories, c);
		GHashTableIter it;
		gpointer k;
		g_hash_table_iter_init (&it, cat->words);
		while (g_hash_table_iter_next (&it, &k, NULL))
			g_ptr_array_add (pieces, k);
		for (char **x = cat->phrases; *x; x++)
			g_ptr_array_add (pieces, *x);
	}
	cr_assert_gt (pieces->len, 50);
	/* The hash table's order is fixed for one build: sort for a fixed
	 * draw whatever the build. */
	g_ptr_array_sort (pieces, (GCompareFunc) g_strcmp0);
	static const char *glue[] = { " ", "  ", "\n", "\t", ".", ",", "-", "'", "x", "7", "$",
				      " the ", "\xc3\xa9", "!", " a", "\x0b", "\x1f", "@AZ[", "`az{",
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "\x0c", "\r" };
	GRand *r = g_rand_new_with_seed (42);
	for (int n = 0; n < 1500; n++) {
		GString *t = g_string_new (NULL);
		int words = g_rand_int_range (r, 1, 40);
		for (int i = 0; i < words; i++) {
			const char *pc = g_ptr_array_index (pieces, g_rand_int_range (r, 0, pieces->len));
			char *w = g_strdup (pc);
			int how = g_rand_int_range (r, 0, 6);
			if (how == 0)
				for (char *c = w; *c; c++)
					*c = g_ascii_toupper (*c);
			else if (how == 1 && w[0] && w[1])
				w[1] = w[1] == 'z' ? 'a' : w[1] + 1;   /* the second byte off */
			else if (how == 2 && w[0])
				w[g_rand_int_range (r, 0, strlen (w))] = ' ';
			g_string_append (t, w);
			g_string_append (t, glue[g_rand_int_range (r, 0, G_N_ELEMENTS (glue))]);
			g_free (w);
		}
		const char *subj = n % 3 ? "Hello there" : t->str + t->len / 2;
		char *raw = g_strdup_printf ("From: a@example.com\nSubject: %s\n\n%s\n", subj, t->str);
		wb_analysis_t *a = analyze_raw (raw, NULL);
		/* The subject as GMime reads it, as the analysis gets it. */
		GMimeStream *st = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
		GMimeParser *ps = g_mime_parser_new_with_stream (st);
		GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
		const char *ms = m ? g_mime_message_get_subject (m) : NULL;
		char *subject = g_strdup (ms ? ms : "");
		if (m)
			g_object_unref (m);
		g_object_unref (ps);
		g_object_unref (st);
		char *cat, *ev, *av, *aev;
		reference (subject, wb_analysis_body_text (a), &cat, &ev, &av, &aev);
		const char *got_ev = NULL, *got_aev = NULL;
		const char *got = wb_analysis_fact (a, "category", &got_ev);
		const char *got_av = wb_analysis_fact (a, "sexual_content", &got_aev);
		cr_assert_str_eq (got, cat, "category of text %d", n);
		cr_assert_eq (!got_ev, !ev, "evidence of text %d", n);
		if (ev)
			cr_assert_str_eq (got_ev, ev, "evidence of text %d", n);
		cr_assert_str_eq (got_av, av, "sexual_content of text %d", n);
		cr_assert_eq (!got_aev, !aev);
		if (aev)
			cr_assert_str_eq (got_aev, aev, "adult evidence of text %d", n);
		g_free (cat);
		g_free (ev);
		g_free (av);
		g_free (aev);
		g_free (subject);
		wb_analysis_free (a);
		g_free (raw);
		g_string_free (t, TRUE);
	}
	g_rand_free (r);
	g_ptr_array_unref (pieces);
}

/* The opt-out regex as analyze.c defines it (caseless, bytes). */
#define OPTOUT "unsubscrib|\\bremov(?:e|al)\\b|\\bopt[ \\-]?out\\b|stop receiving|" \
	"no longer (?:wish|want|like) to receive|taken off|\\boff (?:of )?(?:our|this|the) (?:mailing )?list"

/* The notice by its definition: every line of the text the regex matches
 * (each line on its own: the pattern holds no newline), trimmed, joined
 * by " / " while the notice is under 1,000 bytes. */
Test (optout_ref, random_texts)
{
	GRegex *re = g_regex_new (OPTOUT, G_REGEX_RAW | G_REGEX_CASELESS, 0, NULL);
	cr_assert_not_null (re);
	static const char *pieces[] = {
		"unsubscribe", "UNSUBSCRIB", "unsub", "remove", "Removal", "removed", "remov", "opt out",
		"opt-out", "OPTOUT", "opt  out", "option", "stop receiving", "stop  receiving",
		"no longer wish to receive", "no longer want to receive", "no longer like to receive",
		"no longer need to receive", "no longer ", "taken off", "taken of", "off our list",
		"off of the mailing list", "off this list", "off the  list", "off my list", "off ",
		"of the list", "list", "the", "x", "7", "-", "_", "\xc3\xa9", "please", "click here",
	};
	static const char *glue[] = { " ", "", "\n", "\r\n", "\t", ".", "\n\n", "x", " - " };
	GRand *r = g_rand_new_with_seed (7);
	for (int n = 0; n < 2000; n++) {
		GString *t = g_string_new (NULL);
		int k = g_rand_int_range (r, 1, 30);
		for (int i = 0; i < k; i++) {
			g_string_append (t, pieces[g_rand_int_range (r, 0, G_N_ELEMENTS (pieces))]);
			g_string_append (t, glue[g_rand_int_range (r, 0, G_N_ELEMENTS (glue))]);
		}
		char *raw = g_strdup_printf ("From: a@example.com\nSubject: s\n\n%s", t->str);
		wb_analysis_t *a = analyze_raw (raw, NULL);
		const char *text = wb_analysis_body_text (a);
		GString *notice = g_string_new (NULL);
		char **lines = g_strsplit (text, "\n", -1);
		for (char **l = lines; *l; l++) {
			if (!g_regex_match (re, *l, 0, NULL) || notice->len >= 1000)
				continue;
			char *s = g_strstrip (g_strdup (*l));
			g_string_append_printf (notice, "%s%s", notice->len ? " / " : "", s);
			g_free (s);
		}
		g_strfreev (lines);
		gboolean instr = FALSE;
		lines = g_strsplit (text, "\n", -1);
		for (char **l = lines; *l; l++)
			instr |= g_regex_match (re, *l, 0, NULL);
		g_strfreev (lines);
		const char *ev = NULL;
		wb_analysis_fact (a, "opt_out", &ev);
		const char *kinds = wb_analysis_fact (a, "opt_out_kinds", NULL);
		cr_assert_eq (strstr (kinds, "instruction") != NULL, instr, "instruction in text %d", n);
		if (notice->len)
			cr_assert_str_eq (ev, notice->str, "notice of text %d", n);
		else
			cr_assert_null (ev, "notice of text %d", n);
		g_string_free (notice, TRUE);
		wb_analysis_free (a);
		g_free (raw);
		g_string_free (t, TRUE);
	}
	g_rand_free (r);
	g_regex_unref (re);
}
