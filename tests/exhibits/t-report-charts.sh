#!/bin/sh
# The charts counsel read: the attribution graph names every party in full
# (a roster name far longer than a label's room among them), draws each
# strength of link with a dash pattern of its own (greyscale keeps them
# apart), and keeps the parties of a cluster on an arc of their own so that
# no two clusters' links cross; the advertisers panel names the roster's
# advertisers only; the same case gives the same bytes.  The names come
# from the generator's roster and the links table, read here with Python.
. "$WB_ROOT/tests/lib.sh"
_t_dir=exhibits

if ! command -v pdftotext > /dev/null; then
	skip "chart checks" "pdftotext not installed"
	t_done
	exit $?
fi
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$T/s" > /dev/null
LONG="Lowrate Lending Corporation of Greater Springfield and the Tri-County Area"
sed -i "s/^Lowrate Lending Corp,/$LONG,/" "$T/s/parties.csv"
C="$T/c.case"
wb init "$C" --name "Sample v. Charts" --filed 2008-09-01 > /dev/null
wb import "$C" traps "$T/s/traps.csv" > /dev/null
WB_NO_PROGRESS=1 wb ingest "$C" "$T"/s/mail/* > /dev/null 2>&1
wb import "$C" parties "$T/s/parties.csv" > /dev/null
wb import "$C" findings "$T/s/findings.csv" > /dev/null
wb link "$C" > /dev/null
cp "$C" "$T/copy.case"
# Preemption ignored: the sample's copies then count, and the senders
# chart has bars.
expect_rc "report runs" 0 wb report "$C" --out "$T/o1" --preemption ignore
expect_rc "report of a copy of the case" 0 wb report "$T/copy.case" --out "$T/o2" --preemption ignore
for f in chart-attribution.svg chart-attribution.png chart-attribution.pdf chart-senders.pdf; do
	expect_file "same case, same bytes: $f" "$T/o1/$f" "$T/o2/$f"
done

# No chart of damages by statute: the summary table says it all.
expect_eq "the chart files" "attribution senders timeline" \
	"$(ls "$T/o1" | sed -n 's/^chart-\(.*\)\.svg$/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"

pdftotext "$T/o1/chart-attribution.pdf" "$T/attr.txt"
pdftotext "$T/o1/chart-senders.pdf" "$T/senders.txt"
expect_eq "every party of the roster and of the links named in full" "" "$(python3 - "$T/s/parties.csv" "$C" "$T/attr.txt" <<'PY'
import csv, re, sqlite3, sys
text = re.sub(r'\s+', ' ', open(sys.argv[3]).read())
names = {row['name'] for row in csv.DictReader(open(sys.argv[1]))}
db = sqlite3.connect(sys.argv[2])
linked = {n for (n,) in db.execute('SELECT name FROM parties WHERE id IN'
                                   ' (SELECT party_a FROM links UNION SELECT party_b FROM links)')}
assert len(linked) <= 30, 'more parties than the chart draws: %d' % len(linked)
for n in sorted(names & linked | linked):
    if n not in text:
        print('missing: %s' % n)
PY
)"
expect_match "the long roster name is linked (the check above has teeth)" "^1$" \
	"$(sqlite3 "$C" "SELECT count(*) FROM parties WHERE name = '$LONG' AND id IN (SELECT party_a FROM links UNION SELECT party_b FROM links)")"
# Cairo writes a dashed stroke as stroke-dasharray: moderate and weak links
# each have a pattern of their own, strong ones none.
expect_eq "the case has moderate and weak links" "moderate weak" \
	"$(sqlite3 "$C" "SELECT group_concat(strength, ' ') FROM (SELECT DISTINCT strength FROM links WHERE strength IN ('moderate', 'weak') ORDER BY 1)")"
expect_eq "two dash patterns in the graph" "2" \
	"$(grep -o 'stroke-dasharray:[0-9.,]*' "$T/o1/chart-attribution.svg" | sort -u | wc -l)"
# Clusters do not cross: the strong and moderate lines (those that make
# clusters) fall into groups that share end points; no line of one group
# crosses a line of another.
expect_eq "no two clusters' links cross" "" "$(python3 - "$T/o1/chart-attribution.svg" <<'PY'
import re, sys
segs = []
for style, d in re.findall(r'<path style="([^"]*)" d="([^"]*)"', open(sys.argv[1]).read()):
    strong = 'stroke-width:2.6;' in style and 'dasharray' not in style
    if not (strong or 'stroke-dasharray:6,3;' in style):
        continue
    m = re.fullmatch(r'M ([-\d.]+) ([-\d.]+) L ([-\d.]+) ([-\d.]+) ', d)
    if not m:
        continue
    x1, y1, x2, y2 = (round(float(v), 2) for v in m.groups())
    if y1 == y2 and y1 > 400:
        continue  # the legend
    segs.append(((x1, y1), (x2, y2)))
parent = {}
def find(p):
    parent.setdefault(p, p)
    while parent[p] != p:
        p = parent[p]
    return p
for a, b in segs:
    parent[find(a)] = find(b)
def cross(o, a, b):
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
def meet(s, t):
    (p, q), (r, u) = s, t
    return (cross(p, q, r) * cross(p, q, u) < 0) and (cross(r, u, p) * cross(r, u, q) < 0)
groups = {find(a) for a, b in segs}
if len(groups) < 3:
    print('only %d groups of lines' % len(groups))
for i, s in enumerate(segs):
    for t in segs[i + 1:]:
        if find(s[0]) != find(t[0]) and meet(s, t):
            print('crossing: %s %s' % (s, t))
PY
)"
# Each link carries its score where there is room: every figure on the
# graph is the score of a link (the links table, rounded to cents of a
# point), no two figures overlap, each prints at 7 points or more (the
# report draws the 720-point chart 504 points wide: 10 x 0.7), and most
# links have one.
pdftotext -bbox "$T/o1/chart-attribution.pdf" "$T/attr.html"
expect_eq "links labelled with their scores, legibly and apart" "" "$(python3 - "$C" "$T/attr.html" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
scores = ['%.2f' % s for (s,) in db.execute('SELECT score FROM links')]
words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
         re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                    open(sys.argv[2]).read())]
labels = [x for x in words if re.fullmatch(r'\d+\.\d\d', x[4])]
left = list(scores)
for x in labels:
    if x[4] in left:
        left.remove(x[4])
    else:
        print('a figure that is no link\'s score (or one too many): %s' % x[4])
    if (x[3] - x[1]) * 504 / 720 < 7:
        print('%s prints at %.1f points' % (x[4], (x[3] - x[1]) * 504 / 720))
for i, a in enumerate(labels):
    for b in labels[i + 1:]:
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
            print('overlap: %s %s' % (a[4], b[4]))
if len(labels) * 3 < len(scores) * 2:
    print('%d of %d links labelled' % (len(labels), len(scores)))
PY
)"
expect_match "the legend names each strength" "strong.*moderate.*weak" "$(tr '\n' ' ' < "$T/attr.txt")"

# The advertisers panel: the roster's advertisers, never an affiliate.
expect_eq "advertisers panel follows the roster's roles" "" "$(python3 - "$T/s/parties.csv" "$T/senders.txt" <<'PY'
import csv, re, sys
text = re.sub(r'\s+', ' ', open(sys.argv[2]).read())
for row in csv.DictReader(open(sys.argv[1])):
    named = row['name'] in text
    if row['role'] != 'advertiser' and named:
        print('not an advertiser, but named: %s' % row['name'])
PY
)"
expect_match "an advertiser is on the panel" "Acme Pharmacy Inc" "$(tr '\n' ' ' < "$T/senders.txt")"

# A crowded graph: three more clusters of six, each led by a party whose
# name needs two lines, take the case past the 30 parties the graph draws.
# The subtitle says so, and the 30 with the strongest links (ordered here
# by their strongest link, then id) are all named in full.
cp "$T/copy.case" "$T/big.case"
python3 - "$T/big.case" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
pid = db.execute('SELECT max(id) FROM parties').fetchone()[0]
cl = db.execute('SELECT max(id) FROM clusters').fetchone()[0]
for c in range(3):
    cl += 1
    ids = []
    for k in range(6):
        pid += 1
        name = ('Holding Company Number %d of the Consolidated Group of Companies LLC' % c if k == 0
                else 'host-%d-%d.example.test' % (c, k))
        db.execute('INSERT INTO parties (id, name, role, derived, source) VALUES (?, ?, ?, ?, ?)',
                   (pid, name, 'other' if k == 0 else 'sender', int(k > 0), 'test'))
        ids.append(pid)
    db.execute('INSERT INTO clusters (id, size) VALUES (?, ?)', (cl, len(ids)))
    for i in ids:
        db.execute('INSERT INTO cluster_members VALUES (?, ?)', (cl, i))
    for n, i in enumerate(ids[1:]):
        db.execute('INSERT INTO links (party_a, party_b, score, strength) VALUES (?, ?, ?, ?)',
                   (ids[0], i, 9.0 - n, 'strong' if n % 2 else 'moderate'))
db.commit()
PY
expect_rc "report of the crowded case" 0 wb report "$T/big.case" --out "$T/o3"
pdftotext "$T/o3/chart-attribution.pdf" "$T/big.txt"
expect_eq "the 30 strongest of all linked parties, named in full" "" "$(python3 - "$T/big.case" "$T/big.txt" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
text = re.sub(r'\s+', ' ', open(sys.argv[2]).read())
best = {}
for a, b, s in db.execute('SELECT party_a, party_b, score FROM links'):
    for p in (a, b):
        best[p] = max(best.get(p, s), s)
if len(best) <= 30:
    print('only %d linked parties' % len(best))
if 'The 30 parties with the strongest links, of %d ' % len(best) not in text:
    print('no note of the 30 of %d' % len(best))
for p in sorted(best, key=lambda p: (-best[p], p))[:30]:
    name = db.execute('SELECT name FROM parties WHERE id = ?', (p,)).fetchone()[0]
    if name not in text:
        print('missing: %s' % name)
PY
)"

t_done
