/* HTML bodies to the text a reader sees, with libxml2's HTML parser (which
 * decodes entities, recovers from broken markup and drops comments).  The
 * parser runs with SAX callbacks, not building a tree: the text and links
 * are collected as elements open and close. */
#include <stdlib.h>
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
	/* The part, and the bytes in it of each link value handed to libxml2
	 * as "\1" and its index here (see drop_attributes()), or NULL. */
	const char *part;
	GArray *values;
} sax_t;

/* An attribute kept, or a value: its bytes in the part. */
typedef struct {
	size_t from, to;
} span_t;

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
		size_t n = strlen (v);
		/* "\1" and an index that drop_attributes() wrote: read back
		 * only when the whole value is one it handed over (a value
		 * libxml2 made otherwise is read as it is). */
		char *end;
		unsigned long k = v[0] == '\1' && s->values && g_ascii_isdigit (v[1])
			? strtoul (v + 1, &end, 10) : G_MAXULONG;
		if (k != G_MAXULONG && k < s->values->len && !*end) {
			const span_t *b = &g_array_index (s->values, span_t, k);
			v = s->part + b->from;
			n = b->to - b->from;
		}
		while (n && g_ascii_isspace (*v)) {
			v++;
			n--;
		}
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

/* --- The attributes no callback reads, taken out before libxml2 parses ---
 *
 * libxml2 2.9's HTML parser spends most of its time byte by byte, and the
 * bytes of attribute values cost it most (two calls and a copy each); in
 * mail, attributes are half of the bytes, those on_start() does not read
 * (all but five) a quarter.  So a start tag is given to it with only the
 * attributes on_start() reads (and every attribute of a meta element,
 * which libxml2 reads itself), where that provably gives the same
 * callbacks: libxml2 2.9.14's own reading of the document (HTMLparser.c:
 * htmlParseDocument, htmlParseContentInternal, htmlParseStartTag,
 * htmlParseAttribute, htmlParseAttValue, htmlParseEndTag,
 * htmlParseComment, htmlParseScript, htmlParseDocTypeDecl) is followed
 * construct by construct, and where it is not followed (a processing
 * instruction; a DOCTYPE past the prolog; script or style content that a
 * start tag or another end tag would end; anything unfinished at the end)
 * the rest of the document is left as it is.  An attribute taken out adds
 * nothing to the element, and the others keep their order, so libxml2
 * keeps the same first of each name.  The value of a link (href, src,
 * action) is handed over as an index into the part's bytes where libxml2
 * would give those bytes as they are, so that it does not read them
 * either.  The document must be valid UTF-8 without NUL bytes: libxml2
 * reads other bytes as Latin-1 from where it meets them, which taking
 * bytes out before them would move.  tests/unit/test-analyze-html-ref.c
 * (edge cases, random documents) and tests/cli/t-html-differential.sh (the
 * SpamAssassin corpus) compare the text and links with libxml2 given the
 * document whole. */

/* Byte classes: IS_BLANK_CH; htmlParseHTMLName's name bytes, and those
 * it starts a name with. */
enum { C_BLANK = 1, C_NAME = 2, C_START = 4 };
static guint8 cls[256];
/* The pass follows libxml2 2.9.14: with another libxml2 (the one loaded,
 * not the headers) each document goes to it whole. */
static gboolean followed;

static gpointer
cls_init (gpointer unused)
{
	followed = atoi (xmlParserVersion) == 20914;
	cls[' '] = cls['\t'] = cls['\n'] = cls['\r'] = C_BLANK;
	for (int c = 0; c < 256; c++) {
		if (g_ascii_isalpha (c))
			cls[c] = C_NAME | C_START;
		else if (g_ascii_isdigit (c) || c == '-')
			cls[c] = C_NAME;
	}
	cls[':'] = cls['_'] = cls['.'] = C_NAME | C_START;
	return NULL;
}

#define html_blank(c) (cls[(guchar) (c)] & C_BLANK)
#define html_name_char(c) (cls[(guchar) (c)] & C_NAME)
#define html_name_start(c) (cls[(guchar) (c)] & C_START)

static size_t
skip_blanks (const char *h, size_t q, size_t len)
{
	while (q < len && html_blank (h[q]))
		q++;
	return q;
}

/* The attributes on_start() reads (libxml2 gives names in lower case):
 * 0 if not, READ_LINK for those add_link() reads, READ for the others. */
enum { READ = 1, READ_LINK = 2 };

static int
attribute_read (const char *name, size_t n)
{
	if (n < 3 || n > 6)
		return 0;
	char low[6];
	for (size_t i = 0; i < n; i++)
		low[i] = g_ascii_tolower (name[i]);
	switch (n) {
	case 3:
		return memcmp (low, "src", 3) ? 0 : READ_LINK;
	case 4:
		return memcmp (low, "href", 4) ? 0 : READ_LINK;
	case 5:
		return memcmp (low, "style", 5) ? 0 : READ;
	default:
		return !memcmp (low, "action", 6) ? READ_LINK : !memcmp (low, "hidden", 6) ? READ : 0;
	}
}

