/* The reference for wb_html_to_text(): the code it replaced, which gives
 * libxml2 the document whole (see test-analyze-html-ref.c).  Shared by
 * that unit test and by tests/tools/html-diff.c, which runs both over the
 * SpamAssassin corpus's HTML parts. */
#ifndef HTML_REF_H
#define HTML_REF_H
#include <string.h>
#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

enum { TAG_BLOCK = 1, TAG_UNSEEN = 2, TAG_VOID = 4, TAG_HREF = 8, TAG_SRC = 16, TAG_ACTION = 32 };

typedef struct {
	const char *name;
	int flags;
} ref_tag_t;

static const ref_tag_t ref_tags[] = {
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

static int
ref_tag_flags (const char *name)
{
	char *low = g_ascii_strdown (name, -1);
	int flags = 0;
	for (gsize k = 0; k < G_N_ELEMENTS (ref_tags); k++)
		if (strcmp (low, ref_tags[k].name) == 0)
			flags = ref_tags[k].flags;
	g_free (low);
	return flags;
}

static gboolean
ref_is_hidden (const xmlChar **atts)
{
	for (int i = 0; atts && atts[i]; i += 2) {
		const char *k = (const char *) atts[i], *v = (const char *) atts[i + 1];
		if (!g_ascii_strcasecmp (k, "hidden"))
			return TRUE;
		if (g_ascii_strcasecmp (k, "style") || !v)
			continue;
		GString *c = g_string_new (NULL);
		for (const char *p = v; *p; p++)
			if (!g_ascii_isspace (*p))
				g_string_append_c (c, g_ascii_tolower (*p));
		gboolean hidden = strstr (c->str, "display:none") || strstr (c->str, "visibility:hidden")
			|| strstr (c->str, "font-size:0;") || g_str_has_suffix (c->str, "font-size:0")
			|| strstr (c->str, "font-size:0px");
		g_string_free (c, TRUE);
		if (hidden)
			return TRUE;
	}
	return FALSE;
}

typedef struct {
	GString *out;
	GPtrArray *links;
	int skip;
	GArray *stack;
} ref_sax_t;

static void
ref_line_break (GString *out)
{
	while (out->len && out->str[out->len - 1] == ' ')
		g_string_truncate (out, out->len - 1);
	if (out->len && out->str[out->len - 1] != '\n')
		g_string_append_c (out, '\n');
}

static void
ref_add_link (ref_sax_t *s, const char *kind, const xmlChar **atts, const char *attr)
{
	for (int i = 0; atts && atts[i]; i += 2) {
		if (g_ascii_strcasecmp ((const char *) atts[i], attr) || !atts[i + 1])
			continue;
		char *v = g_strstrip (g_strdup ((const char *) atts[i + 1]));
		if (*v)
			g_ptr_array_add (s->links, g_strconcat (kind, " ", v, NULL));
		g_free (v);
		return;
	}
}

static void
ref_on_start (void *ctx, const xmlChar *tag, const xmlChar **atts)
{
	ref_sax_t *s = ((htmlParserCtxtPtr) ctx)->_private;
	int flags = ref_tag_flags ((const char *) tag);
	if (s->links) {
		if (flags & TAG_HREF)
			ref_add_link (s, "href", atts, "href");
		else if (flags & TAG_SRC)
			ref_add_link (s, "src", atts, "src");
		else if (flags & TAG_ACTION)
			ref_add_link (s, "href", atts, "action");
	}
	gboolean starts_skip = !(flags & TAG_VOID) && ((flags & TAG_UNSEEN) || ref_is_hidden (atts));
	if (!s->skip && (flags & TAG_BLOCK))
		ref_line_break (s->out);
	char flag = starts_skip;
	g_array_append_val (s->stack, flag);
	if (starts_skip)
		s->skip++;
}

static void
ref_on_end (void *ctx, const xmlChar *tag)
{
	ref_sax_t *s = ((htmlParserCtxtPtr) ctx)->_private;
	if (s->stack->len) {
		char flag = g_array_index (s->stack, char, s->stack->len - 1);
		g_array_set_size (s->stack, s->stack->len - 1);
		if (flag && s->skip > 0)
			s->skip--;
	}
	if (!s->skip && (ref_tag_flags ((const char *) tag) & TAG_BLOCK))
		ref_line_break (s->out);
}

static void
ref_on_text (void *ctx, const xmlChar *ch, int len)
{
	ref_sax_t *s = ((htmlParserCtxtPtr) ctx)->_private;
	if (s->skip)
		return;
	GString *out = s->out;
	for (int i = 0; i < len; i++) {
		char c = ch[i];
		if (g_ascii_isspace (c)) {
			if (out->len && out->str[out->len - 1] != ' ' && out->str[out->len - 1] != '\n')
				g_string_append_c (out, ' ');
		} else {
			g_string_append_c (out, c);
		}
	}
}

static char *
ref_html_to_text (const char *html, size_t len, GPtrArray *links)
{
	GString *out = g_string_new (NULL);
	if (!html || len == 0 || len > G_MAXINT)
		return g_string_free (out, FALSE);
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt ();
	ref_sax_t s = { out, links, 0, g_array_new (FALSE, FALSE, 1) };
	memset (ctxt->sax, 0, sizeof (htmlSAXHandler));
	ctxt->sax->startElement = ref_on_start;
	ctxt->sax->endElement = ref_on_end;
	ctxt->sax->characters = ref_on_text;
	ctxt->sax->cdataBlock = ref_on_text;
	ctxt->_private = &s;
	htmlDocPtr doc = htmlCtxtReadMemory (ctxt, html, (int) len, NULL, "UTF-8",
		HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
		| HTML_PARSE_NONET | HTML_PARSE_COMPACT);
	if (doc)
		xmlFreeDoc (doc);
	htmlFreeParserCtxt (ctxt);
	g_array_unref (s.stack);
	GString *clean = g_string_new (NULL);
	char **lines = g_strsplit (out->str, "\n", -1);
	int blank = 0;
	for (char **l = lines; *l; l++) {
		char *p = g_strstrip (*l);
		while (g_str_has_prefix (p, "\xc2\xa0"))
			p += 2;
		if (!*p) {
			blank++;
			continue;
		}
		if (clean->len)
			g_string_append (clean, blank ? "\n\n" : "\n");
		blank = 0;
		g_string_append (clean, p);
	}
	g_strfreev (lines);
	g_string_free (out, TRUE);
	return g_string_free (clean, FALSE);
}

/* Whether wb_html_to_text() (analyze.h, which the includer brings in)
 * gives the LEN bytes at HTML the same text and links as the reference:
 * tests/tools/html-diff.c and tests/fuzz/fuzz-html-ref.c. */
static G_GNUC_UNUSED gboolean
ref_html_same (const char *html, size_t len)
{
	GPtrArray *l1 = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *l2 = g_ptr_array_new_with_free_func (g_free);
	char *t1 = wb_html_to_text (html, len, l1);
	char *t2 = ref_html_to_text (html, len, l2);
	gboolean ok = !strcmp (t1, t2) && l1->len == l2->len;
	for (guint i = 0; ok && i < l1->len; i++)
		ok = !strcmp (g_ptr_array_index (l1, i), g_ptr_array_index (l2, i));
	g_free (t1);
	g_free (t2);
	g_ptr_array_unref (l1);
	g_ptr_array_unref (l2);
	return ok;
}

#endif
