/* Attribution engine (see attrib.h and templates/attribution/attribution.ini):
 * the kinds of value, the configuration, scoring and normalized values.
 * Linking is in attrib-link.c, finding parties and explain in
 * attrib-explain.c. */
#include <math.h>
#include <string.h>
#include "attrib-private.h"
#include "normalize.h"
#include "templates.h"

const char *const wb_attrib_kinds[WB_KIND_COUNT + 1] = {
	[WB_KIND_NAME] = "name", [WB_KIND_CONTACT] = "contact", [WB_KIND_EMAIL] = "email",
	[WB_KIND_PHONE] = "phone", [WB_KIND_ADDRESS] = "address", [WB_KIND_COUNTRY] = "country",
	[WB_KIND_PAYEE] = "payee", [WB_KIND_DOMAIN] = "domain",
	[WB_KIND_AFFILIATE_ID] = "affiliate_id", [WB_KIND_IP] = "ip", [WB_KIND_COUNT] = NULL
};

const char *
wb_attrib_kinds_json (guint32 mask)
{
	/* Made once per mask; the program uses two. */
	static GHashTable *made;
	static GMutex lock;
	g_mutex_lock (&lock);
	if (!made)
		made = g_hash_table_new (g_direct_hash, g_direct_equal);
	const char *json = g_hash_table_lookup (made, GUINT_TO_POINTER (mask));
	if (!json) {
		GString *s = g_string_new ("[");
		for (int k = 0; k < WB_KIND_COUNT; k++)
			if (mask & (1u << k))
				g_string_append_printf (s, "%s\"%s\"", s->len > 1 ? "," : "", wb_attrib_kinds[k]);
		g_string_append_c (s, ']');
		json = g_string_free (s, FALSE);
		g_hash_table_insert (made, GUINT_TO_POINTER (mask), (gpointer) json);
	}
	g_mutex_unlock (&lock);
	return json;
}

int
wb_attrib_kind_index (const char *kind)
{
	for (int i = 0; wb_attrib_kinds[i]; i++)
		if (g_strcmp0 (kind, wb_attrib_kinds[i]) == 0)
			return i;
	return -1;
}

wb_attrib_conf_t *
wb_attrib_conf_load (char **errmsg)
{
	const char *path = "templates/attribution/attribution.ini";
	const char *text = wb_template_text (path, NULL);
	GKeyFile *kf = g_key_file_new ();
	GError *err = NULL;
	wb_attrib_conf_t *conf = g_new0 (wb_attrib_conf_t, 1);
	if (!text || !g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_NONE, &err))
		goto fail;
	for (int i = 0; wb_attrib_kinds[i]; i++) {
		conf->weight[i] = g_key_file_get_double (kf, "weights", wb_attrib_kinds[i], &err);
		if (err)
			goto fail;
	}
	conf->weak = g_key_file_get_double (kf, "strength", "weak", &err);
	if (!err)
		conf->moderate = g_key_file_get_double (kf, "strength", "moderate", &err);
	if (!err)
		conf->strong = g_key_file_get_double (kf, "strength", "strong", &err);
	if (!err)
		conf->max_parties = g_key_file_get_int64 (kf, "limits", "max_parties", &err);
	if (!err)
		conf->specific = g_key_file_get_double (kf, "limits", "specific", &err);
	if (err)
		goto fail;
	char **un = g_key_file_get_string_list (kf, "limits", "unspecific", NULL, NULL);
	for (char **u = un; u && *u; u++) {
		int k = wb_attrib_kind_index (g_strstrip (*u));
		if (k >= 0)
			conf->unspecific_kind[k] = TRUE;
	}
	g_strfreev (un);
	conf->aff_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	char **ak = g_key_file_get_string_list (kf, "affiliate", "keys", NULL, &err);
	if (err) {
		g_hash_table_destroy (conf->aff_keys);
		goto fail;
	}
	for (char **k = ak; k && *k; k++) {
		char *key = g_ascii_strdown (g_strstrip (*k), -1);
		if (*key)
			g_hash_table_add (conf->aff_keys, key);
		else
			g_free (key);
	}
	g_strfreev (ak);
	g_key_file_free (kf);
	return conf;
fail:
	if (errmsg)
		*errmsg = g_strdup_printf ("cannot read %s: %s", path, err ? err->message : "missing");
	g_clear_error (&err);
	g_key_file_free (kf);
	g_free (conf);
	return NULL;
}

void
wb_attrib_conf_free (wb_attrib_conf_t *conf)
{
	if (!conf)
		return;
	g_hash_table_destroy (conf->aff_keys);
	g_free (conf);
}

