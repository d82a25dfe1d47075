#!/bin/sh
# The shell reading a script (standard input not a terminal): no prompt or
# banner, each line run as on the command line, errors with "line N:" and a
# caret under the bad word, --bail, and the exit status.
. "$WB_ROOT/tests/lib.sh"
E="$WB_ROOT/tests/cli/expected"
cd "$T" || exit 1

wb init c.case --name "Doe v. Spam" --filed 2008-05-01 > /dev/null

# A script with one line of each kind; every output line is checked against
# the expected files (stdout and stderr apart, so buffering cannot reorder).
cat > basic.wb <<'SCRIPT'
# A comment, then a blank line.

SELECT 1 AS n, 'a b' AS s;
.mode csv
sql "SELECT key, value FROM case_info WHERE key IN ('name', 'filed') ORDER BY key"
SELECT 2 AS n,
       'two lines' AS s;
.mode json
SELECT 3 AS n;
.mode line
SELECT 'x' AS a, 10 AS bb;
.mode table
sumary
SELECT m FROM (SELECT 1 AS n);
DELETE FROM custody;
.timer sometimes
sql "SELECT 1" --bogus
.read inner.wb
help sql
sql --format xml "SELECT 1"
SCRIPT
cat > inner.wb <<'SCRIPT'
SELECT 'inner' AS w;
explain 'no end
SCRIPT
wb shell c.case < basic.wb > basic.out 2> basic.err
expect_eq "a script with failed lines exits 1" 1 $?
expect_file "script results" "$E/shell-basic.out" basic.out
expect_file "script errors point at the bad word" "$E/shell-basic.err" basic.err

# --bail stops at the first failing line; the lines after it do not run.
printf 'SELECT 1 AS a;\nnosuch\nSELECT 2 AS b;\n' > bail.wb
wb shell c.case --bail < bail.wb > bail.out 2> bail.err
expect_eq "--bail exits 1" 1 $?
expect_eq "--bail stops after the failing line" "a
-
1" "$(cat bail.out)"
expect_eq "--bail names the line" "line 2: nosuch
        ^
error: unknown command 'nosuch'
hint: type .help for the list of commands" "$(cat bail.err)"

# .bail on does the same from inside the script; .quit ends it with success.
printf '.bail on\nSELEC 1;\nSELECT 2;\n' | wb shell c.case > /dev/null 2> bail2.err
expect_eq ".bail on exits 1" 1 $?
expect_eq ".bail on: one error, then stop" 1 "$(grep -c '^error:' bail2.err)"
printf 'SELECT 1 AS a;\n.quit\nnosuch\n' | wb shell c.case > quit.out 2> quit.err
expect_eq ".quit: success, nothing after it runs" "0 0" "$? $(wc -c < quit.err)"

# A clean script exits 0; 'workbench CASE' with a script is the same shell.
printf 'SELECT count(*) AS n FROM custody WHERE command = %s AND action <> %s;\n' "'init'" "'statute'" > ok.wb
expect_eq "workbench CASE < script" "n
-
2" "$(wb c.case < ok.wb)"
expect_eq "a script without errors exits 0" 0 $?

# .output sends results to a file and back; .case says what is open.
printf '.output res.csv\n.mode csv\nSELECT 1 AS a;\n.output\nSELECT 2 AS b;\n.case\n' |
	wb shell c.case > out.txt 2> out.err
expect_eq ".output file" "a
1" "$(cat res.csv)"
expect_eq ".output back to the screen, .case" "b
2
case    c.case
name    Doe v. Spam
filed   2008-05-01
access  read-write" "$(cat out.txt)"

# Statements that SQLite counts as read-only but that change the session
# are refused too; queries of the schema run.
printf 'PRAGMA foreign_keys=ON;\nPRAGMA cache_size(10);\nBEGIN;\nATTACH %s AS x;\nPRAGMA main.table_info(case_info);\n' \
	"'x.db'" | wb shell c.case > pragma.out 2> pragma.err
expect_eq "setting PRAGMAs, BEGIN and ATTACH refused" "error: refusing to change a setting: only PRAGMAs that read run here
error: refusing to change a setting: only PRAGMAs that read run here
error: only queries run here: SELECT, WITH, EXPLAIN, PRAGMA or VALUES
error: only queries run here: SELECT, WITH, EXPLAIN, PRAGMA or VALUES" "$(grep '^error:' pragma.err)"
# case_info (key TEXT PRIMARY KEY, value TEXT NOT NULL): a TEXT primary key
# may be NULL in SQLite, so notnull is 0 for key and 1 for value.
printf '%-3s  %-5s  %-4s  %-7s  %-10s  %s\n' cid name type notnull dflt_value pk \
	--- ----- ---- ------- ---------- -- > pragma.want
printf '%3s  %-5s  %-4s  %7s  %10s  %2s\n' 0 key TEXT 0 '' 1 1 value TEXT 1 '' 0 >> pragma.want
expect_file "a reading PRAGMA runs" pragma.want pragma.out
expect_eq "ATTACH made no file" "no" "$([ -e x.db ] && echo yes || echo no)"

# .timer reports on standard error; .help lists the dot-commands and views;
# an unknown dot-command gets the closest one.
printf '.timer on\nSELECT 1 AS a;\n.timer off\nSELECT 2 AS b;\n.help\n.mod csv\n' |
	wb shell c.case > timer.out 2> timer.err
expect_match ".timer on reports a time" "^time: real [0-9]+\.[0-9]{3} s, user [0-9.]+ s, sys [0-9.]+ s$" "$(head -n 1 timer.err)"
expect_eq ".timer off stops it" 1 "$(grep -c '^time:' timer.err)"
expect_match ".help lists the views" "v_copies" "$(cat timer.out)"
expect_match ".help lists the dot-commands" "\.mode table\|csv\|json\|line" "$(cat timer.out)"
expect_eq "unknown dot-command" "line 6: .mod csv
        ^
error: unknown dot-command '.mod'
hint: did you mean '.mode'?" "$(tail -n 4 timer.err)"

# The views answer in one short query (an empty case: one trap, no copies).
printf 'SELECT count(*) AS n FROM v_copies;\nSELECT action, command FROM v_custody WHERE action <> '\''statute'\'' ORDER BY id;\n' |
	wb shell c.case > views.out
expect_eq "views exist and read the case" "n
-
0
action  command
------  -------
begin   init
end     init" "$(cat views.out)"

# Writing commands are refused, with the reason, when the case is read-only.
chmod 444 c.case
# (As root too: a case with no write bits is frozen for everyone.)
printf '.case\n' | wb shell c.case > ro.out 2> ro.err
expect_match "a read-only case opens read-only" "access  read-only" "$(cat ro.out)"
expect_rc "shell --write refuses a read-only case" 1 wb shell c.case --write < /dev/null
t_done
