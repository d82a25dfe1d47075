/* LD_PRELOAD shim that makes the disk fill up: once WB_ENOSPC_BYTES bytes
 * have been written to regular files by this process, every further write
 * that would grow a regular file fails with ENOSPC, as on a full file
 * system (writes over bytes a file already has still succeed: their blocks
 * are allocated).  Pipes, terminals and /dev/null are never affected.
 * WB_ENOSPC_FSYNC=1 also makes fsync/fdatasync fail with ENOSPC once the
 * budget is spent.  Covers write, pwrite, pwrite64, writev and the stdio
 * writes (fwrite, fputs, fputc, fprintf, fflush go through write() inside
 * glibc, which an LD_PRELOAD cannot see, so stdio streams on regular files
 * are checked at fwrite/fputs/fputc/vfprintf; fclose of a failed stream
 * fails with ENOSPC).  Standard input, output and
 * error are never affected (the test reads the messages from them).
 * Built as build/tools/enospc.so by 'make tools'. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long budget = -1;   /* -1: not read yet; -2: no limit */
static long long written;

static int
limited (void)
{
	if (budget == -1) {
		const char *s = getenv ("WB_ENOSPC_BYTES");
		budget = s && *s ? atoll (s) : -2;
	}
	return budget >= 0;
}

/* Whether a write of N bytes at OFF (-1: the current offset) to FD must fail. */
static int
refuse (int fd, off_t off, size_t n)
{
	if (!limited () || n == 0 || fd <= 2)
		return 0;
	struct stat sb;
	if (fstat (fd, &sb) != 0 || !S_ISREG (sb.st_mode))
		return 0;
	if (off < 0)
		off = lseek (fd, 0, SEEK_CUR);
	if (off >= 0 && (long long) off + (long long) n <= (long long) sb.st_size)
		return 0;                   /* overwrite: no new blocks */
	if (written + (long long) n <= budget) {
		written += (long long) n;
		return 0;
	}
	return 1;
}

#define REAL(ret, name, ...) \
	static ret (*real_##name) (__VA_ARGS__); \
	if (!real_##name) real_##name = (ret (*) (__VA_ARGS__)) dlsym (RTLD_NEXT, #name)

ssize_t
write (int fd, const void *buf, size_t n)
{
	REAL (ssize_t, write, int, const void *, size_t);
	if (refuse (fd, -1, n)) { errno = ENOSPC; return -1; }
	return real_write (fd, buf, n);
}

ssize_t
pwrite (int fd, const void *buf, size_t n, off_t off)
{
	REAL (ssize_t, pwrite, int, const void *, size_t, off_t);
	if (refuse (fd, off, n)) { errno = ENOSPC; return -1; }
	return real_pwrite (fd, buf, n, off);
}

ssize_t
pwrite64 (int fd, const void *buf, size_t n, off_t off)
{
	REAL (ssize_t, pwrite64, int, const void *, size_t, off_t);
	if (refuse (fd, off, n)) { errno = ENOSPC; return -1; }
	return real_pwrite64 (fd, buf, n, off);
}

ssize_t
writev (int fd, const struct iovec *iov, int cnt)
{
	REAL (ssize_t, writev, int, const struct iovec *, int);
	size_t n = 0;
	for (int i = 0; i < cnt; i++)
		n += iov[i].iov_len;
	if (refuse (fd, -1, n)) { errno = ENOSPC; return -1; }
	return real_writev (fd, iov, cnt);
}

static int
sync_fails (void)
{
	const char *s = getenv ("WB_ENOSPC_FSYNC");
	return limited () && s && *s == '1' && written >= budget;
}

int
fsync (int fd)
{
	REAL (int, fsync, int);
	if (sync_fails ()) { errno = ENOSPC; return -1; }
	return real_fsync (fd);
}

int
fdatasync (int fd)
{
	REAL (int, fdatasync, int);
	if (sync_fails ()) { errno = ENOSPC; return -1; }
	return real_fdatasync (fd);
}

/* stdio: refuse before the bytes reach the stream's buffer, and fail the
 * stream (error indicator set) as a real ENOSPC would at the next flush. */
static int
stream_refuses (FILE *f, size_t n)
{
	int fd = f ? fileno (f) : -1;
	if (fd < 0 || !refuse (fd, -1, n))
		return 0;
	errno = ENOSPC;
	f->_flags |= 0x0020;            /* _IO_ERR_SEEN: ferror() is true */
	return 1;
}

size_t
fwrite (const void *p, size_t size, size_t nmemb, FILE *f)
{
	REAL (size_t, fwrite, const void *, size_t, size_t, FILE *);
	if (stream_refuses (f, size * nmemb))
		return 0;
	return real_fwrite (p, size, nmemb, f);
}

/* A stream the shim failed: its fclose fails with ENOSPC too, as the real
 * one would when flushing the rest of its buffer to a full disk. */
int
fclose (FILE *f)
{
	REAL (int, fclose, FILE *);
	int failed = f && (f->_flags & 0x0020) && fileno (f) > 2 && limited () && written > 0;
	int rc = real_fclose (f);
	if (failed) {
		errno = ENOSPC;
		return EOF;
	}
	return rc;
}

int
fputs (const char *s, FILE *f)
{
	REAL (int, fputs, const char *, FILE *);
	if (stream_refuses (f, strlen (s)))
		return EOF;
	return real_fputs (s, f);
}

int
fputc (int c, FILE *f)
{
	REAL (int, fputc, int, FILE *);
	if (stream_refuses (f, 1))
		return EOF;
	return real_fputc (c, f);
}

int
putc (int c, FILE *f)
{
	return fputc (c, f);
}

int
vfprintf (FILE *f, const char *fmt, va_list ap)
{
	REAL (int, vfprintf, FILE *, const char *, va_list);
	va_list aq;
	va_copy (aq, ap);
	int n = vsnprintf (NULL, 0, fmt, aq);
	va_end (aq);
	if (n > 0 && stream_refuses (f, (size_t) n))
		return -1;
	return real_vfprintf (f, fmt, ap);
}

int
fprintf (FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	int n = vfprintf (f, fmt, ap);
	va_end (ap);
	return n;
}
