#!/bin/sh
# why CASE COPY: per statute the findings, whether the copy counts and why
# not, its incident and day, and what it adds; statutes CASE ID lists a
# statute's provisions; a provision in its citation form is accepted and an
# unknown one lists the valid ones.
. "$WB_ROOT/tests/lib.sh"

C="$T/w.case"
wb init "$C" --filed 2008-09-01 > /dev/null
# Trap 1 in Colorado (holder and provider), trap 2 in California.
# Colorado (co-6-2.5): $10 a copy, no cap, effective 2000-08-02, one year
# of limitations (filed 2008-09-01: copies from before 2007-09-01 are out),
# nexus needs the holder AND the provider in CO; 6-2.5-103(4) is broken by a
# subject without "ADV:" (fact subject_adv = 0).
#   1: 2008-01-15, subject_adv 0       -> counted, adds $10.00
#   2: 2007-06-01, subject_adv 0       -> limitations
#   3: 2008-01-15, subject_adv 0, analyst '* commercial no-violation' -> analyst
#   4: 2008-01-15, subject_adv 1       -> no provision violated
#   5: 2000-01-01, subject_adv 0       -> before the effective date
# Copy 2000 is in an Arizona trap, copies 3000..5500 in an Arkansas one
# (below).
# California (ca-17529.8): 17529.2(b) holds for every copy ('always'),
# $1,000 a copy, capped at $1,000,000 per incident.  Copies 100..1100 (1001)
# are one campaign on one day: one incident of $1,001,000 uncapped, held to
# $1,000,000; without any one copy it is still $1,000,000, so each adds $0.
python3 - "$C" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO traps (id, address, state, provider_state, timezone) VALUES"
           " (1, 'co@trap.test', 'CO', 'CO', 'America/Denver'), (2, 'ca@trap.test', 'CA', 'CA', 'America/Los_Angeles'),"
           " (3, 'az@trap.test', 'AZ', 'AZ', 'America/Phoenix'), (4, 'ar@trap.test', 'AR', 'AR', 'America/Chicago')")
def copy(i, trap, day, adv, campaign=None):
    sha = '%064x' % i
    db.execute("INSERT INTO raw (id, sha256, size, bytes) VALUES (?, ?, 1, x'00')", (i, sha))
    db.execute("INSERT INTO messages (id, sha256, raw_id, trap_id, status, message_id, local_day, campaign, subject)"
               " VALUES (?, ?, ?, ?, 'ok', ?, ?, ?, 'Hello')", (i, sha, i, trap, 'm%d@spam.test' % i, day, campaign))
    db.execute("INSERT INTO facts (message, name, value, evidence) VALUES (?, 'subject_adv', ?, 'Subject: Hello')", (i, adv))
for i, day, adv in [(1, '2008-01-15', '0'), (2, '2007-06-01', '0'), (3, '2008-01-15', '0'),
                    (4, '2008-01-15', '1'), (5, '2000-01-01', '0')]:
    copy(i, 1, day, adv)
for i in range(100, 1101):
    copy(i, 2, '2008-02-01', '1', 7)
copy(2000, 3, '2008-01-15', '0')
for i in range(3000, 5501):
    copy(i, 4, '2008-03-01', '1')
    db.execute("INSERT INTO facts (message, name, value, evidence) VALUES (?, 'opt_out', '0', 'no opt-out')", (i,))
db.commit()
PY
wb finding "$C" 3 '*' commercial no-violation --note "subscribed" > /dev/null

