/* The interactive session: 'workbench shell CASE' and 'workbench CASE'.
 *
 * Each line is a workbench command run through the command table exactly
 * as on the command line (without the case), a dot-command from the table
 * below, or SQL (a query, until ';').  On a terminal: libedit for editing,
 * history and completion, a banner, a pager for long output.  From a
 * script: no prompt, no banner, "line N:" and a caret on errors.
 *
 * Errors point at the bad word.  The shell's own errors know where the word
 * is; a command's errors are printed by the command, so while it runs the
 * shell passes standard error through a pipe, holds back the lines from the
 * first "error:" on, finds the quoted word the message names among the
 * line's words, and prints the line, the caret and then the message. */
#include <errno.h>
#include <histedit.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "shell.h"

typedef struct shell shell_t;

struct shell {
	wb_ctx_t *ctx;
	gboolean tty;            /* a person at a terminal */
	gboolean bail, timer, quit;
	int depth;               /* .read nesting */
	FILE *out_file;          /* .output FILE, or NULL for stdout */
	EditLine *el;
	History *hist;
	char *hist_path;
	gboolean hist_warned;
	gboolean cancelled;      /* Ctrl-C at the prompt */
	const char *prompt;
	GString *pending;        /* SQL typed so far, until ';' */
	int pending_line;
	/* What the last error pointed at, filled by the dot-commands. */
	char *err;
	int err_word;
};

/* Ctrl-C presses while a command runs; set while the pager runs. */
static volatile sig_atomic_t presses, paging;

#define PROMPT "wb> "
#define PROMPT_MORE "...> "

/* ---- where errors point ---- */

/* Columns the first LEN bytes of S take. */
static int
width_of (const char *s, int len)
{
	char *t = g_strndup (s, len);
	int w = wb_text_width (t);
	g_free (t);
	return w;
}

/* Point at byte OFFSET (or nowhere, if negative) of TEXT, read at line
 * LINENO of WHERE.  TEXT may span lines (SQL); the line holding OFFSET is
 * shown.  At the terminal, when nothing came between the typed line and the
 * error (ADJACENT), the caret goes under the typed word itself. */
static void
point_at (shell_t *sh, const char *where, int lineno, const char *text, int offset,
	  gboolean adjacent)
{
	int len = (int) strlen (text);
	if (offset > len)
		offset = len;
	int ls = 0;       /* start of the line holding OFFSET */
	int nlines = 0;
	for (int i = 0; i < (offset < 0 ? 0 : offset); i++)
		if (text[i] == '\n') {
			ls = i + 1;
			nlines++;
		}
	const char *nl = strchr (text + ls, '\n');
	int le = nl ? (int) (nl - text) : len;
	gboolean last_line = nl == NULL || nl[1] == 0;
	fflush (stdout);
	if (sh->tty && sh->depth == 0) {
		if (offset < 0)
			return;
		if (adjacent && last_line) {
			int pw = (int) strlen (nlines > 0 ? PROMPT_MORE : PROMPT);
			wb_shell_caret (stderr, pw + width_of (text + ls, offset - ls));
			return;
		}
		fprintf (stderr, "  %.*s\n", le - ls, text + ls);
		wb_shell_caret (stderr, 2 + width_of (text + ls, offset - ls));
		return;
	}
	char *prefix = where ? g_strdup_printf ("%s: line %d: ", where, lineno + nlines)
			     : g_strdup_printf ("line %d: ", lineno + nlines);
	fprintf (stderr, "%s%.*s\n", prefix, le - ls, text + ls);
	if (offset >= 0)
		wb_shell_caret (stderr, wb_text_width (prefix) + width_of (text + ls, offset - ls));
	g_free (prefix);
}

/* ---- output: the pager ---- */

static int
term_rows (void)
{
	struct winsize ws;
	if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row;
	return 24;
}

