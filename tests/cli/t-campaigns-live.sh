#!/bin/sh
# Campaign numbers given as a new case's copies are stored (ingest's writer,
# wb_campaign_live_t), then confirmed by the campaigns pass at the end.
# 600 SpamAssassin messages as a folder of files, committed in groups.
# Python numbers the campaigns from the stored fingerprints by the rule
# (analyze.h: within 3 bits, chained, is one campaign; campaigns numbered
# by their first copy; a copy without a fingerprint is its own), on its
# own, and the checks compare:
# - after a complete ingest, every copy's campaign is the rule's, and the
#   case says nothing is pending;
# - killed after some groups, each committed copy carries the number the
#   rule gives it among the copies stored up to it, the case says the
#   numbers are pending, and damages refuses to count incidents by them;
# - the re-run ends with the complete ingest's campaigns and no mark;
# - the mark alone (no NULL campaign left) makes the next ingest, which
#   adds nothing, run the pass again, which mends a number changed by hand.
. "$WB_ROOT/tests/lib.sh"
tgz=$(corpus_tgz 2>/dev/null) || { skip "corpus" "SpamAssassin tarball not available"; t_done; exit 0; }
cd "$T" || exit 1
python3 - "$tgz" <<'PY' || exit 1
import os, sys, tarfile
os.makedirs("mail")
with tarfile.open(sys.argv[1]) as t:
    names = sorted(m.name for m in t if m.isfile() and m.name.endswith(".txt"))
    for k, name in enumerate(names[::10][:600]):
        with open("mail/%04d.eml" % k, "wb") as f:
            f.write(t.extractfile(name).read())
PY
export WB_INGEST_GROUP_BYTES=200000 WB_INGEST_GROUP_MS=600000 WB_TIMING=1
q () { sqlite3 "$1" "$2"; }
# rule CASE: "id|campaign" for every copy, numbered by Python from the
# stored fingerprints; with "prefix", each copy numbered among the copies
# up to it only.
rule () {
	python3 - "$1" "${2:-}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT id, fingerprint FROM messages ORDER BY id").fetchall()
# The copies in id order, each joined to every earlier one within 3
# bits (a union-find whose root is a campaign's first copy); a copy's
# number is 1 + the campaigns whose first copy comes before its own.
parent = []
def find(i):
    while parent[i] != i:
        i = parent[i]
    return i
def number(k):
    root = find(k)
    return 1 + sum(1 for j in range(root) if find(j) == j)
prefix = []
for k, (_, a) in enumerate(rows):
    parent.append(k)
    for j in range(k):
        b = rows[j][1]
        if a is not None and b is not None and bin((a ^ b) & (2**64 - 1)).count("1") <= 3:
            ri, rj = find(k), find(j)
            parent[max(ri, rj)] = min(ri, rj)
    prefix.append(number(k))
final = [number(k) for k in range(len(rows))]
for (i, _), n in zip(rows, prefix if sys.argv[2] == "prefix" else final):
    print("%d|%d" % (i, n))
PY
}
stored () { q "$1" "SELECT id, campaign FROM messages ORDER BY id"; }

wb init ref.case > /dev/null
expect_rc "complete ingest" 0 killwrite_run ref.case 0 "$WB" ingest ref.case mail
w=$(cat "$T/.writes" 2> /dev/null || echo 0)
rule ref.case > ref.rule
stored ref.case > ref.stored
expect_eq "complete: 600 copies" "600" "$(wc -l < ref.stored | tr -d ' ')"
expect_eq "complete: more than one campaign of several copies" "1" \
	"$(q ref.case "SELECT count(*) > 1 FROM (SELECT campaign FROM messages GROUP BY campaign HAVING count(*) > 1)")"
expect_eq "complete: every campaign is the rule's" "" "$(diff ref.rule ref.stored)"
expect_eq "complete: nothing pending" "0" "$(q ref.case "SELECT count(*) FROM case_info WHERE key = 'campaigns_pending'")"

# Killed half way through the writes: some groups committed.
wb init k.case > /dev/null
killwrite_run k.case $((w / 2)) "$WB" ingest k.case mail > /dev/null 2> run.err
expect_eq "killed half way" "137" "$?"
n=$(q k.case "SELECT count(*) FROM messages")
[ "$n" -gt 0 ] && [ "$n" -lt 600 ] || t_fail "killed: some copies committed, not all" "$n"
expect_eq "killed: every committed copy numbered" "0" "$(q k.case "SELECT count(*) FROM messages WHERE campaign IS NULL")"
rule k.case prefix > k.prefix
stored k.case > k.stored
expect_eq "killed: each number the rule's among the copies up to it" "" "$(diff k.prefix k.stored)"
expect_eq "killed: the case says the numbers are pending" "1" \
	"$(q k.case "SELECT value FROM case_info WHERE key = 'campaigns_pending'")"
wb damages k.case > /dev/null 2> damages.err
expect_eq "killed: damages, which counts incidents by campaign, refuses" "1" "$?"
expect_match "killed: and says why and what to run" "an ingest of this case did not finish, and its campaigns are not numbered yet" \
	"$(cat damages.err)"

expect_rc "re-run" 0 wb ingest k.case mail
stored k.case > k.stored
expect_eq "re-run: the complete ingest's campaigns" "" "$(diff ref.stored k.stored)"
expect_eq "re-run: nothing pending" "0" "$(q k.case "SELECT count(*) FROM case_info WHERE key = 'campaigns_pending'")"

# The mark alone: no NULL campaign, one number changed; an ingest that adds
# nothing runs the pass for the mark.
q k.case "INSERT INTO case_info (key, value) VALUES ('campaigns_pending', '1');
	UPDATE messages SET campaign = campaign + 1000 WHERE id = 7"
expect_rc "ingest adding nothing" 0 wb ingest k.case mail
expect_match "it adds nothing" "0 ingested, 600 already complete" "$(cat .out)"
stored k.case > k.stored
expect_eq "the pass ran for the mark and mended the number" "" "$(diff ref.stored k.stored)"
expect_eq "and took the mark away" "0" "$(q k.case "SELECT count(*) FROM case_info WHERE key = 'campaigns_pending'")"
t_done
