#!/usr/bin/env python3
"""Compare the decoded Subject and From address GMime gives (dump-headers
output) with Python's email package (policy=default) over an mbox.
'compare-email.py MBOX DUMP' prints the agreement and each disagreement
with its class (see evidence/VIOLATIONS.md (the Subject and From section))."""
import email, email.parser, email.policy, re, sys

# Subject and From are headers: parse the header section only (the same
# header parsing as a whole message, a fraction of the time).
DEFAULT = email.parser.BytesParser(policy=email.policy.default)
COMPAT = email.parser.BytesParser(policy=email.policy.compat32)

def unesc(s):
    return re.sub(r'\\(.)', lambda m: {'t': '\t', 'n': '\n', 'r': '\r', '\\': '\\'}[m.group(1)], s)

def ws(s):
    return re.sub(r'\s+', ' ', s or '').strip()

def canon(s):
    """Python shows bytes it could not decode as surrogate escapes, GMime as
    U+FFFD: the same bytes.  Show both as U+FFFD."""
    return s.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')

def py_fields(raw):
    m = DEFAULT.parsebytes(raw, headersonly=True)
    try:
        subj = str(m['subject']) if m['subject'] is not None else ''
    except Exception as e:
        subj = '<python error %s>' % type(e).__name__
    try:
        h = m['from']
        frm = h.addresses[0].addr_spec if h is not None and h.addresses else ''
    except Exception as e:
        frm = '<python error %s>' % type(e).__name__
    return subj, frm

def classify(field, ours, theirs, raw_header):
    r = raw_header or ''
    if theirs.startswith('<python error'):
        return 'python-error'
    if field == 'subject':
        if '\ufffd' in theirs or '\udc80' <= max(theirs or ' ') :
            return 'undeclared-8bit'
        if '=?' in r:
            return 'encoded-word'
        if ws(ours) == ws(theirs):
            return 'white-space'
        return 'other'
    if field == 'from':
        if not theirs and ours:
            return 'python-gave-up'
        if '=?' in r:
            return 'encoded-word'
        if theirs.strip('<>') == ours or ours.lower() == theirs.lower():
            return 'quoting'
        return 'other'

def main():
    mbox, dump = sys.argv[1], sys.argv[2]
    ours = {}
    with open(dump, encoding='utf-8', errors='surrogateescape') as f:
        for line in f:
            n, s, fr = line.rstrip('\n').split('\t')
            ours[int(n)] = (unesc(s), unesc(fr))
    data = open(mbox, 'rb').read()
    starts = [m.start() for m in re.finditer(rb'(?m)^From ', data)] + [len(data)]
    total = agree = 0
    classes = {}
    for i in range(len(starts) - 1):
        raw = data[starts[i]:starts[i + 1]].split(b'\n', 1)[1]
        subj, frm = py_fields(raw)
        os_, of = ours.get(i, ('', ''))
        total += 1
        ok = True
        m = None
        for field, a, b in (('subject', os_, subj), ('from', of, frm)):
            # Comparison rules (evidence/VIOLATIONS.md (the Subject and From section)): undecodable
            # bytes compare as U+FFFD; a Subject's leading and trailing white
            # space is not compared; the null address '<>' is ''; addresses
            # compare without case.
            b = canon(b)
            if field == 'subject':
                same = a.strip() == b.strip()
            else:
                same = a.lower() == ('' if b == '<>' else b.lower())
            if not same:
                if m is None:
                    m = COMPAT.parsebytes(raw, headersonly=True)
                hdr = m.get(field)
                ok = False
                c = classify(field, a, b, str(hdr) if hdr is not None else '')
                classes[(field, c)] = classes.get((field, c), 0) + 1
                if len(sys.argv) > 3:
                    print('%d %s %s\n  ours:   %r\n  python: %r\n  raw:    %r' % (i, field, c, a, b, hdr))
        agree += ok
    print('messages %d agree %d (%.2f%%)' % (total, agree, 100.0 * agree / max(total, 1)))
    print('%.4f' % (agree / max(total, 1)), file=sys.stderr)
    for (field, c), n in sorted(classes.items()):
        print('  %s %s: %d' % (field, c, n))

main()
