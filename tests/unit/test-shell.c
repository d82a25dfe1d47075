/* The shell's pieces that need no terminal: splitting lines, telling SQL
 * from commands, suggestions, options from usage strings, completion. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "shell.h"
#include "case-tmp.h"

Test (table, is_the_program_s)
{
	/* The table main() runs: each name calls its cmd-NAME.c function. */
	cr_assert_eq (wb_command_find ("damages")->fn, wb_cmd_damages);
	cr_assert_eq (wb_command_find ("verify")->fn, wb_cmd_verify);
	cr_assert_eq (wb_command_find ("shell")->fn, wb_cmd_shell);
	cr_assert_null (wb_command_find ("help"));     /* main()'s and the shell's own */
	int n = 0;
	for (const wb_command_t *c = wb_commands; c->name; c++, n++) {
		cr_assert_not_null (c->fn, "%s has no function", c->name);
		cr_assert (c->summary && *c->summary, "%s has no summary", c->name);
	}
	cr_assert_eq (n, 26);    /* the README's table of commands */
}

Test (split, words_quotes_and_offsets)
{
	int pos = -1;
	const char *msg = NULL;
	/* explain=0..6, 'Acme Inc'=8..17, "B \"x\""=19..27 (9 bytes),
	 * c\ d=29..32. */
	const char *line = "explain 'Acme Inc' \"B \\\"x\\\"\" c\\ d  # note";
	wb_shell_words_t *w = wb_shell_split (line, FALSE, &pos, &msg);
	cr_assert_not_null (w);
	cr_assert_eq (w->argc, 4);
	cr_assert_str_eq (w->argv[0], "explain");
	cr_assert_str_eq (w->argv[1], "Acme Inc");
	cr_assert_str_eq (w->argv[2], "B \"x\"");
	cr_assert_str_eq (w->argv[3], "c d");
	cr_assert_null (w->argv[4]);
	cr_assert_eq (w->start[0], 0);
	cr_assert_eq (w->end[0], 7);
	cr_assert_eq (w->start[1], 8);    /* the opening quote */
	cr_assert_eq (w->end[1], 18);     /* after the closing quote */
	cr_assert_eq (w->start[2], 19);
	cr_assert_eq (w->end[2], 28);
	cr_assert_eq (w->start[3], 29);
	cr_assert_eq (w->end[3], 33);
	wb_shell_words_free (w);
}

Test (split, unterminated_quote_points_at_it)
{
	int pos = -1;
	const char *msg = NULL;
	cr_assert_null (wb_shell_split ("damages --note 'oops", FALSE, &pos, &msg));
	cr_assert_eq (pos, 15);
	cr_assert_str_eq (msg, "unterminated quote '");
	cr_assert_null (wb_shell_split ("ingest a\\", FALSE, &pos, &msg));
	cr_assert_eq (pos, 8);
	/* Completion reads a word still being typed. */
	wb_shell_words_t *w = wb_shell_split ("explain 'Acme In", TRUE, &pos, &msg);
	cr_assert_not_null (w);
	cr_assert_eq (w->argc, 2);
	cr_assert_str_eq (w->argv[1], "Acme In");
	cr_assert (w->open);
	cr_assert_eq (w->quote, '\'');
	wb_shell_words_free (w);
	wb_shell_words_free (NULL);
}

