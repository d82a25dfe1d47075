#!/usr/bin/env python3
"""Fill a case made by 'workbench init' with messages from the SpamAssassin
corpus tarball (or from .eml files), the way ingest would store them: one raw
row and one messages row per message, with the fields ingest fills that
analysis does not (from_addr, subject, message_id).  For tests of analysis
before ingest lands: 'corpus-case.py CASE TARBALL [LIMIT]' or
'corpus-case.py CASE --files F.eml...'.  With --trap ADDR[,HOSTS] every copy is
given to that trap.
"""
import email, email.policy, hashlib, json, sqlite3, sys, tarfile

def messages(args):
    if args[0] == '--files':
        for f in args[1:]:
            with open(f, 'rb') as fh:
                yield f, fh.read()
        return
    limit = int(args[1]) if len(args) > 1 else None
    n = 0
    with tarfile.open(args[0]) as t:
        names = sorted(m.name for m in t.getmembers()
                       if m.name.startswith('package/data/') and m.name.endswith('.json')
                       and '/file_list' not in m.name)
        for name in names:
            d = json.load(t.extractfile(name))
            text = d['text']
            # The JSON holds text; the messages were Latin-1 or ASCII
            # mostly.  Encode back losslessly where possible.
            try:
                raw = text.encode('latin-1')
            except UnicodeEncodeError:
                raw = text.encode('utf-8', 'surrogateescape')
            yield name, raw
            n += 1
            if limit and n >= limit:
                return

def main():
    argv = sys.argv[1:]
    trap = None
    if argv[:1] == ['--trap']:
        trap = argv[1]
        argv = argv[2:]
    db = sqlite3.connect(argv[0])
    trap_id = 0
    if trap:
        addr, _, hosts = trap.partition(',')
        cur = db.execute("INSERT INTO traps (address, hosts) VALUES (?, ?)", (addr.lower(), hosts or None))
        trap_id = cur.lastrowid
    for name, raw in messages(argv[1:]):
        sha = hashlib.sha256(raw).hexdigest()
        row = db.execute("SELECT id FROM raw WHERE sha256 = ?", (sha,)).fetchone()
        if row:
            raw_id = row[0]
        else:
            raw_id = db.execute("INSERT INTO raw (sha256, size, bytes) VALUES (?,?,?)",
                                (sha, len(raw), raw)).lastrowid
        m = email.message_from_bytes(raw, policy=email.policy.default)
        try:
            frm = m['from'].addresses[0].addr_spec if m['from'] and m['from'].addresses else None
        except Exception:
            frm = None
        try:
            subj = str(m['subject']) if m['subject'] is not None else None
        except Exception:
            subj = None
        try:
            mid = str(m['message-id']).strip().strip('<>') if m['message-id'] else None
        except Exception:
            mid = None
        clean = lambda s: s.encode('utf-8', 'replace').decode('utf-8') if s is not None else None
        mid, frm, subj = clean(mid), clean(frm), clean(subj)
        db.execute("INSERT OR IGNORE INTO messages (sha256, raw_id, trap_id, status, message_id,"
                   " from_addr, subject) VALUES (?,?,?,?,?,?,?)",
                   (sha, raw_id, trap_id, 'ok', mid, frm, subj))
    db.commit()

main()
