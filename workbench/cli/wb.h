/* The workbench program: the command table, the context every command gets,
 * and the helpers commands use to talk to the user.  Only the program
 * (workbench/cli/) prints. */
#ifndef WB_H
#define WB_H

/* What ingest reports of its run (?1) at the end: its copies kept with a
 * defect, its flagged sources by reason, its copies per trap, and its
 * sources that gave no copy.  Each reaches the run's sources by the index
 * sources_run, never by a whole table (tests/unit/test-ingest.c checks
 * the plans): they run after every ingest, into a case of any size. */
#define WB_RUN_MALFORMED "SELECT count(*), count(DISTINCT m.id) FROM locations l" \
	" JOIN sources s ON s.id = l.source_id JOIN messages m ON m.id = l.message" \
	" WHERE s.run = ?1 AND m.status = 'malformed'"
#define WB_RUN_FLAGGED "SELECT CASE WHEN instr(reason, ':') > 0 THEN substr(reason, 1, instr(reason, ':') - 1)" \
	" WHEN instr(reason, ' (') > 0 THEN substr(reason, 1, instr(reason, ' (') - 1)" \
	" ELSE reason END AS r, count(*) FROM sources WHERE run = ?1 AND role = 'flagged'" \
	" GROUP BY r ORDER BY r"
#define WB_RUN_PER_TRAP "SELECT coalesce(t.address, '(no trap)'), count(*), count(DISTINCT m.id)" \
	" FROM locations l JOIN sources s ON s.id = l.source_id" \
	" JOIN messages m ON m.id = l.message LEFT JOIN traps t ON t.id = m.trap_id" \
	" WHERE s.run = ?1 GROUP BY m.trap_id ORDER BY m.trap_id = 0, t.address"
#define WB_RUN_NOTES "SELECT role, chain, reason FROM sources WHERE run = ?1" \
	" AND role IN ('flagged', 'skipped', 'not-mail') ORDER BY id"

#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <glib.h>
#include "case.h"
#include "damages.h"
#include "output.h"
#include "options.h"

/* Exit codes (git's): 0 success, 1 failure, 2 usage. */
enum { WB_EXIT_OK = 0, WB_EXIT_FAIL = 1, WB_EXIT_USAGE = 2 };

/* What a command needs from main() before it runs. */
enum {
	WB_CASE_NONE = 0,   /* no case (help, --version) */
	WB_CASE_PATH,       /* the case path, not opened (init creates it) */
	WB_CASE_READ,       /* the case opened read-only */
	WB_CASE_WRITE,      /* the case opened for writing, writer lock held */
};

typedef struct wb_ctx {
	const char *case_path;   /* as given on the command line */
	wb_case_t *cs;           /* open case, or NULL for WB_CASE_NONE/PATH */
	FILE *out;               /* where results go: stdout, or the shell's .output */
	wb_mode_t mode;          /* default output mode; --format overrides */
	gboolean mode_set;       /* the shell's .mode was given: use it when no --format */
	gboolean interactive;    /* running inside 'workbench shell' */
	gboolean progress;       /* draw progress bars (stderr is a terminal) */
	int term_width;          /* columns of the terminal, 0 if not a terminal */
	char *command_line;      /* the whole command line, for custody */
} wb_ctx_t;

typedef int (*wb_cmd_fn) (wb_ctx_t *ctx, int argc, char **argv);

typedef struct wb_command {
	const char *name;
	wb_cmd_fn fn;
	int flags;                  /* WB_CASE_* */
	const char *summary;        /* one line, for 'help' */
	const char *operands;       /* what follows CASE besides options: "COPY", "PATH..." */
	const wb_option_t *options; /* the command's options (cmd-NAME.c), or NULL */
	const char *description;    /* paragraphs (split by a blank line) after the
				     * options in help and the man page, or NULL */
} wb_command_t;

/* The table (workbench/cli/commands.c), terminated by a NULL name. */
extern const wb_command_t wb_commands[];
const wb_command_t *wb_command_find (const char *name);

/* TRUE if CMD run with ARGV (ARGV[0] is the command) changes the case:
 * a WB_CASE_WRITE command, or 'case ... set'.  main() opens the case for
 * writing and wb_command_run() takes the writer lock for these. */
gboolean wb_command_writes (const wb_command_t *cmd, int argc, char **argv);

/* Run CMD with ARGV (ARGV[0] is the command name; the case is in CTX).
 * Handles --help, the writer lock for WB_CASE_WRITE and getopt's state, so
 * the shell runs commands exactly as main() does.  Returns an exit code. */
int wb_command_run (wb_ctx_t *ctx, const wb_command_t *cmd, int argc, char **argv);
/* TRUE if ARGV (ARGV[0] is the command) asks for --help or -h before any "--". */
gboolean wb_wants_help (int argc, char **argv);
/* 'help NAME': the usage line, the summary, every option with its help
 * and the description, to OUT (wb_options_help()). */
void wb_command_usage (const wb_command_t *cmd, FILE *out);

