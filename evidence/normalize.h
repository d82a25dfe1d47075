/* Normalizers: the same fact spelled two ways becomes one value.  Used by
 * message analysis (artifacts) and by attribution (the parties roster).
 * Every function returns a newly allocated string, or NULL when the input
 * is not a value of that kind. */
#ifndef WB_NORMALIZE_H
#define WB_NORMALIZE_H

#include <glib.h>

/* --- contact data (evidence/normalize-contact.c, analysis) --- */

/* A phone number to E.164: "(800) 555-1234", "1.800.555.1234",
 * "1-800-FLOWERS" -> "+18003569377"; "+44 20 7946 0958" -> "+442079460958".
 * A bare number of 10 digits (or 11 starting with 1) is North American. */
char *wb_norm_phone (const char *s);
/* An e-mail address, trimmed, angle brackets removed, lower case. */
char *wb_norm_email (const char *s);
/* The registrable domain of a host name or URL ("www.Foo.co.uk" ->
 * "foo.co.uk"), by libpsl. */
char *wb_norm_domain (const char *host_or_url);
/* A US postal address with USPS suffix and unit abbreviations, punctuation
 * and case folded, ZIP5: "123 Main Street, Suite 4, Springfield, Illinois
 * 62701-1234" -> "123 MAIN ST STE 4, SPRINGFIELD, IL 62701". */
char *wb_norm_postal (const char *s);

/* --- names (evidence/normalize-party.c, attribution) --- */

/* A company or payee name with case, punctuation, white space and legal
 * suffixes (Inc, LLC, Ltd, Corp, Co, GmbH, ...) folded: "Pure Cash, L.L.C."
 * -> "PURE CASH". */
char *wb_norm_name (const char *s);
/* A country name or code to ISO 3166 alpha-2: "United States", "USA",
 * "U.S." -> "US". */
char *wb_norm_country (const char *s);

#endif
