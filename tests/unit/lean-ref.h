/* What the readers of a parsed copy get from a message, written out, so
 * that wb_ingest_parse_lean() can be compared with wb_ingest_parse(), which
 * gives GMime every field: the copy's fields (wb_ingest_fields()), its
 * Received fields (wb_message_received()), its trap (wb_traps_match()) and
 * its analysis (wb_analyze(): hops, facts, artifacts, body, fingerprint,
 * warnings).  Shared by tests/unit/test-ingest-headers.c and
 * tests/tools/lean-diff.c, which runs it over the SpamAssassin corpus. */
#ifndef LEAN_REF_H
#define LEAN_REF_H
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"
#include "ingest-private.h"

static void
lean_put (GString *out, const char *what, const char *v)
{
	g_string_append_printf (out, "%s=%s\n", what, v ? v : "(null)");
}

static void
lean_trap_free (gpointer p)
{
	wb_trap_t *t = p;
	g_free (t->address);
	g_free (t);
}

/* A traps table of one or two traps: the last address of MSG's To, or of its Cc
 * when To has none (the matcher must look past the others), and, when the
 * copy has one, its first Delivered-To value.  Built from the full parse,
 * used for both. */
static GHashTable *
lean_traps (GMimeMessage *msg)
{
	GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, lean_trap_free);
	for (int k = GMIME_ADDRESS_TYPE_TO; k <= GMIME_ADDRESS_TYPE_CC; k++) {
		InternetAddressList *l = g_mime_message_get_addresses (msg, k);
		int n = l ? internet_address_list_length (l) : 0;
		InternetAddress *ia = n ? internet_address_list_get_address (l, n - 1) : NULL;
		if (ia && INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			wb_trap_t *tr = g_new0 (wb_trap_t, 1);
			tr->id = k;
			tr->address = g_ascii_strdown (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), -1);
			g_hash_table_replace (t, tr->address, tr);
			break;
		}
	}
	const char *d = g_mime_object_get_header (GMIME_OBJECT (msg), "Delivered-To");
	if (d) {
		wb_trap_t *tr = g_new0 (wb_trap_t, 1);
		tr->id = 9;
		char *v = g_strstrip (g_strdup (d));
		tr->address = g_ascii_strdown (v, -1);
		g_free (v);
		g_hash_table_replace (t, tr->address, tr);
	}
	return t;
}

/* Append to OUT what the readers get from MSG, parsed from RAW (LEN
 * bytes), with the trap TRAPS gives. */
static void
lean_describe (GMimeMessage *msg, const char *raw, size_t len, GHashTable *traps, GString *out)
{
	wb_fields_t f;
	memset (&f, 0, sizeof f);
	wb_ingest_fields (msg, &f);
	lean_put (out, "message_id", f.message_id);
	lean_put (out, "date_header", f.date_header);
	lean_put (out, "date_parsed", f.date_parsed);
	lean_put (out, "date_status", f.date_status);
	lean_put (out, "from_addr", f.from_addr);
	lean_put (out, "from_name", f.from_name);
	lean_put (out, "reply_to", f.reply_to);
	lean_put (out, "return_path", f.return_path);
	lean_put (out, "sender", f.sender);
	lean_put (out, "to", f.to_addrs);
	lean_put (out, "cc", f.cc_addrs);
	lean_put (out, "subject", f.subject);
	lean_put (out, "received_at", f.received_at);
	g_string_append_printf (out, "received_epoch=%" G_GINT64_FORMAT " has=%d no_zone=%d from=%s\n",
				f.received_epoch, f.has_received, f.received_no_zone, f.received_from);
	wb_fields_clear (&f);
	GPtrArray *rec = wb_message_received (msg);
	for (guint i = 0; i < rec->len; i++)
		lean_put (out, "received", g_ptr_array_index (rec, i));
	g_ptr_array_unref (rec);
	const char *how = NULL;
	const wb_trap_t *trap = wb_traps_match (traps, msg, NULL, &how);
	g_string_append_printf (out, "trap=%s how=%s\n", trap ? trap->address : "(none)", how);

	wb_analyze_ctx_t actx = { trap ? trap->address : NULL, NULL };
	wb_analysis_t *a = wb_analyze (msg, raw, len, &actx);
	analysis_describe_to (out, a);
	wb_analysis_free (a);
}

/* Compare the two parses of RAW (LEN bytes): OUT gets what differs (empty
 * when nothing does).  *ASIDE is set when the lean parse kept Received
 * fields aside, *FEWER when GMime was given fewer fields. */
static void
lean_compare (const char *raw, size_t len, GMimeParserOptions *opts, GMimeParser *parser,
	      GString *out, gboolean *aside, gboolean *fewer)
{
	GString *w = g_string_new (NULL), *lw = g_string_new (NULL);
	GMimeMessage *full = wb_ingest_parse (raw, len, opts, w, NULL);
	GMimeMessage *lean = wb_ingest_parse_lean (raw, len, opts, lw, parser);
	g_string_truncate (out, 0);
	*aside = *fewer = FALSE;
	if (!full || !lean) {
		if (!full != !lean)
			g_string_append (out, "one parse gave no message\n");
	} else {
		*aside = g_object_get_data (G_OBJECT (lean), WB_RECEIVED_KEY) != NULL;
		*fewer = g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (lean)))
			 < g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (full)));
		GHashTable *traps = lean_traps (full);
		GString *d = g_string_new (NULL), *ld = g_string_new (NULL);
		lean_describe (full, raw, len, traps, d);
		lean_describe (lean, raw, len, traps, ld);
		if (strcmp (d->str, ld->str) != 0)
			g_string_append_printf (out, "readers differ:\n--- full\n%s--- lean\n%s", d->str, ld->str);
		g_string_free (d, TRUE);
		g_string_free (ld, TRUE);
		g_hash_table_unref (traps);
	}
	/* Asking for the values decodes headers: the warnings after all of it. */
	if (strcmp (w->str, lw->str) != 0)
		g_string_append_printf (out, "warnings differ: full '%s', lean '%s'\n", w->str, lw->str);
	if (full)
		g_object_unref (full);
	if (lean)
		g_object_unref (lean);
	g_string_free (w, TRUE);
	g_string_free (lw, TRUE);
}

#endif
