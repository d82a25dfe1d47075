#!/usr/bin/env python3
"""Check the content sections of a report against figures recomputed here.

usage: check-content.py CASE EXHIBITS_DIR STATUTES_DIR WB [DAMAGES OPTION...]

Every figure is recomputed from the case (sqlite3), the statute files
(configparser) and Python's own reading of the messages (email), never
read back from the report: the reconciliation per trap and the scope part
of it per statute, the findings certain and indicator apart (copies, not
findings), the assumptions (every note of the statute files), the possible
duplicates, the trap roster, the sample messages.  What only the engine
knows (amounts under other options) is taken from `damages --format json`
run with those options.  Prints one line per failure; exit 1 if any.
"""
import configparser
import datetime
import email
import email.policy
import glob
import json
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import rawbytes  # noqa: E402

case, out, sdir, wb = sys.argv[1:5]
opts = sys.argv[5:]
fails = []


def check(what, got, want):
    if got != want:
        fails.append("%s: got %r, want %r" % (what, got, want))


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def sheets(path):
    """Every sheet as a list of rows (lists of str or float)."""
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    wbx = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    res = {}
    for s in wbx.find("m:sheets", NS):
        rid = s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        x = ET.fromstring(z.read("xl/" + target[rid]))
        rows = []
        for row in x.iter("{%s}row" % NS["m"]):
            cells = {}
            for c in row.findall("m:c", NS):
                ref = re.match(r"([A-Z]+)", c.get("r")).group(1)
                col = 0
                for ch in ref:
                    col = col * 26 + ord(ch) - 64
                t = c.get("t")
                if t == "s":
                    v = shared[int(c.find("m:v", NS).text)]
                elif t == "inlineStr":
                    v = "".join(e.text or "" for e in c.iter("{%s}t" % NS["m"]))
                elif t in ("str", "b", "e"):     # a formula's cached text
                    ve = c.find("m:v", NS)
                    v = ve.text if ve is not None else ""
                else:
                    ve = c.find("m:v", NS)
                    v = float(ve.text) if ve is not None else ""
                cells[col - 1] = v
            n = max(cells) + 1 if cells else 0
            rows.append([cells.get(i, "") for i in range(n)])
        res[s.get("name")] = rows
    return res


def cents(v):
    return int(round(v * 100))


_damages_out = {}


def damages(*extra):
    """The engine's JSON for the case with these options; each set of
    options is run once (nothing here changes the case)."""
    if extra not in _damages_out:
        _damages_out[extra] = subprocess.run([wb, "damages", case, "--statutes", sdir, "--format", "json"]
                                             + list(opts) + list(extra),
                                             capture_output=True, text=True, check=True).stdout
    return json.loads(_damages_out[extra])


db = sqlite3.connect(case)
book = sheets(os.path.join(out, "exhibits.xlsx"))
pdf = subprocess.run(["pdftotext", "-layout", os.path.join(out, "report.pdf"), "-"],
                     capture_output=True, text=True, check=True).stdout
flat = re.sub(r"\s+", " ", pdf)

for h in ("Assumptions counsel must confirm", "Findings: certain and indicator", "Scenarios that change the answer",
          "Reconciliation: from copies found to copies counted", "Possible duplicates", "Trap accounts",
          "Incidents", "Deduplication", "In scope"):
    check("PDF has the section '%s'" % h, h in flat, True)
check("the findings-by-source table (findings, not copies) is gone", "Findings by source" in flat, False)
for s in ("Assumptions", "Findings", "Scenarios", "Reconciliation", "Reconciliation by statute", "Reconciliation by trap",
          "Reconciliation by plaintiff",
          "Possible duplicates", "Traps", "Incidents described", "Method"):
    check("workbook has the sheet '%s'" % s, s in book, True)

# ---- Statute files, read with configparser (GKeyFile's INI) ----
statutes = {}
for f in sorted(glob.glob(os.path.join(sdir, "*.ini"))):
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.optionxform = str
    cp.read(f, encoding="utf-8")
    statutes[cp["statute"]["id"]] = (os.path.basename(f), cp)
base = damages()
ids = [s["id"] for s in base["statutes"]]

# ---- Assumptions: every note of [statute] and [damages], once ----
rows = book["Assumptions"][1:]
texts = [r[1] for r in rows]
notes = {}
for sid in ids:
    f, cp = statutes[sid]
    for g in ("statute", "damages"):
        for k, v in cp[g].items():
            if k.endswith("_note") and v:
                notes.setdefault(v, []).append("%s [%s] %s" % (f, g, k))
