/* Internal to evidence/analyze*.c: what an analysis holds, shared by the
 * pure part (analyze.c) and the store part (analyze-store.c). */
#ifndef WB_ANALYZE_PRIVATE_H
#define WB_ANALYZE_PRIVATE_H

#include "analyze.h"

/* KIND is a string constant; LOCATION is in the analysis's STRINGS. */
typedef struct {
	const char *kind;
	char *raw, *value;
	const char *location;
} artifact_t;

/* NAME and CONFIDENCE are string constants. */
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
	GPtrArray *hops;          /* wb_hop_t * */
	GPtrArray *artifacts;     /* artifact_t * */
	GHashTable *seen;         /* "kind\tvalue\tlocation" */
	GStringChunk *strings;    /* the artifacts' locations, each once */
	const char *last_location;   /* the last one stored, in STRINGS */
	GPtrArray *facts;         /* fact_t *, in the order set */
	GPtrArray *attachments;   /* attachment_t * */
	GPtrArray *warnings;      /* char * */
	char *body_text;
	char *category;
	gboolean has_fp;
	uint64_t fp;
};

#endif
