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
# update.csv has no holder, provider or provider_state column: those are
# emptied, and every change is said old -> new and kept in custody.
expect_eq "update counts and changes" "0 traps added, 1 updated
  updated 'trap1@example.com': holder 'Doe, Jane' -> '', state 'CA' -> 'AZ', provider 'BigMail' -> '', provider_state 'CA' -> '', timezone 'America/Los_Angeles' -> 'America/Phoenix'" "$(cat "$T/.out")"
expect_match "custody has old -> new" "1 updated, 0 unchanged; 'trap1@example.com': holder 'Doe, Jane' -> '', state 'CA' -> 'AZ'" \
	"$(sqlite3 "$C" "SELECT detail FROM custody WHERE action = 'import' ORDER BY id DESC LIMIT 1")"
expect_rc "same file again" 0 wb import "$C" traps "$T/update.csv"
expect_eq "nothing changed" "0 traps added, 0 updated, 1 unchanged" "$(cat "$T/.out")"
expect_eq "updated row" "AZ|America/Phoenix" "$(sqlite3 "$C" "SELECT state, timezone FROM traps WHERE address = 'trap1@example.com'")"

before=$(sqlite3 "$C" "SELECT count(*) FROM custody")
printf 'address,timezone\nnew@example.com,UTC\nbad@example.com,Mars/Olympus\n' > "$T/badtz.csv"
expect_rc "unknown time zone fails" 1 wb import "$C" traps "$T/badtz.csv"
expect_match "error names file, line and zone" "badtz.csv:3: column 2 \\(timezone\\): unknown time zone 'Mars/Olympus'" "$(cat "$T/.err")"
expect_eq "failed import leaves no trap" "0" "$(sqlite3 "$C" "SELECT count(*) FROM traps WHERE address = 'new@example.com'")"
expect_eq "failed import leaves no custody row" "$before" "$(sqlite3 "$C" "SELECT count(*) FROM custody")"

printf 'address,timezone\na@example.com,UTC\nA@example.com,UTC\n' > "$T/dup.csv"
expect_rc "duplicate address fails" 1 wb import "$C" traps "$T/dup.csv"
expect_match "duplicate named" "dup.csv:3: trap 'a@example.com' is listed twice" "$(cat "$T/.err")"
printf 'mailbox,state\nx@example.com,CA\n' > "$T/nocol.csv"
expect_rc "missing address column fails" 1 wb import "$C" traps "$T/nocol.csv"
printf 'address,state,timezone\nx@example.com,California,UTC\n' > "$T/state.csv"
expect_rc "bad state fails" 1 wb import "$C" traps "$T/state.csv"
expect_match "bad state named" "state.csv:2: column 2 \(state\): 'California' is not a US state code" "$(cat "$T/.err")"
printf 'address,timezone\n"x@example.com\n' > "$T/quote.csv"
expect_rc "unterminated quote fails" 1 wb import "$C" traps "$T/quote.csv"
expect_match "unterminated quote names the line" "quote.csv:2: unterminated quoted field" "$(cat "$T/.err")"

# Nothing falls back to UTC or to no state in silence: a typo in the
# header, a missing time zone column or cell, an offset for a zone, and a
# state code that is no state are refused with file, line and column.
printf 'address,holder,state,provider,provider_state,timzone\nx@example.com,X,CA,P,CA,America/Los_Angeles\n' > "$T/typo.csv"
expect_rc "header typo" 1 wb import "$C" traps "$T/typo.csv"
expect_match "unknown column named" "typo.csv:1: unknown column 'timzone' \(column 6\)" "$(cat "$T/.err")"
printf 'address,state\nx@example.com,CA\n' > "$T/notz.csv"
expect_rc "no timezone column" 1 wb import "$C" traps "$T/notz.csv"
expect_match "says it is needed" "notz.csv:1: no 'timezone' column: each trap needs its time zone" "$(cat "$T/.err")"
printf 'address,timezone,state\nx@example.com,UTC,CA\ny@example.com,,CA\n' > "$T/blank.csv"
expect_rc "blank time zone" 1 wb import "$C" traps "$T/blank.csv"
expect_match "line and column" "blank.csv:3: column 2 \(timezone\) is empty" "$(cat "$T/.err")"
printf 'address,timezone\nx@example.com,+01:00\n' > "$T/offset.csv"
expect_rc "an offset is not a zone" 1 wb import "$C" traps "$T/offset.csv"
expect_match "unknown zone" "offset.csv:2: column 2 \(timezone\): unknown time zone '\+01:00'" "$(cat "$T/.err")"
printf 'address,timezone,provider_state\nx@example.com,UTC,ZZ\n' > "$T/zz.csv"
expect_rc "state ZZ" 1 wb import "$C" traps "$T/zz.csv"
expect_match "ZZ named" "zz.csv:2: column 3 \(provider_state\): 'ZZ' is not a US state code" "$(cat "$T/.err")"
expect_eq "none of them stored" "0" "$(sqlite3 "$C" "SELECT count(*) FROM traps WHERE address = 'x@example.com'")"

# A trap no state statute reaches is said, by line.  Colorado needs the
# holder AND the provider in CO (nexus_rule=all); California and Arizona
# reach a resident holder; Arkansas and Arizona a provider in the state.
# So CO with a CA provider, WA and no state at all are reached by none;
# a CA holder, and an AZ provider (Arizona), are.
printf 'address,state,provider_state,timezone\nco@example.com,CO,CA,America/Denver\nwa@example.com,WA,WA,America/Los_Angeles\nca@example.com,CA,WA,America/Los_Angeles\nnone@example.com,,,UTC\naz@example.com,WA,AZ,America/Phoenix\n' > "$T/reach.csv"
expect_rc "import with unreached traps" 0 wb import "$C" traps "$T/reach.csv"
expect_eq "one warning a trap no state statute reaches" "warning: $T/reach.csv:2: no state statute reaches trap 'co@example.com' (holder in CO, provider in CA): only federal law counts its copies
warning: $T/reach.csv:3: no state statute reaches trap 'wa@example.com' (holder in WA, provider in WA): only federal law counts its copies
warning: $T/reach.csv:5: no state statute reaches trap 'none@example.com' (holder in no state given, provider in no state given): only federal law counts its copies" "$(cat "$T/.err")"
expect_rc "missing file fails" 1 wb import "$C" traps "$T/none.csv"
expect_match "missing file named" "cannot read '.*none.csv'" "$(cat "$T/.err")"
expect_rc "unknown import kind is a usage error" 2 wb import "$C" widgets "$T/traps.csv"
t_done
