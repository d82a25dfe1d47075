#!/usr/bin/env python3
"""Check exhibits.xlsx against the damages JSON (`damages --format json`).

    check-xlsx.py EXHIBITS.xlsx DAMAGES.json [--sheets N] [--hostile]

1. An independent reader (zipfile + xml): the totals on the Damages and
   Summary sheets are formulas; no formula cell holds message text, and every
   text cell of the Messages sheets is a string cell (never a formula); N
   Messages sheets exist when --sheets is given; with --hostile, the case's
   subjects include text starting with = + - @, which must stay text.
2. LibreOffice, told to recalculate every formula on load, and given a copy
   with every cached formula value removed (so a figure can only come from
   recalculation), exports each sheet as CSV; each statute's violating
   copies, incidents, days, uncapped and amount cents and the total must
   equal the JSON to the cent.
3. Every column of the Damages, Incidents, Days, Plaintiffs and Messages
   sheets holds one formula pattern (the same formula with only its own row
   number changed), so that it can be checked by filling down.
   Each Messages row's "Outside the cap" is a formula over the Provision
   amounts sheet, as its amount is over the Statutes sheet.
4. With --per-copy ID=CENTS, the Statutes sheet's per-copy cell of ID is
   changed before the recalculation; with --outside ID/LABEL=0|1, the
   Provision amounts sheet's "Outside the cap" cell of that provision;
   --expect ID=CENTS (repeatable) and --expect-total CENTS then replace the
   JSON's figures for the amounts checked (the caller works them out from
   the statute's arithmetic).
5. With --defendants JSON (`damages --by defendant --format json`), the
   Defendants sheet's exposures and its total counting each copy once, and
   the Defendants by statute amounts, recalculated, equal the JSON's; they
   are formulas over the Defendant copies sheet, one pattern per column.
   With a changed amount, --expect-defendants FILE (a JSON object, name to
   cents) and --expect-defendant-total CENTS give the exposures to find.
6. With --scenarios CASE (and --options, the report's damages options,
   and --statutes-dir), each row of the Scenarios sheet, whose figures are
   the engine's values, equals `damages CASE --format json` run with the
   options its label names (the table below, the test's own reading of
   the labels); the sheet must say under the table that they are values.
Exit 0 when all hold; messages on stderr otherwise.

Each LibreOffice start costs seconds of CPU before any work, so a script
that checks many workbooks splits the work in two phases:

    check-xlsx.py EXHIBITS.xlsx DAMAGES.json [options] --bare-to DIR/NAME.xlsx
        every check that needs no LibreOffice (1, 3, 5's formulas, 6); the
        copy without cached values (and the changes of 4) as DIR/NAME.xlsx,
        and what 2, 4 and 5 must find as DIR/NAME.json
    check-xlsx.py --convert DIR
        one LibreOffice start recalculates every DIR/*.xlsx and exports each
        sheet as DIR/csv/NAME-SHEET.csv
    check-xlsx.py --recalculated DIR/NAME.xlsx
        checks 2, 4 and 5 of that workbook on those sheets
Without --bare-to, one call does both phases for its workbook."""
import csv, json, os, re, shutil, subprocess, sys, tempfile, zipfile
import xml.etree.ElementTree as ET

NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}
RELNS = '{http://schemas.openxmlformats.org/package/2006/relationships}'
fails = []

def fail(msg):
    fails.append(msg)
    print('check-xlsx: ' + msg, file=sys.stderr)


def soffice_csv(tmp, out, files):
    """One LibreOffice start (its profile under TMP), told to recalculate
    every formula on load: each sheet of each of FILES as OUT/STEM-SHEET.csv.
    Returns what LibreOffice said, for messages."""
    tmp = os.path.abspath(tmp)
    prof = os.path.join(tmp, 'profile', 'user')
    os.makedirs(prof)
    with open(os.path.join(prof, 'registrymodifications.xcu'), 'w') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
                'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
                '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
                '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
                '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
                '<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
                '</oor:items>\n')
    os.makedirs(out)
    cmd = ['soffice', '-env:UserInstallation=file://' + os.path.join(tmp, 'profile'), '--headless',
           '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
           '--outdir', out] + files
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120 * len(files))
    return (p.stdout + p.stderr).decode('utf-8', 'replace')


