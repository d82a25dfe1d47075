/* The damages engine.  The case is read once into compact arrays (copies,
 * per statute a violation mask per copy); each scenario is then a few passes
 * over those arrays, so the 24 scenarios of --scenarios cost little more
 * than one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "damages.h"
#include "output.h"
#include "rules.h"
#include "statute.h"
#include "attrib.h"

/* A copy's state under one statute, tested in the order of
 * wb_damages_statute_t (damages.h): out of scope (nexus, undated,
 * effective date, limitations), else in scope and taken out (analyst,
 * preempted), violating or clean. */
enum { ST_NEXUS = 1, ST_EFFECTIVE, ST_LIMITATIONS, ST_CLEAN, ST_ANALYST, ST_VIOLATING, ST_PREEMPTED, ST_UNDATED };

typedef struct {
	int64_t id;
	int64_t trap_id;
	int trap;            /* index into traps, -1 none */
	int day;             /* YYYYMMDD, -1 undated */
	int dayidx;
	int group[3];        /* incident group per wb_incident_rule_t */
	int64_t campaign;    /* near-duplicate group, -1 none */
	/* Per plaintiff kind (wb_plaintiff_t): the (plaintiff, incident
	 * group) per incident rule and the (plaintiff, day), numbered. */
	int pgroup[2][3];
	int pday[2];
} copy_t;

typedef struct {
	char *address, *state, *provider_state;
	int plaintiff[2];    /* index into eng_t.pnames[kind] */
	int64_t id;          /* traps.id */
} trap_t;

typedef struct {
	gboolean commercial_no;         /* taken out of this statute */
	int nexus;                      /* analyst on the nexus: 0 none, 1 has it, 2 lacks it */
	int star;                       /* 0, 1 violation, 2 no-violation */
	guint32 yes, no;                /* provision-specific */
} analyst_t;

typedef struct {
	wb_statute_set_t *set;
	int nst;
	gboolean *selected;
	GArray *copies;                 /* copy_t, by id */
	GArray *traps;                  /* trap_t, indexed by trap index */
	int ngroups[3], ndays;
	int npgroups[2][3], npdays[2];
	GPtrArray *pnames[2];           /* plaintiffs per kind (char*), sorted */
	GPtrArray *ptraps[2];           /* their traps (GString*, ", "-separated) */
	int *day_of;                    /* dayidx -> YYYYMMDD */
	guint32 **cert, **ind;          /* per statute, per copy */
	GHashTable *analyst;            /* copy index -> analyst_t[nst + 1] (last: statute '*') */
	guint8 **state;                 /* per statute, per copy: ST_* */
	guint32 **vmask;                /* final violated provisions */
	guint8 **cls;                   /* provision giving the amount, 0xff: statute's */
	/* The three above without ([0]) and with ([1]) CAN-SPAM preemption;
	 * a statute that preemption does not touch shares its arrays. */
	guint8 **pstate[2];
	guint32 **pvmask[2];
	guint8 **pcls[2];
	int preempt_day;                /* YYYYMMDD, -1: no statute in the set preempts */
	char *preempt_by;               /* id of the preempting statute */
	int *taker;                     /* per statute: statute that takes its overlapping copies, -1 */
	char *rules_source;
	int filed_day;
	/* scratch for one statute pass */
	int64_t *gsum;
	int *gstamp, *dstamp, stamp;
	int64_t *dsum;
	int64_t *galloc, *gbestv;       /* per incident: shared cap given out, largest share */
	int *gbest;                     /* per incident: plaintiff with the largest share */
	int64_t *psum, *pdsum;          /* per (plaintiff, incident), (plaintiff, day) */
	int *pstamp, *pdstamp;
	/* One defendant's share (wb_damages_defendants): per copy, the
	 * WB_ROLE_* it is attributed to the defendant in; a copy counts under
	 * statute S only in a role reach[S] has.  NULL: every copy. */
	const guint8 *only;
	unsigned *reach;
	int64_t trap_id;                /* only the copies of this trap (--trap); 0: all */
} eng_t;

typedef struct {
	wb_incident_rule_t incident;
	gboolean due_care;
	wb_ar_day_rule_t ar;
	wb_plaintiff_t plaintiff;
	gboolean aggravated;
	int scope;                      /* wb_incident_scope_t, or -1: each file's reading */
	gboolean preempt;               /* CAN-SPAM preemption applied */
} scen_t;

typedef struct {
	int64_t considered, violating, incidents, days, uncapped, amount;
	int64_t base;                   /* after the caps, before multiplier and may-sue */
	int64_t ex_nexus, ex_eff, ex_undated, ex_lim, ex_analyst, ex_statute, ex_preempted;
} res_t;

static const char *const plaintiff_names[] = { "recipient", "provider" };
static const char *const incident_names[] = { "campaign-day", "campaign", "message" };
static const char *const ar_names[] = { "per-day", "aggregate" };
static const char *const scope_names[] = { "shared", "each" };
static const char *const preemption_names[] = { "apply", "ignore" };

const char *wb_plaintiff_name (wb_plaintiff_t p) { return plaintiff_names[p]; }
const char *wb_incident_rule_name (wb_incident_rule_t r) { return incident_names[r]; }
const char *wb_ar_day_rule_name (wb_ar_day_rule_t r) { return ar_names[r]; }
const char *wb_incident_scope_name (wb_incident_scope_t r) { return scope_names[r]; }
const char *wb_preemption_name (wb_preemption_t r) { return preemption_names[r]; }

static gboolean
parse_name (const char *s, const char *const *names, int n, int *out)
{
	for (int i = 0; i < n; i++)
		if (g_strcmp0 (s, names[i]) == 0) {
			*out = i;
			return TRUE;
		}
	return FALSE;
}

gboolean wb_plaintiff_parse (const char *s, wb_plaintiff_t *out)
{ int v; if (!parse_name (s, plaintiff_names, 2, &v)) return FALSE; *out = v; return TRUE; }
gboolean wb_incident_rule_parse (const char *s, wb_incident_rule_t *out)
{ int v; if (!parse_name (s, incident_names, 3, &v)) return FALSE; *out = v; return TRUE; }
gboolean wb_ar_day_rule_parse (const char *s, wb_ar_day_rule_t *out)
{ int v; if (!parse_name (s, ar_names, 2, &v)) return FALSE; *out = v; return TRUE; }
gboolean wb_preemption_parse (const char *s, wb_preemption_t *out)
{ int v; if (!parse_name (s, preemption_names, 2, &v)) return FALSE; *out = v; return TRUE; }
gboolean wb_incident_scope_parse (const char *s, wb_incident_scope_t *out)
{ int v; if (!parse_name (s, scope_names, 2, &v)) return FALSE; *out = v; return TRUE; }

void
wb_damages_opts_init (wb_damages_opts_t *opts)
{
	memset (opts, 0, sizeof *opts);
	opts->plaintiff = WB_PLAINTIFF_RECIPIENT;
	opts->incident = WB_INCIDENT_CAMPAIGN_DAY;
	opts->ar_day_rule = WB_AR_PER_DAY;
	opts->incident_scope = -1;
}

static void
eng_free (eng_t *e)
{
	if (!e)
		return;
	for (int s = 0; s < e->nst; s++) {
		if (e->cert) g_free (e->cert[s]);
		if (e->ind) g_free (e->ind[s]);
		for (int k = 0; k < 2; k++) {
			gboolean own = k == 0 || (e->pstate[1] && e->pstate[0] && e->pstate[1][s] != e->pstate[0][s]);
			if (e->pstate[k] && own) g_free (e->pstate[k][s]);
			if (e->pvmask[k] && own) g_free (e->pvmask[k][s]);
			if (e->pcls[k] && own) g_free (e->pcls[k][s]);
		}
	}
	g_free (e->cert); g_free (e->ind);
	for (int k = 0; k < 2; k++) {
		g_free (e->pstate[k]); g_free (e->pvmask[k]); g_free (e->pcls[k]);
	}
	g_free (e->preempt_by);
	g_free (e->selected);
	g_free (e->taker);
	g_free (e->reach);
	if (e->copies) g_array_unref (e->copies);
	if (e->traps) {
		for (guint i = 0; i < e->traps->len; i++) {
			trap_t *t = &g_array_index (e->traps, trap_t, i);
			g_free (t->address);
			g_free (t->state);
			g_free (t->provider_state);
		}
		g_array_unref (e->traps);
	}
	if (e->analyst) g_hash_table_destroy (e->analyst);
	g_free (e->day_of);
	g_free (e->gsum); g_free (e->gstamp); g_free (e->dstamp); g_free (e->dsum);
	g_free (e->galloc); g_free (e->gbestv); g_free (e->gbest);
	g_free (e->psum); g_free (e->pdsum); g_free (e->pstamp); g_free (e->pdstamp);
	for (int k = 0; k < 2; k++) {
		if (e->pnames[k]) g_ptr_array_unref (e->pnames[k]);
		if (e->ptraps[k]) g_ptr_array_unref (e->ptraps[k]);
	}
	g_free (e->rules_source);
	wb_statute_set_free (e->set);
	g_free (e);
}

static int
copy_cmp (const void *a, const void *b)
{
	int64_t x = ((const copy_t *) a)->id, y = ((const copy_t *) b)->id;
	return x < y ? -1 : x > y;
}

