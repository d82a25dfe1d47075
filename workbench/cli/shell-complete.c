/* Tab completion: what can stand where the cursor is.  Commands and their
 * options come from the command table and each command's option table,
 * dot-commands and their arguments from the shell's table, statute ids from the embedded templates and the case's
 * statutes table, party names, trap addresses and message ids from the
 * case, everything else is a file path. */
#include <string.h>
#include "shell.h"
#include "statute.h"
#include "jurisdiction.h"
#include "templates.h"

static void
add_if (GPtrArray *out, const char *word, const char *cand)
{
	if (!cand || !g_str_has_prefix (cand, word))
		return;
	for (guint i = 0; i < out->len; i++)
		if (strcmp (out->pdata[i], cand) == 0)
			return;
	g_ptr_array_add (out, g_strdup (cand));
}

static gboolean
table_exists (sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	gboolean found = FALSE;
	if (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE name = ?1 AND type IN ('table', 'view')",
				-1, &st, NULL) != SQLITE_OK)
		return FALSE;
	sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step (st) == SQLITE_ROW;
	sqlite3_finalize (st);
	return found;
}

/* Add the first column of every row of SQL (with ?1 bound to WORD) that
 * starts with WORD.  A table that is missing adds nothing. */
static void
add_query (GPtrArray *out, wb_case_t *cs, const char *table, const char *sql, const char *word)
{
	if (!cs)
		return;
	sqlite3 *db = wb_case_db (cs);
	if (table && !table_exists (db, table))
		return;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	char *like = g_strdup_printf ("%s%%", word);
	sqlite3_bind_text (st, 1, like, -1, g_free);
	while (sqlite3_step (st) == SQLITE_ROW)
		add_if (out, word, (const char *) sqlite3_column_text (st, 0));
	sqlite3_finalize (st);
}

static void
add_statutes (GPtrArray *out, wb_case_t *cs, const char *word)
{
	for (int i = 0; wb_templates[i].path; i++) {
		const char *p = wb_templates[i].path;
		if (!g_str_has_prefix (p, "templates/statutes/") || !g_str_has_suffix (p, ".ini"))
			continue;
		p += strlen ("templates/statutes/");
		char *id = g_strndup (p, strlen (p) - 4);
		add_if (out, word, id);
		g_free (id);
	}
	add_query (out, cs, "statutes", "SELECT id FROM statutes WHERE id LIKE ?1 LIMIT 500", word);
}

static void
add_files (GPtrArray *out, const char *word)
{
	const char *slash = strrchr (word, '/');
	char *dir = slash ? g_strndup (word, slash - word + 1) : g_strdup ("");
	const char *base = slash ? slash + 1 : word;
	char *path = *dir ? g_strdup (dir) : g_strdup (".");
	if (path[0] == '~' && (path[1] == '/' || !path[1])) {
		char *h = g_build_filename (g_get_home_dir (), path + 1, NULL);
		g_free (path);
		path = h;
	}
	GDir *d = g_dir_open (path, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name (d))) {
		if (name[0] == '.' && base[0] != '.')
			continue;
		if (!g_str_has_prefix (name, base))
			continue;
		char *full = g_build_filename (path, name, NULL);
		gboolean is_dir = g_file_test (full, G_FILE_TEST_IS_DIR);
		char *cand = g_strconcat (dir, name, is_dir ? "/" : "", NULL);
		add_if (out, word, cand);
		g_free (cand);
		g_free (full);
	}
	if (d)
		g_dir_close (d);
	g_free (path);
	g_free (dir);
}

static void
add_sql_names (GPtrArray *out, wb_case_t *cs, const char *word)
{
	static const char *const kw[] = {
		"SELECT", "FROM", "WHERE", "GROUP", "ORDER", "BY", "LIMIT", "JOIN", "WITH",
		"DISTINCT", NULL
	};
	for (int i = 0; kw[i]; i++)
		if (g_ascii_strncasecmp (kw[i], word, strlen (word)) == 0)
			add_if (out, "", kw[i]);
	add_query (out, cs, NULL,
		   "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
		   " AND name NOT LIKE 'sqlite_%' AND name LIKE ?1", word);
}

/* The provisions of STATUTE: ids, and labels once a word is begun (a label
 * such as "4-88-603(a)(1)(A)" is long to offer for an empty word), and the
 * words 'finding' takes besides. */
