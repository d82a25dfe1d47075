#!/bin/sh
# The whole pipeline: import traps, ingest an mbox (which analyses it),
# import the roster, link.  The messages and roster are those of
# tests/gen/gen-attrib-case.py --mbox.
. "$WB_ROOT/tests/lib.sh"
if [ -e "$WB_ROOT/workbench/stubs-ingest.c" ]; then
	skip "end to end" "ingest not merged yet"
	t_done
	exit 0
fi
C="$T/c.case"
python3 "$WB_ROOT/tests/gen/gen-attrib-case.py" --mbox "$T"
wb init "$C" > /dev/null
expect_rc "import traps" 0 wb import "$C" traps "$T/traps.csv"
expect_rc "ingest" 0 wb ingest "$C" "$T/box.mbox"
expect_rc "import parties" 0 wb import "$C" parties "$T/parties.csv"
expect_rc "link" 0 wb link "$C"
q () { wb sql "$C" "$1" --format csv | tail -n +2; }
# Delta Leads' From address names it in the role its roster row gives it
# (affiliate), not as the sender: Rapid Mailer's IP sent the copies.
expect_eq "each copy: sender, affiliate, advertiser and mentioned parties" \
"advertiser cashsite.com domain
affiliate Delta Leads email
affiliate Gamma Promo affiliate_id
mentioned PureCash address
mentioned PureCash phone
sender Rapid Mailer ip
sender rapidmailer.example domain" \
	"$(q "SELECT DISTINCT mp.role || ' ' || p.name || ' ' || mp.kind FROM message_parties mp
	      JOIN parties p ON p.id = mp.party ORDER BY 1")"
expect_eq "both copies are attributed" "2" "$(q "SELECT count(DISTINCT message) FROM message_parties")"
expect_eq "the affiliate row points at its artifact" "affiliate_id body:href" \
	"$(q "SELECT a.kind || ' ' || a.location FROM message_parties mp JOIN artifacts a ON a.message = mp.message
	      AND a.idx = mp.artifact
	      WHERE mp.role = 'affiliate' AND mp.message = 1")"
expect_eq "Rapid Mailer and Delta Leads are linked through both copies" "[1, 2]" \
	"$(wb explain "$C" "Rapid Mailer" "Delta Leads" --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["messages"])')"
t_done
