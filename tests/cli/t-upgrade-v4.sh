#!/bin/sh
# A case of schema version 4 (tests/cli/data/v4.case.xz, see its README) is
# refused by reading commands with the command that upgrades it, and
# upgraded by 'upgrade' to version 6, where each distinct fact (name,
# value, confidence, evidence) is stored once and each copy names it, and
# each distinct statute and provision, and finding, confidence and
# evidence, of a finding once, facts and findings becoming views.  What
# readers get is worked out by Python from the version 4 file: every fact
# row, every finding row with its id and time, the distinct values of
# each kind.  Writes through the views and the 'finding' command work on
# the upgraded case.  A case the new build makes from the same mail gives
# the same output for the reading commands as the upgraded one.  A
# SIGKILL during the upgrade leaves the version 4 file byte for byte once
# SQLite has rolled its journal back, or the upgrade complete.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
. "$WB_ROOT/tests/cli/upgrade-kill.sh"
upgrade_refused 4 messages

cat > read.py <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
what = sys.argv[2]
def show(rows):
    for r in rows:
        print("|".join("NULL" if x is None else str(x) for x in r))
facts = "SELECT message, name, value, confidence, evidence FROM facts ORDER BY message, name"
findings = ("SELECT id, message, statute, provision, finding, source, confidence, evidence, note,"
            " run, at FROM findings ORDER BY id")
if what == "facts":
    # Every fact row as readers get it: the table (version 4) or the view.
    show(db.execute(facts))
elif what == "findings":
    # Every finding row, its id and time too.
    show(db.execute(findings))
elif what == "rows":
    show(db.execute(facts))
    show(db.execute(findings))
elif what == "distinct":
    # From the version 4 tables: how many distinct values each new table
    # should hold, and how many rows keep a time of their own: one that is
    # not their run's, the time most of the run's rows have (the first
    # met, by id, among equals).
    f = db.execute("SELECT name, value, confidence, evidence FROM facts").fetchall()
    g = db.execute("SELECT statute, provision, finding, confidence, evidence, run, at"
                   " FROM findings ORDER BY id").fetchall()
    count, first = {}, {}
    for i, r in enumerate(g):
        count[r[5:7]] = count.get(r[5:7], 0) + 1
        first.setdefault(r[5:7], i)
    runs = {}
    for (run, at), n in count.items():
        if run not in runs or (n, -first[(run, at)]) > (count[(run, runs[run])], -first[(run, runs[run])]):
            runs[run] = at
    print("fact_names", len({r[0] for r in f}))
    print("fact_values", len(set(f)))
    print("finding_provisions", len({r[:2] for r in g}))
    print("finding_texts", len({r[2:5] for r in g}))
    print("finding_runs", len(runs))
    print("own_at", sum(1 for r in g if runs.get(r[5]) != r[6]))
elif what == "stored":
    # The same from the version 6 tables, and what no row refers to.
    for t in ("fact_names", "fact_values", "finding_provisions", "finding_texts", "finding_runs"):
        print(t, db.execute("SELECT count(*) FROM " + t).fetchone()[0])
    print("own_at", db.execute("SELECT count(*) FROM finding_rows WHERE at IS NOT NULL").fetchone()[0])
elif what == "orphans":
    print(db.execute("""SELECT
        (SELECT count(*) FROM fact_names n WHERE NOT EXISTS (SELECT 1 FROM message_facts f
            WHERE f.name = n.id)),
        (SELECT count(*) FROM fact_values v WHERE NOT EXISTS (SELECT 1 FROM message_facts f
            WHERE f.value = v.id)),
        (SELECT count(*) FROM finding_provisions p WHERE NOT EXISTS (SELECT 1 FROM finding_rows f
            WHERE f.provision = p.id)),
        (SELECT count(*) FROM finding_texts t WHERE NOT EXISTS (SELECT 1 FROM finding_rows f
            WHERE f.text = t.id)),
        (SELECT count(*) FROM message_facts f JOIN fact_values v ON v.id = f.value
            WHERE v.name != f.name)""").fetchone())
elif what == "version":
    print(db.execute("PRAGMA user_version").fetchone()[0])
