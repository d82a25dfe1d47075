#!/usr/bin/env python3
"""Build the fixtures of tests/cli/t-ingest-defects.sh into OUTDIR (argument 1).

Each is written the way the software that makes such files writes it:
Python's email and mailbox modules for messages and mailboxes, tarfile
(GNU and pax formats) and zipfile for archives, `cpio -o -H newc` and `ln`
for hard-linked Maildir deliveries.  The defects of item 3 of issue 14 are
messages as broken mailers and hand edits leave them; the script writes
their bytes and says what each is.

OUTDIR/expect/NAME holds the oracle, computed here from the bytes written:
lines "sha256 status warnings|..." as documented in evidence/VIOLATIONS.md.
"""
import email.message, email.policy, hashlib, io, mailbox, os, shutil, subprocess, sys
import tarfile, zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
exp = os.path.join(out, "expect")
os.makedirs(exp, exist_ok=True)


def sha(b):
    return hashlib.sha256(b).hexdigest()


def put(name, data):
    p = os.path.join(out, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)
    return p


def expect(name, lines):
    with open(os.path.join(exp, name), "w") as f:
        for l in lines:
            f.write(l + "\n")


def message(i, body="Buy now.\n", to="trap1@example.org"):
    """A message as Python's email package writes it (LF line ends)."""
    m = email.message.EmailMessage(policy=email.policy.compat32)
    m["From"] = "s%d@spam.example" % i
    m["To"] = to
    m["Subject"] = "defect %d" % i
    m["Date"] = "Tue, 1 Jul 2008 20:00:00 -0700"
    m["Message-ID"] = "<d%d@spam.example>" % i
    m.set_payload(body)
    return m.as_bytes(policy=email.policy.compat32)


# --- Item 2: NUL bytes ---------------------------------------------------
# A delivered .eml whose body holds a NUL, and an mbox (Python's mailbox) of
# three messages whose second holds one within the file's first 8 KiB.
nul = message(1, "Buy\0now.\n")
put("nul/nul.eml", nul)
expect("nul.eml", ["%s malformed NUL byte at offset %d" % (sha(nul), nul.index(b"\0"))])
mb_path = os.path.join(out, "nul", "three.mbox")
box = mailbox.mbox(mb_path)
msgs = [message(10), message(11, "text\0with a NUL\n"), message(12)]
for m in msgs:
    box.add(m)
box.flush()
box.close()
box = mailbox.mbox(mb_path)
got = [box.get_bytes(k) for k in box.keys()]
box.close()
assert len(got) == 3 and b"\0" in got[1]
# The warning's offset is the NUL's place in the copy as Python's mailbox
# gives it (the From_ line is not part of the copy).
expect("three.mbox", ["ok ", "malformed NUL byte at offset %d" % got[1].index(b"\0"), "ok "])

# --- Item 3: .eml files with defects ------------------------------------
base = message(20)
hdr, body = base.split(b"\n\n", 1)
lines = hdr.split(b"\n")
defects = {}
# RFC 5322 4.5.3: white space before the colon (obs-optional).
defects["obsolete.eml"] = (b"\n".join(lines[:2] + [b"X-Mailer : Mass Mailer 2.0"] + lines[2:])
                           + b"\n\n" + body, "obsolete header syntax (line 3)", "defect 20")
# A header line with no colon between two fields.
defects["nocolon.eml"] = (b"\n".join(lines[:1] + [b"this line has no colon"] + lines[1:])
                          + b"\n\n" + body, "header line without colon (line 2); invalid header name (this line has no colon)",
                          "defect 20")  # the second warning is GMime's
# No blank line between the header and the body.
defects["noblank.eml"] = (hdr + b"\n" + b"Buy now, no blank line above.\n",
                          "no blank line after header", "defect 20")