static void
add_provisions (GPtrArray *out, wb_case_t *cs, const char *statute, const char *word)
{
	wb_statute_set_t *set = NULL;
	char *err = NULL;
	if (cs ? wb_statutes_load_case (cs, &set) != WB_OK : wb_statutes_builtin (&set, &err) != WB_OK) {
		g_free (err);
		return;
	}
	const wb_statute_t *st = wb_statute_set_find (set, statute);
	for (guint i = 0; st && i < st->provisions->len; i++) {
		const wb_provision_t *p = st->provisions->pdata[i];
		add_if (out, word, p->id);
		if (*word)
			add_if (out, word, p->label);
	}
	if (st || strcmp (statute, "*") == 0) {
		add_if (out, word, "commercial");
		if (st) {
			add_if (out, word, "*");
			add_if (out, word, "nexus");
		}
	}
	wb_statute_set_free (set);
}

/* TRUE if ARG (a word of the line) is an option of CMD followed by its
 * value in the next word ("--note TEXT", "-o DIR"), not a flag ("--raw")
 * nor "--name=value". */
static gboolean
takes_value (const wb_command_t *cmd, const char *arg)
{
	if (strchr (arg, '='))
		return FALSE;
	const wb_option_t *o = wb_options_find (cmd->options, arg);
	return o && wb_option_takes_value (o);
}

/* Completions for argument WORD of command CMD, after the words ARGV[0..N). */
static void
complete_argument (GPtrArray *out, wb_case_t *cs, const wb_command_t *cmd, char **argv, int n,
		   const char *word)
{
	const char *prev = argv[n - 1];
	int npos = 0;   /* positional arguments before WORD */
	const char *pos[4] = { NULL };
	for (int i = 1; i < n; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			if (takes_value (cmd, argv[i]))
				i++;    /* its value */
			continue;
		}
		if (npos < 4)
			pos[npos] = argv[i];
		npos++;
	}
	if (word[0] == '-') {
		GPtrArray *opts = wb_options_flatten (cmd->options);
		for (guint i = 0; i < opts->len; i++) {
			char *o = g_strconcat ("--", ((const wb_option_t *) opts->pdata[i])->name, NULL);
			add_if (out, word, o);
			g_free (o);
		}
		g_ptr_array_unref (opts);
		add_if (out, word, "--help");
		return;
	}
	if (strcmp (prev, "--statute") == 0) {
		add_statutes (out, cs, word);
		return;
	}
	if (strcmp (prev, "--party") == 0) {
		add_query (out, cs, "parties", "SELECT name FROM parties WHERE name LIKE ?1", word);
		return;
	}
	if (strcmp (prev, "--defendant") == 0) {
		add_query (out, cs, "parties", "SELECT name FROM parties WHERE derived = 0 AND name LIKE ?1"
			   " ORDER BY name", word);
		return;
	}
	if (strcmp (prev, "--forum") == 0) {
		GPtrArray *la = NULL;
		char *err = NULL;
		if (wb_longarms_builtin (&la, &err) == WB_OK) {
			char **forums = wb_jurisdiction_forums (cs, la);
			for (char **f = forums; *f; f++)
				add_if (out, word, *f);
			g_strfreev (forums);
			g_ptr_array_unref (la);
		}
		g_free (err);
		return;
	}
	if (strcmp (prev, "--trap") == 0) {
		add_query (out, cs, "traps", "SELECT address FROM traps WHERE address LIKE ?1", word);
		return;
	}
	const wb_option_t *popt = prev[0] == '-' && !strchr (prev, '=')
				  ? wb_options_find (cmd->options, prev) : NULL;
	if (popt && popt->kind == WB_OPT_ENUM && popt->values) {
		/* The values the option's table lists: --format text|csv|json. */
		for (int i = 0; popt->values[i]; i++)
			add_if (out, word, popt->values[i]);
		return;
	}
	const char *name = cmd->name;
	if (strcmp (name, "explain") == 0 || strcmp (name, "review") == 0) {
		if (npos < 2) {
			add_query (out, cs, "parties", "SELECT name FROM parties WHERE name LIKE ?1", word);
			return;
		}
		if (strcmp (name, "review") == 0 && npos == 2) {
			add_if (out, word, "confirm");
			add_if (out, word, "reject");
			return;
		}
	}
	if (strcmp (name, "finding") == 0 && npos == 2) {
		add_provisions (out, cs, pos[1], word);
		return;
	}
	if (strcmp (name, "statutes") == 0 && npos == 0) {
		add_statutes (out, cs, word);
		return;
	}
	if ((strcmp (name, "show") == 0 || strcmp (name, "finding") == 0 || strcmp (name, "why") == 0)
	    && npos == 0) {
		/* The copy id that messages prints, once a digit is typed. */
		if (*word && strspn (word, "0123456789") == strlen (word))
			add_query (out, cs, "messages",
				   "SELECT id FROM messages WHERE CAST(id AS TEXT) LIKE ?1 ORDER BY id LIMIT 500",
				   word);
		add_query (out, cs, "messages",
			   "SELECT DISTINCT message_id FROM messages WHERE message_id LIKE ?1"
			   " ORDER BY message_id LIMIT 500", word);
		if (strlen (word) >= 4)
			add_query (out, cs, "messages",
				   "SELECT DISTINCT sha256 FROM messages WHERE sha256 LIKE ?1 LIMIT 50", word);
		return;
	}
	if (strcmp (name, "finding") == 0 && npos == 1) {
		add_statutes (out, cs, word);
		return;
	}
	if (strcmp (name, "finding") == 0 && npos == 3) {
		add_if (out, word, "violation");
		add_if (out, word, "no-violation");
		return;
	}
	if (strcmp (name, "import") == 0 && npos == 0) {
		add_if (out, word, "traps");
		add_if (out, word, "parties");
		add_if (out, word, "findings");
		return;
	}
	if (strcmp (name, "help") == 0) {
		for (const wb_command_t *c = wb_commands; c->name; c++)
			add_if (out, word, c->name);
		return;
	}
	add_files (out, word);
}

