/* The damages engine on small cases built here, each expected amount worked
 * out by hand from the statute text (seed 003) in the comment beside it. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include "damages.h"
#include "rules.h"
#include "statute.h"

static wb_case_t *cs;
static char *dir;
static int next_id = 1;

static void
exec_ok (const char *sql)
{
	char *err = NULL;
	cr_assert_eq (sqlite3_exec (wb_case_db (cs), sql, NULL, NULL, &err), SQLITE_OK, "%s: %s", sql, err);
}

static void
setup (void)
{
	dir = g_dir_make_tmp ("wbdmg.XXXXXX", NULL);
	char *path = g_build_filename (dir, "t.case", NULL);
	char *err = NULL;
	cr_assert_eq (wb_case_create (path, "t", "2008-05-01", &cs, &err), WB_OK, "%s", err);
	g_free (path);
	next_id = 1;
	exec_ok ("INSERT INTO traps (id, address, state, provider_state, timezone) VALUES"
		 " (1, 'ca@t', 'CA', 'CA', 'America/Los_Angeles'), (2, 'ar@t', 'AR', 'AR', 'America/Chicago'),"
		 " (3, 'az@t', 'AZ', 'AZ', 'America/Phoenix'), (4, 'co@t', 'CO', 'TX', 'America/Denver'),"
		 " (5, 'co2@t', 'CO', 'CO', 'America/Denver')");
}

static void
teardown (void)
{
	wb_case_free (cs);
	char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
	cr_assert_eq (system (cmd), 0);
	g_free (cmd);
	g_free (dir);
}

/* N copies in TRAP on DAY in CAMPAIGN (-1: none), each with fact NAME=VALUE.
 * Returns the first id. */
static int64_t
copies (int n, int trap, const char *day, int campaign, const char *name, const char *value)
{
	int64_t first = next_id;
	exec_ok ("BEGIN");
	for (int i = 0; i < n; i++, next_id++) {
		char camp[24];
		g_snprintf (camp, sizeof camp, campaign < 0 ? "NULL" : "%d", campaign);
		char *sql = g_strdup_printf (
			"INSERT INTO raw (id, sha256, size, bytes) VALUES (%d, printf('%%064d', %d), 1, x'00');"
			"INSERT INTO messages (id, sha256, raw_id, trap_id, status, message_id, local_day, campaign)"
			" VALUES (%d, printf('%%064d', %d), %d, %d, 'ok', 'm%d@x', '%s', %s);"
			"INSERT INTO facts (message, name, value) VALUES (%d, '%s', '%s');",
			next_id, next_id, next_id, next_id, next_id, trap, next_id, day, camp, next_id, name, value);
		exec_ok (sql);
		g_free (sql);
	}
	exec_ok ("COMMIT");
	return first;
}

static void
analyst (int64_t msg, const char *statute, const char *prov, const char *finding)
{
	char *sql = g_strdup_printf ("INSERT INTO findings (message, statute, provision, finding, source, run, at)"
				     " VALUES (%lld, '%s', '%s', '%s', 'analyst', 0, 'x')", (long long) msg,
				     statute, prov, finding);
	exec_ok (sql);
	g_free (sql);
}

/* The tests work out each state statute's own amounts; CAN-SPAM
 * preemption, which would take most of those copies out (they are of 2007
 * and violate labels and disclosure duties), is tested on its own at the
 * end and ignored elsewhere. */
static void
opts_init (wb_damages_opts_t *o)
{
	wb_damages_opts_init (o);
	o->preemption = WB_PREEMPT_IGNORE;
}

static wb_damages_t *
run_opts (const char *statute, wb_plaintiff_t pl, wb_incident_rule_t inc, gboolean dc,
	  wb_ar_day_rule_t ar, gboolean indicators)
{
	wb_damages_opts_t o;
	opts_init (&o);
	char *ids[] = { (char *) statute, NULL };
	o.statutes = statute ? ids : NULL;
	o.plaintiff = pl;
	o.incident = inc;
	o.due_care = dc;
	o.ar_day_rule = ar;
	o.include_indicators = indicators;
	wb_damages_t *d = NULL;
	cr_assert_eq (wb_damages_compute (cs, &o, &d), WB_OK, "%s", wb_case_errmsg (cs));
	return d;
}

static wb_damages_t *
run (const char *statute, wb_plaintiff_t pl, wb_incident_rule_t inc, gboolean dc, wb_ar_day_rule_t ar)
{
	return run_opts (statute, pl, inc, dc, ar, FALSE);
}

static wb_damages_statute_t *
st (wb_damages_t *d, const char *id)
{
	for (guint i = 0; i < d->statutes->len; i++)
		if (strcmp (((wb_damages_statute_t *) d->statutes->pdata[i])->id, id) == 0)
			return d->statutes->pdata[i];
	cr_assert_fail ("no statute %s", id);
	return NULL;
}

TestSuite (damages, .init = setup, .fini = teardown);

Test (damages, ca_incident_cap_reached_and_not)
{
	/* 1,001 copies of one campaign on one day with an invalid From domain
	 * (17529.5(a)(2)): $1,000 x 1,001 = $1,001,000, "up to one million
	 * dollars ($1,000,000) per incident" -> $1,000,000 (cap reached). */
	copies (1001, 1, "2007-10-01", 7, "from_domain_valid", "0");
	/* 999 more the next day: a second incident under campaign-day, below
	 * the cap: $999,000. */
	copies (999, 1, "2007-10-02", 7, "from_domain_valid", "0");
	wb_damages_t *d = run ("ca-17529.5", 0, WB_INCIDENT_CAMPAIGN_DAY, FALSE, 0);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 100000000 + 99900000);
	cr_assert_eq (st (d, "ca-17529.5")->uncapped_cents, 200000000);
	cr_assert_eq (st (d, "ca-17529.5")->incidents, 2);
	wb_damages_free (d);
	/* campaign: one incident of 2,000 copies -> $1,000,000. */
	d = run ("ca-17529.5", 0, WB_INCIDENT_CAMPAIGN, FALSE, 0);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 100000000);
	cr_assert_eq (st (d, "ca-17529.5")->incidents, 1);
	wb_damages_free (d);
	/* message: 2,000 incidents of $1,000 -> $2,000,000. */
	d = run ("ca-17529.5", 0, WB_INCIDENT_MESSAGE, FALSE, 0);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 200000000);
	wb_damages_free (d);
	/* Due care (17529.5(b)(2)): "a maximum of one hundred dollars ($100)
	 * for each ... or a maximum of one hundred thousand dollars ($100,000)
	 * per incident": day 1 min($100,100, $100,000) + day 2 $99,900 =
	 * $199,900. */
	d = run ("ca-17529.5", 0, WB_INCIDENT_CAMPAIGN_DAY, TRUE, 0);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 10000000 + 9990000);
	wb_damages_free (d);
}

Test (damages, copies_without_campaign_are_their_own_incident)
{
	/* No near-duplicate group: each copy is its own incident.  1,100 copies:
	 * $1,100,000, no incident reaches the cap. */
	copies (1100, 1, "2007-10-01", -1, "from_domain_valid", "0");
	wb_damages_t *d = run ("ca-17529.5", 0, WB_INCIDENT_CAMPAIGN_DAY, FALSE, 0);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 110000000);
	cr_assert_eq (st (d, "ca-17529.5")->incidents, 1100);
	wb_damages_free (d);
}

Test (damages, ar_per_day_and_aggregate)
{
	/* 4-88-606(b)(1): lesser of $10 per mail or $25,000 per day.  3,000
	 * copies on day 1, 100 on day 2 (no legal name, 603(a)(1)(A)).
	 * per-day: min($30,000, $25,000) + min($1,000, $25,000) = $26,000.
	 * aggregate: min($31,000, $25,000 x 2) = $31,000. */
	copies (3000, 2, "2007-12-01", 1, "sender_legal_name", "0");
	copies (100, 2, "2007-12-02", 1, "sender_legal_name", "0");
	wb_damages_t *d = run ("ar-4-88", 0, 0, FALSE, WB_AR_PER_DAY);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 2600000);
	cr_assert_eq (st (d, "ar-4-88")->days, 2);
	wb_damages_free (d);
	d = run ("ar-4-88", 0, 0, FALSE, WB_AR_AGGREGATE);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 3100000);
	wb_damages_free (d);
	/* The README's example: ten of the day-2 copies taken out by an analyst
	 * (ar-4-88 * no-violation): day 2 is $900, per-day $25,900. */
	for (int i = 0; i < 10; i++)
		analyst (3001 + i, "ar-4-88", "*", "no-violation");
	d = run ("ar-4-88", 0, 0, FALSE, WB_AR_PER_DAY);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 2590000);
	cr_assert_eq (st (d, "ar-4-88")->excluded_analyst, 10);
	wb_damages_free (d);
}

