/* workbench ingest CASE PATH...: files, folders, Maildirs, mboxes, archives.
 *
 * Outcomes (notmuch-new style): copies added; kept but noted (duplicate
 * locations, not mail, flagged members: one 'note:' line each, exit 0);
 * fatal (the case cannot be written, interrupt: the current source is
 * rolled back, exit 1).  A missing PATH is an error before any work. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include "wb.h"
#include "ingest.h"
#include "analyze.h"
#include "rules.h"

/* Notes naming the files and members that gave no copy, at most. */
#define NOTES_MAX 20

static gboolean
parse_size (const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	guint64 v = g_ascii_strtoull (s, &end, 10);
	if (errno || end == s)
		return FALSE;
	if (*end == 'K' || *end == 'k') { v <<= 10; end++; }
	else if (*end == 'M' || *end == 'm') { v <<= 20; end++; }
	else if (*end == 'G' || *end == 'g') { v <<= 30; end++; }
	if (*end == 'i' && end[-1] != 0) end++;
	if (*end == 'B') end++;
	if (*end || v == 0)
		return FALSE;
	*out = v;
	return TRUE;
}

static void
on_progress (void *data, uint64_t bytes, uint64_t messages)
{
	wb_progress_update (data, bytes, messages);
}

static uint64_t
count_bytes (const char *path, int level)
{
	struct stat sb;
	if (lstat (path, &sb) != 0)
		return 0;
	if (S_ISREG (sb.st_mode))
		return sb.st_size;
	if (!S_ISDIR (sb.st_mode) || level > 64)
		return 0;
	GDir *d = g_dir_open (path, 0, NULL);
	if (!d)
		return 0;
	uint64_t n = 0;
	const char *e;
	while ((e = g_dir_read_name (d))) {
		char *p = g_build_filename (path, e, NULL);
		n += count_bytes (p, level + 1);
		g_free (p);
	}
	g_dir_close (d);
	return n;
}

static void
print_summary (wb_ctx_t *ctx, int64_t run, const wb_ingest_stats_t *s)
{
	FILE *o = ctx->out;
	fprintf (o, "sources:    %" G_GUINT64_FORMAT " ingested, %" G_GUINT64_FORMAT
		 " already complete (skipped)\n", s->sources, s->skipped);
	fprintf (o, "members:    %" G_GUINT64_FORMAT " files and members read\n", s->members);
	fprintf (o, "copies:     %" G_GUINT64_FORMAT " found: %" G_GUINT64_FORMAT " added, %"
		 G_GUINT64_FORMAT " duplicate locations\n", s->copies, s->added, s->duplicates);
	fprintf (o, "not mail:   %" G_GUINT64_FORMAT "\n", s->not_mail);
	fprintf (o, "skipped:    %" G_GUINT64_FORMAT "\n", s->skipped_members);
	fprintf (o, "flagged:    %" G_GUINT64_FORMAT "\n", s->flagged);
	/* Copies kept with a defect or a parser warning (messages.warnings). */
	sqlite3_stmt *mf = wb_case_stmt (ctx->cs, WB_RUN_MALFORMED);
	if (mf) {
		sqlite3_bind_int64 (mf, 1, run);
		if (sqlite3_step (mf) == SQLITE_ROW) {
			int n = sqlite3_column_int (mf, 0);
			fprintf (o, "malformed:  %d %s kept with a defect (%d distinct;"
				 " 'messages --status malformed' lists them)\n", n, n == 1 ? "copy" : "copies",
				 sqlite3_column_int (mf, 1));
		}
		sqlite3_reset (mf);
	}
	/* Flagged by reason: the reason up to its first ':' ("truncated: ..."). */
	sqlite3_stmt *st = wb_case_stmt (ctx->cs, WB_RUN_FLAGGED);
	if (st) {
		sqlite3_bind_int64 (st, 1, run);
		while (sqlite3_step (st) == SQLITE_ROW)
			fprintf (o, "  %-30s %d\n", sqlite3_column_text (st, 0), sqlite3_column_int (st, 1));
		sqlite3_reset (st);
	}
	st = wb_case_stmt (ctx->cs, WB_RUN_PER_TRAP);
	if (st) {
		sqlite3_bind_int64 (st, 1, run);
		gboolean head = FALSE;
		while (sqlite3_step (st) == SQLITE_ROW) {
			if (!head)
				fprintf (o, "per trap:   (copies found, distinct copies)\n");
			head = TRUE;
			fprintf (o, "  %-30s %d %d\n", sqlite3_column_text (st, 0), sqlite3_column_int (st, 1),
				 sqlite3_column_int (st, 2));
		}
		sqlite3_reset (st);
	}
}

