/* Command options from each command's table (options.h): parsing, the
 * usage line, help and the man page.  Completion reads the same tables
 * (shell-complete.c). */
#include <getopt.h>
#include <string.h>

#include "wb.h"

const char *const wb_formats_text_csv_json[] = { "text", "csv", "json", NULL };
const char *const wb_formats_text_json[] = { "text", "json", NULL };
const char *const wb_formats_all[] = { "text", "csv", "json", "line", NULL };

static void
flatten_into (GPtrArray *out, const wb_option_t *t)
{
	for (; t && t->kind != WB_OPT_END; t++) {
		if (t->kind == WB_OPT_GROUP)
			flatten_into (out, t->group);
		else
			g_ptr_array_add (out, (gpointer) t);
	}
}

GPtrArray *
wb_options_flatten (const wb_option_t *table)
{
	GPtrArray *out = g_ptr_array_new ();
	flatten_into (out, table);
	return out;
}

gboolean
wb_option_takes_value (const wb_option_t *o)
{
	return o->kind == WB_OPT_INT || o->kind == WB_OPT_STRING || o->kind == WB_OPT_ENUM;
}

const wb_option_t *
wb_options_find (const wb_option_t *table, const char *name)
{
	GPtrArray *all = wb_options_flatten (table);
	const wb_option_t *found = NULL;
	gboolean is_short = name[0] == '-' && name[1] && name[1] != '-' && !name[2];
	if (!is_short)
		name += name[0] == '-' && name[1] == '-' ? 2 : 0;
	for (guint i = 0; i < all->len && !found; i++) {
		const wb_option_t *o = all->pdata[i];
		if (is_short ? o->short_name == name[1] : strcmp (o->name, name) == 0)
			found = o;
	}
	g_ptr_array_unref (all);
	return found;
}

/* ---- parsing ---- */

/* Set when wb_options_next() has said what is wrong with an option: the
 * command's own usage error that follows is then not said again. */
gboolean wb_option_error_said;

static void
option_error (const char *cmd, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
option_error (const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	char *msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	wb_error ("%s", msg);
	g_free (msg);
	wb_hint ("see 'workbench help %s'", cmd);
	wb_option_error_said = TRUE;
}

static char *
values_text (const char *const *values, const char *sep, const char *last)
{
	GString *s = g_string_new (NULL);
	for (int i = 0; values[i]; i++)
		g_string_append_printf (s, "%s%s", i == 0 ? "" : values[i + 1] ? sep : last, values[i]);
	return g_string_free (s, FALSE);
}

/* VALUE for option O: FALSE, with the error said, if O is a closed enum
 * and VALUE is none of its values. */
static gboolean
check_value (const char *cmd, const wb_option_t *o, const char *value)
{
	if (o->kind != WB_OPT_ENUM || (o->flags & WB_OPT_OPEN) || !o->values)
		return TRUE;
	for (int i = 0; o->values[i]; i++)
		if (strcmp (o->values[i], value) == 0)
			return TRUE;
	char *list = values_text (o->values, ", ", " or ");
	char *safe = wb_text_safe (value);
	option_error (cmd, "option '--%s' is %s, not '%s'", o->name, list, safe);
	g_free (safe);
	g_free (list);
	return FALSE;
}

/* Check every option in ARGV against the table before getopt sees them:
 * only whole names are taken.  FALSE, with one error line and a hint,
 * when an option is unknown, abbreviated, lacks its value, has one it
 * cannot take, or one its enum does not list. */
static gboolean
check_options (int argc, char *const argv[], GPtrArray *opts)
{
	const char *cmd = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp (a, "--") == 0)
			return TRUE;
		if (a[0] != '-' || a[1] == 0)
			continue;
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr (name, '=');
			size_t n = eq ? (size_t) (eq - name) : strlen (name);
			const wb_option_t *o = NULL, *near = NULL;
			for (guint k = 0; k < opts->len; k++) {
				const wb_option_t *l = opts->pdata[k];
				if (strlen (l->name) == n && strncmp (l->name, name, n) == 0)
					o = l;
				else if (!near && strncmp (l->name, name, n) == 0)
					near = l;
			}
			if (!o) {
				char *given = g_strndup (a, n + 2);
				if (near)
					option_error (cmd, "'%s' has no option '%s' (did you mean '--%s'?)", cmd,
						      given, near->name);
				else
					option_error (cmd, "'%s' has no option '%s'", cmd, given);
				g_free (given);
				return FALSE;
			}
			if (!wb_option_takes_value (o) && eq) {
				option_error (cmd, "option '--%s' takes no value", o->name);
				return FALSE;
			}
			if (wb_option_takes_value (o)) {
				if (!eq && i + 1 >= argc) {
					option_error (cmd, "option '--%s' needs a value", o->name);
					return FALSE;
				}
				if (!check_value (cmd, o, eq ? eq + 1 : argv[++i]))
					return FALSE;
			}
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const wb_option_t *o = NULL;
			for (guint k = 0; k < opts->len && !o; k++)
				if (((const wb_option_t *) opts->pdata[k])->short_name == *p)
					o = opts->pdata[k];
			if (!o) {
				option_error (cmd, "'%s' has no option '-%c'", cmd, *p);
				return FALSE;
			}
			if (wb_option_takes_value (o)) {
				if (p[1] == 0 && i + 1 >= argc) {
					option_error (cmd, "option '-%c' needs a value", *p);
					return FALSE;
				}
				if (!check_value (cmd, o, p[1] ? p + 1 : argv[++i]))
					return FALSE;
				break;
			}
		}
	}
	return TRUE;
}