Test (damages, ar_aggregate_cap_reached)
{
	/* 6,000 copies on one day: aggregate min($60,000, $25,000 x 1) =
	 * $25,000, the same as per-day. */
	copies (6000, 2, "2007-12-01", 1, "sender_legal_name", "0");
	wb_damages_t *d = run ("ar-4-88", 0, 0, FALSE, WB_AR_AGGREGATE);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 2500000);
	wb_damages_free (d);
}

Test (damages, ar_days_around_midnight_and_dst)
{
	/* Local days as ingest computed them in America/Chicago: 23:59 CST on
	 * March 10, 2007 and 00:01 CDT on March 11 (the DST change) are two
	 * days; 2,600 copies each: per-day min($26,000, $25,000) x 2 = $50,000,
	 * where one day of 5,200 would give $25,000. */
	copies (2600, 2, "2007-03-10", 1, "sender_legal_name", "0");
	copies (2600, 2, "2007-03-11", 1, "sender_legal_name", "0");
	wb_damages_t *d = run ("ar-4-88", 0, 0, FALSE, WB_AR_PER_DAY);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 5000000);
	cr_assert_eq (st (d, "ar-4-88")->days, 2);
	wb_damages_free (d);
}

Test (damages, az_lesser_and_greater)
{
	/* 44-1372.02(B) recipient: "$10 each ... or $25,000, whichever is less";
	 * (D) provider: "whichever is greater".  3,000 copies without ADV:
	 * (01(B)(1)): recipient min($30,000, $25,000) = $25,000 (cap wins),
	 * provider max = $30,000 (per-message wins). */
	copies (3000, 3, "2007-12-01", 1, "subject_adv", "0");
	wb_damages_t *d = run ("az-44-1372", WB_PLAINTIFF_RECIPIENT, 0, FALSE, 0);
	cr_assert_eq (st (d, "az-44-1372")->amount_cents, 2500000);
	wb_damages_free (d);
	d = run ("az-44-1372", WB_PLAINTIFF_PROVIDER, 0, FALSE, 0);
	cr_assert_eq (st (d, "az-44-1372")->amount_cents, 3000000);
	wb_damages_free (d);
}

Test (damages, az_small_case_each_branch)
{
	/* 100 copies: recipient min($1,000, $25,000) = $1,000 (per-message
	 * wins); provider max($1,000, $25,000) = $25,000 (the sum wins). */
	copies (100, 3, "2007-12-01", 1, "subject_adv", "0");
	wb_damages_t *d = run ("az-44-1372", WB_PLAINTIFF_RECIPIENT, 0, FALSE, 0);
	cr_assert_eq (st (d, "az-44-1372")->amount_cents, 100000);
	wb_damages_free (d);
	d = run ("az-44-1372", WB_PLAINTIFF_PROVIDER, 0, FALSE, 0);
	cr_assert_eq (st (d, "az-44-1372")->amount_cents, 2500000);
	wb_damages_free (d);
}

Test (damages, ca_statutes_exclude_each_other)
{
	/* 10 copies violating 17529.5(a)(2) and, like every copy to a CA
	 * address, 17529.2(b).  17529.5(b)(3): no action under both "for the
	 * same commercial e-mail advertisement": $10,000 counted once, under
	 * ca-17529.5 (equal totals either way: the smaller id). */
	copies (10, 1, "2007-10-01", 3, "from_domain_valid", "0");
	wb_damages_t *d = run (NULL, 0, 0, FALSE, 0);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 1000000);
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 0);
	cr_assert_eq (st (d, "ca-17529.8")->excluded_by_statute, 10);
	cr_assert_eq (d->total_cents, 1000000);
	wb_damages_free (d);
}

Test (damages, exclusion_takes_the_larger)
{
	/* 1,500 copies of one campaign-day, all under 17529.2(b); 500 of them
	 * also under 17529.5(a)(2).  17529.5 taking the 500: $500,000 +
	 * min($1,000,000, $1,000,000) = $1,500,000; 17529.8 taking them:
	 * min($1,500,000, $1,000,000) = $1,000,000.  The larger wins. */
	copies (500, 1, "2007-10-01", 3, "from_domain_valid", "0");
	copies (1000, 1, "2007-10-01", 3, "from_domain_valid", "1");
	wb_damages_t *d = run (NULL, 0, 0, FALSE, 0);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 50000000);
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 100000000);
	cr_assert_eq (d->total_cents, 150000000);
	wb_damages_free (d);
}

Test (damages, nexus_effective_limitations)
{
	/* Colorado 6-2.5-105 needs a CO resident AND CO equipment: trap 4
	 * (provider in TX) is out, trap 5 in.  No ADV: (103(4)): $10 each. */
	copies (3, 4, "2008-01-10", -1, "subject_adv", "0");
	copies (2, 5, "2008-01-10", -1, "subject_adv", "0");
	/* Before CO's effective date (2000-08-02); and, filed 2008-05-01 with a
	 * one-year period, before 2007-05-01; 2007-05-01 itself is inside. */
	copies (1, 5, "2000-08-01", -1, "subject_adv", "0");
	copies (4, 5, "2007-04-30", -1, "subject_adv", "0");
	copies (1, 5, "2007-05-01", -1, "subject_adv", "0");
	wb_damages_t *d = run ("co-6-2.5", 0, 0, FALSE, 0);
	wb_damages_statute_t *s = st (d, "co-6-2.5");
	cr_assert_eq (s->amount_cents, 3000);
	cr_assert_eq (s->excluded_nexus, 3);
	cr_assert_eq (s->excluded_effective, 1);
	cr_assert_eq (s->excluded_limitations, 4);
	cr_assert_eq (s->violating_messages, 3);
	cr_assert_eq (s->messages, 3);
	wb_damages_free (d);
}

Test (damages, undated_and_trapless_copies)
{
	/* A copy without a local day cannot be placed on or after the
	 * effective date (undated, not "before" it); a copy in no trap has no
	 * recipient (nexus), even under federal law. */
	exec_ok ("INSERT INTO raw (id, sha256, size, bytes) VALUES (900, printf('%064d', 900), 1, x'00');"
		 "INSERT INTO messages (id, sha256, raw_id, trap_id, status, local_day) VALUES"
		 " (900, printf('%064d', 900), 900, 5, 'ok', NULL);"
		 "INSERT INTO raw (id, sha256, size, bytes) VALUES (901, printf('%064d', 901), 1, x'00');"
		 "INSERT INTO messages (id, sha256, raw_id, trap_id, status, local_day) VALUES"
		 " (901, printf('%064d', 901), 901, 0, 'ok', '2008-01-01');"
		 "INSERT INTO facts VALUES (900, 'opt_out', '0', 'certain', NULL), (901, 'opt_out', '0', 'certain', NULL)");
	wb_damages_t *d = run (NULL, WB_PLAINTIFF_PROVIDER, 0, FALSE, 0);
	cr_assert_eq (st (d, "co-6-2.5")->excluded_undated, 1);
	cr_assert_eq (st (d, "co-6-2.5")->excluded_effective, 0);
	cr_assert_eq (st (d, "co-6-2.5")->excluded_nexus, 1);
	cr_assert_eq (st (d, "us-7706")->excluded_nexus, 1);
	cr_assert_eq (st (d, "us-7706")->excluded_undated, 1);
	cr_assert_eq (st (d, "us-7706")->excluded_effective, 0);
	cr_assert_eq (d->total_cents, 0);
	wb_damages_free (d);
}

