/* The trust boundary when the sender's relay uses an address from a
 * documentation range (RFC 5737: 192.0.2/24, 198.51.100/24, 203.0.113/24),
 * as the bundled sample case does.  Regression: such a hop was taken for a
 * hand-off inside the provider, so the boundary went one hop too deep and
 * the origin became the sender's own 127.0.0.1. */
#include <criterion/criterion.h>
#include "analyze.h"

static GPtrArray *
chain (const char *const *lines)
{
	GPtrArray *hops = g_ptr_array_new_with_free_func ((GDestroyNotify) wb_hop_free);
	for (; *lines; lines++)
		g_ptr_array_add (hops, wb_hop_parse (*lines));
	return hops;
}

Test (boundary, documentation_range_is_outside)
{
	const char *const lines[] = {
		"from relay.trapmail.test (relay.trapmail.test [192.0.2.10]) by mx1.trapmail.test (Postfix) with ESMTP id 00001 for <jane@trapmail.test>; Sat, 01 Mar 2008 07:58:00 +0000",
		"from mail.imatrix-sender.test (host-203-0-113-11.dsl.example.net [203.0.113.11]) by relay.trapmail.test with SMTP id r00001; Sat, 01 Mar 2008 07:57:57 +0000",
		"from localhost (localhost [127.0.0.1]) by mail.imatrix-sender.test with SMTP; Sat, 01 Mar 2008 12:57:20 +0500",
		NULL
	};
	GPtrArray *hops = chain (lines);
	/* Hop 0 is the provider's mx (the topmost by-host).  Hop 1 was received
	 * by relay.trapmail.test, in the provider's registrable domain, so it
	 * is trusted too; what it received from (203.0.113.11, claiming
	 * mail.imatrix-sender.test) is outside: hop 1 is the origin.  Hop 2 was
	 * written by the sender's own host and is below the boundary. */
	int o = wb_hops_mark (hops, "mx1.trapmail.test;mx2.trapmail.test");
	cr_assert_eq (o, 1);
	wb_hop_t *h0 = g_ptr_array_index (hops, 0), *h1 = g_ptr_array_index (hops, 1),
		 *h2 = g_ptr_array_index (hops, 2);
	cr_assert (h0->trusted && h1->trusted && !h2->trusted);
	cr_assert (h1->origin && !h0->origin && !h2->origin);
	cr_assert_str_eq (h1->from_ip, "203.0.113.11");
	g_ptr_array_free (hops, TRUE);
}

Test (boundary, private_relay_inside_provider)
{
	/* A provider's internal hop from 10.0.0.5 is a hand-off inside the
	 * site; the origin is the hop below it, from 198.51.100.7. */
	const char *const lines[] = {
		"from inner.example.net (inner.example.net [10.0.0.5]) by mx.example.net with ESMTP id A; Mon, 3 Mar 2008 09:00:02 -0800",
		"from list.example.org (list.example.org [198.51.100.7]) by inner.example.net with ESMTP id B; Mon, 3 Mar 2008 09:00:00 -0800",
		NULL
	};
	GPtrArray *hops = chain (lines);
	cr_assert_eq (wb_hops_mark (hops, NULL), 1);
	g_ptr_array_free (hops, TRUE);
}
