#!/bin/sh
# reanalyze interrupted (SIGINT, at a chosen write) while it commits a transaction every
# nine or ten chunks of 256 copies (800,000 bytes: a chunk of these copies
# is about 85,000): it stops with "interrupted: N copies analysed and kept",
# and N is what the case holds: the copies with facts are exactly the
# first N, N a multiple of 256, counted with Python's sqlite3.  The
# writer commits while the walker reads on, so N must count only the
# transactions the writer has committed, not the copies read since.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
python3 "$WB_ROOT/tests/gen/many.py" m.mbox 12000
wb init c.case > /dev/null
expect_rc "ingest --no-analysis" 0 wb ingest c.case --no-analysis m.mbox
# The writes one reanalyze makes to the case and its journal, counted on
# a copy; SIGINT comes at the write half way through them (the same case
# makes the same writes, so it comes inside the work whatever the load).
export WB_INGEST_GROUP_BYTES=800000 WB_INGEST_GROUP_MS=600000
cp c.case d.case
killwrite_run d.case 0 "$WB" reanalyze d.case > /dev/null 2>&1
w=$(cat "$T/.writes" 2> /dev/null || echo 0)
export WB_KILL_SIG=2
killwrite_run c.case $((w / 2 + 1)) "$WB" reanalyze c.case > out 2> err
rc=$?
unset WB_KILL_SIG
expect_eq "interrupted at its write $((w / 2 + 1)) of $w: exit status" 1 "$rc"
n=$(sed -n 's/^error: interrupted: \([0-9]*\) copies analysed and kept; the rest was rolled back$/\1/p' err)
expect_match "interrupted: the message says how many copies were kept" '^[0-9]+$' "$n"
python3 -c '
import sqlite3
db = sqlite3.connect("c.case")
ids = [r[0] for r in db.execute("SELECT DISTINCT message FROM facts ORDER BY 1")]
first = [r[0] for r in db.execute("SELECT id FROM messages ORDER BY id LIMIT ?", (len(ids),))]
print(len(ids), "first" if ids == first else "not the first", "whole chunks" if len(ids) % 256 == 0 else "part of a chunk")' > kept
expect_eq "interrupted: the copies analysed are the first N, whole chunks" "$n first whole chunks" "$(cat kept)"
expect_eq "interrupted with some kept and some not" "yes" "$([ "${n:-0}" -gt 0 ] && [ "${n:-0}" -lt 12000 ] && echo yes)"
unset WB_INGEST_GROUP_BYTES WB_INGEST_GROUP_MS
expect_rc "reanalyze again" 0 wb reanalyze c.case
expect_eq "then every copy is analysed" "12000" "$(sqlite3 c.case "SELECT count(DISTINCT message) FROM facts")"
t_done
