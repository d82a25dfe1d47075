/* The hops of an analysis as the writer stores them (wb_analysis_insert,
 * wb_analysis_store), against the schema's own way of storing a hop: the
 * hops view's INSTEAD OF INSERT trigger, given each field of the same
 * hops by name.  Ten Received headers, so that statements holding several
 * rows and one row both run; fields absent, an IP as the from-host, a date
 * without a zone and an invalid date vary across them. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>
#include "analyze.h"
#include "analyze-run.h"
#include "case-tmp.h"

static char *tmp, *path;
static wb_case_t *cs;

static void
setup (void)
{
	g_mime_init ();
	cs = tmp_case_new ("wbastore-XXXXXX", "t", &tmp, &path);
	cr_assert_eq (wb_case_exec (cs,
		"INSERT INTO raw (id, sha256, size, bytes) VALUES (1, 'a', 1, x'61');"
		"INSERT INTO messages (id, sha256, raw_id, status, ident) VALUES"
		" (1, 'a', 1, 'ok', 'a'), (2, 'b', 1, 'ok', 'b'), (3, 'c', 1, 'ok', 'c')",
		"cannot add copies"), WB_OK, "%s", wb_case_errmsg (cs));
}

static void
teardown (void)
{
	tmp_case_free (cs, tmp, path);
}

TestSuite (analysis_store, .init = setup, .fini = teardown);

static const char mail[] =
	"Received: from a1.test (r1.test [203.0.113.1]) by mx.trap.test (Postfix) with ESMTP"
	" id Q1 for <trap@trap.test>; Tue, 2 Jan 2024 10:00:09 +0000\r\n"
	"Received: from 203.0.113.2 by mx.trap.test with SMTP id Q2; Tue, 2 Jan 2024 10:00:08 +0000\r\n"
	"Received: by a2.test; Tue, 2 Jan 2024 10:00:07\r\n"
	"Received: from a3.test (a3.test [198.51.100.3]) by a2.test with ESMTPS id Q4\r\n"
	"\tfor <trap@trap.test>; not a date\r\n"
	"Received: from a4.test ([198.51.100.4]) by a3.test; Tue, 2 Jan 2024 10:00:05 -0500\r\n"
	"Received: from a5.test (r5.test [198.51.100.5]) by a4.test with LMTP id Q6\r\n"
	"\tfor <other@trap.test>; Tue, 2 Jan 2024 10:00:04 +0100\r\n"
	"Received: (qmail 123 invoked by uid 0); 2 Jan 2024 10:00:03 -0000\r\n"
	"Received: from a7.test (r7.test [192.0.2.7]) by a5.test with SMTP id Q8;"
	" Tue, 2 Jan 2024 10:00:02 +0000\r\n"
	"Received: from a1.test (r1.test [203.0.113.1]) by a7.test with SMTP id Q9;"
	" Tue, 2 Jan 2024 10:00:01 +0000\r\n"
	"Received: from a9.test (a9.test [198.51.100.10]) by a1.test id Q10;"
	" Tue, 2 Jan 2024 10:00:00 +0000\r\n"
	"From: Offers <offers@lowrate-loans.test>\r\n"
	"To: trap@trap.test\r\n"
	"Subject: Refinance\r\n"
	"Date: Tue, 2 Jan 2024 09:59:00 +0000\r\n"
	"Message-ID: <1@lowrate-loans.test>\r\n"
	"\r\n"
	"Refinance now.\r\n";

/* Store the hops of A for copy ID through the hops view, field by field. */
static void
reference_hops (const wb_analysis_t *a, int64_t id)
{
	sqlite3_stmt *st = wb_case_stmt (cs, "INSERT INTO hops (message, idx, raw, from_host, from_rdns,"
		" from_ip, by_host, protocol, smtp_id, for_addr, time_text, time_epoch, time_status,"
		" trusted, origin, notes) VALUES (:message, :idx, :raw, :from_host, :from_rdns,"
		" :from_ip, :by_host, :protocol, :smtp_id, :for_addr, :time_text, :time_epoch,"
		" :time_status, :trusted, :origin, :notes)");
	cr_assert_not_null (st, "%s", wb_case_errmsg (cs));
	GPtrArray *hops = wb_analysis_hops (a);
	for (guint i = 0; i < hops->len; i++) {
		const wb_hop_t *h = g_ptr_array_index (hops, i);
		struct { const char *name, *v; } text[] = {
			{ ":raw", h->raw }, { ":from_host", h->from_host }, { ":from_rdns", h->from_rdns },
			{ ":from_ip", h->from_ip }, { ":by_host", h->by_host }, { ":protocol", h->protocol },
			{ ":smtp_id", h->smtp_id }, { ":for_addr", h->for_addr },
			{ ":time_text", h->time_text }, { ":time_status", h->time_status },
			{ ":notes", h->notes->len ? h->notes->str : NULL } };
		sqlite3_bind_int64 (st, sqlite3_bind_parameter_index (st, ":message"), id);
		sqlite3_bind_int64 (st, sqlite3_bind_parameter_index (st, ":idx"), i);
		for (size_t k = 0; k < G_N_ELEMENTS (text); k++)
			wb_case_bind_text (st, sqlite3_bind_parameter_index (st, text[k].name), text[k].v);
		/* The epoch means something only for a date read with its zone
		 * or as UTC (analyze.h). */
		if (!strcmp (h->time_status, "ok") || !strcmp (h->time_status, "no-zone"))
			sqlite3_bind_int64 (st, sqlite3_bind_parameter_index (st, ":time_epoch"), h->time_epoch);
		sqlite3_bind_int64 (st, sqlite3_bind_parameter_index (st, ":trusted"), h->trusted);
		sqlite3_bind_int64 (st, sqlite3_bind_parameter_index (st, ":origin"), h->origin);
		cr_assert_eq (wb_case_step (cs, st, "reference hop"), WB_OK, "%s", wb_case_errmsg (cs));
	}
}

