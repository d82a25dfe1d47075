/* The Received chain: one hop per header, the provider's trust boundary,
 * the origin, and the inconsistencies an analyst looks for.
 *
 * Received lines come in many dialects (sendmail, Postfix, qmail, Exim,
 * Exchange, fetchmail, hand-forged ones); RFC 5321 section 4.4 gives only the
 * clause keywords.  The parser reads the clauses at parenthesis depth 0
 * ("from", "by", "via", "with", "id", "for", and the date after the last
 * ';'), then reads the from-clause's comments for the reverse-DNS name and
 * the IP the receiving host saw, which is the only part a receiver vouches
 * for. */
#include <string.h>
#include <arpa/inet.h>
#include <libpsl.h>
#include <gio/gio.h>
#include "analyze.h"
#include "analyze-private.h"
#include "normalize.h"

void
wb_hop_free (wb_hop_t *h)
{
	if (!h)
		return;
	g_free (h->raw);
	g_free (h->from_host);
	g_free (h->from_rdns);
	g_free (h->from_ip);
	g_free (h->by_host);
	g_free (h->protocol);
	g_free (h->smtp_id);
	g_free (h->for_addr);
	g_free (h->time_text);
	if (h->notes)
		g_string_free (h->notes, TRUE);
	g_free (h);
}

static void
note (wb_hop_t *h, const char *fmt, ...)
{
	va_list ap;
	if (h->notes->len)
		g_string_append (h->notes, "; ");
	va_start (ap, fmt);
	g_string_append_vprintf (h->notes, fmt, ap);
	va_end (ap);
}

/* IP text to bytes (inet_pton: no allocation).  Returns 4, 16 or 0. */
static int
ip_bytes (const char *ip, guint8 b[16])
{
	if (!ip)
		return 0;
	if (inet_pton (AF_INET, ip, b) == 1)
		return 4;
	if (strchr (ip, ':') && inet_pton (AF_INET6, ip, b) == 1)
		return 16;
	return 0;
}

/* An IPv4 dotted quad or an IPv6 address (optionally "IPv6:"-prefixed);
 * returns the address text newly allocated, or NULL. */
static char *
ip_literal (const char *s, size_t n)
{
	char t[64];
	guint8 b[16];
	if (n >= sizeof t)
		return NULL;
	memcpy (t, s, n);
	t[n] = 0;
	const char *p = t;
	if (g_ascii_strncasecmp (p, "ipv6:", 5) == 0)
		p += 5;
	return ip_bytes (p, b) ? g_strdup (p) : NULL;
}

/* Loopback, RFC 1918, link-local, unspecified, unique-local. */
static gboolean
bytes_internal (const guint8 *b, int n)
{
	if (n == 4)
		return b[0] == 127 || b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16)
			|| (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254)
			|| (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0);
	static const guint8 zero[16] = { 0 };
	if (n == 16)
		return !memcmp (b, zero, 15) || (b[0] & 0xfe) == 0xfc
			|| (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)     /* fe80::/10 */
			|| (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0);    /* fec0::/10 */
	return FALSE;
}

gboolean
wb_ip_is_private (const char *ip)
{
	guint8 b[16];
	int n = ip_bytes (ip, b);
	if (!n)
		return FALSE;
	if (bytes_internal (b, n))
		return TRUE;
	if (n == 4)
		/* 0/8, 100.64/10 (CGN), 192.0.2/24, 198.18/15, 198.51.100/24,
		 * 203.0.113/24, multicast 224/4, 240/4: not public unicast. */
		return b[0] == 0 || (b[0] == 100 && (b[1] & 0xc0) == 64)
			|| (b[0] == 192 && b[1] == 0 && b[2] == 2)
			|| (b[0] == 198 && (b[1] & 0xfe) == 18)
			|| (b[0] == 198 && b[1] == 51 && b[2] == 100)
			|| (b[0] == 203 && b[1] == 0 && b[2] == 113) || b[0] >= 224;
	return b[0] == 0xff;   /* multicast */
}

