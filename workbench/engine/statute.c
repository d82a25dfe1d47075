/* Statute rule files: parsing, validation, the built-in set, the case's set. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "statute.h"
#include "templates.h"

static const char *const fact_names[WB_FACT_COUNT] = {
	"subject_adv", "subject_adv_adult", "subject_sexually_explicit",
	"opt_out", "opt_out_kinds", "opt_out_toll_free",
	"sender_legal_name", "sender_street_address", "from_domain_valid",
	"header_forged", "helo_mismatch", "date_mismatch",
	"category", "sexual_content",
};

int
wb_fact_index (const char *name)
{
	/* Called once per fact row (ten million for a large case): the length
	 * and the first bytes rule out most names before a full compare. */
	static size_t lens[WB_FACT_COUNT];
	if (!lens[0])
		for (int i = 0; i < WB_FACT_COUNT; i++)
			lens[i] = strlen (fact_names[i]);
	if (!name)
		return -1;
	size_t l = strlen (name);
	for (int i = 0; i < WB_FACT_COUNT; i++)
		if (lens[i] == l && name[0] == fact_names[i][0] && name[l - 1] == fact_names[i][l - 1] &&
		    memcmp (name, fact_names[i], l) == 0)
			return i;
	return -1;
}

const char *
wb_fact_name (int i)
{
	return i >= 0 && i < WB_FACT_COUNT ? fact_names[i] : "?";
}

int
wb_day_number (const char *s)
{
	if (!s || strlen (s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int v[8], k = 0;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (!g_ascii_isdigit (s[i]))
			return -1;
		v[k++] = s[i] - '0';
	}
	int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3], m = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
	if (y < 1 || !g_date_valid_dmy (d, m, y))
		return -1;
	return y * 10000 + m * 100 + d;
}

static void
provision_free (gpointer p)
{
	wb_provision_t *pr = p;
	if (!pr)
		return;
	g_free (pr->id);
	g_free (pr->label);
	g_free (pr->text);
	g_free (pr->check);
	g_free (pr->note);
	g_free (pr->falsity_note);
	if (pr->alternatives)
		g_ptr_array_unref (pr->alternatives);
	g_free (pr);
}

void
wb_statute_free (wb_statute_t *st)
{
	if (!st)
		return;
	g_free (st->id);
	g_free (st->citation);
	g_free (st->title);
	g_free (st->jurisdiction);
	g_free (st->effective);
	g_free (st->effective_note);
	g_free (st->limitations_note);
	g_free (st->incident_scope_note);
	g_free (st->cap_note);
	g_free (st->preemption_note);
	g_free (st->roles_text);
	g_free (st->roles_note);
	g_free (st->preempts_text);
	g_strfreev (st->excludes);
	g_free (st->damages_text);
	if (st->provisions)
		g_ptr_array_unref (st->provisions);
	g_free (st->file);
	g_free (st->origin);
	g_free (st->content);
	g_free (st);
}

static void
cond_clear (gpointer p)
{
	g_free (((wb_cond_t *) p)->value);
}

/* Parse "FACT = V & FACT != V | ..." into alternatives.  Returns NULL and a
 * message in *WHY on error. */
static GPtrArray *
parse_check (const char *s, char **why)
{
	GPtrArray *alts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
	char **ors = g_strsplit (s, "|", -1);
	for (char **o = ors; *o; o++) {
		GArray *conds = g_array_new (FALSE, TRUE, sizeof (wb_cond_t));
		g_array_set_clear_func (conds, cond_clear);
		g_ptr_array_add (alts, conds);
		char **ands = g_strsplit (*o, "&", -1);
		for (char **a = ands; *a; a++) {
			char *c = g_strstrip (g_strdup (*a));
			char *op = strstr (c, "!=");
			gboolean neg = op != NULL;
			if (!op)
				op = strchr (c, '=');
			if (!*c || !op) {
				*why = g_strdup_printf ("'%s' is not a condition (FACT = VALUE or FACT != VALUE)", c);
				g_free (c);
				g_strfreev (ands);
				goto fail;
			}
			*op = 0;
			char *name = g_strstrip (c);
			char *val = g_strstrip (op + (neg ? 2 : 1));
			int f = wb_fact_index (name);
			if (f < 0) {
				*why = g_strdup_printf ("unknown fact '%s'", name);
				g_free (c);
				g_strfreev (ands);
				goto fail;
			}
			if (!*val) {
				*why = g_strdup_printf ("no value for fact '%s'", name);
				g_free (c);
				g_strfreev (ands);
				goto fail;
			}
			wb_cond_t cond = { f, neg, g_strdup (val) };
			g_array_append_val (conds, cond);
			g_free (c);
		}
		g_strfreev (ands);
	}
	g_strfreev (ors);
	return alts;
fail:
	g_strfreev (ors);
	g_ptr_array_unref (alts);
	return NULL;
}

