/* The command table and what running a command needs: messages to the
 * user, output modes, the progress bar.  main() (workbench.c) and the shell
 * run commands through wb_command_run(). */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "wb.h"
#include "shell.h"

/* Each row: name, function, what main() opens, summary, operands, options
 * (in cmd-NAME.c), description.  Usage, help, completion and the man page
 * are made from these. */
const wb_command_t wb_commands[] = {
	{ "init", wb_cmd_init, WB_CASE_PATH, "Create a new case file", "", wb_options_init,
	  "CASE must not exist; its folder must." },
	{ "ingest", wb_cmd_ingest, WB_CASE_WRITE, "Ingest mailbox archives into the case", "PATH...",
	  wb_options_ingest,
	  "PATH: archives (tar, zip, 7z, cpio; gzip, bzip2, xz, zstd), mbox files, Maildir "
	  "folders, .eml files, or folders of them; archives nest to depth 8.  The raw bytes "
	  "and SHA-256 of every copy are kept with their place in the source; a source read "
	  "before is skipped.  Each file that is not mail, skipped or flagged is named." },
	{ "import", wb_cmd_import, WB_CASE_WRITE, "Import traps, parties or findings from CSV",
	  "traps|parties|findings FILE.csv", NULL,
	  "traps: columns address, timezone and any of holder, state, provider, "
	  "provider_state, hosts; "
	  "timezone an IANA name (America/Los_Angeles), states US codes; a trap already in the "
	  "case is updated and each change said.\n\n"
	  "parties: columns name and any of role, contact, email, phone, address, country, "
	  "payee, domain, affiliate_id, ip, notes (values split on ';'); a party already "
	  "imported is updated in place by name.\n\n"
	  "findings: columns message, statute, provision, finding and optionally note, trap; "
	  "message names "
	  "copies as show does, provision as 'statutes CASE ID' lists them.\n\n"
	  "An unknown column, or a bad value, is refused with file, line and column, and "
	  "nothing of the file is imported." },
	{ "case", wb_cmd_case, WB_CASE_READ, "The case's metadata: show it, or set it",
	  "[set KEY=VALUE...]", wb_options_case,
	  "Keys: name, filed (YYYY-MM-DD, the filing date limitations count back from), "
	  "court, number (the docket number), caption, expert, raw_codec (zstd or none: how "
	  "ingest stores the bytes of the copies it adds; those stored keep theirs).  Several may "
	  "be set at once; an empty value (court=) unsets one (not raw_codec).  Each change is "
	  "logged in custody, old -> new." },
	{ "summary", wb_cmd_summary, WB_CASE_READ, "The case's metadata and counts of what it holds",
	  "", wb_options_format, NULL },
	{ "messages", wb_cmd_messages, WB_CASE_READ, "List message copies", "", wb_options_messages,
	  "Filters combine: a copy is listed when it passes every one given." },
	{ "show", wb_cmd_show, WB_CASE_READ, "Show one message as an analyst reads it", "COPY",
	  wb_options_show,
	  "COPY: the copy id messages prints, a SHA-256 or a prefix of 8+ hex digits, or a "
	  "Message-ID." },
	{ "artifacts", wb_cmd_artifacts, WB_CASE_READ, "Extracted contact data with counts", "",
	  wb_options_artifacts, NULL },
	{ "reanalyze", wb_cmd_reanalyze, WB_CASE_WRITE, "Re-run message analysis over the case", "",
	  NULL, NULL },
	{ "statutes", wb_cmd_statutes, WB_CASE_READ, "The statute files in force", "[ID]",
	  wb_options_statutes,
	  "With ID, that statute's provisions: id, label, check and the statute's words.  A "
	  "provision may be named by its id (a2), its label ((a)(2)) or the citation form "
	  "(17529.5(a)(2)) wherever one is taken." },
	{ "finding", wb_cmd_finding, WB_CASE_WRITE, "Record an analyst finding",
	  "COPY STATUTE PROVISION violation|no-violation", wb_options_finding,
	  "COPY: the copy id messages prints, a SHA-256 or a prefix of 8+ hex digits, or a "
	  "Message-ID (every copy of it; --trap keeps that trap's).  An analyst's finding "
	  "overrides the rules' for that copy and provision." },
	{ "why", wb_cmd_why, WB_CASE_READ, "Why one copy counts under each statute, or not", "COPY",
	  wb_options_why,
	  "Per statute: each provision's finding (rule, certain or indicator, with its "
	  "evidence; the analyst's, with the note), then whether the copy counts: if it does, "
	  "its incident and day and what it adds to the amount; if not, why (no nexus, before "
	  "the effective date, limitations, analyst, another statute, CAN-SPAM preemption).\n\n"
	  "COPY as for show; the damages options are those of damages." },
	{ "damages", wb_cmd_damages, WB_CASE_READ, "Compute statutory damages", "",
	  wb_options_damages_cmd,
	  "Per statute: the copies in its scope, those violating it, incidents and days, the "
	  "amount before and after caps, then the copies left out and why.  Amounts are exact "
	  "cents." },
	{ "link", wb_cmd_link, WB_CASE_WRITE, "Build attribution links", "", NULL,
	  "Links senders, affiliates and advertisers by the contact data they share; party and "
	  "link ids stay the same across runs for the same parties and pairs." },
	{ "parties", wb_cmd_parties, WB_CASE_READ, "List parties", "", wb_options_parties, NULL },
	{ "links", wb_cmd_links, WB_CASE_READ, "List attribution links", "", wb_options_links, NULL },
	{ "clusters", wb_cmd_clusters, WB_CASE_READ, "Groups of linked parties", "",
	  wb_options_format, NULL },
	{ "explain", wb_cmd_explain, WB_CASE_READ, "Why two parties are (not) linked", "PARTY PARTY",
	  wb_options_format_text_json, NULL },
	{ "review", wb_cmd_review, WB_CASE_WRITE, "Confirm or reject a link",
	  "PARTY PARTY confirm|reject", wb_options_review, NULL },
	{ "jurisdiction", wb_cmd_jurisdiction, WB_CASE_READ, "Each defendant's contacts with each forum",
	  "", wb_options_jurisdiction,
	  "For each roster party (after 'link') and each forum (a state with a long-arm file "
	  "in templates/longarm/, or named by the trap roster): the copies attributed to it "
	  "that were delivered to the forum's residents or passed through equipment the roster "
	  "places there, with counts, first and last days and example copies, under each "
	  "provision of the forum's long-arm statute (Conn. Gen. Stat. § 52-59b for CT), and "
	  "what an analyst must show besides." },
	{ "report", wb_cmd_report, WB_CASE_WRITE, "Write xlsx exhibits, charts and the PDF report",
	  "", wb_options_report,
	  "The damages options are those of damages; the exhibits hold the amounts they give, "
	  "and a scenarios table over the others." },
	{ "upgrade", wb_cmd_upgrade, WB_CASE_WRITE, "Upgrade a case made by an older workbench", "",
	  NULL, NULL },
	{ "verify", wb_cmd_verify, WB_CASE_READ, "Re-hash every stored message and exhibit", "",
	  wb_options_verify, NULL },
	{ "log", wb_cmd_log, WB_CASE_READ, "What changed in the case, and who did it", "",
	  wb_options_log,
	  "The custody log, one line a command: its run number, when (UTC), who, the command "
	  "line and its result." },
	{ "sql", wb_cmd_sql, WB_CASE_READ, "Run a read-only SQL query", "\"SELECT ...\"",
	  wb_options_format_all, NULL },
	{ "shell", wb_cmd_shell, WB_CASE_READ, "Interactive session on the case", "",
	  wb_options_shell, NULL },
	{ NULL }
};

