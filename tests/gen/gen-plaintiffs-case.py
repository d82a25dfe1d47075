#!/usr/bin/env python3
"""Fill a fresh case (made by 'workbench init CASE --filed 2008-05-01') with
copies to nine traps held by seven recipients through six providers, and
print the expected amount of each plaintiff's action as JSON.

Each trap holder is a recipient plaintiff with an action of their own (a
holder's traps together; a trap without a holder its own plaintiff); each
provider is one provider plaintiff (a trap without a provider goes with its
address's domain).  The amounts are worked out here from the statute texts
(seed 003), not from the engine or the rule files:
  az-44-1372  "ten dollars for each ... or twenty-five thousand dollars,
              whichever is less" for the injured person (44-1372.02(B)),
              "whichever is greater" for the provider ((D)): per action.
              Violation 01(B)(1): no "ADV:" subject.  Nexus: resident or
              provider in AZ.
  ar-4-88     the lesser of $10 each or "$25,000 per day the violation
              occurs" (4-88-606(b)); per day within each action, or
              aggregate min($10 x all, $25,000 x days).  603(a)(1)(A): no
              legal name.  Nexus: resident or provider in AR.
  ca-17529.8  $1,000 each "up to one million dollars ($1,000,000) per
              incident" (17529.8(a)(1)(B)); an incident is "a single
              transmission or delivery to a single recipient or to
              multiple recipients" (17529.1(j)): shared, one cap for the
              incident split among its plaintiffs in proportion to their
              uncapped sums, rounded down, the cents left to the largest
              part; or each, a cap per plaintiff.  Every copy to a CA
              resident (17529.2(b)).
  co-6-2.5    $10 each, no cap (6-2.5-104(2)(b)); 103(5) no opt-out;
              resident of CO and provider in CO (105).
Every copy is within the limitations periods and after the effective dates.

usage: gen-plaintiffs-case.py CASE > expected.json
"""
import datetime
import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
# id, address, holder, state, provider, provider_state
TRAPS = [
    (1, 'az-a@trap.test', 'Ana Ruiz', 'AZ', 'DesertMail', 'AZ'),
    (2, 'az-b@trap.test', 'Bo Chen', 'AZ', 'DesertMail', 'AZ'),
    (3, 'az-c@trap.test', 'Ana Ruiz', 'AZ', 'CactusNet', 'AZ'),
    (4, 'ar-a@trap.test', 'Ann Kerr', 'AR', 'OzarkMail', 'AR'),
    (5, 'ar-b@trap.test', 'Abe Lind', 'TX', 'OzarkMail', 'AR'),
    (6, 'ca-a@trap.test', 'Carla Diaz', 'CA', 'BayMail', 'CA'),
    (7, 'ca-b@trap.test', 'Cody Park', 'CA', 'BayMail', 'CA'),
    (8, 'ca-c@trap.test', None, 'CA', None, 'CA'),
    (9, 'co-a@trap.test', 'Cleo Ames', 'CO', 'RockyMail', 'CO'),
]
db.executemany("INSERT INTO traps (id, address, holder, state, provider, provider_state) VALUES (?,?,?,?,?,?)",
               TRAPS)
trap = {t[0]: t for t in TRAPS}

def recipient(t):
    return trap[t][2] or trap[t][1]

def provider(t):
    return trap[t][4] or trap[t][1].split('@')[1]

CLEAN = dict(subject_adv='1', opt_out='1', sender_legal_name='1', sender_street_address='1',
             from_domain_valid='1', header_forged='0', helo_mismatch='0')
copies = []

def add(n, t, day, campaign, **bad):
    for i in range(n):
        d = day(i) if callable(day) else day
        f = dict(CLEAN)
        f.update(bad)
        copies.append(dict(trap=t, day=d, campaign=campaign, facts=f))

D = datetime.date
# Arizona: Ana's two traps 2,000 + 800, Bo's 1,200, none labelled "ADV:".
add(2000, 1, lambda i: D(2007, 6, 1) + datetime.timedelta(days=i % 30), 1, subject_adv='0')
add(800, 3, lambda i: D(2007, 7, 1) + datetime.timedelta(days=i % 10), 2, subject_adv='0')
add(1200, 2, lambda i: D(2007, 6, 1) + datetime.timedelta(days=i % 30), 1, subject_adv='0')
# Arkansas: no legal name; two days, two recipients, one provider.
add(3000, 4, D(2007, 12, 1), 5, sender_legal_name='0')
add(500, 4, D(2007, 12, 2), 5, sender_legal_name='0')
add(2000, 5, D(2007, 12, 1), 5, sender_legal_name='0')
add(100, 5, D(2007, 12, 2), 5, sender_legal_name='0')
# California: one incident to three residents, one more to Carla.
add(600, 6, D(2007, 11, 5), 7)
add(900, 7, D(2007, 11, 5), 7)
add(300, 8, D(2007, 11, 5), 7)
add(50, 6, D(2007, 11, 6), 8)
# Colorado: no opt-out.
add(40, 9, lambda i: D(2007, 9, 1) + datetime.timedelta(days=i), 9, opt_out='0')

