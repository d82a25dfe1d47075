#!/usr/bin/env python3
"""Write one set of messages the way real mail software writes them, in many
variants, and say for each what its copies must be.

    mail-variants.py OUTDIR

OUTDIR/in/NAME is each variant (a file or a folder, ingested by that name
from OUTDIR/in); OUTDIR/exp/NAME is what ingesting it must give, in the
form tests/cli/t-differential.sh prints from the case:

    copies N                        distinct copies (messages rows)
    copy IDENT TRAP STATUS          each copy: identity, trap, ok | malformed
    at SHA256 TRAP                  the set of (bytes of a location, trap)
    loc CHAIN OFFSET LENGTH         every location

OUTDIR/exp/NAME.python is the same computed from Python's mailbox alone
(without the corrections below), so the test can say which oracle the
workbench follows when it differs; OUTDIR/exp/NAME.note says what the
variant is and where Python's reading was corrected; OUTDIR/exp/NAME.disagree,
when present, says that the two oracles below disagree (a defect of this
script, reported by the test as a failure of the variant).
OUTDIR/traps.csv is the trap roster, OUTDIR/variants the names, in order.

Two oracles, both independent of the workbench:

1. The record: this script wrote the bytes itself (the mbox writers below
   follow mutt's, mboxrd's, Thunderbird's and the Content-Length formats'
   documented rules), so it knows where each message is.
2. The reader: Python's own modules read every variant back (tarfile,
   zipfile, gzip, bz2, lzma, the zstd command, a newc reader written from
   cpio(5), os.walk, mailbox.mbox, mailbox.Maildir, email), with RFC 4155's
   rules where they are stricter than Python's mailbox:
   - every message, the last one included, is followed by an empty line
     that is not part of it (Python drops a "\\n" empty line but keeps a
     "\\r\\n" one);
   - a message starts only at a From_ line: "From ", the envelope sender,
     a date.  Python's mailbox splits at every line that starts "From ",
     so it cuts "From the desk of ..." out of a body although that line
     carries no date.  Here the separator style (the date form) is taken
     from the file's first line, lines of that style split (whether a blank
     line is before them or not), and a copy that still holds a From_ line
     of another date form is status malformed, "possibly merged";
   - Content-Length (mboxcl, mboxcl2) is believed when it ends where the
     file or a next From_ line (after an optional empty line) begins.
   Record and reader must agree on every location's bytes.

Identity (as the workbench defines it): a copy is (IDENT, trap), where IDENT
is the SHA-256 of the bytes with every leading '>' removed from each line
matching ^>+From ; copies of one trap that differ only by that quoting are
one copy with several locations.  The trap is the first of Delivered-To,
X-Original-To, Envelope-To, To, Cc that names a trap, else a folder of the
chain named after one.  A copy is malformed when it holds a NUL byte, when
Python's email parser reports a defect or finds no header at all, or when it
is possibly merged; otherwise ok.
"""
import bz2, email, email.parser, email.policy, gzip, hashlib, io, lzma, mailbox, os, re
import shutil, subprocess, sys, tarfile, tempfile, zipfile

OUT = sys.argv[1]
for tool in ("tar", "cpio", "bsdtar", "zstd"):
    if not shutil.which(tool):
        sys.exit("error: '%s' is not installed (make deps installs it)" % tool)
IN = os.path.join(OUT, "in")
EXP = os.path.join(OUT, "exp")
os.makedirs(IN, exist_ok=True)
os.makedirs(EXP, exist_ok=True)

TRAPS = ["alice@trap.test", "bob@trap.test", "carol@trap.test", "dave@trap.test"]


def sha(b):
    return hashlib.sha256(b).hexdigest()


# ------------------------------------------------------------ the messages

def lf(lines):
    return "".join(l + "\n" for l in lines).encode("utf-8")


def received(day, n):
    return ["Received: from mx%d.sender.test (mx%d.sender.test [192.0.2.%d])" % (n, n, n),
            "\tby mx.trap.test (Postfix) with ESMTP id 4F%02dA%d;" % (day, n),
            "\tThu, %d Jan 2008 12:%02d:05 +0000" % (day, n)]


def hdr(day, n, rcpt, subject, extra=()):
    return ([rcpt] + received(day, n) +
            ["From: \"Deals %d\" <deals%d@sender.test>" % (n, n),
             "Subject: " + subject,
             "Date: Thu, %d Jan 2008 12:%02d:00 +0000" % (day, n),
             "Message-ID: <m%d.%d@sender.test>" % (n, day),
             "MIME-Version: 1.0"] + list(extra))


# Each message: (name, envelope sender, day of January 2008, bytes).  The day
# sets the From_ line's date; days under 10 give ctime's "Jan  3" form.
MSGS = []


def add(name, n, day, b):
    MSGS.append((name, "deals%d@sender.test" % n, day, 12, n, b))


add("plain", 1, 3, lf(hdr(3, 1, "Delivered-To: alice@trap.test", "ADV: Cheap loans",
                          ["To: alice@trap.test", "Content-Type: text/plain; charset=us-ascii"]) +
                      ["", "Refinance today at 3.1%.", "", "Reply STOP to opt out."]))

add("multipart", 2, 4, lf(hdr(4, 2, "To: Bob <bob@trap.test>", "Your order",
                              ["Content-Type: multipart/mixed; boundary=\"=-outer-2\""]) +
                          ["", "This is a multi-part message in MIME format.", "",
                           "--=-outer-2",
                           "Content-Type: multipart/alternative; boundary=\"=-alt-2\"", "",
                           "--=-alt-2", "Content-Type: text/plain; charset=us-ascii", "",
                           "Pills at half price.", "",
                           "--=-alt-2", "Content-Type: text/html; charset=us-ascii", "",
                           "<html><body><p>Pills at <b>half</b> price.</p>"
                           "<a href=\"http://pills.sender.test/?aff=77\">buy</a></body></html>", "",
                           "--=-alt-2--", "",
                           "--=-outer-2",
                           "Content-Type: application/pdf; name=\"price.pdf\"",
                           "Content-Disposition: attachment; filename=\"price.pdf\"",
                           "Content-Transfer-Encoding: base64", "",
                           "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK",
                           "dHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK", "",
                           "--=-outer-2--"]))

# Body lines that start "From ": one with a date (a forwarded mbox line), one
# without, and lines already quoted once and twice.
add("from-lines", 3, 5, lf(hdr(5, 3, "X-Original-To: carol@trap.test", "Fwd: old offer",
                               ["To: carol@trap.test", "Content-Type: text/plain; charset=us-ascii"]) +
                           ["", "From now on prices drop every day.", "",
                            "---- forwarded ----",
                            "From deals9@sender.test Sat Dec 29 09:15:00 2007",
                            "Subject: the old offer", "",
                            ">From the archive, quoted once by an earlier mailbox",
                            ">>From deeper still", "",
                            "From here, click the link."]))