Test (kind, lines)
{
	cr_assert_eq (wb_shell_line_kind ("  "), WB_LINE_EMPTY);
	cr_assert_eq (wb_shell_line_kind ("# comment"), WB_LINE_EMPTY);
	cr_assert_eq (wb_shell_line_kind ("-- sql comment"), WB_LINE_EMPTY);
	cr_assert_eq (wb_shell_line_kind (".mode csv"), WB_LINE_DOT);
	cr_assert_eq (wb_shell_line_kind ("select 1;"), WB_LINE_SQL);
	cr_assert_eq (wb_shell_line_kind ("  With x AS (SELECT 1) SELECT * FROM x"), WB_LINE_SQL);
	cr_assert_eq (wb_shell_line_kind ("SELECT*FROM traps"), WB_LINE_SQL);
	cr_assert_eq (wb_shell_line_kind ("PRAGMA table_info(messages)"), WB_LINE_SQL);
	cr_assert_eq (wb_shell_line_kind ("VALUES(1)"), WB_LINE_SQL);
	/* A write is SQL too, so the refusal can say why. */
	cr_assert_eq (wb_shell_line_kind ("delete from custody"), WB_LINE_SQL);
	cr_assert_eq (wb_shell_line_kind ("summary"), WB_LINE_COMMAND);
	/* The workbench's explain against SQL's EXPLAIN. */
	cr_assert_eq (wb_shell_line_kind ("explain Acme 'B Co'"), WB_LINE_COMMAND);
	cr_assert_eq (wb_shell_line_kind ("explain selected 'B Co'"), WB_LINE_COMMAND);
	cr_assert_eq (wb_shell_line_kind ("EXPLAIN QUERY PLAN SELECT 1"), WB_LINE_SQL);
	cr_assert_eq (wb_shell_line_kind ("explain select 1"), WB_LINE_SQL);
	cr_assert_eq (wb_shell_line_kind ("selected"), WB_LINE_COMMAND);
	cr_assert (wb_shell_sql_query_word ("ExPlAiN QUERY PLAN"));
	cr_assert (!wb_shell_sql_query_word ("delete"));
	cr_assert (!wb_shell_sql_query_word ("selected"));
}

Test (suggest, distance_and_closest)
{
	cr_assert_eq (wb_shell_distance ("kitten", "sitting"), 3);
	cr_assert_eq (wb_shell_distance ("", "abc"), 3);
	cr_assert_eq (wb_shell_distance ("sumary", "summary"), 1);
	const char *names[] = { "damages", "import", "ingest", "summary", "sql", NULL };
	cr_assert_str_eq (wb_shell_closest ("sumary", names), "summary");
	cr_assert_str_eq (wb_shell_closest ("damges", names), "damages");
	cr_assert_str_eq (wb_shell_closest ("imp", names), "import");  /* unique prefix */
	cr_assert_str_eq (wb_shell_closest ("sq", names), "sql");
	cr_assert_null (wb_shell_closest ("frobnicate", names));
	cr_assert_null (wb_shell_closest ("ls", names));    /* 2 edits of 2 letters */
	cr_assert_null (wb_shell_closest ("", names));
}

Test (options, damages_includes_the_group)
{
	/* damages' options: the damages group, then its own, then --help. */
	GPtrArray *o = wb_options_flatten (wb_command_find ("damages")->options);
	const char *want[] = { "statute", "plaintiff", "due-care", "incident", "ar-day-rule",
			       "incident-scope", "preemption", "include-indicators", "aggravated",
			       "filed", "statutes", "by", "defendant", "trap", "scenarios",
			       "format" };
	cr_assert_eq (o->len, G_N_ELEMENTS (want));
	for (guint i = 0; i < o->len; i++)
		cr_assert_str_eq (((const wb_option_t *) o->pdata[i])->name, want[i]);
	g_ptr_array_unref (o);
	/* report and why take the same group: the same entries, not copies. */
	const wb_option_t *d = wb_options_find (wb_command_find ("damages")->options, "--aggravated");
	cr_assert_eq (wb_options_find (wb_command_find ("report")->options, "--aggravated"), d);
	cr_assert_eq (wb_options_find (wb_command_find ("why")->options, "aggravated"), d);
	cr_assert_not_null (wb_options_find (wb_command_find ("report")->options, "-o"));
	cr_assert_null (wb_options_find (wb_command_find ("why")->options, "--by"));
}

