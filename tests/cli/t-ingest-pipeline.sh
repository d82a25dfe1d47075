#!/bin/sh
# The pipeline's scheduling does not change what is stored, nor do the
# sizes of its batches.  While the
# writer is behind, only some parse workers parse (ingest-pipeline.c:
# worker_gate), and a folder's group is committed while the walker reads
# the next (wb_ingest_group_end without waiting).  The case must be the
# one the plain path gives, row for row and id for id: one parse thread
# (the gate never closes) and the whole folder in one group (no commit
# before the end, which is waited for).  Every run has a time limit, so
# that a wait nobody wakes fails the test instead of hanging it.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
n=400
python3 "$WB_ROOT/tests/gen/maildir-fixed.py" md $n 1000
python3 "$WB_ROOT/tests/gen/many.py" a.mbox 3000
printf 'address,timezone\ntrap1@example.org,America/New_York\ntrap2@example.org,America/Los_Angeles\n' > traps.csv
# Every table but the custody log, with the times a run writes masked.
dump () {
	cp "$1" d.case
	sqlite3 d.case "UPDATE sources SET ingested_at = 'T'; UPDATE statutes SET loaded_at = 'T';
		UPDATE finding_runs SET at = 'T'; UPDATE finding_rows SET at = 'T' WHERE at IS NOT NULL;
		DELETE FROM case_info WHERE key IN ('created', 'created_at')" || return 1
	for t in $(sqlite3 d.case "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'custody' ORDER BY 1"); do
		sqlite3 d.case ".dump $t"
	done
	rm -f d.case
}
# run NAME THREADS GROUP_BYTES: a case of the folder and the mbox.
run () {
	rm -f "$1.case"
	wb init "$1.case" > /dev/null && wb import "$1.case" traps traps.csv > /dev/null 2>&1
	expect_rc "$1: ingest exits 0 in time" 0 env WB_TIMING=1 WB_INGEST_GROUP_BYTES="$3" WB_INGEST_GROUP_MS=600000 \
		timeout 300 "$WB" ingest "$1.case" --threads "$2" md a.mbox
	dump "$1.case" > "$1.dump"
}
run ref 1 1000000000
# Independent counts: the generators' files and messages.
expect_eq "reference: every file and message, every location" "$((n - n / 10 + 3000))|$((n + 3000))|$((n + 2))" \
	"$(sqlite3 ref.case "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM locations),
		(SELECT count(*) FROM sources WHERE depth = 0)")"
expect_match "reference: the folder in one commit, the mbox in one" " 2 commit\(s\)" "$(cat .err)"
# Groups of ten files (40 commits the walker does not wait for), with 2,
# 3 and 8 parse threads.
for j in 2 3 8; do
	run "j$j" $j 10000
	expect_match "$j threads, groups of ten: committed in groups" " 42 commit\(s\)" "$(cat .err)"
	expect_file "$j threads, groups of ten: the same case as one thread, one group" ref.dump "j$j.dump"
done
# Groups by age: a group ends once it is a millisecond old and the commit
# before it has ended (the walker does not wait for that commit).
rm -f age.case
wb init age.case > /dev/null && wb import age.case traps traps.csv > /dev/null 2>&1
expect_rc "groups by age: ingest exits 0 in time" 0 env WB_INGEST_GROUP_MS=1 timeout 300 "$WB" ingest age.case \
	--threads 2 md a.mbox
dump age.case > age.dump
expect_file "groups by age: the same case as one thread, one group" ref.dump age.dump
# The first batches are small, so that the writer starts early: 16, 32,
# 64 and 128 copies, then 256.  3,000 copies: 4 + ceil(2,760 / 256) = 15
# batches (12 if every batch held 256).
wb init b.case > /dev/null
expect_rc "mbox alone: ingest" 0 env WB_TIMING=1 "$WB" ingest b.case a.mbox
expect_match "mbox alone: the first batches ramp up, 15 in all" " 15 batch\(es\)" "$(cat .err)"
t_done
