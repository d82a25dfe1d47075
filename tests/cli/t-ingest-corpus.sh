#!/bin/sh
# ingest: the SpamAssassin corpus, 6,046 messages, all kept.  Checked by Python
# reading the tarball itself and the case file with its own sqlite3 module.
. "$WB_ROOT/tests/lib.sh"

tgz=$(corpus_tgz 2>/dev/null) || { skip "corpus" "SpamAssassin tarball not available"; t_done; exit 0; }
cd "$T" || exit 1
# The whole corpus, counted with Python's tarfile and hashlib (the
# check below prints them too).  12,107 members in the tarball (tar tzf |
# wc -l) plus the tarball itself; 6,046 .txt members, 5,453 of them start
# with a From_ line; 6,061 other files.  One member of the npm package
# (hard-ham-1/00230) does not hash to the MD5 in its own name: the package
# changed its bytes (it ends with an extra blank line).  The case stores
# the member exactly as the package holds it.
n=6046 from=5453 other=6061 members=12108 quoted=61
md5bad="md5 differs from the name: package/data/hard-ham-1/00230.244a63cd74c81123ef26129453e32c95.txt"
# WB_SAMPLE=N (make check-asan): every Nth message (corpus_sample), and the
# same counts read from the sample by Python.
if [ "${WB_SAMPLE:-1}" -gt 1 ]; then
	tgz=$(corpus_sample "$tgz") || exit 1
	counts=$(python3 -c '
import sys, tarfile
n = fr = other = members = 0
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        members += 1
        if not m.isfile():
            continue
        if m.name.endswith(".txt"):
            n += 1
            fr += t.extractfile(m).read().startswith(b"From ")
        else:
            other += 1
print(n, fr, other, members + 1)' "$tgz") || exit 1
	read -r n from other members <<-EOF
	$counts
	EOF
	tar tzf "$tgz" | grep -q hard-ham-1/00230 || md5bad=
	quoted=
fi
md5ok=$((n - $([ -n "$md5bad" ] && echo 1 || echo 0)))
wb init c.case > /dev/null
expect_rc "ingest the corpus tarball" 0 wb ingest c.case "$tgz"
cp "$T/.out" first.out
expect_eq "every message copy ($n)" "$n" "$(wb sql c.case "SELECT count(*) FROM messages" --format csv | tail -n 1)"

# A member that starts with a From_ line is an mbox of one message: the
# copy is what Python's mailbox reads from it (without the From_ line and
# without the empty line that ends every message of an mbox, RFC 4155: 5,212
# members end with one), and it starts right after the From_ line.
cat > check.py <<'PY'
import hashlib, mailbox, os, sqlite3, sys, tarfile, tempfile
sys.path.insert(0, os.environ["WB_ROOT"] + "/tests/tools")
import rawbytes
tgz, case = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
def mbox_of_one(b):
    path = os.path.join(tmp, "m")
    with open(path, "wb") as f:
        f.write(b)
    box = mailbox.mbox(path)
    keys = box.keys()
    msg = box.get_bytes(keys[0]) if len(keys) == 1 else None
    box.close()
    os.unlink(path)
    return msg
db = sqlite3.connect("file:%s?mode=ro" % case, uri=True)
rows = {}
for chain, off, ln, fl, sha, raw in rawbytes.rows(db,
        "SELECT s.chain, l.offset, l.length, l.from_line, m.sha256, r.codec, r.bytes, r.size FROM locations l"
        " JOIN sources s ON s.id = l.source_id JOIN messages m ON m.id = l.message"
        " JOIN raw r ON r.id = m.raw_id"):
    rows.setdefault(chain, []).append((off, ln, fl, sha, raw))
roles = dict(((c, (r, f)) for c, r, f in db.execute("SELECT chain, role, format FROM sources WHERE depth = 1")))
txt = from_lines = at_zero = md5_ok = slice_ok = other = other_ok = 0
bad = []
with tarfile.open(tgz) as t:
    for m in t:
        if not m.isfile():
            continue
        chain = tgz + "!" + m.name
        b = t.extractfile(m).read()
        if not m.name.endswith(".txt"):
            other += 1
            if roles.get(chain, (None,))[0] == "not-mail" and chain not in rows:
                other_ok += 1
            else:
                bad.append("not accounted as not mail: " + m.name)
            continue
        txt += 1
        if hashlib.md5(b).hexdigest() == m.name.rsplit("/", 1)[1].split(".")[1]:
            md5_ok += 1
        else:
            print("md5 differs from the name:", m.name)
        r = rows.get(chain, [])
        if len(r) != 1:
            bad.append("%d copies in %s" % (len(r), m.name))
            continue
        off, ln, fl, sha, raw = r[0]
        piece = b[off:off + ln]
        want = mbox_of_one(b) if b.startswith(b"From ") else b
        if piece == want and hashlib.sha256(piece).hexdigest() == sha and piece == raw:
            slice_ok += 1
        else:
            bad.append("slice of %s" % m.name)
        if b.startswith(b"From "):
            if fl is not None and b[:off] == fl.encode() + b"\n":
                from_lines += 1
            else:
                bad.append("From_ line of %s" % m.name)
        elif off == 0 and fl is None:
            at_zero += 1
        else:
            bad.append("offset of %s" % m.name)
print(txt, from_lines, at_zero, slice_ok, md5_ok, other == other_ok, other)
for x in bad[:10]:
    print(x)
PY
expect_eq "every member: slice hashes to its SHA-256, From_ line before the offset, MD5 in the name" \
	"${md5bad:+$md5bad
}$n $from $((n - from)) $n $md5ok True $other" "$(python3 check.py "$tgz" c.case)"
expect_eq "the summary accounts for every member" "members:    $members files and members read
copies:     $n found: $n added, 0 duplicate locations
not mail:   $other" "$(sed -n '/^members/,/^not mail/p' first.out)"
expect_eq "ingesting it again adds 0" "0" \
	"$(wb ingest c.case "$tgz" 2>/dev/null | sed -n 's/.*found: \([0-9]*\) added.*/\1/p')"
