/* What analysis made of a body part it has met before (wb_body_cache_t,
 * analyze.h).
 *
 * A campaign sends the same body to every trap, and a case holds each
 * trap's mailbox: the same HTML and the same displayed text come back
 * once a mailbox, many mailboxes apart.  Turning HTML into text, the
 * text into its fingerprint, and the scan of text and subject for the
 * facts (analyze.c's text_scan()) are pure functions of those bytes, and
 * were a third of the parse workers' time.  The cache keeps their
 * results under the SHA-256 of the bytes they were made from (and a
 * letter for which step), so a copy whose part was met before gets the
 * very result the step gives, without making it again.
 *
 * The results are copied into chunks of memory the cache allocates as it
 * fills, sixteen to its size, so that its size is the memory it takes (a
 * block of its own a result would add malloc's rounding and a GString's
 * slack, up to twice the bytes), and a hit copies the result out.  When a
 * result does not fit, a chunk chosen at random is emptied (its results
 * forgotten) and filled again.  Not the oldest: a case reads its
 * mailboxes one after another, each holding most campaigns once, and a
 * cache smaller than a mailbox's distinct bodies that dropped the oldest
 * would drop every body just before it came back; dropping at random
 * keeps about the fraction that fits.  Which results stay changes only
 * the time taken, never a result. */
#include <string.h>
#include <openssl/evp.h>

#include "analyze-private.h"

/* A result in a chunk: its key, its length, then its bytes, the next
 * result at the next multiple of 8. */
typedef struct {
	unsigned char key[WB_BODY_KEY_LEN];
	uint32_t len;
	char value[];
} entry_t;

typedef struct {
	size_t used;
	char data[];
} chunk_t;

struct wb_body_cache {
	GMutex lock;
	GHashTable *entries;     /* key (in its entry) -> entry_t, in a chunk */
	GPtrArray *chunks;       /* chunk_t *, at most CHUNKS_MAX */
	chunk_t *cur;            /* the one results are added to */
	size_t chunk_size;       /* of a chunk's data */
	GRand *rand;             /* seeded: the same input is cached the same way */
	uint64_t gets, hits, evicted;   /* wb_body_cache_stats() */
};

#define CHUNKS_MAX 16
#define ENTRY_SIZE(len) (((sizeof (entry_t) + (len)) + 7) & ~(size_t) 7)

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

wb_body_cache_t *
wb_body_cache_new (size_t max_bytes)
{
	wb_body_cache_t *c = g_new0 (wb_body_cache_t, 1);
	g_mutex_init (&c->lock);
	c->entries = g_hash_table_new (key_hash, key_equal);
	c->chunks = g_ptr_array_new_with_free_func (g_free);
	c->chunk_size = MAX (max_bytes / CHUNKS_MAX, sizeof (chunk_t) + 64) - sizeof (chunk_t);
	c->rand = g_rand_new_with_seed (1);
	return c;
}

void
wb_body_cache_free (wb_body_cache_t *c)
{
	if (!c)
		return;
	g_hash_table_destroy (c->entries);
	g_ptr_array_free (c->chunks, TRUE);
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
	const entry_t *e = g_hash_table_lookup (c->entries, key);
	c->gets++;
	if (e) {
		v = g_bytes_new (e->value, e->len);
		c->hits++;
	}
	g_mutex_unlock (&c->lock);
	return v;
}

/* A chunk to add to: a new one while there are fewer than CHUNKS_MAX,
 * else one chosen at random, its results forgotten. */
static chunk_t *
chunk_for_more (wb_body_cache_t *c)
{
	if (c->chunks->len < CHUNKS_MAX) {
		chunk_t *k = g_malloc (sizeof (chunk_t) + c->chunk_size);
		k->used = 0;
		g_ptr_array_add (c->chunks, k);
		return k;
	}
	chunk_t *k = c->chunks->pdata[g_rand_int_range (c->rand, 0, (gint32) c->chunks->len)];
	for (size_t at = 0; at < k->used; ) {
		entry_t *e = (entry_t *) (k->data + at);
		g_hash_table_remove (c->entries, e->key);
		c->evicted++;
		at += ENTRY_SIZE (e->len);
	}
	k->used = 0;
	return k;
}

void
wb_body_cache_put (wb_body_cache_t *c, const unsigned char key[WB_BODY_KEY_LEN], GBytes *value)
{
	gsize len;
	const void *data = g_bytes_get_data (value, &len);
	size_t size = ENTRY_SIZE (len);
	if (size > c->chunk_size)
		return;   /* one result must not take the room of many */
	g_mutex_lock (&c->lock);
	if (!g_hash_table_contains (c->entries, key)) {
		if (!c->cur || c->cur->used + size > c->chunk_size)
			c->cur = chunk_for_more (c);
		entry_t *e = (entry_t *) (c->cur->data + c->cur->used);
		memcpy (e->key, key, WB_BODY_KEY_LEN);
		e->len = (uint32_t) len;
		memcpy (e->value, data, len);
		c->cur->used += size;
		g_hash_table_add (c->entries, e);
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
		*bytes = c->chunks->len * (sizeof (chunk_t) + c->chunk_size);
	g_mutex_unlock (&c->lock);
}
