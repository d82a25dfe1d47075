/* Rule checks on facts: certain and indicator findings, missing facts,
 * 'always' and 'analyst', and the evidence text. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include "rules.h"
#include "statute.h"
#include "case-tmp.h"

static wb_statute_t *
statute (const char *check)
{
	char *t = g_strdup_printf (
		"[statute]\nid=x\ncitation=X\njurisdiction=CO\neffective=2004-01-01\nplaintiffs=recipient\n"
		"[damages]\nper_message_cents=1\ncap=none\nelection_recipient=lesser\nelection_provider=lesser\ntext=t\n"
		"[provision a]\nlabel=(a)\ntext=t\ncheck=%s\n", check);
	wb_statute_t *st = NULL;
	char *err = NULL;
	cr_assert_eq (wb_statute_parse ("x.ini", t, strlen (t), &st, &err), WB_OK, "%s", err);
	g_free (t);
	return st;
}

static void
fact (wb_fact_t *f, const char *name, const char *value, gboolean indicator, const char *ev)
{
	int i = wb_fact_index (name);
	cr_assert_geq (i, 0, "%s", name);
	f[i].value = value;
	f[i].indicator = indicator;
	f[i].evidence = ev;
}

Test (rules, certain_indicator_and_missing)
{
	wb_statute_t *st = statute ("from_domain_valid = 0 | header_forged = 1");
	wb_provision_t *p = st->provisions->pdata[0];
	wb_fact_t f[WB_FACT_COUNT] = { 0 };
	/* No facts at all: nothing found. */
	cr_assert_eq (wb_rule_eval (p, f, NULL), WB_RULE_NONE);
	fact (f, "header_forged", "1", TRUE, "Received: from [10.0.0.1] claims example.com");
	GString *ev = g_string_new (NULL);
	cr_assert_eq (wb_rule_eval (p, f, ev), WB_RULE_INDICATOR);
	cr_assert_str_eq (ev->str, "header_forged=1 (indicator): Received: from [10.0.0.1] claims example.com");
	/* A certain alternative wins over the indicator one. */
	fact (f, "from_domain_valid", "0", FALSE, "From: a@-bad-");
	g_string_truncate (ev, 0);
	cr_assert_eq (wb_rule_eval (p, f, ev), WB_RULE_CERTAIN);
	cr_assert_str_eq (ev->str, "from_domain_valid=0 (certain): From: a@-bad-");
	wb_statute_free (st);
	g_string_free (ev, TRUE);
}

Test (rules, conjunction_and_negation)
{
	/* Arkansas 603(a)(2): sexually explicit and no "ADV:ADULT". */
	wb_statute_t *st = statute ("category = adult & subject_adv_adult != 1");
	wb_provision_t *p = st->provisions->pdata[0];
	wb_fact_t f[WB_FACT_COUNT] = { 0 };
	fact (f, "category", "adult", FALSE, NULL);
	cr_assert_eq (wb_rule_eval (p, f, NULL), WB_RULE_NONE);   /* subject fact missing */
	fact (f, "subject_adv_adult", "0", FALSE, NULL);
	cr_assert_eq (wb_rule_eval (p, f, NULL), WB_RULE_CERTAIN);
	fact (f, "subject_adv_adult", "1", FALSE, NULL);
	cr_assert_eq (wb_rule_eval (p, f, NULL), WB_RULE_NONE);
	fact (f, "subject_adv_adult", "0", FALSE, NULL);
	fact (f, "category", "pharmacy", FALSE, NULL);
	cr_assert_eq (wb_rule_eval (p, f, NULL), WB_RULE_NONE);
	wb_statute_free (st);
}

Test (rules, always_and_analyst)
{
	wb_fact_t f[WB_FACT_COUNT] = { 0 };
	wb_statute_t *a = statute ("always");
	cr_assert_eq (wb_rule_eval (a->provisions->pdata[0], f, NULL), WB_RULE_CERTAIN);
	wb_statute_t *b = statute ("analyst");
	fact (f, "subject_adv", "0", FALSE, NULL);
	cr_assert_eq (wb_rule_eval (b->provisions->pdata[0], f, NULL), WB_RULE_NONE);
	wb_statute_free (a);
	wb_statute_free (b);
}

Test (rules, builtin_checks_read_the_statutes)
{
	/* Colorado 6-2.5-103(4): the subject must begin with "ADV:". */
	wb_statute_set_t *set = NULL;
	char *err = NULL;
	cr_assert_eq (wb_statutes_builtin (&set, &err), WB_OK);
	wb_statute_t *co = wb_statute_set_find (set, "co-6-2.5");
	wb_provision_t *p4 = wb_statute_provision (co, "4");
	wb_fact_t f[WB_FACT_COUNT] = { 0 };
	fact (f, "subject_adv", "1", FALSE, NULL);
	cr_assert_eq (wb_rule_eval (p4, f, NULL), WB_RULE_NONE);
	fact (f, "subject_adv", "0", FALSE, "Subject: Cheap meds");
	cr_assert_eq (wb_rule_eval (p4, f, NULL), WB_RULE_CERTAIN);
	/* Arkansas (a)(2) on the adult lexicon alone is an indicator. */
	wb_provision_t *a2 = wb_statute_provision (wb_statute_set_find (set, "ar-4-88"), "a2");
	fact (f, "sexual_content", "1", TRUE, NULL);
	fact (f, "subject_adv_adult", "0", FALSE, NULL);
	cr_assert_eq (wb_rule_eval (a2, f, NULL), WB_RULE_INDICATOR);
	wb_statute_set_free (set);
}

Test (rules, evidence_for_one_copy)
{
	/* A copy whose From domain is invalid, certain: ca-17529.5 (a)(2). */
	char *dir, *path;
	wb_case_t *cs = tmp_case_new ("wbru.XXXXXX", NULL, &dir, &path);
	cr_assert_eq (sqlite3_exec (wb_case_db (cs),
		"INSERT INTO raw (id, sha256, size, bytes) VALUES (1, printf('%064d', 1), 1, x'00');"
		"INSERT INTO messages (id, sha256, raw_id, status) VALUES (1, printf('%064d', 1), 1, 'ok');"
		"INSERT INTO facts VALUES (1, 'from_domain_valid', '0', 'certain', 'From: x@invalid..'),"
		" (1, 'helo_mismatch', '1', 'indicator', 'HELO a.example, rDNS b.example')", NULL, NULL, NULL), SQLITE_OK);
	wb_statute_set_t *set = NULL;
	char *err = NULL;
	cr_assert_eq (wb_statutes_builtin (&set, &err), WB_OK);
	GString *out = g_string_new (NULL);
	cr_assert_eq (wb_rules_evidence (cs, wb_statute_set_find (set, "ca-17529.5"), 1, out), 1);
	cr_assert_str_eq (out->str, "(a)(2) [certain]: from_domain_valid=0 (certain): From: x@invalid..\n");
	g_string_truncate (out, 0);
	/* Colorado 103(2) rests on the HELO name alone: an indicator. */
	cr_assert_eq (wb_rules_evidence (cs, wb_statute_set_find (set, "co-6-2.5"), 1, out), 2);
	cr_assert (strstr (out->str, "6-2.5-103(2) [indicator]: helo_mismatch=1 (indicator): HELO a.example, rDNS b.example\n"),
		   "%s", out->str);
	g_string_free (out, TRUE);
	wb_statute_set_free (set);
	cr_assert_eq (tmp_case_free (cs, dir, path), 0);
}
