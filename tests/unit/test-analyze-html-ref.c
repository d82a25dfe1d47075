/* wb_html_to_text() against the code it replaced, kept as the reference
 * in html-ref.h: tag lookups by strcmp, a GArray for the open elements,
 * the text appended byte by byte, a GString for each style attribute, the
 * lines split with g_strsplit() and trimmed with g_strstrip(), and libxml2
 * given the document whole, where wb_html_to_text() first takes out the
 * attributes no callback reads.  Their text and links must be equal byte
 * for byte, on hand-made edge cases (element names of every length and
 * case, nesting past the first stack room, style values past the stack
 * buffer, white space of every kind, U+00A0 lines; attributes of every
 * form, link values handed over as an index, comments, DOCTYPEs, script
 * and style, names at libxml2's limit, bytes that are not UTF-8,
 * documents cut short) and on documents generated at random from those
 * pieces.  tests/cli/t-html-differential.sh compares the two over the
 * SpamAssassin corpus's HTML parts. */
#include <criterion/criterion.h>
#include <string.h>
#include "analyze.h"
#include "html-ref.h"

/* Both on the LEN bytes at HTML (NUL bytes and all). */
static void
same_len (const char *html, size_t len)
{
	GPtrArray *l1 = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *l2 = g_ptr_array_new_with_free_func (g_free);
	char *t1 = wb_html_to_text (html, len, l1);
	char *t2 = ref_html_to_text (html, len, l2);
	cr_assert_str_eq (t1, t2, "text of '%s'", html);
	cr_assert_eq (l1->len, l2->len, "links of '%s'", html);
	for (guint i = 0; i < l1->len; i++)
		cr_assert_str_eq (g_ptr_array_index (l1, i), g_ptr_array_index (l2, i), "link %u of '%s'",
				  i, html);
	g_free (t1);
	g_free (t2);
	g_ptr_array_unref (l1);
	g_ptr_array_unref (l2);
}

static void
same (const char *html)
{
	same_len (html, strlen (html));
}