/* Index of message ID among the copies, or -1. */
static int
copy_find (eng_t *e, int64_t id)
{
	int lo = 0, hi = (int) e->copies->len - 1;
	copy_t *c = (copy_t *) e->copies->data;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (c[mid].id == id)
			return mid;
		if (c[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int
day_parse (const char *s)
{
	/* local_day is written by ingest as YYYY-MM-DD; a quick parse. */
	if (!s)
		return -1;
	return wb_day_number (s);
}

/* The two large scans (messages, facts) run on a second, read-only
 * connection without SQLite's per-call mutex, which costs a tenth of the
 * time over ten million rows.  Only when the caller has no transaction open:
 * a second connection would not see uncommitted rows. */
static sqlite3_stmt *
scan_stmt (wb_case_t *cs, sqlite3 **db2, const char *sql)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_get_autocommit (wb_case_db (cs)) &&
	    sqlite3_open_v2 (wb_case_path (cs), db2, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2 (*db2, sql, -1, &q, NULL) == SQLITE_OK)
		return q;
	if (*db2) {
		sqlite3_close_v2 (*db2);
		*db2 = NULL;
	}
	return wb_case_stmt (cs, sql);
}

static void
scan_end (sqlite3_stmt *q, sqlite3 *db2)
{
	if (db2) {
		sqlite3_finalize (q);
		sqlite3_close_v2 (db2);
	} else if (q)
		sqlite3_reset (q);
}

/* Numbers the pairs (plaintiff, group) in order of first appearance: a
 * dense table when plaintiffs x groups is small, else a hash. */
typedef struct {
	int *dense;
	GHashTable *h;
	int np, n;
} pairnum_t;

static void
pairnum_init (pairnum_t *pn, int np, int ngroups)
{
	memset (pn, 0, sizeof *pn);
	pn->np = np;
	if ((int64_t) np * ngroups <= (1 << 22)) {
		pn->dense = g_new (int, (size_t) np * ngroups + 1);
		memset (pn->dense, 0xff, ((size_t) np * ngroups + 1) * sizeof (int));
	} else
		pn->h = g_hash_table_new (g_direct_hash, g_direct_equal);
}

static int
pairnum (pairnum_t *pn, int pl, int g)
{
	if (pn->dense) {
		int *v = &pn->dense[(size_t) g * pn->np + pl];
		if (*v < 0)
			*v = pn->n++;
		return *v;
	}
	/* g_direct_hash keeps the low 32 bits of the key: the group goes
	 * there, or every pair of one plaintiff would share one bucket. */
	gpointer key = (gpointer) (guintptr) (((guint64) (guint32) pl << 32) | (guint32) g), v;
	if (g_hash_table_lookup_extended (pn->h, key, NULL, &v))
		return GPOINTER_TO_INT (v);
	g_hash_table_insert (pn->h, key, GINT_TO_POINTER (pn->n));
	return pn->n++;
}

static void
pairnum_clear (pairnum_t *pn)
{
	g_free (pn->dense);
	if (pn->h)
		g_hash_table_destroy (pn->h);
}

static void
gstring_free (gpointer p)
{
	g_string_free (p, TRUE);
}

static int
strp_cmp (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The plaintiffs of each kind (wb_damages_plaintiff_t says who they are),
 * sorted by name, and each trap's. */
static void
assign_plaintiffs (eng_t *e, GPtrArray *holders, GPtrArray *providers)
{
	for (int k = 0; k < 2; k++) {
		GPtrArray *src = k == WB_PLAINTIFF_RECIPIENT ? holders : providers;
		GHashTable *idx = g_hash_table_new (g_str_hash, g_str_equal);
		e->pnames[k] = g_ptr_array_new_with_free_func (g_free);
		e->ptraps[k] = g_ptr_array_new_with_free_func (gstring_free);
		for (guint t = 0; t < e->traps->len; t++)
			if (!g_hash_table_contains (idx, src->pdata[t])) {
				g_hash_table_add (idx, src->pdata[t]);
				g_ptr_array_add (e->pnames[k], g_strdup (src->pdata[t]));
			}
		g_ptr_array_sort (e->pnames[k], strp_cmp);
		g_hash_table_remove_all (idx);
		for (guint i = 0; i < e->pnames[k]->len; i++) {
			g_hash_table_insert (idx, e->pnames[k]->pdata[i], GUINT_TO_POINTER (i));
			g_ptr_array_add (e->ptraps[k], g_string_new (NULL));
		}
		for (guint t = 0; t < e->traps->len; t++) {
			trap_t *tr = &g_array_index (e->traps, trap_t, t);
			int pl = GPOINTER_TO_INT (g_hash_table_lookup (idx, src->pdata[t]));
			GString *ts = e->ptraps[k]->pdata[pl];
			tr->plaintiff[k] = pl;
			g_string_append_printf (ts, "%s%s", ts->len ? ", " : "", tr->address);
		}
		g_hash_table_destroy (idx);
	}
}

static wb_status_t
load_copies (wb_case_t *cs, eng_t *e)
{
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT id, address, state, provider_state, holder, provider"
					    " FROM traps ORDER BY id");
	if (!q)
		return WB_ERR_DB;
	GHashTable *trap_idx = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	GPtrArray *holders = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *providers = g_ptr_array_new_with_free_func (g_free);
	e->traps = g_array_new (FALSE, TRUE, sizeof (trap_t));
	while (sqlite3_step (q) == SQLITE_ROW) {
		int64_t *k = g_new (int64_t, 1);
		*k = sqlite3_column_int64 (q, 0);
		trap_t t = { g_strdup ((const char *) sqlite3_column_text (q, 1)),
			     g_strdup ((const char *) sqlite3_column_text (q, 2)),
			     g_strdup ((const char *) sqlite3_column_text (q, 3)), { 0, 0 } };
		if (!t.address) t.address = g_strdup ("");
		t.id = *k;
		if (t.state) g_strstrip (t.state);
		if (t.provider_state) g_strstrip (t.provider_state);
		/* A trap without a holder is its own plaintiff; one without a
		 * provider goes with its address's domain. */
		char *h = g_strdup ((const char *) sqlite3_column_text (q, 4));
		char *p = g_strdup ((const char *) sqlite3_column_text (q, 5));
		if (h) g_strstrip (h);
		if (p) g_strstrip (p);
		if (!h || !*h) {
			g_free (h);
			h = g_strdup (t.address);
		}
		if (!p || !*p) {
			const char *at = strrchr (t.address, '@');
			g_free (p);
			p = g_strdup (at ? at + 1 : t.address);
		}
		g_ptr_array_add (holders, h);
		g_ptr_array_add (providers, p);
		g_hash_table_insert (trap_idx, k, GINT_TO_POINTER (e->traps->len + 1));
		g_array_append_val (e->traps, t);
	}
	sqlite3_reset (q);
	assign_plaintiffs (e, holders, providers);
	g_ptr_array_unref (holders);
	g_ptr_array_unref (providers);

	sqlite3 *db2 = NULL;
	q = scan_stmt (cs, &db2, e->trap_id ? "SELECT id, trap_id, local_day, campaign FROM messages WHERE trap_id = ?"
		       : "SELECT id, trap_id, local_day, campaign FROM messages");
	if (!q) {
		g_hash_table_destroy (trap_idx);
		return WB_ERR_DB;
	}
	if (e->trap_id)
		sqlite3_bind_int64 (q, 1, e->trap_id);
	e->copies = g_array_new (FALSE, TRUE, sizeof (copy_t));
	int rc;
	while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
		copy_t c = { 0 };
		c.id = sqlite3_column_int64 (q, 0);
		c.trap_id = sqlite3_column_int64 (q, 1);
		c.trap = GPOINTER_TO_INT (g_hash_table_lookup (trap_idx, &c.trap_id)) - 1;
		c.day = day_parse ((const char *) sqlite3_column_text (q, 2));
		c.campaign = sqlite3_column_type (q, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64 (q, 3);
		g_array_append_val (e->copies, c);
	}
	if (rc != SQLITE_DONE)
		wb_case_fail (cs, WB_ERR_DB, "cannot read messages: %s", sqlite3_errmsg (sqlite3_db_handle (q)));
	scan_end (q, db2);
	g_hash_table_destroy (trap_idx);
	if (rc != SQLITE_DONE)
		return WB_ERR_DB;
	qsort (e->copies->data, e->copies->len, sizeof (copy_t), copy_cmp);

	/* Number days and incident groups in order of first appearance. */
	GHashTable *days = g_hash_table_new (g_direct_hash, g_direct_equal);
	GHashTable *camp = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	GHashTable *cday = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	GArray *dayv = g_array_new (FALSE, FALSE, sizeof (int));
	for (guint i = 0; i < e->copies->len; i++) {
		copy_t *c = &g_array_index (e->copies, copy_t, i);
		gboolean has_camp = c->campaign >= 0;
		int64_t cp = c->campaign;
		gpointer v;
		if (g_hash_table_lookup_extended (days, GINT_TO_POINTER (c->day), NULL, &v))
			c->dayidx = GPOINTER_TO_INT (v);
		else {
			c->dayidx = dayv->len;
			g_hash_table_insert (days, GINT_TO_POINTER (c->day), GINT_TO_POINTER (c->dayidx));
			g_array_append_val (dayv, c->day);
		}
		c->group[WB_INCIDENT_MESSAGE] = i;
		if (!has_camp) {
			/* No near-duplicate group: the copy is its own campaign. */
			c->group[WB_INCIDENT_CAMPAIGN] = e->ngroups[WB_INCIDENT_CAMPAIGN]++;
			c->group[WB_INCIDENT_CAMPAIGN_DAY] = e->ngroups[WB_INCIDENT_CAMPAIGN_DAY]++;
			continue;
		}
		int64_t kc = cp, kd = cp * 100000000LL + (c->day < 0 ? 0 : c->day);
		if (g_hash_table_lookup_extended (camp, &kc, NULL, &v))
			c->group[WB_INCIDENT_CAMPAIGN] = GPOINTER_TO_INT (v);
		else {
			c->group[WB_INCIDENT_CAMPAIGN] = e->ngroups[WB_INCIDENT_CAMPAIGN]++;
			g_hash_table_insert (camp, g_memdup2 (&kc, sizeof kc),
					     GINT_TO_POINTER (c->group[WB_INCIDENT_CAMPAIGN]));
		}
		if (g_hash_table_lookup_extended (cday, &kd, NULL, &v))
			c->group[WB_INCIDENT_CAMPAIGN_DAY] = GPOINTER_TO_INT (v);
		else {
			c->group[WB_INCIDENT_CAMPAIGN_DAY] = e->ngroups[WB_INCIDENT_CAMPAIGN_DAY]++;
			g_hash_table_insert (cday, g_memdup2 (&kd, sizeof kd),
					     GINT_TO_POINTER (c->group[WB_INCIDENT_CAMPAIGN_DAY]));
		}
	}
	e->ngroups[WB_INCIDENT_MESSAGE] = e->copies->len;
	e->ndays = dayv->len;
	/* The same per plaintiff of each kind. */
	for (int k = 0; k < 2; k++) {
		pairnum_t pn[2], pd;
		int np = MAX (1, (int) e->pnames[k]->len);
		for (int r = 0; r < 2; r++)
			pairnum_init (&pn[r], np, e->ngroups[r]);
		pairnum_init (&pd, np, e->ndays);
		for (guint i = 0; i < e->copies->len; i++) {
			copy_t *c = &g_array_index (e->copies, copy_t, i);
			if (c->trap < 0) {
				c->pgroup[k][0] = c->pgroup[k][1] = c->pgroup[k][2] = c->pday[k] = -1;
				continue;
			}
			int pl = g_array_index (e->traps, trap_t, c->trap).plaintiff[k];
			c->pgroup[k][WB_INCIDENT_MESSAGE] = i;
			for (int r = 0; r < 2; r++)
				c->pgroup[k][r] = pairnum (&pn[r], pl, c->group[r]);
			c->pday[k] = pairnum (&pd, pl, c->dayidx);
		}
		for (int r = 0; r < 2; r++)
			e->npgroups[k][r] = pn[r].n;
		e->npgroups[k][WB_INCIDENT_MESSAGE] = e->copies->len;
		e->npdays[k] = pd.n;
		for (int r = 0; r < 2; r++)
			pairnum_clear (&pn[r]);
		pairnum_clear (&pd);
	}
	e->day_of = (int *) g_array_free (dayv, FALSE);
	g_hash_table_destroy (days);
	g_hash_table_destroy (camp);
	g_hash_table_destroy (cday);
	return WB_OK;
}

static analyst_t *
analyst_for (eng_t *e, int ci)
{
	analyst_t *a = g_hash_table_lookup (e->analyst, GINT_TO_POINTER (ci));
	if (!a) {
		a = g_new0 (analyst_t, e->nst + 1);
		g_hash_table_insert (e->analyst, GINT_TO_POINTER (ci), a);
	}
	return a;
}

static void
add_analyst (eng_t *e, int ci, const char *statute, const char *prov, gboolean violation)
{
	if (strcmp (statute, "*") == 0) {
		if (strcmp (prov, "commercial") == 0 && !violation)
			analyst_for (e, ci)[e->nst].commercial_no = TRUE;
		return;
	}
	int s = wb_statute_set_index (e->set, statute);
	if (s < 0)
		return;                 /* a statute not in this set */
	wb_statute_t *st = e->set->statutes->pdata[s];
	if (strcmp (prov, "commercial") == 0) {
		if (!violation)
			analyst_for (e, ci)[s].commercial_no = TRUE;
		return;
	}
	if (strcmp (prov, "*") == 0) {
		analyst_for (e, ci)[s].star = violation ? 1 : 2;
		return;
	}
	if (strcmp (prov, "nexus") == 0) {
		analyst_for (e, ci)[s].nexus = violation ? 1 : 2;
		return;
	}
	int p = wb_statute_provision_index (st, prov);
	if (p < 0)
		return;
	analyst_t *a = &analyst_for (e, ci)[s];
	if (violation) {
		a->yes |= 1u << p;
		a->no &= ~(1u << p);
	} else {
		a->no |= 1u << p;
		a->yes &= ~(1u << p);
	}
}

/* Rule findings and analyst findings into the per-copy masks. */
static wb_status_t
load_findings (wb_case_t *cs, eng_t *e)
{
	int n = e->copies->len;
	e->cert = g_new0 (guint32 *, e->nst);
	e->ind = g_new0 (guint32 *, e->nst);
	for (int s = 0; s < e->nst; s++) {
		e->cert[s] = g_new0 (guint32, n);
		e->ind[s] = g_new0 (guint32, n);
	}
	e->analyst = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
	/* Rule findings: the masks wb_rules_apply() stored, when they were made
	 * with this statute set from the current facts (a million rows for a
	 * million copies); else evaluated here from the facts (ten million). */
	sqlite3_stmt *q = NULL;
	int rc;
	gboolean stored = wb_rules_current (cs, e->set);
	if (stored) {
		sqlite3 *db2 = NULL;
		q = scan_stmt (cs, &db2, "SELECT message, masks FROM rule_masks");
		if (!q)
			return WB_ERR_DB;
		while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
			int ci = copy_find (e, sqlite3_column_int64 (q, 0));
			const guint8 *b = sqlite3_column_blob (q, 1);
			if (sqlite3_column_bytes (q, 1) != e->nst * 8) {
				stored = FALSE;
				break;
			}
			for (int s = 0; ci >= 0 && s < e->nst; s++) {
				guint32 le[2];
				memcpy (le, b + s * 8, 8);
				e->cert[s][ci] = GUINT32_FROM_LE (le[0]);
				e->ind[s][ci] = GUINT32_FROM_LE (le[1]);
			}
		}
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			stored = FALSE;
		scan_end (q, db2);
		if (stored) {
			char *run = wb_case_info (cs, "rules_run");
			e->rules_source = g_strdup_printf ("stored rule findings (run %s)", run ? run : "?");
			g_free (run);
		} else
			for (int s = 0; s < e->nst; s++) {
				memset (e->cert[s], 0, n * sizeof (guint32));
				memset (e->ind[s], 0, n * sizeof (guint32));
			}
	}
	if (!stored) {
		e->rules_source = g_strdup ("rule findings computed from the facts");
		wb_fact_t facts[WB_FACT_COUNT];
		/* Values are short ('0', '1', a category): copied into fixed
		 * buffers; a longer one goes to the chunk. */
		char vbuf[WB_FACT_COUNT][64];
		GStringChunk *chunk = g_string_chunk_new (4096);
		sqlite3 *db2 = NULL;
		q = scan_stmt (cs, &db2, "SELECT message, name, value, confidence = 'indicator' FROM facts");
		if (!q) {
			g_string_chunk_free (chunk);
			return WB_ERR_DB;
		}
		int64_t cur = -1;
		memset (facts, 0, sizeof facts);
		for (;;) {
			rc = sqlite3_step (q);
			int64_t m = rc == SQLITE_ROW ? sqlite3_column_int64 (q, 0) : -2;
			if (m != cur && cur >= 0) {
				int ci = copy_find (e, cur);
				for (int s = 0; ci >= 0 && s < e->nst; s++) {
					if (!e->selected[s])
						continue;
					wb_statute_t *st = e->set->statutes->pdata[s];
					for (guint p = 0; p < st->provisions->len; p++) {
						wb_rule_result_t r = wb_rule_eval (st->provisions->pdata[p], facts, NULL);
						if (r == WB_RULE_CERTAIN)
							e->cert[s][ci] |= 1u << p;
						else if (r == WB_RULE_INDICATOR)
							e->ind[s][ci] |= 1u << p;
					}
				}
				memset (facts, 0, sizeof facts);
				g_string_chunk_clear (chunk);
			}
			if (rc != SQLITE_ROW)
				break;
			cur = m;
			int f = wb_fact_index ((const char *) sqlite3_column_text (q, 1));
			if (f < 0)
				continue;
			const char *val = (const char *) sqlite3_column_text (q, 2);
			int vlen = sqlite3_column_bytes (q, 2);
			if (!val)
				continue;
			if (vlen < (int) sizeof vbuf[0]) {
				memcpy (vbuf[f], val, vlen + 1);
				facts[f].value = vbuf[f];
			} else
				facts[f].value = g_string_chunk_insert (chunk, val);
			facts[f].indicator = sqlite3_column_int (q, 3);
		}
		if (rc != SQLITE_DONE)
			wb_case_fail (cs, WB_ERR_DB, "cannot read facts: %s", sqlite3_errmsg (sqlite3_db_handle (q)));
		scan_end (q, db2);
		g_string_chunk_free (chunk);
		if (rc != SQLITE_DONE)
			return WB_ERR_DB;
	}
	/* 'always' checks hold for copies without any facts too. */
	for (int s = 0; s < e->nst; s++) {
		wb_statute_t *st = e->set->statutes->pdata[s];
		guint32 always = 0;
		for (guint p = 0; p < st->provisions->len; p++)
			if (((wb_provision_t *) st->provisions->pdata[p])->kind == WB_CHECK_ALWAYS)
				always |= 1u << p;
		if (always)
			for (int ci = 0; ci < n; ci++)
				e->cert[s][ci] |= always;
	}

	/* Through the partial index findings_analyst: no ORDER BY, which would
	 * scan the millions of rule rows (the order does not matter: one row
	 * per copy, statute and provision). */
	q = wb_case_stmt (cs, "SELECT message, statute, provision, finding FROM findings"
			      " WHERE source = 'analyst'");
	if (!q)
		return WB_ERR_DB;
	while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
		int ci = copy_find (e, sqlite3_column_int64 (q, 0));
		if (ci < 0)
			continue;
		add_analyst (e, ci, (const char *) sqlite3_column_text (q, 1),
			     (const char *) sqlite3_column_text (q, 2),
			     g_strcmp0 ((const char *) sqlite3_column_text (q, 3), "violation") == 0);
	}
	sqlite3_reset (q);
	if (rc != SQLITE_DONE)
		return wb_case_fail_db (cs, "cannot read findings");
	return WB_OK;
}

/* The provision of ST among V that gives a copy its amount: the largest
 * (0xff: the statute's own). */
static guint8
amount_provision (const wb_statute_t *st, guint32 v)
{
	guint8 cls = 0xff;
	int64_t best = st->per_message_cents;
	gboolean best_unc = FALSE;
	for (guint p = 0; v && p < st->provisions->len; p++) {
		if (!(v & (1u << p)))
			continue;
		wb_provision_t *pr = st->provisions->pdata[p];
		int64_t amt = pr->per_message_cents >= 0 ? pr->per_message_cents : st->per_message_cents;
		if (amt > best || (amt == best && pr->uncapped && !best_unc)) {
			best = amt;
			best_unc = pr->uncapped;
			cls = p;
		}
	}
	return cls;
}

