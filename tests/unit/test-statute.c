/* Statute rule files: the built-in set, validation messages naming the
 * file and key, installing into a case, and the rule checks. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "statute.h"
#include "ini-edit.h"

static const char *good =
	"[statute]\nid=x-1\ncitation=X § 1\njurisdiction=CO\neffective=2004-01-01\n"
	"plaintiffs=recipient;provider\nnexus=recipient_resident\n"
	"[damages]\nper_message_cents=1000\ncap=none\nelection_recipient=lesser\n"
	"election_provider=greater\ntext=t\n"
	"[provision a]\nlabel=(a)\ntext=t\ncheck=subject_adv = 0 & opt_out != 1 | header_forged = 1\n";

INI_PARSE_ERR (wb_statute_parse, wb_statute_t)

Test (statute, builtin_set)
{
	wb_statute_set_t *set = NULL;
	char *err = NULL;
	cr_assert_eq (wb_statutes_builtin (&set, &err), WB_OK, "%s", err);
	cr_assert_eq (set->statutes->len, 6);
	const char *ids[] = { "ar-4-88", "az-44-1372", "ca-17529.5", "ca-17529.8", "co-6-2.5", "us-7706" };
	for (int i = 0; i < 6; i++)
		cr_assert_str_eq (((wb_statute_t *) set->statutes->pdata[i])->id, ids[i]);
	wb_statute_t *ar = wb_statute_set_find (set, "ar-4-88");
	cr_assert_eq (ar->per_message_cents, 1000);         /* "Ten dollars ($10.00)" */
	cr_assert_eq (ar->cap, WB_CAP_DAY);
	cr_assert_eq (ar->cap_cents, 2500000);               /* "$25,000 per day" */
	wb_statute_t *az = wb_statute_set_find (set, "az-44-1372");
	cr_assert_eq (az->election[0], WB_ELECT_LESSER);     /* 02(B) "whichever is less" */
	cr_assert_eq (az->election[1], WB_ELECT_GREATER);    /* 02(D) "whichever is greater" */
	wb_statute_t *co = wb_statute_set_find (set, "co-6-2.5");
	cr_assert (co->nexus_all);                           /* 6-2.5-105: resident via CO equipment */
	cr_assert_eq (co->nexus, WB_NEXUS_RESIDENT | WB_NEXUS_PROVIDER);
	wb_statute_t *ca = wb_statute_set_find (set, "ca-17529.5");
	cr_assert_eq (ca->due_care_per_message_cents, 10000);
	cr_assert_eq (ca->due_care_cap_cents, 10000000);
	cr_assert (g_strv_contains ((const char *const *) ca->excludes, "ca-17529.8"));
	cr_assert_not_null (wb_statute_provision (ca, "(a)(2)"));     /* by label */
	cr_assert_not_null (wb_statute_provision (ca, "a2"));         /* by id */
	cr_assert_null (wb_statute_provision (ca, "a9"));
	wb_statute_t *us = wb_statute_set_find (set, "us-7706");
	cr_assert (!us->plaintiff_recipient && us->plaintiff_provider);
	cr_assert_eq (wb_statute_provision (us, "a1")->per_message_cents, 10000);
	cr_assert (wb_statute_provision (us, "a1")->uncapped);
	cr_assert_eq (strlen (set->digest), 64);
	wb_statute_set_free (set);
}

