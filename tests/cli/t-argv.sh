#!/bin/sh
# The command line as GNU programs take it: options before and after CASE,
# 'workbench CASE COMMAND ...', "did you mean" for an unknown command, one
# error line and a hint for a bad option, and no option read from an
# abbreviation of another.
. "$WB_ROOT/tests/lib.sh"
C=$T/c.case
wb init "$C" >/dev/null
sqlite3 "$C" <<'SQL'
INSERT INTO traps(id, address, state, timezone) VALUES (1, 'a@trap.test', 'CA', 'America/Los_Angeles');
INSERT INTO raw(id, sha256, size, bytes) VALUES (1, 'aa', 1, x'00'), (2, 'bb', 1, x'00'), (3, 'cc', 1, x'00');
INSERT INTO messages(id, sha256, raw_id, trap_id, status, subject, local_day, received_from)
 VALUES (1, 'aa', 1, 1, 'ok', 'one', '2008-01-01', 'date'), (2, 'bb', 2, 1, 'ok', 'two', '2008-01-02', 'date'),
        (3, 'cc', 3, 1, 'ok', 'three', '2008-01-03', 'date');
SQL
ids () { wb "$@" | tail -n +2 | cut -d, -f1 | tr '\n' ' '; }
# Three copies, 1 2 3: --limit 2 keeps the first two wherever it stands.
expect_eq "options after CASE" "1 2 " "$(ids messages "$C" --limit 2 --format csv)"
expect_eq "options before CASE" "1 2 " "$(ids messages --limit 2 --format csv "$C")"
expect_eq "options on both sides" "1 2 " "$(ids messages --limit 2 "$C" --format=csv)"
expect_eq "CASE COMMAND" "1 2 " "$(ids "$C" messages --limit 2 --format csv)"
expect_rc "an option's value is not CASE" 2 wb messages --limit 2
expect_eq "no case: one error" "error: 'messages' needs a case file" "$(head -n 1 "$T/.err")"
expect_rc "init with --name before CASE" 0 wb init --name "People v. X" "$T/n.case"
expect_eq "the name is kept" "People v. X" "$(sqlite3 "$T/n.case" "SELECT value FROM case_info WHERE key = 'name'")"

expect_rc "unknown command" 2 wb mesages "$C"
expect_eq "did you mean" "error: unknown command 'mesages'
hint: did you mean 'messages'?" "$(cat "$T/.err")"
expect_rc "unknown command after CASE" 2 wb "$C" sumary
expect_eq "did you mean, after CASE" "error: unknown command 'sumary'
hint: did you mean 'summary'?" "$(cat "$T/.err")"

expect_rc "help for an unknown command" 2 wb help mesages
expect_eq "did you mean, in help" "error: unknown command 'mesages'
hint: did you mean 'messages'?" "$(cat "$T/.err")"
expect_match "CASE help COMMAND" "^usage: workbench why CASE COPY" "$(wb "$C" help why)"
expect_match "help shows CASE COMMAND" "workbench CASE COMMAND" "$(wb help)"

expect_rc "bad option" 2 wb messages "$C" --bogus
expect_eq "one error line and a hint" "error: 'messages' has no option '--bogus'
hint: see 'workbench help messages'" "$(cat "$T/.err")"
expect_rc "missing value" 2 wb messages "$C" --limit
expect_eq "names the option" "error: option '--limit' needs a value
hint: see 'workbench help messages'" "$(cat "$T/.err")"
expect_rc "value for a flag" 2 wb shell "$C" --bail=yes
expect_eq "takes no value" "error: option '--bail' takes no value
hint: see 'workbench help shell'" "$(cat "$T/.err")"
# getopt_long would read --statute as --statutes (a unique prefix), and
# then take X as the statute folder.
expect_rc "an abbreviation is refused" 2 wb statutes "$C" --statute X
expect_eq "and named" "error: 'statutes' has no option '--statute' (did you mean '--statutes'?)
hint: see 'workbench help statutes'" "$(cat "$T/.err")"
expect_rc "abbreviated --format" 2 wb summary "$C" --form json
expect_match "refused too" "^error: 'summary' has no option '--form'" "$(cat "$T/.err")"
t_done