/* Helpers that read one key and record the first error. */
typedef struct {
	GKeyFile *kf;
	const char *file;
	char *err;
} reader_t;

static char *
get_str (reader_t *r, const char *group, const char *key, gboolean required)
{
	if (r->err)
		return NULL;
	GError *e = NULL;
	char *v = g_key_file_get_string (r->kf, group, key, &e);
	if (e) {
		/* GLib returns the partly decoded string AND sets the error for a
		 * value with an invalid escape ("\\ " or "\\\t"): free it
		 * (tests/fuzz/fuzz-statute.c). */
		g_free (v);
		if (required || e->code != G_KEY_FILE_ERROR_KEY_NOT_FOUND)
			r->err = g_strdup_printf ("%s: [%s] %s: %s", r->file, group, key,
						  e->code == G_KEY_FILE_ERROR_KEY_NOT_FOUND ? "missing" : e->message);
		g_error_free (e);
		return NULL;
	}
	g_strstrip (v);
	if (required && !*v) {
		r->err = g_strdup_printf ("%s: [%s] %s: empty", r->file, group, key);
		g_free (v);
		return NULL;
	}
	return v;
}

/* An amount in cents: a non-negative integer; absent or empty gives DEF. */
static int64_t
get_cents (reader_t *r, const char *group, const char *key, gboolean required, int64_t def)
{
	char *v = get_str (r, group, key, required);
	if (!v)
		return def;
	int64_t out = def;
	if (*v) {
		char *end;
		errno = 0;
		gint64 n = g_ascii_strtoll (v, &end, 10);
		if (*end || errno || n < 0 || !g_ascii_isdigit (*v))
			r->err = g_strdup_printf ("%s: [%s] %s: '%s' is not a non-negative whole number",
						  r->file, group, key, v);
		else
			out = n;
	}
	g_free (v);
	return out;
}

static int
parse_election (reader_t *r, const char *key)
{
	char *v = get_str (r, "damages", key, TRUE);
	int e = WB_ELECT_LESSER;
	if (v && strcmp (v, "greater") == 0)
		e = WB_ELECT_GREATER;
	else if (v && strcmp (v, "lesser") != 0)
		r->err = g_strdup_printf ("%s: [damages] %s: '%s' is not lesser or greater", r->file, key, v);
	g_free (v);
	return e;
}

static int
wb_statute_role_bit (const char *name)
{
	return !strcmp (name, "sender") ? WB_ROLE_SENDER : !strcmp (name, "affiliate") ? WB_ROLE_AFFILIATE
		: !strcmp (name, "advertiser") ? WB_ROLE_ADVERTISER : 0;
}

int
wb_statute_reaches (const wb_statute_t *st, const char *role)
{
	int k = wb_statute_role_bit (role ? role : "");
	if (!k || !st->roles)
		return -1;
	return (st->roles & k) != 0;
}

