#!/usr/bin/env python3
"""Build the hostile-evidence fixtures into OUTDIR (argument 1); each is one
top-level file named after the kind of attack (see evidence/VIOLATIONS.md,
"Hostile evidence", and tests/cli/t-hostile.sh, which checks each outcome).
Nothing here is committed as binary: the test calls this script.

OUTDIR/expect-NAME holds, where a test needs it, the SHA-256 of the message
bytes this script wrote (the oracle), one per line.

An optional argument 2, N, makes the two large messages (the 10 MiB header
and the 10,000 parts) 1/N of that size, for the sanitizer run (WB_SAMPLE).
"""
import gzip, hashlib, io, os, sys, tarfile, zipfile, zlib, struct

out = sys.argv[1]
share = int(sys.argv[2]) if len(sys.argv) > 2 else 1
os.makedirs(out, exist_ok=True)


def sha(b):
    return hashlib.sha256(b).hexdigest()


def msg(i, extra=b"", body=b"Buy now.\n", subject=None, headers=None):
    subject = subject if subject is not None else b"hostile %d" % i
    h = headers if headers is not None else (
        b"From: s%d@spam.example\nTo: trap1@example.org\nSubject: " % i + subject +
        b"\nDate: Tue, 1 Jul 2008 20:00:00 -0700\nMessage-ID: <h%d@spam.example>\n" % i)
    return h + extra + b"\n" + body


def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def expect(name, msgs):
    with open(os.path.join(out, "expect-" + name), "w") as f:
        for m in msgs:
            f.write(sha(m) + "\n")


def tar_of(members):
    """members: (name, data or None, kind, linkname)"""
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, data, kind, link in members:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1214956800
            ti.type = kind
            if link:
                ti.linkname = link
            if data is not None:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
            else:
                t.addfile(ti)
    return b.getvalue()


# --- Archives -----------------------------------------------------------

# Member names: '..', absolute, backslashes, undecodable bytes.  The names
# are recorded (escaped), the messages read, nothing written to disk.
names = [("../../up.eml", 1), ("/abs/path.eml", 2), ("..\\..\\win\\evil.eml", 3),
         ("bad-\udcff\udcfe.eml", 4)]
ms = [msg(i) for _, i in names]
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT, encoding="utf-8",
                  errors="surrogateescape") as t:
    for (n, i), m in zip(names, ms):
        ti = tarfile.TarInfo(n)
        ti.size = len(m)
        ti.mtime = 1214956800
        t.addfile(ti, io.BytesIO(m))
put("names.tar", b.getvalue())
expect("names", ms)
# A good mailbox ingested after each fixture: nothing else may be lost.
good = [msg(900 + i) for i in range(3)]
put("good.mbox", b"\n".join(b"From x Tue Jul  1 23:30:00 2008\n" + m for m in good))
expect("good", good)
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w") as z:
    for (n, i), m in zip(names[:3], ms[:3]):
        z.writestr(n, m)
put("names.zip", zb.getvalue())

# A symlink member: not followed, recorded as skipped.  A hardlink member:
# another name of real.eml, so a second location of its copy.
m5 = msg(5)
put("links.tar", tar_of([("real.eml", m5, tarfile.REGTYPE, None),
                         ("sym.eml", None, tarfile.SYMTYPE, "/etc/passwd"),
                         ("hard.eml", None, tarfile.LNKTYPE, "real.eml")]))
expect("links", [m5, m5])

# A zip bomb: one member of 256 MiB of zeros, deflated (~250 KB).
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("zeros.eml", "w", force_zip64=True) as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(256):
            f.write(chunk)
put("bomb.zip", zb.getvalue())
# A gzip bomb: 256 members of 1 MiB of zeros each (~260 KB).
one = gzip.compress(b"\0" * (1 << 20), mtime=0)
put("bomb.gz", one * 256)

# 12 gzip layers around one message: compression layers are one filter
# chain of one container, not nested containers (depth9.tar of
# bad-archives.py is the nesting limit's test).
d = msg(6)
for _ in range(12):
    d = gzip.compress(d, mtime=0)
put("deep.gz", d)

# Truncated containers: a zip and a tar cut in their middle, a gzip cut.
# Bodies of hex digests compress poorly, so a cut in the middle of the
# compressed data is also in the middle of the messages.
many = [msg(100 + i, body=b"".join(hashlib.sha256(b"%d %d" % (i, j)).hexdigest().encode() + b"\n"
                                   for j in range(40))) for i in range(40)]
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
    for i, m in enumerate(many):
        z.writestr("m%02d.eml" % i, m)
