#!/bin/sh
# The bytes of a copy stored as a zstd frame (raw.codec, evidence/case.h):
# a new case stores each copy that compresses by a sixteenth or more as one
# standard frame, and the stock zstd program gives back exactly the bytes
# Python wrote; a copy that does not compress (a random binary body) is
# stored as it is; 'init --raw-codec none' stores every copy as it is.
# show, reanalyze and verify read the bytes the frame gives; verify names
# the copy whose frame was changed, and leaves the case as it was.  The
# case digest's raw lines are the same whichever way the bytes are stored.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
command -v zstd > /dev/null || { skip "raw codec" "the zstd program is not installed"; t_done; exit; }

# The mail, and its hashes, by Python: ten text messages as .eml files,
# one with a random binary body, and an mbox of five more (its copies'
# bytes as Python's mailbox reads them back).
python3 - <<'PY'
import email.message, hashlib, mailbox, os, random
rnd = random.Random(7)
os.mkdir("eml")
want = open("want.txt", "w")
words = "offer refinance rate approval minutes lender loan today free click".split()
def text_msg(i, to):
    m = email.message.EmailMessage()
    m["From"] = "offers%d@lowrate-loans.test" % i
    m["To"] = to
    m["Subject"] = "ADV: Refinance offer %d" % i
    m["Date"] = "Fri, 29 Feb 2008 10:%02d:00 -0800" % i
    m["Message-ID"] = "<m%d@lowrate-loans.test>" % i
    m.set_content("\n".join(" ".join(rnd.choice(words) for _ in range(12)) for _ in range(40)))
    return m.as_bytes()
for i in range(10):
    b = text_msg(i, "jane@trapmail.test")
    open("eml/m%02d.eml" % i, "wb").write(b)
    print("eml/m%02d.eml" % i, hashlib.sha256(b).hexdigest(), len(b), "text", file=want)
b = (b"From: bin@example.test\nTo: jane@trapmail.test\nSubject: noise\n"
     b"Message-ID: <noise@example.test>\nContent-Type: application/octet-stream\n\n"
     + bytes(rnd.getrandbits(8) for _ in range(4000)))
open("eml/noise.eml", "wb").write(b)
print("eml/noise.eml", hashlib.sha256(b).hexdigest(), len(b), "random", file=want)
# One more, for a case whose choice is changed later.
os.mkdir("later")
open("later/m20.eml", "wb").write(text_msg(20, "jane@trapmail.test"))
box = mailbox.mbox("m.mbox")
for i in range(10, 15):
    box.add(text_msg(i, "jane@trapmail.test"))
box.close()
box = mailbox.mbox("m.mbox")
for k in box.keys():
    b = box.get_bytes(k)
    print("m.mbox", hashlib.sha256(b).hexdigest(), len(b), "text", file=want)
box.close()
PY
sort -k2,2 want.txt > want.sorted
n=$(wc -l < want.txt)