wb_status_t
wb_statute_parse (const char *file, const char *text, gsize len, wb_statute_t **out, char **errmsg)
{
	GKeyFile *kf = g_key_file_new ();
	GError *e = NULL;
	wb_statute_t *st = g_new0 (wb_statute_t, 1);
	reader_t r = { kf, file, NULL };
	char **groups = NULL;

	*out = NULL;
	st->provisions = g_ptr_array_new_with_free_func (provision_free);
	st->file = g_path_get_basename (file);
	st->content = g_strndup (text, len);
	wb_sha256_hex (text, len, st->sha256);
	st->due_care_per_message_cents = -1;
	st->due_care_cap_cents = -1;
	if (!g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, &e)) {
		r.err = g_strdup_printf ("%s: not a valid rule file: %s", file, e->message);
		g_error_free (e);
		goto done;
	}
	st->id = get_str (&r, "statute", "id", TRUE);
	st->citation = get_str (&r, "statute", "citation", TRUE);
	st->title = get_str (&r, "statute", "title", FALSE);
	st->jurisdiction = get_str (&r, "statute", "jurisdiction", TRUE);
	st->effective = get_str (&r, "statute", "effective", TRUE);
	st->effective_note = get_str (&r, "statute", "effective_note", FALSE);
	if (!r.err && (st->effective_day = wb_day_number (st->effective)) < 0)
		r.err = g_strdup_printf ("%s: [statute] effective: '%s' is not a date (YYYY-MM-DD)",
					 file, st->effective);
	int64_t ly = get_cents (&r, "statute", "limitations_years", FALSE, 0);
	if (!r.err && ly > 100)
		r.err = g_strdup_printf ("%s: [statute] limitations_years: %lld is not a period in years",
					 file, (long long) ly);
	st->limitations_years = (int) ly;
	st->limitations_note = get_str (&r, "statute", "limitations_note", FALSE);

	char *nexus = get_str (&r, "statute", "nexus", FALSE);
	if (nexus) {
		char **parts = g_strsplit (nexus, ";", -1);
		for (char **p = parts; *p && !r.err; p++) {
			char *n = g_strstrip (*p);
			if (!*n)
				continue;
			if (strcmp (n, "recipient_resident") == 0)
				st->nexus |= WB_NEXUS_RESIDENT;
			else if (strcmp (n, "provider_in_state") == 0)
				st->nexus |= WB_NEXUS_PROVIDER;
			else if (strcmp (n, "sent_from_state") == 0)
				st->nexus |= WB_NEXUS_SENT_FROM;
			else
				r.err = g_strdup_printf ("%s: [statute] nexus: unknown nexus '%s' "
							 "(recipient_resident, provider_in_state, sent_from_state)",
							 file, n);
		}
		g_strfreev (parts);
		g_free (nexus);
	}
	char *rule = get_str (&r, "statute", "nexus_rule", FALSE);
	if (rule && strcmp (rule, "all") == 0)
		st->nexus_all = TRUE;
	else if (rule && *rule && strcmp (rule, "any") != 0 && !r.err)
		r.err = g_strdup_printf ("%s: [statute] nexus_rule: '%s' is not any or all", file, rule);
	g_free (rule);

	char *pl = get_str (&r, "statute", "plaintiffs", TRUE);
	if (pl) {
		char **parts = g_strsplit (pl, ";", -1);
		for (char **p = parts; *p && !r.err; p++) {
			char *n = g_strstrip (*p);
			if (strcmp (n, "recipient") == 0)
				st->plaintiff_recipient = TRUE;
			else if (strcmp (n, "provider") == 0)
				st->plaintiff_provider = TRUE;
			else if (*n)
				r.err = g_strdup_printf ("%s: [statute] plaintiffs: unknown plaintiff '%s' "
							 "(recipient, provider)", file, n);
		}
		g_strfreev (parts);
		g_free (pl);
	}
	char *ex = get_str (&r, "statute", "excludes", FALSE);
	GPtrArray *exl = g_ptr_array_new ();
	if (ex) {
		char **parts = g_strsplit (ex, ";", -1);
		for (char **p = parts; *p; p++)
			if (*g_strstrip (*p))
				g_ptr_array_add (exl, g_strdup (*p));
		g_strfreev (parts);
		g_free (ex);
	}
	g_ptr_array_add (exl, NULL);
	st->excludes = (char **) g_ptr_array_free (exl, FALSE);
	st->preemption_note = get_str (&r, "statute", "preemption_note", FALSE);
	char *roles = get_str (&r, "statute", "roles", FALSE);
	if (roles) {
		char **parts = g_strsplit (roles, ";", -1);
		for (char **p = parts; *p && !r.err; p++) {
			char *n = g_strstrip (*p);
			int k = wb_statute_role_bit (n);
			if (k > 0)
				st->roles |= k;
			else if (*n)
				r.err = g_strdup_printf ("%s: [statute] roles: unknown role '%s' (sender, affiliate, advertiser)",
							 file, n);
		}
		g_strfreev (parts);
		g_free (roles);
	}
	st->roles_text = get_str (&r, "statute", "roles_text", FALSE);
	st->roles_note = get_str (&r, "statute", "roles_note", FALSE);
	st->preempts_text = get_str (&r, "statute", "preempts_text", FALSE);
	st->preempts_from = -1;
	char *pf = get_str (&r, "statute", "preempts_from", FALSE);
	if (pf && *pf && (st->preempts_from = wb_day_number (pf)) < 0 && !r.err)
		r.err = g_strdup_printf ("%s: [statute] preempts_from: '%s' is not a date (YYYY-MM-DD)", file, pf);
	g_free (pf);

	if (!r.err && !g_key_file_has_group (kf, "damages"))
		r.err = g_strdup_printf ("%s: [damages]: missing group", file);
	st->per_message_cents = get_cents (&r, "damages", "per_message_cents", TRUE, 0);
	char *cap = get_str (&r, "damages", "cap", TRUE);
	if (cap) {
		static const char *const caps[] = { "none", "incident", "day", "action" };
		int k = -1;
		for (int i = 0; i < 4; i++)
			if (strcmp (cap, caps[i]) == 0)
				k = i;
		if (k < 0)
			r.err = g_strdup_printf ("%s: [damages] cap: '%s' is not none, incident, day or action",
						 file, cap);
		else
			st->cap = k;
		g_free (cap);
	}
	st->cap_cents = get_cents (&r, "damages", "cap_cents", st->cap != WB_CAP_NONE, 0);
	st->election[0] = parse_election (&r, "election_recipient");
	st->election[1] = parse_election (&r, "election_provider");
	char *scope = get_str (&r, "damages", "incident_scope", FALSE);
	st->incident_scope = WB_SCOPE_SHARED;
	st->incident_scopes = 1u << WB_SCOPE_SHARED;
	if (scope && *scope) {
		char **parts = g_strsplit (scope, ";", -1);
		st->incident_scopes = 0;
		for (char **p = parts; *p && !r.err; p++) {
			char *n = g_strstrip (*p);
			if (!*n)
				continue;
			int k = strcmp (n, "shared") == 0 ? WB_SCOPE_SHARED : strcmp (n, "each") == 0 ? WB_SCOPE_EACH : -1;
			if (k < 0)
				r.err = g_strdup_printf ("%s: [damages] incident_scope: '%s' is not shared or each", file, n);
			else if (!st->incident_scopes)
				st->incident_scope = k;
			if (k >= 0)
				st->incident_scopes |= 1u << k;
		}
		g_strfreev (parts);
		if (!st->incident_scopes)
			st->incident_scopes = 1u << WB_SCOPE_SHARED;
	}
	g_free (scope);
	st->incident_scope_note = get_str (&r, "damages", "incident_scope_note", FALSE);
	st->cap_note = get_str (&r, "damages", "cap_note", FALSE);
	st->due_care_per_message_cents = get_cents (&r, "damages", "due_care_per_message_cents", FALSE, -1);
	st->due_care_cap_cents = get_cents (&r, "damages", "due_care_cap_cents", FALSE, -1);
	if (!r.err && st->due_care_per_message_cents >= 0 && st->cap != WB_CAP_NONE &&
	    st->due_care_cap_cents < 0)
		r.err = g_strdup_printf ("%s: [damages] due_care_cap_cents: missing (the statute has a cap)", file);
	int64_t ag = get_cents (&r, "damages", "aggravated_multiplier", FALSE, 0);
	if (!r.err && ag > 10)
		r.err = g_strdup_printf ("%s: [damages] aggravated_multiplier: %lld is too large", file, (long long) ag);
	st->aggravated_multiplier = (int) ag;
	st->damages_text = get_str (&r, "damages", "text", TRUE);

	groups = g_key_file_get_groups (kf, NULL);
	for (char **g = groups; *g && !r.err; g++) {
		if (strcmp (*g, "statute") == 0 || strcmp (*g, "damages") == 0)
			continue;
		if (!g_str_has_prefix (*g, "provision ")) {
			r.err = g_strdup_printf ("%s: [%s]: unknown group (statute, damages or provision ID)", file, *g);
			break;
		}
		wb_provision_t *p = g_new0 (wb_provision_t, 1);
		g_ptr_array_add (st->provisions, p);
		p->id = g_strstrip (g_strdup (*g + strlen ("provision ")));
		if (!*p->id || strchr (p->id, ' ') || strcmp (p->id, "*") == 0 ||
		    strcmp (p->id, "commercial") == 0 || strcmp (p->id, "nexus") == 0) {
			r.err = g_strdup_printf ("%s: [%s]: a provision id is one word, not *, commercial or nexus",
						 file, *g);
			break;
		}
		for (guint i = 0; i + 1 < st->provisions->len; i++)
			if (strcmp (((wb_provision_t *) st->provisions->pdata[i])->id, p->id) == 0)
				r.err = g_strdup_printf ("%s: [%s]: provision defined twice", file, *g);
		p->label = get_str (&r, *g, "label", TRUE);
		p->text = get_str (&r, *g, "text", TRUE);
		p->check = get_str (&r, *g, "check", TRUE);
		p->note = get_str (&r, *g, "note", FALSE);
		p->per_message_cents = get_cents (&r, *g, "per_message_cents", FALSE, -1);
		char *unc = get_str (&r, *g, "uncapped", FALSE);
		if (unc && strcmp (unc, "true") == 0)
			p->uncapped = TRUE;
		else if (unc && *unc && strcmp (unc, "false") != 0 && !r.err)
			r.err = g_strdup_printf ("%s: [%s] uncapped: '%s' is not true or false", file, *g, unc);
		g_free (unc);
		char *fal = get_str (&r, *g, "falsity", FALSE);
		p->falsity = -1;
		if (fal && strcmp (fal, "yes") == 0)
			p->falsity = 1;
		else if (fal && strcmp (fal, "no") == 0)
			p->falsity = 0;
		else if (fal && *fal && !r.err)
			r.err = g_strdup_printf ("%s: [%s] falsity: '%s' is not yes or no", file, *g, fal);
		g_free (fal);
		p->falsity_note = get_str (&r, *g, "falsity_note", FALSE);
		if (r.err)
			break;
		if (strcmp (p->check, "always") == 0)
			p->kind = WB_CHECK_ALWAYS;
		else if (strcmp (p->check, "analyst") == 0)
			p->kind = WB_CHECK_ANALYST;
		else {
			char *why = NULL;
			p->kind = WB_CHECK_FACTS;
			p->alternatives = parse_check (p->check, &why);
			if (!p->alternatives) {
				r.err = g_strdup_printf ("%s: [%s] check: %s", file, *g, why);
				g_free (why);
			}
		}
	}
	if (!r.err && st->provisions->len == 0)
		r.err = g_strdup_printf ("%s: no [provision ID] group", file);
	if (!r.err && st->provisions->len > 32)
		r.err = g_strdup_printf ("%s: more than 32 provisions", file);
