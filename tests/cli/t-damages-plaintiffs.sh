#!/bin/sh
# damages --by plaintiff on a generated case of nine traps, seven trap
# holders and six providers: caps per action and per day within each
# plaintiff's action, a California incident shared by three recipients.
# The expected amounts come from tests/gen/gen-plaintiffs-case.py, which
# works them out from the statute texts, not from our output.  The copies
# are of 2007 and violate labeling, opt-out and disclosure duties that
# CAN-SPAM preempts: every run here ignores preemption (t-damages.sh tests
# it), to test the caps of the state statutes themselves.
. "$WB_ROOT/tests/lib.sh"

C="$T/p.case"
wb init "$C" --filed 2008-05-01 > /dev/null
python3 "$WB_ROOT/tests/gen/gen-plaintiffs-case.py" "$C" > "$T/expected.json"

# "plaintiff|statute amount" lines, for the four state statutes with
# copies, from the expected JSON (key $1) and from damages --by plaintiff.
want () {
	python3 -c 'import json,sys
for k, v in sorted(json.load(open(sys.argv[1]))[sys.argv[2]].items()): print(k, v)' "$T/expected.json" "$1"
}
got () {
	python3 -c 'import json,sys
d = json.load(sys.stdin)
rows = [("%s|%s" % (p["name"], s["id"]), s["amount_cents"]) for p in d["plaintiffs"] for s in p["statutes"]
        if s["id"] in ("az-44-1372", "ar-4-88", "ca-17529.8", "co-6-2.5") and s["violating_messages"]]
for k, v in sorted(rows): print(k, v)
assert d["total_cents"] == sum(p["amount_cents"] for p in d["plaintiffs"]), "total is not the sum"'
}
check () {   # name, expected key, damages options...
	name=$1 key=$2; shift 2
	wb damages "$C" --by plaintiff --format json --preemption ignore "$@" > "$T/d.json"
	expect_eq "$name" "$(want "$key")" "$(got < "$T/d.json")"
}
check "recipients, shared incident" recipient
check "recipients, incident cap each" recipient_each --incident-scope each
check "recipients, aggregate day rule" recipient_aggregate --ar-day-rule aggregate
check "providers" provider --plaintiff provider
check "providers, incident cap each" provider_each --plaintiff provider --incident-scope each
check "providers, aggregate day rule" provider_aggregate --plaintiff provider --ar-day-rule aggregate

# The statute totals are the sums of the plaintiffs' actions: Arizona's
# two recipients get $25,000 and $12,000 (one cap over the case would
# give $25,000 in all).
wb damages "$C" --format json --preemption ignore --statute az-44-1372 > "$T/az.json"
expect_eq "Arizona total is the sum of the actions" \
	"$(want recipient | awk '/az-44-1372/ { s += $NF } END { print s }')" \
	"$(python3 -c 'import json,sys; print(json.load(sys.stdin)["total_cents"])' < "$T/az.json")"

# Text and CSV: one row per plaintiff and statute.
expect_rc "text" 0 wb damages "$C" --by plaintiff --preemption ignore --statute az-44-1372
expect_match "text names the kind" "^Plaintiffs: recipient \(each trap holder\)" "$(cat "$T/.out")"
expect_match "text: a holder's two traps" "Ana Ruiz +az-a@trap.test, az-c@trap.test +az-44-1372 +2800 +2800" "$(cat "$T/.out")"
expect_match "text: total" "^total +\\\$37,000.00$" "$(cat "$T/.out")"
expect_rc "csv" 0 wb damages "$C" --by plaintiff --preemption ignore --statute az-44-1372 --format csv
expect_eq "csv header" "plaintiff,traps,statute,messages,violating_messages,incidents,days,uncapped_cents,amount_cents" \
	"$(head -n 1 "$T/.out")"
expect_eq "csv: Bo Chen" "Bo Chen,az-b@trap.test,az-44-1372,1200,1200,30,30,1200000,1200000" \
	"$(grep '^Bo Chen' "$T/.out")"

# --scenarios gives both readings of the shared incident.
wb damages "$C" --scenarios --statute ca-17529.8 --format csv > "$T/sc.csv"
expect_eq "scenario: shared" "$(want recipient | awk '/ca-17529.8/ { s += $NF } END { print s }')" \
	"$(grep '^ca-17529.8,recipient,campaign-day,no,any,shared,ignore,' "$T/sc.csv" | cut -d, -f9)"
expect_eq "scenario: each" "$(want recipient_each | awk '/ca-17529.8/ { s += $NF } END { print s }')" \
	"$(grep '^ca-17529.8,recipient,campaign-day,no,any,each,ignore,' "$T/sc.csv" | cut -d, -f9)"
expect_rc "bad --incident-scope" 2 wb damages "$C" --incident-scope sometimes
expect_match "bad --incident-scope says the choices" "shared or each" "$(cat "$T/.err")"
t_done
