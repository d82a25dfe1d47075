/* libFuzzer harness: the mbox splitter (split_stream in evidence/ingest.c).
 * A From_ line is put in front of the input so that it is read as an mbox
 * (From_ lines, Content-Length, >From quoting, CRLF and bare CR inside). */
#include <string.h>
#include "fuzz-case.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	fz_init ();
	return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static const char from[] = "From fuzz@example.com Mon Jan  1 00:00:00 2024\n";
	size_t n = sizeof from - 1;
	char *buf = g_malloc (n + size + 1);
	memcpy (buf, from, n);
	if (size)
		memcpy (buf + n, data, size);
	fz_ingest ("box.mbox", buf, n + size);
	g_free (buf);
	return 0;
}
