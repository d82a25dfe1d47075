#!/bin/sh
# ingest: what is read as it is and what is unpacked.  A file given (alone
# or in a folder) that does not start like an archive or a compressed
# stream is read as it is, like a member of an archive: a message that
# quotes a uuencoded file is one message, not that file.  A uuencoded
# file, a self-extracting zip and a compressed mbox are still unpacked.
# The oracle: Python writes each file and the bytes of each message in it
# (sha256sum of those bytes).
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
mkdir -p dir maildir/cur maildir/new maildir/tmp
python3 - <<'PY' || { t_fail "generator"; t_done; exit 1; }
import binascii, gzip, io, zipfile
def uu(data, name):
    out = b"begin 644 %s\n" % name
    for i in range(0, len(data), 45):
        out += binascii.b2a_uu(data[i:i + 45])
    return out + b"`\nend\n"
inner = (b"From: inner@sender.test\nTo: trap@example.org\nSubject: the inner one\n"
         b"Message-ID: <inner@sender.test>\n\nInside the uuencoded file.\n")
quoting = (b"From: uu@sender.test\nTo: trap@example.org\nSubject: a uuencoded attachment\n"
           b"Message-ID: <uu@sender.test>\n\nThe file follows.\n\n" + uu(inner, b"inner.eml") + b"\nBye.\n")
open("quoting.eml", "wb").write(quoting)
open("dir/quoting.eml", "wb").write(quoting)
open("maildir/cur/1.host:2,S", "wb").write(quoting)
open("inner.eml", "wb").write(inner)
open("packed.uu", "wb").write(uu(inner, b"inner.eml"))
z = io.BytesIO()
with zipfile.ZipFile(z, "w") as f:
    f.writestr("m.eml", inner)
open("sfx.exe", "wb").write(b"MZ" + b"\0" * 4094 + z.getvalue())
open("box.mbox.gz", "wb").write(gzip.compress(b"From a@b Thu Aug 22 13:17:22 2002\n" + quoting + b"\n"))
PY
sha () { sha256sum < "$1" | cut -c1-64; }
q () { wb sql "$1" "$2" --format csv | tail -n +2; }
# row CASE CHAIN: "format|filters|role|messages" of the source CHAIN.
row () { q "$1" "SELECT format || '|' || coalesce(filters, '') || '|' || role || '|' || messages FROM sources WHERE chain = '$2'"; }
# shas CASE CHAIN: the SHA-256 of the bytes of each copy found in source CHAIN.
shas () {
	q "$1" "SELECT r.sha256 FROM locations l JOIN sources s ON s.id = l.source_id JOIN raw r ON r.id = l.raw_id
		WHERE s.chain = '$2' ORDER BY l.offset"
}
bsdtar -cf quoting.tar quoting.eml packed.uu || t_fail "bsdtar"

wb init c.case > /dev/null
expect_rc "ingest the files" 0 wb ingest c.case quoting.eml dir maildir packed.uu sfx.exe box.mbox.gz quoting.tar
for f in quoting.eml dir/quoting.eml maildir/cur/1.host:2,S; do
	expect_eq "$f: a message, read as it is" "message||message|1" "$(row c.case "$f")"
	expect_eq "$f: its bytes are the file's" "$(sha quoting.eml)" "$(shas c.case "$f")"
done
expect_eq "in a tar too" "message||message|1" "$(row c.case 'quoting.tar!quoting.eml')"
expect_eq "a uuencoded file is decoded" "message|uu|message|1" "$(row c.case packed.uu)"
expect_eq "its message is the decoded bytes" "$(sha inner.eml)" "$(shas c.case packed.uu)"
expect_eq "a uuencoded member is decoded too" "message|uu|message|1
$(sha inner.eml)" "$(row c.case 'quoting.tar!packed.uu')
$(shas c.case 'quoting.tar!packed.uu')"
expect_eq "a self-extracting zip is a zip" "zip||container|0" "$(row c.case sfx.exe)"
expect_eq "its member" "$(sha inner.eml)" "$(shas c.case 'sfx.exe!m.eml')"
expect_eq "a gzipped mbox is unpacked" "mbox|gzip|message|1" "$(row c.case box.mbox.gz)"
expect_eq "its copy" "$(sha quoting.eml)" "$(shas c.case box.mbox.gz)"
t_done