def read_csv(out, bare, name, log):
    """Sheet NAME of workbook BARE as LibreOffice exported it into OUT."""
    path = os.path.join(out, '%s-%s.csv' % (os.path.splitext(os.path.basename(bare))[0], name))
    if not os.path.exists(path):
        fail('LibreOffice wrote no CSV for %s of %s: %s' % (name, os.path.basename(bare), log.strip()))
        return []
    return list(csv.reader(open(path, encoding='utf-8')))


def recalc_checks(first, sheet_csv):
    """Checks 2, 4 and 5 on the sheets LibreOffice recalculated; FIRST holds
    what the first phase worked out (the figures to find, the hostile
    subjects, the JSON of the engine per plaintiff and defendant)."""
    expect, hostile, changed_amounts = first['expect'], first['hostile'], first['changed_amounts']
    d = sheet_csv('Damages')
    if d:
        head = d[0]
        col = {h: i for i, h in enumerate(head)}
        got = {r[0]: r for r in d[1:] if r and r[0]}
        names = {'violating_messages': 'Violating copies', 'incidents': 'Incidents', 'days': 'Days',
                 'uncapped_cents': 'Uncapped (cents)', 'amount_cents': 'Amount (cents)',
                 'excluded_nexus': 'Excluded: no nexus', 'excluded_undated': 'Excluded: undated',
                 'excluded_effective': 'Excluded: before effective date',
                 'excluded_limitations': 'Excluded: limitations', 'excluded_analyst': 'Excluded: analyst',
                 'excluded_preempted': 'Excluded: preempted (CAN-SPAM)',
                 'not_violating': 'In scope, not violating'}
        for st in expect['statutes']:
            r = got.get(st['id'])
            if r is None:
                fail('Damages sheet has no row for %s' % st['id'])
                continue
            for k, h in names.items():
                if h not in col:
                    fail('Damages sheet has no column %r' % h)
                    continue
                if st.get(k) is None:
                    continue
                v = r[col[h]]
                if v != str(st[k]):
                    fail('%s %s: LibreOffice computed %r, damages say %d' % (st['id'], k, v, st[k]))
            dollars = r[col['Amount ($)']]
            if abs(float(dollars) * 100 - st['amount_cents']) > 0.001:
                fail('%s dollars %s' % (st['id'], dollars))
    s = sheet_csv('Summary')
    tot = [r for r in s if r and r[0] == 'Total']
    if not tot or tot[0][2] != str(expect['total_cents']):
        fail('Summary total: LibreOffice computed %r, damages say %d' % (tot[0][2] if tot else None, expect['total_cents']))
    if first['plaintiffs']:
        want = {(st['id'], p['name']): st['amount_cents']
                for p in first['plaintiffs']['plaintiffs'] for st in p['statutes']
                if st['violating_messages']}
        ps = sheet_csv('Plaintiffs')
        if ps:
            col = {h: i for i, h in enumerate(ps[0])}
            got = {(r[0], r[col['Plaintiff']]): r[col['Amount (cents)']] for r in ps[1:]
                   if r and r[0] and r[0] != 'Total'}
            if set(got) != set(want):
                fail('Plaintiffs sheet rows %s, the engine has actions %s' % (sorted(got), sorted(want)))
            for k, v in want.items():
                if k in got and got[k] != str(v):
                    fail('Plaintiffs %s: LibreOffice computed %r, damages --by plaintiff says %d' % (k, got[k], v))
    if first['defendants']:
        dj = first['defendants']
        want = {x['name']: x['amount_cents'] for x in dj['defendants']}
        want_total = dj['total_cents']
        if changed_amounts:
            want.update(first['expect_defendants'] or {})
            want_total = first['expect_defendant_total']
        ds = sheet_csv('Defendants')
        if ds and 'Exposure (cents)' not in ds[0]:
            fail('the Defendants sheet has no column "Exposure (cents)": %s' % ds[0])
        elif ds:
            col = {h: i for i, h in enumerate(ds[0])}
            got = {r[0]: r[col['Exposure (cents)']] for r in ds[1:] if r and r[0]}
            tot = got.pop('Total, each copy once', None)
            got.pop('Exposures added up', None)
            if set(got) != set(want):
                fail('Defendants sheet rows %s, the engine has %s' % (sorted(got), sorted(want)))
            for k, v in want.items():
                if k in got and got[k] != str(v):
                    fail('Defendants %s: LibreOffice computed %r, damages --by defendant says %d' % (k, got[k], v))
            if want_total is not None and tot != str(want_total):
                fail('Defendants total (each copy once): LibreOffice computed %r, damages says %d' % (tot, want_total))
        bs = sheet_csv('Defendants by statute')
        if bs and 'Amount (cents)' not in bs[0]:
            fail('the Defendants by statute sheet has no column "Amount (cents)": %s' % bs[0])
        elif bs and not changed_amounts:
            col = {h: i for i, h in enumerate(bs[0])}
            got = {(r[0], r[1]): r[col['Amount (cents)']] for r in bs[1:] if r and r[0] in want}
            for x in dj['defendants']:
                for st in x['statutes']:
                    v = got.get((x['name'], st['id']))
                    if v != str(st['amount_cents']):
                        fail('Defendants by statute %s %s: LibreOffice computed %r, damages says %d'
                             % (x['name'], st['id'], v, st['amount_cents']))
    m = sheet_csv('Messages')
    subj = [r[4] for r in m[1:] if len(r) > 4]
    for t in hostile:
        if t not in subj:
            fail('LibreOffice does not show subject %r as text' % t[:40])


