#!/usr/bin/env python3
"""Fill a fresh case (made by 'workbench init CASE --filed 2008-05-01') with
copies, a roster, links and the attribution of each copy to parties, and
print the expected damages per defendant as JSON.

The attribution is written here (message_parties), as 'link' would: this
generator tests what damages makes of it, not attribution.  Defendants are
each roster party and each group of parties joined by strong or confirmed
links (not rejected) that holds a roster party, named by its roster parties
in id order joined by " + ", then "(+N derived)".

Which roles each statute reaches, from its words (seed 003):
  az-44-1372  "A person shall not knowingly transmit" (44-1372.01(A));
              "'Sender' means a person who initiates" (44-1372(5)): sender.
  co-6-2.5    "any person that sends" (6-2.5-103): sender.
  ca-17529.8  "Initiate or advertise in" (17529.2(a)); "initiate" is "to
              transmit or cause to be transmitted" (17529.1(i)): sender,
              affiliate, advertiser.
Amounts, from the statute texts: az $10 each or $25,000 per action,
whichever is less for a recipient (44-1372.02(B)); co $10 each, no cap
(6-2.5-104(2)(b)); ca $1,000 each up to $1,000,000 per incident
(17529.8(a)(1)(B)), an incident being one campaign on one day.  Each
recipient (trap holder) has an action of their own; a defendant's exposure
applies each plaintiff's caps to the copies attributed to it.  A copy
claimed against several defendants is recovered once: the total counts
each copy once (attributed to any defendant in a role reached).

usage: gen-defendants-case.py CASE > expected.json
"""
import datetime
import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
FILED = datetime.date(2008, 5, 1)
# id, address, holder, state, provider, provider_state
TRAPS = [
    (1, 'az-a@trap.test', 'Ana Ruiz', 'AZ', 'DesertMail', 'AZ'),
    (2, 'az-b@trap.test', 'Bo Chen', 'AZ', 'DesertMail', 'AZ'),
    (3, 'co-a@trap.test', 'Cleo Ames', 'CO', 'RockyMail', 'CO'),
    (4, 'ca-a@trap.test', 'Carla Diaz', 'CA', 'BayMail', 'CA'),
]
db.executemany("INSERT INTO traps (id, address, holder, state, provider, provider_state) VALUES (?,?,?,?,?,?)",
               TRAPS)
trap = {t[0]: t for t in TRAPS}
# id, name, role, derived
PARTIES = [
    (1, 'Sendco', 'sender', 0),
    (2, 'Affy Media', 'affiliate', 0),
    (3, 'AdCorp', 'advertiser', 0),
    (4, 'Other Aff', 'affiliate', 0),
    (5, '198.51.100.9', 'sender', 1),
]
db.executemany("INSERT INTO parties (id, name, role, derived) VALUES (?,?,?,?)", PARTIES)
# id, a, b, score, strength, review
LINKS = [
    (1, 1, 2, 8.0, 'strong', None),         # Sendco - Affy: joins
    (2, 2, 3, 4.0, 'moderate', 'confirmed'),  # Affy - AdCorp: confirmed, joins
    (3, 2, 4, 2.0, 'weak', None),           # Affy - Other Aff: weak, joins nothing
    (4, 4, 5, 7.0, 'strong', None),         # Other Aff - its sending IP: joins
]
db.executemany("INSERT INTO links (id, party_a, party_b, score, strength, review) VALUES (?,?,?,?,?,?)", LINKS)

CLEAN = dict(subject_adv='1', opt_out='1', sender_legal_name='1', sender_street_address='1',
             from_domain_valid='1', header_forged='0', helo_mismatch='0')
D = datetime.date
copies = []

def add(n, t, day, campaign, parties, **bad):
    for i in range(n):
        f = dict(CLEAN)
        f.update(bad)
        copies.append(dict(trap=t, day=day(i) if callable(day) else day, campaign=campaign, facts=f,
                           parties=parties))

# A: Arizona copies without "ADV:", sent by Sendco for Affy, advertising AdCorp.
A = [(1, 'sender'), (2, 'affiliate'), (3, 'advertiser')]
add(2000, 1, lambda i: D(2007, 6, 1) + datetime.timedelta(days=i % 20), 1, A, subject_adv='0')
add(1200, 2, lambda i: D(2007, 6, 1) + datetime.timedelta(days=i % 20), 1, A, subject_adv='0')
# B: Colorado copies without opt-out, sent from Other Aff's IP, its affiliate
# id, advertising AdCorp; five after the filing date.
B = [(5, 'sender'), (4, 'affiliate'), (3, 'advertiser')]
add(30, 3, lambda i: D(2007, 9, 1) + datetime.timedelta(days=i), 2, B, opt_out='0')
add(5, 3, lambda i: D(2008, 6, 1) + datetime.timedelta(days=i), 2, B, opt_out='0')
# C: to a California resident, Affy's affiliate id, AdCorp advertised.
add(10, 4, D(2007, 11, 5), 3, [(2, 'affiliate'), (3, 'advertiser')])
# D: to the same resident, attributed to nobody.
add(5, 4, D(2007, 11, 6), 4, [])

