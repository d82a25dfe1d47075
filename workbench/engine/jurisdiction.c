/* Long-arm files and each defendant's contacts with each forum. */
#include <string.h>
#include "jurisdiction.h"
#include "attrib.h"
#include "templates.h"

static const char *const contact_names[WB_CONTACT_COUNT] = {
	"recipient_resident", "provider_in_state", "hop_in_state", "hop_claimed_in_state",
};

const char *
wb_contact_name (wb_contact_t k)
{
	return k < WB_CONTACT_COUNT ? contact_names[k] : "?";
}

static void
provision_free (gpointer p)
{
	wb_longarm_provision_t *v = p;
	g_free (v->id);
	g_free (v->label);
	g_free (v->text);
	g_free (v->check);
	g_free (v->note);
	g_free (v->analyst);
	g_free (v);
}

void
wb_longarm_free (wb_longarm_t *la)
{
	if (!la)
		return;
	g_free (la->id);
	g_free (la->forum);
	g_free (la->citation);
	g_free (la->title);
	g_free (la->text);
	g_free (la->note);
	g_free (la->file);
	if (la->provisions)
		g_ptr_array_unref (la->provisions);
	g_free (la);
}

/* Key KEY of GROUP, stripped; NULL when absent (an error if REQUIRED) or
 * on the first error, which is kept in *ERR. */
static char *
get (GKeyFile *kf, const char *file, const char *group, const char *key, gboolean required, char **err)
{
	if (*err)
		return NULL;
	GError *e = NULL;
	char *v = g_key_file_get_string (kf, group, key, &e);
	if (e) {
		g_free (v);
		if (required || e->code != G_KEY_FILE_ERROR_KEY_NOT_FOUND)
			*err = g_strdup_printf ("%s: [%s] %s: %s", file, group, key,
						e->code == G_KEY_FILE_ERROR_KEY_NOT_FOUND ? "missing" : e->message);
		g_error_free (e);
		return NULL;
	}
	g_strstrip (v);
	if (required && !*v) {
		*err = g_strdup_printf ("%s: [%s] %s: empty", file, group, key);
		g_free (v);
		return NULL;
	}
	return v;
}

static int
contact_index (const char *name)
{
	for (int k = 0; k < WB_CONTACT_COUNT; k++)
		if (strcmp (name, contact_names[k]) == 0)
			return k;
	return -1;
}

static gboolean
valid_state (const char *s)
{
	return s && strlen (s) == 2 && g_ascii_isupper (s[0]) && g_ascii_isupper (s[1]);
}

wb_status_t
wb_longarm_parse (const char *file, const char *text, gsize len, wb_longarm_t **out, char **errmsg)
{
	GKeyFile *kf = g_key_file_new ();
	GError *e = NULL;
	char *err = NULL;
	char **groups = NULL;
	wb_longarm_t *la = g_new0 (wb_longarm_t, 1);
	la->file = g_path_get_basename (file);
	la->provisions = g_ptr_array_new_with_free_func (provision_free);
	*out = NULL;
	if (!g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, &e)) {
		err = g_strdup_printf ("%s: %s", la->file, e->message);
		g_error_free (e);
		goto done;
	}
	const char *f = la->file;
	la->id = get (kf, f, "longarm", "id", TRUE, &err);
	la->forum = get (kf, f, "longarm", "forum", TRUE, &err);
	la->citation = get (kf, f, "longarm", "citation", TRUE, &err);
	la->title = get (kf, f, "longarm", "title", FALSE, &err);
	la->text = get (kf, f, "longarm", "text", TRUE, &err);
	la->note = get (kf, f, "longarm", "note", FALSE, &err);
	if (!err && !valid_state (la->forum))
		err = g_strdup_printf ("%s: [longarm] forum: '%s' is not a two-letter state in capitals",
				       f, la->forum);
	groups = g_key_file_get_groups (kf, NULL);
	for (char **g = groups; !err && *g; g++) {
		if (strcmp (*g, "longarm") == 0)
			continue;
		if (!g_str_has_prefix (*g, "provision ") || !(*g)[10] || strchr (*g + 10, ' ')) {
			err = g_strdup_printf ("%s: [%s]: not longarm or 'provision ID'", f, *g);
			break;
		}
		wb_longarm_provision_t *p = g_new0 (wb_longarm_provision_t, 1);
		g_ptr_array_add (la->provisions, p);
		p->id = g_strdup (*g + 10);
		p->label = get (kf, f, *g, "label", TRUE, &err);
		p->text = get (kf, f, *g, "text", TRUE, &err);
		p->check = get (kf, f, *g, "check", TRUE, &err);
		p->note = get (kf, f, *g, "note", FALSE, &err);
		p->analyst = get (kf, f, *g, "analyst", FALSE, &err);
		if (err)
			break;
		if (strcmp (p->check, "analyst") == 0) {
			if (!p->analyst || !*p->analyst)
				err = g_strdup_printf ("%s: [%s] analyst: missing (check=analyst says an"
						       " analyst must show something: say what)", f, *g);
			continue;
		}
		char **parts = g_strsplit (p->check, ";", -1);
		for (char **q = parts; *q && !err; q++) {
			g_strstrip (*q);
			int k = contact_index (*q);
			if (k < 0)
				err = g_strdup_printf ("%s: [%s] check: '%s' is not analyst or a contact"
						       " (recipient_resident, provider_in_state, hop_in_state,"
						       " hop_claimed_in_state)", f, *g, *q);
			else
				p->contacts |= 1u << k;
		}
		g_strfreev (parts);
	}
	if (!err && la->provisions->len == 0)
		err = g_strdup_printf ("%s: no [provision ID] group", f);
