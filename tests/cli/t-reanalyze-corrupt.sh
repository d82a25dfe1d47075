#!/bin/sh
# reanalyze over a case whose stored frame of one copy is damaged: the run
# fails with an error that names the stored bytes and why they cannot be
# read, exit 1, and the case keeps what was committed before the damaged
# copy's transaction (a transaction per chunk of 256 copies here) and
# nothing of that transaction.  Three kinds of damage: bytes that are not
# a zstd frame, a frame whose content no longer matches its checksum, and
# a codec the case does not know.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
python3 "$WB_ROOT/tests/gen/many.py" m.mbox 900
wb init base.case > /dev/null
expect_rc "ingest --no-analysis" 0 wb ingest base.case --no-analysis m.mbox
# The 600th copy: in the third chunk (513..768), after two commits.
mid=$(sqlite3 base.case "SELECT id FROM messages ORDER BY id LIMIT 1 OFFSET 599")
rid=$(sqlite3 base.case "SELECT raw_id FROM messages WHERE id = $mid")
expect_eq "the 600th copy is stored as a zstd frame" "zstd" \
	"$(sqlite3 base.case "SELECT codec FROM raw WHERE id = $rid")"

# Copies analysed after the failure: exactly the first two chunks' ids
# (python's sqlite3, not our reader), and analysis still pending.
state () {
	python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ids = [r[0] for r in db.execute("SELECT id FROM messages ORDER BY id")]
have = {r[0] for r in db.execute("SELECT DISTINCT message FROM facts")}
first = sorted(i for i in ids if i in have)
print("%s; analysed %s; pending %s" % (
    db.execute("PRAGMA integrity_check").fetchone()[0],
    "the first %d" % len(first) if first == ids[:len(first)] else "not in order",
    db.execute("SELECT value FROM case_info WHERE key = 'analysis_pending'").fetchone()[0]))
PY
}

damage () {   # NAME SQL WHY
	cp base.case "$1.case"
	sqlite3 "$1.case" "$2"
	expect_rc "$1: reanalyze fails" 1 env WB_INGEST_GROUP_BYTES=1 "$WB" reanalyze "$1.case"
	expect_eq "$1: the error names the stored bytes and why" \
		"error: cannot read the stored copies: stored bytes $rid cannot be read: $3 ('workbench verify' names its copies)" \
		"$(cat "$T/.err")"
	expect_eq "$1: nothing on stdout" "" "$(cat "$T/.out")"
	expect_eq "$1: the two chunks before the damaged copy's are kept, nothing after" \
		"ok; analysed the first 512; pending 1" "$(state "$1.case")"
}

damage notframe "UPDATE raw SET bytes = zeroblob(length(bytes)) WHERE id = $rid" "not a zstd frame"
# The last byte of the frame's checksum changed: the content decodes, and
# does not match it.
damage checksum "UPDATE raw SET bytes = substr(bytes, 1, length(bytes) - 1)
	|| CASE WHEN substr(bytes, -1) = x'41' THEN x'42' ELSE x'41' END WHERE id = $rid" \
	"Restored data doesn't match checksum"
damage codec "UPDATE raw SET codec = 'lz4' WHERE id = $rid" "unknown raw.codec 'lz4'"

# Undamaged, the same case reanalyses whole.
expect_rc "undamaged: reanalyze" 0 env WB_INGEST_GROUP_BYTES=1 "$WB" reanalyze base.case
expect_eq "undamaged: every copy analysed" "ok; analysed the first 900; pending 0" "$(state base.case)"
t_done
