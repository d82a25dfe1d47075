#!/bin/sh
# JSON output: numbers as numbers in every command's JSON (sql excepted: it
# mirrors SQLite's column types), summary and case as one object, and the
# dating method named dated_by (received_from kept as its alias).
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
C=$T/s.case
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
wb init "$C" --filed 2008-09-01 > /dev/null
wb import "$C" traps "$S/traps.csv" > /dev/null
wb ingest "$C" "$S"/mail/* > /dev/null 2>&1
wb import "$C" parties "$S/parties.csv" > /dev/null
wb link "$C" > /dev/null

# Each command's JSON, parsed by Python's json module; every count or id
# key, wherever it appears, must hold a JSON number (or null).
check () {
	name=$1; shift
	if ! wb "$@" --format json > "$T/j.json" 2> "$T/j.err"; then
		t_fail "$name: exit" "$(cat "$T/j.err")"; return
	fi
	expect_eq "$name: counts and ids are numbers" "" "$(python3 -c '
import json, sys
NUMERIC = {"id", "messages", "links", "cluster", "size", "party", "copies", "senders",
           "run", "offset", "length", "campaign", "traps", "sources", "locations",
           "distinct_messages", "unmatched_copies", "flagged_copies", "not_mail",
           "flagged_sources", "provisions", "limitations_years", "copy", "idx"}
NUMERIC -= set(sys.argv[2].split())
bad = []
def walk(v, key=None):
    if isinstance(v, dict):
        for k, x in v.items(): walk(x, k)
    elif isinstance(v, list):
        for x in v: walk(x, key)
    elif key in NUMERIC and v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
        bad.append("%s=%r" % (key, v))
walk(json.load(open(sys.argv[1])))
print(" ".join(sorted(set(bad))[:5]))' "$T/j.json" "${TEXT_KEYS:-}")"
}
check parties parties "$C"
check links links "$C"
check clusters clusters "$C"
check artifacts artifacts "$C"
TEXT_KEYS=id     # a statute's id is a name
check statutes statutes "$C"
TEXT_KEYS=
check summary summary "$C"
check case case "$C"
check log log "$C"
check messages messages "$C"
check show show "$C" 122
check explain explain "$C" "PureCash LLC" "Imatrix Ltd"

# parties: the count of messages attributed, independently counted here
# from message_parties (the table the command reads).
expect_eq "parties: messages a number, the count" \
	"$(sqlite3 "$C" "SELECT count(DISTINCT message) FROM message_parties mp JOIN parties p ON p.id = mp.party WHERE p.name = 'Acme Pharmacy Inc'")" \
	"$(wb parties "$C" --format json | python3 -c '
import json, sys
p = [x for x in json.load(sys.stdin) if x["name"] == "Acme Pharmacy Inc"][0]
print(p["messages"] if isinstance(p["messages"], int) else repr(p["messages"]))')"

# summary: one object (not an array of one row) whose counts match the
# case's tables.
expect_eq "summary: one object with the counts" \
	"dict $(sqlite3 "$C" "SELECT count(*) FROM messages") $(sqlite3 "$C" "SELECT count(*) FROM traps") 2008-09-01" \
	"$(wb summary "$C" --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(type(d).__name__, d["copies"], d["traps"], d["filed"])')"

# dated_by: what dated the copy, as stored in messages.received_from; the
# old key stays beside it.
want=$(sqlite3 "$C" "SELECT received_from FROM messages WHERE id = 122")
expect_eq "messages: dated_by and its alias" "$want $want" \
	"$(wb messages "$C" --format json | python3 -c '
import json, sys
m = [x for x in json.load(sys.stdin) if x["id"] == 122][0]
print(m["dated_by"], m["received_from"])')"
expect_eq "show: dated_by and its alias" "$want $want" \
	"$(wb show "$C" 122 --format json | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(m["dated_by"], m["received_from"])')"
# show: a yes/no fact is a number, a text fact text (the category).
expect_eq "show: facts typed" "int str" \
	"$(wb show "$C" 122 --format json | python3 -c '
import json, sys
f = {x["name"]: x["value"] for x in json.load(sys.stdin)["facts"]}
print(type(f["subject_adv"]).__name__, type(f["category"]).__name__)')"
t_done