/* getopt_long's view of a table, made once per table. */
typedef struct {
	GPtrArray *opts;         /* the flattened table */
	struct option *longopts;
	char *shortopts;
} getopt_view_t;

static getopt_view_t *
view_of (const wb_option_t *table)
{
	static GHashTable *views;
	if (!views)
		views = g_hash_table_new (g_direct_hash, g_direct_equal);
	getopt_view_t *v = g_hash_table_lookup (views, table);
	if (v)
		return v;
	v = g_new0 (getopt_view_t, 1);
	v->opts = wb_options_flatten (table);
	v->longopts = g_new0 (struct option, v->opts->len + 1);
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < v->opts->len; i++) {
		const wb_option_t *o = v->opts->pdata[i];
		v->longopts[i].name = o->name;
		v->longopts[i].has_arg = wb_option_takes_value (o) ? required_argument : no_argument;
		v->longopts[i].val = o->key;
		if (o->short_name)
			g_string_append_printf (s, "%c%s", o->short_name, wb_option_takes_value (o) ? ":" : "");
	}
	v->shortopts = g_string_free (s, FALSE);
	g_hash_table_insert (views, (gpointer) table, v);
	return v;
}

static const wb_option_t no_options[] = { WB_OPTIONS_END };

int
wb_options_next (int argc, char **argv, const wb_option_t *table)
{
	getopt_view_t *v = view_of (table ? table : no_options);
	if (optind == 0) {
		/* The first call for this command: check the whole line. */
		opterr = 0;
		if (!check_options (argc, argv, v->opts)) {
			optind = argc;
			return '?';
		}
	}
	int c = getopt_long (argc, argv, v->shortopts, v->longopts, NULL);
	if (c == '?' || c == ':') {
		option_error (argv[0], "bad option '%s'", argv[optind - 1]);
		return '?';
	}
	return c;
}

/* ---- usage and help ---- */

/* How option O shows in a usage line: "--plaintiff recipient|provider",
 * "-o, --out DIR" (short names in help only), "--statute ID". */