Test (html_ref, edges)
{
	wb_analysis_data ();
	static const char *cases[] = {
		"", " ", "\n", "x", "<p></p>", "<br>", "a<br>b", "a \xc2\xa0 b",
		"<p>\xc2\xa0\xc2\xa0</p><p>\xc2\xa0 x \xc2\xa0</p>\n\n<p>y</p>",
		"<p> \t\r\n\x0b\x0c a \t\r\n b \x0c</p>",
		/* Names of every length, case and near miss. */
		"<B>x</B><BR>y<Br/>z<bR>w<bx>v</bx><b>u</b><brr>t</brr>",
		"<DIV>a</DIV><Div>b</Div><dIv>c</dIv><dix>d</dix><di>e</di><divv>f</divv>",
		"<blockquotex>a</blockquotex><BLOCKQUOTE>b</BLOCKQUOTE><abcdefghijklmnopq>c</abcdefghijklmnopq>",
		"<h1>a</h1><h7>b</h7><H6>c</H6><hr><HEAD><title>t</title></HEAD>d",
		"<_x>a</_x><1>b</1><x-y>c</x-y>",
		/* Hidden: by attribute, by style, in any case and spacing. */
		"<div hidden>a</div><div HIDDEN=x>b</div><div Style=\"DISPLAY : NONE\">c</div>e",
		("<span style=\"font-size:0\">a</span><span style=\"font-size: 0px\">b</span>"
		 "<span style=\"font-size:0;color:red\">c</span><span style=\"font-size:01\">d</span>"),
		"<p style=\"visibility:hidden\">a<p>b</p></p><p style>c</p><p sty=\"display:none\">d</p>",
		"<img style=\"display:none\" src=\" http://i.example/x.gif \">after",
		/* Links: white space around, empty, repeated attributes. */
		"<a href=\"  \">a</a><a href=\"\t http://x.example/ \n\">b</a><a>c</a><a href>d</a>",
		"<A HREF=u1 href=u2>x</A><form action=\" f \"><iframe src=s>",
		"<script>var a = '<p>x</p>';</script>y<style>p{}</style>z<noscript>n</noscript>",
		"<!-- c --><p>a<!-- <p>b --></p>&amp;&nbsp;&#160;&lt;p&gt;",
		"<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>",
		"<pre>  a\n  b  </pre><![CDATA[x]]>",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		same (cases[i]);
	/* Nested past the stack's first room (256), hidden and not. */
	GString *deep = g_string_new (NULL);
	for (int i = 0; i < 700; i++)
		g_string_append_printf (deep, i % 97 == 0 ? "<div style=\"display:none\">%d " : "<span>%d ", i);
	for (int i = 0; i < 700; i++)
		g_string_append (deep, i % 3 ? "</span>" : "</div>x");
	same (deep->str);
	g_string_free (deep, TRUE);
	/* A style value past the stack buffer (256), hidden at its end. */
	GString *st = g_string_new ("<div style=\"");
	for (int i = 0; i < 300; i++)
		g_string_append (st, "color : red ; ");
	g_string_append (st, "display: none\">a</div>b");
	same (st->str);
	g_string_free (st, TRUE);
}

Test (html_ref, random_documents)
{
	wb_analysis_data ();
	static const char *names[] = { "a", "A", "br", "BR", "p", "div", "DIV", "span", "b", "i",
				       "img", "script", "style", "head", "title", "table", "td", "tr",
				       "li", "ul", "form", "iframe", "area", "noscript", "hr", "h1",
				       "font", "center", "blockquotes", "x", "wbr", "input", "pre" };
	static const char *attrs[] = { " href=\"http://h.example/%d\"", " SRC='  s%d  '",
				       " action=f%d", " style=\"display:none\"", " style=\"Font-Size: 0px\"",
				       " hidden", " class=c%d", " style=\"color:red\"", " href",
				       " Href=\" \"", " style=\"visibility : Hidden\"" };
	static const char *texts[] = { "word", " ", "  \t ", "\n", "\r\n", "&nbsp;", "\xc2\xa0",
				       "&amp;", "caf\xc3\xa9", "two words", "<!-- c -->", "&lt;",
				       "\x0b", "tail " };
	GRand *r = g_rand_new_with_seed (18);
	for (int doc = 0; doc < 3000; doc++) {
		GString *h = g_string_new (NULL);
		int n = g_rand_int_range (r, 0, 60);
		for (int k = 0; k < n; k++) {
			int what = g_rand_int_range (r, 0, 3);
			const char *nm = names[g_rand_int_range (r, 0, G_N_ELEMENTS (names))];
			if (what == 0) {
				g_string_append_printf (h, "<%s", nm);
				int na = g_rand_int_range (r, 0, 3);
				for (int j = 0; j < na; j++)
					g_string_append_printf (h, attrs[g_rand_int_range (r, 0, G_N_ELEMENTS (attrs))],
								k);
				g_string_append (h, ">");
			} else if (what == 1) {
				g_string_append_printf (h, "</%s>", nm);
			} else {
				g_string_append (h, texts[g_rand_int_range (r, 0, G_N_ELEMENTS (texts))]);
			}
		}
		same (h->str);
		g_string_free (h, TRUE);
	}
	g_rand_free (r);
}

/* The attributes taken out before libxml2 parses: every form of
 * attribute, and every construct libxml2 reads otherwise around them.
 * "title" is never read, "href" always is (on a). */
Test (html_ref, attributes_taken_out)
{
	wb_analysis_data ();
	static const char *cases[] = {
		/* Attributes of every form, read and not. */
		"xxxx<a class=c href=h1 id=i>a</a>",
		"xxxx<A CLASS=\"c\" HREF='h2' ID=i TITLE=\"a>b\">a</A>",
		"xxxx<a title=\"x\"href=\"h3\"class=y>a</a><a href=\"h4\"title=t>b</a>",
		"xxxx<a href=h5/>a</a><img src=s1 alt=a/><img alt=a src=s2 /><br clear=all/>x<img alt=a src=s3/ >",
		"xxxx<a x= href=h6>a</a><a href= x=1>b</a><a x=>c</a><a href=>d</a><a title= >e</a>",
		"xxxx<a x = \"1\" href = \"h7\" >a</a><a\nhref\n=\nh8\n>b</a><a\r\ttitle=t\r\thref=h9\t>c</a>",
		"xxxx<a \"q\" href=h10 =x 'r's href=h11>a</a><a/href=h12>b</a><a//href=h13>c</a><a x/ href=h14>d</a>",
		"xxxx<a href=h15 href=h16 x=1 href=h17>a</a><a x=1 x=2 href=h18>b</a><a href x=1 href=h19>c</a>",
		"xxxx<a title=t HREF=h20 Href=h21>a</a><a TITLE=1 title=2 href=h22>b</a>",
		"xxxx<div class=\"display:none\" style=\"display:none\">hid</div><div title=t hidden>h2</div>v",
		"xxxx<div title=t STYLE=\"Font-Size: 0px\" x=y>hid</div><p title=t HIDDEN=x>h</p><p style>s</p>",
		"xxxx<a href=\"&amp;x&#x26;&#38;&lt\" title=\"&quot;&#x3e;\">a</a><a title=&#x22; href=h23>b</a>",
		"xxxx<a title=&#x href=h24>a</a><a title=&# href=h25>b</a><a title=&x; href=h26>c</a><a title=& href=h27>d</a>",
		"xxxx<a title='it\"s' href=\"h28\">a</a><a title=\"it's\" href='h29'>b</a>",
		"xxxx<form title=t action=\" f1 \"><iframe title=t src=f2><frame title=t src=f3><area title=t href=f4>",
		"xxxx<td background=b.gif bgcolor=#fff width=1 height=2><font face=\"Arial, Helvetica\" size=2>t</font>",
		"xxxx<a title=\"unfinished href=h30>a</a>",
		"xxxx<a title='unfinished href=h31>a</a>",
		"xxxx<a title=unfinished", "xxxx<a title=x href=h32", "xxxx<a title", "xxxx<a title=",
		"xxxx<a title=\"x\"", "xxxx<a ", "xxxx<a", "xxxx<a title=x/", "xxxx<a title=x /",
		/* libxml2 reads the attributes of meta itself. */
		"xxxx<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\" x=1><p title=t>caf\xc3\xa9</p>",
		"xxxx<meta charset=\"windows-1252\" name=n><p title=t>caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d</p>",
		/* Bytes past ASCII, in UTF-8 and not. */
		"xxxx<a title=\"caf\xc3\xa9\" href=h33>caf\xc3\xa9</a><a t\xc3\xa9=1 href=h34>b</a><a title=\xc3\xa9 href=h35>c</a>",
		"xxxx<a title=\"\xff\" href=h36>a</a><p title=t>\xe9t\xe9</p>",
		"xxxx<p title=t>a</p>\xff<a title=t href=h37>b</a>",
		"xxxx<a title=t href=h38>a</a><p title=\"\xc3\">b</p>",
		"xxxx<a title=&\xc3\xa9; href=h39>a</a><a title=\"&\xc3\xa9x;\" href=h40>b</a>",
		/* Comments. */
		"xxxx<!-- <a title=t href=c1> --><a title=t href=h41>a</a>",
		"xxxx<!-- a --!><a title=t href=h42>a</a><!----><a title=t href=h43>b</a>",
		"xxxx<!--><a title=t href=h44>a</a>-->x<a title=t href=h45>b</a>",
		"xxxx<!---><a title=t href=h46>a</a>--->x<a title=t href=h47>b</a>",
		"xxxx<!-- - -- > --!x> <a title=t href=h48>a</a> -->y<a title=t href=h49>b</a>",
		"xxxx<!-- unfinished <a title=t href=h50>a</a>", "xxxx<!--", "xxxx<!--a", "xxxx<!---", "xxxx<!-- --!",
		"<!-- c --><!DOCTYPE html><a title=t href=h51>a</a>",
		"xxxx<! a title=t><a title=t href=h52>a</a><!x><a title=t href=h53>b</a><!-x title=t>c",
		/* DOCTYPE, in the prolog and past it. */
		"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0 Transitional//EN\"><a title=t href=h54>a</a>",
		"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"http://www.w3.org/TR/xhtml1/DTD/x.dtd\">"
		"<a title=t href=h55>a</a>",
		"<!doctype html system 'a>b'><a title=t href=h56>a</a>",
		"<!DOCTYPE html PUBLIC \"a>b\" 'c>d' junk \"e>f\"><a title=t href=h57>a</a>",
		"  \n<!DOCTYPE><a title=t href=h58>a</a>", "<!DOCTYPE", "<!DOCTYPE html", "<!DOCTYPE html PUBLIC",
		"<!DOCTYPE 1html PUBLIC \"x\"><a title=t href=h59>a</a>",
		"<!DOCTYPE html PUBLIC \"unfinished><a title=t href=h60>a</a>",
		"<!DOCTYPE htmlPUBLIC \"x>\"><a title=t href=h61>a</a>",
		"<!DOCTYPE h\xc3\xa9 PUBLIC \"x>\"><a title=t href=h62>a</a>",
		"<!DOCTYPE \xc3\xa9 PUBLIC \"x>\"><a title=t href=h63>a</a>",
		"x<!DOCTYPE html><a title=t href=h64>a</a></p><a title=t href=h65>b</a>",
		"<p>x</p><!DOCTYPE html></p><a title=t href=h66>b</a>",
		"<!DOCTYPE html><!DOCTYPE html></b><a title=t href=h67>b</a>",
		"<!--a--> <!-- b -->\n<!DOCTYPE html SYSTEM \"s>\"> <!-- c --><a title=t href=h68>a</a>",
		/* Processing instructions (libxml2 ends one at its first '>'). */
		"xxxx<?xml version=\"1.0\"?><a title=t href=h69>a</a>", "<?pi><a title=t href=h70>a</a>",
		"xxxx<?pi <a title=\"x>\" href=y1>z",
		/* Where taking out an attribute inside a quoted value libxml2
		 * reads would change the value: after a DOCTYPE past the
		 * prolog, in script or style that another tag ends, in an end
		 * tag. */
		"<p>x</p><!DOCTYPE html></x <a href=\"><a title=t href=y2>\">y</a>",
		"xxxx<style><body><a href=\"</style><b title=t>\">x</a>",
		"xxxx<style><frameset><a href=\"</style><b title=t>\">x</a>",
		"xxxx<script><noscript><a href=\"</script><b title=t>\">x</a>",
		"xxxx<script>x</scriptx><b title=\"</script><a title=t href=y3>\">y",
		"xxxx</z <q title='><a href=\"<b title=t>\">'>y",
		"xxxx<p><script></p><a href=\"</script><b title=t>\">x</a>",
		"<!DOCTYPE html SYSTEM \"x><a title='\">text'>",
		"<!DOCTYPE html PUBLIC \"x><a title='\">text'>",
		"<!DOCTYPE html PUBLIC \"p\" \"x><a title='\">text'>",
		/* Link values handed to libxml2 as an index: white space at
		 * either end, line breaks, bytes past ASCII, "/>", references
		 * (given as they are), empty, repeated, on elements that do
		 * not link. */
		"xxxx<a href=\" \t\r\nh201\r\n \" title=t>a</a><a href='h202\n\tx'>b</a><a href=h203/>c</a>",
		"xxxx<a href=\"caf\xc3\xa9/\xe2\x82\xac\">a</a><img src=\"s\xf0\x9f\x98\x80\"><form action=\"f&amp;g\">",
		"xxxx<a href=\"\" title=t>a</a><a href='' href=h204>b</a><a href=h205 HREF=h206>c</a><area href=h207>",
		"xxxx<link href=h208><base href=h209><script src=h210></script><input src=h211><a href=h212>x</a>",
		"xxxx<a href=\"&#104;212\">a</a><a href=\"h213&\">b</a><a href=h214&x>c</a><iframe src=\"&quot;\">",
		"xxxx<a href=\"\x02\x7f h215\" title=t>a</a>",
		/* A byte 1 in the part: link values stay as they are. */
		"xxxx<a title=t href=h216>a</a><a href=\"\x01" "0\">b</a>",
		"<a href=\"\x01" "0\">b</a><a title=t href=h218>a</a>",
		"xxxx<a title=t href=h219>a</a><a href=\"\x01" "0&amp;\">b</a>",
		"xxxx<a title=t href=h217>a</a>\x01",
		/* Form feed and vertical tab are no white space to libxml2. */
		"xxxx<a title=x\fhref=y4>a</a><a title=\"x\"\fhref=y5>b</a><a title=x\vhref=y6>c</a>",
		/* A nameless attribute ends at "/>", which ends the element. */
		"xxxx<div hidden \"x\"/>shown<div hidden x=\"y\"/>shown too",
		/* Script and style. */
		"xxxx<script title=t src=s3>var a = '<a title=t href=h71>';</script><a title=t href=h72>a</a>",
		"xxxx<SCRIPT>x</scriptx><a title=t href=h73>a</a></SCRIPT ><a title=t href=h74>b</a>",
		"xxxx<script><noscript><a title=t href=h75>a</a></noscript></script><a title=t href=h76>b</a>",
		"xxxx<script>x<noscript><a title=t href=h77>a</a></script><a title=t href=h78>b</a>",
		"xxxx<style>p{}<body title=t><a title=t href=h79>a</a></style><a title=t href=h80>b</a>",
		"xxxx<style><body title=t><a title=t href=h81>a</a></style><a title=t href=h82>b</a>",
		"xxxx<style><frameset title=t><a title=t href=h83>a</a></style><a title=t href=h84>b</a>",
		"xxxx<style title=t></style><a title=t href=h85>a</a><style/><a title=t href=h86>b</a>",
		"xxxx<script></p><a title=t href=h87>a</a></script><a title=t href=h88>b</a>",
		"xxxx<script></scripts><a title=t href=h89>a</a></script><a title=t href=h90>b</a>",
		"xxxx<script>a</sCrIpT x=\">\"><a title=t href=h91>b</a>",
		"xxxx<script>unfinished <a title=t href=h92>a</a>", "xxxx<script>", "xxxx<script>x</script",
		"xxxx<scripts><a title=t href=h93>a</a></scripts><script.x><a title=t href=h94>b</a>",
		"xxxx<head><style>x</style><script>y</script></head><body title=t><a title=t href=h95>a</a>",
		"xxxx<script title=x/><a title=t href=h96>a</a></script>",
		"xxxx<script title=\"unfinished><a title=t href=h97>a</a></script>",
		"xxxx<p><script>x</script></p><style>y</style></style><a title=t href=h98>a</a>",
		"xxxx<script></></script><a title=t href=h99>a</a>",
		/* End tags and a '<' of the text. */
		"xxxx</a title=\">\"><a title=t href=h100>a</a></ x><a title=t href=h101>b</a></>c",
		"xxxx< a title=t><a title=t href=h102>a</a><_x title=t><:y title=t><1 title=t><.z title=t>",
		"xxxx</p<a title=t href=h103>a</a>", "xxxx</a", "xxxx</", "xxxx<", "xxxx</a x=\"",
		/* The elements libxml2 places itself: html, head, body again. */
		"xxxx<html title=t><head title=t><body title=t><html title=t lang=x><body title=t>"
		"<head title=t><a title=t href=h104>a</a></body></html></head>",
		/* At the start: the first four bytes, which libxml2 reads for an
		 * encoding. */
		"<a title=t href=h105>a</a>", "<p title=t>a</p>", "<br title=t><a title=t href=h106>a</a>",
		"<a title=t>", "<a x>", "\n<a title=t href=h107>a</a>", "  <a title=t href=h108>a</a>",
		/* Tables and the paragraphs libxml2 implies around attributes. */
		"xxxx<table title=t><tr title=t><td title=t>a<td title=t>b</table><li title=t>c<li title=t>d",
		"xxxx<p title=t>a<div title=t>b<p title=t>c</p></div><a title=t href=h109>d<a title=t href=h110>e",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		same (cases[i]);
	/* NUL bytes: libxml2 ends a value at one. */
	static const char nul[] = "xxxx<a title=\"a\0b\" href=h111>x</a><a title=t href=h112>y\0</a>";
	same_len (nul, sizeof nul - 1);
	/* Names at libxml2's limit of 100 bytes, and past it. */
	for (int n = 97; n <= 103; n++) {
		char *name = g_strnfill (n, 'x');
		char *h = g_strdup_printf ("xxxx<a %s=1 title=t href=h113>a</a><%s title=t href=h114>b</%s>"
					   "<a title=t %shref=h115 href=h116>c</a>", name, name, name, name);
		same (h);
		g_free (h);
		g_free (name);
	}
	/* Many attributes on one tag (past the room kept on the stack). */
	GString *many = g_string_new ("xxxx<a");
	for (int i = 0; i < 300; i++)
		g_string_append_printf (many, i % 7 ? " t%d=%d" : " href=h%d style='x%d'", i, i);
	g_string_append (many, ">a</a>");
	same (many->str);
	g_string_free (many, TRUE);
}

/* Documents of the pieces above at random, and each cut at every length
 * (unfinished attributes, comments, DOCTYPEs, script). */
Test (html_ref, attributes_taken_out_random)
{
	wb_analysis_data ();
	static const char *pieces[] = {
		"<a href=\"http://h.example/%d\" title=t%d>", "<A TITLE='x' HREF=h%d>", "<img alt=a src=s%d width=1/>",
		"<img src=s%d/>", "<p class=c%d>", "<div style=\"display:none\" id=%d>", "<span x= hidden>",
		"<form action=f%d method=post>", "<a href=>", "<a title=\"%d>\" href=q%d>", "<a title=\"", "<a title='",
		"<a\"b\" href=z%d>", "<a x=1 x=2 href=d%d href=e%d>", "<td background=b%d bgcolor=#fff>",
		"<meta http-equiv=Content-Type content=\"text/html; charset=latin1\">", "<a x = %d\nhref = g%d>",
		"</a>", "</p>", "</div >", "</ x>", "</>", "</a title=\">\">", "<!-- c -->", "<!-- ", " -->", "--!>",
		"<!---->", "<!-->", "<!DOCTYPE html>", "<!DOCTYPE html PUBLIC \"a>b\">", "<?pi?>", "<script>",
		"</script>", "<script src=j%d>", "<style>", "</style>", "<noscript>", "<body title=b>", "<head>",
		"<html lang=%d>", "<table width=%d>", "<tr>", "<td>", "<li>", "word", " ", "\n", "\t", "&amp;", "&", "<",
		">", "\"", "'", "=", "/", "caf\xc3\xa9", "\xff", "&#x3c;", "<b", "<br/>", "<br />", "<br clear=all>",
		"<a title=x/>", "<%s>",
	};
	GRand *r = g_rand_new_with_seed (19);
	for (int doc = 0; doc < 4000; doc++) {
		GString *h = g_string_new (NULL);
		int n = g_rand_int_range (r, 0, 40);
		for (int k = 0; k < n; k++) {
			const char *p = pieces[g_rand_int_range (r, 0, G_N_ELEMENTS (pieces))];
			if (strstr (p, "%s")) {
				char *name = g_strnfill (g_rand_int_range (r, 98, 102), 'n');
				g_string_append_printf (h, p, name);
				g_free (name);
			} else {
				g_string_append_printf (h, p, k, k);
			}
		}
		same (h->str);
		/* Cut short at every length, for the first hundred. */
		if (doc < 100) {
			for (gsize len = 0; len < h->len; len++) {
				char *cut = g_strndup (h->str, len);
				same (cut);
				g_free (cut);
			}
		}
		g_string_free (h, TRUE);
	}
	g_rand_free (r);
}
