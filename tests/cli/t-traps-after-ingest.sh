#!/bin/sh
# Traps imported after ingest: copies ingested as unmatched change trap, and
# the analysis made for them (trust boundary from the trap's provider hosts,
# the trap's address masked in the fingerprint) and the rule findings are out
# of date.  import says so; damages, link and report refuse until
# 'reanalyze'; then every figure equals the order traps-then-ingest's.
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
wb init "$T/first.case" > /dev/null
wb import "$T/first.case" traps "$S/traps.csv" > /dev/null
wb ingest "$T/first.case" "$S"/mail/* > /dev/null 2>&1
wb init "$T/late.case" > /dev/null
wb ingest "$T/late.case" "$S"/mail/* > /dev/null 2>&1
expect_rc "import traps after ingest" 0 wb import "$T/late.case" traps "$S/traps.csv"
expect_match "says the copies changed trap and what to run" \
	"changed trap: run 'workbench reanalyze .*late.case' before damages" "$(cat "$T/.out")"
expect_rc "damages refuses" 1 wb damages "$T/late.case"
expect_match "and says why" "analysed for another trap.*hint: run 'workbench reanalyze" "$(tr '\n' ' ' < "$T/.err")"
expect_rc "report refuses" 1 wb report "$T/late.case" --out "$T/ex"
expect_rc "reanalyze" 0 wb reanalyze "$T/late.case"
# Preemption ignored: the sample's violations (labels, the 17529.2 ban)
# are preempted from 2004 and would come to $0 either way.
damages_json "$T/first.case" --preemption ignore > "$T/first.json"
damages_json "$T/late.case" --preemption ignore > "$T/late.json"
expect_match "damages found something" '"amount_cents": [1-9]' "$(cat "$T/first.json")"
expect_file "damages equal those of traps imported first" "$T/first.json" "$T/late.json"
q="SELECT m.sha256, t.address, f.name, f.value FROM facts f JOIN messages m ON m.id = f.message
	JOIN traps t ON t.id = m.trap_id ORDER BY 1, 2, 3"
sqlite3 "$T/first.case" "$q" > "$T/f1"
sqlite3 "$T/late.case" "$q" > "$T/f2"
expect_file "facts equal too" "$T/f1" "$T/f2"
expect_rc "importing the same traps again changes nothing" 0 wb import "$T/late.case" traps "$S/traps.csv"
expect_eq "no note then" "0 traps added, 0 updated, 4 unchanged" "$(cat "$T/.out")"
expect_rc "damages runs" 0 wb damages "$T/late.case"
t_done
