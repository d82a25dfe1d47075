#!/bin/sh
# damages --format json: the reconciliation per trap ("traps"), on the
# sample case.  The oracle is the generator's own record (manifest.json:
# copies per trap, the undated and malformed copy, the possible
# duplicates, which copies carry "ADV:") and the roster, worked through
# the statute files by hand below; the engine's output is only checked
# against it and against itself (every row adds up, the traps add up to
# the statute).
. "$WB_ROOT/tests/lib.sh"

S="$T/sample"
C="$T/s.case"
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
wb init "$C" --name "Reconcile" --filed 2008-09-01 > /dev/null
wb import "$C" traps "$S/traps.csv" > /dev/null
wb ingest "$C" "$S"/mail/* > /dev/null 2>&1
wb import "$C" findings "$S/findings.csv" > /dev/null
ST="$WB_ROOT/templates/statutes"

expect_rc "damages --format json (preemption ignored)" 0 \
	sh -c 'exec "$1" damages "$2" --statutes "$3" --preemption ignore --format json > "$4"' \
	_ "$WB" "$C" "$ST" "$T/ign.json"
expect_rc "damages --format json (preemption applied)" 0 \
	sh -c 'exec "$1" damages "$2" --statutes "$3" --format json > "$4"' _ "$WB" "$C" "$ST" "$T/app.json"

# Prints one line per failure.
out=$(python3 - "$S/manifest.json" "$T/ign.json" "$T/app.json" <<'EOF'
import json, sys
man = json.load(open(sys.argv[1]))
ign, app = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
fails = []
def check(what, got, want):
    if got != want:
        fails.append("%s: got %r, want %r" % (what, got, want))

KEYS = ["copies", "excluded_nexus", "excluded_undated", "excluded_effective", "excluded_limitations", "in_scope",
        "excluded_analyst", "excluded_preempted", "excluded_by_statute", "not_violating", "counted"]
cl = man["copy_list"]
# From the generator: jane's five copies and three of ark's found again in
# the re-export; ark's two copies of one Message-ID (message 9001 and its
# resend with another body); colo's malformed copy, which has no date.
dups = {"jane@trapmail.test": 5, "ark@trapmail.test": 3}
check("generator: duplicate locations", sum(dups.values()), man["duplicate_locations"])
undated = {t: sum(1 for c in cl if c["trap"] == t and c["received"] is None) for t in man["traps"]}
check("generator: one undated copy, in colo's trap", undated["colo@rockymail.test"], 1)
for d in (ign, app):
    traps = {t["trap"]: t for t in d["traps"]}
    check("a row per trap of the roster, by address", [t["trap"] for t in d["traps"]], sorted(man["traps"]))
    for a, n in man["traps"].items():
        t = traps[a]
        check("%s: distinct copies" % a, t["copies"], n)
        check("%s: found" % a, t["found"], n + dups.get(a, 0))
        check("%s: duplicate locations" % a, t["duplicate_locations"], dups.get(a, 0))
        check("%s: undated" % a, t["undated"], undated[a])
        check("%s: malformed" % a, t["malformed"], 1 if a == "colo@rockymail.test" else 0)
        check("%s: possible duplicates" % a, t["possible_duplicates"], 2 if a == "ark@trapmail.test" else 0)
        for s in t["statutes"]:
            v = [s[k] for k in KEYS]
            check("%s %s: the copies are the trap's" % (a, s["id"]), v[0], n)
            check("%s %s: out of scope + in scope = copies" % (a, s["id"]), sum(v[1:6]), v[0])
            check("%s %s: taken out + not violating + counted = in scope" % (a, s["id"]), sum(v[6:11]), v[5])
    # The traps add up to each statute's own figures.
    for st in d["statutes"]:
        tot = {k: sum(next(x for x in t["statutes"] if x["id"] == st["id"])[k] for t in d["traps"]) for k in KEYS}
        check("%s: traps add up" % st["id"],
              [tot[k] for k in KEYS],
              [d["copies"], st["excluded_nexus"], st["excluded_undated"], st["excluded_effective"],
               st["excluded_limitations"], st["messages"], st["excluded_analyst"], st["excluded_preempted"],
               st["excluded_by_statute"], st["not_violating"], st["violating_messages"]])

# By hand, preemption ignored (filed 2008-09-01; every copy of March 2008,
# after every effective date and inside every limitations period):
#  nexus from the roster: jane CA/CA, colo CO/CO, ark AR (provider CA),
#  ari AZ (provider CA).  California: a resident (or sent from CA): jane
#  only.  Colorado: resident AND provider in CO: colo.  Arkansas: a
#  resident or the provider: ark.  Arizona: resident, provider or sent
#  from: ari.  CAN-SPAM: every trap.
#  The undated copy is colo's: out of scope under Colorado and CAN-SPAM.
#  The newsletter (jane) is found not commercial: taken out under every
#  statute reaching jane (California both, CAN-SPAM).
#  Colorado 6-2.5-103(4): the copies without "ADV:" counted; § 17529.2(b)
#  ("always") every California copy in scope but the newsletter, counted
#  under § 17529.8 (§ 17529.5 finds nothing: valid From domains, honest
#  routing); Arizona: every copy of ari's (no "ADV:" or "ADV:ADLT").
noadv_colo = sum(1 for c in cl if c["trap"] == "colo@rockymail.test" and c["received"] and not c["adv"]
                 and c["campaign"] != "malformed")
check("generator: colo's copies without ADV:", noadv_colo, 24)
t = {x["trap"]: {s["id"]: s for s in x["statutes"]} for x in ign["traps"]}
def row(a, sid):
    return [t[a][sid][k] for k in KEYS]
check("jane under ca-17529.5", row("jane@trapmail.test", "ca-17529.5"), [40, 0, 0, 0, 0, 40, 1, 0, 0, 39, 0])
check("jane under ca-17529.8", row("jane@trapmail.test", "ca-17529.8"), [40, 0, 0, 0, 0, 40, 1, 0, 0, 0, 39])
check("jane under us-7706", row("jane@trapmail.test", "us-7706"), [40, 0, 0, 0, 0, 40, 1, 0, 0, 39, 0])
check("colo under co-6-2.5", row("colo@rockymail.test", "co-6-2.5"), [40, 0, 1, 0, 0, 39, 0, 0, 0, 15, noadv_colo])
check("colo under us-7706", row("colo@rockymail.test", "us-7706"), [40, 0, 1, 0, 0, 39, 0, 0, 0, 39, 0])
check("colo under ca-17529.5", row("colo@rockymail.test", "ca-17529.5"), [40, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0])
check("ari under az-44-1372", row("ari@trapmail.test", "az-44-1372"), [32, 0, 0, 0, 0, 32, 0, 0, 0, 0, 32])
check("ark under ar-4-88", row("ark@trapmail.test", "ar-4-88"), [25, 0, 0, 0, 0, 25, 0, 0, 0, 25, 0])
# Preemption applied (from 2004-01-01): the state copies counted above
# violate only the ban, the label and disclosure duties: preempted.
t = {x["trap"]: {s["id"]: s for s in x["statutes"]} for x in app["traps"]}
check("colo under co-6-2.5, preempted", row("colo@rockymail.test", "co-6-2.5"), [40, 0, 1, 0, 0, 39, 0, 24, 0, 15, 0])
check("jane under ca-17529.8, preempted", row("jane@trapmail.test", "ca-17529.8"), [40, 0, 0, 0, 0, 40, 1, 39, 0, 0, 0])
check("ari under az-44-1372, preempted", row("ari@trapmail.test", "az-44-1372"), [32, 0, 0, 0, 0, 32, 0, 32, 0, 0, 0])
# The statute objects keep their keys and add the undated and not violating.
co = next(s for s in ign["statutes"] if s["id"] == "co-6-2.5")
check("co-6-2.5: copies in scope (undated out)", co["messages"], 39)
check("co-6-2.5: undated apart from before the effective date", (co["excluded_undated"], co["excluded_effective"]), (1, 0))
print("\n".join(fails))
EOF
)
expect_eq "the reconciliation per trap agrees with the generator's record" "" "$out"

# The text form says which exclusions are outside the statute's reach.
expect_match "damages (text): undated apart" "co-6-2.5 +97 +1 +0 +0 +0 +24 +0 +15" \
	"$(wb damages "$C" --statutes "$ST")"
# why names the reason the same way: undated, not "before the effective date".
U=$(sqlite3 "$C" "SELECT id FROM messages WHERE local_day IS NULL")
expect_match "why: the undated copy is out of scope as undated" "Not counted: undated: the copy has no date of receipt" \
	"$(wb why "$C" "$U" --statute co-6-2.5 --statutes "$ST")"
# A summary without --format json stays without the per-trap rows.
expect_eq "damages --format csv has no trap rows" "7" "$(wb damages "$C" --statutes "$ST" --format csv | wc -l)"
t_done
