/* wb_norm_name and wb_norm_country: the same company or country written
 * several ways is one value.  Expected values follow from the rules in
 * evidence/normalize.h and templates/attribution/ (.txt files), by hand. */
#include <criterion/criterion.h>
#include "normalize.h"

static void
check (char *(*fn) (const char *), const char *in, const char *want)
{
	char *got = fn (in);
	if (want)
		cr_expect_str_eq (got ? got : "(null)", want, "%s", in ? in : "(null)");
	else
		cr_expect_null (got, "%s -> %s", in ? in : "(null)", got);
	g_free (got);
}

Test (norm_name, pure_cash_spellings)
{
	const char *in[] = { "Pure Cash, L.L.C.", "PURE CASH LLC", "pure cash", "Pure  Cash Inc.",
			     "Pure-Cash, Limited Liability Company", "The Pure Cash Co., Ltd.",
			     "  pure cash corp  " };
	for (gsize i = 0; i < G_N_ELEMENTS (in); i++)
		check (wb_norm_name, in[i], "PURE CASH");
}

Test (norm_name, imatrix_spellings)
{
	check (wb_norm_name, "Imatrix Corp.", "IMATRIX");
	check (wb_norm_name, "IMATRIX CORPORATION", "IMATRIX");
	check (wb_norm_name, "imatrix, inc", "IMATRIX");
	check (wb_norm_name, "Imatrix GmbH", "IMATRIX");
}

Test (norm_name, punctuation_accents_and)
{
	check (wb_norm_name, "Smith & Sons Ltd", "SMITH AND SONS");
	check (wb_norm_name, "Smith and Sons, Limited", "SMITH AND SONS");
	check (wb_norm_name, "Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale S.A.", "SOCIETE GENERALE");
	check (wb_norm_name, "O'Brien Marketing", "OBRIEN MARKETING");
	check (wb_norm_name, "O\xe2\x80\x99" "Brien marketing plc", "OBRIEN MARKETING");
	check (wb_norm_name, "John Q. Public", "JOHN Q PUBLIC");
}

Test (norm_name, suffix_only_in_final_position)
{
	/* "Co" inside a name stays; a name made only of a legal form stays. */
	check (wb_norm_name, "Co Op Traders", "CO OP TRADERS");
	check (wb_norm_name, "Inc.", "INC");
	check (wb_norm_name, "Incline Media", "INCLINE MEDIA");
	check (wb_norm_name, "The", "THE");
}

Test (norm_name, empty_and_invalid)
{
	check (wb_norm_name, "", NULL);
	check (wb_norm_name, " ,;. ", NULL);
	check (wb_norm_name, "\xff\xfe", NULL);
	check (wb_norm_name, NULL, NULL);
}

Test (norm_country, united_states)
{
	const char *in[] = { "United States", "USA", "U.S.", "u.s.a.", "US", "us",
			     "United States of America", " united  states " };
	for (gsize i = 0; i < G_N_ELEMENTS (in); i++)
		check (wb_norm_country, in[i], "US");
}

Test (norm_country, others)
{
	check (wb_norm_country, "United Kingdom", "GB");
	check (wb_norm_country, "U.K.", "GB");
	check (wb_norm_country, "GBR", "GB");
	check (wb_norm_country, "Deutschland", "DE");
	check (wb_norm_country, "Germany", "DE");
	check (wb_norm_country, "DEU", "DE");
	check (wb_norm_country, "Russian Federation", "RU");
	check (wb_norm_country, "Russia", "RU");
	check (wb_norm_country, "C\xc3\xb4te d'Ivoire", "CI");
	check (wb_norm_country, "Cote dIvoire", "CI");
	check (wb_norm_country, "canada", "CA");
	check (wb_norm_country, "Netherlands", "NL");
	check (wb_norm_country, "Holland", "NL");
}

Test (norm_country, unknown)
{
	check (wb_norm_country, "Atlantis", NULL);
	check (wb_norm_country, "", NULL);
	check (wb_norm_country, "XX", NULL);
	check (wb_norm_country, NULL, NULL);
}
