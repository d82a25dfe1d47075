/* Message analysis: the pure part (wb_analyze); analyze-store.c stores
 * it.  See analyze.h. */
#include <string.h>
#include <libpsl.h>
#include "analyze.h"
#include "analyze-private.h"
#include "normalize.h"

/* Regular expressions, compiled once.  GRegex is immutable and safe to
 * match from many threads. */
typedef struct {
	GRegex *url, *email, *phone_nanp, *phone_vanity, *phone_intl, *postal, *zip, *legal,
		*optout;
	/* The same patterns compiled anchored, for the tries at one position
	 * (scan_at): PCRE's JIT runs a pattern anchored when compiled so, but
	 * falls back to its interpreter for an anchored match of an unanchored
	 * pattern. */
	GRegex *url_a, *email_a, *phone_nanp_a, *phone_vanity_a, *phone_intl_a, *zip_a;
} regexes_t;

/* RE's pattern compiled again with FLAGS (RE's own) and anchored. */
static GRegex *
anchored (const GRegex *re, GRegexCompileFlags flags)
{
	return re ? g_regex_new (g_regex_get_pattern (re), flags | G_REGEX_ANCHORED, 0, NULL) : NULL;
}

static gpointer
regexes_init (gpointer unused)
{
	static regexes_t r;
	const wb_analysis_data_t *D = wb_analysis_data ();
	GRegexCompileFlags f = G_REGEX_OPTIMIZE | G_REGEX_RAW;
	r.url = g_regex_new ("(?:(?:https?|ftp)://|www\\.)[^\\s<>\"'`{}|\\\\^\\[\\]]+",
			     f | G_REGEX_CASELESS, 0, NULL);
	r.email = g_regex_new ("(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}", f, 0, NULL);
	r.phone_nanp = g_regex_new ("(?<![\\w+.\\-/])(?:\\+?1[ .\\-]?)?(?:\\([ ]?[2-9][0-9]{2}[ ]?\\)|[2-9][0-9]{2})[ .\\-]?[2-9][0-9]{2}[ .\\-][0-9]{4}(?![\\w\\-])"
				    "|(?<![\\w+.\\-/])(?:\\+?1[ .\\-]?)?\\([2-9][0-9]{2}\\)[2-9][0-9]{2}[0-9]{4}(?![\\w\\-])"
				    "|(?<![\\w+.\\-/])\\+1[2-9][0-9]{9}(?![\\w\\-])", f, 0, NULL);
	r.phone_vanity = g_regex_new ("(?<![\\w+.\\-/])(?:1[ .\\-]?)?\\(?8(?:00|88|77|66|55|44|33)\\)?[ .\\-]?[0-9A-Z]{3}[ .\\-]?[0-9A-Z]{4}(?![0-9A-Za-z])",
				      f, 0, NULL);
	r.phone_intl = g_regex_new ("(?<![\\w+])\\+(?!1)[2-9][0-9]{0,2}(?:[ .\\-]?\\(?[0-9]{1,4}\\)?){2,6}(?![0-9])",
				    f, 0, NULL);
	/* Street suffixes and units from the USPS table, state names and
	 * codes from the states table. */
	GString *suf = g_string_new (NULL), *unit = g_string_new (NULL), *st = g_string_new (NULL);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, D->suffix);
	while (g_hash_table_iter_next (&it, &k, &v))
		g_string_append_printf (suf, "%s%s", suf->len ? "|" : "", (char *) k);
	g_hash_table_iter_init (&it, D->unit);
	while (g_hash_table_iter_next (&it, &k, &v))
		if (strcmp (k, "#") != 0)
			g_string_append_printf (unit, "%s%s", unit->len ? "|" : "", (char *) k);
	for (guint i = 0; i < D->state_names->len; i++) {
		char *nm = g_regex_escape_string (g_ptr_array_index (D->state_names, i), -1);
		char *sp = g_strjoinv ("[ \\t]+", (char *[]) { nm, NULL });
		g_string_append_printf (st, "%s|", nm);
		g_free (sp);
		g_free (nm);
	}
	g_string_append (st, "(?-i:[A-Z]{2})");
	char *pat = g_strdup_printf (
		"(?i)(?:\\b[0-9]{1,6}(?:[ \\t]+[A-Za-z0-9.'\\-]+){1,5}?[ \\t]+(?:%s)\\b\\.?"
		"(?:[ \\t]+(?:N|S|E|W|NE|NW|SE|SW)\\b\\.?)?"
		"(?:[ \\t]*,?[ \\t]*(?:(?:%s)\\b\\.?|\\#)[ \\t]*\\#?[ \\t]*[A-Za-z0-9\\-]+)?"
		"|\\b(?:P\\.?[ \\t]?O\\.?[ \\t]*Box|Post[ \\t]+Office[ \\t]+Box)[ \\t]+[0-9]+)"
		"(?:[ \\t]*,[ \\t]*|[ \\t]*\\r?\\n[ \\t]*|[ \\t]+)"
		"[A-Za-z][A-Za-z.'\\-]*(?:[ \\t]+[A-Za-z][A-Za-z.'\\-]*){0,3}"
		"[ \\t]*,?[ \\t]*(?:\\r?\\n[ \\t]*)?(?:%s)\\.?[ \\t]+[0-9]{5}(?:-[0-9]{4})?$",
		suf->str, unit->str, st->str);
	r.postal = g_regex_new (pat, f | G_REGEX_DOLLAR_ENDONLY, 0, NULL);
	r.zip = g_regex_new ("(?<![0-9])[0-9]{5}(?:-[0-9]{4})?(?![0-9])", f, 0, NULL);
	g_free (pat);
	g_string_free (suf, TRUE);
	g_string_free (unit, TRUE);
	g_string_free (st, TRUE);
	r.legal = g_regex_new ("\\b[A-Z][A-Za-z0-9&'\\-]*(?:[ \\t]+(?:[A-Z][A-Za-z0-9&'\\-]*|of|and|&)){0,5},?[ \\t]+"
			       "(?:Inc|Incorporated|LLC|L\\.L\\.C|Ltd|Limited|Corp|Corporation|LLP|PLC|GmbH|S\\.A)\\b\\.?",
			       f, 0, NULL);
	r.optout = g_regex_new ("unsubscrib|\\bremov(?:e|al)\\b|\\bopt[ \\-]?out\\b|stop receiving|"
				"no longer (?:wish|want|like) to receive|taken off|\\boff (?:of )?(?:our|this|the) (?:mailing )?list",
				f | G_REGEX_CASELESS, 0, NULL);
	/* GLib compiles a pattern for the JIT at its first match and records
	 * that on the GRegex: match each once here, under the GOnce, so the
	 * threads only ever read it. */
	r.url_a = anchored (r.url, f | G_REGEX_CASELESS);
	r.email_a = anchored (r.email, f);
	r.phone_nanp_a = anchored (r.phone_nanp, f);
	r.phone_vanity_a = anchored (r.phone_vanity, f);
	r.phone_intl_a = anchored (r.phone_intl, f);
	r.zip_a = anchored (r.zip, f);
	GRegex *all[] = { r.url, r.email, r.phone_nanp, r.phone_vanity, r.phone_intl, r.postal,
			  r.zip, r.legal, r.optout, r.url_a, r.email_a, r.phone_nanp_a,
			  r.phone_vanity_a, r.phone_intl_a, r.zip_a };
	for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
		if (all[i])
			g_regex_match (all[i], "warm up 12345", 0, NULL);
	return &r;
}

static const regexes_t *
regexes (void)
{
	static GOnce once = G_ONCE_INIT;
	return g_once (&once, regexes_init, NULL);
}

/* --- building an analysis --- */

/* The key of an artifact in SEEN: its kind, its value as given (before
 * it is made valid UTF-8) and its location (keep_location(): equal
 * locations are one pointer), with the hash of the three.  In
 * URLS_DONE, the key of a call of add_url(): its depth as a string
 * ("0" to "3"), location and link as given. */
typedef struct {
	guint hash;
	const char *kind, *location, *value;
} seen_t;

static guint
seen_hash (gconstpointer p)
{
	return ((const seen_t *) p)->hash;
}

static gboolean
seen_equal (gconstpointer x, gconstpointer y)
{
	const seen_t *a = x, *b = y;
	return a->hash == b->hash && a->location == b->location && strcmp (a->kind, b->kind) == 0
		&& strcmp (a->value, b->value) == 0;
}

/* The arena's blocks: what it holds is about 6 kB a copy (the tenth
 * percentile 3.3 kB, the median 5.2 kB, the ninetieth 7.7 kB over 2,000
 * bench copies), and a batch's copies wait in memory for the writer: a
 * first block that most fill, then 4 kB more at a time. */
#define KEEP_FIRST 6144
#define KEEP_MORE 4096

/* N bytes in A's arena (struct wb_analysis's KEEP), aligned for any of
 * the structs kept there.  A copy's analysis lives from its parse worker
 * until the writer has stored its batch, and then goes at once: some
 * hundred and fifty blocks a copy (artifacts, facts, hops and their
 * strings) allocated one by one were as many frees of memory long out of
 * the cache, and went back and forth through tcmalloc's central lists,
 * as a batch's worth is freed at once. */
static void *
keep_alloc (wb_analysis_t *a, size_t n)
{
	n = (n + 15) & ~(size_t) 15;
	if ((size_t) (a->keep_end - a->keep_cur) < n) {
		size_t size = MAX (a->keep_next, n + 16);
		char *b = g_malloc (size);
		*(void **) b = a->keep;
		a->keep = b;
		a->keep_cur = b + 16;
		a->keep_end = b + size;
		a->keep_next = KEEP_MORE;
	}
	void *p = a->keep_cur;
	a->keep_cur += n;
	return p;
}

static char *
keep_strndup (wb_analysis_t *a, const char *s, size_t n)
{
	char *d = keep_alloc (a, n + 1);
	memcpy (d, s, n);
	d[n] = 0;
	return d;
}

/* S (or NULL) in A's arena. */
static char *
keep_str (wb_analysis_t *a, const char *s)
{
	return s ? keep_strndup (a, s, strlen (s)) : NULL;
}

/* g_utf8_make_valid (S, -1) in A's arena: a copy of S when it is valid
 * UTF-8, which an ASCII string is (most are: they are found without a
 * full validation). */
static char *
keep_valid (wb_analysis_t *a, const char *s)
{
	size_t n = 0;
	while (s[n] && !(s[n] & 0x80))
		n++;
	if (!s[n])
		return keep_strndup (a, s, n);
	char *v = g_utf8_make_valid (s, -1);
	char *k = keep_str (a, v);
	g_free (v);
	return k;
}

/* LOCATION as kept in A (its LOCATIONS): one pointer for one text, as
 * the keys of SEEN and URLS_DONE compare them by address. */
