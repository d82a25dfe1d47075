#!/bin/sh
# damages --by defendant on a generated case: a sender, an affiliate and an
# advertiser sharing copies, a second affiliate with its sending IP, a weak
# link relied on by nothing.  The expected figures come from
# tests/gen/gen-defendants-case.py, which works them out from the statute
# texts and its own record of who sent what, not from our output.  The
# copies are of 2007 and violate duties CAN-SPAM preempts: preemption is
# ignored here (t-damages.sh tests it).
. "$WB_ROOT/tests/lib.sh"

C="$T/d.case"
wb init "$C" --filed 2008-05-01 > /dev/null
python3 "$WB_ROOT/tests/gen/gen-defendants-case.py" "$C" > "$T/expected.json"
S="--preemption ignore --statute az-44-1372 --statute co-6-2.5 --statute ca-17529.8"

# "defendant|statute copies amount" lines, with each defendant's party
# ids, total, after-filing count and weakest link id, and the totals.
want () {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for n, x in sorted(d["defendants"].items()):
    print(n, x["party_ids"], x["copies"], x["amount_cents"], x["after_filing"], x["weakest_link"])
    for s, v in sorted(x["statutes"].items()): print(n + "|" + s, v["copies"], v["amount_cents"])
print("total", d["total_cents"], d["exposure_sum_cents"], d["case_cents"])' "$T/expected.json"
}
got () {
	python3 -c 'import json,sys
d = json.load(sys.stdin)
for x in sorted(d["defendants"], key=lambda x: x["name"]):
    n = x["name"]
    w = x["weakest_link"]["id"] if x["weakest_link"] else None
    print(n, x["party_ids"], x["copies"], x["amount_cents"], x["after_filing"], w)
    for s in sorted(x["statutes"], key=lambda s: s["id"]): print(n + "|" + s["id"], s["copies"], s["amount_cents"])
    assert x["amount_cents"] == sum(s["amount_cents"] for s in x["statutes"]), n
print("total", d["total_cents"], d["exposure_sum_cents"], d["case_cents"])'
}
wb damages "$C" --by defendant --format json $S > "$T/d.json"
expect_eq "per defendant, per statute, and the totals" "$(want)" "$(got < "$T/d.json")"
expect_eq "a copy against several defendants is counted once in the total" "yes" \
	"$(python3 -c 'import json,sys; d = json.load(sys.stdin); print("yes" if d["total_cents"] < d["exposure_sum_cents"] else "no")' < "$T/d.json")"
expect_eq "the group resting on a confirmed moderate link says so" "2 moderate False" \
	"$(python3 -c 'import json,sys
d = json.load(sys.stdin)
g = [x for x in d["defendants"] if x["name"] == "Sendco + Affy Media + AdCorp"][0]["weakest_link"]
print(g["id"], g["strength"], g["weak"])' < "$T/d.json")"

# Text: the reason for a $0, the total counted once, the weak link listed.
expect_rc "text" 0 wb damages "$C" --by defendant $S
expect_match "a role the statute does not reach: \$0 and why" \
	"^Affy Media +az-44-1372 +0 +\\\$0.00 +\\\$0.00 +reaches sender only; attributed as affiliate$" "$(cat "$T/.out")"
expect_match "the total counts each copy once, and says so" \
	"^Total, each copy counted once: \\\$42,350.00 \\(3245 copies\\)\\.  The exposures above add up to \\\$94,350.00" \
	"$(cat "$T/.out")"
expect_match "a weak link is flagged, not hidden" "Other Aff: link 3 Affy Media - Other Aff: weak 2.00" "$(cat "$T/.out")"

# --defendant: that party and the groups holding it, and their copies.
expect_rc "--defendant" 0 wb damages "$C" --defendant "other aff" $S --format json
expect_eq "--defendant lists its copies" "Other Aff 35|Other Aff (+1 derived) 35" \
	"$(python3 -c 'import json,sys
d = json.load(sys.stdin)
print("|".join("%s %d" % (x["name"], len(x["copy_list"])) for x in d["defendants"]))' < "$T/.out")"
expect_rc "--defendant text" 0 wb damages "$C" --defendant "Other Aff" $S
expect_match "the copies after filing are marked" "^3235 +2008-06-05 +sender, affiliate +co-6-2.5 +yes$" "$(cat "$T/.out")"
expect_rc "csv" 0 wb damages "$C" --by defendant $S --format csv
expect_eq "csv header" "defendant,party_ids,roles,statute,copies,uncapped_cents,amount_cents,reason,weakest_link,weakest_strength" \
	"$(head -n 1 "$T/.out")"
expect_rc "unknown defendant" 1 wb damages "$C" --defendant Nobody
expect_match "names it" "Nobody" "$(cat "$T/.err")"
expect_rc "--defendant with --by plaintiff" 2 wb damages "$C" --defendant Sendco --by plaintiff
t_done