done:
	g_strfreev (groups);
	g_key_file_free (kf);
	if (r.err) {
		if (errmsg)
			*errmsg = r.err;
		else
			g_free (r.err);
		wb_statute_free (st);
		return WB_ERR_FORMAT;
	}
	*out = st;
	return WB_OK;
}

int
wb_statute_provision_index (const wb_statute_t *st, const char *name)
{
	for (guint i = 0; i < st->provisions->len; i++) {
		wb_provision_t *p = st->provisions->pdata[i];
		if (strcmp (p->id, name) == 0)
			return i;
	}
	for (guint i = 0; i < st->provisions->len; i++) {
		wb_provision_t *p = st->provisions->pdata[i];
		if (g_ascii_strcasecmp (p->label, name) == 0)
			return i;
	}
	/* The citation form: "17529.5(a)(2)" or "§ 17529.5(a)(2)" for the
	 * label "(a)(2)" of Cal. Bus. & Prof. Code § 17529.5: a label ending
	 * NAME, and what comes before it part of the statute's citation. */
	size_t nlen = strlen (name);
	for (guint i = 0; i < st->provisions->len; i++) {
		wb_provision_t *p = st->provisions->pdata[i];
		size_t llen = strlen (p->label);
		if (!llen || nlen <= llen || g_ascii_strcasecmp (name + nlen - llen, p->label) != 0)
			continue;
		char *rest = g_strstrip (g_strndup (name, nlen - llen));
		gboolean cited = *rest && st->citation && strstr (st->citation, rest);
		g_free (rest);
		if (cited)
			return i;
	}
	/* "(a)(1)(A)" for the id "a1A"; "603(a)(1)" for the label
	 * "4-88-603(a)(1)" (a unique ending). */
	GString *bare = g_string_new (NULL);
	for (const char *c = name; *c; c++)
		if (*c != '(' && *c != ')' && *c != ' ')
			g_string_append_c (bare, *c);
	int found = -1, n = 0;
	for (guint i = 0; i < st->provisions->len; i++) {
		wb_provision_t *p = st->provisions->pdata[i];
		if (strcmp (p->id, bare->str) == 0) {
			found = i;
			n = 1;
			break;
		}
		if (*name && g_str_has_suffix (p->label, name)) {
			found = i;
			n++;
		}
	}
	g_string_free (bare, TRUE);
	return n == 1 ? found : -1;
}

