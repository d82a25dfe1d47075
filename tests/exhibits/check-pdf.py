#!/usr/bin/env python3
"""Render a PDF with pdftoppm (grey, 40 dpi) and check every page has ink:
enough pixels darker than white.  check-pdf.py FILE.pdf [MIN_PAGES]"""
import glob, os, shutil, subprocess, sys, tempfile

pdf = sys.argv[1]
min_pages = int(sys.argv[2]) if len(sys.argv) > 2 else 1
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
        pix = parts[4][:w * h] if len(parts[4]) >= w * h else parts[4]
        pix = data[len(data) - w * h:]
        ink = sum(1 for b in pix if b < mx * 0.8)
        if ink < 200:
            print('check-pdf: %s: %d inked pixels of %d' % (os.path.basename(p), ink, w * h), file=sys.stderr)
            bad += 1
    sys.exit(1 if bad else 0)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
