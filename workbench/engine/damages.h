/* The damages engine: from findings in the case to dollars per statute.
 * Contract between the engine (workbench/engine/damages.c) and its consumers (the
 * damages command, the report writer in reports/, the shell).  Money is
 * integer cents everywhere. */
#ifndef WB_DAMAGES_H
#define WB_DAMAGES_H

#include <stdint.h>
#include <glib.h>
#include "case.h"
#include "statute.h"

typedef enum { WB_PLAINTIFF_RECIPIENT, WB_PLAINTIFF_PROVIDER } wb_plaintiff_t;
typedef enum { WB_INCIDENT_CAMPAIGN_DAY, WB_INCIDENT_CAMPAIGN, WB_INCIDENT_MESSAGE } wb_incident_rule_t;
typedef enum { WB_AR_PER_DAY, WB_AR_AGGREGATE } wb_ar_day_rule_t;
/* CAN-SPAM preemption (15 U.S.C. 7707(b)(1)): applied (default) or not. */
typedef enum { WB_PREEMPT_APPLY, WB_PREEMPT_IGNORE } wb_preemption_t;

typedef struct {
	char **statutes;                 /* NULL-terminated ids; NULL = every statute in force */
	wb_plaintiff_t plaintiff;        /* default recipient */
	gboolean due_care;
	wb_incident_rule_t incident;     /* default campaign-day */
	wb_ar_day_rule_t ar_day_rule;    /* default per-day */
	gboolean include_indicators;     /* count 'indicator' rule findings too */
	const char *statutes_dir;        /* edited statute files, NULL = the case's / built-in */
	gboolean aggravated;             /* apply aggravated_multiplier (15 U.S.C. 7706(g)(3)(C)) */
	gboolean summary_only;           /* leave rows, incidents and days empty (faster) */
	int incident_scope;              /* wb_incident_scope_t for every statute whose file
					    allows it, or -1 (default): each file's own reading */
	const char *filed;               /* YYYY-MM-DD: the filing date limitations count
					    back from, instead of the case's (a what-if);
					    NULL = case_info filed */
	wb_preemption_t preemption;      /* apply (default): under a state statute a copy
					    received on or after the day a statute of the set
					    preempts from (preempts_from) counts only for
					    provisions that prohibit falsity or deception */
	const char *trap;                /* only the copies of the trap of this address
					    (any case); NULL = every copy */
	gboolean by_trap;                /* fill traps and trap_statutes (the reconciliation)
					    even with summary_only */
} wb_damages_opts_t;

/* The parameters the engine applied to one statute under the options:
 * what its amount follows from.  The report writes the workbook's formulas
 * from them (one implementation of the damages model: this one). */
typedef struct {
	wb_cap_kind_t cap;               /* none, per incident, per day, per action */
	int64_t per_message_cents;       /* the statute's amount per copy (due care applied) */
	int64_t cap_cents;               /* the cap (due care applied); 0 when cap is none */
	wb_election_t election;          /* for this plaintiff: the lesser or the greater
					    of the sum and the cap */
	gboolean day_aggregate;          /* cap per day, aggregate rule: elect(sum, cap x
					    days) within each action, not per day */
	gboolean incident_shared;        /* cap per incident, shared by the plaintiffs
					    of an incident (split pro rata) */
	int multiplier;                  /* aggravated multiplier applied; 1 = none */
	gboolean may_sue;                /* this plaintiff has an action (else amount 0) */
	gboolean due_care;               /* due-care amounts applied */
} wb_damages_params_t;

/* One statute's result (its object in the JSON, workbench/engine/README.md,
 * plus the exclusion counts).
 *
 * In scope, one definition for every statute: a copy is in scope when the
 * statute reaches it, which depends on where and when it was received and
 * on nothing in it: a nexus with the state (the trap's, or an analyst's
 * finding on the nexus), a day of receipt, on or after the effective date,
 * inside the limitations period.  Each copy of the case is counted once, in
 * the first of these that applies:
 *   excluded_nexus, excluded_undated, excluded_effective,
 *   excluded_limitations, else in scope (messages);
 * and each copy in scope once, in the first that applies:
 *   excluded_analyst, excluded_preempted, excluded_by_statute,
 *   not_violating, else counted (violating_messages).
 * So copies = the four exclusions + messages, and messages = the three
 * exclusions + not_violating + violating_messages. */
