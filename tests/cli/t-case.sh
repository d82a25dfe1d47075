#!/bin/sh
# case CASE [set KEY=VALUE...]: the case's metadata (name, filed, court,
# number, caption, expert), shown, set several at once, each change logged
# in custody old -> new; summary shows them.
. "$WB_ROOT/tests/lib.sh"

C="$T/c.case"
export WB_OPERATOR=analyst1
wb init "$C" --name "People v. Spam" --filed 2008-09-01 > /dev/null

expect_rc "show" 0 wb case "$C" --format json
expect_eq "show: what init set, the rest null" \
	"People v. Spam|2008-09-01|None|None|None|None" \
	"$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("|".join(str(d[k]) for k in ("name", "filed", "court", "number", "caption", "expert")))' "$T/.out")"

expect_rc "set several" 0 wb case "$C" set filed=2008-10-15 "court=Superior Court of California" \
	number=CGC-08-123 "caption=People v. Spam Senders" "expert=Dr. A. Witness"
expect_eq "each change said, old -> new" \
	"filed: '2008-09-01' -> '2008-10-15'
court: (not set) -> 'Superior Court of California'
number: (not set) -> 'CGC-08-123'
caption: (not set) -> 'People v. Spam Senders'
expert: (not set) -> 'Dr. A. Witness'" "$(cat "$T/.out")"
expect_eq "stored in case_info" \
	"caption|People v. Spam Senders
court|Superior Court of California
expert|Dr. A. Witness
filed|2008-10-15
number|CGC-08-123" \
	"$(python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for k, v in db.execute("SELECT key, value FROM case_info WHERE key IN"
                       " (\"filed\", \"court\", \"number\", \"caption\", \"expert\") ORDER BY key"):
    print(k + "|" + v)' "$C")"
expect_eq "custody: one run, its row with old -> new" \
	"case|analyst1|filed: '2008-09-01' -> '2008-10-15'; court: (not set) -> 'Superior Court of California'; number: (not set) -> 'CGC-08-123'; caption: (not set) -> 'People v. Spam Senders'; expert: (not set) -> 'Dr. A. Witness'" \
	"$(python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for r in db.execute("SELECT command, operator, detail FROM custody WHERE action = \"case\""):
    print("|".join(r))' "$C")"

expect_rc "summary shows them" 0 wb summary "$C" --format json
expect_eq "summary: the metadata" "2008-10-15|Superior Court of California|CGC-08-123|People v. Spam Senders|Dr. A. Witness" \
	"$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("|".join(d[k] for k in ("filed", "court", "number", "caption", "expert")))' "$T/.out")"

# Refusals: nothing is written by a command that is refused, even for the
# pairs before the bad one.
before=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM custody").fetchone()[0])' "$C")
expect_rc "unknown key" 2 wb case "$C" set court=X judge=Y
expect_eq "unknown key: named, with the valid keys" \
	"error: unknown case key 'judge'
hint: the keys are name, filed, court, number, caption, expert, raw_codec" "$(cat "$T/.err")"
# 2009 is not a leap year (2009 mod 4 = 1); 2008 is.
expect_rc "filed: not a real day" 2 wb case "$C" set court=X filed=2009-02-29
expect_eq "filed: said" "error: filed '2009-02-29' is not a date (YYYY-MM-DD)" "$(cat "$T/.err")"
expect_rc "filed: month 13" 2 wb case "$C" set filed=2008-13-01
expect_rc "filed: not ISO" 2 wb case "$C" set filed=10/15/2008
expect_rc "not KEY=VALUE" 2 wb case "$C" set court
expect_rc "no pairs" 2 wb case "$C" set
expect_eq "nothing written by refusals" "$before" \
	"$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM custody").fetchone()[0])' "$C")"
expect_eq "court unchanged" "Superior Court of California" \
	"$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT value FROM case_info WHERE key=\"court\"").fetchone()[0])' "$C")"

expect_rc "leap day accepted" 0 wb case "$C" set filed=2008-02-29
expect_rc "unset with an empty value" 0 wb case "$C" set expert=
expect_eq "unset said" "expert: 'Dr. A. Witness' -> (not set)" "$(cat "$T/.out")"
expect_rc "same value again" 0 wb case "$C" set court="Superior Court of California"
expect_eq "nothing changed: no custody run" "$((before + 6))" \
	"$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM custody").fetchone()[0])' "$C")"

# A frozen case (no write permission) still shows its metadata.
chmod a-w "$C"
expect_rc "frozen: show" 0 wb case "$C"
expect_match "frozen: text shows filed" "filed = 2008-02-29" "$(cat "$T/.out")"
expect_rc "frozen: set refused" 1 wb case "$C" set court=Y
chmod u+w "$C"
expect_eq "no lock file left" "" "$(ls "$T" | grep lock)"

t_done