static const char *
keep_location (wb_analysis_t *a, const char *location)
{
	for (guint i = 0; i < a->locations->len; i++)
		if (strcmp (a->locations->pdata[i], location) == 0)
			return a->locations->pdata[i];
	char *k = keep_str (a, location);
	g_ptr_array_add (a->locations, k);
	return k;
}

/* A copy of hop H in A's arena, strings and notes with it.  The notes
 * stay a GString for the readers, its buffer in the arena: nothing may
 * append to a hop's notes once the analysis is made (nothing does). */
static wb_hop_t *
keep_hop (wb_analysis_t *a, const wb_hop_t *h)
{
	wb_hop_t *k = keep_alloc (a, sizeof *k);
	*k = *h;
	k->raw = keep_str (a, h->raw);
	k->from_host = keep_str (a, h->from_host);
	k->from_rdns = keep_str (a, h->from_rdns);
	k->from_ip = keep_str (a, h->from_ip);
	k->by_host = keep_str (a, h->by_host);
	k->protocol = keep_str (a, h->protocol);
	k->smtp_id = keep_str (a, h->smtp_id);
	k->for_addr = keep_str (a, h->for_addr);
	k->time_text = keep_str (a, h->time_text);
	k->notes = keep_alloc (a, sizeof *k->notes);
	k->notes->str = keep_strndup (a, h->notes->str, h->notes->len);
	k->notes->len = h->notes->len;
	k->notes->allocated_len = h->notes->len + 1;
	return k;
}

/* KIND must be a string constant (it is kept, not copied).  An artifact
 * of the same kind, value and location as one already added is left
 * out. */
static void
add_artifact (wb_analysis_t *a, const char *kind, const char *raw, const char *value,
	      const char *location)
{
	if (!value || !*value)
		return;
	/* Runs of artifacts share a location ("body:text"): the last one
	 * kept is tried before the list. */
	if (!a->last_location || strcmp (a->last_location, location) != 0)
		a->last_location = keep_location (a, location);
	seen_t k = { 0, kind, a->last_location, value };
	guint h = 5381;
	size_t n = 0;
	for (; value[n]; n++)
		h = h * 33 + (guchar) value[n];
	h = h * 33 + (guint) (guintptr) k.location;
	k.hash = h * 33 + (guchar) kind[0];
	if (g_hash_table_contains (a->seen, &k))
		return;
	seen_t *key = g_malloc (sizeof (seen_t) + n + 1);
	*key = k;
	key->value = memcpy ((char *) (key + 1), value, n + 1);
	g_hash_table_add (a->seen, key);
	artifact_t *ar = keep_alloc (a, sizeof *ar);
	ar->kind = kind;
	ar->raw = keep_valid (a, raw ? raw : value);
	/* The same string made valid gives the same string. */
	ar->value = !raw || raw == value || strcmp (raw, value) == 0 ? ar->raw
		: keep_valid (a, value);
	ar->location = a->last_location;
	g_ptr_array_add (a->artifacts, ar);
}

/* NAME must be a string constant (it is kept, not copied). */
static void
set_fact (wb_analysis_t *a, const char *name, const char *value, gboolean indicator,
	  const char *evidence)
{
	for (guint i = 0; i < a->facts->len; i++) {
		fact_t *f = g_ptr_array_index (a->facts, i);
		if (!strcmp (f->name, name)) {
			/* The old strings stay in the arena till the end. */
			f->value = keep_str (a, value);
			f->confidence = indicator ? "indicator" : "certain";
			f->evidence = evidence ? keep_valid (a, evidence) : NULL;
			return;
		}
	}
	fact_t *f = keep_alloc (a, sizeof *f);
	f->name = name;
	f->value = keep_str (a, value);
	f->confidence = indicator ? "indicator" : "certain";
	f->evidence = evidence ? keep_valid (a, evidence) : NULL;
	g_ptr_array_add (a->facts, f);
}

static void
warn (wb_analysis_t *a, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_ptr_array_add (a->warnings, g_strdup_vprintf (fmt, ap));
	va_end (ap);
}

/* wb_norm_domain() with a cache per thread: libpsl's lookup was 7% of the
 * analysis, and a copy names the same few hosts over and over (every link
 * to one site, the From and Reply-To domains), as do the copies of one
 * mailing.  The function is pure (its answer depends on HOST alone), so
 * the cached result is the one it would return, whichever copies came
 * before on the thread.  The cache is emptied when it reaches
 * DOMAIN_CACHE_MAX hosts.  Returns a new string. */
#define DOMAIN_CACHE_MAX 8192

static void
domain_cache_free (gpointer table)
{
	g_hash_table_unref (table);
}

static char *
norm_domain (const char *host)
{
	static GPrivate cache_key = G_PRIVATE_INIT (domain_cache_free);
	gpointer key, val;
	if (!host)
		return NULL;
	GHashTable *cache = g_private_get (&cache_key);
	if (!cache) {
		cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
		g_private_set (&cache_key, cache);
	}
	if (g_hash_table_lookup_extended (cache, host, &key, &val))
		return g_strdup (val);
	char *d = wb_norm_domain (host);
	if (g_hash_table_size (cache) >= DOMAIN_CACHE_MAX)
		g_hash_table_remove_all (cache);
	g_hash_table_insert (cache, g_strdup (host), g_strdup (d));
	return d;
}

static void
add_email (wb_analysis_t *a, const char *raw, const char *location, const char *trap)
{
	char *e = wb_norm_email (raw);
	if (!e)
		return;
	if (!trap || g_ascii_strcasecmp (e, trap) != 0) {
		add_artifact (a, "email", raw, e, location);
		char *d = norm_domain (strrchr (e, '@') + 1);
		add_artifact (a, "domain", strrchr (e, '@') + 1, d, location);
		g_free (d);
	}
	g_free (e);
}

/* Whether add_url() has not yet been called with RAW, LOCATION and DEPTH
 * for this analysis; remembers them.  What add_url() adds depends on
 * those three alone, and artifacts are kept once per kind, value and
 * location, so a second call adds nothing (a link is often repeated: the
 * same href on an image and on its caption). */
static gboolean
url_first_time (wb_analysis_t *a, const char *raw, const char *location, int depth)
{
	if (!a->urls_done)
		a->urls_done = g_hash_table_new_full (seen_hash, seen_equal, g_free, NULL);
	static const char *depths[] = { "0", "1", "2", "3" };
	seen_t k = { 0, depths[depth], keep_location (a, location), raw };
	guint h = 5381;
	size_t n = 0;
	for (; raw[n]; n++)
		h = h * 33 + (guchar) raw[n];
	k.hash = (h * 33 + (guint) (guintptr) k.location) * 33 + (guint) depth;
	if (g_hash_table_contains (a->urls_done, &k))
		return FALSE;
	seen_t *key = g_malloc (sizeof (seen_t) + n + 1);
	*key = k;
	key->value = memcpy ((char *) (key + 1), raw, n + 1);
	g_hash_table_add (a->urls_done, key);
	return TRUE;
}

/* A URL, its registrable domain, its affiliate parameters, and any URL
 * carried inside it (a redirect), to depth 3. */
static void
add_url (wb_analysis_t *a, const char *raw, const char *location, int depth)
{
	const wb_analysis_data_t *D = wb_analysis_data ();
	if (depth > 3 || !url_first_time (a, raw, location, depth))
		return;
	char *t = g_strstrip (g_strdup (raw));
	/* Trailing punctuation belongs to the sentence, not the link. */
	size_t n = strlen (t);
	while (n && strchr (".,;:!?)'\">", t[n - 1]))
		t[--n] = 0;
	if (g_ascii_strncasecmp (t, "mailto:", 7) == 0) {
		add_email (a, t, location, NULL);
		g_free (t);
		return;
	}
	char *norm = wb_url_normalize (t);
	if (!norm) {
		g_free (t);
		return;
	}
	add_artifact (a, "url", t, norm, location);
	char *host = wb_url_host (norm);
	char *dom = host ? norm_domain (host) : NULL;
	if (dom)
		add_artifact (a, "domain", host, dom, location);
	else if (host && g_hostname_is_ip_address (host))
		add_artifact (a, "ip", host, host, location);
	char *inner_loc = NULL;   /* LOCATION>redirect, made when first needed */
	/* Query parameters. */
	const char *q = strchr (norm, '?');
	if (q) {
		char *query = g_strdup (q + 1);
		char *hash = strchr (query, '#');
		if (hash)
			*hash = 0;
		char **pairs = g_strsplit_set (query, "&;", -1);
		for (char **p = pairs; *p; p++) {
			char *eq = strchr (*p, '=');
			if (!eq || eq == *p)
				continue;
			char *key = g_ascii_strdown (*p, eq - *p);
			const char *val = eq + 1;
			if (*val && dom && g_hash_table_contains (D->affiliate, key)) {
				char *v = g_strdup_printf ("%s %s=%s", dom, key, val);
				add_artifact (a, "affiliate_id", *p, v, location);
				g_free (v);
			}
			char *dec = g_uri_unescape_string (val, NULL);
			if (dec && (g_ascii_strncasecmp (dec, "http://", 7) == 0
				    || g_ascii_strncasecmp (dec, "https://", 8) == 0
				    || g_ascii_strncasecmp (dec, "www.", 4) == 0)) {
				if (!inner_loc)
					inner_loc = g_strconcat (location, ">redirect", NULL);
				add_url (a, dec, inner_loc, depth + 1);
			}
			g_free (dec);
			g_free (key);
		}
		g_strfreev (pairs);
		g_free (query);
	}
	/* A URL inside the path: http://r.example/go/http://target/ */
	const char *after = strstr (norm, "://");
	const char *in = after ? strstr (after + 3, "://") : NULL;
	if (in && (!q || in < q)) {
		const char *s = in;
		while (s > after + 3 && g_ascii_isalpha (s[-1]))
			s--;
		if (s < in && s[-1] == '/') {
			if (!inner_loc)
				inner_loc = g_strconcat (location, ">redirect", NULL);
			add_url (a, s, inner_loc, depth + 1);
		}
	}
	g_free (inner_loc);
	g_free (dom);
	g_free (host);
	g_free (norm);
	g_free (t);
}