static void preempt (eng_t *e);

/* Scope and final violations per statute and copy (independent of the
 * scenario but for preemption: both are kept). */
static void
classify (eng_t *e, gboolean include_indicators)
{
	int n = e->copies->len;
	e->state = e->pstate[0] = g_new0 (guint8 *, e->nst);
	e->vmask = e->pvmask[0] = g_new0 (guint32 *, e->nst);
	e->cls = e->pcls[0] = g_new0 (guint8 *, e->nst);
	for (int s = 0; s < e->nst; s++) {
		wb_statute_t *st = e->set->statutes->pdata[s];
		e->state[s] = g_new0 (guint8, n);
		e->vmask[s] = g_new0 (guint32, n);
		e->cls[s] = g_new0 (guint8, n);
		if (!e->selected[s])
			continue;
		int lim_start = -1;
		if (st->limitations_years > 0 && e->filed_day > 0) {
			GDate *d = g_date_new_dmy (e->filed_day % 100, (e->filed_day / 100) % 100, e->filed_day / 10000);
			g_date_subtract_years (d, st->limitations_years);
			lim_start = g_date_get_year (d) * 10000 + g_date_get_month (d) * 100 + g_date_get_day (d);
			g_date_free (d);
		}
		/* Nexus per trap. */
		guint8 *nexus_ok = g_new0 (guint8, e->traps->len + 1);
		for (guint t = 0; t < e->traps->len; t++) {
			trap_t *tr = &g_array_index (e->traps, trap_t, t);
			unsigned have = 0;
			if (tr->state && g_ascii_strcasecmp (tr->state, st->jurisdiction) == 0)
				have |= WB_NEXUS_RESIDENT;
			if (tr->provider_state && g_ascii_strcasecmp (tr->provider_state, st->jurisdiction) == 0)
				have |= WB_NEXUS_PROVIDER;
			if (st->nexus == 0)
				nexus_ok[t] = 1;
			else if (st->nexus_all)
				nexus_ok[t] = (have & st->nexus) == st->nexus;
			else
				nexus_ok[t] = (have & st->nexus) != 0;
		}
		guint32 all = st->provisions->len == 32 ? 0xffffffffu : (1u << st->provisions->len) - 1;
		for (int ci = 0; ci < n; ci++) {
			copy_t *c = &g_array_index (e->copies, copy_t, ci);
			analyst_t *a = g_hash_table_size (e->analyst)
				? g_hash_table_lookup (e->analyst, GINT_TO_POINTER (ci)) : NULL;
			/* An analyst may find the nexus the trap does not show (sent
			 * from the state) or deny the one it shows; a copy in no
			 * trap has no recipient either way. */
			gboolean has = c->trap >= 0 && nexus_ok[c->trap];
			if (a && c->trap >= 0 && a[s].nexus)
				has = a[s].nexus == 1;
			if (!has) {
				e->state[s][ci] = ST_NEXUS;
				continue;
			}
			/* Without a day of receipt the copy cannot be shown to
			 * fall on or after the effective date (every statute
			 * file has one): out of scope, as undated. */
			if (c->day < 0) {
				e->state[s][ci] = ST_UNDATED;
				continue;
			}
			if (c->day < st->effective_day) {
				e->state[s][ci] = ST_EFFECTIVE;
				continue;
			}
			if (lim_start > 0 && c->day < lim_start) {
				e->state[s][ci] = ST_LIMITATIONS;
				continue;
			}
			guint32 rule = e->cert[s][ci] | (include_indicators ? e->ind[s][ci] : 0);
			guint32 v = rule;
			if (a) {
				if (a[e->nst].commercial_no || a[s].commercial_no)
					v = 0, rule = rule ? rule : 1;
				else {
					if (a[s].star == 2)
						v = 0;
					else if (a[s].star == 1)
						v = all;
					v = (v & ~a[s].no) | a[s].yes;
				}
			}
			e->vmask[s][ci] = v;
			e->state[s][ci] = v ? ST_VIOLATING : rule ? ST_ANALYST : ST_CLEAN;
			e->cls[s][ci] = amount_provision (st, v);
		}
		g_free (nexus_ok);
	}
	preempt (e);
}

/* The arrays with CAN-SPAM preemption (15 U.S.C. 7707(b)(1)): under a
 * state statute, a copy received on or after the day a statute of the set
 * preempts from counts only for the provisions that prohibit falsity or
 * deception (falsity=yes, or not said); one violating none of them is
 * ST_PREEMPTED.  Federal statutes are untouched. */
static void
preempt (eng_t *e)
{
	int n = e->copies->len;
	e->preempt_day = -1;
	for (int s = 0; s < e->nst; s++) {
		wb_statute_t *st = e->set->statutes->pdata[s];
		if (st->preempts_from >= 0 && (e->preempt_day < 0 || st->preempts_from < e->preempt_day)) {
			e->preempt_day = st->preempts_from;
			g_free (e->preempt_by);
			e->preempt_by = g_strdup (st->id);
		}
	}
	e->pstate[1] = g_new0 (guint8 *, e->nst);
	e->pvmask[1] = g_new0 (guint32 *, e->nst);
	e->pcls[1] = g_new0 (guint8 *, e->nst);
	for (int s = 0; s < e->nst; s++) {
		wb_statute_t *st = e->set->statutes->pdata[s];
		guint32 keep = 0;
		for (guint p = 0; p < st->provisions->len; p++)
			if (((wb_provision_t *) st->provisions->pdata[p])->falsity != 0)
				keep |= 1u << p;
		guint32 all = st->provisions->len == 32 ? 0xffffffffu : (1u << st->provisions->len) - 1;
		if (!e->selected[s] || e->preempt_day < 0 || g_ascii_strcasecmp (st->jurisdiction, "US") == 0 ||
		    keep == all) {
			e->pstate[1][s] = e->pstate[0][s];
			e->pvmask[1][s] = e->pvmask[0][s];
			e->pcls[1][s] = e->pcls[0][s];
			continue;
		}
		e->pstate[1][s] = g_memdup2 (e->pstate[0][s], n);
		e->pvmask[1][s] = g_memdup2 (e->pvmask[0][s], n * sizeof (guint32));
		e->pcls[1][s] = g_memdup2 (e->pcls[0][s], n);
		for (int ci = 0; ci < n; ci++) {
			int day = g_array_index (e->copies, copy_t, ci).day;
			guint32 v = e->pvmask[0][s][ci];
			if (e->pstate[0][s][ci] != ST_VIOLATING || day < e->preempt_day || (v & keep) == v)
				continue;
			v &= keep;
			e->pvmask[1][s][ci] = v;
			e->pstate[1][s][ci] = v ? ST_VIOLATING : ST_PREEMPTED;
			e->pcls[1][s][ci] = amount_provision (st, v);
		}
	}
}

/* Use the arrays with preemption (APPLY) or without. */
static void
use_preemption (eng_t *e, gboolean apply)
{
	e->state = e->pstate[apply ? 1 : 0];
	e->vmask = e->pvmask[apply ? 1 : 0];
	e->cls = e->pcls[apply ? 1 : 0];
}

/* Whether copy CI is outside the defendant's share under statute S. */
static inline gboolean
not_ours (const eng_t *e, int s, int ci)
{
	return e->only && !(e->only[ci] & e->reach[s]);
}

static inline gboolean
counted (eng_t *e, int s, int ci)
{
	if (e->state[s][ci] != ST_VIOLATING || not_ours (e, s, ci))
		return FALSE;
	int t = e->taker[s];
	return t < 0 || e->state[t][ci] != ST_VIOLATING;
}

#define ADD(a, b) do { if (__builtin_add_overflow ((a), (b), &(a))) goto overflow; } while (0)

static int64_t
elect (wb_election_t el, int64_t sum, int64_t cap)
{
	return el == WB_ELECT_GREATER ? MAX (sum, cap) : MIN (sum, cap);
}

/* The reading of a shared incident used for statute ST: the one asked for
 * when its file allows it, else the file's own. */
static wb_incident_scope_t
scope_of (const wb_statute_t *st, const scen_t *sc)
{
	if (sc->scope >= 0 && (st->incident_scopes & (1u << sc->scope)))
		return sc->scope;
	return st->incident_scope;
}

/* SHARE of TOTAL in proportion PART / WHOLE, rounded down (128-bit). */
static int64_t
pro_rata (int64_t total, int64_t part, int64_t whole)
{
	return whole ? (int64_t) ((__int128) total * part / whole) : 0;
}

/* One statute under one scenario: the sum of each plaintiff's action.
 * PRES, when not NULL, receives each plaintiff's figures (the plaintiffs of
 * the scenario's kind).  Returns FALSE on overflow. */
static gboolean
statute_amount (eng_t *e, int s, const scen_t *sc, res_t *r, res_t *pres)
{
	wb_statute_t *st = e->set->statutes->pdata[s];
	int n = e->copies->len, k = sc->plaintiff;
	int np = e->pnames[k]->len;
	gboolean dc = sc->due_care && st->due_care_per_message_cents >= 0;
	int64_t cap = dc && st->due_care_cap_cents >= 0 ? st->due_care_cap_cents : st->cap_cents;
	wb_election_t el = st->election[sc->plaintiff];
	gboolean shared = st->cap == WB_CAP_INCIDENT && scope_of (st, sc) == WB_SCOPE_SHARED;
	/* Per plaintiff: capped sum, outside the cap, capped days, amount. */
	int64_t *pc = g_new0 (int64_t, 4 * (size_t) np + 4);
	int64_t *pf = pc + np + 1, *pnd = pf + np + 1, *pa = pnd + np + 1;
	gboolean ok = FALSE;
	memset (r, 0, sizeof *r);
	if (pres)
		memset (pres, 0, np * sizeof *pres);
	e->stamp++;
	for (int ci = 0; ci < n; ci++) {
		if (not_ours (e, s, ci))
			continue;
		guint8 state = e->state[s][ci];
		copy_t *c = &g_array_index (e->copies, copy_t, ci);
		res_t *pr0 = pres && c->trap >= 0
			? &pres[g_array_index (e->traps, trap_t, c->trap).plaintiff[k]] : NULL;
		switch (state) {
		case ST_NEXUS: r->ex_nexus++; if (pr0) pr0->ex_nexus++; continue;
		case ST_EFFECTIVE: r->ex_eff++; if (pr0) pr0->ex_eff++; continue;
		case ST_UNDATED: r->ex_undated++; if (pr0) pr0->ex_undated++; continue;
		case ST_LIMITATIONS: r->ex_lim++; if (pr0) pr0->ex_lim++; continue;
		case ST_ANALYST:
			r->ex_analyst++; r->considered++;
			if (pr0) { pr0->ex_analyst++; pr0->considered++; }
			continue;
		case ST_CLEAN: r->considered++; if (pr0) pr0->considered++; continue;
		case ST_PREEMPTED:
			r->ex_preempted++; r->considered++;
			if (pr0) { pr0->ex_preempted++; pr0->considered++; }
			continue;
		}
		r->considered++;
		if (pr0)
			pr0->considered++;
		if (!counted (e, s, ci)) {
			r->ex_statute++;
			if (pr0)
				pr0->ex_statute++;
			continue;
		}
		/* Counted: the copy is in a trap (no trap, no nexus). */
		int pl = g_array_index (e->traps, trap_t, c->trap).plaintiff[k];
		r->violating++;
		guint8 cls = e->cls[s][ci];
		wb_provision_t *pr = cls == 0xff ? NULL : st->provisions->pdata[cls];
		int64_t pm = pr && pr->per_message_cents >= 0 ? pr->per_message_cents : st->per_message_cents;
		if (dc)
			pm = MIN (pm, st->due_care_per_message_cents);
		ADD (r->uncapped, pm);
		int g = c->group[sc->incident], pg = c->pgroup[k][sc->incident], pd = c->pday[k];
		if (e->gstamp[g] != e->stamp) {
			e->gstamp[g] = e->stamp;
			e->gsum[g] = 0;
			e->galloc[g] = 0;
			e->gbest[g] = -1;
			e->gbestv[g] = 0;
			if (shared)
				r->incidents++;
		}
		/* The statute's incidents and days are those of the plaintiffs'
		 * actions added up (an incident whose cap they share, once). */
		if (e->pstamp[pg] != e->stamp) {
			e->pstamp[pg] = e->stamp;
			e->psum[pg] = 0;
			if (!shared)
				r->incidents++;
			if (pres)
				pres[pl].incidents++;
		}
		if (e->pdstamp[pd] != e->stamp) {
			e->pdstamp[pd] = e->stamp;
			e->pdsum[pd] = 0;
			r->days++;
			if (pres)
				pres[pl].days++;
		}
		if (pres) {
			pres[pl].violating++;
			ADD (pres[pl].uncapped, pm);
		}
		if (pr && pr->uncapped) {
			ADD (pf[pl], pm);
			continue;
		}
		ADD (pc[pl], pm);
		if (st->cap == WB_CAP_INCIDENT) {
			ADD (e->gsum[g], pm);
			ADD (e->psum[pg], pm);
		} else if (st->cap == WB_CAP_DAY) {
			if (e->pdsum[pd] == 0)
				pnd[pl]++;
			ADD (e->pdsum[pd], pm);
		}
	}
	switch (st->cap) {
	case WB_CAP_NONE:
		for (int p = 0; p < np; p++)
			pa[p] = pc[p];
		break;
	case WB_CAP_ACTION:
		for (int p = 0; p < np; p++)
			pa[p] = pc[p] ? elect (el, pc[p], cap) : 0;
		break;
	case WB_CAP_DAY:
		if (sc->ar == WB_AR_AGGREGATE) {
			for (int p = 0; p < np; p++) {
				int64_t total_cap;
				if (__builtin_mul_overflow (cap, pnd[p], &total_cap))
					goto overflow;
				pa[p] = pc[p] ? elect (el, pc[p], total_cap) : 0;
			}
			break;
		}
		/* Each (plaintiff, day) once: walk the copies, clearing sums. */
		for (int ci = 0; ci < n; ci++) {
			if (!counted (e, s, ci))
				continue;
			copy_t *c = &g_array_index (e->copies, copy_t, ci);
			if (e->pdsum[c->pday[k]]) {
				ADD (pa[g_array_index (e->traps, trap_t, c->trap).plaintiff[k]],
				     elect (el, e->pdsum[c->pday[k]], cap));
				e->pdsum[c->pday[k]] = 0;
			}
		}
		break;
	case WB_CAP_INCIDENT:
		/* Each cap once: walk the copies, clearing sums.  Shared: the
		 * incident's cap is split among its plaintiffs in proportion to
		 * their uncapped sums, rounded down; the cents left go to the
		 * plaintiff with the largest part (the first on a tie). */
		for (int ci = 0; ci < n; ci++) {
			if (!counted (e, s, ci))
				continue;
			copy_t *c = &g_array_index (e->copies, copy_t, ci);
			int pl = g_array_index (e->traps, trap_t, c->trap).plaintiff[k];
			int g = c->group[sc->incident], pg = c->pgroup[k][sc->incident];
			int64_t part = e->psum[pg];
			if (!part)
				continue;
			e->psum[pg] = 0;
			if (!shared) {
				ADD (pa[pl], elect (el, part, cap));
				continue;
			}
			int64_t share = pro_rata (elect (el, e->gsum[g], cap), part, e->gsum[g]);
			ADD (pa[pl], share);
			ADD (e->galloc[g], share);
			if (part > e->gbestv[g] || (part == e->gbestv[g] && pl < e->gbest[g])) {
				e->gbestv[g] = part;
				e->gbest[g] = pl;
			}
		}
		for (int ci = 0; shared && ci < n; ci++) {
			if (!counted (e, s, ci))
				continue;
			int g = g_array_index (e->copies, copy_t, ci).group[sc->incident];
			if (e->gsum[g]) {
				ADD (pa[e->gbest[g]], elect (el, e->gsum[g], cap) - e->galloc[g]);
				e->gsum[g] = 0;
			}
		}
		break;
	}
	gboolean may_sue = sc->plaintiff == WB_PLAINTIFF_RECIPIENT ? st->plaintiff_recipient : st->plaintiff_provider;
	for (int p = 0; p < np; p++) {
		ADD (pa[p], pf[p]);
		ADD (r->base, pa[p]);
		if (pres)
			pres[p].base = pa[p];
		if (sc->aggravated && st->aggravated_multiplier > 1 &&
		    __builtin_mul_overflow (pa[p], (int64_t) st->aggravated_multiplier, &pa[p]))
			goto overflow;
		if (!may_sue)
			pa[p] = 0;
		ADD (r->amount, pa[p]);
		if (pres)
			pres[p].amount = pa[p];
	}
	ok = TRUE;
overflow:
	g_free (pc);
	return ok;
}

