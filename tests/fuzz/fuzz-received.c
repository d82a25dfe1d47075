/* libFuzzer harness: the Received header parser (wb_hop_parse) and the
 * chain marking (wb_hops_mark) over the input's lines, topmost first. */
#include <stdint.h>
#include <stddef.h>
#include "analyze.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	char *text = g_strndup ((const char *) data, size);
	char **lines = g_strsplit (text, "\n", 64);
	GPtrArray *hops = g_ptr_array_new_with_free_func ((GDestroyNotify) wb_hop_free);
	for (int i = 0; lines[i]; i++)
		g_ptr_array_add (hops, wb_hop_parse (lines[i]));
	wb_hops_mark (hops, "mx.example.com;example.net");
	g_ptr_array_free (hops, TRUE);
	g_strfreev (lines);
	g_free (text);
	return 0;
}