wb_provision_t *
wb_statute_provision (const wb_statute_t *st, const char *name)
{
	int i = wb_statute_provision_index (st, name);
	return i < 0 ? NULL : st->provisions->pdata[i];
}

static int
by_id (gconstpointer a, gconstpointer b)
{
	const wb_statute_t *x = *(wb_statute_t *const *) a, *y = *(wb_statute_t *const *) b;
	return strcmp (x->id, y->id);
}

void
wb_statute_set_free (wb_statute_set_t *set)
{
	if (!set)
		return;
	g_ptr_array_unref (set->statutes);
	g_free (set->source);
	g_free (set);
}

static wb_statute_set_t *
set_new (const char *source)
{
	wb_statute_set_t *set = g_new0 (wb_statute_set_t, 1);
	set->statutes = g_ptr_array_new_with_free_func ((GDestroyNotify) wb_statute_free);
	set->source = g_strdup (source);
	return set;
}

/* Sort, check ids are unique and exclusions name statutes of the set, and
 * compute the digest. */
static wb_status_t
set_finish (wb_statute_set_t *set, char **errmsg)
{
	g_ptr_array_sort (set->statutes, by_id);
	GString *d = g_string_new (NULL);
	for (guint i = 0; i < set->statutes->len; i++) {
		wb_statute_t *st = set->statutes->pdata[i];
		if (i > 0 && strcmp (st->id, ((wb_statute_t *) set->statutes->pdata[i - 1])->id) == 0) {
			*errmsg = g_strdup_printf ("%s: [statute] id: '%s' is also the id of %s", st->file,
						   st->id, ((wb_statute_t *) set->statutes->pdata[i - 1])->file);
			g_string_free (d, TRUE);
			return WB_ERR_FORMAT;
		}
		g_string_append_printf (d, "%s %s\n", st->id, st->sha256);
	}
	for (guint i = 0; i < set->statutes->len; i++) {
		wb_statute_t *st = set->statutes->pdata[i];
		for (char **x = st->excludes; *x; x++)
			if (!wb_statute_set_find (set, *x)) {
				*errmsg = g_strdup_printf ("%s: [statute] excludes: no statute '%s' in the set",
							   st->file, *x);
				g_string_free (d, TRUE);
				return WB_ERR_FORMAT;
			}
	}
	if (set->statutes->len == 0) {
		*errmsg = g_strdup_printf ("%s: no statute files (*.ini)", set->source);
		g_string_free (d, TRUE);
		return WB_ERR_NOT_FOUND;
	}
	wb_sha256_hex (d->str, d->len, set->digest);
	g_string_free (d, TRUE);
	return WB_OK;
}