zdata = zb.getvalue()
put("truncated.zip", zdata[:len(zdata) // 2])
tdata = tar_of([("m%02d.eml" % i, m, tarfile.REGTYPE, None) for i, m in enumerate(many)])
put("truncated.tar", tdata[:len(tdata) // 2 + 100])
# The gzip: 200 such messages (libarchive hands out gzip data in 64 KiB
# blocks, and the block the cut falls in is lost: see VIOLATIONS.md).
many += [msg(200 + i, body=b"".join(hashlib.sha256(b"g %d %d" % (i, j)).hexdigest().encode() + b"\n"
                                    for j in range(40))) for i in range(160)]
gz = gzip.compress(b"\n".join(b"From x Tue Jul  1 23:30:00 2008\n" + m for m in many), mtime=0)
put("truncated.gz", gz[:len(gz) // 2])
expect("truncated", many)

# Bad CRC: a gzip whose trailer CRC is wrong, and a zip member whose stored
# CRC is wrong (the data itself intact).
g = bytearray(gzip.compress(msg(7), mtime=0))
g[-8] ^= 0xFF
put("badcrc.gz", bytes(g))
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w", zipfile.ZIP_STORED) as z:
    z.writestr("a.eml", msg(8))
    z.writestr("b.eml", msg(9))
zd = bytearray(zb.getvalue())
# Local header of the first member: signature, then CRC at offset 14.
assert zd[:4] == b"PK\x03\x04"
zd[14] ^= 0xFF
cd = zd.find(b"PK\x01\x02")
zd[cd + 16] ^= 0xFF                  # and its central directory entry
put("badcrc.zip", bytes(zd))
expect("badcrc-zip", [msg(9)])

# Empty and binary files.
put("empty.eml", b"")
put("binary.bin", bytes((i * 7 + 13) % 256 for i in range(4096)))

# --- Messages -----------------------------------------------------------

# A 10 MB header field (one line).
put("bigheader.eml", msg(10, extra=b"X-Junk: " + b"A" * ((10 << 20) // share) + b"\n"))
# A 10,000-part multipart.
parts = b"".join(b"--B\nContent-Type: text/plain\n\npart %d\n" % i for i in range(10000 // share))
put("parts10k.eml", msg(11, extra=b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n",
                        body=parts + b"--B--\n"))
# MIME nested 1,100 deep (multipart inside multipart ...).
depth = 1100
head = b"".join(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1) for i in range(depth))
tail = b"".join(b"--b%d--\n" % i for i in reversed(range(depth + 1)))
inner = b"--b%d\nContent-Type: text/plain\n\ndeep inside\n" % depth
put("nest1100.eml", msg(12, extra=b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b0\n",
                        body=head + inner + tail))
# Broken base64 and quoted-printable bodies.
put("badb64.eml", msg(13, extra=b"MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n",
                      body=b"QnV5IG5vdy4=!!!*** not base64 at all \xff\n===\nQnV5\n"))
put("badqp.eml", msg(14, extra=b"MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n",
                     body=b"Buy =ZZ now =\n=4 =E9=\n=\n"))
# Invalid UTF-8 and raw 8-bit headers.
put("rawheaders.eml", msg(15, subject=b"caf\xe9 \xff\xfe \xc3\x28 invalid",
                          extra=b"X-Raw: \x80\x81\x82\n"))
# Malformed RFC 2047 words.
put("bad2047.eml", msg(16, subject=b"=?utf-8?B?not*base64?= =?bogus?Q?x?= =?utf-8?Q?unterminated =?=?"))
# Dates: missing, impossible, zone-less.
put("nodate.eml", b"From: s17@spam.example\nTo: trap1@example.org\nSubject: no date\nMessage-ID: <h17@spam.example>\n\nx\n")
put("baddate.eml", msg(18, headers=b"From: s18@spam.example\nTo: trap1@example.org\nSubject: bad date\n"
                       b"Date: Sat, 31 Feb 2008 25:61:61 +9999\nMessage-ID: <h18@spam.example>\n"))
put("nozone.eml", msg(19, headers=b"From: s19@spam.example\nTo: trap1@example.org\nSubject: no zone\n"
                      b"Date: Tue, 1 Jul 2008 20:00:00\nMessage-ID: <h19@spam.example>\n"))
# One Message-ID on different bytes.
a = msg(20, body=b"first\n")
b2 = msg(20, body=b"second\n")
put("samemsgid.mbox", b"From x Tue Jul  1 23:30:00 2008\n" + a + b"\nFrom x Tue Jul  1 23:30:00 2008\n" + b2)
expect("samemsgid", [a, b2])
# Line endings: CRLF, bare CR, mixed.
base = msg(21)
put("crlf.eml", base.replace(b"\n", b"\r\n"))
put("cr.eml", msg(22).replace(b"\n", b"\r"))
mixed = msg(23).split(b"\n")
put("mixed.eml", b"".join(l + (b"\r\n", b"\n", b"\r")[i % 3] for i, l in enumerate(mixed)))
# Subjects starting with = + - @ and tab (formula injection in exhibits).
# (a leading tab can only come from an encoded word: header unfolding
# drops the whitespace after the colon)
for i, s in enumerate([b"=HYPERLINK(\"http://x.example\",\"y\")", b"+1+1", b"-2+3", b"@SUM(A1)",
                       b"=?utf-8?Q?=09=3D1?="]):
    put("formula%d.eml" % i, msg(30 + i, subject=s))
# Control characters and bidirectional overrides in names and subjects.
put("bidi.eml", msg(40, headers=b"From: \"Evil \x1b[31mRed\x1b[0m \xe2\x80\xaeesrever\" <s40@spam.example>\n"
                    b"To: trap1@example.org\nSubject: =?utf-8?B?" +
                    __import__("base64").b64encode("bell \x07 del \x7f rlo \u202e gnp.exe nul? \u2066iso".encode()) +
                    b"?=\nDate: Tue, 1 Jul 2008 20:00:00 -0700\nMessage-ID: <h40@spam.example>\n"))
