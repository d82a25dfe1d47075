/* Reading one message: From_ lines, content sniffing, GMime header fields,
 * dates, receipt time and trap matching.  Shared by the parse workers of
 * ingest.c and by wb_ingest_assign_traps(). */
#include <iconv.h>
#include <string.h>
#include <gmime/gmime.h>

#include "ingest.h"
#include "analyze.h"
#include "ingest-private.h"

static const char *const weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", NULL };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
				      "Sep", "Oct", "Nov", "Dec", NULL };

static gboolean
word_in (const char *p, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (memcmp (p, list[i], 3) == 0)
			return TRUE;
	return FALSE;
}

/* Date forms of mbox From_ lines.  RFC 4155 asks for ctime's ("Thu Aug 22
 * 13:17:22 2002"); writers also use it without the weekday, with a zone
 * before the year or a two-digit year, RFC 2822's form ("Thu, 22 Aug 2002
 * 13:17:22 +0000") and ISO 8601 ("2002-08-22T13:17:22Z").  A line has one
 * form; an mbox splits at the lines of the form its first line has. */

static size_t
skip_sp (const char *l, size_t len, size_t j)
{
	while (j < len && l[j] == ' ')
		j++;
	return j;
}

/* MIN to MAX digits at *J. */
static gboolean
digits (const char *l, size_t len, size_t *j, int min, int max)
{
	int n = 0;
	while (*j + n < len && n <= max && g_ascii_isdigit (l[*j + n]))
		n++;
	if (n < min || n > max)
		return FALSE;
	*j += n;
	return TRUE;
}

/* h[h]:mm[:ss] at *J. */
static gboolean
time_at (const char *l, size_t len, size_t *j)
{
	size_t k = *j;
	if (!digits (l, len, &k, 1, 2) || k >= len || l[k] != ':')
		return FALSE;
	k++;
	if (!digits (l, len, &k, 2, 2))
		return FALSE;
	if (k < len && l[k] == ':') {
		k++;
		if (!digits (l, len, &k, 2, 2))
			return FALSE;
	}
	*j = k;
	return TRUE;
}

/* A zone at *J: +hhmm, -hhmm or a name of letters (UT, GMT, PST, ...). */
static gboolean
zone_at (const char *l, size_t len, size_t *j)
{
	size_t k = *j;
	if (k < len && (l[k] == '+' || l[k] == '-')) {
		k++;
		if (!digits (l, len, &k, 4, 4))
			return FALSE;
	} else {
		while (k < len && k - *j < 5 && g_ascii_isupper (l[k]))
			k++;
		if (k == *j || (k < len && g_ascii_isalpha (l[k])))
			return FALSE;
	}
	*j = k;
	return TRUE;
}

/* The line ends at J, but for spaces. */
static gboolean
at_end (const char *l, size_t len, size_t j)
{
	return skip_sp (l, len, j) == len;
}

static gboolean
ctime_at (const char *l, size_t len, size_t i, gboolean weekday)
{
	size_t j = i;
	if (weekday) {
		if (j + 4 > len || !word_in (l + j, weekdays) || l[j + 3] != ' ')
			return FALSE;
		j = skip_sp (l, len, j + 4);
	}
	if (j + 4 > len || !word_in (l + j, months) || l[j + 3] != ' ')
		return FALSE;
	j = skip_sp (l, len, j + 4);
	if (!digits (l, len, &j, 1, 2))
		return FALSE;
	j = skip_sp (l, len, j);
	if (!time_at (l, len, &j))
		return FALSE;
	size_t t = j;
	/* [zone] yy or yyyy, then the end (or, with a weekday, as before this
	 * reading: a four-digit year anywhere after the time). */
	j = skip_sp (l, len, j);
	size_t z = j;
	if (zone_at (l, len, &z) && z < len && l[z] == ' ')
		j = skip_sp (l, len, z);
	if ((digits (l, len, &j, 4, 4) || digits (l, len, &j, 2, 2)) && at_end (l, len, j))
		return TRUE;
	if (!weekday)
		return FALSE;
	for (size_t k = t; k + 4 <= len; k++)
		if (l[k - 1] == ' ' && g_ascii_isdigit (l[k]) && g_ascii_isdigit (l[k + 1]) &&
		    g_ascii_isdigit (l[k + 2]) && g_ascii_isdigit (l[k + 3]) &&
		    (k + 4 == len || !g_ascii_isdigit (l[k + 4])))
			return TRUE;
	return FALSE;
}

/* [Www, ]d Mmm yy[yy] hh:mm[:ss] [zone] */
static gboolean
rfc2822_at (const char *l, size_t len, size_t i)
{
	size_t j = i;
	if (j + 4 <= len && word_in (l + j, weekdays) && l[j + 3] == ',')
		j = skip_sp (l, len, j + 4);
	if (!digits (l, len, &j, 1, 2) || j >= len || l[j] != ' ')
		return FALSE;
	j = skip_sp (l, len, j);
	if (j + 4 > len || !word_in (l + j, months) || l[j + 3] != ' ')
		return FALSE;
	j = skip_sp (l, len, j + 4);
	if (!digits (l, len, &j, 4, 4) && !digits (l, len, &j, 2, 2))
		return FALSE;
	j = skip_sp (l, len, j);
	if (!time_at (l, len, &j))
		return FALSE;
	j = skip_sp (l, len, j);
	if (j < len && !zone_at (l, len, &j))
		return FALSE;
	return at_end (l, len, j);
}

/* yyyy-mm-dd[T ]hh:mm[:ss][.frac][Z|+hh[:]mm] */
static gboolean
iso_at (const char *l, size_t len, size_t i)
{
	size_t j = i;
	if (!digits (l, len, &j, 4, 4) || j >= len || l[j] != '-')
		return FALSE;
	j++;
	if (!digits (l, len, &j, 2, 2) || j >= len || l[j] != '-')
		return FALSE;
	j++;
	if (!digits (l, len, &j, 2, 2) || j >= len || (l[j] != 'T' && l[j] != ' '))
		return FALSE;
	j++;
	if (!time_at (l, len, &j))
		return FALSE;
	if (j < len && l[j] == '.') {
		j++;
		if (!digits (l, len, &j, 1, 9))
			return FALSE;
	}
	if (j < len && l[j] == 'Z')
		j++;
	else if (j < len && (l[j] == '+' || l[j] == '-')) {
		j++;
		if (!digits (l, len, &j, 2, 2))
			return FALSE;
		if (j < len && l[j] == ':')
			j++;
		if (!digits (l, len, &j, 2, 2))
			return FALSE;
	}
	return at_end (l, len, j);
}