for v, where in notes.items():
    # GKeyFile unescapes \s \n \t \\; the files use none in notes.
    check("assumption listed once: %s" % where[0], texts.count(v), 1)
    for r in rows:
        if r[1] == v:
            check("assumption source: %s" % where[0], r[2], "; ".join(where))
            confirm = "Counsel confirm" in v or "Not stated in" in v or "not settled" in v
            check("assumption flagged for counsel: %s" % where[0], r[3], "yes" if confirm else "")
check("Arizona's intentional transmission is an assumption", any("intentional transmission" in t for t in texts), True)
check("the 2004 amendment of § 17529.5 is an assumption", any("amended in 2004" in t for t in texts), True)
presumed = db.execute("SELECT count(DISTINCT message) FROM findings WHERE source = 'rule' AND finding = 'violation'"
                      " AND evidence LIKE 'always (presumed:%'").fetchone()[0]
check("the trap presumption says how many copies rest on it",
      "Copies with a finding that rests on it: %d." % presumed in texts[0], True)
check("the trap presumption is the first assumption", texts[0].startswith("Every copy received in a trap"), True)

# ---- Findings: copies, not findings; certain and indicator apart ----
certain, indicator, av, an = {}, {}, {}, {}
for msg, st, src, conf, fin in db.execute("SELECT message, statute, source, confidence, finding FROM findings"):
    if src == "rule" and fin == "violation":
        (certain if conf == "certain" else indicator).setdefault(st, set()).add(msg)
    elif src == "analyst":
        (av if fin == "violation" else an).setdefault(st, set()).add(msg)
ind = damages("--include-indicators") if "--include-indicators" not in opts else None
frows = book["Findings"][1:]
check("findings: a row per statute and a total", len(frows), len(ids) + 1)
for sid, r in zip(ids, frows):
    c = certain.get(sid, set())
    check("findings %s certain copies" % sid, r[1], float(len(c)))
    check("findings %s indicator-only copies" % sid, r[2], float(len(indicator.get(sid, set()) - c)))
    check("findings %s analyst violation" % sid, r[3], float(len(av.get(sid, set()) | av.get("*", set()))))
    check("findings %s analyst no violation" % sid, r[4], float(len(an.get(sid, set()) | an.get("*", set()))))
    s = next(x for x in base["statutes"] if x["id"] == sid)
    check("findings %s counted" % sid, r[5], float(s["violating_messages"]))
    check("findings %s amount" % sid, cents(r[6]), s["amount_cents"])
    if ind:
        si = next(x for x in ind["statutes"] if x["id"] == sid)
        check("findings %s if indicators confirmed" % sid, (r[7], cents(r[8]), cents(r[9])),
              (float(si["violating_messages"]), si["amount_cents"], si["amount_cents"] - s["amount_cents"]))
if ind:
    check("findings total if indicators confirmed", cents(frows[-1][8]), ind["total_cents"])
# A copy counts once: no column exceeds the copies in the case.
copies = db.execute("SELECT count(*) FROM messages").fetchone()[0]
check("findings count copies, not findings", max(max(v for v in r[1:6] if v != "") for r in frows[:-1]) <= copies, True)

# ---- Reconciliation per trap, from the case ----
want = {}
for tid, addr in db.execute("SELECT m.trap_id, coalesce(t.address, '(no trap)') FROM messages m"
                            " LEFT JOIN traps t ON t.id = m.trap_id GROUP BY m.trap_id"):
    found = db.execute("SELECT count(*) FROM locations l JOIN messages m ON m.id = l.message WHERE m.trap_id = ?",
                       (tid,)).fetchone()[0]
    ms = db.execute("SELECT status, local_day, possible_duplicate FROM messages WHERE trap_id = ?", (tid,)).fetchall()
    want[addr] = [found, len(ms), found - len(ms), sum(s != "ok" for s, _, _ in ms),
                  sum(d is None for _, d, _ in ms), sum(p != 0 for _, _, p in ms)]
rrows = book["Reconciliation"][1:]
got = {r[0]: [int(v) for v in r[1:7]] for r in rrows if r[0] != "Total"}
check("reconciliation per trap", got, want)
# Counted under some statute: the distinct copies of the Messages sheet
# (one row per copy and statute counted), per trap.
counted_ids = {}
for r in book["Messages"][1:]:
    if r and r[0] != "" and isinstance(r[0], float):
        counted_ids.setdefault(r[1], set()).add(int(r[0]))
