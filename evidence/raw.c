/* The stored bytes of a copy (raw.bytes): as found, or as one standard
 * zstd frame of them (raw.codec).  See case.h, "The stored bytes". */
#include <string.h>
/* For ZSTD_c_literalCompressionMode (wb_raw_encode). */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "case.h"

/* Each thread keeps one compression and one decompression context (freed
 * when it ends): a parse worker compresses and checks every copy, and a
 * context costs its tables' allocation (about 1 MiB at level 3). */
static void
cctx_free (gpointer p)
{
	ZSTD_freeCCtx (p);
}

static void
dctx_free (gpointer p)
{
	ZSTD_freeDCtx (p);
}

static GPrivate cctx_key = G_PRIVATE_INIT (cctx_free);
static GPrivate dctx_key = G_PRIVATE_INIT (dctx_free);

static ZSTD_DCtx *
dctx (void)
{
	ZSTD_DCtx *d = g_private_get (&dctx_key);
	if (!d) {
		d = ZSTD_createDCtx ();
		if (!d)
			g_error ("out of memory for a zstd context");
		g_private_set (&dctx_key, d);
	}
	return d;
}

/* Decompress the LEN-byte frame at FRAME, which must give exactly SIZE
 * bytes, into OUT (SIZE bytes of room).  NULL, or why not (static). */
static const char *
zstd_decode (const void *frame, size_t len, void *out, size_t size)
{
	unsigned long long n = ZSTD_getFrameContentSize (frame, len);
	if (n == ZSTD_CONTENTSIZE_ERROR)
		return "not a zstd frame";
	if (n != ZSTD_CONTENTSIZE_UNKNOWN && n != size)
		return "the zstd frame names another length than raw.size";
	size_t r = ZSTD_decompressDCtx (dctx (), out, size, frame, len);
	if (ZSTD_isError (r))
		return ZSTD_getErrorName (r);
	if (r != size)
		return "the zstd frame gives another length than raw.size";
	return NULL;
}

const char *
wb_raw_codec_name (wb_raw_codec_t codec)
{
	return codec == WB_RAW_ZSTD ? "zstd" : "none";
}

gboolean
wb_raw_codec_parse (const char *name, wb_raw_codec_t *codec)
{
	if (name && strcmp (name, "zstd") == 0)
		*codec = WB_RAW_ZSTD;
	else if (name && strcmp (name, "none") == 0)
		*codec = WB_RAW_NONE;
	else
		return FALSE;
	return TRUE;
}

gboolean
wb_raw_check (const void *frame, size_t flen, const void *data, size_t len)
{
	void *back = g_malloc (len ? len : 1);
	gboolean ok = !zstd_decode (frame, flen, back, len) && memcmp (back, data, len) == 0;
	g_free (back);
	return ok;
}

