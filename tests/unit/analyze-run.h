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
/* Everything an analysis gives the writer, appended to OUT as text (to
 * compare two analyses): each hop with all its fields, the facts, the
 * artifacts, the fingerprint, the category, the text and the warnings. */
static inline void
analysis_describe_to (GString *out, const wb_analysis_t *a)
{
	GPtrArray *hops = wb_analysis_hops (a);
	for (guint i = 0; i < hops->len; i++) {
		const wb_hop_t *h = g_ptr_array_index (hops, i);
		g_string_append_printf (out, "hop %u: %s|%s|%s|%s|%s|%s|%s|%s|%s|%" G_GINT64_FORMAT "|%s|%d|%d|%s\n",
					i, h->raw, h->from_host, h->from_rdns, h->from_ip, h->by_host,
					h->protocol, h->smtp_id, h->for_addr, h->time_text, h->time_epoch,
					h->time_status, h->trusted, h->origin, h->notes->str);
	}
	for (guint i = 0; i < wb_analysis_n_facts (a); i++) {
		const char *n, *v, *c, *e;
		wb_analysis_fact_at (a, i, &n, &v, &c, &e);
		g_string_append_printf (out, "fact %s=%s (%s) %s\n", n, v, c, e ? e : "(null)");
	}
	for (guint i = 0; i < wb_analysis_n_artifacts (a); i++) {
		const char *k, *r, *v, *l;
		wb_analysis_artifact (a, i, &k, &r, &v, &l);
		g_string_append_printf (out, "artifact %s %s %s %s\n", k, r, v, l);
	}
	int64_t fp = 0;
	gboolean has = wb_analysis_fingerprint (a, &fp);
	g_string_append_printf (out, "fingerprint %d %" G_GINT64_FORMAT "\n", has, fp);
	g_string_append_printf (out, "category=%s\nbody=%s\n", wb_analysis_category (a),
				wb_analysis_body_text (a));
	char *w = wb_analysis_warnings (a);
	g_string_append_printf (out, "analysis warnings=%s\n", w ? w : "(null)");
	g_free (w);
}

static inline char *
analysis_describe (const wb_analysis_t *a)
{
	GString *s = g_string_new (NULL);
	analysis_describe_to (s, a);
	return g_string_free (s, FALSE);
}
#endif
