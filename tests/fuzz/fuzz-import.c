/* libFuzzer harness: the CSV importers (workbench/cli/import-*.c) on a scratch
 * case holding the built-in statutes.  The first byte of the input picks the
 * importer (traps, parties, findings); the rest is the CSV file. */
#include "fuzz-case.h"
#include "wb.h"
#include "import.h"
#include "statute.h"

static FILE *devnull;

/* Silent versions of the message functions of workbench/cli/commands.c
 * (the importers' messages are not checked).  The importers need nothing
 * else from commands.o, so the linker takes these and leaves it out. */
void wb_error (const char *fmt, ...) { }
void wb_warning (const char *fmt, ...) { }
void wb_hint (const char *fmt, ...) { }
void wb_note (const char *fmt, ...) { }
int wb_fail_case (wb_ctx_t *ctx, wb_status_t st) { return 1; }
int wb_finish_output (wb_ctx_t *ctx, int rc) { fflush (ctx->out); return rc; }

static void
install_statutes (void)
{
	static wb_case_t *done;
	if (done == fz_cs)
		return;
	done = fz_cs;
	if (wb_case_begin (fz_cs) || wb_statutes_install (fz_cs, NULL, fz_run) || wb_case_commit (fz_cs)) {
		fprintf (stderr, "fuzz: %s\n", wb_case_errmsg (fz_cs));
		abort ();
	}
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	fz_init ();
	devnull = fopen ("/dev/null", "w");
	return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	wb_case_t *cs = fz_case ();
	install_statutes ();
	char *path = fz_write ("import.csv", data + 1, size - 1);
	wb_ctx_t ctx = { .case_path = fz_case_path, .cs = cs, .out = devnull,
			 .command_line = (char *) "fuzz import" };
	switch (data[0] % 3) {
	case 0: wb_import_traps (&ctx, path); break;
	case 1: wb_import_parties (&ctx, path); break;
	default: wb_import_findings (&ctx, path); break;
	}
	g_unlink (path);
	g_free (path);
	return 0;
}
