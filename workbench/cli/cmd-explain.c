#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include "attrib-cmd.h"

/* 'explain CASE PARTY PARTY': what an expert would testify to about the
 * link between two parties: the values they share and where each was found,
 * the fields that differ, the score and its parts, the strength, and the
 * messages attributed to both. */

static void
json_strings (GString *o, GPtrArray *a)
{
	g_string_append_c (o, '[');
	for (guint i = 0; i < a->len; i++) {
		if (i)
			g_string_append (o, ", ");
		wb_json_string (o, g_ptr_array_index (a, i));
	}
	g_string_append_c (o, ']');
}

static void
print_json (wb_attrib_cmp_t *c, GString *o)
{
	char num[G_ASCII_DTOSTR_BUF_SIZE];
	g_string_append (o, "{\"a\": ");
	wb_json_string (o, c->a_name);
	g_string_append (o, ", \"b\": ");
	wb_json_string (o, c->b_name);
	g_string_append_printf (o, ", \"score\": %s, \"strength\": \"%s\", \"shared\": [",
				g_ascii_formatd (num, sizeof num, "%.4f", c->score), c->strength);
	for (guint i = 0; i < c->shared->len; i++) {
		wb_attrib_shared_t *s = g_ptr_array_index (c->shared, i);
		g_string_append (o, i ? ",\n  {\"kind\": " : "\n  {\"kind\": ");
		wb_json_string (o, s->kind);
		g_string_append (o, ", \"value\": ");
		wb_json_string (o, s->value);
		g_string_append (o, ", \"a_sources\": ");
		json_strings (o, s->a_sources);
		g_string_append (o, ", \"b_sources\": ");
		json_strings (o, s->b_sources);
		g_string_append_printf (o, ", \"weight\": %s}",
					g_ascii_formatd (num, sizeof num, "%.4f", s->weight));
	}
	g_string_append (o, c->shared->len ? "\n], \"differing\": [" : "], \"differing\": [");
	for (guint i = 0; i < c->differing->len; i++) {
		wb_attrib_differ_t *d = g_ptr_array_index (c->differing, i);
		g_string_append (o, i ? ",\n  {\"kind\": " : "\n  {\"kind\": ");
		wb_json_string (o, d->kind);
		g_string_append (o, ", \"a\": ");
		json_strings (o, d->a_values);
		g_string_append (o, ", \"b\": ");
		json_strings (o, d->b_values);
		g_string_append_c (o, '}');
	}
	g_string_append (o, c->differing->len ? "\n], \"messages\": [" : "], \"messages\": [");
	for (guint i = 0; i < c->messages->len; i++)
		g_string_append_printf (o, "%s%" PRId64, i ? ", " : "",
					g_array_index (c->messages, int64_t, i));
	g_string_append (o, "]}\n");
}

static void
safe_append (GString *o, const char *s)
{
	char *t = wb_text_safe (s);
	g_string_append (o, t);
	g_free (t);
}