# "From the desk of ...": a body line after a blank line that carries no date.
add("desk", 4, 6, lf(hdr(6, 4, "Delivered-To: alice@trap.test", "Urgent business proposal",
                         ["To: alice@trap.test", "Content-Type: text/plain; charset=us-ascii"]) +
                     ["", "Dear friend,", "", "From the desk of Dr. John Smith, Director,",
                      "Foreign Remittance Department", "", "I have a proposal for you."]))

# The body ends with an empty line: the message's own, not a separator.
add("blank-end", 5, 7, lf(hdr(7, 5, "To: bob@trap.test", "Last chance",
                              ["Content-Type: text/plain; charset=us-ascii"]) +
                          ["", "Last chance to save.", "", "Regards,", "The team", ""]))

# 8-bit UTF-8 body (headers are ASCII: 8-bit headers are a defect of their own).
add("8bit", 6, 8, lf(hdr(8, 6, "Delivered-To: carol@trap.test", "Soldes d'hiver",
                         ["To: carol@trap.test", "Content-Type: text/plain; charset=utf-8",
                          "Content-Transfer-Encoding: 8bit"]) +
                     ["", "Café crème à moitié prix – 50 % de réduction.", "Grüße aus Köln."]))

# CRLF throughout, as a message fetched over IMAP or saved on Windows.
add("crlf", 7, 10, lf(hdr(10, 7, "Delivered-To: dave@trap.test", "Windows offer",
                          ["To: dave@trap.test", "Content-Type: text/plain; charset=us-ascii"]) +
                      ["", "Line one.", "From the office of the CEO: line two.", "", "End."]
                      ).replace(b"\n", b"\r\n"))

add("cc", 8, 11, lf(hdr(11, 8, "To: friends@sender.test", "Meeting",
                        ["Cc: Dave <dave@trap.test>", "Content-Type: text/plain; charset=us-ascii"]) +
                    ["", "See you at the meeting."]))

BYNAME = {m[0]: m for m in MSGS}

# One delivery to several traps, hard-linked into each recipient's Maildir:
# its headers name no trap (the trap comes from the path).
SHARED = lf(hdr(12, 9, "Return-Path: <deals9@sender.test>", "Group offer",
                ["To: undisclosed-recipients:;", "Content-Type: text/plain; charset=us-ascii"]) +
            ["", "One delivery, many recipients."])

WDAY = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def wday(day):
    # 1 January 2008 was a Tuesday.
    return WDAY[(day - 1 + 1) % 7]


def from_line(m, style="ctime"):
    name, sender, day, hour, n, _ = m
    t = "%02d:%02d:00" % (hour, n)
    if style == "ctime":
        d = "%s Jan %2d %s 2008" % (wday(day), day, t)
    elif style == "thunderbird":
        return ("From - %s Jan %02d %s 2008" % (wday(day), day, t)).encode()
    elif style == "rfc2822":
        d = "%s, %d Jan 2008 %s +0000" % (wday(day), day, t)
    elif style == "noweekday":
        d = "Jan %2d %s 2008" % (day, t)
    elif style == "2digit":
        d = "%s Jan %2d %s 08" % (wday(day), day, t)
    elif style == "iso":
        d = "2008-01-%02dT%sZ" % (day, t)
    return ("From %s %s" % (sender, d)).encode()


# ------------------------------------------------ From_ lines, by date form

_M = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_W = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_T = r"\d\d:\d\d(?::\d\d)?"
_Z = r"(?: (?:[A-Z]{3,4}|[+-]\d{4}))?"
STYLES = [
    ("ctime", re.compile(r"^From \S.*? " + _W + " " + _M + r" [ \d]?\d " + _T + _Z + r" \d{4}" + _Z + "$")),
    ("2digit", re.compile(r"^From \S.*? " + _W + " " + _M + r" [ \d]?\d " + _T + _Z + r" \d\d$")),
    ("noweekday", re.compile(r"^From \S.*? " + _M + r" [ \d]?\d " + _T + _Z + r" \d{4}$")),
    ("rfc2822", re.compile(r"^From \S.*? (?:" + _W + r", )?\d{1,2} " + _M + r" \d{2,4} " + _T +
                           r" (?:[+-]\d{4}|[A-Z]{2,4})$")),
    ("iso", re.compile(r"^From \S.*? \d{4}-\d\d-\d\d[T ]" + _T + r"(?:Z|[+-]\d\d:?\d\d)?$")),
]


def style_of(line):
    s = line.rstrip(b"\r\n").decode("latin-1")
    for name, rx in STYLES:
        if rx.match(s):
            return name
    return None


# ------------------------------------------------------------ mbox writers
#
# Each returns (bytes, record), record a list of (offset, length, flags) of
# the messages as written; flags is "" or "possibly merged".

def q_mboxo(b):
    # mboxo (mutt, Thunderbird, Python's mailbox): "From " at a line start
    # becomes ">From "; ">From " is left alone, so the quoting is lossy.
    return re.sub(rb"(?m)^From ", b">From ", b)


def q_mboxrd(b):
    # mboxrd: one more '>' on every line matching ^>*From .
    return re.sub(rb"(?m)^(>*From )", rb">\1", b)


def eol_of(b):
    return b"\r\n" if b.find(b"\r\n") >= 0 and b.find(b"\n") == b.find(b"\r\n") + 1 else b"\n"


def mbox(msgs, style="ctime", quote=q_mboxo, sep=b"\n", from_eol=b"\n", pre=b""):
    out, rec = bytearray(), []
    for m in msgs:
        out += from_line(m, style) + from_eol
        body = pre + (quote(m[5]) if quote else m[5])
        if not body.endswith(b"\n"):
            body += b"\n"
        rec.append((len(out), len(body), ""))
        out += body + sep
    return bytes(out), rec


def split_hb(b):
    """The header lines (each with its line end), the line end, the body."""
    e = eol_of(b)
    i = b.index(e + e)
    return b[:i + len(e)], e, b[i + 2 * len(e):]


def mboxcl(msgs, quote=None, delta=0, blank=True):
    """Content-Length mboxes: mboxcl quotes From_ lines as mboxo does,
    mboxcl2 does not quote at all; both add Content-Length (the body's
    size) as the last header.  DELTA makes the length wrong."""
    out, rec = bytearray(), []
    for m in msgs:
        out += from_line(m) + b"\n"
        h, e, body = split_hb(m[5])
        if quote:
            body = quote(body)
        msg = h + b"Content-Length: %d" % (len(body) + delta) + e + e + body
        rec.append((len(out), len(msg), ""))
        out += msg
        if blank:
            out += b"\n"
    return bytes(out), rec