/* Decide, for each pair of statutes that exclude each other, which one
 * counts the copies violating both: the assignment with the larger sum of
 * the two amounts (the plaintiff elects the better action); on a tie the
 * statute with the smaller id. */
static gboolean
resolve_exclusions (eng_t *e, const scen_t *sc)
{
	for (int s = 0; s < e->nst; s++)
		e->taker[s] = -1;
	for (int a = 0; a < e->nst; a++) {
		if (!e->selected[a])
			continue;
		wb_statute_t *sa = e->set->statutes->pdata[a];
		for (int b = a + 1; b < e->nst; b++) {
			if (!e->selected[b])
				continue;
			wb_statute_t *sb = e->set->statutes->pdata[b];
			if (!g_strv_contains ((const char *const *) sa->excludes, sb->id) &&
			    !g_strv_contains ((const char *const *) sb->excludes, sa->id))
				continue;
			res_t ra, rb;
			int64_t t1, t2;
			e->taker[b] = a;            /* a takes the shared copies */
			e->taker[a] = -1;
			if (!statute_amount (e, a, sc, &ra, NULL) || !statute_amount (e, b, sc, &rb, NULL) ||
			    __builtin_add_overflow (ra.amount, rb.amount, &t1))
				return FALSE;
			e->taker[b] = -1;
			e->taker[a] = b;
			if (!statute_amount (e, a, sc, &ra, NULL) || !statute_amount (e, b, sc, &rb, NULL) ||
			    __builtin_add_overflow (ra.amount, rb.amount, &t2))
				return FALSE;
			if (t1 >= t2) {
				e->taker[a] = -1;
				e->taker[b] = a;
			}
		}
	}
	return TRUE;
}

static wb_status_t
eng_load (wb_case_t *cs, const wb_damages_opts_t *opts, eng_t **out)
{
	eng_t *e = g_new0 (eng_t, 1);
	wb_status_t s;
	*out = NULL;
	if ((s = wb_statutes_for (cs, opts->statutes_dir, &e->set)))
		goto fail;
	e->nst = e->set->statutes->len;
	e->selected = g_new0 (gboolean, e->nst);
	e->taker = g_new (int, e->nst);
	if (opts->statutes && opts->statutes[0]) {
		for (char **id = opts->statutes; *id; id++) {
			int i = wb_statute_set_index (e->set, *id);
			if (i < 0) {
				s = wb_case_fail (cs, WB_ERR_NOT_FOUND, "unknown statute '%s'", *id);
				goto fail;
			}
			e->selected[i] = TRUE;
		}
	} else
		for (int i = 0; i < e->nst; i++)
			e->selected[i] = TRUE;
	if (opts->trap) {
		sqlite3_stmt *t = wb_case_stmt (cs, "SELECT id FROM traps WHERE address = lower(?)");
		if (!t) {
			s = WB_ERR_DB;
			goto fail;
		}
		sqlite3_bind_text (t, 1, opts->trap, -1, SQLITE_TRANSIENT);
		e->trap_id = sqlite3_step (t) == SQLITE_ROW ? sqlite3_column_int64 (t, 0) : 0;
		sqlite3_reset (t);
		if (!e->trap_id) {
			s = wb_case_fail (cs, WB_ERR_NOT_FOUND, "no trap '%s'", opts->trap);
			goto fail;
		}
	}
	char *filed = opts->filed ? g_strdup (opts->filed) : wb_case_info (cs, "filed");
	e->filed_day = filed ? wb_day_number (filed) : -1;
	g_free (filed);
	if ((s = load_copies (cs, e)) || (s = load_findings (cs, e)))
		goto fail;
	classify (e, opts->include_indicators);
	int maxg = MAX (e->ngroups[0], MAX (e->ngroups[1], e->ngroups[2]));
	e->gsum = g_new0 (int64_t, maxg + 1);
	e->gstamp = g_new0 (int, maxg + 1);
	e->dsum = g_new0 (int64_t, e->ndays + 1);
	e->dstamp = g_new0 (int, e->ndays + 1);
	e->galloc = g_new0 (int64_t, maxg + 1);
	e->gbestv = g_new0 (int64_t, maxg + 1);
	e->gbest = g_new0 (int, maxg + 1);
	int maxpg = 0, maxpd = 0;
	for (int k = 0; k < 2; k++) {
		for (int r = 0; r < 3; r++)
			maxpg = MAX (maxpg, e->npgroups[k][r]);
		maxpd = MAX (maxpd, e->npdays[k]);
	}
	e->psum = g_new0 (int64_t, maxpg + 1);
	e->pstamp = g_new0 (int, maxpg + 1);
	e->pdsum = g_new0 (int64_t, maxpd + 1);
	e->pdstamp = g_new0 (int, maxpd + 1);
	*out = e;
	return WB_OK;
fail:
	eng_free (e);
	return s;
}

static char *
set_source (eng_t *e)
{
	if (e->set->installed)
		return g_strdup ("case");
	if (strcmp (e->set->source, "built-in") == 0)
		return g_strdup ("built-in (not installed in the case)");
	return g_strdup (e->set->source);
}

static void
statute_free (gpointer p)
{
	wb_damages_statute_t *s = p;
	g_free (s->id);
	g_free (s->citation);
	g_free (s->method);
	g_free (s->note);
	g_free (s);
}

static void
plaintiff_free (gpointer p)
{
	wb_damages_plaintiff_t *dp = p;
	g_free (dp->name);
	g_free (dp->traps);
	g_free (dp);
}

static void
dtrap_free (gpointer p)
{
	wb_damages_trap_t *t = p;
	g_free (t->address);
	g_free (t);
}

static int
dtrap_cmp (gconstpointer a, gconstpointer b)
{
	const wb_damages_trap_t *x = *(wb_damages_trap_t *const *) a, *y = *(wb_damages_trap_t *const *) b;
	if (!x->address || !y->address)
		return !x->address - !y->address;
	int c = strcmp (x->address, y->address);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The reconciliation per trap (wb_damages_trap_t, wb_damages_trap_statute_t):
 * each copy of each selected statute counted once, in the state the
 * statute's own figures counted it in (statute_amount), under the
 * preemption and exclusions of SC already set on E; the figures of the
 * sources (locations, defects, Message-IDs) from the case. */
static wb_status_t
trap_breakdown (wb_case_t *cs, eng_t *e, wb_damages_t *d)
{
	int nt = e->traps->len;
	/* Slot per trap index, and one for the copies in no trap. */
	wb_damages_trap_t **slot = g_new0 (wb_damages_trap_t *, nt + 1);
	for (int t = 0; t <= nt; t++) {
		if (t < nt && e->trap_id && g_array_index (e->traps, trap_t, t).id != e->trap_id)
			continue;
		slot[t] = g_new0 (wb_damages_trap_t, 1);
		if (t < nt) {
			slot[t]->id = g_array_index (e->traps, trap_t, t).id;
			slot[t]->address = g_strdup (g_array_index (e->traps, trap_t, t).address);
		}
	}
	GHashTable *by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
	for (int t = 0; t < nt; t++)
		if (slot[t])
			g_hash_table_insert (by_id, &slot[t]->id, slot[t]);
	static const char *const sql[] = {
		"SELECT trap_id, count(*), sum(status <> 'ok'), sum(local_day IS NULL), sum(possible_duplicate <> 0)"
		" FROM messages WHERE ?1 = 0 OR trap_id = ?1 GROUP BY trap_id",
		"SELECT m.trap_id, count(*) FROM locations l JOIN messages m ON m.id = l.message"
		" WHERE ?1 = 0 OR m.trap_id = ?1 GROUP BY m.trap_id",
	};
	wb_status_t st = WB_OK;
	for (int k = 0; k < 2 && !st; k++) {
		sqlite3_stmt *q = wb_case_stmt (cs, sql[k]);
		if (!q) {
			st = WB_ERR_DB;
			break;
		}
		sqlite3_bind_int64 (q, 1, e->trap_id);
		int rc;
		while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64 (q, 0);
			wb_damages_trap_t *t = g_hash_table_lookup (by_id, &id);
			if (!t)
				t = slot[nt];
			if (k == 0) {
				t->copies += sqlite3_column_int64 (q, 1);
				t->malformed += sqlite3_column_int64 (q, 2);
				t->undated += sqlite3_column_int64 (q, 3);
				t->possible_duplicates += sqlite3_column_int64 (q, 4);
			} else
				t->found += sqlite3_column_int64 (q, 1);
		}
		sqlite3_reset (q);
		if (rc != SQLITE_DONE)
			st = wb_case_fail_db (cs, "cannot count the copies per trap");
	}
	g_hash_table_destroy (by_id);
	/* The copies in no trap get a row only when there are some. */
	if (!st && !slot[nt]->copies && !slot[nt]->found) {
		dtrap_free (slot[nt]);
		slot[nt] = NULL;
	}
	d->traps = g_ptr_array_new_with_free_func (dtrap_free);
	d->trap_statutes = g_array_new (FALSE, TRUE, sizeof (wb_damages_trap_statute_t));
	if (st) {
		for (int t = 0; t <= nt; t++)
			if (slot[t])
				dtrap_free (slot[t]);
		g_free (slot);
		return st;
	}
	/* Rows by address: each trap index's position in d->traps. */
	int *pos = g_new (int, nt + 1);
	for (int t = 0; t <= nt; t++)
		if (slot[t]) {
			slot[t]->duplicate_locations = slot[t]->found - slot[t]->copies;
			g_ptr_array_add (d->traps, slot[t]);
		}
	g_ptr_array_sort (d->traps, dtrap_cmp);
	for (int t = 0; t <= nt; t++)
		for (guint i = 0; slot[t] && i < d->traps->len; i++)
			if (d->traps->pdata[i] == slot[t])
				pos[t] = i;
	int nsel = d->statutes->len;
	g_array_set_size (d->trap_statutes, (gsize) d->traps->len * nsel);
	for (guint i = 0; i < d->traps->len; i++)
		for (int k = 0; k < nsel; k++) {
			wb_damages_trap_statute_t *x = &g_array_index (d->trap_statutes, wb_damages_trap_statute_t,
								       i * nsel + k);
			x->trap = i;
			x->statute = k;
		}
	int n = e->copies->len;
	for (int s = 0, k = 0; s < e->nst; s++) {
		if (!e->selected[s])
			continue;
		for (int ci = 0; ci < n; ci++) {
			const copy_t *c = &g_array_index (e->copies, copy_t, ci);
			int t = c->trap < 0 ? nt : c->trap;
			if (!slot[t])
				continue;
			wb_damages_trap_statute_t *x = &g_array_index (d->trap_statutes, wb_damages_trap_statute_t,
								       pos[t] * nsel + k);
			x->copies++;
			switch (e->state[s][ci]) {
			case ST_NEXUS: x->excluded_nexus++; continue;
			case ST_UNDATED: x->excluded_undated++; continue;
			case ST_EFFECTIVE: x->excluded_effective++; continue;
			case ST_LIMITATIONS: x->excluded_limitations++; continue;
			}
			x->in_scope++;
			switch (e->state[s][ci]) {
			case ST_ANALYST: x->excluded_analyst++; break;
			case ST_PREEMPTED: x->excluded_preempted++; break;
			case ST_CLEAN: x->not_violating++; break;
			default:
				if (counted (e, s, ci))
					x->counted++;
				else
					x->excluded_by_statute++;
			}
		}
		k++;
	}
	g_free (pos);
	g_free (slot);
	return WB_OK;
}

static int
action_cmp (gconstpointer a, gconstpointer b)
{
	const wb_damages_action_t *x = a, *y = b;
	if (x->plaintiff != y->plaintiff)
		return x->plaintiff - y->plaintiff;
	return x->statute - y->statute;
}

void
wb_damages_free (wb_damages_t *d)
{
	if (!d)
		return;
	if (d->statutes)
		g_ptr_array_unref (d->statutes);
	if (d->rows)
		g_array_unref (d->rows);
	if (d->strings)
		g_string_chunk_free (d->strings);
	if (d->incidents)
		g_array_unref (d->incidents);
	if (d->days)
		g_array_unref (d->days);
	if (d->plaintiffs)
		g_ptr_array_unref (d->plaintiffs);
	if (d->actions)
		g_array_unref (d->actions);
	if (d->traps)
		g_ptr_array_unref (d->traps);
	if (d->trap_statutes)
		g_array_unref (d->trap_statutes);
	g_strfreev (d->opts.statutes);
	g_free ((char *) d->opts.statutes_dir);
	g_free ((char *) d->opts.filed);
	g_free ((char *) d->opts.trap);
	g_free (d->statute_source);
	g_free (d->statute_digest);
	g_free (d->rules_source);
	g_free (d->filed);
	g_free (d->preempted_by);
	g_free (d);
}

static void
fmt_day (int day, char out[11])
{
	if (day < 0)
		out[0] = 0;
	else
		g_snprintf (out, 11, "%04u-%02u-%02u", (unsigned) (day / 10000) % 10000u,
			    (unsigned) (day / 100) % 100u, (unsigned) day % 100u);
}

