#!/usr/bin/env python3
"""Build the ingest benchmark corpus from the SpamAssassin tarball
(argument 1): N messages (argument 3, default 200,000), the corpus repeated
with a unique Message-ID per copy, written as one mboxrd file OUTDIR/bench.mbox
and as a gzipped tar of a Maildir OUTDIR/maildir.tar.gz (argument 2 = OUTDIR).
Streams: the tar goes through gzip as it is written."""
import io, os, re, subprocess, sys, tarfile

tgz, outdir = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 200000
os.makedirs(outdir, exist_ok=True)
base = []
with tarfile.open(tgz) as t:
    for m in t:
        if m.isfile() and m.name.endswith(".txt"):
            b = t.extractfile(m).read()
            if b.startswith(b"From "):
                b = b[b.find(b"\n") + 1:]
            base.append(b)
mid = re.compile(rb"^(Message-ID:[ \t]*<)", re.I | re.M)
quote = re.compile(rb"^(>*From )", re.M)


def copies():
    for i in range(n):
        b = base[i % len(base)]
        k = i // len(base)
        hdr_end = b.find(b"\n\n")
        hdr = b[:hdr_end if hdr_end >= 0 else len(b)]
        if mid.search(hdr):
            b = mid.sub(rb"\1copy%d." % k, b, count=1)
        else:
            b = b"Message-ID: <bench-%d@workbench.test>\n" % i + b
        if not b.endswith(b"\n"):
            b += b"\n"
        yield i, b


tmp = os.path.join(outdir, "bench.mbox.tmp")
with open(tmp, "wb") as f:
    for i, b in copies():
        if i:
            f.write(b"\n")
        f.write(b"From bench@workbench.test Thu Aug 22 13:17:22 2002\n")
        f.write(quote.sub(rb">\1", b))
os.rename(tmp, os.path.join(outdir, "bench.mbox"))

tmp = os.path.join(outdir, "maildir.tar.gz.tmp")
with open(tmp, "wb") as f:
    gz = subprocess.Popen(["gzip", "-6"], stdin=subprocess.PIPE, stdout=f)
    with tarfile.open(fileobj=gz.stdin, mode="w|", format=tarfile.USTAR_FORMAT) as t:
        for i, b in copies():
            ti = tarfile.TarInfo("Maildir/cur/%d.%d.bench:2,S" % (1030000000 + i, i))
            ti.size = len(b)
            ti.mtime = 1030000000
            t.addfile(ti, io.BytesIO(b))
    gz.stdin.close()
    gz.wait()
os.rename(tmp, os.path.join(outdir, "maildir.tar.gz"))
