#!/bin/sh
# Attribution over messages analysed by 'reanalyze' (real headers and HTML):
# each message is attributed to its sender (origin IP, From), affiliate (the
# id in its link) and advertiser (the domain the link leads to), and the
# parties a message names are linked through it.  tests/gen/gen-attrib-case.py
# --mail describes the case.
. "$WB_ROOT/tests/lib.sh"
C="$T/c.case"
wb init "$C" > /dev/null
python3 "$WB_ROOT/tests/gen/gen-attrib-case.py" --mail "$C" "$T/parties.csv"
expect_rc "reanalyze" 0 wb reanalyze "$C"
expect_rc "import" 0 wb import "$C" parties "$T/parties.csv"
expect_rc "link" 0 wb link "$C"
q () { wb sql "$C" "$1" --format csv | tail -n +2; }
# Delta Leads' From address names it in its roster role, affiliate.
expect_eq "message 1: sender by origin IP, affiliates by From and bare id, PureCash by phone and address" \
"affiliate Delta Leads email leads@delta.example
affiliate Gamma Promo affiliate_id cashsite.com aff=5005
mentioned PureCash address 100 PINE ST SEATTLE WA 98101
mentioned PureCash phone +12065550142
sender Rapid Mailer ip 203.0.113.7" \
	"$(q "SELECT mp.role || ' ' || p.name || ' ' || mp.kind || ' ' || replace(mp.value, ',', '') FROM message_parties mp
	      JOIN parties p ON p.id = mp.party WHERE mp.message = 1 AND p.derived = 0 ORDER BY 1")"
expect_eq "advertiser: the registrable domain the link leads to, a derived party" "cashsite.com advertiser 1" \
	"$(q "SELECT p.name || ' ' || p.role || ' ' || p.derived FROM message_parties mp JOIN parties p ON p.id = mp.party
	      WHERE mp.message = 1 AND mp.role = 'advertiser'")"
wb explain "$C" "Gamma Promo" PureCash --format json > "$T/gp.json"
# Gamma Promo is the affiliate of both messages (attributed); PureCash is only
# mentioned (its phone and address in the body), so under rule 2 of
# attribution.ini Gamma Promo shares PureCash's phone and address, and
# nothing else: not the messages' other values, and PureCash does not get
# Gamma Promo's id (a mention attributes nothing).  Each value is PureCash's
# own, so 2 parties have it: specificity ln(6/2)/ln(6/2) = 1; score address
# 2.5 + phone 2.0 = 4.5, moderate (>= 3, < 6).
expect_eq "Gamma Promo and PureCash are linked through both messages" "[1, 2] moderate 4.5000 address phone" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(j["messages"], j["strength"], "%.4f" % j["score"], " ".join(s["kind"] for s in j["shared"]))' "$T/gp.json")"
expect_eq "the phone's sources: Gamma Promo's messages, PureCash's roster" \
	"message 1 body:text (attributed as affiliate; names PureCash by phone, mentioned); also message 2|roster parties.csv:5 phone" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
s = {x["kind"]: x for x in j["shared"]}
print(s["phone"]["a_sources"][0] + "|" + s["phone"]["b_sources"][0])' "$T/gp.json")"
expect_eq "Bystander is in no message and no link" "0 0" \
	"$(q "SELECT (SELECT count(*) FROM message_parties WHERE party = 5) || ' ' || (SELECT count(*) FROM links WHERE party_a = 5 OR party_b = 5)")"
t_done