static void
update_width (shell_t *sh)
{
	struct winsize ws;
	if (isatty (STDOUT_FILENO) && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		sh->ctx->term_width = ws.ws_col;
}

/* While a command or query runs at the terminal, its results go to a
 * temporary file; then to the screen, or through the pager when longer
 * than the screen. */
static FILE *
capture_begin (shell_t *sh)
{
	if (!sh->tty || sh->out_file || !isatty (STDOUT_FILENO))
		return NULL;
	FILE *f = tmpfile ();
	if (f)
		sh->ctx->out = f;
	return f;
}

/* Returns TRUE if anything was shown. */
static gboolean
capture_end (shell_t *sh, FILE *f)
{
	if (!f)
		return FALSE;
	sh->ctx->out = stdout;
	fflush (f);
	long size = ftell (f);
	if (size <= 0) {
		fclose (f);
		return FALSE;
	}
	rewind (f);
	int lines = 0, c;
	while ((c = getc (f)) != EOF)
		lines += c == '\n';
	rewind (f);
	FILE *to = stdout;
	FILE *pager = NULL;
	if (lines >= term_rows () - 1) {
		const char *cmd = g_getenv ("PAGER");
		if (!cmd || !*cmd)
			cmd = "less -FRX";
		fflush (stdout);
		paging = 1;
		pager = popen (cmd, "w");
		if (pager)
			to = pager;
	}
	char buf[8192];
	size_t n;
	while ((n = fread (buf, 1, sizeof buf, f)) > 0)
		if (fwrite (buf, 1, n, to) != n)
			break;   /* the pager quit early */
	if (pager)
		pclose (pager);
	paging = 0;
	fflush (stdout);
	clearerr (stdout);
	fclose (f);
	wb_interrupted = 0;   /* Ctrl-C in the pager is the pager's */
	return TRUE;
}

/* ---- timer ---- */

typedef struct { gint64 real; struct rusage ru; } stamp_t;

static void
stamp (stamp_t *s)
{
	s->real = g_get_monotonic_time ();
	getrusage (RUSAGE_SELF, &s->ru);
}

static double
tv (struct timeval t)
{
	return t.tv_sec + t.tv_usec / 1e6;
}

static void
timer_report (shell_t *sh, stamp_t *a)
{
	if (!sh->timer)
		return;
	stamp_t b;
	stamp (&b);
	fflush (stdout);
	fprintf (stderr, "time: real %.3f s, user %.3f s, sys %.3f s\n", (b.real - a->real) / 1e6,
		 tv (b.ru.ru_utime) - tv (a->ru.ru_utime), tv (b.ru.ru_stime) - tv (a->ru.ru_stime));
}

/* ---- SQL ---- */

static const char *
skip_blanks_and_comments (const char *p)
{
	for (;;) {
		while (g_ascii_isspace (*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr (p + 2, "*/");
			p = e ? e + 2 : p + strlen (p);
		} else {
			return p;
		}
	}
}

/* A PRAGMA that changes a setting reports itself read-only to SQLite, yet
 * it changes how later commands run (foreign_keys, cache_size, ...): only
 * the plain and the reading forms run here.  Returns TRUE if P (at PRAGMA)
 * sets something. */
static gboolean
pragma_sets (const char *p)
{
	static const char *const readers[] = {
		"table_info", "table_xinfo", "table_list", "index_list", "index_info",
		"index_xinfo", "foreign_key_list", "foreign_key_check", "integrity_check",
		"quick_check", NULL
	};
	p += 6;
	while (g_ascii_isspace (*p))
		p++;
	const char *name = p;
	while (g_ascii_isalnum (*p) || *p == '_' || *p == '.')
		p++;
	const char *dot = memchr (name, '.', p - name);
	if (dot)
		name = dot + 1;
	int n = (int) (p - name);
	while (g_ascii_isspace (*p))
		p++;
	if (*p == '=')
		return TRUE;
	if (*p != '(')
		return FALSE;
	for (int i = 0; readers[i]; i++)
		if ((int) strlen (readers[i]) == n && g_ascii_strncasecmp (name, readers[i], n) == 0)
			return FALSE;
	return TRUE;
}

/* The first place NAME stands in SQL as a whole word, case aside, or -1. */
static int
word_offset (const char *sql, const char *name)
{
	size_t n = strlen (name);
	if (n == 0)
		return -1;
	for (const char *q = sql; *q; q++) {
		if (g_ascii_strncasecmp (q, name, n) != 0)
			continue;
		gboolean start = q == sql || !(g_ascii_isalnum (q[-1]) || q[-1] == '_');
		gboolean end = !(g_ascii_isalnum (q[n]) || q[n] == '_');
		if (start && end)
			return (int) (q - sql);
	}
	return -1;
}

/* Where in SQL the name an error message ends with stands ("no such table:
 * nosuch"): SQLite gives no offset for some errors.  -1 if it is not there. */
static int
named_offset (const char *sql, const char *msg)
{
	const char *colon = strrchr (msg, ':');
	if (!colon)
		return -1;
	const char *name = colon + 1;
	while (*name == ' ')
		name++;
	if (strpbrk (name, " \"'"))
		return -1;
	int off = word_offset (sql, name);
	const char *dot = strrchr (name, '.');     /* main.nosuch: the table alone */
	if (off < 0 && dot)
		off = word_offset (sql, dot + 1);
	return off;
}

static int
run_sql (shell_t *sh, const char *sql, const char *where, int lineno)
{
	sqlite3 *db = wb_case_db (sh->ctx->cs);
	const char *p = sql;
	wb_mode_t mode = sh->ctx->mode_set ? sh->ctx->mode : WB_MODE_TEXT;
	stamp_t t0;
	stamp (&t0);
	while (*(p = skip_blanks_and_comments (p))) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;
		if (sqlite3_prepare_v2 (db, p, -1, &st, &tail) != SQLITE_OK) {
			int off = sqlite3_error_offset (db);
			char *msg = g_strdup (sqlite3_errmsg (db));
			if (off < 0)
				off = named_offset (p, msg);
			point_at (sh, where, lineno, sql, off >= 0 ? (int) (p - sql) + off : -1, TRUE);
			wb_error ("%s", msg);
			g_free (msg);
			return 1;
		}
		if (!st) {
			p = tail;
			continue;
		}
		gboolean pragma = g_ascii_strncasecmp (p, "pragma", 6) == 0;
		if (!wb_shell_sql_query_word (p) || !sqlite3_stmt_readonly (st) ||
		    (pragma && pragma_sets (p))) {
			gboolean writes = !sqlite3_stmt_readonly (st);
			sqlite3_finalize (st);
			point_at (sh, where, lineno, sql, (int) (p - sql), TRUE);
			if (pragma && !writes)
				wb_error ("refusing to change a setting: only PRAGMAs that read run here");
			else if (writes)
				wb_error ("refusing to run a statement that writes: the case is changed only by workbench commands");
			else
				wb_error ("only queries run here: SELECT, WITH, EXPLAIN, PRAGMA or VALUES");
			return 1;
		}
		update_width (sh);
		FILE *cap = capture_begin (sh);
		int rc = wb_print_stmt (st, sh->ctx->out, mode, sh->ctx->term_width);
		if (rc == SQLITE_INTERRUPT && cap) {
			/* The headers of a table that never came: drop them. */
			fclose (cap);
			sh->ctx->out = stdout;
			cap = NULL;
		}
		gboolean shown = capture_end (sh, cap);
		if (!cap && sh->ctx->out)
			fflush (sh->ctx->out);
		sqlite3_finalize (st);
		if (rc != SQLITE_DONE) {
			if (rc == SQLITE_INTERRUPT) {
				fflush (stdout);
				if (sh->tty)
					fputc ('\n', stderr);   /* after the terminal's ^C */
				wb_error ("interrupted");
			} else {
				point_at (sh, where, lineno, sql, (int) (p - sql), !shown);
				wb_error ("%s", sqlite3_errmsg (db));
			}
			return 1;
		}
		p = tail;
	}
	timer_report (sh, &t0);
	return 0;
}

/* ---- workbench commands ---- */

static const char *const *
command_names (void)
{
	static const char **names;
	if (!names) {
		GPtrArray *a = g_ptr_array_new ();
		for (const wb_command_t *c = wb_commands; c->name; c++)
			if (wb_shell_runs (c))
				g_ptr_array_add (a, (char *) c->name);
		g_ptr_array_add (a, (char *) "help");
		g_ptr_array_add (a, NULL);
		names = (const char **) g_ptr_array_free (a, FALSE);
	}
	return names;
}

static void print_help (shell_t *sh, FILE *out);

static int
run_command (shell_t *sh, wb_shell_words_t *w, const char *text, const char *where, int lineno)
{
	wb_ctx_t *ctx = sh->ctx;
	const char *name = w->argv[0];
	const wb_command_t *cmd = wb_command_find (name);
	if (strcmp (name, "help") == 0) {
		if (w->argc < 2) {
			print_help (sh, ctx->out);
			return wb_finish_output (ctx, 0);
		}
		cmd = wb_command_find (w->argv[1]);
		if (!cmd) {
			point_at (sh, where, lineno, text, w->start[1], TRUE);
			wb_error ("unknown command '%s'", w->argv[1]);
			return 1;
		}
		wb_command_usage (cmd, ctx->out);
		return wb_finish_output (ctx, 0);
	}
	if (!wb_shell_runs (cmd)) {
		point_at (sh, where, lineno, text, w->start[0], TRUE);
		if (cmd && strcmp (name, "shell") == 0) {
			wb_error ("already in the shell");
			return 1;
		}
		if (cmd) {
			wb_error ("'%s' makes a new case: run 'workbench %s' outside the shell", name, name);
			return 1;
		}
		wb_error ("unknown command '%s'", name);
		const char *near = wb_shell_closest (name, command_names ());
		if (near)
			wb_hint ("did you mean '%s'?", near);
		else
			wb_hint ("type .help for the list of commands");
		return 1;
	}

	GString *cl = g_string_new ("workbench");
	for (int i = 0; i <= w->argc; i++) {
		const char *a = i == 0 ? name : i == 1 ? ctx->case_path : w->argv[i - 1];
		char *q = g_shell_quote (a);
		g_string_append_printf (cl, " %s", strpbrk (a, " '\"\\$`!*?;&|<>()") ? q : a);
		g_free (q);
	}
	char *saved_line = ctx->command_line;
	ctx->command_line = g_string_free (cl, FALSE);

	update_width (sh);
	stamp_t t0;
	stamp (&t0);
	FILE *cap = capture_begin (sh);
	wb_shell_tee_t *tee = wb_shell_tee_start (name);
	int rc = wb_command_run (ctx, cmd, w->argc, w->argv);
	gboolean passed;
	char *held = wb_shell_tee_stop (tee, &passed);
	gboolean shown = capture_end (sh, cap);
	if (*held) {
		if (wb_interrupted && sh->tty)
			fputc ('\n', stderr);
		int word = wb_shell_named_word (held, w);
		if (word >= 0 || !sh->tty || sh->depth > 0)
			point_at (sh, where, lineno, text, word >= 0 ? w->start[word] : -1,
				  !shown && !passed);
		fputs (held, stderr);
		fflush (stderr);
	}
	g_free (held);
	if (rc == 0)
		timer_report (sh, &t0);
	g_free (ctx->command_line);
	ctx->command_line = saved_line;
	return rc;
}

/* ---- dot-commands ---- */


/* A dot-command error pointing at word WORD (-1: none); returns 1. */
static int G_GNUC_PRINTF (3, 4)
dot_fail (shell_t *sh, int word, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_free (sh->err);
	sh->err = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	sh->err_word = word;
	return 1;
}

static int
parse_on_off (shell_t *sh, wb_shell_words_t *w, gboolean *flag)
{
	if (w->argc != 2)
		return dot_fail (sh, w->argc > 2 ? 2 : -1, "%s needs 'on' or 'off'", w->argv[0]);
	if (strcmp (w->argv[1], "on") == 0)
		*flag = TRUE;
	else if (strcmp (w->argv[1], "off") == 0)
		*flag = FALSE;
	else
		return dot_fail (sh, 1, "'%s' is not 'on' or 'off'", w->argv[1]);
	return 0;
}

static int dot_bail (shell_t *sh, wb_shell_words_t *w) { return parse_on_off (sh, w, &sh->bail); }
static int dot_timer (shell_t *sh, wb_shell_words_t *w) { return parse_on_off (sh, w, &sh->timer); }

static int
dot_quit (shell_t *sh, wb_shell_words_t *w)
{
	sh->quit = TRUE;
	return 0;
}

static int
dot_mode (shell_t *sh, wb_shell_words_t *w)
{
	static const struct { const char *name; wb_mode_t mode; } modes[] = {
		{ "table", WB_MODE_TEXT }, { "text", WB_MODE_TEXT }, { "csv", WB_MODE_CSV },
		{ "json", WB_MODE_JSON }, { "line", WB_MODE_LINE },
	};
	if (w->argc == 1) {
		static const char *const names[] = { "table", "csv", "json", "line" };
		fprintf (sh->ctx->out, "%s\n", names[sh->ctx->mode]);
		return 0;
	}
	if (w->argc > 2)
		return dot_fail (sh, 2, "too many arguments");
	for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
		if (strcmp (w->argv[1], modes[i].name) == 0) {
			sh->ctx->mode = modes[i].mode;
			sh->ctx->mode_set = TRUE;
			return 0;
		}
	return dot_fail (sh, 1, "unknown mode '%s' (table, csv, json or line)", w->argv[1]);
}

static int
dot_output (shell_t *sh, wb_shell_words_t *w)
{
	if (w->argc > 2)
		return dot_fail (sh, 2, "too many arguments");
	FILE *f = NULL;
	if (w->argc == 2 && !(f = fopen (w->argv[1], "w")))
		return dot_fail (sh, 1, "cannot open '%s': %s", w->argv[1], g_strerror (errno));
	if (sh->out_file) {
		if (fclose (sh->out_file) != 0)
			wb_warning ("cannot write output: %s", g_strerror (errno));
	}
	sh->out_file = f;
	sh->ctx->out = f ? f : stdout;
	return 0;
}

static int
dot_case (shell_t *sh, wb_shell_words_t *w)
{
	wb_case_t *cs = sh->ctx->cs;
	char *name = wb_case_info (cs, "name");
	char *filed = wb_case_info (cs, "filed");
	FILE *o = sh->ctx->out;
	fprintf (o, "case    %s\n", wb_case_path (cs));
	if (name)
		fprintf (o, "name    %s\n", name);
	if (filed)
		fprintf (o, "filed   %s\n", filed);
	fprintf (o, "access  %s\n", wb_case_writable (cs) ? "read-write" : "read-only");
	g_free (name);
	g_free (filed);
	return 0;
}

static int run_stream (shell_t *sh, FILE *in, const char *where);

static int
dot_read (shell_t *sh, wb_shell_words_t *w)
{
	if (w->argc != 2)
		return dot_fail (sh, w->argc > 2 ? 2 : -1, ".read needs one file");
	if (sh->depth >= 16)
		return dot_fail (sh, 1, ".read nested too deeply");
	FILE *f = fopen (w->argv[1], "r");
	if (!f)
		return dot_fail (sh, 1, "cannot open '%s': %s", w->argv[1], g_strerror (errno));
	sh->depth++;
	int failed = run_stream (sh, f, w->argv[1]);
	sh->depth--;
	fclose (f);
	return failed ? -1 : 0;   /* -1: failed, already reported */
}

/* Names of the tables and views, in columns, as sqlite3's .tables. */
static int
dot_tables (shell_t *sh, wb_shell_words_t *w)
{
	if (w->argc > 2)
		return dot_fail (sh, 2, "too many arguments");
	sqlite3 *db = wb_case_db (sh->ctx->cs);
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND "
				"name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name LIKE ?1 ORDER BY name",
			    -1, &st, NULL);
	sqlite3_bind_text (st, 1, w->argc == 2 ? w->argv[1] : "%", -1, SQLITE_TRANSIENT);
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	while (sqlite3_step (st) == SQLITE_ROW)
		g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (st, 0)));
	sqlite3_finalize (st);
	int colw = 0;
	for (guint i = 0; i < names->len; i++)
		colw = MAX (colw, (int) strlen (names->pdata[i]));
	colw += 2;
	int cols = MAX (1, 80 / MAX (colw, 1));
	int rows = (names->len + cols - 1) / cols;
	for (int r = 0; r < rows; r++) {
		GString *l = g_string_new (NULL);
		for (int k = 0; k < cols; k++) {
			guint i = k * rows + r;
			if (i < names->len)
				g_string_append_printf (l, "%-*s", colw, (char *) names->pdata[i]);
		}
		g_strchomp (l->str);
		fprintf (sh->ctx->out, "%s\n", l->str);
		g_string_free (l, TRUE);
	}
	g_ptr_array_unref (names);
	return 0;
}

