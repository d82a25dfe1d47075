/* The floor under ingest's throughput: what the libraries ingest must use
 * cost on this machine, with nothing of ours around them (no walker, no
 * writer, no SQLite).  tests/bench/bench-floor.sh runs it on the bench mbox.
 *
 *   bench-floor MBOX [THREADS]
 *
 * The mbox is mapped and cut at its From_ lines first; then, for each level
 * below, THREADS threads share the messages and each message gets:
 *   sha+gmime       SHA-256 (OpenSSL) and a GMime parse, then the free
 *   +warnings       the same with a parser-warning callback set, as ingest
 *                   needs to record why a copy is malformed (GMime then
 *                   decodes every header to check its encoded words)
 *   +decode         and every text/html part decoded (transfer encoding)
 *   +html           and libxml2's HTML parser, with empty SAX callbacks, over
 *                   each of those: the least that turning HTML into text
 *                   can cost
 * and prints messages/s.  A throughput target above a level's figure cannot
 * be met by anything that does that level's work on this machine. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <openssl/evp.h>
#include "analyze.h"

typedef struct {
	const char *p;
	size_t len;
} span_t;

enum { LEVEL_GMIME, LEVEL_WARN, LEVEL_DECODE, LEVEL_HTML };

typedef struct {
	GArray *msgs;
	gint next;
	int level;
} job_t;

static void
on_warning (gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	(void) offset, (void) code, (void) item;
	++*(int *) data;
}

static void
html_part (GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void) parent;
	if (!GMIME_IS_PART (part))
		return;
	GMimeContentType *ct = g_mime_object_get_content_type (part);
	if (!g_mime_content_type_is_type (ct, "text", "html"))
		return;
	GMimeDataWrapper *w = g_mime_part_get_content (GMIME_PART (part));
	if (!w)
		return;
	GMimeStream *mem = g_mime_stream_mem_new ();
	g_mime_data_wrapper_write_to_stream (w, mem);
	GByteArray *ba = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
	if (*(int *) data < LEVEL_HTML) {
		g_object_unref (mem);
		return;
	}
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt ();
	memset (ctxt->sax, 0, sizeof (htmlSAXHandler));
	htmlDocPtr doc = htmlCtxtReadMemory (ctxt, (const char *) ba->data, (int) ba->len, NULL,
					     "UTF-8", HTML_PARSE_RECOVER | HTML_PARSE_NOERROR
					     | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (doc)
		xmlFreeDoc (doc);
	htmlFreeParserCtxt (ctxt);
	g_object_unref (mem);
}

static gpointer
run (gpointer data)
{
	job_t *job = data;
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	int warnings = 0;
	if (job->level >= LEVEL_WARN)
		g_mime_parser_options_set_warning_callback (opts, on_warning, &warnings);
	GMimeParser *parser = g_mime_parser_new ();
	EVP_MD_CTX *md = EVP_MD_CTX_new ();
	unsigned char digest[32];
	for (;;) {
		guint at = (guint) g_atomic_int_add (&job->next, 64);
		if (at >= job->msgs->len)
			break;
		for (guint i = at; i < at + 64 && i < job->msgs->len; i++) {
			span_t *m = &g_array_index (job->msgs, span_t, i);
			EVP_DigestInit_ex (md, EVP_sha256 (), NULL);
			EVP_DigestUpdate (md, m->p, m->len);
			EVP_DigestFinal_ex (md, digest, NULL);
			/* Over the mapping's bytes, as ingest's parse workers do. */
			GMimeStream *s = wb_mem_stream (m->p, m->len);
			g_mime_parser_init_with_stream (parser, s);
			GMimeMessage *msg = g_mime_parser_construct_message (parser, opts);
			if (msg && job->level >= LEVEL_DECODE)
				g_mime_message_foreach (msg, html_part, &job->level);
			if (msg)
				g_object_unref (msg);
			g_object_unref (s);
		}
	}
	EVP_MD_CTX_free (md);
	g_object_unref (parser);
	g_mime_parser_options_free (opts);
	return NULL;
}