# The second phase: one LibreOffice start over the workbooks of many checks
# (each start costs seconds of CPU before any work), then each one's checks.
if len(sys.argv) == 3 and sys.argv[1] == '--convert':
    d = sys.argv[2]
    files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith('.xlsx'))
    if not files:
        print('check-xlsx: no workbook in %s' % d, file=sys.stderr)
        sys.exit(1)
    log = soffice_csv(tempfile.mkdtemp(prefix='wbxlsx', dir=d), os.path.join(d, 'csv'), files)
    with open(os.path.join(d, 'csv', 'soffice.log'), 'w') as f:
        f.write(log)
    sys.exit(0)
if len(sys.argv) == 3 and sys.argv[1] == '--recalculated':
    bare = sys.argv[2]
    out = os.path.join(os.path.dirname(bare), 'csv')
    log = open(os.path.join(out, 'soffice.log')).read() if os.path.exists(os.path.join(out, 'soffice.log')) else ''
    recalc_checks(json.load(open(os.path.splitext(bare)[0] + '.json')), lambda name: read_csv(out, bare, name, log))
    sys.exit(1 if fails else 0)

import argparse
ap = argparse.ArgumentParser()
ap.add_argument('xlsx')
ap.add_argument('json')
ap.add_argument('--sheets', type=int)
ap.add_argument('--hostile', action='store_true')
ap.add_argument('--per-copy')
ap.add_argument('--expect', action='append', default=[])
ap.add_argument('--expect-total', type=int)
ap.add_argument('--plaintiffs', help='damages --by plaintiff --format json: each action on the Plaintiffs sheet')
ap.add_argument('--outside')
ap.add_argument('--defendants', help='damages --by defendant --format json: the Defendants sheets')
ap.add_argument('--expect-defendants', help='a JSON object: name -> exposure in cents')
ap.add_argument('--expect-defendant-total', type=int)
ap.add_argument('--scenarios', help='the case: each Scenarios row against damages with its options')
ap.add_argument('--options', default='', help="the report's damages options")
ap.add_argument('--statutes-dir')
ap.add_argument('--bare-to', help='the first phase: checks without LibreOffice; the workbook for it here')
args = ap.parse_args()
changed_amounts = bool(args.per_copy or args.outside)
xlsx, jpath, want_sheets = args.xlsx, args.json, args.sheets
expect = json.load(open(jpath))
changed = dict(e.split('=', 1) for e in args.expect)
for st in expect['statutes']:
    if st['id'] in changed:
        st['amount_cents'] = int(changed[st['id']])
        st['uncapped_cents'] = None     # not checked: the caller gives the amount
