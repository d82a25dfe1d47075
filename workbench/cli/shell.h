/* The interactive session ('workbench shell CASE'): the pieces that do not
 * need a terminal, so unit tests can reach them.
 *
 * shell-parse.c splits lines into words (with where each word stood, so an
 * error can point at it), tells SQL from commands, suggests the closest
 * command name.
 * shell-complete.c finds the completions of a word; shell.c runs the loop. */
#ifndef WB_SHELL_H
#define WB_SHELL_H

#include <stdio.h>
#include <glib.h>
#include "wb.h"

/* A line split into words, shell-like: blanks separate words; '...' keeps
 * everything literally; "..." keeps everything but lets a backslash escape
 * " \ $ `; outside quotes a backslash takes the next character literally; a
 * '#' at the start of a word starts a comment that runs to the end of the
 * line.  START[i] and END[i] are the byte offsets in the line where word I
 * begins and ends (quotes included). */
typedef struct {
	int argc;
	char **argv;        /* ARGC words, NULL-terminated (a GStrv) */
	int *start;
	int *end;
	gboolean open;      /* PARTIAL: the last word's quote is still open */
	char quote;         /* PARTIAL: that quote character, or 0 */
} wb_shell_words_t;

/* Split LINE.  On success returns a new wb_shell_words_t (free with
 * wb_shell_words_free()).  An unterminated quote or a backslash at the end
 * is an error unless PARTIAL (used by completion, where the last word is
 * still being typed): then NULL is returned, *ERR_POS is the byte offset of
 * the opening quote (or backslash) and *ERR_MSG a static message. */
wb_shell_words_t *wb_shell_split (const char *line, gboolean partial, int *err_pos,
				  const char **err_msg);
void wb_shell_words_free (wb_shell_words_t *w);

/* What kind of line LINE is. */
typedef enum {
	WB_LINE_EMPTY,      /* blank or a comment */
	WB_LINE_DOT,        /* a dot-command: .mode csv */
	WB_LINE_SQL,        /* starts with an SQL keyword (SELECT, WITH, ...) */
	WB_LINE_COMMAND,    /* anything else: a workbench command */
} wb_line_kind_t;
wb_line_kind_t wb_shell_line_kind (const char *line);

/* TRUE if WORD (case-insensitive) begins a statement that only reads:
 * SELECT, WITH, EXPLAIN, PRAGMA, VALUES. */
gboolean wb_shell_sql_query_word (const char *word);

/* Whether CMD runs inside the shell: every command on the open case, but
 * not 'shell' (the session is open) nor 'init' (it makes another case). */
gboolean wb_shell_runs (const wb_command_t *cmd);

/* Levenshtein distance between A and B (bytes). */
int wb_shell_distance (const char *a, const char *b);
/* The name among NAMES (NULL-terminated) closest to WORD: a name WORD is a
 * unique prefix of, else the nearest within two edits (ties: the first).
 * Returns a pointer into NAMES, or NULL if none is close. */
const char *wb_shell_closest (const char *word, const char *const *names);

/* Write to OUT a line with COLUMN spaces and a caret ("      ^"). */
void wb_shell_caret (FILE *out, int column);

/* Standard error of a running command, through a pipe (shell-tee.c).
 * wb_shell_tee_start() points file descriptor 2 at the pipe; COMMAND is
 * the command's name (getopt prefixes its messages with it).  What the
 * command writes goes on to the real standard error as it comes, except
 * from the first line that starts with "error: " or "COMMAND: " on, which
 * is held.  wb_shell_tee_stop() restores descriptor 2 and returns the held
 * text (new string, "" if none); *PASSED says whether anything went
 * through meanwhile.  A NULL tee (the pipe could not be made) is fine. */
typedef struct wb_shell_tee wb_shell_tee_t;
wb_shell_tee_t *wb_shell_tee_start (const char *command);
char *wb_shell_tee_stop (wb_shell_tee_t *t, gboolean *passed);

/* The word of W (not the command name) that MSG names in single quotes
 * ("unknown statute 'XX'"): its index, or -1. */
int wb_shell_named_word (const char *msg, wb_shell_words_t *w);

/* Completions of the word before the cursor.  LINE is the text up to the
 * cursor.  Returns a new sorted GPtrArray of new strings, each a whole
 * replacement of the word (unquoted); *WORD_START is where the word being
 * completed begins in LINE.  CS may be NULL (no case: no case data). */
GPtrArray *wb_shell_complete (wb_case_t *cs, const char *line, int *word_start);

/* The longest common prefix of the strings in ITEMS (new string). */
char *wb_shell_common_prefix (GPtrArray *items);

/* The dot-commands (shell.c), ended by a NULL name: what runs them, .help
 * and completion.  ARGS is shown by .help; Tab offers from it: the values
 * of "on|off", files for FILE, tables for [TABLE], commands for [COMMAND]. */
struct shell;
typedef struct {
	const char *name;
	int (*fn) (struct shell *sh, wb_shell_words_t *w);
	const char *args;
	const char *help;
} wb_shell_dot_t;
extern const wb_shell_dot_t wb_shell_dots[];

#endif