/* The CREATE statements, as sqlite3's .schema: with TABLE, those of that
 * table or view and of its indexes and triggers. */
static int
dot_schema (shell_t *sh, wb_shell_words_t *w)
{
	if (w->argc > 2)
		return dot_fail (sh, 2, "too many arguments");
	sqlite3 *db = wb_case_db (sh->ctx->cs);
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2 (db, "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND "
				"name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND (?1 IS NULL OR tbl_name = ?1 "
				"COLLATE NOCASE) ORDER BY tbl_name, type = 'index', type = 'trigger', name",
			    -1, &st, NULL);
	if (w->argc == 2)
		sqlite3_bind_text (st, 1, w->argv[1], -1, SQLITE_TRANSIENT);
	int n = 0;
	while (sqlite3_step (st) == SQLITE_ROW) {
		fprintf (sh->ctx->out, "%s;\n", (const char *) sqlite3_column_text (st, 0));
		n++;
	}
	sqlite3_finalize (st);
	if (n == 0 && w->argc == 2)
		return dot_fail (sh, 1, "no table or view '%s' (.tables lists them)", w->argv[1]);
	return 0;
}

static int dot_help (shell_t *sh, wb_shell_words_t *w);

const wb_shell_dot_t wb_shell_dots[] = {
	{ ".bail", dot_bail, "on|off", "Stop a script at its first error" },
	{ ".case", dot_case, "", "What case is open, and how" },
	{ ".help", dot_help, "[COMMAND]", "This list, or the options of COMMAND" },
	{ ".mode", dot_mode, "table|csv|json|line", "How results are printed" },
	{ ".output", dot_output, "[FILE]", "Send results to FILE; alone, back to the screen" },
	{ ".quit", dot_quit, "", "Leave (Ctrl-D does too)" },
	{ ".read", dot_read, "FILE", "Run the lines of FILE" },
	{ ".schema", dot_schema, "[TABLE]", "The CREATE statements, or those of TABLE" },
	{ ".tables", dot_tables, "[PATTERN]", "The tables and views (PATTERN as for LIKE)" },
	{ ".timer", dot_timer, "on|off", "Show how long each command took" },
	{ NULL }
};