if args.expect_total is not None:
    expect['total_cents'] = args.expect_total
if changed_amounts:
    args.plaintiffs = None              # the per-plaintiff JSON is of the unchanged case

z = zipfile.ZipFile(xlsx)
wb = ET.fromstring(z.read('xl/workbook.xml'))
rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
target = {r.get('Id'): r.get('Target') for r in rels.iter(RELNS + 'Relationship')}
sheets = {}
for s in wb.iter('{%s}sheet' % NS['m']):
    sheets[s.get('name')] = 'xl/' + target[s.get('{%s}id' % NS['r'])]

TAG_C, TAG_F, TAG_IS, TAG_T, TAG_V = ('{%s}%s' % (NS['m'], x) for x in ('c', 'f', 'is', 't', 'v'))
sheet_cells = {}

def cells(name):
    """(ref, type, formula or None, inline text or value) for each cell.
    Each sheet is parsed once and kept: the checks below read the large
    Messages and Defendant sheets several times each, and parsing them
    again (with a path search per cell) was most of this script's time."""
    if name in sheet_cells:
        return sheet_cells[name]
    out = []
    for c in ET.fromstring(z.read(sheets[name])).iter(TAG_C):
        # The first <f>, the first <v>, and the first <t> of an <is>, as
        # c.find('m:f'), c.find('m:v') and c.find('m:is/m:t') find them.
        f = t = v = None
        for ch in c:
            if ch.tag == TAG_F:
                if f is None:
                    f = ch
            elif ch.tag == TAG_V:
                if v is None:
                    v = ch
            elif ch.tag == TAG_IS and t is None:
                t = next((g for g in ch if g.tag == TAG_T), None)
        out.append((c.get('r'), c.get('t'), f.text if f is not None else None,
                    t.text if t is not None else (v.text if v is not None else None)))
    sheet_cells[name] = out
    return out

msheets = [n for n in sheets if n == 'Messages' or n.startswith('Messages (')]
if want_sheets is not None and len(msheets) != want_sheets:
    fail('expected %d Messages sheets, found %s' % (want_sheets, msheets))
for need in ('Summary', 'Damages', 'Incidents', 'Days', 'Attribution', 'Sources', 'Custody log', 'Statutes',
             'Provision amounts'):
    if need not in sheets:
        fail('no sheet %s' % need)

texts = set()
nrows = 0
for n in msheets:
    for ref, t, f, val in cells(n):
        col = re.match(r'[A-Z]+', ref).group(0)
        row = int(ref[len(col):])
        if row == 1:
            continue
        if col in 'BDEFGHIJ':
            if f is not None:
                fail('%s!%s: a text column holds a formula' % (n, ref))
            if t != 'inlineStr' and t != 's' and not (t is None and val is None):   # blank: no text
                fail('%s!%s: text written as type %r' % (n, ref, t))
            if col in 'DEF' and val and len(val) >= 4:
                texts.add(val)
        if col == 'A':
            nrows += 1
# Amounts and whether a copy is outside the cap come from the Statutes and
# Provision amounts sheets: never a typed value.
for n in msheets:
    bad = [(ref, f or val) for ref, t, f, val in cells(n)
           if re.match(r'O[0-9]+$', ref) and int(ref[1:]) > 1 and (f is None or "'Provision amounts'!" not in f)]
    if bad:
        fail('%s: %d "Outside the cap" cells are not formulas over Provision amounts, the first %s: %r'
             % (n, len(bad), bad[0][0], bad[0][1]))
