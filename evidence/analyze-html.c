/* HTML bodies to the text a reader sees, with libxml2's HTML parser (which
 * decodes entities, recovers from broken markup and drops comments).  The
 * parser runs with SAX callbacks, not building a tree: the text and links
 * are collected as elements open and close. */
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include "analyze.h"

/* TAG_HREF, TAG_SRC, TAG_ACTION: the attribute holding the element's
 * link, if any, read as an "href" or "src" link. */
enum { TAG_BLOCK = 1, TAG_UNSEEN = 2, TAG_VOID = 4, TAG_HREF = 8, TAG_SRC = 16, TAG_ACTION = 32 };

typedef struct {
	const char *name;
	int flags;
} tag_t;

/* Sorted by name (bsearch).  Block elements start a line; the content of
 * unseen ones is never shown; void ones have no content and no end tag, so
 * they never hide what follows. */
static const tag_t tags[] = {
	{ "a", TAG_HREF },
	{ "address", TAG_BLOCK }, { "area", TAG_VOID | TAG_HREF }, { "article", TAG_BLOCK },
	{ "base", TAG_VOID }, { "blockquote", TAG_BLOCK }, { "body", TAG_BLOCK },
	{ "br", TAG_BLOCK | TAG_VOID }, { "center", TAG_BLOCK }, { "col", TAG_VOID },
	{ "dd", TAG_BLOCK }, { "div", TAG_BLOCK }, { "dl", TAG_BLOCK }, { "dt", TAG_BLOCK },
	{ "embed", TAG_VOID }, { "footer", TAG_BLOCK }, { "form", TAG_BLOCK | TAG_ACTION },
	{ "frame", TAG_SRC },
	{ "h1", TAG_BLOCK }, { "h2", TAG_BLOCK }, { "h3", TAG_BLOCK }, { "h4", TAG_BLOCK },
	{ "h5", TAG_BLOCK }, { "h6", TAG_BLOCK }, { "head", TAG_UNSEEN }, { "header", TAG_BLOCK },
	{ "hr", TAG_BLOCK | TAG_VOID }, { "iframe", TAG_SRC }, { "img", TAG_VOID | TAG_SRC },
	{ "input", TAG_VOID },
	{ "li", TAG_BLOCK }, { "link", TAG_VOID }, { "meta", TAG_VOID },
	{ "noscript", TAG_UNSEEN }, { "ol", TAG_BLOCK }, { "p", TAG_BLOCK },
	{ "param", TAG_VOID }, { "pre", TAG_BLOCK }, { "script", TAG_UNSEEN },
	{ "section", TAG_BLOCK }, { "source", TAG_VOID }, { "style", TAG_UNSEEN },
	{ "table", TAG_BLOCK }, { "td", TAG_BLOCK }, { "th", TAG_BLOCK }, { "title", TAG_BLOCK },
	{ "tr", TAG_BLOCK }, { "ul", TAG_BLOCK }, { "wbr", TAG_VOID },
};

/* first[c - 'a'] .. first[c - 'a' + 1]: the entries of TAGS beginning
 * with letter c (TAGS is sorted); tag_len[k]: the length of tags[k]. */
static guint8 first[27];
static guint8 tag_len[G_N_ELEMENTS (tags)];

static gpointer
first_init (gpointer unused)
{
	guint k = 0;
	for (int c = 0; c < 26; c++) {
		while (k < G_N_ELEMENTS (tags) && tags[k].name[0] < 'a' + c)
			k++;
		first[c] = k;
	}
	first[26] = G_N_ELEMENTS (tags);
	for (k = 0; k < G_N_ELEMENTS (tags); k++)
		tag_len[k] = strlen (tags[k].name);
	return NULL;
}

/* The TAG_* flags of element NAME, whatever its case: the entries of
 * its first letter, of its length, compared byte by byte. */