/* The views of evidence/schema.sql, for .help. */
static const char *const views[][2] = {
	{ "v_copies", "one row per copy: trap, day, sender, subject, status, first source" },
	{ "v_sources", "every input file and archive member, with how it was read" },
	{ "v_custody", "the custody log, each row with its run's command line" },
	{ "v_traps", "each trap with its copies, first and last day" },
	{ "v_days", "copies per trap and local day" },
	{ "v_artifacts", "contact data with the copies and traps it appears in" },
	{ "v_origins", "the first hop outside the provider, per copy" },
};

static void
print_help (shell_t *sh, FILE *out)
{
	fprintf (out, "Commands (as on the command line, without the case):\n");
	for (const wb_command_t *c = wb_commands; c->name; c++)
		if (wb_shell_runs (c))
			fprintf (out, "  %-10s %s\n", c->name, c->summary);
	fprintf (out, "\nShell commands:\n");
	for (const wb_shell_dot_t *d = wb_shell_dots; d->name; d++) {
		char *s = g_strdup_printf ("%s %s", d->name, d->args);
		fprintf (out, "  %-27s %s\n", s, d->help);
		g_free (s);
	}
	fprintf (out, "\nSQL: type a query (SELECT, WITH, EXPLAIN, PRAGMA, VALUES) ending with ';'.\n"
		      "Views that answer common questions:\n");
	for (gsize i = 0; i < G_N_ELEMENTS (views); i++)
		fprintf (out, "  %-12s %s\n", views[i][0], views[i][1]);
	fprintf (out, "\nTab completes; 'help COMMAND' or 'COMMAND --help' shows its options.\n");
}