check("reconciliation per trap: counted under some statute",
      {r[0]: int(r[7]) for r in rrows if r[0] != "Total"}, {a: len(counted_ids.get(a, ())) for a in want})
tot = [r for r in rrows if r[0] == "Total"][0]
check("reconciliation total found = locations", int(tot[1]), db.execute("SELECT count(*) FROM locations").fetchone()[0])
check("reconciliation total distinct = copies", int(tot[2]), copies)

# ---- Reconciliation per statute and per trap: scope recomputed from the
# statute files, taken out and counted from the case where the sample's
# findings settle it, else from the engine's JSON ----
filed = base["filed"]
traps_j = damages()["traps"]
msgs = db.execute("SELECT m.id, m.local_day, t.state, t.provider_state, t.id, coalesce(t.address, '(no trap)')"
                  " FROM messages m LEFT JOIN traps t ON t.id = m.trap_id").fetchall()
# Copies an analyst found not commercial (statute '*'): taken out of every
# statute that reaches them.
not_commercial = {m for (m,) in db.execute("SELECT message FROM findings WHERE source = 'analyst' AND statute = '*'"
                                           " AND provision = 'commercial' AND finding = 'no-violation'")}
other_analyst = db.execute("SELECT count(*) FROM findings WHERE source = 'analyst'"
                           " AND NOT (statute = '*' AND provision = 'commercial')").fetchone()[0]
REASONS = ["nexus", "undated", "effective", "limitations", "in_scope"]


def scope_of(sid):
    """Per trap address, the copies in each scope reason under SID, and the
    copies in scope with an analyst's 'not commercial'."""
    f, cp = statutes[sid]
    st = cp["statute"]
    kinds = [k for k in st.get("nexus", "").split(";") if k]
    rule_all = st.get("nexus_rule", "any") == "all"
    juris = st["jurisdiction"]
    eff = st["effective"]
    years = int(st.get("limitations_years", "0") or 0)
    start = None
    if years and filed:
        d = datetime.date.fromisoformat(filed)
        try:
            start = d.replace(year=d.year - years).isoformat()
        except ValueError:              # 29 February
            start = d.replace(year=d.year - years, day=28).isoformat()
    per = {}
    for mid, day, state, pstate, trap, addr in msgs:
        v = per.setdefault(addr, dict.fromkeys(REASONS + ["analyst"], 0))
        met = []
        for k in kinds:
            if k == "recipient_resident":
                met.append(state == juris)
            elif k == "provider_in_state":
                met.append(pstate == juris)
            else:
                met.append(False)       # sent_from_state: only through an analyst
        # A copy in no trap has no recipient: no nexus, federal law too.
        ok = trap is not None and ((all(met) if rule_all else any(met)) if kinds else True)
        if not ok:
            v["nexus"] += 1
        elif day is None:
            v["undated"] += 1           # cannot be placed on or after the effective date
        elif day < eff:
            v["effective"] += 1
        elif start and day < start:
            v["limitations"] += 1
        else:
            v["in_scope"] += 1
            v["analyst"] += mid in not_commercial
    return per


ROWS = ["Distinct copies", "Out of scope: no nexus", "Out of scope: undated", "Out of scope: before the effective date",
        "Out of scope: outside limitations", "In scope", "In scope, taken out: analyst", "In scope, taken out: preempted",
        "In scope, taken out: other statute", "In scope, not violating", "In scope, counted"]
