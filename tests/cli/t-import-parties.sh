#!/bin/sh
# import parties: importing a roster again updates each party in place by
# name (same id), says what changed and logs old -> new in custody; a name
# listed twice in one file and an unknown column are refused with file,
# line and column.
. "$WB_ROOT/tests/lib.sh"

C="$T/p.case"
wb init "$C" > /dev/null
q () { wb sql "$C" "$1" --format csv | tail -n +2; }
# 11 values: Acme's name, e-mail and phone; PureCash's name, e-mail, phone
# and notes; Imatrix's name, two e-mails and phone (empty cells are none).
cat > "$T/parties.csv" <<'CSV'
name,role,email,phone,notes
Acme Pharmacy Inc,advertiser,legal@acmepills.test,+1 415 555 0142,
PureCash LLC,affiliate,pc@purecash.test,206-555-0100,signed 2006-03-01
Imatrix Ltd,affiliate,admin@imatrix.test;ops@imatrix.test,206-555-0100,
CSV
expect_rc "first import" 0 wb import "$C" parties "$T/parties.csv"
expect_match "three added" "Imported 3 parties with 11 values from '.*': 3 added, 0 updated, 0 unchanged" "$(cat "$T/.out")"

# The same file again: nothing added, nothing changed (it made 6 parties).
expect_rc "again" 0 wb import "$C" parties "$T/parties.csv"
expect_match "three unchanged" ": 0 added, 0 updated, 3 unchanged" "$(cat "$T/.out")"
expect_eq "still 3 parties" "3" "$(q "SELECT count(*) FROM parties")"
expect_eq "still 11 values" "11" "$(q "SELECT count(*) FROM party_attributes")"

# PureCash's phone and role change, Imatrix loses an address, a new party
# comes; the ids stay and each change is said, old -> new.
cat > "$T/parties2.csv" <<'CSV'
name,role,email,phone,notes
Acme Pharmacy Inc,advertiser,legal@acmepills.test,+1 415 555 0142,
Imatrix Ltd,affiliate,admin@imatrix.test,206-555-0100,
PureCash LLC,advertiser,pc@purecash.test,206-555-0199,signed 2006-03-01
Northwind Media,sender,,,
CSV
expect_rc "changed roster" 0 wb import "$C" parties "$T/parties2.csv"
out=$(cat "$T/.out")
expect_match "counts" ": 1 added, 2 updated, 1 unchanged" "$out"
expect_match "PureCash's changes" "updated 'PureCash LLC' \(party 2\): role 'affiliate' -> 'advertiser', phone '206-555-0100' -> '206-555-0199'" "$out"
expect_match "Imatrix's e-mail" "updated 'Imatrix Ltd' \(party 3\): email 'admin@imatrix.test; ops@imatrix.test' -> 'admin@imatrix.test'" "$out"
expect_eq "ids kept, one added" "1 Acme Pharmacy Inc|2 PureCash LLC|3 Imatrix Ltd|4 Northwind Media" \
	"$(q "SELECT group_concat(id || ' ' || name, '|') FROM (SELECT id, name FROM parties ORDER BY id)")"
expect_eq "new phone stored" "206-555-0199" "$(q "SELECT raw FROM party_attributes WHERE party = 2 AND kind = 'phone'")"
expect_eq "one e-mail left" "1" "$(q "SELECT count(*) FROM party_attributes WHERE party = 3 AND kind = 'email'")"
expect_eq "source follows the file" "parties2.csv:4" "$(q "SELECT source FROM parties WHERE id = 2")"
expect_match "custody has old -> new" "party 2 'PureCash LLC': role 'affiliate' -> 'advertiser', phone '206-555-0100' -> '206-555-0199'" \
	"$(q "SELECT detail FROM custody WHERE action = 'import' ORDER BY id DESC LIMIT 1")"

# A name twice in one file (any case): refused, naming both lines.
n=$(q "SELECT count(*) FROM party_attributes")
printf 'name,role\nGood Co,sender\nPureCash LLC,affiliate\npurecash llc,affiliate\n' > "$T/dup.csv"
expect_rc "duplicate name" 1 wb import "$C" parties "$T/dup.csv"
expect_match "file, line, first line" "dup.csv:4: party 'purecash llc' is listed twice \(first on line 3\)" "$(cat "$T/.err")"
expect_eq "nothing imported" "4 $n" "$(q "SELECT count(*) FROM parties") $(q "SELECT count(*) FROM party_attributes")"

# An unknown column (a typo) is refused, not kept as a value.
printf 'name,role,emial\nGood Co,sender,a@good.test\n' > "$T/typo.csv"
expect_rc "unknown column" 1 wb import "$C" parties "$T/typo.csv"
expect_match "names file, line and column" "typo.csv:1: unknown column 'emial' \(column 3\)" "$(cat "$T/.err")"
expect_match "lists the columns" "hint: the columns of a parties roster are name, contact, email" "$(cat "$T/.err")"
expect_eq "still nothing imported" "4" "$(q "SELECT count(*) FROM parties")"
t_done