Test (options, values)
{
	const wb_option_t *p = wb_options_find (wb_command_find ("damages")->options, "--plaintiff");
	cr_assert_eq (p->kind, WB_OPT_ENUM);
	cr_assert_str_eq (p->values[0], "recipient");
	cr_assert_str_eq (p->values[1], "provider");
	cr_assert_null (p->values[2]);
	/* Every value of the damages group's enums is one the engine reads. */
	wb_damages_opts_t o;
	wb_damages_opts_init (&o);
	GPtrArray *ids = g_ptr_array_new ();
	GPtrArray *all = wb_options_flatten (wb_options_damages);
	for (guint i = 0; i < all->len; i++) {
		const wb_option_t *e = all->pdata[i];
		for (int k = 0; e->kind == WB_OPT_ENUM && e->values[k]; k++)
			cr_assert_eq (wb_damages_option ("damages", e->key, e->values[k], &o, ids), 1);
	}
	g_ptr_array_unref (all);
	g_ptr_array_unref (ids);
	cr_assert_eq (o.preemption, WB_PREEMPT_IGNORE);   /* the last value given */
	cr_assert_eq (o.incident, WB_INCIDENT_MESSAGE);
}

/* OUT's text after F wrote it. */
static char *
captured (void (*f) (const wb_command_t *, FILE *), const wb_command_t *c)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream (&buf, &n);
	f (c, m);
	fclose (m);
	return buf;
}

/* S with every run of blanks and newlines as one space (a new string). */
static char *
squeeze (const char *s)
{
	GString *g = g_string_new (NULL);
	for (; *s; s++)
		if (!g_ascii_isspace (*s))
			g_string_append_c (g, *s);
		else if (g->len && g->str[g->len - 1] != ' ')
			g_string_append_c (g, ' ');
	return g_string_free (g, FALSE);
}

static char *complete (wb_case_t *cs, const char *line, int *start);

static void
man_of (const wb_command_t *c, FILE *out)
{
	wb_options_man (out);
}

Test (options, every_option_parses_and_is_documented)
{
	/* For every command and every option in its table: it parses by its
	 * whole name (with a value its kind takes), and shows in the usage
	 * line, in help with its text, in Tab completion (with its values),
	 * and in the man page. */
	char *man = captured (man_of, NULL);
	int checked = 0;
	for (const wb_command_t *c = wb_commands; c->name; c++) {
		char *usage = wb_options_usage (c, 79);
		char *raw_help = captured (wb_options_help, c);
		char *help = squeeze (raw_help);
		free (raw_help);
		char *sect = g_strdup_printf (".SS %s\n", c->name);
		cr_assert (strstr (man, sect), "the man page has no section for %s", c->name);
		GPtrArray *all = wb_options_flatten (c->options);
		for (guint i = 0; i < all->len; i++) {
			const wb_option_t *o = all->pdata[i];
			char *dashed = g_strconcat ("--", o->name, NULL);
			cr_assert (o->help && *o->help, "%s %s has no help", c->name, dashed);
			cr_assert (strstr (usage, dashed), "%s: usage lacks %s", c->name, dashed);
			cr_assert (strstr (help, dashed), "%s: help lacks %s", c->name, dashed);
			char *text = squeeze (o->help);
			cr_assert (strstr (help, text), "%s: help lacks the text of %s", c->name, dashed);
			g_free (text);
			for (guint k = 0; k < i; k++) {
				const wb_option_t *p = all->pdata[k];
				cr_assert_neq (p->key, o->key, "%s: %s and --%s share a key", c->name,
					       dashed, p->name);
				cr_assert_str_neq (p->name, o->name, "%s: %s twice", c->name, dashed);
			}
			char *roff = g_strconcat (".B \\-\\-", o->name, NULL);
			char *roff_short = g_strdup_printf (".B \\-%c, \\-\\-%s", o->short_name, o->name);
			cr_assert (strstr (man, roff) || strstr (man, roff_short),
				   "the man page lacks %s of %s", dashed, c->name);
			g_free (roff);
			g_free (roff_short);

			const char *value = o->kind == WB_OPT_ENUM ? o->values[0]
					    : o->kind == WB_OPT_INT ? "3"
					    : o->kind == WB_OPT_STRING ? "2008-09-01" : NULL;
			char *argv[] = { (char *) c->name, dashed, (char *) value, NULL };
			optind = 0;
			int got = wb_options_next (value ? 3 : 2, argv, c->options);
			cr_assert_eq (got, o->key, "%s %s: parsed as %d", c->name, dashed, got);
			if (value)
				cr_assert_str_eq (optarg, value);
			cr_assert_eq (wb_options_next (value ? 3 : 2, argv, c->options), -1);

			char *line = g_strdup_printf ("%s %s", c->name, dashed);
			char *got_c = complete (NULL, line, NULL);
			char **cands = g_strsplit (got_c, ",", -1);
			cr_assert (g_strv_contains ((const char *const *) cands, dashed),
				   "completing [%s] gave [%s]", line, got_c);
			g_strfreev (cands);
			g_free (got_c);
			g_free (line);
			if (o->kind == WB_OPT_ENUM) {
				line = g_strdup_printf ("%s %s ", c->name, dashed);
				got_c = complete (NULL, line, NULL);
				cands = g_strsplit (got_c, ",", -1);
				for (int k = 0; o->values[k]; k++)
					cr_assert (g_strv_contains ((const char *const *) cands, o->values[k]),
						   "completing [%s] gave [%s]", line, got_c);
				g_strfreev (cands);
				g_free (got_c);
				g_free (line);
			}
			g_free (dashed);
			checked++;
		}
		g_ptr_array_unref (all);
		g_free (sect);
		g_free (help);
		g_free (usage);
	}
	cr_assert_gt (checked, 60);
	free (man);
}