/* "In scope" one way under every statute (damages.h): the statute reaches
 * the copy (nexus, a day of receipt, effective date, limitations), whatever
 * an analyst then finds on its merits.  A case filed 2008-05-01:
 *   trap 1 (CA resident, CA provider): copies 1-3 on 2008-01-10, copy 4
 *     undated; copy 1 found not commercial by an analyst (statute '*');
 *   trap 5 (CO resident, CO provider): copies 5-6 on 2008-01-10, copy 7
 *     undated; copy 5 found not commercial.
 * Every copy lacks "ADV:" (subject_adv = 0), which Colorado's 103(4)
 * forbids and neither § 17529.5 nor CAN-SPAM does; § 17529.2(b) holds for
 * every copy in a California trap (check 'always').
 *   ca-17529.8: 3 no nexus (trap 5), 1 undated, in scope 3 (copies 1-3),
 *     of which 1 analyst, 2 counted: 2 x $1,000 = $2,000.
 *   ca-17529.5: the same scope, 1 analyst, 2 not violating.
 *   co-6-2.5: nexus needs resident AND provider in CO: 4 no nexus (trap
 *     1), 1 undated, in scope 2 (copies 5-6), 1 analyst, 1 counted: $10.
 *   us-7706: no nexus needed: 0 no nexus, 2 undated, in scope 5, 2
 *     analyst, 3 not violating.
 *   ar-4-88, az-44-1372: 7 no nexus, none in scope.
 * Per trap and statute the rows add up to the trap's copies and sum to the
 * statute's figures. */
Test (damages, in_scope_one_way_and_per_trap)
{
	copies (3, 1, "2008-01-10", -1, "subject_adv", "0");
	exec_ok ("INSERT INTO raw (id, sha256, size, bytes) VALUES (4, printf('%064d', 4), 1, x'00');"
		 "INSERT INTO messages (id, sha256, raw_id, trap_id, status, local_day) VALUES"
		 " (4, printf('%064d', 4), 4, 1, 'malformed', NULL);"
		 "INSERT INTO facts VALUES (4, 'subject_adv', '0', 'certain', NULL)");
	next_id = 5;
	copies (2, 5, "2008-01-10", -1, "subject_adv", "0");
	exec_ok ("INSERT INTO raw (id, sha256, size, bytes) VALUES (7, printf('%064d', 7), 1, x'00');"
		 "INSERT INTO messages (id, sha256, raw_id, trap_id, status, local_day) VALUES"
		 " (7, printf('%064d', 7), 7, 5, 'ok', NULL);"
		 "INSERT INTO facts VALUES (7, 'subject_adv', '0', 'certain', NULL)");
	analyst (1, "*", "commercial", "no-violation");
	analyst (5, "*", "commercial", "no-violation");
	wb_damages_opts_t o;
	opts_init (&o);
	o.by_trap = TRUE;
	o.summary_only = TRUE;
	wb_damages_t *d = NULL;
	cr_assert_eq (wb_damages_compute (cs, &o, &d), WB_OK, "%s", wb_case_errmsg (cs));
	struct { const char *id; int64_t nexus, undated, eff, lim, scope, analyst, pre, other, clean, counted; } want[] = {
		{ "ar-4-88", 7, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "az-44-1372", 7, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "ca-17529.5", 3, 1, 0, 0, 3, 1, 0, 0, 2, 0 },
		{ "ca-17529.8", 3, 1, 0, 0, 3, 1, 0, 0, 0, 2 },
		{ "co-6-2.5", 4, 1, 0, 0, 2, 1, 0, 0, 0, 1 },
		{ "us-7706", 0, 2, 0, 0, 5, 2, 0, 0, 3, 0 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (want); i++) {
		wb_damages_statute_t *s = st (d, want[i].id);
		cr_assert_eq (s->excluded_nexus, want[i].nexus, "%s nexus %lld", s->id, (long long) s->excluded_nexus);
		cr_assert_eq (s->excluded_undated, want[i].undated, "%s undated", s->id);
		cr_assert_eq (s->excluded_effective, want[i].eff, "%s effective", s->id);
		cr_assert_eq (s->excluded_limitations, want[i].lim, "%s limitations", s->id);
		cr_assert_eq (s->messages, want[i].scope, "%s in scope %lld", s->id, (long long) s->messages);
		cr_assert_eq (s->excluded_analyst, want[i].analyst, "%s analyst", s->id);
		cr_assert_eq (s->excluded_preempted, want[i].pre, "%s preempted", s->id);
		cr_assert_eq (s->excluded_by_statute, want[i].other, "%s other statute", s->id);
		cr_assert_eq (s->not_violating, want[i].clean, "%s not violating", s->id);
		cr_assert_eq (s->violating_messages, want[i].counted, "%s counted", s->id);
	}
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 200000);
	cr_assert_eq (st (d, "co-6-2.5")->amount_cents, 1000);

	/* Per trap: ca@t (4 copies, 1 malformed, 1 undated), co2@t (3, 1
	 * undated), by address (ar@t, az@t, ca@t, co2@t, co@t); the traps
	 * without copies are listed with zeros. */
	cr_assert_eq (d->traps->len, 5);
	cr_assert_eq (d->trap_statutes->len, 5 * d->statutes->len);
	const wb_damages_trap_t *ca = d->traps->pdata[2], *co = d->traps->pdata[3];
	cr_assert_str_eq (ca->address, "ca@t");
	cr_assert_str_eq (co->address, "co2@t");
	cr_assert_eq (ca->copies, 4);
	cr_assert_eq (ca->malformed, 1);
	cr_assert_eq (ca->undated, 1);
	cr_assert_eq (co->copies, 3);
	cr_assert_eq (co->undated, 1);
	int64_t sum[6][11] = { { 0 } };
	for (guint i = 0; i < d->trap_statutes->len; i++) {
		const wb_damages_trap_statute_t *x = &g_array_index (d->trap_statutes, wb_damages_trap_statute_t, i);
		const wb_damages_trap_t *t = d->traps->pdata[x->trap];
		cr_assert_eq (x->copies, t->copies, "%s: every copy of the trap once", t->address);
		cr_assert_eq (x->copies, x->excluded_nexus + x->excluded_undated + x->excluded_effective
			      + x->excluded_limitations + x->in_scope);
		cr_assert_eq (x->in_scope, x->excluded_analyst + x->excluded_preempted + x->excluded_by_statute
			      + x->not_violating + x->counted);
		int64_t v[11] = { x->excluded_nexus, x->excluded_undated, x->excluded_effective, x->excluded_limitations,
				  x->in_scope, x->excluded_analyst, x->excluded_preempted, x->excluded_by_statute,
				  x->not_violating, x->counted, x->copies };
		for (int k = 0; k < 11; k++)
			sum[x->statute][k] += v[k];
	}
	for (size_t i = 0; i < G_N_ELEMENTS (want); i++) {
		int64_t w[] = { want[i].nexus, want[i].undated, want[i].eff, want[i].lim, want[i].scope, want[i].analyst,
				want[i].pre, want[i].other, want[i].clean, want[i].counted, 7 };
		for (int k = 0; k < 11; k++)
			cr_assert_eq (sum[i][k], w[k], "%s column %d: %lld", want[i].id, k, (long long) sum[i][k]);
	}
	/* The Colorado trap under Colorado: 1 undated, 2 in scope, 1 analyst, 1 counted. */
	const wb_damages_trap_statute_t *x = &g_array_index (d->trap_statutes, wb_damages_trap_statute_t,
							     3 * d->statutes->len + 4);
	cr_assert_eq (x->excluded_undated, 1);
	cr_assert_eq (x->in_scope, 2);
	cr_assert_eq (x->excluded_analyst, 1);
	cr_assert_eq (x->counted, 1);

	char *j = wb_damages_json (d);
	cr_assert (strstr (j, "\"excluded_undated\": 1, \"not_violating\": 0}"), "%s", j);
	cr_assert (strstr (j, "{\"trap\": \"co2@t\", \"found\": 0, \"copies\": 3, \"duplicate_locations\": -3,"
			   " \"malformed\": 0, \"undated\": 1, \"possible_duplicates\": 0, \"statutes\": ["), "%s", j);
	cr_assert (strstr (j, "{\"id\": \"co-6-2.5\", \"copies\": 3, \"excluded_nexus\": 0, \"excluded_undated\": 1,"
			   " \"excluded_effective\": 0, \"excluded_limitations\": 0, \"in_scope\": 2, \"excluded_analyst\": 1,"
			   " \"excluded_preempted\": 0, \"excluded_by_statute\": 0, \"not_violating\": 0, \"counted\": 1}"), "%s", j);
	g_free (j);
	wb_damages_free (d);

	/* Without by_trap a summary leaves the reconciliation out. */
	o.by_trap = FALSE;
	cr_assert_eq (wb_damages_compute (cs, &o, &d), WB_OK);
	cr_assert_null (d->traps);
	j = wb_damages_json (d);
	cr_assert_null (strstr (j, "\"traps\""));
	g_free (j);
	wb_damages_free (d);
}