if want_sheets is not None and nrows != sum(st['violating_messages'] for st in expect['statutes']):
    fail('Messages sheets hold %d rows, the damages count %d' % (nrows, sum(st['violating_messages'] for st in expect['statutes'])))
hostile = [t for t in texts if t[:1] in '=+-@']
longest = max((len(t) for t in texts), default=0)
if longest > 32767:
    fail('a cell holds %d characters, over Excel\'s 32,767' % longest)
if args.hostile and not any('[... cut: ' in t for t in texts):
    fail('the 40,000-character subject is not cut with a visible marker')
if args.hostile and not any('\\u202e' in t for t in texts):
    fail('a bidi override is not shown escaped')
if args.hostile and not hostile:
    fail('the fixture should hold subjects starting with = + - @')

formulas = []
for n in sheets:
    for ref, t, f, val in cells(n):
        if f is not None:
            formulas.append((n, ref, f))
# Each distinct formula once (a column's formulas differ only in row numbers).
seen_f = {}
for n, ref, f in formulas:
    seen_f.setdefault(re.sub(r'[0-9]+', '#', f), (n, ref, f))
for n, ref, f in seen_f.values():
    for t in texts:
        if t in f:
            fail('%s!%s: formula holds message text %r' % (n, ref, t[:40]))
dam = {ref: f for (n, ref, f) in formulas if n == 'Damages'}
for i in range(len(expect['statutes'])):
    r = i + 2
    for col, what in (('D', 'COUNTIFS'), ('G', 'SUMIFS'), ('I', 'Statutes!')):
        f = dam.get('%s%d' % (col, r))
        if f is None or what not in f:
            fail('Damages!%s%d is not a %s formula: %r' % (col, r, what or 'total', f))
if not any(n == 'Summary' and 'SUM(Damages!' in f for (n, ref, f) in formulas):
    fail('the Summary total is not a formula over the Damages sheet')

# One formula pattern per column: a reference to the cell's own row (no $
# before the row number) is written as '#'; the Total row is left out.
REF = re.compile(r'(?<![A-Za-z0-9_$])(\$?[A-Z]{1,3})([0-9]+)(?![0-9])')
def pattern(f, row):
    return REF.sub(lambda m: m.group(1) + ('#' if m.group(2) == str(row) else m.group(2)), f)
def total_rows(n):
    """The rows of sheet N under its table: Total, and the Defendants' two."""
    return {int(ref[1:]) for ref, t, f, val in cells(n)
            if re.match(r'A[0-9]+$', ref) and val and (val.startswith('Total') or val.startswith('Exposures added up'))}
dsheets = ['Defendants', 'Defendants by statute', 'Defendant actions', 'Defendant groups', 'Defendant copies']
if args.defendants:
    for need in dsheets:
        if need not in sheets:
            fail('no sheet %s' % need)
    for n, col, what in (('Defendants', 'G', "'Defendants by statute'!"),
                         ('Defendants by statute', 'F', "'Defendant actions'!"),
                         ('Defendant actions', 'E', "'Defendant copies'!"),
                         ('Defendant copies', 'H', 'Statutes!')):
        tr = total_rows(n) if n in sheets else set()
        rows = [(ref, f) for ref, t, f, val in (cells(n) if n in sheets else [])
                if ref.startswith(col) and ref[len(col):].isdigit() and 1 < int(ref[len(col):]) not in tr]
        if not rows or any(f is None or what not in f for ref, f in rows):
            fail('%s column %s is not formulas over %s' % (n, col, what))
for n in ['Damages', 'Incidents', 'Days', 'Plaintiffs'] + msheets + dsheets:
    if n not in sheets:
        continue
    totals = total_rows(n)
    pats = {}
    for ref, t, f, val in cells(n):
        col = re.match(r'[A-Z]+', ref).group(0)
        row = int(ref[len(col):])
        if f is None or row in totals:
            continue
        pats.setdefault(col, set()).add(pattern(f, row))
    for col, ps in sorted(pats.items()):
        if len(ps) != 1:
            fail('%s column %s holds %d formula patterns: %s' % (n, col, len(ps), sorted(ps)[:3]))

