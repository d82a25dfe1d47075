/* LD_PRELOAD shim that records what the program asks of tcmalloc's
 * MallocExtension_SetNumericProperty(): for each call, one line
 * "NAME VALUE READBACK" appended to the file WB_MALLOC_LOG names, where
 * READBACK is what tcmalloc's MallocExtension_GetNumericProperty() gives
 * for NAME after the call was passed on to it (-1 when it gives nothing,
 * "none" when no tcmalloc is loaded).  Built as
 * build/tools/malloc-props.so by 'make tools' (tests/cli/t-malloc-caches.sh). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int
MallocExtension_SetNumericProperty (const char *name, size_t value)
{
	int (*set) (const char *, size_t) =
		(int (*) (const char *, size_t)) dlsym (RTLD_NEXT, "MallocExtension_SetNumericProperty");
	int (*get) (const char *, size_t *) =
		(int (*) (const char *, size_t *)) dlsym (RTLD_NEXT, "MallocExtension_GetNumericProperty");
	int ok = set ? set (name, value) : 0;
	const char *path = getenv ("WB_MALLOC_LOG");
	FILE *f = path ? fopen (path, "a") : NULL;
	if (f) {
		size_t back = 0;
		if (!set || !get)
			fprintf (f, "%s %zu none\n", name, value);
		else if (get (name, &back))
			fprintf (f, "%s %zu %zu\n", name, value, back);
		else
			fprintf (f, "%s %zu -1\n", name, value);
		fclose (f);
	}
	return ok;
}
