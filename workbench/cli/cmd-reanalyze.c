#include <getopt.h>
#include <gmime/gmime.h>
#include "wb.h"
#include "analyze.h"
#include "rules.h"
#include "ingest-private.h"

/* 'reanalyze CASE': run analysis again over every stored copy, from its raw
 * bytes, then regroup campaigns.  Parse and analysis (pure, thread-safe) run
 * on a pool of threads, one per processor; this thread reads the raw bytes
 * and stores the results in order, a transaction every BATCH copies.  The
 * evidence (raw bytes, the fields ingest filled) is never touched. */
#define BATCH 500
#define WINDOW 1024   /* copies read ahead of the one being stored */

typedef struct {
	int64_t id;
	GBytes *raw;
	char *trap, *hosts;
	wb_analysis_t *a;
	gboolean done;
} item_t;

typedef struct {
	GMutex lock;
	GCond cond;
} shared_t;

static void
item_free (item_t *it)
{
	if (!it)
		return;
	g_bytes_unref (it->raw);
	g_free (it->trap);
	g_free (it->hosts);
	wb_analysis_free (it->a);
	g_free (it);
}

static void
work (gpointer data, gpointer user)
{
	item_t *it = data;
	shared_t *sh = user;
	gsize len = 0;
	const char *raw = g_bytes_get_data (it->raw, &len);
	/* Parsed as ingest parses it (a byte-order mark, leading blank lines,
	 * no blank line before the body), so the analysis is ingest's. */
	GMimeParserOptions *po = g_mime_parser_options_new ();
	GString *warn = g_string_new (NULL);
	GMimeMessage *msg = wb_ingest_parse (raw, len, po, warn, NULL);
	wb_analyze_ctx_t actx = { it->trap, it->hosts };
	wb_analysis_t *a = wb_analyze (msg, raw, len, &actx);
	if (msg)
		g_object_unref (msg);
	g_string_free (warn, TRUE);
	g_mime_parser_options_free (po);
	g_mutex_lock (&sh->lock);
	it->a = a;
	it->done = TRUE;
	g_cond_broadcast (&sh->cond);
	g_mutex_unlock (&sh->lock);
}

/* Read copy ID into a new item, or NULL on a database error. */
static item_t *
read_item (wb_case_t *cs, sqlite3_stmt *get, int64_t id)
{
	sqlite3_bind_int64 (get, 1, id);
	if (sqlite3_step (get) != SQLITE_ROW) {
		sqlite3_reset (get);
		return NULL;
	}
	item_t *it = g_new0 (item_t, 1);
	it->id = id;
	it->raw = g_bytes_new (sqlite3_column_blob (get, 0), sqlite3_column_bytes (get, 0));
	it->trap = g_strdup ((const char *) sqlite3_column_text (get, 1));
	it->hosts = g_strdup ((const char *) sqlite3_column_text (get, 2));
	sqlite3_reset (get);
	return it;
}

