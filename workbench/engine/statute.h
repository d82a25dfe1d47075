/* Statutes as data: the rule files of templates/statutes/ (GKeyFile, keys
 * described in templates/statutes/README.md), parsed and validated.
 *
 * A statute set is every statute in force for a case: the files stored in
 * the case (table statutes), or the built-in set compiled into the program
 * when the case holds none, or an edited copy given with --statutes DIR. */
#ifndef WB_STATUTE_H
#define WB_STATUTE_H

#include <stdint.h>
#include <glib.h>
#include "case.h"

/* The facts a rule check may test (schema.sql, table facts). */
enum {
	WB_FACT_SUBJECT_ADV, WB_FACT_SUBJECT_ADV_ADULT, WB_FACT_SUBJECT_SEXUALLY_EXPLICIT,
	WB_FACT_OPT_OUT, WB_FACT_OPT_OUT_KINDS, WB_FACT_OPT_OUT_TOLL_FREE,
	WB_FACT_SENDER_LEGAL_NAME, WB_FACT_SENDER_STREET_ADDRESS, WB_FACT_FROM_DOMAIN_VALID,
	WB_FACT_HEADER_FORGED, WB_FACT_HELO_MISMATCH, WB_FACT_DATE_MISMATCH,
	WB_FACT_CATEGORY, WB_FACT_SEXUAL_CONTENT,
	WB_FACT_COUNT
};
/* The index of fact NAME, or -1 if no such fact. */
int wb_fact_index (const char *name);
/* The name of fact I (static string). */
const char *wb_fact_name (int i);

/* Nexus kinds (bit flags). */
enum {
	WB_NEXUS_RESIDENT = 1,       /* recipient_resident: trap holder lives in the state */
	WB_NEXUS_PROVIDER = 2,       /* provider_in_state: provider's equipment in the state */
	WB_NEXUS_SENT_FROM = 4,      /* sent_from_state: needs an analyst (no fact gives it) */
};

/* Roles a statute reaches (bit flags), as attribution names them
 * (message_parties.role). */
enum {
	WB_ROLE_SENDER = 1,          /* sends, transmits, originates */
	WB_ROLE_AFFILIATE = 2,       /* causes to be sent, procures, for an advertiser */
	WB_ROLE_ADVERTISER = 4,      /* advertises in, whose goods are promoted */
};

typedef enum { WB_CAP_NONE, WB_CAP_INCIDENT, WB_CAP_DAY, WB_CAP_ACTION } wb_cap_kind_t;
typedef enum { WB_ELECT_LESSER, WB_ELECT_GREATER } wb_election_t;
/* How a per-incident cap applies when several plaintiffs received copies of
 * one incident: one cap for the incident, shared by them (split in
 * proportion to what each would recover uncapped), or a cap in each
 * plaintiff's action. */
typedef enum { WB_SCOPE_SHARED, WB_SCOPE_EACH } wb_incident_scope_t;

/* One condition of a check: FACT = VALUE or FACT != VALUE. */
typedef struct {
	int fact;
	gboolean negate;
	char *value;
} wb_cond_t;

typedef enum { WB_CHECK_FACTS, WB_CHECK_ALWAYS, WB_CHECK_ANALYST } wb_check_kind_t;

typedef struct {
	char *id;                    /* from the group name "provision ID" */
	char *label;                 /* e.g. "(a)(2)" */
	char *text;                  /* the statute's words */
	char *check;                 /* the check as written */
	char *note;                  /* may be NULL */
	int64_t per_message_cents;   /* -1: the statute's amount */
	gboolean uncapped;           /* outside the statute's cap (15 U.S.C. 7706(g)(3)(B)) */
	int falsity;                 /* prohibits falsity or deception (survives CAN-SPAM
					preemption, 15 U.S.C. 7707(b)(1)): 1 yes, 0 no, -1 not said */
	char *falsity_note;          /* why; may be NULL */
	wb_check_kind_t kind;
	GPtrArray *alternatives;     /* of GArray of wb_cond_t: OR of ANDs */
} wb_provision_t;

