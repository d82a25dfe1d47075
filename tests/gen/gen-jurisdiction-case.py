#!/usr/bin/env python3
"""Make a case for 'jurisdiction': a trap roster, a parties roster and an
mbox, and the record of which copies of each defendant were delivered to a
forum's residents or passed through equipment the roster places in it.

    gen-jurisdiction-case.py FOLDER    writes traps.csv, parties.csv,
                                       box.mbox and expected.json

Traps (every holder's time zone America/New_York; copies are received at
noon UTC, so the local day is the day written here):
  ct@baymail.test     held in CT, provider BayMail in MA (mx.baymail.test):
                      a CT resident, no CT equipment;
  ma@nutmeg.test      held in MA, provider NutmegMail in CT (mx.nutmeg.test;
                      relay.nutmeg.test): through CT equipment;
  ny@empire.test      held in NY, provider EmpireMail in NY (mx.empire.test);
                      some copies carry a Received header below the trust
                      boundary claiming mx.nutmeg.test: the sender may have
                      written it, so not CT equipment;
  ny2@hudson.test     held in NY, provider HudsonMail in NY, which takes its
                      mail from NutmegMail's relay (hosts mx.hudson.test;
                      relay.nutmeg.test): a trusted hop by relay.nutmeg.test,
                      a host the roster lists for a CT provider.
Defendants: Alpha Mailers (From ads@alpha.test), Beta Shop (its domain
beta-shop.test linked in the body), Gamma News (From news@gamma.test).

expected.json: {defendant: {forum: {name: {"copies", "first", "last",
"message_ids"}}}} where name is a contact (recipient_resident,
provider_in_state, hop_in_state, hop_claimed_in_state) or, for CT, a
provision of Conn. Gen. Stat. 52-59b(a): a2 (tortious act within the state:
delivered to a resident or through equipment in it), a3 (injury within
the state: delivered to a resident), a5 (uses a computer network located
within the state: through equipment in it, trusted hops only).
"""
import csv
import json
import os
import sys
from datetime import date, timedelta

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