# A UTF-8 byte-order mark (Windows editors) and a leading blank line.
defects["bom.eml"] = (b"\xef\xbb\xbf" + base, "leading byte-order mark", "defect 20")
defects["blank.eml"] = (b"\n" + base, "leading blank line", "defect 20")
for name, (data, warn, subj) in defects.items():
    put("defects/" + name, data)
    expect(name, ["%s malformed %s|%s|s20@spam.example" % (sha(data), warn, subj)])

# The header block cut by the first read (64 KiB): the field name at the
# boundary is incomplete in the first buffer.  The same file with 10 more
# bytes in front (a longer first header) was accepted.
def cut_at(pad):
    pre = b"Received: from relay%s.spam.example by mx.example.org; Tue, 1 Jul 2008 23:30:00 -0400\n" % (b"x" * pad)
    fill = b""
    n = 0
    while len(pre) + len(fill) < 65536 - 200:
        fill += b"X-Filler-%05d: %s\n" % (n, b"f" * 60)
        n += 1
    head = pre + fill
    # Put the boundary inside the name of the next field.
    gap = 65536 - len(head) - 8
    head += b"X-Gap: " + b"g" * (gap - 8) + b"\n"
    assert 65536 - len(head) == 8
    return head + b"X-Boundary-Field: inside\n" + base
cut = cut_at(0)
assert cut[65536 - 8:65536] == b"X-Bounda"
put("defects/cut.eml", cut)
expect("cut.eml", ["%s ok |defect 20|s20@spam.example" % sha(cut)])

# Not mail at all: these stay "not mail".
put("notmail/README", b"# Mail tools\n\nThis folder holds tools.\nFrom: nobody\n")
put("notmail/data.json", b'{"from": "a@b.example", "subject": "x"}\n')
put("notmail/blob.bin", b"\x7fELF\x02\x01\x01\0" + bytes(range(256)) * 4)
put("notmail/prose.txt", b"Subject: minutes of the meeting\nWe met and talked.\n")

# --- Item 4: hard-linked deliveries (Dovecot LMTP, maildrop, qmail) -------
# One delivery to two trap accounts, hard-linked into each Maildir, and one
# delivery to a single trap.  The messages name no trap in their headers:
# the trap comes from the Maildir's path.  Archived with GNU tar (gnu and
# pax formats), Python's tarfile and cpio newc.
with open(os.path.join(out, "traps.csv"), "w") as f:
    f.write("address,timezone\ntrap1@example.org,UTC\ntrap2@example.org,UTC\ntrap3@example.org,UTC\n")
ml = os.path.join(out, "linked")
for t in ("trap1@example.org", "trap2@example.org", "trap3@example.org"):
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(ml, t, d), exist_ok=True)
shared = message(30, to="undisclosed-recipients:;")
single = message(31, to="undisclosed-recipients:;")
md = mailbox.Maildir(os.path.join(ml, "trap1@example.org"), create=False)
key = md.add(shared)
md.close()
first = os.path.join(ml, "trap1@example.org", "new", key)
for t in ("trap2@example.org", "trap3@example.org"):
    os.link(first, os.path.join(ml, t, "new", key))
md = mailbox.Maildir(os.path.join(ml, "trap2@example.org"), create=False)
md.add(single)
md.close()
# Oracle: per trap, the SHA-256 of each delivery in its new/ (every name
# is a location; sha256 of the file as written).
lines = []
for t in ("trap1@example.org", "trap2@example.org", "trap3@example.org"):
    for f in sorted(os.listdir(os.path.join(ml, t, "new"))):
        lines.append("%s %s" % (t, sha(open(os.path.join(ml, t, "new", f), "rb").read())))
expect("linked", sorted(lines))
names = sorted(os.path.relpath(os.path.join(r, f), ml)
               for r, ds, fs in os.walk(ml) for f in fs + ds)
subprocess.run(["tar", "--format=gnu", "-C", ml, "-cf", os.path.join(out, "linked-gnu.tar"), "."],
               check=True)
