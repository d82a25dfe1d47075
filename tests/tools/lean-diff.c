/* 'lean-diff MBOX': each message of an mbox (split at "From " lines, the
 * From_ line left out) parsed by wb_ingest_parse_lean() and by
 * wb_ingest_parse(), and what the readers of a parsed copy get from each
 * compared (tests/unit/lean-ref.h).  Prints "messages N, aside A, fewer F,
 * differ D" (A: Received fields kept aside; F: GMime given fewer fields)
 * and, for the first few that differ, how; exits 1 if any does
 * (tests/cli/t-lean-headers.sh). */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "../unit/lean-ref.h"
#include "../unit/mbox-split.h"

int
main (int argc, char **argv)
{
	if (argc != 2) {
		fprintf (stderr, "usage: lean-diff MBOX\n");
		return 2;
	}
	g_mime_init ();
	wb_analysis_data ();
	char *data;
	gsize len;
	if (!g_file_get_contents (argv[1], &data, &len, NULL)) {
		fprintf (stderr, "lean-diff: cannot read '%s'\n", argv[1]);
		return 2;
	}
	GArray *msgs = mbox_split (data, len);
	GMimeParserOptions *opts = g_mime_parser_options_new ();
	GMimeParser *parser = g_mime_parser_new ();
	GString *diff = g_string_new (NULL);
	int n = 0, aside = 0, fewer = 0, differ = 0;
	for (guint i = 0; i < msgs->len; i++) {
		const mbox_msg_t *m = &g_array_index (msgs, mbox_msg_t, i);
		gboolean as, fw;
		lean_compare (m->p, m->len, opts, parser, diff, &as, &fw);
		n++;
		aside += as;
		fewer += fw;
		if (diff->len && ++differ <= 3)
			printf ("message %u differs:\n%s\n", i + 1, diff->str);
	}
	printf ("messages %d, aside %d, fewer %d, differ %d\n", n, aside, fewer, differ);
	g_string_free (diff, TRUE);
	g_object_unref (parser);
	g_mime_parser_options_free (opts);
	g_array_free (msgs, TRUE);
	g_free (data);
	return differ ? 1 : 0;
}