# The copies are dated 2000 to 2008 and violate only provisions that CAN-SPAM
# preempts from 2004-01-01 (no falsity or deception): the reasons and caps
# below are those of state law alone (--preemption ignore); preemption's own
# reason is checked at the end.
why () { wb why "$C" "$1" --statute "$2" --preemption ignore > "$T/why.out" 2>&1; grep -E "^(Counted|Not counted|Incident|Adds):" "$T/why.out"; }
expect_eq "counted under Colorado" "Counted: violates 6-2.5-103(4)
Incident: 1 of co-6-2.5 (campaign-day), 1 copy, \$10.00 uncapped, \$10.00
Adds: \$10.00" "$(why 1 co-6-2.5)"
expect_match "its finding and evidence" "6-2.5-103\(4\) +yes +rule, certain: subject_adv=0 \(certain\): Subject: Hello" "$(cat "$T/why.out")"
expect_eq "limitations" "Not counted: limitations: received 2007-06-01, more than 1 year before the filing date 2008-09-01" "$(why 2 co-6-2.5)"
expect_eq "analyst" "Not counted: analyst: an analyst found the message not commercial" "$(why 3 co-6-2.5)"
expect_match "the analyst's note" 'commercial: analyst: no-violation "subscribed"' "$(cat "$T/why.out")"
expect_eq "no violation" "Not counted: no provision is violated" "$(why 4 co-6-2.5)"
expect_eq "effective date" "Not counted: before the effective date: received 2000-01-01, co-6-2.5 took effect on 2000-08-02" "$(why 5 co-6-2.5)"
expect_eq "no nexus" "Not counted: no nexus: the trap's holder lives in CA and its provider is in CA; co-6-2.5 reaches a copy when the holder lives in CO and the provider's equipment is in CO" "$(why 100 co-6-2.5)"
expect_eq "capped incident" "Counted: violates 17529.2(b)
Incident: 1 of ca-17529.8 (campaign-day: campaign 7), 1001 copies, \$1,001,000.00 uncapped, \$1,000,000.00
Adds: \$0.00 (\$1,000.00 a copy; the incident is held to \$1,000,000.00 by the cap)" "$(why 500 ca-17529.8)"
expect_match "day" "Day: 2008-02-01, 1001 copies" "$(cat "$T/why.out")"

