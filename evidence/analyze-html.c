/* HTML bodies to the text a reader sees, with libxml2's HTML parser (which
 * decodes entities, recovers from broken markup and drops comments). */
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include "analyze.h"

static gboolean
is_block (const char *name)
{
	static const char *blocks[] = { "p", "div", "br", "tr", "li", "ul", "ol", "table",
		"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "center",
		"form", "dl", "dt", "dd", "address", "section", "article", "header",
		"footer", "title", "body", "td", "th", NULL };
	for (int i = 0; blocks[i]; i++)
		if (g_ascii_strcasecmp (name, blocks[i]) == 0)
			return TRUE;
	return FALSE;
}

/* Hidden from the reader: display:none, visibility:hidden, the hidden
 * attribute, or zero font size. */
static gboolean
is_hidden (xmlNode *n)
{
	if (xmlHasProp (n, (const xmlChar *) "hidden"))
		return TRUE;
	xmlChar *style = xmlGetProp (n, (const xmlChar *) "style");
	gboolean hidden = FALSE;
	if (style) {
		char *s = g_ascii_strdown ((const char *) style, -1);
		GString *c = g_string_new (NULL);
		for (char *p = s; *p; p++)
			if (!g_ascii_isspace (*p))
				g_string_append_c (c, *p);
		hidden = strstr (c->str, "display:none") || strstr (c->str, "visibility:hidden")
			|| strstr (c->str, "font-size:0;") || g_str_has_suffix (c->str, "font-size:0")
			|| strstr (c->str, "font-size:0px");
		g_string_free (c, TRUE);
		g_free (s);
		xmlFree (style);
	}
	return hidden;
}

static void
add_link (GPtrArray *links, const char *kind, xmlNode *n, const char *attr)
{
	xmlChar *v = xmlGetProp (n, (const xmlChar *) attr);
	if (v) {
		char *s = g_strstrip (g_strdup ((const char *) v));
		if (*s)
			g_ptr_array_add (links, g_strdup_printf ("%s %s", kind, s));
		g_free (s);
		xmlFree (v);
	}
}

static void
walk (xmlNode *n, GString *out, GPtrArray *links)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			/* White space runs collapse to one space, as a browser does. */
			for (const char *p = (const char *) n->content; p && *p; p++) {
				if (g_ascii_isspace (*p)) {
					if (out->len && out->str[out->len - 1] != ' '
					    && out->str[out->len - 1] != '\n')
						g_string_append_c (out, ' ');
				} else {
					g_string_append_c (out, *p);
				}
			}
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *) n->name;
		if (!g_ascii_strcasecmp (name, "script") || !g_ascii_strcasecmp (name, "style")
		    || !g_ascii_strcasecmp (name, "head") || !g_ascii_strcasecmp (name, "noscript"))
			continue;
		if (links) {
			if (!g_ascii_strcasecmp (name, "a") || !g_ascii_strcasecmp (name, "area"))
				add_link (links, "href", n, "href");
			else if (!g_ascii_strcasecmp (name, "img") || !g_ascii_strcasecmp (name, "iframe")
				 || !g_ascii_strcasecmp (name, "frame"))
				add_link (links, "src", n, "src");
			else if (!g_ascii_strcasecmp (name, "form"))
				add_link (links, "href", n, "action");
		}
		if (is_hidden (n))
			continue;
		gboolean block = is_block (name);
		if (block && out->len) {
			while (out->len && out->str[out->len - 1] == ' ')
				g_string_truncate (out, out->len - 1);
			if (out->str[out->len - 1] != '\n')
				g_string_append_c (out, '\n');
		}
		walk (n->children, out, links);
		if (block && out->len && out->str[out->len - 1] != '\n') {
			while (out->len && out->str[out->len - 1] == ' ')
				g_string_truncate (out, out->len - 1);
			g_string_append_c (out, '\n');
		}
	}
}

char *
wb_html_to_text (const char *html, size_t len, GPtrArray *links)
{
	wb_analysis_data ();   /* xmlInitParser(), once */
	GString *out = g_string_new (NULL);
	if (!html || len == 0 || len > G_MAXINT)
		return g_string_free (out, FALSE);
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt ();
	if (!ctxt)
		return g_string_free (out, FALSE);
	htmlDocPtr doc = htmlCtxtReadMemory (ctxt, html, (int) len, NULL, "UTF-8",
		HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
		| HTML_PARSE_NONET | HTML_PARSE_COMPACT);
	if (doc) {
		xmlNode *root = xmlDocGetRootElement (doc);
		if (root)
			walk (root, out, links);
		xmlFreeDoc (doc);
	}
	htmlFreeParserCtxt (ctxt);
	/* Trim each line and drop runs of blank lines. */
	GString *clean = g_string_new (NULL);
	char **lines = g_strsplit (out->str, "\n", -1);
	int blank = 0;
	for (char **l = lines; *l; l++) {
		char *s = g_strstrip (*l);
		/* U+00A0 (&nbsp;) alone on a line counts as blank. */
		while (g_str_has_prefix (s, "\xc2\xa0"))
			s += 2;
		if (!*s) {
			blank++;
			continue;
		}
		if (clean->len)
			g_string_append (clean, blank ? "\n\n" : "\n");
		blank = 0;
		g_string_append (clean, s);
	}
	g_strfreev (lines);
	g_string_free (out, TRUE);
	return g_string_free (clean, FALSE);
}