typedef struct {
	char *id;                        /* e.g. "ca-17529.5" */
	char *citation;                  /* e.g. "Cal. Bus. & Prof. Code § 17529.5" */
	int64_t messages;                /* copies in scope (above) */
	int64_t violating_messages;      /* of those, copies with a counted violation */
	int64_t incidents;               /* incidents among violating copies, in each
					    plaintiff's action added up (an incident
					    whose cap the plaintiffs share, once) */
	int64_t days;                    /* local days among violating copies, in each
					    plaintiff's action added up */
	int64_t uncapped_cents;          /* per-message amount x violating copies */
	int64_t amount_cents;            /* after caps and election */
	int64_t excluded_nexus;          /* copies excluded: no nexus with the state */
	int64_t excluded_effective;      /* received (local day) before the statute took effect */
	int64_t excluded_undated;        /* no day of receipt: cannot be placed on or after the
					    effective date nor inside the limitations period */
	int64_t excluded_limitations;    /* outside the limitations period */
	int64_t excluded_by_statute;     /* counted under a statute that excludes this one */
	int64_t excluded_analyst;        /* taken out by analyst findings */
	int64_t excluded_preempted;      /* violating only provisions CAN-SPAM preempts */
	int64_t not_violating;           /* in scope, not taken out, violating no provision */
	char *method;                    /* one paragraph: how the amount was reached */
	char *note;                      /* a few words beside the amount when it is not the
					    per-copy sum: why it is $0 ("a recipient may not sue
					    under this statute"), the greater of the per-copy sum
					    and the statutory amount, a cap; NULL otherwise */
	wb_damages_params_t applied;     /* the parameters the amount was computed with */
} wb_damages_statute_t;

/* One counted copy under one statute (the Messages sheet). */
typedef struct {
	int64_t message;                 /* messages.id */
	int statute;                     /* index into statutes */
	int64_t incident;                /* incident number within the statute, from 1 */
	char local_day[11];              /* YYYY-MM-DD in the trap's time zone */
	char *provisions;                /* violated provisions (labels), '; '-separated; owned by the result */
	int64_t per_message_cents;       /* the statute's amount for this copy */
	int64_t trap;                    /* messages.trap_id */
	gboolean uncapped;               /* outside the statute's cap (CAN-SPAM (a)(1)) */
	int plaintiff;                   /* index into plaintiffs */
} wb_damages_row_t;

/* One incident, or one day, under one statute (Incidents and Days sheets). */
typedef struct {
	int statute;
	int64_t number;                  /* incident number (0 for a day group) */
	char local_day[11];              /* the day ("" for an incident spanning days) */
	int64_t copies;
	int64_t uncapped_cents;
	int64_t amount_cents;            /* after the per-incident or per-day cap */
	int plaintiff;                   /* index into plaintiffs; -1: an incident whose
					    cap is shared by the plaintiffs who received it */
} wb_damages_group_t;

/* A plaintiff: each trap holder is a recipient plaintiff with an action of
 * their own (the holder's traps together; a trap without a holder is its
 * own); each provider is one provider plaintiff (a trap without a provider
 * is counted with the provider of its address's domain).  Caps per action
 * and per day apply within each plaintiff's action; a per-incident cap
 * within it too, or across the plaintiffs who share the incident (the
 * statute's incident_scope). */
typedef struct {
	char *name;                      /* holder or provider (or address, domain) */
	char *traps;                     /* its trap addresses, ", "-separated */
	int64_t amount_cents;            /* its actions under every statute */
} wb_damages_plaintiff_t;

/* One plaintiff's action under one statute (only where it has copies in
 * the statute's scope). */