static void
print_text (wb_attrib_cmp_t *c, const wb_attrib_conf_t *conf, GString *o)
{
	g_string_append (o, "A: ");
	safe_append (o, c->a_name);
	g_string_append_printf (o, " (party %" PRId64 ")\nB: ", c->a);
	safe_append (o, c->b_name);
	g_string_append_printf (o, " (party %" PRId64 ")\n", c->b);
	g_string_append_printf (o, "Strength: %s (score %.2f)\n", c->strength, c->score);
	if (c->review) {
		g_string_append_printf (o, "Review: %s", c->review);
		if (c->note) {
			g_string_append (o, ": ");
			safe_append (o, c->note);
		}
		g_string_append_c (o, '\n');
	}
	g_string_append (o, "\nShared values (weight = kind weight x specificity):\n");
	if (!c->shared->len)
		g_string_append (o, "  none\n");
	for (guint i = 0; i < c->shared->len; i++) {
		wb_attrib_shared_t *s = g_ptr_array_index (c->shared, i);
		g_string_append_printf (o, "  %-12s ", s->kind);
		safe_append (o, s->value);
		g_string_append_printf (o, "\n    weight %.2f: %" PRId64 " parties have it, specificity %.2f\n",
					s->weight, s->df, s->spec);
		for (guint j = 0; j < s->a_sources->len; j++) {
			g_string_append (o, "    A: ");
			safe_append (o, g_ptr_array_index (s->a_sources, j));
			g_string_append_c (o, '\n');
		}
		for (guint j = 0; j < s->b_sources->len; j++) {
			g_string_append (o, "    B: ");
			safe_append (o, g_ptr_array_index (s->b_sources, j));
			g_string_append_c (o, '\n');
		}
	}
	if (c->all_unspecific && c->shared->len) {
		/* Say why, in the words of the link's summary. */
		GPtrArray *kinds = g_ptr_array_new ();
		for (guint i = 0; i < c->shared->len; i++) {
			wb_attrib_shared_t *s = g_ptr_array_index (c->shared, i);
			if (s->weight > 0)
				g_ptr_array_add (kinds, s->kind);
		}
		g_string_append (o, "Weak at most: only unspecific values are shared (");
		wb_attrib_why_weak (conf, kinds, o);
		g_string_append (o, ").\n");
		g_ptr_array_free (kinds, TRUE);
	}
	g_string_append (o, "\nDiffering (both have the field, no value in common):\n");
	if (!c->differing->len)
		g_string_append (o, "  none\n");
	for (guint i = 0; i < c->differing->len; i++) {
		wb_attrib_differ_t *d = g_ptr_array_index (c->differing, i);
		g_string_append_printf (o, "  %-12s A: ", d->kind);
		for (guint j = 0; j < d->a_values->len; j++) {
			if (j)
				g_string_append (o, "; ");
			safe_append (o, g_ptr_array_index (d->a_values, j));
		}
		g_string_append (o, "\n               B: ");
		for (guint j = 0; j < d->b_values->len; j++) {
			if (j)
				g_string_append (o, "; ");
			safe_append (o, g_ptr_array_index (d->b_values, j));
		}
		g_string_append_c (o, '\n');
	}
	g_string_append_printf (o, "\nMessages that connect them (one attributed, the other named): %u\n",
				c->messages->len);
	for (guint i = 0; i < c->messages->len && i < 50; i++)
		g_string_append_printf (o, "%s%" PRId64, i ? ", " : "  ",
					g_array_index (c->messages, int64_t, i));
	if (c->messages->len > 50)
		g_string_append_printf (o, ", ... (%u more; --format json lists all)", c->messages->len - 50);
	if (c->messages->len)
		g_string_append_c (o, '\n');
	/* The rules behind "through messages" (attribution.ini). */
	g_string_append (o,
		"\nHow messages link parties: a message is attributed to a party as sender (its\n"
		"From, Return-Path or Reply-To address or domain, origin IP or HELO), affiliate\n"
		"(an affiliate id in its links) or advertiser (a domain its links lead to); a\n"
		"phone, postal address or e-mail address in its body only mentions a party.  A\n"
		"party a message is attributed to shares with each other party the message names\n"
		"the value it is named by; two parties only mentioned share nothing.  Tracking\n"
		"ids and other values of a message are never shared.  Each shared value counts\n"
		"once, whatever the number of messages.\n");
}

int
wb_cmd_explain (wb_ctx_t *ctx, int argc, char **argv)
{
	wb_mode_t mode;
	int rc = wb_getopt_format (ctx, argc, argv, wb_options_format_text_json, WB_MODE_TEXT, &mode);
	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return wb_usage_error ("explain", "give two parties (names or ids)");
	if (mode != WB_MODE_TEXT && mode != WB_MODE_JSON)
		return wb_usage_error ("explain", "--format: give text or json");
	int64_t a, b;
	wb_status_t st;
	if ((st = wb_attrib_find_party (ctx->cs, argv[optind], &a)) ||
	    (st = wb_attrib_find_party (ctx->cs, argv[optind + 1], &b)))
		return wb_fail_case (ctx, st);
	if (a == b) {
		wb_error ("'%s' and '%s' are the same party", argv[optind], argv[optind + 1]);
		return WB_EXIT_FAIL;
	}
	wb_attrib_conf_t *conf = wb_attrib_conf_or_error ();
	if (!conf)
		return WB_EXIT_FAIL;
	wb_attrib_cmp_t *cmp = NULL;
	st = wb_attrib_compare (ctx->cs, conf, a, b, &cmp);
	if (st) {
		wb_attrib_conf_free (conf);
		return wb_fail_case (ctx, st);
	}
	GString *o = g_string_new (NULL);
	if (mode == WB_MODE_JSON)
		print_json (cmp, o);
	else
		print_text (cmp, conf, o);
	fwrite (o->str, 1, o->len, ctx->out);
	g_string_free (o, TRUE);
	wb_attrib_cmp_free (cmp);
	wb_attrib_conf_free (conf);
	return wb_finish_output (ctx, WB_EXIT_OK);
}
