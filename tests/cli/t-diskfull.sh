#!/bin/sh
# Disk full during ingest and during report, injected with the LD_PRELOAD
# shim build/tools/enospc.so (tests/shim/enospc.c): once WB_ENOSPC_BYTES bytes
# went to regular files, every write that grows a file fails with ENOSPC.
# Expected: exit 1, an error that says the disk is full, the evidence as it
# was, no exhibit under its final name; the same command without the fault
# then gives what an undisturbed run gives.
. "$WB_ROOT/tests/lib.sh"
shim=$(cd "$WB_BUILD/tools" 2>/dev/null && pwd)/enospc.so
[ -f "$shim" ] || { skip "disk full" "no $shim"; t_done; exit 0; }
cd "$T" || exit 1
full () { budget=$1; shift; WB_ENOSPC_BYTES=$budget LD_PRELOAD=$shim "$@"; }
# Every table but custody, as SQL text (the evidence and everything derived).
evidence () {
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('custody') ORDER BY 1"); do
		sqlite3 "$1" ".dump $t"
	done
}
state () {
	sqlite3 "$1" "SELECT m.sha256, m.trap_id, s.chain, l.offset, l.length FROM locations l
		JOIN messages m ON m.id = l.message JOIN sources s ON s.id = l.source_id ORDER BY 3, 4"
}
python3 "$WB_ROOT/tests/gen/many.py" a.mbox 3000
python3 "$WB_ROOT/tests/gen/many.py" b.mbox 40 5000
wb init ref.case > /dev/null && wb ingest ref.case b.mbox a.mbox > /dev/null
state ref.case > ref.state

# 1. No byte at all can be written: refused at the custody row, the case
#    file identical to the byte.
wb init c.case > /dev/null
wb ingest c.case b.mbox > /dev/null
cp c.case before.case
last=$(sqlite3 c.case "SELECT max(id) FROM custody")
evidence c.case > before.sql
expect_rc "ingest, disk full at once: exit 1" 1 full 0 "$WB" ingest c.case a.mbox
expect_match "ingest, disk full at once: says so" "^error: .*(disk is full|No space left)" "$(cat .err)"
expect_eq "ingest, disk full at once: case file unchanged" "$(sha256sum < before.case)" "$(sha256sum < c.case)"
# 2. The disk fills in the middle of the source (budget 300 KB: the
#    journal and some pages): the source is rolled back.
expect_rc "ingest, disk full midway: exit 1" 1 full 300000 "$WB" ingest c.case a.mbox
expect_match "ingest, disk full midway: says so" "^error: .*(disk is full|No space left)" "$(cat .err)"
expect_eq "ingest, disk full midway: no journal left" "" "$(ls c.case-journal 2>/dev/null)"
expect_eq "ingest, disk full midway: integrity_check" "ok" "$(sqlite3 c.case 'PRAGMA integrity_check')"
evidence c.case > after.sql
expect_file "ingest, disk full midway: every evidence table unchanged" before.sql after.sql
expect_eq "ingest, disk full midway: custody gained only the run's begin row" "begin|ingest" \
	"$(sqlite3 c.case "SELECT action, command FROM custody WHERE id > $last")"
# 3. fsync fails too (a full disk on some file systems reports it there).
expect_rc "ingest, fsync fails: exit 1" 1 env WB_ENOSPC_FSYNC=1 WB_ENOSPC_BYTES=300000 LD_PRELOAD="$shim" "$WB" ingest c.case a.mbox
evidence c.case > after2.sql
expect_file "ingest, fsync fails: every evidence table unchanged" before.sql after2.sql
expect_eq "ingest, fsync fails: integrity_check" "ok" "$(sqlite3 c.case 'PRAGMA integrity_check')"
# 4. Room again: the same command gives the undisturbed case.
expect_rc "ingest after the disk is freed" 0 wb ingest c.case a.mbox
state c.case > c.state
expect_file "after the disk is freed: = undisturbed run" ref.state c.state

# Report: the disk fills while the exhibits are written, at several points
# (the workbook, the charts, the PDF).  Preemption is ignored so that the
# 2007 copies stay on the Messages sheet and the exhibits outgrow the
# largest budget (with it applied they are smaller, and the disk would
# fill only at the custody log, after the files are in place).
if wb init r.case --filed 2008-05-01 > /dev/null && python3 "$WB_ROOT/tests/gen/report-case.py" r.case --findings f.csv; then
	wb import r.case findings f.csv > /dev/null
	sum=$(sha256sum < r.case)
	for budget in 0 40000 200000; do
		rm -rf out
		expect_rc "report, disk full after $budget bytes: exit 1" 1 full $budget "$WB" report r.case --out out \
			--preemption ignore
		expect_match "report, disk full after $budget bytes: says so" "^error: cannot write '.*': No space left on device" "$(cat .err)"
		expect_eq "report, disk full after $budget bytes: nothing in the folder" "" "$(ls -A out 2>/dev/null)"
		expect_eq "report, disk full after $budget bytes: case unchanged" "$sum" "$(sha256sum < r.case)"
	done
	expect_rc "report after the disk is freed" 0 wb report r.case --out out
	expect_eq "report after the disk is freed: twelve files" "12" "$(ls out | wc -l)"
else
	t_fail "report-case.py"
fi
t_done
