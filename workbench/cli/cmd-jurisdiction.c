#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include "wb.h"
#include "jurisdiction.h"
#include "attrib-cmd.h"

/* "5, 6, 7" */
static void
examples_text (GString *s, const wb_contact_stat_t *c)
{
	for (int i = 0; i < c->n_examples; i++)
		g_string_append_printf (s, "%s%" PRId64, i ? ", " : "", c->examples[i]);
}

static void
stat_text (FILE *out, const wb_contact_stat_t *c)
{
	if (c->copies == 0) {
		fputs ("no copies", out);
		return;
	}
	GString *e = g_string_new (NULL);
	examples_text (e, c);
	fprintf (out, "%" PRId64 " cop%s", c->copies, c->copies == 1 ? "y" : "ies");
	if (c->first[0])
		fprintf (out, ", %s to %s", c->first, c->last);
	fprintf (out, ", e.g. cop%s %s", c->n_examples == 1 ? "y" : "ies", e->str);
	g_string_free (e, TRUE);
}

/* The contact kinds of MASK, "a or b". */
static char *
contacts_text (unsigned mask)
{
	GString *s = g_string_new (NULL);
	for (int k = 0; k < WB_CONTACT_COUNT; k++)
		if (mask & (1u << k))
			g_string_append_printf (s, "%s%s", s->len ? " or " : "", wb_contact_name (k));
	return g_string_free (s, FALSE);
}

/* TEXT after PREFIX, wrapped at 79 columns, the following lines indented
 * by INDENT spaces. */
static void
wrapped (FILE *out, const char *prefix, int indent, const char *text)
{
	char *safe = wb_text_safe (text);
	char **words = g_strsplit (safe, " ", -1);
	int col = wb_text_width (prefix);
	fputs (prefix, out);
	size_t pl = strlen (prefix);
	gboolean at_start = pl == 0 || prefix[pl - 1] == ' ';
	for (char **w = words; *w; w++) {
		if (!**w)
			continue;
		int n = wb_text_width (*w);
		if (!at_start && col + 1 + n > 79) {
			fprintf (out, "\n%*s", indent, "");
			col = indent;
		} else if (!at_start) {
			fputc (' ', out);
			col++;
		}
		fputs (*w, out);
		col += n;
		at_start = FALSE;
	}
	fputc ('\n', out);
	g_strfreev (words);
	g_free (safe);
}

static void
print_text (FILE *out, const wb_jurisdiction_t *j)
{
	char *head = g_strdup_printf ("Attribution: 'link' run %" PRId64 "; a defendant's contacts are"
				      " the copies attributed to it as sender, affiliate or advertiser",
				      j->link_run);
	wrapped (out, "", 0, head);
	g_free (head);
	for (guint i = 0; i < j->defendants->len; i++) {
		const wb_defendant_contacts_t *d = j->defendants->pdata[i];
		char *name = wb_text_safe (d->name);
		fprintf (out, "\n== %s (party %" PRId64 ", %s on the roster)\n   %" PRId64
			 " cop%s attributed%s%s", name, d->party, d->role, d->copies,
			 d->copies == 1 ? "y" : "ies", d->roles ? " as " : "", d->roles ? d->roles : "");
		if (d->mentioned)
			fprintf (out, "; %" PRId64 " more only mention it (not contacts)", d->mentioned);
		fputc ('\n', out);
		g_free (name);
		for (guint f = 0; f < d->forums->len; f++) {
			const wb_forum_contacts_t *fc = &g_array_index (d->forums, wb_forum_contacts_t, f);
			if (fc->longarm) {
				const wb_longarm_t *la = fc->longarm;
				fprintf (out, "%s  %s (%s)\n", fc->forum, la->citation, la->file);
				for (guint p = 0; p < la->provisions->len; p++) {
					const wb_longarm_provision_t *pv = la->provisions->pdata[p];
					fprintf (out, "  %-8s ", pv->label);
					if (pv->contacts) {
						stat_text (out, &fc->provisions[p]);
						char *k = contacts_text (pv->contacts);
						fprintf (out, " (%s)\n", k);
						g_free (k);
					} else
						fputs ("no fact of a message shows it\n", out);
					if (pv->analyst)
						wrapped (out, "           analyst must show:", 11, pv->analyst);
				}
			} else
				fprintf (out, "%s  no long-arm file: the raw contacts\n", fc->forum);
			gboolean any = FALSE;
			for (int k = 0; k < WB_CONTACT_COUNT; k++) {
				if (!fc->contacts[k].copies)
					continue;
				if (fc->longarm && !any)
					fputs ("  contacts:\n", out);
				any = TRUE;
				fprintf (out, "  %s%-21s ", fc->longarm ? "  " : "", wb_contact_name (k));
				stat_text (out, &fc->contacts[k]);
				fputc ('\n', out);
			}
			if (!any && !fc->longarm)
				fputs ("  no copies\n", out);
		}
	}
	/* The files' notes, once. */
	for (guint i = 0; i < j->longarms->len; i++) {
		const wb_longarm_t *la = j->longarms->pdata[i];
		gboolean shown = FALSE;
		for (guint d = 0; d < j->defendants->len && !shown; d++) {
			const wb_defendant_contacts_t *dc = j->defendants->pdata[d];
			for (guint f = 0; f < dc->forums->len; f++)
				if (g_array_index (dc->forums, wb_forum_contacts_t, f).longarm == la)
					shown = TRUE;
		}
		if (!shown)
			continue;
		fprintf (out, "\nNotes (%s, %s):\n", la->file, la->citation);
		if (la->note)
			wrapped (out, "  ", 2, la->note);
		for (guint p = 0; p < la->provisions->len; p++) {
			const wb_longarm_provision_t *pv = la->provisions->pdata[p];
			if (pv->note) {
				char *pre = g_strdup_printf ("  %s:", pv->label);
				wrapped (out, pre, 4, pv->note);
				g_free (pre);
			}
		}
	}
}