static int
dot_help (shell_t *sh, wb_shell_words_t *w)
{
	FILE *out = sh->ctx->out;
	if (w->argc < 2) {
		print_help (sh, out);
		return 0;
	}
	const char *topic = w->argv[1];
	for (const wb_shell_dot_t *d = wb_shell_dots; d->name; d++)
		if (strcmp (topic, d->name) == 0 || strcmp (topic, d->name + 1) == 0) {
			fprintf (out, "usage: %s%s%s\n\n%s\n", d->name, *d->args ? " " : "", d->args,
				 d->help);
			return 0;
		}
	const wb_command_t *c = wb_command_find (topic);
	if (c) {
		wb_command_usage (c, out);
		return 0;
	}
	return dot_fail (sh, 1, "no help on '%s'", topic);
}

static int
run_dot (shell_t *sh, wb_shell_words_t *w, const char *text, const char *where, int lineno)
{
	for (const wb_shell_dot_t *d = wb_shell_dots; d->name; d++) {
		if (strcmp (w->argv[0], d->name) != 0)
			continue;
		g_clear_pointer (&sh->err, g_free);
		sh->err_word = -1;
		int rc = d->fn (sh, w);
		if (rc < 0)
			return 1;
		if (rc) {
			point_at (sh, where, lineno, text, sh->err_word >= 0 ? w->start[sh->err_word] : -1, TRUE);
			wb_error ("%s", sh->err);
			return 1;
		}
		return wb_finish_output (sh->ctx, 0);
	}
	point_at (sh, where, lineno, text, 0, TRUE);
	wb_error ("unknown dot-command '%s'", w->argv[0]);
	static const char **names;
	if (!names) {
		GPtrArray *a = g_ptr_array_new ();
		for (const wb_shell_dot_t *d = wb_shell_dots; d->name; d++)
			g_ptr_array_add (a, (char *) d->name);
		g_ptr_array_add (a, NULL);
		names = (const char **) g_ptr_array_free (a, FALSE);
	}
	const char *near = wb_shell_closest (w->argv[0], names);
	if (near)
		wb_hint ("did you mean '%s'?", near);
	else
		wb_hint ("type .help for the list");
	return 1;
}

