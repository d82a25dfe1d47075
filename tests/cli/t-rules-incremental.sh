#!/bin/sh
# Rule findings after an ingest into a case that has some already: only the
# new copies are evaluated (the custody row says "new copies"), and the
# findings and masks equal those of one ingest of everything.  After a
# reanalyze began (existing copies' facts may change) every copy is
# evaluated again.
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
for c in once steps; do
	wb init "$T/$c.case" > /dev/null
	wb import "$T/$c.case" traps "$S/traps.csv" > /dev/null
done
wb ingest "$T/once.case" "$S"/mail/* > /dev/null 2>&1
n=0
for f in "$S"/mail/*; do
	wb ingest "$T/steps.case" "$f" > /dev/null 2>&1 || t_fail "ingest $f"
	n=$((n + 1))
done
rules () {
	sqlite3 "$1" "SELECT detail FROM custody WHERE action = 'rules' ORDER BY id"
}
expect_eq "the first ingest evaluates every copy, each next one only its new copies" \
	"all$(printf ' new%.0s' $(seq 2 $n))" \
	"$(rules "$T/steps.case" | sed 's/.* over [0-9]* \(new \)\{0,1\}copies.*/\1/; s/^new $/new/; s/^$/all/' | tr '\n' ' ' | sed 's/ $//')"
dump () {
	sqlite3 "$1" "SELECT m.sha256, t.address, f.statute, f.provision, f.finding, f.source, f.confidence, f.evidence
		FROM findings f JOIN messages m ON m.id = f.message LEFT JOIN traps t ON t.id = m.trap_id ORDER BY 1, 2, 3, 4, 8;
		SELECT m.sha256, t.address, hex(r.masks) FROM rule_masks r JOIN messages m ON m.id = r.message
		LEFT JOIN traps t ON t.id = m.trap_id ORDER BY 1, 2"
}
dump "$T/once.case" > "$T/once.txt"
dump "$T/steps.case" > "$T/steps.txt"
expect_eq "there are findings" "yes" "$([ "$(wc -l < "$T/once.txt")" -gt 100 ] && echo yes || echo no)"
expect_file "findings and masks equal one ingest of everything" "$T/once.txt" "$T/steps.txt"
damages_json "$T/once.case" > "$T/a2.json"
damages_json "$T/steps.case" > "$T/b2.json"
expect_match "damages read the stored findings" '"rules": "stored"' "$(cat "$T/b2.json")"
expect_file "damages equal" "$T/a2.json" "$T/b2.json"
# A reanalyze that ran to its end made every finding current: the next
# ingest evaluates its new copy only.
wb reanalyze "$T/steps.case" > /dev/null
printf 'From: a@b.test\nTo: jane@trapmail.test\nSubject: late\nMessage-ID: <late@b.test>\nDate: Mon, 1 Sep 2008 10:00:00 +0000\n\nbody\n' > "$T/late.eml"
wb ingest "$T/steps.case" "$T/late.eml" > /dev/null 2>&1
expect_match "after a whole reanalyze: the new copy only" "over 1 new copies with facts" \
	"$(rules "$T/steps.case" | tail -n 1)"
# A copy committed without findings (an older version's ingest killed
# between a source's commit and the pass over the facts): the next ingest
# evaluates it too, with its own copy, not only its own copy (ingest makes
# the findings as it stores copies only when every copy up to the last has
# them).
id=$(sqlite3 "$T/steps.case" "SELECT max(id) FROM messages")
q="SELECT count(*) || ' ' || coalesce(group_concat(statute || '/' || provision, ' '), '') FROM
	(SELECT statute, provision FROM findings WHERE message = $id AND source = 'rule' ORDER BY 1, 2)"
before=$(sqlite3 "$T/steps.case" "$q")
expect_match "the last copy has findings" '^[1-9]' "$before"
sqlite3 "$T/steps.case" "DELETE FROM findings WHERE message = $id AND source = 'rule';
	DELETE FROM rule_masks WHERE message = $id"
sed 's/late/orphan/g' "$T/late.eml" > "$T/orphan.eml"
wb ingest "$T/steps.case" "$T/orphan.eml" > /dev/null 2>&1
expect_match "a copy left without findings is evaluated with the new one" "over 2 new copies with facts" \
	"$(rules "$T/steps.case" | tail -n 1)"
expect_eq "its findings are back" "$before" "$(sqlite3 "$T/steps.case" "$q")"
# A reanalyze interrupted before its rule findings (its 'begin' row is all it
# leaves in custody) may have changed existing copies' facts: the next ingest
# evaluates every copy.
sqlite3 "$T/steps.case" "INSERT INTO custody (run, at, action, command, operator, tool_version, detail)
	VALUES ((SELECT max(id) + 1 FROM custody), '2026-01-01T00:00:00Z', 'begin', 'reanalyze', 'test', 'test',
	'workbench reanalyze (interrupted)')"
sed 's/late/later/g' "$T/late.eml" > "$T/later.eml"
wb ingest "$T/steps.case" "$T/later.eml" > /dev/null 2>&1
expect_match "after an interrupted reanalyze: all copies" \
	"over $(sqlite3 "$T/steps.case" "SELECT count(*) FROM messages") copies with facts" \
	"$(rules "$T/steps.case" | tail -n 1)"
t_done