static gboolean
is_keyword (const char *p, const char *start, const char **kw)
{
	/* The keywords ("from", "by", "via", "with", "id", "for") by their
	 * first letter (most bytes are none: they are ruled out first): only
	 * "from" and "for" share one, and their second letters differ. */
	const char *k;
	switch (*p) {
	case 'f': case 'F': k = (p[1] == 'o' || p[1] == 'O') ? "for" : "from"; break;
	case 'b': case 'B': k = "by"; break;
	case 'v': case 'V': k = "via"; break;
	case 'w': case 'W': k = "with"; break;
	case 'i': case 'I': k = "id"; break;
	default: return FALSE;
	}
	if (p > start && !g_ascii_isspace (p[-1]) && p[-1] != ')' && p[-1] != ']')
		return FALSE;
	size_t n = strlen (k);
	if (g_ascii_strncasecmp (p, k, n) == 0
	    && (g_ascii_isspace (p[n]) || p[n] == 0 || p[n] == '(' || p[n] == '[')) {
		*kw = k;
		return TRUE;
	}
	return FALSE;
}

/* The first word of S (up to white space, '(' or ';'), newly allocated. */
static char *
first_word (const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && g_ascii_isspace (s[i]))
		i++;
	size_t j = i;
	while (j < n && !g_ascii_isspace (s[j]) && s[j] != '(' && s[j] != ';')
		j++;
	return j > i ? g_strndup (s + i, j - i) : NULL;
}

static gboolean
looks_like_host (const char *s)
{
	if (!s || !strchr (s, '.') || g_hostname_is_ip_address (s))
		return FALSE;
	for (const char *c = s; *c; c++)
		if (!g_ascii_isalnum (*c) && *c != '-' && *c != '.' && *c != '_')
			return FALSE;
	return TRUE;
}

/* Read the from clause: "HOST (COMMENT) [IP] ...". */
static void
parse_from (wb_hop_t *h, const char *s, size_t n)
{
	char *clause = g_strndup (s, n);
	char *w = first_word (clause, n);
	char *helo_in_comment = NULL;
	if (w) {
		size_t wl = strlen (w);
		if (w[0] == '[' && w[wl - 1] == ']') {
			/* A second from clause (forged or broken headers) keeps
			 * the first one's address. */
			char *ip = ip_literal (w + 1, wl - 2);
			if (ip && !h->from_ip)
				h->from_ip = ip;
			else
				g_free (ip);
			h->from_host = g_strdup (w);
		} else {
			h->from_host = g_strdup (w);
		}
	}
	/* Bracketed IPs anywhere: the first is what the receiver saw. */
	for (const char *p = clause; (p = strchr (p, '[')); p++) {
		const char *e = strchr (p, ']');
		if (!e)
			break;
		char *ip = ip_literal (p + 1, e - p - 1);
		if (ip && !h->from_ip)
			h->from_ip = ip;
		else
			g_free (ip);
	}
	/* Comments: "(rdns [ip])", "(user@rdns [ip])", "([ip] helo=x)",
	 * "(HELO x) (ip)", "(may be forged)". */
	for (const char *p = clause; (p = strchr (p, '(')); ) {
		const char *e = strchr (p, ')');
		if (!e)
			e = clause + n;
		char *c = g_strndup (p + 1, e - p - 1);
		char **words = g_strsplit_set (c, " \t", -1);
		for (int i = 0; words[i]; i++) {
			char *x = words[i];
			if (!*x)
				continue;
			if (g_ascii_strncasecmp (x, "helo=", 5) == 0) {
				g_free (helo_in_comment);
				helo_in_comment = g_strdup (x + 5);
			} else if (g_ascii_strcasecmp (x, "helo") == 0 && words[i + 1]) {
				g_free (helo_in_comment);
				helo_in_comment = g_strdup (words[i + 1]);
				i++;
			} else if (x[0] == '[') {
				continue;
			} else {
				char *at = strrchr (x, '@');
				char *host = at ? at + 1 : x;
				size_t hl = strlen (host);
				while (hl && (host[hl - 1] == ']' || host[hl - 1] == ','))
					host[--hl] = 0;
				if (!h->from_ip && g_hostname_is_ip_address (host))
					h->from_ip = g_strdup (host);
				else if (!h->from_rdns && looks_like_host (host))
					h->from_rdns = g_ascii_strdown (host, -1);
			}
		}
		g_strfreev (words);
		g_free (c);
		p = e;
		if (!*p)
			break;
		p++;
	}
	if (helo_in_comment) {
		/* Exim and qmail: the first word is the reverse name (or
		 * "unknown"), the HELO name is in the comment. */
		if (h->from_host && !h->from_rdns && looks_like_host (h->from_host))
			h->from_rdns = g_ascii_strdown (h->from_host, -1);
		g_free (h->from_host);
		h->from_host = helo_in_comment;
		helo_in_comment = NULL;
	}
	if (!h->from_ip && h->from_host && g_hostname_is_ip_address (h->from_host))
		h->from_ip = g_strdup (h->from_host);
	g_free (helo_in_comment);
	g_free (w);
	g_free (clause);
}