Test (damages, analyst_overrides_and_star)
{
	/* Five CO copies without ADV:, $10 each = $50 by rule.
	 * #1: co-6-2.5 * no-violation -> out.
	 * #2: * commercial no-violation -> out of every statute.
	 * #3: co-6-2.5 4 no-violation -> out (its only violation).
	 * #4: co-6-2.5 * no-violation but 5 violation -> in (specific wins).
	 * #5: rule only -> in.  Total 2 x $10 = $20. */
	int64_t f = copies (5, 5, "2008-01-10", -1, "subject_adv", "0");
	analyst (f, "co-6-2.5", "*", "no-violation");
	analyst (f + 1, "*", "commercial", "no-violation");
	analyst (f + 2, "co-6-2.5", "4", "no-violation");
	analyst (f + 3, "co-6-2.5", "*", "no-violation");
	analyst (f + 3, "co-6-2.5", "5", "violation");
	wb_damages_t *d = run ("co-6-2.5", 0, 0, FALSE, 0);
	cr_assert_eq (st (d, "co-6-2.5")->amount_cents, 2000);
	cr_assert_eq (st (d, "co-6-2.5")->excluded_analyst, 3);
	cr_assert_eq (st (d, "co-6-2.5")->violating_messages, 2);
	wb_damages_free (d);
}

Test (damages, analyst_nexus)
{
	/* Copies to a Texas trap are outside 17529.2 unless sent from
	 * California (17529.2(a)): the analyst finds two of three were, and
	 * that they violate (a): 2 x $1,000.  A fourth copy, to a California
	 * trap, is found not to reach a California address ('nexus
	 * no-violation'): out. */
	exec_ok ("INSERT INTO traps (id, address, state, provider_state) VALUES (6, 'tx@t', 'TX', 'TX')");
	int64_t f = copies (3, 6, "2007-10-01", -1, "subject_adv", "1");
	int64_t g = copies (1, 1, "2007-10-01", -1, "subject_adv", "1");
	for (int i = 0; i < 2; i++) {
		analyst (f + i, "ca-17529.8", "nexus", "violation");
		analyst (f + i, "ca-17529.8", "a", "violation");
	}
	analyst (g, "ca-17529.8", "nexus", "no-violation");
	wb_damages_t *d = run ("ca-17529.8", 0, WB_INCIDENT_MESSAGE, FALSE, 0);
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 200000);
	cr_assert_eq (st (d, "ca-17529.8")->excluded_nexus, 2);
	cr_assert_eq (st (d, "ca-17529.8")->violating_messages, 2);
	wb_damages_free (d);
}

Test (damages, analyst_violation_without_rule)
{
	/* No rule finding (ADV: present); the analyst finds 6-2.5-103(3)
	 * (a third party's domain) on one copy and * violation on another:
	 * 2 x $10 = $20. */
	int64_t f = copies (3, 5, "2008-01-10", -1, "subject_adv", "1");
	analyst (f, "co-6-2.5", "3", "violation");
	analyst (f + 1, "co-6-2.5", "*", "violation");
	wb_damages_t *d = run ("co-6-2.5", 0, 0, FALSE, 0);
	cr_assert_eq (st (d, "co-6-2.5")->amount_cents, 2000);
	wb_damages_free (d);
}

Test (damages, indicators_only_when_asked)
{
	/* header_forged is an indicator: 17529.5(a)(2) counts it only with
	 * include_indicators: 2 x $1,000. */
	copies (2, 1, "2007-10-01", 1, "header_forged", "1");
	exec_ok ("UPDATE facts SET confidence = 'indicator'");
	wb_damages_t *d = run ("ca-17529.5", 0, 0, FALSE, 0);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 0);
	wb_damages_free (d);
	d = run_opts ("ca-17529.5", 0, 0, FALSE, 0, TRUE);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 200000);
	wb_damages_free (d);
}

Test (damages, canspam_provider_a1_uncapped)
{
	/* 15 U.S.C. 7706(g)(3): up to $100 for 7704(a)(1), up to $25 otherwise,
	 * the $1,000,000 limit not for (a)(1).  Provider plaintiff, 3 copies
	 * with an invalid From domain ((a)(1)) and 2 without opt-out ((a)(3)):
	 * 3 x $100 + 2 x $25 = $350.  A recipient may not sue: $0. */
	copies (3, 1, "2007-10-01", 1, "from_domain_valid", "0");
	copies (2, 1, "2007-10-01", 1, "opt_out", "0");
	wb_damages_t *d = run ("us-7706", WB_PLAINTIFF_PROVIDER, 0, FALSE, 0);
	cr_assert_eq (st (d, "us-7706")->amount_cents, 35000);
	cr_assert_eq (st (d, "us-7706")->violating_messages, 5);
	wb_damages_free (d);
	d = run ("us-7706", WB_PLAINTIFF_RECIPIENT, 0, FALSE, 0);
	cr_assert_eq (st (d, "us-7706")->amount_cents, 0);
	wb_damages_free (d);
}

Test (damages, rules_apply_stores_what_damages_counts)
{
	/* wb_rules_apply stores, per copy, 4-88-603(a)(1)(A) (no legal name)
	 * and ca-17529.8's 'always' check (nexus is for damages, not the rule):
	 * 2 x 3 rows with their evidence; damages gives 3 x $10 either way. */
	copies (3, 2, "2007-12-01", 1, "sender_legal_name", "0");
	int64_t run_id, n = 0;
	cr_assert_eq (wb_statutes_install (cs, NULL, 1), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (wb_case_run_begin (cs, "ingest", NULL, &run_id), WB_OK);
	cr_assert_eq (wb_rules_apply (cs, NULL, run_id, &n), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (n, 3 * 2);
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT evidence FROM findings WHERE source = 'rule'"
					    " AND statute = 'ar-4-88' AND provision = 'a1A' AND message = 1");
	cr_assert_eq (sqlite3_step (q), SQLITE_ROW);
	cr_assert_str_eq ((const char *) sqlite3_column_text (q, 0), "sender_legal_name=0 (certain)");
	sqlite3_reset (q);
	cr_assert_eq (wb_case_run_end (cs, run_id, NULL), WB_OK);
	wb_statute_set_t *set = NULL;
	cr_assert_eq (wb_statutes_load_case (cs, &set), WB_OK);
	cr_assert (wb_rules_current (cs, set));
	/* Damages reads the stored masks while they are current. */
	wb_damages_t *d = run ("ar-4-88", 0, 0, FALSE, 0);
	cr_assert_str_eq (d->statute_source, "case");
	cr_assert (g_str_has_prefix (d->rules_source, "stored rule findings"), "%s", d->rules_source);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 3000);
	wb_damages_free (d);
	/* A stored mask is what damages counts: clear one copy's masks and
	 * it is no longer counted (2 x $10). */
	exec_ok ("UPDATE rule_masks SET masks = zeroblob(length(masks)) WHERE message = 1");
	d = run ("ar-4-88", 0, 0, FALSE, 0);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 2000);
	wb_damages_free (d);
	/* A later ingest run may have changed the facts: no longer current,
	 * computed from the facts again (3 x $10). */
	int64_t later;
	cr_assert_eq (wb_case_run_begin (cs, "ingest", NULL, &later), WB_OK);
	cr_assert (!wb_rules_current (cs, set));
	wb_statute_set_free (set);
	d = run ("ar-4-88", 0, 0, FALSE, 0);
	cr_assert_str_eq (d->rules_source, "rule findings computed from the facts");
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 3000);
	wb_damages_free (d);
}

Test (damages, json_shape)
{
	copies (1, 5, "2008-01-10", -1, "subject_adv", "0");
	wb_damages_t *d = run ("co-6-2.5", 0, 0, FALSE, 0);
	char *j = wb_damages_json (d);
	cr_assert (g_str_has_prefix (j, "{\"plaintiff\": \"recipient\", \"due_care\": false, \"incident\": "
				     "\"campaign-day\", \"statutes\": [\n  {\"id\": \"co-6-2.5\", \"messages\": 1, "
				     "\"violating_messages\": 1, \"incidents\": 1, \"days\": 1, \"uncapped_cents\": 1000, "
				     "\"amount_cents\": 1000,"), "%s", j);
	cr_assert (strstr (j, "\"total_cents\": 1000"));
	g_free (j);
	wb_damages_free (d);
}

