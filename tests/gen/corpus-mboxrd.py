#!/usr/bin/env python3
"""Write the .txt messages of the SpamAssassin tarball (argument 1) into one
mboxrd file (argument 2), in tarball order, and print the SHA-256 that the
workbench must store for each message whose bytes are not changed by the
mboxrd quoting, one per line, to the file given as argument 3.

Each message is the member as it stands or, for a member that starts with a
From_ line (an mbox of one), as Python's mailbox reads it: without that line
and without the empty line that ends it (RFC 4155).  A From_ line precedes
each message and an empty line ends it, as mboxrd writers do.  mboxrd
quotes every line matching ^>*From  with one more '>', so those messages
are stored with the quote and their SHA-256 differs: they are left out of
the list (their identity, messages.ident, is the same).  A message that does not end with a newline needs
one before the separator; it is written last, where no separator follows.
"""
import hashlib, mailbox, os, re, sys, tarfile, tempfile

tgz, out, shas = sys.argv[1], sys.argv[2], sys.argv[3]
tmp = tempfile.mkdtemp()


def mbox_of_one(b):
    path = os.path.join(tmp, "m")
    with open(path, "wb") as f:
        f.write(b)
    box = mailbox.mbox(path)
    msg = box.get_bytes(box.keys()[0])
    box.close()
    os.unlink(path)
    return msg


msgs = []
with tarfile.open(tgz) as t:
    for m in t:
        if m.isfile() and m.name.endswith(".txt"):
            b = t.extractfile(m).read()
            if b.startswith(b"From "):
                env = b[:b.find(b"\n")]
                b = mbox_of_one(b)
            else:
                env = b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970"
            msgs.append((env, b))
msgs.sort(key=lambda x: not x[1].endswith(b"\n"))  # stable: the odd one goes last
quote = re.compile(rb"^(>*From )", re.M)
keep = []
with open(out, "wb") as f:
    for env, b in msgs:
        f.write(env + b"\n")
        q = quote.sub(rb">\1", b)
        f.write(q)
        if b.endswith(b"\n"):
            f.write(b"\n")
        if q == b:
            keep.append(hashlib.sha256(b).hexdigest())
with open(shas, "w") as f:
    f.write("\n".join(sorted(keep)) + "\n")
print(len(msgs), len(keep))
