#!/usr/bin/env python3
"""Generate the sample case bundled with the workbench (make demo).

Writes into OUTDIR:
  traps.csv, parties.csv, findings.csv   the rosters counsel would provide
  mail/                                   the trap accounts' archives:
    jane-maildir.tar.gz   Maildir of jane@trapmail.test (CA), tar + gzip
    colo.mbox.gz          mboxrd of colo@trapmail.test (CO), gzip
    ark-eml.zip           .eml files of ark@trapmail.test (AR), zip
    ari.7z                Maildir of ari@trapmail.test (AZ), 7z
    resent.tar.xz         a re-export holding copies met before, plus a
                          nested zip (duplicates keep every location)
  manifest.json           what was generated: copies per trap, campaigns,
                          duplicates: the oracle the end-to-end test reads

Deterministic: a fixed seed and fixed dates, so the same bytes every run.
Addresses use the reserved .test domain and documentation IP ranges.
"""
import email.utils, io, json, os, random, subprocess, sys, tarfile, zipfile, gzip, shutil
from datetime import datetime, timedelta, timezone

out = sys.argv[1] if len(sys.argv) > 1 else "build/sample"
rng = random.Random(20080501)
os.makedirs(out, exist_ok=True)
mail = os.path.join(out, "mail")
shutil.rmtree(mail, ignore_errors=True)
os.makedirs(mail)

TRAPS = [
    # address, holder, state, provider, provider_state, timezone
    ("jane@trapmail.test", "Jane Doe", "CA", "TrapMail", "CA", "America/Los_Angeles"),
    ("colo@rockymail.test", "Carl Olsen", "CO", "RockyMail", "CO", "America/Denver"),
    ("ark@trapmail.test", "Ann Kerr", "AR", "TrapMail", "CA", "America/Chicago"),
    ("ari@trapmail.test", "Ari Zona", "AZ", "TrapMail", "CA", "America/Phoenix"),
]
with open(os.path.join(out, "traps.csv"), "w", newline="") as f:
    f.write("address,holder,state,provider,provider_state,timezone,hosts\n")
    for t in TRAPS:
        dom = t[0].split("@")[1]
        f.write(",".join(t) + ",mx1.%s;mx2.%s\n" % (dom, dom))