for i, c in enumerate(copies, 1):
    c['id'] = i
    sha = '%064x' % i
    db.execute("INSERT INTO raw (id, sha256, size, bytes) VALUES (?, ?, 1, x'00')", (i, sha))
    db.execute("INSERT INTO messages (id, sha256, raw_id, trap_id, status, message_id, local_day, campaign)"
               " VALUES (?,?,?,?,?,?,?,?)", (i, sha, i, c['trap'], 'ok', 'd%d@spam.test' % i,
                                            c['day'].isoformat(), c['campaign']))
    for k, v in c['facts'].items():
        db.execute("INSERT INTO facts (message, name, value, confidence) VALUES (?,?,?,'certain')", (i, k, v))
    for p, role in c['parties']:
        db.execute("INSERT INTO message_parties (message, party, role, kind, value, location)"
                   " VALUES (?, ?, ?, 'domain', 'x.test', 'header:From')", (i, p, role))
db.commit()

NEXUS = {
    'az-44-1372': lambda s, p: s == 'AZ' or p == 'AZ',
    'ca-17529.8': lambda s, p: s == 'CA',
    'co-6-2.5': lambda s, p: s == 'CO' and p == 'CO',
}
VIOLATES = {
    'az-44-1372': lambda f: f['subject_adv'] == '0' or f['opt_out'] == '0',
    'ca-17529.8': lambda f: True,
    'co-6-2.5': lambda f: f['from_domain_valid'] == '0' or f['subject_adv'] == '0' or f['opt_out'] == '0',
}
REACH = {'az-44-1372': {'sender'}, 'co-6-2.5': {'sender'}, 'ca-17529.8': {'sender', 'affiliate', 'advertiser'}}

def by(cs, key):
    g = {}
    for c in cs:
        g.setdefault(key(c), []).append(c)
    return g

def amount(sid, cs):
    cs = [c for c in cs if NEXUS[sid](trap[c['trap']][3], trap[c['trap']][5]) and VIOLATES[sid](c['facts'])]
    holder = lambda c: trap[c['trap']][2]
    if sid == 'az-44-1372':
        return len(cs), sum(min(1000 * len(v), 2500000) for v in by(cs, holder).values())
    if sid == 'co-6-2.5':
        return len(cs), 1000 * len(cs)
    # One recipient per incident here, so a shared cap and a cap each agree.
    return len(cs), sum(min(100000 * len(v), 100000000)
                        for v in by(cs, lambda c: (holder(c), c['campaign'], c['day'])).values())

# Defendants: roster parties, then groups.
parent = {p[0]: p[0] for p in PARTIES}
def find(x):
    while parent[x] != x:
        x = parent[x]
    return x
# Strongest first, so the last link joining a group is the weakest it
# rests on.
RANK = {'none': 0, 'weak': 1, 'moderate': 2, 'strong': 3}
weakest = {}
for lid, a, b, score, strength, review in sorted(LINKS, key=lambda l: (-RANK[l[4]], -l[3], l[0])):
    if review != 'rejected' and (strength == 'strong' or review == 'confirmed') and find(a) != find(b):
        ra, rb = find(a), find(b)
        parent[rb] = ra
        weakest[ra] = lid
name = {p[0]: p[1] for p in PARTIES}
derived = {p[0]: p[3] for p in PARTIES}
defendants = [(p[1], {p[0]}) for p in PARTIES if not p[3]]
groups = by([p[0] for p in PARTIES], find)
for members in groups.values():
    if len(members) > 1 and any(not derived[m] for m in members):
        nm = " + ".join(name[m] for m in sorted(members) if not derived[m])
        nd = sum(1 for m in members if derived[m])
        defendants.append((nm + (" (+%d derived)" % nd if nd else ""), set(members)))
        weakest[defendants[-1][0]] = weakest[find(members[0])]

def share(members):
    # copy id -> roles it is attributed in to MEMBERS
    out = {}
    for c in copies:
        r = {role for p, role in c['parties'] if p in members}
        if r:
            out[c['id']] = r
    return out

def exposure(members):
    sh = share(members)
    res = {}
    for sid in sorted(REACH):
        cs = [c for c in copies if c['id'] in sh and sh[c['id']] & REACH[sid]]
        res[sid] = amount(sid, cs)
    return sh, res

out = {'defendants': {}}
everyone = set()
for nm, members in defendants:
    everyone |= members
    sh, res = exposure(members)
    counted = {c['id'] for c in copies if c['id'] in sh and any(
        sh[c['id']] & REACH[s] and NEXUS[s](trap[c['trap']][3], trap[c['trap']][5]) and VIOLATES[s](c['facts'])
        for s in REACH)}
    out['defendants'][nm] = {
        'party_ids': sorted(members),
        'copies': len(sh),
        'amount_cents': sum(v[1] for v in res.values()),
        'statutes': {s: {'copies': v[0], 'amount_cents': v[1]} for s, v in res.items()},
        'after_filing': sum(1 for c in copies if c['id'] in counted and c['day'] > FILED),
        'weakest_link': weakest.get(nm),
    }
_, res = exposure(everyone)
out['total_cents'] = sum(v[1] for v in res.values())
out['exposure_sum_cents'] = sum(d['amount_cents'] for d in out['defendants'].values())
out['case_cents'] = sum(amount(s, copies)[1] for s in REACH)
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