# The scenarios: each label names one change from the options chosen.
VALUED = ('--plaintiff', '--preemption', '--incident', '--ar-day-rule', '--incident-scope')
SCENARIOS = [
    (r'Indicator findings confirmed$', ('--include-indicators', True)),
    (r'Indicator findings not counted$', ('--include-indicators', False)),
    (r'The defendant shows due care$', ('--due-care', True)),
    (r'No due care shown$', ('--due-care', False)),
    (r'The providers sue \(provider plaintiffs\)$', ('--plaintiff', 'provider')),
    (r'The trap holders sue \(recipient plaintiffs\)$', ('--plaintiff', 'recipient')),
    (r'CAN-SPAM preemption not applied$', ('--preemption', 'ignore')),
    (r'CAN-SPAM preemption applied$', ('--preemption', 'apply')),
    (r'An incident is one campaign on one day$', ('--incident', 'campaign-day')),
    (r'An incident is the whole campaign$', ('--incident', 'campaign')),
    (r'An incident is each message$', ('--incident', 'message')),
    (r'Arkansas: one cap of \$25,000 times the days, over the action$', ('--ar-day-rule', 'aggregate')),
    (r'Arkansas: a cap on each day$', ('--ar-day-rule', 'per-day')),
    (r'An incident several plaintiffs received: a cap in each action$', ('--incident-scope', 'each')),
    (r'An incident several plaintiffs received: one cap they share$', ('--incident-scope', 'shared')),
]