# Arizona (az-44-1372): $10 a copy, no "ADV:" breaks 44-1372.01(B)(1); a
# provider gets the greater of the sum and $25,000 per action.  Copy 2000
# is the only Arizona copy: without it the action is worth nothing, with
# it $25,000, so it adds $25,000.
wb why "$C" 2000 --statute az-44-1372 --plaintiff provider --preemption ignore > "$T/why.out"
expect_eq "greater of, for a provider" "Counted: violates 44-1372.01(B)(1)
Adds: \$25,000.00 (\$10.00 a copy; a provider gets the greater of the copies' sum, \$10.00, and \$25,000.00 per action)" \
	"$(grep -E '^(Counted|Adds):' "$T/why.out")"
expect_match "the options said" "Damages: plaintiff provider, incident campaign-day, filed 2008-09-01" "$(cat "$T/why.out")"

# Arkansas (ar-4-88): $10 a copy, capped at $25,000 a day; no opt-out
# breaks 4-88-603(a)(3) and (a)(4).  2501 copies on 2008-03-01 make
# $25,010 that day, held to $25,000; without any one it is still $25,000.
wb why "$C" 4000 --statute ar-4-88 --preemption ignore > "$T/why.out"
expect_eq "per-day cap" "Counted: violates 4-88-603(a)(3); 4-88-603(a)(4)
Day: 2008-03-01, 2501 copies, \$25,010.00 uncapped, \$25,000.00
Adds: \$0.00 (\$10.00 a copy; the day is held to \$25,000.00 by the cap)" \
	"$(grep -E '^(Counted|Day|Adds):' "$T/why.out")"

# The citation form of a provision, everywhere one is taken.
expect_rc "citation form" 0 wb finding "$C" 100 ca-17529.5 '17529.5(a)(2)' violation
expect_eq "stored as a2" "a2" "$(wb sql "$C" "SELECT provision FROM findings WHERE message = 100 AND statute = 'ca-17529.5'" --format csv | tail -n 1)"
expect_rc "with the section sign" 0 wb finding "$C" 101 ca-17529.5 '§ 17529.5(a)(2)' violation
expect_rc "label" 0 wb finding "$C" 102 ca-17529.5 '(a)(2)' no-violation
expect_rc "id" 0 wb finding "$C" 102 ca-17529.5 a2 no-violation
expect_rc "unknown provision" 1 wb finding "$C" 102 ca-17529.5 '(b)(9)' violation
expect_match "lists the valid ones" "statute 'ca-17529.5' has no provision '\(b\)\(9\)' \(its provisions: a1 \(a\)\(1\), a2 \(a\)\(2\), a3 \(a\)\(3\)" "$(cat "$T/.err")"
expect_rc "another section is not this one" 1 wb finding "$C" 102 ca-17529.5 '17529.8(a)(2)' violation

# Copies 100 and 101 now violate 17529.5(a)(2) too, and 17529.5 excludes
# 17529.8 for the same message: 17529.5 taking them gives $2,000 + the other
# 999 copies' $999,000 under 17529.8 = $1,001,000, more than the $1,000,000
# 17529.8 gives alone: they count under 17529.5, each adding $1,000.
expect_eq "other statute" "Not counted: other statute: counted under ca-17529.5, which excludes ca-17529.8 for the same message (the plaintiff elects the larger sum)" "$(why 100 ca-17529.8)"
expect_eq "counted under 17529.5" "Counted: violates (a)(2)
Incident: 1 of ca-17529.5 (campaign-day: campaign 7), 2 copies, \$2,000.00 uncapped, \$2,000.00
Adds: \$1,000.00" "$(why 101 ca-17529.5)"

# The same for machines.
wb why "$C" 2 --statute co-6-2.5 --format json --preemption ignore > "$T/w.json"
expect_eq "json: limitations" "2 co-6-2.5 False limitations" "$(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))[0]; s = c["statutes"][0]
print(c["copy"], s["statute"], s["counted"], s["reason"])' "$T/w.json")"
# Copies 100 and 101 went to 17529.5 above: 999 copies, $999,000, under
# the cap, so copy 500 now adds its $1,000.
wb why "$C" 500 --statute ca-17529.8 --format json --preemption ignore > "$T/w.json"
expect_eq "json: the incident, under the cap now" "True 999 99900000 99900000 100000 100000 b" "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))[0]["statutes"][0]
v = [p["provision"] for p in s["provisions"] if p["violated"]]
print(s["counted"], s["incident"]["copies"], s["incident"]["uncapped_cents"], s["incident"]["amount_cents"],
      s["per_message_cents"], s["adds_cents"], " ".join(v))' "$T/w.json")"
expect_rc "json: analyst note" 0 wb why "$C" 3 --statute co-6-2.5 --format json
expect_eq "the note" "subscribed analyst" "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))[0]["statutes"][0]
print(s["analyst_commercial"]["note"], s["reason"])' "$T/.out")"
# Preempted: copy 1 (2008-01-15) violates only a Colorado provision marked
# falsity=no in co-6-2.5.ini (no falsity or deception), and us-7706's
# preemption runs from 2004-01-01.
wb why "$C" 1 --statute co-6-2.5 > "$T/why.out" 2>&1
expect_eq "preempted: the reason" "Not counted: preempted: received 2008-01-15, on or after 2004-01-01, and no provision it violates prohibits falsity or deception (15 U.S.C. 7707(b)(1), in us-7706); counted with --preemption ignore" \
	"$(grep -E '^(Counted|Not counted):' "$T/why.out")"
# damages --filed: a what-if filing date.  Colorado's one year of
# limitations counts back from it: filed 2008-09-01 (the case's) leaves out
# copy 2 (2007-06-01); filed 2008-05-01 counts back to 2007-05-01 and takes
# it in: $10.00 more (1,000 cents a copy), and the case is not changed.
co () { wb damages "$C" --statute co-6-2.5 --preemption ignore --format json "$@" | python3 -c '
import json, sys
s = json.load(sys.stdin)["statutes"][0]
print(s["amount_cents"], s["excluded_limitations"])'; }
base=$(co)
expect_eq "--filed: copy 2 comes within the limitations period" \
	"$(($(echo "$base" | cut -d' ' -f1) + 1000)) $(($(echo "$base" | cut -d' ' -f2) - 1))" "$(co --filed 2008-05-01)"
expect_eq "--filed: the case's filing date is unchanged" "$base" "$(co)"
expect_rc "--filed: not a day" 2 wb damages "$C" --filed 2008-02-30
expect_rc "csv refused" 2 wb why "$C" 3 --format csv

# Every statute without --statute; errors.
expect_rc "all statutes" 0 wb why "$C" 1
expect_eq "six statutes" "6" "$(grep -c '^== ' "$T/.out")"
expect_rc "unknown statute" 2 wb why "$C" 1 --statute xx
expect_rc "unknown copy" 1 wb why "$C" 99999
expect_match "says so" "no message copy '99999'" "$(cat "$T/.err")"

# statutes CASE ID: the provisions with labels and words.
expect_rc "statutes ID" 0 wb statutes "$C" ca-17529.5
expect_match "a2 with its label and words" "a2 +\(a\)\(2\) +check: from_domain_valid = 0 \| header_forged = 1 \| helo_mismatch = 1
 +The e-mail advertisement contains or is accompanied by falsified, misrepresented, or forged header information" "$(cat "$T/.out")"
expect_rc "statutes ID csv" 0 wb statutes "$C" co-6-2.5 --format csv
expect_eq "one row a provision" "5" "$(tail -n +2 "$T/.out" | cut -d, -f2 | grep -c '^[1-5]$')"
expect_rc "statutes unknown" 2 wb statutes "$C" zz-1
t_done