Test (statute, errors_name_file_group_and_key)
{
	struct { const char *from, *to, *want; } cases[] = {
		{ "id=x-1\n", "", "x.ini: [statute] id: missing" },
		{ "effective=2004-01-01", "effective=2004-02-30", "x.ini: [statute] effective: '2004-02-30' is not a date" },
		{ "cap=none", "cap=weekly", "x.ini: [damages] cap: 'weekly' is not none, incident, day or action" },
		{ "cap=none", "cap=day", "x.ini: [damages] cap_cents: missing" },
		{ "per_message_cents=1000", "per_message_cents=10.00", "x.ini: [damages] per_message_cents: '10.00' is not a non-negative whole number" },
		{ "per_message_cents=1000", "per_message_cents=-5", "x.ini: [damages] per_message_cents: '-5' is not a non-negative whole number" },
		{ "election_provider=greater", "election_provider=best", "x.ini: [damages] election_provider: 'best' is not lesser or greater" },
		{ "nexus=recipient_resident", "nexus=anywhere", "x.ini: [statute] nexus: unknown nexus 'anywhere'" },
		{ "plaintiffs=recipient;provider", "plaintiffs=recipient;attorney", "x.ini: [statute] plaintiffs: unknown plaintiff 'attorney'" },
		{ "subject_adv = 0 &", "subject_advert = 0 &", "x.ini: [provision a] check: unknown fact 'subject_advert'" },
		{ "header_forged = 1", "header_forged", "x.ini: [provision a] check: 'header_forged' is not a condition" },
		{ "label=(a)\n", "", "x.ini: [provision a] label: missing" },
		{ "[provision a]", "[clause a]", "x.ini: [clause a]: unknown group" },
		{ "[statute]", "statute", "x.ini: not a valid rule file" },
		{ "nexus=recipient_resident", "roles=sender;spammer", "x.ini: [statute] roles: unknown role 'spammer'" },
		{ "cap=none", "cap=incident\ncap_cents=1\nincident_scope=shared;some",
		  "x.ini: [damages] incident_scope: 'some' is not shared or each" },
		{ "check=subject_adv", "falsity=maybe\ncheck=subject_adv", "x.ini: [provision a] falsity: 'maybe' is not yes or no" },
		{ "nexus=recipient_resident", "preempts_from=2004-13-01", "x.ini: [statute] preempts_from: '2004-13-01' is not a date" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *t = ini_edit (good, cases[i].from, cases[i].to);
		char *err = parse_err (t);
		cr_assert (g_str_has_prefix (err, cases[i].want), "case %zu: got '%s', want '%s'", i, err, cases[i].want);
		g_free (err);
		g_free (t);
	}
}

Test (statute, set_checks_across_files)
{
	char *dir = g_dir_make_tmp ("wbst.XXXXXX", NULL);
	char *a = g_build_filename (dir, "a.ini", NULL), *b = g_build_filename (dir, "b.ini", NULL);
	g_file_set_contents (a, good, -1, NULL);
	g_file_set_contents (b, good, -1, NULL);
	wb_statute_set_t *set = NULL;
	char *err = NULL;
	cr_assert_eq (wb_statutes_load_dir (dir, &set, &err), WB_ERR_FORMAT);
	cr_assert (strstr (err, "id: 'x-1' is also the id of"), "%s", err);
	g_free (err);
	char *t = ini_edit (good, "nexus=", "excludes=y-2\nnexus=");
	g_file_set_contents (b, t, -1, NULL);
	g_unlink (a);
	err = NULL;
	cr_assert_eq (wb_statutes_load_dir (dir, &set, &err), WB_ERR_FORMAT);
	cr_assert (strstr (err, "b.ini: [statute] excludes: no statute 'y-2' in the set"), "%s", err);
	g_free (err);
	g_unlink (b);
	g_rmdir (dir);
	g_free (t); g_free (a); g_free (b); g_free (dir);
}

Test (statute, install_in_case_with_custody)
{
	char *dir = g_dir_make_tmp ("wbst.XXXXXX", NULL);
	char *path = g_build_filename (dir, "c.case", NULL);
	wb_case_t *cs = NULL;
	char *err = NULL;
	cr_assert_eq (wb_case_create (path, NULL, NULL, &cs, &err), WB_OK);
	wb_statute_set_t *set = NULL;
	cr_assert_eq (wb_statutes_load_case (cs, &set), WB_OK);
	cr_assert (!set->installed);                 /* built-in, read-only */
	char digest[65];
	memcpy (digest, set->digest, 65);
	wb_statute_set_free (set);
	int64_t run;
	cr_assert_eq (wb_case_run_begin (cs, "init", NULL, &run), WB_OK);
	cr_assert_eq (wb_statutes_install (cs, NULL, run), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (wb_statutes_load_case (cs, &set), WB_OK);
	cr_assert (set->installed);
	cr_assert_str_eq (set->digest, digest);      /* the same files */
	wb_statute_set_free (set);
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT count(*) FROM custody WHERE action = 'statute'"
					    " AND detail LIKE 'statute ca-17529.5 file ca-17529.5.ini%sha256 %'");
	cr_assert_eq (sqlite3_step (q), SQLITE_ROW);
	cr_assert_eq (sqlite3_column_int (q, 0), 1);
	sqlite3_reset (q);
	/* A stored file altered behind our back is refused. */
	sqlite3_exec (wb_case_db (cs), "UPDATE statutes SET content = content || ' ' WHERE id = 'ar-4-88'",
		      NULL, NULL, NULL);
	cr_assert_eq (wb_statutes_load_case (cs, &set), WB_ERR_INTEGRITY);
	cr_assert (strstr (wb_case_errmsg (cs), "ar-4-88.ini"), "%s", wb_case_errmsg (cs));
	wb_case_free (cs);
	char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
	cr_assert_eq (system (cmd), 0);
	g_free (cmd); g_free (path); g_free (dir);
}

Test (statute, day_numbers)
{
	cr_assert_eq (wb_day_number ("2008-02-29"), 20080229);
	cr_assert_eq (wb_day_number ("2007-02-29"), -1);
	cr_assert_eq (wb_day_number ("2007-2-01"), -1);
	cr_assert_eq (wb_day_number ("2007-02-01x"), -1);
	cr_assert_eq (wb_day_number (NULL), -1);
}

Test (statute, roles_each_file_declares)
{
	/* Who each statute reaches, from its words (seed 003; CAN-SPAM from
	 * the U.S. Code): 17529.5 "advertise in"; 17529.2 "Initiate or
	 * advertise in", initiate = "transmit or cause to be transmitted";
	 * Colorado "any person that sends"; Arkansas "sends or causes to be
	 * sent"; Arizona "transmit", sender = "a person who initiates";
	 * CAN-SPAM "initiate" = "originate or transmit ... or ... procure". */
	wb_statute_set_t *set = NULL;
	cr_assert_eq (wb_statutes_builtin (&set, NULL), WB_OK);
	for (guint i = 0; i < set->statutes->len; i++) {
		wb_statute_t *s = set->statutes->pdata[i];
		cr_assert_neq (s->roles, 0, "%s declares no roles", s->id);
		cr_assert (s->roles_text && *s->roles_text, "%s", s->id);
	}
	struct { const char *id, *role; int want; } cases[] = {
		{ "ca-17529.5", "advertiser", 1 }, { "ca-17529.5", "sender", 0 }, { "ca-17529.5", "affiliate", 0 },
		{ "ca-17529.8", "sender", 1 }, { "ca-17529.8", "affiliate", 1 }, { "ca-17529.8", "advertiser", 1 },
		{ "co-6-2.5", "sender", 1 }, { "co-6-2.5", "advertiser", 0 },
		{ "ar-4-88", "affiliate", 1 }, { "az-44-1372", "sender", 1 }, { "az-44-1372", "advertiser", 0 },
		{ "us-7706", "advertiser", 1 }, { "us-7706", "other", -1 },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		cr_assert_eq (wb_statute_reaches (wb_statute_set_find (set, cases[i].id), cases[i].role), cases[i].want,
			      "%s %s", cases[i].id, cases[i].role);
	/* Where the words leave a role open, the file says so for counsel. */
	cr_assert_not_null (strstr (wb_statute_set_find (set, "co-6-2.5")->roles_note, "Counsel confirm"));
	wb_statute_set_free (set);
	/* A file without roles: unknown, not "no". */
	wb_statute_t *st = NULL;
	cr_assert_eq (wb_statute_parse ("x.ini", good, strlen (good), &st, NULL), WB_OK);
	cr_assert_eq (wb_statute_reaches (st, "sender"), -1);
	wb_statute_free (st);
}
