#!/bin/sh
# reanalyze leaves a copy's stored rows alone when its analysis gives them
# again, and writes a table's rows again when they differ in any column, in
# number or in order (evidence/analyze-store.c store(), rules.c
# reanalyze_store()).  Three checks, each against an independent reading:
# - a reanalyze that changes nothing leaves the case digest (reports/README.md's
#   SQL, :run before the reanalyze) as it was, rule findings' ids and runs
#   included;
# - hops, facts, attachments, rule findings and masks edited by hand on some
#   copies (a column changed, a row deleted, one added, two swapped) are
#   restored to what a fresh ingest of the same mail stores, read by
#   Python's sqlite3 through the views; the copies not edited keep their
#   rule rows (ids and run) and the edited ones get the reanalyze's run;
# - a statute edited in the case (a provision's check turned) makes reanalyze
#   write the findings and masks an ingest under the edited statute stores.
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
# Two copies with attachments (the sample has none), made by Python's email.
python3 - "$T" <<'EOF'
import sys
from email.message import EmailMessage
for i in range(2):
    m = EmailMessage()
    m['From'] = 'att%d@b.test' % i
    m['To'] = 'jane@trapmail.test'
    m['Subject'] = 'files %d' % i
    m['Message-ID'] = '<att%d@b.test>' % i
    m['Date'] = 'Mon, 1 Sep 2008 10:00:0%d +0000' % i
    m['Received'] = 'from mx%d.b.test (mx%d.b.test [192.0.2.%d]) by in.trapmail.test; Mon, 1 Sep 2008 10:00:0%d +0000' % (i, i, 10 + i, i)
    m.set_content('Buy now at http://shop%d.b.test/ or call 415-555-010%d\n' % (i, i))
    m.add_attachment(b'%PDF-1.4 one' * (i + 1), maintype='application', subtype='pdf', filename='a%d.pdf' % i)
    m.add_attachment(b'plain text %d\n' % i, maintype='text', subtype='plain', filename='b%d.txt' % i)
    open('%s/att%d.eml' % (sys.argv[1], i), 'wb').write(bytes(m))