static gboolean
name_is (const char *name, size_t n, const char *what)
{
	return strlen (what) == n && !g_ascii_strncasecmp (name, what, n);
}

/* The end of the comment at P ("<!--"), or 0 if it has none: the first
 * "-->" or "--!>" from P + 4 (htmlParseComment). */
static size_t
comment_end (const char *h, size_t p, size_t len)
{
	for (size_t k = p + 4; k + 2 < len; k++) {
		const char *d = memchr (h + k, '-', len - 2 - k);
		if (!d)
			break;
		k = d - h;
		if (h[k + 1] != '-')
			continue;
		if (h[k + 2] == '>')
			return k + 3;
		if (h[k + 2] == '!' && k + 3 < len && h[k + 3] == '>')
			return k + 4;
	}
	return 0;
}

/* After the quoted literal at Q if there is one (the one after it if
 * not), or 0 if it is unfinished (htmlParseSystemLiteral). */
static size_t
literal_end (const char *h, size_t q, size_t len)
{
	if (q >= len || (h[q] != '"' && h[q] != '\''))
		return q;
	const char *e = memchr (h + q + 1, h[q], len - q - 1);
	return e ? (size_t) (e - h) + 1 : 0;
}

static gboolean
keyword_at (const char *h, size_t q, size_t len, const char *word)
{
	size_t n = strlen (word);
	return q + n <= len && !g_ascii_strncasecmp (h + q, word, n);
}

/* The end of the DOCTYPE declaration at P, or 0 if it is not followed
 * here (htmlParseDocTypeDecl, htmlParseExternalID). */
static size_t
doctype_end (const char *h, size_t p, size_t len)
{
	size_t q = skip_blanks (h, p + 9, len);
	/* htmlParseName, its ASCII path: a name that runs to the end or on
	 * into other bytes goes another way. */
	if (q < len && (g_ascii_isalpha (h[q]) || h[q] == '_' || h[q] == ':')) {
		while (q < len && html_name_char (h[q]))
			q++;
		if (q >= len || (guchar) h[q] >= 0x80)
			return 0;
	} else if (q < len && (guchar) h[q] >= 0x80) {
		return 0;
	}
	q = skip_blanks (h, q, len);
	if (keyword_at (h, q, len, "SYSTEM")) {
		q = literal_end (h, skip_blanks (h, q + 6, len), len);
	} else if (keyword_at (h, q, len, "PUBLIC")) {
		q = literal_end (h, skip_blanks (h, q + 6, len), len);
		if (q)
			q = literal_end (h, skip_blanks (h, q, len), len);
	}
	if (!q)
		return 0;
	const char *gt = memchr (h + q, '>', len - q);
	return gt ? (size_t) (gt - h) + 1 : 0;
}

/* An attribute kept: its bytes; and those of its value if it is to be
 * handed over as an index (else 0, 0). */
typedef struct {
	span_t all, value;
} kept_t;

/* The start tag at P ('<' and a letter), written to OUT without the
 * attributes no callback reads when that changes it.  Its end, or 0 where
 * the document is no longer followed (the caller copies the rest as it
 * is). */
