/* workbench: main().  It opens the case a command needs, so commands never
 * do, and --help works without a case.  The command table and the helpers
 * commands share are in commands.c, in the program's library, so the tests
 * link the real ones. */
#include <malloc.h>
#include <locale.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <gmime/gmime.h>

#include "wb.h"

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
		      "       workbench CASE COMMAND [ARGS]\n"
		      "       workbench CASE              (interactive shell)\n"
		      "       workbench help [COMMAND]\n\n"
		      "Options go before or after CASE, by their whole names.\n\n"
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
		const char *near = wb_command_closest (argv[1]);
		if (near)
			wb_hint ("did you mean '%s'?", near);
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
	 * time paying page faults.  Keep what was freed, up to a bound.  The
	 * program is linked with tcmalloc (Makefile, MALLOC_LIB), for which
	 * these do nothing; they matter in a build with the C library's malloc
	 * (the sanitizers' build, or MALLOC_LIB set empty). */
	mallopt (M_MMAP_THRESHOLD, 32 << 20);
	mallopt (M_TRIM_THRESHOLD, 128 << 20);
	wb_malloc_limit_caches ();
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
	/* The command's arguments, CASE taken out: cargv[0] is its name. */
	char **cargv = g_new0 (char *, argc + 1);
	int cargc = 1;
	if (!cmd && g_file_test (argv[1], G_FILE_TEST_IS_REGULAR)) {
		/* 'workbench CASE' opens the shell on an existing case;
		 * 'workbench CASE COMMAND ...' runs COMMAND on it. */
		const char *name = argc == 2 ? "shell" : argv[2];
		if (strcmp (name, "help") == 0) {
			g_free (cargv);
			return wb_finish_output (&ctx, cmd_help (&ctx, argc - 2, argv + 2));
		}
		cmd = wb_command_find (name);
		if (!cmd || cmd->flags == WB_CASE_NONE) {
			wb_error ("unknown command '%s'", name);
			const char *near = wb_command_closest (name);
			if (near)
				wb_hint ("did you mean '%s'?", near);
			else
				wb_hint ("run 'workbench help' for the list of commands");
			g_free (cargv);
			return WB_EXIT_USAGE;
		}
		ctx.case_path = argv[1];
		for (int i = 3; i < argc; i++)
			cargv[cargc++] = argv[i];
	} else if (!cmd) {
		wb_error ("unknown command '%s'", argv[1]);
		const char *near = wb_command_closest (argv[1]);
		if (near)
			wb_hint ("did you mean '%s'?", near);
		else
			wb_hint ("run 'workbench help' for the list of commands");
		g_free (cargv);
		return WB_EXIT_USAGE;
	} else {
		/* Options may come before CASE and after it, as GNU programs
		 * take them: CASE is the first operand. */
		int k = cmd->flags != WB_CASE_NONE ? wb_command_case_index (cmd, argc - 1, argv + 1) : -1;
		if (k > 0)
			ctx.case_path = argv[k + 1];
		for (int i = 2; i < argc; i++)
			if (k <= 0 || i != k + 1)
				cargv[cargc++] = argv[i];
	}
	cargv[0] = (char *) cmd->name;
	if (wb_wants_help (cargc, cargv)) {
		wb_command_usage (cmd, stdout);
		g_free (cargv);
		return wb_finish_output (&ctx, 0);
	}
	if (cmd->flags != WB_CASE_NONE && !ctx.case_path) {
		g_free (cargv);
		return wb_usage_error (cmd->name, "'%s' needs a case file", cmd->name);
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
		wb_open_mode_t mode = wb_command_writes (cmd, cargc, cargv) ? WB_OPEN_WRITE : WB_OPEN_READ;
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
			else if (st == WB_ERR_OLD_SCHEMA)
				wb_hint ("'workbench upgrade %s' upgrades it in place (copy the file first to keep"
					 " the old one)", ctx.case_path);
			g_free (err);
			g_free (ctx.command_line);
			g_free (cargv);
			return WB_EXIT_FAIL;
		}
	}

	rc = wb_command_run (&ctx, cmd, cargc, cargv);
	g_free (cargv);
	wb_case_free (ctx.cs);
	g_free (ctx.command_line);
	g_mime_shutdown ();
	return rc;
}