static void
json_stat (GString *s, const wb_contact_stat_t *c)
{
	g_string_append_printf (s, "\"copies\": %" PRId64 ", \"first\": ", c->copies);
	if (c->first[0])
		wb_json_string (s, c->first);
	else
		g_string_append (s, "null");
	g_string_append (s, ", \"last\": ");
	if (c->last[0])
		wb_json_string (s, c->last);
	else
		g_string_append (s, "null");
	g_string_append (s, ", \"examples\": [");
	examples_text (s, c);
	g_string_append_c (s, ']');
}

static void
print_json (FILE *out, const wb_jurisdiction_t *j)
{
	GString *s = g_string_new (NULL);
	g_string_append_printf (s, "{\"link_run\": %" PRId64 ", \"defendants\": [", j->link_run);
	for (guint i = 0; i < j->defendants->len; i++) {
		const wb_defendant_contacts_t *d = j->defendants->pdata[i];
		g_string_append (s, i ? ",\n " : "\n ");
		g_string_append (s, "{\"name\": ");
		wb_json_string (s, d->name);
		g_string_append_printf (s, ", \"party_id\": %" PRId64 ", \"role\": ", d->party);
		wb_json_string (s, d->role);
		g_string_append (s, ", \"attributed_roles\": [");
		char **roles = g_strsplit (d->roles ? d->roles : "", ", ", -1);
		for (char **r = roles; *r && **r; r++) {
			if (r != roles)
				g_string_append (s, ", ");
			wb_json_string (s, *r);
		}
		g_strfreev (roles);
		g_string_append_printf (s, "], \"copies\": %" PRId64 ", \"mentioned_only\": %" PRId64
					", \"forums\": [", d->copies, d->mentioned);
		for (guint f = 0; f < d->forums->len; f++) {
			const wb_forum_contacts_t *fc = &g_array_index (d->forums, wb_forum_contacts_t, f);
			g_string_append (s, f ? ",\n  " : "\n  ");
			g_string_append (s, "{\"forum\": ");
			wb_json_string (s, fc->forum);
			g_string_append (s, ", \"longarm\": ");
			if (fc->longarm) {
				const wb_longarm_t *la = fc->longarm;
				wb_json_string (s, la->id);
				g_string_append (s, ", \"citation\": ");
				wb_json_string (s, la->citation);
			} else
				g_string_append (s, "null, \"citation\": null");
			g_string_append (s, ", \"provisions\": [");
			for (guint p = 0; fc->longarm && p < fc->longarm->provisions->len; p++) {
				const wb_longarm_provision_t *pv = fc->longarm->provisions->pdata[p];
				g_string_append (s, p ? ",\n   " : "\n   ");
				g_string_append (s, "{\"id\": ");
				wb_json_string (s, pv->id);
				g_string_append (s, ", \"label\": ");
				wb_json_string (s, pv->label);
				char *cite = g_strconcat (fc->longarm->citation, pv->label, NULL);
				g_string_append (s, ", \"citation\": ");
				wb_json_string (s, cite);
				g_free (cite);
				g_string_append (s, ", \"check\": ");
				wb_json_string (s, pv->check);
				g_string_append (s, ", ");
				if (pv->contacts)
					json_stat (s, &fc->provisions[p]);
				else
					g_string_append (s, "\"copies\": null, \"first\": null, \"last\": null,"
							 " \"examples\": []");
				g_string_append (s, ", \"analyst\": ");
				if (pv->analyst)
					wb_json_string (s, pv->analyst);
				else
					g_string_append (s, "null");
				g_string_append (s, ", \"note\": ");
				if (pv->note)
					wb_json_string (s, pv->note);
				else
					g_string_append (s, "null");
				g_string_append_c (s, '}');
			}
			g_string_append (s, "], \"contacts\": {");
			for (int k = 0; k < WB_CONTACT_COUNT; k++) {
				g_string_append (s, k ? ",\n   " : "\n   ");
				wb_json_string (s, wb_contact_name (k));
				g_string_append (s, ": {");
				json_stat (s, &fc->contacts[k]);
				g_string_append_c (s, '}');
			}
			g_string_append (s, "}}");
		}
		g_string_append (s, "]}");
	}
	g_string_append (s, "]}\n");
	fputs (s->str, out);
	g_string_free (s, TRUE);
}

