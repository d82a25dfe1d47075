/* workbench: the command table and main().  main() opens the case a command
 * needs, so commands never do, and --help works without a case. */
#include <malloc.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <gmime/gmime.h>

#include "wb.h"

const wb_command_t wb_commands[] = {
	{ "init", wb_cmd_init, WB_CASE_PATH, "Create a new case file",
	  "[--name TEXT] [--filed YYYY-MM-DD]" },
	{ "ingest", wb_cmd_ingest, WB_CASE_WRITE, "Ingest mailbox archives into the case",
	  "[--max-message-size BYTES] [--max-depth N] [--max-ratio N]\n"
	  "       [--max-total BYTES] [--threads N] [--no-analysis] PATH..." },
	{ "import", wb_cmd_import, WB_CASE_WRITE, "Import traps, parties or findings from CSV",
	  "traps|parties|findings FILE.csv" },
	{ "summary", wb_cmd_summary, WB_CASE_READ, "Counts of what the case holds",
	  "[--format text|csv|json]" },
	{ "messages", wb_cmd_messages, WB_CASE_READ, "List message copies",
	  "[--trap ADDR] [--from TEXT] [--subject TEXT] [--since DAY] [--until DAY]\n"
	  "       [--category C] [--has KIND] [--campaign N] [--status S] [--limit N]\n"
	  "       [--format text|csv|json]" },
	{ "show", wb_cmd_show, WB_CASE_READ, "Show one message as an analyst reads it",
	  "ID|SHA256|MESSAGE-ID [--raw] [--format text|json]" },
	{ "artifacts", wb_cmd_artifacts, WB_CASE_READ, "Extracted contact data with counts",
	  "[--kind K] [--format text|csv|json]" },
	{ "reanalyze", wb_cmd_reanalyze, WB_CASE_WRITE, "Re-run message analysis over the case", "" },
	{ "statutes", wb_cmd_statutes, WB_CASE_READ, "The statute files in force",
	  "[--statutes DIR] [--format text|csv|json]" },
	{ "finding", wb_cmd_finding, WB_CASE_WRITE, "Record an analyst finding",
	  "MESSAGE STATUTE PROVISION violation|no-violation [--note TEXT] [--trap ADDR]" },
	{ "damages", wb_cmd_damages, WB_CASE_READ, "Compute statutory damages",
	  "[--statute ID]... [--plaintiff recipient|provider] [--due-care]\n"
	  "       [--incident campaign-day|campaign|message] [--ar-day-rule per-day|aggregate]\n"
	  "       [--incident-scope shared|each] [--preemption apply|ignore] [--include-indicators]\n"
	  "       [--by statute|plaintiff|day|incident|trap|provision]\n"
	  "       [--aggravated] [--scenarios] [--statutes DIR] [--format text|csv|json]" },
	{ "link", wb_cmd_link, WB_CASE_WRITE, "Build attribution links", "" },
	{ "parties", wb_cmd_parties, WB_CASE_READ, "List parties", "[--role R] [--format text|csv|json]" },
	{ "links", wb_cmd_links, WB_CASE_READ, "List attribution links",
	  "[--party NAME] [--min weak|moderate|strong] [--format text|csv|json]" },
	{ "clusters", wb_cmd_clusters, WB_CASE_READ, "Groups of linked parties",
	  "[--format text|csv|json]" },
	{ "explain", wb_cmd_explain, WB_CASE_READ, "Why two parties are (not) linked",
	  "PARTY PARTY [--format text|json]" },
	{ "review", wb_cmd_review, WB_CASE_WRITE, "Confirm or reject a link",
	  "PARTY PARTY confirm|reject [--note TEXT]" },
	{ "report", wb_cmd_report, WB_CASE_WRITE, "Write xlsx exhibits, charts and the PDF report",
	  "--out DIR [damages options: --statute --plaintiff --due-care --incident\n"
	  "       --incident-scope --preemption --ar-day-rule --include-indicators --aggravated\n"
	  "       --statutes]" },
	{ "verify", wb_cmd_verify, WB_CASE_READ, "Re-hash every stored message and exhibit",
	  "[--exhibits DIR]..." },
	{ "sql", wb_cmd_sql, WB_CASE_READ, "Run a read-only SQL query",
	  "\"SELECT ...\" [--format text|csv|json|line]" },
	{ "shell", wb_cmd_shell, WB_CASE_READ, "Interactive session on the case",
	  "[--bail] [--write]" },
	{ NULL }
};

const wb_command_t *
wb_command_find (const char *name)
{
	for (const wb_command_t *c = wb_commands; c->name; c++)
		if (strcmp (c->name, name) == 0)
			return c;
	return NULL;
}