static gboolean
has_zone (const char *t)
{
	static const char *zones[] = { "GMT", "UT", "UTC", "EST", "EDT", "CST", "CDT", "MST",
				       "MDT", "PST", "PDT", "Z", NULL };
	for (const char *p = t; *p; p++)
		if ((*p == '+' || *p == '-') && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2])
		    && g_ascii_isdigit (p[3]) && g_ascii_isdigit (p[4]))
			return TRUE;
	/* The words between spaces, tabs and parentheses, in place. */
	for (const char *p = t; *p; ) {
		size_t n = strcspn (p, " ()\t");
		for (int k = 0; n && zones[k]; k++)
			if (strlen (zones[k]) == n && g_ascii_strncasecmp (p, zones[k], n) == 0)
				return TRUE;
		p += n;
		if (*p)
			p++;
	}
	return FALSE;
}

/* wb_date_fast(): the fast form of wb_date_epoch().  It follows GMime 3.2's
 * parse_rfc822_date() (gmime-utils.c) step by step, over the tokens its
 * datetok() makes (split at "-/,\t\r\n " after white space is skipped; a
 * token's first byte may be a separator), and answers only where that
 * reading succeeds and every value is one g_date_time_new() takes: else
 * FALSE, and the caller asks GMime. */
typedef struct {
	const char *s;
	size_t n;
} date_tok_t;

