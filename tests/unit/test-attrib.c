/* Attribution rules: weights, specificity, strength, roster values.  The
 * expected numbers are computed by hand from the formula documented in
 * templates/attribution/attribution.ini:
 *   weight = kind weight x ln(N/df) / ln(N/2), clamped to [0, 1];
 *   strong >= 6, moderate >= 3, weak >= 1; all unspecific: weak at most. */
#include <criterion/criterion.h>
#include <math.h>
#include "attrib.h"

static wb_attrib_conf_t *conf;

static void
setup (void)
{
	char *err = NULL;
	conf = wb_attrib_conf_load (&err);
	cr_assert_not_null (conf, "%s", err);
}

static void
teardown (void)
{
	wb_attrib_conf_free (conf);
}

TestSuite (attrib, .init = setup, .fini = teardown);

Test (attrib, weights)
{
	double spec;
	/* A phone shared by exactly two parties: full weight 2.0. */
	cr_expect_float_eq (wb_attrib_weight (conf, "phone", 10, 2, &spec), 2.0, 1e-9);
	cr_expect_float_eq (spec, 1.0, 1e-9);
	/* An e-mail address shared by 10 of 100: 3 x ln(10)/ln(50) = 6.907755/3.912023. */
	cr_expect_float_eq (wb_attrib_weight (conf, "email", 100, 10, NULL), 1.765776, 1e-6);
	/* A country every one of 100 parties has weighs nothing. */
	cr_expect_float_eq (wb_attrib_weight (conf, "country", 100, 100, NULL), 0.0, 1e-12);
	/* ... and one 90 of 100 have: 0.2 x ln(100/90)/ln(50) = 0.2 x 0.105361/3.912023. */
	cr_expect_float_eq (wb_attrib_weight (conf, "country", 100, 90, NULL), 0.005386, 1e-6);
	/* Two parties in all: specificity 1. */
	cr_expect_float_eq (wb_attrib_weight (conf, "country", 2, 2, NULL), 0.2, 1e-12);
	/* More than max_parties (100) share it: no weight. */
	cr_expect_float_eq (wb_attrib_weight (conf, "affiliate_id", 10000, 101, NULL), 0.0, 1e-12);
	/* A value of one party only is not shared. */
	cr_expect_float_eq (wb_attrib_weight (conf, "email", 10, 1, NULL), 0.0, 1e-12);
	/* Columns that are kept but not compared. */
	cr_expect_float_eq (wb_attrib_weight (conf, "notes", 10, 2, NULL), 0.0, 1e-12);
}

Test (attrib, strength)
{
	cr_expect_str_eq (wb_attrib_strength (conf, 0.99, FALSE), "none");
	cr_expect_str_eq (wb_attrib_strength (conf, 1.0, FALSE), "weak");
	cr_expect_str_eq (wb_attrib_strength (conf, 3.0, FALSE), "moderate");
	cr_expect_str_eq (wb_attrib_strength (conf, 6.0, FALSE), "strong");
	/* Compared at four decimals, as shown. */
	cr_expect_str_eq (wb_attrib_strength (conf, 5.99999, FALSE), "strong");
	/* Only unspecific values: weak at most, but not raised. */
	cr_expect_str_eq (wb_attrib_strength (conf, 8.0, TRUE), "weak");
	cr_expect_str_eq (wb_attrib_strength (conf, 0.5, TRUE), "none");
	cr_expect_eq (wb_attrib_strength_rank ("moderate"), 2);
	cr_expect_eq (wb_attrib_strength_rank ("huge"), -1);
}

Test (attrib, unspecific)
{
	cr_expect (wb_attrib_unspecific (conf, "country", 1.0));
	cr_expect (wb_attrib_unspecific (conf, "phone", 1.0));
	cr_expect (!wb_attrib_unspecific (conf, "payee", 1.0));
	cr_expect (wb_attrib_unspecific (conf, "payee", 0.4));
}

