/* Message analysis: the Received chain, the displayed text, contact data
 * ("artifacts"), the facts the statutes ask about, attachments, and the
 * near-duplicate fingerprint that groups copies into campaigns.
 *
 * Analysis runs inside ingest's parse threads, so it is split in two: a pure
 * part (wb_analyze: no database, no global state written, thread-safe) and a
 * store part run by the single writer (wb_analysis_store). */
#ifndef WB_ANALYZE_H
#define WB_ANALYZE_H

#include "templates.h"
#include <stdint.h>
#include <gmime/gmime.h>
#include "case.h"

/* Results of analysis's pure steps over body parts met before
 * (analyze-cache.c): shared by the threads that analyse, bounded to
 * MAX_BYTES.  It changes how long an analysis takes, never what it
 * gives. */
typedef struct wb_body_cache wb_body_cache_t;
wb_body_cache_t *wb_body_cache_new (size_t max_bytes);
void wb_body_cache_free (wb_body_cache_t *c);
/* What the cache did so far: look-ups, those it answered, results it
 * dropped to make room, and the bytes it holds.  Any may be NULL. */
void wb_body_cache_stats (wb_body_cache_t *c, uint64_t *gets, uint64_t *hits, uint64_t *evicted,
			  size_t *bytes);

typedef struct {
	const char *trap_address;    /* the recipient's address; may be NULL */
	const char *provider_hosts;  /* ';'-separated provider hosts; may be NULL */
	wb_body_cache_t *cache;      /* may be NULL: every step is made */
} wb_analyze_ctx_t;

typedef struct wb_analysis wb_analysis_t;   /* opaque */

/* A read-only GMime stream over DATA, LEN bytes, without copying them: the
 * bytes must outlive the stream and every message parsed from it (GMime
 * keeps substreams of it). */
GMimeStream *wb_mem_stream (const char *data, size_t len);

/* Analyse MSG (parsed by the caller from RAW, LEN bytes).  Pure and
 * thread-safe: no database, no globals written (only ACTX's body cache,
 * if it has one, under its lock: what it holds changes no result).  Never
 * fails on bad input:
 * a message with nothing usable gives an analysis with warnings.  MSG may be
 * NULL (then only RAW is used).  Returns a new analysis; free it with
 * wb_analysis_free(). */
wb_analysis_t *wb_analyze (GMimeMessage *msg, const char *raw, size_t len,
			   const wb_analyze_ctx_t *actx);

/* Writer side: replace every analysis row of messages.id MESSAGE_ID (hops,
 * artifacts, facts, attachments, and messages.body, category,
 * fingerprint) with A's.  Runs inside the caller's transaction if one is
 * open.  On failure the case holds the message. */
wb_status_t wb_analysis_store (wb_case_t *cs, int64_t message_id, const wb_analysis_t *a);
/* The same for a messages row the caller has just inserted, which has no
 * analysis rows yet: nothing is deleted first, and messages.body,
 * category and fingerprint are left to the caller's INSERT (ingest's
 * writer; cheaper). */
wb_status_t wb_analysis_insert (wb_case_t *cs, int64_t message_id, const wb_analysis_t *a);
/* The body_texts id of A's body text (wb_analysis_body_text) in *ID, its
 * row added if no copy had it (then *ADDED, when not NULL, is TRUE, so a
 * caller whose copy turns out to be in the case already can delete it
 * again).  Inside the caller's transaction. */
wb_status_t wb_analysis_body_id (wb_case_t *cs, const wb_analysis_t *a, int64_t *id, gboolean *added);

/* A tag for wb_case_keep(): ingest's writer keeps 1 under it for a
 * transaction whose copies' artifact_copies rows it adds itself, sorted,
 * before the commit, having made temp.artifact_copies_pending (value,
 * message); wb_analysis_insert() and wb_analysis_store() then put the rows
 * there. */
extern const char wb_analysis_copies_deferred[];

/* Append S as a JSON string to OUT, escaped as SQLite's json_quote()
 * escapes it (message_artifacts.items holds such strings): '"', '\\' and
 * the control characters escaped, every other byte as it is. */
void wb_json_quote (GString *out, const char *s);

/* wb_analysis_free(NULL) does nothing. */
void wb_analysis_free (wb_analysis_t *a);

/* Group copies into campaigns by near-duplicate fingerprint and write
 * messages.campaign.  Two copies are near-duplicates when the Hamming
 * distance of their fingerprints is at most WB_SIMHASH_THRESHOLD; a campaign
 * is a connected group under that relation (union-find), found through
 * banding: the 64 bits are cut into 4 bands of 16, and by the pigeonhole
 * principle two fingerprints within distance 3 agree on at least one band,
 * so only copies sharing a band are compared.  Campaigns are numbered 1, 2,
 * ... in order of their smallest messages.id; copies without a fingerprint
 * (no text at all) each form a campaign of their own.  Runs in one
 * transaction. */