/* The argument of a dot-command, from what its row in wb_shell_dots
 * says it takes. */
static void
complete_dot (GPtrArray *out, wb_case_t *cs, char **argv, int n, const char *word)
{
	const wb_shell_dot_t *dot = NULL;
	for (const wb_shell_dot_t *d = wb_shell_dots; d->name && !dot; d++)
		if (strcmp (d->name, argv[0]) == 0)
			dot = d;
	if (!dot || n > 1)
		return;
	const char *args = dot->args;
	if (strcmp (args, "FILE") == 0 || strcmp (args, "[FILE]") == 0) {
		add_files (out, word);
	} else if (strcmp (args, "[TABLE]") == 0) {
		add_query (out, cs, NULL,
			   "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name LIKE ?1 "
			   "AND name NOT LIKE 'sqlite%' ORDER BY name", word);
	} else if (strcmp (args, "[COMMAND]") == 0) {
		for (const wb_command_t *c = wb_commands; c->name; c++)
			if (wb_shell_runs (c))
				add_if (out, word, c->name);
		for (const wb_shell_dot_t *d = wb_shell_dots; d->name; d++)
			add_if (out, word, d->name);
	} else if (strchr (args, '|') && !strchr (args, '[')) {
		char **vals = g_strsplit (args, "|", -1);
		for (int i = 0; vals[i]; i++)
			add_if (out, word, vals[i]);
		g_strfreev (vals);
	}
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
wb_shell_complete (wb_case_t *cs, const char *line, int *word_start)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	int pos = 0;
	const char *msg = NULL;
	wb_shell_words_t *w = wb_shell_split (line, TRUE, &pos, &msg);
	size_t len = strlen (line);
	if (!w) {
		*word_start = (int) len;
		return out;
	}
	/* The word under the cursor: the last one, unless the line ends with a
	 * blank (then a new, empty word starts at the end). */
	gboolean fresh = w->argc == 0 ||
			 (!w->open && len > 0 && g_ascii_isspace (line[len - 1]) &&
			  w->end[w->argc - 1] < (int) len);
	const char *word = fresh ? "" : w->argv[w->argc - 1];
	int n = fresh ? w->argc : w->argc - 1;     /* words before it */
	*word_start = fresh ? (int) len : w->start[w->argc - 1];

	wb_line_kind_t kind = n == 0 ? WB_LINE_COMMAND : wb_shell_line_kind (line);
	if (kind == WB_LINE_SQL) {
		add_sql_names (out, cs, word);
	} else if (n == 0) {
		if (word[0] == '.') {
			for (const wb_shell_dot_t *d = wb_shell_dots; d->name; d++)
				add_if (out, word, d->name);
		} else {
			for (const wb_command_t *c = wb_commands; c->name; c++)
				if (wb_shell_runs (c))
					add_if (out, word, c->name);
			add_if (out, word, "help");
		}
	} else if (w->argv[0][0] == '.') {
		complete_dot (out, cs, w->argv, n, word);
	} else {
		const wb_command_t *cmd = wb_command_find (w->argv[0]);
		static const wb_command_t help = { "help", NULL, WB_CASE_NONE, "", "[COMMAND]", NULL, NULL };
		if (!cmd && strcmp (w->argv[0], "help") == 0)
			cmd = &help;
		if (cmd)
			complete_argument (out, cs, cmd, w->argv, n, word);
		else
			add_files (out, word);
	}
	g_ptr_array_sort (out, cmp_str);
	wb_shell_words_free (w);
	return out;
}