int
wb_cmd_reanalyze (wb_ctx_t *ctx, int argc, char **argv)
{
	if (argc > 1)
		return wb_usage_error ("reanalyze", "unexpected argument '%s'", argv[1]);
	wb_case_t *cs = ctx->cs;
	int rc = WB_EXIT_FAIL;
	wb_status_t st = WB_ERR_DB;
	int64_t run = 0, done = 0;
	uint64_t bytes_done = 0;
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (int64_t));
	GQueue pending = G_QUEUE_INIT;
	wb_progress_t *prog = NULL;
	gboolean in_tx = FALSE;
	shared_t sh;
	g_mutex_init (&sh.lock);
	g_cond_init (&sh.cond);
	GThreadPool *pool = NULL;

	sqlite3_stmt *sel = wb_case_stmt (cs, "SELECT id FROM messages ORDER BY id");
	if (!sel)
		goto fail;
	int src;
	while ((src = sqlite3_step (sel)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64 (sel, 0);
		g_array_append_val (ids, id);
	}
	sqlite3_reset (sel);
	if (src != SQLITE_DONE) {
		st = wb_case_fail_db (cs, "cannot list messages");
		goto fail;
	}
	sqlite3_stmt *total = wb_case_stmt (cs, "SELECT coalesce(sum(r.size), 0) FROM messages m"
					    " JOIN raw r ON r.id = m.raw_id");
	uint64_t total_bytes = 0;
	if (total && sqlite3_step (total) == SQLITE_ROW)
		total_bytes = sqlite3_column_int64 (total, 0);
	if (total)
		sqlite3_reset (total);
	if ((st = wb_case_run_begin (cs, "reanalyze", ctx->command_line, &run)))
		goto fail;
	prog = wb_progress_new (ctx, "analysing", total_bytes);
	sqlite3_stmt *get = wb_case_stmt (cs,
		"SELECT r.bytes, t.address, t.hosts FROM messages m JOIN raw r ON r.id = m.raw_id"
		" LEFT JOIN traps t ON t.id = m.trap_id WHERE m.id = ?");
	if (!get)
		goto fail;
	wb_analysis_data ();   /* load the tables before the threads start */
	pool = g_thread_pool_new (work, &sh, MAX (1, (int) g_get_num_processors ()), FALSE, NULL);
	guint next = 0;
	while (done < (int64_t) ids->len) {
		/* Keep the workers busy: read ahead up to WINDOW copies. */
		while (next < ids->len && g_queue_get_length (&pending) < WINDOW) {
			item_t *it = read_item (cs, get, g_array_index (ids, int64_t, next));
			if (!it) {
				st = wb_case_fail_db (cs, "cannot read raw bytes");
				goto fail;
			}
			g_queue_push_tail (&pending, it);
			g_thread_pool_push (pool, it, NULL);
			next++;
		}
		item_t *it = g_queue_pop_head (&pending);
		g_mutex_lock (&sh.lock);
		while (!it->done)
			g_cond_wait (&sh.cond, &sh.lock);
		g_mutex_unlock (&sh.lock);
		if (wb_interrupted) {
			item_free (it);
			wb_case_rollback (cs);
			in_tx = FALSE;
			wb_error ("interrupted: %" G_GINT64_FORMAT " of %u copies analysed; "
				  "the last batch was rolled back", done - done % BATCH, ids->len);
			goto out;
		}
		if (!in_tx) {
			if ((st = wb_case_begin (cs))) {
				item_free (it);
				goto fail;
			}
			in_tx = TRUE;
		}
		st = wb_analysis_store (cs, it->id, it->a);
		bytes_done += g_bytes_get_size (it->raw);
		item_free (it);
		if (st)
			goto fail;
		done++;
		wb_progress_update (prog, bytes_done, done);
		if (done % BATCH == 0) {
			if ((st = wb_case_commit (cs)))
				goto fail;
			in_tx = FALSE;
		}
	}
	if (in_tx) {
		if ((st = wb_case_commit (cs)))
			goto fail;
		in_tx = FALSE;
	}
	/* New facts: the statutes' rule findings are made again from them. */
	wb_progress_phase (prog, "grouping near-duplicate copies into campaigns");
	if ((st = wb_analyze_campaigns (cs)))
		goto fail;
	wb_progress_phase (prog, "rule findings");
	if ((st = wb_rules_apply (cs, NULL, run, NULL)))
		goto fail;
	/* Every copy has its analysis now (ingest --no-analysis). */
	if ((st = wb_case_set_info (cs, "analysis_pending", "0")))
		goto fail;
	sqlite3_stmt *nc = wb_case_stmt (cs, "SELECT count(DISTINCT campaign) FROM messages");
	int64_t campaigns = 0;
	if (nc && sqlite3_step (nc) == SQLITE_ROW)
		campaigns = sqlite3_column_int64 (nc, 0);
	if (nc)
		sqlite3_reset (nc);
	char *detail = g_strdup_printf ("analysed %" G_GINT64_FORMAT " copies; %" G_GINT64_FORMAT
					" campaigns", done, campaigns);
	st = wb_case_run_end (cs, run, detail);
	wb_progress_free (prog);
	prog = NULL;
	fprintf (ctx->out, "%s\n", detail);
	g_free (detail);
	if (st)
		goto fail;
	rc = WB_EXIT_OK;
	goto out;
fail:
	if (in_tx)
		wb_case_rollback (cs);
	rc = wb_fail_case (ctx, st ? st : WB_ERR_DB);
out:
	/* Let the workers finish what they hold before freeing it. */
	if (pool)
		g_thread_pool_free (pool, FALSE, TRUE);
	g_queue_clear_full (&pending, (GDestroyNotify) item_free);
	wb_progress_free (prog);
	g_array_unref (ids);
	g_mutex_clear (&sh.lock);
	g_cond_clear (&sh.cond);
	return wb_finish_output (ctx, rc);
}