static char *
method_text (eng_t *e, int s, const scen_t *sc, const res_t *r)
{
	wb_statute_t *st = e->set->statutes->pdata[s];
	GString *m = g_string_new (NULL);
	char a[32], b[32];
	gboolean dc = sc->due_care && st->due_care_per_message_cents >= 0;
	int64_t pm = dc ? st->due_care_per_message_cents : st->per_message_cents;
	int64_t cap = dc && st->due_care_cap_cents >= 0 ? st->due_care_cap_cents : st->cap_cents;
	g_string_append_printf (m, "%s: %lld of %lld copies in scope violate it (", st->citation,
				(long long) r->violating, (long long) r->considered);
	g_string_append_printf (m, "out of scope: %lld no nexus, %lld undated, %lld before %s, %lld outside the limitations period; "
				"in scope but taken out: %lld by analyst findings, %lld counted under an excluding statute",
				(long long) r->ex_nexus, (long long) r->ex_undated, (long long) r->ex_eff, st->effective,
				(long long) r->ex_lim, (long long) r->ex_analyst, (long long) r->ex_statute);
	if (sc->preempt && e->preempt_day >= 0 && e->pstate[1][s] != e->pstate[0][s]) {
		char pd[11];
		fmt_day (e->preempt_day, pd);
		g_string_append_printf (m, ", %lld preempted: received on or after %s and violating only provisions "
					"that do not prohibit falsity or deception (preempted by %s)",
					(long long) r->ex_preempted, pd, e->preempt_by);
	}
	g_string_append (m, "). ");
	g_string_append_printf (m, "%s per copy%s", wb_format_cents (pm, a), dc ? " (due care)" : "");
	for (guint p = 0; p < st->provisions->len; p++) {
		wb_provision_t *pr = st->provisions->pdata[p];
		if (pr->per_message_cents >= 0 && !dc)
			g_string_append_printf (m, ", %s for %s%s", wb_format_cents (pr->per_message_cents, b),
						pr->label, pr->uncapped ? " (not capped)" : "");
	}
	const char *el = st->election[sc->plaintiff] == WB_ELECT_GREATER ? "greater" : "lesser";
	switch (st->cap) {
	case WB_CAP_NONE: g_string_append (m, ", no cap"); break;
	case WB_CAP_INCIDENT:
		g_string_append_printf (m, ", %s of that and %s per incident (%s), %lld incident%s", el,
					wb_format_cents (cap, b), incident_names[sc->incident], (long long) r->incidents,
					r->incidents == 1 ? "" : "s");
		break;
	case WB_CAP_DAY:
		g_string_append_printf (m, ", %s of that and %s per day (%s), %lld day%s", el,
					wb_format_cents (cap, b), ar_names[sc->ar], (long long) r->days, r->days == 1 ? "" : "s");
		break;
	case WB_CAP_ACTION:
		g_string_append_printf (m, ", %s of that and %s per action", el, wb_format_cents (cap, b));
		break;
	}
	g_string_append_printf (m, " for a %s.", plaintiff_names[sc->plaintiff]);
	gboolean may_sue = sc->plaintiff == WB_PLAINTIFF_RECIPIENT ? st->plaintiff_recipient : st->plaintiff_provider;
	if (!may_sue)
		g_string_append_printf (m, " A %s may not sue under this statute: amount 0.", plaintiff_names[sc->plaintiff]);
	if (sc->aggravated && st->aggravated_multiplier > 1)
		g_string_append_printf (m, " Aggravated: times %d.", st->aggravated_multiplier);
	if (st->limitations_years && e->filed_day < 0)
		g_string_append (m, " No filing date in the case: limitations not applied.");
	return g_string_free (m, FALSE);
}

/* The note beside statute S's amount (wb_damages_statute_t.note). */
static char *
amount_note (eng_t *e, int s, const scen_t *sc, const res_t *r)
{
	wb_statute_t *st = e->set->statutes->pdata[s];
	gboolean may_sue = sc->plaintiff == WB_PLAINTIFF_RECIPIENT ? st->plaintiff_recipient : st->plaintiff_provider;
	gboolean dc = sc->due_care && st->due_care_per_message_cents >= 0;
	int64_t cap = dc && st->due_care_cap_cents >= 0 ? st->due_care_cap_cents : st->cap_cents;
	static const char *const per[] = { "", "incident", "day", "action" };
	char a[32];
	if (!r->violating) {
		if (r->ex_preempted)
			return g_strdup ("its violating copies are preempted by CAN-SPAM");
		return g_strdup (r->considered ? "no copy in its reach violates it" : "no copy within its reach");
	}
	if (!may_sue)
		return g_strdup_printf ("a %s may not sue under this statute", plaintiff_names[sc->plaintiff]);
	if (sc->aggravated && st->aggravated_multiplier > 1)
		return g_strdup_printf ("aggravated: times %d", st->aggravated_multiplier);
	int ci = st->cap == WB_CAP_INCIDENT ? 1 : st->cap == WB_CAP_DAY ? 2 : st->cap == WB_CAP_ACTION ? 3 : 0;
	if (r->amount > r->uncapped && ci)
		return g_strdup_printf ("the greater of the per-copy sum and %s per %s, for a %s",
					wb_format_cents (cap, a), per[ci], plaintiff_names[sc->plaintiff]);
	if (r->amount < r->uncapped && ci)
		return g_strdup_printf ("capped: %s per %s%s", wb_format_cents (cap, a), per[ci],
					ci == 3 ? " (each plaintiff's)" : "");
	return NULL;
}

/* The parameters statute_amount applies to ST under SC. */
static void
applied_params (const wb_statute_t *st, const scen_t *sc, wb_damages_params_t *p)
{
	gboolean dc = sc->due_care && st->due_care_per_message_cents >= 0;
	p->cap = st->cap;
	p->due_care = dc;
	p->per_message_cents = dc ? MIN (st->per_message_cents, st->due_care_per_message_cents) : st->per_message_cents;
	p->cap_cents = st->cap == WB_CAP_NONE ? 0 : dc && st->due_care_cap_cents >= 0 ? st->due_care_cap_cents
		       : st->cap_cents;
	p->election = st->election[sc->plaintiff];
	p->day_aggregate = st->cap == WB_CAP_DAY && sc->ar == WB_AR_AGGREGATE;
	p->incident_shared = st->cap == WB_CAP_INCIDENT && scope_of (st, sc) == WB_SCOPE_SHARED;
	p->multiplier = sc->aggravated && st->aggravated_multiplier > 1 ? st->aggravated_multiplier : 1;
	p->may_sue = sc->plaintiff == WB_PLAINTIFF_RECIPIENT ? st->plaintiff_recipient : st->plaintiff_provider;
}

/* Rows, incidents and days of statute S for the result. */
static gboolean
details (eng_t *e, int s, const scen_t *sc, wb_damages_t *d)
{
	wb_statute_t *st = e->set->statutes->pdata[s];
	int n = e->copies->len;
	gboolean dc = sc->due_care && st->due_care_per_message_cents >= 0;
	int64_t cap = dc && st->due_care_cap_cents >= 0 ? st->due_care_cap_cents : st->cap_cents;
	wb_election_t el = st->election[sc->plaintiff];
	int k = sc->plaintiff;
	/* Incidents per plaintiff unless the statute's cap is shared by the
	 * plaintiffs of an incident; days always per plaintiff. */
	gboolean shared = st->cap == WB_CAP_INCIDENT && scope_of (st, sc) == WB_SCOPE_SHARED;
	int maxg = shared ? e->ngroups[sc->incident] : e->npgroups[k][sc->incident];
	int *num = g_new0 (int, maxg + 1);          /* group -> index in incidents + 1 */
	int *dnum = g_new0 (int, e->npdays[k] + 1);
	guint inc0 = d->incidents->len, day0 = d->days->len;
	GHashTable *provs = g_hash_table_new_full (g_int_hash, g_int_equal, g_free, NULL);
	for (int ci = 0; ci < n; ci++) {
		if (!counted (e, s, ci))
			continue;
		copy_t *c = &g_array_index (e->copies, copy_t, ci);
		guint8 cls = e->cls[s][ci];
		wb_provision_t *pr = cls == 0xff ? NULL : st->provisions->pdata[cls];
		int64_t pm = pr && pr->per_message_cents >= 0 ? pr->per_message_cents : st->per_message_cents;
		if (dc)
			pm = MIN (pm, st->due_care_per_message_cents);
		int pl = g_array_index (e->traps, trap_t, c->trap).plaintiff[k];
		int g = shared ? c->group[sc->incident] : c->pgroup[k][sc->incident], pd = c->pday[k];
		char day[11];
		fmt_day (c->day, day);
		if (!num[g]) {
			wb_damages_group_t grp = { s, d->incidents->len - inc0 + 1, "", 0, 0, 0, pl };
			memcpy (grp.local_day, day, 11);
			g_array_append_val (d->incidents, grp);
			num[g] = d->incidents->len - inc0;
		}
		wb_damages_group_t *ig = &g_array_index (d->incidents, wb_damages_group_t, inc0 + num[g] - 1);
		if (strcmp (ig->local_day, day) != 0)
			ig->local_day[0] = 0;               /* spans days */
		if (ig->plaintiff != pl)
			ig->plaintiff = -1;                 /* shared by plaintiffs */
		ig->copies++;
		if (__builtin_add_overflow (ig->uncapped_cents, pm, &ig->uncapped_cents))
			goto overflow;
		if (!dnum[pd]) {
			wb_damages_group_t grp = { s, 0, "", 0, 0, 0, pl };
			memcpy (grp.local_day, day, 11);
			g_array_append_val (d->days, grp);
			dnum[pd] = d->days->len - day0;
		}
		wb_damages_group_t *dg = &g_array_index (d->days, wb_damages_group_t, day0 + dnum[pd] - 1);
		dg->copies++;
		if (__builtin_add_overflow (dg->uncapped_cents, pm, &dg->uncapped_cents))
			goto overflow;
		/* Capped parts go in amount_cents for now; caps applied below. */
		if (!(pr && pr->uncapped)) {
			ig->amount_cents += pm;
			dg->amount_cents += pm;
		}
		guint32 v = e->vmask[s][ci];
		char *pl_text = g_hash_table_lookup (provs, &v);
		if (!pl_text) {
			GString *t = g_string_new (NULL);
			for (guint p = 0; p < st->provisions->len; p++)
				if (v & (1u << p))
					g_string_append_printf (t, "%s%s", t->len ? "; " : "",
								((wb_provision_t *) st->provisions->pdata[p])->label);
			pl_text = g_string_chunk_insert_const (d->strings, t->str);
			g_string_free (t, TRUE);
			g_hash_table_insert (provs, g_memdup2 (&v, sizeof v), pl_text);
		}
		wb_damages_row_t row = { c->id, s, num[g], "", pl_text, pm, c->trap_id, pr && pr->uncapped, pl };
		memcpy (row.local_day, day, 11);
		g_array_append_val (d->rows, row);
	}
	for (guint i = inc0; i < d->incidents->len; i++) {
		wb_damages_group_t *g = &g_array_index (d->incidents, wb_damages_group_t, i);
		int64_t capped = g->amount_cents, free_part = g->uncapped_cents - capped;
		g->amount_cents = (st->cap == WB_CAP_INCIDENT && capped ? elect (el, capped, cap) : capped) + free_part;
	}
	for (guint i = day0; i < d->days->len; i++) {
		wb_damages_group_t *g = &g_array_index (d->days, wb_damages_group_t, i);
		int64_t capped = g->amount_cents, free_part = g->uncapped_cents - capped;
		g->amount_cents = (st->cap == WB_CAP_DAY && sc->ar == WB_AR_PER_DAY && capped
				   ? elect (el, capped, cap) : capped) + free_part;
	}
	g_free (num);
	g_free (dnum);
	g_hash_table_destroy (provs);
	return TRUE;
overflow:
	g_free (num);
	g_free (dnum);
	g_hash_table_destroy (provs);
	return FALSE;
}

