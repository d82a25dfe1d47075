/* What the attribution engine's three files share: attrib.c (the
 * configuration and scoring), attrib-link.c (linking: message attribution,
 * links, clusters) and attrib-explain.c (finding parties, explain).  Not
 * for use outside workbench/engine/attrib*.c. */
#ifndef WB_ATTRIB_PRIVATE_H
#define WB_ATTRIB_PRIVATE_H

#include <sqlite3.h>
#include <glib.h>
#include "attrib.h"

/* templates/attribution/attribution.ini, as loaded by wb_attrib_conf_load. */
struct wb_attrib_conf {
	double weight[16];
	gboolean unspecific_kind[16];
	double weak, moderate, strong, specific;
	int64_t max_parties;
	GHashTable *aff_keys;   /* lower-case query keys that name an affiliate */
};

/* "KIND\x1fVALUE": the key a value is known by, newly allocated. */
static inline char *
key2 (const char *kind, const char *value)
{
	return g_strconcat (kind, "\x1f", value, NULL);
}

static inline const char *
col (sqlite3_stmt *st, int i)
{
	return (const char *) sqlite3_column_text (st, i);
}

/* link's read of every artifact (attrib-link.c), in the order it walks
 * them: by copy, and a copy's in position order.  ORDER BY message is met
 * by the view's outer loop, message_artifacts in rowid order, so SQLite
 * sorts nothing; within a copy the rows come as json_each walks its items,
 * in array order, which is what idx numbers.  SQLite's documentation does
 * not promise that walk, so tests/unit/test-attrib-read.c and
 * tests/cli/t-attrib-artifact-order.sh pin it (and that the plan has no
 * sort), and link checks each copy's idx rises.  The cli test finds this
 * statement here by its text: keep it one string on one line. */
#define WB_LINK_ARTIFACTS_SQL \
	"SELECT message, idx, kind, value, location FROM artifacts ORDER BY message"

#endif