Test (options, whole_names_only)
{
	/* getopt_long alone would take --statute for --statutes ('statutes'
	 * has only the latter) and --form for --format. */
	char *a1[] = { "statutes", "--statute", "X", NULL };
	optind = 0;
	cr_assert_eq (wb_options_next (3, a1, wb_command_find ("statutes")->options), '?');
	char *a2[] = { "summary", "--form", "json", NULL };
	optind = 0;
	cr_assert_eq (wb_options_next (3, a2, wb_command_find ("summary")->options), '?');
	/* A closed enum's value is checked: 'shared or each' is named. */
	char *a3[] = { "damages", "--incident-scope", "some", NULL };
	optind = 0;
	cr_assert_eq (wb_options_next (3, a3, wb_command_find ("damages")->options), '?');
	/* Options after operands, GNU style. */
	char *a4[] = { "why", "12", "--statute", "ca-17529.5", NULL };
	optind = 0;
	cr_assert_eq (wb_options_next (4, a4, wb_command_find ("why")->options), WB_DOPT_STATUTE);
	cr_assert_str_eq (optarg, "ca-17529.5");
	cr_assert_eq (wb_options_next (4, a4, wb_command_find ("why")->options), -1);
	cr_assert_str_eq (a4[optind], "12");
	wb_option_error_said = FALSE;
}

Test (options, case_index)
{
	/* CASE is the first operand; an option's value is not. */
	const wb_command_t *r = wb_command_find ("report");
	char *a1[] = { "report", "-o", "out", "c.case", NULL };
	cr_assert_eq (wb_command_case_index (r, 4, a1), 3);
	char *a2[] = { "report", "--due-care", "c.case", "--out", "x", NULL };
	cr_assert_eq (wb_command_case_index (r, 5, a2), 2);
	char *a3[] = { "report", "--out=x", "--statute", "ca-17529.5", "c.case", NULL };
	cr_assert_eq (wb_command_case_index (r, 5, a3), 4);
	const wb_command_t *l = wb_command_find ("log");
	char *a4[] = { "log", "-v", "c.case", NULL };
	cr_assert_eq (wb_command_case_index (l, 3, a4), 2);
}