wb_from_style_t
wb_ingest_from_style (const char *line, size_t len)
{
	if (len < 5 || memcmp (line, "From ", 5) != 0 || len > 1000)
		return WB_FROM_NONE;
	/* The sender may hold spaces: try each word after the first. */
	for (size_t i = 5; i < len; i++) {
		if (line[i - 1] != ' ' || line[i] == ' ')
			continue;
		if (ctime_at (line, len, i, TRUE))
			return WB_FROM_CTIME;
		if (ctime_at (line, len, i, FALSE))
			return WB_FROM_CTIME_NO_WEEKDAY;
		if (rfc2822_at (line, len, i))
			return WB_FROM_RFC2822;
		if (iso_at (line, len, i))
			return WB_FROM_ISO;
	}
	return WB_FROM_NONE;
}

gboolean
wb_ingest_is_from_line (const char *line, size_t len)
{
	return wb_ingest_from_style (line, len) != WB_FROM_NONE;
}

gboolean
wb_ingest_check_merged (const char *data, size_t len, GString *warn)
{
	GString *lines = NULL;
	int found = 0;
	size_t line = 1, counted = 0;
	for (const char *p = data; p < data + len;) {
		const char *nl = memchr (p, '\n', data + len - p);
		const char *e = nl ? nl : data + len;
		size_t l = e - p;
		if (l && e[-1] == '\r')
			l--;
		if (l > 5 && *p == 'F' && wb_ingest_is_from_line (p, l)) {
			for (const char *c = data + counted; c < p; c++)
				line += *c == '\n';
			counted = p - data;
			if (!lines)
				lines = g_string_new (NULL);
			if (found < 10)
				g_string_append_printf (lines, "%s%zu", found ? ", " : "", line);
			found++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (!lines)
		return FALSE;
	if (warn->len)
		g_string_append (warn, "; ");
	g_string_append_printf (warn, "possibly merged: From_ line%s at line%s %s%s of the copy",
				found > 1 ? "s" : "", found > 1 ? "s" : "", lines->str,
				found > 10 ? " and more" : "");
	g_string_free (lines, TRUE);
	return TRUE;
}

static gboolean
is_field_name_char (unsigned char c)
{
	return c > 32 && c < 127 && c != ':';
}

/* Header names that make a header block look like mail rather than, say,
 * an HTTP dump or a YAML file. */
static const char *const mail_fields[] = {
	"from", "date", "subject", "message-id", "received", "return-path", "to",
	"delivered-to", "x-original-to", "envelope-to", "mime-version", "sender", "reply-to",
	"cc", NULL
};

static gboolean
is_mail_field (const char *name, size_t n)
{
	for (int i = 0; mail_fields[i]; i++)
		if (strlen (mail_fields[i]) == n && g_ascii_strncasecmp (name, mail_fields[i], n) == 0)
			return TRUE;
	return FALSE;
}

/* One line of a header block, LL bytes without its line end. */
enum { LN_BLANK, LN_CONT, LN_FIELD, LN_OBS_FIELD, LN_OTHER };

static int
line_kind (const char *d, size_t ll, size_t *name_len)
{
	*name_len = 0;
	/* A line that starts with a bare CR is a blank line ended by a lone CR
	 * (mixed line endings): the end of the header block too
	 * (tests/gen/gen-hostile.py mixed.eml). */
	if (ll == 0 || d[0] == '\r')
		return LN_BLANK;
	if (d[0] == ' ' || d[0] == '\t')
		return LN_CONT;
	size_t n = 0;
	while (n < ll && is_field_name_char (d[n]))
		n++;
	if (n == 0)
		return LN_OTHER;
	*name_len = n;
	if (n < ll && d[n] == ':')
		return LN_FIELD;
	/* RFC 5322 4.5.3 (obs-optional): white space between the name and the
	 * colon, which receivers must accept. */
	size_t k = n;
	while (k < ll && (d[k] == ' ' || d[k] == '\t'))
		k++;
	return k > n && k < ll && d[k] == ':' ? LN_OBS_FIELD : LN_OTHER;
}

/* Where the header block of DATA starts: after a UTF-8 byte-order mark and
 * blank lines.  *BOM and *BLANK (if given) say whether there were any. */
static size_t
header_start (const char *data, size_t len, gboolean *bom, gboolean *blank)
{
	size_t p = 0;
	if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
		p = 3;
	if (bom)
		*bom = p == 3;
	size_t b = p;
	for (;;) {
		if (p < len && data[p] == '\n')
			p++;
		else if (p + 1 < len && data[p] == '\r' && data[p + 1] == '\n')
			p += 2;
		else
			break;
	}
	if (blank)
		*blank = p > b;
	return p;
}

/* Whether a field line after a line without a colon says the header block
 * goes on (a mail field, or a name that only headers carry); otherwise the
 * line without a colon is where the body begins. */
static gboolean
is_header_only_name (const char *name, size_t n)
{
	return is_mail_field (name, n) || (n > 2 && g_ascii_strncasecmp (name, "x-", 2) == 0) ||
		(n > 8 && g_ascii_strncasecmp (name, "content-", 8) == 0) ||
		(n > 5 && g_ascii_strncasecmp (name, "list-", 5) == 0);
}

/* What scan_header() found in a header block. */
typedef struct {
	int fields, known;       /* field lines; common mail fields among them */
	int first_other;         /* line number (from 1) of the first line that is neither
				  * a field, a continuation nor blank; 0: none */
	size_t other_at;         /* its offset */
	int obs_line;            /* the first field with white space before its colon */
	gboolean header_after;   /* a header-only field follows FIRST_OTHER in the block */
	gboolean end_blank;      /* a blank line ends the block */
	gboolean first_is_field;
} hblock_t;

/* Read the header block of DATA that starts at P, up to a blank line,
 * LIMIT or the end.  Lines are judged only when complete, or at the end
 * (AT_EOF). */
static void
scan_header (const char *data, size_t len, size_t p, gboolean at_eof, size_t limit, hblock_t *h)
{
	memset (h, 0, sizeof *h);
	int line = 1;
	/* Line numbers count from the start of DATA. */
	for (size_t i = 0; i < p; i++)
		if (data[i] == '\n')
			line++;
	gboolean first = TRUE;
	while (p < len && p < limit) {
		const char *q = memchr (data + p, '\n', len - p);
		if (!q && !at_eof)
			break;   /* an incomplete line is not judged */
		size_t e = q ? (size_t) (q - data) : len;
		size_t ll = e - p;
		if (ll && data[e - 1] == '\r')
			ll--;
		size_t n;
		int k = line_kind (data + p, ll, &n);
		if (k == LN_BLANK) {
			h->end_blank = TRUE;
			break;
		}
		if (first)
			h->first_is_field = k == LN_FIELD || k == LN_OBS_FIELD;
		first = FALSE;
		if (k == LN_FIELD || k == LN_OBS_FIELD) {
			h->fields++;
			if (is_mail_field (data + p, n))
				h->known++;
			if (k == LN_OBS_FIELD && !h->obs_line)
				h->obs_line = line;
			if (h->first_other && is_header_only_name (data + p, n))
				h->header_after = TRUE;
		} else if (k == LN_OTHER && !h->first_other) {
			h->first_other = line;
			h->other_at = p;
		} else if (k == LN_CONT && h->fields == 0 && !h->first_other) {
			h->first_other = line;
			h->other_at = p;
		}
		if (!q)
			break;
		p = e + 1;
		line++;
	}
}

int
wb_ingest_sniff_part (const char *data, size_t len, gboolean at_eof)
{
	if (len == 0)
		return 0;
	const char *nl = memchr (data, '\n', len);
	size_t l1 = nl ? (size_t) (nl - data) : len;
	if (l1 && data[l1 - 1] == '\r')
		l1--;
	if (l1 >= 5 && memcmp (data, "From ", 5) == 0)
		return 2;
	/* A header block: field lines and continuations up to a blank line or
	 * the end of what we have, with at least one common mail field.  NUL
	 * bytes do not matter here: a message is mail whatever its body holds.
	 * A block with defects (a line without a colon, no blank line before
	 * the body) must still begin with a field and hold two fields. */
	hblock_t h;
	scan_header (data, len, header_start (data, len, NULL, NULL), at_eof, len, &h);
	if (!h.first_is_field || h.known < 1)
		return 0;
	if (h.first_other && h.fields < 2)
		return 0;
	return 1;
}

int
wb_ingest_sniff (const char *data, size_t len)
{
	return wb_ingest_sniff_part (data, len, TRUE);
}

/* The header block is read over at most this many bytes for its defects. */
#define DEFECT_SCAN (1u << 20)

/* The defects of DATA, whose header block H came after a byte-order mark
 * (BOM) and blank lines (BLANK), appended to WARN. */
static void
defects_of (const char *data, size_t len, gboolean bom, gboolean blank, const hblock_t *h,
	    GString *warn)
{
	GString *w = g_string_new (NULL);
	const char *nul = memchr (data, '\0', len);
	if (nul)
		g_string_append_printf (w, "; NUL byte at offset %zu", (size_t) (nul - data));
	if (bom)
		g_string_append (w, "; leading byte-order mark");
	if (blank)
		g_string_append (w, "; leading blank line");
	if (h->obs_line)
		g_string_append_printf (w, "; obsolete header syntax (line %d)", h->obs_line);
	if (h->first_other && h->header_after)
		g_string_append_printf (w, "; header line without colon (line %d)", h->first_other);
	else if (h->first_other)
		g_string_append (w, "; no blank line after header");
	if (w->len) {
		g_string_append (warn, warn->len ? w->str : w->str + 2);
	}
	g_string_free (w, TRUE);
}

void
wb_ingest_defects (const char *data, size_t len, GString *warn)
{
	gboolean bom, blank;
	size_t p = header_start (data, len, &bom, &blank);
	hblock_t h;
	scan_header (data, len, p, TRUE, MIN (len, p + DEFECT_SCAN), &h);
	defects_of (data, len, bom, blank, &h, warn);
}

/* Whether a date text names its zone: a numeric offset or a zone name,
 * outside parentheses.  Words are split at white space and commas. */
static gboolean
date_has_zone (const char *text)
{
	static const char *const zones[] = { "UT", "UTC", "GMT", "Z", "EST", "EDT", "CST", "CDT",
					     "MST", "MDT", "PST", "PDT", NULL };
	int depth = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn (p, " \t\r\n,");
		const char *t = p;
		p += n;
		if (*p)
			p++;
		if (n == 0)
			continue;
		if (*t == '(')
			depth++;
		if (depth == 0) {
			if ((t[0] == '+' || t[0] == '-') && n == 5 && g_ascii_isdigit (t[1]) &&
			    g_ascii_isdigit (t[2]) && g_ascii_isdigit (t[3]) && g_ascii_isdigit (t[4]))
				return TRUE;
			for (int z = 0; zones[z]; z++)
				if (strlen (zones[z]) == n && g_ascii_strncasecmp (t, zones[z], n) == 0)
					return TRUE;
		}
		if (t[n - 1] == ')' && depth > 0)
			depth--;
	}
	return FALSE;
}

const char *
wb_ingest_date (const char *text, GDateTime **out)
{
	*out = NULL;
	if (!text)
		return "absent";
	while (g_ascii_isspace (*text))
		text++;
	if (!*text)
		return "absent";
	GDateTime *dt = g_mime_utils_header_decode_date (text);
	if (!dt)
		return "invalid";
	*out = dt;
	return date_has_zone (text) ? "ok" : "no-zone";
}

static void
addr_collect (InternetAddressList *list, GString *out, int depth)
{
	if (!list || depth > 4)
		return;
	int n = internet_address_list_length (list);
	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			const char *a = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
			if (a && *a) {
				if (out->len)
					g_string_append (out, ", ");
				g_string_append (out, a);
			}
		} else if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			addr_collect (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)), out,
				      depth + 1);
		}
	}
}

