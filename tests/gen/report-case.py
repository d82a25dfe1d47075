#!/usr/bin/env python3
"""Fill a fresh case (made by 'workbench init') with traps, sources, raw
rows and message copies for the report tests.

    report-case.py CASE            six copies with hostile text (unit tests)
    report-case.py CASE --bulk N   N plain copies over 60 days (benchmark)
    report-case.py CASE --findings FILE   also write analyst findings (CSV)

Copy i (1-based) gets id i; the six-copy case's days and traps are listed
in tests/unit/test-report.c, which computes the damages by hand."""
import hashlib, sqlite3, sys

path = sys.argv[1]
bulk = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == '--bulk' else 0
findings = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == '--findings' else None
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
    # Near-duplicate campaigns: copies 1-3, 4-5 and 6 (bulk: 40 campaigns).
    camp = (1 if i <= 3 else 2 if i <= 5 else 3) if not bulk else i % 40
    db.execute("INSERT INTO messages(id, sha256, raw_id, trap_id, status, message_id, from_addr, from_name,"
               " subject, received_at, received_epoch, received_from, local_day, campaign)"
               " VALUES (?, ?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, 'received', ?, ?)",
               (i, sha, i, trap, 'msg%d@spam.example' % i, addr, name, subj, None, ep, day, camp))
    db.execute("INSERT INTO locations(message, source_id, offset, length, split) VALUES (?, 1, ?, ?, 'mboxrd')",
               (i, i * 100, len(raw)))
db.commit()

# Attribution, when the case has its tables: four parties, three links.
have = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
if not bulk and {'parties', 'links'} <= have:
    for (i, name, role) in [(1, 'Spam Deals LLC', 'sender'), (2, 'Affiliate 7 = "Bob"', 'affiliate'),
                            (3, 'Pills Inc.', 'advertiser'), (4, 'Mailer Co', 'sender')]:
        db.execute("INSERT INTO parties(id, name, role, derived) VALUES (?, ?, ?, 0)", (i, name, role))
    for (i, a, b, score, strength) in [(1, 1, 2, 9.5, 'strong'), (2, 2, 3, 4.0, 'moderate'), (3, 1, 4, 1.0, 'weak')]:
        db.execute("INSERT INTO links(id, party_a, party_b, score, strength, summary) VALUES (?, ?, ?, ?, ?, ?)",
                   (i, a, b, score, strength, 'shared phone and payee' if strength == 'strong' else 'shared domain'))
    db.commit()
db.close()

if findings:
    # California (a)(2) on copies 1-5, Arkansas 4-88-603(a)(1)(A) on all six,
    # Colorado and Arizona on all six: which count is the engine's to say
    # (nexus, caps); the exhibit tests compare the workbook with it.
    # CAN-SPAM: 7704(a)(1) (false header: $100, outside the cap) on copies
    # 1, 2 and 4, 7704(a)(2) ($25, under the cap) on copy 3.
    with open(findings, 'w') as f:
        f.write('message,statute,provision,finding,note\n')
        for i in range(1, 7):
            if i <= 5:
                f.write('msg%d@spam.example,ca-17529.5,(a)(2),violation,forged header\n' % i)
            f.write('msg%d@spam.example,ar-4-88,4-88-603(a)(1)(A),violation,no legal name\n' % i)
            f.write('msg%d@spam.example,co-6-2.5,6-2.5-103(1),violation,invalid From domain\n' % i)
            f.write('<msg%d@spam.example>,az-44-1372,*,violation,no ADV label\n' % i)
            if i in (1, 2, 4):
                f.write('msg%d@spam.example,us-7706,7704(a)(1),violation,forged header\n' % i)
            if i == 3:
                f.write('msg%d@spam.example,us-7706,7704(a)(2),violation,misleading subject\n' % i)