static size_t
start_tag (const char *h, size_t p, size_t len, GString *out, size_t *copied, const char **raw,
	   GArray *values)
{
	size_t q = p + 1, name = q;
	while (q < len && q - name < 100 && html_name_char (h[q]))
		q++;
	/* libxml2 cuts a name at 100 bytes, and reads the bytes after as an
	 * attribute: so does this. */
	size_t name_len = q - name;
	*raw = name_is (h + name, name_len, "script") ? "script"
		: name_is (h + name, name_len, "style") ? "style" : NULL;
	gboolean all = name_is (h + name, name_len, "meta");
	kept_t room[16], *kept = room;
	size_t n_kept = 0, size_kept = G_N_ELEMENTS (room), end = 0;
	gboolean changed = FALSE, empty_close = FALSE;
	q = skip_blanks (h, q, len);
	for (;;) {
		if (q >= len)
			goto done;
		if (h[q] == '>') {
			end = q + 1;
			break;
		}
		if (h[q] == '/' && q + 1 < len && h[q + 1] == '>') {
			end = q + 2;
			empty_close = TRUE;
			/* "<script/>" has no content. */
			*raw = NULL;
			break;
		}
		size_t from = q, value = 0, value_to = 0;
		if (html_name_start (h[q])) {
			/* htmlParseAttribute: a name, and a value after '='. */
			while (q < len && q - from < 100 && html_name_char (h[q]))
				q++;
			size_t name_to = q, to = q;
			q = skip_blanks (h, q, len);
			if (q < len && h[q] == '=') {
				q = skip_blanks (h, q + 1, len);
				if (q >= len)
					goto done;
				if (h[q] == '"' || h[q] == '\'') {
					const char *e = memchr (h + q + 1, h[q], len - q - 1);
					if (!e)
						goto done;
					value = q + 1;
					value_to = e - h;
					q = e - h + 1;
				} else {
					/* Unquoted: up to white space or '>' ("/>" too
					 * is part of the value). */
					value = q;
					while (q < len && !html_blank (h[q]) && h[q] != '>')
						q++;
					if (q >= len)
						goto done;
					value_to = q;
				}
				to = q;
			}
			int read = attribute_read (h + from, name_to - from);
			if (all || read) {
				if (n_kept == size_kept) {
					size_kept *= 2;
					if (kept == room)
						kept = memcpy (g_new (kept_t, size_kept), room, sizeof room);
					else
						kept = g_renew (kept_t, kept, size_kept);
				}
				kept[n_kept].all = (span_t) { from, to };
				/* A link's value without a reference: libxml2 would
				 * give its bytes as they are. */
				if (values && !all && read == READ_LINK && value_to > value
				    && !memchr (h + value, '&', value_to - value)) {
					kept[n_kept].value = (span_t) { value, value_to };
					kept[n_kept].all.to = name_to;
					changed = TRUE;
				} else {
					kept[n_kept].value = (span_t) { 0, 0 };
				}
				n_kept++;
			} else {
				changed = TRUE;
			}
		} else {
			/* No name: skipped up to white space, '>' or "/>". */
			while (q < len && !html_blank (h[q]) && h[q] != '>'
			       && !(h[q] == '/' && q + 1 < len && h[q + 1] == '>'))
				q++;
			changed = TRUE;
		}
		q = skip_blanks (h, q, len);
	}
	/* The first four bytes stay as they are: libxml2 reads an encoding
	 * from them. */
	if (changed && p >= 4) {
		g_string_append_len (out, h + *copied, name + name_len - *copied);
		for (size_t k = 0; k < n_kept; k++) {
			g_string_append_c (out, ' ');
			g_string_append_len (out, h + kept[k].all.from, kept[k].all.to - kept[k].all.from);
			if (kept[k].value.to) {
				/* ="\1N", without printf (once for each link
				 * kept, some 40 times a copy). */
				char num[16];
				int nl = 0;
				for (guint v = values->len; nl == 0 || v; v /= 10)
					num[nl++] = (char) ('0' + v % 10);
				g_string_append (out, "=\"\1");
				while (nl)
					g_string_append_c (out, num[--nl]);
				g_string_append_c (out, '"');
				g_array_append_val (values, kept[k].value);
			}
		}
		/* Each attribute kept ends where it did: a quoted value at its
		 * quote; a name or an unquoted value at white space or '>' (an
		 * empty value only at '>', white space before it being skipped,
		 * so it is the last).  A space goes before "/>", lest an
		 * unquoted value take the '/'. */
		g_string_append (out, empty_close ? " />" : ">");
		*copied = end;
	}
done:
	if (kept != room)
		g_free (kept);
	return end;
}

/* The end of the end tag at K ("</"), or 0 unless it names NAME
 * (htmlParseEndTag: a name, then anything up to '>'). */
static size_t
end_tag_of (const char *h, size_t k, size_t len, const char *name)
{
	size_t n = strlen (name), q = k + 2;
	if (q + n > len || g_ascii_strncasecmp (h + q, name, n) || (q + n < len && html_name_char (h[q + n])))
		return 0;
	const char *gt = memchr (h + q + n, '>', len - q - n);
	return gt ? (size_t) (gt - h) + 1 : 0;
}

/* The end of the content of script or style element NAME from R and of
 * its end tag, or 0 where it is not followed.  libxml2 reads the content
 * as text up to the first "</" and NAME in any case (htmlParseScript);
 * before that, a start tag that closes the element (htmlStartClose:
 * noscript closes script, body and frameset close style) or an end tag
 * there would leave it otherwise. */
static size_t
raw_end (const char *h, size_t r, size_t len, const char *name)
{
	if (r + 1 < len && h[r] == '<') {
		if (h[r + 1] == '/')
			return end_tag_of (h, r, len, name);
		size_t q = r + 1;
		while (q < len && q - r <= 100 && (g_ascii_isalnum (h[q]) || h[q] == ':' || h[q] == '-' || h[q] == '_'))
			q++;
		if (name_is (h + r + 1, q - r - 1, "noscript") || name_is (h + r + 1, q - r - 1, "body")
		    || name_is (h + r + 1, q - r - 1, "frameset"))
			return 0;
	}
	size_t n = strlen (name);
	for (size_t k = r; k < len; k++) {
		const char *lt = memchr (h + k, '<', len - k);
		if (!lt)
			return 0;
		k = lt - h;
		if (k + 2 + n <= len && h[k + 1] == '/' && !g_ascii_strncasecmp (h + k + 2, name, n))
			return end_tag_of (h, k, len, name);
	}
	return 0;
}