static char *
addr_join (InternetAddressList *list)
{
	GString *s = g_string_new (NULL);
	addr_collect (list, s, 0);
	return g_string_free (s, s->len == 0);
}

/* DT as ISO 8601 with its offset (2002-08-22T13:17:22-05:30), as
 * g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z") writes it but without
 * its format parser, and the year always in four digits (GLib writes 999,
 * not 0999; GMime's date parser gives no year below 1000 anyway). */
static char *
dt_iso (GDateTime *dt)
{
	if (!dt)
		return NULL;
	int64_t off = g_date_time_get_utc_offset (dt) / G_TIME_SPAN_SECOND;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	int y, mo, d;
	g_date_time_get_ymd (dt, &y, &mo, &d);
	return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo, d,
				g_date_time_get_hour (dt), g_date_time_get_minute (dt),
				g_date_time_get_second (dt), sign, (int) (off / 3600),
				(int) (off / 60 % 60));
}

static char *
trim_dup (const char *s)
{
	return s ? g_strstrip (g_strdup (s)) : NULL;
}

/* Whether the raw header value V holds "=?" once its line ends are taken
 * out (g_mime_utils_header_unfold()): where an encoded word may start. */
static gboolean
encoded_word_in (const char *v)
{
	for (const char *p = v ? strchr (v, '=') : NULL; p; p = strchr (p + 1, '=')) {
		const char *q = p + 1;
		while (*q == '\r' || *q == '\n')
			q++;
		if (*q == '?')
			return TRUE;
	}
	return FALSE;
}

