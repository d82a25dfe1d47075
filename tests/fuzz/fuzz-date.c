/* libFuzzer harness: the Date header parser (wb_ingest_date in
 * evidence/ingest-parse.c). */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "ingest-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	char *text = g_strndup ((const char *) data, size);
	GDateTime *dt = NULL;
	const char *status = wb_ingest_date (text, &dt);
	if (!status)
		__builtin_trap ();
	if (dt) {
		char *s = g_date_time_format_iso8601 (dt);
		g_free (s);
		g_date_time_unref (dt);
	}
	g_free (text);
	return 0;
}
