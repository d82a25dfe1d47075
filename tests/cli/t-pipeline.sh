#!/bin/sh
# The whole pipeline on the bundled sample case (tests/gen/gen-sample.py):
# init, import traps, ingest every archive kind, import findings, damages.
# The oracle is the generator's own record of what it wrote (manifest.json:
# every copy's trap, campaign and receipt time) and the statutes' figures,
# worked out below in Python, independently of the workbench.
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
C=$T/s.case
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
wb init "$C" --name "Sample" --filed 2008-09-01 > /dev/null
expect_rc "import traps" 0 wb import "$C" traps "$S/traps.csv"
expect_rc "ingest tar.gz, mbox.gz, zip, 7z, tar.xz with a nested zip" 0 wb ingest "$C" "$S"/mail/*
expect_rc "import findings" 0 wb import "$C" findings "$S/findings.csv"

q () { sqlite3 "$C" "$1"; }
m () { python3 -c "import json,sys; m=json.load(open('$S/manifest.json')); print($1)"; }
expect_eq "copies: as many as the generator wrote" "$(m "m['copies']")" "$(q "SELECT count(*) FROM messages")"
expect_eq "copies per trap" "$(m "'\n'.join('%s|%d' % kv for kv in sorted(m['traps'].items()))")" \
	"$(q "SELECT t.address, count(*) FROM messages m JOIN traps t ON t.id = m.trap_id GROUP BY 1 ORDER BY 1")"
expect_eq "a copy met again keeps every location" "$(m "m['copies'] + m['duplicate_locations']")" \
	"$(q "SELECT count(*) FROM locations")"
expect_eq "one Message-ID on two different bodies: both kept and flagged" "$(m "m['possible_duplicates']")" \
	"$(q "SELECT count(*) FROM messages WHERE possible_duplicate = 1")"
expect_eq "the malformed copy is kept with its reason" "1" \
	"$(q "SELECT count(*) FROM messages WHERE status <> 'ok' AND warnings IS NOT NULL")"
expect_eq "every stored slice hashes to its SHA-256" "OK" "$(wb verify "$C" | head -n 1 | cut -c1-2)"

# Expected damages, from the copies the generator wrote.  Local day: the
# provider's Received time in the trap's zone.  Incident: campaign x local
# day.  Nexus: CA statutes for a California resident; Colorado for a
# Colorado resident at a Colorado provider (§ 6-2.5-105); Arizona for an
# Arizona resident.  The newsletter is taken out by the analyst finding.
python3 - "$S" > "$T/expected.txt" <<'PY'
import csv, json, sys
from datetime import datetime
from zoneinfo import ZoneInfo
S = sys.argv[1]
m = json.load(open(S + "/manifest.json"))
traps = {r["address"]: r for r in csv.DictReader(open(S + "/traps.csv"))}
def day(c):
    return datetime.fromisoformat(c["received"]).astimezone(ZoneInfo(traps[c["trap"]]["timezone"])).date().isoformat()
spam = [c for c in m["copy_list"] if c["campaign"] not in ("ham", "malformed")]
# Cal. Bus. & Prof. Code 17529.2(b): every unsolicited commercial e-mail
# advertisement to a California address; $1,000 each, $1,000,000 per incident.
ca = [c for c in spam if traps[c["trap"]]["state"] == "CA"]
inc = {}
for c in ca:
    inc[(c["campaign"], day(c))] = inc.get((c["campaign"], day(c)), 0) + 1
ca_amount = sum(min(n * 100000, 100000000) for n in inc.values())
print("ca-17529.8 %d %d %d %d" % (len(ca), len(inc), len({day(c) for c in ca}), ca_amount))
# Colo. Rev. Stat. 6-2.5-103(4): no "ADV:" label; $10 each, no cap.
co = [c for c in spam if traps[c["trap"]]["state"] == "CO" and traps[c["trap"]]["provider_state"] == "CO" and not c["adv"]]
print("co-6-2.5 %d %d" % (len(co), len(co) * 1000))
# Ariz. Rev. Stat. 44-1372.01(B)(1): no "ADV:" label; $10 each, a recipient
# gets the lesser of that and $25,000 per action.
az = [c for c in spam if traps[c["trap"]]["state"] == "AZ" and not c["adv"]]
print("az-44-1372 %d %d" % (len(az), min(len(az) * 1000, 2500000)))
PY
# These are a ban (17529.2(b)) and labels (6-2.5-103(4), 44-1372.01(B)(1)),
# not prohibitions of falsity or deception: CAN-SPAM (15 U.S.C. 7707(b)(1))
# preempts them for copies received from 2004-01-01, every copy here.  The
# figures above are the state statutes' own, with preemption ignored; with
# it applied (the default) each is $0.
wb damages "$C" --format json > "$T/d.json"
for s in ca-17529.8 co-6-2.5 az-44-1372; do
	expect_eq "preempted by default: $s" "0" \
		"$(python3 -c 'import json,sys; print({x["id"]: x["amount_cents"] for x in json.load(sys.stdin)["statutes"]}[sys.argv[1]])' "$s" < "$T/d.json")"
done
wb damages "$C" --format json --preemption ignore > "$T/d.json"
got () {
	python3 - "$T/d.json" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["id"]: x for x in d["statutes"]}[sys.argv[2]]
print(" ".join(str(s[k]) for k in sys.argv[3].split(",")))
PY
}
exp () { grep "^$1 " "$T/expected.txt" | cut -d' ' -f2-; }
expect_eq "California 17529.2/17529.8: copies, incidents, days, cents" "$(exp ca-17529.8)" \
	"$(got ca-17529.8 violating_messages,incidents,days,amount_cents)"
expect_eq "Colorado: copies without ADV:, cents" "$(exp co-6-2.5)" "$(got co-6-2.5 violating_messages,amount_cents)"
expect_eq "Arizona: copies without ADV:, cents" "$(exp az-44-1372)" "$(got az-44-1372 violating_messages,amount_cents)"
expect_eq "the newsletter is out by the analyst's finding" "1" "$(got ca-17529.8 excluded_analyst)"
t_done