/* The text after the last ';' of the Received header H, whose raw value
 * is RAW (its date), as it is in the header's decoded value; newly
 * allocated, or NULL without a ';'.  H is NULL for a field kept aside by
 * wb_ingest_parse_lean(), whose value is plain.  A value of ASCII bytes
 * without "=?" decodes to itself unfolded (line ends taken out, white
 * space trimmed at both ends: GMime's RFC 2047 decoder copies words and
 * the white space between them as they are), so its date is read without
 * decoding the whole line. */
static char *
received_date_text (GMimeHeader *h, const char *raw)
{
	gboolean plain = raw && !encoded_word_in (raw);
	for (const char *p = raw; plain && *p; p++)
		if ((unsigned char) *p >= 0x80)
			plain = FALSE;
	const char *v = plain || !h ? raw : g_mime_header_get_value (h);
	const char *semi = v ? strrchr (v, ';') : NULL;
	if (!semi)
		return NULL;
	return plain ? g_mime_utils_header_unfold (semi + 1) : g_strdup (semi + 1);
}

void
wb_ingest_fields (GMimeMessage *msg, wb_fields_t *f)
{
	GMimeObject *obj = GMIME_OBJECT (msg);
	const char *mid = g_mime_message_get_message_id (msg);
	f->message_id = mid && *mid ? g_strdup (mid) : NULL;
	GMimeHeaderList *hl = g_mime_object_get_header_list (obj);
	int n = g_mime_header_list_get_count (hl), dates = 0;
	/* The topmost Received field: kept aside by wb_ingest_parse_lean()
	 * (then a plain value), or GMime's. */
	const GPtrArray *kept = g_object_get_data (G_OBJECT (msg), WB_RECEIVED_KEY);
	GMimeHeader *received = NULL;
	const char *received_raw = kept && kept->len ? g_ptr_array_index (kept, 0) : NULL;
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
		const char *name = g_mime_header_get_name (h);
		if (g_ascii_strcasecmp (name, "Date") == 0)
			dates++;
		else if (!kept && !received && g_ascii_strcasecmp (name, "Received") == 0)
			received = h;
	}
	if (received)
		received_raw = g_mime_header_get_raw_value (received);
	const char *date = g_mime_object_get_header (obj, "Date");
	f->date_header = trim_dup (date);
	GDateTime *dt = NULL;
	/* GMime parsed the value of the last Date header as it built the
	 * message (g_mime_message_get_date()): when there is one and nothing
	 * was trimmed off it, that is the text wb_ingest_date() would parse. */
	if (dates == 1 && date && *f->date_header && strlen (date) == strlen (f->date_header)) {
		dt = g_mime_message_get_date (msg);
		if (dt)
			g_date_time_ref (dt);
		f->date_status = !dt ? "invalid" : date_has_zone (f->date_header) ? "ok" : "no-zone";
	} else {
		f->date_status = wb_ingest_date (f->date_header, &dt);
	}
	f->date_parsed = dt_iso (dt);

	InternetAddressList *from = g_mime_message_get_from (msg);
	if (from && internet_address_list_length (from) > 0) {
		InternetAddress *ia = internet_address_list_get_address (from, 0);
		const char *name = internet_address_get_name (ia);
		f->from_name = name && *name ? g_strdup (name) : NULL;
		if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			const char *a = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
			f->from_addr = a && *a ? g_strdup (a) : NULL;
		}
	}
	if (!f->from_addr && !f->from_name)
		f->from_addr = trim_dup (g_mime_object_get_header (obj, "From"));
	f->reply_to = addr_join (g_mime_message_get_reply_to (msg));
	f->sender = addr_join (g_mime_message_get_sender (msg));
	f->to_addrs = addr_join (g_mime_message_get_addresses (msg, GMIME_ADDRESS_TYPE_TO));
	f->cc_addrs = addr_join (g_mime_message_get_addresses (msg, GMIME_ADDRESS_TYPE_CC));
	const char *rp = g_mime_object_get_header (obj, "Return-Path");
	if (rp) {
		InternetAddressList *l = internet_address_list_parse (NULL, rp);
		f->return_path = l ? addr_join (l) : NULL;
		if (l)
			g_object_unref (l);
		if (!f->return_path)
			f->return_path = trim_dup (rp);
	}
	const char *subj = g_mime_message_get_subject (msg);
	f->subject = subj ? g_strdup (subj) : NULL;

	/* Receipt: the topmost Received header (added last, by the receiving
	 * provider); its date is the text after the last ';'. */
	GDateTime *rt = NULL;
	char *tail = received || received_raw ? received_date_text (received, received_raw) : NULL;
	if (tail) {
		const char *st = wb_ingest_date (tail, &rt);
		if (rt && strcmp (st, "ok") != 0)
			f->received_no_zone = TRUE;
	}
	g_free (tail);
	if (rt) {
		f->received_from = "received";
	} else if (dt) {
		rt = g_date_time_ref (dt);
		f->received_from = "date";
		f->received_no_zone = strcmp (f->date_status, "no-zone") == 0;
	} else {
		f->received_from = "none";
	}
	if (rt) {
		f->received_at = dt_iso (rt);
		f->received_epoch = g_date_time_to_unix (rt);
		f->has_received = TRUE;
		g_date_time_unref (rt);
	}
	if (dt)
		g_date_time_unref (dt);
}

