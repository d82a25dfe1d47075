/* libFuzzer harness, differential: wb_html_to_text() against the
 * reference that gives libxml2 the document whole (tests/unit/html-ref.h).
 * wb_html_to_text() hands libxml2 each part without the attributes no
 * callback reads, where following libxml2 2.9.14's reading proves the
 * callbacks the same (evidence/analyze-html.c); any input whose text or
 * links differ between the two is a crash here. */
#include <stdint.h>
#include <stddef.h>
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
	if (!ref_html_same ((const char *) data, size))
		__builtin_trap ();
	return 0;
}
