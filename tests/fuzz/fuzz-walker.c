/* libFuzzer harness: the archive walker (evidence/ingest.c).  The input is
 * one top-level file ingested into a scratch case: gzip, zip, tar, nested
 * containers, mboxes and messages are all recognised by content. */
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
	fz_ingest ("input", data, size);
	return 0;
}
