#!/bin/sh
# reanalyze makes each copy's rule findings again as it stores the copy's
# new analysis (workbench/engine/rules.h, wb_rules_reanalyze_new), where it
# used to make them all afterwards with wb_rules_apply().  The findings and
# masks must be those wb_rules_apply() gives over every copy's facts: the
# reference case gets them from wb_rules_apply() itself, through the ingest
# that follows a reanalyze interrupted before its rule findings (which
# evaluates every copy again, as t-rules-incremental checks).  A stale rule
# finding and mask planted on one copy are replaced, an analyst finding
# stays, and the custody row counts what the case then holds.
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
printf 'From: a@b.test\nTo: jane@trapmail.test\nSubject: late\nMessage-ID: <late@b.test>\nDate: Mon, 1 Sep 2008 10:00:00 +0000\n\nbody\n' > "$T/late.eml"
for c in re ref; do
	wb init "$T/$c.case" > /dev/null
	wb import "$T/$c.case" traps "$S/traps.csv" > /dev/null
	wb ingest "$T/$c.case" "$S"/mail/* > /dev/null 2>&1 || t_fail "ingest into $c"
done
# One analyst finding on a copy with rule findings, in both cases.
pick=$(sqlite3 "$T/re.case" "SELECT m.message_id, t.address FROM findings f JOIN messages m ON m.id = f.message
	JOIN traps t ON t.id = m.trap_id WHERE f.source = 'rule' AND m.message_id IS NOT NULL ORDER BY m.id LIMIT 1")
mid=${pick%%|*} trap=${pick#*|}
stat=$(sqlite3 "$T/re.case" "SELECT statute FROM findings WHERE source = 'rule' ORDER BY id LIMIT 1")
for c in re ref; do
	expect_rc "analyst finding in $c" 0 wb finding "$T/$c.case" "$mid" "$stat" '*' no-violation --trap "$trap" --note "checked by hand"
done
# The reference: a reanalyze that began and stopped before its findings,
# then an ingest, which applies the rules to every copy (wb_rules_apply).
sqlite3 "$T/ref.case" "INSERT INTO custody (run, at, action, command, operator, tool_version, detail)
	VALUES ((SELECT max(id) + 1 FROM custody), '2026-01-01T00:00:00Z', 'begin', 'reanalyze', 'test', 'test',
	'workbench reanalyze (interrupted)')"
wb ingest "$T/ref.case" "$T/late.eml" > /dev/null 2>&1 || t_fail "ingest late into ref"
expect_match "the reference evaluated every copy" "violations over [0-9]* copies with facts" \
	"$(sqlite3 "$T/ref.case" "SELECT detail FROM custody WHERE action = 'rules' ORDER BY id DESC LIMIT 1")"
# The case under test: the same copies, a stale rule finding and mask on
# its last copy, then reanalyze.
wb ingest "$T/re.case" "$T/late.eml" > /dev/null 2>&1 || t_fail "ingest late into re"
last=$(sqlite3 "$T/re.case" "SELECT max(id) FROM messages")
sqlite3 "$T/re.case" "INSERT INTO findings (message, statute, provision, finding, source, confidence, evidence, run, at)
	VALUES ($last, '$stat', 'stale', 'violation', 'rule', 'certain', 'planted', 1, '2026-01-01T00:00:00Z');
	UPDATE rule_masks SET masks = x'ff' || substr(masks, 2) WHERE message = $last"
expect_eq "the stale finding is there" 1 "$(sqlite3 "$T/re.case" "SELECT count(*) FROM findings WHERE provision = 'stale'")"
expect_rc "reanalyze" 0 wb reanalyze "$T/re.case"
dump () {
	sqlite3 "$1" "SELECT m.sha256, t.address, f.statute, f.provision, f.finding, f.source, f.confidence, f.evidence, f.note
		FROM findings f JOIN messages m ON m.id = f.message LEFT JOIN traps t ON t.id = m.trap_id ORDER BY 1, 2, 3, 4, 6, 8;
		SELECT m.sha256, t.address, hex(r.masks) FROM rule_masks r JOIN messages m ON m.id = r.message
		LEFT JOIN traps t ON t.id = m.trap_id ORDER BY 1, 2"
}
dump "$T/ref.case" > "$T/ref.txt"
dump "$T/re.case" > "$T/re.txt"
expect_eq "there are findings" yes "$([ "$(grep -c '|rule|' "$T/ref.txt")" -gt 100 ] && echo yes || echo no)"
expect_file "findings and masks after reanalyze are wb_rules_apply()'s" "$T/ref.txt" "$T/re.txt"
expect_eq "the stale finding is gone" 0 "$(sqlite3 "$T/re.case" "SELECT count(*) FROM findings WHERE provision = 'stale'")"
expect_eq "the analyst finding stays, with its note" "no-violation|checked by hand" \
	"$(sqlite3 "$T/re.case" "SELECT finding, note FROM findings WHERE source = 'analyst'")"
# The custody row: the violations the case holds over the copies with facts.
want=$(sqlite3 "$T/re.case" "SELECT (SELECT count(*) FROM findings WHERE source = 'rule') || ' violations over '
	|| (SELECT count(DISTINCT message) FROM facts) || ' copies with facts'")
expect_match "custody counts every copy" "^rule findings: $want, statute set" \
	"$(sqlite3 "$T/re.case" "SELECT detail FROM custody WHERE action = 'rules' ORDER BY id DESC LIMIT 1")"
expect_eq "the findings are current" 1 "$(sqlite3 "$T/re.case" "SELECT value = (SELECT max(run) FROM custody)
	FROM case_info WHERE key = 'rules_run'")"
# The rows come in copy order, as the writer stores copies.
expect_eq "rule rows in copy order" 0 "$(sqlite3 "$T/re.case" "SELECT count(*) FROM
	(SELECT message, lag(message) OVER (ORDER BY id) AS prev FROM finding_rows WHERE source = 'rule')
	WHERE message < prev")"
t_done