static wb_status_t
add_file (wb_statute_set_t *set, const char *file, const char *text, gsize len,
	  const char *origin, char **errmsg)
{
	wb_statute_t *st;
	wb_status_t s = wb_statute_parse (file, text, len, &st, errmsg);
	if (s)
		return s;
	st->origin = g_strdup (origin);
	g_ptr_array_add (set->statutes, st);
	return WB_OK;
}

wb_status_t
wb_statutes_builtin (wb_statute_set_t **out, char **errmsg)
{
	wb_statute_set_t *set = set_new ("built-in");
	wb_status_t s = WB_OK;
	for (int i = 0; wb_templates[i].path; i++) {
		const char *p = wb_templates[i].path;
		if (!g_str_has_prefix (p, "templates/statutes/") || !g_str_has_suffix (p, ".ini"))
			continue;
		if ((s = add_file (set, p, wb_templates[i].text, wb_templates[i].size, "built-in", errmsg)))
			break;
	}
	if (!s)
		s = set_finish (set, errmsg);
	if (s) {
		wb_statute_set_free (set);
		set = NULL;
	}
	*out = set;
	return s;
}

wb_status_t
wb_statutes_load_dir (const char *dir, wb_statute_set_t **out, char **errmsg)
{
	GError *e = NULL;
	*out = NULL;
	GDir *d = g_dir_open (dir, 0, &e);
	if (!d) {
		*errmsg = g_strdup_printf ("cannot read statute folder '%s': %s", dir, e->message);
		g_error_free (e);
		return WB_ERR_IO;
	}
	wb_statute_set_t *set = set_new (dir);
	wb_status_t s = WB_OK;
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	const char *n;
	while ((n = g_dir_read_name (d)))
		if (g_str_has_suffix (n, ".ini"))
			g_ptr_array_add (names, g_strdup (n));
	g_dir_close (d);
	for (guint i = 0; i < names->len && !s; i++) {
		char *path = g_build_filename (dir, names->pdata[i], NULL);
		char *text = NULL;
		gsize len = 0;
		if (!g_file_get_contents (path, &text, &len, &e)) {
			*errmsg = g_strdup_printf ("cannot read '%s': %s", path, e->message);
			g_clear_error (&e);
			s = WB_ERR_IO;
		} else
			s = add_file (set, path, text, len, path, errmsg);
		g_free (text);
		g_free (path);
	}
	g_ptr_array_unref (names);
	if (!s)
		s = set_finish (set, errmsg);
	if (s)
		wb_statute_set_free (set);
	else
		*out = set;
	return s;
}