static char *
option_words (const wb_option_t *o, gboolean with_short)
{
	GString *s = g_string_new (NULL);
	if (with_short && o->short_name)
		g_string_append_printf (s, "-%c, ", o->short_name);
	g_string_append_printf (s, "--%s", o->name);
	if (o->kind == WB_OPT_ENUM && o->values) {
		char *v = values_text (o->values, "|", "|");
		g_string_append_printf (s, " %s", v);
		g_free (v);
	} else if (wb_option_takes_value (o)) {
		g_string_append_printf (s, " %s", o->arg ? o->arg : "VALUE");
	}
	return g_string_free (s, FALSE);
}

char *
wb_options_usage (const wb_command_t *cmd, int width)
{
	GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_add (words, g_strdup_printf ("workbench %s%s", cmd->name,
						 cmd->flags != WB_CASE_NONE ? " CASE" : ""));
	if (cmd->operands && *cmd->operands)
		g_ptr_array_add (words, g_strdup (cmd->operands));
	GPtrArray *opts = wb_options_flatten (cmd->options);
	for (guint i = 0; i < opts->len; i++) {
		const wb_option_t *o = opts->pdata[i];
		char *w = option_words (o, FALSE);
		if (o->flags & WB_OPT_REQUIRED)
			g_ptr_array_add (words, g_strdup (w));
		else
			g_ptr_array_add (words, g_strdup_printf ("[%s]%s", w,
								 o->flags & WB_OPT_REPEAT ? "..." : ""));
		g_free (w);
	}
	g_ptr_array_unref (opts);
	/* "usage: " is 7 columns; continuation lines line up after it. */
	GString *s = g_string_new (NULL);
	int col = 7;
	for (guint i = 0; i < words->len; i++) {
		const char *w = words->pdata[i];
		int n = (int) strlen (w);
		if (i > 0 && col + 1 + n > width) {
			g_string_append (s, "\n       ");
			col = 7;
		} else if (i > 0) {
			g_string_append_c (s, ' ');
			col++;
		}
		g_string_append (s, w);
		col += n;
	}
	g_ptr_array_unref (words);
	return g_string_free (s, FALSE);
}

/* TEXT wrapped before WIDTH columns, each line indented by INDENT spaces. */
static void
put_wrapped (FILE *out, const char *text, int indent, int width)
{
	char **words = g_strsplit_set (text, " \n", -1);
	int col = 0;
	for (int i = 0; words[i]; i++) {
		int n = (int) strlen (words[i]);
		if (n == 0)
			continue;
		if (col == 0) {
			fprintf (out, "%*s%s", indent, "", words[i]);
			col = indent + n;
		} else if (col + 1 + n > width) {
			fprintf (out, "\n%*s%s", indent, "", words[i]);
			col = indent + n;
		} else {
			fprintf (out, " %s", words[i]);
			col += 1 + n;
		}
	}
	if (col)
		fputc ('\n', out);
	g_strfreev (words);
}

void
wb_options_help (const wb_command_t *cmd, FILE *out)
{
	char *u = wb_options_usage (cmd, 79);
	fprintf (out, "usage: %s\n\n%s\n", u, cmd->summary);
	g_free (u);
	GPtrArray *opts = wb_options_flatten (cmd->options);
	if (opts->len)
		fprintf (out, "\nOptions:\n");
	for (guint i = 0; i < opts->len; i++) {
		const wb_option_t *o = opts->pdata[i];
		char *w = option_words (o, TRUE);
		fprintf (out, "  %s%s\n", w, o->flags & WB_OPT_REPEAT ? " (may be repeated)" : "");
		g_free (w);
		put_wrapped (out, o->help, 6, 79);
	}
	g_ptr_array_unref (opts);
	if (cmd->description) {
		fputc ('\n', out);
		/* Paragraphs are separated by a blank line in the table. */
		char **paras = g_strsplit (cmd->description, "\n\n", -1);
		for (int i = 0; paras[i]; i++) {
			if (i)
				fputc ('\n', out);
			put_wrapped (out, paras[i], 0, 79);
		}
		g_strfreev (paras);
	}
}

/* ---- the man page ---- */

