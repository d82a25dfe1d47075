#!/bin/sh
# init, summary, sql, custody and the command-line contract.
. "$WB_ROOT/tests/lib.sh"

expect_rc "init creates a case" 0 wb init "$T/c.case" --name "Doe v. Spam" --filed 2008-05-01
expect_rc "init refuses an existing file" 1 wb init "$T/c.case"
expect_rc "init rejects a bad date" 2 wb init "$T/d.case" --filed 2008-02-30
expect_eq "a failed init leaves no file" "no" "$([ -e "$T/d.case" ] && echo yes || echo no)"
expect_eq "case name stored" "Doe v. Spam" "$(wb sql "$T/c.case" "SELECT value FROM case_info WHERE key='name'" --format csv | tail -n 1)"
# init: a begin row, one 'statute' row per built-in statute file (their
# names and SHA-256), an end row.
nstat=$(ls "$WB_ROOT"/templates/statutes/*.ini | wc -l)
expect_eq "custody has begin, the statutes and end of init" "begin,init
$(yes statute,init | head -n "$nstat")
end,init" "$(wb sql "$T/c.case" "SELECT action, command FROM custody ORDER BY id" --format csv | tail -n +2)"
expect_eq "statute custody rows carry each file's SHA-256" "$nstat" \
	"$(for f in "$WB_ROOT"/templates/statutes/*.ini; do h=$(sha256sum "$f" | cut -c1-64); wb sql "$T/c.case" "SELECT count(*) FROM custody WHERE action = 'statute' AND detail LIKE '%$h%'" --format csv | tail -n 1; done | awk '{ s += $1 } END { print s }')"
expect_rc "sql refuses writes" 1 wb sql "$T/c.case" "DELETE FROM custody"
expect_match "sql write refusal says why" "refusing to run a statement that writes" "$(cat "$T/.err")"
expect_rc "sql reports bad SQL" 1 wb sql "$T/c.case" "SELEC 1"
expect_eq "json output" '[
  {"n": 1, "s": "a\"b"}
]' "$(wb sql "$T/c.case" "SELECT 1 AS n, 'a\"b' AS s" --format json)"
expect_eq "csv quoting" 'x
"a,b"' "$(wb sql "$T/c.case" "SELECT 'a,b' AS x" --format csv)"
expect_rc "missing case file" 1 wb summary "$T/none.case"
expect_match "missing case hint" "workbench init" "$(cat "$T/.err")"
expect_rc "unknown command" 2 wb frobnicate "$T/c.case"
expect_rc "help works without a case" 0 wb damages --help
expect_match "help prints the usage" "usage: workbench damages CASE" "$(cat "$T/.out")"
expect_rc "version" 0 wb --version
# Regression: an unknown --format was reported and then ignored (exit 0).
for cmd in summary clusters parties links artifacts; do
	expect_rc "$cmd --format xml is a usage error" 2 wb $cmd "$T/c.case" --format xml
done
expect_match "and names the format" "unknown format 'xml'" "$(cat "$T/.err")"
# Output that cannot be written (disk full) is an error, not silence.
wb sql "$T/c.case" "SELECT 1" > /dev/full 2> "$T/full.err"
expect_eq "writing to a full disk fails" "1" "$?"
expect_match "and says so" "cannot write output: No space left on device" "$(cat "$T/full.err")"
echo "not a case" > "$T/junk"
expect_rc "not a case file" 1 wb summary "$T/junk"
expect_match "not a case file message" "not a workbench case file" "$(cat "$T/.err")"
chmod 444 "$T/c.case"
expect_rc "read-only case refused for writing" 1 wb ingest "$T/c.case" /dev/null
expect_match "read-only message names the case" "case '.*c.case' is read-only" "$(cat "$T/.err")"
expect_rc "read-only case still readable" 0 wb summary "$T/c.case"
t_done
