/* Near-duplicate fingerprints (Charikar's simhash) and campaigns.
 *
 * The text is lower-cased; URLs become "<url>", e-mail addresses "<email>"
 * (the trap's address is one of them), every run of digits "<n>"; the words
 * are read into 3-word shingles, each hashed to 64 bits; bit k of the
 * fingerprint is set when more shingles have bit k set than clear.  Copies
 * of one mailing that differ in a tracking number, the recipient's address or
 * a link then have the same fingerprint, and copies that differ in a few
 * words land within a few bits.  The threshold (analyze.h): Hamming distance
 * at most 3 of 64 bits. */
#include <string.h>
#include "analyze.h"

/* FNV-1a 64 then the splitmix64 finalizer, so nearby shingles spread over
 * all 64 bits. */
static uint64_t
hash64 (const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char) s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

int
wb_hamming (uint64_t a, uint64_t b)
{
	return __builtin_popcountll (a ^ b);
}

/* Whether P begins with LIT (lower case), in any ASCII case: as
 * g_ascii_strncasecmp (P, LIT, strlen (LIT)) == 0, stopping at the first
 * byte that differs (P's NUL among them). */
static inline gboolean
starts_ci (const char *p, const char *lit)
{
	for (; *lit; p++, lit++)
		if (g_ascii_tolower (*p) != *lit)
			return FALSE;
	return TRUE;
}

/* Whether the token at P begins with "http://", "https://", "www.",
 * "ftp://" or "mailto:", in any ASCII case: its first letter says which
 * one to compare. */
static gboolean
url_start (const char *p)
{
	switch (*p) {
	case 'h': case 'H':
		return starts_ci (p, "http://") || starts_ci (p, "https://");
	case 'w': case 'W':
		return starts_ci (p, "www.");
	case 'f': case 'F':
		return starts_ci (p, "ftp://");
	case 'm': case 'M':
		return starts_ci (p, "mailto:");
	default:
		return FALSE;
	}
}

static uint64_t
mix (uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

/* Words are hashed as they are read (no copies); a shingle's hash mixes the
 * hashes of its three words in order.  The 64 bit counts are kept eight to
 * a 64-bit word, one byte each (SPREAD[b] has byte k = bit k of b), and
 * moved to the wide counters every 255 shingles, before a byte could
 * overflow: 8 additions a shingle instead of 64. */
typedef struct {
	uint64_t w[3];
	guint n;             /* words seen */
	guint pending;       /* shingles in lanes */
	uint64_t lanes[8];   /* lanes[j] byte k: count of bit 8j+k */
	int64_t count[64];   /* shingles with bit b set */
	int64_t shingles;
} shingler_t;

#define S1(b) ((uint64_t) ((b) & 1) | ((uint64_t) (((b) >> 1) & 1) << 8) \
	| ((uint64_t) (((b) >> 2) & 1) << 16) | ((uint64_t) (((b) >> 3) & 1) << 24) \
	| ((uint64_t) (((b) >> 4) & 1) << 32) | ((uint64_t) (((b) >> 5) & 1) << 40) \
	| ((uint64_t) (((b) >> 6) & 1) << 48) | ((uint64_t) (((b) >> 7) & 1) << 56))
#define S4(n) S1 (n), S1 ((n) + 1), S1 ((n) + 2), S1 ((n) + 3)
#define S16(n) S4 (n), S4 ((n) + 4), S4 ((n) + 8), S4 ((n) + 12)
#define S64(n) S16 (n), S16 ((n) + 16), S16 ((n) + 32), S16 ((n) + 48)
static const uint64_t spread[256] = { S64 (0), S64 (64), S64 (128), S64 (192) };

static void
flush_lanes (shingler_t *s)
{
	for (int j = 0; j < 8; j++) {
		for (int k = 0; k < 8; k++)
			s->count[8 * j + k] += (s->lanes[j] >> (8 * k)) & 0xff;
		s->lanes[j] = 0;
	}
	s->pending = 0;
}

static void
add_shingle (shingler_t *s, uint64_t x)
{
	for (int j = 0; j < 8; j++)
		s->lanes[j] += spread[(x >> (8 * j)) & 0xff];
	s->shingles++;
	if (++s->pending == 255)
		flush_lanes (s);
}