/* [A-Za-z0-9._%+-]: the local-part characters of the e-mail regex. */
static inline gboolean
email_local_char (char c)
{
	return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* --- patterns tried where a match can begin ---
 *
 * An unanchored scan (g_regex_match, then g_match_info_next from the end
 * of each match) tries its pattern at every position, left to right, and
 * keeps the first position where it matches.  Trying the pattern anchored
 * at a position gives the same match as the scan gets there (lookbehinds
 * still see the text before it).  So trying it anchored at each position
 * of a list, in ascending order and never before the end of the last
 * match, finds the scan's matches exactly when the list holds every
 * position where a match can begin.  The lists below are made from what
 * every match of each pattern must hold, a necessary condition only: the
 * regex still decides every match.  None of these patterns matches the
 * empty string. */

typedef struct {
	const GRegex *re;     /* the pattern */
	const GRegex *re_a;   /* the pattern, anchored */
	const char *text;
	gssize len;
	gssize from;   /* the end of the last match: none begins before */
	GArray *out;   /* int start, end pairs */
} scan_t;

static void
scan_at (scan_t *sc, gssize pos)
{
	if (pos < sc->from)
		return;
	GMatchInfo *m = NULL;
	if (g_regex_match_full (sc->re_a, sc->text, sc->len, pos, 0, &m, NULL)) {
		int se[2];
		g_match_info_fetch_pos (m, 0, &se[0], &se[1]);
		g_array_append_vals (sc->out, se, 2);
		sc->from = se[1];
	}
	g_match_info_free (m);
}

/* The ASCII bytes of [\w+.\-/]: a byte before a phone number's first
 * that its lookbehind forbids.  GLib's PCRE also takes the bytes of Latin-1
 * letters (0xAA, 0xC0-0xFF, ...) for \w; those are not ruled out here,
 * which only means the regex is tried after them, and refuses. */
static inline gboolean
phone_blocks (char c)
{
	return g_ascii_isalnum (c) || c == '_' || c == '+' || c == '.' || c == '-' || c == '/';
}

static inline gboolean
is_digit (char c)
{
	return c >= '0' && c <= '9';
}

/* phone_nanp: every match begins with '+', '1', '(' or 2-9, not after a
 * byte of [\w+.\-/] (the lookbehind of its three alternatives), and holds
 * at least ten digits in at most 19 bytes (the longest alternative:
 * "+1-( 212 )-555-1234"). */
static void
scan_nanp (scan_t *sc)
{
	const char *t = sc->text, *end = t + sc->len;
	for (const char *p = strpbrk (t, "+(123456789"); p; p = *p ? strpbrk (p, "+(123456789") : NULL) {
		if (p > t && phone_blocks (p[-1])) {
			p++;
			continue;
		}
		int digits = 0;
		for (const char *q = p; q < end && q < p + 19 && digits < 10; q++)
			digits += is_digit (*q);
		if (digits >= 10)
			scan_at (sc, p - t);
		p++;
	}
}

/* phone_vanity: every match holds 8 then 00, 88, 77, 66, 55, 44 or 33 at
 * most three bytes after its start ("1 (800"), and begins with '1', '('
 * or that 8, not after a byte of [\w+.\-/]. */
static void
scan_vanity (scan_t *sc)
{
	const char *t = sc->text;
	gssize next = 0;   /* positions before it were tried */
	for (const char *e = strchr (t, '8'); e; e = strchr (e + 1, '8')) {
		char d = e[1];
		if (!(d == '0' || d == '8' || (d >= '3' && d <= '7')) || e[2] != d)
			continue;
		gssize at = e - t;
		for (gssize s = MAX (next, at - 3); s <= at; s++) {
			char c = t[s];
			if ((c == '1' || c == '(' || c == '8') && !(s > 0 && phone_blocks (t[s - 1])))
				scan_at (sc, s);
		}
		next = at + 1;
	}
}

/* phone_intl: every match begins with '+' then 2-9, not after a byte of
 * [\w+]. */
static void
scan_intl (scan_t *sc)
{
	const char *t = sc->text;
	for (const char *p = strchr (t, '+'); p; p = strchr (p + 1, '+')) {
		if (p[1] < '2' || p[1] > '9')
			continue;
		if (p > t && (g_ascii_isalnum (p[-1]) || p[-1] == '_' || p[-1] == '+'))
			continue;
		scan_at (sc, p - t);
	}
}

/* zip: every match begins a run of exactly five digits (the lookbehind
 * forbids a digit before it; a sixth digit fails both the lookahead and
 * the "-1234" that would have to follow the fifth). */
static void
scan_zip (scan_t *sc)
{
	const char *t = sc->text;
	for (const char *p = strpbrk (t, "0123456789"); p; p = strpbrk (p, "0123456789")) {
		const char *q = p;
		while (is_digit (*q))
			q++;
		if (q - p == 5)
			scan_at (sc, p - t);
		p = q;
	}
}

/* email: a match begins where a run of local-part characters that ends
 * at an '@' begins (its lookbehind forbids one before it): tried there,
 * '@' by '@'. */
static void
scan_email (scan_t *sc)
{
	const char *t = sc->text;
	for (const char *at = strchr (t, '@'); at; at = strchr (at + 1, '@')) {
		const char *p = at;
		while (p > t && email_local_char (p[-1]))
			p--;
		if (p < at)
			scan_at (sc, p - t);
		/* The next '@' that can end a local part is past the match. */
		if (at < t + sc->from - 1)
			at = t + sc->from - 1;
	}
}

static inline gboolean
ascii_ieq (const char *p, const char *lit, size_t n)
{
	/* As g_ascii_strncasecmp (P, LIT, N) == 0 for LIT in lower case
	 * (the NUL that ends P differs from every byte of LIT), inline. */
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != lit[i])
			return FALSE;
	}
	return TRUE;
}

/* url: every match begins with "http://", "https://", "ftp://" or "www."
 * in any ASCII case (caseless, as G_REGEX_RAW: bytes, ASCII folding): its
 * start is found from the ':' of "://" or the '.' of "www.". */
static void
scan_url (scan_t *sc)
{
	const char *t = sc->text;
	for (const char *p = strpbrk (t, ":."); p; p = strpbrk (p + 1, ":.")) {
		gssize c = p - t;
		if (*p == ':') {
			if (p[1] != '/' || p[2] != '/')
				continue;
			if (c >= 5 && ascii_ieq (p - 5, "https", 5))
				scan_at (sc, c - 5);
			else if (c >= 4 && ascii_ieq (p - 4, "http", 4))
				scan_at (sc, c - 4);
			else if (c >= 3 && ascii_ieq (p - 3, "ftp", 3))
				scan_at (sc, c - 3);
		} else if (c >= 3 && ascii_ieq (p - 3, "www", 3)) {
			scan_at (sc, c - 3);
		}
	}
}

/* [A-Za-z0-9&'\- \t,.], every byte a legal-name match can hold, and
 * what \b could take for a word character besides: '_' and every byte
 * from 0x80 (GLib's PCRE reads some as Latin-1 letters).  A byte outside
 * the set is then no word character. */
static inline gboolean
legal_char (char c)
{
	return (guchar) c >= 0x80 || g_ascii_isalnum (c) || c == '&' || c == '\'' || c == '-' || c == ' ' || c == '\t'
		|| c == ',' || c == '.' || c == '_';
}

/* Whether P begins with LIT (stopping at P's NUL, which differs). */
static inline gboolean
has_prefix (const char *p, const char *lit)
{
	for (; *lit; p++, lit++)
		if (*p != *lit)
			return FALSE;
	return TRUE;
}

/* legal: the first match only.  A match lies within one run of
 * legal_char() bytes and holds one of the suffixes, so the pattern is run
 * on the runs that hold a suffix, in order, each as a text of its own
 * ending where the run ends: the byte after a run is no word character
 * and no '.', as the end of a text is to \b and "\.?", and the byte
 * before it is seen as it is (the start offset keeps the text before). */
static void
scan_legal (scan_t *sc)
{
	const char *t = sc->text;
	/* The suffixes' first letters lead to them, left to right ("Inc",
	 * "LLC", "L.L.C", "Ltd", "Limited", "Corp", "LLP", "PLC", "GmbH",
	 * "S.A"; "Limited" begins with "Li", "Ltd" with "Lt"). */
	for (const char *p = strpbrk (t, "ILCPGS"); p; p = strpbrk (p, "ILCPGS")) {
		gboolean suffix;
		switch (*p) {
		case 'I': suffix = p[1] == 'n' && p[2] == 'c'; break;
		case 'L':
			suffix = (p[1] == 'L' && (p[2] == 'C' || p[2] == 'P'))
				|| (p[1] == 't' && p[2] == 'd') || has_prefix (p, "L.L.C")
				|| has_prefix (p, "Limited");
			break;
		case 'C': suffix = has_prefix (p, "Corp"); break;
		case 'P': suffix = p[1] == 'L' && p[2] == 'C'; break;
		case 'G': suffix = has_prefix (p, "GmbH"); break;
		default: suffix = p[1] == '.' && p[2] == 'A'; break;   /* 'S' */
		}
		if (!suffix) {
			p++;
			continue;
		}
		gssize rs = p - t, re = p - t;
		while (rs > 0 && legal_char (t[rs - 1]))
			rs--;
		while (re < sc->len && legal_char (t[re]))
			re++;
		GMatchInfo *m = NULL;
		gboolean ok = g_regex_match_full (sc->re, t, re, rs, 0, &m, NULL);
		if (ok) {
			int se[2];
			g_match_info_fetch_pos (m, 0, &se[0], &se[1]);
			g_array_append_vals (sc->out, se, 2);
		}
		g_match_info_free (m);
		if (ok)
			break;
		p = t + re;   /* the rest of the run was tried with it */
	}
}

/* Pattern K and its anchored twin (ANCHORED may be NULL). */
static const GRegex *
pattern (wb_pattern_t k, const GRegex **anchored)
{
	const regexes_t *R = regexes ();
	const GRegex *re = NULL, *re_a = NULL;
	switch (k) {
	case WB_PAT_URL: re = R->url; re_a = R->url_a; break;
	case WB_PAT_EMAIL: re = R->email; re_a = R->email_a; break;
	case WB_PAT_PHONE_NANP: re = R->phone_nanp; re_a = R->phone_nanp_a; break;
	case WB_PAT_PHONE_VANITY: re = R->phone_vanity; re_a = R->phone_vanity_a; break;
	case WB_PAT_PHONE_INTL: re = R->phone_intl; re_a = R->phone_intl_a; break;
	case WB_PAT_ZIP: re = R->zip; re_a = R->zip_a; break;
	case WB_PAT_LEGAL: re = R->legal; break;
	}
	if (anchored)
		*anchored = re_a;
	return re;
}

const GRegex *
wb_analyze_regex (wb_pattern_t k)
{
	return pattern (k, NULL);
}

void
wb_analyze_matches (wb_pattern_t k, const char *text, GArray *out)
{
	scan_t sc = { NULL, NULL, text, strlen (text), 0, out };
	sc.re = pattern (k, &sc.re_a);
	switch (k) {
	case WB_PAT_URL: scan_url (&sc); break;
	case WB_PAT_EMAIL: scan_email (&sc); break;
	case WB_PAT_PHONE_NANP: scan_nanp (&sc); break;
	case WB_PAT_PHONE_VANITY: scan_vanity (&sc); break;
	case WB_PAT_PHONE_INTL: scan_intl (&sc); break;
	case WB_PAT_ZIP: scan_zip (&sc); break;
	case WB_PAT_LEGAL: scan_legal (&sc); break;
	}
}