/* Messages to the user on stderr, git style: "error: what failed: why". */
void wb_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
void wb_warning (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
void wb_hint (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
void wb_note (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
/* "error: STATUS-specific text" from the case's error message; returns 1. */
int wb_fail_case (wb_ctx_t *ctx, wb_status_t st);
/* FALSE, with an error and a hint naming 'reanalyze', when the case holds
 * copies whose analysis is missing (ingest --no-analysis) or was made for
 * another trap (import traps after ingest): damages, link and report would
 * count from facts that are not there or out of date. */
gboolean wb_require_analysis (wb_ctx_t *ctx, const char *command);
/* Report a usage error for CMD ("error: MESSAGE" and the usage line); returns 2. */
int wb_usage_error (const char *cmd, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* A filter's value checked before it is used, so that one matching
 * nothing because of a typo is not an empty answer: TRUE if VALUE is one of
 * FIXED (NULL-terminated; may be NULL) or of the values SQL (one text
 * column, in the order to list them; may be NULL) gives, ignoring ASCII
 * case if NOCASE (trap addresses).  Else
 * "error: unknown WHAT 'VALUE'" and a hint listing the valid values (the
 * first 20), and FALSE: the command then exits 2. */
gboolean wb_check_value (wb_ctx_t *ctx, const char *what, const char *value,
			 const char *const *fixed, const char *sql, gboolean nocase);

/* Parse a --format argument into *MODE; FALSE (and an error printed) if bad. */
gboolean wb_parse_mode (const char *arg, wb_mode_t *mode);
/* The output mode a command should use into *MODE: --format (FORMAT_ARG)
 * if given, else the shell's .mode, else FALLBACK.  FALSE, with the error
 * printed, for an unknown format: the command then exits 2. */
gboolean wb_ctx_mode (wb_ctx_t *ctx, const char *format_arg, wb_mode_t fallback, wb_mode_t *mode);

/* The options of a command whose only option is --format (text, csv or
 * json): parses ARGV, sets *MODE (--format, else the shell's .mode, else
 * FALLBACK) and leaves optind at the first operand.  Returns -1 to go on,
 * or the exit code to return (2 for a bad option or an unknown format).
 * FORMATS is the table the command lists in wb_commands. */
int wb_getopt_format (wb_ctx_t *ctx, int argc, char **argv, const wb_option_t *formats,
		      wb_mode_t fallback, wb_mode_t *mode);
extern const wb_option_t wb_options_format[];       /* --format text|csv|json */
extern const wb_option_t wb_options_format_all[];   /* --format text|csv|json|line */
extern const wb_option_t wb_options_format_text_json[];

/* Whether S is a real day written YYYY-MM-DD (2009-02-29 is not). */
gboolean wb_valid_day (const char *s);

/* Where CASE is in ARGV (ARGV[0] the command, options before and after it
 * in any order, GNU style): the index of the first operand, skipping the
 * value of each option that takes one by CMD's options, or -1. */
int wb_command_case_index (const wb_command_t *cmd, int argc, char **argv);

/* The command name (or "help") closest to NAME, for "did you mean", or NULL. */
const char *wb_command_closest (const char *name);

/* Flush CTX->out and report a write error (disk full, closed pipe); returns
 * RC, or 1 if writing failed. */
int wb_finish_output (wb_ctx_t *ctx, int rc);

/* Progress bar on stderr when CTX->progress: "label  N items  X MB  R/s  ETA".
 * Redrawn at most ten times a second.  wb_progress_free(NULL) does nothing. */
typedef struct wb_progress wb_progress_t;
wb_progress_t *wb_progress_new (wb_ctx_t *ctx, const char *label, uint64_t total_bytes);
void wb_progress_update (wb_progress_t *p, uint64_t done_bytes, uint64_t items);
/* A phase with no measure of its own ("grouping campaigns"): drawn at
 * once as the label and WHAT; NULL goes back to the bar. */
void wb_progress_phase (wb_progress_t *p, const char *what);
void wb_progress_free (wb_progress_t *p);

/* The damages parameters (damages-options.c): one group of options that
 * damages, report and why include (WB_GROUP (wb_options_damages)), and
 * what each sets.  Keys are WB_DOPT_*. */
enum {
	WB_DOPT_STATUTE = 0x100, WB_DOPT_PLAINTIFF, WB_DOPT_DUE_CARE, WB_DOPT_INCIDENT,
	WB_DOPT_AR_DAY_RULE, WB_DOPT_INCIDENT_SCOPE, WB_DOPT_PREEMPTION,
	WB_DOPT_INCLUDE_INDICATORS, WB_DOPT_AGGRAVATED, WB_DOPT_FILED, WB_DOPT_STATUTES,
};
extern const wb_option_t wb_options_damages[];
/* Apply option KEY with value ARG to O; --statute values are added to
 * STATUTES (char *, borrowed from ARGV).  1 if KEY is a damages option and
 * was applied, 0 if KEY is not one, -1 after a usage error said for
 * COMMAND (an invalid --filed date). */
int wb_damages_option (const char *command, int key, const char *arg, wb_damages_opts_t *o,
		       GPtrArray *statutes);

/* The kinds of contact data analysis extracts (artifacts.kind):
 * artifacts --kind and messages --has take them. */
extern const char *const wb_artifact_kinds[];

/* Each command's options, beside its function in cmd-NAME.c. */
extern const wb_option_t wb_options_init[], wb_options_ingest[], wb_options_case[],
	wb_options_messages[], wb_options_show[], wb_options_artifacts[], wb_options_statutes[],
	wb_options_finding[], wb_options_why[], wb_options_damages_cmd[], wb_options_parties[],
	wb_options_links[], wb_options_review[], wb_options_report[], wb_options_verify[],
	wb_options_log[], wb_options_shell[], wb_options_jurisdiction[];

/* Commands, one per file workbench/cli/cmd-NAME.c. */
int wb_cmd_init (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_ingest (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_import (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_messages (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_show (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_artifacts (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_reanalyze (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_statutes (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_finding (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_damages (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_link (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_parties (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_links (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_clusters (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_jurisdiction (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_explain (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_review (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_report (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_upgrade (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_verify (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_sql (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_shell (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_summary (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_why (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_log (wb_ctx_t *ctx, int argc, char **argv);
int wb_cmd_case (wb_ctx_t *ctx, int argc, char **argv);

/* The shell: run interactively or from a script (workbench/cli/shell.c). */
int wb_shell_main (wb_ctx_t *ctx, int argc, char **argv);

#endif