wb_status_t
wb_damages_compute (wb_case_t *cs, const wb_damages_opts_t *opts, wb_damages_t **out)
{
	eng_t *e = NULL;
	wb_status_t s;
	*out = NULL;
	if ((s = eng_load (cs, opts, &e)))
		return s;
	wb_damages_t *d = g_new0 (wb_damages_t, 1);
	d->opts = *opts;
	d->opts.statutes = g_strdupv (opts->statutes);
	d->opts.statutes_dir = g_strdup (opts->statutes_dir);
	d->opts.filed = g_strdup (opts->filed);
	d->opts.trap = g_strdup (opts->trap);
	d->statutes = g_ptr_array_new_with_free_func (statute_free);
	d->rows = g_array_new (FALSE, TRUE, sizeof (wb_damages_row_t));
	d->incidents = g_array_new (FALSE, TRUE, sizeof (wb_damages_group_t));
	d->days = g_array_new (FALSE, TRUE, sizeof (wb_damages_group_t));
	d->strings = g_string_chunk_new (1024);
	d->statute_source = set_source (e);
	d->statute_digest = g_strdup (e->set->digest);
	d->rules_source = g_strdup (e->rules_source);
	d->filed = opts->filed ? g_strdup (opts->filed) : wb_case_info (cs, "filed");
	d->copies = e->copies->len;
	scen_t sc = { opts->incident, opts->due_care, opts->ar_day_rule, opts->plaintiff, opts->aggravated,
		      opts->incident_scope, opts->preemption == WB_PREEMPT_APPLY };
	use_preemption (e, sc.preempt);
	if (sc.preempt && e->preempt_day >= 0) {
		d->preempted_by = g_strdup (e->preempt_by);
		fmt_day (e->preempt_day, d->preempted_from);
	}
	int np = e->pnames[opts->plaintiff]->len;
	res_t *pres = g_new0 (res_t, np + 1);
	d->plaintiffs = g_ptr_array_new_with_free_func (plaintiff_free);
	d->actions = g_array_new (FALSE, TRUE, sizeof (wb_damages_action_t));
	for (int p = 0; p < np; p++) {
		wb_damages_plaintiff_t *dp = g_new0 (wb_damages_plaintiff_t, 1);
		dp->name = g_strdup (e->pnames[opts->plaintiff]->pdata[p]);
		dp->traps = g_strdup (((GString *) e->ptraps[opts->plaintiff]->pdata[p])->str);
		g_ptr_array_add (d->plaintiffs, dp);
	}
	GArray *acts = g_array_new (FALSE, TRUE, sizeof (wb_damages_action_t));
	if (!resolve_exclusions (e, &sc))
		goto overflow;
	for (int i = 0; i < e->nst; i++) {
		if (!e->selected[i])
			continue;
		wb_statute_t *st = e->set->statutes->pdata[i];
		res_t r;
		if (!statute_amount (e, i, &sc, &r, pres))
			goto overflow;
		for (int p = 0; p < np; p++) {
			if (!pres[p].considered)
				continue;
			wb_damages_action_t a = { p, d->statutes->len, pres[p].considered, pres[p].violating,
						  pres[p].incidents, pres[p].days, pres[p].uncapped, pres[p].amount,
						  pres[p].base };
			g_array_append_val (acts, a);
			wb_damages_plaintiff_t *dp = d->plaintiffs->pdata[p];
			if (__builtin_add_overflow (dp->amount_cents, a.amount_cents, &dp->amount_cents))
				goto overflow;
		}
		wb_damages_statute_t *ds = g_new0 (wb_damages_statute_t, 1);
		ds->id = g_strdup (st->id);
		ds->citation = g_strdup (st->citation);
		ds->messages = r.considered;
		ds->violating_messages = r.violating;
		ds->incidents = r.incidents;
		ds->days = r.days;
		ds->uncapped_cents = r.uncapped;
		ds->amount_cents = r.amount;
		ds->excluded_nexus = r.ex_nexus;
		ds->excluded_effective = r.ex_eff;
		ds->excluded_undated = r.ex_undated;
		ds->not_violating = r.considered - r.ex_analyst - r.ex_preempted - r.ex_statute - r.violating;
		ds->excluded_limitations = r.ex_lim;
		ds->excluded_by_statute = r.ex_statute;
		ds->excluded_analyst = r.ex_analyst;
		ds->excluded_preempted = r.ex_preempted;
		ds->method = method_text (e, i, &sc, &r);
		ds->note = amount_note (e, i, &sc, &r);
		applied_params (st, &sc, &ds->applied);
		g_ptr_array_add (d->statutes, ds);
		if (__builtin_add_overflow (d->total_cents, r.amount, &d->total_cents))
			goto overflow;
		if (!opts->summary_only && !details (e, i, &sc, d))
			goto overflow;
	}
	if ((!opts->summary_only || opts->by_trap) && (s = trap_breakdown (cs, e, d))) {
		g_array_unref (acts);
		g_free (pres);
		eng_free (e);
		wb_damages_free (d);
		return s;
	}
	/* Actions by plaintiff, then statute (stable: statutes in order). */
	g_array_sort (acts, action_cmp);
	g_array_append_vals (d->actions, acts->data, acts->len);
	g_array_unref (acts);
	acts = NULL;
	g_free (pres);
	pres = NULL;
	/* Statute indexes in rows and groups refer to d->statutes. */
	if (!opts->summary_only) {
		int *map = g_new0 (int, e->nst);
		for (int i = 0, k = 0; i < e->nst; i++)
			map[i] = e->selected[i] ? k++ : -1;
		for (guint i = 0; i < d->rows->len; i++)
			g_array_index (d->rows, wb_damages_row_t, i).statute =
				map[g_array_index (d->rows, wb_damages_row_t, i).statute];
		for (guint i = 0; i < d->incidents->len; i++)
			g_array_index (d->incidents, wb_damages_group_t, i).statute =
				map[g_array_index (d->incidents, wb_damages_group_t, i).statute];
		for (guint i = 0; i < d->days->len; i++)
			g_array_index (d->days, wb_damages_group_t, i).statute =
				map[g_array_index (d->days, wb_damages_group_t, i).statute];
		g_free (map);
	}
	eng_free (e);
	*out = d;
	return WB_OK;
overflow:
	if (acts)
		g_array_unref (acts);
	g_free (pres);
	eng_free (e);
	wb_damages_free (d);
	return wb_case_fail (cs, WB_ERR_OVERFLOW, "an amount does not fit in 64-bit cents");
}

static void
json_int (GString *j, const char *key, int64_t v, gboolean comma)
{
	g_string_append_printf (j, "%s\"%s\": %lld", comma ? ", " : "", key, (long long) v);
}

