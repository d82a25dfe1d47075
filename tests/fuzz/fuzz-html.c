/* libFuzzer harness: HTML to visible text (wb_html_to_text, libxml2) with
 * link collection, and the fingerprint of the text (wb_simhash). */
#include <stdint.h>
#include <stddef.h>
#include "analyze.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	GPtrArray *links = g_ptr_array_new_with_free_func (g_free);
	char *text = wb_html_to_text ((const char *) data, size, links);
	if (!text)
		__builtin_trap ();
	uint64_t fp;
	wb_simhash (text, "trap@example.com", &fp);
	for (guint i = 0; i < links->len; i++) {
		const char *l = links->pdata[i];
		const char *u = strchr (l, ' ');
		char *n = wb_url_normalize (u ? u + 1 : l);
		char *h = wb_url_host (u ? u + 1 : l);
		g_free (n);
		g_free (h);
	}
	g_free (text);
	g_ptr_array_free (links, TRUE);
	return 0;
}