Test (damages, rows_and_groups)
{
	/* 2 copies on one day, 1 on another, one campaign (AR, $10 each). */
	copies (2, 2, "2007-12-01", 4, "sender_legal_name", "0");
	copies (1, 2, "2007-12-02", 4, "sender_legal_name", "0");
	wb_damages_t *d = run ("ar-4-88", 0, WB_INCIDENT_CAMPAIGN, FALSE, 0);
	cr_assert_eq (d->rows->len, 3);
	cr_assert_eq (d->days->len, 2);
	cr_assert_eq (d->incidents->len, 1);
	wb_damages_group_t *g = &g_array_index (d->incidents, wb_damages_group_t, 0);
	cr_assert_eq (g->copies, 3);
	cr_assert_str_eq (g->local_day, "");   /* spans two days */
	wb_damages_row_t *r = &g_array_index (d->rows, wb_damages_row_t, 0);
	cr_assert_str_eq (r->provisions, "4-88-603(a)(1)(A)");
	cr_assert_eq (r->per_message_cents, 1000);
	cr_assert_str_eq (r->local_day, "2007-12-01");
	wb_damages_free (d);
}

Test (damages, scenarios_cover_each_branch)
{
	/* AZ 100 copies: recipient $1,000, provider $25,000 (see above); the
	 * scenarios give both, with 'any' for the dimensions AZ ignores. */
	copies (100, 3, "2007-12-01", 1, "subject_adv", "0");
	wb_damages_opts_t o;
	opts_init (&o);
	char *ids[] = { "az-44-1372", NULL };
	o.statutes = ids;
	wb_damages_scenarios_t *r = NULL;
	cr_assert_eq (wb_damages_scenarios (cs, &o, &r), WB_OK);
	int seen = 0;
	for (guint i = 0; i < r->rows->len; i++) {
		wb_damages_scenario_t *s = &g_array_index (r->rows, wb_damages_scenario_t, i);
		if (s->statute < 0)
			continue;
		cr_assert_eq (s->incident, -1);
		cr_assert_eq (s->due_care, -1);
		cr_assert_eq (s->ar_day_rule, -1);
		/* Preemption applied: the copies of 2007 lack only the "ADV:"
		 * label (not falsity or deception): nothing for either. */
		if (s->preemption == WB_PREEMPT_APPLY)
			cr_assert_eq (s->amount_cents, 0);
		else
			cr_assert_eq (s->amount_cents, s->plaintiff == WB_PLAINTIFF_RECIPIENT ? 100000 : 2500000);
		seen++;
	}
	cr_assert_eq (seen, 4);
	cr_assert_eq (r->rows->len, 4 + 48);
	wb_damages_scenarios_free (r);
}

Test (damages, overflow_is_an_error)
{
	/* An edited rule file with a per-message amount near INT64_MAX: two
	 * copies overflow 64-bit cents and the engine says so. */
	char *sdir = g_build_filename (dir, "st", NULL);
	g_mkdir (sdir, 0755);
	char *f = g_build_filename (sdir, "x.ini", NULL);
	g_file_set_contents (f, "[statute]\nid=x\ncitation=X\njurisdiction=CO\neffective=2000-01-01\n"
			     "plaintiffs=recipient\n[damages]\nper_message_cents=9000000000000000000\ncap=none\n"
			     "election_recipient=lesser\nelection_provider=lesser\ntext=t\n"
			     "[provision a]\nlabel=(a)\ntext=t\ncheck=subject_adv = 0\n", -1, NULL);
	copies (2, 5, "2008-01-10", -1, "subject_adv", "0");
	wb_damages_opts_t o;
	opts_init (&o);
	o.statutes_dir = sdir;
	wb_damages_t *d = NULL;
	cr_assert_eq (wb_damages_compute (cs, &o, &d), WB_ERR_OVERFLOW);
	cr_assert_null (d);
	g_free (f);
	g_free (sdir);
}

/* ---- Per plaintiff: each trap holder's action, each provider's ---- */

static wb_damages_t *
run_scope (const char *statute, wb_plaintiff_t pl, wb_ar_day_rule_t ar, int scope)
{
	wb_damages_opts_t o;
	opts_init (&o);
	char *ids[] = { (char *) statute, NULL };
	o.statutes = ids;
	o.plaintiff = pl;
	o.ar_day_rule = ar;
	o.incident_scope = scope;
	wb_damages_t *d = NULL;
	cr_assert_eq (wb_damages_compute (cs, &o, &d), WB_OK, "%s", wb_case_errmsg (cs));
	return d;
}

/* Plaintiff NAME's amount under statute 0 of D, or -1 if it has no action. */
static int64_t
action_of (wb_damages_t *d, const char *name)
{
	for (guint i = 0; i < d->actions->len; i++) {
		wb_damages_action_t *a = &g_array_index (d->actions, wb_damages_action_t, i);
		if (strcmp (((wb_damages_plaintiff_t *) d->plaintiffs->pdata[a->plaintiff])->name, name) == 0)
			return a->amount_cents;
	}
	return -1;
}

Test (damages, two_recipients_one_cap_per_action_each)
{
	/* Two Arizona trap holders, 3,000 copies each without "ADV:"
	 * (44-1372.01(B)(1)).  Each injured person "may choose ... to recover
	 * ten dollars for each ... or twenty-five thousand dollars, whichever
	 * is less" (44-1372.02(B)) in an action of their own:
	 *   Ana: min($10 x 3,000, $25,000) = $25,000
	 *   Bo:  min($10 x 3,000, $25,000) = $25,000     total $50,000
	 * (one cap over the whole case would give $25,000 for both). */
	exec_ok ("UPDATE traps SET holder = 'Ana' WHERE id = 3");
	exec_ok ("INSERT INTO traps (id, address, holder, state, provider_state, timezone)"
		 " VALUES (6, 'az2@t', 'Bo', 'AZ', 'AZ', 'America/Phoenix')");
	copies (3000, 3, "2007-12-01", 1, "subject_adv", "0");
	copies (3000, 6, "2007-12-01", 1, "subject_adv", "0");
	wb_damages_t *d = run_scope ("az-44-1372", WB_PLAINTIFF_RECIPIENT, 0, -1);
	cr_assert_eq (st (d, "az-44-1372")->amount_cents, 5000000);
	cr_assert_eq (d->total_cents, 5000000);
	cr_assert_eq (d->plaintiffs->len, 6);   /* Ana, Bo and the four traps without a holder */
	cr_assert_eq (action_of (d, "Ana"), 2500000);
	cr_assert_eq (action_of (d, "Bo"), 2500000);
	wb_damages_free (d);
	/* One provider (both traps at domain 't', no provider named): "whichever
	 * is greater" (02(D)) in its one action: max($60,000, $25,000). */
	d = run_scope ("az-44-1372", WB_PLAINTIFF_PROVIDER, 0, -1);
	cr_assert_eq (st (d, "az-44-1372")->amount_cents, 6000000);
	cr_assert_eq (d->plaintiffs->len, 1);
	cr_assert_str_eq (((wb_damages_plaintiff_t *) d->plaintiffs->pdata[0])->name, "t");
	wb_damages_free (d);
	/* One holder of both traps is one plaintiff: min($60,000, $25,000). */
	exec_ok ("UPDATE traps SET holder = 'Ana' WHERE id = 6");
	d = run_scope ("az-44-1372", WB_PLAINTIFF_RECIPIENT, 0, -1);
	cr_assert_eq (st (d, "az-44-1372")->amount_cents, 2500000);
	cr_assert_eq (action_of (d, "Ana"), 2500000);
	cr_assert_str_eq (((wb_damages_plaintiff_t *) d->plaintiffs->pdata[0])->traps, "az@t, az2@t");
	wb_damages_free (d);
}