ssheet = book.get("Reconciliation by statute") or [[]]
citations = [next(x for x in base["statutes"] if x["id"] == sid)["citation"] for sid in ids]
check("reconciliation by statute: a column per statute", ssheet[0][1:], citations)
check("reconciliation by statute: the reasons in order", [r[0] for r in ssheet[1:]], ["Copies in the case"] + ROWS[1:])
scope = {sid: scope_of(sid) for sid in ids}
for c, sid in enumerate(ids):
    per = scope[sid]
    want = [sum(v[k] for v in per.values()) for k in REASONS]
    try:
        v = [int(r[c + 1]) for r in ssheet[1:]]
    except (IndexError, ValueError, TypeError):
        v = []
    if len(v) != len(ROWS):
        fails.append("%s: the column has %d rows, want %d" % (sid, len(v), len(ROWS)))
        v = [-1] * len(ROWS)
    check("%s: copies in the case" % sid, v[0], copies)
    check("%s: scope (no nexus, undated, before effective, limitations, in scope)" % sid, v[1:6], want)
    check("%s: the column adds up" % sid, v[0], sum(v[1:6]))
    check("%s: in scope adds up" % sid, v[5], sum(v[6:11]))
    if not other_analyst:
        check("%s: analyst (not commercial, in scope)" % sid, v[6], sum(x["analyst"] for x in per.values()))
    s = next(x for x in base["statutes"] if x["id"] == sid)
    check("%s: taken out, not violating and counted, as the engine" % sid, v[6:11],
          [s["excluded_analyst"], s["excluded_preempted"], s["excluded_by_statute"], s["not_violating"],
           s["violating_messages"]])

# Per trap and statute: the sheet (a block of rows per trap, a statute a
# column) and the PDF's text, each trap's reasons against the case.
JKEYS = ["copies", "excluded_nexus", "excluded_undated", "excluded_effective", "excluded_limitations", "in_scope",
         "excluded_analyst", "excluded_preempted", "excluded_by_statute", "not_violating", "counted"]
tsheet = book.get("Reconciliation by trap") or [[]]
check("reconciliation by trap: a column per statute", tsheet[0][2:], citations)
addrs = sorted({m[5] for m in msgs}, key=lambda a: (a == "(no trap)", a))
roster = [a for (a,) in db.execute("SELECT address FROM traps ORDER BY address")]
addrs = sorted(set(addrs) | set(roster), key=lambda a: (a == "(no trap)", a))
check("reconciliation by trap: a block per trap", [r[0] for r in tsheet[1:]][::len(ROWS)], addrs)
check("reconciliation by trap: the reasons in order", [r[1] for r in tsheet[1:len(ROWS) + 1]], ROWS)
got = {}
for r in tsheet[1:]:
    got.setdefault(r[0], []).append([int(x) for x in r[2:]])
i0, i1 = pdf.find("Per trap and statute"), pdf.find("Per plaintiff (the traps")
check("PDF has the reconciliation per trap and statute", 0 <= i0 < i1, True)
ptext = pdf[i0:i1] if 0 <= i0 < i1 else ""
distinct = {a: n for a, n in db.execute("SELECT coalesce(t.address, '(no trap)'), count(*) FROM messages m"
                                       " LEFT JOIN traps t ON t.id = m.trap_id GROUP BY m.trap_id")}
tj = {(t["trap"] or "(no trap)"): t for t in traps_j}
for a in addrs:
    block = got.get(a, [])
    check("%s: a row per reason" % a, len(block), len(ROWS))
    if len(block) != len(ROWS):
        continue
    for c, sid in enumerate(ids):
        col = [row[c] for row in block]
        sc = scope[sid].get(a, dict.fromkeys(REASONS + ["analyst"], 0))
        check("%s under %s: distinct copies" % (a, sid), col[0], distinct.get(a, 0))
        check("%s under %s: scope" % (a, sid), col[1:6], [sc[k] for k in REASONS])
        check("%s under %s: out of scope and in scope add up" % (a, sid), col[0], sum(col[1:6]))
        check("%s under %s: in scope adds up" % (a, sid), col[5], sum(col[6:11]))
        if not other_analyst:
            check("%s under %s: analyst" % (a, sid), col[6], sc["analyst"])
        js = next(x for x in tj[a]["statutes"] if x["id"] == sid)
        check("%s under %s: as damages --format json" % (a, sid), col, [js[k] for k in JKEYS])
    # The PDF: the block starts at the line that names the trap (its
    # address is printed once, on the block's first row); its rows are the
    # lines after it that end in a figure per statute (a reason that wraps
    # leaves a line of words only, a page break a footer and a header).
    plines = ptext.splitlines()
    start = next((k for k, ln in enumerate(plines) if ln.startswith(a + " ")), None)
    figures = []
    for ln in plines[start:] if start is not None else []:
        f = [int(x) for x in re.findall(r"(?<![\w.(-])\d+(?![\w.(-])", ln)]
        if len(f) >= len(ids):
            figures.append(f[-len(ids):])
        if len(figures) == len(ROWS):
            break
    check("%s: the PDF's rows" % a, figures, block)
    check("%s: named once in the PDF's block" % a, sum(1 for ln in plines if ln.startswith(a + " ")), 1)