static void
push_word (shingler_t *s, uint64_t h)
{
	s->w[0] = s->w[1];
	s->w[1] = s->w[2];
	s->w[2] = h;
	s->n++;
	if (s->n >= 3)
		add_shingle (s, mix (s->w[0] ^ mix (s->w[1] ^ mix (s->w[2]))));
}

#define FNV_INIT 0xcbf29ce484222325ULL
#define FNV_STEP(h, c) (((h) ^ (unsigned char) (c)) * 0x100000001b3ULL)

gboolean
wb_simhash (const char *text, const char *trap, uint64_t *out)
{
	(void) trap;   /* masked with every other address below */
	static const char *tags[] = { "<url>", "<email>", "<n>" };
	uint64_t tagh[3];
	for (int i = 0; i < 3; i++)
		tagh[i] = hash64 (tags[i], strlen (tags[i]));
	shingler_t sh;
	memset (&sh, 0, sizeof sh);
	const char *p = text ? text : "";
	while (*p) {
		while (*p && g_ascii_isspace (*p))
			p++;
		if (!*p)
			break;
		/* A token runs to the next white space; AT is its first '@'. */
		const char *e = p, *at = NULL;
		while (*e && !g_ascii_isspace (*e)) {
			if (*e == '@' && !at)
				at = e;
			e++;
		}
		if (url_start (p)) {
			push_word (&sh, tagh[0]);
			p = e;
			continue;
		}
		if (at && at > p && at + 1 < e) {
			push_word (&sh, tagh[1]);
			p = e;
			continue;
		}
		/* Split the token into words of letters (lower-cased) and runs
		 * of digits. */
		const char *q = p;
		while (q < e) {
			unsigned char c = *q;
			if (g_ascii_isdigit (c)) {
				while (q < e && g_ascii_isdigit (*q))
					q++;
				push_word (&sh, tagh[2]);
			} else if (g_ascii_isalpha (c) || c >= 0x80) {
				uint64_t h = FNV_INIT;
				gboolean any = FALSE;
				while (q < e) {
					unsigned char d = *q;
					if (d < 0x80) {
						if (!g_ascii_isalpha (d))
							break;
						h = FNV_STEP (h, d >= 'A' && d <= 'Z' ? d + ('a' - 'A') : d);
						q++;
						any = TRUE;
						continue;
					}
					gunichar u = g_utf8_get_char_validated (q, e - q);
					if (u >= 0x110000) {
						q++;   /* a stray byte: skip it */
						break;
					}
					if (!g_unichar_isalpha (u))
						break;
					u = g_unichar_tolower (u);
					char buf[6];
					int n = g_unichar_to_utf8 (u, buf);
					for (int k = 0; k < n; k++)
						h = FNV_STEP (h, buf[k]);
					q = g_utf8_next_char (q);
					any = TRUE;
				}
				if (any)
					push_word (&sh, mix (h));
				else if (q < e && (unsigned char) *q >= 0x80)
					q = g_utf8_next_char (q) <= e ? g_utf8_next_char (q) : e;
			} else {
				q++;
			}
		}
		p = e;
	}
	if (sh.n == 0)
		return FALSE;
	/* Fewer than three words: the words themselves are the shingles. */
	if (sh.n < 3)
		for (guint i = 3 - sh.n; i < 3; i++)
			add_shingle (&sh, sh.w[i]);
	flush_lanes (&sh);
	/* Bit b is set when more shingles have it set than clear. */
	uint64_t fp = 0;
	for (int b = 0; b < 64; b++)
		if (2 * sh.count[b] > sh.shingles)
			fp |= 1ULL << b;
	*out = fp;
	return TRUE;
}

/* --- Campaigns --- */

static int64_t
uf_find (GArray *parent, int64_t i)
{
	while (g_array_index (parent, int64_t, i) != i) {
		int64_t p = g_array_index (parent, int64_t, i);
		g_array_index (parent, int64_t, i) = g_array_index (parent, int64_t, p);
		i = p;
	}
	return i;
}

static void
uf_union (GArray *parent, int64_t a, int64_t b)
{
	a = uf_find (parent, a);
	b = uf_find (parent, b);
	/* The smaller index (the earlier distinct fingerprint) is the root. */
	if (a < b)
		g_array_index (parent, int64_t, b) = a;
	else if (b < a)
		g_array_index (parent, int64_t, a) = b;
}

