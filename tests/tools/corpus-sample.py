#!/usr/bin/env python3
"""A sample of the SpamAssassin corpus tarball, for the sanitizer run:
'corpus-sample.py TARBALL N OUT.tgz' keeps every Nth message (in the order
of the names of the .txt members) with its .json twin, and every member
that is not a message (package.json, lib/, data.js, file_list.json), each
with its name and bytes unchanged, in the tarball's order.  N=1 keeps all.
Prints the number of messages kept."""
import gzip, sys, tarfile

src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with tarfile.open(src) as t:
    members = [m for m in t]
    stems = sorted(m.name[:-4] for m in members if m.isfile() and m.name.endswith(".txt"))
    keep = set(stems[::n])

    def kept(m):
        stem = m.name.rsplit(".", 1)[0]
        if m.name.endswith(".txt") or (m.name.endswith(".json") and stem + ".txt" in names):
            return stem in keep
        return True

    names = set(m.name for m in members)
    # mtime=0 and a fixed gzip header: the same sample, the same bytes.
    with open(out, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as z, \
            tarfile.open(fileobj=z, mode="w", format=t.format) as o:
        for m in members:
            if kept(m):
                o.addfile(m, t.extractfile(m) if m.isfile() else None)
print(len(keep))
