#!/usr/bin/env python3
"""Mailboxes that test how an mbox is split and how copies are identified
(evidence/VIOLATIONS.md, "mbox framing"), with what each must yield.

Usage: mbox-rules.py DIR.  Writes the mailboxes into DIR and, for each
mailbox NAME, DIR/NAME.expect: one line per copy, in file order,
"SHA-256 LENGTH STATUS", the bytes each copy must be stored with and
whether it is flagged (ok or malformed).  The bytes come from Python's
mailbox module reading the file where it reads it right, else from this
generator's own record of what it wrote; each case says which.
"""
import bz2, gzip, hashlib, lzma, mailbox, os, shutil, subprocess, sys

d = sys.argv[1]
os.makedirs(d, exist_ok=True)

MSGS = [
    b"From: a@x.test\nTo: trap@x.test\nSubject: one\nMessage-ID: <1@x.test>\n\nfirst body\n",
    b"From: b@x.test\nTo: trap@x.test\nSubject: two\nMessage-ID: <2@x.test>\n\n"
    b"From the desk of the president\nFrom me to you\n>From a quoted line\nend\n",
    b"From: c@x.test\nTo: trap@x.test\nSubject: three\nMessage-ID: <3@x.test>\n\nlast\n\n",
]


def expect(name, copies, status=None):
    status = status or ["ok"] * len(copies)
    with open(os.path.join(d, name + ".expect"), "w") as f:
        for b, st in zip(copies, status):
            f.write("%s %d %s\n" % (hashlib.sha256(b).hexdigest(), len(b), st))


def python_mbox(path):
    box = mailbox.mbox(path)
    out = [box.get_bytes(k) for k in box.keys()]
    box.close()
    return out


# 1. Python's mailbox writes an empty line after every message, the last
# one too (RFC 4155); the copies are what it reads back.
path = os.path.join(d, "python.mbox")
box = mailbox.mbox(path)
for m in MSGS:
    box.add(m)
box.flush()
box.close()
expect("python.mbox", python_mbox(path))
# The reproduction: one message of 30 bytes.
one = os.path.join(d, "one.mbox")
box = mailbox.mbox(one)
box.add(b"From: a@x.test\nSubject: s\n\nhi\n")
box.flush()
box.close()
expect("one.mbox", python_mbox(one))
# Its compressed forms hold the same copies.
raw = open(path, "rb").read()
open(path + ".gz", "wb").write(gzip.compress(raw, mtime=0))
open(path + ".bz2", "wb").write(bz2.compress(raw))
open(path + ".xz", "wb").write(lzma.compress(raw))
subprocess.run(["zstd", "-q", "-f", path, "-o", path + ".zst"], check=True)
for ext in (".gz", ".bz2", ".xz", ".zst"):
    shutil.copy(os.path.join(d, "python.mbox.expect"), os.path.join(d, "python.mbox" + ext + ".expect"))
# CRLF throughout (a Windows writer): the ending empty line is CRLF.
crlf = [m.replace(b"\n", b"\r\n") for m in MSGS[:2]]
with open(os.path.join(d, "crlf.mbox"), "wb") as f:
    for m in crlf:
        f.write(b"From a@x.test Thu Aug 22 13:17:22 2002\r\n" + m.replace(b"\r\nFrom ", b"\r\n>From ") + b"\r\n")
crlf_read = [m.replace(b"\r\nFrom ", b"\r\n>From ") for m in crlf]
expect("crlf.mbox", crlf_read)  # the generator's record

# 6. From_ lines not in ctime's form, and no empty line before them.  Python's
# mailbox splits at every line starting "From ", dated or not; these
# messages have no such body line (the second is left out), so its reading
# is the answer.  Each form is one file of two messages.
forms = {
    "rfc2822": b"From a@x.test Thu, 22 Aug 2002 13:17:22 +0000",
    "noweekday": b"From a@x.test Aug 22 13:17:22 2002",
    "twodigit": b"From a@x.test Thu Aug 22 13:17:22 02",
    "iso": b"From a@x.test 2002-08-22T13:17:22Z",
    "ctime": b"From a@x.test Thu Aug 22 13:17:22 2002",
}
plain = [MSGS[0], MSGS[2]]
for name, line in forms.items():
    p = os.path.join(d, "form-%s.mbox" % name)
    with open(p, "wb") as f:
        for m in plain:
            f.write(line + b"\n" + m + b"\n")
    expect("form-%s.mbox" % name, python_mbox(p))
    # The same without the empty lines (a writer that leaves them out):
    # Python's mailbox keeps the message's own last line ending.
    p = os.path.join(d, "noblank-%s.mbox" % name)
    with open(p, "wb") as f:
        for m in plain:
            f.write(line + b"\n" + m)
    expect("noblank-%s.mbox" % name, python_mbox(p))

# A ctime mbox whose second message holds a line dated in another form:
# not a separator of this file, so one copy, flagged "possibly merged"
# (the line is line 6 of the copy).  Python's mailbox splits it in two.
p = os.path.join(d, "merged.mbox")
body = (b"From: d@x.test\nSubject: merged\n\nsee below\n\n"
        b"From b@x.test Thu, 22 Aug 2002 13:17:22 +0000\nSubject: inner\n\ninner body\n")
with open(p, "wb") as f:
    f.write(forms["ctime"] + b"\n" + MSGS[0] + b"\n")
    f.write(forms["ctime"] + b"\n" + body + b"\n")
assert len(python_mbox(p)) == 3
expect("merged.mbox", [MSGS[0], body], ["ok", "malformed"])

# 7. mboxcl2: Content-Length is right and no empty line follows the body;
# body lines are not quoted.  The generator's record is the answer (Python
# reads no Content-Length).
p = os.path.join(d, "mboxcl2-noblank.mbox")
cl = []
with open(p, "wb") as f:
    for m in MSGS:
        head, body = m.split(b"\n\n", 1)
        msg = head + b"\nContent-Length: %d\n\n" % len(body) + body
        cl.append(msg)
        f.write(forms["ctime"] + b"\n" + msg)
expect("mboxcl2-noblank.mbox", cl)

# 8. One delivery kept in a Maildir and exported to an mbox by Python's
# mailbox (mboxo: "From " body lines become ">From ") and to an mboxrd
# (">From " becomes ">>From " too): one copy, three locations.
os.makedirs(os.path.join(d, "export"), exist_ok=True)
md = mailbox.Maildir(os.path.join(d, "export", "Maildir"))
md.add(MSGS[1])
md.close()
p = os.path.join(d, "export", "mboxo.mbox")
box = mailbox.mbox(p)
box.add(MSGS[1])
box.flush()
box.close()
with open(os.path.join(d, "export", "mboxrd.mbox"), "wb") as f:
    import re
    f.write(forms["ctime"] + b"\n" + re.sub(rb"(?m)^(>*From )", rb">\1", MSGS[1]) + b"\n")