# The roster: an advertiser and its affiliates.  PureCash and Imatrix share
# only a country and a phone number (the court order's situation); the two
# Blue Sky records match in phone, street address and payee only after
# normalization.
PARTIES = [
    dict(name="Acme Pharmacy Inc", role="advertiser", contact="R. Acme", email="legal@acmepills.test",
         phone="+1 415 555 0142", address="1 Market Street, San Francisco, CA 94105", country="US",
         payee="", domain="acmepills.test", affiliate_id=""),
    dict(name="PureCash LLC", role="affiliate", contact="P. Cash", email="pc@purecash.test",
         phone="206-555-0100", address="500 Pine Street, Suite 12, Seattle, WA 98101", country="United States",
         payee="PureCash Payments", domain="purecash.test", affiliate_id="1001"),
    dict(name="Imatrix Ltd", role="affiliate", contact="I. Matrix", email="admin@imatrix.test",
         phone="(206) 555-0100", address="77 Harbor Road, Tacoma, WA 98402", country="USA",
         payee="Imatrix Holdings", domain="imatrix.test", affiliate_id="2002"),
    dict(name="Blue Sky Media Inc", role="affiliate", contact="B. Sky", email="ops@bluesky-media.test",
         phone="1-800-555-0199", address="100 Main Street, Suite 4, Springfield, IL 62701", country="US",
         payee="Blue Sky Media", domain="bluesky-media.test", affiliate_id="3003"),
    dict(name="BlueSky Media, L.L.C.", role="affiliate", contact="Bea Skye", email="billing@bsm-pay.test",
         phone="(800) 555 0199", address="100 MAIN ST STE 4, SPRINGFIELD, IL 62701-1234", country="U.S.A.",
         payee="BLUE SKY MEDIA, INC.", domain="bsm-pay.test", affiliate_id="3004"),
    dict(name="Lowrate Lending Corp", role="advertiser", contact="L. Rate", email="info@lowrate-loans.test",
         phone="888-555-0123", address="9 Elm Avenue, Denver, CO 80202", country="US",
         payee="", domain="lowrate-loans.test", affiliate_id=""),
]
COLS = ["name", "role", "contact", "email", "phone", "address", "country", "payee", "domain", "affiliate_id"]
import csv
with open(os.path.join(out, "parties.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(COLS)
    for p in PARTIES:
        w.writerow([p[c] for c in COLS])

PT = timezone(timedelta(hours=-8))

def received(host_ip, helo, rdns, when, trap, n):
    """The chain: the provider's mx (topmost), its relay, then the origin."""
    mx_time = when
    relay_time = when - timedelta(seconds=3)
    origin_time = when - timedelta(seconds=40)
    dom = trap.split("@")[1]
    return [
        "Received: from relay.%s (relay.%s [192.0.2.10])\n"
        "\tby mx1.%s (Postfix) with ESMTP id %05X\n\tfor <%s>; %s"
        % (dom, dom, dom, n, trap, email.utils.format_datetime(mx_time)),
        "Received: from %s (%s [%s])\n\tby relay.%s with SMTP id r%05X;\n\t%s"
        % (helo, rdns, host_ip, dom, n, email.utils.format_datetime(relay_time)),
        "Received: from localhost (localhost [127.0.0.1])\n\tby %s with SMTP; %s"
        % (helo, email.utils.format_datetime(origin_time.astimezone(timezone(timedelta(hours=5))))),
    ]

CAMPAIGNS = {
    "pharmacy": dict(
        subject="Cheap meds, no prescription needed #{n}",
        from_="\"Pharmacy Deals\" <deals@cheap-meds-%d.test>",
        affiliate="2002", advertiser="acmepills.test", helo="mail.imatrix-sender.test",
        body=("Save 80% on your prescriptions today!\n\nOrder now: http://www.acmepills.test/order?affid=2002&sid={n}\n"
              "Questions? Call (206) 555-0100.\n\nTo stop receiving these mails, visit http://www.acmepills.test/remove?e={trap}\n"
              "Acme Pharmacy Inc, 1 Market Street, San Francisco, CA 94105\n")),
    "mortgage": dict(
        subject="ADV: Refinance at 3.1% - approval in minutes",
        from_="\"Lowrate Lending\" <offers@lowrate-loans.test>",
        affiliate="3003", advertiser="lowrate-loans.test", helo="smtp.bluesky-media.test",
        html=True,
        body=("<html><body><p>Rates have <b>never</b> been lower &amp; approval takes minutes.</p>"
              "<p><a href=\"http://track.bluesky-media.test/click?aff_id=3003&amp;offer=77&amp;url=http%3A%2F%2Flowrate-loans.test%2Fapply\">Apply now</a></p>"
              "<p>Call 1-800-555-0199 or write to BlueSky Media, 100 Main Street, Suite 4, Springfield, IL 62701.</p>"
              "<p style=\"font-size:9px\">To opt out, <a href=\"http://lowrate-loans.test/unsubscribe?id={n}\">unsubscribe here</a>"
              " or call toll free 1-888-555-0123.</p><!-- ref {n} --></body></html>\n")),
    "adult": dict(
        subject="Hot singles in your area want to meet you",
        from_="\"Amber\" <amber{n}@datingzone.test>",
        affiliate="1001", advertiser="datingzone.test", helo="purecash-mailer.test",
        body=("Adult content: explicit photos of singles near you.\n"
              "See them now: http://datingzone.test/join?pid=1001&subid={n}\n"
              "Reply with REMOVE in the subject to be removed.\n")),
}

def message(camp, n, trap, when, ip):
    c = CAMPAIGNS[camp]
    frm = c["from_"].replace("%d", str(n % 3)).replace("{n}", str(n))
    hdrs = received(ip, c["helo"], "host-%s.dsl.example.net" % ip.replace(".", "-"), when, trap, n)
    hdrs += [
        "From: " + frm,
        "To: " + trap,
        "Subject: " + c["subject"].replace("{n}", str(n)),
        "Date: " + email.utils.format_datetime(when - timedelta(minutes=rng.randint(1, 30))),
        "Message-ID: <%s.%d.%d@%s>" % (camp, n, int(when.timestamp()), c["helo"]),
        "MIME-Version: 1.0",
    ]
    if camp == "mortgage":
        hdrs.append("List-Unsubscribe: <mailto:remove@lowrate-loans.test?subject=%d>" % n)
    body = c["body"].replace("{n}", str(n)).replace("{trap}", trap)
    if c.get("html"):
        hdrs.append("Content-Type: text/html; charset=us-ascii")
    else:
        hdrs.append("Content-Type: text/plain; charset=us-ascii")
    hdrs.append("Delivered-To: " + trap)
    # Delivered-To is added by the provider on top.
    hdrs = [hdrs[-1]] + hdrs[:-1]
    return ("\n".join(hdrs) + "\n\n" + body).encode()

copies = []
manifest = {"traps": {}, "campaigns": {}, "copies": 0, "duplicate_locations": 0,
            "malformed": 0, "possible_duplicates": 0}
per_trap = {t[0]: [] for t in TRAPS}
base = datetime(2008, 3, 1, 12, 0, tzinfo=timezone.utc)
n = 0
# Each campaign sends bursts on several days; some copies land within
# minutes of local midnight, where the trap's zone decides the day.
plan = [("pharmacy", ["jane@trapmail.test", "ari@trapmail.test", "colo@rockymail.test"], 4, 6),
        ("mortgage", ["colo@rockymail.test", "ark@trapmail.test", "jane@trapmail.test"], 3, 5),
        ("adult", ["ark@trapmail.test", "ari@trapmail.test"], 2, 4)]
for camp, traps, days, per_day in plan:
    for d in range(days):
        for k in range(per_day):
            for trap in traps:
                n += 1
                when = base + timedelta(days=d, hours=rng.randint(0, 11), minutes=rng.randint(0, 59))
                if k == 0:
                    # 07:58 UTC is 23:58 the day before in Los Angeles (PST).
                    when = base.replace(hour=7, minute=58) + timedelta(days=d)
                ip = "203.0.113.%d" % (10 + hash(camp) % 3 if False else {"pharmacy": 11, "mortgage": 22, "adult": 33}[camp])
                per_trap[trap].append((camp, message(camp, n, trap, when, ip)))
                copies.append(dict(trap=trap, campaign=camp, received=when.isoformat(),
                                   adv=CAMPAIGNS[camp]["subject"].startswith("ADV:")))
                manifest["campaigns"][camp] = manifest["campaigns"].get(camp, 0) + 1

# A newsletter the holder subscribed to (analysts mark it no-violation).
ham = (b"Delivered-To: jane@trapmail.test\nReceived: from list.example.org (list.example.org [198.51.100.7])\n"
       b"\tby mx1.trapmail.test (Postfix) with ESMTP id 0AAAA\n\tfor <jane@trapmail.test>; Mon, 3 Mar 2008 09:00:00 -0800\n"
       b"From: Garden Club <news@garden.example.org>\nTo: jane@trapmail.test\nSubject: March newsletter\n"
       b"Date: Mon, 3 Mar 2008 08:59:00 -0800\nMessage-ID: <newsletter-2008-03@garden.example.org>\n\n"
       b"Spring planting starts soon.\n")
per_trap["jane@trapmail.test"].append(("ham", ham))
# A malformed copy: no header/body separator and a broken encoded word; it is kept.
bad = (b"Delivered-To: colo@rockymail.test\nFrom: =?utf-8?B?broken\nSubject: =?x-unknown?Q?=FF=FE?=\n"
       b"Date: yesterday\nthis line is not a header\n")
per_trap["colo@rockymail.test"].append(("malformed", bad))
# One Message-ID on different bytes (a resend with another body).
v1 = message("pharmacy", 9001, "ark@trapmail.test", base + timedelta(days=2, hours=3), "203.0.113.11")
v2 = v1.replace(b"Save 80%", b"Save 85%")
per_trap["ark@trapmail.test"] += [("pharmacy", v1), ("pharmacy", v2)]
for _ in (v1, v2):
    copies.append(dict(trap="ark@trapmail.test", campaign="pharmacy",
                       received=(base + timedelta(days=2, hours=3)).isoformat(), adv=False))
copies.append(dict(trap="jane@trapmail.test", campaign="ham", received="2008-03-03T17:00:00+00:00", adv=False))
copies.append(dict(trap="colo@rockymail.test", campaign="malformed", received=None, adv=False))
manifest["possible_duplicates"] = 2
manifest["campaigns"]["pharmacy"] += 2

# Write the archives.
def maildir_members(trap, msgs):
    for i, (_, data) in enumerate(msgs):
        sub = "cur" if i % 2 else "new"
        yield "%s/%s/%d.M%dP%d.trapmail:2,S" % (trap, sub, 1204329600 + i, i, 4242) if sub == "cur" \
            else "%s/%s/%d.M%dP%d.trapmail" % (trap, sub, 1204329600 + i, i, 4242), data

def add_bytes(tf, name, data, mtime=1204329600):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = mtime
    ti.uname = ti.gname = "trap"
    tf.addfile(ti, io.BytesIO(data))

jane = per_trap["jane@trapmail.test"]
with open(os.path.join(mail, "jane-maildir.tar.gz"), "wb") as raw:
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=1204329600) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tf:
            for name, data in maildir_members("export/jane@trapmail.test", jane):
                add_bytes(tf, name, data)
            add_bytes(tf, "export/jane@trapmail.test/tmp/.keep", b"")
            add_bytes(tf, "export/README.txt", b"Export of TrapMail accounts, March 2008.\n")

def mboxrd(msgs):
    outb = io.BytesIO()
    for i, (_, data) in enumerate(msgs):
        outb.write(b"From MAILER-DAEMON Sat Mar  1 12:00:%02d 2008\n" % (i % 60))
        for line in data.split(b"\n"):
            stripped = line.lstrip(b">")
            if stripped.startswith(b"From "):
                line = b">" + line
            outb.write(line + b"\n")
        if not data.endswith(b"\n"):
            outb.write(b"\n")
        outb.write(b"\n")
    return outb.getvalue()

with open(os.path.join(mail, "colo.mbox.gz"), "wb") as raw:
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=1204329600) as gz:
        gz.write(mboxrd(per_trap["colo@rockymail.test"]))