void
wb_fields_clear (wb_fields_t *f)
{
	if (f->block) {
		g_free (f->block);
		memset (f, 0, sizeof *f);
		return;
	}
	g_free (f->message_id);
	g_free (f->date_header);
	g_free (f->date_parsed);
	g_free (f->from_addr);
	g_free (f->from_name);
	g_free (f->reply_to);
	g_free (f->return_path);
	g_free (f->sender);
	g_free (f->to_addrs);
	g_free (f->cc_addrs);
	g_free (f->subject);
	g_free (f->received_at);
	memset (f, 0, sizeof *f);
}

void
wb_fields_pack (wb_fields_t *f)
{
	char **v[] = { &f->message_id, &f->date_header, &f->date_parsed, &f->from_addr, &f->from_name,
		       &f->reply_to, &f->return_path, &f->sender, &f->to_addrs, &f->cc_addrs,
		       &f->subject, &f->received_at };
	if (f->block)
		return;
	size_t len[G_N_ELEMENTS (v)], n = 0;
	for (guint i = 0; i < G_N_ELEMENTS (v); i++) {
		len[i] = *v[i] ? strlen (*v[i]) + 1 : 0;
		n += len[i];
	}
	if (!n)
		return;
	char *b = g_malloc (n), *p = b;
	for (guint i = 0; i < G_N_ELEMENTS (v); i++) {
		if (!*v[i])
			continue;
		memcpy (p, *v[i], len[i]);
		g_free (*v[i]);
		*v[i] = p;
		p += len[i];
	}
	f->block = b;
}

/* ---- traps ---- */

static void
trap_free (gpointer p)
{
	wb_trap_t *t = p;
	if (!t)
		return;
	g_free (t->address);
	g_free (t->hosts);
	if (t->tz)
		g_time_zone_unref (t->tz);
	g_free (t);
}

GHashTable *
wb_traps_load (wb_case_t *cs, wb_status_t *status)
{
	*status = WB_OK;
	GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, trap_free);
	sqlite3_stmt *st = wb_case_stmt (cs, "SELECT id, lower(address), timezone, hosts FROM traps ORDER BY id");
	if (!st) {
		*status = WB_ERR_DB;
		g_hash_table_destroy (h);
		return NULL;
	}
	int rc;
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		wb_trap_t *t = g_new0 (wb_trap_t, 1);
		t->id = sqlite3_column_int64 (st, 0);
		t->address = g_strdup ((const char *) sqlite3_column_text (st, 1));
		t->hosts = g_strdup ((const char *) sqlite3_column_text (st, 3));
		const char *tz = (const char *) sqlite3_column_text (st, 2);
		t->tz = g_time_zone_new_identifier (tz && *tz ? tz : "UTC");
		if (!t->tz)
			t->tz = g_time_zone_new_utc ();
		g_hash_table_replace (h, t->address, t);
	}
	sqlite3_reset (st);
	if (rc != SQLITE_DONE) {
		*status = wb_case_fail_db (cs, "cannot read traps");
		g_hash_table_destroy (h);
		return NULL;
	}
	return h;
}

static const wb_trap_t *
trap_lookup (GHashTable *traps, const char *addr)
{
	if (!addr || !*addr)
		return NULL;
	char *low = g_ascii_strdown (addr, -1);
	const wb_trap_t *t = g_hash_table_lookup (traps, low);
	g_free (low);
	return t;
}

static const wb_trap_t *
list_match (GHashTable *traps, InternetAddressList *list, int depth)
{
	if (!list || depth > 4)
		return NULL;
	int n = internet_address_list_length (list);
	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);
		const wb_trap_t *t = NULL;
		if (INTERNET_ADDRESS_IS_MAILBOX (ia))
			t = trap_lookup (traps, internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
		else if (INTERNET_ADDRESS_IS_GROUP (ia))
			t = list_match (traps,
					internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)),
					depth + 1);
		if (t)
			return t;
	}
	return NULL;
}

/* The trap a copy belongs to.  Headers in order of trust: Delivered-To,
 * X-Original-To, Envelope-To (written by the receiving system), then To and
 * Cc (written by the sender), then a folder of the container chain named
 * after the address.  Within a header kind, the first matching address of
 * the first such header wins. */
const wb_trap_t *
wb_traps_match (GHashTable *traps, GMimeMessage *msg, const char *chain, const char **how)
{
	static const char *const kinds[] = { "delivered-to", "x-original-to", "envelope-to", NULL };
	*how = "none";
	if (!traps || g_hash_table_size (traps) == 0)
		return NULL;
	if (msg) {
		GMimeHeaderList *hl = g_mime_object_get_header_list (GMIME_OBJECT (msg));
		int n = g_mime_header_list_get_count (hl);
		for (int k = 0; kinds[k]; k++) {
			for (int i = 0; i < n; i++) {
				GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
				if (g_ascii_strcasecmp (g_mime_header_get_name (h), kinds[k]) != 0)
					continue;
				const char *v = g_mime_header_get_value (h);
				if (!v)
					continue;
				InternetAddressList *l = internet_address_list_parse (NULL, v);
				const wb_trap_t *t = l ? list_match (traps, l, 0) : NULL;
				if (l)
					g_object_unref (l);
				if (!t) {
					/* Envelope headers are often a bare address. */
					char *s = g_strstrip (g_strdup (v));
					if (*s == '<' && s[strlen (s) - 1] == '>') {
						s[strlen (s) - 1] = 0;
						memmove (s, s + 1, strlen (s));
					}
					t = trap_lookup (traps, s);
					g_free (s);
				}
				if (t) {
					*how = kinds[k];
					return t;
				}
			}
		}
		const wb_trap_t *t = list_match (traps, g_mime_message_get_addresses (msg, GMIME_ADDRESS_TYPE_TO), 0);
		if (t) {
			*how = "to";
			return t;
		}
		t = list_match (traps, g_mime_message_get_addresses (msg, GMIME_ADDRESS_TYPE_CC), 0);
		if (t) {
			*how = "cc";
			return t;
		}
	}
	if (chain) {
		char **parts = g_strsplit_set (chain, "/!", -1);
		const wb_trap_t *t = NULL;
		/* The last component is the file itself, not a folder. */
		int np = g_strv_length (parts);
		for (int i = 0; i + 1 < np && !t; i++)
			t = trap_lookup (traps, parts[i]);
		g_strfreev (parts);
		if (t) {
			*how = "path";
			return t;
		}
	}
	return NULL;
}