const wb_option_t wb_options_ingest[] = {
	WB_STRING ('s', "max-message-size", "BYTES", "A message larger than this (default 100M) "
		   "is kept as a defect, not parsed.  A size: 50000000, 50K, 50M, 1G"),
	WB_INT ('d', "max-depth", "N", "How deep archives may nest in archives (default 8); a "
		"deeper one is kept as a defect"),
	WB_INT ('r', "max-ratio", "N", "The largest ratio of decompressed to compressed "
		"bytes (default 200) before a member is refused as a decompression bomb"),
	WB_STRING ('t', "max-total", "BYTES", "The most bytes one source file may expand to, "
		   "its members together (default 64G)"),
	WB_INT ('j', "threads", "N", "Parse with N threads (at most 16; default 2)"),
	WB_FLAG ('n', "no-analysis", "Store the messages only; 'reanalyze' analyses them later "
		 "(damages, link and report need it)"),
	WB_OPTIONS_END
};

int
wb_cmd_ingest (wb_ctx_t *ctx, int argc, char **argv)
{
	wb_ingest_opts_t o = { 0 };
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_ingest)) != -1) {
		uint64_t v;
		switch (c) {
		case 'n':
			o.no_analysis = TRUE;
			break;
		case 's':
			if (!parse_size (optarg, &o.max_message))
				return wb_usage_error ("ingest", "--max-message-size '%s' is not a size", optarg);
			break;
		case 't':
			if (!parse_size (optarg, &o.max_total))
				return wb_usage_error ("ingest", "--max-total '%s' is not a size", optarg);
			break;
		case 'd':
		case 'r':
		case 'j':
			if (!parse_size (optarg, &v) || v > 1000000)
				return wb_usage_error ("ingest", "--%s '%s' is not a positive number",
						       c == 'd' ? "max-depth" : c == 'r' ? "max-ratio" : "threads",
						       optarg);
			if (c == 'd') o.max_depth = (int) v;
			else if (c == 'r') o.max_ratio = v;
			else o.threads = (int) MIN (v, 16);
			break;
		default:
			return wb_usage_error ("ingest", "bad option");
		}
	}
	if (optind >= argc)
		return wb_usage_error ("ingest", "no PATH to ingest");
	/* Every path must exist before anything is written. */
	uint64_t total = 0;
	for (int i = optind; i < argc; i++) {
		struct stat sb;
		if (stat (argv[i], &sb) != 0) {
			wb_error ("cannot read '%s': %s", argv[i], g_strerror (errno));
			return WB_EXIT_FAIL;
		}
		if (!S_ISDIR (sb.st_mode) && !S_ISREG (sb.st_mode)) {
			wb_error ("cannot ingest '%s': not a file or folder", argv[i]);
			return WB_EXIT_FAIL;
		}
		if (ctx->progress)
			total += count_bytes (argv[i], 0);
	}

	wb_case_t *cs = ctx->cs;
	/* Without a roster no copy has a trap, so no recipient, and no statute
	 * reaches it: say so before the work, while it can still be stopped. */
	sqlite3_stmt *tq = wb_case_stmt (cs, "SELECT 1 FROM traps LIMIT 1");
	if (tq && sqlite3_step (tq) != SQLITE_ROW) {
		const char *cp = ctx->case_path ? ctx->case_path : "CASE";
		wb_warning ("the case has no traps: no copy will be matched to a trap account, so no"
			    " statute reaches any");
		wb_hint ("import the roster first: workbench import %s traps FILE.csv (imported"
			 " after, it asks for 'workbench reanalyze %s')", cp, cp);
	}
	if (tq)
		sqlite3_reset (tq);
	int64_t run;
	wb_status_t st = wb_case_run_begin (cs, "ingest", ctx->command_line, &run);
	if (st)
		return wb_fail_case (ctx, st);
	wb_progress_t *pb = wb_progress_new (ctx, "ingest", total);
	if (pb) {
		o.progress = on_progress;
		o.progress_data = pb;
	}
	/* Rule findings made as each copy is analysed, when that gives what
	 * wb_rules_apply_new() would after the ingest (rules.h); not while
	 * analysis is pending (no rule findings then). */
	char *pending_before = wb_case_info (cs, "analysis_pending");
	wb_rules_ingest_t *ri = NULL;
	if (!o.no_analysis && !(pending_before && strcmp (pending_before, "1") == 0))
		ri = wb_rules_ingest_new (cs, run);
	g_free (pending_before);
	o.findings = wb_rules_ingest_hook (ri);
	/* WB_INGEST_INDEX_REBUILD_MIN=N: the threshold of ingest.h's
	 * index_rebuild_min, for tests that must reach it with a few copies. */
	const char *rebuild = g_getenv ("WB_INGEST_INDEX_REBUILD_MIN");
	if (rebuild)
		o.index_rebuild_min = g_ascii_strtoull (rebuild, NULL, 10);
	/* WB_INGEST_GROUP_BYTES=N, WB_INGEST_GROUP_MS=N: the size and age at
	 * which a group of a folder's files is committed (ingest.h), for tests
	 * that kill an ingest between groups. */
	const char *gb = g_getenv ("WB_INGEST_GROUP_BYTES"), *gm = g_getenv ("WB_INGEST_GROUP_MS");
	if (gb)
		o.group_bytes = g_ascii_strtoull (gb, NULL, 10);
	if (gm)
		o.group_ms = (unsigned) g_ascii_strtoull (gm, NULL, 10);
	wb_ingest_t *ing = wb_ingest_new (cs, run, &o);
	if (!ing) {
		wb_progress_free (pb);
		wb_rules_ingest_free (ri);
		return wb_fail_case (ctx, WB_ERR_DB);
	}
	/* WB_TIMING=1: the time of each phase on stderr (tests/bench). */
	gboolean timing = g_getenv ("WB_TIMING") != NULL;
	gint64 t0 = g_get_monotonic_time (), t1 = 0, t2 = 0, t3 = 0;
	for (int i = optind; i < argc && !st; i++)
		st = wb_ingest_path (ing, argv[i]);
	char *err = st ? g_strdup (wb_case_errmsg (cs)) : NULL;
	const wb_ingest_stats_t *s = wb_ingest_stats (ing);
	wb_ingest_stats_t counts = *s;
	wb_ingest_free (ing);
	t1 = t2 = t3 = g_get_monotonic_time ();

	/* Copies stored without analysis (this run's or an earlier one's):
	 * campaigns and rule findings wait for 'reanalyze'. */
	char *pending_v = wb_case_info (cs, "analysis_pending");
	gboolean pending = pending_v && strcmp (pending_v, "1") == 0;
	g_free (pending_v);

	/* Campaigns (near-duplicate groups) span sources, so they are formed
	 * again once this run's copies are in; also after an interrupted or
	 * killed run, whose committed copies have no campaign yet, or the
	 * numbers ingest gave a new case's copies as it went
	 * (WB_CAMPAIGNS_PENDING). */
	if (!wb_interrupted && !pending) {
		/* Asked only when no copy was added: the NULL campaign is
		 * looked for through a whole index. */
		gboolean stale = counts.added > 0;
		if (!stale) {
			char *cp = wb_case_info (cs, WB_CAMPAIGNS_PENDING);
			stale = cp != NULL;
			g_free (cp);
		}
		if (!stale) {
			sqlite3_stmt *nc = wb_case_stmt (cs, "SELECT 1 FROM messages WHERE campaign IS NULL LIMIT 1");
			stale = nc && sqlite3_step (nc) == SQLITE_ROW;
			if (nc)
				sqlite3_reset (nc);
		}
		/* The statutes' rule findings follow from the new copies' facts. */
		if (stale && !st) {
			wb_progress_phase (pb, "grouping near-duplicate copies into campaigns");
			if ((st = wb_analyze_campaigns (cs)))
				err = g_strdup (wb_case_errmsg (cs));
		}
		t2 = g_get_monotonic_time ();
		/* Every run: the findings of the new copies (none, when all were
		 * known), so the stored findings stay current for damages; made
		 * already, as the copies were stored, when RI is set. */
		if (!st && !ri)
			wb_progress_phase (pb, "rule findings of the new copies");
		if (!st && (st = ri ? wb_rules_ingest_finish (ri, cs, NULL) : wb_rules_apply_new (cs, run, NULL)))
			err = g_strdup (wb_case_errmsg (cs));
		t3 = g_get_monotonic_time ();
	}
	wb_progress_free (pb);
	wb_rules_ingest_free (ri);

	/* A note for each file or member of this run that yielded no copy (not
	 * mail, skipped) or was flagged, with why: the first NOTES_MAX, then
	 * how many more and how to list them. */
	sqlite3_stmt *q = wb_case_stmt (cs, WB_RUN_NOTES);
	if (q) {
		int more = 0, shown = 0;
		sqlite3_bind_int64 (q, 1, run);
		while (sqlite3_step (q) == SQLITE_ROW) {
			if (shown++ >= NOTES_MAX) {
				more++;
				continue;
			}
			wb_note ("%s '%s': %s", sqlite3_column_text (q, 0), sqlite3_column_text (q, 1),
				 sqlite3_column_text (q, 2));
		}
		sqlite3_reset (q);
		if (more) {
			wb_note ("and %d more not mail, skipped or flagged", more);
			wb_hint ("list them all: workbench sql %s \"SELECT role, chain, reason FROM sources"
				 " WHERE run = %" G_GINT64_FORMAT " AND role IN ('flagged', 'skipped', 'not-mail')"
				 " ORDER BY id\"", ctx->case_path ? ctx->case_path : "CASE", run);
		}
	}
	/* A zstd frame that did not give the bytes back (wb_raw_encode): never
	 * seen, and the bytes were stored as they are; said and logged. */
	char *raw_refused = counts.raw_refused
		? g_strdup_printf (" raw_refused=%" G_GUINT64_FORMAT, counts.raw_refused) : g_strdup ("");
	if (counts.raw_refused)
		wb_warning ("%" G_GUINT64_FORMAT " copies' zstd frames did not give their bytes back: those"
			    " bytes are stored as they are (raw.codec 'none')", counts.raw_refused);
	char *detail = g_strdup_printf ("sources=%" G_GUINT64_FORMAT " skipped=%" G_GUINT64_FORMAT
					" copies=%" G_GUINT64_FORMAT " added=%" G_GUINT64_FORMAT
					" duplicates=%" G_GUINT64_FORMAT " not_mail=%" G_GUINT64_FORMAT
					" flagged=%" G_GUINT64_FORMAT "%s%s",
					counts.sources, counts.skipped, counts.copies, counts.added,
					counts.duplicates, counts.not_mail, counts.flagged, raw_refused,
					st ? " status=failed" : "");
	g_free (raw_refused);
	wb_status_t st2 = wb_case_run_end (cs, run, detail);
	g_free (detail);
	print_summary (ctx, run, &counts);
	/* No input gave a single copy (and none was complete already): the
	 * command did not do what it was asked. */
	gboolean nothing = !st && counts.copies == 0 && counts.skipped == 0;
	if (timing) {
		fprintf (stderr, "timing: read, parse, analyse and store %.2f s, campaigns %.2f s,"
			 " rule findings %.2f s", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
		/* Bytes the process wrote: the case, its journal and any temporary
		 * file.  Far above the case file's size means pages written again
		 * and again (a statement journal, cache spills). */
		char *io = NULL;
		if (g_file_get_contents ("/proc/self/io", &io, NULL, NULL)) {
			const char *w = strstr (io, "wchar: ");
			if (w)
				fprintf (stderr, ", wrote %.0f MB", g_ascii_strtod (w + 7, NULL) / 1e6);
		}
		g_free (io);
		fprintf (stderr, ", %" G_GUINT64_FORMAT " commit(s), %" G_GUINT64_FORMAT " batch(es)",
			 counts.commits, counts.batches);
		if (counts.index_rebuilds)
			fprintf (stderr, ", artifact_copies built again in %" G_GUINT64_FORMAT " source(s)",
				 counts.index_rebuilds);
		if (counts.cache_gets)
			fprintf (stderr, ", body cache %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " answered",
				 counts.cache_hits, counts.cache_gets);
		fputc ('\n', stderr);
	}
	if (pending && !st)
		fprintf (ctx->out, "analysis:   %s: run 'workbench reanalyze %s' before damages, link or report\n",
			 o.no_analysis ? "not done (--no-analysis)" : "pending for copies in the case",
			 ctx->case_path ? ctx->case_path : "CASE");
	if (st) {
		wb_error ("%s", err && *err ? err : wb_status_str (st));
		if (st == WB_ERR_INTERRUPTED)
			wb_hint ("run the same command again to resume: complete sources are skipped");
		g_free (err);
		return WB_EXIT_FAIL;
	}
	if (st2)
		return wb_fail_case (ctx, st2);
	if (nothing) {
		wb_error ("no message copy found in %s", argc - optind == 1 ? "the input" : "any input");
		wb_hint ("the notes above say what each file was; ingest reads mbox, Maildir, .eml and"
			 " archives of them");
		return WB_EXIT_FAIL;
	}
	return WB_EXIT_OK;
}