/* Valid UTF-8 without NUL bytes (as g_utf8_validate_len()), the ASCII
 * eight bytes at a time. */
static gboolean
utf8_clean (const char *h, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (i + 8 <= len) {
			guint64 w;
			memcpy (&w, h + i, 8);
			/* No byte 0 and none of 0x80 or above. */
			if (!((w | (w - 0x0101010101010101ULL)) & 0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		guchar c = h[i];
		if (c == 0)
			return FALSE;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (i + n > len || !g_utf8_validate_len (h + i, n, NULL))
			return FALSE;
		i += n;
	}
	return TRUE;
}

/* HTML (LEN bytes) to hand libxml2 instead: in OUT (empty if the
 * document is to be parsed as it is).  A link value (href, src, action)
 * without a reference, which libxml2 would give as its bytes, is handed
 * over as "\1" and its index in *VALUES (a new array of its bytes in H),
 * and add_link() reads the bytes back; *VALUES is NULL when H holds a
 * byte 1, which a value could then begin with. */
static void
drop_attributes (const char *h, size_t len, GString *out, GArray **values)
{
	static GOnce once = G_ONCE_INIT;
	g_once (&once, cls_init, NULL);
	if (!followed || !utf8_clean (h, len))
		return;
	*values = memchr (h, 1, len) ? NULL : g_array_new (FALSE, FALSE, sizeof (span_t));
	size_t i = 0, copied = 0;
	/* Before any content: white space, comments and one DOCTYPE
	 * (htmlParseDocument). */
	gboolean prolog = TRUE;
	while (i < len) {
		const char *lt = memchr (h + i, '<', len - i);
		if (!lt)
			break;
		size_t p = lt - h;
		for (; prolog && i < p; i++)
			if (!html_blank (h[i]))
				prolog = FALSE;
		char c1 = p + 1 < len ? h[p + 1] : 0;
		if (c1 == '!' && p + 3 < len && h[p + 2] == '-' && h[p + 3] == '-') {
			i = comment_end (h, p, len);
		} else if (c1 == '!' && keyword_at (h, p + 2, len, "DOCTYPE")) {
			/* One past the prolog is read with the constructs
			 * after it in another order. */
			i = prolog ? doctype_end (h, p, len) : 0;
			prolog = FALSE;
		} else if (c1 == '?') {
			i = 0;
		} else {
			prolog = FALSE;
			if (c1 == '/') {
				/* An end tag runs to its '>' if a name follows
				 * "</"; without one, "</" alone is taken. */
				if (p + 2 < len && html_name_start (h[p + 2])) {
					const char *gt = memchr (h + p + 2, '>', len - p - 2);
					i = gt ? (size_t) (gt - h) + 1 : 0;
				} else {
					i = p + 2;
				}
			} else if (g_ascii_isalpha (c1)) {
				const char *raw = NULL;
				i = start_tag (h, p, len, out, &copied, &raw, *values);
				if (i && raw)
					i = raw_end (h, i, len, raw);
			} else {
				/* A '<' of the text. */
				i = p + 1;
			}
		}
		if (!i)
			break;
	}
	if (out->len)
		g_string_append_len (out, h + copied, len - copied);
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
	sax_t s = { out, links, 0, NULL, 0, 0, { 0 }, html, NULL };
	s.stack = s.room;
	s.stack_size = sizeof s.room;
	/* Only our callbacks: no tree, no document. */
	memset (ctxt->sax, 0, sizeof (htmlSAXHandler));
	ctxt->sax->startElement = on_start;
	ctxt->sax->endElement = on_end;
	ctxt->sax->characters = on_text;
	ctxt->sax->cdataBlock = on_text;
	ctxt->_private = &s;
	GString *lean = g_string_new (NULL);
	drop_attributes (html, len, lean, &s.values);
	if (lean->len) {
		html = lean->str;
		len = lean->len;
	}
	htmlDocPtr doc = htmlCtxtReadMemory (ctxt, html, (int) len, NULL, "UTF-8",
		HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
		| HTML_PARSE_NONET | HTML_PARSE_COMPACT);
	if (doc)
		xmlFreeDoc (doc);
	htmlFreeParserCtxt (ctxt);
	g_string_free (lean, TRUE);
	if (s.values)
		g_array_unref (s.values);
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
