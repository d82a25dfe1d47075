/* Plain streams: a message, or an mbox split into its copies. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <gmime/gmime.h>
#include <openssl/evp.h>

#include "ingest.h"
#include "analyze.h"
#include "ingest-pipeline.h"

/* ------------------------------------------------------ mbox splitting */

typedef struct {
	wb_ingest_t *ing;
	arch_t *as;
	src_t *s;
	GByteArray *buf;
	uint64_t base;           /* stream offset of buf->data[0] */
	gboolean eof;
	int err;                 /* 0, -1 read error, -2 guard */
	member_t *m;             /* read the member through M (hashed) instead of AS */
} rdbuf_t;

/* Read more into RB; FALSE at the end or on error. */
static gboolean
fill (rdbuf_t *rb)
{
	if (rb->eof || rb->err)
		return FALSE;
	guint old = rb->buf->len;
	g_byte_array_set_size (rb->buf, old + READ_CHUNK);
	ssize_t r = rb->m ? wb_ingest_member_read (rb->m, rb->buf->data + old, READ_CHUNK)
		: wb_ingest_rd (rb->ing, rb->as, rb->buf->data + old, READ_CHUNK);
	g_byte_array_set_size (rb->buf, old + (r > 0 ? r : 0));
	if (r == 0)
		rb->eof = TRUE;
	else if (r < 0) {
		rb->err = (int) r;
		rb->eof = TRUE;
	}
	return r > 0;
}

static gboolean
is_blank_before (const guint8 *d, size_t from, size_t pos, size_t *seplen)
{
	/* The line ending just before POS is an empty line. */
	if (pos >= from + 1 && d[pos - 1] == '\n') {
		if (pos == from + 1) {
			*seplen = 1;
			return TRUE;
		}
		if (d[pos - 2] == '\n') {
			*seplen = 1;
			return TRUE;
		}
		if (d[pos - 2] == '\r' && (pos == from + 2 || d[pos - 3] == '\n')) {
			*seplen = 2;
			return TRUE;
		}
	}
	return FALSE;
}

static int64_t
header_content_length (const guint8 *d, size_t from, size_t to)
{
	size_t p = from;
	while (p < to) {
		const guint8 *q = memchr (d + p, '\n', to - p);
		size_t e = q ? (size_t) (q - d) : to;
		if (e - p > 15 && g_ascii_strncasecmp ((const char *) d + p, "Content-Length:", 15) == 0) {
			const char *v = (const char *) d + p + 15;
			while (*v == ' ' || *v == '\t')
				v++;
			if (!g_ascii_isdigit (*v))
				return -1;
			char *end;
			guint64 n = g_ascii_strtoull (v, &end, 10);
			return n > (1ULL << 40) ? -1 : (int64_t) n;
		}
		p = e + 1;
	}
	return -1;
}

/* Emit the copy [start, end) of RB, or the flagged record of an oversized one. */
static void
emit (rdbuf_t *rb, size_t start, size_t end, size_t from_at, size_t from_len, gboolean mbox,
      const char *split, const char *warn)
{
	wb_ingest_t *ing = rb->ing;
	if (end < start)
		end = start;
	wb_ingest_add_copy (ing, rb->s, (const char *) rb->buf->data + start, end - start, rb->base + start,
		  mbox ? (const char *) rb->buf->data + from_at : NULL, from_len,
		  mbox ? split : "whole", warn);
}

static void
flag_oversize (rdbuf_t *rb, uint64_t offset, uint64_t size, EVP_MD_CTX *ctx)
{
	wb_ingest_t *ing = rb->ing;
	unsigned char md[32];
	char hex[65];
	EVP_DigestFinal_ex (ctx, md, NULL);
	wb_digest_hex (md, hex);
	char *name = g_strdup_printf ("message at offset %" G_GUINT64_FORMAT, offset);
	char *chain = g_strdup_printf ("%s@%" G_GUINT64_FORMAT, rb->s->chain, offset);
	src_t *f = wb_src_new (ing, rb->s, name, chain);
	f->format = "message";
	wb_src_mark (ing, f, "flagged", "message over size limit (%" G_GUINT64_FORMAT " bytes, limit %"
		  G_GUINT64_FORMAT ")", size, ing->o.max_message);
	wb_src_push (ing, f, IT_SOURCE_BEGIN, size, hex);
	ing->st.flagged++;
	wb_src_free (f);
	g_free (name);
	g_free (chain);
}

/* Split a plain stream (already started in RB) into copies.  MBOX: the
 * stream begins with a From_ line; else it is one message. */
