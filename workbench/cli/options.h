/* Command options, declared once: each command's table of options drives
 * parsing (wb_options_next()), the usage line, 'help COMMAND', Tab
 * completion, finding CASE among the arguments, and the man page.  A group
 * shared by several commands (the damages parameters) is one table that
 * each includes with WB_OPT_GROUP, as notmuch's opt_inherit and git's
 * parse_options_concat() do. */
#ifndef WB_OPTIONS_H
#define WB_OPTIONS_H

#include <stdio.h>
#include <glib.h>

typedef enum {
	WB_OPT_END = 0,   /* ends a table */
	WB_OPT_FLAG,      /* --raw: no value */
	WB_OPT_INT,       /* --limit N: a number (the command checks its range) */
	WB_OPT_STRING,    /* --note TEXT, --out DIR: any text */
	WB_OPT_ENUM,      /* --plaintiff recipient|provider: one of VALUES */
	WB_OPT_GROUP,     /* every option of GROUP, in its place */
} wb_opt_kind_t;

enum {
	WB_OPT_REPEAT = 1 << 0,  /* may be given more than once; each counts */
	/* An enum whose VALUES are the usual ones, for help and completion,
	 * but which the command checks itself (--format also takes 'table';
	 * --category also takes the case's own categories). */
	WB_OPT_OPEN = 1 << 1,
	/* The command refuses to run without it (report --out): the usage
	 * line shows it without brackets. */
	WB_OPT_REQUIRED = 1 << 2,
};

typedef struct wb_option {
	wb_opt_kind_t kind;
	int key;                        /* what wb_options_next() returns for it */
	const char *name;               /* the long name, without "--" */
	char short_name;                /* -o, or 0 */
	const char *arg;                /* the value's name in usage: N, TEXT, DIR */
	const char *const *values;      /* WB_OPT_ENUM: the values, NULL-terminated */
	int flags;                      /* WB_OPT_REPEAT, WB_OPT_OPEN */
	const char *help;               /* one paragraph, for help and the man page */
	const struct wb_option *group;  /* WB_OPT_GROUP: the table included */
} wb_option_t;

/* Table rows.  KEY is returned by wb_options_next(); a command's keys and
 * those of the groups it includes must differ. */
#define WB_FLAG(key_, name_, help_) \
	{ .kind = WB_OPT_FLAG, .key = (key_), .name = (name_), .help = (help_) }
#define WB_INT(key_, name_, arg_, help_) \
	{ .kind = WB_OPT_INT, .key = (key_), .name = (name_), .arg = (arg_), .help = (help_) }
#define WB_STRING(key_, name_, arg_, help_) \
	{ .kind = WB_OPT_STRING, .key = (key_), .name = (name_), .arg = (arg_), .help = (help_) }
#define WB_ENUM(key_, name_, values_, help_) \
	{ .kind = WB_OPT_ENUM, .key = (key_), .name = (name_), .values = (values_), .help = (help_) }
#define WB_GROUP(table_) { .kind = WB_OPT_GROUP, .group = (table_) }
#define WB_OPTIONS_END { .kind = WB_OPT_END }

/* --format, with the modes a command prints (the key is 'F'): VALUES is
 * one of these lists, HELP the words for it. */
extern const char *const wb_formats_text_csv_json[];
extern const char *const wb_formats_text_json[];
extern const char *const wb_formats_all[];
#define WB_FORMAT_TEXT "text, aligned columns for people (the default)"
#define WB_FORMAT_JSON "the JSON forms are in workbench/engine/README.md"
#define WB_FORMAT_SHELL ".  In the shell, .mode sets the default"
#define WB_FORMAT_HELP_TEXT_CSV_JSON \
	"How to print: " WB_FORMAT_TEXT "; csv or json, every field for programs (" \
	WB_FORMAT_JSON ")" WB_FORMAT_SHELL
#define WB_FORMAT_HELP_TEXT_JSON \
	"How to print: " WB_FORMAT_TEXT "; json, every field for programs (" WB_FORMAT_JSON ")" \
	WB_FORMAT_SHELL
#define WB_FORMAT_HELP_ALL \
	"How to print: " WB_FORMAT_TEXT "; csv or json, every field for programs (" \
	WB_FORMAT_JSON "); line, one 'column = value' a line" WB_FORMAT_SHELL
#define WB_FORMAT(values_, help_) \
	{ .kind = WB_OPT_ENUM, .key = 'F', .name = "format", .values = (values_), \
	  .flags = WB_OPT_OPEN, .help = (help_) }

/* The options of TABLE with its groups spliced in, in order: a new
 * GPtrArray of const wb_option_t * (free with g_ptr_array_unref()). */
GPtrArray *wb_options_flatten (const wb_option_t *table);

/* The option of TABLE named NAME ("--limit", "limit" or "-o"), or NULL. */
const wb_option_t *wb_options_find (const wb_option_t *table, const char *name);

/* Whether option O is followed by a value. */
gboolean wb_option_takes_value (const wb_option_t *o);

/* getopt_long() over TABLE for a command: ARGV[0] is the command.  On its
 * first call for a command (optind 0) every option in ARGV is checked by
 * whole name (an abbreviation never silently means another option: getopt
 * would read '--statute' as '--statutes'), each value of a closed enum
 * against its values, and what is wrong is said in one error line and a
 * hint ("see 'workbench help NAME'").  Returns the option's key, with the
 * value in optarg; -1 at the end (optind at the first operand; options
 * before and after operands are taken, GNU style); '?' after an error,
 * when the command's wb_usage_error() says nothing more. */
int wb_options_next (int argc, char **argv, const wb_option_t *table);

/* Set when wb_options_next() has said what is wrong with an option: the
 * command's own wb_usage_error() that follows then says nothing more. */
extern gboolean wb_option_error_said;

/* The usage line of a command: "workbench NAME CASE OPERANDS [--opt ARG]...",
 * wrapped before WIDTH columns with continuation lines indented to line up
 * after "usage: ".  A new string. */
struct wb_command;
char *wb_options_usage (const struct wb_command *cmd, int width);

/* 'help COMMAND': the usage line, the summary, each option with its help,
 * and the command's description, to OUT. */
void wb_options_help (const struct wb_command *cmd, FILE *out);

/* workbench(1) in troff (man(7) macros), from the command table: every
 * command, its usage, options and description. */
void wb_options_man (FILE *out);

#endif