Test (options, usage_line)
{
	/* Generated from the table: required options without brackets,
	 * repeatable ones with '...', continuation lines after "usage: ". */
	char *u = wb_options_usage (wb_command_find ("report"), 79);
	cr_assert (g_str_has_prefix (u, "workbench report CASE --out DIR [--statute ID]..."), "%s", u);
	char **lines = g_strsplit (u, "\n", -1);
	cr_assert_gt (g_strv_length (lines), 2);
	for (int i = 0; lines[i]; i++) {
		cr_assert_leq (strlen (lines[i]) + (i == 0 ? 7 : 0), 79, "long line [%s]", lines[i]);
		if (i > 0)
			cr_assert (g_str_has_prefix (lines[i], "       ["), "[%s]", lines[i]);
	}
	g_strfreev (lines);
	g_free (u);
	u = wb_options_usage (wb_command_find ("sql"), 79);
	cr_assert_str_eq (u, "workbench sql CASE \"SELECT ...\" [--format text|csv|json|line]");
	g_free (u);
}

Test (complete, prefix)
{
	GPtrArray *a = g_ptr_array_new ();
	g_ptr_array_add (a, "--statute");
	g_ptr_array_add (a, "--statutes");
	char *p = wb_shell_common_prefix (a);
	cr_assert_str_eq (p, "--statute");
	g_free (p);
	g_ptr_array_add (a, "--stat\xc3\xa9");   /* é: 0xC3 0xA9 */
	g_ptr_array_add (a, "--stat\xc3\xa8");   /* è: 0xC3 0xA8, shares a byte */
	p = wb_shell_common_prefix (a);
	cr_assert_str_eq (p, "--stat");
	g_free (p);
	g_ptr_array_unref (a);
}

static char *
joined (GPtrArray *c)
{
	g_ptr_array_add (c, NULL);
	char *s = g_strjoinv (",", (char **) c->pdata);
	g_ptr_array_unref (c);
	return s;
}

static char *
complete (wb_case_t *cs, const char *line, int *start)
{
	int ws = -1;
	char *s = joined (wb_shell_complete (cs, line, &ws));
	if (start)
		*start = ws;
	return s;
}

static void
assert_completes (wb_case_t *cs, const char *line, const char *want, int want_start)
{
	int ws = -1;
	char *got = complete (cs, line, &ws);
	cr_assert_str_eq (got, want, "completing [%s]: got [%s], want [%s]", line, got, want);
	cr_assert_eq (ws, want_start, "completing [%s]: word at %d, want %d", line, ws, want_start);
	g_free (got);
}

Test (complete, without_a_case)
{
	/* The commands the README lists, less 'shell' (the session is open
	 * already) and 'init' (it makes another case), plus 'help'. */
	assert_completes (NULL, "", "artifacts,case,clusters,damages,explain,finding,help,import,ingest,"
			  "jurisdiction,link,links,log,messages,parties,reanalyze,report,review,show,sql,statutes,"
			  "summary,upgrade,verify,why", 0);
	assert_completes (NULL, "s", "show,sql,statutes,summary", 0);   /* not 'shell' */
	assert_completes (NULL, "su", "summary", 0);
	assert_completes (NULL, ".m", ".mode", 0);
	assert_completes (NULL, ".mode ", "csv,json,line,table", 6);
	assert_completes (NULL, ".help i", "import,ingest", 6);   /* not 'init' */
	assert_completes (NULL, ".bail o", "off,on", 6);
	assert_completes (NULL, "damages --stat", "--statute,--statutes", 8);
	assert_completes (NULL, "damages --statute co-6-2.5 --fo", "--format", 27);
	assert_completes (NULL, "damages --statute co-6-2.5 --f", "--filed,--format", 27);
	assert_completes (NULL, "summary --format j", "json", 17);
	assert_completes (NULL, "damages --plaintiff ", "provider,recipient", 20);
	assert_completes (NULL, "import ", "findings,parties,traps", 7);
	assert_completes (NULL, "frob", "", 0);
	/* Provisions of the statute named before: ids for an empty word
	 * (ca-17529.5 has a1, a2 and a3), labels too once begun. */
	assert_completes (NULL, "finding 1 ca-17529.5 ", "*,a1,a2,a3,commercial,nexus", 21);
	assert_completes (NULL, "finding 1 co-6-2.5 6-2.5-103(", "6-2.5-103(1),6-2.5-103(2),6-2.5-103(3),6-2.5-103(4),6-2.5-103(5)", 19);
	assert_completes (NULL, "finding 1 '*' c", "commercial", 14);
	assert_completes (NULL, "statutes co", "co-6-2.5", 9);
}