EOF
for c in ref re; do
	wb init "$T/$c.case" > /dev/null
	wb import "$T/$c.case" traps "$S/traps.csv" > /dev/null
	wb ingest "$T/$c.case" "$S"/mail/* "$T"/att0.eml "$T"/att1.eml > /dev/null 2>&1 || t_fail "ingest into $c"
done
readme_digest_sql > "$T/digest.sql"
expect_eq "the digest's SQL is there" yes "$([ -s "$T/digest.sql" ] && echo yes)"
digest () {
	sqlite3 -readonly "$1" ".parameter set :run $2" ".read $T/digest.sql" | sha256sum
}

# 1. Nothing changes: the digest before the reanalyze's run is the same.
run=$(sqlite3 "$T/re.case" "SELECT max(id) + 1 FROM custody")
before=$(digest "$T/re.case" "$run")
expect_rc "reanalyze, nothing changed" 0 wb reanalyze "$T/re.case"
expect_eq "the case digest is unchanged" "$before" "$(digest "$T/re.case" "$run")"

# 2. Edits by hand, then reanalyze.
cat > "$T/compare.py" <<'EOF'
import sqlite3, sys
def rows(path):
    db = sqlite3.connect(path)
    key = {i: (s, t) for i, s, t in db.execute("SELECT id, sha256, trap_id FROM messages")}
    out = {}
    def add(name, sql):
        got = {}
        for r in db.execute(sql):
            got.setdefault(key[r[0]], []).append(tuple(r[1:]))
        out[name] = got
    add('hops', "SELECT * FROM hops ORDER BY message, idx")
    add('facts', "SELECT * FROM facts ORDER BY message, name")
    add('attachments', "SELECT * FROM attachments ORDER BY message, idx")
    add('artifacts', "SELECT * FROM artifacts ORDER BY message, idx")
    # A copy's rule findings in the order stored (id), without run and time.
    add('findings', "SELECT message, statute, provision, finding, source, confidence, evidence, note"
        " FROM findings ORDER BY message, id")
    add('masks', "SELECT message, typeof(masks), hex(masks) FROM rule_masks ORDER BY message")
    add('messages', "SELECT m.id, b.text, m.category, m.fingerprint FROM messages m"
        " LEFT JOIN body_texts b ON b.id = m.body ORDER BY m.id")
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
bad = [n for n in a if a[n] != b[n]]
counts = ' '.join('%s=%d' % (n, sum(len(v) for v in a[n].values())) for n in sorted(a))
print('same' if not bad else 'differ: ' + ' '.join(bad), counts)
EOF
sqlite3 "$T/re.case" "SELECT id, message, run FROM finding_rows ORDER BY id" > "$T/ids0.txt"
same0=$(python3 "$T/compare.py" "$T/ref.case" "$T/re.case")
expect_match "before the edits, re is ref" "^same artifacts=[1-9][0-9]* attachments=4 facts=[1-9][0-9]* findings=[1-9][0-9]{2,} hops=[1-9]" "$same0"
# Each edit on a copy of its own, so that each comparison is needed: copies
# with two hops, two facts and three rule findings or more, and the two with
# attachments (E, F).
sqlite3 "$T/re.case" "SELECT message FROM message_hops GROUP BY message HAVING count(*) >= 2
	INTERSECT SELECT message FROM message_facts GROUP BY message HAVING count(*) >= 2
	INTERSECT SELECT message FROM finding_rows WHERE source = 'rule' GROUP BY message HAVING count(*) >= 3
	EXCEPT SELECT message FROM attachments ORDER BY 1" > "$T/copies.txt"
c () { sed -n "$1p" "$T/copies.txt"; }
E=$(sqlite3 "$T/re.case" "SELECT min(message) FROM attachments")
F=$(sqlite3 "$T/re.case" "SELECT max(message) FROM attachments")
expect_eq "21 copies to edit" yes "$([ "$(wc -l < "$T/copies.txt")" -ge 21 ] && [ "$E" != "$F" ] && echo yes)"
R="$(c 12),$(c 13),$(c 14),$(c 15),$(c 16),$E"   # the copies whose rule rows are edited
sqlite3 "$T/re.case" <<EOF || t_fail "edits"
-- hops: a name, a time, the notes; two swapped, the last deleted, one
-- added, the last one's idx not the next.
UPDATE message_hops SET from_host = (SELECT max(id) FROM hop_names) WHERE message = $(c 1) AND idx = 0;
UPDATE message_hops SET time_epoch = coalesce(time_epoch + 1, 1) WHERE message = $(c 2) AND idx = 0;
UPDATE message_hops SET notes = coalesce(notes || '+', 'edited') WHERE message = $(c 3) AND idx = 0;
UPDATE message_hops SET idx = -1 WHERE message = $(c 4) AND idx = 0;
UPDATE message_hops SET idx = 0 WHERE message = $(c 4) AND idx = 1;
UPDATE message_hops SET idx = 1 WHERE message = $(c 4) AND idx = -1;
DELETE FROM message_hops WHERE message = $(c 5) AND idx = (SELECT max(idx) FROM message_hops WHERE message = $(c 5));
INSERT INTO message_hops (message, idx, raw, time_status) VALUES ($(c 6), 99, 'added', 'absent');
UPDATE message_hops SET idx = idx + 5 WHERE message = $(c 20) AND idx = (SELECT max(idx) FROM message_hops WHERE message = $(c 20));
-- facts: a value only, an evidence only, a confidence only (each a
-- fact_values row of its own), one deleted, one added.
INSERT INTO fact_values (name, value, confidence, evidence) SELECT v.name, v.value || '+', v.confidence,
	v.evidence FROM message_facts f JOIN fact_values v ON v.id = f.value
	WHERE f.message = $(c 7) ORDER BY f.name LIMIT 1;
UPDATE message_facts SET value = (SELECT max(id) FROM fact_values) WHERE message = $(c 7)
	AND name = (SELECT min(name) FROM message_facts WHERE message = $(c 7));
INSERT INTO fact_values (name, value, confidence, evidence) SELECT v.name, v.value, v.confidence,
	coalesce(v.evidence || '+', 'edited') FROM message_facts f JOIN fact_values v ON v.id = f.value
	WHERE f.message = $(c 8) ORDER BY f.name LIMIT 1;
UPDATE message_facts SET value = (SELECT max(id) FROM fact_values) WHERE message = $(c 8)
	AND name = (SELECT min(name) FROM message_facts WHERE message = $(c 8));
INSERT INTO fact_values (name, value, confidence, evidence) SELECT v.name, v.value,
	CASE v.confidence WHEN 'certain' THEN 'indicator' ELSE 'certain' END, v.evidence
	FROM message_facts f JOIN fact_values v ON v.id = f.value WHERE f.message = $(c 21) ORDER BY f.name LIMIT 1;
UPDATE message_facts SET value = (SELECT max(id) FROM fact_values) WHERE message = $(c 21)
	AND name = (SELECT min(name) FROM message_facts WHERE message = $(c 21));
DELETE FROM message_facts WHERE message = $(c 9) AND name = (SELECT max(name) FROM message_facts WHERE message = $(c 9));
INSERT INTO facts (message, name, value, confidence) VALUES ($(c 10), 'added_fact', 'x', 'certain');
-- attachments: a size, the last deleted, one added.
UPDATE attachments SET size = size + 1 WHERE message = $E AND idx = 0;
DELETE FROM attachments WHERE message = $F AND idx = (SELECT max(idx) FROM attachments WHERE message = $F);
INSERT INTO attachments (message, idx, size, sha256) VALUES ($(c 11), 0, 1, 'x');
-- rule findings: the first deleted, the last deleted, the first two
-- swapped, a note, a stale one added (to a copy with attachments too).
DELETE FROM finding_rows WHERE id = (SELECT min(id) FROM finding_rows WHERE message = $(c 12) AND source = 'rule');
DELETE FROM finding_rows WHERE id = (SELECT max(id) FROM finding_rows WHERE message = $(c 13) AND source = 'rule');
CREATE TEMP TABLE two AS SELECT id, provision, text FROM finding_rows WHERE message = $(c 14) AND source = 'rule'
	ORDER BY id LIMIT 2;
UPDATE finding_rows SET provision = (SELECT provision FROM two WHERE id <> finding_rows.id),
	text = (SELECT text FROM two WHERE id <> finding_rows.id) WHERE id IN (SELECT id FROM two);
UPDATE finding_rows SET note = 'edited' WHERE id = (SELECT max(id) FROM finding_rows WHERE message = $(c 15) AND source = 'rule');
INSERT INTO findings (message, statute, provision, finding, source, confidence, evidence, run, at)
	VALUES ($(c 16), 'us-7706', 'stale', 'violation', 'rule', 'certain', 'planted', 1, '2026-01-01T00:00:00Z');
INSERT INTO findings (message, statute, provision, finding, source, confidence, evidence, run, at)
	VALUES ($E, 'us-7706', 'stale', 'violation', 'rule', 'certain', 'planted', 1, '2026-01-01T00:00:00Z');
-- masks: a byte changed, one deleted, one the same bytes as text.
UPDATE rule_masks SET masks = CAST(CASE WHEN hex(substr(masks, 1, 1)) = 'FF' THEN x'00' ELSE x'ff' END
	|| substr(masks, 2) AS BLOB) WHERE message = $(c 17);
DELETE FROM rule_masks WHERE message = $(c 18);
UPDATE rule_masks SET masks = CAST(masks AS TEXT) WHERE message = $(c 19);
EOF
edited=$(python3 "$T/compare.py" "$T/ref.case" "$T/re.case")
expect_eq "the edits show in every table" "differ: hops facts attachments findings masks" "${edited%% artifacts=*}"
run=$(sqlite3 "$T/re.case" "SELECT max(id) + 1 FROM custody")
expect_rc "reanalyze after the edits" 0 wb reanalyze "$T/re.case"
expect_eq "reanalyze restores what ingest stores" "$same0" "$(python3 "$T/compare.py" "$T/ref.case" "$T/re.case")"
# The rule rows of the copies not edited are the rows they were; those of
# the edited ones were written again by the reanalyze's run.
sqlite3 "$T/re.case" "SELECT id, message, run FROM finding_rows ORDER BY id" > "$T/ids1.txt"
re="^[0-9]+\|($(echo "$R" | tr , '|'))\|"
expect_eq "copies not edited keep their rule rows" "$(grep -v -E "$re" "$T/ids0.txt")" "$(grep -v -E "$re" "$T/ids1.txt")"
expect_eq "the edited copies' rule rows are the reanalyze's" 0 \
	"$(sqlite3 "$T/re.case" "SELECT count(*) FROM finding_rows WHERE message IN ($R) AND source = 'rule'
		AND run < (SELECT run FROM custody WHERE id = $run)")"
expect_eq "and there are some" yes "$([ "$(sqlite3 "$T/re.case" "SELECT count(*) FROM finding_rows
	WHERE message IN ($R) AND source = 'rule'")" -ge 10 ] && echo yes)"

# 3. A statute changed in the case: us-7706's a3 checks opt_out = 1, not 0.
# The reference is a new case with that statute, into which the same mail
# is ingested (its findings made at ingest, from the edited file).
edit () {
	python3 - "$1" <<'EOF'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(text,) = db.execute("SELECT content FROM statutes WHERE id = 'us-7706'").fetchone()
new = text.replace("[provision a3]", "[provision a3]", 1)
head, sep, tail = new.partition("[provision a3]")
check = "check=opt_out = 0"
assert tail.count(check) >= 1
tail = tail.replace(check, "check=opt_out = 1", 1)
new = head + sep + tail
db.execute("UPDATE statutes SET content = ?, sha256 = ? WHERE id = 'us-7706'",
           (new, hashlib.sha256(new.encode()).hexdigest()))
db.commit()
EOF
}
wb init "$T/ref2.case" > /dev/null
wb import "$T/ref2.case" traps "$S/traps.csv" > /dev/null
edit "$T/ref2.case" || t_fail "edit ref2"
wb ingest "$T/ref2.case" "$S"/mail/* "$T"/att0.eml "$T"/att1.eml > /dev/null 2>&1 || t_fail "ingest into ref2"
a3 () { sqlite3 "$1" "SELECT count(*) FROM findings WHERE statute = 'us-7706' AND provision = 'a3'"; }
n_old=$(a3 "$T/re.case") n_new=$(a3 "$T/ref2.case")
expect_eq "the edit changes a3's findings" yes "$([ "$n_old" != "$n_new" ] && echo yes)"
edit "$T/re.case" || t_fail "edit re"
expect_rc "reanalyze under the edited statute" 0 wb reanalyze "$T/re.case"
expect_eq "a3 as under the edited statute" "$n_new" "$(a3 "$T/re.case")"
expect_match "findings and masks are the edited statute's" "^same " \
	"$(python3 "$T/compare.py" "$T/ref2.case" "$T/re.case")"
t_done
