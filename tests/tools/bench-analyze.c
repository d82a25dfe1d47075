/* Analysis throughput: 'bench-analyze MBOX [REPEAT]' splits an mbox at its
 * "From " lines, parses every message with GMime once (timed alone), then
 * parses and analyses it (timed), and prints messages/s for both and the
 * cost of analysis per message.  One thread: the cost is per parse worker. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "../unit/mbox-split.h"

/* CPU time of this process: the machine may be shared, and wall time would
 * count the other programs' share. */
static double
cpu_seconds (void)
{
	struct timespec ts;
	clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static GMimeMessage *
parse (const char *p, size_t n)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer (p, n);
	GMimeParser *ps = g_mime_parser_new_with_stream (st);
	GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
	g_object_unref (ps);
	g_object_unref (st);
	return m;
}

int
main (int argc, char **argv)
{
	if (argc < 2) {
		fprintf (stderr, "usage: bench-analyze MBOX [REPEAT]\n");
		return 2;
	}
	g_mime_init ();
	char *data;
	gsize len;
	GError *err = NULL;
	if (!g_file_get_contents (argv[1], &data, &len, &err)) {
		fprintf (stderr, "error: %s\n", err->message);
		return 1;
	}
	int repeat = argc > 2 ? atoi (argv[2]) : 1;
	GArray *mbox = mbox_split (data, len);
	guint n = mbox->len;
	wb_analyze_ctx_t actx = { NULL, NULL };
	wb_analysis_data ();
	double t[2];
	for (int pass = 0; pass < 2; pass++) {
		double s = cpu_seconds ();
		for (int r = 0; r < repeat; r++)
			for (guint i = 0; i < n; i++) {
				const mbox_msg_t *mm = &g_array_index (mbox, mbox_msg_t, i);
				GMimeMessage *m = parse (mm->p, mm->len);
				if (pass == 1)
					wb_analysis_free (wb_analyze (m, mm->p, mm->len, &actx));
				if (m)
					g_object_unref (m);
			}
		t[pass] = cpu_seconds () - s;
	}
	double msgs = (double) n * repeat;
	printf ("messages %.0f (rates in CPU time)\nparse only: %.0f messages/s\nparse + analysis: %.0f messages/s\n"
		"analysis alone: %.0f messages/s (%.1f us per message)\n",
		msgs, msgs / t[0], msgs / t[1], msgs / (t[1] - t[0]), (t[1] - t[0]) / msgs * 1e6);
	g_array_unref (mbox);
	g_free (data);
	return 0;
}