def zip_bytes(entries):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, date_time=(2008, 3, 6, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return b.getvalue()

ark = per_trap["ark@trapmail.test"]
with open(os.path.join(mail, "ark-eml.zip"), "wb") as f:
    f.write(zip_bytes([("ark@trapmail.test/%04d.eml" % i, d) for i, (_, d) in enumerate(ark)]))

ari = per_trap["ari@trapmail.test"]
# 7z through bsdtar, fed a tar stream so that only the fixed mtimes (no
# file-system ctimes) go into the archive.
tarb = io.BytesIO()
with tarfile.open(fileobj=tarb, mode="w", format=tarfile.USTAR_FORMAT) as tf:
    for name, data in maildir_members("ari@trapmail.test", ari):
        add_bytes(tf, name, data)
subprocess.run(["bsdtar", "--format", "7zip", "--options", "7zip:compression=lzma2",
                "-cf", os.path.abspath(os.path.join(mail, "ari.7z")), "@-"],
               input=tarb.getvalue(), check=True)

# The re-export: 5 of jane's copies again (same bytes: new locations, not new
# copies), and inside it a zip holding 3 of ark's again.
again = [d for _, d in jane[:5]]
with open(os.path.join(mail, "resent.tar.xz"), "wb") as raw:
    import lzma
    with lzma.LZMAFile(raw, "wb") as xz:
        with tarfile.open(fileobj=xz, mode="w", format=tarfile.PAX_FORMAT) as tf:
            for i, d in enumerate(again):
                add_bytes(tf, "jane@trapmail.test/cur/resent-%d:2,S" % i, d)
            add_bytes(tf, "nested/ark-again.zip", zip_bytes([("%d.eml" % i, d) for i, (_, d) in enumerate(ark[:3])]))
manifest["duplicate_locations"] = 5 + 3

for t in TRAPS:
    manifest["traps"][t[0]] = len(per_trap[t[0]])
manifest["copies"] = sum(manifest["traps"].values())
manifest["malformed"] = 1

# Analyst findings: the newsletter was solicited; one pharmacy copy's subject
# is found misleading by the analyst.
with open(os.path.join(out, "findings.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["message", "statute", "provision", "finding", "note"])
    w.writerow(["<newsletter-2008-03@garden.example.org>", "*", "commercial", "no-violation",
                "Holder subscribed to the Garden Club newsletter in 2007"])

manifest["copy_list"] = copies
with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
print("sample case written to %s: %d copies in %d traps" % (out, manifest["copies"], len(TRAPS)))
