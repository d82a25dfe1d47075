/* Internal to evidence/analyze*.c: what an analysis holds, shared by the
 * pure part (analyze.c) and the store part (analyze-store.c). */
#ifndef WB_ANALYZE_PRIVATE_H
#define WB_ANALYZE_PRIVATE_H

#include "analyze.h"

/* KIND is a string constant; LOCATION is one of the analysis's
 * LOCATIONS; RAW and VALUE are in its arena (KEEP), as the struct
 * itself. */
typedef struct {
	const char *kind;
	char *raw, *value;
	const char *location;
} artifact_t;

/* NAME and CONFIDENCE are string constants; VALUE and EVIDENCE are in
 * the analysis's arena (KEEP), as the struct itself. */
typedef struct {
	const char *name;
	char *value;
	const char *confidence;
	char *evidence;
} fact_t;

typedef struct {
	char *filename, *declared, *sniffed, *sha256;
	int64_t size;
} attachment_t;

struct wb_analysis {
	GPtrArray *hops;          /* wb_hop_t *, in the arena (KEEP) */
	GPtrArray *artifacts;     /* artifact_t * */
	/* While wb_analyze() runs (NULL after): SEEN, URLS_DONE, LOCATIONS. */
	GHashTable *seen;         /* the artifacts' keys (analyze.c's seen_t) */
	GHashTable *urls_done;    /* add_url()'s calls so far (seen_t); NULL: none */
	/* The artifacts' locations, each once, in the arena (analyze.c's
	 * keep_location()): a copy has a few (at most 16 over the corpus). */
	GPtrArray *locations;
	const char *last_location;   /* the last one kept */
	/* The arena (analyze.c's keep_alloc()): the artifacts, facts and hops
	 * with their strings, kept until the writer has stored them, in a few
	 * blocks freed together.  Blocks are chained through their first
	 * word; CUR to END is the newest one's room. */
	void *keep;
	char *keep_cur, *keep_end;
	size_t keep_next;         /* the size of the next block */
	GPtrArray *facts;         /* fact_t *, in the order set */
	GPtrArray *attachments;   /* attachment_t * */
	GPtrArray *warnings;      /* char * */
	char *body_text;
	int64_t body_key;          /* wb_text_key of body_text, made by the worker */
	char *category;
	gboolean has_fp;
	uint64_t fp;
};

/* A body cache's key: KIND (which step made the result) and the SHA-256
 * of the bytes it was made from. */
#define WB_BODY_KEY_LEN 33
void wb_body_key (char kind, const void *data, size_t len, unsigned char key[WB_BODY_KEY_LEN]);
/* The result kept under KEY (a reference), or NULL. */
GBytes *wb_body_cache_get (wb_body_cache_t *c, const unsigned char key[WB_BODY_KEY_LEN]);
/* Keep VALUE under KEY, making room if need be (a result larger than a
 * sixteenth of the cache is not kept). */
void wb_body_cache_put (wb_body_cache_t *c, const unsigned char key[WB_BODY_KEY_LEN], GBytes *value);

/* The patterns the analysis finds contact data and the sender's legal
 * name with (regexes_init in analyze.c). */
typedef enum {
	WB_PAT_URL,
	WB_PAT_EMAIL,
	WB_PAT_PHONE_NANP,
	WB_PAT_PHONE_VANITY,
	WB_PAT_PHONE_INTL,
	WB_PAT_ZIP,
	WB_PAT_LEGAL,
} wb_pattern_t;

/* Pattern K, compiled once; owned by the library, never freed. */
const GRegex *wb_analyze_regex (wb_pattern_t k);

/* The matches of pattern K in TEXT (NUL-terminated), appended to OUT (an
 * array of int) as start and end offsets, in order: those that
 * g_regex_match() and g_match_info_next() give, found by trying the
 * pattern only where a match can begin.  For WB_PAT_LEGAL, the first
 * match only. */
void wb_analyze_matches (wb_pattern_t k, const char *text, GArray *out);

/* wb_date_epoch()'s own reading, without GMime: TRUE with *EPOCH where
 * it answers, FALSE where it leaves TEXT to GMime (analyze-received.c;
 * the tests compare the two). */
gboolean wb_date_fast (const char *text, int64_t *epoch);

#endif
