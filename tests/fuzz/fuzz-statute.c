/* libFuzzer harness: the statute file loader (wb_statute_parse in
 * workbench/engine/statute.c), then every provision looked up by name. */
#include <stdint.h>
#include <stddef.h>
#include "wb.h"
#include "statute.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	wb_statute_t *st = NULL;
	char *err = NULL;
	wb_status_t s = wb_statute_parse ("fuzz.ini", (const char *) data, size, &st, &err);
	if (s == WB_OK && !st)
		__builtin_trap ();
	if (s != WB_OK && !err)
		__builtin_trap ();
	if (st) {
		wb_statute_provision (st, "a");
		wb_statute_provision_index (st, "b");
	}
	wb_statute_free (st);
	g_free (err);
	return 0;
}
