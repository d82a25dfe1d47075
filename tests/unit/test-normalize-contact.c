/* Normalizers for contact data.  Expected values are worked out by hand:
 * E.164 from the NANP rules (area code and exchange begin with 2-9) and the
 * ITU E.161 keypad (ABC=2 DEF=3 GHI=4 JKL=5 MNO=6 PQRS=7 TUV=8 WXYZ=9);
 * postal forms from USPS Publication 28 (suffixes C1, units C2). */
#include <criterion/criterion.h>
#include "normalize.h"

static void
check (char *(*fn) (const char *), const char *in, const char *want)
{
	char *got = fn (in);
	if (want)
		cr_expect_str_eq (got ? got : "(null)", want, "input '%s'", in);
	else
		cr_expect_null (got, "input '%s' gave '%s'", in, got);
	g_free (got);
}

Test (phone, spellings)
{
	static const char *cases[][2] = {
		{ "(800) 555-1234", "+18005551234" },
		{ "800-555-1234", "+18005551234" },
		{ "800.555.1234", "+18005551234" },
		{ "800 555 1234", "+18005551234" },
		{ "8005551234", "+18005551234" },
		{ "1-800-555-1234", "+18005551234" },
		{ "1 (800) 555-1234", "+18005551234" },
		{ "+1 800 555 1234", "+18005551234" },
		{ "+1-800-555-1234", "+18005551234" },
		{ "+1.800.555.1234", "+18005551234" },
		{ "+18005551234", "+18005551234" },
		{ "1.800.555.1234", "+18005551234" },
		{ "18005551234", "+18005551234" },
		{ "(212) 736-5000", "+12127365000" },
		{ "212/736-5000", "+12127365000" },
		{ "(415)555-2671", "+14155552671" },
		{ "415.555.2671", "+14155552671" },
		{ "tel:+1-212-555-0199", "+12125550199" },
		/* F3 L5 O6 W9 E3 R7 S7 */
		{ "1-800-FLOWERS", "+18003569377" },
		/* C2 O6 N6 T8 A2 C2 T8; the eighth letter S is not dialled */
		{ "1-800-CONTACTS", "+18002668228" },
		/* G4 O6 F3 E3 D3 E3 X9 */
		{ "1-888-GO-FEDEX", "+18884633339" },
		/* G4 O6 T8 J5 U8 N6 K5 */
		{ "800-GOT-JUNK", "+18004685865" },
		/* K5 A2 R7 S7 4 K5 I4 D3 S7: first ten digits 877 527 7454 */
		{ "1-877-KARS-4-KIDS", "+18775277454" },
		{ "(800) 555-1234 x123", "+18005551234" },
		{ "800-555-1234 ext. 55", "+18005551234" },
		{ "+44 20 7946 0958", "+442079460958" },
		{ "+33 1 42 68 53 00", "+33142685300" },
		{ "+49 (30) 1234567", "+49301234567" },
		{ "+61 2 9876 5432", "+61298765432" },
		{ "+91-22-2778-1234", "+912227781234" },
		/* Not numbers */
		{ "555-1234", NULL },           /* 7 digits */
		{ "(123) 456-7890", NULL },     /* area code begins with 1 */
		{ "212-055-1234", NULL },       /* exchange begins with 0 */
		{ "12345", NULL },
		{ "+44 12", NULL },             /* too short for E.164 */
		{ "+1 800 555 12345", NULL },   /* 11 digits after +1 */
		{ "call me", NULL },
		{ "800-555-1234!", NULL },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		check (wb_norm_phone, cases[i][0], cases[i][1]);
}

Test (postal, addresses)
{
	static const char *cases[][2] = {
		{ "123 Main Street, Suite 4, Springfield, Illinois 62701-1234",
		  "123 MAIN ST STE 4, SPRINGFIELD, IL 62701" },
		{ "1600 Pennsylvania Avenue NW, Washington, DC 20500",
		  "1600 PENNSYLVANIA AVE NW, WASHINGTON, DC 20500" },
		{ "P.O. Box 1234, Boulder, CO 80306", "PO BOX 1234, BOULDER, CO 80306" },
		{ "PO Box 77, Austin, Texas 78701", "PO BOX 77, AUSTIN, TX 78701" },
		{ "Post Office Box 9, Little Rock, AR 72201", "PO BOX 9, LITTLE ROCK, AR 72201" },
		{ "350 Fifth Avenue, Suite 3300\nNew York, NY 10118",
		  "350 FIFTH AVE STE 3300, NEW YORK, NY 10118" },
		{ "1 Infinite Loop, Cupertino, CA 95014", "1 INFINITE LOOP, CUPERTINO, CA 95014" },
		{ "10 Downing Blvd. Apt. 5B, Phoenix, AZ 85001",
		  "10 DOWNING BLVD APT 5B, PHOENIX, AZ 85001" },
		{ "742 Evergreen Terrace, Springfield, OR 97477",
		  "742 EVERGREEN TER, SPRINGFIELD, OR 97477" },
		{ "55 North Water Street #200, Chicago, IL 60601",
		  "55 N WATER ST # 200, CHICAGO, IL 60601" },
		{ "2000 Market St., Floor 12, Philadelphia, Pennsylvania 19103",
		  "2000 MARKET ST FL 12, PHILADELPHIA, PA 19103" },
		{ "8 Oak Lane Springfield MA 01101", "8 OAK LN, SPRINGFIELD, MA 01101" },
		{ "4500 Ocean Boulevard, Room 101, Miami Beach, FL 33139",
		  "4500 OCEAN BLVD RM 101, MIAMI BEACH, FL 33139" },
		{ "99 Park Road, Building 3, Hartford, Connecticut 06103",
		  "99 PARK RD BLDG 3, HARTFORD, CT 06103" },
		{ "12 Elm Ct, Raleigh, North Carolina 27601", "12 ELM CT, RALEIGH, NC 27601" },
		{ "300 W. Broadway Drive, Suite #12, Tucson, AZ 85701-0001",
		  "300 W BROADWAY DR STE 12, TUCSON, AZ 85701" },
		{ "123 Main Street, Springfield", NULL },          /* no state or ZIP */
		{ "Springfield, IL 62701", NULL },                 /* no street */
		{ "123 Main Street, Springfield, ZZ 62701", NULL }, /* no such state */
		{ "123 Main Street, Springfield, IL 6270", NULL },  /* ZIP of 4 digits */
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		check (wb_norm_postal, cases[i][0], cases[i][1]);
}

Test (email, normalized)
{
	check (wb_norm_email, "<John.Doe@Example.COM>", "john.doe@example.com");
	check (wb_norm_email, "  x@y.org ", "x@y.org");
	check (wb_norm_email, "mailto:Sales@Foo.com?subject=remove", "sales@foo.com");
	check (wb_norm_email, "not an address", NULL);
	check (wb_norm_email, "a@b", NULL);
	check (wb_norm_email, "a@@b.com", NULL);
	check (wb_norm_email, "@b.com", NULL);
}

Test (domain, registrable)
{
	check (wb_norm_domain, "www.Foo.co.uk", "foo.co.uk");
	check (wb_norm_domain, "http://User@Sub.Example.COM:8080/x?y=1", "example.com");
	check (wb_norm_domain, "mail.example.com", "example.com");
	check (wb_norm_domain, "user@Mail.Example.org", "example.org");
	check (wb_norm_domain, "example.com.", "example.com");
	check (wb_norm_domain, "192.168.1.1", NULL);
	check (wb_norm_domain, "localhost", NULL);
	check (wb_norm_domain, "co.uk", NULL);
	check (wb_norm_domain, "bad host.com", NULL);
}
