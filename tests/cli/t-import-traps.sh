#!/bin/sh
# import CASE traps FILE.csv
. "$WB_ROOT/tests/lib.sh"
C=$T/c.case
wb init "$C" >/dev/null
# Columns in another order than the contract, a quoted field with a comma,
# a UTF-8 byte order mark, CRLF line ends and a blank line.
printf '\357\273\277timezone,Address,holder,state,provider,provider_state\r\nAmerica/Los_Angeles,Trap1@Example.COM,"Doe, Jane",ca,BigMail,CA\r\n\r\nAmerica/Denver,trap2@example.com,John Roe,CO,BigMail,ca\r\n' > "$T/traps.csv"
expect_rc "import traps" 0 wb import "$C" traps "$T/traps.csv"
expect_eq "import reports counts" "2 traps added, 0 updated" "$(cat "$T/.out")"
expect_eq "traps stored normalized" "trap1@example.com|Doe, Jane|CA|BigMail|CA|America/Los_Angeles
trap2@example.com|John Roe|CO|BigMail|CA|America/Denver" \
	"$(sqlite3 "$C" "SELECT address, holder, state, provider, provider_state, timezone FROM traps ORDER BY address")"
expect_eq "custody names the file and its hash" "1" \
	"$(sqlite3 "$C" "SELECT count(*) FROM custody WHERE action = 'import' AND detail LIKE '%sha256 $(sha256sum "$T/traps.csv" | cut -c1-64)%'")"

printf 'address,state,timezone\ntrap1@example.com,AZ,America/Phoenix\n' > "$T/update.csv"
expect_rc "re-import updates" 0 wb import "$C" traps "$T/update.csv"
expect_eq "update counts" "0 traps added, 1 updated" "$(cat "$T/.out")"
expect_eq "updated row" "AZ|America/Phoenix" "$(sqlite3 "$C" "SELECT state, timezone FROM traps WHERE address = 'trap1@example.com'")"

before=$(sqlite3 "$C" "SELECT count(*) FROM custody")
printf 'address,timezone\nnew@example.com,UTC\nbad@example.com,Mars/Olympus\n' > "$T/badtz.csv"
expect_rc "unknown time zone fails" 1 wb import "$C" traps "$T/badtz.csv"
expect_match "error names file, line and zone" "badtz.csv:3: unknown time zone 'Mars/Olympus'" "$(cat "$T/.err")"
expect_eq "failed import leaves no trap" "0" "$(sqlite3 "$C" "SELECT count(*) FROM traps WHERE address = 'new@example.com'")"
expect_eq "failed import leaves no custody row" "$before" "$(sqlite3 "$C" "SELECT count(*) FROM custody")"

printf 'address\na@example.com\nA@example.com\n' > "$T/dup.csv"
expect_rc "duplicate address fails" 1 wb import "$C" traps "$T/dup.csv"
expect_match "duplicate named" "dup.csv:3: trap 'a@example.com' is listed twice" "$(cat "$T/.err")"
printf 'mailbox,state\nx@example.com,CA\n' > "$T/nocol.csv"
expect_rc "missing address column fails" 1 wb import "$C" traps "$T/nocol.csv"
printf 'address,state\nx@example.com,California\n' > "$T/state.csv"
expect_rc "bad state fails" 1 wb import "$C" traps "$T/state.csv"
printf 'address\n"x@example.com\n' > "$T/quote.csv"
expect_rc "unterminated quote fails" 1 wb import "$C" traps "$T/quote.csv"
expect_match "unterminated quote names the line" "quote.csv:2: unterminated quoted field" "$(cat "$T/.err")"
expect_rc "missing file fails" 1 wb import "$C" traps "$T/none.csv"
expect_match "missing file named" "cannot read '.*none.csv'" "$(cat "$T/.err")"
expect_rc "unknown import kind is a usage error" 2 wb import "$C" widgets "$T/traps.csv"
t_done