for i, c in enumerate(copies, 1):
    c['id'] = i
    sha = '%064x' % i
    db.execute("INSERT INTO raw (id, sha256, size, bytes) VALUES (?, ?, 1, x'00')", (i, sha))
    db.execute("INSERT INTO messages (id, sha256, raw_id, trap_id, status, message_id, local_day, campaign)"
               " VALUES (?,?,?,?,?,?,?,?)", (i, sha, i, c['trap'], 'ok', 'p%d@spam.test' % i,
                                            c['day'].isoformat(), c['campaign']))
    for k, v in c['facts'].items():
        db.execute("INSERT INTO facts (message, name, value, confidence) VALUES (?,?,?,'certain')", (i, k, v))
db.commit()

NEXUS = {
    'az-44-1372': lambda s, p: s == 'AZ' or p == 'AZ',
    'ar-4-88': lambda s, p: s == 'AR' or p == 'AR',
    'ca-17529.8': lambda s, p: s == 'CA',
    'co-6-2.5': lambda s, p: s == 'CO' and p == 'CO',
}
VIOLATES = {
    'az-44-1372': lambda f: f['subject_adv'] == '0' or f['opt_out'] == '0',
    'ar-4-88': lambda f: f['sender_legal_name'] == '0' or f['sender_street_address'] == '0'
               or f['from_domain_valid'] == '0' or f['opt_out'] == '0',
    'ca-17529.8': lambda f: True,
    'co-6-2.5': lambda f: f['from_domain_valid'] == '0' or f['subject_adv'] == '0' or f['opt_out'] == '0',
}

def counted(sid):
    return [c for c in copies if NEXUS[sid](trap[c['trap']][3], trap[c['trap']][5]) and VIOLATES[sid](c['facts'])]

def by(cs, key):
    g = {}
    for c in cs:
        g.setdefault(key(c), []).append(c)
    return g

def amounts(kind, ar_rule='per-day', scope='shared'):
    who = recipient if kind == 'recipient' else provider
    out = {}   # (plaintiff, statute) -> cents
    # Arizona: per action; lesser for a recipient, greater for a provider.
    for p, cs in by(counted('az-44-1372'), lambda c: who(c['trap'])).items():
        out[(p, 'az-44-1372')] = (min if kind == 'recipient' else max)(1000 * len(cs), 2500000)
    # Arkansas: per day within each action, or aggregate.
    for p, cs in by(counted('ar-4-88'), lambda c: who(c['trap'])).items():
        days = by(cs, lambda c: c['day'])
        if ar_rule == 'per-day':
            out[(p, 'ar-4-88')] = sum(min(1000 * len(v), 2500000) for v in days.values())
        else:
            out[(p, 'ar-4-88')] = min(1000 * len(cs), 2500000 * len(days))
    # California: incidents are campaign-day.
    for (camp, day), cs in by(counted('ca-17529.8'), lambda c: (c['campaign'], c['day'])).items():
        parts = {p: 100000 * len(v) for p, v in by(cs, lambda c: who(c['trap'])).items()}
        if scope == 'each':
            for p, s in parts.items():
                out[(p, 'ca-17529.8')] = out.get((p, 'ca-17529.8'), 0) + min(s, 100000000)
            continue
        whole = sum(parts.values())
        cap = min(whole, 100000000)
        shares = {p: cap * s // whole for p, s in parts.items()}
        best = sorted(parts, key=lambda p: (-parts[p], p))[0]
        shares[best] += cap - sum(shares.values())
        for p, s in shares.items():
            out[(p, 'ca-17529.8')] = out.get((p, 'ca-17529.8'), 0) + s
    for p, cs in by(counted('co-6-2.5'), lambda c: who(c['trap'])).items():
        out[(p, 'co-6-2.5')] = 1000 * len(cs)
    return {'%s|%s' % k: v for k, v in sorted(out.items())}

json.dump({
    'recipient': amounts('recipient'),
    'recipient_each': amounts('recipient', scope='each'),
    'recipient_aggregate': amounts('recipient', ar_rule='aggregate'),
    'provider': amounts('provider'),
    'provider_each': amounts('provider', scope='each'),
    'provider_aggregate': amounts('provider', ar_rule='aggregate'),
}, sys.stdout, indent=1, sort_keys=True)
print()