wb_status_t wb_analyze_campaigns (wb_case_t *cs);
/* What wb_analyze_campaigns() reads of every copy, from the index
 * messages_campaign (WB_CAMPAIGN_INDEX, case.h). */
#define WB_CAMPAIGNS_READ "SELECT id, fingerprint, campaign FROM messages"

#define WB_SIMHASH_THRESHOLD 3

/* Campaign numbers as the copies of a new case are stored, in id order:
 * each the number wb_analyze_campaigns() would give it were the case to
 * end with that copy (analyze-simhash.c).  Peek at the next copy's
 * (HAS_FP, FP as stored): FALSE when too much is held already (then it
 * gets none); take it once its row is in. */
typedef struct wb_campaign_live wb_campaign_live_t;
/* BOUNDED: peek gives up past a few MiB of fingerprints (the writer's);
 * else it never does (the pass's). */
wb_campaign_live_t *wb_campaign_live_new (gboolean bounded);
void wb_campaign_live_free (wb_campaign_live_t *c);
gboolean wb_campaign_live_peek (wb_campaign_live_t *c, gboolean has_fp, uint64_t fp, int64_t *number);
/* Returns the slot a copy without a fingerprint took, else 0. */
int32_t wb_campaign_live_take (wb_campaign_live_t *c);
/* Once every copy is in: the number of a copy's campaign, by its
 * fingerprint, or by the slot take() gave a copy without one. */
int64_t wb_campaign_live_final (wb_campaign_live_t *c, gboolean has_fp, uint64_t fp, int32_t slot);
/* The case says so meanwhile: WB_CAMPAIGNS_PENDING (case.h). */

/* --- Accessors (the analysis stays owned by A) --- */

const char *wb_analysis_body_text (const wb_analysis_t *a);   /* never NULL */
const char *wb_analysis_category (const wb_analysis_t *a);    /* never NULL */
/* The fingerprint; FALSE if the copy has no text to take one from. */
gboolean wb_analysis_fingerprint (const wb_analysis_t *a, int64_t *fp);
/* The value of fact NAME, or NULL; EVIDENCE (if given) gets its evidence. */
const char *wb_analysis_fact (const wb_analysis_t *a, const char *name,
			      const char **evidence);
/* Facts: the number, and the fields of the I-th (CONFIDENCE 'certain' or
 * 'indicator'; EVIDENCE may be NULL), as the facts table gets them. */
guint wb_analysis_n_facts (const wb_analysis_t *a);
void wb_analysis_fact_at (const wb_analysis_t *a, guint i, const char **name, const char **value,
			  const char **confidence, const char **evidence);
/* '; '-separated warnings, or NULL. */
char *wb_analysis_warnings (const wb_analysis_t *a);
/* Artifacts: the number, and the fields of the I-th. */
guint wb_analysis_n_artifacts (const wb_analysis_t *a);
void wb_analysis_artifact (const wb_analysis_t *a, guint i, const char **kind,
			   const char **raw, const char **value, const char **location);
/* TRUE if A has an artifact of KIND with normalized VALUE. */
gboolean wb_analysis_has_artifact (const wb_analysis_t *a, const char *kind,
				   const char *value);

/* --- The Received chain (evidence/analyze-received.c) --- */

typedef struct {
	char *raw;          /* unfolded header text */
	char *from_host;    /* claimed (HELO) name */
	char *from_rdns;    /* reverse-DNS name in the parentheses */
	char *from_ip;      /* IP in the parentheses (or the from-host if an IP) */
	char *by_host;
	char *protocol;     /* with ... */
	char *smtp_id;      /* id ... */
	char *for_addr;     /* for <...>, without brackets */
	char *time_text;    /* after the last ';' */
	int64_t time_epoch;
	const char *time_status;  /* static: ok, absent, invalid, no-zone */
	gboolean trusted;
	gboolean origin;
	GString *notes;     /* '; '-separated */
} wb_hop_t;

/* The instant TEXT names, as g_mime_utils_header_decode_date() reads it
 * (then g_date_time_to_unix()): TRUE with *EPOCH, or FALSE where GMime
 * gives no date.  The common form ("[Day,] D Mon YYYY HH:MM[:SS] +HHMM",
 * the zone a number GLib takes as it is) is read here, without GMime's
 * token list and GLib's time zone; any other goes to GMime. */
gboolean wb_date_epoch (const char *text, int64_t *epoch);

