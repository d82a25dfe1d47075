#include <getopt.h>
#include <string.h>
#include "wb.h"
#include "copyref.h"
#include "damages.h"
#include "rules.h"

/* 'why CASE COPY [--statute ID]...': why one copy counts under each
 * statute, or does not.  Whether it counts, its incident, its day and its
 * amount come from the damages engine (wb_damages_compute over the whole
 * case, since statutes exclude each other and caps act on groups); the
 * reason a copy is left out is read from the same inputs the engine reads
 * (the trap, the statute file, the filing date, the findings) and said in
 * words. */

typedef struct {
	int64_t id;
	int64_t trap_id;
	char *trap, *state, *provider_state, *timezone;
	char *local_day, *subject, *from;
	int64_t campaign;          /* -1: none */
} copy_info_t;

static void
copy_info_clear (copy_info_t *c)
{
	g_free (c->trap);
	g_free (c->state);
	g_free (c->provider_state);
	g_free (c->timezone);
	g_free (c->local_day);
	g_free (c->subject);
	g_free (c->from);
}

static char *
col_dup (sqlite3_stmt *q, int i)
{
	const char *s = (const char *) sqlite3_column_text (q, i);
	return s && *s ? g_strstrip (g_strdup (s)) : NULL;
}

static wb_status_t
load_copy (wb_case_t *cs, int64_t id, copy_info_t *c)
{
	sqlite3_stmt *q = wb_case_stmt (cs,
		"SELECT m.trap_id, t.address, t.state, t.provider_state, t.timezone, m.local_day,"
		" m.subject, m.from_addr, m.campaign FROM messages m LEFT JOIN traps t ON t.id = m.trap_id"
		" WHERE m.id = ?1");
	if (!q)
		return WB_ERR_DB;
	sqlite3_bind_int64 (q, 1, id);
	wb_status_t s = WB_OK;
	if (sqlite3_step (q) == SQLITE_ROW) {
		c->id = id;
		c->trap_id = sqlite3_column_int64 (q, 0);
		c->trap = col_dup (q, 1);
		c->state = col_dup (q, 2);
		c->provider_state = col_dup (q, 3);
		c->timezone = col_dup (q, 4);
		c->local_day = col_dup (q, 5);
		c->subject = col_dup (q, 6);
		c->from = col_dup (q, 7);
		c->campaign = sqlite3_column_type (q, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64 (q, 8);
	} else
		s = wb_case_fail_db (cs, "cannot read message copy");
	sqlite3_reset (q);
	return s;
}

/* One analyst finding of the copy. */
typedef struct {
	char *statute, *provision, *finding, *note, *evidence;
} analyst_t;

static void
analyst_free (gpointer p)
{
	analyst_t *a = p;
	g_free (a->statute);
	g_free (a->provision);
	g_free (a->finding);
	g_free (a->note);
	g_free (a->evidence);
	g_free (a);
}

static GPtrArray *
load_analyst (wb_case_t *cs, int64_t id)
{
	sqlite3_stmt *q = wb_case_stmt (cs,
		"SELECT statute, provision, finding, note, evidence FROM findings"
		" WHERE message = ?1 AND source = 'analyst' ORDER BY statute, provision");
	if (!q)
		return NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func (analyst_free);
	sqlite3_bind_int64 (q, 1, id);
	while (sqlite3_step (q) == SQLITE_ROW) {
		analyst_t *a = g_new0 (analyst_t, 1);
		a->statute = col_dup (q, 0);
		a->provision = col_dup (q, 1);
		a->finding = col_dup (q, 2);
		a->note = col_dup (q, 3);
		a->evidence = col_dup (q, 4);
		g_ptr_array_add (out, a);
	}
	sqlite3_reset (q);
	return out;
}

/* The analyst finding of statute ST (or "*") and provision PROV, or NULL. */
static const analyst_t *
analyst_find (GPtrArray *an, const char *st, const char *prov)
{
	for (guint i = 0; i < an->len; i++) {
		const analyst_t *a = an->pdata[i];
		if (g_strcmp0 (a->statute, st) == 0 && g_strcmp0 (a->provision, prov) == 0)
			return a;
	}
	return NULL;
}

static void
print_analyst (FILE *out, const analyst_t *a)
{
	char *note = a->note ? wb_text_safe (a->note) : NULL;
	fprintf (out, "analyst: %s%s%s%s (%s)", a->finding, note ? " \"" : "", note ? note : "",
		 note ? "\"" : "", a->evidence ? a->evidence : "finding");
	g_free (note);
}

/* "the holder lives in CA or the copy was sent from CA" for nexus BITS. */
static char *
nexus_words (const wb_statute_t *st)
{
	GString *s = g_string_new (NULL);
	const char *names[] = { "the holder lives in %s", "the provider's equipment is in %s",
				"the copy was sent from %s" };
	for (int i = 0, n = 0; i < 3; i++)
		if (st->nexus & (1u << i)) {
			if (n++)
				g_string_append (s, st->nexus_all ? " and " : " or ");
			g_string_append_printf (s, names[i], st->jurisdiction);
		}
	return g_string_free (s, FALSE);
}

/* Rule findings of the copy under ST, from its facts: per provision index,
 * 0 none, 1 certain, 2 indicator, with the evidence. */
static int
rule_findings (wb_case_t *cs, const wb_statute_t *st, int64_t id, int *kind, char **evidence)
{
	GString *lines = g_string_new (NULL);
	int n = wb_rules_evidence (cs, st, id, lines);
	if (n > 0) {
		char **ls = g_strsplit (lines->str, "\n", -1);
		for (char **l = ls; *l; l++) {
			char *br = strstr (*l, " [");
			if (!br)
				continue;
			char *label = g_strndup (*l, br - *l);
			int p = wb_statute_provision_index (st, label);
			g_free (label);
			if (p < 0)
				continue;
			kind[p] = g_str_has_prefix (br, " [certain]") ? 1 : 2;
			char *colon = strstr (br, "]: ");
			evidence[p] = g_strdup (colon ? colon + 3 : "");
		}
		g_strfreev (ls);
	}
	g_string_free (lines, TRUE);
	return n;
}

static const wb_damages_row_t *
row_of (const wb_damages_t *d, int s, int64_t id)
{
	for (guint i = 0; i < d->rows->len; i++) {
		const wb_damages_row_t *r = &g_array_index (d->rows, wb_damages_row_t, i);
		if (r->statute == s && r->message == id)
			return r;
	}
	return NULL;
}

static const wb_damages_group_t *
group_of (GArray *groups, int s, int64_t number, const char *day)
{
	for (guint i = 0; i < groups->len; i++) {
		const wb_damages_group_t *g = &g_array_index (groups, wb_damages_group_t, i);
		if (g->statute == s && (number ? g->number == number : g_strcmp0 (g->local_day, day) == 0))
			return g;
	}
	return NULL;
}

static int64_t
elect (wb_election_t el, int64_t sum, int64_t cap)
{
	if (sum <= 0)
		return 0;
	return el == WB_ELECT_GREATER ? MAX (sum, cap) : MIN (sum, cap);
}

/* The reason copy C is not counted under ST (index S of D): a code for
 * machines (nexus, undated, effective, limitations, analyst, no_violation,
 * other_statute, preempted, unknown) into *CODE and the words, newly allocated. */
static char *
reason_of (const wb_statute_set_t *set, const wb_statute_t *st, int s, const wb_damages_t *d,
	   const copy_info_t *c, const analyst_t *nexus, const analyst_t *comm, gboolean final_any,
	   gboolean rule_counted, gboolean indicators, const char **code)
{
	gboolean has;
	unsigned have = 0;
	if (c->state && g_ascii_strcasecmp (c->state, st->jurisdiction) == 0)
		have |= WB_NEXUS_RESIDENT;
	if (c->provider_state && g_ascii_strcasecmp (c->provider_state, st->jurisdiction) == 0)
		have |= WB_NEXUS_PROVIDER;
	if (c->trap_id == 0 || !c->trap)
		has = FALSE;
	else if (nexus)
		has = strcmp (nexus->finding, "violation") == 0;
	else if (st->nexus == 0)
		has = TRUE;
	else
		has = st->nexus_all ? (have & st->nexus) == st->nexus : (have & st->nexus) != 0;
	int day = c->local_day ? wb_day_number (c->local_day) : -1;
	int lim_start = -1;
	if (st->limitations_years > 0 && d->filed && wb_day_number (d->filed) > 0) {
		int f = wb_day_number (d->filed);
		GDate *g = g_date_new_dmy (f % 100, (f / 100) % 100, f / 10000);
		g_date_subtract_years (g, st->limitations_years);
		lim_start = g_date_get_year (g) * 10000 + g_date_get_month (g) * 100 + g_date_get_day (g);
		g_date_free (g);
	}
	if (!has) {
		*code = "nexus";
		if (c->trap_id == 0 || !c->trap)
			return g_strdup ("no nexus: the copy is in no trap, so it has no recipient");
		if (nexus)
			return g_strdup_printf ("no nexus: an analyst found the copy outside %s's reach",
						st->jurisdiction);
		char *need = nexus_words (st);
		char *t = g_strdup_printf ("no nexus: the trap's holder lives in %s and its provider is in %s;"
					   " %s reaches a copy when %s", c->state ? c->state : "no state given",
					   c->provider_state ? c->provider_state : "no state given", st->id, need);
		g_free (need);
		return t;
	}
	if (day < 0) {
		*code = "undated";
		return g_strdup_printf ("undated: the copy has no date of receipt, so it cannot be shown to fall on or after"
					" %s, the day %s took effect", st->effective, st->id);
	}
	if (day < st->effective_day) {
		*code = "effective";
		return g_strdup_printf ("before the effective date: received %s, %s took effect on %s",
					c->local_day, st->id, st->effective);
	}
	if (lim_start > 0 && day < lim_start) {
		*code = "limitations";
		return g_strdup_printf ("limitations: received %s, more than %d year%s before the filing date %s",
					c->local_day, st->limitations_years, st->limitations_years == 1 ? "" : "s",
					d->filed);
	}
	if (comm && strcmp (comm->finding, "no-violation") == 0) {
		*code = "analyst";
		return g_strdup ("analyst: an analyst found the message not commercial");
	}
	if (!final_any && rule_counted) {
		*code = "analyst";
		return g_strdup ("analyst: the analyst's findings take out the rule's violation");
	}
	if (!final_any) {
		*code = "no_violation";
		return g_strdup_printf ("no provision is violated%s", indicators && !d->opts.include_indicators
					? " (indicators only: counted with --include-indicators)" : "");
	}
	/* Violating, but counted under a statute that excludes this one. */
	for (guint i = 0; i < d->statutes->len; i++) {
		const wb_damages_statute_t *o = d->statutes->pdata[i];
		const wb_statute_t *ost = wb_statute_set_find (set, o->id);
		if ((int) i == s || !ost)
			continue;
		if (!g_strv_contains ((const char *const *) st->excludes, ost->id) &&
		    !g_strv_contains ((const char *const *) ost->excludes, st->id))
			continue;
		if (row_of (d, i, c->id)) {
			*code = "other_statute";
			return g_strdup_printf ("other statute: counted under %s, which excludes %s for the same"
						" message (the plaintiff elects the larger sum)", ost->id, st->id);
		}
	}
	/* Violating, received once federal law preempts, and not counted:
	 * every provision it violates is one CAN-SPAM supersedes. */
	if (d->preempted_by && g_strcmp0 (d->preempted_by, st->id) != 0 && c->local_day &&
	    strcmp (c->local_day, d->preempted_from) >= 0) {
		*code = "preempted";
		return g_strdup_printf ("preempted: received %s, on or after %s, and no provision it violates"
					" prohibits falsity or deception (15 U.S.C. 7707(b)(1), in %s);"
					" counted with --preemption ignore", c->local_day, d->preempted_from,
					d->preempted_by);
	}
	*code = "unknown";
	return g_strdup ("not counted by the damages engine (reason not determined)");
}

/* What counted copy ROW adds to ST's amount: the amount with it less the
 * amount without it, for the group the cap acts on, into *ADDS; the words
 * after the amount (maybe ""), newly allocated. */
static char *
adds_of (const wb_statute_t *st, const wb_damages_statute_t *ds, const wb_damages_t *d,
	 const wb_damages_row_t *row, const wb_damages_group_t *inc, const wb_damages_group_t *day,
	 int64_t *adds)
{
	char b1[32], b2[32], b3[32];
	int64_t pm = row->per_message_cents;
	wb_election_t el = st->election[d->opts.plaintiff];
	const char *capped_by = NULL;
	int64_t group = 0;
	*adds = pm;
	if (!row->uncapped) {
		if (st->cap == WB_CAP_INCIDENT && inc)
			group = inc->uncapped_cents, capped_by = "incident";
		else if (st->cap == WB_CAP_DAY && day && d->opts.ar_day_rule == WB_AR_PER_DAY)
			group = day->uncapped_cents, capped_by = "day";
		else if (st->cap == WB_CAP_ACTION)
			group = ds->uncapped_cents, capped_by = "action";
	}
	if (capped_by)
		*adds = elect (el, group, st->cap_cents) - elect (el, group - pm, st->cap_cents);
	gboolean may_sue = d->opts.plaintiff == WB_PLAINTIFF_RECIPIENT ? st->plaintiff_recipient
								       : st->plaintiff_provider;
	if (!may_sue) {
		*adds = 0;
		return g_strdup_printf (": a %s may not sue under this statute (%s a copy otherwise)",
					wb_plaintiff_name (d->opts.plaintiff), wb_format_cents (pm, b1));
	}
	if (capped_by && *adds != pm && el == WB_ELECT_GREATER)
		return g_strdup_printf (" (%s a copy; a %s gets the greater of the copies' sum, %s, and %s per %s)",
					wb_format_cents (pm, b1), wb_plaintiff_name (d->opts.plaintiff),
					wb_format_cents (group, b2), wb_format_cents (st->cap_cents, b3), capped_by);
	if (capped_by && *adds != pm)
		return g_strdup_printf (" (%s a copy; the %s is held to %s by the cap)", wb_format_cents (pm, b1),
					capped_by, wb_format_cents (elect (el, group, st->cap_cents), b2));
	return g_strdup (row->uncapped ? " (outside the cap)" : "");
}

static void
json_analyst (GString *j, const char *key, const analyst_t *a)
{
	g_string_append_printf (j, ", \"%s\": ", key);
	if (!a) {
		g_string_append (j, "null");
		return;
	}
	g_string_append (j, "{\"finding\": ");
	wb_json_string (j, a->finding);
	g_string_append (j, ", \"note\": ");
	if (a->note)
		wb_json_string (j, a->note);
	else
		g_string_append (j, "null");
	g_string_append (j, ", \"evidence\": ");
	if (a->evidence)
		wb_json_string (j, a->evidence);
	else
		g_string_append (j, "null");
	g_string_append (j, "}");
}

static void
json_group (GString *j, const char *key, const wb_damages_group_t *g, int64_t number, const char *day)
{
	g_string_append_printf (j, ", \"%s\": ", key);
	if (!g) {
		g_string_append (j, "null");
		return;
	}
	g_string_append (j, "{");
	if (number)
		g_string_append_printf (j, "\"number\": %" G_GINT64_FORMAT ", ", number);
	else {
		g_string_append (j, "\"day\": ");
		wb_json_string (j, day);
		g_string_append (j, ", ");
	}
	g_string_append_printf (j, "\"copies\": %" G_GINT64_FORMAT ", \"uncapped_cents\": %" G_GINT64_FORMAT
				", \"amount_cents\": %" G_GINT64_FORMAT "}", g->copies, g->uncapped_cents,
				g->amount_cents);
}

/* Explain copy C under statute ST (index S of D): as text on ctx->out, or,
 * J given, as one JSON object appended to J. */
static void
explain_statute (wb_ctx_t *ctx, const wb_statute_set_t *set, const wb_statute_t *st, int s,
		 const wb_damages_t *d, const copy_info_t *c, GPtrArray *an, GString *j)
{
	FILE *out = ctx->out;
	const wb_damages_statute_t *ds = d->statutes->pdata[s];
	char buf[32], buf2[32];
	if (j) {
		g_string_append (j, "{\"statute\": ");
		wb_json_string (j, st->id);
		g_string_append (j, ", \"citation\": ");
		wb_json_string (j, st->citation);
		g_string_append (j, ", \"provisions\": [");
	} else
		fprintf (out, "\n== %s  %s\n", st->id, st->citation);

	/* The provisions: rule and analyst findings. */
	guint np = st->provisions->len;
	int *kind = g_new0 (int, np);
	char **ev = g_new0 (char *, np + 1);
	rule_findings (ctx->cs, st, c->id, kind, ev);
	gboolean rule_counted = FALSE, final_any = FALSE, indicators = FALSE;
	int width = 0;
	for (guint p = 0; p < np; p++)
		width = MAX (width, wb_text_width (((wb_provision_t *) st->provisions->pdata[p])->label));
	const analyst_t *star = analyst_find (an, st->id, "*");
	const analyst_t *comm = analyst_find (an, st->id, "commercial");
	if (!comm)
		comm = analyst_find (an, "*", "commercial");
	const analyst_t *nexus = analyst_find (an, st->id, "nexus");
	if (!j)
		fprintf (out, "Findings:\n");
	for (guint p = 0; p < np; p++) {
		const wb_provision_t *pr = st->provisions->pdata[p];
		const analyst_t *a = analyst_find (an, st->id, pr->id);
		gboolean counts_rule = kind[p] == 1 || (kind[p] == 2 && d->opts.include_indicators);
		indicators |= kind[p] == 2;
		gboolean v = counts_rule;
		if (star)
			v = strcmp (star->finding, "violation") == 0;
		if (a)
			v = strcmp (a->finding, "violation") == 0;
		if (comm && strcmp (comm->finding, "no-violation") == 0)
			v = FALSE;
		final_any |= v;
		rule_counted |= counts_rule;
		if (j) {
			g_string_append (j, p ? ", {\"provision\": " : "{\"provision\": ");
			wb_json_string (j, pr->id);
			g_string_append (j, ", \"label\": ");
			wb_json_string (j, pr->label);
			g_string_append_printf (j, ", \"violated\": %s, \"rule\": %s", v ? "true" : "false",
						kind[p] == 1 ? "\"certain\"" : kind[p] == 2 ? "\"indicator\"" : "null");
			g_string_append (j, ", \"evidence\": ");
			if (kind[p])
				wb_json_string (j, ev[p]);
			else
				g_string_append (j, "null");
			json_analyst (j, "analyst", a);
			g_string_append (j, "}");
			continue;
		}
		fprintf (out, "  %-*s  %-3s  ", width, pr->label, v ? "yes" : "no");
		if (kind[p])
			fprintf (out, "rule, %s%s: %s", kind[p] == 1 ? "certain" : "indicator",
				 kind[p] == 2 && !d->opts.include_indicators ? " (not counted without --include-indicators)" : "",
				 ev[p]);
		else if (pr->kind == WB_CHECK_ANALYST)
			fprintf (out, "no finding (an analyst decides this provision)");
		else
			fprintf (out, "no rule finding (check: %s)", pr->check);
		if (a) {
			fprintf (out, "; ");
			print_analyst (out, a);
		}
		fputc ('\n', out);
	}
	for (guint p = 0; p < np; p++)
		g_free (ev[p]);     /* sparse: not g_strfreev */
	g_free (ev);
	g_free (kind);
	if (j) {
		g_string_append (j, "]");
		json_analyst (j, "analyst_every_provision", star);
		json_analyst (j, "analyst_commercial", comm);
		json_analyst (j, "analyst_nexus", nexus);
	} else {
		const analyst_t *extra[] = { star, comm, nexus };
		const char *names[] = { "every provision", "commercial", "nexus" };
		for (int i = 0; i < 3; i++)
			if (extra[i]) {
				fprintf (out, "  %s: ", names[i]);
				print_analyst (out, extra[i]);
				fputc ('\n', out);
			}
	}

	/* Counted, and what it adds; or why not. */
	const wb_damages_row_t *row = row_of (d, s, c->id);
	if (row) {
		const wb_damages_group_t *inc = group_of (d->incidents, s, row->incident, NULL);
		const wb_damages_group_t *day = group_of (d->days, s, 0, row->local_day);
		int64_t adds;
		char *how = adds_of (st, ds, d, row, inc, day, &adds);
		if (j) {
			g_string_append (j, ", \"counted\": true, \"reason\": null, \"reason_text\": null,"
				     " \"violates\": ");
			wb_json_string (j, row->provisions);
			json_group (j, "incident", inc, row->incident, NULL);
			json_group (j, "day", day, 0, row->local_day);
			g_string_append_printf (j, ", \"per_message_cents\": %" G_GINT64_FORMAT
						", \"adds_cents\": %" G_GINT64_FORMAT ", \"adds_text\": ",
						row->per_message_cents, adds);
			wb_json_string (j, how);
			g_string_append (j, "}");
			g_free (how);
			return;
		}
		fprintf (out, "Counted: violates %s\n", row->provisions);
		fprintf (out, "Incident: %" G_GINT64_FORMAT " of %s (%s", row->incident, st->id,
			 wb_incident_rule_name (d->opts.incident));
		if (c->campaign >= 0 && d->opts.incident != WB_INCIDENT_MESSAGE)
			fprintf (out, ": campaign %" G_GINT64_FORMAT, c->campaign);
		if (inc)
			fprintf (out, "), %" G_GINT64_FORMAT " %s, %s uncapped, %s\n", inc->copies,
				 inc->copies == 1 ? "copy" : "copies", wb_format_cents (inc->uncapped_cents, buf),
				 wb_format_cents (inc->amount_cents, buf2));
		else
			fprintf (out, ")\n");
		if (day)
			fprintf (out, "Day: %s, %" G_GINT64_FORMAT " %s, %s uncapped, %s\n", row->local_day,
				 day->copies, day->copies == 1 ? "copy" : "copies",
				 wb_format_cents (day->uncapped_cents, buf), wb_format_cents (day->amount_cents, buf2));
		fprintf (out, "Adds: %s%s\n", wb_format_cents (adds, buf), how);
		g_free (how);
		return;
	}
	const char *code = NULL;
	char *why = reason_of (set, st, s, d, c, nexus, comm, final_any, rule_counted, indicators, &code);
	if (j) {
		g_string_append_printf (j, ", \"counted\": false, \"reason\": \"%s\", \"reason_text\": ", code);
		wb_json_string (j, why);
		g_string_append (j, ", \"violates\": null, \"incident\": null, \"day\": null,"
			     " \"per_message_cents\": null, \"adds_cents\": 0, \"adds_text\": null}");
	} else
		fprintf (out, "Not counted: %s\n", why);
	g_free (why);
}

/* The heading of copy C (the K-th explained) for people. */
static void
print_copy (FILE *out, const wb_damages_t *d, const copy_info_t *c, guint k)
{
	char *subj = wb_text_safe (c->subject ? c->subject : "");
	fprintf (out, "%sCopy %" G_GINT64_FORMAT ": %s, received %s\n", k ? "\n" : "", c->id, subj,
		 c->local_day ? c->local_day : "(no date)");
	g_free (subj);
	if (c->trap)
		fprintf (out, "Trap: %s (holder in %s, provider in %s, %s)\n", c->trap,
			 c->state ? c->state : "no state given",
			 c->provider_state ? c->provider_state : "no state given",
			 c->timezone ? c->timezone : "UTC");
	else
		fprintf (out, "Trap: none (no trap address matched)\n");
	fprintf (out, "Damages: plaintiff %s, incident %s, filed %s, %s, preemption %s\n",
		 wb_plaintiff_name (d->opts.plaintiff), wb_incident_rule_name (d->opts.incident),
		 d->filed ? d->filed : "not set",
		 d->opts.include_indicators ? "indicators counted" : "indicators not counted",
		 d->preempted_by ? "applied" : d->opts.preemption == WB_PREEMPT_IGNORE ? "ignored"
		 : "applied (no statute of the set preempts)");
}

static void
json_text_or_null (GString *j, const char *s)
{
	if (s)
		wb_json_string (j, s);
	else
		g_string_append (j, "null");
}

/* The same for machines: the start of the copy's object, up to its
 * "statutes" array, which the caller fills and closes. */
static void
json_copy (GString *j, const wb_damages_t *d, const copy_info_t *c, guint k)
{
	g_string_append_printf (j, "%s{\"copy\": %" G_GINT64_FORMAT ", \"subject\": ", k ? ",\n " : "", c->id);
	json_text_or_null (j, c->subject);
	g_string_append (j, ", \"local_day\": ");
	json_text_or_null (j, c->local_day);
	g_string_append (j, ", \"trap\": ");
	json_text_or_null (j, c->trap);
	g_string_append_printf (j, ", \"plaintiff\": \"%s\", \"incident_rule\": \"%s\","
				" \"preemption\": \"%s\","
				" \"include_indicators\": %s, \"filed\": ", wb_plaintiff_name (d->opts.plaintiff),
				wb_incident_rule_name (d->opts.incident), wb_preemption_name (d->opts.preemption),
				d->opts.include_indicators ? "true" : "false");
	json_text_or_null (j, d->filed);
	g_string_append (j, ", \"statutes\": [");
}

const wb_option_t wb_options_why[] = {
	WB_GROUP (wb_options_damages),
	WB_STRING ('t', "trap", "ADDR", "When COPY is a Message-ID several traps received: the "
		   "copy in this trap"),
	WB_FORMAT (wb_formats_text_json, WB_FORMAT_HELP_TEXT_JSON),
	WB_OPTIONS_END
};

int
wb_cmd_why (wb_ctx_t *ctx, int argc, char **argv)
{
	wb_damages_opts_t dopts;
	wb_damages_opts_init (&dopts);
	GPtrArray *only = g_ptr_array_new ();
	const char *trap = NULL, *format = NULL;
	int c, rc = WB_EXIT_FAIL;
	while ((c = wb_options_next (argc, argv, wb_options_why)) != -1) {
		int done = wb_damages_option ("why", c, optarg, &dopts, only);
		if (done < 0) {
			g_ptr_array_unref (only);
			return WB_EXIT_USAGE;
		}
		if (done)
			continue;
		switch (c) {
		case 't': trap = optarg; break;
		case 'F': format = optarg; break;
		default:
			g_ptr_array_unref (only);
			return wb_usage_error ("why", "bad option");
		}
	}
	if (argc - optind != 1) {
		g_ptr_array_unref (only);
		return wb_usage_error ("why", "give one copy");
	}
	if (trap && !wb_check_value (ctx, "trap", trap, NULL,
				     "SELECT address FROM traps ORDER BY address", TRUE)) {
		g_ptr_array_unref (only);
		return WB_EXIT_USAGE;
	}
	wb_mode_t mode;
	if (!wb_ctx_mode (ctx, format, WB_MODE_TEXT, &mode)) {
		g_ptr_array_unref (only);
		return WB_EXIT_USAGE;
	}
	if (mode != WB_MODE_TEXT && mode != WB_MODE_JSON) {
		g_ptr_array_unref (only);
		return wb_usage_error ("why", "--format must be text or json");
	}
	if (!wb_require_analysis (ctx, "why")) {
		g_ptr_array_unref (only);
		return WB_EXIT_FAIL;
	}
	GString *j = mode == WB_MODE_JSON ? g_string_new ("[") : NULL;
	wb_statute_set_t *set = NULL;
	wb_damages_t *d = NULL;
	GPtrArray *an = NULL;
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (int64_t));
	wb_status_t st = wb_statutes_for (ctx->cs, dopts.statutes_dir, &set);
	if (st) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	for (guint i = 0; i < only->len; i++)
		if (!wb_statute_set_find (set, only->pdata[i])) {
			wb_error ("unknown statute '%s'", (char *) only->pdata[i]);
			wb_hint ("'workbench statutes %s' lists the statute ids", ctx->case_path);
			rc = WB_EXIT_USAGE;
			goto done;
		}
	if ((st = wb_copy_resolve (ctx->cs, argv[optind], trap, ids))) {
		wb_error ("%s", wb_case_errmsg (ctx->cs));
		if (st == WB_ERR_NOT_FOUND)
			wb_hint ("list copies with 'workbench messages %s'", ctx->case_path);
		goto done;
	}
	if ((st = wb_damages_compute (ctx->cs, &dopts, &d))) {
		rc = wb_fail_case (ctx, st);
		goto done;
	}
	for (guint k = 0; k < ids->len; k++) {
		copy_info_t ci = { 0 };
		int64_t id = g_array_index (ids, int64_t, k);
		if ((st = load_copy (ctx->cs, id, &ci)) || !(an = load_analyst (ctx->cs, id))) {
			copy_info_clear (&ci);
			rc = wb_fail_case (ctx, st ? st : WB_ERR_DB);
			goto done;
		}
		if (j)
			json_copy (j, d, &ci, k);
		else
			print_copy (ctx->out, d, &ci, k);
		gboolean first = TRUE;
		for (guint s = 0; s < d->statutes->len; s++) {
			const wb_damages_statute_t *ds = d->statutes->pdata[s];
			gboolean want = only->len == 0;
			for (guint i = 0; i < only->len; i++)
				want |= strcmp (only->pdata[i], ds->id) == 0;
			if (!want)
				continue;
			if (j && !first)
				g_string_append (j, ",\n  ");
			first = FALSE;
			explain_statute (ctx, set, wb_statute_set_find (set, ds->id), s, d, &ci, an, j);
		}
		if (j)
			g_string_append (j, "]}");
		copy_info_clear (&ci);
		g_ptr_array_unref (an);
		an = NULL;
	}
	if (j) {
		g_string_append (j, "]\n");
		fputs (j->str, ctx->out);
	}
	rc = WB_EXIT_OK;
done:
	if (j)
		g_string_free (j, TRUE);
	g_array_unref (ids);
	g_ptr_array_unref (only);
	wb_damages_free (d);
	wb_statute_set_free (set);
	return rc;
}
