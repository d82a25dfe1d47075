/* Looking up the embedded template files (templates.h). */
#include <string.h>
#include "templates.h"

const char *
wb_template_text (const char *path, size_t *size)
{
	for (size_t i = 0; wb_templates[i].path; i++) {
		if (strcmp (wb_templates[i].path, path) == 0) {
			if (size)
				*size = wb_templates[i].size;
			return wb_templates[i].text;
		}
	}
	return NULL;
}
