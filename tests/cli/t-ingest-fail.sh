#!/bin/sh
# ingest: one test per failure kind.  Inputs from tests/gen/bad-archives.py.
. "$WB_ROOT/tests/lib.sh"

python3 "$WB_ROOT/tests/gen/bad-archives.py" "$T/bad" || { t_fail "generator"; t_done; exit 1; }
cd "$T" || exit 1
q () { wb sql "$1" "$2" --format csv | tail -n +2; }
fresh () { rm -f "$1"; wb init "$1" > /dev/null; }

# Truncated gzip: the messages before the cut are kept, in order, the last
# one (cut short) with the warning; the file is flagged.
fresh t.case
expect_rc "truncated gzip: exit 0" 0 wb ingest t.case bad/truncated.mbox.gz
expect_match "truncated gzip: a note names the file" "note: flagged 'bad/truncated.mbox.gz': truncated" "$(cat .err)"
expect_eq "truncated gzip: flagged source" "flagged" "$(q t.case "SELECT role FROM sources WHERE depth = 0")"
n=$(q t.case "SELECT count(*) FROM locations")
q t.case "SELECT m.sha256 FROM locations l JOIN messages m ON m.id = l.message ORDER BY l.offset" | head -n $((n - 1)) > got
head -n $((n - 1)) bad/expect-truncated > want
expect_file "truncated gzip: every whole message before the cut is kept" want got
expect_eq "truncated gzip: most of 400 kept, the last one marked" "yes truncated" \
	"$([ "$n" -gt 150 ] && [ "$n" -lt 400 ] && echo yes) $(q t.case "SELECT m.warnings FROM locations l JOIN messages m ON m.id = l.message ORDER BY l.offset DESC LIMIT 1")"

# Corrupt zip: the damaged member is flagged, the others are read.
fresh z.case
expect_rc "corrupt zip: exit 0" 0 wb ingest z.case bad/corrupt.zip
expect_eq "corrupt zip: the damaged member flagged" "bad/corrupt.zip!m1.eml,flagged" \
	"$(q z.case "SELECT chain, role FROM sources WHERE role = 'flagged'")"
expect_eq "corrupt zip: the two good members kept" "$(sort bad/expect-corrupt)" "$(q z.case "SELECT sha256 FROM messages ORDER BY 1")"

# Member names are never paths.
mkdir -p w/a/b && cd w/a/b && fresh p.case
sum_before=$(sha256sum /etc/passwd)
expect_rc "hostile member names: exit 0" 0 wb ingest p.case "$T/bad/passwd.tar"
expect_eq "hostile names: nothing written beside or above" "p.case" "$(cd "$T/w" && find . -type f | sed 's|.*/||' | grep -v lock)"
expect_eq "hostile names: /etc/passwd untouched" "$sum_before" "$(sha256sum /etc/passwd)"
expect_eq "hostile names: recorded as names" "$T/bad/passwd.tar!../../etc/passwd
$T/bad/passwd.tar!/tmp/abs.eml" "$(q p.case "SELECT chain FROM sources WHERE depth = 1 ORDER BY id")"
expect_eq "hostile names: both messages kept" "2" "$(q p.case "SELECT count(*) FROM messages")"
cd "$T" || exit 1

# Decompression bombs: 1 GiB of zeros; the guard stops after 16 MiB.
fresh b.case
start=$(date +%s)
# No input gave a copy: recorded, then exit 1 (issue 14: ingest fails when
# nothing was found).
expect_rc "gzip bomb: recorded, exit 1 (no copy)" 1 wb ingest b.case bad/bomb.gz bad/bomb.tar.gz
expect_eq "gzip bomb: stopped early" "yes" "$([ $(($(date +%s) - start)) -lt 10 ] && echo yes)"
expect_eq "gzip bombs flagged" "bad/bomb.gz|decompression bomb (ratio over limit)
bad/bomb.tar.gz|decompression bomb (ratio over limit)
bad/bomb.tar.gz!zeros|decompression bomb (ratio over limit)" \
	"$(q b.case "SELECT chain || '|' || reason FROM sources WHERE role = 'flagged' ORDER BY id")"
fresh b2.case
expect_rc "byte budget: exit 1 (no copy)" 1 wb ingest b2.case --max-total 1M --max-ratio 100000 bad/bomb.gz
expect_eq "byte budget flagged" "decompression budget exceeded" "$(q b2.case "SELECT reason FROM sources")"

# Nesting: 8 containers are read, a 9th is flagged.
fresh d.case
expect_rc "depth 8 and 9: exit 0" 0 wb ingest d.case bad/depth8.tar bad/depth9.tar
expect_eq "depth 8: the message is found" "bad/depth8.tar!level2.tar!level3.tar!level4.tar!level5.tar!level6.tar!level7.tar!level8.tar!message.eml" \
	"$(q d.case "SELECT s.chain FROM locations l JOIN sources s ON s.id = l.source_id")"
expect_eq "depth 9: the 9th container flagged" "9|too deep: container nested more than 8 levels" \
	"$(q d.case "SELECT (depth + 1) || '|' || reason FROM sources WHERE role = 'flagged'")"

# Size limit.
fresh s.case
expect_rc "size limit: exit 0" 0 wb ingest s.case --max-message-size 100K bad/big.mbox
expect_eq "size limit: the big message flagged with its size" '"message over size limit (300132 bytes, limit 102400)"'  \
	"$(q s.case "SELECT reason FROM sources WHERE role = 'flagged'")"
expect_eq "size limit: the others kept" "$(sort bad/expect-big)" "$(q s.case "SELECT sha256 FROM messages ORDER BY 1")"
expect_rc "bad size option" 2 wb ingest s.case --max-message-size lots bad/big.mbox

# Encrypted zip member.
printf 'From: a@spam.example\nSubject: x\n\nbody\n' > e.eml
bsdtar --format zip --options zip:encryption=zipcrypt --passphrase secret -cf enc.zip e.eml
fresh e.case
expect_rc "encrypted zip: recorded, exit 1 (no copy)" 1 wb ingest e.case enc.zip
expect_eq "encrypted member flagged" "enc.zip!e.eml|encrypted member" \
	"$(q e.case "SELECT chain || '|' || reason FROM sources WHERE role = 'flagged'")"

# A missing path: error, exit 1, the case unchanged (not even a custody row).
fresh m.case
before=$(sha256sum < m.case)
expect_rc "missing path: exit 1" 1 wb ingest m.case bad/big.mbox no-such-file
expect_eq "missing path: the error names it" "error: cannot read 'no-such-file': No such file or directory" "$(cat .err)"
expect_eq "missing path: case unchanged" "$before" "$(sha256sum < m.case)"

# A read-only case is refused before any work.
cp m.case ro.case && chmod 444 ro.case
expect_rc "read-only case: exit 1" 1 wb ingest ro.case bad/big.mbox
expect_match "read-only case: says so" "read-only" "$(cat .err)"
expect_eq "read-only case: unchanged" "$before" "$(sha256sum < ro.case)"

# A second writer is refused.
python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1] + ".lock", os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").write("%d\n" % os.getpid())
time.sleep(30)' m.case holder.pid &
holder=$!
i=0; while [ ! -s holder.pid ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect_rc "second writer: exit 1" 1 wb ingest m.case bad/big.mbox
expect_match "second writer: case in use by pid N" "case in use by pid $(cat holder.pid)" "$(cat .err)"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
expect_eq "second writer: case unchanged" "$before" "$(sha256sum < m.case)"
t_done
