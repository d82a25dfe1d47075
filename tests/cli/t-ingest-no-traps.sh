#!/bin/sh
# Ingest into a case with no traps warns: no copy can be matched to a trap,
# so no statute reaches any; the hint names the import command.  With a
# roster, no such warning.
. "$WB_ROOT/tests/lib.sh"
C=$T/c.case
wb init "$C" >/dev/null
printf 'From: a@spam.test\nTo: t@trap.test\nSubject: hi\nDate: Tue, 01 Jan 2008 10:00:00 +0000\nMessage-ID: <1@spam.test>\n\nbody\n' > "$T/one.eml"
expect_rc "ingest without traps" 0 wb ingest "$C" "$T/one.eml"
expect_eq "warned, with the import command" "warning: the case has no traps: no copy will be matched to a trap account, so no statute reaches any
hint: import the roster first: workbench import $C traps FILE.csv (imported after, it asks for 'workbench reanalyze $C')" \
	"$(grep -E '^(warning|hint):' "$T/.err")"

D=$T/d.case
wb init "$D" >/dev/null
printf 'address,state,provider_state,timezone\nt@trap.test,CA,CA,America/Los_Angeles\n' > "$T/traps.csv"
wb import "$D" traps "$T/traps.csv" >/dev/null
expect_rc "ingest with traps" 0 wb ingest "$D" "$T/one.eml"
expect_eq "no warning" "" "$(grep -E '^(warning|hint):' "$T/.err")"
# The copy reached the trap its To header names.
expect_eq "matched" "t@trap.test" "$(wb messages "$D" --format csv | python3 -c '
import csv, sys
print(next(csv.DictReader(sys.stdin))["trap"])')"
t_done