typedef struct {
	int plaintiff;                   /* index into plaintiffs */
	int statute;                     /* index into statutes */
	int64_t messages, violating_messages, incidents, days; /* messages: in scope */
	int64_t uncapped_cents, amount_cents;
	int64_t base_cents;              /* after the caps, before the multiplier and
					    before 'may not sue' sets it to 0 */
} wb_damages_action_t;

/* One trap account's copies, from found to distinct (the reconciliation,
 * with opts.by_trap or without summary_only). */
typedef struct {
	int64_t id;                      /* traps.id; 0: the copies in no trap */
	char *address;                   /* the trap's address; NULL: in no trap */
	int64_t found;                   /* locations of its copies in the sources */
	int64_t copies;                  /* distinct copies (one delivery to the trap) */
	int64_t duplicate_locations;     /* found - copies: the same bytes found again */
	int64_t malformed;               /* copies kept with a defect (counted as any other) */
	int64_t undated;                 /* copies without a day of receipt */
	int64_t possible_duplicates;     /* copies sharing a Message-ID with other bytes */
} wb_damages_trap_t;

/* One trap's copies under one statute, counted as the statute's are (see
 * wb_damages_statute_t): copies = excluded_nexus + excluded_undated +
 * excluded_effective + excluded_limitations + in_scope, and in_scope =
 * excluded_analyst + excluded_preempted + excluded_by_statute +
 * not_violating + counted.  Summed over the traps each gives the statute's
 * figure. */
typedef struct {
	int trap;                        /* index into traps */
	int statute;                     /* index into statutes */
	int64_t copies;
	int64_t excluded_nexus, excluded_undated, excluded_effective, excluded_limitations;
	int64_t in_scope;
	int64_t excluded_analyst, excluded_preempted, excluded_by_statute, not_violating;
	int64_t counted;
} wb_damages_trap_statute_t;

typedef struct {
	wb_damages_opts_t opts;          /* as used (defaults filled in) */
	GPtrArray *statutes;             /* wb_damages_statute_t*, in id order */
	GArray *rows;                    /* wb_damages_row_t, by statute then message */
	GArray *incidents;               /* wb_damages_group_t */
	GArray *days;                    /* wb_damages_group_t */
	int64_t total_cents;
	char *statute_source;            /* "case", "built-in (not installed in the case)" or the folder */
	char *statute_digest;            /* SHA-256 identifying the statute set */
	char *rules_source;              /* where rule findings came from */
	char *filed;                     /* opts.filed, else case_info filed, or NULL (no
					    limitations applied) */
	int64_t copies;                  /* copies in the case */
	GStringChunk *strings;           /* owns every row's provisions text */
	char *preempted_by;              /* id of the preempting statute when preemption
					    was applied, else NULL */
	char preempted_from[11];         /* and the day it applies from, YYYY-MM-DD */
	GPtrArray *plaintiffs;           /* wb_damages_plaintiff_t*, by name, of opts.plaintiff's kind */
	GArray *actions;                 /* wb_damages_action_t, by plaintiff then statute;
					    total_cents is the sum of their amounts */
	GPtrArray *traps;                /* wb_damages_trap_t*, by address, the copies in no
					    trap last; NULL with summary_only and not by_trap */
	GArray *trap_statutes;           /* wb_damages_trap_statute_t, by trap then statute;
					    NULL when traps is */
} wb_damages_t;

/* Compute damages over the case.  On success *OUT is owned by the caller
 * (wb_damages_free).  On failure the case error says what went wrong. */
wb_status_t wb_damages_compute (wb_case_t *cs, const wb_damages_opts_t *opts, wb_damages_t **out);
void wb_damages_free (wb_damages_t *d);