subprocess.run(["tar", "--format=pax", "-C", ml, "-cf", os.path.join(out, "linked-pax.tar"),
                "--sort=name", "."], check=True)
with tarfile.open(os.path.join(out, "linked-py.tar"), "w") as tf:
    tf.add(ml, arcname="export")
with open(os.path.join(out, "linked.cpio"), "wb") as f:
    subprocess.run(["cpio", "--quiet", "-o", "-H", "newc"], cwd=ml, check=True, stdout=f,
                   input="\n".join(names).encode() + b"\n")
# A link whose first name is not in the archive (a tar made of one
# recipient's Maildir from a list of names).
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT) as tf:
    ti = tarfile.TarInfo("trap2@example.org/new/" + key)
    ti.type = tarfile.LNKTYPE
    ti.linkname = "trap1@example.org/new/" + key
    tf.addfile(ti)
put("dangling.tar", b.getvalue())
# A hard link to a member that is itself an archive, and to one that is not
# mail: nothing to copy, said so.
inner = io.BytesIO()
with tarfile.open(fileobj=inner, mode="w", format=tarfile.GNU_FORMAT) as tf:
    ti = tarfile.TarInfo("m.eml")
    m32 = message(32)
    ti.size = len(m32)
    tf.addfile(ti, io.BytesIO(m32))
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT) as tf:
    for n, data in (("inner.tar", inner.getvalue()), ("notes.txt", b"no mail here\n")):
        ti = tarfile.TarInfo(n)
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
    for n, target in (("inner-link.tar", "inner.tar"), ("notes-link.txt", "notes.txt")):
        ti = tarfile.TarInfo(n)
        ti.type = tarfile.LNKTYPE
        ti.linkname = target
        tf.addfile(ti)
put("link-other.tar", b.getvalue())
expect("link-other.tar", [sha(m32)])

# --- Item 5: Maildir tmp/ in archives, maildir(5)'s rule ----------------
# A zip of export/tmp/offer.eml alone: no cur/ or new/ beside tmp/, so not
# a Maildir's tmp/: the message counts.
offer = message(40)
with zipfile.ZipFile(os.path.join(out, "tmp-alone.zip"), "w") as z:
    z.writestr("export/tmp/offer.eml", offer)
expect("tmp-alone.zip", [sha(offer)])
# A tar made inside a Maildir (members cur/..., new/..., tmp/..., no
# leading folder), tmp/ first as GNU tar may order them: tmp/ is skipped.
mt = os.path.join(out, "inside")
for d in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(mt, d), exist_ok=True)
delivered, partial = message(41), message(42)
put("inside/new/1.host", delivered)
put("inside/tmp/2.host", partial)
with tarfile.open(os.path.join(out, "inside.tar"), "w") as tf:
    for n in ("tmp", "tmp/2.host", "new", "new/1.host", "cur"):
        tf.add(os.path.join(mt, n), arcname=n, recursive=False)
# The same without the folder entries (only files, tmp/ first).
with tarfile.open(os.path.join(out, "inside-files.tar"), "w") as tf:
    for n in ("tmp/2.host", "new/1.host"):
        tf.add(os.path.join(mt, n), arcname=n)
expect("inside.tar", [sha(delivered)])
# More tmp/ bytes before cur/ or new/ than ingest holds (16 MiB a
# container): read when the limit is passed, and flagged as not decided.
big = message(43, "x" * 70 + "\n") + b"y" * (17 << 20) + b"\n"
with tarfile.open(os.path.join(out, "inside-big.tar"), "w") as tf:
    for n, data in (("tmp/3.host", big), ("new/1.host", delivered)):
        ti = tarfile.TarInfo(n)
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
expect("inside-big.tar", sorted([sha(delivered), sha(big)]))
shutil.rmtree(mt)

# --- The summary: more files with no copy than it names one by one -------
for i in range(25):
    put("many/note-%02d.txt" % i, b"Nothing to see in file %d.\n" % i)