wb_status_t
wb_statutes_load_case (wb_case_t *cs, wb_statute_set_t **out)
{
	char *err = NULL;
	wb_status_t s = WB_OK;
	*out = NULL;
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT file, content, sha256 FROM statutes ORDER BY id");
	if (!q)
		return WB_ERR_DB;
	wb_statute_set_t *set = set_new ("case");
	set->installed = TRUE;
	int rc;
	while (!s && (rc = sqlite3_step (q)) == SQLITE_ROW) {
		const char *file = (const char *) sqlite3_column_text (q, 0);
		const char *text = (const char *) sqlite3_column_text (q, 1);
		int len = sqlite3_column_bytes (q, 1);
		const char *sha = (const char *) sqlite3_column_text (q, 2);
		char got[65];
		wb_sha256_hex (text, len, got);
		if (g_strcmp0 (got, sha) != 0) {
			err = g_strdup_printf ("statute file '%s' stored in the case does not match its SHA-256", file);
			s = WB_ERR_INTEGRITY;
			break;
		}
		s = add_file (set, file, text, len, "case", &err);
	}
	sqlite3_reset (q);
	if (!s && set->statutes->len == 0) {
		wb_statute_set_free (set);
		return wb_statutes_builtin (out, &err) ? wb_case_fail (cs, WB_ERR_FORMAT, "%s", err) : WB_OK;
	}
	if (!s)
		s = set_finish (set, &err);
	if (s) {
		wb_statute_set_free (set);
		wb_case_fail (cs, s, "%s", err);
		g_free (err);
		return s;
	}
	*out = set;
	return WB_OK;
}

