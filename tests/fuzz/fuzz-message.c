/* libFuzzer harness: one message through GMime (wb_ingest_parse), the header
 * fields ingest stores (wb_ingest_fields) and the whole analysis
 * (wb_analyze: Received chain, bodies, HTML, artifacts, facts, simhash);
 * then the parse a copy gets in a parse worker (wb_ingest_parse_lean)
 * against that one: a difference in what the readers get aborts.  The
 * analysis again with a body cache kept across inputs (small, so that it
 * is emptied often): a result that differs from the one without aborts. */
#include <stdint.h>
#include <stddef.h>
#include <gmime/gmime.h>
#include "ingest-private.h"
#include "analyze.h"
#include "../unit/lean-ref.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	g_mime_init ();
	return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	GMimeParserOptions *po = g_mime_parser_options_new ();
	GString *warn = g_string_new (NULL);
	GMimeMessage *msg = wb_ingest_parse ((const char *) data, size, po, warn, NULL);
	if (msg) {
		wb_fields_t f = { 0 };
		wb_ingest_fields (msg, &f);
		wb_fields_clear (&f);
	}
	wb_analyze_ctx_t actx = { "trap@example.com", "mx.example.com;example.net" };
	wb_analysis_t *a = wb_analyze (msg, (const char *) data, size, &actx);
	char *plain = analysis_describe (a);
	wb_analysis_free (a);
	static wb_body_cache_t *cache;
	if (!cache)
		cache = wb_body_cache_new (256u << 10);
	actx.cache = cache;
	a = wb_analyze (msg, (const char *) data, size, &actx);
	char *cached = analysis_describe (a);
	wb_analysis_free (a);
	if (strcmp (plain, cached) != 0)
		__builtin_trap ();
	g_free (plain);
	g_free (cached);
	if (msg)
		g_object_unref (msg);
	gboolean aside, fewer;
	lean_compare ((const char *) data, size, po, NULL, warn, &aside, &fewer);
	if (warn->len)
		__builtin_trap ();
	g_string_free (warn, TRUE);
	g_mime_parser_options_free (po);
	return 0;
}