static void
split_stream (rdbuf_t *rb, gboolean mbox)
{
	wb_ingest_t *ing = rb->ing;
	GByteArray *b = rb->buf;
	size_t mstart = 0;           /* From_ line of the current message */
	size_t body = 0;             /* first byte of the message */
	size_t from_len = 0;         /* From_ line without its line end */
	size_t pos = 0;              /* next line to look at */
	gboolean hdr_done = FALSE;
	int64_t cl_end = -1;         /* stream offset where Content-Length says the body ends */
	const char *split = "mbox-from";
	wb_from_style_t style = WB_FROM_NONE;  /* the form of the file's first From_ line */
	/* oversize: bytes are hashed and dropped instead of kept */
	gboolean over = FALSE;
	EVP_MD_CTX *ctx = NULL;
	uint64_t over_off = 0, over_size = 0;
	size_t hashed = 0;           /* index up to which an oversized copy was hashed */
	/* Bytes before this index (from pos on) are known to hold no '\n': a
	 * long line is searched once, not again after every fill.  Without it
	 * a line of N bytes cost N^2 / 64 KiB (a 10 MB header took 45 s under
	 * ASan: gen-hostile.py bigheader.eml). */
	size_t no_nl = 0;

	if (mbox) {
		for (;;) {
			const guint8 *q = memchr (b->data, '\n', b->len);
			if (q || !fill (rb)) {
				size_t e = q ? (size_t) (q - b->data) : b->len;
				from_len = e;
				if (from_len && b->data[from_len - 1] == '\r')
					from_len--;
				body = pos = q ? e + 1 : e;
				break;
			}
		}
		style = wb_ingest_from_style ((const char *) b->data, from_len);
	}

	for (;;) {
		if (ing->fatal)
			break;
		size_t from = MAX (pos, no_nl);
		const guint8 *q = from < b->len ? memchr (b->data + from, '\n', b->len - from) : NULL;
		size_t eol;
		if (q) {
			eol = (size_t) (q - b->data) + 1;
		} else if (!rb->eof) {
			no_nl = b->len;
			/* Compact: drop what is before the current message. */
			size_t keep = over ? MIN (pos, hashed) : mstart;
			if (over && pos > hashed + 2) {
				EVP_DigestUpdate (ctx, b->data + hashed, pos - 2 - hashed);
				hashed = pos - 2;
				keep = hashed;
			}
			if (keep > (1u << 20) && keep > b->len / 2) {
				g_byte_array_remove_range (b, 0, keep);
				rb->base += keep;
				mstart -= MIN (mstart, keep);
				body -= MIN (body, keep);
				pos -= keep;
				hashed -= MIN (hashed, keep);
				no_nl -= MIN (no_nl, keep);
			}
			fill (rb);
			continue;
		} else {
			eol = b->len;
			if (pos >= eol)
				break;
		}
		size_t llen = eol - pos;
		size_t sep = 0;
		if (mbox && pos > body && llen >= 5 && memcmp (b->data + pos, "From ", 5) == 0) {
			size_t fl = llen;
			while (fl && (b->data[pos + fl - 1] == '\n' || b->data[pos + fl - 1] == '\r'))
				fl--;
			wb_from_style_t ls = wb_ingest_from_style ((const char *) b->data + pos, fl);
			if (!is_blank_before (b->data, body, pos, &sep))
				sep = 0;
			gboolean boundary = FALSE;
			if (ls != WB_FROM_NONE && !over && cl_end >= 0 &&
			    (int64_t) (rb->base + pos) == cl_end) {
				/* The Content-Length ends the body right here: mboxcl2
				 * writers need no blank line before the next From_, and
				 * an empty line before it is the body's own. */
				boundary = TRUE;
				sep = 0;
				split = "mboxcl-length";
			} else if (style != WB_FROM_NONE ? ls == style : sep && ls == WB_FROM_CTIME) {
				/* A From_ line of the file's own form starts a message,
				 * after a blank line or not (RFC 4155 asks for one; not
				 * every writer adds it).  A file whose first line has no
				 * date splits as before: ctime's form after a blank line. */
				boundary = TRUE;
				if (cl_end >= 0 && (int64_t) (rb->base + pos) < cl_end && !over) {
					/* Content-Length says the body goes on.  Believe it only if
					 * it ends where a next message (or the file) begins. */
					size_t ce = (size_t) (cl_end - (int64_t) rb->base);
					while (b->len < ce + 2048 && fill (rb))
						;
					gboolean ok = FALSE;
					if (ce >= b->len) {
						ok = ce == b->len && rb->eof && !rb->err;
					} else {
						size_t s2 = ce;
						while (s2 < b->len && (b->data[s2] == '\n' || b->data[s2] == '\r') && s2 < ce + 2)
							s2++;
						const guint8 *e2 = memchr (b->data + s2, '\n', b->len - s2);
						size_t l2 = e2 ? (size_t) (e2 - b->data) - s2 : b->len - s2;
						if (l2 && b->data[s2 + l2 - 1] == '\r')
							l2--;
						ok = (s2 > ce || (ce > 0 && b->data[ce - 1] == '\n')) &&
							wb_ingest_is_from_line ((const char *) b->data + s2, l2);
						if (s2 == b->len && rb->eof && !rb->err)
							ok = TRUE;
					}
					if (ok) {
						/* The next From_ line at or after cl_end ends it. */
						split = "mboxcl-length";
						pos = ce;
						continue;
					}
				}
			}
			if (boundary) {
				if (over) {
					if (pos - sep > hashed)
						EVP_DigestUpdate (ctx, b->data + hashed, pos - sep - hashed);
					over_size = rb->base + pos - sep - over_off;
					flag_oversize (rb, over_off, over_size, ctx);
					EVP_MD_CTX_free (ctx);
					ctx = NULL;
					over = FALSE;
				} else {
					emit (rb, body, pos - sep, mstart, from_len, TRUE, split, NULL);
				}
				mstart = pos;
				from_len = fl;
				body = pos = eol;
				hdr_done = FALSE;
				cl_end = -1;
				split = "mbox-from";
				continue;
			}
		}
		if (!hdr_done && ((llen == 1 && b->data[pos] == '\n') ||
				  (llen == 2 && b->data[pos] == '\r' && b->data[pos + 1] == '\n'))) {
			hdr_done = TRUE;
			if (mbox) {
				int64_t n = header_content_length (b->data, body, pos);
				if (n >= 0)
					cl_end = (int64_t) (rb->base + eol) + n;
			}
		}
		pos = eol;
		if (!over && pos - body > ing->o.max_message) {
			over = TRUE;
			over_off = rb->base + body;
			ctx = EVP_MD_CTX_new ();
			EVP_DigestInit_ex (ctx, wb_sha256_md (), NULL);
			hashed = body;
		}
	}

	if (!ing->fatal) {
		const char *warn = rb->err ? "truncated" : NULL;
		/* RFC 4155: every message of an mbox, the last one too, is ended
		 * by an empty line that is not part of it (Python's mailbox drops
		 * it as well), unless a Content-Length ending at the end of the
		 * file says the message holds it. */
		size_t end = b->len, sep;
		if (mbox && !rb->err && end > body && is_blank_before (b->data, body, end, &sep) &&
		    !(cl_end >= 0 && (int64_t) (rb->base + end) == cl_end))
			end -= sep;
		if (over) {
			if (end > hashed)
				EVP_DigestUpdate (ctx, b->data + hashed, end - hashed);
			flag_oversize (rb, over_off, rb->base + end - over_off, ctx);
		} else {
			emit (rb, body, end, mstart, from_len, mbox, split, warn);
		}
	}
	if (ctx)
		EVP_MD_CTX_free (ctx);
}

