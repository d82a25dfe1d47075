#!/bin/sh
# ingest: an input written to while it is read, and an unreadable input
# (injected with the LD_PRELOAD shim build/tools/faults.so, tests/shim/faults.c:
# the tests run as root, where chmod 000 does not stop a read).  Each gets a
# clear error, exit 1, and leaves every evidence table as it was; the same
# command once the input is stable gives the copies of the final bytes.
. "$WB_ROOT/tests/lib.sh"
shim=$(cd "$WB_BUILD/tools" 2>/dev/null && pwd)/faults.so
[ -f "$shim" ] || { skip "input faults" "no $shim"; t_done; exit 0; }
cd "$T" || exit 1
evidence () {
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'custody' ORDER BY 1"); do
		sqlite3 "$1" ".dump $t"
	done
}
python3 "$WB_ROOT/tests/gen/many.py" base.mbox 4000          # about 1.3 MB: two 1 MiB reads
python3 "$WB_ROOT/tests/gen/many.py" other.mbox 5 90000
wb init c.case > /dev/null
wb ingest c.case other.mbox > /dev/null
evidence c.case > before.sql

# Grown during the hashing (the first read) and during the parse (the 4th:
# the hash takes two reads).
for after in 1 4; do
	cp base.mbox g$after.mbox
	expect_rc "grows at read $after: exit 1" 1 env WB_FAULT_GROW="$T/g$after.mbox" WB_FAULT_GROW_AFTER=$after \
		LD_PRELOAD="$shim" "$WB" ingest c.case g$after.mbox
	expect_eq "grows at read $after: the error says so" \
		"error: 'g$after.mbox' changed while it was read: not ingested (ingest it again once nothing writes to it)" \
		"$(grep '^error' .err)"
	# Regression: the summary counted the rolled-back copies as added.
	# Nothing of the source is in the case (checked below), so nothing is
	# in the summary.
	expect_eq "grows at read $after: the summary counts no rolled-back copy" \
		"copies:     0 found: 0 added, 0 duplicate locations" "$(grep '^copies:' .out)"
	expect_eq "grows at read $after: the file did grow" "appended while read" "$(tail -n 1 g$after.mbox)"
	evidence c.case > after.sql
	expect_file "grows at read $after: every evidence table unchanged" before.sql after.sql
	expect_eq "grows at read $after: integrity_check" "ok" "$(sqlite3 c.case 'PRAGMA integrity_check')"
done
# Stable again: ingested, and the stored last copy holds the appended line.
expect_rc "stable again: ingested" 0 wb ingest c.case g1.mbox
expect_eq "stable again: the source's SHA-256 is the file's" "$(sha256sum < g1.mbox | cut -c1-64)" \
	"$(sqlite3 c.case "SELECT sha256 FROM sources WHERE name = 'g1.mbox'")"
expect_eq "stable again: every copy, the last with the appended line" "4000|1" \
	"$(python3 -c '
import os, sqlite3, sys
sys.path.insert(0, os.environ["WB_ROOT"] + "/tests/tools")
import rawbytes
db = sqlite3.connect("file:c.case?mode=ro", uri=True)
b = [x for (x,) in rawbytes.rows(db, "SELECT r.codec, r.bytes, r.size FROM locations l"
     " JOIN sources s ON s.id = l.source_id JOIN messages m ON m.id = l.message"
     " JOIN raw r ON r.sha256 = m.sha256 WHERE s.name = ?", ("g1.mbox",))]
print("%d|%d" % (len(b), max(b"appended while read" in x for x in b)))')"

# Grown while read inside a folder: the files of a folder are committed in
# groups (ingest.h), and the group goes with it; the error says so.
mkdir grow && cp other.mbox grow/a.mbox && cp base.mbox grow/b.mbox
cp c.case e.case
evidence e.case > e-before.sql
expect_rc "grows in a folder: exit 1" 1 env WB_FAULT_GROW="$T/grow/b.mbox" WB_FAULT_GROW_AFTER=1 \
	LD_PRELOAD="$shim" "$WB" ingest e.case grow
expect_eq "grows in a folder: the error names it and the group" \
	"error: 'grow/b.mbox' changed while it was read: not ingested, nor the files read before it since the last commit (ingest it again once nothing writes to it)" \
	"$(grep '^error' .err)"
expect_eq "grows in a folder: the summary counts nothing rolled back" \
	"copies:     0 found: 0 added, 0 duplicate locations" "$(grep '^copies:' .out)"
evidence e.case > e-after.sql
expect_file "grows in a folder: every evidence table unchanged" e-before.sql e-after.sql
expect_rc "grows in a folder: stable again, ingested" 0 wb ingest e.case grow
expect_eq "grows in a folder: both files complete" "grow/a.mbox|5
grow/b.mbox|4000" "$(sqlite3 e.case "SELECT name, messages FROM sources WHERE name LIKE 'grow/%' AND depth = 0 ORDER BY 1")"

# Unreadable: alone, and inside a folder (the walk stops there; what was
# complete stays, the re-run resumes).
cp c.case d.case
evidence d.case > d-before.sql
expect_rc "unreadable file: exit 1" 1 env WB_FAULT_EACCES="$T/base.mbox" LD_PRELOAD="$shim" "$WB" ingest d.case base.mbox
expect_eq "unreadable file: the error names it" "error: cannot open 'base.mbox': Permission denied" "$(grep '^error' .err)"
evidence d.case > d-after.sql
expect_file "unreadable file: every evidence table unchanged" d-before.sql d-after.sql
mkdir dir && cp base.mbox dir/a.mbox && cp other.mbox dir/b.mbox
expect_rc "unreadable file in a folder: exit 1" 1 env WB_FAULT_EACCES="$T/dir/a.mbox" LD_PRELOAD="$shim" "$WB" ingest d.case dir
expect_eq "unreadable file in a folder: the error names it" "error: cannot open 'dir/a.mbox': Permission denied" "$(grep '^error' .err)"
evidence d.case > d-after2.sql
expect_file "unreadable file in a folder: every evidence table unchanged" d-before.sql d-after2.sql
expect_rc "readable again: the folder ingested" 0 wb ingest d.case dir
expect_eq "readable again: both files complete" "dir/a.mbox|4000
dir/b.mbox|5" "$(sqlite3 d.case "SELECT name, messages FROM sources WHERE name LIKE 'dir/%' AND depth = 0 ORDER BY 1")"
t_done