/* One row a provision (kind "provision") and one a contact with copies
 * (kind "contact"), for CSV and line modes. */
static void
print_table (wb_ctx_t *ctx, wb_mode_t mode, const wb_jurisdiction_t *j)
{
	wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
	static const char *const cols[] = { "defendant", "party_id", "forum", "kind", "provision",
		"citation", "contacts", "copies", "first", "last", "examples", "analyst" };
	for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
		wb_table_column (t, cols[i], i == 1 || i == 7 ? WB_COL_INT : WB_COL_TEXT);
	for (guint i = 0; i < j->defendants->len; i++) {
		const wb_defendant_contacts_t *d = j->defendants->pdata[i];
		for (guint f = 0; f < d->forums->len; f++) {
			const wb_forum_contacts_t *fc = &g_array_index (d->forums, wb_forum_contacts_t, f);
			int n = fc->longarm ? (int) fc->longarm->provisions->len : 0;
			for (int r = 0; r < n + WB_CONTACT_COUNT; r++) {
				const wb_contact_stat_t *c;
				const wb_longarm_provision_t *pv = NULL;
				if (r < n) {
					pv = fc->longarm->provisions->pdata[r];
					c = &fc->provisions[r];
				} else {
					c = &fc->contacts[r - n];
					if (!c->copies)
						continue;
				}
				wb_table_text (t, d->name);
				wb_table_int (t, d->party);
				wb_table_text (t, fc->forum);
				wb_table_text (t, pv ? "provision" : "contact");
				wb_table_text (t, pv ? pv->label : NULL);
				char *cite = pv ? g_strconcat (fc->longarm->citation, pv->label, NULL) : NULL;
				wb_table_text (t, cite);
				g_free (cite);
				wb_table_text (t, pv ? pv->check : wb_contact_name (r - n));
				if (pv && !pv->contacts)
					wb_table_null (t);
				else
					wb_table_int (t, c->copies);
				wb_table_text (t, c->first[0] ? c->first : NULL);
				wb_table_text (t, c->last[0] ? c->last : NULL);
				GString *e = g_string_new (NULL);
				examples_text (e, c);
				wb_table_text (t, e->len ? e->str : NULL);
				g_string_free (e, TRUE);
				wb_table_text (t, pv ? pv->analyst : NULL);
			}
		}
	}
	wb_table_end (t);
}

const wb_option_t wb_options_jurisdiction[] = {
	WB_STRING ('d', "defendant", "NAME",
		   "Only this roster party (its name, as parties lists it)"),
	WB_STRING ('f', "forum", "ST",
		   "Only this forum: a two-letter state, with a long-arm file (CT) or not"),
	WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON),
	WB_OPTIONS_END
};

/* 'jurisdiction CASE [--defendant NAME] [--forum ST]': each roster party's
 * contacts with each forum, under the provisions of the forum's long-arm
 * statute when there is a file for it. */
int
wb_cmd_jurisdiction (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *defendant = NULL, *forum = NULL, *format = NULL;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_jurisdiction)) != -1) {
		switch (c) {
		case 'd': defendant = optarg; break;
		case 'f': forum = optarg; break;
		case 'F': format = optarg; break;
		default: return wb_usage_error ("jurisdiction", "bad option");
		}
	}
	if (optind < argc)
		return wb_usage_error ("jurisdiction", "unexpected argument '%s'", argv[optind]);
	wb_mode_t mode;
	if (!wb_ctx_mode (ctx, format, WB_MODE_TEXT, &mode))
		return WB_EXIT_USAGE;
	GPtrArray *longarms = NULL;
	char *err = NULL;
	if (wb_longarms_builtin (&longarms, &err)) {
		wb_error ("%s", err);
		g_free (err);
		return WB_EXIT_FAIL;
	}
	if (!wb_attrib_require_link (ctx, "attribution")) {
		g_ptr_array_unref (longarms);
		return WB_EXIT_FAIL;
	}
	wb_jurisdiction_t *j = NULL;
	wb_status_t st = wb_jurisdiction_compute (ctx->cs, longarms, defendant, forum, &j);
	g_ptr_array_unref (longarms);
	if (st) {
		wb_error ("%s", wb_case_errmsg (ctx->cs));
		/* A name or state the case does not know is a usage error. */
		return (defendant || forum) && st == WB_ERR_NOT_FOUND
			&& g_str_has_prefix (wb_case_errmsg (ctx->cs), "unknown") ? WB_EXIT_USAGE : WB_EXIT_FAIL;
	}
	if (mode == WB_MODE_TEXT)
		print_text (ctx->out, j);
	else if (mode == WB_MODE_JSON)
		print_json (ctx->out, j);
	else
		print_table (ctx, mode, j);
	wb_jurisdiction_free (j);
	return wb_finish_output (ctx, WB_EXIT_OK);
}