void
wb_command_usage (const wb_command_t *cmd, FILE *out)
{
	fprintf (out, "usage: workbench %s%s%s%s\n\n%s\n", cmd->name,
		 cmd->flags != WB_CASE_NONE ? " CASE" : "", cmd->usage && *cmd->usage ? " " : "",
		 cmd->usage ? cmd->usage : "", cmd->summary);
}

static void
vmsg (const char *prefix, const char *fmt, va_list ap)
{
	fflush (stdout);
	fputs (prefix, stderr);
	vfprintf (stderr, fmt, ap);
	fputc ('\n', stderr);
}

#define DEFINE_MSG(fn, prefix)                  \
	void fn (const char *fmt, ...)          \
	{                                       \
		va_list ap;                     \
		va_start (ap, fmt);             \
		vmsg (prefix, fmt, ap);         \
		va_end (ap);                    \
	}
DEFINE_MSG (wb_error, "error: ")
DEFINE_MSG (wb_warning, "warning: ")
DEFINE_MSG (wb_hint, "hint: ")
DEFINE_MSG (wb_note, "note: ")

int
wb_fail_case (wb_ctx_t *ctx, wb_status_t st)
{
	const char *msg = ctx->cs ? wb_case_errmsg (ctx->cs) : "";
	wb_error ("%s", *msg ? msg : wb_status_str (st));
	return st == WB_ERR_USAGE ? WB_EXIT_USAGE : WB_EXIT_FAIL;
}

int
wb_usage_error (const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	vmsg ("error: ", fmt, ap);
	va_end (ap);
	const wb_command_t *c = cmd ? wb_command_find (cmd) : NULL;
	if (c)
		fprintf (stderr, "usage: workbench %s%s %s\n", c->name,
			 c->flags != WB_CASE_NONE ? " CASE" : "", c->usage ? c->usage : "");
	return WB_EXIT_USAGE;
}

gboolean
wb_parse_mode (const char *arg, wb_mode_t *mode)
{
	static const struct { const char *name; wb_mode_t mode; } modes[] = {
		{ "text", WB_MODE_TEXT }, { "table", WB_MODE_TEXT }, { "csv", WB_MODE_CSV },
		{ "json", WB_MODE_JSON }, { "line", WB_MODE_LINE },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
		if (strcmp (arg, modes[i].name) == 0) {
			*mode = modes[i].mode;
			return TRUE;
		}
	wb_error ("unknown format '%s' (text, csv, json or line)", arg);
	return FALSE;
}

gboolean
wb_ctx_mode (wb_ctx_t *ctx, const char *format_arg, wb_mode_t fallback, wb_mode_t *mode)
{
	*mode = ctx->mode_set ? ctx->mode : fallback;
	return !format_arg || wb_parse_mode (format_arg, mode);
}

int
wb_getopt_format (wb_ctx_t *ctx, int argc, char **argv, wb_mode_t fallback, wb_mode_t *mode)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ NULL }
	};
	const char *format = NULL;
	int c;
	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		if (c == 'F')
			format = optarg;
		else
			return wb_usage_error (argv[0], "bad option");
	}
	return wb_ctx_mode (ctx, format, fallback, mode) ? -1 : WB_EXIT_USAGE;
}

int
wb_finish_output (wb_ctx_t *ctx, int rc)
{
	if (fflush (ctx->out) != 0 || ferror (ctx->out)) {
		/* A reader that stopped early (| head) is not an error worth a
		 * message; the exit status still says the output is short. */
		if (errno == EPIPE) {
			clearerr (ctx->out);
			return WB_EXIT_FAIL;
		}
		wb_error ("cannot write output: %s", g_strerror (errno));
		clearerr (ctx->out);
		return WB_EXIT_FAIL;
	}
	return rc;
}

/* ---- progress bar ---- */

struct wb_progress {
	char *label;
	uint64_t total, done, items;
	gint64 start, last;
	gboolean drawn;
	char *phase;             /* wb_progress_phase: what runs now */
};

wb_progress_t *
wb_progress_new (wb_ctx_t *ctx, const char *label, uint64_t total_bytes)
{
	if (!ctx->progress)
		return NULL;
	wb_progress_t *p = g_new0 (wb_progress_t, 1);
	p->label = g_strdup (label);
	p->total = total_bytes;
	p->start = g_get_monotonic_time ();
	return p;
}

