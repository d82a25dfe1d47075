#!/usr/bin/env python3
"""Check that exhibits.xlsx prints legibly.

    check-print.py EXHIBITS.xlsx [MIN_POINTS]

1. The page setup of every sheet (its XML): landscape, a footer with
   "Page &P of &N", the header row repeated (print titles) on every table
   sheet, and either fit to one page wide or a print scale, never both a
   fit and a scale under 75%.
2. LibreOffice prints the workbook to PDF; `pdftotext -bbox` gives every
   word's box, and the height of the smallest word is the smallest text as
   printed.  Poppler's word box is the font's ascent to descent, at least
   the font size, so a height under MIN_POINTS (default 8) means text
   printed smaller than that.
Exit 0 when all hold; messages on stderr otherwise."""
import os, re, shutil, subprocess, sys, tempfile, zipfile
import xml.etree.ElementTree as ET

NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}
RELNS = '{http://schemas.openxmlformats.org/package/2006/relationships}'
fails = []

def fail(msg):
    fails.append(msg)
    print('check-print: ' + msg, file=sys.stderr)

xlsx = sys.argv[1]
least = float(sys.argv[2]) if len(sys.argv) > 2 else 8.0
z = zipfile.ZipFile(xlsx)
wb = ET.fromstring(z.read('xl/workbook.xml'))
rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
target = {r.get('Id'): r.get('Target') for r in rels.iter(RELNS + 'Relationship')}
titles = {d.get('localSheetId') for d in wb.iter('{%s}definedName' % NS['m'])
          if d.get('name') == '_xlnm.Print_Titles'}
for i, s in enumerate(wb.iter('{%s}sheet' % NS['m'])):
    name = s.get('name')
    root = ET.fromstring(z.read('xl/' + target[s.get('{%s}id' % NS['r'])]))
    ps = root.find('m:pageSetup', NS)
    if ps is None or ps.get('orientation') != 'landscape':
        fail('%s: not landscape' % name)
    fit = root.find('m:sheetPr/m:pageSetUpPr', NS)
    fitting = fit is not None and fit.get('fitToPage') == '1'
    scale = int(ps.get('scale', '100')) if ps is not None else 100
    if not fitting and scale < 75:
        fail('%s: printed at %d%%' % (name, scale))
    if fitting and ps is not None and ps.get('fitToWidth', '1') != '1':
        fail('%s: fit to %s pages wide' % (name, ps.get('fitToWidth')))
    foot = root.find('m:headerFooter/m:oddFooter', NS)
    if foot is None or '&P of &N' not in (foot.text or ''):
        fail('%s: no "page x of y" footer' % name)
    if name != 'Summary' and str(i) not in titles:
        fail('%s: the header row is not repeated on each page' % name)

tmp = tempfile.mkdtemp(prefix='wbprint')
try:
    prof = os.path.join(tmp, 'profile')
    subprocess.run(['soffice', '-env:UserInstallation=file://' + prof, '--headless', '--convert-to', 'pdf',
                    '--outdir', tmp, xlsx], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    pdf = os.path.join(tmp, os.path.splitext(os.path.basename(xlsx))[0] + '.pdf')
    if not os.path.exists(pdf):
        fail('LibreOffice printed no PDF')
    else:
        html = subprocess.run(['pdftotext', '-bbox', pdf, '-'], stdout=subprocess.PIPE).stdout.decode()
        small = []
        words = 0
        page = 0
        for line in html.splitlines():
            if '<page ' in line:
                page += 1
            m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
            if not m:
                continue
            words += 1
            h = float(m.group(4)) - float(m.group(2))
            if h < least:
                small.append((h, page, m.group(5)))
        if not words:
            fail('the printed workbook has no text')
        for h, p, w in sorted(small)[:5]:
            fail('page %d: %r printed %.1f points high, under %.1f' % (p, w, h, least))
        if os.environ.get('VERBOSE'):
            print('%d pages, %d words, %d under %.1f points' % (page, words, len(small), least), file=sys.stderr)
finally:
    if not os.environ.get('KEEP'):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print('kept ' + tmp, file=sys.stderr)
sys.exit(1 if fails else 0)