/* The rows SQL gives for copy ID (its ?1) as text, one line a row, the
 * columns '|'-separated. */
static char *
rows_text (const char *sql, int64_t id)
{
	sqlite3_stmt *st = wb_case_stmt (cs, sql);
	cr_assert_not_null (st, "%s", wb_case_errmsg (cs));
	sqlite3_bind_int64 (st, 1, id);
	GString *s = g_string_new (NULL);
	while (sqlite3_step (st) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count (st); c++) {
			const unsigned char *v = sqlite3_column_text (st, c);
			g_string_append_printf (s, "%s%s", c ? "|" : "", v ? (const char *) v : "NULL");
		}
		g_string_append_c (s, '\n');
	}
	sqlite3_reset (st);
	return g_string_free (s, FALSE);
}

static const char hops_sql[] = "SELECT idx, raw, from_host, from_rdns, from_ip, by_host,"
	" protocol, smtp_id, for_addr, time_text, time_epoch, time_status, trusted, origin, notes"
	" FROM hops WHERE message = ? ORDER BY idx";

Test (analysis_store, hops_as_the_view_stores_them)
{
	wb_analysis_t *a = analyze_raw (mail, "trap@trap.test");
	cr_assert_not_null (a);
	cr_assert_eq (wb_analysis_hops (a)->len, 10);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (wb_analysis_insert (cs, 1, a), WB_OK, "%s", wb_case_errmsg (cs));
	/* Copy 3's rows replaced: the same rows again. */
	cr_assert_eq (wb_analysis_insert (cs, 3, a), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (wb_analysis_store (cs, 3, a), WB_OK, "%s", wb_case_errmsg (cs));
	reference_hops (a, 2);
	cr_assert_eq (wb_case_commit (cs), WB_OK, "%s", wb_case_errmsg (cs));

	char *got = rows_text (hops_sql, 1), *want = rows_text (hops_sql, 2);
	char *again = rows_text (hops_sql, 3);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM message_hops WHERE message = 1"), 10);
	cr_assert_str_eq (got, want);
	cr_assert_str_eq (again, want);
	/* The names were numbered as first met, hop by hop, in the order of
	 * the columns: as the upgrade to version 4 numbered them. */
	GString *order = g_string_new (NULL);
	GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
	GPtrArray *hops = wb_analysis_hops (a);
	for (guint i = 0; i < hops->len; i++) {
		const wb_hop_t *h = g_ptr_array_index (hops, i);
		const char *v[] = { h->from_host, h->from_rdns, h->from_ip, h->by_host, h->protocol, h->for_addr };
		for (size_t k = 0; k < G_N_ELEMENTS (v); k++)
			if (v[k] && g_hash_table_add (seen, (gpointer) v[k]))
				g_string_append_printf (order, "%s\n", v[k]);
	}
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT group_concat(name || char(10), '') FROM"
					" (SELECT name FROM hop_names ORDER BY id)");
	cr_assert_eq (sqlite3_step (q), SQLITE_ROW);
	cr_assert_str_eq ((const char *) sqlite3_column_text (q, 0), order->str);
	sqlite3_reset (q);
	g_hash_table_destroy (seen);
	g_string_free (order, TRUE);
	/* Each name stored once, whichever way it came in. */
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) - count(DISTINCT name) FROM hop_names"), 0);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM hops WHERE message = 1 AND from_ip = '203.0.113.1'"), 2);
	g_free (got);
	g_free (want);
	g_free (again);
	wb_analysis_free (a);
}