/* --- Campaign numbers as a new case's copies are stored ---
 *
 * wb_analyze_campaigns() numbers every copy after an ingest: campaigns in
 * order of their first copy (smallest id), a copy without a fingerprint a
 * campaign of its own.  For a new case's first ingest that rewrote every
 * messages row after it was written.  The writer now gives each new row
 * the number the pass would give it were the case to end with that copy:
 * the pass then finds most rows right and writes only the others.
 *
 * A "slot" is a campaign in the order it began (a copy without a
 * fingerprint takes one of its own).  A merge of two campaigns leaves the
 * later one's slot dead; a campaign's number is the count of live slots
 * up to its own, kept in a Fenwick tree. */
struct wb_campaign_live {
	GHashTable *distinct;     /* fingerprint (as the key itself) -> index + 1 */
	GArray *fps;              /* uint64_t, by index */
	GArray *parent;           /* int64_t: union-find over indexes */
	GArray *slot;             /* int32_t: the slot of the campaign an index roots */
	int32_t *head[4];         /* band value -> the last index with it, or -1 */
	GArray *next;             /* int32_t[4] by index: the index before it in each band */
	GArray *live;             /* guint8: whether slot i + 1 is live */
	GArray *tree;             /* int32_t: Fenwick tree of LIVE, 1-based */
	int32_t slots;            /* slots taken */
	gboolean bounded;         /* LIVE_DISTINCT_MAX and LIVE_SLOTS_MAX apply */
	/* What wb_campaign_live_peek() found, for wb_campaign_live_take(). */
	int pending;              /* 0 none, 1 no fingerprint, 2 known, 3 new */
	uint64_t pending_fp;
	GArray *pending_roots;    /* int64_t */
	int64_t pending_min;      /* the root among them with the first slot */
};

/* Past these a copy gets no number from here (its campaign is NULL until
 * the pass, as before), so that the memory stays under 5 MiB whatever the
 * case, beside the 300 MiB an ingest of 1,000,000 copies may take: 4.6 MiB
 * at 50,000 distinct fingerprints and as many copies without one (a band
 * table is 256 KiB; a hash table of GArrays per band took 9.8 MiB at
 * 20,000). */
#define LIVE_DISTINCT_MAX 50000
#define LIVE_SLOTS_MAX 262144

wb_campaign_live_t *
wb_campaign_live_new (gboolean bounded)
{
	wb_campaign_live_t *c = g_new0 (wb_campaign_live_t, 1);
	c->bounded = bounded;
	/* A fingerprint is its own key (a pointer holds 64 bits here). */
	G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (uint64_t));
	c->distinct = g_hash_table_new (g_direct_hash, g_direct_equal);
	c->fps = g_array_new (FALSE, FALSE, sizeof (uint64_t));
	c->parent = g_array_new (FALSE, FALSE, sizeof (int64_t));
	c->slot = g_array_new (FALSE, FALSE, sizeof (int32_t));
	for (int b = 0; b < 4; b++) {
		c->head[b] = g_new (int32_t, 65536);
		memset (c->head[b], 0xff, 65536 * sizeof (int32_t));
	}
	c->next = g_array_new (FALSE, FALSE, 4 * sizeof (int32_t));
	c->live = g_array_new (FALSE, FALSE, sizeof (guint8));
	c->tree = g_array_new (FALSE, TRUE, sizeof (int32_t));
	g_array_set_size (c->tree, 1);
	c->pending_roots = g_array_new (FALSE, FALSE, sizeof (int64_t));
	return c;
}

void
wb_campaign_live_free (wb_campaign_live_t *c)
{
	if (!c)
		return;
	g_hash_table_unref (c->distinct);
	g_array_unref (c->fps);
	g_array_unref (c->parent);
	g_array_unref (c->slot);
	for (int b = 0; b < 4; b++)
		g_free (c->head[b]);
	g_array_unref (c->next);
	g_array_unref (c->live);
	g_array_unref (c->tree);
	g_array_unref (c->pending_roots);
	g_free (c);
}

/* Add D at slot S (1-based) of the Fenwick tree. */
static void
tree_add (wb_campaign_live_t *c, int32_t s, int32_t d)
{
	for (; s < (int32_t) c->tree->len; s += s & -s)
		g_array_index (c->tree, int32_t, s) += d;
}

