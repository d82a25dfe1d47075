/* Standard error while a shell command runs: passed through to the screen
 * (progress bars included) until a line starts with "error: " or with the
 * command's name and ": " (getopt's messages); from there on held back, so
 * the shell can print the line and a caret before the message. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "shell.h"

struct wb_shell_tee {
	int saved;               /* the real standard error */
	int rfd;
	GThread *thread;
	GString *held;           /* from the first error line on */
	GString *line;           /* start of a line that may become an error */
	char *trigger2;          /* "NAME: ", getopt's prefix */
	gboolean holding, mid_line, passed, spilled;
	int esc;                 /* 0, 1 after ESC, 2 inside CSI */
};

static void
write_all (int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write (fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		p += k;
		n -= k;
	}
}

static gboolean
may_trigger (wb_shell_tee_t *t, const char *s, gboolean *full)
{
	static const char *const fixed = "error: ";
	const char *trig[2] = { fixed, t->trigger2 };
	for (int i = 0; i < 2; i++) {
		if (g_str_has_prefix (s, trig[i])) {
			*full = TRUE;
			return TRUE;
		}
		if (g_str_has_prefix (trig[i], s))
			return TRUE;
	}
	return FALSE;
}

static void
tee_byte (wb_shell_tee_t *t, char b)
{
	if (t->holding) {
		if (t->spilled) {
			write_all (t->saved, &b, 1);
			return;
		}
		g_string_append_c (t->held, b);
		/* A command that goes on writing after its error: keep the
		 * order of what it wrote, not all of it in memory. */
		if (t->held->len >= 65536) {
			write_all (t->saved, t->held->str, t->held->len);
			g_string_truncate (t->held, 0);
			t->spilled = TRUE;
		}
		return;
	}
	if (t->esc) {
		write_all (t->saved, &b, 1);
		t->esc = t->esc == 1 && b == '[' ? 2 : (t->esc == 2 && !(b >= 0x40 && b <= 0x7e) ? 2 : 0);
		return;
	}
	if (t->mid_line) {
		write_all (t->saved, &b, 1);
		t->passed = TRUE;
		if (b == '\n' || b == '\r')
			t->mid_line = FALSE;
		return;
	}
	if (t->line->len == 0 && (b == '\r' || b == '\n' || b == 0x1b)) {
		write_all (t->saved, &b, 1);
		if (b == 0x1b)
			t->esc = 1;
		return;
	}
	g_string_append_c (t->line, b);
	gboolean full = FALSE;
	if (may_trigger (t, t->line->str, &full)) {
		if (full) {
			t->holding = TRUE;
			g_string_append (t->held, t->line->str);
			g_string_truncate (t->line, 0);
		}
		return;
	}
	write_all (t->saved, t->line->str, t->line->len);
	t->passed = TRUE;
	g_string_truncate (t->line, 0);
	t->mid_line = b != '\n';
}

static gpointer
tee_thread (gpointer data)
{
	wb_shell_tee_t *t = data;
	char buf[4096];
	for (;;) {
		ssize_t n = read (t->rfd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			tee_byte (t, buf[i]);
	}
	if (t->line->len) {
		write_all (t->saved, t->line->str, t->line->len);
		t->passed = TRUE;
	}
	return NULL;
}

wb_shell_tee_t *
wb_shell_tee_start (const char *cmd)
{
	int p[2];
	fflush (stderr);
	if (pipe (p) != 0)
		return NULL;
	wb_shell_tee_t *t = g_new0 (wb_shell_tee_t, 1);
	t->saved = dup (STDERR_FILENO);
	fcntl (t->saved, F_SETFD, FD_CLOEXEC);
	fcntl (p[0], F_SETFD, FD_CLOEXEC);
	dup2 (p[1], STDERR_FILENO);
	close (p[1]);
	t->rfd = p[0];
	t->held = g_string_new (NULL);
	t->line = g_string_new (NULL);
	t->trigger2 = g_strdup_printf ("%s: ", cmd);
	t->thread = g_thread_new ("stderr", tee_thread, t);
	return t;
}

char *
wb_shell_tee_stop (wb_shell_tee_t *t, gboolean *passed)
{
	if (!t) {
		*passed = FALSE;
		return g_strdup ("");
	}
	fflush (stderr);
	dup2 (t->saved, STDERR_FILENO);     /* closes the pipe's last writer */
	g_thread_join (t->thread);
	close (t->rfd);
	close (t->saved);
	*passed = t->passed;
	char *held = g_string_free (t->held, FALSE);
	g_string_free (t->line, TRUE);
	g_free (t->trigger2);
	g_free (t);
	return held;
}

int
wb_shell_named_word (const char *msg, wb_shell_words_t *w)
{
	for (const char *p = msg; (p = strchr (p, '\'')); ) {
		const char *q = strchr (p + 1, '\'');
		const char *nl = strchr (p + 1, '\n');
		if (!q || (nl && nl < q))
			break;
		for (int i = 1; i < w->argc; i++)
			if ((int) strlen (w->argv[i]) == q - p - 1 &&
			    strncmp (w->argv[i], p + 1, q - p - 1) == 0)
				return i;
		p = q + 1;
	}
	return -1;
}