static int
date_int (const date_tok_t *t)
{
	int v = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (!g_ascii_isdigit (t->s[i]) || v > (G_MAXINT - (t->s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (t->s[i] - '0');
	}
	return v;
}

static int
date_name (const date_tok_t *t, const char *const *names, int count)
{
	if (t->n < 3)
		return -1;
	for (int i = 0; i < count; i++)
		if (g_ascii_strncasecmp (t->s, names[i], 3) == 0)
			return i;
	return -1;
}

gboolean
wb_date_fast (const char *text, int64_t *epoch)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	/* The first seven tokens are all the form reads. */
	date_tok_t tok[7];
	int nt = 0;
	for (const char *p = text; *p && nt < 7; ) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *e = p + 1;
		while (*e && !strchr ("-/,\t\r\n ", *e))
			e++;
		tok[nt++] = (date_tok_t) { p, (size_t) (e - p) };
		p = *e ? e + 1 : e;
	}
	int k = 0;
	if (k < nt && date_name (&tok[k], days, 7) >= 0)
		k++;
	if (k + 4 >= nt)
		return FALSE;   /* day, month, year, time and a zone */
	int day = date_int (&tok[k++]);
	int month = date_name (&tok[k++], months, 12) + 1;
	int year = date_int (&tok[k++]);
	if (day < 1 || day > 31 || month < 1 || year < 0)
		return FALSE;
	if (year < 100)
		year += year < 70 ? 2000 : 1900;
	if (year < 1969 || year > 9998)
		return FALSE;
	/* The time: digits and at most two colons, each part within its
	 * bound as it is read (get_time()); 60 seconds g_date_time_new()
	 * refuses. */
	int part[3] = { 0, 0, 0 }, colons = 0;
	static const int max[3] = { 23, 59, 59 };
	const date_tok_t *t = &tok[k++];
	for (size_t i = 0; i < t->n; i++) {
		if (t->s[i] == ':') {
			if (++colons > 2)
				return FALSE;
		} else if (!g_ascii_isdigit (t->s[i])
			   || (part[colons] = part[colons] * 10 + (t->s[i] - '0')) > max[colons]) {
			return FALSE;
		}
	}
	/* The zone: the next token, "+HHMM" or "-HHMM", which GLib takes as
	 * an offset (hours to 24, minutes to 59); here hours to 23. */
	t = &tok[k];
	if (t->n != 5 || (t->s[0] != '+' && t->s[0] != '-'))
		return FALSE;
	for (int i = 1; i < 5; i++)
		if (!g_ascii_isdigit (t->s[i]))
			return FALSE;
	int zh = (t->s[1] - '0') * 10 + (t->s[2] - '0'), zm = (t->s[3] - '0') * 10 + (t->s[4] - '0');
	if (zh > 23 || zm > 59)
		return FALSE;
	if (day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year))
		return FALSE;
	/* Days from 1970-01-01 to the date (the proleptic Gregorian
	 * calendar, as GDateTime counts). */
	int y = year - (month <= 2), era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400, mp = (month + 9) % 12;
	int doy = (153 * mp + 2) / 5 + day - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days_since = (int64_t) era * 146097 + doe - 719468;
	int64_t offset = (zh * 3600 + zm * 60) * (t->s[0] == '-' ? -1 : 1);
	*epoch = days_since * 86400 + part[0] * 3600 + part[1] * 60 + part[2] - offset;
	return TRUE;
}

gboolean
wb_date_epoch (const char *text, int64_t *epoch)
{
	if (wb_date_fast (text, epoch))
		return TRUE;
	GDateTime *dt = g_mime_utils_header_decode_date (text);
	if (!dt)
		return FALSE;
	*epoch = g_date_time_to_unix (dt);
	g_date_time_unref (dt);
	return TRUE;
}

GPtrArray *
wb_message_received (GMimeMessage *msg)
{
	GPtrArray *kept = g_object_get_data (G_OBJECT (msg), WB_RECEIVED_KEY);
	if (kept)
		return g_ptr_array_ref (kept);
	GPtrArray *out = g_ptr_array_new ();
	GMimeHeaderList *hl = g_mime_object_get_header_list (GMIME_OBJECT (msg));
	int n = hl ? g_mime_header_list_get_count (hl) : 0;
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
		const char *name = g_mime_header_get_name (h);
		if (name && !g_ascii_strcasecmp (name, "Received")) {
			const char *raw = g_mime_header_get_raw_value (h);
			g_ptr_array_add (out, (gpointer) (raw ? raw : g_mime_header_get_value (h)));
		}
	}
	return out;
}

