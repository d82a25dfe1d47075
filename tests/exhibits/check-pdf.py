#!/usr/bin/env python3
"""Check a PDF of the report.

check-pdf.py FILE.pdf [MIN_PAGES]
    Render it with pdftoppm (grey, 40 dpi) and check every page has ink:
    enough pixels darker than white.

check-pdf.py --structure FILE.pdf [MIN_TOC_PAGES]
    Read it with pdftotext (pages split at form feeds) and check what a
    reader relies on: the contents (which may run on over several pages,
    each headed "Contents" or "Contents (continued)") list headings whose
    page numbers are the pages those headings are printed on, in order;
    every page after the cover says "Page x of N", N being pdfinfo's page
    count; the tables are numbered "Table 1.", "Table 2.", ... and the
    figures "Figure 1.", ... in the order they appear, each number once.
    Prints one line per problem and exits 1 if there is any."""
import glob, os, re, shutil, subprocess, sys, tempfile


def ink(pdf, min_pages):
    tmp = tempfile.mkdtemp(prefix='wbpdf')
    try:
        subprocess.run(['pdftoppm', '-r', '40', '-gray', pdf, os.path.join(tmp, 'p')], check=True)
        pages = sorted(glob.glob(os.path.join(tmp, 'p-*.pgm')))
        bad = 0
        if len(pages) < min_pages:
            print('check-pdf: %d pages, expected at least %d' % (len(pages), min_pages), file=sys.stderr)
            bad += 1
        for p in pages:
            data = open(p, 'rb').read()
            # P5 header: magic, width, height, maxval, each separated by whitespace
            parts = data.split(None, 4)
            assert parts[0] == b'P5', p
            w, h, mx = int(parts[1]), int(parts[2]), int(parts[3])
            pix = data[len(data) - w * h:]
            n = sum(1 for b in pix if b < mx * 0.8)
            if n < 200:
                print('check-pdf: %s: %d inked pixels of %d' % (os.path.basename(p), n, w * h), file=sys.stderr)
                bad += 1
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def structure(pdf, min_toc):
    bad = []
    info = subprocess.run(['pdfinfo', pdf], check=True, capture_output=True, text=True).stdout
    npages = int(re.search(r'^Pages:\s+(\d+)', info, re.M).group(1))
    text = subprocess.run(['pdftotext', '-layout', pdf, '-'], check=True, capture_output=True, text=True).stdout
    pages = text.split('\f')[:npages]
    if len(pages) != npages:
        bad.append('pdftotext gave %d pages, pdfinfo %d' % (len(pages), npages))
    lines = [[l.strip() for l in p.splitlines() if l.strip()] for p in pages]
    # "Page x of N" on every page but the cover.
    for i in range(1, len(lines)):
        want = 'Page %d of %d' % (i + 1, npages)
        if not any(l.endswith(want) for l in lines[i]):
            bad.append('page %d does not say "%s"' % (i + 1, want))
    # The contents: from page 2, each page that starts with its title.
    toc, k = [], 1
    while k < len(lines) and lines[k] and lines[k][0] in (('Contents',) if k == 1 else ('Contents (continued)',)):
        for l in lines[k][1:]:
            m = re.fullmatch(r'(.*\S)\s{2,}(\d+)', l)
            if m:
                toc.append((m.group(1), int(m.group(2)), k + 1))
        k += 1
    if k - 1 < min_toc:
        bad.append('%d contents pages, expected at least %d' % (k - 1, min_toc))
    if not toc:
        bad.append('no contents entries')
    last = 0
    for title, page, where in toc:
        if page <= k:
            bad.append('contents (page %d): "%s" on page %d, not after the contents' % (where, title, page))
        elif page > npages or title not in lines[page - 1]:
            bad.append('contents (page %d): "%s" is not a line of page %d' % (where, title, page))
        if page < last:
            bad.append('contents (page %d): "%s" on page %d, before the entry above it' % (where, title, page))
        last = page
    # Tables and figures numbered in order, each once.
    for kind in ('Table', 'Figure'):
        nums = [int(m.group(1)) for p in lines for l in p for m in [re.match(kind + r' (\d+)\. \S', l)] if m]
        if nums != list(range(1, len(nums) + 1)):
            bad.append('%s numbers out of order: %s' % (kind.lower(), nums))
        if not nums:
            bad.append('no %s numbers' % kind.lower())
    for b in bad:
        print('check-pdf: %s' % b)
    return 1 if bad else 0


if sys.argv[1] == '--structure':
    sys.exit(structure(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1))
sys.exit(ink(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1))
