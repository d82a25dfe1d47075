/* Placeholder: replaced by evidence/normalize-contact.c.  Delete then. */
#include "normalize.h"
char *wb_norm_phone (const char *s) { return g_strdup (s); }
char *wb_norm_email (const char *s) { return g_ascii_strdown (s, -1); }
char *wb_norm_domain (const char *s) { return g_ascii_strdown (s, -1); }
char *wb_norm_postal (const char *s) { return g_ascii_strup (s, -1); }