wb init z.case > /dev/null
expect_eq "a new case stores zstd frames" "zstd" "$(sqlite3 z.case "SELECT value FROM case_info WHERE key = 'raw_codec'")"
expect_rc "ingest" 0 wb ingest z.case eml m.mbox
expect_eq "every message stored once" "$n" "$(sqlite3 z.case "SELECT count(*) FROM raw")"
expect_eq "the random body as it is, the text as frames" "none $(awk '$4 == "random" { print $2 }' want.txt)
zstd $((n - 1))" "$(sqlite3 -separator ' ' z.case "SELECT codec, sha256 FROM raw WHERE codec = 'none';
	SELECT codec, count(*) FROM raw WHERE codec = 'zstd'")"
expect_eq "a frame is at most 15/16 of the bytes; bytes as they are are their size" "0" \
	"$(sqlite3 z.case "SELECT count(*) FROM raw WHERE (codec = 'zstd' AND length(bytes) > size - size / 16)
		OR (codec = 'none' AND length(bytes) <> size)")"

# Every row decoded by the zstd program: the hashes and sizes Python wrote.
cat > decoded.py <<'PY'
import hashlib, os, sqlite3, sys
sys.path.insert(0, os.environ["WB_ROOT"] + "/tests/tools")
import rawbytes
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for sha, size, b in rawbytes.rows(db, "SELECT sha256, size, codec, bytes, size FROM raw"):
    print(hashlib.sha256(b).hexdigest(), len(b), sha == hashlib.sha256(b).hexdigest() and size == len(b))
PY
python3 decoded.py z.case | sort > got.txt
awk '{ print $2, $3, "True" }' want.sorted > want.cols
expect_file "zstd -d gives every copy's bytes: Python's hashes and sizes" want.cols got.txt

# The README's way, one copy at a time, and show --raw.
id=$(sqlite3 z.case "SELECT m.id FROM messages m JOIN raw r ON r.id = m.raw_id
	WHERE r.sha256 = '$(sha256sum < eml/m03.eml | cut -c1-64)'")
rid=$(sqlite3 z.case "SELECT raw_id FROM messages WHERE id = $id")
sqlite3 z.case "SELECT writefile('m.zst', bytes) FROM raw WHERE id = $rid" > /dev/null
zstd -dq m.zst -o m.out
expect_file "writefile and zstd -d give the .eml" eml/m03.eml m.out
expect_rc "show --raw" 0 wb show z.case "$id" --raw
expect_file "show --raw gives the .eml" eml/m03.eml .out
expect_rc "show" 0 wb show z.case "$id"
expect_match "show reads the headers from the frame" "^Subject: ADV: Refinance offer 3$" "$(cat .out)"
expect_match "and the analysis made from it" "^Subject +ADV: Refinance offer 3$" "$(cat .out)"

# reanalyze reads the bytes the frame gives: the same analysis again.
wb show z.case "$id" --format json > before.json
expect_rc "reanalyze" 0 wb reanalyze z.case
wb show z.case "$id" --format json > after.json
expect_file "reanalyze: the same analysis from the decoded bytes" before.json after.json
expect_rc "verify a sound case" 0 wb verify z.case
expect_eq "verify hashes what the frames give" "OK: $n stored messages match their SHA-256" "$(head -n 1 .out)"

# --raw-codec none: every copy as it is, the same SHA-256s; the digest's
# raw lines are the same for both cases.
wb init n.case --raw-codec none > /dev/null
expect_eq "init --raw-codec none is kept" "none" "$(sqlite3 n.case "SELECT value FROM case_info WHERE key = 'raw_codec'")"
wb ingest n.case eml m.mbox > /dev/null 2>&1
expect_eq "--raw-codec none: every copy as it is" "none $n" "$(sqlite3 -separator ' ' n.case "SELECT codec, count(*) FROM raw GROUP BY codec")"
python3 decoded.py n.case | sort > got.none
expect_file "--raw-codec none: Python's hashes and sizes" want.cols got.none
readme_digest_sql > digest.sql
sqlite3 -readonly z.case ".parameter set :run 1000" ".read digest.sql" | grep '^raw:' > z.raw
sqlite3 -readonly n.case ".parameter set :run 1000" ".read digest.sql" | grep '^raw:' > n.raw
expect_eq "(the digest has a raw line a copy)" "$n" "$(wc -l < z.raw)"
expect_file "the digest's raw lines do not depend on the codec" n.raw z.raw

# A byte of a frame changed behind the tool's back (by Python's sqlite3):
# verify says which row and which copy, and changes nothing.
python3 - "$rid" <<'PY'
import sqlite3, sys
db = sqlite3.connect("z.case")
b = bytearray(db.execute("SELECT bytes FROM raw WHERE id = ?", (int(sys.argv[1]),)).fetchone()[0])
b[len(b) // 2] ^= 0x55
db.execute("UPDATE raw SET bytes = ? WHERE id = ?", (bytes(b), int(sys.argv[1])))
db.commit()
PY
raw_state () { sqlite3 z.case "SELECT id, codec, size, sha256, hex(bytes) FROM raw ORDER BY id" | sha256sum; }
before=$(raw_state)
expect_rc "verify finds the changed frame" 1 wb verify z.case
expect_match "and names the row and the copy" \
	"^MISMATCH raw $rid \\(copy $id\\): recorded sha256 $(sha256sum < eml/m03.eml | cut -c1-64) size $(wc -c < eml/m03.eml | tr -d ' '), its zstd frame does not give the bytes back: " \
	"$(cat .out)"
expect_match "one stored message does not match" "error: 1 stored message\\(s\\) and 0 copies do not match" "$(cat .err)"
expect_eq "the case is left as it was" "$before" "$(raw_state)"
expect_rc "show --raw refuses the changed frame" 1 wb show z.case "$id" --raw
expect_match "naming the copy" "^error: copy $id: stored bytes $rid cannot be read: " "$(cat .err)"
expect_rc "reanalyze stops at the changed frame" 1 wb reanalyze z.case
expect_match "naming its row and the command that names its copies" \
	"^error: .*stored bytes $rid cannot be read: .*'workbench verify' names its copies" "$(cat .err)"
expect_eq "and leaves the bytes as they were" "$before" "$(raw_state)"

# The choice changed later, by 'case set' (for a case upgraded from before
# the codec, which goes on storing as it did): the change is in custody,
# the copies stored keep their codec, and a copy added after is a frame.
expect_rc "case set raw_codec=zstd" 0 wb case n.case set raw_codec=zstd
expect_eq "the change is logged" "raw_codec: 'none' -> 'zstd'" \
	"$(sqlite3 n.case "SELECT detail FROM custody WHERE action = 'case' ORDER BY id DESC LIMIT 1")"
expect_rc "ingest after the change" 0 wb ingest n.case later/m20.eml
expect_eq "the copies stored keep theirs; the new one is a frame" "none|$n
zstd|1" "$(sqlite3 n.case "SELECT codec, count(*) FROM raw GROUP BY codec ORDER BY codec")"
expect_eq "and gives back the bytes Python wrote" "$(sha256sum < later/m20.eml | cut -c1-64)" \
	"$(sqlite3 n.case "SELECT writefile('m20.zst', bytes) FROM raw WHERE codec = 'zstd'" > /dev/null && zstd -dc m20.zst | sha256sum | cut -c1-64)"
expect_rc "raw_codec cannot be unset" 2 wb case n.case set raw_codec=
expect_rc "nor be what no build knows" 2 wb case n.case set raw_codec=lz4
expect_eq "and stays as it was" "zstd" "$(sqlite3 n.case "SELECT value FROM case_info WHERE key = 'raw_codec'")"

# A case_info raw_codec no build knows: ingest says so and stores nothing.
sqlite3 n.case "UPDATE case_info SET value = 'lz4' WHERE key = 'raw_codec'"
expect_rc "an unknown raw_codec" 1 wb ingest n.case eml/m00.eml
expect_match "is named" "case_info raw_codec is 'lz4', not 'zstd' or 'none'" "$(cat .err)"
t_done
