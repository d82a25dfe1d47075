"""The bytes of stored copies, decoded by the stock zstd program, not by
the workbench: a raw row holds its bytes as they are (codec 'none') or as
one standard zstd frame (codec 'zstd', evidence/case.h).

    import rawbytes
    rawbytes.decode([(codec, blob, size), ...])  -> [bytes, ...]
    rawbytes.rows(db, "SELECT x, r.codec, r.bytes, r.size FROM raw r ...")
        -> [(x, bytes), ...]: the last three columns decoded into one

As a program: rawbytes.py CASE RAW_ID writes that row's bytes to stdout.

Every frame goes through one `zstd -dc` run: the frames are concatenated,
zstd writes their contents one after the other, and raw.size splits them
(a frame that gives another length makes the split fail loudly)."""
import sqlite3
import subprocess
import sys


def decode(items):
    items = list(items)
    frames = [b for c, b, n in items if c == "zstd"]
    out = b""
    if frames:
        out = subprocess.run(["zstd", "-dcq"], input=b"".join(frames), stdout=subprocess.PIPE,
                             check=True).stdout
    want = sum(n for c, b, n in items if c == "zstd")
    if len(out) != want:
        raise ValueError("zstd gave %d bytes, raw.size says %d" % (len(out), want))
    res, at = [], 0
    for c, b, n in items:
        if c == "zstd":
            res.append(out[at:at + n])
            at += n
        elif c == "none":
            res.append(bytes(b))
        else:
            raise ValueError("unknown codec %r" % c)
    return res


def rows(db, sql, params=()):
    got = db.execute(sql, params).fetchall()
    dec = decode((r[-3], r[-2], r[-1]) for r in got)
    return [tuple(r[:-3]) + (d,) for r, d in zip(got, dec)]


if __name__ == "__main__":
    db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
    (b,) = decode(db.execute("SELECT codec, bytes, size FROM raw WHERE id = ?", (int(sys.argv[2]),)))
    sys.stdout.buffer.write(b)
