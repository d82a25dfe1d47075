#!/usr/bin/env python3
"""Build the ingest fixtures into OUTDIR (argument 1).

Each fixture's expected copies go to EXPECTDIR/NAME (argument 2, default
OUTDIR.expect): one line
per copy, "sha256 offset length from_line_or_-", computed here from the bytes
this script chose to write (the oracle), never from the workbench.

Messages come from messages(): each exercises one kind of non-conforming mail
listed in evidence/VIOLATIONS.md (the key is the name used there).
"""
import gzip, hashlib, io, os, sys, tarfile, zipfile, subprocess

out = sys.argv[1]
exp_dir = sys.argv[2] if len(sys.argv) > 2 else out + ".expect"
os.makedirs(out, exist_ok=True)


def sha(b):
    return hashlib.sha256(b).hexdigest()


def messages():
    m = {}
    m["plain"] = (b"Return-Path: <a@spam.example>\n"
                  b"Delivered-To: trap1@example.org\n"
                  b"Received: from mx.spam.example (mx.spam.example [192.0.2.1])\n"
                  b"\tby mx.example.org with SMTP id 1; Tue, 1 Jul 2008 23:30:00 -0400\n"
                  b"From: \"Spam Sender\" <a@spam.example>\n"
                  b"To: trap1@example.org\n"
                  b"Subject: Cheap stuff\n"
                  b"Date: Tue, 1 Jul 2008 20:00:00 -0700\n"
                  b"Message-ID: <plain-1@spam.example>\n"
                  b"\n"
                  b"Buy now.\n")
    m["crlf"] = m["plain"].replace(b"plain-1", b"crlf-1").replace(b"\n", b"\r\n")
    m["bare-lf"] = m["plain"].replace(b"plain-1", b"barelf-1")
    m["unquoted-from"] = (b"From: b@spam.example\n"
                          b"To: trap2@example.org\n"
                          b"Subject: unquoted From in the body\n"
                          b"Date: Wed, 2 Jul 2008 10:00:00 +0000\n"
                          b"Message-ID: <unquoted-1@spam.example>\n"
                          b"\n"
                          b"Hello,\n"
                          b"\n"
                          b"From the desk of the president: buy now.\n")
    m["quoted-from"] = (b"From: c@spam.example\n"
                        b"To: trap2@example.org\n"
                        b"Subject: quoted\n"
                        b"Date: Wed, 2 Jul 2008 11:00:00 +0000\n"
                        b"Message-ID: <quoted-1@spam.example>\n"
                        b"\n"
                        b"Hello,\n"
                        b"\n"
                        b">From the archive (already quoted once)\n")
    m["no-headers-but-from"] = (b"From: d@spam.example\n"
                                b"\n"
                                b"no date, no subject, no Message-ID\n")
    m["bad-date"] = (b"From: e@spam.example\n"
                     b"To: trap1@example.org\n"
                     b"Subject: bad date\n"
                     b"Date: Someday in July\n"
                     b"Message-ID: <baddate-1@spam.example>\n"
                     b"\n"
                     b"x\n")
    m["two-digit-year"] = (b"From: f@spam.example\n"
                           b"To: trap1@example.org\n"
                           b"Subject: two-digit year\n"
                           b"Date: Thu, 3 Jul 08 09:00:00 -0500\n"
                           b"Message-ID: <twodigit-1@spam.example>\n"
                           b"\n"
                           b"x\n")
    m["no-zone"] = (b"From: g@spam.example\n"
                    b"To: trap1@example.org\n"
                    b"Subject: date without zone\n"
                    b"Date: Fri, 4 Jul 2008 09:00:00\n"
                    b"Message-ID: <nozone-1@spam.example>\n"
                    b"\n"
                    b"x\n")
    m["bad-encoded-word"] = (b"From: =?utf-8?B?notbase64!!?= <h@spam.example>\n"
                             b"To: trap1@example.org\n"
                             b"Subject: =?iso-8859-1?Q?caf=E9?= =?bogus?X?zz?=\n"
                             b"Date: Sat, 5 Jul 2008 09:00:00 +0200\n"
                             b"Message-ID: <encword-1@spam.example>\n"
                             b"\n"
                             b"x\n")
    m["8bit-header"] = ("From: Jos\u00e9 <i@spam.example>\n"
                        "To: trap1@example.org\n"
                        "Subject: caf\u00e9 cr\u00e8me\n"
                        "Date: Sun, 6 Jul 2008 09:00:00 +0000\n"
                        "Message-ID: <8bit-1@spam.example>\n"
                        "\n"
                        "x\n").encode("latin-1")
    m["same-msgid-other-bytes"] = m["plain"].replace(b"Buy now.", b"Buy now!")
    m["no-final-newline"] = (b"From: j@spam.example\n"
                             b"To: trap1@example.org\n"
                             b"Subject: no final newline\n"
                             b"Date: Mon, 7 Jul 2008 09:00:00 +0000\n"
                             b"Message-ID: <nonl-1@spam.example>\n"
                             b"\n"
                             b"no newline at the end")
    return m