/* The artifacts and facts of an analysis as the writer stores them,
 * against the artifacts and facts views' INSERT triggers given each
 * field: the same rows, artifacts in the analysis's order (idx), the
 * writer's JSON the same text as SQLite's json_array() makes of them. */
Test (analysis_store, artifacts_and_facts_as_the_views_store_them)
{
	GString *m = g_string_new ("From: Offers <offers@lowrate-loans.test>\r\n"
				   "Reply-To: claims@lowrate-loans.test\r\n"
				   "To: trap@trap.test\r\nSubject: Refinance\r\n"
				   "Date: Tue, 2 Jan 2024 09:59:00 +0000\r\n"
				   "Message-ID: <2@lowrate-loans.test>\r\n\r\nCall 415-555-0100.\r\n");
	for (int i = 0; i < 11; i++)
		g_string_append_printf (m, "See http://site%d.lowrate-loans.test/p?id=%d or write"
					" desk%d@lowrate-loans.test\r\n", i, i, i);
	wb_analysis_t *a = analyze_raw (m->str, "trap@trap.test");
	g_string_free (m, TRUE);
	guint na = wb_analysis_n_artifacts (a), nf = wb_analysis_n_facts (a);
	cr_assert_gt (na, 16, "%u artifacts", na);
	cr_assert_gt (nf, 8, "%u facts", nf);
	cr_assert_neq (na % 8, 0);
	cr_assert_eq (wb_case_begin (cs), WB_OK);
	cr_assert_eq (wb_analysis_insert (cs, 1, a), WB_OK, "%s", wb_case_errmsg (cs));
	sqlite3_stmt *st = wb_case_stmt (cs, "INSERT INTO artifacts (message, kind, raw, value, location)"
					 " VALUES (2, ?1, ?2, ?3, ?4)");
	for (guint i = 0; i < na; i++) {
		const char *f[4];
		wb_analysis_artifact (a, i, &f[0], &f[1], &f[2], &f[3]);
		for (int k = 0; k < 4; k++)
			wb_case_bind_text (st, k + 1, f[k]);
		cr_assert_eq (wb_case_step (cs, st, "reference artifact"), WB_OK, "%s", wb_case_errmsg (cs));
	}
	st = wb_case_stmt (cs, "INSERT INTO facts (message, name, value, confidence, evidence)"
			   " VALUES (2, ?1, ?2, ?3, ?4)");
	for (guint i = 0; i < nf; i++) {
		const char *f[4];
		wb_analysis_fact_at (a, i, &f[0], &f[1], &f[2], &f[3]);
		for (int k = 0; k < 4; k++)
			wb_case_bind_text (st, k + 1, f[k]);
		cr_assert_eq (wb_case_step (cs, st, "reference fact"), WB_OK, "%s", wb_case_errmsg (cs));
	}
	cr_assert_eq (wb_case_commit (cs), WB_OK);
	const char *qa = "SELECT idx, kind, raw, value, location FROM artifacts WHERE message = ? ORDER BY idx";
	const char *qf = "SELECT name, value, confidence, evidence FROM facts WHERE message = ? ORDER BY name";
	char *a1 = rows_text (qa, 1), *a2 = rows_text (qa, 2), *f1 = rows_text (qf, 1), *f2 = rows_text (qf, 2);
	cr_assert_str_eq (a1, a2);
	cr_assert_str_eq (f1, f2);
	/* One row a copy, positions from 0; the same text; artifact_copies
	 * holds each distinct value of each copy. */
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM message_artifacts"), 2);
	cr_assert_eq (tmp_case_int (cs, "SELECT max(idx) + 1 FROM artifacts WHERE message = 1"), (int64_t) na);
	cr_assert_eq (tmp_case_int (cs, "SELECT (SELECT items FROM message_artifacts WHERE message = 1)"
				    " = (SELECT items FROM message_artifacts WHERE message = 2)"), 1);
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM artifact_copies WHERE message = 1"),
		      tmp_case_int (cs, "SELECT count(DISTINCT value) FROM artifacts WHERE message = 1"));
	cr_assert_eq (tmp_case_int (cs, "SELECT count(*) FROM artifact_copies c JOIN artifacts a"
				    " ON a.message = c.message JOIN artifact_values v ON v.id = c.value"
				    " AND v.kind = a.kind AND v.value = a.value WHERE c.message = 2"),
		      (int64_t) na);
	g_free (a1);
	g_free (a2);
	g_free (f1);
	g_free (f2);
	wb_analysis_free (a);
}