/* The tables of commands whose only option is --format. */
const wb_option_t wb_options_format[] = { WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON), WB_OPTIONS_END };
const wb_option_t wb_options_format_all[] = { WB_FORMAT (wb_formats_all, WB_FORMAT_HELP_ALL), WB_OPTIONS_END };
const wb_option_t wb_options_format_text_json[] = { WB_FORMAT (wb_formats_text_json, WB_FORMAT_HELP_TEXT_JSON), WB_OPTIONS_END };

const wb_command_t *
wb_command_find (const char *name)
{
	for (const wb_command_t *c = wb_commands; c->name; c++)
		if (strcmp (c->name, name) == 0)
			return c;
	return NULL;
}

gboolean
wb_command_writes (const wb_command_t *cmd, int argc, char **argv)
{
	if (cmd->flags == WB_CASE_WRITE)
		return TRUE;
	if (cmd->fn == wb_cmd_case)
		for (int i = 1; i < argc; i++)
			if (strcmp (argv[i], "set") == 0)
				return TRUE;
	return FALSE;
}

void
wb_command_usage (const wb_command_t *cmd, FILE *out)
{
	wb_options_help (cmd, out);
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
	if (wb_option_error_said) {
		wb_option_error_said = FALSE;
		return WB_EXIT_USAGE;
	}
	va_list ap;
	va_start (ap, fmt);
	vmsg ("error: ", fmt, ap);
	va_end (ap);
	const wb_command_t *c = cmd ? wb_command_find (cmd) : NULL;
	if (c) {
		char *u = wb_options_usage (c, 79);
		fprintf (stderr, "usage: %s\n", u);
		g_free (u);
	}
	return WB_EXIT_USAGE;
}

gboolean
wb_valid_day (const char *s)
{
	int y, m, d;
	char extra;
	return strlen (s) == 10 && sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 &&
	       g_date_valid_dmy (d, m, y);
}

int
wb_command_case_index (const wb_command_t *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp (a, "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (a[0] != '-' || a[1] == 0)
			return i;
		if (a[1] == '-') {
			const wb_option_t *o = strchr (a, '=') ? NULL : wb_options_find (cmd->options, a);
			if (o && wb_option_takes_value (o))
				i++;
			continue;
		}
		/* -o DIR, or -vo DIR: the last of a cluster may take the next word. */
		for (const char *p = a + 1; *p; p++) {
			char sh[3] = { '-', *p, 0 };
			const wb_option_t *o = wb_options_find (cmd->options, sh);
			if (o && wb_option_takes_value (o)) {
				if (!p[1])
					i++;
				break;
			}
		}
	}
	return -1;
}

