#!/bin/sh
# ingest: kill -9 in the middle of a source, then resume.  The final case
# must hold the same copies and locations as an uninterrupted run.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
# 3,000 copies in big.mbox; WB_SAMPLE=N (make check-asan) 3,000 / N of
# them, at least 1,000.  The kill comes at a counted write (killwrite_run,
# tests/lib.sh): inside big.mbox's transaction whatever the machine's load.
n=$((3000 / ${WB_SAMPLE:-1}))
[ $n -ge 1000 ] || n=1000
python3 "$WB_ROOT/tests/gen/many.py" small.mbox 50 100000
python3 "$WB_ROOT/tests/gen/many.py" big.mbox $n
q () { wb sql "$1" "$2" --format csv | tail -n +2; }
state () {
	q "$1" "SELECT m.sha256, m.trap_id, s.name, l.offset, l.length FROM locations l
		JOIN messages m ON m.id = l.message JOIN sources s ON s.id = l.source_id ORDER BY 3, 4"
}

wb init a.case > /dev/null
expect_rc "uninterrupted run" 0 wb ingest a.case small.mbox big.mbox
expect_eq "uninterrupted: every copy" "$((n + 50))" "$(q a.case "SELECT count(*) FROM messages")"

wb init b.case > /dev/null
expect_rc "first source" 0 wb ingest b.case small.mbox
# The writes the second run makes, counted on a copy of the case; the
# kill comes half way through them.
cp b.case c.case
killwrite_run c.case 0 "$WB" ingest c.case small.mbox big.mbox > /dev/null 2>&1
w=$(cat "$T/.writes" 2> /dev/null || echo 0)
killwrite_run b.case $((w / 2 + 1)) "$WB" ingest b.case small.mbox big.mbox > /dev/null 2>&1
expect_eq "killed mid-ingest, at its write $((w / 2 + 1)) of $w" 137 "$?"
expect_eq "killed mid-ingest: a hot journal is left" "yes" "$([ -e b.case-journal ] && echo yes)"
# Opening for writing rolls the journal back: the case is as it was
# before big.mbox, with small.mbox complete.
python3 -c '
import sqlite3
db = sqlite3.connect("b.case")
print(db.execute("PRAGMA integrity_check").fetchone()[0],
      db.execute("SELECT count(*) FROM messages").fetchone()[0],
      db.execute("SELECT group_concat(name) FROM sources WHERE complete = 1").fetchone()[0])' > after
expect_eq "after the kill: only the first source" "ok 50 small.mbox" "$(cat after)"
expect_rc "resume" 0 wb ingest b.case small.mbox big.mbox
expect_match "resume skips the complete source" "1 ingested, 1 already complete" "$(cat .out)"
state a.case > a.state
state b.case > b.state
expect_file "resumed run = uninterrupted run" a.state b.state
expect_rc "verify after resume" 0 wb verify b.case
t_done
