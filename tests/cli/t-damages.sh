#!/bin/sh
# damages on a generated case of 10,300 copies over eight traps in five
# states.  The expected amounts come from tests/gen/gen-damages-case.py,
# which works them out from the statute texts, not from our output.
. "$WB_ROOT/tests/lib.sh"

C="$T/g.case"
wb init "$C" --filed 2008-05-01 > /dev/null
python3 "$WB_ROOT/tests/gen/gen-damages-case.py" "$C" "$T/findings.csv" > "$T/expected.json"

# One statute's amount from a damages JSON on stdin.
amount () { python3 -c 'import json,sys; d=json.load(sys.stdin); print({s["id"]: s["amount_cents"] for s in d["statutes"]}["'"$1"'"])'; }
want () { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]])' "$T/expected.json" "$1" "$2"; }

expect_rc "import findings" 0 wb import "$C" findings "$T/findings.csv"
expect_match "import counts" "^Imported [0-9]+ findings" "$(cat "$T/.out")"

check () {   # name, expected key, damages options...
	name=$1 key=$2; shift 2
	wb damages "$C" --format json "$@" > "$T/d.json"
	for s in ca-17529.5 ca-17529.8 co-6-2.5 ar-4-88 az-44-1372; do
		expect_eq "$name: $s" "$(want "$key" "$s")" "$(amount "$s" < "$T/d.json")"
	done
}
check "default" default
check "provider" provider --plaintiff provider
check "aggregate day rule" aggregate --ar-day-rule aggregate
check "incident per message" message --incident message
check "incident per campaign" campaign --incident campaign
check "due care" due_care --due-care
# CAN-SPAM preemption applies by default; without it the state bans,
# labels and disclosure duties count again (and the caps are reached).
check "preemption ignored" ignore --preemption ignore
check "preemption ignored, provider" ignore_provider --preemption ignore --plaintiff provider
check "preemption ignored, aggregate" ignore_aggregate --preemption ignore --ar-day-rule aggregate
expect_eq "default is apply" "apply" \
	"$(wb damages "$C" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["preemption"])')"
expect_eq "preempted copies counted apart" \
	"$(( $(python3 -c 'import json; print(json.load(open("'"$T/expected.json"'"))["ar_violating_ignore"])') - $(python3 -c 'import json; print(json.load(open("'"$T/expected.json"'"))["ar_violating"])') ))" \
	"$(wb damages "$C" --format json | python3 -c 'import json,sys; print([s for s in json.load(sys.stdin)["statutes"] if s["id"]=="ar-4-88"][0]["excluded_preempted"])')"
expect_rc "bad --preemption" 2 wb damages "$C" --preemption sometimes
expect_rc "text says preemption" 0 wb damages "$C"
expect_match "text says preemption" "^Preemption: applied \(us-7706, from 2004-01-01\)" "$(cat "$T/.out")"

wb damages "$C" --format json > "$T/d.json"
expect_eq "total is the sum" "$(python3 -c 'import json; e=json.load(open("'"$T/expected.json"'"))["default"]; print(sum(e.values()))')" \
	"$(python3 -c 'import json,sys; print(json.load(sys.stdin)["total_cents"])' < "$T/d.json")"
expect_eq "json keys in DESIGN.md order" "plaintiff due_care incident statutes total_cents" \
	"$(python3 -c 'import json,sys; print(" ".join(list(json.load(sys.stdin))[:5]))' < "$T/d.json")"
expect_eq "statute keys" "id messages violating_messages incidents days uncapped_cents amount_cents" \
	"$(python3 -c 'import json,sys; print(" ".join(list(json.load(sys.stdin)["statutes"][0])[:7]))' < "$T/d.json")"
expect_eq "recipient cannot sue under CAN-SPAM" "0" "$(amount us-7706 < "$T/d.json")"
expect_eq "Arkansas violating copies" "$(python3 -c 'import json; print(json.load(open("'"$T/expected.json"'"))["ar_violating"])')" \
	"$(python3 -c 'import json,sys; print([s for s in json.load(sys.stdin)["statutes"] if s["id"]=="ar-4-88"][0]["violating_messages"])' < "$T/d.json")"

# --by day sums to the uncapped amount; per-day amounts respect the cap.
wb damages "$C" --by day --statute ar-4-88 --format csv --preemption ignore > "$T/days.csv"
expect_eq "by day: the capped day" "2007-12-01,2600,2600000,2500000" \
	"$(grep '2007-12-01' "$T/days.csv" | cut -d, -f2-)"

# Scenarios: the Arizona provider row is the greater of the two measures.
# The California files allow two readings of a shared incident, and
# preemption is applied or not: columns incident_scope and preemption, and
# 24 totals for each of the four.
wb damages "$C" --scenarios --format csv > "$T/sc.csv"
expect_eq "scenario az provider" "$(want ignore_provider az-44-1372)" \
	"$(grep '^az-44-1372,provider,.*,ignore,' "$T/sc.csv" | cut -d, -f9)"
