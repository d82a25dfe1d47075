#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "attrib-cmd.h"

/* The cluster PARTY is in (0: none) and its members' names, "A, B, C"
 * (newly allocated; NULL when in none). */
static wb_status_t
cluster_of (wb_case_t *cs, int64_t party, int64_t *id, char **members)
{
	sqlite3_stmt *st = wb_case_stmt (cs,
		"SELECT m.cluster, (SELECT group_concat(name, ', ') FROM (SELECT p.name FROM cluster_members o"
		"  JOIN parties p ON p.id = o.party WHERE o.cluster = m.cluster ORDER BY p.id))"
		" FROM cluster_members m WHERE m.party = ?1");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, party);
	*id = 0;
	*members = NULL;
	int rc = sqlite3_step (st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64 (st, 0);
		*members = g_strdup ((const char *) sqlite3_column_text (st, 1));
	}
	sqlite3_reset (st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? WB_OK : wb_case_fail_db (cs, "cannot read clusters");
}

/* "cluster 2 (A, B)" or "A (in no cluster)". */
static char *
cluster_text (int64_t id, const char *members, const char *name)
{
	return id ? g_strdup_printf ("cluster %" PRId64 " (%s)", id, members)
		: g_strdup_printf ("%s (in no cluster)", name);
}
const wb_option_t wb_options_review[] = {
	WB_STRING ('n', "note", "TEXT", "Why: kept in the custody log with the decision"),
	WB_OPTIONS_END
};

/* 'review CASE PARTY PARTY confirm|reject [--note TEXT]': an analyst's
 * decision on a link, in the custody log; 'link' keeps it. */
int
wb_cmd_review (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *note = NULL;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_review)) != -1) {
		if (c == 'n')
			note = optarg;
		else
			return wb_usage_error ("review", "bad option");
	}
	if (argc - optind != 3)
		return wb_usage_error ("review", "give two parties and confirm or reject");
	const char *decision = argv[optind + 2];
	const char *review = !strcmp (decision, "confirm") ? "confirmed"
		: !strcmp (decision, "reject") ? "rejected" : NULL;
	if (!review)
		return wb_usage_error ("review", "'%s': give confirm or reject", decision);
	wb_case_t *cs = ctx->cs;
	int64_t a, b;
	wb_status_t st;
	if ((st = wb_attrib_find_party (cs, argv[optind], &a)) ||
	    (st = wb_attrib_find_party (cs, argv[optind + 1], &b)))
		return wb_fail_case (ctx, st);
	if (a == b) {
		wb_error ("'%s' and '%s' are the same party", argv[optind], argv[optind + 1]);
		return WB_EXIT_FAIL;
	}
	if (a > b) {
		int64_t t = a; a = b; b = t;
	}
	wb_attrib_conf_t *conf = wb_attrib_conf_or_error ();
	if (!conf)
		return WB_EXIT_FAIL;
	wb_attrib_cmp_t *cmp = NULL;
	int64_t run;
	gboolean tx = FALSE;
	if ((st = wb_attrib_compare (cs, conf, a, b, &cmp)))
		goto done;
	if ((st = wb_case_begin (cs)))
		goto done;
	tx = TRUE;
	if ((st = wb_case_run_begin (cs, "review", ctx->command_line, &run)))
		goto done;
	sqlite3_stmt *s = wb_case_stmt (cs,
		"INSERT INTO links (party_a, party_b, score, strength, review, note, summary)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		" ON CONFLICT (party_a, party_b) DO UPDATE SET review = ?5, note = ?6");
	if (!s) {
		st = WB_ERR_DB;
		goto done;
	}
	char *summary = g_strdup_printf ("%s %.2f: not linked by 'link' when reviewed", cmp->strength,
					 cmp->score);
	sqlite3_bind_int64 (s, 1, a);
	sqlite3_bind_int64 (s, 2, b);
	sqlite3_bind_double (s, 3, round (cmp->score * 10000.0) / 10000.0);
	sqlite3_bind_text (s, 4, cmp->strength, -1, SQLITE_STATIC);
	sqlite3_bind_text (s, 5, review, -1, SQLITE_STATIC);
	sqlite3_bind_text (s, 6, note, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (s, 7, summary, -1, g_free);
	int rc = sqlite3_step (s);
	sqlite3_reset (s);
	if (rc != SQLITE_DONE) {
		st = wb_case_fail_db (cs, "cannot record review");
		goto done;
	}
	char *detail = g_strdup_printf ("link %s (%" PRId64 ") - %s (%" PRId64 "): %s%s%s",
					cmp->a_name, a, cmp->b_name, b, review, note ? ": " : "",
					note ? note : "");
	/* What the review does to the clusters, said after it: the analyst
	 * confirming a link joins whole groups of parties, not just two. */
	int64_t ca = 0, cb = 0, na = 0, nb = 0;
	char *ma = NULL, *mb = NULL, *mn = NULL, *mn2 = NULL;
	st = cluster_of (cs, a, &ca, &ma);
	if (!st)
		st = cluster_of (cs, b, &cb, &mb);
	if (!st)
		st = wb_attrib_clusters (cs, NULL);
	if (!st)
		st = cluster_of (cs, a, &na, &mn);
	if (!st)
		st = cluster_of (cs, b, &nb, &mn2);
	char *effect = NULL;
	if (!st) {
		char *ta = cluster_text (ca, ma, cmp->a_name), *tb = cluster_text (cb, mb, cmp->b_name);
		char *ra = cluster_text (na, mn, cmp->a_name), *rb = cluster_text (nb, mn2, cmp->b_name);
		gboolean was_one = ca && ca == cb, now_one = na && na == nb;
		if (now_one && !was_one)
			effect = g_strdup_printf ("Merged %s and %s into %s", ta, tb, ra);
		else if (now_one && was_one && strcmp (review, "rejected") == 0)
			effect = g_strdup_printf ("Still together in %s: other links join them", ra);
		else if (now_one)
			effect = g_strdup_printf ("Already together in %s: no clusters merged", ra);
		else if (was_one)
			effect = g_strdup_printf ("Split %s into %s and %s", ta, ra, rb);
		else
			effect = g_strdup_printf ("No clusters merged: %s and %s stay apart", ra, rb);
		g_free (ta);
		g_free (tb);
		g_free (ra);
		g_free (rb);
		char *d2 = g_strdup_printf ("%s; %s", detail, effect);
		g_free (detail);
		detail = d2;
	}
	g_free (ma);
	g_free (mb);
	g_free (mn);
	g_free (mn2);
	if (!st)
		st = wb_case_custody (cs, run, "review", detail);
	if (!st)
		st = wb_case_run_end (cs, run, detail);
	if (!st)
		st = wb_case_commit (cs);
	if (!st) {
		tx = FALSE;
		fprintf (ctx->out, "Link %s - %s %s\n%s\n", cmp->a_name, cmp->b_name, review, effect);
	}
	g_free (effect);
	g_free (detail);
done:
	if (tx && st)
		wb_case_rollback (cs);
	wb_attrib_cmp_free (cmp);
	wb_attrib_conf_free (conf);
	if (st)
		return wb_fail_case (ctx, st);
	return wb_finish_output (ctx, WB_EXIT_OK);
}