wb_hop_t *
wb_hop_parse (const char *value)
{
	wb_hop_t *h = g_new0 (wb_hop_t, 1);
	h->notes = g_string_new (NULL);
	h->time_status = "absent";
	/* Unfold: line breaks, tabs and runs of spaces become one space; then
	 * the white space at either end goes (as g_strstrip).  On the way,
	 * the last ';' at parenthesis depth 0 (where the date begins): white
	 * space changes no depth, and the stripping only moves it by LEAD. */
	const char *v = value ? value : "";
	char *u = g_malloc (strlen (v) + 1);
	size_t len = 0, semi = (size_t) -1;
	int depth = 0;
	for (const char *p = v; *p; p++) {
		char c = *p;
		if (c == '\r' || c == '\n' || c == '\t') {
			if (len && u[len - 1] != ' ')
				u[len++] = ' ';
			continue;
		}
		if (c == ' ' && len && u[len - 1] == ' ')
			continue;
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (c == ';' && depth == 0)
			semi = len;
		u[len++] = c;
	}
	size_t lead = 0;
	while (lead < len && g_ascii_isspace (u[lead]))
		lead++;
	while (len > lead && g_ascii_isspace (u[len - 1]))
		len--;
	len -= lead;
	memmove (u, u + lead, len);
	u[len] = 0;
	h->raw = u;
	const char *s = h->raw;

	/* The date: after the last ';' at depth 0. */
	size_t end = semi == (size_t) -1 ? len : semi - lead;
	if (end < len) {
		char *t = g_strstrip (g_strdup (s + end + 1));
		if (*t) {
			h->time_text = t;
			if (wb_date_epoch (t, &h->time_epoch)) {
				h->time_status = has_zone (t) ? "ok" : "no-zone";
			} else {
				h->time_status = "invalid";
			}
		} else {
			g_free (t);
		}
	}

	/* Clauses at depth 0. */
	const char *kw = NULL, *cur = NULL;
	size_t cur_start = 0;
	depth = 0;
	for (size_t i = 0; i <= end; i++) {
		const char *k2 = NULL;
		gboolean at_end = i == end;
		if (!at_end) {
			if (s[i] == '(') {
				depth++;
				continue;
			}
			if (s[i] == ')') {
				if (depth > 0)
					depth--;
				continue;
			}
		}
		if (at_end || (depth == 0 && is_keyword (s + i, s, &k2))) {
			if (cur) {
				const char *cs = s + cur_start;
				size_t cn = i - cur_start;
				if (!strcmp (cur, "from") && !h->from_host)
					parse_from (h, cs, cn);
				else if (!strcmp (cur, "by") && !h->by_host) {
					char *b = first_word (cs, cn);
					h->by_host = b ? g_ascii_strdown (b, -1) : NULL;
					g_free (b);
				} else if (!strcmp (cur, "with") && !h->protocol)
					h->protocol = first_word (cs, cn);
				else if (!strcmp (cur, "id") && !h->smtp_id)
					h->smtp_id = first_word (cs, cn);
				else if (!strcmp (cur, "for") && !h->for_addr) {
					char *f = first_word (cs, cn);
					if (f) {
						char *e = wb_norm_email (f);
						h->for_addr = e ? e : g_strdup (f);
						g_free (f);
					}
				}
			}
			if (at_end)
				break;
			cur = k2;
			kw = k2;
			cur_start = i + strlen (k2);
			i = cur_start - 1;
		}
	}
	(void) kw;
	return h;
}

/* The registrable domain of HOST (libpsl wants lower case), pointing
 * into BUF, or NULL. */
static const char *
reg_domain (const char *host, char buf[256])
{
	size_t n = strlen (host);
	if (n == 0 || n >= 256 || !strchr (host, '.'))
		return NULL;
	for (size_t i = 0; i <= n; i++)
		buf[i] = g_ascii_tolower (host[i]);
	if (buf[n - 1] == '.')
		buf[n - 1] = 0;
	return psl_registrable_domain (psl_builtin (), buf);
}

/* reg_domain() of HOST through a cache per thread (libpsl's lookup was
 * most of wb_hops_mark(); the copies of a mailing name the same relays).
 * The answer depends on HOST alone, so it is the one reg_domain() gives.
 * Returns a string owned by the cache, or NULL; it stays valid until
 * the next call of host_cache_trim(). */
#define HOST_CACHE_MAX 8192

static void
host_cache_free (gpointer table)
{
	g_hash_table_unref (table);
}

