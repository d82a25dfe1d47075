#!/usr/bin/env python3
"""Fill a fresh case (made by 'workbench init CASE --filed 2008-05-01') with a
generated set of copies over several traps and states, write an analyst
findings CSV, and print the expected damages as JSON.

The expected amounts are worked out here from the statute texts (seed 003),
independently of the engine and of the rule files:
  ca-17529.5  $1,000 per copy, up to $1,000,000 per incident (Cal. B&P 17529.5(b)(1)(B)(ii)),
              due care $100 / $100,000 (b)(2); violation (a)(2): From domain invalid.
  ca-17529.8  $1,000 per copy violating 17529.2 (every UCE to a California address),
              same caps; never with 17529.5 for one copy (17529.5(b)(3)).
  co-6-2.5    $10 per copy (6-2.5-104(2)(b)), resident of CO and provider in CO (6-2.5-105);
              violations 103(1) invalid From domain, 103(4) no "ADV:", 103(5) no opt-out.
  ar-4-88     lesser of $10 per copy or $25,000 per day (4-88-606(b)); resident or provider in AR;
              603(a)(1)(A) no legal name, (B) no street address, (C)/(c)(3) invalid domain,
              (a)(3)/(a)(4) no opt-out.
  az-44-1372  $10 per copy or $25,000: lesser for a recipient, greater for a provider
              (44-1372.02(B),(D)); from/to/provider in AZ; (B)(1) no "ADV:", (B)(2) no opt-out.
Limitations (one year CA/CO/AZ, five AR) count back from the filing date;
effective dates CA 2004-01-01, CO 2000-08-02, AR 2003-07-16, AZ 2003-09-18.
CAN-SPAM preemption (15 U.S.C. 7707(b)(1), from 2004-01-01; applied unless
--preemption ignore): a state provision survives only if it "prohibits
falsity or deception": 17529.5(a)(2) falsified headers and (a)(3) misleading
subject do; the 17529.2 ban, "ADV:" labels, opt-out and sender-disclosure
duties (CO 103(1),(4),(5); AR 603(a)(1)(A)-(C),(a)(3); AZ (B)(1),(B)(2)) do
not, so a copy received from 2004 counts only for the former.

usage: gen-damages-case.py CASE FINDINGS.csv > expected.json
"""
import datetime
import json
import random
import sqlite3
import sys

case, findings_csv = sys.argv[1], sys.argv[2]
rng = random.Random(4)
db = sqlite3.connect(case)

traps = [  # id, address, state, provider_state, timezone
    (1, 'ca1@trap.test', 'CA', 'CA', 'America/Los_Angeles'),
    (2, 'ca2@trap.test', 'CA', 'WA', 'America/Los_Angeles'),
    (3, 'co1@trap.test', 'CO', 'CO', 'America/Denver'),
    (4, 'co2@trap.test', 'CO', 'TX', 'America/Denver'),   # no Colorado provider: no CO nexus
    (5, 'ar1@trap.test', 'AR', 'AR', 'America/Chicago'),
    (6, 'ar2@trap.test', 'TX', 'AR', 'America/Chicago'),   # AR provider alone suffices
    (7, 'az1@trap.test', 'AZ', 'AZ', 'America/Phoenix'),
    (8, 'tx1@trap.test', 'TX', 'TX', 'America/Chicago'),
]
db.executemany("INSERT INTO traps (id, address, state, provider_state, timezone) VALUES (?,?,?,?,?)", traps)
tstate = {t[0]: (t[2], t[3]) for t in traps}

copies = []   # dicts
def add(trap, day, campaign, facts):
    copies.append(dict(trap=trap, day=day, campaign=campaign, facts=facts))

def rand_facts():
    return {
        'subject_adv': rng.choice('0001'),
        'opt_out': rng.choice('011'),
        'sender_legal_name': rng.choice('01'),
        'sender_street_address': rng.choice('011'),
        'from_domain_valid': rng.choice('0111'),
        'header_forged': rng.choice('01'),   # indicator: not counted by default
    }

d0 = datetime.date(2007, 3, 1)
# Ordinary traffic over every trap, 2003-2008.
for i in range(2500):
    trap = rng.randint(1, 8)
    day = datetime.date(2003, 1, 1) + datetime.timedelta(days=rng.randint(0, 1945))
    add(trap, day, rng.choice([None, rng.randint(1, 40)]), rand_facts())