/* ---- lines ---- */

/* Take one line of input (without its newline).  Returns non-zero if what
 * it completed failed. */
static int
feed_line (shell_t *sh, const char *line, const char *where, int lineno)
{
	int rc = 0;
	if (sh->pending->len > 0) {
		g_string_append_printf (sh->pending, "%s\n", line);
		if (!sqlite3_complete (sh->pending->str))
			return 0;
		rc = run_sql (sh, sh->pending->str, where, sh->pending_line);
		g_string_truncate (sh->pending, 0);
		return rc;
	}
	switch (wb_shell_line_kind (line)) {
	case WB_LINE_EMPTY:
		return 0;
	case WB_LINE_SQL:
		g_string_printf (sh->pending, "%s\n", line);
		sh->pending_line = lineno;
		if (!sqlite3_complete (sh->pending->str))
			return 0;
		rc = run_sql (sh, sh->pending->str, where, lineno);
		g_string_truncate (sh->pending, 0);
		return rc;
	case WB_LINE_DOT:
	case WB_LINE_COMMAND: {
		int pos = 0;
		const char *msg = NULL;
		wb_shell_words_t *w = wb_shell_split (line, FALSE, &pos, &msg);
		if (!w) {
			sh->pending_line = lineno;
			point_at (sh, where, lineno, line, pos, TRUE);
			wb_error ("%s", msg);
			return 1;
		}
		sh->pending_line = lineno;
		if (w->argc > 0)
			rc = w->argv[0][0] == '.' ? run_dot (sh, w, line, where, lineno)
						  : run_command (sh, w, line, where, lineno);
		wb_shell_words_free (w);
		return rc;
	}
	}
	return 0;
}

/* SQL left unfinished at the end of input runs as it is. */
static int
flush_pending (shell_t *sh, const char *where)
{
	if (sh->pending->len == 0)
		return 0;
	int rc = run_sql (sh, sh->pending->str, where, sh->pending_line);
	g_string_truncate (sh->pending, 0);
	return rc;
}

/* Run the lines of IN (a script: standard input or .read FILE).  WHERE
 * names it in errors (NULL for standard input).  Returns the number of
 * lines that failed. */
static int
run_stream (shell_t *sh, FILE *in, const char *where)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, failed = 0;
	GString *saved = sh->pending;
	int saved_line = sh->pending_line;
	sh->pending = g_string_new (NULL);
	while (!sh->quit && (n = getline (&line, &cap, in)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		int rc = feed_line (sh, line, where, lineno);
		if (rc)
			failed++;
		if (wb_interrupted) {
			if (!rc)
				wb_error ("interrupted");
			failed += !rc;
			break;
		}
		if (rc && sh->bail)
			break;
	}
	if (!(failed && sh->bail) && !wb_interrupted && !sh->quit)
		failed += flush_pending (sh, where) != 0;
	g_string_free (sh->pending, TRUE);
	sh->pending = saved;
	sh->pending_line = saved_line;
	free (line);
	return failed;
}

/* ---- the terminal ---- */

static char *
prompt_fn (EditLine *el)
{
	shell_t *sh = NULL;
	el_get (el, EL_CLIENTDATA, &sh);
	return (char *) sh->prompt;
}

static unsigned char
cancel_fn (EditLine *el, int ch)
{
	shell_t *sh = NULL;
	el_get (el, EL_CLIENTDATA, &sh);
	sh->cancelled = TRUE;
	const LineInfo *li = el_line (el);
	el_cursor (el, (int) (li->lastchar - li->cursor));
	el_insertstr (el, "^C");
	/* ed-newline (bound to Enter) moves below the line; the line itself
	 * is thrown away when el_gets() returns. */
	el_push (el, "\n");
	return CC_REFRESH;
}