def thunderbird(msgs):
    """Thunderbird on Linux: "From - " lines with LF, its own status
    headers first with CRLF, each message with the line ends it arrived
    with, From_ quoting of bodies, an LF empty line after each."""
    pre = (b"X-Mozilla-Status: 0001\r\nX-Mozilla-Status2: 00000000\r\n"
           b"X-Mozilla-Keys:                                                                                 \r\n")
    return mbox(msgs, "thunderbird", q_mboxo, b"\n", b"\n", pre)


def crlf_mbox(msgs):
    # Everything CRLF: the From_ lines, the messages and the empty lines.
    out, rec = bytearray(), []
    for m in msgs:
        out += from_line(m) + b"\r\n"
        body = q_mboxo(m[5]).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        rec.append((len(out), len(body), ""))
        out += body + b"\r\n"
    return bytes(out), rec


def py_mbox(msgs, objects=False):
    """Python's own mailbox.mbox writer: bytes (the From_ line given as the
    first line) or email.message.Message objects (set_unixfrom)."""
    d = tempfile.mkdtemp()
    p = os.path.join(d, "box")
    box = mailbox.mbox(p)
    for m in msgs:
        if objects:
            o = email.message_from_bytes(m[5])
            o.set_unixfrom(from_line(m).decode())
            box.add(o)
        else:
            box.add(from_line(m) + b"\n" + m[5])
    box.flush()
    box.close()
    data = open(p, "rb").read()
    shutil.rmtree(d)
    # Python's mailbox writes a From_ line, the message, an empty line.
    # The record: each message ends where the empty line before the next
    # From_ line (or the end) begins.
    starts = [mm.start() for mm in re.finditer(rb"(?m)^From \S+ \w\w\w \w\w\w [ \d]\d ", data)]
    rec = []
    for i, s in enumerate(starts):
        b = data.index(b"\n", s) + 1
        e = (starts[i + 1] if i + 1 < len(starts) else len(data)) - 1
        rec.append((b, e - b, ""))
    return data, rec


# ------------------------------------------------------------ leaves, trees

class Leaf:
    """A file of a variant: PATH inside it, DATA, KIND (mbox, eml, other),
    RECORD for an mbox.  Maildir tmp/ files are KIND eml: whether they are
    read is the rule of maildir(5), applied below."""

    def __init__(self, path, data, kind, record=None):
        self.path, self.data, self.kind, self.record = path, data, kind, record


def eml(path, data):
    return Leaf(path, data, "eml")


def mboxleaf(path, data_rec):
    return Leaf(path, data_rec[0], "mbox", data_rec[1])


def dovecot_name(i, m, flags=":2,S"):
    size = len(m)
    w = size + m.count(b"\n") - m.count(b"\r\n")
    return "11999%05d.M%dP4%03d.mx1,S=%d,W=%d%s" % (i, 700 + i, i, size, w, flags)


def courier_name(i, m, flags=":2,S"):
    return ("11999%05d.M%06dP%dV0000000000000803I0000000000%06X_%d.mail.trap.test,S=%d%s"
            % (i, 1000 + i, 3000 + i, 0x3E81A2 + i, i, len(m), flags))


def by_trap(names):
    """The messages in each trap's mailbox: the trap their headers name."""
    out = {}
    for n in names:
        out.setdefault(trap_of(BYNAME[n][5], ""), []).append(BYNAME[n])
    return out


ALL = [m[0] for m in MSGS]


def dovecot_tree(prefix="mail"):
    leaves, i = [], 0
    for trap, ms in sorted(by_trap(ALL).items()):
        root = "%s/%s/Maildir" % (prefix, trap)
        for k, m in enumerate(ms):
            i += 1
            if k % 3 == 0:
                leaves.append(eml(root + "/new/" + dovecot_name(i, m[5], ""), m[5]))
            elif k % 3 == 1:
                leaves.append(eml(root + "/cur/" + dovecot_name(i, m[5]), m[5]))
            else:
                leaves.append(eml(root + "/.Spam/cur/" + dovecot_name(i, m[5], ":2,ST"), m[5]))
        # A delivery in progress: half a message in tmp/.
        leaves.append(eml(root + "/tmp/11999%05d.M%dP4%03d.mx1" % (90 + i, 790 + i, i), ms[0][5][:200]))
        uids = "".join("%d :%s\n" % (k + 1, l.path.rsplit("/", 1)[1].split(":")[0])
                       for k, l in enumerate(leaves) if l.path.startswith(root + "/cur/"))
        leaves += [Leaf(root + "/dovecot-uidlist", ("3 V1199900000 N9 G5e1f0b2c\n" + uids).encode(), "other"),
                   Leaf(root + "/dovecot.index", b"\x07\x02\x00\x00" + bytes(range(256)) * 2, "other"),
                   Leaf(root + "/dovecot.index.log", b"\x01\x02\x28\x00" + b"\x00" * 60, "other"),
                   Leaf(root + "/dovecot.index.cache", b"\x01\x02\x00\x00" + b"\xff" * 40, "other"),
                   Leaf(root + "/dovecot-uidvalidity", b"5e1f0b2c\n", "other"),
                   Leaf(root + "/subscriptions", b"Spam\n", "other"),
                   Leaf(root + "/.Spam/maildirfolder", b"", "other"),
                   Leaf(root + "/.Spam/dovecot-uidlist", b"3 V1199900001 N1\n", "other")]
    return leaves, [l.path.rsplit("/", 1)[0] for l in leaves] + \
        ["%s/%s/Maildir/%s" % (prefix, t, d) for t in TRAPS for d in ("cur", "new", "tmp", ".Spam/new", ".Spam/tmp")]


def courier_tree(prefix="home"):
    leaves, i = [], 0
    for trap, ms in sorted(by_trap(ALL).items()):
        root = "%s/%s/Maildir" % (prefix, trap)
        for k, m in enumerate(ms):
            i += 1
            sub = "/cur/" if k % 2 == 0 else "/.Spam/cur/"
            leaves.append(eml(root + sub + courier_name(i, m[5], ":2,S" if k % 2 == 0 else ":2,RS"), m[5]))
        leaves += [Leaf(root + "/courierimapuiddb", ("1 1199900000 %d\n" % (len(ms) + 1)).encode() +
                        b"".join(b"%d %s\n" % (k + 1, courier_name(k, b"", "").encode()) for k in range(len(ms))), "other"),
                   Leaf(root + "/courierimapkeywords/:list", b"", "other"),
                   Leaf(root + "/.Spam/maildirfolder", b"", "other"),
                   Leaf(root + "/.Spam/courierimapuiddb", b"1 1199900001 1\n", "other")]
    return leaves, ["%s/%s/Maildir/%s" % (prefix, t, d) for t in TRAPS
                    for d in ("cur", "new", "tmp", ".Spam/cur", ".Spam/new", ".Spam/tmp")]