static void
extract_text (wb_analysis_t *a, const char *text, const char *location, const char *trap)
{
	const regexes_t *R = regexes ();
	GArray *ms = g_array_new (FALSE, FALSE, sizeof (int));
	wb_analyze_matches (WB_PAT_URL, text, ms);
	for (guint j = 0; j < ms->len; j += 2) {
		int s = g_array_index (ms, int, j), e = g_array_index (ms, int, j + 1);
		char *u = g_strndup (text + s, e - s);
		add_url (a, u, location, 0);
		g_free (u);
	}
	g_array_set_size (ms, 0);
	wb_analyze_matches (WB_PAT_EMAIL, text, ms);
	for (guint j = 0; j < ms->len; j += 2) {
		int es = g_array_index (ms, int, j), ee = g_array_index (ms, int, j + 1);
		char *s = g_strndup (text + es, ee - es);
		add_email (a, s, location, trap);
		g_free (s);
	}
	static const wb_pattern_t phones[] = { WB_PAT_PHONE_NANP, WB_PAT_PHONE_VANITY, WB_PAT_PHONE_INTL };
	for (int i = 0; i < 3; i++) {
		g_array_set_size (ms, 0);
		wb_analyze_matches (phones[i], text, ms);
		for (guint j = 0; j < ms->len; j += 2) {
			int ps = g_array_index (ms, int, j), pe = g_array_index (ms, int, j + 1);
			char *s = g_strndup (text + ps, pe - ps);
			char *e = wb_norm_phone (s);
			/* Vanity spellings need at least one letter (digits are the
			 * NANP pattern's). */
			gboolean letters = FALSE;
			for (char *c = s; *c; c++)
				letters |= g_ascii_isalpha (*c);
			if (e && (i != 1 || letters))
				add_artifact (a, "phone", s, e, location);
			g_free (e);
			g_free (s);
		}
	}
	/* Addresses end in a ZIP code: look for those first (cheap), then
	 * match the whole address in the 200 bytes before each. */
	g_array_set_size (ms, 0);
	wb_analyze_matches (WB_PAT_ZIP, text, ms);
	for (guint j = 0; j < ms->len; j += 2) {
		int ze = g_array_index (ms, int, j + 1);
		int ws = ze > 200 ? ze - 200 : 0;
		char *win = g_strndup (text + ws, ze - ws);
		GMatchInfo *pm;
		if (g_regex_match (R->postal, win, 0, &pm)) {
			char *s = g_match_info_fetch (pm, 0);
			char *e = wb_norm_postal (s);
			if (e)
				add_artifact (a, "postal", s, e, location);
			g_free (e);
			g_free (s);
		}
		g_match_info_free (pm);
		g_free (win);
	}
	g_array_free (ms, TRUE);
}

/* --- headers --- */

static char *
header_raw (GMimeObject *obj, const char *name)
{
	const char *v = g_mime_object_get_header (obj, name);
	return v ? g_strstrip (g_strdup (v)) : NULL;
}

static void
add_mailbox_list (wb_analysis_t *a, InternetAddressList *list, const char *location)
{
	if (!list)
		return;
	for (int i = 0; i < internet_address_list_length (list); i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
			add_email (a, addr, location, NULL);
		} else if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			add_mailbox_list (a, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)),
					  location);
		}
	}
}

/* Tag T of a DKIM-Signature (d, s), newly allocated, or NULL. */
static char *
dkim_tag (const char *sig, const char *t)
{
	char **tags = g_strsplit (sig, ";", -1);
	char *res = NULL;
	for (char **p = tags; *p && !res; p++) {
		char *s = g_strstrip (*p);
		char *eq = strchr (s, '=');
		if (!eq)
			continue;
		*eq = 0;
		if (!strcmp (g_strstrip (s), t))
			res = g_strdup (g_strstrip (eq + 1));
	}
	g_strfreev (tags);
	return res;
}

static void
analyze_headers (wb_analysis_t *a, GMimeMessage *msg, const wb_analyze_ctx_t *actx)
{
	GMimeObject *obj = GMIME_OBJECT (msg);
	GMimeHeaderList *hl = g_mime_object_get_header_list (obj);
	int n = hl ? g_mime_header_list_get_count (hl) : 0;
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
		const char *name = g_mime_header_get_name (h);
		if (!name)
			continue;
		if (!g_ascii_strcasecmp (name, "DKIM-Signature")) {
			const char *v = g_mime_header_get_raw_value (h);
			char *d = v ? dkim_tag (v, "d") : NULL, *s = v ? dkim_tag (v, "s") : NULL;
			if (d) {
				char *dom = norm_domain (d);
				add_artifact (a, "domain", d, dom ? dom : d, "header:DKIM-Signature");
				set_fact (a, "dkim_domain", d, FALSE, v);
				g_free (dom);
			}
			if (s)
				set_fact (a, "dkim_selector", s, FALSE, v);
			g_free (d);
			g_free (s);
		}
	}
	/* The hops, topmost first (they touch nothing the loop above does). */
	GPtrArray *received = wb_message_received (msg);
	for (guint i = 0; i < received->len; i++)
		g_ptr_array_add (a->hops, wb_hop_parse (g_ptr_array_index (received, i)));
	g_ptr_array_unref (received);
	int origin = wb_hops_mark (a->hops, actx ? actx->provider_hosts : NULL);
	/* IPs of the origin and of the hops below it (the sender's side).
	 * The provider's own hops and private addresses are left out: they
	 * are in every copy and would tie unrelated senders together. */
	for (guint i = origin >= 0 ? (guint) origin : 0; i < a->hops->len; i++) {
		wb_hop_t *h = g_ptr_array_index (a->hops, i);
		char loc[32];
		g_snprintf (loc, sizeof loc, "hop:%u", i);
		if (h->from_ip && (h->origin || !h->trusted) && !wb_ip_is_private (h->from_ip))
			add_artifact (a, "ip", h->from_ip, h->from_ip, loc);
	}
	if (origin >= 0) {
		wb_hop_t *o = g_ptr_array_index (a->hops, origin);
		if (o->from_ip)
			add_artifact (a, "ip", o->from_ip, o->from_ip, "origin");
		gboolean mismatch = o->notes && strstr (o->notes->str, "helo-mismatch") != NULL;
		set_fact (a, "helo_mismatch", mismatch ? "1" : "0", TRUE,
			  mismatch ? o->notes->str : o->raw);
	} else {
		set_fact (a, "helo_mismatch", "0", TRUE, "no origin hop");
	}
	GString *forged = g_string_new (NULL);
	for (guint i = 0; i < a->hops->len; i++) {
		wb_hop_t *h = g_ptr_array_index (a->hops, i);
		/* A different HELO name or a few hours of clock skew are common
		 * in honest relays; these are not. */
		const char *n = h->notes->str;
		if (!h->trusted && !h->origin
		    && (strstr (n, "chain-break") || strstr (n, "provider-claim")
			|| strstr (n, "time-reversed") || strstr (n, "bad-date")))
			g_string_append_printf (forged, "%shop %u: %s", forged->len ? "; " : "", i, n);
	}
	set_fact (a, "header_forged", forged->len ? "1" : "0", TRUE, forged->len ? forged->str : NULL);
	g_string_free (forged, TRUE);

	/* Sender addresses. */
	add_mailbox_list (a, g_mime_message_get_from (msg), "header:From");
	add_mailbox_list (a, g_mime_message_get_reply_to (msg), "header:Reply-To");
	add_mailbox_list (a, g_mime_message_get_sender (msg), "header:Sender");
	char *rp = header_raw (obj, "Return-Path");
	if (rp) {
		add_email (a, rp, "header:Return-Path", NULL);
		g_free (rp);
	}
	const char *mid = g_mime_message_get_message_id (msg);
	const char *at = mid ? strrchr (mid, '@') : NULL;
	if (at) {
		char *d = norm_domain (at + 1);
		add_artifact (a, "domain", at + 1, d, "header:Message-ID");
		g_free (d);
	}
	char *lu = header_raw (obj, "List-Unsubscribe");
	if (lu) {
		for (char *p = lu; (p = strchr (p, '<')); ) {
			char *e = strchr (p, '>');
			if (!e)
				break;
			char *u = g_strndup (p + 1, e - p - 1);
			add_url (a, u, "header:List-Unsubscribe", 0);
			g_free (u);
			p = e;
		}
	}
	char *xm = header_raw (obj, "X-Mailer");
	if (xm) {
		char *v = g_utf8_make_valid (xm, -1);
		set_fact (a, "x_mailer", v, FALSE, NULL);
		g_free (v);
		g_free (xm);
	}

	/* Subject labels: the first characters exactly (case counts). */
	const char *subj = g_mime_message_get_subject (msg);
	const char *s = subj ? subj : "";
	set_fact (a, "subject_adv", g_str_has_prefix (s, "ADV:") ? "1" : "0", FALSE, subj);
	set_fact (a, "subject_adv_adult", g_str_has_prefix (s, "ADV:ADULT") ? "1" : "0", FALSE, subj);
	set_fact (a, "subject_sexually_explicit",
		  g_str_has_prefix (s, "SEXUALLY-EXPLICIT:") ? "1" : "0", FALSE, subj);

	/* From domain validity. */
	InternetAddressList *from = g_mime_message_get_from (msg);
	const char *faddr = NULL;
	for (int i = 0; from && i < internet_address_list_length (from) && !faddr; i++) {
		InternetAddress *ia = internet_address_list_get_address (from, i);
		if (INTERNET_ADDRESS_IS_MAILBOX (ia))
			faddr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
		else if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			/* "Name: x <a@b>" (an unquoted colon) reads as a group. */
			InternetAddressList *g = internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia));
			for (int j = 0; g && j < internet_address_list_length (g) && !faddr; j++) {
				InternetAddress *ga = internet_address_list_get_address (g, j);
				if (INTERNET_ADDRESS_IS_MAILBOX (ga))
					faddr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ga));
			}
		}
	}
	const char *fat = faddr ? strrchr (faddr, '@') : NULL;
	char *fdom = fat ? norm_domain (fat + 1) : NULL;
	set_fact (a, "from_domain_valid", fdom ? "1" : "0", FALSE,
		  fat ? fat + 1 : (faddr ? faddr : "no From address"));
	g_free (fdom);

	/* Date against receipt (the topmost hop's time). */
	GDateTime *date = g_mime_message_get_date (msg);
	wb_hop_t *top = a->hops->len ? g_ptr_array_index (a->hops, 0) : NULL;
	if (date && top && !strcmp (top->time_status, "ok")) {
		int64_t d = g_date_time_to_unix (date) - top->time_epoch;
		if (d < 0)
			d = -d;
		char *ev = g_strdup_printf ("Date %s; received %s",
			g_mime_object_get_header (obj, "Date"), top->time_text);
		set_fact (a, "date_mismatch", d > 86400 ? "1" : "0", TRUE, ev);
		g_free (ev);
	} else {
		set_fact (a, "date_mismatch", "0", TRUE,
			  date ? "no receipt time" : "no valid Date header");
	}
	g_free (lu);
}

