#!/usr/bin/env python3
"""Make the attribution test case: a parties roster (CSV) and messages with
their analysis rows (raw, messages, artifacts, hops) written into an
existing case file with sqlite3, as the ingestion and analysis stages would.

    gen-attrib-case.py CASE ROSTER.csv
    gen-attrib-case.py --mail CASE ROSTER.csv   (see mail_case)
    gen-attrib-case.py --mbox FOLDER            (see mbox_case)

The roster (parties are numbered in file order, 1..9):
  1 PureCash / 2 Imatrix: the court order's pair; they share a phone number
    (written the same way) and a country, nothing else.
  3 Northwind / 4 Lakeshore: phone, street address and payee match only
    after normalization (E.164, USPS abbreviations and ZIP5, legal suffixes).
  5 Rapid Mailer (sender, origin IP 203.0.113.7), 6 Delta Leads, 7 Gamma
    Promo (affiliate id cashsite.com aff=5005): messages 1-3 come from Rapid
    Mailer's IP with Delta Leads' From address and Gamma Promo's id.
  8 Acme Advertising / 9 Orbit Ads: share only the country.
Messages:
  1-3 as above; 4 From an unknown domain and IP, advertising acme-ads.example;
  5 carries PureCash's affiliate id (aff=1001), From promo@other.example.
"""
import csv, hashlib, sqlite3, sys


MAIL = [b"""Received: from mail.rapidmailer.example (mail.rapidmailer.example [203.0.113.7])
\tby mx.trap.example with SMTP id abc%d; Mon, 1 Oct 2007 10:00:00 +0000
From: Delta Leads <leads@delta.example>
To: trap@trap.example
Subject: Great offer %d
Date: Mon, 1 Oct 2007 10:00:00 +0000
Message-ID: <%d@delta.example>
Content-Type: text/html

<html><body><a href="http://www.cashsite.com/?aff=5005">click</a>
Call (206) 555-0142. 100 Pine Street, Seattle, WA 98101</body></html>
""" % (i, i, i) for i in (1, 2)]


def mail_case(case, roster, write_case=True):
    """--mail: real messages (raw bytes only) for 'reanalyze' to analyse, one
    trap, and a small roster whose values are written differently from the
    messages'.  Message 1 comes from Rapid Mailer's IP with Delta Leads'
    From address, Gamma Promo's affiliate id (the roster gives the bare id
    5005) and PureCash's phone and street address in the body."""
    with open(roster, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "role", "email", "phone", "address", "affiliate_id", "ip"])
        w.writerow(["Delta Leads", "affiliate", "LEADS@delta.example", "", "", "", ""])
        w.writerow(["Gamma Promo", "affiliate", "", "", "", "5005", ""])
        w.writerow(["Rapid Mailer", "sender", "", "", "", "", "203.0.113.7"])
        w.writerow(["PureCash", "affiliate", "", "206.555.0142",
                    "100 Pine Street, Seattle, Washington 98101-1234", "", ""])
        w.writerow(["Bystander", "advertiser", "x@bystander.example", "", "", "", ""])
    if not write_case:
        return
    msgs = MAIL
    db = sqlite3.connect(case)
    db.execute("INSERT INTO traps (id, address, hosts) VALUES (1, 'trap@trap.example', 'mx.trap.example')")
    for i, m in enumerate(msgs, 1):
        sha = hashlib.sha256(m).hexdigest()
        db.execute("INSERT INTO raw (id, sha256, size, bytes) VALUES (?, ?, ?, ?)", (i, sha, len(m), m))
        db.execute("INSERT INTO messages (id, sha256, raw_id, trap_id, status, from_addr)"
                   " VALUES (?, ?, ?, 1, 'ok', 'leads@delta.example')", (i, sha, i))
    db.commit()
    db.close()


def mbox_case(folder):
    """--mbox: the same two messages as an mbox for 'ingest' (with a traps
    file naming the trap and its provider's host), and the same roster."""
    mail_case(folder + "/scratch.case", folder + "/parties.csv", write_case=False)
    with open(folder + "/box.mbox", "wb") as f:
        for m in MAIL:
            f.write(b"From leads@delta.example Mon Oct  1 10:00:00 2007\n" + m + b"\n")
    with open(folder + "/traps.csv", "w") as f:
        f.write("address,holder,state,provider,provider_state,timezone,hosts\n"
                "trap@trap.example,Jane Roe,WA,Trap ISP,WA,America/Los_Angeles,mx.trap.example\n")


if sys.argv[1] == "--mbox":
    mbox_case(sys.argv[2])
    sys.exit(0)
if sys.argv[1] == "--mail":
    mail_case(sys.argv[2], sys.argv[3])
    sys.exit(0)
case, roster = sys.argv[1], sys.argv[2]

