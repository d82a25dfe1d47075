/* Attribution: linking.  Attribute each message to the parties its values
 * name, derive parties the roster lacks, score each pair of parties by the
 * values they share, and group linked parties into clusters (see attrib.h
 * and templates/attribution/attribution.ini).  wb_attrib_link_run tells
 * when links were last built. */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "attrib-private.h"
#include "normalize.h"

typedef struct {
	int64_t id;
	char *name;
	guint32 kinds;        /* bit per wb_attrib_kinds index: kinds the party has */
	int uf;               /* union-find parent (index into the party array) */
} party_t;

/* The part a value found in a message gives the party that has it: the
 * sender, an affiliate, the advertiser, or only mentioned (which does not
 * attribute the message to the party). */
enum { ROLE_SENDER, ROLE_AFFILIATE, ROLE_ADVERTISER, ROLE_MENTIONED };

/* An item found in no artifact (positions count from 0). */
#define NO_ARTIFACT (-1)
static const char *const role_names[] = { "sender", "affiliate", "advertiser", "mentioned" };

/* A value seen in one message.  kv is "kind\x1fvalue", interned in the
 * link's string chunk, so equal values are one pointer. */
typedef struct {
	const char *kind;     /* static (wb_attrib_kinds) */
	const char *kv;       /* interned */
	const char *value;    /* inside kv */
	const char *loc;      /* interned */
	int64_t artifact;     /* its idx in the copy's artifacts; NO_ARTIFACT for header fields and hops */
	int role;
	int derive;           /* 0 no, 1 yes, 2 a sender domain (only if the sender is unknown) */
} item_t;

/* A party that has a value: from the roster, or derived from it. */
typedef struct {
	int64_t party;
	gboolean roster;
} ent_t;

/* A value found for a party through its messages; its own hash key. */
typedef struct {
	int64_t party;        /* X, attributed to the messages by a specific role */
	const char *kind;     /* static */
	const char *kv;       /* interned */
	int64_t peer;         /* Y, named in the messages by this value */
	int role, peer_role;  /* X's role, Y's role (in the first message) */
	int64_t message;      /* first message */
	const char *loc;      /* interned: where in that message */
	int64_t count;
	int64_t more[4];      /* the next messages carrying it */
	uint64_t plan;        /* the last plan that added it to its aggs */
} agg_t;

/* Evidence of one link, while building. */
typedef struct {
	int64_t a, b;
	double score;
	gboolean all_unspecific;
	guint32 shared_kinds;
	GArray *ev;           /* of guint: index into the evidence array */
	GArray *via;          /* of guint8, parallel to ev: 1 a's side, 2 b's side through messages */
} pair_t;

typedef struct {
	const char *kind;     /* static (wb_attrib_kinds) */
	const char *value;    /* in the string chunk */
	double weight;
	int64_t df;
} ev_t;

typedef struct {
	wb_case_t *cs;
	const wb_attrib_conf_t *conf;
	GHashTable *index;    /* interned "kind\x1fvalue" -> GArray of ent_t */
	GHashTable *agg;      /* set of agg_t */
	GStringChunk *chunk;
	GString *scratch;
	GHashTable *norm;     /* "E" or "D" + raw -> normalized (interned; "" for none) */
	GHashTable *plans;    /* GBytes key of a message's items -> plan_t */
	wb_attrib_stats_t *stats;
	/* Ids kept across rebuilds (notes and reviews cite them): a derived
	 * party by its role and name, a link by its two parties; a new one
	 * gets an id never given before (case_info party_id_max,
	 * link_id_max). */
	GHashTable *old_party;  /* "role\x1fname" -> id of the previous run */
	GHashTable *old_link;   /* (party_a << 32 | party_b) -> id */
	int64_t next_party, next_link;
	/* A roster party's role (ROLE_SENDER, _AFFILIATE, _ADVERTISER) + 1,
	 * by party id: the role counsel's roster gives it governs the role a
	 * message attributes it in. */
	GHashTable *roster_role;
	uint64_t plans_made;  /* make_plan's calls: the number of the one at work */
} link_t;

static const char *
intern_kv (link_t *L, const char *kind, const char *value)
{
	g_string_assign (L->scratch, kind);
	g_string_append_c (L->scratch, '\x1f');
	g_string_append (L->scratch, value);
	return g_string_chunk_insert_const (L->chunk, L->scratch->str);
}

static void
index_add (link_t *L, const char *kv, int64_t party, gboolean roster)
{
	GArray *a = g_hash_table_lookup (L->index, kv);
	if (!a) {
		a = g_array_new (FALSE, FALSE, sizeof (ent_t));
		g_hash_table_insert (L->index, (gpointer) kv, a);
	} else {
		for (guint i = 0; i < a->len; i++)
			if (g_array_index (a, ent_t, i).party == party)
				return;
	}
	ent_t e = { party, roster };
	g_array_append_val (a, e);
}

/* The hash of a pair's key, a << 32 | b.  g_int64_hash keeps the low 32
 * bits alone (GLib 2.74), so the pairs of one party b would all share a
 * hash: a message naming N parties makes N^2 pairs in chains of N. */
static guint
pair_hash (gconstpointer p)
{
	guint64 k = *(const guint64 *) p * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
	return (guint) (k >> 32);
}

static guint
agg_hash (gconstpointer p)
{
	const agg_t *a = p;
	return g_direct_hash (a->kv) ^ (guint) (a->party * 2654435761u) ^ (guint) (a->peer * 40503u);
}

static gboolean
agg_equal (gconstpointer x, gconstpointer y)
{
	const agg_t *a = x, *b = y;
	return a->party == b->party && a->kv == b->kv && a->peer == b->peer;
}


/* wb_norm_email ('E') or wb_norm_domain ('D') of RAW, remembered: a
 * million copies carry few distinct senders and HELO names.  Newly
 * allocated, or NULL. */
static char *
norm_cached (link_t *L, char which, const char *raw)
{
	g_string_assign (L->scratch, which == 'E' ? "E" : "D");
	g_string_append (L->scratch, raw);
	const char *v = g_hash_table_lookup (L->norm, L->scratch->str);
	if (!v) {
		char *key = g_strdup (L->scratch->str);
		char *n = which == 'E' ? wb_norm_email (raw) : wb_norm_domain (raw);
		v = g_string_chunk_insert_const (L->chunk, n ? n : "");
		g_free (n);
		g_hash_table_insert (L->norm, key, (gpointer) v);
	}
	return *v ? g_strdup (v) : NULL;
}

/* Add VALUE (owned; freed here) of KIND found at LOC to the message's items. */
static void
add_item (link_t *L, GArray *items, const char *kind, char *value, const char *loc,
	  int64_t artifact, int role, int derive)
{
	if (!value || !*value) {
		g_free (value);
		return;
	}
	const char *kv = intern_kv (L, kind, value);
	g_free (value);
	for (guint i = 0; i < items->len; i++) {
		item_t *it = &g_array_index (items, item_t, i);
		if (it->kv == kv) {
			/* The same value twice in a message: keep the first place,
			 * but a value that may define a derived party keeps that. */
			if (derive && !it->derive) {
				it->derive = derive;
				it->role = role;
			}
			return;
		}
	}
	item_t it = { kind, kv, kv + strlen (kind) + 1, g_string_chunk_insert_const (L->chunk, loc),
		      artifact, role, derive };
	g_array_append_val (items, it);
}

static GArray *
index_lookup (link_t *L, const char *kind, const char *value)
{
	g_string_assign (L->scratch, kind);
	g_string_append_c (L->scratch, '\x1f');
	g_string_append (L->scratch, value);
	return g_hash_table_lookup (L->index, L->scratch->str);
}

/* The parties a roster affiliate id matches: the full "DOMAIN KEY=VALUE",
 * then "KEY=VALUE", then the bare VALUE (as rosters often give it). */