char *
wb_local_day (const wb_trap_t *trap, int64_t epoch)
{
	GDateTime *u = g_date_time_new_from_unix_utc (epoch);
	if (!u)
		return NULL;
	GDateTime *l = trap ? g_date_time_to_timezone (u, trap->tz) : g_date_time_ref (u);
	char *s = l ? g_date_time_format (l, "%Y-%m-%d") : NULL;
	if (l)
		g_date_time_unref (l);
	g_date_time_unref (u);
	return s;
}

/* ---- parser warnings ---- */

const char *
wb_ingest_warning_name (GMimeParserWarning code)
{
	switch (code) {
	case GMIME_WARN_DUPLICATED_HEADER: return "duplicated header";
	case GMIME_WARN_DUPLICATED_PARAMETER: return "duplicated parameter";
	case GMIME_WARN_UNENCODED_8BIT_HEADER: return "unencoded 8-bit header";
	case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid Content-Type";
	case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid RFC 2047 encoded word";
	case GMIME_WARN_MALFORMED_MULTIPART: return "malformed multipart";
	case GMIME_WARN_TRUNCATED_MESSAGE: return "truncated message";
	case GMIME_WARN_MALFORMED_MESSAGE: return "malformed message";
	case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid header name";
	case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting header";
	case GMIME_CRIT_CONFLICTING_PARAMETER: return "conflicting parameter";
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "multipart without boundary";
	case GMIME_WARN_INVALID_PARAMETER: return "invalid parameter";
	case GMIME_WARN_INVALID_ADDRESS_LIST: return "invalid address list";
	case GMIME_CRIT_NESTING_OVERFLOW: return "MIME nesting too deep";
	case GMIME_WARN_PART_WITHOUT_CONTENT: return "part without content";
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "part without headers or content";
	default: return "parser warning";
	}
}

void
wb_ingest_on_warning (gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	(void) offset;
	GString *w = data;
	const char *name = wb_ingest_warning_name (code);
	/* Keep each kind once: a spam message may repeat one fault thousands of times. */
	if (strstr (w->str, name))
		return;
	if (w->len)
		g_string_append (w, "; ");
	g_string_append (w, name);
	if (item && *item && strlen (item) < 60 && g_utf8_validate (item, -1, NULL)) {
		/* GMime gives a bad header line with its line end. */
		int n = (int) strlen (item);
		while (n > 0 && (item[n - 1] == '\n' || item[n - 1] == '\r'))
			n--;
		g_string_append_printf (w, " (%.*s)", n, item);
	}
}

static void
free_array_header (gpointer ba)
{
	g_byte_array_free (ba, FALSE);
}

/* A read-only GMime stream over DATA, without copying it (a message parsed
 * from it may keep substreams of it): the bytes must outlive the stream and
 * everything parsed from it.  The array header goes with the stream. */
GMimeStream *
wb_mem_stream (const char *data, size_t len)
{
	static const char empty[1];
	GByteArray *ba = g_byte_array_new_take ((guint8 *) (data ? data : empty), len);
	GMimeStream *s = g_mime_stream_mem_new_with_byte_array (ba);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (s), FALSE);
	g_object_set_data_full (G_OBJECT (s), "wb-array", ba, free_array_header);
	return s;
}

/* GMime opens an iconv descriptor for each header or part in a character
 * set other than ASCII, UTF-8 and Latin-1 (glibc's built-in ones), and
 * closes it after.  glibc loads the set's conversion module at the open
 * and unloads it soon after its last descriptor closes: over mail of mixed
 * sets modules were loaded and unloaded again and again (dlopen, then
 * munmap and the TLB shootdown it sends every core: 192 munmaps in 25,000
 * copies of the benchmark mbox, 42 with the pin).  One descriptor kept
 * open per common set keeps its module loaded; a set not listed costs
 * what it did.  The names are glibc's; a name it does not know is
 * skipped. */
static const char *const pinned_charsets[] = {
	"CP1250", "CP1251", "CP1252", "CP1253", "CP1254", "CP1255", "CP1256", "CP1257", "CP1258",
	"ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6", "ISO-8859-7",
	"ISO-8859-8", "ISO-8859-9", "ISO-8859-10", "ISO-8859-13", "ISO-8859-14", "ISO-8859-15",
	"ISO-8859-16", "KOI8-R", "KOI8-U", "CP866", "CP850", "CP437", "MACINTOSH", "TIS-620",
	"CP874", "BIG5", "BIG5-HKSCS", "GB2312", "GBK", "GB18030", "HZ", "EUC-JP", "SHIFT_JIS",
	"ISO-2022-JP", "EUC-KR", "CP949", "ISO-2022-KR", "EUC-TW", "UTF-7", "UTF-16", "UTF-32",
};
/* Reachable for as long as the process lives (never closed). */
static iconv_t pinned[G_N_ELEMENTS (pinned_charsets)];

void
wb_ingest_pin_charsets (void)
{
	static gsize once;
	if (!g_once_init_enter (&once))
		return;
	for (size_t i = 0; i < G_N_ELEMENTS (pinned_charsets); i++)
		pinned[i] = iconv_open ("UTF-8", pinned_charsets[i]);
	g_once_init_leave (&once, 1);
}

/* Decoding each header as it is read.  Given a warning callback, GMime
 * 3.2 decodes the value of every header added to a message (RFC 2047 and
 * the unfolding: object_header_changed(), "validate header if requested,
 * caches the decoded value"), so that an invalid encoded word is
 * reported: about 7,900 instructions a header, two dozen headers a copy,
 * most of them Received lines that no caller decodes (the analysis reads
 * their raw values).  That decode can report nothing but an encoded word
 * (GMime's tokenizer warns only on a token that starts "=?"), and for a
 * header that is neither one of the message's own (the address lists,
 * Subject, Date, Message-Id, MIME-Version) nor a Content-* one it is all
 * that adding the header does.  Such a header without "=?" is therefore
 * added without GMime's handler, and decoded when a caller asks for its
 * value, as GMime does without a callback: the same value (from the same
 * options, which the header keeps), the same warnings in the same order.
 * The hook wraps GMimeMessage's header_added, only for GMime 3.2 (whose
 * handlers are the ones described), and acts only inside
 * wb_ingest_parse() (PARSING, per thread): a message built elsewhere is
 * built as GMime builds it. */
static GPrivate parsing;
static void (*gmime_header_added) (GMimeObject *object, GMimeHeader *header);

typedef struct {
	const char *name;
	size_t len;
} field_name_t;

/* Is the field name of N bytes at NAME one of the COUNT of LIST (ASCII
 * case ignored)? */