Test (complete, files)
{
	char *dir = g_dir_make_tmp ("wbshell-XXXXXX", NULL);
	char *a = g_build_filename (dir, "box one.zip", NULL);
	char *b = g_build_filename (dir, "box2.mbox", NULL);
	char *sub = g_build_filename (dir, "boxes", NULL);
	g_file_set_contents (a, "", 0, NULL);
	g_file_set_contents (b, "", 0, NULL);
	g_mkdir (sub, 0700);
	char *line = g_strdup_printf ("ingest %s/bo", dir);
	char *want = g_strdup_printf ("%s/box one.zip,%s/box2.mbox,%s/boxes/", dir, dir, dir);
	assert_completes (NULL, line, want, 7);
	g_free (line);
	g_free (want);
	/* A quoted word still being typed. */
	line = g_strdup_printf (".read '%s/box o", dir);
	want = g_strdup_printf ("%s/box one.zip", dir);
	assert_completes (NULL, line, want, 6);
	g_remove (a);
	g_remove (b);
	g_rmdir (sub);
	g_rmdir (dir);
	g_free (line);
	g_free (want);
	g_free (a);
	g_free (b);
	g_free (sub);
	g_free (dir);
}

Test (complete, from_the_case)
{
	char *dir, *path;
	wb_case_t *cs = tmp_case_new ("wbshell-XXXXXX", "T", &dir, &path);
	sqlite3 *db = wb_case_db (cs);
	/* Fixture rows written straight into the test's own case. */
	cr_assert_eq (sqlite3_exec (db,
		"INSERT INTO traps (address) VALUES ('alice@trap.example'), ('bob@trap.example'),"
		" ('albert@other.example');"
		"INSERT INTO raw (sha256, size, bytes) VALUES ('ab12', 1, 'x');"
		"INSERT INTO messages (sha256, raw_id, status, message_id) VALUES"
		" ('ab12', 1, 'ok', 'm1@spam.example'), ('ab12cd', 1, 'ok', 'm2@spam.example');",
		NULL, NULL, NULL), SQLITE_OK);
	assert_completes (cs, "messages --trap al", "albert@other.example,alice@trap.example", 16);
	assert_completes (cs, "show m2", "m2@spam.example", 5);
	assert_completes (cs, "show ab12", "ab12,ab12cd", 5);   /* SHA-256 prefixes */
	/* Copy ids, as messages prints them: the rows above are copies 1 and 2. */
	assert_completes (cs, "why 2", "2", 4);
	assert_completes (cs, "finding 1", "1", 8);
	/* --raw is a flag, so the word after it is still the message. */
	assert_completes (cs, "show --raw m1", "m1@spam.example", 11);
	/* --trap takes a value: 'al' is the value, then the next word. */
	assert_completes (cs, "messages --limit 5 --trap al", "albert@other.example,alice@trap.example", 26);
	/* jurisdiction: the forums are the long-arm files' and the roster's
	 * states (none here). */
	assert_completes (cs, "jurisdiction --forum C", "CT", 21);
	assert_completes (cs, "SELECT * FROM v_co", "v_copies", 14);
	assert_completes (cs, ".schema tr", "traps", 8);
	assert_completes (cs, ".schema v_cu", "v_custody", 8);
	/* No parties table yet: nothing, and no error. */
	assert_completes (cs, "explain Ac", "", 8);
	/* Statute ids: the embedded templates plus a statutes table. */
	int has = 0;
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE name = 'statutes'", -1, &st, NULL);
	if (sqlite3_step (st) == SQLITE_ROW)
		has = sqlite3_column_int (st, 0);
	sqlite3_finalize (st);
	if (!has) {
		cr_assert_eq (sqlite3_exec (db, "CREATE TABLE statutes (id TEXT PRIMARY KEY);"
					    "INSERT INTO statutes VALUES ('zz-test-1'), ('zz-test-2')",
					    NULL, NULL, NULL), SQLITE_OK);
		assert_completes (cs, "damages --statute zz-t", "zz-test-1,zz-test-2", 18);
	}
	tmp_case_free (cs, dir, path);
}