double
wb_attrib_weight (const wb_attrib_conf_t *conf, const char *kind, int64_t n, int64_t df,
		  double *spec)
{
	int k = wb_attrib_kind_index (kind);
	double s = 0;
	if (k >= 0 && df >= 2 && df <= conf->max_parties) {
		if (n <= 2)
			s = 1;
		else
			s = log ((double) n / (double) df) / log ((double) n / 2.0);
		s = s < 0 ? 0 : s > 1 ? 1 : s;
	}
	if (spec)
		*spec = s;
	return k >= 0 ? conf->weight[k] * s : 0;
}

gboolean
wb_attrib_unspecific (const wb_attrib_conf_t *conf, const char *kind, double spec)
{
	int k = wb_attrib_kind_index (kind);
	return k < 0 || conf->unspecific_kind[k] || spec < conf->specific;
}

void
wb_attrib_why_weak (const wb_attrib_conf_t *conf, const GPtrArray *kinds, GString *out)
{
	GString *never = g_string_new (NULL), *many = g_string_new (NULL);
	GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint i = 0; i < kinds->len; i++) {
		const char *kind = g_ptr_array_index (kinds, i);
		if (!g_hash_table_add (seen, (gpointer) kind))
			continue;
		/* A kind unspecific whatever its value is never enough alone;
		 * any other was unspecific because many parties have it. */
		GString *to = wb_attrib_unspecific (conf, kind, 1.0) ? never : many;
		g_string_append_printf (to, "%s%s", to->len ? ", " : "", kind);
	}
	if (never->len)
		g_string_append_printf (out, "%s never enough alone", never->str);
	if (many->len)
		g_string_append_printf (out, "%s%s values had by many parties", never->len ? "; " : "",
					many->str);
	g_hash_table_destroy (seen);
	g_string_free (never, TRUE);
	g_string_free (many, TRUE);
}

gboolean
wb_attrib_affiliate_key (const wb_attrib_conf_t *conf, const char *key)
{
	char *k = g_ascii_strdown (key, -1);
	gboolean yes = g_hash_table_contains (conf->aff_keys, k);
	g_free (k);
	return yes;
}

static const char *const strengths[] = { "none", "weak", "moderate", "strong" };

const char *
wb_attrib_strength (const wb_attrib_conf_t *conf, double score, gboolean all_unspecific)
{
	/* Compare at the precision scores are shown with, so that what a person
	 * reads (6.00) and the strength agree. */
	double s = round (score * 10000.0) / 10000.0;
	int r = s >= conf->strong ? 3 : s >= conf->moderate ? 2 : s >= conf->weak ? 1 : 0;
	if (all_unspecific && r > 1)
		r = 1;
	return strengths[r];
}

int
wb_attrib_strength_rank (const char *strength)
{
	for (int i = 0; i < 4; i++)
		if (g_strcmp0 (strength, strengths[i]) == 0)
			return i;
	return -1;
}

/* An affiliate id as the roster gives it: "DOMAIN KEY=VALUE" (the form the
 * analysis stage stores), "KEY=VALUE" or a bare "VALUE". */
static char *
norm_affiliate_id (const char *raw)
{
	char *s = g_strstrip (g_strdup (raw));
	char *out = NULL;
	if (!*s)
		goto done;
	char *sp = strchr (s, ' ');
	char *kv = sp ? g_strstrip (sp + 1) : s;
	char *dom = NULL;
	if (sp) {
		*sp = '\0';
		dom = wb_norm_domain (s);
		if (!dom)
			goto done;
	}
	char *eq = strchr (kv, '=');
	char *pair;
	if (eq) {
		char *key = g_ascii_strdown (kv, eq - kv);
		pair = g_strdup_printf ("%s=%s", g_strstrip (key), eq + 1);
		g_free (key);
	} else {
		pair = g_strdup (kv);
	}
	out = dom ? g_strdup_printf ("%s %s", dom, pair) : g_strdup (pair);
	g_free (pair);
	g_free (dom);
done:
	g_free (s);
	return out;
}

char *
wb_attrib_norm_value (const char *kind, const char *raw)
{
	if (!raw || !*raw)
		return NULL;
	if (!strcmp (kind, "email"))
		return wb_norm_email (raw);
	if (!strcmp (kind, "phone"))
		return wb_norm_phone (raw);
	if (!strcmp (kind, "address"))
		return wb_norm_postal (raw);
	if (!strcmp (kind, "country"))
		return wb_norm_country (raw);
	if (!strcmp (kind, "name") || !strcmp (kind, "payee") || !strcmp (kind, "contact"))
		return wb_norm_name (raw);
	if (!strcmp (kind, "domain"))
		return wb_norm_domain (raw);
	if (!strcmp (kind, "affiliate_id"))
		return norm_affiliate_id (raw);
	if (!strcmp (kind, "ip")) {
		char *s = g_strstrip (g_strdup (raw));
		if (!g_hostname_is_ip_address (s)) {
			g_free (s);
			return NULL;
		}
		return s;
	}
	return g_strstrip (g_strdup (raw));
}
