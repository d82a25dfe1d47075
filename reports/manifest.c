/* The manifest of a report, written and read (see manifest.h). */
#include <string.h>
#include "manifest.h"

/* What report names its files with: a name of anything else in a custody
 * row (a path, a control character) is not one report wrote. */
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"

void
wb_manifest_append (GString *manifest, const char *sha, int64_t size, const char *name)
{
	g_string_append_printf (manifest, "%s  %" G_GINT64_FORMAT "  %s\n", sha, size, name);
}

#define DIGEST_PREFIX "# case digest "

void
wb_manifest_append_digest (GString *manifest, const char *digest, int64_t run)
{
	g_string_append_printf (manifest, DIGEST_PREFIX "%s before run %" G_GINT64_FORMAT "\n", digest, run);
}

gboolean
wb_manifest_digest (const char *manifest, char digest[65], int64_t *run)
{
	const char *p = manifest ? strstr (manifest, DIGEST_PREFIX) : NULL;
	if (!p || (p != manifest && p[-1] != '\n'))
		return FALSE;
	p += strlen (DIGEST_PREFIX);
	if (strspn (p, "0123456789abcdef") != 64 || strncmp (p + 64, " before run ", 12) != 0 ||
	    !g_ascii_isdigit (p[76]))
		return FALSE;
	char *end = NULL;
	int64_t r = g_ascii_strtoll (p + 76, &end, 10);
	if (*end && *end != '\n')
		return FALSE;
	memcpy (digest, p, 64);
	digest[64] = 0;
	*run = r;
	return TRUE;
}

static void
file_clear (gpointer p)
{
	g_free (((wb_manifest_file_t *) p)->name);
}

GArray *
wb_manifest_parse (const char *manifest)
{
	GArray *files = g_array_new (FALSE, TRUE, sizeof (wb_manifest_file_t));
	g_array_set_clear_func (files, file_clear);
	char **lines = g_strsplit (manifest, "\n", -1);
	gboolean ok = TRUE;
	for (char **l = lines; ok && *l; l++) {
		const char *p = *l;
		if (!*p || *p == '#')
			continue;
		wb_manifest_file_t f = { 0 };
		char *end = NULL;
		ok = strlen (p) > 68 && strspn (p, "0123456789abcdef") == 64 && p[64] == ' ' && p[65] == ' ' &&
			g_ascii_isdigit (p[66]);
		if (ok) {
			f.size = g_ascii_strtoll (p + 66, &end, 10);
			ok = end && end[0] == ' ' && end[1] == ' ' && end[2] && end[2] != '.' &&
				strspn (end + 2, NAME_CHARS) == strlen (end + 2);
		}
		if (ok) {
			memcpy (f.sha, p, 64);
			f.name = g_strdup (end + 2);
			g_array_append_val (files, f);
		}
	}
	g_strfreev (lines);
	if (!ok || !files->len) {
		g_array_unref (files);
		return NULL;
	}
	return files;
}

char *
wb_manifest_custody_detail (const char *dir, const char *manifest)
{
	return g_strdup_printf ("out=%s\n%s", dir, manifest);
}

gboolean
wb_manifest_custody_split (const char *detail, char **dir, char **manifest)
{
	const char *nl = detail ? strchr (detail, '\n') : NULL;
	if (!detail || !g_str_has_prefix (detail, "out=") || !nl || nl == detail + 4)
		return FALSE;
	*dir = g_strndup (detail + 4, nl - detail - 4);
	*manifest = g_strdup (nl + 1);
	return TRUE;
}
