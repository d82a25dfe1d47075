#!/bin/sh
# ingest --no-analysis: copies stored with their fields and no analysis; the
# case says so (case_info analysis_pending) and damages, link and report
# refuse until 'reanalyze' has run; after it, every stored row equals what a
# normal ingest stores (tests/bench/dump-analysis.sh, rows keyed by SHA-256).
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
for c in normal deferred; do
	wb init "$T/$c.case" > /dev/null
	wb import "$T/$c.case" traps "$S/traps.csv" > /dev/null
done
wb ingest "$T/normal.case" "$S"/mail/* > /dev/null 2>&1
expect_rc "ingest --no-analysis" 0 wb ingest "$T/deferred.case" --no-analysis "$S"/mail/*
expect_match "the summary says analysis is not done and what to run" \
	"analysis: +not done \(--no-analysis\): run 'workbench reanalyze .*deferred.case'" "$(cat "$T/.out")"
q () { sqlite3 "$T/deferred.case" "$1"; }
expect_eq "every copy stored" "$(sqlite3 "$T/normal.case" "SELECT count(*) FROM messages")" \
	"$(q "SELECT count(*) FROM messages")"
expect_eq "no analysis rows, no findings" "0 0 0 0" \
	"$(q "SELECT (SELECT count(*) FROM hops) || ' ' || (SELECT count(*) FROM artifacts) || ' ' ||
		(SELECT count(*) FROM facts) || ' ' || (SELECT count(*) FROM findings)")"
expect_eq "the case is marked" "1" "$(q "SELECT value FROM case_info WHERE key = 'analysis_pending'")"
for cmd in damages link report; do
	args=; [ $cmd = report ] && args="--out $T/ex"
	expect_rc "$cmd refuses before reanalyze" 1 wb $cmd "$T/deferred.case" $args
	expect_match "$cmd: says why and what to run" \
		"error: $cmd: the case holds copies not analysed yet.*--no-analysis.*hint: run 'workbench reanalyze" \
		"$(tr '\n' ' ' < "$T/.err")"
done
expect_eq "no exhibit written" "no" "$([ -e "$T/ex" ] && echo yes || echo no)"
# A later ingest (with analysis) does not make findings for unanalysed copies.
python3 - "$T/more.eml" <<'PY'
import sys
open(sys.argv[1], 'w').write("From: a@b.test\nTo: jane@mail.test\nSubject: more\nMessage-ID: <more@b.test>\n"
    "Date: Mon, 1 Sep 2008 10:00:00 +0000\n\nbody\n")
PY
wb ingest "$T/deferred.case" "$T/more.eml" > "$T/more.out" 2>&1
expect_match "a normal ingest says analysis is pending" \
	"analysis: +pending for copies in the case: run 'workbench reanalyze" "$(cat "$T/more.out")"
expect_eq "still marked after a normal ingest" "1 0" \
	"$(q "SELECT (SELECT value FROM case_info WHERE key = 'analysis_pending') || ' ' || (SELECT count(*) FROM findings)")"
expect_rc "damages still refused" 1 wb damages "$T/deferred.case"
wb ingest "$T/normal.case" "$T/more.eml" > /dev/null 2>&1
expect_rc "reanalyze" 0 wb reanalyze "$T/deferred.case"
expect_eq "reanalyze clears the mark" "0" "$(q "SELECT value FROM case_info WHERE key = 'analysis_pending'")"
# The same figures; only the custody run that made the rule findings differs.
damages_json "$T/normal.case" > "$T/d-normal.json"
expect_rc "damages after reanalyze" 0 wb damages "$T/deferred.case"
damages_json "$T/deferred.case" > "$T/d-deferred.json"
expect_match "damages name the stored findings" '"rules": "stored"' "$(cat "$T/d-deferred.json")"
expect_file "damages equal a normal ingest's" "$T/d-normal.json" "$T/d-deferred.json"
# Row by row: every table the analysis and the rules fill.
dump () {
	sh "$WB_ROOT/tests/bench/dump-analysis.sh" "$@" 2> /dev/null
}
WB="$WB" dump "$S/mail" > "$T/dump-normal.txt"
INGEST_ARGS=--no-analysis REANALYZE=1 WB="$WB" dump "$S/mail" > "$T/dump-deferred.txt"
expect_eq "dump has rows" "yes" "$([ "$(grep -c '^artifact|' "$T/dump-normal.txt")" -gt 100 ] && echo yes || echo no)"
expect_file "every stored row equals a normal ingest's" "$T/dump-normal.txt" "$T/dump-deferred.txt"
t_done