Test (damages, per_day_cap_within_each_plaintiff)
{
	/* Arkansas, one day, copies without the sender's legal name
	 * (4-88-603(a)(1)(A)): Ann's trap 2,000, Abe's 1,000.  "the lesser of
	 * ... $10 ... or $25,000 per day the violation occurs" (4-88-606(b)),
	 * within each recipient's action:
	 *   Ann: min($20,000, $25,000) = $20,000;  Abe: min($10,000, $25,000)
	 *   = $10,000; total $30,000 (over the case it would be $25,000).
	 * Aggregate: min(sum, $25,000 x 1 day) each: the same $30,000.
	 * A second day for Ann with 3,000 copies: min($30,000, $25,000) =
	 * $25,000 more: per day $55,000; aggregate Ann min($50,000, $50,000)
	 * + Abe $10,000 = $60,000. */
	exec_ok ("UPDATE traps SET holder = 'Ann' WHERE id = 2");
	exec_ok ("INSERT INTO traps (id, address, holder, state, provider_state, timezone)"
		 " VALUES (7, 'ar2@t', 'Abe', 'AR', 'TX', 'America/Chicago')");
	copies (2000, 2, "2007-12-01", 1, "sender_legal_name", "0");
	copies (1000, 7, "2007-12-01", 1, "sender_legal_name", "0");
	wb_damages_t *d = run_scope ("ar-4-88", WB_PLAINTIFF_RECIPIENT, WB_AR_PER_DAY, -1);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 3000000);
	cr_assert_eq (action_of (d, "Ann"), 2000000);
	cr_assert_eq (action_of (d, "Abe"), 1000000);
	/* Days are counted in each action: Ann's day and Abe's. */
	cr_assert_eq (st (d, "ar-4-88")->days, 2);
	wb_damages_free (d);
	d = run_scope ("ar-4-88", WB_PLAINTIFF_RECIPIENT, WB_AR_AGGREGATE, -1);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 3000000);
	wb_damages_free (d);
	copies (3000, 2, "2007-12-02", 1, "sender_legal_name", "0");
	d = run_scope ("ar-4-88", WB_PLAINTIFF_RECIPIENT, WB_AR_PER_DAY, -1);
	cr_assert_eq (action_of (d, "Ann"), 4500000);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 5500000);
	/* The Days groups are each plaintiff's days: three, one capped. */
	cr_assert_eq (d->days->len, 3);
	int capped = 0;
	for (guint i = 0; i < d->days->len; i++) {
		wb_damages_group_t *g = &g_array_index (d->days, wb_damages_group_t, i);
		cr_assert_geq (g->plaintiff, 0);
		capped += g->amount_cents < g->uncapped_cents;
	}
	cr_assert_eq (capped, 1);
	wb_damages_free (d);
	d = run_scope ("ar-4-88", WB_PLAINTIFF_RECIPIENT, WB_AR_AGGREGATE, -1);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 6000000);
	wb_damages_free (d);
	/* One provider for both (domain 't'): day 1 min($30,000, $25,000) +
	 * day 2 min($30,000, $25,000) = $50,000. */
	d = run_scope ("ar-4-88", WB_PLAINTIFF_PROVIDER, WB_AR_PER_DAY, -1);
	cr_assert_eq (st (d, "ar-4-88")->amount_cents, 5000000);
	wb_damages_free (d);
}

Test (damages, incident_shared_by_two_plaintiffs)
{
	/* One campaign on one day to two California residents: Carla 800
	 * copies, Cody 700.  § 17529.8(a)(1)(B): $1,000 each "up to one
	 * million dollars ($1,000,000) per incident"; § 17529.1(j): an
	 * incident is "a single transmission or delivery to a single recipient
	 * or to multiple recipients".
	 * shared (one cap for the incident): min($1,500,000, $1,000,000) =
	 *   $1,000,000, split 800:700: Carla 100,000,000 x 800 / 1,500 =
	 *   53,333,333.33 -> 53,333,333 cents, Cody 46,666,666.67 ->
	 *   46,666,666; the cent left goes to the larger part: Carla
	 *   53,333,334.
	 * each (a cap in each action): min($800,000, $1M) + min($700,000,
	 *   $1M) = $1,500,000. */
	exec_ok ("UPDATE traps SET holder = 'Carla' WHERE id = 1");
	exec_ok ("INSERT INTO traps (id, address, holder, state, provider_state, timezone)"
		 " VALUES (8, 'ca2@t', 'Cody', 'CA', 'NV', 'America/Los_Angeles')");
	copies (800, 1, "2007-11-05", 9, "subject_adv", "1");
	copies (700, 8, "2007-11-05", 9, "subject_adv", "1");
	wb_damages_t *d = run_scope ("ca-17529.8", WB_PLAINTIFF_RECIPIENT, 0, -1);
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 100000000);
	cr_assert_eq (st (d, "ca-17529.8")->incidents, 1);
	cr_assert_eq (action_of (d, "Carla"), 53333334);
	cr_assert_eq (action_of (d, "Cody"), 46666666);
	cr_assert_eq (d->incidents->len, 1);
	cr_assert_eq (g_array_index (d->incidents, wb_damages_group_t, 0).plaintiff, -1);
	cr_assert_eq (g_array_index (d->incidents, wb_damages_group_t, 0).amount_cents, 100000000);
	wb_damages_free (d);
	d = run_scope ("ca-17529.8", WB_PLAINTIFF_RECIPIENT, 0, WB_SCOPE_SHARED);
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 100000000);
	wb_damages_free (d);
	d = run_scope ("ca-17529.8", WB_PLAINTIFF_RECIPIENT, 0, WB_SCOPE_EACH);
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 150000000);
	cr_assert_eq (action_of (d, "Carla"), 80000000);
	cr_assert_eq (action_of (d, "Cody"), 70000000);
	cr_assert_eq (d->incidents->len, 2);
	cr_assert_eq (st (d, "ca-17529.8")->incidents, 2);   /* one in each action */
	wb_damages_free (d);

	/* --scenarios shows both readings for a recipient (campaign-day, no
	 * due care): $1,000,000 shared, $1,500,000 each. */
	wb_damages_opts_t o;
	opts_init (&o);
	char *ids[] = { "ca-17529.8", NULL };
	o.statutes = ids;
	wb_damages_scenarios_t *r = NULL;
	cr_assert_eq (wb_damages_scenarios (cs, &o, &r), WB_OK);
	int seen = 0;
	for (guint i = 0; i < r->rows->len; i++) {
		wb_damages_scenario_t *s = &g_array_index (r->rows, wb_damages_scenario_t, i);
		if (s->statute < 0 || s->plaintiff != WB_PLAINTIFF_RECIPIENT || s->incident != WB_INCIDENT_CAMPAIGN_DAY ||
		    s->due_care != 0 || s->preemption != WB_PREEMPT_IGNORE)
			continue;
		cr_assert_eq (s->amount_cents, s->incident_scope == WB_SCOPE_SHARED ? 100000000 : 150000000);
		seen++;
	}
	cr_assert_eq (seen, 2);
	wb_damages_scenarios_free (r);
}

Test (damages, a_file_with_one_reading_ignores_the_option)
{
	/* An edited copy of 17529.8 whose file allows only 'shared': asking
	 * for 'each' keeps the file's reading ($1,000,000 for the incident). */
	exec_ok ("INSERT INTO traps (id, address, state, provider_state, timezone)"
		 " VALUES (8, 'ca2@t', 'CA', 'NV', 'America/Los_Angeles')");
	copies (800, 1, "2007-11-05", 9, "subject_adv", "1");
	copies (700, 8, "2007-11-05", 9, "subject_adv", "1");
	char *sdir = g_build_filename (dir, "st1", NULL);
	g_mkdir (sdir, 0755);
	wb_statute_set_t *set = NULL;
	cr_assert_eq (wb_statutes_builtin (&set, NULL), WB_OK);
	GString *t = g_string_new (wb_statute_set_find (set, "ca-17529.8")->content);
	char *f5 = g_build_filename (sdir, "ca-17529.5.ini", NULL);
	cr_assert (g_file_set_contents (f5, wb_statute_set_find (set, "ca-17529.5")->content, -1, NULL));
	g_free (f5);
	wb_statute_set_free (set);
	g_string_replace (t, "incident_scope=shared;each", "incident_scope=shared", 1);
	char *f = g_build_filename (sdir, "ca-17529.8.ini", NULL);
	cr_assert (g_file_set_contents (f, t->str, -1, NULL));
	wb_damages_opts_t o;
	opts_init (&o);
	char *ids[] = { "ca-17529.8", NULL };
	o.statutes = ids;
	o.statutes_dir = sdir;
	o.incident_scope = WB_SCOPE_EACH;
	wb_damages_t *d = NULL;
	cr_assert_eq (wb_damages_compute (cs, &o, &d), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 100000000);
	wb_damages_free (d);
	g_string_free (t, TRUE);
	g_free (f);
	g_free (sdir);
}

/* ---- CAN-SPAM preemption, 15 U.S.C. § 7707(b)(1) ---- */

