#!/bin/sh
# reanalyze: kill -9 while the walker reads and the writer stores (a
# transaction per chunk of 256 copies here).  The case must be whole: the
# committed chunks analysed, the rest as before, nothing in between; a
# second reanalyze then stores what an ingest with analysis stores.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
python3 "$WB_ROOT/tests/gen/many.py" m.mbox 12000
export WB_NO_PROGRESS=1
wb init a.case > /dev/null
wb ingest a.case m.mbox > /dev/null 2>&1
wb init b.case > /dev/null
expect_rc "ingest --no-analysis" 0 wb ingest b.case --no-analysis m.mbox
# The writes one reanalyze makes to the case and its journal, counted on
# a copy; the kill comes half way through them (the same case makes the
# same writes, so it lands inside the work whatever the machine's load).
cp b.case c.case
export WB_INGEST_GROUP_BYTES=1
killwrite_run c.case 0 "$WB" reanalyze c.case > /dev/null 2>&1
w=$(cat "$T/.writes" 2> /dev/null || echo 0)
killwrite_run b.case $((w / 2 + 1)) "$WB" reanalyze b.case > /dev/null 2>&1
rc=$?
expect_eq "reanalyze killed at its write $((w / 2 + 1)) of $w" 137 "$rc"
# Python's sqlite3 rolls the hot journal back as it opens the case.
# Analysed copies are those of whole chunks, in id order: the copies
# with facts are exactly ids 1..N, N a multiple of 256 (or all).
python3 -c '
import sqlite3
db = sqlite3.connect("b.case")
ids = [r[0] for r in db.execute("SELECT DISTINCT message FROM facts ORDER BY 1")]
total = db.execute("SELECT count(*) FROM messages").fetchone()[0]
n = len(ids)
whole = ids == list(range(1, n + 1)) and (n % 256 == 0 or n == total)
print(db.execute("PRAGMA integrity_check").fetchone()[0], "whole chunks" if whole else "not whole: %d" % n)' > after
expect_eq "after the kill: the case is whole, analysed by whole chunks" "ok whole chunks" "$(cat after)"
expect_eq "some chunks were committed and some not" "yes" "$(python3 -c '
import sqlite3
db = sqlite3.connect("b.case")
n = db.execute("SELECT count(DISTINCT message) FROM facts").fetchone()[0]
print("yes" if 0 < n < 12000 else n)')"
unset WB_INGEST_GROUP_BYTES
expect_rc "reanalyze again" 0 wb reanalyze b.case
q="SELECT m.sha256, f.name, f.value, f.confidence, f.evidence FROM facts f JOIN messages m ON m.id = f.message
	UNION ALL SELECT m.sha256, a.kind, a.value, a.raw, a.location FROM artifacts a JOIN messages m ON m.id = a.message
	UNION ALL SELECT m.sha256, h.idx, h.from_host, h.by_host, h.time_epoch FROM hops h JOIN messages m ON m.id = h.message
	ORDER BY 1, 2, 3, 4, 5"
sqlite3 a.case "$q" > a.rows
sqlite3 b.case "$q" > b.rows
expect_eq "rows to compare" "yes" "$([ "$(wc -l < a.rows)" -gt 60000 ] && echo yes || echo no)"
expect_file "then every row equals an ingest with analysis" a.rows b.rows
t_done
