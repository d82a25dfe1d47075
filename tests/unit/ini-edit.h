/* For the unit tests of the INI parsers (statute and long-arm files): a
 * good text edited in one place, and the error message its parser gives.
 * Include after <criterion/criterion.h> and the parser's header. */
#ifndef WB_TEST_INI_EDIT_H
#define WB_TEST_INI_EDIT_H
#include <string.h>
#include <glib.h>

/* TEXT with the first occurrence of FROM replaced by TO; FROM must occur.
 * The caller g_free()s the result. */
static inline char *
ini_edit (const char *text, const char *from, const char *to)
{
	const char *p = strstr (text, from);
	cr_assert_not_null (p, "%s", from);
	return g_strdup_printf ("%.*s%s%s", (int) (p - text), text, to, p + strlen (from));
}

/* INI_PARSE_ERR (PARSE, TYPE) defines
 *   static char *parse_err (const char *text);
 * which asserts that PARSE ("x.ini", TEXT, strlen (TEXT), &obj, &err), with
 * TYPE *obj, fails with WB_ERR_FORMAT and leaves obj NULL, and returns the
 * message (the caller g_free()s it). */
#define INI_PARSE_ERR(PARSE, TYPE)                                                      \
	static char *parse_err (const char *text)                                       \
	{                                                                               \
		TYPE *obj = NULL;                                                       \
		char *err = NULL;                                                       \
		cr_assert_eq (PARSE ("x.ini", text, strlen (text), &obj, &err), WB_ERR_FORMAT); \
		cr_assert_null (obj);                                                   \
		return err;                                                             \
	}

#endif
