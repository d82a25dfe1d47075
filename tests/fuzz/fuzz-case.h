/* Shared by the libFuzzer harnesses that need a case: a scratch case in a
 * temporary folder, created at start and re-created every FUZZ_CASE_RUNS
 * inputs so that it stays small, and a helper that writes the input to a
 * file of its own.  Included by one harness each (no separate object). */
#ifndef FUZZ_CASE_H
#define FUZZ_CASE_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include "case.h"
#include "ingest.h"

#define FUZZ_CASE_RUNS 2000

static char *fz_dir;          /* temporary folder of this process */
static char *fz_case_path;
static wb_case_t *fz_cs;
static int64_t fz_run;
static unsigned fz_count;

static void
fz_case_reset (void)
{
	if (fz_cs)
		wb_case_free (fz_cs);
	fz_cs = NULL;
	if (!fz_dir) {
		/* In /dev/shm when there is one: the case's fsyncs cost nothing
		 * there, which makes the ingest harnesses several times faster. */
		if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0)
			fz_dir = g_mkdtemp (g_strdup ("/dev/shm/wb-fuzz-XXXXXX"));
		if (!fz_dir)
			fz_dir = g_dir_make_tmp ("wb-fuzz-XXXXXX", NULL);
		if (!fz_dir)
			abort ();
		fz_case_path = g_build_filename (fz_dir, "case.wb", NULL);
	}
	g_unlink (fz_case_path);
	char *lock = g_strconcat (fz_case_path, ".lock", NULL);
	g_unlink (lock);
	g_free (lock);
	char *err = NULL;
	if (wb_case_create (fz_case_path, "fuzz", NULL, &fz_cs, &err) || wb_case_lock (fz_cs)) {
		fprintf (stderr, "fuzz: cannot create case: %s\n", err ? err : wb_case_errmsg (fz_cs));
		abort ();
	}
	if (wb_case_run_begin (fz_cs, "fuzz", "fuzz", &fz_run))
		abort ();
}

/* The scratch case, re-created every FUZZ_CASE_RUNS calls. */
static wb_case_t *
fz_case (void)
{
	if (!fz_cs || ++fz_count % FUZZ_CASE_RUNS == 0)
		fz_case_reset ();
	return fz_cs;
}

/* Write DATA to DIR/NAME (a fresh file); returns the path (g_free it). */
static char *
fz_write (const char *name, const void *data, size_t size)
{
	char *path = g_build_filename (fz_dir, name, NULL);
	if (!g_file_set_contents (path, data, (gssize) size, NULL))
		abort ();
	return path;
}

static void
fz_atexit (void)
{
	wb_case_free (fz_cs);
	fz_cs = NULL;
	if (fz_dir) {
		char *cmd = g_strdup_printf ("rm -rf '%s'", fz_dir);
		if (system (cmd) != 0)
			fprintf (stderr, "fuzz: cannot remove %s\n", fz_dir);
		g_free (cmd);
	}
}

static void
fz_init (void)
{
	g_mime_init ();
	fz_case_reset ();
	atexit (fz_atexit);
}

/* Ingest the bytes as file NAME (one source) into the scratch case. */
static G_GNUC_UNUSED void
fz_ingest (const char *name, const void *data, size_t size)
{
	wb_case_t *cs = fz_case ();
	char *path = fz_write (name, data, size);
	wb_ingest_opts_t o = { .threads = 1, .max_message = 4u << 20 };
	wb_ingest_t *ing = wb_ingest_new (cs, fz_run, &o);
	if (!ing)
		abort ();
	wb_status_t st = wb_ingest_path (ing, path);
	/* A fatal error here is a failure to write the case, never the input's fault. */
	if (st && st != WB_ERR_FORMAT) {
		fprintf (stderr, "fuzz: ingest failed: %s: %s\n", wb_status_str (st), wb_case_errmsg (cs));
		abort ();
	}
	wb_ingest_free (ing);
	g_unlink (path);
	g_free (path);
}

#endif