def run_damages(opts):
    cmd = [os.environ.get('WB', 'workbench'), 'damages', args.scenarios, '--format', 'json']
    if args.statutes_dir:
        cmd += ['--statutes', args.statutes_dir]
    p = subprocess.run(cmd + opts, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode:
        fail('%s: %s' % (' '.join(cmd + opts), p.stderr.strip()))
        return None
    return json.loads(p.stdout)


def with_option(base, name, value):
    """BASE (a list of arguments) with option NAME set to VALUE (a flag: True/False)."""
    out, i = [], 0
    while i < len(base):
        if base[i] == name:
            i += 2 if name in VALUED else 1
            continue
        out.append(base[i])
        i += 1
    if value is True:
        out.append(name)
    elif value is not False:
        out += [name, value]
    return out


if args.scenarios:
    import shlex
    base_opts = shlex.split(args.options)
    rows = {}
    for ref, t, f, val in cells('Scenarios'):
        col = re.match(r'[A-Z]+', ref).group(0)
        rows.setdefault(int(ref[len(col):]), {})[col] = val
    head = rows.get(1, {})
    cols = sorted((c for c in head if c != 'A'), key=lambda c: (len(c), c))
    body = []                           # the table: rows 2, 3, ... up to the first gap
    while len(body) + 2 in rows:
        body.append(rows[len(body) + 2])
    if not any(str(v.get('A', '')).startswith('Note: each figure above is the damages engine') for v in rows.values()):
        fail('the Scenarios sheet does not say its figures are the engine\'s values')
    base_json = run_damages(base_opts)
    cit = {st['citation']: st['id'] for st in base_json['statutes']} if base_json else {}
    ids = [st['id'] for st in base_json['statutes']] if base_json else []
    if not body or not body[0].get('A', '').startswith('As chosen'):
        fail('the first Scenarios row is not the options chosen')
    for row in body:
        label = row.get('A', '')
        if label.startswith('As chosen'):
            opts = base_opts
        elif re.match(r'Claim (.+), not (.+)$', label):
            drop = cit.get(re.match(r'Claim (.+), not (.+)$', label).group(2))
            opts = with_option(base_opts, '--statute', False) + [a for sid in ids if sid != drop
                                                                for a in ('--statute', sid)]
        else:
            change = [c for p_, c in SCENARIOS if re.match(p_, label)]
            if not change:
                fail('Scenarios row %r: no options known for it' % label)
                continue
            opts = with_option(base_opts, *change[0])
        d = run_damages(opts)
        if d is None:
            continue
        amounts = {st['id']: st['amount_cents'] for st in d['statutes']}
        for c in cols:
            h = head[c]
            v = row.get(c)
            if h == 'Total':
                want = d['total_cents']
            elif h in cit:
                want = amounts.get(cit[h])
            else:
                fail('Scenarios column %r names no statute' % h)
                continue
            if want is None:
                if v != 'not claimed':
                    fail('Scenarios %r %s: %r, but damages %s does not claim it' % (label, h, v, ' '.join(opts)))
            elif v is None or v == 'not claimed' or round(float(v) * 100) != want:
                fail('Scenarios %r %s: the sheet says %r, damages %s says %d cents'
                     % (label, h, v, ' '.join(opts), want))

# LibreOffice recalculates everything, from a copy without cached values.
state = {'expect': expect, 'hostile': hostile, 'changed_amounts': changed_amounts,
         'plaintiffs': json.load(open(args.plaintiffs)) if args.plaintiffs else None,
         'defendants': json.load(open(args.defendants)) if args.defendants else None,
         'expect_defendants': json.load(open(args.expect_defendants)) if args.expect_defendants else None,
         'expect_defendant_total': args.expect_defendant_total}


def write_bare(bare):
    """The workbook without cached formula values, with the changes asked for."""
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(bare, 'w', zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith('xl/worksheets/sheet'):
                data = re.sub(rb'(</f>)<v>[^<]*</v>', rb'\1', data)
            if args.outside and item.filename == sheets['Provision amounts']:
                key, v = args.outside.split('=')
                sid, label = key.split('/', 1)
                prow = {}
                for ref, t, f, val in cells('Provision amounts'):
                    prow.setdefault(int(re.sub(r'^[A-Z]+', '', ref)), {})[ref[0]] = val
                rows = [r for r, c in prow.items() if c.get('A') == sid and c.get('B') == label]
                if len(rows) != 1:
                    fail('no provision %s on the Provision amounts sheet' % key)
                else:
                    data, k = re.subn(rb'(<c r="D%d"[^>]*><v>)[^<]*(</v>)' % rows[0],
                                      rb'\g<1>' + v.encode() + rb'\2', data)
                    if k != 1:
                        fail('the "Outside the cap" cell of %s is not a number cell' % key)
            if args.per_copy and item.filename == sheets['Statutes']:
                sid, cents = args.per_copy.split('=')
                rows = {val: int(ref[1:]) for ref, t, f, val in cells('Statutes') if ref[0] == 'A'}
                if sid not in rows:
                    fail('no statute %s on the Statutes sheet' % sid)
                else:
                    data, k = re.subn(rb'(<c r="C%d"[^>]*><v>)[^<]*(</v>)' % rows[sid],
                                      rb'\g<1>' + cents.encode() + rb'\2', data)
                    if k != 1:
                        fail('the per-copy cell of %s is not a number cell' % sid)
            dst.writestr(item, data)


if args.bare_to:
    write_bare(args.bare_to)
    with open(os.path.splitext(args.bare_to)[0] + '.json', 'w') as f:
        json.dump(state, f)
    sys.exit(1 if fails else 0)
tmp = tempfile.mkdtemp(prefix='wbxlsx')
try:
    bare = os.path.join(tmp, 'bare.xlsx')
    write_bare(bare)
    out = os.path.join(tmp, 'csv')
    log = soffice_csv(tmp, out, [bare])
    recalc_checks(state, lambda name: read_csv(out, bare, name, log))
finally:
    if not os.environ.get('KEEP'):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print('kept ' + tmp, file=sys.stderr)
sys.exit(1 if fails else 0)