/* TEXT for troff: a backslash doubled, '-' as \- (so man does not
 * hyphenate options), a leading '.' or '\'' guarded. */
static void
put_roff (FILE *out, const char *text)
{
	gboolean bol = TRUE;
	for (const char *p = text; *p; p++) {
		if (bol && (*p == '.' || *p == '\''))
			fputs ("\\&", out);
		bol = *p == '\n';
		if (*p == '\\')
			fputs ("\\e", out);
		else if (*p == '-')
			fputs ("\\-", out);
		else
			fputc (*p, out);
	}
}

static void
put_roff_line (FILE *out, const char *text)
{
	/* One output line per source line; the paragraph's own line breaks go. */
	char *t = g_strdup (text);
	g_strdelimit (t, "\n", ' ');
	put_roff (out, t);
	fputc ('\n', out);
	g_free (t);
}

void
wb_options_man (FILE *out)
{
	fputs (".\\\" workbench(1), generated from the command table (workbench/cli/commands.c)\n"
	       ".\\\" and each command's options by 'make'.  Edit those, not this file.\n"
	       ".TH WORKBENCH 1 \"\" \"workbench " WB_VERSION "\" \"User Commands\"\n"
	       ".\\\" Option names and values are neither hyphenated nor spread.\n"
	       ".nh\n.ad l\n"
	       ".SH NAME\n"
	       "workbench \\- damages and evidence analysis for anti\\-spam lawsuits\n"
	       ".SH SYNOPSIS\n"
	       ".B workbench\n.I COMMAND CASE\n[\\fIARGS\\fR]\n.br\n"
	       ".B workbench\n.I CASE COMMAND\n[\\fIARGS\\fR]\n.br\n"
	       ".B workbench\n.I CASE\n.br\n"
	       ".B workbench help\n[\\fICOMMAND\\fR]\n"
	       ".SH DESCRIPTION\n"
	       "The workbench ingests trap accounts' mailbox archives into one SQLite case file,\n"
	       "analyses each message, links senders, affiliates and advertisers, computes\n"
	       "statutory damages per statute, and writes the exhibits counsel file.\n"
	       ".PP\n"
	       "Options go before or after \\fICASE\\fR, by their whole names (an abbreviation\n"
	       "is refused).  \\fBworkbench\\fR \\fICASE\\fR alone opens the interactive shell,\n"
	       "where every command below runs on the open case.\n"
	       ".SH COMMANDS\n", out);
	for (const wb_command_t *c = wb_commands; c->name; c++) {
		char *u = wb_options_usage (c, 1 << 20);
		fputs (".SS ", out);
		put_roff_line (out, c->name);
		fputs (".B ", out);
		put_roff_line (out, u);
		g_free (u);
		fputs (".PP\n", out);
		put_roff_line (out, c->summary);
		GPtrArray *opts = wb_options_flatten (c->options);
		for (guint i = 0; i < opts->len; i++) {
			const wb_option_t *o = opts->pdata[i];
			char *w = option_words (o, TRUE);
			fputs (".TP\n.B ", out);
			put_roff_line (out, w);
			g_free (w);
			if (o->flags & WB_OPT_REPEAT)
				fputs ("May be repeated.\n", out);
			put_roff_line (out, o->help);
		}
		g_ptr_array_unref (opts);
		if (c->description) {
			char **paras = g_strsplit (c->description, "\n\n", -1);
			for (int i = 0; paras[i]; i++) {
				fputs (".PP\n", out);
				put_roff_line (out, paras[i]);
			}
			g_strfreev (paras);
		}
	}
	fputs (".SH EXIT STATUS\n"
	       "0 on success, 1 on a failure, 2 on a usage error.\n"
	       ".SH ENVIRONMENT\n"
	       ".TP\n.B SOURCE_DATE_EPOCH\n"
	       "Fixes the clock written into exhibits, so two runs give the same bytes.\n"
	       ".SH SEE ALSO\n"
	       ".BR sqlite3 (1)\n", out);
}