static void
progress_draw (wb_progress_t *p, gint64 now)
{
	double secs = (now - p->start) / 1e6;
	if (p->phase) {
		fprintf (stderr, "\r\033[K%s: %s", p->label, p->phase);
		fflush (stderr);
		p->drawn = TRUE;
		return;
	}
	double rate = secs > 0 ? p->items / secs : 0;
	double mb = p->done / 1e6;
	char eta[32] = "";
	if (p->total && p->done && p->done < p->total && secs > 0.5) {
		double left = secs * (p->total - p->done) / p->done;
		snprintf (eta, sizeof eta, "  %d:%02d left", (int) left / 60, (int) left % 60);
	} else if (p->total && p->done >= p->total) {
		/* Everything is read: the last copies are being stored and the
		 * case file written (and its indexes built). */
		snprintf (eta, sizeof eta, "  finishing");
	}
	char bar[24] = "";
	if (p->total) {
		int filled = (int) (20.0 * MIN (p->done, p->total) / p->total);
		for (int i = 0; i < 20; i++)
			bar[i] = i < filled ? '#' : '.';
		bar[20] = 0;
	}
	fprintf (stderr, "\r\033[K%s %s%s%s %llu  %.1f MB  %.0f/s%s", p->label, p->total ? "[" : "",
		 bar, p->total ? "]" : "", (unsigned long long) p->items, mb, rate, eta);
	fflush (stderr);
	p->drawn = TRUE;
}

void
wb_progress_update (wb_progress_t *p, uint64_t done_bytes, uint64_t items)
{
	if (!p)
		return;
	p->done = done_bytes;
	p->items = items;
	gint64 now = g_get_monotonic_time ();
	if (now - p->last < 100000)
		return;
	p->last = now;
	progress_draw (p, now);
}

void
wb_progress_phase (wb_progress_t *p, const char *what)
{
	if (!p)
		return;
	g_free (p->phase);
	p->phase = g_strdup (what);
	p->last = g_get_monotonic_time ();
	progress_draw (p, p->last);
}

void
wb_progress_free (wb_progress_t *p)
{
	if (!p)
		return;
	if (p->drawn)
		fputs ("\r\033[K", stderr);
	g_free (p->phase);
	g_free (p->label);
	g_free (p);
}

/* ---- running commands ---- */

static gboolean
wants_help (int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp (argv[i], "--") == 0)
			break;
		if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
			return TRUE;
	}
	return FALSE;
}

int
wb_command_run (wb_ctx_t *ctx, const wb_command_t *cmd, int argc, char **argv)
{
	if (wants_help (argc, argv)) {
		wb_command_usage (cmd, ctx->out);
		return WB_EXIT_OK;
	}
	if (cmd->flags == WB_CASE_WRITE && ctx->cs) {
		if (!wb_case_writable (ctx->cs)) {
			wb_error ("'%s' changes the case, which is open read-only", cmd->name);
			return WB_EXIT_FAIL;
		}
		wb_status_t st = wb_case_lock (ctx->cs);
		if (st)
			return wb_fail_case (ctx, st);
	}
	if (ctx->cs)
		wb_case_set_command (ctx->cs, cmd->name);
	optind = 0;      /* getopt_long starts afresh for every command */
	opterr = 1;
	wb_interrupted = 0;
	int rc = cmd->fn (ctx, argc, argv);
	if (cmd->flags == WB_CASE_WRITE && ctx->cs && ctx->interactive)
		wb_case_unlock (ctx->cs);
	return wb_finish_output (ctx, rc);
}

gboolean
wb_require_analysis (wb_ctx_t *ctx, const char *command)
{
	char *v = wb_case_info (ctx->cs, "analysis_pending");
	gboolean pending = v && strcmp (v, "1") == 0;
	g_free (v);
	if (!pending)
		return TRUE;
	wb_error ("%s: the case holds copies not analysed yet, or analysed for another trap "
		  "(ingest --no-analysis, or traps imported after ingest)", command);
	wb_hint ("run 'workbench reanalyze %s' first", ctx->case_path ? ctx->case_path : "CASE");
	return FALSE;
}

static void
on_sigint (int sig)
{
	(void) sig;
	if (wb_interrupted) {
		/* A second Ctrl-C while a command is stopping: leave now.  The
		 * case stays consistent: SQLite rolls back what is unfinished. */
		signal (SIGINT, SIG_DFL);
		raise (SIGINT);
	}
	wb_interrupted = 1;
}

static void
usage (FILE *out)
{
	fprintf (out, "usage: workbench COMMAND CASE [ARGS]\n"
		      "       workbench CASE              (interactive shell)\n"
		      "       workbench help [COMMAND]\n\n"
		      "Commands:\n");
	for (const wb_command_t *c = wb_commands; c->name; c++)
		fprintf (out, "  %-10s %s\n", c->name, c->summary);
	fprintf (out, "\nRun 'workbench help COMMAND' for a command's options.\n");
}

static int
cmd_help (wb_ctx_t *ctx, int argc, char **argv)
{
	if (argc < 2) {
		usage (ctx->out);
		return WB_EXIT_OK;
	}
	const wb_command_t *c = wb_command_find (argv[1]);
	if (!c) {
		wb_error ("unknown command '%s'", argv[1]);
		return WB_EXIT_USAGE;
	}
	wb_command_usage (c, ctx->out);
	return WB_EXIT_OK;
}

