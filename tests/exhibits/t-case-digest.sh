#!/bin/sh
# The case digest a report shows: the other side recomputes it with the
# sqlite3 shell and sha256sum alone, from the SQL reports/README.md quotes
# (this test runs that very text, so the README and the tool cannot part);
# it still matches after read-only commands and verify; an 'import findings'
# or a 'finding' changes it, and verify says so and what ran.
. "$WB_ROOT/tests/lib.sh"
_t_dir=exhibits

command -v sqlite3 > /dev/null || { skip "case digest" "the sqlite3 shell is not installed"; t_done; exit; }
C="$T/c.case"
wb init "$C" --name "Doe v. Spam & Co" --filed 2008-05-01 > /dev/null
python3 "$WB_ROOT/tests/gen/report-case.py" "$C" --findings "$T/f.csv"
wb import "$C" findings "$T/f.csv" > /dev/null
expect_rc "report runs" 0 wb report "$C" --out "$T/o1"

# The SQL exactly as the README gives it, and the command it gives.
readme_digest_sql > "$T/digest.sql"
expect_eq "(the README's SQL was found)" "14" "$(grep -c '^SELECT ' "$T/digest.sql")"
# The report's run, from the custody log: the run of its 'exhibit' row.
run=$(sqlite3 "$C" "SELECT run FROM custody WHERE action = 'exhibit'")
digest () {
	sqlite3 -readonly "$C" ".parameter set :run $run" ".read $T/digest.sql" | sha256sum | cut -c1-64
}
want=$(digest)
expect_match "(a digest)" "^[0-9a-f]{64}$" "$want"
expect_eq "the manifest names the digest and the run" "# case digest $want before run $run" \
	"$(head -n 1 "$T/o1/manifest.txt")"
expect_match "the run's end row records it" "case digest $want\$" \
	"$(sqlite3 "$C" "SELECT detail FROM custody WHERE run = $run AND action = 'end'")"
if command -v pdftotext > /dev/null; then
	cover=$(pdftotext -f 1 -l 1 "$T/o1/report.pdf" - | tr -d ' \n')
	expect_match "the cover shows the digest and the run" "Casedigest$want\(.*beforerun$run," "$cover"
	# The method prints the command and the SQL: as the PDF's text, they
	# give the digest too.
	pdftotext "$T/o1/report.pdf" - > "$T/pdf.txt"
	expect_eq "the method gives the command for this run" \
		"sqlite3 -readonly CASE.case \".parameter set :run $run\" \".read digest.sql\" | sha256sum" \
		"$(grep '^sqlite3 -readonly' "$T/pdf.txt")"
	sed -n '/^sqlite3 -readonly CASE.case/,/custody WHERE id < :run ORDER BY id;$/p' "$T/pdf.txt" |
		grep -v 'report\.pdf\|^Page [0-9]* of [0-9]*$\|^$\|^sqlite3' > "$T/pdf.sql"
	expect_eq "the SQL as the PDF prints it gives the digest" "$want" \
		"$(sqlite3 -readonly "$C" ".parameter set :run $run" ".read $T/pdf.sql" | sha256sum | cut -c1-64)"
else
	skip "the cover" "pdftotext not installed"
fi

# The dump leaves out the report's own rows: the same digest before and
# after them, and the bytes of the evidence stand in it by their SHA-256.
expect_eq "custody from the report's run on is left out" "$want" \
	"$(sqlite3 -readonly "$C" "SELECT 1 FROM custody WHERE id >= $run LIMIT 1" > /dev/null && digest)"
expect_match "a copy's SHA-256 is in the dump" \
	"^raw:$(printf "1,'%s',%s,%s" "$(sqlite3 "$C" "SELECT sha256 FROM raw WHERE id = 1")" \
		"$(sqlite3 "$C" "SELECT size FROM raw WHERE id = 1")" \
		"$(sqlite3 "$C" "SELECT length(bytes) FROM raw WHERE id = 1")" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)\$" \
	"$(sqlite3 -readonly "$C" ".parameter set :run $run" ".read $T/digest.sql")"

# Read-only commands and verify leave it as it was.
for c in summary messages statutes damages parties log verify artifacts; do
	wb "$c" "$C" > /dev/null 2>&1
done
wb show "$C" 1 > /dev/null 2>&1
wb why "$C" 1 > /dev/null 2>&1
expect_eq "the sqlite3 shell gives the same digest after them" "$want" "$(digest)"
expect_rc "verify: the case still matches the exhibits" 0 wb verify "$C" --exhibits "$T/o1"
expect_eq "and says so" "OK: case digest $want before run $run still matches the exhibits" \
	"$(tail -n 1 "$T/.out")"
expect_rc "verify again, after its own rows" 0 wb verify "$C" --exhibits "$T/o1"

# An analyst's finding changes it.
cp "$C" "$T/before.case"
cp "$C" "$T/untouched.case"
expect_rc "a finding" 0 wb finding "$C" 2 ca-17529.5 '(a)(2)' no-violation --note "on reflection"
frun=$(sqlite3 "$C" "SELECT max(run) FROM custody WHERE command = 'finding'")
now=$(digest)
expect_eq "(the digest changed)" "no" "$([ "$now" = "$want" ] && echo yes || echo no)"
expect_rc "verify fails after a finding" 1 wb verify "$C" --exhibits "$T/o1"
expect_eq "naming both digests" \
	"MISMATCH case digest: the exhibits of report run $run show $want, the case now gives $now" \
	"$(grep '^MISMATCH' "$T/.out")"
expect_match "and the run that changed it" \
	"^  changed since by run $frun at [0-9T:Z-]+: finding: .*finding .* no-violation" "$(cat "$T/.out")"
expect_match "the error says what it means" \
	"error: the case no longer holds what the exhibits of 1 report\(s\) were made from" "$(cat "$T/.err")"
expect_match "the exhibit files themselves still match" "^OK: [0-9]+ exhibit files in '$T/o1' match" \
	"$(cat "$T/.out")"

# So does an import of findings, into the case as it was.
C="$T/before.case"
printf 'message,statute,provision,finding,note\nmsg2@spam.example,ca-17529.5,(a)(2),violation,seen\n' > "$T/g.csv"
expect_rc "import findings" 0 wb import "$C" findings "$T/g.csv"
irun=$(sqlite3 "$C" "SELECT max(run) FROM custody WHERE command = 'import'")
expect_rc "verify fails after an import" 1 wb verify "$C" --exhibits "$T/o1"
expect_eq "naming the digest the sqlite3 shell gives now" \
	"MISMATCH case digest: the exhibits of report run $run show $want, the case now gives $(digest)" \
	"$(grep '^MISMATCH' "$T/.out")"
expect_match "and the import" "^  changed since by run $irun at [0-9T:Z-]+: import: .*findings" "$(cat "$T/.out")"

# A change made outside workbench is found, with no run to name.
C="$T/untouched.case"
sqlite3 "$C" "UPDATE traps SET holder = 'Someone Else' WHERE id = (SELECT min(id) FROM traps)"
expect_rc "verify fails after a change behind the tool's back" 1 wb verify "$C" --exhibits "$T/o1"
expect_match "said as such" "changed outside workbench" "$(cat "$T/.out")"
t_done