done:
	g_strfreev (groups);
	g_key_file_free (kf);
	if (err) {
		wb_longarm_free (la);
		*errmsg = err;
		return WB_ERR_FORMAT;
	}
	*out = la;
	return WB_OK;
}

static int
by_forum (gconstpointer a, gconstpointer b)
{
	const wb_longarm_t *x = *(wb_longarm_t *const *) a, *y = *(wb_longarm_t *const *) b;
	return strcmp (x->forum, y->forum);
}

wb_status_t
wb_longarms_builtin (GPtrArray **out, char **errmsg)
{
	GPtrArray *set = g_ptr_array_new_with_free_func ((GDestroyNotify) wb_longarm_free);
	*out = NULL;
	for (int i = 0; wb_templates[i].path; i++) {
		const char *p = wb_templates[i].path;
		if (!g_str_has_prefix (p, "templates/longarm/") || !g_str_has_suffix (p, ".ini"))
			continue;
		wb_longarm_t *la;
		wb_status_t s = wb_longarm_parse (p, wb_templates[i].text, wb_templates[i].size, &la, errmsg);
		if (s) {
			g_ptr_array_unref (set);
			return s;
		}
		for (guint j = 0; j < set->len; j++) {
			wb_longarm_t *o = set->pdata[j];
			if (strcmp (o->id, la->id) == 0 || strcmp (o->forum, la->forum) == 0) {
				*errmsg = g_strdup_printf ("%s: [longarm] %s: '%s' is also in %s", la->file,
							   strcmp (o->id, la->id) == 0 ? "id" : "forum",
							   strcmp (o->id, la->id) == 0 ? la->id : la->forum, o->file);
				wb_longarm_free (la);
				g_ptr_array_unref (set);
				return WB_ERR_FORMAT;
			}
		}
		g_ptr_array_add (set, la);
	}
	g_ptr_array_sort (set, by_forum);
	*out = set;
	return WB_OK;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

char **
wb_jurisdiction_forums (wb_case_t *cs, const GPtrArray *longarms)
{
	GPtrArray *v = g_ptr_array_new ();
	for (guint i = 0; longarms && i < longarms->len; i++)
		g_ptr_array_add (v, g_strdup (((wb_longarm_t *) longarms->pdata[i])->forum));
	sqlite3_stmt *st = !cs ? NULL : wb_case_stmt (cs,
		"SELECT upper(trim(state)) FROM traps WHERE length(trim(state)) = 2"
		" UNION SELECT upper(trim(provider_state)) FROM traps WHERE length(trim(provider_state)) = 2");
	while (st && sqlite3_step (st) == SQLITE_ROW)
		g_ptr_array_add (v, g_strdup ((const char *) sqlite3_column_text (st, 0)));
	if (st)
		sqlite3_reset (st);
	g_ptr_array_sort (v, cmp_str);
	/* Unique. */
	guint n = 0;
	for (guint i = 0; i < v->len; i++) {
		if (n && strcmp (v->pdata[n - 1], v->pdata[i]) == 0) {
			g_free (v->pdata[i]);
			continue;
		}
		v->pdata[n++] = v->pdata[i];
	}
	g_ptr_array_set_size (v, n);
	g_ptr_array_add (v, NULL);
	return (char **) g_ptr_array_free (v, FALSE);
}

static void
defendant_free (gpointer p)
{
	wb_defendant_contacts_t *d = p;
	for (guint i = 0; d->forums && i < d->forums->len; i++)
		g_free (g_array_index (d->forums, wb_forum_contacts_t, i).provisions);
	if (d->forums)
		g_array_unref (d->forums);
	g_free (d->name);
	g_free (d->role);
	g_free (d->roles);
	g_free (d);
}

void
wb_jurisdiction_free (wb_jurisdiction_t *j)
{
	if (!j)
		return;
	if (j->defendants)
		g_ptr_array_unref (j->defendants);
	if (j->longarms)
		g_ptr_array_unref (j->longarms);
	g_free (j);
}

static void
stat_add (wb_contact_stat_t *s, int64_t copy, const char *day)
{
	s->copies++;
	if (day && *day) {
		if (!s->first[0] || strcmp (day, s->first) < 0)
			g_strlcpy (s->first, day, sizeof s->first);
		if (strcmp (day, s->last) > 0)
			g_strlcpy (s->last, day, sizeof s->last);
	}
	/* Copies come in id order: the first three are the smallest. */
	if (s->n_examples < 3)
		s->examples[s->n_examples++] = copy;
}

/* A located host: a name the roster lists for a provider, and the
 * provider's state. */
typedef struct {
	char *host;
	char state[3];
} located_t;

static void
located_clear (gpointer p)
{
	g_free (((located_t *) p)->host);
}

/* Whether HOST is the roster host L or a name under it. */
static gboolean
host_is (const char *host, const char *l)
{
	size_t hl = strlen (host), ll = strlen (l);
	return g_ascii_strcasecmp (host, l) == 0
		|| (hl > ll && host[hl - ll - 1] == '.' && g_ascii_strcasecmp (host + hl - ll, l) == 0);
}

/* Per copy, the states its Received hops place it in: "CT+NY-" lists a
 * trusted hop in CT, an untrusted one in NY (two characters and a sign). */
static wb_status_t
load_hop_states (wb_case_t *cs, GHashTable **out)
{
	GHashTable *h = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
	*out = h;
	GArray *hosts = g_array_new (FALSE, TRUE, sizeof (located_t));
	g_array_set_clear_func (hosts, located_clear);
	sqlite3_stmt *st = wb_case_stmt (cs,
		"SELECT upper(trim(provider_state)), hosts FROM traps"
		" WHERE length(trim(provider_state)) = 2 AND hosts IS NOT NULL ORDER BY id");
	if (!st) {
		g_array_unref (hosts);
		return WB_ERR_DB;
	}
	while (sqlite3_step (st) == SQLITE_ROW) {
		const char *state = (const char *) sqlite3_column_text (st, 0);
		char **list = g_strsplit ((const char *) sqlite3_column_text (st, 1), ";", -1);
		for (char **p = list; *p; p++) {
			g_strstrip (*p);
			if (!**p)
				continue;
			located_t l = { g_strdup (*p), "" };
			g_strlcpy (l.state, state, sizeof l.state);
			g_array_append_val (hosts, l);
		}
		g_strfreev (list);
	}
	sqlite3_reset (st);
	if (hosts->len == 0) {
		g_array_unref (hosts);
		return WB_OK;
	}
	st = wb_case_stmt (cs, "SELECT message, by_host, trusted FROM hops WHERE by_host IS NOT NULL");
	if (!st) {
		g_array_unref (hosts);
		return WB_ERR_DB;
	}
	while (sqlite3_step (st) == SQLITE_ROW) {
		const char *host = (const char *) sqlite3_column_text (st, 1);
		int64_t m = sqlite3_column_int64 (st, 0);
		GString *v = NULL;
		/* Traps of providers in several states may list one host: it is
		 * in each of them. */
		for (guint i = 0; i < hosts->len; i++) {
			located_t *l = &g_array_index (hosts, located_t, i);
			if (!host_is (host, l->host))
				continue;
			if (!v)
				v = g_string_new (g_hash_table_lookup (h, &m));
			char tag[4] = { l->state[0], l->state[1], sqlite3_column_int (st, 2) ? '+' : '-', 0 };
			gboolean seen = FALSE;
			for (gsize k = 0; k + 3 <= v->len; k += 3)
				seen |= memcmp (v->str + k, tag, 3) == 0;
			if (!seen)
				g_string_append (v, tag);
		}
		if (v)
			g_hash_table_replace (h, g_memdup2 (&m, sizeof m), g_string_free (v, FALSE));
	}
	sqlite3_reset (st);
	g_array_unref (hosts);
	return WB_OK;
}

static gboolean
has_tag (const char *tags, const char *forum, char sign)
{
	for (const char *t = tags; t && strlen (t) >= 3; t += 3)
		if (t[0] == forum[0] && t[1] == forum[1] && t[2] == sign)
			return TRUE;
	return FALSE;
}

/* The contacts one copy gives with FORUM (bits 1 << wb_contact_t). */
static unsigned
copy_contacts (const char *state, const char *provider_state, const char *hop_tags, const char *forum)
{
	unsigned m = 0;
	if (state && g_ascii_strcasecmp (state, forum) == 0)
		m |= 1u << WB_CONTACT_RESIDENT;
	if (provider_state && g_ascii_strcasecmp (provider_state, forum) == 0)
		m |= 1u << WB_CONTACT_PROVIDER;
	if (has_tag (hop_tags, forum, '+'))
		m |= 1u << WB_CONTACT_HOP;
	if (has_tag (hop_tags, forum, '-'))
		m |= 1u << WB_CONTACT_HOP_CLAIMED;
	return m;
}

/* "a, b, c": the values of ITEMS (strings), for an error that lists them. */
static char *
join_list (GPtrArray *items)
{
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < items->len; i++)
		g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) items->pdata[i]);
	return g_string_free (s, FALSE);
}