/* Live slots from 1 to S. */
static int32_t
tree_sum (const wb_campaign_live_t *c, int32_t s)
{
	int32_t n = 0;
	for (; s > 0; s -= s & -s)
		n += g_array_index (c->tree, int32_t, s);
	return n;
}

/* A new live slot at the end. */
static int32_t
slot_new (wb_campaign_live_t *c)
{
	int32_t s = ++c->slots;
	guint8 one = 1;
	g_array_append_val (c->live, one);
	if ((guint) s >= c->tree->len) {
		/* Grown, the tree is built again from the live flags (each
		 * cell adds itself to the next cell covering it). */
		g_array_set_size (c->tree, MAX (c->tree->len * 2, 1024u));
		guint n = c->tree->len;
		for (guint i = 1; i < n; i++)
			g_array_index (c->tree, int32_t, i) = i <= c->live->len
				? g_array_index (c->live, guint8, i - 1) : 0;
		for (guint i = 1; i < n; i++) {
			guint j = i + (i & -i);
			if (j < n)
				g_array_index (c->tree, int32_t, j) += g_array_index (c->tree, int32_t, i);
		}
		return s;
	}
	tree_add (c, s, 1);
	return s;
}

/* Slot S dies (its campaign merged into an earlier one). */
static void
slot_die (wb_campaign_live_t *c, int32_t s)
{
	g_array_index (c->live, guint8, s - 1) = 0;
	tree_add (c, s, -1);
}

gboolean
wb_campaign_live_peek (wb_campaign_live_t *c, gboolean has_fp, uint64_t fp, int64_t *number)
{
	c->pending = 0;
	if (c->bounded && c->slots >= LIVE_SLOTS_MAX)
		return FALSE;
	if (!has_fp) {
		c->pending = 1;
		*number = tree_sum (c, c->slots) + 1;
		return TRUE;
	}
	int64_t idx = GPOINTER_TO_INT (g_hash_table_lookup (c->distinct, (gpointer) (uintptr_t) fp)) - 1;
	if (idx >= 0) {
		c->pending = 2;
		int64_t r = uf_find (c->parent, idx);
		*number = tree_sum (c, g_array_index (c->slot, int32_t, r));
		return TRUE;
	}
	if (c->bounded && g_hash_table_size (c->distinct) >= LIVE_DISTINCT_MAX)
		return FALSE;
	/* The campaigns within the threshold: by the pigeonhole principle
	 * each shares a band with this fingerprint (wb_analyze_campaigns). */
	g_array_set_size (c->pending_roots, 0);
	c->pending_min = -1;
	for (int b = 0; b < 4; b++) {
		int32_t o = c->head[b][(fp >> (16 * b)) & 0xffff];
		for (; o >= 0; o = g_array_index (c->next, int32_t, 4 * o + b)) {
			if (wb_hamming (fp, g_array_index (c->fps, uint64_t, o)) > WB_SIMHASH_THRESHOLD)
				continue;
			int64_t r = uf_find (c->parent, o);
			gboolean seen = FALSE;
			for (guint k = 0; k < c->pending_roots->len && !seen; k++)
				seen = g_array_index (c->pending_roots, int64_t, k) == r;
			if (seen)
				continue;
			g_array_append_val (c->pending_roots, r);
			if (c->pending_min < 0 || g_array_index (c->slot, int32_t, r)
			    < g_array_index (c->slot, int32_t, c->pending_min))
				c->pending_min = r;
		}
	}
	c->pending = 3;
	c->pending_fp = fp;
	/* Joined to campaigns, it is in the first of them; their later
	 * slots die, which moves no number up to the first's. */
	*number = c->pending_min >= 0 ? tree_sum (c, g_array_index (c->slot, int32_t, c->pending_min))
		: tree_sum (c, c->slots) + 1;
	return TRUE;
}