typedef struct {
	char *id, *citation, *title, *jurisdiction;
	char *effective;             /* YYYY-MM-DD */
	int effective_day;           /* YYYYMMDD */
	char *effective_note;
	int limitations_years;       /* 0: none */
	char *limitations_note;
	unsigned nexus;              /* WB_NEXUS_* bits; 0 = no state nexus needed (federal) */
	gboolean nexus_all;          /* every listed nexus needed, else any one */
	gboolean plaintiff_recipient, plaintiff_provider;
	char **excludes;             /* statute ids, NULL-terminated (maybe empty) */
	int64_t per_message_cents;
	wb_cap_kind_t cap;
	int64_t cap_cents;
	wb_election_t election[2];   /* indexed by wb_plaintiff_t */
	wb_incident_scope_t incident_scope;  /* the file's reading (first of incident_scope) */
	unsigned incident_scopes;    /* bit per wb_incident_scope_t the text allows */
	char *incident_scope_note;   /* why; may be NULL */
	char *cap_note;              /* how the cap applies per plaintiff; may be NULL */
	char *preemption_note;       /* how federal preemption bears on it; may be NULL */
	unsigned roles;              /* WB_ROLE_* it reaches; 0: the file does not say */
	char *roles_text, *roles_note;  /* the statute's words; what they leave open */
	int preempts_from;           /* YYYYMMDD from which this (federal) statute supersedes
					state provisions that do not prohibit falsity or
					deception, or -1 */
	char *preempts_text;         /* the preemption clause, quoted; may be NULL */
	int64_t due_care_per_message_cents;  /* -1: no due-care reduction */
	int64_t due_care_cap_cents;          /* -1: none */
	int aggravated_multiplier;   /* 0: none */
	char *damages_text;
	GPtrArray *provisions;       /* wb_provision_t*, in file order */
	char *file;                  /* file name, e.g. "ca-17529.5.ini" */
	char *origin;                /* "built-in", "case" or the path read */
	char sha256[65];             /* of the file's bytes */
	char *content;               /* the file's bytes (NUL-terminated) */
} wb_statute_t;

typedef struct {
	GPtrArray *statutes;         /* wb_statute_t*, sorted by id */
	char *source;                /* "case", "built-in" or the folder read */
	gboolean installed;          /* the set is the one stored in the case */
	char digest[65];             /* SHA-256 of "id sha256\n" lines: identifies the set */
} wb_statute_set_t;

/* Parse one rule file.  FILE names it in messages.  On success *OUT is owned
 * by the caller (wb_statute_free).  On failure returns WB_ERR_FORMAT and a
 * newly allocated message "FILE: [group] key: what is wrong" in *ERRMSG. */
wb_status_t wb_statute_parse (const char *file, const char *text, gsize len,
			      wb_statute_t **out, char **errmsg);
void wb_statute_free (wb_statute_t *st);

/* Provision of ST named NAME: its id, its label (any case), the citation
 * form (the label after part of the statute's citation: "17529.5(a)(2)",
 * "§ 17529.5(a)(2)"), the label without parentheses equal to the id
 * ("(a)(1)(A)" for "a1A"), or a unique ending of a label ("603(a)(1)(A)").
 * NULL if none.  Owned by ST. */
wb_provision_t *wb_statute_provision (const wb_statute_t *st, const char *name);
/* Index of a provision in st->provisions, or -1. */
int wb_statute_provision_index (const wb_statute_t *st, const char *name);
/* "a1 (a)(1), a2 (a)(2), ..." : every provision of ST, id and label, for
 * an error that names the valid ones.  Newly allocated. */
char *wb_statute_provision_list (const wb_statute_t *st);

/* Load the built-in set, every *.ini of DIR, or the set stored in the case
 * (falling back to the built-in set, installed = FALSE, when the case holds
 * none).  Cross-file checks: unique ids, excluded statutes present.  On
 * success *OUT is owned by the caller (wb_statute_set_free).  On failure the
 * message is in *ERRMSG (newly allocated) or, for _case, on the case. */
wb_status_t wb_statutes_builtin (wb_statute_set_t **out, char **errmsg);
wb_status_t wb_statutes_load_dir (const char *dir, wb_statute_set_t **out, char **errmsg);
wb_status_t wb_statutes_load_case (wb_case_t *cs, wb_statute_set_t **out);
/* DIR given: load it (errors on the case); else the case's set. */
wb_status_t wb_statutes_for (wb_case_t *cs, const char *dir, wb_statute_set_t **out);
void wb_statute_set_free (wb_statute_set_t *set);

/* Statute ID in SET, or NULL (owned by SET). */
wb_statute_t *wb_statute_set_find (const wb_statute_set_t *set, const char *id);
int wb_statute_set_index (const wb_statute_set_t *set, const char *id);

/* Store the statute files of DIR (NULL: the built-in set) in the case,
 * replacing those stored before, with one custody row per file (its name
 * and SHA-256) in run RUN.  Runs in the caller's transaction if one is open,
 * else in its own.  The lead calls it from 'init' with DIR NULL. */
wb_status_t wb_statutes_install (wb_case_t *cs, const char *dir, int64_t run);

/* Whether ST reaches a party in ROLE ("sender", "affiliate", "advertiser"):
 * 1 yes, 0 no, -1 unknown (the file declares no roles, or no such role). */
int wb_statute_reaches (const wb_statute_t *st, const char *role);

/* "YYYY-MM-DD" to YYYYMMDD, or -1 if not a valid date. */
int wb_day_number (const char *s);

#endif
