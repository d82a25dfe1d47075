/* The manifest of a report: one line "SHA256  SIZE  NAME" per exhibit, as
 * report writes it to manifest.txt and to its custody row
 * ("out=FOLDER\n" then the manifest), and as verify reads them back.
 *
 * A library: it never prints. */
#ifndef WB_MANIFEST_H
#define WB_MANIFEST_H

#include <stdint.h>
#include <glib.h>

/* One exhibit file of a manifest. */
typedef struct {
	char sha[65];            /* lowercase hex SHA-256 of the file */
	int64_t size;            /* its size in bytes */
	char *name;              /* its name in the exhibits folder */
} wb_manifest_file_t;

/* Append the line for a file NAME of SIZE bytes hashing to SHA (64
 * lowercase hex digits) to MANIFEST. */
void wb_manifest_append (GString *manifest, const char *sha, int64_t size, const char *name);

/* The files of MANIFEST, in its order, as a GArray of wb_manifest_file_t
 * that frees their names with it (g_array_unref), or NULL if MANIFEST
 * lists no file or a line is not "SHA256  SIZE  NAME": 64 lowercase hex
 * digits, two spaces, a decimal size, two spaces, and a name that report
 * could have given (letters, digits, '.', '_', '-', not starting with '.').
 * Empty lines and lines that start with '#' are skipped. */
GArray *wb_manifest_parse (const char *manifest);

/* The first line of a report's manifest: the case digest DIGEST
 * (wb_case_digest) of the case before report run RUN, as
 * "# case digest SHA256 before run RUN\n". */
void wb_manifest_append_digest (GString *manifest, const char *digest, int64_t run);

/* The case digest and run MANIFEST names on a line written by
 * wb_manifest_append_digest(), or FALSE (nothing set) if it has none. */
gboolean wb_manifest_digest (const char *manifest, char digest[65], int64_t *run);

/* The custody detail of a report written to the folder DIR (absolute)
 * with MANIFEST.  Newly allocated. */
char *wb_manifest_custody_detail (const char *dir, const char *manifest);

/* Split a custody DETAIL made by wb_manifest_custody_detail() into the
 * folder and the manifest text (both newly allocated).  FALSE, with
 * nothing set, if DETAIL is not "out=FOLDER\n..." with a folder. */
gboolean wb_manifest_custody_split (const char *detail, char **dir, char **manifest);

#endif