static wb_damages_t *
run_pre (const char *statute, wb_preemption_t pre)
{
	wb_damages_opts_t o;
	opts_init (&o);
	char *ids[] = { (char *) statute, NULL };
	o.statutes = ids;
	o.preemption = pre;
	wb_damages_t *d = NULL;
	cr_assert_eq (wb_damages_compute (cs, &o, &d), WB_OK, "%s", wb_case_errmsg (cs));
	return d;
}

/* STATUTE's amount and preempted copies with preemption applied, and its
 * amount with it ignored, are WANT_APPLY, WANT_PREEMPTED, WANT_IGNORE. */
static void
expect_pre (const char *statute, int64_t want_apply, int64_t want_preempted, int64_t want_ignore)
{
	wb_damages_t *d = run_pre (statute, WB_PREEMPT_APPLY);
	cr_assert_eq (st (d, statute)->amount_cents, want_apply, "%s apply: %lld", statute,
		      (long long) st (d, statute)->amount_cents);
	cr_assert_eq (st (d, statute)->excluded_preempted, want_preempted, "%s preempted: %lld", statute,
		      (long long) st (d, statute)->excluded_preempted);
	cr_assert_str_eq (d->preempted_by, "us-7706");
	cr_assert_str_eq (d->preempted_from, "2004-01-01");
	wb_damages_free (d);
	d = run_pre (statute, WB_PREEMPT_IGNORE);
	cr_assert_eq (st (d, statute)->amount_cents, want_ignore, "%s ignore", statute);
	cr_assert_eq (st (d, statute)->excluded_preempted, 0);
	cr_assert_null (d->preempted_by);
	wb_damages_free (d);
}

/* § 7707(b)(1), in force January 1, 2004, supersedes a state statute that
 * "expressly regulates the use of electronic mail to send commercial
 * messages, except to the extent that [it] prohibits falsity or deception
 * in any portion of a commercial electronic mail message".  The filing date
 * is moved to 2004-06-01 so that copies of late 2003 are inside the one-year
 * periods. */
Test (damages, preemption_before_and_after_2004_every_state)
{
	exec_ok ("UPDATE case_info SET value = '2004-06-01' WHERE key = 'filed'");
	/* Arkansas: no legal name (4-88-603(a)(1)(A), a disclosure duty):
	 * 3 copies on 2003-12-31 count ($30), 5 on 2004-01-01 are preempted;
	 * misrepresenting the transmission path (c)(2) (an analyst finding,
	 * falsity) on 2 more of 2004 survives: $30 + $20 = $50.  Ignored:
	 * 3 + 5 + 2 copies, $100. */
	copies (3, 2, "2003-12-31", 1, "sender_legal_name", "0");
	copies (5, 2, "2004-01-01", 2, "sender_legal_name", "0");
	int64_t c2 = copies (2, 2, "2004-01-02", 3, "sender_legal_name", "1");
	analyst (c2, "ar-4-88", "c2", "violation");
	analyst (c2 + 1, "ar-4-88", "c2", "violation");
	expect_pre ("ar-4-88", 5000, 5, 10000);
	/* Arizona: no "ADV:" (44-1372.01(B)(1), a label): 4 copies of
	 * 2003-12-31 count, 6 of 2004-01-01 are preempted; a falsified
	 * routing (01(A)(1), falsity) in 2004 survives.  $10 each, under the
	 * $25,000 cap: apply $40 + $10 = $50, ignore $110. */
	copies (4, 3, "2003-12-31", 4, "subject_adv", "0");
	copies (6, 3, "2004-01-01", 5, "subject_adv", "0");
	copies (1, 3, "2004-01-02", 6, "header_forged", "1");
	expect_pre ("az-44-1372", 5000, 6, 11000);
	/* Colorado (resident and provider in CO, trap 5): no "ADV:" (103(4)):
	 * 2 copies of 2003 count, 3 of 2004 are preempted; falsified routing
	 * (103(2)) in 2004 survives: $10 x 3 = $30; ignored $60. */
	copies (2, 5, "2003-12-31", 7, "subject_adv", "0");
	copies (3, 5, "2004-01-01", 8, "subject_adv", "0");
	copies (1, 5, "2004-01-02", 9, "header_forged", "1");
	expect_pre ("co-6-2.5", 3000, 3, 6000);
	/* California (in force 2004-01-01, so nothing earlier counts either
	 * way): § 17529.2(b) bans every UCE to a California address, whatever
	 * is in it, and is preempted for the 7 copies of 2004 ($0; ignored
	 * 7 x $1,000 = $7,000, one incident under the cap); 17529.5(a)(2),
	 * falsified headers (an invalid From domain), survives: 2 of the 7
	 * violate it, $2,000 either way.  The two statutes exclude each other
	 * (17529.5(b)(3)): ignored, 17529.5 takes its 2 ($2,000) and 17529.8
	 * the other 5 ($5,000), the same $7,000 total as the reverse; on the
	 * tie 17529.5 keeps the shared copies. */
	copies (1, 1, "2003-12-31", 10, "from_domain_valid", "1");
	copies (5, 1, "2004-01-01", 11, "from_domain_valid", "1");
	copies (2, 1, "2004-01-02", 12, "from_domain_valid", "0");
	expect_pre ("ca-17529.5", 200000, 0, 200000);
	expect_pre ("ca-17529.8", 0, 7, 700000);
	wb_damages_opts_t o;
	opts_init (&o);
	char *both[] = { "ca-17529.5", "ca-17529.8", NULL };
	o.statutes = both;
	o.preemption = WB_PREEMPT_IGNORE;
	wb_damages_t *d = NULL;
	cr_assert_eq (wb_damages_compute (cs, &o, &d), WB_OK);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 200000);
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 500000);
	wb_damages_free (d);
	o.preemption = WB_PREEMPT_APPLY;
	cr_assert_eq (wb_damages_compute (cs, &o, &d), WB_OK);
	cr_assert_eq (st (d, "ca-17529.5")->amount_cents, 200000);
	cr_assert_eq (st (d, "ca-17529.8")->amount_cents, 0);
	/* The 2 copies 17529.5 took are not counted as preempted under
	 * 17529.8: they violate only the ban there, and are preempted. */
	cr_assert_eq (st (d, "ca-17529.8")->excluded_preempted, 7);
	wb_damages_free (d);
	/* CAN-SPAM itself is not preempted. */
	d = run_pre ("us-7706", WB_PREEMPT_APPLY);
	cr_assert_eq (st (d, "us-7706")->excluded_preempted, 0);
	wb_damages_free (d);
}

Test (damages, preemption_every_state_provision_says_why)
{
	/* Each provision of a state file says whether it prohibits falsity or
	 * deception, with the reason; the federal file carries the clause. */
	wb_statute_set_t *set = NULL;
	cr_assert_eq (wb_statutes_builtin (&set, NULL), WB_OK);
	int preempting = 0;
	for (guint i = 0; i < set->statutes->len; i++) {
		wb_statute_t *s = set->statutes->pdata[i];
		if (strcmp (s->jurisdiction, "US") == 0) {
			preempting += s->preempts_from == 20040101;
			cr_assert_not_null (strstr (s->preempts_text, "NOT in the seed"));
			continue;
		}
		cr_assert_not_null (s->preemption_note, "%s", s->id);
		for (guint p = 0; p < s->provisions->len; p++) {
			wb_provision_t *pr = s->provisions->pdata[p];
			cr_assert (pr->falsity == 0 || pr->falsity == 1, "%s %s", s->id, pr->id);
			cr_assert (pr->falsity_note && *pr->falsity_note, "%s %s", s->id, pr->id);
		}
	}
	cr_assert_eq (preempting, 1);
	/* The examples: 17529.5(a)(2) survives; the labels and the
	 * 17529.2 ban do not. */
	cr_assert_eq (wb_statute_provision (wb_statute_set_find (set, "ca-17529.5"), "a2")->falsity, 1);
	cr_assert_eq (wb_statute_provision (wb_statute_set_find (set, "ca-17529.8"), "b")->falsity, 0);
	cr_assert_eq (wb_statute_provision (wb_statute_set_find (set, "co-6-2.5"), "4")->falsity, 0);
	cr_assert_eq (wb_statute_provision (wb_statute_set_find (set, "az-44-1372"), "B1")->falsity, 0);
	cr_assert_eq (wb_statute_provision (wb_statute_set_find (set, "ar-4-88"), "a2")->falsity, 0);
	wb_statute_set_free (set);
}

