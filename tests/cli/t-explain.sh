#!/bin/sh
# 'explain' as an expert would read it: the whole text for the court order's
# pair (PureCash and Imatrix, tests/gen/gen-attrib-case.py), and the JSON
# contract.  The numbers come from the formula in attribution.ini:
# N = 14 parties (9 roster, 5 derived), the country US is had by 7, the phone by 2.
# Differing lists the parties' own values only: message 5 (PureCash's
# affiliate id, From promo@other.example) hands PureCash none of its other values.
. "$WB_ROOT/tests/lib.sh"
C="$T/c.case"
wb init "$C" > /dev/null
python3 "$WB_ROOT/tests/gen/gen-attrib-case.py" "$C" "$T/parties.csv"
wb import "$C" parties "$T/parties.csv" > /dev/null
wb link "$C" > /dev/null
set -- $(python3 -c 'import math
spec = math.log(14 / 7) / math.log(14 / 2)
print("%.2f %.2f %.2f" % (2 + 0.2 * spec, 0.2 * spec, spec))')
cat > "$T/want" <<EOT
A: PureCash, L.L.C. (party 1)
B: Imatrix Corp. (party 2)
Strength: weak (score $1)

Shared values (weight = kind weight x specificity):
  country      US
    weight $2: 7 parties have it, specificity $3
    A: roster parties.csv:2 country
    B: roster parties.csv:3 country
  phone        +12065550142
    weight 2.00: 2 parties have it, specificity 1.00
    A: roster parties.csv:2 phone
    B: roster parties.csv:3 phone
Weak at most: only unspecific values are shared (country, phone never enough alone).

Differing (both have the field, no value in common):
  name         A: PURECASH
               B: IMATRIX
  contact      A: JOHN SMITH
               B: MARY JONES
  email        A: billing@purecash.example
               B: info@imatrix.example
  address      A: 100 PINE ST, SEATTLE, WA 98101
               B: 77 ELM AVE, PORTLAND, OR 97201
  payee        A: PURECASH
               B: IMATRIX
  domain       A: purecash.example
               B: imatrix.example
  affiliate_id A: cashsite.com aff=1001
               B: cashsite.com aff=2002

Messages that connect them (one attributed, the other named): 0

How messages link parties: a message is attributed to a party as sender (its
From, Return-Path or Reply-To address or domain, origin IP or HELO), affiliate
(an affiliate id in its links) or advertiser (a domain its links lead to); a
phone, postal address or e-mail address in its body only mentions a party.  A
party a message is attributed to shares with each other party the message names
the value it is named by; two parties only mentioned share nothing.  Tracking
ids and other values of a message are never shared.  Each shared value counts
once, whatever the number of messages.
EOT
wb explain "$C" "PureCash, L.L.C." "Imatrix Corp." > "$T/got"
expect_file "explain text for the court order's pair" "$T/want" "$T/got"
wb explain "$C" 2 1 > "$T/rev"
expect_match "the order of the parties is the order given" "^A: Imatrix Corp." "$(head -n 1 "$T/rev")"
wb explain "$C" 1 2 --format json > "$T/j"
expect_eq "JSON has exactly the contract's keys" "a b score strength shared differing messages|kind value a_sources b_sources weight|kind a b" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(" ".join(j) + "|" + " ".join(j["shared"][0]) + "|" + " ".join(j["differing"][0]))' "$T/j")"
expect_eq "JSON kinds are from the contract's list" "ok" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
kinds = {"name", "contact", "email", "phone", "address", "country", "payee", "domain", "affiliate_id", "ip"}
print("ok" if all(s["kind"] in kinds for s in j["shared"] + j["differing"]) else "bad")' "$T/j")"
expect_rc "explain refuses csv" 2 wb explain "$C" 1 2 --format csv
expect_rc "explain a party with itself" 1 wb explain "$C" 1 "purecash, l.l.c."
t_done