/* --- bodies and attachments --- */

static const char *
sniff (const unsigned char *b, size_t n)
{
	if (!b || n == 0) return "application/x-empty";
	if (n >= 4 && !memcmp (b, "%PDF", 4)) return "application/pdf";
	if (n >= 4 && !memcmp (b, "PK\3\4", 4)) return "application/zip";
	if (n >= 8 && !memcmp (b, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
	if (n >= 6 && (!memcmp (b, "GIF87a", 6) || !memcmp (b, "GIF89a", 6))) return "image/gif";
	if (n >= 3 && !memcmp (b, "\xff\xd8\xff", 3)) return "image/jpeg";
	if (n >= 2 && !memcmp (b, "MZ", 2)) return "application/x-msdownload";
	if (n >= 2 && !memcmp (b, "\x1f\x8b", 2)) return "application/gzip";
	if (n >= 4 && !memcmp (b, "Rar!", 4)) return "application/x-rar";
	if (n >= 8 && !memcmp (b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) return "application/x-ole-storage";
	if (n >= 2 && !memcmp (b, "BM", 2)) return "image/bmp";
	if (n >= 5 && !memcmp (b, "{\\rtf", 5)) return "application/rtf";
	size_t k = n < 512 ? n : 512;
	gboolean text = TRUE;
	for (size_t i = 0; i < k && text; i++)
		if (b[i] < 9 || (b[i] > 13 && b[i] < 32 && b[i] != 27))
			text = FALSE;
	if (!text)
		return "application/octet-stream";
	char *head = g_ascii_strdown ((const char *) b, k);
	gboolean html = strstr (head, "<html") || strstr (head, "<!doctype html") || strstr (head, "<body");
	g_free (head);
	return html ? "text/html" : "text/plain";
}

typedef struct {
	wb_analysis_t *a;
	GString *plain, *html;
	GPtrArray *html_parts;   /* char * texts of every HTML part */
	int idx;
} walk_t;

/* T (ISO-8859-1, NUL-terminated, freed here) in UTF-8: bytes under 0x80
 * as they are, the others as the two bytes of U+0080..U+00FF.  Returns
 * T itself when it has no such byte, else a new string. */
static char *
latin1_to_utf8 (char *t)
{
	size_t n = strlen (t), high = 0, i = 0;
	/* Most parts are ASCII: eight bytes at a time say so. */
	for (; i + 8 <= n; i += 8) {
		guint64 w;
		memcpy (&w, t + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	for (; i < n; i++)
		high += (guchar) t[i] >> 7;
	if (!high)
		return t;
	char *u = g_malloc (n + high + 1), *o = u;
	for (size_t i = 0; i < n; i++) {
		guchar c = t[i];
		if (c < 0x80) {
			*o++ = c;
		} else {
			*o++ = 0xc0 | (c >> 6);
			*o++ = 0x80 | (c & 0x3f);
		}
	}
	*o = 0;
	g_free (t);
	return u;
}

/* The decoded content of DW appended to OUT, as
 * g_mime_data_wrapper_write_to_stream() writes it.  That function makes a
 * filtered stream and, for base64 and quoted-printable, a decoding filter
 * around the content for every part, and copies through them in 4 KiB
 * chunks: here the content as the parser left it (a memory stream over
 * the copy's bytes) is read where it lies, and base64 and
 * quoted-printable are decoded in one step and a flush of the same
 * decoder (GMimeEncoding, the state the filter keeps between chunks), so
 * the bytes are those the filter gives.  Any other stream or encoding
 * (uuencode among them) goes through GMime's function. */
static void
content_bytes (GMimeDataWrapper *dw, GByteArray *out)
{
	GMimeStream *src = g_mime_data_wrapper_get_stream (dw);
	GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding (dw);
	gboolean decode = enc == GMIME_CONTENT_ENCODING_BASE64
		|| enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	gboolean as_is = enc == GMIME_CONTENT_ENCODING_DEFAULT || enc == GMIME_CONTENT_ENCODING_7BIT
		|| enc == GMIME_CONTENT_ENCODING_8BIT || enc == GMIME_CONTENT_ENCODING_BINARY;
	GByteArray *ba = src && GMIME_IS_STREAM_MEM (src)
		? g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (src)) : NULL;
	if (!ba || !(decode || as_is) || src->bound_start < 0 || src->bound_start > (gint64) ba->len
	    || (src->bound_end != -1 && (src->bound_end < src->bound_start || src->bound_end > (gint64) ba->len))) {
		GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (out);
		g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
		g_mime_data_wrapper_write_to_stream (dw, mem);
		g_object_unref (mem);
		return;
	}
	const char *in = (const char *) ba->data + src->bound_start;
	size_t n = (src->bound_end == -1 ? (gint64) ba->len : src->bound_end) - src->bound_start;
	if (as_is) {
		g_byte_array_append (out, (const guint8 *) in, n);
		return;
	}
	GMimeEncoding st;
	g_mime_encoding_init_decode (&st, enc);
	guint at = out->len;
	g_byte_array_set_size (out, at + g_mime_encoding_outlen (&st, n) + 8);
	size_t w = g_mime_encoding_step (&st, in, n, (char *) out->data + at);
	w += g_mime_encoding_flush (&st, in + n, 0, (char *) out->data + at + w);
	g_byte_array_set_size (out, at + w);
}

static char *
part_text_direct (GMimePart *part, gboolean *done, gboolean *valid)
{
	/* g_mime_text_part_get_text() converts through a charset filter, which
	 * opens iconv (and looks up its module) for every part, even from
	 * UTF-8 to UTF-8.  Its result is the decoded content itself when the
	 * part names no charset, or names UTF-8 or US-ASCII and the content
	 * is valid in it: then take the decoded content directly.  ISO-8859-1
	 * (a third of the parts that name a charset) maps each byte to the
	 * code point of its value, every byte valid: that is done here too.
	 * Anything else goes through GMime as before.  *VALID says the text
	 * returned is known to be valid UTF-8 (all but the no-charset case). */
	*done = FALSE;
	*valid = FALSE;
	GMimeContentType *ct = g_mime_object_get_content_type (GMIME_OBJECT (part));
	const char *cs = ct ? g_mime_content_type_get_parameter (ct, "charset") : NULL;
	gboolean ascii = cs && !g_ascii_strcasecmp (cs, "us-ascii");
	gboolean latin1 = cs && !g_ascii_strcasecmp (cs, "iso-8859-1");
	if (cs && !ascii && !latin1 && g_ascii_strcasecmp (cs, "utf-8"))
		return NULL;
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	if (!content) {
		*done = TRUE;
		return NULL;
	}
	GByteArray *ba = g_byte_array_new ();
	content_bytes (content, ba);
	g_byte_array_append (ba, (const guint8 *) "", 1);
	char *t = (char *) g_byte_array_free (ba, FALSE);
	gboolean ok = !cs;
	if (latin1) {
		*done = TRUE;
		*valid = TRUE;
		return latin1_to_utf8 (t);
	}
	if (ascii) {
		const char *p = t;
		while (*p && !(*p & 0x80))
			p++;
		ok = !*p;
	} else if (cs) {
		ok = g_utf8_validate (t, -1, NULL);
	}
	if (!ok) {
		g_free (t);
		return NULL;
	}
	*done = TRUE;
	*valid = cs != NULL;
	return t;
}

static char *
part_text (GMimePart *part)
{
	char *t = NULL;
	gboolean done = FALSE, valid = FALSE;
	if (GMIME_IS_TEXT_PART (part)) {
		t = part_text_direct (part, &done, &valid);
		if (!done)
			t = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
	}
	if (!t)
		return NULL;
	if (!valid && !g_utf8_validate (t, -1, NULL)) {
		char *v = g_utf8_make_valid (t, -1);
		g_free (t);
		t = v;
	}
	return t;
}

static void
each_part (GMimeObject *parent, GMimeObject *part, gpointer data)
{
	walk_t *w = data;
	if (GMIME_IS_MESSAGE_PART (part) || GMIME_IS_MULTIPART (part) || !GMIME_IS_PART (part))
		return;
	GMimePart *p = GMIME_PART (part);
	GMimeContentType *ct = g_mime_object_get_content_type (part);
	const char *fname = g_mime_part_get_filename (p);
	gboolean attach = g_mime_part_is_attachment (p) || fname;
	gboolean is_text = ct && g_mime_content_type_is_type (ct, "text", "plain");
	gboolean is_html = ct && g_mime_content_type_is_type (ct, "text", "html");
	if (!attach && (is_text || is_html)) {
		char *t = part_text (p);
		if (t) {
			if (is_text && !w->plain)
				w->plain = g_string_new (t);
			if (is_html)
				g_ptr_array_add (w->html_parts, t);
			else
				g_free (t);
		}
		return;
	}
	if (!attach && ct && g_mime_content_type_is_type (ct, "text", "*"))
		return;
	/* An attachment (or a part no reader would see as text). */
	GMimeDataWrapper *dw = g_mime_part_get_content (p);
	GByteArray *bytes = g_byte_array_new ();
	if (dw)
		content_bytes (dw, bytes);
	attachment_t *at = g_new0 (attachment_t, 1);
	at->filename = fname ? g_utf8_make_valid (fname, -1) : NULL;
	at->declared = ct ? g_mime_content_type_get_mime_type (ct) : NULL;
	at->sniffed = g_strdup (sniff (bytes->data, bytes->len));
	at->size = bytes->len;
	char hex[65];
	wb_sha256_hex (bytes->data, bytes->len, hex);
	at->sha256 = g_strdup (hex);
	g_ptr_array_add (w->a->attachments, at);
	g_byte_array_unref (bytes);
}

/* --- facts from the text --- */

static gboolean
toll_free (const char *e164)
{
	static const char *codes[] = { "800", "888", "877", "866", "855", "844", "833", NULL };
	if (!e164 || strncmp (e164, "+1", 2) != 0)
		return FALSE;
	for (int i = 0; codes[i]; i++)
		if (!strncmp (e164 + 2, codes[i], 3))
			return TRUE;
	return FALSE;
}

/* [a-z0-9]: what the phrase scan treats as inside a word (the text is in
 * lower case). */
static inline gboolean
is_lower_alnum (char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The bytes of a lexicon word: ASCII letters and digits, '$', '\'' and
 * '-' (NUL is not one). */
static const guint8 lexicon_word_byte[256] = {
	['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['$'] = 1, ['\''] = 1, ['-'] = 1,
};

/* Whether LIT stands at P, before END. */
static inline gboolean
has_at (const char *p, const char *end, const char *lit)
{
	size_t n = strlen (lit);
	return (size_t) (end - p) >= n && memcmp (p, lit, n) == 0;
}

/* N bytes of SRC (no NUL among them) to DST in ASCII lower case (as
 * g_ascii_strdown: other bytes as they are), and appended to FLAT at
 * *FL the same way but with each run of white space one space, none at
 * FLAT's start. */
static void
down_flat (char *dst, const char *src, size_t n, char *flat, size_t *fl)
{
	size_t f = *fl;
	for (size_t i = 0; i < n; i++) {
		char c = src[i];
		c = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
		dst[i] = c;
		if (g_ascii_isspace (c)) {
			if (f && flat[f - 1] != ' ')
				flat[f++] = ' ';
		} else {
			flat[f++] = c;
		}
	}
	*fl = f;
}

/* Whether the line at P (ASCII lower case, text ending at END) holds,
 * at P, the literal text of one of the opt-out regex's alternatives
 * (regexes_init: caseless, ASCII only as G_REGEX_RAW), \b anchors left
 * out: "unsubscrib", "remove", "removal", "opt" then "out", " out" or
 * "-out", "stop receiving", "no longer" then "wish", "want" or "like"
 * "to receive", "taken off", and "off (of )?(our|this|the) (mailing
 * )?list".  The first byte says which to compare. */
static gboolean
optout_literal_at (const char *p, const char *end)
{
	switch (*p) {
	case 'u':
		return has_at (p, end, "unsubscrib");
	case 'r':
		return has_at (p, end, "remov") && (has_at (p + 5, end, "e") || has_at (p + 5, end, "al"));
	case 's':
		return has_at (p, end, "stop receiving");
	case 'n':
		return has_at (p, end, "no longer ")
			&& (has_at (p + 10, end, "wish to receive") || has_at (p + 10, end, "want to receive")
			    || has_at (p + 10, end, "like to receive"));
	case 't':
		return has_at (p, end, "taken off");
	case 'o':
		if (has_at (p, end, "opt"))
			return has_at (p + 3, end, "out") || has_at (p + 3, end, " out")
				|| has_at (p + 3, end, "-out");
		if (!has_at (p, end, "off "))
			return FALSE;
		const char *q = p + 4;
		if (has_at (q, end, "of "))
			q += 3;
		if (has_at (q, end, "our "))
			q += 4;
		else if (has_at (q, end, "this "))
			q += 5;
		else if (has_at (q, end, "the "))
			q += 4;
		else
			return FALSE;
		if (has_at (q, end, "mailing "))
			q += 8;
		return has_at (q, end, "list");
	default:
		return FALSE;
	}
}

/* The first two bytes of optout_literal_at()'s literals: "un", "re",
 * "st", "no", "ta", "op" and "of", as bits of a table of every byte pair
 * (first byte high).  A switch on the first byte took a third of the
 * analysis's own time in optout_lines(): those letters are among the
 * commonest, and the branch went each way at random. */
#define OPTOUT_PAIR(a, b) [((a) << 5) | ((b) >> 3)] = 1u << ((b) & 7)
static const guint8 optout_pairs[8192] = {
	OPTOUT_PAIR ('u', 'n'), OPTOUT_PAIR ('r', 'e'), OPTOUT_PAIR ('s', 't'), OPTOUT_PAIR ('n', 'o'),
	OPTOUT_PAIR ('t', 'a'), OPTOUT_PAIR ('o', 'p'), OPTOUT_PAIR ('o', 'f'),
};
#undef OPTOUT_PAIR

static inline gboolean
optout_pair (const char *p)
{
	guchar a = (guchar) p[0], b = (guchar) p[1];
	return (optout_pairs[(a << 5) | (b >> 3)] >> (b & 7)) & 1;
}

/* The lines of LOW (ASCII lower case, N bytes) that can hold a match of
 * the opt-out regex: those holding one of its alternatives' literal text
 * (optout_literal_at(), a necessary condition).  No literal holds a
 * newline, so each occurrence lies within one line.  Returns the offsets
 * of those lines' starts, ascending, each once (an empty array: the regex
 * has no match).  One pass, line by line: a line is left at its first
 * literal.  LOW[N] must be readable (the NUL that ends LOW). */
static GArray *
optout_lines (const char *low, size_t n)
{
	GArray *starts = g_array_new (FALSE, FALSE, sizeof (gsize));
	const char *end = low + n;
	for (const char *ls = low; ls < end; ) {
		const char *le = memchr (ls, '\n', end - ls);
		if (!le)
			le = end;
		/* P[1] may be the line's '\n' or the NUL after END: no literal
		 * pair holds either. */
		for (const char *p = ls; p < le; p++) {
			if (optout_pair (p) && optout_literal_at (p, end)) {
				gsize off = ls - low;
				g_array_append_val (starts, off);
				break;
			}
		}
		ls = le + 1;
	}
	return starts;
}

/* Whether V holds "unsub", "remove", "optout", "opt-out" or "opt_out" in
 * any ASCII case: one pass, no lower-case copy. */
static gboolean
optout_word (const char *v)
{
	for (const char *p = v; *p; p++) {
		switch (*p) {
		case 'u': case 'U':
			if (ascii_ieq (p, "unsub", 5))
				return TRUE;
			break;
		case 'r': case 'R':
			if (ascii_ieq (p, "remove", 6))
				return TRUE;
			break;
		case 'o': case 'O':
			if (ascii_ieq (p, "optout", 6) || ascii_ieq (p, "opt-out", 7)
			    || ascii_ieq (p, "opt_out", 7))
				return TRUE;
			break;
		}
	}
	return FALSE;
}

/* What text_facts() reads of the subject and the text alone, packed
 * (text_scan()) as the body cache keeps it: a byte of flags, then each
 * string as a byte (0: none, 1: one follows) and, if one, the string and
 * its NUL.  Read back (text_scan_read()), the strings point into the
 * packed bytes. */
enum { SCAN_INSTR = 1, SCAN_LINK = 2, SCAN_REPLY = 4, SCAN_TOLLFREE = 8 };
typedef struct {
	guint flags;
	const char *notice;        /* the opt-out lines, or NULL */
	const char *legal;         /* the sender's legal name as matched, or NULL */
	const char *category;      /* the category's name, "other" when none won */
	const char *category_ev;   /* its words, or NULL */
	/* Then, for each adult category: whether it matched ("1" or "0")
	 * and its words, or NULL; packed, from ADULT to END. */
	const char *adult, *end;
} text_scan_t;

static void
scan_put (GString *b, const char *s)
{
	g_string_append_c (b, s ? 1 : 0);
	if (s)
		g_string_append_len (b, s, (gssize) strlen (s) + 1);
}

static const char *
scan_get (const char **p, const char *end)
{
	if (*p >= end || !*(*p)++)
		return NULL;
	const char *s = *p;
	*p += strlen (s) + 1;
	return s;
}

/* SCAN read back from B, packed by text_scan(). */
static void
text_scan_read (GBytes *b, text_scan_t *scan)
{
	gsize n;
	const char *p = g_bytes_get_data (b, &n), *end = p + n;
	memset (scan, 0, sizeof *scan);
	scan->flags = (guchar) *p++;
	scan->notice = scan_get (&p, end);
	scan->legal = scan_get (&p, end);
	scan->category = scan_get (&p, end);
	scan->category_ev = scan_get (&p, end);
	scan->adult = p;
	scan->end = end;
}

/* The opt-out lines, the legal name and the category of SUBJECT (may be
 * NULL: as "") and TEXT, packed as text_scan_t says. */
static GBytes *
text_scan (const char *text, const char *subject)
{
	const regexes_t *R = regexes ();
	GString *notice = g_string_new (NULL), *packed = g_string_new (NULL);
	gboolean link = FALSE, reply = FALSE, instr = FALSE, tollfree = FALSE;
	/* The subject and text in lower case (ASCII only, as
	 * g_ascii_strdown), for the opt-out test below and the category
	 * lexicon: one copy shared, made in one pass. */
	size_t sl = subject ? strlen (subject) : 0, tl = strlen (text);
	char *low = g_malloc (sl + tl + 2);
	/* FLAT, for the lexicon: LOW with each run of white space one space,
	 * none leading; made in the same pass. */
	char *flat = g_malloc (sl + tl + 2);
	size_t fl = 0;
	down_flat (low, subject ? subject : "", sl, flat, &fl);
	down_flat (low + sl, "\n", 1, flat, &fl);
	down_flat (low + sl + 1, text, tl, flat, &fl);
	low[sl + tl + 1] = 0;
	flat[fl] = 0;
	/* The notice: each line with opt-out wording.  This was one regex pass
	 * over the text, a match standing for its whole line (9% of the
	 * analysis).  No match can span a line (the pattern has no newline),
	 * and \b sees a line's ends as the text's, so the regex now runs line
	 * by line, and only on lines optout_lines() cannot rule out: the same
	 * lines, in the same order. */
	const char *tlow = low + sl + 1;   /* text in LOW */
	GArray *cand = optout_lines (tlow, tl);
	for (guint ci = 0; ci < cand->len; ci++) {
		const char *ls = text + g_array_index (cand, gsize, ci);
		const char *le = strchrnul (ls, '\n');
		GMatchInfo *om = NULL;
		gboolean hit = g_regex_match_full (R->optout, ls, le - ls, 0, 0, &om, NULL);
		if (om)
			g_match_info_free (om);
		if (!hit)
			continue;
		instr = TRUE;
		char *line = g_strndup (ls, le - ls);
		char *low = g_ascii_strdown (line, -1);
		if (strstr (low, "http") || strstr (low, "www.") || strstr (low, "click"))
			link = TRUE;
		if (strstr (low, "reply") || strchr (low, '@'))
			reply = TRUE;
		g_free (low);
		if (notice->len < 1000) {
			char *s = g_strstrip (g_strdup (line));
			g_string_append_printf (notice, "%s%s", notice->len ? " / " : "", s);
			g_free (s);
		}
		/* A toll-free number on the opt-out line. */
		GMatchInfo *m;
		GRegex *rs[] = { R->phone_nanp, R->phone_vanity };
		for (int k = 0; k < 2 && strpbrk (line, "0123456789"); k++) {
			g_regex_match (rs[k], line, 0, &m);
			while (g_match_info_matches (m)) {
				char *s = g_match_info_fetch (m, 0);
				char *e = wb_norm_phone (s);
				tollfree |= toll_free (e);
				g_free (e);
				g_free (s);
				g_match_info_next (m, NULL);
			}
			g_match_info_free (m);
		}
		g_free (line);
	}
	g_array_free (cand, TRUE);
	g_string_append_c (packed, (char) ((instr ? SCAN_INSTR : 0) | (link ? SCAN_LINK : 0)
					   | (reply ? SCAN_REPLY : 0) | (tollfree ? SCAN_TOLLFREE : 0)));
	scan_put (packed, notice->len ? notice->str : NULL);
	g_string_free (notice, TRUE);

	/* Sender identity. */
	GArray *lm = g_array_new (FALSE, FALSE, sizeof (int));
	wb_analyze_matches (WB_PAT_LEGAL, text, lm);
	if (lm->len) {
		int ls = g_array_index (lm, int, 0), le = g_array_index (lm, int, 1);
		char *s = g_strndup (text + ls, le - ls);
		scan_put (packed, s);
		g_free (s);
	} else {
		scan_put (packed, NULL);
	}
	g_array_free (lm, TRUE);

	/* Content category: whole words and phrases of the lexicon. */
	const wb_analysis_data_t *D = wb_analysis_data ();
	const char *flat_end = flat + fl;
	int ncat = D->categories->len;
	GPtrArray **hits = g_new0 (GPtrArray *, ncat);
	for (int c = 0; c < ncat; c++)
		hits[c] = g_ptr_array_new ();
	/* Words: runs of ASCII letters, digits, '$', '\'' and '-', looked up
	 * once in the table of every category's words. */
	char wbuf[64];
	for (const char *p = flat; *p; ) {
		const char *q = p;
		while (lexicon_word_byte[(guchar) *q])
			q++;
		/* Most words are in no category: the filter rules them out
		 * without copying or hashing them. */
		guint fb = q > p ? wb_word_filter_bit (q - p, p[0], q[-1]) : 0;
		if (q > p && q - p < (gssize) sizeof wbuf
		    && (D->word_filter[fb >> 3] & (1u << (fb & 7)))) {
			memcpy (wbuf, p, q - p);
			wbuf[q - p] = 0;
			char *orig;
			gpointer mask;
			if (g_hash_table_lookup_extended (D->cat_words, wbuf, (gpointer *) &orig, &mask)) {
				guint mk = GPOINTER_TO_UINT (mask);
				for (int c = 0; c < ncat; c++) {
					if (!(mk & (1u << c)))
						continue;
					gboolean dup = FALSE;
					for (guint k = 0; k < hits[c]->len && !dup; k++)
						dup = g_ptr_array_index (hits[c], k) == orig;
					if (!dup)
						g_ptr_array_add (hits[c], orig);
				}
			}
		}
		p = *q ? q + 1 : q;
	}
	/* Phrases: left to right, without overlap, each whole (no letter or
	 * digit on either side); at one position the first phrase in file
	 * order wins.  This was one regex alternation of every phrase, 12% of
	 * the analysis; this scan does exactly what that alternation did, but
	 * tries only the phrases beginning with the byte at hand. */
	for (const char *p = flat; *p; ) {
		GArray *cand = D->phrases_by_byte[(guchar) *p];
		const char *ph = NULL;
		size_t pl = 0;
		guchar next = p[1];
		if (cand && (p == flat || !is_lower_alnum (p[-1]))
		    && (D->phrase_second[(guchar) *p][next >> 3] & (1u << (next & 7)))) {
			size_t left = flat_end - p;
			for (guint k = 0; k < cand->len && !ph; k++) {
				const wb_phrase_t *c = &g_array_index (cand, wb_phrase_t, k);
				/* The first bytes are equal (the index); a phrase
				 * longer than what is left cannot match. */
				if (c->len <= left && (c->len < 2 || p[1] == c->text[1])
				    && memcmp (p, c->text, c->len) == 0 && !is_lower_alnum (p[c->len])) {
					ph = c->text;
					pl = c->len;
				}
			}
		}
		if (!ph) {
			/* No phrase starts inside a run of letters and digits
			 * (the one before would be a letter or digit): go past
			 * the run. */
			if (is_lower_alnum (*p))
				while (is_lower_alnum (*p))
					p++;
			else
				p++;
			continue;
		}
		char *orig;
		gpointer mask;
		if (g_hash_table_lookup_extended (D->cat_words, ph, (gpointer *) &orig, &mask)) {
			for (int c = 0; c < ncat; c++) {
				if (!(GPOINTER_TO_UINT (mask) & (1u << c)))
					continue;
				gboolean dup = FALSE;
				for (guint k = 0; k < hits[c]->len && !dup; k++)
					dup = g_ptr_array_index (hits[c], k) == orig;
				if (!dup)
					g_ptr_array_add (hits[c], orig);
			}
		}
		p += pl;
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
	GString *ev = g_string_new (NULL);
	if (best >= 0) {
		wb_category_t *cat = g_ptr_array_index (D->categories, best);
		scan_put (packed, cat->name);
		for (guint k = 0; k < hits[best]->len; k++)
			g_string_append_printf (ev, "%s%s", k ? ";" : "",
						(char *) g_ptr_array_index (hits[best], k));
	} else {
		scan_put (packed, "other");
	}
	scan_put (packed, ev->len ? ev->str : NULL);
	/* sexual_content: the adult lexicon matched, whatever won. */
	GString *adult = g_string_new (NULL);
	for (int c = 0; c < ncat; c++) {
		wb_category_t *cat = g_ptr_array_index (D->categories, c);
		if (strcmp (cat->name, "adult") != 0)
			continue;
		for (guint k = 0; k < hits[c]->len; k++)
			g_string_append_printf (adult, "%s%s", k ? ";" : "",
						(char *) g_ptr_array_index (hits[c], k));
		scan_put (packed, hits[c]->len >= (guint) cat->min ? "1" : "0");
		scan_put (packed, adult->len ? adult->str : NULL);
	}
	g_string_free (adult, TRUE);
	g_string_free (ev, TRUE);
	for (int c = 0; c < ncat; c++)
		g_ptr_array_unref (hits[c]);
	g_free (hits);
	g_free (flat);
	g_free (low);
	gsize pl = packed->len;
	return g_bytes_new_take (g_string_free (packed, FALSE), pl);
}

/* The facts of the text: what SCAN (text_scan()) found in it, with what
 * the analysis found elsewhere (its artifacts, LIST_UNSUB: a
 * List-Unsubscribe header). */
static void
text_facts (wb_analysis_t *a, const text_scan_t *scan, gboolean list_unsub)
{
	GString *kinds = g_string_new (NULL);
	gboolean link = FALSE, reply = FALSE;
	if (list_unsub)
		g_string_append (kinds, "list-unsubscribe");
	/* Links that are themselves the mechanism. */
	for (guint i = 0; i < a->artifacts->len; i++) {
		artifact_t *ar = g_ptr_array_index (a->artifacts, i);
		if (!g_str_has_prefix (ar->location, "body:") && !g_str_has_prefix (ar->location, "header:List"))
			continue;
		gboolean word = optout_word (ar->value);
		if (word && !strcmp (ar->kind, "url") && g_str_has_prefix (ar->location, "body:"))
			link = TRUE;
		if (word && !strcmp (ar->kind, "email") && g_str_has_prefix (ar->location, "body:"))
			reply = TRUE;
	}
	/* And the opt-out lines of the text. */
	link |= (scan->flags & SCAN_LINK) != 0;
	reply |= (scan->flags & SCAN_REPLY) != 0;
	gboolean instr = (scan->flags & SCAN_INSTR) != 0;
	if (link)
		g_string_append (kinds, kinds->len ? ";link" : "link");
	if (reply)
		g_string_append (kinds, kinds->len ? ";reply" : "reply");
	if (instr)
		g_string_append (kinds, kinds->len ? ";instruction" : "instruction");
	gboolean any = list_unsub || link || reply || instr;
	set_fact (a, "opt_out", any ? "1" : "0", !list_unsub,
		  scan->notice ? scan->notice : (list_unsub ? "List-Unsubscribe header" : NULL));
	set_fact (a, "opt_out_kinds", kinds->str, FALSE, NULL);
	set_fact (a, "opt_out_toll_free", scan->flags & SCAN_TOLLFREE ? "1" : "0", TRUE, NULL);
	g_string_free (kinds, TRUE);

	/* Sender identity. */
	set_fact (a, "sender_legal_name", scan->legal ? "1" : "0", TRUE, scan->legal);
	const char *postal = NULL;
	for (guint i = 0; i < a->artifacts->len && !postal; i++) {
		artifact_t *ar = g_ptr_array_index (a->artifacts, i);
		if (!strcmp (ar->kind, "postal"))
			postal = ar->value;
	}
	set_fact (a, "sender_street_address", postal ? "1" : "0", TRUE, postal);

	/* Content category. */
	a->category = g_strdup (scan->category);
	set_fact (a, "category", a->category, TRUE, scan->category_ev);
	/* sexual_content: the adult lexicon matched, whatever won. */
	for (const char *p = scan->adult; p < scan->end; ) {
		const char *v = scan_get (&p, scan->end), *ev = scan_get (&p, scan->end);
		set_fact (a, "sexual_content", v, TRUE, ev);
	}
}

/* --- the pure entry point --- */

static void attachment_free (attachment_t *x) { g_free (x->filename); g_free (x->declared); g_free (x->sniffed); g_free (x->sha256); g_free (x); }

/* wb_html_to_text() of H, its links appended to LINKS; from CACHE when it
 * holds them.  Kept as the text and then each link, each ending in a NUL
 * (what the caller reads of them: C strings), and read back from there
 * whether just made or kept: one way for both. */
static char *
html_text_of (wb_body_cache_t *cache, const char *h, GPtrArray *links)
{
	size_t len = strlen (h);
	if (!cache)
		return wb_html_to_text (h, len, links);
	unsigned char key[WB_BODY_KEY_LEN];
	wb_body_key ('h', h, len, key);
	GBytes *v = wb_body_cache_get (cache, key);
	if (!v) {
		GPtrArray *made = g_ptr_array_new_with_free_func (g_free);
		char *t = wb_html_to_text (h, len, made);
		GString *b = g_string_new_len (t, (gssize) strlen (t) + 1);
		g_free (t);
		for (guint i = 0; i < made->len; i++)
			g_string_append_len (b, made->pdata[i], (gssize) strlen (made->pdata[i]) + 1);
		g_ptr_array_unref (made);
		gsize bl = b->len;
		v = g_bytes_new_take (g_string_free (b, FALSE), bl);
		wb_body_cache_put (cache, key, v);
	}
	gsize n;
	const char *p = g_bytes_get_data (v, &n), *end = p + n;
	char *t = g_strdup (p);
	for (p += strlen (p) + 1; p < end; p += strlen (p) + 1)
		g_ptr_array_add (links, g_strdup (p));
	g_bytes_unref (v);
	return t;
}

/* text_scan() of TEXT and SUBJECT, from CACHE when it holds it, under
 * the SHA-256 of the text's (in BODY_KEY, the fingerprint's key) and the
 * subject. */
static GBytes *
text_scan_of (wb_body_cache_t *cache, const char *text, const char *subject,
	      const unsigned char body_key[WB_BODY_KEY_LEN])
{
	if (!cache)
		return text_scan (text, subject);
	size_t sl = subject ? strlen (subject) : 0;
	char *in = g_malloc (WB_BODY_KEY_LEN - 1 + sl);
	memcpy (in, body_key + 1, WB_BODY_KEY_LEN - 1);
	if (sl)
		memcpy (in + WB_BODY_KEY_LEN - 1, subject, sl);
	unsigned char key[WB_BODY_KEY_LEN];
	wb_body_key ('t', in, WB_BODY_KEY_LEN - 1 + sl, key);
	g_free (in);
	GBytes *v = wb_body_cache_get (cache, key);
	if (!v) {
		v = text_scan (text, subject);
		wb_body_cache_put (cache, key, v);
	}
	return v;
}

/* wb_simhash() of TEXT (whose cache key is KEY), from CACHE when it holds
 * it: whether there is one, then its 8 bytes. */
static gboolean
fingerprint_of (wb_body_cache_t *cache, const char *text, const unsigned char key[WB_BODY_KEY_LEN],
		uint64_t *fp)
{
	GBytes *v = cache ? wb_body_cache_get (cache, key) : NULL;
	unsigned char b[1 + sizeof *fp];
	if (v) {
		memcpy (b, g_bytes_get_data (v, NULL), sizeof b);
		g_bytes_unref (v);
		memcpy (fp, b + 1, sizeof *fp);
		return b[0];
	}
	/* No trap: wb_simhash() masks every address alike, the trap's too. */
	b[0] = (unsigned char) wb_simhash (text, NULL, fp);
	memcpy (b + 1, fp, sizeof *fp);
	if (cache) {
		v = g_bytes_new (b, sizeof b);
		wb_body_cache_put (cache, key, v);
		g_bytes_unref (v);
	}
	return b[0];
}

wb_analysis_t *
wb_analyze (GMimeMessage *msg, const char *raw, size_t len, const wb_analyze_ctx_t *actx)
{
	wb_analysis_t *a = g_new0 (wb_analysis_t, 1);
	a->keep_next = KEEP_FIRST;
	/* Parsed hops, until they are moved to the arena at the end. */
	a->hops = g_ptr_array_new_with_free_func ((GDestroyNotify) wb_hop_free);
	a->artifacts = g_ptr_array_new ();
	a->seen = g_hash_table_new_full (seen_hash, seen_equal, g_free, NULL);
	a->locations = g_ptr_array_sized_new (16);
	a->facts = g_ptr_array_new ();
	a->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
	a->warnings = g_ptr_array_new_with_free_func (g_free);
	wb_analysis_data ();
	GMimeMessage *own = NULL;
	char *trap = actx && actx->trap_address ? wb_norm_email (actx->trap_address) : NULL;
	if (!msg && raw && len) {
		GMimeStream *st = wb_mem_stream (raw, len);
		GMimeParser *ps = g_mime_parser_new_with_stream (st);
		own = g_mime_parser_construct_message (ps, NULL);
		g_object_unref (ps);
		g_object_unref (st);
		msg = own;
	}
	walk_t w = { a, NULL, NULL, g_ptr_array_new_with_free_func (g_free), 0 };
	if (!msg) {
		warn (a, "not a message: nothing to analyse");
		a->body_text = g_strdup ("");
		goto facts;
	}
	analyze_headers (a, msg, actx);
	GMimeObject *body = g_mime_message_get_mime_part (msg);
	if (body) {
		if (GMIME_IS_MULTIPART (body))
			g_mime_multipart_foreach (GMIME_MULTIPART (body), each_part, &w);
		else
			each_part (NULL, body, &w);
	}
	GPtrArray *links = g_ptr_array_new_with_free_func (g_free);
	char *html_text = NULL;
	for (guint i = 0; i < w.html_parts->len; i++) {
		const char *h = g_ptr_array_index (w.html_parts, i);
		char *t = html_text_of (actx ? actx->cache : NULL, h, links);
		if (!html_text)
			html_text = t;
		else
			g_free (t);
	}
	if (w.plain) {
		a->body_text = g_string_free (w.plain, FALSE);
		g_free (html_text);
	} else if (html_text) {
		a->body_text = html_text;
	} else {
		a->body_text = g_strdup ("");
		if (!body || !a->attachments->len)
			warn (a, "no text body");
	}
	for (guint i = 0; i < links->len; i++) {
		const char *l = g_ptr_array_index (links, i);
		gboolean href = g_str_has_prefix (l, "href ");
		const char *u = strchr (l, ' ') + 1;
		if (g_ascii_strncasecmp (u, "mailto:", 7) == 0)
			add_email (a, u, href ? "body:href" : "body:src", trap);
		else
			add_url (a, u, href ? "body:href" : "body:src", 0);
	}
	g_ptr_array_unref (links);
	extract_text (a, a->body_text, "body:text", trap);
facts:;
	const char *subject = msg ? g_mime_message_get_subject (msg) : NULL;
	gboolean lu = msg && g_mime_object_get_header (GMIME_OBJECT (msg), "List-Unsubscribe");
	if (!msg) {
		set_fact (a, "subject_adv", "0", FALSE, NULL);
		set_fact (a, "subject_adv_adult", "0", FALSE, NULL);
		set_fact (a, "subject_sexually_explicit", "0", FALSE, NULL);
		set_fact (a, "from_domain_valid", "0", FALSE, "no From address");
		set_fact (a, "header_forged", "0", TRUE, NULL);
		set_fact (a, "helo_mismatch", "0", TRUE, "no origin hop");
		set_fact (a, "date_mismatch", "0", TRUE, "no valid Date header");
	}
	/* The body's SHA-256: its body_texts key (wb_text_key(), here in a
	 * parse worker, not in the writer) and the cache's key of its
	 * fingerprint and (with the subject) of its scan. */
	unsigned char key[WB_BODY_KEY_LEN];
	wb_body_key ('s', a->body_text, strlen (a->body_text), key);
	a->body_key = wb_text_key_of (key + 1);
	GBytes *scanned = text_scan_of (actx ? actx->cache : NULL, a->body_text, subject, key);
	text_scan_t scan;
	text_scan_read (scanned, &scan);
	text_facts (a, &scan, lu);
	g_bytes_unref (scanned);
	/* The fingerprint: the body, or the subject when there is none. */
	if (*a->body_text)
		a->has_fp = fingerprint_of (actx ? actx->cache : NULL, a->body_text, key, &a->fp);
	else
		a->has_fp = wb_simhash (subject, trap, &a->fp);
	/* What only the making needed goes now, while in the cache; the hops
	 * join the rest in the arena. */
	g_hash_table_unref (a->seen);
	a->seen = NULL;
	g_ptr_array_unref (a->locations);
	a->locations = NULL;
	if (a->urls_done)
		g_hash_table_unref (a->urls_done);
	a->urls_done = NULL;
	for (guint i = 0; i < a->hops->len; i++) {
		wb_hop_t *h = a->hops->pdata[i];
		a->hops->pdata[i] = keep_hop (a, h);
		wb_hop_free (h);
	}
	g_ptr_array_set_free_func (a->hops, NULL);
	g_ptr_array_unref (w.html_parts);
	if (own)
		g_object_unref (own);
	g_free (trap);
	return a;
}

void
wb_analysis_free (wb_analysis_t *a)
{
	if (!a)
		return;
	g_ptr_array_unref (a->hops);
	g_ptr_array_unref (a->artifacts);
	for (void *b = a->keep, *next; b; b = next) {
		next = *(void **) b;
		g_free (b);
	}
	g_ptr_array_unref (a->facts);
	g_ptr_array_unref (a->attachments);
	g_ptr_array_unref (a->warnings);
	g_free (a->body_text);
	g_free (a->category);
	g_free (a);
}

/* --- accessors --- */

const char *wb_analysis_body_text (const wb_analysis_t *a) { return a->body_text ? a->body_text : ""; }
const char *wb_analysis_category (const wb_analysis_t *a) { return a->category ? a->category : "other"; }
GPtrArray *wb_analysis_hops (const wb_analysis_t *a) { return a->hops; }
guint wb_analysis_n_artifacts (const wb_analysis_t *a) { return a->artifacts->len; }

gboolean
wb_analysis_fingerprint (const wb_analysis_t *a, int64_t *fp)
{
	if (a->has_fp && fp)
		*fp = (int64_t) a->fp;
	return a->has_fp;
}

guint
wb_analysis_n_facts (const wb_analysis_t *a)
{
	return a ? a->facts->len : 0;
}

void
wb_analysis_fact_at (const wb_analysis_t *a, guint i, const char **name, const char **value,
		     const char **confidence, const char **evidence)
{
	const fact_t *f = g_ptr_array_index (a->facts, i);
	*name = f->name;
	*value = f->value;
	*confidence = f->confidence;
	*evidence = f->evidence;
}

const char *
wb_analysis_fact (const wb_analysis_t *a, const char *name, const char **evidence)
{
	for (guint i = 0; i < a->facts->len; i++) {
		fact_t *f = g_ptr_array_index (a->facts, i);
		if (!strcmp (f->name, name)) {
			if (evidence)
				*evidence = f->evidence;
			return f->value;
		}
	}
	return NULL;
}

char *
wb_analysis_warnings (const wb_analysis_t *a)
{
	if (!a->warnings->len)
		return NULL;
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < a->warnings->len; i++)
		g_string_append_printf (s, "%s%s", i ? "; " : "", (char *) g_ptr_array_index (a->warnings, i));
	return g_string_free (s, FALSE);
}

void
wb_analysis_artifact (const wb_analysis_t *a, guint i, const char **kind, const char **raw,
		      const char **value, const char **location)
{
	artifact_t *ar = g_ptr_array_index (a->artifacts, i);
	if (kind) *kind = ar->kind;
	if (raw) *raw = ar->raw;
	if (value) *value = ar->value;
	if (location) *location = ar->location;
}

gboolean
wb_analysis_has_artifact (const wb_analysis_t *a, const char *kind, const char *value)
{
	for (guint i = 0; i < a->artifacts->len; i++) {
		artifact_t *ar = g_ptr_array_index (a->artifacts, i);
		if (!strcmp (ar->kind, kind) && !strcmp (ar->value, value))
			return TRUE;
	}
	return FALSE;
}
