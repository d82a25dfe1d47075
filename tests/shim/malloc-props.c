/* LD_PRELOAD shim that records what the program asks of tcmalloc's
 * MallocExtension_SetNumericProperty(): for each call, one line
 * "NAME VALUE READBACK" appended to the file WB_MALLOC_LOG names, where
 * READBACK is what tcmalloc's MallocExtension_GetNumericProperty() gives
 * for NAME after the call was passed on to it (-1 when it gives nothing,
 * "none" when no tcmalloc is loaded).  Each call of
 * MallocExtension_ReleaseFreeMemory() appends "release", and is passed on.
 * With WB_MALLOC_BALLAST_MIB=N the shim holds N MiB of its own, mapped and
 * written when it is loaded, so that the process is that much larger.
 * Built as build/tools/malloc-props.so by 'make tools'
 * (tests/cli/t-malloc-caches.sh, t-malloc-release.sh). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void
log_line (const char *line)
{
	const char *path = getenv ("WB_MALLOC_LOG");
	FILE *f = path ? fopen (path, "a") : NULL;
	if (f) {
		fputs (line, f);
		fclose (f);
	}
}

__attribute__ ((constructor)) static void
ballast (void)
{
	const char *mib = getenv ("WB_MALLOC_BALLAST_MIB");
	size_t n = mib ? (size_t) strtoul (mib, NULL, 10) << 20 : 0;
	if (!n)
		return;
	void *p = mmap (NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		memset (p, 1, n);   /* never unmapped: it lasts as long as the process */
}

void
MallocExtension_ReleaseFreeMemory (void)
{
	void (*release) (void) = (void (*) (void)) dlsym (RTLD_NEXT, "MallocExtension_ReleaseFreeMemory");
	log_line ("release\n");
	if (release)
		release ();
}

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