static gboolean
field_name_in (const char *name, size_t n, const field_name_t *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (list[i].len == n && g_ascii_strncasecmp (name, list[i].name, n) == 0)
			return TRUE;
	return FALSE;
}

/* The fields GMime's message reads as it adds them: its own, and the
 * Content-* ones, which make the message's structure. */
static gboolean
gmime_reads (const char *name, size_t n)
{
	static const field_name_t own[] = {
		{ "Sender", 6 }, { "From", 4 }, { "Reply-To", 8 }, { "To", 2 }, { "Cc", 2 },
		{ "Bcc", 3 }, { "Subject", 7 }, { "Date", 4 }, { "Message-Id", 10 },
		{ "MIME-Version", 12 },
	};
	return (n >= 8 && g_ascii_strncasecmp (name, "Content-", 8) == 0)
	       || field_name_in (name, n, own, G_N_ELEMENTS (own));
}

/* Whether GMime's handler must see HEADER as it is added to a message. */
static gboolean
header_read_on_add (GMimeHeader *header)
{
	const char *name = g_mime_header_get_name (header);
	if (!name || gmime_reads (name, strlen (name)))
		return TRUE;
	return encoded_word_in (g_mime_header_get_raw_value (header));
}

static void
header_added (GMimeObject *object, GMimeHeader *header)
{
	if (!g_private_get (&parsing) || header_read_on_add (header))
		gmime_header_added (object, header);
}

static void
hook_header_added (void)
{
	static gsize once;
	if (!g_once_init_enter (&once))
		return;
	if (gmime_major_version == 3 && gmime_minor_version == 2) {
		/* Held for the life of the process, as GMime holds its own. */
		GMimeObjectClass *k = g_type_class_ref (GMIME_TYPE_MESSAGE);
		gmime_header_added = k->header_added;
		k->header_added = header_added;
	}
	g_once_init_leave (&once, 1);
}

/* The fields the readers of a parsed copy ask GMime for (ingest-parse.c,
 * analyze.c, the traps), beside those GMime reads as it adds them, and
 * the ones RFC 5322 allows once, whose repeats GMime reports. */
static gboolean
lean_keeps (const char *name, size_t n)
{
	static const field_name_t also[] = {
		{ "In-Reply-To", 11 }, { "References", 10 }, { "Return-Path", 11 },
		{ "List-Unsubscribe", 16 }, { "X-Mailer", 8 }, { "DKIM-Signature", 14 },
		{ "Delivered-To", 12 }, { "X-Original-To", 13 }, { "Envelope-To", 11 },
	};
	return gmime_reads (name, n) || field_name_in (name, n, also, G_N_ELEMENTS (also));
}

/* Byte I of the field of LEN bytes at F: is it plain (below)? */
static gboolean
lean_plain_at (const char *f, size_t i, size_t len)
{
	unsigned char c = (unsigned char) f[i];
	if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= 0x7f)
		return FALSE;
	return !(c == '=' && i + 1 < len && f[i + 1] == '?');
}

/* Is the field of LEN bytes at F plain: printable ASCII, tabs and line
 * ends, without "=?"?  GMime reports nothing about such a field unless
 * its name is one it reads (an 8-bit byte, or an encoded word it decodes,
 * is what it warns of: see header_added() above). */
static gboolean
lean_plain (const char *f, size_t len)
{
	/* Eight bytes at a time: a word with no high bit, no byte below 0x20
	 * (a line end, a tab or worse), no 0x7f and no '=' is plain; another
	 * is read byte by byte.  Each test sets a byte's high bit where the
	 * byte is what it looks for (a borrow reaches only the bytes above
	 * such a byte, never a word without one). */
	const guint64 ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		guint64 w;
		memcpy (&w, f + i, 8);
		guint64 del = w ^ (0x7f * ones), eq = w ^ ('=' * ones);
		if (((w | (w - 0x20 * ones) | ((del - ones) & ~del) | ((eq - ones) & ~eq)) & highs) == 0)
			continue;
		for (size_t j = i; j < i + 8; j++)
			if (!lean_plain_at (f, j, len))
				return FALSE;
	}
	for (; i < len; i++)
		if (!lean_plain_at (f, i, len))
			return FALSE;
	return TRUE;
}

/* A field of the header lean_view() reads: its bytes, and what becomes
 * of it. */
typedef struct {
	size_t start, end;
	enum { LEAN_KEEP, LEAN_DROP, LEAN_RECEIVED } fate;
} lean_field_t;

/* The most fields lean_view() takes; a header with more goes to GMime whole. */
#define LEAN_FIELDS 128

/* The message of LEN bytes at DATA (from its first field) as GMime need
 * read it for a parsed copy's readers: without the plain fields no reader
 * asks for, and without its plain Received fields, whose raw values go to
 * *RECEIVED in order (WB_RECEIVED_KEY).  Every field GMime is still given,
 * and everything from the blank line on, is as it was, so GMime builds the
 * same values and reports the same warnings.  The fields are split as
 * GMime's parser splits them (a line that starts with a space or a tab
 * folds into the field before; the first line that is only a line end
 * ends the header).  NULL, reading nothing aside, where the header is not
 * made of such fields alone: a field name GMime would not take, a NUL, a
 * header without its end, or a Received field that is not plain (then all
 * stay with GMime, in their order). */
