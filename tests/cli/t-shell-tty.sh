#!/bin/sh
# A real session through a pseudo-terminal (tmux): the banner, completion of
# a command and of a statute id, history recall, a query's table, errors with
# their caret under the typed word, Ctrl-C at the prompt and during a long
# query and a long command, Ctrl-D.  Every wait polls the screen with a
# timeout; the tmux server is private to this test and killed at the end.
. "$WB_ROOT/tests/lib.sh"
if ! command -v tmux > /dev/null 2>&1; then
	skip "terminal session" "tmux is not installed"
	t_done
	exit $?
fi
cd "$T" || exit 1
wb init c.case --name "Doe v. Spam" > /dev/null

# A statute id to complete: from the statute files when there are some (the
# shortest prefix no other id shares), else from a statutes table added to
# this test's case.
sid= prefix=
ids=$(ls "$WB_ROOT"/templates/statutes/*.ini 2> /dev/null | sed 's|.*/||; s|\.ini$||')
if [ -n "$ids" ]; then
	sid=$(printf '%s\n' "$ids" | head -n 1)
	k=1
	while [ $k -le ${#sid} ]; do
		prefix=$(printf '%s' "$sid" | cut -c 1-$k)
		n=$(printf '%s\n' "$ids" | awk -v p="$prefix" 'index($0, p) == 1' | wc -l)
		[ "$n" -eq 1 ] && break
		k=$((k + 1))
	done
elif command -v sqlite3 > /dev/null 2>&1 &&
     [ "$(sqlite3 c.case "SELECT count(*) FROM sqlite_master WHERE name = 'statutes'")" = 0 ]; then
	sqlite3 c.case "CREATE TABLE statutes (id TEXT PRIMARY KEY); INSERT INTO statutes VALUES ('zz-only-9.1')"
	sid=zz-only-9.1 prefix=zz-o
fi

S="tmux -L wbtest-$$ -f /dev/null"
trap '$S kill-server 2> /dev/null' EXIT
$S new-session -d -s wb -x 120 -y 40 \
	"env XDG_STATE_HOME='$T/state' PAGER=\"sed s/^/paged:/\" WB_NO_PROGRESS=1 '$WB' c.case; echo EXIT=\$?; sleep 60"

screen () { $S capture-pane -p -S - -t wb; }   # with the scrollback
# wait_for TEXT: poll the screen (up to 30 s: an ASan build on a loaded
# machine is slow; a passing test waits only as long as it must) until a
# line holds TEXT.
wait_for () {
	_i=0
	while [ $_i -lt 300 ]; do
		screen > "$T/screen" 2> /dev/null
		grep -q -F -- "$1" "$T/screen" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
# wait_count TEXT N: until N lines hold TEXT.
wait_count () {
	_i=0
	while [ $_i -lt 300 ]; do
		screen > "$T/screen" 2> /dev/null
		[ "$(grep -c -F -- "$1" "$T/screen")" -ge "$2" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
# The line of the screen after the last line that is exactly TEXT.
line_after () { screen | awk -v t="$1" '$0 == t { getline n; r = n } END { print r }'; }
# The last line of the screen with something on it.
last_line () { screen | awk 'NF { r = $0 } END { print r }'; }
# Ctrl-C until "error: interrupted" shows N times: a Ctrl-C that arrives
# before the query starts is a key for the prompt, not a signal, so try again.
interrupt_until () {
	_j=0
	while [ $_j -lt 5 ]; do
		keys C-c
		_k=0
		while [ $_k -lt 20 ]; do
			screen > "$T/screen" 2> /dev/null
			[ "$(grep -c -F "error: interrupted" "$T/screen")" -ge "$1" ] && return 0
			sleep 0.1
			_k=$((_k + 1))
		done
		_j=$((_j + 1))
	done
	return 1
}
keys () { $S send-keys -t wb "$@"; }
# Literal text (a trailing blank keeps tmux from reading a final ';').
type_text () { $S send-keys -t wb -l "$1"; }
ok_or_fail () { if "$@"; then t_pass "$_what"; else t_fail "$_what" "$(cat "$T/screen")"; fi; }

_what="banner with the case and its counts"
ok_or_fail wait_for "0 copies, 0 traps, 0 parties, 0 findings"
expect_match "banner names the case" "case c.case \(Doe v. Spam\)" "$(cat "$T/screen")"
expect_match "banner points at .help" "\.help" "$(cat "$T/screen")"

# Completion of a command: 'su' is only 'summary'; Tab adds a blank (a '#'
# typed after it shows the blank: the screen capture drops trailing ones).
type_text "su"
keys Tab
type_text "#"
_what="Tab completes a command"
ok_or_fail wait_for "wb> summary #"
keys C-u

# A query's table.
type_text "SELECT 'alpha' AS name, 7 AS n; "
keys Enter
_what="a query prints a table"
ok_or_fail wait_for "alpha  7"
expect_eq "table header" "-----  -" "$(line_after "name   n")"

# A cell wider than the terminal (120 columns) is cut with an ellipsis.
type_text "SELECT 'wide' AS k, printf('%.300c', 'x') AS v; "
keys Enter
_what="a wide table is fitted to the terminal"
ok_or_fail wait_for "wide  xxx"
expect_match "cut with an ellipsis" "^wide  x+…$" "$(grep -F "wide  xxx" "$T/screen")"
expect_eq "within 120 columns" "" "$(grep -F "wide  xxx" "$T/screen" | sed 's/…/./' | awk 'length > 120')"

# Output longer than the screen (40 lines) goes through \$PAGER; the short
# table above did not (its lines have no "paged:").
type_text "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 100) SELECT x FROM c; "
keys Enter
_what="long output goes through the pager"
ok_or_fail wait_for "paged:100"
expect_eq "the pager gets the whole table, header first" "paged:---" "$(line_after "paged:x")"

# A command through the table, then recalled with the up arrow.
type_text "sql \"SELECT 40+2 AS answer\""
keys Enter
_what="a command runs"
ok_or_fail wait_for "    42"
keys Up
_what="up arrow recalls the last line"
ok_or_fail wait_count "wb> sql \"SELECT 40+2 AS answer\"" 2
expect_eq "the recalled line is at the prompt" "wb> sql \"SELECT 40+2 AS answer\"" "$(last_line)"
keys Enter
_what="the recalled line runs again"
ok_or_fail wait_count "    42" 2
expect_match "history is kept per user" "40\+2" "$(cat "$T/state/workbench/history" 2> /dev/null)"

# Completion of a statute id.
if [ -n "$sid" ]; then
	type_text "damages --statute $prefix"
	keys Tab
	type_text "#"
	_what="Tab completes a statute id ($prefix -> $sid)"
	ok_or_fail wait_for "wb> damages --statute $sid #"
	# Ctrl-C at the prompt throws the line away.
	keys C-c
	_what="Ctrl-C at the prompt clears the line"
	ok_or_fail wait_for "wb> damages --statute $sid #^C"
	expect_eq "a fresh prompt after Ctrl-C" "wb>" "$(last_line)"
else
	skip "statute id completion" "no statute files and no sqlite3 to add a statutes table"
fi

# Errors point at the word on the typed line (prompt 'wb> ' is 4 columns).
type_text "sumary"
keys Enter
_what="unknown command"
ok_or_fail wait_for "hint: did you mean 'summary'?"
expect_eq "caret under the unknown command" "    ^" "$(line_after "wb> sumary")"
type_text "SELECT nope FROM traps; "
keys Enter
_what="SQL error"
ok_or_fail wait_for "error: no such column: nope"
expect_eq "caret under the bad column" "           ^" "$(line_after "wb> SELECT nope FROM traps;")"

# Ctrl-C stops a long query and a long command; the session goes on.
type_text "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c; "
keys Enter
sleep 0.3
_what="Ctrl-C stops a long query"
ok_or_fail interrupt_until 1
type_text "sql \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT max(x) FROM c\""
keys Enter
sleep 0.3
_what="Ctrl-C stops a long command"
ok_or_fail interrupt_until 2
type_text "SELECT 'still here' AS w; "
keys Enter
_what="the session goes on after Ctrl-C"
ok_or_fail wait_for "still here"

# Ctrl-D with half a statement typed warns and stays; again, it leaves
# without running it.
type_text "SELECT 'never run' AS w"
keys Enter
_what="a statement continues on the next line"
ok_or_fail wait_for "...>"
keys C-d
_what="Ctrl-D warns before dropping half a statement"
ok_or_fail wait_for "warning: a statement is not finished (end it with ';'); Ctrl-D again leaves without running it"
expect_eq "and the session stays" "" "$(grep -F "EXIT=" "$T/screen")"
# Ctrl-D leaves; lines failed above, yet leaving a session at the terminal
# is success, as in sqlite3 and psql.
keys C-d
_what="Ctrl-D leaves the shell"
ok_or_fail wait_for "EXIT="
expect_match "exit status 0 after failed lines" "EXIT=0" "$(cat "$T/screen")"
# Had it run, its value would stand alone on a line (the shell prints a
# column's values one a line under its name).  The typed line itself may be
# drawn again without its prompt when libedit redisplays it after the
# warning (under ASan once: "SELECT 'never run' AS ww"): that is not a run.
expect_eq "the half statement never ran" "" "$(grep -xE ' *never run *' "$T/screen")"
expect_eq "the case is consistent" "ok" "$(wb sql c.case "PRAGMA integrity_check" --format csv | tail -n 1)"

# History that cannot be kept is a warning, once, and the session works.
echo "a file, not a folder" > "$T/notdir"
$S new-session -d -s wb2 -x 120 -y 20 \
	"env XDG_STATE_HOME='$T/notdir' PAGER=cat '$WB' c.case; echo EXIT=\$?; sleep 60"
# wait2 TEXT: poll the second session's screen for a line that is TEXT.
wait2 () {
	_i=0
	while [ $_i -lt 100 ] && ! $S capture-pane -p -S - -t wb2 | grep -q -x -F -- "$1"; do
		sleep 0.1
		_i=$((_i + 1))
	done
}
wait2 "wb>"
$S send-keys -t wb2 -l "SELECT 'one' AS w; "
$S send-keys -t wb2 Enter
$S send-keys -t wb2 -l "SELECT 'two' AS w; "
$S send-keys -t wb2 Enter
wait2 "two"
$S send-keys -t wb2 C-d
wait2 "EXIT=0"
$S capture-pane -p -S - -t wb2 > "$T/screen2"
expect_eq "one warning about the history" 1 "$(grep -c "^warning: cannot .*history" "$T/screen2")"
expect_eq "the session ran both queries and exited 0" "one two EXIT=0" \
	"$(grep -x -e one -e two -e 'EXIT=[0-9]*' "$T/screen2" | tr '\n' ' ' | sed 's/ $//')"
$S kill-server 2> /dev/null
trap - EXIT
t_done