/* wb_json_quote against two other writers of JSON: Python's json.dumps
 * (ensure_ascii off: the same escapes, UTF-8 as it is) and SQLite's
 * json_quote(), and Python's json.loads gives each string back.  Every
 * control character, '"', '\\', '/', DEL, two- to four-byte UTF-8, and
 * strings drawn from them at random (a fixed seed). */
Test (analysis_store, json_quote_as_python_and_sqlite)
{
	static const char *const parts[] = { "\"", "\\", "/", "\x7f", "caf\xc3\xa9", "\xe4\xb8\xad",
					     "\xf0\x9f\x98\x80", "a", " ", "'", "\\u0041", "\x1f", "\x01" };
	GPtrArray *in = g_ptr_array_new_with_free_func (g_free);
	GString *all = g_string_new ("");
	for (int c = 1; c < 32; c++)
		g_string_append_c (all, (char) c);
	g_ptr_array_add (in, g_string_free (all, FALSE));
	for (int c = 1; c < 128; c++)
		g_ptr_array_add (in, g_strdup_printf ("x%cy", c));
	g_ptr_array_add (in, g_strdup (""));
	GRand *r = g_rand_new_with_seed (7);
	for (int i = 0; i < 300; i++) {
		GString *s = g_string_new ("");
		int n = g_rand_int_range (r, 1, 12);
		for (int k = 0; k < n; k++) {
			if (g_rand_boolean (r))
				g_string_append (s, parts[g_rand_int_range (r, 0, G_N_ELEMENTS (parts))]);
			else
				g_string_append_c (s, (char) g_rand_int_range (r, 1, 128));
		}
		g_ptr_array_add (in, g_string_free (s, FALSE));
	}
	g_rand_free (r);
	/* One line each: the input's hex, a tab, what wb_json_quote wrote. */
	GString *lines = g_string_new ("");
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT json_quote(?1)");
	cr_assert_not_null (st);
	for (guint i = 0; i < in->len; i++) {
		const char *s = g_ptr_array_index (in, i);
		GString *q = g_string_new ("");
		wb_json_quote (q, s);
		sqlite3_bind_text (st, 1, s, -1, SQLITE_STATIC);
		cr_assert_eq (sqlite3_step (st), SQLITE_ROW);
		cr_assert_str_eq (q->str, (const char *) sqlite3_column_text (st, 0), "input %u", i);
		sqlite3_reset (st);
		for (const unsigned char *p = (const unsigned char *) s; *p; p++)
			g_string_append_printf (lines, "%02x", *p);
		g_string_append_printf (lines, "\t%s\n", q->str);
		g_string_free (q, TRUE);
	}
	char *file = g_build_filename (tmp, "quoted.txt", NULL);
	cr_assert (g_file_set_contents (file, lines->str, (gssize) lines->len, NULL));
	const char *py =
		"import json, sys\n"
		"bad = 0\n"
		"for line in open(sys.argv[1], encoding='utf-8', newline='\\n'):\n"
		"    h, q = line[:-1].split('\\t', 1)\n"
		"    s = bytes.fromhex(h).decode('utf-8')\n"
		"    if json.loads(q) != s or json.dumps(s, ensure_ascii=False) != q:\n"
		"        bad += 1\n"
		"        print(repr(s), q)\n"
		"print('bad', bad)\n";
	char *argv[] = { "python3", "-c", (char *) py, file, NULL };
	char *out = NULL;
	int status = 0;
	cr_assert (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, NULL));
	cr_assert_str_eq (out, "bad 0\n");
	cr_assert_eq (status, 0);
	g_free (out);
	g_free (file);
	g_string_free (lines, TRUE);
	g_ptr_array_free (in, TRUE);
}
