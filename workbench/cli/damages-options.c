/* The damages parameters as options: one group that damages, report and
 * why include, so that each takes the same options, with the same words,
 * and sets the engine's wb_damages_opts_t the same way. */
#include <string.h>
#include "wb.h"

static const char *const plaintiffs[] = { "recipient", "provider", NULL };
static const char *const incidents[] = { "campaign-day", "campaign", "message", NULL };
static const char *const ar_day_rules[] = { "per-day", "aggregate", NULL };
static const char *const incident_scopes[] = { "shared", "each", NULL };
static const char *const preemptions[] = { "apply", "ignore", NULL };

const wb_option_t wb_options_damages[] = {
	{ .kind = WB_OPT_STRING, .key = WB_DOPT_STATUTE, .name = "statute", .arg = "ID",
	  .flags = WB_OPT_REPEAT,
	  .help = "Only this statute (an id 'statutes CASE' lists, such as ca-17529.5); "
		  "give it again for several.  Without it, every statute in force" },
	WB_ENUM (WB_DOPT_PLAINTIFF, "plaintiff", plaintiffs,
		 "Who sues: each trap's holder as a recipient of the mail (the default), or "
		 "each provider whose equipment received it.  A statute that does not give "
		 "that plaintiff an action counts $0 under it"),
	WB_FLAG (WB_DOPT_DUE_CARE, "due-care",
		 "Assume the court finds the defendant implemented, with due care, practices to "
		 "prevent unlawful mail: statutes with a reduced due-care amount (Cal. Bus. & "
		 "Prof. Code 17529.5(b)(2), 17529.8(b)) use it"),
	WB_ENUM (WB_DOPT_INCIDENT, "incident", incidents,
		 "What one incident is, for statutes that cap per incident: one campaign on "
		 "one local day (campaign-day, the default), one campaign whatever its days, "
		 "or each copy"),
	WB_ENUM (WB_DOPT_AR_DAY_RULE, "ar-day-rule", ar_day_rules,
		 "How the Arkansas cap per day applies (Ark. Code 4-88-606(b)(1)): per-day sums "
		 "min($10 x copies, $25,000) over the days (the default); aggregate takes "
		 "min($10 x all copies, $25,000 x days with a violation)"),
	WB_ENUM (WB_DOPT_INCIDENT_SCOPE, "incident-scope", incident_scopes,
		 "When several plaintiffs received one incident, whether its cap is one cap "
		 "they share (shared) or one for each plaintiff's action (each).  Only for "
		 "statutes whose file allows both readings; without it, each file's own"),
	WB_ENUM (WB_DOPT_PREEMPTION, "preemption", preemptions,
		 "CAN-SPAM preemption (15 U.S.C. 7707(b)(1)): apply (the default) counts a "
		 "copy received on or after the preemption date under a state statute only "
		 "for provisions that prohibit falsity or deception; ignore counts every "
		 "provision"),
	WB_FLAG (WB_DOPT_INCLUDE_INDICATORS, "include-indicators",
		 "Count rule findings that are only indicators (heuristics such as a "
		 "forged-looking Received line) as violations too.  Without it only certain "
		 "findings, and the analyst's, count"),
	WB_FLAG (WB_DOPT_AGGRAVATED, "aggravated",
		 "Apply a statute's multiplier for aggravated violations: CAN-SPAM's up to "
		 "three times (15 U.S.C. 7706(g)(3)(C), willful and knowing violations, or "
		 "those of 7704(b) such as address harvesting)"),
	WB_STRING (WB_DOPT_FILED, "filed", "YYYY-MM-DD",
		   "Count limitations back from this filing date instead of the case's "
		   "(a what-if; 'case CASE set filed=' changes the case's)"),
	WB_STRING (WB_DOPT_STATUTES, "statutes", "DIR",
		   "Read the statute files (.ini) from DIR instead of those installed in "
		   "the case: a what-if over edited statute terms"),
	WB_OPTIONS_END
};

int
wb_damages_option (const char *command, int key, const char *arg, wb_damages_opts_t *o,
		   GPtrArray *statutes)
{
	/* Enum values were checked against the table by wb_options_next(). */
	switch (key) {
	case WB_DOPT_STATUTE: g_ptr_array_add (statutes, (char *) arg); return 1;
	case WB_DOPT_PLAINTIFF: wb_plaintiff_parse (arg, &o->plaintiff); return 1;
	case WB_DOPT_DUE_CARE: o->due_care = TRUE; return 1;
	case WB_DOPT_INCIDENT: wb_incident_rule_parse (arg, &o->incident); return 1;
	case WB_DOPT_AR_DAY_RULE: wb_ar_day_rule_parse (arg, &o->ar_day_rule); return 1;
	case WB_DOPT_INCIDENT_SCOPE: {
		wb_incident_scope_t sc;
		wb_incident_scope_parse (arg, &sc);
		o->incident_scope = sc;
		return 1;
	}
	case WB_DOPT_PREEMPTION: wb_preemption_parse (arg, &o->preemption); return 1;
	case WB_DOPT_INCLUDE_INDICATORS: o->include_indicators = TRUE; return 1;
	case WB_DOPT_AGGRAVATED: o->aggravated = TRUE; return 1;
	case WB_DOPT_FILED:
		if (!wb_valid_day (arg)) {
			wb_usage_error (command, "--filed '%s' is not a date (YYYY-MM-DD)", arg);
			return -1;
		}
		o->filed = arg;
		return 1;
	case WB_DOPT_STATUTES: o->statutes_dir = arg; return 1;
	}
	return 0;
}