static gboolean
needs_quotes (const char *s)
{
	for (; *s; s++)
		if (!(g_ascii_isalnum (*s) || strchr ("@%+=:,./_-~", *s) || (*s & 0x80)))
			return TRUE;
	return FALSE;
}

static char *
quoted (const char *s, gboolean close)
{
	if (!needs_quotes (s))
		return g_strdup (s);
	GString *q = g_string_new ("'");
	for (; *s; s++) {
		if (*s == '\'')
			g_string_append (q, "'\\''");
		else
			g_string_append_c (q, *s);
	}
	if (close)
		g_string_append_c (q, '\'');
	return g_string_free (q, FALSE);
}

static void
list_candidates (GPtrArray *c, int width)
{
	int colw = 0;
	guint shown = MIN (c->len, 200);
	for (guint i = 0; i < shown; i++)
		colw = MAX (colw, wb_text_width (c->pdata[i]));
	colw += 2;
	int cols = MAX (1, (width > 0 ? width : 80) / colw);
	int rows = (shown + cols - 1) / cols;
	fputc ('\n', stdout);
	for (int r = 0; r < rows; r++) {
		for (int k = 0; k < cols; k++) {
			guint i = k * rows + r;
			if (i >= shown)
				continue;
			char *safe = wb_text_safe (c->pdata[i]);
			fprintf (stdout, "%s%*s", safe, k + 1 < cols ? colw - wb_text_width (safe) : 0, "");
			g_free (safe);
		}
		fputc ('\n', stdout);
	}
	if (shown < c->len)
		fprintf (stdout, "(%u more)\n", c->len - shown);
	fflush (stdout);
}

static unsigned char
complete_fn (EditLine *el, int ch)
{
	shell_t *sh = NULL;
	el_get (el, EL_CLIENTDATA, &sh);
	const LineInfo *li = el_line (el);
	char *upto = g_strndup (li->buffer, li->cursor - li->buffer);
	int ws = 0;
	unsigned char ret = CC_REFRESH;
	GPtrArray *c = wb_shell_complete (sh->ctx->cs, upto, &ws);
	char *prefix = wb_shell_common_prefix (c);
	char *typed = NULL;
	int pos;
	const char *msg;
	/* The typed word without its quotes, to see whether the prefix adds. */
	wb_shell_words_t *w = wb_shell_split (upto + ws, TRUE, &pos, &msg);
	typed = g_strdup (w && w->argc ? w->argv[0] : "");
	wb_shell_words_free (w);
	if (c->len == 0) {
		ret = CC_REFRESH_BEEP;
	} else if (c->len == 1 || strlen (prefix) > strlen (typed)) {
		gboolean whole = c->len == 1;
		char *rep = quoted (prefix, whole);
		if (whole && !g_str_has_suffix (prefix, "/")) {
			char *t = g_strconcat (rep, " ", NULL);
			g_free (rep);
			rep = t;
		}
		el_deletestr (el, (int) g_utf8_strlen (upto + ws, -1));
		el_insertstr (el, rep);
		g_free (rep);
	} else {
		update_width (sh);
		list_candidates (c, sh->ctx->term_width);
		ret = CC_REDISPLAY;
	}
	g_free (typed);
	g_free (prefix);
	g_ptr_array_unref (c);
	g_free (upto);
	return ret;
}

static void
history_open (shell_t *sh)
{
	HistEvent ev;
	sh->hist = history_init ();
	history (sh->hist, &ev, H_SETSIZE, 2000);
	history (sh->hist, &ev, H_SETUNIQUE, 1);
	const char *state = g_getenv ("XDG_STATE_HOME");
	char *dir = state && g_path_is_absolute (state)
			    ? g_build_filename (state, "workbench", NULL)
			    : g_build_filename (g_get_home_dir (), ".local", "state", "workbench", NULL);
	if (g_mkdir_with_parents (dir, 0700) != 0) {
		wb_warning ("cannot create '%s' for the history: %s", dir, g_strerror (errno));
		sh->hist_warned = TRUE;
	}
	sh->hist_path = g_build_filename (dir, "history", NULL);
	g_free (dir);
	if (g_file_test (sh->hist_path, G_FILE_TEST_EXISTS))
		history (sh->hist, &ev, H_LOAD, sh->hist_path);
}

static void
history_add (shell_t *sh, const char *line)
{
	HistEvent ev;
	history (sh->hist, &ev, H_ENTER, line);
	if (history (sh->hist, &ev, H_SAVE, sh->hist_path) < 0 && !sh->hist_warned) {
		wb_warning ("cannot save the history in '%s'", sh->hist_path);
		sh->hist_warned = TRUE;
	}
}

static int64_t
count_rows (sqlite3 *db, const char *table)
{
	char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", table);
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	/* A table another part has not created yet counts 0. */
	if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step (st) == SQLITE_ROW)
		n = sqlite3_column_int64 (st, 0);
	sqlite3_finalize (st);
	g_free (sql);
	return n;
}