for c, sid in enumerate(ids):
    s = next(x for x in base["statutes"] if x["id"] == sid)
    col = [sum(got[a][k][c] for a in addrs if a in got) for k in range(len(ROWS))]
    check("%s: the traps add up to the statute" % sid, col,
          [copies, s["excluded_nexus"], s["excluded_undated"], s["excluded_effective"], s["excluded_limitations"],
           s["messages"], s["excluded_analyst"], s["excluded_preempted"], s["excluded_by_statute"],
           s["not_violating"], s["violating_messages"]])

# Per plaintiff: the actions' copies in scope and counted add up to the
# statute's; a recipient plaintiff's traps are the holder's, from the case.
prow = book["Reconciliation by plaintiff"][1:]
for s in base["statutes"]:
    mine = [r for r in prow if r[2] == s["citation"]]
    check("%s: plaintiffs' copies in scope add up" % s["id"], sum(int(r[3]) for r in mine), s["messages"])
    check("%s: plaintiffs' counted copies add up" % s["id"], sum(int(r[4]) for r in mine), s["violating_messages"])
    check("%s: plaintiffs' amounts add up" % s["id"], sum(cents(r[5]) for r in mine), s["amount_cents"])
if "--plaintiff" not in opts:
    holders = {}
    for h, a in db.execute("SELECT coalesce(holder, address), address FROM traps ORDER BY address"):
        holders.setdefault(h, []).append(a)
    for r in prow:
        check("plaintiff %s's traps" % r[0], r[1], ", ".join(holders.get(r[0], [])))

# ---- Possible duplicates: one Message-ID, different bytes ----
dup = {}
for mid, sha, i in db.execute("SELECT message_id, sha256, id FROM messages WHERE message_id IS NOT NULL"):
    dup.setdefault(mid, []).append((i, sha))
want = sorted(i for v in dup.values() if len({s for _, s in v}) > 1 for i, _ in v)
got = sorted(int(r[1]) for r in book["Possible duplicates"][1:])
check("possible duplicates listed", got, want)
# Side by side: the copies of one Message-ID on adjacent rows, each with
# its own bytes.
prow = book["Possible duplicates"][1:]
mids = [r[0] for r in prow]
check("possible duplicates: one Message-ID's copies adjacent", mids, sorted(mids))
for mid in set(mids):
    rs = [r for r in prow if r[0] == mid]
    check("possible duplicates of %s: two or more, different bytes" % mid,
          len(rs) >= 2 and len({r[4] for r in rs}) == len(rs), True)
for i in want:
    sha = db.execute("SELECT sha256 FROM messages WHERE id = ?", (i,)).fetchone()[0]
    check("possible duplicate %d's SHA-256 in the PDF" % i, sha[:24] in pdf.replace("\n", ""), True)

# ---- Trap roster ----
want = [[a, h or "", s or "", p or "", ps or "", tz] for a, h, s, p, ps, tz in
        db.execute("SELECT address, holder, state, provider, provider_state, timezone FROM traps ORDER BY address")]
check("trap roster", [r[:6] for r in book["Traps"][1:]], want)

# ---- Incidents: every copy of every incident listed once ----
irows = book["Incidents described"][1:]
cit_of = {s["citation"]: s["id"] for s in base["statutes"]}
for r in irows:
    listed = [int(x) for x in r[10].split(", ")] if r[10] else []
    check("incident %s %s: copies listed" % (r[0], r[1]), len(listed), int(r[5]))
per = {}
for r in irows:
    per[r[0]] = per.get(r[0], 0) + int(r[5])
for s in base["statutes"]:
    check("incidents of %s hold its counted copies" % s["id"], per.get(s["citation"], 0), s["violating_messages"])
# Each incident's amount by the statute arithmetic: copies x the per-copy
# amount of the statute file, capped per incident where the file caps per
# incident (recipient: the lesser).  Statutes whose provisions carry their
# own amounts, or with due care, are left to the engine's tests.
for r in irows:
    sid = cit_of[r[0]]
    dm = statutes[sid][1]["damages"]
    if "--due-care" in opts or any("per_message_cents" in statutes[sid][1][g] for g in statutes[sid][1].sections()
                                   if g.startswith("provision")):
        continue
    amount = int(r[5]) * int(dm["per_message_cents"])
    if dm["cap"] == "incident":
        amount = min(amount, int(dm["cap_cents"]))
    check("incident %s %s: copies x per copy, capped per incident" % (r[0], r[1]), cents(r[9]), amount)
