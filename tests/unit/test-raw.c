/* Unit tests of the stored bytes' codec (evidence/raw.c, case.h): what
 * wb_raw_encode keeps as a frame, checked by libzstd's one-shot
 * ZSTD_decompress (not our decoder); the check that refuses a frame that
 * does not give the bytes back; wb_raw_decode, wb_case_raw_bytes and SQL's
 * wb_raw on good and damaged rows. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include <zstd.h>
#include "case.h"

/* N bytes: text that compresses when TEXT, else random (seeded). */
static guint8 *
sample (size_t n, gboolean text, guint32 seed)
{
	guint8 *b = g_malloc (n);
	GRand *r = g_rand_new_with_seed (seed);
	static const char words[] = "offer refinance approval lender minutes click today ";
	for (size_t i = 0; i < n; i++)
		b[i] = text ? (guint8) words[(i + g_rand_int_range (r, 0, 3) * (i % 7 == 0)) % (sizeof words - 1)]
			    : (guint8) g_rand_int_range (r, 0, 256);
	g_rand_free (r);
	return b;
}

/* The bytes libzstd's one-shot decoder gives for FRAME, which must be N. */
static void
assert_frame_gives (const void *frame, size_t flen, const guint8 *want, size_t n)
{
	cr_assert_eq (ZSTD_getFrameContentSize (frame, flen), (unsigned long long) n,
		      "the frame names its content size");
	guint8 *out = g_malloc (n + 16);
	size_t got = ZSTD_decompress (out, n + 16, frame, flen);
	cr_assert (!ZSTD_isError (got), "%s", ZSTD_getErrorName (got));
	cr_assert_eq (got, n);
	cr_assert (memcmp (out, want, n) == 0);
	g_free (out);
}

Test (raw_encode, text_becomes_a_checked_frame)
{
	size_t n = 5000;
	guint8 *b = sample (n, TRUE, 1);
	void *frame;
	size_t flen;
	gboolean refused = TRUE;
	cr_assert_eq (wb_raw_encode (b, n, WB_RAW_ZSTD_LEVEL, &frame, &flen, &refused), WB_RAW_ZSTD);
	cr_assert_not (refused);
	cr_assert_leq (flen, n - n / 16);
	assert_frame_gives (frame, flen, b, n);
	g_free (frame);
	g_free (b);
}

/* Literals (the bytes no match covers) are stored as they are, not
 * Huffman-coded (case.h, WB_RAW_ZSTD_LEVEL).  4,000 bytes drawn at random
 * from 16 letters carry 4 bits each: Huffman coding would store them in
 * about half, 2,000 bytes and a table, a frame well under 15/16.  Stored
 * as they are, only repeats save: a match needs at least 5 equal bytes,
 * and of the 16^5 (1,048,576) strings of five letters the 4,000 positions
 * give about 4,000^2 / 2 / 16^5, under 8, pairs that repeat; with a
 * sequence's few bytes each, far from the 250 bytes (a sixteenth) a frame
 * must save.  So the bytes stay as they are. */