int32_t
wb_campaign_live_take (wb_campaign_live_t *c)
{
	int32_t own = 0;
	if (c->pending == 1) {
		own = slot_new (c);
	} else if (c->pending == 3) {
		uint64_t fp = c->pending_fp;
		int64_t idx = c->fps->len;
		g_hash_table_insert (c->distinct, (gpointer) (uintptr_t) fp, GINT_TO_POINTER ((int) idx + 1));
		g_array_append_val (c->fps, fp);
		g_array_append_val (c->parent, idx);
		int32_t none = 0;
		g_array_append_val (c->slot, none);
		int32_t link[4];
		for (int b = 0; b < 4; b++) {
			int32_t *h = &c->head[b][(fp >> (16 * b)) & 0xffff];
			link[b] = *h;
			*h = (int32_t) idx;
		}
		g_array_append_vals (c->next, link, 1);
		if (c->pending_min < 0) {
			g_array_index (c->slot, int32_t, idx) = slot_new (c);
		} else {
			/* One campaign, in the first one's slot; the others'
			 * slots die. */
			int32_t keep = g_array_index (c->slot, int32_t, c->pending_min);
			for (guint k2 = 0; k2 < c->pending_roots->len; k2++) {
				int64_t r = g_array_index (c->pending_roots, int64_t, k2);
				if (r != c->pending_min)
					slot_die (c, g_array_index (c->slot, int32_t, r));
				uf_union (c->parent, r, idx);
			}
			uf_union (c->parent, c->pending_min, idx);
			g_array_index (c->slot, int32_t, uf_find (c->parent, idx)) = keep;
		}
	}
	c->pending = 0;
	return own;
}

int64_t
wb_campaign_live_final (wb_campaign_live_t *c, gboolean has_fp, uint64_t fp, int32_t slot)
{
	if (has_fp) {
		int64_t idx = GPOINTER_TO_INT (g_hash_table_lookup (c->distinct, (gpointer) (uintptr_t) fp)) - 1;
		g_assert (idx >= 0);
		slot = g_array_index (c->slot, int32_t, uf_find (c->parent, idx));
	}
	return tree_sum (c, slot);
}

/* A copy as the campaigns pass reads it: 24 bytes, a million of them
 * held at once.  Campaigns are numbered from 1 up to the number of
 * copies. */
typedef struct {
	int64_t id;
	uint64_t fp;        /* the fingerprint; for a copy without one, once
	                     * taken in, its slot (wb_campaign_live_take) */
	int32_t was;        /* its stored campaign; 0 for NULL, -1 for any value
	                     * that is no campaign number (not an integer, or
	                     * out of range): it is written again either way */
	int32_t now;        /* its campaign; before it is known, 1 if the copy
	                     * has a fingerprint, else 0 */
} copy_fp_t;

static gint
by_id (gconstpointer a, gconstpointer b)
{
	int64_t x = ((const copy_fp_t *) a)->id, y = ((const copy_fp_t *) b)->id;
	return x < y ? -1 : x > y;
}