static void
norm (const char *kind, const char *in, const char *want)
{
	char *got = wb_attrib_norm_value (kind, in);
	if (want)
		cr_expect_str_eq (got ? got : "(null)", want, "%s %s", kind, in);
	else
		cr_expect_null (got, "%s %s -> %s", kind, in, got);
	g_free (got);
}

Test (attrib, roster_values)
{
	norm ("affiliate_id", "CashSite.com AFF=1001", "cashsite.com aff=1001");
	norm ("affiliate_id", " Aff=77 ", "aff=77");
	norm ("affiliate_id", "12345", "12345");
	norm ("affiliate_id", "", NULL);
	norm ("ip", " 203.0.113.7 ", "203.0.113.7");
	norm ("ip", "2001:db8::1", "2001:db8::1");
	norm ("ip", "not-an-ip", NULL);
	norm ("payee", "Blue Ocean Holdings, Inc.", "BLUE OCEAN HOLDINGS");
	norm ("contact", "john  smith", "JOHN SMITH");
	norm ("country", "U.S.A.", "US");
	norm ("notes", "  kept as written ", "kept as written");
	cr_expect_eq (wb_attrib_kind_index ("affiliate_id"), 8);
	cr_expect_eq (wb_attrib_kind_index ("notes"), -1);
}

/* Affiliate keys ([affiliate] keys in attribution.ini) name an affiliate;
 * tracking keys (the rest of templates/analysis/affiliate-params.txt) do not. */
Test (attrib, affiliate_keys)
{
	const char *aff[] = { "aff", "affid", "AFF_ID", "a_aid", "affiliate", "affiliate_id", "pid",
			      "partner", "refid", "ref", NULL };
	const char *tracking[] = { "sid", "subid", "SubID", "cid", "campaign", "offer", "oid",
				   "clickid", "utm_source", "s1", "", NULL };
	for (int i = 0; aff[i]; i++)
		cr_expect (wb_attrib_affiliate_key (conf, aff[i]), "%s", aff[i]);
	for (int i = 0; tracking[i]; i++)
		cr_expect (!wb_attrib_affiliate_key (conf, tracking[i]), "%s", tracking[i]);
}

Test (kinds, one_table)
{
	/* The kinds of value attribution compares, as workbench/engine/README.md
	 * lists them, in explain's order, each named by its index. */
	const char *want[] = { "name", "contact", "email", "phone", "address", "country", "payee",
			       "domain", "affiliate_id", "ip" };
	cr_assert_eq (WB_KIND_COUNT, G_N_ELEMENTS (want));
	for (int k = 0; k < WB_KIND_COUNT; k++) {
		cr_assert_str_eq (wb_attrib_kinds[k], want[k]);
		cr_assert_eq (wb_attrib_kind_index (want[k]), k);
	}
	cr_assert_null (wb_attrib_kinds[WB_KIND_COUNT]);
	cr_assert_str_eq (wb_attrib_kinds[WB_KIND_AFFILIATE_ID], "affiliate_id");
	/* What SQL selects by: the contact data messages carry (no names,
	 * contacts, countries or payees), and every kind. */
	cr_assert_str_eq (wb_attrib_kinds_json (WB_KINDS_IN_MESSAGES),
			  "[\"email\",\"phone\",\"address\",\"domain\",\"affiliate_id\",\"ip\"]");
	cr_assert_str_eq (wb_attrib_kinds_json ((1u << WB_KIND_COUNT) - 1),
			  "[\"name\",\"contact\",\"email\",\"phone\",\"address\",\"country\",\"payee\","
			  "\"domain\",\"affiliate_id\",\"ip\"]");
	/* Made once: the same string each time. */
	cr_assert_eq (wb_attrib_kinds_json (WB_KINDS_IN_MESSAGES),
		      wb_attrib_kinds_json (WB_KINDS_IN_MESSAGES));
}
