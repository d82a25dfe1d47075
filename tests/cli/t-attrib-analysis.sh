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
expect_eq "message 1: sender by From and origin IP, affiliate by bare id, PureCash by phone and address" \
"affiliate Gamma Promo affiliate_id cashsite.com aff=5005
mentioned PureCash address 100 PINE ST SEATTLE WA 98101
mentioned PureCash phone +12065550142
sender Delta Leads email leads@delta.example
sender Rapid Mailer ip 203.0.113.7" \
	"$(q "SELECT mp.role || ' ' || p.name || ' ' || mp.kind || ' ' || replace(mp.value, ',', '') FROM message_parties mp
	      JOIN parties p ON p.id = mp.party WHERE mp.message = 1 AND p.derived = 0 ORDER BY 1")"
expect_eq "advertiser: the registrable domain the link leads to, a derived party" "cashsite.com advertiser 1" \
	"$(q "SELECT p.name || ' ' || p.role || ' ' || p.derived FROM message_parties mp JOIN parties p ON p.id = mp.party
	      WHERE mp.message = 1 AND mp.role = 'advertiser'")"
wb explain "$C" "Gamma Promo" PureCash --format json > "$T/gp.json"
# Every value of the two messages is had by 5 of the 6 parties (the four the
# messages name and the derived advertiser): specificity ln(6/5)/ln(3) = 0.166,
# so in so small a case the link is weak at most, and says so.
expect_eq "Gamma Promo and PureCash are linked through both messages" "[1, 2] weak 8 0.1660" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(j["messages"], j["strength"], len(j["shared"]), "%.4f" % (j["shared"][0]["weight"] / 2.5))' "$T/gp.json")"
expect_eq "the affiliate id's sources" "message 1 body:href; also message 2|roster parties.csv:5 phone" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
s = {x["kind"]: x for x in j["shared"]}
print(s["affiliate_id"]["a_sources"][0] + "|" + s["phone"]["b_sources"][0])' "$T/gp.json")"
expect_eq "Bystander is in no message and no link" "0 0" \
	"$(q "SELECT (SELECT count(*) FROM message_parties WHERE party = 5) || ' ' || (SELECT count(*) FROM links WHERE party_a = 5 OR party_b = 5)")"
t_done