wb_raw_codec_t
wb_raw_encode (const void *data, size_t len, int level, void **frame, size_t *flen,
	       gboolean *refused)
{
	*frame = NULL;
	*flen = 0;
	if (refused)
		*refused = FALSE;
	/* Below this a frame's header and checksum eat what it saves. */
	if (len < 64)
		return WB_RAW_NONE;
	ZSTD_CCtx *c = g_private_get (&cctx_key);
	if (!c) {
		c = ZSTD_createCCtx ();
		if (!c)
			g_error ("out of memory for a zstd context");
		g_private_set (&cctx_key, c);
	}
	/* Only a frame of at most 15/16 of the bytes is kept: a room of that
	 * size makes the compressor give up as soon as it cannot fit. */
	size_t room = len - len / 16;
	void *out = g_malloc (room);
	ZSTD_CCtx_reset (c, ZSTD_reset_session_and_parameters);
	ZSTD_CCtx_setParameter (c, ZSTD_c_compressionLevel, level);
	/* Literals as they are, not Huffman-coded (case.h, WB_RAW_ZSTD_LEVEL).
	 * A zstd that does not know the setting refuses it and codes them:
	 * the frame is as standard either way. */
	ZSTD_CCtx_setParameter (c, ZSTD_c_literalCompressionMode, ZSTD_ps_disable);
	ZSTD_CCtx_setParameter (c, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter (c, ZSTD_c_contentSizeFlag, 1);
	size_t n = ZSTD_compress2 (c, out, room, data, len);
	if (ZSTD_isError (n)) {
		g_free (out);
		return WB_RAW_NONE;
	}
	/* Never trusted unchecked: the frame must give back these very bytes. */
	if (!wb_raw_check (out, n, data, len)) {
		g_free (out);
		if (refused)
			*refused = TRUE;
		return WB_RAW_NONE;
	}
	*frame = g_realloc (out, n);
	*flen = n;
	return WB_RAW_ZSTD;
}

/* A thread's room for the bytes wb_raw_decode_scratch() gives. */
typedef struct {
	void *p;
	size_t cap;
} room_t;

static void
room_free (gpointer p)
{
	room_t *r = p;
	g_free (r->p);
	g_free (r);
}

static GPrivate room_key = G_PRIVATE_INIT (room_free);

/* At least N bytes of R, their contents not kept; NULL when there is no
 * memory for them. */
static void *
room_take (room_t *r, size_t n)
{
	if (r->cap >= n)
		return r->p;
	g_free (r->p);
	r->cap = MAX (n, MAX (r->cap * 2, (size_t) 64 << 10));
	if (!(r->p = g_try_malloc (r->cap)) && (r->cap = n))
		r->p = g_try_malloc (n);
	if (!r->p)
		r->cap = 0;
	return r->p;
}

/* wb_raw_decode()'s work: TRUE with the bytes at *OUT (*OLEN of them):
 * BLOB itself for 'none', else SIZE bytes in ROOM when it is given, or in
 * a new allocation (*OWNED set; g_free) when not.  FALSE with *WHY (if
 * given; g_free) saying why. */
static gboolean
decode (const char *codec, const void *blob, size_t len, int64_t size, room_t *room, const void **out,
	size_t *olen, gboolean *owned, char **why)
{
	if (why)
		*why = NULL;
	*out = NULL;
	*olen = 0;
	*owned = FALSE;
	const char *bad = NULL;
	if (size < 0 && codec && strcmp (codec, "none") != 0) {
		bad = "a negative raw.size";
	} else if (!codec || strcmp (codec, "none") == 0) {
		/* As stored, whatever their length: 'verify' compares it with
		 * raw.size and the hash with raw.sha256. */
		*out = blob;
		*olen = len;
		return TRUE;
	} else if (strcmp (codec, "zstd") == 0) {
		/* raw.size is checked against the length the frame names (ours
		 * always name it) before any room is taken, and the room is
		 * asked for, not demanded: a damaged row gives an error, not an
		 * abort. */
		unsigned long long n = ZSTD_getFrameContentSize (blob, len);
		size_t want = (size_t) size ? (size_t) size : 1;
		void *buf = NULL;
		if (n == ZSTD_CONTENTSIZE_ERROR)
			bad = "not a zstd frame";
		else if (n == ZSTD_CONTENTSIZE_UNKNOWN)
			bad = "the zstd frame does not name its length";
		else if (n != (unsigned long long) size)
			bad = "the zstd frame names another length than raw.size";
		else if (!(buf = room ? room_take (room, want) : g_try_malloc (want)))
			bad = "no memory for the length raw.size names";
		if (!bad) {
			bad = zstd_decode (blob, len, buf, (size_t) size);
			if (!bad) {
				*out = buf;
				*olen = (size_t) size;
				*owned = !room;
				return TRUE;
			}
			if (!room)
				g_free (buf);
		}
	} else {
		if (why)
			*why = g_strdup_printf ("unknown raw.codec '%s'", codec);
		return FALSE;
	}
	if (why)
		*why = g_strdup (bad);
	return FALSE;
}

GBytes *
wb_raw_decode (const char *codec, const void *blob, size_t len, int64_t size, char **why)
{
	const void *out;
	size_t n;
	gboolean owned;
	if (!decode (codec, blob, len, size, NULL, &out, &n, &owned, why))
		return NULL;
	return owned ? g_bytes_new_take ((void *) out, n) : g_bytes_new (out, n);
}

const void *
wb_raw_decode_scratch (const char *codec, const void *blob, size_t len, int64_t size, size_t *out_len,
		       char **why)
{
	room_t *room = g_private_get (&room_key);
	if (!room) {
		room = g_new0 (room_t, 1);
		g_private_set (&room_key, room);
	}
	const void *out;
	gboolean owned;
	if (!decode (codec, blob, len, size, room, &out, out_len, &owned, why))
		return NULL;
	return out;
}

wb_status_t
wb_case_raw_bytes (wb_case_t *cs, int64_t raw_id, GBytes **out)
{
	*out = NULL;
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT codec, bytes, size FROM raw WHERE id = ?");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, raw_id);
	int rc = sqlite3_step (st);
	wb_status_t s = WB_OK;
	if (rc == SQLITE_ROW) {
		char *why = NULL;
		const void *b = sqlite3_column_blob (st, 1);
		*out = wb_raw_decode ((const char *) sqlite3_column_text (st, 0), b ? b : "",
				      (size_t) sqlite3_column_bytes (st, 1), sqlite3_column_int64 (st, 2), &why);
		if (!*out)
			s = wb_case_fail (cs, WB_ERR_INTEGRITY, "stored bytes %" G_GINT64_FORMAT " cannot be read: %s",
					  raw_id, why);
		g_free (why);
	} else if (rc == SQLITE_DONE) {
		s = wb_case_fail (cs, WB_ERR_NOT_FOUND, "no stored bytes %" G_GINT64_FORMAT, raw_id);
	} else {
		s = wb_case_fail_db (cs, "cannot read stored bytes");
	}
	sqlite3_reset (st);
	return s;
}

char *
wb_raw_error (int64_t id, const char *why)
{
	return g_strdup_printf ("stored bytes %" G_GINT64_FORMAT " cannot be read: %s ('workbench verify' names"
				" its copies)", id, why);
}

void
wb_raw_sql (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *codec = (const char *) sqlite3_value_text (argv[0]);
	const void *b = sqlite3_value_blob (argv[1]);
	size_t len = (size_t) sqlite3_value_bytes (argv[1]);
	if (sqlite3_value_type (argv[1]) == SQLITE_NULL) {
		sqlite3_result_null (ctx);
		return;
	}
	/* Bytes stored as they are: no copy. */
	if (!codec || strcmp (codec, "none") == 0) {
		sqlite3_result_value (ctx, argv[1]);
		return;
	}
	char *why = NULL;
	GBytes *g = wb_raw_decode (codec, b ? b : "", len, sqlite3_value_int64 (argv[2]), &why);
	if (!g) {
		char *msg = argc > 3 && sqlite3_value_type (argv[3]) != SQLITE_NULL
			? wb_raw_error (sqlite3_value_int64 (argv[3]), why)
			: g_strdup_printf ("stored bytes cannot be read: %s", why);
		sqlite3_result_error (ctx, msg, -1);
		g_free (msg);
		g_free (why);
		return;
	}
	gsize n;
	void *d = g_bytes_unref_to_data (g, &n);
	sqlite3_result_blob64 (ctx, d, n, g_free);
}