static void
banner (shell_t *sh)
{
	wb_case_t *cs = sh->ctx->cs;
	sqlite3 *db = wb_case_db (cs);
	char *name = wb_case_info (cs, "name");
	char *safe = wb_text_safe (name ? name : "");
	char *base = g_path_get_basename (wb_case_path (cs));
	printf ("workbench %s: case %s%s%s%s%s\n", WB_VERSION, base, *safe ? " (" : "", safe,
		*safe ? ")" : "", wb_case_writable (cs) ? "" : ", read-only");
	printf ("%lld copies, %lld traps, %lld parties, %lld findings\n",
		(long long) count_rows (db, "messages"), (long long) count_rows (db, "traps"),
		(long long) count_rows (db, "parties"), (long long) count_rows (db, "findings"));
	printf ("Type .help for help, Tab to complete, Ctrl-D to leave.\n");
	fflush (stdout);
	g_free (base);
	g_free (safe);
	g_free (name);
}

static void
on_sigint (int sig)
{
	if (paging)
		return;   /* the pager's own */
	wb_interrupted = 1;
	/* Three presses while a command will not stop: leave. */
	if (++presses >= 3) {
		signal (SIGINT, SIG_DFL);
		raise (SIGINT);
	}
}

static int
on_progress (void *data)
{
	return wb_interrupted != 0;
}

static int
run_terminal (shell_t *sh)
{
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	sigaction (SIGINT, &sa, &old);
	history_open (sh);
	sh->el = el_init ("workbench", stdin, stdout, stderr);
	el_set (sh->el, EL_CLIENTDATA, sh);
	el_set (sh->el, EL_EDITOR, "emacs");
	el_set (sh->el, EL_SIGNAL, 1);
	el_set (sh->el, EL_PROMPT, prompt_fn);
	el_set (sh->el, EL_HIST, history, sh->hist);
	/* Ctrl-C at the prompt is a key that discards the line, not a signal. */
	el_set (sh->el, EL_SETTY, "-d", "-isig", NULL);
	el_set (sh->el, EL_ADDFN, "wb-complete", "Complete the word", complete_fn);
	el_set (sh->el, EL_BIND, "^I", "wb-complete", NULL);
	el_set (sh->el, EL_ADDFN, "wb-cancel", "Discard the line", cancel_fn);
	el_set (sh->el, EL_BIND, "^C", "wb-cancel", NULL);
	el_source (sh->el, NULL);

	banner (sh);
	int lineno = 0;
	gboolean eof_warned = FALSE;
	while (!sh->quit) {
		sh->prompt = sh->pending->len ? PROMPT_MORE : PROMPT;
		sh->cancelled = FALSE;
		int n = 0;
		const char *got = el_gets (sh->el, &n);
		if (!got) {
			if (n < 0 && errno == EINTR) {
				/* A signal from elsewhere (kill -INT): stay. */
				wb_interrupted = 0;
				presses = 0;
				fputc ('\n', stdout);
				continue;
			}
			fputc ('\n', stdout);
			if (sh->pending->len && !eof_warned) {
				/* Half a statement typed: say so before it is lost. */
				fflush (stdout);
				wb_warning ("a statement is not finished (end it with ';'); Ctrl-D again "
					    "leaves without running it");
				eof_warned = TRUE;
				continue;
			}
			break;
		}
		eof_warned = FALSE;
		lineno++;
		if (sh->cancelled) {
			g_string_truncate (sh->pending, 0);
			continue;
		}
		char *line = g_strndup (got, n);
		g_strchomp (line);
		if (*line)
			history_add (sh, line);
		wb_interrupted = 0;
		presses = 0;
		feed_line (sh, line, NULL, lineno);
		wb_interrupted = 0;
		presses = 0;
		g_free (line);
	}
	el_end (sh->el);
	history_end (sh->hist);
	g_free (sh->hist_path);
	sigaction (SIGINT, &old, NULL);
	/* As sqlite3 and psql: leaving a session at the terminal is success,
	 * whatever failed in it (each error was said as it came); a script's
	 * status says whether a line failed. */
	return WB_EXIT_OK;
}

int
wb_shell_main (wb_ctx_t *ctx, int argc, char **argv)
{
	shell_t sh = { .ctx = ctx, .err_word = -1 };
	for (int i = 1; i < argc; i++)
		if (strcmp (argv[i], "--bail") == 0)
			sh.bail = TRUE;
	sh.pending = g_string_new (NULL);
	sh.tty = isatty (STDIN_FILENO) && isatty (STDOUT_FILENO);
	ctx->interactive = TRUE;
	sqlite3_progress_handler (wb_case_db (ctx->cs), 10000, on_progress, NULL);

	int rc;
	if (sh.tty)
		rc = run_terminal (&sh);
	else
		rc = run_stream (&sh, stdin, NULL) ? WB_EXIT_FAIL : WB_EXIT_OK;

	sqlite3_progress_handler (wb_case_db (ctx->cs), 0, NULL, NULL);
	if (sh.out_file)
		fclose (sh.out_file);
	ctx->out = stdout;
	g_string_free (sh.pending, TRUE);
	g_free (sh.err);
	return rc;
}