PY
python3 read.py old.case facts > facts.want
python3 read.py old.case findings > findings.want
python3 read.py old.case distinct > distinct.want
expect_eq "the kept case has 1,918 facts" "1918" "$(wc -l < facts.want | tr -d ' ')"
expect_eq "and 1,143 findings" "1143" "$(wc -l < findings.want | tr -d ' ')"

expect_rc "upgrade" 0 wb upgrade v4.case
expect_eq "upgrade says what it did" "Upgraded 'v4.case' from schema version 4 to $UPGRADED_TO" "$(cat "$T/.out")"
expect_eq "schema version $UPGRADED_TO" "$UPGRADED_TO" "$(python3 read.py v4.case version)"
expect_eq "custody: the upgrade is logged" "begin|upgrade|schema version 4 -> $UPGRADED_TO;end|upgrade|schema version 4 -> $UPGRADED_TO" \
	"$(wb sql v4.case "SELECT group_concat(action || '|' || command || '|' || detail, ';') FROM custody
		WHERE command = 'upgrade'" --format csv | tail -n 1)"
python3 read.py v4.case facts > facts.got
python3 read.py v4.case findings > findings.got
expect_file "every fact, through the view facts" facts.want facts.got
expect_file "every finding, its id and time, through the view findings" findings.want findings.got
python3 read.py v4.case stored > distinct.got
expect_file "each distinct value stored once; times kept only where not the run's" distinct.want distinct.got
expect_eq "fewer values than fact rows" "yes" \
	"$([ "$(sed -n 's/^fact_values //p' distinct.got)" -lt 1918 ] && echo yes)"
expect_eq "no value that no row names; each copy's name that of its value" "(0, 0, 0, 0, 0)" \
	"$(python3 read.py v4.case orphans)"
expect_eq "integrity_check" "ok" "$(sqlite3 v4.case "PRAGMA integrity_check")"
expect_eq "foreign_key_check" "" "$(sqlite3 v4.case "PRAGMA foreign_key_check")"

# The case digest reads findings through the view: the upgraded case
# digests as the version 4 file did.
run=$(sqlite3 old.case "SELECT max(id) + 1 FROM custody")
readme_digest_sql > digest.sql
expect_eq "the digest reads findings" "yes" "$(grep -q 'FROM findings' digest.sql && echo yes)"
# Version 4 had no raw.codec: its digest SQL read the length of the bytes.
# Version 6 numbered artifacts in one sequence, message_parties.artifact
# naming them so.
sed -e "s/quote(CASE codec WHEN 'none' THEN length(bytes) ELSE size END)/quote(length(bytes))/" \
	-e 's/quote(coalesce((SELECT a.first_id FROM message_artifacts a WHERE a.message = message_parties.message) + artifact, artifact))/quote(artifact)/' \
	digest.sql > digest4.sql
expect_eq "the case digest is unchanged" \
	"$(sqlite3 -readonly old.case ".parameter set :run $run" ".read digest4.sql" | sha256sum)" \
	"$(sqlite3 -readonly v4.case ".parameter set :run $run" ".read digest.sql" | sha256sum)"

# Writes through the views.  A fact whose value a copy has already adds no
# value; a new one adds one; both read back; update and delete work.
cp v4.case w.case
values=$(sqlite3 w.case "SELECT count(*) FROM fact_values")
sqlite3 w.case "INSERT INTO facts (message, name, value, confidence, evidence)
	SELECT 1, 'x_test', value, confidence, evidence FROM facts WHERE message = 2 AND name = 'subject_adv'" ||
	t_fail "insert a fact through the view" ""
sqlite3 w.case "INSERT INTO facts (message, name, value, evidence) VALUES (2, 'x_test', '1', 'test')" ||
	t_fail "insert a second fact through the view" ""
sqlite3 w.case "INSERT INTO facts (message, name, value, evidence) VALUES (3, 'x_test', '1', 'test')" ||
	t_fail "insert the same value for another copy" ""
