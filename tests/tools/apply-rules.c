/* apply-rules CASE: store the statutes' rule findings of every copy, as
 * ingest and reanalyze do (wb_rules_apply), for benchmarks and tests that
 * build their cases with SQL.  Installs the built-in statutes first when
 * the case holds none. */
#include <stdio.h>
#include "rules.h"
#include "statute.h"

int
main (int argc, char **argv)
{
	wb_case_t *cs = NULL;
	char *err = NULL;
	int64_t run, n = 0;
	if (argc != 2) {
		fprintf (stderr, "usage: apply-rules CASE\n");
		return 2;
	}
	if (wb_case_open (argv[1], WB_OPEN_WRITE, &cs, &err) || wb_case_lock (cs)) {
		fprintf (stderr, "error: %s\n", err ? err : wb_case_errmsg (cs));
		return 1;
	}
	wb_status_t st = wb_case_run_begin (cs, "rules", "apply-rules", &run);
	sqlite3_stmt *q = st ? NULL : wb_case_stmt (cs, "SELECT count(*) FROM statutes");
	gboolean none = q && sqlite3_step (q) == SQLITE_ROW && sqlite3_column_int (q, 0) == 0;
	if (q)
		sqlite3_reset (q);
	if (!st && none)
		st = wb_statutes_install (cs, NULL, run);
	if (!st)
		st = wb_rules_apply (cs, NULL, run, &n);
	if (!st)
		st = wb_case_run_end (cs, run, NULL);
	if (st) {
		fprintf (stderr, "error: %s\n", wb_case_errmsg (cs));
		wb_case_free (cs);
		return 1;
	}
	printf ("%lld rule findings\n", (long long) n);
	wb_case_free (cs);
	return 0;
}