expect_eq "scenario az provider, preempted" "$(want provider az-44-1372)" \
	"$(grep '^az-44-1372,provider,.*,apply,' "$T/sc.csv" | cut -d, -f9)"
expect_eq "scenario rows: 96 totals" "96" "$(grep -c '^total,' "$T/sc.csv")"

# Analyst override on the command line, with custody.
first=$(wb sql "$C" "SELECT message_id FROM messages m JOIN traps t ON t.id=m.trap_id WHERE t.address='az1@trap.test' ORDER BY m.id LIMIT 1" --format csv | tail -n 1)
expect_rc "finding command" 0 wb finding "$C" "<$first>" az-44-1372 '*' no-violation --note "consented"
expect_eq "custody has the finding" "1" "$(wb sql "$C" "SELECT count(*) FROM custody WHERE action='finding' AND detail LIKE '%az-44-1372 * no-violation%'" --format csv | tail -n 1)"
expect_rc "unknown provision" 1 wb finding "$C" "$first" az-44-1372 Z9 violation
expect_match "unknown provision says so" "no provision 'Z9'" "$(cat "$T/.err")"

# A bad line anywhere: nothing imported, the line named.
before=$(wb sql "$C" "SELECT count(*) FROM findings" --format csv | tail -n 1)
printf 'message,statute,provision,finding,note\n%s,co-6-2.5,4,no-violation,\nnobody@x,co-6-2.5,4,no-violation,\n' "$first" > "$T/bad.csv"
expect_rc "bad findings file" 1 wb import "$C" findings "$T/bad.csv"
expect_match "error names the line" "bad.csv:3: no message copy 'nobody@x'" "$(cat "$T/.err")"
expect_eq "nothing imported" "$before" "$(wb sql "$C" "SELECT count(*) FROM findings" --format csv | tail -n 1)"
printf 'message,statute,provision,finding,note\n%s,xx-1,4,no-violation,\n' "$first" > "$T/bad2.csv"
expect_rc "unknown statute in file" 1 wb import "$C" findings "$T/bad2.csv"
expect_match "unknown statute named" "bad2.csv:2: unknown statute 'xx-1'" "$(cat "$T/.err")"

# Statutes: init stores the built-in set in the case; an edited copy is
# named in the output.
expect_match "init stored the built-in set in the case" "Statute set: stored in the case" "$(wb statutes "$C")"
mkdir "$T/st"
cp "$WB_ROOT"/templates/statutes/*.ini "$T/st/"
sed -i 's/^per_message_cents=1000$/per_message_cents=2000/' "$T/st/co-6-2.5.ini"
wb damages "$C" --statutes "$T/st" --format json --preemption ignore > "$T/d2.json"
expect_eq "edited copy doubles Colorado" "$(( $(want ignore co-6-2.5) * 2 ))" "$(amount co-6-2.5 < "$T/d2.json")"
expect_match "edited copy named" "\"statute_set\": \"$T/st\"" "$(cat "$T/d2.json")"
sed -i 's/^cap=none$/cap=sometimes/' "$T/st/co-6-2.5.ini"
expect_rc "bad rule file" 1 wb damages "$C" --statutes "$T/st"
expect_match "bad rule file names file and key" "co-6-2.5.ini: \[damages\] cap: 'sometimes'" "$(cat "$T/.err")"
expect_rc "unknown statute" 1 wb damages "$C" --statute xx-1
expect_rc "bad option value" 2 wb damages "$C" --incident weekly
# The same amounts from the rule findings stored as ingest stores them
# (the finding above changed one Arizona copy: compare with the amounts
# computed from the facts just before).
wb damages "$C" --format json > "$T/facts.json"
"$WB_BUILD/tools/apply-rules" "$C" > /dev/null
wb damages "$C" --format json > "$T/stored.json"
expect_match "stored findings used" '"rules": "stored rule findings' "$(cat "$T/stored.json")"
expect_match "computed before" '"rules": "rule findings computed from the facts' "$(cat "$T/facts.json")"
for s in ca-17529.5 ca-17529.8 co-6-2.5 ar-4-88 az-44-1372 us-7706; do
	expect_eq "stored = computed: $s" "$(amount "$s" < "$T/facts.json")" "$(amount "$s" < "$T/stored.json")"
done
expect_eq "stored findings give the expected Arkansas amount" "$(want default ar-4-88)" "$(amount ar-4-88 < "$T/stored.json")"
expect_match "evidence stored" "subject_adv=0 \(certain\)" \
	"$(wb sql "$C" "SELECT evidence FROM findings WHERE source='rule' AND statute='az-44-1372' AND provision='B1' LIMIT 1")"
t_done