expect_eq "facts inserted: two new values" "$((values + 2))" "$(sqlite3 w.case "SELECT count(*) FROM fact_values")"
expect_eq "facts inserted: read back" "2|1|certain|test;3|1|certain|test" \
	"$(sqlite3 w.case "SELECT group_concat(message || '|' || value || '|' || confidence || '|' || evidence, ';')
		FROM (SELECT * FROM facts WHERE name = 'x_test' AND message > 1 ORDER BY message)")"
# sqlite3 -bail exits 1 on an error; the message names the constraint.
refused () { sqlite3 -bail w.case "$1" 2>&1 >/dev/null | sed 's/^Error: [a-z ]*, //'; }
expect_eq "one value per name per copy" "UNIQUE constraint failed: message_facts.message, message_facts.name (19)" \
	"$(refused "INSERT INTO facts (message, name, value) VALUES (2, 'x_test', '0')")"
sqlite3 w.case "UPDATE facts SET confidence = 'indicator' WHERE message = 3 AND name = 'x_test'"
expect_eq "fact updated through the view" "indicator" \
	"$(sqlite3 w.case "SELECT group_concat(confidence) FROM facts WHERE message = 3 AND name = 'x_test'")"
expect_eq "the other copy's fact unchanged" "certain" \
	"$(sqlite3 w.case "SELECT confidence FROM facts WHERE message = 2 AND name = 'x_test'")"
sqlite3 w.case "DELETE FROM facts WHERE name = 'x_test'"
python3 read.py w.case facts > facts.got
expect_file "facts deleted through the view" facts.want facts.got
# Findings: a row at its run's time stores no time of its own; an analyst
# row is one per copy, statute and provision; delete through the view.
sqlite3 w.case "INSERT INTO findings (message, statute, provision, finding, source, evidence, run, at)
	SELECT 5, 'ca-17529.5', 'b2', 'violation', 'analyst', 'test', id, at FROM custody WHERE id = 1" ||
	t_fail "insert a finding through the view" ""
expect_eq "finding inserted: read back with its run's time" \
	"$(sqlite3 w.case "SELECT 'ca-17529.5|b2|violation|analyst|certain|test|1|' || at FROM custody WHERE id = 1")" \
	"$(sqlite3 w.case "SELECT statute || '|' || provision || '|' || finding || '|' || source || '|' || confidence
		|| '|' || evidence || '|' || run || '|' || at FROM findings WHERE message = 5 AND evidence = 'test'")"
expect_eq "its time is its run's: not stored again" "" \
	"$(sqlite3 w.case "SELECT at FROM finding_rows WHERE message = 5 AND source = 'analyst'")"
expect_eq "one analyst finding per copy, statute and provision" \
	"UNIQUE constraint failed: finding_rows.message, finding_rows.provision (19)" \
	"$(refused "INSERT INTO findings (message, statute, provision, finding, source, run, at)
		VALUES (5, 'ca-17529.5', 'b2', 'no-violation', 'analyst', 1, 'x')")"
expect_eq "a finding neither violation nor no-violation is refused" \
	"CHECK constraint failed: finding IN ('violation', 'no-violation') (19)" \
	"$(refused "INSERT INTO findings (message, statute, provision, finding, source, run, at)
		VALUES (6, 'ca-17529.5', 'b2', 'maybe', 'analyst', 1, 'x')")"
expect_eq "a finding with no time is refused" \
	"NOT NULL constraint failed: findings.statute, provision or at (19)" \
	"$(refused "INSERT INTO findings (message, statute, provision, finding, source, run)
		VALUES (6, 'ca-17529.5', 'b2', 'violation', 'analyst', 1)")"
sqlite3 w.case "DELETE FROM findings WHERE message = 5 AND source = 'analyst'"
python3 read.py w.case findings > findings.got
expect_file "finding deleted through the view" findings.want findings.got
# The 'finding' command replaces the analyst's row, keeping its id.
id=$(sqlite3 w.case "SELECT id FROM findings WHERE source = 'analyst'")
msg=$(sqlite3 w.case "SELECT message FROM findings WHERE source = 'analyst'")
expect_rc "the finding command" 0 wb finding w.case "$msg" '*' commercial violation --note changed
expect_eq "the finding command: replaced in place" "$id|violation|changed|1" \
	"$(sqlite3 w.case "SELECT id || '|' || finding || '|' || note || '|' || count(*) FROM findings
		WHERE source = 'analyst'")"
