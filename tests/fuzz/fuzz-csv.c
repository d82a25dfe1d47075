/* libFuzzer harness: the CSV reader behind every import. */
#include <stdint.h>
#include <stddef.h>
#include "csv.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	char *err = NULL;
	wb_csv_t *csv = wb_csv_open_data ("fuzz.csv", (const char *) data, size, &err);
	if (!csv) {
		g_free (err);
		return 0;
	}
	gboolean more = TRUE;
	while (more && wb_csv_next (csv, &more) == WB_OK && more) {
		wb_csv_get (csv, "address");
		char **v = wb_csv_get_list (csv, "email");
		g_strfreev (v);
	}
	wb_csv_free (csv);
	return 0;
}