# address, holder, state, provider, provider_state, hosts
TRAPS = [
    ("ct@baymail.test", "Cora Tate", "CT", "BayMail", "MA", "mx.baymail.test"),
    ("ma@nutmeg.test", "Max Avery", "MA", "NutmegMail", "CT", "mx.nutmeg.test;relay.nutmeg.test"),
    ("ny@empire.test", "Nia York", "NY", "EmpireMail", "NY", "mx.empire.test"),
    ("ny2@hudson.test", "Ned Hale", "NY", "HudsonMail", "NY", "mx.hudson.test;relay.nutmeg.test"),
]
TRAP = {t[0]: t for t in TRAPS}
with open(os.path.join(out, "traps.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["address", "holder", "state", "provider", "provider_state", "timezone", "hosts"])
    for t in TRAPS:
        w.writerow(list(t[:5]) + ["America/New_York", t[5]])

PARTIES = [
    ("Alpha Mailers", "sender", "ads@alpha.test", ""),
    ("Beta Shop", "advertiser", "", "beta-shop.test"),
    ("Gamma News", "sender", "news@gamma.test", ""),
]
with open(os.path.join(out, "parties.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["name", "role", "email", "domain"])
    for p in PARTIES:
        w.writerow(p)

# (sender, advertises beta?, trap, day, claimed CT hop below the boundary?)
D = date(2007, 3, 1)
PLAN = []
def add(n, frm, beta, trap, first, claimed=False):
    for i in range(n):
        PLAN.append((frm, beta, trap, first + timedelta(days=i), claimed))

add(3, "ads@alpha.test", True, "ct@baymail.test", D)                       # CT resident
add(2, "ads@alpha.test", False, "ma@nutmeg.test", D + timedelta(days=10))  # CT equipment
add(2, "ads@alpha.test", True, "ny@empire.test", D + timedelta(days=20), claimed=True)
add(1, "ads@alpha.test", False, "ny@empire.test", D + timedelta(days=25))
add(2, "news@gamma.test", False, "ny@empire.test", D + timedelta(days=30))
add(3, "news@gamma.test", False, "ny2@hudson.test", D + timedelta(days=40))  # trusted CT hop
add(1, "news@gamma.test", True, "ma@nutmeg.test", D + timedelta(days=50))

def received(trap, n, day, claimed):
    addr, _, _, _, _, hosts = TRAP[trap]
    mx = hosts.split(";")[0]
    stamp = "%s 12:00:%02d +0000" % (day.strftime("%a, %d %b %Y"), 0)
    earlier = "%s 11:59:%02d +0000" % (day.strftime("%a, %d %b %Y"), 0)
    if trap == "ny2@hudson.test":
        # HudsonMail receives from NutmegMail's relay, which received it
        # from the sender: both hops at or above the boundary.
        return ["Received: from relay.nutmeg.test (relay.nutmeg.test [198.51.100.20])\n"
                "\tby %s with ESMTP id h%04d for <%s>; %s" % (mx, n, addr, stamp),
                "Received: from sender.example (sender.example [203.0.113.9])\n"
                "\tby relay.nutmeg.test with SMTP id r%04d; %s" % (n, earlier)]
    hops = ["Received: from sender.example (sender.example [203.0.113.9])\n"
            "\tby %s with ESMTP id m%04d for <%s>; %s" % (mx, n, addr, stamp)]
    if claimed:
        hops.append("Received: from origin.example (origin.example [203.0.113.77])\n"
                    "\tby mx.nutmeg.test with SMTP id c%04d; %s" % (n, earlier))
    return hops

record = {}
with open(os.path.join(out, "box.mbox"), "wb") as f:
    for n, (frm, beta, trap, day, claimed) in enumerate(PLAN, 1):
        mid = "j%d@jurisdiction.test" % n
        body = "A fine offer number %d.\n" % n
        if beta:
            body += "Buy now: http://www.beta-shop.test/offer?n=%d\n" % n
        msg = "\n".join(received(trap, n, day, claimed)) + "\n" + (
            "From: <%s>\nTo: <%s>\nSubject: Offer %d\nDate: %s 07:00:00 -0500\n"
            "Message-ID: <%s>\nContent-Type: text/plain\n\n%s"
            % (frm, trap, n, day.strftime("%a, %d %b %Y"), mid, body))
        f.write(("From %s %s 12:00:00 %d\n" % (frm, day.strftime("%a %b %d"), day.year)).encode())
        f.write(msg.encode() + b"\n")

        _, _, state, _, pstate, _ = TRAP[trap]
        # Where the copy was: the trap holder's state, the provider's
        # state, and the states of hosts written in its Received headers,
        # by the roster of every trap (a host is in each state whose
        # provider lists it).
        hop_hosts = [TRAP[trap][5].split(";")[0]]
        claimed_hosts = []
        if trap == "ny2@hudson.test":
            hop_hosts.append("relay.nutmeg.test")
        if claimed:
            claimed_hosts.append("mx.nutmeg.test")
        def states(hs):
            return {t[4] for t in TRAPS for h in hs if h in t[5].split(";")}
        contacts = {}
        for forum in ("CT", "MA", "NY"):
            c = set()
            if state == forum:
                c.add("recipient_resident")
            if pstate == forum:
                c.add("provider_in_state")
            if forum in states(hop_hosts):
                c.add("hop_in_state")
            if forum in states(claimed_hosts):
                c.add("hop_claimed_in_state")
            if forum == "CT":
                if c & {"recipient_resident", "provider_in_state", "hop_in_state"}:
                    c.add("a2")
                if "recipient_resident" in c:
                    c.add("a3")
                if c & {"provider_in_state", "hop_in_state"}:
                    c.add("a5")
            contacts[forum] = c
        who = ["Alpha Mailers" if frm == "ads@alpha.test" else "Gamma News"]
        if beta:
            who.append("Beta Shop")
        for d in who:
            for forum, names in contacts.items():
                for name in names:
                    r = record.setdefault(d, {}).setdefault(forum, {}).setdefault(
                        name, {"copies": 0, "first": None, "last": None, "message_ids": []})
                    r["copies"] += 1
                    r["first"] = min(r["first"] or day.isoformat(), day.isoformat())
                    r["last"] = max(r["last"] or day.isoformat(), day.isoformat())
                    r["message_ids"].append(mid)

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(record, f, indent=1, sort_keys=True)
    f.write("\n")