expect_eq "the finding command: its time" "$(sqlite3 w.case "SELECT max(at) FROM custody WHERE action = 'finding'")" \
	"$(sqlite3 w.case "SELECT at FROM findings WHERE source = 'analyst'")"

# The same mail ingested by this build: the reading commands print the
# same on both cases, and ingest stores each distinct value once.
upgrade_new_case 4
expect_eq "ingest: no value that no row names" "(0, 0, 0, 0, 0)" "$(python3 read.py new.case orphans)"
python3 read.py new.case stored | grep -v '^own_at' > stored.new
grep -v '^own_at' distinct.want > stored.want
expect_file "ingest: as many distinct values as the kept case" stored.want stored.new
expect_eq "ingest: rule findings keep no time of their own" "0" \
	"$(sqlite3 new.case "SELECT count(*) FROM finding_rows WHERE source = 'rule' AND at IS NOT NULL")"
# reanalyze makes the rule findings again, late in its run: they share
# one time, stored once.  It leaves a copy's rule rows that are the same,
# so they are deleted first: every copy's are then written again.
cp new.case re.case
sqlite3 re.case "DELETE FROM finding_rows WHERE source = 'rule'"
wb reanalyze re.case > /dev/null 2>&1 || t_fail "reanalyze" ""
expect_eq "reanalyze: rule findings keep no time of their own" "0" \
	"$(sqlite3 re.case "SELECT count(*) FROM finding_rows WHERE source = 'rule' AND at IS NOT NULL")"
expect_eq "reanalyze: one time for them all, of the reanalyze run" "1|1" \
	"$(sqlite3 re.case "SELECT count(DISTINCT at) || '|' || count(DISTINCT run) FROM findings
		WHERE source = 'rule' AND run = (SELECT max(run) FROM custody WHERE command = 'reanalyze')")"
upgrade_same_output v4.case "damages @ --format json" "damages @" "why @ 5" "why @ 137" "show @ 5" \
	"show @ 40 --format json" "summary @" "messages @"

# A kill during the upgrade.  The kept case upgrades in milliseconds, so
# Python gives a copy 15,000 more copies, each with the facts and rule
# findings of a kept copy (a fact of its own for one in four), to make it
# last long enough to be killed; under WB_SAMPLE=N, 15,000 / N, at least
# 4,000 (upgrade_rows).
ROWS=$(upgrade_rows 15000 4000) python3 - <<'PY'
import os, sqlite3
db = sqlite3.connect("old.case")
msgs = db.execute("SELECT id, raw_id, status FROM messages ORDER BY id").fetchall()
facts = {}
for r in db.execute("SELECT message, name, value, confidence, evidence FROM facts"):
    facts.setdefault(r[0], []).append(r[1:])
finds = {}
for r in db.execute("SELECT message, statute, provision, finding, source, confidence, evidence,"
                    " run, at FROM findings WHERE source = 'rule'"):
    finds.setdefault(r[0], []).append(r[1:])
base = db.execute("SELECT max(id) FROM messages").fetchone()[0]
for i in range(int(os.environ["ROWS"])):
    mid, raw_id, status = msgs[i % len(msgs)]
    h = "%064x" % (10**12 + i)
    db.execute("INSERT INTO messages (id, sha256, raw_id, trap_id, status, ident)"
               " VALUES (?, ?, ?, 0, ?, ?)", (base + 1 + i, h, raw_id, status, h))
    fs = list(facts.get(mid, []))
    if i % 4 == 0:
        fs.append(("x_copy", str(i), "certain", None))
    db.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?)", [(base + 1 + i,) + f for f in fs])
    db.executemany("INSERT INTO findings (message, statute, provision, finding, source, confidence,"
                   " evidence, run, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(base + 1 + i,) + f for f in finds.get(mid, [])])
db.commit()
PY
upgrade_kills 4 rows "facts and findings"
t_done