# A California campaign of 2,300 copies on one day: the $1,000,000 incident
# cap is reached under 17529.8 (2,070 copies with a valid From domain).
for i in range(2300):
    f = rand_facts(); f['from_domain_valid'] = '0' if i % 10 == 0 else '1'
    add(1, datetime.date(2007, 11, 5), 900, f)
# An Arkansas flood: 2,600 violating copies one day (cap $25,000 reached), 300 the next.
for i in range(2900):
    f = rand_facts(); f['sender_legal_name'] = '0'
    add(5, datetime.date(2007, 12, 1) if i < 2600 else datetime.date(2007, 12, 2), 901, f)
# Arizona: 2,600 copies without "ADV:" ($26,000 against the $25,000 per action).
for i in range(2600):
    f = rand_facts(); f['subject_adv'] = '0'
    add(7, datetime.date(2007, 6, 1) + datetime.timedelta(days=i % 200), 902 + i % 3, f)

for i, c in enumerate(copies, 1):
    c['id'] = i
    sha = '%064x' % i
    db.execute("INSERT INTO raw (id, sha256, size, bytes) VALUES (?, ?, 1, x'00')", (i, sha))
    db.execute("INSERT INTO messages (id, sha256, raw_id, trap_id, status, message_id, local_day, campaign)"
               " VALUES (?,?,?,?,?,?,?,?)", (i, sha, i, c['trap'], 'ok', 'gen%d@spam.test' % i,
                                            c['day'].isoformat(), c['campaign']))
    for k, v in c['facts'].items():
        db.execute("INSERT INTO facts (message, name, value, confidence) VALUES (?,?,?,?)",
                   (i, k, v, 'indicator' if k == 'header_forged' else 'certain'))
db.commit()

# Analyst findings: some copies not commercial at all; some Colorado copies
# carry a business relationship (6-2.5-103(4)(c)); some California copies
# found to violate 17529.5(a)(3) (misleading subject).
notcomm = [c['id'] for c in copies[:2500] if c['id'] % 37 == 0]
co_rel = [c['id'] for c in copies[:2500] if c['trap'] == 3 and c['id'] % 5 == 0]
ca_a3 = [c['id'] for c in copies[:2500] if c['trap'] in (1, 2) and c['id'] % 7 == 0]
analyst = {}
with open(findings_csv, 'w') as f:
    f.write('message,statute,provision,finding,note\n')
    for i in notcomm:
        f.write('<gen%d@spam.test>,*,commercial,no-violation,consented\n' % i)
        analyst[(i, '*', 'commercial')] = False
    for i in co_rel:
        f.write('gen%d@spam.test,co-6-2.5,4,no-violation,"customer, since 2005"\n' % i)
        analyst[(i, 'co', '4')] = False
    for i in ca_a3:
        f.write('%064x,ca-17529.5,(a)(3),violation,\n' % i)
        analyst[(i, 'ca5', 'a3')] = True

FILED = datetime.date(2008, 5, 1)
def lim(years):
    return FILED.replace(year=FILED.year - years)

def violations(c, sid):
    f = c['facts']
    v = set()
    if sid == 'ca5':
        if f['from_domain_valid'] == '0': v.add('a2')
        if (c['id'], 'ca5', 'a3') in analyst: v.add('a3')
    elif sid == 'ca8':
        v.add('b')
    elif sid == 'co':
        if f['from_domain_valid'] == '0': v.add('1')
        if f['subject_adv'] == '0' and (c['id'], 'co', '4') not in analyst: v.add('4')
        if f['opt_out'] == '0': v.add('5')
    elif sid == 'ar':
        if f['sender_legal_name'] == '0': v.add('a1A')
        if f['sender_street_address'] == '0': v.add('a1B')
        if f['from_domain_valid'] == '0': v.add('a1C')
        if f['opt_out'] == '0': v.add('a3')
    elif sid == 'az':
        if f['subject_adv'] == '0': v.add('B1')
        if f['opt_out'] == '0': v.add('B2')
    return v