static int
tag_flags (const char *name)
{
	char low[16];
	size_t n = 0;
	for (; name[n]; n++) {
		if (n + 1 >= sizeof low)
			return 0;
		char c = name[n];
		low[n] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
	}
	if (n == 0 || low[0] < 'a' || low[0] > 'z')
		return 0;
	int c = low[0] - 'a';
	for (guint k = first[c]; k < first[c + 1]; k++) {
		if (tag_len[k] != n)
			continue;
		size_t i = 1;
		while (i < n && low[i] == tags[k].name[i])
			i++;
		if (i == n)
			return tags[k].flags;
	}
	return 0;
}

/* Hidden from the reader: display:none, visibility:hidden, the hidden
 * attribute, or zero font size. */
static gboolean
is_hidden (const xmlChar **atts)
{
	for (int i = 0; atts && atts[i]; i += 2) {
		const char *k = (const char *) atts[i], *v = (const char *) atts[i + 1];
		/* Most attributes are neither: their first letter says so. */
		char k0 = k[0] | 0x20;
		if (k0 != 'h' && k0 != 's')
			continue;
		if (!g_ascii_strcasecmp (k, "hidden"))
			return TRUE;
		if (g_ascii_strcasecmp (k, "style") || !v)
			continue;
		/* The value without white space, in lower case: on the stack
		 * when it fits. */
		char room[256];
		size_t n = strlen (v);
		char *c = n < sizeof room ? room : g_malloc (n + 1), *o = c;
		for (const char *p = v; *p; p++)
			if (!g_ascii_isspace (*p))
				*o++ = g_ascii_tolower (*p);
		*o = 0;
		gboolean hidden = strstr (c, "display:none") || strstr (c, "visibility:hidden")
			|| strstr (c, "font-size:0;") || g_str_has_suffix (c, "font-size:0")
			|| strstr (c, "font-size:0px");
		if (c != room)
			g_free (c);
		if (hidden)
			return TRUE;
	}
	return FALSE;
}

typedef struct {
	GString *out;
	GPtrArray *links;
	int skip;            /* depth inside unseen or hidden elements */
	/* Per open element, STACK_LEN of them: 1 if it started a skip (in
	 * ROOM until it is full, then in memory of its own). */
	char *stack;
	size_t stack_len, stack_size;
	char room[256];
} sax_t;

static void
line_break (GString *out)
{
	while (out->len && out->str[out->len - 1] == ' ')
		g_string_truncate (out, out->len - 1);
	if (out->len && out->str[out->len - 1] != '\n')
		g_string_append_c (out, '\n');
}

static void
add_link (sax_t *s, const char *kind, const xmlChar **atts, const char *attr)
{
	for (int i = 0; atts && atts[i]; i += 2) {
		if (g_ascii_strcasecmp ((const char *) atts[i], attr) || !atts[i + 1])
			continue;
		/* "KIND VALUE", the value without white space at either end
		 * (as g_strstrip). */
		const char *v = (const char *) atts[i + 1];
		while (g_ascii_isspace (*v))
			v++;
		size_t n = strlen (v);
		while (n && g_ascii_isspace (v[n - 1]))
			n--;
		if (n) {
			size_t kl = strlen (kind);
			char *l = g_malloc (kl + 1 + n + 1);
			memcpy (l, kind, kl);
			l[kl] = ' ';
			memcpy (l + kl + 1, v, n);
			l[kl + 1 + n] = 0;
			g_ptr_array_add (s->links, l);
		}
		return;
	}
}

static void
on_start (void *ctx, const xmlChar *tag, const xmlChar **atts)
{
	sax_t *s = ((htmlParserCtxtPtr) ctx)->_private;
	const char *name = (const char *) tag;
	int flags = tag_flags (name);
	/* Links count even in hidden parts: they are in the message. */
	if (s->links) {
		if (flags & TAG_HREF)
			add_link (s, "href", atts, "href");
		else if (flags & TAG_SRC)
			add_link (s, "src", atts, "src");
		else if (flags & TAG_ACTION)
			add_link (s, "href", atts, "action");
	}
	gboolean starts_skip = !(flags & TAG_VOID) && ((flags & TAG_UNSEEN) || is_hidden (atts));
	if (!s->skip && (flags & TAG_BLOCK))
		line_break (s->out);
	if (s->stack_len == s->stack_size) {
		s->stack_size *= 2;
		if (s->stack == s->room)
			s->stack = memcpy (g_malloc (s->stack_size), s->room, s->stack_len);
		else
			s->stack = g_realloc (s->stack, s->stack_size);
	}
	s->stack[s->stack_len++] = starts_skip;
	if (starts_skip)
		s->skip++;
}

