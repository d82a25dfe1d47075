/* wb_date_epoch() reads a date as GMime does: its own reading of the
 * common form (wb_date_fast) and GMime's g_mime_utils_header_decode_date()
 * then g_date_time_to_unix(), the reference, must agree on every text.
 * The texts are made from the pieces of RFC 5322's date-time (section
 * 3.3) and the ways mail bends them: weekday or not, one to three digit
 * days, month names in any case or longer, two and four digit years
 * (1968-1970 and 9998-10000 at the edges), times with one to three
 * parts, 24 hours and 60 seconds, numeric zones inside and outside
 * GLib's bounds, zone names and comments, other separators, and junk.
 * Where the fast reading answers, its instant is also worked here by
 * hand for a few texts. */
#include <criterion/criterion.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-private.h"

static gboolean
gmime_epoch (const char *text, int64_t *epoch)
{
	GDateTime *dt = g_mime_utils_header_decode_date (text);
	if (!dt)
		return FALSE;
	*epoch = g_date_time_to_unix (dt);
	g_date_time_unref (dt);
	return TRUE;
}

static const char *const wdays[] = { "", "Mon, ", "Thu,", "thursday ", "Sun ", "Xyz, ", "Fr, " };
static const char *const mdays[] = { "1", "01", "9", "22", "29", "30", "31", "0", "32", "001", "x" };
static const char *const months[] = { "Jan", "feb", "FEB", "Aug", "August", "Sep", "Dec", "Ju", "Foo", "12" };
static const char *const years[] = { "2002", "02", "69", "70", "99", "1968", "1969", "1970", "2000",
				     "2024", "9998", "9999", "10000", "0", "-2002" };
static const char *const times[] = { "18:26:25", "00:00:00", "23:59:59", "23:59:60", "24:00:00",
				     "18:26", "18", "1:2:3", "18:60:00", "18::25", "18:26:25:01",
				     "18.26.25", "" };
static const char *const zones[] = { "+0000", "-0000", "+0700", "-0700", "+0545", "-1200", "+1400",
				     "+2359", "+2400", "+2459", "+0960", "+0099", "+07", "+07000",
				     "0700", "GMT", "UT", "EST", "(PDT)", "Z", "+07:00", "", "-0400 (EDT)",
				     "+0100 (IST)", "xyz +0200", "+0200 junk" };
static const char *const seps[] = { " ", "  ", "\t", "-", "/" };

Test (date, fast_reading_agrees_with_gmime)
{
	GRand *r = g_rand_new_with_seed (20021207);
	int answered = 0, fast = 0;
	for (int i = 0; i < 200000; i++) {
		const char *sep = seps[g_rand_int_range (r, 0, G_N_ELEMENTS (seps))];
		const char *sep2 = g_rand_int_range (r, 0, 4) ? " " : sep;
		char *text = g_strdup_printf ("%s%s%s%s%s%s%s%s%s%s",
			wdays[g_rand_int_range (r, 0, G_N_ELEMENTS (wdays))],
			mdays[g_rand_int_range (r, 0, G_N_ELEMENTS (mdays))], sep,
			months[g_rand_int_range (r, 0, G_N_ELEMENTS (months))], sep,
			years[g_rand_int_range (r, 0, G_N_ELEMENTS (years))], sep2,
			times[g_rand_int_range (r, 0, G_N_ELEMENTS (times))], " ",
			zones[g_rand_int_range (r, 0, G_N_ELEMENTS (zones))]);
		int64_t want = 0, got = 0, quick = 0;
		gboolean ok = gmime_epoch (text, &want);
		cr_assert_eq (wb_date_epoch (text, &got), ok, "'%s': %s by GMime", text, ok ? "a date" : "none");
		if (ok) {
			cr_assert_eq (got, want, "'%s': %lld, GMime %lld", text, (long long) got, (long long) want);
			answered++;
		}
		if (wb_date_fast (text, &quick)) {
			cr_assert (ok, "'%s': read here, not by GMime", text);
			cr_assert_eq (quick, want, "'%s': %lld, GMime %lld", text, (long long) quick,
				      (long long) want);
			fast++;
		}
		g_free (text);
	}
	g_rand_free (r);
	/* Both kinds were met many times. */
	cr_expect_gt (fast, 10000, "%d read here", fast);
	cr_expect_gt (answered - fast, 10000, "%d by GMime", answered - fast);
}

/* Worked by hand, and by Python's email.utils.mktime_tz(parsedate_tz()):
 * 2002-08-22 is 11,921 days after 1970-01-01 (32 years of 365 days, 8
 * leap days 1972-2000, then 233 days of 2002 before 22 August:
 * 31+28+31+30+31+30+31+21); 18:26:25 is 66,385 s; +0700 is 25,200 s
 * ahead of UTC.  11,921 * 86,400 + 66,385 = 1,030,040,785 at -0000, less
 * 25,200 at +0700: 1,030,015,585. */
Test (date, worked_by_hand)
{
	int64_t e = 0;
	cr_assert (wb_date_fast ("Thu, 22 Aug 2002 18:26:25 +0700", &e));
	cr_expect_eq (e, 1030015585);
	cr_assert (wb_date_fast ("22 Aug 2002 18:26:25 -0000 (GMT)", &e));
	cr_expect_eq (e, 1030040785);
	/* 29 February 2000 exists (divisible by 400), 2100's would not. */
	cr_assert (wb_date_fast ("Tue, 29 Feb 2000 00:00:00 +0000", &e));
	cr_expect_eq (e, 951782400);   /* 11,016 days: 30 years, 7 leap days, 59 days of 2000 */
	cr_expect_not (wb_date_fast ("Mon, 29 Feb 2100 00:00:00 +0000", &e));
	/* Named zones and 60 seconds are GMime's to read. */
	cr_expect_not (wb_date_fast ("Mon, 4 Feb 2002 20:43:52 GMT", &e));
	cr_expect_not (wb_date_fast ("Mon, 4 Feb 2002 20:43:60 +0000", &e));
}