expect_eq "still $n copies" "$n" "$(wb sql c.case "SELECT count(*) FROM messages" --format csv | tail -n 1)"
expect_rc "verify" 0 wb verify c.case
expect_eq "verify says OK" "OK: $n stored messages match their SHA-256" "$(cat "$T/.out")"

# The same messages as one mboxrd file.  The generator's record: how many
# it wrote, and how many mboxrd quoting leaves unchanged (all but 61 of
# the whole corpus; a sample's share is whatever it holds).
python3 "$WB_ROOT/tests/gen/corpus-mboxrd.py" "$tgz" c.mbox keep.txt > counts
read -r wrote keep < counts
expect_eq "generator wrote $n, all but ${quoted:-some} unchanged by quoting" "$n ${quoted:+$((n - quoted))}" \
	"$wrote ${quoted:+$keep}"
wb init m.case > /dev/null
expect_rc "ingest the mboxrd file" 0 wb ingest m.case c.mbox
expect_eq "$n copies from the mbox" "$n" "$(wb sql m.case "SELECT count(*) FROM locations" --format csv | tail -n 1)"
wb sql c.case "SELECT sha256 FROM messages ORDER BY 1" --format csv | tail -n +2 > tgz.sha
wb sql m.case "SELECT sha256 FROM messages ORDER BY 1" --format csv | tail -n +2 > mbox.sha
expect_eq "unquoted messages: every SHA-256 in both" "$keep $keep" \
	"$(comm -12 keep.txt tgz.sha | wc -l) $(comm -12 keep.txt mbox.sha | wc -l)"
expect_eq "and no other message is the same in both" "$keep" "$(comm -12 tgz.sha mbox.sha | wc -l)"
# The quoted ones are the same copies all the same: their identity (the
# bytes without mbox quoting) is the one of the member's copy.
wb sql c.case "SELECT ident FROM messages ORDER BY 1" --format csv | tail -n +2 > tgz.ident
wb sql m.case "SELECT ident FROM messages ORDER BY 1" --format csv | tail -n +2 > mbox.ident
expect_eq "every copy has one identity in both" "$n" "$(comm -12 tgz.ident mbox.ident | wc -l)"
t_done