char *
wb_damages_json (const wb_damages_t *d)
{
	GString *j = g_string_new ("{\"plaintiff\": ");
	wb_json_string (j, plaintiff_names[d->opts.plaintiff]);
	g_string_append_printf (j, ", \"due_care\": %s, \"incident\": ", d->opts.due_care ? "true" : "false");
	wb_json_string (j, incident_names[d->opts.incident]);
	g_string_append (j, ", \"statutes\": [");
	for (guint i = 0; i < d->statutes->len; i++) {
		wb_damages_statute_t *s = d->statutes->pdata[i];
		g_string_append (j, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
		wb_json_string (j, s->id);
		json_int (j, "messages", s->messages, TRUE);
		json_int (j, "violating_messages", s->violating_messages, TRUE);
		json_int (j, "incidents", s->incidents, TRUE);
		json_int (j, "days", s->days, TRUE);
		json_int (j, "uncapped_cents", s->uncapped_cents, TRUE);
		json_int (j, "amount_cents", s->amount_cents, TRUE);
		g_string_append (j, ", \"citation\": ");
		wb_json_string (j, s->citation);
		json_int (j, "excluded_nexus", s->excluded_nexus, TRUE);
		json_int (j, "excluded_effective", s->excluded_effective, TRUE);
		json_int (j, "excluded_limitations", s->excluded_limitations, TRUE);
		json_int (j, "excluded_analyst", s->excluded_analyst, TRUE);
		json_int (j, "excluded_by_statute", s->excluded_by_statute, TRUE);
		json_int (j, "excluded_preempted", s->excluded_preempted, TRUE);
		g_string_append (j, ", \"method\": ");
		wb_json_string (j, s->method);
		g_string_append (j, ", \"note\": ");
		if (s->note)
			wb_json_string (j, s->note);
		else
			g_string_append (j, "null");
		json_int (j, "excluded_undated", s->excluded_undated, TRUE);
		json_int (j, "not_violating", s->not_violating, TRUE);
		g_string_append (j, "}");
	}
	g_string_append (j, d->statutes->len ? "\n], " : "], ");
	json_int (j, "total_cents", d->total_cents, FALSE);
	g_string_append (j, ", \"ar_day_rule\": ");
	wb_json_string (j, ar_names[d->opts.ar_day_rule]);
	g_string_append (j, ", \"incident_scope\": ");
	if (d->opts.incident_scope >= 0)
		wb_json_string (j, scope_names[d->opts.incident_scope]);
	else
		g_string_append (j, "null");
	g_string_append (j, ", \"preemption\": ");
	wb_json_string (j, d->opts.preemption == WB_PREEMPT_APPLY ? "apply" : "ignore");
	g_string_append_printf (j, ", \"include_indicators\": %s, \"aggravated\": %s, \"statute_set\": ",
				d->opts.include_indicators ? "true" : "false", d->opts.aggravated ? "true" : "false");
	wb_json_string (j, d->statute_source);
	g_string_append (j, ", \"statute_set_sha256\": ");
	wb_json_string (j, d->statute_digest);
	g_string_append (j, ", \"rules\": ");
	wb_json_string (j, d->rules_source);
	g_string_append (j, ", \"filed\": ");
	if (d->filed)
		wb_json_string (j, d->filed);
	else
		g_string_append (j, "null");
	json_int (j, "copies", d->copies, TRUE);
	if (d->traps) {
		g_string_append (j, ", \"traps\": [");
		int nsel = d->statutes->len;
		for (guint i = 0; i < d->traps->len; i++) {
			const wb_damages_trap_t *t = d->traps->pdata[i];
			g_string_append (j, i ? ",\n  {\"trap\": " : "\n  {\"trap\": ");
			if (t->address)
				wb_json_string (j, t->address);
			else
				g_string_append (j, "null");
			json_int (j, "found", t->found, TRUE);
			json_int (j, "copies", t->copies, TRUE);
			json_int (j, "duplicate_locations", t->duplicate_locations, TRUE);
			json_int (j, "malformed", t->malformed, TRUE);
			json_int (j, "undated", t->undated, TRUE);
			json_int (j, "possible_duplicates", t->possible_duplicates, TRUE);
			g_string_append (j, ", \"statutes\": [");
			for (int k = 0; k < nsel; k++) {
				const wb_damages_trap_statute_t *x = &g_array_index (d->trap_statutes,
					wb_damages_trap_statute_t, i * nsel + k);
				const wb_damages_statute_t *s = d->statutes->pdata[x->statute];
				g_string_append (j, k ? ",\n    {\"id\": " : "\n    {\"id\": ");
				wb_json_string (j, s->id);
				json_int (j, "copies", x->copies, TRUE);
				json_int (j, "excluded_nexus", x->excluded_nexus, TRUE);
				json_int (j, "excluded_undated", x->excluded_undated, TRUE);
				json_int (j, "excluded_effective", x->excluded_effective, TRUE);
				json_int (j, "excluded_limitations", x->excluded_limitations, TRUE);
				json_int (j, "in_scope", x->in_scope, TRUE);
				json_int (j, "excluded_analyst", x->excluded_analyst, TRUE);
				json_int (j, "excluded_preempted", x->excluded_preempted, TRUE);
				json_int (j, "excluded_by_statute", x->excluded_by_statute, TRUE);
				json_int (j, "not_violating", x->not_violating, TRUE);
				json_int (j, "counted", x->counted, TRUE);
				g_string_append (j, "}");
			}
			g_string_append (j, "]}");
		}
		g_string_append (j, d->traps->len ? "\n]" : "]");
	}
	g_string_append (j, "}");
	return g_string_free (j, FALSE);
}

char *
wb_damages_plaintiffs_json (const wb_damages_t *d)
{
	GString *j = g_string_new ("{\"by\": \"plaintiff\", \"plaintiff\": ");
	wb_json_string (j, plaintiff_names[d->opts.plaintiff]);
	g_string_append_printf (j, ", \"due_care\": %s, \"incident\": ", d->opts.due_care ? "true" : "false");
	wb_json_string (j, incident_names[d->opts.incident]);
	g_string_append (j, ", \"incident_scope\": ");
	if (d->opts.incident_scope >= 0)
		wb_json_string (j, scope_names[d->opts.incident_scope]);
	else
		g_string_append (j, "null");
	g_string_append (j, ", \"ar_day_rule\": ");
	wb_json_string (j, ar_names[d->opts.ar_day_rule]);
	g_string_append (j, ", \"plaintiffs\": [");
	guint a = 0;
	for (guint p = 0; p < d->plaintiffs->len; p++) {
		wb_damages_plaintiff_t *dp = d->plaintiffs->pdata[p];
		g_string_append (j, p ? ",\n  {\"name\": " : "\n  {\"name\": ");
		wb_json_string (j, dp->name);
		g_string_append (j, ", \"traps\": ");
		wb_json_string (j, dp->traps);
		json_int (j, "amount_cents", dp->amount_cents, TRUE);
		g_string_append (j, ", \"statutes\": [");
		for (gboolean first = TRUE; a < d->actions->len; a++) {
			wb_damages_action_t *x = &g_array_index (d->actions, wb_damages_action_t, a);
			if (x->plaintiff != (int) p)
				break;
			g_string_append (j, first ? "{\"id\": " : ", {\"id\": ");
			first = FALSE;
			wb_json_string (j, ((wb_damages_statute_t *) d->statutes->pdata[x->statute])->id);
			json_int (j, "messages", x->messages, TRUE);
			json_int (j, "violating_messages", x->violating_messages, TRUE);
			json_int (j, "incidents", x->incidents, TRUE);
			json_int (j, "days", x->days, TRUE);
			json_int (j, "uncapped_cents", x->uncapped_cents, TRUE);
			json_int (j, "amount_cents", x->amount_cents, TRUE);
			g_string_append (j, "}");
		}
		g_string_append (j, "]}");
	}
	g_string_append (j, d->plaintiffs->len ? "\n], " : "], ");
	json_int (j, "total_cents", d->total_cents, FALSE);
	g_string_append (j, ", \"statute_set\": ");
	wb_json_string (j, d->statute_source);
	g_string_append (j, ", \"statute_set_sha256\": ");
	wb_json_string (j, d->statute_digest);
	g_string_append (j, "}");
	return g_string_free (j, FALSE);
}

/* ---- scenarios ---- */

void
wb_damages_scenarios_free (wb_damages_scenarios_t *s)
{
	if (!s)
		return;
	g_ptr_array_unref (s->ids);
	g_array_unref (s->rows);
	g_free (s->statute_source);
	g_free (s);
}

/* Stable (g_array_sort is a merge sort): keeps the combination order. */
static int
scen_cmp (gconstpointer a, gconstpointer b)
{
	return ((const wb_damages_scenario_t *) a)->statute - ((const wb_damages_scenario_t *) b)->statute;
}

wb_status_t
wb_damages_scenarios (wb_case_t *cs, const wb_damages_opts_t *opts, wb_damages_scenarios_t **out)
{
	eng_t *e = NULL;
	wb_status_t s;
	*out = NULL;
	if ((s = eng_load (cs, opts, &e)))
		return s;
	wb_damages_scenarios_t *r = g_new0 (wb_damages_scenarios_t, 1);
	r->ids = g_ptr_array_new_with_free_func (g_free);
	r->rows = g_array_new (FALSE, TRUE, sizeof (wb_damages_scenario_t));
	r->statute_source = set_source (e);
	/* Which dimensions matter to each statute (with its exclusion partners). */
	int *dims = g_new0 (int, e->nst);
	gboolean two_scopes = FALSE, two_pre = FALSE;
	for (int i = 0; i < e->nst; i++) {
		wb_statute_t *st = e->set->statutes->pdata[i];
		g_ptr_array_add (r->ids, g_strdup (st->id));
		for (int k = 0; k < e->nst; k++) {
			wb_statute_t *o = e->set->statutes->pdata[k];
			if (k != i && !g_strv_contains ((const char *const *) st->excludes, o->id) &&
			    !g_strv_contains ((const char *const *) o->excludes, st->id))
				continue;
			if (o->cap == WB_CAP_INCIDENT) dims[i] |= 1;
			if (o->due_care_per_message_cents >= 0) dims[i] |= 2;
			if (o->cap == WB_CAP_DAY) dims[i] |= 4;
			if (o->election[0] != o->election[1] || !o->plaintiff_recipient || !o->plaintiff_provider ||
			    o->cap != WB_CAP_NONE)
				dims[i] |= 8;
			if (o->cap == WB_CAP_INCIDENT && (o->incident_scopes & 3) == 3)
				dims[i] |= 16;
		}
		if ((dims[i] & 16) && e->selected[i])
			two_scopes = TRUE;
		/* Preemption changes this statute or an excluding one. */
		for (int k = 0; k < e->nst; k++) {
			wb_statute_t *o = e->set->statutes->pdata[k];
			if (k != i && !g_strv_contains ((const char *const *) st->excludes, o->id) &&
			    !g_strv_contains ((const char *const *) o->excludes, st->id))
				continue;
			if (e->pstate[1][k] != e->pstate[0][k])
				dims[i] |= 32;
		}
		if ((dims[i] & 32) && e->selected[i])
			two_pre = TRUE;
	}
	GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	GArray *totals = g_array_new (FALSE, TRUE, sizeof (wb_damages_scenario_t));
	for (int pl = 0; pl < 2; pl++)
		for (int inc = 0; inc < 3; inc++)
			for (int dc = 0; dc < 2; dc++)
				for (int ar = 0; ar < 2; ar++)
				for (int sco = 0; sco < (two_scopes ? 2 : 1); sco++)
				for (int pre = 0; pre < (two_pre ? 2 : 1); pre++) {
					/* pre 0: apply (the default), 1: ignore. */
					scen_t sc = { inc, dc, ar, pl, opts->aggravated, two_scopes ? sco : -1,
						      two_pre ? pre == 0 : opts->preemption == WB_PREEMPT_APPLY };
					use_preemption (e, sc.preempt);
					if (!resolve_exclusions (e, &sc))
						goto overflow;
					wb_damages_scenario_t tot = { -1, inc, dc, ar, pl, two_scopes ? sco : -1,
								      two_pre ? pre : -1, 0, 0 };
					for (int i = 0; i < e->nst; i++) {
						if (!e->selected[i])
							continue;
						wb_damages_scenario_t row = {
							i, dims[i] & 1 ? inc : -1, dims[i] & 2 ? dc : -1,
							dims[i] & 4 ? ar : -1, dims[i] & 8 ? pl : -1,
							dims[i] & 16 ? sco : -1, dims[i] & 32 ? pre : -1, 0, 0 };
						char *key = g_strdup_printf ("%d %d %d %d %d %d %d", i, row.incident, row.due_care,
									     row.ar_day_rule, row.plaintiff, row.incident_scope,
									     row.preemption);
						/* The dimensions left out cannot change the
						 * amount: a row already computed is reused. */
						gpointer known;
						if (g_hash_table_lookup_extended (seen, key, NULL, &known)) {
							row = g_array_index (r->rows, wb_damages_scenario_t, GPOINTER_TO_UINT (known));
							g_free (key);
						} else {
							res_t res;
							if (!statute_amount (e, i, &sc, &res, NULL)) {
								g_free (key);
								goto overflow;
							}
							row.violating_messages = res.violating;
							row.amount_cents = res.amount;
							g_hash_table_insert (seen, key, GUINT_TO_POINTER (r->rows->len));
							g_array_append_val (r->rows, row);
						}
						tot.violating_messages += row.violating_messages;
						if (__builtin_add_overflow (tot.amount_cents, row.amount_cents, &tot.amount_cents))
							goto overflow;
					}
					g_array_append_val (totals, tot);
				}
	/* Each statute's rows together, then the totals. */
	g_array_sort (r->rows, scen_cmp);
	g_array_append_vals (r->rows, totals->data, totals->len);
	g_array_unref (totals);
	g_hash_table_destroy (seen);
	g_free (dims);
	eng_free (e);
	*out = r;
	return WB_OK;
overflow:
	g_array_unref (totals);
	g_hash_table_destroy (seen);
	g_free (dims);
	eng_free (e);
	wb_damages_scenarios_free (r);
	return wb_case_fail (cs, WB_ERR_OVERFLOW, "an amount does not fit in 64-bit cents");
}

/* ---- Damages per defendant ---- */

static const char *const role_words[] = { "sender", "affiliate", "advertiser" };

/* "sender, advertiser" for the WB_ROLE_* bits in ROLES. */
static void
append_roles (GString *s, unsigned roles)
{
	gboolean first = TRUE;
	for (int b = 0; b < 3; b++)
		if (roles & (1u << b)) {
			g_string_append_printf (s, "%s%s", first ? "" : ", ", role_words[b]);
			first = FALSE;
		}
}

static void
dstatute_free (gpointer p)
{
	wb_defendant_statute_t *s = p;
	g_free (s->id);
	g_free (s->reason);
	g_free (s);
}

static void
defendant_free (gpointer p)
{
	wb_defendant_t *d = p;
	g_free (d->name);
	g_array_unref (d->party_ids);
	g_free (d->weakest_text);
	g_free (d->weak_links);
	if (d->statutes)
		g_ptr_array_unref (d->statutes);
	if (d->copy_list)
		g_array_unref (d->copy_list);
	g_free (d);
}

void
wb_defendants_free (wb_defendants_t *d)
{
	if (!d)
		return;
	if (d->defendants)
		g_ptr_array_unref (d->defendants);
	g_free (d->statute_source);
	g_free (d->statute_digest);
	g_free (d->filed);
	g_free (d);
}

typedef struct {
	int64_t id;
	char *name;
	gboolean derived;
	int uf;                          /* union-find parent */
} dparty_t;

typedef struct {
	int64_t id;
	int a, b;                        /* party indexes */
	double score;
	char *strength, *review;
	int rank;                        /* strength rank (none 0 .. strong 3) */
	gboolean joins;                  /* strong or confirmed: it joins a group */
	gboolean used;
} dlink_t;

static int
uf_find (GArray *ps, int i)
{
	while (g_array_index (ps, dparty_t, i).uf != i) {
		dparty_t *p = &g_array_index (ps, dparty_t, i);
		p->uf = g_array_index (ps, dparty_t, p->uf).uf;
		i = p->uf;
	}
	return i;
}

/* Strongest first: by strength and score, then by id. */
static int
dlink_cmp (gconstpointer x, gconstpointer y)
{
	const dlink_t *a = x, *b = y;
	if (a->rank != b->rank)
		return b->rank - a->rank;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int
defendant_cmp (gconstpointer x, gconstpointer y)
{
	const wb_defendant_t *a = *(wb_defendant_t *const *) x, *b = *(wb_defendant_t *const *) y;
	if (a->group != b->group)
		return a->group - b->group;
	int c = g_ascii_strcasecmp (a->name, b->name);
	if (c)
		return c;
	return g_array_index (a->party_ids, int64_t, 0) < g_array_index (b->party_ids, int64_t, 0) ? -1 : 1;
}

static void
link_text (GString *s, const GArray *ps, const dlink_t *l)
{
	g_string_append_printf (s, "link %lld %s - %s: %s %.2f%s", (long long) l->id,
				g_array_index (ps, dparty_t, l->a).name, g_array_index (ps, dparty_t, l->b).name,
				l->strength, l->score,
				l->review && strcmp (l->review, "confirmed") == 0 ? " (confirmed)" : "");
}

/* Sum of every selected statute's amount for the share e->only, with the
 * exclusions between statutes resolved for it.  RES (may be NULL) gets
 * each statute's figures.  FALSE on overflow. */
static gboolean
share_amount (eng_t *e, const scen_t *sc, res_t *res, int64_t *total)
{
	*total = 0;
	if (!resolve_exclusions (e, sc))
		return FALSE;
	for (int s = 0; s < e->nst; s++) {
		if (!e->selected[s])
			continue;
		res_t r;
		if (!statute_amount (e, s, sc, &r, NULL) || __builtin_add_overflow (*total, r.amount, total))
			return FALSE;
		if (res)
			res[s] = r;
	}
	return TRUE;
}

wb_status_t
wb_damages_defendants (wb_case_t *cs, const wb_damages_opts_t *opts, const char *only,
		       wb_defendants_t **out)
{
	eng_t *e = NULL;
	wb_status_t s;
	*out = NULL;
	int64_t only_id = 0;
	gboolean every = only && strcmp (only, "*") == 0;
	if (only && !every && (s = wb_attrib_find_party (cs, only, &only_id)))
		return s;
	if ((s = eng_load (cs, opts, &e)))
		return s;
	wb_defendants_t *R = g_new0 (wb_defendants_t, 1);
	R->opts = *opts;
	R->opts.statutes = NULL;
	R->opts.statutes_dir = NULL;
	R->opts.filed = NULL;
	R->opts.trap = NULL;
	R->statute_source = set_source (e);
	R->statute_digest = g_strdup (e->set->digest);
	R->filed = opts->filed ? g_strdup (opts->filed) : wb_case_info (cs, "filed");
	R->defendants = g_ptr_array_new_with_free_func (defendant_free);
	int n = e->copies->len;
	GArray *ps = g_array_new (FALSE, TRUE, sizeof (dparty_t));
	GArray *ls = g_array_new (FALSE, TRUE, sizeof (dlink_t));
	GHashTable *pidx = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	GPtrArray *roles = g_ptr_array_new_with_free_func (g_free);  /* guint8[n] per defendant */
	GPtrArray *of_party = NULL;                                  /* party -> GArray of int */
	GPtrArray *keep = NULL;                                      /* the defendants listed */
	guint8 *all = g_new0 (guint8, n + 1);
	res_t *res = g_new0 (res_t, e->nst + 1);
	scen_t sc = { opts->incident, opts->due_care, opts->ar_day_rule, opts->plaintiff, opts->aggravated,
		      opts->incident_scope, opts->preemption == WB_PREEMPT_APPLY };
	use_preemption (e, sc.preempt);
	e->reach = g_new0 (unsigned, e->nst);
	for (int i = 0; i < e->nst; i++) {
		unsigned r = ((wb_statute_t *) e->set->statutes->pdata[i])->roles;
		e->reach[i] = r ? r : WB_ROLE_SENDER | WB_ROLE_AFFILIATE | WB_ROLE_ADVERTISER;
	}
	if (!share_amount (e, &sc, NULL, &R->case_cents))
		goto overflow;

	/* Parties and links. */
	sqlite3_stmt *q = wb_case_stmt (cs, "SELECT id, name, derived FROM parties ORDER BY id");
	if (!q) {
		s = WB_ERR_DB;
		goto fail;
	}
	while (sqlite3_step (q) == SQLITE_ROW) {
		dparty_t p = { sqlite3_column_int64 (q, 0), g_strdup ((const char *) sqlite3_column_text (q, 1)),
			       sqlite3_column_int (q, 2) != 0, ps->len };
		g_hash_table_insert (pidx, g_memdup2 (&p.id, sizeof p.id), GINT_TO_POINTER (ps->len + 1));
		g_array_append_val (ps, p);
	}
	sqlite3_reset (q);
	q = wb_case_stmt (cs, "SELECT id, party_a, party_b, score, strength, review FROM links");
	if (!q) {
		s = WB_ERR_DB;
		goto fail;
	}
	while (sqlite3_step (q) == SQLITE_ROW) {
		int64_t a = sqlite3_column_int64 (q, 1), b = sqlite3_column_int64 (q, 2);
		int ia = GPOINTER_TO_INT (g_hash_table_lookup (pidx, &a)) - 1;
		int ib = GPOINTER_TO_INT (g_hash_table_lookup (pidx, &b)) - 1;
		const char *review = (const char *) sqlite3_column_text (q, 5);
		if (ia < 0 || ib < 0 || (review && strcmp (review, "rejected") == 0))
			continue;
		dlink_t l = { sqlite3_column_int64 (q, 0), ia, ib, sqlite3_column_double (q, 3),
			      g_strdup ((const char *) sqlite3_column_text (q, 4)), g_strdup (review), 0, FALSE, FALSE };
		l.rank = wb_attrib_strength_rank (l.strength);
		l.joins = l.rank == 3 || (review && strcmp (review, "confirmed") == 0);
		g_array_append_val (ls, l);
	}
	sqlite3_reset (q);
	/* Groups: strong or confirmed links, strongest first, so that the
	 * link that joins a group last is the weakest it rests on (a
	 * confirmed weak link is still weak evidence: flagged). */
	g_array_sort (ls, dlink_cmp);
	int np = ps->len;
	int *weakest = g_new (int, np + 1);
	for (int i = 0; i < np; i++)
		weakest[i] = -1;
	for (guint i = 0; i < ls->len; i++) {
		dlink_t *l = &g_array_index (ls, dlink_t, i);
		if (!l->joins)
			continue;
		int ra = uf_find (ps, l->a), rb = uf_find (ps, l->b);
		if (ra == rb)
			continue;
		g_array_index (ps, dparty_t, rb).uf = ra;
		weakest[ra] = i;
		l->used = TRUE;
	}
	/* Defendants: each roster party, then each group holding one. */
	int *group_of = g_new (int, np + 1);          /* root -> defendant index of its group, -1 */
	for (int i = 0; i < np; i++)
		group_of[i] = -1;
	of_party = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
	for (int i = 0; i < np; i++)
		g_ptr_array_add (of_party, g_array_new (FALSE, FALSE, sizeof (int)));
	gboolean *in_any = g_new0 (gboolean, np + 1);
	for (int i = 0; i < np; i++) {
		dparty_t *p = &g_array_index (ps, dparty_t, i);
		if (p->derived)
			continue;
		wb_defendant_t *d = g_new0 (wb_defendant_t, 1);
		d->name = g_strdup (p->name);
		d->party_ids = g_array_new (FALSE, FALSE, sizeof (int64_t));
		g_array_append_val (d->party_ids, p->id);
		int k = R->defendants->len;
		g_ptr_array_add (R->defendants, d);
		g_array_append_val ((GArray *) of_party->pdata[i], k);
		in_any[i] = TRUE;
		int root = uf_find (ps, i);
		if (group_of[root] < 0 && weakest[root] >= 0) {
			wb_defendant_t *g = g_new0 (wb_defendant_t, 1);
			g->group = TRUE;
			g->party_ids = g_array_new (FALSE, FALSE, sizeof (int64_t));
			group_of[root] = R->defendants->len;
			g_ptr_array_add (R->defendants, g);
		}
	}
	for (int i = 0; i < np; i++) {
		int root = uf_find (ps, i), k = group_of[root];
		if (k < 0)
			continue;
		wb_defendant_t *g = R->defendants->pdata[k];
		g_array_append_val (g->party_ids, g_array_index (ps, dparty_t, i).id);
		g_array_append_val ((GArray *) of_party->pdata[i], k);
		in_any[i] = TRUE;
	}
	for (int i = 0; i < np; i++) {
		int k = group_of[i];
		if (k < 0)
			continue;
		wb_defendant_t *g = R->defendants->pdata[k];
		GString *nm = g_string_new (NULL);
		int derived = 0;
		for (guint j = 0; j < g->party_ids->len; j++) {
			int64_t id = g_array_index (g->party_ids, int64_t, j);
			dparty_t *p = &g_array_index (ps, dparty_t, GPOINTER_TO_INT (g_hash_table_lookup (pidx, &id)) - 1);
			if (p->derived)
				derived++;
			else
				g_string_append_printf (nm, "%s%s", nm->len ? " + " : "", p->name);
		}
		if (derived)
			g_string_append_printf (nm, " (+%d derived)", derived);
		g->name = g_string_free (nm, FALSE);
		dlink_t *l = &g_array_index (ls, dlink_t, weakest[i]);
		GString *t = g_string_new (NULL);
		link_text (t, ps, l);
		g->weakest_text = g_string_free (t, FALSE);
		g->weakest_link = l->id;
		static const char *const names[] = { "none", "weak", "moderate", "strong" };
		g->weakest_strength = names[CLAMP (wb_attrib_strength_rank (l->strength), 0, 3)];
		g->weak = wb_attrib_strength_rank (l->strength) < 2;
	}
	/* Links not relied on that touch a defendant: flagged, never hidden. */
	for (guint k = 0; k < R->defendants->len; k++) {
		wb_defendant_t *d = R->defendants->pdata[k];
		GString *t = g_string_new (NULL);
		for (guint i = 0; i < ls->len; i++) {
			dlink_t *l = &g_array_index (ls, dlink_t, i);
			if (l->used || l->joins)
				continue;
			gboolean ina = FALSE, inb = FALSE;
			for (guint j = 0; j < d->party_ids->len; j++) {
				int64_t id = g_array_index (d->party_ids, int64_t, j);
				ina |= id == g_array_index (ps, dparty_t, l->a).id;
				inb |= id == g_array_index (ps, dparty_t, l->b).id;
			}
			if (ina == inb)
				continue;
			if (t->len)
				g_string_append (t, "; ");
			link_text (t, ps, l);
		}
		d->weak_links = t->len ? g_string_free (t, FALSE) : (g_string_free (t, TRUE), NULL);
	}
	g_free (weakest);
	g_free (group_of);
	for (guint k = 0; k < R->defendants->len; k++)
		g_ptr_array_add (roles, g_new0 (guint8, n + 1));

	/* Each copy's roles, per defendant and for all together. */
	sqlite3 *db2 = NULL;
	q = scan_stmt (cs, &db2, "SELECT message, party, role FROM message_parties"
		       " WHERE role IN ('sender', 'affiliate', 'advertiser')");
	if (!q) {
		g_free (in_any);
		s = WB_ERR_DB;
		goto fail;
	}
	int rc;
	int64_t last_party = -1, last_msg = -1;
	int pi = -1, ci = -1;
	while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
		int64_t m = sqlite3_column_int64 (q, 0), p = sqlite3_column_int64 (q, 1);
		const char *role = (const char *) sqlite3_column_text (q, 2);
		if (p != last_party) {
			last_party = p;
			pi = GPOINTER_TO_INT (g_hash_table_lookup (pidx, &p)) - 1;
		}
		if (m != last_msg) {
			last_msg = m;
			ci = copy_find (e, m);
		}
		if (pi < 0 || ci < 0 || !in_any[pi])
			continue;
		guint8 bit = role[0] == 's' ? WB_ROLE_SENDER : role[1] == 'f' ? WB_ROLE_AFFILIATE : WB_ROLE_ADVERTISER;
		all[ci] |= bit;
		GArray *ks = of_party->pdata[pi];
		for (guint j = 0; j < ks->len; j++)
			((guint8 *) roles->pdata[g_array_index (ks, int, j)])[ci] |= bit;
	}
	if (rc != SQLITE_DONE)
		wb_case_fail (cs, WB_ERR_DB, "cannot read message_parties: %s", sqlite3_errmsg (sqlite3_db_handle (q)));
	scan_end (q, db2);
	g_free (in_any);
	if (rc != SQLITE_DONE) {
		s = WB_ERR_DB;
		goto fail;
	}

	/* The case total, each copy once. */
	e->only = all;
	if (!share_amount (e, &sc, NULL, &R->total_cents))
		goto overflow;
	for (int c = 0; c < n; c++)
		for (int st = 0; st < e->nst; st++)
			if (e->selected[st] && counted (e, st, c)) {
				R->copies++;
				break;
			}

	/* Each defendant. */
	keep = g_ptr_array_new_with_free_func (defendant_free);
	for (guint k = 0; k < R->defendants->len; k++) {
		wb_defendant_t *d = R->defendants->pdata[k];
		const guint8 *mine = roles->pdata[k];
		e->only = mine;
		for (int c = 0; c < n; c++) {
			if (!mine[c])
				continue;
			d->copies++;
			d->roles |= mine[c];
			for (int b = 0; b < 3; b++)
				if (mine[c] & (1u << b))
					d->role_copies[b]++;
		}
		if (!share_amount (e, &sc, res, &d->amount_cents) ||
		    __builtin_add_overflow (R->exposure_sum_cents, d->amount_cents, &R->exposure_sum_cents))
			goto overflow;
		gboolean listed = only_id == 0;
		for (guint j = 0; j < d->party_ids->len && !listed; j++)
			listed = g_array_index (d->party_ids, int64_t, j) == only_id;
		if (!listed)
			continue;
		d->statutes = g_ptr_array_new_with_free_func (dstatute_free);
		int idx = 0;
		guint32 *smap = g_new0 (guint32, e->nst + 1);
		for (int st = 0; st < e->nst; st++) {
			if (!e->selected[st])
				continue;
			smap[st] = 1u << (idx++ & 31);
			wb_statute_t *sx = e->set->statutes->pdata[st];
			wb_defendant_statute_t *ds = g_new0 (wb_defendant_statute_t, 1);
			ds->id = g_strdup (sx->id);
			ds->roles_declared = sx->roles != 0;
			ds->reached = (d->roles & e->reach[st]) != 0;
			ds->copies = res[st].violating;
			ds->uncapped_cents = res[st].uncapped;
			ds->amount_cents = res[st].amount;
			gboolean may_sue = sc.plaintiff == WB_PLAINTIFF_RECIPIENT ? sx->plaintiff_recipient
				: sx->plaintiff_provider;
			GString *why = g_string_new (NULL);
			if (!d->copies)
				g_string_append (why, "no copy is attributed to it");
			else if (!ds->reached) {
				g_string_append (why, "reaches ");
				append_roles (why, sx->roles);
				g_string_append (why, " only; attributed as ");
				append_roles (why, d->roles);
			} else if (!may_sue && ds->copies)
				g_string_append_printf (why, "a %s may not sue under this statute",
							plaintiff_names[sc.plaintiff]);
			else if (!ds->copies)
				g_string_append (why, "no violating copy counted in a role it reaches");
			if (!ds->roles_declared)
				g_string_append_printf (why, "%sthe statute file does not say which roles it reaches:"
							" every role counted (Counsel confirm)", why->len ? "; " : "");
			ds->reason = why->len ? g_string_free (why, FALSE) : (g_string_free (why, TRUE), NULL);
			g_ptr_array_add (d->statutes, ds);
		}
		if (only_id || every)
			d->copy_list = g_array_new (FALSE, TRUE, sizeof (wb_defendant_copy_t));
		int first = -1, last = -1;
		for (int c = 0; c < n; c++) {
			if (!mine[c])
				continue;
			guint32 in = 0;
			for (int st = 0; st < e->nst; st++)
				if (e->selected[st] && counted (e, st, c))
					in |= smap[st];
			copy_t *cp = &g_array_index (e->copies, copy_t, c);
			gboolean after = e->filed_day > 0 && cp->day > e->filed_day;
			if (in) {
				d->violating++;
				copy_t *f = first < 0 ? NULL : &g_array_index (e->copies, copy_t, first);
				copy_t *l = last < 0 ? NULL : &g_array_index (e->copies, copy_t, last);
				if (!f || cp->day < f->day)
					first = c;
				if (!l || cp->day >= l->day)
					last = c;
				if (after)
					d->after_filing++;
			}
			if (d->copy_list) {
				wb_defendant_copy_t x = { cp->id, "", cp->trap_id, mine[c], in, after };
				fmt_day (cp->day, x.local_day);
				g_array_append_val (d->copy_list, x);
			}
		}
		g_free (smap);
		if (first >= 0) {
			copy_t *f = &g_array_index (e->copies, copy_t, first), *l = &g_array_index (e->copies, copy_t, last);
			d->first_copy = f->id;
			d->last_copy = l->id;
			fmt_day (f->day, d->first_day);
			fmt_day (l->day, d->last_day);
		}
	}
	/* Keep the listed ones, in order: roster parties by name, then groups. */
	for (guint k = 0; k < R->defendants->len; k++)
		if (((wb_defendant_t *) R->defendants->pdata[k])->statutes) {
			g_ptr_array_add (keep, R->defendants->pdata[k]);
			R->defendants->pdata[k] = NULL;
		}
	g_ptr_array_set_free_func (R->defendants, NULL);
	for (guint k = 0; k < R->defendants->len; k++)
		if (R->defendants->pdata[k])
			defendant_free (R->defendants->pdata[k]);
	g_ptr_array_unref (R->defendants);
	R->defendants = keep;
	keep = NULL;
	g_ptr_array_sort (R->defendants, defendant_cmp);
	s = WB_OK;
	goto done;
overflow:
	s = wb_case_fail (cs, WB_ERR_OVERFLOW, "an amount does not fit in 64-bit cents");
fail:
	wb_defendants_free (R);
	R = NULL;
done:
	for (guint i = 0; i < ps->len; i++)
		g_free (g_array_index (ps, dparty_t, i).name);
	for (guint i = 0; i < ls->len; i++) {
		g_free (g_array_index (ls, dlink_t, i).strength);
		g_free (g_array_index (ls, dlink_t, i).review);
	}
	g_array_unref (ps);
	g_array_unref (ls);
	g_hash_table_destroy (pidx);
	g_ptr_array_unref (roles);
	if (of_party)
		g_ptr_array_unref (of_party);
	if (keep)
		g_ptr_array_unref (keep);
	g_free (all);
	g_free (res);
	if (e)
		e->only = NULL;
	eng_free (e);
	*out = R;
	return s;
}

char *
wb_defendants_json (const wb_defendants_t *d)
{
	GString *j = g_string_new ("{\"by\": \"defendant\", \"plaintiff\": ");
	wb_json_string (j, plaintiff_names[d->opts.plaintiff]);
	g_string_append_printf (j, ", \"due_care\": %s, \"incident\": ", d->opts.due_care ? "true" : "false");
	wb_json_string (j, incident_names[d->opts.incident]);
	g_string_append (j, ", \"ar_day_rule\": ");
	wb_json_string (j, ar_names[d->opts.ar_day_rule]);
	g_string_append (j, ", \"preemption\": ");
	wb_json_string (j, preemption_names[d->opts.preemption]);
	g_string_append (j, ", \"defendants\": [");
	for (guint i = 0; i < d->defendants->len; i++) {
		const wb_defendant_t *x = d->defendants->pdata[i];
		g_string_append (j, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
		wb_json_string (j, x->name);
		g_string_append (j, ", \"party_ids\": [");
		for (guint k = 0; k < x->party_ids->len; k++)
			g_string_append_printf (j, "%s%lld", k ? ", " : "",
						(long long) g_array_index (x->party_ids, int64_t, k));
		g_string_append (j, "], \"roles\": {");
		for (int b = 0; b < 3; b++)
			g_string_append_printf (j, "%s\"%s\": %lld", b ? ", " : "", role_words[b],
						(long long) x->role_copies[b]);
		g_string_append (j, "}");
		json_int (j, "copies", x->copies, TRUE);
		json_int (j, "violating_copies", x->violating, TRUE);
		json_int (j, "amount_cents", x->amount_cents, TRUE);
		g_string_append (j, ", \"weakest_link\": ");
		if (x->weakest_link) {
			g_string_append_printf (j, "{\"id\": %lld, \"strength\": ", (long long) x->weakest_link);
			wb_json_string (j, x->weakest_strength);
			g_string_append_printf (j, ", \"weak\": %s, \"text\": ", x->weak ? "true" : "false");
			wb_json_string (j, x->weakest_text);
			g_string_append (j, "}");
		} else
			g_string_append (j, "null");
		g_string_append (j, ", \"statutes\": [");
		for (guint k = 0; k < x->statutes->len; k++) {
			const wb_defendant_statute_t *s = x->statutes->pdata[k];
			g_string_append (j, k ? ", {\"id\": " : "{\"id\": ");
			wb_json_string (j, s->id);
			json_int (j, "copies", s->copies, TRUE);
			json_int (j, "amount_cents", s->amount_cents, TRUE);
			json_int (j, "uncapped_cents", s->uncapped_cents, TRUE);
			g_string_append_printf (j, ", \"reached\": %s, \"reason\": ", s->reached ? "true" : "false");
			if (s->reason)
				wb_json_string (j, s->reason);
			else
				g_string_append (j, "null");
			g_string_append (j, "}");
		}
		g_string_append_printf (j, "], \"group\": %s, \"weak_links\": ", x->group ? "true" : "false");
		if (x->weak_links)
			wb_json_string (j, x->weak_links);
		else
			g_string_append (j, "null");
		g_string_append (j, ", \"first_copy\": ");
		if (x->first_copy) {
			g_string_append_printf (j, "{\"id\": %lld, \"local_day\": ", (long long) x->first_copy);
			wb_json_string (j, x->first_day);
			g_string_append_printf (j, "}, \"last_copy\": {\"id\": %lld, \"local_day\": ", (long long) x->last_copy);
			wb_json_string (j, x->last_day);
			g_string_append (j, "}");
		} else
			g_string_append (j, "null, \"last_copy\": null");
		json_int (j, "after_filing", x->after_filing, TRUE);
		if (x->copy_list) {
			g_string_append (j, ", \"copy_list\": [");
			for (guint k = 0; k < x->copy_list->len; k++) {
				const wb_defendant_copy_t *c = &g_array_index (x->copy_list, wb_defendant_copy_t, k);
				g_string_append_printf (j, "%s{\"id\": %lld, \"local_day\": ", k ? ", " : "", (long long) c->message);
				wb_json_string (j, c->local_day);
				GString *r = g_string_new (NULL);
				append_roles (r, c->roles);
				g_string_append (j, ", \"roles\": ");
				wb_json_string (j, r->str);
				g_string_free (r, TRUE);
				g_string_append (j, ", \"statutes\": [");
				for (guint b = 0, m = 0; b < x->statutes->len && b < 32; b++)
					if (c->statutes & (1u << b)) {
						g_string_append (j, m++ ? ", " : "");
						wb_json_string (j, ((wb_defendant_statute_t *) x->statutes->pdata[b])->id);
					}
				g_string_append_printf (j, "], \"after_filing\": %s}", c->after_filing ? "true" : "false");
			}
			g_string_append (j, "]");
		}
		g_string_append (j, "}");
	}
	g_string_append (j, d->defendants->len ? "\n], " : "], ");
	json_int (j, "total_cents", d->total_cents, FALSE);
	json_int (j, "exposure_sum_cents", d->exposure_sum_cents, TRUE);
	json_int (j, "case_cents", d->case_cents, TRUE);
	json_int (j, "copies", d->copies, TRUE);
	g_string_append (j, ", \"total_note\": \"each copy counted once, whichever defendants it is claimed against\"");
	g_string_append (j, ", \"filed\": ");
	if (d->filed)
		wb_json_string (j, d->filed);
	else
		g_string_append (j, "null");
	g_string_append (j, ", \"statute_set\": ");
	wb_json_string (j, d->statute_source);
	g_string_append (j, ", \"statute_set_sha256\": ");
	wb_json_string (j, d->statute_digest);
	g_string_append (j, "}");
	return g_string_free (j, FALSE);
}
