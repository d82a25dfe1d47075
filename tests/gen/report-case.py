#!/usr/bin/env python3
"""Fill a fresh case (made by 'workbench init') with traps, sources, raw
rows and message copies for the report tests.

    report-case.py CASE            six copies with hostile text (unit tests)
    report-case.py CASE --bulk N   N plain copies over 60 days (benchmark)

Copy i (1-based) gets id i; the six-copy case's days and traps are listed
in tests/unit/test-report.c, which computes the damages by hand."""
import hashlib, sqlite3, sys

path = sys.argv[1]
bulk = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == '--bulk' else 0
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode=DELETE")
now = '2008-05-01T00:00:00Z'
db.execute("INSERT INTO traps(id, address, holder, state, provider, provider_state, timezone)"
           " VALUES (1, 'jdoe@trap.example', 'J. Doe', 'CA', 'Trap ISP', 'CA', 'America/Los_Angeles')")
db.execute("INSERT INTO traps(id, address, holder, state, provider, provider_state, timezone)"
           " VALUES (2, 'roe@trap.example', 'R. Roe', 'AR', 'Trap ISP', 'CA', 'America/Chicago')")
db.execute("INSERT INTO sources(id, run, name, chain, depth, size, sha256, format, role, messages, complete, ingested_at)"
           " VALUES (1, 1, 'box.mbox', 'box.mbox', 0, 1234, ?, 'mbox', 'mailbox', ?, 1, ?)",
           (hashlib.sha256(b'box').hexdigest(), bulk or 6, now))

if not bulk:
    # id, trap, UTC epoch, local day, from, subject
    rows = [
        (1, 1, 1207040400, '2008-04-01', 'Deals <deals@spam.example>', '=HYPERLINK("http://evil.example","click")'),
        (2, 1, 1207044000, '2008-04-01', 'deals@spam.example', '+1 555 0100 cheap meds'),
        (3, 2, 1207047600, '2008-04-01', 'deals@spam.example', '-20% @everyone \u202eevil\u202c \x07bell'),
        (4, 1, 1207130400, '2008-04-02', 'other@spam.example', '@SUM(1,2) offer'),
        (5, 2, 1207134000, '2008-04-02', 'other@spam.example', 'Long ' + 'x' * 40000),
        (6, 1, 1207220400, '2008-04-03', 'third@spam.example', 'Plain subject'),
    ]
else:
    rows = []
    for i in range(1, bulk + 1):
        day = (i * 7) % 60
        ep = 1207040400 + day * 86400 + (i % 3600)
        rows.append((i, 1 + i % 2, ep, None, 'sender%d@spam.example' % (i % 50), 'Offer number %d' % i))

for (i, trap, ep, day, frm, subj) in rows:
    raw = ('Subject: %s\n\nbody %d\n' % (subj[:50], i)).encode()
    sha = hashlib.sha256(raw).hexdigest()
    name, addr = (frm.split(' <')[0], frm.split('<')[1].rstrip('>')) if '<' in frm else (None, frm)
    if day is None:
        import datetime
        day = datetime.datetime.utcfromtimestamp(ep - (7 if trap == 1 else 5) * 3600).strftime('%Y-%m-%d')
    db.execute("INSERT INTO raw(id, sha256, size, bytes) VALUES (?, ?, ?, ?)", (i, sha, len(raw), raw))
    db.execute("INSERT INTO messages(id, sha256, raw_id, trap_id, status, message_id, from_addr, from_name,"
               " subject, received_at, received_epoch, received_from, local_day)"
               " VALUES (?, ?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, 'received', ?)",
               (i, sha, i, trap, 'msg%d@spam.example' % i, addr, name, subj, None, ep, day))
    db.execute("INSERT INTO locations(message, source_id, offset, length, split) VALUES (?, 1, ?, ?, 'mboxrd')",
               (i, i * 100, len(raw)))
db.commit()
db.close()
