#!/bin/sh
# The damages text says why an amount is not the per-copy sum: $0 because
# the plaintiff may not sue, the provider's "greater of", a cap; --by trap
# gives each trap's share of its plaintiff's action, and totals; --trap
# keeps one trap's copies.  On the case of tests/gen/gen-plaintiffs-case.py,
# whose expected amounts per plaintiff are worked out from the statute
# texts; preemption ignored (the copies are of 2007, see
# t-damages-plaintiffs.sh).
. "$WB_ROOT/tests/lib.sh"

C="$T/p.case"
wb init "$C" --filed 2008-05-01 > /dev/null
python3 "$WB_ROOT/tests/gen/gen-plaintiffs-case.py" "$C" > "$T/expected.json"
sum () {   # expected key, statute: the sum of the plaintiffs' amounts
	python3 -c 'import json,sys
print(sum(v for k, v in json.load(open(sys.argv[1]))[sys.argv[2]].items() if k.endswith("|" + sys.argv[3])))' \
		"$T/expected.json" "$1" "$2"
}
money () { python3 -c 'import sys; c = int(sys.argv[1]); print("\\$%s.%02d" % (format(c // 100, ","), c % 100))' "$1"; }

# CAN-SPAM: "A recipient may not sue" (15 U.S.C. 7706(g)(1) gives the action
# to a provider of Internet access service): $0, and the table says why.
expect_rc "text" 0 wb damages "$C" --preemption ignore
expect_match "a \$0 explained in the table" \
	"^us-7706 +11490 +40 +40 +40 +\\\$1,000.00 +\\\$0.00 +a recipient may not sue under this statute$" "$(cat "$T/.out")"
# Arizona, providers: "whichever is greater" (44-1372.02(D)): DesertMail
# max($32,000, $25,000), CactusNet max($8,000, $25,000): more than the
# per-copy sum, and the table says why.
az=$(sum provider az-44-1372)
expect_eq "the providers' Arizona amount (from the generator)" "5700000" "$az"
expect_rc "text, provider" 0 wb damages "$C" --preemption ignore --plaintiff provider --statute az-44-1372
expect_match "the greater of, shown" \
	"^az-44-1372 +4000 +4000 +[0-9]+ +[0-9]+ +\\\$40,000.00 +$(money "$az") +the greater of the per-copy sum and \\\$25,000.00 per action, for a provider$" \
	"$(cat "$T/.out")"
expect_match "a cap, shown" "^az-44-1372 .* \\\$37,000.00 +capped: \\\$25,000.00 per action \\(each plaintiff's\\)$" \
	"$(wb damages "$C" --preemption ignore --statute az-44-1372)"
expect_eq "json: the note" "a recipient may not sue under this statute" \
	"$(wb damages "$C" --preemption ignore --statute us-7706 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["statutes"][0]["note"])')"

# --by trap: each trap's share of its plaintiff's action in proportion to
# its per-copy sum, rounded down, the cents left to the largest part; the
# traps of a statute add up to its amount.  Worked out here from the
# generator's per-plaintiff amounts and the copies per trap in the case.
wb damages "$C" --preemption ignore --statute az-44-1372 --statute ar-4-88 --by trap --format csv > "$T/t.csv"
expect_eq "--by trap: each trap's share" \
	"$(python3 - "$T/expected.json" "$C" <<'PY'
import json, sqlite3, sys
exp = json.load(open(sys.argv[1]))["recipient"]
db = sqlite3.connect(sys.argv[2])
traps = {}
for addr, holder, n in db.execute("SELECT t.address, coalesce(t.holder, t.address), count(*) FROM messages m"
                                  " JOIN traps t ON t.id = m.trap_id GROUP BY t.id"):
    traps.setdefault(holder, []).append((addr, n))
out = []
for key, amount in exp.items():
    holder, sid = key.split("|")
    if sid not in ("az-44-1372", "ar-4-88"):
        continue
    ts = [(a, n) for a, n in traps[holder] if a.startswith(sid[:2])]
    whole = sum(n for _, n in ts) * 1000
    shares = {a: amount * n * 1000 // whole for a, n in ts}
    best = max(ts, key=lambda t: t[1])[0]
    shares[best] += amount - sum(shares.values())
    out += ["%s,%s,%d" % (sid, a, s) for a, s in shares.items()]
print("\n".join(sorted(out)))
PY
)" "$(tail -n +2 "$T/t.csv" | cut -d, -f1,2,5 | sort)"
expect_rc "--by trap text" 0 wb damages "$C" --preemption ignore --statute az-44-1372 --by trap
expect_match "--by trap: a statute's total" "^az-44-1372 +total +4000 +\\\$40,000.00 +\\\$37,000.00$" "$(cat "$T/.out")"
expect_match "--by trap: the case's total" "^total +\\\$37,000.00$" "$(cat "$T/.out")"
expect_rc "--by provision text" 0 wb damages "$C" --preemption ignore --statute az-44-1372 --by provision
expect_match "--by provision: the statute's total" "^az-44-1372 +total +4000 +\\\$40,000.00 +\\\$37,000.00$" "$(cat "$T/.out")"

# --trap: one trap's copies, its holder's action on them alone: Ana's
# az-a@trap.test has 2,000 copies, min($20,000, $25,000) (44-1372.02(B)).
expect_eq "--trap (any case)" "2000000" \
	"$(wb damages "$C" --preemption ignore --statute az-44-1372 --trap AZ-A@trap.test --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_cents"])')"
expect_rc "--trap unknown" 2 wb damages "$C" --trap nobody@trap.test
expect_match "names it and the choices" "unknown trap 'nobody@trap.test'" "$(cat "$T/.err")"
t_done