/* Run the tee for command CMD around CHUNKS written to descriptor 2, itself pointed at
 * a file; returns what reached the file, and the held text in *HELD. */
static char *
through_tee (const char *cmd, const char *const *chunks, char **held, gboolean *passed)
{
	char *path = NULL;
	int fd = g_file_open_tmp ("wbtee-XXXXXX", &path, NULL);
	cr_assert (fd >= 0);
	fflush (stderr);
	int saved = dup (2);
	dup2 (fd, 2);
	wb_shell_tee_t *t = wb_shell_tee_start (cmd);
	cr_assert_not_null (t);
	for (int i = 0; chunks[i]; i++) {
		cr_assert_eq (write (2, chunks[i], strlen (chunks[i])), (ssize_t) strlen (chunks[i]));
		g_usleep (2000);     /* separate reads, as a slow command gives */
	}
	*held = wb_shell_tee_stop (t, passed);
	dup2 (saved, 2);
	close (saved);
	close (fd);
	char *got = NULL;
	g_file_get_contents (path, &got, NULL, NULL);
	g_remove (path);
	g_free (path);
	return got;
}

Test (tee, progress_passes_error_is_held)
{
	/* A progress bar (no newline; redrawn after \r and an erase), a note,
	 * then an error with its hint: the error and what follows are held. */
	const char *chunks[] = {
		"\r\033[Kingest [##..] 1", "\r\033[Kingest [####] 2", "\r\033[K",
		"note: box.zip!x.jpg: not mail\n", "err", "or: unknown statute 'XX'\n",
		"hint: run 'workbench statutes'\n", NULL
	};
	char *held = NULL;
	gboolean passed = FALSE;
	char *got = through_tee ("damages", chunks, &held, &passed);
	cr_assert_str_eq (got, "\r\033[Kingest [##..] 1\r\033[Kingest [####] 2\r\033[K"
			       "note: box.zip!x.jpg: not mail\n");
	cr_assert_str_eq (held, "error: unknown statute 'XX'\nhint: run 'workbench statutes'\n");
	cr_assert (passed);
	int pos;
	const char *msg;
	wb_shell_words_t *w = wb_shell_split ("damages --statute XX", FALSE, &pos, &msg);
	cr_assert_eq (wb_shell_named_word (held, w), 2);
	cr_assert_eq (w->start[2], 18);
	wb_shell_words_free (w);
	g_free (got);
	g_free (held);
}

Test (tee, getopt_message_is_held)
{
	/* getopt prefixes its message with argv[0], the command's name; a line
	 * that only starts like a trigger ("err" + "and") passes through. */
	const char *chunks[] = { "errand\n", "sql: unrecognized option '--bogus'\n",
				 "error: bad option\n", NULL };
	char *held = NULL;
	gboolean passed = FALSE;
	char *got = through_tee ("sql", chunks, &held, &passed);
	cr_assert_str_eq (got, "errand\n");
	cr_assert_str_eq (held, "sql: unrecognized option '--bogus'\nerror: bad option\n");
	int pos;
	const char *msg;
	wb_shell_words_t *w = wb_shell_split ("sql 'SELECT 1' --bogus", FALSE, &pos, &msg);
	cr_assert_eq (wb_shell_named_word (held, w), 2);
	/* The command name itself is never the bad word. */
	cr_assert_eq (wb_shell_named_word ("error: 'sql' failed", w), -1);
	wb_shell_words_free (w);
	g_free (got);
	g_free (held);
	/* Nothing written: nothing held, nothing passed. */
	const char *none[] = { NULL };
	got = through_tee ("sql", none, &held, &passed);
	cr_assert_str_eq (got, "");
	cr_assert_str_eq (held, "");
	cr_assert (!passed);
	g_free (got);
	g_free (held);
}
