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

#endif
