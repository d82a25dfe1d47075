/* libFuzzer harness, differential: wb_html_to_text() against the
 * reference that gives libxml2 the document whole (tests/unit/html-ref.h).
 * wb_html_to_text() hands libxml2 each part without the attributes no
 * callback reads, where following libxml2 2.9.14's reading proves the
 * callbacks the same (evidence/analyze-html.c); any input whose text or
 * links differ between the two is a crash here. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "analyze.h"
#include "../unit/html-ref.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static gboolean ready;
	if (!ready) {
		wb_analysis_data ();
		ready = TRUE;
	}
	GPtrArray *l1 = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *l2 = g_ptr_array_new_with_free_func (g_free);
	char *t1 = wb_html_to_text ((const char *) data, size, l1);
	char *t2 = ref_html_to_text ((const char *) data, size, l2);
	gboolean same = !strcmp (t1, t2) && l1->len == l2->len;
	for (guint i = 0; same && i < l1->len; i++)
		same = !strcmp (g_ptr_array_index (l1, i), g_ptr_array_index (l2, i));
	if (!same)
		__builtin_trap ();
	g_free (t1);
	g_free (t2);
	g_ptr_array_unref (l1);
	g_ptr_array_unref (l2);
	return 0;
}