for r in irows:
    m = db.execute("SELECT subject, from_addr FROM messages WHERE id = ?", (min(int(x) for x in r[10].split(", ")),)).fetchone()
    check("incident %s %s says what it is" % (r[0], r[1]), (r[2], r[3]), (m[0] or "", m[1] or ""))

# ---- Sample messages: one per campaign, header as Python reads it ----
for (camp,) in db.execute("SELECT DISTINCT campaign FROM messages WHERE campaign IS NOT NULL ORDER BY 1"):
    m = re.search(r"Exhibit: Sample of campaign %d: copy (\d+)" % camp, flat)
    check("sample page for campaign %d" % camp, bool(m), True)
    if not m:
        continue
    ((raw,),) = rawbytes.rows(db, "SELECT r.codec, r.bytes, r.size FROM messages m JOIN raw r"
                              " ON r.id = m.raw_id WHERE m.id = ?", (int(m.group(1)),))
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    check("sample %d is of campaign %d" % (int(m.group(1)), camp),
          db.execute("SELECT campaign FROM messages WHERE id = ?", (int(m.group(1)),)).fetchone()[0], camp)
    for k in ("Message-ID", "Subject", "From"):
        if msg[k]:
            check("sample %d shows %s" % (int(m.group(1)), k), ("%s: %s" % (k, msg[k])) in pdf, True)
    check("sample %d shows every Received header" % int(m.group(1)),
          pdf.count("Received: from") >= len(msg.get_all("Received") or []), True)

# ---- Scenarios: each row shown is the engine's under that option; the
# rest change nothing ----
sc = book["Scenarios"]
head = sc[0]
labels = {"Indicator findings confirmed": ["--include-indicators"], "CAN-SPAM preemption not applied": ["--preemption", "ignore"],
          "CAN-SPAM preemption applied": ["--preemption", "apply"], "The defendant shows due care": ["--due-care"],
          "The providers sue (provider plaintiffs)": ["--plaintiff", "provider"],
          "An incident is the whole campaign": ["--incident", "campaign"], "An incident is each message": ["--incident", "message"],
          "Arkansas: one cap of $25,000 times the days, over the action": ["--ar-day-rule", "aggregate"]}
cit = {s["citation"]: s["id"] for s in base["statutes"]}
shown = [r[0] for r in sc[2:]]
check("scenarios: first row is the options chosen", sc[1][0].startswith("As chosen"), True)
check("scenarios: total as chosen", cents(sc[1][-1]), base["total_cents"])
for r in sc[2:]:
    if r[0] not in labels:
        continue
    d = damages(*labels[r[0]])
    check("scenario '%s' total" % r[0], cents(r[-1]), d["total_cents"])
    for k, h in enumerate(head[1:-1], 1):
        s = next(x for x in d["statutes"] if x["id"] == cit[h])
        check("scenario '%s' %s" % (r[0], h), cents(r[k]), s["amount_cents"])
    changed = d["total_cents"] != base["total_cents"] or any(
        a["amount_cents"] != b["amount_cents"] for a, b in zip(d["statutes"], base["statutes"]))
    check("scenario '%s' changes something" % r[0], changed, True)
# The election: "Claim A, not B" is the engine with every statute but B.
for r in sc[2:]:
    m = re.match(r"Claim (.+), not (.+)$", r[0])
    if not m:
        continue
    drop = cit[m.group(2)]
    d = damages(*[a for sid in ids if sid != drop for a in ("--statute", sid)])
    check("election '%s' total" % r[0], cents(r[-1]), d["total_cents"])
    for k, h in enumerate(head[1:-1], 1):
        if cit[h] == drop:
            check("election '%s' leaves %s out" % (r[0], h), r[k], "not claimed")
        else:
            s = next(x for x in d["statutes"] if x["id"] == cit[h])
            check("election '%s' %s" % (r[0], h), cents(r[k]), s["amount_cents"])
check("the election is shown both ways", sum(1 for r in sc[2:] if r[0].startswith("Claim ")),
      2 if "--preemption" in opts else sum(1 for r in sc[2:] if r[0].startswith("Claim ")))