static GPrivate host_cache_key = G_PRIVATE_INIT (host_cache_free);

static GHashTable *
host_cache (void)
{
	GHashTable *c = g_private_get (&host_cache_key);
	if (!c) {
		c = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
		g_private_set (&host_cache_key, c);
	}
	return c;
}

/* Room for N more hosts in the cache: emptied when it would pass
 * HOST_CACHE_MAX. */
static void
host_cache_trim (guint n)
{
	GHashTable *c = host_cache ();
	if (g_hash_table_size (c) + n > HOST_CACHE_MAX)
		g_hash_table_remove_all (c);
}

static const char *
reg_domain_cached (const char *host)
{
	GHashTable *c = host_cache ();
	gpointer key, val;
	if (g_hash_table_lookup_extended (c, host, &key, &val))
		return val;
	char buf[256];
	const char *r = reg_domain (host, buf);
	char *v = g_strdup (r);
	g_hash_table_insert (c, g_strdup (host), v);
	return v;
}

/* Same host, or the same registrable domain. */
static gboolean
host_match (const char *a, const char *b)
{
	if (!a || !b)
		return FALSE;
	if (g_ascii_strcasecmp (a, b) == 0)
		return TRUE;
	/* Different top-level labels cannot share a registrable domain. */
	const char *ta = strrchr (a, '.'), *tb = strrchr (b, '.');
	if (!ta || !tb || g_ascii_strcasecmp (ta, tb) != 0)
		return FALSE;
	host_cache_trim (2);
	const char *ra = reg_domain_cached (a), *rb = reg_domain_cached (b);
	return ra && rb && strcmp (ra, rb) == 0;
}

static gboolean
in_provider (const char *host, char **hosts)
{
	if (!host)
		return FALSE;
	for (char **p = hosts; *p; p++) {
		if (!**p)
			continue;
		if (host_match (host, *p))
			return TRUE;
		size_t hl = strlen (host), pl = strlen (*p);
		if (hl > pl && host[hl - pl - 1] == '.' && g_ascii_strcasecmp (host + hl - pl, *p) == 0)
			return TRUE;
	}
	return FALSE;
}

/* An address only a site's own network uses: loopback, RFC 1918,
 * link-local, unique-local.  Narrower than wb_ip_is_private(): reserved and
 * documentation ranges (192.0.2/24, 203.0.113/24, ...) are not routable
 * either, but a hop from one is a hop from outside, not a hand-off inside
 * the provider. */
static gboolean
ip_is_internal (const char *ip)
{
	guint8 b[16];
	int n = ip_bytes (ip, b);
	return n && bytes_internal (b, n);
}

/* A name with a dot that is not an address or a local name. */
static gboolean
fqdn (const char *h)
{
	return h && strchr (h, '.') && !g_hostname_is_ip_address (h)
		&& g_ascii_strncasecmp (h, "localhost", 9) != 0 && h[0] != '[';
}

/* "lugh" and "lugh.tuatha.org": one host named two ways by its own
 * software. */
static gboolean
same_first_label (const char *a, const char *b)
{
	if (!a || !b)
		return FALSE;
	size_t na = strcspn (a, "./"), nb = strcspn (b, "./");
	return na == nb && na > 0 && g_ascii_strncasecmp (a, b, na) == 0;
}

/* A hand-off inside the receiving site: from an internal address, from no
 * host at all, or a retrieval (fetchmail over IMAP or POP, local LMTP). */
static gboolean
internal_handoff (const wb_hop_t *h)
{
	if (!h->from_host && !h->from_ip)
		return TRUE;
	if (h->from_ip && ip_is_internal (h->from_ip))
		return TRUE;
	if (h->protocol && (g_ascii_strncasecmp (h->protocol, "IMAP", 4) == 0
			    || g_ascii_strncasecmp (h->protocol, "POP", 3) == 0
			    || g_ascii_strcasecmp (h->protocol, "LMTP") == 0
			    || g_ascii_strcasecmp (h->protocol, "local") == 0))
		return TRUE;
	return FALSE;
}

