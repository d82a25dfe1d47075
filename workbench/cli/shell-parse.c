/* Splitting shell lines into words, telling SQL from commands, and the
 * suggestions the shell makes.  No terminal here: see shell.h. */
#include <string.h>
#include "shell.h"

void
wb_shell_words_free (wb_shell_words_t *w)
{
	if (!w)
		return;
	g_strfreev (w->argv);
	g_free (w->start);
	g_free (w->end);
	g_free (w);
}

wb_shell_words_t *
wb_shell_split (const char *line, gboolean partial, int *err_pos, const char **err_msg)
{
	GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
	GArray *starts = g_array_new (FALSE, FALSE, sizeof (int));
	GArray *ends = g_array_new (FALSE, FALSE, sizeof (int));
	GString *cur = NULL;
	wb_shell_words_t *w = NULL;
	gboolean open = FALSE;
	char quote = 0;
	int i = 0, len = (int) strlen (line);

	while (i < len) {
		char c = line[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
			continue;
		}
		if (c == '#')
			break;
		int start = i;
		cur = g_string_new (NULL);
		while (i < len) {
			c = line[i];
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
				break;
			if (c == '\\') {
				if (i + 1 >= len) {
					if (!partial) {
						*err_pos = i;
						*err_msg = "backslash at the end of the line";
						goto fail;
					}
					open = TRUE;
					i++;
					break;
				}
				g_string_append_c (cur, line[i + 1]);
				i += 2;
			} else if (c == '\'' || c == '"') {
				int qpos = i++;
				while (i < len && line[i] != c) {
					if (c == '"' && line[i] == '\\' && i + 1 < len &&
					    strchr ("\"\\$`", line[i + 1]))
						i++;
					g_string_append_c (cur, line[i]);
					i++;
				}
				if (i >= len) {
					if (!partial) {
						*err_pos = qpos;
						*err_msg = c == '\'' ? "unterminated quote '"
								     : "unterminated quote \"";
						goto fail;
					}
					open = TRUE;
					quote = c;
					break;
				}
				i++;    /* the closing quote */
			} else {
				g_string_append_c (cur, c);
				i++;
			}
		}
		g_ptr_array_add (words, g_string_free (cur, FALSE));
		cur = NULL;
		g_array_append_val (starts, start);
		g_array_append_val (ends, i);
	}
	w = g_new0 (wb_shell_words_t, 1);
	w->argc = words->len;
	g_ptr_array_add (words, NULL);
	w->argv = (char **) g_ptr_array_free (words, FALSE);
	w->start = (int *) g_array_free (starts, FALSE);
	w->end = (int *) g_array_free (ends, FALSE);
	w->open = open;
	w->quote = quote;
	return w;
fail:
	if (cur)
		g_string_free (cur, TRUE);
	g_ptr_array_unref (words);
	g_array_free (starts, TRUE);
	g_array_free (ends, TRUE);
	return NULL;
}

static const char *const query_words[] = { "select", "with", "explain", "pragma", "values", NULL };
/* Statements that change something: typed directly, they are recognized as
 * SQL so the refusal names the reason instead of "unknown command". */
static const char *const other_sql_words[] = {
	"insert", "update", "delete", "replace", "create", "drop", "alter", "attach",
	"detach", "vacuum", "reindex", "analyze", "begin", "commit", "end", "rollback",
	"savepoint", "release", NULL
};

static gboolean
in_list (const char *word, int n, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if ((int) strlen (list[i]) == n && g_ascii_strncasecmp (word, list[i], n) == 0)
			return TRUE;
	return FALSE;
}

/* Length of the leading word of S made of letters (an SQL keyword). */
static int
keyword_len (const char *s)
{
	int n = 0;
	while (g_ascii_isalpha (s[n]))
		n++;
	return n;
}

gboolean
wb_shell_sql_query_word (const char *word)
{
	int n = keyword_len (word);
	return n > 0 && in_list (word, n, query_words);
}

wb_line_kind_t
wb_shell_line_kind (const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == 0 || *line == '\n' || *line == '\r' || *line == '#')
		return WB_LINE_EMPTY;
	if (line[0] == '-' && line[1] == '-')
		return WB_LINE_EMPTY;   /* an SQL comment line */
	if (*line == '.')
		return WB_LINE_DOT;
	int n = keyword_len (line);
	/* "select" followed by a blank, '(' or '*' or the end, not "select-x". */
	if (n > 0 && (line[n] == 0 || g_ascii_isspace (line[n]) || line[n] == '(' ||
		      line[n] == '*' || line[n] == ';') &&
	    (in_list (line, n, query_words) || in_list (line, n, other_sql_words))) {
		/* 'explain PARTY PARTY' is a workbench command; SQL's EXPLAIN is
		 * followed by QUERY PLAN or a statement. */
		if (n == 7 && g_ascii_strncasecmp (line, "explain", 7) == 0) {
			const char *p = line + n;
			while (g_ascii_isspace (*p))
				p++;
			int m = keyword_len (p);
			if (!(m > 0 && (in_list (p, m, query_words) || in_list (p, m, other_sql_words) ||
					(m == 5 && g_ascii_strncasecmp (p, "query", 5) == 0))))
				return WB_LINE_COMMAND;
		}
		return WB_LINE_SQL;
	}
	return WB_LINE_COMMAND;
}

gboolean
wb_shell_runs (const wb_command_t *cmd)
{
	return cmd && (cmd->flags == WB_CASE_READ || cmd->flags == WB_CASE_WRITE) &&
	       strcmp (cmd->name, "shell") != 0;
}

int
wb_shell_distance (const char *a, const char *b)
{
	int la = (int) strlen (a), lb = (int) strlen (b);
	int *row = g_new (int, lb + 1);
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j];
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int v = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
			diag = up;
			row[j] = v;
		}
	}
	int d = row[lb];
	g_free (row);
	return d;
}

const char *
wb_shell_closest (const char *word, const char *const *names)
{
	const char *prefix = NULL, *best = NULL;
	int nprefix = 0, bestd = 3;
	if (!*word)
		return NULL;
	for (int i = 0; names[i]; i++) {
		if (g_str_has_prefix (names[i], word)) {
			prefix = names[i];
			nprefix++;
		}
		int d = wb_shell_distance (word, names[i]);
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	if (nprefix == 1)
		return prefix;
	/* Two edits make a different word of a short one: 'ls' is not 'sql'. */
	if (best && bestd >= (int) strlen (word))
		return NULL;
	return best;
}

void
wb_shell_caret (FILE *out, int column)
{
	for (int i = 0; i < column; i++)
		fputc (' ', out);
	fputs ("^\n", out);
}

char *
wb_shell_common_prefix (GPtrArray *items)
{
	if (!items || items->len == 0)
		return g_strdup ("");
	const char *first = items->pdata[0];
	size_t n = strlen (first);
	for (guint i = 1; i < items->len; i++) {
		const char *s = items->pdata[i];
		size_t j = 0;
		while (j < n && s[j] == first[j])
			j++;
		n = j;
	}
	/* Never cut a UTF-8 character in two. */
	while (n > 0 && (first[n] & 0xC0) == 0x80)
		n--;
	return g_strndup (first, n);
}