MSGS = messages()
ENV = b"From spammer@spam.example Tue Jul  1 23:30:00 2008"


def write(name, data, expect):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    if expect is not None:
        os.makedirs(os.path.join(exp_dir, os.path.dirname(name)), exist_ok=True)
        with open(os.path.join(exp_dir, name), "w") as f:
            for e in expect:
                f.write("%s %d %d %s\n" % (sha(e[0]), e[1], len(e[0]), e[2].decode() if e[2] else "-"))
    return path


def mbox(msgs, rd=False):
    """mboxo/mboxrd writer: From_ line, message (From-quoted), a blank line
    between messages (the separator, not part of either message)."""
    buf = io.BytesIO()
    expect = []
    for i, body in enumerate(msgs):
        if i:
            buf.write(b"\n")
        buf.write(ENV + b"\n")
        lines = body.split(b"\n")
        q = []
        for l in lines:
            if rd and l.lstrip(b">").startswith(b"From "):
                l = b">" + l
            q.append(l)
        data = b"\n".join(q)
        expect.append((data, buf.tell(), ENV))
        buf.write(data)
    return buf.getvalue(), expect


def main():
    names = ["plain", "crlf", "unquoted-from", "quoted-from", "no-headers-but-from", "bad-date",
             "two-digit-year", "no-zone", "bad-encoded-word", "8bit-header",
             "same-msgid-other-bytes"]
    # Single messages, without and with a From_ line.
    for n in names + ["no-final-newline"]:
        write("single/%s.eml" % n, MSGS[n], [(MSGS[n], 0, None)])
    write("single/with-from-line", ENV + b"\n" + MSGS["plain"],
          [(MSGS["plain"], len(ENV) + 1, ENV)])
    # mboxo: the unquoted "From the desk" line is not a From_ line (no date),
    # so it stays inside its message and is not quoted either.
    data = b""
    expect = []
    for i, n in enumerate(names):
        if i:
            data += b"\n"
        data += ENV + b"\n"
        expect.append((MSGS[n], len(data), ENV))
        data += MSGS[n]
    write("mbox/mboxo", data, expect)
    # mboxrd: >From quoting kept as written.
    data, expect = mbox([MSGS[n] for n in names], rd=True)
    write("mbox/mboxrd", data, expect)
    # mboxcl2: Content-Length, body lines "From " with a date left unquoted.
    data = b""
    expect = []
    for i in range(3):
        body = (b"Body of message %d\n\nFrom spammer@spam.example Tue Jul  1 23:30:00 2008\n"
                b"this line looks like a From_ line but Content-Length covers it\n" % i)
        hdr = (b"From: k@spam.example\nTo: trap1@example.org\nSubject: cl %d\n"
               b"Message-ID: <cl-%d@spam.example>\nContent-Length: %d\n\n" % (i, i, len(body)))
        if i:
            data += b"\n"
        data += ENV + b"\n"
        expect.append((hdr + body, len(data), ENV))
        data += hdr + body
    write("mbox/mboxcl2", data, expect)
    # Maildir: cur/ and new/ read, tmp/ skipped; the folder is named after a trap.
    md = "maildir/trap3@example.org"
    for sub, n in (("cur", "plain"), ("cur", "bad-date"), ("new", "no-zone"), ("tmp", "crlf")):
        write("%s/%s/%s.eml" % (md, sub, n), MSGS[n], None)
    # Not mail.
    write("notmail/data.json", b'{"text": "From: x@y\\n"}\n', [])
    write("notmail/README", b"# A read-me\n\nNothing to see.\n", [])
    write("notmail/zeros.bin", bytes(4096), [])
    write("notmail/empty", b"", [])


main()
