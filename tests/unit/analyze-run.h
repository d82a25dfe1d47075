/* For the unit tests of the analysis: a whole message parsed by GMime and
 * analysed, as a parse worker does.  Include after "analyze.h". */
#ifndef WB_TEST_ANALYZE_RUN_H
#define WB_TEST_ANALYZE_RUN_H
#include <string.h>
#include <gmime/gmime.h>

/* The analysis of RAW (NUL-terminated) for the trap address TRAP (NULL:
 * none); a message GMime cannot construct is analysed as NULL, as ingest
 * does.  The caller frees it with wb_analysis_free(). */
static inline wb_analysis_t *
analyze_raw (const char *raw, const char *trap)
{
	g_mime_init ();
	GMimeStream *st = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
	GMimeParser *ps = g_mime_parser_new_with_stream (st);
	GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
	wb_analyze_ctx_t ctx = { trap, NULL };
	wb_analysis_t *a = wb_analyze (m, raw, strlen (raw), &ctx);
	if (m)
		g_object_unref (m);
	g_object_unref (ps);
	g_object_unref (st);
	return a;
}

/* Whether A has an artifact of KIND with normalized VALUE found at
 * LOCATION. */
static inline gboolean
has_at (const wb_analysis_t *a, const char *kind, const char *value, const char *location)
{
	for (guint i = 0; i < wb_analysis_n_artifacts (a); i++) {
		const char *k, *v, *l;
		wb_analysis_artifact (a, i, &k, NULL, &v, &l);
		if (!strcmp (k, kind) && !strcmp (v, value) && !strcmp (l, location))
			return TRUE;
	}
	return FALSE;
}
#endif
