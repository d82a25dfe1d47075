#!/usr/bin/env python3
"""Write an mboxrd file of N (argument 2) distinct small messages to PATH
(argument 1), numbered from FIRST (argument 3, default 0), addressed to trap1@example.org and trap2@example.org in turn,
received one minute apart from 2008-07-01 00:00 UTC."""
import sys, datetime
path, n = sys.argv[1], int(sys.argv[2])
first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
t0 = datetime.datetime(2008, 7, 1, tzinfo=datetime.timezone.utc)
with open(path, "wb") as f:
    for i in range(first, first + n):
        t = (t0 + datetime.timedelta(minutes=i)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        if i > first:
            f.write(b"\n")
        f.write(("From sender%d@spam.example Tue Jul  1 00:00:00 2008\n"
                 "Received: from relay.spam.example by mx.example.org; %s\n"
                 "From: Sender %d <sender%d@spam.example>\n"
                 "To: trap%d@example.org\n"
                 "Subject: offer number %d\n"
                 "Date: %s\n"
                 "Message-ID: <many-%d@spam.example>\n"
                 "\n"
                 "Offer %d.  Reply to stop.\n" % (i, t, i, i, i % 2 + 1, i, t, i, i)).encode())