wb_status_t
wb_analyze_campaigns (wb_case_t *cs)
{
	sqlite3 *db = wb_case_db (cs);
	wb_status_t st = WB_OK;
	GArray *copies = g_array_new (FALSE, FALSE, sizeof (copy_fp_t));
	wb_campaign_live_t *live = wb_campaign_live_new (FALSE);
	/* Every row may change: with SQLite's default 2 MiB cache the changed
	 * pages spill to the journal and the case file before the commit,
	 * which made an ingest of 200,000 copies write 0.8 GB more.  Not more
	 * than 64 MiB: the rows are rewritten in id order, each page dirtied
	 * once, so a larger cache saves little, and this pass held the peak
	 * RSS of an ingest of 1,000,000 copies (with 128 MiB: 302 MiB, against
	 * 283 for the ingest itself).  Rewriting every row of that case took
	 * 7.25-7.48 s with 128 MiB, 7.72 s with 64 and 8.01 s with 32; of
	 * 200,000, 1.28-1.37 s with 128 or 64.  Put back at the end. */
	int64_t cache_before = wb_case_cache_set (cs, 65536);

	/* SQLite reads these from the index messages_campaign, which holds
	 * the three (the rows are about 30 times its size), in its order
	 * (tests/unit/test-ingest.c checks the plan); then put in id order. */
	sqlite3_stmt *sel = wb_case_stmt (cs, WB_CAMPAIGNS_READ);
	if (!sel) {
		st = WB_ERR_DB;
		goto done;
	}
	int rc;
	while ((rc = sqlite3_step (sel)) == SQLITE_ROW) {
		int64_t was = sqlite3_column_int64 (sel, 2);
		int ct = sqlite3_column_type (sel, 2);
		copy_fp_t c = {
			.id = sqlite3_column_int64 (sel, 0),
			.fp = (uint64_t) sqlite3_column_int64 (sel, 1),
			.was = ct == SQLITE_NULL ? 0 : ct == SQLITE_INTEGER && was >= 1 && was <= G_MAXINT32
				? (int32_t) was : -1,
			.now = sqlite3_column_type (sel, 1) != SQLITE_NULL,
		};
		g_array_append_val (copies, c);
	}
	sqlite3_reset (sel);
	if (rc != SQLITE_DONE) {
		st = wb_case_fail_db (cs, "cannot read fingerprints");
		goto done;
	}
	g_array_sort (copies, by_id);
	/* Every copy in id order, into campaigns as ingest's writer numbers
	 * them (wb_campaign_live_t), then each numbered as the whole case
	 * leaves it.  A copy without a fingerprint keeps the slot it took
	 * where its fingerprint would be. */
	for (guint i = 0; i < copies->len; i++) {
		copy_fp_t *c = &g_array_index (copies, copy_fp_t, i);
		int64_t unused;
		wb_campaign_live_peek (live, c->now, c->fp, &unused);
		int32_t own = wb_campaign_live_take (live);
		if (!c->now)
			c->fp = (uint64_t) own;
	}
	guint changes = 0;
	for (guint i = 0; i < copies->len; i++) {
		copy_fp_t *c = &g_array_index (copies, copy_fp_t, i);
		int64_t campaign = c->now ? wb_campaign_live_final (live, TRUE, c->fp, 0)
			: wb_campaign_live_final (live, FALSE, 0, (int32_t) c->fp);
		c->now = (int32_t) campaign;
		changes += c->was != campaign;
	}
	/* One transaction of our own, unless the caller has one open. */
	gboolean own = sqlite3_get_autocommit (db);
	if (own && (st = wb_case_begin (cs)) != WB_OK)
		goto done;
	/* A row whose campaign is already this one is left alone, as the
	 * UPDATE's condition would leave it, without a look-up: a small
	 * source ingested into a large case changes a few.  When most rows
	 * change (a new case's first ingest), messages_campaign is built
	 * again after them, sorted once, instead of moving an entry per row
	 * (200,000 new copies: 2.0 s of campaigns against 1.3 s). */
	gboolean rebuild = changes >= 4096 && changes > copies->len / 4;
	if (rebuild && (st = wb_case_exec (cs, "DROP INDEX messages_campaign", "cannot store campaigns"))) {
		if (own)
			wb_case_rollback (cs);
		goto done;
	}
	sqlite3_stmt *up = wb_case_stmt (cs, "UPDATE messages SET campaign = ?2 WHERE id = ?1 AND campaign IS NOT ?2");
	if (!up) {
		if (own)
			wb_case_rollback (cs);
		st = WB_ERR_DB;
		goto done;
	}
	for (guint i = 0; i < copies->len; i++) {
		const copy_fp_t *c = &g_array_index (copies, copy_fp_t, i);
		if (c->was == c->now)
			continue;
		sqlite3_bind_int64 (up, 1, c->id);
		sqlite3_bind_int64 (up, 2, c->now);
		rc = sqlite3_step (up);
		sqlite3_reset (up);
		if (rc != SQLITE_DONE) {
			st = wb_case_fail_db (cs, "cannot store campaigns");
			if (own)
				wb_case_rollback (cs);
			goto done;
		}
	}
	/* The numbers ingest gave as it stored the copies are the case's
	 * now. */
	if ((st = wb_case_set_info (cs, WB_CAMPAIGNS_PENDING, NULL))) {
		if (own)
			wb_case_rollback (cs);
		goto done;
	}
	if (rebuild) {
		/* SQLite sorts with as much memory as the page cache may hold,
		 * on top of the cache: with the 128 MiB this pass had then,
		 * building the index of 1,000,000 copies took the peak RSS from
		 * 291 to 408 MiB.  16 MiB for the build, as ingest builds
		 * artifact_copies. */
		int64_t cache = wb_case_cache_set (cs, 16384);
		st = wb_case_exec (cs, WB_CAMPAIGN_INDEX, "cannot store campaigns");
		wb_case_cache_restore (cs, cache);
		if (st) {
			if (own)
				wb_case_rollback (cs);
			goto done;
		}
	}
	if (own)
		st = wb_case_commit (cs);
done:
	wb_case_cache_restore (cs, cache_before);
	wb_campaign_live_free (live);
	g_array_unref (copies);
	return st;
}
