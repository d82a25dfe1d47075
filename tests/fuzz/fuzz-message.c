/* libFuzzer harness: one message through GMime (wb_ingest_parse), the header
 * fields ingest stores (wb_ingest_fields) and the whole analysis
 * (wb_analyze: Received chain, bodies, HTML, artifacts, facts, simhash);
 * then the parse a copy gets in a parse worker (wb_ingest_parse_lean)
 * against that one: a difference in what the readers get aborts. */
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
	wb_analysis_body_text (a);
	char *w = wb_analysis_warnings (a);
	g_free (w);
	wb_analysis_free (a);
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