const char *
wb_command_closest (const char *name)
{
	static const char **names;
	if (!names) {
		GPtrArray *a = g_ptr_array_new ();
		for (const wb_command_t *c = wb_commands; c->name; c++)
			g_ptr_array_add (a, (char *) c->name);
		g_ptr_array_add (a, (char *) "help");
		g_ptr_array_add (a, NULL);
		names = (const char **) g_ptr_array_free (a, FALSE);
	}
	return wb_shell_closest (name, names);
}

gboolean
wb_check_value (wb_ctx_t *ctx, const char *what, const char *value,
		const char *const *fixed, const char *sql, gboolean nocase)
{
	GPtrArray *valid = g_ptr_array_new_with_free_func (g_free);
	gboolean found = FALSE;
	for (int i = 0; fixed && fixed[i]; i++)
		g_ptr_array_add (valid, g_strdup (fixed[i]));
	sqlite3_stmt *q = sql && ctx->cs ? wb_case_stmt (ctx->cs, sql) : NULL;
	while (q && sqlite3_step (q) == SQLITE_ROW) {
		const char *v = (const char *) sqlite3_column_text (q, 0);
		gboolean dup = FALSE;
		for (guint i = 0; v && i < valid->len && !dup; i++)
			dup = strcmp (valid->pdata[i], v) == 0;
		if (v && !dup)
			g_ptr_array_add (valid, g_strdup (v));
	}
	if (q)
		sqlite3_reset (q);
	for (guint i = 0; i < valid->len && !found; i++)
		found = nocase ? g_ascii_strcasecmp (valid->pdata[i], value) == 0
			       : strcmp (valid->pdata[i], value) == 0;
	if (!found) {
		char *safe = wb_text_safe (value);
		wb_error ("unknown %s '%s'", what, safe);
		g_free (safe);
		if (valid->len == 0) {
			wb_hint ("the case has no %ss", what);
		} else {
			/* A long roster is cut: the first ones show the form. */
			GString *list = g_string_new (NULL);
			for (guint i = 0; i < valid->len && i < 20; i++)
				g_string_append_printf (list, "%s%s", i ? ", " : "",
							(char *) valid->pdata[i]);
			if (valid->len > 20)
				g_string_append_printf (list, " and %u more", valid->len - 20);
			char *safe_list = wb_text_safe (list->str);
			wb_hint ("a %s is one of %s", what, safe_list);
			g_free (safe_list);
			g_string_free (list, TRUE);
		}
	}
	g_ptr_array_unref (valid);
	return found;
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
wb_getopt_format (wb_ctx_t *ctx, int argc, char **argv, const wb_option_t *formats,
		  wb_mode_t fallback, wb_mode_t *mode)
{
	const char *format = NULL;
	int c;
	while ((c = wb_options_next (argc, argv, formats)) != -1) {
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
			/* As git does: the reader is gone, so end quietly by
			 * the signal a pipe writer dies of (status 141 in a
			 * shell).  The command is done and the case consistent;
			 * the shell's own session goes on. */
			if (!ctx->interactive) {
				signal (SIGPIPE, SIG_DFL);
				raise (SIGPIPE);
			}
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

gboolean
wb_wants_help (int argc, char **argv)
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
	if (wb_wants_help (argc, argv)) {
		wb_command_usage (cmd, ctx->out);
		return WB_EXIT_OK;
	}
	gboolean writes = wb_command_writes (cmd, argc, argv);
	if (writes && ctx->cs) {
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
	wb_option_error_said = FALSE;
	wb_interrupted = 0;
	int rc = cmd->fn (ctx, argc, argv);
	if (writes && ctx->cs && ctx->interactive)
		wb_case_unlock (ctx->cs);
	return wb_finish_output (ctx, rc);
}

gboolean
wb_require_analysis (wb_ctx_t *ctx, const char *command)
{
	char *v = wb_case_info (ctx->cs, "analysis_pending");
	gboolean pending = v && strcmp (v, "1") == 0;
	g_free (v);
	/* Campaign numbers an ingest gave as it stored a new case's copies,
	 * which its end did not confirm (it was killed or interrupted).
	 * Damages count incidents by campaign: no figure from them. */
	char *cp = pending ? NULL : wb_case_info (ctx->cs, WB_CAMPAIGNS_PENDING);
	if (cp) {
		g_free (cp);
		wb_error ("%s: an ingest of this case did not finish, and its campaigns are not "
			  "numbered yet", command);
		wb_hint ("run the same 'workbench ingest %s ...' again: it goes on where it stopped",
			 ctx->case_path ? ctx->case_path : "CASE");
		return FALSE;
	}
	if (!pending)
		return TRUE;
	wb_error ("%s: the case holds copies not analysed yet, or analysed for another trap "
		  "(ingest --no-analysis, or traps imported after ingest)", command);
	wb_hint ("run 'workbench reanalyze %s' first", ctx->case_path ? ctx->case_path : "CASE");
	return FALSE;
}
