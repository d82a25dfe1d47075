/* What analysis made of a body part it has met before (wb_body_cache_t,
 * analyze.h).
 *
 * A campaign sends the same body to every trap, and a case holds each
 * trap's mailbox: the same HTML and the same displayed text come back
 * once a mailbox, many mailboxes apart.  Turning HTML into text and the
 * text into its fingerprint are pure functions of those bytes, and were
 * a sixth of the parse workers' time.  The cache keeps their results
 * under the SHA-256 of the bytes they were made from (and a letter for
 * which function), so a copy whose part was met before gets the very
 * result the function gives, without making it again.
 *
 * Bounded by bytes: when a new result does not fit, entries chosen at
 * random make room.  Not the least recently used: a case reads its
 * mailboxes one after another, each holding most campaigns once, and an
 * LRU cache smaller than a mailbox's distinct bodies would have dropped
 * every body just before it came back; random eviction keeps about the
 * fraction of them that fits.  Which entries stay changes only the time
 * taken, never a result. */
#include <string.h>
#include <openssl/evp.h>

#include "analyze-private.h"

typedef struct {
	unsigned char key[WB_BODY_KEY_LEN];
	GBytes *value;
} entry_t;

struct wb_body_cache {
	GMutex lock;
	GHashTable *entries;     /* key -> entry_t (owned) */
	GPtrArray *order;        /* the entries, to pick one at random */
	size_t bytes, max;
	GRand *rand;             /* seeded: the same input is cached the same way */
	uint64_t gets, hits, evicted;   /* wb_body_cache_stats() */
};

static guint
key_hash (gconstpointer k)
{
	guint h;
	memcpy (&h, (const unsigned char *) k + 1, sizeof h);   /* SHA-256 bytes: spread already */
	return h;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
	return memcmp (a, b, WB_BODY_KEY_LEN) == 0;
}

static void
entry_free (gpointer p)
{
	entry_t *e = p;
	g_bytes_unref (e->value);
	g_free (e);
}

/* What an entry costs: its bytes, the entry, and the table's share. */
static size_t
entry_cost (size_t len)
{
	return len + sizeof (entry_t) + 64;
}

wb_body_cache_t *
wb_body_cache_new (size_t max_bytes)
{
	wb_body_cache_t *c = g_new0 (wb_body_cache_t, 1);
	g_mutex_init (&c->lock);
	c->entries = g_hash_table_new_full (key_hash, key_equal, NULL, entry_free);
	c->order = g_ptr_array_new ();
	c->max = max_bytes;
	c->rand = g_rand_new_with_seed (1);
	return c;
}

void
wb_body_cache_free (wb_body_cache_t *c)
{
	if (!c)
		return;
	g_ptr_array_free (c->order, TRUE);
	g_hash_table_destroy (c->entries);
	g_rand_free (c->rand);
	g_mutex_clear (&c->lock);
	g_free (c);
}

void
wb_body_key (char kind, const void *data, size_t len, unsigned char key[WB_BODY_KEY_LEN])
{
	unsigned int n = 0;
	key[0] = (unsigned char) kind;
	if (!EVP_Digest (data, len, key + 1, &n, wb_sha256_md (), NULL))
		g_error ("SHA-256 failed");
}

GBytes *
wb_body_cache_get (wb_body_cache_t *c, const unsigned char key[WB_BODY_KEY_LEN])
{
	GBytes *v = NULL;
	g_mutex_lock (&c->lock);
	entry_t *e = g_hash_table_lookup (c->entries, key);
	c->gets++;
	if (e) {
		v = g_bytes_ref (e->value);
		c->hits++;
	}
	g_mutex_unlock (&c->lock);
	return v;
}

static void
evict (wb_body_cache_t *c)
{
	guint i = (guint) g_rand_int_range (c->rand, 0, (gint32) c->order->len);
	entry_t *e = c->order->pdata[i];
	g_ptr_array_remove_index_fast (c->order, i);
	c->evicted++;
	c->bytes -= entry_cost (g_bytes_get_size (e->value));
	g_hash_table_remove (c->entries, e->key);
}

void
wb_body_cache_put (wb_body_cache_t *c, const unsigned char key[WB_BODY_KEY_LEN], GBytes *value)
{
	size_t cost = entry_cost (g_bytes_get_size (value));
	if (cost > c->max / 16)
		return;   /* one result must not take the room of many */
	g_mutex_lock (&c->lock);
	if (!g_hash_table_contains (c->entries, key)) {
		while (c->order->len && c->bytes + cost > c->max)
			evict (c);
		entry_t *e = g_new (entry_t, 1);
		memcpy (e->key, key, WB_BODY_KEY_LEN);
		e->value = g_bytes_ref (value);
		g_ptr_array_add (c->order, e);
		g_hash_table_insert (c->entries, e->key, e);
		c->bytes += cost;
	}
	g_mutex_unlock (&c->lock);
}

void
wb_body_cache_stats (wb_body_cache_t *c, uint64_t *gets, uint64_t *hits, uint64_t *evicted,
		     size_t *bytes)
{
	g_mutex_lock (&c->lock);
	if (gets)
		*gets = c->gets;
	if (hits)
		*hits = c->hits;
	if (evicted)
		*evicted = c->evicted;
	if (bytes)
		*bytes = c->bytes;
	g_mutex_unlock (&c->lock);
}
