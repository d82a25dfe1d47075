#!/usr/bin/env python3
"""Build damaged and hostile inputs into OUTDIR (argument 1):

  truncated.mbox.gz   an mbox of 400 messages, gzipped, cut at 60 %
  corrupt.zip         three members; the second's compressed data overwritten
  passwd.tar          members named ../../etc/passwd and /tmp/abs.eml
  bomb.gz             1 GiB of zeros: 1,024 gzip members of 1 MiB each
                      (a valid multi-member gzip stream, ~1 MB on disk)
  bomb.tar.gz         a tar holding a 1 GiB member of zeros, gzipped the same way
  depth8.tar          8 tars nested, the innermost holds one message
  depth9.tar          9 tars nested
  big.mbox            three messages, the middle one about 300 KiB

Messages: msg(i) below.  OUTDIR/expect-* hold what the tests check.
"""
import gzip, hashlib, io, os, sys, tarfile, zipfile, zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
ENV = b"From spammer@spam.example Tue Jul  1 23:30:00 2008\n"


def msg(i, body=b"Buy now.\n"):
    return (b"From: s%d@spam.example\nTo: trap1@example.org\nSubject: message %d\n"
            b"Date: Tue, 1 Jul 2008 20:00:00 -0700\nMessage-ID: <m%d@spam.example>\n\n" % (i, i, i) + body)


def mbox(msgs):
    return b"\n".join(ENV + m for m in msgs)


def w(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def tar_bytes(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1214956800
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


# Truncated gzip: the messages wholly inside the first 60 % survive.
msgs = [msg(i, b"".join(hashlib.sha256(b"%d %d" % (i, k)).hexdigest().encode() + b"\n"
                        for k in range(40))) for i in range(400)]
full = mbox(msgs)
gz = gzip.compress(full, 9, mtime=0)
w("truncated.mbox.gz", gz[: len(gz) * 6 // 10])
with open(os.path.join(out, "expect-truncated"), "w") as f:
    for m in msgs:
        f.write(hashlib.sha256(m).hexdigest() + "\n")

# Corrupt zip: deflated members, the middle one's data overwritten.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(3):
        z.writestr(zipfile.ZipInfo("m%d.eml" % i, (2008, 7, 1, 0, 0, 0)),
                   msg(i, b"".join(b"%d abcdefghij\n" % k for k in range(300))))
data = bytearray(buf.getvalue())
with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
    info = z.getinfo("m1.eml")
start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
for k in range(start, start + 200):
    data[k] = 0x5A
w("corrupt.zip", bytes(data))
with open(os.path.join(out, "expect-corrupt"), "w") as f:
    for i in (0, 2):
        m = msg(i, b"".join(b"%d abcdefghij\n" % k for k in range(300)))
        f.write(hashlib.sha256(m).hexdigest() + "\n")

# Hostile member names.
w("passwd.tar", tar_bytes([("../../etc/passwd", msg(1)), ("/tmp/abs.eml", msg(2))]))

# Bombs, built by repeating one compressed member: nothing large touches the disk.
mib = bytes(1 << 20)
one = gzip.compress(mib, 9, mtime=0)
with open(os.path.join(out, "bomb.gz"), "wb") as f:
    for _ in range(1024):
        f.write(one)
hdr = tarfile.TarInfo("zeros")
hdr.size = 1 << 30
hdr.mtime = 0
head = hdr.tobuf(format=tarfile.USTAR_FORMAT)
with open(os.path.join(out, "bomb.tar.gz"), "wb") as f:
    f.write(gzip.compress(head, 9, mtime=0))
    for _ in range(1024):
        f.write(one)
    f.write(gzip.compress(bytes(1024), 9, mtime=0))

# Nesting.
for depth in (8, 9):
    inner = tar_bytes([("message.eml", msg(99))])
    for level in range(depth - 1, 0, -1):
        inner = tar_bytes([("level%d.tar" % (level + 1), inner)])
    w("depth%d.tar" % depth, inner)

# A message over a 100 KiB limit between two small ones.
w("big.mbox", mbox([msg(1), msg(2, b"y" * 300000 + b"\n"), msg(3)]))
with open(os.path.join(out, "expect-big"), "w") as f:
    for m in (msg(1), msg(3)):
        f.write(hashlib.sha256(m).hexdigest() + "\n")