/* The JSON object for D (workbench/engine/README.md), newly allocated. */
char *wb_damages_json (const wb_damages_t *d);
/* D per plaintiff, newly allocated: {"by": "plaintiff", "plaintiff",
 * "due_care", "incident", "incident_scope", "ar_day_rule", "plaintiffs":
 * [{"name", "traps", "amount_cents", "statutes": [{"id", "messages",
 * "violating_messages", "incidents", "days", "uncapped_cents",
 * "amount_cents"}]}], "total_cents", "statute_set", "statute_set_sha256"}. */
char *wb_damages_plaintiffs_json (const wb_damages_t *d);

/* Defaults: every statute, recipient, no due care, campaign-day, per-day. */
void wb_damages_opts_init (wb_damages_opts_t *opts);
const char *wb_plaintiff_name (wb_plaintiff_t p);         /* recipient, provider */
const char *wb_incident_rule_name (wb_incident_rule_t r); /* campaign-day, campaign, message */
const char *wb_ar_day_rule_name (wb_ar_day_rule_t r);     /* per-day, aggregate */
const char *wb_incident_scope_name (wb_incident_scope_t s); /* shared, each */
const char *wb_preemption_name (wb_preemption_t p);         /* apply, ignore */
/* Parse the names above; FALSE if unknown. */
gboolean wb_plaintiff_parse (const char *s, wb_plaintiff_t *out);
gboolean wb_incident_rule_parse (const char *s, wb_incident_rule_t *out);
gboolean wb_ar_day_rule_parse (const char *s, wb_ar_day_rule_t *out);
gboolean wb_incident_scope_parse (const char *s, wb_incident_scope_t *out);
gboolean wb_preemption_parse (const char *s, wb_preemption_t *out);

/* Every statute's amount under each incident definition x due care x
 * Arkansas day rule x plaintiff type (24 combinations), x the readings of
 * a shared incident (shared, each) when a statute's file allows both, x
 * CAN-SPAM preemption (apply, ignore) when it changes a selected statute,
 * computed from one
 * load of the case.  A statute's rows omit the dimensions that cannot change
 * its amount (value -1 = "any"): the incident definition unless the statute
 * or a statute it excludes caps per incident, due care unless one of them has
 * due-care amounts, the day rule unless one caps per day, the plaintiff unless
 * one elects differently, admits one plaintiff only or has a cap (caps apply
 * within each plaintiff's action), the incident scope unless one caps per
 * incident and its file allows both readings.  One 'total' row per
 * combination (statute NULL) sums every statute. */
typedef struct {
	int statute;                     /* index into ids, or -1 for the total */
	int incident;                    /* wb_incident_rule_t or -1 */
	int due_care;                    /* 0, 1 or -1 */
	int ar_day_rule;                 /* wb_ar_day_rule_t or -1 */
	int plaintiff;                   /* wb_plaintiff_t or -1 */
	int incident_scope;              /* wb_incident_scope_t or -1 */
	int preemption;                  /* wb_preemption_t or -1 */
	int64_t violating_messages;
	int64_t amount_cents;
} wb_damages_scenario_t;

typedef struct {
	GPtrArray *ids;                  /* statute ids (char*) */
	GArray *rows;                    /* wb_damages_scenario_t */
	char *statute_source;
} wb_damages_scenarios_t;

/* OPTS gives statutes, include_indicators, statutes_dir, aggravated; the
 * other options are the dimensions varied.  *OUT owned by the caller. */
wb_status_t wb_damages_scenarios (wb_case_t *cs, const wb_damages_opts_t *opts,
				  wb_damages_scenarios_t **out);
void wb_damages_scenarios_free (wb_damages_scenarios_t *s);

/* Damages per defendant.  A defendant is each roster party, and each
 * group of parties joined by strong or confirmed links (not rejected)
 * holding a roster party.  Its copies are those attributed to one of its
 * parties (message_parties) as sender, affiliate or advertiser; under each
 * statute only the copies attributed in a role the statute's file says it
 * reaches count (a file that declares no roles reaches every role, and the
 * result says so).  Its exposure is what the plaintiffs could recover from
 * it: each plaintiff's caps and election applied to the copies attributed
 * to it, and the exclusions between statutes resolved for it.  One copy
 * may be claimed against several defendants but is recovered once: the
 * case total counts each copy once (the copies attributed to some
 * defendant, in a role reached, capped per plaintiff as for one). */