/* Copies FIRST..LAST attributed to party P in ROLE. */
static void
attribute (int64_t first, int64_t last, int p, const char *role)
{
	char *sql = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT %lld UNION ALL SELECT i + 1 FROM n WHERE i < %lld)"
				     " INSERT INTO message_parties (message, party, role, kind, value, location)"
				     " SELECT i, %d, '%s', 'domain', 'x.test', 'header:From' FROM n",
				     (long long) first, (long long) last, p, role);
	exec_ok (sql);
	g_free (sql);
}

static wb_defendants_t *
run_defendants (const char *statute, const char *only)
{
	wb_damages_opts_t o;
	opts_init (&o);
	char *ids[] = { (char *) statute, NULL };
	o.statutes = ids;
	wb_defendants_t *d = NULL;
	cr_assert_eq (wb_damages_defendants (cs, &o, only, &d), WB_OK, "%s", wb_case_errmsg (cs));
	return d;
}

static wb_defendant_t *
defendant (wb_defendants_t *d, const char *name)
{
	for (guint i = 0; i < d->defendants->len; i++)
		if (strcmp (((wb_defendant_t *) d->defendants->pdata[i])->name, name) == 0)
			return d->defendants->pdata[i];
	cr_assert_fail ("no defendant %s", name);
	return NULL;
}

static wb_defendant_statute_t *
dst (wb_defendant_t *x, int i)
{
	return x->statutes->pdata[i];
}

Test (damages, a_copy_against_two_defendants_is_recovered_once)
{
	/* Arizona reaches the sender only: "A person shall not knowingly
	 * transmit" (44-1372.01(A)), "'Sender' means a person who initiates"
	 * (44-1372(5)).  3,000 copies without "ADV:" (01(B)(1)) to az@t, one
	 * plaintiff; $10 each, "or twenty-five thousand dollars, whichever is
	 * less" (02(B)) in its action.
	 *   Sendco sent copies 1-2,600: min($26,000, $25,000)    = $25,000
	 *   Mailco sent copies 2,001-3,000: min($10,000, $25,000) = $10,000
	 *   Affy, the affiliate of all 3,000: Arizona does not reach it: $0
	 * Copies 2,001-2,600 are claimed against both senders, recovered once:
	 * the case total is the 3,000 copies once, min($30,000, $25,000) =
	 * $25,000, where the exposures add up to $35,000. */
	exec_ok ("INSERT INTO parties (id, name, role) VALUES (1, 'Sendco', 'sender'), (2, 'Mailco', 'sender'),"
		 " (3, 'Affy', 'affiliate')");
	copies (3000, 3, "2007-12-01", 1, "subject_adv", "0");
	attribute (1, 2600, 1, "sender");
	attribute (2001, 3000, 2, "sender");
	attribute (1, 3000, 3, "affiliate");
	wb_defendants_t *d = run_defendants ("az-44-1372", NULL);
	cr_assert_eq (d->defendants->len, 3);   /* no links: no group */
	wb_defendant_t *s = defendant (d, "Sendco"), *m = defendant (d, "Mailco"), *a = defendant (d, "Affy");
	cr_assert_eq (dst (s, 0)->copies, 2600);
	cr_assert_eq (dst (s, 0)->uncapped_cents, 2600000);
	cr_assert_eq (s->amount_cents, 2500000);
	cr_assert_eq (m->amount_cents, 1000000);
	cr_assert_eq (dst (m, 0)->copies, 1000);
	cr_assert_eq (a->copies, 3000);
	cr_assert_eq (a->role_copies[1], 3000);
	cr_assert_eq (a->amount_cents, 0);
	cr_assert_not (dst (a, 0)->reached);
	cr_assert_str_eq (dst (a, 0)->reason, "reaches sender only; attributed as affiliate");
	cr_assert_null (dst (s, 0)->reason);
	cr_assert_eq (d->total_cents, 2500000);
	cr_assert_eq (d->copies, 3000);
	cr_assert_eq (d->exposure_sum_cents, 3500000);
	/* No link joins Sendco to anything: its copies rest on the messages. */
	cr_assert_eq (s->weakest_link, 0);
	cr_assert_str_eq (s->first_day, "2007-12-01");
	cr_assert_eq (s->first_copy, 1);
	cr_assert_eq (s->last_copy, 2600);
	cr_assert_eq (s->after_filing, 0);           /* filed 2008-05-01 */
	char *j = wb_defendants_json (d);
	cr_assert (strstr (j, "\"name\": \"Sendco\", \"party_ids\": [1], \"roles\": {\"sender\": 2600, "
			   "\"affiliate\": 0, \"advertiser\": 0}, \"copies\": 2600"), "%s", j);
	cr_assert (strstr (j, "\"total_cents\": 2500000"), "%s", j);
	g_free (j);
	wb_defendants_free (d);
	/* --defendant Mailco: only Mailco, its 1,000 copies listed; the total
	 * stays the case's. */
	d = run_defendants ("az-44-1372", "mailco");
	cr_assert_eq (d->defendants->len, 1);
	m = d->defendants->pdata[0];
	cr_assert_eq (m->copy_list->len, 1000);
	cr_assert_eq (g_array_index (m->copy_list, wb_defendant_copy_t, 0).message, 2001);
	cr_assert_eq (g_array_index (m->copy_list, wb_defendant_copy_t, 0).statutes, 1);
	cr_assert_eq (d->total_cents, 2500000);
	wb_defendants_free (d);
	cr_assert_eq (wb_damages_defendants (cs, &(wb_damages_opts_t) { 0 }, "Nobody", &d), WB_ERR_NOT_FOUND);
}

Test (damages, a_group_rests_on_its_weakest_link)
{
	/* Sendco (sender) and Affy (affiliate) joined by a weak link an analyst
	 * confirmed: one group, its weakest link flagged weak.  A weak link
	 * not confirmed (Affy - Other) joins nothing and is listed.  Colorado
	 * reaches "any person that sends" (6-2.5-103): $10 each, no cap
	 * (6-2.5-104(2)(b)).  20 copies to co2@t (CO holder and provider)
	 * without opt-out (103(5)); Sendco sent 1-10, Affy is the affiliate of
	 * 11-20 and Other of all.  Sendco: $100; Affy, Other: $0 (not
	 * senders); the group: copies 1-10 as sender, $100.  Five of Sendco's
	 * copies come after the filing date (2008-05-01). */
	exec_ok ("INSERT INTO parties (id, name, role) VALUES (1, 'Sendco', 'sender'), (2, 'Affy', 'affiliate'),"
		 " (3, 'Other', 'affiliate')");
	exec_ok ("INSERT INTO links (id, party_a, party_b, score, strength, review) VALUES"
		 " (7, 1, 2, 2.5, 'weak', 'confirmed'), (8, 2, 3, 2.0, 'weak', NULL)");
	copies (5, 5, "2008-04-01", 1, "opt_out", "0");
	copies (5, 5, "2008-06-01", 1, "opt_out", "0");
	copies (10, 5, "2008-04-02", 2, "opt_out", "0");
	attribute (1, 10, 1, "sender");
	attribute (11, 20, 2, "affiliate");
	attribute (1, 20, 3, "affiliate");
	wb_defendants_t *d = run_defendants ("co-6-2.5", NULL);
	cr_assert_eq (d->defendants->len, 4);
	wb_defendant_t *g = defendant (d, "Sendco + Affy");
	cr_assert (g->group);
	cr_assert_eq (g->party_ids->len, 2);
	cr_assert_eq (g->weakest_link, 7);
	cr_assert (g->weak);
	cr_assert_str_eq (g->weakest_strength, "weak");
	cr_assert_eq (g->amount_cents, 10000);
	cr_assert_eq (g->after_filing, 5);
	cr_assert_str_eq (g->last_day, "2008-06-01");
	cr_assert_eq (defendant (d, "Sendco")->amount_cents, 10000);
	cr_assert_eq (defendant (d, "Affy")->amount_cents, 0);
	cr_assert_eq (defendant (d, "Other")->amount_cents, 0);
	cr_assert (strstr (defendant (d, "Other")->weak_links, "link 8 Affy - Other: weak 2.00"));
	cr_assert (strstr (g->weak_links, "link 8"));
	cr_assert_eq (d->total_cents, 10000);
	wb_defendants_free (d);
}
