/* Attribution engine: parties, the values they share, links, clusters.
 * The rules (weights, specificity, strength thresholds) are documented in
 * templates/attribution/attribution.ini, which is built into the program.
 * Functions here never print: they return a status and leave the message on
 * the case. */
#ifndef WB_ATTRIB_H
#define WB_ATTRIB_H

#include <stdint.h>
#include <glib.h>
#include "case.h"

/* The kinds of value that are compared, in the order explain lists them:
 * wb_attrib_kinds[WB_KIND_EMAIL] is "email".  One table: the code names a
 * kind by its index, and SQL by wb_attrib_kinds_json(). */
typedef enum {
	WB_KIND_NAME, WB_KIND_CONTACT, WB_KIND_EMAIL, WB_KIND_PHONE, WB_KIND_ADDRESS,
	WB_KIND_COUNTRY, WB_KIND_PAYEE, WB_KIND_DOMAIN, WB_KIND_AFFILIATE_ID, WB_KIND_IP,
	WB_KIND_COUNT
} wb_attrib_kind_t;
extern const char *const wb_attrib_kinds[];   /* WB_KIND_COUNT names, then NULL */
/* The kinds a message's contact data is matched against a party's by
 * (a bit 1 << WB_KIND_x each): not names, contacts, countries or payees,
 * which messages do not carry. */
#define WB_KINDS_IN_MESSAGES \
	((1u << WB_KIND_EMAIL) | (1u << WB_KIND_PHONE) | (1u << WB_KIND_ADDRESS) | \
	 (1u << WB_KIND_DOMAIN) | (1u << WB_KIND_AFFILIATE_ID) | (1u << WB_KIND_IP))
/* The names of the kinds in MASK as a JSON array ('["email","phone"]'),
 * for SQL: kind IN (SELECT value FROM json_each(?)).  Static storage. */
const char *wb_attrib_kinds_json (guint32 mask);
/* Index of KIND in wb_attrib_kinds, or -1 if it is not compared. */
int wb_attrib_kind_index (const char *kind);

/* The rules, read from the built-in attribution.ini. */
typedef struct wb_attrib_conf wb_attrib_conf_t;
/* A newly allocated rule set; NULL with *ERRMSG (newly allocated) when the
 * built-in file cannot be read.  Free with wb_attrib_conf_free(). */
wb_attrib_conf_t *wb_attrib_conf_load (char **errmsg);
void wb_attrib_conf_free (wb_attrib_conf_t *conf);
/* The weight of a value of KIND shared by DF of N parties (0 when DF < 2 or
 * DF > max_parties).  *SPEC (if given) receives the specificity. */
double wb_attrib_weight (const wb_attrib_conf_t *conf, const char *kind, int64_t n,
			 int64_t df, double *spec);
/* TRUE if a shared value of KIND with specificity SPEC is unspecific. */
gboolean wb_attrib_unspecific (const wb_attrib_conf_t *conf, const char *kind, double spec);
/* Append to OUT why a link of unspecific values is weak at most:
 * "KINDS never enough alone; KINDS values had by many parties", from the
 * KINDS (char *, repeats allowed, in the order to name them) of its shared
 * values.  Link summaries and 'explain' both say it with this. */
void wb_attrib_why_weak (const wb_attrib_conf_t *conf, const GPtrArray *kinds, GString *out);
/* TRUE if the query parameter KEY (any case) names an affiliate ([affiliate]
 * keys in attribution.ini); tracking keys (sid, subid, cid, ...) do not. */
gboolean wb_attrib_affiliate_key (const wb_attrib_conf_t *conf, const char *key);
/* "none", "weak", "moderate" or "strong" for SCORE; weak at most when
 * ALL_UNSPECIFIC.  Static string. */
const char *wb_attrib_strength (const wb_attrib_conf_t *conf, double score,
				gboolean all_unspecific);
/* Rank of a strength name (none 0 .. strong 3), -1 if not one. */
int wb_attrib_strength_rank (const char *strength);

/* The normalized form of a roster value of column KIND (email, phone,
 * address, country, payee, contact, name, domain, affiliate_id, ip; other
 * columns are kept as written, trimmed).  Newly allocated; NULL if RAW is
 * not a value of that kind. */
char *wb_attrib_norm_value (const char *kind, const char *raw);

/* What 'link' did. */
typedef struct {
	int64_t parties, derived, messages, attributed, links, strong, moderate, weak,
		clusters, reviews_kept, values_capped;
} wb_attrib_stats_t;

/* Rebuild derived parties, message attribution, links and clusters in the
 * caller's transaction, keeping analysts' reviews.  Checks wb_interrupted. */
wb_status_t wb_attrib_link (wb_case_t *cs, const wb_attrib_conf_t *conf,
			    wb_attrib_stats_t *stats);

/* Rebuild the clusters from the links table, in the caller's transaction:
 * connected components of links that are confirmed, or moderate or stronger
 * and not reviewed (rejected links never join).  Numbered 1.. by smallest
 * member id; *COUNT (if given) receives how many. */
wb_status_t wb_attrib_clusters (wb_case_t *cs, int64_t *count);

/* Find a party by id or by name (case-insensitive, exact).  WB_ERR_NOT_FOUND
 * (also when TEXT names several parties) with the message on the case. */
wb_status_t wb_attrib_find_party (wb_case_t *cs, const char *text, int64_t *id);

/* The custody run of the last 'link' that finished into *RUN (0: 'link'
 * never ran, and links, clusters and message attribution are empty).  If
 * STALE is given, *STALE says whether a parties import after that run
 * added or changed parties, so that the links no longer match the roster. */
wb_status_t wb_attrib_link_run (wb_case_t *cs, int64_t *run, gboolean *stale);

/* One shared value between two parties, for explain. */
typedef struct {
	char *kind, *value;
	GPtrArray *a_sources, *b_sources;   /* of char* */
	double weight, spec;
	int64_t df;
} wb_attrib_shared_t;

typedef struct {
	char *kind;
	GPtrArray *a_values, *b_values;     /* of char* (normalized values) */
} wb_attrib_differ_t;

typedef struct {
	int64_t a, b;
	char *a_name, *b_name;
	double score;
	const char *strength;
	gboolean all_unspecific;
	GPtrArray *shared;     /* of wb_attrib_shared_t*, in wb_attrib_kinds order then value */
	GPtrArray *differing;  /* of wb_attrib_differ_t* */
	GArray *messages;      /* int64 ids of the messages that connect them: both
				* named, one of them attributed (sender, affiliate
				* or advertiser) */
	char *review, *note;   /* from links, or NULL */
} wb_attrib_cmp_t;

/* Compare parties A and B as 'link' does, from the case: their own values
 * and those shared with each other through messages (party_attributes.peer).  *OUT is newly
 * allocated; free with wb_attrib_cmp_free(). */
wb_status_t wb_attrib_compare (wb_case_t *cs, const wb_attrib_conf_t *conf, int64_t a,
			       int64_t b, wb_attrib_cmp_t **out);
void wb_attrib_cmp_free (wb_attrib_cmp_t *cmp);

#endif
