/* LD_PRELOAD shim that records the program's calls of sync_file_range():
 * for each, one line "sync_file_range FLAGS" appended to the file
 * WB_WRITEBACK_LOG names, and the call passed on.  Built as
 * build/tools/writeback.so by 'make tools' (tests/cli/t-ingest-writeback.sh). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

int
sync_file_range (int fd, off_t offset, off_t nbytes, unsigned int flags)
{
	int (*next) (int, off_t, off_t, unsigned int) =
		(int (*) (int, off_t, off_t, unsigned int)) dlsym (RTLD_NEXT, "sync_file_range");
	const char *path = getenv ("WB_WRITEBACK_LOG");
	FILE *f = path ? fopen (path, "a") : NULL;
	if (f) {
		fprintf (f, "sync_file_range %u\n", flags);
		fclose (f);
	}
	return next ? next (fd, offset, nbytes, flags) : -1;
}
