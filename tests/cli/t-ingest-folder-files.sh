#!/bin/bash
# A folder's files as ingest records them, checked against Python's own
# walk of the folder (os.scandir, hashlib, the email package): each regular
# file is a complete top-level source with the size and SHA-256 of its
# bytes, whether it is one read (a message), a read ending exactly where the
# file does (64 KiB, the read size), several reads, empty, or compressed;
# a symbolic link and a FIFO are skipped as not regular files; every file
# has its custody row, and the custody log's ids run 1, 2, ... with each
# row in the run of the 'begin' row before it.
. "$WB_ROOT/tests/lib.sh"
F=$T/mail
mkdir -p "$F/sub/deeper" "$F/Maildir/cur" "$F/Maildir/tmp"
python3 - "$F" <<'PY'
import gzip, sys
root = sys.argv[1]
def msg(n, size):
    head = "From: a%d@sender.test\nTo: trap@trap.test\nSubject: file %d\nMessage-ID: <%d@sender.test>\n\n" % (n, n, n)
    body = ("line %d of the body, padded to length\n" % n) * (size // 36 + 1)
    return (head + body).encode()[:size - 1] + b"\n"
sizes = {"a.eml": 300, "b-64k.eml": 65536, "c-64k1.eml": 65537, "d-big.eml": 200001,
         "sub/e.eml": 1000, "sub/deeper/f.eml": 131072, "Maildir/cur/1.host:2,S": 4000}
for i, (name, size) in enumerate(sorted(sizes.items())):
    data = msg(i, size)
    assert len(data) == size
    open("%s/%s" % (root, name), "wb").write(data)
open(root + "/empty.eml", "wb").close()
open(root + "/g.eml.gz", "wb").write(gzip.compress(msg(50, 5000), mtime=0))
open(root + "/notes.txt", "wb").write(b"no mail here\n" * 10)
open(root + "/Maildir/tmp/2.host", "wb").write(msg(60, 800))
PY
ln -s a.eml "$F/link.eml"
mkfifo "$F/pipe"
C=$T/c.case
wb init "$C" > /dev/null
expect_rc "ingest the folder" 0 wb ingest "$C" "$F"

# What Python sees: every regular file (not through a link, not under
# Maildir/tmp/), its size, SHA-256 and how many messages it holds.
python3 - "$F" > "$T/want" <<'PY'
import gzip, hashlib, os, sys
def walk(d):
    for e in sorted(os.scandir(d), key=lambda e: e.name.encode()):
        if e.is_dir(follow_symlinks=False):
            if e.name == "tmp" and os.path.isdir(os.path.join(d, "cur")):
                continue
            yield from walk(e.path)
        elif e.is_file(follow_symlinks=False):
            yield e.path
for p in walk(sys.argv[1]):
    data = open(p, "rb").read()
    body = gzip.decompress(data) if p.endswith(".gz") else data
    n = 1 if body.startswith(b"From: ") else 0
    print("%s|%d|%s|path=%s sha256=%s size=%d messages=%d" % (
        p, len(data), hashlib.sha256(data).hexdigest(), p, hashlib.sha256(data).hexdigest(), len(data), n))
PY
expect_eq "each file: a complete source with its size and SHA-256, and its custody row" \
	"$(cat "$T/want")" \
	"$(sqlite3 "$C" "SELECT s.name, s.size, s.sha256, c.detail FROM sources s
		JOIN custody c ON c.action = 'source' AND c.detail LIKE 'path=' || s.name || ' sha256=%'
		WHERE s.parent_id IS NULL AND s.complete = 1 AND s.role <> 'skipped' ORDER BY s.id")"
expect_eq "a message file's copy is its bytes" \
	"$(for f in a.eml b-64k.eml c-64k1.eml d-big.eml; do sha256sum "$F/$f" | cut -c1-64; done)" \
	"$(sqlite3 "$C" "SELECT m.sha256 FROM sources s JOIN locations l ON l.source_id = s.id
		JOIN messages m ON m.id = l.message WHERE s.name IN ('$F/a.eml', '$F/b-64k.eml',
		'$F/c-64k1.eml', '$F/d-big.eml') ORDER BY s.id")"
expect_eq "a link, a FIFO and Maildir/tmp/ skipped" \
	"$F/Maildir/tmp|skipped|Maildir tmp/ (deliveries in progress)
$F/link.eml|skipped|not a regular file
$F/pipe|skipped|not a regular file" \
	"$(sqlite3 "$C" "SELECT name, role, reason FROM sources WHERE role = 'skipped' ORDER BY name")"

# The custody log: ids 1..n in the order written, each 'begin' row its own
# run, every other row in the run of the last 'begin' before it.
python3 - "$C" > "$T/custody" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT id, run, action FROM custody ORDER BY id").fetchall()
bad = [r for i, r in enumerate(rows) if r[0] != i + 1]
run = None
for r in rows:
    if r[2] == "begin":
        run = r[0]
    if r[1] != run:
        bad.append(r)
print(len(rows) > 0 and not bad, bad[:3])
PY
expect_eq "custody ids consecutive, each row in its run" "True []" "$(cat "$T/custody")"
# A second run's rows follow on.
expect_rc "ingest again (every file complete)" 0 wb ingest "$C" "$F"
python3 - "$C" > "$T/custody" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT id, run, action FROM custody ORDER BY id").fetchall()
begins = [r[0] for r in rows if r[2] == "begin"]
print([r[0] for r in rows] == list(range(1, len(rows) + 1)),
      all(r[1] == max(b for b in begins if b <= r[0]) for r in rows))
PY
expect_eq "after a second run too" "True True" "$(cat "$T/custody")"

# Many small files: more of the writer's items (three a file) than the
# pipeline holds at once, in groups of a few files and as by default.
M=$T/many
mkdir -p "$M"
python3 - "$M" <<'PY'
import sys
for i in range(3000):
    open("%s/%05d.eml" % (sys.argv[1], i), "w").write(
        "From: s%d@sender.test\nSubject: %d\nMessage-ID: <%d@many.test>\n\nbody %d\n" % (i, i, i, i))
PY
for g in 4096 default; do
	C2=$T/many-$g.case
	wb init "$C2" > /dev/null
	# Each UPDATE of a sources row, counted by a trigger of the test's own.
	sqlite3 "$C2" "CREATE TABLE t_updates (id INTEGER);
		CREATE TRIGGER t_updates AFTER UPDATE ON sources BEGIN INSERT INTO t_updates VALUES (NEW.id); END"
	if [ "$g" = default ]; then
		expect_rc "ingest 3,000 files, groups as by default" 0 wb ingest "$C2" "$M"
	else
		expect_rc "ingest 3,000 files, groups of $g bytes" 0 env WB_INGEST_GROUP_BYTES=$g "$WB" ingest "$C2" "$M"
	fi
	expect_eq "3,000 complete sources, a copy and a custody row each ($g)" "3000|3000|3000|3000" \
		"$(sqlite3 "$C2" "SELECT (SELECT count(*) FROM sources WHERE complete = 1),
			(SELECT count(*) FROM messages), (SELECT count(*) FROM locations),
			(SELECT count(*) FROM custody WHERE action = 'source')")"
	expect_eq "each file's copy is its bytes ($g)" \
		"$(cd "$M" && for f in 00000.eml 01234.eml 02999.eml; do sha256sum "$f" | cut -c1-64; done)" \
		"$(sqlite3 "$C2" "SELECT m.sha256 FROM sources s JOIN locations l ON l.source_id = s.id
			JOIN messages m ON m.id = l.message WHERE s.name IN ('$M/00000.eml', '$M/01234.eml',
			'$M/02999.eml') ORDER BY s.name")"
	# A file's row is written once, complete, when its end and custody
	# follow its beginning before anything else goes to the writer: it was
	# an insert and two updates (its end, then complete = 1), 6,000 here.
	# What goes between (a batch of copies filled by the file, the items
	# handed over every 64) leaves a file in 64 or so with its updates.
	u=$(sqlite3 "$C2" "SELECT count(*) FROM t_updates")
	expect_eq "a sources row updated for fewer than one file in ten ($g: $u updates)" 1 \
		"$([ "$u" -lt 300 ] && echo 1)"
done
t_done
