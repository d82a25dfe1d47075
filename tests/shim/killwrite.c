/* LD_PRELOAD shim that kills the process at a chosen write to a file,
 * for kill tests that must land inside a transaction whatever the
 * machine's load (a kill after a sleep lands wherever the scheduler puts
 * it: on a busy machine, after the work is done).
 *   WB_KILL_PATH=PATH     the writes counted: to the file PATH (absolute,
 *                         as /proc/self/fd gives it) and to SQLite's files
 *                         beside it, PATH-journal and PATH-wal (not, say,
 *                         PATH.lock);
 *   WB_KILL_AT=N          the N-th such write (1 the first) is not made:
 *                         the process sends itself SIGKILL instead, as
 *                         'kill -9' from outside would (0: none);
 *   WB_KILL_SIG=N         the signal sent at the N-th write instead of
 *                         SIGKILL (9), as 'kill -N' from outside would;
 *                         for any other than SIGKILL the write is then
 *                         made (say SIGINT, 2: the process's handler
 *                         decides what follows);
 *   WB_KILL_COUNT=FILE    at a normal exit, the number of such writes is
 *                         written to FILE (to choose N for the next runs).
 * Covers write, pwrite, pwrite64 and writev, which SQLite's unix VFS and
 * our own code use.  Built as build/tools/killwrite.so by 'make tools'. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long count;

/* Whether a write to FD is one counted, and if so whether it is the one
 * to die at (then it does not return). */
static void
counted (int fd)
{
	const char *want = getenv ("WB_KILL_PATH");
	if (!want || !*want)
		return;
	struct stat st;
	if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
		return;
	char link[64], path[4096];
	snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink (link, path, sizeof path - 1);
	if (n < 0)
		return;
	path[n] = 0;
	size_t k = strlen (want);
	if (strncmp (path, want, k) != 0 || (path[k] && strcmp (path + k, "-journal") != 0
						 && strcmp (path + k, "-wal") != 0))
		return;
	count++;
	const char *at = getenv ("WB_KILL_AT");
	if (at && *at && count == atoll (at)) {
		const char *sig = getenv ("WB_KILL_SIG");
		kill (getpid (), sig && *sig ? atoi (sig) : SIGKILL);
	}
}

__attribute__((destructor)) static void
report (void)
{
	const char *f = getenv ("WB_KILL_COUNT");
	if (!f || !*f)
		return;
	FILE *out = fopen (f, "w");
	if (out) {
		fprintf (out, "%lld\n", count);
		fclose (out);
	}
}

ssize_t
write (int fd, const void *buf, size_t n)
{
	static ssize_t (*real) (int, const void *, size_t);
	if (!real)
		real = (ssize_t (*) (int, const void *, size_t)) dlsym (RTLD_NEXT, "write");
	counted (fd);
	return real (fd, buf, n);
}

ssize_t
pwrite (int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real) (int, const void *, size_t, off_t);
	if (!real)
		real = (ssize_t (*) (int, const void *, size_t, off_t)) dlsym (RTLD_NEXT, "pwrite");
	counted (fd);
	return real (fd, buf, n, off);
}

ssize_t
pwrite64 (int fd, const void *buf, size_t n, off64_t off)
{
	static ssize_t (*real) (int, const void *, size_t, off64_t);
	if (!real)
		real = (ssize_t (*) (int, const void *, size_t, off64_t)) dlsym (RTLD_NEXT, "pwrite64");
	counted (fd);
	return real (fd, buf, n, off);
}

ssize_t
writev (int fd, const struct iovec *iov, int n)
{
	static ssize_t (*real) (int, const struct iovec *, int);
	if (!real)
		real = (ssize_t (*) (int, const struct iovec *, int)) dlsym (RTLD_NEXT, "writev");
	counted (fd);
	return real (fd, iov, n);
}