/* A message built by wb_ingest_parse_lean() keeps the raw values of its
 * own Received fields, which GMime was not given, under this key (a
 * GPtrArray of strings, each as g_mime_header_get_raw_value() would give
 * it: the text after the colon through the field's last line end). */
#define WB_RECEIVED_KEY "wb-received"
/* The raw values of MSG's own Received fields, in order: the ones kept
 * under WB_RECEIVED_KEY, or else GMime's.  An array to unref and not to
 * change, its strings valid while MSG is. */
GPtrArray *wb_message_received (GMimeMessage *msg);

/* Parse one Received header value (folded or not) into a new hop.  Never
 * fails: fields not found stay NULL.  Free with wb_hop_free(). */
wb_hop_t *wb_hop_parse (const char *value);
void wb_hop_free (wb_hop_t *h);
/* Mark trusted hops and the origin in HOPS (topmost first), and add notes.
 * PROVIDER_HOSTS is ';'-separated, may be NULL.  Returns the index of the
 * origin hop, or -1. */
int wb_hops_mark (GPtrArray *hops, const char *provider_hosts);
/* TRUE if IP (v4 or v6 text) is private, loopback, link-local or reserved. */
gboolean wb_ip_is_private (const char *ip);
/* The hops of A (wb_hop_t *, topmost first); owned by A. */
GPtrArray *wb_analysis_hops (const wb_analysis_t *a);

/* --- Bodies (evidence/analyze-html.c) --- */

/* Visible text of an HTML document in UTF-8: no script, style, comments or
 * hidden elements (display:none, visibility:hidden, the hidden attribute),
 * entities decoded, block elements as line breaks.  LINKS (if not NULL)
 * receives newly allocated strings "href URL" / "src URL" for each link.
 * Returns a newly allocated string. */
char *wb_html_to_text (const char *html, size_t len, GPtrArray *links);

/* --- Fingerprints (evidence/analyze-simhash.c) --- */

/* The 64-bit simhash of TEXT over 3-word shingles, after lower-casing and
 * masking URLs, e-mail addresses (and TRAP, may be NULL) and numbers.
 * FALSE if the text has no words. */
gboolean wb_simhash (const char *text, const char *trap, uint64_t *out);
int wb_hamming (uint64_t a, uint64_t b);

/* --- Extraction helpers (evidence/analyze-extract.c) --- */

/* Normalize a URL as the artifacts table wants it: scheme and host lower
 * case, "www." without a scheme gets "http://".  Newly allocated or NULL. */
char *wb_url_normalize (const char *url);
/* The host of URL (lower case, no port or user), newly allocated, or NULL. */
char *wb_url_host (const char *url);

/* --- Internal: data tables from templates/analysis/ --- */

typedef struct {
	char *name;
	GHashTable *words;   /* lower-case words (set) */
	char **phrases;      /* lower-case phrases */
	int min;
} wb_category_t;

typedef struct {
	GHashTable *affiliate;     /* parameter names (set, lower case) */
	GHashTable *suffix, *unit, *dir;  /* WORD -> USPS abbreviation */
	GHashTable *state_code;    /* CODE or NAME -> CODE */
	GPtrArray *state_names;    /* full names (for multi-word matching) */
	GPtrArray *categories;     /* wb_category_t *, in file order (at most 32) */
	GHashTable *cat_words;     /* word or phrase -> bit mask of the categories listing it */
	/* Every phrase by its first byte, in file order (the order of the
	 * alternation they once were as a regex): phrases_by_byte[c] is a
	 * GArray of wb_phrase_t (texts owned by the categories), or NULL. */
	GArray *phrases_by_byte[256];
	/* phrase_second[c]: bit d set when a phrase beginning with byte c
	 * has d for its second byte, every bit when one is c alone: a
	 * position whose next byte is clear there starts no phrase. */
	guint8 phrase_second[256][32];
	/* A filter in front of cat_words: the bit wb_word_filter_bit() of
	 * every key is set, so a word whose bit is clear is not a key. */
	guint8 word_filter[8192];
} wb_analysis_data_t;

typedef struct {
	const char *text;
	size_t len;
} wb_phrase_t;

/* The bit of word_filter for a word of LEN bytes beginning with FIRST and
 * ending with LAST: a hash of the three. */
static inline guint
wb_word_filter_bit (size_t len, guchar first, guchar last)
{
	return ((guint) len * 0x9e5u ^ (guint) first * 0x3bu ^ (guint) last * 0x2c1u) & 0xffffu;
}

/* The tables, loaded once (thread-safe); also initialises libxml2. */
const wb_analysis_data_t *wb_analysis_data (void);

#endif