for label, extra in labels.items():
    if label in shown or extra[0] in opts or label == "CAN-SPAM preemption applied":
        continue
    d = damages(*extra)
    same = d["total_cents"] == base["total_cents"] and all(
        a["amount_cents"] == b["amount_cents"] for a, b in zip(d["statutes"], base["statutes"]))
    check("scenario '%s' left out because it changes nothing" % label, same, True)

# ---- Summary of damages: a note beside each amount that needs one ----
raw = subprocess.run(["pdftotext", "-raw", os.path.join(out, "report.pdf"), "-"],
                     capture_output=True, text=True, check=True).stdout
rawflat = re.sub(r"\s+", " ", raw)
m = re.search(r"Summary of damages Amounts are in US dollars.*? Total \$", rawflat)
check("the summary of damages has a Note column", bool(m) and " Amount Note " in m.group(0), True)
summ = m.group(0) if m else ""
for s in base["statutes"]:
    # A statute's row: citation, copies, incidents, days, uncapped, amount, note.
    row = re.escape(s["citation"]) + r" [\d,]+ [\d,]+ [\d,]+ \$[\d,.]+ \$[\d,.]+ " + re.escape(s["note"] or "")
    check("summary row of %s shows its note %r" % (s["id"], s["note"]), bool(re.search(row, summ)), True)
    if s["amount_cents"] == 0:
        check("summary: %s at $0 says why" % s["id"], bool(s["note"]), True)

# ---- Defendants: the engine's result per defendant, shown as it is ----
dd = damages("--by", "defendant")
check("PDF has the section 'Defendants'", "Per defendant and statute" in flat, True)
for sh in ("Defendants", "Defendants by statute"):
    check("workbook has the sheet '%s'" % sh, sh in book, True)


def first_last(c):
    return "" if c is None else "%d, %s" % (c["id"], c["local_day"])


# The Defendants sheets are formulas (check-xlsx.py recalculates them);
# their cached values are read here by the column titles.
dsheet = book.get("Defendants", [[]])
dh = {h: i for i, h in enumerate(dsheet[0])}
drows = dsheet[1:]


def dcol(r, h):
    return (r + [""] * 20)[dh[h]] if h in dh else None


check("a Defendants row per defendant and two totals", len(drows), len(dd["defendants"]) + 2)
for r, x in zip(drows, dd["defendants"]):
    n = x["name"]
    check("defendant %s: name" % n, r[0], n)
    check("defendant %s: parties" % n, r[1], " ".join(str(i) for i in x["party_ids"]))
    check("defendant %s: copies per role" % n, r[2:5],
          [float(x["roles"][k]) for k in ("sender", "affiliate", "advertiser")])
    check("defendant %s: violating copies" % n, dcol(r, "Violating copies"), float(x["violating_copies"]))
    check("defendant %s: exposure" % n, dcol(r, "Exposure (cents)"), float(x["amount_cents"]))
    w = x["weakest_link"]
    want = "single party" if not x["group"] else ("WEAK: " if w["weak"] else "") + w["text"]
    check("defendant %s: weakest link" % n, dcol(r, "Weakest link"), want)
    check("defendant %s: first and last violating copy" % n,
          [dcol(r, "First violating copy"), dcol(r, "Last violating copy")],
          [first_last(x["first_copy"]), first_last(x["last_copy"])])
    check("defendant %s: copies after filing" % n, dcol(r, "After filing"), float(x["after_filing"]))
    check("defendant %s: links not relied on, shown" % n, dcol(r, "Links not relied on"), x["weak_links"] or "")
if drows:
    check("defendants' total: copies once", dcol(drows[-1], "Violating copies"), float(dd["copies"]))
    check("defendants' total: each copy once", dcol(drows[-1], "Exposure (cents)"), float(dd["total_cents"]))
    check("defendants' exposures added up", dcol(drows[-2], "Exposure (cents)"), float(dd["exposure_sum_cents"]))
cit = {s["id"]: s["citation"] for s in base["statutes"]}
ssheet = book.get("Defendants by statute", [[]])
sh_ = {h: i for i, h in enumerate(ssheet[0])}
srows = [[(r + [""] * 12)[sh_[h]] for h in ("Defendant", "Citation", "Violating copies", "Uncapped (cents)",
                                           "Amount (cents)", "Why $0")]
         for r in ssheet[1:] if r and r[0] != "(any defendant, each copy once)"] if sh_ else []
