/* Internal to evidence/ingest*.c. */
#ifndef WB_INGEST_PRIVATE_H
#define WB_INGEST_PRIVATE_H

#include <gmime/gmime.h>
#include "case.h"

typedef struct {
	int64_t id;
	char *address;           /* lower case; key of the traps hash table */
	char *hosts;             /* provider hosts, ';'-separated, or NULL */
	GTimeZone *tz;
} wb_trap_t;

/* Header fields of a copy, as stored in the messages table. */
typedef struct {
	char *message_id, *date_header, *date_parsed;
	const char *date_status;         /* static */
	char *from_addr, *from_name, *reply_to, *return_path, *sender;
	char *to_addrs, *cc_addrs, *subject;
	char *received_at;
	int64_t received_epoch;
	gboolean has_received;
	gboolean received_no_zone;
	const char *received_from;       /* static: received, date, none */
	char *block;                     /* the strings above in one block (wb_fields_pack), or NULL */
} wb_fields_t;

/* Date text to a GDateTime (*OUT, caller unrefs, NULL unless parsed);
 * returns the status: ok, absent, invalid, no-zone (static strings). */
const char *wb_ingest_date (const char *text, GDateTime **out);
void wb_ingest_fields (GMimeMessage *msg, wb_fields_t *f);
void wb_fields_clear (wb_fields_t *f);
/* Move F's strings into one block (F->block): ingest's copies wait with
 * their batch for the writer, and a dozen small blocks a copy freed long
 * after cost more than the copy. */
void wb_fields_pack (wb_fields_t *f);

/* Address (lower case) -> wb_trap_t*, owned by the table. */
GHashTable *wb_traps_load (wb_case_t *cs, wb_status_t *status);
/* The matching trap or NULL; *HOW receives the static match kind. */
const wb_trap_t *wb_traps_match (GHashTable *traps, GMimeMessage *msg, const char *chain,
				 const char **how);
/* YYYY-MM-DD of EPOCH in TRAP's zone (UTC when TRAP is NULL); newly allocated. */
char *wb_local_day (const wb_trap_t *trap, int64_t epoch);

/* Keep glibc's conversion modules of common character sets loaded for
 * the life of the process (see ingest-parse.c); once per process, any
 * thread.  Safe to call again. */
void wb_ingest_pin_charsets (void);
/* Parse LEN bytes as a message; parser warnings are appended to WARNINGS
 * (each kind once, by its wb_ingest_warning_name()).  PARSER, if not
 * NULL, is reused (a parse worker keeps one: a new parser costs as much as
 * parsing a short message).  A header GMime need not read as it is added
 * is decoded when its value is first asked for (see ingest-parse.c): OPTS,
 * DATA and WARNINGS must outlive the message.  Returns a new reference or
 * NULL. */
GMimeMessage *wb_ingest_parse (const char *data, size_t len, GMimeParserOptions *opts,
			       GString *warnings, GMimeParser *parser);
/* wb_ingest_parse() for the readers of a parsed copy (the copy's fields,
 * its trap, wb_analyze()): GMime is not given the plain fields none of
 * them reads, nor the Received fields, whose raw values the message keeps
 * aside (WB_RECEIVED_KEY, wb_message_received()).  What those readers get
 * and the warnings are wb_ingest_parse()'s; a header GMime builds costs
 * about a microsecond, and a copy has two dozen. */
GMimeMessage *wb_ingest_parse_lean (const char *data, size_t len, GMimeParserOptions *opts,
				    GString *warnings, GMimeParser *parser);
/* What a parse worker does with a new copy: wb_ingest_defects(), then
 * wb_ingest_check_merged() if MERGED, then wb_ingest_parse(), or
 * wb_ingest_parse_lean() if LEAN, each appending to WARNINGS, with the
 * header block read once. */
GMimeMessage *wb_ingest_parse_copy (const char *data, size_t len, gboolean merged,
				    gboolean lean, GMimeParserOptions *opts,
				    GString *warnings, GMimeParser *parser);
/* The words a parser warning is stored as (static). */
const char *wb_ingest_warning_name (GMimeParserWarning code);
/* GMime's warning callback that wb_ingest_parse() sets: appends to the
 * GString DATA each kind once, in the order GMime reports them, with its
 * item when short. */
void wb_ingest_on_warning (gint64 offset, GMimeParserWarning code, const gchar *item,
			   gpointer data);

/* wb_ingest_sniff() on the first LEN bytes of a longer stream: unless
 * AT_EOF, a last line without its line end is not judged. */
int wb_ingest_sniff_part (const char *data, size_t len, gboolean at_eof);

#endif
