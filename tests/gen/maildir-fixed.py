#!/usr/bin/env python3
"""Write a Maildir at PATH (argument 1) of N (argument 2) message files in
cur/, each exactly SIZE bytes (argument 3, default 1000), addressed to
trap1@example.org and trap2@example.org in turn.  Every tenth file holds
the same bytes as the file before it (a second copy of one delivery: one
message row, two locations).  Equal sizes make the groups of a folder
ingest (wb_ingest_opts_t.group_bytes) hold a known number of files."""
import os, sys
path, n = sys.argv[1], int(sys.argv[2])
size = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
os.makedirs(os.path.join(path, "cur"), exist_ok=True)
os.makedirs(os.path.join(path, "new"), exist_ok=True)
os.makedirs(os.path.join(path, "tmp"), exist_ok=True)
body = None
for i in range(n):
    k = i - 1 if i % 10 == 9 else i
    head = ("Received: from relay.spam.example by mx.example.org; Tue, 1 Jul 2008 00:%02d:00 +0000\n"
            "From: Sender %d <sender%d@spam.example>\n"
            "To: trap%d@example.org\n"
            "Subject: offer number %d\n"
            "Date: Tue, 1 Jul 2008 00:%02d:00 +0000\n"
            "Message-ID: <fixed-%d@spam.example>\n"
            "\n"
            "Offer %d.  Call 555-0100 to stop.\n" % (k % 60, k, k, k % 2 + 1, k, k % 60, k, k))
    pad = size - len(head) - 1
    assert pad >= 0, "SIZE too small"
    data = (head + "x" * pad + "\n").encode()
    assert len(data) == size
    with open(os.path.join(path, "cur", "%06d.fixed:2,S" % i), "wb") as f:
        f.write(data)