# Provisions that prohibit falsity or deception (survive preemption).
SURVIVES = {'ca5': {'a2', 'a3'}, 'ca8': set(), 'co': set(), 'ar': set(), 'az': set()}
PREEMPT_FROM = datetime.date(2004, 1, 1)

SCOPE = {  # nexus test, effective date, limitations years
    'ca5': (lambda s, p: s == 'CA', datetime.date(2004, 1, 1), 1),
    'ca8': (lambda s, p: s == 'CA', datetime.date(2004, 1, 1), 1),
    'co': (lambda s, p: s == 'CO' and p == 'CO', datetime.date(2000, 8, 2), 1),
    'ar': (lambda s, p: s == 'AR' or p == 'AR', datetime.date(2003, 7, 16), 5),
    'az': (lambda s, p: s == 'AZ' or p == 'AZ', datetime.date(2003, 9, 18), 1),
}

def counted(sid, preemption='apply'):
    nexus, eff, years = SCOPE[sid]
    out = []
    for c in copies:
        if not nexus(*tstate[c['trap']]): continue
        if c['day'] < eff or c['day'] < lim(years): continue
        if (c['id'], '*', 'commercial') in analyst: continue
        v = violations(c, sid)
        if preemption == 'apply' and c['day'] >= PREEMPT_FROM:
            v &= SURVIVES[sid]
        if v: out.append(c)
    return out

def incident_key(c, rule):
    camp = c['campaign'] if c['campaign'] is not None else ('own', c['id'])
    return {'campaign-day': (camp, c['day']), 'campaign': camp, 'message': c['id']}[rule]

def ca_amount(cs, rule, due_care):
    pm, cap = (10000, 10000000) if due_care else (100000, 100000000)
    groups = {}
    for c in cs:
        k = incident_key(c, rule); groups[k] = groups.get(k, 0) + pm
    return sum(min(v, cap) for v in groups.values())

def expected(plaintiff='recipient', incident='campaign-day', due_care=False, ar_rule='per-day',
             preemption='apply'):
    res = {}
    def cnt(sid):
        return counted(sid, preemption)
    c5, c8 = cnt('ca5'), cnt('ca8')
    ids5 = {c['id'] for c in c5}
    # Copies violating both: the assignment with the larger total, 17529.5 on a tie.
    a_5 = ca_amount(c5, incident, due_care) + ca_amount([c for c in c8 if c['id'] not in ids5], incident, due_care)
    ids8 = {c['id'] for c in c8}
    a_8 = ca_amount([c for c in c5 if c['id'] not in ids8], incident, due_care) + ca_amount(c8, incident, due_care)
    if a_5 >= a_8:
        res['ca-17529.5'] = ca_amount(c5, incident, due_care)
        res['ca-17529.8'] = ca_amount([c for c in c8 if c['id'] not in ids5], incident, due_care)
    else:
        res['ca-17529.5'] = ca_amount([c for c in c5 if c['id'] not in ids8], incident, due_care)
        res['ca-17529.8'] = ca_amount(c8, incident, due_care)
    res['co-6-2.5'] = 1000 * len(cnt('co'))
    ar = cnt('ar')
    days = {}
    for c in ar: days[c['day']] = days.get(c['day'], 0) + 1
    if ar_rule == 'per-day':
        res['ar-4-88'] = sum(min(1000 * n, 2500000) for n in days.values())
    else:
        res['ar-4-88'] = min(1000 * len(ar), 2500000 * len(days))
    az = 1000 * len(cnt('az'))
    res['az-44-1372'] = (min if plaintiff == 'recipient' else max)(az, 2500000) if az else 0
    return res

out = {
    'default': expected(),
    'ignore': expected(preemption='ignore'),
    'ignore_provider': expected(plaintiff='provider', preemption='ignore'),
    'ignore_aggregate': expected(ar_rule='aggregate', preemption='ignore'),
    'provider': expected(plaintiff='provider'),
    'aggregate': expected(ar_rule='aggregate'),
    'message': expected(incident='message'),
    'campaign': expected(incident='campaign'),
    'due_care': expected(due_care=True),
    'copies': len(copies),
    'ar_violating': len(counted('ar')),
    'az_violating': len(counted('az')),
    'ar_violating_ignore': len(counted('ar', 'ignore')),
}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