int
wb_hops_mark (GPtrArray *hops, const char *provider_hosts)
{
	if (!hops || hops->len == 0)
		return -1;
	wb_hop_t *top = g_ptr_array_index (hops, 0);
	GString *list = g_string_new (provider_hosts ? provider_hosts : "");
	if (top->by_host) {
		g_string_append_c (list, ';');
		g_string_append (list, top->by_host);
	}
	char **hosts = g_strsplit (list->str, ";", -1);
	for (char **p = hosts; *p; p++)
		g_strstrip (*p);
	g_string_free (list, TRUE);

	int last_trusted = 0;
	top->trusted = TRUE;
	for (guint i = 1; i < hops->len; i++) {
		wb_hop_t *h = g_ptr_array_index (hops, i);
		wb_hop_t *above = g_ptr_array_index (hops, i - 1);
		if (!above->trusted)
			break;
		if (in_provider (h->by_host, hosts) || internal_handoff (above)) {
			h->trusted = TRUE;
			last_trusted = i;
		}
	}
	/* The origin: the deepest trusted hop names the host outside that
	 * handed the message in.  If that hand-off is internal too (the
	 * chain ends inside the provider), there is no outside origin. */
	int origin = -1;
	wb_hop_t *o = g_ptr_array_index (hops, last_trusted);
	if (o->from_ip || o->from_host) {
		origin = last_trusted;
		o->origin = TRUE;
		if (o->from_ip && wb_ip_is_private (o->from_ip))
			note (o, "private-ip: origin %s is not a public address", o->from_ip);
		if (!o->from_ip)
			note (o, "no-ip: the provider recorded no address for the origin");
	}

	for (guint i = 0; i < hops->len; i++) {
		wb_hop_t *h = g_ptr_array_index (hops, i);
		if (h->from_host && h->from_rdns && !host_match (h->from_host, h->from_rdns)
		    && !(h->from_ip && strstr (h->from_host, h->from_ip)))
			note (h, "helo-mismatch: claimed %s, reverse name %s", h->from_host,
			      h->from_rdns);
		if (i > 0) {
			wb_hop_t *above = g_ptr_array_index (hops, i - 1);
			/* A lower hop happened earlier: allow 5 minutes of skew;
			 * more than a day backwards is no clock error. */
			if (!strcmp (h->time_status, "ok") && !strcmp (above->time_status, "ok")
			    && h->time_epoch > above->time_epoch + 300)
				note (h, "%s: %s is later than the hop above it",
				      h->time_epoch > above->time_epoch + 86400 ? "time-reversed"
				      : "time-order", h->time_text);
		}
		if (h->trusted || (int) i <= origin)
			continue;
		/* Below the boundary, everything was written by the sender's
		 * side and may be invented. */
		wb_hop_t *above = g_ptr_array_index (hops, i - 1);
		if (h->by_host && (above->from_host || above->from_rdns)
		    && fqdn (h->by_host) && (fqdn (above->from_host) || fqdn (above->from_rdns))
		    && !host_match (h->by_host, above->from_host)
		    && !host_match (h->by_host, above->from_rdns)
		    && !same_first_label (h->by_host, above->from_host)
		    && !same_first_label (h->by_host, above->from_rdns)
		    && !(above->from_ip && strstr (h->by_host, above->from_ip)))
			note (h, "chain-break: by %s, but the hop above received from %s", h->by_host,
			      above->from_rdns ? above->from_rdns : above->from_host);
		if (in_provider (h->by_host, hosts))
			note (h, "provider-claim: claims the provider's host %s below the boundary",
			      h->by_host);
		if (!strcmp (h->time_status, "invalid"))
			note (h, "bad-date: %s", h->time_text);
	}
	g_strfreev (hosts);
	return origin;
}
