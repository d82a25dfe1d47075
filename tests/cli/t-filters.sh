#!/bin/sh
# A filter whose value the case cannot hold is refused, not answered with
# an empty list: --category and --status against their fixed vocabularies
# (evidence/schema.sql), --trap against the case's traps; one error line
# naming the value, one hint listing the valid ones, exit 2.
. "$WB_ROOT/tests/lib.sh"
C=$T/c.case
wb init "$C" >/dev/null
sqlite3 "$C" <<'SQL'
INSERT INTO traps(id, address, state, timezone) VALUES (1, 'a@trap.test', 'CA', 'America/Los_Angeles'), (2, 'b@trap.test', 'CO', 'America/Denver');
INSERT INTO raw(id, sha256, size, bytes) VALUES (1, 'aa', 1, x'00'), (2, 'bb', 1, x'00');
INSERT INTO messages(id, sha256, raw_id, trap_id, status, message_id, subject, local_day, category, received_from)
 VALUES (1, 'aa', 1, 1, 'ok', 'm1@x', 'Cheap pills', '2008-01-01', 'pharmacy', 'received'),
        (2, 'bb', 2, 2, 'malformed', 'm2@x', 'Rates', '2008-01-02', 'mortgage', 'date');
SQL

expect_rc "--category pharma" 2 wb messages "$C" --category pharma
expect_eq "--category: the categories listed" "error: unknown category 'pharma'
hint: a category is one of adult, pharmacy, mortgage, stocks, jobs, 419, phishing, software, other" \
	"$(cat "$T/.err")"
expect_eq "--category: nothing on stdout" "" "$(cat "$T/.out")"
expect_rc "--status Malformed" 2 wb messages "$C" --status Malformed
expect_eq "--status: the statuses listed" "error: unknown status 'Malformed'
hint: a status is one of ok, malformed, unparsed" "$(cat "$T/.err")"
expect_rc "--trap nobody@x.test" 2 wb messages "$C" --trap nobody@x.test
expect_eq "--trap: the case's traps listed" "error: unknown trap 'nobody@x.test'
hint: a trap is one of a@trap.test, b@trap.test" "$(cat "$T/.err")"
expect_rc "why --trap" 2 wb why "$C" m1@x --trap nobody@x.test
expect_match "why --trap: listed" "hint: a trap is one of a@trap.test, b@trap.test" "$(cat "$T/.err")"

# Valid values still filter: a category no copy has yet is an empty list.
expect_eq "--category pharmacy" "1" "$(wb messages "$C" --category pharmacy --format csv | tail -n +2 | cut -d, -f1)"
expect_rc "--category stocks: valid, matches none" 0 wb messages "$C" --category stocks
expect_eq "--status malformed" "2" "$(wb messages "$C" --status malformed --format csv | tail -n +2 | cut -d, -f1)"
expect_eq "--trap ignores case" "2" "$(wb messages "$C" --trap B@Trap.TEST --format csv | tail -n +2 | cut -d, -f1)"

# A case with no traps says so.
E=$T/e.case
wb init "$E" >/dev/null
expect_rc "no traps" 2 wb messages "$E" --trap a@trap.test
expect_eq "no traps: said" "error: unknown trap 'a@trap.test'
hint: the case has no traps" "$(cat "$T/.err")"
t_done