Test (raw_encode, literals_are_not_coded)
{
	size_t n = 4000;
	guint8 *b = g_malloc (n);
	GRand *r = g_rand_new_with_seed (7);
	for (size_t i = 0; i < n; i++)
		b[i] = (guint8) ('a' + g_rand_int_range (r, 0, 16));
	g_rand_free (r);
	void *frame = (void *) 1;
	size_t flen = 1;
	cr_assert_eq (wb_raw_encode (b, n, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_NONE);
	cr_assert_null (frame);
	/* The same letters repeated (each 100-byte run twice) save a half by
	 * matches alone: a frame. */
	for (size_t i = 0; i + 200 <= n; i += 200)
		memcpy (b + i + 100, b + i, 100);
	cr_assert_eq (wb_raw_encode (b, n, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_ZSTD);
	cr_assert_leq (flen, n / 2 + n / 8);
	assert_frame_gives (frame, flen, b, n);
	g_free (frame);
	g_free (b);
}

Test (raw_encode, what_does_not_save_a_sixteenth_stays_as_it_is)
{
	void *frame = (void *) 1;
	size_t flen = 1;
	/* Random bytes do not compress. */
	guint8 *b = sample (4000, FALSE, 2);
	cr_assert_eq (wb_raw_encode (b, 4000, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_NONE);
	cr_assert_null (frame);
	cr_assert_eq (flen, 0);
	/* 1,024 random bytes and 40 spaces: zstd saves about the spaces, less
	 * than a sixteenth (66 bytes). */
	guint8 *c = g_malloc (1064);
	memcpy (c, b, 1024);
	memset (c + 1024, ' ', 40);
	cr_assert_eq (wb_raw_encode (c, 1064, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_NONE);
	/* ... and with 400 spaces, more than a sixteenth: a frame. */
	c = g_realloc (c, 1424);
	memset (c + 1024, ' ', 400);
	cr_assert_eq (wb_raw_encode (c, 1424, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_ZSTD);
	assert_frame_gives (frame, flen, c, 1424);
	g_free (frame);
	/* A tiny copy is not worth a frame's header. */
	cr_assert_eq (wb_raw_encode ("From: a\n\nhi\n", 12, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL),
		      WB_RAW_NONE);
	g_free (c);
	g_free (b);
}

Test (raw_check, a_frame_must_give_the_very_bytes)
{
	size_t n = 3000;
	guint8 *b = sample (n, TRUE, 3);
	size_t cap = ZSTD_compressBound (n);
	guint8 *frame = g_malloc (cap);
	size_t flen = ZSTD_compress (frame, cap, b, n, 3);
	cr_assert (!ZSTD_isError (flen));
	cr_assert (wb_raw_check (frame, flen, b, n));
	/* Another byte in the original: the frame does not give it. */
	b[n / 2] ^= 1;
	cr_assert_not (wb_raw_check (frame, flen, b, n));
	b[n / 2] ^= 1;
	/* A byte of the frame changed. */
	frame[flen / 2] ^= 0x55;
	cr_assert_not (wb_raw_check (frame, flen, b, n));
	frame[flen / 2] ^= 0x55;
	/* Cut short. */
	cr_assert_not (wb_raw_check (frame, flen - 1, b, n));
	cr_assert_not (wb_raw_check (frame, flen, b, n - 1));
	g_free (frame);
	g_free (b);
}

Test (raw_decode, codecs_and_their_faults)
{
	size_t n = 2000;
	guint8 *b = sample (n, TRUE, 4);
	void *frame;
	size_t flen;
	cr_assert_eq (wb_raw_encode (b, n, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_ZSTD);
	char *why = NULL;
	GBytes *g = wb_raw_decode ("zstd", frame, flen, (int64_t) n, &why);
	cr_assert_not_null (g, "%s", why);
	cr_assert_eq (g_bytes_get_size (g), n);
	cr_assert (memcmp (g_bytes_get_data (g, NULL), b, n) == 0);
	g_bytes_unref (g);
	/* raw.size must be what the frame gives. */
	cr_assert_null (wb_raw_decode ("zstd", frame, flen, (int64_t) n + 1, &why));
	cr_assert_str_eq (why, "the zstd frame names another length than raw.size");
	g_free (why);
	/* A damaged raw.size of a terabyte is an error, not an allocation
	 * of it (g_malloc would abort the program). */
	cr_assert_null (wb_raw_decode ("zstd", frame, flen, (int64_t) 1 << 40, &why));
	cr_assert_str_eq (why, "the zstd frame names another length than raw.size");
	g_free (why);
	/* A frame that does not name its length (zstd's streaming API writes
	 * such frames; ours always name it) is refused before decoding. */
	ZSTD_CCtx *c = ZSTD_createCCtx ();
	ZSTD_CCtx_setParameter (c, ZSTD_c_contentSizeFlag, 0);
	guint8 *nf = g_malloc (ZSTD_compressBound (n));
	size_t nflen = ZSTD_compress2 (c, nf, ZSTD_compressBound (n), b, n);
	cr_assert (!ZSTD_isError (nflen));
	cr_assert_eq (ZSTD_getFrameContentSize (nf, nflen), ZSTD_CONTENTSIZE_UNKNOWN);
	cr_assert_null (wb_raw_decode ("zstd", nf, nflen, (int64_t) n, &why));
	cr_assert_str_eq (why, "the zstd frame does not name its length");
	g_free (why);
	g_free (nf);
	ZSTD_freeCCtx (c);
	/* Not a frame at all. */
	cr_assert_null (wb_raw_decode ("zstd", b, n, (int64_t) n, &why));
	cr_assert_str_eq (why, "not a zstd frame");
	g_free (why);
	cr_assert_null (wb_raw_decode ("lz4", frame, flen, (int64_t) n, &why));
	cr_assert_str_eq (why, "unknown raw.codec 'lz4'");
	g_free (why);
	/* 'none': the bytes as stored, whatever raw.size says (verify compares). */
	g = wb_raw_decode ("none", b, 10, (int64_t) n, &why);
	cr_assert_not_null (g);
	cr_assert_eq (g_bytes_get_size (g), 10);
	cr_assert_null (why);
	g_bytes_unref (g);
	g_free (frame);
	g_free (b);
}

/* wb_raw_decode_scratch against wb_raw_decode and libzstd's one-shot
 * decoder, row after row on one thread as a reanalyze worker reads them:
 * frames of growing and shrinking sizes (the room reused and grown), an
 * empty copy, 'none' and NULL codecs (the stored bytes themselves), and
 * every fault wb_raw_decode names, each with its words. */
Test (raw_decode, scratch_gives_what_raw_decode_gives)
{
	static const size_t sizes[] = { 300, 70000, 3000, 200000, 200, 5000, 1 << 20, 900 };
	for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
		size_t n = sizes[i];
		guint8 *b = sample (n, TRUE, 10 + i);
		void *frame;
		size_t flen;
		cr_assert_eq (wb_raw_encode (b, n, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_ZSTD);
		assert_frame_gives (frame, flen, b, n);
		size_t got = 0;
		char *why = NULL;
		const void *d = wb_raw_decode_scratch ("zstd", frame, flen, (int64_t) n, &got, &why);
		cr_assert_not_null (d, "%s", why);
		cr_assert_null (why);
		cr_assert_eq (got, n);
		cr_assert (memcmp (d, b, n) == 0, "size %zu", n);
		GBytes *g = wb_raw_decode ("zstd", frame, flen, (int64_t) n, NULL);
		cr_assert (memcmp (g_bytes_get_data (g, NULL), d, n) == 0);
		g_bytes_unref (g);
		g_free (frame);
		g_free (b);
	}
	/* An empty copy in a frame (wb_raw_encode keeps none that small). */
	size_t room = ZSTD_compressBound (0);
	void *ef = g_malloc (room);
	size_t eflen = ZSTD_compress (ef, room, "", 0, 1);
	cr_assert (!ZSTD_isError (eflen));
	size_t got = 99;
	cr_assert_not_null (wb_raw_decode_scratch ("zstd", ef, eflen, 0, &got, NULL));
	cr_assert_eq (got, 0);
	g_free (ef);

	/* The stored bytes themselves for 'none' and NULL, whatever raw.size. */
	const char *plain = "From: a@b\r\n\r\nbody";
	cr_assert_eq (wb_raw_decode_scratch ("none", plain, 7, 5000, &got, NULL), (const void *) plain);
	cr_assert_eq (got, 7);
	cr_assert_eq (wb_raw_decode_scratch (NULL, plain, 9, -1, &got, NULL), (const void *) plain);
	cr_assert_eq (got, 9);

	/* Every fault: the same NULL and the same words as wb_raw_decode. */
	size_t n = 3000;
	guint8 *b = sample (n, TRUE, 30);
	void *frame;
	size_t flen;
	cr_assert_eq (wb_raw_encode (b, n, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_ZSTD);
	guint8 *bad_sum = g_memdup2 (frame, flen);
	bad_sum[flen - 1] ^= 0x55;
	guint8 *zeros = g_malloc0 (flen);
	ZSTD_CCtx *c = ZSTD_createCCtx ();
	ZSTD_CCtx_setParameter (c, ZSTD_c_contentSizeFlag, 0);
	guint8 *nf = g_malloc (ZSTD_compressBound (n));
	size_t nflen = ZSTD_compress2 (c, nf, ZSTD_compressBound (n), b, n);
	ZSTD_freeCCtx (c);
	const struct {
		const char *codec;
		const void *blob;
		size_t len;
		int64_t size;
		const char *why;
	} faults[] = {
		{ "zstd", frame, flen, (int64_t) n + 1, "the zstd frame names another length than raw.size" },
		{ "zstd", frame, flen, (int64_t) 1 << 40, "the zstd frame names another length than raw.size" },
		{ "zstd", frame, flen, -1, "a negative raw.size" },
		{ "lz4", frame, flen, -1, "a negative raw.size" },
		{ "zstd", zeros, flen, (int64_t) n, "not a zstd frame" },
		{ "zstd", nf, nflen, (int64_t) n, "the zstd frame does not name its length" },
		{ "zstd", bad_sum, flen, (int64_t) n, "Restored data doesn't match checksum" },
		{ "zstd", frame, flen - 5, (int64_t) n, NULL },   /* cut short: libzstd's words */
		{ "lz4", frame, flen, (int64_t) n, "unknown raw.codec 'lz4'" },
	};
	for (guint i = 0; i < G_N_ELEMENTS (faults); i++) {
		char *why = NULL, *want = NULL;
		cr_assert_null (wb_raw_decode (faults[i].codec, faults[i].blob, faults[i].len, faults[i].size, &want));
		got = 99;
		cr_assert_null (wb_raw_decode_scratch (faults[i].codec, faults[i].blob, faults[i].len, faults[i].size,
						       &got, &why), "fault %u", i);
		cr_assert_str_eq (why, want, "fault %u", i);
		if (faults[i].why)
			cr_assert_str_eq (why, faults[i].why, "fault %u", i);
		g_free (why);
		g_free (want);
	}
	/* After the faults, the room still gives good rows. */
	const void *d = wb_raw_decode_scratch ("zstd", frame, flen, (int64_t) n, &got, NULL);
	cr_assert_not_null (d);
	cr_assert_eq (got, n);
	cr_assert (memcmp (d, b, n) == 0);
	g_free (nf);
	g_free (zeros);
	g_free (bad_sum);
	g_free (frame);
	g_free (b);
}

/* Several threads encode at once, each with its own contexts: the same
 * frames as one thread makes. */
static gpointer
encode_many (gpointer data)
{
	const GBytes *want = data;
	gsize wn;
	const guint8 *w = g_bytes_get_data ((GBytes *) want, &wn);
	for (int k = 0; k < 200; k++) {
		guint8 *b = sample (4096, TRUE, 100 + (guint32) (k % 5));
		void *frame;
		size_t flen;
		if (wb_raw_encode (b, 4096, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL) != WB_RAW_ZSTD)
			return GINT_TO_POINTER (1);
		gboolean same = k % 5 != 0 || (flen == wn && memcmp (frame, w, wn) == 0);
		g_free (frame);
		g_free (b);
		if (!same)
			return GINT_TO_POINTER (2);
	}
	return NULL;
}

Test (raw_encode, threads)
{
	guint8 *b = sample (4096, TRUE, 100);
	void *frame;
	size_t flen;
	cr_assert_eq (wb_raw_encode (b, 4096, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_ZSTD);
	GBytes *want = g_bytes_new_take (frame, flen);
	GThread *t[4];
	for (int i = 0; i < 4; i++)
		t[i] = g_thread_new ("enc", encode_many, want);
	for (int i = 0; i < 4; i++)
		cr_assert_null (g_thread_join (t[i]), "thread %d", i);
	g_bytes_unref (want);
	g_free (b);
}

Test (raw_case, stored_rows_read_through_one_decoder)
{
	char *err = NULL;
	char *tmp = g_dir_make_tmp ("wbraw-XXXXXX", NULL);
	char *path = g_build_filename (tmp, "t.case", NULL);
	wb_case_t *cs = NULL;
	cr_assert_eq (wb_case_create (path, "t", NULL, &cs, &err), WB_OK, "%s", err ? err : "");
	char *codec = wb_case_info (cs, "raw_codec");
	cr_assert_str_eq (codec, "zstd", "a new case stores frames");
	g_free (codec);
	size_t n = 3000;
	guint8 *b = sample (n, TRUE, 5);
	void *frame;
	size_t flen;
	cr_assert_eq (wb_raw_encode (b, n, WB_RAW_ZSTD_LEVEL, &frame, &flen, NULL), WB_RAW_ZSTD);
	sqlite3_stmt *st = wb_case_stmt (cs, "INSERT INTO raw (id, sha256, size, bytes, codec)"
					 " VALUES (?, ?, ?, ?, 'zstd')");
	for (int id = 1; id <= 2; id++) {
		cr_assert_not_null (st);
		sqlite3_bind_int (st, 1, id);
		sqlite3_bind_text (st, 2, id == 1 ? "a" : "b", -1, SQLITE_STATIC);
		sqlite3_bind_int64 (st, 3, (int64_t) n);
		if (id == 2)
			((guint8 *) frame)[flen / 2] ^= 0x55;
		sqlite3_bind_blob (st, 4, frame, (int) flen, SQLITE_TRANSIENT);
		cr_assert_eq (wb_case_step (cs, st, "cannot insert"), WB_OK);
	}
	GBytes *g = NULL;
	cr_assert_eq (wb_case_raw_bytes (cs, 1, &g), WB_OK, "%s", wb_case_errmsg (cs));
	cr_assert_eq (g_bytes_get_size (g), n);
	cr_assert (memcmp (g_bytes_get_data (g, NULL), b, n) == 0);
	g_bytes_unref (g);
	cr_assert_eq (wb_case_raw_bytes (cs, 2, &g), WB_ERR_INTEGRITY);
	cr_assert_null (g);
	cr_assert (g_str_has_prefix (wb_case_errmsg (cs), "stored bytes 2 cannot be read: "), "%s",
		   wb_case_errmsg (cs));
	cr_assert_eq (wb_case_raw_bytes (cs, 3, &g), WB_ERR_NOT_FOUND);
	/* SQL's wb_raw: the same bytes, and an error for the damaged frame. */
	st = wb_case_stmt (cs, "SELECT wb_raw(codec, bytes, size) = ?, length(wb_raw(codec, bytes, size))"
			   " FROM raw WHERE id = ?");
	sqlite3_bind_blob (st, 1, b, (int) n, SQLITE_STATIC);
	sqlite3_bind_int (st, 2, 1);
	cr_assert_eq (sqlite3_step (st), SQLITE_ROW);
	cr_assert_eq (sqlite3_column_int (st, 0), 1);
	cr_assert_eq (sqlite3_column_int (st, 1), (int) n);
	sqlite3_reset (st);
	sqlite3_bind_int (st, 2, 2);
	cr_assert_eq (sqlite3_step (st), SQLITE_ERROR);
	cr_assert (g_str_has_prefix (sqlite3_errmsg (wb_case_db (cs)), "stored bytes cannot be read: "));
	sqlite3_reset (st);
	wb_case_free (cs);
	g_remove (path);
	g_rmdir (tmp);
	g_free (path);
	g_free (tmp);
	g_free (frame);
	g_free (b);
}