wb_status_t
wb_statutes_for (wb_case_t *cs, const char *dir, wb_statute_set_t **out)
{
	if (!dir)
		return wb_statutes_load_case (cs, out);
	char *err = NULL;
	wb_status_t s = wb_statutes_load_dir (dir, out, &err);
	if (s) {
		wb_case_fail (cs, s, "%s", err);
		g_free (err);
	}
	return s;
}

wb_statute_t *
wb_statute_set_find (const wb_statute_set_t *set, const char *id)
{
	int i = wb_statute_set_index (set, id);
	return i < 0 ? NULL : set->statutes->pdata[i];
}

int
wb_statute_set_index (const wb_statute_set_t *set, const char *id)
{
	for (guint i = 0; i < set->statutes->len; i++)
		if (strcmp (((wb_statute_t *) set->statutes->pdata[i])->id, id) == 0)
			return i;
	return -1;
}

wb_status_t
wb_statutes_install (wb_case_t *cs, const char *dir, int64_t run)
{
	wb_statute_set_t *set = NULL;
	char *err = NULL, *now = NULL;
	wb_status_t s = dir ? wb_statutes_load_dir (dir, &set, &err) : wb_statutes_builtin (&set, &err);
	if (s) {
		wb_case_fail (cs, s, "%s", err);
		g_free (err);
		return s;
	}
	gboolean own = sqlite3_get_autocommit (wb_case_db (cs));
	if (own && (s = wb_case_begin (cs)))
		goto done;
	sqlite3_stmt *del = wb_case_stmt (cs, "DELETE FROM statutes");
	if (!del || sqlite3_step (del) != SQLITE_DONE) {
		s = wb_case_fail_db (cs, "cannot replace statutes");
		goto done;
	}
	now = wb_now_iso ();
	for (guint i = 0; i < set->statutes->len; i++) {
		wb_statute_t *st = set->statutes->pdata[i];
		sqlite3_stmt *q = wb_case_stmt (cs,
			"INSERT INTO statutes (id, citation, jurisdiction, effective, file, origin, sha256,"
			" content, run, loaded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
		if (!q) {
			s = WB_ERR_DB;
			goto done;
		}
		sqlite3_bind_text (q, 1, st->id, -1, SQLITE_STATIC);
		sqlite3_bind_text (q, 2, st->citation, -1, SQLITE_STATIC);
		sqlite3_bind_text (q, 3, st->jurisdiction, -1, SQLITE_STATIC);
		sqlite3_bind_text (q, 4, st->effective, -1, SQLITE_STATIC);
		sqlite3_bind_text (q, 5, st->file, -1, SQLITE_STATIC);
		sqlite3_bind_text (q, 6, st->origin, -1, SQLITE_STATIC);
		sqlite3_bind_text (q, 7, st->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text (q, 8, st->content, -1, SQLITE_STATIC);
		sqlite3_bind_int64 (q, 9, run);
		sqlite3_bind_text (q, 10, now, -1, SQLITE_STATIC);
		if (sqlite3_step (q) != SQLITE_DONE) {
			s = wb_case_fail_db (cs, "cannot store statute");
			goto done;
		}
		char *detail = g_strdup_printf ("statute %s file %s (%s) sha256 %s", st->id, st->file,
						st->origin, st->sha256);
		s = wb_case_custody (cs, run, "statute", detail);
		g_free (detail);
		if (s)
			goto done;
	}
	if (own)
		s = wb_case_commit (cs);
done:
	if (s && own)
		wb_case_rollback (cs);
	g_free (now);
	wb_statute_set_free (set);
	return s;
}

char *
wb_statute_provision_list (const wb_statute_t *st)
{
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < st->provisions->len; i++) {
		wb_provision_t *p = st->provisions->pdata[i];
		g_string_append_printf (s, "%s%s %s", i ? ", " : "", p->id, p->label);
	}
	return g_string_free (s, FALSE);
}