static GArray *
lookup_affiliate (link_t *L, const item_t *it, const char **matched)
{
	*matched = it->kv;
	GArray *a = g_hash_table_lookup (L->index, it->kv);
	if (a)
		return a;
	const char *value = it->value;
	const char *sp = strchr (value, ' ');
	const char *kv = sp ? sp + 1 : value;
	const char *eq = strchr (kv, '=');
	if (sp && (a = index_lookup (L, "affiliate_id", kv))) {
		*matched = g_string_chunk_insert_const (L->chunk, L->scratch->str);
		return a;
	}
	if (eq && (a = index_lookup (L, "affiliate_id", eq + 1))) {
		*matched = g_string_chunk_insert_const (L->chunk, L->scratch->str);
		return a;
	}
	return NULL;
}

static wb_status_t
create_derived (link_t *L, const item_t *it, int64_t message)
{
	sqlite3_stmt *st = wb_case_stmt (L->cs,
		"INSERT INTO parties (name, role, derived, source, id) VALUES (?, ?, 1, ?, ?)");
	sqlite3_stmt *sa = wb_case_stmt (L->cs,
		"INSERT INTO party_attributes (party, kind, raw, value, source, message, messages)"
		" VALUES (?, ?, ?, ?, ?, ?, 0)");
	if (!st || !sa)
		return WB_ERR_DB;
	char *src = g_strdup_printf ("%s in message %" PRId64, it->kind, message);
	const char *role = it->role == ROLE_AFFILIATE ? "affiliate"
		: it->role == ROLE_ADVERTISER ? "advertiser" : "sender";
	char *key = key2 (role, it->value);
	gpointer was = NULL;
	int64_t id;
	if (g_hash_table_lookup_extended (L->old_party, key, NULL, &was)) {
		id = GPOINTER_TO_SIZE (was);
		g_hash_table_remove (L->old_party, key);      /* one party an id */
	} else
		id = L->next_party++;
	g_free (key);
	sqlite3_bind_text (st, 1, it->value, -1, SQLITE_STATIC);
	sqlite3_bind_text (st, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text (st, 3, src, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (st, 4, id);
	int rc = sqlite3_step (st);
	sqlite3_reset (st);
	g_free (src);
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (L->cs, "cannot add derived party");
	/* Its own value, as a roster row is for an imported party. */
	src = g_strdup_printf ("derived from message %" PRId64 " %s", message, it->loc);
	sqlite3_bind_int64 (sa, 1, id);
	sqlite3_bind_text (sa, 2, it->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text (sa, 3, it->value, -1, SQLITE_STATIC);
	sqlite3_bind_text (sa, 4, it->value, -1, SQLITE_STATIC);
	sqlite3_bind_text (sa, 5, src, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (sa, 6, message);
	rc = sqlite3_step (sa);
	sqlite3_reset (sa);
	g_free (src);
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (L->cs, "cannot add derived party");
	index_add (L, it->kv, id, FALSE);
	L->stats->derived++;
	return WB_OK;
}

static gboolean
has_roster_entry (GArray *a)
{
	for (guint j = 0; a && j < a->len; j++)
		if (g_array_index (a, ent_t, j).roster)
			return TRUE;
	return FALSE;
}

/* What attributing a message does, remembered for the next message with
 * the same values in the same places (the copies of one campaign). */
typedef struct {
	guint item;
	int64_t party;
	int role;             /* the party's role in the message (role_of) */
} row_t;

typedef struct {
	gboolean attributed;  /* some party by a specific role (not only mentioned) */
	GArray *rows;         /* of row_t: message_parties rows, by item */
	GPtrArray *aggs;      /* agg_t the message adds to */
} plan_t;

static void
plan_free (gpointer p)
{
	plan_t *pl = p;
	g_array_free (pl->rows, TRUE);
	g_ptr_array_free (pl->aggs, TRUE);
	g_free (pl);
}

/* One party named in a message: by item ITEM (its value), in that item's role. */
typedef struct {
	int64_t party;
	guint item;
	const char *kv;       /* interned: the value as the party has it */
} match_t;

/* The role in which a value found in role ROLE attributes a message to
 * PARTY: a roster party's own role (sender, affiliate, advertiser) when the
 * value attributes the message at all, so that a link to an affiliate's
 * tracking domain names the affiliate as affiliate, not as the advertiser,
 * and an advertiser's From address does not make it the sender.  A mention
 * stays a mention; a derived party, or a roster party of another role,
 * keeps the role of the place the value was found. */
static int
role_of (link_t *L, int64_t party, int role)
{
	if (role == ROLE_MENTIONED)
		return role;
	int64_t key = party;
	gpointer r = g_hash_table_lookup (L->roster_role, &key);
	return r ? GPOINTER_TO_INT (r) - 1 : role;
}

/* Work out the plan for ITEMS: find the parties its values name (creating
 * derived ones; *CREATED tells), and the values each pair shares through
 * the message (rule 2 in attribution.ini): each party X attributed by a
 * specific role (sender, affiliate, advertiser) gets, for each other party
 * Y named in the message by value vy, vy with Y as peer.  Nothing else. */
static wb_status_t
make_plan (link_t *L, int64_t message, GArray *items, GArray *anch, plan_t *pl,
	   gboolean *created)
{
	g_array_set_size (anch, 0);
	uint64_t plan = ++L->plans_made;
	/* A sender domain defines a derived party only when the message's
	 * sender is not already known from the roster by address or domain. */
	gboolean sender_known = FALSE;
	for (guint i = 0; i < items->len && !sender_known; i++) {
		item_t *it = &g_array_index (items, item_t, i);
		if (it->role == ROLE_SENDER && (it->kind == wb_attrib_kinds[WB_KIND_EMAIL] || it->kind == wb_attrib_kinds[WB_KIND_DOMAIN]))
			sender_known = has_roster_entry (g_hash_table_lookup (L->index, it->kv));
	}
	for (guint i = 0; i < items->len; i++) {
		item_t *it = &g_array_index (items, item_t, i);
		/* The value as the party has it (an affiliate id may match in
		 * part: "DOMAIN KEY=VALUE" against a roster's bare VALUE). */
		const char *matched = it->kv;
		GArray *a = it->kind == wb_attrib_kinds[WB_KIND_AFFILIATE_ID] ? lookup_affiliate (L, it, &matched)
			: g_hash_table_lookup (L->index, it->kv);
		if (!a && it->derive && !(it->derive == 2 && sender_known)) {
			wb_status_t st = create_derived (L, it, message);
			if (st)
				return st;
			*created = TRUE;
			a = g_hash_table_lookup (L->index, it->kv);
		}
		for (guint j = 0; a && j < a->len; j++) {
			int64_t party = g_array_index (a, ent_t, j).party;
			row_t r = { i, party, role_of (L, party, it->role) };
			pl->attributed |= it->role != ROLE_MENTIONED;
			g_array_append_val (pl->rows, r);
			match_t m = { r.party, i, matched };
			g_array_append_val (anch, m);
		}
	}
	for (guint x = 0; x < anch->len; x++) {
		match_t *mx = &g_array_index (anch, match_t, x);
		item_t *ix = &g_array_index (items, item_t, mx->item);
		if (ix->role == ROLE_MENTIONED)
			continue;
		/* Once per party X: its first specific match. */
		gboolean again = FALSE;
		for (guint k = 0; k < x && !again; k++) {
			match_t *mk = &g_array_index (anch, match_t, k);
			again = mk->party == mx->party
				&& g_array_index (items, item_t, mk->item).role != ROLE_MENTIONED;
		}
		if (again)
			continue;
		for (guint y = 0; y < anch->len; y++) {
			match_t *my = &g_array_index (anch, match_t, y);
			if (my->party == mx->party)
				continue;
			item_t *iy = &g_array_index (items, item_t, my->item);
			agg_t probe = { mx->party, iy->kind, my->kv, my->party };
			agg_t *ag = g_hash_table_lookup (L->agg, &probe);
			if (!ag) {
				ag = g_new0 (agg_t, 1);
				*ag = probe;
				ag->loc = iy->loc;
				ag->role = role_of (L, mx->party, ix->role);
				ag->peer_role = role_of (L, my->party, iy->role);
				g_hash_table_add (L->agg, ag);
			}
			/* Once per message even if Y is named twice by vy: the
			 * aggregate remembers the plan that added it last (a scan
			 * of pl->aggs made a message naming N parties cost N^4). */
			if (ag->plan != plan) {
				ag->plan = plan;
				g_ptr_array_add (pl->aggs, ag);
			}
		}
	}
	return WB_OK;
}

/* Attribute one message: record message_parties, and give each party it
 * names the message's other values. */
static wb_status_t
attribute_message (link_t *L, int64_t message, GArray *items, GArray *anch)
{
	sqlite3_stmt *ins = wb_case_stmt (L->cs,
		"INSERT OR IGNORE INTO message_parties (message, party, role, kind, value, location,"
		" artifact) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!ins)
		return WB_ERR_DB;
	/* The key: each value and where it is, in order. */
	GByteArray *key = g_byte_array_new ();
	for (guint i = 0; i < items->len; i++) {
		item_t *it = &g_array_index (items, item_t, i);
		const void *part[2] = { it->kv, it->loc };
		int flags[2] = { it->role, it->derive };
		g_byte_array_append (key, (const guint8 *) part, sizeof part);
		g_byte_array_append (key, (const guint8 *) flags, sizeof flags);
	}
	GBytes *kb = g_byte_array_free_to_bytes (key);
	plan_t *pl = g_hash_table_lookup (L->plans, kb);
	if (!pl) {
		gboolean created = FALSE;
		pl = g_new0 (plan_t, 1);
		pl->rows = g_array_new (FALSE, FALSE, sizeof (row_t));
		pl->aggs = g_ptr_array_new ();
		wb_status_t st = make_plan (L, message, items, anch, pl, &created);
		if (st) {
			plan_free (pl);
			g_bytes_unref (kb);
			return st;
		}
		/* A new party may change what earlier plans would find; a
		 * bounded memory keeps unique messages from piling up. */
		if (created || g_hash_table_size (L->plans) > 100000)
			g_hash_table_remove_all (L->plans);
		g_hash_table_insert (L->plans, g_bytes_ref (kb), pl);
	}
	g_bytes_unref (kb);
	for (guint r = 0; r < pl->rows->len; r++) {
		row_t *rw = &g_array_index (pl->rows, row_t, r);
		item_t *it = &g_array_index (items, item_t, rw->item);
		sqlite3_bind_int64 (ins, 1, message);
		sqlite3_bind_int64 (ins, 2, rw->party);
		sqlite3_bind_text (ins, 3, role_names[rw->role], -1, SQLITE_STATIC);
		sqlite3_bind_text (ins, 4, it->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text (ins, 5, it->value, -1, SQLITE_STATIC);
		sqlite3_bind_text (ins, 6, it->loc, -1, SQLITE_STATIC);
		if (it->artifact != NO_ARTIFACT)
			sqlite3_bind_int64 (ins, 7, it->artifact);
		else
			sqlite3_bind_null (ins, 7);
		int rc = sqlite3_step (ins);
		sqlite3_reset (ins);
		if (rc != SQLITE_DONE)
			return wb_case_fail_db (L->cs, "cannot attribute message");
	}
	if (pl->attributed)
		L->stats->attributed++;
	for (guint i = 0; i < pl->aggs->len; i++) {
		agg_t *ag = g_ptr_array_index (pl->aggs, i);
		if (ag->count == 0)
			ag->message = message;
		else if (ag->count <= 4)
			ag->more[ag->count - 1] = message;
		ag->count++;
	}
	return WB_OK;
}

static const char *
static_kind (const char *kind)
{
	int k = wb_attrib_kind_index (kind);
	return k >= 0 ? wb_attrib_kinds[k] : NULL;
}

/* Walk messages, artifacts and origin hops together, in message order. */
static wb_status_t
scan_messages (link_t *L)
{
	wb_status_t st = WB_OK;
	sqlite3_stmt *sm = NULL, *sa = NULL, *sh = NULL;
	GArray *items = g_array_new (FALSE, FALSE, sizeof (item_t));
	GArray *anch = g_array_new (FALSE, FALSE, sizeof (match_t));
	if (!(sm = wb_case_stmt (L->cs, "SELECT id, from_addr, return_path FROM messages ORDER BY id")) ||
	    !(sa = wb_case_stmt (L->cs, WB_LINK_ARTIFACTS_SQL)) ||
	    !(sh = wb_case_stmt (L->cs, "SELECT message, from_ip, from_host FROM hops WHERE origin = 1"
				 " ORDER BY message, idx"))) {
		st = WB_ERR_DB;
		goto done;
	}
	int ra = sqlite3_step (sa), rh = sqlite3_step (sh), rm;
	while ((rm = sqlite3_step (sm)) == SQLITE_ROW) {
		if (wb_interrupted) {
			st = wb_case_fail (L->cs, WB_ERR_INTERRUPTED, "interrupted");
			goto done;
		}
		int64_t id = sqlite3_column_int64 (sm, 0);
		L->stats->messages++;
		const char *hdr[2] = { col (sm, 1), col (sm, 2) };
		const char *hloc[2] = { "header:From", "header:Return-Path" };
		for (int h = 0; h < 2; h++) {
			if (!hdr[h] || !*hdr[h])
				continue;
			char *e = norm_cached (L, 'E', hdr[h]);
			const char *at = e ? strrchr (e, '@') : NULL;
			char *d = at && at[1] ? norm_cached (L, 'D', at + 1) : NULL;
			add_item (L, items, wb_attrib_kinds[WB_KIND_EMAIL], e, hloc[h], NO_ARTIFACT, ROLE_SENDER, 0);
			add_item (L, items, wb_attrib_kinds[WB_KIND_DOMAIN], d, hloc[h], NO_ARTIFACT, ROLE_SENDER, 2);
		}
		while (ra == SQLITE_ROW && sqlite3_column_int64 (sa, 0) < id)
			ra = sqlite3_step (sa);
		for (int64_t prev = -1; ra == SQLITE_ROW && sqlite3_column_int64 (sa, 0) == id; ra = sqlite3_step (sa)) {
			int64_t aid = sqlite3_column_int64 (sa, 1);
			/* The read's order within a copy is json_each's walk
			 * (WB_LINK_ARTIFACTS_SQL): refuse rather than attribute
			 * in another order. */
			if (aid <= prev) {
				st = wb_case_fail (L->cs, WB_ERR_DB,
						   "artifacts of copy %" PRId64 " not read in position order (%" PRId64
						   " after %" PRId64 ")", id, aid, prev);
				goto done;
			}
			prev = aid;
			const char *kind = col (sa, 2), *value = col (sa, 3), *loc = col (sa, 4);
			if (!kind || !value || !loc)
				continue;
			/* Advertised domains are those links lead to (body:href, or
			 * URLs in plain text), and the targets those links redirect
			 * to (body:href>redirect...), not images (body:src). */
			gboolean body = (g_str_has_prefix (loc, "body:href") || g_str_has_prefix (loc, "body:text"))
				&& (!loc[9] || loc[9] == '>');
			/* Sender headers; other headers (List-Unsubscribe, To)
			 * only mention. */
			gboolean header = !strcmp (loc, "header:From") || !strcmp (loc, "header:Reply-To")
				|| !strcmp (loc, "header:Sender") || !strcmp (loc, "header:Return-Path");
			if (!strcmp (kind, "email")) {
				/* Sender headers (From, Reply-To, Sender, Return-Path):
				 * the address and its domain attribute; elsewhere an
				 * address only mentions. */
				add_item (L, items, wb_attrib_kinds[WB_KIND_EMAIL], g_strdup (value), loc, aid,
					  header ? ROLE_SENDER : ROLE_MENTIONED, 0);
				const char *at = header ? strrchr (value, '@') : NULL;
				if (at && at[1])
					add_item (L, items, wb_attrib_kinds[WB_KIND_DOMAIN], norm_cached (L, 'D', at + 1), loc,
						  aid, ROLE_SENDER, 0);
			}
			else if (!strcmp (kind, "phone"))
				add_item (L, items, wb_attrib_kinds[WB_KIND_PHONE], g_strdup (value), loc, aid, ROLE_MENTIONED, 0);
			else if (!strcmp (kind, "postal"))
				add_item (L, items, wb_attrib_kinds[WB_KIND_ADDRESS], g_strdup (value), loc, aid, ROLE_MENTIONED, 0);
			else if (!strcmp (kind, "affiliate_id")) {
				/* "DOMAIN KEY=VALUE": only affiliate keys name an
				 * affiliate; tracking keys (sid, subid, ...) are left. */
				const char *sp = strchr (value, ' ');
				const char *kv = sp ? sp + 1 : value;
				const char *eq = strchr (kv, '=');
				if (!eq)
					continue;
				char *key = g_strndup (kv, eq - kv);
				gboolean aff = wb_attrib_affiliate_key (L->conf, key);
				g_free (key);
				if (aff)
					add_item (L, items, wb_attrib_kinds[WB_KIND_AFFILIATE_ID], g_strdup (value), loc, aid,
						  ROLE_AFFILIATE, 1);
			}
			else if (!strcmp (kind, "domain") && body)
				add_item (L, items, wb_attrib_kinds[WB_KIND_DOMAIN], g_strdup (value), loc, aid,
					  ROLE_ADVERTISER, 1);
			else if (!strcmp (kind, "url") && body)
				add_item (L, items, wb_attrib_kinds[WB_KIND_DOMAIN], norm_cached (L, 'D', value), loc, aid,
					  ROLE_ADVERTISER, 1);
		}
		while (rh == SQLITE_ROW && sqlite3_column_int64 (sh, 0) < id)
			rh = sqlite3_step (sh);
		for (; rh == SQLITE_ROW && sqlite3_column_int64 (sh, 0) == id; rh = sqlite3_step (sh)) {
			const char *ip = col (sh, 1), *helo = col (sh, 2);
			if (ip && g_hostname_is_ip_address (ip))
				add_item (L, items, wb_attrib_kinds[WB_KIND_IP], g_strdup (ip), "hop:origin", NO_ARTIFACT,
					  ROLE_SENDER, 1);
			if (helo && !g_hostname_is_ip_address (helo))
				add_item (L, items, wb_attrib_kinds[WB_KIND_DOMAIN], norm_cached (L, 'D', helo), "hop:origin HELO",
					  NO_ARTIFACT, ROLE_SENDER, 1);
		}
		st = attribute_message (L, id, items, anch);
		g_array_set_size (items, 0);
		if (st)
			goto done;
	}
	if (rm != SQLITE_DONE || (ra != SQLITE_ROW && ra != SQLITE_DONE) ||
	    (rh != SQLITE_ROW && rh != SQLITE_DONE))
		st = wb_case_fail_db (L->cs, "cannot read messages");
done:
	g_array_free (items, TRUE);
	g_array_free (anch, TRUE);
	sqlite3_reset (sm);
	sqlite3_reset (sa);
	sqlite3_reset (sh);
	return st;
}

/* The values of a hash table (not owned) in a new array. */
static GPtrArray *
values_array (GHashTable *h)
{
	GPtrArray *a = g_ptr_array_sized_new (g_hash_table_size (h));
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init (&it, h);
	while (g_hash_table_iter_next (&it, NULL, &v))
		g_ptr_array_add (a, v);
	return a;
}

static gint
agg_cmp (gconstpointer x, gconstpointer y)
{
	const agg_t *a = *(agg_t **) x, *b = *(agg_t **) y;
	if (a->party != b->party)
		return a->party < b->party ? -1 : 1;
	int c = strcmp (a->kv, b->kv);
	if (c)
		return c;
	return a->peer < b->peer ? -1 : a->peer > b->peer;
}

/* Store what each party shares through messages: one row per (party X,
 * value, peer Y), its source naming the messages. */
static wb_status_t
write_message_attributes (link_t *L)
{
	GPtrArray *all = values_array (L->agg);
	g_ptr_array_sort (all, agg_cmp);
	wb_status_t st = WB_OK;
	GHashTable *names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
	sqlite3_stmt *sn = wb_case_stmt (L->cs, "SELECT id, name FROM parties");
	sqlite3_stmt *ins = wb_case_stmt (L->cs,
		"INSERT INTO party_attributes (party, kind, raw, value, source, message, messages, peer)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!ins || !sn) {
		st = WB_ERR_DB;
		goto done;
	}
	while (sqlite3_step (sn) == SQLITE_ROW) {
		int64_t *id = g_new (int64_t, 1);
		*id = sqlite3_column_int64 (sn, 0);
		g_hash_table_insert (names, id, g_strdup (col (sn, 1)));
	}
	sqlite3_reset (sn);
	for (guint i = 0; i < all->len; i++) {
		agg_t *a = g_ptr_array_index (all, i);
		const char *value = a->kv + strlen (a->kind) + 1;
		/* "message 1 body:text (attributed as affiliate; names PureCash LLC
		 * by phone, mentioned); also messages 2, 3, 4, 5 and 995 more" */
		GString *sb = g_string_new (NULL);
		const char *peer = g_hash_table_lookup (names, &a->peer);
		g_string_printf (sb, "message %" PRId64 " %s (attributed as %s; names %s by %s, %s)",
				 a->message, a->loc, role_names[a->role], peer ? peer : "?", a->kind,
				 role_names[a->peer_role]);
		for (int64_t k = 0; k < a->count - 1 && k < 4; k++)
			g_string_append_printf (sb, "%s%" PRId64, k ? ", " : a->count > 2 ? "; also messages "
						: "; also message ", a->more[k]);
		if (a->count > 5)
			g_string_append_printf (sb, " and %" PRId64 " more", a->count - 5);
		char *src = g_string_free (sb, FALSE);
		sqlite3_bind_int64 (ins, 1, a->party);
		sqlite3_bind_text (ins, 2, a->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text (ins, 3, value, -1, SQLITE_STATIC);
		sqlite3_bind_text (ins, 4, value, -1, SQLITE_STATIC);
		sqlite3_bind_text (ins, 5, src, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64 (ins, 6, a->message);
		sqlite3_bind_int64 (ins, 7, a->count);
		sqlite3_bind_int64 (ins, 8, a->peer);
		int rc = sqlite3_step (ins);
		sqlite3_reset (ins);
		g_free (src);
		if (rc != SQLITE_DONE) {
			st = wb_case_fail_db (L->cs, "cannot store party attributes");
			goto done;
		}
	}
done:
	g_hash_table_destroy (names);
	g_ptr_array_free (all, TRUE);
	return st;
}

static gint
pair_cmp (gconstpointer x, gconstpointer y)
{
	const pair_t *a = *(pair_t **) x, *b = *(pair_t **) y;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static void
pair_free (gpointer p)
{
	pair_t *pr = p;
	g_array_free (pr->ev, TRUE);
	g_array_free (pr->via, TRUE);
	g_free (pr);
}

static int
uf_find (party_t *ps, int i)
{
	while (ps[i].uf != i) {
		ps[i].uf = ps[ps[i].uf].uf;
		i = ps[i].uf;
	}
	return i;
}

/* Order of a link's evidence (indices into EVS): heaviest first, then by
 * kind and value, the order the summary names shared values in. */
static gint
ev_by_weight (gconstpointer x, gconstpointer y, gpointer evs)
{
	const ev_t *a = &g_array_index ((GArray *) evs, ev_t, *(const guint *) x);
	const ev_t *b = &g_array_index ((GArray *) evs, ev_t, *(const guint *) y);
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	int c = strcmp (a->kind, b->kind);
	return c ? c : strcmp (a->value, b->value);
}

/* The one line a person reads about a link: the heaviest shared values
 * (five at most), why it is weak at most if it is, and what differs. */
static char *
link_summary (const wb_attrib_conf_t *conf, const char *strength, double score, pair_t *pr,
	      GArray *evs, guint32 differ, const char *name_a, const char *name_b)
{
	GString *s = g_string_new (NULL);
	GArray *order = g_array_copy (pr->ev);
	g_array_sort_with_data (order, ev_by_weight, evs);
	g_string_append_printf (s, "%s %.2f: shares ", strength, score);
	for (guint i = 0; i < order->len && i < 5; i++) {
		ev_t *e = &g_array_index (evs, ev_t, g_array_index (order, guint, i));
		g_string_append_printf (s, "%s%s %s", i ? ", " : "", e->kind, e->value);
		if (e->df > 2)
			g_string_append_printf (s, " (%" PRId64 " parties)", e->df);
	}
	if (order->len > 5)
		g_string_append_printf (s, " and %u more", order->len - 5);
	if (pr->all_unspecific) {
		/* Say why: kinds never enough alone, or values many parties have. */
		GPtrArray *kinds = g_ptr_array_new ();
		for (guint i = 0; i < order->len; i++)
			g_ptr_array_add (kinds, (gpointer) g_array_index (evs, ev_t, g_array_index (order, guint, i)).kind);
		g_string_append (s, "; weak at most: only unspecific values are shared (");
		wb_attrib_why_weak (conf, kinds, s);
		g_string_append_c (s, ')');
		g_ptr_array_free (kinds, TRUE);
	}
	/* Which values were found in the messages attributed to one of them. */
	for (guint8 side = 1; side <= 2; side++) {
		guint32 kinds = 0;
		for (guint i = 0; i < pr->ev->len; i++)
			if (g_array_index (pr->via, guint8, i) & side)
				kinds |= 1u << wb_attrib_kind_index (
					g_array_index (evs, ev_t, g_array_index (pr->ev, guint, i)).kind);
		if (!kinds)
			continue;
		g_string_append (s, "; ");
		gboolean first = TRUE;
		for (int k = 0; wb_attrib_kinds[k]; k++)
			if (kinds & (1u << k)) {
				g_string_append_printf (s, "%s%s", first ? "" : ", ", wb_attrib_kinds[k]);
				first = FALSE;
			}
		g_string_append_printf (s, " also found in messages attributed to %s",
					side == 1 ? name_a : name_b);
	}
	if (differ) {
		g_string_append (s, "; differs in ");
		gboolean first = TRUE;
		for (int k = 0; wb_attrib_kinds[k]; k++)
			if (differ & (1u << k)) {
				g_string_append_printf (s, "%s%s", first ? "" : ", ", wb_attrib_kinds[k]);
				first = FALSE;
			}
	}
	g_array_free (order, TRUE);
	return g_string_free (s, FALSE);
}

typedef struct {
	char *a, *b, *review, *note;
} review_t;

static void
review_free (gpointer p)
{
	review_t *r = p;
	g_free (r->a);
	g_free (r->b);
	g_free (r->review);
	g_free (r->note);
	g_free (r);
}

/* The working state of build_links: the parties, the values they share
 * (evs) and the pairs those values make. */
typedef struct {
	link_t *L;
	GArray *parr;         /* party_t, by id */
	GHashTable *pidx;     /* &party id -> index in parr + 1 */
	GHashTable *byname;   /* case-folded name -> index in parr + 1 (the first) */
	GHashTable *pairs;    /* (a << 32 | b) -> pair_t */
	GArray *evs;          /* ev_t: each value that weighs something */
	GHashTable *revs;     /* (a << 32 | b) -> review_t, owned by the caller */
	GPtrArray *revkeys;   /* the keys of revs */
} build_t;

/* One value of one kind: the rows of party_attributes that have it. */
typedef struct {
	char *kind, *value;
	int64_t df;           /* parties having it as their own (roster, derived) */
	int64_t last;         /* the last such party counted */
	gboolean shared;      /* some party has it through messages */
	GArray *grp;          /* of int64_t: (party, -1) own, (party, peer) shared */
} group_t;

/* A value two parties share, as it adds to their pair. */
typedef struct {
	guint ei;             /* index into evs */
	double weight;
	gboolean unspecific;
	int kind;             /* index in wb_attrib_kinds */
} share_t;

static void
build_clear (build_t *B)
{
	for (guint i = 0; i < B->parr->len; i++)
		g_free (g_array_index (B->parr, party_t, i).name);
	g_array_free (B->parr, TRUE);
	g_hash_table_destroy (B->pidx);
	g_hash_table_destroy (B->byname);
	g_hash_table_destroy (B->pairs);
	g_array_free (B->evs, TRUE);
	g_hash_table_destroy (B->revs);
	g_ptr_array_free (B->revkeys, TRUE);
}

/* Every party, in id order, indexed by id and by case-folded name. */
static wb_status_t
load_parties (build_t *B)
{
	sqlite3_stmt *sp = wb_case_stmt (B->L->cs, "SELECT id, name FROM parties ORDER BY id");
	if (!sp)
		return WB_ERR_DB;
	while (sqlite3_step (sp) == SQLITE_ROW) {
		party_t p = { sqlite3_column_int64 (sp, 0), g_strdup (col (sp, 1)), 0, B->parr->len };
		g_array_append_val (B->parr, p);
		char *lname = g_utf8_casefold (p.name ? p.name : "", -1);
		if (!g_hash_table_contains (B->byname, lname))
			g_hash_table_insert (B->byname, lname, GINT_TO_POINTER (B->parr->len));
		else
			g_free (lname);
	}
	sqlite3_reset (sp);
	for (guint i = 0; i < B->parr->len; i++)
		g_hash_table_insert (B->pidx, &g_array_index (B->parr, party_t, i).id,
				     GUINT_TO_POINTER (i + 1));
	B->L->stats->parties = B->parr->len;
	return WB_OK;
}

/* The pair of parties A < B, made empty if new. */
static pair_t *
pair_get (build_t *B, int64_t a, int64_t b)
{
	int64_t key = (a << 32) | b;
	pair_t *pr = g_hash_table_lookup (B->pairs, &key);
	if (!pr) {
		pr = g_new0 (pair_t, 1);
		pr->a = a;
		pr->b = b;
		pr->all_unspecific = TRUE;
		pr->ev = g_array_new (FALSE, FALSE, sizeof (guint));
		pr->via = g_array_new (FALSE, FALSE, sizeof (guint8));
		g_hash_table_insert (B->pairs, g_memdup2 (&key, sizeof key), pr);
	}
	return pr;
}

/* Score the pair of X and Z for a value they share: once per value, the
 * side (1 X's if X is the lower id, else 2) noted when X has it through
 * the messages attributed to it. */
static void
score_pair (build_t *B, int64_t x, int64_t z, gboolean through, const share_t *sh)
{
	if (z == x)
		return;
	int64_t a = MIN (x, z), b = MAX (x, z);
	guint8 via = !through ? 0 : x == a ? 1 : 2;
	pair_t *pr = pair_get (B, a, b);
	if (pr->ev->len && g_array_index (pr->ev, guint, pr->ev->len - 1) == sh->ei) {
		g_array_index (pr->via, guint8, pr->via->len - 1) |= via;
		return;
	}
	pr->score += sh->weight;
	pr->all_unspecific &= sh->unspecific;
	pr->shared_kinds |= 1u << sh->kind;
	g_array_append_val (pr->ev, sh->ei);
	g_array_append_val (pr->via, via);
}

/* Weigh the value of group G and score the pairs it makes: each two of
 * its own holders, and each holder with the peer it shares it with
 * through messages (rule 2).  Leaves G empty. */
static void
close_group (build_t *B, group_t *g)
{
	link_t *L = B->L;
	double spec;
	if (g->shared && g->df < 2)
		g->df = 2;
	double w = wb_attrib_weight (L->conf, g->kind, B->parr->len, g->df, &spec);
	if (g->df > L->conf->max_parties)
		L->stats->values_capped++;
	if (w > 0) {
		ev_t e = { static_kind (g->kind), g_string_chunk_insert_const (L->chunk, g->value),
			   w, g->df };
		share_t sh = { B->evs->len, w, wb_attrib_unspecific (L->conf, g->kind, spec),
			       wb_attrib_kind_index (g->kind) };
		g_array_append_val (B->evs, e);
		GArray *grp = g->grp;
		for (guint i = 0; i < grp->len; i += 2) {
			int64_t x = g_array_index (grp, int64_t, i);
			int64_t y = g_array_index (grp, int64_t, i + 1);
			if (y >= 0) {
				score_pair (B, x, y, TRUE, &sh);
				continue;
			}
			for (guint j = i + 2; j < grp->len; j += 2)
				if (g_array_index (grp, int64_t, j + 1) < 0)
					score_pair (B, x, g_array_index (grp, int64_t, j), FALSE, &sh);
		}
	}
	g_array_set_size (g->grp, 0);
	g_clear_pointer (&g->kind, g_free);
	g_clear_pointer (&g->value, g_free);
	g->df = 0;
	g->last = -1;
	g->shared = FALSE;
}

/* Add a row of party_attributes (PARTY has KIND VALUE, through PEER's
 * messages if PEER >= 0) to group G. */
static void
group_add (build_t *B, group_t *g, const char *kind, const char *value, int64_t p, int64_t peer)
{
	if (!g->kind) {
		g->kind = g_strdup (kind);
		g->value = g_strdup (value);
	}
	/* df: the parties having the value as their own (roster, derived);
	 * one owner shared with through messages counts 2. */
	if (peer < 0 && p != g->last) {
		g->df++;
		g->last = p;
	}
	if (peer >= 0)
		g->shared = TRUE;
	/* A group larger than max_parties weighs nothing: stop keeping it. */
	if (g->df <= B->L->conf->max_parties || peer >= 0) {
		g_array_append_val (g->grp, p);
		g_array_append_val (g->grp, peer);
	}
	guint pi = GPOINTER_TO_UINT (g_hash_table_lookup (B->pidx, &p));
	if (pi && peer < 0)
		g_array_index (B->parr, party_t, pi - 1).kinds |= 1u << wb_attrib_kind_index (kind);
}

/* Every compared value, grouped.  The parties that have the value as
 * their own (roster, derived) pair up; a row with a peer pairs its party
 * with the peer (shared through messages, rule 2).  Each pair counts a
 * value once. */
static wb_status_t
collect_pairs (build_t *B)
{
	wb_case_t *cs = B->L->cs;
	sqlite3_stmt *sv = wb_case_stmt (cs,
		"SELECT kind, value, party, peer FROM party_attributes WHERE value IS NOT NULL"
		" AND kind IN (SELECT value FROM json_each(?1)) ORDER BY kind, value, party");
	if (!sv)
		return WB_ERR_DB;
	sqlite3_bind_text (sv, 1, wb_attrib_kinds_json ((1u << WB_KIND_COUNT) - 1), -1, SQLITE_STATIC);
	group_t g = { NULL, NULL, 0, -1, FALSE, g_array_new (FALSE, FALSE, sizeof (int64_t)) };
	int rc;
	while ((rc = sqlite3_step (sv)) == SQLITE_ROW) {
		const char *kind = col (sv, 0), *value = col (sv, 1);
		if (g.kind && (strcmp (kind, g.kind) || strcmp (value, g.value)))
			close_group (B, &g);
		int64_t peer = sqlite3_column_type (sv, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64 (sv, 3);
		group_add (B, &g, kind, value, sqlite3_column_int64 (sv, 2), peer);
	}
	if (g.kind)
		close_group (B, &g);
	g_array_free (g.grp, TRUE);
	sqlite3_reset (sv);
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (cs, "cannot read party attributes");
	return WB_OK;
}

/* Reviews carried over from the previous links, by party name: each
 * becomes a pair (if the values made none) and is kept in B->revs. */
static void
apply_reviews (build_t *B, GPtrArray *reviews)
{
	for (guint i = 0; i < reviews->len; i++) {
		review_t *r = g_ptr_array_index (reviews, i);
		guint ia = GPOINTER_TO_UINT (g_hash_table_lookup (B->byname, r->a));
		guint ib = GPOINTER_TO_UINT (g_hash_table_lookup (B->byname, r->b));
		if (!ia || !ib || ia == ib)
			continue;
		int64_t a = g_array_index (B->parr, party_t, ia - 1).id;
		int64_t b = g_array_index (B->parr, party_t, ib - 1).id;
		int64_t *key = g_new (int64_t, 1);
		*key = (MIN (a, b) << 32) | MAX (a, b);
		g_ptr_array_add (B->revkeys, key);
		g_hash_table_insert (B->revs, key, r);
		if (!g_hash_table_contains (B->pairs, key))
			pair_get (B, MIN (a, b), MAX (a, b))->all_unspecific = FALSE;
	}
}

/* Store the link of pair PR (with IL) and its evidence (with IE), unless
 * it is no link and no review keeps it; count it in the stats. */
static wb_status_t
write_link (build_t *B, pair_t *pr, sqlite3_stmt *il, sqlite3_stmt *ie)
{
	link_t *L = B->L;
	int64_t key = (pr->a << 32) | pr->b;
	review_t *r = g_hash_table_lookup (B->revs, &key);
	const char *strength = wb_attrib_strength (L->conf, pr->score, pr->all_unspecific);
	int rank = wb_attrib_strength_rank (strength);
	if (rank == 0 && !r)
		return WB_OK;
	guint ia = GPOINTER_TO_UINT (g_hash_table_lookup (B->pidx, &pr->a));
	guint ib = GPOINTER_TO_UINT (g_hash_table_lookup (B->pidx, &pr->b));
	party_t *pa = &g_array_index (B->parr, party_t, ia - 1);
	party_t *pb = &g_array_index (B->parr, party_t, ib - 1);
	guint32 differ = (pa->kinds & pb->kinds) & ~pr->shared_kinds;
	char *summary = pr->ev->len ? link_summary (L->conf, strength, pr->score, pr, B->evs, differ,
						     pa->name, pb->name)
		: g_strdup ("none: no shared values");
	gpointer was = NULL;
	int64_t lid = g_hash_table_lookup_extended (L->old_link, &key, NULL, &was)
		? (int64_t) GPOINTER_TO_SIZE (was) : L->next_link++;
	sqlite3_bind_int64 (il, 1, pr->a);
	sqlite3_bind_int64 (il, 2, pr->b);
	sqlite3_bind_double (il, 3, round (pr->score * 10000.0) / 10000.0);
	sqlite3_bind_text (il, 4, strength, -1, SQLITE_STATIC);
	sqlite3_bind_text (il, 5, r ? r->review : NULL, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (il, 6, r ? r->note : NULL, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (il, 7, summary, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (il, 8, lid);
	int rc = sqlite3_step (il);
	sqlite3_reset (il);
	g_free (summary);
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (L->cs, "cannot store link");
	for (guint j = 0; j < pr->ev->len && rc == SQLITE_DONE; j++) {
		ev_t *e = &g_array_index (B->evs, ev_t, g_array_index (pr->ev, guint, j));
		sqlite3_bind_int64 (ie, 1, lid);
		sqlite3_bind_text (ie, 2, e->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text (ie, 3, e->value, -1, SQLITE_STATIC);
		sqlite3_bind_double (ie, 4, round (e->weight * 10000.0) / 10000.0);
		sqlite3_bind_int64 (ie, 5, e->df);
		rc = sqlite3_step (ie);
		sqlite3_reset (ie);
	}
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (L->cs, "cannot store link evidence");
	L->stats->links++;
	if (r)
		L->stats->reviews_kept++;
	if (rank == 3)
		L->stats->strong++;
	else if (rank == 2)
		L->stats->moderate++;
	else if (rank == 1)
		L->stats->weak++;
	return WB_OK;
}

/* Every pair in order of its parties' ids: the order link ids are given in. */
static wb_status_t
write_links (build_t *B)
{
	wb_case_t *cs = B->L->cs;
	sqlite3_stmt *il = wb_case_stmt (cs,
		"INSERT INTO links (party_a, party_b, score, strength, review, note, summary, id)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *ie = wb_case_stmt (cs,
		"INSERT INTO link_evidence (link, kind, value, weight, parties) VALUES (?, ?, ?, ?, ?)");
	if (!il || !ie)
		return WB_ERR_DB;
	GPtrArray *plist = values_array (B->pairs);
	g_ptr_array_sort (plist, pair_cmp);
	wb_status_t st = WB_OK;
	for (guint i = 0; i < plist->len && st == WB_OK; i++)
		st = write_link (B, g_ptr_array_index (plist, i), il, ie);
	g_ptr_array_free (plist, TRUE);
	return st;
}

/* Rebuild links and link_evidence from party_attributes, keeping the
 * REVIEWS (review_t) of the previous links. */
static wb_status_t
build_links (link_t *L, GPtrArray *reviews)
{
	build_t B = {
		.L = L,
		.parr = g_array_new (FALSE, TRUE, sizeof (party_t)),
		.pidx = g_hash_table_new (g_int64_hash, g_int64_equal),
		.byname = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
		.pairs = g_hash_table_new_full (pair_hash, g_int64_equal, g_free, pair_free),
		.evs = g_array_new (FALSE, FALSE, sizeof (ev_t)),
		.revs = g_hash_table_new (pair_hash, g_int64_equal),
		.revkeys = g_ptr_array_new_with_free_func (g_free),
	};
	wb_status_t st = load_parties (&B);
	if (st == WB_OK)
		st = collect_pairs (&B);
	if (st == WB_OK) {
		apply_reviews (&B, reviews);
		st = write_links (&B);
	}
	build_clear (&B);
	return st;
}

wb_status_t
wb_attrib_clusters (wb_case_t *cs, int64_t *count)
{
	wb_status_t st = WB_OK;
	sqlite3_stmt *sp = NULL, *sl = NULL;
	GArray *parr = g_array_new (FALSE, TRUE, sizeof (party_t));
	GHashTable *pidx = g_hash_table_new (g_int64_hash, g_int64_equal);
	GArray *size = NULL, *cid = NULL;
	int64_t next = 0;
	if ((st = wb_case_exec (cs, "DELETE FROM cluster_members; DELETE FROM clusters;",
				"cannot rebuild links")))
		goto done;
	if (!(sp = wb_case_stmt (cs, "SELECT id FROM parties ORDER BY id")) ||
	    !(sl = wb_case_stmt (cs, "SELECT party_a, party_b FROM links WHERE review = 'confirmed'"
				 " OR (review IS NULL AND strength IN ('moderate', 'strong'))"))) {
		st = WB_ERR_DB;
		goto done;
	}
	while (sqlite3_step (sp) == SQLITE_ROW) {
		party_t p = { sqlite3_column_int64 (sp, 0), NULL, 0, parr->len };
		g_array_append_val (parr, p);
	}
	for (guint i = 0; i < parr->len; i++)
		g_hash_table_insert (pidx, &g_array_index (parr, party_t, i).id, GUINT_TO_POINTER (i + 1));
	party_t *ps = (party_t *) parr->data;
	while (sqlite3_step (sl) == SQLITE_ROW) {
		int64_t a = sqlite3_column_int64 (sl, 0), b = sqlite3_column_int64 (sl, 1);
		guint ia = GPOINTER_TO_UINT (g_hash_table_lookup (pidx, &a));
		guint ib = GPOINTER_TO_UINT (g_hash_table_lookup (pidx, &b));
		if (!ia || !ib)
			continue;
		int x = uf_find (ps, ia - 1), y = uf_find (ps, ib - 1);
		/* The smaller index is the root: clusters number by smallest id. */
		if (x < y)
			ps[y].uf = x;
		else if (y < x)
			ps[x].uf = y;
	}
	size = g_array_new (FALSE, TRUE, sizeof (int64_t));
	g_array_set_size (size, parr->len);
	cid = g_array_new (FALSE, TRUE, sizeof (int64_t));
	g_array_set_size (cid, parr->len);
	for (guint i = 0; i < parr->len; i++)
		g_array_index (size, int64_t, uf_find (ps, i))++;
	sqlite3_stmt *ic = wb_case_stmt (cs, "INSERT INTO clusters (id, size) VALUES (?, ?)");
	sqlite3_stmt *im = wb_case_stmt (cs, "INSERT INTO cluster_members (cluster, party) VALUES (?, ?)");
	if (!ic || !im) {
		st = WB_ERR_DB;
		goto done;
	}
	for (guint i = 0; i < parr->len; i++) {
		int root = uf_find (ps, i);
		if (g_array_index (size, int64_t, root) < 2)
			continue;
		if (!g_array_index (cid, int64_t, root)) {
			g_array_index (cid, int64_t, root) = ++next;
			sqlite3_bind_int64 (ic, 1, next);
			sqlite3_bind_int64 (ic, 2, g_array_index (size, int64_t, root));
			int rc = sqlite3_step (ic);
			sqlite3_reset (ic);
			if (rc != SQLITE_DONE) {
				st = wb_case_fail_db (cs, "cannot store clusters");
				goto done;
			}
		}
		sqlite3_bind_int64 (im, 1, g_array_index (cid, int64_t, root));
		sqlite3_bind_int64 (im, 2, ps[i].id);
		int rc = sqlite3_step (im);
		sqlite3_reset (im);
		if (rc != SQLITE_DONE) {
			st = wb_case_fail_db (cs, "cannot store clusters");
			goto done;
		}
	}
done:
	if (count)
		*count = next;
	sqlite3_reset (sp);
	sqlite3_reset (sl);
	g_hash_table_destroy (pidx);
	g_array_free (parr, TRUE);
	if (size)
		g_array_free (size, TRUE);
	if (cid)
		g_array_free (cid, TRUE);
	return st;
}

/* The largest of SQL's single value and case_info KEY, as a number. */
static int64_t
id_mark (wb_case_t *cs, const char *sql, const char *key)
{
	int64_t v = 0;
	sqlite3_stmt *q = wb_case_stmt (cs, sql);
	if (q && sqlite3_step (q) == SQLITE_ROW)
		v = sqlite3_column_int64 (q, 0);
	if (q)
		sqlite3_reset (q);
	char *m = wb_case_info (cs, key);
	if (m)
		v = MAX (v, g_ascii_strtoll (m, NULL, 10));
	g_free (m);
	return v;
}

/* The ids of the previous run's derived parties and links, before they
 * are deleted, and the first ids never given. */
static wb_status_t
load_old_ids (link_t *L)
{
	sqlite3_stmt *q = wb_case_stmt (L->cs, "SELECT id, role, name FROM parties WHERE derived = 1");
	if (!q)
		return WB_ERR_DB;
	while (sqlite3_step (q) == SQLITE_ROW)
		g_hash_table_insert (L->old_party, key2 (col (q, 1), col (q, 2)),
				     GSIZE_TO_POINTER (sqlite3_column_int64 (q, 0)));
	sqlite3_reset (q);
	if (!(q = wb_case_stmt (L->cs, "SELECT id, party_a, party_b FROM links")))
		return WB_ERR_DB;
	while (sqlite3_step (q) == SQLITE_ROW) {
		int64_t *k = g_new (int64_t, 1);
		*k = (sqlite3_column_int64 (q, 1) << 32) | sqlite3_column_int64 (q, 2);
		g_hash_table_insert (L->old_link, k, GSIZE_TO_POINTER (sqlite3_column_int64 (q, 0)));
	}
	sqlite3_reset (q);
	L->next_party = id_mark (L->cs, "SELECT max(id) FROM parties", "party_id_max") + 1;
	L->next_link = id_mark (L->cs, "SELECT max(id) FROM links", "link_id_max") + 1;
	return WB_OK;
}

static wb_status_t
save_id_marks (link_t *L)
{
	char p[32], l[32];
	g_snprintf (p, sizeof p, "%" PRId64, L->next_party - 1);
	g_snprintf (l, sizeof l, "%" PRId64, L->next_link - 1);
	wb_status_t st = wb_case_set_info (L->cs, "party_id_max", p);
	return st ? st : wb_case_set_info (L->cs, "link_id_max", l);
}

wb_status_t
wb_attrib_link (wb_case_t *cs, const wb_attrib_conf_t *conf, wb_attrib_stats_t *stats)
{
	wb_status_t st;
	link_t L = { cs, conf };
	memset (stats, 0, sizeof *stats);
	L.stats = stats;
	L.index = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
					 (GDestroyNotify) g_array_unref);
	L.agg = g_hash_table_new_full (agg_hash, agg_equal, g_free, NULL);
	L.scratch = g_string_new (NULL);
	L.norm = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	L.plans = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
					 (GDestroyNotify) g_bytes_unref, plan_free);
	L.chunk = g_string_chunk_new (1 << 16);
	L.old_party = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	L.old_link = g_hash_table_new_full (pair_hash, g_int64_equal, g_free, NULL);
	L.roster_role = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	GPtrArray *reviews = g_ptr_array_new_with_free_func (review_free);
	sqlite3_stmt *sr = NULL;
	/* A large page cache keeps a big rebuild off the disk until commit;
	 * put back at the end (a shell session keeps its connection). */
	int64_t cache_before = wb_case_cache_set (cs, 262144);

	/* Keep the analysts' reviews, by the names of the two parties. */
	if (!(sr = wb_case_stmt (cs,
		"SELECT pa.name, pb.name, l.review, l.note FROM links l JOIN parties pa ON pa.id = l.party_a"
		" JOIN parties pb ON pb.id = l.party_b WHERE l.review IS NOT NULL ORDER BY l.id"))) {
		st = WB_ERR_DB;
		goto done;
	}
	while (sqlite3_step (sr) == SQLITE_ROW) {
		review_t *r = g_new0 (review_t, 1);
		r->a = g_utf8_casefold (col (sr, 0), -1);
		r->b = g_utf8_casefold (col (sr, 1), -1);
		r->review = g_strdup (col (sr, 2));
		r->note = g_strdup (col (sr, 3));
		g_ptr_array_add (reviews, r);
	}
	if ((st = load_old_ids (&L)))
		goto done;
	/* The index on message_parties is built once after the bulk insert. */
	if ((st = wb_case_exec (cs,
		"DROP INDEX IF EXISTS message_parties_party;"
		" DELETE FROM cluster_members; DELETE FROM clusters; DELETE FROM link_evidence;"
		" DELETE FROM links; DELETE FROM message_parties;"
		" DELETE FROM party_attributes WHERE message IS NOT NULL"
		"  OR party IN (SELECT id FROM parties WHERE derived = 1);"
		" DELETE FROM parties WHERE derived = 1;"
		" DELETE FROM case_info WHERE key = 'relink';", "cannot rebuild links")))
		goto done;

	/* The roster's values: what messages are matched against. */
	sqlite3_stmt *sa = wb_case_stmt (cs,
		"SELECT party, kind, value FROM party_attributes WHERE value IS NOT NULL"
		" AND kind IN (SELECT value FROM json_each(?1)) ORDER BY id");
	if (!sa) {
		st = WB_ERR_DB;
		goto done;
	}
	sqlite3_bind_text (sa, 1, wb_attrib_kinds_json (WB_KINDS_IN_MESSAGES), -1, SQLITE_STATIC);
	while (sqlite3_step (sa) == SQLITE_ROW) {
		int64_t p = sqlite3_column_int64 (sa, 0);
		const char *kind = static_kind (col (sa, 1));
		index_add (&L, intern_kv (&L, kind, col (sa, 2)), p, TRUE);
	}
	sqlite3_reset (sa);
	sqlite3_stmt *sp = wb_case_stmt (cs, "SELECT id, role FROM parties WHERE derived = 0");
	if (!sp) {
		st = WB_ERR_DB;
		goto done;
	}
	while (sqlite3_step (sp) == SQLITE_ROW) {
		const char *role = col (sp, 1);
		for (int r = ROLE_SENDER; role && r < ROLE_MENTIONED; r++)
			if (g_ascii_strcasecmp (role, role_names[r]) == 0) {
				int64_t *id = g_new (int64_t, 1);
				*id = sqlite3_column_int64 (sp, 0);
				g_hash_table_insert (L.roster_role, id, GINT_TO_POINTER (r + 1));
			}
	}
	sqlite3_reset (sp);

	if ((st = scan_messages (&L)))
		goto done;
	if ((st = wb_case_exec (cs, "CREATE INDEX message_parties_party ON message_parties(party)",
				"cannot rebuild links")))
		goto done;
	if ((st = write_message_attributes (&L)))
		goto done;
	if ((st = build_links (&L, reviews)))
		goto done;
	if ((st = save_id_marks (&L)))
		goto done;
	st = wb_attrib_clusters (cs, &stats->clusters);
done:
	wb_case_cache_restore (cs, cache_before);
	g_hash_table_destroy (L.old_party);
	g_hash_table_destroy (L.old_link);
	g_hash_table_destroy (L.roster_role);
	sqlite3_reset (sr);
	g_ptr_array_free (reviews, TRUE);
	g_hash_table_destroy (L.index);
	g_string_free (L.scratch, TRUE);
	g_hash_table_destroy (L.norm);
	g_hash_table_destroy (L.plans);
	g_hash_table_destroy (L.agg);
	g_string_chunk_free (L.chunk);
	return st;
}

wb_status_t
wb_attrib_link_run (wb_case_t *cs, int64_t *run, gboolean *stale)
{
	sqlite3_stmt *st = wb_case_stmt (cs,
		"SELECT coalesce(max(run), 0) FROM custody WHERE command = 'link' AND action = 'end'");
	if (!st)
		return WB_ERR_DB;
	*run = sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
	sqlite3_reset (st);
	if (!stale)
		return WB_OK;
	/* An import that changed nothing ("0 added, 0 updated") leaves the
	 * links as they were. */
	st = wb_case_stmt (cs,
		"SELECT count(*) FROM custody WHERE command = 'import' AND action = 'import'"
		" AND detail LIKE 'parties %' AND detail NOT LIKE '% 0 added, 0 updated,%' AND run > ?1");
	if (!st)
		return WB_ERR_DB;
	sqlite3_bind_int64 (st, 1, *run);
	*stale = sqlite3_step (st) == SQLITE_ROW && sqlite3_column_int64 (st, 0) > 0;
	sqlite3_reset (st);
	return WB_OK;
}
