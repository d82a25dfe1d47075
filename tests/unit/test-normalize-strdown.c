/* E-mail addresses and domains are lower-cased without GLib's Unicode
 * tables when they are ASCII: the result must be what g_utf8_strdown()
 * gives (the oracle) for every ASCII byte in every place of an address,
 * and for addresses with bytes above 0x7f, which still go to it. */
#include <criterion/criterion.h>
#include <string.h>
#include "normalize.h"

Test (strdown, email_every_ascii_byte)
{
	guint valid = 0;
	for (int c = 1; c < 128; c++) {
		for (int place = 0; place < 3; place++) {
			/* Before the '@', in the domain's first label, in its last. */
			char *addr = place == 0 ? g_strdup_printf ("Jo%cHn@Example.COM", c)
				: place == 1 ? g_strdup_printf ("John@Ex%cample.COM", c)
				: g_strdup_printf ("John@Example.C%cOM", c);
			char *got = wb_norm_email (addr);
			if (got) {
				char *want = g_utf8_strdown (addr, -1);
				cr_expect_str_eq (got, want, "byte %d in place %d", c, place);
				g_free (want);
				valid++;
			}
			g_free (got);
			g_free (addr);
		}
	}
	/* 381 addresses; no address with bytes 1-32 (96), one of the eleven
	 * of "<>()[]\\,;:\"" (33) or a second '@' (3): 249. */
	cr_expect_eq (valid, 249, "%u valid", valid);
}

Test (strdown, non_ascii_and_the_letters_i_and_j)
{
	static const char *addrs[] = {
		"INFO@EXAMPLE.COM", "Jane@JJ.example", "\xc3\x89LISE@Caf\xc3\x89.example",
		"\xce\xa3\xce\xa3@x.example", "plain@lower.example", "MiXeD.CaSe+Tag@Sub.Example.ORG",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (addrs); i++) {
		char *got = wb_norm_email (addrs[i]);
		char *want = g_utf8_strdown (addrs[i], -1);
		cr_expect_str_eq (got, want, "%s", addrs[i]);
		g_free (got);
		g_free (want);
	}
}

Test (strdown, domains)
{
	static const char *hosts[] = { "Mail.EXAMPLE.co.UK", "a@Shop.Example.COM", "IBM.COM",
				       "www.Example.com" };
	static const char *want[] = { "example.co.uk", "example.com", "ibm.com", "example.com" };
	for (gsize i = 0; i < G_N_ELEMENTS (hosts); i++) {
		char *got = wb_norm_domain (hosts[i]);
		cr_expect_str_eq (got, want[i], "%s", hosts[i]);
		g_free (got);
	}
}