PARTIES = [
    dict(name="PureCash, L.L.C.", role="affiliate", contact="John Smith",
         email="billing@purecash.example", phone="(206) 555-0142",
         address="100 Pine Street, Seattle, WA 98101", country="United States",
         payee="PureCash LLC", domain="purecash.example", affiliate_id="cashsite.com aff=1001",
         notes="signed 2006-03-01"),
    dict(name="Imatrix Corp.", role="affiliate", contact="Mary Jones",
         email="info@imatrix.example", phone="(206) 555-0142",
         address="77 Elm Avenue, Portland, OR 97201", country="USA",
         payee="Imatrix Corporation", domain="imatrix.example", affiliate_id="cashsite.com aff=2002"),
    dict(name="Northwind Media LLC", role="affiliate", contact="Ann Lee",
         email="nw@northwind.example", phone="+1 312 555 0199",
         address="500 W Madison St Ste 10, Chicago, IL 60661", country="US",
         payee="Blue Ocean Holdings, Inc.", affiliate_id="3003"),
    dict(name="Lakeshore Traffic Ltd", role="affiliate", contact="Bob Stone",
         email="ops@lakeshore.example", phone="(312) 555-0199",
         address="500 West Madison Street, Suite 10, Chicago, Illinois 60661-2500",
         country="U.S.", payee="BLUE OCEAN HOLDINGS INC", affiliate_id="4004"),
    dict(name="Rapid Mailer", role="sender", email="abuse@rapidmailer.example",
         country="Panama", ip="203.0.113.7"),
    dict(name="Delta Leads", role="affiliate", email="leads@delta.example; Leads@Delta.example",
         country="United States"),
    dict(name="Gamma Promo", role="affiliate", email="gamma@gammapromo.example",
         country="Canada", affiliate_id="cashsite.com aff=5005"),
    dict(name="Acme Advertising", role="advertiser", domain="acme-ads.example",
         country="United States"),
    dict(name="Orbit Ads", role="advertiser", domain="orbit-ads.example", country="US"),
]
COLS = ["name", "role", "contact", "email", "phone", "address", "country", "payee",
        "domain", "affiliate_id", "ip", "notes"]
with open(roster, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(COLS)
    for p in PARTIES:
        w.writerow([p.get(c, "") for c in COLS])

# (from, origin ip, helo, [(kind, raw, value, location)])
AFF = ("affiliate_id", "http://www.cashsite.com/?aff=5005", "cashsite.com aff=5005", "body:href")
URL = ("url", "http://www.cashsite.com/?aff=5005", "http://www.cashsite.com/?aff=5005", "body:href")
DOM = ("domain", "www.cashsite.com", "cashsite.com", "body:href")
MESSAGES = [
    ("leads@delta.example", "203.0.113.7", "mail.rapidmailer.example", [DOM, AFF]),
    ("leads@delta.example", "203.0.113.7", "mail.rapidmailer.example", [DOM, AFF]),
    ("Leads@delta.example", "203.0.113.7", "mail.rapidmailer.example", [DOM, AFF]),
    ("someone@unknownsender.example", "198.51.100.9", None,
     [("domain", "acme-ads.example", "acme-ads.example", "body:href")]),
    ("promo@other.example", None, None,
     [("affiliate_id", "http://cashsite.com/?AFF=1001", "cashsite.com aff=1001", "body:href"),
      ("domain", "cashsite.com", "cashsite.com", "body:href")]),
]
db = sqlite3.connect(case)
for i, (frm, ip, helo, arts) in enumerate(MESSAGES, 1):
    body = ("From: %s\nSubject: test %d\n\nbody\n" % (frm, i)).encode()
    sha = hashlib.sha256(body).hexdigest()
    db.execute("INSERT INTO raw (id, sha256, size, bytes) VALUES (?, ?, ?, ?)", (i, sha, len(body), body))
    db.execute("INSERT INTO messages (id, sha256, raw_id, status, from_addr) VALUES (?, ?, ?, 'ok', ?)",
               (i, sha, i, frm))
    db.execute("INSERT INTO artifacts (message, kind, raw, value, location) VALUES (?, 'email', ?, ?, 'header:From')",
               (i, frm, frm.lower()))
    for kind, raw, value, loc in arts:
        db.execute("INSERT INTO artifacts (message, kind, raw, value, location) VALUES (?, ?, ?, ?, ?)",
                   (i, kind, raw, value, loc))
    if ip:
        db.execute("INSERT INTO hops (message, idx, raw, from_host, from_ip, time_status, trusted, origin)"
                   " VALUES (?, 0, 'Received: by mx.trap.example', NULL, NULL, 'ok', 1, 0)", (i,))
        db.execute("INSERT INTO hops (message, idx, raw, from_host, from_ip, time_status, trusted, origin)"
                   " VALUES (?, 1, 'Received: from x', ?, ?, 'ok', 0, 1)", (i, helo, ip))
db.commit()
db.close()
