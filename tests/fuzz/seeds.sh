#!/bin/sh
# Fill build-fuzz/seeds/NAME/ (one folder per harness) from the fixtures the
# tests generate and a few hundred SpamAssassin messages; tests/fuzz/run.sh
# reads them.  Nothing here is committed: 'sh tests/fuzz/seeds.sh' rebuilds it.
cd "$(dirname "$0")/../.." || exit 1
S=build-fuzz/seeds
T=build-fuzz/seeds.tmp
rm -rf "$S" "$T"
mkdir -p "$S" "$T"
python3 tests/gen/mail-fixtures.py "$T/mail" "$T/mail.expect" >/dev/null 2>&1 || echo "seeds: mail-fixtures.py failed" >&2
python3 tests/gen/bad-archives.py "$T/bad" >/dev/null 2>&1 || echo "seeds: bad-archives.py failed" >&2
[ -f tests/gen/gen-hostile.py ] && python3 tests/gen/gen-hostile.py "$T/hostile" >/dev/null 2>&1
tgz=$(sh tests/corpus.sh 2>/dev/null) || tgz=
python3 - "$S" "$T" "$tgz" <<'PY'
import hashlib, json, os, re, sys, tarfile, email, email.policy, glob
S, T, tgz = sys.argv[1:4]
def put(name, data):
    d = os.path.join(S, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), 'wb') as f:
        f.write(data)
msgs = []
if tgz:
    with tarfile.open(tgz) as t:
        names = sorted(m.name for m in t.getmembers() if m.name.startswith('package/data/spam')
                       and m.name.endswith('.json'))
        for name in names[::5][:300]:
            text = json.load(t.extractfile(name))['text']
            try:
                msgs.append(text.encode('latin-1'))
            except UnicodeEncodeError:
                msgs.append(text.encode('utf-8', 'surrogateescape'))
files = [f for f in glob.glob(T + '/**/*', recursive=True) if os.path.isfile(f)]
small = [f for f in files if os.path.getsize(f) <= 1 << 20]
for f in small:
    data = open(f, 'rb').read()
    put('fuzz-walker', data)
    if not data.startswith(b'\x1f\x8b') and b'PK\x03\x04' not in data[:4]:
        put('fuzz-mbox', data)
        put('fuzz-message', data)
for m in msgs:
    put('fuzz-message', m)
    put('fuzz-mbox', m)
for m in msgs[:60]:
    put('fuzz-walker', m)
# Header-level seeds from the messages.
for m in msgs:
    try:
        e = email.message_from_bytes(m, policy=email.policy.compat32)
    except Exception:
        continue
    rec = e.get_all('Received') or []
    if rec:
        put('fuzz-received', '\n'.join(re.sub(r'\s+', ' ', str(r)) for r in rec).encode('utf-8', 'surrogateescape'))
    if e.get('Date'):
        put('fuzz-date', str(e['Date']).encode('utf-8', 'surrogateescape'))
    for part in e.walk():
        if part.get_content_type() == 'text/html':
            body = part.get_payload(decode=True)
            if body:
                put('fuzz-html', body)
                # The differential harness: as found, and as the UTF-8
                # the analysis gives wb_html_to_text() (the pass that
                # takes attributes out runs on valid UTF-8 only).
                put('fuzz-html-ref', body)
                cs = part.get_content_charset() or 'latin-1'
                try:
                    put('fuzz-html-ref', body.decode(cs, 'replace').encode('utf-8'))
                except LookupError:
                    put('fuzz-html-ref', body.decode('latin-1').encode('utf-8'))
for d in (b'Tue, 1 Jul 2008 23:30:00 -0400', b'1 Jul 08 23:30 EDT', b'Tue Jul  1 23:30:00 2008',
          b'Tue, 31 Feb 2008 25:61:61 +9999', b'2008-07-01T23:30:00Z', b''):
    put('fuzz-date', d)
for f in glob.glob('templates/statutes/*.ini'):
    put('fuzz-statute', open(f, 'rb').read())
# Importers: the first byte picks traps (0), parties (1), findings (2).
for f in glob.glob(T + '/**/*.csv', recursive=True) + glob.glob('tests/**/*.csv', recursive=True):
    data = open(f, 'rb').read()
    for k in b'\x00\x01\x02':
        put('fuzz-import', bytes([k]) + data)
put('fuzz-import', b'\x00timezone,address,holder,state,provider,provider_state\r\nAmerica/Los_Angeles,Trap1@Example.COM,"Doe, Jane",ca,BigMail,CA\r\n')
put('fuzz-import', b'\x01name,email,phone,domain,address\nAcme Inc,sales@acme.example,+1 415 555 0100,acme.example,"1 Main St, San Francisco, CA 94105"\n')
put('fuzz-import', b'\x02message,provision,value,evidence\n1,ca-17529.5(b)(1)(C)(ii),yes,header\n')
for k in ('fuzz-csv',):
    for f in glob.glob(S + '/fuzz-import/*'):
        put(k, open(f, 'rb').read()[1:])
PY
rm -rf "$T"
for d in "$S"/*; do echo "$(basename "$d"): $(ls "$d" | wc -l) seeds"; done
