/* The lines of an HTML body's text: white space runs are one space, each
 * line is trimmed, a line of only U+00A0 (&nbsp;) is blank, and blank
 * lines between text are one empty line.  Worked by hand from the markup
 * (p and div are blocks: each starts and ends a line). */
#include <criterion/criterion.h>
#include <string.h>
#include "analyze.h"

static void
text_is (const char *html, const char *want)
{
	char *t = wb_html_to_text (html, strlen (html), NULL);
	cr_expect_str_eq (t, want, "of '%s'", html);
	g_free (t);
}

Test (html, lines)
{
	wb_analysis_data ();
	/* "a", a line of one nbsp (blank), "b" after two nbsp, a line of a
	 * tab (blank), "c": one empty line stands for the blank ones. */
	text_is ("<p>  a  </p><p>&nbsp;</p><p>&nbsp;&nbsp;b</p>\n<p>\t</p><div>c</div>", "a\n\nb\nc");
	/* The nbsp is taken off the start, the space after it stays. */
	text_is ("<p>&nbsp; x</p>", " x");
	/* Runs of white space inside a line: one space; trailing: none. */
	text_is ("<p>one \t\r\n  two\t</p><p>three</p>", "one two\nthree");
	/* Text before the first block and after the last. */
	text_is ("lead<div>mid</div>tail ", "lead\nmid\ntail");
	text_is ("", "");
	text_is ("<p> </p>", "");
}

/* Links: a and area by href, img, iframe and frame by src, form by action
 * (read as an href), in document order, whatever the case of the markup;
 * the same attribute on another element is no link. */
Test (html, links_by_element)
{
	wb_analysis_data ();
	static const char html[] =
		"<html><body><A HREF=\"http://a.example/1\">x</A><abbr href=\"http://no.example/\">y</abbr>"
		"<IMG SRC=\"http://i.example/p.gif\"><map><Area Href=\"http://m.example/\"></map>"
		"<FORM ACTION=\"http://f.example/post\"><input src=\"http://no.example/2\"></FORM>"
		"<iframe src=\"http://fr.example/\"></iframe><div src=\"http://no.example/3\">z</div>"
		"</body></html>";
	GPtrArray *links = g_ptr_array_new_with_free_func (g_free);
	char *t = wb_html_to_text (html, strlen (html), links);
	static const char *want[] = { "href http://a.example/1", "src http://i.example/p.gif",
				      "href http://m.example/", "href http://f.example/post",
				      "src http://fr.example/" };
	cr_assert_eq (links->len, G_N_ELEMENTS (want));
	for (guint i = 0; i < links->len; i++)
		cr_expect_str_eq (g_ptr_array_index (links, i), want[i]);
	g_free (t);
	g_ptr_array_unref (links);
}