want = [(x["name"], cit[s["id"]], float(s["copies"]), s["uncapped_cents"], s["amount_cents"],
         "" if s["amount_cents"] else (s["reason"] or "")) for x in dd["defendants"] for s in x["statutes"]]
check("defendants by statute", [(r[0], r[1], r[2], int(r[3]), int(r[4]), r[5]) for r in srows], want)
for r in srows:
    if int(r[4]) == 0 and r[2] == 0:
        check("defendant %s under %s: $0 says why" % (r[0], r[1]), bool(r[5]), True)
# The total counts each copy once: the distinct copies of every defendant's
# copy list (each roster party asked for in turn, its groups with it), and,
# where no statute's cap binds (each amount is its uncapped sum), the
# per-copy amounts of the statute files over those distinct copies.
counted = {}
for x in dd["defendants"]:
    if x["group"]:
        continue
    one = damages("--by", "defendant", "--defendant", str(x["party_ids"][0]))
    for y in one["defendants"]:
        for c in y.get("copy_list", []):
            counted.setdefault(c["id"], set()).update(c["statutes"])
counted = {k: v for k, v in counted.items() if v}
check("defendants' total: distinct copies of the copy lists", len(counted), dd["copies"])
if all(s["amount_cents"] == s["uncapped_cents"] for s in base["statutes"]) and "--due-care" not in opts:
    per = {sid: int(statutes[sid][1]["damages"]["per_message_cents"]) for sid in ids}
    check("defendants' total: per-copy amounts over distinct copies",
          sum(per[sid] for v in counted.values() for sid in v), dd["total_cents"])
m = re.search(r"recovered once, whichever defendants it is claimed against: ([\d,]+) copies, (\$[\d,.]+) in all",
              flat)
check("the defendants' total said in words", m and (int(m.group(1).replace(",", "")),
      int(re.sub(r"[$,.]", "", m.group(2)))), (dd["copies"], dd["total_cents"]))

# ---- Jurisdiction: the engine's contacts per roster party and provision ----
jj = json.loads(subprocess.run([wb, "jurisdiction", case, "--format", "json"], capture_output=True, text=True,
                               check=True).stdout)
check("PDF has the section 'Jurisdiction'", "What the messages cannot show, for an analyst" in flat, True)
want = [(x["name"], f["citation"], p["label"], "analyst only" if p["copies"] is None else float(p["copies"]),
         p["first"] or "", p["last"] or "", " ".join(str(e) for e in p["examples"]), p["analyst"] or "",
         p["note"] or "") for x in jj["defendants"] for f in x["forums"] if f["longarm"] for p in f["provisions"]]
jrows = [tuple(r + [""] * (9 - len(r))) for r in book.get("Jurisdiction", [[]])[1:]]
check("jurisdiction rows, as the engine", jrows, want)
# A provision that checks the holder's residence alone: the copies
# attributed to the party (sender, affiliate, advertiser) received in a
# trap whose holder lives in the forum, counted here from the case.
for x in jj["defendants"]:
    for f in x["forums"]:
        for p in f["provisions"] if f["longarm"] else []:
            if p["check"] != "recipient_resident":
                continue
            n = db.execute("SELECT count(DISTINCT m.id) FROM messages m JOIN traps t ON t.id = m.trap_id"
                           " JOIN message_parties mp ON mp.message = m.id WHERE mp.party = ? AND"
                           " mp.role IN ('sender', 'affiliate', 'advertiser') AND upper(t.state) = ?",
                           (x["party_id"], f["forum"])).fetchone()[0]
            r = [r for r in jrows if r[0] == x["name"] and r[1] == f["citation"] and r[2] == p["label"]]
            check("jurisdiction %s %s %s: copies to residents" % (x["name"], f["forum"], p["label"]),
                  r and r[0][3], float(n))

# The custody appendix: every source's SHA-256, as sqlite3 holds it, printed
# in two halves of 32 digits (a full hash does not fit the column at 8 pt).
cust = pdf[pdf.rindex("Appendix: custody"):]
words = set(cust.split())
for sid, sha in db.execute("SELECT id, sha256 FROM sources WHERE sha256 IS NOT NULL ORDER BY id"):
    check("custody appendix: source %d's SHA-256 in two halves" % sid,
          sha[:32] in words and sha[32:] in words, True)

for f in fails:
    print(f)
sys.exit(1 if fails else 0)
