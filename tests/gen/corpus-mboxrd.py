#!/usr/bin/env python3
"""Write the .txt messages of the SpamAssassin tarball (argument 1) into one
mboxrd file (argument 2), in tarball order, and print the SHA-256 that the
workbench must store for each message whose bytes are not changed by the
mboxrd quoting, one per line, to the file given as argument 3.

Each message is written as it stands in its member, without its own From_
line if it has one; a From_ line precedes it and a blank line separates it
from the next.  mboxrd quotes every line matching ^>*From  with one more '>',
so those messages are stored with the quote and their SHA-256 differs: they
are left out of the list.  A message that does not end with a newline needs
one before the separator; it is written last, where no separator follows.
"""
import hashlib, re, sys, tarfile

tgz, out, shas = sys.argv[1], sys.argv[2], sys.argv[3]
msgs = []
with tarfile.open(tgz) as t:
    for m in t:
        if m.isfile() and m.name.endswith(".txt"):
            b = t.extractfile(m).read()
            if b.startswith(b"From "):
                nl = b.find(b"\n")
                env, b = b[:nl], b[nl + 1:]
            else:
                env = b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970"
            msgs.append((env, b))
msgs.sort(key=lambda x: not x[1].endswith(b"\n"))  # stable: the odd one goes last
quote = re.compile(rb"^(>*From )", re.M)
keep = []
with open(out, "wb") as f:
    for i, (env, b) in enumerate(msgs):
        if i:
            f.write(b"\n")
        f.write(env + b"\n")
        q = quote.sub(rb">\1", b)
        f.write(q)
        if q == b:
            keep.append(hashlib.sha256(b).hexdigest())
with open(shas, "w") as f:
    f.write("\n".join(sorted(keep)) + "\n")
print(len(msgs), len(keep))