def hardlink_tree(prefix="deliveries"):
    """qmail / Dovecot LMTP: one delivery file hard-linked into each
    recipient's Maildir (and, by a Sieve rule, into alice's Spam folder
    too); plus one ordinary delivery.  Returns leaves and link groups."""
    name = "1199966400.12345.mx.trap.test"
    paths = ["%s/alice@trap.test/Maildir/new/%s" % (prefix, name),
             "%s/bob@trap.test/Maildir/new/%s" % (prefix, name),
             "%s/carol@trap.test/Maildir/new/%s" % (prefix, name),
             "%s/alice@trap.test/Maildir/.Spam/cur/%s:2,S" % (prefix, name)]
    leaves = [eml(p, SHARED) for p in paths]
    p = BYNAME["plain"]
    leaves.append(eml("%s/alice@trap.test/Maildir/cur/1199966300.12000.mx.trap.test:2,S" % prefix, p[5]))
    return leaves, [paths]


def write_tree(root, leaves, dirs=(), links=()):
    linked = {}
    for g in links:
        for p in g[1:]:
            linked[p] = g[0]
    for d in dirs:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for l in leaves:
        p = os.path.join(root, l.path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if l.path in linked:
            continue
        with open(p, "wb") as f:
            f.write(l.data)
    for p, target in linked.items():
        os.link(os.path.join(root, target), os.path.join(root, p))


# ------------------------------------------------------------ variants

VARIANTS = []   # (name, description, leaves with chains, python-only notes)


class V:
    def __init__(self, name, desc):
        self.name, self.desc, self.leaves, self.notes, self.disagree = name, desc, [], [], []
        self.dirs = set()   # folders known in the variant (for the Maildir tmp/ rule)
        VARIANTS.append(self)


def compress(data, how):
    if how == "gz":
        return gzip.compress(data, mtime=0)
    if how == "bz2":
        return bz2.compress(data)
    if how == "xz":
        return lzma.compress(data)
    if how == "zst":
        return subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout
    raise ValueError(how)


def decompress(data, how):
    if how == "gz":
        return gzip.decompress(data)
    if how == "bz2":
        return bz2.decompress(data)
    if how == "xz":
        return lzma.decompress(data)
    if how == "zst":
        return subprocess.run(["zstd", "-q", "-d", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout
    raise ValueError(how)


def single(name, desc, leaf, how=None):
    """A variant that is one file (an mbox or .eml), maybe compressed."""
    v = V(name, desc)
    path = os.path.join(IN, name)
    with open(path, "wb") as f:
        f.write(compress(leaf.data, how) if how else leaf.data)
    back = open(path, "rb").read()
    if how:
        back = decompress(back, how)
    if back != leaf.data:
        v.disagree.append("reading %s back with Python gives other bytes" % name)
    leaf.path = name
    v.leaves.append((name, leaf))
    return v


def folder(name, desc, leaves, dirs=(), links=()):
    v = V(name, desc)
    write_tree(os.path.join(IN, name), leaves, dirs, links)
    # Reader: walk the folder back.
    back = {}
    for d, sub, files in os.walk(os.path.join(IN, name)):
        for fn in files:
            p = os.path.join(d, fn)
            back[os.path.relpath(p, os.path.join(IN, name))] = open(p, "rb").read()
        for s in sub:
            v.dirs.add(name + "/" + os.path.relpath(os.path.join(d, s), os.path.join(IN, name)))
    want = {l.path: l.data for l in leaves}
    if back != want:
        v.disagree.append("os.walk finds other files than were written: %s" %
                          sorted(set(back) ^ set(want)))
    for l in leaves:
        v.leaves.append((name + "/" + l.path, l))
    for g in links:
        inos = {os.stat(os.path.join(IN, name, p)).st_ino for p in g}
        if len(inos) != 1:
            v.disagree.append("the hard links were not made")
    return v


def read_newc(data):
    """cpio newc (cpio(5)): '070701', 13 fields of 8 hex digits, the name,
    padding to 4; the data, padding to 4.  Hard links: the data is stored
    with one of the names (GNU cpio: the last), the others have size 0."""
    p, ents = 0, []
    while True:
        if data[p:p + 6] not in (b"070701", b"070702"):
            raise ValueError("bad cpio header at %d" % p)
        f = [int(data[p + 6 + 8 * i:p + 14 + 8 * i], 16) for i in range(13)]
        ino, mode, nlink, size, namesize = f[0], f[1], f[4], f[6], f[11]
        devmaj, devmin = f[7], f[8]
        n0 = p + 110
        name = data[n0:n0 + namesize - 1].decode()
        p = (n0 + namesize + 3) & ~3
        body = data[p:p + size]
        p = (p + size + 3) & ~3
        if name == "TRAILER!!!":
            break
        ents.append((name, mode, nlink, (devmaj, devmin, ino), body))
    by_ino = {}
    for name, mode, nlink, key, body in ents:
        if (mode & 0o170000) == 0o100000 and body:
            by_ino[key] = body
    return {name: by_ino.get(key, body) for name, mode, nlink, key, body in ents
            if (mode & 0o170000) == 0o100000}


def read_archive(data, kind):
    """Members of an archive as {name: bytes} (regular files and hard links),
    and its folders, read with Python's modules; None for 7z (no reader in
    the standard library: the record alone is the oracle)."""
    if kind in ("tar", "tar.gz", "tar.bz2", "tar.xz", "tar.zst"):
        if kind == "tar.zst":
            data = decompress(data, "zst")
        t = tarfile.open(fileobj=io.BytesIO(data))
        out, dirs = {}, set()
        for m in t.getmembers():
            if m.isfile() or m.islnk():
                out[m.name] = t.extractfile(m).read()
            elif m.isdir():
                dirs.add(m.name.rstrip("/"))
        return out, dirs
    if kind == "zip":
        z = zipfile.ZipFile(io.BytesIO(data))
        return ({i.filename: z.read(i) for i in z.infolist() if not i.is_dir()},
                {i.filename.rstrip("/") for i in z.infolist() if i.is_dir()})
    if kind == "cpio":
        return read_newc(data), set()
    return None, set()


def archive(name, desc, kind, leaves, dirs=(), links=(), tool=None, top="x"):
    """Write LEAVES under a folder TOP, pack it with the real tool, and read
    it back with Python.  Members are named TOP/PATH."""
    v = V(name, desc)
    work = tempfile.mkdtemp()
    write_tree(os.path.join(work, top), leaves, dirs, links)
    path = os.path.abspath(os.path.join(IN, name))
    cwd = dict(cwd=work, check=True)
    if kind.startswith("tar"):
        comp = {"tar": [], "tar.gz": ["-z"], "tar.bz2": ["-j"], "tar.xz": ["-J"], "tar.zst": ["--zstd"]}[kind]
        subprocess.run(["tar", "--format=" + (tool or "gnu"), "--sort=name", "--owner=0", "--group=0",
                        "--mtime=2008-01-31 00:00Z"] + comp + ["-cf", path, top], **cwd)
    elif kind == "cpio":
        names = subprocess.run(["find", top], stdout=subprocess.PIPE, **cwd).stdout
        names = b"\n".join(sorted(names.split(b"\n"))).strip() + b"\n"
        with open(path, "wb") as f:
            subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=names, stdout=f, **cwd)
    elif kind == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for d, sub, files in sorted(os.walk(os.path.join(work, top))):
                rel = os.path.relpath(d, work)
                z.write(d, rel + "/")
                for fn in sorted(files):
                    z.write(os.path.join(d, fn), rel + "/" + fn)
    elif kind == "7z":
        subprocess.run(["bsdtar", "--format", "7zip", "-cf", path, top], **cwd)
    shutil.rmtree(work)
    want = {top + "/" + l.path: l.data for l in leaves}
    back, adirs = read_archive(open(path, "rb").read(), kind)
    if back is None:
        v.notes.append("7z: no reader in Python's standard library; the record alone is the oracle")
        back = want
    elif back != want:
        v.disagree.append("%s read back by Python differs from what was packed: %s" %
                          (kind, sorted(k for k in set(back) | set(want) if back.get(k) != want.get(k))))
    for l in leaves:
        v.leaves.append((name + "!" + top + "/" + l.path, l))
    v.dirs |= {name + "!" + d for d in adirs}
    v.dirs |= {name + "!" + top + "/" + d for d in dirs}
    v.dirs |= {name + "!" + (top + "/" + l.path).rsplit("/", 1)[0] for l in leaves}
    return v


# ------------------------------------------------------------ the oracle

def headers_of(b):
    return email.message_from_bytes(b, policy=email.policy.compat32)


def trap_of(b, chain):
    m = headers_of(b)
    for h in ("Delivered-To", "X-Original-To", "Envelope-To"):
        for v in m.get_all(h) or []:
            v = str(v)
            for _, a in email.utils.getaddresses([v]):
                if a.lower() in TRAPS:
                    return a.lower()
            s = v.strip().strip("<>").lower()
            if s in TRAPS:
                return s
    for h in ("To", "Cc"):
        for _, a in email.utils.getaddresses([str(x) for x in m.get_all(h) or []]):
            if a.lower() in TRAPS:
                return a.lower()
    parts = re.split(r"[/!]", chain)[:-1]
    for p in parts:
        if p.lower() in TRAPS:
            return p.lower()
    return "-"


def ident(b):
    return sha(re.sub(rb"(?m)^>+(From )", rb"\1", b))


def status_of(b, flags):
    if flags:
        return "malformed(" + flags + ")"
    if b"\0" in b:
        return "malformed"
    m = headers_of(b)
    if m.defects or not m.keys():
        return "malformed"
    return "ok"


def python_spans(data):
    """Python's mailbox.mbox alone: [(from_line_start, offset, end)]."""
    d = tempfile.mkdtemp()
    p = os.path.join(d, "box")
    with open(p, "wb") as f:
        f.write(data)
    box = mailbox.mbox(p, create=False)
    out = []
    for k in sorted(box.keys()):
        s, e = box._lookup(k)
        nl = data.find(b"\n", s)
        out.append((s, (nl + 1) if nl >= 0 else len(data), e))
    box.close()
    shutil.rmtree(d)
    return out


def content_length_end(data, off, end, seps):
    """Where Content-Length says the message at OFF ends, if it is believed."""
    i, hend = off, None
    while i < end:
        j = data.find(b"\n", i, end)
        j = end if j < 0 else j + 1
        if data[i:j] in (b"\n", b"\r\n"):
            hend = j
            break
        i = j
    if hend is None:
        return None
    cl = email.parser.BytesHeaderParser().parsebytes(data[off:hend]).get("Content-Length")
    if not cl or not cl.strip().isdigit():
        return None
    p = hend + int(cl)
    rest = data[p:]
    for e in (b"", b"\n", b"\r\n"):
        if rest.startswith(e) and (p + len(e) == len(data) or p + len(e) in seps):
            return p
    return None


def read_mbox(data, notes, where):
    """The reader: Python's mailbox.mbox with RFC 4155's rules on top.
    Returns [(offset, length, flags)]."""
    spans = python_spans(data)
    style = style_of(data[:data.find(b"\n") + 1])
    starts = [s for s, _, _ in spans]
    merged = []
    for i, (s, o, e) in enumerate(spans):
        fl = data[s:o]
        if merged and style_of(fl) != style:
            line = data[:s].count(b"\n") + 1
            notes.append("%s: Python's mailbox splits at line %d (%r), which is not a From_ line of "
                         "the file's form (%s): no split" % (where, line, fl.rstrip(b"\r\n").decode("latin-1")[:40], style))
            ps, po, pe = merged[-1]
            merged[-1] = (ps, po, e)
        else:
            merged.append((s, o, e))
    seps = [s for s, _, _ in merged]
    out = []
    for i, (s, o, e) in enumerate(merged):
        nxt = seps[i + 1] if i + 1 < len(seps) else len(data)
        if e == nxt and (data[o:e].endswith(b"\n\r\n") or data[o:e] == b"\r\n"):
            notes.append("%s: Python's mailbox keeps the CRLF empty line that ends the message at %d" % (where, o))
            e -= 2
        cle = content_length_end(data, o, len(data), set(seps[i + 1:]))
        if cle is not None and cle != e:
            notes.append("%s: Python's mailbox ignores Content-Length: the message at %d ends at %d, not %d" % (where, o, cle, e))
            e = cle
        flags = ""
        for ln in re.finditer(rb"(?m)^From .*$", data[o:e]):
            if style_of(ln.group(0)):
                flags = "possibly merged"
        out.append((o, e - o, flags))
    return out


def is_maildir_tmp(chain, dirs):
    """maildir(5): X/tmp/F is a delivery in progress when X has cur/ or new/.
    In an archive made inside a Maildir X is the archive itself (NAME!tmp/F,
    beside NAME!cur)."""
    m = re.match(r"^(.*)([/!])tmp/[^/!]+$", chain)
    if not m:
        return False
    x, sep = m.group(1), m.group(2)
    return (x + sep + "cur") in dirs or (x + sep + "new") in dirs


def expect(v):
    """The expected lines of V from the record, and from Python's mailbox alone."""
    locs, locs_py = [], []
    for chain, l in v.leaves:
        if l.kind == "other":
            continue
        if l.kind == "eml":
            if is_maildir_tmp(chain, v.dirs):
                continue
            locs.append((chain, 0, len(l.data), l.data, ""))
            locs_py.append((chain, 0, len(l.data), l.data, ""))
            continue
        notes = []
        got = read_mbox(l.data, notes, chain)
        v.notes += notes
        if [(o, n, f) for o, n, f in got] != [(o, n, f) for o, n, f in l.record]:
            v.disagree.append("%s: the record says %s, Python's mailbox with RFC 4155 says %s" %
                              (chain, l.record, got))
        for o, n, f in l.record:
            locs.append((chain, o, n, l.data[o:o + n], f))
        for s, o, e in python_spans(l.data):
            locs_py.append((chain, o, e - o, l.data[o:e], ""))
    return render(locs), render(locs_py)


def render(locs):
    copies = {}
    at = set()
    lines = []
    for chain, off, n, b, flags in locs:
        t = trap_of(b, chain)
        k = (ident(b), t)
        copies.setdefault(k, status_of(b, flags))
        at.add("at %s %s" % (sha(b), t))
        lines.append("loc %s %d %d" % (chain, off, n))
    out = ["copies %d" % len(copies)]
    out += ["copy %s %s %s" % (k[0], k[1], s) for k, s in copies.items()]
    out += list(at) + lines
    # Sorted as a whole, by code point (the test sorts with LC_ALL=C).
    return "".join(sorted(l + "\n" for l in out))


# ------------------------------------------------------------ the variants

def msgs(*names):
    return [BYNAME[n] for n in names] if names else list(MSGS)


LFMSGS = [m for m in MSGS if m[0] != "crlf"]
# mboxcl2 quotes nothing: a dated From_ line in a body ("from-lines") would
# rest on Content-Length alone, which the rules leave open; left out.
CL2 = [m for m in MSGS if m[0] != "from-lines"]

# Python's mailbox.
single("py-mbox-bytes.mbox", "Python mailbox.mbox, messages added as bytes", mboxleaf("", py_mbox(msgs())))
single("py-mbox-objects.mbox", "Python mailbox.mbox, email.message.Message objects",
       mboxleaf("", py_mbox(msgs(), objects=True)))
single("py-mbox-one.mbox", "Python mailbox.mbox holding one message (issue 14 item 1)",
       mboxleaf("", py_mbox(msgs("plain"))))

# Issue 14's reproduction, word for word but with a fixed From_ line.
d = tempfile.mkdtemp()
b = mailbox.mbox(os.path.join(d, "r1.mbox"))
b.add(b"From MAILER-DAEMON Thu Jan  3 12:00:00 2008\nFrom: a@x.test\nSubject: s\n\nhi\n")
b.flush()
b.close()
r1 = open(os.path.join(d, "r1.mbox"), "rb").read()
shutil.rmtree(d)
single("r1.mbox", "issue 14's r1.mbox: one message of 30 bytes, no trap",
       Leaf("", r1, "mbox", [(44, len(r1) - 45, "")]))
for z in ("gz", "bz2", "xz", "zst"):
    single("py-mbox-bytes.mbox." + z, "Python mailbox.mbox (bytes), " + z, mboxleaf("", py_mbox(msgs())), z)
single("py-mbox-objects.mbox.gz", "Python mailbox.mbox (objects), gz", mboxleaf("", py_mbox(msgs(), True)), "gz")

# Python's Maildir writer (its own unique names, in new/).
d = tempfile.mkdtemp()
md = mailbox.Maildir(os.path.join(d, "Maildir"))
for m in MSGS:
    md.add(m[5])
spam = md.add_folder("Spam")
spam.add(BYNAME["desk"][5])
pyleaves = []
for dd, sub, files in os.walk(os.path.join(d, "Maildir")):
    for fn in files:
        p = os.path.join(dd, fn)
        rel = os.path.relpath(p, os.path.join(d, "Maildir"))
        pyleaves.append(Leaf(rel, open(p, "rb").read(), "other" if fn == "maildirfolder" else "eml"))
shutil.rmtree(d)
v = folder("py-maildir", "Python mailbox.Maildir with a .Spam folder", pyleaves,
           ["cur", "new", "tmp", ".Spam/cur", ".Spam/new", ".Spam/tmp"])

# mutt: mboxo and mboxrd.
single("mutt-mboxo.mbox", "mutt mbox (mboxo: From quoted as >From)", mboxleaf("", mbox(msgs())))
single("mutt-mboxrd.mbox", "mboxrd (every ^>*From gets one more >)", mboxleaf("", mbox(msgs(), quote=q_mboxrd)))
for z in ("gz", "bz2", "xz", "zst"):
    single("mutt-mboxo.mbox." + z, "mutt mboxo, " + z, mboxleaf("", mbox(msgs())), z)
    single("mutt-mboxrd.mbox." + z, "mboxrd, " + z, mboxleaf("", mbox(msgs(), quote=q_mboxrd)), z)

# Thunderbird and CRLF.
single("thunderbird.mbox", "Thunderbird: From - lines, X-Mozilla headers, mixed line ends",
       mboxleaf("", thunderbird(msgs())))
single("thunderbird.mbox.xz", "Thunderbird mbox, xz", mboxleaf("", thunderbird(msgs())), "xz")
single("crlf.mbox", "mbox with CRLF everywhere (From_ lines, messages, empty lines)", mboxleaf("", crlf_mbox(msgs())))
single("crlf.mbox.gz", "CRLF mbox, gz", mboxleaf("", crlf_mbox(msgs())), "gz")

# Content-Length mboxes.
single("mboxcl.mbox", "mboxcl: Content-Length right, From quoted", mboxleaf("", mboxcl(msgs(), q_mboxo)))
single("mboxcl-wrong.mbox", "mboxcl: Content-Length 9 too long", mboxleaf("", mboxcl(msgs(), q_mboxo, 9)))
single("mboxcl2.mbox", "mboxcl2: Content-Length right, nothing quoted (\"From the desk\" unquoted)",
       mboxleaf("", mboxcl(CL2)))
single("mboxcl2-short.mbox", "mboxcl2: Content-Length 5 too short", mboxleaf("", mboxcl(CL2, None, -5)))
single("mboxcl2-long.mbox", "mboxcl2: Content-Length 7 too long", mboxleaf("", mboxcl(CL2, None, 7)))
single("mboxcl2-noblank.mbox", "mboxcl2: Content-Length right, no empty line after the body (item 7)",
       mboxleaf("", mboxcl(CL2, None, 0, False)))
single("mboxcl2.mbox.bz2", "mboxcl2, bz2", mboxleaf("", mboxcl(CL2)), "bz2")
single("mboxcl2-noblank.mbox.zst", "mboxcl2 without empty lines, zst", mboxleaf("", mboxcl(CL2, None, 0, False)), "zst")

# mboxes cut by hand or by writers that do not quote.
# "From the desk of ...": Python's mailbox splits there; it is no From_ line.
single("desk-unquoted.mbox", "mbox whose body keeps \"From the desk of\" unquoted",
       mboxleaf("", mbox(msgs("plain", "desk", "cc"), quote=None)))
# From_ lines without an empty line before them.  (A message whose body ends
# with an empty line cannot be told from a separator here, so blank-end is
# left out.)
nb = [m for m in LFMSGS if m[0] not in ("blank-end", "from-lines", "desk")]
single("no-blank-before.mbox", "From_ lines with no empty line before them", mboxleaf("", mbox(nb, sep=b"")))
for st in ("rfc2822", "noweekday", "2digit", "iso"):
    single("dates-%s.mbox" % st, "From_ lines dated in %s form" % st, mboxleaf("", mbox(nb, style=st)))
single("dates-2digit-noblank.mbox", "From_ lines with two-digit years and no empty line before",
       mboxleaf("", mbox(nb, style="2digit", sep=b"")))


def mixed():
    """ctime From_ lines, but the third in ISO form: not a separator of the
    file's form, so messages 2 and 3 are one copy, possibly merged."""
    a, r1 = mbox(nb[:2])
    b = from_line(nb[2], "iso") + b"\n" + nb[2][5] + b"\n"
    c, r3 = mbox(nb[3:])
    data = a + b + c
    o, n, _ = r1[1]
    rec = [r1[0], (o, len(a) - 1 - o + 1 + len(b) - 1, "possibly merged")]
    rec += [(len(a) + len(b) + x, y, f) for x, y, f in r3]
    return data, rec


single("dates-mixed.mbox", "ctime From_ lines and one ISO one: merged, flagged", mboxleaf("", mixed()))


def with_nul(names, which):
    ms = []
    for m in msgs(*names):
        if m[0] == which:
            m = m[:5] + (m[5].replace(b"Refinance today", b"Refinance\0today"),)
        ms.append(m)
    return ms


single("nul.mbox", "a NUL byte in the first message of an mbox (item 2)",
       mboxleaf("", mbox(with_nul(["plain", "multipart", "cc"], "plain"))))
single("nul.eml", "a delivered .eml with a NUL in its body (item 2)",
       eml("", with_nul(["plain"], "plain")[0][5]))

# .eml defects (item 3): each in a folder named after its trap (Python's
# email parser stops at the defect, so the path names the trap for it).
P = BYNAME["plain"][5]
H, _, B = split_hb(P)
DEFECTS = {
    "eml-obs-colon": H + b"X-Mailer : x\n\n" + B,
    "eml-no-colon": H.replace(b"\nSubject:", b"\nThis line has no colon\nSubject:") + b"\n" + B,
    "eml-no-blank": H + B,
    "eml-bom": b"\xef\xbb\xbf" + P,
    "eml-leading-blank": b"\n" + P,
}
for k, b in DEFECTS.items():
    folder(k, "an .eml with a defect: " + k[4:], [eml("alice@trap.test/offer.eml", b)])


def big_header():
    """A message whose header block passes 64 KiB, the 65,536th byte inside
    the name of a field ("Rece|ived", byte 65,532 starting the line)."""
    def build(padlen):
        hs = [b"Delivered-To: alice@trap.test", b"X-Pad: " + b"p" * padlen]
        for i in range(460):
            hs.append(b"Received: from relay%d.sender.test (relay%d.sender.test [198.51.100.%d]) "
                      b"by relay%d.sender.test with SMTP id r%d; Thu, 3 Jan 2008 11:%02d:00 +0000"
                      % (i, i, i % 250, i + 1, i, i % 60))
        hs += [b"From: deals1@sender.test", b"To: alice@trap.test", b"Subject: many hops",
               b"Date: Thu, 3 Jan 2008 12:00:00 +0000", b"Message-ID: <hops@sender.test>"]
        return b"\n".join(hs) + b"\n\nOffer.\n"
    t = 65536 - 4
    d = build(40)
    s = d.rfind(b"\n", 0, t) + 1
    d = build(40 + t - s)
    assert d[t:t + 8] == b"Received" and len(d.split(b"\n\n")[0]) > 66000
    return d


b0 = big_header()
folder("eml-64k-cut", "an .eml whose first 64 KiB ends inside a field name (ok: nothing is wrong with it)",
       [eml("alice@trap.test/hops.eml", b0)])
b10 = b"X-Shift: 012345678\n" + b0
folder("eml-64k-shifted", "the same with 19 bytes more in front", [eml("alice@trap.test/hops.eml", b10)])

# Maildirs as Dovecot and Courier write them.
dl, dd = dovecot_tree()
folder("dovecot", "Dovecot Maildirs: cur/new/tmp, :2,S, .Spam/, index and uidlist files", dl, dd)
cl, cd = courier_tree()
folder("courier", "Courier Maildir++: courierimapuiddb, keywords, .Spam/", cl, cd)
archive("dovecot.tar", "Dovecot Maildirs in a GNU tar", "tar", dl, dd)
archive("dovecot-pax.tar", "Dovecot Maildirs in a pax tar", "tar", dl, dd, tool="pax")
archive("dovecot.tar.gz", "Dovecot Maildirs, tar.gz", "tar.gz", dl, dd)
archive("dovecot.tar.zst", "Dovecot Maildirs, tar.zst", "tar.zst", dl, dd)
archive("dovecot.cpio", "Dovecot Maildirs in cpio newc", "cpio", dl, dd)
archive("courier.zip", "Courier Maildirs in a zip", "zip", cl, cd)
archive("courier.7z", "Courier Maildirs in a 7z", "7z", cl, cd)
archive("courier.tar.bz2", "Courier Maildirs, tar.bz2", "tar.bz2", cl, cd)

# maildir(5)'s tmp/ rule in folders and archives (item 5).
tmp_only = [eml("export/tmp/offer.eml", BYNAME["plain"][5])]
folder("tmp-only", "export/tmp/offer.eml, no cur/ or new/ beside tmp/: a copy", tmp_only)
archive("tmp-only.zip", "a zip of export/tmp/offer.eml: a copy", "zip", tmp_only)
inside = [eml("cur/1199966400.M1P1.mx:2,S", BYNAME["plain"][5]),
          eml("new/1199966401.M2P1.mx", BYNAME["desk"][5]),
          eml("tmp/1199966402.M3P1.mx", BYNAME["blank-end"][5])]
v = V("inside-maildir.tar", "a tar made inside a Maildir (cur/ new/ tmp/ at its root): tmp/ skipped")
w = tempfile.mkdtemp()
write_tree(w, inside)
subprocess.run(["tar", "--format=gnu", "--sort=name", "-cf", os.path.abspath(os.path.join(IN, v.name)),
                "cur", "new", "tmp"], cwd=w, check=True)
shutil.rmtree(w)
back, adirs = read_archive(open(os.path.join(IN, v.name), "rb").read(), "tar")
if back != {l.path: l.data for l in inside}:
    v.disagree.append("tarfile reads other members")
v.leaves = [(v.name + "!" + l.path, l) for l in inside]
v.dirs = {v.name + "!" + d for d in ("cur", "new", "tmp")}

# Hard-linked multi-recipient deliveries (item 4).
hl, links = hardlink_tree()
folder("hardlinks", "one delivery hard-linked into three traps' Maildirs and alice's Spam", hl, links=links)
archive("hardlinks.tar", "hard links in a GNU tar", "tar", hl, links=links)
archive("hardlinks-pax.tar", "hard links in a pax tar", "tar", hl, links=links, tool="pax")
archive("hardlinks.tar.xz", "hard links in a GNU tar.xz", "tar.xz", hl, links=links)
archive("hardlinks.cpio", "hard links in cpio newc", "cpio", hl, links=links)
archive("hardlinks.zip", "hard-linked files in a zip (stored twice)", "zip", hl, links=links)
archive("hardlinks.7z", "hard-linked files in a 7z", "7z", hl, links=links)

# Whole sets in archives.
mixed_set = [mboxleaf("mutt.mbox", mbox(msgs())), mboxleaf("rd.mbox", mbox(msgs(), quote=q_mboxrd)),
             mboxleaf("tb.mbox", thunderbird(msgs())), mboxleaf("cl2.mbox", mboxcl(CL2))] + \
    [eml("eml/%s.eml" % m[0], m[5]) for m in MSGS]
archive("set.tar", "mboxes and .eml files in a GNU tar", "tar", mixed_set)
archive("set-pax.tar", "the set in a pax tar", "tar", mixed_set, tool="pax")
archive("set.tar.gz", "the set, tar.gz", "tar.gz", mixed_set)
archive("set.tar.xz", "the set, tar.xz", "tar.xz", mixed_set)
archive("set.cpio", "the set in cpio newc", "cpio", mixed_set)
archive("set.zip", "the set in a zip", "zip", mixed_set)
archive("set.7z", "the set in a 7z", "7z", mixed_set)

# Nested: a tar.gz holding a zip holding an mbox.
v = V("nested.tar.gz", "a tar.gz holding a zip holding an mbox")
inner = mboxleaf("box.mbox", mbox(msgs(), quote=q_mboxrd))
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("box.mbox", inner.data)
w = tempfile.mkdtemp()
open(os.path.join(w, "inner.zip"), "wb").write(zb.getvalue())
subprocess.run(["tar", "-czf", os.path.abspath(os.path.join(IN, v.name)), "inner.zip"], cwd=w, check=True)
shutil.rmtree(w)
back, _ = read_archive(open(os.path.join(IN, v.name), "rb").read(), "tar.gz")
if read_archive(back.get("inner.zip", b""), "zip")[0] != {"box.mbox": inner.data}:
    v.disagree.append("the nested mbox reads back with other bytes")
v.leaves = [(v.name + "!inner.zip!box.mbox", inner)]

# One delivery exported twice (item 8): as the Maildir file and into an mbox.
once = [BYNAME["from-lines"], BYNAME["desk"]]
folder("twice-mboxrd", "Maildir files and an mboxrd export of the same deliveries: one copy each",
       [eml("carol@trap.test/Maildir/cur/1199966500.M5P5.mx:2,S", once[0][5]),
        eml("alice@trap.test/Maildir/cur/1199966600.M6P6.mx:2,S", once[1][5]),
        mboxleaf("export.mbox", mbox(once, quote=q_mboxrd))])
folder("twice-pymbox", "Maildir files and a Python mailbox.mbox export: one copy each",
       [eml("carol@trap.test/Maildir/cur/1199966500.M5P5.mx:2,S", once[0][5]),
        eml("alice@trap.test/Maildir/cur/1199966600.M6P6.mx:2,S", once[1][5]),
        mboxleaf("export.mbox", py_mbox(once))])
folder("twice-eml-mutt", ".eml files and a mutt mboxo export: one copy each",
       [eml("from-lines.eml", once[0][5]), eml("desk.eml", once[1][5]),
        mboxleaf("export.mbox", mbox(once))])
folder("twice-other-trap", "the same bytes for two traps: two copies",
       [eml("bob@trap.test/cur/1199966700.M7P7.mx:2,S", SHARED),
        mboxleaf("carol@trap.test/export.mbox", mbox([("shared", "deals9@sender.test", 12, 12, 9, SHARED)]))])

# ------------------------------------------------------------ write out

# The copies this script meant to be malformed, by variant: Python's email
# parser (and the NUL and merge rules) must find exactly these.
MEANT_MALFORMED = {"nul.mbox": 1, "nul.eml": 1, "dates-mixed.mbox": 1}
MEANT_MALFORMED.update({k: 1 for k in DEFECTS})

with open(os.path.join(OUT, "traps.csv"), "w") as f:
    f.write("address,holder,state,timezone\n" +
            "".join("%s,%s,CA,America/Los_Angeles\n" % (t, t.split("@")[0].title()) for t in TRAPS))
names = []
for v in VARIANTS:
    exp, py = expect(v)
    bad = exp.count(" malformed")
    if bad != MEANT_MALFORMED.get(v.name, 0):
        v.disagree.append("%d copies malformed by Python's email parser, %d meant" %
                          (bad, MEANT_MALFORMED.get(v.name, 0)))
    with open(os.path.join(EXP, v.name), "w") as f:
        f.write(exp)
    with open(os.path.join(EXP, v.name + ".python"), "w") as f:
        f.write(py)
    with open(os.path.join(EXP, v.name + ".note"), "w") as f:
        f.write(v.desc + "\n" + "".join("  " + n + "\n" for n in v.notes))
    if v.disagree:
        with open(os.path.join(EXP, v.name + ".disagree"), "w") as f:
            f.write("".join(d + "\n" for d in v.disagree))
    names.append(v.name)
with open(os.path.join(OUT, "variants"), "w") as f:
    f.write("".join(n + "\n" for n in names))