static char *
lean_view (const char *data, size_t len, size_t *vlen, GPtrArray **received)
{
	if (memchr (data, '\0', len))
		return NULL;
	lean_field_t fields[LEAN_FIELDS];
	int nf = 0, gone = 0;
	size_t p = 0, head_end = 0;
	gboolean ok = FALSE, received_plain = TRUE;
	while (p < len && nf < LEAN_FIELDS) {
		if (data[p] == '\n' || (data[p] == '\r' && p + 1 < len && data[p + 1] == '\n')) {
			head_end = p;
			ok = TRUE;
			break;
		}
		if (data[p] == ' ' || data[p] == '\t')
			break;   /* a fold with no field before it */
		/* The name, as header_buffer_parse() validates it. */
		size_t i = p, name_end = 0;
		gboolean blank = FALSE, valid = TRUE;
		while (i < len && data[i] != ':') {
			char c = data[i];
			if (c == ' ' || c == '\t') {
				blank = TRUE;
			} else if (blank || (unsigned char) c < 0x20 || c == 0x7f) {
				valid = FALSE;
				break;
			} else {
				name_end = i + 1;
			}
			i++;
		}
		if (!valid || i >= len || name_end == 0)
			break;
		/* The field's lines. */
		const char *q = memchr (data + i, '\n', len - i);
		if (!q)
			break;
		size_t e = (size_t) (q - data) + 1;
		while (q && e < len && (data[e] == ' ' || data[e] == '\t')) {
			q = memchr (data + e, '\n', len - e);
			if (q)
				e = (size_t) (q - data) + 1;
		}
		if (!q)
			break;
		size_t n = name_end - p;
		lean_field_t *f = &fields[nf++];
		f->start = p;
		f->end = e;
		f->fate = LEAN_KEEP;
		if (n == 8 && g_ascii_strncasecmp (data + p, "Received", 8) == 0) {
			f->fate = LEAN_RECEIVED;
			received_plain = received_plain && lean_plain (data + p, e - p);
		} else if (!lean_keeps (data + p, n) && lean_plain (data + p, e - p)) {
			f->fate = LEAN_DROP;
		}
		p = e;
	}
	if (!ok)
		return NULL;
	/* Received fields go aside only all together, each plain. */
	for (int k = 0; k < nf; k++) {
		if (fields[k].fate == LEAN_RECEIVED && !received_plain)
			fields[k].fate = LEAN_KEEP;
		if (fields[k].fate != LEAN_KEEP)
			gone++;
	}
	if (!gone)
		return NULL;
	char *view = g_malloc (len + 1);
	size_t o = 0;
	/* Aside only where there is one to keep: with none, the message's
	 * Received fields (if any) are GMime's. */
	GPtrArray *rec = NULL;
	for (int k = 0; k < nf; k++) {
		const lean_field_t *f = &fields[k];
		if (f->fate == LEAN_KEEP) {
			memcpy (view + o, data + f->start, f->end - f->start);
			o += f->end - f->start;
		} else if (f->fate == LEAN_RECEIVED) {
			if (!rec)
				rec = g_ptr_array_new_with_free_func (g_free);
			const char *colon = memchr (data + f->start, ':', f->end - f->start);
			g_ptr_array_add (rec, g_strndup (colon + 1, (size_t) (data + f->end - colon - 1)));
		}
	}
	memcpy (view + o, data + head_end, len - head_end);
	o += len - head_end;
	view[o] = '\0';
	*vlen = o;
	*received = rec;
	return view;
}

/* wb_ingest_parse() of DATA, whose header block H starts at P; with LEAN,
 * of lean_view() of it where there is one. */
static GMimeMessage *
parse_block (const char *data, size_t len, size_t p, const hblock_t *h, GMimeParserOptions *opts,
	     GString *warnings, GMimeParser *parser, gboolean lean)
{
	hook_header_added ();
	g_mime_parser_options_set_warning_callback (opts, wb_ingest_on_warning, warnings);
	/* GMime reads a byte-order mark as part of the first field's name, and
	 * a leading blank line as the end of an empty header; without a blank
	 * line before the body it drops the body's lines as bad headers.  It is
	 * given the message from its first field on, and a blank line where the
	 * body begins: the stored bytes stay as they are (wb_ingest_defects()
	 * names each defect), the fields are read as a reader would. */
	char *view = NULL;
	if (h->first_other && !h->header_after && h->fields > 0) {
		size_t at = h->other_at;
		view = g_malloc (len - p + 1);
		memcpy (view, data + p, at - p);
		view[at - p] = '\n';
		memcpy (view + at - p + 1, data + at, len - at);
		data = view;
		len = len - p + 1;
	} else {
		data += p;
		len -= p;
	}
	GPtrArray *received = NULL;
	if (lean && !view) {
		size_t vlen;
		view = lean_view (data, len, &vlen, &received);
		if (view) {
			data = view;
			len = vlen;
		}
	}
	GMimeStream *s = wb_mem_stream (data, len);
	GMimeParser *gp = parser ? parser : g_mime_parser_new ();
	g_mime_parser_init_with_stream (gp, s);   /* resets all of the parser's state */
	g_mime_parser_set_format (gp, GMIME_FORMAT_MESSAGE);
	g_private_set (&parsing, gp);
	GMimeMessage *msg = g_mime_parser_construct_message (gp, opts);
	g_private_set (&parsing, NULL);
	/* A kept parser holds on to S (never reading it again) until the next
	 * message or until it is freed. */
	if (!parser)
		g_object_unref (gp);
	g_object_unref (s);
	/* The message may keep substreams of VIEW: it goes with the message. */
	if (view && msg)
		g_object_set_data_full (G_OBJECT (msg), "wb-view", view, g_free);
	else
		g_free (view);
	if (received && msg)
		g_object_set_data_full (G_OBJECT (msg), WB_RECEIVED_KEY, received,
					(GDestroyNotify) g_ptr_array_unref);
	else if (received)
		g_ptr_array_unref (received);
	return msg;
}

/* parse_block() of DATA from its header's start. */
static GMimeMessage *
parse_message (const char *data, size_t len, GMimeParserOptions *opts, GString *warnings,
	       GMimeParser *parser, gboolean lean)
{
	size_t p = header_start (data, len, NULL, NULL);
	hblock_t h;
	scan_header (data, len, p, TRUE, MIN (len, p + DEFECT_SCAN), &h);
	return parse_block (data, len, p, &h, opts, warnings, parser, lean);
}

GMimeMessage *
wb_ingest_parse (const char *data, size_t len, GMimeParserOptions *opts, GString *warnings,
		 GMimeParser *parser)
{
	return parse_message (data, len, opts, warnings, parser, FALSE);
}

GMimeMessage *
wb_ingest_parse_lean (const char *data, size_t len, GMimeParserOptions *opts, GString *warnings,
		      GMimeParser *parser)
{
	return parse_message (data, len, opts, warnings, parser, TRUE);
}

GMimeMessage *
wb_ingest_parse_copy (const char *data, size_t len, gboolean merged, gboolean lean,
		      GMimeParserOptions *opts, GString *warnings, GMimeParser *parser)
{
	gboolean bom, blank;
	size_t p = header_start (data, len, &bom, &blank);
	hblock_t h;
	scan_header (data, len, p, TRUE, MIN (len, p + DEFECT_SCAN), &h);
	defects_of (data, len, bom, blank, &h, warnings);
	if (merged)
		wb_ingest_check_merged (data, len, warnings);
	return parse_block (data, len, p, &h, opts, warnings, parser, lean);
}