typedef struct {
	char *id;                        /* statute id */
	gboolean reached;                /* some copy attributed in a role it reaches */
	gboolean roles_declared;         /* FALSE: the file does not say (every role counted) */
	int64_t copies;                  /* violating copies counted against the defendant */
	int64_t uncapped_cents;
	int64_t amount_cents;
	char *reason;                    /* why the amount is 0 when it is (not reached, the
					    plaintiff may not sue, no violating copy), else NULL */
} wb_defendant_statute_t;

/* One copy of a defendant (for --defendant): its roles and statutes. */
typedef struct {
	int64_t message;
	char local_day[11];
	int64_t trap;                    /* messages.trap_id */
	unsigned roles;                  /* WB_ROLE_* it is attributed in */
	guint32 statutes;                /* bit i: counted under statutes->pdata[i] */
	gboolean after_filing;
} wb_defendant_copy_t;

typedef struct {
	char *name;                      /* the party's name; a group: its roster parties
					    joined by " + ", then "(+N derived)" */
	gboolean group;                  /* a group of linked parties */
	GArray *party_ids;               /* int64, ascending */
	int64_t role_copies[3];          /* copies attributed as sender, affiliate, advertiser */
	unsigned roles;                  /* WB_ROLE_* of those with copies */
	int64_t copies;                  /* copies attributed in any of those roles */
	int64_t violating;               /* copies counted under some statute */
	int64_t amount_cents;            /* exposure: its statutes summed */
	/* The weakest link joining a group (0: a single party, whose copies
	 * rest on the messages alone). */
	int64_t weakest_link;
	char *weakest_text;              /* "A - B: strong 7.60 (confirmed)" or NULL */
	const char *weakest_strength;    /* static: none, weak, moderate, strong; NULL */
	gboolean weak;                   /* the weakest link is weak or none (flag it) */
	char *weak_links;                /* weak or moderate links to parties outside it, not
					    relied on ("A - B weak 2.30; ..."), or NULL */
	int64_t first_copy, last_copy;   /* violating copies, by day then id (0: none) */
	char first_day[11], last_day[11];
	int64_t after_filing;            /* violating copies received after the filing date */
	GPtrArray *statutes;             /* wb_defendant_statute_t*, the selected statutes in id order */
	GArray *copy_list;               /* wb_defendant_copy_t, when asked for (else NULL) */
} wb_defendant_t;

typedef struct {
	wb_damages_opts_t opts;          /* as used (statutes not kept) */
	GPtrArray *defendants;           /* wb_defendant_t*: roster parties by name, then groups */
	int64_t total_cents;             /* each copy once (see above) */
	int64_t exposure_sum_cents;      /* the exposures added up (counts shared copies again) */
	int64_t case_cents;              /* the case's damages, attributed or not */
	int64_t copies;                  /* copies attributed to some defendant and counted */
	char *statute_source, *statute_digest, *filed;
} wb_defendants_t;

/* Damages per defendant under OPTS.  ONLY (may be NULL): keep only the
 * defendants holding the party of that id or name (case-insensitive), and
 * list their copies; WB_ERR_NOT_FOUND when no party has it; "*": every
 * defendant, each with its copies (the workbook's formulas).  The totals
 * are those of every defendant either way.  *OUT owned by the caller. */
wb_status_t wb_damages_defendants (wb_case_t *cs, const wb_damages_opts_t *opts, const char *only,
				   wb_defendants_t **out);
void wb_defendants_free (wb_defendants_t *d);
/* {"by": "defendant", ..., "defendants": [{"name", "party_ids", "roles",
 * "copies", "amount_cents", "weakest_link", "statutes": [{"id", "copies",
 * "amount_cents", ...}], ...}], "total_cents", ...}: newly allocated. */
char *wb_defendants_json (const wb_defendants_t *d);

#endif