int
main (int argc, char **argv)
{
	if (argc < 2) {
		fprintf (stderr, "usage: bench-floor MBOX [THREADS]\n");
		return 2;
	}
	int threads = argc > 2 ? atoi (argv[2]) : 2;
	if (threads < 1 || threads > 64)
		threads = 2;
	int fd = open (argv[1], O_RDONLY);
	struct stat sb;
	if (fd < 0 || fstat (fd, &sb) < 0) {
		fprintf (stderr, "bench-floor: cannot read '%s': %s\n", argv[1], g_strerror (errno));
		return 1;
	}
	if (sb.st_size == 0) {
		fprintf (stderr, "bench-floor: '%s' is empty\n", argv[1]);
		return 1;
	}
	const char *base = mmap (NULL, (size_t) sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (base == MAP_FAILED) {
		fprintf (stderr, "bench-floor: cannot map '%s': %s\n", argv[1], g_strerror (errno));
		return 1;
	}
	/* Cut at each From_ line: a message is what lies between two. */
	GArray *msgs = g_array_new (FALSE, FALSE, sizeof (span_t));
	const char *end = base + sb.st_size, *p = base, *start = NULL;
	while (p < end) {
		const char *nl = memchr (p, '\n', (size_t) (end - p));
		const char *next = nl ? nl + 1 : end;
		if (end - p >= 5 && memcmp (p, "From ", 5) == 0) {
			if (start && p > start) {
				span_t m = { start, (size_t) (p - start) };
				g_array_append_val (msgs, m);
			}
			start = next;
		}
		p = next;
	}
	if (start && end > start) {
		span_t m = { start, (size_t) (end - start) };
		g_array_append_val (msgs, m);
	}
	g_mime_init ();
	xmlInitParser ();
	static const char *const names[] = { "sha+gmime", "+warnings", "+decode", "+html" };
	/* This machine's speed changes by a third from one minute to the next:
	 * each level runs RUNS times (FLOOR_RUNS, default 3), in turn with the
	 * others, and the best run of each is the floor. */
	const char *r = g_getenv ("FLOOR_RUNS");
	int runs = r ? atoi (r) : 3;
	if (runs < 1)
		runs = 1;
	double best[LEVEL_HTML + 1] = { 0 }, cpu[LEVEL_HTML + 1] = { 0 };
	for (int k = 0; k < runs; k++)
		for (int level = LEVEL_GMIME; level <= LEVEL_HTML; level++) {
			job_t job = { msgs, 0, level };
			struct rusage u0, u1;
			getrusage (RUSAGE_SELF, &u0);
			gint64 t0 = g_get_monotonic_time ();
			GThread *th[64];
			for (int i = 0; i < threads; i++)
				th[i] = g_thread_new ("floor", run, &job);
			for (int i = 0; i < threads; i++)
				g_thread_join (th[i]);
			double secs = (double) (g_get_monotonic_time () - t0) / 1e6;
			if (k == 0 || secs < best[level])
				best[level] = secs;
			/* CPU time (user + sys) of the level: on a shared machine
			 * wall time stretches with the load, CPU time much less. */
			getrusage (RUSAGE_SELF, &u1);
			double c = (u1.ru_utime.tv_sec - u0.ru_utime.tv_sec) + (u1.ru_stime.tv_sec - u0.ru_stime.tv_sec)
				+ ((u1.ru_utime.tv_usec - u0.ru_utime.tv_usec) + (u1.ru_stime.tv_usec - u0.ru_stime.tv_usec)) / 1e6;
			if (k == 0 || c < cpu[level])
				cpu[level] = c;
		}
	for (int level = LEVEL_GMIME; level <= LEVEL_HTML; level++) {
		double secs = best[level];
		printf ("floor %-10s %d threads  %u messages  %6.2f s  %7.0f messages/s  (best of %d)"
			"  cpu %.2f s  %.0f us/message\n", names[level], threads, msgs->len, secs,
			msgs->len / secs, runs, cpu[level], cpu[level] * 1e6 / msgs->len);
		fflush (stdout);
	}
	g_array_free (msgs, TRUE);
	munmap ((void *) base, (size_t) sb.st_size);
	close (fd);
	return 0;
}