int
main (int argc, char **argv)
{
	wb_ctx_t ctx = { 0 };
	int rc;

	setlocale (LC_ALL, "");
	/* Ingest allocates and frees a 4 MiB batch and thousands of small
	 * objects per second across threads: with glibc's defaults the heap is
	 * trimmed and grown again, and big blocks are mmapped and unmapped, each
	 * time paying page faults.  Keep what was freed, up to a bound. */
	mallopt (M_MMAP_THRESHOLD, 32 << 20);
	mallopt (M_TRIM_THRESHOLD, 128 << 20);
	g_mime_init ();
	ctx.out = stdout;
	ctx.progress = isatty (STDERR_FILENO) && !g_getenv ("WB_NO_PROGRESS");
	struct winsize ws;
	if (isatty (STDOUT_FILENO) && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		ctx.term_width = ws.ws_col;
	struct sigaction sa = { .sa_handler = on_sigint };
	sigaction (SIGINT, &sa, NULL);
	signal (SIGPIPE, SIG_IGN);

	if (argc < 2) {
		usage (stderr);
		return WB_EXIT_USAGE;
	}
	if (strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "version") == 0) {
		printf ("workbench %s\n", WB_VERSION);
		return wb_finish_output (&ctx, 0);
	}
	if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
	    strcmp (argv[1], "help") == 0)
		return wb_finish_output (&ctx, cmd_help (&ctx, argc - 1, argv + 1));

	const wb_command_t *cmd = wb_command_find (argv[1]);
	int first_arg = 3;          /* argv index after COMMAND CASE */
	if (!cmd) {
		/* 'workbench CASE' opens the shell on an existing case. */
		if (argc == 2 && g_file_test (argv[1], G_FILE_TEST_IS_REGULAR)) {
			cmd = wb_command_find ("shell");
			ctx.case_path = argv[1];
			first_arg = 2;
		} else {
			wb_error ("unknown command '%s'", argv[1]);
			wb_hint ("run 'workbench help' for the list of commands");
			return WB_EXIT_USAGE;
		}
	}
	if (wants_help (argc - 1, argv + 1)) {
		wb_command_usage (cmd, stdout);
		return wb_finish_output (&ctx, 0);
	}
	if (cmd->flags != WB_CASE_NONE && !ctx.case_path) {
		if (argc < 3 || argv[2][0] == '-') {
			return wb_usage_error (cmd->name, "'%s' needs a case file", cmd->name);
		}
		ctx.case_path = argv[2];
	}

	GString *line = g_string_new ("workbench");
	for (int i = 1; i < argc; i++) {
		char *q = g_shell_quote (argv[i]);
		g_string_append_printf (line, " %s", strpbrk (argv[i], " '\"\\$`!*?;&|<>()") ? q : argv[i]);
		g_free (q);
	}
	ctx.command_line = g_string_free (line, FALSE);

	if (cmd->flags == WB_CASE_READ || cmd->flags == WB_CASE_WRITE) {
		char *err = NULL;
		wb_open_mode_t mode = cmd->flags == WB_CASE_WRITE ? WB_OPEN_WRITE : WB_OPEN_READ;
		/* The shell runs writing commands too: open it for writing when
		 * the file allows, read-only otherwise. */
		if (cmd->fn == wb_cmd_shell && access (ctx.case_path, W_OK) == 0)
			mode = WB_OPEN_WRITE;
		wb_status_t st = wb_case_open (ctx.case_path, mode, &ctx.cs, &err);
		if (st == WB_ERR_READONLY && cmd->fn == wb_cmd_shell) {
			/* A frozen case (no write bits, even for root) opens
			 * read-only in the shell; writing commands say why. */
			g_free (err);
			err = NULL;
			st = wb_case_open (ctx.case_path, WB_OPEN_READ, &ctx.cs, &err);
		}
		if (st) {
			wb_error ("%s", err);
			if (st == WB_ERR_NOT_FOUND)
				wb_hint ("create it with 'workbench init %s'", ctx.case_path);
			g_free (err);
			g_free (ctx.command_line);
			return WB_EXIT_FAIL;
		}
	}

	/* The command sees ARGV[0] = its name and then the arguments after CASE. */
	int cargc = argc - first_arg + 1;
	char **cargv = g_new0 (char *, cargc + 1);
	cargv[0] = (char *) cmd->name;
	for (int i = first_arg; i < argc; i++)
		cargv[i - first_arg + 1] = argv[i];
	rc = wb_command_run (&ctx, cmd, cargc, cargv);
	g_free (cargv);
	wb_case_free (ctx.cs);
	g_free (ctx.command_line);
	g_mime_shutdown ();
	return rc;
}
