#!/bin/sh
# log CASE [--verbose]: the custody log, one line a command (run number,
# when, who, the command line, the result); --verbose adds each row the
# command wrote, such as a re-import's old -> new values.
. "$WB_ROOT/tests/lib.sh"

C="$T/l.case"
export WB_OPERATOR=analyst1
wb init "$C" --filed 2008-09-01 > /dev/null
printf 'address,state,provider_state,timezone\na@trap.test,CA,CA,America/Los_Angeles\n' > "$T/traps.csv"
wb import "$C" traps "$T/traps.csv" > /dev/null
printf 'address,state,provider_state,timezone\na@trap.test,AZ,CA,America/Phoenix\n' > "$T/traps2.csv"
WB_OPERATOR=analyst2 wb import "$C" traps "$T/traps2.csv" > /dev/null
# A command that never wrote its end row (killed): its begin row alone.
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("SELECT max(id) FROM custody").fetchone()[0] + 1
db.execute("INSERT INTO custody (id, run, at, action, command, operator, tool_version, detail)"
           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (n, n, "2026-01-01T00:00:00Z", "begin", "ingest", "analyst3", "0.1.0", "workbench ingest l.case box.mbox"))
db.commit()' "$C"

expect_rc "log" 0 wb log "$C" --format csv
# Four commands: init, two imports, the unfinished ingest; one line each.
expect_eq "one line a command" "init analyst1 done
import analyst1 1 added, 0 updated, 0 unchanged
import analyst2 0 added, 1 updated, 0 unchanged
ingest analyst3 unfinished: no end row (interrupted, or still running)" \
	"$(python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    print(r["command"].split()[1], r["operator"], r["result"])' "$T/.out")"
expect_match "the whole command line" "workbench import $C traps $T/traps2.csv" "$(cat "$T/.out")"
expect_rc "text" 0 wb log "$C"
expect_eq "text: header, rule, four lines" "6" "$(wc -l < "$T/.out" | tr -d ' ')"

expect_rc "verbose" 0 wb log "$C" --verbose
out=$(cat "$T/.out")
expect_match "the re-import's old -> new" "    import +traps file '.*traps2.csv' sha256 [0-9a-f]{64} size [0-9]+: 0 added, 1 updated, 0 unchanged; 'a@trap.test': state 'CA' -> 'AZ', timezone 'America/Los_Angeles' -> 'America/Phoenix'" "$out"
expect_match "statute files installed by init" "    statute +statute ca-17529.5 file ca-17529.5.ini \(built-in\) sha256" "$out"
expect_rc "verbose json" 0 wb log "$C" --verbose --format json
expect_eq "every custody row" "$(wb sql "$C" "SELECT count(*) FROM custody" --format csv | tail -n 1)" \
	"$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$T/.out")"
expect_rc "no operands" 2 wb log "$C" extra
t_done
