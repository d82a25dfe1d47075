/* LD_PRELOAD shim for input faults (tests/cli/t-ingest-change.sh):
 *   WB_FAULT_EACCES=PATH   open()/openat() of PATH fail with EACCES, as for
 *                          an unreadable file (the tests run as root, where
 *                          chmod 000 does not stop a read);
 *   WB_FAULT_GROW=PATH     after the WB_FAULT_GROW_AFTER-th read() (default 2)
 *                          from PATH, append a line to PATH: a file written
 *                          to while it is read, deterministically.
 * Built as build/tools/faults.so by 'make tools'. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
same_file (const char *env, const char *path)
{
	const char *p = getenv (env);
	if (!p || !*p || !path)
		return 0;
	struct stat a, b;
	return stat (p, &a) == 0 && stat (path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

int
open (const char *path, int flags, ...)
{
	static int (*real) (const char *, int, ...);
	if (!real)
		real = (int (*) (const char *, int, ...)) dlsym (RTLD_NEXT, "open");
	va_list ap;
	va_start (ap, flags);
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg (ap, mode_t) : 0;
	va_end (ap);
	if (same_file ("WB_FAULT_EACCES", path)) {
		errno = EACCES;
		return -1;
	}
	return real (path, flags, mode);
}

int
open64 (const char *path, int flags, ...)
{
	va_list ap;
	va_start (ap, flags);
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg (ap, mode_t) : 0;
	va_end (ap);
	return open (path, flags, mode);
}

int
openat (int dir, const char *path, int flags, ...)
{
	static int (*real) (int, const char *, int, ...);
	if (!real)
		real = (int (*) (int, const char *, int, ...)) dlsym (RTLD_NEXT, "openat");
	va_list ap;
	va_start (ap, flags);
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg (ap, mode_t) : 0;
	va_end (ap);
	if (same_file ("WB_FAULT_EACCES", path)) {
		errno = EACCES;
		return -1;
	}
	return real (dir, path, flags, mode);
}

ssize_t
read (int fd, void *buf, size_t n)
{
	static ssize_t (*real) (int, void *, size_t);
	static int reads, grown;
	if (!real)
		real = (ssize_t (*) (int, void *, size_t)) dlsym (RTLD_NEXT, "read");
	ssize_t r = real (fd, buf, n);
	const char *p = getenv ("WB_FAULT_GROW");
	if (p && *p && !grown && fd > 2) {
		struct stat a, b;
		if (fstat (fd, &a) == 0 && stat (p, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			const char *k = getenv ("WB_FAULT_GROW_AFTER");
			if (++reads >= (k ? atoi (k) : 2)) {
				grown = 1;
				int w = open (p, O_WRONLY | O_APPEND);
				if (w >= 0) {
					static const char line[] = "\nappended while read\n";
					if (write (w, line, sizeof line - 1) < 0)
						grown = 1;
					close (w);
				}
			}
		}
	}
	return r;
}
