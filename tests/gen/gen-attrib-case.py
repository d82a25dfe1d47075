#!/usr/bin/env python3
"""Make the attribution test case: a parties roster (CSV) and messages with
their analysis rows (raw, messages, artifacts, hops) written into an
existing case file with sqlite3, as the ingestion and analysis stages would.

    gen-attrib-case.py CASE ROSTER.csv

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