/* A plain (non-archive) stream: sniff, split or count as not mail.  Reads
 * the whole stream so that the guard sees every byte. */
void
wb_ingest_handle_plain (wb_ingest_t *ing, arch_t *as, src_t *s, member_t *m, const void *prefix, size_t plen)
{
	/* Without AS and M, PREFIX is the whole stream (a member held in memory). */
	rdbuf_t rb = { ing, as, s, g_byte_array_sized_new (MAX (plen, 2 * READ_CHUNK)), 0, !as && !m, 0, m };
	if (plen)
		g_byte_array_append (rb.buf, prefix, plen);
	while (rb.buf->len < 8192 && fill (&rb))
		;
	int kind = wb_ingest_sniff_part ((const char *) rb.buf->data, rb.buf->len, rb.eof);
	if (rb.err == -1 && !ing->fatal)
		wb_src_mark (ing, s, "flagged", "%s: %s", wb_ingest_damage_kind (wb_ingest_read_error (as)), wb_ingest_read_error (as));
	if (kind == 0) {
		if (!s->format)
			s->format = rb.buf->len == 0 ? "empty"
				: memchr (rb.buf->data, 0, MIN (rb.buf->len, 8192)) ? "binary" : "text";
		if (!s->role || strcmp (s->role, "flagged") != 0)
			wb_src_mark (ing, s, "not-mail", "%s", rb.buf->len == 0 ? "empty"
				  : strcmp (s->format, "binary") == 0 ? "binary data"
				  : "no mail headers");
		/* Read through to the end (the guard watches it). */
		while (!rb.err && !rb.eof) {
			g_byte_array_set_size (rb.buf, 0);
			fill (&rb);
		}
	} else {
		s->format = kind == 2 ? "mbox" : "message";
		s->role = kind == 2 ? "mailbox" : "message";
		split_stream (&rb, kind == 2);
		if (s->messages > 0 && strcmp (s->role, "mailbox") == 0 && s->messages == 1)
			s->role = "message";
	}
	if (rb.err == -2)
		wb_src_mark (ing, s, "flagged", "%s", as->guard);
	else if (rb.err == -1 && !ing->fatal)
		wb_src_mark (ing, s, "flagged", "%s: %s", wb_ingest_damage_kind (wb_ingest_read_error (as)), wb_ingest_read_error (as));
	g_byte_array_free (rb.buf, TRUE);
}
