#!/bin/sh
# Attribution with the contact normalizers: two affiliates whose phone,
# street address and payee match only after normalization (E.164, USPS
# abbreviations and ZIP5, legal suffixes) are strongly linked.  Needs the
# real wb_norm_phone and wb_norm_postal (evidence/normalize-contact.c).
. "$WB_ROOT/tests/lib.sh"
if [ -e "$WB_ROOT/evidence/stubs-normalize-contact.c" ]; then
	skip "normalized link" "contact normalizers not merged yet (evidence/stubs-normalize-contact.c)"
	t_done
	exit 0
fi
C="$T/c.case"
wb init "$C" > /dev/null
python3 "$WB_ROOT/tests/gen/gen-attrib-case.py" "$C" "$T/parties.csv"
wb import "$C" parties "$T/parties.csv" > /dev/null
expect_rc "link" 0 wb link "$C"
# Northwind (3) and Lakeshore (4): phone 2.0 + address 2.5 + payee 3.0, each
# shared by these two only, plus the country US (7 of 14 parties: 9 roster, 5 derived).
want=$(python3 -c 'import math; print("%.4f" % (7.5 + 0.2 * math.log(14 / 7) / math.log(14 / 2)))')
wb explain "$C" 3 4 --format json > "$T/nl.json"
expect_eq "phone, address and payee match after normalization: strong" \
	"strong $want address payee phone" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(j["strength"], "%.4f" % j["score"], " ".join(sorted(s["kind"] for s in j["shared"] if s["kind"] != "country")))' "$T/nl.json")"
expect_eq "the normalized values" "+13125550199|500 W MADISON ST STE 10, CHICAGO, IL 60661" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
v = {s["kind"]: s["value"] for s in j["shared"]}
print(v["phone"] + "|" + v["address"])' "$T/nl.json")"
expect_eq "they form a cluster" "1" \
	"$(wb sql "$C" "SELECT count(DISTINCT cluster) FROM cluster_members WHERE party IN (3, 4)" --format csv | tail -n 1)"
t_done
