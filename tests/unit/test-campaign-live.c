/* wb_campaign_live_t: the campaign number the writer gives each new copy
 * must be the one the rule (analyze.h: fingerprints within
 * WB_SIMHASH_THRESHOLD bits, chained, are one campaign, numbered by their
 * first copy; a copy without a fingerprint is a campaign of its own) gives
 * it among the copies stored up to it.  The reference here is the rule
 * applied naively: every new copy compared with every earlier one, a
 * union-find over copies whose root is the first copy, and the number
 * counted as the campaigns whose first copy comes before this one's.
 * 5,000 copies cross the Fenwick tree's growth (1,024, 2,048, 4,096
 * slots); fingerprints repeat, come back a few bits away (merging
 * campaigns), or are new; some copies have none; some are peeked and not
 * taken, as a duplicate copy whose row is not inserted. */
#include <criterion/criterion.h>
#include "analyze.h"

#define N 5000

static int
find (int *parent, int i)
{
	while (parent[i] != i)
		i = parent[i];
	return i;
}

Test (campaign_live, numbers_follow_the_rule)
{
	static uint64_t fp[N];
	static gboolean has[N];
	static int parent[N];
	static uint64_t bridge_from[N], bridge_mask[N];
	int nb = 0;
	GRand *r = g_rand_new_with_seed (8);
	wb_campaign_live_t *c = wb_campaign_live_new (TRUE);
	int merges = 0;
	for (int k = 0; k < N; k++) {
		int kind = g_rand_int_range (r, 0, 100);
		has[k] = kind >= 5;
		if (kind < 5)
			fp[k] = 0;
		else if (kind < 35 && k)
			fp[k] = fp[g_rand_int_range (r, 0, k)];
		else if (kind < 60 && k) {
			fp[k] = fp[g_rand_int_range (r, 0, k)];
			for (int b = g_rand_int_range (r, 1, 4); b > 0; b--)
				fp[k] ^= 1ULL << g_rand_int_range (r, 0, 64);
		} else if (kind < 70 && k) {
			/* Four bits from an earlier one: a campaign apart, until
			 * a bridge two bits from both comes. */
			int j = g_rand_int_range (r, 0, k);
			uint64_t m = 0;
			while (__builtin_popcountll (m) < 4)
				m |= 1ULL << g_rand_int_range (r, 0, 64);
			fp[k] = fp[j] ^ m;
			bridge_from[nb] = fp[j];
			bridge_mask[nb++] = m;
		} else if (kind < 78 && nb) {
			int b = g_rand_int_range (r, 0, nb);
			uint64_t m = bridge_mask[b], two = 0;
			for (int bit = 0; bit < 64 && __builtin_popcountll (two) < 2; bit++)
				if (m & (1ULL << bit))
					two |= 1ULL << bit;
			fp[k] = bridge_from[b] ^ two;
		} else {
			fp[k] = ((uint64_t) g_rand_int (r) << 32) | g_rand_int (r);
		}
		/* The rule, naively. */
		parent[k] = k;
		for (int j = 0; j < k && has[k]; j++) {
			if (!has[j] || wb_hamming (fp[j], fp[k]) > WB_SIMHASH_THRESHOLD)
				continue;
			int a = find (parent, j), b = find (parent, k);
			if (a != b) {
				parent[MAX (a, b)] = MIN (a, b);
				merges += a != k && b != k;
			}
		}
		int root = find (parent, k), want = 1;
		for (int j = 0; j < root; j++)
			want += find (parent, j) == j;
		/* A peek not taken changes nothing. */
		int64_t got = 0;
		if (k % 7 == 3) {
			cr_assert (wb_campaign_live_peek (c, has[k], fp[k], &got));
			cr_assert_eq (got, want, "copy %d, peeked only: %lld, the rule %d", k, (long long) got, want);
		}
		cr_assert (wb_campaign_live_peek (c, has[k], fp[k], &got));
		cr_assert_eq (got, want, "copy %d: %lld, the rule %d", k, (long long) got, want);
		wb_campaign_live_take (c);
	}
	/* Campaigns were merged by later copies, many times. */
	cr_expect_gt (merges, 20, "%d merges", merges);
	wb_campaign_live_free (c);
	g_rand_free (r);
}
