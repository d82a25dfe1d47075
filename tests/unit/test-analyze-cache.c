/* The registrable-domain cache is per thread and outlives a copy: what a
 * copy's analysis finds must not depend on the copies analysed before it
 * on the same thread, even when the cache fills and is emptied midway. */
#include <criterion/criterion.h>
#include <string.h>
#include <gmime/gmime.h>
#include "analyze.h"
#include "analyze-run.h"

/* Every artifact of RAW's analysis, one "kind value location" line each. */
static gpointer
artifacts_of (gpointer raw)
{
	wb_analysis_t *a = analyze_raw (raw, NULL);
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < wb_analysis_n_artifacts (a); i++) {
		const char *k, *v, *l;
		wb_analysis_artifact (a, i, &k, NULL, &v, &l);
		g_string_append_printf (s, "%s %s %s\n", k, v, l);
	}
	wb_analysis_free (a);
	return g_string_free (s, FALSE);
}

/* A message linking to N hosts hI.siteI.co.uk (registrable domain
 * siteI.co.uk: co.uk is a public suffix), then www.example.com, then the
 * first host again. */
static char *
message (int n)
{
	GString *s = g_string_new ("From: a@mail.example.org\nTo: t@example.net\nSubject: x\n\n");
	for (int i = 0; i < n; i++)
		g_string_append_printf (s, "http://h%d.site%d.co.uk/\n", i, i);
	g_string_append (s, "http://www.example.com/ and again http://h0.site0.co.uk/x\n");
	return g_string_free (s, FALSE);
}

Test (domains, same_whatever_came_before)
{
	char *small = message (3), *big = message (9000);
	/* Fresh threads: nothing cached. */
	GThread *t = g_thread_new ("fresh", artifacts_of, small);
	char *small_fresh = g_thread_join (t);
	t = g_thread_new ("fresh", artifacts_of, big);
	char *big_fresh = g_thread_join (t);
	/* site0.co.uk is the registrable domain of h0.site0.co.uk. */
	cr_expect (strstr (small_fresh, "domain site0.co.uk body:text\n") != NULL);
	cr_expect (strstr (small_fresh, "domain example.com body:text\n") != NULL);
	/* This thread: the small one after the big one (the cache full and
	 * emptied on the way), then the big one again, then the small. */
	char *x = artifacts_of (big), *y = artifacts_of (small), *z = artifacts_of (big),
	     *w = artifacts_of (small);
	cr_expect_str_eq (x, big_fresh);
	cr_expect_str_eq (y, small_fresh);
	cr_expect_str_eq (z, big_fresh);
	cr_expect_str_eq (w, small_fresh);
	g_free (x); g_free (y); g_free (z); g_free (w);
	g_free (small_fresh); g_free (big_fresh);
	g_free (small); g_free (big);
}
