/* Reading one message: From_ lines, content sniffing, GMime header fields,
 * dates, receipt time and trap matching.  Shared by the parse workers of
 * ingest.c and by wb_ingest_assign_traps(). */
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

/* A From_ line is "From " SENDER DATE where DATE is ctime-like:
 * "Thu Aug 22 13:17:22 2002" (the sender may hold spaces, the day may be
 * space-padded, a zone may stand before the year).  Body lines that merely
 * begin with "From " ("From the desk of ...") do not carry such a date, so
 * they do not split a message even when no one quoted them. */
gboolean
wb_ingest_is_from_line (const char *line, size_t len)
{
	if (len < 5 || memcmp (line, "From ", 5) != 0)
		return FALSE;
	if (len > 1000)
		return FALSE;
	for (size_t i = 5; i + 8 <= len; i++) {
		const char *p = line + i;
		if (p[-1] != ' ' || !word_in (p, weekdays) || p[3] != ' ')
			continue;
		size_t j = i + 4;
		while (j < len && line[j] == ' ')
			j++;
		if (j + 3 > len || !word_in (line + j, months))
			continue;
		j += 3;
		while (j < len && line[j] == ' ')
			j++;
		if (j >= len || !g_ascii_isdigit (line[j]))
			continue;
		while (j < len && g_ascii_isdigit (line[j]))
			j++;
		while (j < len && line[j] == ' ')
			j++;
		/* hh:mm[:ss] */
		if (j + 5 > len || !g_ascii_isdigit (line[j]) || (line[j + 1] != ':' && line[j + 2] != ':'))
			continue;
		/* and a four-digit year somewhere after it */
		for (size_t k = j; k + 4 <= len; k++)
			if (g_ascii_isdigit (line[k]) && g_ascii_isdigit (line[k + 1]) &&
			    g_ascii_isdigit (line[k + 2]) && g_ascii_isdigit (line[k + 3]) &&
			    (k + 4 == len || !g_ascii_isdigit (line[k + 4])) && line[k - 1] == ' ')
				return TRUE;
	}
	return FALSE;
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

int
wb_ingest_sniff (const char *data, size_t len)
{
	if (len == 0)
		return 0;
	if (memchr (data, '\0', MIN (len, 8192)))
		return 0;
	const char *nl = memchr (data, '\n', len);
	size_t l1 = nl ? (size_t) (nl - data) : len;
	if (l1 && data[l1 - 1] == '\r')
		l1--;
	if (l1 >= 5 && memcmp (data, "From ", 5) == 0)
		return 2;
	/* A header block: field lines and continuations up to a blank line or
	 * the end of what we have; at least one common mail field. */
	size_t p = 0;
	int fields = 0, known = 0;
	while (p < len) {
		const char *q = memchr (data + p, '\n', len - p);
		size_t e = q ? (size_t) (q - data) : len;
		size_t ll = e - p;
		if (ll && data[e - 1] == '\r')
			ll--;
		/* A line that starts with a bare CR is a blank line ended by a
		 * lone CR (mixed line endings): the end of the header block too.
		 * (tests/gen/gen-hostile.py mixed.eml). */
		if (ll == 0 || data[p] == '\r')
			break;
		if (data[p] == ' ' || data[p] == '\t') {
			if (fields == 0)
				return 0;
		} else {
			size_t n = 0;
			while (n < ll && is_field_name_char (data[p + n]))
				n++;
			if (n == 0 || n >= ll || data[p + n] != ':')
				return 0;
			fields++;
			for (int i = 0; mail_fields[i]; i++)
				if (strlen (mail_fields[i]) == n &&
				    g_ascii_strncasecmp (data + p, mail_fields[i], n) == 0)
					known++;
		}
		if (!q)
			break;
		p = e + 1;
	}
	return fields >= 1 && known >= 1 ? 1 : 0;
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

void
wb_ingest_fields (GMimeMessage *msg, wb_fields_t *f)
{
	GMimeObject *obj = GMIME_OBJECT (msg);
	const char *mid = g_mime_message_get_message_id (msg);
	f->message_id = mid && *mid ? g_strdup (mid) : NULL;
	f->date_header = trim_dup (g_mime_object_get_header (obj, "Date"));
	GDateTime *dt = NULL;
	f->date_status = wb_ingest_date (f->date_header, &dt);
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
	GMimeHeaderList *hl = g_mime_object_get_header_list (obj);
	int n = g_mime_header_list_get_count (hl);
	GDateTime *rt = NULL;
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
		if (g_ascii_strcasecmp (g_mime_header_get_name (h), "Received") != 0)
			continue;
		const char *v = g_mime_header_get_value (h);
		const char *semi = v ? strrchr (v, ';') : NULL;
		if (semi) {
			const char *st = wb_ingest_date (semi + 1, &rt);
			if (rt && strcmp (st, "ok") != 0)
				f->received_no_zone = TRUE;
		}
		break;
	}
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

static const char *
warning_name (GMimeParserWarning code)
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

static void
on_warning (gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	GString *w = data;
	const char *name = warning_name (code);
	/* Keep each kind once: a spam message may repeat one fault thousands of times. */
	if (strstr (w->str, name))
		return;
	if (w->len)
		g_string_append (w, "; ");
	g_string_append (w, name);
	if (item && *item && strlen (item) < 60 && g_utf8_validate (item, -1, NULL))
		g_string_append_printf (w, " (%s)", item);
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

GMimeMessage *
wb_ingest_parse (const char *data, size_t len, GMimeParserOptions *opts, GString *warnings,
		 GMimeParser *parser)
{
	g_mime_parser_options_set_warning_callback (opts, on_warning, warnings);
	GMimeStream *s = wb_mem_stream (data, len);
	GMimeParser *p = parser ? parser : g_mime_parser_new ();
	g_mime_parser_init_with_stream (p, s);   /* resets all of the parser's state */
	g_mime_parser_set_format (p, GMIME_FORMAT_MESSAGE);
	GMimeMessage *msg = g_mime_parser_construct_message (p, opts);
	/* A kept parser holds on to S (never reading it again) until the next
	 * message or until it is freed. */
	if (!parser)
		g_object_unref (p);
	g_object_unref (s);
	return msg;
}
