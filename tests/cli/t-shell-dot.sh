#!/bin/sh
# The shell's sqlite3 habits, from a script: .tables and .schema [TABLE]
# checked against sqlite3 itself, an unknown table pointed at (in .schema
# and in SQL), and only
# what can run in the shell offered or run ('init' makes another case).
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
wb init c.case > /dev/null
if ! command -v sqlite3 > /dev/null 2>&1; then
	skip "sqlite3 habits" "sqlite3 is not installed (the oracle)"
	t_done
	exit $?
fi

printf '.tables\n' | wb shell c.case > tables.out 2> tables.err
expect_eq ".tables runs" "" "$(cat tables.err)"
expect_eq ".tables lists every table and view, sorted down the columns" \
	"$(sqlite3 c.case "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite%' ORDER BY name")" \
	"$(awk '{ for (i = 1; i <= NF; i++) w[i, NR] = $i; if (NF > c) c = NF; r = NR }
		END { for (i = 1; i <= c; i++) for (j = 1; j <= r; j++) if ((i, j) in w) print w[i, j] }' tables.out)"
expect_eq ".tables fits 80 columns" "" "$(awk 'length > 80' tables.out)"
expect_eq ".tables PATTERN as LIKE" "$(sqlite3 c.case "SELECT name FROM sqlite_schema WHERE name LIKE 'v\_c%' ESCAPE '\\' ORDER BY name" | tr '\n' ' ')" \
	"$(printf '.tables v_c%%\n' | wb shell c.case | tr -s ' \n' '  ')"

printf '.schema traps\n' | wb shell c.case > schema.out
sqlite3 c.case ".schema traps" > schema.want
expect_file ".schema TABLE as sqlite3 prints it" schema.want schema.out
printf '.schema\n' | wb shell c.case | sort > all.out
# sqlite3's .schema adds a comment after each view; the statements are these.
sqlite3 c.case "SELECT sql || ';' FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite%'" | sort > all.want
expect_file ".schema: every statement" all.want all.out

printf 'SELECT 1 AS n;\n.schema nosuch\n' | wb shell c.case > bad.out 2> bad.err
expect_eq "an unknown table fails the script" 1 $?
expect_eq "and is pointed at" "line 2: .schema nosuch
                ^
error: no table or view 'nosuch' (.tables lists them)" "$(cat bad.err)"

# SQLite gives no offset for an unknown table: the caret still goes under
# it ("line 1: " is 8 columns, "SELECT * FROM " 14 more: column 22).
printf 'SELECT * FROM nosuch;\nSELECT nofunc(1);\n' | wb shell c.case > sql.out 2> sql.err
expect_eq "SQL errors point at the unknown name" "line 1: SELECT * FROM nosuch;
                      ^
error: no such table: nosuch
line 2: SELECT nofunc(1);
               ^
error: no such function: nofunc" "$(cat sql.err)"

printf 'init x.case\n' | wb shell c.case > init.out 2> init.err
expect_eq "init is refused in the shell" 1 $?
expect_match "and says where it runs" "'init' makes a new case: run 'workbench init' outside the shell" "$(cat init.err)"
expect_eq "no case made" "" "$(ls x.case 2> /dev/null)"
printf '.help\n' | wb shell c.case > help.out
expect_eq ".help offers no init nor shell" "" "$(grep -E '^  (init|shell) ' help.out)"
expect_match ".help offers .tables" '^  \.tables ' "$(cat help.out)"
expect_match ".help offers .schema" '^  \.schema ' "$(cat help.out)"
t_done