wb_status_t
wb_jurisdiction_compute (wb_case_t *cs, GPtrArray *longarms, const char *defendant, const char *forum,
			 wb_jurisdiction_t **out)
{
	wb_status_t s = WB_OK;
	wb_jurisdiction_t *j = g_new0 (wb_jurisdiction_t, 1);
	GHashTable *hop_states = NULL;
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	char **forums = NULL;
	*out = NULL;
	j->longarms = g_ptr_array_ref (longarms);
	j->defendants = g_ptr_array_new_with_free_func (defendant_free);

	if ((s = wb_attrib_link_run (cs, &j->link_run, NULL)))
		goto done;
	if (j->link_run == 0) {
		s = wb_case_fail (cs, WB_ERR_NOT_FOUND, "no attribution yet: run 'link' first");
		goto done;
	}

	forums = wb_jurisdiction_forums (cs, longarms);
	if (forum) {
		char *up = g_ascii_strup (forum, -1);
		gboolean ok = g_strv_contains ((const char *const *) forums, up);
		if (!ok) {
			char *list = g_strjoinv (", ", forums);
			s = wb_case_fail (cs, WB_ERR_NOT_FOUND,
					  "unknown forum '%s': the case knows %s (long-arm files, and the"
					  " states of the trap roster)", forum, list);
			g_free (list);
			g_free (up);
			goto done;
		}
		g_strfreev (forums);
		forums = g_new0 (char *, 2);
		forums[0] = up;
	}

	/* The defendants: the roster parties. */
	sqlite3_stmt *st = wb_case_stmt (cs,
		"SELECT id, name, role FROM parties WHERE derived = 0 ORDER BY name COLLATE NOCASE, id");
	if (!st) {
		s = WB_ERR_DB;
		goto done;
	}
	while (sqlite3_step (st) == SQLITE_ROW) {
		const char *name = (const char *) sqlite3_column_text (st, 1);
		g_ptr_array_add (names, g_strdup (name));
		if (defendant && g_ascii_strcasecmp (defendant, name) != 0)
			continue;
		wb_defendant_contacts_t *d = g_new0 (wb_defendant_contacts_t, 1);
		d->party = sqlite3_column_int64 (st, 0);
		d->name = g_strdup (name);
		d->role = g_strdup ((const char *) sqlite3_column_text (st, 2));
		g_ptr_array_add (j->defendants, d);
	}
	sqlite3_reset (st);
	if (names->len == 0) {
		s = wb_case_fail (cs, WB_ERR_NOT_FOUND,
				  "no parties in the case: import a roster ('import CASE parties FILE.csv'),"
				  " then run 'link'");
		goto done;
	}
	if (j->defendants->len == 0) {
		char *list = join_list (names);
		s = wb_case_fail (cs, WB_ERR_NOT_FOUND, "unknown defendant '%s': the roster names %s",
				  defendant, list);
		g_free (list);
		goto done;
	}

	if ((s = load_hop_states (cs, &hop_states)))
		goto done;

	sqlite3_stmt *roles = wb_case_stmt (cs,
		"SELECT group_concat(role, ', ') FROM (SELECT DISTINCT role FROM message_parties"
		" WHERE party = ?1 AND role <> 'mentioned' ORDER BY role)");
	sqlite3_stmt *mentioned = wb_case_stmt (cs,
		"SELECT count(DISTINCT message) FROM message_parties WHERE party = ?1 AND role = 'mentioned'"
		" AND message NOT IN (SELECT message FROM message_parties WHERE party = ?1"
		"  AND role <> 'mentioned')");
	sqlite3_stmt *copies = wb_case_stmt (cs,
		"SELECT m.id, m.local_day, upper(trim(t.state)), upper(trim(t.provider_state))"
		" FROM (SELECT DISTINCT message FROM message_parties WHERE party = ?1"
		"  AND role <> 'mentioned') a"
		" JOIN messages m ON m.id = a.message LEFT JOIN traps t ON t.id = m.trap_id"
		" ORDER BY m.id");
	if (!roles || !copies || !mentioned) {
		s = WB_ERR_DB;
		goto done;
	}
	guint nforums = g_strv_length (forums);
	for (guint i = 0; i < j->defendants->len; i++) {
		wb_defendant_contacts_t *d = j->defendants->pdata[i];
		sqlite3_bind_int64 (roles, 1, d->party);
		if (sqlite3_step (roles) == SQLITE_ROW && sqlite3_column_text (roles, 0))
			d->roles = g_strdup ((const char *) sqlite3_column_text (roles, 0));
		sqlite3_reset (roles);
		sqlite3_bind_int64 (mentioned, 1, d->party);
		if (sqlite3_step (mentioned) == SQLITE_ROW)
			d->mentioned = sqlite3_column_int64 (mentioned, 0);
		sqlite3_reset (mentioned);
		d->forums = g_array_sized_new (FALSE, TRUE, sizeof (wb_forum_contacts_t), nforums);
		for (guint f = 0; f < nforums; f++) {
			wb_forum_contacts_t fc = { { 0 } };
			g_strlcpy (fc.forum, forums[f], sizeof fc.forum);
			for (guint k = 0; k < longarms->len; k++) {
				wb_longarm_t *la = longarms->pdata[k];
				if (strcmp (la->forum, fc.forum) == 0) {
					fc.longarm = la;
					fc.provisions = g_new0 (wb_contact_stat_t, la->provisions->len);
				}
			}
			g_array_append_val (d->forums, fc);
		}
		sqlite3_bind_int64 (copies, 1, d->party);
		int rc;
		while ((rc = sqlite3_step (copies)) == SQLITE_ROW) {
			int64_t m = sqlite3_column_int64 (copies, 0);
			const char *day = (const char *) sqlite3_column_text (copies, 1);
			const char *state = (const char *) sqlite3_column_text (copies, 2);
			const char *pstate = (const char *) sqlite3_column_text (copies, 3);
			const char *tags = g_hash_table_lookup (hop_states, &m);
			d->copies++;
			for (guint f = 0; f < nforums; f++) {
				wb_forum_contacts_t *fc = &g_array_index (d->forums, wb_forum_contacts_t, f);
				unsigned mask = copy_contacts (state, pstate, tags, fc->forum);
				if (!mask)
					continue;
				for (int k = 0; k < WB_CONTACT_COUNT; k++)
					if (mask & (1u << k))
						stat_add (&fc->contacts[k], m, day);
				for (guint p = 0; fc->longarm && p < fc->longarm->provisions->len; p++) {
					wb_longarm_provision_t *pv = fc->longarm->provisions->pdata[p];
					if (mask & pv->contacts)
						stat_add (&fc->provisions[p], m, day);
				}
			}
		}
		sqlite3_reset (copies);
		if (rc != SQLITE_DONE) {
			s = wb_case_fail_db (cs, "cannot read attributed copies");
			goto done;
		}
	}
done:
	g_strfreev (forums);
	g_ptr_array_unref (names);
	if (hop_states)
		g_hash_table_unref (hop_states);
	if (s) {
		wb_jurisdiction_free (j);
		return s;
	}
	*out = j;
	return WB_OK;
}
