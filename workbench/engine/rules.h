/* Rule findings: the checks of the statute files applied to the facts of
 * the analysis stage (schema.sql, table facts). */
#ifndef WB_RULES_H
#define WB_RULES_H

#include "statute.h"
#include "ingest.h"

/* One fact of one copy, as read from the facts table (strings owned by the
 * caller).  value NULL: the analysis did not give this fact. */
typedef struct {
	const char *value;
	gboolean indicator;          /* confidence 'indicator' */
	const char *evidence;
} wb_fact_t;

/* Outcome of one provision's check on one copy. */
typedef enum {
	WB_RULE_NONE = 0,            /* no violation found (or undecidable: a fact is missing) */
	WB_RULE_CERTAIN = 1,         /* violation, every fact used is certain */
	WB_RULE_INDICATOR = 2,       /* violation resting on at least one indicator */
} wb_rule_result_t;

/* Evaluate provision P on FACTS (indexed by WB_FACT_*).  An alternative (a
 * conjunction) holds when every condition holds; a missing fact makes its
 * condition false.  The check holds when one alternative holds; a certain
 * alternative wins over an indicator one.  'always' is certain; 'analyst'
 * never holds.  When EVIDENCE is given and the check holds, the facts used
 * and their evidence are appended to it ("subject_adv=0 (certain): ..."). */
wb_rule_result_t wb_rule_eval (const wb_provision_t *p, const wb_fact_t facts[WB_FACT_COUNT],
			       GString *evidence);

/* Apply every statute of SET to every copy's facts, replacing the stored
 * rule findings (findings.source = 'rule', violations only, each with its
 * evidence text and confidence) in one transaction (the caller's, if one is
 * open), with a custody row (counts) in run RUN.  Records case_info
 * 'rules_run' = RUN and 'rules_statutes' = SET's digest (see
 * wb_rules_current).  SET NULL: the case's set.  *COUNT (if given) receives
 * the number of findings written.
 *
 * Also stores each copy's findings as bit masks (table rule_masks), which
 * damages reads while wb_rules_current() holds (a tenth of the rows of the
 * facts); otherwise damages evaluates the same checks from the facts.
 * Call it at the end of ingest and of reanalyze, after the facts are
 * written, and after a statute set is installed.  Cost measured: about 30 s
 * of CPU for a million copies with ten rule findings each. */
wb_status_t wb_rules_apply (wb_case_t *cs, const wb_statute_set_t *set, int64_t run, int64_t *count);

/* The same after an ingest, which only adds copies: when the stored
 * findings were made with the case's statute set and no reanalyze began
 * since, only copies newer than the last with findings (and without any)
 * are evaluated, and the others' findings kept; otherwise every copy, as
 * wb_rules_apply().  Either way the findings are then current. */
wb_status_t wb_rules_apply_new (wb_case_t *cs, int64_t run, int64_t *count);

/* Rule findings made as ingest analyses each copy (evidence/ingest.h,
 * wb_ingest_findings_t), instead of a pass over the facts afterwards: the
 * same rows wb_rules_apply_new() would store, for the same copies, stored
 * by ingest's writer with each new copy.  NULL (nothing to do in ingest,
 * wb_rules_apply_new() after it) unless the case has no copies and no rule
 * findings, or its findings are current (wb_rules_apply_new()'s terms) and
 * every copy up to the last has them.  Create it before the ingest and
 * pass wb_rules_ingest_hook() in its options; after a successful ingest,
 * wb_rules_ingest_finish() records what wb_rules_apply_new() records
 * (case_info rules_run and rules_statutes, a custody row with the counts)
 * in its own transaction. */
typedef struct wb_rules_ingest wb_rules_ingest_t;
wb_rules_ingest_t *wb_rules_ingest_new (wb_case_t *cs, int64_t run);
const wb_ingest_findings_t *wb_rules_ingest_hook (wb_rules_ingest_t *ri);
wb_status_t wb_rules_ingest_finish (wb_rules_ingest_t *ri, wb_case_t *cs, int64_t *count);
void wb_rules_ingest_free (wb_rules_ingest_t *ri);

/* The same for reanalyze (wb_ingest_reanalyze()): its writer replaces each
 * copy's rule findings and masks with what the copy's new facts give, in
 * the copy's transaction, instead of wb_rules_apply() over every copy
 * afterwards; wb_rules_ingest_finish() then records what wb_rules_apply()
 * records.  Each copy gets the rows wb_rules_apply() would give it (their
 * ids follow the case's highest, where wb_rules_apply() deletes every rule
 * row first).  NULL when the case's statute set cannot be loaded
 * (wb_rules_apply() will say why). */
wb_rules_ingest_t *wb_rules_reanalyze_new (wb_case_t *cs, int64_t run);

/* TRUE if the stored rule findings were made with SET from the current
 * facts: case_info rules_statutes equals SET's digest and no ingest or
 * reanalyze run began after run rules_run (the run that applied them). */
gboolean wb_rules_current (wb_case_t *cs, const wb_statute_set_t *set);

#endif

/* Record an analyst finding: FINDING ("violation" or "no-violation") of
 * STATUTE (an id of SET, or "*" with PROVISION "commercial") PROVISION (an
 * id or label, "*", "commercial", or "nexus": violation = the copy is within
 * the statute's reach although the trap does not show it, e.g. sent from
 * the state; no-violation = it is not) for every copy MESSAGE names (a copy
 * id, a SHA-256 or a unique prefix of one, a Message-ID: wb_copy_resolve()
 * in copyref.h); with TRAP (an address) only that trap's copy.  Replaces an earlier analyst
 * finding for the same copy, statute and provision.  One custody row
 * 'finding' per call (the old and new findings, EVIDENCE, NOTE) in run RUN,
 * inside the caller's transaction.  *MATCHED (if given) receives the copies
 * changed.  Unknown statute, provision, message or trap: WB_ERR_NOT_FOUND
 * or WB_ERR_USAGE with the message on the case. */
wb_status_t wb_finding_record (wb_case_t *cs, const wb_statute_set_t *set, int64_t run,
			       const char *message, const char *trap, const char *statute,
			       const char *provision, const char *finding, const char *note,
			       const char *evidence, int64_t *matched);

/* The rule findings of copy MESSAGE under statute ST, computed from its
 * facts now (whether or not wb_rules_apply() stored them): one line per
 * provision whose check holds, "LABEL [certain|indicator]: EVIDENCE",
 * appended to OUT.  For 'show', the shell and the exhibits.  Returns the
 * number of provisions found, or -1 on a database error (message on CS). */
int wb_rules_evidence (wb_case_t *cs, const wb_statute_t *st, int64_t message, GString *out);
