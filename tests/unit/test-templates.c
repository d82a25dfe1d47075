/* The embedded templates (evidence/templates.h): one table, one lookup.
 * The oracle is the files themselves under templates/, read from disk. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>
#include "templates.h"

Test (templates, each_is_the_file_on_disk)
{
	int n = 0;
	for (const wb_template_t *t = wb_templates; t->path; t++, n++) {
		char *bytes = NULL;
		gsize len = 0;
		cr_assert (g_file_get_contents (t->path, &bytes, &len, NULL), "cannot read %s", t->path);
		cr_assert_eq (t->size, len, "%s: %zu bytes embedded, %zu on disk", t->path, t->size,
			      (size_t) len);
		cr_assert_eq (memcmp (t->text, bytes, len), 0, "%s differs", t->path);
		cr_assert_eq (t->text[t->size], 0);
		size_t size = 0;
		cr_assert_eq (wb_template_text (t->path, &size), t->text);
		cr_assert_eq (size, len);
		g_free (bytes);
	}
	/* The statute files, the lexicons, attribution and report text. */
	cr_assert_gt (n, 10);
	cr_assert_not_null (wb_template_text ("templates/reports/report.ini", NULL));
	cr_assert_not_null (wb_template_text ("templates/attribution/attribution.ini", NULL));
}

Test (templates, unknown_path)
{
	size_t size = 7;
	cr_assert_null (wb_template_text ("templates/nope.ini", &size));
	cr_assert_eq (size, 7);
	/* Whole paths only: a suffix is not a path. */
	cr_assert_null (wb_template_text ("reports/report.ini", NULL));
}