static void
on_end (void *ctx, const xmlChar *tag)
{
	sax_t *s = ((htmlParserCtxtPtr) ctx)->_private;
	if (s->stack_len) {
		char flag = s->stack[--s->stack_len];
		if (flag && s->skip > 0)
			s->skip--;
	}
	if (!s->skip && (tag_flags ((const char *) tag) & TAG_BLOCK))
		line_break (s->out);
}

static void
on_text (void *ctx, const xmlChar *ch, int len)
{
	sax_t *s = ((htmlParserCtxtPtr) ctx)->_private;
	if (s->skip)
		return;
	/* White space runs collapse to one space, as a browser does: each
	 * byte of another kind is copied, each white space byte is one space
	 * unless the text so far ends in a space or a line break (so a run
	 * gives at most one).  The bytes are written in place, in room made
	 * once for the whole run (a call per word cost more than the words):
	 * the text grows by at most LEN. */
	GString *out = s->out;
	gsize start = out->len;
	g_string_set_size (out, start + len);
	char *base = out->str, *o = base + start;
	for (const char *p = (const char *) ch, *end = p + len; p < end; p++) {
		char c = *p;
		if (!g_ascii_isspace (c))
			*o++ = c;
		else if (o > base && o[-1] != ' ' && o[-1] != '\n')
			*o++ = ' ';
	}
	g_string_truncate (out, o - base);
}

char *
wb_html_to_text (const char *html, size_t len, GPtrArray *links)
{
	static GOnce once = G_ONCE_INIT;
	g_once (&once, first_init, NULL);
	wb_analysis_data ();   /* xmlInitParser(), once */
	GString *out = g_string_new (NULL);
	if (!html || len == 0 || len > G_MAXINT)
		return g_string_free (out, FALSE);
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt ();
	if (!ctxt)
		return g_string_free (out, FALSE);
	sax_t s = { out, links, 0, NULL, 0, 0, { 0 } };
	s.stack = s.room;
	s.stack_size = sizeof s.room;
	/* Only our callbacks: no tree, no document. */
	memset (ctxt->sax, 0, sizeof (htmlSAXHandler));
	ctxt->sax->startElement = on_start;
	ctxt->sax->endElement = on_end;
	ctxt->sax->characters = on_text;
	ctxt->sax->cdataBlock = on_text;
	ctxt->_private = &s;
	htmlDocPtr doc = htmlCtxtReadMemory (ctxt, html, (int) len, NULL, "UTF-8",
		HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
		| HTML_PARSE_NONET | HTML_PARSE_COMPACT);
	if (doc)
		xmlFreeDoc (doc);
	htmlFreeParserCtxt (ctxt);
	if (s.stack != s.room)
		g_free (s.stack);
	/* Trim each line (the white space g_strstrip() takes off) and drop
	 * runs of blank lines. */
	GString *clean = g_string_sized_new (out->len);
	int blank = 0;
	for (const char *l = out->str, *end = out->str + strlen (out->str); l <= end; ) {
		const char *e = memchr (l, '\n', end - l);
		if (!e)
			e = end;
		const char *next = e + 1;
		while (l < e && g_ascii_isspace (*l))
			l++;
		while (e > l && g_ascii_isspace (e[-1]))
			e--;
		/* U+00A0 (&nbsp;) alone on a line counts as blank. */
		while (e - l >= 2 && l[0] == '\xc2' && l[1] == '\xa0')
			l += 2;
		if (l == e) {
			blank++;
		} else {
			if (clean->len)
				g_string_append (clean, blank ? "\n\n" : "\n");
			blank = 0;
			g_string_append_len (clean, l, e - l);
		}
		l = next;
	}
	g_string_free (out, TRUE);
	return g_string_free (clean, FALSE);
}
